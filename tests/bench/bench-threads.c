/* bench-threads.c - what scales: decoding on several threads of one
 * process against the same work in several processes.
 *
 *   bench-threads threads|processes N ROUNDS FILE...
 *
 * Each of N workers (threads, or processes made with fork()) parses every
 * FILE, read into memory first, ROUNDS times; prints the total parses per
 * second.  The README and ndrparse.h quote its figures.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ndrparse.h>

typedef struct {
	GPtrArray *messages;    /* GBytes * */
	guint rounds;
} Work;

static gpointer
parse_all (gpointer data)
{
	const Work *w = data;
	for (guint r = 0; r < w->rounds; r++)
		for (guint i = 0; i < w->messages->len; i++) {
			gsize len;
			const void *bytes = g_bytes_get_data (g_ptr_array_index (w->messages, i), &len);
			ndrparse_report_unref (ndrparse_parse_bytes (bytes, len, NULL));
		}
	return NULL;
}

int
main (int argc, char **argv)
{
	if (argc < 5 || (strcmp (argv[1], "threads") != 0 && strcmp (argv[1], "processes") != 0)) {
		fprintf (stderr, "usage: bench-threads threads|processes N ROUNDS FILE...\n");
		return 2;
	}
	gboolean threads = strcmp (argv[1], "threads") == 0;
	guint n = (guint) atoi (argv[2]);
	Work w = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref), (guint) atoi (argv[3]) };
	for (int i = 4; i < argc; i++) {
		char *data;
		gsize len;
		if (g_file_get_contents (argv[i], &data, &len, NULL))
			g_ptr_array_add (w.messages, g_bytes_new_take (data, len));
	}
	/* Warm: the library's set-up is not what is measured. */
	Work once = { w.messages, 1 };
	parse_all (&once);

	gint64 start = g_get_monotonic_time ();
	if (threads) {
		GThread **t = g_new (GThread *, n);
		for (guint i = 0; i < n; i++)
			t[i] = g_thread_new ("bench", parse_all, &w);
		for (guint i = 0; i < n; i++)
			g_thread_join (t[i]);
		g_free (t);
	} else {
		for (guint i = 0; i < n; i++)
			if (fork () == 0) {
				parse_all (&w);
				_exit (0);
			}
		for (guint i = 0; i < n; i++)
			wait (NULL);
	}
	double seconds = (g_get_monotonic_time () - start) / 1e6;
	double parses = (double) n * w.rounds * w.messages->len;
	printf ("%s %u: %.0f parses/s (%.0f parses in %.2f s)\n", argv[1], n, parses / seconds, parses, seconds);
	g_ptr_array_unref (w.messages);
	return 0;
}
