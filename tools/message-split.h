/* message-split.h - the messages of one input: the input itself, or the
 * messages of an mbox, one at a time.
 *
 * An mbox (mboxo or mboxrd) is split at every line that starts with
 * "From ", as GMime's mbox parser splits it; the "From " line is not part
 * of the message.  It is read as a stream, so an mbox of any size, on
 * standard input or through a pipe as well as in a file, never sits in
 * memory: at most one message does, and of a message only its first
 * NDRPARSE_MAX_MESSAGE_SIZE + 1 bytes are kept (one more than the
 * library reads, so that it knows the message was cut).
 */
#ifndef NDRPARSE_MESSAGE_SPLIT_H
#define NDRPARSE_MESSAGE_SPLIT_H

#include "input-stream.h"

typedef enum {
	SPLIT_AUTO,             /* an mbox if the input starts with "From ", else one message */
	SPLIT_MESSAGE,          /* one message, whatever it starts with */
	SPLIT_MBOX,             /* an mbox: an error if it does not start with "From " */
} SplitMode;

typedef struct {
	GByteArray *bytes;      /* the message (owned by the caller once returned) */
	gint64 index;           /* 0-based in an mbox; -1 for a lone message */
	gint64 offset;          /* where it starts in the input (its "From " line) */
} SplitMessage;

typedef struct _MessageSplit MessageSplit;

/* Splits @stream (borrowed: it must outlive the split). */
MessageSplit *message_split_new (InputStream *stream, SplitMode mode);

/* The next message: TRUE with @message filled in; FALSE at the end
 * (@error unset) or when the input cannot be read (@error set; the
 * messages before were whole). */
gboolean message_split_next (MessageSplit *split, SplitMessage *message, GError **error);

/* Whether the input is an mbox (known after the first message_split_next()). */
gboolean message_split_is_mbox (const MessageSplit *split);

/* Skips the next @n messages without keeping them: where a -j worker
 * resumes an mbox after another died in it.  FALSE as for
 * message_split_next(). */
gboolean message_split_skip (MessageSplit *split, guint n, GError **error);

void message_split_free (MessageSplit *split);

#endif
