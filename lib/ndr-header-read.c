/* ndr-header-read.c - header values as GMime decodes them, at a fraction
 * of the cost.
 *
 * GMime decodes a header value (RFC 2047 words, 8-bit charsets) the first
 * time it is read, and that decoding is most of what reading the headers
 * of a bounce costs.  Nearly every value is plain ASCII without an
 * encoded word, and for those the decoded value is the unfolded raw value
 * (GMime's decoder copies words and blanks through unchanged): that is
 * read directly, and only the others go through GMime's decoder.
 *
 * A header block that is not a GMime object (the headers of a returned
 * message pasted into a prose bounce, a text/rfc822-headers part) is read
 * here too, without building a message from it: a bounce needs a few of
 * its fields, never its body.
 */
#include <string.h>

#include "ndrparse-private.h"

static gboolean
is_lwsp (char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* g_mime_utils_header_unfold() on @len bytes (blanks trimmed at both
 * ends, line ends dropped); *@plain says whether GMime's decoder would
 * return the result unchanged: no 8-bit byte to convert, no "=?" that
 * could open an encoded word. */
static char *
unfold (const char *raw, gsize len, gboolean *plain)
{
	const char *p = raw, *end = raw + len;
	while (p < end && is_lwsp (*p))
		p++;
	while (end > p && is_lwsp (end[-1]))
		end--;
	char *out = g_malloc ((gsize) (end - p) + 1), *w = out;
	guchar high = 0;
	gboolean encoded_word = FALSE;
	for (; p < end; p++) {
		char c = *p;
		high |= (guchar) c;
		encoded_word |= c == '?' && w > out && w[-1] == '=';
		if (c != '\r' && c != '\n' && c != '\0')
			*w++ = c;
	}
	*w = '\0';
	*plain = high < 0x80 && !encoded_word;
	return out;
}

char *
_ndr_header_decode_raw (const char *raw, gsize len)
{
	gboolean plain;
	char *unfolded = unfold (raw, len, &plain);
	if (plain)
		return unfolded;
	_ndr_charset_pin_encoded_words (unfolded, strlen (unfolded));
	char *decoded = g_mime_utils_header_decode_text (NULL, unfolded);
	g_free (unfolded);
	return decoded;
}

char *
_ndr_header_value (GMimeHeader *header)
{
	const char *raw = g_mime_header_get_raw_value (header);
	if (raw)
		return _ndr_header_decode_raw (raw, strlen (raw));
	const char *value = g_mime_header_get_value (header);
	return value ? g_strdup (value) : NULL;
}

char *
_ndr_object_header (GMimeObject *object, const char *name)
{
	GMimeHeaderList *list = g_mime_object_get_header_list (object);
	GMimeHeader *header = list ? g_mime_header_list_get_header (list, name) : NULL;
	return header ? _ndr_header_value (header) : NULL;
}

/* ---- header blocks in text ---- */

struct _NdrHeaderBlock {
	GArray *fields;     /* NdrRawField, in order */
};

typedef struct {
	const char *name;
	gsize name_len;
	const char *raw;    /* after the colon, continuation lines included */
	gsize raw_len;
} NdrRawField;

/* The length of the field name that starts @line, as GMime's parser
 * reads it: up to the colon, blanks allowed only before the colon, no
 * control character.  -1 when the line is no field (GMime ignores it,
 * with its continuation lines). */
static gssize
field_name_length (const char *line, gsize len, gsize *name_len)
{
	gboolean blank = FALSE;
	gsize last_non_blank = 0;
	for (gsize i = 0; i < len; i++) {
		guchar c = line[i];
		if (c == ':') {
			*name_len = last_non_blank;
			return (gssize) i;
		}
		if (c == ' ' || c == '\t') {
			blank = TRUE;
		} else if (blank || c < 0x20 || c == 0x7f) {
			return -1;
		} else {
			last_non_blank = i + 1;
		}
	}
	return -1;
}

static gboolean
is_blank_line (const char *line, gsize n)
{
	return n == 0 || (n == 1 && line[0] == '\r');
}

/* The fields of the header block at @text, read as GMime's parser reads
 * a message's header: it ends at the first blank line; a line that
 * starts with a blank continues the field above; a line that is no field
 * is skipped. */
NdrHeaderBlock *
_ndr_header_block_read (const char *text, gsize len)
{
	NdrHeaderBlock *block = g_new0 (NdrHeaderBlock, 1);
	block->fields = g_array_new (FALSE, FALSE, sizeof (NdrRawField));
	if (text == NULL || len == 0)
		return block;       /* an empty part: its bytes may be NULL */
	const char *p = text, *end = text + len;
	gboolean in_field = FALSE;      /* the last line began a field (not a skipped line) */
	while (p < end && block->fields->len < NDRPARSE_MAX_HEADER_FIELDS) {
		const char *nl = memchr (p, '\n', end - p);
		const char *line_end = nl ? nl + 1 : end;
		gsize n = (nl ? nl : end) - p;
		if (is_blank_line (p, n))
			break;
		if (*p == ' ' || *p == '\t') {
			if (in_field) {
				NdrRawField *last = &g_array_index (block->fields, NdrRawField, block->fields->len - 1);
				last->raw_len = line_end - last->raw;
			}
		} else {
			gsize name_len = 0;
			gssize colon = field_name_length (p, n, &name_len);
			in_field = colon > 0 && name_len > 0;
			if (in_field) {
				NdrRawField f = { p, name_len, p + colon + 1, line_end - (p + colon + 1) };
				g_array_append_val (block->fields, f);
			}
		}
		p = line_end;
	}
	return block;
}

void
_ndr_header_block_free (NdrHeaderBlock *block)
{
	if (block) {
		g_array_unref (block->fields);
		g_free (block);
	}
}

static gboolean
field_is (const NdrRawField *f, const char *name)
{
	return strlen (name) == f->name_len && g_ascii_strncasecmp (f->name, name, f->name_len) == 0;
}

char *
_ndr_header_block_get (const NdrHeaderBlock *block, const char *name, gboolean last)
{
	const NdrRawField *found = NULL;
	for (guint i = 0; i < block->fields->len; i++) {
		const NdrRawField *f = &g_array_index (block->fields, NdrRawField, i);
		if (field_is (f, name)) {
			found = f;
			if (!last)
				break;
		}
	}
	return found ? _ndr_header_decode_raw (found->raw, found->raw_len) : NULL;
}

guint
_ndr_header_block_count (const NdrHeaderBlock *block)
{
	return block->fields->len;
}
