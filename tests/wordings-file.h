/* wordings-file.h - the wording table tests/wordings/wordings.tsv, read
 * for test-wordings and test-wordings-in-reports (its format: the top of
 * test-wordings.c). */
#ifndef WORDINGS_FILE_H
#define WORDINGS_FILE_H

#include <glib.h>

typedef struct {
	char *reason, *language, *command, *host, *reply, *source;
	guint line;
} Wording;

/* The wordings of @path, in order (a GPtrArray of Wording); exits with a
 * message naming the line on a malformed one or a case listed twice. */
GPtrArray *wordings_read (const char *path);

#endif
