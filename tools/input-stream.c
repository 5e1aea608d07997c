/* input-stream.c - reading one input's bytes in order (input-stream.h). */
#define _GNU_SOURCE             /* O_NOFOLLOW, O_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>

#include "input-stream.h"

#define RAW_BYTES (1 << 16)

struct _InputStream {
	int fd;
	gboolean own_fd;
	gint64 expected;        /* a regular file's size when opened; -1 */
	gint64 raw_total;       /* the offset in fd: where it was found, plus bytes read */
	gboolean raw_end;       /* read() said the end */
	/* gzip */
	gboolean sniffed;       /* the first bytes were looked at (or need not be) */
	GConverter *gunzip;     /* NULL: the bytes are not gzip data */
	gboolean in_member;     /* a gzip member has begun and not ended */
	guint8 *raw;            /* bytes read, not yet taken; made at the first read */
	gsize raw_size;         /* its size: a small file's own, else RAW_BYTES */
	gsize raw_at, raw_len;
};

static void
set_errno_error (GError **error, int saved, const char *what)
{
	g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", what, g_strerror (saved));
}

/* @st: what fstat() said of @fd, or NULL when it was not asked. */
static InputStream *
stream_new (int fd, gboolean own_fd, const struct stat *st)
{
	InputStream *stream = g_new0 (InputStream, 1);
	stream->fd = fd;
	stream->own_fd = own_fd;
	stream->expected = -1;
	struct stat own;
	if (st == NULL && fstat (fd, &own) == 0)
		st = &own;
	if (st && S_ISREG (st->st_mode)) {
		stream->expected = st->st_size;
		/* Standard input may come already partly read (a shell's
		 * `read` before us, a filter run twice on one descriptor):
		 * the input is what is left from here, and the count of
		 * bytes read starts at the offset so that a short read is
		 * still told from the end. */
		off_t at = own_fd ? 0 : lseek (fd, 0, SEEK_CUR);
		if (at > 0)
			stream->raw_total = at;
	}
	/* A small file is read in one piece (one byte more, to see its end). */
	gint64 left = stream->expected - stream->raw_total;
	stream->raw_size = stream->expected >= 0 && left < RAW_BYTES ? (gsize) MAX (left, 0) + 1 : RAW_BYTES;
	return stream;
}

/* Opens a file found in a listing: never blocks (O_NONBLOCK: a FIFO is
 * not waited for), never follows a link, and only a regular file is
 * kept. */
static int
open_listed (const char *path, GError **error)
{
	int fd = open (path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		int saved = errno;
		if (saved == ELOOP)
			g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
				     "skipped: a symbolic link (listings follow links only within the directory named)");
		else
			set_errno_error (error, saved, "cannot open");
		return -1;
	}
	struct stat st;
	if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode)) {
		close (fd);
		g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "skipped: not a regular file");
		return -1;
	}
	int flags = fcntl (fd, F_GETFL);
	if (flags >= 0)
		fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
}

InputStream *
input_stream_open (const char *path, InputOpenFlags flags, GError **error)
{
	if (strcmp (path, "-") == 0) {
		InputStream *stream = stream_new (STDIN_FILENO, FALSE, NULL);
		stream->sniffed = (flags & INPUT_OPEN_RAW) != 0;
		return stream;
	}
	int fd;
	if (flags & INPUT_OPEN_LISTED) {
		fd = open_listed (path, error);
	} else {
		fd = open (path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			set_errno_error (error, errno, "cannot open");
	}
	if (fd < 0)
		return NULL;
	struct stat st;
	gboolean known = fstat (fd, &st) == 0;
	if (known && S_ISDIR (st.st_mode)) {
		close (fd);
		g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, "is a directory");
		return NULL;
	}
	InputStream *stream = stream_new (fd, TRUE, known ? &st : NULL);
	stream->sniffed = (flags & INPUT_OPEN_RAW) != 0;
	return stream;
}

/* read() into @buf; -1 with @error when reading fails or a regular
 * file came up short (0 at its end). */
static gssize
read_fd (InputStream *stream, void *buf, gsize len, GError **error)
{
	ssize_t n;
	do
		n = read (stream->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		set_errno_error (error, errno, "read error");
		return -1;
	}
	if (n == 0) {
		stream->raw_end = TRUE;
		if (stream->expected >= 0 && stream->raw_total < stream->expected) {
			g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO,
				     "the file was truncated while it was read (it ended at byte %" G_GINT64_FORMAT
				     " of %" G_GINT64_FORMAT ")", stream->raw_total, stream->expected);
			return -1;
		}
		return 0;
	}
	stream->raw_total += n;
	/* A regular file's read() comes up short only at its end: once the
	 * bytes it had when opened are all read, a short read says the end,
	 * and the read that would return 0 need not be made. */
	if ((gsize) n < len && stream->expected >= 0 && stream->raw_total >= stream->expected)
		stream->raw_end = TRUE;
	return n;
}

/* Reads more raw bytes into stream->raw (whose taken bytes are dropped);
 * FALSE with @error when reading fails or a regular file came up short. */
static gboolean
fill_raw (InputStream *stream, GError **error)
{
	if (stream->raw == NULL)
		stream->raw = g_malloc (stream->raw_size);
	if (stream->raw_at > 0) {
		memmove (stream->raw, stream->raw + stream->raw_at, stream->raw_len - stream->raw_at);
		stream->raw_len -= stream->raw_at;
		stream->raw_at = 0;
	}
	if (stream->raw_len == stream->raw_size) {
		/* A file that grew past the size it had: read on in chunks. */
		stream->raw_size = MAX (stream->raw_size, RAW_BYTES);
		stream->raw = g_realloc (stream->raw, stream->raw_size);
	}
	gssize n = read_fd (stream, stream->raw + stream->raw_len, stream->raw_size - stream->raw_len, error);
	if (n < 0)
		return FALSE;
	stream->raw_len += (gsize) n;
	return TRUE;
}

static gboolean
is_gzip_magic (const guint8 *p, gsize len)
{
	return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* Looks at the first raw bytes, reading until there are two or the
 * input ends: gzip data begins 1f 8b (RFC 1952). */
static gboolean
sniff_raw (InputStream *stream, GError **error)
{
	while (stream->raw_len < 2 && !stream->raw_end)
		if (!fill_raw (stream, error))
			return FALSE;
	if (is_gzip_magic (stream->raw, stream->raw_len)) {
		stream->gunzip = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
		/* Compressed bytes come through the buffer, in chunks. */
		if (stream->raw_size < RAW_BYTES) {
			stream->raw_size = RAW_BYTES;
			stream->raw = g_realloc (stream->raw, RAW_BYTES);
		}
	}
	return TRUE;
}

/* Puts @n bytes the caller's buffer took back into the raw buffer. */
static void
keep_raw (InputStream *stream, const void *bytes, gsize n)
{
	stream->raw_size = MAX (stream->raw_size, n);
	stream->raw = g_malloc (stream->raw_size);
	memcpy (stream->raw, bytes, n);
	stream->raw_len = n;
}

/* The first read is looked at for gzip's magic where it lands: a large
 * enough read goes straight into @buf, and only gzip data (or too few
 * bytes to tell) is moved to the raw buffer, so a plain file costs no
 * peek before it (a system call more per file in a batch). */
static gssize
first_read (InputStream *stream, void *buf, gsize len, GError **error)
{
	stream->sniffed = TRUE;
	if (len >= 2 && len >= stream->raw_size) {
		gssize n = read_fd (stream, buf, len, error);
		if (n < 0)
			return -1;
		if ((n >= 2 && !is_gzip_magic (buf, (gsize) n)) || n == 0 || (n == 1 && stream->raw_end))
			return n;
		keep_raw (stream, buf, (gsize) n);
	}
	if (!sniff_raw (stream, error))
		return -1;
	return input_stream_read (stream, buf, len, error);
}

static gssize
take_raw (InputStream *stream, void *buf, gsize len)
{
	gsize n = MIN (len, stream->raw_len - stream->raw_at);
	memcpy (buf, stream->raw + stream->raw_at, n);
	stream->raw_at += n;
	return (gssize) n;
}

/* Whether a gzip member begins at the raw bytes not yet taken (what
 * follows the last member is ignored, as gzip(1) ignores trailing
 * garbage); FALSE at the end. */
static gboolean
member_follows (InputStream *stream, GError **error, gboolean *failed)
{
	while (stream->raw_len - stream->raw_at < 2 && !stream->raw_end)
		if (!fill_raw (stream, error)) {
			*failed = TRUE;
			return FALSE;
		}
	const guint8 *p = stream->raw + stream->raw_at;
	return stream->raw_len - stream->raw_at >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* Gunzips into @buf; concatenated gzip members are read one after the
 * other, as gzip(1) does. */
static gssize
read_gzip (InputStream *stream, void *buf, gsize len, GError **error)
{
	for (;;) {
		if (!stream->in_member) {
			gboolean failed = FALSE;
			if (!member_follows (stream, error, &failed))
				return failed ? -1 : 0;
			stream->in_member = TRUE;
		}
		if (stream->raw_at == stream->raw_len && !stream->raw_end && !fill_raw (stream, error))
			return -1;
		gsize in_len = stream->raw_len - stream->raw_at, used = 0, written = 0;
		GError *local = NULL;
		GConverterResult r = g_converter_convert (stream->gunzip, stream->raw + stream->raw_at, in_len,
							  buf, len, stream->raw_end ? G_CONVERTER_INPUT_AT_END : 0,
							  &used, &written, &local);
		stream->raw_at += used;
		if (r == G_CONVERTER_ERROR) {
			gboolean partial = g_error_matches (local, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
			if (partial && !stream->raw_end) {
				g_error_free (local);
				if (!fill_raw (stream, error))
					return -1;
				continue;
			}
			g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "damaged gzip data: %s",
				     partial ? "it is cut short" : local->message);
			g_error_free (local);
			return -1;
		}
		if (r == G_CONVERTER_FINISHED) {
			g_converter_reset (stream->gunzip);
			stream->in_member = FALSE;
		}
		if (written > 0)
			return (gssize) written;
	}
}

gssize
input_stream_read (InputStream *stream, void *buf, gsize len, GError **error)
{
	if (!stream->sniffed)
		return first_read (stream, buf, len, error);
	if (stream->gunzip)
		return read_gzip (stream, buf, len, error);
	if (stream->raw_at < stream->raw_len)
		return take_raw (stream, buf, len);
	if (stream->raw_end)
		return 0;
	/* Nothing held back: a large read goes straight to the caller. */
	if (len >= stream->raw_size)
		return read_fd (stream, buf, len, error);
	if (!fill_raw (stream, error))
		return -1;
	return take_raw (stream, buf, len);
}

gint64
input_stream_size_hint (const InputStream *stream)
{
	if (stream->gunzip || stream->expected < 0)
		return -1;
	return MAX (stream->expected - stream->raw_total, 0) + (gint64) (stream->raw_len - stream->raw_at);
}

gboolean
input_stream_is_gzip (const InputStream *stream)
{
	return stream->gunzip != NULL;
}

void
input_stream_free (InputStream *stream)
{
	if (stream == NULL)
		return;
	if (stream->own_fd)
		close (stream->fd);
	g_clear_object (&stream->gunzip);
	g_free (stream->raw);
	g_free (stream);
}
