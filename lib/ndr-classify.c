/* ndr-classify.c - weighs what a record shows into its reason, its
 * hard-bounce decision and its advice.
 *
 * The evidence, strongest first:
 *   1. a success (Action delivered/relayed/expanded, a 2.x.x status);
 *   2. the rules of the provider that refused (ndr-rhost.c), then those
 *      of the MTA that wrote the bounce (ndr-reporter.c);
 *   3. the phrases of the diagnostic that name a reason
 *      (ndr-reason-phrases.def): what the refusing server said is more
 *      precise than its code, which is often a generic 5.0.0 or 5.7.1;
 *   4. the enhanced status code (ndr-code-reasons.def);
 *   5. the broad words of the diagnostic ("does not exist", "policy");
 *   6. a delay: a message still queued has so far expired;
 *   7. the SMTP command the failure answered (a refused greeting is a
 *      block, a refused MAIL a rejected sender);
 *   8. the basic reply code.
 * A failure none of these explains is "onhold" when it says anything at
 * all, "undefined" when it says nothing.
 */
#include <string.h>

#include "ndrparse-private.h"

static gboolean
is_success (const NdrEvidence *ev)
{
	switch (ev->action) {
	case NDRPARSE_ACTION_DELIVERED:
	case NDRPARSE_ACTION_RELAYED:
	case NDRPARSE_ACTION_EXPANDED:
		return TRUE;
	case NDRPARSE_ACTION_UNKNOWN:
		return ev->status.klass == 2 || (ev->status.klass == 0 && ev->reply_code / 100 == 2);
	default:
		return FALSE;
	}
}

static gboolean
has_words (const NdrEvidence *ev)
{
	for (gsize i = 0; ev->text && i < ev->len; i++) {
		if (g_ascii_isalpha (ev->text[i]))
			return TRUE;
	}
	return FALSE;
}

static gboolean
command_is (const NdrEvidence *ev, const char *command)
{
	return ev->command && strcmp (ev->command, command) == 0;
}

/* "User unknown" means the mailbox does not exist when the server said
 * so to RCPT, or with a status that says so (X.1.1).  A server that took
 * the recipient and refuses the message afterwards (at DATA), or says
 * "user unknown" with a status naming another problem ("5.7.1", "5.2.1"),
 * is a filter hiding behind the words: the address may well exist. */
static gboolean
refused_after_recipient (const NdrEvidence *ev)
{
	if (command_is (ev, "RCPT"))
		return FALSE;
	if (command_is (ev, "DATA"))
		return !(ev->status.subject == 1 && ev->status.detail == 1);
	/* Address statuses (X.1.x) agree with the words; others do not. */
	return ev->status.subject != 1;
}

/* What the words say, read in the light of when they were said. */
static NdrReason
in_context (NdrReason said, const NdrEvidence *ev)
{
	switch (said) {
	case NDRPARSE_REASON_USERUNKNOWN:
	case NDRPARSE_REASON_HOSTUNKNOWN:
	case NDRPARSE_REASON_FILTERED:
		/* An unknown address in answer to MAIL is the sender's. */
		if (command_is (ev, "MAIL"))
			return NDRPARSE_REASON_REJECTED;
		if (said == NDRPARSE_REASON_USERUNKNOWN && refused_after_recipient (ev))
			return NDRPARSE_REASON_FILTERED;
		return said;
	default:
		return said;
	}
}

/* A refusal before any recipient was given is about the sending host or
 * the sender, whatever generic code came with it. */
static NdrReason
from_session_stage (const NdrEvidence *ev)
{
	if (ev->command == NULL || command_is (ev, "RCPT") || command_is (ev, "DATA"))
		return NDRPARSE_REASON_UNDEFINED;
	return _ndr_reason_from_command (ev->command);
}

/* The words stand, unless the status code makes them precise
 * (NDR_STATUS_REFINES in ndr-code-reasons.def). */
static NdrReason
refined_by_status (NdrReason said, const NdrEvidence *ev)
{
	NdrReason by_status = _ndr_reason_from_status (&ev->status);
	return _ndr_reason_refines (by_status, said) ? by_status : said;
}

static NdrReason
classify_failure (const NdrEvidence *ev)
{
	NdrReason reason;
	NdrPhraseKind kind;

	if ((reason = _ndr_rhost_reason (ev)) != NDRPARSE_REASON_UNDEFINED)
		return reason;
	if ((reason = _ndr_reporter_reason (ev)) != NDRPARSE_REASON_UNDEFINED)
		return reason;
	NdrReason said = _ndr_reason_from_phrases (ev->text, ev->len, &kind);
	if (kind == NDR_PHRASE_FINAL && said != NDRPARSE_REASON_UNDEFINED)
		return said;
	said = in_context (said, ev);
	gboolean broad = kind == NDR_PHRASE_BROAD;
	/* "Recipient address rejected" in answer to RCPT names the address,
	 * unless a status says why ("5.7.26 ... Recipient address rejected:
	 * Multiple authentication checks failed"). */
	if (said == NDRPARSE_REASON_USERUNKNOWN && command_is (ev, "RCPT") &&
	    _ndr_reason_from_status (&ev->status) == NDRPARSE_REASON_UNDEFINED)
		broad = FALSE;
	if (said != NDRPARSE_REASON_UNDEFINED && !broad)
		return refined_by_status (said, ev);
	/* "Diagnostic-Code: X-Unix; 75": the local delivery program failed. */
	if (ev->local_program)
		return NDRPARSE_REASON_MAILERERROR;
	if ((reason = from_session_stage (ev)) != NDRPARSE_REASON_UNDEFINED)
		return reason;
	if ((reason = _ndr_reason_from_status (&ev->status)) != NDRPARSE_REASON_UNDEFINED)
		return reason;
	if (said != NDRPARSE_REASON_UNDEFINED)
		return said;
	if (ev->action == NDRPARSE_ACTION_DELAYED)
		return NDRPARSE_REASON_EXPIRED;
	if ((reason = _ndr_reason_from_reply_code (ev->reply_code)) != NDRPARSE_REASON_UNDEFINED)
		return reason;
	/* The status ndrparse chose from the rest of the report. */
	if ((reason = _ndr_reason_from_status (&ev->inferred_status)) != NDRPARSE_REASON_UNDEFINED)
		return reason;
	return has_words (ev) ? NDRPARSE_REASON_ONHOLD : NDRPARSE_REASON_UNDEFINED;
}

/* The class the evidence states: status, else reply code, else a delay
 * is temporary and any other failure permanent. */
static guint
class_of (const NdrEvidence *ev)
{
	if (ev->status.klass)
		return ev->status.klass;
	if (ev->status_class)
		return ev->status_class;
	if (ev->reply_code)
		return ev->reply_code / 100;
	return ev->action == NDRPARSE_ACTION_DELAYED ? 4 : 5;
}

NdrReason
_ndr_classify (const NdrEvidence *ev)
{
	if (is_success (ev))
		return NDRPARSE_REASON_DELIVERED;
	NdrReason reason = classify_failure (ev);
	/* A domain that does not resolve for now is a DNS problem, not a
	 * domain that does not exist. */
	if (reason == NDRPARSE_REASON_HOSTUNKNOWN && class_of (ev) == 4)
		return NDRPARSE_REASON_NETWORKERROR;
	return reason;
}

NdrparseTristate
_ndr_hard_bounce (NdrReason reason, NdrparseAction action, guint klass)
{
	/* Neither hard nor soft: not a failure (a success notification), or
	 * not a delivery failure at all (a complaint about a message that
	 * was delivered, an auto-reply from a mailbox that works). */
	if (reason == NDRPARSE_REASON_DELIVERED || reason == NDRPARSE_REASON_FEEDBACK ||
	    reason == NDRPARSE_REASON_VACATION || action == NDRPARSE_ACTION_DELIVERED ||
	    action == NDRPARSE_ACTION_RELAYED || action == NDRPARSE_ACTION_EXPANDED)
		return NDRPARSE_UNSET;
	switch (reason) {
	case NDRPARSE_REASON_USERUNKNOWN:
	case NDRPARSE_REASON_HOSTUNKNOWN:
	case NDRPARSE_REASON_HASMOVED:
		return NDRPARSE_TRUE;
	case NDRPARSE_REASON_NOTACCEPT:
		return klass == 5 ? NDRPARSE_TRUE : NDRPARSE_FALSE;
	default:
		return NDRPARSE_FALSE;
	}
}

static gboolean
is_reply_code_at (const char *p, const char *end)
{
	return end - p >= 4 && p[0] >= '2' && p[0] <= '5' && g_ascii_isdigit (p[1]) &&
	       g_ascii_isdigit (p[2]) && (p[3] == '-' || p[3] == ' ');
}

/* The diagnostic as one would read it: whitespace runs as one space, and
 * without the prefixes a multi-line reply repeats on every line
 * ("... multiple 550-5.7.1 addresses in From: header"), which would
 * split the phrases, and with plain apostrophes ("wasn't", not "wasn’t").  Codes were read before; the first prefix stays.
 * Returns a new string. */
static char *
readable_text (const char *text)
{
	GString *s = g_string_sized_new (strlen (text));
	const char *p = text, *end = text + strlen (text);

	while (p < end) {
		gboolean word_start = s->len == 0 || s->str[s->len - 1] == ' ';
		if (word_start && s->len > 0 && is_reply_code_at (p, end)) {
			const char *q = p + 4;
			NdrStatusCode code;
			gsize n = _ndr_status_code_scan (q, end - q, &code);
			if (p[3] == '-' || (n && code.klass == (guint) (p[0] - '0'))) {
				p = q + n;
				while (p < end && g_ascii_isspace (*p))
					p++;
				continue;
			}
		}
		if (g_ascii_isspace (*p)) {
			if (!word_start)
				g_string_append_c (s, ' ');
		} else if (end - p >= 3 && memcmp (p, "\xe2\x80\x99", 3) == 0) {
			g_string_append_c (s, '\'');      /* U+2019, the typographic apostrophe */
			p += 3;
			continue;
		} else {
			g_string_append_c (s, *p);
		}
		p++;
	}
	/* The phrase set folds ASCII only; fold the rest here ("Пользователь"). */
	for (gsize i = 0; i < s->len; i++) {
		if ((guchar) s->str[i] >= 0x80 && g_utf8_validate (s->str, s->len, NULL)) {
			char *folded = g_utf8_strdown (s->str, s->len);
			g_string_free (s, TRUE);
			return folded;
		}
	}
	return g_string_free (s, FALSE);
}

/* Sendmail's X-Actual-Recipient names the program an alias piped the
 * message to ("|/usr/bin/procmail ..."): a failure there is the
 * program's. */
static gboolean
delivered_to_program (const NdrparseRecord *record)
{
	const char *actual = _ndr_fields_lookup (record->fields, "X-Actual-Recipient");
	if (actual == NULL)
		return FALSE;
	actual = _ndr_skip_type_prefix (actual);
	while (g_ascii_isspace (*actual) || *actual == '"')
		actual++;
	return *actual == '|';
}

/* What a record shows; @context is what the notification text says near
 * the recipient, for records whose report gives no diagnostic.  The text
 * of @ev is new: free it with g_free(). */
static void
gather_evidence (const NdrparseRecord *record, const char *context, NdrEvidence *ev)
{
	memset (ev, 0, sizeof *ev);
	const char *text = record->diagnostic_code ? record->diagnostic_code : context;
	ev->text = text ? readable_text (text) : NULL;
	ev->len = ev->text ? strlen (ev->text) : 0;
	/* A status ndrparse inferred from the words adds nothing to them. */
	if (record->status && !record->status_inferred)
		_ndr_status_code_scan (record->status, strlen (record->status), &ev->status);
	else if (record->status)
		_ndr_status_code_scan (record->status, strlen (record->status), &ev->inferred_status);
	if (ev->status.klass == 0 && (record->status_class == NDRPARSE_CLASS_TRANSIENT ||
				      record->status_class == NDRPARSE_CLASS_PERMANENT))
		ev->status_class = record->status_class;
	ev->reply_code = record->reply_code;
	ev->command = record->smtp_command;
	ev->remote_host = record->remote_mta;
	ev->recipient_domain = record->destination;
	ev->action = record->action_kind;
	ev->reporter = record->reporter ? record->reporter : record->decoded_by;
	ev->fields = record->fields;
	ev->local_program = (record->diagnostic_type && g_ascii_strcasecmp (record->diagnostic_type, "x-unix") == 0) ||
			    delivered_to_program (record);
}

void
_ndr_record_classify (NdrparseRecord *record, const char *context)
{
	NdrEvidence ev;
	NdrparseCodeInfo info;

	gather_evidence (record, context, &ev);
	if (record->reason == NDRPARSE_REASON_UNDEFINED)
		record->reason = _ndr_classify (&ev);
	guint klass = class_of (&ev);
	if (record->hard_bounce == NDRPARSE_UNSET)
		record->hard_bounce = _ndr_hard_bounce (record->reason, record->action_kind, klass);
	record->advice = _ndr_reason_advice (record->reason, klass != 4);
	if (record->reply_code && ndrparse_reply_code_lookup (record->reply_code, &info))
		record->reply_text = info.text;
	g_free ((char *) ev.text);
}

/* ---- the public classifier of bare SMTP replies ---- */

/* The caller's command as the static name records use; "RCPT TO" and
 * "rcpt" are RCPT. */
static const char *
canonical_command (const char *command)
{
	static const char *const names[] = { "CONN", "HELO", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA" };

	for (gsize i = 0; i < G_N_ELEMENTS (names); i++) {
		gsize n = strlen (names[i]);
		if (g_ascii_strncasecmp (command, names[i], n) == 0 &&
		    (command[n] == '\0' || command[n] == ' ' || command[n] == ':'))
			return names[i];
	}
	return NULL;
}

gboolean
ndrparse_classify_reply (const char *reply, const char *smtp_command, const char *remote_host,
			 NdrparseClassification *result, GError **error)
{
	if (reply == NULL || *reply == '\0' || result == NULL) {
		g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT,
			     "ndrparse_classify_reply: %s", result ? "empty reply" : "NULL result");
		return FALSE;
	}

	NdrEvidence ev = { 0 };
	NdrTextCodes codes;
	gsize len = strlen (reply);
	_ndr_text_find_codes (reply, len, &codes);
	ev.status = codes.status;
	ev.reply_code = codes.reply_code;
	ev.command = smtp_command && *smtp_command ? canonical_command (smtp_command)
		   : _ndr_text_find_smtp_command (reply, len);
	char *text = readable_text (reply);
	ev.text = text;
	ev.len = strlen (text);
	ev.remote_host = remote_host && *remote_host ? remote_host : NULL;

	memset (result, 0, sizeof *result);
	result->reason = _ndr_classify (&ev);
	if (result->reason == NDRPARSE_REASON_UNDEFINED)
		result->reason = NDRPARSE_REASON_ONHOLD;
	guint klass = class_of (&ev);
	result->hard_bounce = _ndr_hard_bounce (result->reason, NDRPARSE_ACTION_UNKNOWN, klass);
	result->status_class = ev.status.klass ? (NdrparseStatusClass) ev.status.klass
			     : ev.reply_code ? (NdrparseStatusClass) (ev.reply_code / 100)
			     : NDRPARSE_CLASS_UNKNOWN;
	result->reply_code = ev.reply_code;
	if (ev.status.klass)
		_ndr_status_code_format (&ev.status, result->status);
	result->smtp_command = ev.command;
	result->advice = _ndr_reason_advice (result->reason, klass != 4);
	g_free (text);
	return TRUE;
}
