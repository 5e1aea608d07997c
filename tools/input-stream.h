/* input-stream.h - the bytes of one input, read in order: a file,
 * standard input, a FIFO or a device, gunzipped when they are gzip data.
 *
 * Every input is read through here, whatever its kind, so that each is
 * read the same way: a file and the same bytes on standard input give the
 * same records.
 */
#ifndef NDRPARSE_INPUT_STREAM_H
#define NDRPARSE_INPUT_STREAM_H

#include <glib.h>

typedef struct _InputStream InputStream;

typedef enum {
	/* Found in a directory or Maildir, not named by the user: only a
	 * regular file is read (a FIFO there would block the run forever, a
	 * device never end), and @path is opened without following a
	 * symbolic link. */
	INPUT_OPEN_LISTED = 1 << 0,
	/* The bytes as they are, gzip or not (a mail filter passes them on). */
	INPUT_OPEN_RAW = 1 << 1,
} InputOpenFlags;

/* Opens @path ("-": standard input, which is not closed at the end).
 * NULL with @error (G_FILE_ERROR) when it cannot be opened, or is not a
 * regular file under INPUT_OPEN_LISTED. */
InputStream *input_stream_open (const char *path, InputOpenFlags flags, GError **error);

/* Reads up to @len bytes: the number read, 0 at the end, -1 with @error
 * when reading fails, when gzip data is damaged or cut short, or when a
 * regular file ends before the size it had when it was opened (it was
 * truncated while it was read). */
gssize input_stream_read (InputStream *stream, void *buf, gsize len, GError **error);

/* The bytes a regular file has left to give (its size when it was
 * opened, less what was read before it came to us and since), -1 for
 * other inputs: a hint for how much memory its bytes will take (not for
 * gzip data). */
gint64 input_stream_size_hint (const InputStream *stream);

/* Whether the input is gzip data (known after the first read). */
gboolean input_stream_is_gzip (const InputStream *stream);

void input_stream_free (InputStream *stream);

#endif
