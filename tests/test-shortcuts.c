/* test-shortcuts.c - the decoder reads headers, address lists and text
 * parts without GMime's decoding where that decoding would change
 * nothing.  Each shortcut must give exactly what GMime gives: checked here
 * on plain inputs (the shortcut's case) and on every kind of input that
 * must go to GMime (encoded words, 8-bit text, comments, quotes, groups,
 * IDN domains, transfer encodings, legacy charsets). */
#include <string.h>

#include "ndrparse-private.h"

static const char *const header_values[] = {
	" plain ascii value",
	" folded\n\tover two lines  ",
	"\tSome words  with   runs of blanks ",
	" =?UTF-8?B?w6lsw6hyZQ==?= encoded",
	" =?iso-8859-1?Q?caf=E9?= and =?iso-8859-1?Q?th=E9?=",
	" half =?broken",
	" a=?b inside a word",
	" 8-bit caf\xc3\xa9 in UTF-8",
	" 8-bit caf\xe9 in Latin-1",
	"",
	"   ",
};

static void
test_header_values (void)
{
	for (gsize i = 0; i < G_N_ELEMENTS (header_values); i++) {
		const char *raw = header_values[i];
		char *unfolded = g_mime_utils_header_unfold (raw);
		char *gmime = g_mime_utils_header_decode_text (NULL, unfolded);
		char *ours = _ndr_header_decode_raw (raw, strlen (raw));
		g_assert_cmpstr (ours, ==, gmime);
		g_free (ours);
		g_free (gmime);
		g_free (unfolded);
	}
}

/* What _ndr_address_list gave before its shortcut: GMime's mailboxes,
 * normalized. */
static GPtrArray *
gmime_addresses (const char *value)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	InternetAddressList *list = internet_address_list_parse (NULL, value);
	for (int i = 0; list && i < internet_address_list_length (list); i++) {
		InternetAddress *ia = internet_address_list_get_address (list, i);
		if (!INTERNET_ADDRESS_IS_MAILBOX (ia))
			continue;
		char *a = _ndr_address_normalize (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)), FALSE);
		if (a && strchr (a, '@'))
			g_ptr_array_add (out, a);
		else
			g_free (a);
	}
	g_clear_object (&list);
	return out;
}

static const char *const address_lists[] = {
	"a@example.org",
	"Alice <Alice@Example.ORG>, bob@example.net",
	"  <a@b.example>  ,  , c@d.example ",
	"postmaster",
	"undisclosed-recipients:;",
	"Group: a@b.example, c@d.example;",
	"\"Smith, John\" <john@example.org>",
	"john@example.org (John Smith)",
	"user@xn--bcher-kva.example",
	"user@example.org.",
	"a..b@example.org",
	".a@example.org",
	"<@route.example:a@b.example>",
	"a@[192.0.2.1]",
	"a @ example.org",
	"Name a@b.example <c@d.example>",
	"first@example.org second@example.org",
	"caf\xc3\xa9@example.org",
	"x@-bad.example",
	"x@bad-.example",
	"",
};

static void
test_address_lists (void)
{
	for (gsize i = 0; i < G_N_ELEMENTS (address_lists); i++) {
		GPtrArray *ours = _ndr_address_list (address_lists[i]);
		GPtrArray *gmime = gmime_addresses (address_lists[i]);
		g_assert_cmpuint (ours->len, ==, gmime->len);
		for (guint k = 0; k < ours->len; k++)
			g_assert_cmpstr (g_ptr_array_index (ours, k), ==, g_ptr_array_index (gmime, k));
		g_ptr_array_unref (ours);
		g_ptr_array_unref (gmime);
	}
}

static GMimeMessage *
message_of (const char *text)
{
	GMimeStream *mem = g_mime_stream_mem_new_with_buffer (text, strlen (text));
	GMimeParser *parser = g_mime_parser_new_with_stream (mem);
	GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
	g_object_unref (parser);
	g_object_unref (mem);
	g_assert_nonnull (message);
	return message;
}

static const char *const header_blocks[] = {
	"From: Alice <alice@example.org>\nTo: bob@example.net\nSubject: Hello\n"
	"Message-ID: <1@example.org>\nReceived: from a by b\n for <bob@example.net>; Mon, 1 Jan 2024\n\nbody\n",
	"Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\nSubject: second\nMessage-ID: <a@x>\nMessage-ID: <b@x>\n\n",
	"From: x@example.org\nX-Folded: one\n  two\n\tthree\nSubject: caf\xc3\xa9\n\n",
	/* A fold that lost its blank: GMime skips the line (its name would
	 * hold spaces) and reads on. */
	"Received: from a (via\nHTTP); Fri, 28 Nov 2014 18:00:13 +0100\n  continued\nFrom: a@b.example\n"
	"No colon here\nTo: c@d.example\nSubject: s\n\nFrom: body@example.org\n",
	"From : spaced@example.org\r\nTo: crlf@example.org\r\n\r\n",
};

static void
test_header_blocks (void)
{
	for (gsize i = 0; i < G_N_ELEMENTS (header_blocks); i++) {
		const char *text = header_blocks[i];
		GMimeMessage *message = message_of (text);
		NdrHeaderBlock *block = _ndr_header_block_read (text, strlen (text));
		static const char *const names[] = { "From", "To", "Received", "X-Folded", "Absent" };
		for (gsize k = 0; k < G_N_ELEMENTS (names); k++) {
			char *ours = _ndr_header_block_get (block, names[k], FALSE);
			char *object = _ndr_object_header (GMIME_OBJECT (message), names[k]);
			g_assert_cmpstr (ours, ==, g_mime_object_get_header (GMIME_OBJECT (message), names[k]));
			g_assert_cmpstr (object, ==, ours);
			g_free (ours);
			g_free (object);
		}
		/* GMime keeps the last Subject and Message-ID. */
		char *subject = _ndr_header_block_get (block, "Subject", TRUE);
		g_assert_cmpstr (subject, ==, g_mime_message_get_subject (message));
		char *id = _ndr_header_block_get (block, "Message-ID", TRUE);
		char *decoded_id = id ? g_mime_utils_decode_message_id (id) : NULL;
		g_assert_cmpstr (decoded_id, ==, g_mime_message_get_message_id (message));
		g_free (subject);
		g_free (id);
		g_free (decoded_id);
		_ndr_header_block_free (block);
		g_object_unref (message);
	}
}

static const char *const text_parts[] = {
	"Content-Type: text/plain\n\nplain text\n",
	"Content-Type: text/plain; charset=us-ascii\n\nascii text\n",
	"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\ncaf\xc3\xa9\n",
	"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nbroken caf\xe9\n",
	"Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\ncaf\xe9\n",
	"Content-Type: text/plain; charset=iso-8859-1\n\nascii in latin-1\n",
	"Content-Type: text/plain; charset=shift_jis\n\nC:\\path ~ tilde\n",
	"Content-Type: text/plain; charset=iso-2022-jp\n\n\x1b$B$3$s$K$A$O\x1b(B\n",
	"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nY2Fmw6kK\n",
	"Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: quoted-printable\n\nsoft=\n break=3D\n",
	"Content-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\nundeclared caf\xe9\n",
	"Content-Type: text/plain; charset=utf-8\n\n",
};

/* The walk's notification text against GMime's own reading of the part
 * (with line ends made LF, as the walk does). */
static void
test_text_parts (void)
{
	for (gsize i = 0; i < G_N_ELEMENTS (text_parts); i++) {
		char *text = g_strconcat ("From: a@example.org\nMIME-Version: 1.0\n", text_parts[i], NULL);
		GMimeMessage *message = message_of (text);
		GMimeObject *body = g_mime_message_get_mime_part (message);
		g_assert_true (GMIME_IS_TEXT_PART (body));
		char *gmime = g_mime_text_part_get_text (GMIME_TEXT_PART (body));

		NdrWalk walk;
		_ndr_walk_init (&walk);
		_ndr_walk_message (message, _ndr_rules_default (), &walk);
		const char *ours = _ndr_walk_notification_text (&walk);
		g_assert_cmpstr (ours, ==, gmime);
		_ndr_walk_clear (&walk);
		g_free (gmime);
		g_object_unref (message);
		g_free (text);
	}
}

/* ---- the bounce's own header, read without GMime ---- */

static const char *const bounce_headers[] = {
	"From: MAILER-DAEMON@example.org\nTo: a@example.net\nSubject: Undelivered\nSubject: last\n"
	"Date: Mon, 1 Jan 2024 10:00:00 +0000\nDate: Tue, 2 Jan 2024 11:00:00 +0100\nMIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"b1\"\n\n"
	"--b1\nContent-Type: text/plain\n\nfailed\n--b1\nContent-Type: message/delivery-status\n\n"
	"Final-Recipient: rfc822; a@example.net\nAction: failed\nStatus: 5.1.1\n\n--b1--\n",
	/* An mbox From_ line first: GMime skips it. */
	"From MAILER-DAEMON Mon Jan  1 10:00:00 2024\nFrom: x@example.org\nContent-Type: text/plain\n\nbody\n",
	/* A first line that is no field: GMime reads no message. */
	"not a header line\nFrom: x@example.org\n\nbody\n",
	/* Lines that are no field between fields, and a lost fold. */
	"From: x@example.org\nbroken line\n continued\nContent-Type: text/plain;\n charset=utf-8\n"
	"Received: from a (via\nHTTP); Fri, 28 Nov 2014\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\n\nbody\n",
	"From: crlf@example.org\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nYm9keQo=\r\n",
	"From: only-a-header@example.org\nSubject: no body",
	"Subject: a NUL \0here\nFrom: x@example.org\n\nbody\n",
	"Content-Type: text/plain\n\nno other field\n",
	"\nno header at all\n",
};

static GMimeMessage *
message_of_bytes (const char *data, gsize len)
{
	GMimeStream *mem = g_mime_stream_mem_new_with_buffer (data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream (mem);
	GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
	g_object_unref (parser);
	g_object_unref (mem);
	return message;
}

static void
count_part (GMimeObject *parent, GMimeObject *part, gpointer data)
{
	(void) parent;
	GString *shape = data;
	char *type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (part));
	g_string_append_printf (shape, "%s;", type);
	g_free (type);
	if (GMIME_IS_PART (part))
		g_string_append_printf (shape, "%d;", (int) g_mime_part_get_content_encoding (GMIME_PART (part)));
}

/* The MIME structure GMime reads: each part's type and transfer encoding. */
static char *
shape_of (GMimeMessage *message)
{
	GString *shape = g_string_new (NULL);
	if (message)
		g_mime_message_foreach (message, count_part, shape);
	return g_string_free (shape, FALSE);
}

/* The same for a body GMime parsed as a part, visited as
 * g_mime_message_foreach() visits a message's. */
static char *
shape_of_part (GMimeObject *part)
{
	GString *shape = g_string_new (NULL);
	if (part) {
		count_part (NULL, part, shape);
		if (GMIME_IS_MULTIPART (part))
			g_mime_multipart_foreach (GMIME_MULTIPART (part), count_part, shape);
	}
	return g_string_free (shape, FALSE);
}

/* @data parsed as the decoder parses a bounce's body: as a MIME part. */
static GMimeObject *
part_of_bytes (const char *data, gsize len)
{
	GMimeStream *mem = g_mime_stream_mem_new_with_buffer (data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream (mem);
	g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
	GMimeObject *part = g_mime_parser_construct_part (parser, NULL);
	g_object_unref (parser);
	g_object_unref (mem);
	return part;
}

static char *
iso_date (GDateTime *date)
{
	return date ? g_date_time_format_iso8601 (date) : NULL;
}

/* _ndr_bounce_header_take() on @data: the block holds every field GMime
 * reads, with GMime's values; the body left for GMime, parsed as a part
 * as the decoder parses it, has the message's MIME structure; GMime
 * reads a message exactly when the block has a field. */
static void
check_bounce_header (const char *data, gsize len, const char *what)
{
	GMimeMessage *gmime = message_of_bytes (data, len);
	GByteArray *array = g_byte_array_new ();
	g_byte_array_append (array, (const guint8 *) data, (guint) len);
	NdrHeaderBlock *block = _ndr_bounce_header_take (array);
	GMimeObject *rest = part_of_bytes ((const char *) array->data, array->len);

	/* GMime's message holds the fields that are not Content-*: a message
	 * with none is not one to the decoder either (no header found). */
	GMimeHeaderList *fields = gmime ? g_mime_object_get_header_list (GMIME_OBJECT (gmime)) : NULL;
	gboolean gmime_reads = fields && g_mime_header_list_get_count (fields) > 0;
	gboolean decoder_reads = _ndr_header_block_count (block) > 0 && rest != NULL;
	if (gmime_reads != decoder_reads)
		g_error ("%s: GMime reads a message from one of the two only", what);
	if (gmime_reads) {
		GMimeHeaderList *list = g_mime_object_get_header_list (GMIME_OBJECT (gmime));
		guint n = (guint) g_mime_header_list_get_count (list);
		if (_ndr_header_block_count (block) != MIN (n, NDRPARSE_MAX_HEADER_FIELDS))
			g_error ("%s: %u fields read, GMime reads %u", what, _ndr_header_block_count (block), n);
		for (guint i = 0; i < _ndr_header_block_count (block); i++) {
			GMimeHeader *header = g_mime_header_list_get_header_at (list, (int) i);
			gsize name_len;
			const char *name = _ndr_header_block_name_at (block, i, &name_len);
			char *ours = g_strndup (name, name_len);
			const char *value = _ndr_header_block_value_at (block, i);
			if (strcmp (ours, g_mime_header_get_name (header)) != 0 ||
			    g_strcmp0 (value, g_mime_header_get_value (header)) != 0)
				g_error ("%s: field %u is %s: %s, GMime reads %s: %s", what, i, ours, value,
					 g_mime_header_get_name (header), g_mime_header_get_value (header));
			g_free (ours);
		}
		NdrparseReport *report = _ndr_report_new ();
		report->header = block;
		g_assert_cmpstr (_ndr_bounce_subject (report), ==, g_mime_message_get_subject (gmime));
		GDateTime *date = _ndr_bounce_date (report);
		char *ours = iso_date (date), *theirs = iso_date (g_mime_message_get_date (gmime));
		g_assert_cmpstr (ours, ==, theirs);
		g_free (ours);
		g_free (theirs);
		g_clear_pointer (&date, g_date_time_unref);
		report->header = NULL;
		ndrparse_report_unref (report);

		char *shape = shape_of (gmime), *rest_shape = shape_of_part (rest);
		if (strcmp (shape, rest_shape) != 0)
			g_error ("%s: GMime reads %s from the message and %s from what is left for it", what, shape, rest_shape);
		g_free (shape);
		g_free (rest_shape);
	}
	g_clear_object (&gmime);
	g_clear_object (&rest);
	_ndr_header_block_free (block);
	g_byte_array_unref (array);
}

static void
test_bounce_header (void)
{
	for (gsize i = 0; i < G_N_ELEMENTS (bounce_headers); i++) {
		const char *text = bounce_headers[i];
		/* The one with a NUL is measured to its end. */
		gsize len = strlen (text);
		if (strstr (text, "a NUL "))
			len += 1 + strlen (text + len + 1);
		char *what = g_strdup_printf ("case %" G_GSIZE_FORMAT, i);
		check_bounce_header (text, len, what);
		g_free (what);
	}
}

static const char *corpus_dir;

/* The same over the project's corpus, each message as the decoder gets
 * it (after the bounds pass). */
static void
test_bounce_header_corpus (void)
{
	GDir *dir = g_dir_open (corpus_dir, 0, NULL);
	g_assert_nonnull (dir);
	guint checked = 0;
	for (const char *name; (name = g_dir_read_name (dir)) != NULL;) {
		if (!g_str_has_suffix (name, ".eml"))
			continue;
		char *path = g_build_filename (corpus_dir, name, NULL), *data;
		gsize len;
		g_assert_true (g_file_get_contents (path, &data, &len, NULL));
		GByteArray *array = g_byte_array_new_take ((guint8 *) data, len);
		_ndr_bounds_apply (array, NDR_BOUNDS_RETURNED_HEADER_ONLY);
		check_bounce_header ((const char *) array->data, array->len, path);
		g_byte_array_unref (array);
		g_free (path);
		checked++;
	}
	g_dir_close (dir);
	g_assert_cmpuint (checked, >, 10);
}

/* What a report says, as one string. */
static char *
report_summary (NdrparseReport *report)
{
	GString *s = g_string_new (NULL);
	g_string_append_printf (s, "subject=%s from=%s id=%s list=%s sender=%s cut=%d\n",
				ndrparse_report_get_subject (report), ndrparse_report_get_from (report),
				ndrparse_report_get_message_id (report), ndrparse_report_get_list_id (report),
				ndrparse_report_get_sender (report), (int) ndrparse_report_get_truncated (report));
	for (guint i = 0; i < ndrparse_report_get_n_records (report); i++) {
		const NdrparseRecord *r = ndrparse_report_get_record (report, i);
		g_string_append_printf (s, "%s %s %s %u %s %d by=%s mta=%s,%s at=%s diag=%s\n",
					ndrparse_record_get_recipient (r), ndrparse_record_get_action (r),
					ndrparse_record_get_status (r), ndrparse_record_get_reply_code (r),
					ndrparse_reason_get_name (ndrparse_record_get_reason (r)), (int) ndrparse_record_get_hard_bounce (r),
					ndrparse_record_get_decoded_by (r), ndrparse_record_get_remote_mta (r),
					ndrparse_record_get_reporting_mta (r), ndrparse_record_get_timestamp (r),
					ndrparse_record_get_diagnostic_code (r));
	}
	return g_string_free (s, FALSE);
}

/* A message the caller parsed with GMime (its header read from GMime's
 * header list) gives what its bytes give (the header read by us). */
static void
test_parse_message_agrees (void)
{
	GDir *dir = g_dir_open (corpus_dir, 0, NULL);
	g_assert_nonnull (dir);
	guint checked = 0;
	for (const char *name; (name = g_dir_read_name (dir)) != NULL;) {
		if (!g_str_has_suffix (name, ".eml"))
			continue;
		char *path = g_build_filename (corpus_dir, name, NULL), *data;
		gsize len;
		g_assert_true (g_file_get_contents (path, &data, &len, NULL));
		NdrparseReport *by_bytes = ndrparse_parse_bytes (data, len, NULL);
		GMimeMessage *message = message_of_bytes (data, len);
		NdrparseReport *by_message = message ? ndrparse_parse_message (message, NULL) : NULL;
		g_assert_true ((by_bytes == NULL) == (by_message == NULL));
		if (by_bytes) {
			char *a = report_summary (by_bytes), *b = report_summary (by_message);
			if (strcmp (a, b) != 0)
				g_error ("%s: from bytes:\n%sfrom a GMime message:\n%s", path, a, b);
			g_free (a);
			g_free (b);
			checked++;
		}
		g_clear_pointer (&by_bytes, ndrparse_report_unref);
		g_clear_pointer (&by_message, ndrparse_report_unref);
		g_clear_object (&message);
		g_free (data);
		g_free (path);
	}
	g_dir_close (dir);
	g_assert_cmpuint (checked, >, 10);
}

/* ---- Content-Type values read without GMime's objects ---- */

static const char *const content_types[] = {
	"multipart/report; report-type=delivery-status; boundary=\"b1\"",
	"multipart/mixed; boundary=simple",
	"Multipart/Mixed;BOUNDARY=\"Case\"",
	"multipart/alternative; boundary=\"a\"; boundary=\"second\"",
	"multipart/mixed; boundary = spaced ; charset=x",
	"multipart/mixed; boundary=loose token with spaces  ",
	"multipart/mixed; boundary=\"=_quoted;semicolon\"",
	"multipart/mixed; charset=utf-8",
	"multipart/mixed",
	"multipart/mixed;",
	"multipart/mixed; x=; boundary=after-a-bad-one",
	"multipart/mixed; boundary=\"unclosed",
	"multipart/mixed; boundary=\"q\" junk; x=y",
	"multipart/mixed (a comment; with semicolon); boundary=c",
	"multipart/mixed; boundary=\"esc\\\"aped\"",
	"multipart/mixed; boundary*=us-ascii''encoded",
	"multipart/mixed; boundary*0=part; boundary*1=two",
	"multipart/mixed; boundary=\"=?utf-8?q?x?=\"",
	"multipart/mixed; boundary=\"caf\xc3\xa9\"",
	"  multipart / mixed ; boundary=x",
	"multipart/",
	"message/rfc822",
	"message/delivery-status",
	"Message/RFC822; name=x",
	"text/plain; charset=us-ascii",
	"text",
	"/plain",
	"",
	"(comment) multipart/mixed; boundary=after-comment",
	"application/octet-stream",
};

static void
check_content_type (const char *value)
{
	char *media = NULL, *subtype = NULL, *boundary = NULL;
	gboolean read = _ndr_content_type_read (value, &media, &subtype, &boundary);
	GMimeContentType *type = g_mime_content_type_parse (NULL, value);
	const char *m = g_mime_content_type_get_media_type (type);
	const char *sub = g_mime_content_type_get_media_subtype (type);
	if (!read) {
		/* GMime's full parse falls back to application/octet-stream. */
		if (g_ascii_strcasecmp (m, "application") != 0 || g_ascii_strcasecmp (sub, "octet-stream") != 0)
			g_error ("%s: not read, GMime reads %s/%s", value, m, sub);
	} else {
		if (strcmp (media, m) != 0 || strcmp (subtype, sub) != 0)
			g_error ("%s: read as %s/%s, GMime reads %s/%s", value, media, subtype, m, sub);
		const char *theirs = g_ascii_strcasecmp (m, "multipart") == 0
				     ? g_mime_content_type_get_parameter (type, "boundary") : NULL;
		if (g_strcmp0 (boundary, theirs) != 0)
			g_error ("%s: boundary %s, GMime reads %s", value, boundary, theirs);
	}
	g_object_unref (type);
	g_free (media);
	g_free (subtype);
	g_free (boundary);
}

static void
test_content_types (void)
{
	for (gsize i = 0; i < G_N_ELEMENTS (content_types); i++)
		check_content_type (content_types[i]);
}

/* Every Content-Type of the corpus, unfolded as the bounds pass reads it. */
static void
test_content_types_corpus (void)
{
	GDir *dir = g_dir_open (corpus_dir, 0, NULL);
	g_assert_nonnull (dir);
	guint checked = 0;
	for (const char *name; (name = g_dir_read_name (dir)) != NULL;) {
		if (!g_str_has_suffix (name, ".eml"))
			continue;
		char *path = g_build_filename (corpus_dir, name, NULL), *data;
		g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
		char **lines = g_strsplit (data, "\n", -1);
		for (guint i = 0; lines[i]; i++) {
			if (g_ascii_strncasecmp (lines[i], "Content-Type:", 13) != 0)
				continue;
			GString *value = g_string_new (lines[i] + 13);
			for (guint k = i + 1; lines[k] && (lines[k][0] == ' ' || lines[k][0] == '\t'); k++)
				g_string_append (value, lines[k]);
			g_strdelimit (value->str, "\r", ' ');
			check_content_type (value->str);
			g_string_free (value, TRUE);
			checked++;
		}
		g_strfreev (lines);
		g_free (data);
		g_free (path);
	}
	g_dir_close (dir);
	g_assert_cmpuint (checked, >, 50);
}

/* ---- dates read without GMime's tokenizer ---- */

static const char *const dates[] = {
	"Thu, 29 Apr 2013 23:45:32 +0900",
	"Thu, 29 Apr 2013 23:45:32 +0900 (JST)",
	"Mon, 6 May 2024 09:12:05 -0000",
	"Mon, 06 May 2024 09:12:05 +0000",
	"6 May 2024 09:12:05 -0700",
	"  Sun,  1 Dec 2024 00:00:00 +1400",
	"Sat, 29 Feb 2020 12:00:00 +0100",
	"Sat, 29 Feb 2021 12:00:00 +0100",
	"Wed, 31 Apr 2024 10:00:00 +0000",
	"Thu, 29 Apr 2013 23:45:60 +0900",
	"Thu, 29 Apr 2013 24:00:00 +0900",
	"Thu, 29 Apr 2013 23:45 +0900",
	"Thu, 29 Apr 13 23:45:32 +0900",
	"Thu, 29 Apr 2013 23:45:32 GMT",
	"Thu, 29 Apr 2013 23:45:32 +0900(JST)",
	"Thu, 29 Apr 2013 23:45:32 +0975",
	"Thu, 29 Apr 2013 23:45:32 +2500",
	"Thu, 29 Apr 2013 23:45:32",
	"Thursday, 29 April 2013 23:45:32 +0900",
	"Thu,29 Apr 2013 23:45:32 +0900",
	"thu, 29 APR 2013 23:45:32 +0900",
	"Fri, 1 Jan 1970 00:00:01 +0000",
	"Tue, 01 Jan 1971 00:00:00 +1400",
	"2024-05-06T09:12:05Z",
	"Mon May  6 09:12:05 2024",
	"",
	"garbage",
	/* Cut short anywhere (a mutation test found a read past the end). */
	"Thu, ",
	"Thu, 2",
	"Thu, 29 Apr 2013 23",
	"Thu, 29 Apr 2013 23:",
	"Thu, 29 Apr 2013 23:45:",
	"Thu, 29 Apr 2013 23:45:32 +",
	"Thu, 29 Apr 2013 23:45:32 +09",
};

static char *
gmime_iso (const char *date)
{
	GDateTime *dt = g_mime_utils_header_decode_date (date);
	char *iso = _ndr_date_time_to_iso8601 (dt);
	g_clear_pointer (&dt, g_date_time_unref);
	return iso;
}

static void
check_date (const char *date)
{
	char *ours = _ndr_date_to_iso8601 (date), *theirs = *date ? gmime_iso (date) : NULL;
	if (g_strcmp0 (ours, theirs) != 0)
		g_error ("%s: read as %s, GMime reads %s", date, ours, theirs);
	g_free (ours);
	g_free (theirs);
}

static void
test_dates (void)
{
	for (gsize i = 0; i < G_N_ELEMENTS (dates); i++)
		check_date (dates[i]);
}

/* Every Date and *-Date field of the corpus. */
static void
test_dates_corpus (void)
{
	GDir *dir = g_dir_open (corpus_dir, 0, NULL);
	g_assert_nonnull (dir);
	guint checked = 0;
	for (const char *name; (name = g_dir_read_name (dir)) != NULL;) {
		if (!g_str_has_suffix (name, ".eml"))
			continue;
		char *path = g_build_filename (corpus_dir, name, NULL), *data;
		g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
		char **lines = g_strsplit (data, "\n", -1);
		for (guint i = 0; lines[i]; i++) {
			const char *colon = strchr (lines[i], ':');
			if (colon == NULL || colon - lines[i] < 4 || g_ascii_strncasecmp (colon - 4, "Date", 4) != 0)
				continue;
			char *value = g_strdup (colon + 1);
			g_strdelimit (value, "\r", ' ');
			check_date (g_strstrip (value));
			g_free (value);
			checked++;
		}
		g_strfreev (lines);
		g_free (data);
		g_free (path);
	}
	g_dir_close (dir);
	g_assert_cmpuint (checked, >, 50);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	_ndr_ensure_gmime ();
	g_test_add_func ("/shortcuts/header-values", test_header_values);
	g_test_add_func ("/shortcuts/address-lists", test_address_lists);
	g_test_add_func ("/shortcuts/header-blocks", test_header_blocks);
	g_test_add_func ("/shortcuts/text-parts", test_text_parts);
	g_test_add_func ("/shortcuts/bounce-header", test_bounce_header);
	g_test_add_func ("/shortcuts/content-types", test_content_types);
	g_test_add_func ("/shortcuts/dates", test_dates);
	corpus_dir = argc > 1 ? argv[1] : NDR_CORPUS_DIR;
	g_test_add_func ("/shortcuts/bounce-header-corpus", test_bounce_header_corpus);
	g_test_add_func ("/shortcuts/parse-message-agrees", test_parse_message_agrees);
	g_test_add_func ("/shortcuts/content-types-corpus", test_content_types_corpus);
	g_test_add_func ("/shortcuts/dates-corpus", test_dates_corpus);
	return g_test_run ();
}
