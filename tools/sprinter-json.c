/* sprinter-json.c - JSON and JSON Lines output.
 *
 * Each top-level map (a record) is built in a buffer and written with one
 * fwrite(): the printer runs once per value of every record, and stdio's
 * per-call locking cost more than the escaping itself.
 */
#include <string.h>

#include "ndr-json-string.h"
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

/* After a value: a top-level one (a record) ends its line and goes out. */
static void
value_done (json_sprinter_t *sp)
{
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

static void
json_end (sprinter_t *base)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	sp->depth--;
	g_string_append_c (sp->buf, sp->depth < (int) sizeof sp->closers ? sp->closers[sp->depth] : '}');
	value_done (sp);
}

static void
json_map_key (sprinter_t *base, const char *key)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	separate (sp);
	_ndr_json_append_string (sp->buf, key);
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
	_ndr_json_append_string (sp->buf, value);
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

static void
json_map (sprinter_t *base, const char *json)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	if (sp->depth == 0 && !sp->lines && sp->records == 0)
		g_string_append_c (sp->buf, '[');
	separate (sp);
	g_string_append (sp->buf, json);
	value_done (sp);
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
		json_integer, json_boolean, json_null, json_finish, json_map,
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
