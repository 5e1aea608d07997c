/* ndrparse.h - the public interface of libndrparse
 *
 * libndrparse reads a bounce message (an RFC 3464 delivery status
 * notification or a free-text non-delivery report) and turns it into a
 * report: the message-level facts plus one record per recipient the
 * bounce speaks about.
 *
 * This is the only public header.  Everything it declares is exported;
 * nothing else is.
 *
 * Conventions, as in GLib and GMime:
 *
 *  - Strings returned as "const char *" are owned by the object they were
 *    read from and stay valid as long as that object does.  All strings
 *    are UTF-8.  A field that the bounce does not carry is NULL, never "".
 *  - Functions that can fail take a "GError **error" as last argument,
 *    return NULL (or FALSE) on failure and set the error in the
 *    NDRPARSE_ERROR domain, or in G_FILE_ERROR for file access problems.
 *    Passing NULL for error is allowed.
 *  - The parsing entry points initialise GMime on first use.  A caller
 *    that uses GMime itself (to build the GMimeStream or GMimeMessage it
 *    passes in) calls g_mime_init() first, as GMime requires.
 *  - Parsing entry points may be called concurrently from several threads
 *    as long as each thread works on its own input objects.  A report is
 *    immutable once returned; its reference count is atomic, so it may be
 *    shared between threads.
 */
#ifndef NDRPARSE_H
#define NDRPARSE_H

#include <glib.h>
#include <gmime/gmime.h>

G_BEGIN_DECLS

#define NDRPARSE_VERSION_STRING "0.1.0"

/**
 * NDRPARSE_ERROR:
 *
 * Error domain of libndrparse.  Errors in this domain are from the
 * #NdrparseError enumeration.
 */
#define NDRPARSE_ERROR (ndrparse_error_quark ())
GQuark ndrparse_error_quark (void);

/**
 * NdrparseError:
 * @NDRPARSE_ERROR_NOT_EMAIL: the input is not an Internet message at all
 *   (empty, or no header could be read from it).
 * @NDRPARSE_ERROR_INVALID_ARGUMENT: a NULL or otherwise unusable argument.
 * @NDRPARSE_ERROR_BAD_RULES: a rule file is not valid (ndrparse-rules(5));
 *   the message names the file, the line and what is wrong.
 *
 * What went wrong.  Problems opening or reading a file are reported in
 * the G_FILE_ERROR domain instead, as g_file_get_contents() does.
 *
 * A well-formed message that simply is not a bounce is not an error: it
 * yields a report with no records.
 */
typedef enum {
	NDRPARSE_ERROR_NOT_EMAIL,
	NDRPARSE_ERROR_INVALID_ARGUMENT,
	NDRPARSE_ERROR_BAD_RULES
} NdrparseError;

/**
 * NdrparseStatusClass:
 *
 * The class digit of a reply or enhanced status code (RFC 3463 section 3.1).
 */
typedef enum {
	NDRPARSE_CLASS_UNKNOWN = 0,
	NDRPARSE_CLASS_SUCCESS = 2,
	NDRPARSE_CLASS_TRANSIENT = 4,
	NDRPARSE_CLASS_PERMANENT = 5
} NdrparseStatusClass;

/**
 * NdrparseAction:
 *
 * The Action field of a recipient (RFC 3464 section 2.3.3).
 */
typedef enum {
	NDRPARSE_ACTION_UNKNOWN = 0,
	NDRPARSE_ACTION_FAILED,
	NDRPARSE_ACTION_DELAYED,
	NDRPARSE_ACTION_DELIVERED,
	NDRPARSE_ACTION_RELAYED,
	NDRPARSE_ACTION_EXPANDED
} NdrparseAction;

/**
 * NdrparseTristate:
 *
 * A yes/no answer that may also be "not applicable" (for example the
 * hard-bounce decision of a record that is not a failure).
 */
typedef enum {
	NDRPARSE_UNSET = -1,
	NDRPARSE_FALSE = 0,
	NDRPARSE_TRUE = 1
} NdrparseTristate;

/**
 * NdrparseReason:
 *
 * Why a message was not delivered, in the vocabulary users know from
 * Sisimai ("userunknown", "mailboxfull", ...).  ndrparse_reason_get_name()
 * gives the name, ndrparse_reason_get_description() a sentence.
 * NDRPARSE_REASON_UNDEFINED means the bounce gives no usable reason;
 * NDRPARSE_REASON_ONHOLD that it says something, but nothing ndrparse can
 * place.  New reasons are only ever added before NDRPARSE_REASON_COUNT.
 */
typedef enum {
	NDRPARSE_REASON_UNDEFINED = 0,
	NDRPARSE_REASON_AUTHFAILURE,     /* SPF, DKIM or DMARC failed */
	NDRPARSE_REASON_BADREPUTATION,   /* the sending IP or domain has a poor reputation */
	NDRPARSE_REASON_BLOCKED,         /* the sending IP or host is blocked */
	NDRPARSE_REASON_CONTENTERROR,    /* the content or its format was refused */
	NDRPARSE_REASON_DELIVERED,       /* a success notification */
	NDRPARSE_REASON_EXCEEDLIMIT,     /* larger than the recipient's own limit */
	NDRPARSE_REASON_EXPIRED,         /* delivery timed out in the queue */
	NDRPARSE_REASON_FEEDBACK,        /* a feedback-loop (ARF) complaint */
	NDRPARSE_REASON_FILTERED,        /* a filter of the recipient refused it */
	NDRPARSE_REASON_HASMOVED,        /* the recipient has moved */
	NDRPARSE_REASON_HOSTUNKNOWN,     /* the domain does not exist or has no mail host */
	NDRPARSE_REASON_MAILBOXFULL,     /* the mailbox is full */
	NDRPARSE_REASON_MAILERERROR,     /* the local delivery program failed */
	NDRPARSE_REASON_MESGTOOBIG,      /* larger than the system accepts */
	NDRPARSE_REASON_NETWORKERROR,    /* network or DNS trouble */
	NDRPARSE_REASON_NORELAYING,      /* relaying denied */
	NDRPARSE_REASON_NOTACCEPT,       /* the destination accepts no mail (null MX) */
	NDRPARSE_REASON_NOTCOMPLIANTRFC, /* the message breaks the RFCs */
	NDRPARSE_REASON_ONHOLD,          /* a failure of no recognisable reason */
	NDRPARSE_REASON_POLICYVIOLATION, /* against a policy of the recipient's site */
	NDRPARSE_REASON_REJECTED,        /* the sender address was refused */
	NDRPARSE_REASON_REQUIREPTR,      /* the sending IP lacks reverse DNS */
	NDRPARSE_REASON_SECURITYERROR,   /* authentication or another security check */
	NDRPARSE_REASON_SPAMDETECTED,    /* judged to be spam */
	NDRPARSE_REASON_SPEEDING,        /* rate limited */
	NDRPARSE_REASON_SUSPEND,         /* the mailbox is suspended or disabled */
	NDRPARSE_REASON_SYNTAXERROR,     /* an SMTP syntax error */
	NDRPARSE_REASON_SYSTEMERROR,     /* the remote system failed */
	NDRPARSE_REASON_SYSTEMFULL,      /* the remote system is out of space */
	NDRPARSE_REASON_TOOMANYCONN,     /* too many connections */
	NDRPARSE_REASON_USERUNKNOWN,     /* the mailbox does not exist */
	NDRPARSE_REASON_VACATION,        /* an out-of-office reply */
	NDRPARSE_REASON_VIRUSDETECTED,   /* a virus was found */
	NDRPARSE_REASON_COUNT
} NdrparseReason;

typedef struct _NdrparseReport NdrparseReport;
typedef struct _NdrparseRecord NdrparseRecord;
typedef struct _NdrparseRules NdrparseRules;
typedef struct _NdrparseEvidence NdrparseEvidence;

/* ------------------------------------------------------------------ */
/* Limits                                                              */
/* ------------------------------------------------------------------ */

/*
 * Bounces are untrusted input.  Decoding stays within these bounds, fixed
 * at build time; what lies beyond a bound is not read, and every record of
 * the message says which bounds were reached (ndrparse_record_get_truncated()).
 * No part of the decoder recurses without a bound or uses backtracking
 * pattern matching.
 *
 * NDRPARSE_MAX_MESSAGE_SIZE: bytes of one message read by
 *   ndrparse_parse_bytes(), _byte_array(), _file() and _stream() (a
 *   larger message is cut; the delivery-status part comes before the
 *   returned message).
 * NDRPARSE_MAX_MIME_DEPTH: levels of nested multiparts and message/rfc822
 *   parts walked.
 * NDRPARSE_MAX_MIME_PARTS: MIME parts walked in one message.
 * NDRPARSE_MAX_RECORDS: records decoded from one message (Postfix's and
 *   Sendmail's default recipient limits are 1000 too).
 * NDRPARSE_MAX_SCAN_BYTES: bytes of a notification's prose or of one
 *   delivery-status part the decoder reads.
 * NDRPARSE_MAX_HEADER_LENGTH: bytes of one header field, its folded lines
 *   included, in any header of the message (the bounce's, a part's, the
 *   returned message's); the rest of the field is not read.
 * NDRPARSE_MAX_HEADER_FIELDS, NDRPARSE_MAX_HEADER_BYTES: header fields, and
 *   bytes of them, read from one message, all its headers counted
 *   together; further fields are not read.
 *
 * The size, header and MIME structure limits apply to the raw bytes before
 * GMime parses them (ndrparse_parse_bytes(), _byte_array(), _file(),
 * _stream()), so that memory stays within a small multiple of NDRPARSE_MAX_MESSAGE_SIZE
 * whatever the input.  ndrparse_parse_message() takes a message the
 * caller has parsed already: there only the walk is bounded.
 */
#define NDRPARSE_MAX_MESSAGE_SIZE   (64u * 1024 * 1024)
#define NDRPARSE_MAX_MIME_DEPTH     64
#define NDRPARSE_MAX_MIME_PARTS     1000
#define NDRPARSE_MAX_RECORDS        1000
#define NDRPARSE_MAX_SCAN_BYTES     (1024u * 1024)
#define NDRPARSE_MAX_HEADER_LENGTH  16384
#define NDRPARSE_MAX_HEADER_FIELDS  10000
#define NDRPARSE_MAX_HEADER_BYTES   (1024u * 1024)

/**
 * NdrparseTruncation:
 *
 * Which limits a message reached, as bits; NDRPARSE_TRUNCATED_NONE when it
 * was read whole.
 */
typedef enum {
	NDRPARSE_TRUNCATED_NONE    = 0,
	NDRPARSE_TRUNCATED_SIZE    = 1 << 0,  /* NDRPARSE_MAX_MESSAGE_SIZE */
	NDRPARSE_TRUNCATED_DEPTH   = 1 << 1,  /* NDRPARSE_MAX_MIME_DEPTH */
	NDRPARSE_TRUNCATED_PARTS   = 1 << 2,  /* NDRPARSE_MAX_MIME_PARTS */
	NDRPARSE_TRUNCATED_RECORDS = 1 << 3,  /* NDRPARSE_MAX_RECORDS */
	NDRPARSE_TRUNCATED_SCAN    = 1 << 4,  /* NDRPARSE_MAX_SCAN_BYTES */
	NDRPARSE_TRUNCATED_HEADER  = 1 << 5,  /* NDRPARSE_MAX_HEADER_LENGTH, _FIELDS or _BYTES */
} NdrparseTruncation;

/**
 * ndrparse_truncation_get_name:
 * @bit: one NdrparseTruncation bit.
 *
 * Returns: (transfer none): "size", "depth", "parts", "records", "scan" or
 * "header"; NULL for anything else.
 */
const char *ndrparse_truncation_get_name (NdrparseTruncation bit);

/* ------------------------------------------------------------------ */
/* Parsing                                                             */
/* ------------------------------------------------------------------ */

/**
 * ndrparse_parse_file:
 * @path: the file holding one message (RFC 5322, any line ends).
 * @error: return location for an error, or NULL.
 *
 * Reads and decodes the message in @path.
 *
 * Returns: a new report (free with ndrparse_report_unref()), or NULL with
 * @error set: G_FILE_ERROR when the file cannot be opened or read,
 * NDRPARSE_ERROR_NOT_EMAIL when it holds no message.
 */
NdrparseReport *ndrparse_parse_file (const char *path, GError **error);

/**
 * ndrparse_parse_bytes:
 * @data: the message bytes; need not be NUL-terminated.
 * @len: the number of bytes at @data.
 * @error: return location for an error, or NULL.
 *
 * Decodes a message held in memory.  The caller keeps ownership of @data,
 * which is not referenced after the call returns.
 *
 * Returns: a new report (free with ndrparse_report_unref()), or NULL with
 * @error set (NDRPARSE_ERROR_NOT_EMAIL, NDRPARSE_ERROR_INVALID_ARGUMENT).
 */
NdrparseReport *ndrparse_parse_bytes (const void *data, gsize len, GError **error);

/**
 * ndrparse_parse_byte_array:
 * @array: (transfer full): the message bytes.
 * @error: return location for an error, or NULL.
 *
 * Decodes a message held in memory as ndrparse_parse_bytes() does, but
 * takes @array over instead of copying it: the decoder cuts it to the
 * limits in place and unreferences it.  A caller that has read a message
 * into a GByteArray (a mailbox reader, a filter) saves a copy of it.
 *
 * Returns: a new report (free with ndrparse_report_unref()), or NULL with
 * @error set (NDRPARSE_ERROR_NOT_EMAIL, NDRPARSE_ERROR_INVALID_ARGUMENT).
 */
NdrparseReport *ndrparse_parse_byte_array (GByteArray *array, GError **error);

/**
 * ndrparse_parse_stream:
 * @stream: a stream positioned at the start of one message.
 * @error: return location for an error, or NULL.
 *
 * Decodes the message read from @stream, which the caller still owns.
 * The stream is read to its end, or to NDRPARSE_MAX_MESSAGE_SIZE bytes
 * (and a few more) when it is longer.
 *
 * Returns: a new report (free with ndrparse_report_unref()), or NULL with
 * @error set (NDRPARSE_ERROR_NOT_EMAIL, NDRPARSE_ERROR_INVALID_ARGUMENT).
 */
NdrparseReport *ndrparse_parse_stream (GMimeStream *stream, GError **error);

/**
 * ndrparse_parse_message:
 * @message: a message the caller has already parsed with GMime.
 * @error: return location for an error, or NULL.
 *
 * Decodes @message.  The caller keeps its reference; the report copies
 * what it needs and does not hold on to @message.
 *
 * Returns: a new report (free with ndrparse_report_unref()), or NULL with
 * @error set (NDRPARSE_ERROR_INVALID_ARGUMENT).
 */
NdrparseReport *ndrparse_parse_message (GMimeMessage *message, GError **error);

/* ------------------------------------------------------------------ */
/* Rules                                                               */
/* ------------------------------------------------------------------ */

/*
 * Everything ndrparse knows about bounces is rules (ndrparse-rules(5)):
 * what providers and MTAs mean by their words and codes, how each MTA
 * family writes a bounce in prose, which phrases name which reason.  The
 * shipped rules are compiled into the library.  A rule set adds a user's
 * rules to them: a user's rule outranks a shipped one of the same kind,
 * and a user's file can disable a shipped rule by its id.
 *
 * The parse functions above use the shipped rules; their _with_rules
 * variants use a rule set.  A rule set is built (rules added) first and
 * then used: the first parse that uses it freezes it, and it may then be
 * shared by any number of threads.
 */

/**
 * ndrparse_rules_new:
 *
 * Returns: (transfer full): a rule set holding the shipped rules only;
 * free with ndrparse_rules_unref().
 */
NdrparseRules *ndrparse_rules_new (void);
NdrparseRules *ndrparse_rules_ref (NdrparseRules *rules);
void ndrparse_rules_unref (NdrparseRules *rules);

/**
 * ndrparse_rules_add_file:
 * @rules: a rule set no parse has used yet.
 * @path: a rule file (ndrparse-rules(5)).
 * @error: return location for an error, or NULL.
 *
 * Adds the rules of @path.  All or nothing: on any error @rules is left
 * as it was.
 *
 * Returns: FALSE with @error set: G_FILE_ERROR when @path cannot be read;
 * NDRPARSE_ERROR_BAD_RULES when a line is not valid (the message names
 * the file, the line and what is wrong, for a bad regex the matcher's own
 * message), when a rule id is taken or a name is unknown;
 * NDRPARSE_ERROR_INVALID_ARGUMENT when a parse already used @rules.
 */
gboolean ndrparse_rules_add_file (NdrparseRules *rules, const char *path, GError **error);

/**
 * ndrparse_rules_add_data:
 * @name: what error messages call the text ("site.rules").
 * @data: rule text; @len bytes, or up to a NUL when @len is -1.
 *
 * The same as ndrparse_rules_add_file() for rule text in memory.
 */
gboolean ndrparse_rules_add_data (NdrparseRules *rules, const char *name, const char *data, gssize len,
				  GError **error);

/**
 * ndrparse_rules_add_directory:
 *
 * Adds every "*.rules" file of @path, in the order of their names; stops
 * at the first that fails (those before it stay added).
 */
gboolean ndrparse_rules_add_directory (NdrparseRules *rules, const char *path, GError **error);

/* The number of rules in @rules, shipped and added (disabled included). */
guint ndrparse_rules_get_n_rules (const NdrparseRules *rules);

/**
 * NdrparseRuleFunc:
 * @id: the rule's id
 * @field: what it looks at ("diagnostic", "subject", "header:X-Mailer", ...)
 * @conclusion: what it concludes ("reason", "provider", "family", "mark", ...)
 * @name: the reason, provider, reporter, family or mark it names
 * @if_provider: (nullable): the provider it is limited to, or NULL
 * @if_reporter: (nullable): the MTA (reporter or family) it is limited to, or NULL
 * @source: where its wording comes from
 * @user_data: what the caller passed
 *
 * Called by ndrparse_rules_foreach() once per rule.  The strings belong to
 * the rule set and live as long as it does.
 */
typedef void (*NdrparseRuleFunc) (const char *id, const char *field, const char *conclusion, const char *name,
				  const char *if_provider, const char *if_reporter, const char *source,
				  gpointer user_data);

/**
 * ndrparse_rules_foreach:
 * @rules: (nullable): a rule set, or NULL for the shipped rules alone
 * @func: (scope call): called for each rule
 * @user_data: passed to @func
 *
 * Calls @func for every rule of @rules: the shipped rules in the order of
 * their files, then those added, disabled ones included (the order says
 * nothing of precedence).  Like a parse, it freezes @rules.
 */
void ndrparse_rules_foreach (NdrparseRules *rules, NdrparseRuleFunc func, gpointer user_data);

/**
 * ndrparse_rules_lint:
 * @rules: a rule set; like a parse, the check freezes it.
 *
 * Checks the rule set as a whole, beyond what adding a file checks: that
 * every rule has a source, that no rule is dead (each phrase, prefix and
 * example decides its own field when its conditions hold: no rule of
 * the same kind outranks it there), that each family is recognised by
 * each of its own text rules, that every reason of the vocabulary has
 * rules and that every name a rule refers to has rules of its own.
 *
 * Returns: (transfer full): the problems, one line each ("FILE:LINE: rule
 * ID: what is wrong"), NULL-terminated and empty when there is none; free
 * with g_strfreev().
 */
char **ndrparse_rules_lint (NdrparseRules *rules);

/* The parse functions, with the rules of @rules (NULL: the shipped ones).
 * A report keeps no reference to @rules. */
NdrparseReport *ndrparse_parse_file_with_rules (NdrparseRules *rules, const char *path, GError **error);
NdrparseReport *ndrparse_parse_bytes_with_rules (NdrparseRules *rules, const void *data, gsize len,
						 GError **error);
NdrparseReport *ndrparse_parse_byte_array_with_rules (NdrparseRules *rules, GByteArray *array, GError **error);
NdrparseReport *ndrparse_parse_stream_with_rules (NdrparseRules *rules, GMimeStream *stream, GError **error);
NdrparseReport *ndrparse_parse_message_with_rules (NdrparseRules *rules, GMimeMessage *message,
						   GError **error);

/* ------------------------------------------------------------------ */
/* Reports                                                             */
/* ------------------------------------------------------------------ */

/**
 * ndrparse_report_ref:
 * @report: a report.
 *
 * Takes a reference.  Returns: @report.
 */
NdrparseReport *ndrparse_report_ref (NdrparseReport *report);

/**
 * ndrparse_report_unref:
 * @report: a report, or NULL.
 *
 * Drops a reference; the last one frees the report and its records.
 */
void ndrparse_report_unref (NdrparseReport *report);

/**
 * ndrparse_report_get_n_records:
 *
 * Returns: the number of bounce records; 0 means the message is not a
 * bounce ndrparse could decode.
 */
guint ndrparse_report_get_n_records (const NdrparseReport *report);

/**
 * ndrparse_report_get_record:
 * @index: 0 to ndrparse_report_get_n_records() - 1.
 *
 * Returns: (transfer none): the record, owned by @report; NULL when
 * @index is out of range.
 */
const NdrparseRecord *ndrparse_report_get_record (const NdrparseReport *report, guint index);

/* Per-message fields of the delivery status notification (RFC 3464
 * section 2.2), without their type prefix ("dns;").  (transfer none) */
const char *ndrparse_report_get_reporting_mta (const NdrparseReport *report);
const char *ndrparse_report_get_dsn_gateway (const NdrparseReport *report);
const char *ndrparse_report_get_received_from_mta (const NdrparseReport *report);
/* Arrival-Date as ISO 8601 ("2024-05-01T10:00:00+02:00"). */
const char *ndrparse_report_get_arrival_date (const NdrparseReport *report);
const char *ndrparse_report_get_original_envelope_id (const NdrparseReport *report);

/**
 * ndrparse_report_get_field:
 * @name: a per-message field name, case-insensitive ("X-Postfix-Queue-ID").
 *
 * Returns: (transfer none): the unfolded raw value of the first per-message
 * DSN field called @name, including any type prefix, or NULL.  This is how
 * to read X- extension fields.
 */
const char *ndrparse_report_get_field (const NdrparseReport *report, const char *name);

/* The original message, from the returned message or headers when the
 * bounce carries them.  Message-ID is without angle brackets; Subject is
 * decoded (RFC 2047); From is the full header value, decoded.
 * sender is the original envelope sender (addr-spec) as best known.
 * (transfer none) */
const char *ndrparse_report_get_sender (const NdrparseReport *report);
const char *ndrparse_report_get_message_id (const NdrparseReport *report);
const char *ndrparse_report_get_subject (const NdrparseReport *report);
const char *ndrparse_report_get_list_id (const NdrparseReport *report);
const char *ndrparse_report_get_from (const NdrparseReport *report);

/* ------------------------------------------------------------------ */
/* Records: one per recipient.  Owned by their report.                 */
/* ------------------------------------------------------------------ */

/* The engine that produced the record: "rfc3464" (a delivery-status
 * part), "x-failed-recipients", "arf" (a feedback report), "rfc3834" (an
 * automatic reply), the MTA family of a prose bounce ("qmail", "exim",
 * "gmail", ...), or "text" for a prose bounce of no known family. */
const char *ndrparse_record_get_decoded_by (const NdrparseRecord *record);
/* The failed recipient: lower-cased addr-spec without brackets.  For a
 * feedback report or an auto-reply, the complaining or replying address;
 * NULL when the report names nobody. */
const char *ndrparse_record_get_recipient (const NdrparseRecord *record);
/* Original-Recipient, when stated, in the same form. */
const char *ndrparse_record_get_original_recipient (const NdrparseRecord *record);
/* The recipient's domain, lower-cased. */
const char *ndrparse_record_get_destination (const NdrparseRecord *record);
/* Action as text ("failed", "delayed", ...) and as an enum. */
const char *ndrparse_record_get_action (const NdrparseRecord *record);
NdrparseAction ndrparse_record_get_action_kind (const NdrparseRecord *record);
/* Enhanced status code "x.y.z" after resolution against the diagnostic. */
const char *ndrparse_record_get_status (const NdrparseRecord *record);
/* SMTP reply code (250..599), or 0 when none is known. */
guint ndrparse_record_get_reply_code (const NdrparseRecord *record);
NdrparseStatusClass ndrparse_record_get_status_class (const NdrparseRecord *record);
/* What the status code and the reply code mean, from the code table
 * (ndrparse_status_lookup(), ndrparse_reply_code_lookup()); NULL when the
 * record has no such code.  Static strings. */
const char *ndrparse_record_get_status_text (const NdrparseRecord *record);
const char *ndrparse_record_get_reply_text (const NdrparseRecord *record);
/* Diagnostic-Code split into its type ("smtp") and its unfolded text. */
const char *ndrparse_record_get_diagnostic_type (const NdrparseRecord *record);
const char *ndrparse_record_get_diagnostic_code (const NdrparseRecord *record);
/* The SMTP command the failure answered ("RCPT", "DATA", ...), if visible. */
const char *ndrparse_record_get_smtp_command (const NdrparseRecord *record);
const char *ndrparse_record_get_reporting_mta (const NdrparseRecord *record);
const char *ndrparse_record_get_remote_mta (const NdrparseRecord *record);
/* When the failure happened, ISO 8601: Last-Attempt-Date, else the
 * Arrival-Date, else the bounce's Date header. */
const char *ndrparse_record_get_timestamp (const NdrparseRecord *record);
/**
 * ndrparse_record_get_reason:
 *
 * Why the message was not delivered, by name ("userunknown", ...).  Every
 * record has one, weighed in the steps of the evidence chain (see
 * "Evidence" below; ndrparse_record_get_evidence() says which decided).
 * Feedback reports are "feedback", auto-replies "vacation", success
 * notifications "delivered".
 *
 * Returns: (transfer none): a static string, never NULL.
 */
const char *ndrparse_record_get_reason (const NdrparseRecord *record);
/* The same as an enum. */
NdrparseReason ndrparse_record_get_reason_kind (const NdrparseRecord *record);
/**
 * ndrparse_record_get_advice:
 *
 * What a sender should do about the record, as one sentence for people
 * ("Remove the address: the mailbox does not exist.").  It follows from
 * the reason and whether the failure is permanent.
 *
 * Returns: (transfer none): a static string, never NULL.
 */
const char *ndrparse_record_get_advice (const NdrparseRecord *record);
/* For a feedback (ARF) record, its Feedback-Type lower-cased ("abuse",
 * "auth-failure", "opt-out", ...); NULL for other records. */
const char *ndrparse_record_get_feedback_type (const NdrparseRecord *record);
/* For a feedback (ARF) record, the Source-IP of the reported message
 * ("192.0.2.1"); NULL when the report gives none and for other records. */
const char *ndrparse_record_get_source_ip (const NdrparseRecord *record);
/**
 * ndrparse_record_get_hard_bounce:
 *
 * Whether the address itself is undeliverable and should be removed:
 * NDRPARSE_TRUE for a mailbox or domain that does not exist
 * (userunknown, hostunknown), an address that has moved (hasmoved) and a
 * destination that permanently accepts no mail (notaccept with a 5.x.x
 * status).  NDRPARSE_FALSE for every other failure, including policy and
 * blocklist rejections (the sender's problem, not the address's) and
 * delays.  NDRPARSE_UNSET for what is no delivery failure: success
 * notifications (delivered, relayed, expanded), feedback complaints
 * (the message was delivered; the recipient complained) and auto-replies
 * (the mailbox works).
 */
NdrparseTristate ndrparse_record_get_hard_bounce (const NdrparseRecord *record);

/**
 * ndrparse_record_get_truncated:
 *
 * Returns: the limits the record's message reached (NdrparseTruncation
 * bits); NDRPARSE_TRUNCATED_NONE when it was read whole.  The record is
 * right as far as it goes, but a cut message may hide more recipients or
 * details.
 */
NdrparseTruncation ndrparse_record_get_truncated (const NdrparseRecord *record);
/**
 * ndrparse_report_get_truncated:
 *
 * Returns: the limits the message reached, as for records; set also for a
 * message that yielded no record.
 */
NdrparseTruncation ndrparse_report_get_truncated (const NdrparseReport *report);

/**
 * NdrparseVerp:
 * @NDRPARSE_VERP_NONE: no VERP pattern was applied, or the envelope does
 *   not match it.
 * @NDRPARSE_VERP_CONFIRMED: the envelope names the record's recipient.
 * @NDRPARSE_VERP_MISMATCH: the envelope names another recipient (the
 *   bounce names a forwarding target or an alias of the address sent to).
 * @NDRPARSE_VERP_RECOVERED: the bounce named nobody; the recipient comes
 *   from the envelope.
 */
typedef enum {
	NDRPARSE_VERP_NONE,
	NDRPARSE_VERP_CONFIRMED,
	NDRPARSE_VERP_MISMATCH,
	NDRPARSE_VERP_RECOVERED,
} NdrparseVerp;

/**
 * ndrparse_verp_decode:
 * @pattern: where bounces are sent, with %l for the recipient's local part
 *   and %d for its domain ("bounces+%l=%d@lists.example.org").
 * @address: an address a bounce arrived at.
 * @error: return location for an error, or NULL.
 *
 * Returns: (transfer full): the recipient @address encodes
 * ("alice@example.org"; free with g_free()), or NULL when it does not fit
 * @pattern.  NULL with @error set (NDRPARSE_ERROR_INVALID_ARGUMENT) when
 * @pattern lacks %l, %d or an @.
 */
char *ndrparse_verp_decode (const char *pattern, const char *address, GError **error);

/**
 * ndrparse_report_apply_verp:
 * @report: a report.
 * @pattern: as for ndrparse_verp_decode().
 * @error: return location for an error, or NULL.
 *
 * Reads the bounce's own envelope (Delivered-To, X-Original-To, To) with
 * @pattern and, when an address there fits it, marks each record
 * confirmed or mismatched (ndrparse_record_get_verp()); a bounce that names
 * no recipient gets a record for the one the envelope encodes.
 *
 * Returns: FALSE with @error set only for a bad @pattern.
 */
gboolean ndrparse_report_apply_verp (NdrparseReport *report, const char *pattern, GError **error);
/* What VERP said of the record's recipient (NDRPARSE_VERP_NONE by default). */
NdrparseVerp ndrparse_record_get_verp (const NdrparseRecord *record);

/* ------------------------------------------------------------------ */
/* Evidence: why a record got its reason                               */
/* ------------------------------------------------------------------ */

/*
 * The classifier weighs a record's evidence in a fixed order of named
 * steps, strongest first (ndrparse_evidence_get_step_name()); the first
 * step that finds a reason decides it.  The steps, in order:
 *
 *   success provider reporter final-phrase leaning phrase local-program
 *   stage status broad-phrase delay reply-code inferred-status nothing
 *  A record keeps, in that order,
 * every rule that fired for it (its id, its source, the text it matched,
 * what it concludes), which one decided, and what decided hard_bounce:
 * an item of step "reason" (hard_bounce follows from the reason and the
 * class) or "rule" (the deciding rule's hard= says).  A record a decoder
 * classified itself (a feedback report, an auto-reply) has an item of
 * step "decoder".  Evidence belongs to the record's report.
 */

guint ndrparse_record_get_n_evidence (const NdrparseRecord *record);
/* (transfer none): item @index, or NULL when out of range. */
const NdrparseEvidence *ndrparse_record_get_evidence (const NdrparseRecord *record, guint index);
/* The step ("provider", "phrase", "status", ..., "reason", "rule", "decoder"). */
const char *ndrparse_evidence_get_step (const NdrparseEvidence *evidence);
/* The rule's id and source; NULL for an item of a step that needs no rule. */
const char *ndrparse_evidence_get_rule_id (const NdrparseEvidence *evidence);
const char *ndrparse_evidence_get_source (const NdrparseEvidence *evidence);
/* What the rule matched of the text it read, or NULL (a status, a code). */
const char *ndrparse_evidence_get_matched (const NdrparseEvidence *evidence);
/* What it concludes: "reason:userunknown", "provider:google",
 * "hard_bounce:true", ... */
const char *ndrparse_evidence_get_conclusion (const NdrparseEvidence *evidence);
/* Whether it decided the reason (or, for "reason" and "rule", hard_bounce). */
gboolean ndrparse_evidence_is_decisive (const NdrparseEvidence *evidence);

/* The evidence chain: its steps in order, each with what it reads. */
guint ndrparse_evidence_get_n_steps (void);
const char *ndrparse_evidence_get_step_name (guint index);
const char *ndrparse_evidence_get_step_description (guint index);

/**
 * ndrparse_record_get_field:
 * @name: a per-recipient field name, case-insensitive.
 *
 * Returns: (transfer none): the unfolded raw value of the first
 * per-recipient DSN field called @name (type prefix included), or NULL.
 */
const char *ndrparse_record_get_field (const NdrparseRecord *record, const char *name);

/* ------------------------------------------------------------------ */
/* The SMTP code table                                                 */
/* ------------------------------------------------------------------ */

/**
 * NdrparseCodeInfo:
 * @status_class: success, transient or permanent.
 * @subject: what the code is about ("Addressing", "Mailbox", ...); NULL
 *   for basic reply codes.
 * @text: a short description.
 *
 * The meaning of a code.  The strings are static.
 */
typedef struct {
	NdrparseStatusClass status_class;
	const char *subject;
	const char *text;
} NdrparseCodeInfo;

/**
 * ndrparse_status_lookup:
 * @status: an enhanced status code "x.y.z" (RFC 3463).
 * @info: (out): filled in on success.
 *
 * Looks up @status in the IANA enhanced status code registry.  An unknown
 * detail falls back to the meaning of its subject ("x.y.0"); an unknown
 * subject to the class alone.
 *
 * Returns: FALSE when @status is not a syntactically valid code with a
 * class of 2, 4 or 5; @info is then left untouched.
 */
gboolean ndrparse_status_lookup (const char *status, NdrparseCodeInfo *info);

/**
 * ndrparse_reply_code_lookup:
 * @reply_code: a three-digit SMTP reply code (RFC 5321 section 4.2).
 * @info: (out): filled in on success.
 *
 * Looks up a basic reply code; an unknown code with a valid first digit
 * falls back to the meaning of its class.
 *
 * Returns: FALSE when @reply_code is not in the range 200..599.
 */
gboolean ndrparse_reply_code_lookup (guint reply_code, NdrparseCodeInfo *info);

/* ------------------------------------------------------------------ */
/* Reasons                                                             */
/* ------------------------------------------------------------------ */

/**
 * ndrparse_reason_get_name:
 *
 * Returns: (transfer none): the name of @reason ("mailboxfull"), or NULL
 * when @reason is not a member of #NdrparseReason.
 */
const char *ndrparse_reason_get_name (NdrparseReason reason);

/**
 * ndrparse_reason_get_description:
 *
 * Returns: (transfer none): a sentence saying what @reason means, or NULL
 * when @reason is not a member of #NdrparseReason.
 */
const char *ndrparse_reason_get_description (NdrparseReason reason);

/**
 * ndrparse_reason_from_name:
 * @name: a reason name, case-insensitive ("MailboxFull").
 * @reason: (out): the reason, set on success.
 *
 * Returns: FALSE when @name is NULL or names no reason.
 */
gboolean ndrparse_reason_from_name (const char *name, NdrparseReason *reason);

/**
 * NdrparseClassification:
 * @reason: the reason.
 * @hard_bounce: as ndrparse_record_get_hard_bounce().
 * @status_class: the class the reply states (UNKNOWN when it states none).
 * @reply_code: the SMTP reply code found, or 0.
 * @status: the enhanced status code found ("5.1.1"), or "" when none.
 * @smtp_command: the SMTP command the reply names ("RCPT"), or NULL.
 * @advice: as ndrparse_record_get_advice(); static.
 *
 * What ndrparse_classify_reply() makes of one SMTP reply.
 */
typedef struct {
	NdrparseReason reason;
	NdrparseTristate hard_bounce;
	NdrparseStatusClass status_class;
	guint reply_code;
	char status[16];
	const char *smtp_command;
	const char *advice;
} NdrparseClassification;

/**
 * ndrparse_classify_reply:
 * @reply: an SMTP reply as an MTA logs it, one or more lines
 *   ("550 5.1.1 <a@example.org>: Recipient address rejected: User unknown").
 * @smtp_command: (nullable): the command the reply answered ("RCPT",
 *   "DATA", "MAIL", "HELO", "EHLO", "CONN" for the greeting), or NULL to
 *   take it from the reply's text ("... in reply to RCPT TO command"), if
 *   it says.
 * @remote_host: (nullable): the host that sent the reply
 *   ("mx.example.org"), which lets the rules of known providers apply.
 * @result: (out caller-allocates): filled in on success.
 * @error: return location for an error, or NULL.
 *
 * Classifies a reply taken from the caller's own SMTP logs the way a
 * bounce's diagnostic is classified.  A 2xx reply is "delivered" with
 * hard_bounce NDRPARSE_UNSET.  A reply that gives no code and no
 * recognisable wording yields "onhold" (a failure of unknown reason).
 *
 * Pass the command when you know it: the same words mean different
 * things at different stages.  "550 User unknown" in answer to RCPT is
 * "userunknown"; after DATA, or with neither the command nor an address
 * status (5.1.x) to confirm it, it is "filtered", as content filters and
 * gateways that accepted the recipient say it too.
 *
 * Returns: FALSE with @error set (NDRPARSE_ERROR_INVALID_ARGUMENT) when
 * @reply is NULL or empty or @result is NULL.
 */
gboolean ndrparse_classify_reply (const char *reply, const char *smtp_command,
				  const char *remote_host,
				  NdrparseClassification *result, GError **error);
/* The same with the rules of @rules (NULL: the shipped ones). */
gboolean ndrparse_classify_reply_with_rules (NdrparseRules *rules, const char *reply, const char *smtp_command,
					     const char *remote_host, NdrparseClassification *result,
					     GError **error);

G_END_DECLS

#endif /* NDRPARSE_H */
