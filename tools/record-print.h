/* record-print.h - one bounce record as a sprinter map. */
#ifndef NDRPARSE_RECORD_PRINT_H
#define NDRPARSE_RECORD_PRINT_H

#include <ndrparse.h>

#include "sprinter.h"

/* The record's class: "hard" or "soft" (its hard_bounce), "complaint"
 * for a feedback report, "none" for what is no failure (a success
 * notification, an auto-reply). */
const char *record_class_name (const NdrparseRecord *record);

/* Every key record_print() emits, in its order (but "evidence", which
 * only --explain adds); NULL-terminated. */
extern const char *const record_keys[];
gboolean record_key_exists (const char *key);

/* Emits every field of @record (and the report-level fields it carries)
 * under the documented JSON keys; @file is the input as the user named it,
 * @index the message's number in an mbox (0-based), or -1.  With
 * @explain, an "evidence" list follows: per rule that fired or step that
 * decided, a map of step, rule, matched, conclusion, decisive, source. */
void record_print (sprinter_t *sp, const char *file, gint64 index, const NdrparseReport *report,
		   const NdrparseRecord *record, gboolean explain);

/* One line of --replies: an SMTP reply from a log, and what the log says
 * around it (each may be NULL but the reply). */
typedef struct {
	const char *reply;
	const char *smtp_command;
	const char *remote_host;
	const char *recipient;
} ReplyLine;

/* Emits what ndrparse_classify_reply() made of @line as a record with the
 * same keys as record_print()'s (decoded_by "reply"); @index is its line
 * number in @file (0-based), or -1. */
void reply_print (sprinter_t *sp, const char *file, gint64 index, const ReplyLine *line,
		  const NdrparseClassification *classification);

#endif
