/* ndr-ses.c - Amazon SES event notifications.
 *
 * SES reports bounces, complaints and deliveries to its senders as JSON
 * (through SNS, which mails the JSON as a text/plain body, optionally
 * wrapped in an SNS envelope whose "Message" holds the JSON as a
 * string).  The fields map one to one onto a record:
 *
 *   {"notificationType": "Bounce", "bounce": {"bounceType": "Permanent",
 *     "bouncedRecipients": [{"emailAddress", "action", "status",
 *     "diagnosticCode"}], "reportingMTA", "timestamp"}, "mail": {...}}
 *   {"notificationType": "Complaint", "complaint": {"complainedRecipients":
 *     [{"emailAddress"}], "complaintFeedbackType"}}
 *   {"notificationType": "Delivery", "delivery": {"recipients": [...],
 *     "smtpResponse": "250 2.6.0 ...", "reportingMTA"}}
 *
 * The JSON is read by json-glib, opened on the first text that looks
 * like a notification (ndr-dl.h): few messages are one, and linking it
 * cost every run its loading.  json-glib is a dependency of the package
 * as before; should it be missing all the same, a notification is read
 * as any other message is, by its prose.
 */
#include <string.h>
#include <json-glib/json-glib.h>

#include "ndr-dl.h"
#include "ndrparse-private.h"

#define JSON_FUNCTIONS(F)                                                                              \
	F (json_parser_new_immutable) F (json_parser_load_from_data) F (json_parser_get_root)          \
	F (json_node_get_node_type) F (json_node_get_value_type) F (json_node_get_string)              \
	F (json_node_get_object) F (json_node_get_array) F (json_object_get_member)                    \
	F (json_array_get_length) F (json_array_get_element)
#define JSON_OFFSET(name) NDR_DL_OFFSET (JsonGlib, name)
NDR_DL_LIBRARY (JsonGlib, json, libjson, JSON_FUNCTIONS, JSON_OFFSET, NDR_JSONGLIB_SONAME, "json-glib");

static gboolean
node_holds (JsonNode *node, JsonNodeType type)
{
	return node && json.json_node_get_node_type (node) == type;
}

/* A notification is a few KB; anything far larger is not one. */
#define MAX_JSON (1 << 20)

static const char *
member_string (JsonObject *object, const char *name)
{
	JsonNode *node = object ? json.json_object_get_member (object, name) : NULL;
	if (node == NULL || !node_holds (node, JSON_NODE_VALUE) ||
	    json.json_node_get_value_type (node) != G_TYPE_STRING)
		return NULL;
	return json.json_node_get_string (node);
}

static JsonObject *
member_object (JsonObject *object, const char *name)
{
	JsonNode *node = object ? json.json_object_get_member (object, name) : NULL;
	return node_holds (node, JSON_NODE_OBJECT) ? json.json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object, const char *name)
{
	JsonNode *node = object ? json.json_object_get_member (object, name) : NULL;
	return node_holds (node, JSON_NODE_ARRAY) ? json.json_node_get_array (node) : NULL;
}

/* The length of the JSON object that starts at @text ('{'), up to its
 * matching '}' (strings and their escapes skipped); 0 when it does not
 * end within @len.  Only that one value is handed to json-glib, which
 * (1.6) accepts several values in a row and leaks all but the last. */
static gsize
object_span (const char *text, gsize len)
{
	guint depth = 0;
	gboolean in_string = FALSE;
	for (gsize i = 0; i < len; i++) {
		char c = text[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = FALSE;
		} else if (c == '"') {
			in_string = TRUE;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

static JsonParser *
parse_json (const char *text, gsize len)
{
	const char *open = memchr (text, '{', len);
	if (open == NULL)
		return NULL;
	len = object_span (open, len - (gsize) (open - text));
	text = open;
	if (len == 0)
		return NULL;
	JsonParser *parser = json.json_parser_new_immutable ();
	if (!json.json_parser_load_from_data (parser, text, len, NULL) ||
	    !node_holds (json.json_parser_get_root (parser), JSON_NODE_OBJECT)) {
		g_object_unref (parser);
		return NULL;
	}
	return parser;
}

/* SNS mails long JSON lines folded the way headers are ("\n "), which
 * breaks JSON strings in two; undo the folding and try again. */
static JsonParser *
parse_unfolded_json (const char *text, gsize len)
{
	GString *s = g_string_sized_new (len);
	for (gsize i = 0; i < len; i++) {
		if (text[i] == '\n' && i + 1 < len && text[i + 1] == ' ')
			i++;
		else
			g_string_append_c (s, text[i]);
	}
	JsonParser *parser = parse_json (s->str, s->len);
	g_string_free (s, TRUE);
	return parser;
}

static void
set_codes_from_text (NdrparseReport *report, NdrparseRecord *record, const char *text,
		     const char *status_field)
{
	NdrTextCodes codes;
	NdrStatusCode status;
	gsize len = text ? strlen (text) : 0;

	_ndr_text_find_codes (text, len, &codes);
	record->reply_code = codes.reply_code;
	if (text && *text) {
		const char *body = _ndr_skip_type_prefix (text);
		if (body != text)
			record->diagnostic_type = _ndr_report_intern_lower (report, text, strcspn (text, ";"));
		record->diagnostic_code = _ndr_report_intern (report, body);
		record->smtp_command = _ndr_text_find_smtp_command (report->rules, text, len);
	}
	if (status_field && _ndr_status_code_scan (status_field, strlen (status_field), &status))
		_ndr_record_set_status (report, record, &status, codes.reply_code);
	else
		_ndr_record_set_status (report, record, codes.status.klass ? &codes.status : NULL,
					codes.reply_code);
}

static NdrparseRecord *
add_record (NdrparseReport *report, const char *address, const char *action, NdrparseAction kind)
{
	char *recipient = _ndr_address_normalize (address, FALSE);
	if (recipient == NULL || strchr (recipient, '@') == NULL) {
		g_free (recipient);
		return NULL;
	}
	NdrparseRecord *record = _ndr_report_add_record (report);
	if (record == NULL) {
		g_free (recipient);
		return NULL;
	}
	record->decoded_by = "amazonses";
	record->recipient = _ndr_report_take (report, recipient);
	record->action = action;
	record->action_kind = kind;
	return record;
}

static void
read_event_header (NdrparseReport *report, JsonObject *event)
{
	if (report->reporting_mta == NULL)
		report->reporting_mta = _ndr_report_take (report, _ndr_mta_name (member_string (event, "reportingMTA")));
	if (report->arrival_date == NULL)
		report->arrival_date = _ndr_report_intern (report, member_string (event, "timestamp"));
}

static void
decode_bounce (NdrparseReport *report, JsonObject *bounce)
{
	JsonArray *list = member_array (bounce, "bouncedRecipients");
	gboolean transient = g_strcmp0 (member_string (bounce, "bounceType"), "Transient") == 0;

	read_event_header (report, bounce);
	for (guint i = 0; list && i < json.json_array_get_length (list); i++) {
		JsonNode *node = json.json_array_get_element (list, i);
		JsonObject *r = node_holds (node, JSON_NODE_OBJECT) ? json.json_node_get_object (node) : NULL;
		NdrparseRecord *record = add_record (report, member_string (r, "emailAddress"),
						     transient ? "delayed" : "failed",
						     transient ? NDRPARSE_ACTION_DELAYED : NDRPARSE_ACTION_FAILED);
		if (record)
			set_codes_from_text (report, record, member_string (r, "diagnosticCode"),
					     member_string (r, "status"));
	}
}

static void
decode_complaint (NdrparseReport *report, JsonObject *complaint)
{
	JsonArray *list = member_array (complaint, "complainedRecipients");
	const char *type = member_string (complaint, "complaintFeedbackType");

	read_event_header (report, complaint);
	for (guint i = 0; list && i < json.json_array_get_length (list); i++) {
		JsonNode *node = json.json_array_get_element (list, i);
		JsonObject *r = node_holds (node, JSON_NODE_OBJECT) ? json.json_node_get_object (node) : NULL;
		NdrparseRecord *record = add_record (report, member_string (r, "emailAddress"), NULL,
						     NDRPARSE_ACTION_UNKNOWN);
		if (record) {
			record->feedback_type = _ndr_report_intern (report, type ? type : "abuse");
			record->reason = NDRPARSE_REASON_FEEDBACK;     /* hard_bounce: none */
		}
	}
}

static void
decode_delivery (NdrparseReport *report, JsonObject *delivery)
{
	JsonArray *list = member_array (delivery, "recipients");

	read_event_header (report, delivery);
	for (guint i = 0; list && i < json.json_array_get_length (list); i++) {
		JsonNode *node = json.json_array_get_element (list, i);
		if (!node_holds (node, JSON_NODE_VALUE) || json.json_node_get_value_type (node) != G_TYPE_STRING)
			continue;
		NdrparseRecord *record = add_record (report, json.json_node_get_string (node), "delivered",
						     NDRPARSE_ACTION_DELIVERED);
		if (record)
			set_codes_from_text (report, record, member_string (delivery, "smtpResponse"), NULL);
	}
}

static void
decode_notification (NdrparseReport *report, JsonObject *root)
{
	const char *type = member_string (root, "notificationType");
	if (type == NULL)
		type = member_string (root, "eventType");
	if (g_strcmp0 (type, "Bounce") == 0)
		decode_bounce (report, member_object (root, "bounce"));
	else if (g_strcmp0 (type, "Complaint") == 0)
		decode_complaint (report, member_object (root, "complaint"));
	else if (g_strcmp0 (type, "Delivery") == 0)
		decode_delivery (report, member_object (root, "delivery"));
}

gboolean
_ndr_ses_decode (NdrparseReport *report, const char *text)
{
	/* Bare words: inside the SNS envelope the quotes are escaped. */
	if (text == NULL || (strstr (text, "notificationType") == NULL && strstr (text, "eventType") == NULL))
		return FALSE;
	const char *open = strchr (text, '{');
	gsize len = open ? MIN (strlen (open), MAX_JSON) : 0;
	if (len == 0 || _ndr_dl_bind (&libjson) != NULL)
		return FALSE;

	JsonParser *parser = parse_json (open, len);
	if (parser == NULL)
		parser = parse_unfolded_json (open, len);
	if (parser == NULL)
		return FALSE;
	JsonObject *root = json.json_node_get_object (json.json_parser_get_root (parser));
	/* The SNS envelope carries the notification as a JSON string. */
	const char *inner = member_string (root, "Message");
	JsonParser *inner_parser = inner ? parse_json (inner, strlen (inner)) : NULL;
	if (inner_parser)
		root = json.json_node_get_object (json.json_parser_get_root (inner_parser));

	guint before = report->records->len;
	decode_notification (report, root);
	g_clear_object (&inner_parser);
	g_object_unref (parser);
	return report->records->len > before;
}
