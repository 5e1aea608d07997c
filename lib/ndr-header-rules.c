/* ndr-header-rules.c - the rules that look at a header of the bounce
 * (in=header:NAME): which MTA wrote it (then=reporter), which family
 * (then=family), whether it is an automatic reply (mark:autoreply-header).
 * A header's value is scanned once for all of them.
 *
 * Every occurrence of a header is read (one Received per hop).  The DSN's
 * "Reporting-MTA" and the type of the first record's Diagnostic-Code
 * ("Diagnostic-Type") are read as headers too: a rule may name them so.
 */
#include <string.h>

#include "ndrparse-private.h"

#define MAX_HITS 256

static void
scan_value (const NdrparseRules *rules, const char *name, const char *value, GArray *hits)
{
	if (value)
		_ndr_rules_scan (rules, NDR_CHANNEL_HEADER, name, value, MIN (strlen (value), NDRPARSE_MAX_HEADER_LENGTH),
				 hits, MAX_HITS);
}

static gboolean
is_dsn_field (const char *lower)
{
	return strcmp (lower, "reporting-mta") == 0 || strcmp (lower, "diagnostic-type") == 0;
}

/* The DSN's fields that rules read as headers (a header of that name in
 * the bounce is not read: anyone can write one). */
static void
scan_dsn_fields (const NdrparseReport *report, GHashTable *names, GArray *hits)
{
	const char *name = g_hash_table_lookup (names, "reporting-mta");
	if (name)
		scan_value (report->rules, name, report->reporting_mta, hits);
	name = g_hash_table_lookup (names, "diagnostic-type");
	const NdrparseRecord *first = report->records->len ? g_ptr_array_index (report->records, 0) : NULL;
	if (name && first)
		scan_value (report->rules, name, first->diagnostic_type, hits);
}

/* The bounce's own headers, every occurrence (Received: one per hop). */
static void
scan_headers (const NdrparseRules *rules, const NdrHeaderBlock *header, GHashTable *names, GArray *hits)
{
	guint n = header ? _ndr_header_block_count (header) : 0;
	char lower[128];
	for (guint i = 0; i < n; i++) {
		gsize len;
		const char *field = _ndr_header_block_name_at (header, i, &len);
		if (len >= sizeof lower)
			continue;
		for (gsize k = 0; k < len; k++)
			lower[k] = g_ascii_tolower (field[k]);
		lower[len] = '\0';
		const char *name = g_hash_table_lookup (names, lower);
		if (name && !is_dsn_field (lower))
			scan_value (rules, name, _ndr_header_block_value_at (header, i), hits);
	}
}

void
_ndr_header_rules_scan (const NdrparseReport *report, GArray *hits)
{
	GHashTable *names = _ndr_rules_header_names (report->rules);
	scan_dsn_fields (report, names, hits);
	/* The headers do not change while a report is decoded: scanned once. */
	NdrparseReport *r = (NdrparseReport *) report;
	if (r->header_hits == NULL) {
		r->header_hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
		scan_headers (report->rules, report->header, names, r->header_hits);
	}
	g_array_append_vals (hits, r->header_hits->data, r->header_hits->len);
}

const char *
_ndr_reporter_identify (const NdrparseReport *report)
{
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	_ndr_header_rules_scan (report, hits);
	const NdrRuleHit *best = NULL;
	for (guint i = 0; i < hits->len; i++) {
		const NdrRuleHit *h = &g_array_index (hits, NdrRuleHit, i);
		if (h->rule->then == NDR_THEN_REPORTER && _ndr_rule_hit_outranks (h, best))
			best = h;
	}
	const char *name = best ? NDR_RULE_TEXT (best->rule, then_name) : NULL;
	g_array_unref (hits);
	return name;
}
