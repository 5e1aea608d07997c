/* wordings-file.h - the tests' tab-separated tables: the wording table
 * tests/wordings/wordings.tsv (its format: the top of test-wordings.c),
 * read for test-wordings and test-wordings-in-reports, and its
 * exceptions. */
#ifndef WORDINGS_FILE_H
#define WORDINGS_FILE_H

#include <glib.h>

typedef struct {
	char *reason, *language, *command, *host, *reply, *source;
	guint line;
} Wording;

/* A line of a tab-separated table: its fields (a strv) and its number. */
typedef struct {
	char **f;
	guint line;
} TsvRow;

/* The rows of the table @path (a GPtrArray of TsvRow), '#' lines and
 * blank ones left out; exits naming the line when one has other than
 * @n_fields fields (@fields names them) or an empty last one.  Free with
 * tsv_rows_free(). */
GPtrArray *tsv_rows (const char *path, guint n_fields, const char *fields);
void tsv_rows_free (GPtrArray *rows);

/* The wordings of @path, in order (a GPtrArray of Wording); exits with a
 * message naming the line on a malformed one or a case listed twice. */
GPtrArray *wordings_read (const char *path);

#endif
