/* ndr-content-type.c - a Content-Type value as GMime's parser reads it,
 * without building its objects.
 *
 * The bounds pass (ndr-bounds.c) must know, for each header block, what
 * GMime will make of it: a multipart and its boundary, a message, or a
 * leaf.  GMime's parser decides the type with g_mime_parse_content_type()
 * on the field's value (a text/plain default when that fails, a
 * message/rfc822 one in a digest), and a multipart's boundary is the
 * first "boundary" parameter of the full parse.  The full parse builds a
 * GMimeContentType, a parameter list and a GObject per parameter; for the
 * plain values nearly every bounce has (printable ASCII, no comment, no
 * quoted pair, no RFC 2231 or RFC 2047 encoding) the boundary is read
 * here by GMime's rules (its loose parameter mode, the default), and any
 * other value still goes to GMime.  test-shortcuts compares the two.
 */
#include <string.h>

#include "ndrparse-private.h"

static gboolean
is_lwsp (char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* GMime's is_ttoken() for the plain values read here: printable ASCII,
 * no RFC 2045 tspecial. */
static gboolean
is_ttoken (char c)
{
	return c > 0x20 && c < 0x7f && strchr ("()<>@,;:\\\"/[]?=", c) == NULL;
}

static const char *
skip_lwsp (const char *p)
{
	while (is_lwsp (*p))
		p++;
	return p;
}

/* Whether GMime reads @value without comments, quoted pairs, encodings
 * or charset conversion. */
static gboolean
is_plain (const char *value)
{
	for (const char *p = value; *p; p++) {
		guchar c = (guchar) *p;
		if ((c < 0x20 && !is_lwsp ((char) c)) || c >= 0x7f || c == '(' || c == ')' || c == '\\' || c == '*')
			return FALSE;
		if (c == '=' && p[1] == '?')
			return FALSE;
	}
	return TRUE;
}

/* One "name=value" at @p, as GMime's decode_param() reads it: a value is
 * a quoted string or, in loose mode, everything up to the next ';' with
 * trailing blanks trimmed.  NULL when it is not that plain. */
static const char *
read_param (const char *p, const char **name, gsize *name_len, const char **value, gsize *value_len)
{
	*name = p;
	while (is_ttoken (*p))
		p++;
	*name_len = (gsize) (p - *name);
	p = skip_lwsp (p);
	if (*name_len == 0 || *p != '=')
		return NULL;
	p = skip_lwsp (p + 1);
	if (*p == '"') {
		const char *close = strchr (p + 1, '"');
		if (close == NULL)
			return NULL;    /* unclosed: GMime keeps the quote; leave it to GMime */
		*value = p + 1;
		*value_len = (gsize) (close - (p + 1));
		return close + 1;
	}
	const char *end = strchr (p, ';');
	end = end ? end : p + strlen (p);
	const char *last = end;
	while (last > p && is_lwsp (last[-1]))
		last--;
	if (last == p)
		return NULL;
	*value = p;
	*value_len = (gsize) (last - p);
	return end;
}

/* The first boundary parameter of @params (of a plain value); FALSE
 * when one of them is not read as a plain name=value. */
static gboolean
plain_boundary (const char *params, char **boundary)
{
	*boundary = NULL;
	const char *p = params;
	for (;;) {
		p = skip_lwsp (p);
		if (*p == '\0')
			return TRUE;
		const char *name, *value;
		gsize name_len, value_len;
		p = read_param (p, &name, &name_len, &value, &value_len);
		if (p == NULL) {
			g_clear_pointer (boundary, g_free);
			return FALSE;
		}
		if (*boundary == NULL && name_len == 8 && g_ascii_strncasecmp (name, "boundary", 8) == 0)
			*boundary = g_strndup (value, value_len);
		p = skip_lwsp (p);
		if (*p == '\0')
			return TRUE;
		if (*p != ';') {
			g_clear_pointer (boundary, g_free);
			return FALSE;   /* GMime stops reading here: leave it to GMime */
		}
		p++;
	}
}

/* g_mime_parse_content_type() (GMime's parser's own reading, not
 * exported) on a plain value: blanks, a token, '/', a token. */
static gboolean
plain_type (const char **in, char **media, char **subtype)
{
	const char *p = skip_lwsp (*in), *start = p;
	while (is_ttoken (*p))
		p++;
	const char *end = p;
	p = skip_lwsp (p);
	if (*p != '/')
		return FALSE;
	p = skip_lwsp (p + 1);
	const char *sub = p;
	while (is_ttoken (*p))
		p++;
	if (p == sub)
		return FALSE;
	*media = g_strndup (start, (gsize) (end - start));
	*subtype = g_strndup (sub, (gsize) (p - sub));
	*in = p;
	return TRUE;
}

/* Any other value: GMime's full parse, which gives
 * application/octet-stream for a type it cannot read. */
static gboolean
gmime_type (const char *value, char **media, char **subtype, char **boundary)
{
	GMimeContentType *type = g_mime_content_type_parse (NULL, value);
	const char *m = g_mime_content_type_get_media_type (type);
	const char *s = g_mime_content_type_get_media_subtype (type);
	gboolean read = m && s && (g_ascii_strcasecmp (m, "application") != 0 ||
				   g_ascii_strcasecmp (s, "octet-stream") != 0 || strstr (value, "octet-stream"));
	if (read) {
		*media = g_strdup (m);
		*subtype = g_strdup (s);
		*boundary = g_strdup (g_mime_content_type_get_parameter (type, "boundary"));
	}
	g_object_unref (type);
	return read;
}

gboolean
_ndr_content_type_read (const char *value, char **media, char **subtype, char **boundary)
{
	*boundary = NULL;
	const char *in = value;
	if (!is_plain (value))
		return gmime_type (value, media, subtype, boundary);
	if (!plain_type (&in, media, subtype))
		return FALSE;
	if (g_ascii_strcasecmp (*media, "multipart") != 0)
		return TRUE;
	/* The parameters begin after the first ';' that follows the type. */
	const char *semicolon = strchr (in, ';');
	if (semicolon && !plain_boundary (semicolon + 1, boundary)) {
		g_clear_pointer (media, g_free);
		g_clear_pointer (subtype, g_free);
		return gmime_type (value, media, subtype, boundary);
	}
	return TRUE;
}
