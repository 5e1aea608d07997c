/* ndr-rule.h - the rule model: what one line of a .rules file says
 * (ndrparse-rules(5)).
 *
 * Shared by the library and by the build-time rule compiler
 * (ndr-rulec.c), which turns the shipped files under lib/rules/ into the
 * library's tables: a rule here is the same struct whether it was
 * compiled in or loaded at run time.
 */
#ifndef NDR_RULE_H
#define NDR_RULE_H

#include <glib.h>

G_BEGIN_DECLS

/* What a rule looks at (in=). */
typedef enum {
	NDR_IN_DIAGNOSTIC,              /* a record's diagnostic, as one reads it */
	NDR_IN_BODY,                    /* the notification text (families, markers) */
	NDR_IN_SUBJECT,                 /* the bounce's Subject */
	NDR_IN_FROM,                    /* the bounce's From */
	NDR_IN_HEADER,                  /* a header of the bounce: in=header:NAME */
	NDR_IN_DSN,                     /* a per-recipient DSN field: in=dsn:NAME */
	NDR_IN_STATUS,                  /* a record's enhanced status code */
	NDR_IN_REPLY,                   /* a record's SMTP reply code */
	NDR_IN_COMMAND,                 /* the SMTP command the failure answered */
	NDR_IN_REMOTE_HOST,             /* the host that refused */
	NDR_IN_RECIPIENT_DOMAIN,        /* the recipient's domain */
	NDR_IN_COUNT
} NdrRuleField;

/* How it matches (one of phrase=, regex=, prefix=, is=, suffix=,
 * status=, code=). */
typedef enum {
	NDR_MATCH_PHRASE,               /* a substring, ASCII case-insensitive */
	NDR_MATCH_REGEX,                /* a Hyperscan regular expression, case-insensitive */
	NDR_MATCH_PREFIX,               /* the value (a line of the body) starts with it */
	NDR_MATCH_IS,                   /* the whole value, case-insensitive */
	NDR_MATCH_SUFFIX,               /* a host name ends with it at a label boundary */
	NDR_MATCH_STATUS,               /* "5.7.26", "*.7.26" or "5.7.606-649" */
	NDR_MATCH_CODE,                 /* a reply code, "550" or "550-559" */
} NdrMatchKind;

/* What it concludes (then=KIND:NAME). */
typedef enum {
	NDR_THEN_REASON,                /* the record's reason */
	NDR_THEN_PROVIDER,              /* the provider that refused */
	NDR_THEN_REPORTER,              /* the MTA that wrote the bounce */
	NDR_THEN_FAMILY,                /* a prose bounce's MTA family */
	NDR_THEN_FAMILY_BEGIN,          /* where the family's report begins */
	NDR_THEN_FAMILY_END,            /* where the family's report ends */
	NDR_THEN_FAMILY_TRANSCRIPT,     /* where the family's session transcript begins */
	NDR_THEN_MARK,                  /* a marker the decoders look for (NdrMark) */
	NDR_THEN_COMMAND,               /* the SMTP command a reply answered (NdrSmtpCommand) */
	NDR_THEN_COUNT
} NdrConclusion;

/* The SMTP commands and stages a reply can answer (then=command:NAME,
 * in lower case): RFC 5321's commands that a refusal follows, and the
 * connection itself (the greeting or the client's address). */
typedef enum {
	NDR_SMTP_CONN,
	NDR_SMTP_HELO,
	NDR_SMTP_EHLO,
	NDR_SMTP_STARTTLS,
	NDR_SMTP_AUTH,
	NDR_SMTP_MAIL,
	NDR_SMTP_RCPT,
	NDR_SMTP_DATA,
	NDR_SMTP_COUNT
} NdrSmtpCommand;

/* The markers (then=mark:NAME). */
typedef enum {
	NDR_MARK_FAILURE,               /* the text says a message was not delivered */
	NDR_MARK_DELAY,                 /* ... only delayed */
	NDR_MARK_RETURNED_MESSAGE,      /* the returned message starts at this line */
	NDR_MARK_RECIPIENT_LABEL,       /* a label before a recipient address */
	NDR_MARK_BOUNCE_SUBJECT,        /* a bounce's Subject starts so */
	NDR_MARK_BOUNCE_SUBJECT_WORD,   /* a bounce's Subject holds this anywhere */
	NDR_MARK_DAEMON_SENDER,         /* a mail system's From */
	NDR_MARK_AUTOREPLY_SUBJECT,     /* an automatic reply's Subject starts so */
	NDR_MARK_AUTOREPLY_HEADER,      /* a header only automatic replies carry */
	NDR_MARK_NOT_BOUNCE,            /* the message is not a bounce, whatever it says */
	NDR_MARK_REPLY_SUBJECT,         /* a person's reply or forward: its Subject starts so */
	NDR_MARK_SESSION_START,         /* a transcript's line that starts one host's session */
	NDR_MARK_GIVEN_UP,              /* the mail system gave the message up: a failure, whatever its codes */
	NDR_MARK_EXIT_STATUS,           /* an MTA's own summary of a session, which the remote's reply says more than */
	NDR_MARK_COUNT
} NdrMark;

/* How strongly a reason rule's words name the reason (weight=). */
typedef enum {
	NDR_WEIGHT_FINAL,               /* whatever the session stage (local delivery agents) */
	NDR_WEIGHT_NAMING,              /* names it, read in the light of the stage */
	NDR_WEIGHT_BROAD,               /* only leans towards it */
	NDR_WEIGHT_COUNT
} NdrWeight;

/* A rule's text: a pointer, or in a shipped rule (NdrRule.packed) an
 * offset into _ndr_shipped_strings, 0 for none.  The shipped table then
 * holds no pointer the loader must relocate at every start: it stays in
 * read-only pages that processes share, where 2,500 rules of pointers
 * were 425 KB copied into every process before main() (a fifth of a
 * millisecond).  Read it with NDR_RULE_TEXT(). */
typedef union {
	const char *text;
	gsize offset;
} NdrRuleText;

typedef struct {
	NdrRuleText id;
	NdrRuleText source;             /* where the wording comes from */
	NdrRuleText file;               /* where the rule is written */
	guint line;
	NdrRuleField field;
	NdrRuleText field_name;         /* for NDR_IN_HEADER and NDR_IN_DSN */
	NdrMatchKind match;
	NdrRuleText pattern;
	NdrConclusion then;
	NdrRuleText then_name;          /* the reason, provider, reporter, family or mark */
	gint value;                     /* the reason or mark as its enum; -1 otherwise */
	gint priority;
	NdrWeight weight;
	/* conditions: NULL is none */
	NdrRuleText if_provider;
	NdrRuleText if_reporter;
	NdrRuleText if_status;          /* a status spec, as status= */
	NdrRuleText if_command;         /* commands separated by '|' ("MAIL|RCPT") */
	NdrRuleText if_reply;           /* a reply code spec, as code= */
	NdrRuleText refines;            /* reasons separated by '|' that this status rule makes precise */
	NdrRuleText yields;             /* reasons separated by '|' whose words outweigh this rule
					 * (a leaning rule: naming words; a status rule: broad ones) */
	gint hard;                      /* -1: no override; 0 soft; 1 hard */
	NdrRuleText example;            /* a text the rule must decide (regexes) */
	gboolean user;                  /* loaded at run time, not shipped */
	gboolean packed;                /* its texts are offsets into _ndr_shipped_strings */
} NdrRule;

/* The shipped rules' texts, NUL-separated (generated by ndr-rulec.c; the
 * rule compiler itself holds no packed rule). */
extern const char _ndr_shipped_strings[];

static inline const char *
_ndr_rule_text (const NdrRule *rule, NdrRuleText text)
{
	if (!rule->packed)
		return text.text;
	return text.offset ? _ndr_shipped_strings + text.offset : NULL;
}

/* @rule's text @field (id, pattern, source, ...), or NULL. */
#define NDR_RULE_TEXT(rule, field) _ndr_rule_text ((rule), (rule)->field)

/* The reason vocabulary ("reason NAME ..." lines). */
typedef struct {
	const char *name;
	const char *status_permanent;   /* the standard code, or NULL */
	const char *status_temporary;
	const char *description;
	const char *advice_permanent;
	const char *advice_temporary;
	const char *source;
} NdrReasonDef;

/* The code table ("code 550 ..." and "code X.1.1 ..." lines). */
typedef struct {
	guint reply_code;               /* 0 for an enhanced status */
	guint subject, detail;          /* X.subject.detail */
	const char *text;
	const char *source;
} NdrCodeDef;

/* Where a prose family's recipients are ("family NAME recipients=..."). */
typedef enum {
	NDR_RECIPIENTS_LINES,           /* lines its address leads (the default) */
	NDR_RECIPIENTS_MENTIONS,        /* the addresses its prose mentions */
	NDR_RECIPIENTS_LOCAL_PARTS,     /* lines, where a bare local part may lead ("jsmith (user
					 * not found)"): GroupWise names its own post office's users so */
} NdrRecipients;

/* A prose bounce family's attributes ("family NAME ..." lines). */
typedef struct {
	const char *name;
	NdrRecipients recipients;
	gboolean preamble_diagnostic;   /* diagnostic=preamble: it says why before it names anyone */
	const char *reason;             /* what every report of the family means, or NULL */
	const char *source;
} NdrFamilyDef;

/* ---- parsing (ndr-rule-parse.c) ---- */

/* What rule files hold, parsed but not compiled. */
typedef struct {
	GStringChunk *strings;          /* every string of the set */
	GPtrArray *rules;               /* NdrRule * */
	GPtrArray *disabled;            /* const char *: ids a file disables */
	GArray *reasons;                /* NdrReasonDef */
	GArray *codes;                  /* NdrCodeDef */
	GArray *families;               /* NdrFamilyDef */
	gboolean user;                  /* rules parsed into it are the user's */
} NdrRuleSource;

NdrRuleSource *_ndr_rule_source_new (gboolean user);
void _ndr_rule_source_free (NdrRuleSource *source);

/* Parses @len bytes of rule text named @name (for messages) into @source.
 * FALSE with @error ("NAME:LINE: what is wrong") at the first bad line;
 * @source then holds nothing of @text. */
gboolean _ndr_rule_source_add_text (NdrRuleSource *source, const char *name, const char *text, gsize len,
				     GError **error);

/* Names of the enums, as rule files write them; NULL / FALSE for others. */
const char *_ndr_rule_field_name (NdrRuleField field);
const char *_ndr_rule_match_name (NdrMatchKind match);
const char *_ndr_rule_then_name (NdrConclusion then);
const char *_ndr_rule_mark_name (NdrMark mark);
const char *_ndr_rule_weight_name (NdrWeight weight);
gboolean _ndr_rule_mark_from_name (const char *name, NdrMark *mark);
/* A command as records give it ("RCPT": static), from its enum. */
const char *_ndr_smtp_command_name (NdrSmtpCommand command);

/* Whether @spec ("5.7.26", "*.7.26", "5.7.606-649") is a status spec;
 * and whether the code @klass.@subject.@detail fits it. */
/* if-status=unspecific: no status, or one with a subject or detail of 0. */
#define NDR_STATUS_UNSPECIFIC "unspecific"
gboolean _ndr_rule_status_spec_valid (const char *spec);
gboolean _ndr_rule_status_fits (const char *spec, guint klass, guint subject, guint detail);
/* @spec's parts: class (0: either), subject and the details it spans. */
gboolean _ndr_rule_status_spec_parse (const char *spec, guint *klass, guint *subject, guint *low, guint *high);
/* The same for reply code specs ("550", "550-559", "5xx"). */
gboolean _ndr_rule_code_spec_valid (const char *spec);
gboolean _ndr_rule_code_fits (const char *spec, guint code);
/* Whether @command is one of @list ("MAIL|RCPT"). */
gboolean _ndr_rule_word_in_list (const char *list, const char *word);

/* The default priority of a rule of @then with @weight. */
gint _ndr_rule_default_priority (NdrConclusion then, NdrWeight weight);

G_END_DECLS

#endif
