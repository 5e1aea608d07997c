/* ndr-text-decode.c - bounces told in prose: the decoder (ndr-text.h).
 *
 * A message is read as a prose bounce when it presents itself as one (a
 * mail system's From, a family's From, Subject or header rules, a
 * bounce Subject, X-Failed-Recipients) and, unless a family wrote it,
 * its report says a delivery failed (a failure rule or an SMTP code).
 * So a bounce from no known family is read once it passes that test,
 * and a new MTA mostly works before it gets its rules.
 */
#include <string.h>

#include "ndr-text.h"

/* Whether the message presents itself as a delivery report.  A person's
 * reply that quotes a bounce ("Re: Undeliverable ...") does not, nor does
 * list mail about bounces ("Five reasons your mail is undeliverable"). */
static gboolean
presents_as_bounce (const NdrparseReport *report, const NdrProse *prose)
{
	if (prose->not_bounce)
		return FALSE;
	if (prose->daemon_sender || (prose->family && prose->by_headers))
		return TRUE;
	if (_ndr_bounce_header (report, "X-Failed-Recipients"))
		return TRUE;
	if (_ndr_bounce_header (report, "List-Id") || _ndr_bounce_header (report, "List-Unsubscribe"))
		return FALSE;
	return prose->bounce_subject;
}

/* Whether the report (or the Subject) says a delivery failed. */
static gboolean
report_says_failure (const NdrText *t, const NdrProse *prose, const char *subject)
{
	if (prose->bounce_subject)
		return TRUE;
	char *all = _ndr_text_block (t, t->begin, t->end);
	gsize len = strlen (all);
	NdrTextCodes codes;
	_ndr_text_find_codes (all, len, &codes);
	gboolean failure = codes.reply_code >= 400 || codes.status.klass >= 4 ||
			   _ndr_prose_has_mark (t->rules, all, len, NDR_MARK_FAILURE) ||
			   (subject && _ndr_prose_has_mark (t->rules, subject, strlen (subject), NDR_MARK_FAILURE));
	g_free (all);
	return failure;
}

/* A returned message pasted after the report: its headers say whom the
 * bounce is about when no part does. */
static void
read_pasted_original (NdrparseReport *report, const NdrText *t, const char *text, gsize len)
{
	if (report->message_id || report->from_address || t->end >= t->lines->len)
		return;
	const char *rest = _ndr_text_line (t, t->end)->p;
	_ndr_original_read_text (report, rest, text + len - rest);
}

/* Reads @t as @prose's family writes its report (or, with no family, as
 * any report that says a delivery failed); whether it found recipients,
 * whose records it added. */
static gboolean
read_report (NdrparseReport *report, NdrText *t, const NdrProse *prose, const char *subject, const char *text,
	     gsize len)
{
	_ndr_text_find_region (t, prose->family);
	read_pasted_original (report, t, text, len);
	if (t->senders == NULL)
		t->senders = _ndr_text_sender_addresses (report);
	if (!prose->family && !report_says_failure (t, prose, subject))
		return FALSE;
	GPtrArray *found = _ndr_text_recipients (report, t, prose->recipients);
	_ndr_text_add_records (report, t, found, prose, subject);
	gboolean added = found->len > 0;
	g_ptr_array_unref (found);
	return added;
}

gboolean
_ndr_text_decode (NdrparseReport *report, const char *text)
{
	g_autofree char *from = _ndr_bounce_header_head (report, "From");
	g_autofree char *subject = _ndr_head_of (report, _ndr_bounce_subject (report));
	gsize len = text ? strlen (text) : 0;

	NdrProse prose;
	_ndr_prose_read (report, from, subject, text, len, &prose);
	report->not_a_bounce = prose.not_bounce;
	if (!presents_as_bounce (report, &prose))
		return FALSE;
	report->looks_like_bounce = TRUE;

	NdrText t;
	_ndr_text_init (&t, report->rules, text);
	gboolean added = read_report (report, &t, &prose, subject, text, len);
	while (!added && _ndr_prose_give_up_family (report->rules, &prose))
		added = read_report (report, &t, &prose, subject, text, len);
	_ndr_text_clear (&t);
	return added;
}
