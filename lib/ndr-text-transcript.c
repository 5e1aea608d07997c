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
