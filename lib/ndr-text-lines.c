/* ndr-text-lines.c - a prose bounce's lines, and where in them its report
 * lies (ndr-text.h).
 *
 * The rules that say where a family's report begins and ends, where the
 * returned message starts, which labels lead a recipient's address, are
 * body-lines rules: one scan of the text finds all their matches, each
 * filed under the line it starts on.
 */
#include <string.h>

#include "ndr-text.h"

/* A text's matches beyond this many are not looked at. */
#define MAX_LINE_HITS (4 * NDR_TEXT_MAX_LINES)

static void
split_lines (NdrText *t)
{
	const char *p = t->text;
	while (p && *p && t->lines->len < NDR_TEXT_MAX_LINES) {
		const char *nl = strchr (p, '\n');
		NdrLine line = { p, nl ? (gsize) (nl - p) : strlen (p) };
		g_array_append_val (t->lines, line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

/* The line holding offset @at of the text. */
static guint
line_of (const NdrText *t, gsize at)
{
	guint low = 0, high = t->lines->len;
	while (high - low > 1) {
		guint mid = low + (high - low) / 2;
		if ((gsize) (_ndr_text_line (t, mid)->p - t->text) <= at)
			low = mid;
		else
			high = mid;
	}
	return low;
}

static gint
compare_line_hits (gconstpointer a, gconstpointer b)
{
	const NdrLineHit *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	/* The same start: by rule id, not in the order the matcher happened
	 * to report them (which may change with the set of rules). */
	return strcmp (NDR_RULE_TEXT (x->rule, id), NDR_RULE_TEXT (y->rule, id));
}

static void
find_hits (NdrText *t)
{
	if (t->lines->len == 0)
		return;
	const NdrLine *last = _ndr_text_line (t, t->lines->len - 1);
	gsize len = (gsize) (last->p - t->text) + last->len;
	GArray *raw = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	_ndr_rules_scan (t->rules, NDR_CHANNEL_BODY_LINES, NULL, t->text, len, raw, MAX_LINE_HITS);
	for (guint i = 0; i < raw->len; i++) {
		const NdrRuleHit *h = &g_array_index (raw, NdrRuleHit, i);
		NdrLineHit lh = { h->rule, line_of (t, h->from), h->from, h->to };
		g_array_append_val (t->hits, lh);
	}
	g_array_unref (raw);
	g_array_sort (t->hits, compare_line_hits);
}

void
_ndr_text_init (NdrText *t, const NdrparseRules *rules, const char *text)
{
	*t = (NdrText) { .rules = rules, .text = text };
	t->lines = g_array_new (FALSE, FALSE, sizeof (NdrLine));
	t->hits = g_array_new (FALSE, FALSE, sizeof (NdrLineHit));
	split_lines (t);
	find_hits (t);
}

void
_ndr_text_clear (NdrText *t)
{
	g_clear_pointer (&t->lines, g_array_unref);
	g_clear_pointer (&t->hits, g_array_unref);
	g_clear_pointer (&t->senders, g_hash_table_unref);
}

NdrLine *
_ndr_text_line (const NdrText *t, guint i)
{
	return &g_array_index (t->lines, NdrLine, i);
}

static gboolean
line_hit_is (const NdrLineHit *h, NdrConclusion then, const char *name, NdrMark mark)
{
	if (h->rule->then != then)
		return FALSE;
	if (then == NDR_THEN_MARK)
		return h->rule->value == (gint) mark;
	return name && strcmp (NDR_RULE_TEXT (h->rule, then_name), name) == 0;
}

/* The index of the first hit on line @line or after it. */
static guint
first_hit_from (const NdrText *t, guint line)
{
	guint low = 0, high = t->hits->len;
	while (low < high) {
		guint mid = low + (high - low) / 2;
		if (g_array_index (t->hits, NdrLineHit, mid).line < line)
			low = mid + 1;
		else
			high = mid;
	}
	return low;
}

guint
_ndr_text_find_line (const NdrText *t, guint from, guint to, NdrConclusion then, const char *name, NdrMark mark)
{
	for (guint i = first_hit_from (t, from); i < t->hits->len; i++) {
		const NdrLineHit *h = &g_array_index (t->hits, NdrLineHit, i);
		if (h->line >= to)
			break;
		if (line_hit_is (h, then, name, mark))
			return h->line;
	}
	return G_MAXUINT;
}

const NdrLineHit *
_ndr_text_hit_at (const NdrText *t, guint line, gsize at, NdrMark mark)
{
	const NdrLineHit *best = NULL;
	for (guint i = first_hit_from (t, line); i < t->hits->len; i++) {
		const NdrLineHit *h = &g_array_index (t->hits, NdrLineHit, i);
		if (h->line != line)
			break;
		if (h->from == at && line_hit_is (h, NDR_THEN_MARK, NULL, mark) &&
		    (best == NULL || h->to > best->to))
			best = h;
	}
	return best;
}

static gboolean
line_is_blank (const NdrLine *l)
{
	for (gsize k = 0; k < l->len; k++)
		if (l->p[k] != ' ' && l->p[k] != '\t' && l->p[k] != '\r')
			return FALSE;
	return TRUE;
}

/* A separator line ("--- Returned Message ---", "=========="): it
 * starts with three or more dashes, equal signs, asterisks or
 * underscores. */
static gboolean
is_separator (const NdrLine *l)
{
	gsize k = 0;
	while (k < l->len && l->p[k] == ' ')
		k++;
	gsize run = 0;
	while (k + run < l->len && strchr ("-=*_", l->p[k + run]) && l->p[k + run])
		run++;
	return run >= 3;
}

gsize
_ndr_text_field_name (const char *p, const char *end)
{
	gsize n = 0;
	while (p + n < end && p[n] > ' ' && p[n] < 127 && p[n] != ':')
		n++;
	return n && p + n < end && p[n] == ':' ? n : 0;
}

gboolean
_ndr_text_field_is (const char *name, gsize len, const char *want)
{
	return len == strlen (want) && g_ascii_strncasecmp (name, want, len) == 0;
}

/* Whether a message's header starts at line @i: unindented fields, as
 * the returned message's own header is when a report gives it inline
 * with no separator one of its rules knows (an indented list of fields
 * is the report's summary of the message).  At least three fields up to
 * a blank line or the text's end (folded lines continue the field before),
 * among them a field that names the message's origin or identity (From,
 * Sender, Return-Path, Received, Message-ID) and one that a message's
 * header has but a report's prose does not give so (Subject, Date, To). */
#define HEADER_MIN_FIELDS 3
static gboolean
message_header_at (const NdrText *t, guint i)
{
	guint fields = 0;
	gboolean origin = FALSE, message = FALSE;
	for (guint j = i; j < t->lines->len; j++) {
		const NdrLine *l = _ndr_text_line (t, j);
		if (line_is_blank (l))
			break;
		const char *name = l->p;
		gsize len = _ndr_text_field_name (l->p, l->p + l->len);
		if (len == 0) {
			if (j > i && (l->p[0] == ' ' || l->p[0] == '\t'))
				continue;
			return FALSE;
		}
		fields++;
		origin |= _ndr_text_field_is (name, len, "From") || _ndr_text_field_is (name, len, "Sender") ||
			  _ndr_text_field_is (name, len, "Return-Path") || _ndr_text_field_is (name, len, "Received") ||
			  _ndr_text_field_is (name, len, "Message-ID");
		message |= _ndr_text_field_is (name, len, "Subject") || _ndr_text_field_is (name, len, "Date") ||
			   _ndr_text_field_is (name, len, "To");
	}
	return fields >= HEADER_MIN_FIELDS && origin && message;
}

void
_ndr_text_find_region (NdrText *t, const char *family)
{
	guint n = t->lines->len;
	guint begin = family ? _ndr_text_find_line (t, 0, n, NDR_THEN_FAMILY_BEGIN, family, 0) : G_MAXUINT;
	t->begin = begin == G_MAXUINT ? 0 : begin;
	guint end = n;
	for (guint i = first_hit_from (t, t->begin + 1); i < t->hits->len; i++) {
		const NdrLineHit *h = &g_array_index (t->hits, NdrLineHit, i);
		if (line_hit_is (h, NDR_THEN_MARK, NULL, NDR_MARK_RETURNED_MESSAGE) ||
		    (family && line_hit_is (h, NDR_THEN_FAMILY_END, family, 0))) {
			end = h->line;
			break;
		}
	}
	/* The returned message given inline, after no marker: its header
	 * ends the report, whose text is before it. */
	for (guint i = t->begin + 1; i < end && i < n; i++) {
		const NdrLine *l = _ndr_text_line (t, i);
		const NdrLine *before = _ndr_text_line (t, i - 1);
		if (l->len && l->p[0] != ' ' && l->p[0] != '\t' && (line_is_blank (before) || is_separator (before)) &&
		    message_header_at (t, i)) {
			end = i;
			break;
		}
	}
	t->end = MIN (end, n);
}

static char *
block_of (const NdrText *t, guint first, guint stop, NdrMark skip)
{
	GString *s = g_string_new (NULL);
	for (guint i = first; i < stop && s->len < NDR_TEXT_MAX_DIAGNOSTIC; i++) {
		if (skip != NDR_MARK_COUNT && _ndr_text_find_line (t, i, i + 1, NDR_THEN_MARK, NULL, skip) != G_MAXUINT)
			continue;
		const NdrLine *l = _ndr_text_line (t, i);
		for (const char *p = l->p, *end = l->p + l->len; p < end && s->len < NDR_TEXT_MAX_DIAGNOSTIC; p++) {
			if (!g_ascii_isspace (*p))
				g_string_append_c (s, *p);
			else if (s->len && s->str[s->len - 1] != ' ')
				g_string_append_c (s, ' ');
		}
		if (s->len && s->str[s->len - 1] != ' ')
			g_string_append_c (s, ' ');
	}
	while (s->len && s->str[s->len - 1] == ' ')
		g_string_truncate (s, s->len - 1);
	return g_string_free (s, FALSE);
}

char *
_ndr_text_block (const NdrText *t, guint first, guint stop)
{
	return block_of (t, first, stop, NDR_MARK_COUNT);
}

char *
_ndr_text_block_without (const NdrText *t, guint first, guint stop, NdrMark mark)
{
	return block_of (t, first, stop, mark);
}
