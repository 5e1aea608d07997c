/* ndr-parse.c - the public entry points: from bytes, files, streams and
 * parsed messages to a report.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ndr-once.h"
#include "ndrparse-private.h"

/* g_mime_init() is not itself thread-safe; every entry point goes
 * through here first.
 *
 * The rest of GMime's and GLib's first-use set-up (the GObject classes of
 * GMime's parts, streams and filters, GLib's charset and time-zone
 * caches) is guarded by their own locks, which ThreadSanitizer cannot see
 * in an instrumented build of this library alone: it would report the
 * first parses of several threads as races (tests/test-threads.c).  So
 * such a build parses one small bounce here, under the once, before any
 * other thread can.  Other builds do not: that parse and its teardown
 * were a quarter of a one-message run's own work (0.59 M instructions). */
#if defined(__SANITIZE_THREAD__)
#define NDR_WARM_UP 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NDR_WARM_UP 1
#endif
#endif

#ifdef NDR_WARM_UP
/* One message of the kinds of parts a bounce has. */
static const char warm_up_message[] =
	"From: MAILER-DAEMON@example.org\nTo: a@example.org\nSubject: =?UTF-8?Q?Undelivered?=\n"
	"Date: Mon, 6 May 2024 09:12:01 +0000\nMIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
	"--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n=E9\n"
	"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; example.org\n\n"
	"--b\nContent-Type: message/rfc822\n\nFrom: a@example.org\nSubject: x\n\nx\n"
	"--b--\n";

static void
warm_up_part (GMimeObject *parent, GMimeObject *part, gpointer data)
{
	(void) parent;
	(void) data;
	if (GMIME_IS_TEXT_PART (part))
		g_free (g_mime_text_part_get_text (GMIME_TEXT_PART (part)));
}

static void
warm_up (void)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer (warm_up_message, sizeof warm_up_message - 1);
	GMimeParser *parser = g_mime_parser_new_with_stream (stream);
	GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
	if (message) {
		g_mime_message_foreach (message, warm_up_part, NULL);
		GDateTime *date = g_mime_message_get_date (message);
		if (date)
			g_free (g_date_time_format_iso8601 (date));
		g_object_unref (message);
	}
	g_object_unref (parser);
	g_object_unref (stream);
}
#endif

void
_ndr_ensure_gmime (void)
{
	static NdrOnce initialized = NDR_ONCE_INIT;

	if (_ndr_once_enter (&initialized)) {
		g_mime_init ();
#ifdef NDR_WARM_UP
		warm_up ();
#endif
		_ndr_once_leave (&initialized);
	}
}

/* Where the bounce was delivered: its Delivered-To, X-Original-To and To
 * values, for VERP. */
static void
read_bounce_envelope (NdrparseReport *report)
{
	static const char *const headers[] = { "Delivered-To", "X-Original-To", "To" };
	G_STATIC_ASSERT (G_N_ELEMENTS (headers) == G_N_ELEMENTS (report->envelope_headers));
	for (gsize i = 0; i < G_N_ELEMENTS (headers); i++) {
		char *value = _ndr_bounce_header_head (report, headers[i]);
		report->envelope_headers[i] = _ndr_report_intern (report, value);
		g_free (value);
	}
}

/* Adds the limits in @cut to @report and to each of its records. */
static void
mark_truncated (NdrparseReport *report, NdrparseTruncation cut)
{
	report->truncated |= cut;
	for (guint i = 0; i < report->records->len; i++)
		((NdrparseRecord *) g_ptr_array_index (report->records, i))->truncated |= report->truncated;
}

static void
read_bounce_date (NdrparseReport *report)
{
	/* GMime's message keeps the last Date. */
	const char *date = report->header ? _ndr_header_block_value (report->header, "Date", TRUE) : NULL;
	report->date = _ndr_report_take (report, _ndr_date_to_iso8601 (date));
	const char *id = report->header ? _ndr_header_block_value (report->header, "Message-ID", FALSE) : NULL;
	report->bounce_message_id = _ndr_report_intern (report, id);
}

/* Reads the records the walk's parts give, from the delivery-status
 * parts, else a feedback report, SES's notification, the prose. */
static void
decode_parts (NdrparseReport *report, NdrWalk *walk)
{
	for (guint i = 0; i < walk->dsn_texts->len; i++) {
		gsize len;
		const char *text = g_bytes_get_data (g_ptr_array_index (walk->dsn_texts, i), &len);
		if (text == NULL || len == 0)
			continue;
		if (len > NDRPARSE_MAX_SCAN_BYTES) {
			len = NDRPARSE_MAX_SCAN_BYTES;
			report->truncated |= NDRPARSE_TRUNCATED_SCAN;
		}
		NdrDsnFields *dsn = _ndr_dsn_fields_parse (report, text, len);
		_ndr_dsn_decode (report, dsn);
		_ndr_dsn_fields_free (dsn);
	}
	if (report->records->len == 0)
		_ndr_arf_decode (report, walk->feedback);
	if (report->records->len == 0)
		_ndr_ses_decode (report, _ndr_walk_notification_text (walk));
	/* No delivery-status part, or one that names nobody: read the prose. */
	if (report->records->len == 0)
		_ndr_text_decode (report, _ndr_walk_notification_text (walk));
	/* A bounce whose plain part names no failure may tell it in HTML. */
	if (report->records->len == 0 && report->looks_like_bounce && !report->not_a_bounce) {
		const char *html = _ndr_walk_html_instead (walk);
		if (html)
			_ndr_text_decode (report, html);
	}
	if (report->records->len == 0 && walk->dsn_texts->len > 0)
		_ndr_decode_failed_recipients_header (report);
	/* A challenge of a challenge-response system is an automatic answer
	 * too, but it asks the sender to act: neither a bounce nor an
	 * auto-reply to count. */
	if (report->records->len == 0 && !report->not_a_bounce)
		_ndr_autoreply_decode (report);
}

/* A message that quotes a bounce in a message part of its own is no
 * bounce itself when it is list mail (RFC 2369's List-Id or
 * List-Unsubscribe: a digest or a post that forwards a bounce, read by
 * the list's members), or when its own words say so (a mailing list's
 * bounce action notice, its probe with "a bounce sample attached"): the
 * quoted report was for someone else to read. */
static gboolean
quotes_report (NdrparseReport *report, NdrWalk *walk)
{
	if (walk->report_in_message &&
	    (_ndr_bounce_header (report, "List-Id") || _ndr_bounce_header (report, "List-Unsubscribe")))
		return TRUE;
	return walk->forwarded_report && _ndr_text_not_a_bounce (report->rules, _ndr_walk_notification_text (walk));
}

/* Decodes a message whose own header is @header and whose body GMime
 * parsed as @body (from bytes with LF or CRLF line ends). */
static NdrparseReport *
decode_message (const NdrparseRules *rules, GMimeObject *body, const NdrHeaderBlock *header,
		const GPtrArray *taken_headers)
{
	NdrparseReport *report = _ndr_report_new ();
	report->rules = rules;
	report->header = header;
	report->taken_headers = taken_headers;
	read_bounce_date (report);
	read_bounce_envelope (report);

	NdrWalk walk;
	_ndr_walk_init (&walk);
	_ndr_walk_body (body, rules, &walk);

	_ndr_original_read (report, body, walk.original);
	if (quotes_report (report, &walk))
		report->not_a_bounce = TRUE;
	else
		decode_parts (report, &walk);
	_ndr_original_qualify_recipients (report);
	_ndr_original_resolve_sender (report);
	if (walk.dsn_texts->len > 0 && !report->not_a_bounce)
		report->looks_like_bounce = TRUE;
	if (report->looks_like_bounce && report->records->len == 0) {
		const char *text = _ndr_walk_notification_text (&walk);
		if (text)
			report->bounce_text = _ndr_report_intern_len (report, text, MIN (strlen (text), 2048));
	}

	if (report->records->len > 0) {
		report->reporter = _ndr_report_intern (report, _ndr_reporter_identify (report));
		NdrNotification *notification = _ndr_notification_new (report->rules, _ndr_walk_notification_text (&walk));
		for (guint i = 0; i < report->records->len; i++)
			_ndr_record_finish (report, g_ptr_array_index (report->records, i), notification);
		_ndr_notification_free (notification);
	}
	/* The notification was read (and maybe cut) while finishing. */
	mark_truncated (report, walk.truncated);

	_ndr_walk_clear (&walk);
	/* Decoding is done: the rules are read again only for a record that
	 * VERP adds (ndrparse_report_apply_verp()). */
	report->parse_rules = ndrparse_rules_ref ((NdrparseRules *) rules);
	report->rules = NULL;
	report->header = NULL;
	report->taken_headers = NULL;
	return report;
}

static NdrparseReport *parse_byte_array (const NdrparseRules *rules, GByteArray *array, GError **error);

/* Whether GMime found no header field: the bytes may hold one after
 * blank lines, which parse_byte_array() passes over. */
static gboolean
has_no_header (GMimeMessage *message)
{
	GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
	return headers == NULL || g_mime_header_list_get_count (headers) == 0;
}

/* Whether GMime read @message from bytes whose lines end in a bare CR:
 * it splits lines on LF only, so the whole header is then its first
 * field's value. */
static gboolean
has_bare_cr_lines (GMimeMessage *message)
{
	if (has_no_header (message))
		return FALSE;
	GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
	const char *raw = g_mime_header_get_raw_value (g_mime_header_list_get_header_at (headers, 0));
	for (const char *cr = raw ? strchr (raw, '\r') : NULL; cr; cr = strchr (cr + 1, '\r'))
		if (cr[1] != '\n' && cr[1] != '\0')
			return TRUE;
	return FALSE;
}

NdrparseReport *
ndrparse_parse_message_with_rules (NdrparseRules *rules_in, GMimeMessage *message, GError **error)
{
	if (!GMIME_IS_MESSAGE (message)) {
		g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT,
			     "ndrparse_parse_message: not a GMimeMessage");
		return NULL;
	}
	_ndr_ensure_gmime ();
	const NdrparseRules *rules = _ndr_rules_use (rules_in);
	if (!has_bare_cr_lines (message) && !has_no_header (message)) {
		NdrHeaderBlock *header = _ndr_bounce_header_of_message (message);
		NdrparseReport *report = decode_message (rules, g_mime_message_get_mime_part (message), header, NULL);
		_ndr_header_block_free (header);
		return report;
	}
	/* Read it again from its bytes, with the line ends the other entry
	 * points make of them: the same input gives the same records. */
	GByteArray *array = g_byte_array_new ();
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array (array);
	g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
	g_mime_object_write_to_stream (GMIME_OBJECT (message), NULL, mem);
	g_object_unref (mem);
	return parse_byte_array (rules, array, error);
}

NdrparseReport *
ndrparse_parse_message (GMimeMessage *message, GError **error)
{
	return ndrparse_parse_message_with_rules (NULL, message, error);
}

/* Parses the body in @stream, whose own header is @header (GMime
 * accepts nearly anything as a message; something with no header field
 * at all is not one); @cut says what limits the bytes reached.  What is
 * left of the header for GMime is its Content-* fields, which make the
 * body a MIME part of its own: GMime parses it as a part, and builds no
 * message around it (a GMimeMessage makes a header list and an address
 * list for each of seven fields, a tenth of what GMime spends on a
 * bounce, none of which the decoder reads). */
static NdrparseReport *
parse_stream_within (const NdrparseRules *rules, GMimeStream *stream, const NdrHeaderBlock *header,
		     const GPtrArray *taken_headers, NdrparseTruncation cut, GError **error)
{
	GMimeObject *body = NULL;
	if (_ndr_header_block_count (header) > 0) {
		GMimeParser *parser = g_mime_parser_new_with_stream (stream);
		g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
		body = g_mime_parser_construct_part (parser, NULL);
		g_object_unref (parser);
	}
	if (body == NULL) {
		g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_NOT_EMAIL,
			     "not an email message (no header found)");
		return NULL;
	}
	NdrparseReport *report = decode_message (rules, body, header, taken_headers);
	g_object_unref (body);
	mark_truncated (report, cut);
	return report;
}

NdrparseReport *
ndrparse_parse_stream_with_rules (NdrparseRules *rules, GMimeStream *stream, GError **error)
{
	if (!GMIME_IS_STREAM (stream)) {
		g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT,
			     "ndrparse_parse_stream: not a GMimeStream");
		return NULL;
	}
	_ndr_ensure_gmime ();

	/* Read into memory up to the limit (and one byte more, to know). */
	GByteArray *array = g_byte_array_new ();
	guint8 buf[65536];
	gssize n;
	while (array->len <= NDRPARSE_MAX_MESSAGE_SIZE &&
	       (n = g_mime_stream_read (stream, (char *) buf, sizeof buf)) > 0)
		g_byte_array_append (array, buf, (guint) n);
	return parse_byte_array (_ndr_rules_use (rules), array, error);
}

NdrparseReport *
ndrparse_parse_stream (GMimeStream *stream, GError **error)
{
	return ndrparse_parse_stream_with_rules (NULL, stream, error);
}

/* GMime splits lines on LF only.  A message whose lines end in a bare CR
 * (old Mac gateways) would be one long header line; turn its CRs into
 * LFs.  The first line end decides, as it does for any reader. */
static void
normalize_bare_cr (GByteArray *array)
{
	guint8 *cr = memchr (array->data, '\r', array->len);
	guint8 *lf = memchr (array->data, '\n', array->len);

	if (cr == NULL || (lf && lf < cr) || (cr + 1 < array->data + array->len && cr[1] == '\n'))
		return;
	for (guint i = 0; i < array->len; i++) {
		if (array->data[i] == '\r' && (i + 1 == array->len || array->data[i + 1] != '\n'))
			array->data[i] = '\n';
	}
}

/* A saved message may begin with empty or blank lines before its
 * header (a mail client's export, a copy and paste; Sisimai reads past
 * them too), and GMime would take the first for the header's end and
 * find no field.  A message of blank lines alone is left as it is. */
static void
drop_leading_blank_lines (GByteArray *array)
{
	gsize start = 0;
	for (gsize i = 0; i < array->len; i++) {
		guint8 c = array->data[i];
		if (c == '\n')
			start = i + 1;
		else if (c != ' ' && c != '\t' && c != '\r')
			break;
	}
	if (start > 0 && start < array->len)
		g_byte_array_remove_range (array, 0, (guint) start);
}

/* Takes ownership of @array; reads NDRPARSE_MAX_MESSAGE_SIZE bytes of it
 * at most. */
static NdrparseReport *
parse_byte_array (const NdrparseRules *rules, GByteArray *array, GError **error)
{
	if (array->len == 0) {
		g_byte_array_unref (array);
		g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_NOT_EMAIL,
			     "not an email message (empty input)");
		return NULL;
	}
	_ndr_ensure_gmime ();
	NdrparseTruncation cut = NDRPARSE_TRUNCATED_NONE;
	if (array->len > NDRPARSE_MAX_MESSAGE_SIZE) {
		g_byte_array_set_size (array, NDRPARSE_MAX_MESSAGE_SIZE);
		cut |= NDRPARSE_TRUNCATED_SIZE;
	}
	normalize_bare_cr (array);
	drop_leading_blank_lines (array);
	GPtrArray *taken_headers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
	cut |= _ndr_bounds_apply_taking (array, NDR_BOUNDS_RETURNED_HEADER_ONLY | NDR_BOUNDS_PART_TYPE_ONLY,
					 taken_headers);
	NdrHeaderBlock *header = _ndr_bounce_header_take (array);
	GMimeStream *stream = g_mime_stream_mem_new_with_byte_array (array);
	NdrparseReport *report = parse_stream_within (rules, stream, header, taken_headers, cut, error);
	g_object_unref (stream);
	_ndr_header_block_free (header);
	g_ptr_array_unref (taken_headers);
	return report;
}

NdrparseReport *
ndrparse_parse_bytes_with_rules (NdrparseRules *rules, const void *data, gsize len, GError **error)
{
	if (data == NULL && len > 0) {
		g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT,
			     "ndrparse_parse_bytes: NULL data");
		return NULL;
	}
	GByteArray *array = g_byte_array_sized_new (len);
	if (len)
		g_byte_array_append (array, data, len);
	return parse_byte_array (_ndr_rules_use (rules), array, error);
}

NdrparseReport *
ndrparse_parse_byte_array_with_rules (NdrparseRules *rules, GByteArray *array, GError **error)
{
	if (array == NULL) {
		g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT,
			     "ndrparse_parse_byte_array: NULL array");
		return NULL;
	}
	return parse_byte_array (_ndr_rules_use (rules), array, error);
}

NdrparseReport *
ndrparse_parse_byte_array (GByteArray *array, GError **error)
{
	return ndrparse_parse_byte_array_with_rules (NULL, array, error);
}

NdrparseReport *
ndrparse_parse_bytes (const void *data, gsize len, GError **error)
{
	return ndrparse_parse_bytes_with_rules (NULL, data, len, error);
}

/* The first NDRPARSE_MAX_MESSAGE_SIZE + 1 bytes of @path (one more than
 * the limit, so that a cut can be told), or NULL with @error set. */
static GByteArray *
read_head_of_file (const char *path, GError **error)
{
	FILE *fp = fopen (path, "rb");
	if (fp == NULL) {
		int saved = errno;
		char *name = g_filename_display_name (path);
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
			     "Failed to open file “%s”: %s", name, g_strerror (saved));
		g_free (name);
		return NULL;
	}
	GByteArray *array = g_byte_array_new ();
	guint8 buf[65536];
	size_t n;
	while (array->len <= NDRPARSE_MAX_MESSAGE_SIZE && (n = fread (buf, 1, sizeof buf, fp)) > 0)
		g_byte_array_append (array, buf, (guint) n);
	if (ferror (fp)) {
		int saved = errno;
		char *name = g_filename_display_name (path);
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
			     "Failed to read file “%s”: %s", name, g_strerror (saved));
		g_free (name);
		g_byte_array_unref (array);
		array = NULL;
	}
	fclose (fp);
	return array;
}

NdrparseReport *
ndrparse_parse_file_with_rules (NdrparseRules *rules, const char *path, GError **error)
{
	if (path == NULL) {
		g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT,
			     "ndrparse_parse_file: NULL path");
		return NULL;
	}
	GByteArray *array = read_head_of_file (path, error);
	return array ? parse_byte_array (_ndr_rules_use (rules), array, error) : NULL;
}

NdrparseReport *
ndrparse_parse_file (const char *path, GError **error)
{
	return ndrparse_parse_file_with_rules (NULL, path, error);
}
