/* decode.c - decodes a batch of inputs, in order, into printed records.
 *
 * Single messages are parsed by a pool of worker threads (-j N) while the
 * main thread prints their reports strictly in input order; mboxes are
 * streamed with GMime's mbox parser, a message at a time, so an mbox of
 * any size never sits in memory.  Every input is accounted for: records,
 * "not a bounce" (with --all-inputs) or an error on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "record-print.h"
#include "whole-io.h"

typedef struct {
	const DecodeOptions *options;
	sprinter_t *sp;
	Summary *summary;
	Totals *totals;
	/* progress */
	guint done, total;
	gint64 started, last_shown;
	gboolean shown;
} Run;

/* ---- progress on stderr ---- */

#define PROGRESS_AFTER_USEC (1 * G_USEC_PER_SEC)      /* only for long work */
#define PROGRESS_EVERY_USEC (G_USEC_PER_SEC / 5)

static void
progress_tick (Run *run)
{
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
	if (index >= 0)
		fprintf (stderr, "\rndrparse: %s: message %" G_GINT64_FORMAT ": %s\n", file, index, message);
	else
		fprintf (stderr, "\rndrparse: %s: %s\n", file, message);
	print_outcome (run, file, index, "error", message);
	run->totals->failures++;
}

static void
say_cut (const char *file, NdrparseTruncation cut)
{
	char *names = truncation_names (cut);
	fprintf (stderr, "\rndrparse: %s: no bounce found within the limits (%s)\n", file, names);
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
		if (run->summary)
			summary_add (run->summary, record);
		printed++;
	}
	if (printed == 0) {
		NdrparseTruncation cut = ndrparse_report_get_truncated (report);
		if (cut != NDRPARSE_TRUNCATED_NONE && n == 0)
			say_cut (file, cut);
		print_outcome (run, file, index, "not a bounce", NULL);
	}
	if (run->summary)
		summary_add_input (run->summary);
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

static void
decode_stdin (Run *run)
{
	GError *error = NULL;
	GByteArray *data = read_all (stdin, &error);
	NdrparseReport *report = data ? ndrparse_parse_bytes (data->data, data->len, &error) : NULL;
	if (data)
		g_byte_array_unref (data);
	if (report == NULL) {
		report_error (run, "-", -1, error->message);
		g_error_free (error);
		progress_tick (run);
		return;
	}
	if (print_report (run, "-", -1, report) > 0)
		run->totals->bounces++;
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
	}
	if (records > 0)
		run->totals->bounces++;
	g_object_unref (parser);
	g_object_unref (stream);
}

static void
decode_message_file (Run *run, const char *file)
{
	GError *error = NULL;
	NdrparseReport *report = ndrparse_parse_file (file, &error);
	if (report == NULL) {
		/* GLib's file errors already name the file. */
		report_error (run, file, -1, error->message);
		g_error_free (error);
		progress_tick (run);
		return;
	}
	if (print_report (run, file, -1, report) > 0)
		run->totals->bounces++;
}

static void
decode_input (Run *run, const Input *input)
{
	switch (input->kind) {
	case INPUT_STDIN:
		decode_stdin (run);
		break;
	case INPUT_MBOX:
		decode_mbox (run, input->path);
		break;
	case INPUT_ERROR:
		report_error (run, input->path, -1, input->error);
		break;
	default:
		decode_message_file (run, input->path);
		break;
	}
}

/* ---- parallel decoding (-j N) ----
 *
 * Workers parse single-message files into reports, a batch of consecutive
 * inputs at a time (one wake-up per batch, not per message); the main
 * thread prints the batches strictly in input order.  At most
 * BATCHES_PER_JOB * jobs batches are in flight, so memory stays bounded
 * however many files are named.  Other inputs (mboxes, stdin, errors) are
 * decoded by the main thread in their turn. */
#define BATCH_SIZE 32
#define BATCHES_PER_JOB 4

typedef struct {
	const Input *input;
	NdrparseReport *report;
	GError *error;
} Item;

typedef struct {
	Item items[BATCH_SIZE];
	guint n;                /* 0: a unit the main thread decodes (items[0]) */
	gboolean done;
} Batch;

static GMutex board_lock;
static GCond board_ready;

static void
parse_batch (gpointer data, gpointer user_data)
{
	Batch *batch = data;
	(void) user_data;
	for (guint i = 0; i < batch->n; i++) {
		Item *item = &batch->items[i];
		item->report = ndrparse_parse_file (item->input->path, &item->error);
	}
	g_mutex_lock (&board_lock);
	batch->done = TRUE;
	g_cond_broadcast (&board_ready);
	g_mutex_unlock (&board_lock);
}

static void
finish_batch (Run *run, Batch *batch)
{
	if (batch->n == 0) {
		decode_input (run, batch->items[0].input);
		return;
	}
	g_mutex_lock (&board_lock);
	while (!batch->done)
		g_cond_wait (&board_ready, &board_lock);
	g_mutex_unlock (&board_lock);
	for (guint i = 0; i < batch->n; i++) {
		Item *item = &batch->items[i];
		if (item->report == NULL) {
			report_error (run, item->input->path, -1, item->error->message);
			g_error_free (item->error);
			progress_tick (run);
		} else if (print_report (run, item->input->path, -1, item->report) > 0) {
			run->totals->bounces++;
		}
	}
}

/* The next unit from inputs[*next]: a batch of consecutive message files,
 * or one other input. */
static Batch *
next_unit (GPtrArray *inputs, guint *next)
{
	Batch *batch = g_new0 (Batch, 1);
	const Input *input = g_ptr_array_index (inputs, *next);
	if (input->kind != INPUT_MESSAGE) {
		batch->items[0].input = input;
		(*next)++;
		return batch;
	}
	while (*next < inputs->len && batch->n < BATCH_SIZE &&
	       ((const Input *) g_ptr_array_index (inputs, *next))->kind == INPUT_MESSAGE)
		batch->items[batch->n++].input = g_ptr_array_index (inputs, (*next)++);
	return batch;
}

static void
decode_parallel (Run *run, GPtrArray *inputs)
{
	GThreadPool *pool = g_thread_pool_new (parse_batch, NULL, (int) run->options->jobs, TRUE, NULL);
	GQueue pending = G_QUEUE_INIT;
	guint window = run->options->jobs * BATCHES_PER_JOB, next = 0;

	while (next < inputs->len || !g_queue_is_empty (&pending)) {
		while (next < inputs->len && g_queue_get_length (&pending) < window) {
			Batch *batch = next_unit (inputs, &next);
			if (batch->n > 0)
				g_thread_pool_push (pool, batch, NULL);
			g_queue_push_tail (&pending, batch);
		}
		Batch *batch = g_queue_pop_head (&pending);
		finish_batch (run, batch);
		g_free (batch);
	}
	g_thread_pool_free (pool, FALSE, TRUE);
}

void
decode_inputs (GPtrArray *inputs, const DecodeOptions *options, sprinter_t *sp,
	       Summary *summary, Totals *totals)
{
	Run run = { options, sp, summary, totals, 0, 0, g_get_monotonic_time (), 0, FALSE };

	for (guint i = 0; i < inputs->len; i++) {
		const Input *input = g_ptr_array_index (inputs, i);
		run.total += input->kind == INPUT_MBOX ? 0 : 1;
	}
	if (options->jobs <= 1 || inputs->len < 2) {
		for (guint i = 0; i < inputs->len; i++)
			decode_input (&run, g_ptr_array_index (inputs, i));
	} else {
		decode_parallel (&run, inputs);
	}
	progress_clear (&run);
}
