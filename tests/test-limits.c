/* test-limits.c - each documented limit holds, and says so: the records
 * within it are decoded and carry the NdrparseTruncation bit, or the
 * report carries it when nothing is left. */
#include <string.h>

#include "ndrparse.h"

#define HEAD "From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail\nMIME-Version: 1.0\n"

static GString *
dsn_with_recipients (guint n)
{
	GString *s = g_string_new (HEAD "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
				   "--b\nContent-Type: text/plain\n\nFailed.\n\n--b\nContent-Type: message/delivery-status\n\n"
				   "Reporting-MTA: dns; mx.example.org\n\n");
	for (guint i = 0; i < n; i++)
		g_string_append_printf (s, "Final-Recipient: rfc822; u%u@example.net\nAction: failed\nStatus: 5.1.1\n\n", i);
	g_string_append (s, "--b--\n");
	return s;
}

static NdrparseReport *
parse (const GString *s)
{
	GError *error = NULL;
	NdrparseReport *report = ndrparse_parse_bytes (s->str, s->len, &error);
	g_assert_no_error (error);
	g_assert_nonnull (report);
	return report;
}

static void
test_records (void)
{
	GString *s = dsn_with_recipients (NDRPARSE_MAX_RECORDS);
	NdrparseReport *report = parse (s);
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, NDRPARSE_MAX_RECORDS);
	g_assert_cmpint (ndrparse_report_get_truncated (report), ==, NDRPARSE_TRUNCATED_NONE);
	ndrparse_report_unref (report);
	g_string_free (s, TRUE);

	s = dsn_with_recipients (NDRPARSE_MAX_RECORDS + 5);
	report = parse (s);
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, NDRPARSE_MAX_RECORDS);
	const NdrparseRecord *last = ndrparse_report_get_record (report, NDRPARSE_MAX_RECORDS - 1);
	g_assert_true (ndrparse_record_get_truncated (last) & NDRPARSE_TRUNCATED_RECORDS);
	g_assert_cmpstr (ndrparse_record_get_recipient (last), ==, "u999@example.net");
	ndrparse_report_unref (report);
	g_string_free (s, TRUE);
}

static void
test_depth (void)
{
	/* The DSN inside message/rfc822 wrappers: found within the depth... */
	for (guint depth = 10; depth <= NDRPARSE_MAX_MIME_DEPTH * 2; depth += NDRPARSE_MAX_MIME_DEPTH * 2 - 10) {
		GString *s = g_string_new (NULL);
		for (guint i = 0; i < depth; i++)
			g_string_append (s, "From: a@example.org\nMIME-Version: 1.0\nContent-Type: message/rfc822\n\n");
		GString *dsn = dsn_with_recipients (1);
		g_string_append_len (s, dsn->str, dsn->len);
		NdrparseReport *report = parse (s);
		if (depth < NDRPARSE_MAX_MIME_DEPTH) {
			g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 1);
			g_assert_cmpint (ndrparse_report_get_truncated (report), ==, NDRPARSE_TRUNCATED_NONE);
		} else {
			/* ...and beyond it the walk stops, and says so. */
			g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 0);
			g_assert_true (ndrparse_report_get_truncated (report) & NDRPARSE_TRUNCATED_DEPTH);
		}
		ndrparse_report_unref (report);
		g_string_free (dsn, TRUE);
		g_string_free (s, TRUE);
	}
}

static void
test_parts (void)
{
	GString *s = g_string_new (HEAD "Content-Type: multipart/mixed; boundary=\"m\"\n\n");
	for (guint i = 0; i < NDRPARSE_MAX_MIME_PARTS + 10; i++)
		g_string_append (s, "--m\nContent-Type: text/x-filler\n\nx\n");
	g_string_append (s, "--m--\n");
	NdrparseReport *report = parse (s);
	g_assert_true (ndrparse_report_get_truncated (report) & NDRPARSE_TRUNCATED_PARTS);
	ndrparse_report_unref (report);
	g_string_free (s, TRUE);
}

static void
test_header_and_scan (void)
{
	GString *s = dsn_with_recipients (1);
	/* A returned message with a Subject over the header limit, and a
	 * notification over the scan limit. */
	g_string_truncate (s, s->len - strlen ("--b--\n"));
	g_string_append (s, "--b\nContent-Type: text/rfc822-headers\n\nFrom: x@example.com\nSubject: ");
	for (guint i = 0; i < NDRPARSE_MAX_HEADER_LENGTH + 100; i++)
		g_string_append_c (s, 'h');
	g_string_append (s, "\n\n--b--\n");
	char *filler = g_strnfill (NDRPARSE_MAX_SCAN_BYTES + 10, 'n');
	char *at = strstr (s->str, "Failed.");
	g_string_insert (s, at - s->str, filler);
	g_free (filler);

	NdrparseReport *report = parse (s);
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 1);
	NdrparseTruncation cut = ndrparse_record_get_truncated (ndrparse_report_get_record (report, 0));
	g_assert_true (cut & NDRPARSE_TRUNCATED_HEADER);
	g_assert_true (cut & NDRPARSE_TRUNCATED_SCAN);
	g_assert_cmpuint (strlen (ndrparse_report_get_subject (report)), ==, NDRPARSE_MAX_HEADER_LENGTH);
	ndrparse_report_unref (report);
	g_string_free (s, TRUE);
}

static void
test_long_header_line (void)
{
	/* A 10 MB Subject line on the bounce itself: cut before parsing. */
	GString *dsn = dsn_with_recipients (1);
	GString *s = g_string_new ("Subject: ");
	for (guint i = 0; i < 10 * 1024 * 1024; i++)
		g_string_append_c (s, 'x');
	g_string_append_c (s, '\n');
	g_string_append_len (s, dsn->str, dsn->len);
	NdrparseReport *report = parse (s);
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 1);
	g_assert_true (ndrparse_record_get_truncated (ndrparse_report_get_record (report, 0)) & NDRPARSE_TRUNCATED_HEADER);
	ndrparse_report_unref (report);
	g_string_free (s, TRUE);
	g_string_free (dsn, TRUE);
}

static void
test_size (void)
{
	/* A bounce whose returned message makes it larger than the limit: the
	 * DSN before the cut is decoded, the record says the message was cut. */
	GString *s = dsn_with_recipients (1);
	g_string_truncate (s, s->len - strlen ("--b--\n"));
	g_string_append (s, "--b\nContent-Type: message/rfc822\n\nFrom: x@example.com\n\n");
	gsize body = NDRPARSE_MAX_MESSAGE_SIZE + 1024 - s->len;
	char *filler = g_strnfill (body, 'z');
	g_string_append_len (s, filler, body);
	g_free (filler);
	g_string_append (s, "\n--b--\n");

	NdrparseReport *report = parse (s);
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 1);
	g_assert_true (ndrparse_record_get_truncated (ndrparse_report_get_record (report, 0)) & NDRPARSE_TRUNCATED_SIZE);
	ndrparse_report_unref (report);
	g_string_free (s, TRUE);
}

static void
test_names (void)
{
	g_assert_cmpstr (ndrparse_truncation_get_name (NDRPARSE_TRUNCATED_SIZE), ==, "size");
	g_assert_cmpstr (ndrparse_truncation_get_name (NDRPARSE_TRUNCATED_RECORDS), ==, "records");
	g_assert_cmpstr (ndrparse_truncation_get_name (NDRPARSE_TRUNCATED_HEADER), ==, "header");
	g_assert_null (ndrparse_truncation_get_name (NDRPARSE_TRUNCATED_NONE));
	g_assert_null (ndrparse_truncation_get_name (NDRPARSE_TRUNCATED_SIZE | NDRPARSE_TRUNCATED_SCAN));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/limits/records", test_records);
	g_test_add_func ("/limits/depth", test_depth);
	g_test_add_func ("/limits/parts", test_parts);
	g_test_add_func ("/limits/header-and-scan", test_header_and_scan);
	g_test_add_func ("/limits/long-header-line", test_long_header_line);
	g_test_add_func ("/limits/size", test_size);
	g_test_add_func ("/limits/names", test_names);
	return g_test_run ();
}
