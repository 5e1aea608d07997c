/* ndr-store-pg.c - the store in a PostgreSQL database, for many sending
 * hosts that share one suppression list.
 *
 * Statements are prepared once per connection and run with text
 * parameters.  Concurrent writers are kept apart by the transactions
 * themselves: an address is read FOR UPDATE before the policy moves it,
 * so two hosts bouncing the same address queue on its row; a deadlock or
 * serialisation failure (SQLSTATE 40P01, 40001) is a lost race the caller
 * retries whole.  A server that cannot be reached, or a connection lost
 * (class 08), is NDRPARSE_STORE_ERROR_UNAVAILABLE; a full disk (class 53)
 * NDRPARSE_STORE_ERROR_FULL.
 */
#include <string.h>

#include <libpq-fe.h>

#include "ndr-dl.h"
#include "ndr-store.h"

/* libpq, opened on the first PostgreSQL store (ndr-dl.h).  Its SONAME
 * comes from the build (the library CMake found). */
#define PQ_FUNCTIONS(F) \
	F (PQclear) F (PQcmdTuples) F (PQconnectdb) F (PQconninfoFree) F (PQconninfoParse) \
	F (PQerrorMessage) F (PQexec) F (PQexecPrepared) F (PQfinish) F (PQfreemem) \
	F (PQgetisnull) F (PQgetvalue) F (PQnfields) F (PQntuples) F (PQprepare) \
	F (PQresultErrorField) F (PQresultErrorMessage) F (PQresultStatus) \
	F (PQsetNoticeProcessor) F (PQstatus) F (PQtransactionStatus)

#define PQ_OFFSET(name) NDR_DL_OFFSET (PqTable, name)
NDR_DL_LIBRARY (PqTable, pq, libpq, PQ_FUNCTIONS, PQ_OFFSET, NDR_LIBPQ_SONAME, "PostgreSQL's client library");

typedef struct {
	NdrStoreBackend parent;
	PGconn *conn;
	gboolean prepared[NDR_SQL_N_STATEMENTS];
	char last_sqlstate[6];
} PgBackend;

static NdrparseStoreError
error_code (const char *sqlstate)
{
	if (sqlstate == NULL)
		return NDRPARSE_STORE_ERROR_UNAVAILABLE;        /* no answer: the connection went */
	if (g_str_has_prefix (sqlstate, "08") || g_str_has_prefix (sqlstate, "57P"))
		return NDRPARSE_STORE_ERROR_UNAVAILABLE;        /* connection, shutdown */
	if (strcmp (sqlstate, "40001") == 0 || strcmp (sqlstate, "40P01") == 0 ||
	    strcmp (sqlstate, "55P03") == 0)
		return NDRPARSE_STORE_ERROR_UNAVAILABLE;        /* lost a race: retried */
	if (g_str_has_prefix (sqlstate, "53"))
		return NDRPARSE_STORE_ERROR_FULL;               /* insufficient resources */
	if (g_str_has_prefix (sqlstate, "XX"))
		return NDRPARSE_STORE_ERROR_CORRUPT;            /* data corrupted, index corrupted */
	return NDRPARSE_STORE_ERROR_FAILED;
}

/* libpq's messages end in a newline, and may hold several lines. */
static char *
one_line (const char *message)
{
	char *line = g_strdup (message && *message ? message : "no answer from the server");
	g_strstrip (line);
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return line;
}

static gboolean
result_ok (PgBackend *b, PGresult *res, GError **error)
{
	ExecStatusType st = res ? pq.PQresultStatus (res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return TRUE;
	const char *sqlstate = res ? pq.PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
	g_strlcpy (b->last_sqlstate, sqlstate ? sqlstate : "", sizeof b->last_sqlstate);
	char *why = one_line (res ? pq.PQresultErrorMessage (res) : pq.PQerrorMessage (b->conn));
	if (pq.PQstatus (b->conn) == CONNECTION_BAD)
		sqlstate = NULL;
	_ndr_store_set_error (error, error_code (sqlstate), "PostgreSQL: %s", why);
	g_free (why);
	return FALSE;
}

static char *
statement_name (NdrSqlStatement id)
{
	return g_strdup_printf ("ndr_%d", (int) id);
}

static gboolean
prepare (PgBackend *b, NdrSqlStatement id, GError **error)
{
	if (b->prepared[id])
		return TRUE;
	char *name = statement_name (id);
	PGresult *res = pq.PQprepare (b->conn, name, _ndr_store_sql (id, NDR_DIALECT_POSTGRESQL), 0, NULL);
	g_free (name);
	gboolean ok = result_ok (b, res, error);
	pq.PQclear (res);
	b->prepared[id] = ok;
	return ok;
}

static gboolean
pg_query (NdrStoreBackend *backend, NdrSqlStatement id, const char *const *params, guint n_params,
	  NdrRowFunc row, gpointer data, guint64 *changes, GError **error)
{
	PgBackend *b = (PgBackend *) backend;
	if (!prepare (b, id, error))
		return FALSE;
	char *name = statement_name (id);
	PGresult *res = pq.PQexecPrepared (b->conn, name, (int) n_params, params, NULL, NULL, 0);
	g_free (name);
	if (!result_ok (b, res, error)) {
		pq.PQclear (res);
		return FALSE;
	}
	int n_rows = pq.PQntuples (res), n_columns = pq.PQnfields (res);
	const char *columns[16];
	g_assert (n_columns <= (int) G_N_ELEMENTS (columns));
	for (int r = 0; row && r < n_rows; r++) {
		for (int c = 0; c < n_columns; c++)
			columns[c] = pq.PQgetisnull (res, r, c) ? NULL : pq.PQgetvalue (res, r, c);
		if (!row (columns, (guint) n_columns, data))
			break;
	}
	if (changes) {
		const char *tuples = pq.PQcmdTuples (res);
		*changes = tuples && *tuples ? g_ascii_strtoull (tuples, NULL, 10) : 0;
	}
	pq.PQclear (res);
	return TRUE;
}

static gboolean
pg_script (NdrStoreBackend *backend, const char *sql, GError **error)
{
	PgBackend *b = (PgBackend *) backend;
	PGresult *res = pq.PQexec (b->conn, sql);
	gboolean ok = result_ok (b, res, error);
	pq.PQclear (res);
	return ok;
}

static gboolean
pg_begin (NdrStoreBackend *backend, gboolean write, GError **error)
{
	(void) write;
	return pg_script (backend, "BEGIN", error);
}

static gboolean
pg_commit (NdrStoreBackend *backend, GError **error)
{
	return pg_script (backend, "COMMIT", error);
}

static void
pg_rollback (NdrStoreBackend *backend)
{
	PgBackend *b = (PgBackend *) backend;
	if (pq.PQstatus (b->conn) == CONNECTION_OK && pq.PQtransactionStatus (b->conn) != PQTRANS_IDLE)
		pq.PQclear (pq.PQexec (b->conn, "ROLLBACK"));
}

static gboolean
pg_is_retryable (NdrStoreBackend *backend, const GError *error)
{
	PgBackend *b = (PgBackend *) backend;
	(void) error;
	return pq.PQstatus (b->conn) == CONNECTION_OK &&
	       (strcmp (b->last_sqlstate, "40001") == 0 || strcmp (b->last_sqlstate, "40P01") == 0);
}

static void
pg_close (NdrStoreBackend *backend)
{
	PgBackend *b = (PgBackend *) backend;
	pq.PQfinish (b->conn);
	g_free (b);
}

static const NdrStoreBackendClass pg_class = {
	.name = "postgresql",
	.dialect = NDR_DIALECT_POSTGRESQL,
	.query = pg_query,
	.script = pg_script,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.is_retryable = pg_is_retryable,
	.close = pg_close,
};

/* Server notices (a table that exists, an index made) are not for the
 * user of a mail filter. */
static void
quiet_notices (void *arg, const char *message)
{
	(void) arg;
	(void) message;
}

NdrStoreBackend *
_ndr_store_pg_open (const char *conninfo, GError **error)
{
	const char *unloadable = _ndr_dl_bind (&libpq);
	if (unloadable) {
		_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_CANNOT_OPEN, "PostgreSQL: %s", unloadable);
		return NULL;
	}
	PgBackend *b = g_new0 (PgBackend, 1);
	b->parent.klass = &pg_class;
	char *options = NULL;
	PQconninfoOption *parsed = pq.PQconninfoParse (conninfo, &options);
	if (parsed == NULL) {
		char *why = one_line (options ? options : "cannot read the URI");
		_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_INVALID_URI, "PostgreSQL: %s", why);
		g_free (why);
		pq.PQfreemem (options);
		g_free (b);
		return NULL;
	}
	pq.PQconninfoFree (parsed);
	b->conn = pq.PQconnectdb (conninfo);
	if (pq.PQstatus (b->conn) != CONNECTION_OK) {
		char *why = one_line (pq.PQerrorMessage (b->conn));
		_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_UNAVAILABLE, "PostgreSQL: %s", why);
		g_free (why);
		pg_close (&b->parent);
		return NULL;
	}
	pq.PQsetNoticeProcessor (b->conn, quiet_notices, NULL);
	if (!pg_script (&b->parent, "SET client_min_messages = warning; SET TIME ZONE 'UTC'", error)) {
		pg_close (&b->parent);
		return NULL;
	}
	return &b->parent;
}
