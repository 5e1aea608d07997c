/* ndr-text-families.c - how each MTA family writes a bounce in prose.
 *
 * This file is data.  The engine (ndr-text-decode.c) reads every family
 * the same way: find the report between its begin and end lines, take
 * each line that leads with an address as the start of that recipient's
 * block, and read the SMTP reply, status, command and host from the
 * block.  A new MTA is a new entry here.
 *
 * A family is recognised when each of its non-NULL lists has a hit:
 * `from` in the From header, `subject` in the Subject, `marker` in the
 * text.  Families are tried in order, so a family whose text is a
 * variant of another's (Mail.ru and 1&1 write Exim's report) comes
 * before it.  Strings compare case-insensitively.
 */
#include "ndrparse-private.h"

#define LIST(...) ((const char *const[]) { __VA_ARGS__, NULL })

/* Where the returned message starts, in any family. */
const char *const _ndr_text_common_ends[] = {
	"--- Below this line is a copy of the message",
	"--- Enclosed is a copy of the message",
	"------ This is a copy of the message",
	"------ This is a copy of your message",
	"------ The body of the message is",
	"----- Original message -----",
	"----- Message header follows -----",
	"--- Original message follows",
	"Original message follows.",
	"Below is a copy of the original message",
	"----- Unsent message follows -----",
	"----- Original message headers -----",
	"------ Original message headers ------",
	"Message headers follow.",
	"Original message headers:",
	"----- Returned message -----",
	"--------Returned Mail--------",
	"The original message was:",
	"The header of the original message is",
	"Content-Type: message/rfc822",
	"Content-Type: text/rfc822-headers",
	NULL
};

/* Phrases that say a message was not (or not yet) delivered; a bounce
 * from no known family must hold one, or an SMTP code. */
const char *const _ndr_text_failure_phrases[] = {
	"could not be delivered", "couldn't be delivered", "can't be delivered",
	"cannot be delivered", "was not delivered", "wasn't delivered", "not be delivered",
	"undeliverable", "undelivered", "delivery failed", "delivery has failed",
	"delivery failure", "failed permanently", "permanent error", "permanent failure",
	"fatal error", "unable to deliver", "wasn't able to deliver", "not able to deliver",
	"delivery to the following", "did not reach", "could not deliver", "failed to deliver",
	"has been delayed", "delivery is delayed", "returned to sender", "returning message",
	"delivery problem", "delivery error", "error delivering", "rejected", "mail system error",
	"user unknown", "unknown user", "no such user", "malformed address",
	"incorrectly constructed",
	"nicht zugestellt", "unzustellbar", "non remis", "non distribuable",
	"n'a pas pu être", "no se pudo entregar", "no pudo ser entregado",
	"não foi possível entregar", "não pôde ser entregue", "non è stato possibile",
	"impossibile consegnare", "не доставлено", "не может быть доставлено",
	"не удалось доставить", "配信できません", "届きませんでした", "送信できません",
	"配達できません", "无法投递", "投递失败", "退信",
	NULL
};

/* Phrases that say delivery is only delayed and will be retried. */
const char *const _ndr_text_delay_phrases[] = {
	"has been delayed", "delivery is delayed", "delivery delayed", "will retry",
	"will be retried", "still trying", "not yet been delivered", "temporary failure",
	"temporary error", "deferred", "(Delay)", "warning: message",
	NULL
};

/* Labels before a recipient address at the start of a line. */
const char *const _ndr_text_recipient_labels[] = {
	"Original-Recipient: rfc822;", "Final-Recipient: rfc822;",
	"Failed recipient:", "Failed Recipient:", "Invalid recipient:", "Unknown recipient:",
	"Recipient address:", "Recipient Address:", "Recipient:", "Recipients:",
	"Addressed To:", "Address:", "Email:", "E-mail:", "To:", "RCPT TO:",
	"Destinataire :", "Destinataire:", "Empfänger:", "Empfaenger:", "Destinatario:",
	"Destinatário:", "Получатель:", "Адресат:", "宛先:", "收件人:", "收件人：",
	"Unable to deliver message to:", "Could not deliver message to:",
	"was not delivered to:", "Delivery to", "delivery to",
	NULL
};

/* How a bounce's Subject starts (after blanks, "*" and a "[tag]"). */
const char *const _ndr_text_bounce_subjects[] = {
	"undeliver", "undelivered", "delivery status notification", "delivery failure",
	"delivery failed", "failure notice", "failure delivery", "failed delivery",
	"returned mail", "mail returned", "mail delivery", "delivery notification",
	"non-delivery", "nondeliver", "non remis", "unzustellbar", "nicht zustellbar",
	"no entregado", "mensaje no entregado", "não entregue", "falha na entrega",
	"non recapitabile", "messaggio non recapitabile", "mail system error",
	"mail could not be delivered", "message could not be delivered",
	"there was an error sending your mail", "delivery problem", "permanent delivery failure",
	"message delivery has failed", "delivery status", "mail failure", "delivery report",
	"warning: could not send message", "ваше сообщение не доставлено", "сообщение не доставлено",
	"недоставленное сообщение", "notice: mail delivery status", "warning: delayed mail",
	NULL
};

/* Subject words that mark a bounce wherever they stand: scripts whose
 * word order puts them last. */
const char *const _ndr_text_bounce_subject_words[] = {
	"配信できません", "配信エラー", "送信できません", "送信エラー", "エラーメール",
	"退信", "无法投递", "投递失败", "не доставлено",
	NULL
};

const char *const _ndr_text_daemon_senders[] = {
	"mailer-daemon", "mailer_daemon", "mailerdaemon", "mail-daemon", "postmaster",
	"post_master", "mail delivery", "mail administrator", "system administrator",
	"mail.delivery.system", "poostmaster", "courier mail server",
	NULL
};

const NdrTextFamily _ndr_text_families[] = {
	{ .name = "qmail",
	  .marker = LIST ("This is the qmail-send program", "I'm afraid I wasn't able to deliver your message"),
	  .begin = LIST ("I'm afraid I wasn't able to deliver", "wasn't able to deliver your message"),
	  .end = LIST ("--- Below this line is a copy of the message", "--- Enclosed is a copy of the message") },
	{ .name = "yahoo",
	  .marker = LIST ("Sorry, we were unable to deliver your message to the following address"),
	  .begin = LIST ("Sorry, we were unable to deliver your message"),
	  .end = LIST ("--- Below this line is a copy of the message") },
	{ .name = "postfix",
	  .marker = LIST ("This is the mail system at host", "This is the Postfix program at host"),
	  .begin = LIST ("I'm sorry to have to inform you", "could not be delivered"),
	  .end = LIST ("--- Undelivered message follows ---", "--- Delivery report unavailable ---") },
	{ .name = "courier",
	  .marker = LIST ("UNDELIVERABLE MAIL", "DELAYS IN DELIVERING YOUR MESSAGE"),
	  .begin = LIST ("UNDELIVERABLE MAIL", "DELAYS IN DELIVERING YOUR MESSAGE") },
	{ .name = "mcafee",
	  .subject = LIST ("Delivery Status"),
	  .marker = LIST ("--- The following addresses had delivery problems ---"),
	  .begin = LIST ("--- The following addresses had delivery problems ---") },
	{ .name = "facebook",
	  .marker = LIST ("This message was created automatically by Facebook."),
	  .begin = LIST ("This message was created automatically by Facebook.") },
	{ .name = "barracuda",
	  .subject = LIST ("bulk email filter"),
	  .begin = LIST ("Your message to:") },
	{ .name = "surfcontrol",
	  .marker = LIST ("Your message could not be sent."),
	  .begin = LIST ("Your message could not be sent.") },
	{ .name = "powermta",
	  .marker = LIST ("Hello, this is the mail server on "),
	  .begin = LIST ("Hello, this is the mail server on ") },
	{ .name = "sendgrid",
	  .marker = LIST ("This is an automatically generated message from SendGrid."),
	  .begin = LIST ("This is an automatically generated message from SendGrid.") },
	{ .name = "messagingserver",
	  .marker = LIST ("This report relates to a message you sent with the following header fields:"),
	  .begin = LIST ("Recipient address:", "This report relates to a message") },
	{ .name = "yandex",
	  .marker = LIST ("This is the mail system at host yandex.ru."),
	  .begin = LIST ("This is the mail system at host yandex.ru.") },
	{ .name = "amazonworkmail",
	  .marker = LIST ("Technical report:"),
	  .begin = LIST ("Technical report:") },
	{ .name = "exchange2007",
	  .marker = LIST ("Diagnostic information for administrators:",
			  "Informations de diagnostic pour les administrateurs",
			  "Informazioni di diagnostica per gli amministratori"),
	  .begin = LIST ("Diagnostic information for administrators:",
			 "Informations de diagnostic pour les administrateurs",
			 "Informazioni di diagnostica per gli amministratori"),
	  .end = LIST ("Original message headers:", "En-têtes de message d'origine", "Intestazioni originali del messaggio") },
	{ .name = "x6",
	  .subject = LIST ("There was an error sending your mail") },
	{ .name = "x1",
	  .subject = LIST ("Returned Mail: "),
	  .marker = LIST ("The original message was received at") },
	{ .name = "x3",
	  .subject = LIST ("Delivery status notification"),
	  .marker = LIST ("This is an automatically generated Delivery Status Notification.") },
	{ .name = "mailru",
	  .from = LIST ("mail.ru"),
	  .marker = LIST ("This message was created automatically by mail delivery software", "письмо создано автоматически"),
	  .begin = LIST ("This message was created automatically by mail delivery software") },
	{ .name = "einsundeins",
	  .from = LIST ("kundenserver.de", "1und1", "1and1"),
	  .marker = LIST ("This message was created automatically by mail delivery software"),
	  .begin = LIST ("This message was created automatically by mail delivery software") },
	{ .name = "gmx",
	  .from = LIST ("gmx."),
	  .marker = LIST ("This message was created automatically by mail delivery software"),
	  .begin = LIST ("This message was created automatically by mail delivery software") },
	{ .name = "mxlogic",
	  .from = LIST ("mxlogic", "mxl"),
	  .marker = LIST ("This message was created automatically by mail delivery software"),
	  .begin = LIST ("This message was created automatically by mail delivery software") },
	{ .name = "zoho",
	  .from = LIST ("zoho"),
	  .marker = LIST ("This message was created automatically by mail delivery software"),
	  .begin = LIST ("This message was created automatically by mail delivery software") },
	{ .name = "exim",
	  .marker = LIST ("This message was created automatically by mail delivery software", "The following address(es) failed:", "could not be delivered to one or more of its",
			  "recipient addresses that were incorrectly constructed"),
	  .begin = LIST ("could not be delivered to one or more", "The following address(es) failed"),
	  .end = LIST ("------ This is a copy of the message", "------ The body of the message is") },
	{ .name = "googlegroups",
	  .from = LIST ("google"),
	  .marker = LIST ("Google Groups", "Google グループ", "Google 网上论坛"),
	  /* Every such report says the sender may not post to the group. */
	  .reason = NDRPARSE_REASON_REJECTED,
	  .end = LIST ("----- Original message -----") },
	{ .name = "gmail",
	  .marker = LIST ("Delivery to the following recipient", "Technical details of permanent failure", "Technical details of temporary failure"),
	  .begin = LIST ("Delivery to the following recipient", "Technical details of"),
	  .end = LIST ("----- Original message -----", "----- Message header follows -----") },
	{ .name = "dragonfly",
	  .marker = LIST ("This is the DragonFly Mail Agent"),
	  .begin = LIST ("There was an error delivering your mail"),
	  .end = LIST ("Message headers follow.") },
	{ .name = "opensmtpd",
	  .marker = LIST ("This is the MAILER-DAEMON, please DO NOT REPLY", "An error has occurred while attempting to deliver a message"),
	  .begin = LIST ("the following list of recipients", "An error has occurred while attempting"),
	  .end = LIST ("Below is a copy of the original message") },
	{ .name = "sendmail",
	  .marker = LIST ("----- Transcript of session follows -----", "----- The following addresses had permanent fatal errors -----"),
	  .begin = LIST ("----- The following addresses had", "----- Transcript of session follows -----"),
	  .end = LIST ("----- Unsent message follows -----", "----- Original message follows -----", "----- Message header follows -----"),
	  .transcript = LIST ("----- Transcript of session follows -----") },
	{ .name = "imailserver",
	  .marker = LIST ("Body of message generated response:", "Unknown user:", "generated following response:", "SMTP connection failed,"),
	  .end = LIST ("Original message follows.") },
	{ .name = "exchange2003",
	  .marker = LIST ("did not reach the following recipient(s):"),
	  .begin = LIST ("did not reach the following recipient") },
	{ .name = "ezweb",
	  .from = LIST ("ezweb.ne.jp") },
	{ .name = "kddi",
	  .from = LIST ("dion.ne.jp", "kddi"),
	  .marker = LIST ("Your mail sent on", "Your mail attempted to be delivered on") },
	{ .name = "domino",
	  .subject = LIST ("DELIVERY FAILURE:", "DELIVERY_FAILURE:"),
	  .begin = LIST ("Your message") },
	{ .name = "notes",
	  .subject = LIST ("Undeliverable message"),
	  .begin = LIST ("was not delivered to:") },
	{ .name = "interscanmss",
	  .marker = LIST ("InterScan", "Sent <<< RCPT TO:", "Received >>> ") },
	{ .name = "activehunter",
	  .marker = LIST ("----- The following addresses had permanent fatal errors -----") },
	{ .name = "mailfoundry",
	  .marker = LIST ("Unable to deliver message to:", "Delivery failed for the following reason:"),
	  .begin = LIST ("Unable to deliver message to:") },
	{ .name = "mailmarshalsmtp",
	  .marker = LIST ("Could not be delivered because of", "The following recipients were affected:"),
	  .begin = LIST ("Your message:") },
	{ .name = "mfilter",
	  .subject = LIST ("failure notice"),
	  .marker = LIST ("-------server message", "-------SMTP command", "-------元メール"),
	  .end = LIST ("-------original message", "-------元メール") },
	{ .name = "biglobe",
	  .from = LIST ("biglobe"),
	  .begin = LIST ("----- The following addresses had delivery problems -----") },
	/* fml, a mailing list manager, reports about the list address it
	 * names in its sentence, and lists other addresses as instructions. */
	{ .name = "fml",
	  .from = LIST ("-admin@", "-owner@"),
	  .marker = LIST ("not a member", "Duplicated Message-ID", "not member", "fml"),
	  .end = LIST ("Original mail as follows:", "If you know the general guide of this list"),
	  .recipients = NDR_RECIPIENT_MENTIONS },
	{ .name = "x2",
	  .marker = LIST ("Unable to deliver message to the following address(es)."),
	  .begin = LIST ("Unable to deliver message to the following address"),
	  .end = LIST ("--- Original message follows.") },
	{ .name = "apachejames",
	  .marker = LIST ("Message details:", "Error message below:") },
	{ .name = "verizon",
	  .from = LIST ("vtext.com", "verizon") },
	{ .name = "office365",
	  .marker = LIST ("Office 365", "Microsoft Exchange Online", "outlook.com", "Diagnostic information for administrators"),
	  .end = LIST ("Original message headers:") },
};

const gsize _ndr_text_families_count = G_N_ELEMENTS (_ndr_text_families);
