/* ndr-text-decode.c - bounces told in prose.
 *
 * Many MTAs send no delivery-status part (qmail, classic Exim, Gmail,
 * Yahoo, ...), or one that names nobody.  Their reports differ in
 * wording but share a shape:
 *
 *     preamble ("I'm afraid I wasn't able to deliver ...")
 *     <recipient line>       an address leading its line: "<a@b>:", "  a@b"
 *       diagnostic lines     the remote reply, the host, the command
 *     <recipient line> ...
 *     end line               "--- Below this line is a copy of the message."
 *     the returned message
 *
 * So one engine reads them all; what differs per family (how to
 * recognise it, where the report begins and ends) is data, in
 * ndr-text-families.c.  A bounce from no known family is read the same
 * way once it passes the bounce test (a daemon sender or a bounce
 * subject, and a failure phrase or SMTP code in the text), so a new MTA
 * mostly works before it gets its entry.
 *
 * Recipients come, in order of trust, from recipient lines, from
 * X-Failed-Recipients (which some relays rewrite: the text wins), from
 * addresses mentioned anywhere in the report, and from the returned
 * message's envelope recipient.  The sender's own
 * addresses never count as recipients.
 */
#include <string.h>

#include "ndrparse-private.h"

/* Bounds that keep a hostile text from costing more than a real one. */
#define MAX_LINES 20000
#define MAX_RECIPIENTS 1000
#define MAX_DIAGNOSTIC 2048
/* Family markers are looked for in this much of the text. */
#define MARKER_WINDOW 16384

typedef struct {
	const char *p;
	gsize len;
} Line;

typedef struct {
	GArray *lines;          /* Line */
	guint begin, end;       /* the report is lines [begin, end) */
	GHashTable *senders;    /* addresses that are never recipients */
} Text;

typedef struct {
	char *address;
	guint line;             /* where its block starts, G_MAXUINT if unknown */
} Finding;

/* ---- recognising the report ---- */

static gboolean
list_hit (const char *const *list, const char *hay, gsize len)
{
	if (hay == NULL)
		return FALSE;
	for (; *list; list++) {
		if (_ndr_memcasemem (hay, len, *list))
			return TRUE;
	}
	return FALSE;
}

/* The tables' phrase lists as sets, built once: every family's markers
 * (a phrase's id is its family's index), the failure and delay phrases. */
typedef struct {
	NdrPhraseSet *markers;
	NdrPhraseSet *failures;
	NdrPhraseSet *delays;
	NdrPhraseSet *common_ends;
} PhraseSets;

static const PhraseSets *
phrase_sets (void)
{
	static gsize once = 0;
	static PhraseSets sets;
	if (g_once_init_enter (&once)) {
		sets.markers = _ndr_phrase_set_new ();
		for (gsize i = 0; i < _ndr_text_families_count; i++)
			_ndr_phrase_set_add_list (sets.markers, _ndr_text_families[i].marker, i);
		sets.failures = _ndr_phrase_set_new ();
		_ndr_phrase_set_add_list (sets.failures, _ndr_text_failure_phrases, 0);
		sets.delays = _ndr_phrase_set_new ();
		_ndr_phrase_set_add_list (sets.delays, _ndr_text_delay_phrases, 0);
		sets.common_ends = _ndr_phrase_set_new ();
		_ndr_phrase_set_add_list (sets.common_ends, _ndr_text_common_ends, 0);
		g_once_init_leave (&once, 1);
	}
	return &sets;
}

static gboolean
family_matches (const NdrTextFamily *f, const char *from, const char *subject, gboolean marker_found)
{
	if (f->from && !list_hit (f->from, from, from ? strlen (from) : 0))
		return FALSE;
	if (f->subject && !list_hit (f->subject, subject, subject ? strlen (subject) : 0))
		return FALSE;
	if (f->marker && !marker_found)
		return FALSE;
	return f->from || f->subject || f->marker;
}

static const NdrTextFamily *
detect_family (const char *from, const char *subject, const char *text, gsize text_len)
{
	GArray *marks = g_array_sized_new (FALSE, TRUE, sizeof (gboolean), _ndr_text_families_count);
	g_array_set_size (marks, _ndr_text_families_count);
	_ndr_phrase_set_mark (phrase_sets ()->markers, text, MIN (text_len, MARKER_WINDOW), marks);

	const NdrTextFamily *found = NULL;
	for (gsize i = 0; i < _ndr_text_families_count && found == NULL; i++) {
		if (family_matches (&_ndr_text_families[i], from, subject, g_array_index (marks, gboolean, i)))
			found = &_ndr_text_families[i];
	}
	g_array_unref (marks);
	return found;
}

static gboolean
is_reply_or_forward (const char *subject)
{
	static const char *const prefixes[] = { "re:", "fw:", "fwd:", "aw:", "wg:", "tr:", "sv:", "antw:" };
	if (subject == NULL)
		return FALSE;
	subject += strspn (subject, " \t");
	for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++) {
		if (g_ascii_strncasecmp (subject, prefixes[i], strlen (prefixes[i])) == 0)
			return TRUE;
	}
	return FALSE;
}

gboolean
_ndr_text_from_daemon (const char *from)
{
	return from == NULL || *from == '\0' || strstr (from, "<>") != NULL ||
	       list_hit (_ndr_text_daemon_senders, from, strlen (from));
}

static gboolean
starts_with_any (const char *const *list, const char *s)
{
	for (; *list; list++) {
		if (g_ascii_strncasecmp (s, *list, strlen (*list)) == 0)
			return TRUE;
	}
	return FALSE;
}

/* "Undeliverable: ...", "** Delivery failure **", "[SPAM] Returned mail: ..." */
static gboolean
subject_is_bounce (const char *subject)
{
	if (subject == NULL || is_reply_or_forward (subject))
		return FALSE;
	if (list_hit (_ndr_text_bounce_subject_words, subject, strlen (subject)))
		return TRUE;
	const char *p = subject + strspn (subject, " \t*");
	if (*p == '[' && strchr (p, ']'))
		p = strchr (p, ']') + 1;
	p += strspn (p, " \t*");
	return starts_with_any (_ndr_text_bounce_subjects, p);
}

/* Whether the message presents itself as a delivery report.  A person's
 * reply that quotes a bounce ("Re: Undeliverable ...") does not, nor does
 * list mail about bounces ("Five reasons your mail is undeliverable"). */
static gboolean
presents_as_bounce (GMimeMessage *message, const char *from, const char *subject,
		    const NdrTextFamily *family)
{
	GMimeObject *object = GMIME_OBJECT (message);
	if (_ndr_text_from_daemon (from))
		return TRUE;
	if (family && (family->from || family->subject))
		return TRUE;
	if (g_mime_object_get_header (object, "X-Failed-Recipients"))
		return TRUE;
	if (g_mime_object_get_header (object, "List-Id") || g_mime_object_get_header (object, "List-Unsubscribe"))
		return FALSE;
	return subject_is_bounce (subject);
}

/* ---- lines and the report region ---- */

static void
split_lines (const char *text, GArray *lines)
{
	const char *p = text;
	while (*p && lines->len < MAX_LINES) {
		const char *nl = strchr (p, '\n');
		Line line = { p, nl ? (gsize) (nl - p) : strlen (p) };
		g_array_append_val (lines, line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static Line *
line_at (const Text *t, guint i)
{
	return &g_array_index (t->lines, Line, i);
}

static guint
find_line (const Text *t, guint from, guint to, const char *const *list)
{
	for (guint i = from; list && i < to; i++) {
		Line *l = line_at (t, i);
		if (list_hit (list, l->p, l->len))
			return i;
	}
	return G_MAXUINT;
}

/* The returned message's header block: a line at column 0 that only a
 * header starts with. */
static gboolean
starts_header_block (const Line *l)
{
	static const char *const names[] = {
		"Return-Path:", "Received:", "DKIM-Signature:", "X-Received:",
		"Authentication-Results:", "ARC-Seal:", "Delivered-To:",
	};
	for (gsize i = 0; i < G_N_ELEMENTS (names); i++) {
		gsize n = strlen (names[i]);
		if (l->len >= n && g_ascii_strncasecmp (l->p, names[i], n) == 0)
			return TRUE;
	}
	return FALSE;
}

static void
find_region (Text *t, const NdrTextFamily *family)
{
	guint n = t->lines->len;
	guint begin = family ? find_line (t, 0, n, family->begin) : G_MAXUINT;
	t->begin = begin == G_MAXUINT ? 0 : begin;

	guint end = family ? find_line (t, t->begin + 1, n, family->end) : G_MAXUINT;
	const NdrPhraseSet *common_ends = phrase_sets ()->common_ends;
	for (guint i = t->begin + 1; i < MIN (n, end); i++) {
		Line *l = line_at (t, i);
		if (starts_header_block (l) || _ndr_phrase_set_any (common_ends, l->p, l->len)) {
			end = i;
			break;
		}
	}
	t->end = MIN (end, n);
}

/* ---- addresses in the text ---- */

static gboolean
is_local_char (unsigned char c)
{
	return g_ascii_isalnum (c) || c >= 0x80 || strchr ("._%+-=!#$&'*/?^`{|}~", c) != NULL;
}

static gboolean
is_domain_char (unsigned char c)
{
	return g_ascii_isalnum (c) || c >= 0x80 || c == '.' || c == '-' || c == '_';
}

/* The address starting exactly at @p, lower-cased, or NULL; sets *@stop
 * to the byte after it. */
static char *
address_at (const char *p, const char *end, const char **stop)
{
	const char *q = p;
	while (q < end && is_local_char (*q))
		q++;
	if (q == p || q >= end || *q != '@')
		return NULL;
	const char *d = q + 1, *e = d;
	while (e < end && is_domain_char (*e))
		e++;
	while (e > d && (e[-1] == '.' || e[-1] == '-'))
		e--;
	if (e == d)
		return NULL;
	*stop = e;
	char *raw = g_strndup (p, e - p);
	char *address = _ndr_address_normalize (raw, FALSE);
	g_free (raw);
	return address;
}

static const char *
skip_blanks (const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *
skip_label (const char *p, const char *end)
{
	for (const char *const *label = _ndr_text_recipient_labels; *label; label++) {
		gsize n = strlen (*label);
		if ((gsize) (end - p) >= n && g_ascii_strncasecmp (p, *label, n) == 0)
			return skip_blanks (p + n, end);
	}
	return p;
}

/* A session transcript marks the client's lines: "In:" (Postfix),
 * ">>>" (Sendmail), "Sent <<<" (InterScan). */
static const char *
skip_transcript_mark (const char *p, const char *end)
{
	static const char *const marks[] = { "In:", ">>>", "Sent <<<", "Sent:" };
	for (gsize i = 0; i < G_N_ELEMENTS (marks); i++) {
		gsize n = strlen (marks[i]);
		if ((gsize) (end - p) >= n && g_ascii_strncasecmp (p, marks[i], n) == 0)
			return skip_blanks (p + n, end);
	}
	return p;
}

/* The address a line leads with, the way reports list recipients:
 * "<a@b>:", "  a@b", "a@b: 550 ...", "* a@b", "Recipient: a@b",
 * ">>> RCPT TO:<a@b>", "550 <a@b>... User unknown". */
static char *
line_recipient (const Line *l)
{
	const char *p = l->p, *end = l->p + l->len;
	while (p < end && strchr (" \t*-•", *p))
		p += (*p == '\xe2' && end - p >= 3) ? 3 : 1;
	p = skip_label (skip_transcript_mark (p, end), end);
	/* Sendmail: "550 <a@b>... User unknown". */
	if (end - p >= 5 && g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) &&
	    p[3] == ' ' && p[4] == '<')
		p += 4;
	if (p < end && (*p == '<' || *p == '"' || *p == '\''))
		p++;
	const char *stop;
	char *address = address_at (p, end, &stop);
	if (address == NULL)
		return NULL;
	if (stop < end && strchr (">\"'", *stop))
		stop++;
	/* "a@b <c@d>": an address used as a display name; the real one is
	 * in the brackets (Exim quotes a malformed To this way). */
	const char *next = skip_blanks (stop, end);
	if (next < end && *next == '<' && next > stop) {
		const char *inner_stop;
		char *inner = address_at (next + 1, end, &inner_stop);
		if (inner && inner_stop < end && *inner_stop == '>') {
			g_free (address);
			return inner;
		}
		g_free (inner);
	}
	if (stop < end && !strchr (":;,.([ \t", *stop)) {
		g_free (address);
		return NULL;
	}
	return address;
}

static gboolean
is_daemon_address (const char *address)
{
	return g_ascii_strncasecmp (address, "mailer-daemon@", 14) == 0;
}

static gboolean
usable (const Text *t, const char *address, gboolean allow_senders)
{
	if (address == NULL || is_daemon_address (address))
		return FALSE;
	return allow_senders || !g_hash_table_contains (t->senders, address);
}

static Finding *
find_finding (GPtrArray *found, const char *address)
{
	for (guint i = 0; i < found->len; i++) {
		Finding *f = g_ptr_array_index (found, i);
		if (strcmp (f->address, address) == 0)
			return f;
	}
	return NULL;
}

/* Adds @address (taken) unless present; returns whether it was new. */
static gboolean
add_finding (GPtrArray *found, char *address, guint line)
{
	Finding *f = find_finding (found, address);
	if (f) {
		if (f->line == G_MAXUINT)
			f->line = line;
		g_free (address);
		return FALSE;
	}
	if (found->len >= MAX_RECIPIENTS) {
		g_free (address);
		return FALSE;
	}
	f = g_new0 (Finding, 1);
	f->address = address;
	f->line = line;
	g_ptr_array_add (found, f);
	return TRUE;
}

static void
finding_free (gpointer data)
{
	Finding *f = data;
	g_free (f->address);
	g_free (f);
}

static void
collect_recipient_lines (const Text *t, GPtrArray *found, gboolean allow_senders)
{
	for (guint i = t->begin; i < t->end; i++) {
		char *address = line_recipient (line_at (t, i));
		if (usable (t, address, allow_senders))
			add_finding (found, address, i);
		else
			g_free (address);
	}
}

/* Calls @each for every address mentioned on the report's lines, with
 * the line's index; the address is a new string @each takes. */
static void
for_each_mention (const Text *t, void (*each) (char *address, guint line, gpointer data), gpointer data)
{
	for (guint i = t->begin; i < t->end; i++) {
		Line *l = line_at (t, i);
		const char *p = l->p, *end = l->p + l->len;
		while ((p = memchr (p, '@', end - p)) != NULL) {
			const char *start = p, *stop;
			while (start > l->p && is_local_char (start[-1]))
				start--;
			char *address = address_at (start, end, &stop);
			if (address)
				each (address, i, data);
			p = p + 1;
		}
	}
}

typedef struct {
	const Text *t;
	GPtrArray *found;
} MentionState;

static void
add_mention (char *address, guint line, gpointer data)
{
	MentionState *st = data;
	if (usable (st->t, address, FALSE))
		add_finding (st->found, address, line);
	else
		g_free (address);
}

/* Every address the report mentions, for reports that name the
 * recipient only inside a sentence ("... delivering your mail to <a@b>."). */
static void
collect_mentions (const Text *t, GPtrArray *found)
{
	MentionState st = { t, found };
	for_each_mention (t, add_mention, &st);
}

static void
collect_failed_recipients_header (GMimeMessage *message, GPtrArray *found)
{
	GPtrArray *list = _ndr_address_list (
		g_mime_object_get_header (GMIME_OBJECT (message), "X-Failed-Recipients"));
	for (guint i = 0; i < list->len; i++)
		add_finding (found, g_strdup (g_ptr_array_index (list, i)), G_MAXUINT);
	g_ptr_array_unref (list);
}

static void
locate_mention (char *address, guint line, gpointer data)
{
	Finding *f = g_hash_table_lookup (data, address);
	if (f && f->line == G_MAXUINT)
		f->line = line;
	g_free (address);
}

/* A recipient known from a header: its block starts where the report
 * first names it.  One pass over the mentions, a hash lookup each. */
static void
locate_findings (const Text *t, GPtrArray *found)
{
	GHashTable *by_address = g_hash_table_new (g_str_hash, g_str_equal);
	for (guint k = 0; k < found->len; k++) {
		Finding *f = g_ptr_array_index (found, k);
		g_hash_table_insert (by_address, f->address, f);
	}
	for_each_mention (t, locate_mention, by_address);
	g_hash_table_unref (by_address);
}

static void
collect_recipients (GMimeMessage *message, NdrparseReport *report, const Text *t,
		    NdrRecipientStyle style, GPtrArray *found)
{
	if (style == NDR_RECIPIENT_LINES)
		collect_recipient_lines (t, found, FALSE);
	if (found->len == 0) {
		collect_failed_recipients_header (message, found);
		locate_findings (t, found);
	}
	if (found->len == 0)
		collect_mentions (t, found);
	if (found->len == 0)
		collect_recipient_lines (t, found, TRUE);
	if (found->len == 0 && report->envelope_recipient)
		add_finding (found, g_strdup (report->envelope_recipient), G_MAXUINT);
}

static void
add_sender (GHashTable *senders, const char *value)
{
	GPtrArray *list = _ndr_address_list (value);
	for (guint i = 0; i < list->len; i++)
		g_hash_table_add (senders, g_strdup (g_ptr_array_index (list, i)));
	g_ptr_array_unref (list);
}

/* The bounce goes to the sender, and comes from the reporting system:
 * neither is a failed recipient. */
static GHashTable *
sender_addresses (GMimeMessage *message, const NdrparseReport *report)
{
	GHashTable *senders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	GMimeObject *object = GMIME_OBJECT (message);
	add_sender (senders, g_mime_object_get_header (object, "From"));
	add_sender (senders, g_mime_object_get_header (object, "To"));
	add_sender (senders, report->return_path);
	add_sender (senders, report->from_address);
	return senders;
}

/* ---- one record per recipient ---- */

/* The lines of a recipient's block, joined with single spaces. */
static char *
block_text (const Text *t, guint first, guint stop)
{
	GString *s = g_string_new (NULL);
	for (guint i = first; i < stop && s->len < MAX_DIAGNOSTIC; i++) {
		Line *l = line_at (t, i);
		const char *p = l->p, *end = l->p + l->len;
		while (p < end && s->len < MAX_DIAGNOSTIC) {
			if (g_ascii_isspace (*p)) {
				if (s->len && s->str[s->len - 1] != ' ')
					g_string_append_c (s, ' ');
			} else {
				g_string_append_c (s, *p);
			}
			p++;
		}
		if (s->len && s->str[s->len - 1] != ' ')
			g_string_append_c (s, ' ');
	}
	while (s->len && s->str[s->len - 1] == ' ')
		g_string_truncate (s, s->len - 1);
	return g_string_free (s, FALSE);
}

/* A recipient line that holds nothing but the address says nothing
 * about the failure: the diagnostic starts after it. */
static guint
diagnostic_start (const Text *t, const Finding *f)
{
	Line *l = line_at (t, f->line);
	char *address = line_recipient (l);
	gboolean bare = FALSE;
	if (address) {
		const char *at = _ndr_memcasemem (l->p, l->len, address);
		gsize rest = at ? l->len - (at - l->p) - strlen (address) : 0;
		bare = at && strspn (at + strlen (address), "<>\"': \t") >= rest;
	}
	g_free (address);
	return bare ? f->line + 1 : f->line;
}

static guint
class_of (const NdrTextCodes *codes, const char *text, gsize len, const char *subject)
{
	if (codes->status.klass)
		return codes->status.klass;
	if (codes->reply_code)
		return codes->reply_code / 100;
	const NdrPhraseSet *delays = phrase_sets ()->delays;
	if (_ndr_phrase_set_any (delays, text, len) ||
	    (subject && _ndr_phrase_set_any (delays, subject, strlen (subject))))
		return 4;
	return 5;
}

/* The status a bounce means when it states none: the standard code of
 * the reason its words give, else the bare class. */
static void
infer_status (const char *text, gsize len, guint klass, NdrStatusCode *out)
{
	NdrReason reason = _ndr_reason_from_phrases (text, len, NULL);
	if (!_ndr_reason_standard_status (reason, klass, out))
		*out = (NdrStatusCode) { klass, 0, 0 };
}

static void
fill_record (NdrparseReport *report, NdrparseRecord *record, const char *diag,
	     const char *preamble, const char *subject)
{
	gsize len = strlen (diag);
	NdrTextCodes codes;

	_ndr_text_find_codes (diag, len, &codes);
	if (codes.reply_code == 0 && codes.status.klass == 0 && preamble)
		_ndr_text_find_codes (preamble, strlen (preamble), &codes);
	record->reply_code = codes.reply_code;
	record->smtp_command = _ndr_text_find_smtp_command (diag, len);
	record->remote_mta = _ndr_report_take (report, _ndr_text_find_remote_host (diag, len));
	if (*diag)
		record->diagnostic_code = _ndr_report_intern (report, diag);

	guint klass = class_of (&codes, diag, len, subject);
	NdrStatusCode status = codes.status;
	gboolean inferred = status.klass == 0 || (status.subject == 0 && status.detail == 0);
	if (inferred) {
		infer_status (diag, len, klass, &status);
		if (status.subject == 0 && status.detail == 0 && preamble)
			infer_status (preamble, strlen (preamble), klass, &status);
	}
	_ndr_record_set_status (report, record, &status, codes.reply_code);
	record->status_inferred = inferred;
	record->action = klass == 4 ? "delayed" : "failed";
	record->action_kind = klass == 4 ? NDRPARSE_ACTION_DELAYED : NDRPARSE_ACTION_FAILED;
}

static guint
next_block_line (const Text *t, GPtrArray *found, const Finding *f)
{
	guint stop = t->end;
	for (guint k = 0; k < found->len; k++) {
		const Finding *g = g_ptr_array_index (found, k);
		if (g->line != G_MAXUINT && g->line > f->line && g->line < stop)
			stop = g->line;
	}
	return stop;
}

static gboolean
report_says_failure (const Text *t, const char *subject)
{
	char *all = block_text (t, t->begin, t->end);
	NdrTextCodes codes;
	gsize len = strlen (all);
	_ndr_text_find_codes (all, len, &codes);
	gsize subject_len = subject ? strlen (subject) : 0;
	const NdrPhraseSet *failures = phrase_sets ()->failures;
	gboolean failure = codes.reply_code >= 400 || codes.status.klass >= 4 ||
			   _ndr_phrase_set_any (failures, all, len) ||
			   (subject && _ndr_phrase_set_any (failures, subject, subject_len)) ||
			   subject_is_bounce (subject);
	g_free (all);
	return failure;
}

/* Whether line @i is a transcript summary line of @address:
 * "554 <a@b>... Host unknown" or "a@b... User unknown". */
static gboolean
is_summary_line (const Text *t, guint i, const char *address)
{
	const Line *l = line_at (t, i);
	const char *at = _ndr_memcasemem (l->p, l->len, address);
	if (at == NULL)
		return FALSE;
	const char *after = at + strlen (address), *end = l->p + l->len;
	if (after < end && *after == '>')
		after++;
	return end - after >= 3 && memcmp (after, "...", 3) == 0;
}

/* Sendmail's transcript, indexed once: which lines are the summary lines
 * of the recipients found, and each recipient's first one. */
typedef struct {
	guint start;            /* the "Transcript of session follows" line */
	guint *summary_of;      /* per finding: its summary line, or G_MAXUINT */
	gboolean *is_summary;   /* per line of the text */
} Transcript;

static gboolean
transcript_index (const Text *t, GPtrArray *found, guint start, Transcript *tr)
{
	if (start == G_MAXUINT)
		return FALSE;
	GHashTable *by_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	for (guint k = 0; k < found->len; k++) {
		const Finding *f = g_ptr_array_index (found, k);
		g_hash_table_insert (by_address, g_ascii_strdown (f->address, -1), GUINT_TO_POINTER (k + 1));
	}
	tr->start = start;
	tr->summary_of = g_new (guint, found->len);
	for (guint k = 0; k < found->len; k++)
		tr->summary_of[k] = G_MAXUINT;
	tr->is_summary = g_new0 (gboolean, t->end);
	for (guint i = start + 1; i < t->end; i++) {
		char *address = line_recipient (line_at (t, i));
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

static void
transcript_clear (Transcript *tr)
{
	g_free (tr->summary_of);
	g_free (tr->is_summary);
}

/* In a session transcript, finding @k's error: the lines of the session
 * that ends with its summary line, from the last "While talking to host:"
 * (or the line after the previous recipient's summary) through its
 * summary line.  FALSE when the transcript has no summary line for it. */
static gboolean
transcript_block (const Text *t, const Transcript *tr, guint k, guint *first, guint *stop)
{
	guint summary = tr->summary_of[k];
	if (summary == G_MAXUINT)
		return FALSE;
	guint start = summary;
	while (start > tr->start + 1 && !tr->is_summary[start - 1]) {
		const Line *prev = line_at (t, --start);
		if (prev->len >= 16 && g_ascii_strncasecmp (prev->p, "While talking to", 16) == 0)
			break;
	}
	*first = start;
	*stop = summary + 1;
	return TRUE;
}

static char *
diagnostic_of (const Text *t, GPtrArray *found, guint k, const Transcript *tr)
{
	const Finding *f = g_ptr_array_index (found, k);
	guint first, stop;
	if (f->line == G_MAXUINT)
		return block_text (t, t->begin, t->end);
	if (tr && transcript_block (t, tr, k, &first, &stop))
		return block_text (t, first, stop);
	return block_text (t, diagnostic_start (t, f), next_block_line (t, found, f));
}

static void
add_records (NdrparseReport *report, const Text *t, GPtrArray *found, const NdrTextFamily *family,
	     const char *subject)
{
	Transcript tr;
	gboolean has_transcript = family && family->transcript &&
		transcript_index (t, found, find_line (t, t->begin, t->end, family->transcript), &tr);
	guint first_line = t->end;
	for (guint k = 0; k < found->len; k++) {
		const Finding *f = g_ptr_array_index (found, k);
		if (f->line != G_MAXUINT)
			first_line = MIN (first_line, f->line);
	}
	char *preamble = first_line > t->begin ? block_text (t, t->begin, first_line) : NULL;

	for (guint k = 0; k < found->len; k++) {
		const Finding *f = g_ptr_array_index (found, k);
		char *diag = diagnostic_of (t, found, k, has_transcript ? &tr : NULL);
		NdrparseRecord *record = _ndr_report_add_record (report);
		if (record == NULL) {
			g_free (diag);
			break;
		}
		record->decoded_by = family ? family->name : "text";
		record->reason = family ? family->reason : NDRPARSE_REASON_UNDEFINED;
		record->recipient = _ndr_report_intern (report, f->address);
		fill_record (report, record, diag, preamble, subject);
		g_free (diag);
	}
	g_free (preamble);
	if (has_transcript)
		transcript_clear (&tr);
}

gboolean
_ndr_text_decode (NdrparseReport *report, GMimeMessage *message, const char *text)
{
	GMimeObject *object = GMIME_OBJECT (message);
	g_autofree char *from = _ndr_header_head (report, object, "From");
	g_autofree char *subject = _ndr_head_of (report, g_mime_message_get_subject (message));
	gsize text_len = text ? strlen (text) : 0;

	const NdrTextFamily *family = detect_family (from, subject, text, text_len);
	if (!presents_as_bounce (message, from, subject, family))
		return FALSE;
	report->looks_like_bounce = TRUE;

	Text t = { g_array_new (FALSE, FALSE, sizeof (Line)), 0, 0, NULL };
	if (text)
		split_lines (text, t.lines);
	find_region (&t, family);
	if (report->message_id == NULL && report->from_address == NULL && t.end < t.lines->len) {
		const char *rest = line_at (&t, t.end)->p;
		_ndr_original_read_text (report, rest, text + text_len - rest);
	}
	t.senders = sender_addresses (message, report);

	gboolean added = FALSE;
	if (family || report_says_failure (&t, subject)) {
		GPtrArray *found = g_ptr_array_new_with_free_func (finding_free);
		collect_recipients (message, report, &t, family ? family->recipients : NDR_RECIPIENT_LINES,
				    found);
		add_records (report, &t, found, family, subject);
		added = found->len > 0;
		g_ptr_array_unref (found);
	}
	g_hash_table_unref (t.senders);
	g_array_unref (t.lines);
	return added;
}
