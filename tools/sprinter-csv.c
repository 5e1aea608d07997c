/* sprinter-csv.c - comma-separated values (RFC 4180): a header row of the
 * chosen keys, then one row per record, CRLF line ends, fields quoted when
 * they hold a comma or a quote.  A null is an empty field.  Rows are
 * written as they come, so any number of records streams.
 *
 * Cells hold text from untrusted bounces, and CSV files are opened in
 * spreadsheets: control and bidirectional formatting characters become
 * spaces (safe-text.h), and a cell that begins with =, +, - or @ (a
 * spreadsheet would run it as a formula: "=HYPERLINK(...)") is written
 * quoted with a ' before it, as OWASP's CSV Injection page recommends.
 */
#include <string.h>

#include "safe-text.h"
#include "sprinter-rows.h"

static gboolean
starts_formula (const char *cell)
{
	return cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@';
}

typedef struct {
	rows_sprinter_t rows;
	FILE *out;
} csv_sprinter_t;

static void
write_field (FILE *out, const char *value)
{
	if (value == NULL)
		return;
	char *cell = safe_text_spaced (value);
	gboolean formula = starts_formula (cell);
	if (!formula && strpbrk (cell, ",\"") == NULL) {
		fputs (cell, out);
		g_free (cell);
		return;
	}
	fputc ('"', out);
	if (formula)
		fputc ('\'', out);
	for (const char *p = cell; *p; p++) {
		if (*p == '"')
			fputc ('"', out);
		fputc (*p, out);
	}
	fputc ('"', out);
	g_free (cell);
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
csv_take_row (rows_sprinter_t *base, char **row, GPtrArray *details)
{
	csv_sprinter_t *sp = (csv_sprinter_t *) base;
	g_ptr_array_unref (details);
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
