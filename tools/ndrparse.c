/* ndrparse.c - the command-line tool: decode bounce messages into records.
 *
 *   ndrparse [OPTION]... FILE...
 *
 * Each FILE is one message, or an mbox of them; "-" is standard input.  Records go to
 * standard output; problems with single inputs go to standard error,
 * one line each, and the tool carries on with the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ndrparse.h>

#include "record-print.h"
#include "sprinter.h"

/* Exit codes, sysexits(3) style; documented in --help and ndrparse(1). */
enum {
	EXIT_BOUNCES = 0,       /* every input was read, at least one bounce found */
	EXIT_NO_BOUNCE = 1,     /* every input was read, none was a bounce */
	EXIT_USAGE = 64,        /* EX_USAGE: bad option or no input named */
	EXIT_NO_INPUT = 66,     /* EX_NOINPUT: some input could not be read or is not mail */
	EXIT_OUTPUT = 74        /* EX_IOERR: writing the output failed */
};

static const char *const text_columns[] = {
	"file", "recipient", "action", "status", "reply_code", "reason", "remote_mta",
	"diagnostic_code", NULL
};
/* With --all-inputs: what became of inputs that gave no record. */
static const char *const text_columns_all[] = {
	"file", "result", "recipient", "action", "status", "reply_code", "reason", "remote_mta",
	"diagnostic_code", "error", NULL
};

static const char exit_status_help[] =
	"Each FILE is one message (RFC 5322) or an mbox file (its first line starts\n"
	"with \"From \"); \"-\" reads one message from standard input.\n"
	"\n"
	"Formats: jsonl (one JSON object per record per line), json (one array),\n"
	"text (an aligned table; the default when standard output is a terminal,\n"
	"jsonl otherwise).\n"
	"\n"
	"Exit status:\n"
	"   0  every input was read and at least one held a bounce\n"
	"   1  every input was read and none held a bounce\n"
	"  64  usage error (unknown option or format, no FILE)\n"
	"  66  some input could not be read or is not an email message\n"
	"      (records from the other inputs are still printed)\n"
	"  74  the output could not be written\n";

typedef struct {
	guint bounces;          /* inputs that gave at least one record */
	guint failures;         /* inputs that could not be read or parsed */
} Totals;

static NdrparseReport *
parse_stdin (GError **error)
{
	GByteArray *data = g_byte_array_new ();
	guint8 buf[65536];
	size_t n;

	while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
		g_byte_array_append (data, buf, n);
	if (ferror (stdin)) {
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
			     "error reading standard input: %s", g_strerror (errno));
		g_byte_array_unref (data);
		return NULL;
	}
	NdrparseReport *report = ndrparse_parse_bytes (data->data, data->len, error);
	g_byte_array_unref (data);
	return report;
}

/* --all-inputs: every input that gives no record gets an entry too. */
static gboolean all_inputs;

static void
print_outcome (sprinter_t *sp, const char *file, const char *result, const char *error)
{
	if (!all_inputs)
		return;
	sp->begin_map (sp);
	sp->map_key (sp, "file");
	sp->string (sp, file);
	sp->map_key (sp, "result");
	sp->string (sp, result);
	sp->map_key (sp, "error");
	sp->string (sp, error);
	sp->end (sp);
}

static void
report_error (sprinter_t *sp, const char *file, GError *error)
{
	gboolean is_stdin = strcmp (file, "-") == 0;
	print_outcome (sp, file, "error", error->message);

	/* GLib's file errors already name the file. */
	if (error->domain == G_FILE_ERROR && !is_stdin)
		fprintf (stderr, "ndrparse: %s\n", error->message);
	else
		fprintf (stderr, "ndrparse: %s: %s\n", is_stdin ? "(standard input)" : file,
			 error->message);
}

/* Prints the report's records; returns how many there were. */
static guint
print_report (sprinter_t *sp, const char *file, NdrparseReport *report)
{
	guint n = ndrparse_report_get_n_records (report);
	NdrparseTruncation cut = ndrparse_report_get_truncated (report);
	/* Records say so in "truncated"; a message cut to nothing says it here. */
	if (cut != NDRPARSE_TRUNCATED_NONE && n == 0) {
		fprintf (stderr, "ndrparse: %s: no bounce found within the limits (", file);
		for (guint bit = 1, first = 1; bit <= NDRPARSE_TRUNCATED_HEADER; bit <<= 1) {
			if (cut & bit) {
				fprintf (stderr, "%s%s", first ? "" : ",", ndrparse_truncation_get_name ((NdrparseTruncation) bit));
				first = 0;
			}
		}
		fprintf (stderr, ")\n");
	}
	for (guint i = 0; i < n; i++)
		record_print (sp, file, report, ndrparse_report_get_record (report, i));
	if (n == 0)
		print_outcome (sp, file, "not a bounce", NULL);
	ndrparse_report_unref (report);
	return n;
}

/* An mbox starts with a "From " envelope line; each of its messages is
 * decoded in turn, streamed from the file. */
static gboolean
is_mbox (const char *file)
{
	char head[5];
	int fd = open (file, O_RDONLY);
	if (fd < 0)
		return FALSE;
	gboolean mbox = read (fd, head, 5) == 5 && memcmp (head, "From ", 5) == 0;
	close (fd);
	return mbox;
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
decode_mbox (sprinter_t *sp, const char *file, Totals *totals)
{
	GError *error = NULL;
	GMimeStream *stream = g_mime_stream_fs_open (file, O_RDONLY, 0, &error);
	if (stream == NULL) {
		report_error (sp, file, error);
		g_error_free (error);
		totals->failures++;
		return;
	}
	GMimeParser *parser = g_mime_parser_new_with_stream (stream);
	g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);
	guint records = 0, index = 0;
	while (!g_mime_parser_eos (parser)) {
		gint64 offset = g_mime_parser_tell (parser);
		GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
		if (message == NULL) {
			/* A damaged message: say so, and resume at the next
			 * "From " line after where it began. */
			char *why = g_strdup_printf ("message %u (byte %" G_GINT64_FORMAT "): not an email message",
						     index++, offset);
			fprintf (stderr, "ndrparse: %s: %s\n", file, why);
			print_outcome (sp, file, "error", why);
			g_free (why);
			totals->failures++;
			gint64 next = next_separator (stream, offset + 1);
			if (next < 0)
				break;
			GMimeStream *rest = g_mime_stream_substream (stream, next, -1);
			g_mime_parser_init_with_stream (parser, rest);
			g_object_unref (rest);
			continue;
		}
		NdrparseReport *report = ndrparse_parse_message (message, NULL);
		if (report)
			records += print_report (sp, file, report);
		g_object_unref (message);
		index++;
	}
	if (records > 0)
		totals->bounces++;
	g_object_unref (parser);
	g_object_unref (stream);
}

static void
decode_one (sprinter_t *sp, const char *file, Totals *totals)
{
	GError *error = NULL;
	gboolean is_stdin = strcmp (file, "-") == 0;

	if (!is_stdin && is_mbox (file)) {
		decode_mbox (sp, file, totals);
		return;
	}
	NdrparseReport *report = is_stdin ? parse_stdin (&error) : ndrparse_parse_file (file, &error);
	if (report == NULL) {
		report_error (sp, file, error);
		g_error_free (error);
		totals->failures++;
		return;
	}
	if (print_report (sp, file, report) > 0)
		totals->bounces++;
}

/* ---- parallel decoding (-j N) ----
 *
 * Workers parse single-message inputs into reports; the main thread
 * prints them strictly in input order.  At most WINDOW_PER_JOB * jobs
 * inputs are in flight, so memory stays bounded however many files are
 * named.  mbox inputs are decoded by the main thread in their turn. */
#define WINDOW_PER_JOB 16

typedef struct {
	const char *file;
	NdrparseReport *report;
	GError *error;
	gboolean done;
} Slot;

typedef struct {
	GMutex lock;
	GCond ready;
} Board;

static Board board;

static void
parse_slot (gpointer data, gpointer user_data)
{
	Slot *slot = data;
	(void) user_data;
	NdrparseReport *report = ndrparse_parse_file (slot->file, &slot->error);
	g_mutex_lock (&board.lock);
	slot->report = report;
	slot->done = TRUE;
	g_cond_broadcast (&board.ready);
	g_mutex_unlock (&board.lock);
}

static void
finish_slot (sprinter_t *sp, Slot *slot, Totals *totals)
{
	g_mutex_lock (&board.lock);
	while (!slot->done)
		g_cond_wait (&board.ready, &board.lock);
	g_mutex_unlock (&board.lock);

	if (slot->report == NULL) {
		report_error (sp, slot->file, slot->error);
		g_error_free (slot->error);
		totals->failures++;
	} else if (print_report (sp, slot->file, slot->report) > 0) {
		totals->bounces++;
	}
}

static gboolean
is_parallel_input (const char *file)
{
	return strcmp (file, "-") != 0 && !is_mbox (file);
}

static void
decode_parallel (sprinter_t *sp, char **files, int n, guint jobs, Totals *totals)
{
	Slot *slots = g_new0 (Slot, n);
	GThreadPool *pool = g_thread_pool_new (parse_slot, NULL, jobs, TRUE, NULL);
	gsize window = (gsize) jobs * WINDOW_PER_JOB;
	int next_submit = 0;

	g_mutex_init (&board.lock);
	g_cond_init (&board.ready);
	for (int i = 0; i < n; i++) {
		for (; next_submit < n && (gsize) (next_submit - i) < window; next_submit++) {
			slots[next_submit].file = files[next_submit];
			if (is_parallel_input (files[next_submit]))
				g_thread_pool_push (pool, &slots[next_submit], NULL);
			else
				slots[next_submit].done = TRUE;   /* decoded below, in order */
		}
		if (is_parallel_input (files[i]))
			finish_slot (sp, &slots[i], totals);
		else
			decode_one (sp, files[i], totals);
	}
	g_thread_pool_free (pool, FALSE, TRUE);
	g_mutex_clear (&board.lock);
	g_cond_clear (&board.ready);
	g_free (slots);
}

static sprinter_t *
make_sprinter (const char *format)
{
	if (format == NULL)
		format = isatty (STDOUT_FILENO) ? "text" : "jsonl";
	if (strcmp (format, "jsonl") == 0)
		return sprinter_json_new (stdout, TRUE);
	if (strcmp (format, "json") == 0)
		return sprinter_json_new (stdout, FALSE);
	if (strcmp (format, "text") == 0)
		return sprinter_text_new (stdout, all_inputs ? text_columns_all : text_columns);
	return NULL;
}

int
main (int argc, char **argv)
{
	g_autofree char *format = NULL;
	gboolean version = FALSE;
	gint jobs = (gint) g_get_num_processors ();
	GOptionEntry entries[] = {
		{ "format", 'f', 0, G_OPTION_ARG_STRING, &format,
		  "Output format: jsonl, json or text", "FORMAT" },
		{ "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
		  "Decode with N threads (default: the number of processors); output keeps input order", "N" },
		{ "all-inputs", 0, 0, G_OPTION_ARG_NONE, &all_inputs,
		  "Also print an entry (file, result, error) for every input or mbox message that gives no record", NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *context = g_option_context_new ("FILE... - decode bounce messages");
	GError *error = NULL;

	/* GOption does not read "-j4"; make it "--jobs=4" as make(1) users expect. */
	g_autoptr (GPtrArray) rewritten = g_ptr_array_new_with_free_func (g_free);
	for (int i = 1; i < argc && strcmp (argv[i], "--") != 0; i++) {
		if (strncmp (argv[i], "-j", 2) == 0 && g_ascii_isdigit (argv[i][2])) {
			argv[i] = g_strconcat ("--jobs=", argv[i] + 2, NULL);
			g_ptr_array_add (rewritten, argv[i]);
		}
	}

	g_option_context_add_main_entries (context, entries, NULL);
	g_option_context_set_description (context, exit_status_help);
	gboolean parsed = g_option_context_parse (context, &argc, &argv, &error);
	g_option_context_free (context);
	if (!parsed) {
		fprintf (stderr, "ndrparse: %s\nTry 'ndrparse --help'.\n", error->message);
		g_error_free (error);
		return EXIT_USAGE;
	}
	if (version) {
		printf ("ndrparse %s\n", NDRPARSE_VERSION_STRING);
		return EXIT_BOUNCES;
	}
	if (argc < 2) {
		fprintf (stderr, "ndrparse: no input FILE given (use - for standard input)\n"
				 "Try 'ndrparse --help'.\n");
		return EXIT_USAGE;
	}
	if (jobs < 1) {
		fprintf (stderr, "ndrparse: --jobs must be at least 1\n");
		return EXIT_USAGE;
	}
	sprinter_t *sp = make_sprinter (format);
	if (sp == NULL) {
		fprintf (stderr, "ndrparse: unknown format '%s' (jsonl, json or text)\n", format);
		return EXIT_USAGE;
	}

	/* The mbox reader uses GMime directly, before the library would
	 * initialise it. */
	g_mime_init ();
	Totals totals = { 0, 0 };
	if (jobs == 1 || argc == 2) {
		for (int i = 1; i < argc; i++)
			decode_one (sp, argv[i], &totals);
	} else {
		decode_parallel (sp, argv + 1, argc - 1, (guint) jobs, &totals);
	}

	if (!sp->finish (sp)) {
		fprintf (stderr, "ndrparse: writing output: %s\n", g_strerror (errno));
		return EXIT_OUTPUT;
	}
	if (totals.failures > 0)
		return EXIT_NO_INPUT;
	return totals.bounces > 0 ? EXIT_BOUNCES : EXIT_NO_BOUNCE;
}
