/* test-threads.c - the library's first use from several threads at once,
 * and parses running side by side: every thread starts together on the
 * library's first call (the shipped rules' matchers, the code table, the
 * charset converters are set up then), and each gets what one thread
 * alone gets.  Built with ThreadSanitizer (NDRPARSE_TSAN, .ci/run), the
 * run must be free of reports.
 *
 *   test-threads CORPUS_DIR
 */
/* pthread_barrier_t is POSIX, beyond C11. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <string.h>

#include <ndrparse.h>

#define N_THREADS 8


typedef struct {
	GPtrArray *messages;            /* GBytes * */
	GPtrArray *expected;            /* char *: one summary per message */
	pthread_barrier_t start;        /* pthread's: ThreadSanitizer sees it, not GLib's locks */
	guint mismatches;
} Shared;

/* What a report says, in one line: recipients and reasons. */
static char *
summarise (NdrparseReport *report)
{
	GString *s = g_string_new (NULL);
	for (guint i = 0; report && i < ndrparse_report_get_n_records (report); i++) {
		const NdrparseRecord *r = ndrparse_report_get_record (report, i);
		g_string_append_printf (s, "%s %s %s;", ndrparse_record_get_recipient (r),
					ndrparse_reason_get_name (ndrparse_record_get_reason (r)),
					ndrparse_record_get_status (r));
	}
	return g_string_free (s, FALSE);
}

static char *
parse_and_summarise (GBytes *message, NdrparseRules *rules)
{
	gsize len;
	const void *data = g_bytes_get_data (message, &len);
	NdrparseReport *report = ndrparse_parse_bytes_with_rules (rules, data, len, NULL);
	char *summary = summarise (report);
	ndrparse_report_unref (report);
	return summary;
}

static gpointer
worker (gpointer data)
{
	Shared *shared = data;
	pthread_barrier_wait (&shared->start);
	/* All at once: the first parse, the first reply, the first rule set. */
	NdrparseRules *rules = ndrparse_rules_new ();
	NdrparseClassification *c = ndrparse_classify_reply ("550 5.1.1 User unknown", "RCPT", NULL, NULL);
	guint mismatches = ndrparse_classification_get_reason (c) == NDRPARSE_REASON_USERUNKNOWN ? 0 : 1;
	ndrparse_classification_unref (c);
	for (guint i = 0; i < shared->messages->len; i++) {
		char *got = parse_and_summarise (g_ptr_array_index (shared->messages, i), i % 2 ? rules : NULL);
		if (shared->expected && strcmp (got, g_ptr_array_index (shared->expected, i)) != 0)
			mismatches++;
		g_free (got);
	}
	ndrparse_rules_unref (rules);
	__atomic_add_fetch (&shared->mismatches, mismatches, __ATOMIC_SEQ_CST);
	return NULL;
}

static GPtrArray *
read_corpus (const char *dir)
{
	GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
	GDir *d = g_dir_open (dir, 0, NULL);
	g_assert_nonnull (d);
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
	for (const char *name; (name = g_dir_read_name (d));)
		if (g_str_has_suffix (name, ".eml"))
			g_ptr_array_add (names, g_build_filename (dir, name, NULL));
	g_dir_close (d);
	g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
	for (guint i = 0; i < names->len; i++) {
		char *data;
		gsize len;
		g_assert_true (g_file_get_contents (g_ptr_array_index (names, i), &data, &len, NULL));
		g_ptr_array_add (messages, g_bytes_new_take (data, len));
	}
	g_ptr_array_unref (names);
	return messages;
}

static void
run_threads (Shared *shared)
{
	pthread_t threads[N_THREADS];
	pthread_barrier_init (&shared->start, NULL, N_THREADS);
	for (guint t = 0; t < N_THREADS; t++)
		g_assert_cmpint (pthread_create (&threads[t], NULL, worker, shared), ==, 0);
	for (guint t = 0; t < N_THREADS; t++)
		pthread_join (threads[t], NULL);
	pthread_barrier_destroy (&shared->start);
}

int
main (int argc, char **argv)
{
	if (argc != 2) {
		g_printerr ("usage: test-threads CORPUS_DIR\n");
		return 2;
	}
	Shared shared = { .messages = read_corpus (argv[1]) };
	/* First use: from all threads at once, nothing set up before. */
	run_threads (&shared);
	g_assert_cmpuint (shared.mismatches, ==, 0);

	/* Then every thread against what one thread alone gets. */
	shared.expected = g_ptr_array_new_with_free_func (g_free);
	for (guint i = 0; i < shared.messages->len; i++)
		g_ptr_array_add (shared.expected, parse_and_summarise (g_ptr_array_index (shared.messages, i), NULL));
	run_threads (&shared);
	g_print ("%u threads x %u messages: %u mismatches\n", N_THREADS, shared.messages->len, shared.mismatches);
	g_ptr_array_unref (shared.expected);
	g_ptr_array_unref (shared.messages);
	return shared.mismatches == 0 ? 0 : 1;
}
