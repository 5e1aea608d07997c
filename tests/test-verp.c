/* test-verp.c - VERP: decoding the recipient from the address a bounce
 * arrived at, and applying it to a report's records. */
#include <string.h>

#include "ndrparse.h"

static void
test_decode (void)
{
	static const struct {
		const char *pattern, *address, *want;
	} cases[] = {
		{ "bounces+%l=%d@lists.example.org", "bounces+alice=example.com@lists.example.org", "alice@example.com" },
		{ "bounces+%l=%d@lists.example.org", "Bounces+Alice=Example.COM@LISTS.example.org", "Alice@example.com" },
		/* a local part may hold the separator; the domain cannot */
		{ "bounces+%l=%d@lists.example.org", "bounces+a=b=example.com@lists.example.org", "a=b@example.com" },
		{ "%d-%l-bounce@example.org", "example.net-bob-bounce@example.org", "bob@example.net" },
		{ "bounces+%l=%d@lists.example.org", "other@lists.example.org", NULL },
		{ "bounces+%l=%d@lists.example.org", "bounces+alice=nodot@lists.example.org", NULL },
		{ "bounces+%l=%d@lists.example.org", "bounces+=example.com@lists.example.org", NULL },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		GError *error = NULL;
		char *got = ndrparse_verp_decode (cases[i].pattern, cases[i].address, &error);
		g_assert_no_error (error);
		g_assert_cmpstr (got, ==, cases[i].want);
		g_free (got);
	}
}

static void
test_bad_patterns (void)
{
	static const char *const bad[] = {
		"bounces@lists.example.org", "bounces+%l@lists.example.org", "bounces+%l=%d",
		"b+%l%d@x.org", "b+%l=%l=%d@x.org", NULL,
	};
	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
		GError *error = NULL;
		g_assert_null (ndrparse_verp_decode (bad[i], "b+x=y.org@x.org", &error));
		g_assert_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT);
		g_error_free (error);
	}
}

#define DSN_HEAD "Delivered-To: bounces+%s=dest.example@lists.example.org\n" \
	"From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail\nMIME-Version: 1.0\n" \
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n" \
	"--b\nContent-Type: text/plain\n\n550 5.1.1 User unknown\n\n" \
	"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"

static NdrparseReport *
parse_with (const char *local, const char *recipient_group)
{
	char *text = g_strdup_printf (DSN_HEAD "%s\n--b--\n", local, recipient_group);
	NdrparseReport *report = ndrparse_parse_bytes (text, strlen (text), NULL);
	g_free (text);
	g_assert_nonnull (report);
	NdrparseReport *applied = ndrparse_report_apply_verp (report, "bounces+%l=%d@lists.example.org", NULL);
	g_assert_nonnull (applied);
	ndrparse_report_unref (report);
	return applied;
}

static void
test_apply (void)
{
	const char *group = "Final-Recipient: rfc822; bob@dest.example\nAction: failed\nStatus: 5.1.1\n";
	NdrparseReport *report = parse_with ("bob", group);
	g_assert_cmpint (ndrparse_record_get_verp (ndrparse_report_get_record (report, 0)), ==, NDRPARSE_VERP_CONFIRMED);
	ndrparse_report_unref (report);

	report = parse_with ("carol", group);
	g_assert_cmpint (ndrparse_record_get_verp (ndrparse_report_get_record (report, 0)), ==, NDRPARSE_VERP_MISMATCH);
	ndrparse_report_unref (report);

	/* A DSN that names nobody: the envelope's recipient, classified. */
	report = parse_with ("dave", "Action: failed\nStatus: 5.1.1\n");
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 1);
	const NdrparseRecord *r = ndrparse_report_get_record (report, 0);
	g_assert_cmpstr (ndrparse_record_get_recipient (r), ==, "dave@dest.example");
	g_assert_cmpint (ndrparse_record_get_verp (r), ==, NDRPARSE_VERP_RECOVERED);
	g_assert_cmpstr (ndrparse_record_get_decoded_by (r), ==, "verp");
	ndrparse_report_unref (report);

	/* Not a bounce: VERP adds nothing. */
	const char *plain = "Delivered-To: bounces+eve=dest.example@lists.example.org\nFrom: eve@dest.example\n"
			    "Subject: hello\n\nJust a reply.\n";
	report = ndrparse_parse_bytes (plain, strlen (plain), NULL);
	NdrparseReport *applied = ndrparse_report_apply_verp (report, "bounces+%l=%d@lists.example.org", NULL);
	g_assert_cmpuint (ndrparse_report_get_n_records (applied), ==, 0);
	ndrparse_report_unref (applied);
	ndrparse_report_unref (report);
}

/* Applying VERP leaves the parsed report as it was, so applying it twice,
 * or to a report shared with another thread, gives the same answer. */
static void
test_apply_leaves_report (void)
{
	const char *pattern = "bounces+%l=%d@lists.example.org";
	char *text = g_strdup_printf (DSN_HEAD "%s\n--b--\n", "dave", "Action: failed\nStatus: 5.1.1\n");
	NdrparseReport *report = ndrparse_parse_bytes (text, strlen (text), NULL);
	g_free (text);
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 0);

	NdrparseReport *once = ndrparse_report_apply_verp (report, pattern, NULL);
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 0);
	g_assert_cmpuint (ndrparse_report_get_n_records (once), ==, 1);
	g_assert_cmpint (ndrparse_record_get_verp (ndrparse_report_get_record (once, 0)), ==, NDRPARSE_VERP_RECOVERED);

	/* Applied to its own result: the recovered record stays recovered
	 * (it used to become "confirmed", the report having changed). */
	NdrparseReport *twice = ndrparse_report_apply_verp (once, pattern, NULL);
	g_assert_cmpint (ndrparse_record_get_verp (ndrparse_report_get_record (once, 0)), ==, NDRPARSE_VERP_RECOVERED);
	g_assert_cmpint (ndrparse_record_get_verp (ndrparse_report_get_record (twice, 0)), ==, NDRPARSE_VERP_CONFIRMED);
	NdrparseReport *again = ndrparse_report_apply_verp (report, pattern, NULL);
	g_assert_cmpint (ndrparse_record_get_verp (ndrparse_report_get_record (again, 0)), ==, NDRPARSE_VERP_RECOVERED);

	/* The derived reports outlive the one they came from. */
	ndrparse_report_unref (report);
	ndrparse_report_unref (once);
	g_assert_cmpstr (ndrparse_record_get_recipient (ndrparse_report_get_record (twice, 0)), ==, "dave@dest.example");
	g_assert_cmpstr (ndrparse_record_get_decoded_by (ndrparse_report_get_record (again, 0)), ==, "verp");
	ndrparse_report_unref (twice);
	ndrparse_report_unref (again);

	/* A bad pattern: NULL and an error, the report untouched. */
	GError *error = NULL;
	report = ndrparse_parse_bytes ("From: a@b\n\nhi\n", 13, NULL);
	g_assert_null (ndrparse_report_apply_verp (report, "no-placeholders@example.org", &error));
	g_assert_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT);
	g_clear_error (&error);
	ndrparse_report_unref (report);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/verp/decode", test_decode);
	g_test_add_func ("/verp/bad-patterns", test_bad_patterns);
	g_test_add_func ("/verp/apply", test_apply);
	g_test_add_func ("/verp/apply-leaves-report", test_apply_leaves_report);
	return g_test_run ();
}
