/* output.c - where a batch run's records and counts go (output.h). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "record-print.h"
#include "safe-text.h"

static const char *const text_columns[] = {
	"file", "recipient", "action", "status", "reply_code", "reason", "remote_mta",
	"diagnostic_code", NULL
};
/* With --all-inputs: what became of inputs that gave no record. */
static const char *const text_columns_all[] = {
	"file", "index", "result", "recipient", "action", "status", "reply_code", "reason",
	"remote_mta", "diagnostic_code", "error", NULL
};

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

static Format
output_format (const OutputOptions *o)
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
make_sprinter (const OutputOptions *o, Format format, FILE *out, const char *const *fields)
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
summary_destination (const OutputOptions *o, Format format, FILE *summary_file)
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

int
output_open (Output *out, const OutputOptions *o)
{
	*out = (Output) { .options = o };
	/* Records go out in 64 KiB writes rather than stdio's 4 KiB when
	 * they go to a file or a pipe. */
	if (!isatty (STDOUT_FILENO))
		setvbuf (stdout, NULL, _IOFBF, 1 << 16);
	out->format = output_format (o);
	if (out->format == FORMAT_UNKNOWN) {
		fprintf (stderr, "ndrparse: unknown format '%s' (jsonl, json, csv or text)\n", o->format);
		return 64;
	}
	if (o->fields && (out->fields = parse_fields (o->fields)) == NULL)
		return 64;
	if (o->summary_file && (out->summary_file = fopen (o->summary_file, "w")) == NULL) {
		char *name = safe_text_escaped (o->summary_file);
		fprintf (stderr, "ndrparse: --summary-file: %s: %s\n", name, g_strerror (errno));
		g_free (name);
		g_strfreev (out->fields);
		return 73;
	}
	/* With --summary-only no record is printed: nor is a CSV header row
	 * or an empty JSON array before the counts. */
	out->nowhere = g_string_new (NULL);
	out->sp = o->summary_only ? sprinter_json_lines_new_buffer (out->nowhere)
				  : make_sprinter (o, out->format, stdout, (const char *const *) out->fields);
	if (o->summary || o->summary_only || o->summary_file)
		out->summary = summary_new ();
	return 0;
}

int
output_close (Output *out)
{
	const OutputOptions *o = out->options;
	gboolean written = out->sp->finish (out->sp) && fflush (stdout) == 0;
	g_string_free (out->nowhere, TRUE);
	if (out->summary) {
		FILE *to = summary_destination (o, out->format, out->summary_file);
		gboolean ok = write_summary (out->summary, out->format, to, !o->summary_only);
		if (to == stdout)
			written = written && ok;
		else if (!ok && to == out->summary_file)
			fprintf (stderr, "ndrparse: --summary-file: %s\n", g_strerror (errno));
		summary_free (out->summary);
	}
	if (out->summary_file && fclose (out->summary_file) != 0)
		fprintf (stderr, "ndrparse: --summary-file: %s\n", g_strerror (errno));
	g_strfreev (out->fields);
	if (!written && errno == EPIPE)
		return 128 + SIGPIPE;   /* SIGPIPE blocked: the quiet end a closed pipe is */
	if (!written) {
		fprintf (stderr, "ndrparse: writing output: %s\n", g_strerror (errno));
		return 74;
	}
	return 0;
}
