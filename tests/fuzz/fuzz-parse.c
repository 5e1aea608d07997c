/* fuzz-parse.c - libFuzzer harness: arbitrary bytes through
 * ndrparse_parse_bytes() and every accessor of the report and its
 * records.  Built only with -DNDRPARSE_FUZZ=ON (clang); see run.sh.
 *
 * The shapes that make a MIME parser's memory grow (a million empty
 * parts, a header folded over megabytes) are megabytes long, beyond what
 * a fuzzer can mutate byte by byte.  So an input may hold repeat marks:
 * AMP_MARK followed by a count byte C repeats the bytes after it, up to
 * the next mark (at most AMP_SEGMENT of them), C * AMP_UNIT times (once
 * for C = 0: a mark that only ends the segment before it);
 * the input grows to at most AMP_MAX_BYTES.  A small input can then stand
 * for a huge one, and run.sh's memory limit turns a blow-up into a
 * finding. */
#define _GNU_SOURCE             /* memmem() */
#include <stdint.h>
#include <string.h>

#include "ndrparse.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define AMP_MARK "\xff" "AMP"
#define AMP_MARK_LEN 4
#define AMP_UNIT 1024
#define AMP_SEGMENT 256
#define AMP_MAX_BYTES (4u << 20)

/* @data with its repeat marks expanded; NULL when it has none. */
static GByteArray *
expand (const uint8_t *data, size_t size)
{
	const uint8_t *mark = memmem (data, size, AMP_MARK, AMP_MARK_LEN);
	if (mark == NULL)
		return NULL;
	GByteArray *out = g_byte_array_new ();
	const uint8_t *p = data, *end = data + size;
	while (mark && mark + AMP_MARK_LEN < end && out->len < AMP_MAX_BYTES) {
		g_byte_array_append (out, p, (guint) (mark - p));
		guint times = MAX (mark[AMP_MARK_LEN] * AMP_UNIT, 1u);
		const uint8_t *seg = mark + AMP_MARK_LEN + 1;
		const uint8_t *next = memmem (seg, (size_t) (end - seg), AMP_MARK, AMP_MARK_LEN);
		size_t seg_len = MIN ((size_t) ((next ? next : end) - seg), AMP_SEGMENT);
		for (guint i = 0; i < times && seg_len > 0 && out->len + seg_len <= AMP_MAX_BYTES; i++)
			g_byte_array_append (out, seg, (guint) seg_len);
		p = seg + seg_len;
		mark = p < end ? memmem (p, (size_t) (end - p), AMP_MARK, AMP_MARK_LEN) : NULL;
	}
	if (p < end && out->len < AMP_MAX_BYTES)
		g_byte_array_append (out, p, (guint) MIN ((size_t) (end - p), AMP_MAX_BYTES - out->len));
	return out;
}

/* Reads every byte of @s, so a dangling or unterminated string is caught
 * by the sanitizer here rather than by a user. */
static size_t
touch (const char *s)
{
	return s ? strlen (s) : 0;
}

static size_t
touch_record (const NdrparseRecord *r)
{
	size_t n = 0;

	n += touch (ndrparse_record_get_decoded_by (r));
	n += touch (ndrparse_record_get_recipient (r));
	n += touch (ndrparse_record_get_original_recipient (r));
	n += touch (ndrparse_record_get_destination (r));
	n += touch (ndrparse_record_get_action (r));
	n += ndrparse_record_get_action_kind (r);
	n += touch (ndrparse_record_get_status (r));
	n += ndrparse_record_get_reply_code (r);
	n += ndrparse_record_get_status_class (r);
	n += touch (ndrparse_record_get_status_text (r));
	n += touch (ndrparse_record_get_reply_text (r));
	n += touch (ndrparse_record_get_diagnostic_type (r));
	n += touch (ndrparse_record_get_diagnostic_code (r));
	n += touch (ndrparse_record_get_smtp_command (r));
	n += touch (ndrparse_record_get_reporting_mta (r));
	n += touch (ndrparse_record_get_remote_mta (r));
	n += touch (ndrparse_record_get_timestamp (r));
	n += touch (ndrparse_reason_get_name (ndrparse_record_get_reason (r)));
	n += ndrparse_record_get_reason (r);
	n += touch (ndrparse_record_get_advice (r));
	n += touch (ndrparse_record_get_feedback_type (r));
	n += touch (ndrparse_record_get_source_ip (r));
	n += ndrparse_record_get_verp (r);
	n += ndrparse_record_get_hard_bounce (r);
	n += touch (ndrparse_record_get_field (r, "Final-Recipient"));
	n += ndrparse_record_get_truncated (r);
	return n;
}

static size_t
touch_report (const NdrparseReport *report)
{
	size_t n = 0;

	n += touch (ndrparse_report_get_reporting_mta (report));
	n += touch (ndrparse_report_get_dsn_gateway (report));
	n += touch (ndrparse_report_get_received_from_mta (report));
	n += touch (ndrparse_report_get_arrival_date (report));
	n += touch (ndrparse_report_get_original_envelope_id (report));
	n += touch (ndrparse_report_get_field (report, "Reporting-MTA"));
	n += touch (ndrparse_report_get_sender (report));
	n += touch (ndrparse_report_get_message_id (report));
	n += touch (ndrparse_report_get_subject (report));
	n += touch (ndrparse_report_get_list_id (report));
	n += touch (ndrparse_report_get_from (report));
	for (guint i = 0; i < ndrparse_report_get_n_records (report); i++)
		n += touch_record (ndrparse_report_get_record (report, i));
	return n;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	static volatile size_t sink;
	GError *error = NULL;
	GByteArray *expanded = expand (data, size);
	NdrparseReport *report = expanded ? ndrparse_parse_bytes (expanded->data, expanded->len, &error)
					  : ndrparse_parse_bytes (data, size, &error);
	if (expanded)
		g_byte_array_unref (expanded);

	if (report == NULL) {
		/* Every refusal says why. */
		if (error == NULL || error->message == NULL || error->message[0] == '\0')
			__builtin_trap ();
		g_error_free (error);
		return 0;
	}
	sink += touch_report (report);
	/* VERP reads the bounce's own envelope headers, and may add a record. */
	NdrparseReport *applied = ndrparse_report_apply_verp (report, "bounces+%l=%d@lists.example.org", NULL);
	if (applied == NULL)
		__builtin_trap ();
	sink += touch_report (applied);
	ndrparse_report_unref (applied);
	sink += touch_report (report);
	ndrparse_report_unref (report);

	/* The bare-reply classifier takes untrusted log lines too. */
	if (size > 0 && size < 4096) {
		char *reply = g_strndup ((const char *) data, size);
		NdrparseClassification *c = reply[0] ? ndrparse_classify_reply (reply, NULL, NULL, NULL) : NULL;
		if (c) {
			sink += touch (ndrparse_classification_get_advice (c));
			sink += touch (ndrparse_classification_get_status (c));
			ndrparse_classification_unref (c);
		}
		g_free (reply);
	}
	return 0;
}
