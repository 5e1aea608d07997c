/* ndr-json-string.h - JSON strings as ndrparse writes them, one
 * implementation for the library (ndrparse_record_to_json()) and the tool
 * (its JSON printers compile lib/ndr-json-string.c too), so that both
 * write the same bytes. */
#ifndef NDR_JSON_STRING_H
#define NDR_JSON_STRING_H

#include <glib.h>

/* Whether @c is a character a terminal acts on or that hides text: C0,
 * DEL, C1, the bidirectional formatting characters and the line and
 * paragraph separators. */
gboolean _ndr_char_is_unsafe (gunichar c);

/* Appends @s to @buf as a JSON string, quotes included: besides what JSON
 * must escape, the unsafe characters above are written as \u escapes (the
 * same string to a JSON reader).  Invalid UTF-8 is repaired first. */
void _ndr_json_append_string (GString *buf, const char *s);

#endif
