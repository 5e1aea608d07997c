/* ndrparse.c - the command-line tool: decode bounce messages into records.
 *
 *   ndrparse [OPTION]... FILE|DIR|-...
 *   ndrparse --annotate < message > message
 *   ndrparse --append FILE < message
 *
 * Inputs are messages, mboxes, Maildirs and directories (inputs.c); they
 * are decoded in order (decode.c) and each record printed through a
 * sprinter (JSON Lines, JSON, CSV or a table).  Problems with single
 * inputs go to standard error, one line each, and the tool carries on.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ndrparse.h>

#include "annotate.h"
#include "decode.h"
#include "inputs.h"
#include "record-print.h"
#include "safe-text.h"
#include "sprinter.h"
#include "summary.h"

/* Exit codes, sysexits(3) style; documented in --help and ndrparse(1). */
enum {
	EXIT_BOUNCES = 0,       /* every input was read, at least one bounce found */
	EXIT_NO_BOUNCE = 1,     /* every input was read, none was a bounce */
	EXIT_USAGE = 64,        /* EX_USAGE: bad option or no input named */
	EXIT_NO_INPUT = 66,     /* EX_NOINPUT: some input could not be read or is not mail */
	EXIT_CANTCREAT = 73,    /* EX_CANTCREAT: --summary-file cannot be written */
	EXIT_OUTPUT = 74,       /* EX_IOERR: writing the output failed */
	EXIT_CLOSED_PIPE = 128 + SIGPIPE        /* the reader went away, as a shell reports SIGPIPE */
};

static const char *const text_columns[] = {
	"file", "recipient", "action", "status", "reply_code", "reason", "remote_mta",
	"diagnostic_code", NULL
};
/* With --all-inputs: what became of inputs that gave no record. */
static const char *const text_columns_all[] = {
	"file", "index", "result", "recipient", "action", "status", "reply_code", "reason",
	"remote_mta", "diagnostic_code", "error", NULL
};

static const char help_text[] =
	"Each FILE is one message (RFC 5322), an mbox (its first line starts with\n"
	"\"From \"; each record carries its message's index), a Maildir (the\n"
	"messages in cur/ and new/) or a directory of them (-r: and of its\n"
	"subdirectories); \"-\" reads one message from standard input.\n"
	"\n"
	"Formats: jsonl (one JSON object per record per line), json (one array),\n"
	"csv (RFC 4180, a header row, every field or those of --fields), text (an\n"
	"aligned table; the default when standard output is a terminal, jsonl\n"
	"otherwise).  Auto-replies are left out unless --include-vacation.\n"
	"\n"
	"Mail filters (one message on standard input):\n"
	"  --annotate      copy it to standard output with X-Bounce-Recipient,\n"
	"                  X-Bounce-Status, X-Bounce-Reason and X-Bounce-Class\n"
	"                  (hard|soft|none) added per record; otherwise unchanged.\n"
	"                  Exit 0 when the message was written, 74 when reading or\n"
	"                  writing failed (procmail and Sieve then keep the original).\n"
	"  --append=FILE   append its records to FILE as JSON lines, under a lock.\n"
	"                  Exit 0 appended, 1 not a bounce, 66 not a message,\n"
	"                  73 FILE cannot be opened, 74 a write failed.\n"
	"\n"
	"Exit status:\n"
	"   0  every input was read and at least one held a bounce\n"
	"   1  every input was read and none held a bounce\n"
	"  64  usage error (unknown option or format, no FILE)\n"
	"  66  some input could not be read or is not an email message\n"
	"      (records from the other inputs are still printed)\n"
	"  74  the output could not be written\n";

typedef struct {
	char *format;
	char *fields;
	char *input;
	char *append;
	char *verp;
	char *summary_file;
	gboolean recursive, all_inputs, summary, summary_only, failures_only;
	gboolean include_vacation, quiet, annotate, version;
	gint jobs;
} Options;

/* The columns of --fields, validated; NULL with a message when one is not
 * a record key. */
static char **
parse_fields (const char *spec)
{
	char **fields = g_strsplit (spec, ",", -1);
	for (char **f = fields; *f; f++) {
		g_strstrip (*f);
		if (!record_key_exists (*f) && strcmp (*f, "result") != 0 && strcmp (*f, "error") != 0) {
			fprintf (stderr, "ndrparse: --fields: unknown field '%s'\n", *f);
			g_strfreev (fields);
			return NULL;
		}
	}
	return fields;
}

typedef enum { FORMAT_JSONL, FORMAT_JSON, FORMAT_CSV, FORMAT_TEXT, FORMAT_UNKNOWN } Format;

static Format
output_format (const Options *o)
{
	static const char *const names[] = { "jsonl", "json", "csv", "text" };
	if (o->format == NULL)
		return isatty (STDOUT_FILENO) ? FORMAT_TEXT : FORMAT_JSONL;
	for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
		if (strcmp (o->format, names[i]) == 0)
			return (Format) i;
	return FORMAT_UNKNOWN;
}

static sprinter_t *
make_sprinter (const Options *o, Format format, FILE *out, const char *const *fields)
{
	switch (format) {
	case FORMAT_JSONL:
	case FORMAT_JSON: {
		sprinter_t *sp = sprinter_json_new (out, format == FORMAT_JSONL);
		return fields ? sprinter_select_new (sp, fields) : sp;
	}
	case FORMAT_CSV:
		return sprinter_csv_new (out, fields ? fields : record_keys);
	case FORMAT_TEXT:
		return sprinter_text_new (out, fields ? fields : o->all_inputs ? text_columns_all : text_columns);
	default:
		return NULL;
	}
}

/* Where the summary goes: a separate document for the formats a program
 * reads (--summary-file, else standard error), so that a JSON array stays
 * an array of records and a CSV file one table; after the table for
 * people; on standard output when it is all there is (--summary-only). */
static FILE *
summary_destination (const Options *o, Format format, FILE *summary_file)
{
	if (summary_file)
		return summary_file;
	if (o->summary_only || format == FORMAT_TEXT)
		return stdout;
	return stderr;
}

static gboolean
write_summary (const Summary *summary, Format format, FILE *out, gboolean after_records)
{
	if (format == FORMAT_TEXT) {
		if (after_records && out == stdout)
			fputc ('\n', out);
		summary_print_text (summary, out);
	} else if (format == FORMAT_CSV) {
		summary_print_csv (summary, out);
	} else {
		sprinter_t *sp = sprinter_json_new (out, TRUE);
		summary_print_structured (summary, sp);
		sp->finish (sp);
	}
	return fflush (out) == 0 && !ferror (out);
}

/* GOption does not read "-j4"; make it "--jobs=4" as make(1) users expect. */
static void
rewrite_short_jobs (int argc, char **argv, GPtrArray *keep)
{
	for (int i = 1; i < argc && strcmp (argv[i], "--") != 0; i++) {
		if (strncmp (argv[i], "-j", 2) == 0 && g_ascii_isdigit (argv[i][2])) {
			argv[i] = g_strconcat ("--jobs=", argv[i] + 2, NULL);
			g_ptr_array_add (keep, argv[i]);
		}
	}
}

static gboolean
parse_options (int *argc, char ***argv, Options *o)
{
	GOptionEntry entries[] = {
		{ "format", 'f', 0, G_OPTION_ARG_STRING, &o->format,
		  "Output format: jsonl, json, csv or text", "FORMAT" },
		{ "fields", 0, 0, G_OPTION_ARG_STRING, &o->fields,
		  "The record keys to print, comma-separated (e.g. recipient,reason); csv and text columns in that order", "A,B,..." },
		{ "input", 0, 0, G_OPTION_ARG_STRING, &o->input,
		  "What every FILE is: auto (default), message, mbox, maildir or dir", "KIND" },
		{ "recursive", 'r', 0, G_OPTION_ARG_NONE, &o->recursive,
		  "Read directories' subdirectories (and Maildirs in them) too", NULL },
		{ "jobs", 'j', 0, G_OPTION_ARG_INT, &o->jobs,
		  "Decode with N worker processes (default: the number of processors); output keeps input order", "N" },
		{ "all-inputs", 0, 0, G_OPTION_ARG_NONE, &o->all_inputs,
		  "Also print an entry (file, index, result, error) for every input or mbox message that gives no record", NULL },
		{ "summary", 0, 0, G_OPTION_ARG_NONE, &o->summary,
		  "After the records, print counts by reason, class, destination domain and remote MTA", NULL },
		{ "summary-only", 0, 0, G_OPTION_ARG_NONE, &o->summary_only,
		  "Print the counts instead of the records", NULL },
		{ "summary-file", 0, 0, G_OPTION_ARG_FILENAME, &o->summary_file,
		  "Write the counts to FILE (in the output's format); without it, jsonl, json and csv give them on standard error", "FILE" },
		{ "failures-only", 0, 0, G_OPTION_ARG_NONE, &o->failures_only,
		  "Leave out success notifications (delivered, relayed, expanded)", NULL },
		{ "include-vacation", 0, 0, G_OPTION_ARG_NONE, &o->include_vacation,
		  "Print auto-replies (reason vacation) too", NULL },
		{ "verp", 0, 0, G_OPTION_ARG_STRING, &o->verp,
		  "Recover or confirm recipients from the bounce's envelope, e.g. bounces+%l=%d@lists.example.org", "PATTERN" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "No progress line on a terminal", NULL },
		{ "annotate", 0, 0, G_OPTION_ARG_NONE, &o->annotate,
		  "Filter one message from stdin to stdout, adding X-Bounce-* headers", NULL },
		{ "append", 0, 0, G_OPTION_ARG_FILENAME, &o->append,
		  "Append the records of one message from stdin to FILE, under a lock", "FILE" },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &o->version, "Print the version and exit", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *context = g_option_context_new ("FILE... - decode bounce messages");
	GError *error = NULL;
	g_option_context_add_main_entries (context, entries, NULL);
	g_option_context_set_description (context, help_text);
	gboolean parsed = g_option_context_parse (context, argc, argv, &error);
	g_option_context_free (context);
	if (!parsed) {
		fprintf (stderr, "ndrparse: %s\nTry 'ndrparse --help'.\n", error->message);
		g_error_free (error);
	}
	return parsed;
}

static void
options_clear (Options *o)
{
	g_free (o->format);
	g_free (o->fields);
	g_free (o->input);
	g_free (o->append);
	g_free (o->verp);
	g_free (o->summary_file);
}

/* Checks what parse_options() cannot; a message and FALSE when wrong. */
static gboolean
check_options (const Options *o, int argc, InputKind *kind)
{
	GError *error = NULL;
	if (o->jobs < 1) {
		fprintf (stderr, "ndrparse: --jobs must be at least 1\n");
		return FALSE;
	}
	if (!input_kind_from_name (o->input ? o->input : "auto", kind)) {
		fprintf (stderr, "ndrparse: unknown --input '%s' (auto, message, mbox, maildir or dir)\n", o->input);
		return FALSE;
	}
	if (o->verp) {
		g_free (ndrparse_verp_decode (o->verp, "", &error));   /* checks the pattern */
		if (error) {
			fprintf (stderr, "ndrparse: --verp: %s\n", error->message);
			g_error_free (error);
			return FALSE;
		}
	}
	if (o->annotate && o->append) {
		fprintf (stderr, "ndrparse: --annotate and --append are separate modes\n");
		return FALSE;
	}
	if (!o->annotate && !o->append && argc < 2) {
		fprintf (stderr, "ndrparse: no input FILE given (use - for standard input)\n");
		return FALSE;
	}
	if ((o->annotate || o->append) && argc > 1) {
		/* A filter reads the one message on standard input; a FILE here
		 * would otherwise be silently ignored. */
		fprintf (stderr, "ndrparse: %s reads one message on standard input; no FILE may follow\n",
			 o->annotate ? "--annotate" : "--append");
		return FALSE;
	}
	return TRUE;
}

static int
run_batch (const Options *o, InputKind kind, char **files, int n, DecodeOptions *decode)
{
	/* Records go out in 64 KiB writes rather than stdio's 4 KiB when
	 * they go to a file or a pipe. */
	if (!isatty (STDOUT_FILENO))
		setvbuf (stdout, NULL, _IOFBF, 1 << 16);
	Format format = output_format (o);
	if (format == FORMAT_UNKNOWN) {
		fprintf (stderr, "ndrparse: unknown format '%s' (jsonl, json, csv or text)\n", o->format);
		return EXIT_USAGE;
	}
	char **fields = NULL;
	if (o->fields && (fields = parse_fields (o->fields)) == NULL)
		return EXIT_USAGE;
	FILE *summary_file = NULL;
	if (o->summary_file && (summary_file = fopen (o->summary_file, "w")) == NULL) {
		char *name = safe_text_escaped (o->summary_file);
		fprintf (stderr, "ndrparse: --summary-file: %s: %s\n", name, g_strerror (errno));
		g_free (name);
		g_strfreev (fields);
		return EXIT_CANTCREAT;
	}
	/* With --summary-only no record is printed: nor is a CSV header row
	 * or an empty JSON array before the counts. */
	GString *nowhere = g_string_new (NULL);
	sprinter_t *sp = o->summary_only ? sprinter_json_lines_new_buffer (nowhere)
					 : make_sprinter (o, format, stdout, (const char *const *) fields);

	decode->json_lines = format == FORMAT_JSONL;
	decode->fields = (const char *const *) fields;
	GPtrArray *inputs = inputs_expand (files, n, kind, o->recursive);
	Summary *summary = o->summary || o->summary_only || o->summary_file ? summary_new () : NULL;
	Totals totals = { 0, 0 };
	decode_inputs (inputs, decode, sp, summary, &totals);

	gboolean written = sp->finish (sp) && fflush (stdout) == 0;
	g_string_free (nowhere, TRUE);
	if (summary) {
		FILE *out = summary_destination (o, format, summary_file);
		gboolean ok = write_summary (summary, format, out, decode->records);
		if (out == stdout)
			written = written && ok;
		else if (!ok && out == summary_file)
			fprintf (stderr, "ndrparse: --summary-file: %s\n", g_strerror (errno));
		summary_free (summary);
	}
	if (summary_file && fclose (summary_file) != 0)
		fprintf (stderr, "ndrparse: --summary-file: %s\n", g_strerror (errno));
	g_ptr_array_unref (inputs);
	g_strfreev (fields);
	if (!written && errno == EPIPE)
		return EXIT_CLOSED_PIPE;        /* SIGPIPE blocked: the same quiet end */
	if (!written) {
		fprintf (stderr, "ndrparse: writing output: %s\n", g_strerror (errno));
		return EXIT_OUTPUT;
	}
	if (totals.failures > 0)
		return EXIT_NO_INPUT;
	return totals.bounces > 0 ? EXIT_BOUNCES : EXIT_NO_BOUNCE;
}

/* Descriptors 0, 1 and 2 are open (on /dev/null if we were started
 * without them): otherwise the first pipe or file opened would take
 * their number, and the -j queue pipe as fd 0 was replaced by /dev/null
 * in every worker. */
static void
ensure_standard_fds (void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl (fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int null = open ("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (null >= 0 && null != fd) {
			dup2 (null, fd);
			close (null);
		}
	}
}

int
main (int argc, char **argv)
{
	Options o = { .jobs = (gint) g_get_num_processors () };
	g_autoptr (GPtrArray) rewritten = g_ptr_array_new_with_free_func (g_free);
	InputKind kind;

	ensure_standard_fds ();
	rewrite_short_jobs (argc, argv, rewritten);
	if (!parse_options (&argc, &argv, &o))
		return EXIT_USAGE;
	if (o.version) {
		printf ("ndrparse %s\n", NDRPARSE_VERSION_STRING);
		options_clear (&o);
		return EXIT_BOUNCES;
	}
	if (!check_options (&o, argc, &kind)) {
		fprintf (stderr, "Try 'ndrparse --help'.\n");
		options_clear (&o);
		return EXIT_USAGE;
	}

	/* The mbox reader uses GMime directly, before the library would
	 * initialise it. */
	g_mime_init ();
	DecodeOptions decode = {
		.all_inputs = o.all_inputs,
		.failures_only = o.failures_only,
		.include_vacation = o.include_vacation,
		.records = !o.summary_only,
		.progress = !o.quiet && isatty (STDERR_FILENO) && !o.annotate && !o.append,
		.verp = o.verp,
		.jobs = (guint) o.jobs,
	};
	int status;
	if (o.annotate || o.append) {
		/* A filter reports a closed output as a write error (74): its
		 * caller then keeps the original message. */
		signal (SIGPIPE, SIG_IGN);
		status = o.annotate ? annotate_stdin (&decode) : append_stdin (o.append, &decode);
	} else {
		/* A reader that stops reading (| head) ends the run quietly,
		 * as with other filters, even when SIGPIPE came ignored. */
		signal (SIGPIPE, SIG_DFL);
		status = run_batch (&o, kind, argv + 1, argc - 1, &decode);
	}
	options_clear (&o);
	return status;
}
