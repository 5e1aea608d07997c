/* sprinter-text.c - an aligned table for people.
 *
 * Rows are collected until the end so that every column can be as wide
 * as its widest cell; long cells are cut with an ellipsis so a row fits
 * a terminal line.
 */
#include <string.h>

#include "ndr-json-string.h"
#include "safe-text.h"
#include "sprinter-rows.h"

#define MAX_CELL_WIDTH 60

#define MAX_DETAIL_WIDTH 200

typedef struct {
	rows_sprinter_t rows;
	FILE *out;
	GPtrArray *table;       /* char ** of n_columns cells */
	GPtrArray *details;     /* per row: its list items (GPtrArray of char *) */
} text_sprinter_t;

static void
text_take_row (rows_sprinter_t *base, char **row, GPtrArray *details)
{
	g_ptr_array_add (((text_sprinter_t *) base)->table, row);
	g_ptr_array_add (((text_sprinter_t *) base)->details, details);
}

/* The cell as shown: "-" for nothing, control and bidirectional
 * formatting characters as spaces (safe-text.h), cut to MAX_CELL_WIDTH
 * characters. */
static char *
display_text (const char *cell, glong max_width)
{
	if (cell == NULL || *cell == '\0')
		return g_strdup ("-");
	GString *s = g_string_new (NULL);
	glong n = 0;
	for (const char *p = cell; *p; p = g_utf8_next_char (p), n++) {
		if (n == max_width - 1 && g_utf8_strlen (p, -1) > 1) {
			g_string_append (s, "\u2026");
			break;
		}
		gunichar c = g_utf8_get_char (p);
		if (_ndr_char_is_unsafe (c))
			g_string_append_c (s, ' ');
		else
			g_string_append_unichar (s, c);
	}
	return g_string_free (s, FALSE);
}

static char *
display_cell (const char *cell)
{
	return display_text (cell, MAX_CELL_WIDTH);
}

/* A row's list items, each on its own line, indented under it. */
static void
print_details (FILE *out, const GPtrArray *details)
{
	for (guint i = 0; details && i < details->len; i++) {
		char *line = display_text (g_ptr_array_index (details, i), MAX_DETAIL_WIDTH);
		fprintf (out, "    %s\n", line);
		g_free (line);
	}
}

static void
print_padded (FILE *out, const char *cell, glong width, gboolean last)
{
	fputs (cell, out);
	if (!last)
		for (glong pad = width - g_utf8_strlen (cell, -1); pad >= 0; pad--)
			fputc (' ', out);
}

static gboolean
text_finish (sprinter_t *base)
{
	text_sprinter_t *sp = (text_sprinter_t *) base;
	const char *const *columns = sp->rows.columns;
	guint n = sp->rows.n_columns;
	glong *width = g_new0 (glong, n);
	GPtrArray *shown = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

	for (guint c = 0; c < n; c++)
		width[c] = strlen (columns[c]);
	for (guint r = 0; r < sp->table->len; r++) {
		char **row = g_ptr_array_index (sp->table, r);
		char **cells = g_new0 (char *, n + 1);
		for (guint c = 0; c < n; c++) {
			cells[c] = display_cell (row[c]);
			width[c] = MAX (width[c], g_utf8_strlen (cells[c], -1));
		}
		g_ptr_array_add (shown, cells);
	}

	if (sp->table->len > 0) {
		for (guint c = 0; c < n; c++) {
			char *title = g_ascii_strup (columns[c], -1);
			print_padded (sp->out, title, width[c], c + 1 == n);
			g_free (title);
		}
		fputc ('\n', sp->out);
	}
	for (guint r = 0; r < shown->len; r++) {
		char **cells = g_ptr_array_index (shown, r);
		for (guint c = 0; c < n; c++)
			print_padded (sp->out, cells[c], width[c], c + 1 == n);
		fputc ('\n', sp->out);
		print_details (sp->out, g_ptr_array_index (sp->details, r));
	}

	gboolean ok = fflush (sp->out) == 0 && !ferror (sp->out);
	for (guint r = 0; r < sp->table->len; r++)
		rows_free_row (g_ptr_array_index (sp->table, r), n);
	g_ptr_array_unref (sp->table);
	g_ptr_array_unref (sp->details);
	g_ptr_array_unref (shown);
	g_free (width);
	g_free (sp);
	return ok;
}

sprinter_t *
sprinter_text_new (FILE *out, const char *const *columns)
{
	text_sprinter_t *sp = g_new0 (text_sprinter_t, 1);
	rows_sprinter_init (&sp->rows, columns, text_finish, text_take_row, "yes", "no");
	sp->out = out;
	sp->table = g_ptr_array_new ();
	sp->details = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
	return &sp->rows.vtable;
}
