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
#include "store-sink.h"
#include "decode.h"
#include "inputs.h"
#include "output.h"
#include "replies.h"
#include "rules-options.h"
#include "safe-text.h"

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

static const char help_text[] =
	"Each FILE is one message (RFC 5322), an mbox (its first bytes are a\n"
	"\"From \" line; each record carries its message's index), a Maildir (the\n"
	"messages in cur/ and new/) or a directory of them (-r: and of its\n"
	"subdirectories); \"-\" reads standard input.  Inputs may be gzip data.\n"
	"In directories only regular files are read, links only within them.\n"
	"\n"
	"Formats: jsonl (one JSON object per record per line), json (one array),\n"
	"csv (RFC 4180, a header row), text (an aligned table; the default when\n"
	"standard output is a terminal, jsonl otherwise).  Auto-replies are left\n"
	"out unless --include-vacation.  With --summary, jsonl, json and csv give\n"
	"the counts on standard error (or in --summary-file).\n"
	"\n"
	"Mail filters (one message on standard input, no FILE):\n"
	"  --annotate      copy it to standard output with X-Bounce-Recipient,\n"
	"                  X-Bounce-Status, X-Bounce-Reason and X-Bounce-Class\n"
	"                  (hard|soft|complaint|none) added per record; its own\n"
	"                  X-Bounce-* fields renamed X-Bounce-Original-*.\n"
	"                  Exit 0 when the message was written, 74 when reading or\n"
	"                  writing failed (procmail and Sieve then keep the original).\n"
	"  --append=FILE   append its records to FILE as JSON lines, under a lock;\n"
	"                  all or nothing.  Exit 0 appended, 1 not a bounce,\n"
	"                  66 not a message, 73 FILE cannot be opened, 74 a write\n"
	"                  failed (nothing appended).\n"
	"\n"
	"Suppression store: --store=URI (sqlite:PATH, a PATH, postgresql://...)\n"
	"keeps every record decoded, by any input or filter, as an event of the\n"
	"store ndrparse-store(1) reads; the same bounce twice is one event.\n"
	"Committed every --store-batch messages (500) and at the end.\n"
	"\n"
	"SMTP replies from logs (--reply, --replies): REPLY[<TAB>COMMAND[<TAB>HOST\n"
	"[<TAB>RECIPIENT]]], one per line, printed as records.\n"
	"\n"
	"Exit status:\n"
	"   0  every input was read and at least one held a bounce\n"
	"   1  every input was read and none held a bounce\n"
	"  64  usage error (unknown option or format, no FILE, a bad rule file)\n"
	"  66  some input could not be read or is not an email message\n"
	"      (records from the other inputs are still printed)\n"
	"  73  --summary-file cannot be created\n"
	"  75  --store: the store is unavailable, locked or full: run again later\n"
	"  78  --store: a bad URI, not a store, or a newer store schema\n"
	"  74  the output could not be written\n"
	" 141  the reader of the output went away (| head): a quiet end\n";

typedef struct {
	char *format;
	char *fields;
	char *input;
	char *append;
	char *verp;
	char *summary_file;
	char *store;
	gint store_batch;
	char *files_from;
	char **replies_text;
	char *replies_file;
	char **rules;
	gboolean explain, list_steps, lint_rules, list_rules, count_rules;
	gboolean null_separated;
	gboolean recursive, all_inputs, summary, summary_only, failures_only;
	gboolean include_vacation, quiet, annotate, version;
	gint jobs;
} Options;

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
		{ "files-from", 0, 0, G_OPTION_ARG_FILENAME, &o->files_from,
		  "Read the names of the inputs from FILE (- for standard input), one per line", "FILE" },
		{ "null", '0', 0, G_OPTION_ARG_NONE, &o->null_separated,
		  "Names in --files-from end with a NUL byte, as find -print0 writes them", NULL },
		/* FILENAME: the bytes as given, not converted from the locale's
		 * charset (a log line is UTF-8 whatever the locale says; in the
		 * C locale GOption refused any 8-bit reply). */
		{ "reply", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->replies_text,
		  "Classify an SMTP reply from a log (REPLY[<TAB>COMMAND[<TAB>HOST[<TAB>RECIPIENT]]]); repeatable", "TEXT" },
		{ "replies", 0, 0, G_OPTION_ARG_FILENAME, &o->replies_file,
		  "Classify every line of FILE (- for standard input) as --reply does", "FILE" },
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
		{ "rules", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->rules,
		  "Add the rules of FILE (ndrparse-rules(5)) to the shipped ones and those of $NDRPARSE_RULES_DIR; repeatable", "FILE" },
		{ "explain", 0, 0, G_OPTION_ARG_NONE, &o->explain,
		  "Give each record its evidence: the rules that fired and the steps that decided", NULL },
		{ "list-steps", 0, 0, G_OPTION_ARG_NONE, &o->list_steps,
		  "Print the steps of the evidence chain, in order, and exit", NULL },
		{ "lint-rules", 0, 0, G_OPTION_ARG_NONE, &o->lint_rules,
		  "Check the rules (shipped, $NDRPARSE_RULES_DIR, --rules) as a whole and exit: 0 when sound, 1 with the problems", NULL },
		{ "list-rules", 0, 0, G_OPTION_ARG_NONE, &o->list_rules,
		  "Print every rule (shipped, $NDRPARSE_RULES_DIR, --rules) as tab-separated lines and exit", NULL },
		{ "count-rules", 0, 0, G_OPTION_ARG_NONE, &o->count_rules,
		  "Print how many rules each reason, family, provider and reporter has, and exit", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "No progress line on a terminal", NULL },
		{ "annotate", 0, 0, G_OPTION_ARG_NONE, &o->annotate,
		  "Filter one message from stdin to stdout, adding X-Bounce-* headers", NULL },
		{ "append", 0, 0, G_OPTION_ARG_FILENAME, &o->append,
		  "Append the records of one message from stdin to FILE, under a lock", "FILE" },
		{ "store", 0, 0, G_OPTION_ARG_STRING, &o->store,
		  "Keep every record as an event in the suppression store at URI", "URI" },
		{ "store-batch", 0, 0, G_OPTION_ARG_INT, &o->store_batch,
		  "Messages per store transaction (500)", "N" },
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
	g_free (o->store);
	g_free (o->files_from);
	g_strfreev (o->replies_text);
	g_free (o->replies_file);
	g_strfreev (o->rules);
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
	if (o->store_batch < 0) {
		fprintf (stderr, "ndrparse: --store-batch must be at least 1\n");
		return FALSE;
	}
	if (o->store && (o->replies_text || o->replies_file)) {
		fprintf (stderr, "ndrparse: --store keeps the records of messages, not of --reply or --replies\n");
		return FALSE;
	}
	if (o->annotate && o->append) {
		fprintf (stderr, "ndrparse: --annotate and --append are separate modes\n");
		return FALSE;
	}
	gboolean replies = o->replies_text || o->replies_file;
	if (replies && (o->annotate || o->append || argc > 1 || o->files_from)) {
		fprintf (stderr, "ndrparse: --reply and --replies classify replies, not messages: no FILE, "
			 "--files-from, --annotate or --append with them\n");
		return FALSE;
	}
	if (o->null_separated && !o->files_from) {
		fprintf (stderr, "ndrparse: -0 says how --files-from separates names\n");
		return FALSE;
	}
	const char *rules_report = o->list_steps ? "--list-steps" : o->lint_rules ? "--lint-rules"
				 : o->list_rules ? "--list-rules" : o->count_rules ? "--count-rules" : NULL;
	if (rules_report && argc > 1) {
		fprintf (stderr, "ndrparse: %s reads no input FILE\n", rules_report);
		return FALSE;
	}
	if (rules_report)
		return TRUE;
	if (!o->annotate && !o->append && !replies && !o->files_from && argc < 2) {
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

static void
output_options_from (const Options *o, OutputOptions *out)
{
	*out = (OutputOptions) {
		.format = o->format, .fields = o->fields, .summary_file = o->summary_file,
		.summary = o->summary, .summary_only = o->summary_only, .all_inputs = o->all_inputs,
	};
}

static int
run_batch (const Options *o, InputKind kind, char **files, int n, DecodeOptions *decode)
{
	OutputOptions output_options;
	Output out;
	output_options_from (o, &output_options);
	int status = output_open (&out, &output_options);
	if (status != 0)
		return status;
	decode->json_lines = out.format == FORMAT_JSONL;
	decode->json = out.format == FORMAT_JSONL || out.format == FORMAT_JSON;
	decode->fields = (const char *const *) out.fields;
	GPtrArray *inputs = inputs_expand (files, n, kind, o->recursive);
	Totals totals = { 0, 0, 0 };
	decode_inputs (inputs, decode, out.sp, out.summary, &totals);
	g_ptr_array_unref (inputs);
	if ((status = output_close (&out)) != 0)
		return status;
	if (totals.store_status != 0)
		return totals.store_status;
	if (totals.failures > 0)
		return EXIT_NO_INPUT;
	return totals.bounces > 0 ? EXIT_BOUNCES : EXIT_NO_BOUNCE;
}

/* The inputs named on the command line and in --files-from, in that
 * order. */
static int
run_named_inputs (const Options *o, InputKind kind, int argc, char **argv, DecodeOptions *decode)
{
	GPtrArray *names = g_ptr_array_new ();
	for (int i = 1; i < argc; i++)
		g_ptr_array_add (names, argv[i]);
	GPtrArray *listed = NULL;
	if (o->files_from) {
		GError *error = NULL;
		listed = inputs_read_names (o->files_from, o->null_separated, &error);
		if (listed == NULL) {
			char *name = safe_text_escaped (o->files_from);
			fprintf (stderr, "ndrparse: --files-from: %s: %s\n", name, error->message);
			g_free (name);
			g_error_free (error);
			g_ptr_array_unref (names);
			return EXIT_NO_INPUT;
		}
		for (guint i = 0; i < listed->len; i++)
			g_ptr_array_add (names, g_ptr_array_index (listed, i));
	}
	int status = run_batch (o, kind, (char **) names->pdata, (int) names->len, decode);
	if (listed)
		g_ptr_array_unref (listed);
	g_ptr_array_unref (names);
	return status;
}

/* --reply and --replies: bare SMTP replies from logs, classified. */
static int
run_replies (const Options *o, NdrparseRules *rules)
{
	OutputOptions output_options;
	Output out;
	output_options_from (o, &output_options);
	int status = output_open (&out, &output_options);
	if (status != 0)
		return status;
	RepliesResult result = replies_classify (rules, (const char *const *) o->replies_text, o->replies_file,
						 out.sp, out.summary);
	if ((status = output_close (&out)) != 0)
		return status;
	if (result.unreadable)
		return EXIT_NO_INPUT;
	return result.records > 0 ? EXIT_BOUNCES : EXIT_NO_BOUNCE;
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
	int status;
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

	if (o.list_steps) {
		options_clear (&o);
		return rules_options_list_steps ();
	}
	/* A bad rule file stops the run before anything is decoded. */
	NdrparseRules *rules = rules_options_load ((const char *const *) o.rules);
	if (rules == NULL) {
		options_clear (&o);
		return EXIT_USAGE;
	}
	if (o.lint_rules || o.list_rules || o.count_rules) {
		status = o.lint_rules ? rules_options_lint (rules)
		       : o.list_rules ? rules_options_list_rules (rules) : rules_options_count_rules (rules);
		ndrparse_rules_unref (rules);
		options_clear (&o);
		return status;
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
		.rules = rules,
		.explain = o.explain,
		.store = o.store,
		.store_batch = (guint) o.store_batch,
	};
	/* A store that cannot be opened stops a batch run before anything
	 * is decoded (the schema is made or migrated here, once).  The
	 * filters store their one message themselves: --annotate still
	 * writes it, with exit 75 or 78 after. */
	if (o.store)
		/* Past ulimit -f the store's write fails (EFBIG: "full") and is
		 * rolled back, instead of the signal killing the run half-way. */
		signal (SIGXFSZ, SIG_IGN);
	if (o.store && !o.annotate && !o.append && (status = store_check_uri (o.store)) != 0) {
		ndrparse_rules_unref (rules);
		options_clear (&o);
		return status;
	}
	if (o.annotate || o.append) {
		/* A filter reports a closed output as a write error (74): its
		 * caller then keeps the original message. */
		signal (SIGPIPE, SIG_IGN);
		status = o.annotate ? annotate_stdin (&decode) : append_stdin (o.append, &decode);
	} else {
		/* A reader that stops reading (| head) ends the run quietly,
		 * as with other filters, even when SIGPIPE came ignored. */
		signal (SIGPIPE, SIG_DFL);
		if (o.replies_text || o.replies_file)
			status = run_replies (&o, rules);
		else
			status = run_named_inputs (&o, kind, argc, argv, &decode);
	}
	ndrparse_rules_unref (rules);
	options_clear (&o);
	return status;
}
