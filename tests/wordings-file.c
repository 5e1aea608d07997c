/* wordings-file.c - reads the wording table (wordings-file.h). */
#include <string.h>

#include <ndrparse.h>

#include "wordings-file.h"

static void
wording_free (gpointer p)
{
	Wording *w = p;
	g_free (w->reason);
	g_free (w->language);
	g_free (w->command);
	g_free (w->host);
	g_free (w->reply);
	g_free (w->source);
	g_free (w);
}

static char *
field_or_null (const char *f)
{
	return strcmp (f, "-") == 0 ? NULL : g_strdup (f);
}

GPtrArray *
tsv_rows (const char *path, guint n_fields, const char *fields)
{
	char *text = NULL;
	GError *error = NULL;
	if (!g_file_get_contents (path, &text, NULL, &error))
		g_error ("%s", error->message);
	GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);
	char **lines = g_strsplit (text, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		if (lines[i][0] == '#' || lines[i][0] == '\0')
			continue;
		TsvRow *row = g_new0 (TsvRow, 1);
		row->f = g_strsplit (lines[i], "\t", -1);
		row->line = i + 1;
		if (g_strv_length (row->f) != n_fields || !*row->f[n_fields - 1])
			g_error ("%s:%u: want %u tab-separated fields (%s)", path, row->line, n_fields, fields);
		g_ptr_array_add (rows, row);
	}
	g_strfreev (lines);
	g_free (text);
	return rows;
}

void
tsv_rows_free (GPtrArray *rows)
{
	for (guint i = 0; i < rows->len; i++)
		g_strfreev (((TsvRow *) g_ptr_array_index (rows, i))->f);
	g_ptr_array_unref (rows);
}

GPtrArray *
wordings_read (const char *path)
{
	GPtrArray *rows = tsv_rows (path, 6, "reason, language, command, host, reply, source");
	GPtrArray *out = g_ptr_array_new_with_free_func (wording_free);
	/* A wording listed twice would count twice: case -> its first line. */
	GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	for (guint r = 0; r < rows->len; r++) {
		const TsvRow *row = g_ptr_array_index (rows, r);
		char **f = row->f;
		if (!*f[0] || !*f[4])
			g_error ("%s:%u: a wording needs its reason and its reply", path, row->line);
		NdrparseReason reason;
		if (!ndrparse_reason_from_name (f[0], &reason))
			g_error ("%s:%u: '%s' is not a reason", path, row->line, f[0]);
		/* The same reply to another command or from another host is
		 * another case. */
		char *key = g_strjoin ("\t", f[2], f[3], f[4], NULL);
		guint first = GPOINTER_TO_UINT (g_hash_table_lookup (seen, key));
		if (first)
			g_error ("%s:%u: the same reply, command and host as line %u", path, row->line, first);
		g_hash_table_insert (seen, key, GUINT_TO_POINTER (row->line));
		Wording *w = g_new0 (Wording, 1);
		w->reason = g_strdup (f[0]);
		w->language = g_strdup (f[1]);
		w->command = field_or_null (f[2]);
		w->host = field_or_null (f[3]);
		w->reply = g_strdup (f[4]);
		w->source = g_strdup (f[5]);
		w->line = row->line;
		g_ptr_array_add (out, w);
	}
	g_hash_table_unref (seen);
	tsv_rows_free (rows);
	return out;
}
