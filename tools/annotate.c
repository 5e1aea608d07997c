/* annotate.c - ndrparse --annotate: a mail filter for procmail and Sieve.
 *
 * Copies the message on stdin to stdout, with X-Bounce-* header fields
 * added at the top of its header (after an mbox "From " line, which
 * procmail passes along), one group per record.  Everything else passes
 * byte for byte, but for X-Bounce-* fields the message already had: those
 * are renamed X-Bounce-Original-* (header-rename.h), so that no sender
 * can have a filter act on a verdict ndrparse never gave.  A message that
 * is not a bounce, or cannot be parsed at all, gets no field of ours.
 *
 * Only the first NDRPARSE_MAX_MESSAGE_SIZE + 1 bytes are held to be
 * decoded; the rest streams through, so a message of any size passes in
 * bounded memory.
 *
 * Exit status: 0 when the whole message was written (annotated or not);
 * 74 when reading stdin or writing stdout failed, so that procmail (with
 * the "w" flag) and Sieve's "filter" keep the original message.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "annotate.h"
#include "store-sink.h"
#include "bounce-fields.h"
#include "decode.h"
#include "header-rename.h"
#include "input-stream.h"
#include "whole-io.h"

#define HEAD_BYTES (NDRPARSE_MAX_MESSAGE_SIZE + 1)
#define COPY_BYTES (1 << 16)

/* Reads up to HEAD_BYTES of @in into a new array; NULL with @error. */
static GByteArray *
read_head (InputStream *in, GError **error)
{
	GByteArray *head = g_byte_array_new ();
	while (head->len < HEAD_BYTES) {
		guint old = head->len;
		gsize want = MIN (COPY_BYTES, HEAD_BYTES - old);
		g_byte_array_set_size (head, old + (guint) want);
		gssize n = input_stream_read (in, head->data + old, want, error);
		g_byte_array_set_size (head, old + (guint) MAX (n, 0));
		if (n < 0) {
			g_byte_array_unref (head);
			return NULL;
		}
		if (n == 0)
			break;
	}
	return head;
}

/* Past the blank lines from @at on (the library's own reading of them
 * is private: this tool uses the public API alone); @at itself when
 * nothing but blank lines follows. */
static gsize
after_blank_lines (const GByteArray *msg, gsize at)
{
	gsize start = at;
	for (gsize i = at; i < msg->len; i++) {
		guint8 c = msg->data[i];
		if (c == '\n')
			start = i + 1;
		else if (c != ' ' && c != '\t' && c != '\r')
			return start;
	}
	return at;
}

/* Where the header starts: after an mbox "From " line if there is one,
 * else after blank lines the message begins with (the library reads past
 * those, and only those); @eol is the message's own line end. */
static gsize
header_start (const GByteArray *msg, const char **eol)
{
	const guint8 *nl = memchr (msg->data, '\n', msg->len);
	*eol = nl && nl > msg->data && nl[-1] == '\r' ? "\r\n" : "\n";
	if (msg->len >= 5 && memcmp (msg->data, "From ", 5) == 0 && nl)
		return (gsize) (nl - msg->data) + 1;
	return after_blank_lines (msg, 0);
}

/* Writes @len bytes through @rename to stdout; FALSE when writing fails. */
static gboolean
write_renamed (HeaderRename *rename, const char *data, gsize len, GString *buf)
{
	if (header_rename_done (rename))
		return write_all (STDOUT_FILENO, data, len);
	g_string_truncate (buf, 0);
	header_rename_feed (rename, data, len, buf);
	return write_all (STDOUT_FILENO, buf->str, buf->len);
}

/* Copies the rest of @in to stdout; FALSE with @error, or with errno set
 * when writing failed. */
static gboolean
copy_rest (InputStream *in, HeaderRename *rename, GString *buf, gboolean *write_failed, GError **error)
{
	char chunk[COPY_BYTES];
	for (;;) {
		gssize n = input_stream_read (in, chunk, sizeof chunk, error);
		if (n < 0)
			return FALSE;
		if (n == 0)
			break;
		if (!write_renamed (rename, chunk, (gsize) n, buf)) {
			*write_failed = TRUE;
			return FALSE;
		}
	}
	g_string_truncate (buf, 0);
	header_rename_finish (rename, buf);
	if (!write_all (STDOUT_FILENO, buf->str, buf->len)) {
		*write_failed = TRUE;
		return FALSE;
	}
	return TRUE;
}

int
annotate_stdin (const DecodeOptions *options)
{
	GError *error = NULL;
	InputStream *in = input_stream_open ("-", INPUT_OPEN_RAW, &error);
	GByteArray *head = in ? read_head (in, &error) : NULL;
	if (head == NULL) {
		fprintf (stderr, "ndrparse: --annotate: reading the message: %s\n", error->message);
		g_error_free (error);
		input_stream_free (in);
		return ANNOTATE_EXIT_IO;
	}

	NdrparseReport *report = ndrparse_parse_bytes_with_rules (options->rules, head->data, head->len, NULL);
	if (report && options->verp)
		report = decode_apply_verp (report, options->verp);
	/* Stored before the message goes on: a caller that sees exit 0 knows
	 * both happened. */
	int store_status = report && options->store ? store_one_report (options->store, report, "-") : 0;
	const char *eol = "\n";
	gsize at = head->len ? header_start (head, &eol) : 0;
	GString *fields = bounce_fields (report, options, eol);
	ndrparse_report_unref (report);

	HeaderRename rename;
	header_rename_init (&rename);
	GString *buf = g_string_new (NULL);
	gboolean write_failed = FALSE;
	gboolean ok = write_all (STDOUT_FILENO, head->data, at) &&
		      write_all (STDOUT_FILENO, fields->str, fields->len) &&
		      write_renamed (&rename, (const char *) head->data + at, head->len - at, buf);
	if (!ok)
		write_failed = TRUE;
	else
		ok = copy_rest (in, &rename, buf, &write_failed, &error);
	if (write_failed)
		fprintf (stderr, "ndrparse: --annotate: writing the message: %s\n", g_strerror (errno));
	else if (!ok)
		fprintf (stderr, "ndrparse: --annotate: reading the message: %s\n", error->message);

	g_clear_error (&error);
	g_string_free (buf, TRUE);
	g_string_free (fields, TRUE);
	g_byte_array_unref (head);
	input_stream_free (in);
	return ok ? store_status : ANNOTATE_EXIT_IO;
}
