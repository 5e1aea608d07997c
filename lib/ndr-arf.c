/* ndr-arf.c - feedback reports: complaints, not bounces.
 *
 * A mailbox provider that runs a feedback loop sends an RFC 5965 report
 * (multipart/report; report-type=feedback-report) when a user marks a
 * message as spam: a message/feedback-report part with Feedback-Type,
 * Original-Rcpt-To, Source-IP ..., and the reported message.  List
 * managers treat a complaint like an unsubscribe, so each complaining
 * recipient becomes a record with its feedback type.
 *
 * Two older formats say the same thing without the part:
 *   - Hotmail's "complaint about message from IP" mail, which attaches
 *     the reported message only, naming the recipient in
 *     X-HmXmrOriginalRecipient;
 *   - Apple Mail's unsubscribe request (X-Apple-Unsubscribe: true), sent
 *     from the recipient's own address: an "opt-out".
 */
#include <string.h>

#include "ndrparse-private.h"

/* Bounds a hostile report's cost. */
#define MAX_FIELDS 500

/* Splits "Name: value" lines, unfolding continuation lines, into the
 * report's per-message fields. */
static void
read_fields (NdrparseReport *report, const char *text, gsize len)
{
	if (text == NULL || len == 0)
		return;             /* an empty part: GBytes gives NULL, and NULL + 0 is undefined */
	const char *p = text, *end = text + len;
	GString *value = g_string_new (NULL);
	guint count = 0;

	while (p < end && count < MAX_FIELDS) {
		const char *nl = memchr (p, '\n', end - p);
		const char *eol = nl ? nl : end;
		const char *colon = memchr (p, ':', eol - p);
		if (colon && colon > p && !g_ascii_isspace (*p)) {
			g_string_assign (value, "");
			g_string_append_len (value, colon + 1, eol - colon - 1);
			const char *q = nl ? nl + 1 : end;
			while (q < end && (*q == ' ' || *q == '\t')) {
				const char *qnl = memchr (q, '\n', end - q);
				const char *qeol = qnl ? qnl : end;
				g_string_append_len (value, q, qeol - q);
				q = qnl ? qnl + 1 : end;
			}
			g_strstrip (value->str);
			NdrField *field = _ndr_report_new_field (report, p, colon - p, value->str, strlen (value->str));
			g_ptr_array_add (report->fields, field);
			count++;
			p = q;
			continue;
		}
		p = nl ? nl + 1 : end;
	}
	g_string_free (value, TRUE);
}

/* The reported message's Source-IP, bare ("192.0.2.1"). */
static const char *
source_ip (NdrparseReport *report)
{
	const char *value = _ndr_fields_lookup (report->fields, "Source-IP");
	if (value == NULL)
		return NULL;
	char *copy = g_strstrip (g_strdup (value));
	return *copy ? _ndr_report_take (report, copy) : (g_free (copy), NULL);
}

static NdrparseRecord *
add_record (NdrparseReport *report, const char *recipient, const char *feedback_type)
{
	NdrparseRecord *record = _ndr_report_add_record (report);
	if (record == NULL)
		return NULL;
	record->decoded_by = "arf";
	record->source_ip = source_ip (report);
	record->recipient = _ndr_report_intern (report, recipient);
	record->feedback_type = feedback_type;
	/* A complaint: the address works, its owner does not want the mail;
	 * neither a hard nor a soft bounce (_ndr_hard_bounce()). */
	record->reason = NDRPARSE_REASON_FEEDBACK;
	return record;
}

/* One record per address of every field called @name; the count added. */
static guint
records_from_field (NdrparseReport *report, const char *name, const char *feedback_type)
{
	guint added = 0;
	for (guint i = 0; i < report->fields->len; i++) {
		NdrField *field = g_ptr_array_index (report->fields, i);
		if (g_ascii_strcasecmp (field->name, name) != 0)
			continue;
		char *address = _ndr_address_normalize (field->value, FALSE);
		if (address && strchr (address, '@')) {
			add_record (report, address, feedback_type);
			added++;
		}
		g_free (address);
	}
	return added;
}

/* Records for the reported message's recipients: the one Hotmail names,
 * else its To addresses, else where it was delivered (a list copy's To
 * names the list), else one record that names nobody: the report still
 * says a complaint happened. */
static void
records_from_reported_message (NdrparseReport *report, const char *feedback_type)
{
	if (report->complainant) {
		add_record (report, report->complainant, feedback_type);
		return;
	}
	GPtrArray *list = _ndr_address_list (report->original_to);
	for (guint i = 0; i < list->len; i++)
		add_record (report, g_ptr_array_index (list, i), feedback_type);
	guint added = list->len;
	g_ptr_array_unref (list);
	if (added == 0)
		add_record (report, report->delivered_to, feedback_type);
}

static const char *
intern_lower (NdrparseReport *report, const char *value)
{
	if (value == NULL)
		return NULL;
	char *copy = g_strstrip (g_strdup (value));
	char *lower = g_ascii_strdown (copy, -1);
	g_free (copy);
	return _ndr_report_take (report, lower);
}

static gboolean
decode_rfc5965 (NdrparseReport *report, GBytes *feedback)
{
	gsize len;
	const char *text = g_bytes_get_data (feedback, &len);
	read_fields (report, text, len);

	const char *type = intern_lower (report, _ndr_fields_lookup (report->fields, "Feedback-Type"));
	if (type == NULL)
		type = "abuse";   /* RFC 5965 requires the field; a report without it is still one */
	if (report->reporting_mta == NULL)
		report->reporting_mta = _ndr_report_take (report,
			_ndr_mta_name (_ndr_fields_lookup (report->fields, "Reporting-MTA")));
	if (report->arrival_date == NULL) {
		const char *date = _ndr_fields_lookup (report->fields, "Arrival-Date");
		if (date == NULL)
			date = _ndr_fields_lookup (report->fields, "Received-Date");
		report->arrival_date = _ndr_report_take (report, date ? _ndr_date_to_iso8601 (date) : NULL);
	}
	if (records_from_field (report, "Original-Rcpt-To", type) == 0 &&
	    records_from_field (report, "Removal-Recipient", type) == 0)
		records_from_reported_message (report, type);
	return TRUE;
}

static gboolean
header_contains (const NdrparseReport *report, const char *name, const char *needle)
{
	const char *value = _ndr_bounce_header (report, name);
	return value && _ndr_memcasemem (value, strlen (value), needle) != NULL;
}

/* Hotmail's complaint mail: From staff@hotmail.com, "complaint about
 * message from ...", the reported message attached. */
static gboolean
decode_hotmail_complaint (NdrparseReport *report)
{
	if (!header_contains (report, "From", "staff@hotmail.com") ||
	    !header_contains (report, "Subject", "complaint about message from"))
		return FALSE;
	records_from_reported_message (report, "abuse");
	return TRUE;
}

/* Apple Mail's unsubscribe request comes from the recipient itself. */
static gboolean
decode_apple_unsubscribe (NdrparseReport *report)
{
	if (!header_contains (report, "X-Apple-Unsubscribe", "true"))
		return FALSE;
	char *address = _ndr_address_normalize (_ndr_bounce_header (report, "From"), FALSE);
	if (address && strchr (address, '@'))
		add_record (report, address, "opt-out");
	g_free (address);
	return report->records->len > 0;
}

gboolean
_ndr_arf_decode (NdrparseReport *report, GBytes *feedback)
{
	if (feedback)
		return decode_rfc5965 (report, feedback);
	return decode_hotmail_complaint (report) || decode_apple_unsubscribe (report);
}
