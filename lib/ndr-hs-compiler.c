/* ndr-hs-compiler.c - Hyperscan's pattern compiler, loaded when a run
 * compiles rules.
 *
 * The shipped rules are compiled when ndrparse is built; a run only
 * scans their databases (in place, from the library's image of them), which Hyperscan's runtime
 * library (libhs_runtime, C, no dependency but libc) does.  The compiler
 * is libhs proper, C++ with libstdc++: loading it costs a process about a
 * millisecond before it does anything, more than decoding one message.
 * So the library links the runtime and opens the compiler (dlopen) only
 * when rules are compiled at run time (--rules, NDRPARSE_RULES_DIR,
 * ndrparse_rules_add_file()) or by the build's rule compiler.
 */
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

#include "ndr-dl.h"

/* Never closed: databases it compiled stay in use (ndr-dl.h). */
#define HS_COMPILER_FUNCTIONS(F) F (hs_compile_multi) F (hs_free_compile_error)
#define HS_OFFSET(name) NDR_DL_OFFSET (HsCompiler, name)
NDR_DL_LIBRARY (HsCompiler, compiler, libhs, HS_COMPILER_FUNCTIONS, HS_OFFSET, NDR_HS_COMPILER_SONAME,
		"Hyperscan's compiler");

static gboolean
compiler_ready (GError **error)
{
	const char *failure = _ndr_dl_bind (&libhs);
	if (failure) {
		g_set_error_literal (error, NDRPARSE_ERROR, NDRPARSE_ERROR_BAD_RULES, failure);
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
	compiler.hs_compile_multi (expressions, flags, ids, n, HS_MODE_BLOCK, platform, db, compile_error);
	return TRUE;
}

void
_ndr_hs_free_compile_error (hs_compile_error_t *compile_error)
{
	if (compile_error && compiler.hs_free_compile_error)
		compiler.hs_free_compile_error (compile_error);
}

#endif
