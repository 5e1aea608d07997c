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
		return rule->then == NDR_THEN_COMMAND ? NDR_CHANNEL_COMMAND : NDR_CHANNEL_DIAGNOSTIC;
	case NDR_IN_BODY:
		switch (rule->then) {
		case NDR_THEN_FAMILY_BEGIN:
		case NDR_THEN_FAMILY_END:
		case NDR_THEN_FAMILY_TRANSCRIPT:
			return NDR_CHANNEL_BODY_LINES;
		case NDR_THEN_MARK:
			return rule->value == NDR_MARK_RETURNED_MESSAGE || rule->value == NDR_MARK_RECIPIENT_LABEL ||
			       rule->value == NDR_MARK_SESSION_START || rule->value == NDR_MARK_EXIT_STATUS
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

char *
_ndr_rule_channel_scope (const NdrRule *rule)
{
	if (_ndr_rule_channel_kind (rule) != NDR_CHANNEL_DIAGNOSTIC)
		return NULL;
	if (NDR_RULE_TEXT (rule, if_provider))
		return g_strconcat ("provider:", NDR_RULE_TEXT (rule, if_provider), NULL);
	if (NDR_RULE_TEXT (rule, if_reporter))
		return g_strconcat ("reporter:", NDR_RULE_TEXT (rule, if_reporter), NULL);
	return NULL;
}

const char *
_ndr_channel_kind_name (NdrChannelKind kind)
{
	static const char *const names[NDR_CHANNEL_COUNT] = {
		"diagnostic", "body", "body-lines", "subject", "from", "command", "header", "lookup",
	};
	return (guint) kind < NDR_CHANNEL_COUNT ? names[kind] : NULL;
}

/* ---- groups ---- */

struct _NdrRuleGroup {
	GPtrArray *channels;            /* NdrChannel * */
	GPtrArray *scoped;              /* the scoped diagnostic channels, by scope (compare_scopes) */
	GPtrArray *scopes;              /* a built group's scope names, owned */
	NdrLookupTables lookups;        /* the shipped group's are the generated tables */
	/* A built group's lookup tables and their keys, owned; NULL for the
	 * shipped group. */
	GArray *values, *suffixes, *status, *replies;
	GPtrArray *keys;
};

static void
channel_free (gpointer data)
{
	NdrChannel *ch = data;
	_ndr_matcher_free (ch->matcher);
	_ndr_once_clear (&ch->once);
	if (ch->shipped == NULL)
		g_free (ch->rules);
	g_free (ch);
}

static NdrRuleGroup *
group_new (void)
{
	NdrRuleGroup *g = g_new0 (NdrRuleGroup, 1);
	g->channels = g_ptr_array_new_with_free_func (channel_free);
	g->scoped = g_ptr_array_new ();
	g->scopes = g_ptr_array_new_with_free_func (g_free);
	return g;
}

void
_ndr_rule_group_free (NdrRuleGroup *g)
{
	if (g == NULL)
		return;
	g_ptr_array_unref (g->channels);
	g_ptr_array_unref (g->scoped);
	g_ptr_array_unref (g->scopes);
	if (g->keys) {
		g_array_unref (g->values);
		g_array_unref (g->suffixes);
		g_array_unref (g->status);
		g_array_unref (g->replies);
		g_ptr_array_unref (g->keys);
	}
	g_free (g);
}

const GPtrArray *
_ndr_rule_group_channels (const NdrRuleGroup *g)
{
	return g->channels;
}

const NdrLookupTables *
_ndr_rule_group_lookups (const NdrRuleGroup *g)
{
	return &g->lookups;
}

/* ---- lookup tables ---- */

/* "FIELD:NAME=VALUE", lower-cased, into @out (of @size bytes, NUL-
 * terminated, cut at its end): the key of an is= rule. */
static void
value_key (NdrRuleField field, const char *field_name, const char *value, char *out, gsize size)
{
	char *w = out, *end = out + size - 1;
	guint f = (guint) field;
	char digits[12];
	int n = 0;
	do
		digits[n++] = (char) ('0' + f % 10);
	while ((f /= 10) > 0 && n < (int) sizeof digits);
	while (n > 0 && w < end)
		*w++ = digits[--n];
	if (w < end)
		*w++ = ':';
	for (const char *p = field_name ? field_name : ""; *p && w < end; p++)
		*w++ = g_ascii_tolower (*p);
	if (w < end)
		*w++ = '=';
	for (const char *p = value; *p && w < end; p++)
		*w++ = g_ascii_tolower (*p);
	*w = '\0';
}

static gsize
value_key_size (const char *field_name, const char *value)
{
	return 12 + (field_name ? strlen (field_name) : 0) + strlen (value) + 3;
}

static char *
rule_lookup_key (const NdrRule *rule)
{
	if (rule->match == NDR_MATCH_SUFFIX)
		return g_ascii_strdown (NDR_RULE_TEXT (rule, pattern), -1);
	gsize size = value_key_size (NDR_RULE_TEXT (rule, field_name), NDR_RULE_TEXT (rule, pattern));
	char *key = g_malloc (size);
	value_key (rule->field, NDR_RULE_TEXT (rule, field_name), NDR_RULE_TEXT (rule, pattern), key, size);
	return key;
}

/* Keyed entries in key order, status entries in subject order; those
 * of one key stay in rule order (g_array_sort() is stable). */
static int
compare_keyed (const void *a, const void *b)
{
	return strcmp (((const NdrKeyedRule *) a)->key, ((const NdrKeyedRule *) b)->key);
}

static int
compare_status (const void *a, const void *b)
{
	guint x = ((const NdrStatusEntry *) a)->subject, y = ((const NdrStatusEntry *) b)->subject;
	return (x > y) - (x < y);
}

static void
add_lookup_rule (NdrRuleGroup *g, const NdrRule *rule)
{
	if (rule->match == NDR_MATCH_STATUS) {
		NdrStatusEntry e = { rule, 0, 0, 0, 0 };
		if (_ndr_rule_status_spec_parse (NDR_RULE_TEXT (rule, pattern), &e.klass, &e.subject, &e.low, &e.high))
			g_array_append_val (g->status, e);
	} else if (rule->match == NDR_MATCH_CODE) {
		g_array_append_val (g->replies, rule);
	} else {
		NdrKeyedRule e = { rule_lookup_key (rule), rule };
		g_ptr_array_add (g->keys, (gpointer) e.key);
		g_array_append_val (rule->match == NDR_MATCH_SUFFIX ? g->suffixes : g->values, e);
	}
}

/* The lookup tables of a group built at run time, sorted as the
 * generated ones are (ndr-rulec.c writes them in this order). */
static void
lookups_init (NdrRuleGroup *g)
{
	g->values = g_array_new (FALSE, FALSE, sizeof (NdrKeyedRule));
	g->suffixes = g_array_new (FALSE, FALSE, sizeof (NdrKeyedRule));
	g->status = g_array_new (FALSE, FALSE, sizeof (NdrStatusEntry));
	g->replies = g_array_new (FALSE, FALSE, sizeof (const NdrRule *));
	g->keys = g_ptr_array_new_with_free_func (g_free);
}

static void
lookups_finish (NdrRuleGroup *g)
{
	g_array_sort (g->values, compare_keyed);
	g_array_sort (g->suffixes, compare_keyed);
	g_array_sort (g->status, compare_status);
	g->lookups = (NdrLookupTables) {
		(const NdrKeyedRule *) (void *) g->values->data, g->values->len,
		(const NdrKeyedRule *) (void *) g->suffixes->data, g->suffixes->len,
		(const NdrStatusEntry *) (void *) g->status->data, g->status->len,
		(const NdrRule *const *) (void *) g->replies->data, g->replies->len,
	};
}

/* The run of elements of a sorted array (@n of @size bytes at @base)
 * that @cmp (element, @key) calls equal: its first index, its length in
 * *@count.  Every lookup table and the scoped channels are searched so. */
static guint
equal_range (const void *base, guint n, gsize size, int (*cmp) (const void *element, const void *key),
	     const void *key, guint *count)
{
	const char *b = base;
	guint lo = 0, hi = n;
	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		if (cmp (b + (gsize) mid * size, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	guint end = lo;
	while (end < n && cmp (b + (gsize) end * size, key) == 0)
		end++;
	*count = end - lo;
	return lo;
}

static int
keyed_cmp (const void *element, const void *key)
{
	return strcmp (((const NdrKeyedRule *) element)->key, key);
}

static int
status_cmp (const void *element, const void *key)
{
	guint x = ((const NdrStatusEntry *) element)->subject, y = *(const guint *) key;
	return (x > y) - (x < y);
}

static int
scope_cmp (const void *element, const void *key)
{
	return strcmp ((*(const NdrChannel *const *) element)->scope, key);
}

/* The entries of @table (@n, in key order) whose key is @key: the first,
 * and their number in *@count. */
static const NdrKeyedRule *
find_keyed (const NdrKeyedRule *table, guint n, const char *key, guint *count)
{
	return table + equal_range (table, n, sizeof *table, keyed_cmp, key, count);
}

static int
compare_scopes (gconstpointer a, gconstpointer b)
{
	return strcmp ((*(const NdrChannel *const *) a)->scope, (*(const NdrChannel *const *) b)->scope);
}

/* The scoped channel of @scope (@g->scoped is kept in scope order). */
static NdrChannel *
find_scoped (const NdrRuleGroup *g, const char *scope)
{
	guint n, at = equal_range (g->scoped->pdata, g->scoped->len, sizeof (gpointer), scope_cmp, scope, &n);
	return n ? g_ptr_array_index (g->scoped, at) : NULL;
}

/* The channel of @kind (and @header) that holds the rules that apply
 * anywhere. */
static NdrChannel *
find_unscoped (const NdrRuleGroup *g, NdrChannelKind kind, const char *header)
{
	for (guint i = 0; i < g->channels->len; i++) {
		NdrChannel *ch = g_ptr_array_index (g->channels, i);
		if (ch->kind == kind && ch->scope == NULL &&
		    (kind != NDR_CHANNEL_HEADER || g_ascii_strcasecmp (ch->header, header) == 0))
			return ch;
	}
	return NULL;
}

/* The channel of @kind (and @header, or a diagnostic's @scope: owned by
 * @g) in @g, made if it is not there yet (keeping @g->scoped in order). */
static NdrChannel *
channel_for (NdrRuleGroup *g, NdrChannelKind kind, const char *header, const char *scope)
{
	NdrChannel *ch = scope ? find_scoped (g, scope) : find_unscoped (g, kind, header);
	if (ch)
		return ch;
	ch = g_new0 (NdrChannel, 1);
	_ndr_once_init (&ch->once);
	ch->kind = kind;
	ch->header = kind == NDR_CHANNEL_HEADER ? header : NULL;
	ch->scope = scope;
	g_ptr_array_add (g->channels, ch);
	if (scope) {
		g_ptr_array_add (g->scoped, ch);
		g_ptr_array_sort (g->scoped, compare_scopes);
	}
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
	lookups_init (g);
	/* The fixed channels first, then the headers' in the order first seen. */
	for (guint k = 0; k < NDR_CHANNEL_HEADER; k++)
		channel_for (g, (NdrChannelKind) k, NULL, NULL);
	for (guint i = 0; i < n; i++) {
		NdrChannelKind kind = _ndr_rule_channel_kind (rules[i]);
		if (kind == NDR_CHANNEL_LOOKUP) {
			add_lookup_rule (g, rules[i]);
			continue;
		}
		char *scope = _ndr_rule_channel_scope (rules[i]);
		NdrChannel *ch = scope ? find_scoped (g, scope) : NULL;
		if (ch) {
			g_free (scope);
		} else {
			if (scope)
				g_ptr_array_add (g->scopes, scope);     /* the new channel keeps it */
			ch = channel_for (g, kind, NDR_RULE_TEXT (rules[i], field_name), scope);
		}
		add_to_channel (ch, rules[i]);
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
	lookups_finish (g);
	return g;
}

NdrRuleGroup *
_ndr_rule_group_new_shipped (const NdrLookupTables *lookups, const NdrShippedChannel *channels, guint n)
{
	NdrRuleGroup *g = group_new ();
	g->lookups = *lookups;
	for (guint c = 0; c < n; c++) {
		NdrChannel *ch = g_new0 (NdrChannel, 1);
		_ndr_once_init (&ch->once);
		ch->kind = channels[c].kind;
		ch->header = channels[c].header;
		ch->scope = channels[c].scope;
		ch->rules = (const NdrRule **) channels[c].rules;  /* borrowed: see channel_free */
		ch->n = channels[c].n;
		ch->shipped = &channels[c];
		g_ptr_array_add (g->channels, ch);
		if (ch->scope)
			g_ptr_array_add (g->scoped, ch);
	}
	g_ptr_array_sort (g->scoped, compare_scopes);
	return g;
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

const NdrChannel *
_ndr_rule_group_channel (const NdrRuleGroup *g, NdrChannelKind kind, const char *header)
{
	return g ? find_unscoped (g, kind, header) : NULL;
}

const NdrChannel *
_ndr_rule_group_scoped_channel (const NdrRuleGroup *g, const char *scope)
{
	return g && scope ? find_scoped (g, scope) : NULL;
}

const NdrKeyedRule *
_ndr_rule_group_values (const NdrRuleGroup *g, NdrRuleField field, const char *field_name, const char *value,
			guint *count)
{
	char small[256];
	gsize size = value_key_size (field_name, value);
	char *key = size <= sizeof small ? small : g_malloc (size);
	value_key (field, field_name, value, key, size);
	const NdrKeyedRule *first = find_keyed (g->lookups.values, g->lookups.n_values, key, count);
	if (key != small)
		g_free (key);
	return first;
}

const NdrKeyedRule *
_ndr_rule_group_suffix (const NdrRuleGroup *g, const char *suffix, guint *count)
{
	return find_keyed (g->lookups.suffixes, g->lookups.n_suffixes, suffix, count);
}

const NdrStatusEntry *
_ndr_rule_group_status_entries (const NdrRuleGroup *g, guint subject, guint *count)
{
	const NdrStatusEntry *t = g->lookups.status;
	return t + equal_range (t, g->lookups.n_status, sizeof *t, status_cmp, &subject, count);
}

const NdrRule *const *
_ndr_rule_group_reply_rules (const NdrRuleGroup *g, guint *count)
{
	*count = g->lookups.n_replies;
	return g->lookups.replies;
}
