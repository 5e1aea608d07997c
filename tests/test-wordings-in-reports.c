/* test-wordings-in-reports.c - each wording of the table, put in the
 * reports MTAs write around a remote's refusal, reads as its source says.
 *
 *   test-wordings-in-reports WORDINGS EXCEPTIONS
 *
 * test-wordings reads a reply alone; here the same reply goes through
 * the whole decoder, inside Postfix's DSN and its plain-text report,
 * Exim's report, Sendmail's DSN and its plain-text transcript,
 * Courier's DSN, MDaemon's transcript, qmail's report (for the wordings
 * of no provider: qmail names the remote by its address only), and Gmail's DSN,
 * Exchange Online's NDR, OpenSMTPD's report, ZoneMTA's DSN (its
 * Status always 5.0.0) and Haraka's (its Status the reply's own, or
 * none), which do not name the command (there the wording must read as its reply does alone with no
 * command), each laid out as the MTA's source writes it (the
 * templates below say where).  A decoder that loses the command a
 * report names, takes the MTA's own words for the remote's, makes two
 * recipients of one or reads a code out of the wrong line changes the
 * reading, and this test shows which wording in which report.  The
 * wordings taken are those of a permanent refusal (5xx) of a command
 * the report can name: a failure report quotes those.
 *
 * EXCEPTIONS (tests/wordings/in-reports-exceptions.tsv) lists, tab-
 * separated, a report, a reply, the reason it reads as there and why
 * that is right or known: the run fails on any other difference, and on
 * an exception that no longer happens.
 */
#include <stdio.h>
#include <string.h>

#include <ndrparse.h>

#include "wordings-file.h"

#define RECIPIENT "user@example.net"

/* The enhanced status a reply states after its code ("550 5.1.1 ..."),
 * else the class's undefined one. */
static void
reply_status (const char *reply, char *buf, gsize size)
{
	const char *p = reply + 3;
	while (*p == ' ' || *p == '-' || *p == '#')
		p++;
	gsize n = strspn (p, "0123456789.");
	if (n >= 5 && n < size && (p[0] == '4' || p[0] == '5') && p[1] == '.') {
		memcpy (buf, p, n);
		buf[n] = '\0';
	} else {
		g_snprintf (buf, size, "%c.0.0", reply[0]);
	}
}

static const char *
host_of (const Wording *w)
{
	return w->host ? w->host : "mx.example.net";
}

static const char *const original =
	"From: sender@example.com\n"
	"To: " RECIPIENT "\n"
	"Subject: test\n"
	"Date: Mon, 1 Jun 2020 09:58:00 +0000\n"
	"Message-ID: <orig@example.com>\n"
	"\n"
	"hello\n";

/* A multipart/report as RFC 3464 lays it out: @text, the recipient's
 * delivery-status fields (the reply's status, else X.0.0), the message. */
static char *
dsn_report (const char *from, const char *subject, const char *text, const Wording *w)
{
	char status[16];
	reply_status (w->reply, status, sizeof status);
	return g_strdup_printf (
		"From: %s\nTo: sender@example.com\nSubject: %s\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
		"--B\nContent-Type: text/plain\n\n%s\n"
		"--B\nContent-Type: message/delivery-status\n\n"
		"Reporting-MTA: dns; mx.example.org\n\n"
		"Final-Recipient: rfc822; " RECIPIENT "\nAction: failed\nStatus: %s\n"
		"Remote-MTA: dns; %s\nDiagnostic-Code: smtp; %s\n\n"
		"--B\nContent-Type: message/rfc822\n\n%s\n--B--\n",
		from, subject, text, status, host_of (w), w->reply, original);
}

/* Postfix's account of a remote reply, src/bounce/bounce_notify_util.c
 * and smtp_proto.c: "host H[A] said: TEXT (in reply to CMD command)",
 * wrapped at the width with four blanks; "refused to talk to me" for a
 * greeting. */
static char *
postfix_said (const Wording *w)
{
	const char *cmd = strcmp (w->command, "RCPT") == 0 ? "RCPT TO"
			  : strcmp (w->command, "MAIL") == 0 ? "MAIL FROM"
			  : strcmp (w->command, "DATA") == 0 ? "end of DATA" : NULL;
	if (cmd == NULL)
		return g_strdup_printf ("host %s[192.0.2.25] refused to talk to me: %s", host_of (w), w->reply);
	return g_strdup_printf ("host %s[192.0.2.25] said: %s (in\n    reply to %s command)", host_of (w), w->reply,
				cmd);
}

static const char postfix_text[] =
	"This is the mail system at host mx.example.org.\n\n"
	"I'm sorry to have to inform you that your message could not\n"
	"be delivered to one or more recipients. It's attached below.\n\n"
	"                   The mail system\n\n";

static char *
postfix_dsn (const Wording *w)
{
	char *said = postfix_said (w);
	char *text = g_strdup_printf ("%s<" RECIPIENT ">: %s\n", postfix_text, said);
	char *m = dsn_report ("MAILER-DAEMON@mx.example.org (Mail Delivery System)", "Undelivered Mail Returned to Sender",
			      text, w);
	g_free (text);
	g_free (said);
	return m;
}

static char *
postfix_plain (const Wording *w)
{
	char *said = postfix_said (w);
	char *m = g_strdup_printf (
		"From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n"
		"To: sender@example.com\n"
		"Subject: Undelivered Mail Returned to Sender\n\n"
		"%s<" RECIPIENT ">: %s\n\n--- Undelivered message follows ---\n\n%s",
		postfix_text, said, original);
	g_free (said);
	return m;
}

/* Exim's, src/deliver.c and transports/smtp.c: the address two blanks
 * in, then "host H [A]", "SMTP error from remote mail server after CMD:"
 * and the reply, four in. */
static char *
exim (const Wording *w)
{
	const char *after = strcmp (w->command, "RCPT") == 0 ? "RCPT TO:<" RECIPIENT ">"
			    : strcmp (w->command, "MAIL") == 0 ? "MAIL FROM:<sender@example.com> SIZE=1841"
			    : strcmp (w->command, "DATA") == 0 ? "end of data" : "initial connection";
	return g_strdup_printf (
		"From: Mail Delivery System <Mailer-Daemon@mx.example.org>\n"
		"To: sender@example.com\n"
		"Subject: Mail delivery failed: returning message to sender\n"
		"Auto-Submitted: auto-replied\n\n"
		"This message was created automatically by mail delivery software.\n\n"
		"A message that you sent could not be delivered to one or more of its\n"
		"recipients. This is a permanent error. The following address(es) failed:\n\n"
		"  " RECIPIENT "\n    host %s [192.0.2.25]\n"
		"    SMTP error from remote mail server after %s:\n    %s\n\n"
		"------ This is a copy of the message, including all the headers. ------\n\n%s",
		host_of (w), after, w->reply, original);
}

/* Sendmail's transcript, usersmtp.c and deliver.c: "... while talking
 * to H.:", ">>> CMD", "<<< REPLY", then giveresponse()'s exit status. */
static char *
sendmail_transcript (const Wording *w)
{
	const char *sent = strcmp (w->command, "RCPT") == 0 ? ">>> RCPT To:<" RECIPIENT ">\n"
			   : strcmp (w->command, "MAIL") == 0 ? ">>> MAIL From:<sender@example.com> SIZE=1841\n"
			   : strcmp (w->command, "DATA") == 0 ? ">>> DATA\n" : "";
	return g_strdup_printf ("   ----- Transcript of session follows -----\n"
				"... while talking to %s.:\n%s<<< %s\n554 5.0.0 Service unavailable\n",
				host_of (w), sent, w->reply);
}

static char *
sendmail_dsn (const Wording *w)
{
	char *transcript = sendmail_transcript (w);
	char *text = g_strdup_printf ("   ----- The following addresses had permanent fatal errors -----\n<" RECIPIENT ">\n"
				      "    (reason: %s)\n\n%s", w->reply, transcript);
	char *m = dsn_report ("Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>",
			      "Returned mail: see transcript for details", text, w);
	g_free (text);
	g_free (transcript);
	return m;
}

static char *
sendmail_plain (const Wording *w)
{
	char *transcript = sendmail_transcript (w);
	char *m = g_strdup_printf (
		"From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n"
		"To: <sender@example.com>\n"
		"Subject: Returned mail: see transcript for details\n\n"
		"   ----- The following addresses had permanent fatal errors -----\n<" RECIPIENT ">\n\n"
		"%s\n   ----- Original message follows -----\n\n%s",
		transcript, original);
	g_free (transcript);
	return m;
}

/* Courier's, courier/module.dsn/dsn.c: "<A>:", the host, then the
 * session as ">>> CMD" and "<<< REPLY". */
static char *
courier (const Wording *w)
{
	const char *sent = strcmp (w->command, "RCPT") == 0 ? ">>> RCPT TO:<" RECIPIENT ">\n"
			   : strcmp (w->command, "MAIL") == 0 ? ">>> MAIL FROM:<sender@example.com>\n"
			   : strcmp (w->command, "DATA") == 0 ? ">>> DATA\n" : "";
	char *text = g_strdup_printf ("This is a delivery status notification from mx.example.org,\n"
				      "running the Courier mail server, version 1.1.8.\n\n"
				      "                           UNDELIVERABLE MAIL\n\n"
				      "Your message to the following recipients cannot be delivered:\n\n"
				      "<" RECIPIENT ">:\n    %s [192.0.2.25]:\n%s<<< %s\n",
				      host_of (w), sent, w->reply);
	char *m = dsn_report ("Courier mail server at mx.example.org <@>", "NOTICE: mail delivery status.", text, w);
	g_free (text);
	return m;
}

/* qmail's, qmail-remote.c: its own words for the stage, then "Remote host
 * said:" and the reply; "Giving up on H." when no recipient was taken.
 * It names the remote by its address only. */
static char *
qmail (const Wording *w)
{
	const char *stage = strcmp (w->command, "RCPT") == 0 ? "192.0.2.25 does not like recipient."
			    : strcmp (w->command, "MAIL") == 0 ? "Connected to 192.0.2.25 but sender was rejected."
			    : strcmp (w->command, "DATA") == 0 ? "192.0.2.25 failed after I sent the message."
							       : "Connected to 192.0.2.25 but greeting failed.";
	return g_strdup_printf (
		"From: MAILER-DAEMON@mx.example.org\n"
		"To: sender@example.com\n"
		"Subject: failure notice\n\n"
		"Hi. This is the qmail-send program at mx.example.org.\n"
		"I'm afraid I wasn't able to deliver your message to the following addresses.\n"
		"This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
		"<" RECIPIENT ">:\n%s\nRemote host said: %s\n%s\n"
		"--- Below this line is a copy of the message.\n\n%s",
		stage, w->reply, strcmp (w->command, "RCPT") == 0 ? "Giving up on 192.0.2.25.\n" : "", original);
}

/* MDaemon's, as its session transcript logs the session: a time stamp
 * on every line, the client's lines after "-->", the server's after
 * "<--"; the recipient in the "*  To:" line (MDaemon's DSN banner and
 * transcript, as eris's MDaemonProParser.java quotes them), the host in
 * "Attempting SMTP connection to [H]". */
static char *
mdaemon (const Wording *w)
{
	static const char stamp[] = " Wed 2013-09-11 12:22:05: ";
	GString *s = g_string_new (NULL);
	g_string_append_printf (s, "%s*  To: " RECIPIENT "\n%sAttempting SMTP connection to [%s]\n", stamp, stamp,
				host_of (w));
	if (strcmp (w->command, "CONN") != 0) {
		g_string_append_printf (s, "%s<-- 220 %s ESMTP\n%s--> EHLO mx.example.org\n%s<-- 250 %s\n", stamp,
					host_of (w), stamp, stamp, host_of (w));
		g_string_append_printf (s, "%s--> MAIL From:<sender@example.com> SIZE=1841\n", stamp);
		if (strcmp (w->command, "MAIL") != 0)
			g_string_append_printf (s, "%s<-- 250 2.1.0 Ok\n%s--> RCPT To:<" RECIPIENT ">\n", stamp, stamp);
		if (strcmp (w->command, "DATA") == 0)
			g_string_append_printf (s, "%s<-- 250 2.1.5 Ok\n%s--> DATA\n", stamp, stamp);
	}
	g_string_append_printf (s, "%s<-- %s\n", stamp, w->reply);
	char *m = g_strdup_printf (
		"From: \"MDaemon at mx.example.org\" <MDaemon@mx.example.org>\n"
		"To: sender@example.com\n"
		"Subject: Permanent Delivery Failure\n\n"
		"MDaemon Delivery Status Notification - http://www.altn.com/dsn/\n\n"
		"The attached message had PERMANENT fatal delivery errors.\n\n"
		"YOUR MESSAGE WAS NOT DELIVERED TO ONE OR MORE RECIPIENTS\n\n"
		"--- Session Transcript ---\n%s--- End Transcript ---\n",
		s->str);
	g_string_free (s, TRUE);
	return m;
}

/* Reports that quote the reply but not the command it answered. */

/* Gmail's (its "Delivery Status Notification (Failure)": "The response
 * from the remote server was:" then the reply). */
static char *
gmail (const Wording *w)
{
	char *text = g_strdup_printf ("** Message not delivered **\n\n"
				      "There was a problem delivering your message to " RECIPIENT ". See the "
				      "technical details below.\n\nThe response from the remote server was:\n%s\n",
				      w->reply);
	char *m = dsn_report ("Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
			      "Delivery Status Notification (Failure)", text, w);
	g_free (text);
	return m;
}

/* Exchange Online's NDR: "Diagnostic information for administrators",
 * the recipient, "Remote Server returned '<reply>'". */
static char *
office365 (const Wording *w)
{
	char *text = g_strdup_printf ("Delivery has failed to these recipients or groups:\n\n" RECIPIENT "\n"
				      "A problem occurred while delivering your message to this email address.\n\n"
				      "Diagnostic information for administrators:\n\n"
				      "Generating server: AM0PR01MB1234.eurprd01.prod.exchangelabs.com\n\n"
				      RECIPIENT "\nRemote Server returned '%s'\n",
				      w->reply);
	char *m = dsn_report ("Microsoft Outlook <postmaster@contoso.onmicrosoft.com>", "Undeliverable: test", text, w);
	g_free (text);
	return m;
}

/* OpenSMTPD's, smtpd/bounce.c: "An error has occurred while attempting
 * to deliver a message for the following list of recipients:", then
 * "A: reply". */
static char *
opensmtpd (const Wording *w)
{
	return g_strdup_printf (
		"From: MAILER-DAEMON@mx.example.org\n"
		"To: sender@example.com\n"
		"Subject: Delivery status notification: error\n\n"
		"Hi!\n\nThis is the MAILER-DAEMON, please DO NOT REPLY to this email.\n\n"
		"An error has occurred while attempting to deliver a message for\n"
		"the following list of recipients:\n\n" RECIPIENT ": %s\n\n"
		"Below is a copy of the original message:\n\n%s",
		w->reply, original);
}

/* ZoneMTA's, plugins/core/email-bounce.js generateBounceMessage(): its
 * own DSN, whose Status is 5.0.0 whatever the remote said, the reply
 * quoted after "Technical details of permanent failure:" and as the
 * Diagnostic-Code, X-Failed-Recipients, the returned headers as
 * text/rfc822-headers; no command named. */
static char *
zonemta (const Wording *w)
{
	return g_strdup_printf (
		"From: Mail Delivery Subsystem <mailer-daemon@mx.example.org>\n"
		"To: sender@example.com\nX-Sending-Zone: default\nX-Failed-Recipients: " RECIPIENT "\n"
		"Auto-Submitted: auto-replied\nSubject: Delivery Status Notification (Failure: " RECIPIENT ")\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"Z\"\n\n"
		"--Z\nContent-Type: text/plain\nContent-Description: Notification\n\n"
		"Delivery to the following recipient failed permanently:\n    " RECIPIENT "\n\n"
		"Technical details of permanent failure:\n\n%s\n\n"
		"--Z\nContent-Type: message/delivery-status\nContent-Description: Delivery report\n\n"
		"Reporting-MTA: dns; mx.example.org\nX-ZoneMTA-Queue-ID: 18a1b2c3d4e000a1b2\n"
		"X-ZoneMTA-Sender: rfc822; sender@example.com\nArrival-Date: Mon, 01 Jun 2020 09:58:00 +0000\n\n"
		"Final-Recipient: rfc822; " RECIPIENT "\nAction: failed\nStatus: 5.0.0\n"
		"Remote-MTA: dns; %s\nDiagnostic-Code: smtp; %s\n\n"
		"--Z\nContent-Type: text/rfc822-headers\nContent-Description: Undelivered Message Headers\n\n"
		"From: sender@example.com\nTo: " RECIPIENT "\nSubject: test\nMessage-ID: <orig@example.com>\n\n"
		"--Z--\n",
		w->reply, host_of (w), w->reply);
}

/* Haraka's, config/outbound.bounce_message and outbound/hmail.js
 * populate_bounce_message_with_headers(): "Failure Reason:" and the
 * recipient's "ADDRESS: REPLY" in the text; in the delivery-status part
 * the reply's enhanced status alone as Status (none when the reply has
 * none), Remote-MTA as the bare host, "Diagnostic-Code: smtp;" then the
 * code, the status and the text, each followed by a blank; no command. */
static char *
haraka (const Wording *w)
{
	char status[16] = "";
	const char *rest = w->reply + 3 + (w->reply[3] != '\0');
	if (g_ascii_isdigit (rest[0]) && rest[1] == '.')
		reply_status (w->reply, status, sizeof status);
	char *status_line = status[0] ? g_strdup_printf ("Status: %s\r\n", status) : g_strdup ("");
	char *m = g_strdup_printf (
		"Received: (Haraka 4242 invoked for bounce); Mon, 01 Jun 2020 10:00:00 +0000\r\n"
		"Date: Mon, 01 Jun 2020 10:00:00 +0000\r\nFrom: MAILER-DAEMON@mx.example.org\r\n"
		"To: sender@example.com\r\nAuto-Submitted: auto-replied\r\nSubject: failure notice\r\n"
		"Message-Id: <4F0D3C2A-1B2C-4D5E-8F90-A1B2C3D4E5F6@mx.example.org>\r\n"
		"Content-Type: multipart/report; report-type=delivery-status;\r\n    boundary=\"boundary_H\"\r\n"
		"References: <orig@example.com>\r\n\r\nThis is a MIME-encapsulated message.\r\n\r\n"
		"--boundary_H\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
		"Hi. This is the Haraka Mailer program at mx.example.org.\r\n"
		"I'm afraid I wasn't able to deliver your message\r\n    \"test\"\r\nto the following addresses.\r\n"
		"This is a permanent error; I've given up. Sorry it didn't work out.\r\n\r\n"
		"Intended Recipients: " RECIPIENT "\r\nFailure Reason: %s \r\n\r\n" RECIPIENT ": %s \r\n\r\n"
		"--boundary_H\r\nContent-type: message/delivery-status\r\n\r\n"
		"Original-Envelope-Id: <orig@example.com>\r\nReporting-MTA: dns;mx.example.org\r\n"
		"Arrival-Date: Mon, 01 Jun 2020 09:58:00 +0000\r\n\r\n"
		"Final-Recipient: rfc822;" RECIPIENT "\r\nAction: failed\r\n%sRemote-MTA: %s\r\n"
		"Diagnostic-Code: smtp;%s \r\n\r\n"
		"--boundary_H\r\nContent-Description: Undelivered Message Headers\r\nContent-Type: text/rfc822-headers\r\n\r\n"
		"From: sender@example.com\r\nTo: " RECIPIENT "\r\nSubject: test\r\nMessage-ID: <orig@example.com>\r\n\r\n"
		"--boundary_H--\r\n",
		w->reply, w->reply, status_line, host_of (w), w->reply);
	g_free (status_line);
	return m;
}

typedef struct {
	const char *name;
	char *(*build) (const Wording *w);
	gboolean names_host;    /* FALSE: a provider's wordings cannot be read there */
	gboolean names_command; /* FALSE: the wording is judged as its reply alone reads with no command */
} Report;

static const Report reports[] = {
	{ "postfix-dsn", postfix_dsn, TRUE, TRUE },
	{ "postfix-text", postfix_plain, TRUE, TRUE },
	{ "exim", exim, TRUE, TRUE },
	{ "sendmail-dsn", sendmail_dsn, TRUE, TRUE },
	{ "sendmail-text", sendmail_plain, TRUE, TRUE },
	{ "courier", courier, TRUE, TRUE },
	{ "qmail", qmail, FALSE, TRUE },
	{ "mdaemon", mdaemon, TRUE, TRUE },
	{ "gmail", gmail, TRUE, FALSE },
	{ "office365", office365, TRUE, FALSE },
	{ "opensmtpd", opensmtpd, FALSE, FALSE },
	{ "zonemta", zonemta, TRUE, FALSE },
	{ "haraka", haraka, TRUE, FALSE },
};

/* The reason of @w's reply read alone with no command, as a report that
 * does not name it leaves the decoder (a static string). */
static const char *
reply_alone (const Wording *w)
{
	GError *error = NULL;
	NdrparseClassification *c = ndrparse_classify_reply (w->reply, NULL, w->host, &error);
	if (c == NULL)
		g_error ("line %u: %s", w->line, error->message);
	const char *name = ndrparse_reason_get_name (ndrparse_classification_get_reason (c));
	ndrparse_classification_unref (c);
	return name;
}

/* A permanent refusal of a command the reports name. */
static gboolean
eligible (const Wording *w)
{
	static const char *const commands[] = { "RCPT", "MAIL", "DATA", "CONN" };
	gboolean named = FALSE;
	for (gsize i = 0; w->command && i < G_N_ELEMENTS (commands); i++)
		named |= strcmp (w->command, commands[i]) == 0;
	return named && w->reply[0] == '5' && g_ascii_isdigit (w->reply[1]) && g_ascii_isdigit (w->reply[2]) &&
	       (w->reply[3] == ' ' || w->reply[3] == '-');
}

/* What the report makes of the wording: the reason of its one record for
 * the recipient, else what went wrong. */
static char *
read_report (const Report *r, const Wording *w)
{
	char *message = r->build (w);
	GError *error = NULL;
	NdrparseReport *report = ndrparse_parse_bytes (message, strlen (message), &error);
	g_free (message);
	if (report == NULL) {
		char *what = g_strdup_printf ("error: %s", error->message);
		g_error_free (error);
		return what;
	}
	guint n = ndrparse_report_get_n_records (report);
	char *got;
	if (n != 1) {
		got = g_strdup_printf ("%u records", n);
	} else {
		const NdrparseRecord *rec = ndrparse_report_get_record (report, 0);
		const char *to = ndrparse_record_get_recipient (rec);
		got = g_strcmp0 (to, RECIPIENT) != 0
			? g_strdup_printf ("recipient %s", to ? to : "none")
			: g_strdup (ndrparse_reason_get_name (ndrparse_record_get_reason (rec)));
	}
	ndrparse_report_unref (report);
	return got;
}

/* The exceptions: "report\treply" -> the reading it has there. */
static GHashTable *
read_exceptions (const char *path)
{
	GPtrArray *rows = tsv_rows (path, 4, "report, reply, reading, why");
	GHashTable *out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	for (guint i = 0; i < rows->len; i++) {
		char **f = ((TsvRow *) g_ptr_array_index (rows, i))->f;
		g_hash_table_insert (out, g_strjoin ("\t", f[0], f[1], NULL), g_strdup (f[2]));
	}
	tsv_rows_free (rows);
	return out;
}

int
main (int argc, char **argv)
{
	if (argc != 3) {
		fprintf (stderr, "usage: test-wordings-in-reports WORDINGS EXCEPTIONS\n");
		return 2;
	}
	GPtrArray *wordings = wordings_read (argv[1]);
	GHashTable *exceptions = read_exceptions (argv[2]);
	GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
	guint cases = 0, failed = 0;

	for (gsize r = 0; r < G_N_ELEMENTS (reports); r++) {
		for (guint i = 0; i < wordings->len; i++) {
			const Wording *w = g_ptr_array_index (wordings, i);
			if (!eligible (w) || (w->host && !reports[r].names_host))
				continue;
			cases++;
			const char *want = reports[r].names_command ? w->reason : reply_alone (w);
			char *got = read_report (&reports[r], w);
			char *key = g_strjoin ("\t", reports[r].name, w->reply, NULL);
			gpointer stored_key, known;
			gboolean listed = g_hash_table_lookup_extended (exceptions, key, &stored_key, &known);
			if (listed)
				g_hash_table_add (seen, stored_key);
			if (listed && strcmp (got, want) == 0) {
				printf ("not ok - %s: \"%s\" (line %u) reads as its source says now: drop the exception\n",
					reports[r].name, w->reply, w->line);
				failed++;
			} else if (strcmp (got, want) != 0 && !(listed && strcmp (got, known) == 0)) {
				printf ("not ok - %s: \"%s\" (%s, line %u): want %s, got %s\n", reports[r].name, w->reply,
					w->command, w->line, listed ? (const char *) known : want, got);
				failed++;
			}
			g_free (key);
			g_free (got);
		}
	}
	GHashTableIter it;
	gpointer key;
	g_hash_table_iter_init (&it, exceptions);
	while (g_hash_table_iter_next (&it, &key, NULL)) {
		if (!g_hash_table_contains (seen, key)) {
			printf ("not ok - exception \"%s\" names no case of the table\n", (const char *) key);
			failed++;
		}
	}
	printf ("# %u cases in %" G_GSIZE_FORMAT " reports, %u failed\n", cases, G_N_ELEMENTS (reports), failed);
	g_hash_table_unref (seen);
	g_hash_table_unref (exceptions);
	g_ptr_array_unref (wordings);
	return failed == 0 ? 0 : 1;
}
