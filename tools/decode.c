/* decode.c - decodes a batch of inputs, in order, into printed records.
 *
 * Inputs are decoded one after the other here, or by worker processes
 * (-j N, workers.c) whose effects are replayed here in input order.
 * Mboxes are streamed with GMime's mbox parser, a message at a time, so
 * an mbox of any size never sits in memory.  Every input is accounted
 * for: records, "not a bounce" (with --all-inputs) or an error on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode-run.h"
#include "frame.h"
#include "input-stream.h"
#include "message-split.h"
#include "record-print.h"
#include "safe-text.h"

/* ---- the effects of decoding; in a worker, events in run->frame ---- */

#define PROGRESS_AFTER_USEC (1 * G_USEC_PER_SEC)      /* only for long work */
#define PROGRESS_EVERY_USEC (G_USEC_PER_SEC / 5)

static void
progress_tick (Run *run)
{
	if (run->frame) {
		frame_put_op (run->frame, FRAME_PROGRESS);
		return;
	}
	run->done++;
	if (!run->options->progress)
		return;
	gint64 now = g_get_monotonic_time ();
	if (now - run->started < PROGRESS_AFTER_USEC || now - run->last_shown < PROGRESS_EVERY_USEC)
		return;
	run->last_shown = now;
	run->shown = TRUE;
	double secs = (double) (now - run->started) / G_USEC_PER_SEC;
	double rate = run->done / secs;
	if (run->total > run->done && rate > 0) {
		guint eta = (guint) ((run->total - run->done) / rate);
		fprintf (stderr, "\r%u/%u messages  %.0f/s  ETA %u:%02u  ", run->done, run->total, rate,
			 eta / 60, eta % 60);
	} else {
		fprintf (stderr, "\r%u messages  %.0f/s  ", run->done, rate);
	}
	fflush (stderr);
}

static void
progress_clear (Run *run)
{
	if (run->shown)
		fprintf (stderr, "\r\033[K");
}

/* A line for standard error; over the progress line if one is shown.  File names and messages come from untrusted input: what a
 * terminal would act on is escaped (safe-text.h). */
static void
say (Run *run, const char *line)
{
	if (run->frame) {
		frame_put_op (run->frame, FRAME_STDERR);
		frame_put_string (run->frame, line);
		return;
	}
	char *safe = safe_text_escaped (line);
	fprintf (stderr, "%s%s\n", run->shown ? "\r\033[K" : "", safe);
	g_free (safe);
}

static void
count_record (Run *run, const char *const values[SUMMARY_N_DIMENSIONS])
{
	if (run->frame) {
		frame_put_op (run->frame, FRAME_SUMMARY_RECORD);
		for (guint d = 0; d < SUMMARY_N_DIMENSIONS; d++)
			frame_put_string (run->frame, values[d]);
		return;
	}
	summary_add (run->summary, values);
}

static void
count_input (Run *run)
{
	if (run->frame)
		frame_put_op (run->frame, FRAME_SUMMARY_INPUT);
	else
		summary_add_input (run->summary);
}

/* A message gave records (FRAME_BOUNCE) or could not be decoded
 * (FRAME_FAILURE): what the exit status is made of. */
static void
count_outcome (Run *run, FrameOp outcome)
{
	if (run->frame)
		frame_put_op (run->frame, outcome);
	else if (outcome == FRAME_BOUNCE)
		run->totals->bounces++;
	else
		run->totals->failures++;
}

/* Replays an event that is not a sprinter call; FALSE if malformed. */
static gboolean
replay_effect (Run *run, FrameCursor *cursor, int op)
{
	const char *values[SUMMARY_N_DIMENSIONS], *text;

	switch (op) {
	case FRAME_STDERR:
		if (!frame_next_string (cursor, &text) || text == NULL)
			return FALSE;
		say (run, text);
		return TRUE;
	case FRAME_SUMMARY_RECORD:
		for (guint d = 0; d < SUMMARY_N_DIMENSIONS; d++)
			if (!frame_next_string (cursor, &values[d]))
				return FALSE;
		if (run->summary)
			count_record (run, values);
		return TRUE;
	case FRAME_SUMMARY_INPUT:
		if (run->summary)
			count_input (run);
		return TRUE;
	case FRAME_PROGRESS:
		progress_tick (run);
		return TRUE;
	case FRAME_TEXT:
		/* JSON Lines, for standard output: the parent's own sprinter
		 * writes each record whole as it ends, so none of its output
		 * is pending here to be overtaken. */
		if (!frame_next_string (cursor, &text) || text == NULL)
			return FALSE;
		fputs (text, stdout);
		return TRUE;
	case FRAME_BOUNCE:
	case FRAME_FAILURE:
		count_outcome (run, op);
		return TRUE;
	case FRAME_STORE_FAILED:
		if (!frame_next_string (cursor, &text) || text == NULL)
			return FALSE;
		if (run->totals->store_status == 0)
			run->totals->store_status = atoi (text);
		return TRUE;
	default:
		return FALSE;
	}
}

ReplayResult
run_replay_chunk (Run *run, const GByteArray *events)
{
	FrameCursor cursor;
	frame_cursor_init (&cursor, events);
	for (;;) {
		int op = frame_next_op (&cursor);
		if (op == FRAME_INPUT_DONE || op == FRAME_INPUT_MORE || op == FRAME_INPUT_MBOX) {
			if (cursor.at != cursor.end)
				return REPLAY_MALFORMED;
			return op == FRAME_INPUT_DONE ? REPLAY_INPUT_DONE : REPLAY_INPUT_MORE;
		}
		int replayed = frame_replay_sprinter_op (&cursor, op, run->sp);
		if (replayed < 0 || (replayed == 0 && !replay_effect (run, &cursor, op)))
			return REPLAY_MALFORMED;
	}
}

/* ---- the store ---- */

/* A store failure is said once, and ends storing for the run: its exit
 * status says the run must be done again (which stores only what is
 * missing). */
static void
store_failed (Run *run, GError *error)
{
	char *line = store_error_line (error);
	say (run, line);
	g_free (line);
	int status = store_exit_status (error);
	g_error_free (error);
	if (run->frame) {
		char code[8];
		g_snprintf (code, sizeof code, "%d", status);
		frame_put_op (run->frame, FRAME_STORE_FAILED);
		frame_put_string (run->frame, code);
	} else if (run->totals->store_status == 0) {
		run->totals->store_status = status;
	}
	store_sink_free (run->store);
	run->store = NULL;
	run->store_failed = TRUE;
}

static void
store_report (Run *run, const char *file, gint64 index, NdrparseReport *report)
{
	GError *error = NULL;
	if (run->options->store == NULL || run->store_failed)
		return;
	if (run->store == NULL &&
	    (run->store = store_sink_open (run->options->store, run->options->store_batch, &error)) == NULL) {
		store_failed (run, error);
		return;
	}
	if (!store_sink_add (run->store, report, file, index, &error))
		store_failed (run, error);
}

static void
store_commit (Run *run)
{
	GError *error = NULL;
	if (run->store && !store_sink_commit (run->store, &error))
		store_failed (run, error);
}

void
run_close_store (Run *run)
{
	store_commit (run);
	store_sink_free (run->store);
	run->store = NULL;
}

void
run_end_chunk (Run *run, FrameOp last)
{
	store_commit (run);
	frame_writer_end_chunk (run->frame, last);
}

/* ---- printing ---- */

/* A success notification: delivered, relayed or expanded. */
static gboolean
is_success (const NdrparseRecord *record)
{
	switch (ndrparse_record_get_action_kind (record)) {
	case NDRPARSE_ACTION_DELIVERED:
	case NDRPARSE_ACTION_RELAYED:
	case NDRPARSE_ACTION_EXPANDED:
		return TRUE;
	default:
		return ndrparse_record_get_reason (record) == NDRPARSE_REASON_DELIVERED;
	}
}

gboolean
record_wanted (const NdrparseRecord *record, const DecodeOptions *options)
{
	if (!options->include_vacation && ndrparse_record_get_reason (record) == NDRPARSE_REASON_VACATION)
		return FALSE;
	if (options->failures_only && is_success (record))
		return FALSE;
	return TRUE;
}

static void
print_outcome (Run *run, const char *file, gint64 index, const char *result, const char *error)
{
	if (!run->options->all_inputs || !run->options->records)
		return;
	sprinter_t *sp = run->sp;
	sp->begin_map (sp);
	sp->map_key (sp, "file");
	sp->string (sp, file);
	sp->map_key (sp, "index");
	if (index >= 0)
		sp->integer (sp, index);
	else
		sp->null (sp);
	sp->map_key (sp, "result");
	sp->string (sp, result);
	sp->map_key (sp, "error");
	sp->string (sp, error);
	sp->end (sp);
}

static void
report_error (Run *run, const char *file, gint64 index, const char *message)
{
	if (strcmp (file, "-") == 0)
		file = "(standard input)";
	char *line = index >= 0
		? g_strdup_printf ("ndrparse: %s: message %" G_GINT64_FORMAT ": %s", file, index, message)
		: g_strdup_printf ("ndrparse: %s: %s", file, message);
	say (run, line);
	g_free (line);
	print_outcome (run, file, index, "error", message);
	count_outcome (run, FRAME_FAILURE);
}

static void
say_cut (Run *run, const char *file, NdrparseTruncation cut)
{
	char *names = ndrparse_truncation_to_string (cut);
	char *line = g_strdup_printf ("ndrparse: %s: no bounce found within the limits (%s)", file, names);
	say (run, line);
	g_free (line);
	g_free (names);
}

/* Prints the records of @report that the options want and frees it;
 * returns how many were printed. */
static guint
print_report (Run *run, const char *file, gint64 index, NdrparseReport *report)
{
	if (run->options->verp)
		report = decode_apply_verp (report, run->options->verp);
	/* Every record is stored, whatever is printed: the store's policy
	 * decides what a success or an auto-reply means. */
	store_report (run, file, index, report);
	guint n = ndrparse_report_get_n_records (report), printed = 0;
	for (guint i = 0; i < n; i++) {
		const NdrparseRecord *record = ndrparse_report_get_record (report, i);
		if (!record_wanted (record, run->options))
			continue;
		if (run->options->records)
			record_print (run->sp, file, index, report, record, run->options->explain);
		if (run->summary) {
			const char *values[SUMMARY_N_DIMENSIONS];
			summary_values (record, values);
			count_record (run, values);
		}
		printed++;
	}
	if (printed == 0) {
		NdrparseTruncation cut = ndrparse_report_get_truncated (report);
		if (cut != NDRPARSE_TRUNCATED_NONE && n == 0)
			say_cut (run, file, cut);
		print_outcome (run, file, index, "not a bounce", NULL);
	}
	if (run->summary)
		count_input (run);
	ndrparse_report_unref (report);
	progress_tick (run);
	return printed;
}

NdrparseReport *
decode_apply_verp (NdrparseReport *report, const char *verp)
{
	/* The pattern was checked when the options were read. */
	NdrparseReport *applied = ndrparse_report_apply_verp (report, verp, NULL);
	ndrparse_report_unref (report);
	return applied;
}

/* ---- inputs ---- */

void
run_input_failed (Run *run, const Input *input, const char *why)
{
	report_error (run, input->path, -1, why);
	progress_tick (run);
}

void
run_message_failed (Run *run, const Input *input, gint64 index, const char *why)
{
	report_error (run, input->path, index, why);
	progress_tick (run);
}

static SplitMode
split_mode (InputKind kind)
{
	switch (kind) {
	case INPUT_MESSAGE: return SPLIT_MESSAGE;
	case INPUT_MBOX: return SPLIT_MBOX;
	default: return SPLIT_AUTO;
	}
}

/* In a worker, each mbox message's events are a chunk of their own, sent
 * as they come: an mbox of any size never sits in memory, and the parent
 * knows where to resume it if the worker dies. */
static void
mbox_chunk (Run *run, FrameOp op)
{
	if (run->frame)
		run_end_chunk (run, op);
}

/* Decodes one message of @input; returns how many records it printed. */
static guint
decode_message (Run *run, const Input *input, SplitMessage *message)
{
	GError *error = NULL;
	NdrparseReport *report = ndrparse_parse_byte_array_with_rules (run->options->rules,
								       g_steal_pointer (&message->bytes), &error);
	if (report)
		return print_report (run, input->path, message->index, report);
	if (message->index >= 0) {
		char *why = g_strdup_printf ("not an email message (at byte %" G_GINT64_FORMAT ")", message->offset);
		run_message_failed (run, input, message->index, why);
		g_free (why);
	} else {
		run_input_failed (run, input, error->message);
	}
	g_error_free (error);
	return 0;
}

/* Decodes every message of @stream: the input itself, or an mbox's. */
static void
decode_messages (Run *run, const Input *input, InputStream *stream)
{
	MessageSplit *split = message_split_new (stream, split_mode (input->kind));
	GError *error = NULL;
	SplitMessage message;
	gboolean started = FALSE;
	gboolean more = run->resume_messages == 0 || message_split_skip (split, run->resume_messages, &error);
	while (more && message_split_next (split, &message, &error)) {
		if (!started && message_split_is_mbox (split))
			mbox_chunk (run, FRAME_INPUT_MBOX);
		started = TRUE;
		/* Counted per message: a worker resuming an mbox sends only
		 * the messages it decoded. */
		if (decode_message (run, input, &message) > 0)
			count_outcome (run, FRAME_BOUNCE);
		if (message_split_is_mbox (split))
			mbox_chunk (run, FRAME_INPUT_MORE);
	}
	if (error) {
		run_input_failed (run, input, error->message);
		g_error_free (error);
	}
	message_split_free (split);
}

void
run_decode_input (Run *run, const Input *input)
{
	if (input->kind == INPUT_ERROR) {
		report_error (run, input->path, -1, input->error);
		return;
	}
	if (input->kind == INPUT_SKIPPED) {
		/* Not the user's input to read, and no error: a note only. */
		print_outcome (run, input->path, -1, "skipped", input->error);
		return;
	}
	GError *error = NULL;
	InputStream *stream = input_stream_open (input_open_path (input), input->listed ? INPUT_OPEN_LISTED : 0,
						 &error);
	if (stream == NULL && input->listed && g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_INVAL)) {
		/* It changed into something not to read since it was listed. */
		print_outcome (run, input->path, -1, "skipped", error->message);
		g_error_free (error);
		return;
	}
	if (stream == NULL) {
		run_input_failed (run, input, error->message);
		g_error_free (error);
		return;
	}
	decode_messages (run, input, stream);
	input_stream_free (stream);
}

void
decode_inputs (GPtrArray *inputs, const DecodeOptions *options, sprinter_t *sp,
	       Summary *summary, Totals *totals)
{
	Run run = { .options = options, .sp = sp, .summary = summary, .totals = totals,
		    .started = g_get_monotonic_time () };

	for (guint i = 0; i < inputs->len; i++) {
		const Input *input = g_ptr_array_index (inputs, i);
		run.total += input->kind == INPUT_MBOX ? 0 : 1;     /* an mbox's count is not known */
	}
	if (options->jobs <= 1 || !workers_decode (&run, inputs)) {
		/* An output that can no longer be written ends the run. */
		for (guint i = 0; i < inputs->len && !ferror (stdout); i++)
			run_decode_input (&run, g_ptr_array_index (inputs, i));
	}
	run_close_store (&run);
	progress_clear (&run);
}
