/* sprinter-text.c - an aligned table for people.
 *
 * Rows are collected until the end so that every column can be as wide
 * as its widest cell; long cells are cut with an ellipsis so a row fits
 * a terminal line.
 */
#include <string.h>

#include "sprinter.h"

#define MAX_CELL_WIDTH 60

typedef struct {
	sprinter_t vtable;
	FILE *out;
	const char *const *columns;
	guint n_columns;
	GPtrArray *rows;        /* char ** of n_columns cells */
	char **row;             /* the record being read */
	int column;             /* index of the current key, -1 if not shown */
	int depth;
} text_sprinter_t;

static void
text_begin_map (sprinter_t *base)
{
	text_sprinter_t *sp = (text_sprinter_t *) base;
	if (sp->depth++ == 0) {
		sp->row = g_new0 (char *, sp->n_columns + 1);
		g_ptr_array_add (sp->rows, sp->row);
	}
}

static void
text_end (sprinter_t *base)
{
	text_sprinter_t *sp = (text_sprinter_t *) base;
	if (--sp->depth == 0)
		sp->row = NULL;
}

static void
text_map_key (sprinter_t *base, const char *key)
{
	text_sprinter_t *sp = (text_sprinter_t *) base;
	sp->column = -1;
	for (guint i = 0; i < sp->n_columns; i++)
		if (strcmp (sp->columns[i], key) == 0)
			sp->column = i;
}

static void
set_cell (text_sprinter_t *sp, char *text)
{
	if (sp->row == NULL || sp->column < 0 || sp->depth != 1) {
		g_free (text);
		return;
	}
	g_free (sp->row[sp->column]);
	sp->row[sp->column] = text;
}

static void
text_string (sprinter_t *base, const char *value)
{
	set_cell ((text_sprinter_t *) base, value ? g_utf8_make_valid (value, -1) : NULL);
}

static void
text_integer (sprinter_t *base, gint64 value)
{
	set_cell ((text_sprinter_t *) base, g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

static void
text_boolean (sprinter_t *base, gboolean value)
{
	set_cell ((text_sprinter_t *) base, g_strdup (value ? "yes" : "no"));
}

static void
text_null (sprinter_t *base)
{
	set_cell ((text_sprinter_t *) base, NULL);
}

/* The cell as shown: "-" for nothing, control characters as spaces, cut
 * to MAX_CELL_WIDTH characters. */
static char *
display_cell (const char *cell)
{
	if (cell == NULL || *cell == '\0')
		return g_strdup ("-");
	GString *s = g_string_new (NULL);
	glong n = 0;
	for (const char *p = cell; *p; p = g_utf8_next_char (p), n++) {
		if (n == MAX_CELL_WIDTH - 1 && g_utf8_strlen (p, -1) > 1) {
			g_string_append (s, "\u2026");
			break;
		}
		gunichar c = g_utf8_get_char (p);
		if (g_unichar_iscntrl (c))
			g_string_append_c (s, ' ');
		else
			g_string_append_unichar (s, c);
	}
	return g_string_free (s, FALSE);
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
	guint n = sp->n_columns;
	glong *width = g_new0 (glong, n);
	GPtrArray *shown = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

	for (guint c = 0; c < n; c++)
		width[c] = strlen (sp->columns[c]);
	for (guint r = 0; r < sp->rows->len; r++) {
		char **row = g_ptr_array_index (sp->rows, r);
		char **cells = g_new0 (char *, n + 1);
		for (guint c = 0; c < n; c++) {
			cells[c] = display_cell (row[c]);
			width[c] = MAX (width[c], g_utf8_strlen (cells[c], -1));
		}
		g_ptr_array_add (shown, cells);
	}

	if (sp->rows->len > 0) {
		for (guint c = 0; c < n; c++) {
			char *title = g_ascii_strup (sp->columns[c], -1);
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
	}

	gboolean ok = fflush (sp->out) == 0 && !ferror (sp->out);
	for (guint r = 0; r < sp->rows->len; r++) {
		char **row = g_ptr_array_index (sp->rows, r);
		for (guint c = 0; c < n; c++)
			g_free (row[c]);
		g_free (row);
	}
	g_ptr_array_unref (sp->rows);
	g_ptr_array_unref (shown);
	g_free (width);
	g_free (sp);
	return ok;
}

sprinter_t *
sprinter_text_new (FILE *out, const char *const *columns)
{
	text_sprinter_t *sp = g_new0 (text_sprinter_t, 1);

	sp->vtable = (sprinter_t) {
		text_begin_map, text_end, text_map_key, text_string,
		text_integer, text_boolean, text_null, text_finish,
	};
	sp->out = out;
	sp->columns = columns;
	sp->n_columns = g_strv_length ((char **) columns);
	sp->rows = g_ptr_array_new ();
	sp->column = -1;
	return &sp->vtable;
}
