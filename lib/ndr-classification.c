/* ndr-classification.c - the result of classifying one SMTP reply
 * (ndrparse_classify_reply() in ndr-record-classify.c makes it). */
#include "ndrparse-private.h"

NdrparseClassification *
_ndr_classification_new (void)
{
	NdrparseClassification *c = g_new0 (NdrparseClassification, 1);
	g_atomic_ref_count_init (&c->ref_count);
	c->hard_bounce = NDRPARSE_TRISTATE_UNSET;
	return c;
}

NdrparseClassification *
ndrparse_classification_ref (NdrparseClassification *classification)
{
	g_return_val_if_fail (classification != NULL, NULL);
	g_atomic_ref_count_inc (&classification->ref_count);
	return classification;
}

void
ndrparse_classification_unref (NdrparseClassification *classification)
{
	if (classification && g_atomic_ref_count_dec (&classification->ref_count))
		g_free (classification);
}

NdrparseReason
ndrparse_classification_get_reason (const NdrparseClassification *classification)
{
	g_return_val_if_fail (classification != NULL, NDRPARSE_REASON_UNDEFINED);
	return classification->reason;
}

NdrparseTristate
ndrparse_classification_get_hard_bounce (const NdrparseClassification *classification)
{
	g_return_val_if_fail (classification != NULL, NDRPARSE_TRISTATE_UNSET);
	return classification->hard_bounce;
}

NdrparseStatusClass
ndrparse_classification_get_status_class (const NdrparseClassification *classification)
{
	g_return_val_if_fail (classification != NULL, NDRPARSE_STATUS_CLASS_UNKNOWN);
	return classification->status_class;
}

guint
ndrparse_classification_get_reply_code (const NdrparseClassification *classification)
{
	g_return_val_if_fail (classification != NULL, 0);
	return classification->reply_code;
}

const char *
ndrparse_classification_get_status (const NdrparseClassification *classification)
{
	g_return_val_if_fail (classification != NULL, NULL);
	return classification->status[0] ? classification->status : NULL;
}

const char *
ndrparse_classification_get_smtp_command (const NdrparseClassification *classification)
{
	g_return_val_if_fail (classification != NULL, NULL);
	return classification->smtp_command;
}

const char *
ndrparse_classification_get_advice (const NdrparseClassification *classification)
{
	g_return_val_if_fail (classification != NULL, NULL);
	return classification->advice;
}
