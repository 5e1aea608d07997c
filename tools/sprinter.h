/* sprinter.h - structured printers, after notmuch's sprinter.
 *
 * The record printer describes each record once, as a map of keys to
 * scalar values; a sprinter turns that description into JSON Lines, a
 * JSON array, or an aligned text table.  New formats are new sprinters,
 * not new record printers.
 */
#ifndef NDRPARSE_SPRINTER_H
#define NDRPARSE_SPRINTER_H

#include <stdio.h>
#include <glib.h>

typedef struct sprinter sprinter_t;

struct sprinter {
	/* Start a map; the top-level maps are the records. */
	void (*begin_map) (sprinter_t *sp);
	/* Start a list of values (maps or scalars): a record's evidence. */
	void (*begin_list) (sprinter_t *sp);
	/* End the innermost map or list. */
	void (*end) (sprinter_t *sp);
	/* The key of the next value in the current map. */
	void (*map_key) (sprinter_t *sp, const char *key);
	/* Values.  A NULL string is printed as null. */
	void (*string) (sprinter_t *sp, const char *value);
	void (*integer) (sprinter_t *sp, gint64 value);
	void (*boolean) (sprinter_t *sp, gboolean value);
	void (*null) (sprinter_t *sp);
	/* Write everything still buffered and free the sprinter.  Returns
	 * FALSE when writing failed (errno tells why). */
	gboolean (*finish) (sprinter_t *sp);
	/* A whole record, already written as JSON by the library
	 * (ndrparse_record_to_json()), in place of its keys and values; NULL
	 * in printers that are not JSON, which get the keys instead. */
	void (*json_map) (sprinter_t *sp, const char *json);
};

/* JSON output on @out: one object per line when @lines, else one array. */
sprinter_t *sprinter_json_new (FILE *out, gboolean lines);

/* JSON Lines appended to @sink (not owned) as each record ends. */
sprinter_t *sprinter_json_lines_new_buffer (GString *sink);

/* An aligned table on @out showing the keys in @columns (NULL-terminated,
 * not copied); printed when finished.  A list value is shown as indented
 * lines under its record's row, an item each. */
sprinter_t *sprinter_text_new (FILE *out, const char *const *columns);

/* RFC 4180 CSV on @out: a header row of @columns (NULL-terminated, not
 * copied), then a row per top-level map, written as it ends.  A list
 * value is one cell, its items separated by " | ". */
sprinter_t *sprinter_csv_new (FILE *out, const char *const *columns);

/* Passes on to @inner (owned: finished and freed with it) only the keys
 * in @keys (NULL-terminated, not copied) of each top-level map. */
sprinter_t *sprinter_select_new (sprinter_t *inner, const char *const *keys);

#endif
