/* sprinter-select.c - a sprinter that passes on only the chosen keys of
 * each top-level map (--fields for the JSON formats), in the order the
 * record printer gives them.  Nested maps under a chosen key pass whole.
 */
#include <string.h>

#include "sprinter.h"

typedef struct {
	sprinter_t vtable;
	sprinter_t *inner;
	const char *const *keys;
	int depth;              /* of maps and lists begun, counting the skipped ones */
	int skip_depth;         /* > 0: inside a value that is left out */
	gboolean skip_value;    /* the next value is left out */
} select_sprinter_t;

#define SELF(sp) ((select_sprinter_t *) (sp))

static gboolean
chosen (const select_sprinter_t *sp, const char *key)
{
	for (const char *const *k = sp->keys; *k; k++)
		if (strcmp (*k, key) == 0)
			return TRUE;
	return FALSE;
}

/* Whether the value about to come is left out; consumes the flag. */
static gboolean
skipping (select_sprinter_t *sp)
{
	if (sp->skip_depth > 0)
		return TRUE;
	gboolean skip = sp->skip_value;
	sp->skip_value = FALSE;
	return skip;
}

static void
select_begin_map (sprinter_t *base)
{
	select_sprinter_t *sp = SELF (base);
	sp->depth++;
	if (sp->skip_depth > 0 || skipping (sp)) {
		sp->skip_depth++;
		return;
	}
	sp->inner->begin_map (sp->inner);
}

static void
select_begin_list (sprinter_t *base)
{
	select_sprinter_t *sp = SELF (base);
	sp->depth++;
	if (sp->skip_depth > 0 || skipping (sp)) {
		sp->skip_depth++;
		return;
	}
	sp->inner->begin_list (sp->inner);
}

static void
select_end (sprinter_t *base)
{
	select_sprinter_t *sp = SELF (base);
	sp->depth--;
	if (sp->skip_depth > 0) {
		sp->skip_depth--;
		return;
	}
	sp->inner->end (sp->inner);
}

static void
select_map_key (sprinter_t *base, const char *key)
{
	select_sprinter_t *sp = SELF (base);
	if (sp->skip_depth > 0)
		return;
	if (sp->depth == 1 && !chosen (sp, key)) {
		sp->skip_value = TRUE;
		return;
	}
	sp->inner->map_key (sp->inner, key);
}

static void
select_string (sprinter_t *base, const char *value)
{
	if (!skipping (SELF (base)))
		SELF (base)->inner->string (SELF (base)->inner, value);
}

static void
select_integer (sprinter_t *base, gint64 value)
{
	if (!skipping (SELF (base)))
		SELF (base)->inner->integer (SELF (base)->inner, value);
}

static void
select_boolean (sprinter_t *base, gboolean value)
{
	if (!skipping (SELF (base)))
		SELF (base)->inner->boolean (SELF (base)->inner, value);
}

static void
select_null (sprinter_t *base)
{
	if (!skipping (SELF (base)))
		SELF (base)->inner->null (SELF (base)->inner);
}

static gboolean
select_finish (sprinter_t *base)
{
	select_sprinter_t *sp = SELF (base);
	gboolean ok = sp->inner->finish (sp->inner);
	g_free (sp);
	return ok;
}

sprinter_t *
sprinter_select_new (sprinter_t *inner, const char *const *keys)
{
	select_sprinter_t *sp = g_new0 (select_sprinter_t, 1);
	sp->vtable = (sprinter_t) {
		select_begin_map, select_begin_list, select_end, select_map_key, select_string,
		select_integer, select_boolean, select_null, select_finish, NULL,
	};
	sp->inner = inner;
	sp->keys = keys;
	return &sp->vtable;
}
