/* rules-options.c - the tool's rule options (rules-options.h). */
#include <stdio.h>
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
