/* ndr-store.h - the suppression store's parts, private to the library.
 *
 * ndr-store.c is the public API: it turns records into events
 * (ndr-store-event.c), applies the policy (ndr-store-policy.c) and talks
 * to a backend only through NdrStoreBackend below, by statement: the SQL
 * of every statement is in ndr-store-sql.c, once for both databases
 * where they agree.  The backends (ndr-store-sqlite.c, ndr-store-pg.c)
 * run statements with text parameters and hand back rows of text, and
 * map their databases' errors to NdrparseStoreError.
 */
#ifndef NDR_STORE_H
#define NDR_STORE_H

#include "ndrparse-private.h"

/* ---- statements ---- */

typedef enum {
	NDR_SQL_SCHEMA_LOCK,            /* serialises schema changes between hosts */
	NDR_SQL_SCHEMA_VERSION_TABLE,   /* does ndr_schema exist? one row if so */
	NDR_SQL_SCHEMA_VERSION,         /* the version */
	NDR_SQL_EVENT_INSERT,           /* one row changed when the event was new */
	NDR_SQL_ADDRESS_GET,            /* for reading */
	NDR_SQL_ADDRESS_GET_FOR_UPDATE, /* within a write: locks the row (PostgreSQL) */
	NDR_SQL_ADDRESS_PUT,
	NDR_SQL_ADDRESS_LIST,
	NDR_SQL_ADDRESS_LIST_STATE,
	NDR_SQL_POLICY_GET,
	NDR_SQL_POLICY_PUT,
	NDR_SQL_POLICY_DELETE,
	NDR_SQL_STATS_REASON,
	NDR_SQL_STATS_DOMAIN,
	NDR_SQL_STATS_DAY,
	NDR_SQL_STATS_CLASS,
	NDR_SQL_PRUNE_EVENTS,
	NDR_SQL_PRUNE_ADDRESSES,
	/* Many rows in one statement, over arrays; only where a round trip
	 * costs (PostgreSQL): NULL in the other dialects (ndr-store-bulk.c). */
	NDR_SQL_EVENT_INSERT_MANY,      /* returns the keys inserted */
	NDR_SQL_ADDRESS_GET_MANY_FOR_UPDATE,
	NDR_SQL_ADDRESS_PUT_MANY,
	/* Where a row lock cannot serialise writers (an address not yet
	 * stored has no row to lock): a lock per address for the rest of
	 * the transaction (PostgreSQL); NULL where the write transaction is
	 * exclusive already (SQLite). */
	NDR_SQL_ADDRESS_LOCK,
	NDR_SQL_ADDRESS_LOCK_MANY,
	NDR_SQL_N_STATEMENTS
} NdrSqlStatement;

typedef enum { NDR_DIALECT_SQLITE, NDR_DIALECT_POSTGRESQL } NdrDialect;

/* The SQL of @statement in @dialect, parameters written $1, $2, ...;
 * NULL for a *_MANY statement the dialect does without. */
const char *_ndr_store_sql (NdrSqlStatement statement, NdrDialect dialect);

/* The schema's migrations: the script that takes a store from version
 * @to - 1 to @to (1 creates it), or NULL past the last. */
const char *_ndr_store_migration (guint to, NdrDialect dialect);

/* ---- backends ---- */

/* A row of text columns (NULL for SQL NULL); FALSE stops the query. */
typedef gboolean (*NdrRowFunc) (const char *const *columns, guint n_columns, gpointer data);

typedef struct _NdrStoreBackend NdrStoreBackend;
typedef struct {
	const char *name;               /* "sqlite", "postgresql" */
	NdrDialect dialect;
	/* Runs @statement with @params (NULL entries are SQL NULL); @row (may
	 * be NULL) sees each result row; @changes (may be NULL) gets the rows
	 * changed. */
	gboolean (*query) (NdrStoreBackend *backend, NdrSqlStatement statement, const char *const *params,
			   guint n_params, NdrRowFunc row, gpointer data, guint64 *changes, GError **error);
	/* Runs a script of statements without parameters (the schema). */
	gboolean (*script) (NdrStoreBackend *backend, const char *sql, GError **error);
	/* Transactions; @write: the transaction will write (SQLite takes the
	 * write lock at once, so two writers never deadlock upgrading). */
	gboolean (*begin) (NdrStoreBackend *backend, gboolean write, GError **error);
	gboolean (*commit) (NdrStoreBackend *backend, GError **error);
	void (*rollback) (NdrStoreBackend *backend);
	/* Whether @error is a lost race worth retrying the transaction for. */
	gboolean (*is_retryable) (NdrStoreBackend *backend, const GError *error);
	void (*close) (NdrStoreBackend *backend);
} NdrStoreBackendClass;

struct _NdrStoreBackend {
	const NdrStoreBackendClass *klass;
};

/* Each opens its database or returns NULL with @error set. */
NdrStoreBackend *_ndr_store_sqlite_open (const char *path, GError **error);
NdrStoreBackend *_ndr_store_pg_open (const char *conninfo, GError **error);

/* ---- events ---- */

/* An event's key: the time it states and 96 bits of a SHA-256, in hex
 * (ndr-store-event.c). */
#define NDR_STORE_KEY_LEN 32

typedef struct {
	char key[NDR_STORE_KEY_LEN + 1]; /* what makes it one event */
	char *address;                  /* lower-cased */
	char *domain;
	gint64 time;
	NdrparseEventClass event_class;
	NdrparseReason reason;
	NdrparseAction action_kind;     /* what the policy classifies by */
	NdrparseTristate hard_bounce;
	char *action, *status, *remote_mta, *message_id, *source;
	guint reply_code;
	gint64 index;
} NdrStoreEvent;

/* The event of @record, whose class the policy decides later; FALSE when
 * it has no recipient. */
gboolean _ndr_store_event_from_record (NdrStoreEvent *event, const NdrparseReport *report,
				       const NdrparseRecord *record, const char *source, gint64 index,
				       gint64 now);
void _ndr_store_event_clear (NdrStoreEvent *event);

/* @address lower-cased and trimmed of blanks and angle brackets, or NULL
 * (with @error) when it is empty or holds control characters. */
char *_ndr_store_normalize_address (const char *address, GError **error);

/* ---- the policy ---- */

typedef struct {
	double soft_weight, soft_threshold;
	NdrparseAddressState soft_action;       /* REVIEW or SUPPRESSED */
	guint decay_days;
	guint64 sender_side;                    /* bit per NdrparseReason */
} NdrStorePolicy;

/* An address as the store keeps it. */
typedef struct {
	char *address, *domain;
	NdrparseAddressState state;
	NdrparseCause cause;
	NdrparseReason reason;
	gint64 since, last_bounce, updated;
	double score;
	guint bounces;
	char *note;
} NdrStoreAddress;

void _ndr_store_policy_defaults (NdrStorePolicy *policy);
/* Sets @key of @policy from @value (NULL: the default). */
gboolean _ndr_store_policy_set (NdrStorePolicy *policy, const char *key, const char *value, GError **error);
/* The class @event has under @policy, from its record's facts. */
NdrparseEventClass _ndr_store_policy_classify (const NdrStorePolicy *policy, const NdrStoreEvent *event);
/* Whether events of @event_class move their address at all. */
gboolean _ndr_store_policy_moves_address (NdrparseEventClass event_class);
/* Moves @address through @policy for @event. */
void _ndr_store_policy_apply (const NdrStorePolicy *policy, NdrStoreAddress *address, const NdrStoreEvent *event);
/* @address as seen at @now: a score forgotten after decay-days, and the
 * review flag with it. */
void _ndr_store_policy_decay (const NdrStorePolicy *policy, NdrStoreAddress *address, gint64 now);

void _ndr_store_address_clear (NdrStoreAddress *address);

/* ---- the store ---- */

struct _NdrparseStore {
	gint ref_count;
	NdrStoreBackend *backend;
	char *uri;                      /* for messages: no password */
	guint schema_version;
	NdrStorePolicy policy;          /* as read at open or at the last write */
	gboolean in_batch;
	GArray *pending;                /* NdrStoreEvent: the open batch */
	GPtrArray *pending_hand;        /* NdrStoreHandChange: changes by hand in it */
	guint64 n_events, n_new_events;
};

/* A suppression or unsuppression by hand (ndr-store-write.c). */
typedef struct {
	char *address, *note;
	gboolean suppress;
	NdrparseReason reason;
	gint64 since;
} NdrStoreHandChange;

void _ndr_store_hand_change_free (gpointer change);

/* Frees the events of the open batch. */
void _ndr_store_discard_pending (NdrparseStore *store);

/* Runs @statement on @store's backend. */
gboolean _ndr_store_query (NdrparseStore *store, NdrSqlStatement statement, const char *const *params,
			   guint n_params, NdrRowFunc row, gpointer data, guint64 *changes, GError **error);
/* Reads the store's policy into store->policy (within a transaction when
 * one is open). */
gboolean _ndr_store_load_policy (NdrparseStore *store, GError **error);

/* A write transaction: @work runs between begin and commit, and all of
 * it again when the transaction lost a race (a few times, then
 * NDRPARSE_STORE_ERROR_UNAVAILABLE); rolled back on any failure. */
typedef gboolean (*NdrStoreWork) (NdrparseStore *store, gpointer data, GError **error);
gboolean _ndr_store_write (NdrparseStore *store, NdrStoreWork work, gpointer data, GError **error);

/* Reads @address into @a; *@found FALSE (and @a a fresh active
 * address) when the store has no row for it.  @for_update locks the row
 * for the rest of the transaction. */
gboolean _ndr_store_address_get (NdrparseStore *store, const char *address, gboolean for_update,
				 NdrStoreAddress *a, gboolean *found, GError **error);
gboolean _ndr_store_address_put (NdrparseStore *store, const NdrStoreAddress *a, GError **error);
/* An address from a row of ADDRESS_COLUMNS (ndr-store-sql.c). */
void _ndr_store_address_from_row (NdrStoreAddress *a, const char *const *columns, guint n_columns);

/* The columns of an address row, and @a's values for them ( @buf holds
 * the numbers written out). */
#define NDR_STORE_ADDRESS_COLUMNS 11
void _ndr_store_address_params (const NdrStoreAddress *a, char buf[5][G_ASCII_DTOSTR_BUF_SIZE],
				const char *params[NDR_STORE_ADDRESS_COLUMNS]);

/* A batch's writes (ndr-store-bulk.c): @events (NdrStoreEvent) inserted,
 * @inserted[i] whether the i-th was new; the rows of @addresses read for
 * update (a fresh active row and @found[i] FALSE for one not stored);
 * @rows written. */
gboolean _ndr_store_insert_events (NdrparseStore *store, GArray *events, gint64 now, gboolean *inserted,
				   GError **error);
gboolean _ndr_store_get_addresses (NdrparseStore *store, const char *const *addresses, guint n,
				   NdrStoreAddress *rows, gboolean *found, GError **error);
gboolean _ndr_store_put_addresses (NdrparseStore *store, NdrStoreAddress *const *rows, guint n, GError **error);

/* A status that holds @a (taken: @a is cleared). */
NdrparseAddressStatus *_ndr_address_status_new (NdrStoreAddress *a, gboolean known);

/* ---- errors ---- */

/* Sets @error from a backend: prefixes the message with what was done. */
void _ndr_store_set_error (GError **error, NdrparseStoreError code, const char *format, ...) G_GNUC_PRINTF (3, 4);

#endif
