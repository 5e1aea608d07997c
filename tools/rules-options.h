/* rules-options.h - the tool's rule options: the rule set a run uses
 * (NDRPARSE_RULES_DIR, --rules), --list-steps, --lint-rules, --list-rules
 * and --count-rules. */
#ifndef NDRPARSE_RULES_OPTIONS_H
#define NDRPARSE_RULES_OPTIONS_H

#include <ndrparse.h>

/* The shipped rules, then every *.rules file in $NDRPARSE_RULES_DIR (in
 * name order), then @files (--rules, in order; may be NULL).  NULL, with
 * one line on stderr naming the file, the line and what is wrong, when
 * any cannot be read or holds a bad rule: nothing is decoded then. */
NdrparseRules *rules_options_load (const char *const *files);

/* --list-steps: the evidence chain's steps in order, a line each. */
int rules_options_list_steps (void);

/* --lint-rules: checks @rules as a whole (ndrparse_rules_lint()); prints
 * each problem on stdout and returns 0 when there is none, 1 otherwise. */
int rules_options_lint (NdrparseRules *rules);

/* --list-rules: every rule, a tab-separated line each (id, field,
 * conclusion, name, if-provider, if-reporter, source) under a header. */
int rules_options_list_rules (NdrparseRules *rules);

/* --count-rules: how many rules each reason (wordings, codes), family,
 * provider, reporter and mark has, tab-separated under a header. */
int rules_options_count_rules (NdrparseRules *rules);

#endif
