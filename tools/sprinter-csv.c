/* sprinter-csv.c - comma-separated values (RFC 4180): a header row of the
 * chosen keys, then one row per record, CRLF line ends, fields quoted when
 * they hold a comma, a quote or a line end.  A null is an empty field.
 * Rows are written as they come, so any number of records streams.
 */
#include <string.h>

#include "sprinter.h"

typedef struct {
	sprinter_t vtable;
	FILE *out;
	const char *const *columns;
	guint n_columns;
	char **row;             /* the record being read */
	int column;             /* index of the current key, -1 if not shown */
	int depth;
} csv_sprinter_t;

static void
write_field (FILE *out, const char *value)
{
	if (value == NULL)
		return;
	if (strpbrk (value, ",\"\r\n") == NULL) {
		fputs (value, out);
		return;
	}
	fputc ('"', out);
	for (const char *p = value; *p; p++) {
		if (*p == '"')
			fputc ('"', out);
		fputc (*p, out);
	}
	fputc ('"', out);
}

static void
write_row (csv_sprinter_t *sp, const char *const *cells)
{
	for (guint c = 0; c < sp->n_columns; c++) {
		if (c)
			fputc (',', sp->out);
		write_field (sp->out, cells[c]);
	}
	fputs ("\r\n", sp->out);
}

static void
csv_begin_map (sprinter_t *base)
{
	csv_sprinter_t *sp = (csv_sprinter_t *) base;
	if (sp->depth++ == 0)
		sp->row = g_new0 (char *, sp->n_columns + 1);
}

static void
csv_end (sprinter_t *base)
{
	csv_sprinter_t *sp = (csv_sprinter_t *) base;
	if (--sp->depth == 0 && sp->row) {
		write_row (sp, (const char *const *) sp->row);
		for (guint c = 0; c < sp->n_columns; c++)
			g_free (sp->row[c]);    /* not g_strfreev: a null cell is NULL */
		g_free (sp->row);
		sp->row = NULL;
	}
}

static void
csv_map_key (sprinter_t *base, const char *key)
{
	csv_sprinter_t *sp = (csv_sprinter_t *) base;
	sp->column = -1;
	for (guint i = 0; i < sp->n_columns; i++)
		if (strcmp (sp->columns[i], key) == 0)
			sp->column = i;
}

static void
set_cell (csv_sprinter_t *sp, char *text)
{
	if (sp->row == NULL || sp->column < 0 || sp->depth != 1) {
		g_free (text);
		return;
	}
	g_free (sp->row[sp->column]);
	sp->row[sp->column] = text;
}

static void
csv_string (sprinter_t *base, const char *value)
{
	set_cell ((csv_sprinter_t *) base, value ? g_utf8_make_valid (value, -1) : NULL);
}

static void
csv_integer (sprinter_t *base, gint64 value)
{
	set_cell ((csv_sprinter_t *) base, g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

static void
csv_boolean (sprinter_t *base, gboolean value)
{
	set_cell ((csv_sprinter_t *) base, g_strdup (value ? "true" : "false"));
}

static void
csv_null (sprinter_t *base)
{
	set_cell ((csv_sprinter_t *) base, NULL);
}

static gboolean
csv_finish (sprinter_t *base)
{
	csv_sprinter_t *sp = (csv_sprinter_t *) base;
	gboolean ok = fflush (sp->out) == 0 && !ferror (sp->out);
	g_free (sp);
	return ok;
}

sprinter_t *
sprinter_csv_new (FILE *out, const char *const *columns)
{
	csv_sprinter_t *sp = g_new0 (csv_sprinter_t, 1);

	sp->vtable = (sprinter_t) {
		csv_begin_map, csv_end, csv_map_key, csv_string,
		csv_integer, csv_boolean, csv_null, csv_finish,
	};
	sp->out = out;
	sp->columns = columns;
	sp->n_columns = g_strv_length ((char **) columns);
	sp->column = -1;
	write_row (sp, columns);
	return &sp->vtable;
}
