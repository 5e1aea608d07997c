/* append.c - ndrparse --append FILE: the records of the message on stdin,
 * appended to FILE as JSON lines.
 *
 * Many deliveries run at once (one per bounce), so the lines of one
 * message are formatted first and written under an exclusive fcntl(2)
 * lock on FILE, opened O_APPEND: no line is lost, torn or interleaved
 * with another process's.  An append is all or nothing: one that fails
 * half-way is undone, so the next one never glues onto half a line.
 */
#define _POSIX_C_SOURCE 200809L     /* open_memstream() */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "annotate.h"
#include "input-stream.h"
#include "message-split.h"
#include "record-print.h"
#include "store-sink.h"
#include "safe-text.h"
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
		record_print (sp, "-", -1, report, record, options->explain);
		(*count)++;
	}
	sp->finish (sp);
	fclose (mem);
	return buf;
}

/* The message on stdin: its first NDRPARSE_MAX_MESSAGE_SIZE + 1 bytes,
 * the rest read and dropped (the delivering program expects its whole
 * message to be taken); NULL with @error. */
static GByteArray *
read_message (GError **error)
{
	InputStream *in = input_stream_open ("-", 0, error);
	MessageSplit *split = message_split_new (in, SPLIT_MESSAGE);
	SplitMessage message = { NULL, -1, 0 };
	gboolean ok = message_split_next (split, &message, error);
	char drain[1 << 16];
	gssize n;
	while (ok && (n = input_stream_read (in, drain, sizeof drain, error)) != 0)
		if (n < 0)
			ok = FALSE;
	message_split_free (split);
	input_stream_free (in);
	if (!ok)
		g_clear_pointer (&message.bytes, g_byte_array_unref);
	return message.bytes;
}

/* Appends @len bytes at @lines to @fd, which is locked: all or nothing.
 * Where the file is a regular one, a write that fails half-way (a full
 * file system, the size limit of ulimit -f) is undone by truncating the
 * file back to its size before, and the bytes are synced to the disk;
 * a FIFO, a terminal or /dev/null has nothing to undo or sync.  FALSE
 * with errno set when the bytes are not all there. */
static gboolean
append_whole (int fd, const char *lines, size_t len)
{
	struct stat st;
	gboolean regular = fstat (fd, &st) == 0 && S_ISREG (st.st_mode);
	if (write_all (fd, lines, len) && (!regular || fsync (fd) == 0))
		return TRUE;
	int saved = errno;
	if (regular && ftruncate (fd, st.st_size) < 0)
		fprintf (stderr, "ndrparse: --append: cannot undo a partial write: %s\n", g_strerror (errno));
	errno = saved;
	return FALSE;
}

int
append_stdin (const char *path, const DecodeOptions *options)
{
	GError *error = NULL;
	GByteArray *msg = read_message (&error);
	if (msg == NULL) {
		fprintf (stderr, "ndrparse: --append: reading the message: %s\n", error->message);
		g_error_free (error);
		return ANNOTATE_EXIT_IO;
	}
	NdrparseReport *report = ndrparse_parse_bytes_with_rules (options->rules, msg->data, msg->len, &error);
	g_byte_array_unref (msg);
	if (report == NULL) {
		fprintf (stderr, "ndrparse: --append: (standard input): %s\n", error->message);
		g_error_free (error);
		return APPEND_EXIT_NOT_MAIL;
	}
	if (options->verp)
		report = decode_apply_verp (report, options->verp);
	if (options->store) {
		int store_status = store_one_report (options->store, report, "-");
		if (store_status != 0) {
			/* Nothing appended either: the caller runs it again whole. */
			ndrparse_report_unref (report);
			return store_status;
		}
	}

	size_t len = 0;
	guint count = 0;
	char *lines = format_records (report, options, &len, &count);
	ndrparse_report_unref (report);
	if (count == 0) {
		free (lines);
		return 1;
	}

	/* Past ulimit -f a write fails with EFBIG (and is undone) instead of
	 * the signal killing the process half-way through. */
	signal (SIGXFSZ, SIG_IGN);
	int status = 0;
	char *name = safe_text_escaped (path);
	int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf (stderr, "ndrparse: --append: %s: %s\n", name, g_strerror (errno));
		status = APPEND_EXIT_CANTCREAT;
	} else if (!lock_file (fd, F_WRLCK)) {
		fprintf (stderr, "ndrparse: --append: %s: cannot lock: %s\n", name, g_strerror (errno));
		status = ANNOTATE_EXIT_IO;
	} else {
		if (!append_whole (fd, lines, len)) {
			fprintf (stderr, "ndrparse: --append: %s: %s (nothing appended)\n", name, g_strerror (errno));
			status = ANNOTATE_EXIT_IO;
		}
		lock_file (fd, F_UNLCK);
	}
	if (fd >= 0 && close (fd) < 0 && status == 0)
		status = ANNOTATE_EXIT_IO;
	g_free (name);
	free (lines);
	return status;
}
