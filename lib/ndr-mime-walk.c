/* ndr-mime-walk.c - finding the parts of a bounce that matter.
 *
 * A bounce is usually multipart/report { text/plain notification,
 * message/delivery-status, message/rfc822 or text/rfc822-headers }, but
 * the parts also turn up elsewhere: a report forwarded inside another
 * message/rfc822, a delivery-status part outside any multipart/report,
 * the DSN fields pasted into a text/plain part.  The walk visits the tree
 * in order, depth-bounded, and collects:
 *
 *  - every delivery-status part before the returned message (the returned
 *    message is never searched: it may itself be an old bounce);
 *  - the returned message or headers: the first such part after the
 *    delivery-status, else the last candidate before it;
 *  - the first text/plain part, for facts only the prose states (decoded
 *    only when a record needs it), else the first text/html part outside
 *    any message part (some systems send their report as HTML alone; a
 *    text/plain part inside the returned message is then not the report);
 *  - the first text/plain part holding DSN fields, used only when there
 *    is no real delivery-status part;
 *  - the first message/feedback-report part (RFC 5965 ARF);
 *  - whether a delivery-status part was found inside a message part (in
 *    list mail, a digest or a post quoting a bounce, it is not read), and
 *    whether after a text part outside it (a list's notice that quotes a
 *    bounce, a person forwarding one): what that text says decides
 *    whether the report is read (ndr-parse.c).
 */
#include <string.h>

#include "ndrparse-private.h"

/* Text parts checked for pasted DSN fields, when there is no real
 * delivery-status part. */
#define MAX_TEXT_CANDIDATES 8

typedef struct {
	NdrWalk *out;
	const NdrparseRules *rules;
	GBytes *text_dsn;          /* text that looks like DSN fields (unsplit multipart) */
	GPtrArray *text_parts;     /* GMimeTextPart *, borrowed: text/plain candidates */
	gboolean original_locked;  /* the returned message after the DSN was found */
	guint message_depth;       /* message parts the walk is inside */
	gboolean notification_outside; /* the notification part lies outside any message part */
	guint parts;               /* MIME objects walked so far */
} WalkState;

void
_ndr_walk_init (NdrWalk *walk)
{
	memset (walk, 0, sizeof *walk);
	walk->dsn_texts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
}

void
_ndr_walk_clear (NdrWalk *walk)
{
	g_clear_pointer (&walk->dsn_texts, g_ptr_array_unref);
	g_clear_pointer (&walk->notification, g_bytes_unref);
	g_clear_pointer (&walk->feedback, g_bytes_unref);
	walk->original = NULL;
}

/* The part's content with its transfer encoding undone. */
static GBytes *
decoded_content (GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	if (content == NULL)
		return g_bytes_new (NULL, 0);

	GByteArray *array = g_byte_array_new ();
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array (array);
	g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
	g_mime_data_wrapper_write_to_stream (content, mem);
	g_object_unref (mem);
	return g_byte_array_free_to_bytes (array);
}

/* Text with LF line ends, as the line scanners here expect. */
static GBytes *
text_with_lf (char *text)
{
	gsize len = strlen (text);
	char *cr = memchr (text, '\r', len);
	if (cr == NULL)
		return g_bytes_new_take (text, len);    /* the common case: nothing to change */
	gsize w = cr - text;
	for (gsize r = w; text[r]; r++) {
		if (text[r] == '\r') {
			text[w++] = '\n';
			if (text[r + 1] == '\n')
				r++;
		} else {
			text[w++] = text[r];
		}
	}
	text[w] = '\0';
	return g_bytes_new_take (text, w);
}

/* Charsets that write ASCII as ASCII: text in one of them that holds only
 * ASCII is its own UTF-8. */
static gboolean
is_ascii_superset (const char *charset)
{
	static const char *const prefixes[] = { "us-ascii", "ascii", "utf-8", "utf8", "iso-8859-", "iso8859-",
						"windows-125", "cp125", "koi8-", "gb2312", "gbk", "gb18030",
						"big5", "euc-", "tis-620" };
	for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++) {
		if (g_ascii_strncasecmp (charset, prefixes[i], strlen (prefixes[i])) == 0)
			return TRUE;
	}
	return FALSE;
}


/* The content of @content with its transfer encoding undone (base64 and
 * quoted-printable, the way GMime's filter undoes them), or NULL for an
 * encoding left to GMime (uuencode). */
static char *
transfer_decoded (GMimeDataWrapper *content, gsize *out_len)
{
	GMimeContentEncoding encoding = g_mime_data_wrapper_get_encoding (content);
	gboolean identity = encoding == GMIME_CONTENT_ENCODING_DEFAULT || encoding == GMIME_CONTENT_ENCODING_7BIT ||
			    encoding == GMIME_CONTENT_ENCODING_8BIT || encoding == GMIME_CONTENT_ENCODING_BINARY;
	if (!identity && encoding != GMIME_CONTENT_ENCODING_BASE64 &&
	    encoding != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE)
		return NULL;
	GMimeStream *stream = g_mime_data_wrapper_get_stream (content);
	gint64 length = stream ? g_mime_stream_length (stream) : -1;
	if (length < 0 || g_mime_stream_reset (stream) < 0)
		return NULL;
	char *raw = g_malloc ((gsize) length + 1);
	gssize n = length ? g_mime_stream_read (stream, raw, (gsize) length) : 0;
	g_mime_stream_reset (stream);
	if (n != (gssize) length) {
		g_free (raw);
		return NULL;
	}
	if (identity) {
		raw[n] = '\0';
		*out_len = n;
		return raw;
	}
	GMimeEncoding state;
	g_mime_encoding_init_decode (&state, encoding);
	char *decoded = g_malloc (g_mime_encoding_outlen (&state, n) + 1);
	*out_len = g_mime_encoding_flush (&state, raw, n, decoded);
	decoded[*out_len] = '\0';
	g_free (raw);
	return decoded;
}

/* The text of a part whose charset needs no conversion, read without
 * GMime's stream filters: no charset (GMime returns the bytes as they
 * are), ASCII in a charset that is an ASCII superset, or valid UTF-8
 * declared as such.  NULL when GMime's conversion is needed; otherwise
 * what g_mime_text_part_get_text() would return. */
static char *
undecoded_text (GMimeTextPart *part)
{
	const char *charset = g_mime_object_get_content_type_parameter (GMIME_OBJECT (part), "charset");
	if (charset && !is_ascii_superset (charset))
		return NULL;
	GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (part));
	gsize n = 0;
	char *text = content ? transfer_decoded (content, &n) : NULL;
	if (text == NULL)
		return NULL;
	gboolean same = charset == NULL || _ndr_is_ascii (text, n) ||
			((g_ascii_strcasecmp (charset, "utf-8") == 0 || g_ascii_strcasecmp (charset, "utf8") == 0) &&
			 g_utf8_validate_len (text, n, NULL));
	if (!same) {
		g_free (text);
		return NULL;
	}
	return text;
}

/* Text converted to UTF-8 from its declared charset, with LF line ends. */
static GBytes *
decoded_text (GMimeTextPart *part)
{
	char *text = undecoded_text (part);
	if (text == NULL) {
		const char *charset = g_mime_object_get_content_type_parameter (GMIME_OBJECT (part), "charset");
		if (charset)
			_ndr_charset_pin (charset, strlen (charset));
		text = g_mime_text_part_get_text (part);
	}
	/* Never NULL data, even empty: scanners do pointer arithmetic on it. */
	return text_with_lf (text ? text : g_strdup (""));
}

/* Offset of the first line at or after @from that starts (after blanks)
 * with @prefix, case-insensitively; -1 if none. */
static gssize
find_line_starting_with (const char *text, gsize len, gsize from, const char *prefix)
{
	gsize plen = strlen (prefix);
	const char *p = text + from, *end = text + len;

	while (p < end) {
		const char *q = p;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if ((gsize) (end - q) >= plen && g_ascii_strncasecmp (q, prefix, plen) == 0)
			return p - text;
		const char *nl = memchr (p, '\n', end - p);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return -1;
}

static gboolean
has_line_starting_with (const char *text, gsize len, const char *prefix)
{
	return find_line_starting_with (text, len, 0, prefix) >= 0;
}

gboolean
_ndr_text_has_dsn_fields (const char *text, gsize len)
{
	if (!has_line_starting_with (text, len, "Final-Recipient:") &&
	    !has_line_starting_with (text, len, "Original-Recipient:"))
		return FALSE;
	return has_line_starting_with (text, len, "Action:") ||
	       has_line_starting_with (text, len, "Status:");
}

/* Where the DSN fields inside a text that holds more (a text/plain
 * report, or the raw body of a multipart whose boundary did not match)
 * start: after a "Content-Type: message/delivery-status" header block if
 * there is one, else at the first DSN field; @len if nowhere. */
static gsize
dsn_fields_start (const char *data, gsize len)
{
	static const char *const first_fields[] = {
		"Reporting-MTA:", "Received-From-MTA:", "Arrival-Date:",
		"Final-Recipient:", "Original-Recipient:",
	};
	gssize start = find_line_starting_with (data, len, 0, "Content-Type: message/delivery-status");
	if (start < 0)
		start = find_line_starting_with (data, len, 0, "Content-Type: message/global-delivery-status");
	if (start >= 0) {
		const char *blank = g_strstr_len (data + start, len - start, "\n\n");
		return blank ? (gsize) (blank - data + 2) : (gsize) start;
	}
	gsize first = len;
	for (gsize i = 0; i < G_N_ELEMENTS (first_fields); i++) {
		gssize at = find_line_starting_with (data, len, 0, first_fields[i]);
		if (at >= 0 && (gsize) at < first)
			first = (gsize) at;
	}
	return first;
}

/* The DSN fields of such a text: from dsn_fields_start() to the next MIME
 * boundary line. */
static GBytes *
dsn_block_of (GBytes *text)
{
	gsize len;
	const char *data = g_bytes_get_data (text, &len);
	gsize start = dsn_fields_start (data, len);
	gssize stop = find_line_starting_with (data, len, start, "--");
	if (stop < 0)
		stop = len;
	return g_bytes_new_from_bytes (text, start, stop - start);
}

static gboolean
type_is (GMimeContentType *type, const char *media, const char *subtype)
{
	return type && g_mime_content_type_is_type (type, media, subtype);
}

/* message/xdelivery-status is no registered type, but XWall (a filter
 * in front of Exchange) types its reports so (Mail::DeliveryStatus::
 * BounceParser's p_xdelivery_status()). */
static gboolean
is_delivery_status (GMimeContentType *type)
{
	return type_is (type, "message", "delivery-status") ||
	       type_is (type, "message", "global-delivery-status") ||
	       type_is (type, "message", "xdelivery-status");
}

static gboolean
is_returned_headers (GMimeContentType *type)
{
	/* message/rfc822-headers is no registered type, but maddy writes it
	 * (internal/dsn/dsn.go writeHeader()). */
	return type_is (type, "text", "rfc822-headers") ||
	       type_is (type, "text", "rfc822-header") ||
	       type_is (type, "message", "rfc822-headers") ||
	       type_is (type, "message", "global-headers") ||
	       type_is (type, "message", "rfc822") ||
	       type_is (type, "message", "global");
}

/* Whether a machine-readable report (delivery-status or feedback) has
 * been seen: what follows it is the returned message. */
static gboolean
report_found (const WalkState *st)
{
	return st->out->dsn_texts->len > 0 || st->out->feedback != NULL;
}

static void
note_original (WalkState *st, GMimeObject *object)
{
	if (st->original_locked)
		return;
	st->out->original = object;
	if (report_found (st))
		st->original_locked = TRUE;
}

static void walk_object (WalkState *st, GMimeObject *object, guint depth);

static void
walk_leaf (WalkState *st, GMimePart *part)
{
	GMimeContentType *type = g_mime_object_get_content_type (GMIME_OBJECT (part));

	if (is_delivery_status (type)) {
		if (st->original_locked)
			return;
		g_ptr_array_add (st->out->dsn_texts, decoded_content (part));
		if (st->message_depth > 0) {
			st->out->report_in_message = TRUE;
			st->out->forwarded_report |= st->notification_outside;
		}
		return;
	}
	if (type_is (type, "message", "feedback-report")) {
		if (st->out->feedback == NULL && !st->original_locked)
			st->out->feedback = decoded_content (part);
		return;
	}
	if (is_returned_headers (type)) {
		note_original (st, GMIME_OBJECT (part));
		return;
	}
	if (!GMIME_IS_TEXT_PART (part))
		return;
	if (type_is (type, "text", "html")) {
		if (st->out->html_part == NULL && st->message_depth == 0)
			st->out->html_part = GMIME_TEXT_PART (part);
		return;
	}
	if (!type_is (type, "text", "plain"))
		return;
	/* Decoding text costs a charset conversion: only note the part now.
	 * After a report in HTML, a text/plain part in a message part is the
	 * returned message's. */
	gboolean after_html_report = st->out->html_part && st->message_depth > 0;
	if (st->out->notification_part == NULL && !after_html_report) {
		st->out->notification_part = GMIME_TEXT_PART (part);
		st->notification_outside = st->message_depth == 0;
	}
	if (st->out->dsn_texts->len == 0 && st->text_parts->len < MAX_TEXT_CANDIDATES)
		g_ptr_array_add (st->text_parts, part);
}

/* The text of an HTML part, as decoded_text() gives a plain one's. */
static GBytes *
html_text (GMimeTextPart *part)
{
	GBytes *html = decoded_text (part);
	gsize len;
	const char *data = g_bytes_get_data (html, &len);
	char *text = _ndr_html_to_text (data ? data : "", data ? len : 0);
	g_bytes_unref (html);
	return g_bytes_new_take (text, strlen (text));
}

/* Whether @data (@len bytes) holds DSN fields of its own: before any
 * returned message it pastes, or of a returned message that is itself a
 * report (a bounce passed on below a note of the system that passes it),
 * but not of a message the returned one attaches (the report returning a
 * list's probe, which attaches an older bounce, pastes that bounce's
 * fields too, after the probe's "Content-Type: message/rfc822"). */
static gboolean
has_own_dsn_fields (const WalkState *st, const char *data, gsize len)
{
	if (!_ndr_text_has_dsn_fields (data, len))
		return FALSE;
	gsize fields = dsn_fields_start (data, len);
	gsize returned = _ndr_text_returned_message_at (st->rules, data, fields);
	return returned >= fields || find_line_starting_with (data, fields, returned, "Content-Type: message/rfc822") < 0;
}

/* The first text/plain part that holds DSN fields, as a DSN block. */
static GBytes *
dsn_from_text_parts (WalkState *st)
{
	for (guint i = 0; i < st->text_parts->len; i++) {
		GBytes *text = decoded_text (g_ptr_array_index (st->text_parts, i));
		gsize len;
		const char *data = g_bytes_get_data (text, &len);
		if (has_own_dsn_fields (st, data, len)) {
			GBytes *block = dsn_block_of (text);
			g_bytes_unref (text);
			return block;
		}
		g_bytes_unref (text);
	}
	return NULL;
}

/* Keeps at most NDRPARSE_MAX_SCAN_BYTES of the notification, cut at a
 * character boundary and NUL-terminated. */
static void
limit_notification (NdrWalk *walk)
{
	if (walk->notification == NULL || g_bytes_get_size (walk->notification) <= NDRPARSE_MAX_SCAN_BYTES)
		return;
	const char *text = g_bytes_get_data (walk->notification, NULL);
	const char *end = g_utf8_find_prev_char (text, text + NDRPARSE_MAX_SCAN_BYTES + 1);
	gsize len = end ? (gsize) (end - text) : NDRPARSE_MAX_SCAN_BYTES;
	GBytes *head = g_bytes_new_take (g_strndup (text, len), len);
	g_bytes_unref (walk->notification);
	walk->notification = head;
	walk->truncated |= NDRPARSE_TRUNCATED_SCAN;
}

const char *
_ndr_walk_notification_text (NdrWalk *walk)
{
	if (walk->notification == NULL && walk->notification_part)
		walk->notification = decoded_text (walk->notification_part);
	else if (walk->notification == NULL && walk->html_part)
		walk->notification = html_text (walk->html_part);
	limit_notification (walk);
	return walk->notification ? g_bytes_get_data (walk->notification, NULL) : NULL;
}

const char *
_ndr_walk_html_instead (NdrWalk *walk)
{
	if (walk->html_part == NULL || walk->notification_part == NULL)
		return NULL;
	g_clear_pointer (&walk->notification, g_bytes_unref);
	walk->notification = html_text (walk->html_part);
	walk->notification_part = NULL;
	limit_notification (walk);
	return g_bytes_get_data (walk->notification, NULL);
}

/* When the boundary parameter does not match the body's boundary lines
 * (seen from Postfix relays that rewrote one and not the other), or is
 * lost to a broken header fold, GMime finds no parts and leaves the whole
 * body as the prologue.  Look for DSN fields there, and read it as the
 * notification if nothing came before. */
static void
walk_unsplit_multipart (WalkState *st, GMimeMultipart *multipart)
{
	const char *prologue = g_mime_multipart_get_prologue (multipart);
	if (prologue == NULL || st->text_dsn || st->out->dsn_texts->len)
		return;
	GBytes *text = text_with_lf (g_strdup (prologue));
	gsize len;
	const char *data = g_bytes_get_data (text, &len);
	if (_ndr_text_has_dsn_fields (data, len))
		st->text_dsn = g_bytes_ref (text);
	if (st->out->notification_part == NULL && st->out->notification == NULL)
		st->out->notification = g_bytes_ref (text);
	g_bytes_unref (text);
}

static void
walk_message_part (WalkState *st, GMimeMessagePart *part, guint depth)
{
	/* After the report: this is the returned message; never look inside. */
	if (report_found (st)) {
		note_original (st, GMIME_OBJECT (part));
		return;
	}
	GMimeMessage *inner = g_mime_message_part_get_message (part);
	GMimeObject *body = inner ? g_mime_message_get_mime_part (inner) : NULL;
	guint before = st->out->dsn_texts->len;
	st->message_depth++;
	if (body)
		walk_object (st, body, depth + 1);
	st->message_depth--;
	/* A report forwarded inside this part brings its own original. */
	if (st->out->dsn_texts->len == before)
		note_original (st, GMIME_OBJECT (part));
}

static void
walk_object (WalkState *st, GMimeObject *object, guint depth)
{
	if (depth > NDRPARSE_MAX_MIME_DEPTH) {
		st->out->truncated |= NDRPARSE_TRUNCATED_DEPTH;
		return;
	}
	if (++st->parts > NDRPARSE_MAX_MIME_PARTS) {
		st->out->truncated |= NDRPARSE_TRUNCATED_PARTS;
		return;
	}
	if (GMIME_IS_MULTIPART (object)) {
		GMimeMultipart *multipart = GMIME_MULTIPART (object);
		int n = g_mime_multipart_get_count (multipart);
		for (int i = 0; i < n; i++)
			walk_object (st, g_mime_multipart_get_part (multipart, i), depth + 1);
		if (n == 0)
			walk_unsplit_multipart (st, multipart);
	} else if (GMIME_IS_MESSAGE_PART (object)) {
		walk_message_part (st, GMIME_MESSAGE_PART (object), depth);
	} else if (GMIME_IS_PART (object)) {
		walk_leaf (st, GMIME_PART (object));
	}
}

void
_ndr_walk_message (GMimeMessage *message, const NdrparseRules *rules, NdrWalk *walk)
{
	_ndr_walk_body (g_mime_message_get_mime_part (message), rules, walk);
}

void
_ndr_walk_body (GMimeObject *body, const NdrparseRules *rules, NdrWalk *walk)
{
	WalkState st = { .out = walk, .rules = rules, .text_parts = g_ptr_array_new () };

	if (body)
		walk_object (&st, body, 0);
	if (walk->dsn_texts->len == 0) {
		GBytes *block = st.text_dsn ? dsn_block_of (st.text_dsn) : dsn_from_text_parts (&st);
		if (block)
			g_ptr_array_add (walk->dsn_texts, block);
	}
	g_clear_pointer (&st.text_dsn, g_bytes_unref);
	g_ptr_array_unref (st.text_parts);
}
