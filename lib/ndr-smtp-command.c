/* ndr-smtp-command.c - the SMTP command a reply answered, from its words.
 *
 * Reports name it in their own ways: Postfix "in reply to RCPT TO
 * command", Exim "after RCPT TO:<...>", Sendmail ">>> RCPT To:<...>",
 * qmail "does not like recipient".  Those wordings are rules
 * (then=command:NAME, lib/rules/markers/smtp-commands.rules) in a channel
 * of their own, matched in one pass; the command is that of the match
 * that starts first in the text (the earliest says which exchange the
 * reply belongs to), a tie going to the rule that outranks.
 */
#include "ndr-rule-set.h"
#include "ndrparse-private.h"

/* The hit of @hits that decides: the first to start, then the one that
 * outranks. */
static const NdrRuleHit *
deciding_hit (const GArray *hits)
{
	const NdrRuleHit *best = NULL;
	for (guint i = 0; i < hits->len; i++) {
		const NdrRuleHit *h = &g_array_index (hits, NdrRuleHit, i);
		if (h->rule->then != NDR_THEN_COMMAND)
			continue;
		if (best == NULL || h->from < best->from || (h->from == best->from && _ndr_rule_hit_outranks (h, best)))
			best = h;
	}
	return best;
}

const NdrRule *
_ndr_smtp_command_rule (const NdrparseRules *rules, const char *text, gsize len)
{
	if (text == NULL || len == 0)
		return NULL;
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	_ndr_rules_scan (rules, NDR_CHANNEL_COMMAND, NULL, text, len, hits, 256);
	const NdrRuleHit *best = deciding_hit (hits);
	const NdrRule *rule = best ? best->rule : NULL;
	g_array_unref (hits);
	return rule;
}

const char *
_ndr_text_find_smtp_command (const NdrparseRules *rules, const char *text, gsize len)
{
	const NdrRule *rule = _ndr_smtp_command_rule (rules, text, len);
	return rule ? _ndr_smtp_command_name ((NdrSmtpCommand) rule->value) : NULL;
}
