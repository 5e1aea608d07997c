/* make-hostile.c - writes the hostile input set into a directory.
 *
 *   make-hostile OUTDIR
 *
 * Each file is one kind of input a bounce mailbox receives from broken
 * MTAs and from people who want to break its readers: truncated MIME,
 * garbage, NUL bytes, deep nesting, huge counts and sizes, lying charsets
 * and encodings, odd line ends, damaged mbox separators, and the shapes
 * that make a MIME parser's memory grow far beyond the input (a million
 * empty parts or header fields, a header folded over megabytes, a huge
 * epilogue, deep boundaries that lines nearly match, a gzip bomb).  The
 * set is made from a fixed seed, so every run writes the same bytes.
 *
 *   make-hostile [--shapes MB] OUTDIR
 *
 * With --shapes, only the memory shapes are written, each of about MB
 * megabytes: run at two sizes, they show time and memory grow at most
 * linearly with the input (the README's resource figures).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>

static const char *outdir;

static void
write_file (const char *name, const GString *s)
{
	char *path = g_build_filename (outdir, name, NULL);
	GError *error = NULL;
	if (!g_file_set_contents (path, s->str, (gssize) s->len, &error)) {
		fprintf (stderr, "make-hostile: %s\n", error->message);
		exit (1);
	}
	g_free (path);
}

#define BOUNDARY "=_hostile_boundary"

/* A well-formed DSN, the base the broken ones are made from. */
static GString *
base_dsn (const char *line_end)
{
	static const char *const lines[] = {
		"Return-Path: <>",
		"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>",
		"To: sender@example.com",
		"Subject: Undelivered Mail Returned to Sender",
		"Date: Mon, 6 May 2024 09:12:05 +0000",
		"Message-ID: <hostile-base@mx.example.org>",
		"MIME-Version: 1.0",
		"Content-Type: multipart/report; report-type=delivery-status;",
		"\tboundary=\"" BOUNDARY "\"",
		"",
		"--" BOUNDARY,
		"Content-Type: text/plain; charset=us-ascii",
		"",
		"<bob@example.net>: host mx.example.net[192.0.2.1] said: 550 5.1.1",
		"    <bob@example.net>: Recipient address rejected: User unknown",
		"    (in reply to RCPT TO command)",
		"",
		"--" BOUNDARY,
		"Content-Type: message/delivery-status",
		"",
		"Reporting-MTA: dns; mx.example.org",
		"",
		"Final-Recipient: rfc822; bob@example.net",
		"Action: failed",
		"Status: 5.1.1",
		"Remote-MTA: dns; mx.example.net",
		"Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>: User unknown",
		"",
		"--" BOUNDARY,
		"Content-Type: message/rfc822",
		"",
		"From: sender@example.com",
		"To: bob@example.net",
		"Subject: hello",
		"Message-ID: <hello@example.com>",
		"",
		"Hello Bob.",
		"",
		"--" BOUNDARY "--",
		"",
	};
	GString *s = g_string_new (NULL);
	for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
		g_string_append_printf (s, "%s%s", lines[i], line_end);
	return s;
}

/* The base cut just before, and just after, every boundary line. */
static void
truncated_at_boundaries (void)
{
	GString *base = base_dsn ("\n");
	const char *p = base->str;
	int n = 0;
	while ((p = strstr (p, "--" BOUNDARY)) != NULL) {
		gsize offsets[2] = { (gsize) (p - base->str), (gsize) (p - base->str) + strlen ("--" BOUNDARY) };
		for (int k = 0; k < 2; k++) {
			GString *cut = g_string_new_len (base->str, (gssize) offsets[k]);
			char name[64];
			g_snprintf (name, sizeof name, "truncated-boundary-%d%s.eml", n, k ? "-after" : "");
			write_file (name, cut);
			g_string_free (cut, TRUE);
		}
		n++;
		p += 2;
	}
	g_string_free (base, TRUE);
}

static void
binary_garbage (void)
{
	GRand *rand = g_rand_new_with_seed (1);
	GString *s = g_string_sized_new (1 << 20);
	for (int i = 0; i < (1 << 20); i++)
		g_string_append_c (s, (char) g_rand_int_range (rand, 0, 256));
	write_file ("binary-garbage.eml", s);
	g_string_free (s, TRUE);
	g_rand_free (rand);
}

static void
nul_bytes (void)
{
	GString *s = base_dsn ("\n");
	/* A NUL inside a header, inside the recipient field and in the body. */
	for (gsize i = 40; i < s->len; i += 97)
		s->str[i] = '\0';
	write_file ("nul-bytes.eml", s);
	g_string_free (s, TRUE);
}

static void
deep_nesting (int depth)
{
	GString *s = g_string_new (NULL);
	for (int i = 0; i < depth; i++)
		g_string_append_printf (s, "From: layer%d@example.org\nSubject: layer %d\n"
				       "MIME-Version: 1.0\nContent-Type: message/rfc822\n\n", i, i);
	GString *inner = base_dsn ("\n");
	g_string_append_len (s, inner->str, (gssize) inner->len);
	g_string_free (inner, TRUE);
	write_file ("nested-rfc822-1000.eml", s);
	g_string_free (s, TRUE);

	/* The same depth of multiparts. */
	s = g_string_new ("From: a@example.org\nSubject: deep\nMIME-Version: 1.0\n");
	for (int i = 0; i < depth; i++)
		g_string_append_printf (s, "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i);
	g_string_append (s, "Content-Type: text/plain\n\n550 5.1.1 <x@example.net>: User unknown\n");
	for (int i = depth - 1; i >= 0; i--)
		g_string_append_printf (s, "--b%d--\n", i);
	write_file ("nested-multipart-1000.eml", s);
	g_string_free (s, TRUE);
}

static GString *
dsn_head (void)
{
	return g_string_new ("From: MAILER-DAEMON@mx.example.org\nTo: sender@example.com\n"
			     "Subject: Delivery Status Notification (Failure)\nMIME-Version: 1.0\n"
			     "Content-Type: multipart/report; report-type=delivery-status; boundary=\"" BOUNDARY "\"\n\n"
			     "--" BOUNDARY "\nContent-Type: text/plain\n\nDelivery failed.\n\n"
			     "--" BOUNDARY "\nContent-Type: message/delivery-status\n\n"
			     "Reporting-MTA: dns; mx.example.org\n\n");
}

/* A GroupWise report naming @n users by their local part alone, whose
 * returned message has @to recipients to complete them from: each line
 * must not cost a pass over them all. */
static void
many_local_parts (int n, int to)
{
	GString *s = g_string_new ("From: Mail Delivery System <postmaster@gw.example.org>\n"
				   "To: sender@example.com\nSubject: Message status - undeliverable\n"
				   "X-Mailer: GroupWise Internet Agent 18.2.1\nMIME-Version: 1.0\n"
				   "Content-Type: multipart/mixed; boundary=\"" BOUNDARY "\"\n\n--" BOUNDARY "\n"
				   "Content-Type: text/plain\n\n"
				   "The message that you sent was undeliverable to the following:\n");
	for (int i = 0; i < n; i++)
		g_string_append_printf (s, "\tu%d (User not on post office)\n", i);
	g_string_append (s, "\nPossibly truncated original message follows:\n\n--" BOUNDARY "\n"
			 "Content-Type: message/rfc822\n\nFrom: sender@example.com\nTo: ");
	for (int i = 0; i < to; i++)
		g_string_append_printf (s, "%suser%d@gw.example.org", i ? ", " : "", i);
	g_string_append (s, "\nSubject: x\n\nx\n--" BOUNDARY "--\n");
	write_file ("local-parts-19000.eml", s);
	g_string_free (s, TRUE);
}

static void
many_recipients (int n)
{
	GString *s = dsn_head ();
	for (int i = 0; i < n; i++)
		g_string_append_printf (s, "Final-Recipient: rfc822; user%d@example.net\nAction: failed\n"
				       "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user%d: User unknown\n\n", i, i);
	g_string_append (s, "--" BOUNDARY "--\n");
	write_file ("recipients-10000.eml", s);
	g_string_free (s, TRUE);
}

static void
huge_header_line (gsize size)
{
	GString *s = g_string_new ("From: MAILER-DAEMON@mx.example.org\nSubject: ");
	for (gsize i = 0; i < size; i++)
		g_string_append_c (s, (char) ('a' + i % 26));
	g_string_append (s, "\n");
	GString *rest = base_dsn ("\n");
	g_string_append_len (s, rest->str, (gssize) rest->len);
	g_string_free (rest, TRUE);
	write_file ("header-line-10mb.eml", s);
	g_string_free (s, TRUE);
}

static void
charsets (void)
{
	static const struct {
		const char *name;
		const char *charset;
		const char *text;
	} cases[] = {
		{ "charset-unknown.eml", "x-no-such-charset", "Benutzer unbekannt: \xfc\xe4\xf6 <bob@example.net>" },
		{ "charset-lying-utf8.eml", "utf-8", "Utilisateur inconnu \xe9\xe8\xff\xfe <bob@example.net>" },
		{ "charset-lying-iso2022jp.eml", "iso-2022-jp", "\x1b$B\xff\xfe\x1b(B\x1b$ <bob@example.net> user unknown" },
		{ "charset-utf16-claimed.eml", "utf-16", "550 5.1.1 <bob@example.net> User unknown" },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		GString *s = g_string_new (NULL);
		g_string_append_printf (s, "From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail\n"
				       "MIME-Version: 1.0\nContent-Type: text/plain; charset=\"%s\"\n"
				       "Content-Transfer-Encoding: 8bit\n\n%s\n", cases[i].charset, cases[i].text);
		write_file (cases[i].name, s);
		g_string_free (s, TRUE);
	}
}

static void
bad_base64 (void)
{
	GString *s = dsn_head ();
	g_string_truncate (s, s->len - strlen ("Reporting-MTA: dns; mx.example.org\n\n"));
	/* Undo the last part header: this DSN part claims base64 and is not. */
	g_string_truncate (s, s->len - strlen ("Content-Type: message/delivery-status\n\n"));
	g_string_append (s, "Content-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\n"
			 "!!!! this is ~~~ not base64 at all ==== ***\n\x01\x02\xff====AAAA=\n\n"
			 "--" BOUNDARY "--\n");
	write_file ("base64-not-base64.eml", s);
	g_string_free (s, TRUE);
}

static void
huge_dsn_part (gsize size)
{
	GString *s = dsn_head ();
	g_string_append (s, "Final-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 5.0.0\n"
			 "Diagnostic-Code: smtp; 550");
	while (s->len < size)
		g_string_append (s, "\n  continued diagnostic text that never ends 550 5.7.1 blocked");
	g_string_append (s, "\n\n--" BOUNDARY "--\n");
	write_file ("delivery-status-5mb.eml", s);
	g_string_free (s, TRUE);
}

static void
cr_only (void)
{
	GString *s = base_dsn ("\r");
	write_file ("cr-only-line-ends.eml", s);
	g_string_free (s, TRUE);
}

static void
damaged_mbox (void)
{
	GString *s = g_string_new (NULL);
	GString *dsn = base_dsn ("\n");
	static const char *const separators[] = {
		"From MAILER-DAEMON Mon May  6 09:12:05 2024\n",
		"From\n",                                   /* no sender, no date */
		"From MAILER-DAEMON garbage-instead-of-a-date\n",
		"From  \n",
		"From MAILER-DAEMON Mon May  6 09:12:05 2024\n",
	};
	for (gsize i = 0; i < G_N_ELEMENTS (separators); i++) {
		g_string_append (s, separators[i]);
		if (i == 2)
			g_string_append (s, "\x01\x02 not a header at all\n\n>From the body\n");
		else
			g_string_append_len (s, dsn->str, (gssize) dsn->len);
		g_string_append (s, "\n");
	}
	write_file ("mbox-damaged-from-lines.mbox", s);
	g_string_free (s, TRUE);
	g_string_free (dsn, TRUE);
}

static void
small_oddities (void)
{
	GString *s = g_string_new (NULL);
	write_file ("empty.eml", s);
	g_string_assign (s, "\n\n\n");
	write_file ("blank-lines.eml", s);
	g_string_assign (s, "Subject: only a header, no end");
	write_file ("header-no-newline.eml", s);
	g_string_assign (s, "Content-Type: multipart/report; boundary=\"\"\n\n--\n--\n----\n");
	write_file ("empty-boundary.eml", s);
	g_string_free (s, TRUE);
}


/* ---- shapes that make memory grow beyond the input ---- */

#define MB (1024 * 1024)

/* A DSN of one recipient, as the tail of a hostile message: whatever the
 * shape before it does, a bounce is still there to find. */
static void
append_dsn_parts (GString *s)
{
	g_string_append (s, "--" BOUNDARY "\nContent-Type: message/delivery-status\n\n"
			 "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; bob@example.net\n"
			 "Action: failed\nStatus: 5.1.1\n\n--" BOUNDARY "--\n");
}

static void
empty_parts (gsize bytes, const char *name)
{
	GString *s = g_string_new ("From: MAILER-DAEMON@mx.example.org\nSubject: parts\nMIME-Version: 1.0\n"
				   "Content-Type: multipart/report; report-type=delivery-status; boundary=\"" BOUNDARY "\"\n\n");
	append_dsn_parts (s);
	g_string_truncate (s, s->len - strlen ("--" BOUNDARY "--\n"));
	while (s->len < bytes)
		g_string_append (s, "--" BOUNDARY "\n\n");
	g_string_append (s, "--" BOUNDARY "--\n");
	write_file (name, s);
	g_string_free (s, TRUE);
}

static void
folded_header (gsize bytes, const char *name)
{
	GString *s = g_string_new ("From: MAILER-DAEMON@mx.example.org\nTo: a@example.org,\n");
	while (s->len < bytes)
		g_string_append (s, " b@example.org,\n");
	g_string_append (s, " c@example.org\n");
	GString *rest = base_dsn ("\n");
	g_string_append_len (s, rest->str, (gssize) rest->len);
	g_string_free (rest, TRUE);
	write_file (name, s);
	g_string_free (s, TRUE);
}

static void
many_fields (gsize bytes, const char *name)
{
	GString *s = g_string_new ("From: MAILER-DAEMON@mx.example.org\n");
	while (s->len < bytes)
		g_string_append (s, "X-A: b\n");
	GString *rest = base_dsn ("\n");
	g_string_append_len (s, rest->str, (gssize) rest->len);
	g_string_free (rest, TRUE);
	write_file (name, s);
	g_string_free (s, TRUE);
}

static void
huge_epilogue (gsize bytes, const char *name)
{
	GString *s = base_dsn ("\n");
	while (s->len < bytes)
		g_string_append (s, "an epilogue line nobody reads, again and again and again\n");
	write_file (name, s);
	g_string_free (s, TRUE);
}

/* NDRPARSE_MAX_MIME_DEPTH nested multiparts with long boundaries, then
 * lines that match every boundary but for its last character: each line
 * is compared with the whole boundary stack. */
static void
near_miss_boundaries (gsize bytes, const char *name)
{
	char stem[71];
	memset (stem, 'q', 69);
	stem[69] = '\0';
	GString *s = g_string_new ("From: MAILER-DAEMON@mx.example.org\nSubject: deep\nMIME-Version: 1.0\n");
	for (int i = 0; i < 64; i++)
		g_string_append_printf (s, "Content-Type: multipart/mixed; boundary=\"%s%c\"\n\n--%s%c\n",
					stem, 'A' + i % 26, stem, 'A' + i % 26);
	g_string_append (s, "Content-Type: text/plain\n\n");
	while (s->len < bytes)
		g_string_append_printf (s, "--%s\n", stem);
	write_file (name, s);
	g_string_free (s, TRUE);
}

/* An mbox whose middle message has a header folded over @bytes (over the
 * size limit when @bytes is): the messages around it are decoded. */
static void
mbox_with_folded_header (gsize bytes, const char *name)
{
	GString *s = g_string_new ("From MAILER-DAEMON Mon May  6 09:12:05 2024\n");
	GString *dsn = base_dsn ("\n");
	g_string_append_len (s, dsn->str, (gssize) dsn->len);
	g_string_append (s, "\nFrom MAILER-DAEMON Mon May  6 09:12:06 2024\nFrom: x@example.org\nTo: a@example.org,\n");
	gsize start = s->len;
	while (s->len - start < bytes)
		g_string_append (s, " b@example.org,\n");
	g_string_append (s, " c@example.org\nSubject: folded\n\nbody\n\nFrom MAILER-DAEMON Mon May  6 09:12:07 2024\n");
	g_string_append_len (s, dsn->str, (gssize) dsn->len);
	write_file (name, s);
	g_string_free (s, TRUE);
	g_string_free (dsn, TRUE);
}

/* @bytes of zeros, gzip-compressed (a thousand to one): read as a
 * message, at most NDRPARSE_MAX_MESSAGE_SIZE of them are. */
static void
gzip_bomb (gsize bytes, const char *name)
{
	GConverter *gz = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9));
	static char zeros[1 << 16];
	GString *s = g_string_new (NULL);
	char out[1 << 16];
	for (gsize done = 0;;) {
		gsize n = MIN (sizeof zeros, bytes - done), used = 0, written = 0;
		gboolean last = done + n == bytes;
		GConverterResult r = g_converter_convert (gz, zeros, n, out, sizeof out,
							  last ? G_CONVERTER_INPUT_AT_END : 0, &used, &written, NULL);
		g_string_append_len (s, out, (gssize) written);
		done += used;
		if (r == G_CONVERTER_FINISHED || r == G_CONVERTER_ERROR)
			break;
	}
	write_file (name, s);
	g_string_free (s, TRUE);
	g_object_unref (gz);
}

static void
memory_shapes (gsize mb)
{
	char name[80];
#define SHAPE(fn, fmt) (g_snprintf (name, sizeof name, fmt, (unsigned) mb), fn (mb * MB, name))
	SHAPE (empty_parts, "shape-empty-parts-%umb.eml");
	SHAPE (folded_header, "shape-folded-header-%umb.eml");
	SHAPE (folded_header, "shape-folded-header-%umb.stdin");
	SHAPE (many_fields, "shape-header-fields-%umb.eml");
	SHAPE (huge_epilogue, "shape-epilogue-%umb.eml");
	SHAPE (near_miss_boundaries, "shape-near-miss-boundaries-%umb.eml");
	SHAPE (mbox_with_folded_header, "shape-mbox-folded-header-%umb.mbox");
	SHAPE (mbox_with_folded_header, "shape-mbox-folded-header-%umb.stdin");
	SHAPE (gzip_bomb, "shape-gzip-bomb-%umb.eml.gz");
#undef SHAPE
}

int
main (int argc, char **argv)
{
	gsize shapes_mb = 0;
	if (argc == 4 && strcmp (argv[1], "--shapes") == 0) {
		shapes_mb = (gsize) g_ascii_strtoull (argv[2], NULL, 10);
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf (stderr, "usage: make-hostile [--shapes MB] OUTDIR\n");
		return 2;
	}
	outdir = argv[1];
	if (g_mkdir_with_parents (outdir, 0755) != 0) {
		fprintf (stderr, "make-hostile: %s: %s\n", outdir, g_strerror (errno));
		return 1;
	}
	if (shapes_mb > 0) {
		memory_shapes (shapes_mb);
		return 0;
	}
	truncated_at_boundaries ();
	binary_garbage ();
	nul_bytes ();
	deep_nesting (1000);
	many_recipients (10000);
	many_local_parts (19000, 3000);
	huge_header_line (10 * 1024 * 1024);
	charsets ();
	bad_base64 ();
	huge_dsn_part (5 * 1024 * 1024);
	cr_only ();
	damaged_mbox ();
	small_oddities ();
	/* The memory shapes at 20 MB, and the folded mbox header over the
	 * size limit. */
	memory_shapes (20);
	mbox_with_folded_header (80 * MB, "shape-mbox-folded-header-80mb.mbox");
	return 0;
}
