/* ndr-store-read.c - what a store says: one address, the addresses of a
 * state, and counts of events.
 */
#include <string.h>

#include "ndr-store.h"

NdrparseAddressStatus *
ndrparse_store_check (NdrparseStore *store, const char *address, GError **error)
{
	g_return_val_if_fail (store != NULL, NULL);
	char *normal = _ndr_store_normalize_address (address, error);
	if (normal == NULL)
		return NULL;
	NdrStoreAddress a;
	gboolean found;
	gboolean ok = _ndr_store_address_get (store, normal, FALSE, &a, &found, error);
	g_free (normal);
	if (!ok)
		return NULL;
	_ndr_store_policy_decay (&store->policy, &a, g_get_real_time () / G_USEC_PER_SEC);
	return _ndr_address_status_new (&a, found);
}

typedef struct {
	NdrparseAddressFunc func;
	gpointer user_data;
} AddressWalk;

static gboolean
row_each_address (const char *const *columns, guint n, gpointer data)
{
	AddressWalk *walk = data;
	NdrStoreAddress a;
	_ndr_store_address_from_row (&a, columns, n);
	NdrparseAddressStatus *status = _ndr_address_status_new (&a, TRUE);
	gboolean go_on = walk->func (status, walk->user_data);
	ndrparse_address_status_unref (status);
	return go_on;
}

gboolean
ndrparse_store_foreach_address (NdrparseStore *store, NdrparseAddressState state, NdrparseAddressFunc func,
				gpointer user_data, GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (func != NULL, FALSE);
	AddressWalk walk = { func, user_data };
	if (state == NDRPARSE_ADDRESS_STATE_ANY)
		return _ndr_store_query (store, NDR_SQL_ADDRESS_LIST, NULL, 0, row_each_address, &walk, NULL, error);
	const char *params[1] = { ndrparse_address_state_get_name (state) };
	return _ndr_store_query (store, NDR_SQL_ADDRESS_LIST_STATE, params, 1, row_each_address, &walk, NULL, error);
}

typedef struct {
	NdrparseStatsFunc func;
	gpointer user_data;
} StatsWalk;

static gboolean
row_each_stat (const char *const *columns, guint n, gpointer data)
{
	StatsWalk *walk = data;
	NdrparseEventClass event_class;
	if (n < 3 || !ndrparse_event_class_from_name (columns[1], &event_class))
		return TRUE;    /* a class a newer ndrparse wrote: not ours to count */
	guint64 count = columns[2] ? g_ascii_strtoull (columns[2], NULL, 10) : 0;
	return walk->func (columns[0] ? columns[0] : "", event_class, count, walk->user_data);
}

gboolean
ndrparse_store_foreach_stat (NdrparseStore *store, NdrparseStatsKey by, gint64 since, gint64 until,
			     NdrparseStatsFunc func, gpointer user_data, GError **error)
{
	static const NdrSqlStatement statements[] = {
		[NDRPARSE_STATS_BY_REASON] = NDR_SQL_STATS_REASON,
		[NDRPARSE_STATS_BY_DOMAIN] = NDR_SQL_STATS_DOMAIN,
		[NDRPARSE_STATS_BY_DAY] = NDR_SQL_STATS_DAY,
		[NDRPARSE_STATS_BY_CLASS] = NDR_SQL_STATS_CLASS,
	};
	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail ((guint) by < G_N_ELEMENTS (statements), FALSE);
	g_return_val_if_fail (func != NULL, FALSE);
	char from[24], to[24];
	g_snprintf (from, sizeof from, "%" G_GINT64_FORMAT, since);
	g_snprintf (to, sizeof to, "%" G_GINT64_FORMAT, until > 0 ? until : G_MAXINT64);
	const char *params[2] = { from, to };
	StatsWalk walk = { func, user_data };
	return _ndr_store_query (store, statements[by], params, 2, row_each_stat, &walk, NULL, error);
}
