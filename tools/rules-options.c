/* rules-options.c - the tool's rule options (rules-options.h). */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "rules-options.h"
#include "safe-text.h"

static gboolean
report_error (GError *error)
{
	char *message = safe_text_escaped (error->message);
	fprintf (stderr, "ndrparse: %s\n", message);
	g_free (message);
	g_error_free (error);
	return FALSE;
}

NdrparseRules *
rules_options_load (const char *const *files)
{
	NdrparseRules *rules = ndrparse_rules_new ();
	GError *error = NULL;
	const char *dir = g_getenv ("NDRPARSE_RULES_DIR");
	gboolean ok = TRUE;
	if (dir && *dir && !ndrparse_rules_add_directory (rules, dir, &error)) {
		char *name = safe_text_escaped (dir);
		g_prefix_error (&error, "NDRPARSE_RULES_DIR %s: ", name);
		g_free (name);
		ok = report_error (error);
	}
	for (guint i = 0; ok && files && files[i]; i++)
		if (!ndrparse_rules_add_file (rules, files[i], &error)) {
			/* File errors do not name the file. */
			if (error->domain != NDRPARSE_ERROR) {
				char *name = safe_text_escaped (files[i]);
				g_prefix_error (&error, "--rules %s: ", name);
				g_free (name);
			}
			ok = report_error (error);
		}
	if (!ok)
		g_clear_pointer (&rules, ndrparse_rules_unref);
	return rules;
}

int
rules_options_list_steps (void)
{
	for (guint i = 0; i < ndrparse_evidence_get_n_steps (); i++)
		printf ("%-16s %s\n", ndrparse_evidence_get_step_name (i), ndrparse_evidence_get_step_description (i));
	return 0;
}

int
rules_options_lint (NdrparseRules *rules)
{
	char **problems = ndrparse_rules_lint (rules);
	guint n = g_strv_length (problems);
	for (guint i = 0; i < n; i++)
		printf ("%s\n", problems[i]);
	if (n == 0)
		printf ("%u rules, no problem found\n", ndrparse_rules_get_n_rules (rules));
	g_strfreev (problems);
	return n == 0 ? 0 : 1;
}

static void
print_rule (const char *id, const char *field, const char *conclusion, const char *name, const char *if_provider,
	    const char *if_reporter, const char *source, gpointer user_data)
{
	(void) user_data;
	printf ("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, field, conclusion, name ? name : "-", if_provider ? if_provider : "-",
		if_reporter ? if_reporter : "-", source ? source : "-");
}

int
rules_options_list_rules (NdrparseRules *rules)
{
	printf ("id\tfield\tconclusion\tname\tif-provider\tif-reporter\tsource\n");
	ndrparse_rules_foreach (rules, print_rule, NULL);
	return 0;
}

typedef struct {
	GHashTable *counts;     /* "KIND\tNAME" -> count */
} Counts;

static void
count (Counts *c, const char *kind, const char *name)
{
	char *key = g_strconcat (kind, "\t", name, NULL);
	gpointer old = g_hash_table_lookup (c->counts, key);
	g_hash_table_replace (c->counts, key, GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
}

/* Reason rules are counted as wordings (text they match) or codes (a
 * status, a reply code, a command); a provider, an MTA family and a
 * reporter count every rule that names it or is limited to it. */
static void
count_rule (const char *id, const char *field, const char *conclusion, const char *name, const char *if_provider,
	    const char *if_reporter, const char *source, gpointer user_data)
{
	(void) id;
	(void) source;
	Counts *c = user_data;
	gboolean code = strcmp (field, "status") == 0 || strcmp (field, "reply") == 0 || strcmp (field, "command") == 0;
	if (strcmp (conclusion, "reason") == 0 && name)
		count (c, code ? "reason-code" : "reason-wording", name);
	if (g_str_has_prefix (conclusion, "family") && name)
		count (c, "family", name);
	if (strcmp (conclusion, "provider") == 0 && name)
		count (c, "provider", name);
	if (if_provider)
		count (c, "provider", if_provider);
	if (strcmp (conclusion, "reporter") == 0 && name)
		count (c, "reporter", name);
	if (if_reporter)
		count (c, "reporter", if_reporter);
	if (strcmp (conclusion, "mark") == 0 && name)
		count (c, "mark", name);
	if (strcmp (conclusion, "command") == 0 && name)
		count (c, "command", name);
	count (c, "total", "rules");
}

int
rules_options_count_rules (NdrparseRules *rules)
{
	Counts c = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
	ndrparse_rules_foreach (rules, count_rule, &c);
	GList *keys = g_list_sort (g_hash_table_get_keys (c.counts), (GCompareFunc) strcmp);
	printf ("kind\tname\trules\n");
	for (GList *k = keys; k; k = k->next)
		printf ("%s\t%u\n", (const char *) k->data, GPOINTER_TO_UINT (g_hash_table_lookup (c.counts, k->data)));
	g_list_free (keys);
	g_hash_table_unref (c.counts);
	return 0;
}
