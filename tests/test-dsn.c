/* test-dsn.c - splitting delivery-status text and decoding its fields,
 * one test per violation seen in the wild. */
#include <string.h>

#include "ndrparse-private.h"

/* ---- splitting ---- */

typedef struct {
	NdrparseReport *report;
	NdrDsnFields *dsn;
} Split;

static void
split (Split *s, const char *text)
{
	s->report = _ndr_report_new ();
	s->dsn = _ndr_dsn_fields_parse (s->report, text, strlen (text));
}

static void
split_free (Split *s)
{
	_ndr_dsn_fields_free (s->dsn);
	ndrparse_report_unref (s->report);
}

static const char *
group_field (Split *s, guint group, const char *name)
{
	g_assert_cmpuint (group, <, s->dsn->recipient_groups->len);
	return _ndr_fields_lookup (g_ptr_array_index (s->dsn->recipient_groups, group), name);
}

static void
test_split_standard (void)
{
	Split s;
	split (&s, "Reporting-MTA: dns; mx.example.org\n"
		   "X-Postfix-Queue-ID: ABC\n"
		   "\n"
		   "Final-Recipient: rfc822; a@example.com\n"
		   "Action: failed\n"
		   "Status: 5.1.1\n"
		   "X-Display-Name: A\n"
		   "\n"
		   "Final-Recipient: rfc822; b@example.com\n"
		   "Action: delayed\n"
		   "Status: 4.4.1\n");
	g_assert_cmpuint (s.dsn->message_fields->len, ==, 2);
	g_assert_cmpstr (_ndr_fields_lookup (s.dsn->message_fields, "x-postfix-queue-id"), ==, "ABC");
	g_assert_cmpuint (s.dsn->recipient_groups->len, ==, 2);
	g_assert_cmpstr (group_field (&s, 0, "Status"), ==, "5.1.1");
	g_assert_cmpstr (group_field (&s, 0, "X-Display-Name"), ==, "A");
	g_assert_cmpstr (group_field (&s, 1, "action"), ==, "delayed");
	split_free (&s);
}

static void
test_split_line_ends (void)
{
	static const char *const texts[] = {
		"Reporting-MTA: dns; m\r\n\r\nFinal-Recipient: rfc822; a@x\r\nStatus: 5.1.1\r\n"
		"Diagnostic-Code: smtp; 550\r\n  unknown\r\n",
		"Reporting-MTA: dns; m\r\rFinal-Recipient: rfc822; a@x\rStatus: 5.1.1\r"
		"Diagnostic-Code: smtp; 550\r  unknown\r",
		"Reporting-MTA: dns; m\n\nFinal-Recipient: rfc822; a@x\nStatus: 5.1.1\n"
		"Diagnostic-Code: smtp; 550\n  unknown",
	};
	for (gsize i = 0; i < G_N_ELEMENTS (texts); i++) {
		Split s;
		split (&s, texts[i]);
		g_assert_cmpuint (s.dsn->message_fields->len, ==, 1);
		g_assert_cmpuint (s.dsn->recipient_groups->len, ==, 1);
		g_assert_cmpstr (group_field (&s, 0, "Status"), ==, "5.1.1");
		g_assert_cmpstr (group_field (&s, 0, "Diagnostic-Code"), ==, "smtp; 550 unknown");
		split_free (&s);
	}
}

static void
test_split_no_blank_between_groups (void)
{
	Split s;
	split (&s, "Reporting-MTA: dns; m\n"
		   "Final-Recipient: rfc822; a@x\nAction: failed\nStatus: 5.1.1\n"
		   "Final-Recipient: rfc822; b@x\nAction: failed\nStatus: 5.2.2\n"
		   "Original-Recipient: rfc822; c@x\nFinal-Recipient: rfc822; c2@x\nAction: delayed\n");
	g_assert_cmpuint (s.dsn->recipient_groups->len, ==, 3);
	g_assert_cmpstr (group_field (&s, 1, "Status"), ==, "5.2.2");
	g_assert_cmpstr (group_field (&s, 2, "Original-Recipient"), ==, "rfc822; c@x");
	g_assert_cmpstr (group_field (&s, 2, "Final-Recipient"), ==, "rfc822; c2@x");
	g_assert_cmpstr (_ndr_fields_lookup (s.dsn->message_fields, "Reporting-MTA"), ==, "dns; m");
	split_free (&s);
}

static void
test_split_field_orders (void)
{
	/* Amazon SES: Action first, Original-Recipient right after Final. */
	Split s;
	split (&s, "Action: failed\nFinal-Recipient: rfc822; a@x\nOriginal-Recipient: rfc822; a@x\n"
		   "Diagnostic-Code: smtp; 550 5.1.1 no\nStatus: 5.1.1\n");
	g_assert_cmpuint (s.dsn->recipient_groups->len, ==, 1);
	g_assert_cmpstr (group_field (&s, 0, "Action"), ==, "failed");
	split_free (&s);
}

static void
test_split_unindented_continuation (void)
{
	Split s;
	split (&s, "Final-Recipient: rfc822; a@x\n"
		   "Diagnostic-Code: smtp; 550 5.1.1 The account does\n"
		   "not exist here\n"
		   "Last-Attempt-Date: Mon, 6 May 2024 09:00:00 +0000\n");
	g_assert_cmpstr (group_field (&s, 0, "Diagnostic-Code"), ==,
			 "smtp; 550 5.1.1 The account does not exist here");
	g_assert_nonnull (group_field (&s, 0, "Last-Attempt-Date"));
	split_free (&s);
}

static void
test_split_prose_ignored (void)
{
	Split s;
	split (&s, "Your message could not be delivered.\n"
		   "   The details follow.\n\n"
		   "Final-Recipient: rfc822; a@x\nStatus: 5.1.1\n\n"
		   "Thank you.\n");
	g_assert_cmpuint (s.dsn->recipient_groups->len, ==, 1);
	g_assert_cmpuint (s.dsn->message_fields->len, ==, 0);
	split_free (&s);
}

/* ---- decoding whole DSN messages ---- */

static NdrparseReport *
parse_dsn (const char *fields)
{
	char *message = g_strdup_printf (
		"From: MAILER-DAEMON@mx.example.org\n"
		"To: sender@example.org\n"
		"Date: Mon, 6 May 2024 09:00:00 +0000\n"
		"Subject: Undelivered Mail Returned to Sender\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
		"--B\nContent-Type: text/plain\n\nfailed.\n\n"
		"--B\nContent-Type: message/delivery-status\n\n%s\n"
		"--B--\n", fields);
	GError *error = NULL;
	NdrparseReport *report = ndrparse_parse_bytes (message, strlen (message), &error);
	g_assert_no_error (error);
	g_assert_nonnull (report);
	g_free (message);
	return report;
}

static const NdrparseRecord *
only_record (NdrparseReport *report)
{
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 1);
	return ndrparse_report_get_record (report, 0);
}

static void
test_decode_prefixes_and_comments (void)
{
	NdrparseReport *r = parse_dsn (
		"Reporting-MTA: dns; mx.example.org\n"
		"DSN-Gateway: dns; gw.example.org\n"
		"Received-From-MTA: dns; client.example.org\n"
		"Original-Envelope-Id: QQ314159\n"
		"Arrival-Date: Mon, 6 May 2024 08:00:00 +0200\n\n"
		"Final-Recipient: RFC822; <User@Example.COM> (the user)\n"
		"Action: FAILED (permanent)\n"
		"Status: 5.1.1 (bad mailbox)\n"
		"Remote-MTA: dns; mx.example.com. (192.0.2.1, the server for the domain)\n"
		"Diagnostic-Code: smtp; 550 5.1.1 <User@Example.COM>: unknown\n"
		"Final-Log-ID: 12345\n");
	const NdrparseRecord *rec = only_record (r);
	g_assert_cmpstr (ndrparse_record_get_recipient (rec), ==, "user@example.com");
	g_assert_cmpstr (ndrparse_record_get_destination (rec), ==, "example.com");
	g_assert_cmpstr (ndrparse_record_get_action (rec), ==, "failed");
	g_assert_cmpint (ndrparse_record_get_action_kind (rec), ==, NDRPARSE_ACTION_FAILED);
	g_assert_cmpstr (ndrparse_record_get_status (rec), ==, "5.1.1");
	g_assert_cmpuint (ndrparse_record_get_reply_code (rec), ==, 550);
	g_assert_cmpstr (ndrparse_record_get_diagnostic_type (rec), ==, "smtp");
	g_assert_cmpstr (ndrparse_record_get_remote_mta (rec), ==, "mx.example.com");
	g_assert_cmpstr (ndrparse_record_get_reporting_mta (rec), ==, "mx.example.org");
	g_assert_cmpstr (ndrparse_record_get_timestamp (rec), ==, "2024-05-06T08:00:00+02:00");
	g_assert_cmpstr (ndrparse_record_get_field (rec, "final-log-id"), ==, "12345");
	g_assert_cmpstr (ndrparse_report_get_dsn_gateway (r), ==, "gw.example.org");
	g_assert_cmpstr (ndrparse_report_get_field (r, "Reporting-MTA"), ==, "dns; mx.example.org");
	g_assert_cmpstr (ndrparse_report_get_received_from_mta (r), ==, "client.example.org");
	g_assert_cmpstr (ndrparse_report_get_original_envelope_id (r), ==, "QQ314159");
	g_assert_cmpstr (ndrparse_report_get_arrival_date (r), ==, "2024-05-06T08:00:00+02:00");
	g_assert_cmpint (ndrparse_record_get_hard_bounce (rec), ==, NDRPARSE_TRISTATE_TRUE);
	ndrparse_report_unref (r);
}

static void
test_decode_status_missing (void)
{
	NdrparseReport *r = parse_dsn ("Final-Recipient: rfc822; a@example.com\nAction: failed\n"
				       "Diagnostic-Code: smtp; 550 5.1.1 <a@example.com>: Recipient address rejected\n");
	const NdrparseRecord *rec = only_record (r);
	g_assert_cmpstr (ndrparse_record_get_status (rec), ==, "5.1.1");
	g_assert_cmpuint (ndrparse_record_get_reply_code (rec), ==, 550);
	g_assert_cmpint (ndrparse_record_get_status_class (rec), ==, NDRPARSE_STATUS_CLASS_PERMANENT);
	g_assert_cmpstr (ndrparse_record_get_status_text (rec), ==, "Bad destination mailbox address");
	ndrparse_report_unref (r);
}

static void
test_decode_generic_status (void)
{
	NdrparseReport *r = parse_dsn ("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.0.0\n"
				       "Diagnostic-Code: smtp; 550-5.1.1 no such user\n 550 5.1.1 bye\n");
	g_assert_cmpstr (ndrparse_record_get_status (only_record (r)), ==, "5.1.1");
	ndrparse_report_unref (r);

	/* A lone code of another class never replaces the Status. */
	r = parse_dsn ("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.0.0\n"
		       "Diagnostic-Code: smtp; 4.2.2 over quota\n");
	g_assert_cmpstr (ndrparse_record_get_status (only_record (r)), ==, "5.0.0");
	ndrparse_report_unref (r);
}

static void
test_decode_remote_reply_wins (void)
{
	/* Sendmail summarises with its own code; the remote said more. */
	NdrparseReport *r = parse_dsn ("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n"
				       "Diagnostic-Code: SMTP; 550 5.7.1 IP address blacklisted\n");
	g_assert_cmpstr (ndrparse_record_get_status (only_record (r)), ==, "5.7.1");
	ndrparse_report_unref (r);
}

static void
test_decode_original_recipient_only (void)
{
	NdrparseReport *r = parse_dsn ("Original-Recipient: rfc822;list+2Bowner@example.com\nAction: failed\nStatus: 5.1.1\n");
	const NdrparseRecord *rec = only_record (r);
	g_assert_cmpstr (ndrparse_record_get_recipient (rec), ==, "list+owner@example.com");
	g_assert_cmpstr (ndrparse_record_get_original_recipient (rec), ==, "list+owner@example.com");
	ndrparse_report_unref (r);
}

static void
test_decode_unitext (void)
{
	NdrparseReport *r = parse_dsn ("Final-Recipient: utf-8; \\x{7528}\\x{6237}@example.com\nAction: failed\nStatus: 5.1.1\n");
	g_assert_cmpstr (ndrparse_record_get_recipient (only_record (r)), ==, "\xe7\x94\xa8\xe6\x88\xb7@example.com");
	ndrparse_report_unref (r);
}

/* X.400 recipients carry the Internet address in a domain-defined
 * attribute (Exchange: dda:SMTP=; RFC 2156: DDA RFC-822 with "(a)"), and
 * Exchange's IMCEA encapsulation hides one in its own domain. */
static void
test_decode_x400_and_imcea (void)
{
	static const struct { const char *field, *want; } cases[] = {
		{ "Final-Recipient: x400; c=US;a= ;p=Example;o=Mail;dda:SMTP=Jo.Smith@example.com;", "jo.smith@example.com" },
		{ "Final-Recipient: x400; /c=GB/admd= /prmd=Example/o=Mail/dda:RFC-822=jo(a)example.org/",
		  "jo@example.org" },
		{ "Final-Recipient: rfc822; IMCEASMTP-jo+2Esmith+40example+2Ecom@exchange.example.net",
		  "jo.smith@example.com" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		char *dsn = g_strdup_printf ("%s\nAction: failed\nStatus: 5.1.1\n", cases[i].field);
		NdrparseReport *r = parse_dsn (dsn);
		g_assert_cmpstr (ndrparse_record_get_recipient (only_record (r)), ==, cases[i].want);
		ndrparse_report_unref (r);
		g_free (dsn);
	}
}

static void
test_decode_x_unix_exit_status (void)
{
	NdrparseReport *r = parse_dsn ("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.3.0\n"
				       "Diagnostic-Code: X-Unix; 255\n");
	const NdrparseRecord *rec = only_record (r);
	g_assert_cmpuint (ndrparse_record_get_reply_code (rec), ==, 0);
	g_assert_cmpstr (ndrparse_record_get_diagnostic_type (rec), ==, "x-unix");
	g_assert_cmpstr (ndrparse_record_get_diagnostic_code (rec), ==, "255");
	ndrparse_report_unref (r);
}

static void
test_decode_non_failures (void)
{
	NdrparseReport *r = parse_dsn ("Final-Recipient: rfc822; a@example.com\nAction: delayed\nStatus: 4.4.1\n\n"
				       "Final-Recipient: rfc822; b@example.com\nAction: delivered\nStatus: 2.0.0\n\n"
				       "Final-Recipient: rfc822; c@example.com\nAction: expanded\nStatus: 2.0.0\n");
	g_assert_cmpuint (ndrparse_report_get_n_records (r), ==, 3);
	/* A delay is a soft failure; success notifications are no failure. */
	g_assert_cmpint (ndrparse_record_get_hard_bounce (ndrparse_report_get_record (r, 0)), ==, NDRPARSE_TRISTATE_FALSE);
	g_assert_cmpstr (ndrparse_reason_get_name (ndrparse_record_get_reason (ndrparse_report_get_record (r, 0))), ==, "expired");
	for (guint i = 1; i < 3; i++) {
		g_assert_cmpint (ndrparse_record_get_hard_bounce (ndrparse_report_get_record (r, i)), ==, NDRPARSE_TRISTATE_UNSET);
		g_assert_cmpstr (ndrparse_reason_get_name (ndrparse_record_get_reason (ndrparse_report_get_record (r, i))), ==, "delivered");
	}
	g_assert_cmpint (ndrparse_record_get_action_kind (ndrparse_report_get_record (r, 2)), ==, NDRPARSE_ACTION_EXPANDED);
	ndrparse_report_unref (r);
}

static void
test_decode_empty_values (void)
{
	NdrparseReport *r = parse_dsn ("Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.2\n"
				       "Remote-MTA: DNS; \nDiagnostic-Code: SMTP; \n");
	const NdrparseRecord *rec = only_record (r);
	g_assert_null (ndrparse_record_get_remote_mta (rec));
	g_assert_null (ndrparse_record_get_diagnostic_code (rec));
	g_assert_cmpuint (ndrparse_record_get_reply_code (rec), ==, 0);
	ndrparse_report_unref (r);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/split/standard", test_split_standard);
	g_test_add_func ("/split/line-ends", test_split_line_ends);
	g_test_add_func ("/split/no-blank-between-groups", test_split_no_blank_between_groups);
	g_test_add_func ("/split/field-orders", test_split_field_orders);
	g_test_add_func ("/split/unindented-continuation", test_split_unindented_continuation);
	g_test_add_func ("/split/prose-ignored", test_split_prose_ignored);
	g_test_add_func ("/decode/prefixes-and-comments", test_decode_prefixes_and_comments);
	g_test_add_func ("/decode/status-missing", test_decode_status_missing);
	g_test_add_func ("/decode/generic-status", test_decode_generic_status);
	g_test_add_func ("/decode/remote-reply-wins", test_decode_remote_reply_wins);
	g_test_add_func ("/decode/original-recipient-only", test_decode_original_recipient_only);
	g_test_add_func ("/decode/unitext", test_decode_unitext);
	g_test_add_func ("/decode/x400-and-imcea", test_decode_x400_and_imcea);
	g_test_add_func ("/decode/x-unix-exit-status", test_decode_x_unix_exit_status);
	g_test_add_func ("/decode/non-failures", test_decode_non_failures);
	g_test_add_func ("/decode/empty-values", test_decode_empty_values);
	return g_test_run ();
}
