/* message-split.c - one input's messages, one at a time (message-split.h). */
#define _GNU_SOURCE             /* memmem() */
#include <string.h>

#include <ndrparse.h>

#include "message-split.h"

#define CHUNK_BYTES (1 << 16)
#define KEPT_BYTES (NDRPARSE_MAX_MESSAGE_SIZE + 1)
#define SEPARATOR "From "
#define SEPARATOR_LEN 5

struct _MessageSplit {
	InputStream *stream;
	SplitMode mode;
	gboolean started;       /* the first bytes were looked at */
	gboolean mbox;
	gboolean end;           /* the stream has no more bytes */
	gboolean done;          /* every message was given out */
	GByteArray *buf;        /* bytes read; those before @at were given out */
	gsize at;
	gint64 base;            /* input offset of buf->data[0] */
	gint64 index;           /* of the next mbox message */
};

MessageSplit *
message_split_new (InputStream *stream, SplitMode mode)
{
	MessageSplit *split = g_new0 (MessageSplit, 1);
	split->stream = stream;
	split->mode = mode;
	split->buf = g_byte_array_new ();
	return split;
}

void
message_split_free (MessageSplit *split)
{
	if (split == NULL)
		return;
	g_byte_array_unref (split->buf);
	g_free (split);
}

gboolean
message_split_is_mbox (const MessageSplit *split)
{
	return split->mbox;
}

static gsize
pending (const MessageSplit *split)
{
	return split->buf->len - split->at;
}

static const guint8 *
pending_data (const MessageSplit *split)
{
	return split->buf->data + split->at;
}

/* Drops the bytes given out, then reads more; FALSE with @error when the
 * stream fails.  At the end, split->end is set. */
static gboolean
read_more (MessageSplit *split, GError **error)
{
	if (split->at > 0) {
		g_byte_array_remove_range (split->buf, 0, (guint) split->at);
		split->base += (gint64) split->at;
		split->at = 0;
	}
	guint old = split->buf->len;
	/* A file of known size is read in one piece (and one more byte, to
	 * see its end) when it fits a chunk: most bounces do. */
	gint64 hint = input_stream_size_hint (split->stream);
	gsize want = split->base == 0 && old == 0 && hint >= 0 && hint < CHUNK_BYTES ? (gsize) hint + 1 : CHUNK_BYTES;
	g_byte_array_set_size (split->buf, old + (guint) want);
	gssize n = input_stream_read (split->stream, split->buf->data + old, want, error);
	g_byte_array_set_size (split->buf, old + (guint) MAX (n, 0));
	if (n < 0)
		return FALSE;
	if (n == 0)
		split->end = TRUE;
	return TRUE;
}

/* Looks at the first bytes: an mbox starts with a "From " line. */
static gboolean
start (MessageSplit *split, GError **error)
{
	split->started = TRUE;
	while (pending (split) < SEPARATOR_LEN && !split->end)
		if (!read_more (split, error))
			return FALSE;
	gboolean from_line = pending (split) >= SEPARATOR_LEN &&
			     memcmp (pending_data (split), SEPARATOR, SEPARATOR_LEN) == 0;
	if (split->mode == SPLIT_MBOX && !from_line) {
		g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			     "not an mbox (it does not start with a \"From \" line)");
		split->done = TRUE;
		return FALSE;
	}
	split->mbox = split->mode != SPLIT_MESSAGE && from_line;
	return TRUE;
}

static void
keep_bytes (GByteArray *message, const guint8 *data, gsize n)
{
	if (message && message->len < KEPT_BYTES)
		g_byte_array_append (message, data, (guint) MIN (n, KEPT_BYTES - message->len));
}

/* A lone message: the input's first KEPT_BYTES bytes. */
static gboolean
read_lone_message (MessageSplit *split, GByteArray *message, GError **error)
{
	for (;;) {
		keep_bytes (message, pending_data (split), pending (split));
		split->at = split->buf->len;
		if (split->end || message->len >= KEPT_BYTES)
			return TRUE;
		if (!read_more (split, error))
			return FALSE;
	}
}

/* The rest of a lone message whose first bytes @message holds, up to
 * KEPT_BYTES in all. */
static gboolean
read_rest_of_lone_message (MessageSplit *split, GByteArray *message, GError **error)
{
	while (!split->end && message->len < KEPT_BYTES) {
		guint old = message->len;
		gsize want = MIN ((gsize) CHUNK_BYTES, KEPT_BYTES - old);
		g_byte_array_set_size (message, old + (guint) want);
		gssize n = input_stream_read (split->stream, message->data + old, want, error);
		g_byte_array_set_size (message, old + (guint) MAX (n, 0));
		if (n < 0)
			return FALSE;
		split->end = n == 0;
	}
	return TRUE;
}

/* Passes the "From " line the pending bytes start with. */
static gboolean
skip_from_line (MessageSplit *split, GError **error)
{
	for (;;) {
		const guint8 *nl = memchr (pending_data (split), '\n', pending (split));
		if (nl) {
			split->at = (gsize) (nl - split->buf->data) + 1;
			return TRUE;
		}
		split->at = split->buf->len;    /* a long line: none of it is kept */
		if (split->end)
			return TRUE;
		if (!read_more (split, error))
			return FALSE;
	}
}

/* The offset in the pending bytes where the next "From " line starts,
 * or -1.  @at_line_start: the pending bytes begin a line. */
static gssize
find_separator (const MessageSplit *split, gboolean at_line_start)
{
	const guint8 *p = pending_data (split);
	gsize n = pending (split);
	if (at_line_start && n >= SEPARATOR_LEN && memcmp (p, SEPARATOR, SEPARATOR_LEN) == 0)
		return 0;
	const guint8 *hit = memmem (p, n, "\n" SEPARATOR, SEPARATOR_LEN + 1);
	return hit ? hit - p + 1 : -1;
}

/* The body of an mbox message, up to the next "From " line or the end;
 * kept in @message unless it is NULL. */
static gboolean
read_mbox_message (MessageSplit *split, GByteArray *message, GError **error)
{
	gboolean at_line_start = TRUE;
	for (;;) {
		gssize sep = find_separator (split, at_line_start);
		if (sep >= 0) {
			keep_bytes (message, pending_data (split), (gsize) sep);
			split->at += (gsize) sep;
			return TRUE;
		}
		gsize n = pending (split);
		if (split->end) {
			keep_bytes (message, pending_data (split), n);
			split->at += n;
			split->done = TRUE;
			return TRUE;
		}
		/* Hand on all but a line end a separator may follow in the
		 * bytes still to come. */
		const guint8 *last_nl = memrchr (pending_data (split), '\n', n);
		gsize held = last_nl && n - (gsize) (last_nl - pending_data (split)) <= SEPARATOR_LEN
			     ? n - (gsize) (last_nl - pending_data (split)) : 0;
		keep_bytes (message, pending_data (split), n - held);
		split->at += n - held;
		at_line_start = FALSE;
		if (!read_more (split, error))
			return FALSE;
	}
}

static gboolean
next_message (MessageSplit *split, SplitMessage *out, gboolean keep, GError **error)
{
	if (!split->started && !start (split, error))
		return FALSE;
	if (split->done)
		return FALSE;
	if (!split->mbox && split->at == 0 && split->buf->len < KEPT_BYTES) {
		/* The bytes read so far are the message's start: the message
		 * takes the buffer, and the rest is read into it. */
		out->bytes = split->buf;
		split->buf = g_byte_array_new ();
		out->index = -1;
		out->offset = 0;
		split->done = TRUE;
		if (!read_rest_of_lone_message (split, out->bytes, error)) {
			g_clear_pointer (&out->bytes, g_byte_array_unref);
			return FALSE;
		}
		return TRUE;
	}
	if (!split->mbox) {
		gint64 hint = input_stream_size_hint (split->stream);
		out->bytes = g_byte_array_sized_new ((guint) CLAMP (hint, 0, KEPT_BYTES));
		out->index = -1;
		out->offset = 0;
		split->done = TRUE;
		if (!read_lone_message (split, out->bytes, error)) {
			g_clear_pointer (&out->bytes, g_byte_array_unref);
			return FALSE;
		}
		return TRUE;
	}
	while (pending (split) < SEPARATOR_LEN && !split->end)
		if (!read_more (split, error))
			return FALSE;
	if (pending (split) == 0) {
		split->done = TRUE;
		return FALSE;
	}
	out->offset = split->base + (gint64) split->at;
	out->index = split->index++;
	out->bytes = keep ? g_byte_array_new () : NULL;
	if (!skip_from_line (split, error) || !read_mbox_message (split, out->bytes, error)) {
		g_clear_pointer (&out->bytes, g_byte_array_unref);
		split->done = TRUE;
		return FALSE;
	}
	if (pending (split) == 0 && split->end)
		split->done = TRUE;
	return TRUE;
}

gboolean
message_split_next (MessageSplit *split, SplitMessage *message, GError **error)
{
	return next_message (split, message, TRUE, error);
}

gboolean
message_split_skip (MessageSplit *split, guint n, GError **error)
{
	SplitMessage skipped;
	for (guint i = 0; i < n; i++)
		if (!next_message (split, &skipped, FALSE, error))
			return error == NULL || *error == NULL;
	return TRUE;
}
