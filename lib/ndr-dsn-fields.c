/* ndr-dsn-fields.c - splitting delivery-status text into field groups.
 *
 * RFC 3464 section 2.1: a delivery-status body is one group of
 * per-message fields followed by one group of per-recipient fields for
 * each recipient, groups separated by blank lines, fields folded like
 * RFC 5322 headers.  Real bounces bend every one of these rules, so the
 * splitter is lenient where that is unambiguous:
 *
 *  - any of CRLF, LF or a bare CR ends a line;
 *  - a missing blank line between recipients is detected when a
 *    recipient field repeats within a group;
 *  - a per-recipient field arriving before any per-message field opens
 *    a recipient group at once (no per-message group at all);
 *  - a Diagnostic-Code continued on lines that are not indented keeps
 *    taking those lines until a blank line or the next field;
 *  - text that is not a field (the prose of a text/plain report) is
 *    skipped.
 */
#include <string.h>

#include "ndrparse-private.h"

typedef enum {
	SCOPE_ANY,          /* extension or unknown field: goes with the open group */
	SCOPE_MESSAGE,
	SCOPE_RECIPIENT
} FieldScope;

static const struct {
	const char *name;
	FieldScope scope;
} known_fields[] = {
	{ "Reporting-MTA", SCOPE_MESSAGE },
	{ "DSN-Gateway", SCOPE_MESSAGE },
	{ "Received-From-MTA", SCOPE_MESSAGE },
	{ "Arrival-Date", SCOPE_MESSAGE },
	{ "Original-Envelope-Id", SCOPE_MESSAGE },
	{ "Final-Recipient", SCOPE_RECIPIENT },
	{ "Original-Recipient", SCOPE_RECIPIENT },
	{ "Action", SCOPE_RECIPIENT },
	{ "Status", SCOPE_RECIPIENT },
	{ "Remote-MTA", SCOPE_RECIPIENT },
	{ "Diagnostic-Code", SCOPE_RECIPIENT },
	{ "Last-Attempt-Date", SCOPE_RECIPIENT },
	{ "Final-Log-ID", SCOPE_RECIPIENT },
	{ "Will-Retry-Until", SCOPE_RECIPIENT },
};

static FieldScope
scope_of (const char *name)
{
	for (gsize i = 0; i < G_N_ELEMENTS (known_fields); i++)
		if (g_ascii_strcasecmp (name, known_fields[i].name) == 0)
			return known_fields[i].scope;
	return SCOPE_ANY;
}

typedef struct {
	NdrparseReport *report;
	NdrDsnFields *dsn;
	GPtrArray *group;        /* the open recipient group, or NULL */
	GString *name;           /* the field being read (may still be continued) */
	GString *value;
	gboolean pending;
} Splitter;

/* Length of "Name" when @line starts with "Name:", else 0.  Field names
 * are RFC 5322 ftext; we accept the letters, digits and '-' real DSN
 * fields use, starting with a letter. */
static gsize
field_name_length (const char *line, gsize len)
{
	gsize i = 0;

	if (len == 0 || !g_ascii_isalpha (line[0]))
		return 0;
	while (i < len && i < 64 && (g_ascii_isalnum (line[i]) || line[i] == '-' || line[i] == '_'))
		i++;
	return i < len && line[i] == ':' ? i : 0;
}

static gboolean
group_has (const GPtrArray *group, const char *name)
{
	return _ndr_fields_lookup (group, name) != NULL;
}

static void
open_group (Splitter *sp)
{
	sp->group = g_ptr_array_new ();
	g_ptr_array_add (sp->dsn->recipient_groups, sp->group);
}

/* Does @name start the next recipient rather than continue this one? */
static gboolean
starts_new_recipient (const GPtrArray *group, const char *name)
{
	if (group_has (group, name))
		return TRUE;
	/* Original-Recipient stands before Final-Recipient or right after it
	 * (Postfix, Amazon SES); anywhere else in a group that already has
	 * a Final-Recipient it belongs to the next recipient. */
	if (g_ascii_strcasecmp (name, "Original-Recipient") != 0 || !group_has (group, "Final-Recipient"))
		return FALSE;
	const NdrField *last = g_ptr_array_index (group, group->len - 1);
	return g_ascii_strcasecmp (last->name, "Final-Recipient") != 0;
}

static void
flush_field (Splitter *sp)
{
	if (!sp->pending)
		return;
	sp->pending = FALSE;

	g_strchomp (sp->value->str);
	sp->value->len = strlen (sp->value->str);
	NdrField *field = _ndr_report_new_field (sp->report, sp->name->str, sp->name->len,
						 sp->value->str, sp->value->len);
	switch (scope_of (field->name)) {
	case SCOPE_RECIPIENT:
		if (sp->group == NULL || starts_new_recipient (sp->group, field->name))
			open_group (sp);
		g_ptr_array_add (sp->group, field);
		break;
	case SCOPE_MESSAGE:
		g_ptr_array_add (sp->dsn->message_fields, field);
		break;
	case SCOPE_ANY:
		g_ptr_array_add (sp->group ? sp->group : sp->dsn->message_fields, field);
		break;
	}
}

static void
append_continuation (Splitter *sp, const char *text, gsize len)
{
	while (len > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	if (len == 0)
		return;
	if (sp->value->len > 0)
		g_string_append_c (sp->value, ' ');
	g_string_append_len (sp->value, text, len);
}

static void
start_field (Splitter *sp, const char *line, gsize len, gsize name_len)
{
	flush_field (sp);
	g_string_assign (sp->name, "");
	g_string_append_len (sp->name, line, name_len);
	g_string_truncate (sp->value, 0);
	append_continuation (sp, line + name_len + 1, len - name_len - 1);
	sp->pending = TRUE;
}

static gboolean
is_blank (const char *line, gsize len)
{
	for (gsize i = 0; i < len; i++)
		if (!g_ascii_isspace (line[i]))
			return FALSE;
	return TRUE;
}

static void
split_line (Splitter *sp, const char *line, gsize len)
{
	if (is_blank (line, len)) {
		flush_field (sp);
		sp->group = NULL;
		return;
	}

	gboolean indented = line[0] == ' ' || line[0] == '\t';
	if (indented && sp->pending) {
		append_continuation (sp, line, len);
		return;
	}

	gsize skip = indented ? strspn (line, " \t") : 0;
	gsize name_len = field_name_length (line + skip, len - skip);
	if (name_len) {
		start_field (sp, line + skip, len - skip, name_len);
		return;
	}

	/* Not a field: an unindented continuation of a long diagnostic, or
	 * prose around the fields. */
	if (sp->pending && g_ascii_strcasecmp (sp->name->str, "Diagnostic-Code") == 0)
		append_continuation (sp, line, len);
	else
		flush_field (sp);
}

NdrDsnFields *
_ndr_dsn_fields_parse (NdrparseReport *report, const char *text, gsize len)
{
	NdrDsnFields *dsn = g_new0 (NdrDsnFields, 1);
	Splitter sp = { report, dsn, NULL, g_string_new (NULL), g_string_new (NULL), FALSE };

	dsn->message_fields = g_ptr_array_new ();
	dsn->recipient_groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

	const char *p = text, *end = text + len;
	while (p < end) {
		const char *eol = p;
		while (eol < end && *eol != '\r' && *eol != '\n')
			eol++;
		split_line (&sp, p, eol - p);
		if (eol < end && *eol == '\r' && eol + 1 < end && eol[1] == '\n')
			eol++;
		p = eol + 1;
	}
	flush_field (&sp);

	g_string_free (sp.name, TRUE);
	g_string_free (sp.value, TRUE);
	return dsn;
}

void
_ndr_dsn_fields_free (NdrDsnFields *dsn)
{
	if (dsn == NULL)
		return;
	g_ptr_array_unref (dsn->message_fields);
	g_ptr_array_unref (dsn->recipient_groups);
	g_free (dsn);
}
