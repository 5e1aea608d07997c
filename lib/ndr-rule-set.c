/* ndr-rule-set.c - the rule sets parses use (ndr-rule-set.h,
 * NdrparseRules): the shipped group, a user's group, the disabled ids.
 *
 * A parse asks a rule set which rules a text, a value or a code fits; it
 * gets hits from the shipped group and from the user's, and picks among
 * them by precedence (_ndr_rule_hit_outranks()), never by the order rules
 * were written in.
 */
#include <string.h>

#include "ndr-once.h"
#include "ndr-rule-set.h"
#include "ndrparse-private.h"

/* The shipped group, from the generated tables: each channel's
 * databases are scanned in place from the library's image of them (or,
 * when they do not fit this library's Hyperscan, compiled once per
 * process). */
static NdrRuleGroup *
shipped_group_new (void)
{
	return _ndr_rule_group_new_shipped (&_ndr_shipped_lookups, _ndr_shipped_channels, _ndr_shipped_channel_count);
}

static const NdrRuleGroup *
shipped_group (void)
{
	static NdrOnce once = NDR_ONCE_INIT;
	static NdrRuleGroup *group;
	if (_ndr_once_enter (&once)) {
		group = shipped_group_new ();
		_ndr_once_leave (&once);
	}
	return group;
}

/* ---- NdrparseRules ---- */

struct _NdrparseRules {
	gatomicrefcount ref_count;
	GPtrArray *sources;             /* NdrRuleSource *: the user's rule texts, parsed */
	NdrRuleGroup *user;             /* their rules' group; NULL: none */
	GHashTable *disabled;           /* ids of shipped rules that no longer apply */
	gint in_use;                    /* a parse used it: no more rules may be added */
	GHashTable *family_fields;      /* family name -> its NDR_FAMILY_FIELD_* bits; NULL: the shipped */
	GHashTable *header_names;       /* lower-case name -> a header some rule looks at; NULL: the shipped */
};

NdrparseRules *
ndrparse_rules_new (void)
{
	NdrparseRules *rules = g_new0 (NdrparseRules, 1);
	g_atomic_ref_count_init (&rules->ref_count);
	rules->disabled = g_hash_table_new (g_str_hash, g_str_equal);
	rules->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) _ndr_rule_source_free);
	return rules;
}

NdrparseRules *
ndrparse_rules_ref (NdrparseRules *rules)
{
	g_return_val_if_fail (rules != NULL, NULL);
	g_atomic_ref_count_inc (&rules->ref_count);
	return rules;
}

void
ndrparse_rules_unref (NdrparseRules *rules)
{
	if (rules == NULL || !g_atomic_ref_count_dec (&rules->ref_count))
		return;
	_ndr_rule_group_free (rules->user);
	g_clear_pointer (&rules->family_fields, g_hash_table_unref);
	g_clear_pointer (&rules->header_names, g_hash_table_unref);
	g_hash_table_unref (rules->disabled);
	g_ptr_array_unref (rules->sources);
	g_free (rules);
}

NdrparseRules *
_ndr_rules_default (void)
{
	static NdrOnce once = NDR_ONCE_INIT;
	static NdrparseRules *rules;
	if (_ndr_once_enter (&once)) {
		rules = ndrparse_rules_new ();
		_ndr_once_leave (&once);
	}
	return rules;
}

const NdrparseRules *
_ndr_rules_use (NdrparseRules *rules)
{
	if (rules == NULL)
		rules = _ndr_rules_default ();
	if (!g_atomic_int_get (&rules->in_use))
		g_atomic_int_set (&rules->in_use, 1);
	shipped_group ();
	return rules;
}

gboolean
_ndr_rules_is_disabled (const NdrparseRules *rules, const NdrRule *rule)
{
	return !rule->user && g_hash_table_size (rules->disabled) > 0 && g_hash_table_contains (rules->disabled, NDR_RULE_TEXT (rule, id));
}

/* ---- queries ---- */

static void
scan_channel (const NdrparseRules *rules, const NdrChannel *ch, const char *text, gsize len, GArray *hits, guint max)
{
	NdrMatcher *matcher = ch ? _ndr_channel_matcher (ch) : NULL;
	if (matcher == NULL)
		return;
	GArray *raw = g_array_new (FALSE, FALSE, sizeof (NdrMatcherHit));
	_ndr_matcher_scan (matcher, text, len, raw, max);
	for (guint i = 0; i < raw->len; i++) {
		const NdrMatcherHit *h = &g_array_index (raw, NdrMatcherHit, i);
		NdrRuleHit hit = { ch->rules[h->id], h->from, h->to };
		if (!_ndr_rules_is_disabled (rules, hit.rule))
			g_array_append_val (hits, hit);
	}
	g_array_unref (raw);
}

void
_ndr_rules_scan (const NdrparseRules *rules, NdrChannelKind kind, const char *header, const char *text, gsize len,
		 GArray *hits, guint max)
{
	if (text == NULL || len == 0)
		return;
	scan_channel (rules, _ndr_rule_group_channel (shipped_group (), kind, header), text, len, hits, max);
	scan_channel (rules, _ndr_rule_group_channel (rules->user, kind, header), text, len, hits, max);
}

static gint
compare_hit_ends (gconstpointer a, gconstpointer b, gpointer data)
{
	(void) data;
	gsize x = ((const NdrRuleHit *) a)->to, y = ((const NdrRuleHit *) b)->to;
	return (x > y) - (x < y);
}

/* "provider:NAME" or "reporter:NAME" into @buf, or (a name too long for
 * it) into a new string in *@owned; NULL when @name is NULL. */
static const char *
scope_key (char *buf, gsize size, const char *kind, const char *name, char **owned)
{
	*owned = NULL;
	if (name == NULL)
		return NULL;
	if ((gsize) g_snprintf (buf, size, "%s:%s", kind, name) < size)
		return buf;
	return *owned = g_strconcat (kind, ":", name, NULL);
}

void
_ndr_rules_scan_diagnostic (const NdrparseRules *rules, const char *provider, const char *reporter,
			    const char *text, gsize len, GArray *hits, guint max)
{
	if (text == NULL || len == 0)
		return;
	char provider_key[128], reporter_key[128], *long_keys[2];
	const char *scopes[] = { NULL, scope_key (provider_key, sizeof provider_key, "provider", provider, &long_keys[0]),
				 scope_key (reporter_key, sizeof reporter_key, "reporter", reporter, &long_keys[1]) };
	const NdrRuleGroup *groups[] = { shipped_group (), rules->user };
	for (gsize g = 0; g < G_N_ELEMENTS (groups); g++) {
		guint start = hits->len, scanned = 0;
		for (gsize s = 0; s < G_N_ELEMENTS (scopes); s++) {
			if (s > 0 && scopes[s] == NULL)
				continue;
			const NdrChannel *ch = s == 0 ? _ndr_rule_group_channel (groups[g], NDR_CHANNEL_DIAGNOSTIC, NULL)
						      : _ndr_rule_group_scoped_channel (groups[g], scopes[s]);
			guint before = hits->len;
			scan_channel (rules, ch, text, len, hits, max);
			scanned += hits->len > before;
		}
		/* The group's hits as one run in the order their matches end,
		 * as one database gives them, at most @max (g_qsort_with_data
		 * is stable: ties stay in the order of the channels). */
		if (scanned > 1) {
			guint n = hits->len - start;
			g_qsort_with_data (hits->data + (gsize) start * sizeof (NdrRuleHit), (gint) n, sizeof (NdrRuleHit),
					   compare_hit_ends, NULL);
			g_array_set_size (hits, start + MIN (n, max));
		}
	}
	g_free (long_keys[0]);
	g_free (long_keys[1]);
}

/* Appends @list's rules as hits on [@from, @to) of the value. */
static void
append_rules (const NdrparseRules *rules, const NdrKeyedRule *list, guint n, gsize from, gsize to, GArray *hits)
{
	for (guint i = 0; i < n; i++) {
		NdrRuleHit hit = { list[i].rule, from, to };
		if (!_ndr_rules_is_disabled (rules, hit.rule))
			g_array_append_val (hits, hit);
	}
}

/* The suffix= rules @host (lower-case) ends with at a label boundary:
 * the host itself, then each name after one of its dots. */
static void
lookup_suffixes (const NdrparseRules *rules, const NdrRuleGroup *g, const char *host, GArray *hits)
{
	gsize len = strlen (host);
	for (const char *p = host; p && *p; p = strchr (p, '.') ? strchr (p, '.') + 1 : NULL) {
		guint n;
		const NdrKeyedRule *list = _ndr_rule_group_suffix (g, p, &n);
		append_rules (rules, list, n, (gsize) (p - host), len, hits);
	}
}

void
_ndr_rules_lookup (const NdrparseRules *rules, NdrRuleField field, const char *field_name, const char *value,
		   GArray *hits)
{
	if (value == NULL || *value == '\0')
		return;
	const NdrRuleGroup *groups[] = { shipped_group (), rules->user };
	for (gsize i = 0; i < G_N_ELEMENTS (groups); i++) {
		if (groups[i] == NULL)
			continue;
		guint n;
		const NdrKeyedRule *list = _ndr_rule_group_values (groups[i], field, field_name, value, &n);
		append_rules (rules, list, n, 0, strlen (value), hits);
		if (field == NDR_IN_REMOTE_HOST) {
			char *host = g_ascii_strdown (value, -1);
			lookup_suffixes (rules, groups[i], host, hits);
			g_free (host);
		}
	}
}

void
_ndr_rules_lookup_status (const NdrparseRules *rules, guint klass, guint subject, guint detail, GArray *hits)
{
	if (klass == 0)
		return;
	const NdrRuleGroup *groups[] = { shipped_group (), rules->user };
	for (gsize g = 0; g < G_N_ELEMENTS (groups); g++) {
		guint n = 0;
		const NdrStatusEntry *list = groups[g] ? _ndr_rule_group_status_entries (groups[g], subject, &n) : NULL;
		for (guint i = 0; i < n; i++) {
			const NdrStatusEntry *e = &list[i];
			if ((e->klass && e->klass != klass) || detail < e->low || detail > e->high ||
			    _ndr_rules_is_disabled (rules, e->rule))
				continue;
			NdrRuleHit hit = { e->rule, 0, strlen (NDR_RULE_TEXT (e->rule, pattern)) };
			g_array_append_val (hits, hit);
		}
	}
}

void
_ndr_rules_lookup_reply (const NdrparseRules *rules, guint code, GArray *hits)
{
	const NdrRuleGroup *groups[] = { shipped_group (), rules->user };
	for (gsize g = 0; g < G_N_ELEMENTS (groups); g++) {
		guint n = 0;
		const NdrRule *const *list = groups[g] ? _ndr_rule_group_reply_rules (groups[g], &n) : NULL;
		for (guint i = 0; i < n; i++) {
			const NdrRule *rule = list[i];
			NdrRuleHit hit = { rule, 0, strlen (NDR_RULE_TEXT (rule, pattern)) };
			if (_ndr_rule_code_fits (NDR_RULE_TEXT (rule, pattern), code) && !_ndr_rules_is_disabled (rules, rule))
				g_array_append_val (hits, hit);
		}
	}
}

/* How specific a hit is: the length of what it matched, for a
 * status or code spec how narrow it is. */
static gsize
specificity (const NdrRuleHit *h)
{
	if (h->rule->match == NDR_MATCH_STATUS)
		return (NDR_RULE_TEXT (h->rule, pattern)[0] != '*' ? 4 : 0) + (strchr (NDR_RULE_TEXT (h->rule, pattern), '-') ? 0 : 2);
	if (h->rule->match == NDR_MATCH_CODE)
		return strchr (NDR_RULE_TEXT (h->rule, pattern), '-') || strchr (NDR_RULE_TEXT (h->rule, pattern), 'x') ? 0 : 1;
	return h->to - h->from;
}

gboolean
_ndr_rule_hit_outranks (const NdrRuleHit *a, const NdrRuleHit *b)
{
	if (b == NULL || b->rule == NULL)
		return TRUE;
	if (a->rule->user != b->rule->user)
		return a->rule->user;
	if (a->rule->priority != b->rule->priority)
		return a->rule->priority > b->rule->priority;
	gsize sa = specificity (a), sb = specificity (b);
	if (sa != sb)
		return sa > sb;
	return strcmp (NDR_RULE_TEXT (a->rule, id), NDR_RULE_TEXT (b->rule, id)) < 0;
}

/* ---- what the sets define ---- */

/* The bit of @field for a family rule, 0 if family rules cannot look there. */
static guint
family_field_of (NdrRuleField field)
{
	switch (field) {
	case NDR_IN_FROM:
		return NDR_FAMILY_FIELD_FROM;
	case NDR_IN_SUBJECT:
		return NDR_FAMILY_FIELD_SUBJECT;
	case NDR_IN_BODY:
		return NDR_FAMILY_FIELD_BODY;
	case NDR_IN_HEADER:
		return NDR_FAMILY_FIELD_HEADER;
	default:
		return 0;
	}
}

static void
add_family_fields (GHashTable *table, const NdrRule *rule)
{
	if (rule->then != NDR_THEN_FAMILY)
		return;
	guint fields = GPOINTER_TO_UINT (g_hash_table_lookup (table, NDR_RULE_TEXT (rule, then_name)));
	g_hash_table_insert (table, (gpointer) NDR_RULE_TEXT (rule, then_name),
			     GUINT_TO_POINTER (fields | family_field_of (rule->field)));
}

static GHashTable *
family_fields_of (const NdrparseRules *rules)
{
	GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);
	GPtrArray *all = g_ptr_array_new ();
	_ndr_rules_all (rules, all);
	for (guint i = 0; i < all->len; i++) {
		const NdrRule *rule = g_ptr_array_index (all, i);
		if (!_ndr_rules_is_disabled (rules, rule))
			add_family_fields (table, rule);
	}
	g_ptr_array_unref (all);
	return table;
}

static GHashTable *
shipped_family_fields (void)
{
	static NdrOnce once = NDR_ONCE_INIT;
	static GHashTable *table;
	if (_ndr_once_enter (&once)) {
		table = g_hash_table_new (g_str_hash, g_str_equal);
		for (guint i = 0; i < _ndr_shipped_rule_count; i++)
			add_family_fields (table, &_ndr_shipped_rules[i]);
		_ndr_once_leave (&once);
	}
	return table;
}

guint
_ndr_rules_family_fields (const NdrparseRules *rules, const char *name)
{
	GHashTable *table = rules->family_fields ? rules->family_fields : shipped_family_fields ();
	return GPOINTER_TO_UINT (g_hash_table_lookup (table, name));
}

void
_ndr_rules_families (const NdrparseRules *rules, GArray *families)
{
	g_array_append_vals (families, _ndr_family_defs, _ndr_family_def_count);
	for (guint s = 0; s < rules->sources->len; s++) {
		const NdrRuleSource *src = g_ptr_array_index (rules->sources, s);
		g_array_append_vals (families, src->families->data, src->families->len);
	}
}

const NdrFamilyDef *
_ndr_rules_family (const NdrparseRules *rules, const char *name)
{
	for (guint s = rules->sources->len; s-- > 0;) {
		const NdrRuleSource *src = g_ptr_array_index (rules->sources, s);
		for (guint i = 0; i < src->families->len; i++) {
			const NdrFamilyDef *f = &g_array_index (src->families, NdrFamilyDef, i);
			if (strcmp (f->name, name) == 0)
				return f;
		}
	}
	for (guint i = 0; i < _ndr_family_def_count; i++)
		if (strcmp (_ndr_family_defs[i].name, name) == 0)
			return &_ndr_family_defs[i];
	return NULL;
}

static void
add_header_names (GHashTable *names, const NdrRuleGroup *g)
{
	const GPtrArray *channels = g ? _ndr_rule_group_channels (g) : NULL;
	for (guint i = 0; channels && i < channels->len; i++) {
		const NdrChannel *ch = g_ptr_array_index (channels, i);
		if (ch->kind == NDR_CHANNEL_HEADER)
			g_hash_table_insert (names, g_ascii_strdown (ch->header, -1), (gpointer) ch->header);
	}
}

static GHashTable *
header_names_new (const NdrRuleGroup *user)
{
	GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	add_header_names (names, shipped_group ());
	add_header_names (names, user);
	return names;
}

static GHashTable *
shipped_header_names (void)
{
	static NdrOnce once = NDR_ONCE_INIT;
	static GHashTable *names;
	if (_ndr_once_enter (&once)) {
		names = header_names_new (NULL);
		_ndr_once_leave (&once);
	}
	return names;
}

GHashTable *
_ndr_rules_header_names (const NdrparseRules *rules)
{
	return rules->header_names ? rules->header_names : shipped_header_names ();
}

void
_ndr_rules_all (const NdrparseRules *rules, GPtrArray *all)
{
	for (guint i = 0; i < _ndr_shipped_rule_count; i++)
		g_ptr_array_add (all, (gpointer) &_ndr_shipped_rules[i]);
	for (guint s = 0; s < rules->sources->len; s++) {
		const NdrRuleSource *src = g_ptr_array_index (rules->sources, s);
		g_ptr_array_extend (all, src->rules, NULL, NULL);
	}
}

/* ---- adding the user's rules ---- */

/* Whether every name in @list ("a|b") is a reason. */
static gboolean
reasons_known (const NdrRule *rule, const char *list, const char *key, GError **error)
{
	for (const char *p = list; p && *p;) {
		gsize n = strcspn (p, "|");
		char *name = g_strndup (p, n);
		gboolean known = ndrparse_reason_from_name (name, NULL);
		if (!known)
			g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_BAD_RULES,
				     "%s:%u: rule %s: unknown reason '%s' in %s", NDR_RULE_TEXT (rule, file), rule->line, NDR_RULE_TEXT (rule, id), name, key);
		g_free (name);
		if (!known)
			return FALSE;
		p += n;
		p += *p == '|';
	}
	return TRUE;
}

/* Resolves what @rule names that only the vocabulary knows. */
static gboolean
resolve_rule (NdrRule *rule, GError **error)
{
	NdrparseReason reason;
	if (rule->then == NDR_THEN_REASON) {
		if (!ndrparse_reason_from_name (NDR_RULE_TEXT (rule, then_name), &reason)) {
			g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_BAD_RULES, "%s:%u: rule %s: unknown reason '%s'",
				     NDR_RULE_TEXT (rule, file), rule->line, NDR_RULE_TEXT (rule, id), NDR_RULE_TEXT (rule, then_name));
			return FALSE;
		}
		rule->value = reason;
	}
	return reasons_known (rule, NDR_RULE_TEXT (rule, refines), "refines=", error) && reasons_known (rule, NDR_RULE_TEXT (rule, yields), "yields=", error);
	return TRUE;
}

static gboolean
resolve_family (const NdrFamilyDef *f, GError **error)
{
	if (f->reason == NULL || ndrparse_reason_from_name (f->reason, NULL))
		return TRUE;
	g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_BAD_RULES, "family %s: unknown reason '%s'", f->name, f->reason);
	return FALSE;
}

/* Whether the ids of @added are new: not shipped, not the user's already. */
static gboolean
ids_are_new (const NdrparseRules *rules, const NdrRuleSource *added, GError **error)
{
	GHashTable *ids = g_hash_table_new (g_str_hash, g_str_equal);
	for (guint i = 0; i < _ndr_shipped_rule_count; i++)
		g_hash_table_add (ids, (gpointer) NDR_RULE_TEXT (&_ndr_shipped_rules[i], id));
	for (guint s = 0; s < rules->sources->len; s++) {
		const NdrRuleSource *src = g_ptr_array_index (rules->sources, s);
		for (guint i = 0; i < src->rules->len; i++)
			g_hash_table_add (ids, (gpointer) NDR_RULE_TEXT ((const NdrRule *) g_ptr_array_index (src->rules, i), id));
	}
	gboolean ok = TRUE;
	for (guint i = 0; ok && i < added->rules->len; i++) {
		const NdrRule *r = g_ptr_array_index (added->rules, i);
		if (g_hash_table_contains (ids, NDR_RULE_TEXT (r, id))) {
			g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_BAD_RULES,
				     "%s:%u: rule id %s is taken (disable the shipped rule and give yours another id)",
				     NDR_RULE_TEXT (r, file), r->line, NDR_RULE_TEXT (r, id));
			ok = FALSE;
		}
	}
	g_hash_table_unref (ids);
	return ok;
}

/* The names rules conclude (then=KIND:NAME) in @rules and @added, and
 * the families their files define. */
static void
collect_names (const NdrparseRules *rules, const NdrRuleSource *added, GHashTable *providers,
	       GHashTable *reporters, GHashTable *families)
{
	GPtrArray *all = g_ptr_array_new ();
	_ndr_rules_all (rules, all);
	g_ptr_array_extend (all, added->rules, NULL, NULL);
	for (guint i = 0; i < all->len; i++) {
		const NdrRule *r = g_ptr_array_index (all, i);
		if (r->then == NDR_THEN_PROVIDER)
			g_hash_table_add (providers, (gpointer) NDR_RULE_TEXT (r, then_name));
		else if (r->then == NDR_THEN_REPORTER || r->then == NDR_THEN_FAMILY)
			g_hash_table_add (reporters, (gpointer) NDR_RULE_TEXT (r, then_name));
	}
	g_ptr_array_unref (all);
	GArray *defs = g_array_new (FALSE, FALSE, sizeof (NdrFamilyDef));
	_ndr_rules_families (rules, defs);
	g_array_append_vals (defs, added->families->data, added->families->len);
	for (guint i = 0; i < defs->len; i++) {
		const char *name = g_array_index (defs, NdrFamilyDef, i).name;
		g_hash_table_add (families, (gpointer) name);
		g_hash_table_add (reporters, (gpointer) name);
	}
	g_array_unref (defs);
}

static gboolean
name_fails (const NdrRule *r, const char *what, const char *name, GError **error)
{
	g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_BAD_RULES, "%s:%u: rule %s: %s '%s' is not defined here or before",
		     NDR_RULE_TEXT (r, file), r->line, NDR_RULE_TEXT (r, id), what, name);
	return FALSE;
}

/* Whether every name @added's rules refer to is defined: by the shipped
 * rules, by a file added before, or by @added itself. */
static gboolean
names_resolve (const NdrparseRules *rules, const NdrRuleSource *added, GError **error)
{
	GHashTable *providers = g_hash_table_new (g_str_hash, g_str_equal);
	GHashTable *reporters = g_hash_table_new (g_str_hash, g_str_equal);
	GHashTable *families = g_hash_table_new (g_str_hash, g_str_equal);
	collect_names (rules, added, providers, reporters, families);
	gboolean ok = TRUE;
	for (guint i = 0; ok && i < added->rules->len; i++) {
		const NdrRule *r = g_ptr_array_index (added->rules, i);
		gboolean family_kind = r->then == NDR_THEN_FAMILY || r->then == NDR_THEN_FAMILY_BEGIN ||
				       r->then == NDR_THEN_FAMILY_END || r->then == NDR_THEN_FAMILY_TRANSCRIPT;
		if (family_kind && !g_hash_table_contains (families, NDR_RULE_TEXT (r, then_name)))
			ok = name_fails (r, "family (a \"family NAME\" line)", NDR_RULE_TEXT (r, then_name), error);
		else if (NDR_RULE_TEXT (r, if_provider) && !g_hash_table_contains (providers, NDR_RULE_TEXT (r, if_provider)))
			ok = name_fails (r, "if-provider: the provider (a then=provider: rule)", NDR_RULE_TEXT (r, if_provider), error);
		else if (NDR_RULE_TEXT (r, if_reporter) && !g_hash_table_contains (reporters, NDR_RULE_TEXT (r, if_reporter)))
			ok = name_fails (r, "if-reporter: the reporter or family", NDR_RULE_TEXT (r, if_reporter), error);
	}
	g_hash_table_unref (providers);
	g_hash_table_unref (reporters);
	g_hash_table_unref (families);
	return ok;
}

/* Builds the user's group anew from every source and @added; on any
 * error the rule set is left as it was. */
static gboolean
commit (NdrparseRules *rules, NdrRuleSource *added, GError **error)
{
	for (guint i = 0; i < added->rules->len; i++)
		if (!resolve_rule (g_ptr_array_index (added->rules, i), error))
			return FALSE;
	for (guint i = 0; i < added->families->len; i++)
		if (!resolve_family (&g_array_index (added->families, NdrFamilyDef, i), error))
			return FALSE;
	if (!ids_are_new (rules, added, error) || !names_resolve (rules, added, error))
		return FALSE;
	GPtrArray *all = g_ptr_array_new ();
	for (guint s = 0; s < rules->sources->len; s++) {
		const NdrRuleSource *src = g_ptr_array_index (rules->sources, s);
		g_ptr_array_extend (all, src->rules, NULL, NULL);
	}
	g_ptr_array_extend (all, added->rules, NULL, NULL);
	NdrRuleGroup *group = _ndr_rule_group_build ((const NdrRule *const *) all->pdata, all->len, FALSE, error);
	g_ptr_array_unref (all);
	if (group == NULL)
		return FALSE;
	_ndr_rule_group_free (rules->user);
	rules->user = group;
	g_ptr_array_add (rules->sources, added);
	for (guint i = 0; i < added->disabled->len; i++)
		g_hash_table_add (rules->disabled, g_ptr_array_index (added->disabled, i));
	g_clear_pointer (&rules->family_fields, g_hash_table_unref);
	rules->family_fields = family_fields_of (rules);
	g_clear_pointer (&rules->header_names, g_hash_table_unref);
	rules->header_names = header_names_new (rules->user);
	return TRUE;
}

static gboolean
check_in_use (NdrparseRules *rules, GError **error)
{
	if (!g_atomic_int_get (&rules->in_use))
		return TRUE;
	g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT,
		     "rules cannot be added once a parse has used the rule set");
	return FALSE;
}

gboolean
ndrparse_rules_add_data (NdrparseRules *rules, const char *name, const char *data, gssize len, GError **error)
{
	if (rules == NULL || data == NULL) {
		g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT, "ndrparse_rules_add_data: NULL argument");
		return FALSE;
	}
	if (!check_in_use (rules, error))
		return FALSE;
	NdrRuleSource *added = _ndr_rule_source_new (TRUE);
	if (!_ndr_rule_source_add_text (added, name ? name : "(rules)", data, len < 0 ? strlen (data) : (gsize) len,
					error) ||
	    !commit (rules, added, error)) {
		_ndr_rule_source_free (added);
		return FALSE;
	}
	return TRUE;
}

gboolean
ndrparse_rules_add_file (NdrparseRules *rules, const char *path, GError **error)
{
	char *text = NULL;
	gsize len = 0;
	if (path == NULL) {
		g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT, "ndrparse_rules_add_file: NULL path");
		return FALSE;
	}
	if (!g_file_get_contents (path, &text, &len, error))
		return FALSE;
	gboolean ok = ndrparse_rules_add_data (rules, path, text, (gssize) len, error);
	g_free (text);
	return ok;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
	return strcmp (*(const char *const *) a, *(const char *const *) b);
}

gboolean
ndrparse_rules_add_directory (NdrparseRules *rules, const char *path, GError **error)
{
	GDir *dir = path ? g_dir_open (path, 0, error) : NULL;
	if (dir == NULL) {
		if (path == NULL)
			g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT,
				     "ndrparse_rules_add_directory: NULL path");
		return FALSE;
	}
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
	for (const char *name; (name = g_dir_read_name (dir)) != NULL;)
		if (g_str_has_suffix (name, ".rules") && name[0] != '.')
			g_ptr_array_add (names, g_build_filename (path, name, NULL));
	g_dir_close (dir);
	g_ptr_array_sort (names, compare_names);
	gboolean ok = TRUE;
	for (guint i = 0; ok && i < names->len; i++)
		ok = ndrparse_rules_add_file (rules, g_ptr_array_index (names, i), error);
	g_ptr_array_unref (names);
	return ok;
}

guint
ndrparse_rules_get_n_rules (const NdrparseRules *rules)
{
	guint n = _ndr_shipped_rule_count;
	for (guint s = 0; rules && s < rules->sources->len; s++)
		n += ((const NdrRuleSource *) g_ptr_array_index (rules->sources, s))->rules->len;
	return n;
}

/* ---- listing ---- */

static void
call_for (const NdrRule *rule, NdrparseRuleFunc func, gpointer user_data)
{
	const char *field = _ndr_rule_field_name (rule->field);
	char *with_name = NDR_RULE_TEXT (rule, field_name) ? g_strconcat (field, ":", NDR_RULE_TEXT (rule, field_name), NULL) : NULL;
	func (NDR_RULE_TEXT (rule, id), with_name ? with_name : field, _ndr_rule_then_name (rule->then), NDR_RULE_TEXT (rule, then_name),
	      NDR_RULE_TEXT (rule, if_provider), NDR_RULE_TEXT (rule, if_reporter), NDR_RULE_TEXT (rule, source), user_data);
	g_free (with_name);
}

void
ndrparse_rules_foreach (NdrparseRules *rules_in, NdrparseRuleFunc func, gpointer user_data)
{
	g_return_if_fail (func != NULL);
	const NdrparseRules *rules = _ndr_rules_use (rules_in);
	for (guint i = 0; i < _ndr_shipped_rule_count; i++)
		call_for (&_ndr_shipped_rules[i], func, user_data);
	for (guint s = 0; s < rules->sources->len; s++) {
		const NdrRuleSource *source = g_ptr_array_index (rules->sources, s);
		for (guint i = 0; i < source->rules->len; i++)
			call_for (g_ptr_array_index (source->rules, i), func, user_data);
	}
}
