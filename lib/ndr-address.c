/* ndr-address.c - recipient addresses as users want them, and small
 * string helpers.
 *
 * DSN recipient fields carry an address type and sometimes brackets,
 * comments, xtext (RFC 3461 section 4) or unitext escapes (RFC 6533
 * section 3): "rfc822; <User@Example.COM>", "rfc822;a+2Bb@x",
 * "utf-8; \x{4E2D}@example.cn".  Records hold the bare addr-spec,
 * lower-cased, so that users can compare addresses with ==.
 */
#include <string.h>

#include "ndrparse-private.h"

/* The next @lo or @up byte at or after @from, or NULL: two memchr() runs
 * (vectorised by the C library) instead of a byte loop. */
static const char *
next_either (const char *from, const char *end, char lo, char up, const char **next_lo, const char **next_up)
{
	if (*next_lo && *next_lo < from)
		*next_lo = memchr (from, lo, end - from);
	if (lo != up && *next_up && *next_up < from)
		*next_up = memchr (from, up, end - from);
	const char *a = *next_lo, *b = lo != up ? *next_up : NULL;
	return a && b ? MIN (a, b) : a ? a : b;
}

const char *
_ndr_memcasemem (const char *hay, gsize hay_len, const char *needle)
{
	gsize n = strlen (needle);

	if (n == 0)
		return hay;
	if (hay == NULL || hay_len < n)
		return NULL;
	char lo = g_ascii_tolower (needle[0]), up = g_ascii_toupper (needle[0]);
	const char *end = hay + hay_len, *last = end - n;
	/* (const char *) 1 < any real position: "not searched yet". */
	const char *next_lo = (const char *) 1, *next_up = (const char *) 1;
	for (const char *p = hay; p <= last; p++) {
		p = next_either (p, end, lo, up, &next_lo, &next_up);
		if (p == NULL || p > last)
			return NULL;
		if (g_ascii_strncasecmp (p + 1, needle + 1, n - 1) == 0)
			return p;
	}
	return NULL;
}

gboolean
_ndr_is_ascii (const char *s, gsize len)
{
	/* Eight bytes at a time: no byte has its top bit set. */
	gsize i = 0;
	for (; i + 8 <= len; i += 8) {
		guint64 word;
		memcpy (&word, s + i, 8);
		if (word & G_GUINT64_CONSTANT (0x8080808080808080))
			return FALSE;
	}
	for (; i < len; i++) {
		if ((guchar) s[i] >= 0x80)
			return FALSE;
	}
	return TRUE;
}

char *
_ndr_strdown (const char *s, gsize len)
{
	/* g_utf8_strdown() costs thousands of instructions even on ASCII. */
	if (_ndr_is_ascii (s, len) || !g_utf8_validate (s, len, NULL))
		return g_ascii_strdown (s, len);
	return g_utf8_strdown (s, len);
}

/* A type prefix is an atom ("rfc822", "dns", "X-Postfix", "utf-8")
 * followed by ';'. */
const char *
_ndr_skip_type_prefix (const char *value)
{
	const char *p = value;

	if (value == NULL)
		return NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	const char *atom = p;
	while (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.')
		p++;
	if (p == atom || *p != ';')
		return value;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int
hex_value (char c)
{
	return g_ascii_isxdigit (c) ? g_ascii_xdigit_value (c) : -1;
}

/* xtext: "+" 2HEXCHAR stands for one byte.  Only upper-case hex counts,
 * as RFC 3461 requires; "user+ab@x" is left alone. */
static void
decode_xtext (GString *s)
{
	gsize w = 0;
	for (gsize r = 0; r < s->len; r++) {
		if (s->str[r] == '+' && r + 2 < s->len &&
		    hex_value (s->str[r + 1]) >= 0 && hex_value (s->str[r + 2]) >= 0 &&
		    !g_ascii_islower (s->str[r + 1]) && !g_ascii_islower (s->str[r + 2])) {
			s->str[w++] = (char) (hex_value (s->str[r + 1]) * 16 + hex_value (s->str[r + 2]));
			r += 2;
		} else {
			s->str[w++] = s->str[r];
		}
	}
	g_string_truncate (s, w);
}

/* unitext: "\x{" 1*6HEXDIG "}" stands for one Unicode character. */
static void
decode_unitext (GString *s)
{
	GString *out = g_string_sized_new (s->len);
	for (gsize r = 0; r < s->len; r++) {
		if (s->str[r] == '\\' && r + 3 < s->len && s->str[r + 1] == 'x' && s->str[r + 2] == '{') {
			gsize q = r + 3;
			gunichar ch = 0;
			while (q < s->len && q < r + 9 && hex_value (s->str[q]) >= 0)
				ch = ch * 16 + hex_value (s->str[q++]);
			if (q < s->len && s->str[q] == '}' && q > r + 3 && g_unichar_validate (ch)) {
				g_string_append_unichar (out, ch);
				r = q;
				continue;
			}
		}
		g_string_append_c (out, s->str[r]);
	}
	g_string_assign (s, out->str);
	g_string_free (out, TRUE);
}

/* Removes RFC 5322 comments "(...)", which may nest. */
static void
strip_comments (GString *s)
{
	gsize w = 0;
	int depth = 0;
	gboolean quoted = FALSE;

	for (gsize r = 0; r < s->len; r++) {
		char c = s->str[r];
		if (c == '"' && depth == 0)
			quoted = !quoted;
		if (!quoted && c == '(')
			depth++;
		if (depth == 0)
			s->str[w++] = c;
		if (!quoted && c == ')' && depth > 0)
			depth--;
	}
	g_string_truncate (s, w);
}

/* Keeps what is inside the first <...>, if any. */
static void
strip_angle_brackets (GString *s)
{
	const char *open = memchr (s->str, '<', s->len);
	if (open == NULL)
		return;
	const char *close = memchr (open, '>', s->len - (open - s->str));
	gsize start = open - s->str + 1;
	gsize stop = close ? (gsize) (close - s->str) : s->len;
	g_string_truncate (s, stop);
	g_string_erase (s, 0, start);
}

/* When text is left around the address, keep the word holding the '@'.
 * A quoted local part ("john smith"@example.com) is one word. */
static void
keep_address_word (GString *s)
{
	const char *at = memchr (s->str, '@', s->len);
	if (at == NULL)
		return;
	gsize start = at - s->str, stop = start;
	if (start > 1 && s->str[start - 1] == '"') {
		start--;
		while (start > 0 && s->str[start - 1] != '"')
			start--;
		if (start > 0)
			start--;
	} else {
		while (start > 0 && !g_ascii_isspace (s->str[start - 1]))
			start--;
	}
	while (stop < s->len && !g_ascii_isspace (s->str[stop]))
		stop++;
	g_string_truncate (s, stop);
	g_string_erase (s, 0, start);
}

/* Quotes are part of the address only around a whole local part. */
static void
trim_stray_quotes (GString *s)
{
	if (s->len > 0 && s->str[0] == '"' && strstr (s->str + 1, "\"@") != NULL)
		return;
	gsize w = 0;
	for (gsize r = 0; r < s->len; r++)
		if (s->str[r] != '"' || (r > 0 && r + 1 < s->len))
			s->str[w++] = s->str[r];
	g_string_truncate (s, w);
}

static void
trim (GString *s, const char *junk)
{
	gsize start = 0, stop = s->len;
	while (start < stop && strchr (junk, s->str[start]))
		start++;
	while (stop > start && strchr (junk, s->str[stop - 1]))
		stop--;
	g_string_truncate (s, stop);
	g_string_erase (s, 0, start);
}

/* An X.400 O/R address carries an Internet address in a domain-defined
 * attribute: "c=US;a= ;p=Example;o=Mail;dda:SMTP=user@example.com;" as
 * Exchange writes it, "/dda:RFC-822=user(a)example.com/" as RFC 2156's
 * gateways do (with "(a)" for '@', section 4.2.1).  Keeps that address. */
const char *const _ndr_x400_address_keys[] = { "dda:smtp=", "dda:rfc-822=", "dda:rfc822=", NULL };

static void
take_x400_dda (GString *s)
{
	for (const char *const *key = _ndr_x400_address_keys; *key; key++) {
		const char *at = _ndr_memcasemem (s->str, s->len, *key);
		if (at == NULL)
			continue;
		gsize start = (at - s->str) + strlen (*key);
		gsize stop = start + strcspn (s->str + start, ";/ \t\r\n");
		g_string_truncate (s, stop);
		g_string_erase (s, 0, start);
		const char *esc = _ndr_memcasemem (s->str, s->len, "(a)");
		if (esc && memchr (s->str, '@', s->len) == NULL) {
			gsize i = esc - s->str;
			g_string_erase (s, i, 3);
			g_string_insert_c (s, i, '@');
		}
		return;
	}
}

/* Exchange encapsulates a foreign address it cannot route in its own
 * domain: "IMCEASMTP-user+40example+2Ecom@exchange.example" is
 * user@example.com, each "+XX" a byte in hex (Microsoft's IMCEA
 * encapsulation).  Decodes the SMTP kind in place. */
static void
decode_imcea_smtp (GString *s)
{
	if (s->len < 11 || g_ascii_strncasecmp (s->str, "IMCEASMTP-", 10) != 0)
		return;
	const char *at = strrchr (s->str, '@');
	gsize end = at ? (gsize) (at - s->str) : s->len;
	GString *out = g_string_sized_new (end);
	for (gsize i = 10; i < end; i++) {
		if (s->str[i] == '+' && i + 2 < end && g_ascii_isxdigit (s->str[i + 1]) && g_ascii_isxdigit (s->str[i + 2])) {
			g_string_append_c (out, (char) (g_ascii_xdigit_value (s->str[i + 1]) * 16 +
							 g_ascii_xdigit_value (s->str[i + 2])));
			i += 2;
		} else {
			g_string_append_c (out, s->str[i]);
		}
	}
	if (memchr (out->str, '@', out->len))
		g_string_assign (s, out->str);
	g_string_free (out, TRUE);
}

char *
_ndr_address_normalize (const char *value, gboolean xtext)
{
	if (value == NULL)
		return NULL;

	const char *bare = _ndr_skip_type_prefix (value);
	const char *type = value + strspn (value, " \t");
	gboolean utf8_type = bare != value && g_ascii_strncasecmp (type, "utf-8", 5) == 0;
	GString *s = g_string_new (bare);

	take_x400_dda (s);
	strip_comments (s);
	strip_angle_brackets (s);
	trim (s, " \t\r\n'");
	keep_address_word (s);
	trim (s, " \t\r\n'<>;,:.");
	trim_stray_quotes (s);
	if (utf8_type)
		decode_unitext (s);
	else if (xtext)
		decode_xtext (s);
	decode_imcea_smtp (s);

	if (s->len == 0 || strchr (s->str, '@') == s->str) {
		g_string_free (s, TRUE);
		return NULL;
	}
	char *lower = _ndr_strdown (s->str, s->len);
	g_string_free (s, TRUE);
	return lower;
}

const char *
_ndr_address_domain (const char *address)
{
	const char *at = address ? strrchr (address, '@') : NULL;
	return at && at[1] ? at + 1 : NULL;
}

/* An MTA field ("dns; mx.example.com. (192.0.2.1, the server for the
 * domain)") as a bare name: type prefix, comments and the root dot of a
 * fully qualified name dropped.  Returns a new string, or NULL if empty. */
/* "mx.example.org [192.0.2.1]" is the host "mx.example.org"; "[192.0.2.1]"
 * is the address alone. */
static void
strip_address_literal (GString *s)
{
	const char *open = strchr (s->str, '[');
	if (open == s->str && s->len > 2 && s->str[s->len - 1] == ']') {
		g_string_truncate (s, s->len - 1);
		g_string_erase (s, 0, 1);
	} else if (open && open > s->str && (open[-1] == ' ' || open[-1] == '\t')) {
		g_string_truncate (s, (gsize) (open - s->str));
		trim (s, " \t");
	}
}

char *
_ndr_mta_name (const char *value)
{
	if (value == NULL)
		return NULL;
	GString *s = g_string_new (_ndr_skip_type_prefix (value));
	strip_comments (s);
	trim (s, " \t\r\n");
	strip_address_literal (s);
	if (s->len > 1 && s->str[s->len - 1] == '.')
		g_string_truncate (s, s->len - 1);
	for (gsize i = 0; i < s->len; i++)
		s->str[i] = g_ascii_tolower (s->str[i]);
	if (s->len == 0) {
		g_string_free (s, TRUE);
		return NULL;
	}
	return g_string_free (s, FALSE);
}

/* RFC 5322 atext, the characters of a dot-atom. */
static gboolean
is_atext (char c)
{
	return g_ascii_isalnum (c) || (c && strchr ("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Whether [@s, @end) is a dot-atom local part "@" a plain domain: then
 * GMime's parser returns it as it is (no comment, quote, literal, IDN or
 * stray dot for it to rewrite). */
static gboolean
is_plain_addr_spec (const char *s, const char *end)
{
	const char *at = memchr (s, '@', end - s);
	if (at == NULL || at == s || at + 1 >= end || at[-1] == '.' || *s == '.')
		return FALSE;
	for (const char *p = s; p < at; p++) {
		if (!(is_atext (*p) || (*p == '.' && p[1] != '.')))
			return FALSE;
	}
	const char *d = at + 1;
	if (*d == '.' || end[-1] == '.' || end[-1] == '-' || (end - d >= 4 && g_ascii_strncasecmp (d, "xn--", 4) == 0))
		return FALSE;
	for (const char *p = d; p < end; p++) {
		gboolean label_start = p == d || p[-1] == '.';
		if (!(g_ascii_isalnum (*p) || (*p == '-' && !label_start) || (*p == '.' && p[1] != '.')))
			return FALSE;
		if (label_start && end - p >= 4 && g_ascii_strncasecmp (p, "xn--", 4) == 0)
			return FALSE;
	}
	return TRUE;
}

static void
add_listed (GPtrArray *out, const char *s, const char *end)
{
	char *bare = g_strndup (s, end - s);
	char *address = _ndr_address_normalize (bare, FALSE);
	g_free (bare);
	if (address && strchr (address, '@'))
		g_ptr_array_add (out, address);
	else
		g_free (address);
}

/* One element of a plain list: "a@b", "Name <a@b>", or a word without
 * '@' (a mailbox GMime would return and the caller drops).  FALSE when
 * GMime's parser is needed to say what it is. */
static gboolean
plain_element (const char *s, const char *end, GPtrArray *out)
{
	while (s < end && g_ascii_isspace (*s))
		s++;
	while (end > s && g_ascii_isspace (end[-1]))
		end--;
	if (end <= s)
		return TRUE;
	const char *open = memchr (s, '<', (gsize) (end - s));
	if (open) {
		const char *close = memchr (open, '>', end - open);
		if (close == NULL || close + 1 != end || memchr (s, '@', open - s) || memchr (s, '>', open - s) ||
		    !is_plain_addr_spec (open + 1, close))
			return FALSE;
		add_listed (out, open + 1, close);
		return TRUE;
	}
	for (const char *p = s; p < end; p++) {
		if (g_ascii_isspace (*p) || *p == '>')
			return FALSE;
	}
	if (memchr (s, '@', end - s) == NULL)
		return TRUE;
	if (!is_plain_addr_spec (s, end))
		return FALSE;
	add_listed (out, s, end);
	return TRUE;
}

/* A list without quotes, comments, groups, escapes or routes: a comma
 * ends each element, and each is read without GMime's address objects
 * (which cost more than the rest of a header's reading). */
static gboolean
plain_list (const char *value, GPtrArray *out)
{
	if (strpbrk (value, "\"()\\:;[]") != NULL)
		return FALSE;
	const char *p = value;
	while (TRUE) {
		const char *comma = strchr (p, ',');
		const char *end = comma ? comma : p + strlen (p);
		if (!plain_element (p, end, out))
			return FALSE;
		if (comma == NULL)
			return TRUE;
		p = comma + 1;
	}
}

static void
gmime_list (const char *value, GPtrArray *out)
{
	InternetAddressList *list = internet_address_list_parse (NULL, value);
	int n = list ? internet_address_list_length (list) : 0;
	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address (list, i);
		if (!INTERNET_ADDRESS_IS_MAILBOX (ia))
			continue;
		char *address = _ndr_address_normalize (
			internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)), FALSE);
		if (address && strchr (address, '@'))
			g_ptr_array_add (out, address);
		else
			g_free (address);
	}
	if (list)
		g_object_unref (list);
}

GPtrArray *
_ndr_address_list (const char *value)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	if (value == NULL)
		return out;
	if (!plain_list (value, out)) {
		g_ptr_array_set_size (out, 0);
		gmime_list (value, out);
	}
	return out;
}
