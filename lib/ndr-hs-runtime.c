/* ndr-hs-runtime.c - which of the Hyperscan runtime's builds ndrparse
 * calls to scan and to check an image's database (ndr-matcher.h).
 *
 * Vectorscan's x86 runtime holds its code compiled several times (core2,
 * corei7, avx2, avx512) and each public entry (hs_scan(),
 * hs_database_size(), ...) is an IFUNC whose resolver picks the build the
 * CPU allows best.  On a CPU with AVX-512 that is avx512_hs_scan, whose
 * accelerators lose matches: with Debian's Vectorscan 5.4.9 a regex that
 * is one literal byte and then an unbounded repeat of a class ("i[a-y]+>",
 * "<[^>]+>") finds nothing that starts 64 or more bytes into the text,
 * even alone in its database; in the shipped channels NetEase's code
 * rules and the diagnostic channel's "\x3c.*\x3e not found" (Sisimai's
 * "<" ... "> not found") lost matches that far in, depending on the text
 * before them (the lint's texts; "550 Delivery failed ... as it says
 * here: <x@y> not found").  avx2_hs_scan and corei7_hs_scan, given the
 * same database and scratch, find them all.  Vectorscan has fixed such
 * AVX-512 bugs release by release (its pull request 378, "AVX-512
 * nvermicelli tail scan masking bug", 2026; issue 304, wrong AVX-512
 * results), so on such a CPU every scan goes through the runtime's own
 * AVX2 build, which it exports as avx2_hs_scan, and databases compiled at
 * run time are compiled for what that runs (_ndr_hs_scan_platform).
 *
 * Which builds the CPU can run is asked of glibc (<sys/platform/x86.h>),
 * which read CPUID once when the process started, not of the runtime's
 * resolvers: each runs CPUID seven times, and CPUID traps to the
 * hypervisor in a virtual machine, about 25 microseconds a resolver on
 * the machines this is measured on, of a one-message run of 2 ms.  So
 * where AVX2 is usable and the runtime exports its AVX2 builds, those
 * are called by name (what hs_scan() itself resolves to on a CPU with
 * AVX2 and no AVX-512, the fix above on one with it), and hs_scan() and
 * hs_database_size() are called through the PLT (their resolvers run on
 * the first call, only where they are used); their addresses are never
 * taken, which would run the resolvers as the library loads.  Elsewhere
 * (no AVX2, or AVX2 turned off with GLIBC_TUNABLES while the runtime's
 * resolvers, which ask the CPU, still pick AVX-512; another
 * architecture; a runtime without the fat builds; a glibc before 2.33),
 * the public entries, but for hs_scan() when what it resolves to (asked
 * of dlsym(), which runs its resolver then) is the AVX-512 build.  The
 * lint (ndr-rule-lint.c) runs every rule on its words well into a text,
 * which finds such losses; ctest rules-lint-without-avx2 runs it with
 * AVX2 turned off in glibc, on the second path.
 */
#include <dlfcn.h>

#include "ndr-matcher.h"
#include "ndr-once.h"

#if defined(__x86_64__) && defined(__has_include)
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#define NDR_HS_AVX2_BUILD 1
#endif
#endif

static NdrOnce chosen_once = NDR_ONCE_INIT;
static NdrHsScanFunction chosen_scan;
static NdrHsDatabaseSizeFunction chosen_database_size;
static gboolean chosen_is_avx2;

static hs_error_t
public_scan (const hs_database_t *db, const char *data, unsigned int length, unsigned int flags,
	     hs_scratch_t *scratch, match_event_handler on_event, void *context)
{
	return hs_scan (db, data, length, flags, scratch, on_event, context);
}

static hs_error_t
public_database_size (const hs_database_t *db, size_t *size)
{
	return hs_database_size (db, size);
}

#ifdef NDR_HS_AVX2_BUILD
/* The runtime's AVX2 builds, which its x86 fat runtime exports beside
 * the public entries (weak: NULL from a runtime without them). */
extern __typeof__ (hs_scan) avx2_hs_scan __attribute__ ((weak));
extern __typeof__ (hs_scan) avx512_hs_scan __attribute__ ((weak));
extern __typeof__ (hs_database_size) avx2_hs_database_size __attribute__ ((weak));

/* Whether hs_scan() resolves to the runtime's AVX-512 build. */
static gboolean
public_scan_is_avx512 (void)
{
	void *resolved = dlsym (RTLD_DEFAULT, "hs_scan");
	return resolved != NULL && avx512_hs_scan != NULL && resolved == (void *) avx512_hs_scan;
}

static gboolean
avx2_build_runs (void)
{
	return avx2_hs_scan != NULL && avx2_hs_database_size != NULL && CPU_FEATURE_ACTIVE (AVX2);
}
#else
static gboolean
avx2_build_runs (void)
{
	return FALSE;
}
#endif

static void
choose (void)
{
	chosen_scan = public_scan;
	chosen_database_size = public_database_size;
#ifdef NDR_HS_AVX2_BUILD
	if (avx2_build_runs ()) {
		chosen_scan = avx2_hs_scan;
		chosen_database_size = avx2_hs_database_size;
		chosen_is_avx2 = TRUE;
	} else if (avx2_hs_scan != NULL && public_scan_is_avx512 ()) {
		chosen_scan = avx2_hs_scan;
		chosen_is_avx2 = TRUE;
	}
#endif
}

static void
choose_once (void)
{
	if (_ndr_once_enter (&chosen_once)) {
		choose ();
		_ndr_once_leave (&chosen_once);
	}
}

NdrHsScanFunction
_ndr_hs_scan_function (void)
{
	choose_once ();
	return chosen_scan;
}

hs_error_t
_ndr_hs_database_size (const hs_database_t *db, size_t *size)
{
	choose_once ();
	return chosen_database_size (db, size);
}

gboolean
_ndr_hs_scan_platform (hs_platform_info_t *platform)
{
	choose_once ();
	if (!chosen_is_avx2)
		return FALSE;
	*platform = (hs_platform_info_t) { .tune = HS_TUNE_FAMILY_GENERIC, .cpu_features = HS_CPU_FEATURES_AVX2 };
	return TRUE;
}
