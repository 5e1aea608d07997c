/* safe-text.c - untrusted text made safe to show (safe-text.h). */
#include <string.h>

#include "ndr-json-string.h"
#include "safe-text.h"

static gboolean
is_plain_ascii (const char *text)
{
	for (const guchar *p = (const guchar *) text; *p; p++)
		if (*p < 0x20 || *p >= 0x7f || *p == '\\')
			return FALSE;
	return TRUE;
}

static char *
spaced (const char *text, gboolean keep_tabs)
{
	if (text == NULL)
		return NULL;
	if (is_plain_ascii (text))
		return g_strdup (text);
	char *valid = g_utf8_make_valid (text, -1);
	GString *out = g_string_sized_new (strlen (valid));
	for (const char *p = valid; *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		if (_ndr_char_is_unsafe (c) && !(keep_tabs && c == '\t'))
			g_string_append_c (out, ' ');
		else
			g_string_append_len (out, p, g_utf8_next_char (p) - p);
	}
	g_free (valid);
	return g_string_free (out, FALSE);
}

char *
safe_text_spaced (const char *text)
{
	return spaced (text, FALSE);
}

char *
safe_text_spaced_except_tabs (const char *text)
{
	return spaced (text, TRUE);
}

char *
safe_text_escaped (const char *text)
{
	if (text == NULL)
		return NULL;
	if (is_plain_ascii (text))
		return g_strdup (text);
	char *valid = g_utf8_make_valid (text, -1);
	GString *out = g_string_sized_new (strlen (valid) + 8);
	for (const char *p = valid; *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		if (c == '\\')
			g_string_append (out, "\\\\");
		else if (_ndr_char_is_unsafe (c) && c < 0x100)
			g_string_append_printf (out, "\\x%02X", c);
		else if (_ndr_char_is_unsafe (c))
			g_string_append_printf (out, "\\u%04X", c);
		else
			g_string_append_len (out, p, g_utf8_next_char (p) - p);
	}
	g_free (valid);
	return g_string_free (out, FALSE);
}
