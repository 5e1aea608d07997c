/* test-text.c - the prose decoder: the recipient-line forms, who is never
 * a recipient, status inference from words, what is not a bounce, and
 * the feedback, SES and auto-reply decoders. */
#include <string.h>

#include "ndrparse-private.h"

/* A bounce from a mail system with the given subject and text. */
static char *
bounce (const char *subject, const char *text)
{
	return g_strdup_printf ("From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\n"
				"To: sender@example.org\n"
				"Subject: %s\n\n%s", subject, text);
}

static NdrparseReport *
parse (const char *text)
{
	GError *error = NULL;
	NdrparseReport *report = ndrparse_parse_bytes (text, strlen (text), &error);
	g_assert_no_error (error);
	g_assert_nonnull (report);
	return report;
}

static const NdrparseRecord *
only_record (NdrparseReport *report)
{
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 1);
	return ndrparse_report_get_record (report, 0);
}

/* Parses a bounce whose text names one recipient; checks it and the
 * status, and returns nothing: the report is freed. */
static void
check_one (const char *subject, const char *text, const char *recipient, const char *status,
	   guint reply_code)
{
	char *message = bounce (subject, text);
	NdrparseReport *report = parse (message);
	const NdrparseRecord *record = only_record (report);
	g_assert_cmpstr (ndrparse_record_get_recipient (record), ==, recipient);
	g_assert_cmpstr (ndrparse_record_get_status (record), ==, status);
	g_assert_cmpuint (ndrparse_record_get_reply_code (record), ==, reply_code);
	ndrparse_report_unref (report);
	g_free (message);
}

static void
check_none (const char *message)
{
	NdrparseReport *report = parse (message);
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 0);
	ndrparse_report_unref (report);
}

/* au's EZweb states the failure before the recipient line (Sisimai 5
 * lib/Sisimai/Lhost/EZweb.pm reads "The user(s) ..." lines wherever they
 * are): a recipient with nothing after it takes the lines before. */
static void
test_reason_before_recipient (void)
{
	static const struct { const char *text; NdrparseReason reason; } cases[] = {
		{ "The user(s) account is disabled.\n\n<kept-out@ezweb.ne.jp>\n", NDRPARSE_REASON_SUSPEND },
		{ "The user(s) account is temporarily over quota.\n\n<kept-out@ezweb.ne.jp>\n", NDRPARSE_REASON_MAILBOXFULL },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		char *message = g_strdup_printf ("From: Postmaster@ezweb.ne.jp\nTo: sender@example.org\n"
						 "Subject: Mail System Error - Returned Mail\n\n%s", cases[i].text);
		NdrparseReport *report = parse (message);
		const NdrparseRecord *record = only_record (report);
		g_assert_cmpstr (ndrparse_record_get_recipient (record), ==, "kept-out@ezweb.ne.jp");
		g_assert_cmpint (ndrparse_record_get_reason (record), ==, cases[i].reason);
		ndrparse_report_unref (report);
		g_free (message);
	}
}

/* Challenges of challenge-response systems are neither bounces nor
 * auto-replies (the detectors of Mail::DeliveryStatus::BounceParser). */
static void
test_challenges_are_not_bounces (void)
{
	check_none ("From: Alice <alice-confirm-1234.abcd@example.org>\nTo: sender@example.org\n"
		    "Subject: Re: Hello (confirmation required)\nX-Delivery-Agent: TMDA/1.1.12 (Macallan)\n"
		    "Auto-Submitted: auto-replied\nIn-Reply-To: <1@example.org>\n\n"
		    "Your message has not been delivered: reply to this message to release it.\n");
	check_none ("From: bob@example.net\nTo: sender@example.org\nSubject: Delivery Status Notification\n"
		    "Auto-Submitted: auto-replied\nIn-Reply-To: <2@example.org>\n\n"
		    "Hi, this is Bob's mailbox. Please add yourself to my Boxbe Guest List so that your message "
		    "is delivered.\n");
	/* An auto-reply without a challenge is still one. */
	NdrparseReport *report = parse ("From: carol@example.net\nTo: sender@example.org\nSubject: Out of Office: Hello\n"
					"Auto-Submitted: auto-replied\nIn-Reply-To: <3@example.org>\n\nI am away.\n");
	g_assert_cmpint (ndrparse_record_get_reason (only_record (report)), ==, NDRPARSE_REASON_VACATION);
	ndrparse_report_unref (report);
}

static void
test_recipient_line_forms (void)
{
	check_one ("failure notice", "<a@one.example>:\nRemote host said: 550 5.1.1 no such user\n",
		   "a@one.example", "5.1.1", 550);
	check_one ("Mail delivery failed", "The following address(es) failed:\n\n  b@two.example\n"
		   "    SMTP error from remote mail server after RCPT TO:<b@two.example>:\n"
		   "    552 5.2.2 over quota\n", "b@two.example", "5.2.2", 552);
	check_one ("Delivery status notification: error", "c@three.example: 550 5.7.1 Relay denied\n",
		   "c@three.example", "5.7.1", 550);
	check_one ("Undeliverable", "Recipient address: D@Four.Example\nReason: 550 5.1.1 unknown\n",
		   "d@four.example", "5.1.1", 550);
	check_one ("Returned mail: see transcript for details",
		   "While talking to mx.five.example:\n>>> RCPT To:<e@five.example>\n"
		   "<<< 550 5.1.1 <e@five.example>... User unknown\n", "e@five.example", "5.1.1", 550);
	check_one ("Returned mail: Host unknown",
		   "554 <f@six.example>... 550 Host unknown (Authoritative answer from name server)\n",
		   "f@six.example", "5.1.2", 550);
	check_one ("Mail failure - malformed recipient address",
		   "  x@seven.example <g@seven.example>: malformed address: <g@seven.example> may not follow x@seven.example\n",
		   "g@seven.example", "5.5.2", 0);
	check_one ("Mail delivery failed",
		   "There was an error delivering your mail to <h@eight.example>.\n\n"
		   "mx.eight.example did not like our RCPT TO:\n550 5.1.1 user unknown\n",
		   "h@eight.example", "5.1.1", 550);
}

/* Exchange 4.0-5.5 name a recipient by display name ("John Doe on
 * 12/1/97 12:00 PM"); the returned message's To says which address has
 * that name.  The X.400 form carries the address in "dda:SMTP=". */
static void
test_recipient_named_or_x400 (void)
{
	const char *report = "Your message did not reach some or all of the intended recipients.\n\n"
			     "The following recipient(s) could not be reached:\n\n"
			     "      %s on 12/1/97 12:00 PM\n"
			     "            The recipient name is not recognized\n"
			     "            <mx.example.org #5.1.1>\n\n"
			     "--- Original message follows.\n"
			     "From: Sender <sender@example.org>\n"
			     "To: %s\n"
			     "Subject: test\n\nhello\n";
	char *text = g_strdup_printf (report, "\"John  Doe\"", "Ann <ann@a.example>, john doe <jd@b.example>");
	check_one ("Undeliverable: test", text, "jd@b.example", "5.1.1", 0);
	g_free (text);
	/* Two mailboxes of that name: which one is not known. */
	text = g_strdup_printf (report, "John Doe", "John Doe <jd@b.example>, John Doe <john@c.example>");
	char *message = bounce ("Undeliverable: test", text);
	NdrparseReport *parsed = parse (message);
	for (guint i = 0; i < ndrparse_report_get_n_records (parsed); i++) {
		const char *r = ndrparse_record_get_recipient (ndrparse_report_get_record (parsed, i));
		g_assert_true (r == NULL || (strcmp (r, "jd@b.example") != 0 && strcmp (r, "john@c.example") != 0));
	}
	ndrparse_report_unref (parsed);
	g_free (message);
	g_free (text);
	/* An Exchange directory name: its last CN is the alias, here the
	 * local part of the returned message's recipient (KB Q178537). */
	text = g_strdup_printf (report, "'/O=ORG/OU=SITE/CN=RECIPIENTS/CN=USERA'", "User A <usera@e.example>");
	check_one ("Undeliverable: test", text, "usera@e.example", "5.1.1", 0);
	g_free (text);
	/* An X.400 O/R name: its given name and surname. */
	text = g_strdup_printf (report, "c=US;a= ;p=Corp;o=Site;s=Doe;g=Jane;", "\"Jane Doe\" <jane@f.example>");
	check_one ("Undeliverable: test", text, "jane@f.example", "5.1.1", 0);
	g_free (text);
	/* A bare local part, in a report of no family: completed only by the
	 * returned message's recipient of that local part. */
	check_one ("Undeliverable mail",
		   "The message that you sent was undeliverable to the following:\n\n"
		   "        jsmith (User not on post office)\n\n"
		   "--- Original message follows.\nFrom: Sender <sender@example.org>\nTo: jsmith@g.example\n"
		   "Subject: test\n\nhello\n",
		   "jsmith@g.example", "5.1.1", 0);
	text = bounce ("Undeliverable mail",
		       "The message that you sent was undeliverable to the following:\n\n"
		       "        jsmith (User not on post office)\n\n"
		       "--- Original message follows.\nFrom: Sender <sender@example.org>\nTo: other@g.example\n"
		       "Subject: test\n\nhello\n");
	check_none (text);
	g_free (text);
	check_one ("Undeliverable: test",
		   "did not reach the following recipient(s):\n\n"
		   "c=US;a= ;p=Corp;o=Exchange;dda:SMTP=kim@d.example; on Tue, 1 Dec 2026 10:00:00 +0000\n"
		   "    The recipient name is not recognized <mx.d.example #5.1.1>\n",
		   "kim@d.example", "5.1.1", 0);
	/* A German client's report names the recipient "Name am date" (KB
	 * Q229148), the reason in English. */
	char *de_body = bounce ("Unzustellbar: Test",
			   "Ihre Nachricht hat einige oder alle Empf\xc3\xa4nger nicht erreicht.\n\n"
			   "      Betreff: Test\n      Gesendet am: 21.08.98 16:32\n\n"
			   "Folgende Empf\xc3\xa4nger konnten nicht erreicht werden:\n\n"
			   "      Eppelmann, Uwe am 21.08.98 16:32\n"
			   "            A restriction in the system prevented delivery of the message.\n"
			   "            MSEXCH:MSExchangeMTA:HAY:HAY04\n\n"
			   "--- Original message follows.\nFrom: Sender <sender@example.org>\n"
			   "To: \"Eppelmann, Uwe\" <uwe@h.example>\nSubject: Test\n\nhello\n");
	/* Exchange's own header, with the text, tells the family. */
	char *de = g_strconcat ("X-MimeOLE: Produced By Microsoft Exchange V6.0.6249.0\n", de_body, NULL);
	g_free (de_body);
	parsed = parse (de);
	const NdrparseRecord *record = only_record (parsed);
	g_assert_cmpstr (ndrparse_record_get_recipient (record), ==, "uwe@h.example");
	g_assert_cmpstr (ndrparse_record_get_decoded_by (record), ==, "exchange2003");
	g_assert_cmpstr (ndrparse_reason_get_name (ndrparse_record_get_reason (record)), ==, "filtered");
	ndrparse_report_unref (parsed);
	g_free (de);
}

static void
test_senders_are_not_recipients (void)
{
	/* The bounce's To, its From, and the pasted original's sender. */
	check_one ("Mail delivery failed",
		   "A message sent by\n\n  <sender@example.org>\n\ncould not be delivered to one or more of its\n"
		   "recipients. The following address(es) failed:\n\n  i@nine.example\n    all hosts failing\n",
		   "i@nine.example", "5.0.0", 0);
	check_one ("failure notice",
		   "<j@ten.example>:\n550 5.1.1 unknown\n\n--- Below this line is a copy of the message.\n\n"
		   "Return-Path: <other-sender@example.org>\nFrom: other-sender@example.org\n"
		   "To: j@ten.example\nSubject: hi\n\nhello other-sender@example.org\n",
		   "j@ten.example", "5.1.1", 550);
}

/* A returned message given inline with no separator a rule knows: its
 * header ends the report, and a quoted header that names the sender or
 * the message (Message-ID) names no recipient.  (flufl.bounce's
 * simplematch.py lists reports whose original follows so, as MDaemon's
 * "--- Session Transcript ---" and LSMTP's "Error-End:" do.) */
static void
test_inline_returned_message (void)
{
	check_one ("Undeliverable mail",
		   "The following addresses did NOT receive a copy of your message:\n\n> k@eleven.example\n\n"
		   "--- Session Transcript ---\n\nFrom: poster@lists.example.org\nTo: list@lists.example.org\n"
		   "Subject: hello\nMessage-ID: <1234@lists.example.org>\n\nhello list@lists.example.org\n",
		   "k@eleven.example", "5.0.0", 0);
	/* Headers the report lists itself, indented, are its summary: the
	 * recipient after them is still read. */
	check_one ("Delivery Notification: Delivery has failed",
		   "This report relates to a message you sent with the following header fields:\n\n"
		   "  Message-id: <5678@example.org>\n  From: sender@example.org\n  To: l@twelve.example\n"
		   "  Subject: hello\n\nYour message cannot be delivered to the following recipients:\n\n"
		   "  Recipient address: l@twelve.example\n  Reason: Unknown user\n",
		   "l@twelve.example", "5.1.1", 0);
	/* The original right under a separator line, no blank between. */
	check_one ("Undeliverable Message",
		   "Your message could not be delivered for the following reason:\n\n"
		   "Invalid receiver address: n@fourteen.example\n\n--- Returned Message ---\n"
		   "From: poster@lists.example.org\nTo: list@lists.example.org\nSubject: hello\n\nhi\n",
		   "n@fourteen.example", "5.1.1", 0);
	/* Named only in the prose: the summary's Message-ID and From are no
	 * recipients. */
	check_one ("Undeliverable mail",
		   "Your message\n\n  Message-ID: <5678@example.org>\n  From: poster@example.net\n\n"
		   "could not be delivered to m@thirteen.example: user unknown\n",
		   "m@thirteen.example", "5.1.1", 0);
}

static void
test_status_inferred_from_words (void)
{
	check_one ("Undeliverable", "<k@x.example>:\nThe mailbox is full\n", "k@x.example", "5.2.2", 0);
	check_one ("Undeliverable", "<k@x.example>:\n452 mailbox full, try later\n", "k@x.example", "4.2.2", 452);
	check_one ("Undeliverable", "<k@x.example>:\nHost not found\n", "k@x.example", "5.1.2", 0);
	check_one ("Undeliverable", "<k@x.example>:\n552 Message too large\n", "k@x.example", "5.3.4", 552);
	check_one ("Undeliverable", "<k@x.example>:\n550 computer says no\n", "k@x.example", "5.0.0", 550);
	/* Web.de's and a French provider's words (the sources in the rules). */
	check_one ("Mail delivery failed", "  k@x.example\n    Benutzer nicht bekannt\n", "k@x.example", "5.1.1", 0);
	check_one ("Non remis", "  k@x.example\n    Utilisateur inconnu !\n", "k@x.example", "5.1.1", 0);
}

static void
test_transcript_failure_wins (void)
{
	check_one ("Postfix SMTP server: errors from localhost",
		   " In:  RCPT TO:<l@y.example>\n Out: 250 2.1.5 Ok\n In:  DATA\n Out: 451 4.3.0 queue file write error\n",
		   "l@y.example", "4.3.0", 451);
}

static void
test_failed_recipients_header (void)
{
	NdrparseReport *report = parse (
		"From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: sender@example.org\n"
		"X-Failed-Recipients: m@z.example\nSubject: Delivery Status Notification (Failure)\n\n"
		"The group you tried to contact may not exist, or you may not have permission to post.\n");
	const NdrparseRecord *record = only_record (report);
	g_assert_cmpstr (ndrparse_record_get_recipient (record), ==, "m@z.example");
	g_assert_cmpstr (ndrparse_record_get_status (record), ==, "5.0.0");
	ndrparse_report_unref (report);
}

static void
test_not_bounces (void)
{
	/* A person's reply quoting a bounce. */
	check_none ("From: Bob <bob@example.com>\nTo: sender@example.org\n"
		    "Subject: Re: Undeliverable: hello\n\n> <a@one.example>:\n> 550 5.1.1 user unknown\n");
	/* List mail about bounces. */
	check_none ("From: News <news@example.com>\nTo: sender@example.org\nList-Id: <news.example.com>\n"
		    "Subject: Undeliverable mail explained\n\nwrite to editor@example.com: 550 5.1.1\n");
	/* A mail system's message that reports no failure. */
	check_none ("From: MAILER-DAEMON@mx.example.org\nTo: sender@example.org\n"
		    "Subject: Your quarantine summary\n\nNothing was held for admin@example.org today.\n");
	/* Ordinary mail. */
	check_none ("From: Carol <carol@example.com>\nTo: dave@example.net\nSubject: lunch\n\n"
		    "See you at noon, carol@example.com\n");
}

static void
test_delay_is_not_failure (void)
{
	char *message = bounce ("Delivery Status Notification (Delay)",
				"Delivery to the following recipient has been delayed:\n\n     n@slow.example\n\n"
				"Message will be retried for 2 more day(s)\n");
	NdrparseReport *report = parse (message);
	const NdrparseRecord *record = only_record (report);
	g_assert_cmpint (ndrparse_record_get_action_kind (record), ==, NDRPARSE_ACTION_DELAYED);
	g_assert_cmpstr (ndrparse_record_get_decoded_by (record), ==, "gmail");
	g_assert_cmpint (ndrparse_record_get_status_class (record), ==, NDRPARSE_STATUS_CLASS_TRANSIENT);
	ndrparse_report_unref (report);
	g_free (message);

	/* A report that calls its error transient (BounceParser's
	 * $Not_An_Error) tells no failure. */
	message = bounce ("Delivery problem", "A transient error occurred while delivering your message to\n"
			  "o@slow.example. The system will retry; no action is needed.\n");
	report = parse (message);
	record = only_record (report);
	g_assert_cmpint (ndrparse_record_get_action_kind (record), ==, NDRPARSE_ACTION_DELAYED);
	g_assert_cmpstr (ndrparse_record_get_recipient (record), ==, "o@slow.example");
	ndrparse_report_unref (report);
	g_free (message);
}

/* A report that gave the message up, or states a failure and no delay,
 * tells a failure though the last reply was a 4xx one. */
static void
test_given_up_is_failure (void)
{
	/* Sendmail's queue timeout (envelope.c), the Subject the last error:
	 * the report names only the domain, whose recipient the returned
	 * message gives (Sisimai 5 V5sendmail.pm takes its To). */
	char *message = bounce ("Returned mail: Deferred: Connection timed out during user open with p.example",
				"   ----- Transcript of session follows -----\n"
				"421 p.example (smtp)... Deferred: Connection timed out during user open with p.example\n"
				"Message could not be delivered for 5 days\nMessage will be deleted from queue\n\n"
				"   ----- Unsent message follows -----\n"
				"From: sender@example.org\nTo: q@p.example, list@lists.example.org\nSubject: hi\n\nhello\n");
	NdrparseReport *report = parse (message);
	const NdrparseRecord *record = only_record (report);
	g_assert_cmpstr (ndrparse_record_get_recipient (record), ==, "q@p.example");
	g_assert_cmpint (ndrparse_record_get_action_kind (record), ==, NDRPARSE_ACTION_FAILED);
	ndrparse_report_unref (report);
	g_free (message);

	/* Exim's failure template over a temporary reply. */
	message = bounce ("Mail delivery failed: returning message to sender",
			  "This message was created automatically by mail delivery software.\n\n"
			  "A message that you sent could not be delivered to one or more of its\n"
			  "recipients. This is a permanent error. The following address(es) failed:\n\n"
			  "  r@s.example\n    SMTP error from remote mail server after RCPT TO:<r@s.example>:\n"
			  "    451 4.3.0 Temporary local problem - please try later\n");
	report = parse (message);
	record = only_record (report);
	g_assert_cmpstr (ndrparse_record_get_recipient (record), ==, "r@s.example");
	g_assert_cmpint (ndrparse_record_get_action_kind (record), ==, NDRPARSE_ACTION_FAILED);
	g_assert_cmpstr (ndrparse_record_get_status (record), ==, "4.3.0");
	ndrparse_report_unref (report);
	g_free (message);

	/* A domain the report names only as where the message came from is
	 * no failing domain: the list's own address in To is no recipient. */
	message = bounce ("Returned mail: Cannot send message for 5 days",
			  "The original message was received at Mon, 2 Apr 2001 09:59:00 -0400\n"
			  "from lists.example.org [192.0.2.1]\n\n   ----- Transcript of session follows -----\n"
			  "Message could not be delivered for 5 days\nMessage will be deleted from queue\n\n"
			  "   ----- Unsent message follows -----\n"
			  "From: sender@example.org\nTo: list@lists.example.org\nSubject: hi\n\nhello\n");
	check_none (message);
	g_free (message);
}

static void
test_feedback_report (void)
{
	NdrparseReport *report = parse (
		"From: fbl@isp.example\nTo: abuse@example.org\nSubject: report\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=feedback-report; boundary=\"b\"\n\n"
		"--b\nContent-Type: message/feedback-report\n\nFeedback-Type: Abuse\n"
		"Original-Rcpt-To: <o@isp.example>\nOriginal-Rcpt-To: p@isp.example\n\n--b--\n");
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 2);
	const NdrparseRecord *first = ndrparse_report_get_record (report, 0);
	g_assert_cmpstr (ndrparse_record_get_recipient (first), ==, "o@isp.example");
	g_assert_cmpstr (ndrparse_record_get_feedback_type (first), ==, "abuse");
	g_assert_cmpstr (ndrparse_record_get_decoded_by (first), ==, "arf");
	g_assert_null (ndrparse_record_get_status (first));
	g_assert_cmpstr (ndrparse_record_get_recipient (ndrparse_report_get_record (report, 1)), ==, "p@isp.example");
	ndrparse_report_unref (report);
}

static void
test_ses_notification (void)
{
	NdrparseReport *report = parse (
		"From: no-reply@sns.amazonaws.com\nTo: sender@example.org\nSubject: AWS Notification Message\n\n"
		"{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Transient\",\"bouncedRecipients\":"
		"[{\"emailAddress\":\"q@ses.example\",\"status\":\"4.2.2\",\"diagnosticCode\":\"smtp; 452 4.2.2 full\"}]}}\n");
	const NdrparseRecord *record = only_record (report);
	g_assert_cmpstr (ndrparse_record_get_recipient (record), ==, "q@ses.example");
	g_assert_cmpstr (ndrparse_record_get_status (record), ==, "4.2.2");
	g_assert_cmpuint (ndrparse_record_get_reply_code (record), ==, 452);
	g_assert_cmpint (ndrparse_record_get_action_kind (record), ==, NDRPARSE_ACTION_DELAYED);
	ndrparse_report_unref (report);

	/* Not JSON after all: no record, no crash. */
	check_none ("From: no-reply@sns.amazonaws.com\nTo: sender@example.org\nSubject: AWS Notification\n\n"
		    "{\"notificationType\": \"Bounce\", \"bounce\": {\"bouncedRecipients\": [\n");
}

static void
test_autoreply (void)
{
	NdrparseReport *report = parse (
		"From: Rae <rae@away.example>\nTo: sender@example.org\nSubject: Out of office\n"
		"Auto-Submitted: auto-replied\n\nBack on Monday.\n");
	const NdrparseRecord *record = only_record (report);
	g_assert_cmpstr (ndrparse_record_get_recipient (record), ==, "rae@away.example");
	g_assert_cmpstr (ndrparse_record_get_decoded_by (record), ==, "rfc3834");
	ndrparse_report_unref (report);

	/* A subject alone, on mail that answers nothing, is a person's. */
	check_none ("From: Rae <rae@away.example>\nTo: team@example.org\nSubject: Out of office next week\n\n"
		    "I will be away.\n");
}

static void
test_reason_phrases (void)
{
	static const struct {
		const char *text;
		NdrReason reason;
	} cases[] = {
		{ "550 5.1.1 <a@b>: Recipient address rejected: User unknown", NDRPARSE_REASON_USERUNKNOWN },
		{ "Mailbox is full", NDRPARSE_REASON_MAILBOXFULL },
		{ "Host or domain name not found", NDRPARSE_REASON_HOSTUNKNOWN },
		{ "Message size exceeds fixed maximum message size", NDRPARSE_REASON_MESGTOOBIG },
		{ "Relay access denied", NDRPARSE_REASON_NORELAYING },
		{ "Benutzer hat das Speichervolumen ueberschritten", NDRPARSE_REASON_MAILBOXFULL },
		{ "Utilisateur inconnu !", NDRPARSE_REASON_USERUNKNOWN },
		{ "nothing to see", NDRPARSE_REASON_UNDEFINED },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
		g_assert_cmpint (_ndr_reason_from_text (_ndr_rules_use (NULL), cases[i].text, strlen (cases[i].text)), ==,
				 cases[i].reason);
	g_assert_cmpstr (_ndr_reason_name (NDRPARSE_REASON_USERUNKNOWN), ==, "userunknown");
	g_assert_null (_ndr_reason_name (NDRPARSE_REASON_COUNT));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/text/recipient-line-forms", test_recipient_line_forms);
	g_test_add_func ("/text/reason-before-recipient", test_reason_before_recipient);
	g_test_add_func ("/text/recipient-named-or-x400", test_recipient_named_or_x400);
	g_test_add_func ("/text/challenges-are-not-bounces", test_challenges_are_not_bounces);
	g_test_add_func ("/text/senders-are-not-recipients", test_senders_are_not_recipients);
	g_test_add_func ("/text/inline-returned-message", test_inline_returned_message);
	g_test_add_func ("/text/status-inferred-from-words", test_status_inferred_from_words);
	g_test_add_func ("/text/transcript-failure-wins", test_transcript_failure_wins);
	g_test_add_func ("/text/failed-recipients-header", test_failed_recipients_header);
	g_test_add_func ("/text/not-bounces", test_not_bounces);
	g_test_add_func ("/text/delay-is-not-failure", test_delay_is_not_failure);
	g_test_add_func ("/text/given-up-is-failure", test_given_up_is_failure);
	g_test_add_func ("/text/feedback-report", test_feedback_report);
	g_test_add_func ("/text/ses-notification", test_ses_notification);
	g_test_add_func ("/text/autoreply", test_autoreply);
	g_test_add_func ("/text/reason-phrases", test_reason_phrases);
	return g_test_run ();
}
