/* ndr-store-write.c - adding reports to a store, in batches, and the
 * changes made by hand: suppress, unsuppress, prune.
 *
 * A batch is kept in memory until it is committed, then written in one
 * transaction; a transaction that loses a race is run again from the
 * batch, so a lost race never loses an event.  Within the transaction
 * the events go in address order, then time order: PostgreSQL writers
 * then lock addresses in one order (no deadlock between two batches),
 * each address is read and written once however many events it has, and
 * the policy sees an address's bounces as they happened.
 */
#include <string.h>

#include "ndr-store.h"

void
ndrparse_store_begin_batch (NdrparseStore *store)
{
	g_return_if_fail (store != NULL);
	store->in_batch = TRUE;
}

gboolean
ndrparse_store_add_report (NdrparseStore *store, NdrparseReport *report, const char *source, gint64 index,
			   GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);
	g_return_val_if_fail (report != NULL, FALSE);
	gboolean own_batch = !store->in_batch;
	gint64 now = g_get_real_time () / G_USEC_PER_SEC;
	for (guint i = 0; i < ndrparse_report_get_n_records (report); i++) {
		NdrStoreEvent event;
		if (_ndr_store_event_from_record (&event, report, ndrparse_report_get_record (report, i), source, index,
						  now))
			g_array_append_val (store->pending, event);
	}
	if (!own_batch)
		return TRUE;
	store->in_batch = TRUE;
	return ndrparse_store_commit (store, error);
}

static int
event_order (gconstpointer a, gconstpointer b)
{
	const NdrStoreEvent *x = a, *y = b;
	int by_address = strcmp (x->address, y->address);
	if (by_address)
		return by_address;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return strcmp (x->key, y->key);
}

typedef struct {
	guint64 n_new;
} BatchResult;

/* The addresses that the new events among [0, n) move, once each (the
 * events are in address order). */
static GPtrArray *
moved_addresses (GArray *events, const gboolean *inserted)
{
	GPtrArray *addresses = g_ptr_array_new ();
	for (guint i = 0; i < events->len; i++) {
		const NdrStoreEvent *e = &g_array_index (events, NdrStoreEvent, i);
		if (!inserted[i] || !_ndr_store_policy_moves_address (e->event_class))
			continue;
		if (addresses->len == 0 || strcmp (g_ptr_array_index (addresses, addresses->len - 1), e->address) != 0)
			g_ptr_array_add (addresses, e->address);
	}
	return addresses;
}

/* Moves each address of @rows through the new events of its own, in
 * order; the rows that changed go in @changed. */
static void
apply_events (NdrparseStore *store, GArray *events, const gboolean *inserted, NdrStoreAddress *rows,
	      const gboolean *found, guint n_rows, gint64 now, GPtrArray *changed)
{
	guint e_at = 0;
	for (guint r = 0; r < n_rows; r++) {
		NdrStoreAddress *a = &rows[r];
		gboolean moved = FALSE;
		while (e_at < events->len && strcmp (g_array_index (events, NdrStoreEvent, e_at).address, a->address) < 0)
			e_at++;
		for (; e_at < events->len; e_at++) {
			const NdrStoreEvent *e = &g_array_index (events, NdrStoreEvent, e_at);
			if (strcmp (e->address, a->address) != 0)
				break;
			if (!inserted[e_at] || !_ndr_store_policy_moves_address (e->event_class))
				continue;
			/* A success for an address the store never held changes nothing. */
			if (!found[r] && !moved && e->event_class == NDRPARSE_EVENT_CLASS_SUCCESS)
				continue;
			_ndr_store_policy_apply (&store->policy, a, e);
			moved = TRUE;
		}
		if (moved) {
			a->updated = now;
			g_ptr_array_add (changed, a);
		}
	}
}

static gboolean write_hand_changes (NdrparseStore *store, GError **error);

/* The batch in three steps, one or two statements each on PostgreSQL
 * (ndr-store-bulk.c): its events, the addresses the new ones move locked
 * and read, those written back. */
static gboolean
write_batch (NdrparseStore *store, gpointer data, GError **error)
{
	BatchResult *result = data;
	GArray *events = store->pending;
	gint64 now = g_get_real_time () / G_USEC_PER_SEC;
	result->n_new = 0;
	/* The policy in force now, as another host may just have set it. */
	if (!_ndr_store_load_policy (store, error))
		return FALSE;
	for (guint i = 0; i < events->len; i++) {
		NdrStoreEvent *e = &g_array_index (events, NdrStoreEvent, i);
		e->event_class = _ndr_store_policy_classify (&store->policy, e);
	}
	gboolean *inserted = g_new0 (gboolean, events->len + 1);
	gboolean ok = _ndr_store_insert_events (store, events, now, inserted, error);
	for (guint i = 0; ok && i < events->len; i++)
		result->n_new += inserted[i];
	GPtrArray *addresses = ok ? moved_addresses (events, inserted) : g_ptr_array_new ();
	guint n = addresses->len;
	NdrStoreAddress *rows = g_new0 (NdrStoreAddress, n + 1);
	gboolean *found = g_new0 (gboolean, n + 1);
	GPtrArray *changed = g_ptr_array_new ();
	if (ok && (ok = _ndr_store_get_addresses (store, (const char *const *) addresses->pdata, n, rows, found, error))) {
		apply_events (store, events, inserted, rows, found, n, now, changed);
		ok = _ndr_store_put_addresses (store, (NdrStoreAddress *const *) changed->pdata, changed->len, error);
	}
	for (guint i = 0; i < n; i++)
		_ndr_store_address_clear (&rows[i]);
	g_ptr_array_unref (changed);
	g_free (rows);
	g_free (found);
	g_ptr_array_unref (addresses);
	g_free (inserted);
	/* Changes by hand come last: they say more than any bounce. */
	return ok && write_hand_changes (store, error);
}

gboolean
ndrparse_store_commit (NdrparseStore *store, GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);
	if (!store->in_batch)
		return TRUE;
	store->in_batch = FALSE;
	if (store->pending->len == 0 && store->pending_hand->len == 0)
		return TRUE;
	g_array_sort (store->pending, event_order);
	BatchResult result = { 0 };
	gboolean ok = _ndr_store_write (store, write_batch, &result, error);
	if (ok) {
		store->n_events += store->pending->len;
		store->n_new_events += result.n_new;
	}
	_ndr_store_discard_pending (store);
	return ok;
}

guint64
ndrparse_store_get_n_events (const NdrparseStore *store)
{
	g_return_val_if_fail (store != NULL, 0);
	return store->n_events;
}

guint64
ndrparse_store_get_n_new_events (const NdrparseStore *store)
{
	g_return_val_if_fail (store != NULL, 0);
	return store->n_new_events;
}

/* ---- by hand ---- */

void
_ndr_store_hand_change_free (gpointer data)
{
	NdrStoreHandChange *change = data;
	g_free (change->address);
	g_free (change->note);
	g_free (change);
}

static gboolean
apply_hand_change (NdrparseStore *store, const NdrStoreHandChange *change, gint64 now, GError **error)
{
	NdrStoreAddress a;
	gboolean found;
	if (!_ndr_store_address_get (store, change->address, TRUE, &a, &found, error))
		return FALSE;
	if (change->suppress) {
		a.state = NDRPARSE_ADDRESS_STATE_SUPPRESSED;
		a.cause = NDRPARSE_CAUSE_MANUAL;
		a.reason = change->reason;
		a.since = change->since > 0 ? change->since : now;
	} else {
		a.state = NDRPARSE_ADDRESS_STATE_ACTIVE;
		a.cause = NDRPARSE_CAUSE_NONE;
		a.score = 0;
		a.since = now;
	}
	g_free (a.note);
	a.note = g_strdup (change->note);
	a.updated = now;
	gboolean ok = _ndr_store_address_put (store, &a, error);
	_ndr_store_address_clear (&a);
	return ok;
}

static gboolean
write_hand_changes (NdrparseStore *store, GError **error)
{
	gint64 now = g_get_real_time () / G_USEC_PER_SEC;
	for (guint i = 0; i < store->pending_hand->len; i++)
		if (!apply_hand_change (store, g_ptr_array_index (store->pending_hand, i), now, error))
			return FALSE;
	return TRUE;
}

/* Queues the change in the open batch, or makes a batch of it. */
static gboolean
by_hand (NdrparseStore *store, NdrStoreHandChange *change, const char *address, GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);
	char *normal = _ndr_store_normalize_address (address, error);
	if (normal == NULL)
		return FALSE;
	NdrStoreHandChange *queued = g_memdup2 (change, sizeof *change);
	queued->address = normal;
	queued->note = g_strdup (change->note);
	g_ptr_array_add (store->pending_hand, queued);
	if (store->in_batch)
		return TRUE;
	store->in_batch = TRUE;
	return ndrparse_store_commit (store, error);
}

gboolean
ndrparse_store_suppress (NdrparseStore *store, const char *address, NdrparseReason reason, gint64 since,
			 const char *note, GError **error)
{
	NdrStoreHandChange change = { .note = (char *) note, .suppress = TRUE, .reason = reason, .since = since };
	if ((guint) reason >= NDRPARSE_REASON_COUNT)
		change.reason = NDRPARSE_REASON_UNDEFINED;
	return by_hand (store, &change, address, error);
}

gboolean
ndrparse_store_unsuppress (NdrparseStore *store, const char *address, const char *note, GError **error)
{
	NdrStoreHandChange change = { .note = (char *) note, .suppress = FALSE };
	return by_hand (store, &change, address, error);
}

/* ---- pruning ---- */

typedef struct {
	gint64 before;
	guint64 events, addresses;
} Prune;

static gboolean
prune (NdrparseStore *store, gpointer data, GError **error)
{
	Prune *p = data;
	char before[24];
	g_snprintf (before, sizeof before, "%" G_GINT64_FORMAT, p->before);
	const char *params[1] = { before };
	return _ndr_store_query (store, NDR_SQL_PRUNE_EVENTS, params, 1, NULL, NULL, &p->events, error) &&
	       _ndr_store_query (store, NDR_SQL_PRUNE_ADDRESSES, params, 1, NULL, NULL, &p->addresses, error);
}

gboolean
ndrparse_store_prune (NdrparseStore *store, gint64 before, guint64 *n_events, guint64 *n_addresses,
		      GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);
	Prune p = { .before = before };
	if (!_ndr_store_write (store, prune, &p, error))
		return FALSE;
	if (n_events)
		*n_events = p.events;
	if (n_addresses)
		*n_addresses = p.addresses;
	return TRUE;
}
