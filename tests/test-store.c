/* test-store.c - the suppression store through the library's API, every
 * case on both backends: SQLite in a temporary file, and PostgreSQL in a
 * fresh database of the throw-away cluster test-store-lib.sh starts
 * (NDRPARSE_TEST_PG_HOST: its socket directory; without it the
 * PostgreSQL cases are skipped).
 *
 *   test-store CORPUS_DIR
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "ndrparse.h"
#include "../lib/ndr-store.h"

#define DAY (24 * 60 * 60)

static const char *corpus_dir;
static char *tmp_dir;

typedef struct {
	gboolean postgresql;
	char *uri;
	char *path;                     /* SQLite: the file */
	char *database;                 /* PostgreSQL: the database */
} Fixture;

/* ---- fixtures: a new, empty store for each case ---- */

static PGconn *
pg_admin (void)
{
	char *conninfo = g_strdup_printf ("host=%s user=ndrparse dbname=postgres", g_getenv ("NDRPARSE_TEST_PG_HOST"));
	PGconn *conn = PQconnectdb (conninfo);
	g_free (conninfo);
	g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
	return conn;
}

static void
pg_exec (const char *database, const char *sql)
{
	char *conninfo = g_strdup_printf ("host=%s user=ndrparse dbname=%s", g_getenv ("NDRPARSE_TEST_PG_HOST"),
					  database);
	PGconn *conn = PQconnectdb (conninfo);
	g_free (conninfo);
	g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
	PGresult *res = PQexec (conn, sql);
	if (PQresultStatus (res) != PGRES_COMMAND_OK && PQresultStatus (res) != PGRES_TUPLES_OK)
		g_error ("%s: %s", sql, PQresultErrorMessage (res));
	PQclear (res);
	PQfinish (conn);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
	static guint serial;
	f->postgresql = GPOINTER_TO_INT (data);
	serial++;
	if (f->postgresql) {
		f->database = g_strdup_printf ("t%u_%d", serial, (int) getpid ());
		PGconn *conn = pg_admin ();
		char *sql = g_strdup_printf ("CREATE DATABASE %s", f->database);
		PQclear (PQexec (conn, sql));
		g_free (sql);
		PQfinish (conn);
		f->uri = g_strdup_printf ("postgresql://ndrparse@/%s?host=%s", f->database,
					  g_getenv ("NDRPARSE_TEST_PG_HOST"));
	} else {
		f->path = g_strdup_printf ("%s/store-%u.sqlite", tmp_dir, serial);
		f->uri = g_strdup_printf ("sqlite:%s", f->path);
	}
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
	(void) data;
	if (f->path) {
		char *wal = g_strconcat (f->path, "-wal", NULL), *shm = g_strconcat (f->path, "-shm", NULL);
		g_unlink (f->path);
		g_unlink (wal);
		g_unlink (shm);
		g_free (wal);
		g_free (shm);
	}
	g_free (f->uri);
	g_free (f->path);
	g_free (f->database);
}

static NdrparseStore *
open_store (Fixture *f)
{
	GError *error = NULL;
	NdrparseStore *store = ndrparse_store_open (f->uri, &error);
	g_assert_no_error (error);
	g_assert_nonnull (store);
	return store;
}

/* ---- bounces to feed it ---- */

static char *
rfc2822_date (gint64 when)
{
	GDateTime *t = g_date_time_new_from_unix_utc (when);
	char *s = g_date_time_format (t, "%a, %d %b %Y %H:%M:%S +0000");
	g_date_time_unref (t);
	return s;
}

/* A DSN for @rcpt; @id makes it a bounce of its own. */
static NdrparseReport *
dsn (const char *id, const char *rcpt, const char *action, const char *status, const char *diagnostic, gint64 when)
{
	char *date = rfc2822_date (when);
	char *text = g_strdup_printf (
		"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
		"To: <bounces@list.example.org>\r\n"
		"Subject: Delivery Status Notification\r\n"
		"Date: %s\r\n"
		"Message-ID: <%s@mx.example.net>\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n"
		"\r\n"
		"--b\r\n"
		"Content-Type: text/plain\r\n"
		"\r\n"
		"This is the mail system.\r\n"
		"\r\n"
		"--b\r\n"
		"Content-Type: message/delivery-status\r\n"
		"\r\n"
		"Reporting-MTA: dns; mx.example.net\r\n"
		"\r\n"
		"Final-Recipient: rfc822; %s\r\n"
		"Action: %s\r\n"
		"Status: %s\r\n"
		"Remote-MTA: dns; in.example.com\r\n"
		"Diagnostic-Code: smtp; %s\r\n"
		"Last-Attempt-Date: %s\r\n"
		"\r\n"
		"--b--\r\n",
		date, id, rcpt, action, status, diagnostic, date);
	GError *error = NULL;
	NdrparseReport *report = ndrparse_parse_bytes (text, strlen (text), &error);
	g_assert_no_error (error);
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 1);
	g_free (text);
	g_free (date);
	return report;
}

static NdrparseReport *
hard (const char *id, const char *rcpt, gint64 when)
{
	return dsn (id, rcpt, "failed", "5.1.1", "550 5.1.1 <user>: Recipient address rejected: User unknown", when);
}

static NdrparseReport *
soft (const char *id, const char *rcpt, gint64 when)
{
	return dsn (id, rcpt, "failed", "5.2.2", "552 5.2.2 Mailbox full: quota exceeded", when);
}

static NdrparseReport *
corpus_report (const char *name)
{
	char *path = g_build_filename (corpus_dir, name, NULL);
	GError *error = NULL;
	NdrparseReport *report = ndrparse_parse_file (path, &error);
	g_assert_no_error (error);
	g_free (path);
	return report;
}

static void
add (NdrparseStore *store, NdrparseReport *report)
{
	GError *error = NULL;
	g_assert_true (ndrparse_store_add_report (store, report, "test", -1, &error));
	g_assert_no_error (error);
	ndrparse_report_unref (report);
}

static NdrparseAddressStatus *
check (NdrparseStore *store, const char *address)
{
	GError *error = NULL;
	NdrparseAddressStatus *status = ndrparse_store_check (store, address, &error);
	g_assert_no_error (error);
	g_assert_nonnull (status);
	return status;
}

static void
assert_state (NdrparseStore *store, const char *address, NdrparseAddressState state, NdrparseCause cause)
{
	NdrparseAddressStatus *status = check (store, address);
	g_assert_cmpstr (ndrparse_address_state_get_name (ndrparse_address_status_get_state (status)), ==,
			 ndrparse_address_state_get_name (state));
	g_assert_cmpstr (ndrparse_cause_get_name (ndrparse_address_status_get_cause (status)), ==,
			 ndrparse_cause_get_name (cause));
	g_assert_true (ndrparse_address_status_may_send (status) == (state != NDRPARSE_ADDRESS_STATE_SUPPRESSED));
	ndrparse_address_status_unref (status);
}

static gint64
now (void)
{
	return g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- the cases ---- */

static void
test_open_creates_schema (Fixture *f, gconstpointer data)
{
	(void) data;
	NdrparseStore *store = open_store (f);
	g_assert_cmpuint (ndrparse_store_get_schema_version (store), ==, NDRPARSE_STORE_SCHEMA_VERSION);
	g_assert_cmpstr (ndrparse_store_get_backend (store), ==, f->postgresql ? "postgresql" : "sqlite");
	NdrparseAddressStatus *status = check (store, "nobody@example.com");
	g_assert_false (ndrparse_address_status_is_known (status));
	g_assert_true (ndrparse_address_status_may_send (status));
	ndrparse_address_status_unref (status);
	ndrparse_store_unref (store);
	/* and opens again, as it is */
	store = open_store (f);
	g_assert_cmpuint (ndrparse_store_get_schema_version (store), ==, NDRPARSE_STORE_SCHEMA_VERSION);
	ndrparse_store_unref (store);
}

static void
test_hard_bounce_suppresses (Fixture *f, gconstpointer data)
{
	(void) data;
	NdrparseStore *store = open_store (f);
	gint64 when = now () - 3600;
	add (store, hard ("h1", "Gone@Example.COM", when));
	NdrparseAddressStatus *status = check (store, "<gone@example.com>");
	g_assert_true (ndrparse_address_status_is_known (status));
	g_assert_false (ndrparse_address_status_may_send (status));
	g_assert_cmpint (ndrparse_address_status_get_state (status), ==, NDRPARSE_ADDRESS_STATE_SUPPRESSED);
	g_assert_cmpint (ndrparse_address_status_get_cause (status), ==, NDRPARSE_CAUSE_HARD);
	g_assert_cmpint (ndrparse_address_status_get_reason (status), ==, NDRPARSE_REASON_USERUNKNOWN);
	g_assert_cmpint (ndrparse_address_status_get_since (status), ==, when);
	g_assert_cmpstr (ndrparse_address_status_get_address (status), ==, "gone@example.com");
	ndrparse_address_status_unref (status);
	ndrparse_store_unref (store);
}

static void
test_soft_bounces_score (Fixture *f, gconstpointer data)
{
	(void) data;
	NdrparseStore *store = open_store (f);
	gint64 start = now () - 2 * DAY;
	/* Mailman's defaults: 0.5 a soft bounce, suppressed at 5.0 */
	for (int i = 0; i < 9; i++) {
		char *id = g_strdup_printf ("s%d", i);
		add (store, soft (id, "full@example.com", start + i * 60));
		g_free (id);
	}
	NdrparseAddressStatus *status = check (store, "full@example.com");
	g_assert_cmpfloat_with_epsilon (ndrparse_address_status_get_score (status), 4.5, 1e-9);
	g_assert_cmpuint (ndrparse_address_status_get_n_bounces (status), ==, 9);
	g_assert_cmpint (ndrparse_address_status_get_reason (status), ==, NDRPARSE_REASON_MAILBOXFULL);
	ndrparse_address_status_unref (status);
	assert_state (store, "full@example.com", NDRPARSE_ADDRESS_STATE_ACTIVE, NDRPARSE_CAUSE_NONE);
	add (store, soft ("s9", "full@example.com", start + 9 * 60));
	assert_state (store, "full@example.com", NDRPARSE_ADDRESS_STATE_SUPPRESSED, NDRPARSE_CAUSE_SOFT);
	ndrparse_store_unref (store);
}

static void
test_soft_score_decays (Fixture *f, gconstpointer data)
{
	(void) data;
	NdrparseStore *store = open_store (f);
	gint64 start = now () - 60 * DAY;
	/* eight bounces, one every eight days: each finds the last stale */
	for (int i = 0; i < 8; i++) {
		char *id = g_strdup_printf ("d%d", i);
		add (store, soft (id, "slow@example.com", start + i * 8 * DAY));
		g_free (id);
	}
	NdrparseAddressStatus *status = check (store, "slow@example.com");
	g_assert_cmpint (ndrparse_address_status_get_state (status), ==, NDRPARSE_ADDRESS_STATE_ACTIVE);
	/* the last bounce was 4 days ago: its 0.5 still counts */
	g_assert_cmpfloat_with_epsilon (ndrparse_address_status_get_score (status), 0.5, 1e-9);
	ndrparse_address_status_unref (status);
	/* a score whose last bounce is older than decay-days reads as 0 */
	add (store, soft ("old", "older@example.com", now () - 10 * DAY));
	status = check (store, "older@example.com");
	g_assert_cmpfloat (ndrparse_address_status_get_score (status), ==, 0);
	ndrparse_address_status_unref (status);
	ndrparse_store_unref (store);
}

static void
test_review_action (Fixture *f, gconstpointer data)
{
	(void) data;
	NdrparseStore *store = open_store (f);
	GError *error = NULL;
	g_assert_true (ndrparse_store_set_policy (store, "soft-action", "review", &error));
	g_assert_true (ndrparse_store_set_policy (store, "soft-threshold", "1.5", &error));
	g_assert_true (ndrparse_store_set_policy (store, "soft-weight", "1", &error));
	g_assert_no_error (error);
	add (store, soft ("r1", "flaky@example.com", now () - 100));
	assert_state (store, "flaky@example.com", NDRPARSE_ADDRESS_STATE_ACTIVE, NDRPARSE_CAUSE_NONE);
	add (store, soft ("r2", "flaky@example.com", now () - 50));
	assert_state (store, "flaky@example.com", NDRPARSE_ADDRESS_STATE_REVIEW, NDRPARSE_CAUSE_SOFT);
	/* a review flag lifts when the score decays */
	add (store, soft ("r3", "stale@example.com", now () - 20 * DAY));
	add (store, soft ("r4", "stale@example.com", now () - 20 * DAY + 60));
	assert_state (store, "stale@example.com", NDRPARSE_ADDRESS_STATE_ACTIVE, NDRPARSE_CAUSE_NONE);
	/* the policy is the store's: another handle sees it */
	NdrparseStore *other = open_store (f);
	char *value = ndrparse_store_get_policy (other, "soft-action");
	g_assert_cmpstr (value, ==, "review");
	g_free (value);
	value = ndrparse_store_get_policy (other, "decay-days");
	g_assert_cmpstr (value, ==, "7");
	g_free (value);
	g_assert_true (ndrparse_store_set_policy (other, "soft-action", NULL, &error));
	value = ndrparse_store_get_policy (store, "soft-action");
	g_assert_cmpstr (value, ==, "suppress");
	g_free (value);
	ndrparse_store_unref (other);
	ndrparse_store_unref (store);
}

static void
test_bad_policy (Fixture *f, gconstpointer data)
{
	(void) data;
	NdrparseStore *store = open_store (f);
	static const char *const bad[][2] = {
		{ "soft-weigth", "1" }, { "soft-weight", "x" }, { "soft-weight", "-1" }, { "soft-threshold", "0" },
		{ "soft-action", "delete" }, { "decay-days", "1.5" }, { "sender-side-reasons", "blocked,nosuch" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
		GError *error = NULL;
		g_assert_false (ndrparse_store_set_policy (store, bad[i][0], bad[i][1], &error));
		g_assert_error (error, NDRPARSE_STORE_ERROR, NDRPARSE_STORE_ERROR_INVALID_POLICY);
		g_error_free (error);
	}
	g_assert_null (ndrparse_store_get_policy (store, "nosuch"));
	g_assert_cmpuint (g_strv_length ((char **) ndrparse_store_policy_get_keys ()), ==, 5);
	for (const char *const *k = ndrparse_store_policy_get_keys (); *k; k++) {
		g_assert_nonnull (ndrparse_store_policy_get_default (*k));
		g_assert_nonnull (ndrparse_store_policy_get_description (*k));
	}
	ndrparse_store_unref (store);
}

static void
test_complaint_suppresses (Fixture *f, gconstpointer data)
{
	(void) data;
	NdrparseStore *store = open_store (f);
	add (store, corpus_report ("arf-reported-to.eml"));
	NdrparseAddressStatus *status = check (store, "zoe@isp.example");
	g_assert_cmpint (ndrparse_address_status_get_state (status), ==, NDRPARSE_ADDRESS_STATE_SUPPRESSED);
	g_assert_cmpint (ndrparse_address_status_get_cause (status), ==, NDRPARSE_CAUSE_COMPLAINT);
	g_assert_cmpint (ndrparse_address_status_get_reason (status), ==, NDRPARSE_REASON_FEEDBACK);
	ndrparse_address_status_unref (status);
	/* a later success notification does not lift it */
	add (store, dsn ("ok1", "zoe@isp.example", "delivered", "2.0.0", "250 2.0.0 OK", now ()));
	assert_state (store, "zoe@isp.example", NDRPARSE_ADDRESS_STATE_SUPPRESSED, NDRPARSE_CAUSE_COMPLAINT);
	ndrparse_store_unref (store);
}

static void
test_success_clears_score (Fixture *f, gconstpointer data)
{
	(void) data;
	NdrparseStore *store = open_store (f);
	gint64 t = now () - DAY;
	for (int i = 0; i < 4; i++) {
		char *id = g_strdup_printf ("c%d", i);
		add (store, soft (id, "back@example.com", t + i));
		g_free (id);
	}
	add (store, dsn ("ok", "back@example.com", "delivered", "2.0.0", "250 2.0.0 Ok: queued", t + 100));
	NdrparseAddressStatus *status = check (store, "back@example.com");
	g_assert_cmpfloat (ndrparse_address_status_get_score (status), ==, 0);
	g_assert_cmpint (ndrparse_address_status_get_state (status), ==, NDRPARSE_ADDRESS_STATE_ACTIVE);
	ndrparse_address_status_unref (status);
	/* a hard bounce's suppression stays */
	add (store, hard ("hx", "dead@example.com", t));
	add (store, dsn ("ok2", "dead@example.com", "delivered", "2.0.0", "250 2.0.0 OK", t + 200));
	assert_state (store, "dead@example.com", NDRPARSE_ADDRESS_STATE_SUPPRESSED, NDRPARSE_CAUSE_HARD);
	/* a success for an address never seen makes no row */
	add (store, dsn ("ok3", "fine@example.com", "delivered", "2.0.0", "250 2.0.0 OK", t));
	status = check (store, "fine@example.com");
	g_assert_false (ndrparse_address_status_is_known (status));
	ndrparse_address_status_unref (status);
	ndrparse_store_unref (store);
}

static gboolean
count_stat (const char *key, NdrparseEventClass event_class, guint64 count, gpointer data)
{
	GString *out = data;
	g_string_append_printf (out, "%s/%s=%" G_GUINT64_FORMAT ";", key, ndrparse_event_class_get_name (event_class),
				count);
	return TRUE;
}

static void
test_sender_side_and_stats (Fixture *f, gconstpointer data)
{
	(void) data;
	NdrparseStore *store = open_store (f);
	gint64 t = 1764547200;  /* 2025-12-01 00:00:00 UTC */
	for (int i = 0; i < 20; i++) {
		char *id = g_strdup_printf ("b%d", i);
		add (store, dsn (id, "someone@blocks.example", "failed", "5.7.1",
				 "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org", t + i));
		g_free (id);
	}
	/* never held against the recipient */
	NdrparseAddressStatus *status = check (store, "someone@blocks.example");
	g_assert_false (ndrparse_address_status_is_known (status));
	ndrparse_address_status_unref (status);
	add (store, hard ("hs", "gone@example.com", t + DAY));
	add (store, corpus_report ("autoreply-out-of-office.eml"));
	add (store, dsn ("w1", "slow@example.com", "delayed", "4.4.7", "421 4.4.7 try again later", t + DAY));
	status = check (store, "slow@example.com");
	g_assert_false (ndrparse_address_status_is_known (status));
	ndrparse_address_status_unref (status);
	status = check (store, "carl@away.example");
	g_assert_false (ndrparse_address_status_is_known (status));
	ndrparse_address_status_unref (status);

	GError *error = NULL;
	GString *out = g_string_new (NULL);
	g_assert_true (ndrparse_store_foreach_stat (store, NDRPARSE_STATS_BY_DOMAIN, t, t + 2 * DAY, count_stat, out,
						    &error));
	g_assert_no_error (error);
	g_assert_cmpstr (out->str, ==, "blocks.example/sender=20;example.com/delay=1;example.com/hard=1;");
	g_string_truncate (out, 0);
	g_assert_true (ndrparse_store_foreach_stat (store, NDRPARSE_STATS_BY_DAY, t, t + 2 * DAY, count_stat, out,
						    &error));
	g_assert_cmpstr (out->str, ==, "2025-12-01/sender=20;2025-12-02/delay=1;2025-12-02/hard=1;");
	g_string_truncate (out, 0);
	g_assert_true (ndrparse_store_foreach_stat (store, NDRPARSE_STATS_BY_REASON, 0, 0, count_stat, out, &error));
	g_assert_true (strstr (out->str, "blocked/sender=20;") != NULL);
	g_assert_true (strstr (out->str, "userunknown/hard=1;") != NULL);
	g_assert_true (strstr (out->str, "vacation/autoreply=1;") != NULL);
	g_string_free (out, TRUE);
	ndrparse_store_unref (store);
}

static void
test_idempotent (Fixture *f, gconstpointer data)
{
	(void) data;
	NdrparseStore *store = open_store (f);
	gint64 t = now () - 3600;
	for (int round = 0; round < 3; round++) {
		add (store, soft ("same", "twice@example.com", t));
		add (store, corpus_report ("exim-two-recipients.eml"));
	}
	g_assert_cmpuint (ndrparse_store_get_n_events (store), ==, 9);
	g_assert_cmpuint (ndrparse_store_get_n_new_events (store), ==, 3);
	NdrparseAddressStatus *status = check (store, "twice@example.com");
	g_assert_cmpfloat_with_epsilon (ndrparse_address_status_get_score (status), 0.5, 1e-9);
	g_assert_cmpuint (ndrparse_address_status_get_n_bounces (status), ==, 1);
	ndrparse_address_status_unref (status);
	ndrparse_store_unref (store);
	/* and from another handle, later */
	store = open_store (f);
	add (store, soft ("same", "twice@example.com", t));
	g_assert_cmpuint (ndrparse_store_get_n_new_events (store), ==, 0);
	ndrparse_store_unref (store);
}

static void
test_batch (Fixture *f, gconstpointer data)
{
	(void) data;
	NdrparseStore *store = open_store (f);
	NdrparseStore *reader = open_store (f);
	ndrparse_store_begin_batch (store);
	add (store, hard ("x1", "a@example.com", now () - 10));
	add (store, hard ("x2", "b@example.com", now () - 10));
	/* nothing is written before the commit */
	NdrparseAddressStatus *status = check (reader, "a@example.com");
	g_assert_false (ndrparse_address_status_is_known (status));
	ndrparse_address_status_unref (status);
	GError *error = NULL;
	g_assert_true (ndrparse_store_commit (store, &error));
	g_assert_no_error (error);
	assert_state (reader, "a@example.com", NDRPARSE_ADDRESS_STATE_SUPPRESSED, NDRPARSE_CAUSE_HARD);
	assert_state (reader, "b@example.com", NDRPARSE_ADDRESS_STATE_SUPPRESSED, NDRPARSE_CAUSE_HARD);
	/* a batch dropped with its handle is not written */
	ndrparse_store_begin_batch (store);
	add (store, hard ("x3", "c@example.com", now () - 10));
	ndrparse_store_unref (store);
	status = check (reader, "c@example.com");
	g_assert_false (ndrparse_address_status_is_known (status));
	ndrparse_address_status_unref (status);
	ndrparse_store_unref (reader);
}

static gboolean
collect_address (NdrparseAddressStatus *status, gpointer data)
{
	g_ptr_array_add (data, g_strdup_printf ("%s:%s:%s", ndrparse_address_status_get_address (status),
						ndrparse_address_state_get_name (ndrparse_address_status_get_state (status)),
						ndrparse_cause_get_name (ndrparse_address_status_get_cause (status))));
	return TRUE;
}

static char *
list (NdrparseStore *store, NdrparseAddressState state)
{
	GPtrArray *items = g_ptr_array_new_with_free_func (g_free);
	GError *error = NULL;
	g_assert_true (ndrparse_store_foreach_address (store, state, collect_address, items, &error));
	g_assert_no_error (error);
	g_ptr_array_add (items, NULL);
	char *joined = g_strjoinv (" ", (char **) items->pdata);
	g_ptr_array_unref (items);
	return joined;
}

static void
test_by_hand_and_list (Fixture *f, gconstpointer data)
{
	(void) data;
	NdrparseStore *store = open_store (f);
	GError *error = NULL;
	g_assert_true (ndrparse_store_suppress (store, "Asked@Example.com", NDRPARSE_REASON_UNDEFINED, 0,
						"asked to be removed", &error));
	g_assert_no_error (error);
	add (store, hard ("l1", "gone@example.com", now () - 10));
	add (store, soft ("l2", "full@example.com", now () - 10));
	NdrparseAddressStatus *status = check (store, "asked@example.com");
	g_assert_cmpint (ndrparse_address_status_get_cause (status), ==, NDRPARSE_CAUSE_MANUAL);
	g_assert_cmpstr (ndrparse_address_status_get_note (status), ==, "asked to be removed");
	ndrparse_address_status_unref (status);
	/* a hard bounce does not overwrite a suppression by hand */
	add (store, hard ("l3", "asked@example.com", now () - 5));
	assert_state (store, "asked@example.com", NDRPARSE_ADDRESS_STATE_SUPPRESSED, NDRPARSE_CAUSE_MANUAL);

	char *s = list (store, NDRPARSE_ADDRESS_STATE_SUPPRESSED);
	g_assert_cmpstr (s, ==, "asked@example.com:suppressed:manual gone@example.com:suppressed:hard");
	g_free (s);
	s = list (store, NDRPARSE_ADDRESS_STATE_ANY);
	g_assert_cmpstr (s, ==, "asked@example.com:suppressed:manual full@example.com:active:none "
			 "gone@example.com:suppressed:hard");
	g_free (s);

	g_assert_true (ndrparse_store_unsuppress (store, "gone@example.com", "mailbox restored", &error));
	assert_state (store, "gone@example.com", NDRPARSE_ADDRESS_STATE_ACTIVE, NDRPARSE_CAUSE_NONE);
	/* and a new hard bounce suppresses it again */
	add (store, hard ("l4", "gone@example.com", now ()));
	assert_state (store, "gone@example.com", NDRPARSE_ADDRESS_STATE_SUPPRESSED, NDRPARSE_CAUSE_HARD);

	g_assert_false (ndrparse_store_suppress (store, "  ", NDRPARSE_REASON_UNDEFINED, 0, NULL, &error));
	g_assert_error (error, NDRPARSE_STORE_ERROR, NDRPARSE_STORE_ERROR_INVALID_ADDRESS);
	g_clear_error (&error);
	g_assert_null (ndrparse_store_check (store, "a\nb@example.com", &error));
	g_assert_error (error, NDRPARSE_STORE_ERROR, NDRPARSE_STORE_ERROR_INVALID_ADDRESS);
	g_clear_error (&error);
	ndrparse_store_unref (store);
}

static void
test_prune (Fixture *f, gconstpointer data)
{
	(void) data;
	NdrparseStore *store = open_store (f);
	gint64 old = now () - 400 * DAY;
	add (store, hard ("p1", "gone@example.com", old));
	add (store, soft ("p2", "once@example.com", old));
	add (store, soft ("p3", "recent@example.com", now () - DAY));
	GError *error = NULL;
	guint64 events = 0, addresses = 0;
	g_assert_true (ndrparse_store_prune (store, now () - 365 * DAY, &events, &addresses, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (events, ==, 2);
	/* once@ is active with no bounce since, but was written just now */
	g_assert_cmpuint (addresses, ==, 0);
	g_assert_true (ndrparse_store_prune (store, now () + 10, &events, &addresses, &error));
	g_assert_cmpuint (events, ==, 1);
	g_assert_cmpuint (addresses, ==, 2);
	/* a suppressed address always stays */
	assert_state (store, "gone@example.com", NDRPARSE_ADDRESS_STATE_SUPPRESSED, NDRPARSE_CAUSE_HARD);
	NdrparseAddressStatus *status = check (store, "once@example.com");
	g_assert_false (ndrparse_address_status_is_known (status));
	ndrparse_address_status_unref (status);
	ndrparse_store_unref (store);
}

/* ---- errors ---- */

static void
expect_open_error (const char *uri, NdrparseStoreError code)
{
	GError *error = NULL;
	NdrparseStore *store = ndrparse_store_open (uri, &error);
	g_assert_null (store);
	g_assert_error (error, NDRPARSE_STORE_ERROR, code);
	g_assert_null (strchr (error->message, '\n'));
	g_test_message ("%s: %s", uri, error->message);
	g_error_free (error);
}

static void
test_bad_uris (void)
{
	expect_open_error ("", NDRPARSE_STORE_ERROR_INVALID_URI);
	expect_open_error ("mysql://localhost/x", NDRPARSE_STORE_ERROR_INVALID_URI);
	expect_open_error ("sqlite:", NDRPARSE_STORE_ERROR_INVALID_URI);
	expect_open_error ("postgresql://host/db?nosuchoption=1", NDRPARSE_STORE_ERROR_INVALID_URI);
	char *uri = g_strdup_printf ("sqlite:%s/no/such/dir/s.sqlite", tmp_dir);
	expect_open_error (uri, NDRPARSE_STORE_ERROR_CANNOT_OPEN);
	g_free (uri);
	/* a password never reaches a message */
	GError *error = NULL;
	g_assert_null (ndrparse_store_open ("postgresqlx://u:secret@h/d", &error));
	g_assert_null (strstr (error->message, "secret"));
	g_error_free (error);
}

static void
test_corrupt_file (void)
{
	char *path = g_strdup_printf ("%s/garbage.sqlite", tmp_dir);
	GString *junk = g_string_new (NULL);
	for (int i = 0; i < 4096; i++)
		g_string_append_c (junk, (char) ('a' + i % 26));
	g_assert_true (g_file_set_contents (path, junk->str, (gssize) junk->len, NULL));
	char *uri = g_strdup_printf ("sqlite:%s", path);
	expect_open_error (uri, NDRPARSE_STORE_ERROR_CORRUPT);
	/* left as it was */
	char *after;
	gsize len;
	g_assert_true (g_file_get_contents (path, &after, &len, NULL));
	g_assert_cmpmem (after, len, junk->str, junk->len);
	g_free (after);
	g_string_free (junk, TRUE);
	g_free (uri);
	g_free (path);
}

static void
set_schema_version (Fixture *f, guint version)
{
	char *sql = g_strdup_printf ("UPDATE ndr_schema SET version = %u", version);
	if (f->postgresql) {
		pg_exec (f->database, sql);
	} else {
		sqlite3 *db;
		g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
		g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
		sqlite3_close (db);
	}
	g_free (sql);
}

static void
test_schema_too_new (Fixture *f, gconstpointer data)
{
	(void) data;
	NdrparseStore *store = open_store (f);
	add (store, hard ("n1", "gone@example.com", now ()));
	ndrparse_store_unref (store);
	set_schema_version (f, NDRPARSE_STORE_SCHEMA_VERSION + 1);
	expect_open_error (f->uri, NDRPARSE_STORE_ERROR_SCHEMA_TOO_NEW);
	/* untouched: back at our version it reads as before */
	set_schema_version (f, NDRPARSE_STORE_SCHEMA_VERSION);
	store = open_store (f);
	assert_state (store, "gone@example.com", NDRPARSE_ADDRESS_STATE_SUPPRESSED, NDRPARSE_CAUSE_HARD);
	ndrparse_store_unref (store);
}

/* A store written by the first release (schema 1, no policy table) is
 * migrated and keeps what it held. */
static void
test_migration_from_1 (Fixture *f, gconstpointer data)
{
	(void) data;
	const char *v1 = _ndr_store_migration (1, f->postgresql ? NDR_DIALECT_POSTGRESQL : NDR_DIALECT_SQLITE);
	const char *row = "INSERT INTO ndr_addresses VALUES ('old@example.com', 'example.com', 'suppressed', 'hard', "
			  "'userunknown', 1700000000, 0, 1700000000, 1, NULL, 1700000000)";
	if (f->postgresql) {
		pg_exec (f->database, v1);
		pg_exec (f->database, row);
	} else {
		sqlite3 *db;
		g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
		g_assert_cmpint (sqlite3_exec (db, v1, NULL, NULL, NULL), ==, SQLITE_OK);
		g_assert_cmpint (sqlite3_exec (db, row, NULL, NULL, NULL), ==, SQLITE_OK);
		sqlite3_close (db);
	}
	NdrparseStore *store = open_store (f);
	g_assert_cmpuint (ndrparse_store_get_schema_version (store), ==, NDRPARSE_STORE_SCHEMA_VERSION);
	NdrparseAddressStatus *status = check (store, "old@example.com");
	g_assert_cmpint (ndrparse_address_status_get_since (status), ==, 1700000000);
	g_assert_cmpint (ndrparse_address_status_get_state (status), ==, NDRPARSE_ADDRESS_STATE_SUPPRESSED);
	ndrparse_address_status_unref (status);
	GError *error = NULL;
	g_assert_true (ndrparse_store_set_policy (store, "decay-days", "30", &error));
	g_assert_no_error (error);
	ndrparse_store_unref (store);
}

static void
test_server_down (void)
{
	/* a socket directory where no server listens */
	char *uri = g_strdup_printf ("postgresql://ndrparse@/ndrparse?host=%s&connect_timeout=5", tmp_dir);
	expect_open_error (uri, NDRPARSE_STORE_ERROR_UNAVAILABLE);
	g_free (uri);
}

static void
add_both (const char *name, void (*fn) (Fixture *, gconstpointer))
{
	char *path = g_strdup_printf ("/store/sqlite/%s", name);
	g_test_add (path, Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, fn, fixture_tear_down);
	g_free (path);
	if (g_getenv ("NDRPARSE_TEST_PG_HOST")) {
		path = g_strdup_printf ("/store/postgresql/%s", name);
		g_test_add (path, Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, fn, fixture_tear_down);
		g_free (path);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	if (argc < 2) {
		g_printerr ("usage: test-store CORPUS_DIR\n");
		return 2;
	}
	corpus_dir = argv[1];
	tmp_dir = g_dir_make_tmp ("ndr-store-XXXXXX", NULL);
	add_both ("open-creates-schema", test_open_creates_schema);
	add_both ("hard-bounce-suppresses", test_hard_bounce_suppresses);
	add_both ("soft-bounces-score", test_soft_bounces_score);
	add_both ("soft-score-decays", test_soft_score_decays);
	add_both ("review-action", test_review_action);
	add_both ("bad-policy", test_bad_policy);
	add_both ("complaint-suppresses", test_complaint_suppresses);
	add_both ("success-clears-score", test_success_clears_score);
	add_both ("sender-side-and-stats", test_sender_side_and_stats);
	add_both ("idempotent", test_idempotent);
	add_both ("batch", test_batch);
	add_both ("by-hand-and-list", test_by_hand_and_list);
	add_both ("prune", test_prune);
	add_both ("schema-too-new", test_schema_too_new);
	add_both ("migration-from-1", test_migration_from_1);
	g_test_add_func ("/store/bad-uris", test_bad_uris);
	g_test_add_func ("/store/sqlite/corrupt-file", test_corrupt_file);
	g_test_add_func ("/store/postgresql/server-down", test_server_down);
	int rc = g_test_run ();
	char *cmd = g_strdup_printf ("rm -rf '%s'", tmp_dir);
	if (system (cmd) != 0)
		rc = 1;
	g_free (cmd);
	g_free (tmp_dir);
	return rc;
}
