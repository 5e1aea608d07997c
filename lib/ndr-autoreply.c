/* ndr-autoreply.c - automatic replies (RFC 3834): out-of-office mail.
 *
 * An auto-reply is not a bounce: the message was delivered and a
 * program answered.  Bounce mailboxes receive many, and a list manager
 * must not count them as failures, so they become one record whose
 * recipient is the replying address, marked so (decoded_by "rfc3834").
 *
 * An auto-reply says what it is in its headers (RFC 3834's
 * Auto-Submitted: auto-replied, or the older vendor headers) or in its
 * Subject.  Only the headers and Subject are trusted: a person's mail
 * that says "I am out of the office" is not an auto-reply.
 */
#include <string.h>

#include "ndrparse-private.h"

/* Header name, and a value it must contain (NULL: any value). */
static const struct {
	const char *name;
	const char *value;
} autoreply_headers[] = {
	{ "Auto-Submitted", "auto-replied" },
	{ "X-Autoreply", NULL },
	{ "X-Autorespond", NULL },
	{ "X-Autoresponder", NULL },
	{ "X-Auto-Reply", NULL },
	{ "Precedence", "auto_reply" },
	{ "X-Precedence", "auto_reply" },
	{ "X-Mailer", "vacation" },
};

/* Subject prefixes of auto-replies, in the languages seen in the wild. */
static const char *const autoreply_subjects[] = {
	"Automatic reply:", "Auto-Reply:", "Autoreply:", "Auto Reply:", "Auto reply:",
	"Auto-Response:", "Autoresponse:", "Out of Office", "Out of the Office", "On vacation",
	"Away from", "Abwesenheitsnotiz", "Automatische Antwort", "Réponse automatique",
	"Respuesta automática", "Risposta automatica", "Resposta automática",
	"Automatisch antwoord", "Autosvar", "Автоматический ответ", "自動応答", "自動返信",
	"自动回复",
};

static gboolean
has_autoreply_header (GMimeObject *object)
{
	for (gsize i = 0; i < G_N_ELEMENTS (autoreply_headers); i++) {
		const char *value = g_mime_object_get_header (object, autoreply_headers[i].name);
		if (value == NULL)
			continue;
		if (autoreply_headers[i].value == NULL ||
		    _ndr_memcasemem (value, strlen (value), autoreply_headers[i].value))
			return TRUE;
	}
	return FALSE;
}

static gboolean
has_autoreply_subject (const char *subject)
{
	if (subject == NULL)
		return FALSE;
	subject += strspn (subject, " \t");
	for (gsize i = 0; i < G_N_ELEMENTS (autoreply_subjects); i++) {
		const char *prefix = autoreply_subjects[i];
		if (g_ascii_strncasecmp (subject, prefix, strlen (prefix)) == 0)
			return TRUE;
	}
	return FALSE;
}

/* A Subject alone is weaker evidence than a header: a person may write
 * "Out of office next week".  An auto-reply also answers a message
 * (In-Reply-To) or comes from the null sender. */
static gboolean
answers_a_message (GMimeObject *object)
{
	const char *return_path = g_mime_object_get_header (object, "Return-Path");
	return g_mime_object_get_header (object, "In-Reply-To") ||
	       g_mime_object_get_header (object, "References") ||
	       (return_path && strstr (return_path, "<>"));
}

gboolean
_ndr_autoreply_decode (NdrparseReport *report, GMimeMessage *message)
{
	GMimeObject *object = GMIME_OBJECT (message);
	/* Exim marks its bounces "Auto-Submitted: auto-replied" too. */
	if (_ndr_text_from_daemon (g_mime_object_get_header (object, "From")))
		return FALSE;
	if (!has_autoreply_header (object) &&
	    !(has_autoreply_subject (g_mime_message_get_subject (message)) && answers_a_message (object)))
		return FALSE;

	char *address = _ndr_address_normalize (g_mime_object_get_header (object, "From"), FALSE);
	if (address && strchr (address, '@') == NULL)
		g_clear_pointer (&address, g_free);
	NdrparseRecord *record = _ndr_report_add_record (report);
	if (record == NULL) {
		g_free (address);
		return FALSE;
	}
	record->decoded_by = "rfc3834";
	/* An automatic reply: the address works (hard_bounce: none). */
	record->reason = NDRPARSE_REASON_VACATION;
	record->recipient = _ndr_report_intern (report, address);
	g_free (address);
	return TRUE;
}
