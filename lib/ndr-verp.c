/* ndr-verp.c - VERP: the recipient encoded in the address a bounce was
 * sent back to ("bounces+alice=example.org@lists.example.org").
 *
 * A list manager that sends each copy with its own envelope sender learns
 * the failed recipient from where the bounce arrives, even when the
 * bounce itself names nobody or names an address the list never sent to
 * (an old alias forwarding to a dead mailbox).
 */
#include <string.h>

#include "ndrparse-private.h"

/* A pattern split at its two placeholders: head %A middle %B tail. */
typedef struct {
	char *head, *middle, *tail;
	gboolean local_first;           /* %l comes before %d */
} Pattern;

static void
pattern_clear (Pattern *p)
{
	g_free (p->head);
	g_free (p->middle);
	g_free (p->tail);
}

static gboolean
pattern_parse (const char *pattern, Pattern *out, GError **error)
{
	const char *l = pattern ? strstr (pattern, "%l") : NULL;
	const char *d = pattern ? strstr (pattern, "%d") : NULL;

	memset (out, 0, sizeof *out);
	if (l == NULL || d == NULL || strstr (l + 2, "%l") || strstr (d + 2, "%d") ||
	    strchr (pattern, '@') == NULL || l + 2 == d || d + 2 == l) {
		g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT,
			     "VERP pattern \"%s\": want one %%l (local part) and one %%d (domain), "
			     "apart, and an @ (e.g. bounces+%%l=%%d@lists.example.org)",
			     pattern ? pattern : "(null)");
		return FALSE;
	}
	const char *first = MIN (l, d), *second = MAX (l, d);
	out->head = g_strndup (pattern, first - pattern);
	out->middle = g_strndup (first + 2, second - first - 2);
	out->tail = g_strdup (second + 2);
	out->local_first = l < d;
	return TRUE;
}

static char *
decode_with (const Pattern *p, const char *address)
{
	gsize len = strlen (address), hl = strlen (p->head), tl = strlen (p->tail);
	if (len < hl + tl || g_ascii_strncasecmp (address, p->head, hl) != 0 ||
	    g_ascii_strcasecmp (address + len - tl, p->tail) != 0)
		return NULL;
	char *inner = g_strndup (address + hl, len - hl - tl);
	/* The domain holds no separator; a local part may ("a=b"). */
	char *sep = *p->middle == '\0' ? NULL
		  : p->local_first ? g_strrstr (inner, p->middle) : strstr (inner, p->middle);
	char *result = NULL;
	if (sep && sep != inner && sep[strlen (p->middle)] != '\0') {
		*sep = '\0';
		const char *a = inner, *b = sep + strlen (p->middle);
		const char *local = p->local_first ? a : b, *domain = p->local_first ? b : a;
		if (strchr (domain, '@') == NULL && strchr (domain, '.') != NULL) {
			char *lower = g_ascii_strdown (domain, -1);
			result = g_strconcat (local, "@", lower, NULL);
			g_free (lower);
		}
	}
	g_free (inner);
	return result;
}

char *
ndrparse_verp_decode (const char *pattern, const char *address, GError **error)
{
	Pattern p;
	if (!pattern_parse (pattern, &p, error))
		return NULL;
	char *result = address ? decode_with (&p, address) : NULL;
	pattern_clear (&p);
	return result;
}

/* The first address of the bounce's envelope the pattern decodes: the
 * first 16 addresses of its Delivered-To, X-Original-To and To headers. */
static char *
recipient_from_envelope (const NdrparseReport *report, const Pattern *p)
{
	char *found = NULL;
	guint seen = 0;
	for (gsize h = 0; h < G_N_ELEMENTS (report->envelope_headers) && found == NULL; h++) {
		GPtrArray *list = _ndr_address_list (report->envelope_headers[h]);
		for (guint i = 0; i < list->len && seen < 16 && found == NULL; i++, seen++)
			found = decode_with (p, g_ptr_array_index (list, i));
		g_ptr_array_unref (list);
	}
	return found;
}

/* Marks @report's records (or adds the one the envelope names). */
static void
apply_recipient (NdrparseReport *report, const char *recipient)
{
	if (report->records->len == 0 && report->looks_like_bounce) {
		/* A bounce that names nobody: the envelope says who failed. */
		NdrparseRecord *record = _ndr_report_add_record (report);
		record->decoded_by = "verp";
		record->recipient = recipient;
		record->destination = _ndr_address_domain (recipient);
		record->action = "failed";
		record->action_kind = NDRPARSE_ACTION_FAILED;
		record->verp = NDRPARSE_VERP_RECOVERED;
		record->truncated = report->truncated;
		report->rules = report->parse_rules;
		_ndr_record_classify (report, record, report->bounce_text);
		report->rules = NULL;
		return;
	}
	for (guint i = 0; i < report->records->len; i++) {
		NdrparseRecord *record = g_ptr_array_index (report->records, i);
		if (record->recipient == NULL) {
			record->recipient = recipient;
			record->verp = NDRPARSE_VERP_RECOVERED;
		} else {
			record->verp = g_ascii_strcasecmp (record->recipient, recipient) == 0
				? NDRPARSE_VERP_CONFIRMED : NDRPARSE_VERP_MISMATCH;
		}
	}
}

NdrparseReport *
ndrparse_report_apply_verp (NdrparseReport *report, const char *pattern, GError **error)
{
	Pattern p;
	if (report == NULL) {
		g_set_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT,
			     "ndrparse_report_apply_verp: NULL report");
		return NULL;
	}
	if (!pattern_parse (pattern, &p, error))
		return NULL;
	char *verp = recipient_from_envelope (report, &p);
	pattern_clear (&p);
	NdrparseReport *derived = _ndr_report_derive (report);
	if (verp != NULL)
		apply_recipient (derived, _ndr_report_take (derived, verp));
	return derived;
}

NdrparseVerp
ndrparse_record_get_verp (const NdrparseRecord *record)
{
	g_return_val_if_fail (record != NULL, NDRPARSE_VERP_NONE);
	return record->verp;
}
