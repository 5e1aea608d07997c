/* ndr-reporter.c - the rules of the MTA that wrote a bounce
 * (ndr-reporter-rules.def).
 *
 * A gateway or mail server that reports a failure often says what it
 * means in its own fixed words, or in a field of its own: Exchange 2003
 * names an unknown recipient by a diagnostic code, PowerMTA files every
 * bounce under a category.  Those words outrank the generic phrase
 * table, but only in bounces that MTA wrote.
 */
#include <string.h>

#include "ndrparse-private.h"

static const struct {
	const char *name;
	const char *header;
	const char *holds;
} reporters[] = {
#define NDR_REPORTER(name, header, holds) { name, header, holds },
#define NDR_REPORTER_RULE(name, phrase, reason)
#define NDR_DSN_FIELD_RULE(field, value, reason)
#include "ndr-reporter-rules.def"
#undef NDR_REPORTER
#undef NDR_REPORTER_RULE
#undef NDR_DSN_FIELD_RULE
};

static const struct {
	const char *name;
	const char *phrase;
	NdrReason reason;
} phrase_rules[] = {
#define NDR_REPORTER(name, header, holds)
#define NDR_REPORTER_RULE(name, phrase, reason) { name, phrase, NDRPARSE_REASON_##reason },
#define NDR_DSN_FIELD_RULE(field, value, reason)
#include "ndr-reporter-rules.def"
#undef NDR_REPORTER
#undef NDR_REPORTER_RULE
#undef NDR_DSN_FIELD_RULE
};

static const struct {
	const char *field;
	const char *value;
	NdrReason reason;
} field_rules[] = {
#define NDR_REPORTER(name, header, holds)
#define NDR_REPORTER_RULE(name, phrase, reason)
#define NDR_DSN_FIELD_RULE(field, value, reason) { field, value, NDRPARSE_REASON_##reason },
#include "ndr-reporter-rules.def"
#undef NDR_REPORTER
#undef NDR_REPORTER_RULE
#undef NDR_DSN_FIELD_RULE
};

/* The value of @header: a header of the bounce, or one of the DSN's
 * fields "Reporting-MTA" and "Diagnostic-Type" (the first record's). */
static const char *
header_value (const NdrparseReport *report, GMimeMessage *message, const char *header)
{
	if (g_ascii_strcasecmp (header, "Reporting-MTA") == 0)
		return report->reporting_mta;
	if (g_ascii_strcasecmp (header, "Diagnostic-Type") == 0) {
		const NdrparseRecord *first = report->records->len ? g_ptr_array_index (report->records, 0) : NULL;
		return first ? first->diagnostic_type : NULL;
	}
	return g_mime_object_get_header (GMIME_OBJECT (message), header);
}

const char *
_ndr_reporter_identify (const NdrparseReport *report, GMimeMessage *message)
{
	for (guint i = 0; i < G_N_ELEMENTS (reporters); i++) {
		const char *value = header_value (report, message, reporters[i].header);
		if (value && _ndr_memcasemem (value, strlen (value), reporters[i].holds))
			return reporters[i].name;
	}
	return NULL;
}

/* Whether @text at @p starts with @pattern, "%d" standing for one or more
 * digits, letters compared case-insensitively. */
static gboolean
pattern_at (const char *p, const char *end, const char *pattern)
{
	while (*pattern) {
		if (pattern[0] == '%' && pattern[1] == 'd') {
			if (p == end || !g_ascii_isdigit (*p))
				return FALSE;
			while (p < end && g_ascii_isdigit (*p))
				p++;
			pattern += 2;
			continue;
		}
		if (p == end || g_ascii_tolower (*p) != g_ascii_tolower (*pattern))
			return FALSE;
		p++;
		pattern++;
	}
	return TRUE;
}

gboolean
_ndr_pattern_find (const char *text, gsize len, const char *pattern)
{
	if (strstr (pattern, "%d") == NULL)
		return _ndr_memcasemem (text, len, pattern) != NULL;
	for (const char *p = text, *end = text + len; p < end; p++) {
		if (pattern_at (p, end, pattern))
			return TRUE;
	}
	return FALSE;
}

static NdrReason
reason_from_vendor_fields (const GPtrArray *fields)
{
	for (guint i = 0; fields && i < G_N_ELEMENTS (field_rules); i++) {
		const char *value = _ndr_fields_lookup (fields, field_rules[i].field);
		if (value && g_ascii_strcasecmp (value, field_rules[i].value) == 0)
			return field_rules[i].reason;
	}
	return NDRPARSE_REASON_UNDEFINED;
}

NdrReason
_ndr_reporter_reason (const NdrEvidence *ev)
{
	NdrReason reason = reason_from_vendor_fields (ev->fields);
	if (reason != NDRPARSE_REASON_UNDEFINED || ev->reporter == NULL || ev->text == NULL)
		return reason;
	for (guint i = 0; i < G_N_ELEMENTS (phrase_rules); i++) {
		if (strcmp (phrase_rules[i].name, ev->reporter) == 0 &&
		    _ndr_pattern_find (ev->text, ev->len, phrase_rules[i].phrase))
			return phrase_rules[i].reason;
	}
	return NDRPARSE_REASON_UNDEFINED;
}
