/* append.c - ndrparse --append FILE: the records of the message on stdin,
 * appended to FILE as JSON lines.
 *
 * Many deliveries run at once (one per bounce), so the lines of one
 * message are formatted first and written with a single write(2) under an
 * exclusive fcntl(2) lock on FILE, opened O_APPEND: no line is lost, torn
 * or interleaved with another process's.
 */
#define _POSIX_C_SOURCE 200809L     /* open_memstream() */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "annotate.h"
#include "record-print.h"
#include "whole-io.h"

enum { APPEND_EXIT_NOT_MAIL = 66 };

static gboolean
lock_file (int fd, short type)
{
	struct flock lock = { .l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	while (fcntl (fd, F_SETLKW, &lock) < 0) {
		if (errno != EINTR)
			return FALSE;
	}
	return TRUE;
}

/* The wanted records of @report as JSON lines, in a new buffer. */
static char *
format_records (NdrparseReport *report, const DecodeOptions *options, size_t *len, guint *count)
{
	char *buf = NULL;
	FILE *mem = open_memstream (&buf, len);
	sprinter_t *sp = sprinter_json_new (mem, TRUE);
	*count = 0;
	for (guint i = 0; i < ndrparse_report_get_n_records (report); i++) {
		const NdrparseRecord *record = ndrparse_report_get_record (report, i);
		if (!record_wanted (record, options))
			continue;
		record_print (sp, "-", -1, report, record);
		(*count)++;
	}
	sp->finish (sp);
	fclose (mem);
	return buf;
}

int
append_stdin (const char *path, const DecodeOptions *options)
{
	GError *error = NULL;
	GByteArray *msg = read_all (stdin, &error);
	if (msg == NULL) {
		fprintf (stderr, "ndrparse: --append: %s\n", error->message);
		g_error_free (error);
		return ANNOTATE_EXIT_IO;
	}
	NdrparseReport *report = ndrparse_parse_bytes (msg->data, msg->len, &error);
	g_byte_array_unref (msg);
	if (report == NULL) {
		fprintf (stderr, "ndrparse: --append: (standard input): %s\n", error->message);
		g_error_free (error);
		return APPEND_EXIT_NOT_MAIL;
	}
	if (options->verp)
		decode_apply_verp (report, options->verp);

	size_t len = 0;
	guint count = 0;
	char *lines = format_records (report, options, &len, &count);
	ndrparse_report_unref (report);
	if (count == 0) {
		free (lines);
		return 1;
	}

	int status = 0;
	int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf (stderr, "ndrparse: --append: %s: %s\n", path, g_strerror (errno));
		status = APPEND_EXIT_CANTCREAT;
	} else if (!lock_file (fd, F_WRLCK)) {
		fprintf (stderr, "ndrparse: --append: %s: cannot lock: %s\n", path, g_strerror (errno));
		status = ANNOTATE_EXIT_IO;
	} else {
		if (!write_all (fd, lines, len) || fsync (fd) < 0) {
			fprintf (stderr, "ndrparse: --append: %s: %s\n", path, g_strerror (errno));
			status = ANNOTATE_EXIT_IO;
		}
		lock_file (fd, F_UNLCK);
	}
	if (fd >= 0 && close (fd) < 0 && status == 0)
		status = ANNOTATE_EXIT_IO;
	free (lines);
	return status;
}
