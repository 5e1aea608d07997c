/* ndr-rule-lint.c - the rule set checked as a whole
 * (ndrparse_rules_lint()).
 *
 * Adding a file checks each line and the names it uses; what only the
 * whole set shows is checked here:
 *  - every rule cites a source;
 *  - no rule is dead: each rule is run on its own words (its phrase,
 *    prefix or whole value, or a regex's example) and must decide them
 *    where its conditions hold, and find them well into a text too.  A
 *    rule of the same kind that an earlier step reads, or that outranks
 *    it in the same step, and that concludes something else, shadows it;
 *  - each family is recognised by each of its own text rules (with one
 *    of its header rules' words in the headers, when it has some);
 *  - every reason of the vocabulary that words can give has rules, and
 *    every name a rule refers to has rules of its own.
 */
#include <string.h>

#include "ndr-text.h"

/* How far into a text a rule's words are also looked for (see
 * check_matches_further_in): one sentence, and past 4 KB. */
static const gsize lead_lengths[] = { 0, 4200 };
#define N_LEADS G_N_ELEMENTS (lead_lengths)

typedef struct {
	NdrparseRules *rules;
	GPtrArray *all;                 /* const NdrRule * */
	GPtrArray *problems;            /* char * */
	char *leads[N_LEADS];           /* the texts words are put after, made once */
} Lint;

static void G_GNUC_PRINTF (3, 4)
problem (Lint *lint, const NdrRule *rule, const char *format, ...)
{
	va_list args;
	va_start (args, format);
	char *what = g_strdup_vprintf (format, args);
	va_end (args);
	g_ptr_array_add (lint->problems, rule ? g_strdup_printf ("%s:%u: rule %s: %s", NDR_RULE_TEXT (rule, file), rule->line, NDR_RULE_TEXT (rule, id), what)
					      : g_strdup (what));
	g_free (what);
}

/* The words a rule is run on: its literal, or a regex's example; NULL
 * for the rules that compare values (status=, code=, suffix=, is= on a
 * lookup field). */
static const char *
own_words (const NdrRule *rule)
{
	switch (rule->match) {
	case NDR_MATCH_PHRASE:
	case NDR_MATCH_PREFIX:
	case NDR_MATCH_IS:
		return NDR_RULE_TEXT (rule, pattern);
	case NDR_MATCH_REGEX:
		return NDR_RULE_TEXT (rule, example);
	default:
		return NULL;
	}
}

/* ---- sources, ids ---- */

static void
check_sources_and_ids (Lint *lint)
{
	GHashTable *ids = g_hash_table_new (g_str_hash, g_str_equal);
	for (guint i = 0; i < lint->all->len; i++) {
		const NdrRule *rule = g_ptr_array_index (lint->all, i);
		if (NDR_RULE_TEXT (rule, source) == NULL || *NDR_RULE_TEXT (rule, source) == '\0' || g_ascii_strcasecmp (NDR_RULE_TEXT (rule, source), "UNSOURCED") == 0)
			problem (lint, rule, "no source: say where its wording comes from (source=)");
		const NdrRule *other = g_hash_table_lookup (ids, NDR_RULE_TEXT (rule, id));
		if (other)
			problem (lint, rule, "the id is taken by the rule at %s:%u", NDR_RULE_TEXT (other, file), other->line);
		else
			g_hash_table_insert (ids, (gpointer) NDR_RULE_TEXT (rule, id), (gpointer) rule);
		if (rule->match == NDR_MATCH_REGEX && NDR_RULE_TEXT (rule, example) == NULL)
			problem (lint, rule, "a regex needs an example= of the words it decides");
	}
	g_hash_table_unref (ids);
}

/* ---- dead reason rules ---- */

/* Where in the evidence chain a reason rule is read: earlier is stronger. */
static gint
reason_step (const NdrRule *rule)
{
	if (NDR_RULE_TEXT (rule, if_provider))
		return 0;
	if (NDR_RULE_TEXT (rule, if_reporter) && rule->weight == NDR_WEIGHT_BROAD)
		return 2;       /* leaning: with the final phrases, before the naming ones */
	if (NDR_RULE_TEXT (rule, if_reporter) || rule->field == NDR_IN_DSN)
		return 1;
	switch (rule->weight) {
	case NDR_WEIGHT_FINAL:
		return 2;
	case NDR_WEIGHT_NAMING:
		return 3;
	default:
		return 6;       /* after the status step */
	}
}

static gboolean
condition_covers (const char *other, const char *mine)
{
	return other == NULL || (mine && strcmp (other, mine) == 0);
}

/* Whether @other applies wherever @rule does. */
static gboolean
applies_where (const NdrRule *other, const NdrRule *rule)
{
	return condition_covers (NDR_RULE_TEXT (other, if_provider), NDR_RULE_TEXT (rule, if_provider)) &&
	       condition_covers (NDR_RULE_TEXT (other, if_reporter), NDR_RULE_TEXT (rule, if_reporter)) &&
	       condition_covers (NDR_RULE_TEXT (other, if_status), NDR_RULE_TEXT (rule, if_status)) &&
	       condition_covers (NDR_RULE_TEXT (other, if_command), NDR_RULE_TEXT (rule, if_command)) &&
	       condition_covers (NDR_RULE_TEXT (other, if_reply), NDR_RULE_TEXT (rule, if_reply));
}

/* The hit of @rule among @hits, or NULL. */
static const NdrRuleHit *
hit_of (GArray *hits, const NdrRule *rule)
{
	for (guint i = 0; i < hits->len; i++)
		if (g_array_index (hits, NdrRuleHit, i).rule == rule)
			return &g_array_index (hits, NdrRuleHit, i);
	return NULL;
}

/* The rule of @hits that shadows @mine (a hit of @rule), or NULL. */
static const NdrRule *
shadowing_rule (GArray *hits, const NdrRule *rule, const NdrRuleHit *mine)
{
	for (guint i = 0; i < hits->len; i++) {
		const NdrRuleHit *h = &g_array_index (hits, NdrRuleHit, i);
		const NdrRule *other = h->rule;
		if (other == rule || other->then != rule->then || strcmp (NDR_RULE_TEXT (other, then_name), NDR_RULE_TEXT (rule, then_name)) == 0 ||
		    !applies_where (other, rule))
			continue;
		if (rule->then == NDR_THEN_REASON) {
			gint a = reason_step (other), b = reason_step (rule);
			if (a < b || (a == b && _ndr_rule_hit_outranks (h, mine)))
				return other;
		} else if (_ndr_rule_hit_outranks (h, mine)) {
			return other;
		}
	}
	return NULL;
}

/* Scans @text as @rule's channel is scanned where @rule applies: a
 * diagnostic with its if-provider= and if-reporter= holding, which brings
 * in every rule that could shadow it (applies_where). */
static void
scan_where_rule_applies (Lint *lint, const NdrRule *rule, NdrChannelKind kind, const char *text, GArray *hits)
{
	if (kind == NDR_CHANNEL_DIAGNOSTIC)
		_ndr_rules_scan_diagnostic (lint->rules, NDR_RULE_TEXT (rule, if_provider), NDR_RULE_TEXT (rule, if_reporter),
					    text, strlen (text), hits, 4096);
	else
		_ndr_rules_scan (lint->rules, kind, NDR_RULE_TEXT (rule, field_name), text, strlen (text), hits, 4096);
}

/* Whether @rule finds @words placed after @lead and @separator (a
 * newline: on a later line; a blank: along the line) in its channel. */
static gboolean
matches_after (Lint *lint, const NdrRule *rule, const char *lead, const char *separator, const char *words,
	       NdrChannelKind kind)
{
	/* A prefix may be led by blanks; other rules' words are as written. */
	char *text = g_strconcat (lead, separator, rule->match == NDR_MATCH_PREFIX ? " " : "", words, "\n", NULL);
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	scan_where_rule_applies (lint, rule, kind, text, hits);
	gboolean found = hit_of (hits, rule) != NULL;
	g_array_unref (hits);
	g_free (text);
	return found;
}

/* A lead for words well into a text: a sentence, repeated until the lead
 * is at least @len bytes (a new string). */
static char *
lead_text (gsize len)
{
	static const char sentence[] = "This line comes first, so that the words below start well into the text.";
	GString *lead = g_string_new (sentence);
	while (lead->len < len) {
		g_string_append_c (lead, ' ');
		g_string_append (lead, sentence);
	}
	return g_string_free (lead, FALSE);
}

/* A rule must find its words well into a text, not only at its start: on
 * a later line (a body rule, a regex of any field), and further along
 * the same line (a phrase, a regex that no ^ anchors), 73 bytes in and
 * past 4 KB.  Vectorscan loses some such matches: line-anchored patterns
 * compiled together lost those 17 or more bytes in (see ndr-matcher.c),
 * and its AVX-512 scan those of some regexes that start 64 or more bytes
 * in (ndr-hs-runtime.c: the diagnostic channel's "\x3c.*\x3e not found" on
 * its own words after 73 bytes of a line; a run over 35 offsets from 0
 * to 70,000 bytes found its losses from 63 on, and none in the AVX2
 * scan).  This says which rules such a text would lose. */
static void
check_matches_further_in (Lint *lint, const NdrRule *rule, const char *words, NdrChannelKind kind)
{
	gboolean later_line = rule->field == NDR_IN_BODY || rule->match == NDR_MATCH_REGEX;
	gboolean along_line = rule->match == NDR_MATCH_PHRASE ||
			      (rule->match == NDR_MATCH_REGEX && !_ndr_regex_anchors_line (NDR_RULE_TEXT (rule, pattern)));
	for (guint i = 0; i < N_LEADS; i++) {
		const char *lead = lint->leads[i];
		gsize in = strlen (lead) + 1;
		if (later_line && !matches_after (lint, rule, lead, "\n", words, kind))
			problem (lint, rule, "does not match its own words \"%s\" on a later line of a text (%zu bytes in)",
				 words, in);
		if (along_line && !matches_after (lint, rule, lead, " ", words, kind))
			problem (lint, rule, "does not match its own words \"%s\" further along a line (%zu bytes in)", words,
				 in);
	}
}

/* Runs @rule on its own words in its channel. */
static void
check_decides_own_words (Lint *lint, const NdrRule *rule)
{
	const char *words = own_words (rule);
	NdrChannelKind kind = _ndr_rule_channel_kind (rule);
	if (words == NULL || kind == NDR_CHANNEL_LOOKUP)
		return;
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	scan_where_rule_applies (lint, rule, kind, words, hits);
	const NdrRuleHit *mine = hit_of (hits, rule);
	if (mine == NULL) {
		problem (lint, rule, "does not match its own %s \"%s\"",
			 rule->match == NDR_MATCH_REGEX ? "example" : "words", words);
	} else if (rule->then == NDR_THEN_REASON || rule->then == NDR_THEN_PROVIDER ||
		   rule->then == NDR_THEN_REPORTER) {
		const NdrRule *other = shadowing_rule (hits, rule, mine);
		if (other)
			problem (lint, rule, "dead: on its own words \"%s\" rule %s (%s:%u, %s:%s) decides",
				 words, NDR_RULE_TEXT (other, id), NDR_RULE_TEXT (other, file), other->line, _ndr_rule_then_name (other->then),
				 NDR_RULE_TEXT (other, then_name));
	} else if (rule->then == NDR_THEN_COMMAND) {
		/* The command is the earliest match's (ndr-smtp-command.c). */
		const NdrRule *other = _ndr_smtp_command_rule (lint->rules, words, strlen (words));
		if (other && other->value != rule->value)
			problem (lint, rule, "dead: on its own words \"%s\" rule %s (%s:%u, command:%s) decides",
				 words, NDR_RULE_TEXT (other, id), NDR_RULE_TEXT (other, file), other->line,
				 NDR_RULE_TEXT (other, then_name));
	}
	g_array_unref (hits);
	if (mine)
		check_matches_further_in (lint, rule, words, kind);
}

/* ---- families ---- */

/* The header line that makes @rule (a family's header rule) hit. */
static char *
header_line_for (const NdrRule *rule)
{
	const char *words = own_words (rule);
	if (words == NULL)
		return NULL;
	switch (rule->field) {
	case NDR_IN_FROM:
		return g_strdup_printf ("From: %s\n", words);
	case NDR_IN_SUBJECT:
		return g_strdup_printf ("Subject: %s\n", words);
	case NDR_IN_HEADER:
		return g_strdup_printf ("%s: %s\n", NDR_RULE_TEXT (rule, field_name), words);
	default:
		return NULL;
	}
}

/* A header rule of family @name, or NULL. */
static const NdrRule *
family_header_rule (Lint *lint, const char *name)
{
	for (guint i = 0; i < lint->all->len; i++) {
		const NdrRule *r = g_ptr_array_index (lint->all, i);
		if (r->then == NDR_THEN_FAMILY && strcmp (NDR_RULE_TEXT (r, then_name), name) == 0 && r->field != NDR_IN_BODY &&
		    !_ndr_rules_is_disabled (lint->rules, r) && own_words (r))
			return r;
	}
	return NULL;
}

/* The family ndrparse reads in a bounce of @headers and @body. */
static char *
family_read (Lint *lint, const char *headers, const char *body)
{
	char *text = g_strdup_printf ("%sMIME-Version: 1.0\n\n", headers);
	NdrHeaderBlock *header = _ndr_header_block_read (text, strlen (text));
	NdrparseReport *report = _ndr_report_new ();
	report->rules = lint->rules;
	report->header = header;
	NdrProse prose;
	_ndr_prose_read (report, _ndr_bounce_header (report, "From"), _ndr_bounce_subject (report), body, strlen (body),
			 &prose);
	char *family = g_strdup (prose.family);
	report->header = NULL;
	ndrparse_report_unref (report);
	_ndr_header_block_free (header);
	g_free (text);
	return family;
}

/* A family's text rule recognises it, as the last words of a line, with
 * a colon or a full stop after them too. */
static void
check_family_text_rule (Lint *lint, const NdrRule *rule)
{
	const char *words = own_words (rule);
	if (words == NULL)
		return;
	const NdrRule *header = family_header_rule (lint, NDR_RULE_TEXT (rule, then_name));
	char *line = header ? header_line_for (header) : NULL;
	static const char *const suffixes[] = { "", ":", "." };
	for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++) {
		char *body = g_strconcat (words, suffixes[i], NULL);
		char *found = family_read (lint, line ? line : "From: MAILER-DAEMON@example.org\n", body);
		if (g_strcmp0 (found, NDR_RULE_TEXT (rule, then_name)) != 0) {
			problem (lint, rule, "family %s is not recognised by its own words \"%s\"%s: %s%s", NDR_RULE_TEXT (rule, then_name),
				 body, header ? "" : " (no header rule)", found ? "family " : "no family", found ? found : "");
			i = G_N_ELEMENTS (suffixes);
		}
		g_free (found);
		g_free (body);
	}
	g_free (line);
}

/* ---- names ---- */

static gboolean
some_rule_concludes (Lint *lint, NdrConclusion then, const char *name)
{
	for (guint i = 0; i < lint->all->len; i++) {
		const NdrRule *r = g_ptr_array_index (lint->all, i);
		if (r->then == then && strcmp (NDR_RULE_TEXT (r, then_name), name) == 0 && !_ndr_rules_is_disabled (lint->rules, r))
			return TRUE;
	}
	return FALSE;
}

static void
check_names (Lint *lint, const NdrRule *rule)
{
	if (NDR_RULE_TEXT (rule, if_provider) && !some_rule_concludes (lint, NDR_THEN_PROVIDER, NDR_RULE_TEXT (rule, if_provider)))
		problem (lint, rule, "if-provider=%s: no rule names that provider (then=provider:%s)", NDR_RULE_TEXT (rule, if_provider),
			 NDR_RULE_TEXT (rule, if_provider));
	if (NDR_RULE_TEXT (rule, if_reporter) && !some_rule_concludes (lint, NDR_THEN_REPORTER, NDR_RULE_TEXT (rule, if_reporter)) &&
	    !some_rule_concludes (lint, NDR_THEN_FAMILY, NDR_RULE_TEXT (rule, if_reporter)))
		problem (lint, rule, "if-reporter=%s: no reporter or family rule names it", NDR_RULE_TEXT (rule, if_reporter));
	switch (rule->then) {
	case NDR_THEN_FAMILY:
	case NDR_THEN_FAMILY_BEGIN:
	case NDR_THEN_FAMILY_END:
	case NDR_THEN_FAMILY_TRANSCRIPT:
		if (_ndr_rules_family (lint->rules, NDR_RULE_TEXT (rule, then_name)) == NULL)
			problem (lint, rule, "no \"family %s\" line defines the family", NDR_RULE_TEXT (rule, then_name));
		else if (rule->then != NDR_THEN_FAMILY && !some_rule_concludes (lint, NDR_THEN_FAMILY, NDR_RULE_TEXT (rule, then_name)))
			problem (lint, rule, "family %s has no rule that recognises it", NDR_RULE_TEXT (rule, then_name));
		break;
	default:
		break;
	}
}

/* Reasons no words give: ndrparse decides them from a report's form
 * (success notices, feedback reports, automatic replies) or from finding
 * no evidence (undefined, onhold: the "nothing" step). */
static gboolean
reason_needs_rules (NdrparseReason reason)
{
	switch (reason) {
	case NDRPARSE_REASON_UNDEFINED:
	case NDRPARSE_REASON_ONHOLD:
	case NDRPARSE_REASON_DELIVERED:
	case NDRPARSE_REASON_FEEDBACK:
	case NDRPARSE_REASON_VACATION:
		return FALSE;
	default:
		return TRUE;
	}
}

static void
check_vocabulary (Lint *lint)
{
	for (guint r = 0; r < NDRPARSE_REASON_COUNT; r++) {
		const char *name = ndrparse_reason_get_name ((NdrparseReason) r);
		if (reason_needs_rules ((NdrparseReason) r) && !some_rule_concludes (lint, NDR_THEN_REASON, name))
			problem (lint, NULL, "reason %s: no rule gives it", name);
	}
	GArray *families = g_array_new (FALSE, FALSE, sizeof (NdrFamilyDef));
	_ndr_rules_families (lint->rules, families);
	for (guint i = 0; i < families->len; i++) {
		const NdrFamilyDef *f = &g_array_index (families, NdrFamilyDef, i);
		if (!some_rule_concludes (lint, NDR_THEN_FAMILY, f->name))
			problem (lint, NULL, "family %s: no rule recognises it", f->name);
	}
	g_array_unref (families);
}

char **
ndrparse_rules_lint (NdrparseRules *rules)
{
	_ndr_ensure_gmime ();
	Lint lint = { NULL, g_ptr_array_new (), g_ptr_array_new (), { NULL } };
	lint.rules = (NdrparseRules *) _ndr_rules_use (rules);
	for (guint i = 0; i < N_LEADS; i++)
		lint.leads[i] = lead_text (lead_lengths[i]);
	_ndr_rules_all (lint.rules, lint.all);
	check_sources_and_ids (&lint);
	for (guint i = 0; i < lint.all->len; i++) {
		const NdrRule *rule = g_ptr_array_index (lint.all, i);
		if (_ndr_rules_is_disabled (lint.rules, rule))
			continue;
		check_names (&lint, rule);
		check_decides_own_words (&lint, rule);
		if (rule->then == NDR_THEN_FAMILY && rule->field == NDR_IN_BODY)
			check_family_text_rule (&lint, rule);
	}
	check_vocabulary (&lint);
	g_ptr_array_add (lint.problems, NULL);
	g_ptr_array_unref (lint.all);
	for (guint i = 0; i < N_LEADS; i++)
		g_free (lint.leads[i]);
	return (char **) g_ptr_array_free (lint.problems, FALSE);
}
