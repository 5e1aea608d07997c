/* inputs.h - what the command line names, as a list of inputs to decode. */
#ifndef NDRPARSE_INPUTS_H
#define NDRPARSE_INPUTS_H

#include <glib.h>

typedef enum {
	INPUT_AUTO,             /* decide from the file: directory, mbox or message */
	INPUT_MESSAGE,          /* one RFC 5322 message */
	INPUT_MBOX,             /* an mbox (mboxo or mboxrd) */
	INPUT_MAILDIR,          /* a Maildir: the messages in cur/ and new/ */
	INPUT_DIR,              /* a directory of messages and mboxes */
	INPUT_FILE,             /* an mbox if it starts with "From ", else a message:
				 * looked at when it is read, not when listed */
	INPUT_STDIN,            /* one message on standard input */
	INPUT_ERROR,            /* an argument that names nothing to read */
} InputKind;

typedef struct {
	char *path;             /* as the user named it, or the path found under it */
	InputKind kind;         /* MESSAGE, MBOX, FILE, STDIN or ERROR once expanded */
	char *error;            /* for INPUT_ERROR, why */
	gint64 size;            /* bytes, for a file named on the command line;
				 * -1 for the files found in directories, which
				 * are not stat()ed one by one */
} Input;

/* Parses an --input= value ("auto", "message", "mbox", "maildir", "dir");
 * FALSE for anything else. */
gboolean input_kind_from_name (const char *name, InputKind *kind);

/* Expands the command line's @args into inputs of kind MESSAGE, MBOX,
 * FILE, STDIN or ERROR, in order: a Maildir gives the messages of its cur/ and
 * new/ (sorted by name), a directory its files (sorted; with @recursive
 * its subdirectories and Maildirs too), "-" standard input.
 * @forced, unless INPUT_AUTO, says what every argument is.  Returns a
 * new array of Input * (free with g_ptr_array_unref()). */
GPtrArray *inputs_expand (char **args, int n, InputKind forced, gboolean recursive);

/* Whether @path is a regular file that starts with an mbox "From " line. */
gboolean input_is_mbox (const char *path);

#endif
