/* ndr-store-address.c - an address's row in the store: read, written,
 * and as the status callers see (NdrparseAddressStatus).
 */
#include <string.h>

#include "ndr-store.h"

struct _NdrparseAddressStatus {
	gint ref_count;
	NdrStoreAddress a;
	gboolean known;
};

/* ---- names, as the rows and the tools write them ---- */

static const char *const state_names[] = { "any", "active", "review", "suppressed" };
static const char *const cause_names[] = { "none", "hard", "soft", "complaint", "manual" };
static const char *const class_names[] = { "hard", "soft", "complaint", "success", "delay", "autoreply", "sender" };

G_STATIC_ASSERT (G_N_ELEMENTS (state_names) == NDRPARSE_ADDRESS_STATE_SUPPRESSED + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (cause_names) == NDRPARSE_CAUSE_MANUAL + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (class_names) == NDRPARSE_EVENT_CLASS_SENDER + 1);

static gboolean
name_index (const char *const *names, guint n, const char *name, guint *index)
{
	for (guint i = 0; name && i < n; i++)
		if (strcmp (names[i], name) == 0) {
			*index = i;
			return TRUE;
		}
	return FALSE;
}

const char *
ndrparse_address_state_get_name (NdrparseAddressState state)
{
	return (guint) state < G_N_ELEMENTS (state_names) ? state_names[state] : "any";
}

gboolean
ndrparse_address_state_from_name (const char *name, NdrparseAddressState *state)
{
	guint i;
	if (!name_index (state_names, G_N_ELEMENTS (state_names), name, &i))
		return FALSE;
	*state = (NdrparseAddressState) i;
	return TRUE;
}

const char *
ndrparse_cause_get_name (NdrparseCause cause)
{
	return (guint) cause < G_N_ELEMENTS (cause_names) ? cause_names[cause] : "none";
}

gboolean
ndrparse_cause_from_name (const char *name, NdrparseCause *cause)
{
	guint i;
	if (!name_index (cause_names, G_N_ELEMENTS (cause_names), name, &i))
		return FALSE;
	*cause = (NdrparseCause) i;
	return TRUE;
}

const char *
ndrparse_event_class_get_name (NdrparseEventClass event_class)
{
	return (guint) event_class < G_N_ELEMENTS (class_names) ? class_names[event_class] : "soft";
}

gboolean
ndrparse_event_class_from_name (const char *name, NdrparseEventClass *event_class)
{
	guint i;
	if (!name_index (class_names, G_N_ELEMENTS (class_names), name, &i))
		return FALSE;
	*event_class = (NdrparseEventClass) i;
	return TRUE;
}

/* ---- rows ---- */

static gint64
column_int (const char *value)
{
	return value ? g_ascii_strtoll (value, NULL, 10) : 0;
}

void
_ndr_store_address_from_row (NdrStoreAddress *a, const char *const *c, guint n)
{
	memset (a, 0, sizeof *a);
	g_return_if_fail (n >= 11);
	a->address = g_strdup (c[0]);
	a->domain = g_strdup (c[1]);
	if (!ndrparse_address_state_from_name (c[2], &a->state) || a->state == NDRPARSE_ADDRESS_STATE_ANY)
		a->state = NDRPARSE_ADDRESS_STATE_ACTIVE;
	if (!ndrparse_cause_from_name (c[3], &a->cause))
		a->cause = NDRPARSE_CAUSE_NONE;
	if (!c[4] || !ndrparse_reason_from_name (c[4], &a->reason))
		a->reason = NDRPARSE_REASON_UNDEFINED;
	a->since = column_int (c[5]);
	a->score = c[6] ? g_ascii_strtod (c[6], NULL) : 0;
	a->last_bounce = column_int (c[7]);
	a->bounces = (guint) column_int (c[8]);
	a->note = g_strdup (c[9]);
	a->updated = column_int (c[10]);
}

static gboolean
row_address (const char *const *columns, guint n, gpointer data)
{
	gpointer *args = data;
	_ndr_store_address_from_row (args[0], columns, n);
	*(gboolean *) args[1] = TRUE;
	return FALSE;
}

gboolean
_ndr_store_address_get (NdrparseStore *store, const char *address, gboolean for_update, NdrStoreAddress *a,
			gboolean *found, GError **error)
{
	const char *params[1] = { address };
	gpointer args[2] = { a, found };
	*found = FALSE;
	memset (a, 0, sizeof *a);
	/* Two writers of an address not yet stored would each find no row,
	 * and the second's write would undo the first's. */
	if (for_update && _ndr_store_sql (NDR_SQL_ADDRESS_LOCK, store->backend->klass->dialect) &&
	    !_ndr_store_query (store, NDR_SQL_ADDRESS_LOCK, params, 1, NULL, NULL, NULL, error))
		return FALSE;
	if (!_ndr_store_query (store, for_update ? NDR_SQL_ADDRESS_GET_FOR_UPDATE : NDR_SQL_ADDRESS_GET, params, 1,
			       row_address, args, NULL, error))
		return FALSE;
	if (!*found) {
		const char *at = strrchr (address, '@');
		a->address = g_strdup (address);
		a->domain = g_strdup (at ? at + 1 : "");
		a->state = NDRPARSE_ADDRESS_STATE_ACTIVE;
	}
	return TRUE;
}

void
_ndr_store_address_params (const NdrStoreAddress *a, char buf[5][G_ASCII_DTOSTR_BUF_SIZE],
			   const char *params[NDR_STORE_ADDRESS_COLUMNS])
{
	g_snprintf (buf[0], G_ASCII_DTOSTR_BUF_SIZE, "%" G_GINT64_FORMAT, a->since);
	g_ascii_dtostr (buf[1], G_ASCII_DTOSTR_BUF_SIZE, a->score);
	g_snprintf (buf[2], G_ASCII_DTOSTR_BUF_SIZE, "%" G_GINT64_FORMAT, a->last_bounce);
	g_snprintf (buf[3], G_ASCII_DTOSTR_BUF_SIZE, "%u", a->bounces);
	g_snprintf (buf[4], G_ASCII_DTOSTR_BUF_SIZE, "%" G_GINT64_FORMAT, a->updated);
	const char *p[NDR_STORE_ADDRESS_COLUMNS] = {
		a->address, a->domain, ndrparse_address_state_get_name (a->state), ndrparse_cause_get_name (a->cause),
		ndrparse_reason_get_name (a->reason), buf[0], buf[1], buf[2], buf[3], a->note, buf[4],
	};
	memcpy (params, p, sizeof p);
}

gboolean
_ndr_store_address_put (NdrparseStore *store, const NdrStoreAddress *a, GError **error)
{
	char buf[5][G_ASCII_DTOSTR_BUF_SIZE];
	const char *params[NDR_STORE_ADDRESS_COLUMNS];
	_ndr_store_address_params (a, buf, params);
	return _ndr_store_query (store, NDR_SQL_ADDRESS_PUT, params, NDR_STORE_ADDRESS_COLUMNS, NULL, NULL, NULL, error);
}

/* ---- NdrparseAddressStatus ---- */

NdrparseAddressStatus *
_ndr_address_status_new (NdrStoreAddress *a, gboolean known)
{
	NdrparseAddressStatus *status = g_new0 (NdrparseAddressStatus, 1);
	status->ref_count = 1;
	status->a = *a;
	status->known = known;
	memset (a, 0, sizeof *a);
	return status;
}

NdrparseAddressStatus *
ndrparse_address_status_ref (NdrparseAddressStatus *status)
{
	g_return_val_if_fail (status != NULL, NULL);
	g_atomic_int_inc (&status->ref_count);
	return status;
}

void
ndrparse_address_status_unref (NdrparseAddressStatus *status)
{
	if (status == NULL || !g_atomic_int_dec_and_test (&status->ref_count))
		return;
	_ndr_store_address_clear (&status->a);
	g_free (status);
}

#define STATUS_GETTER(type, name, expression, fallback) \
	type ndrparse_address_status_get_##name (const NdrparseAddressStatus *status) \
	{ \
		g_return_val_if_fail (status != NULL, fallback); \
		return expression; \
	}

STATUS_GETTER (const char *, address, status->a.address, NULL)
STATUS_GETTER (NdrparseAddressState, state, status->a.state, NDRPARSE_ADDRESS_STATE_ACTIVE)
STATUS_GETTER (NdrparseCause, cause, status->a.cause, NDRPARSE_CAUSE_NONE)
STATUS_GETTER (NdrparseReason, reason, status->a.reason, NDRPARSE_REASON_UNDEFINED)
STATUS_GETTER (gint64, since, status->a.since, 0)
STATUS_GETTER (gint64, last_bounce, status->a.last_bounce, 0)
STATUS_GETTER (double, score, status->a.score, 0)
STATUS_GETTER (guint, n_bounces, status->a.bounces, 0)
STATUS_GETTER (const char *, note, status->a.note, NULL)

gboolean
ndrparse_address_status_may_send (const NdrparseAddressStatus *status)
{
	g_return_val_if_fail (status != NULL, FALSE);
	return status->a.state != NDRPARSE_ADDRESS_STATE_SUPPRESSED;
}

gboolean
ndrparse_address_status_is_known (const NdrparseAddressStatus *status)
{
	g_return_val_if_fail (status != NULL, FALSE);
	return status->known;
}
