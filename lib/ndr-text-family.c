/* ndr-text-family.c - which family wrote a prose bounce, and what its
 * From, Subject and text say of it (ndr-text.h).
 *
 * Family rules (then=family:NAME) look at the bounce's headers (From,
 * Subject, header:NAME) or at its text.  A family is recognised when one
 * of its header rules and one of its text rules hit (or, for a family
 * with rules of one group only, one of those): Mail.ru writes Exim's
 * report, so its rules are Exim's marker and "mail.ru" in From.  When
 * several families are recognised, one recognised on both groups wins
 * over one recognised on one (Mail.ru over Exim), then the one whose best
 * hit outranks the other's (_ndr_rule_hit_outranks(): the longer match,
 * so "This is the mail system at host yandex.ru." is Yandex's, not
 * Postfix's).
 *
 * Each field is scanned once, with every rule of its channel.
 */
#include <string.h>

#include "ndr-text.h"

#define MAX_HITS 256

/* A Subject's start as rules see it: after blanks, '*' and one "[tag]"
 * ("** Delivery failure **", "[SPAM] Returned mail: ..."). */
static const char *
subject_start (const char *subject)
{
	const char *p = subject + strspn (subject, " \t*");
	const char *close = *p == '[' ? strchr (p, ']') : NULL;
	if (close)
		p = close + 1;
	return p + strspn (p, " \t*");
}

/* Whether @h, a hit in a one-line value, counts: a prefix rule only at
 * the value's start. */
static gboolean
hit_counts (const NdrRuleHit *h)
{
	return h->rule->match != NDR_MATCH_PREFIX || h->from == 0;
}

static guint
marks_of (GArray *hits)
{
	guint marks = 0;
	for (guint i = 0; i < hits->len; i++) {
		const NdrRuleHit *h = &g_array_index (hits, NdrRuleHit, i);
		if (h->rule->then == NDR_THEN_MARK && hit_counts (h))
			marks |= 1u << h->rule->value;
	}
	return marks;
}

/* A Subject is read as written, and a bounce's also past a leading
 * "[tag]" or '*' ("[SPAM] Returned mail: ..."): a reply's or an
 * auto-reply's prefix must start it ("[Ticket #5] AutoReply: ..." is a
 * ticket system's, not a person's, reply). */

/* Scans @subject: as written for every rule, and from its start as a
 * bounce's is read (past a "[tag]" or '*') for the bounce-subject rules.
 * Returns whether the two differ. */
static gboolean
scan_subject (const NdrparseRules *rules, const char *subject, GArray *hits)
{
	if (subject == NULL)
		return FALSE;
	const char *raw = subject + strspn (subject, " \t");
	_ndr_rules_scan (rules, NDR_CHANNEL_SUBJECT, NULL, raw, strlen (raw), hits, MAX_HITS);
	const char *start = subject_start (subject);
	if (start == raw)
		return FALSE;
	GArray *untagged = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	_ndr_rules_scan (rules, NDR_CHANNEL_SUBJECT, NULL, start, strlen (start), untagged, MAX_HITS);
	for (guint i = 0; i < untagged->len; i++) {
		const NdrRuleHit *h = &g_array_index (untagged, NdrRuleHit, i);
		if (h->rule->then == NDR_THEN_MARK && h->rule->value == NDR_MARK_BOUNCE_SUBJECT)
			g_array_append_val (hits, *h);
	}
	g_array_unref (untagged);
	return TRUE;
}

guint
_ndr_subject_marks (const NdrparseRules *rules, const char *subject)
{
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	scan_subject (rules, subject, hits);
	guint marks = marks_of (hits);
	g_array_unref (hits);
	return marks;
}

static gboolean
is_null_sender (const char *from)
{
	return from == NULL || *from == '\0' || strstr (from, "<>") != NULL;
}

gboolean
_ndr_text_from_daemon (const NdrparseRules *rules, const char *from)
{
	if (is_null_sender (from))
		return TRUE;
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	_ndr_rules_scan (rules, NDR_CHANNEL_FROM, NULL, from, strlen (from), hits, MAX_HITS);
	gboolean daemon = (marks_of (hits) & (1u << NDR_MARK_DAEMON_SENDER)) != 0;
	g_array_unref (hits);
	return daemon;
}

guint
_ndr_prose_marks (const NdrparseRules *rules, const char *text, gsize len)
{
	if (text == NULL || len == 0)
		return 0;
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	_ndr_rules_scan (rules, NDR_CHANNEL_BODY, NULL, text, len, hits, MAX_HITS);
	guint marks = 0;
	for (guint i = 0; i < hits->len; i++) {
		const NdrRuleHit *h = &g_array_index (hits, NdrRuleHit, i);
		if (h->rule->then == NDR_THEN_MARK)
			marks |= 1u << h->rule->value;
	}
	g_array_unref (hits);
	return marks;
}

gboolean
_ndr_prose_has_mark (const NdrparseRules *rules, const char *text, gsize len, NdrMark mark)
{
	return (_ndr_prose_marks (rules, text, len) & (1u << mark)) != 0;
}

/* ---- choosing the family ---- */

typedef struct {
	const char *name;
	guint fields;                   /* NDR_FAMILY_FIELD_* its hits are on */
	NdrRuleHit best;
} Candidate;

static Candidate *
candidate_for (GArray *candidates, const char *name)
{
	for (guint i = 0; i < candidates->len; i++) {
		Candidate *c = &g_array_index (candidates, Candidate, i);
		if (strcmp (c->name, name) == 0)
			return c;
	}
	Candidate c = { name, 0, { NULL, 0, 0 } };
	g_array_append_val (candidates, c);
	return &g_array_index (candidates, Candidate, candidates->len - 1);
}

static void
add_family_hits (GArray *candidates, GArray *hits, guint field)
{
	for (guint i = 0; i < hits->len; i++) {
		const NdrRuleHit *h = &g_array_index (hits, NdrRuleHit, i);
		if (h->rule->then != NDR_THEN_FAMILY || !hit_counts (h))
			continue;
		Candidate *c = candidate_for (candidates, NDR_RULE_TEXT (h->rule, then_name));
		c->fields |= field;
		if (_ndr_rule_hit_outranks (h, c->best.rule ? &c->best : NULL))
			c->best = *h;
	}
}

/* The family's rules fall in two groups: those on the headers (From,
 * Subject, header:NAME) and those on the text.  Within a group any hit
 * will do; a family with rules in both needs a hit in each. */
enum { GROUP_HEADERS = 1, GROUP_TEXT = 2 };

static guint
groups_of (guint fields)
{
	return ((fields & ~NDR_FAMILY_FIELD_BODY) ? GROUP_HEADERS : 0) | ((fields & NDR_FAMILY_FIELD_BODY) ? GROUP_TEXT : 0);
}

static gboolean
candidate_outranks (const NdrparseRules *rules, const Candidate *a, const Candidate *b)
{
	guint groups = groups_of (a->fields);
	if (groups != groups_of (_ndr_rules_family_fields (rules, a->name)))
		return FALSE;
	if (b == NULL)
		return TRUE;
	guint other = groups_of (b->fields);
	if (groups != other)
		return groups == (GROUP_HEADERS | GROUP_TEXT);
	return _ndr_rule_hit_outranks (&a->best, &b->best);
}

/* Where the first not-a-bounce rule hit among @hits starts, or
 * G_MAXSIZE. */
static gsize
first_not_bounce_at (GArray *hits)
{
	gsize at = G_MAXSIZE;
	for (guint i = 0; i < hits->len; i++) {
		const NdrRuleHit *h = &g_array_index (hits, NdrRuleHit, i);
		if (h->rule->then == NDR_THEN_MARK && h->rule->value == NDR_MARK_NOT_BOUNCE && hit_counts (h))
			at = MIN (at, h->from);
	}
	return at;
}

gsize
_ndr_text_returned_message_at (const NdrparseRules *rules, const char *text, gsize len)
{
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	_ndr_rules_scan (rules, NDR_CHANNEL_BODY_LINES, NULL, text, len, hits, MAX_HITS);
	gsize at = len;
	for (guint i = 0; i < hits->len; i++) {
		const NdrRuleHit *h = &g_array_index (hits, NdrRuleHit, i);
		if (h->rule->then == NDR_THEN_MARK && h->rule->value == NDR_MARK_RETURNED_MESSAGE)
			at = MIN (at, h->from);
	}
	g_array_unref (hits);
	return at;
}

/* Whether a line before offset @at of @text starts a returned message. */
static gboolean
returned_message_before (const NdrparseRules *rules, const char *text, gsize at)
{
	return _ndr_text_returned_message_at (rules, text, at) < at;
}

/* Whether the body's @hits say it is no bounce: a not-a-bounce rule's
 * words in the text's own part, before any returned message.  A bounce
 * of a challenge, or of a list's probe, returns the words that made it
 * no bounce, and is one. */
static gboolean
body_says_not_bounce (const NdrparseRules *rules, const char *text, GArray *hits)
{
	gsize at = first_not_bounce_at (hits);
	return at != G_MAXSIZE && !returned_message_before (rules, text, at);
}

/* Scans one field into @candidates; returns the marks its hits give,
 * where a body's not-a-bounce mark counts only as body_says_not_bounce()
 * says. */
static guint
read_field (const NdrparseRules *rules, NdrChannelKind kind, const char *value, gsize len, guint field,
	    GArray *candidates)
{
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	if (kind == NDR_CHANNEL_SUBJECT)
		scan_subject (rules, value, hits);
	else if (value)
		_ndr_rules_scan (rules, kind, NULL, value, len, hits, MAX_HITS);
	add_family_hits (candidates, hits, field);
	guint marks = marks_of (hits);
	if (kind == NDR_CHANNEL_BODY && (marks & (1u << NDR_MARK_NOT_BOUNCE)) && !body_says_not_bounce (rules, value, hits))
		marks &= ~(1u << NDR_MARK_NOT_BOUNCE);
	g_array_unref (hits);
	return marks;
}

gboolean
_ndr_text_not_a_bounce (const NdrparseRules *rules, const char *text)
{
	if (text == NULL)
		return FALSE;
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	_ndr_rules_scan (rules, NDR_CHANNEL_BODY, NULL, text, MIN (strlen (text), NDR_TEXT_MARKER_WINDOW), hits,
			 MAX_HITS);
	gboolean not_bounce = body_says_not_bounce (rules, text, hits);
	g_array_unref (hits);
	return not_bounce;
}

static void
use_family (const NdrparseRules *rules, const char *name, NdrProse *prose)
{
	const NdrFamilyDef *def = name ? _ndr_rules_family (rules, name) : NULL;
	prose->family = name;
	prose->recipients = def ? def->recipients : NDR_RECIPIENTS_LINES;
	prose->preamble_diagnostic = def && def->preamble_diagnostic;
	prose->reason = NDRPARSE_REASON_UNDEFINED;
	if (def && def->reason)
		ndrparse_reason_from_name (def->reason, &prose->reason);
}

static void
set_family (const NdrparseRules *rules, const Candidate *c, NdrProse *prose)
{
	use_family (rules, c->name, prose);
	prose->by_headers = (c->fields & ~NDR_FAMILY_FIELD_BODY) != 0;
}

/* A family is told by a word or two of its From, Subject or text, which
 * another system may write too (IMail's Subject "Undeliverable Mail" is
 * many a system's): when its reading finds nobody, the next family
 * recognised reads the text, then the reading of no family, as a
 * report of an unknown system would be read. */
gboolean
_ndr_prose_give_up_family (const NdrparseRules *rules, NdrProse *prose)
{
	if (prose->family == NULL)
		return FALSE;
	const char *next = prose->runner_up;
	prose->runner_up = NULL;
	use_family (rules, next, prose);
	return TRUE;
}

void
_ndr_prose_read (const NdrparseReport *report, const char *from, const char *subject, const char *text, gsize len,
		 NdrProse *prose)
{
	const NdrparseRules *rules = report->rules;
	*prose = (NdrProse) { .reason = NDRPARSE_REASON_UNDEFINED };
	GArray *candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));

	guint from_marks = read_field (rules, NDR_CHANNEL_FROM, from, from ? strlen (from) : 0,
				       NDR_FAMILY_FIELD_FROM, candidates);
	guint subject_marks = read_field (rules, NDR_CHANNEL_SUBJECT, subject, 0, NDR_FAMILY_FIELD_SUBJECT,
					  candidates);
	guint body_marks = read_field (rules, NDR_CHANNEL_BODY, text, MIN (len, NDR_TEXT_MARKER_WINDOW),
				       NDR_FAMILY_FIELD_BODY, candidates);
	GArray *header_hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	_ndr_header_rules_scan (report, header_hits);
	add_family_hits (candidates, header_hits, NDR_FAMILY_FIELD_HEADER);
	gboolean header_not_bounce = FALSE;
	for (guint i = 0; i < header_hits->len; i++) {
		const NdrRule *rule = g_array_index (header_hits, NdrRuleHit, i).rule;
		header_not_bounce |= rule->then == NDR_THEN_MARK && rule->value == NDR_MARK_NOT_BOUNCE;
	}
	g_array_unref (header_hits);

	const Candidate *best = NULL, *runner_up = NULL;
	for (guint i = 0; i < candidates->len; i++) {
		const Candidate *c = &g_array_index (candidates, Candidate, i);
		if (candidate_outranks (rules, c, best)) {
			runner_up = best;
			best = c;
		} else if (candidate_outranks (rules, c, runner_up)) {
			runner_up = c;
		}
	}
	if (best)
		set_family (rules, best, prose);
	prose->runner_up = runner_up ? runner_up->name : NULL;
	g_array_unref (candidates);

	prose->daemon_sender = is_null_sender (from) || (from_marks & (1u << NDR_MARK_DAEMON_SENDER));
	prose->reply_subject = (subject_marks & (1u << NDR_MARK_REPLY_SUBJECT)) != 0;
	prose->bounce_subject = !prose->reply_subject &&
		(subject_marks & ((1u << NDR_MARK_BOUNCE_SUBJECT) | (1u << NDR_MARK_BOUNCE_SUBJECT_WORD)));
	prose->not_bounce = header_not_bounce ||
			    ((from_marks | subject_marks | body_marks) & (1u << NDR_MARK_NOT_BOUNCE)) != 0;
}
