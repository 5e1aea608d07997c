/* store-sink.h - --store: the records a run decodes, kept in a
 * suppression store (ndrparse_store_open()) in batches.
 */
#ifndef NDRPARSE_STORE_SINK_H
#define NDRPARSE_STORE_SINK_H

#include <ndrparse.h>

enum {
	STORE_EXIT_TEMPFAIL = 75,       /* EX_TEMPFAIL: unavailable, locked, full: try again */
	STORE_EXIT_CONFIG = 78,         /* EX_CONFIG: a bad URI, a newer schema, not a store */
};

/* How many messages' events go in one transaction by default. */
#define STORE_SINK_DEFAULT_BATCH 500

typedef struct StoreSink StoreSink;

/* Opens the store at @uri; NULL with @error set. */
StoreSink *store_sink_open (const char *uri, guint batch, GError **error);
/* Queues @report's events; commits when the batch is full.  FALSE with
 * @error when that commit failed: the sink is then of no further use. */
gboolean store_sink_add (StoreSink *sink, NdrparseReport *report, const char *file, gint64 index, GError **error);
/* Commits what is queued. */
gboolean store_sink_commit (StoreSink *sink, GError **error);
/* Drops what is not committed and closes the store. */
void store_sink_free (StoreSink *sink);

/* The exit status for a store error: STORE_EXIT_TEMPFAIL or STORE_EXIT_CONFIG. */
int store_exit_status (const GError *error);
/* "ndrparse: store: MESSAGE", for standard error (escaped by the caller);
 * the library's messages name the file or the server, never a password. */
char *store_error_line (const GError *error);

/* Says @error on standard error (store_error_line()) and frees it;
 * returns its exit status. */
int store_say_error (GError *error);
/* Opens and closes the store at @uri (making or migrating its schema):
 * 0, or the exit status after a line on standard error. */
int store_check_uri (const char *uri);

/* --annotate and --append: stores @report, all or nothing; 0, or the exit
 * status after a line on standard error. */
int store_one_report (const char *uri, NdrparseReport *report, const char *file);

#endif
