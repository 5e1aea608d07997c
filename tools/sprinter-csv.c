/* sprinter-csv.c - comma-separated values (RFC 4180): a header row of the
 * chosen keys, then one row per record, CRLF line ends, fields quoted when
 * they hold a comma, a quote or a line end.  A null is an empty field.
 * Rows are written as they come, so any number of records streams.
 */
#include <string.h>

#include "sprinter-rows.h"

typedef struct {
	rows_sprinter_t rows;
	FILE *out;
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
write_row (FILE *out, const char *const *cells, guint n)
{
	for (guint c = 0; c < n; c++) {
		if (c)
			fputc (',', out);
		write_field (out, cells[c]);
	}
	fputs ("\r\n", out);
}

static void
csv_take_row (rows_sprinter_t *base, char **row)
{
	csv_sprinter_t *sp = (csv_sprinter_t *) base;
	write_row (sp->out, (const char *const *) row, base->n_columns);
	rows_free_row (row, base->n_columns);
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
	rows_sprinter_init (&sp->rows, columns, csv_finish, csv_take_row, "true", "false");
	sp->out = out;
	write_row (out, columns, sp->rows.n_columns);
	return &sp->rows.vtable;
}
