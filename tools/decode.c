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
#include <string.h>
#include <unistd.h>

#include "decode-run.h"
#include "frame.h"
#include "record-print.h"
#include "whole-io.h"

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

/* A line for standard error; "\r" first so a progress line does not
 * garble it. */
static void
say (Run *run, const char *line)
{
	if (run->frame) {
		frame_put_op (run->frame, FRAME_STDERR);
		frame_put_string (run->frame, line);
		return;
	}
	fprintf (stderr, "\r%s\n", line);
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

/* The input gave records (FRAME_BOUNCE) or could not be decoded
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
		if (op == FRAME_INPUT_DONE || op == FRAME_INPUT_MORE) {
			if (cursor.at != cursor.end)
				return REPLAY_MALFORMED;
			return op == FRAME_INPUT_DONE ? REPLAY_INPUT_DONE : REPLAY_INPUT_MORE;
		}
		int replayed = frame_replay_sprinter_op (&cursor, op, run->sp);
		if (replayed < 0 || (replayed == 0 && !replay_effect (run, &cursor, op)))
			return REPLAY_MALFORMED;
	}
}

/* ---- printing ---- */

gboolean
record_wanted (const NdrparseRecord *record, const DecodeOptions *options)
{
	if (!options->include_vacation && ndrparse_record_get_reason_kind (record) == NDRPARSE_REASON_VACATION)
		return FALSE;
	/* Success notifications (delivered, relayed, expanded) are the
	 * records whose hard_bounce is null. */
	if (options->failures_only && ndrparse_record_get_hard_bounce (record) == NDRPARSE_UNSET)
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
	char *names = truncation_names (cut);
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
		decode_apply_verp (report, run->options->verp);
	guint n = ndrparse_report_get_n_records (report), printed = 0;
	for (guint i = 0; i < n; i++) {
		const NdrparseRecord *record = ndrparse_report_get_record (report, i);
		if (!record_wanted (record, run->options))
			continue;
		if (run->options->records)
			record_print (run->sp, file, index, report, record);
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

void
decode_apply_verp (NdrparseReport *report, const char *verp)
{
	/* The pattern was checked when the options were read. */
	ndrparse_report_apply_verp (report, verp, NULL);
}

/* ---- inputs ---- */

void
run_input_failed (Run *run, const Input *input, const char *why)
{
	report_error (run, input->path, -1, why);
	progress_tick (run);
}

/* Prints @report (NULL: @error says why there is none). */
static void
finish_input (Run *run, const Input *input, NdrparseReport *report, GError *error)
{
	if (report == NULL) {
		run_input_failed (run, input, error->message);
		g_error_free (error);
	} else if (print_report (run, input->path, -1, report) > 0) {
		count_outcome (run, FRAME_BOUNCE);
	}
}

static void
decode_stdin (Run *run, const Input *input)
{
	GError *error = NULL;
	GByteArray *data = read_all (stdin, &error);
	NdrparseReport *report = data ? ndrparse_parse_bytes (data->data, data->len, &error) : NULL;
	if (data)
		g_byte_array_unref (data);
	finish_input (run, input, report, error);
}

static void
decode_message_file (Run *run, const Input *input)
{
	GError *error = NULL;
	/* GLib's file errors already name the file. */
	NdrparseReport *report = ndrparse_parse_file (input->path, &error);
	finish_input (run, input, report, error);
}

/* The offset of the next line that starts with "From " after @from, or -1:
 * where reading resumes after a message GMime could not parse. */
static gint64
next_separator (GMimeStream *stream, gint64 from)
{
	char buf[65536 + 6];
	gsize keep = 0;           /* bytes carried over from the previous chunk */
	gint64 base = from;       /* file offset of buf[0] */

	if (g_mime_stream_seek (stream, from, GMIME_STREAM_SEEK_SET) < 0)
		return -1;
	for (;;) {
		gssize n = g_mime_stream_read (stream, buf + keep, sizeof buf - keep - 1);
		if (n <= 0)
			return -1;
		gsize len = keep + (gsize) n;
		for (gsize i = 0; i + 6 <= len; i++) {
			if (buf[i] == '\n' && memcmp (buf + i + 1, "From ", 5) == 0)
				return base + (gint64) i + 1;
		}
		keep = MIN (len, 5);
		memmove (buf, buf + len - keep, keep);
		base += (gint64) (len - keep);
	}
}

/* In a worker, each mbox message's events are a chunk of their own, sent
 * as they come: an mbox of any size never sits in memory. */
static void
mbox_message_done (Run *run)
{
	if (run->frame)
		frame_writer_end_chunk (run->frame, FRAME_INPUT_MORE);
}

static void
decode_mbox (Run *run, const char *file)
{
	GError *error = NULL;
	GMimeStream *stream = g_mime_stream_fs_open (file, O_RDONLY, 0, &error);
	if (stream == NULL) {
		report_error (run, file, -1, error->message);
		g_error_free (error);
		return;
	}
	GMimeParser *parser = g_mime_parser_new_with_stream (stream);
	g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);
	/* Messages are split at "From " lines (mboxo and mboxrd alike); a
	 * body's escaped ">From " line is text ndrparse reads as it is. */
	guint records = 0;
	gint64 index = 0;
	while (!g_mime_parser_eos (parser)) {
		gint64 offset = g_mime_parser_tell (parser);
		GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
		if (message == NULL) {
			/* A damaged message: say so, and resume at the next
			 * "From " line after where it began. */
			char *why = g_strdup_printf ("not an email message (at byte %" G_GINT64_FORMAT ")", offset);
			report_error (run, file, index++, why);
			g_free (why);
			progress_tick (run);
			mbox_message_done (run);
			gint64 next = next_separator (stream, offset + 1);
			if (next < 0)
				break;
			GMimeStream *rest = g_mime_stream_substream (stream, next, -1);
			g_mime_parser_init_with_stream (parser, rest);
			g_object_unref (rest);
			continue;
		}
		NdrparseReport *report = ndrparse_parse_message (message, NULL);
		g_object_unref (message);
		if (report)
			records += print_report (run, file, index, report);
		index++;
		mbox_message_done (run);
	}
	if (records > 0)
		count_outcome (run, FRAME_BOUNCE);
	g_object_unref (parser);
	g_object_unref (stream);
}

void
run_decode_input (Run *run, const Input *input)
{
	switch (input->kind) {
	case INPUT_STDIN:
		decode_stdin (run, input);
		break;
	case INPUT_MBOX:
		decode_mbox (run, input->path);
		break;
	case INPUT_FILE:
		if (input_is_mbox (input->path))
			decode_mbox (run, input->path);
		else
			decode_message_file (run, input);
		break;
	case INPUT_ERROR:
		report_error (run, input->path, -1, input->error);
		break;
	default:
		decode_message_file (run, input);
		break;
	}
}

void
decode_inputs (GPtrArray *inputs, const DecodeOptions *options, sprinter_t *sp,
	       Summary *summary, Totals *totals)
{
	Run run = { options, sp, summary, totals, NULL, 0, 0, g_get_monotonic_time (), 0, FALSE };

	for (guint i = 0; i < inputs->len; i++) {
		const Input *input = g_ptr_array_index (inputs, i);
		run.total += input->kind == INPUT_MBOX ? 0 : 1;
	}
	if (options->jobs <= 1 || !workers_decode (&run, inputs)) {
		for (guint i = 0; i < inputs->len; i++)
			run_decode_input (&run, g_ptr_array_index (inputs, i));
	}
	progress_clear (&run);
}
