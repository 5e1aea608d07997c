/* test-bounds.c - the pre-scan that cuts raw messages to the header and
 * MIME limits before GMime parses them (ndr-bounds.c): messages within
 * the limits pass unchanged, byte for byte; each limit cuts exactly what
 * it documents, the way GMime reads the structure.
 *
 *   test-bounds CORPUS-DIR
 */
#include <string.h>

#include <glib/gstdio.h>

#include "ndrparse-private.h"

static const char *corpus_dir;

/* Runs the pre-scan with @flags over @text; the bytes it keeps, and the
 * cut in @cut. */
static GByteArray *
bound_with (const char *text, gsize len, NdrBoundsFlags flags, NdrparseTruncation *cut)
{
	GByteArray *array = g_byte_array_sized_new ((guint) len);
	g_byte_array_append (array, (const guint8 *) text, (guint) len);
	*cut = _ndr_bounds_apply (array, flags);
	return array;
}

static GByteArray *
bound (const char *text, gsize len, NdrparseTruncation *cut)
{
	return bound_with (text, len, NDR_BOUNDS_LIMITS_ONLY, cut);
}

static void
assert_unchanged (const char *text, gsize len, const char *what)
{
	NdrparseTruncation cut;
	GByteArray *out = bound (text, len, &cut);
	if (cut != NDRPARSE_TRUNCATED_NONE || out->len != len || memcmp (out->data, text, len) != 0)
		g_error ("%s: changed by the pre-scan (cut %#x, %u of %zu bytes kept)", what, cut, out->len, len);
	g_byte_array_unref (out);
}

/* @text, bounded with @flags, becomes @want with no limit reached, and
 * with the limits alone stays as it is. */
static void
assert_bound_to (const char *text, NdrBoundsFlags flags, const char *want, const char *what)
{
	NdrparseTruncation cut;
	GByteArray *array = bound_with (text, strlen (text), flags, &cut);
	g_assert_cmpint (cut, ==, NDRPARSE_TRUNCATED_NONE);
	g_assert_cmpmem (array->data, array->len, want, strlen (want));
	g_byte_array_unref (array);
	assert_unchanged (text, strlen (text), what);
}

static void
test_corpus_unchanged (void)
{
	GDir *dir = g_dir_open (corpus_dir, 0, NULL);
	g_assert_nonnull (dir);
	guint n = 0;
	for (const char *name; (name = g_dir_read_name (dir)) != NULL;) {
		if (!g_str_has_suffix (name, ".eml"))
			continue;
		char *path = g_build_filename (corpus_dir, name, NULL), *text;
		gsize len;
		g_assert_true (g_file_get_contents (path, &text, &len, NULL));
		assert_unchanged (text, len, path);
		g_free (text);
		g_free (path);
		n++;
	}
	g_dir_close (dir);
	g_assert_cmpuint (n, >, 50);
}

static void
test_folded_field (void)
{
	/* A To: folded over many lines keeps its first NDRPARSE_MAX_HEADER_LENGTH
	 * bytes; the field after it is whole. */
	GString *s = g_string_new ("To: a@example.org,\n");
	while (s->len < 4 * NDRPARSE_MAX_HEADER_LENGTH)
		g_string_append (s, " b@example.org,\n");
	g_string_append (s, "Subject: kept\n\nbody\n");
	NdrparseTruncation cut;
	GByteArray *out = bound (s->str, s->len, &cut);
	g_assert_cmpint (cut, ==, NDRPARSE_TRUNCATED_HEADER);
	char *text = g_strndup ((const char *) out->data, out->len);
	const char *subject = strstr (text, "\nSubject: kept\n\nbody\n");
	g_assert_nonnull (subject);
	/* The field's bytes, line ends not counted. */
	gsize field = 0;
	for (const char *p = text; p < subject; p++)
		field += *p != '\n';
	g_assert_cmpuint (field, ==, NDRPARSE_MAX_HEADER_LENGTH);
	g_free (text);
	g_byte_array_unref (out);
	g_string_free (s, TRUE);
}

static void
test_long_line_cut_at_character (void)
{
	/* A field of two-byte characters is cut between characters. */
	GString *s = g_string_new ("Subject: x");
	while (s->len < 2 * NDRPARSE_MAX_HEADER_LENGTH)
		g_string_append (s, "\xc3\xa9");
	g_string_append (s, "\r\n\r\nbody\r\n");
	NdrparseTruncation cut;
	GByteArray *out = bound (s->str, s->len, &cut);
	g_assert_cmpint (cut, ==, NDRPARSE_TRUNCATED_HEADER);
	const char *end = g_strstr_len ((const char *) out->data, out->len, "\r\n\r\nbody\r\n");
	g_assert_nonnull (end);
	g_assert_true (g_utf8_validate ((const char *) out->data, end - (const char *) out->data, NULL));
	g_assert_cmpuint (end - (const char *) out->data, <=, NDRPARSE_MAX_HEADER_LENGTH);
	g_assert_cmpuint (end - (const char *) out->data, >=, NDRPARSE_MAX_HEADER_LENGTH - 1);
	g_byte_array_unref (out);
	g_string_free (s, TRUE);
}

static void
test_field_count (void)
{
	/* Fields past NDRPARSE_MAX_HEADER_FIELDS are dropped whole, their
	 * folded lines too; the body stays. */
	GString *s = g_string_new (NULL);
	for (guint i = 0; i < NDRPARSE_MAX_HEADER_FIELDS + 50; i++)
		g_string_append_printf (s, "X-F%u: v\n  folded\n", i);
	g_string_append (s, "\nbody\n");
	NdrparseTruncation cut;
	GByteArray *out = bound (s->str, s->len, &cut);
	g_assert_cmpint (cut, ==, NDRPARSE_TRUNCATED_HEADER);
	char *text = g_strndup ((const char *) out->data, out->len);
	char *last = g_strdup_printf ("X-F%u: v\n  folded\n\nbody\n", NDRPARSE_MAX_HEADER_FIELDS - 1);
	g_assert_true (g_str_has_suffix (text, last));
	g_free (last);
	g_free (text);
	g_byte_array_unref (out);
	g_string_free (s, TRUE);
}

static void
test_header_bytes (void)
{
	/* Fields of 8 KiB each: the message keeps NDRPARSE_MAX_HEADER_BYTES of
	 * them, counted over the parts' headers as well. */
	char *value = g_strnfill (8192, 'v');
	GString *s = g_string_new ("Content-Type: multipart/mixed; boundary=\"b\"\n\n");
	gsize budget = 0;
	for (guint part = 0; budget < 2 * NDRPARSE_MAX_HEADER_BYTES; part++) {
		g_string_append (s, "--b\n");
		for (guint i = 0; i < 16; i++, budget += 8192)
			g_string_append_printf (s, "X-P%u: %s\n", i, value);
		g_string_append (s, "\ncontent\n");
	}
	g_string_append (s, "--b--\n");
	NdrparseTruncation cut;
	GByteArray *out = bound (s->str, s->len, &cut);
	g_assert_cmpint (cut, ==, NDRPARSE_TRUNCATED_HEADER);
	g_assert_cmpuint (out->len, <, NDRPARSE_MAX_HEADER_BYTES + 64 * 1024 + s->len / 16);
	/* Every boundary and body line survives. */
	char *text = g_strndup ((const char *) out->data, out->len);
	g_assert_true (g_str_has_suffix (text, "\ncontent\n--b--\n"));
	g_free (text);
	g_byte_array_unref (out);
	g_string_free (s, TRUE);
	g_free (value);
}

static void
test_parts_cut (void)
{
	GString *s = g_string_new ("Content-Type: multipart/mixed; boundary=\"b\"\n\npreamble\n");
	for (guint i = 0; i < NDRPARSE_MAX_MIME_PARTS + 5; i++)
		g_string_append_printf (s, "--b\nContent-Type: text/plain\n\npart %u\n", i);
	g_string_append (s, "--b--\n");
	NdrparseTruncation cut;
	GByteArray *out = bound (s->str, s->len, &cut);
	g_assert_cmpint (cut, ==, NDRPARSE_TRUNCATED_PARTS);
	char *text = g_strndup ((const char *) out->data, out->len);
	char *last = g_strdup_printf ("\n\npart %u\n", NDRPARSE_MAX_MIME_PARTS - 1);
	g_assert_true (g_str_has_suffix (text, last));
	g_free (last);
	g_free (text);
	g_byte_array_unref (out);
	g_string_free (s, TRUE);
}

static void
test_preamble_and_epilogue (void)
{
	/* A multipart's preamble and epilogue keep NDRPARSE_MAX_SCAN_BYTES;
	 * the parts between them and a leaf's content are whole. */
	char *line = g_strnfill (99, 'p');
	GString *s = g_string_new ("Content-Type: multipart/mixed; boundary=\"b\"\n\n");
	for (gsize i = 0; i < 2 * NDRPARSE_MAX_SCAN_BYTES / 100; i++)
		g_string_append_printf (s, "%s\n", line);
	g_string_append (s, "--b\nContent-Type: text/plain\n\n");
	gsize content_at = s->len;
	for (gsize i = 0; i < 2 * NDRPARSE_MAX_SCAN_BYTES / 100; i++)
		g_string_append_printf (s, "%s\n", line);
	gsize content_len = s->len - content_at;
	g_string_append (s, "--b--\n");
	for (gsize i = 0; i < 2 * NDRPARSE_MAX_SCAN_BYTES / 100; i++)
		g_string_append_printf (s, "%s\n", line);
	NdrparseTruncation cut;
	GByteArray *out = bound (s->str, s->len, &cut);
	g_assert_cmpint (cut, ==, NDRPARSE_TRUNCATED_SCAN);
	gsize header = strlen ("Content-Type: multipart/mixed; boundary=\"b\"\n\n");
	gsize part = strlen ("--b\nContent-Type: text/plain\n\n") + content_len + strlen ("--b--\n");
	gsize face = NDRPARSE_MAX_SCAN_BYTES / 100 * 100;
	g_assert_cmpuint (out->len, ==, header + face + part + face);
	g_byte_array_unref (out);
	g_string_free (s, TRUE);
	g_free (line);
}

static void
test_parent_boundary_ends_inner (void)
{
	/* An inner multipart left open by its outer boundary (GMime's
	 * BOUNDARY_PARENT): the parts after it count for the outer one, and a
	 * line like an inner boundary there is content. */
	const char *text =
		"Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
		"--outer\nContent-Type: multipart/alternative; boundary=\"inner\"\n\n"
		"--inner\nContent-Type: text/plain\n\na\n"
		"--outer\nContent-Type: text/plain\n\n--inner\nnot a boundary any more\n"
		"--outer--\nepilogue\n";
	assert_unchanged (text, strlen (text), "parent boundary");
}

/* The message a report returns after its delivery-status part keeps its
 * header and loses its body; a message before the delivery-status part
 * (a forwarded report may be inside) keeps everything. */
static void
test_returned_header_only (void)
{
#define RETURNED_HEADER "Content-Type: multipart/mixed; boundary=\"orig\"\nSubject: the original\n\n"
#define RETURNED_BODY "--orig\nContent-Type: text/html\n\n<p>big</p>\n--orig--\n"
	const char *head =
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\n\n"
		"--R\nContent-Type: text/plain\n\nIt failed.\n"
		"--R\nContent-Type: message/rfc822\n\nSubject: forwarded\n\nkept\n"
		"--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
		"Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n\n"
		"--R\nContent-Type: message/rfc822\n\n";
	char *text = g_strconcat (head, RETURNED_HEADER, RETURNED_BODY, "--R--\n", NULL);
	char *want = g_strconcat (head, RETURNED_HEADER, "--R--\n", NULL);

	assert_bound_to (text, NDR_BOUNDS_RETURNED_HEADER_ONLY, want, "returned message, limits only");

	/* The decoder still reads the returned message's header. */
	char *message = g_strconcat ("From: MAILER-DAEMON@mx.example.org\nMIME-Version: 1.0\n", text, NULL);
	NdrparseReport *report = ndrparse_parse_bytes (message, strlen (message), NULL);
	g_assert_nonnull (report);
	g_assert_cmpstr (ndrparse_report_get_subject (report), ==, "the original");
	ndrparse_report_unref (report);
	g_free (message);
	g_free (text);
	g_free (want);
#undef RETURNED_HEADER
#undef RETURNED_BODY
}

/* NDR_BOUNDS_PART_TYPE_ONLY: a MIME part's header keeps its Content-Type
 * and Content-Transfer-Encoding alone; a message's header (the top one,
 * the one a message/rfc822 part holds) keeps every field; no limit is
 * reported reached. */
static void
test_part_type_only (void)
{
#define TOP "Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\nX-Top: kept\n\n"
#define STATUS "Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n\n"
#define INNER "Subject: the original\nContent-Description: kept in a message\nX-Inner: kept\n\nbody\n"
	const char *text =
		TOP
		"--R\nContent-Type: text/plain; charset=us-ascii\nContent-Description: Notification\n"
		"Content-Transfer-Encoding: 7bit\nContent-Disposition: inline\n\nIt failed.\n"
		"--R\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\n" STATUS
		"--R\nContent-Type: message/rfc822\nContent-Description:\n Undelivered Message\n\n" INNER
		"--R--\n";
	const char *want =
		TOP
		"--R\nContent-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n\nIt failed.\n"
		"--R\nContent-Type: message/delivery-status\n\n" STATUS
		"--R\nContent-Type: message/rfc822\n\n" INNER
		"--R--\n";
	assert_bound_to (text, NDR_BOUNDS_PART_TYPE_ONLY, want, "part headers, limits only");
#undef TOP
#undef STATUS
#undef INNER
}

/* _ndr_bounds_apply_taking(): the returned message's header leaves the
 * bytes GMime reads, whole (blank line included), for the decoder; each
 * message entity has its element in document order; a header that a
 * boundary ends without a blank line is taken too. */
static void
test_returned_header_taken (void)
{
	const char *head =
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\n\n"
		"--R\nContent-Type: message/rfc822\n\nSubject: forwarded\n\nkept\n"
		"--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
		"Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n\n"
		"--R\nContent-Type: message/rfc822\n\n";
	const char *returned = "Subject: the original\nMessage-ID: <o@example.org>\n\n";
	char *text = g_strconcat (head, returned, "body\n--R\nContent-Type: message/rfc822\n\n",
				  "Subject: second, ended by a boundary\n--R--\n", NULL);
	char *want = g_strconcat (head, "--R\nContent-Type: message/rfc822\n\n--R--\n", NULL);

	GByteArray *array = g_byte_array_new ();
	g_byte_array_append (array, (const guint8 *) text, (guint) strlen (text));
	GPtrArray *taken = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
	NdrparseTruncation cut = _ndr_bounds_apply_taking (array, NDR_BOUNDS_RETURNED_HEADER_ONLY, taken);
	g_assert_cmpint (cut, ==, NDRPARSE_TRUNCATED_NONE);
	g_assert_cmpmem (array->data, array->len, want, strlen (want));
	g_assert_cmpuint (taken->len, ==, 3);
	g_assert_null (g_ptr_array_index (taken, 0));   /* before the report: stays */
	gsize len;
	const char *data = g_bytes_get_data (g_ptr_array_index (taken, 1), &len);
	g_assert_cmpmem (data, len, returned, strlen (returned));
	data = g_bytes_get_data (g_ptr_array_index (taken, 2), &len);
	g_assert_cmpmem (data, len, "Subject: second, ended by a boundary\n", 37);
	g_ptr_array_unref (taken);
	g_byte_array_unref (array);

	/* The decoder reads the first returned message's header from there. */
	char *message = g_strconcat ("From: MAILER-DAEMON@mx.example.org\nMIME-Version: 1.0\n", text, NULL);
	NdrparseReport *report = ndrparse_parse_bytes (message, strlen (message), NULL);
	g_assert_nonnull (report);
	g_assert_cmpstr (ndrparse_report_get_subject (report), ==, "the original");
	g_assert_cmpstr (ndrparse_report_get_message_id (report), ==, "o@example.org");
	ndrparse_report_unref (report);
	g_free (message);
	g_free (text);
	g_free (want);
}

/* GMime reads the last Content-Type of a header block: a block with two
 * is bounded as the second says (here a message/rfc822 whose folded
 * header would otherwise reach GMime whole). */
static void
test_last_content_type (void)
{
	GString *s = g_string_new ("From: a@example.org\nMIME-Version: 1.0\n"
				   "Content-Type: multipart/mixed; boundary=\"never\"\n"
				   "Content-Type: message/rfc822\n\n"
				   "From: b@example.org\nTo: c@example.org,\n");
	for (int i = 0; i < 20000; i++)
		g_string_append (s, " d@example.org,\n");
	g_string_append (s, "\nbody\n");
	NdrparseTruncation cut;
	GByteArray *out = bound (s->str, s->len, &cut);
	g_assert_cmpint (cut, ==, NDRPARSE_TRUNCATED_HEADER);
	g_assert_cmpuint (out->len, <, 2 * NDRPARSE_MAX_HEADER_LENGTH + 200);
	g_byte_array_unref (out);
	g_string_free (s, TRUE);
}

static void
test_depth_cut (void)
{
	GString *s = g_string_new (NULL);
	for (guint i = 0; i < NDRPARSE_MAX_MIME_DEPTH + 3; i++)
		g_string_append_printf (s, "Content-Type: multipart/mixed; boundary=\"b%u\"\n\n--b%u\n", i, i);
	g_string_append (s, "Content-Type: text/plain\n\ndeep\n");
	NdrparseTruncation cut;
	GByteArray *out = bound (s->str, s->len, &cut);
	g_assert_cmpint (cut, ==, NDRPARSE_TRUNCATED_DEPTH);
	char *text = g_strndup ((const char *) out->data, out->len);
	char *last = g_strdup_printf ("boundary=\"b%u\"\n\n", NDRPARSE_MAX_MIME_DEPTH);
	g_assert_true (g_str_has_suffix (text, last));
	g_free (last);
	g_free (text);
	g_byte_array_unref (out);
	g_string_free (s, TRUE);

	/* message/rfc822 levels count too, unless transfer-encoded (GMime
	 * then reads the part as an opaque leaf). */
	s = g_string_new (NULL);
	for (guint i = 0; i < NDRPARSE_MAX_MIME_DEPTH + 3; i++)
		g_string_append (s, "Content-Type: message/rfc822\n\n");
	out = bound (s->str, s->len, &cut);
	g_assert_cmpint (cut, ==, NDRPARSE_TRUNCATED_DEPTH);
	g_byte_array_unref (out);
	g_string_truncate (s, 0);
	for (guint i = 0; i < NDRPARSE_MAX_MIME_DEPTH + 3; i++)
		g_string_append (s, "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n");
	assert_unchanged (s->str, s->len, "encoded message/rfc822");
	g_string_free (s, TRUE);
}

static void
test_digest_parts_are_messages (void)
{
	/* A multipart/digest's parts without Content-Type are messages: their
	 * headers are headers, their fields count. */
	GString *s = g_string_new ("Content-Type: multipart/digest; boundary=\"d\"\n\n");
	for (guint i = 0; i < 3; i++) {
		g_string_append (s, "--d\n\n");
		for (guint k = 0; k < NDRPARSE_MAX_HEADER_FIELDS / 2; k++)
			g_string_append (s, "X-A: b\n");
		g_string_append (s, "\nbody\n");
	}
	g_string_append (s, "--d--\n");
	NdrparseTruncation cut;
	GByteArray *out = bound (s->str, s->len, &cut);
	g_assert_cmpint (cut, ==, NDRPARSE_TRUNCATED_HEADER);
	g_byte_array_unref (out);
	g_string_free (s, TRUE);
}

static void
test_end_to_end (void)
{
	/* A DSN behind a header field folded over 4 MB is still decoded, and
	 * says the message was cut. */
	GString *s = g_string_new ("From: MAILER-DAEMON@mx.example.org\nTo: a@example.org,\n");
	while (s->len < 4 * 1024 * 1024)
		g_string_append (s, " b@example.org,\n");
	g_string_append (s, " c@example.org\nMIME-Version: 1.0\n"
			 "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
			 "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
			 "Final-Recipient: rfc822; u@example.net\nAction: failed\nStatus: 5.1.1\n\n--b--\n");
	GError *error = NULL;
	NdrparseReport *report = ndrparse_parse_bytes (s->str, s->len, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 1);
	g_assert_true (ndrparse_report_get_truncated (report) & NDRPARSE_TRUNCATED_HEADER);
	ndrparse_report_unref (report);
	g_string_free (s, TRUE);
}

static void
test_bare_cr_message (void)
{
	/* A message GMime parsed from CR-only bytes gives the records the
	 * same bytes give through ndrparse_parse_file(). */
	char *path = g_build_filename (corpus_dir, "violation-cr-only.eml", NULL), *text;
	gsize len;
	g_assert_true (g_file_get_contents (path, &text, &len, NULL));
	GError *error = NULL;
	NdrparseReport *by_file = ndrparse_parse_file (path, &error);
	g_assert_no_error (error);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer (text, len);
	GMimeParser *parser = g_mime_parser_new_with_stream (stream);
	GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
	g_assert_nonnull (message);
	NdrparseReport *by_message = ndrparse_parse_message (message, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (ndrparse_report_get_n_records (by_file), ==, 1);
	g_assert_cmpuint (ndrparse_report_get_n_records (by_message), ==, 1);
	const NdrparseRecord *a = ndrparse_report_get_record (by_file, 0);
	const NdrparseRecord *b = ndrparse_report_get_record (by_message, 0);
	g_assert_cmpstr (ndrparse_record_get_recipient (a), ==, ndrparse_record_get_recipient (b));
	g_assert_cmpstr (ndrparse_record_get_status (a), ==, ndrparse_record_get_status (b));
	g_assert_cmpstr (ndrparse_reason_get_name (ndrparse_record_get_reason (a)), ==, ndrparse_reason_get_name (ndrparse_record_get_reason (b)));
	g_assert_cmpstr (ndrparse_report_get_subject (by_file), ==, ndrparse_report_get_subject (by_message));
	ndrparse_report_unref (by_file);
	ndrparse_report_unref (by_message);
	g_object_unref (message);
	g_object_unref (parser);
	g_object_unref (stream);
	g_free (text);
	g_free (path);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_mime_init ();
	if (argc < 2) {
		g_printerr ("usage: test-bounds CORPUS-DIR\n");
		return 2;
	}
	corpus_dir = argv[1];
	g_test_add_func ("/bounds/corpus-unchanged", test_corpus_unchanged);
	g_test_add_func ("/bounds/returned-header-only", test_returned_header_only);
	g_test_add_func ("/bounds/returned-header-taken", test_returned_header_taken);
	g_test_add_func ("/bounds/part-type-only", test_part_type_only);
	g_test_add_func ("/bounds/last-content-type", test_last_content_type);
	g_test_add_func ("/bounds/folded-field", test_folded_field);
	g_test_add_func ("/bounds/long-line-cut-at-character", test_long_line_cut_at_character);
	g_test_add_func ("/bounds/field-count", test_field_count);
	g_test_add_func ("/bounds/header-bytes", test_header_bytes);
	g_test_add_func ("/bounds/parts", test_parts_cut);
	g_test_add_func ("/bounds/preamble-and-epilogue", test_preamble_and_epilogue);
	g_test_add_func ("/bounds/parent-boundary-ends-inner", test_parent_boundary_ends_inner);
	g_test_add_func ("/bounds/depth", test_depth_cut);
	g_test_add_func ("/bounds/digest-parts-are-messages", test_digest_parts_are_messages);
	g_test_add_func ("/bounds/end-to-end", test_end_to_end);
	g_test_add_func ("/bounds/bare-cr-message", test_bare_cr_message);
	return g_test_run ();
}
