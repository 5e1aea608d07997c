/* sprinter-rows.h - the part of the table sprinters (text, csv) that turns
 * the record maps into rows of cells, one cell per chosen column. */
#ifndef NDRPARSE_SPRINTER_ROWS_H
#define NDRPARSE_SPRINTER_ROWS_H

#include "sprinter.h"

typedef struct rows_sprinter rows_sprinter_t;

struct rows_sprinter {
	sprinter_t vtable;
	const char *const *columns;
	guint n_columns;
	char **row;             /* the record being read: n_columns cells, NULL for none */
	int column;             /* index of the current key, -1 if not shown */
	int depth;
	/* A list value of the record (its evidence): its items as text. */
	GPtrArray *items;       /* the open list's items, or NULL */
	GString *item;          /* the map item being read, or NULL */
	GPtrArray *details;     /* every list item of the record (char *) */
	/* Called with each complete row and its list items; takes ownership
	 * of both. */
	void (*take_row) (rows_sprinter_t *sp, char **row, GPtrArray *details);
	const char *true_text, *false_text;
};

/* Sets up @sp's vtable but for finish, which the caller provides. */
void rows_sprinter_init (rows_sprinter_t *sp, const char *const *columns,
			 gboolean (*finish) (sprinter_t *),
			 void (*take_row) (rows_sprinter_t *, char **, GPtrArray *),
			 const char *true_text, const char *false_text);
/* Frees a row of @n cells. */
void rows_free_row (char **row, guint n);

#endif
