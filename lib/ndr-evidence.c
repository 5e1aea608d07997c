/* ndr-evidence.c - why a record got its reason: the rules that fired for
 * it, in the order of the evidence chain (ndr-classify.c), each with what
 * it matched, and what decided the reason and hard_bounce.  Owned by the
 * record's report; the strings of shipped rules are static, the others
 * copied into the report, so a report needs no rule set to be read.
 */
#include <string.h>

#include "ndrparse-private.h"

struct _NdrparseEvidence {
	NdrparseReport *report;         /* whose strings these are (no reference): ndrparse_evidence_ref() */
	const char *step;
	const char *rule_id;
	const char *source;
	const char *matched;
	const char *conclusion;
	gboolean decisive;
};

void
_ndr_record_add_evidence (NdrparseReport *report, NdrparseRecord *record, const NdrFired *fired,
			  const char *conclusion)
{
	if (record->evidence == NULL)
		record->evidence = g_ptr_array_new_with_free_func (g_free);
	NdrparseEvidence *e = g_new0 (NdrparseEvidence, 1);
	const NdrRule *rule = fired->rule;
	gboolean shipped = rule && !rule->user;
	e->report = report;
	e->step = fired->step;          /* a static step name */
	e->rule_id = rule ? (shipped ? NDR_RULE_TEXT (rule, id) : _ndr_report_intern (report, NDR_RULE_TEXT (rule, id))) : NULL;
	e->source = rule ? (shipped ? NDR_RULE_TEXT (rule, source) : _ndr_report_intern (report, NDR_RULE_TEXT (rule, source))) : NULL;
	if (fired->read && fired->to > fired->from && fired->to <= strlen (fired->read))
		e->matched = _ndr_report_intern_len (report, fired->read + fired->from, (gssize) (fired->to - fired->from));
	e->conclusion = _ndr_report_intern (report, conclusion);
	e->decisive = fired->decisive;
	g_ptr_array_add (record->evidence, e);
}

guint
ndrparse_record_get_n_evidence (const NdrparseRecord *record)
{
	return record && record->evidence ? record->evidence->len : 0;
}

const NdrparseEvidence *
ndrparse_record_get_evidence (const NdrparseRecord *record, guint index)
{
	return index < ndrparse_record_get_n_evidence (record) ? g_ptr_array_index (record->evidence, index) : NULL;
}

const char *
ndrparse_evidence_get_step (const NdrparseEvidence *evidence)
{
	return evidence ? evidence->step : NULL;
}

const char *
ndrparse_evidence_get_rule_id (const NdrparseEvidence *evidence)
{
	return evidence ? evidence->rule_id : NULL;
}

const char *
ndrparse_evidence_get_source (const NdrparseEvidence *evidence)
{
	return evidence ? evidence->source : NULL;
}

const char *
ndrparse_evidence_get_matched (const NdrparseEvidence *evidence)
{
	return evidence ? evidence->matched : NULL;
}

const char *
ndrparse_evidence_get_conclusion (const NdrparseEvidence *evidence)
{
	return evidence ? evidence->conclusion : NULL;
}

gboolean
ndrparse_evidence_is_decisive (const NdrparseEvidence *evidence)
{
	return evidence && evidence->decisive;
}

const NdrparseEvidence *
ndrparse_evidence_ref (const NdrparseEvidence *evidence)
{
	g_return_val_if_fail (evidence != NULL, NULL);
	ndrparse_report_ref (evidence->report);
	return evidence;
}

void
ndrparse_evidence_unref (const NdrparseEvidence *evidence)
{
	if (evidence)
		ndrparse_report_unref (evidence->report);
}
