/* ndr-json-string.c - JSON strings (ndr-json-string.h). */
#include "ndr-json-string.h"

gboolean
_ndr_char_is_unsafe (gunichar c)
{
	if (g_unichar_iscntrl (c))              /* C0, DEL, C1 */
		return TRUE;
	switch (c) {
	case 0x061C: case 0x200E: case 0x200F:
	case 0x202A: case 0x202B: case 0x202C: case 0x202D: case 0x202E:
	case 0x2066: case 0x2067: case 0x2068: case 0x2069:
	case 0x2028: case 0x2029:
		return TRUE;
	default:
		return FALSE;
	}
}

/* The bytes written as they are: printable ASCII but '"' and '\\'.  A
 * table, as this runs once per byte of every value printed. */
#define P1(c) ((c) >= 0x20 && (c) < 0x7f && (c) != '"' && (c) != '\\')
#define P4(c) P1 (c), P1 ((c) + 1), P1 ((c) + 2), P1 ((c) + 3)
#define P16(c) P4 (c), P4 ((c) + 4), P4 ((c) + 8), P4 ((c) + 12)
static const guint8 plain[256] = {
	P16 (0x00), P16 (0x10), P16 (0x20), P16 (0x30), P16 (0x40), P16 (0x50), P16 (0x60), P16 (0x70),
};

static gboolean
is_ascii (const char *s)
{
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
		if (*p >= 0x80)
			return FALSE;
	return TRUE;
}

void
_ndr_json_append_string (GString *buf, const char *s)
{
	char *valid = NULL;
	if (!is_ascii (s) && !g_utf8_validate (s, -1, NULL))
		s = valid = g_utf8_make_valid (s, -1);

	g_string_append_c (buf, '"');
	for (const unsigned char *p = (const unsigned char *) s; *p;) {
		const unsigned char *run = p;
		while (plain[*p])
			p++;
		g_string_append_len (buf, (const char *) run, p - run);
		if (*p == '\0')
			break;
		if (*p >= 0x80) {
			const char *next = g_utf8_next_char ((const char *) p);
			gunichar c = g_utf8_get_char ((const char *) p);
			if (_ndr_char_is_unsafe (c))
				g_string_append_printf (buf, "\\u%04x", c);
			else
				g_string_append_len (buf, (const char *) p, next - (const char *) p);
			p = (const unsigned char *) next;
			continue;
		}
		switch (*p) {
		case '"': g_string_append (buf, "\\\""); break;
		case '\\': g_string_append (buf, "\\\\"); break;
		case '\n': g_string_append (buf, "\\n"); break;
		case '\r': g_string_append (buf, "\\r"); break;
		case '\t': g_string_append (buf, "\\t"); break;
		default: g_string_append_printf (buf, "\\u%04x", *p); break;
		}
		p++;
	}
	g_string_append_c (buf, '"');
	g_free (valid);
}
