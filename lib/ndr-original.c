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

/* Where the returned message's headers are read from: the message GMime
 * parsed (message/rfc822), or a header block in text (the content of a
 * text/rfc822-headers part, a copy pasted into a prose bounce). */
typedef struct {
	GMimeMessage *message;
	const NdrHeaderBlock *block;
} HeaderSource;

/* The first @name header's decoded value (a new string), or NULL. */
static char *
source_header (const HeaderSource *source, const char *name)
{
	if (source->message)
		return _ndr_object_header (GMIME_OBJECT (source->message), name);
	return _ndr_header_block_get (source->block, name, FALSE);
}

/* The first addr-spec of an address header, lower-cased, or NULL. */
static char *
first_address (const HeaderSource *source, const char *header)
{
	char *value = source_header (source, header);
	if (value == NULL)
		return NULL;
	char *address = _ndr_address_normalize (value, FALSE);
	g_free (value);
	if (address && strchr (address, '@') == NULL)
		g_clear_pointer (&address, g_free);
	return address;
}

/* The envelope recipient the reporting MTA stamped on the returned
 * message: "Received: from ... by mx.example.com ... for <a@b>; date".
 * Only the topmost Received header speaks for the bounce's MTA. */
static char *
received_for (const HeaderSource *source)
{
	char *received = source_header (source, "Received");
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
	char *clause = for_clause ? g_strndup (for_clause, end - for_clause) : NULL;
	g_free (received);
	if (clause == NULL)
		return NULL;
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
delivered_to (const HeaderSource *source)
{
	static const char *const headers[] = { "X-Original-To", "Delivered-To" };
	for (gsize i = 0; i < G_N_ELEMENTS (headers); i++) {
		char *address = first_address (source, headers[i]);
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
intern_header (NdrparseReport *report, const HeaderSource *source, const char *name)
{
	char *value = source_header (source, name);
	if (value == NULL)
		return NULL;
	g_strstrip (value);
	const char *out = *value ? _ndr_report_intern_header (report, value) : NULL;
	g_free (value);
	return out;
}

/* GMime keeps the last Message-ID and Subject of a message it parses; a
 * header block read here does the same. */
static void
read_identity (NdrparseReport *report, const HeaderSource *source)
{
	char *message_id = NULL, *subject = NULL;
	if (source->message) {
		message_id = g_strdup (g_mime_message_get_message_id (source->message));
		subject = g_strdup (g_mime_message_get_subject (source->message));
	} else {
		char *raw_id = _ndr_header_block_get (source->block, "Message-ID", TRUE);
		message_id = raw_id ? g_mime_utils_decode_message_id (raw_id) : NULL;
		g_free (raw_id);
		subject = _ndr_header_block_get (source->block, "Subject", TRUE);
	}
	if (message_id && *message_id)
		report->message_id = _ndr_report_intern_header (report, message_id);
	if (subject && *subject)
		report->subject = _ndr_report_intern_header (report, subject);
	g_free (message_id);
	g_free (subject);
}

static void
read_headers (NdrparseReport *report, const HeaderSource *source)
{
	report->return_path = _ndr_report_take (report, first_address (source, "Return-Path"));
	report->from_address = _ndr_report_take (report, first_address (source, "From"));
	report->envelope_recipient = _ndr_report_take (report, received_for (source));
	read_identity (report, source);
	report->list_id = intern_header (report, source, "List-Id");
	report->original_to = intern_header (report, source, "To");
	report->delivered_to = _ndr_report_take (report, delivered_to (source));
	report->complainant = _ndr_report_take (report, first_address (source, "X-HmXmrOriginalRecipient"));
	report->from = intern_header (report, source, "From");
}

static void
read_header_block (NdrparseReport *report, const char *text, gsize len)
{
	NdrHeaderBlock *block = _ndr_header_block_read (text, len);
	if (_ndr_header_block_count (block) > 0) {
		HeaderSource source = { NULL, block };
		read_headers (report, &source);
	}
	_ndr_header_block_free (block);
}

/* text/rfc822-headers: its content, transfer-decoded, is a header block. */
static void
read_headers_part (NdrparseReport *report, GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	if (content == NULL)
		return;
	GByteArray *bytes = g_byte_array_new ();
	GMimeStream *mem = g_mime_stream_mem_new_with_byte_array (bytes);
	g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
	g_mime_data_wrapper_write_to_stream (content, mem);
	g_object_unref (mem);
	read_header_block (report, (const char *) bytes->data, bytes->len);
	g_byte_array_unref (bytes);
}

/* The position of message part @part among the message parts of
 * @object's tree, in document order (the order the bounds pass met
 * them in); -1 when it is not there. */
static int
message_part_index (GMimeObject *object, GMimeObject *part, int *seen)
{
	if (GMIME_IS_MULTIPART (object)) {
		GMimeMultipart *multipart = GMIME_MULTIPART (object);
		for (int i = 0; i < g_mime_multipart_get_count (multipart); i++) {
			int found = message_part_index (g_mime_multipart_get_part (multipart, i), part, seen);
			if (found >= 0)
				return found;
		}
	} else if (GMIME_IS_MESSAGE_PART (object)) {
		int index = (*seen)++;
		if (object == part)
			return index;
		GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));
		GMimeObject *body = inner ? g_mime_message_get_mime_part (inner) : NULL;
		if (body)
			return message_part_index (body, part, seen);
	}
	return -1;
}

/* The header the bounds pass took out of returned message @part, or
 * NULL.  GMime read the part as empty (no message) when it was taken. */
static GBytes *
taken_header (const NdrparseReport *report, GMimeObject *body, GMimeMessagePart *part)
{
	if (report->taken_headers == NULL || body == NULL || g_mime_message_part_get_message (part) != NULL)
		return NULL;
	int seen = 0;
	int index = body ? message_part_index (body, GMIME_OBJECT (part), &seen) : -1;
	if (index < 0 || (guint) index >= report->taken_headers->len)
		return NULL;
	return g_ptr_array_index (report->taken_headers, index);
}

void
_ndr_original_read (NdrparseReport *report, GMimeObject *body, GMimeObject *original)
{
	if (original && GMIME_IS_MESSAGE_PART (original)) {
		GMimeMessagePart *part = GMIME_MESSAGE_PART (original);
		GMimeMessage *returned = g_mime_message_part_get_message (part);
		GBytes *taken = taken_header (report, body, part);
		if (returned) {
			HeaderSource source = { returned, NULL };
			read_headers (report, &source);
		} else if (taken) {
			gsize len;
			const char *text = g_bytes_get_data (taken, &len);
			read_header_block (report, text, len);
		}
	} else if (original && GMIME_IS_PART (original)) {
		read_headers_part (report, GMIME_PART (original));
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
	if (p < end)
		read_header_block (report, p, end - p);
}

/* ---- unqualified recipients ---- */

/* Whether @address's domain is a bare host name ("user@mailhost"): RFC
 * 5321 section 2.3.5 wants fully qualified names, and an MTA that reports
 * its local name has left the real domain out. */
static gboolean
is_unqualified (const char *address)
{
	const char *domain = _ndr_address_domain (address);
	return domain && strchr (domain, '.') == NULL && domain[0] != '[';
}

static gsize
local_part_length (const char *address)
{
	const char *at = strrchr (address, '@');
	return at ? (gsize) (at - address) : strlen (address);
}

GPtrArray *
_ndr_original_recipients (const NdrparseReport *report)
{
	GPtrArray *candidates = _ndr_address_list (report->original_to);
	if (report->delivered_to)
		g_ptr_array_add (candidates, g_strdup (report->delivered_to));
	if (report->envelope_recipient)
		g_ptr_array_add (candidates, g_strdup (report->envelope_recipient));
	return candidates;
}

const char *
_ndr_original_recipient_with_local_part (NdrparseReport *report, GPtrArray *candidates, const char *local,
					 gsize len)
{
	const char *found = NULL;
	for (guint i = 0; i < candidates->len; i++) {
		const char *c = g_ptr_array_index (candidates, i);
		if (local_part_length (c) != len || g_ascii_strncasecmp (c, local, len) != 0 || is_unqualified (c))
			continue;
		if (found && g_ascii_strcasecmp (found, c) != 0)
			return NULL;
		found = c;
	}
	return found ? _ndr_report_intern (report, found) : NULL;
}

void
_ndr_original_qualify_recipients (NdrparseReport *report)
{
	GPtrArray *candidates = NULL;
	for (guint i = 0; i < report->records->len; i++) {
		NdrparseRecord *record = g_ptr_array_index (report->records, i);
		if (record->recipient == NULL || !is_unqualified (record->recipient))
			continue;
		if (candidates == NULL)
			candidates = _ndr_original_recipients (report);
		const char *qualified = _ndr_original_recipient_with_local_part (
			report, candidates, record->recipient, local_part_length (record->recipient));
		if (qualified) {
			record->recipient = qualified;
			record->destination = _ndr_address_domain (qualified);
		}
	}
	if (candidates)
		g_ptr_array_unref (candidates);
}

/* ---- recipients named by display name ---- */

/* @name folded for comparison: quotes and blanks around it dropped, runs
 * of blanks one space, case folded.  A new string. */
static char *
fold_display_name (const char *name, gsize len)
{
	GString *out = g_string_sized_new (len);
	for (gsize i = 0; i < len; i++) {
		char c = name[i];
		if (c == '"' || c == '\'')
			continue;
		if (g_ascii_isspace (c)) {
			if (out->len && out->str[out->len - 1] != ' ')
				g_string_append_c (out, ' ');
			continue;
		}
		g_string_append_c (out, c);
	}
	if (out->len && out->str[out->len - 1] == ' ')
		g_string_truncate (out, out->len - 1);
	char *folded = g_utf8_validate (out->str, out->len, NULL) ? g_utf8_casefold (out->str, out->len)
								 : g_ascii_strdown (out->str, out->len);
	g_string_free (out, TRUE);
	return folded;
}

/* The address of the one mailbox of @list named @wanted (folded). */
static const char *
mailbox_named (NdrparseReport *report, InternetAddressList *list, const char *wanted)
{
	char *found = NULL;
	gboolean ambiguous = FALSE;
	int n = internet_address_list_length (list);
	for (int i = 0; i < n && !ambiguous; i++) {
		InternetAddress *ia = internet_address_list_get_address (list, i);
		const char *display = internet_address_get_name (ia);
		if (!INTERNET_ADDRESS_IS_MAILBOX (ia) || display == NULL || *display == '\0')
			continue;
		char *folded = fold_display_name (display, strlen (display));
		if (strcmp (folded, wanted) == 0) {
			char *address = _ndr_address_normalize (
				internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)), FALSE);
			if (address && strchr (address, '@') && !is_unqualified (address)) {
				ambiguous = found && strcmp (found, address) != 0;
				g_free (found);
				found = address;
			} else {
				g_free (address);
			}
		}
		g_free (folded);
	}
	const char *out = found && !ambiguous ? _ndr_report_intern (report, found) : NULL;
	g_free (found);
	return out;
}

const char *
_ndr_original_recipient_named (NdrparseReport *report, InternetAddressList **to, const char *name, gsize len)
{
	if (report->original_to == NULL || len == 0)
		return NULL;
	if (*to == NULL)
		*to = internet_address_list_parse (NULL, report->original_to);
	char *wanted = fold_display_name (name, len);
	const char *out = *to && *wanted ? mailbox_named (report, *to, wanted) : NULL;
	g_free (wanted);
	return out;
}
