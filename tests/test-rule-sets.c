/* test-rule-sets.c - the library's rule sets (NdrparseRules): files added
 * all or nothing, the errors they give, a set frozen by its first parse,
 * a user's rule deciding a parse, and the evidence accessors. */
#include <string.h>

#include "ndrparse.h"
#include "ndr-matcher.h"
#include "ndr-rule-set.h"

static const char bounce[] =
	"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\n"
	"To: sender@example.org\nSubject: Undelivered Mail Returned to Sender\n\n"
	"This is the mail system at host mx.example.org.\n\n"
	"<a@example.net>: host mx.example.net[192.0.2.1] said: 550 5.0.0 the box is stuffed (in reply to RCPT TO command)\n";

static const NdrparseRecord *
first_record (NdrparseReport *report)
{
	g_assert_nonnull (report);
	g_assert_cmpuint (ndrparse_report_get_n_records (report), ==, 1);
	return ndrparse_report_get_record (report, 0);
}

/* A rule set of the shipped rules and @text (named @name), which must parse. */
static NdrparseRules *
rules_with (const char *name, const char *text)
{
	NdrparseRules *rules = ndrparse_rules_new ();
	GError *error = NULL;
	g_assert_true (ndrparse_rules_add_data (rules, name, text, -1, &error));
	g_assert_no_error (error);
	return rules;
}

static void
test_bad_text_is_all_or_nothing (void)
{
	NdrparseRules *rules = ndrparse_rules_new ();
	guint shipped = ndrparse_rules_get_n_rules (rules);
	GError *error = NULL;
	g_assert_false (ndrparse_rules_add_data (rules, "site.rules",
						 "site.a in=diagnostic phrase=stuffed then=reason:mailboxfull source=s\n"
						 "site.b in=diagnostic phrase=x then=reason:nonsense source=s\n", -1, &error));
	g_assert_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_BAD_RULES);
	g_assert_cmpstr (error->message, ==, "site.rules:2: rule site.b: unknown reason 'nonsense'");
	g_clear_error (&error);
	/* Nothing of the text was kept: the good line before the bad one either. */
	g_assert_cmpuint (ndrparse_rules_get_n_rules (rules), ==, shipped);
	NdrparseReport *report = ndrparse_parse_bytes_with_rules (rules, bounce, strlen (bounce), &error);
	g_assert_no_error (error);
	g_assert_cmpstr (ndrparse_reason_get_name (ndrparse_record_get_reason (first_record (report))), !=, "mailboxfull");
	ndrparse_report_unref (report);
	ndrparse_rules_unref (rules);
}

static void
test_user_rule_decides (void)
{
	GError *error = NULL;
	NdrparseRules *rules = rules_with ("site.rules",
					   "site.stuffed in=diagnostic phrase=\"box is stuffed\" then=reason:mailboxfull "
					   "source=\"our MX's words\"\n");
	NdrparseReport *report = ndrparse_parse_bytes_with_rules (rules, bounce, strlen (bounce), &error);
	g_assert_no_error (error);
	const NdrparseRecord *record = first_record (report);
	g_assert_cmpstr (ndrparse_reason_get_name (ndrparse_record_get_reason (record)), ==, "mailboxfull");
	gboolean found = FALSE;
	for (guint i = 0; i < ndrparse_record_get_n_evidence (record); i++) {
		const NdrparseEvidence *e = ndrparse_record_get_evidence (record, i);
		if (g_strcmp0 (ndrparse_evidence_get_rule_id (e), "site.stuffed") != 0)
			continue;
		found = TRUE;
		g_assert_true (ndrparse_evidence_is_decisive (e));
		g_assert_cmpstr (ndrparse_evidence_get_step (e), ==, "phrase");
		g_assert_cmpstr (ndrparse_evidence_get_matched (e), ==, "box is stuffed");
		g_assert_cmpstr (ndrparse_evidence_get_source (e), ==, "our MX's words");
		g_assert_cmpstr (ndrparse_evidence_get_conclusion (e), ==, "reason:mailboxfull");
	}
	g_assert_true (found);
	g_assert_null (ndrparse_record_get_evidence (record, 1000));
	/* The evidence belongs to the report: it outlives the rule set. */
	ndrparse_rules_unref (rules);
	g_assert_nonnull (ndrparse_evidence_get_source (ndrparse_record_get_evidence (record, 0)));
	ndrparse_report_unref (report);
}

/* A diagnostic's rules of a provider or a reporter are in channels of
 * their own, scanned only where their condition can hold; the hits of
 * all are one run in the order they end, ties in the order of the
 * channels (anywhere, the provider's, the reporter's). */
static void
test_scoped_diagnostic (void)
{
	NdrparseRules *rules = rules_with ("scoped.rules",
		"site.anywhere in=diagnostic phrase=\"is stuffed\" then=reason:mailboxfull source=s\n"
		"site.provider in=diagnostic phrase=\"box is stuffed\" then=reason:mailboxfull if-provider=google source=s\n"
		"site.reporter in=diagnostic phrase=\"stuffed\" then=reason:mailboxfull if-reporter=postfix source=s\n"
		"site.other in=diagnostic phrase=\"box\" then=reason:mailboxfull if-provider=orange source=s\n");
	const NdrparseRules *used = _ndr_rules_use (rules);
	const char text[] = "550 the box is stuffed";
	static const struct {
		const char *provider, *reporter;
		const char *ids[4];
	} cases[] = {
		{ NULL, NULL, { "site.anywhere" } },
		{ "google", NULL, { "site.anywhere", "site.provider" } },
		{ NULL, "postfix", { "site.anywhere", "site.reporter" } },
		{ "google", "postfix", { "site.anywhere", "site.provider", "site.reporter" } },
		{ "orange", NULL, { "site.other", "site.anywhere" } },
	};
	for (gsize c = 0; c < G_N_ELEMENTS (cases); c++) {
		GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
		_ndr_rules_scan_diagnostic (used, cases[c].provider, cases[c].reporter, text, strlen (text), hits, 16);
		guint k = 0;
		for (guint i = 0; i < hits->len; i++) {
			const NdrRule *rule = g_array_index (hits, NdrRuleHit, i).rule;
			if (rule->user)
				g_assert_cmpstr (NDR_RULE_TEXT (rule, id), ==, cases[c].ids[k++]);
		}
		g_assert_cmpstr (cases[c].ids[k], ==, NULL);
		g_array_unref (hits);
	}
	ndrparse_rules_unref (rules);

	/* A provider's name of any length has its channel. */
	char *name = g_strnfill (200, 'p');
	char *text2 = g_strdup_printf ("site.host in=remote-host suffix=mx.example.net then=provider:%s source=s\n"
				       "site.long in=diagnostic phrase=stuffed then=reason:mailboxfull if-provider=%s source=s\n",
				       name, name);
	rules = rules_with ("long.rules", text2);
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrRuleHit));
	_ndr_rules_scan_diagnostic (_ndr_rules_use (rules), name, NULL, text, strlen (text), hits, 16);
	gboolean found = FALSE;
	for (guint i = 0; i < hits->len; i++)
		found |= g_strcmp0 (NDR_RULE_TEXT (g_array_index (hits, NdrRuleHit, i).rule, id), "site.long") == 0;
	g_assert_true (found);
	g_array_unref (hits);
	ndrparse_rules_unref (rules);
	g_free (text2);
	g_free (name);
}

/* if-status=unspecific: the rule holds with no status or one that names
 * no cause (5.0.0), not with one that does (5.7.1). */
static NdrparseReason
reason_with_status (NdrparseRules *rules, const char *status)
{
	GString *text = g_string_new (bounce);
	g_string_replace (text, "5.0.0", status, 1);
	GError *error = NULL;
	NdrparseReport *report = ndrparse_parse_bytes_with_rules (rules, text->str, text->len, &error);
	g_assert_no_error (error);
	NdrparseReason reason = ndrparse_record_get_reason (first_record (report));
	ndrparse_report_unref (report);
	g_string_free (text, TRUE);
	return reason;
}

static void
test_if_status_unspecific (void)
{
	NdrparseRules *rules = rules_with ("site.rules",
					   "site.stuffed in=diagnostic phrase=\"box is stuffed\" then=reason:mailboxfull "
					   "if-status=unspecific source=\"our MX's words\"\n");
	GError *error = NULL;
	g_assert_cmpint (reason_with_status (rules, "5.0.0"), ==, NDRPARSE_REASON_MAILBOXFULL);
	g_assert_cmpint (reason_with_status (rules, "5.2.0"), ==, NDRPARSE_REASON_MAILBOXFULL);
	g_assert_cmpint (reason_with_status (rules, "5.7.1"), !=, NDRPARSE_REASON_MAILBOXFULL);
	ndrparse_rules_unref (rules);
	NdrparseRules *bad = ndrparse_rules_new ();
	g_assert_false (ndrparse_rules_add_data (bad, "bad.rules",
						 "b.x in=diagnostic phrase=x then=reason:blocked if-status=vague source=s\n",
						 -1, &error));
	g_assert_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_BAD_RULES);
	g_assert_nonnull (strstr (error->message, "unspecific"));
	g_clear_error (&error);
	ndrparse_rules_unref (bad);
}

static void
test_frozen_after_use (void)
{
	NdrparseRules *rules = ndrparse_rules_new ();
	GError *error = NULL;
	NdrparseReport *report = ndrparse_parse_bytes_with_rules (rules, bounce, strlen (bounce), &error);
	ndrparse_report_unref (report);
	g_assert_false (ndrparse_rules_add_data (rules, "late.rules",
						 "site.late in=diagnostic phrase=x then=reason:blocked source=s\n", -1, &error));
	g_assert_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT);
	g_clear_error (&error);
	ndrparse_rules_unref (rules);
}

static void
test_files_and_directories (void)
{
	NdrparseRules *rules = ndrparse_rules_new ();
	GError *error = NULL;
	g_assert_false (ndrparse_rules_add_file (rules, "/nonexistent/site.rules", &error));
	g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
	g_clear_error (&error);
	g_assert_false (ndrparse_rules_add_directory (rules, "/nonexistent", &error));
	g_assert_nonnull (error);
	g_clear_error (&error);
	g_assert_false (ndrparse_rules_add_data (NULL, "x", "", 0, &error));
	g_assert_error (error, NDRPARSE_ERROR, NDRPARSE_ERROR_INVALID_ARGUMENT);
	g_clear_error (&error);
	ndrparse_rules_unref (rules);
}

static void
test_steps (void)
{
	g_assert_cmpuint (ndrparse_evidence_get_n_steps (), ==, 14);
	g_assert_cmpstr (ndrparse_evidence_get_step_name (0), ==, "success");
	g_assert_cmpstr (ndrparse_evidence_get_step_name (13), ==, "nothing");
	g_assert_null (ndrparse_evidence_get_step_name (14));
	for (guint i = 0; i < ndrparse_evidence_get_n_steps (); i++)
		g_assert_nonnull (ndrparse_evidence_get_step_description (i));
}

static void
test_lint_of_a_set (void)
{
	NdrparseRules *rules = ndrparse_rules_new ();
	GError *error = NULL;
	g_assert_true (ndrparse_rules_add_data (rules, "dead.rules",
						"site.dead in=diagnostic phrase=\"mailbox full\" then=reason:userunknown "
						"weight=broad source=s\n", -1, &error));
	char **problems = ndrparse_rules_lint (rules);
	g_assert_cmpuint (g_strv_length (problems), ==, 1);
	g_assert_true (g_str_has_prefix (problems[0], "dead.rules:1: rule site.dead: dead: on its own words"));
	g_strfreev (problems);
	ndrparse_rules_unref (rules);
}

/* Prefixes compiled together: as line-anchored patterns, Vectorscan
 * 5.4.9 did not report "In:  RCPT TO:" 17 bytes into the text once two
 * other prefixes shared its database, unless start-of-match was tracked.
 * Found when two returned-message markers silently disabled a recipient
 * label; prefixes are now literals whose place is checked (ndr-matcher.c),
 * and the case stays. */
static void
test_prefixes_together (void)
{
	const NdrRule label = { .id.text = "t.label", .match = NDR_MATCH_PREFIX, .pattern.text = "In:  RCPT TO:" };
	const NdrRule attached = { .id.text = "t.attached", .match = NDR_MATCH_PREFIX, .pattern.text = "Original message attached" };
	const NdrRule copy = { .id.text = "t.copy", .match = NDR_MATCH_PREFIX, .pattern.text = "A copy of the original message" };
	const NdrRule *rules[] = { &label, &attached, &copy };
	const char text[] = " Out: 250 2.1.0 Ok\n In:  RCPT TO:<a@example.org>\n";
	for (int portable = 0; portable < 2; portable++) {
		GError *error = NULL;
		NdrMatcher *m = _ndr_matcher_compile (rules, G_N_ELEMENTS (rules), TRUE, portable, &error);
		g_assert_no_error (error);
		GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrMatcherHit));
		_ndr_matcher_scan (m, text, strlen (text), hits, 16);
		g_assert_cmpuint (hits->len, ==, 1);
		const NdrMatcherHit *h = &g_array_index (hits, NdrMatcherHit, 0);
		g_assert_cmpuint (h->id, ==, 0);
		g_assert_cmpuint (h->from, ==, 20);     /* after the blank that leads the line */
		g_array_unref (hits);
		_ndr_matcher_free (m);
	}
}

/* A matcher with many phrases is two databases (ndr-matcher.c): phrases
 * and unanchored regexes without start-of-match tracking, a regex's start
 * then found by PCRE; anchored patterns with it.  Whichever way a matcher
 * is built (one database or two, compiled or read back from its bytes),
 * its hits are the same: where each starts (a regex's leftmost start of
 * the match that ended first), in the order they end, the first @max. */
static GArray *
scan_all (NdrMatcher *m, const char *text, guint max)
{
	GArray *hits = g_array_new (FALSE, FALSE, sizeof (NdrMatcherHit));
	_ndr_matcher_scan (m, text, strlen (text), hits, max);
	return hits;
}

static void
check_hit (GArray *hits, guint k, guint id, gsize from, gsize to)
{
	g_assert_cmpuint (k, <, hits->len);
	const NdrMatcherHit *h = &g_array_index (hits, NdrMatcherHit, k);
	g_assert_cmpuint (h->id, ==, id);
	g_assert_cmpuint (h->from, ==, from);
	g_assert_cmpuint (h->to, ==, to);
}


/* A prefix or a whole value is its literal in the database and its place
 * is checked when it matches (ndr-matcher.c): a prefix at the text's
 * start or a line's, after blanks, and nowhere else; a whole value alone
 * in the text but for blanks and one final newline, its match then the
 * whole of it.  Each at its first place that fits, in both modes. */
static void
test_anchored_literals (void)
{
	const NdrRule prefix = { .id.text = "t.prefix", .match = NDR_MATCH_PREFIX, .pattern.text = "Delivery failed" };
	const NdrRule whole = { .id.text = "t.whole", .match = NDR_MATCH_IS, .pattern.text = "Undeliverable" };
	const NdrRule *rules[] = { &prefix, &whole };
	static const struct {
		const char *text;
		gint from0, to0;        /* the prefix's hit, -1: none */
		gint from1, to1;        /* the whole value's */
	} cases[] = {
		{ "Delivery failed: x", 0, 15, -1, -1 },
		{ "x Delivery failed\n \tDelivery failed again", 20, 35, -1, -1 },
		{ "no. Delivery failed", -1, -1, -1, -1 },
		{ "  Undeliverable \t", -1, -1, 0, 17 },
		{ "Undeliverable\n", -1, -1, 0, 13 },
		{ "Undeliverable\n\n", -1, -1, -1, -1 },
		{ "Undeliverable mail", -1, -1, -1, -1 },
		{ "Re: Undeliverable", -1, -1, -1, -1 },
		{ "x\nUndeliverable", -1, -1, -1, -1 },
	};
	for (int all = 0; all < 2; all++) {
		GError *error = NULL;
		NdrMatcher *m = _ndr_matcher_compile (rules, G_N_ELEMENTS (rules), all, FALSE, &error);
		g_assert_no_error (error);
		for (gsize c = 0; c < G_N_ELEMENTS (cases); c++) {
			GArray *hits = scan_all (m, cases[c].text, 16);
			gint want[2][2] = { { cases[c].from0, cases[c].to0 }, { cases[c].from1, cases[c].to1 } };
			guint k = 0;
			for (guint id = 0; id < 2; id++) {
				if (want[id][0] < 0)
					continue;
				check_hit (hits, k++, id, (gsize) want[id][0], (gsize) want[id][1]);
			}
			g_assert_cmpuint (hits->len, ==, k);
			g_array_unref (hits);
		}
		_ndr_matcher_free (m);
	}
}

/* An image is taken only as it was written, where it was written to lie:
 * moved off its boundary, cut short, or of another Hyperscan version
 * (the database's version word), it is refused and the caller compiles. */
static void
check_image_refusals (guint8 *bytes, gsize len, const NdrRule *const *rules, guint n)
{
	guint8 *moved = g_aligned_alloc (1, len + 64, 64);
	memcpy (moved + 8, bytes, len);
	g_assert_null (_ndr_matcher_from_image (moved + 8, len, rules, n, FALSE));
	g_aligned_free (moved);
	g_assert_null (_ndr_matcher_from_image (bytes, len - 1, rules, n, FALSE));
	g_assert_null (_ndr_matcher_from_image (bytes, 63, rules, n, FALSE));
	for (guint part = 0; part < 2; part++) {
		guint32 offset = (guint32) bytes[4 + 8 * part] | (guint32) bytes[5 + 8 * part] << 8 |
				 (guint32) bytes[6 + 8 * part] << 16 | (guint32) bytes[7 + 8 * part] << 24;
		if (offset == 0)
			continue;
		bytes[offset + 4] ^= 0x5a;      /* hs_database's version */
		g_assert_null (_ndr_matcher_from_image (bytes, len, rules, n, FALSE));
		bytes[offset + 4] ^= 0x5a;
	}
	bytes[0] = 'X';
	g_assert_null (_ndr_matcher_from_image (bytes, len, rules, n, FALSE));
	bytes[0] = 'N';
}

static void
check_parts (guint n_fillers)
{
	GPtrArray *owned = g_ptr_array_new_with_free_func (g_free);
	GPtrArray *rules = g_ptr_array_new ();
	const NdrRule regex = { .id.text = "t.regex", .match = NDR_MATCH_REGEX, .pattern.text = "user .* unknown" };
	const NdrRule anchored = { .id.text = "t.anchored", .match = NDR_MATCH_REGEX, .pattern.text = "(^|[ \t])IB401\\b" };
	const NdrRule phrase = { .id.text = "t.phrase", .match = NDR_MATCH_PHRASE, .pattern.text = "Mailbox Full" };
	const NdrRule prefix = { .id.text = "t.prefix", .match = NDR_MATCH_PREFIX, .pattern.text = "550" };
	g_ptr_array_add (rules, (gpointer) &regex);     /* 0 */
	g_ptr_array_add (rules, (gpointer) &anchored);  /* 1 */
	g_ptr_array_add (rules, (gpointer) &phrase);    /* 2 */
	g_ptr_array_add (rules, (gpointer) &prefix);    /* 3 */
	for (guint i = 0; i < n_fillers; i++) {
		NdrRule *r = g_new0 (NdrRule, 1);
		char *pattern = g_strdup_printf ("zq%uxv", i);
		r->id.text = "t.filler";
		r->match = NDR_MATCH_PHRASE;
		r->pattern.text = pattern;
		g_ptr_array_add (owned, r);
		g_ptr_array_add (owned, pattern);
		g_ptr_array_add (rules, r);
	}
	const char text[] = "  550 x user a user b unknown, mailbox full; user c unknown IB401 mailbox full";
	GError *error = NULL;
	NdrMatcher *m = _ndr_matcher_compile ((const NdrRule *const *) rules->pdata, rules->len, FALSE, TRUE, &error);
	g_assert_no_error (error);
	char *image;
	gsize len;
	g_assert_true (_ndr_matcher_image (m, &image, &len));
	/* Scanned in place, as the library's image is: at a 64-byte boundary. */
	guint8 *bytes = g_aligned_alloc (1, len + 64, 64);
	memcpy (bytes, image, len);
	NdrMatcher *read_back = _ndr_matcher_from_image (bytes, len, (const NdrRule *const *) rules->pdata,
							 rules->len, FALSE);
	g_assert_nonnull (read_back);
	check_image_refusals (bytes, len, (const NdrRule *const *) rules->pdata, rules->len);
	NdrMatcher *both[] = { m, read_back };
	for (guint b = 0; b < G_N_ELEMENTS (both); b++) {
		GArray *hits = scan_all (both[b], text, 16);
		g_assert_cmpuint (hits->len, ==, 4);
		check_hit (hits, 0, 3, 2, 5);           /* the prefix, after the blanks */
		check_hit (hits, 1, 0, 8, 29);          /* "user a user b unknown": the leftmost start */
		check_hit (hits, 2, 2, 31, 43);         /* the phrase's first match only */
		check_hit (hits, 3, 1, 59, 65);         /* " IB401" */
		g_array_unref (hits);
		hits = scan_all (both[b], text, 2);
		g_assert_cmpuint (hits->len, ==, 2);
		check_hit (hits, 1, 0, 8, 29);
		g_array_unref (hits);
	}
	_ndr_matcher_free (read_back);
	g_aligned_free (bytes);
	g_free (image);
	_ndr_matcher_free (m);
	g_ptr_array_unref (rules);
	g_ptr_array_unref (owned);
}

static void
test_matcher_parts (void)
{
	check_parts (0);        /* one database */
	check_parts (100);      /* two */
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/rule-sets/bad-text-is-all-or-nothing", test_bad_text_is_all_or_nothing);
	g_test_add_func ("/rule-sets/user-rule-decides", test_user_rule_decides);
	g_test_add_func ("/rule-sets/scoped-diagnostic", test_scoped_diagnostic);
	g_test_add_func ("/rule-sets/if-status-unspecific", test_if_status_unspecific);
	g_test_add_func ("/rule-sets/frozen-after-use", test_frozen_after_use);
	g_test_add_func ("/rule-sets/files-and-directories", test_files_and_directories);
	g_test_add_func ("/rule-sets/steps", test_steps);
	g_test_add_func ("/rule-sets/lint", test_lint_of_a_set);
	g_test_add_func ("/rule-sets/prefixes-together", test_prefixes_together);
	g_test_add_func ("/rule-sets/matcher-parts", test_matcher_parts);
	g_test_add_func ("/rule-sets/anchored-literals", test_anchored_literals);
	return g_test_run ();
}
