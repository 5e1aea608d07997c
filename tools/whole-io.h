/* whole-io.h - writing whole buffers, retrying short and interrupted
 * writes.  (Inputs are read through input-stream.h.) */
#ifndef NDRPARSE_WHOLE_IO_H
#define NDRPARSE_WHOLE_IO_H

#include <stdio.h>

#include <glib.h>

/* Writes all @len bytes at @data to @fd; FALSE (errno set) if it cannot. */
gboolean write_all (int fd, const void *data, gsize len);

#endif
