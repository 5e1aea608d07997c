/* ndr-matcher.c - many patterns in one pass, with Hyperscan (ndr-matcher.h). */
#include <string.h>

#include <hs.h>

#include "ndr-matcher.h"
#include "ndrparse.h"

struct _NdrMatcher {
	hs_database_t *db;
	guint n;                /* patterns */
	gboolean all_matches;
	guint serial;           /* identifies it for the per-thread scratch */
	guint *lengths;         /* a phrase's or prefix's length (its match starts there before the
				 * end: a prefix's after the blanks before it); 0 for regexes */
};

/* ---- expressions ---- */

/* A byte as Hyperscan reads it literally. */
static void
append_literal_byte (GString *out, guchar c)
{
	if (g_ascii_isalnum (c))
		g_string_append_c (out, (char) c);
	else
		g_string_append_printf (out, "\\x%02x", c);
}

char *
_ndr_matcher_expression (const NdrRule *rule)
{
	GString *out = g_string_new (NULL);
	switch (rule->match) {
	case NDR_MATCH_REGEX:
		g_string_append (out, rule->pattern);
		break;
	case NDR_MATCH_IS:
		/* The whole value (a header's, the Subject), blanks aside. */
		g_string_append (out, "^[ \\t]*");
		for (const guchar *p = (const guchar *) rule->pattern; *p; p++)
			append_literal_byte (out, *p);
		g_string_append (out, "[ \\t]*$");
		break;
	case NDR_MATCH_PREFIX:
		g_string_append (out, "^[ \\t]*");
		/* fall through */
	default:
		for (const guchar *p = (const guchar *) rule->pattern; *p; p++)
			append_literal_byte (out, *p);
		break;
	}
	return g_string_free (out, FALSE);
}

static guint
flags_of (const NdrRule *rule, gboolean all_matches)
{
	guint flags = HS_FLAG_CASELESS;
	/* A prefix starts a line; a regex's ^ and $ are a line's ends. */
	if (rule->match == NDR_MATCH_PREFIX || rule->match == NDR_MATCH_REGEX)
		flags |= HS_FLAG_MULTILINE;
	/* A regex's match has no fixed length: ask for where it starts (for
	 * the evidence).  A prefix or a whole value ("^[ \t]*TEXT") is asked
	 * for its start too, though its length is known: Vectorscan 5.4.9
	 * loses matches of such line-anchored patterns when several of them
	 * are compiled together without start-of-match tracking (one that
	 * starts 17 or more bytes into the text is not reported; ctest
	 * test-rule-sets has the case).  SOM and single matches do not
	 * combine. */
	if (rule->match == NDR_MATCH_REGEX || rule->match == NDR_MATCH_PREFIX || rule->match == NDR_MATCH_IS)
		flags |= HS_FLAG_SOM_LEFTMOST;
	else if (!all_matches)
		flags |= HS_FLAG_SINGLEMATCH;
	return flags;
}

/* ---- building ---- */

static guint
next_serial (void)
{
	static gint counter;
	return (guint) g_atomic_int_add (&counter, 1) + 1;
}

static NdrMatcher *
matcher_new (hs_database_t *db, guint n, gboolean all_matches)
{
	NdrMatcher *m = g_new0 (NdrMatcher, 1);
	m->db = db;
	m->n = n;
	m->all_matches = all_matches;
	m->serial = next_serial ();
	return m;
}

static void
set_lengths (NdrMatcher *m, const NdrRule *const *rules)
{
	m->lengths = g_new0 (guint, MAX (m->n, 1));
	for (guint i = 0; rules && i < m->n; i++)
		if (rules[i]->match == NDR_MATCH_PHRASE || rules[i]->match == NDR_MATCH_PREFIX)
			m->lengths[i] = (guint) strlen (rules[i]->pattern);
}

NdrMatcher *
_ndr_matcher_compile (const NdrRule *const *rules, guint n, gboolean all_matches, gboolean portable, GError **error)
{
	char **expressions = g_new0 (char *, n + 1);
	guint *flags = g_new (guint, n + 1), *ids = g_new (guint, n + 1);
	for (guint i = 0; i < n; i++) {
		expressions[i] = _ndr_matcher_expression (rules[i]);
		flags[i] = flags_of (rules[i], all_matches);
		ids[i] = i;
	}
	hs_platform_info_t generic = { .tune = HS_TUNE_FAMILY_GENERIC, .cpu_features = 0 };
	hs_database_t *db = NULL;
	hs_compile_error_t *compile_error = NULL;
	NdrMatcher *m = NULL;
	if (!_ndr_hs_compile_multi ((const char *const *) expressions, flags, ids, n, portable ? &generic : NULL,
				    &db, &compile_error, error)) {
		/* @error says why the compiler is missing. */
	} else if (db) {
		m = matcher_new (db, n, all_matches);
		set_lengths (m, rules);
	} else {
		int at = compile_error ? compile_error->expression : -1;
		const char *why = compile_error && compile_error->message ? compile_error->message : "cannot compile";
		if (at >= 0 && (guint) at < n)
			g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_BAD_RULES, "%s:%u: rule %s: bad %s: %s",
				     rules[at]->file, rules[at]->line, rules[at]->id,
				     rules[at]->match == NDR_MATCH_REGEX ? "regex" : "pattern", why);
		else
			g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_BAD_RULES, "the rules cannot be compiled: %s", why);
	}
	_ndr_hs_free_compile_error (compile_error);
	g_strfreev (expressions);
	g_free (flags);
	g_free (ids);
	return m;
}

NdrMatcher *
_ndr_matcher_deserialize (const guint8 *bytes, gsize len, const NdrRule *const *rules, guint n,
			  gboolean all_matches)
{
	hs_database_t *db = NULL;
	if (hs_deserialize_database ((const char *) bytes, len, &db) != HS_SUCCESS)
		return NULL;
	NdrMatcher *m = matcher_new (db, n, all_matches);
	set_lengths (m, rules);
	return m;
}

gboolean
_ndr_matcher_serialize (const NdrMatcher *m, char **bytes, gsize *len)
{
	char *data = NULL;
	size_t size = 0;
	if (hs_serialize_database (m->db, &data, &size) != HS_SUCCESS)
		return FALSE;
	*bytes = g_memdup2 (data, size);
	*len = size;
	free (data);
	return TRUE;
}

void
_ndr_matcher_free (NdrMatcher *m)
{
	if (m == NULL)
		return;
	hs_free_database (m->db);
	g_free (m->lengths);
	g_free (m);
}

/* ---- scanning ---- */

/* Each thread has one scratch space, grown for every database it scans
 * with (the serials of those it fits). */
typedef struct {
	hs_scratch_t *scratch;
	GHashTable *fits;       /* serial -> TRUE */
} ThreadScratch;

static void
thread_scratch_free (gpointer data)
{
	ThreadScratch *ts = data;
	hs_free_scratch (ts->scratch);
	g_hash_table_unref (ts->fits);
	g_free (ts);
}

static GPrivate thread_scratch = G_PRIVATE_INIT (thread_scratch_free);

static hs_scratch_t *
scratch_for (const NdrMatcher *m)
{
	ThreadScratch *ts = g_private_get (&thread_scratch);
	if (ts == NULL) {
		ts = g_new0 (ThreadScratch, 1);
		ts->fits = g_hash_table_new (NULL, NULL);
		g_private_set (&thread_scratch, ts);
	}
	if (!g_hash_table_contains (ts->fits, GUINT_TO_POINTER (m->serial))) {
		if (hs_alloc_scratch (m->db, &ts->scratch) != HS_SUCCESS)
			g_error ("ndrparse: cannot allocate Hyperscan scratch space");
		g_hash_table_add (ts->fits, GUINT_TO_POINTER (m->serial));
	}
	return ts->scratch;
}

#define SEEN_ON_STACK 2048     /* patterns whose seen bits fit on the stack */

typedef struct {
	const NdrMatcher *matcher;
	GArray *hits;
	guint max, added;
	guint8 *seen;           /* for a single-match matcher: a bit per pattern reported; NULL until one is */
	guint8 seen_small[SEEN_ON_STACK / 8];
} ScanState;

static int
on_match (unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *context)
{
	(void) flags;
	ScanState *st = context;
	if (id >= st->matcher->n)
		return 0;
	if (!st->matcher->all_matches) {
		/* Regexes are reported at every match (SOM): keep the first.
		 * The set is made at the first match: most scans have none, and
		 * a matcher may hold tens of thousands of patterns. */
		if (st->seen == NULL)
			st->seen = st->matcher->n <= SEEN_ON_STACK ? memset (st->seen_small, 0, SEEN_ON_STACK / 8)
								     : g_malloc0 ((st->matcher->n + 7) / 8);
		if (st->seen[id / 8] & (1u << (id % 8)))
			return 0;
		st->seen[id / 8] |= (guint8) (1u << (id % 8));
	}
	guint len = st->matcher->lengths ? st->matcher->lengths[id] : 0;
	NdrMatcherHit hit = { id, len && to >= len ? (gsize) (to - len) : (gsize) from, (gsize) to };
	g_array_append_val (st->hits, hit);
	return ++st->added >= st->max;  /* non-zero stops the scan */
}

void
_ndr_matcher_scan (const NdrMatcher *m, const char *text, gsize len, GArray *hits, guint max)
{
	if (m == NULL || text == NULL || len == 0 || max == 0)
		return;
	ScanState st;           /* seen_small is cleared at the first match only */
	st.matcher = m;
	st.hits = hits;
	st.max = max;
	st.added = 0;
	st.seen = NULL;
	/* Hyperscan takes an unsigned int length: scans are cut at 1 GiB. */
	hs_scan (m->db, text, (unsigned int) MIN (len, (gsize) 1 << 30), 0, scratch_for (m), on_match, &st);
	if (st.seen && st.seen != st.seen_small)
		g_free (st.seen);
}
