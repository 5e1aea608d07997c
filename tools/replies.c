/* replies.c - bare SMTP replies from logs, classified (replies.h). */
#include <errno.h>
#include <string.h>

#include "input-stream.h"
#include "record-print.h"
#include "replies.h"
#include "safe-text.h"

#define MAX_LINE_BYTES (64 * 1024)

static const char *
field_or_null (char **fields, guint n, guint i)
{
	return i < n && fields[i][0] ? fields[i] : NULL;
}

/* Where the classified replies go. */
typedef struct {
	NdrparseRules *rules;
	sprinter_t *sp;
	Summary *summary;
	RepliesResult *result;
} Sink;

static void
classify_line (const char *text, const char *file, gint64 index, const Sink *sink)
{
	char *line = safe_text_spaced_except_tabs (text);
	char **fields = g_strsplit (line, "\t", 4);
	guint n = g_strv_length (fields);
	for (guint i = 0; i < n; i++)
		g_strstrip (fields[i]);
	ReplyLine reply = {
		field_or_null (fields, n, 0), field_or_null (fields, n, 1),
		field_or_null (fields, n, 2), field_or_null (fields, n, 3),
	};
	sprinter_t *sp = sink->sp;
	NdrparseClassification *c = reply.reply
		? ndrparse_classify_reply_with_rules (sink->rules, reply.reply, reply.smtp_command, reply.remote_host, NULL)
		: NULL;
	if (c) {
		reply_print (sp, file, index, &reply, c);
		if (sink->summary) {
			const char *at = reply.recipient ? strrchr (reply.recipient, '@') : NULL;
			NdrparseTristate hard = ndrparse_classification_get_hard_bounce (c);
			const char *values[SUMMARY_N_DIMENSIONS] = {
				ndrparse_reason_get_name (ndrparse_classification_get_reason (c)),
				hard == NDRPARSE_TRISTATE_TRUE ? "hard" : hard == NDRPARSE_TRISTATE_FALSE ? "soft" : "none",
				at ? at + 1 : NULL, reply.remote_host,
			};
			summary_add (sink->summary, values);
		}
		sink->result->records++;
		ndrparse_classification_unref (c);
	}
	g_strfreev (fields);
	g_free (line);
}

/* The lines of @path, each classified; FALSE (said on stderr) when it
 * cannot be read. */
static gboolean
classify_file (const char *path, const Sink *sink)
{
	GError *error = NULL;
	InputStream *in = input_stream_open (path, 0, &error);
	GString *line = g_string_new (NULL);
	gint64 index = 0;
	char buf[1 << 16];
	gssize n = 0;
	while (in && (n = input_stream_read (in, buf, sizeof buf, &error)) > 0) {
		for (gssize i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (line->len < MAX_LINE_BYTES)
					g_string_append_c (line, buf[i]);
				continue;
			}
			classify_line (line->str, path, index++, sink);
			g_string_truncate (line, 0);
		}
	}
	if (line->len > 0 && error == NULL)
		classify_line (line->str, path, index, sink);
	if (error) {
		char *name = safe_text_escaped (strcmp (path, "-") == 0 ? "(standard input)" : path);
		fprintf (stderr, "ndrparse: --replies: %s: %s\n", name, error->message);
		g_free (name);
		g_error_free (error);
	}
	g_string_free (line, TRUE);
	input_stream_free (in);
	return in != NULL && n >= 0;
}

RepliesResult
replies_classify (NdrparseRules *rules, const char *const *texts, const char *path, sprinter_t *sp,
		  Summary *summary)
{
	RepliesResult result = { 0, FALSE };
	Sink sink = { rules, sp, summary, &result };
	for (guint i = 0; texts && texts[i]; i++)
		classify_line (texts[i], NULL, -1, &sink);
	if (path && !classify_file (path, &sink))
		result.unreadable = TRUE;
	return result;
}
