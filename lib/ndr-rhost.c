/* ndr-rhost.c - the rules of known mailbox providers
 * (ndr-rhost-rules.def).
 *
 * Providers give their own meaning to codes and words: Microsoft's
 * 5.7.606-649 are banned sending IPs, Cox's "AUP#CXDNS" a missing PTR
 * record.  Those rules outrank the generic phrase table, but only when the
 * refusal came from that provider: from its hosts, or, when the bounce
 * names no host, for a recipient at one of its domains.
 */
#include <string.h>

#include "ndrparse-private.h"

typedef enum {
#define NDR_RHOST_PROVIDER(id, hosts, domains) PROVIDER_##id,
#define NDR_RHOST_RULE(id, status, phrase, reason)
#define NDR_RHOST_STAGE_RULE(id, command, phrase, reason)
#include "ndr-rhost-rules.def"
#undef NDR_RHOST_PROVIDER
#undef NDR_RHOST_RULE
#undef NDR_RHOST_STAGE_RULE
	PROVIDER_COUNT
} Provider;

static const struct {
	const char *hosts;
	const char *domains;
} providers[] = {
#define NDR_RHOST_PROVIDER(id, hosts, domains) [PROVIDER_##id] = { hosts, domains },
#define NDR_RHOST_RULE(id, status, phrase, reason)
#define NDR_RHOST_STAGE_RULE(id, command, phrase, reason)
#include "ndr-rhost-rules.def"
#undef NDR_RHOST_PROVIDER
#undef NDR_RHOST_RULE
#undef NDR_RHOST_STAGE_RULE
};

static const struct {
	Provider provider;
	const char *status;
	const char *command;
	const char *phrase;
	NdrReason reason;
} rules[] = {
#define NDR_RHOST_PROVIDER(id, hosts, domains)
#define NDR_RHOST_RULE(id, status, phrase, reason) \
	{ PROVIDER_##id, status, NULL, phrase, NDRPARSE_REASON_##reason },
#define NDR_RHOST_STAGE_RULE(id, command, phrase, reason) \
	{ PROVIDER_##id, NULL, command, phrase, NDRPARSE_REASON_##reason },
#include "ndr-rhost-rules.def"
#undef NDR_RHOST_PROVIDER
#undef NDR_RHOST_RULE
#undef NDR_RHOST_STAGE_RULE
};

/* Whether @name is one of the space-separated @names or, with
 * @suffix, ends in one of them at a label boundary. */
static gboolean
name_in_list (const char *name, const char *names, gboolean suffix)
{
	gsize len = strlen (name);
	const char *p = names;

	while (p && *p) {
		gsize n = strcspn (p, " ");
		if (n == len && g_ascii_strncasecmp (name, p, n) == 0)
			return TRUE;
		if (suffix && n < len && name[len - n - 1] == '.' &&
		    g_ascii_strncasecmp (name + len - n, p, n) == 0)
			return TRUE;
		p += n;
		p += strspn (p, " ");
	}
	return FALSE;
}

static gboolean
find_provider (const NdrEvidence *ev, Provider *out)
{
	for (guint i = 0; i < PROVIDER_COUNT; i++) {
		gboolean hit = ev->remote_host
			? name_in_list (ev->remote_host, providers[i].hosts, TRUE)
			: ev->recipient_domain && providers[i].domains &&
			  name_in_list (ev->recipient_domain, providers[i].domains, FALSE);
		if (hit) {
			*out = (Provider) i;
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean
scan_number (const char **p, guint *out)
{
	char *end;
	guint64 v = g_ascii_strtoull (*p, &end, 10);
	if (end == *p || v > 999)
		return FALSE;
	*out = (guint) v;
	*p = end;
	return TRUE;
}

/* "5.7.26", "*.7.26" or "5.7.606-649" against a status code. */
static gboolean
status_fits (const char *spec, const NdrStatusCode *status)
{
	guint klass = 0, subject, low, high;
	const char *p = spec;

	if (status->klass == 0)
		return FALSE;
	if (*p == '*')
		p++;
	else if (!scan_number (&p, &klass))
		return FALSE;
	if (*p++ != '.' || !scan_number (&p, &subject) || *p++ != '.' || !scan_number (&p, &low))
		return FALSE;
	high = low;
	if (*p == '-' && (p++, !scan_number (&p, &high)))
		return FALSE;
	return (klass == 0 || klass == status->klass) && subject == status->subject &&
	       status->detail >= low && status->detail <= high;
}

NdrReason
_ndr_rhost_reason (const NdrEvidence *ev)
{
	Provider provider;

	if (!find_provider (ev, &provider))
		return NDRPARSE_REASON_UNDEFINED;
	for (guint i = 0; i < G_N_ELEMENTS (rules); i++) {
		if (rules[i].provider != provider)
			continue;
		if (rules[i].status && !status_fits (rules[i].status, &ev->status))
			continue;
		if (rules[i].command && g_strcmp0 (rules[i].command, ev->command) != 0)
			continue;
		if (rules[i].phrase &&
		    (ev->text == NULL || !_ndr_memcasemem (ev->text, ev->len, rules[i].phrase)))
			continue;
		return rules[i].reason;
	}
	return NDRPARSE_REASON_UNDEFINED;
}
