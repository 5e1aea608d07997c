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
		_ndr_walk_message (message, &walk);
		const char *ours = _ndr_walk_notification_text (&walk);
		g_assert_cmpstr (ours, ==, gmime);
		_ndr_walk_clear (&walk);
		g_free (gmime);
		g_object_unref (message);
		g_free (text);
	}
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
	return g_test_run ();
}
