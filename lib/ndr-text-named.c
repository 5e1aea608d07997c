/* ndr-text-named.c - recipients a prose report names without an address
 * (ndr-text.h): by display name, by Exchange directory name or by X.400
 * O/R name, each found among the returned message's recipients.
 * Exchange 4.0 to 5.5 write them so (Microsoft's KB articles on its
 * NDRs, Q178161, Q181579, Q178537).
 */
#include <string.h>

#include "ndr-text.h"

/* "John Doe on 12/1/97 12:00 PM": Exchange 4.0 to 5.5 name a recipient
 * by display name and the time it gave up (Microsoft's KB articles on its
 * NDRs, e.g. Q178161, Q181579); a German client writes "Eppelmann, Uwe am
 * 21.08.98 16:32" (Q229148).  The name, when line @i is such a line (sets
 * *@len), else NULL. */
static const char *
line_display_name (const NdrText *t, guint i, gsize *len)
{
	const NdrLine *l = _ndr_text_line (t, i);
	const char *end = l->p + l->len;
	const char *p = _ndr_text_skip_blanks (l->p, end);
	if (p >= end || *p == '<' || memchr (p, '@', end - p))
		return NULL;
	for (const char *q = p; q + 5 <= end; q++)
		if ((memcmp (q, " on ", 4) == 0 || memcmp (q, " am ", 4) == 0) && g_ascii_isdigit (q[4])) {
			*len = (gsize) (q - p);
			return *len && *len <= 256 ? p : NULL;
		}
	return NULL;
}

/* What finds a recipient named without an address: the returned
 * message's To and its other recipients, each read on first use. */
typedef struct {
	InternetAddressList *to;
	GPtrArray *returned;
} NamedLookup;

/* An Exchange directory name ("/O=ORG/OU=SITE/CN=RECIPIENTS/CN=JDOE", KB
 * Q178537): its last common name is the mailbox's alias, often its local
 * part.  The alias in @name (@len bytes), or NULL; sets *@alias_len. */
static const char *
directory_alias (const char *name, gsize len, gsize *alias_len)
{
	const char *alias = NULL;
	for (gsize i = 0; i + 4 <= len; i++)
		if (name[i] == '/' && g_ascii_strncasecmp (name + i + 1, "cn=", 3) == 0)
			alias = name + i + 4;
	if (alias == NULL)
		return NULL;
	const char *end = alias;
	while (end < name + len && _ndr_text_is_local_char (*end) && *end != '/' && *end != '\'')
		end++;
	*alias_len = (gsize) (end - alias);
	return *alias_len ? alias : NULL;
}

/* The value of X.400 attribute @key ("g", "s") in an O/R name
 * ("c=US;a= ;p=Org;o=Site;s=Doe;g=John;", RFC 2156 section 4.2.1),
 * trimmed; sets *@vlen. */
static const char *
x400_attribute (const char *name, gsize len, const char *key, gsize *vlen)
{
	gsize klen = strlen (key);
	for (gsize i = 0; i + klen + 1 <= len; i++) {
		gboolean at_start = i == 0 || name[i - 1] == ';' || name[i - 1] == '/' || name[i - 1] == ' ';
		if (!at_start || g_ascii_strncasecmp (name + i, key, klen) != 0 || name[i + klen] != '=')
			continue;
		const char *v = name + i + klen + 1, *e = v;
		while (e < name + len && *e != ';' && *e != '/')
			e++;
		while (v < e && *v == ' ')
			v++;
		while (e > v && e[-1] == ' ')
			e--;
		*vlen = (gsize) (e - v);
		return *vlen ? v : NULL;
	}
	return NULL;
}

/* The person an X.400 O/R name names, "GIVEN SURNAME" (a new string), or NULL. */
static char *
x400_personal_name (const char *name, gsize len)
{
	gsize glen, slen;
	const char *given = x400_attribute (name, len, "g", &glen);
	const char *surname = x400_attribute (name, len, "s", &slen);
	return given && surname ? g_strdup_printf ("%.*s %.*s", (int) glen, given, (int) slen, surname) : NULL;
}

static const char *
named_recipient (NdrparseReport *report, NamedLookup *nl, const char *name, gsize len)
{
	gsize alias_len;
	const char *alias = directory_alias (name, len, &alias_len);
	if (alias) {
		if (nl->returned == NULL)
			nl->returned = _ndr_original_recipients (report);
		return _ndr_original_recipient_with_local_part (report, nl->returned, alias, alias_len);
	}
	char *personal = x400_personal_name (name, len);
	const char *address = personal ? _ndr_original_recipient_named (report, &nl->to, personal, strlen (personal))
				       : _ndr_original_recipient_named (report, &nl->to, name, len);
	g_free (personal);
	return address;
}

void
_ndr_text_for_each_named_recipient (NdrparseReport *report, const NdrText *t, NdrTextEachAddress each, gpointer data)
{
	NamedLookup nl = { NULL, NULL };
	for (guint i = t->begin; i < t->end; i++) {
		gsize len;
		const char *name = line_display_name (t, i, &len);
		const char *address = name ? named_recipient (report, &nl, name, len) : NULL;
		if (address)
			each (address, i, data);
	}
	if (nl.to)
		g_object_unref (nl.to);
	if (nl.returned)
		g_ptr_array_unref (nl.returned);
}
