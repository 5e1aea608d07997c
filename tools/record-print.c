/* record-print.c - the record's keys, in one place for every format.
 *
 * The keys and their order are the documented output format (README,
 * ndrparse(1)); a missing value is null, never "" or "unknown".
 */
#include <string.h>

#include "record-print.h"

/* The keys, in the order of the enum below: one list for the text and CSV
 * printers.  JSON records are the library's (ndrparse_record_to_json(),
 * lib/ndr-record-json.c), with the same keys in the same order; the
 * Python suite checks the two lists agree. */
const char *const record_keys[] = {
	"file", "index", "decoded_by", "recipient", "original_recipient", "destination", "sender",
	"action", "status", "reply_code", "status_class", "status_text", "reply_text",
	"diagnostic_type", "diagnostic_code", "smtp_command", "reporting_mta", "remote_mta",
	"timestamp", "reason", "feedback_type", "source_ip", "hard_bounce", "advice", "truncated", "verp",
	"message_id", "subject", "list_id", "from", NULL
};

enum {
	KEY_FILE, KEY_INDEX, KEY_DECODED_BY, KEY_RECIPIENT, KEY_ORIGINAL_RECIPIENT, KEY_DESTINATION,
	KEY_SENDER, KEY_ACTION, KEY_STATUS, KEY_REPLY_CODE, KEY_STATUS_CLASS, KEY_STATUS_TEXT,
	KEY_REPLY_TEXT, KEY_DIAGNOSTIC_TYPE, KEY_DIAGNOSTIC_CODE, KEY_SMTP_COMMAND, KEY_REPORTING_MTA,
	KEY_REMOTE_MTA, KEY_TIMESTAMP, KEY_REASON, KEY_FEEDBACK_TYPE, KEY_SOURCE_IP, KEY_HARD_BOUNCE,
	KEY_ADVICE, KEY_TRUNCATED, KEY_VERP, KEY_MESSAGE_ID, KEY_SUBJECT, KEY_LIST_ID, KEY_FROM,
	N_KEYS
};

/* A record as printed: a string (or NULL) per key, but for the index
 * and hard_bounce, which are not strings. */
typedef struct {
	const char *value[N_KEYS];
	gint64 index;                   /* -1: null */
	NdrparseTristate hard_bounce;
	const NdrparseRecord *explained; /* print its evidence (--explain), or NULL */
} Row;

/* The record's evidence: the rules that fired, in the order of the
 * evidence chain, and the steps that decided. */
static void
print_evidence (sprinter_t *sp, const NdrparseRecord *record)
{
	sp->map_key (sp, "evidence");
	sp->begin_list (sp);
	for (guint i = 0; i < ndrparse_record_get_n_evidence (record); i++) {
		const NdrparseEvidence *e = ndrparse_record_get_evidence (record, i);
		sp->begin_map (sp);
		sp->map_key (sp, "step");
		sp->string (sp, ndrparse_evidence_get_step (e));
		sp->map_key (sp, "rule");
		sp->string (sp, ndrparse_evidence_get_rule_id (e));
		sp->map_key (sp, "matched");
		sp->string (sp, ndrparse_evidence_get_matched (e));
		sp->map_key (sp, "conclusion");
		sp->string (sp, ndrparse_evidence_get_conclusion (e));
		sp->map_key (sp, "decisive");
		sp->boolean (sp, ndrparse_evidence_is_decisive (e));
		sp->map_key (sp, "source");
		sp->string (sp, ndrparse_evidence_get_source (e));
		sp->end (sp);
	}
	sp->end (sp);
}

static void
print_row (sprinter_t *sp, const Row *row)
{
	sp->begin_map (sp);
	for (guint k = 0; k < N_KEYS; k++) {
		sp->map_key (sp, record_keys[k]);
		if (k == KEY_INDEX && row->index >= 0)
			sp->integer (sp, row->index);
		else if (k == KEY_HARD_BOUNCE && row->hard_bounce != NDRPARSE_TRISTATE_UNSET)
			sp->boolean (sp, row->hard_bounce == NDRPARSE_TRISTATE_TRUE);
		else if (k == KEY_INDEX || k == KEY_HARD_BOUNCE)
			sp->null (sp);
		else
			sp->string (sp, row->value[k]);
	}
	if (row->explained)
		print_evidence (sp, row->explained);
	sp->end (sp);
}

gboolean
record_key_exists (const char *key)
{
	if (strcmp (key, "evidence") == 0)
		return TRUE;
	for (const char *const *k = record_keys; *k; k++)
		if (strcmp (*k, key) == 0)
			return TRUE;
	return FALSE;
}

const char *
record_class_name (const NdrparseRecord *record)
{
	if (ndrparse_record_get_reason (record) == NDRPARSE_REASON_FEEDBACK)
		return "complaint";
	switch (ndrparse_record_get_hard_bounce (record)) {
	case NDRPARSE_TRISTATE_TRUE: return "hard";
	case NDRPARSE_TRISTATE_FALSE: return "soft";
	default: return "none";
	}
}

void
record_print (sprinter_t *sp, const char *file, gint64 index, const NdrparseReport *report,
	      const NdrparseRecord *record, gboolean explain)
{
	if (sp->json_map) {
		/* JSON: the library's own writing of the record, so that the
		 * tool and the bindings print the same bytes. */
		char *json = ndrparse_record_to_json (record, file, index, explain);
		sp->json_map (sp, json);
		g_free (json);
		return;
	}
	Row row = { .index = index, .hard_bounce = ndrparse_record_get_hard_bounce (record),
		    .explained = explain ? record : NULL };
	char code[8] = "";
	guint reply = ndrparse_record_get_reply_code (record);
	if (reply)
		g_snprintf (code, sizeof code, "%u", reply);
	char *truncated = ndrparse_truncation_to_string (ndrparse_record_get_truncated (record));
	const char **v = row.value;
	v[KEY_FILE] = file;
	v[KEY_DECODED_BY] = ndrparse_record_get_decoded_by (record);
	v[KEY_RECIPIENT] = ndrparse_record_get_recipient (record);
	v[KEY_ORIGINAL_RECIPIENT] = ndrparse_record_get_original_recipient (record);
	v[KEY_DESTINATION] = ndrparse_record_get_destination (record);
	v[KEY_SENDER] = ndrparse_report_get_sender (report);
	v[KEY_ACTION] = ndrparse_record_get_action (record);
	v[KEY_STATUS] = ndrparse_record_get_status (record);
	v[KEY_REPLY_CODE] = reply ? code : NULL;
	v[KEY_STATUS_CLASS] = ndrparse_status_class_get_name (ndrparse_record_get_status_class (record));
	v[KEY_STATUS_TEXT] = ndrparse_record_get_status_text (record);
	v[KEY_REPLY_TEXT] = ndrparse_record_get_reply_text (record);
	v[KEY_DIAGNOSTIC_TYPE] = ndrparse_record_get_diagnostic_type (record);
	v[KEY_DIAGNOSTIC_CODE] = ndrparse_record_get_diagnostic_code (record);
	v[KEY_SMTP_COMMAND] = ndrparse_record_get_smtp_command (record);
	v[KEY_REPORTING_MTA] = ndrparse_record_get_reporting_mta (record);
	v[KEY_REMOTE_MTA] = ndrparse_record_get_remote_mta (record);
	v[KEY_TIMESTAMP] = ndrparse_record_get_timestamp (record);
	v[KEY_REASON] = ndrparse_reason_get_name (ndrparse_record_get_reason (record));
	v[KEY_FEEDBACK_TYPE] = ndrparse_record_get_feedback_type (record);
	v[KEY_SOURCE_IP] = ndrparse_record_get_source_ip (record);
	v[KEY_ADVICE] = ndrparse_record_get_advice (record);
	v[KEY_TRUNCATED] = truncated;
	v[KEY_VERP] = ndrparse_verp_get_name (ndrparse_record_get_verp (record));
	v[KEY_MESSAGE_ID] = ndrparse_report_get_message_id (report);
	v[KEY_SUBJECT] = ndrparse_report_get_subject (report);
	v[KEY_LIST_ID] = ndrparse_report_get_list_id (report);
	v[KEY_FROM] = ndrparse_report_get_from (report);
	print_row (sp, &row);
	g_free (truncated);
}

/* What a reply of @klass says of delivery, in Action terms. */
static const char *
action_of_class (NdrparseStatusClass klass)
{
	switch (klass) {
	case NDRPARSE_STATUS_CLASS_SUCCESS: return "delivered";
	case NDRPARSE_STATUS_CLASS_TRANSIENT: return "delayed";
	case NDRPARSE_STATUS_CLASS_PERMANENT: return "failed";
	default: return NULL;
	}
}

void
reply_print (sprinter_t *sp, const char *file, gint64 index, const ReplyLine *line,
	     const NdrparseClassification *c)
{
	Row row = { .index = index, .hard_bounce = ndrparse_classification_get_hard_bounce (c) };
	NdrparseCodeInfo status_info, reply_info;
	guint reply_code = ndrparse_classification_get_reply_code (c);
	const char *status = ndrparse_classification_get_status (c);
	NdrparseStatusClass status_class = ndrparse_classification_get_status_class (c);
	char code[8] = "";
	if (reply_code)
		g_snprintf (code, sizeof code, "%u", reply_code);
	char *recipient = line->recipient ? g_ascii_strdown (line->recipient, -1) : NULL;
	const char *at = recipient ? strrchr (recipient, '@') : NULL;
	char *host = line->remote_host ? g_ascii_strdown (line->remote_host, -1) : NULL;
	const char **v = row.value;
	v[KEY_FILE] = file;
	v[KEY_DECODED_BY] = "reply";
	v[KEY_RECIPIENT] = recipient;
	v[KEY_DESTINATION] = at && at[1] ? at + 1 : NULL;
	v[KEY_ACTION] = action_of_class (status_class);
	v[KEY_STATUS] = status;
	v[KEY_REPLY_CODE] = reply_code ? code : NULL;
	v[KEY_STATUS_CLASS] = ndrparse_status_class_get_name (status_class);
	v[KEY_STATUS_TEXT] = status && ndrparse_status_lookup (status, &status_info) ? status_info.text : NULL;
	v[KEY_REPLY_TEXT] = reply_code && ndrparse_reply_code_lookup (reply_code, &reply_info) ? reply_info.text : NULL;
	v[KEY_DIAGNOSTIC_TYPE] = "smtp";
	v[KEY_DIAGNOSTIC_CODE] = line->reply;
	v[KEY_SMTP_COMMAND] = ndrparse_classification_get_smtp_command (c);
	v[KEY_REMOTE_MTA] = host;
	v[KEY_REASON] = ndrparse_reason_get_name (ndrparse_classification_get_reason (c));
	v[KEY_ADVICE] = ndrparse_classification_get_advice (c);
	print_row (sp, &row);
	g_free (recipient);
	g_free (host);
}
