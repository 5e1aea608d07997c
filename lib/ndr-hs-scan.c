/* ndr-hs-scan.c - which of Hyperscan's scan functions a scan calls
 * (ndr-matcher.h).
 *
 * Vectorscan's x86 runtime holds its scan compiled several times (core2,
 * corei7, avx2, avx512) and hs_scan() is the one the CPU allows best.
 * On a CPU with AVX-512 that is avx512_hs_scan, whose accelerators lose
 * matches: with Debian's Vectorscan 5.4.9 a regex that is one literal
 * byte and then an unbounded repeat of a class ("i[a-y]+>", "<[^>]+>")
 * finds nothing that starts 64 or more bytes into the text, even alone
 * in its database; in the shipped channels NetEase's code rules and the
 * diagnostic channel's "\x3c.*\x3e not found" (Sisimai's "<" ... "> not
 * found") lost matches that far in, depending on the text before them
 * (the lint's texts; "550 Delivery failed ... as it says here: <x@y> not
 * found").  avx2_hs_scan and corei7_hs_scan, given the same database and
 * scratch, find them all.  Vectorscan has fixed such AVX-512
 * bugs release by release (its pull request 378, "AVX-512 nvermicelli
 * tail scan masking bug", 2026; issue 304, wrong AVX-512 results), so on
 * such a CPU every scan goes through the runtime's own AVX2 build of
 * hs_scan, which it exports as avx2_hs_scan, and databases compiled at
 * run time are compiled for what that runs (_ndr_hs_scan_platform).
 * Elsewhere, and when the runtime has no such entry (another
 * architecture, a build without the fat runtime), hs_scan() itself.  The
 * lint (ndr-rule-lint.c) runs every rule on its words well into a text,
 * which finds such losses.
 */
#include "ndr-matcher.h"
#include "ndr-once.h"

static NdrOnce chosen_once = NDR_ONCE_INIT;
static NdrHsScanFunction chosen;
static gboolean chosen_is_avx2;

#if defined(__x86_64__) || defined(__i386__)
/* The runtime's AVX-512 and AVX2 builds of hs_scan(), which its x86 fat
 * runtime exports beside it (weak: NULL from a runtime without them). */
extern __typeof__ (hs_scan) avx512_hs_scan __attribute__ ((weak));
extern __typeof__ (hs_scan) avx2_hs_scan __attribute__ ((weak));

/* hs_scan() is what the runtime's resolver chose for this CPU: when that
 * is its AVX-512 build, the AVX2 one instead.  (Comparing the two asks
 * the CPU nothing: CPUID, which libgcc's __builtin_cpu_supports() runs a
 * dozen times, traps to the hypervisor in a virtual machine, a tenth of
 * a millisecond of a one-message run.) */
static void
choose (void)
{
	NdrHsScanFunction scan = hs_scan, avx512 = avx512_hs_scan, avx2 = avx2_hs_scan;
	chosen = scan;
	if (avx512 != NULL && avx2 != NULL && scan == avx512) {
		chosen = avx2;
		chosen_is_avx2 = TRUE;
	}
}
#else
static void
choose (void)
{
	chosen = hs_scan;
}
#endif

NdrHsScanFunction
_ndr_hs_scan_function (void)
{
	if (_ndr_once_enter (&chosen_once)) {
		choose ();
		_ndr_once_leave (&chosen_once);
	}
	return chosen;
}

gboolean
_ndr_hs_scan_platform (hs_platform_info_t *platform)
{
	_ndr_hs_scan_function ();
	if (!chosen_is_avx2)
		return FALSE;
	*platform = (hs_platform_info_t) { .tune = HS_TUNE_FAMILY_GENERIC, .cpu_features = HS_CPU_FEATURES_AVX2 };
	return TRUE;
}
