/* ndr-reason.c - the reason vocabulary (ndr-reasons.def) and the phrase
 * table (ndr-reason-phrases.def) that maps what a bounce says to a reason.
 *
 * The phrase table is scanned in file order and the first hit wins, so
 * the order of the file is the priority of the phrases.  Matching is a
 * case-insensitive substring search over UTF-8: ASCII letters fold, other
 * bytes compare as they are, which is right for the non-Latin phrases
 * (they have no case) and costs no allocation.
 */
#include <string.h>

#include "ndrparse-private.h"

static const struct {
	const char *name;
	const char *permanent;
	const char *temporary;
	const char *description;
} reasons[] = {
#define NDR_REASON(id, name, permanent, temporary, description) \
	[NDR_REASON_##id] = { name, permanent, temporary, description },
#include "ndr-reasons.def"
#undef NDR_REASON
};

static const struct {
	NdrReason reason;
	const char *phrase;
} phrases[] = {
#define NDR_PHRASE(id, phrase) { NDR_REASON_##id, phrase },
#include "ndr-reason-phrases.def"
#undef NDR_PHRASE
};

const char *
_ndr_reason_name (NdrReason reason)
{
	return reason < NDR_REASON_COUNT ? reasons[reason].name : NULL;
}

const char *
_ndr_reason_description (NdrReason reason)
{
	return reason < NDR_REASON_COUNT ? reasons[reason].description : NULL;
}

NdrReason
_ndr_reason_from_phrases (const char *text, gsize len)
{
	if (text == NULL || len == 0)
		return NDR_REASON_UNDEFINED;
	for (gsize i = 0; i < G_N_ELEMENTS (phrases); i++) {
		if (_ndr_memcasemem (text, len, phrases[i].phrase))
			return phrases[i].reason;
	}
	return NDR_REASON_UNDEFINED;
}

gboolean
_ndr_reason_standard_status (NdrReason reason, guint klass, NdrStatusCode *out)
{
	if (reason >= NDR_REASON_COUNT || (klass != 4 && klass != 5))
		return FALSE;
	const char *code = klass == 4 ? reasons[reason].temporary : reasons[reason].permanent;
	if (code == NULL || !_ndr_status_code_scan (code, strlen (code), out))
		return FALSE;
	/* "speeding" and "toomanyconn" are temporary by nature; their code
	 * keeps its class only when the bounce agrees. */
	return out->klass == klass;
}
