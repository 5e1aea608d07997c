/* ndr-store-event.c - a record as a store event: its address, its time
 * and the key that makes the same bounce one event however often it is
 * fed.
 */
#include <string.h>

#include "ndr-store.h"

/* Beyond this a bounce's date is not believed. */
#define FUTURE_SLACK_SECONDS (24 * 60 * 60)

char *
_ndr_store_normalize_address (const char *address, GError **error)
{
	if (address == NULL) {
		_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_INVALID_ADDRESS, "no address");
		return NULL;
	}
	const char *start = address, *end = address + strlen (address);
	while (start < end && (g_ascii_isspace (*start) || *start == '<'))
		start++;
	while (end > start && (g_ascii_isspace (end[-1]) || end[-1] == '>'))
		end--;
	if (start == end) {
		_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_INVALID_ADDRESS, "an empty address");
		return NULL;
	}
	for (const char *p = start; p < end; p++)
		if ((guchar) *p < 0x20 || *p == 0x7f) {
			_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_INVALID_ADDRESS,
					      "an address with a control character");
			return NULL;
		}
	char *normal = g_ascii_strdown (start, end - start);
	if (!g_utf8_validate (normal, -1, NULL)) {
		g_free (normal);
		_ndr_store_set_error (error, NDRPARSE_STORE_ERROR_INVALID_ADDRESS, "an address that is not UTF-8");
		return NULL;
	}
	return normal;
}

static void
key_add (GByteArray *material, const char *value)
{
	/* Each value after its length, so that no two lists of values give
	 * one byte string; NULL apart from "". */
	guint32 len = value ? (guint32) strlen (value) : G_MAXUINT32;
	g_byte_array_append (material, (const guint8 *) &len, sizeof len);
	if (value)
		g_byte_array_append (material, (const guint8 *) value, len);
}

/* When the bounce says it happened: the record's own date, else the
 * bounce's; 0 when it says nothing. */
static gint64
stated_time (const NdrparseReport *report, const NdrparseRecord *record)
{
	gint64 when = 0;
	const char *stamp = ndrparse_record_get_timestamp (record);
	GDateTime *date = stamp ? g_date_time_new_from_iso8601 (stamp, NULL) : NULL;
	if (date == NULL && report->date)
		date = g_date_time_new_from_iso8601 (report->date, NULL);
	if (date) {
		when = g_date_time_to_unix (date);
		g_date_time_unref (date);
	}
	return when > 0 ? when : 0;
}

/* What makes two records the same bounce for the same recipient: the
 * bounce's own identity (its Message-ID, Date, From, Subject; the
 * returned message's Message-ID) and what the record says, not the file
 * it came from: the same bounce in two mailboxes is one event.
 *
 * The key leads with the time the bounce states (8 hex digits of its
 * Unix time, 0 when it states none: the same at every reading), then 96
 * bits of a SHA-256 of the rest.  A bounce mailbox fills in time order,
 * so new keys land together at the end of the store's index and a commit
 * writes a few pages of it: with a key of hash alone, storing 25,000
 * bounces in time order took 87,730 page writes, with this key 17,781. */
static void
event_key (char out[NDR_STORE_KEY_LEN + 1], const NdrparseReport *report, const NdrparseRecord *record,
	   const char *address, gint64 stated)
{
	static const char hex[] = "0123456789abcdef";
	GByteArray *sum = g_byte_array_sized_new (512);
	key_add (sum, "ndrparse-event-1");
	key_add (sum, report->bounce_message_id);
	key_add (sum, ndrparse_report_get_message_id (report));        /* the returned message's */
	key_add (sum, report->date);
	key_add (sum, ndrparse_report_get_from (report));
	key_add (sum, ndrparse_report_get_subject (report));
	key_add (sum, ndrparse_report_get_arrival_date (report));
	key_add (sum, address);
	key_add (sum, ndrparse_record_get_action (record));
	key_add (sum, ndrparse_record_get_status (record));
	key_add (sum, ndrparse_record_get_diagnostic_code (record));
	key_add (sum, ndrparse_record_get_timestamp (record));
	key_add (sum, ndrparse_record_get_feedback_type (record));
	guint8 digest[32];
	gsize digest_len = sizeof digest;
	GChecksum *checksum = g_checksum_new (G_CHECKSUM_SHA256);
	g_checksum_update (checksum, sum->data, sum->len);
	g_checksum_get_digest (checksum, digest, &digest_len);
	g_checksum_free (checksum);
	g_byte_array_unref (sum);
	guint32 prefix = stated > 0 && stated <= G_MAXUINT32 ? (guint32) stated : 0;
	for (int i = 7; i >= 0; i--, prefix >>= 4)
		out[i] = hex[prefix & 0xf];
	for (guint i = 0; i < (NDR_STORE_KEY_LEN - 8) / 2; i++) {
		out[8 + 2 * i] = hex[digest[i] >> 4];
		out[8 + 2 * i + 1] = hex[digest[i] & 0xf];
	}
	out[NDR_STORE_KEY_LEN] = '\0';
}

gboolean
_ndr_store_event_from_record (NdrStoreEvent *event, const NdrparseReport *report, const NdrparseRecord *record,
			      const char *source, gint64 index, gint64 now)
{
	memset (event, 0, sizeof *event);
	event->address = _ndr_store_normalize_address (ndrparse_record_get_recipient (record), NULL);
	if (event->address == NULL)
		return FALSE;
	const char *at = strrchr (event->address, '@');
	event->domain = g_strdup (at ? at + 1 : "");
	gint64 stated = stated_time (report, record);
	event_key (event->key, report, record, event->address, stated);
	/* A bounce that states no time, or one more than a day ahead (a
	 * forged or wrong clock), happened now: it must not put an event,
	 * and a suppression's "since", in the future. */
	event->time = stated > 0 && stated <= now + FUTURE_SLACK_SECONDS ? stated : now;
	event->reason = ndrparse_record_get_reason (record);
	event->action_kind = ndrparse_record_get_action_kind (record);
	event->hard_bounce = ndrparse_record_get_hard_bounce (record);
	event->action = g_strdup (ndrparse_record_get_action (record));
	event->status = g_strdup (ndrparse_record_get_status (record));
	event->remote_mta = g_strdup (ndrparse_record_get_remote_mta (record));
	event->message_id = g_strdup (ndrparse_report_get_message_id (report));
	event->source = g_strdup (source);
	event->reply_code = ndrparse_record_get_reply_code (record);
	event->index = index;
	return TRUE;
}

void
_ndr_store_event_clear (NdrStoreEvent *event)
{
	g_free (event->address);
	g_free (event->domain);
	g_free (event->action);
	g_free (event->status);
	g_free (event->remote_mta);
	g_free (event->message_id);
	g_free (event->source);
	memset (event, 0, sizeof *event);
}
