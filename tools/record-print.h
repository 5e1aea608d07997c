/* record-print.h - one bounce record as a sprinter map. */
#ifndef NDRPARSE_RECORD_PRINT_H
#define NDRPARSE_RECORD_PRINT_H

#include <ndrparse.h>

#include "sprinter.h"

/* The limits in @truncated as "records,scan" (a new string), or NULL. */
char *truncation_names (NdrparseTruncation truncated);
/* The record's class: "hard" or "soft" (its hard_bounce), "complaint"
 * for a feedback report, "none" for what is no failure (a success
 * notification, an auto-reply). */
const char *record_class_name (const NdrparseRecord *record);

/* Every key record_print() emits, in its order; NULL-terminated. */
extern const char *const record_keys[];
gboolean record_key_exists (const char *key);

/* Emits every field of @record (and the report-level fields it carries)
 * under the documented JSON keys; @file is the input as the user named it,
 * @index the message's number in an mbox (0-based), or -1. */
void record_print (sprinter_t *sp, const char *file, gint64 index, const NdrparseReport *report,
		   const NdrparseRecord *record);

#endif
