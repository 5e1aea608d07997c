/* sprinter-rows.c - record maps to rows of cells, for the table sprinters.
 * Only top-level keys named in the columns are kept; nested maps (the
 * summary) are not rows.  A list value (a record's evidence) becomes
 * items of text, "key=value ..." for a map item: the cell holds them
 * joined by " | ", and the row's details list them one by one. */
#include <string.h>

#include "sprinter-rows.h"

void
rows_free_row (char **row, guint n)
{
	for (guint c = 0; row && c < n; c++)
		g_free (row[c]);            /* not g_strfreev: a null cell is NULL */
	g_free (row);
}

static void
rows_begin_map (sprinter_t *base)
{
	rows_sprinter_t *sp = (rows_sprinter_t *) base;
	if (sp->items) {
		if (sp->item == NULL)
			sp->item = g_string_new (NULL);
		return;
	}
	if (sp->depth++ == 0) {
		sp->row = g_new0 (char *, sp->n_columns + 1);
		sp->details = g_ptr_array_new_with_free_func (g_free);
	}
}

static void
rows_begin_list (sprinter_t *base)
{
	rows_sprinter_t *sp = (rows_sprinter_t *) base;
	if (sp->items == NULL && sp->depth == 1)
		sp->items = g_ptr_array_new_with_free_func (g_free);
}

/* Ends the open list: its items to the cell and to the details. */
static void
end_list (rows_sprinter_t *sp)
{
	GString *cell = g_string_new (NULL);
	for (guint i = 0; i < sp->items->len; i++) {
		const char *item = g_ptr_array_index (sp->items, i);
		g_string_append_printf (cell, "%s%s", i ? " | " : "", item);
		g_ptr_array_add (sp->details, g_strdup (item));
	}
	if (sp->row && sp->column >= 0) {
		g_free (sp->row[sp->column]);
		sp->row[sp->column] = g_string_free (cell, FALSE);
	} else {
		g_string_free (cell, TRUE);
	}
	g_clear_pointer (&sp->items, g_ptr_array_unref);
}

static void
rows_end (sprinter_t *base)
{
	rows_sprinter_t *sp = (rows_sprinter_t *) base;
	if (sp->items) {
		if (sp->item) {
			if (sp->item->len && sp->item->str[sp->item->len - 1] == ' ')
				g_string_truncate (sp->item, sp->item->len - 1);
			g_ptr_array_add (sp->items, g_string_free (g_steal_pointer (&sp->item), FALSE));
		}
		else
			end_list (sp);
		return;
	}
	if (--sp->depth == 0 && sp->row) {
		sp->take_row (sp, sp->row, sp->details);
		sp->row = NULL;
		sp->details = NULL;
	}
}

/* A value inside a list: an item of its own, or a part of a map item. */
static gboolean
list_value (rows_sprinter_t *sp, const char *text)
{
	if (sp->items == NULL)
		return FALSE;
	if (sp->item) {
		if (text) {
			g_string_append (sp->item, text);
			g_string_append_c (sp->item, ' ');
		} else {
			g_string_append (sp->item, "- ");
		}
	} else if (text) {
		g_ptr_array_add (sp->items, g_strdup (text));
	}
	return TRUE;
}

static void
rows_map_key (sprinter_t *base, const char *key)
{
	rows_sprinter_t *sp = (rows_sprinter_t *) base;
	if (sp->items) {
		if (sp->item)
			g_string_append_printf (sp->item, "%s=", key);
		return;
	}
	sp->column = -1;
	for (guint i = 0; i < sp->n_columns; i++)
		if (strcmp (sp->columns[i], key) == 0)
			sp->column = i;
}

static void
set_cell (rows_sprinter_t *sp, char *text)
{
	if (list_value (sp, text)) {
		g_free (text);
		return;
	}
	if (sp->row == NULL || sp->column < 0 || sp->depth != 1) {
		g_free (text);
		return;
	}
	g_free (sp->row[sp->column]);
	sp->row[sp->column] = text;
}

static void
rows_string (sprinter_t *base, const char *value)
{
	set_cell ((rows_sprinter_t *) base, value ? g_utf8_make_valid (value, -1) : NULL);
}

static void
rows_integer (sprinter_t *base, gint64 value)
{
	set_cell ((rows_sprinter_t *) base, g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

static void
rows_boolean (sprinter_t *base, gboolean value)
{
	rows_sprinter_t *sp = (rows_sprinter_t *) base;
	set_cell (sp, g_strdup (value ? sp->true_text : sp->false_text));
}

static void
rows_null (sprinter_t *base)
{
	set_cell ((rows_sprinter_t *) base, NULL);
}

void
rows_sprinter_init (rows_sprinter_t *sp, const char *const *columns,
		    gboolean (*finish) (sprinter_t *),
		    void (*take_row) (rows_sprinter_t *, char **, GPtrArray *),
		    const char *true_text, const char *false_text)
{
	sp->vtable = (sprinter_t) {
		rows_begin_map, rows_begin_list, rows_end, rows_map_key, rows_string,
		rows_integer, rows_boolean, rows_null, finish, NULL,
	};
	sp->columns = columns;
	sp->n_columns = g_strv_length ((char **) columns);
	sp->column = -1;
	sp->take_row = take_row;
	sp->true_text = true_text;
	sp->false_text = false_text;
}
