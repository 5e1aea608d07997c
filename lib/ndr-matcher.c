/* ndr-matcher.c - many patterns in one pass, with Hyperscan (ndr-matcher.h). */
#include <string.h>

#include <hs.h>

#include "ndr-matcher.h"
#include "ndrparse.h"

/* A matcher is up to two Hyperscan databases over its patterns.  The
 * evidence of a match says where it starts, and Hyperscan's start-of-
 * match tracking (HS_FLAG_SOM_LEFTMOST) costs every pattern of the
 * database it is compiled into: with it on the diagnostic channel's 180
 * regexes, a scan of that channel's 1,700 patterns took twice as long.
 * So the patterns that need it (see needs_som) have a database of their
 * own, and the others are scanned without: a phrase starts its length
 * before its end, and a regex that matched is asked where it starts
 * afterwards, by PCRE (late_start): a few hundred times over the shared
 * corpus, where its database is scanned thousands of times. */
enum { PART_FAST, PART_SOM, N_PARTS };

typedef struct {
	hs_database_t *db;      /* NULL when the part has no pattern */
	gboolean borrowed;      /* db lies in an image (not freed) */
	guint serial;           /* identifies it for the per-thread scratch */
} MatcherPart;

struct _NdrMatcher {
	MatcherPart parts[N_PARTS];
	guint n;                /* patterns */
	gboolean all_matches;
	const NdrRule *const *rules; /* a pattern's rule is rules[id] (borrowed: rules outlive
				 * their matchers); what a match means is read off it when one
				 * is found, so a matcher costs nothing per pattern to set up */
	GRegex **late_regex;    /* per pattern: a regex scanned without SOM, as PCRE reads it
				 * for late_start, made on its first match (atomically) */
};

/* Where a literal must lie to match: a prefix at the start of a line
 * after blanks, a whole value alone in the text but for blanks.  The
 * database holds the bare literal and on_match checks the place: a
 * line-anchored pattern ("^[ \t]*TEXT") cost Hyperscan start-of-match
 * tracking (without it, Vectorscan 5.4.9 loses such matches more than
 * 16 bytes into the text), five times the database of the literal (the
 * Subject channel's 51 prefixes and values: 135 KB to 26 KB), which
 * every run's first scratch allocation reads whole for its checksum. */
enum Anchor { ANCHOR_NONE, ANCHOR_LINE_START, ANCHOR_WHOLE_TEXT };

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
		g_string_append (out, NDR_RULE_TEXT (rule, pattern));
		break;
	default:
		/* A phrase, prefix or whole value: its literal (enum Anchor). */
		for (const guchar *p = (const guchar *) NDR_RULE_TEXT (rule, pattern); *p; p++)
			append_literal_byte (out, *p);
		break;
	}
	return g_string_free (out, FALSE);
}

gboolean
_ndr_regex_anchors_line (const char *regex)
{
	for (const char *p = regex; (p = strchr (p, '^')) != NULL; p++)
		if (p == regex || p[-1] != '[' || (p - regex >= 2 && p[-2] == '\\'))
			return TRUE;
	return FALSE;
}

/* Whether a pattern is scanned with start-of-match tracking: every
 * match of a regex where all are reported (each needs its start, and
 * PCRE per match would cost more than the tracking), and a regex with a
 * ^ at a line's start: Vectorscan 5.4.9 loses matches of line-anchored
 * patterns compiled together without it (see flags_of). */
static gboolean
needs_som (const NdrRule *rule, gboolean all_matches)
{
	switch (rule->match) {
	case NDR_MATCH_REGEX:
		return all_matches || _ndr_regex_anchors_line (NDR_RULE_TEXT (rule, pattern));
	default:
		return FALSE;
	}
}

static guint
flags_of (const NdrRule *rule, gboolean all_matches)
{
	guint flags = HS_FLAG_CASELESS;
	/* A regex's ^ and $ are a line's ends. */
	if (rule->match == NDR_MATCH_REGEX)
		flags |= HS_FLAG_MULTILINE;
	/* Where a match starts, for the evidence: see needs_som.  A regex
	 * anchored at a line is asked for its start: Vectorscan 5.4.9 loses
	 * matches of line-anchored patterns when several of them are
	 * compiled together without start-of-match tracking (one that starts
	 * 17 or more bytes into the text is not reported; ctest
	 * test-rule-sets has the case).  No pattern is compiled for a single match (HS_FLAG_SINGLEMATCH):
	 * keeping the first of each costs Hyperscan a set of every pattern
	 * cleared at each scan, more than on_match's bit test for the rare
	 * repeats. */
	if (needs_som (rule, all_matches))
		flags |= HS_FLAG_SOM_LEFTMOST;
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
matcher_new (guint n, gboolean all_matches)
{
	NdrMatcher *m = g_new0 (NdrMatcher, 1);
	m->n = n;
	m->all_matches = all_matches;
	return m;
}

static void
set_part (NdrMatcher *m, guint part, hs_database_t *db)
{
	m->parts[part].db = db;
	m->parts[part].serial = next_serial ();
}

static void
set_rules (NdrMatcher *m, const NdrRule *const *rules)
{
	m->rules = rules;
	m->late_regex = g_new0 (GRegex *, MAX (m->n, 1));
}

static void
set_compile_error (const NdrRule *const *rules, guint n, const guint *ids, const hs_compile_error_t *compile_error,
		   GError **error)
{
	int at = compile_error ? compile_error->expression : -1;
	const char *why = compile_error && compile_error->message ? compile_error->message : "cannot compile";
	if (at >= 0 && ids[at] < n) {
		const NdrRule *rule = rules[ids[at]];
		g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_BAD_RULES, "%s:%u: rule %s: bad %s: %s", NDR_RULE_TEXT (rule, file),
			     rule->line, NDR_RULE_TEXT (rule, id), rule->match == NDR_MATCH_REGEX ? "regex" : "pattern", why);
	} else {
		g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_BAD_RULES, "the rules cannot be compiled: %s", why);
	}
}

/* Below this many patterns without start-of-match tracking, a matcher
 * is one database: a second costs each scan more (Hyperscan's set-up of
 * a scan, a few hundred nanoseconds here) than tracking starts in a
 * small database does.  Measured on the shared corpus: the Received
 * channel's 4 patterns scan faster as one, the diagnostic channel's 1,700
 * twice as fast as two. */
#define SPLIT_MIN_FAST 64

static guint
part_of (const NdrRule *rule, gboolean all_matches, gboolean split)
{
	return split && !needs_som (rule, all_matches) ? PART_FAST : PART_SOM;
}

/* Compiles the patterns of @rules that belong in @part into *@db (NULL
 * if none do); FALSE with @error. */
static gboolean
compile_part (const NdrRule *const *rules, guint n, guint part, gboolean all_matches, gboolean split,
	      gboolean portable, hs_database_t **db, GError **error)
{
	char **expressions = g_new0 (char *, n + 1);
	guint *flags = g_new (guint, n + 1), *ids = g_new (guint, n + 1);
	guint k = 0;
	for (guint i = 0; i < n; i++) {
		if (part_of (rules[i], all_matches, split) != part)
			continue;
		expressions[k] = _ndr_matcher_expression (rules[i]);
		flags[k] = flags_of (rules[i], all_matches);
		ids[k++] = i;
	}
	*db = NULL;
	gboolean ok = TRUE;
	if (k > 0) {
		/* Portable: for any CPU of the architecture (the image); else for
		 * what the scan function runs (ndr-hs-runtime.c), or this CPU. */
		hs_platform_info_t generic = { .tune = HS_TUNE_FAMILY_GENERIC, .cpu_features = 0 }, scanned;
		const hs_platform_info_t *platform = portable ? &generic : _ndr_hs_scan_platform (&scanned) ? &scanned : NULL;
		hs_compile_error_t *compile_error = NULL;
		if (!_ndr_hs_compile_multi ((const char *const *) expressions, flags, ids, k, platform, db, &compile_error,
					    error)) {
			ok = FALSE;     /* @error says why the compiler is missing */
		} else if (*db == NULL) {
			set_compile_error (rules, n, ids, compile_error, error);
			ok = FALSE;
		}
		_ndr_hs_free_compile_error (compile_error);
	}
	g_strfreev (expressions);
	g_free (flags);
	g_free (ids);
	return ok;
}

NdrMatcher *
_ndr_matcher_compile (const NdrRule *const *rules, guint n, gboolean all_matches, gboolean portable, GError **error)
{
	NdrMatcher *m = matcher_new (n, all_matches);
	guint fast = 0;
	for (guint i = 0; i < n; i++)
		fast += !needs_som (rules[i], all_matches);
	for (guint part = 0; part < N_PARTS; part++) {
		hs_database_t *db;
		if (!compile_part (rules, n, part, all_matches, fast >= SPLIT_MIN_FAST, portable, &db, error)) {
			_ndr_matcher_free (m);
			return NULL;
		}
		set_part (m, part, db);
	}
	set_rules (m, rules);
	return m;
}

/* The image: what a run scans in place, with no copy (one run touches
 * the pages of what it scans, and processes share them).  Hyperscan's
 * own serialised form must be deserialised into memory of its own, a
 * copy and a CRC of each database: a megabyte and half a millisecond of
 * every run's start before the first scan.  An image holds each part as
 * hs_deserialize_database_at() lays it out at a 64-byte boundary, which
 * is the form hs_scan() reads (the database's bytecode is found by an
 * offset from its start, aligned there).  Layout, all numbers
 * little-endian 32-bit:
 *
 *   0   "NDRI", then per part its offset and length (0 0: no part)
 *   64  each part's database, at a multiple of 64 from the start
 *
 * An image is only taken by a library whose Hyperscan says the database
 * is its own version (hs_database_size(): magic and version) and of the
 * length the image gives; otherwise the caller compiles the rules. */
#define IMAGE_ALIGN 64
#define IMAGE_MAGIC "NDRI"

static guint32
get_u32 (const guint8 *p)
{
	return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static void
put_u32 (guint8 *p, guint32 v)
{
	p[0] = (guint8) v;
	p[1] = (guint8) (v >> 8);
	p[2] = (guint8) (v >> 16);
	p[3] = (guint8) (v >> 24);
}

/* The part's database at @bytes + @offset, if this library scans it. */
static const hs_database_t *
image_part (const guint8 *bytes, gsize len, guint32 offset, guint32 part_len)
{
	if (offset % IMAGE_ALIGN != 0 || offset < IMAGE_ALIGN || offset > len || part_len > len - offset)
		return NULL;
	const hs_database_t *db = (const hs_database_t *) (const void *) (bytes + offset);
	size_t size;
	if (_ndr_hs_database_size (db, &size) != HS_SUCCESS || size != part_len)
		return NULL;
	return db;
}

NdrMatcher *
_ndr_matcher_from_image (const guint8 *bytes, gsize len, const NdrRule *const *rules, guint n,
			 gboolean all_matches)
{
	if (((guintptr) bytes) % IMAGE_ALIGN != 0 || len < IMAGE_ALIGN || memcmp (bytes, IMAGE_MAGIC, 4) != 0)
		return NULL;
	NdrMatcher *m = matcher_new (n, all_matches);
	for (guint part = 0; part < N_PARTS; part++) {
		guint32 offset = get_u32 (bytes + 4 + 8 * part), part_len = get_u32 (bytes + 8 + 8 * part);
		if (offset == 0 && part_len == 0)
			continue;
		const hs_database_t *db = image_part (bytes, len, offset, part_len);
		if (db == NULL) {
			_ndr_matcher_free (m);
			return NULL;
		}
		set_part (m, part, (hs_database_t *) db);
		m->parts[part].borrowed = TRUE;
	}
	set_rules (m, rules);
	return m;
}

/* Appends @db as it lies in memory at a 64-byte boundary: serialised,
 * then deserialised into such memory (Hyperscan's own layout, by its
 * public calls). */
static gboolean
append_image_part (GByteArray *out, const hs_database_t *db, guint32 *offset, guint32 *part_len)
{
	char *data = NULL;
	size_t size = 0, image_size = 0;
	if (hs_serialize_database (db, &data, &size) != HS_SUCCESS)
		return FALSE;
	gboolean ok = hs_serialized_database_size (data, size, &image_size) == HS_SUCCESS &&
		      image_size <= G_MAXUINT32 && out->len + image_size + IMAGE_ALIGN <= G_MAXUINT32;
	if (ok) {
		void *at = g_aligned_alloc0 (1, image_size, IMAGE_ALIGN);
		ok = hs_deserialize_database_at (data, size, at) == HS_SUCCESS;
		if (ok) {
			g_byte_array_set_size (out, (out->len + IMAGE_ALIGN - 1) / IMAGE_ALIGN * IMAGE_ALIGN);
			*offset = out->len;
			*part_len = (guint32) image_size;
			g_byte_array_append (out, at, (guint) image_size);
		}
		g_aligned_free (at);
	}
	free (data);
	return ok;
}

gboolean
_ndr_matcher_image (const NdrMatcher *m, char **bytes, gsize *len)
{
	GByteArray *out = g_byte_array_new ();
	g_byte_array_set_size (out, IMAGE_ALIGN);
	memset (out->data, 0, IMAGE_ALIGN);
	memcpy (out->data, IMAGE_MAGIC, 4);
	for (guint part = 0; part < N_PARTS; part++) {
		guint32 offset = 0, part_len = 0;
		if (m->parts[part].db && !append_image_part (out, m->parts[part].db, &offset, &part_len)) {
			g_byte_array_unref (out);
			return FALSE;
		}
		put_u32 (out->data + 4 + 8 * part, offset);
		put_u32 (out->data + 8 + 8 * part, part_len);
	}
	*len = out->len;
	*bytes = (char *) g_byte_array_free (out, FALSE);
	return TRUE;
}

void
_ndr_matcher_free (NdrMatcher *m)
{
	if (m == NULL)
		return;
	for (guint part = 0; part < N_PARTS; part++)
		if (m->parts[part].db && !m->parts[part].borrowed)
			hs_free_database (m->parts[part].db);
	for (guint i = 0; m->late_regex && i < m->n; i++)
		if (m->late_regex[i])
			g_regex_unref (m->late_regex[i]);
	g_free (m->late_regex);
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
scratch_for (const MatcherPart *part)
{
	ThreadScratch *ts = g_private_get (&thread_scratch);
	if (ts == NULL) {
		ts = g_new0 (ThreadScratch, 1);
		ts->fits = g_hash_table_new (NULL, NULL);
		g_private_set (&thread_scratch, ts);
	}
	if (!g_hash_table_contains (ts->fits, GUINT_TO_POINTER (part->serial))) {
		if (hs_alloc_scratch (part->db, &ts->scratch) != HS_SUCCESS)
			g_error ("ndrparse: cannot allocate Hyperscan scratch space");
		g_hash_table_add (ts->fits, GUINT_TO_POINTER (part->serial));
	}
	return ts->scratch;
}

#define SEEN_ON_STACK 2048     /* patterns whose seen bits fit on the stack */

typedef struct {
	const NdrMatcher *matcher;
	const char *text;
	gsize len;
	GArray *hits;
	guint max, added;
	guint8 *seen;           /* for a single-match matcher: a bit per pattern reported; NULL until one is */
	guint8 seen_small[SEEN_ON_STACK / 8];
} ScanState;

/* Pattern @id's regex (compiled once, by whichever thread needs it
 * first), or NULL if PCRE refuses what Hyperscan took. */
static GRegex *
late_regex (const NdrMatcher *m, guint id)
{
	GRegex *re = g_atomic_pointer_get (&m->late_regex[id]);
	if (re)
		return re;
	/* Ending where Hyperscan's match ended (the text is cut there): the
	 * leftmost start of such a match, which is what HS_FLAG_SOM_LEFTMOST
	 * reports.  Bytes, not UTF-8, ASCII letters in either case, ^ and $
	 * at lines: as Hyperscan was told (flags_of). */
	char *pattern = g_strdup_printf ("(?:%s)\\z", NDR_RULE_TEXT (m->rules[id], pattern));
	re = g_regex_new (pattern, G_REGEX_RAW | G_REGEX_CASELESS | G_REGEX_MULTILINE, 0, NULL);
	g_free (pattern);
	if (re == NULL)
		return NULL;
	if (!g_atomic_pointer_compare_and_exchange (&m->late_regex[id], NULL, re)) {
		g_regex_unref (re);
		re = g_atomic_pointer_get (&m->late_regex[id]);
	}
	return re;
}

/* Where pattern @id's match that ends at @to starts: the leftmost start
 * of a match ending there.  If PCRE does not agree that one does, the
 * start of the match's line. */
static unsigned long long
late_start (const NdrMatcher *m, guint id, const char *text, gsize to)
{
	GRegex *re = late_regex (m, id);
	GMatchInfo *info = NULL;
	gint start = -1;
	if (re && to <= G_MAXSSIZE && g_regex_match_full (re, text, (gssize) to, 0, 0, &info, NULL))
		g_match_info_fetch_pos (info, 0, &start, NULL);
	g_match_info_free (info);
	if (start >= 0)
		return (unsigned long long) start;
	gsize line = to;
	while (line > 0 && text[line - 1] != '\n')
		line--;
	return line;
}

static gboolean
is_blank (char c)
{
	return c == ' ' || c == '\t';
}

/* Whether the literal text[*@from, *@to) lies where @anchor wants it:
 * a prefix at the text's start or a line's, blanks before it aside; a
 * whole value alone in the text, blanks around it and one final newline
 * aside (as "^[ \t]*TEXT[ \t]*$" would match, its bounds then widened
 * to that match's). */
static gboolean
anchored (const char *text, gsize len, guint8 anchor, gsize *from, gsize *to)
{
	gsize start = *from;
	while (start > 0 && is_blank (text[start - 1]))
		start--;
	if (anchor == ANCHOR_LINE_START)
		return start == 0 || text[start - 1] == '\n';
	gsize end = *to;
	while (end < len && is_blank (text[end]))
		end++;
	if (start != 0 || (end != len && !(end + 1 == len && text[end] == '\n')))
		return FALSE;
	*from = start;
	*to = end;
	return TRUE;
}

/* The hit of pattern @id's match ending at @to (Hyperscan's @from is its
 * start where it was tracked): FALSE when a literal is not where its
 * rule wants it (enum Anchor). */
static gboolean
hit_of (const ScanState *st, guint id, unsigned long long from, unsigned long long to, NdrMatcherHit *hit)
{
	const NdrRule *rule = st->matcher->rules[id];
	*hit = (NdrMatcherHit) { id, (gsize) from, (gsize) to };
	if (rule->match == NDR_MATCH_REGEX)
		return TRUE;
	gsize len = strlen (NDR_RULE_TEXT (rule, pattern));
	hit->from = hit->to >= len ? hit->to - len : 0;
	switch (rule->match) {
	case NDR_MATCH_PREFIX:
		return anchored (st->text, st->len, ANCHOR_LINE_START, &hit->from, &hit->to);
	case NDR_MATCH_IS:
		return anchored (st->text, st->len, ANCHOR_WHOLE_TEXT, &hit->from, &hit->to);
	default:
		return TRUE;
	}
}

static int
on_match (unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *context)
{
	(void) flags;
	ScanState *st = context;
	const NdrMatcher *m = st->matcher;
	NdrMatcherHit hit;
	if (id >= m->n || !hit_of (st, id, from, to, &hit))
		return 0;
	if (!m->all_matches) {
		/* Patterns are reported at every match: keep the first.
		 * The set is made at the first match: most scans have none, and
		 * a matcher may hold tens of thousands of patterns. */
		if (st->seen == NULL)
			st->seen = m->n <= SEEN_ON_STACK ? memset (st->seen_small, 0, SEEN_ON_STACK / 8)
							 : g_malloc0 ((m->n + 7) / 8);
		if (st->seen[id / 8] & (1u << (id % 8)))
			return 0;
		st->seen[id / 8] |= (guint8) (1u << (id % 8));
	}
	const NdrRule *rule = m->rules[id];
	if (rule->match == NDR_MATCH_REGEX && !needs_som (rule, m->all_matches))
		hit.from = late_start (m, id, st->text, hit.to);
	g_array_append_val (st->hits, hit);
	return ++st->added >= st->max;  /* non-zero stops the scan */
}

/* Hits in the order their matches end, those that end together in
 * pattern order: Hyperscan reports matches by their end, but those at
 * one offset in an order of its own, which changes with the database;
 * the evidence lists hits so, and must not. */
static gint
compare_hits (gconstpointer a, gconstpointer b, gpointer data)
{
	(void) data;
	const NdrMatcherHit *x = a, *y = b;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static void
scan_part (const MatcherPart *part, ScanState *st, const char *text, gsize len)
{
	if (part->db == NULL)
		return;
	st->added = 0;
	/* Hyperscan takes an unsigned int length: scans are cut at 1 GiB. */
	_ndr_hs_scan_function () (part->db, text, (unsigned int) MIN (len, (gsize) 1 << 30), 0, scratch_for (part),
				  on_match, st);
}

void
_ndr_matcher_scan (const NdrMatcher *m, const char *text, gsize len, GArray *hits, guint max)
{
	if (m == NULL || text == NULL || len == 0 || max == 0)
		return;
	ScanState st;           /* seen_small is cleared at the first match only */
	st.matcher = m;
	st.text = text;
	st.len = MIN (len, (gsize) 1 << 30);
	st.hits = hits;
	st.max = max;
	st.seen = NULL;
	/* Each part up to @max hits, then the first @max of both. */
	guint start = hits->len;
	scan_part (&m->parts[PART_FAST], &st, text, len);
	scan_part (&m->parts[PART_SOM], &st, text, len);
	if (hits->len - start > 1)
		g_qsort_with_data (hits->data + (gsize) start * sizeof (NdrMatcherHit), (gint) (hits->len - start),
				   sizeof (NdrMatcherHit), compare_hits, NULL);
	if (hits->len - start > max)
		g_array_set_size (hits, start + max);
	if (st.seen && st.seen != st.seen_small)
		g_free (st.seen);
}
