/* test-codes.c - the SMTP code table and reading codes out of text. */
#include <string.h>

#include "ndrparse-private.h"

static void
test_reply_codes_known (void)
{
	/* RFC 5321 and the common extensions the issue names. */
	static const guint codes[] = {
		211, 214, 220, 221, 235, 250, 251, 252, 354, 421, 450, 451, 452, 454, 455,
		500, 501, 502, 503, 504, 521, 530, 534, 535, 538, 541, 550, 551, 552, 553,
		554, 555, 556, 557,
	};
	for (gsize i = 0; i < G_N_ELEMENTS (codes); i++) {
		NdrparseCodeInfo info = { 0 };
		g_assert_true (ndrparse_reply_code_lookup (codes[i], &info));
		g_assert_true (_ndr_reply_code_is_known (codes[i]));
		g_assert_nonnull (info.text);
		g_assert_null (info.subject);
	}
	NdrparseCodeInfo info;
	g_assert_true (ndrparse_reply_code_lookup (550, &info));
	g_assert_cmpint (info.status_class, ==, NDRPARSE_STATUS_CLASS_PERMANENT);
	g_assert_cmpstr (info.text, ==, "Requested action not taken: mailbox unavailable");
	g_assert_true (ndrparse_reply_code_lookup (421, &info));
	g_assert_cmpint (info.status_class, ==, NDRPARSE_STATUS_CLASS_TRANSIENT);
}

static void
test_reply_code_fallback (void)
{
	NdrparseCodeInfo info;

	/* Unknown code: the meaning of its class. */
	g_assert_true (ndrparse_reply_code_lookup (599, &info));
	g_assert_cmpint (info.status_class, ==, NDRPARSE_STATUS_CLASS_PERMANENT);
	g_assert_cmpstr (info.text, ==, "Permanent failure");
	g_assert_false (_ndr_reply_code_is_known (599));
	g_assert_false (ndrparse_reply_code_lookup (199, &info));
	g_assert_false (ndrparse_reply_code_lookup (600, &info));
	g_assert_false (ndrparse_reply_code_lookup (550, NULL));
}

static void
assert_status (const char *code, NdrparseStatusClass klass, const char *subject, const char *text)
{
	NdrparseCodeInfo info = { 0 };
	g_assert_true (ndrparse_status_lookup (code, &info));
	g_assert_cmpint (info.status_class, ==, klass);
	g_assert_cmpstr (info.subject, ==, subject);
	g_assert_cmpstr (info.text, ==, text);
}

static void
test_status_registry (void)
{
	assert_status ("5.1.1", NDRPARSE_STATUS_CLASS_PERMANENT, "Addressing", "Bad destination mailbox address");
	assert_status ("4.2.2", NDRPARSE_STATUS_CLASS_TRANSIENT, "Mailbox", "Mailbox full");
	assert_status ("5.1.10", NDRPARSE_STATUS_CLASS_PERMANENT, "Addressing", "Recipient address has null MX");
	assert_status ("5.7.8", NDRPARSE_STATUS_CLASS_PERMANENT, "Security or policy", "Authentication credentials invalid");
	assert_status ("5.7.26", NDRPARSE_STATUS_CLASS_PERMANENT, "Security or policy", "Multiple authentication checks failed");
	assert_status ("5.7.27", NDRPARSE_STATUS_CLASS_PERMANENT, "Security or policy", "Sender address has null MX");
	assert_status ("2.0.0", NDRPARSE_STATUS_CLASS_SUCCESS, "Other or undefined", "Other undefined status");
	assert_status ("4.4.7", NDRPARSE_STATUS_CLASS_TRANSIENT, "Network and routing", "Delivery time expired");
	assert_status ("5.6.7", NDRPARSE_STATUS_CLASS_PERMANENT, "Message content or media",
		       "Non-ASCII addresses not permitted for that sender/recipient");
	assert_status ("5.5.6", NDRPARSE_STATUS_CLASS_PERMANENT, "Mail delivery protocol",
		       "Authentication exchange line is too long");
}

static void
test_status_fallback (void)
{
	/* Unknown detail: the subject's meaning. */
	assert_status ("5.7.606", NDRPARSE_STATUS_CLASS_PERMANENT, "Security or policy", "Other or undefined security status");
	assert_status ("4.1.351", NDRPARSE_STATUS_CLASS_TRANSIENT, "Addressing", "Other address status");
	/* Unknown subject: the class alone. */
	assert_status ("5.9.1", NDRPARSE_STATUS_CLASS_PERMANENT, NULL, "Permanent failure");

	NdrparseCodeInfo info;
	g_assert_false (ndrparse_status_lookup ("3.1.1", &info));
	g_assert_false (ndrparse_status_lookup ("5.1", &info));
	g_assert_false (ndrparse_status_lookup ("5.1.1.1", &info));
	g_assert_false (ndrparse_status_lookup ("5.1.1 ", &info));
	g_assert_false (ndrparse_status_lookup ("5.1000.1", &info));
	g_assert_false (ndrparse_status_lookup ("", &info));
	g_assert_false (ndrparse_status_lookup (NULL, &info));
}

static void
test_status_scan (void)
{
	NdrStatusCode code;
	char buf[16];

	g_assert_cmpuint (_ndr_status_code_scan ("5.1.1 User", 10, &code), ==, 5);
	_ndr_status_code_format (&code, buf);
	g_assert_cmpstr (buf, ==, "5.1.1");
	g_assert_cmpuint (_ndr_status_code_scan ("4.7.650.", 8, &code), ==, 7);
	g_assert_cmpuint (code.detail, ==, 650);
	/* A dotted quad is not a status code. */
	g_assert_cmpuint (_ndr_status_code_scan ("5.1.1.2", 7, &code), ==, 0);
	g_assert_cmpuint (_ndr_status_code_scan ("5.1.", 4, &code), ==, 0);
}

typedef struct {
	const char *text;
	guint reply;
	const char *status;     /* NULL: none */
} CodeCase;

static void
test_codes_in_text (void)
{
	static const CodeCase cases[] = {
		{ "550 5.1.1 <a@b>: Recipient address rejected", 550, "5.1.1" },
		{ "550-5.1.1 The email account ... 550 5.1.1 https://x", 550, "5.1.1" },
		{ "#5.1.1 smtp;550 5.1.1 User unknown", 550, "5.1.1" },
		{ "5.1.0 - Unknown address error 550-'5.7.1 <x@y>... Access denied'", 550, "5.7.1" },
		{ "host mx.example.com[192.0.2.1] said: 452 4.2.2 Over quota", 452, "4.2.2" },
		{ "554 Mail from x@y rejected for policy reasons.", 554, NULL },
		{ "Connection timed out after 450 seconds", 0, NULL },
		{ "limit of 500 recipients per message", 0, NULL },
		/* a singular noun after the code is the reply's text */
		{ "after RCPT TO:<a@b>: 552 recipient storage full, try again later", 552, NULL },
		{ "after end of data: 554 message refused", 554, NULL },
		{ "retry timeout exceeded for 192.0.2.55", 0, NULL },
		{ "Deferred: 421", 421, NULL },
		{ "mailbox unavailable (5.2.1)", 0, "5.2.1" },
		{ "version 5.1.1.2 installed", 0, NULL },
		{ "255", 255, NULL },
		{ "299 is not a reply code, 265 neither", 0, NULL },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		NdrTextCodes codes;
		char buf[16] = "";
		_ndr_text_find_codes (cases[i].text, strlen (cases[i].text), &codes);
		if (codes.status.klass)
			_ndr_status_code_format (&codes.status, buf);
		g_test_message ("text: %s", cases[i].text);
		g_assert_cmpuint (codes.reply_code, ==, cases[i].reply);
		g_assert_cmpstr (codes.status.klass ? buf : NULL, ==, cases[i].status);
	}
}

static void
test_smtp_command (void)
{
	static const struct { const char *text, *command; } cases[] = {
		{ "550 5.1.1 unknown (in reply to RCPT TO command)", "RCPT" },
		{ "552 too big (in reply to end of DATA command)", "DATA" },
		{ "SMTP error from remote mail server after MAIL FROM:<a@b> SIZE=100:", "MAIL" },
		{ "SMTP error from remote mail server after initial connection:", "CONN" },
		{ ">>> DATA\n<<< 554 rejected", "DATA" },
		{ "550 5.1.1 unknown", NULL },
		/* a command word ends at a word boundary */
		{ "deferred after mail.example.org timed out", NULL },
		{ "after pipelined RCPT TO:<a@example.org>: 550 no", "RCPT" },
		/* the first to start decides */
		{ ">>> MAIL From:<a@example.org>\n<<< 550 no (in reply to RCPT TO command)", "MAIL" },
		{ "<a@example.org>... does not like recipient. (after DATA)", "RCPT" },
		{ "mx.example.org [192.0.2.1] did not like our RCPT TO:\n550 unknown", "RCPT" },
		{ "Additional RCPT TO generated following response: 550 unknown", "RCPT" },
		{ "host mx.example.org[192.0.2.1] refused to talk to me: 554 go away", "CONN" },
		/* Postfix wraps its lines wherever they reach the width */
		{ "said: 550 No such user here (in\n    reply to RCPT TO command)", "RCPT" },
		{ "said: 552 full (in reply to\r\n    end of DATA command)", "DATA" },
		/* qmail-remote's own words for each stage */
		{ "Connected to 192.0.2.1 but greeting failed.\nRemote host said: 554 go away", "CONN" },
		{ "Connected to 192.0.2.1 but my name was rejected.\nRemote host said: 501 bad", "HELO" },
		{ "Connected to 192.0.2.1 but sender was rejected.\nRemote host said: 553 no", "MAIL" },
		{ "192.0.2.1 failed after I sent the message.\nRemote host said: 554 spam", "DATA" },
	};
	const NdrparseRules *rules = _ndr_rules_use (NULL);
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_test_message ("text: %s", cases[i].text);
		g_assert_cmpstr (_ndr_text_find_smtp_command (rules, cases[i].text, strlen (cases[i].text)), ==,
				 cases[i].command);
	}
}

static void
test_remote_host (void)
{
	static const struct { const char *text, *host; } cases[] = {
		{ "host mx1.Example.com[192.0.2.1] said: 550 unknown", "mx1.example.com" },
		{ "host mx.example.org [192.0.2.2]: 550 no", "mx.example.org" },
		{ "host mail.example.net said: 554 denied", "mail.example.net" },
		{ "the host is down", NULL },
		{ "host localhost[127.0.0.1] said: 550", NULL },
		/* Sendmail's transcript names the host it talked to, with the root's dot */
		{ "... while talking to MX.example.com.:\n>>> RCPT To:<a@b>\n<<< 550 no", "mx.example.com" },
		{ "... while talking to localhost.:\n<<< 550 no", NULL },
		/* MDaemon's transcript names the host it connects to, by name or by address */
		{ "Attempting SMTP connection to [MX.partners.example] --> RCPT To:<a@b> 550 no", "mx.partners.example" },
		{ "Attempting SMTP connection to [198.51.100.31:25] --> RCPT To:<a@b> 550 no", NULL },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		char *host = _ndr_text_find_remote_host (cases[i].text, strlen (cases[i].text));
		g_assert_cmpstr (host, ==, cases[i].host);
		g_free (host);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/codes/reply/known", test_reply_codes_known);
	g_test_add_func ("/codes/reply/fallback", test_reply_code_fallback);
	g_test_add_func ("/codes/status/registry", test_status_registry);
	g_test_add_func ("/codes/status/fallback", test_status_fallback);
	g_test_add_func ("/codes/status/scan", test_status_scan);
	g_test_add_func ("/text/codes", test_codes_in_text);
	g_test_add_func ("/text/smtp-command", test_smtp_command);
	g_test_add_func ("/text/remote-host", test_remote_host);
	return g_test_run ();
}
