/* ndr-record-classify.c - a record's facts, the verdict the evidence
 * chain gives them (ndr-classify.c), and what follows from it: the
 * reason, hard_bounce, the advice and the record's evidence.  Also the
 * public classifier of bare SMTP replies, which reads a reply the way a
 * record's diagnostic is read.
 */
#include <string.h>

#include "ndrparse-private.h"

static gboolean
is_reply_code_at (const char *p, const char *end)
{
	return end - p >= 4 && p[0] >= '2' && p[0] <= '5' && g_ascii_isdigit (p[1]) &&
	       g_ascii_isdigit (p[2]) && (p[3] == '-' || p[3] == ' ');
}

/* Rules write MTAs' words in ASCII, as the MTAs' sources do; the same
 * words typeset for people, in HTML reports (Exchange Online's) or in
 * texts pasted from web pages, come with typographic quotes, dashes and
 * no-break spaces ("wasn’t", "Envelope blocked – User Entry", as
 * Sisimai 4's Rejected.pm quotes one).  Returns the length of the
 * sequence at @p that reads as one ASCII character, stored in @ascii, or
 * 0. */
static gsize
typographic_ascii (const char *p, const char *end, char *ascii)
{
	static const struct {
		const char *utf8;
		char ascii;
	} folds[] = {
		{ "\xc2\xa0", ' ' },     /* U+00A0 no-break space */
		{ "\xe2\x80\x90", '-' }, /* U+2010 hyphen */
		{ "\xe2\x80\x91", '-' }, /* U+2011 non-breaking hyphen */
		{ "\xe2\x80\x93", '-' }, /* U+2013 en dash */
		{ "\xe2\x80\x94", '-' }, /* U+2014 em dash */
		{ "\xe2\x80\x98", '\'' }, /* U+2018 left single quotation mark */
		{ "\xe2\x80\x99", '\'' }, /* U+2019 right single quotation mark, the apostrophe */
		{ "\xe2\x80\x9c", '"' }, /* U+201C left double quotation mark */
		{ "\xe2\x80\x9d", '"' }, /* U+201D right double quotation mark */
	};
	if ((guchar) *p < 0xc2)
		return 0;
	for (gsize i = 0; i < G_N_ELEMENTS (folds); i++) {
		gsize n = strlen (folds[i].utf8);
		if ((gsize) (end - p) >= n && memcmp (p, folds[i].utf8, n) == 0) {
			*ascii = folds[i].ascii;
			return n;
		}
	}
	return 0;
}

/* The diagnostic as one would read it: whitespace runs as one space, and
 * without the prefixes a multi-line reply repeats on every line
 * ("... multiple 550-5.7.1 addresses in From: header"), which would split
 * the phrases, and with typographic punctuation as ASCII (typographic_ascii()).
 * Codes were read before; the first prefix stays, wherever it is.  Letters beyond ASCII
 * are lower-cased: the matcher folds ASCII only, and rules write the
 * others in lower case.  Returns a new string. */
static char *
readable_text (const char *text)
{
	GString *s = g_string_sized_new (strlen (text));
	const char *p = text, *end = text + strlen (text);
	gboolean non_ascii = FALSE, first_prefix = TRUE;

	while (p < end) {
		gboolean word_start = s->len == 0 || s->str[s->len - 1] == ' ';
		if (word_start && is_reply_code_at (p, end)) {
			const char *q = p + 4;
			NdrStatusCode code;
			gsize n = _ndr_status_code_scan (q, end - q, &code);
			if (p[3] == '-' || (n && code.klass == (guint) (p[0] - '0'))) {
				if (first_prefix) {
					/* The reply's own, where an MTA's words
					 * lead it ("host ... said: 550 5.1.2
					 * Address not found."). */
					first_prefix = FALSE;
				} else {
					p = q + n;
					while (p < end && g_ascii_isspace (*p))
						p++;
					continue;
				}
			}
		}
		char ascii;
		gsize folded = typographic_ascii (p, end, &ascii);
		if (folded) {
			if (ascii != ' ' || !word_start)
				g_string_append_c (s, ascii);
			p += folded;
			continue;
		}
		if (g_ascii_isspace (*p)) {
			if (!word_start)
				g_string_append_c (s, ' ');
		} else {
			non_ascii |= (guchar) *p >= 0x80;
			g_string_append_c (s, *p);
		}
		p++;
	}
	if (non_ascii && g_utf8_validate (s->str, (gssize) s->len, NULL)) {
		char *folded = g_utf8_strdown (s->str, (gssize) s->len);
		g_string_free (s, TRUE);
		return folded;
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
 * of @f is new: free it with g_free(). */
static void
gather_facts (const NdrparseReport *report, const NdrparseRecord *record, const char *context, NdrFacts *f)
{
	memset (f, 0, sizeof *f);
	f->rules = report->rules ? report->rules : _ndr_rules_use (NULL);
	const char *text = record->diagnostic_code ? record->diagnostic_code : context;
	f->text = text ? readable_text (text) : NULL;
	f->len = f->text ? strlen (f->text) : 0;
	/* A status ndrparse inferred from the words adds nothing to them. */
	if (record->status && !record->status_inferred)
		_ndr_status_code_scan (record->status, strlen (record->status), &f->status);
	else if (record->status)
		_ndr_status_code_scan (record->status, strlen (record->status), &f->inferred_status);
	if (f->status.klass == 0 && (record->status_class == NDRPARSE_STATUS_CLASS_TRANSIENT ||
				     record->status_class == NDRPARSE_STATUS_CLASS_PERMANENT))
		f->status_class = record->status_class;
	f->reply_code = record->reply_code;
	f->command = record->smtp_command;
	f->remote_host = record->remote_mta;
	f->recipient_domain = record->destination;
	f->action = record->action_kind;
	f->reporter = record->reporter ? record->reporter : record->decoded_by;
	f->fields = record->fields;
	f->local_program = (record->diagnostic_type && g_ascii_strcasecmp (record->diagnostic_type, "x-unix") == 0) ||
			   delivered_to_program (record);
}

static char *
reason_conclusion (NdrReason reason)
{
	return g_strconcat ("reason:", _ndr_reason_name (reason), NULL);
}

static const char *
tristate_name (NdrparseTristate t)
{
	return t == NDRPARSE_TRISTATE_TRUE ? "hard_bounce:true" : t == NDRPARSE_TRISTATE_FALSE ? "hard_bounce:false" : "hard_bounce:null";
}

/* The record's evidence: the rules that fired, in the order of the
 * chain, then what decided hard_bounce. */
static void
record_evidence (NdrparseReport *report, NdrparseRecord *record, const NdrVerdict *v, const NdrRule *hard_rule)
{
	for (guint i = 0; v->fired && i < v->fired->len; i++) {
		const NdrFired *fired = &g_array_index (v->fired, NdrFired, i);
		char *conclusion = fired->rule == NULL ? reason_conclusion (v->reason)
				 : g_strconcat (_ndr_rule_then_name (fired->rule->then), ":", NDR_RULE_TEXT (fired->rule, then_name), NULL);
		_ndr_record_add_evidence (report, record, fired, conclusion);
		g_free (conclusion);
	}
	NdrFired hard = { hard_rule ? "rule" : "reason", hard_rule, 0, 0, NULL, TRUE };
	_ndr_record_add_evidence (report, record, &hard, tristate_name (record->hard_bounce));
}

void
_ndr_record_classify (NdrparseReport *report, NdrparseRecord *record, const char *context)
{
	NdrFacts f;
	NdrparseCodeInfo info;

	gather_facts (report, record, context, &f);
	NdrVerdict v = { .fired = g_array_new (FALSE, FALSE, sizeof (NdrFired)) };
	if (record->reason == NDRPARSE_REASON_UNDEFINED) {
		record->reason = _ndr_classify (&f, &v);
	} else {
		/* A decoder knew it (a feedback report, an auto-reply). */
		v.reason = record->reason;
		NdrFired preset = { "decoder", NULL, 0, 0, NULL, TRUE };
		g_array_append_val (v.fired, preset);
	}
	guint klass = _ndr_facts_class (&f);
	const NdrRule *hard_rule = v.rule && v.rule->hard >= 0 ? v.rule : NULL;
	if (hard_rule && record->hard_bounce == NDRPARSE_TRISTATE_UNSET && record->reason != NDRPARSE_REASON_DELIVERED) {
		/* The rule that decided says whether the address is dead. */
		record->hard_bounce = hard_rule->hard ? NDRPARSE_TRISTATE_TRUE : NDRPARSE_TRISTATE_FALSE;
	} else {
		hard_rule = NULL;
		if (record->hard_bounce == NDRPARSE_TRISTATE_UNSET)
			record->hard_bounce = _ndr_hard_bounce (record->reason, record->action_kind, klass);
	}
	record->advice = _ndr_reason_advice (record->reason, klass != 4);
	if (record->reply_code && ndrparse_reply_code_lookup (record->reply_code, &info))
		record->reply_text = info.text;
	record_evidence (report, record, &v, hard_rule);
	g_array_unref (v.fired);
	g_free ((char *) f.text);
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

NdrparseClassification *
ndrparse_classify_reply_with_rules (NdrparseRules *rules, const char *reply, const char *smtp_command,
				    const char *remote_host, GError **error)
{
	if (reply == NULL || *reply == '\0') {
		g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT,
			     "ndrparse_classify_reply: %s", reply ? "empty reply" : "NULL reply");
		return NULL;
	}

	NdrFacts f = { .rules = _ndr_rules_use (rules) };
	NdrTextCodes codes;
	gsize len = strlen (reply);
	_ndr_text_find_codes (reply, len, &codes);
	f.status = codes.status;
	f.reply_code = codes.reply_code;
	f.command = smtp_command && *smtp_command ? canonical_command (smtp_command)
		  : _ndr_text_find_smtp_command (f.rules, reply, len);
	char *text = readable_text (reply);
	f.text = text;
	f.len = strlen (text);
	f.remote_host = remote_host && *remote_host ? remote_host : NULL;

	NdrparseClassification *result = _ndr_classification_new ();
	NdrVerdict v = { 0 };
	result->reason = _ndr_classify (&f, &v);
	if (result->reason == NDRPARSE_REASON_UNDEFINED)
		result->reason = NDRPARSE_REASON_ONHOLD;
	guint klass = _ndr_facts_class (&f);
	result->hard_bounce = v.rule && v.rule->hard >= 0 && result->reason != NDRPARSE_REASON_DELIVERED
			      ? (v.rule->hard ? NDRPARSE_TRISTATE_TRUE : NDRPARSE_TRISTATE_FALSE)
			      : _ndr_hard_bounce (result->reason, NDRPARSE_ACTION_UNKNOWN, klass);
	result->status_class = f.status.klass ? (NdrparseStatusClass) f.status.klass
			     : f.reply_code ? (NdrparseStatusClass) (f.reply_code / 100)
			     : NDRPARSE_STATUS_CLASS_UNKNOWN;
	result->reply_code = f.reply_code;
	if (f.status.klass)
		_ndr_status_code_format (&f.status, result->status);
	result->smtp_command = f.command;
	result->advice = _ndr_reason_advice (result->reason, klass != 4);
	g_free (text);
	return result;
}

NdrparseClassification *
ndrparse_classify_reply (const char *reply, const char *smtp_command, const char *remote_host, GError **error)
{
	return ndrparse_classify_reply_with_rules (NULL, reply, smtp_command, remote_host, error);
}
