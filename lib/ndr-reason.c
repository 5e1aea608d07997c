/* ndr-reason.c - the reason vocabulary: each reason's name, description,
 * standard status codes and advice, from lib/rules/vocabulary/
 * reasons.rules (compiled into _ndr_reason_defs, in the order of
 * NdrparseReason).  What evidence means which reason is the rules' and
 * the evidence chain's (ndr-classify.c).
 */
#include <string.h>

#include "ndrparse-private.h"

static gboolean
is_reason (NdrReason reason)
{
	return (guint) reason < NDRPARSE_REASON_COUNT;
}

const char *
_ndr_reason_name (NdrReason reason)
{
	return is_reason (reason) ? _ndr_reason_defs[reason].name : NULL;
}

const char *
_ndr_reason_description (NdrReason reason)
{
	return is_reason (reason) ? _ndr_reason_defs[reason].description : NULL;
}

const char *
_ndr_reason_advice (NdrReason reason, gboolean permanent)
{
	if (!is_reason (reason))
		return NULL;
	return permanent ? _ndr_reason_defs[reason].advice_permanent : _ndr_reason_defs[reason].advice_temporary;
}

const char *
ndrparse_reason_get_name (NdrparseReason reason)
{
	return _ndr_reason_name (reason);
}

const char *
ndrparse_reason_get_description (NdrparseReason reason)
{
	return _ndr_reason_description (reason);
}

gboolean
ndrparse_reason_from_name (const char *name, NdrparseReason *reason)
{
	if (name == NULL)
		return FALSE;
	for (guint i = 0; i < NDRPARSE_REASON_COUNT; i++) {
		if (g_ascii_strcasecmp (name, _ndr_reason_defs[i].name) == 0) {
			if (reason)
				*reason = (NdrparseReason) i;
			return TRUE;
		}
	}
	return FALSE;
}

gboolean
_ndr_reason_standard_status (NdrReason reason, guint klass, NdrStatusCode *out)
{
	if (!is_reason (reason) || (klass != 4 && klass != 5))
		return FALSE;
	const char *code = klass == 4 ? _ndr_reason_defs[reason].status_temporary : _ndr_reason_defs[reason].status_permanent;
	if (code == NULL || !_ndr_status_code_scan (code, strlen (code), out))
		return FALSE;
	/* "speeding" and "toomanyconn" are temporary by nature; their code
	 * keeps its class only when the bounce agrees. */
	return out->klass == klass;
}
