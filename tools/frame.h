/* frame.h - what a -j worker process would have printed, as a byte stream
 * the parent replays in input order.
 *
 * A worker's stream is a sequence of chunks: a u32 batch number, a u32
 * length, and that many bytes of events.  The events are the calls a
 * record printer makes on its sprinter and the other effects decoding an
 * input has (a line on stderr, counts for --summary, progress); a chunk
 * ends with FRAME_INPUT_DONE (the input is finished) or FRAME_INPUT_MORE
 * (more chunks of it follow: an mbox sends one per message, so it never
 * sits in memory whole).  An empty chunk says the worker has taken the
 * batch.  The parent reads a chunk whole before replaying it, so a worker
 * that dies half-way through writing leaves no half record in the output.
 *
 * An event is an op byte followed by its operands:
 *   string   u32 length (FRAME_NULL_LENGTH for NULL), the bytes, a NUL
 *   integer  i64
 * in host byte order: worker and parent are one program on one host.
 */
#ifndef NDRPARSE_FRAME_H
#define NDRPARSE_FRAME_H

#include <stdio.h>

#include <glib.h>

#include "sprinter.h"

typedef enum {
	/* sprinter calls */
	FRAME_BEGIN_MAP = '{',
	FRAME_BEGIN_LIST = '[',
	FRAME_END = '}',
	FRAME_MAP_KEY = 'k',            /* string */
	FRAME_STRING = 's',             /* string */
	FRAME_INTEGER = 'i',            /* integer */
	FRAME_TRUE = 't',
	FRAME_FALSE = 'f',
	FRAME_NULL = 'n',
	FRAME_JSON_MAP = 'j',           /* string: a record the library wrote as JSON */
	/* the other effects of decoding an input */
	FRAME_STDERR = 'e',             /* string: a line for standard error */
	FRAME_SUMMARY_RECORD = 'r',     /* 4 strings: summary_add_values() */
	FRAME_SUMMARY_INPUT = 'm',      /* summary_add_input() */
	FRAME_PROGRESS = 'p',           /* one more message done */
	FRAME_BOUNCE = 'b',             /* a message gave records */
	FRAME_FAILURE = 'x',            /* the input could not be decoded */
	FRAME_TEXT = 'T',               /* string: records already printed (JSON Lines) */
	FRAME_STORE_FAILED = 'S',       /* string: the exit status of a --store failure */
	/* the last event of a chunk */
	FRAME_INPUT_DONE = 'd',         /* the input is finished */
	FRAME_INPUT_MORE = '+',         /* an mbox message ends; more chunks of the input follow */
	FRAME_INPUT_MBOX = 'M',         /* the input is an mbox; its messages' chunks follow */
} FrameOp;

#define FRAME_NULL_LENGTH G_MAXUINT32

/* ---- writing ---- */

typedef struct {
	GString *events;        /* chunks not yet sent, then the current one */
	GString *text;          /* records printed in the current chunk */
	gsize chunk;            /* where the current chunk (its header) begins */
	guint32 batch;          /* the batch the chunks belong to */
	int fd;                 /* the pipe to the parent */
	gboolean eager;         /* send each chunk as it ends */
} FrameWriter;

/* A writer to @fd; @eager sends every chunk as soon as it ends (for a
 * worker restarted after one died: the parent learns where it stopped),
 * otherwise chunks are sent by the 64 KiB and at the end of a batch.  It
 * lives as long as the worker process, which ends with _exit(). */
FrameWriter *frame_writer_new (int fd, gboolean eager);

/* Sends what is left of the last batch, then says at once that the
 * chunks that follow belong to @batch. */
void frame_writer_start_batch (FrameWriter *writer, guint32 batch);
/* Ends the current chunk with @last (FRAME_INPUT_DONE, _MBOX or _MORE)
 * and starts the next; what the chunk printed to
 * writer->text goes before @last as a FRAME_TEXT event. */
void frame_writer_end_chunk (FrameWriter *writer, FrameOp last);
/* Sends the chunks ended so far.  When the pipe cannot be written the
 * parent is gone, and the worker process exits (_exit). */
void frame_writer_flush (FrameWriter *writer);

void frame_put_op (FrameWriter *writer, FrameOp op);
void frame_put_string (FrameWriter *writer, const char *value);
void frame_put_integer (FrameWriter *writer, gint64 value);

/* A sprinter whose calls are events on @writer (not owned); finish()
 * frees it and returns TRUE. */
/* @json: the parent prints JSON, so a record may travel as the JSON the
 * library wrote (FRAME_JSON_MAP) rather than as its keys. */
sprinter_t *sprinter_frame_new (FrameWriter *writer, gboolean json);

/* ---- reading ---- */

/* Splits the next whole chunk off @buffer at *@at (advancing it): its
 * batch, and its events (NULL for an empty chunk).  FALSE when the
 * buffer does not hold a whole chunk from *@at. */
gboolean frame_split_chunk (const GByteArray *buffer, gsize *at, guint32 *batch, GByteArray **events);

/* A cursor over one chunk's events.  Strings read point into the events
 * and stay valid as long as they do. */
typedef struct {
	const guint8 *at, *end;
} FrameCursor;

void frame_cursor_init (FrameCursor *cursor, const GByteArray *events);
/* The next op, or -1 at the end. */
int frame_next_op (FrameCursor *cursor);
/* FALSE when the operand runs past the end (a malformed frame). */
gboolean frame_next_string (FrameCursor *cursor, const char **value);
gboolean frame_next_integer (FrameCursor *cursor, gint64 *value);

/* Replays @op on @sp if it is a sprinter call, reading its operand: 1 when
 * replayed, 0 when @op is not a sprinter call, -1 on a malformed operand. */
int frame_replay_sprinter_op (FrameCursor *cursor, int op, sprinter_t *sp);

#endif
