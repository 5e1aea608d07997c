/* store-sink.c - --store: a run's records kept in a suppression store.
 *
 * Events are committed every @batch messages and at the end, each batch
 * in one transaction: a run that is killed keeps every batch committed
 * before, whole, and none half-written, and running it again adds only
 * what is missing (the store knows an event it has).  A -j worker commits
 * before it hands a message on to the parent (decode.c), so nothing the
 * run has finished with is lost with a worker.
 */
#include <stdio.h>

#include "safe-text.h"
#include "store-sink.h"

struct StoreSink {
	NdrparseStore *store;
	guint batch, queued;
};

StoreSink *
store_sink_open (const char *uri, guint batch, GError **error)
{
	NdrparseStore *store = ndrparse_store_open (uri, error);
	if (store == NULL)
		return NULL;
	StoreSink *sink = g_new0 (StoreSink, 1);
	sink->store = store;
	sink->batch = batch ? batch : STORE_SINK_DEFAULT_BATCH;
	return sink;
}

gboolean
store_sink_add (StoreSink *sink, NdrparseReport *report, const char *file, gint64 index, GError **error)
{
	if (ndrparse_report_get_n_records (report) == 0)
		return TRUE;
	ndrparse_store_begin_batch (sink->store);
	if (!ndrparse_store_add_report (sink->store, report, file, index, error))
		return FALSE;
	if (++sink->queued < sink->batch)
		return TRUE;
	return store_sink_commit (sink, error);
}

gboolean
store_sink_commit (StoreSink *sink, GError **error)
{
	sink->queued = 0;
	return ndrparse_store_commit (sink->store, error);
}

void
store_sink_free (StoreSink *sink)
{
	if (sink == NULL)
		return;
	ndrparse_store_unref (sink->store);
	g_free (sink);
}

int
store_exit_status (const GError *error)
{
	if (error->domain != NDRPARSE_STORE_ERROR)
		return STORE_EXIT_TEMPFAIL;
	switch ((NdrparseStoreError) error->code) {
	case NDRPARSE_STORE_ERROR_UNAVAILABLE:
	case NDRPARSE_STORE_ERROR_FULL:
	case NDRPARSE_STORE_ERROR_FAILED:
		return STORE_EXIT_TEMPFAIL;
	default:
		return STORE_EXIT_CONFIG;
	}
}

char *
store_error_line (const GError *error)
{
	return g_strdup_printf ("ndrparse: store: %s", error->message);
}

int
store_one_report (const char *uri, NdrparseReport *report, const char *file)
{
	GError *error = NULL;
	NdrparseStore *store = ndrparse_store_open (uri, &error);
	if (store && ndrparse_store_add_report (store, report, file, -1, &error)) {
		ndrparse_store_unref (store);
		return 0;
	}
	ndrparse_store_unref (store);
	return store_say_error (error);
}

int
store_check_uri (const char *uri)
{
	GError *error = NULL;
	NdrparseStore *store = ndrparse_store_open (uri, &error);
	if (store == NULL)
		return store_say_error (error);
	ndrparse_store_unref (store);
	return 0;
}

int
store_say_error (GError *error)
{
	char *line = store_error_line (error);
	char *safe = safe_text_escaped (line);
	fprintf (stderr, "%s\n", safe);
	g_free (safe);
	g_free (line);
	int status = store_exit_status (error);
	g_error_free (error);
	return status;
}
