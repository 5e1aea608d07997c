/* inputs.c - turns the command line's arguments into the list of inputs
 * to decode: messages, mboxes and standard input, found in Maildirs and
 * directories as well as named directly.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "inputs.h"

static void
input_free (gpointer data)
{
	Input *input = data;
	g_free (input->path);
	g_free (input->error);
	g_free (input);
}

static void
add (GPtrArray *out, const char *path, InputKind kind, char *error)
{
	Input *input = g_new0 (Input, 1);
	input->path = g_strdup (path);
	input->kind = kind;
	input->error = error;
	g_ptr_array_add (out, input);
}

gboolean
input_kind_from_name (const char *name, InputKind *kind)
{
	static const struct { const char *name; InputKind kind; } names[] = {
		{ "auto", INPUT_AUTO }, { "message", INPUT_MESSAGE }, { "mbox", INPUT_MBOX },
		{ "maildir", INPUT_MAILDIR }, { "dir", INPUT_DIR },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (names); i++) {
		if (g_strcmp0 (name, names[i].name) == 0) {
			*kind = names[i].kind;
			return TRUE;
		}
	}
	return FALSE;
}

gboolean
input_is_mbox (const char *path)
{
	char head[5];
	int fd = open (path, O_RDONLY);
	if (fd < 0)
		return FALSE;
	gboolean mbox = read (fd, head, 5) == 5 && memcmp (head, "From ", 5) == 0;
	close (fd);
	return mbox;
}

static gboolean
is_dir (const char *path)
{
	return g_file_test (path, G_FILE_TEST_IS_DIR);
}

static gboolean
is_maildir (const char *path)
{
	char *cur = g_build_filename (path, "cur", NULL), *new = g_build_filename (path, "new", NULL);
	gboolean yes = is_dir (cur) || is_dir (new);
	g_free (cur);
	g_free (new);
	return yes;
}

/* The names in @dir, sorted, without dot files; NULL with @error. */
static GPtrArray *
sorted_names (const char *dir, char **error)
{
	GError *gerror = NULL;
	GDir *d = g_dir_open (dir, 0, &gerror);
	if (d == NULL) {
		*error = g_strdup (gerror->message);
		g_error_free (gerror);
		return NULL;
	}
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
	const char *name;
	while ((name = g_dir_read_name (d)) != NULL) {
		if (name[0] != '.')
			g_ptr_array_add (names, g_strdup (name));
	}
	g_dir_close (d);
	g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
	return names;
}

static void add_file (GPtrArray *out, const char *path, InputKind forced);
static void add_dir (GPtrArray *out, const char *path, gboolean recursive);

/* A Maildir's messages: cur/, then new/ (not yet seen), each sorted;
 * tmp/ holds deliveries in progress. */
static void
add_maildir (GPtrArray *out, const char *path)
{
	static const char *const subdirs[] = { "cur", "new" };
	for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++) {
		char *sub = g_build_filename (path, subdirs[i], NULL);
		char *error = NULL;
		GPtrArray *names = is_dir (sub) ? sorted_names (sub, &error) : NULL;
		if (error)
			add (out, sub, INPUT_ERROR, error);
		for (guint k = 0; names && k < names->len; k++) {
			char *file = g_build_filename (sub, g_ptr_array_index (names, k), NULL);
			if (g_file_test (file, G_FILE_TEST_IS_REGULAR))
				add (out, file, INPUT_MESSAGE, NULL);
			g_free (file);
		}
		if (names)
			g_ptr_array_unref (names);
		g_free (sub);
	}
}

static void
add_dir (GPtrArray *out, const char *path, gboolean recursive)
{
	char *error = NULL;
	GPtrArray *names = sorted_names (path, &error);
	if (names == NULL) {
		add (out, path, INPUT_ERROR, error);
		return;
	}
	for (guint i = 0; i < names->len; i++) {
		char *child = g_build_filename (path, g_ptr_array_index (names, i), NULL);
		if (!is_dir (child))
			add_file (out, child, INPUT_AUTO);
		else if (recursive && is_maildir (child))
			add_maildir (out, child);
		else if (recursive)
			add_dir (out, child, TRUE);
		g_free (child);
	}
	g_ptr_array_unref (names);
}

static void
add_file (GPtrArray *out, const char *path, InputKind forced)
{
	if (forced == INPUT_MBOX && g_file_test (path, G_FILE_TEST_IS_REGULAR) && !input_is_mbox (path))
		add (out, path, INPUT_ERROR, g_strdup ("not an mbox (it does not start with a \"From \" line)"));
	else if (forced == INPUT_MESSAGE || forced == INPUT_MBOX)
		add (out, path, forced, NULL);
	else if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && input_is_mbox (path))
		add (out, path, INPUT_MBOX, NULL);
	else
		add (out, path, INPUT_MESSAGE, NULL);    /* a missing file fails when read */
}

GPtrArray *
inputs_expand (char **args, int n, InputKind forced, gboolean recursive)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (input_free);

	for (int i = 0; i < n; i++) {
		const char *arg = args[i];
		if (strcmp (arg, "-") == 0) {
			add (out, arg, INPUT_STDIN, NULL);
		} else if (forced == INPUT_MAILDIR || (forced == INPUT_AUTO && is_dir (arg) && is_maildir (arg))) {
			if (!is_maildir (arg))
				add (out, arg, INPUT_ERROR, g_strdup ("not a Maildir (no cur/ or new/)"));
			else
				add_maildir (out, arg);
		} else if (is_dir (arg)) {
			if (forced != INPUT_DIR && forced != INPUT_AUTO)
				add (out, arg, INPUT_ERROR, g_strdup ("is a directory"));
			else
				add_dir (out, arg, recursive);
		} else if (forced == INPUT_DIR) {
			add (out, arg, INPUT_ERROR, g_strdup ("not a directory"));
		} else {
			add_file (out, arg, forced);
		}
	}
	return out;
}
