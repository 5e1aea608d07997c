/* ndr-report.c - the report and record objects and their accessors.
 *
 * A report owns every string of its records through one GStringChunk, so
 * decoding a bounce costs a handful of allocations rather than one per
 * field, and freeing it is one call.
 */
#include <string.h>

#include "ndrparse-private.h"

static void
record_free (gpointer data)
{
	NdrparseRecord *record = data;
	if (record->fields)
		g_ptr_array_unref (record->fields);
	if (record->evidence)
		g_ptr_array_unref (record->evidence);
	g_free (record);
}

NdrparseReport *
_ndr_report_new (void)
{
	NdrparseReport *report = g_new0 (NdrparseReport, 1);

	g_atomic_ref_count_init (&report->ref_count);
	report->strings = g_string_chunk_new (1024);
	report->field_store = g_ptr_array_new_with_free_func (g_free);
	report->fields = g_ptr_array_new ();
	report->records = g_ptr_array_new_with_free_func (record_free);
	return report;
}

NdrparseReport *
ndrparse_report_ref (NdrparseReport *report)
{
	g_return_val_if_fail (report != NULL, NULL);
	g_atomic_ref_count_inc (&report->ref_count);
	return report;
}

void
ndrparse_report_unref (NdrparseReport *report)
{
	if (report == NULL || !g_atomic_ref_count_dec (&report->ref_count))
		return;
	g_ptr_array_unref (report->records);
	if (report->header_hits)
		g_array_unref (report->header_hits);
	g_ptr_array_unref (report->fields);
	g_ptr_array_unref (report->field_store);
	g_string_chunk_free (report->strings);
	if (report->parse_rules)
		ndrparse_rules_unref (report->parse_rules);
	ndrparse_report_unref (report->base);
	g_free (report);
}

static NdrparseRecord *
record_copy (NdrparseReport *report, const NdrparseRecord *record)
{
	NdrparseRecord *copy = g_memdup2 (record, sizeof *record);
	copy->report = report;
	if (copy->fields)
		g_ptr_array_ref (copy->fields);
	if (copy->evidence)
		g_ptr_array_ref (copy->evidence);
	return copy;
}

NdrparseReport *
_ndr_report_derive (NdrparseReport *base)
{
	NdrparseReport *report = g_memdup2 (base, sizeof *base);
	g_atomic_ref_count_init (&report->ref_count);
	/* Its own strings for what it adds; @base's stay valid through @base. */
	report->strings = g_string_chunk_new (256);
	report->field_store = g_ptr_array_ref (base->field_store);
	report->fields = g_ptr_array_ref (base->fields);
	report->header_hits = base->header_hits ? g_array_ref (base->header_hits) : NULL;
	report->records = g_ptr_array_new_full (base->records->len, record_free);
	for (guint i = 0; i < base->records->len; i++)
		g_ptr_array_add (report->records, record_copy (report, g_ptr_array_index (base->records, i)));
	report->parse_rules = base->parse_rules ? ndrparse_rules_ref (base->parse_rules) : NULL;
	report->base = ndrparse_report_ref (base);
	return report;
}

/* Strings handed out by the API must be UTF-8; bounces are not always. */
const char *
_ndr_report_intern_len (NdrparseReport *report, const char *s, gssize len)
{
	if (s == NULL)
		return NULL;
	if (len < 0)
		len = strlen (s);
	if (g_utf8_validate_len (s, len, NULL) && memchr (s, '\0', len) == NULL)
		return g_string_chunk_insert_len (report->strings, s, len);

	char *valid = g_utf8_make_valid (s, len);
	/* g_utf8_make_valid keeps NULs; cut at the first one. */
	const char *out = g_string_chunk_insert (report->strings, valid);
	g_free (valid);
	return out;
}

const char *
_ndr_report_intern (NdrparseReport *report, const char *s)
{
	return _ndr_report_intern_len (report, s, -1);
}

const char *
_ndr_report_intern_lower (NdrparseReport *report, const char *s, gsize len)
{
	char *lower = g_ascii_strdown (s, (gssize) len);
	const char *interned = _ndr_report_intern (report, lower);
	g_free (lower);
	return interned;
}

const char *
_ndr_report_take (NdrparseReport *report, char *s)
{
	const char *out = _ndr_report_intern (report, s);
	g_free (s);
	return out;
}

char *
_ndr_head_of (NdrparseReport *report, const char *value)
{
	if (value == NULL)
		return NULL;
	gsize len = 0;
	while (len <= NDRPARSE_MAX_HEADER_LENGTH && value[len])
		len++;
	if (len <= NDRPARSE_MAX_HEADER_LENGTH)
		return g_strndup (value, len);
	if (report)
		report->truncated |= NDRPARSE_TRUNCATED_HEADER;
	const char *end = g_utf8_find_prev_char (value, value + NDRPARSE_MAX_HEADER_LENGTH + 1);
	return g_strndup (value, end ? (gsize) (end - value) : NDRPARSE_MAX_HEADER_LENGTH);
}

const char *
_ndr_report_intern_header (NdrparseReport *report, const char *value)
{
	gsize len = value ? strlen (value) : 0;

	if (len <= NDRPARSE_MAX_HEADER_LENGTH)
		return _ndr_report_intern_len (report, value, len);
	report->truncated |= NDRPARSE_TRUNCATED_HEADER;
	/* Cut at a character boundary. */
	const char *end = g_utf8_find_prev_char (value, value + NDRPARSE_MAX_HEADER_LENGTH + 1);
	return _ndr_report_intern_len (report, value, end ? end - value : NDRPARSE_MAX_HEADER_LENGTH);
}

NdrparseRecord *
_ndr_report_add_record (NdrparseReport *report)
{
	if (report->records->len >= NDRPARSE_MAX_RECORDS) {
		report->truncated |= NDRPARSE_TRUNCATED_RECORDS;
		return NULL;
	}
	NdrparseRecord *record = g_new0 (NdrparseRecord, 1);

	record->hard_bounce = NDRPARSE_TRISTATE_UNSET;
	record->report = report;
	g_ptr_array_add (report->records, record);
	return record;
}

/* Japanese MTAs (Domino, old Sendmail setups) write delivery-status fields
 * in raw ISO-2022-JP, which is 7-bit and passes for ASCII: its escape
 * sequences give it away. */
static char *
from_iso2022jp (const char *value, gsize len)
{
	if (memchr (value, '\x1b', len) == NULL ||
	    (!g_strstr_len (value, len, "\x1b$B") && !g_strstr_len (value, len, "\x1b$@")))
		return NULL;
	return g_convert (value, len, "UTF-8", "ISO-2022-JP", NULL, NULL, NULL);
}

NdrField *
_ndr_report_new_field (NdrparseReport *report, const char *name, gsize name_len,
		       const char *value, gsize value_len)
{
	NdrField *field = g_new (NdrField, 1);
	char *utf8 = from_iso2022jp (value, value_len);

	field->name = _ndr_report_intern_len (report, name, name_len);
	field->value = utf8 ? _ndr_report_take (report, utf8)
			    : _ndr_report_intern_len (report, value, value_len);
	g_ptr_array_add (report->field_store, field);
	return field;
}

const char *
_ndr_fields_lookup (const GPtrArray *fields, const char *name)
{
	if (fields == NULL || name == NULL)
		return NULL;
	for (guint i = 0; i < fields->len; i++) {
		const NdrField *field = g_ptr_array_index (fields, i);
		if (g_ascii_strcasecmp (field->name, name) == 0)
			return field->value;
	}
	return NULL;
}

/* ---- report accessors ---- */

guint
ndrparse_report_get_n_records (const NdrparseReport *report)
{
	g_return_val_if_fail (report != NULL, 0);
	return report->records->len;
}

const NdrparseRecord *
ndrparse_report_get_record (const NdrparseReport *report, guint index)
{
	g_return_val_if_fail (report != NULL, NULL);
	if (index >= report->records->len)
		return NULL;
	return g_ptr_array_index (report->records, index);
}

const char *
ndrparse_report_get_field (const NdrparseReport *report, const char *name)
{
	g_return_val_if_fail (report != NULL, NULL);
	return _ndr_fields_lookup (report->fields, name);
}

#define REPORT_GETTER(member)                                              \
	const char *ndrparse_report_get_##member (const NdrparseReport *report) \
	{                                                                  \
		g_return_val_if_fail (report != NULL, NULL);               \
		return report->member;                                     \
	}

REPORT_GETTER (reporting_mta)
REPORT_GETTER (dsn_gateway)
REPORT_GETTER (received_from_mta)
REPORT_GETTER (arrival_date)
REPORT_GETTER (original_envelope_id)
REPORT_GETTER (sender)
REPORT_GETTER (message_id)
REPORT_GETTER (subject)
REPORT_GETTER (list_id)
REPORT_GETTER (from)

/* ---- record accessors ---- */

#define RECORD_GETTER(type, member, none)                                   \
	type ndrparse_record_get_##member (const NdrparseRecord *record)    \
	{                                                                   \
		g_return_val_if_fail (record != NULL, none);                \
		return record->member;                                      \
	}

RECORD_GETTER (const char *, decoded_by, NULL)
RECORD_GETTER (const char *, recipient, NULL)
RECORD_GETTER (const char *, original_recipient, NULL)
RECORD_GETTER (const char *, destination, NULL)
RECORD_GETTER (const char *, action, NULL)
RECORD_GETTER (const char *, status, NULL)
RECORD_GETTER (guint, reply_code, 0)
RECORD_GETTER (NdrparseStatusClass, status_class, NDRPARSE_STATUS_CLASS_UNKNOWN)
RECORD_GETTER (const char *, status_text, NULL)
RECORD_GETTER (const char *, diagnostic_type, NULL)
RECORD_GETTER (const char *, diagnostic_code, NULL)
RECORD_GETTER (const char *, smtp_command, NULL)
RECORD_GETTER (const char *, reporting_mta, NULL)
RECORD_GETTER (const char *, remote_mta, NULL)
RECORD_GETTER (const char *, timestamp, NULL)
RECORD_GETTER (const char *, advice, NULL)
RECORD_GETTER (const char *, reply_text, NULL)
RECORD_GETTER (const char *, feedback_type, NULL)
RECORD_GETTER (NdrparseTristate, hard_bounce, NDRPARSE_TRISTATE_UNSET)

NdrparseReason
ndrparse_record_get_reason (const NdrparseRecord *record)
{
	g_return_val_if_fail (record != NULL, NDRPARSE_REASON_UNDEFINED);
	return record->reason;
}

NdrparseAction
ndrparse_record_get_action_kind (const NdrparseRecord *record)
{
	g_return_val_if_fail (record != NULL, NDRPARSE_ACTION_UNKNOWN);
	return record->action_kind;
}

const char *
ndrparse_record_get_field (const NdrparseRecord *record, const char *name)
{
	g_return_val_if_fail (record != NULL, NULL);
	return _ndr_fields_lookup (record->fields, name);
}

void
_ndr_record_set_status (NdrparseReport *report, NdrparseRecord *record, const NdrStatusCode *code,
			guint reply)
{
	NdrparseCodeInfo info;
	char buf[16];

	record->status_inferred = FALSE;
	if (code) {
		_ndr_status_code_format (code, buf);
		record->status = _ndr_report_intern (report, buf);
		if (ndrparse_status_lookup (buf, &info)) {
			record->status_class = info.status_class;
			record->status_text = info.text;
		}
	} else if (reply && ndrparse_reply_code_lookup (reply, &info)) {
		record->status_class = info.status_class;
		record->status_text = info.text;
	}
}

NdrparseTruncation
ndrparse_record_get_truncated (const NdrparseRecord *record)
{
	g_return_val_if_fail (record != NULL, NDRPARSE_TRUNCATED_NONE);
	return record->truncated;
}

NdrparseTruncation
ndrparse_report_get_truncated (const NdrparseReport *report)
{
	g_return_val_if_fail (report != NULL, NDRPARSE_TRUNCATED_NONE);
	return report->truncated;
}

const char *
ndrparse_truncation_get_name (NdrparseTruncation bit)
{
	switch (bit) {
	case NDRPARSE_TRUNCATED_SIZE:    return "size";
	case NDRPARSE_TRUNCATED_DEPTH:   return "depth";
	case NDRPARSE_TRUNCATED_PARTS:   return "parts";
	case NDRPARSE_TRUNCATED_RECORDS: return "records";
	case NDRPARSE_TRUNCATED_SCAN:    return "scan";
	case NDRPARSE_TRUNCATED_HEADER:  return "header";
	default:                         return NULL;
	}
}

const char *
ndrparse_record_get_source_ip (const NdrparseRecord *record)
{
	g_return_val_if_fail (record != NULL, NULL);
	return record->source_ip;
}

const NdrparseRecord *
ndrparse_record_ref (const NdrparseRecord *record)
{
	g_return_val_if_fail (record != NULL, NULL);
	ndrparse_report_ref (record->report);
	return record;
}

void
ndrparse_record_unref (const NdrparseRecord *record)
{
	if (record)
		ndrparse_report_unref (record->report);
}
