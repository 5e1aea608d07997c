/* test-classify.c - the reason classifier: one reply per reason, the
 * wording of several languages, each provider's rules, the order of the
 * evidence, hard_bounce, advice, and the public reason API. */
#include <string.h>

#include "ndrparse.h"

typedef struct {
	const char *reply;
	const char *remote_host;        /* NULL: none */
	const char *reason;
	const char *command;            /* what the reply answered; NULL: unknown */
} Case;

/* The classification of a bare @reply (no command, no host); never NULL. */
static NdrparseClassification *
classify (const char *reply)
{
	GError *error = NULL;
	NdrparseClassification *c = ndrparse_classify_reply (reply, NULL, NULL, &error);
	g_assert_no_error (error);
	g_assert_nonnull (c);
	return c;
}

static void
check_cases (const Case *cases, gsize n)
{
	guint wrong = 0;
	for (gsize i = 0; i < n; i++) {
		GError *error = NULL;
		NdrparseClassification *c = ndrparse_classify_reply (cases[i].reply, cases[i].command,
								     cases[i].remote_host, &error);
		g_assert_no_error (error);
		g_assert_nonnull (c);
		const char *got = ndrparse_reason_get_name (ndrparse_classification_get_reason (c));
		if (g_strcmp0 (got, cases[i].reason) != 0) {
			g_printerr ("# \"%s\" (host %s): want %s, got %s\n", cases[i].reply,
				    cases[i].remote_host ? cases[i].remote_host : "none", cases[i].reason, got);
			wrong++;
		}
		g_assert_nonnull (ndrparse_classification_get_advice (c));
		ndrparse_classification_unref (c);
	}
	g_assert_cmpuint (wrong, ==, 0);
}

/* One reply for every reason a reply can carry.  (feedback, vacation
 * and undefined come from whole messages: see test_reasons_of_messages.) */
static void
test_reason_per_reply (void)
{
	static const Case cases[] = {
		{ "550 5.7.26 This message does not pass authentication checks (SPF and DKIM both do not pass)", NULL, "authfailure", NULL },
		{ "421 4.7.0 Mail refused because of the sending MTA's poor reputation", NULL, "badreputation", NULL },
		{ "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org", NULL, "blocked", NULL },
		{ "554 5.6.0 Message contains invalid MIME structure", NULL, "contenterror", NULL },
		{ "250 2.0.0 Ok: queued as 4F2B", NULL, "delivered", NULL },
		{ "552 5.2.3 Message exceeds the recipient's size limit", NULL, "exceedlimit", NULL },
		{ "451 4.4.7 Delivery time expired", NULL, "expired", NULL },
		{ "550 User refuses to receive this mail", NULL, "filtered", NULL },
		{ "551 5.1.6 User has moved; no forwarding address", NULL, "hasmoved", NULL },
		{ "550 5.1.2 Host unknown (Name server: example.invalid: host not found)", NULL, "hostunknown", NULL },
		{ "552 5.2.2 Mailbox full", NULL, "mailboxfull", NULL },
		{ "554 5.3.0 procmail: Couldn't create \"/var/mail/a\"", NULL, "mailererror", NULL },
		{ "552 5.3.4 Message too big for system", NULL, "mesgtoobig", NULL },
		{ "554 5.4.6 Too many hops: mail loop detected", NULL, "networkerror", NULL },
		{ "554 5.7.1 <a@example.org>: Relay access denied", NULL, "norelaying", NULL },
		{ "556 5.1.10 Domain example.org does not accept mail (null MX)", NULL, "notaccept", NULL },
		{ "550 This message is not RFC 5322 compliant. There are multiple Date headers.", NULL, "notcompliantrfc", NULL },
		{ "550 computer says no", NULL, "onhold", NULL },
		{ "554 5.7.0 Message rejected: policy violation", NULL, "policyviolation", NULL },
		{ "553 5.1.8 Domain of sender address bounce@example.invalid does not exist", NULL, "rejected", NULL },
		{ "550 5.7.25 The IP address sending this message does not have a PTR record", NULL, "requireptr", NULL },
		{ "530 5.7.0 Must issue a STARTTLS command first: TLS required", NULL, "securityerror", NULL },
		{ "550 5.7.1 Message rejected as spam by Content Filtering", NULL, "spamdetected", NULL },
		{ "450 4.7.1 Rate limit exceeded, slow down", NULL, "speeding", NULL },
		{ "550 5.2.1 Mailbox disabled, account is suspended", NULL, "suspend", NULL },
		{ "500 5.5.1 Command unrecognized", NULL, "syntaxerror", NULL },
		{ "451 4.3.0 Internal error, try again later", NULL, "systemerror", NULL },
		{ "452 4.3.1 Insufficient system storage", NULL, "systemfull", NULL },
		{ "421 4.7.0 Too many connections from your host", NULL, "toomanyconn", NULL },
		{ "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown", NULL, "userunknown", NULL },
		{ "554 5.7.1 Message rejected: virus found (Eicar-Test-Signature)", NULL, "virusdetected", NULL },
	};
	check_cases (cases, G_N_ELEMENTS (cases));
}

/* When no words and no status say more, the basic code read with the
 * command it answered (RFC 5321 4.2.3, 3.3, 3.4): a 550 to RCPT is the
 * mailbox, a 551 a user who moved; a 550 elsewhere names nothing. */
static void
test_reply_code_defaults (void)
{
	static const Case cases[] = {
		{ "550 computer says no", NULL, "userunknown", "RCPT" },
		{ "550 Benutzer unbekannt", NULL, "userunknown", "RCPT" },
		{ "550 computer says no", NULL, "rejected", "MAIL" },
		{ "550 computer says no", NULL, "onhold", "DATA" },
		{ "551 please try <a@new.example>", NULL, "hasmoved", NULL },
		{ "550 5.2.2 computer says no", NULL, "mailboxfull", "RCPT" },
	};
	check_cases (cases, G_N_ELEMENTS (cases));
}

/* The words of other languages. */
static void
test_languages (void)
{
	static const Case cases[] = {
		/* Each as a provider writes it (the rules cite where). */
		{ "550 Benutzer nicht bekannt", NULL, "userunknown", "RCPT" },                     /* German: Web.de */
		{ "552 Benutzer hat das Speichervolumen ueberschritten", NULL, "mailboxfull", NULL },
		{ "550 Utilisateur inconnu !", NULL, "userunknown", "RCPT" },                      /* French */
		{ "552 Boite du destinataire pleine", NULL, "mailboxfull", NULL },
		{ "550 Nessun utente simile in questo indirizzo", NULL, "userunknown", "RCPT" },   /* Italian */
		{ "550 No existe ese usuario aqui", NULL, "userunknown", "RCPT" },                 /* Spanish */
		/* Words no rule knows say something all the same (to RCPT, the
		 * 550 alone would name the mailbox: test_reply_code_defaults). */
		{ "550 宛先のメールアドレスは存在しません", NULL, "onhold", NULL },                /* Japanese */
	};
	check_cases (cases, G_N_ELEMENTS (cases));
}

/* Words typeset for people read as the ASCII the rules write: typographic
 * dashes and no-break spaces.  Each case is decided otherwise without the
 * fold (a 550 to RCPT alone would be the mailbox; a 550 to DATA, onhold). */
static void
test_typographic_punctuation (void)
{
	static const Case cases[] = {
		{ "550 Envelope blocked \xe2\x80\x93 User Entry", NULL, "rejected", "RCPT" },          /* en dash */
		{ "550 Envelope blocked \xe2\x80\x94 User Entry", NULL, "rejected", "RCPT" },          /* em dash */
		{ "550 Mailbox\xc2\xa0" "full", NULL, "mailboxfull", "DATA" },                            /* no-break space */
	};
	check_cases (cases, G_N_ELEMENTS (cases));
}

/* Words are found wherever they start in a reply: Vectorscan's AVX-512
 * scan lost some matches that start 64 or more bytes in (ndr-hs-runtime.c).
 * Missed, the words leave a 550 to DATA onhold; read, they are a
 * missing mailbox, which after DATA is filtered (as Sisimai reads it). */
static void
test_words_far_into_a_reply (void)
{
	static const Case cases[] = {
		{ "550 Delivery failed for the recipient at this site, as it says here: <x@y> not found", NULL,
		  "filtered", "DATA" },
	};
	check_cases (cases, G_N_ELEMENTS (cases));
}

/* Each provider's rules apply to its own hosts (or, with no host, to its
 * recipient domains only through a parsed record), and not elsewhere. */
static void
test_provider_rules (void)
{
	static const Case cases[] = {
		/* Google */
		{ "550 5.7.26 Unauthenticated email from example.org is not accepted due to domain's DMARC policy",
		  "gmail-smtp-in.l.google.com", "authfailure", NULL },
		{ "550 5.7.1 Messages with multiple addresses in From: header are not accepted",
		  "aspmx.l.google.com", "notcompliantrfc", NULL },
		{ "450 4.2.1 The user you are trying to contact is receiving mail too quickly",
		  "gmail-smtp-in.l.google.com", "speeding", NULL },
		/* Microsoft: 5.7.606-649 are banned sending IPs, whatever the words */
		{ "550 5.7.606 Access denied, banned sending IP [192.0.2.1]",
		  "example-org.mail.protection.outlook.com", "blocked", NULL },
		{ "451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation",
		  "outlook-com.olc.protection.outlook.com", "badreputation", NULL },
		{ "550 5.7.509 Access denied, sending domain example.org does not pass DMARC verification",
		  "example-org.mail.protection.outlook.com", "authfailure", NULL },
		/* Yahoo */
		{ "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's list; "
		  "see http://postmaster.yahoo.com/550-bl23.html", "mta5.am0.yahoodns.net", "blocked", NULL },
		/* [TSS04]: Yahoo's words for it mean a refused sender (Sisimai's table) */
		{ "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints",
		  "mta6.am0.yahoodns.net", "rejected", NULL },
		/* Without "unexpected volume": Sisimai's Blocked.pm pair ("messages
		 * from ... temporarily deferred due to user complaints") says
		 * which client-or-sender reason the refusal at MAIL is. */
		{ "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to user complaints",
		  "mta6.am0.yahoodns.net", "blocked", "MAIL" },
		{ "554 delivery error: dd This user doesn't have a yahoo.com account",
		  "mta7.am0.yahoodns.net", "userunknown", NULL },
		/* AOL */
		{ "421 4.7.1 : (DYN:T1) http://postmaster.info.aol.com/errors/421dynt1.html", "mailin-01.mx.aol.com", "blocked", NULL },
		/* Apple */
		{ "554 5.7.1 [CS01] Message rejected due to local policy", "mx01.mail.icloud.com", "policyviolation", NULL },
		/* Cox */
		{ "554 AUP#CXDNS rejected - no rDNS", "cxr.mx.a.cloudfilter.net.cox.net", "requireptr", NULL },
		{ "554 AUP#CXBL 192.0.2.1 blocked", "fed1rmimpi.cox.net", "blocked", NULL },
		/* GoDaddy */
		{ "554 Connection refused. This IP has a poor reputation on Cloudmark Sender Intelligence (CSI). IB103",
		  "smtp.secureserver.net", "badreputation", NULL },
		{ "552 Virus infected message rejected. IB705", "smtp.secureserver.net", "virusdetected", NULL },
		/* Tencent */
		{ "550 Mail content denied", "mx3.qq.com", "spamdetected", NULL },
		{ "550 Ip frequency limited", "mx1.qq.com", "toomanyconn", NULL },
		/* Mimecast */
		{ "550 DMARC Sender Invalid - envelope rejected", "eu-smtp-inbound-1.mimecast.com", "authfailure", NULL },
		{ "554 Maximum email size exceeded", "us-smtp-inbound-2.mimecast.com", "mesgtoobig", NULL },
		/* Orange */
		{ "550 5.7.1 Service refuse. Veuillez essayer plus tard. OFR_999 [999]", "smtp-in.orange.fr", "blocked", NULL },
		{ "550 5.5.0 Boite du destinataire pleine. Recipient mailbox is full. OFR_417 [417]",
		  "smtp-in.orange.fr", "mailboxfull", NULL },
		/* Spectrum */
		{ "554 5.7.1 Connection refused. AUP#1000 - blocked", "dnvrco-cmedge01.email.charter.net", "blocked", NULL },
		{ "550 5.1.0 sender rejected. AUP#In-1310", "hmedge01.email.charter.net", "toomanyconn", NULL },
		/* KDDI (au) */
		{ "550 : User unknown", "msmx.au.com", "filtered", NULL },
		{ "550 <a@ezweb.ne.jp>: User unknown", "lsean.ezweb.ne.jp", "userunknown", NULL },
		/* NTT DOCOMO */
		{ "552 too much mail data", "mfsmax.docomo.ne.jp", "mailboxfull", NULL },
		/* ...whose "Unknown user" after DATA is its filter of senders */
		{ "550 5.0.0 Unknown user a@docomo.ne.jp", "mfsmax.docomo.ne.jp", "rejected", "DATA" },
		/* i.ua */
		{ "550 Mailbox full. https://mail.i.ua/err/4/", "mx.email.ua", "mailboxfull", NULL },
	};
	check_cases (cases, G_N_ELEMENTS (cases));

	/* The same reply from an unknown host falls to the generic rules. */
	static const Case elsewhere[] = {
		{ "550 5.7.606 Access denied, banned sending IP [192.0.2.1]", "mx.example.org", "blocked", NULL },
		{ "550 5.7.606 Access denied", "mx.example.org", "securityerror", NULL },
		{ "550 Ip frequency limited", "mx.example.org", "onhold", NULL },
		{ "554 AUP#CXDNS", "mx.example.org", "onhold", NULL },
	};
	check_cases (elsewhere, G_N_ELEMENTS (elsewhere));
}

/* The order of the evidence. */
static void
test_evidence_order (void)
{
	static const Case cases[] = {
		/* Naming words outrank a generic code... */
		{ "550 5.7.1 Mailbox full", NULL, "mailboxfull", NULL },
		/* ...the code outranks broad words... */
		{ "550 5.1.1 The account does not exist or is blocked", NULL, "userunknown", NULL },
		/* ...unless the code refines the words. */
		{ "552 5.2.3 Message size exceeds fixed maximum message size", NULL, "exceedlimit", NULL },
		/* A full mailbox's words say more than X.2.3: Sisimai 5's Reason.pm
		 * reads MailboxFull first, before any status. */
		{ "552 5.2.3 Sorry, the user's maildir has overdrawn his diskspace quota, please try again later.", NULL,
		  "mailboxfull", NULL },
		/* An unknown address answered to MAIL is the sender's. */
		{ "553 5.1.0 Domain does not exist (in reply to MAIL FROM command)", NULL, "rejected", NULL },
		/* "User unknown" after DATA is a filter, not a dead mailbox. */
		{ "550 User unknown (in reply to end of DATA command)", NULL, "filtered", NULL },
		{ "550 User unknown (in reply to RCPT TO command)", NULL, "userunknown", NULL },
		/* The command the caller knows counts as much as one the text names. */
		{ "550 User unknown", NULL, "userunknown", "RCPT" },
		{ "550 User unknown", NULL, "userunknown", "rcpt to" },
		{ "550 User unknown", NULL, "filtered", "DATA" },
		{ "550 User unknown", NULL, "rejected", "MAIL" },
		/* With neither the command nor an address status, the words may be
		 * a filter's that had taken the recipient. */
		{ "550 User unknown", NULL, "filtered", NULL },
		{ "550 5.1.1 User unknown", NULL, "userunknown", NULL },
		/* A specific status says why "Recipient address rejected". */
		{ "550 5.7.26 <a@example.org>: Recipient address rejected: Multiple authentication checks failed",
		  NULL, "authfailure", "RCPT" },
		{ "550 <a@example.org>: Recipient address rejected", NULL, "userunknown", "RCPT" },
		/* X.7.1 only says "not authorized": the words of a missing address
		 * answered to RCPT say why (Postfix access(5): REJECT text gives
		 * "554 5.7.1 <a>: Recipient address rejected: text"). */
		{ "554 5.7.1 <a@example.org>: Recipient address rejected: Nonexistent user", NULL, "userunknown", "RCPT" },
		{ "554 5.7.1 <a@example.org>: Recipient address rejected: Nonexistent user", NULL, "securityerror", NULL },
		/* Gmail's help key names the problem where its words are cut
		 * (KumoMTA's community table: ReceivingRatePerm). */
		{ "550 5.2.1 Try again later. https://support.google.com/mail/?p=ReceivingRatePerm - gsmtp", NULL,
		  "speeding", "RCPT" },
		/* A refused greeting is a block, whatever code comes with it. */
		{ "554 5.7.1 You have reached your daily relay quota (after initial connection)", NULL, "blocked", NULL },
		/* A domain that does not resolve for now is a DNS problem. */
		{ "451 4.1.2 Host or domain name not found, try again later", NULL, "networkerror", NULL },
		/* Only the reply code is left. */
		{ "552 Requested action aborted", NULL, "mailboxfull", NULL },
		{ "502 Not implemented", NULL, "syntaxerror", NULL },
		/* Multi-line replies read as one. */
		{ "550-5.7.1 Messages with multiple\n550-5.7.1 addresses in From: header\n550 5.7.1 are not accepted",
		  "gmail-smtp-in.l.google.com", "notcompliantrfc", NULL },
	};
	check_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_hard_bounce_and_advice (void)
{
	static const struct {
		const char *reply;
		NdrparseTristate hard;
	} cases[] = {
		{ "550 5.1.1 User unknown", NDRPARSE_TRISTATE_TRUE },
		{ "550 5.1.2 Host unknown", NDRPARSE_TRISTATE_TRUE },
		{ "551 5.1.6 User has moved", NDRPARSE_TRISTATE_TRUE },
		{ "556 5.1.10 Recipient address has null MX", NDRPARSE_TRISTATE_TRUE },
		{ "450 4.3.2 Does not accept mail for now", NDRPARSE_TRISTATE_FALSE },   /* notaccept, temporary */
		{ "554 5.7.1 Client host blocked using zen.spamhaus.org", NDRPARSE_TRISTATE_FALSE },
		{ "550 5.7.26 DMARC policy", NDRPARSE_TRISTATE_FALSE },
		{ "552 5.2.2 Mailbox full", NDRPARSE_TRISTATE_FALSE },
		{ "250 2.0.0 Ok", NDRPARSE_TRISTATE_UNSET },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		NdrparseClassification *c = classify (cases[i].reply);
		if (ndrparse_classification_get_hard_bounce (c) != cases[i].hard)
			g_error ("\"%s\" (%s): hard_bounce %d, want %d", cases[i].reply,
				 ndrparse_reason_get_name (ndrparse_classification_get_reason (c)),
				 ndrparse_classification_get_hard_bounce (c), cases[i].hard);
		ndrparse_classification_unref (c);
	}

	NdrparseClassification *permanent = classify ("550 5.1.1 User unknown");
	NdrparseClassification *temporary = classify ("450 4.1.1 User unknown");
	g_assert_true (g_str_has_prefix (ndrparse_classification_get_advice (permanent), "Remove the address"));
	g_assert_true (g_str_has_prefix (ndrparse_classification_get_advice (temporary), "Retry later"));
	g_assert_cmpuint (ndrparse_classification_get_reply_code (permanent), ==, 550);
	g_assert_cmpstr (ndrparse_classification_get_status (permanent), ==, "5.1.1");
	g_assert_cmpint (ndrparse_classification_get_status_class (permanent), ==, NDRPARSE_STATUS_CLASS_PERMANENT);
	ndrparse_classification_unref (permanent);
	ndrparse_classification_unref (temporary);

	NdrparseClassification *c = classify ("550 5.7.26 Unauthenticated mail");
	g_assert_nonnull (strstr (ndrparse_classification_get_advice (c), "DMARC"));
	ndrparse_classification_unref (c);
	c = classify ("554 5.7.1 blocked using bl.spamcop.net");
	g_assert_nonnull (strstr (ndrparse_classification_get_advice (c), "blocklists"));
	ndrparse_classification_unref (c);
	c = classify ("550 5.7.1 Message rejected (in reply to RCPT TO command)");
	g_assert_cmpstr (ndrparse_classification_get_smtp_command (c), ==, "RCPT");
	ndrparse_classification_unref (c);
	/* A host name is not a command: "[mail.example.org]" is no MAIL. */
	c = classify ("554 Rejected: blacklisted URL, host [mail.example.org] [192.0.2.1]");
	g_assert_null (ndrparse_classification_get_smtp_command (c));
	ndrparse_classification_unref (c);
	c = classify ("421 Service not available (host mx.example.org refused to talk to me)");
	g_assert_cmpstr (ndrparse_classification_get_smtp_command (c), ==, "CONN");
	ndrparse_classification_unref (c);
	/* A reply with a reply code and no enhanced status: NULL, not "". */
	c = classify ("550 Requested action not taken");
	g_assert_null (ndrparse_classification_get_status (c));
	g_assert_cmpuint (ndrparse_classification_get_reply_code (c), ==, 550);
	ndrparse_classification_unref (c);
	/* A reference outlives the first owner's. */
	c = classify ("552 5.2.2 Mailbox full");
	NdrparseClassification *kept = ndrparse_classification_ref (c);
	ndrparse_classification_unref (c);
	g_assert_cmpstr (ndrparse_classification_get_status (kept), ==, "5.2.2");
	ndrparse_classification_unref (kept);
}

static void
test_classify_errors (void)
{
	GError *error = NULL;

	g_assert_null (ndrparse_classify_reply (NULL, NULL, NULL, &error));
	g_assert_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT);
	g_clear_error (&error);
	g_assert_null (ndrparse_classify_reply ("", NULL, NULL, &error));
	g_assert_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT);
	g_clear_error (&error);
}

static void
test_reason_names (void)
{
	GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
	for (int r = 0; r < NDRPARSE_REASON_COUNT; r++) {
		const char *name = ndrparse_reason_get_name ((NdrparseReason) r);
		g_assert_nonnull (name);
		g_assert_nonnull (ndrparse_reason_get_description ((NdrparseReason) r));
		g_assert_false (g_hash_table_contains (seen, name));
		g_hash_table_add (seen, (gpointer) name);

		NdrparseReason back;
		char *upper = g_ascii_strup (name, -1);
		g_assert_true (ndrparse_reason_from_name (upper, &back));
		g_assert_cmpint (back, ==, r);
		g_free (upper);
	}
	g_assert_cmpuint (g_hash_table_size (seen), ==, 34);
	g_hash_table_unref (seen);

	NdrparseReason r;
	g_assert_cmpstr (ndrparse_reason_get_name (NDRPARSE_REASON_MAILBOXFULL), ==, "mailboxfull");
	g_assert_null (ndrparse_reason_get_name (NDRPARSE_REASON_COUNT));
	g_assert_null (ndrparse_reason_get_description ((NdrparseReason) -1));
	g_assert_false (ndrparse_reason_from_name ("nosuchreason", &r));
	g_assert_false (ndrparse_reason_from_name (NULL, &r));
}

static const NdrparseRecord *
first_record (NdrparseReport *report)
{
	g_assert_nonnull (report);
	g_assert_cmpuint (ndrparse_report_get_n_records (report), >=, 1);
	return ndrparse_report_get_record (report, 0);
}

static NdrparseReport *
parse (const char *text)
{
	GError *error = NULL;
	NdrparseReport *report = ndrparse_parse_bytes (text, strlen (text), &error);
	g_assert_no_error (error);
	return report;
}

#define DSN_HEAD                                                                           \
	"From: MAILER-DAEMON@mx.example.org\nTo: sender@example.org\nSubject: Undelivered\n"   \
	"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; "     \
	"boundary=b\n\n--b\nContent-Type: text/plain\n\nSee below.\n\n--b\n"                   \
	"Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"

/* Reasons that only whole messages carry, and what a record explains. */
static void
test_reasons_of_messages (void)
{
	NdrparseReport *r = parse ("From: Out of Office <ann@example.org>\nTo: sender@example.org\n"
				   "Subject: Automatic reply: Meeting\nAuto-Submitted: auto-replied\n"
				   "In-Reply-To: <m1@example.org>\n\nI am away until Monday.\n");
	const NdrparseRecord *rec = first_record (r);
	g_assert_cmpstr (ndrparse_reason_get_name (ndrparse_record_get_reason (rec)), ==, "vacation");
	g_assert_cmpint (ndrparse_record_get_reason (rec), ==, NDRPARSE_REASON_VACATION);
	/* An auto-reply is no delivery failure: neither hard nor soft. */
	g_assert_cmpint (ndrparse_record_get_hard_bounce (rec), ==, NDRPARSE_TRISTATE_UNSET);
	ndrparse_report_unref (r);

	r = parse ("From: abuse@isp.example\nTo: fbl@example.org\nSubject: FW: complaint\n"
		   "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=feedback-report; boundary=b\n\n"
		   "--b\nContent-Type: text/plain\n\nA complaint.\n\n--b\n"
		   "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\nVersion: 1\n"
		   "Original-Rcpt-To: <zed@isp.example>\n\n--b--\n");
	rec = first_record (r);
	g_assert_cmpstr (ndrparse_reason_get_name (ndrparse_record_get_reason (rec)), ==, "feedback");
	/* Nor is a complaint about a message that was delivered. */
	g_assert_cmpint (ndrparse_record_get_hard_bounce (rec), ==, NDRPARSE_TRISTATE_UNSET);
	ndrparse_report_unref (r);

	/* A failure that says nothing at all. */
	r = parse (DSN_HEAD "Final-Recipient: rfc822; quiet@example.net\nAction: failed\n\n--b--\n");
	rec = first_record (r);
	g_assert_cmpstr (ndrparse_reason_get_name (ndrparse_record_get_reason (rec)), ==, "undefined");
	g_assert_cmpint (ndrparse_record_get_hard_bounce (rec), ==, NDRPARSE_TRISTATE_FALSE);
	ndrparse_report_unref (r);

	/* The record explains itself: reason, advice, status and reply text. */
	r = parse (DSN_HEAD "Final-Recipient: rfc822; gone@example.net\nAction: failed\nStatus: 5.1.1\n"
		   "Remote-MTA: dns; mx.example.net\n"
		   "Diagnostic-Code: smtp; 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown\n\n--b--\n");
	rec = first_record (r);
	g_assert_cmpstr (ndrparse_reason_get_name (ndrparse_record_get_reason (rec)), ==, "userunknown");
	g_assert_cmpint (ndrparse_record_get_hard_bounce (rec), ==, NDRPARSE_TRISTATE_TRUE);
	g_assert_cmpstr (ndrparse_record_get_advice (rec), ==, "Remove the address: the mailbox does not exist.");
	g_assert_cmpstr (ndrparse_record_get_status_text (rec), ==, "Bad destination mailbox address");
	g_assert_cmpstr (ndrparse_record_get_reply_text (rec), ==, "Requested action not taken: mailbox unavailable");
	ndrparse_report_unref (r);

	/* With no host named, the recipient's domain picks the provider. */
	r = parse (DSN_HEAD "Final-Recipient: rfc822; someone@outlook.com\nAction: failed\nStatus: 5.7.606\n"
		   "Diagnostic-Code: smtp; 550 5.7.606 Access denied\n\n--b--\n");
	rec = first_record (r);
	g_assert_cmpstr (ndrparse_reason_get_name (ndrparse_record_get_reason (rec)), ==, "blocked");
	ndrparse_report_unref (r);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/classify/reason-per-reply", test_reason_per_reply);
	g_test_add_func ("/classify/reply-code-defaults", test_reply_code_defaults);
	g_test_add_func ("/classify/languages", test_languages);
	g_test_add_func ("/classify/typographic-punctuation", test_typographic_punctuation);
	g_test_add_func ("/classify/words-far-into-a-reply", test_words_far_into_a_reply);
	g_test_add_func ("/classify/provider-rules", test_provider_rules);
	g_test_add_func ("/classify/evidence-order", test_evidence_order);
	g_test_add_func ("/classify/hard-bounce-and-advice", test_hard_bounce_and_advice);
	g_test_add_func ("/classify/errors", test_classify_errors);
	g_test_add_func ("/classify/reason-names", test_reason_names);
	g_test_add_func ("/classify/messages", test_reasons_of_messages);
	return g_test_run ();
}
