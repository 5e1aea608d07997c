/* ndr-dl.c - a system library opened when a run first needs it
 * (ndr-dl.h). */
#include <dlfcn.h>
#include <string.h>

#include "ndr-dl.h"

static void
bind_all (NdrDlLibrary *lib)
{
	void *handle = dlopen (lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL) {
		lib->failure = g_strdup_printf ("cannot load %s (%s): %s", lib->what, lib->soname, dlerror ());
		return;
	}
	for (guint i = 0; i < lib->n; i++) {
		void *symbol = dlsym (handle, lib->names[i]);
		if (symbol == NULL) {
			lib->failure = g_strdup_printf ("%s (%s) has no %s()", lib->what, lib->soname, lib->names[i]);
			return;
		}
		/* POSIX: a function's address round-trips through void *. */
		memcpy ((char *) lib->table + lib->offsets[i], &symbol, sizeof symbol);
	}
}

const char *
_ndr_dl_bind (NdrDlLibrary *lib)
{
	if (_ndr_once_enter (&lib->once)) {
		bind_all (lib);
		_ndr_once_leave (&lib->once);
	}
	return lib->failure;
}
