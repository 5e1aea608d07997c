/* ndr-store.c - opening a suppression store: its URI, its schema and
 * migrations, its policy, and the write transaction every change runs in.
 * Adding reports is ndr-store-write.c; reading addresses and counts,
 * ndr-store-read.c.
 */
#include <stdarg.h>
#include <string.h>

#include "ndr-store.h"

G_DEFINE_QUARK (ndrparse-store-error-quark, ndrparse_store_error)

/* How often a transaction that lost a race is run again, and how long
 * to wait before the first retry (doubling each time). */
#define WRITE_ATTEMPTS 8
#define RETRY_FIRST_WAIT_USEC 2000

void
_ndr_store_set_error (GError **error, NdrparseStoreError code, const char *format, ...)
{
	if (error == NULL)
		return;
	va_list args;
	va_start (args, format);
	char *message = g_strdup_vprintf (format, args);
	va_end (args);
	g_set_error_literal (error, NDRPARSE_STORE_ERROR, code, message);
	g_free (message);
}

gboolean
_ndr_store_query (NdrparseStore *store, NdrSqlStatement statement, const char *const *params, guint n_params,
		  NdrRowFunc row, gpointer data, guint64 *changes, GError **error)
{
	return store->backend->klass->query (store->backend, statement, params, n_params, row, data, changes,
					     error);
}

/* ---- the URI ---- */

typedef enum { URI_SQLITE, URI_POSTGRESQL, URI_UNKNOWN } UriKind;

/* The scheme's length when @uri starts with one ("name:"), else 0; a
 * plain path ("./a:b", "/x/y") has none. */
static gsize
scheme_length (const char *uri)
{
	if (!g_ascii_isalpha (uri[0]))
		return 0;
	gsize n = 1;
	while (g_ascii_isalnum (uri[n]) || uri[n] == '+' || uri[n] == '-' || uri[n] == '.')
		n++;
	return uri[n] == ':' ? n : 0;
}

static UriKind
uri_kind (const char *uri, const char **rest)
{
	gsize n = scheme_length (uri);
	*rest = uri;
	if (n == 0)
		return URI_SQLITE;
	if (n == 6 && g_ascii_strncasecmp (uri, "sqlite", 6) == 0) {
		*rest = uri + 7;
		/* sqlite:///var/lib/x.db, as URIs write an absolute path */
		if (g_str_has_prefix (*rest, "//"))
			*rest += 2;
		return URI_SQLITE;
	}
	if ((n == 10 && g_ascii_strncasecmp (uri, "postgresql", 10) == 0) ||
	    (n == 8 && g_ascii_strncasecmp (uri, "postgres", 8) == 0))
		return URI_POSTGRESQL;
	return URI_UNKNOWN;
}

/* @uri with its password (user:PASSWORD@, password=...) as "***". */
static char *
uri_for_display (const char *uri)
{
	GString *out = g_string_new (uri);
	const char *authority = strstr (out->str, "://");
	if (authority) {
		gsize start = (gsize) (authority - out->str) + 3;
		gsize end = start + strcspn (out->str + start, "/?#");
		const char *at = g_strstr_len (out->str + start, (gssize) (end - start), "@");
		const char *colon = at ? g_strstr_len (out->str + start, at - (out->str + start), ":") : NULL;
		if (colon) {
			gsize from = (gsize) (colon - out->str) + 1, len = (gsize) (at - colon) - 1;
			g_string_erase (out, (gssize) from, (gssize) len);
			g_string_insert (out, (gssize) from, "***");
		}
	}
	char *password = strstr (out->str, "password=");
	if (password) {
		gsize from = (gsize) (password - out->str) + 9;
		gsize len = strcspn (out->str + from, "& ");
		g_string_erase (out, (gssize) from, (gssize) len);
		g_string_insert (out, (gssize) from, "***");
	}
	return g_string_free (out, FALSE);
}

static NdrStoreBackend *
backend_open (const char *uri, GError **error)
{
	const char *rest;
	switch (uri_kind (uri, &rest)) {
	case URI_SQLITE:
		if (*rest == '\0') {
			_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_INVALID_URI, "'%s': no file name", uri);
			return NULL;
		}
		return _ndr_store_sqlite_open (rest, error);
	case URI_POSTGRESQL:
		return _ndr_store_pg_open (uri, error);
	default: {
		char *shown = uri_for_display (uri);
		_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_INVALID_URI,
				      "'%s': not a store URI (sqlite:PATH or postgresql://...)", shown);
		g_free (shown);
		return NULL;
	}
	}
}

/* ---- the schema ---- */

static gboolean
row_seen (const char *const *columns, guint n, gpointer data)
{
	(void) columns;
	(void) n;
	*(gboolean *) data = TRUE;
	return TRUE;
}

static gboolean
row_version (const char *const *columns, guint n, gpointer data)
{
	*(guint *) data = n > 0 && columns[0] ? (guint) g_ascii_strtoull (columns[0], NULL, 10) : 0;
	return TRUE;
}

/* The store's schema version; 0 for a database without one. */
static gboolean
read_version (NdrparseStore *store, guint *version, GError **error)
{
	gboolean exists = FALSE;
	*version = 0;
	if (!_ndr_store_query (store, NDR_SQL_SCHEMA_VERSION_TABLE, NULL, 0, row_seen, &exists, NULL, error))
		return FALSE;
	return !exists || _ndr_store_query (store, NDR_SQL_SCHEMA_VERSION, NULL, 0, row_version, version, NULL,
					    error);
}

static gboolean
too_new (NdrparseStore *store, guint version, GError **error)
{
	if (version <= NDRPARSE_STORE_SCHEMA_VERSION)
		return FALSE;
	_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_SCHEMA_TOO_NEW,
			      "%s: the store's schema is version %u, newer than this ndrparse's %u; "
			      "left as it is", store->uri, version, NDRPARSE_STORE_SCHEMA_VERSION);
	return TRUE;
}

static gboolean
migrate (NdrparseStore *store, gpointer data, GError **error)
{
	(void) data;
	guint version;
	if (!_ndr_store_query (store, NDR_SQL_SCHEMA_LOCK, NULL, 0, NULL, NULL, NULL, error) ||
	    !read_version (store, &version, error) || too_new (store, version, error))
		return FALSE;
	for (; version < NDRPARSE_STORE_SCHEMA_VERSION; version++) {
		const char *script = _ndr_store_migration (version + 1, store->backend->klass->dialect);
		if (!store->backend->klass->script (store->backend, script, error))
			return FALSE;
	}
	store->schema_version = version;
	return TRUE;
}

/* Most opens find the schema current and only read. */
static gboolean
ensure_schema (NdrparseStore *store, GError **error)
{
	guint version;
	if (!read_version (store, &version, error) || too_new (store, version, error))
		return FALSE;
	if (version == NDRPARSE_STORE_SCHEMA_VERSION) {
		store->schema_version = version;
		return TRUE;
	}
	return _ndr_store_write (store, migrate, NULL, error);
}

/* ---- the policy ---- */

static gboolean
row_policy (const char *const *columns, guint n, gpointer data)
{
	gpointer *args = data;
	GError **error = args[1];
	if (n < 2 || *error)
		return FALSE;
	return _ndr_store_policy_set (args[0], columns[0], columns[1], error);
}

gboolean
_ndr_store_load_policy (NdrparseStore *store, GError **error)
{
	NdrStorePolicy policy;
	GError *bad = NULL;
	gpointer args[2] = { &policy, &bad };
	_ndr_store_policy_defaults (&policy);
	if (!_ndr_store_query (store, NDR_SQL_POLICY_GET, NULL, 0, row_policy, args, NULL, error))
		return FALSE;
	if (bad) {
		_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_INVALID_POLICY, "%s: the store's policy: %s",
				      store->uri, bad->message);
		g_error_free (bad);
		return FALSE;
	}
	store->policy = policy;
	return TRUE;
}

typedef struct {
	const char *key;
	char *value;
} PolicyLookup;

static gboolean
row_policy_value (const char *const *columns, guint n, gpointer data)
{
	PolicyLookup *lookup = data;
	if (n >= 2 && columns[0] && strcmp (columns[0], lookup->key) == 0) {
		lookup->value = g_strdup (columns[1]);
		return FALSE;
	}
	return TRUE;
}

char *
ndrparse_store_get_policy (NdrparseStore *store, const char *key)
{
	g_return_val_if_fail (store != NULL, NULL);
	const char *fallback = ndrparse_store_policy_get_default (key);
	if (fallback == NULL)
		return NULL;
	PolicyLookup lookup = { key, NULL };
	/* A store that cannot be read has no other value to give. */
	_ndr_store_query (store, NDR_SQL_POLICY_GET, NULL, 0, row_policy_value, &lookup, NULL, NULL);
	return lookup.value ? lookup.value : g_strdup (fallback);
}

typedef struct {
	const char *key, *value;
} PolicyChange;

static gboolean
put_policy (NdrparseStore *store, gpointer data, GError **error)
{
	PolicyChange *change = data;
	const char *params[2] = { change->key, change->value };
	if (change->value == NULL)
		return _ndr_store_query (store, NDR_SQL_POLICY_DELETE, params, 1, NULL, NULL, NULL, error);
	return _ndr_store_query (store, NDR_SQL_POLICY_PUT, params, 2, NULL, NULL, NULL, error);
}

gboolean
ndrparse_store_set_policy (NdrparseStore *store, const char *key, const char *value, GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);
	NdrStorePolicy check = store->policy;
	if (!_ndr_store_policy_set (&check, key, value, error))
		return FALSE;
	PolicyChange change = { key, value };
	if (!_ndr_store_write (store, put_policy, &change, error))
		return FALSE;
	return _ndr_store_load_policy (store, error);
}

/* ---- transactions ---- */

gboolean
_ndr_store_write (NdrparseStore *store, NdrStoreWork work, gpointer data, GError **error)
{
	const NdrStoreBackendClass *klass = store->backend->klass;
	gulong wait = RETRY_FIRST_WAIT_USEC;
	for (guint attempt = 1;; attempt++) {
		GError *failure = NULL;
		if (klass->begin (store->backend, TRUE, &failure) && work (store, data, &failure) &&
		    klass->commit (store->backend, &failure))
			return TRUE;
		klass->rollback (store->backend);
		if (attempt == WRITE_ATTEMPTS || !klass->is_retryable (store->backend, failure)) {
			g_propagate_error (error, failure);
			return FALSE;
		}
		g_error_free (failure);
		g_usleep (wait + g_random_int_range (0, (gint32) wait));
		wait *= 2;
	}
}

/* ---- opening and closing ---- */

NdrparseStore *
ndrparse_store_open (const char *uri, GError **error)
{
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);
	if (uri == NULL || *uri == '\0') {
		_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_INVALID_URI, "no store URI");
		return NULL;
	}
	NdrStoreBackend *backend = backend_open (uri, error);
	if (backend == NULL)
		return NULL;
	NdrparseStore *store = g_new0 (NdrparseStore, 1);
	store->ref_count = 1;
	store->backend = backend;
	store->uri = uri_for_display (uri);
	store->pending = g_array_new (FALSE, FALSE, sizeof (NdrStoreEvent));
	store->pending_hand = g_ptr_array_new_with_free_func (_ndr_store_hand_change_free);
	_ndr_store_policy_defaults (&store->policy);
	if (!ensure_schema (store, error) || !_ndr_store_load_policy (store, error)) {
		ndrparse_store_unref (store);
		return NULL;
	}
	return store;
}

NdrparseStore *
ndrparse_store_ref (NdrparseStore *store)
{
	g_return_val_if_fail (store != NULL, NULL);
	g_atomic_int_inc (&store->ref_count);
	return store;
}

void
_ndr_store_discard_pending (NdrparseStore *store)
{
	for (guint i = 0; i < store->pending->len; i++)
		_ndr_store_event_clear (&g_array_index (store->pending, NdrStoreEvent, i));
	g_array_set_size (store->pending, 0);
	g_ptr_array_set_size (store->pending_hand, 0);
}

void
ndrparse_store_unref (NdrparseStore *store)
{
	if (store == NULL || !g_atomic_int_dec_and_test (&store->ref_count))
		return;
	_ndr_store_discard_pending (store);
	g_array_unref (store->pending);
	g_ptr_array_unref (store->pending_hand);
	store->backend->klass->close (store->backend);
	g_free (store->uri);
	g_free (store);
}

const char *
ndrparse_store_get_uri (const NdrparseStore *store)
{
	g_return_val_if_fail (store != NULL, NULL);
	return store->uri;
}

const char *
ndrparse_store_get_backend (const NdrparseStore *store)
{
	g_return_val_if_fail (store != NULL, NULL);
	return store->backend->klass->name;
}

guint
ndrparse_store_get_schema_version (const NdrparseStore *store)
{
	g_return_val_if_fail (store != NULL, 0);
	return store->schema_version;
}
