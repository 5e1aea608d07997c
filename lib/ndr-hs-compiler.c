/* ndr-hs-compiler.c - Hyperscan's pattern compiler, loaded when a run
 * compiles rules.
 *
 * The shipped rules are compiled when ndrparse is built; a run only
 * deserialises and scans their databases, which Hyperscan's runtime
 * library (libhs_runtime, C, no dependency but libc) does.  The compiler
 * is libhs proper, C++ with libstdc++: loading it costs a process about a
 * millisecond before it does anything, more than decoding one message.
 * So the library links the runtime and opens the compiler (dlopen) only
 * when rules are compiled at run time (--rules, NDRPARSE_RULES_DIR,
 * ndrparse_rules_add_file()) or by the build's rule compiler.
 */
#include "ndr-once.h"
#include "ndr-matcher.h"
#include "ndrparse.h"

#ifdef NDR_HS_COMPILER_LINKED
/* The build's rule compiler, and sanitizer builds (whose runtimes must
 * see the C++ runtime at start to follow its exceptions), link the
 * compiler library. */

gboolean
_ndr_hs_compile_multi (const char *const *expressions, const unsigned int *flags, const unsigned int *ids,
		       unsigned int n, const hs_platform_info_t *platform, hs_database_t **db,
		       hs_compile_error_t **compile_error, GError **error)
{
	(void) error;
	*db = NULL;
	*compile_error = NULL;
	hs_compile_multi (expressions, flags, ids, n, HS_MODE_BLOCK, platform, db, compile_error);
	return TRUE;
}

void
_ndr_hs_free_compile_error (hs_compile_error_t *compile_error)
{
	if (compile_error)
		hs_free_compile_error (compile_error);
}

#else

#include <dlfcn.h>

typedef hs_error_t (*CompileMultiFn) (const char *const *, const unsigned int *, const unsigned int *,
				      unsigned int, unsigned int, const hs_platform_info_t *,
				      hs_database_t **, hs_compile_error_t **);
typedef hs_error_t (*FreeCompileErrorFn) (hs_compile_error_t *);

static struct {
	CompileMultiFn compile_multi;
	FreeCompileErrorFn free_compile_error;
	char *failure;          /* why the compiler could not be loaded, or NULL */
} compiler;

static void
load_compiler (void)
{
	/* Never closed: databases it compiled stay in use. */
	void *handle = dlopen (NDR_HS_COMPILER_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL) {
		compiler.failure = g_strdup_printf ("cannot load Hyperscan's compiler (%s): %s",
						    NDR_HS_COMPILER_SONAME, dlerror ());
		return;
	}
	compiler.compile_multi = (CompileMultiFn) dlsym (handle, "hs_compile_multi");
	compiler.free_compile_error = (FreeCompileErrorFn) dlsym (handle, "hs_free_compile_error");
	if (compiler.compile_multi == NULL || compiler.free_compile_error == NULL)
		compiler.failure = g_strdup_printf ("%s has no hs_compile_multi()", NDR_HS_COMPILER_SONAME);
}

static gboolean
compiler_ready (GError **error)
{
	static NdrOnce loaded = NDR_ONCE_INIT;
	if (_ndr_once_enter (&loaded)) {
		load_compiler ();
		_ndr_once_leave (&loaded);
	}
	if (compiler.failure) {
		g_set_error_literal (error, NDRPARSE_ERROR, NDRPARSE_ERROR_BAD_RULES, compiler.failure);
		return FALSE;
	}
	return TRUE;
}

gboolean
_ndr_hs_compile_multi (const char *const *expressions, const unsigned int *flags, const unsigned int *ids,
		       unsigned int n, const hs_platform_info_t *platform, hs_database_t **db,
		       hs_compile_error_t **compile_error, GError **error)
{
	*db = NULL;
	*compile_error = NULL;
	if (!compiler_ready (error))
		return FALSE;
	compiler.compile_multi (expressions, flags, ids, n, HS_MODE_BLOCK, platform, db, compile_error);
	return TRUE;
}

void
_ndr_hs_free_compile_error (hs_compile_error_t *compile_error)
{
	if (compile_error && compiler.free_compile_error)
		compiler.free_compile_error (compile_error);
}

#endif
