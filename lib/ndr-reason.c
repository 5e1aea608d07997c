/* ndr-reason.c - the reason vocabulary (ndr-reasons.def) and the phrase
 * table (ndr-reason-phrases.def) that maps what a bounce says to a reason.
 *
 * The first phrase of the file that the text holds wins, so the order of
 * the file is the priority of the phrases.  Matching is a case-insensitive
 * substring search over UTF-8, all phrases in one pass (ndr-phrase-set.c):
 * ASCII letters fold, other bytes compare as they are, which is right for
 * the non-Latin phrases (they have no case).
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

/* The phrase table as one set; a phrase's id is its line in the table,
 * so the lowest id found is the first phrase in file order. */
static const NdrPhraseSet *
phrase_set (void)
{
	static gsize once = 0;
	static NdrPhraseSet *set;
	if (g_once_init_enter (&once)) {
		set = _ndr_phrase_set_new ();
		for (gsize i = 0; i < G_N_ELEMENTS (phrases); i++)
			_ndr_phrase_set_add (set, phrases[i].phrase, i);
		g_once_init_leave (&once, 1);
	}
	return set;
}

NdrReason
_ndr_reason_from_phrases (const char *text, gsize len)
{
	if (text == NULL || len == 0)
		return NDR_REASON_UNDEFINED;
	guint first = _ndr_phrase_set_lowest (phrase_set (), text, len);
	return first < G_N_ELEMENTS (phrases) ? phrases[first].reason : NDR_REASON_UNDEFINED;
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
