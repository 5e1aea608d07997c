/* ndr-matcher.h - many patterns matched in one pass over a text, with
 * Hyperscan (Vectorscan: Debian's libvectorscan-dev).
 *
 * A matcher holds the patterns of one channel (ndr-rules.c): the phrase,
 * prefix and regex rules that look at one field.  Its database is
 * compiled once, at build time for the shipped rules (an image in the
 * library that a run scans in place, ndr-rulec.c) and when they are loaded for a user's; a scan
 * then costs one pass over the text whatever the number of patterns.
 *
 * Patterns are matched on bytes, ASCII letters without regard to case:
 *  - a phrase anywhere;
 *  - a prefix at the start of the text or of a line, after blanks;
 *  - a regex as Hyperscan reads it (no back-references or look-around).
 */
#ifndef NDR_MATCHER_H
#define NDR_MATCHER_H

#include <hs.h>

#include "ndr-rule.h"

G_BEGIN_DECLS

/* ndr-hs-compiler.c: hs_compile_multi() (block mode) of the compiler
 * library, loaded on first use.  FALSE with @error when that library
 * cannot be loaded; otherwise TRUE, and *@db or *@compile_error says how
 * the compilation went (free the latter with _ndr_hs_free_compile_error). */
gboolean _ndr_hs_compile_multi (const char *const *expressions, const unsigned int *flags,
				const unsigned int *ids, unsigned int n, const hs_platform_info_t *platform,
				hs_database_t **db, hs_compile_error_t **compile_error, GError **error);
void _ndr_hs_free_compile_error (hs_compile_error_t *compile_error);

/* ndr-hs-runtime.c: the scan function every scan calls, hs_scan() or, on a
 * CPU whose best one loses matches (AVX-512), the runtime's AVX2 build
 * of it; hs_database_size() of the same build; and the platform
 * databases compiled at run time are for (TRUE and *@platform set when
 * scans run the AVX2 build, which may not be the host's best). */
typedef __typeof__ (hs_scan) *NdrHsScanFunction;
typedef __typeof__ (hs_database_size) *NdrHsDatabaseSizeFunction;
NdrHsScanFunction _ndr_hs_scan_function (void);
hs_error_t _ndr_hs_database_size (const hs_database_t *db, size_t *size);
gboolean _ndr_hs_scan_platform (hs_platform_info_t *platform);

/* Whether @regex has a ^ that anchors (one that starts a bracket's
 * class, [^...], negates it instead). */
gboolean _ndr_regex_anchors_line (const char *regex);

typedef struct _NdrMatcher NdrMatcher;

/* A match: pattern @id matched text[@from, @to). */
typedef struct {
	guint id;
	gsize from, to;
} NdrMatcherHit;

/* Compiles the patterns of @rules (phrase, prefix or regex rules; a
 * pattern's id is its index); with @all_matches every match is reported,
 * otherwise the first of each pattern.  NULL with @error
 * (NDRPARSE_ERROR_BAD_RULES: "FILE:LINE: rule ID: bad regex: ...") when
 * a pattern is refused.  @portable compiles for any CPU of the
 * architecture (a database written into the library at build time). */
NdrMatcher *_ndr_matcher_compile (const NdrRule *const *rules, guint n, gboolean all_matches,
				  gboolean portable, GError **error);

/* A matcher scanning the databases of an image _ndr_matcher_image()
 * wrote for @rules, in place: @bytes (64-byte aligned) must outlive it.
 * NULL when the image does not fit this library's Hyperscan (another
 * version) or is not one (the caller compiles instead). */
NdrMatcher *_ndr_matcher_from_image (const guint8 *bytes, gsize len, const NdrRule *const *rules, guint n,
				     gboolean all_matches);

/* The compiled databases as an image (g_free() the bytes; to be used
 * they must lie at a 64-byte boundary); FALSE if they cannot be. */
gboolean _ndr_matcher_image (const NdrMatcher *matcher, char **bytes, gsize *len);

/* Appends the matches in @text to @hits (NdrMatcherHit), in the order
 * they end (those that end together in pattern order); at most @max of
 * them. */
void _ndr_matcher_scan (const NdrMatcher *matcher, const char *text, gsize len, GArray *hits, guint max);

void _ndr_matcher_free (NdrMatcher *matcher);

/* The expression Hyperscan compiles for a rule's pattern (a new string). */
char *_ndr_matcher_expression (const NdrRule *rule);

G_END_DECLS

#endif
