/* ndr-rule-parse.c - reading rule files (ndrparse-rules(5)) into rules.
 *
 * A file is lines.  '#' starts a comment (outside quotes); blank lines
 * are nothing.  The other lines are:
 *
 *   ID KEY=VALUE...            a rule (an ID holds a '.': "google.disabled")
 *   set KEY=VALUE...           defaults for the rules that follow in the file
 *   unset KEY...               drops defaults
 *   disable ID...              a shipped rule no longer applies
 *   reason NAME KEY=VALUE...   the reason vocabulary (shipped files only)
 *   code CODE KEY=VALUE...     the SMTP code table (shipped files only)
 *   family NAME KEY=VALUE...   a prose bounce family's attributes
 *
 * A VALUE is a word, or a string in double quotes in which \" is a quote
 * and \\ a backslash (any other backslash stays, so regexes need no
 * doubling).  This file checks the syntax and each value on its own; the
 * names a rule refers to are resolved when a rule set is built
 * (ndr-rules.c), where all files are known.
 */
#include <stdlib.h>
#include <string.h>

#include "ndr-rule.h"
#include "ndrparse.h"

/* ---- names ---- */

static const char *const field_names[NDR_IN_COUNT] = {
	"diagnostic", "body", "subject", "from", "header", "dsn", "status", "reply", "command",
	"remote-host", "recipient-domain",
};
static const char *const match_names[] = {
	"phrase", "regex", "prefix", "is", "suffix", "status", "code",
};
static const char *const then_names[NDR_THEN_COUNT] = {
	"reason", "provider", "reporter", "family", "family-begin", "family-end", "family-transcript", "mark",
	"command",
};
static const char *const command_names[NDR_SMTP_COUNT] = {
	"CONN", "HELO", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA",
};
static const char *const mark_names[NDR_MARK_COUNT] = {
	"failure", "delay", "returned-message", "recipient-label", "bounce-subject",
	"bounce-subject-word", "daemon-sender", "autoreply-subject", "autoreply-header", "not-a-bounce", "reply-subject",
	"session-start", "given-up", "exit-status",
};
static const char *const weight_names[NDR_WEIGHT_COUNT] = { "final", "naming", "broad" };

const char *
_ndr_rule_field_name (NdrRuleField field)
{
	return (guint) field < NDR_IN_COUNT ? field_names[field] : NULL;
}

const char *
_ndr_rule_match_name (NdrMatchKind match)
{
	return (guint) match < G_N_ELEMENTS (match_names) ? match_names[match] : NULL;
}

const char *
_ndr_rule_then_name (NdrConclusion then)
{
	return (guint) then < NDR_THEN_COUNT ? then_names[then] : NULL;
}

const char *
_ndr_smtp_command_name (NdrSmtpCommand command)
{
	return (guint) command < NDR_SMTP_COUNT ? command_names[command] : NULL;
}

const char *
_ndr_rule_mark_name (NdrMark mark)
{
	return (guint) mark < NDR_MARK_COUNT ? mark_names[mark] : NULL;
}

const char *
_ndr_rule_weight_name (NdrWeight weight)
{
	return (guint) weight < NDR_WEIGHT_COUNT ? weight_names[weight] : NULL;
}

static gint
index_of (const char *const *names, gsize n, const char *name)
{
	for (gsize i = 0; i < n; i++)
		if (strcmp (names[i], name) == 0)
			return (gint) i;
	return -1;
}

gboolean
_ndr_rule_mark_from_name (const char *name, NdrMark *mark)
{
	gint i = index_of (mark_names, NDR_MARK_COUNT, name);
	if (i >= 0)
		*mark = (NdrMark) i;
	return i >= 0;
}

/* ---- value syntax ---- */

static gboolean
parse_uint (const char **p, guint max, guint *out)
{
	char *end;
	if (!g_ascii_isdigit (**p))
		return FALSE;
	guint64 v = g_ascii_strtoull (*p, &end, 10);
	if (v > max)
		return FALSE;
	*out = (guint) v;
	*p = end;
	return TRUE;
}

/* "5.7.26", "*.7.26", "5.7.606-649": class, subject, detail range. */
static gboolean
parse_status_spec (const char *spec, guint *klass, guint *subject, guint *low, guint *high)
{
	const char *p = spec;
	*klass = 0;
	if (*p == '*' || *p == 'x' || *p == 'X')
		p++;
	else if (!parse_uint (&p, 5, klass) || (*klass != 2 && *klass != 4 && *klass != 5))
		return FALSE;
	if (*p++ != '.' || !parse_uint (&p, 999, subject) || *p++ != '.' || !parse_uint (&p, 999, low))
		return FALSE;
	*high = *low;
	if (*p == '-' && (p++, !parse_uint (&p, 999, high) || *high < *low))
		return FALSE;
	return *p == '\0';
}

gboolean
_ndr_rule_status_spec_valid (const char *spec)
{
	guint k, s, l, h;
	return spec && parse_status_spec (spec, &k, &s, &l, &h);
}

gboolean
_ndr_rule_status_spec_parse (const char *spec, guint *klass, guint *subject, guint *low, guint *high)
{
	return parse_status_spec (spec, klass, subject, low, high);
}

gboolean
_ndr_rule_status_fits (const char *spec, guint klass, guint subject, guint detail)
{
	/* No status, or one that gives only its class or subject (X.0.0,
	 * X.Y.0: RFC 3463 section 2, "other or undefined"). */
	if (strcmp (spec, NDR_STATUS_UNSPECIFIC) == 0)
		return klass == 0 || subject == 0 || detail == 0;
	guint k, s, low, high;
	if (klass == 0 || !parse_status_spec (spec, &k, &s, &low, &high))
		return FALSE;
	return (k == 0 || k == klass) && s == subject && detail >= low && detail <= high;
}

/* "550", "550-559" or "5xx". */
static gboolean
parse_code_spec (const char *spec, guint *low, guint *high)
{
	if (strlen (spec) == 3 && spec[0] >= '2' && spec[0] <= '5' && (spec[1] == 'x' || spec[1] == 'X') &&
	    (spec[2] == 'x' || spec[2] == 'X')) {
		*low = (guint) (spec[0] - '0') * 100;
		*high = *low + 99;
		return TRUE;
	}
	const char *p = spec;
	if (!parse_uint (&p, 599, low) || *low < 200)
		return FALSE;
	*high = *low;
	if (*p == '-' && (p++, !parse_uint (&p, 599, high) || *high < *low))
		return FALSE;
	return *p == '\0';
}

gboolean
_ndr_rule_code_spec_valid (const char *spec)
{
	guint l, h;
	return spec && parse_code_spec (spec, &l, &h);
}

gboolean
_ndr_rule_code_fits (const char *spec, guint code)
{
	guint low, high;
	return parse_code_spec (spec, &low, &high) && code >= low && code <= high;
}

gboolean
_ndr_rule_word_in_list (const char *list, const char *word)
{
	gsize n = strlen (word);
	for (const char *p = list; p && *p;) {
		gsize len = strcspn (p, "|");
		if (len == n && g_ascii_strncasecmp (p, word, n) == 0)
			return TRUE;
		p += len;
		p += *p == '|';
	}
	return FALSE;
}

gint
_ndr_rule_default_priority (NdrConclusion then, NdrWeight weight)
{
	if (then != NDR_THEN_REASON)
		return 500;
	switch (weight) {
	case NDR_WEIGHT_FINAL: return 900;
	case NDR_WEIGHT_BROAD: return 100;
	default: return 500;
	}
}

/* ---- the source ---- */

NdrRuleSource *
_ndr_rule_source_new (gboolean user)
{
	NdrRuleSource *source = g_new0 (NdrRuleSource, 1);
	source->strings = g_string_chunk_new (4096);
	source->rules = g_ptr_array_new_with_free_func (g_free);
	source->disabled = g_ptr_array_new ();
	source->reasons = g_array_new (FALSE, TRUE, sizeof (NdrReasonDef));
	source->codes = g_array_new (FALSE, TRUE, sizeof (NdrCodeDef));
	source->families = g_array_new (FALSE, TRUE, sizeof (NdrFamilyDef));
	source->user = user;
	return source;
}

void
_ndr_rule_source_free (NdrRuleSource *source)
{
	if (source == NULL)
		return;
	g_ptr_array_unref (source->rules);
	g_ptr_array_unref (source->disabled);
	g_array_unref (source->reasons);
	g_array_unref (source->codes);
	g_array_unref (source->families);
	g_string_chunk_free (source->strings);
	g_free (source);
}

/* ---- tokens ---- */

typedef struct {
	char *key;              /* NULL for a bare word */
	char *value;
} Token;

static void
tokens_free (GArray *tokens)
{
	for (guint i = 0; i < tokens->len; i++) {
		Token *t = &g_array_index (tokens, Token, i);
		g_free (t->key);
		g_free (t->value);
	}
	g_array_unref (tokens);
}

/* A quoted string at *@p (after its opening quote), to its closing quote. */
static char *
quoted (const char **p, const char *end, const char **why)
{
	GString *s = g_string_new (NULL);
	for (const char *q = *p; q < end; q++) {
		if (*q == '"') {
			*p = q + 1;
			return g_string_free (s, FALSE);
		}
		if (*q == '\\' && q + 1 < end && (q[1] == '"' || q[1] == '\\'))
			q++;
		g_string_append_c (s, *q);
	}
	g_string_free (s, TRUE);
	*why = "a quoted string is not closed";
	return NULL;
}

/* Splits a line into words and KEY=VALUE pairs; NULL with @why. */
static GArray *
tokenize (const char *line, gsize len, const char **why)
{
	GArray *tokens = g_array_new (FALSE, TRUE, sizeof (Token));
	const char *p = line, *end = line + len;
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end || *p == '#')
			return tokens;
		const char *start = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '=' && *p != '"')
			p++;
		Token t = { NULL, NULL };
		if (p < end && *p == '"') {
			*why = "a quoted string must be the value of a KEY=";
			tokens_free (tokens);
			return NULL;
		}
		if (p < end && *p == '=') {
			t.key = g_strndup (start, (gsize) (p - start));
			p++;
			if (p < end && *p == '"') {
				p++;
				if ((t.value = quoted (&p, end, why)) == NULL) {
					g_free (t.key);
					tokens_free (tokens);
					return NULL;
				}
			} else {
				const char *v = p;
				while (p < end && *p != ' ' && *p != '\t')
					p++;
				t.value = g_strndup (v, (gsize) (p - v));
			}
			if (*t.key == '\0') {
				*why = "'=' with no KEY before it";
				g_free (t.key);
				g_free (t.value);
				tokens_free (tokens);
				return NULL;
			}
		} else {
			t.value = g_strndup (start, (gsize) (p - start));
		}
		g_array_append_val (tokens, t);
	}
}

/* ---- one file ---- */

typedef struct {
	NdrRuleSource *source;
	const char *name;       /* interned file name */
	guint line;
	GHashTable *defaults;   /* key -> value (set lines), owned strings */
	GHashTable *ids;        /* ids of this text, to refuse duplicates within it */
	GError **error;
	/* what this text adds, kept apart until the whole text parsed */
	GPtrArray *rules;
	GPtrArray *disabled;
	GArray *reasons, *codes, *families;
} Parser;

static gboolean G_GNUC_PRINTF (2, 3)
fail (Parser *ps, const char *format, ...)
{
	va_list args;
	va_start (args, format);
	char *what = g_strdup_vprintf (format, args);
	va_end (args);
	g_set_error (ps->error, NDRPARSE_ERROR, NDRPARSE_ERROR_BAD_RULES, "%s:%u: %s", ps->name, ps->line, what);
	g_free (what);
	return FALSE;
}

static const char *
intern (Parser *ps, const char *s)
{
	return s ? g_string_chunk_insert_const (ps->source->strings, s) : NULL;
}

static const char *const rule_keys[] = {
	"in", "phrase", "regex", "prefix", "is", "suffix", "status", "code", "then", "priority",
	"weight", "if-provider", "if-reporter", "if-status", "if-command", "if-reply", "refines", "yields", "hard",
	"source", "example",
};

static gboolean
is_rule_key (const char *key)
{
	return index_of (rule_keys, G_N_ELEMENTS (rule_keys), key) >= 0;
}

static gboolean
valid_id (const char *id)
{
	if (!g_ascii_isalnum (id[0]) || strchr (id, '.') == NULL)
		return FALSE;
	for (const char *p = id; *p; p++)
		if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
			return FALSE;
	return id[strlen (id) - 1] != '.';
}

static gboolean
valid_name (const char *name)
{
	if (!g_ascii_isalnum (name[0]))
		return FALSE;
	for (const char *p = name; *p; p++)
		if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
			return FALSE;
	return TRUE;
}

/* The rule's value for @key: its own, else the file's default. */
static const char *
rule_value (Parser *ps, GHashTable *own, const char *key)
{
	const char *v = g_hash_table_lookup (own, key);
	return v ? v : g_hash_table_lookup (ps->defaults, key);
}

static gboolean
parse_field (Parser *ps, const char *value, NdrRule *rule)
{
	const char *colon = strchr (value, ':');
	char *base = colon ? g_strndup (value, (gsize) (colon - value)) : g_strdup (value);
	gint field = index_of (field_names, NDR_IN_COUNT, base);
	g_free (base);
	if (field < 0)
		return fail (ps, "unknown in=%s (diagnostic, body, subject, from, header:NAME, dsn:NAME, status, "
			     "reply, command, remote-host or recipient-domain)", value);
	rule->field = (NdrRuleField) field;
	gboolean named = field == NDR_IN_HEADER || field == NDR_IN_DSN;
	if (named != (colon != NULL) || (colon && colon[1] == '\0'))
		return fail (ps, named ? "in=%s needs a field name: in=%s:NAME" : "in=%s takes no name", value,
			     field_names[field]);
	rule->field_name.text = colon ? intern (ps, colon + 1) : NULL;
	return TRUE;
}

/* Which matchers each field takes. */
static gboolean
match_allowed (NdrRuleField field, NdrMatchKind match)
{
	switch (field) {
	case NDR_IN_DIAGNOSTIC:
		return match == NDR_MATCH_PHRASE || match == NDR_MATCH_REGEX;
	case NDR_IN_BODY:
		return match == NDR_MATCH_PHRASE || match == NDR_MATCH_REGEX || match == NDR_MATCH_PREFIX;
	case NDR_IN_SUBJECT:
	case NDR_IN_FROM:
	case NDR_IN_HEADER:
		return match == NDR_MATCH_PHRASE || match == NDR_MATCH_REGEX || match == NDR_MATCH_PREFIX ||
		       match == NDR_MATCH_IS;
	case NDR_IN_DSN:
	case NDR_IN_COMMAND:
	case NDR_IN_RECIPIENT_DOMAIN:
		return match == NDR_MATCH_IS;
	case NDR_IN_REMOTE_HOST:
		return match == NDR_MATCH_SUFFIX || match == NDR_MATCH_IS;
	case NDR_IN_STATUS:
		return match == NDR_MATCH_STATUS;
	case NDR_IN_REPLY:
		return match == NDR_MATCH_CODE;
	default:
		return FALSE;
	}
}

static gboolean
parse_matcher (Parser *ps, GHashTable *own, NdrRule *rule)
{
	gint found = -1;
	for (guint m = 0; m < G_N_ELEMENTS (match_names); m++) {
		if (rule_value (ps, own, match_names[m]) == NULL)
			continue;
		if (found >= 0)
			return fail (ps, "two matchers, %s= and %s=: a rule has one", match_names[found], match_names[m]);
		found = (gint) m;
	}
	if (found < 0)
		return fail (ps, "no matcher (phrase=, regex=, prefix=, is=, suffix=, status= or code=)");
	rule->match = (NdrMatchKind) found;
	rule->pattern.text = intern (ps, rule_value (ps, own, match_names[found]));
	if (!match_allowed (rule->field, rule->match))
		return fail (ps, "%s= does not apply to in=%s", match_names[found], field_names[rule->field]);
	if (*NDR_RULE_TEXT (rule, pattern) == '\0')
		return fail (ps, "an empty %s=", match_names[found]);
	if (rule->match == NDR_MATCH_STATUS && !_ndr_rule_status_spec_valid (NDR_RULE_TEXT (rule, pattern)))
		return fail (ps, "status=%s is not a status (5.7.26, *.7.26 or 5.7.606-649)", NDR_RULE_TEXT (rule, pattern));
	if (rule->match == NDR_MATCH_CODE && !_ndr_rule_code_spec_valid (NDR_RULE_TEXT (rule, pattern)))
		return fail (ps, "code=%s is not a reply code (550, 550-559 or 5xx)", NDR_RULE_TEXT (rule, pattern));
	return TRUE;
}

static gboolean
parse_then (Parser *ps, const char *value, NdrRule *rule)
{
	const char *colon = value ? strchr (value, ':') : NULL;
	if (value == NULL)
		return fail (ps, "no then= (what the rule concludes: reason:NAME, provider:NAME, ...)");
	char *kind = colon ? g_strndup (value, (gsize) (colon - value)) : g_strdup (value);
	gint then = index_of (then_names, NDR_THEN_COUNT, kind);
	g_free (kind);
	if (then < 0 || colon == NULL || !valid_name (colon + 1))
		return fail (ps, "then=%s is not KIND:NAME (reason, provider, reporter, family, family-begin, "
			     "family-end, family-transcript, mark or command)", value);
	rule->then = (NdrConclusion) then;
	rule->then_name.text = intern (ps, colon + 1);
	rule->value = -1;
	if (then == NDR_THEN_MARK) {
		NdrMark mark;
		if (!_ndr_rule_mark_from_name (NDR_RULE_TEXT (rule, then_name), &mark))
			return fail (ps, "unknown mark '%s'", NDR_RULE_TEXT (rule, then_name));
		rule->value = mark;
	}
	if (then == NDR_THEN_COMMAND) {
		if (rule->field != NDR_IN_DIAGNOSTIC)
			return fail (ps, "then=command: is for in=diagnostic rules (the words of a reply)");
		const char *name = NDR_RULE_TEXT (rule, then_name);
		for (gint c = 0; c < NDR_SMTP_COUNT && rule->value < 0; c++)
			if (g_ascii_strcasecmp (command_names[c], name) == 0 && g_ascii_islower (name[0]))
				rule->value = c;
		if (rule->value < 0)
			return fail (ps, "unknown command '%s' (conn, helo, ehlo, starttls, auth, mail, rcpt or data)", name);
	}
	return TRUE;
}

static gboolean
parse_number (Parser *ps, const char *key, const char *value, gint *out)
{
	char *end;
	gint64 v = g_ascii_strtoll (value, &end, 10);
	if (*value == '\0' || *end != '\0' || v < -10000 || v > 10000)
		return fail (ps, "%s=%s is not a number from -10000 to 10000", key, value);
	*out = (gint) v;
	return TRUE;
}

static gboolean
parse_options (Parser *ps, GHashTable *own, NdrRule *rule)
{
	const char *weight = rule_value (ps, own, "weight");
	rule->weight = NDR_WEIGHT_NAMING;
	if (weight) {
		gint w = index_of (weight_names, NDR_WEIGHT_COUNT, weight);
		if (w < 0)
			return fail (ps, "weight=%s is not final, naming or broad", weight);
		rule->weight = (NdrWeight) w;
	}
	const char *priority = rule_value (ps, own, "priority");
	rule->priority = _ndr_rule_default_priority (rule->then, rule->weight);
	if (priority && !parse_number (ps, "priority", priority, &rule->priority))
		return FALSE;
	const char *hard = rule_value (ps, own, "hard");
	rule->hard = -1;
	if (hard) {
		if (strcmp (hard, "true") != 0 && strcmp (hard, "false") != 0)
			return fail (ps, "hard=%s is not true or false", hard);
		rule->hard = strcmp (hard, "true") == 0;
	}
	rule->if_provider.text = intern (ps, rule_value (ps, own, "if-provider"));
	rule->if_reporter.text = intern (ps, rule_value (ps, own, "if-reporter"));
	rule->if_status.text = intern (ps, rule_value (ps, own, "if-status"));
	rule->if_command.text = intern (ps, rule_value (ps, own, "if-command"));
	rule->if_reply.text = intern (ps, rule_value (ps, own, "if-reply"));
	rule->refines.text = intern (ps, rule_value (ps, own, "refines"));
	rule->yields.text = intern (ps, rule_value (ps, own, "yields"));
	if (NDR_RULE_TEXT (rule, yields) && !(rule->then == NDR_THEN_REASON &&
			      (rule->field == NDR_IN_STATUS || rule->field == NDR_IN_COMMAND ||
			       (NDR_RULE_TEXT (rule, if_reporter) && rule->weight == NDR_WEIGHT_BROAD))))
		return fail (ps, "yields= belongs to status rules, command rules and a reporter's leaning rules "
			     "(if-reporter= weight=broad)");
	rule->example.text = intern (ps, rule_value (ps, own, "example"));
	if (NDR_RULE_TEXT (rule, if_status) && strcmp (NDR_RULE_TEXT (rule, if_status), NDR_STATUS_UNSPECIFIC) != 0 &&
	    !_ndr_rule_status_spec_valid (NDR_RULE_TEXT (rule, if_status)))
		return fail (ps, "if-status=%s is not a status (5.7.26, *.7.26, 5.7.606-649 or unspecific)",
			     NDR_RULE_TEXT (rule, if_status));
	if (NDR_RULE_TEXT (rule, if_reply) && !_ndr_rule_code_spec_valid (NDR_RULE_TEXT (rule, if_reply)))
		return fail (ps, "if-reply=%s is not a reply code (550, 550-559 or 5xx)", NDR_RULE_TEXT (rule, if_reply));
	if (NDR_RULE_TEXT (rule, refines) && rule->field != NDR_IN_STATUS)
		return fail (ps, "refines= belongs to in=status rules");
	rule->source.text = intern (ps, rule_value (ps, own, "source"));
	if (NDR_RULE_TEXT (rule, source) == NULL || *NDR_RULE_TEXT (rule, source) == '\0')
		return fail (ps, "rule %s has no source= (where its wording comes from)", NDR_RULE_TEXT (rule, id));
	return TRUE;
}

/* Collects the KEY=VALUE tokens after the first @skip words into @own;
 * FALSE (with the message) on a bare word or a key @allowed refuses. */
static gboolean
collect_pairs (Parser *ps, GArray *tokens, guint skip, GHashTable *own, gboolean (*allowed) (const char *))
{
	for (guint i = skip; i < tokens->len; i++) {
		Token *t = &g_array_index (tokens, Token, i);
		if (t->key == NULL)
			return fail (ps, "'%s' is not KEY=VALUE", t->value);
		if (!allowed (t->key))
			return fail (ps, "unknown key '%s'", t->key);
		if (g_hash_table_contains (own, t->key))
			return fail (ps, "%s= given twice", t->key);
		g_hash_table_insert (own, t->key, t->value);
	}
	return TRUE;
}

static gboolean
parse_rule (Parser *ps, GArray *tokens)
{
	const char *id = g_array_index (tokens, Token, 0).value;
	if (!valid_id (id))
		return fail (ps, "'%s' is not a rule id (letters, digits, '-', '_' and at least one '.': "
			     "google.mailbox-disabled) nor a directive (set, unset, disable, reason, code, family)", id);
	if (g_hash_table_contains (ps->ids, id))
		return fail (ps, "rule id %s is used twice", id);
	GHashTable *own = g_hash_table_new (g_str_hash, g_str_equal);
	NdrRule *rule = g_new0 (NdrRule, 1);
	rule->id.text = intern (ps, id);
	rule->file.text = ps->name;
	rule->line = ps->line;
	rule->user = ps->source->user;
	gboolean ok = collect_pairs (ps, tokens, 1, own, is_rule_key);
	const char *in = ok ? rule_value (ps, own, "in") : NULL;
	if (ok && in == NULL)
		ok = fail (ps, "no in= (what the rule looks at)");
	ok = ok && parse_field (ps, in, rule) && parse_matcher (ps, own, rule) &&
	     parse_then (ps, rule_value (ps, own, "then"), rule) && parse_options (ps, own, rule);
	g_hash_table_unref (own);
	if (!ok) {
		g_free (rule);
		return FALSE;
	}
	g_hash_table_add (ps->ids, (gpointer) NDR_RULE_TEXT (rule, id));
	g_ptr_array_add (ps->rules, rule);
	return TRUE;
}

static gboolean
parse_set (Parser *ps, GArray *tokens)
{
	if (tokens->len < 2)
		return fail (ps, "set needs KEY=VALUE");
	for (guint i = 1; i < tokens->len; i++) {
		Token *t = &g_array_index (tokens, Token, i);
		if (t->key == NULL)
			return fail (ps, "'%s' is not KEY=VALUE", t->value);
		if (!is_rule_key (t->key))
			return fail (ps, "unknown key '%s'", t->key);
		g_hash_table_insert (ps->defaults, g_strdup (t->key), g_strdup (t->value));
	}
	return TRUE;
}

static gboolean
parse_unset (Parser *ps, GArray *tokens)
{
	for (guint i = 1; i < tokens->len; i++) {
		Token *t = &g_array_index (tokens, Token, i);
		if (t->key != NULL || !is_rule_key (t->value))
			return fail (ps, "unset takes keys: '%s' is none", t->key ? t->key : t->value);
		g_hash_table_remove (ps->defaults, t->value);
	}
	return tokens->len > 1 || fail (ps, "unset needs a KEY");
}

static gboolean
parse_disable (Parser *ps, GArray *tokens)
{
	if (tokens->len < 2)
		return fail (ps, "disable needs a rule id");
	for (guint i = 1; i < tokens->len; i++) {
		Token *t = &g_array_index (tokens, Token, i);
		if (t->key != NULL || !valid_id (t->value))
			return fail (ps, "disable takes rule ids: '%s' is none", t->key ? t->key : t->value);
		g_ptr_array_add (ps->disabled, (gpointer) intern (ps, t->value));
	}
	return TRUE;
}

static gboolean
reason_key (const char *key)
{
	static const char *const keys[] = {
		"status-permanent", "status-temporary", "description", "advice-permanent", "advice-temporary", "source",
	};
	return index_of (keys, G_N_ELEMENTS (keys), key) >= 0;
}

static gboolean
code_key (const char *key)
{
	return strcmp (key, "text") == 0 || strcmp (key, "source") == 0;
}

static gboolean
family_key (const char *key)
{
	return strcmp (key, "recipients") == 0 || strcmp (key, "diagnostic") == 0 || strcmp (key, "reason") == 0 ||
	       strcmp (key, "source") == 0;
}

/* The NAME after a directive, and its KEY=VALUE pairs in @own. */
static const char *
directive_head (Parser *ps, GArray *tokens, GHashTable *own, gboolean (*allowed) (const char *))
{
	const char *directive = g_array_index (tokens, Token, 0).value;
	Token *name = tokens->len > 1 ? &g_array_index (tokens, Token, 1) : NULL;
	if (name == NULL || name->key != NULL) {
		fail (ps, "%s needs a name first", directive);
		return NULL;
	}
	if (ps->source->user && strcmp (directive, "family") != 0) {
		fail (ps, "%s lines belong to the shipped rules; a user file cannot change them", directive);
		return NULL;
	}
	if (!collect_pairs (ps, tokens, 2, own, allowed))
		return NULL;
	const char *source = g_hash_table_lookup (own, "source");
	if (source == NULL)
		source = g_hash_table_lookup (ps->defaults, "source");
	if (source == NULL || *source == '\0') {
		fail (ps, "%s %s has no source=", directive, name->value);
		return NULL;
	}
	if (!g_hash_table_contains (own, "source"))
		g_hash_table_insert (own, (gpointer) "source", (gpointer) source);
	return name->value;
}

static gboolean
parse_reason (Parser *ps, GArray *tokens)
{
	GHashTable *own = g_hash_table_new (g_str_hash, g_str_equal);
	const char *name = directive_head (ps, tokens, own, reason_key);
	gboolean ok = name != NULL;
	NdrReasonDef def = { 0 };
	if (ok) {
		def.name = intern (ps, name);
		def.status_permanent = intern (ps, g_hash_table_lookup (own, "status-permanent"));
		def.status_temporary = intern (ps, g_hash_table_lookup (own, "status-temporary"));
		def.description = intern (ps, g_hash_table_lookup (own, "description"));
		def.advice_permanent = intern (ps, g_hash_table_lookup (own, "advice-permanent"));
		def.advice_temporary = intern (ps, g_hash_table_lookup (own, "advice-temporary"));
		def.source = intern (ps, g_hash_table_lookup (own, "source"));
		if (def.description == NULL || def.advice_permanent == NULL || def.advice_temporary == NULL)
			ok = fail (ps, "reason %s needs description=, advice-permanent= and advice-temporary=", name);
		else if ((def.status_permanent && !_ndr_rule_status_spec_valid (def.status_permanent)) ||
			 (def.status_temporary && !_ndr_rule_status_spec_valid (def.status_temporary)))
			ok = fail (ps, "reason %s: a status-permanent/temporary= that is no status", name);
	}
	if (ok)
		g_array_append_val (ps->reasons, def);
	g_hash_table_unref (own);
	return ok;
}

static gboolean
parse_code (Parser *ps, GArray *tokens)
{
	GHashTable *own = g_hash_table_new (g_str_hash, g_str_equal);
	const char *name = directive_head (ps, tokens, own, code_key);
	gboolean ok = name != NULL;
	NdrCodeDef def = { 0 };
	guint klass = 0, low = 0, high = 0;
	if (ok && (def.text = intern (ps, g_hash_table_lookup (own, "text"))) == NULL)
		ok = fail (ps, "code %s needs text=", name);
	if (ok && strchr (name, '.')) {
		if (!parse_status_spec (name, &klass, &def.subject, &low, &high) || klass != 0 || low != high)
			ok = fail (ps, "code %s is not X.SUBJECT.DETAIL", name);
		def.detail = low;
	} else if (ok && (!parse_code_spec (name, &low, &high) || low != high)) {
		ok = fail (ps, "code %s is not a reply code", name);
	} else if (ok) {
		def.reply_code = low;
	}
	def.source = ok ? intern (ps, g_hash_table_lookup (own, "source")) : NULL;
	if (ok)
		g_array_append_val (ps->codes, def);
	g_hash_table_unref (own);
	return ok;
}

static gboolean
parse_family (Parser *ps, GArray *tokens)
{
	GHashTable *own = g_hash_table_new (g_str_hash, g_str_equal);
	const char *name = directive_head (ps, tokens, own, family_key);
	gboolean ok = name != NULL && (valid_name (name) || fail (ps, "'%s' is not a family name", name));
	NdrFamilyDef def = { 0 };
	if (ok) {
		const char *recipients = g_hash_table_lookup (own, "recipients");
		def.name = intern (ps, name);
		def.reason = intern (ps, g_hash_table_lookup (own, "reason"));
		def.source = intern (ps, g_hash_table_lookup (own, "source"));
		if (recipients == NULL || strcmp (recipients, "lines") == 0)
			def.recipients = NDR_RECIPIENTS_LINES;
		else if (strcmp (recipients, "mentions") == 0)
			def.recipients = NDR_RECIPIENTS_MENTIONS;
		else if (strcmp (recipients, "local-parts") == 0)
			def.recipients = NDR_RECIPIENTS_LOCAL_PARTS;
		else
			ok = fail (ps, "recipients=%s is not lines, mentions or local-parts", recipients);
		const char *diagnostic = g_hash_table_lookup (own, "diagnostic");
		if (diagnostic && strcmp (diagnostic, "preamble") == 0)
			def.preamble_diagnostic = TRUE;
		else if (diagnostic && strcmp (diagnostic, "block") != 0)
			ok = fail (ps, "diagnostic=%s is not block or preamble", diagnostic);
	}
	if (ok)
		g_array_append_val (ps->families, def);
	g_hash_table_unref (own);
	return ok;
}

static gboolean
parse_line (Parser *ps, const char *line, gsize len)
{
	const char *why = NULL;
	GArray *tokens = tokenize (line, len, &why);
	if (tokens == NULL)
		return fail (ps, "%s", why);
	gboolean ok = TRUE;
	if (tokens->len > 0) {
		Token *first = &g_array_index (tokens, Token, 0);
		const char *word = first->key ? NULL : first->value;
		if (word == NULL)
			ok = fail (ps, "a line starts with a rule id or a directive, not %s=", first->key);
		else if (strcmp (word, "set") == 0)
			ok = parse_set (ps, tokens);
		else if (strcmp (word, "unset") == 0)
			ok = parse_unset (ps, tokens);
		else if (strcmp (word, "disable") == 0)
			ok = parse_disable (ps, tokens);
		else if (strcmp (word, "reason") == 0)
			ok = parse_reason (ps, tokens);
		else if (strcmp (word, "code") == 0)
			ok = parse_code (ps, tokens);
		else if (strcmp (word, "family") == 0)
			ok = parse_family (ps, tokens);
		else
			ok = parse_rule (ps, tokens);
	}
	tokens_free (tokens);
	return ok;
}

gboolean
_ndr_rule_source_add_text (NdrRuleSource *source, const char *name, const char *text, gsize len, GError **error)
{
	Parser ps = {
		.source = source,
		.name = g_string_chunk_insert_const (source->strings, name),
		.defaults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
		.ids = g_hash_table_new (g_str_hash, g_str_equal),
		.error = error,
		.rules = g_ptr_array_new_with_free_func (g_free),
		.disabled = g_ptr_array_new (),
		.reasons = g_array_new (FALSE, TRUE, sizeof (NdrReasonDef)),
		.codes = g_array_new (FALSE, TRUE, sizeof (NdrCodeDef)),
		.families = g_array_new (FALSE, TRUE, sizeof (NdrFamilyDef)),
	};
	gboolean ok = TRUE;
	const char *bad;
	if (!g_utf8_validate (text, (gssize) len, &bad)) {
		ps.line = 1;
		for (const char *p = text; p < bad; p++)
			ps.line += *p == '\n';
		ok = fail (&ps, "not valid UTF-8");
	}
	for (const char *p = text, *end = text + len; ok && p < end;) {
		const char *nl = memchr (p, '\n', (gsize) (end - p));
		gsize n = nl ? (gsize) (nl - p) : (gsize) (end - p);
		ps.line++;
		ok = parse_line (&ps, p, n > 0 && p[n - 1] == '\r' ? n - 1 : n);
		p += n + (nl != NULL);
	}
	if (ok) {
		/* All or nothing: the text's rules join the source only now. */
		for (guint i = 0; i < ps.rules->len; i++)
			g_ptr_array_add (source->rules, ps.rules->pdata[i]);
		g_ptr_array_set_free_func (ps.rules, NULL);
		for (guint i = 0; i < ps.disabled->len; i++)
			g_ptr_array_add (source->disabled, ps.disabled->pdata[i]);
		g_array_append_vals (source->reasons, ps.reasons->data, ps.reasons->len);
		g_array_append_vals (source->codes, ps.codes->data, ps.codes->len);
		g_array_append_vals (source->families, ps.families->data, ps.families->len);
	}
	g_ptr_array_unref (ps.rules);
	g_ptr_array_unref (ps.disabled);
	g_array_unref (ps.reasons);
	g_array_unref (ps.codes);
	g_array_unref (ps.families);
	g_hash_table_unref (ps.defaults);
	g_hash_table_unref (ps.ids);
	return ok;
}
