/* ndr-store-sql.c - every SQL text of the suppression store: its schema,
 * version by version, and its statements.
 *
 * One text serves both databases where SQLite and PostgreSQL agree
 * (ON CONFLICT is in both; SQLite reads BIGINT and DOUBLE PRECISION as
 * its INTEGER and REAL); a PostgreSQL text is given only where they
 * differ, and the statements over arrays (*_MANY) only for PostgreSQL.  Parameters are written $1, $2, ...; the SQLite
 * backend reads them as ?1, ?2.
 *
 * The schema only grows by migrations: a store of version N is brought to
 * this library's version by running the scripts N+1 ... in order, each in
 * the transaction that records its version, so a store is always at one
 * version, never between two.  A released script is never edited.
 */
#include "ndr-store.h"

typedef struct {
	const char *common;
	const char *postgresql;         /* NULL: the common text */
} SqlText;

#define ADDRESS_COLUMNS \
	"address, domain, state, cause, reason, since, score, last_bounce, bounces, note, updated"

static const SqlText statements[NDR_SQL_N_STATEMENTS] = {
	[NDR_SQL_SCHEMA_LOCK] = {
		/* SQLite: the write transaction already excludes other writers. */
		"SELECT 1",
		/* Two hosts creating one store at once: the second waits, then
		 * finds the schema made. */
		"SELECT pg_advisory_xact_lock(726301744)",
	},
	[NDR_SQL_SCHEMA_VERSION_TABLE] = {
		"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ndr_schema'",
		"SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = 'ndr_schema' "
		"AND schemaname = current_schema()",
	},
	[NDR_SQL_SCHEMA_VERSION] = { "SELECT max(version) FROM ndr_schema", NULL },
	[NDR_SQL_EVENT_INSERT] = {
		"INSERT INTO ndr_events (event_key, address, domain, bounce_time, stored_at, class, reason, "
		"action, status, reply_code, remote_mta, message_id, source, source_index) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
		/* New or not is the count of rows changed: RETURNING would
		 * cost SQLite an ephemeral table per row. */
		"ON CONFLICT (event_key) DO NOTHING",
		NULL,
	},
	[NDR_SQL_ADDRESS_GET] = {
		"SELECT " ADDRESS_COLUMNS " FROM ndr_addresses WHERE address = $1", NULL,
	},
	[NDR_SQL_ADDRESS_GET_FOR_UPDATE] = {
		/* SQLite's write transaction is already exclusive. */
		"SELECT " ADDRESS_COLUMNS " FROM ndr_addresses WHERE address = $1",
		"SELECT " ADDRESS_COLUMNS " FROM ndr_addresses WHERE address = $1 FOR UPDATE",
	},
	[NDR_SQL_ADDRESS_PUT] = {
		"INSERT INTO ndr_addresses (" ADDRESS_COLUMNS ") "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
		"ON CONFLICT (address) DO UPDATE SET domain = excluded.domain, state = excluded.state, "
		"cause = excluded.cause, reason = excluded.reason, since = excluded.since, "
		"score = excluded.score, last_bounce = excluded.last_bounce, bounces = excluded.bounces, "
		"note = excluded.note, updated = excluded.updated",
		NULL,
	},
	[NDR_SQL_ADDRESS_LIST] = { "SELECT " ADDRESS_COLUMNS " FROM ndr_addresses ORDER BY address", NULL },
	[NDR_SQL_ADDRESS_LIST_STATE] = {
		"SELECT " ADDRESS_COLUMNS " FROM ndr_addresses WHERE state = $1 ORDER BY address", NULL,
	},
	[NDR_SQL_POLICY_GET] = { "SELECT key, value FROM ndr_policy ORDER BY key", NULL },
	[NDR_SQL_POLICY_PUT] = {
		"INSERT INTO ndr_policy (key, value) VALUES ($1, $2) "
		"ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		NULL,
	},
	[NDR_SQL_POLICY_DELETE] = { "DELETE FROM ndr_policy WHERE key = $1", NULL },
	[NDR_SQL_STATS_REASON] = {
		"SELECT reason, class, count(*) FROM ndr_events WHERE bounce_time >= $1 AND bounce_time < $2 "
		"GROUP BY reason, class ORDER BY reason, class",
		NULL,
	},
	[NDR_SQL_STATS_DOMAIN] = {
		"SELECT domain, class, count(*) FROM ndr_events WHERE bounce_time >= $1 AND bounce_time < $2 "
		"GROUP BY domain, class ORDER BY domain, class",
		NULL,
	},
	[NDR_SQL_STATS_DAY] = {
		"SELECT strftime('%Y-%m-%d', bounce_time, 'unixepoch') AS day, class, count(*) FROM ndr_events "
		"WHERE bounce_time >= $1 AND bounce_time < $2 GROUP BY day, class ORDER BY day, class",
		"SELECT to_char(to_timestamp(bounce_time) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, class, "
		"count(*) FROM ndr_events WHERE bounce_time >= $1 AND bounce_time < $2 "
		"GROUP BY day, class ORDER BY day, class",
	},
	[NDR_SQL_STATS_CLASS] = {
		"SELECT class, class, count(*) FROM ndr_events WHERE bounce_time >= $1 AND bounce_time < $2 "
		"GROUP BY class ORDER BY class",
		NULL,
	},
	[NDR_SQL_PRUNE_EVENTS] = { "DELETE FROM ndr_events WHERE bounce_time < $1", NULL },
	[NDR_SQL_PRUNE_ADDRESSES] = {
		"DELETE FROM ndr_addresses WHERE state = 'active' AND last_bounce < $1 AND updated < $1", NULL,
	},
	[NDR_SQL_EVENT_INSERT_MANY] = {
		NULL,
		"INSERT INTO ndr_events (event_key, address, domain, bounce_time, stored_at, class, reason, "
		"action, status, reply_code, remote_mta, message_id, source, source_index) "
		"SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], "
		"$7::text[], $8::text[], $9::text[], $10::integer[], $11::text[], $12::text[], $13::text[], "
		"$14::bigint[]) ON CONFLICT (event_key) DO NOTHING RETURNING event_key",
	},
	[NDR_SQL_ADDRESS_GET_MANY_FOR_UPDATE] = {
		NULL,
		/* In address order: two batches lock the rows they share in one
		 * order, so neither waits for the other in a circle. */
		"SELECT " ADDRESS_COLUMNS " FROM ndr_addresses WHERE address = ANY ($1::text[]) "
		"ORDER BY address FOR UPDATE",
	},
	[NDR_SQL_ADDRESS_LOCK] = { NULL, "SELECT pg_advisory_xact_lock(hashtextextended($1, 726301744))" },
	[NDR_SQL_ADDRESS_LOCK_MANY] = {
		NULL,
		/* In address order, as ADDRESS_GET_MANY_FOR_UPDATE. */
		"SELECT pg_advisory_xact_lock(hashtextextended(a, 726301744)) "
		"FROM (SELECT a FROM unnest($1::text[]) AS a ORDER BY a) AS sorted",
	},
	[NDR_SQL_ADDRESS_PUT_MANY] = {
		NULL,
		"INSERT INTO ndr_addresses (" ADDRESS_COLUMNS ") "
		"SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], "
		"$7::double precision[], $8::bigint[], $9::integer[], $10::text[], $11::bigint[]) "
		"ON CONFLICT (address) DO UPDATE SET domain = excluded.domain, state = excluded.state, "
		"cause = excluded.cause, reason = excluded.reason, since = excluded.since, "
		"score = excluded.score, last_bounce = excluded.last_bounce, bounces = excluded.bounces, "
		"note = excluded.note, updated = excluded.updated",
	},
};

const char *
_ndr_store_sql (NdrSqlStatement statement, NdrDialect dialect)
{
	g_return_val_if_fail (statement < NDR_SQL_N_STATEMENTS, NULL);
	const SqlText *text = &statements[statement];
	return dialect == NDR_DIALECT_POSTGRESQL && text->postgresql ? text->postgresql : text->common;
}


/* ---- the schema ---- */

/* Version 1: events, and the addresses the policy has moved.  An event
 * is found by its key alone (SQLite: WITHOUT ROWID, one B-tree for the
 * table and its key). */
#define EVENTS_TABLE(AFTER) \
	"CREATE TABLE ndr_events (" \
	" event_key TEXT PRIMARY KEY," \
	" address TEXT NOT NULL," \
	" domain TEXT NOT NULL," \
	" bounce_time BIGINT NOT NULL," \
	" stored_at BIGINT NOT NULL," \
	" class TEXT NOT NULL," \
	" reason TEXT NOT NULL," \
	" action TEXT," \
	" status TEXT," \
	" reply_code INTEGER," \
	" remote_mta TEXT," \
	" message_id TEXT," \
	" source TEXT," \
	" source_index BIGINT)" AFTER ";"

#define VERSION_1_REST \
	"CREATE INDEX ndr_events_time ON ndr_events (bounce_time);" \
	"CREATE TABLE ndr_addresses (" \
	" address TEXT PRIMARY KEY," \
	" domain TEXT NOT NULL," \
	" state TEXT NOT NULL," \
	" cause TEXT NOT NULL," \
	" reason TEXT NOT NULL," \
	" since BIGINT NOT NULL," \
	" score DOUBLE PRECISION NOT NULL," \
	" last_bounce BIGINT NOT NULL," \
	" bounces INTEGER NOT NULL," \
	" note TEXT," \
	" updated BIGINT NOT NULL);" \
	"CREATE INDEX ndr_addresses_state ON ndr_addresses (state, address);" \
	"CREATE TABLE ndr_schema (version INTEGER NOT NULL);" \
	"INSERT INTO ndr_schema (version) VALUES (1);"

/* Version 2: the policy lives in the store, so that every host sharing
 * it applies the same; stats by domain read an index. */
#define VERSION_2 \
	"CREATE TABLE ndr_policy (key TEXT PRIMARY KEY, value TEXT NOT NULL);" \
	"CREATE INDEX ndr_events_domain ON ndr_events (domain, bounce_time);" \
	"UPDATE ndr_schema SET version = 2;"

static const SqlText migrations[] = {
	{ EVENTS_TABLE (" WITHOUT ROWID") VERSION_1_REST, EVENTS_TABLE ("") VERSION_1_REST },
	{ VERSION_2, NULL },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == NDRPARSE_STORE_SCHEMA_VERSION);

const char *
_ndr_store_migration (guint to, NdrDialect dialect)
{
	if (to == 0 || to > G_N_ELEMENTS (migrations))
		return NULL;
	const SqlText *text = &migrations[to - 1];
	return dialect == NDR_DIALECT_POSTGRESQL && text->postgresql ? text->postgresql : text->common;
}
