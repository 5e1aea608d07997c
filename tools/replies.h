/* replies.h - --reply and --replies: SMTP replies from an MTA's own logs,
 * classified the way a bounce's diagnostic is (ndrparse_classify_reply()),
 * and printed as records with the same keys.
 *
 * A reply line is up to four fields separated by tabs: the reply, then
 * optionally the SMTP command it answered, the remote host, and the
 * recipient:
 *
 *   550 5.1.1 <bob@example.org>: User unknown<TAB>RCPT<TAB>mx.example.org<TAB>bob@example.org
 *
 * Empty fields are as absent ones; empty lines are skipped.
 */
#ifndef NDRPARSE_REPLIES_H
#define NDRPARSE_REPLIES_H

#include <ndrparse.h>

#include "sprinter.h"
#include "summary.h"

typedef struct {
	guint records;          /* replies printed */
	gboolean unreadable;    /* the --replies file could not be read (said on stderr) */
} RepliesResult;

/* Classifies each of @texts (--reply values; may be NULL), then each line
 * of the file @path ("-": standard input; may be NULL), with @rules,
 * printing a record for each on @sp and counting it in @summary (may be
 * NULL). */
RepliesResult replies_classify (NdrparseRules *rules, const char *const *texts, const char *path, sprinter_t *sp,
				Summary *summary);

#endif
