/* summary.h - counts of the records printed (--summary). */
#ifndef NDRPARSE_SUMMARY_H
#define NDRPARSE_SUMMARY_H

#include <stdio.h>

#include <ndrparse.h>

#include "sprinter.h"

typedef struct _Summary Summary;

Summary *summary_new (void);
void summary_free (Summary *summary);
#define SUMMARY_N_DIMENSIONS 4

/* What @record is counted under: its reason, class (hard, soft,
 * complaint, none),
 * destination domain and remote MTA; NULL where it has none.  The
 * strings belong to @record. */
void summary_values (const NdrparseRecord *record, const char *values[SUMMARY_N_DIMENSIONS]);
/* Counts one record under @values (as summary_values() gives them). */
void summary_add (Summary *summary, const char *const values[SUMMARY_N_DIMENSIONS]);
/* Counts one input (message) read. */
void summary_add_input (Summary *summary);
/* As one {"summary": {...}} map, for the JSON formats. */
void summary_print_structured (const Summary *summary, sprinter_t *sp);
/* As a block of text, for people. */
void summary_print_text (const Summary *summary, FILE *out);
/* As a CSV table of its own: dimension, value, count. */
void summary_print_csv (const Summary *summary, FILE *out);

#endif
