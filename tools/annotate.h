/* annotate.h - the --annotate and --append modes: one message on stdin. */
#ifndef NDRPARSE_ANNOTATE_H
#define NDRPARSE_ANNOTATE_H

#include "decode.h"

enum {
	ANNOTATE_EXIT_IO = 74,          /* EX_IOERR: stdin unreadable or stdout unwritable */
	APPEND_EXIT_CANTCREAT = 73,     /* EX_CANTCREAT: the --append file cannot be opened */
};

/* Copies the message on stdin to stdout with X-Bounce-* fields added;
 * returns the exit status (0, or ANNOTATE_EXIT_IO). */
int annotate_stdin (const DecodeOptions *options);

/* Appends the records of the message on stdin to @path as JSON lines,
 * under an exclusive lock; returns the exit status: 0 records appended,
 * 1 not a bounce, 66 not a message, 73 @path cannot be opened, 74 a
 * read or write failed. */
int append_stdin (const char *path, const DecodeOptions *options);

#endif
