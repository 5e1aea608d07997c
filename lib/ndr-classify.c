/* ndr-classify.c - the evidence chain: what a record shows, weighed into
 * its reason.
 *
 * The steps table below is the order of the chain, strongest evidence
 * first; it is written once, here, and the README, ndrparse.h and
 * ndrparse(1) describe it (ndrparse --list-steps prints it).  Each step
 * asks the rules (lib/rules/) what the facts of the record fit, and the
 * first step that finds a reason decides it.  Within a step, rules are
 * chosen by precedence (_ndr_rule_hit_outranks()), never by the order
 * they were written in.  Every rule that fired is kept, in the order of
 * the steps, as the record's evidence (--explain).
 */
#include <string.h>

#include "ndrparse-private.h"

/* What the steps share while they weigh one record. */
typedef struct {
	const NdrFacts *f;
	GArray *diagnostic;     /* NdrRuleHit: the diagnostic rules the text matched */
	GArray *status;         /* NdrRuleHit: the status rules the status fits */
	const char *provider;   /* the provider that refused, or NULL */
	NdrRuleHit provider_hit;
	NdrVerdict *v;
	GArray *fired;          /* NdrFired; NULL when nobody asks */
	/* the phrase step's reading, for the broad-phrase step */
	NdrReason said_broad;
	const NdrRuleHit *broad_hit;
} Chain;

typedef struct {
	const char *name;
	const char *reads;      /* what it reads, for people (--list-steps) */
	gboolean (*decide) (Chain *c);
} Step;

/* ---- helpers ---- */

static gboolean
command_is (const NdrFacts *f, const char *command)
{
	return f->command && strcmp (f->command, command) == 0;
}

/* Whether the conditions of @rule other than its provider and reporter
 * hold for the record. */
static gboolean
conditions_hold (const NdrRule *rule, const NdrFacts *f)
{
	if (NDR_RULE_TEXT (rule, if_status) && !_ndr_rule_status_fits (NDR_RULE_TEXT (rule, if_status), f->status.klass, f->status.subject, f->status.detail))
		return FALSE;
	if (NDR_RULE_TEXT (rule, if_command) && (f->command == NULL || !_ndr_rule_word_in_list (NDR_RULE_TEXT (rule, if_command), f->command)))
		return FALSE;
	if (NDR_RULE_TEXT (rule, if_reply) && !_ndr_rule_code_fits (NDR_RULE_TEXT (rule, if_reply), f->reply_code))
		return FALSE;
	return TRUE;
}

/* Keeps what fired for the evidence; a NULL @step only looks. */
static void
note (Chain *c, const char *step, const NdrRuleHit *hit, const char *read, gboolean decisive)
{
	if (c->fired == NULL || step == NULL)
		return;
	NdrFired fired = { step, hit ? hit->rule : NULL, hit ? hit->from : 0, hit ? hit->to : 0, read, decisive };
	g_array_append_val (c->fired, fired);
}

/* The best hit of @hits that concludes a reason and whose rule @accept
 * takes; every one it takes is noted as fired in @step. */
static const NdrRuleHit *
best_reason_hit (Chain *c, GArray *hits, const char *step, const char *read,
		 gboolean (*accept) (const Chain *c, const NdrRule *rule))
{
	const NdrRuleHit *best = NULL;
	for (guint i = 0; hits && i < hits->len; i++) {
		const NdrRuleHit *h = &g_array_index (hits, NdrRuleHit, i);
		if (h->rule->then != NDR_THEN_REASON || !accept (c, h->rule) || !conditions_hold (h->rule, c->f))
			continue;
		note (c, step, h, read, FALSE);
		if (_ndr_rule_hit_outranks (h, best))
			best = h;
	}
	return best;
}

/* Marks the noted rule of @hit decisive, and the verdict. */
static gboolean
decide (Chain *c, const char *step, NdrReason reason, const NdrRuleHit *hit)
{
	c->v->reason = reason;
	c->v->step = step;
	c->v->rule = hit ? hit->rule : NULL;
	if (c->fired) {
		gboolean marked = FALSE;
		for (guint i = c->fired->len; i-- > 0 && !marked;) {
			NdrFired *fired = &g_array_index (c->fired, NdrFired, i);
			if (strcmp (fired->step, step) == 0 && fired->rule == (hit ? hit->rule : NULL))
				marked = fired->decisive = TRUE;
		}
		if (!marked)
			note (c, step, hit, NULL, TRUE);
	}
	return TRUE;
}

static gboolean
plain_rule (const Chain *c, const NdrRule *rule, NdrWeight weight)
{
	(void) c;
	return NDR_RULE_TEXT (rule, if_provider) == NULL && NDR_RULE_TEXT (rule, if_reporter) == NULL && rule->field == NDR_IN_DIAGNOSTIC &&
	       rule->weight == weight;
}

static gboolean
accept_final (const Chain *c, const NdrRule *rule)
{
	return plain_rule (c, rule, NDR_WEIGHT_FINAL);
}

static gboolean
accept_naming (const Chain *c, const NdrRule *rule)
{
	return plain_rule (c, rule, NDR_WEIGHT_NAMING);
}

static gboolean
accept_broad (const Chain *c, const NdrRule *rule)
{
	return plain_rule (c, rule, NDR_WEIGHT_BROAD);
}

/* The reporter's words that only lean towards a reason (weight=broad:
 * qmail's "does not like recipient" comes with any refusal at RCPT). */
static gboolean
accept_leaning (const Chain *c, const NdrRule *rule)
{
	return NDR_RULE_TEXT (rule, if_reporter) && NDR_RULE_TEXT (rule, if_provider) == NULL && rule->weight == NDR_WEIGHT_BROAD &&
	       c->f->reporter && strcmp (NDR_RULE_TEXT (rule, if_reporter), c->f->reporter) == 0;
}

static gboolean
accept_provider (const Chain *c, const NdrRule *rule)
{
	return c->provider && NDR_RULE_TEXT (rule, if_provider) && strcmp (NDR_RULE_TEXT (rule, if_provider), c->provider) == 0 && NDR_RULE_TEXT (rule, if_reporter) == NULL;
}

static gboolean
accept_reporter (const Chain *c, const NdrRule *rule)
{
	return NDR_RULE_TEXT (rule, if_provider) == NULL && rule->weight != NDR_WEIGHT_BROAD &&
	       (NDR_RULE_TEXT (rule, if_reporter) ? c->f->reporter && strcmp (NDR_RULE_TEXT (rule, if_reporter), c->f->reporter) == 0
				  : rule->field == NDR_IN_DSN);
}

static gboolean
accept_plain_status (const Chain *c, const NdrRule *rule)
{
	(void) c;
	return NDR_RULE_TEXT (rule, if_provider) == NULL && NDR_RULE_TEXT (rule, if_reporter) == NULL;
}

/* ---- reading words in context ---- */

/* "User unknown" means the mailbox does not exist when the server said
 * so to RCPT, or with a status that says so (X.1.1).  A server that took
 * the recipient and refuses the message afterwards (at DATA), or says
 * "user unknown" with a status naming another problem ("5.7.1", "5.2.1"),
 * is a filter hiding behind the words: the address may well exist. */
static gboolean
refused_after_recipient (const NdrFacts *f)
{
	if (command_is (f, "RCPT"))
		return FALSE;
	if (command_is (f, "DATA"))
		return !(f->status.subject == 1 && f->status.detail == 1);
	/* X.1.x names the address; X.5.x the SMTP dialogue, where a mailbox
	 * is refused (RFC 3463 section 3.6): neither says a filter spoke. */
	return f->status.subject != 1 && !(f->status.klass && f->status.subject == 5);
}

/* What the words say, read in the light of when they were said. */
static NdrReason
in_context (NdrReason said, const NdrFacts *f)
{
	switch (said) {
	case NDRPARSE_REASON_USERUNKNOWN:
	case NDRPARSE_REASON_HOSTUNKNOWN:
	case NDRPARSE_REASON_FILTERED:
		/* An unknown address in answer to MAIL is the sender's. */
		if (command_is (f, "MAIL"))
			return NDRPARSE_REASON_REJECTED;
		if (said == NDRPARSE_REASON_USERUNKNOWN && refused_after_recipient (f))
			return NDRPARSE_REASON_FILTERED;
		return said;
	default:
		return said;
	}
}

/* The best plain status rule the status fits (a detail no rule knows
 * means what its subject's X.Y.0 means: RFC 3463 section 2). */
static const NdrRuleHit *
status_hit (const NdrparseRules *rules, const NdrStatusCode *status, GArray *hits)
{
	if (status->klass == 0)
		return NULL;
	_ndr_rules_lookup_status (rules, status->klass, status->subject, status->detail, hits);
	const NdrRuleHit *best = NULL;
	for (guint i = 0; i < hits->len; i++) {
		const NdrRuleHit *h = &g_array_index (hits, NdrRuleHit, i);
		if (h->rule->then == NDR_THEN_REASON && NDR_RULE_TEXT (h->rule, if_provider) == NULL && NDR_RULE_TEXT (h->rule, if_reporter) == NULL &&
		    _ndr_rule_hit_outranks (h, best))
			best = h;
	}
	if (best == NULL && status->detail >= 10) {
		NdrStatusCode subject_only = { status->klass, status->subject, 0 };
		return status_hit (rules, &subject_only, hits);
	}
	return best;
}

NdrReason
_ndr_reason_from_status (const NdrparseRules *rules, const NdrStatusCode *status)
{
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	const NdrRuleHit *best = status_hit (rules, status, hits);
	NdrReason reason = best ? (NdrReason) best->rule->value : NDRPARSE_REASON_UNDEFINED;
	g_array_unref (hits);
	return reason;
}

/* Whether status rule @by_status makes words meaning @said precise
 * (its refines=: "message too big" with 5.2.3 is exceedlimit). */
static gboolean
refines (const NdrRule *by_status, NdrReason said)
{
	return NDR_RULE_TEXT (by_status, refines) && _ndr_rule_word_in_list (NDR_RULE_TEXT (by_status, refines), _ndr_reason_name (said));
}

/* ---- the steps ---- */

static gboolean
is_success (const NdrFacts *f)
{
	switch (f->action) {
	case NDRPARSE_ACTION_DELIVERED:
	case NDRPARSE_ACTION_RELAYED:
	case NDRPARSE_ACTION_EXPANDED:
		return TRUE;
	case NDRPARSE_ACTION_UNKNOWN:
		return f->status.klass == 2 || (f->status.klass == 0 && f->reply_code / 100 == 2);
	default:
		return FALSE;
	}
}

static gboolean
step_success (Chain *c)
{
	return is_success (c->f) && decide (c, "success", NDRPARSE_REASON_DELIVERED, NULL);
}

static gboolean
step_provider (Chain *c)
{
	if (c->provider == NULL)
		return FALSE;
	note (c, "provider", &c->provider_hit, c->f->remote_host ? c->f->remote_host : c->f->recipient_domain, FALSE);
	const NdrRuleHit *by_text = best_reason_hit (c, c->diagnostic, "provider", c->f->text, accept_provider);
	const NdrRuleHit *by_status = best_reason_hit (c, c->status, "provider", NULL, accept_provider);
	const NdrRuleHit *best = by_text && _ndr_rule_hit_outranks (by_text, by_status) ? by_text : by_status;
	return best && decide (c, "provider", (NdrReason) best->rule->value, best);
}

static gboolean
step_reporter (Chain *c)
{
	GArray *dsn = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	for (guint i = 0; c->f->fields && i < c->f->fields->len; i++) {
		const NdrField *field = g_ptr_array_index (c->f->fields, i);
		_ndr_rules_lookup (c->f->rules, NDR_IN_DSN, field->name, field->value, dsn);
	}
	const NdrRuleHit *by_field = best_reason_hit (c, dsn, "reporter", NULL, accept_reporter);
	const NdrRuleHit *by_text = best_reason_hit (c, c->diagnostic, "reporter", c->f->text, accept_reporter);
	const NdrRuleHit *by_status = best_reason_hit (c, c->status, "reporter", NULL, accept_reporter);
	const NdrRuleHit *best = by_field && _ndr_rule_hit_outranks (by_field, by_text) ? by_field : by_text;
	if (by_status && _ndr_rule_hit_outranks (by_status, best))
		best = by_status;
	gboolean decided = best && decide (c, "reporter", (NdrReason) best->rule->value, best);
	g_array_unref (dsn);
	return decided;
}

static gboolean
step_final_phrase (Chain *c)
{
	const NdrRuleHit *best = best_reason_hit (c, c->diagnostic, "final-phrase", c->f->text, accept_final);
	return best && decide (c, "final-phrase", (NdrReason) best->rule->value, best);
}

/* The reason a precise status names (a status rule that yields to
 * nothing: X.2.2 a full mailbox, X.5.3 too many recipients; not X.7.1,
 * which other words outweigh), or UNDEFINED. */
static NdrReason
precise_status_reason (const Chain *c)
{
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	const NdrRuleHit *best = status_hit (c->f->rules, &c->f->status, hits);
	NdrReason reason = best && NDR_RULE_TEXT (best->rule, yields) == NULL ? (NdrReason) best->rule->value
									       : NDRPARSE_REASON_UNDEFINED;
	g_array_unref (hits);
	return reason;
}

static gboolean
step_phrase (Chain *c)
{
	const NdrFacts *f = c->f;
	const NdrRuleHit *best = best_reason_hit (c, c->diagnostic, "phrase", f->text, accept_naming);
	c->broad_hit = best_reason_hit (c, c->diagnostic, "broad-phrase", f->text, accept_broad);
	c->said_broad = c->broad_hit ? in_context ((NdrReason) c->broad_hit->rule->value, f) : NDRPARSE_REASON_UNDEFINED;
	if (best == NULL) {
		/* Broad words of a missing address in answer to RCPT name it,
		 * unless a precise status says why ("5.7.26 ... Recipient
		 * address rejected: Multiple authentication checks failed"):
		 * a status that only says "not authorized" (X.7.1) does not
		 * (Sisimai 5 lib/Sisimai/Reason.pm get(): UserUnknown's true()
		 * reads the words of a refused RCPT whatever such a status). */
		if (c->said_broad == NDRPARSE_REASON_USERUNKNOWN && command_is (f, "RCPT") &&
		    precise_status_reason (c) == NDRPARSE_REASON_UNDEFINED)
			return decide (c, "phrase", c->said_broad, c->broad_hit);
		return FALSE;
	}
	NdrReason said = in_context ((NdrReason) best->rule->value, f);
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	const NdrRuleHit *by_status = status_hit (f->rules, &f->status, hits);
	if (by_status && refines (by_status->rule, said)) {
		note (c, "phrase", by_status, NULL, FALSE);
		decide (c, "phrase", (NdrReason) by_status->rule->value, by_status);
	} else {
		decide (c, "phrase", said, best);
	}
	g_array_unref (hits);
	return TRUE;
}

static gboolean
yields_to_reason (const NdrRule *rule, NdrReason reason)
{
	return reason != NDRPARSE_REASON_UNDEFINED && reason != (NdrReason) rule->value && NDR_RULE_TEXT (rule, yields) &&
	       _ndr_rule_word_in_list (NDR_RULE_TEXT (rule, yields), _ndr_reason_name (reason));
}

/* Where the remote's reply starts in the text: its reply code as a word
 * ("Remote host said: 552 Requested mailbox exceeds quota."), else past
 * the end (no reply: the words are all the reporter's). */
static gsize
reply_start (const NdrFacts *f)
{
	if (f->reply_code == 0 || f->text == NULL)
		return G_MAXSIZE;
	char code[4];
	g_snprintf (code, sizeof code, "%03u", f->reply_code);
	for (const char *p = f->text, *end = f->text + f->len; (p = _ndr_memcasemem (p, end - p, code)) != NULL; p++) {
		gboolean starts = p == f->text || !g_ascii_isalnum (p[-1]);
		gboolean ends = p + 3 == end || p[3] == ' ' || p[3] == '-';
		if (starts && ends)
			return (gsize) (p - f->text);
	}
	return G_MAXSIZE;
}

/* The reporter's leaning words decide, unless the text also names a
 * reason they yield to (yields=: Sisimai reads "mailbox is full" before
 * an MTA's table entry for an unknown user), or the remote's own status
 * names one precisely, or the remote's own reply leans towards one:
 * qmail writes "does not like recipient." before every refused RCPT,
 * "552 5.2.2 Over quota" and "552 Requested mailbox exceeds quota." too,
 * as Sisimai 5's Reason.pm get() reads an MTA's userunknown again by the
 * status and each reason's words.  The reporter's own words after its
 * leaning ones (qmail-ldap's "Unable to contact LDAP server", then "this
 * message has been in the queue too long") do not outweigh them. */
static gboolean
step_leaning (Chain *c)
{
	const NdrRuleHit *best = best_reason_hit (c, c->diagnostic, "leaning", c->f->text, accept_leaning);
	if (best == NULL)
		return FALSE;
	const NdrRuleHit *naming = best_reason_hit (c, c->diagnostic, NULL, c->f->text, accept_naming);
	if (naming && yields_to_reason (best->rule, (NdrReason) naming->rule->value))
		return FALSE;
	if (yields_to_reason (best->rule, precise_status_reason (c)))
		return FALSE;
	const NdrRuleHit *broad = best_reason_hit (c, c->diagnostic, NULL, c->f->text, accept_broad);
	if (broad && broad->from >= reply_start (c->f) && yields_to_reason (best->rule, (NdrReason) broad->rule->value))
		return FALSE;
	return decide (c, "leaning", (NdrReason) best->rule->value, best);
}

static gboolean
step_local_program (Chain *c)
{
	return c->f->local_program && decide (c, "local-program", NDRPARSE_REASON_MAILERERROR, NULL);
}

/* Whether broad words name a reason @rule gives way to (yields=). */
static gboolean
yields_to_broad (const Chain *c, const NdrRule *rule)
{
	return NDR_RULE_TEXT (rule, yields) && c->broad_hit && _ndr_rule_word_in_list (NDR_RULE_TEXT (rule, yields), _ndr_reason_name (c->said_broad));
}

/* Whether the status names a problem of the mail system, the network,
 * the protocol, the content or security precisely (a status rule that
 * yields to nothing: "452 4.4.5 Insufficient disk space", "501 5.5.4
 * Syntax"): then it, not the stage, says what went wrong.  A mailbox
 * status (X.1, X.2) at MAIL is the sender's, which the stage says. */
static gboolean
status_says_more_than_stage (const Chain *c)
{
	const NdrStatusCode *st = &c->f->status;
	return st->klass != 0 && st->subject >= 3 && precise_status_reason (c) != NDRPARSE_REASON_UNDEFINED;
}

/* A refusal before any recipient was given is about the sending host or
 * the sender, whatever generic code came with it; broad words that say
 * which of those (yields=: "no access from mail server") decide here. */
static gboolean
step_stage (Chain *c)
{
	const NdrFacts *f = c->f;
	if (f->command == NULL || command_is (f, "RCPT") || command_is (f, "DATA"))
		return FALSE;
	if (status_says_more_than_stage (c))
		return FALSE;
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	_ndr_rules_lookup (f->rules, NDR_IN_COMMAND, NULL, f->command, hits);
	const NdrRuleHit *best = best_reason_hit (c, hits, "stage", f->command, accept_plain_status);
	gboolean decided = FALSE;
	if (best && yields_to_broad (c, best->rule))
		decided = decide (c, "stage", c->said_broad, c->broad_hit);
	else if (best)
		decided = decide (c, "stage", (NdrReason) best->rule->value, best);
	g_array_unref (hits);
	return decided;
}

/* A status that only says "a security problem" (X.7.0, X.7.1) yields to
 * broad words naming the problem (yields=: "... domain's DMARC policy"). */

static gboolean
step_status (Chain *c)
{
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	const NdrRuleHit *best = status_hit (c->f->rules, &c->f->status, hits);
	if (best)
		note (c, "status", best, NULL, FALSE);
	gboolean decided = best && !yields_to_broad (c, best->rule) && decide (c, "status", (NdrReason) best->rule->value, best);
	g_array_unref (hits);
	return decided;
}

static gboolean
step_broad_phrase (Chain *c)
{
	return c->broad_hit && decide (c, "broad-phrase", c->said_broad, c->broad_hit);
}

static gboolean
step_delay (Chain *c)
{
	return c->f->action == NDRPARSE_ACTION_DELAYED && decide (c, "delay", NDRPARSE_REASON_EXPIRED, NULL);
}

static gboolean
step_reply_code (Chain *c)
{
	if (c->f->reply_code == 0)
		return FALSE;
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	_ndr_rules_lookup_reply (c->f->rules, c->f->reply_code, hits);
	const NdrRuleHit *best = best_reason_hit (c, hits, "reply-code", NULL, accept_plain_status);
	gboolean decided = best && decide (c, "reply-code", (NdrReason) best->rule->value, best);
	g_array_unref (hits);
	return decided;
}

static gboolean
step_inferred_status (Chain *c)
{
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	const NdrRuleHit *best = status_hit (c->f->rules, &c->f->inferred_status, hits);
	gboolean decided = best && decide (c, "inferred-status", (NdrReason) best->rule->value, best);
	g_array_unref (hits);
	return decided;
}

/* Whether @word (@len bytes) holds a letter of any script. */
static gboolean
word_has_letter (const char *word, gsize len)
{
	for (gsize i = 0; i < len; i++) {
		if (g_ascii_isalpha (word[i]))
			return TRUE;
		if ((guchar) word[i] >= 0x80) {
			gunichar c = g_utf8_get_char_validated (word + i, (gssize) (len - i));
			if (c != (gunichar) -1 && c != (gunichar) -2 && g_unichar_isalpha (c))
				return TRUE;
		}
	}
	return FALSE;
}

/* Whether the text holds a word with a letter of any script ("宛先の
 * メールアドレスは存在しません" says something, if no rule knows what).
 * A mail address is no such word: a report that names the recipient
 * and nothing more ("  a@example.org", Exim's list of failed addresses
 * with no error under one) says nothing. */
static gboolean
has_words (const NdrFacts *f)
{
	const char *p = f->text, *end = f->text ? f->text + f->len : NULL;
	while (p && p < end) {
		while (p < end && g_ascii_isspace (*p))
			p++;
		const char *word = p;
		while (p < end && !g_ascii_isspace (*p))
			p++;
		gsize len = (gsize) (p - word);
		if (len > 0 && memchr (word, '@', len) == NULL && word_has_letter (word, len))
			return TRUE;
	}
	return FALSE;
}

static gboolean
step_nothing (Chain *c)
{
	return decide (c, "nothing", has_words (c->f) ? NDRPARSE_REASON_ONHOLD : NDRPARSE_REASON_UNDEFINED, NULL);
}

/* The evidence chain, strongest first. */
static const Step steps[] = {
	{ "success", "a success: Action delivered, relayed or expanded, or a 2.x.x status or 2xx reply "
		     "with no Action", step_success },
	{ "provider", "the rules of the provider that refused (known by the remote host's name, or by the "
		      "recipient's domain when the bounce names no host): its words and codes", step_provider },
	{ "reporter", "the rules of the MTA that wrote the bounce (known by its headers or by the prose "
		      "family that decoded it), and vendors' DSN fields", step_reporter },
	{ "final-phrase", "phrases of a local delivery agent, which has the last word on whether a mailbox "
			  "exists, whatever the session stage", step_final_phrase },
	{ "leaning", "the words of the MTA that wrote the bounce that only lean towards a reason (qmail's "
		     "\"does not like recipient\" comes with any refusal of a recipient), unless the text, a "
		     "precise status (X.2.2, X.5.3) or the remote reply's broad words name a reason they yield to",
	  step_leaning },
	{ "phrase", "phrases that name a reason, read in the light of the SMTP stage (an unknown address "
		    "answered to MAIL is the sender's; \"user unknown\" after DATA or with a non-address status "
		    "is a filter's), made precise by a status rule that refines them", step_phrase },
	{ "local-program", "a local delivery program's failure (Diagnostic-Code X-Unix, an alias to a "
			   "program)", step_local_program },
	{ "stage", "the SMTP stage: a refusal of the connection, the greeting or MAIL", step_stage },
	{ "status", "the enhanced status code (a detail no rule knows means what X.Y.0 means), unless it yields "
		    "to the broad words of the next step", step_status },
	{ "broad-phrase", "broad words that only lean towards a reason (\"does not exist\", \"policy\")",
	  step_broad_phrase },
	{ "delay", "a delay (Action delayed): so far, the message has expired", step_delay },
	{ "reply-code", "the basic SMTP reply code", step_reply_code },
	{ "inferred-status", "the status ndrparse inferred from the rest of the report", step_inferred_status },
	{ "nothing", "onhold for a failure that says something no rule places, undefined for one that says "
		     "nothing", step_nothing },
};

guint
ndrparse_evidence_get_n_steps (void)
{
	return G_N_ELEMENTS (steps);
}

const char *
ndrparse_evidence_get_step_name (guint index)
{
	return index < G_N_ELEMENTS (steps) ? steps[index].name : NULL;
}

const char *
ndrparse_evidence_get_step_description (guint index)
{
	return index < G_N_ELEMENTS (steps) ? steps[index].reads : NULL;
}

guint
_ndr_facts_class (const NdrFacts *f)
{
	if (f->status.klass)
		return f->status.klass;
	if (f->status_class)
		return f->status_class;
	if (f->reply_code)
		return f->reply_code / 100;
	return f->action == NDRPARSE_ACTION_DELAYED ? 4 : 5;
}

NdrReason
_ndr_classify (const NdrFacts *f, NdrVerdict *verdict)
{
	NdrVerdict local = { 0 };
	Chain c = { .f = f, .v = verdict ? verdict : &local };
	c.fired = c.v->fired;
	c.diagnostic = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	c.status = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	c.provider = _ndr_provider_of (f->rules, f->remote_host, f->recipient_domain, &c.provider_hit);
	c.v->provider = c.provider;
	if (f->text)
		_ndr_rules_scan_diagnostic (f->rules, c.provider, f->reporter, f->text, f->len, c.diagnostic, 256);
	if (f->status.klass)
		_ndr_rules_lookup_status (f->rules, f->status.klass, f->status.subject, f->status.detail, c.status);
	for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
		if (steps[i].decide (&c))
			break;
	/* A domain that does not resolve for now is a DNS problem, not a
	 * domain that does not exist. */
	if (c.v->reason == NDRPARSE_REASON_HOSTUNKNOWN && _ndr_facts_class (f) == 4)
		c.v->reason = NDRPARSE_REASON_NETWORKERROR;
	g_array_unref (c.diagnostic);
	g_array_unref (c.status);
	return c.v->reason;
}

NdrReason
_ndr_reason_from_text (const NdrparseRules *rules, const char *text, gsize len)
{
	NdrFacts f = { .rules = rules, .text = text, .len = len };
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	_ndr_rules_scan_diagnostic (rules, NULL, NULL, text, len, hits, 256);
	Chain c = { .f = &f };
	const NdrRuleHit *best = best_reason_hit (&c, hits, "phrase", text, accept_final);
	if (best == NULL)
		best = best_reason_hit (&c, hits, "phrase", text, accept_naming);
	if (best == NULL)
		best = best_reason_hit (&c, hits, "phrase", text, accept_broad);
	NdrReason reason = best ? (NdrReason) best->rule->value : NDRPARSE_REASON_UNDEFINED;
	g_array_unref (hits);
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
		return NDRPARSE_TRISTATE_UNSET;
	switch (reason) {
	case NDRPARSE_REASON_USERUNKNOWN:
	case NDRPARSE_REASON_HOSTUNKNOWN:
	case NDRPARSE_REASON_HASMOVED:
		return NDRPARSE_TRISTATE_TRUE;
	case NDRPARSE_REASON_NOTACCEPT:
		return klass == 5 ? NDRPARSE_TRISTATE_TRUE : NDRPARSE_TRISTATE_FALSE;
	default:
		return NDRPARSE_TRISTATE_FALSE;
	}
}
