/* inputs.c - turns the command line's arguments into the list of inputs
 * to decode: messages, mboxes and standard input, found in Maildirs and
 * directories as well as named directly.
 */
#define _DEFAULT_SOURCE         /* d_type, realpath() */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "input-stream.h"
#include "inputs.h"

typedef struct {
	GPtrArray *out;
	gboolean recursive;
	char *root;             /* the directory named, resolved: links stay inside it */
	GHashTable *visited;    /* "device:inode" of each directory read */
} Lister;

static void
input_free (gpointer data)
{
	Input *input = data;
	g_free (input->path);
	g_free (input->target);
	g_free (input->error);
	g_free (input);
}

static Input *
add (GPtrArray *out, const char *path, InputKind kind, char *error)
{
	Input *input = g_new0 (Input, 1);
	input->path = g_strdup (path);
	input->kind = kind;
	input->error = error;
	input->size = -1;
	g_ptr_array_add (out, input);
	return input;
}

const char *
input_open_path (const Input *input)
{
	return input->target ? input->target : input->path;
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

typedef enum { ENTRY_FILE, ENTRY_DIR, ENTRY_SKIPPED } EntryType;

typedef struct {
	char *name;
	EntryType type;
	char *target;           /* a link's resolved target, or NULL */
	const char *why;        /* for ENTRY_SKIPPED (static) */
} Entry;

static void
entry_clear (gpointer data)
{
	Entry *entry = data;
	g_free (entry->name);
	g_free (entry->target);
}

static int
by_name (gconstpointer a, gconstpointer b)
{
	return strcmp (((const Entry *) a)->name, ((const Entry *) b)->name);
}

static gboolean
inside (const char *root, const char *path)
{
	gsize len = strlen (root);
	if (len == 1 && root[0] == '/')
		return TRUE;
	return strncmp (path, root, len) == 0 && (path[len] == '/' || path[len] == '\0');
}

static const char *
not_regular_why (mode_t mode)
{
	if (S_ISFIFO (mode))
		return "skipped: a FIFO, not a regular file";
	if (S_ISCHR (mode) || S_ISBLK (mode))
		return "skipped: a device, not a regular file";
	if (S_ISSOCK (mode))
		return "skipped: a socket, not a regular file";
	return "skipped: not a regular file";
}

/* What a symbolic link in a listing is: followed only to a regular file
 * or a directory inside the directory named. */
static void
resolve_link (const Lister *lister, const char *path, Entry *entry)
{
	char *real = realpath (path, NULL);
	struct stat st;
	entry->type = ENTRY_SKIPPED;
	if (real == NULL || stat (real, &st) < 0) {
		entry->why = "skipped: a symbolic link to nothing";
	} else if (!inside (lister->root, real)) {
		entry->why = "skipped: a symbolic link out of the directory named";
	} else if (S_ISREG (st.st_mode)) {
		entry->type = ENTRY_FILE;
		entry->target = g_strdup (real);
	} else if (S_ISDIR (st.st_mode)) {
		entry->type = ENTRY_DIR;
	} else {
		entry->why = not_regular_why (st.st_mode);
	}
	free (real);
}

/* The type readdir() gives, or lstat()'s when it gives none or a link:
 * most file systems tell without a stat() per file. */
static void
classify (const Lister *lister, const char *dir, const struct dirent *d, Entry *entry)
{
	static const struct { unsigned char d_type; mode_t mode; } others[] = {
		{ DT_FIFO, S_IFIFO }, { DT_CHR, S_IFCHR }, { DT_BLK, S_IFBLK }, { DT_SOCK, S_IFSOCK },
	};
	if (d->d_type == DT_REG) {
		entry->type = ENTRY_FILE;
		return;
	}
	if (d->d_type == DT_DIR) {
		entry->type = ENTRY_DIR;
		return;
	}
	for (gsize i = 0; i < G_N_ELEMENTS (others); i++) {
		if (d->d_type == others[i].d_type) {
			entry->type = ENTRY_SKIPPED;
			entry->why = not_regular_why (others[i].mode);
			return;
		}
	}
	char *path = join_path (dir, d->d_name);
	struct stat st;
	if (lstat (path, &st) < 0) {
		entry->type = ENTRY_SKIPPED;
		entry->why = "skipped: it vanished while the directory was read";
	} else if (S_ISLNK (st.st_mode)) {
		resolve_link (lister, path, entry);
	} else if (S_ISREG (st.st_mode)) {
		entry->type = ENTRY_FILE;
	} else if (S_ISDIR (st.st_mode)) {
		entry->type = ENTRY_DIR;
	} else {
		entry->type = ENTRY_SKIPPED;
		entry->why = not_regular_why (st.st_mode);
	}
	g_free (path);
}

/* The entries of @dir (Entry), sorted by name, without dot files; NULL
 * with @error. */
static GArray *
sorted_entries (const Lister *lister, const char *dir, char **error)
{
	DIR *d = opendir (dir);
	if (d == NULL) {
		*error = g_strdup_printf ("cannot read the directory: %s", g_strerror (errno));
		return NULL;
	}
	GArray *entries = g_array_new (FALSE, TRUE, sizeof (Entry));
	g_array_set_clear_func (entries, entry_clear);
	for (struct dirent *e; (e = readdir (d)) != NULL;) {
		if (e->d_name[0] != '.') {
			Entry entry = { g_strdup (e->d_name), ENTRY_SKIPPED, NULL, NULL };
			classify (lister, dir, e, &entry);
			g_array_append_val (entries, entry);
		}
	}
	closedir (d);
	g_array_sort (entries, by_name);
	return entries;
}

/* Whether @dir was read already (a link loop, or two links to one
 * directory); records it as read. */
static gboolean
seen_before (Lister *lister, const char *dir)
{
	struct stat st;
	if (stat (dir, &st) < 0)
		return FALSE;
	char *key = g_strdup_printf ("%ju:%ju", (uintmax_t) st.st_dev, (uintmax_t) st.st_ino);
	if (g_hash_table_contains (lister->visited, key)) {
		g_free (key);
		return TRUE;
	}
	g_hash_table_add (lister->visited, key);
	return FALSE;
}

static void
add_listed_file (Lister *lister, const char *path, const Entry *entry)
{
	Input *input = add (lister->out, path, INPUT_FILE, NULL);
	input->listed = TRUE;
	input->target = g_strdup (entry->target);
}

static void
add_skipped (Lister *lister, const char *path, const char *why)
{
	add (lister->out, path, INPUT_SKIPPED, g_strdup (why));
}

/* A Maildir's messages: cur/, then new/ (not yet seen), each sorted;
 * tmp/ holds deliveries in progress. */
static void
add_maildir (Lister *lister, const char *path)
{
	static const char *const subdirs[] = { "cur", "new" };
	for (gsize i = 0; i < G_N_ELEMENTS (subdirs); i++) {
		char *sub = g_build_filename (path, subdirs[i], NULL);
		char *error = NULL;
		GArray *entries = is_dir (sub) && !seen_before (lister, sub) ? sorted_entries (lister, sub, &error) : NULL;
		if (error)
			add (lister->out, sub, INPUT_ERROR, error);
		for (guint k = 0; entries && k < entries->len; k++) {
			const Entry *entry = &g_array_index (entries, Entry, k);
			char *file = join_path (sub, entry->name);
			if (entry->type == ENTRY_FILE)
				add_listed_file (lister, file, entry);
			else if (entry->type == ENTRY_SKIPPED)
				add_skipped (lister, file, entry->why);
			g_free (file);
		}
		if (entries)
			g_array_unref (entries);
		g_free (sub);
	}
}

static void
add_dir (Lister *lister, const char *path)
{
	if (seen_before (lister, path)) {
		add_skipped (lister, path, "skipped: a directory read already (a symbolic link loop)");
		return;
	}
	char *error = NULL;
	GArray *entries = sorted_entries (lister, path, &error);
	if (entries == NULL) {
		add (lister->out, path, INPUT_ERROR, error);
		return;
	}
	for (guint i = 0; i < entries->len; i++) {
		const Entry *entry = &g_array_index (entries, Entry, i);
		char *child = join_path (path, entry->name);
		if (entry->type == ENTRY_FILE)
			add_listed_file (lister, child, entry);
		else if (entry->type == ENTRY_SKIPPED)
			add_skipped (lister, child, entry->why);
		else if (lister->recursive && is_maildir (child))
			add_maildir (lister, child);
		else if (lister->recursive)
			add_dir (lister, child);
		g_free (child);
	}
	g_array_unref (entries);
}

/* Reads the directory or Maildir @path as a listing rooted there. */
static void
list (GPtrArray *out, const char *path, gboolean recursive, gboolean maildir)
{
	Lister lister = { out, recursive, realpath (path, NULL), NULL };
	if (lister.root == NULL) {
		add (out, path, INPUT_ERROR, g_strdup_printf ("cannot read the directory: %s", g_strerror (errno)));
		return;
	}
	lister.visited = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	if (maildir)
		add_maildir (&lister, path);
	else
		add_dir (&lister, path);
	g_hash_table_unref (lister.visited);
	free (lister.root);
}

/* A file named on the command line: what is not a regular file (a FIFO,
 * a process substitution, a device) can be read only once, so the
 * parent reads it rather than a worker that might have to start over. */
static void
add_named_file (GPtrArray *out, const char *path, InputKind forced, const struct stat *st)
{
	InputKind kind = forced == INPUT_MESSAGE || forced == INPUT_MBOX ? forced : INPUT_FILE;
	Input *input = add (out, path, kind, NULL);      /* a missing file fails when read */
	if (st) {
		if (S_ISREG (st->st_mode))
			input->size = st->st_size;
		else
			input->parent_reads = TRUE;
	}
}

GPtrArray *
inputs_expand (char **args, int n, InputKind forced, gboolean recursive)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (input_free);

	for (int i = 0; i < n; i++) {
		const char *arg = args[i];
		if (strcmp (arg, "-") == 0) {
			Input *input = add (out, arg, INPUT_STDIN, NULL);
			input->parent_reads = TRUE;
			continue;
		}
		/* One stat() per argument: a batch names thousands of files. */
		struct stat st;
		gboolean exists = stat (arg, &st) == 0;
		gboolean dir = exists && S_ISDIR (st.st_mode);
		if (forced == INPUT_MAILDIR || (forced == INPUT_AUTO && dir && is_maildir (arg))) {
			if (!is_maildir (arg))
				add (out, arg, INPUT_ERROR, g_strdup ("not a Maildir (no cur/ or new/)"));
			else
				list (out, arg, FALSE, TRUE);
		} else if (dir) {
			if (forced != INPUT_DIR && forced != INPUT_AUTO)
				add (out, arg, INPUT_ERROR, g_strdup ("is a directory"));
			else
				list (out, arg, recursive, FALSE);
		} else if (forced == INPUT_DIR) {
			add (out, arg, INPUT_ERROR, g_strdup ("not a directory"));
		} else {
			add_named_file (out, arg, forced, exists ? &st : NULL);
		}
	}
	return out;
}

GPtrArray *
inputs_read_names (const char *path, gboolean nul, GError **error)
{
	InputStream *in = input_stream_open (path, INPUT_OPEN_RAW, error);
	if (in == NULL)
		return NULL;
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
	GString *name = g_string_new (NULL);
	char sep = nul ? '\0' : '\n', buf[1 << 16];
	gssize n;
	while ((n = input_stream_read (in, buf, sizeof buf, error)) > 0) {
		for (gssize i = 0; i < n; i++) {
			if (buf[i] != sep) {
				g_string_append_c (name, buf[i]);
				continue;
			}
			if (name->len > 0)
				g_ptr_array_add (names, g_strndup (name->str, name->len));
			g_string_truncate (name, 0);
		}
	}
	if (n == 0 && name->len > 0)
		g_ptr_array_add (names, g_strndup (name->str, name->len));
	g_string_free (name, TRUE);
	input_stream_free (in);
	if (n < 0) {
		g_ptr_array_unref (names);
		return NULL;
	}
	return names;
}
