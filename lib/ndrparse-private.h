/* ndrparse-private.h - what the modules of libndrparse share, and nobody else.
 *
 * Module map (one job each):
 *   ndr-parse.c      public entry points: bytes/file/stream -> GMimeMessage -> report
 *   ndr-bounds.c     cuts raw bytes to the header and MIME limits before GMime parses them
 *   ndr-mime-walk.c  finds the delivery-status parts and the returned message
 *   ndr-dsn-fields.c splits delivery-status text into field groups
 *   ndr-dsn-decode.c turns field groups into records
 *   ndr-notification.c indexes the notification text and reads what it says of a recipient
 *   ndr-original.c   reads the returned message's headers
 *   ndr-smtp-code.c  the code table (ndr-smtp-codes.def) and code syntax
 *   ndr-smtp-text.c  finds codes, commands and hosts inside free text
 *   ndr-text-decode.c decodes bounces told in prose (no usable DSN part)
 *   ndr-text-families.c the per-MTA-family rules of the text decoder (data)
 *   ndr-reason.c     the reason vocabulary and its tables (ndr-reasons.def,
 *                    ndr-reason-phrases.def, ndr-code-reasons.def)
 *   ndr-classify.c   weighs the evidence of a record into reason, hard
 *                    bounce and advice
 *   ndr-rhost.c      the rules of known providers (ndr-rhost-rules.def)
 *   ndr-reporter.c   the rules of the MTA that wrote the bounce
 *                    (ndr-reporter-rules.def)
 *   ndr-arf.c        feedback reports (RFC 5965 and older complaint formats)
 *   ndr-ses.c        Amazon SES event notifications (JSON)
 *   ndr-autoreply.c  automatic replies (RFC 3834)
 *   ndr-phrase-set.c matches many table phrases in one pass
 *   ndr-address.c    normalises addresses
 *   ndr-date.c       RFC 5322 dates to ISO 8601
 *   ndr-report.c     the report and record objects and their accessors
 */
#ifndef NDRPARSE_PRIVATE_H
#define NDRPARSE_PRIVATE_H

#include "ndrparse.h"

G_BEGIN_DECLS


/* ---- objects (ndr-report.c) ---- */

/* One "Name: value" line of a delivery-status part, unfolded.  Both
 * strings live in the owning report's string chunk. */
typedef struct {
	const char *name;
	const char *value;
} NdrField;

struct _NdrparseRecord {
	const char *decoded_by;         /* static */
	const char *reporter;           /* static: the MTA that wrote the bounce, if known */
	const char *recipient;
	const char *original_recipient;
	const char *destination;
	const char *action;
	NdrparseAction action_kind;
	const char *status;
	guint reply_code;
	NdrparseStatusClass status_class;
	gboolean status_inferred;       /* the bounce states no status: ndrparse chose it */
	const char *status_text;        /* static, from the code table */
	const char *diagnostic_type;
	const char *diagnostic_code;
	const char *smtp_command;       /* static */
	const char *reporting_mta;
	const char *remote_mta;
	const char *timestamp;
	NdrparseReason reason;          /* preset by a decoder, or decided by the classifier */
	const char *advice;             /* static */
	const char *reply_text;         /* static, from the code table */
	const char *feedback_type;      /* ARF Feedback-Type, lower-cased */
	const char *source_ip;          /* ARF Source-IP */
	NdrparseTristate hard_bounce;
	NdrparseTruncation truncated;   /* the limits its message reached */
	NdrparseVerp verp;              /* what the VERP envelope said of it */
	GPtrArray *fields;              /* NdrField *, the raw per-recipient group (a ref) */
};

struct _NdrparseReport {
	gatomicrefcount ref_count;
	GStringChunk *strings;          /* every string of the report and its records */
	GPtrArray *field_store;         /* owns every NdrField of the report */
	GPtrArray *fields;              /* NdrField *, the per-message group */
	GPtrArray *records;             /* NdrparseRecord * */
	const char *reporting_mta;
	const char *dsn_gateway;
	const char *received_from_mta;
	const char *arrival_date;
	const char *original_envelope_id;
	const char *sender;
	const char *message_id;
	const char *subject;
	const char *list_id;
	const char *from;
	const char *date;               /* the bounce's own Date:, ISO 8601 */
	/* From the returned message, before the DSN is decoded: */
	const char *return_path;        /* its Return-Path addr-spec */
	const char *from_address;       /* its From addr-spec */
	const char *envelope_recipient; /* "for <addr>" of its topmost Received */
	const char *original_to;        /* its To header, decoded */
	const char *delivered_to;       /* X-Original-To or the like (addr-spec) */
	const char *complainant;        /* Hotmail's X-HmXmrOriginalRecipient */
	const char *reporter;           /* static: the MTA that wrote it (ndr-reporter.c) */
	NdrparseTruncation truncated;   /* the limits the message reached */
	GPtrArray *envelope;            /* the bounce's Delivered-To, X-Original-To, To (interned) */
	gboolean looks_like_bounce;     /* a DSN part or a bounce's prose, whether or not it named anyone */
	const char *bounce_text;        /* the head of the notification, for a record VERP adds */
};

NdrparseReport *_ndr_report_new (void);
/* Copies @len bytes of @s into the report (made valid UTF-8); NULL stays NULL. */
const char *_ndr_report_intern_len (NdrparseReport *report, const char *s, gssize len);
const char *_ndr_report_intern (NdrparseReport *report, const char *s);
/* Interns @len bytes of @s lower-cased (ASCII): a type name ("SMTP"). */
const char *_ndr_report_intern_lower (NdrparseReport *report, const char *s, gsize len);
/* Interns @s (a new string, or NULL) and frees it. */
const char *_ndr_report_take (NdrparseReport *report, char *s);
/* The first NDRPARSE_MAX_HEADER_LENGTH bytes of header @name of
 * @object (a new string, cut at a character boundary), or NULL; flags
 * @report when it cuts.  Heuristics read headers through this, so a 10 MB
 * Subject costs no more than a 16 KiB one. */
char *_ndr_header_head (NdrparseReport *report, GMimeObject *object, const char *name);
/* The same for a value already read ("Subject" decoded by GMime). */
char *_ndr_head_of (NdrparseReport *report, const char *value);
/* Interns a header value, cut at NDRPARSE_MAX_HEADER_LENGTH. */
const char *_ndr_report_intern_header (NdrparseReport *report, const char *value);
/* A new record of @report, or NULL (and the report flagged) when it
 * already holds NDRPARSE_MAX_RECORDS. */
NdrparseRecord *_ndr_report_add_record (NdrparseReport *report);
NdrField *_ndr_report_new_field (NdrparseReport *report, const char *name, gsize name_len,
				 const char *value, gsize value_len);
const char *_ndr_fields_lookup (const GPtrArray *fields, const char *name);

/* ---- bounds before parsing (ndr-bounds.c) ---- */

/* Cuts the message in @array, in place, to the header limits
 * (NDRPARSE_MAX_HEADER_LENGTH per field, _FIELDS and _BYTES per message)
 * and the MIME limits (NDRPARSE_MAX_MIME_PARTS, _DEPTH), reading its
 * structure as GMime will; returns the limits reached. */
NdrparseTruncation _ndr_bounds_apply (GByteArray *array);

/* ---- MIME walk (ndr-mime-walk.c) ---- */

typedef struct {
	GPtrArray *dsn_texts;           /* GBytes *: decoded delivery-status parts */
	GMimeObject *original;          /* returned message or headers part; borrowed */
	GMimeTextPart *notification_part; /* the first text/plain part; borrowed */
	GBytes *notification;           /* its text in UTF-8, decoded on demand */
	GBytes *feedback;               /* the message/feedback-report part, or NULL */
	NdrparseTruncation truncated;   /* limits the walk reached */
} NdrWalk;

void _ndr_walk_init (NdrWalk *walk);
void _ndr_walk_clear (NdrWalk *walk);
void _ndr_walk_message (GMimeMessage *message, NdrWalk *walk);
/* The notification text (UTF-8, LF line ends), decoded on first use; NULL
 * if the bounce has no text/plain part.  Owned by @walk. */
const char *_ndr_walk_notification_text (NdrWalk *walk);
/* Whether @text holds RFC 3464 recipient fields at the start of a line. */
gboolean _ndr_text_has_dsn_fields (const char *text, gsize len);

/* ---- delivery-status fields (ndr-dsn-fields.c) ---- */

typedef struct {
	GPtrArray *message_fields;      /* NdrField * */
	GPtrArray *recipient_groups;    /* GPtrArray * of NdrField * */
} NdrDsnFields;

/* Splits delivery-status text into the per-message group and the
 * per-recipient groups.  The fields themselves belong to @report; the
 * arrays are the caller's, freed with _ndr_dsn_fields_free(). */
NdrDsnFields *_ndr_dsn_fields_parse (NdrparseReport *report, const char *text, gsize len);
void _ndr_dsn_fields_free (NdrDsnFields *dsn);

/* ---- decoding (ndr-dsn-decode.c) ---- */

/* Adds a record to @report for every recipient group of @dsn. */
void _ndr_dsn_decode (NdrparseReport *report, const NdrDsnFields *dsn);
/* Records from the X-Failed-Recipients header, for reports whose
 * delivery-status part names no recipient. */
void _ndr_decode_failed_recipients_header (NdrparseReport *report, GMimeMessage *message);
/* Fills in what a record lacks once the whole message has been read. */
typedef struct _NdrNotification NdrNotification;
void _ndr_record_finish (NdrparseReport *report, NdrparseRecord *record,
			 const NdrNotification *notification);

/* ---- original message (ndr-original.c) ---- */

/* Reads the returned message's headers into @report; @original may be NULL. */
void _ndr_original_read (NdrparseReport *report, GMimeObject *original);
/* The same for a returned message pasted into a text (its headers start
 * at the first header-like line of @text). */
void _ndr_original_read_text (NdrparseReport *report, const char *text, gsize len);
/* Decides report->sender once the DSN fields are known. */
void _ndr_original_resolve_sender (NdrparseReport *report);

/* ---- codes (ndr-smtp-code.c) ---- */

/* A parsed enhanced status code. */
typedef struct {
	guint klass, subject, detail;
} NdrStatusCode;

/* Parses "x.y.z" at the start of @s (exactly, no trailing digits or
 * dotted digits).  Returns the number of bytes used, 0 if none. */
gsize _ndr_status_code_scan (const char *s, gsize len, NdrStatusCode *code);
gboolean _ndr_status_code_is_valid (const NdrStatusCode *code);
/* Writes "x.y.z" into @buf (at least 16 bytes). */
void _ndr_status_code_format (const NdrStatusCode *code, char *buf);
gboolean _ndr_reply_code_is_known (guint reply_code);
/* Sets the record's status (@code may be NULL) and its class and text
 * from the code table, falling back to the reply code's. */
void _ndr_record_set_status (NdrparseReport *report, NdrparseRecord *record,
			     const NdrStatusCode *code, guint reply_code);

/* ---- codes in free text (ndr-smtp-text.c) ---- */

typedef struct {
	guint reply_code;               /* 0: none */
	NdrStatusCode status;           /* klass 0: none */
	gboolean paired;                /* stated together: "550 5.1.1" */
} NdrTextCodes;

/* Finds the SMTP reply code and enhanced status code a diagnostic text
 * states, preferring a "550 5.1.1" pair, then a code at the start. */
void _ndr_text_find_codes (const char *text, gsize len, NdrTextCodes *codes);
/* The SMTP command a failure answered ("RCPT"), or NULL; static string. */
const char *_ndr_text_find_smtp_command (const char *text, gsize len);
/* The remote host named by "host NAME[...] said:"-style text, or NULL.
 * Returns a new string. */
char *_ndr_text_find_remote_host (const char *text, gsize len);

/* ---- phrase sets (ndr-phrase-set.c) ---- */

/* Many phrases matched in one pass, ASCII-case-insensitively.  Phrases
 * are borrowed (static tables).  Sets are built once, then read-only. */
typedef struct _NdrPhraseSet NdrPhraseSet;
NdrPhraseSet *_ndr_phrase_set_new (void);
void _ndr_phrase_set_add (NdrPhraseSet *set, const char *phrase, guint id);
void _ndr_phrase_set_add_list (NdrPhraseSet *set, const char *const *list, guint id);
/* The lowest id of the phrases found in @text, G_MAXUINT if none. */
guint _ndr_phrase_set_lowest (const NdrPhraseSet *set, const char *text, gsize len);
gboolean _ndr_phrase_set_any (const NdrPhraseSet *set, const char *text, gsize len);
/* Sets marks[id] (a GArray of gboolean) for every phrase found. */
void _ndr_phrase_set_mark (const NdrPhraseSet *set, const char *text, gsize len, GArray *marks);

/* ---- reasons (ndr-reason.c, ndr-classify.c, ndr-rhost.c) ---- */

/* The reason vocabulary is the public NdrparseReason; ndr-reasons.def
 * holds its names, standard codes and advice in the same order. */
typedef NdrparseReason NdrReason;

const char *_ndr_reason_name (NdrReason reason);
const char *_ndr_reason_description (NdrReason reason);
/* What to do about @reason when the failure is permanent or not. */
const char *_ndr_reason_advice (NdrReason reason, gboolean permanent);
/* The reason the first matching phrase of the phrase table names, or
 * NDRPARSE_REASON_UNDEFINED; *@broad (may be NULL) tells whether that
 * phrase is one of the broad words. */
typedef enum {
	NDR_PHRASE_FINAL,       /* names the reason whatever the stage */
	NDR_PHRASE_NAMING,      /* names it, read in the light of the stage */
	NDR_PHRASE_BROAD,       /* leans towards it */
} NdrPhraseKind;
NdrReason _ndr_reason_from_phrases (const char *text, gsize len, NdrPhraseKind *kind);
/* The standard status code of @reason in class @klass (4 or 5); FALSE
 * when the reason has none. */
gboolean _ndr_reason_standard_status (NdrReason reason, guint klass, NdrStatusCode *out);
/* What a code or command alone says (ndr-code-reasons.def);
 * NDRPARSE_REASON_UNDEFINED when it says nothing. */
NdrReason _ndr_reason_from_status (const NdrStatusCode *status);
NdrReason _ndr_reason_from_command (const char *command);
NdrReason _ndr_reason_from_reply_code (guint reply_code);
/* Whether a status meaning @by_status refines words meaning @said. */
gboolean _ndr_reason_refines (NdrReason by_status, NdrReason said);

/* Everything the classifier weighs about one failure. */
typedef struct {
	const char *text;               /* the diagnostic, may be NULL */
	gsize len;
	NdrStatusCode status;           /* klass 0: none */
	guint status_class;             /* 4 or 5 when no status is stated but the class is known */
	NdrStatusCode inferred_status;  /* what ndrparse chose when none is stated */
	guint reply_code;               /* 0: none */
	const char *command;            /* "RCPT", or NULL */
	const char *remote_host;        /* the host that refused, or NULL */
	const char *recipient_domain;   /* or NULL */
	NdrparseAction action;
	gboolean local_program;         /* the diagnostic is a delivery program's (X-Unix) */
	const char *reporter;           /* the MTA that wrote the bounce, or NULL */
	const GPtrArray *fields;        /* NdrField *, the record's delivery-status group */
} NdrEvidence;

/* The reason @evidence shows, strongest evidence first: remote host
 * rules, phrases, status code, delay, command, reply code. */
NdrReason _ndr_classify (const NdrEvidence *evidence);
/* Whether a failure of @reason means the address is dead; UNSET for
 * success notifications. */
NdrparseTristate _ndr_hard_bounce (NdrReason reason, NdrparseAction action, guint klass);
/* Decides record->reason (unless a decoder preset it), hard_bounce,
 * advice and reply_text.  @context (may be NULL) is what the notification
 * says near the recipient, used when the record has no diagnostic. */
void _ndr_record_classify (NdrparseRecord *record, const char *context);
/* The rules of the remote host's provider (ndr-rhost-rules.def), or
 * NDRPARSE_REASON_UNDEFINED when no provider or no rule matches. */
NdrReason _ndr_rhost_reason (const NdrEvidence *evidence);
/* The MTA that wrote the bounce, by its headers (ndr-reporter-rules.def):
 * a static name, or NULL. */
const char *_ndr_reporter_identify (const NdrparseReport *report, GMimeMessage *message);
/* The rules of the bounce's author and vendor fields, or
 * NDRPARSE_REASON_UNDEFINED. */
NdrReason _ndr_reporter_reason (const NdrEvidence *evidence);
/* Whether @text holds @pattern: case-insensitive, "%d" a run of digits. */
gboolean _ndr_pattern_find (const char *text, gsize len, const char *pattern);

/* ---- bounces told in prose (ndr-text-decode.c, ndr-text-families.c) ---- */

/* One MTA family's report format.  Every list is NULL-terminated, its
 * strings compared case-insensitively.  A family is recognised when each
 * of its non-NULL lists from, subject and marker has a hit: from in the
 * From header, subject in the Subject, marker in the text. */
typedef enum {
	NDR_RECIPIENT_LINES,            /* lines led by an address, else mentions */
	NDR_RECIPIENT_MENTIONS,         /* the addresses the prose mentions */
} NdrRecipientStyle;

typedef struct {
	const char *name;               /* decoded_by */
	const char *const *from;
	const char *const *subject;
	const char *const *marker;
	const char *const *begin;       /* the report starts at the first line holding one */
	const char *const *end;         /* the returned message starts at a line holding one */
	const char *const *transcript;  /* a session transcript starts at a line holding one:
					 * there a recipient's error comes before its summary
					 * line ("554 <a@b>... reason"), as Sendmail writes it */
	NdrRecipientStyle recipients;
	NdrparseReason reason;          /* what every report of the family means, or UNDEFINED */
} NdrTextFamily;

extern const NdrTextFamily _ndr_text_families[];
extern const gsize _ndr_text_families_count;
/* Lines that start the returned message in any family's report. */
extern const char *const _ndr_text_common_ends[];
/* Phrases that say a message was not delivered. */
extern const char *const _ndr_text_failure_phrases[];
/* Phrases that say delivery is only delayed. */
extern const char *const _ndr_text_delay_phrases[];
/* Labels that may precede a recipient address on its line. */
extern const char *const _ndr_text_recipient_labels[];
/* Subject starts, subject words and From names that mark a delivery
 * report. */
extern const char *const _ndr_text_bounce_subjects[];
extern const char *const _ndr_text_bounce_subject_words[];
extern const char *const _ndr_text_daemon_senders[];

/* Records from the human-readable text of a bounce that has no usable
 * delivery-status part; @text may be NULL.  Returns whether any record
 * was added. */
gboolean _ndr_text_decode (NdrparseReport *report, GMimeMessage *message, const char *text);
/* Whether a From header value is a mail system's (MAILER-DAEMON, ...). */
gboolean _ndr_text_from_daemon (const char *from);

/* ---- feedback reports and auto-replies (ndr-arf.c, ndr-autoreply.c) ---- */

/* Records from an RFC 5965 feedback report (@feedback, may be NULL) or
 * from the older and vendor complaint formats.  Returns whether any
 * record was added. */
gboolean _ndr_arf_decode (NdrparseReport *report, GMimeMessage *message, GBytes *feedback);
/* Records from an Amazon SES event notification (JSON) in @text. */
gboolean _ndr_ses_decode (NdrparseReport *report, const char *text);
/* A record for an RFC 3834 automatic reply (out-of-office). */
gboolean _ndr_autoreply_decode (NdrparseReport *report, GMimeMessage *message);

/* ---- the notification text (ndr-notification.c) ---- */

typedef struct {
	NdrTextCodes codes;
	const char *command;            /* static */
} NdrNotificationFacts;

/* Indexes the addresses in @text (UTF-8, LF line ends, borrowed: it must
 * outlive the index).  @text may be NULL. */
NdrNotification *_ndr_notification_new (const char *text);
void _ndr_notification_free (NdrNotification *notification);
/* What the text says near the mentions of @recipient (lower-cased); for
 * the only record of a report also the first SMTP reply line anywhere. */
void _ndr_notification_facts (const NdrNotification *notification, const char *recipient,
			      gboolean only_record, NdrNotificationFacts *facts);

/* What the text says around the first mention of @recipient (a new
 * string, whitespace folded), or NULL when it does not mention it. */
char *_ndr_notification_context (const NdrNotification *notification, const char *recipient);

/* ---- addresses and dates (ndr-address.c, ndr-date.c) ---- */

/* Normalises a recipient field value ("rfc822; <User@Example.COM>")
 * into a lower-cased addr-spec.  Returns a new string or NULL when no
 * address is there. */
char *_ndr_address_normalize (const char *value, gboolean xtext);
/* The mail addresses of an address header value ("A <a@b>, c@d"),
 * normalised; groups and address-less entries are skipped.  Returns a new
 * array of new strings (possibly empty). */
GPtrArray *_ndr_address_list (const char *value);
/* The domain part of a normalised address, or NULL. */
const char *_ndr_address_domain (const char *address);
/* Drops a "type;" prefix ("dns; mx.example.com" -> "mx.example.com"). */
const char *_ndr_skip_type_prefix (const char *value);
/* An MTA field value as a bare host name, lower-cased, without a type
 * prefix, comments or an address literal beside it ("dns; MX.example.org
 * [192.0.2.1]" -> "mx.example.org"; a new string), or NULL. */
char *_ndr_mta_name (const char *value);
/* An RFC 5322 date as ISO 8601 (new string), or NULL if unparsable. */
char *_ndr_date_to_iso8601 (const char *date);
/* The same for a GDateTime (borrowed); NULL for NULL or the epoch. */
char *_ndr_date_time_to_iso8601 (GDateTime *dt);

/* ---- small string helpers (ndr-address.c) ---- */

const char *_ndr_memcasemem (const char *hay, gsize hay_len, const char *needle);

G_END_DECLS

#endif /* NDRPARSE_PRIVATE_H */
