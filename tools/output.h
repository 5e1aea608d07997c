/* output.h - where a batch run's records and counts go: the format, the
 * sprinter on standard output, and the summary as a document of its own.
 */
#ifndef NDRPARSE_OUTPUT_H
#define NDRPARSE_OUTPUT_H

#include <stdio.h>

#include "sprinter.h"
#include "summary.h"

typedef enum { FORMAT_JSONL, FORMAT_JSON, FORMAT_CSV, FORMAT_TEXT, FORMAT_UNKNOWN } Format;

typedef struct {
	const char *format;             /* --format, or NULL: text on a terminal, else jsonl */
	const char *fields;             /* --fields, or NULL */
	const char *summary_file;       /* --summary-file, or NULL */
	gboolean summary, summary_only;
	gboolean all_inputs;            /* the text table shows result and error columns */
} OutputOptions;

typedef struct {
	Format format;
	char **fields;                  /* parsed --fields, or NULL */
	sprinter_t *sp;                 /* the records */
	Summary *summary;               /* NULL without --summary* */
	FILE *summary_file;
	GString *nowhere;               /* --summary-only: where records do not go */
	const OutputOptions *options;
} Output;

/* Sets up @out; 0, or the exit status after a message on stderr: 64 for
 * a bad format or field, 73 when --summary-file cannot be created. */
int output_open (Output *out, const OutputOptions *options);

/* Finishes the records, writes the summary and frees @out; 0, the exit
 * status for a closed pipe (141, quietly), or 74 after a message when
 * standard output could not be written. */
int output_close (Output *out);

#endif
