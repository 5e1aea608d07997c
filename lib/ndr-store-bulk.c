/* ndr-store-bulk.c - a batch's writes, many rows at a time.
 *
 * A batch writes its events, locks and reads the addresses they move,
 * and writes those back.  On SQLite, in-process, a statement a row
 * costs nothing but the statement; on PostgreSQL each statement is a
 * round trip to the server, so there each step is one statement over
 * arrays (unnest, = ANY), and a batch of any size takes four round trips.
 * Which way a dialect goes is whether ndr-store-sql.c gives it the
 * *_MANY statement.
 */
#include <string.h>

#include "ndr-store.h"

static gboolean
has_many (NdrparseStore *store, NdrSqlStatement statement)
{
	return _ndr_store_sql (statement, store->backend->klass->dialect) != NULL;
}

/* ---- array parameters (PostgreSQL's text form of an array) ---- */

static void
array_add (GString *array, const char *value)
{
	g_string_append_c (array, array->len == 0 ? '{' : ',');
	if (value == NULL) {
		g_string_append (array, "NULL");
		return;
	}
	g_string_append_c (array, '"');
	for (const char *p = value; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c (array, '\\');
		g_string_append_c (array, *p);
	}
	g_string_append_c (array, '"');
}

static void
arrays_init (GString **arrays, guint n)
{
	for (guint i = 0; i < n; i++)
		arrays[i] = g_string_new (NULL);
}

/* Closes each array ("{}" when empty) into @params; frees them with arrays_free(). */
static void
arrays_close (GString **arrays, const char **params, guint n)
{
	for (guint i = 0; i < n; i++) {
		g_string_append (arrays[i], arrays[i]->len == 0 ? "{}" : "}");
		params[i] = arrays[i]->str;
	}
}

static void
arrays_free (GString **arrays, guint n)
{
	for (guint i = 0; i < n; i++)
		g_string_free (arrays[i], TRUE);
}

/* ---- events ---- */

#define EVENT_COLUMNS 14

/* The parameters of @e, in the order of ndr_events' columns; @buf holds
 * the numbers written out. */
static void
event_params (const NdrStoreEvent *e, gint64 now, char buf[4][24], const char *params[EVENT_COLUMNS])
{
	g_snprintf (buf[0], 24, "%" G_GINT64_FORMAT, e->time);
	g_snprintf (buf[1], 24, "%" G_GINT64_FORMAT, now);
	g_snprintf (buf[2], 24, "%u", e->reply_code);
	g_snprintf (buf[3], 24, "%" G_GINT64_FORMAT, e->index);
	const char *p[EVENT_COLUMNS] = {
		e->key, e->address, e->domain, buf[0], buf[1], ndrparse_event_class_get_name (e->event_class),
		ndrparse_reason_get_name (e->reason), e->action, e->status, e->reply_code ? buf[2] : NULL,
		e->remote_mta, e->message_id, e->source, e->index >= 0 ? buf[3] : NULL,
	};
	memcpy (params, p, sizeof p);
}

static gboolean
row_new_key (const char *const *columns, guint n, gpointer data)
{
	if (n > 0 && columns[0])
		g_hash_table_add (data, g_strdup (columns[0]));
	return TRUE;
}

static gboolean
insert_events_many (NdrparseStore *store, GArray *events, gint64 now, gboolean *inserted, GError **error)
{
	GString *arrays[EVENT_COLUMNS];
	const char *params[EVENT_COLUMNS];
	char buf[4][24];
	arrays_init (arrays, EVENT_COLUMNS);
	for (guint i = 0; i < events->len; i++) {
		event_params (&g_array_index (events, NdrStoreEvent, i), now, buf, params);
		for (guint c = 0; c < EVENT_COLUMNS; c++)
			array_add (arrays[c], params[c]);
	}
	arrays_close (arrays, params, EVENT_COLUMNS);
	GHashTable *new_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	gboolean ok = _ndr_store_query (store, NDR_SQL_EVENT_INSERT_MANY, params, EVENT_COLUMNS, row_new_key, new_keys,
					NULL, error);
	arrays_free (arrays, EVENT_COLUMNS);
	/* A key the batch holds twice was inserted once: by its first. */
	for (guint i = 0; ok && i < events->len; i++)
		inserted[i] = g_hash_table_remove (new_keys, g_array_index (events, NdrStoreEvent, i).key);
	g_hash_table_unref (new_keys);
	return ok;
}

gboolean
_ndr_store_insert_events (NdrparseStore *store, GArray *events, gint64 now, gboolean *inserted, GError **error)
{
	if (has_many (store, NDR_SQL_EVENT_INSERT_MANY))
		return insert_events_many (store, events, now, inserted, error);
	for (guint i = 0; i < events->len; i++) {
		const char *params[EVENT_COLUMNS];
		char buf[4][24];
		guint64 changes = 0;
		event_params (&g_array_index (events, NdrStoreEvent, i), now, buf, params);
		if (!_ndr_store_query (store, NDR_SQL_EVENT_INSERT, params, EVENT_COLUMNS, NULL, NULL, &changes, error))
			return FALSE;
		inserted[i] = changes > 0;
	}
	return TRUE;
}

/* ---- addresses ---- */

static gboolean
row_address_many (const char *const *columns, guint n, gpointer data)
{
	GHashTable *rows = data;
	NdrStoreAddress *a = g_new (NdrStoreAddress, 1);
	_ndr_store_address_from_row (a, columns, n);
	g_hash_table_replace (rows, a->address, a);
	return TRUE;
}

static void
address_row_free (gpointer a)
{
	_ndr_store_address_clear (a);
	g_free (a);
}

static void
address_fresh (NdrStoreAddress *a, const char *address)
{
	const char *at = strrchr (address, '@');
	memset (a, 0, sizeof *a);
	a->address = g_strdup (address);
	a->domain = g_strdup (at ? at + 1 : "");
	a->state = NDRPARSE_ADDRESS_STATE_ACTIVE;
}

static gboolean
get_addresses_many (NdrparseStore *store, const char *const *addresses, guint n, NdrStoreAddress *rows,
		    gboolean *found, GError **error)
{
	GString *array = g_string_new (NULL);
	for (guint i = 0; i < n; i++)
		array_add (array, addresses[i]);
	const char *params[1];
	arrays_close (&array, params, 1);
	GHashTable *read = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, address_row_free);
	/* The lock first: a row lock cannot hold an address not yet stored,
	 * which two writers would then each write as new. */
	gboolean ok = (!has_many (store, NDR_SQL_ADDRESS_LOCK_MANY) ||
		       _ndr_store_query (store, NDR_SQL_ADDRESS_LOCK_MANY, params, 1, NULL, NULL, NULL, error)) &&
		      _ndr_store_query (store, NDR_SQL_ADDRESS_GET_MANY_FOR_UPDATE, params, 1, row_address_many, read,
					NULL, error);
	g_string_free (array, TRUE);
	for (guint i = 0; ok && i < n; i++) {
		NdrStoreAddress *a = g_hash_table_lookup (read, addresses[i]);
		found[i] = a != NULL;
		if (a) {
			rows[i] = *a;
			memset (a, 0, sizeof *a);       /* taken: the table frees an empty row */
		} else {
			address_fresh (&rows[i], addresses[i]);
		}
	}
	g_hash_table_unref (read);
	return ok;
}

gboolean
_ndr_store_get_addresses (NdrparseStore *store, const char *const *addresses, guint n, NdrStoreAddress *rows,
			  gboolean *found, GError **error)
{
	if (n == 0)
		return TRUE;
	if (has_many (store, NDR_SQL_ADDRESS_GET_MANY_FOR_UPDATE))
		return get_addresses_many (store, addresses, n, rows, found, error);
	for (guint i = 0; i < n; i++)
		if (!_ndr_store_address_get (store, addresses[i], TRUE, &rows[i], &found[i], error))
			return FALSE;
	return TRUE;
}

gboolean
_ndr_store_put_addresses (NdrparseStore *store, NdrStoreAddress *const *rows, guint n, GError **error)
{
	if (n == 0)
		return TRUE;
	if (!has_many (store, NDR_SQL_ADDRESS_PUT_MANY)) {
		for (guint i = 0; i < n; i++)
			if (!_ndr_store_address_put (store, rows[i], error))
				return FALSE;
		return TRUE;
	}
	GString *arrays[NDR_STORE_ADDRESS_COLUMNS];
	const char *params[NDR_STORE_ADDRESS_COLUMNS];
	char buf[5][G_ASCII_DTOSTR_BUF_SIZE];
	arrays_init (arrays, NDR_STORE_ADDRESS_COLUMNS);
	for (guint i = 0; i < n; i++) {
		_ndr_store_address_params (rows[i], buf, params);
		for (guint c = 0; c < NDR_STORE_ADDRESS_COLUMNS; c++)
			array_add (arrays[c], params[c]);
	}
	arrays_close (arrays, params, NDR_STORE_ADDRESS_COLUMNS);
	gboolean ok = _ndr_store_query (store, NDR_SQL_ADDRESS_PUT_MANY, params, NDR_STORE_ADDRESS_COLUMNS, NULL, NULL,
					NULL, error);
	arrays_free (arrays, NDR_STORE_ADDRESS_COLUMNS);
	return ok;
}
