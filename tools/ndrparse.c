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

static void
report_error (const char *file, GError *error)
{
	gboolean is_stdin = strcmp (file, "-") == 0;

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
	for (guint i = 0; i < n; i++)
		record_print (sp, file, report, ndrparse_report_get_record (report, i));
	ndrparse_report_unref (report);
	return n;
}

/* An mbox starts with a "From " envelope line; each of its messages is
 * decoded in turn, streamed from the file. */
static gboolean
is_mbox (const char *file)
{
	char head[5];
	FILE *f = fopen (file, "rb");
	if (f == NULL)
		return FALSE;
	gboolean mbox = fread (head, 1, 5, f) == 5 && memcmp (head, "From ", 5) == 0;
	fclose (f);
	return mbox;
}

static void
decode_mbox (sprinter_t *sp, const char *file, Totals *totals)
{
	GError *error = NULL;
	GMimeStream *stream = g_mime_stream_fs_open (file, O_RDONLY, 0, &error);
	if (stream == NULL) {
		report_error (file, error);
		g_error_free (error);
		totals->failures++;
		return;
	}
	GMimeParser *parser = g_mime_parser_new_with_stream (stream);
	g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);
	guint records = 0;
	while (!g_mime_parser_eos (parser)) {
		GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
		if (message == NULL)
			break;
		NdrparseReport *report = ndrparse_parse_message (message, NULL);
		if (report)
			records += print_report (sp, file, report);
		g_object_unref (message);
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
		report_error (file, error);
		g_error_free (error);
		totals->failures++;
		return;
	}
	if (print_report (sp, file, report) > 0)
		totals->bounces++;
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
		return sprinter_text_new (stdout, text_columns);
	return NULL;
}

int
main (int argc, char **argv)
{
	g_autofree char *format = NULL;
	gboolean version = FALSE;
	GOptionEntry entries[] = {
		{ "format", 'f', 0, G_OPTION_ARG_STRING, &format,
		  "Output format: jsonl, json or text", "FORMAT" },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *context = g_option_context_new ("FILE... - decode bounce messages");
	GError *error = NULL;

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
	sprinter_t *sp = make_sprinter (format);
	if (sp == NULL) {
		fprintf (stderr, "ndrparse: unknown format '%s' (jsonl, json or text)\n", format);
		return EXIT_USAGE;
	}

	/* The mbox reader uses GMime directly, before the library would
	 * initialise it. */
	g_mime_init ();
	Totals totals = { 0, 0 };
	for (int i = 1; i < argc; i++)
		decode_one (sp, argv[i], &totals);

	if (!sp->finish (sp)) {
		fprintf (stderr, "ndrparse: writing output: %s\n", g_strerror (errno));
		return EXIT_OUTPUT;
	}
	if (totals.failures > 0)
		return EXIT_NO_INPUT;
	return totals.bounces > 0 ? EXIT_BOUNCES : EXIT_NO_BOUNCE;
}
