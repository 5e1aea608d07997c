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
	INPUT_STDIN,            /* standard input: a message or an mbox */
	INPUT_ERROR,            /* an argument that names nothing to read */
	INPUT_SKIPPED,          /* found in a listing, not to be read (a FIFO, a
				 * device, a link out of the directory, a loop) */
} InputKind;

typedef struct {
	char *path;             /* as the user named it, or the path found under it */
	char *target;           /* for a symbolic link in a listing, the file it
				 * resolves to (opened instead, without following
				 * links); NULL otherwise */
	InputKind kind;         /* MESSAGE, MBOX, FILE, STDIN, ERROR or SKIPPED once expanded */
	char *error;            /* for INPUT_ERROR and INPUT_SKIPPED, why */
	gboolean listed;        /* found in a directory or Maildir: only a regular
				 * file is read */
	gboolean parent_reads;  /* not a regular file (standard input, a FIFO):
				 * it can be read only once, by the parent */
	gint64 size;            /* bytes, for a file named on the command line;
				 * -1 for the files found in directories, which
				 * are not stat()ed one by one */
} Input;

/* Parses an --input= value ("auto", "message", "mbox", "maildir", "dir");
 * FALSE for anything else. */
gboolean input_kind_from_name (const char *name, InputKind *kind);

/* Expands the command line's @args into inputs of kind MESSAGE, MBOX,
 * FILE, STDIN, ERROR or SKIPPED, in order: a Maildir gives the messages
 * of its cur/ and new/ (sorted by name), a directory its files (sorted;
 * with @recursive its subdirectories and Maildirs too), "-" standard
 * input.  @forced, unless INPUT_AUTO, says what every argument is.
 *
 * What a listing holds is read only when it is a regular file.  A
 * symbolic link in it is followed only to a file or directory inside the
 * directory the user named (a privileged run over a user's Maildir reads
 * nothing else), and a directory reached twice (a link loop) is read
 * once.  The rest are SKIPPED inputs, with why.
 *
 * Returns a new array of Input * (free with g_ptr_array_unref()). */
GPtrArray *inputs_expand (char **args, int n, InputKind forced, gboolean recursive);

/* The names listed in @path ("-": standard input), one per line or, with
 * @nul, ended by NUL bytes (find -print0); empty names are skipped.
 * Returns a new array of new strings, or NULL with @error. */
GPtrArray *inputs_read_names (const char *path, gboolean nul, GError **error);

/* The path to open for @input. */
const char *input_open_path (const Input *input);

#endif
