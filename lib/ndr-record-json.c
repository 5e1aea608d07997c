/* ndr-record-json.c - a record as one JSON object, the line the tool
 * prints for it with --format=jsonl (tools/record-print.c hands JSON
 * output to this function, so the tool and every binding print the same
 * bytes).  The keys and their order are the documented format (README,
 * ndrparse(1)); a missing value is null, never "" or "unknown". */
#include "ndr-json-string.h"
#include "ndrparse-private.h"

typedef struct {
	GString *buf;
	gboolean need_comma;
} Json;

/* @name is one of the key names below: plain ASCII with nothing to
 * escape, so it is written as it is (this runs 30 times a record). */
static void
key (Json *j, const char *name)
{
	if (j->need_comma)
		g_string_append_len (j->buf, ", ", 2);
	g_string_append_c (j->buf, '"');
	g_string_append (j->buf, name);
	g_string_append_len (j->buf, "\": ", 3);
	j->need_comma = TRUE;
}

static void
string (Json *j, const char *name, const char *value)
{
	key (j, name);
	if (value)
		_ndr_json_append_string (j->buf, value);
	else
		g_string_append (j->buf, "null");
}

const char *
ndrparse_status_class_get_name (NdrparseStatusClass status_class)
{
	switch (status_class) {
	case NDRPARSE_STATUS_CLASS_SUCCESS: return "success";
	case NDRPARSE_STATUS_CLASS_TRANSIENT: return "transient";
	case NDRPARSE_STATUS_CLASS_PERMANENT: return "permanent";
	default: return NULL;
	}
}

const char *
ndrparse_verp_get_name (NdrparseVerp verp)
{
	switch (verp) {
	case NDRPARSE_VERP_CONFIRMED: return "confirmed";
	case NDRPARSE_VERP_MISMATCH: return "mismatch";
	case NDRPARSE_VERP_RECOVERED: return "recovered";
	default: return NULL;
	}
}

char *
ndrparse_truncation_to_string (NdrparseTruncation truncated)
{
	if (truncated == NDRPARSE_TRUNCATED_NONE)
		return NULL;
	GString *names = g_string_new (NULL);
	for (guint bit = 1; bit <= NDRPARSE_TRUNCATED_HEADER; bit <<= 1)
		if (truncated & bit)
			g_string_append_printf (names, "%s%s", names->len ? "," : "",
						ndrparse_truncation_get_name ((NdrparseTruncation) bit));
	return g_string_free (names, FALSE);
}

static void
evidence (Json *j, const NdrparseRecord *record)
{
	key (j, "evidence");
	g_string_append_c (j->buf, '[');
	for (guint i = 0; i < ndrparse_record_get_n_evidence (record); i++) {
		const NdrparseEvidence *e = ndrparse_record_get_evidence (record, i);
		g_string_append (j->buf, i ? ", {" : "{");
		Json item = { j->buf, FALSE };
		string (&item, "step", ndrparse_evidence_get_step (e));
		string (&item, "rule", ndrparse_evidence_get_rule_id (e));
		string (&item, "matched", ndrparse_evidence_get_matched (e));
		string (&item, "conclusion", ndrparse_evidence_get_conclusion (e));
		key (&item, "decisive");
		g_string_append (j->buf, ndrparse_evidence_is_decisive (e) ? "true" : "false");
		string (&item, "source", ndrparse_evidence_get_source (e));
		g_string_append_c (j->buf, '}');
	}
	g_string_append_c (j->buf, ']');
}

char *
ndrparse_record_to_json (const NdrparseRecord *record, const char *file, gint64 index, gboolean with_evidence)
{
	g_return_val_if_fail (record != NULL, NULL);
	const NdrparseReport *report = record->report;
	Json j = { g_string_sized_new (1024), FALSE };
	g_string_append_c (j.buf, '{');
	string (&j, "file", file);
	key (&j, "index");
	if (index >= 0)
		g_string_append_printf (j.buf, "%" G_GINT64_FORMAT, index);
	else
		g_string_append (j.buf, "null");
	string (&j, "decoded_by", ndrparse_record_get_decoded_by (record));
	string (&j, "recipient", ndrparse_record_get_recipient (record));
	string (&j, "original_recipient", ndrparse_record_get_original_recipient (record));
	string (&j, "destination", ndrparse_record_get_destination (record));
	string (&j, "sender", ndrparse_report_get_sender (report));
	string (&j, "action", ndrparse_record_get_action (record));
	string (&j, "status", ndrparse_record_get_status (record));
	guint reply = ndrparse_record_get_reply_code (record);
	char code[8];
	g_snprintf (code, sizeof code, "%u", reply);
	string (&j, "reply_code", reply ? code : NULL);
	string (&j, "status_class", ndrparse_status_class_get_name (ndrparse_record_get_status_class (record)));
	string (&j, "status_text", ndrparse_record_get_status_text (record));
	string (&j, "reply_text", ndrparse_record_get_reply_text (record));
	string (&j, "diagnostic_type", ndrparse_record_get_diagnostic_type (record));
	string (&j, "diagnostic_code", ndrparse_record_get_diagnostic_code (record));
	string (&j, "smtp_command", ndrparse_record_get_smtp_command (record));
	string (&j, "reporting_mta", ndrparse_record_get_reporting_mta (record));
	string (&j, "remote_mta", ndrparse_record_get_remote_mta (record));
	string (&j, "timestamp", ndrparse_record_get_timestamp (record));
	string (&j, "reason", ndrparse_reason_get_name (ndrparse_record_get_reason (record)));
	string (&j, "feedback_type", ndrparse_record_get_feedback_type (record));
	string (&j, "source_ip", ndrparse_record_get_source_ip (record));
	key (&j, "hard_bounce");
	NdrparseTristate hard = ndrparse_record_get_hard_bounce (record);
	g_string_append (j.buf, hard == NDRPARSE_TRISTATE_UNSET ? "null" : hard == NDRPARSE_TRISTATE_TRUE ? "true" : "false");
	string (&j, "advice", ndrparse_record_get_advice (record));
	char *truncated = ndrparse_truncation_to_string (ndrparse_record_get_truncated (record));
	string (&j, "truncated", truncated);
	g_free (truncated);
	string (&j, "verp", ndrparse_verp_get_name (ndrparse_record_get_verp (record)));
	string (&j, "message_id", ndrparse_report_get_message_id (report));
	string (&j, "subject", ndrparse_report_get_subject (report));
	string (&j, "list_id", ndrparse_report_get_list_id (report));
	string (&j, "from", ndrparse_report_get_from (report));
	if (with_evidence)
		evidence (&j, record);
	g_string_append_c (j.buf, '}');
	return g_string_free (j.buf, FALSE);
}
