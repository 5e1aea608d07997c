/* ndr-smtp-command.c - the SMTP command a reply answered, from its words.
 *
 * Reports name it in their own ways: Postfix "in reply to RCPT TO
 * command", Exim "after RCPT TO:<...>", Sendmail ">>> RCPT To:<...>",
 * qmail "does not like recipient".  Those wordings are rules
 * (then=command:NAME, lib/rules/markers/smtp-commands.rules) in a channel
 * of their own, literals matched in one pass; the command is that of the
 * match that starts first in the text (the earliest says which exchange
 * the reply belongs to), a tie going to the rule that outranks, and
 * words that end in a letter or digit must end a word there.
 */
#include <string.h>

#include "ndr-rule-set.h"
#include "ndrparse-private.h"

/* Whether the hit ends a word, where its words end in one: "after MAIL"
 * names the command in "after MAIL FROM:<>" and "does not like
 * recipient." ends a sentence, but "after mail.example.org" is a host
 * name going on (letters, digits, dashes, and dots between them). */
static gboolean
ends_word (const NdrRuleHit *h, const char *text, gsize len)
{
	const char *pattern = NDR_RULE_TEXT (h->rule, pattern);
	gsize n = strlen (pattern), at = h->to;
	if (n == 0 || !g_ascii_isalnum (pattern[n - 1]) || at >= len)
		return TRUE;
	char c = text[at];
	if (c == '.')
		return at + 1 >= len || !g_ascii_isalnum (text[at + 1]);
	return !g_ascii_isalnum (c) && c != '-';
}

/* The hit of @hits that decides: the first to start, then the one that
 * outranks. */
static const NdrRuleHit *
deciding_hit (const GArray *hits, const char *text, gsize len)
{
	const NdrRuleHit *best = NULL;
	for (guint i = 0; i < hits->len; i++) {
		const NdrRuleHit *h = &g_array_index (hits, NdrRuleHit, i);
		if (h->rule->then != NDR_THEN_COMMAND || !ends_word (h, text, len))
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
	const NdrRuleHit *best = deciding_hit (hits, text, len);
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
