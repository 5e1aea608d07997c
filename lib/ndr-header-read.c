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
 * ends, line ends dropped), up to a NUL byte as GMime's parser copies a
 * value (as a C string); *@plain says whether GMime's decoder would
 * return the result unchanged: no 8-bit byte to convert, no "=?" that
 * could open an encoded word. */
static char *
unfold (const char *raw, gsize len, gboolean *plain)
{
	const char *nul = memchr (raw, '\0', len);
	const char *p = raw, *end = nul ? nul : raw + len;
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
		if (c != '\r' && c != '\n')
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

typedef struct {
	const char *name;
	gsize name_len;
	const char *raw;    /* after the colon, continuation lines included */
	gsize raw_len;
	char *value;        /* decoded, the first time it is asked for */
} NdrRawField;

struct _NdrHeaderBlock {
	GArray *fields;     /* NdrRawField, in order */
	const char *text;   /* where the block begins */
	gsize end;          /* where the block ends: its blank line, or the end of the text */
	char *copy;         /* the text, when the block holds its own copy */
};

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

/* Reads the fields of @block's text as GMime's parser reads a message's
 * header: it ends at the first blank line; a line that starts with a
 * blank continues the field above; a line that is no field is skipped.
 * Fields past NDRPARSE_MAX_HEADER_FIELDS are not kept (the block still
 * ends at its blank line). */
static void
read_fields (NdrHeaderBlock *block, const char *text, gsize len)
{
	const char *p = text, *end = text + len;
	gboolean in_field = FALSE;      /* the last line began a kept field */
	block->text = text;
	while (p < end) {
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
			/* GMime takes ": value" for a field with no name, once
			 * it has read a field (before that, for no field). */
			in_field = colon >= 0 && (name_len > 0 || block->fields->len > 0) &&
				   block->fields->len < NDRPARSE_MAX_HEADER_FIELDS;
			if (in_field) {
				NdrRawField f = { p, name_len, p + colon + 1, line_end - (p + colon + 1), NULL };
				g_array_append_val (block->fields, f);
			}
		}
		p = line_end;
	}
	block->end = (gsize) (p - text);
}

static NdrRawField *
field_at (const NdrHeaderBlock *block, guint i)
{
	return &g_array_index (block->fields, NdrRawField, i);
}

static NdrHeaderBlock *
block_new (void)
{
	NdrHeaderBlock *block = g_new0 (NdrHeaderBlock, 1);
	block->fields = g_array_new (FALSE, FALSE, sizeof (NdrRawField));
	return block;
}

NdrHeaderBlock *
_ndr_header_block_read (const char *text, gsize len)
{
	NdrHeaderBlock *block = block_new ();
	if (text && len)                /* an empty part: its bytes may be NULL */
		read_fields (block, text, len);
	return block;
}

NdrHeaderBlock *
_ndr_header_block_read_copy (const char *text, gsize len)
{
	NdrHeaderBlock *block = block_new ();
	if (text == NULL || len == 0)
		return block;
	/* Read where it is, then moved to a copy of its own bytes alone. */
	read_fields (block, text, len);
	block->copy = g_memdup2 (text, block->end);
	for (guint i = 0; i < block->fields->len; i++) {
		NdrRawField *f = field_at (block, i);
		f->name = block->copy + (f->name - text);
		f->raw = block->copy + (f->raw - text);
	}
	block->text = block->copy;
	return block;
}

void
_ndr_header_block_free (NdrHeaderBlock *block)
{
	if (block == NULL)
		return;
	for (guint i = 0; i < block->fields->len; i++)
		g_free (g_array_index (block->fields, NdrRawField, i).value);
	g_array_unref (block->fields);
	g_free (block->copy);
	g_free (block);
}

static gboolean
field_is (const NdrRawField *f, const char *name)
{
	return strlen (name) == f->name_len && g_ascii_strncasecmp (f->name, name, f->name_len) == 0;
}

static const char *
field_value (NdrRawField *f)
{
	if (f->value == NULL)
		f->value = _ndr_header_decode_raw (f->raw, f->raw_len);
	return f->value;
}

const char *
_ndr_header_block_value (const NdrHeaderBlock *block, const char *name, gboolean last)
{
	NdrRawField *found = NULL;
	for (guint i = 0; i < block->fields->len; i++) {
		NdrRawField *f = field_at (block, i);
		if (field_is (f, name)) {
			found = f;
			if (!last)
				break;
		}
	}
	return found ? field_value (found) : NULL;
}

char *
_ndr_header_block_get (const NdrHeaderBlock *block, const char *name, gboolean last)
{
	return g_strdup (_ndr_header_block_value (block, name, last));
}

guint
_ndr_header_block_count (const NdrHeaderBlock *block)
{
	return block->fields->len;
}

const char *
_ndr_header_block_name_at (const NdrHeaderBlock *block, guint i, gsize *len)
{
	*len = field_at (block, i)->name_len;
	return field_at (block, i)->name;
}

const char *
_ndr_header_block_value_at (const NdrHeaderBlock *block, guint i)
{
	return field_value (field_at (block, i));
}

void
_ndr_header_block_span_at (const NdrHeaderBlock *block, guint i, gsize *offset, gsize *len)
{
	const NdrRawField *f = field_at (block, i);
	*offset = (gsize) (f->name - block->text);
	*len = (gsize) (f->raw + f->raw_len - f->name);
}

void
_ndr_header_block_remove_at (NdrHeaderBlock *block, guint i)
{
	g_free (field_at (block, i)->value);
	g_array_remove_index (block->fields, i);
}

gsize
_ndr_header_block_end (const NdrHeaderBlock *block)
{
	return block->end;
}
