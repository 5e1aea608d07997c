/* summary.h - counts of the records printed (--summary). */
#ifndef NDRPARSE_SUMMARY_H
#define NDRPARSE_SUMMARY_H

#include <stdio.h>

#include <ndrparse.h>

#include "sprinter.h"

typedef struct _Summary Summary;

Summary *summary_new (void);
void summary_free (Summary *summary);
/* Counts @record by reason, class (hard, soft, none), destination domain
 * and remote MTA. */
void summary_add (Summary *summary, const NdrparseRecord *record);
/* Counts one input (message) read. */
void summary_add_input (Summary *summary);
/* As one {"summary": {...}} map, for the JSON formats. */
void summary_print_structured (const Summary *summary, sprinter_t *sp);
/* As a block of text, for people (text and csv formats). */
void summary_print_text (const Summary *summary, FILE *out);

#endif
