/* decode-run.h - a decoding run, shared by the in-order decoder (decode.c)
 * and the -j worker processes (workers.c).
 *
 * Decoding an input has effects: records on the sprinter, lines on
 * stderr, counts for --summary, progress, the totals behind the exit
 * status.  In a worker process they are written as events to run->frame
 * instead (frame.h) and the parent replays them in input order with
 * run_replay_input(), so both paths print exactly the same.
 */
#ifndef NDRPARSE_DECODE_RUN_H
#define NDRPARSE_DECODE_RUN_H

#include "decode.h"
#include "frame.h"
#include "store-sink.h"

typedef struct {
	const DecodeOptions *options;
	sprinter_t *sp;
	Summary *summary;               /* NULL without --summary */
	Totals *totals;
	FrameWriter *frame;             /* in a worker: where the effects go */
	StoreSink *store;               /* --store, opened at the first report */
	gboolean store_failed;          /* said once; nothing more is stored */
	guint resume_messages;          /* messages of the next input to skip: where a
					 * worker resumes an mbox another died in */
	/* progress */
	guint done, total;
	gint64 started, last_shown;
	gboolean shown;
} Run;

/* Ends a worker's chunk of events (frame_writer_end_chunk()), the store's
 * events of the chunk committed first. */
void run_end_chunk (Run *run, FrameOp last);
/* Commits and closes the store, if one is open. */
void run_close_store (Run *run);

/* Decodes @input, with all its effects. */
void run_decode_input (Run *run, const Input *input);

/* Reports that @input could not be decoded, for @why. */
void run_input_failed (Run *run, const Input *input, const char *why);
/* Reports that message @index of the mbox @input could not be decoded. */
void run_message_failed (Run *run, const Input *input, gint64 index, const char *why);

typedef enum {
	REPLAY_INPUT_DONE,              /* the chunk finished its input */
	REPLAY_INPUT_MORE,              /* more chunks of the input follow */
	REPLAY_MALFORMED,               /* a bug: the chunk is not as written */
} ReplayResult;

/* Replays one chunk of events a worker wrote (frame_read_chunk()). */
ReplayResult run_replay_chunk (Run *run, const GByteArray *events);

/* -j N: decodes @inputs in worker processes (workers.c); FALSE, with
 * nothing decoded, when they could not be started. */
gboolean workers_decode (Run *run, GPtrArray *inputs);

#endif
