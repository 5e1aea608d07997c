/* ndr-phrase-set.c - finding many phrases in a text in one pass.
 *
 * The rule tables hold hundreds of phrases (reason phrases, failure
 * phrases, family markers).  Searching the text once per phrase costs
 * phrases x length; a set instead buckets its phrases by their first
 * byte (ASCII letters folded) and walks the text once, comparing at each
 * position only the phrases that start with that byte, second byte
 * first.  A bitmap of the second bytes each bucket holds rejects most
 * positions before any phrase is looked at.  Matching is
 * ASCII-case-insensitive, like _ndr_memcasemem().
 *
 * A set is built once and then only read, so one set may be shared by
 * every thread.
 */
#include <string.h>

#include "ndrparse-private.h"

typedef struct {
	const char *phrase;
	gsize len;
	guint id;
	guchar second;          /* folded second byte, 0 for one-byte phrases */
} Entry;

/* g_ascii_tolower() is a call; this runs once per byte of text. */
static inline guchar
fold (char c)
{
	return (c >= 'A' && c <= 'Z') ? (guchar) (c + ('a' - 'A')) : (guchar) c;
}

struct _NdrPhraseSet {
	GArray *buckets[256];   /* Entry, by folded first byte */
	guint64 seconds[256][4]; /* per bucket, the folded second bytes present (0: a one-byte phrase) */
};

NdrPhraseSet *
_ndr_phrase_set_new (void)
{
	return g_new0 (NdrPhraseSet, 1);
}

void
_ndr_phrase_set_add (NdrPhraseSet *set, const char *phrase, guint id)
{
	gsize len = strlen (phrase);
	if (len == 0)
		return;
	guchar first = fold (phrase[0]);
	if (set->buckets[first] == NULL)
		set->buckets[first] = g_array_new (FALSE, FALSE, sizeof (Entry));
	Entry e = { phrase, len, id, len > 1 ? fold (phrase[1]) : 0 };
	g_array_append_val (set->buckets[first], e);
	set->seconds[first][e.second / 64] |= G_GUINT64_CONSTANT (1) << (e.second % 64);
}

void
_ndr_phrase_set_add_list (NdrPhraseSet *set, const char *const *list, guint id)
{
	for (; list && *list; list++)
		_ndr_phrase_set_add (set, *list, id);
}

static gboolean
entry_matches_at (const Entry *e, const char *text, gsize len, gsize i)
{
	if (len - i < e->len)
		return FALSE;
	if (e->len > 1 && fold (text[i + 1]) != e->second)
		return FALSE;
	return e->len <= 2 || g_ascii_strncasecmp (text + i + 2, e->phrase + 2, e->len - 2) == 0;
}

/* Calls @hit for every match; stops when it returns FALSE. */
static void
scan (const NdrPhraseSet *set, const char *text, gsize len,
      gboolean (*hit) (guint id, gpointer data), gpointer data)
{
	for (gsize i = 0; i < len; i++) {
		guchar first = fold (text[i]);
		const GArray *bucket = set->buckets[first];
		if (bucket == NULL)
			continue;
		guchar second = i + 1 < len ? fold (text[i + 1]) : 0;
		const guint64 *seconds = set->seconds[first];
		if (!(seconds[second / 64] & (G_GUINT64_CONSTANT (1) << (second % 64))) && !(seconds[0] & 1))
			continue;
		for (guint k = 0; k < bucket->len; k++) {
			const Entry *e = &g_array_index (bucket, Entry, k);
			if (entry_matches_at (e, text, len, i) && !hit (e->id, data))
				return;
		}
	}
}

static gboolean
keep_lowest (guint id, gpointer data)
{
	guint *lowest = data;
	if (id < *lowest)
		*lowest = id;
	return *lowest != 0;
}

guint
_ndr_phrase_set_lowest (const NdrPhraseSet *set, const char *text, gsize len)
{
	guint lowest = G_MAXUINT;
	if (text)
		scan (set, text, len, keep_lowest, &lowest);
	return lowest;
}

static gboolean
stop_at_first (guint id, gpointer data)
{
	(void) id;
	*(gboolean *) data = TRUE;
	return FALSE;
}

gboolean
_ndr_phrase_set_any (const NdrPhraseSet *set, const char *text, gsize len)
{
	gboolean found = FALSE;
	if (text)
		scan (set, text, len, stop_at_first, &found);
	return found;
}

static gboolean
mark (guint id, gpointer data)
{
	GArray *marks = data;
	if (id < marks->len)
		g_array_index (marks, gboolean, id) = TRUE;
	return TRUE;
}

void
_ndr_phrase_set_mark (const NdrPhraseSet *set, const char *text, gsize len, GArray *marks)
{
	if (text)
		scan (set, text, len, mark, marks);
}
