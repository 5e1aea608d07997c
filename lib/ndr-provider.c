/* ndr-provider.c - the provider that refused: known by the remote host's
 * name (provider rules: in=remote-host suffix= or is=), or, when the
 * bounce names no host, by the recipient's domain (in=recipient-domain).
 * Its own rules (if-provider=) then outrank the generic ones: Microsoft's
 * 5.7.606-649 are banned sending IPs, Cox's "AUP#CXDNS" a missing PTR
 * record.
 */
#include "ndrparse-private.h"

static const NdrRuleHit *
best_provider (GArray *hits)
{
	const NdrRuleHit *best = NULL;
	for (guint i = 0; i < hits->len; i++) {
		const NdrRuleHit *h = &g_array_index (hits, NdrRuleHit, i);
		if (h->rule->then == NDR_THEN_PROVIDER && _ndr_rule_hit_outranks (h, best))
			best = h;
	}
	return best;
}

const char *
_ndr_provider_of (const NdrparseRules *rules, const char *remote_host, const char *recipient_domain,
		  NdrRuleHit *hit)
{
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	if (remote_host)
		_ndr_rules_lookup (rules, NDR_IN_REMOTE_HOST, NULL, remote_host, hits);
	else if (recipient_domain)
		_ndr_rules_lookup (rules, NDR_IN_RECIPIENT_DOMAIN, NULL, recipient_domain, hits);
	const NdrRuleHit *best = best_provider (hits);
	const char *name = best ? NDR_RULE_TEXT (best->rule, then_name) : NULL;
	if (hit)
		*hit = best ? *best : (NdrRuleHit) { NULL, 0, 0 };
	g_array_unref (hits);
	return name;
}
