/* decode.h - decoding a batch of inputs into printed records. */
#ifndef NDRPARSE_DECODE_H
#define NDRPARSE_DECODE_H

#include <stdio.h>

#include <ndrparse.h>

#include "inputs.h"
#include "sprinter.h"
#include "summary.h"

typedef struct {
	gboolean all_inputs;            /* an entry for inputs that give no record */
	gboolean failures_only;         /* drop delivered/relayed/expanded records */
	gboolean include_vacation;      /* keep auto-reply records */
	gboolean records;               /* print records (FALSE: --summary-only) */
	gboolean progress;              /* a progress line on stderr */
	const char *verp;               /* VERP pattern, or NULL */
	gboolean json_lines;            /* records go out as JSON Lines on stdout */
	gboolean json;                  /* records go out as JSON (Lines or an array) */
	const char *const *fields;      /* --fields for the JSON formats, or NULL */
	guint jobs;
	NdrparseRules *rules;           /* the shipped rules and --rules, NDRPARSE_RULES_DIR */
	gboolean explain;               /* print each record's evidence */
	const char *store;              /* --store URI, or NULL */
	guint store_batch;              /* messages per store transaction */
} DecodeOptions;

typedef struct {
	guint bounces;                  /* messages that gave at least one record */
	guint failures;                 /* inputs that could not be read or parsed */
	int store_status;               /* 0, or the exit status of a store failure */
} Totals;

/* Decodes @inputs (Input *) in order, printing records on @sp and counting
 * them in @summary (may be NULL). */
void decode_inputs (GPtrArray *inputs, const DecodeOptions *options, sprinter_t *sp,
		    Summary *summary, Totals *totals);

/* Whether @record is printed under @options (vacation and failure filters). */
gboolean record_wanted (const NdrparseRecord *record, const DecodeOptions *options);

/* @report with the VERP pattern applied (ndrparse_report_apply_verp()):
 * takes @report's reference, returns a new one. */
NdrparseReport *decode_apply_verp (NdrparseReport *report, const char *verp);

#endif
