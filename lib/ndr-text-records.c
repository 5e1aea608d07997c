/* ndr-text-records.c - one record per recipient of a prose report, from
 * its block (ndr-text.h).
 *
 * A recipient's block runs from its recipient line to the next one (or,
 * in a session transcript, is its session); the block is its diagnostic,
 * or when it is empty the report's lines before the first recipient.
 * Codes the block does not state come from the report's preamble; a
 * status still missing is inferred from what the words mean.
 */
#include <string.h>

#include "ndr-text.h"

/* A recipient line that holds nothing but the address says nothing
 * about the failure: the diagnostic starts after it. */
static guint
diagnostic_start (const NdrText *t, const NdrFinding *f)
{
	const NdrLine *l = _ndr_text_line (t, f->line);
	char *address = _ndr_text_line_recipient (t, f->line);
	gboolean bare = FALSE;
	if (address) {
		const char *at = _ndr_memcasemem (l->p, l->len, address);
		gsize rest = at ? l->len - (at - l->p) - strlen (address) : 0;
		bare = at && strspn (at + strlen (address), "<>\"': \t") >= rest;
	}
	g_free (address);
	return bare ? f->line + 1 : f->line;
}

static guint
next_block_line (const NdrText *t, GPtrArray *found, const NdrFinding *f)
{
	guint stop = t->end;
	for (guint k = 0; k < found->len; k++) {
		const NdrFinding *g = g_ptr_array_index (found, k);
		if (g->line != G_MAXUINT && g->line > f->line && g->line < stop)
			stop = g->line;
	}
	return stop;
}

/* Lines [@first, @stop) as one diagnostic.  Where the remote's reply is
 * quoted, the MTA's own summary of the session (Sendmail's exit status,
 * "554 5.0.0 Service unavailable" after "<<< 552 Requested mailbox
 * exceeds quota.") is left out: the reply says why, the summary only
 * that the session failed, and its code would pass for the remote's.
 * A logged session that failed is read by its failing exchange. */
static char *
block_diagnostic (const NdrText *t, guint first, guint stop)
{
	char *session = _ndr_transcript_session_diagnostic (t, first, stop);
	if (session)
		return session;
	if (_ndr_transcript_quotes_reply (t, first, stop))
		return _ndr_text_block_without (t, first, stop, NDR_MARK_EXIT_STATUS);
	return _ndr_text_block (t, first, stop);
}

static char *
diagnostic_of (const NdrText *t, GPtrArray *found, guint k, const NdrTranscript *tr)
{
	const NdrFinding *f = g_ptr_array_index (found, k);
	guint first, stop;
	if (f->line == G_MAXUINT)
		return block_diagnostic (t, t->begin, t->end);
	if (tr && _ndr_transcript_block (t, tr, k, &first, &stop))
		return block_diagnostic (t, first, stop);
	return block_diagnostic (t, diagnostic_start (t, f), next_block_line (t, found, f));
}

/* The class a report states, else 4 when its words say delivery is only
 * delayed (@said_delay), else 5. */
static guint
class_of (const NdrTextCodes *codes, gboolean said_delay)
{
	if (codes->status.klass)
		return codes->status.klass;
	if (codes->reply_code)
		return codes->reply_code / 100;
	return said_delay ? 4 : 5;
}

/* The status a report means when it states none: the standard code of
 * the reason its words give, else the bare class. */
static void
infer_status (const NdrparseRules *rules, const char *text, gsize len, guint klass, NdrStatusCode *out)
{
	NdrReason reason = _ndr_reason_from_text (rules, text, len);
	if (!_ndr_reason_standard_status (reason, klass, out))
		*out = (NdrStatusCode) { klass, 0, 0 };
}

/* The status a delivery-status part stated for the report's one
 * recipient without naming it (ndr-dsn-decode.c), or NULL. */
static const char *
stated_status (const NdrparseReport *report, GPtrArray *found)
{
	return found->len == 1 && report->unnamed_groups == 1 ? report->unnamed_status : NULL;
}

#define MARK(m) (1u << (m))

/* @said: the marks of the Subject and of the words before the first
 * recipient, read once for all the records. */
static void
fill_record (NdrparseReport *report, NdrparseRecord *record, const char *diag, guint said, const char *preamble,
	     const char *stated)
{
	const NdrparseRules *rules = report->rules;
	gsize len = strlen (diag);
	NdrTextCodes codes;

	_ndr_text_find_codes (diag, len, &codes);
	if (codes.reply_code == 0 && codes.status.klass == 0 && preamble)
		_ndr_text_find_codes (preamble, strlen (preamble), &codes);
	if (codes.status.klass == 0 && stated)
		_ndr_status_code_scan (stated, strlen (stated), &codes.status);
	record->reply_code = codes.reply_code;
	record->smtp_command = _ndr_text_find_smtp_command (report->rules, diag, len);
	record->remote_mta = _ndr_report_take (report, _ndr_text_find_remote_host (diag, len));
	if (*diag)
		record->diagnostic_code = _ndr_report_intern (report, diag);

	guint marks = said | _ndr_prose_marks (rules, diag, len);
	guint klass = class_of (&codes, marks & MARK (NDR_MARK_DELAY));
	/* A report that gave the message up (Sendmail's "Message will be
	 * deleted from queue"), or one that states a failure and no delay,
	 * failed, whatever class the last reply had (Exim's "This is a
	 * permanent error" over a "451 Temporary local problem"). */
	gboolean failed = klass != 4 || (marks & MARK (NDR_MARK_GIVEN_UP)) ||
			  ((said & MARK (NDR_MARK_FAILURE)) && !(marks & MARK (NDR_MARK_DELAY)));
	NdrStatusCode status = codes.status;
	gboolean inferred = status.klass == 0 || (status.subject == 0 && status.detail == 0);
	if (inferred) {
		infer_status (rules, diag, len, klass, &status);
		if (status.subject == 0 && status.detail == 0 && preamble)
			infer_status (rules, preamble, strlen (preamble), klass, &status);
	}
	_ndr_record_set_status (report, record, &status, codes.reply_code);
	record->status_inferred = inferred;
	record->action = failed ? "failed" : "delayed";
	record->action_kind = failed ? NDRPARSE_ACTION_FAILED : NDRPARSE_ACTION_DELAYED;
}

/* The report's lines before the first recipient's block. */
static char *
preamble_of (const NdrText *t, GPtrArray *found)
{
	guint first_line = t->end;
	for (guint k = 0; k < found->len; k++) {
		const NdrFinding *f = g_ptr_array_index (found, k);
		if (f->line != G_MAXUINT)
			first_line = MIN (first_line, f->line);
	}
	return first_line > t->begin ? _ndr_text_block (t, t->begin, first_line) : NULL;
}

void
_ndr_text_add_records (NdrparseReport *report, const NdrText *t, GPtrArray *found, const NdrProse *prose,
		       const char *subject)
{
	NdrTranscript tr = { 0 };
	guint transcript = prose->family
		? _ndr_text_find_line (t, t->begin, t->end, NDR_THEN_FAMILY_TRANSCRIPT, prose->family, 0)
		: G_MAXUINT;
	gboolean has_transcript = _ndr_transcript_index (t, found, transcript, &tr);
	char *preamble = preamble_of (t, found);
	/* What the Subject and the words before the first recipient say (a
	 * warning may say it is one before naming anyone: "The address to
	 * which the message has not yet been delivered is:"): read once for
	 * all the records. */
	guint said = (subject ? _ndr_prose_marks (t->rules, subject, strlen (subject)) : 0) |
		     (preamble ? _ndr_prose_marks (t->rules, preamble, strlen (preamble)) : 0);

	for (guint k = 0; k < found->len; k++) {
		const NdrFinding *f = g_ptr_array_index (found, k);
		NdrparseRecord *record = _ndr_report_add_record (report);
		if (record == NULL)
			break;
		/* A family of diagnostic=preamble says why before it names
		 * anyone, and what follows a recipient is the message's
		 * details; so does any report when nothing follows the
		 * recipient (au's EZweb: "The user(s) account is disabled."
		 * then "<a@ezweb.ne.jp>"). */
		char *diag = preamble && prose->preamble_diagnostic ? g_strdup (preamble)
			   : diagnostic_of (t, found, k, has_transcript ? &tr : NULL);
		if (*diag == '\0' && preamble) {
			g_free (diag);
			diag = g_strdup (preamble);
		}
		record->decoded_by = prose->family ? _ndr_report_intern (report, prose->family) : "text";
		record->reason = prose->reason;
		record->recipient = _ndr_report_intern (report, f->address);
		fill_record (report, record, diag, said, preamble, stated_status (report, found));
		g_free (diag);
	}
	g_free (preamble);
	_ndr_transcript_clear (&tr);
}
