/* ndrparse-private.h - what the modules of libndrparse share, and nobody else.
 *
 * Module map (one job each):
 *   ndr-parse.c        public entry points: bytes/file/stream -> header block + MIME body -> report
 *   ndr-bounds.c       cuts raw bytes to the header and MIME limits before GMime parses them
 *                      (and drops what the decoder never reads: a returned body, part fields)
 *   ndr-mime-walk.c    finds the delivery-status parts and the returned message
 *   ndr-dsn-fields.c   splits delivery-status text into field groups
 *   ndr-dsn-decode.c   turns field groups into records
 *   ndr-notification.c indexes the notification text and reads what it says of a recipient
 *   ndr-original.c     reads the returned message's headers
 *   ndr-smtp-code.c    the code table (lib/rules/vocabulary/smtp-codes.rules) and code syntax
 *   ndr-smtp-text.c    finds codes, commands and hosts inside free text
 *   ndr-text-*.c       decode bounces told in prose (no usable DSN part; ndr-text.h)
 *   ndr-arf.c          feedback reports (RFC 5965 and older complaint formats)
 *   ndr-ses.c          Amazon SES event notifications (JSON)
 *   ndr-autoreply.c    automatic replies (RFC 3834)
 *   ndr-verp.c         recipients from the bounce's VERP envelope
 *  rules (lib/rules/, ndrparse-rules(5)):
 *   ndr-rule-parse.c   reads rule files into rules (ndr-rule.h)
 *   ndr-rulec.c        the build-time compiler of the shipped rules into tables
 *   ndr-matcher.c      many patterns in one pass (Hyperscan)
 *   ndr-rule-group.c   rules grouped by field, a matcher each (ndr-rule-set.h)
 *   ndr-rule-set.c     the rule sets parses use: shipped, the user's, disabled ids
 *   ndr-rule-lint.c    the rule set checked as a whole
 *   ndr-header-rules.c the rules on the bounce's headers: reporter, family, auto-reply
 *  classification:
 *   ndr-record-classify.c a record's facts, its verdict, hard_bounce and advice
 *   ndr-classify.c     the evidence chain: the steps table
 *   ndr-provider.c     the provider that refused, by host or domain
 *   ndr-reason.c       the reason vocabulary (lib/rules/vocabulary/reasons.rules)
 *   ndr-evidence.c     the evidence a record keeps
 *  objects and helpers:
 *   ndr-report.c       the report and record objects and their accessors
 *   ndr-address.c      normalises addresses
 *   ndr-date.c         RFC 5322 dates to ISO 8601
 *   ndr-error.c        the error domain
 */
#ifndef NDRPARSE_PRIVATE_H
#define NDRPARSE_PRIVATE_H

#include "ndrparse.h"
#include "ndr-rule-set.h"

G_BEGIN_DECLS


/* GMime initialised, once per process (ndr-parse.c). */
void _ndr_ensure_gmime (void);

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
	GPtrArray *evidence;            /* NdrparseEvidence *: why it got its reason; NULL for none */
	NdrparseReport *report;         /* the report that owns it (no reference): ndrparse_record_ref() */
};

typedef struct _NdrHeaderBlock NdrHeaderBlock;

struct _NdrparseReport {
	gatomicrefcount ref_count;
	GStringChunk *strings;          /* every string of the report and its records */
	GPtrArray *field_store;         /* owns every NdrField of the report */
	GPtrArray *fields;              /* NdrField *, the per-message group */
	GPtrArray *records;             /* NdrparseRecord * */
	GArray *header_hits;            /* NdrRuleHit of the header rules on the bounce's headers,
					 * found once (ndr-header-rules.c); NULL until then */
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
	const char *bounce_message_id;  /* the bounce's own Message-ID (what makes a store event one) */
	/* From the returned message, before the DSN is decoded: */
	const char *return_path;        /* its Return-Path addr-spec */
	const char *from_address;       /* its From addr-spec */
	const char *envelope_recipient; /* "for <addr>" of its topmost Received */
	const char *original_to;        /* its To header, decoded */
	const char *delivered_to;       /* X-Original-To or the like (addr-spec) */
	const char *complainant;        /* Hotmail's X-HmXmrOriginalRecipient */
	const char *reporter;           /* static: the MTA that wrote it (ndr-reporter.c) */
	NdrparseTruncation truncated;   /* the limits the message reached */
	/* The bounce's Delivered-To, X-Original-To and To values (interned or
	 * NULL): the addresses in them are read only when VERP asks. */
	const char *envelope_headers[3];
	gboolean looks_like_bounce;     /* a DSN part or a bounce's prose, whether or not it named anyone */
	guint unnamed_groups;           /* delivery-status recipient groups that named no recipient */
	const char *unnamed_status;     /* the Status of the last of them, or NULL (ndr-dsn-decode.c) */
	gboolean not_a_bounce;          /* a not-a-bounce rule fired (a challenge, a confirmation request) */
	const char *bounce_text;        /* the head of the notification, for a record VERP adds */
	const NdrparseRules *rules;     /* the rules of the parse; NULL once it returned */
	const NdrHeaderBlock *header;   /* the bounce's own header while it is decoded; NULL once it returned */
	const GPtrArray *taken_headers; /* the message headers the bounds pass took out (GBytes * or NULL
					 * per GMimeMessagePart, in order), while it is decoded; or NULL */
	const char *reporter_rule;      /* the id of the rule that named the reporter, or NULL */
	NdrparseRules *parse_rules;     /* the rules of the parse (a reference): a record VERP adds to a
					 * derived report is classified with them */
	NdrparseReport *base;           /* the report this one was derived from (VERP), whose strings,
					 * fields and evidence it shares: a reference, or NULL */
};

/* ndr-classification.c: what ndrparse_classify_reply() returns. */
struct _NdrparseClassification {
	gatomicrefcount ref_count;
	NdrparseReason reason;
	NdrparseTristate hard_bounce;
	NdrparseStatusClass status_class;
	guint reply_code;
	char status[16];                /* "x.y.z", or "" when none */
	const char *smtp_command;       /* static */
	const char *advice;             /* static */
};
NdrparseClassification *_ndr_classification_new (void);

NdrparseReport *_ndr_report_new (void);
/* A new report with @base's facts and copies of its records, sharing
 * @base's strings, fields and evidence (it keeps a reference to @base):
 * what ndrparse_report_apply_verp() changes, it changes in the copy. */
NdrparseReport *_ndr_report_derive (NdrparseReport *base);
/* Copies @len bytes of @s into the report (made valid UTF-8); NULL stays NULL. */
const char *_ndr_report_intern_len (NdrparseReport *report, const char *s, gssize len);
const char *_ndr_report_intern (NdrparseReport *report, const char *s);
/* Interns @len bytes of @s lower-cased (ASCII): a type name ("SMTP"). */
const char *_ndr_report_intern_lower (NdrparseReport *report, const char *s, gsize len);
/* Interns @s (a new string, or NULL) and frees it. */
const char *_ndr_report_take (NdrparseReport *report, char *s);
/* ndr-header-read.c: header values decoded as GMime decodes them (new
 * strings, NULL when absent), and header blocks read from text. */
char *_ndr_header_decode_raw (const char *raw, gsize len);
char *_ndr_header_value (GMimeHeader *header);
char *_ndr_object_header (GMimeObject *object, const char *name);
/* A block over @text (which must outlive it), or over a copy of its
 * bytes (_read_copy). */
NdrHeaderBlock *_ndr_header_block_read (const char *text, gsize len);
NdrHeaderBlock *_ndr_header_block_read_copy (const char *text, gsize len);
/* The first (or @last) field @name's decoded value, owned by the block. */
const char *_ndr_header_block_value (const NdrHeaderBlock *block, const char *name, gboolean last);
char *_ndr_header_block_get (const NdrHeaderBlock *block, const char *name, gboolean last);
guint _ndr_header_block_count (const NdrHeaderBlock *block);
/* Field @i: its name (not NUL-terminated), its decoded value (owned by
 * the block), and the bytes it spans from its name to its last line end. */
const char *_ndr_header_block_name_at (const NdrHeaderBlock *block, guint i, gsize *len);
const char *_ndr_header_block_value_at (const NdrHeaderBlock *block, guint i);
void _ndr_header_block_span_at (const NdrHeaderBlock *block, guint i, gsize *offset, gsize *len);
/* Field @i is no longer in the block (its bytes stay). */
void _ndr_header_block_remove_at (NdrHeaderBlock *block, guint i);
/* The offset of the block's blank line (or the text's length). */
gsize _ndr_header_block_end (const NdrHeaderBlock *block);
void _ndr_header_block_free (NdrHeaderBlock *block);

/* ndr-bounce-header.c: the bounce's own header.  _take reads it from
 * the raw message and leaves in @array the body with only the fields
 * GMime needs to parse it as a MIME part (Content-*; an mbox "From " line
 * dropped; the block holds the others, as GMime's message would); _of_message reads it from a message GMime parsed.  The rest read report->header while a report is
 * decoded: a field's first value (owned by the block; NULL when absent),
 * the last Subject and Date as GMime's message keeps them (the date a new
 * reference or NULL), the first value cut by _ndr_head_of(). */
NdrHeaderBlock *_ndr_bounce_header_take (GByteArray *array);
NdrHeaderBlock *_ndr_bounce_header_of_message (GMimeMessage *message);
const char *_ndr_bounce_header (const NdrparseReport *report, const char *name);
const char *_ndr_bounce_subject (const NdrparseReport *report);
GDateTime *_ndr_bounce_date (const NdrparseReport *report);
char *_ndr_bounce_header_head (NdrparseReport *report, const char *name);

/* The first NDRPARSE_MAX_HEADER_LENGTH bytes of @value (a new string,
 * cut at a character boundary), or NULL; flags @report when it cuts.
 * Heuristics read headers through this, so a 10 MB Subject costs no more
 * than a 16 KiB one. */
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
typedef enum {
	NDR_BOUNDS_LIMITS_ONLY = 0,
	/* Also drop the body of the message a report returns (after its
	 * delivery-status part): the decoder reads only its header. */
	NDR_BOUNDS_RETURNED_HEADER_ONLY = 1 << 0,
	/* Also drop the fields of a MIME part's header (not a message's)
	 * but Content-Type and Content-Transfer-Encoding: the decoder reads
	 * no other, and GMime makes an object of each. */
	NDR_BOUNDS_PART_TYPE_ONLY = 1 << 1,
} NdrBoundsFlags;
NdrparseTruncation _ndr_bounds_apply (GByteArray *array, NdrBoundsFlags flags);
/* The same, and with NDR_BOUNDS_RETURNED_HEADER_ONLY the returned
 * message's header is taken out too: @messages gets an element per
 * message entity GMime will read (a GMimeMessagePart), in document
 * order: the header's bytes (GBytes) where it was taken out (GMime then
 * reads an empty part: no message), NULL where it stays. */
NdrparseTruncation _ndr_bounds_apply_taking (GByteArray *array, NdrBoundsFlags flags, GPtrArray *messages);

/* ndr-content-type.c: @value's type and subtype as GMime's parser reads
 * them (new strings; FALSE when it reads none), and for a multipart its
 * boundary parameter (a new string or NULL). */
gboolean _ndr_content_type_read (const char *value, char **media, char **subtype, char **boundary);

/* ---- MIME walk (ndr-mime-walk.c) ---- */

typedef struct {
	GPtrArray *dsn_texts;           /* GBytes *: decoded delivery-status parts */
	GMimeObject *original;          /* returned message or headers part; borrowed */
	GMimeTextPart *notification_part; /* the first text/plain part; borrowed */
	GMimeTextPart *html_part;       /* the first text/html part outside any message part; borrowed */
	GBytes *notification;           /* its text in UTF-8, decoded on demand */
	GBytes *feedback;               /* the message/feedback-report part, or NULL */
	gboolean report_in_message;     /* a delivery-status part lies in a message part */
	gboolean forwarded_report;      /* ... and the notification part is outside it: a
					 * notice that forwards or quotes a report, in its own
					 * words */
	NdrparseTruncation truncated;   /* limits the walk reached */
} NdrWalk;

void _ndr_walk_init (NdrWalk *walk);
void _ndr_walk_clear (NdrWalk *walk);
void _ndr_walk_message (GMimeMessage *message, const NdrparseRules *rules, NdrWalk *walk);
void _ndr_walk_body (GMimeObject *body, const NdrparseRules *rules, NdrWalk *walk);
/* The notification text (UTF-8, LF line ends), decoded on first use: the
 * first text/plain part's, else the text of the first text/html part;
 * NULL if the bounce has neither.  Owned by @walk. */
const char *_ndr_walk_notification_text (NdrWalk *walk);
/* When the bounce has both a text/plain and a text/html part, makes the
 * HTML part's text the notification from now on and returns it (owned
 * by @walk); NULL, the notification unchanged, otherwise.  For a plain
 * part that says nothing ("view this message in HTML"). */
const char *_ndr_walk_html_instead (NdrWalk *walk);

/* ---- HTML (ndr-html-text.c) ---- */

/* The text of @html (@len bytes, UTF-8): tags dropped, block elements a
 * line break, references decoded, blanks folded.  A new string. */
char *_ndr_html_to_text (const char *html, gsize len);
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
void _ndr_decode_failed_recipients_header (NdrparseReport *report);
/* Fills in what a record lacks once the whole message has been read. */
typedef struct _NdrNotification NdrNotification;
void _ndr_record_finish (NdrparseReport *report, NdrparseRecord *record,
			 const NdrNotification *notification);

/* ---- original message (ndr-original.c) ---- */

/* Reads the returned message's headers into @report; @original may be NULL. */
void _ndr_original_read (NdrparseReport *report, GMimeObject *body, GMimeObject *original);
/* The same for a returned message pasted into a text (its headers start
 * at the first header-like line of @text). */
void _ndr_original_read_text (NdrparseReport *report, const char *text, gsize len);
/* Completes the records whose recipient has a bare host for a domain
 * ("user@mailhost") from the returned message's To, Delivered-To or
 * envelope recipient, when exactly one of those has the same local part. */
void _ndr_original_qualify_recipients (NdrparseReport *report);
/* The returned message's recipients (its To, Delivered-To, envelope
 * recipient): a new array of new strings. */
GPtrArray *_ndr_original_recipients (const NdrparseReport *report);
/* The one address of @candidates (from _ndr_original_recipients())
 * whose local part is @local (@len bytes, without regard to case) and
 * whose domain is qualified, interned in @report; NULL when none or
 * several are. */
const char *_ndr_original_recipient_with_local_part (NdrparseReport *report, GPtrArray *candidates,
						      const char *local, gsize len);
/* The address of the one mailbox of the returned message's To whose
 * display name is @name (@len bytes; quotes, blanks and case aside),
 * interned in @report; NULL when none or several are.  Exchange 4.0 to
 * 5.5 name a recipient only so ("John Doe on 12/1/97 12:00 PM").  *@to
 * holds the To parsed, made on the first call (NULL before it); the caller
 * unrefs it. */
const char *_ndr_original_recipient_named (NdrparseReport *report, InternetAddressList **to, const char *name,
					   gsize len);
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
/* The SMTP command (static: "RCPT") the reply in @text answered, as the
 * then=command: rules of @rules read its words (ndr-smtp-command.c), or
 * NULL; and the rule that decides it. */
const char *_ndr_text_find_smtp_command (const NdrparseRules *rules, const char *text, gsize len);
const NdrRule *_ndr_smtp_command_rule (const NdrparseRules *rules, const char *text, gsize len);
/* The remote host named by Sendmail's "... while talking to NAME.:", MDaemon's
 * "SMTP connection to [NAME]", else by
 * "host NAME[...] said:"-style text, or NULL.
 * Returns a new string. */
char *_ndr_text_find_remote_host (const char *text, gsize len);

/* ---- reasons and the evidence chain (ndr-reason.c, ndr-classify.c,
 * ndr-record-classify.c, ndr-provider.c, ndr-reporter.c, ndr-evidence.c) ---- */

/* The reason vocabulary is the public NdrparseReason; its names, standard
 * codes and advice come from lib/rules/vocabulary/reasons.rules. */
typedef NdrparseReason NdrReason;

const char *_ndr_reason_name (NdrReason reason);
const char *_ndr_reason_description (NdrReason reason);
/* What to do about @reason when the failure is permanent or not. */
const char *_ndr_reason_advice (NdrReason reason, gboolean permanent);
/* The standard status code of @reason in class @klass (4 or 5); FALSE
 * when the reason has none. */
gboolean _ndr_reason_standard_status (NdrReason reason, guint klass, NdrStatusCode *out);
/* The reason the status rules give @status (a detail no rule knows means
 * what its subject's X.Y.0 means); NDRPARSE_REASON_UNDEFINED for none. */
NdrReason _ndr_reason_from_status (const NdrparseRules *rules, const NdrStatusCode *status);
/* The reason the plain diagnostic phrase rules (no provider or reporter
 * condition) give @text, final ones first, broad ones last: what the text
 * decoders ask of a paragraph. */
NdrReason _ndr_reason_from_text (const NdrparseRules *rules, const char *text, gsize len);

/* Everything the classifier weighs about one failure. */
typedef struct {
	const NdrparseRules *rules;
	const char *text;               /* the diagnostic as one reads it, may be NULL */
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
} NdrFacts;

/* A rule that fired for a record, or a step that decided without one. */
typedef struct {
	const char *step;               /* the step of the evidence chain */
	const NdrRule *rule;            /* NULL for a step that needs no rule */
	gsize from, to;                 /* what it matched of the text it read */
	const char *read;               /* that text (borrowed until recorded) */
	gboolean decisive;              /* it decided the reason */
} NdrFired;

/* What the classifier concluded, and why. */
typedef struct {
	NdrReason reason;
	const char *step;               /* the step that decided */
	const NdrRule *rule;            /* the rule that decided, or NULL */
	const char *provider;           /* the provider that refused, if known */
	GArray *fired;                  /* NdrFired, in the order of the steps; may be NULL */
} NdrVerdict;

/* The reason @facts show, weighed in the order of the evidence chain
 * (the steps table in ndr-classify.c); @verdict (may be NULL) says why. */
NdrReason _ndr_classify (const NdrFacts *facts, NdrVerdict *verdict);
/* Whether a failure of @reason means the address is dead; UNSET for what
 * is no delivery failure. */
NdrparseTristate _ndr_hard_bounce (NdrReason reason, NdrparseAction action, guint klass);
/* The class the facts state: status, else reply code, else 4 for a delay
 * and 5 for any other failure. */
guint _ndr_facts_class (const NdrFacts *facts);
/* Decides record->reason (unless a decoder preset it), hard_bounce,
 * advice, reply_text and the record's evidence.  @context (may be NULL)
 * is what the notification says near the recipient, used when the
 * record has no diagnostic. */
void _ndr_record_classify (NdrparseReport *report, NdrparseRecord *record, const char *context);
/* The provider that refused: the one whose host rules @remote_host fits,
 * else, with no host, whose domain rules @recipient_domain fits; NULL
 * when none.  @hit (may be NULL) gets the rule that said so. */
const char *_ndr_provider_of (const NdrparseRules *rules, const char *remote_host, const char *recipient_domain,
			      NdrRuleHit *hit);
/* Appends to @hits (NdrRuleHit) the header rules the bounce's headers
 * (and its DSN's Reporting-MTA and first Diagnostic-Type) fit. */
void _ndr_header_rules_scan (const NdrparseReport *report, GArray *hits);
/* The MTA that wrote the bounce, by its headers and DSN fields: a name
 * owned by the rules, or NULL. */
const char *_ndr_reporter_identify (const NdrparseReport *report);
/* Adds what @fired says to @record's evidence. */
void _ndr_record_add_evidence (NdrparseReport *report, NdrparseRecord *record, const NdrFired *fired,
			       const char *conclusion);

/* ---- bounces told in prose (ndr-text-*.c) ---- */

/* Records from the human-readable text of a bounce that has no usable
 * delivery-status part; @text may be NULL.  Returns whether any record
 * was added. */
gboolean _ndr_text_decode (NdrparseReport *report, const char *text);
/* Whether @text (may be NULL), a notification's own words, says the
 * message is no bounce (a not-a-bounce rule, before any returned
 * message): a challenge, a list's notice that quotes a bounce. */
gboolean _ndr_text_not_a_bounce (const NdrparseRules *rules, const char *text);
/* Where in @text (@len bytes) the first line that starts a returned
 * message is (a returned-message mark: "--- Below this line is a copy of
 * the message."), or @len. */
gsize _ndr_text_returned_message_at (const NdrparseRules *rules, const char *text, gsize len);
/* Whether a From header value is a mail system's (a daemon-sender rule
 * fires) or the null sender's. */
gboolean _ndr_text_from_daemon (const NdrparseRules *rules, const char *from);
/* The marks the Subject rules give @subject (bit 1 << NdrMark); prefix
 * rules count at its start, after blanks, '*' and one "[tag]". */
guint _ndr_subject_marks (const NdrparseRules *rules, const char *subject);

/* ---- feedback reports and auto-replies (ndr-arf.c, ndr-autoreply.c) ---- */

/* Records from an RFC 5965 feedback report (@feedback, may be NULL) or
 * from the older and vendor complaint formats.  Returns whether any
 * record was added. */
gboolean _ndr_arf_decode (NdrparseReport *report, GBytes *feedback);
/* Records from an Amazon SES event notification (JSON) in @text. */
gboolean _ndr_ses_decode (NdrparseReport *report, const char *text);
/* A record for an RFC 3834 automatic reply (out-of-office). */
gboolean _ndr_autoreply_decode (NdrparseReport *report);

/* ---- the notification text (ndr-notification.c) ---- */

typedef struct {
	NdrTextCodes codes;
	const char *command;            /* static */
} NdrNotificationFacts;

/* Indexes the addresses in @text (UTF-8, LF line ends, borrowed: it must
 * outlive the index).  @text may be NULL.  @rules (borrowed) read the
 * commands replies answered. */
NdrNotification *_ndr_notification_new (const NdrparseRules *rules, const char *text);
void _ndr_notification_free (NdrNotification *notification);
/* What the text says near the mentions of @recipient (lower-cased); for
 * the only record of a report also the first SMTP reply line anywhere. */
void _ndr_notification_facts (const NdrNotification *notification, const char *recipient,
			      gboolean only_record, NdrNotificationFacts *facts);

/* Sendmail's DSN quotes the first line of a multi-line reply
 * ("550-5.7.1 ..."); its transcript in the text has every line ("<<< 550-
 * ...", "<<< 550 ...").  The whole reply, lines joined by spaces, when
 * @first_line is such a first line and the text has the transcript; else
 * NULL.  A new string. */
char *_ndr_notification_whole_reply (const NdrNotification *notification, const char *first_line);

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
/* The X.400 domain-defined attributes that carry an Internet address
 * ("dda:SMTP=", "dda:RFC-822=", "dda:RFC822="), lower-cased, NULL-ended. */
extern const char *const _ndr_x400_address_keys[];
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

/* ndr-charset-pin.c: keeps the converter module of a charset (@len bytes
 * of a name), or of each charset named in the encoded words of a text,
 * loaded for the rest of the process. */
void _ndr_charset_pin (const char *charset, gsize len);
void _ndr_charset_pin_encoded_words (const char *text, gsize len);
/* @len bytes lower-cased: UTF-8 by Unicode's rules, anything else byte by
 * byte as ASCII.  A new string. */
char *_ndr_strdown (const char *s, gsize len);
/* Whether @len bytes are all ASCII. */
gboolean _ndr_is_ascii (const char *s, gsize len);
const char *_ndr_memcasemem (const char *hay, gsize hay_len, const char *needle);

G_END_DECLS

#endif /* NDRPARSE_PRIVATE_H */
