/* sprinter-json.c - JSON and JSON Lines output. */
#include <string.h>

#include "sprinter.h"

typedef struct {
	sprinter_t vtable;
	FILE *out;
	gboolean lines;     /* JSON Lines: each top-level map on its own line */
	int depth;
	gboolean need_comma;
	guint records;
} json_sprinter_t;

static void
separate (json_sprinter_t *sp)
{
	if (sp->need_comma)
		fputs (sp->depth == 0 && !sp->lines ? ",\n" : ", ", sp->out);
	sp->need_comma = FALSE;
}

static void
json_begin_map (sprinter_t *base)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	if (sp->depth == 0 && !sp->lines && sp->records == 0)
		fputc ('[', sp->out);
	separate (sp);
	fputc ('{', sp->out);
	sp->depth++;
}

static void
json_end (sprinter_t *base)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	fputc ('}', sp->out);
	sp->depth--;
	sp->need_comma = TRUE;
	if (sp->depth == 0) {
		sp->records++;
		if (sp->lines) {
			fputc ('\n', sp->out);
			sp->need_comma = FALSE;
		}
	}
}

static void
write_escaped (FILE *out, const char *s)
{
	char *valid = NULL;
	if (!g_utf8_validate (s, -1, NULL))
		s = valid = g_utf8_make_valid (s, -1);

	fputc ('"', out);
	for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
		const unsigned char *run = p;
		while (*p >= 0x20 && *p != '"' && *p != '\\' && *p != 0x7f)
			p++;
		fwrite (run, 1, p - run, out);
		if (*p == '\0')
			break;
		switch (*p) {
		case '"': fputs ("\\\"", out); break;
		case '\\': fputs ("\\\\", out); break;
		case '\n': fputs ("\\n", out); break;
		case '\r': fputs ("\\r", out); break;
		case '\t': fputs ("\\t", out); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf (out, "\\u%04x", *p);
			else
				fputc (*p, out);
		}
	}
	fputc ('"', out);
	g_free (valid);
}

static void
json_map_key (sprinter_t *base, const char *key)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	separate (sp);
	write_escaped (sp->out, key);
	fputs (": ", sp->out);
}

static void
json_null (sprinter_t *base)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	fputs ("null", sp->out);
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
	write_escaped (sp->out, value);
	sp->need_comma = TRUE;
}

static void
json_integer (sprinter_t *base, gint64 value)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	fprintf (sp->out, "%" G_GINT64_FORMAT, value);
	sp->need_comma = TRUE;
}

static void
json_boolean (sprinter_t *base, gboolean value)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	fputs (value ? "true" : "false", sp->out);
	sp->need_comma = TRUE;
}

static gboolean
json_finish (sprinter_t *base)
{
	json_sprinter_t *sp = (json_sprinter_t *) base;
	if (!sp->lines)
		fputs (sp->records ? "]\n" : "[]\n", sp->out);
	gboolean ok = fflush (sp->out) == 0 && !ferror (sp->out);
	g_free (sp);
	return ok;
}

sprinter_t *
sprinter_json_new (FILE *out, gboolean lines)
{
	json_sprinter_t *sp = g_new0 (json_sprinter_t, 1);

	sp->vtable = (sprinter_t) {
		json_begin_map, json_end, json_map_key, json_string,
		json_integer, json_boolean, json_null, json_finish,
	};
	sp->out = out;
	sp->lines = lines;
	return &sp->vtable;
}
