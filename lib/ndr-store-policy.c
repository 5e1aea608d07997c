/* ndr-store-policy.c - what each bounce does to its address.
 *
 * The defaults follow the two practices the store was asked for: "hard
 * bounced addresses are removed at once and excluded from every future
 * send; soft bounces that persist beyond the retry window are flagged",
 * and Mailman's bounce processing (a score per address, 1.0 per hard
 * bounce and 0.5 per soft one, disabled at 5.0, the information stale
 * after 7 days without bounces: Mailman's bounce_score_threshold,
 * bounce_info_stale_after).  Here a hard bounce suppresses at once, so
 * only soft bounces score.
 *
 * Sender-side reasons are those Sisimai (Sisimai::Reason) describes as
 * the sending side's problem rather than the mailbox's: the sender's IP
 * or domain on a blocklist or of bad reputation (blocked, badreputation,
 * requireptr), its authentication (authfailure), the receiver's policy
 * and content checks (policyviolation, spamdetected, virusdetected,
 * contenterror, notcompliantrfc, securityerror), a message larger than
 * the receiving system takes (mesgtoobig: the message's size, not the
 * mailbox's, which is exceedlimit), the sending MTA's own SMTP
 * (syntaxerror), relaying and sender refusals (norelaying, rejected) and
 * rate limits (speeding, toomanyconn).  Each is a refusal of this sender or this message, which
 * says nothing of whether the address works.
 */
#include <errno.h>
#include <string.h>

#include "ndr-store.h"

#define DAY_SECONDS (24 * 60 * 60)

/* The settings' names, each written once: the table, the list of keys
 * and the parser below use these. */
#define KEY_SOFT_WEIGHT "soft-weight"
#define KEY_SOFT_THRESHOLD "soft-threshold"
#define KEY_SOFT_ACTION "soft-action"
#define KEY_DECAY_DAYS "decay-days"
#define KEY_SENDER_SIDE "sender-side-reasons"

typedef struct {
	const char *key, *default_value, *description;
} PolicySetting;

static const PolicySetting settings[] = {
	{ KEY_SOFT_WEIGHT, "0.5",
	  "What each soft bounce adds to the address's score (Mailman: 0.5)." },
	{ KEY_SOFT_THRESHOLD, "5.0",
	  "The score at which soft bounces suppress the address, or flag it for review (Mailman: 5.0)." },
	{ KEY_SOFT_ACTION, "suppress",
	  "What reaching soft-threshold does: suppress, or review (the address may still be mailed)." },
	{ KEY_DECAY_DAYS, "7",
	  "Days without a bounce after which the score is forgotten (Mailman: 7); 0 never forgets." },
	{ KEY_SENDER_SIDE,
	  "authfailure,badreputation,blocked,contenterror,mesgtoobig,norelaying,notcompliantrfc,"
	  "policyviolation,rejected,requireptr,securityerror,spamdetected,speeding,syntaxerror,toomanyconn,"
	  "virusdetected",
	  "Reasons that are the sender's own problem: never held against the recipient, counted per "
	  "destination domain." },
};

static const char *const setting_keys[] = {
	KEY_SOFT_WEIGHT, KEY_SOFT_THRESHOLD, KEY_SOFT_ACTION, KEY_DECAY_DAYS, KEY_SENDER_SIDE, NULL
};

G_STATIC_ASSERT (G_N_ELEMENTS (setting_keys) == G_N_ELEMENTS (settings) + 1);

static const PolicySetting *
setting_find (const char *key)
{
	for (gsize i = 0; key && i < G_N_ELEMENTS (settings); i++)
		if (strcmp (settings[i].key, key) == 0)
			return &settings[i];
	return NULL;
}

const char *const *
ndrparse_store_policy_get_keys (void)
{
	return setting_keys;
}

const char *
ndrparse_store_policy_get_default (const char *key)
{
	const PolicySetting *s = setting_find (key);
	return s ? s->default_value : NULL;
}

const char *
ndrparse_store_policy_get_description (const char *key)
{
	const PolicySetting *s = setting_find (key);
	return s ? s->description : NULL;
}

static gboolean
parse_number (const char *key, const char *value, double max, double *out, GError **error)
{
	char *end;
	errno = 0;
	double d = g_ascii_strtod (value, &end);
	if (errno || end == value || *end != '\0' || !(d >= 0 && d <= max)) {
		_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_INVALID_POLICY,
				      "%s: '%s' is not a number from 0 to %g", key, value, max);
		return FALSE;
	}
	*out = d;
	return TRUE;
}

static gboolean
parse_reasons (const char *value, guint64 *bits, GError **error)
{
	char **names = g_strsplit (value, ",", -1);
	guint64 set = 0;
	for (char **n = names; *n; n++) {
		g_strstrip (*n);
		NdrparseReason reason;
		if (**n == '\0')
			continue;
		if (!ndrparse_reason_from_name (*n, &reason)) {
			_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_INVALID_POLICY,
					      "sender-side-reasons: '%s' is not a reason", *n);
			g_strfreev (names);
			return FALSE;
		}
		set |= G_GUINT64_CONSTANT (1) << reason;
	}
	g_strfreev (names);
	*bits = set;
	return TRUE;
}

G_STATIC_ASSERT (NDRPARSE_REASON_COUNT <= 64);

gboolean
_ndr_store_policy_set (NdrStorePolicy *policy, const char *key, const char *value, GError **error)
{
	const PolicySetting *s = setting_find (key);
	if (s == NULL) {
		char *known = g_strjoinv (", ", (char **) setting_keys);
		_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_INVALID_POLICY, "no policy setting '%s' (%s)",
				      key ? key : "", known);
		g_free (known);
		return FALSE;
	}
	if (value == NULL)
		value = s->default_value;
	double d;
	if (strcmp (key, KEY_SOFT_WEIGHT) == 0) {
		if (!parse_number (key, value, 1000, &d, error))
			return FALSE;
		policy->soft_weight = d;
	} else if (strcmp (key, KEY_SOFT_THRESHOLD) == 0) {
		if (!parse_number (key, value, 1e6, &d, error))
			return FALSE;
		if (d == 0) {
			_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_INVALID_POLICY,
					      "soft-threshold: must be more than 0");
			return FALSE;
		}
		policy->soft_threshold = d;
	} else if (strcmp (key, KEY_SOFT_ACTION) == 0) {
		if (strcmp (value, "suppress") == 0)
			policy->soft_action = NDRPARSE_ADDRESS_STATE_SUPPRESSED;
		else if (strcmp (value, "review") == 0)
			policy->soft_action = NDRPARSE_ADDRESS_STATE_REVIEW;
		else {
			_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_INVALID_POLICY,
					      "soft-action: '%s' is neither suppress nor review", value);
			return FALSE;
		}
	} else if (strcmp (key, KEY_DECAY_DAYS) == 0) {
		if (!parse_number (key, value, 36500, &d, error))
			return FALSE;
		if (d != (guint) d) {
			_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_INVALID_POLICY,
					      "decay-days: '%s' is not a whole number", value);
			return FALSE;
		}
		policy->decay_days = (guint) d;
	} else {
		return parse_reasons (value, &policy->sender_side, error);
	}
	return TRUE;
}

void
_ndr_store_policy_defaults (NdrStorePolicy *policy)
{
	for (gsize i = 0; i < G_N_ELEMENTS (settings); i++) {
		gboolean ok = _ndr_store_policy_set (policy, settings[i].key, NULL, NULL);
		g_assert (ok);
	}
}

/* ---- classes ---- */

static gboolean
is_success (const NdrStoreEvent *e)
{
	switch (e->action_kind) {
	case NDRPARSE_ACTION_DELIVERED:
	case NDRPARSE_ACTION_RELAYED:
	case NDRPARSE_ACTION_EXPANDED:
		return TRUE;
	default:
		return e->reason == NDRPARSE_REASON_DELIVERED;
	}
}

NdrparseEventClass
_ndr_store_policy_classify (const NdrStorePolicy *policy, const NdrStoreEvent *e)
{
	if (e->reason == NDRPARSE_REASON_FEEDBACK)
		return NDRPARSE_EVENT_CLASS_COMPLAINT;
	if (e->reason == NDRPARSE_REASON_VACATION)
		return NDRPARSE_EVENT_CLASS_AUTOREPLY;
	if (is_success (e))
		return NDRPARSE_EVENT_CLASS_SUCCESS;
	if (e->action_kind == NDRPARSE_ACTION_DELAYED)
		return NDRPARSE_EVENT_CLASS_DELAY;
	if (policy->sender_side & (G_GUINT64_CONSTANT (1) << e->reason))
		return NDRPARSE_EVENT_CLASS_SENDER;
	if (e->hard_bounce == NDRPARSE_TRISTATE_TRUE)
		return NDRPARSE_EVENT_CLASS_HARD;
	return NDRPARSE_EVENT_CLASS_SOFT;
}

gboolean
_ndr_store_policy_moves_address (NdrparseEventClass event_class)
{
	switch (event_class) {
	case NDRPARSE_EVENT_CLASS_HARD:
	case NDRPARSE_EVENT_CLASS_SOFT:
	case NDRPARSE_EVENT_CLASS_COMPLAINT:
	case NDRPARSE_EVENT_CLASS_SUCCESS:
		return TRUE;
	default:
		return FALSE;
	}
}

/* ---- moving an address ---- */

static void
enter_state (NdrStoreAddress *a, NdrparseAddressState state, NdrparseCause cause, NdrparseReason reason,
	     gint64 when)
{
	a->state = state;
	a->cause = cause;
	a->reason = reason;
	a->since = when;
}

static gboolean
score_is_stale (const NdrStorePolicy *policy, const NdrStoreAddress *a, gint64 when)
{
	return policy->decay_days > 0 && a->last_bounce > 0 &&
	       when - a->last_bounce > (gint64) policy->decay_days * DAY_SECONDS;
}

static void
count_bounce (NdrStoreAddress *a, const NdrStoreEvent *e)
{
	a->bounces++;
	if (e->time > a->last_bounce)
		a->last_bounce = e->time;
}

static void
apply_soft (const NdrStorePolicy *policy, NdrStoreAddress *a, const NdrStoreEvent *e)
{
	if (score_is_stale (policy, a, e->time))
		a->score = 0;
	a->score += policy->soft_weight;
	count_bounce (a, e);
	if (a->state == NDRPARSE_ADDRESS_STATE_ACTIVE) {
		a->reason = e->reason;
		/* A little slack for the sum of binary fractions (0.1 * 10). */
		if (a->score + 1e-9 >= policy->soft_threshold)
			enter_state (a, policy->soft_action, NDRPARSE_CAUSE_SOFT, e->reason, e->time);
	}
}

void
_ndr_store_policy_apply (const NdrStorePolicy *policy, NdrStoreAddress *a, const NdrStoreEvent *e)
{
	switch (e->event_class) {
	case NDRPARSE_EVENT_CLASS_HARD:
		count_bounce (a, e);
		/* A suppression by hand or for a complaint says more. */
		if (a->state != NDRPARSE_ADDRESS_STATE_SUPPRESSED || a->cause == NDRPARSE_CAUSE_SOFT)
			enter_state (a, NDRPARSE_ADDRESS_STATE_SUPPRESSED, NDRPARSE_CAUSE_HARD, e->reason, e->time);
		break;
	case NDRPARSE_EVENT_CLASS_COMPLAINT:
		if (a->state != NDRPARSE_ADDRESS_STATE_SUPPRESSED || a->cause == NDRPARSE_CAUSE_SOFT)
			enter_state (a, NDRPARSE_ADDRESS_STATE_SUPPRESSED, NDRPARSE_CAUSE_COMPLAINT,
				     NDRPARSE_REASON_FEEDBACK, e->time);
		break;
	case NDRPARSE_EVENT_CLASS_SOFT:
		apply_soft (policy, a, e);
		break;
	case NDRPARSE_EVENT_CLASS_SUCCESS:
		/* The mailbox works: the score goes, and a state that only the
		 * score made; not a hard bounce's, a complaint's or a hand's. */
		a->score = 0;
		if (a->cause == NDRPARSE_CAUSE_SOFT)
			enter_state (a, NDRPARSE_ADDRESS_STATE_ACTIVE, NDRPARSE_CAUSE_NONE, a->reason, e->time);
		break;
	case NDRPARSE_EVENT_CLASS_DELAY:
	case NDRPARSE_EVENT_CLASS_AUTOREPLY:
	case NDRPARSE_EVENT_CLASS_SENDER:
		break;
	}
}

void
_ndr_store_policy_decay (const NdrStorePolicy *policy, NdrStoreAddress *a, gint64 now)
{
	if (!score_is_stale (policy, a, now))
		return;
	a->score = 0;
	if (a->state == NDRPARSE_ADDRESS_STATE_REVIEW && a->cause == NDRPARSE_CAUSE_SOFT)
		enter_state (a, NDRPARSE_ADDRESS_STATE_ACTIVE, NDRPARSE_CAUSE_NONE, a->reason,
			     a->last_bounce + (gint64) policy->decay_days * DAY_SECONDS);
}

void
_ndr_store_address_clear (NdrStoreAddress *address)
{
	g_free (address->address);
	g_free (address->domain);
	g_free (address->note);
	memset (address, 0, sizeof *address);
}
