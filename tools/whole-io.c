/* whole-io.c - writing whole buffers. */
#include <errno.h>
#include <unistd.h>

#include "whole-io.h"

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
