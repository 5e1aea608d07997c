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
	/* Called with each complete row; takes ownership of it. */
	void (*take_row) (rows_sprinter_t *sp, char **row);
	const char *true_text, *false_text;
};

/* Sets up @sp's vtable but for finish, which the caller provides. */
void rows_sprinter_init (rows_sprinter_t *sp, const char *const *columns,
			 gboolean (*finish) (sprinter_t *),
			 void (*take_row) (rows_sprinter_t *, char **),
			 const char *true_text, const char *false_text);
/* Frees a row of @n cells. */
void rows_free_row (char **row, guint n);

#endif
