/* inputs.c - turns the command line's arguments into the list of inputs
 * to decode: messages, mboxes and standard input, found in Maildirs and
 * directories as well as named directly.
 */
#define _DEFAULT_SOURCE         /* d_type */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
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
	input->size = -1;
	g_ptr_array_add (out, input);
}

/* Records the size of the file @path just added as the last input. */
static void
note_size (GPtrArray *out, const char *path)
{
	Input *input = g_ptr_array_index (out, out->len - 1);
	struct stat st;
	if (stat (path, &st) == 0 && S_ISREG (st.st_mode))
		input->size = st.st_size;
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
	/* O_NONBLOCK: a FIFO is not waited for (nor read from) here. */
	int fd = open (path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return FALSE;
	struct stat st;
	char head[5];
	gboolean mbox = fstat (fd, &st) == 0 && S_ISREG (st.st_mode) &&
		read (fd, head, 5) == 5 && memcmp (head, "From ", 5) == 0;
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

/* @dir/@name: g_build_filename() for the one case a listing needs, at a
 * third of its cost (it runs once per file of every directory read). */
static char *
join_path (const char *dir, const char *name)
{
	gsize len = strlen (dir);
	return len > 0 && dir[len - 1] == '/' ? g_strconcat (dir, name, NULL)
					      : g_strconcat (dir, "/", name, NULL);
}

typedef enum { ENTRY_FILE, ENTRY_DIR, ENTRY_OTHER } EntryType;

typedef struct {
	char *name;
	EntryType type;         /* what it is, or points to if a symbolic link */
} Entry;

static void
entry_clear (gpointer data)
{
	g_free (((Entry *) data)->name);
}

static int
by_name (gconstpointer a, gconstpointer b)
{
	return strcmp (((const Entry *) a)->name, ((const Entry *) b)->name);
}

/* The type readdir() gives, or stat()'s when it gives none or a link:
 * most file systems tell without a stat() per file. */
static EntryType
entry_type (const char *dir, const struct dirent *d)
{
	if (d->d_type == DT_REG)
		return ENTRY_FILE;
	if (d->d_type == DT_DIR)
		return ENTRY_DIR;
	if (d->d_type != DT_UNKNOWN && d->d_type != DT_LNK)
		return ENTRY_OTHER;
	char *path = g_build_filename (dir, d->d_name, NULL);
	struct stat st;
	EntryType type = stat (path, &st) < 0 ? ENTRY_OTHER
		: S_ISREG (st.st_mode) ? ENTRY_FILE : S_ISDIR (st.st_mode) ? ENTRY_DIR : ENTRY_OTHER;
	g_free (path);
	return type;
}

/* The entries of @dir (Entry), sorted by name, without dot files; NULL
 * with @error. */
static GArray *
sorted_entries (const char *dir, char **error)
{
	DIR *d = opendir (dir);
	if (d == NULL) {
		*error = g_strdup_printf ("cannot read the directory: %s", g_strerror (errno));
		return NULL;
	}
	GArray *entries = g_array_new (FALSE, FALSE, sizeof (Entry));
	g_array_set_clear_func (entries, entry_clear);
	for (struct dirent *e; (e = readdir (d)) != NULL;) {
		if (e->d_name[0] != '.') {
			Entry entry = { g_strdup (e->d_name), entry_type (dir, e) };
			g_array_append_val (entries, entry);
		}
	}
	closedir (d);
	g_array_sort (entries, by_name);
	return entries;
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
		GArray *entries = is_dir (sub) ? sorted_entries (sub, &error) : NULL;
		if (error)
			add (out, sub, INPUT_ERROR, error);
		for (guint k = 0; entries && k < entries->len; k++) {
			const Entry *entry = &g_array_index (entries, Entry, k);
			if (entry->type == ENTRY_FILE) {
				char *file = join_path (sub, entry->name);
				add (out, file, INPUT_MESSAGE, NULL);
				g_free (file);
			}
		}
		if (entries)
			g_array_unref (entries);
		g_free (sub);
	}
}

static void
add_dir (GPtrArray *out, const char *path, gboolean recursive)
{
	char *error = NULL;
	GArray *entries = sorted_entries (path, &error);
	if (entries == NULL) {
		add (out, path, INPUT_ERROR, error);
		return;
	}
	for (guint i = 0; i < entries->len; i++) {
		const Entry *entry = &g_array_index (entries, Entry, i);
		char *child = join_path (path, entry->name);
		if (entry->type != ENTRY_DIR)
			add_file (out, child, INPUT_AUTO);
		else if (recursive && is_maildir (child))
			add_maildir (out, child);
		else if (recursive)
			add_dir (out, child, TRUE);
		g_free (child);
	}
	g_array_unref (entries);
}

static void
add_file (GPtrArray *out, const char *path, InputKind forced)
{
	if (forced == INPUT_MBOX && g_file_test (path, G_FILE_TEST_IS_REGULAR) && !input_is_mbox (path))
		add (out, path, INPUT_ERROR, g_strdup ("not an mbox (it does not start with a \"From \" line)"));
	else if (forced == INPUT_MESSAGE || forced == INPUT_MBOX)
		add (out, path, forced, NULL);
	else
		add (out, path, INPUT_FILE, NULL);       /* a missing file fails when read */
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
			note_size (out, arg);
		}
	}
	return out;
}
