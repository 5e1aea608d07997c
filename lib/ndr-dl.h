/* ndr-dl.h - a library opened when a run first needs it.
 *
 * Some libraries only some runs use, and loading them costs every run:
 * the suppression store's client libraries (libpq alone brings two dozen
 * more, OpenSSL, Kerberos, LDAP, GnuTLS: about ten milliseconds of
 * loading and symbol binding, more than decoding a message, paid by every
 * procmail or Sieve filter run that never opens a store) and Hyperscan's
 * compiler (C++, libstdc++: needed only when rules are compiled at run
 * time).  So the library links none of them; a user opens its library
 * (dlopen, by SONAME) on first use and reaches it through a table of
 * function pointers, one per function it calls, declared with
 * NDR_DL_LIBRARY from the library's own header so that every call is
 * type-checked as a direct call would be.
 */
#ifndef NDR_DL_H
#define NDR_DL_H

#include <stddef.h>

#include <glib.h>

#include "ndr-once.h"

/* The pieces NDR_DL_LIBRARY (below) puts together. */
#define NDR_DL_SLOT(name) __typeof__ (name) *name;
#define NDR_DL_NAME(name) #name,
#define NDR_DL_OFFSET(type, name) offsetof (type, name),

typedef struct {
	const char *soname;             /* what dlopen() is given */
	const char *what;               /* for messages: "SQLite", "PostgreSQL's libpq" */
	const char *const *names;       /* the functions' names */
	const size_t *offsets;          /* where each goes in the table */
	guint n;
	void *table;                    /* filled in by _ndr_dl_bind() */
	NdrOnce once;
	char *failure;                  /* why it could not be loaded, or NULL */
} NdrDlLibrary;

/* Defines @Type, a table with a member per function @LIST(F) names
 * (F(name) for each, the member of the function's own type), the table
 * @table itself, and @lib, the NdrDlLibrary that fills it from @soname
 * (@what names it in messages).  @OFFSET(name) must give
 * NDR_DL_OFFSET (@Type, name): the preprocessor cannot make it here. */
#define NDR_DL_LIBRARY(Type, table, lib, LIST, OFFSET, soname, what)                                   \
	typedef struct {                                                                               \
		LIST (NDR_DL_SLOT)                                                                     \
	} Type;                                                                                        \
	static Type table;                                                                             \
	static const char *const table##_names[] = { LIST (NDR_DL_NAME) };                             \
	static const size_t table##_offsets[] = { LIST (OFFSET) };                                     \
	static NdrDlLibrary lib = { soname, what, table##_names, table##_offsets,                        \
				    G_N_ELEMENTS (table##_names), &table, NDR_ONCE_INIT, NULL }

/* Opens @lib and fills its table, once per process (thread-safe); NULL
 * when every function was found, or a message saying why not (owned by
 * @lib, lives as long as the process).  The library is never closed:
 * what it allocated may still be in use. */
const char *_ndr_dl_bind (NdrDlLibrary *lib);

#endif
