/* annotate.c - ndrparse --annotate: a mail filter for procmail and Sieve.
 *
 * Reads one message on stdin and writes it to stdout byte for byte, with
 * X-Bounce-* header fields added at the top of its header (after an mbox
 * "From " line, which procmail passes along).  A message that is not a
 * bounce, or cannot be parsed at all, comes out unchanged.  The added
 * lines end as the message's own first line does (CRLF or LF).
 *
 * Exit status: 0 when the whole message was written (annotated or not);
 * 74 when reading stdin or writing stdout failed, so that procmail (with
 * the "w" flag) and Sieve's "filter" keep the original message.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "annotate.h"
#include "decode.h"
#include "record-print.h"
#include "whole-io.h"

/* Header values come from untrusted bounces: one line, no control
 * characters, bounded. */
static void
append_value (GString *out, const char *value)
{
	if (value == NULL || *value == '\0') {
		g_string_append_c (out, '-');
		return;
	}
	gsize n = 0;
	for (const char *p = value; *p && n < 256; p++, n++)
		g_string_append_c (out, (guchar) *p < 0x20 || *p == 0x7f ? ' ' : *p);
}

static void
append_field (GString *out, const char *name, const char *value, const char *eol)
{
	g_string_append_printf (out, "%s: ", name);
	append_value (out, value);
	g_string_append (out, eol);
}

/* The X-Bounce-* fields for @report's records, or "" for none. */
static GString *
bounce_fields (NdrparseReport *report, const DecodeOptions *options, const char *eol)
{
	GString *out = g_string_new (NULL);
	for (guint i = 0; report && i < ndrparse_report_get_n_records (report); i++) {
		const NdrparseRecord *record = ndrparse_report_get_record (report, i);
		if (!record_wanted (record, options))
			continue;
		append_field (out, "X-Bounce-Recipient", ndrparse_record_get_recipient (record), eol);
		append_field (out, "X-Bounce-Status", ndrparse_record_get_status (record), eol);
		append_field (out, "X-Bounce-Reason", ndrparse_record_get_reason (record), eol);
		append_field (out, "X-Bounce-Class", record_class_name (record), eol);
	}
	return out;
}

/* Where the header starts: after an mbox "From " line if there is one. */
static gsize
header_start (const GByteArray *msg, const char **eol)
{
	const guint8 *nl = memchr (msg->data, '\n', msg->len);
	*eol = nl && nl > msg->data && nl[-1] == '\r' ? "\r\n" : "\n";
	if (msg->len >= 5 && memcmp (msg->data, "From ", 5) == 0 && nl)
		return (gsize) (nl - msg->data) + 1;
	return 0;
}

int
annotate_stdin (const DecodeOptions *options)
{
	GError *error = NULL;
	GByteArray *msg = read_all (stdin, &error);
	if (msg == NULL) {
		fprintf (stderr, "ndrparse: --annotate: %s\n", error->message);
		g_error_free (error);
		return ANNOTATE_EXIT_IO;
	}

	NdrparseReport *report = ndrparse_parse_bytes (msg->data, msg->len, NULL);
	if (report && options->verp)
		decode_apply_verp (report, options->verp);
	const char *eol = "\n";
	gsize at = msg->len ? header_start (msg, &eol) : 0;
	GString *fields = bounce_fields (report, options, eol);

	gboolean ok = write_all (STDOUT_FILENO, msg->data, at) &&
		      write_all (STDOUT_FILENO, fields->str, fields->len) &&
		      write_all (STDOUT_FILENO, msg->data + at, msg->len - at);
	if (!ok)
		fprintf (stderr, "ndrparse: --annotate: writing the message: %s\n", g_strerror (errno));

	g_string_free (fields, TRUE);
	ndrparse_report_unref (report);
	g_byte_array_unref (msg);
	return ok ? 0 : ANNOTATE_EXIT_IO;
}
