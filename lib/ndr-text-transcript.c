/* ndr-text-transcript.c - the session transcript of a prose report
 * (ndr-text.h).
 *
 * Sendmail does not write a recipient's error after its address but
 * transcribes the sessions, each ending with a summary line that names
 * the recipient:
 *
 *     ----- Transcript of session follows -----
 *     ... while talking to mx.example.com.:      (a session-start rule)
 *     >>> RCPT To:<a@example.com>
 *     <<< 550 5.1.1 <a@example.com>... User unknown
 *     550 5.1.1 a@example.com... User unknown     (the summary line)
 *
 * So a recipient's block is its session: from the line that starts it
 * (or the line after the previous summary) through its summary line.
 *
 * MDaemon logs the session itself, a line at a time after a time stamp
 * (below): there the failing exchange is the recipient's diagnostic.
 */
#include <string.h>

#include "ndr-text.h"

/* Whether line @i is a summary line of @address: "554 <a@b>... Host
 * unknown" or "a@b... User unknown". */
static gboolean
is_summary_line (const NdrText *t, guint i, const char *address)
{
	const NdrLine *l = _ndr_text_line (t, i);
	const char *at = _ndr_memcasemem (l->p, l->len, address);
	if (at == NULL)
		return FALSE;
	const char *after = at + strlen (address), *end = l->p + l->len;
	if (after < end && *after == '>')
		after++;
	return end - after >= 3 && memcmp (after, "...", 3) == 0;
}

gboolean
_ndr_transcript_index (const NdrText *t, GPtrArray *found, guint start, NdrTranscript *tr)
{
	if (start == G_MAXUINT)
		return FALSE;
	GHashTable *by_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	for (guint k = 0; k < found->len; k++) {
		const NdrFinding *f = g_ptr_array_index (found, k);
		g_hash_table_insert (by_address, g_ascii_strdown (f->address, -1), GUINT_TO_POINTER (k + 1));
	}
	tr->start = start;
	tr->summary_of = g_new (guint, MAX (found->len, 1));
	for (guint k = 0; k < found->len; k++)
		tr->summary_of[k] = G_MAXUINT;
	tr->is_summary = g_new0 (gboolean, MAX (t->end, 1));
	for (guint i = start + 1; i < t->end; i++) {
		char *address = _ndr_text_line_recipient (t, i);
		if (address && is_summary_line (t, i, address)) {
			char *key = g_ascii_strdown (address, -1);
			guint k = GPOINTER_TO_UINT (g_hash_table_lookup (by_address, key));
			g_free (key);
			if (k) {
				tr->is_summary[i] = TRUE;
				if (tr->summary_of[k - 1] == G_MAXUINT)
					tr->summary_of[k - 1] = i;
			}
		}
		g_free (address);
	}
	g_hash_table_unref (by_address);
	return TRUE;
}

void
_ndr_transcript_clear (NdrTranscript *tr)
{
	g_clear_pointer (&tr->summary_of, g_free);
	g_clear_pointer (&tr->is_summary, g_free);
}

static gboolean
starts_session (const NdrText *t, guint line)
{
	return _ndr_text_find_line (t, line, line + 1, NDR_THEN_MARK, NULL, NDR_MARK_SESSION_START) != G_MAXUINT;
}

gboolean
_ndr_transcript_block (const NdrText *t, const NdrTranscript *tr, guint k, guint *first, guint *stop)
{
	guint summary = tr->summary_of[k];
	if (summary == G_MAXUINT)
		return FALSE;
	guint start = summary;
	while (start > tr->start + 1 && !tr->is_summary[start - 1]) {
		if (starts_session (t, --start))
			break;
	}
	*first = start;
	*stop = summary + 1;
	return TRUE;
}

/* ---- the remote's reply as a transcript quotes it ---- */

static gboolean
is_failure_reply (const char *p, const char *end)
{
	return end - p >= 4 && (p[0] == '4' || p[0] == '5') && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) &&
	       (p[3] == ' ' || p[3] == '-');
}

gboolean
_ndr_transcript_quotes_reply (const NdrText *t, guint first, guint stop)
{
	for (guint i = first; i < stop; i++) {
		const NdrLine *l = _ndr_text_line (t, i);
		const char *end = l->p + l->len, *p = _ndr_text_skip_blanks (l->p, end);
		if (end - p >= 4 && memcmp (p, "<<< ", 4) == 0 && is_failure_reply (p + 4, end))
			return TRUE;
	}
	return FALSE;
}

/* ---- sessions MDaemon logs line by line ---- */

/* MDaemon's session transcript logs each line of the session after a
 * time stamp, the client's with "-->", the server's with "<--" (" Wed
 * 2013-09-11 12:22:05: --> RCPT To:<a@b>", " Wed ...: <-- 550 5.1.1
 * ..."): the text of line @i after the stamp, or NULL for a line with no
 * stamp; *@end is the line's end. */
static const char *
session_text (const NdrText *t, guint i, const char **end)
{
	const NdrLine *l = _ndr_text_line (t, i);
	*end = l->p + l->len;
	const char *p = _ndr_text_skip_blanks (l->p, *end);
	const char *stamp_end = _ndr_memcasemem (p, (gsize) (*end - p), ": ");
	/* "Wed 2013-09-11 12:22:05" is 23 characters */
	if (stamp_end == NULL || stamp_end - p != 23 || p[8] != '-' || p[14] != ' ')
		return NULL;
	return stamp_end + 2;
}

/* The text of line @i after the stamp and @arrow ("-->" or "<--"), or
 * NULL when it is no such line. */
static const char *
session_line (const NdrText *t, guint i, const char *arrow, const char **end)
{
	const char *p = session_text (t, i, end);
	return p && (gsize) (*end - p) > 4 && memcmp (p, arrow, 3) == 0 && p[3] == ' ' ? p + 4 : NULL;
}

/* The line before @reply where MDaemon names the host it connects to by
 * its name ("Attempting SMTP connection to [mx.example.com]"; the next
 * such line gives its address), or G_MAXUINT. */
static guint
session_host_line (const NdrText *t, guint first, guint reply)
{
	static const char lead[] = "Attempting SMTP connection to [";
	guint found = G_MAXUINT;
	for (guint i = first; i < reply; i++) {
		const char *end, *p = session_text (t, i, &end);
		if (p == NULL || (gsize) (end - p) <= strlen (lead) || memcmp (p, lead, strlen (lead)) != 0)
			continue;
		char *host = _ndr_text_find_remote_host (p, (gsize) (end - p));
		if (host)
			found = i;
		g_free (host);
	}
	return found;
}

static void
append_words (GString *s, const char *p, const char *end)
{
	if (s->len)
		g_string_append_c (s, ' ');
	g_string_append_len (s, p, end - p);
}

/* The session's other lines (the greeting, EHLO, "MAIL From:<sender>")
 * say nothing about the failure: the diagnostic is the host line, the
 * command the first failure reply answered and that reply (a later one,
 * "554 no valid recipients" after a refused RCPT, follows from it). */
char *
_ndr_transcript_session_diagnostic (const NdrText *t, guint first, guint stop)
{
	guint reply = G_MAXUINT;
	const char *end;
	for (guint i = first; i < stop && reply == G_MAXUINT; i++) {
		const char *p = session_line (t, i, "<--", &end);
		if (p && is_failure_reply (p, end))
			reply = i;
	}
	if (reply == G_MAXUINT)
		return NULL;
	GString *s = g_string_new (NULL);
	guint host = session_host_line (t, first, reply);
	if (host != G_MAXUINT) {
		const char *p = session_text (t, host, &end);
		append_words (s, p, end);
	}
	for (guint i = reply; i-- > first;) {
		const char *p = session_line (t, i, "-->", &end);
		if (p) {
			append_words (s, p - 4, end);   /* "--> RCPT To:<a@b>": the arrow names a command */
			break;
		}
	}
	for (guint i = reply; i < stop; i++) {
		const char *p = session_line (t, i, "<--", &end);
		if (p == NULL || !is_failure_reply (p, end))
			break;
		append_words (s, p, end);
	}
	return g_string_free (s, FALSE);
}
