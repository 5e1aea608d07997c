/* whole-io.c - reading and writing whole buffers. */
#include <errno.h>
#include <unistd.h>

#include "whole-io.h"

GByteArray *
read_all (FILE *in, GError **error)
{
	GByteArray *data = g_byte_array_new ();
	guint8 buf[65536];
	size_t n;

	while ((n = fread (buf, 1, sizeof buf, in)) > 0)
		g_byte_array_append (data, buf, n);
	if (ferror (in)) {
		int saved = errno;
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
			     "error reading standard input: %s", g_strerror (saved));
		g_byte_array_unref (data);
		return NULL;
	}
	return data;
}

gboolean
write_all (int fd, const void *data, gsize len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write (fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return FALSE;
		p += n;
		len -= (gsize) n;
	}
	return TRUE;
}
