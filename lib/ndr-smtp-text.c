/* ndr-smtp-text.c - reading SMTP facts out of free diagnostic text.
 *
 * Diagnostic-Code values and human-readable reports quote the remote
 * server's reply in many shapes: "smtp; 550 5.1.1 <a@b>: Recipient address
 * rejected", "550-5.1.1 The email account ... 550 5.1.1 ...", "#5.1.1
 * smtp;550 ...", "host mx.example.com[192.0.2.1] said: 552 ...".  These
 * helpers find the reply code, the enhanced status code and the remote
 * host without regular expressions, in one pass each (the SMTP command a
 * reply answered is read by rules: ndr-smtp-command.c).
 */
#include <string.h>

#include "ndrparse-private.h"

/* A reply code must stand alone: not part of a longer number, a dotted
 * quad or a word. */
static gboolean
boundary_before (const char *text, gsize i)
{
	if (i == 0)
		return TRUE;
	char c = text[i - 1];
	return !g_ascii_isalnum (c) && c != '.' && c != '-' && c != '_' && c != '@' && c != '/';
}

/* Reads a reply code ("550") at @i followed by a space, '-' or the end. */
static guint
reply_code_at (const char *text, gsize len, gsize i)
{
	if (i + 3 > len || !boundary_before (text, i))
		return 0;
	/* RFC 5321 section 4.2: the second digit is 0 to 5. */
	if (text[i] < '2' || text[i] > '5' || text[i + 1] < '0' || text[i + 1] > '5' ||
	    !g_ascii_isdigit (text[i + 2]))
		return 0;
	if (i + 3 < len) {
		char next = text[i + 3];
		gboolean digit_after = i + 4 < len && g_ascii_isdigit (text[i + 4]);
		if (!strchr (" -\t\r\n,)]\"';:", next) && !(next == '.' && !digit_after))
			return 0;
	}
	return (text[i] - '0') * 100 + (text[i + 1] - '0') * 10 + (text[i + 2] - '0');
}

static gsize
status_code_at (const char *text, gsize len, gsize i, NdrStatusCode *code)
{
	if (!boundary_before (text, i) && text[i - 1] != '#' && text[i - 1] != '-')
		return 0;
	gsize n = _ndr_status_code_scan (text + i, len - i, code);
	return n && _ndr_status_code_is_valid (code) ? n : 0;
}

/* "550 5.1.1" or "550-5.1.1": a reply code followed by a status code of
 * the same class. */
/* A session transcript quotes the server's successes before the failure
 * ("250 2.1.5 Ok" ... "451 4.3.0 Error"): the finders below prefer the
 * first failure code (4xx/5xx) and fall back to the first code at all. */
static gboolean
find_code_pair (const char *text, gsize len, NdrTextCodes *codes)
{
	gboolean found = FALSE;
	for (gsize i = 0; i + 8 <= len; i++) {
		if (text[i] < '2' || text[i] > '5')
			continue;       /* what reply_code_at() checks first, without the call */
		guint reply = reply_code_at (text, len, i);
		if (reply == 0)
			continue;
		/* "550 5.1.1", "550-5.1.1", "550-'5.7.1" (Amazon SES quotes). */
		gsize j = i + 4;
		while (j < len && (text[j] == ' ' || text[j] == '\'' || text[j] == '"'))
			j++;
		NdrStatusCode status;
		if (j < len && _ndr_status_code_scan (text + j, len - j, &status) &&
		    status.klass == reply / 100) {
			if (!found || reply >= 400) {
				codes->reply_code = reply;
				codes->status = status;
				codes->paired = TRUE;
				found = TRUE;
			}
			if (reply >= 400)
				return TRUE;
		}
	}
	return found;
}

/* "after 450 seconds", "552 bytes", "more than 500 recipients": a
 * quantity, not a reply.  Three digits count many, so the unit is a
 * plural or an abbreviation, a whole word: "552 recipient storage full"
 * and "554 message refused" are replies. */
static gboolean
followed_by_unit (const char *text, gsize len, gsize i)
{
	static const char *const units[] = {
		"seconds", "secs", "sec", "minutes", "mins", "min", "hours", "hrs", "days", "bytes", "kbytes",
		"mbytes", "kb", "mb", "messages", "recipients", "times", "attempts", "ms",
	};
	gsize j = i + 3;
	if (j >= len || text[j] != ' ')
		return FALSE;
	j++;
	for (gsize u = 0; u < G_N_ELEMENTS (units); u++) {
		gsize n = strlen (units[u]);
		if (j + n <= len && g_ascii_strncasecmp (text + j, units[u], n) == 0 &&
		    (j + n == len || !g_ascii_isalnum (text[j + n])))
			return TRUE;
	}
	return FALSE;
}

/* Sendmail reports a remote refusal as its own code, then the remote's
 * after the address: "554 <a@b>... 550 Host unknown".  The remote's is
 * the real reply. */
static guint
quoted_remote_reply (const char *text, gsize len, gsize i, guint local)
{
	const char *line_end = memchr (text + i, '\n', len - i);
	gsize stop = line_end ? (gsize) (line_end - text) : len;
	const char *dots = _ndr_memcasemem (text + i, stop - i, "... ");
	if (dots == NULL)
		return 0;
	gsize j = dots - text + 4;
	guint remote = reply_code_at (text, len, j);
	return remote && remote / 100 == local / 100 ? remote : 0;
}

static guint
find_reply_code (const char *text, gsize len)
{
	gsize i = 0;

	while (i < len && g_ascii_isspace (text[i]))
		i++;
	guint first = reply_code_at (text, len, i);
	if (first >= 400) {
		guint remote = quoted_remote_reply (text, len, i, first);
		return remote ? remote : first;
	}
	/* Elsewhere only a code the table knows, to keep "after 450 seconds"
	 * style numbers out. */
	for (; i + 3 <= len; i++) {
		if (text[i] < '2' || text[i] > '5')
			continue;
		guint reply = reply_code_at (text, len, i);
		if (reply && _ndr_reply_code_is_known (reply) && reply / 100 != 3 &&
		    !followed_by_unit (text, len, i)) {
			if (reply >= 400)
				return reply;
			if (first == 0)
				first = reply;
		}
	}
	return first;
}

static gboolean
find_status_code (const char *text, gsize len, NdrStatusCode *out)
{
	gboolean found = FALSE;
	for (gsize i = 0; i + 5 <= len; i++) {
		if (text[i] != '2' && text[i] != '4' && text[i] != '5')
			continue;
		if (text[i + 1] != '.')
			continue;
		NdrStatusCode code;
		if (status_code_at (text, len, i, &code)) {
			if (!found || code.klass >= 4)
				*out = code;
			found = TRUE;
			if (code.klass >= 4)
				return TRUE;
		}
	}
	return found;
}

void
_ndr_text_find_codes (const char *text, gsize len, NdrTextCodes *codes)
{
	memset (codes, 0, sizeof *codes);
	if (text == NULL || len == 0)
		return;
	if (find_code_pair (text, len, codes))
		return;
	codes->reply_code = find_reply_code (text, len);
	if (!find_status_code (text, len, &codes->status))
		codes->status.klass = 0;
}

static gboolean
is_host_char (char c)
{
	return g_ascii_isalnum (c) || c == '.' || c == '-' || c == '_';
}

/* The host name after @lead in @text, ended by @close unless that is
 * NUL, its root's dot dropped: a name with a dot and a letter (an
 * address names no host here); NULL when there is none.  Sendmail's
 * "... while talking to mx.example.com.:" (usersmtp.c), MDaemon's
 * "Attempting SMTP connection to [mx.example.com]" (its transcript). */
static char *
host_after (const char *text, gsize len, const char *lead, char close)
{
	const char *at = _ndr_memcasemem (text, len, lead), *end = text + len;
	if (at == NULL)
		return NULL;
	const char *name = at + strlen (lead), *q = name;
	gboolean letters = FALSE;
	while (q < end && is_host_char (*q))
		letters |= g_ascii_isalpha (*q++);
	if (close && (q >= end || *q != close))
		return NULL;
	while (q > name && q[-1] == '.')
		q--;
	if (q == name || !letters || memchr (name, '.', q - name) == NULL)
		return NULL;
	return g_ascii_strdown (name, q - name);
}

char *
_ndr_text_find_remote_host (const char *text, gsize len)
{
	const char *p = text, *end = text + len;
	char *named = host_after (text, len, "while talking to ", '\0');
	if (named == NULL)
		named = host_after (text, len, "SMTP connection to [", ']');
	if (named)
		return named;

	while (p && p < end) {
		const char *at = _ndr_memcasemem (p, end - p, "host");
		if (at == NULL)
			return NULL;
		const char *name = at + 4, *q;
		if (name < end && *name == ':')            /* "host: name (192.0.2.1)" */
			name++;
		if (name >= end || *name != ' ') {
			p = name;
			continue;
		}
		name++;
		q = name;
		while (q < end && is_host_char (*q))
			q++;
		gboolean dotted = memchr (name, '.', q - name) != NULL;
		const char *after = q;
		while (after < end && *after == ' ')
			after++;
		if (dotted && after < end &&
		    (*after == '[' || *after == '(' || (end - after >= 4 && g_ascii_strncasecmp (after, "said", 4) == 0)))
			return g_ascii_strdown (name, q - name);
		p = name;
	}
	return NULL;
}
