/* ndr-smtp-code.c - the SMTP code table and the syntax of status codes.
 *
 * The table itself is data, lib/rules/vocabulary/smtp-codes.rules,
 * compiled into _ndr_code_defs sorted (enhanced status codes by subject
 * and detail, then reply codes).  Lookups fall back
 * from the exact code to its subject and then to its class, as RFC 3463
 * section 2 tells a client to do with codes it does not know.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndrparse-private.h"

/* RFC 3463 section 3: the subject sub-codes. */
static const char *const subject_names[] = {
	"Other or undefined",
	"Addressing",
	"Mailbox",
	"Mail system",
	"Network and routing",
	"Mail delivery protocol",
	"Message content or media",
	"Security or policy",
};

static const char *
class_text (guint klass)
{
	switch (klass) {
	case 2: return "Success";
	case 3: return "Intermediate reply";
	case 4: return "Persistent transient failure";
	case 5: return "Permanent failure";
	default: return NULL;
	}
}

static int
compare_code (const void *key, const void *entry)
{
	const NdrCodeDef *k = key, *e = entry;
	if (k->reply_code != e->reply_code)
		return k->reply_code < e->reply_code ? -1 : 1;
	if (k->subject != e->subject)
		return k->subject < e->subject ? -1 : 1;
	return k->detail < e->detail ? -1 : k->detail > e->detail;
}

static const NdrCodeDef *
find_code (guint reply_code, guint subject, guint detail)
{
	NdrCodeDef key = { reply_code, subject, detail, NULL, NULL };
	return bsearch (&key, _ndr_code_defs, _ndr_code_def_count, sizeof _ndr_code_defs[0], compare_code);
}

static const NdrCodeDef *
find_status (guint subject, guint detail)
{
	return find_code (0, subject, detail);
}

gboolean
ndrparse_status_lookup (const char *status, NdrparseCodeInfo *info)
{
	NdrStatusCode code;

	if (status == NULL || info == NULL)
		return FALSE;
	gsize len = strlen (status);
	if (len == 0 || _ndr_status_code_scan (status, len, &code) != len ||
	    !_ndr_status_code_is_valid (&code))
		return FALSE;

	const NdrCodeDef *e = find_status (code.subject, code.detail);
	if (e == NULL)
		e = find_status (code.subject, 0);
	info->status_class = (NdrparseStatusClass) code.klass;
	info->subject = code.subject < G_N_ELEMENTS (subject_names) ? subject_names[code.subject] : NULL;
	info->text = e ? e->text : class_text (code.klass);
	return TRUE;
}

gboolean
_ndr_reply_code_is_known (guint reply_code)
{
	return reply_code > 0 && find_code (reply_code, 0, 0) != NULL;
}

gboolean
ndrparse_reply_code_lookup (guint reply_code, NdrparseCodeInfo *info)
{
	if (info == NULL || reply_code < 200 || reply_code > 599)
		return FALSE;

	const NdrCodeDef *e = find_code (reply_code, 0, 0);
	guint klass = reply_code / 100;
	info->status_class = klass == 3 ? NDRPARSE_STATUS_CLASS_UNKNOWN : (NdrparseStatusClass) klass;
	info->subject = NULL;
	info->text = e ? e->text : class_text (klass);
	return TRUE;
}

/* Reads 1..max_digits decimal digits.  Returns the count read. */
static gsize
scan_number (const char *s, gsize len, gsize max_digits, guint *out)
{
	gsize i = 0;
	guint n = 0;

	while (i < len && i <= max_digits && g_ascii_isdigit (s[i]))
		n = n * 10 + (s[i++] - '0');
	if (i == 0 || i > max_digits)
		return 0;
	*out = n;
	return i;
}

gsize
_ndr_status_code_scan (const char *s, gsize len, NdrStatusCode *code)
{
	gsize i, n;

	/* RFC 3463: class "." 1*3digit "." 1*3digit */
	if (len < 5 || (n = scan_number (s, len, 1, &code->klass)) == 0)
		return 0;
	i = n;
	if (i >= len || s[i++] != '.')
		return 0;
	if ((n = scan_number (s + i, len - i, 3, &code->subject)) == 0)
		return 0;
	i += n;
	if (i >= len || s[i++] != '.')
		return 0;
	if ((n = scan_number (s + i, len - i, 3, &code->detail)) == 0)
		return 0;
	i += n;
	/* "5.1.1.2" is an address or a version number, not a status code. */
	if (i < len && (g_ascii_isdigit (s[i]) ||
			(s[i] == '.' && i + 1 < len && g_ascii_isdigit (s[i + 1]))))
		return 0;
	return i;
}

gboolean
_ndr_status_code_is_valid (const NdrStatusCode *code)
{
	return code->klass == 2 || code->klass == 4 || code->klass == 5;
}

void
_ndr_status_code_format (const NdrStatusCode *code, char *buf)
{
	snprintf (buf, 16, "%u.%u.%u", code->klass % 10, code->subject % 1000, code->detail % 1000);
}
