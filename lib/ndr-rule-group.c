/* ndr-rule-group.c - rules grouped for matching (ndr-rule-set.h): a
 * channel per field with one matcher, and lookup tables for the rules
 * that compare whole values.  Built by the rule compiler at build time for
 * the shipped rules, and by the library for a user's. */
#include <string.h>

#include "ndr-rule-set.h"

/* ---- channels ---- */

NdrChannelKind
_ndr_rule_channel_kind (const NdrRule *rule)
{
	switch (rule->field) {
	case NDR_IN_DIAGNOSTIC:
		return NDR_CHANNEL_DIAGNOSTIC;
	case NDR_IN_BODY:
		switch (rule->then) {
		case NDR_THEN_FAMILY_BEGIN:
		case NDR_THEN_FAMILY_END:
		case NDR_THEN_FAMILY_TRANSCRIPT:
			return NDR_CHANNEL_BODY_LINES;
		case NDR_THEN_MARK:
			return rule->value == NDR_MARK_RETURNED_MESSAGE || rule->value == NDR_MARK_RECIPIENT_LABEL ||
			       rule->value == NDR_MARK_SESSION_START
			       ? NDR_CHANNEL_BODY_LINES : NDR_CHANNEL_BODY;
		default:
			return NDR_CHANNEL_BODY;
		}
	case NDR_IN_SUBJECT:
		return NDR_CHANNEL_SUBJECT;
	case NDR_IN_FROM:
		return NDR_CHANNEL_FROM;
	case NDR_IN_HEADER:
		return NDR_CHANNEL_HEADER;
	default:
		return NDR_CHANNEL_LOOKUP;
	}
}

const char *
_ndr_channel_kind_name (NdrChannelKind kind)
{
	static const char *const names[NDR_CHANNEL_COUNT] = {
		"diagnostic", "body", "body-lines", "subject", "from", "header", "lookup",
	};
	return (guint) kind < NDR_CHANNEL_COUNT ? names[kind] : NULL;
}

/* ---- groups ---- */

struct _NdrRuleGroup {
	GPtrArray *channels;            /* NdrChannel * */
	GHashTable *values;             /* "field:name=value" -> GPtrArray of is= rules */
	GHashTable *suffixes;           /* "suffix" -> GPtrArray of suffix= rules */
	GHashTable *status_by_subject;  /* X.SUBJECT -> GArray of NdrStatusEntry: the spec parsed once */
	GPtrArray *reply_rules;         /* in=reply */
};

static void
channel_free (gpointer data)
{
	NdrChannel *ch = data;
	_ndr_matcher_free (ch->matcher);
	_ndr_once_clear (&ch->once);
	g_free (ch->rules);
	g_free (ch);
}

static NdrRuleGroup *
group_new (void)
{
	NdrRuleGroup *g = g_new0 (NdrRuleGroup, 1);
	g->channels = g_ptr_array_new_with_free_func (channel_free);
	g->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
	g->suffixes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
	g->status_by_subject = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
	g->reply_rules = g_ptr_array_new ();
	return g;
}

void
_ndr_rule_group_free (NdrRuleGroup *g)
{
	if (g == NULL)
		return;
	g_ptr_array_unref (g->channels);
	g_hash_table_unref (g->values);
	g_hash_table_unref (g->suffixes);
	g_hash_table_unref (g->status_by_subject);
	g_ptr_array_unref (g->reply_rules);
	g_free (g);
}

const GPtrArray *
_ndr_rule_group_channels (const NdrRuleGroup *g)
{
	return g->channels;
}

/* "FIELD:NAME=VALUE", lower-cased: the key of a lookup rule. */
static char *
value_key (NdrRuleField field, const char *field_name, const char *value)
{
	gsize name_len = field_name ? strlen (field_name) : 0, value_len = strlen (value);
	char *key = g_malloc (12 + name_len + value_len + 3), *w = key;
	w += g_snprintf (w, 12, "%d:", (int) field);
	for (gsize i = 0; i < name_len; i++)
		*w++ = g_ascii_tolower (field_name[i]);
	*w++ = '=';
	for (gsize i = 0; i < value_len; i++)
		*w++ = g_ascii_tolower (value[i]);
	*w = '\0';
	return key;
}

static void
index_rule (GHashTable *table, char *key, const NdrRule *rule)
{
	GPtrArray *list = g_hash_table_lookup (table, key);
	if (list == NULL) {
		list = g_ptr_array_new ();
		g_hash_table_insert (table, key, list);
	} else {
		g_free (key);
	}
	g_ptr_array_add (list, (gpointer) rule);
}

static void
index_status_rule (NdrRuleGroup *g, const NdrRule *rule)
{
	NdrStatusEntry e = { rule, 0, 0, 0 };
	guint subject;
	if (!_ndr_rule_status_spec_parse (rule->pattern, &e.klass, &subject, &e.low, &e.high))
		return;
	GArray *list = g_hash_table_lookup (g->status_by_subject, GUINT_TO_POINTER (subject + 1));
	if (list == NULL) {
		list = g_array_new (FALSE, FALSE, sizeof (NdrStatusEntry));
		g_hash_table_insert (g->status_by_subject, GUINT_TO_POINTER (subject + 1), list);
	}
	g_array_append_val (list, e);
}

static void
index_lookup_rule (NdrRuleGroup *g, const NdrRule *rule)
{
	if (rule->match == NDR_MATCH_STATUS)
		index_status_rule (g, rule);
	else if (rule->match == NDR_MATCH_CODE)
		g_ptr_array_add (g->reply_rules, (gpointer) rule);
	else if (rule->match == NDR_MATCH_SUFFIX)
		index_rule (g->suffixes, g_ascii_strdown (rule->pattern, -1), rule);
	else
		index_rule (g->values, value_key (rule->field, rule->field_name, rule->pattern), rule);
}

/* The channel of @kind (and @header) in @g, made if @create. */
static NdrChannel *
find_channel (const NdrRuleGroup *g, NdrChannelKind kind, const char *header, gboolean create)
{
	for (guint i = 0; i < g->channels->len; i++) {
		NdrChannel *ch = g_ptr_array_index (g->channels, i);
		if (ch->kind == kind && (kind != NDR_CHANNEL_HEADER || g_ascii_strcasecmp (ch->header, header) == 0))
			return ch;
	}
	if (!create)
		return NULL;
	NdrChannel *ch = g_new0 (NdrChannel, 1);
	_ndr_once_init (&ch->once);
	ch->kind = kind;
	ch->header = kind == NDR_CHANNEL_HEADER ? header : NULL;
	g_ptr_array_add (g->channels, ch);
	return ch;
}

static void
add_to_channel (NdrChannel *ch, const NdrRule *rule)
{
	ch->rules = g_renew (const NdrRule *, ch->rules, ch->n + 1);
	ch->rules[ch->n++] = rule;
}

NdrRuleGroup *
_ndr_rule_group_build (const NdrRule *const *rules, guint n, gboolean portable, GError **error)
{
	NdrRuleGroup *g = group_new ();
	/* The fixed channels first, then the headers' in the order first seen. */
	for (guint k = 0; k < NDR_CHANNEL_HEADER; k++)
		find_channel (g, (NdrChannelKind) k, NULL, TRUE);
	for (guint i = 0; i < n; i++) {
		NdrChannelKind kind = _ndr_rule_channel_kind (rules[i]);
		if (kind == NDR_CHANNEL_LOOKUP)
			index_lookup_rule (g, rules[i]);
		else
			add_to_channel (find_channel (g, kind, rules[i]->field_name, TRUE), rules[i]);
	}
	for (guint i = 0; i < g->channels->len; i++) {
		NdrChannel *ch = g_ptr_array_index (g->channels, i);
		if (ch->n == 0)
			continue;
		ch->matcher = _ndr_matcher_compile (ch->rules, ch->n, ch->kind == NDR_CHANNEL_BODY_LINES, portable, error);
		if (ch->matcher == NULL) {
			_ndr_rule_group_free (g);
			return NULL;
		}
	}
	return g;
}


void
_ndr_rule_group_add_shipped_channel (NdrRuleGroup *g, const NdrShippedChannel *shipped, const NdrRule *const *rules)
{
	NdrChannel *ch = find_channel (g, shipped->kind, shipped->header, TRUE);
	ch->rules = g_renew (const NdrRule *, ch->rules, ch->n + shipped->n);
	memcpy (ch->rules + ch->n, rules, shipped->n * sizeof *rules);
	ch->n += shipped->n;
	ch->shipped = shipped;
}

NdrMatcher *
_ndr_channel_matcher (const NdrChannel *channel)
{
	NdrChannel *ch = (NdrChannel *) channel;
	if (ch->shipped == NULL || ch->n == 0)
		return ch->matcher;
	if (_ndr_once_enter (&ch->once)) {
		gboolean all = ch->kind == NDR_CHANNEL_BODY_LINES;
		const NdrShippedChannel *sc = ch->shipped;
		ch->matcher = _ndr_matcher_from_image (sc->database, sc->database_len, ch->rules, ch->n, all);
		if (ch->matcher == NULL) {
			/* A database this library's Hyperscan cannot load: compile. */
			GError *error = NULL;
			ch->matcher = _ndr_matcher_compile (ch->rules, ch->n, all, FALSE, &error);
			if (ch->matcher == NULL)
				g_error ("ndrparse: the shipped rules do not compile: %s", error->message);
		}
		_ndr_once_leave (&ch->once);
	}
	return ch->matcher;
}

NdrRuleGroup *
_ndr_rule_group_new_lookups (const NdrRule *rules, guint n)
{
	NdrRuleGroup *g = group_new ();
	for (guint i = 0; i < n; i++)
		if (_ndr_rule_channel_kind (&rules[i]) == NDR_CHANNEL_LOOKUP)
			index_lookup_rule (g, &rules[i]);
	return g;
}

const NdrChannel *
_ndr_rule_group_channel (const NdrRuleGroup *g, NdrChannelKind kind, const char *header)
{
	return g ? find_channel (g, kind, header, FALSE) : NULL;
}

const GPtrArray *
_ndr_rule_group_values (const NdrRuleGroup *g, NdrRuleField field, const char *field_name, const char *value)
{
	char *key = value_key (field, field_name, value);
	const GPtrArray *list = g_hash_table_lookup (g->values, key);
	g_free (key);
	return list;
}

const GPtrArray *
_ndr_rule_group_suffix (const NdrRuleGroup *g, const char *suffix)
{
	return g_hash_table_lookup (g->suffixes, suffix);
}

const GArray *
_ndr_rule_group_status_entries (const NdrRuleGroup *g, guint subject)
{
	return g_hash_table_lookup (g->status_by_subject, GUINT_TO_POINTER (subject + 1));
}

const GPtrArray *
_ndr_rule_group_reply_rules (const NdrRuleGroup *g)
{
	return g->reply_rules;
}
