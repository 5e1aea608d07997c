/* test-mime.c - the MIME walk over nested structures, and the public
 * entry points (bytes, file, stream, message), errors and threads. */
#include <string.h>

#include <glib/gstdio.h>
#include <unistd.h>

#include "ndrparse-private.h"

#define DSN_FIELDS(rcpt) \
	"Reporting-MTA: dns; mx.example.org\n\n" \
	"Final-Recipient: rfc822; " rcpt "\nAction: failed\nStatus: 5.1.1\n" \
	"Diagnostic-Code: smtp; 550 5.1.1 unknown\n"

#define ORIGINAL \
	"Return-Path: <sender@example.org>\n" \
	"From: Sender <sender@example.org>\n" \
	"To: a@example.com\n" \
	"Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\n" \
	"List-Id: Announcements <announce.example.org>\n" \
	"Message-ID: <orig-1@example.org>\n\nHello\n"

#define REPORT(boundary, rcpt, original_type, original) \
	"From: MAILER-DAEMON@mx.example.org\n" \
	"To: sender@example.org\n" \
	"Subject: Undelivered Mail\n" \
	"MIME-Version: 1.0\n" \
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"" boundary "\"\n\n" \
	"--" boundary "\nContent-Type: text/plain\n\nIt failed.\n\n" \
	"--" boundary "\nContent-Type: message/delivery-status\n\n" DSN_FIELDS (rcpt) "\n" \
	"--" boundary "\nContent-Type: " original_type "\n\n" original "\n" \
	"--" boundary "--\n"

/* A message of @container with a text part and a status part of
 * @status_type for @rcpt, no returned message. */
#define STATUS_MESSAGE(container, status_type, rcpt) \
	"From: postmaster@example.org\nTo: s@example.org\nSubject: failure\n" \
	"MIME-Version: 1.0\nContent-Type: " container "; boundary=\"S\"\n\n" \
	"--S\nContent-Type: text/plain\n\nfailure\n\n" \
	"--S\nContent-Type: " status_type "\n\n" DSN_FIELDS (rcpt) "\n" \
	"--S--\n"

static NdrparseReport *
parse (const char *text)
{
	GError *error = NULL;
	NdrparseReport *report = ndrparse_parse_bytes (text, strlen (text), &error);
	g_assert_no_error (error);
	g_assert_nonnull (report);
	return report;
}

static const char *
recipient (NdrparseReport *report, guint i)
{
	return ndrparse_record_get_recipient (ndrparse_report_get_record (report, i));
}

/* HTML as text: tags out, block elements a line, references decoded. */
static void
test_html_text (void)
{
	static const struct {
		const char *html, *text;
	} cases[] = {
		{ "<p>Delivery&nbsp;has  failed</p><p>a@b.example<br>The address</p>",
		  "Delivery has failed\na@b.example\nThe address\n" },
		{ "<style>p { color: red }</style><script>var a = '<p>';</script>Text", "Text\n" },
		{ "&lt;a@b.example&gt; &#x41;&#66; &amp; &bogus; &#0; &#xD800;", "<a@b.example> AB & &bogus; &#0; &#xD800;\n" },
		{ "550 <a@b.example>: unknown", "550 <a@b.example>: unknown\n" },
		{ "<table><tr><td>Recipient:</td><td>a@b</td></tr></table>", "Recipient: a@b\n" },
		{ "<!-- <p> -->x <b>bold</b>y", "x boldy\n" },
		{ "a < b <p", "a < b\n" },
		{ "<!DOCTYPE html><html><head><title>T</title></head><body>B</body></html>", "T\nB\n" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		char *text = _ndr_html_to_text (cases[i].html, strlen (cases[i].html));
		g_assert_cmpstr (text, ==, cases[i].text);
		g_free (text);
	}
}

#define HTML_REPORT \
	"<html><body><p><b>Delivery has failed to these recipients or groups:</b></p>\n" \
	"<p><a href=\"mailto:a@example.com\">a@example.com</a><br>\n" \
	"The email address you entered couldn't be found.</p>\n" \
	"<p>Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'</p></body></html>\n"

/* A report sent as HTML alone is read; the returned message's text is
 * not taken for it. */
static void
test_html_only_report (void)
{
	NdrparseReport *r = parse ("From: MAILER-DAEMON@mx.example.org\nTo: sender@example.org\n"
				   "Subject: Undeliverable: hi\nMIME-Version: 1.0\n"
				   "Content-Type: text/html; charset=utf-8\n\n" HTML_REPORT);
	g_assert_cmpuint (ndrparse_report_get_n_records (r), ==, 1);
	g_assert_cmpstr (recipient (r, 0), ==, "a@example.com");
	g_assert_cmpstr (ndrparse_record_get_status (ndrparse_report_get_record (r, 0)), ==, "5.1.1");
	ndrparse_report_unref (r);

	r = parse ("From: MAILER-DAEMON@mx.example.org\nTo: sender@example.org\n"
		   "Subject: Undeliverable: hi\nMIME-Version: 1.0\n"
		   "Content-Type: multipart/mixed; boundary=\"H\"\n\n"
		   "--H\nContent-Type: text/html\n\n" HTML_REPORT "\n"
		   "--H\nContent-Type: message/rfc822\n\n"
		   "From: sender@example.org\nTo: a@example.com\nSubject: hi\nMessage-ID: <h-1@example.org>\n\n"
		   "Mail to <other@example.net>: 550 no such user\n\n"
		   "--H--\n");
	g_assert_cmpuint (ndrparse_report_get_n_records (r), ==, 1);
	g_assert_cmpstr (recipient (r, 0), ==, "a@example.com");
	g_assert_cmpstr (ndrparse_report_get_message_id (r), ==, "h-1@example.org");
	ndrparse_report_unref (r);

	/* A plain alternative that says nothing: the HTML one is read. */
	r = parse ("From: MAILER-DAEMON@mx.example.org\nTo: sender@example.org\n"
		   "Subject: Undeliverable: hi\nMIME-Version: 1.0\n"
		   "Content-Type: multipart/alternative; boundary=\"A\"\n\n"
		   "--A\nContent-Type: text/plain\n\nThis message needs an HTML-capable mail reader.\n\n"
		   "--A\nContent-Type: text/html\n\n" HTML_REPORT "\n"
		   "--A--\n");
	g_assert_cmpuint (ndrparse_report_get_n_records (r), ==, 1);
	g_assert_cmpstr (recipient (r, 0), ==, "a@example.com");
	ndrparse_report_unref (r);
}

static void
test_returned_message (void)
{
	NdrparseReport *r = parse (REPORT ("B1", "a@example.com", "message/rfc822", ORIGINAL));
	g_assert_cmpuint (ndrparse_report_get_n_records (r), ==, 1);
	g_assert_cmpstr (ndrparse_report_get_message_id (r), ==, "orig-1@example.org");
	g_assert_cmpstr (ndrparse_report_get_subject (r), ==, "Gr\xc3\xbc\xc3\x9f" "e");
	g_assert_cmpstr (ndrparse_report_get_list_id (r), ==, "Announcements <announce.example.org>");
	g_assert_cmpstr (ndrparse_report_get_from (r), ==, "Sender <sender@example.org>");
	g_assert_cmpstr (ndrparse_report_get_sender (r), ==, "sender@example.org");
	ndrparse_report_unref (r);
}

static void
test_returned_headers (void)
{
	NdrparseReport *r = parse (REPORT ("B2", "a@example.com", "text/rfc822-headers", ORIGINAL));
	g_assert_cmpstr (ndrparse_report_get_message_id (r), ==, "orig-1@example.org");
	g_assert_cmpstr (ndrparse_report_get_sender (r), ==, "sender@example.org");
	ndrparse_report_unref (r);
}

static void
test_forwarded_report (void)
{
	NdrparseReport *r = parse (
		"From: helpdesk@example.org\nTo: admin@example.org\nSubject: Fwd: bounce\n"
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"OUT\"\n\n"
		"--OUT\nContent-Type: text/plain\n\nPlease look at this.\n\n"
		"--OUT\nContent-Type: message/rfc822\n\n"
		REPORT ("IN", "fwd@example.com", "message/rfc822", ORIGINAL)
		"\n--OUT--\n");
	g_assert_cmpuint (ndrparse_report_get_n_records (r), ==, 1);
	g_assert_cmpstr (recipient (r, 0), ==, "fwd@example.com");
	g_assert_cmpstr (ndrparse_report_get_message_id (r), ==, "orig-1@example.org");
	ndrparse_report_unref (r);
}

static void
test_bounce_of_bounce_not_scanned (void)
{
	/* The returned message is itself an old bounce: only the outer
	 * report speaks. */
	NdrparseReport *r = parse (REPORT ("OUTER", "outer@example.com", "message/rfc822",
					   REPORT ("INNER", "inner@example.com", "message/rfc822", ORIGINAL)));
	g_assert_cmpuint (ndrparse_report_get_n_records (r), ==, 1);
	g_assert_cmpstr (recipient (r, 0), ==, "outer@example.com");
	ndrparse_report_unref (r);
}

static void
test_delivery_status_outside_report (void)
{
	NdrparseReport *r = parse (STATUS_MESSAGE ("multipart/mixed", "message/delivery-status", "m@example.com"));
	g_assert_cmpuint (ndrparse_report_get_n_records (r), ==, 1);
	g_assert_cmpstr (recipient (r, 0), ==, "m@example.com");
	ndrparse_report_unref (r);
}

/* XWall types its report message/xdelivery-status (BounceParser's
 * p_xdelivery_status()): a delivery-status part all the same. */
static void
test_xwall_delivery_status (void)
{
	NdrparseReport *r = parse (STATUS_MESSAGE ("multipart/report; report-type=delivery-status",
						   "message/xdelivery-status", "x@example.com"));
	g_assert_cmpuint (ndrparse_report_get_n_records (r), ==, 1);
	g_assert_cmpstr (recipient (r, 0), ==, "x@example.com");
	g_assert_cmpstr (ndrparse_record_get_status (ndrparse_report_get_record (r, 0)), ==, "5.1.1");
	ndrparse_report_unref (r);
}

/* Netscape Messaging Server 3.6 sends delivery-status groups with no
 * -Recipient field (flufl.bounce netscape.py): the prose names the
 * recipient, the group's Status says what happened. */
static void
test_delivery_status_naming_nobody (void)
{
	NdrparseReport *r = parse (
		"From: postmaster@example.org\nTo: s@example.org\nSubject: Delivery Notification: Delivery has failed\n"
		"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"N\"\n\n"
		"--N\nContent-Type: text/plain\n\nYour message cannot be delivered to the following recipients:\n\n"
		"  Recipient address: n@example.com\n  Reason: Unknown user\n\n"
		"--N\nContent-Type: message/delivery-status\n\nReporting-MTA: dns;mx.example.com\n\n"
		"Action: failed\nStatus: 5.1.1 (Unknown user)\n\n"
		"--N--\n");
	g_assert_cmpuint (ndrparse_report_get_n_records (r), ==, 1);
	const NdrparseRecord *record = ndrparse_report_get_record (r, 0);
	g_assert_cmpstr (ndrparse_record_get_recipient (record), ==, "n@example.com");
	g_assert_cmpstr (ndrparse_record_get_status (record), ==, "5.1.1");
	g_assert_cmpstr (ndrparse_reason_get_name (ndrparse_record_get_reason (record)), ==, "userunknown");
	ndrparse_report_unref (r);
}

static void
test_text_plain_fields (void)
{
	NdrparseReport *r = parse (
		"From: postmaster@example.org\nTo: s@example.org\nSubject: failure\n\n"
		"Delivery to the following recipient failed.\n\n" DSN_FIELDS ("t@example.com"));
	g_assert_cmpuint (ndrparse_report_get_n_records (r), ==, 1);
	g_assert_cmpstr (recipient (r, 0), ==, "t@example.com");
	ndrparse_report_unref (r);
}

static void
test_encoded_status_part (void)
{
	/* base64 of DSN_FIELDS ("b64@example.com") */
	char *b64 = g_base64_encode ((const guchar *) DSN_FIELDS ("b64@example.com"),
				     strlen (DSN_FIELDS ("b64@example.com")));
	char *text = g_strdup_printf (
		"From: MAILER-DAEMON@example.org\nSubject: x\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"E\"\n\n"
		"--E\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\n%s\n--E--\n", b64);
	NdrparseReport *r = parse (text);
	g_assert_cmpuint (ndrparse_report_get_n_records (r), ==, 1);
	g_assert_cmpstr (recipient (r, 0), ==, "b64@example.com");
	ndrparse_report_unref (r);
	g_free (text);
	g_free (b64);
}

/* Sendmail's DSN quotes only the first line of a multi-line reply; its
 * transcript logs every line with "<<< " (usersmtp.c, reply()).  The
 * record's diagnostic is the whole reply. */
#define SENDMAIL_REPORT(transcript) \
	"From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n" \
	"To: sender@example.org\nSubject: Returned mail: see transcript for details\nMIME-Version: 1.0\n" \
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n" \
	"--B\n\n   ----- Transcript of session follows -----\n" transcript "\n" \
	"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n" \
	"Final-Recipient: RFC822; bob@example.com\nAction: failed\nStatus: 5.2.2\n" \
	"Diagnostic-Code: SMTP; 552-5.2.2 The email account that you tried to reach is\n\n--B--\n"

static void
test_sendmail_whole_reply (void)
{
	NdrparseReport *report = parse (SENDMAIL_REPORT (
		"... while talking to mx.example.com.:\n>>> DATA\n"
		"<<< 552-5.2.2 The email account that you tried to reach is\n"
		"<<< 552 5.2.2 over quota. a1b2c3 - gsmtp\n"
		"554 5.0.0 Service unavailable\n"));
	const NdrparseRecord *record = ndrparse_report_get_record (report, 0);
	g_assert_cmpstr (ndrparse_record_get_diagnostic_code (record), ==,
			 "552-5.2.2 The email account that you tried to reach is 552 5.2.2 over quota. a1b2c3 - gsmtp");
	ndrparse_report_unref (report);

	/* No transcript of the other lines: the DSN's line stays. */
	report = parse (SENDMAIL_REPORT ("<<< 552 5.2.2 another reply\n"));
	record = ndrparse_report_get_record (report, 0);
	g_assert_cmpstr (ndrparse_record_get_diagnostic_code (record), ==,
			 "552-5.2.2 The email account that you tried to reach is");
	ndrparse_report_unref (report);
}

/* The notification's reply for a recipient it names in quotes
 * (CommuniGate Pro: "Failed to deliver to 'a@b'") completes a DSN
 * that says only 5.0.0; a local part that begins with a quote is
 * still found as written. */
static void
test_quoted_mention (void)
{
	static const struct { const char *named, *rcpt; } cases[] = {
		{ "'bob@example.com'", "bob@example.com" },
		{ "\"bob@example.com\"", "bob@example.com" },
		{ "`bob@example.com'", "bob@example.com" },
		{ "'bob@example.com", "'bob@example.com" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		char *text = g_strconcat (
			"From: MAILER-DAEMON@mx.example.org\nTo: sender@example.org\nSubject: Undeliverable mail\n"
			"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
			"--B\nContent-Type: text/plain\n\nFailed to deliver to ", cases[i].named, "\n"
			"SMTP module(domain [192.0.2.9]) reports:\n host 192.0.2.9 says:\n 550 5.1.1 User unknown\n\n"
			"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
			"Final-Recipient: rfc822; <", cases[i].rcpt, ">\nAction: failed\nStatus: 5.0.0\n\n--B--\n", NULL);
		NdrparseReport *report = parse (text);
		const NdrparseRecord *record = ndrparse_report_get_record (report, 0);
		g_assert_cmpstr (ndrparse_record_get_status (record), ==, "5.1.1");
		g_assert_cmpuint (ndrparse_record_get_reply_code (record), ==, 550);
		g_assert_cmpint (ndrparse_record_get_reason (record), ==, NDRPARSE_REASON_USERUNKNOWN);
		ndrparse_report_unref (report);
		g_free (text);
	}
}

/* Each address of a list with no blank line between (Exim's: the
 * address, its error indented under it) has its own error, not the
 * next one's. */
static void
test_listed_mentions (void)
{
	NdrparseReport *report = parse (
		"From: Mail Delivery System <Mailer-Daemon@mx.example.org>\nTo: sender@example.org\n"
		"Subject: Mail delivery failed: returning message to sender\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
		"--B\nContent-Type: text/plain\n\nThe following address(es) failed:\n\n"
		"  ann@example.com\n    retry timeout exceeded\n"
		"  <bob@example.net>\n    552 5.2.2 Quota exceeded (mailbox for user is full)\n\n"
		"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
		"Action: failed\nFinal-Recipient: rfc822;ann@example.com\nStatus: 5.0.0\n\n"
		"Action: failed\nFinal-Recipient: rfc822;bob@example.net\nStatus: 5.0.0\n\n--B--\n");
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 2);
	g_assert_cmpint (ndrparse_record_get_reason (ndrparse_report_get_record (report, 0)), ==, NDRPARSE_REASON_EXPIRED);
	const NdrparseRecord *bob = ndrparse_report_get_record (report, 1);
	g_assert_cmpint (ndrparse_record_get_reason (bob), ==, NDRPARSE_REASON_MAILBOXFULL);
	g_assert_cmpstr (ndrparse_record_get_status (bob), ==, "5.2.2");
	ndrparse_report_unref (report);

	/* An address listed with no error under it says nothing: undefined,
	 * not onhold (the address's own letters are no words). */
	report = parse (
		"From: Mail Delivery System <Mailer-Daemon@mx.example.org>\nTo: sender@example.org\n"
		"Subject: Mail delivery failed: returning message to sender\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
		"--B\nContent-Type: text/plain\n\nThe following address(es) failed:\n\n  ann@example.com\n\n"
		"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
		"Action: failed\nFinal-Recipient: rfc822;ann@example.com\nStatus: 5.0.0\n\n--B--\n");
	g_assert_cmpint (ndrparse_record_get_reason (ndrparse_report_get_record (report, 0)), ==, NDRPARSE_REASON_UNDEFINED);
	ndrparse_report_unref (report);

	/* The delivery an address "generated" is named on the line above it
	 * (Exim: "  pipe to |cmd" then "    generated by a@b"): its line. */
	report = parse (
		"From: Mail Delivery System <Mailer-Daemon@mx.example.org>\nTo: sender@example.org\n"
		"Subject: Mail delivery failed: returning message to sender\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
		"--B\nContent-Type: text/plain\n\nThe following address(es) failed:\n\n"
		"  pipe to |/usr/bin/procmail\n    generated by ann@example.com\n\n"
		"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
		"Action: failed\nFinal-Recipient: rfc822;ann@example.com\nStatus: 5.0.0\n\n--B--\n");
	g_assert_cmpint (ndrparse_record_get_reason (ndrparse_report_get_record (report, 0)), ==, NDRPARSE_REASON_MAILERERROR);
	ndrparse_report_unref (report);
}

/* A recipient reported with a bare host for its domain ("bob@mailhost",
 * an MTA's local name) is completed from the returned message's To when
 * exactly one address there has its local part. */
static void
test_unqualified_recipient (void)
{
	static const struct { const char *to, *want; } cases[] = {
		{ "To: Bob <Bob@example.com>, carol@example.com", "bob@example.com" },
		{ "To: bob@example.com, bob@example.net", "bob@mailhost" },     /* which one: not said */
		{ "To: carol@example.com", "bob@mailhost" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		char *original = g_strdup_printf ("From: sender@example.org\n%s\nSubject: hi\n\nHello\n", cases[i].to);
		char *text = g_strconcat (
			"From: MAILER-DAEMON@mx.example.org\nTo: sender@example.org\nSubject: Undelivered Mail\n"
			"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
			"--B\nContent-Type: text/plain\n\nIt failed.\n\n--B\nContent-Type: message/delivery-status\n\n"
			"Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; bob@mailhost\nAction: failed\n"
			"Status: 5.1.1\n\n--B\nContent-Type: message/rfc822\n\n", original, "\n--B--\n", NULL);
		NdrparseReport *report = parse (text);
		g_assert_cmpstr (ndrparse_record_get_recipient (ndrparse_report_get_record (report, 0)), ==, cases[i].want);
		ndrparse_report_unref (report);
		g_free (text);
		g_free (original);
	}
}

static void
test_not_bounces (void)
{
	static const char *const texts[] = {
		"From: a@example.org\nTo: b@example.org\nSubject: lunch?\n\nAre you free at noon?\n",
		/* A person quoting field names in prose is no report. */
		"From: a@example.org\nSubject: DSN question\n\nWhat does Final-Recipient: mean in a bounce?\n",
		"From: a@example.org\nSubject: photo\nMIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"P\"\n\n--P\nContent-Type: image/png\n\nxx\n--P--\n",
	};
	for (gsize i = 0; i < G_N_ELEMENTS (texts); i++) {
		NdrparseReport *r = parse (texts[i]);
		g_assert_cmpuint (ndrparse_report_get_n_records (r), ==, 0);
		g_assert_null (ndrparse_report_get_record (r, 0));
		ndrparse_report_unref (r);
	}
}

static void
test_errors (void)
{
	GError *error = NULL;

	g_assert_null (ndrparse_parse_bytes ("", 0, &error));
	g_assert_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_NOT_EMAIL);
	g_clear_error (&error);

	g_assert_null (ndrparse_parse_bytes (NULL, 5, &error));
	g_assert_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT);
	g_clear_error (&error);

	g_assert_null (ndrparse_parse_file ("/nonexistent/ndrparse-test.eml", &error));
	g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
	g_clear_error (&error);

	g_assert_null (ndrparse_parse_message (NULL, &error));
	g_assert_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT);
	g_clear_error (&error);

	/* NULL error locations are allowed. */
	g_assert_null (ndrparse_parse_bytes ("", 0, NULL));
}

/* A message saved with blank lines before its header (a client's
 * export) is read as the message itself, from bytes and from the
 * GMimeMessage GMime made of them (which has no header); blank lines
 * alone are still no message. */
static void
test_leading_blank_lines (void)
{
	const char *text = "\n \t\r\n\n" REPORT ("L", "l@example.com", "message/rfc822", ORIGINAL);
	NdrparseReport *r = parse (text);
	g_assert_cmpuint (ndrparse_report_get_n_records (r), ==, 1);
	g_assert_cmpstr (recipient (r, 0), ==, "l@example.com");
	g_assert_cmpstr (ndrparse_report_get_message_id (r), ==, "orig-1@example.org");
	ndrparse_report_unref (r);

	GMimeStream *stream = g_mime_stream_mem_new_with_buffer (text, strlen (text));
	GMimeParser *parser = g_mime_parser_new_with_stream (stream);
	GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
	GError *error = NULL;
	r = ndrparse_parse_message (message, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (recipient (r, 0), ==, "l@example.com");
	ndrparse_report_unref (r);
	g_object_unref (message);
	g_object_unref (parser);
	g_object_unref (stream);

	g_assert_null (ndrparse_parse_bytes ("\n  \n\t\n", 5, &error));
	g_assert_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_NOT_EMAIL);
	g_clear_error (&error);
}

static void
test_stream_and_message (void)
{
	const char *text = REPORT ("S", "s@example.com", "message/rfc822", ORIGINAL);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer (text, strlen (text));
	GError *error = NULL;

	NdrparseReport *r = ndrparse_parse_stream (stream, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (recipient (r, 0), ==, "s@example.com");
	g_assert_true (ndrparse_report_ref (r) == r);
	ndrparse_report_unref (r);
	ndrparse_report_unref (r);

	g_mime_stream_reset (stream);
	GMimeParser *parser = g_mime_parser_new_with_stream (stream);
	GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
	r = ndrparse_parse_message (message, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (recipient (r, 0), ==, "s@example.com");
	/* The report does not hold on to the message. */
	g_object_unref (message);
	g_assert_cmpstr (ndrparse_report_get_message_id (r), ==, "orig-1@example.org");
	ndrparse_report_unref (r);
	g_object_unref (parser);
	g_object_unref (stream);
}

/* A byte array taken over decodes as the same bytes copied; NULL is an
 * invalid argument. */
static void
test_byte_array (void)
{
	const char *text = REPORT ("S", "s@example.com", "message/rfc822", ORIGINAL);
	GError *error = NULL;
	GByteArray *array = g_byte_array_new ();
	g_byte_array_append (array, (const guint8 *) text, (guint) strlen (text));
	NdrparseReport *r = ndrparse_parse_byte_array (array, &error);
	g_assert_no_error (error);
	NdrparseReport *copied = ndrparse_parse_bytes (text, strlen (text), &error);
	g_assert_no_error (error);
	g_assert_cmpuint (ndrparse_report_get_n_records (r), ==, ndrparse_report_get_n_records (copied));
	g_assert_cmpstr (recipient (r, 0), ==, recipient (copied, 0));
	g_assert_cmpstr (ndrparse_report_get_message_id (r), ==, ndrparse_report_get_message_id (copied));
	ndrparse_report_unref (r);
	ndrparse_report_unref (copied);

	g_assert_null (ndrparse_parse_byte_array (g_byte_array_new (), &error));
	g_assert_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_NOT_EMAIL);
	g_clear_error (&error);
	g_assert_null (ndrparse_parse_byte_array (NULL, &error));
	g_assert_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT);
	g_clear_error (&error);
}

static void
test_file (void)
{
	const char *text = REPORT ("F", "f@example.com", "message/rfc822", ORIGINAL);
	GError *error = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp ("ndrparse-XXXXXX.eml", &path, &error);
	g_assert_no_error (error);
	close (fd);
	g_assert_true (g_file_set_contents (path, text, -1, &error));

	NdrparseReport *r = ndrparse_parse_file (path, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (recipient (r, 0), ==, "f@example.com");
	ndrparse_report_unref (r);
	g_unlink (path);
	g_free (path);
}

/* ---- several threads on different messages ---- */

static gpointer
parse_many (gpointer data)
{
	const char *text = data;
	for (int i = 0; i < 200; i++) {
		NdrparseReport *r = ndrparse_parse_bytes (text, strlen (text), NULL);
		if (r == NULL || ndrparse_report_get_n_records (r) != 1 ||
		    g_strcmp0 (recipient (r, 0), "thread@example.com") != 0)
			return GINT_TO_POINTER (1);
		ndrparse_report_unref (r);
	}
	return GINT_TO_POINTER (0);
}

static void
test_threads (void)
{
	const char *text = REPORT ("T", "thread@example.com", "message/rfc822", ORIGINAL);
	GThread *threads[4];

	for (int i = 0; i < 4; i++)
		threads[i] = g_thread_new ("parse", parse_many, (gpointer) text);
	for (int i = 0; i < 4; i++)
		g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (threads[i])), ==, 0);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/walk/returned-message", test_returned_message);
	g_test_add_func ("/walk/sendmail-whole-reply", test_sendmail_whole_reply);
	g_test_add_func ("/walk/unqualified-recipient", test_unqualified_recipient);
	g_test_add_func ("/walk/quoted-mention", test_quoted_mention);
	g_test_add_func ("/walk/listed-mentions", test_listed_mentions);
	g_test_add_func ("/walk/returned-headers", test_returned_headers);
	g_test_add_func ("/walk/forwarded-report", test_forwarded_report);
	g_test_add_func ("/walk/bounce-of-bounce", test_bounce_of_bounce_not_scanned);
	g_test_add_func ("/walk/delivery-status-outside-report", test_delivery_status_outside_report);
	g_test_add_func ("/walk/text-plain-fields", test_text_plain_fields);
	g_test_add_func ("/walk/xwall-delivery-status", test_xwall_delivery_status);
	g_test_add_func ("/walk/delivery-status-naming-nobody", test_delivery_status_naming_nobody);
	g_test_add_func ("/walk/encoded-status-part", test_encoded_status_part);
	g_test_add_func ("/walk/not-bounces", test_not_bounces);
	g_test_add_func ("/walk/html-text", test_html_text);
	g_test_add_func ("/walk/html-only-report", test_html_only_report);
	g_test_add_func ("/api/errors", test_errors);
	g_test_add_func ("/api/stream-and-message", test_stream_and_message);
	g_test_add_func ("/api/leading-blank-lines", test_leading_blank_lines);
	g_test_add_func ("/api/byte-array", test_byte_array);
	g_test_add_func ("/api/file", test_file);
	g_test_add_func ("/api/threads", test_threads);
	return g_test_run ();
}
