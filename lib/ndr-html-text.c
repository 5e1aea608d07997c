/* ndr-html-text.c - the text of an HTML notification.
 *
 * Some mail systems send their report as text/html alone (no text/plain
 * alternative): the prose decoder reads it as text.  Tags go, the
 * elements that break a line (br, p, div, li, tr, h1-h6, hr, table,
 * blockquote, pre, title) leave a line break, cells leave a space, the
 * content of script, style and head-only elements (style, script,
 * noscript, template) goes, character references are decoded (the named
 * ones a report uses, decimal and hexadecimal ones), and blanks are folded
 * within a line.  One pass, linear in the input; malformed markup (an
 * unclosed tag, a stray '<') ends or keeps text the way browsers' "tag
 * soup" reading does closely enough for words and addresses.
 */
#include <string.h>

#include "ndrparse-private.h"

/* Elements whose content is no text. */
static const char *const hidden_elements[] = { "script", "style", "noscript", "template" };

/* Elements that begin or end a line. */
static const char *const line_elements[] = {
	"br", "p", "div", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "blockquote", "pre",
	"title", "ul", "ol", "dl", "dt", "dd", "center", "address", "section", "article", "header", "footer",
};

static gboolean
name_in (const char *name, gsize len, const char *const *names, gsize n)
{
	for (gsize i = 0; i < n; i++)
		if (strlen (names[i]) == len && g_ascii_strncasecmp (name, names[i], len) == 0)
			return TRUE;
	return FALSE;
}

typedef struct {
	GString *out;
	gboolean blank_pending;         /* a blank is owed before the next word */
	const char *no_close_from;      /* no '>' at or after this, once seen; NULL: not known */
} Writer;

/* The next '>' from @p, or NULL.  Once one is missing, none follows: the
 * answer is kept, so stray '<'s cost one scan in all, not one each. */
static const char *
find_close (Writer *w, const char *p, const char *end)
{
	if (w->no_close_from && p >= w->no_close_from)
		return NULL;
	const char *close = memchr (p, '>', (gsize) (end - p));
	if (close == NULL)
		w->no_close_from = p;
	return close;
}

static void
write_break (Writer *w)
{
	while (w->out->len && w->out->str[w->out->len - 1] == ' ')
		g_string_truncate (w->out, w->out->len - 1);
	if (w->out->len && w->out->str[w->out->len - 1] != '\n')
		g_string_append_c (w->out, '\n');
	w->blank_pending = FALSE;
}

static void
write_blank (Writer *w)
{
	w->blank_pending = w->out->len && w->out->str[w->out->len - 1] != '\n';
}

static void
write_bytes (Writer *w, const char *p, gsize len)
{
	if (w->blank_pending)
		g_string_append_c (w->out, ' ');
	w->blank_pending = FALSE;
	g_string_append_len (w->out, p, len);
}

/* The character a reference at @p ('&' ... ';') names, written to @w;
 * returns the bytes read (0: not a reference, the '&' stands). */
static gsize
write_reference (Writer *w, const char *p, const char *end)
{
	static const struct {
		const char *name;
		const char *text;
	} named[] = {
		{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" }, { "nbsp", " " },
		{ "laquo", "\xc2\xab" }, { "raquo", "\xc2\xbb" }, { "copy", "\xc2\xa9" },
		{ "ndash", "\xe2\x80\x93" }, { "mdash", "\xe2\x80\x94" }, { "rsquo", "\xe2\x80\x99" },
		{ "lsquo", "\xe2\x80\x98" }, { "ldquo", "\xe2\x80\x9c" }, { "rdquo", "\xe2\x80\x9d" },
	};
	const char *semi = memchr (p, ';', MIN ((gsize) (end - p), 12));
	if (semi == NULL)
		return 0;
	gsize len = (gsize) (semi - p - 1);
	const char *name = p + 1;
	if (len >= 2 && name[0] == '#') {
		gboolean hex = name[1] == 'x' || name[1] == 'X';
		char digits[12];
		gsize n = len - (hex ? 2 : 1);
		if (n == 0 || n >= sizeof digits)
			return 0;
		memcpy (digits, name + (hex ? 2 : 1), n);
		digits[n] = '\0';
		char *stop;
		guint64 code = g_ascii_strtoull (digits, &stop, hex ? 16 : 10);
		if (*stop || code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
			return 0;
		char utf8[8];
		gint ulen = g_unichar_to_utf8 ((gunichar) (code == 0xA0 ? ' ' : code), utf8);
		write_bytes (w, utf8, (gsize) ulen);
		return (gsize) (semi - p) + 1;
	}
	for (gsize i = 0; i < G_N_ELEMENTS (named); i++)
		if (strlen (named[i].name) == len && memcmp (name, named[i].name, len) == 0) {
			if (named[i].text[0] == ' ' && named[i].text[1] == '\0')
				write_blank (w);
			else
				write_bytes (w, named[i].text, strlen (named[i].text));
			return (gsize) (semi - p) + 1;
		}
	return 0;
}

/* Where the element @name (@len bytes) closes after @p, past its end tag;
 * @end if it never does. */
static const char *
skip_hidden_content (const char *p, const char *end, const char *name, gsize len)
{
	for (const char *q = p; (q = memchr (q, '<', (gsize) (end - q))) != NULL; q++) {
		if (end - q >= (gssize) (len + 2) && q[1] == '/' && g_ascii_strncasecmp (q + 2, name, len) == 0) {
			const char *close = memchr (q, '>', (gsize) (end - q));
			return close ? close + 1 : end;
		}
	}
	return end;
}

/* Reads the tag at @p ('<'); returns where the text resumes. */
static const char *
read_tag (Writer *w, const char *p, const char *end)
{
	if (end - p >= 4 && memcmp (p, "<!--", 4) == 0) {
		const char *close = g_strstr_len (p + 4, end - p - 4, "-->");
		return close ? close + 3 : end;
	}
	const char *name = p + 1;
	if (name < end && *name == '/')
		name++;
	const char *name_end = name;
	while (name_end < end && g_ascii_isalnum (*name_end))
		name_end++;
	gsize len = (gsize) (name_end - name);
	gboolean is_tag = len > 0 && (name_end == end || *name_end == '>' || g_ascii_isspace (*name_end) || *name_end == '/');
	const char *close = is_tag || (len == 0 && name < end && (*name == '!' || *name == '?')) ? find_close (w, p, end) : NULL;
	if (!is_tag) {
		/* "<" that starts no tag ("a < b", "<a@b>" as some MTAs write an
		 * address in HTML): the text stands.  "<!DOCTYPE>", "<?xml?>"
		 * are no text. */
		if (len == 0 && close && name < end && (*name == '!' || *name == '?'))
			return close + 1;
		write_bytes (w, p, 1);
		return p + 1;
	}
	if (close == NULL)
		return end;
	if (name_in (name, len, hidden_elements, G_N_ELEMENTS (hidden_elements)) && name == p + 1)
		return skip_hidden_content (close + 1, end, name, len);
	if (name_in (name, len, line_elements, G_N_ELEMENTS (line_elements)))
		write_break (w);
	else if ((len == 2 && (g_ascii_strncasecmp (name, "td", 2) == 0 || g_ascii_strncasecmp (name, "th", 2) == 0)))
		write_blank (w);
	return close + 1;
}

char *
_ndr_html_to_text (const char *html, gsize len)
{
	Writer w = { g_string_sized_new (len / 2 + 16), FALSE, NULL };
	const char *p = html, *end = html + len;
	while (p < end) {
		char c = *p;
		if (c == '<') {
			p = read_tag (&w, p, end);
		} else if (c == '&') {
			gsize n = write_reference (&w, p, end);
			if (n == 0)
				write_bytes (&w, p, 1);
			p += n ? n : 1;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			write_blank (&w);
			p++;
		} else {
			const char *run = p;
			while (p < end && *p != '<' && *p != '&' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' &&
			       *p != '\f')
				p++;
			write_bytes (&w, run, (gsize) (p - run));
		}
	}
	write_break (&w);
	return g_string_free (w.out, FALSE);
}
