/* ndr-text-recipients.c - the addresses a prose report names, and which
 * of them lead a recipient's block (ndr-text.h).
 *
 * Recipients come, in order of trust, from recipient lines (a line led
 * by an address, perhaps after a label a recipient-label rule names:
 * "Recipient: a@b", ">>> RCPT To:<a@b>"), from X-Failed-Recipients
 * (which some relays rewrite: the text wins), from the addresses
 * mentioned anywhere in the report, from the names it gives without an
 * address (ndr-text-named.c), and from the returned message's
 * recipients.  The bounce's own addresses never count.
 *
 * A family whose report names its own users by their local part alone
 * (recipients=local-parts: GroupWise's "\tjsmith (User not on post
 * office)", AOL's screen names) has those lines read too, each local part completed from the
 * returned message's recipient with that local part, else with the
 * domain of the bounce's From, the system that has the user.
 */
#include <string.h>

#include "ndr-text.h"

static gboolean
is_domain_char (unsigned char c)
{
	return g_ascii_isalnum (c) || c >= 0x80 || c == '.' || c == '-' || c == '_';
}

/* The address starting exactly at @p, normalised, or NULL; sets *@stop
 * to the byte after it. */
static char *
address_at (const char *p, const char *end, const char **stop)
{
	const char *q = p;
	while (q < end && _ndr_text_is_local_char (*q))
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

/* List bullets before an address: '*', '-', '•'. */
static const char *
skip_bullets (const char *p, const char *end)
{
	while (p < end) {
		if (*p == ' ' || *p == '\t' || *p == '*' || *p == '-')
			p++;
		else if (end - p >= 3 && memcmp (p, "\xe2\x80\xa2", 3) == 0)
			p += 3;
		else
			break;
	}
	return p;
}

/* Where the recipient label at @p of line @i ends (after its blanks), or
 * @p when none leads there.  A label at the line's start (after blanks)
 * was found by the text's scan; after a bullet the rest of the line is
 * scanned. */
static const char *
skip_label (const NdrText *t, guint i, const char *p, const char *end)
{
	const NdrLine *l = _ndr_text_line (t, i);
	if (p == _ndr_text_skip_blanks (l->p, end)) {
		const NdrLineHit *h = _ndr_text_hit_at (t, i, (gsize) (p - t->text), NDR_MARK_RECIPIENT_LABEL);
		return h ? _ndr_text_skip_blanks (t->text + h->to, end) : p;
	}
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	_ndr_rules_scan (t->rules, NDR_CHANNEL_BODY_LINES, NULL, p, (gsize) (end - p), hits, 64);
	gsize best = 0;
	for (guint k = 0; k < hits->len; k++) {
		const NdrRuleHit *h = &g_array_index (hits, NdrRuleHit, k);
		if (h->from == 0 && h->rule->then == NDR_THEN_MARK && h->rule->value == NDR_MARK_RECIPIENT_LABEL)
			best = MAX (best, h->to);
	}
	g_array_unref (hits);
	return _ndr_text_skip_blanks (p + best, end);
}

/* "550 <a@b>... User unknown": an SMTP reply that names the recipient
 * (RFC 5321 4.2: three digits and a space lead a reply line). */
static const char *
skip_reply_code (const char *p, const char *end)
{
	if (end - p >= 5 && g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) &&
	    p[3] == ' ' && p[4] == '<')
		return p + 4;
	return p;
}

/* "a@b <c@d>": an address used as a display name; the real one is in the
 * brackets (Exim quotes a malformed To this way).  Takes @address. */
static char *
prefer_bracketed (char *address, const char *stop, const char *end)
{
	const char *next = _ndr_text_skip_blanks (stop, end);
	const char *inner_stop;
	char *inner = address_at (next + 1, end, &inner_stop);
	if (inner && inner_stop < end && *inner_stop == '>') {
		g_free (address);
		return inner;
	}
	g_free (inner);
	return address;
}

char *
_ndr_text_line_recipient (const NdrText *t, guint i)
{
	const NdrLine *l = _ndr_text_line (t, i);
	const char *end = l->p + l->len;
	const char *p = skip_reply_code (skip_label (t, i, skip_bullets (l->p, end), end), end);
	if (p < end && (*p == '<' || *p == '"' || *p == '\''))
		p++;
	const char *stop;
	char *address = address_at (p, end, &stop);
	if (address == NULL)
		return NULL;
	if (stop < end && strchr (">\"'", *stop))
		stop++;
	const char *after = _ndr_text_skip_blanks (stop, end);
	if (after > stop && after < end && *after == '<')
		return prefer_bracketed (address, stop, end);
	if (stop < end && !strchr (":;,.([ \t", *stop)) {
		g_free (address);
		return NULL;
	}
	return address;
}

/* ---- findings ---- */

static gboolean
usable (const NdrText *t, const char *address, gboolean allow_senders)
{
	if (address == NULL || g_ascii_strncasecmp (address, "mailer-daemon@", 14) == 0)
		return FALSE;
	return allow_senders || !g_hash_table_contains (t->senders, address);
}

static NdrFinding *
find_finding (GPtrArray *found, const char *address)
{
	for (guint i = 0; i < found->len; i++) {
		NdrFinding *f = g_ptr_array_index (found, i);
		if (strcmp (f->address, address) == 0)
			return f;
	}
	return NULL;
}

/* Adds @address (taken) unless present. */
static void
add_finding (GPtrArray *found, char *address, guint line)
{
	NdrFinding *f = find_finding (found, address);
	if (f || found->len >= NDR_TEXT_MAX_RECIPIENTS) {
		if (f && f->line == G_MAXUINT)
			f->line = line;
		g_free (address);
		return;
	}
	f = g_new0 (NdrFinding, 1);
	f->address = address;
	f->line = line;
	g_ptr_array_add (found, f);
}

static void
finding_free (gpointer data)
{
	NdrFinding *f = data;
	g_free (f->address);
	g_free (f);
}

/* The local part line @i holds alone, before a parenthesised reason
 * (blanks, the local part, blanks, "(...)" to the line's end), or before
 * a reason set off by a tab or two blanks or more (phquery's " %15s    %s"),
 * or NULL; sets *@len. */
static const char *
line_local_part (const NdrText *t, guint i, gsize *len)
{
	const NdrLine *l = _ndr_text_line (t, i);
	const char *end = l->p + l->len;
	while (end > l->p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	const char *p = _ndr_text_skip_blanks (l->p, end), *q = p;
	while (q < end && _ndr_text_is_local_char (*q))
		q++;
	if (q == p)
		return NULL;
	const char *reason = _ndr_text_skip_blanks (q, end);
	gboolean set_off = reason - q >= 2 || (reason > q && *q == '\t');
	gboolean parenthesised = reason > q && reason < end && *reason == '(' && end[-1] == ')';
	if (q < end && !parenthesised && !(set_off && reason < end))
		return NULL;
	*len = (gsize) (q - p);
	return p;
}

/* Whether lines a bare local part leads name recipients, and what
 * completes one: a family that names its users so (GroupWise) may fall
 * back on the domain of the bounce's From; in a report of no family only
 * the returned message's recipient of that local part will do. */
typedef enum {
	LOCAL_PARTS_NONE,
	LOCAL_PARTS_RETURNED,           /* the returned message's recipient only */
	LOCAL_PARTS_RETURNED_OR_DOMAIN, /* ... else at the bounce's From domain */
} LocalParts;

/* What a bare local part is completed with, read once per report. */
typedef struct {
	GPtrArray *returned;    /* the returned message's recipients */
	char *domain;           /* the domain of the bounce's From, if qualified */
} Qualifier;

static void
qualifier_init (Qualifier *q, const NdrparseReport *report, LocalParts local_parts)
{
	q->returned = _ndr_original_recipients (report);
	if (local_parts != LOCAL_PARTS_RETURNED_OR_DOMAIN)
		return;
	GPtrArray *from = _ndr_address_list (_ndr_bounce_header (report, "From"));
	const char *domain = from->len ? _ndr_address_domain (g_ptr_array_index (from, 0)) : NULL;
	q->domain = domain && strchr (domain, '.') ? g_strdup (domain) : NULL;
	g_ptr_array_unref (from);
}

static void
qualifier_clear (Qualifier *q)
{
	if (q->returned)
		g_ptr_array_unref (q->returned);
	g_free (q->domain);
}

/* @local (@len bytes) as an address: the returned message's recipient
 * with that local part, else at the domain of the bounce's From; NULL
 * when neither is known. */
static char *
qualify_local_part (NdrparseReport *report, const Qualifier *q, const char *local, gsize len)
{
	const char *known = _ndr_original_recipient_with_local_part (report, q->returned, local, len);
	if (known)
		return g_strdup (known);
	if (q->domain == NULL)
		return NULL;
	char *raw = g_strdup_printf ("%.*s@%s", (int) len, local, q->domain);
	char *address = _ndr_address_normalize (raw, FALSE);
	g_free (raw);
	return address;
}

/* The blanks line @i starts with, or -1 for a blank line. */
static gssize
line_indent (const NdrText *t, guint i)
{
	const NdrLine *l = _ndr_text_line (t, i);
	const char *end = l->p + l->len, *p = _ndr_text_skip_blanks (l->p, end);
	return p == end || *p == '\r' ? -1 : (gssize) (p - l->p);
}

/* Whether recipient line @i says more than its address ("<a@b>: host
 * mx.example.com[192.0.2.1] said: 550 ..."): a paragraph the report wraps. */
static gboolean
says_more_than_address (const NdrText *t, guint i)
{
	const NdrLine *l = _ndr_text_line (t, i);
	char *address = _ndr_text_line_recipient (t, i);
	const char *at = address ? _ndr_memcasemem (l->p, l->len, address) : NULL;
	gboolean more = FALSE;
	if (at) {
		const char *rest = at + strlen (address), *end = l->p + l->len;
		more = rest + strspn (rest, "<>\"': \t\r") < end;
	}
	g_free (address);
	return more;
}

/* The recipient line the lines after it may belong to: while each line
 * since is indented deeper, a reply that names an address there ("550
 * <c@d>: ...") is that recipient's remote reply, as is any line under a
 * recipient line that is a wrapped paragraph, not another recipient
 * (Exim's "  a@b" then "    550 <c@d>: ..." after forwarding or
 * rewriting; Postfix's "    <c@d>: Recipient address rejected" after
 * "<a@b>: host ... said: 550 5.1.1").  Sendmail's summary lines stand
 * at the margin. */
typedef struct {
	gboolean open;          /* every line since the recipient line is under it */
	gssize indent;          /* the recipient line's */
	gboolean wrapped;       /* it says more than its address */
} Under;

static void
under_start (Under *u, const NdrText *t, guint line)
{
	u->open = TRUE;
	u->indent = line_indent (t, line);
	u->wrapped = says_more_than_address (t, line);
}

/* Whether line @i belongs to the recipient line @u was started at; the
 * first line not under it closes @u. */
static gboolean
is_reply_under (Under *u, const NdrText *t, guint i)
{
	if (!u->open)
		return FALSE;
	if (line_indent (t, i) <= u->indent) {
		u->open = FALSE;
		return FALSE;
	}
	const NdrLine *l = _ndr_text_line (t, i);
	const char *end = l->p + l->len, *p = _ndr_text_skip_blanks (l->p, end);
	return u->wrapped || skip_reply_code (p, end) != p;
}

static void
collect_recipient_lines (NdrparseReport *report, const NdrText *t, GPtrArray *found, gboolean allow_senders,
			 LocalParts local_parts)
{
	Qualifier q = { NULL, NULL };
	Under under = { FALSE, 0, FALSE };
	for (guint i = t->begin; i < t->end && found->len < NDR_TEXT_MAX_RECIPIENTS; i++) {
		if (is_reply_under (&under, t, i))
			continue;
		char *address = _ndr_text_line_recipient (t, i);
		gsize len;
		const char *local;
		if (address == NULL && local_parts != LOCAL_PARTS_NONE && (local = line_local_part (t, i, &len)) != NULL) {
			if (q.returned == NULL)
				qualifier_init (&q, report, local_parts);
			address = qualify_local_part (report, &q, local, len);
		}
		if (usable (t, address, allow_senders)) {
			add_finding (found, address, i);
			under_start (&under, t, i);
		} else {
			g_free (address);
		}
	}
	qualifier_clear (&q);
}

/* An X.400 O/R address names the Internet one in a domain-defined
 * attribute, "...;dda:SMTP=user@example.com;" (Exchange) or
 * "/dda:RFC-822=user@example.com/" (RFC 2156 gateways): the local part
 * begins after the attribute's '=', which is also a local-part character. */
static const char *
skip_x400_attribute (const char *line, const char *start, const char *at)
{
	for (const char *const *key = _ndr_x400_address_keys; *key; key++) {
		gsize type_len = strlen (*key) - 4; /* "smtp=" after "dda:" */
		if ((gsize) (at - start) > type_len && (gsize) (start - line) >= 4 &&
		    g_ascii_strncasecmp (start - 4, *key, 4 + type_len) == 0)
			return start + type_len;
	}
	return start;
}

/* Whether line @l is a header field that names a message's author or
 * identifies it (RFC 5322 3.6.2 originator fields, 3.6.4 identification
 * fields, 3.6.6 their Resent- forms, 3.6.7 Return-Path; RFC 2045
 * Content-ID; Errors-To, RFC 2076): a returned message's headers quoted
 * in the report.  Its addresses are the sender's or message identifiers
 * ("Message-ID: <1234@lists.example.org>"), never a recipient's. */
static gboolean
is_originator_field (const NdrLine *l)
{
	static const char *const names[] = {
		"From", "Sender", "Reply-To", "Message-ID", "In-Reply-To", "References", "Resent-From",
		"Resent-Sender", "Resent-Message-ID", "Return-Path", "Content-ID", "Errors-To", NULL,
	};
	const char *end = l->p + l->len, *p = _ndr_text_skip_blanks (l->p, end);
	gsize len = _ndr_text_field_name (p, end);
	for (const char *const *name = names; len && *name; name++)
		if (_ndr_text_field_is (p, len, *name))
			return TRUE;
	return FALSE;
}

/* Calls @each for every address mentioned on the report's lines, with
 * the line's index; the address is a new string @each takes.  A quoted
 * header that names the sender or the message mentions no recipient. */
static void
for_each_mention (const NdrText *t, void (*each) (char *address, guint line, gpointer data), gpointer data)
{
	for (guint i = t->begin; i < t->end; i++) {
		const NdrLine *l = _ndr_text_line (t, i);
		if (is_originator_field (l))
			continue;
		const char *p = l->p, *end = l->p + l->len;
		while ((p = memchr (p, '@', end - p)) != NULL) {
			const char *start = p, *stop;
			while (start > l->p && _ndr_text_is_local_char (start[-1]))
				start--;
			start = skip_x400_attribute (l->p, start, p);
			char *address = address_at (start, end, &stop);
			if (address)
				each (address, i, data);
			p++;
		}
	}
}

typedef struct {
	const NdrText *t;
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

static void
collect_failed_recipients_header (const NdrparseReport *report, GPtrArray *found)
{
	GPtrArray *list = _ndr_address_list (_ndr_bounce_header (report, "X-Failed-Recipients"));
	for (guint i = 0; i < list->len; i++)
		add_finding (found, g_strdup (g_ptr_array_index (list, i)), G_MAXUINT);
	g_ptr_array_unref (list);
}

static void
locate_mention (char *address, guint line, gpointer data)
{
	NdrFinding *f = g_hash_table_lookup (data, address);
	if (f && f->line == G_MAXUINT)
		f->line = line;
	g_free (address);
}

/* A recipient known from a header: its block starts where the report
 * first names it.  One pass over the mentions, a hash lookup each. */
static void
locate_findings (const NdrText *t, GPtrArray *found)
{
	GHashTable *by_address = g_hash_table_new (g_str_hash, g_str_equal);
	for (guint k = 0; k < found->len; k++) {
		NdrFinding *f = g_ptr_array_index (found, k);
		g_hash_table_insert (by_address, f->address, f);
	}
	for_each_mention (t, locate_mention, by_address);
	g_hash_table_unref (by_address);
}

typedef struct {
	const NdrText *t;
	GPtrArray *found;
} NamedState;

static void
add_named (const char *address, guint line, gpointer data)
{
	NamedState *st = data;
	if (usable (st->t, address, FALSE))
		add_finding (st->found, g_strdup (address), line);
}

/* Recipients the report names without an address (ndr-text-named.c). */
static void
collect_named_recipients (NdrparseReport *report, const NdrText *t, GPtrArray *found)
{
	NamedState st = { t, found };
	_ndr_text_for_each_named_recipient (report, t, add_named, &st);
}

/* Whether line @l starts (after blanks) with a failure's reply code and
 * a space ("421 example.com (smtp)... Deferred"); sets *@rest after it. */
static gboolean
starts_with_failure_code (const NdrLine *l, const char **rest)
{
	const char *end = l->p + l->len, *p = _ndr_text_skip_blanks (l->p, end);
	if (end - p < 4 || (p[0] != '4' && p[0] != '5') || !g_ascii_isdigit (p[1]) || !g_ascii_isdigit (p[2]) ||
	    p[3] != ' ')
		return FALSE;
	*rest = p + 4;
	return TRUE;
}

/* The names the report's failure lines give as words (a line that
 * starts with a reply code: "421 example.com (smtp)... Deferred"), not
 * inside an address: lower-cased, a new set.  Other lines name hosts the
 * message came from ("from lists.example.org [192.0.2.1]"), not ones it
 * failed for.  One pass over the report. */
static GHashTable *
domains_named_on_failure_lines (const NdrText *t)
{
	GHashTable *named = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = t->begin; i < t->end; i++) {
		const NdrLine *l = _ndr_text_line (t, i);
		const char *p, *end = l->p + l->len;
		if (!starts_with_failure_code (l, &p))
			continue;
		while (p < end) {
			const char *q = p;
			while (q < end && is_domain_char (*q))
				q++;
			const char *word_end = q;
			while (word_end > p && word_end[-1] == '.')
				word_end--;
			if (word_end > p && (p == l->p || p[-1] != '@'))
				g_hash_table_add (named, g_ascii_strdown (p, word_end - p));
			p = q < end ? q + 1 : q;
		}
	}
	return named;
}

/* A report that names only the host or domain it failed for (Sendmail
 * 5's "421 example.com (smtp)... Deferred: Connection timed out"; Sisimai
 * 5 lib/Sisimai/Lhost/V5sendmail.pm then takes the returned message's
 * To): the returned message's recipients in that domain.  A recipient in
 * no domain the report names so is not taken (a list's own address in To). */
static void
collect_returned_in_named_domain (NdrparseReport *report, const NdrText *t, GPtrArray *found)
{
	GPtrArray *returned = _ndr_original_recipients (report);
	GHashTable *named = returned->len ? domains_named_on_failure_lines (t) : NULL;
	for (guint i = 0; named && i < returned->len; i++) {
		const char *address = g_ptr_array_index (returned, i);
		const char *at = strrchr (address, '@');
		if (at == NULL || !usable (t, address, FALSE))
			continue;
		char *domain = g_ascii_strdown (at + 1, -1);
		if (g_hash_table_contains (named, domain))
			add_finding (found, g_strdup (address), G_MAXUINT);
		g_free (domain);
	}
	if (named)
		g_hash_table_unref (named);
	g_ptr_array_unref (returned);
}

GPtrArray *
_ndr_text_recipients (NdrparseReport *report, const NdrText *t, NdrRecipients where)
{
	GPtrArray *found = g_ptr_array_new_with_free_func (finding_free);
	LocalParts local_parts = where == NDR_RECIPIENTS_LOCAL_PARTS ? LOCAL_PARTS_RETURNED_OR_DOMAIN : LOCAL_PARTS_NONE;
	if (where != NDR_RECIPIENTS_MENTIONS)
		collect_recipient_lines (report, t, found, FALSE, local_parts);
	if (found->len == 0) {
		collect_failed_recipients_header (report, found);
		locate_findings (t, found);
	}
	if (found->len == 0) {
		MentionState st = { t, found };
		for_each_mention (t, add_mention, &st);
	}
	if (found->len == 0)
		collect_recipient_lines (report, t, found, TRUE, local_parts);
	if (found->len == 0)
		collect_named_recipients (report, t, found);
	/* "  jsmith (User not on post office)" in a report of no family
	 * (GroupWise's form when its headers are gone). */
	if (found->len == 0 && local_parts == LOCAL_PARTS_NONE)
		collect_recipient_lines (report, t, found, FALSE, LOCAL_PARTS_RETURNED);
	if (found->len == 0)
		collect_returned_in_named_domain (report, t, found);
	if (found->len == 0 && report->envelope_recipient)
		add_finding (found, g_strdup (report->envelope_recipient), G_MAXUINT);
	return found;
}

static void
add_sender (GHashTable *senders, const char *value)
{
	GPtrArray *list = _ndr_address_list (value);
	for (guint i = 0; i < list->len; i++)
		g_hash_table_add (senders, g_strdup (g_ptr_array_index (list, i)));
	g_ptr_array_unref (list);
}

GHashTable *
_ndr_text_sender_addresses (const NdrparseReport *report)
{
	GHashTable *senders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	add_sender (senders, _ndr_bounce_header (report, "From"));
	add_sender (senders, _ndr_bounce_header (report, "To"));
	add_sender (senders, report->return_path);
	add_sender (senders, report->from_address);
	return senders;
}
