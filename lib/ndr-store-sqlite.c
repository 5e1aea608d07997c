/* ndr-store-sqlite.c - the store in an SQLite file.
 *
 * Many processes write one file at once (procmail delivers in parallel):
 * the file is in WAL mode, so readers never wait for the writer, and a
 * writer that finds another at work waits for it (the busy timeout)
 * rather than failing with "database is locked".  Writes take the write
 * lock when their transaction begins (BEGIN IMMEDIATE): a transaction
 * that read first and then asked to write could only be refused, never
 * made to wait.  synchronous=NORMAL in WAL mode keeps every commit when
 * a process is killed (the WAL reaches the kernel at commit) and costs
 * no fsync per commit; a power cut may lose the last commits, never
 * the file.
 */
#include <errno.h>
#include <string.h>

#include <sqlite3.h>

#include "ndr-dl.h"
#include "ndr-store.h"

/* SQLite, opened on the first SQLite store (ndr-dl.h).  Its SONAME comes
 * from the build (the library CMake found). */
#define SQ_FUNCTIONS(F) \
	F (sqlite3_bind_text) F (sqlite3_busy_timeout) F (sqlite3_changes64) F (sqlite3_clear_bindings) \
	F (sqlite3_close) F (sqlite3_column_count) F (sqlite3_column_text) F (sqlite3_errmsg) \
	F (sqlite3_errstr) F (sqlite3_exec) F (sqlite3_extended_result_codes) F (sqlite3_finalize) \
	F (sqlite3_get_autocommit) F (sqlite3_open_v2) F (sqlite3_prepare_v3) F (sqlite3_reset) \
	F (sqlite3_step) F (sqlite3_system_errno)

#define SQ_OFFSET(name) NDR_DL_OFFSET (SqTable, name)
NDR_DL_LIBRARY (SqTable, sq, libsqlite, SQ_FUNCTIONS, SQ_OFFSET, NDR_SQLITE_SONAME, "SQLite");

/* How long a writer waits for the others before the store is reported
 * unavailable. */
#define BUSY_TIMEOUT_MS (60 * 1000)

typedef struct {
	NdrStoreBackend parent;
	sqlite3 *db;
	char *path;
	sqlite3_stmt *statements[NDR_SQL_N_STATEMENTS];
	int last_error;                 /* the extended code of the last failure */
} SqliteBackend;

static NdrparseStoreError
error_code (SqliteBackend *b, int rc)
{
	int system_errno = sq.sqlite3_system_errno (b->db);
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return NDRPARSE_STORE_ERROR_FULL;
	case SQLITE_IOERR:
		/* A write cut short: ENOSPC, a quota, the ulimit -f limit. */
		if (system_errno == ENOSPC || system_errno == EDQUOT || system_errno == EFBIG)
			return NDRPARSE_STORE_ERROR_FULL;
		return NDRPARSE_STORE_ERROR_FAILED;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return NDRPARSE_STORE_ERROR_UNAVAILABLE;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return NDRPARSE_STORE_ERROR_CORRUPT;
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_READONLY:
		return NDRPARSE_STORE_ERROR_CANNOT_OPEN;
	default:
		return NDRPARSE_STORE_ERROR_FAILED;
	}
}

static void
set_error (SqliteBackend *b, GError **error, int rc)
{
	b->last_error = rc;
	const char *why = b->db ? sq.sqlite3_errmsg (b->db) : sq.sqlite3_errstr (rc);
	int system_errno = b->db ? sq.sqlite3_system_errno (b->db) : 0;
	NdrparseStoreError code = b->db ? error_code (b, rc) : NDRPARSE_STORE_ERROR_CANNOT_OPEN;
	if (code == NDRPARSE_STORE_ERROR_FULL && system_errno)
		_ndr_store_set_error (error, code, "%s: %s (%s)", b->path, why, g_strerror (system_errno));
	else if (code == NDRPARSE_STORE_ERROR_CORRUPT)
		_ndr_store_set_error (error, code, "%s: not a store (%s)", b->path, why);
	else
		_ndr_store_set_error (error, code, "%s: %s", b->path, why);
}

/* $1, $2 ... as SQLite's ?1, ?2 ... */
static char *
sqlite_text (const char *sql)
{
	char *text = g_strdup (sql);
	for (char *p = text; *p; p++)
		if (*p == '$' && g_ascii_isdigit (p[1]))
			*p = '?';
	return text;
}

static sqlite3_stmt *
statement (SqliteBackend *b, NdrSqlStatement id, GError **error)
{
	if (b->statements[id])
		return b->statements[id];
	char *sql = sqlite_text (_ndr_store_sql (id, NDR_DIALECT_SQLITE));
	int rc = sq.sqlite3_prepare_v3 (b->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &b->statements[id], NULL);
	g_free (sql);
	if (rc != SQLITE_OK) {
		set_error (b, error, rc);
		return NULL;
	}
	return b->statements[id];
}

static gboolean
sqlite_query (NdrStoreBackend *backend, NdrSqlStatement id, const char *const *params, guint n_params,
	      NdrRowFunc row, gpointer data, guint64 *changes, GError **error)
{
	SqliteBackend *b = (SqliteBackend *) backend;
	sqlite3_stmt *st = statement (b, id, error);
	if (st == NULL)
		return FALSE;
	for (guint i = 0; i < n_params; i++)
		sq.sqlite3_bind_text (st, (int) i + 1, params[i], -1, SQLITE_STATIC);
	int rc;
	gboolean go_on = TRUE;
	while (go_on && (rc = sq.sqlite3_step (st)) == SQLITE_ROW) {
		if (row == NULL)
			continue;
		guint n = (guint) sq.sqlite3_column_count (st);
		const char *columns[16];
		g_assert (n <= G_N_ELEMENTS (columns));
		for (guint c = 0; c < n; c++)
			columns[c] = (const char *) sq.sqlite3_column_text (st, (int) c);
		go_on = row (columns, n, data);
	}
	if (!go_on)
		rc = SQLITE_DONE;
	if (rc != SQLITE_DONE) {
		set_error (b, error, rc);
		sq.sqlite3_reset (st);
		sq.sqlite3_clear_bindings (st);
		return FALSE;
	}
	if (changes)
		*changes = (guint64) sq.sqlite3_changes64 (b->db);
	sq.sqlite3_reset (st);
	sq.sqlite3_clear_bindings (st);
	return TRUE;
}

static gboolean
sqlite_script (NdrStoreBackend *backend, const char *sql, GError **error)
{
	SqliteBackend *b = (SqliteBackend *) backend;
	int rc = sq.sqlite3_exec (b->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		set_error (b, error, rc);
		return FALSE;
	}
	return TRUE;
}

static gboolean
sqlite_begin (NdrStoreBackend *backend, gboolean write, GError **error)
{
	return sqlite_script (backend, write ? "BEGIN IMMEDIATE" : "BEGIN", error);
}

static gboolean
sqlite_commit (NdrStoreBackend *backend, GError **error)
{
	return sqlite_script (backend, "COMMIT", error);
}

static void
sqlite_rollback (NdrStoreBackend *backend)
{
	SqliteBackend *b = (SqliteBackend *) backend;
	if (!sq.sqlite3_get_autocommit (b->db))
		sq.sqlite3_exec (b->db, "ROLLBACK", NULL, NULL, NULL);
}

/* A plain SQLITE_BUSY came after the busy timeout had waited for the
 * other writers: trying again would only wait as long again.  Worth
 * another go are the races the busy handler does not wait out: a WAL
 * another connection was recovering, a snapshot gone stale. */
static gboolean
sqlite_is_retryable (NdrStoreBackend *backend, const GError *error)
{
	SqliteBackend *b = (SqliteBackend *) backend;
	return g_error_matches (error, NDRPARSE_STORE_ERROR, NDRPARSE_STORE_ERROR_UNAVAILABLE) &&
	       (b->last_error == SQLITE_BUSY_RECOVERY || b->last_error == SQLITE_BUSY_SNAPSHOT);
}

static void
sqlite_close (NdrStoreBackend *backend)
{
	SqliteBackend *b = (SqliteBackend *) backend;
	for (guint i = 0; i < NDR_SQL_N_STATEMENTS; i++)
		sq.sqlite3_finalize (b->statements[i]);
	sq.sqlite3_close (b->db);
	g_free (b->path);
	g_free (b);
}

static const NdrStoreBackendClass sqlite_class = {
	.name = "sqlite",
	.dialect = NDR_DIALECT_SQLITE,
	.query = sqlite_query,
	.script = sqlite_script,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.is_retryable = sqlite_is_retryable,
	.close = sqlite_close,
};

/* WAL mode is a property of the file, set by whoever creates it; asking
 * again is a read.  A store on a file system without shared memory (NFS)
 * stays in its journal mode: slower, still correct. */
static gboolean
configure (SqliteBackend *b, GError **error)
{
	sq.sqlite3_busy_timeout (b->db, BUSY_TIMEOUT_MS);
	sq.sqlite3_extended_result_codes (b->db, 1);
	/* Turning a new file to WAL needs it alone for a moment: when many
	 * processes create one store at once, the ones that find another
	 * there wait and ask again, within the busy timeout. */
	gint64 give_up = g_get_monotonic_time () + (gint64) BUSY_TIMEOUT_MS * 1000;
	for (;;) {
		GError *busy = NULL;
		if (sqlite_script (&b->parent, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
					"PRAGMA foreign_keys = OFF", &busy))
			return TRUE;
		if (!g_error_matches (busy, NDRPARSE_STORE_ERROR, NDRPARSE_STORE_ERROR_UNAVAILABLE) ||
		    g_get_monotonic_time () > give_up) {
			g_propagate_error (error, busy);
			return FALSE;
		}
		g_error_free (busy);
		g_usleep (5000 + g_random_int_range (0, 5000));
	}
}

NdrStoreBackend *
_ndr_store_sqlite_open (const char *path, GError **error)
{
	const char *unloadable = _ndr_dl_bind (&libsqlite);
	if (unloadable) {
		_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_CANNOT_OPEN, "%s: %s", path, unloadable);
		return NULL;
	}
	SqliteBackend *b = g_new0 (SqliteBackend, 1);
	b->parent.klass = &sqlite_class;
	b->path = g_strdup (path);
	int rc = sq.sqlite3_open_v2 (path, &b->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				  NULL);
	if (rc != SQLITE_OK) {
		_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_CANNOT_OPEN, "%s: %s", path,
				      b->db ? sq.sqlite3_errmsg (b->db) : sq.sqlite3_errstr (rc));
		sqlite_close (&b->parent);
		return NULL;
	}
	if (!configure (b, error)) {
		sqlite_close (&b->parent);
		return NULL;
	}
	return &b->parent;
}
