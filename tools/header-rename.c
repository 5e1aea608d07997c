/* header-rename.c - incoming X-Bounce-* fields made inert (header-rename.h). */
#include <string.h>

#include "header-rename.h"

#define PREFIX "x-bounce-"
#define PREFIX_LEN 9
#define INERT "original-"
#define INERT_LEN 9
#define RENAMED "X-Bounce-Original-"

void
header_rename_init (HeaderRename *rename)
{
	*rename = (HeaderRename) { .in_header = TRUE, .line_start = TRUE };
}

gboolean
header_rename_done (const HeaderRename *rename)
{
	return !rename->in_header;
}

/* Whether the @n bytes at @s match the start of @lower, case-insensitively. */
static gboolean
prefix_of (const char *s, gsize n, const char *lower)
{
	return g_ascii_strncasecmp (s, lower, n) == 0;
}

typedef enum { UNDECIDED, PLAIN, OURS, BLANK } LineKind;

/* What the held start of a line is: undecided until enough of it came
 * (@ended: the line ends after it). */
static LineKind
decide (const HeaderRename *r, gboolean ended)
{
	const char *h = r->held;
	gsize n = r->held_len;
	if ((n >= 1 && h[0] == '\n') || (n >= 2 && h[0] == '\r' && h[1] == '\n'))
		return BLANK;
	if (n == 1 && h[0] == '\r' && !ended)
		return UNDECIDED;
	if (!prefix_of (h, MIN (n, PREFIX_LEN), PREFIX))
		return PLAIN;
	if (n < PREFIX_LEN)
		return ended ? PLAIN : UNDECIDED;
	gsize rest = MIN (n - PREFIX_LEN, INERT_LEN);
	if (!prefix_of (h + PREFIX_LEN, rest, INERT))
		return OURS;
	if (n < PREFIX_LEN + INERT_LEN)
		return ended ? OURS : UNDECIDED;
	return PLAIN;   /* X-Bounce-Original-*: inert already */
}

static void
release (HeaderRename *r, LineKind kind, GString *out)
{
	if (kind == OURS) {
		g_string_append (out, RENAMED);
		g_string_append_len (out, r->held + PREFIX_LEN, (gssize) (r->held_len - PREFIX_LEN));
	} else {
		g_string_append_len (out, r->held, (gssize) r->held_len);
	}
	if (kind == BLANK)
		r->in_header = FALSE;
	r->line_start = kind == BLANK;
	if (kind == BLANK || memchr (r->held, '\n', r->held_len))
		r->line_start = TRUE;
	r->held_len = 0;
}

void
header_rename_feed (HeaderRename *r, const char *data, gsize len, GString *out)
{
	gsize i = 0;
	while (i < len) {
		if (!r->in_header) {
			g_string_append_len (out, data + i, (gssize) (len - i));
			return;
		}
		if (!r->line_start) {
			const char *nl = memchr (data + i, '\n', len - i);
			gsize n = nl ? (gsize) (nl - (data + i)) + 1 : len - i;
			g_string_append_len (out, data + i, (gssize) n);
			i += n;
			r->line_start = nl != NULL;
			continue;
		}
		/* A line starts: hold its first bytes until it is known what
		 * field, if any, it begins. */
		char c = data[i++];
		r->held[r->held_len++] = c;
		gboolean ended = c == '\n';
		LineKind kind = decide (r, ended);
		if (kind == UNDECIDED && r->held_len < sizeof r->held)
			continue;
		release (r, kind == UNDECIDED ? PLAIN : kind, out);
	}
}

void
header_rename_finish (HeaderRename *r, GString *out)
{
	if (r->held_len > 0)
		release (r, decide (r, TRUE), out);
}
