/* ndr-notification.c - what the human-readable part says about each
 * recipient.
 *
 * Most MTAs repeat each recipient in the notification text with the
 * remote reply that the DSN part may leave out:
 *   Postfix:   <a@b>: host mx[192.0.2.1] said: 550 5.1.1 ... (in reply to RCPT TO command)
 *   Sendmail:  >>> RCPT To:<a@b>  /  <<< 550 5.1.1 <a@b>... User unknown
 *   OpenSMTPD: a@b: 550 5.7.25 <a@b>: Recipient address rejected ...
 *
 * The text is indexed once: every address in it, lower-cased, with the
 * offsets of its first mentions.  Looking a recipient up is then a hash
 * lookup, so a report with 10,000 recipients costs 10,000 lookups, not
 * 10,000 scans of the text.  The context of a mention runs from the
 * start of its line to the end of its paragraph, both bounded.
 */
#include <string.h>

#include "ndrparse-private.h"

#define MAX_MENTIONS 16
#define MAX_CONTEXT 2048

struct _NdrNotification {
	const NdrparseRules *rules;
	const char *text;
	gsize len;
	GHashTable *mentions;   /* lower-cased address -> GArray of gsize offsets */
};

static gboolean
is_local_char (unsigned char c)
{
	return g_ascii_isalnum (c) || c >= 0x80 || strchr ("._%+-=!#$&'*/?^`{|}~\"", c) != NULL;
}

static gboolean
is_domain_char (unsigned char c)
{
	return g_ascii_isalnum (c) || c >= 0x80 || c == '.' || c == '-';
}

/* A quote before an address is the prose's, not the local part's
 * (CommuniGate Pro: "Failed to deliver to 'a@example.org'"): RFC 5322
 * section 3.2.3 lets ' and " stand in a local part, so the scan back from
 * the '@' takes it in.  A local part may itself begin with one ('x@ is
 * an address), so the mention is indexed both with and without it. */
static gboolean
is_opening_quote (char c)
{
	return c == '\'' || c == '"' || c == '`';
}

static void
add_mention_key (NdrNotification *n, const char *start, const char *stop)
{
	gsize offset = start - n->text;
	char *key = _ndr_strdown (start, stop - start);
	GArray *offsets = g_hash_table_lookup (n->mentions, key);
	if (offsets == NULL) {
		offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
		g_hash_table_insert (n->mentions, key, offsets);
	} else {
		g_free (key);
	}
	if (offsets->len < MAX_MENTIONS)
		g_array_append_val (offsets, offset);
}

static void
add_mention (NdrNotification *n, const char *start, const char *stop)
{
	while (stop > start && stop[-1] == '.')
		stop--;
	add_mention_key (n, start, stop);
	const char *unquoted = start;
	while (unquoted < stop && is_opening_quote (*unquoted))
		unquoted++;
	if (unquoted > start && *unquoted != '@')
		add_mention_key (n, unquoted, stop);
}

NdrNotification *
_ndr_notification_new (const NdrparseRules *rules, const char *text)
{
	NdrNotification *n = g_new0 (NdrNotification, 1);
	n->rules = rules;
	n->text = text ? text : "";
	n->len = strlen (n->text);
	n->mentions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
					     (GDestroyNotify) g_array_unref);
	const char *p = n->text, *end = n->text + n->len;
	while ((p = memchr (p, '@', end - p)) != NULL) {
		const char *start = p, *stop = p + 1;
		while (start > n->text && is_local_char (start[-1]))
			start--;
		while (stop < end && is_domain_char (*stop))
			stop++;
		if (start < p && stop > p + 1)
			add_mention (n, start, stop);
		p = stop > p + 1 ? stop : p + 1;
	}
	return n;
}

void
_ndr_notification_free (NdrNotification *n)
{
	if (n == NULL)
		return;
	g_hash_table_unref (n->mentions);
	g_free (n);
}

static void
merge_context (const NdrNotification *n, NdrNotificationFacts *facts, const char *context, gsize len)
{
	NdrTextCodes found;

	_ndr_text_find_codes (context, len, &found);
	if (found.paired && !facts->codes.paired)
		facts->codes = found;
	if (facts->codes.reply_code == 0)
		facts->codes.reply_code = found.reply_code;
	if (facts->codes.status.klass == 0)
		facts->codes.status = found.status;
	if (facts->command == NULL)
		facts->command = _ndr_text_find_smtp_command (n->rules, context, len);
}

/* A report about one recipient may quote the remote reply in a session
 * transcript without repeating the address ("<<< 451 4.0.0 Operating
 * system error").  Lines that start with a reply code are SMTP replies. */
static void
read_reply_lines (const NdrNotification *n, NdrNotificationFacts *facts)
{
	const char *p = n->text, *end = n->text + n->len;

	while (p < end) {
		const char *line = p;
		const char *nl = memchr (p, '\n', end - p);
		gsize len = nl ? (gsize) (nl - line) : (gsize) (end - line);
		if (len >= 4 && strncmp (line, "<<< ", 4) == 0)
			line += 4, len -= 4;
		if (len >= 4 && g_ascii_isdigit (line[0])) {
			NdrTextCodes found;
			_ndr_text_find_codes (line, MIN (len, MAX_CONTEXT), &found);
			if (found.reply_code && line[0] - '0' == (int) (found.reply_code / 100)) {
				merge_context (n, facts, line, MIN (len, MAX_CONTEXT));
				return;
			}
		}
		p = nl ? nl + 1 : end;
	}
}

/* Sendmail's transcript puts the command on its own line before the
 * replies it drew (">>> DATA" then "<<< 550 ... User unknown"): the
 * command of a reply line is that of the nearest ">>>" line above it in
 * the same paragraph. */
static const char *
transcript_command (const NdrNotification *n, const char *line)
{
	if (strncmp (line, "<<<", 3) != 0)
		return NULL;
	const char *floor = line - MIN ((gsize) (line - n->text), MAX_CONTEXT);
	const char *p = line;
	while (p > floor) {
		const char *end = p - 1;              /* the '\n' ending the line above */
		const char *start = end;
		while (start > floor && start[-1] != '\n')
			start--;
		if (start == end)                      /* an empty line: the paragraph ends */
			return NULL;
		if (strncmp (start, ">>>", 3) == 0)
			return _ndr_text_find_smtp_command (n->rules, start, end - start);
		p = start;
	}
	return NULL;
}

static gsize
indent_of (const char *line, const char *end)
{
	const char *p = line;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return (gsize) (p - line);
}

/* Whether the text at @p begins with an address ("a@b", "<a@b>"). */
static gboolean
begins_with_address (const char *p, const char *end)
{
	if (p < end && *p == '<')
		p++;
	const char *local = p;
	while (p < end && is_local_char ((unsigned char) *p))
		p++;
	return p > local && p + 1 < end && *p == '@' && is_domain_char ((unsigned char) p[1]);
}

/* Where the context of the mention at @at, on the line at @line, ends:
 * at the end of its paragraph, or before a line that begins with an
 * address and is indented no deeper than @line, which begins that
 * address's own block.  Exim lists the failed addresses with no blank
 * line between, each with its error indented under it (deliver.c):
 *   "  a@example.org\n    Unrouteable address\n  b@example.net\n    ..."
 * and Sendmail's summary lines follow each other so ("<a@b>... ").
 * Bounded by 2 * MAX_CONTEXT from @line. */
static const char *
block_end (const NdrNotification *n, const char *line, const char *at)
{
	const char *limit = line + MIN ((gsize) (n->text + n->len - line), 2 * MAX_CONTEXT);
	const char *para = g_strstr_len (at, limit - at, "\n\n");
	const char *end = para ? para : limit;
	gsize indent = indent_of (line, end);
	for (const char *nl = memchr (at, '\n', (gsize) (end - at)); nl; ) {
		const char *next = nl + 1;
		gsize next_indent = indent_of (next, end);
		if (next_indent <= indent && begins_with_address (next + next_indent, end))
			return nl;
		nl = next < end ? memchr (next, '\n', (gsize) (end - next)) : NULL;
	}
	return end;
}

/* Where the context of a mention on the line at @line begins: that
 * line, or the one above when the mention is what an Exim delivery was
 * "generated by": Exim names a pipe, file or autoreply delivery on the
 * line above ("  pipe to |/usr/bin/procmail\n    generated by
 * a@example.org", deliver.c print_address_information), and that line
 * is the address's too. */
static const char *
context_start (const char *line, const char *floor)
{
	const char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	if (line - floor < 2 || g_ascii_strncasecmp (p, "generated by ", 13) != 0 || line[-2] == '\n')
		return line;
	const char *above = line - 1;
	while (above > floor && above[-1] != '\n')
		above--;
	return above;
}

void
_ndr_notification_facts (const NdrNotification *n, const char *recipient, gboolean only_record,
			 NdrNotificationFacts *facts)
{
	memset (facts, 0, sizeof *facts);
	if (n == NULL || recipient == NULL)
		return;

	GArray *offsets = g_hash_table_lookup (n->mentions, recipient);
	for (guint i = 0; offsets && i < offsets->len; i++) {
		const char *at = n->text + g_array_index (offsets, gsize, i);
		const char *line = at, *floor = at - MIN ((gsize) (at - n->text), MAX_CONTEXT);
		while (line > floor && line[-1] != '\n')
			line--;
		const char *start = context_start (line, floor);
		merge_context (n, facts, start, (gsize) (block_end (n, line, at) - start));
		if (facts->command == NULL)
			facts->command = transcript_command (n, line);
	}
	if (only_record && facts->codes.reply_code == 0 && facts->codes.status.klass == 0)
		read_reply_lines (n, facts);
}

/* Whether the address at @at ends in "..." ("554 <a@b>... Service
 * unavailable"): a summary line of Sendmail's transcript. */
static gboolean
is_summary_mention (const NdrNotification *n, const char *at, gsize address_len)
{
	const char *p = at + address_len, *end = n->text + n->len;
	if (p < end && *p == '>')
		p++;
	return end - p >= 3 && memcmp (p, "...", 3) == 0;
}

/* The first line of the session a transcript summary line at @line ends:
 * back over the lines before it ("mail.local: unknown user: a",
 * "<<< 550 ...") to "While talking to host:", a blank line, a "-----"
 * heading or another recipient's summary line. */
static const char *
session_start (const char *line, const char *floor)
{
	while (line > floor + 1 && line[-1] == '\n' && line[-2] != '\n') {
		const char *prev = line - 1;
		while (prev > floor && prev[-1] != '\n')
			prev--;
		gsize len = (gsize) (line - 1 - prev);
		if (*prev == '-' || g_strstr_len (prev, len, "...") != NULL)
			break;
		line = prev;
		if (len >= 16 && g_ascii_strncasecmp (prev, "While talking to", 16) == 0)
			break;
	}
	return line;
}

/* Appends the line of @at up to the end of its paragraph, its
 * whitespace runs as one space. */
static void
append_paragraph (GString *s, const NdrNotification *n, const char *at, gsize address_len)
{
	const char *line = at, *floor = at - MIN ((gsize) (at - n->text), MAX_CONTEXT);
	while (line > floor && line[-1] != '\n')
		line--;
	const char *mention_line = line;
	if (is_summary_mention (n, at, address_len))
		line = session_start (line, floor);
	else
		line = context_start (line, floor);
	gsize len = (gsize) (block_end (n, mention_line, at) - line);

	if (s->len)
		g_string_append_c (s, ' ');
	for (gsize i = 0; i < len; i++) {
		char c = g_ascii_isspace (line[i]) ? ' ' : line[i];
		if (c != ' ' || (s->len && s->str[s->len - 1] != ' '))
			g_string_append_c (s, c);
	}
}

/* What the notification says where it names @recipient: Sendmail names
 * it once in the list of failures and again in the transcript, where the
 * error is ("<a@example.org>... Deferred: Connection refused by ..."). */
char *
_ndr_notification_context (const NdrNotification *n, const char *recipient)
{
	if (n == NULL || recipient == NULL)
		return NULL;
	GArray *offsets = g_hash_table_lookup (n->mentions, recipient);
	if (offsets == NULL || offsets->len == 0)
		return NULL;

	GString *s = g_string_new (NULL);
	for (guint i = 0; i < offsets->len && s->len < 2 * MAX_CONTEXT; i++)
		append_paragraph (s, n, n->text + g_array_index (offsets, gsize, i), strlen (recipient));
	return g_string_free (s, FALSE);
}

/* ---- a multi-line reply the DSN quotes only in part ---- */

/* Whether @line (@len bytes) is a line of a reply with code @code: "550-"
 * (more lines follow, RFC 5321 section 4.2.1) or "550 " (the last). */
static gboolean
is_reply_line_of (const char *line, gsize len, const char *code)
{
	return len >= 4 && memcmp (line, code, 3) == 0 && (line[3] == '-' || line[3] == ' ');
}

/* The line after a transcript's "<<< " prefix (Sendmail logs every line
 * of a reply that way, usersmtp.c reply()), or NULL. */
static const char *
transcript_reply (const char *line, gsize len, gsize *out_len)
{
	if (len < 4 || memcmp (line, "<<< ", 4) != 0)
		return NULL;
	*out_len = len - 4;
	return line + 4;
}

char *
_ndr_notification_whole_reply (const NdrNotification *n, const char *first_line)
{
	if (n == NULL || first_line == NULL)
		return NULL;
	while (g_ascii_isspace (*first_line))
		first_line++;
	gsize first_len = strlen (first_line);
	while (first_len > 0 && g_ascii_isspace (first_line[first_len - 1]))
		first_len--;
	/* Only a first line that says more lines follow. */
	if (first_len < 5 || !g_ascii_isdigit (first_line[0]) || !is_reply_line_of (first_line, first_len, first_line) ||
	    first_line[3] != '-' || memchr (first_line, '\n', first_len))
		return NULL;

	const char *p = n->text, *end = n->text + n->len;
	while (p < end) {
		const char *nl = memchr (p, '\n', end - p);
		gsize len = nl ? (gsize) (nl - p) : (gsize) (end - p), reply_len;
		const char *reply = transcript_reply (p, len, &reply_len);
		p = nl ? nl + 1 : end;
		if (reply == NULL || reply_len < first_len || memcmp (reply, first_line, first_len) != 0)
			continue;
		/* Found the first line: the reply's other lines follow it. */
		GString *whole = g_string_new_len (reply, reply_len);
		while (p < end && whole->len < MAX_CONTEXT) {
			nl = memchr (p, '\n', end - p);
			len = nl ? (gsize) (nl - p) : (gsize) (end - p);
			reply = transcript_reply (p, len, &reply_len);
			if (reply == NULL || !is_reply_line_of (reply, reply_len, first_line))
				break;
			g_string_append_c (whole, ' ');
			g_string_append_len (whole, reply, reply_len);
			p = nl ? nl + 1 : end;
			if (reply[3] == ' ')
				break;      /* the reply's last line */
		}
		return g_string_free (whole, FALSE);
	}
	return NULL;
}
