/* ndr-original.c - what the bounce tells of the message that bounced.
 *
 * The returned message (message/rfc822) or its headers
 * (text/rfc822-headers) give the original Message-ID, Subject, List-Id
 * and From, which is how list managers tie a bounce back to a mailing.
 * The original envelope sender comes from its Return-Path, else from the
 * DSN's X-Postfix-Sender, else from its From.  Its topmost Received
 * header may also name the envelope recipient, which rescues DSNs whose
 * Final-Recipient is no address ("rfc822; @example.org", a file path).
 */
#include <string.h>

#include "ndrparse-private.h"

/* text/rfc822-headers: parse the headers as a message of their own. */
static GMimeMessage *
message_from_headers_part (GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	if (content == NULL)
		return NULL;

	GMimeStream *mem = g_mime_stream_mem_new ();
	g_mime_data_wrapper_write_to_stream (content, mem);
	g_mime_stream_reset (mem);
	GMimeParser *parser = g_mime_parser_new_with_stream (mem);
	GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
	g_object_unref (parser);
	g_object_unref (mem);
	return message;
}

static GMimeMessage *
original_message (GMimeObject *original)
{
	if (GMIME_IS_MESSAGE_PART (original)) {
		GMimeMessage *message = g_mime_message_part_get_message (GMIME_MESSAGE_PART (original));
		return message ? g_object_ref (message) : NULL;
	}
	if (GMIME_IS_PART (original))
		return message_from_headers_part (GMIME_PART (original));
	return NULL;
}

/* The first addr-spec of an address header, lower-cased, or NULL. */
static char *
first_address (GMimeObject *object, const char *header)
{
	const char *value = g_mime_object_get_header (object, header);
	if (value == NULL)
		return NULL;
	char *address = _ndr_address_normalize (value, FALSE);
	if (address && strchr (address, '@') == NULL)
		g_clear_pointer (&address, g_free);
	return address;
}

/* The envelope recipient the reporting MTA stamped on the returned
 * message: "Received: from ... by mx.example.com ... for <a@b>; date".
 * Only the topmost Received header speaks for the bounce's MTA. */
static char *
received_for (GMimeObject *original)
{
	const char *received = g_mime_object_get_header (original, "Received");
	if (received == NULL)
		return NULL;
	const char *semicolon = strrchr (received, ';');
	gsize len = semicolon ? (gsize) (semicolon - received) : strlen (received);
	const char *p = received, *end = received + len, *for_clause = NULL;
	while ((p = _ndr_memcasemem (p, end - p, "for ")) != NULL) {
		if (p == received || g_ascii_isspace (p[-1]))
			for_clause = p + 4;
		p += 4;
	}
	if (for_clause == NULL)
		return NULL;
	char *clause = g_strndup (for_clause, end - for_clause);
	char *address = _ndr_address_normalize (clause, FALSE);
	g_free (clause);
	if (address && strchr (address, '@') == NULL)
		g_clear_pointer (&address, g_free);
	return address;
}

/* Where a delivered copy went, as the receiving side stamped it.  A
 * complaint is about that copy; feedback code prefers the To header when
 * it names someone and falls back to this. */
static char *
delivered_to (GMimeObject *object)
{
	static const char *const headers[] = { "X-Original-To", "Delivered-To" };
	for (gsize i = 0; i < G_N_ELEMENTS (headers); i++) {
		char *address = first_address (object, headers[i]);
		if (address)
			return address;
	}
	return NULL;
}

void
_ndr_original_resolve_sender (NdrparseReport *report)
{
	if (report->return_path)
		report->sender = report->return_path;
	else if (_ndr_fields_lookup (report->fields, "X-Postfix-Sender"))
		report->sender = _ndr_report_take (report,
			_ndr_address_normalize (_ndr_fields_lookup (report->fields, "X-Postfix-Sender"), FALSE));
	if (report->sender == NULL)
		report->sender = report->from_address;
}

static const char *
intern_header (NdrparseReport *report, GMimeObject *object, const char *name)
{
	const char *value = g_mime_object_get_header (object, name);
	if (value == NULL)
		return NULL;
	char *copy = g_strstrip (g_strdup (value));
	const char *out = *copy ? _ndr_report_intern_header (report, copy) : NULL;
	g_free (copy);
	return out;
}

static void read_message (NdrparseReport *report, GMimeMessage *message);

void
_ndr_original_read (NdrparseReport *report, GMimeObject *original)
{
	GMimeMessage *message = original ? original_message (original) : NULL;
	if (message) {
		read_message (report, message);
		g_object_unref (message);
	}
}

/* Prose bounces paste the returned message into the text after a line
 * such as "--- Below this line is a copy of the message.": read its
 * headers from there, skipping the lines before the first header. */
void
_ndr_original_read_text (NdrparseReport *report, const char *text, gsize len)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr (p, '\n', end - p);
		const char *colon = memchr (p, ':', (nl ? nl : end) - p);
		gboolean header = colon && colon > p && !g_ascii_isspace (*p) &&
				  memchr (p, ' ', colon - p) == NULL;
		if (header)
			break;
		p = nl ? nl + 1 : end;
	}
	if (p >= end)
		return;
	GMimeStream *mem = g_mime_stream_mem_new_with_buffer (p, end - p);
	GMimeParser *parser = g_mime_parser_new_with_stream (mem);
	GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
	g_object_unref (parser);
	g_object_unref (mem);
	if (message) {
		read_message (report, message);
		g_object_unref (message);
	}
}

static void
read_message (NdrparseReport *report, GMimeMessage *message)
{
	GMimeObject *object = GMIME_OBJECT (message);
	report->return_path = _ndr_report_take (report, first_address (object, "Return-Path"));
	report->from_address = _ndr_report_take (report, first_address (object, "From"));
	report->envelope_recipient = _ndr_report_take (report, received_for (object));

	const char *message_id = g_mime_message_get_message_id (message);
	if (message_id && *message_id)
		report->message_id = _ndr_report_intern_header (report, message_id);
	const char *subject = g_mime_message_get_subject (message);
	if (subject && *subject)
		report->subject = _ndr_report_intern_header (report, subject);
	report->list_id = intern_header (report, object, "List-Id");
	report->original_to = intern_header (report, object, "To");
	report->delivered_to = _ndr_report_take (report, delivered_to (object));
	report->complainant = _ndr_report_take (report, first_address (object, "X-HmXmrOriginalRecipient"));
	report->from = intern_header (report, object, "From");
}
