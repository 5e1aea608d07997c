/* record-print.c - the record's keys, in one place for every format.
 *
 * The keys and their order are the documented output format (README,
 * ndrparse(1)); a missing value is null, never "" or "unknown".
 */
#include <string.h>

#include "record-print.h"

static void
key_string (sprinter_t *sp, const char *key, const char *value)
{
	sp->map_key (sp, key);
	sp->string (sp, value);
}

static const char *
class_name (NdrparseStatusClass status_class)
{
	switch (status_class) {
	case NDRPARSE_CLASS_SUCCESS: return "success";
	case NDRPARSE_CLASS_TRANSIENT: return "transient";
	case NDRPARSE_CLASS_PERMANENT: return "permanent";
	default: return NULL;
	}
}

const char *const record_keys[] = {
	"file", "index", "decoded_by", "recipient", "original_recipient", "destination", "sender",
	"action", "status", "reply_code", "status_class", "status_text", "reply_text",
	"diagnostic_type", "diagnostic_code", "smtp_command", "reporting_mta", "remote_mta",
	"timestamp", "reason", "feedback_type", "source_ip", "hard_bounce", "advice", "truncated", "verp",
	"message_id", "subject", "list_id", "from", NULL
};

gboolean
record_key_exists (const char *key)
{
	for (const char *const *k = record_keys; *k; k++)
		if (strcmp (*k, key) == 0)
			return TRUE;
	return FALSE;
}

char *
truncation_names (NdrparseTruncation truncated)
{
	if (truncated == NDRPARSE_TRUNCATED_NONE)
		return NULL;
	GString *names = g_string_new (NULL);
	for (guint bit = 1; bit <= NDRPARSE_TRUNCATED_HEADER; bit <<= 1) {
		if (truncated & bit)
			g_string_append_printf (names, "%s%s", names->len ? "," : "",
						ndrparse_truncation_get_name ((NdrparseTruncation) bit));
	}
	return g_string_free (names, FALSE);
}

const char *
record_class_name (const NdrparseRecord *record)
{
	if (ndrparse_record_get_reason_kind (record) == NDRPARSE_REASON_FEEDBACK)
		return "complaint";
	switch (ndrparse_record_get_hard_bounce (record)) {
	case NDRPARSE_TRUE: return "hard";
	case NDRPARSE_FALSE: return "soft";
	default: return "none";
	}
}

static const char *
verp_name (NdrparseVerp verp)
{
	switch (verp) {
	case NDRPARSE_VERP_CONFIRMED: return "confirmed";
	case NDRPARSE_VERP_MISMATCH: return "mismatch";
	case NDRPARSE_VERP_RECOVERED: return "recovered";
	default: return NULL;
	}
}

void
record_print (sprinter_t *sp, const char *file, gint64 index, const NdrparseReport *report,
	      const NdrparseRecord *record)
{
	sp->begin_map (sp);
	key_string (sp, "file", file);
	sp->map_key (sp, "index");
	if (index >= 0)
		sp->integer (sp, index);
	else
		sp->null (sp);
	key_string (sp, "decoded_by", ndrparse_record_get_decoded_by (record));
	key_string (sp, "recipient", ndrparse_record_get_recipient (record));
	key_string (sp, "original_recipient", ndrparse_record_get_original_recipient (record));
	key_string (sp, "destination", ndrparse_record_get_destination (record));
	key_string (sp, "sender", ndrparse_report_get_sender (report));
	key_string (sp, "action", ndrparse_record_get_action (record));
	key_string (sp, "status", ndrparse_record_get_status (record));

	guint reply = ndrparse_record_get_reply_code (record);
	sp->map_key (sp, "reply_code");
	if (reply) {
		char code[8];
		g_snprintf (code, sizeof code, "%u", reply);
		sp->string (sp, code);
	} else {
		sp->null (sp);
	}

	key_string (sp, "status_class", class_name (ndrparse_record_get_status_class (record)));
	key_string (sp, "status_text", ndrparse_record_get_status_text (record));
	key_string (sp, "reply_text", ndrparse_record_get_reply_text (record));
	key_string (sp, "diagnostic_type", ndrparse_record_get_diagnostic_type (record));
	key_string (sp, "diagnostic_code", ndrparse_record_get_diagnostic_code (record));
	key_string (sp, "smtp_command", ndrparse_record_get_smtp_command (record));
	key_string (sp, "reporting_mta", ndrparse_record_get_reporting_mta (record));
	key_string (sp, "remote_mta", ndrparse_record_get_remote_mta (record));
	key_string (sp, "timestamp", ndrparse_record_get_timestamp (record));
	key_string (sp, "reason", ndrparse_record_get_reason (record));
	key_string (sp, "feedback_type", ndrparse_record_get_feedback_type (record));
	key_string (sp, "source_ip", ndrparse_record_get_source_ip (record));

	sp->map_key (sp, "hard_bounce");
	switch (ndrparse_record_get_hard_bounce (record)) {
	case NDRPARSE_TRUE: sp->boolean (sp, TRUE); break;
	case NDRPARSE_FALSE: sp->boolean (sp, FALSE); break;
	default: sp->null (sp); break;
	}
	key_string (sp, "advice", ndrparse_record_get_advice (record));

	char *truncated = truncation_names (ndrparse_record_get_truncated (record));
	key_string (sp, "truncated", truncated);
	g_free (truncated);
	key_string (sp, "verp", verp_name (ndrparse_record_get_verp (record)));

	key_string (sp, "message_id", ndrparse_report_get_message_id (report));
	key_string (sp, "subject", ndrparse_report_get_subject (report));
	key_string (sp, "list_id", ndrparse_report_get_list_id (report));
	key_string (sp, "from", ndrparse_report_get_from (report));
	sp->end (sp);
}
