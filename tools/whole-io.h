/* whole-io.h - reading and writing whole buffers, retrying short and
 * interrupted transfers. */
#ifndef NDRPARSE_WHOLE_IO_H
#define NDRPARSE_WHOLE_IO_H

#include <stdio.h>

#include <glib.h>

/* Reads all of @in into a new array, or NULL with @error. */
GByteArray *read_all (FILE *in, GError **error);

/* Writes all @len bytes at @data to @fd; FALSE (errno set) if it cannot. */
gboolean write_all (int fd, const void *data, gsize len);

#endif
