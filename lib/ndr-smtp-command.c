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

/* @text (@len bytes) with each line break and the blanks around it made
 * one space (a new string; *@out_len its length), or NULL if it has no
 * line break. */
static char *
unfolded (const char *text, gsize len, gsize *out_len)
{
	if (memchr (text, '\n', len) == NULL)
		return NULL;
	char *out = g_malloc (len + 1), *q = out;
	for (gsize i = 0; i < len; i++) {
		if (text[i] != '\n' && text[i] != '\r') {
			*q++ = text[i];
			continue;
		}
		while (q > out && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		while (i + 1 < len && g_ascii_isspace (text[i + 1]))
			i++;
		*q++ = ' ';
	}
	*q = '\0';
	*out_len = (gsize) (q - out);
	return out;
}

/* Reports fold their lines (Postfix wraps its "(in reply to RCPT TO
 * command)" wherever the line reaches its width: "(in reply to\n    RCPT
 * TO command)"), and a rule's words are on one line: the command is read
 * from the text unfolded. */
const char *
_ndr_text_find_smtp_command (const NdrparseRules *rules, const char *text, gsize len)
{
	if (text == NULL)
		return NULL;
	gsize flat_len = 0;
	char *flat = unfolded (text, len, &flat_len);
	const NdrRule *rule = flat ? _ndr_smtp_command_rule (rules, flat, flat_len) : _ndr_smtp_command_rule (rules, text, len);
	g_free (flat);
	return rule ? _ndr_smtp_command_name ((NdrSmtpCommand) rule->value) : NULL;
}
