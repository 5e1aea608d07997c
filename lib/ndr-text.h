/* ndr-text.h - what the modules of the prose decoder share.
 *
 * Many MTAs send no delivery-status part (qmail, classic Exim, Gmail,
 * Yahoo, ...), or one that names nobody.  Their reports differ in
 * wording but share a shape:
 *
 *     preamble ("I'm afraid I wasn't able to deliver ...")
 *     <recipient line>       an address leading its line: "<a@b>:", "  a@b"
 *       diagnostic lines     the remote reply, the host, the command
 *     <recipient line> ...
 *     end line               "--- Below this line is a copy of the message."
 *     the returned message
 *
 * So one engine reads them all; what differs per family (how to
 * recognise it, where its report begins and ends) is rules
 * (lib/rules/mta/), as are the words every family shares (markers/).
 *
 *   ndr-text-family.c      which family wrote it, and the markers From,
 *                          Subject and the text hold (one scan each)
 *   ndr-text-lines.c       the text's lines and the report's region
 *   ndr-text-recipients.c  the addresses the report names, and which lead
 *                          a recipient's block
 *   ndr-text-named.c       recipients it names without an address
 *   ndr-text-transcript.c  a session transcript: Sendmail's summary lines, MDaemon's logged session
 *   ndr-text-records.c     one record per recipient, from its block
 *   ndr-text-decode.c      the decoder: the bounce test, then the above
 */
#ifndef NDR_TEXT_H
#define NDR_TEXT_H

#include <string.h>

#include "ndrparse-private.h"

G_BEGIN_DECLS

/* Bounds that keep a hostile text from costing more than a real one. */
#define NDR_TEXT_MAX_LINES 20000
#define NDR_TEXT_MAX_RECIPIENTS 1000
#define NDR_TEXT_MAX_DIAGNOSTIC 2048
/* Family markers are looked for in this much of the text. */
#define NDR_TEXT_MARKER_WINDOW 16384

/* ---- the family and the markers (ndr-text-family.c) ---- */

typedef struct {
	const char *family;             /* the family's name (owned by the rules), or NULL */
	const char *runner_up;          /* the next recognised family, or NULL */
	NdrRecipients recipients;       /* where its recipients are */
	gboolean preamble_diagnostic;   /* its words before the first recipient say why, for all */
	NdrparseReason reason;          /* what every report of the family means, or UNDEFINED */
	gboolean by_headers;            /* recognised by its From, Subject or header rules */
	gboolean daemon_sender;         /* From is a mail system's, or the null sender */
	gboolean bounce_subject;        /* Subject says it is a delivery report */
	gboolean reply_subject;         /* Subject is a person's reply or forward */
	gboolean not_bounce;            /* a not-a-bounce rule fired */
} NdrProse;

/* Reads what the bounce's headers, @from, @subject and the first
 * NDR_TEXT_MARKER_WINDOW bytes of @text (@len bytes) show; any may be NULL. */
void _ndr_prose_read (const NdrparseReport *report, const char *from, const char *subject, const char *text, gsize len, NdrProse *prose);
/* Makes the runner-up (if any, else no family) @prose's family, for a
 * report its family's reading found no recipient in; FALSE when @prose
 * has no family left to give up. */
gboolean _ndr_prose_give_up_family (const NdrparseRules *rules, NdrProse *prose);
/* The marks (1 << NdrMark) the in=body rules find in @text, one scan;
 * 0 for a NULL or empty text. */
guint _ndr_prose_marks (const NdrparseRules *rules, const char *text, gsize len);
/* Whether @text holds a hit of a rule of mark @mark (in=body). */
gboolean _ndr_prose_has_mark (const NdrparseRules *rules, const char *text, gsize len, NdrMark mark);

/* ---- lines and the report region (ndr-text-lines.c) ---- */

typedef struct {
	const char *p;
	gsize len;
} NdrLine;

/* A body-lines rule's match, and the line it starts on. */
typedef struct {
	const NdrRule *rule;
	guint line;
	gsize from, to;         /* offsets in the text */
} NdrLineHit;

typedef struct {
	const NdrparseRules *rules;
	const char *text;
	GArray *lines;          /* NdrLine */
	GArray *hits;           /* NdrLineHit of the body-lines rules, by line */
	guint begin, end;       /* the report is lines [begin, end) */
	GHashTable *senders;    /* addresses that are never recipients */
} NdrText;

/* Splits @text (may be NULL) into lines and finds every body-lines rule
 * in it: one scan. */
void _ndr_text_init (NdrText *t, const NdrparseRules *rules, const char *text);
void _ndr_text_clear (NdrText *t);
NdrLine *_ndr_text_line (const NdrText *t, guint i);
/* The first line in [@from, @to) with a hit of @then (@name, @mark as
 * above); G_MAXUINT if none. */
guint _ndr_text_find_line (const NdrText *t, guint from, guint to, NdrConclusion then, const char *name, NdrMark mark);
/* The longest hit of mark @mark starting at offset @at of the text, or NULL. */
const NdrLineHit *_ndr_text_hit_at (const NdrText *t, guint line, gsize at, NdrMark mark);
/* Sets t->begin and t->end: from the first line where @family's report
 * begins (0 if none or no family) to the first line after it where the
 * family's report ends or the returned message starts. */
void _ndr_text_find_region (NdrText *t, const char *family);
/* The length of the header field name @p starts with (RFC 5322 2.2:
 * printable characters but the colon, then ':'), or 0. */
gsize _ndr_text_field_name (const char *p, const char *end);
/* Whether field name @name (@len bytes) is @want, case aside. */
gboolean _ndr_text_field_is (const char *name, gsize len, const char *want);
/* The lines [@first, @stop) joined, whitespace folded to single spaces,
 * at most NDR_TEXT_MAX_DIAGNOSTIC bytes (a new string). */
char *_ndr_text_block (const NdrText *t, guint first, guint stop);
/* The same, leaving out the lines a rule of mark @mark hits. */
char *_ndr_text_block_without (const NdrText *t, guint first, guint stop, NdrMark mark);

/* ---- addresses (ndr-text-recipients.c) ---- */

/* A character of a local part (RFC 5322 atext and '.'; beyond ASCII, as
 * RFC 6531 allows). */
static inline gboolean
_ndr_text_is_local_char (unsigned char c)
{
	return g_ascii_isalnum (c) || c >= 0x80 || strchr ("._%+-=!#$&'*/?^`{|}~", c) != NULL;
}

static inline const char *
_ndr_text_skip_blanks (const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

typedef struct {
	char *address;
	guint line;             /* where its block starts, G_MAXUINT if unknown */
} NdrFinding;

/* The address line @l leads with ("<a@b>:", "Recipient: a@b", ">>> RCPT
 * TO:<a@b>", "550 <a@b>... reason"), or NULL; a new string. */
char *_ndr_text_line_recipient (const NdrText *t, guint i);
/* The recipients the report names, in order of trust (recipient lines,
 * X-Failed-Recipients, addresses mentioned, the returned message's
 * envelope recipient): NdrFinding *, freed with the array. */
GPtrArray *_ndr_text_recipients (NdrparseReport *report, const NdrText *t,
				 NdrRecipients where);
/* ---- recipients named without an address (ndr-text-named.c) ---- */

/* What is called with an address (borrowed) and the line naming it. */
typedef void (*NdrTextEachAddress) (const char *address, guint line, gpointer data);
/* Calls @each for every line of the report that names a recipient by
 * display name ("John Doe on 12/1/97 12:00 PM"), Exchange directory name
 * ("/O=ORG/.../CN=JDOE") or X.400 O/R name ("...;s=Doe;g=John;"), with
 * the returned message's recipient it names; lines whose name matches no
 * one, or more than one, are left out. */
void _ndr_text_for_each_named_recipient (NdrparseReport *report, const NdrText *t, NdrTextEachAddress each,
					 gpointer data);

/* The bounce's own addresses (From, To, the returned message's sender):
 * never recipients.  A new set of new strings. */
GHashTable *_ndr_text_sender_addresses (const NdrparseReport *report);

/* ---- session transcripts (ndr-text-transcript.c) ---- */

typedef struct {
	guint start;            /* the line the transcript starts at */
	guint *summary_of;      /* per finding: its summary line, or G_MAXUINT */
	gboolean *is_summary;   /* per line of the text */
} NdrTranscript;

/* Indexes the summary lines of @found in the transcript from line
 * @start; FALSE when there is none (@start is G_MAXUINT). */
gboolean _ndr_transcript_index (const NdrText *t, GPtrArray *found, guint start, NdrTranscript *tr);
void _ndr_transcript_clear (NdrTranscript *tr);
/* The lines of finding @k's session, through its summary line; FALSE
 * when the transcript has no summary line for it. */
gboolean _ndr_transcript_block (const NdrText *t, const NdrTranscript *tr, guint k, guint *first, guint *stop);
/* Whether a line of [@first, @stop) is a remote's failure reply as a
 * transcript quotes it ("<<< 552 Requested mailbox exceeds quota."). */
gboolean _ndr_transcript_quotes_reply (const NdrText *t, guint first, guint stop);
/* A session logged in [@first, @stop) as MDaemon logs it, with a failure
 * reply: the host it connected to, the command the first such reply
 * answered and the reply, as one diagnostic (a new string); NULL when the
 * lines log no such session. */
char *_ndr_transcript_session_diagnostic (const NdrText *t, guint first, guint stop);

/* ---- records (ndr-text-records.c) ---- */

/* One record per finding, its diagnostic its block. */
void _ndr_text_add_records (NdrparseReport *report, const NdrText *t, GPtrArray *found, const NdrProse *prose,
			    const char *subject);

G_END_DECLS

#endif
