/* ndr-autoreply.c - automatic replies (RFC 3834): out-of-office mail.
 *
 * An auto-reply is not a bounce: the message was delivered and a
 * program answered.  Bounce mailboxes receive many, and a list manager
 * must not count them as failures, so they become one record whose
 * recipient is the replying address, marked so (decoded_by "rfc3834").
 *
 * An auto-reply says what it is in its headers (RFC 3834's
 * Auto-Submitted: auto-replied, or the older vendor headers: rules of
 * mark autoreply-header) or in its Subject (mark autoreply-subject).
 * Only the headers and Subject are trusted: a person's mail that says "I
 * am out of the office" is not an auto-reply.
 */
#include <string.h>

#include "ndrparse-private.h"

static gboolean
has_autoreply_header (const NdrparseReport *report)
{
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	_ndr_header_rules_scan (report, hits);
	gboolean found = FALSE;
	for (guint i = 0; i < hits->len && !found; i++) {
		const NdrRule *rule = g_array_index (hits, NdrRuleHit, i).rule;
		found = rule->then == NDR_THEN_MARK && rule->value == NDR_MARK_AUTOREPLY_HEADER;
	}
	g_array_unref (hits);
	return found;
}

/* A Subject alone is weaker evidence than a header: a person may write
 * "Out of office next week".  An auto-reply also answers a message
 * (In-Reply-To) or comes from the null sender. */
static gboolean
answers_a_message (const NdrparseReport *report)
{
	const char *return_path = _ndr_bounce_header (report, "Return-Path");
	return _ndr_bounce_header (report, "In-Reply-To") ||
	       _ndr_bounce_header (report, "References") ||
	       (return_path && strstr (return_path, "<>"));
}

static gboolean
is_autoreply (const NdrparseReport *report)
{
	/* Exim marks its bounces "Auto-Submitted: auto-replied" too. */
	if (_ndr_text_from_daemon (report->rules, _ndr_bounce_header (report, "From")))
		return FALSE;
	if (has_autoreply_header (report))
		return TRUE;
	guint marks = _ndr_subject_marks (report->rules, _ndr_bounce_subject (report));
	return (marks & (1u << NDR_MARK_AUTOREPLY_SUBJECT)) && answers_a_message (report);
}

gboolean
_ndr_autoreply_decode (NdrparseReport *report)
{
	if (!is_autoreply (report))
		return FALSE;
	char *address = _ndr_address_normalize (_ndr_bounce_header (report, "From"), FALSE);
	if (address && strchr (address, '@') == NULL)
		g_clear_pointer (&address, g_free);
	NdrparseRecord *record = _ndr_report_add_record (report);
	if (record == NULL) {
		g_free (address);
		return FALSE;
	}
	record->decoded_by = "rfc3834";
	/* An automatic reply: the address works (hard_bounce: none). */
	record->reason = NDRPARSE_REASON_VACATION;
	record->recipient = _ndr_report_intern (report, address);
	g_free (address);
	return TRUE;
}
