/* ndr-reason.c - the reason vocabulary (ndr-reasons.def) and the tables
 * that map evidence to a reason: what bounces say
 * (ndr-reason-phrases.def) and what codes and commands say
 * (ndr-code-reasons.def).
 *
 * Phrases: the first phrase of the file that the text holds wins, so the
 * order of the file is the priority of the phrases.  Matching is a
 * case-insensitive substring search over UTF-8, all phrases in one pass
 * (ndr-phrase-set.c): ASCII letters fold, other bytes compare as they
 * are, which is right for the non-Latin phrases (they have no case).
 */
#include <string.h>

#include "ndrparse-private.h"

static const struct {
	const char *name;
	const char *permanent;
	const char *temporary;
	const char *description;
	const char *advice_permanent;
	const char *advice_temporary;
} reasons[] = {
#define NDR_REASON(id, name, permanent, temporary, description, advice_permanent, advice_temporary) \
	[NDRPARSE_REASON_##id] = { name, permanent, temporary, description,                       \
				   advice_permanent, advice_temporary },
#include "ndr-reasons.def"
#undef NDR_REASON
};

/* The table and the public enum list the reasons in the same order. */
enum {
#define NDR_REASON(id, ...) DEF_ORDER_##id,
#include "ndr-reasons.def"
#undef NDR_REASON
	DEF_ORDER_COUNT
};
#define NDR_REASON(id, ...) G_STATIC_ASSERT ((int) DEF_ORDER_##id == (int) NDRPARSE_REASON_##id);
#include "ndr-reasons.def"
#undef NDR_REASON
G_STATIC_ASSERT ((int) DEF_ORDER_COUNT == (int) NDRPARSE_REASON_COUNT);

/* The final phrases first, then the naming ones, then the broad ones: an
 * id's place in this array is its priority. */
static const struct {
	NdrReason reason;
	const char *phrase;
	NdrPhraseKind kind;
} phrases[] = {
#define NDR_FINAL_PHRASE(id, phrase) { NDRPARSE_REASON_##id, phrase, NDR_PHRASE_FINAL },
#define NDR_PHRASE(id, phrase)
#define NDR_BROAD_PHRASE(id, phrase)
#include "ndr-reason-phrases.def"
#undef NDR_FINAL_PHRASE
#undef NDR_PHRASE
#define NDR_FINAL_PHRASE(id, phrase)
#define NDR_PHRASE(id, phrase) { NDRPARSE_REASON_##id, phrase, NDR_PHRASE_NAMING },
#include "ndr-reason-phrases.def"
#undef NDR_PHRASE
#undef NDR_BROAD_PHRASE
#define NDR_PHRASE(id, phrase)
#define NDR_BROAD_PHRASE(id, phrase) { NDRPARSE_REASON_##id, phrase, NDR_PHRASE_BROAD },
#include "ndr-reason-phrases.def"
#undef NDR_FINAL_PHRASE
#undef NDR_PHRASE
#undef NDR_BROAD_PHRASE
};

#define NDR_STATUS_REFINES(by_status, said)
#define NDR_COMMAND_REASON(command, id)
#define NDR_REPLY_REASON(code, id)
static const struct {
	guint klass, subject, detail;
	NdrReason reason;
} status_reasons[] = {
#define NDR_STATUS_REASON(klass, subject, detail, id) { klass, subject, detail, NDRPARSE_REASON_##id },
#include "ndr-code-reasons.def"
#undef NDR_STATUS_REASON
};
#undef NDR_COMMAND_REASON

#define NDR_STATUS_REASON(klass, subject, detail, id)
#define NDR_COMMAND_REASON(command, id) { command, NDRPARSE_REASON_##id },
static const struct {
	const char *command;
	NdrReason reason;
} command_reasons[] = {
#include "ndr-code-reasons.def"
};
#undef NDR_COMMAND_REASON
#undef NDR_REPLY_REASON

#define NDR_COMMAND_REASON(command, id)
#define NDR_REPLY_REASON(code, id) { code, NDRPARSE_REASON_##id },
static const struct {
	guint reply_code;
	NdrReason reason;
} reply_reasons[] = {
#include "ndr-code-reasons.def"
};
#undef NDR_REPLY_REASON
#undef NDR_COMMAND_REASON

#define NDR_REPLY_REASON(code, id)
#define NDR_COMMAND_REASON(command, id)
#undef NDR_STATUS_REFINES
#define NDR_STATUS_REFINES(by_status, said) { NDRPARSE_REASON_##by_status, NDRPARSE_REASON_##said },
static const struct {
	NdrReason by_status;
	NdrReason said;
} refinements[] = {
#include "ndr-code-reasons.def"
};
#undef NDR_STATUS_REFINES
#undef NDR_REPLY_REASON
#undef NDR_COMMAND_REASON
#undef NDR_STATUS_REASON

static gboolean
is_reason (NdrReason reason)
{
	return (guint) reason < NDRPARSE_REASON_COUNT;
}

const char *
_ndr_reason_name (NdrReason reason)
{
	return is_reason (reason) ? reasons[reason].name : NULL;
}

const char *
_ndr_reason_description (NdrReason reason)
{
	return is_reason (reason) ? reasons[reason].description : NULL;
}

const char *
_ndr_reason_advice (NdrReason reason, gboolean permanent)
{
	if (!is_reason (reason))
		return NULL;
	return permanent ? reasons[reason].advice_permanent : reasons[reason].advice_temporary;
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
	for (guint i = 0; i < G_N_ELEMENTS (reasons); i++) {
		if (g_ascii_strcasecmp (name, reasons[i].name) == 0) {
			if (reason)
				*reason = (NdrparseReason) i;
			return TRUE;
		}
	}
	return FALSE;
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
_ndr_reason_from_phrases (const char *text, gsize len, NdrPhraseKind *kind)
{
	if (kind)
		*kind = NDR_PHRASE_NAMING;
	if (text == NULL || len == 0)
		return NDRPARSE_REASON_UNDEFINED;
	guint first = _ndr_phrase_set_lowest (phrase_set (), text, len);
	if (first >= G_N_ELEMENTS (phrases))
		return NDRPARSE_REASON_UNDEFINED;
	if (kind)
		*kind = phrases[first].kind;
	return phrases[first].reason;
}

gboolean
_ndr_reason_standard_status (NdrReason reason, guint klass, NdrStatusCode *out)
{
	if (!is_reason (reason) || (klass != 4 && klass != 5))
		return FALSE;
	const char *code = klass == 4 ? reasons[reason].temporary : reasons[reason].permanent;
	if (code == NULL || !_ndr_status_code_scan (code, strlen (code), out))
		return FALSE;
	/* "speeding" and "toomanyconn" are temporary by nature; their code
	 * keeps its class only when the bounce agrees. */
	return out->klass == klass;
}

static NdrReason
reason_of_code (const NdrStatusCode *status)
{
	NdrReason any_class = NDRPARSE_REASON_UNDEFINED;

	for (guint i = 0; i < G_N_ELEMENTS (status_reasons); i++) {
		if (status_reasons[i].subject != status->subject || status_reasons[i].detail != status->detail)
			continue;
		if (status_reasons[i].klass == status->klass)
			return status_reasons[i].reason;
		if (status_reasons[i].klass == 0)
			any_class = status_reasons[i].reason;
	}
	return any_class;
}

/* A detail the table does not know means what its subject's X.Y.0 means
 * (RFC 3463 section 2: "5.7.606" is first of all a security status). */
NdrReason
_ndr_reason_from_status (const NdrStatusCode *status)
{
	if (status == NULL || status->klass == 0)
		return NDRPARSE_REASON_UNDEFINED;
	NdrReason reason = reason_of_code (status);
	if (reason == NDRPARSE_REASON_UNDEFINED && status->detail >= 10) {
		NdrStatusCode subject_only = { status->klass, status->subject, 0 };
		reason = reason_of_code (&subject_only);
	}
	return reason;
}

NdrReason
_ndr_reason_from_command (const char *command)
{
	for (guint i = 0; command && i < G_N_ELEMENTS (command_reasons); i++) {
		if (g_ascii_strcasecmp (command, command_reasons[i].command) == 0)
			return command_reasons[i].reason;
	}
	return NDRPARSE_REASON_UNDEFINED;
}

NdrReason
_ndr_reason_from_reply_code (guint reply_code)
{
	for (guint i = 0; i < G_N_ELEMENTS (reply_reasons); i++) {
		if (reply_reasons[i].reply_code == reply_code)
			return reply_reasons[i].reason;
	}
	return NDRPARSE_REASON_UNDEFINED;
}

gboolean
_ndr_reason_refines (NdrReason by_status, NdrReason said)
{
	for (guint i = 0; i < G_N_ELEMENTS (refinements); i++) {
		if (refinements[i].by_status == by_status && refinements[i].said == said)
			return TRUE;
	}
	return FALSE;
}
