/* sprinter-json.c - JSON and JSON Lines output.
 *
 * Each top-level map (a record) is built in a buffer and written with one
 * fwrite(): the printer runs once per value of every record, and stdio's
 * per-call locking cost more than the escaping itself.
 */
#include <string.h>

#include "safe-text.h"
#include "sprinter.h"

typedef struct {
	sprinter_t vtable;
	FILE *out;          /* where records go, or else */
	GString *sink;      /* the caller's buffer they are appended to */
	GString *buf;       /* the text not yet written */
	gboolean lines;     /* JSON Lines: each top-level map on its own line */
	int depth;
	char closers[16];       /* per open map or list: '}' or ']' */
	gboolean need_comma;
	guint records;
} json_sprinter_t;

static void
write_out (json_sprinter_t *sp)
{
	if (sp->out)
		fwrite (sp->buf->str, 1, sp->buf->len, sp->out);
	else
		g_string_append_len (sp->sink, sp->buf->str, (gssize) sp->buf->len);
	g_string_truncate (sp->buf, 0);
}

static void
separate (json_sprinter_t *sp)
{
	if (sp->need_comma)
		g_string_append (sp->buf, sp->depth == 0 && !sp->lines ? ",\n" : ", ");
	sp->need_comma = FALSE;
}

static void
json_begin_map (sprinter_t *base)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	if (sp->depth == 0 && !sp->lines && sp->records == 0)
		g_string_append_c (sp->buf, '[');
	separate (sp);
	g_string_append_c (sp->buf, '{');
	if (sp->depth < (int) sizeof sp->closers)
		sp->closers[sp->depth] = '}';
	sp->depth++;
}

static void
json_begin_list (sprinter_t *base)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	separate (sp);
	g_string_append_c (sp->buf, '[');
	if (sp->depth < (int) sizeof sp->closers)
		sp->closers[sp->depth] = ']';
	sp->depth++;
}

static void
json_end (sprinter_t *base)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	sp->depth--;
	g_string_append_c (sp->buf, sp->depth < (int) sizeof sp->closers ? sp->closers[sp->depth] : '}');
	sp->need_comma = TRUE;
	if (sp->depth == 0) {
		sp->records++;
		if (sp->lines) {
			g_string_append_c (sp->buf, '\n');
			sp->need_comma = FALSE;
		}
		write_out (sp);
	}
}

static gboolean
needs_escape (unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\' || c == 0x7f;
}

static gboolean
is_ascii (const char *s)
{
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
		if (*p >= 0x80)
			return FALSE;
	return TRUE;
}

/* Bytes written as they are: printable ASCII but '"' and '\\'. */
static const guint8 *
plain_bytes (void)
{
	static guint8 plain[256];
	static gsize ready;
	if (g_once_init_enter (&ready)) {
		for (int c = 1; c < 0x80; c++)
			plain[c] = !needs_escape ((unsigned char) c);
		g_once_init_leave (&ready, 1);
	}
	return plain;
}

/* Appends the run of bytes at @p that need no escape; returns its end. */
static const unsigned char *
append_plain_run (GString *buf, const unsigned char *p)
{
	const guint8 *plain = plain_bytes ();
	const unsigned char *run = p;
	while (plain[*p])
		p++;
	g_string_append_len (buf, (const char *) run, p - run);
	return p;
}

/* A JSON string.  Besides what JSON must escape, the C1 controls and the
 * bidirectional formatting characters are written as \u escapes: the
 * same string to a JSON reader, but nothing a terminal showing the
 * output acts on (safe-text.h). */
static void
append_escaped (GString *buf, const char *s)
{
	char *valid = NULL;
	if (!is_ascii (s) && !g_utf8_validate (s, -1, NULL))
		s = valid = g_utf8_make_valid (s, -1);

	g_string_append_c (buf, '"');
	for (const unsigned char *p = (const unsigned char *) s; *p;) {
		p = append_plain_run (buf, p);
		if (*p == '\0')
			break;
		if (*p >= 0x80) {
			const char *next = g_utf8_next_char ((const char *) p);
			gunichar c = g_utf8_get_char ((const char *) p);
			if (safe_text_is_unsafe (c))
				g_string_append_printf (buf, "\\u%04x", c);
			else
				g_string_append_len (buf, (const char *) p, next - (const char *) p);
			p = (const unsigned char *) next;
			continue;
		}
		switch (*p) {
		case '"': g_string_append (buf, "\\\""); break;
		case '\\': g_string_append (buf, "\\\\"); break;
		case '\n': g_string_append (buf, "\\n"); break;
		case '\r': g_string_append (buf, "\\r"); break;
		case '\t': g_string_append (buf, "\\t"); break;
		default: g_string_append_printf (buf, "\\u%04x", *p); break;
		}
		p++;
	}
	g_string_append_c (buf, '"');
	g_free (valid);
}

static void
json_map_key (sprinter_t *base, const char *key)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	separate (sp);
	append_escaped (sp->buf, key);
	g_string_append (sp->buf, ": ");
}

static void
json_null (sprinter_t *base)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	g_string_append (sp->buf, "null");
	sp->need_comma = TRUE;
}

static void
json_string (sprinter_t *base, const char *value)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	if (value == NULL) {
		json_null (base);
		return;
	}
	append_escaped (sp->buf, value);
	sp->need_comma = TRUE;
}

static void
json_integer (sprinter_t *base, gint64 value)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	g_string_append_printf (sp->buf, "%" G_GINT64_FORMAT, value);
	sp->need_comma = TRUE;
}

static void
json_boolean (sprinter_t *base, gboolean value)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	g_string_append (sp->buf, value ? "true" : "false");
	sp->need_comma = TRUE;
}

static gboolean
json_finish (sprinter_t *base)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	if (!sp->lines)
		g_string_append (sp->buf, sp->records ? "]\n" : "[]\n");
	write_out (sp);
	gboolean ok = sp->out == NULL || (fflush (sp->out) == 0 && !ferror (sp->out));
	g_string_free (sp->buf, TRUE);
	g_free (sp);
	return ok;
}

static sprinter_t *
json_new (FILE *out, GString *sink, gboolean lines)
{
	json_sprinter_t *sp = g_new0 (json_sprinter_t, 1);

	sp->vtable = (sprinter_t) {
		json_begin_map, json_begin_list, json_end, json_map_key, json_string,
		json_integer, json_boolean, json_null, json_finish,
	};
	sp->out = out;
	sp->sink = sink;
	sp->buf = g_string_sized_new (4096);
	sp->lines = lines;
	return &sp->vtable;
}

sprinter_t *
sprinter_json_new (FILE *out, gboolean lines)
{
	return json_new (out, NULL, lines);
}

sprinter_t *
sprinter_json_lines_new_buffer (GString *sink)
{
	return json_new (NULL, sink, TRUE);
}
