/* ndrparse-store - the suppression store that ndrparse --store fills:
 * which addresses may be mailed, why not, since when; by hand changes,
 * CSV import and export, counts and pruning.  See ndrparse-store(1).
 *
 *   ndrparse-store [--store=URI] [--format=F] COMMAND [ARGS]
 *
 * The command comes first after the global options, and is a word no
 * file name is mistaken for: ndrparse-store reads no FILE.
 */
#define _POSIX_C_SOURCE 200809L     /* getline() */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "safe-text.h"
#include "store-commands.h"
#include "store-sink.h"

static const struct {
	const char *name;
	StoreCommand run;
	const char *summary;
} commands[] = {
	{ "check", store_command_check, "check [--sendable] ADDRESS...|-   may they be mailed? (exit 1: some not)" },
	{ "list", store_command_list, "list [--state=STATE]              the addresses of a state (suppressed)" },
	{ "suppress", store_command_suppress, "suppress [--reason=R] [--note=T] ADDRESS...|-" },
	{ "unsuppress", store_command_unsuppress, "unsuppress [--note=T] ADDRESS...|-" },
	{ "import", store_command_import, "import [FILE|-]                   suppressed addresses from CSV" },
	{ "export", store_command_export, "export [--state=STATE]            suppressed addresses as CSV" },
	{ "stats", store_command_stats, "stats [--by=KEY] [--days=N|--since=D] [--until=D] [--class=C]" },
	{ "prune", store_command_prune, "prune --older-than=DAYS           delete old events" },
	{ "policy", store_command_policy, "policy [KEY[=VALUE]...]           show or set the policy" },
	{ "info", store_command_info, "info                              the store's backend, schema, counts" },
};

static void
usage (FILE *out)
{
	fprintf (out, "Usage: ndrparse-store [--store=URI] [--format=text|json|csv] COMMAND [ARGS]\n\n");
	for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
		fprintf (out, "  %s\n", commands[i].summary);
	fprintf (out, "\nThe store is --store, else $NDRPARSE_STORE: sqlite:PATH, a PATH, or\n"
		      "postgresql://... .  Exit status: 0 done (check: every address may be\n"
		      "mailed), 1 check: some may not, 64 usage, 65 a bad input line, 74 output\n"
		      "failed, 75 the store is unavailable, locked or full (try again), 78 a bad\n"
		      "URI, not a store, or a newer store schema.\n");
}

gboolean
store_parse_options (const char *command, GOptionEntry *entries, int *argc, char ***argv)
{
	char *name = g_strdup_printf ("%s - ndrparse-store", command);
	GOptionContext *context = g_option_context_new (name);
	g_free (name);
	g_option_context_add_main_entries (context, entries, NULL);
	GError *error = NULL;
	gboolean ok = g_option_context_parse (context, argc, argv, &error);
	g_option_context_free (context);
	if (!ok) {
		fprintf (stderr, "ndrparse-store %s: %s\n", command, error->message);
		g_error_free (error);
	}
	return ok;
}

int
store_fail (const char *command, GError *error)
{
	char *safe = safe_text_escaped (error->message);
	fprintf (stderr, "ndrparse-store %s: %s\n", command, safe);
	g_free (safe);
	int status = error->domain == NDRPARSE_STORE_ERROR &&
		     error->code == NDRPARSE_STORE_ERROR_INVALID_ADDRESS ? STORE_TOOL_DATA
		   : store_exit_status (error);
	g_error_free (error);
	return status;
}

sprinter_t *
store_sprinter (const StoreContext *ctx, const char *const *columns)
{
	if (strcmp (ctx->format, "json") == 0)
		return sprinter_json_new (stdout, TRUE);
	if (strcmp (ctx->format, "csv") == 0)
		return sprinter_csv_new (stdout, columns);
	if (strcmp (ctx->format, "text") == 0)
		return sprinter_text_new (stdout, columns);
	return NULL;
}

int
store_finish (sprinter_t *sp, int status)
{
	if (!sp->finish (sp) || fflush (stdout) != 0) {
		fprintf (stderr, "ndrparse-store: writing output: %s\n", g_strerror (errno));
		return STORE_TOOL_IO;
	}
	return status;
}

char *
store_format_time (gint64 time)
{
	if (time <= 0)
		return NULL;
	GDateTime *t = g_date_time_new_from_unix_utc (time);
	char *s = t ? g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ") : NULL;
	if (t)
		g_date_time_unref (t);
	return s;
}

gboolean
store_parse_time (const char *text, gint64 *time)
{
	char *end;
	gint64 n = g_ascii_strtoll (text, &end, 10);
	if (*text && *end == '\0' && n >= 0) {
		*time = n;
		return TRUE;
	}
	char *iso = strchr (text, 'T') ? g_strdup (text) : g_strconcat (text, "T00:00:00Z", NULL);
	GDateTime *t = g_date_time_new_from_iso8601 (iso, g_time_zone_new_utc ());
	g_free (iso);
	if (t == NULL)
		return FALSE;
	*time = g_date_time_to_unix (t);
	g_date_time_unref (t);
	return TRUE;
}

gboolean
store_each_address (int argc, char **argv, StoreAddressFunc func, gpointer data)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp (argv[i], "-") != 0) {
			if (!func (argv[i], data))
				return FALSE;
			continue;
		}
		char *line = NULL;
		size_t size = 0;
		ssize_t n;
		gboolean go_on = TRUE;
		while (go_on && (n = getline (&line, &size, stdin)) >= 0) {
			while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = '\0';
			if (n > 0)
				go_on = func (line, data);
		}
		free (line);
		if (!go_on)
			return FALSE;
	}
	return TRUE;
}

/* The global options end at the command: it and what follows are its own. */
static int
command_index (int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (argv[i][0] != '-')
			return i;
	return argc;
}

int
main (int argc, char **argv)
{
	char *uri = NULL, *format = NULL;
	gboolean version = FALSE;
	GOptionEntry entries[] = {
		{ "store", 0, 0, G_OPTION_ARG_STRING, &uri, "The store (else $NDRPARSE_STORE)", "URI" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "text (the default), json (JSON Lines) or csv", "F" },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	int at = command_index (argc, argv);
	int global_argc = at;
	if (global_argc > 1 && strcmp (argv[1], "--help") == 0) {
		usage (stdout);
		return STORE_TOOL_OK;
	}
	if (!store_parse_options ("", entries, &global_argc, &argv) || global_argc > 1)
		return STORE_TOOL_USAGE;
	if (version) {
		printf ("ndrparse-store %s\n", NDRPARSE_VERSION_STRING);
		return STORE_TOOL_OK;
	}
	if (at >= argc) {
		usage (stderr);
		return STORE_TOOL_USAGE;
	}
	const char *name = argv[at];
	StoreCommand run = NULL;
	for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
		if (strcmp (commands[i].name, name) == 0)
			run = commands[i].run;
	if (run == NULL) {
		char *safe = safe_text_escaped (name);
		fprintf (stderr, "ndrparse-store: no command '%s'; try 'ndrparse-store --help'\n", safe);
		g_free (safe);
		return STORE_TOOL_USAGE;
	}
	StoreContext ctx = { .format = format ? format : "text" };
	if (strcmp (ctx.format, "text") != 0 && strcmp (ctx.format, "json") != 0 && strcmp (ctx.format, "csv") != 0) {
		fprintf (stderr, "ndrparse-store: unknown format '%s' (text, json or csv)\n", ctx.format);
		return STORE_TOOL_USAGE;
	}
	if (uri == NULL && g_getenv ("NDRPARSE_STORE"))
		uri = g_strdup (g_getenv ("NDRPARSE_STORE"));
	if (uri == NULL) {
		fprintf (stderr, "ndrparse-store: no store: give --store=URI or set NDRPARSE_STORE\n");
		return STORE_TOOL_USAGE;
	}
	GError *error = NULL;
	ctx.store = ndrparse_store_open (uri, &error);
	g_free (uri);
	if (ctx.store == NULL)
		return store_fail (name, error);
	int status = run (&ctx, argc - at, argv + at);
	ndrparse_store_unref (ctx.store);
	g_free (format);
	return status;
}
