/* safe-text.h - untrusted text (headers, diagnostics and file names from
 * bounces) made safe to show: in a table or CSV cell, a mail header or a
 * terminal line nothing can move the cursor, retitle the window, hide a
 * link (OSC 8) or reverse the text that follows (U+202E).
 *
 * Unsafe are the C0 and C1 control characters and DEL, the bidirectional
 * formatting characters (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069) and the line and paragraph separators (U+2028, U+2029).
 * Invalid UTF-8 is replaced first (U+FFFD).
 */
#ifndef NDRPARSE_SAFE_TEXT_H
#define NDRPARSE_SAFE_TEXT_H

#include <glib.h>

/* Whether a character is unsafe to show (see above) is
 * _ndr_char_is_unsafe() of lib/ndr-json-string.h, which the library's JSON
 * strings use too. */

/* @text (NULL: NULL) as a new valid UTF-8 string with every unsafe
 * character turned into a space: for cells and header values. */
char *safe_text_spaced (const char *text);

/* The same, but for tabs, which stay (they separate fields). */
char *safe_text_spaced_except_tabs (const char *text);

/* @text as a new string with every unsafe character written as an escape
 * ("\x1B", "\u202E") and backslashes doubled: for names on stderr, which
 * must stay recognisable. */
char *safe_text_escaped (const char *text);

#endif
