/* ndr-dsn-decode.c - turning delivery-status field groups into records.
 *
 * Each recipient group becomes one record.  The Status field is the
 * primary fact, but it is often absent or only "5.0.0" while the
 * Diagnostic-Code quotes the real reply ("smtp; 550 5.1.1 User unknown"):
 * the more specific code of the same class wins.
 */
#include <string.h>

#include "ndrparse-private.h"

static const struct {
	const char *word;
	NdrparseAction kind;
	const char *name;
} action_words[] = {
	{ "failed", NDRPARSE_ACTION_FAILED, "failed" },
	{ "failure", NDRPARSE_ACTION_FAILED, "failed" },
	{ "delayed", NDRPARSE_ACTION_DELAYED, "delayed" },
	{ "delivered", NDRPARSE_ACTION_DELIVERED, "delivered" },
	{ "relayed", NDRPARSE_ACTION_RELAYED, "relayed" },
	{ "expanded", NDRPARSE_ACTION_EXPANDED, "expanded" },
};

/* "failed (bad address)" -> failed.  Unknown words are kept as written,
 * lower-cased. */
static void
decode_action (NdrparseReport *report, NdrparseRecord *record, const char *value)
{
	if (value == NULL)
		return;
	gsize len = strcspn (value, " \t(;");
	for (gsize i = 0; i < G_N_ELEMENTS (action_words); i++) {
		if (strlen (action_words[i].word) == len &&
		    g_ascii_strncasecmp (value, action_words[i].word, len) == 0) {
			record->action_kind = action_words[i].kind;
			record->action = action_words[i].name;
			return;
		}
	}
	if (len > 0) {
		char *lower = g_ascii_strdown (value, len);
		record->action = _ndr_report_intern (report, lower);
		g_free (lower);
	}
}

/* The first valid status code in a Status value ("5.1.1",
 * "5.1.1 (user unknown)", "smtp; 5.1.1"). */
static gboolean
scan_status_field (const char *value, NdrStatusCode *code)
{
	if (value == NULL)
		return FALSE;
	gsize len = strlen (value);
	for (gsize i = 0; i < len; i++) {
		if (i > 0 && (g_ascii_isdigit (value[i - 1]) || value[i - 1] == '.'))
			continue;
		if (_ndr_status_code_scan (value + i, len - i, code) && _ndr_status_code_is_valid (code))
			return TRUE;
	}
	return FALSE;
}

static gboolean
is_generic (const NdrStatusCode *code)
{
	return code->subject == 0 && code->detail == 0;
}

/* Which status the record reports.  The Status field is the reporting
 * MTA's summary; when the diagnostic quotes the remote server's own reply
 * ("550 5.7.1 IP address blacklisted") with a code of the same class,
 * that is the more exact fact: Sendmail says 5.1.1 or 4.4.7 for
 * rejections the remote explained with 5.7.1 or 4.4.5.  A lone code in
 * the diagnostic only replaces a Status that says nothing ("5.0.0"). */
static gboolean
resolve_status (const char *status_field, const NdrTextCodes *diag, NdrStatusCode *out)
{
	NdrStatusCode field;
	gboolean have_field = scan_status_field (status_field, &field);
	gboolean have_diag = diag->status.klass != 0;

	if (!have_field) {
		*out = diag->status;
		return have_diag;
	}
	*out = field;
	if (have_diag && diag->status.klass == field.klass && !is_generic (&diag->status) &&
	    (diag->paired || is_generic (&field)))
		*out = diag->status;
	return TRUE;
}

static void
decode_diagnostic (NdrparseReport *report, NdrparseRecord *record, const char *value,
		   NdrTextCodes *codes)
{
	memset (codes, 0, sizeof *codes);
	if (value == NULL || *value == '\0')
		return;

	const char *text = _ndr_skip_type_prefix (value);
	if (text != value) {
		gsize type_len = strcspn (value + strspn (value, " \t"), ";");
		record->diagnostic_type = _ndr_report_intern_lower (report, value + strspn (value, " \t"), type_len);
	}
	if (*text)
		record->diagnostic_code = _ndr_report_intern (report, text);

	gsize len = strlen (text);
	/* "X-Unix; 255" is a program's exit status, not an SMTP reply. */
	if (record->diagnostic_type && g_ascii_strcasecmp (record->diagnostic_type, "x-unix") == 0)
		return;
	_ndr_text_find_codes (text, len, codes);
	record->smtp_command = _ndr_text_find_smtp_command (report->rules, text, len);
	if (record->remote_mta == NULL) {
		record->remote_mta = _ndr_report_take (report, _ndr_text_find_remote_host (text, len));
	}
}

static const char *
intern_mta (NdrparseReport *report, const char *value)
{
	return _ndr_report_take (report, _ndr_mta_name (value));
}

static const char *
intern_date (NdrparseReport *report, const char *value)
{
	return _ndr_report_take (report, _ndr_date_to_iso8601 (value));
}

static gboolean
is_mail_address (const char *address)
{
	return address && strchr (address, '@') != NULL;
}

/* Final-Recipient, unless it is no mail address ("@example.org", a
 * mailbox file path): then Original-Recipient, or, for a one-recipient
 * report, the envelope recipient of the returned message. */
static const char *
choose_recipient (const NdrparseReport *report, const char *final, const char *original,
		  gboolean only_recipient)
{
	if (is_mail_address (final))
		return final;
	if (is_mail_address (original))
		return original;
	if (only_recipient && report->envelope_recipient)
		return report->envelope_recipient;
	return final ? final : original;
}

static void
decode_recipient_group (NdrparseReport *report, GPtrArray *group, gboolean only_recipient)
{
	char *final = _ndr_address_normalize (_ndr_fields_lookup (group, "Final-Recipient"), FALSE);
	char *original = _ndr_address_normalize (_ndr_fields_lookup (group, "Original-Recipient"), TRUE);
	const char *recipient = choose_recipient (report, final, original, only_recipient);

	if (recipient == NULL) {
		/* Netscape Messaging Server 3.6 sends groups with no
		 * -Recipient field (flufl.bounce netscape.py): the prose names
		 * the recipient, and the group's Status is what happened. */
		report->unnamed_groups++;
		const char *status = _ndr_fields_lookup (group, "Status");
		if (status)
			report->unnamed_status = _ndr_report_intern (report, status);
		g_free (final);
		g_free (original);
		return;
	}

	NdrparseRecord *record = _ndr_report_add_record (report);
	if (record == NULL) {
		g_free (final);
		g_free (original);
		return;
	}
	record->decoded_by = "rfc3464";
	record->fields = g_ptr_array_ref (group);
	record->recipient = _ndr_report_intern (report, recipient);
	record->original_recipient = _ndr_report_intern (report, original);
	g_free (final);
	g_free (original);

	decode_action (report, record, _ndr_fields_lookup (group, "Action"));

	record->remote_mta = intern_mta (report, _ndr_fields_lookup (group, "Remote-MTA"));

	NdrTextCodes diag;
	decode_diagnostic (report, record, _ndr_fields_lookup (group, "Diagnostic-Code"), &diag);
	record->reply_code = diag.reply_code;

	NdrStatusCode status;
	gboolean have = resolve_status (_ndr_fields_lookup (group, "Status"), &diag, &status);
	_ndr_record_set_status (report, record, have ? &status : NULL, diag.reply_code);

	record->timestamp = intern_date (report, _ndr_fields_lookup (group, "Last-Attempt-Date"));
}

static void
decode_message_fields (NdrparseReport *report, GPtrArray *fields)
{
	for (guint i = 0; i < fields->len; i++)
		g_ptr_array_add (report->fields, g_ptr_array_index (fields, i));

	if (report->reporting_mta == NULL)
		report->reporting_mta = intern_mta (report, _ndr_fields_lookup (fields, "Reporting-MTA"));
	if (report->dsn_gateway == NULL)
		report->dsn_gateway = intern_mta (report, _ndr_fields_lookup (fields, "DSN-Gateway"));
	if (report->received_from_mta == NULL)
		report->received_from_mta = intern_mta (report, _ndr_fields_lookup (fields, "Received-From-MTA"));
	if (report->original_envelope_id == NULL)
		report->original_envelope_id = _ndr_report_intern (report, _ndr_fields_lookup (fields, "Original-Envelope-Id"));
	if (report->arrival_date == NULL)
		report->arrival_date = intern_date (report, _ndr_fields_lookup (fields, "Arrival-Date"));
}

void
_ndr_dsn_decode (NdrparseReport *report, const NdrDsnFields *dsn)
{
	decode_message_fields (report, dsn->message_fields);
	guint n = dsn->recipient_groups->len;
	for (guint i = 0; i < n; i++)
		decode_recipient_group (report, g_ptr_array_index (dsn->recipient_groups, i), n == 1);
}

/* ---- finishing a record with what the rest of the message says ---- */

/* Fills in from the prose what the DSN fields left out, without ever
 * contradicting them: a reply code of the status's class, a specific
 * status where the DSN said only X.0.0 or nothing. */
static void
enrich_from_notification (NdrparseReport *report, NdrparseRecord *record,
			  const NdrNotification *notification, gboolean only_record)
{
	NdrStatusCode current = { 0, 0, 0 };
	gboolean have_status = record->status != NULL &&
		_ndr_status_code_scan (record->status, strlen (record->status), &current);

	if (record->reply_code && have_status && !is_generic (&current) && record->smtp_command)
		return;

	NdrNotificationFacts facts;
	_ndr_notification_facts (notification, record->recipient, only_record, &facts);
	if (record->smtp_command == NULL)
		record->smtp_command = facts.command;

	NdrStatusCode *found = facts.codes.status.klass ? &facts.codes.status : NULL;
	if (found && !is_generic (found) &&
	    (!have_status || (is_generic (&current) && current.klass == found->klass)))
		_ndr_record_set_status (report, record, found, 0);

	guint reply = facts.codes.reply_code;
	if (record->reply_code == 0 && reply &&
	    (record->status_class == NDRPARSE_STATUS_CLASS_UNKNOWN || reply / 100 == (guint) record->status_class))
		record->reply_code = reply;
	if (record->status == NULL && record->reply_code)
		_ndr_record_set_status (report, record, NULL, record->reply_code);
}

void
_ndr_record_finish (NdrparseReport *report, NdrparseRecord *record, const NdrNotification *notification)
{
	record->reporting_mta = report->reporting_mta;
	record->reporter = report->reporter;
	record->destination = _ndr_address_domain (record->recipient);
	if (record->timestamp == NULL)
		record->timestamp = report->arrival_date ? report->arrival_date : report->date;
	enrich_from_notification (report, record, notification, report->records->len == 1);
	char *whole = _ndr_notification_whole_reply (notification, record->diagnostic_code);
	if (whole) {
		record->diagnostic_code = _ndr_report_intern (report, whole);
		g_free (whole);
	}
	char *context = record->diagnostic_code ? NULL
		      : _ndr_notification_context (notification, record->recipient);
	_ndr_record_classify (report, record, context);
	g_free (context);
}

/* A report whose delivery-status part names nobody (Google sends empty
 * ones) may still list the failed addresses in X-Failed-Recipients, as
 * Exim and Google do. */
void
_ndr_decode_failed_recipients_header (NdrparseReport *report)
{
	GPtrArray *list = _ndr_address_list (_ndr_bounce_header (report, "X-Failed-Recipients"));
	for (guint i = 0; i < list->len; i++) {
		NdrparseRecord *record = _ndr_report_add_record (report);
		if (record == NULL)
			break;
		record->decoded_by = "x-failed-recipients";
		record->recipient = _ndr_report_intern (report, g_ptr_array_index (list, i));
		record->action = "failed";
		record->action_kind = NDRPARSE_ACTION_FAILED;
	}
	g_ptr_array_unref (list);
}
