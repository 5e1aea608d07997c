/* ndr-bounce-header.c - the bounce's own header, read without GMime.
 *
 * The header of a bounce is most of what GMime builds when it parses
 * one: a GObject for every field, with its name, raw and decoded value,
 * and an address list parsed for each From, To, Cc and Reply-To.  The
 * decoder reads a dozen of those fields, by name, as text; GMime needs
 * only the Content-* fields to parse the body (and gives them to the body
 * rather than to the message).  So the header is read here as a header block
 * (ndr-header-read.c, which reads fields as GMime's parser does and
 * decodes values as GMime decodes them), and GMime is given the body with
 * its Content-* fields alone, which it parses as a MIME part: it builds
 * no message object either.  Over the shared corpus this takes a third off
 * GMime's parse, and the part instead of the message 7 % off all of
 * ndrparse's instructions.
 *
 * While a report is decoded, report->header is this block; every reading
 * of the bounce's header goes through the functions below, so that which
 * occurrence of a field counts (GMime's message keeps the last Subject,
 * Date and Message-ID; its header list gives the first of any other) is
 * decided in one place.
 */
#include <string.h>

#include "ndrparse-private.h"

/* The fields GMime's parser gives the body rather than the message (it
 * compares the first eight bytes: "Content-" alone counts): all that it
 * reads to parse the body, and none that a message's header list holds. */
static gboolean
is_content_field (const char *name, gsize len)
{
	return len >= 8 && g_ascii_strncasecmp (name, "Content-", 8) == 0;
}

/* Moves the Content-* fields of @block, read from @array's start, to
 * just before its body, and drops the rest of the header. */
static void
keep_content_fields (GByteArray *array, const NdrHeaderBlock *block)
{
	/* Lines before the first field stay where they are: GMime skips a
	 * leading "From " line and refuses a message that opens with any
	 * other line that is no field, and must still see which it is.
	 * Lines between fields that are no field GMime ignores; they go. */
	gsize w, len;
	_ndr_header_block_span_at (block, 0, &w, &len);
	for (guint i = 0; i < _ndr_header_block_count (block); i++) {
		gsize name_len, at;
		const char *name = _ndr_header_block_name_at (block, i, &name_len);
		if (!is_content_field (name, name_len))
			continue;
		_ndr_header_block_span_at (block, i, &at, &len);
		memmove (array->data + w, array->data + at, len);
		w += len;
	}
	gsize end = _ndr_header_block_end (block);
	memmove (array->data + w, array->data + end, array->len - end);
	g_byte_array_set_size (array, (guint) (w + (array->len - end)));
}

/* An mbox "From " line before the header: GMime's message parser skips
 * it, but the body is parsed as a part (ndr-parse.c), whose parser would
 * read the line as content: it goes. */
static void
drop_from_line (GByteArray *array)
{
	if (array->len < 5 || memcmp (array->data, "From ", 5) != 0)
		return;
	const guint8 *nl = memchr (array->data, '\n', array->len);
	g_byte_array_remove_range (array, 0, nl ? (guint) (nl - array->data) + 1 : array->len);
}

NdrHeaderBlock *
_ndr_bounce_header_take (GByteArray *array)
{
	NdrHeaderBlock *block = _ndr_header_block_read_copy ((const char *) array->data, array->len);
	guint n = _ndr_header_block_count (block);
	/* A header that runs to the end of the input has no body to spare,
	 * and its last line, cut short, is one GMime reads its own way: it
	 * gets the bytes as they are. */
	if (n > 0 && _ndr_header_block_end (block) < array->len)
		keep_content_fields (array, block);
	if (n > 0)
		drop_from_line (array);
	/* The block holds what GMime's message would hold. */
	for (guint i = n; i-- > 0;) {
		gsize name_len;
		const char *name = _ndr_header_block_name_at (block, i, &name_len);
		if (is_content_field (name, name_len))
			_ndr_header_block_remove_at (block, i);
	}
	return block;
}

NdrHeaderBlock *
_ndr_bounce_header_of_message (GMimeMessage *message)
{
	GMimeHeaderList *list = g_mime_object_get_header_list (GMIME_OBJECT (message));
	int n = list ? g_mime_header_list_get_count (list) : 0;
	GString *text = g_string_new (NULL);
	for (int i = 0; i < n; i++) {
		GMimeHeader *header = g_mime_header_list_get_header_at (list, i);
		const char *name = g_mime_header_get_name (header);
		const char *raw = g_mime_header_get_raw_value (header);
		if (name == NULL || *name == '\0')
			continue;
		g_string_append (text, name);
		g_string_append_c (text, ':');
		if (raw) {
			g_string_append (text, raw);
		} else {
			g_string_append_c (text, ' ');
			g_string_append (text, g_mime_header_get_value (header));
		}
		if (text->str[text->len - 1] != '\n')
			g_string_append_c (text, '\n');
	}
	NdrHeaderBlock *block = _ndr_header_block_read_copy (text->str, text->len);
	g_string_free (text, TRUE);
	return block;
}

const char *
_ndr_bounce_header (const NdrparseReport *report, const char *name)
{
	return report->header ? _ndr_header_block_value (report->header, name, FALSE) : NULL;
}

const char *
_ndr_bounce_subject (const NdrparseReport *report)
{
	return report->header ? _ndr_header_block_value (report->header, "Subject", TRUE) : NULL;
}

GDateTime *
_ndr_bounce_date (const NdrparseReport *report)
{
	const char *date = report->header ? _ndr_header_block_value (report->header, "Date", TRUE) : NULL;
	return date ? g_mime_utils_header_decode_date (date) : NULL;
}

char *
_ndr_bounce_header_head (NdrparseReport *report, const char *name)
{
	return _ndr_head_of (report, _ndr_bounce_header (report, name));
}
