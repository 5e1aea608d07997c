/* ndr-rule-set.h - rules grouped for matching: a group per origin (the
 * shipped rules, a user's), and in each a channel per field, whose phrase,
 * prefix and regex rules share one matcher (ndr-matcher.h), and lookup
 * tables for the rules that compare whole values (is=, suffix=, status=,
 * code=).
 *
 * The shipped group comes from the tables the rule compiler wrote at
 * build time (ndr-rulec.c): rules, channels and their databases' images, so
 * a run neither reads nor compiles rule files to start.
 */
#ifndef NDR_RULE_SET_H
#define NDR_RULE_SET_H

#include "ndr-once.h"
#include "ndr-matcher.h"
#include "ndr-rule.h"
#include "ndrparse.h"

G_BEGIN_DECLS

typedef enum {
	NDR_CHANNEL_DIAGNOSTIC,         /* a record's diagnostic */
	NDR_CHANNEL_BODY,               /* the notification text: the first match of each rule */
	NDR_CHANNEL_BODY_LINES,         /* the same, every match: where reports begin and end,
					 * recipient labels, the returned message */
	NDR_CHANNEL_SUBJECT,
	NDR_CHANNEL_FROM,
	NDR_CHANNEL_COMMAND,            /* a reply's words that name the command it answered */
	NDR_CHANNEL_HEADER,             /* a header of the bounce: one channel per name */
	NDR_CHANNEL_LOOKUP,             /* no matcher: is=, suffix=, status=, code= rules */
	NDR_CHANNEL_COUNT
} NdrChannelKind;

/* The channel a rule belongs to. */
NdrChannelKind _ndr_rule_channel_kind (const NdrRule *rule);
/* Within the diagnostic channel, the condition its rule needs to apply
 * ("provider:NAME" for if-provider=, else "reporter:NAME" for
 * if-reporter=; g_free() it), or NULL for a rule that applies anywhere.
 * A scope's rules are matched only where their condition can hold: Orange's
 * codes are no cost to a bounce from elsewhere. */
char *_ndr_rule_channel_scope (const NdrRule *rule);
const char *_ndr_channel_kind_name (NdrChannelKind kind);

typedef struct _NdrShippedChannel NdrShippedChannel;

typedef struct {
	NdrChannelKind kind;
	const char *header;             /* NDR_CHANNEL_HEADER: the header's name */
	const char *scope;              /* NDR_CHANNEL_DIAGNOSTIC: _ndr_rule_channel_scope(), or NULL */
	const NdrRule **rules;          /* a pattern's id is its index */
	guint n;
	NdrMatcher *matcher;            /* use _ndr_channel_matcher() */
	const NdrShippedChannel *shipped; /* the database image it comes from, when shipped */
	NdrOnce once;                   /* the shipped matcher made */
} NdrChannel;

/* The channel's matcher: a shipped channel's is made from its image on
 * first use (a run pays only for the fields it reads). */
NdrMatcher *_ndr_channel_matcher (const NdrChannel *channel);

typedef struct _NdrRuleGroup NdrRuleGroup;

/* Groups @rules (borrowed: they outlive the group): a channel per field,
 * its matcher compiled (@portable: for any CPU of the architecture).
 * NULL with @error when a pattern is refused. */
NdrRuleGroup *_ndr_rule_group_build (const NdrRule *const *rules, guint n, gboolean portable, GError **error);
void _ndr_rule_group_free (NdrRuleGroup *group);
/* Its channels (NdrChannel *), in a fixed order: for the rule compiler. */
const GPtrArray *_ndr_rule_group_channels (const NdrRuleGroup *group);
/* The channel of @kind (and @header), or NULL. */
const NdrChannel *_ndr_rule_group_channel (const NdrRuleGroup *group, NdrChannelKind kind, const char *header);
/* The diagnostic channel of @scope ("provider:NAME", "reporter:NAME"), or NULL. */
const NdrChannel *_ndr_rule_group_scoped_channel (const NdrRuleGroup *group, const char *scope);

/* The lookup tables: the rules that compare whole values, each table
 * sorted for a binary search (the shipped group's written so by the rule
 * compiler, a user's sorted when it is built). */
typedef struct {
	const char *key;                /* an is= rule's "FIELD:NAME=VALUE", a suffix= rule's
					 * suffix, lower-case */
	const NdrRule *rule;
} NdrKeyedRule;
typedef struct {
	const NdrRule *rule;
	guint klass;                    /* 0: either class */
	guint subject;                  /* the X.SUBJECT it is about */
	guint low, high;                /* the details it fits */
} NdrStatusEntry;
typedef struct {
	const NdrKeyedRule *values;     /* is= rules, by key; of one key in rule order */
	guint n_values;
	const NdrKeyedRule *suffixes;   /* suffix= rules, likewise */
	guint n_suffixes;
	const NdrStatusEntry *status;   /* status= rules, their specs parsed, by subject */
	guint n_status;
	const NdrRule *const *replies;  /* code= rules */
	guint n_replies;
} NdrLookupTables;

/* The shipped group: the generated tables, borrowed; each channel's
 * matcher made from its image on first use. */
NdrRuleGroup *_ndr_rule_group_new_shipped (const NdrLookupTables *lookups, const NdrShippedChannel *channels,
					   guint n);
const NdrLookupTables *_ndr_rule_group_lookups (const NdrRuleGroup *group);
/* The is= rules for @value, the suffix= rules for @suffix (lower-case),
 * the status= rules of X.@subject.*, the code= rules: the first and
 * their number in *@count. */
const NdrKeyedRule *_ndr_rule_group_values (const NdrRuleGroup *group, NdrRuleField field, const char *field_name,
					    const char *value, guint *count);
const NdrKeyedRule *_ndr_rule_group_suffix (const NdrRuleGroup *group, const char *suffix, guint *count);
const NdrStatusEntry *_ndr_rule_group_status_entries (const NdrRuleGroup *group, guint subject, guint *count);
const NdrRule *const *_ndr_rule_group_reply_rules (const NdrRuleGroup *group, guint *count);

/* The shipped rules and tables (generated by ndr-rulec.c). */
struct _NdrShippedChannel {
	NdrChannelKind kind;
	const char *header;
	const char *scope;
	const NdrRule *const *rules;    /* into _ndr_shipped_rules; a pattern's id is its index */
	guint n;
	const guint8 *database;         /* its image (ndr-matcher.h), portable, 64-byte aligned */
	gsize database_len;
};

extern const NdrRule _ndr_shipped_rules[];
extern const guint _ndr_shipped_rule_count;
extern const NdrShippedChannel _ndr_shipped_channels[];
extern const guint _ndr_shipped_channel_count;
extern const NdrLookupTables _ndr_shipped_lookups;
extern const NdrReasonDef _ndr_reason_defs[];           /* NDRPARSE_REASON_COUNT of them, in enum order */
extern const NdrCodeDef _ndr_code_defs[];
extern const guint _ndr_code_def_count;
extern const NdrFamilyDef _ndr_family_defs[];
extern const guint _ndr_family_def_count;

/* ---- the rules a parse uses (NdrparseRules) ---- */

/* The shipped rules alone, shared by every parse that names no rules. */
NdrparseRules *_ndr_rules_default (void);
/* @rules, or the default for NULL; marks it in use (no more files may be
 * added). */
const NdrparseRules *_ndr_rules_use (NdrparseRules *rules);

/* A rule's match: text[@from, @to) of what it looked at. */
typedef struct {
	const NdrRule *rule;
	gsize from, to;
} NdrRuleHit;

/* Appends to @hits (NdrRuleHit) the rules of channel @kind (@header for
 * NDR_CHANNEL_HEADER) that match @text, shipped and the user's, but for
 * the disabled; at most @max (of each).  For a diagnostic, only the
 * rules that apply anywhere: see _ndr_rules_scan_diagnostic(). */
void _ndr_rules_scan (const NdrparseRules *rules, NdrChannelKind kind, const char *header,
		      const char *text, gsize len, GArray *hits, guint max);
/* The same for a diagnostic, of a bounce from @provider written by
 * @reporter (either NULL): the rules that apply anywhere and those whose
 * if-provider= or if-reporter= can hold, in the order their matches end;
 * at most @max. */
void _ndr_rules_scan_diagnostic (const NdrparseRules *rules, const char *provider, const char *reporter,
				 const char *text, gsize len, GArray *hits, guint max);
/* The is= and suffix= rules of @field (and @field_name) that @value fits. */
void _ndr_rules_lookup (const NdrparseRules *rules, NdrRuleField field, const char *field_name,
			const char *value, GArray *hits);
/* The status= rules a code fits, and the code= rules a reply code fits. */
void _ndr_rules_lookup_status (const NdrparseRules *rules, guint klass, guint subject, guint detail, GArray *hits);
void _ndr_rules_lookup_reply (const NdrparseRules *rules, guint code, GArray *hits);

/* Whether hit @a outranks hit @b: a user's rule before a shipped one,
 * then the higher priority, then the more specific (the longer match,
 * or pattern), then the lower id. */
gboolean _ndr_rule_hit_outranks (const NdrRuleHit *a, const NdrRuleHit *b);

/* The fields a family's rules look at: it is recognised when each has a
 * hit. */
enum {
	NDR_FAMILY_FIELD_FROM = 1 << 0,
	NDR_FAMILY_FIELD_SUBJECT = 1 << 1,
	NDR_FAMILY_FIELD_BODY = 1 << 2,
	NDR_FAMILY_FIELD_HEADER = 1 << 3,
};
/* The NDR_FAMILY_FIELD_* bits of family @name's rules (but the disabled);
 * 0 for a family without rules. */
guint _ndr_rules_family_fields (const NdrparseRules *rules, const char *name);

/* The families rule files define (NdrFamilyDef), shipped then the user's. */
void _ndr_rules_families (const NdrparseRules *rules, GArray *families);
const NdrFamilyDef *_ndr_rules_family (const NdrparseRules *rules, const char *name);
/* The headers some rule looks at: lower-case name -> the name as the
 * rules write it (owned by @rules or static; read only). */
GHashTable *_ndr_rules_header_names (const NdrparseRules *rules);
/* Every rule of @rules: the shipped, then the user's (const NdrRule *). */
void _ndr_rules_all (const NdrparseRules *rules, GPtrArray *all);
gboolean _ndr_rules_is_disabled (const NdrparseRules *rules, const NdrRule *rule);

G_END_DECLS

#endif
