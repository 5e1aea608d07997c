/* ndr-dl.h - a system library opened when a run first needs it.
 *
 * The suppression store's backends are the only users of SQLite and
 * libpq, and libpq alone brings two dozen libraries (OpenSSL, Kerberos,
 * LDAP, GnuTLS, ...) whose loading and symbol binding cost a process
 * about ten milliseconds before it does anything: more than decoding a
 * message, and paid by every procmail or Sieve filter run that never
 * opens a store.  So the library links neither; a backend opens its
 * client library (dlopen, by SONAME) on its first store and reaches it
 * through a table of function pointers, one per function it calls,
 * declared with NDR_DL_TABLE from the library's own header so that
 * every call is type-checked as a direct call would be.
 */
#ifndef NDR_DL_H
#define NDR_DL_H

#include <stddef.h>

#include <glib.h>

#include "ndr-once.h"

/* A table of the functions of one library.  @LIST(F) calls F(name) for
 * each function; the table has a member of the function's own type per
 * name. */
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

/* Opens @lib and fills its table, once per process (thread-safe); NULL
 * when every function was found, or a message saying why not (owned by
 * @lib, lives as long as the process).  The library is never closed:
 * what it allocated may still be in use. */
const char *_ndr_dl_bind (NdrDlLibrary *lib);

#endif
