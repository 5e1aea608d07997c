/* test-wordings.c - how MTAs and providers word each reason, in their own
 * words, through ndrparse_classify_reply().
 *
 *   test-wordings [--summary] FILE
 *
 * FILE (tests/wordings/wordings.tsv) holds one wording a line, tab-
 * separated: the reason it means, its language (ISO 639-1), the command
 * it answers ("-" when the reply alone must tell), the remote host ("-"
 * for none), the reply, and where the wording comes from (an MTA's source
 * file, a provider's published error page, an RFC).  None comes from a
 * bounce of the shared corpus: the point is mail nobody here has seen.
 * Lines starting with '#' and blank lines are comments; a reply listed
 * twice for the same command and host is an error (it would count twice).
 *
 * Every line is one test; all are run, each miss is printed, and the run
 * fails when any misses.  --summary prints the count per reason and per
 * language (for the closing notes of the rule work).
 */
#include <stdio.h>
#include <string.h>

#include <ndrparse.h>

#include "wordings-file.h"

static void
add_count (GHashTable *counts, const char *key)
{
	gpointer old = g_hash_table_lookup (counts, key);
	g_hash_table_replace (counts, g_strdup (key), GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
}

static void
print_counts (const char *what, GHashTable *counts)
{
	GList *keys = g_list_sort (g_hash_table_get_keys (counts), (GCompareFunc) strcmp);
	for (GList *k = keys; k; k = k->next)
		printf ("%s\t%s\t%u\n", what, (const char *) k->data,
			GPOINTER_TO_UINT (g_hash_table_lookup (counts, k->data)));
	g_list_free (keys);
}

int
main (int argc, char **argv)
{
	gboolean summary = argc > 1 && strcmp (argv[1], "--summary") == 0;
	if (argc != (summary ? 3 : 2)) {
		fprintf (stderr, "usage: test-wordings [--summary] FILE\n");
		return 2;
	}
	const char *path = argv[summary ? 2 : 1];
	GPtrArray *wordings = wordings_read (path);
	GHashTable *per_reason = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *per_language = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	guint missed = 0;

	for (guint i = 0; i < wordings->len; i++) {
		const Wording *w = g_ptr_array_index (wordings, i);
		GError *error = NULL;
		NdrparseClassification *c = ndrparse_classify_reply (w->reply, w->command, w->host, &error);
		if (c == NULL)
			g_error ("%s:%u: %s", path, w->line, error->message);
		const char *got = ndrparse_reason_get_name (ndrparse_classification_get_reason (c));
		ndrparse_classification_unref (c);
		if (strcmp (got, w->reason) != 0) {
			printf ("not ok %u - %s:%u: \"%s\" (%s, %s): want %s, got %s\n", i + 1, path, w->line, w->reply,
				w->command ? w->command : "no command", w->source, w->reason, got);
			missed++;
		} else if (!summary) {
			printf ("ok %u - %s: %s\n", i + 1, w->reason, w->reply);
		}
		add_count (per_reason, w->reason);
		add_count (per_language, w->language);
	}
	if (summary) {
		print_counts ("reason", per_reason);
		print_counts ("language", per_language);
	}
	printf ("# %u wordings, %u missed\n", wordings->len, missed);
	g_hash_table_unref (per_reason);
	g_hash_table_unref (per_language);
	g_ptr_array_unref (wordings);
	return missed == 0 ? 0 : 1;
}
