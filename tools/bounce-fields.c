/* bounce-fields.c - the X-Bounce-* header fields of --annotate (bounce-fields.h). */
#include <string.h>

#include "bounce-fields.h"
#include "record-print.h"
#include "safe-text.h"

/* @value made safe and cut to BOUNCE_FIELD_MAX_VALUE_BYTES between
 * characters; a new string. */
static char *
safe_value (const char *value)
{
	char *safe = safe_text_spaced (value ? value : "");
	gsize len = strlen (safe);
	if (len > BOUNCE_FIELD_MAX_VALUE_BYTES) {
		const char *end = safe + BOUNCE_FIELD_MAX_VALUE_BYTES;
		if ((*end & 0xC0) == 0x80)
			end = g_utf8_find_prev_char (safe, end);
		safe[end - safe] = '\0';
	}
	return safe;
}

void
bounce_field_append (GString *out, const char *name, const char *value, const char *eol)
{
	char *safe = safe_value (value);
	char **words = g_strsplit (safe, " ", -1);
	glong column = (glong) strlen (name) + 1;
	g_string_append_printf (out, "%s:", name);
	gboolean any = FALSE;
	for (char **w = words; *w; w++) {
		if (**w == '\0')
			continue;
		glong width = g_utf8_strlen (*w, -1);
		if (any && column + 1 + width > BOUNCE_FIELD_FOLD_COLUMNS) {
			g_string_append (out, eol);     /* the space below makes it a continuation */
			column = 0;
		}
		g_string_append_c (out, ' ');
		g_string_append (out, *w);
		column += 1 + width;
		any = TRUE;
	}
	if (!any)
		g_string_append (out, " -");
	g_string_append (out, eol);
	g_strfreev (words);
	g_free (safe);
}

GString *
bounce_fields (const NdrparseReport *report, const DecodeOptions *options, const char *eol)
{
	GString *out = g_string_new (NULL);
	for (guint i = 0; report && i < ndrparse_report_get_n_records (report); i++) {
		const NdrparseRecord *record = ndrparse_report_get_record (report, i);
		if (!record_wanted (record, options))
			continue;
		bounce_field_append (out, "X-Bounce-Recipient", ndrparse_record_get_recipient (record), eol);
		bounce_field_append (out, "X-Bounce-Status", ndrparse_record_get_status (record), eol);
		bounce_field_append (out, "X-Bounce-Reason", ndrparse_reason_get_name (ndrparse_record_get_reason (record)), eol);
		bounce_field_append (out, "X-Bounce-Class", record_class_name (record), eol);
	}
	return out;
}
