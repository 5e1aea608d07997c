/* ndr-rulec.c - the rule compiler, run by the build: the shipped rule
 * files (lib/rules/) into the library's tables.
 *
 *   ndr-rulec OUTPUT.c FILE.rules...
 *
 * It parses every file (ndr-rule-parse.c), checks what a file alone
 * cannot (ids unique across files, every name a rule uses defined
 * somewhere: reasons, providers, reporters, families), groups the rules
 * into channels and compiles each channel's matcher for any CPU of the
 * architecture (ndr-rule-set.c), and writes a C file holding the rules,
 * the channels with their databases' images (scanned in place), the reason vocabulary,
 * the code table and the families.  So a run of ndrparse neither reads
 * nor compiles rule files.  Any problem is one line on stderr naming the
 * file and line, and the build fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndr-rule-set.h"

/* The rule compiler parses every rule it holds: none is packed, and
 * the shipped texts it writes are not yet there to read. */
const char _ndr_shipped_strings[1] = "";

static GPtrArray *problems;

static void G_GNUC_PRINTF (3, 4)
problem (const char *file, guint line, const char *format, ...)
{
	va_list args;
	va_start (args, format);
	char *what = g_strdup_vprintf (format, args);
	va_end (args);
	g_ptr_array_add (problems, g_strdup_printf ("%s:%u: %s", file, line, what));
	g_free (what);
}

/* ---- checks across files ---- */

static GHashTable *
names_concluded (const NdrRuleSource *src, NdrConclusion then)
{
	GHashTable *names = g_hash_table_new (g_str_hash, g_str_equal);
	for (guint i = 0; i < src->rules->len; i++) {
		const NdrRule *r = g_ptr_array_index (src->rules, i);
		if (r->then == then)
			g_hash_table_add (names, (gpointer) NDR_RULE_TEXT (r, then_name));
	}
	return names;
}

static gint
reason_index (const NdrRuleSource *src, const char *name)
{
	for (guint i = 0; i < src->reasons->len; i++)
		if (strcmp (g_array_index (src->reasons, NdrReasonDef, i).name, name) == 0)
			return (gint) i;
	return -1;
}

static void
check_reason_list (const NdrRuleSource *src, const NdrRule *r, const char *list, const char *key)
{
	for (const char *p = list; p && *p;) {
		gsize n = strcspn (p, "|");
		char *name = g_strndup (p, n);
		if (reason_index (src, name) < 0)
			problem (NDR_RULE_TEXT (r, file), r->line, "rule %s: %s names an unknown reason '%s'", NDR_RULE_TEXT (r, id), key, name);
		g_free (name);
		p += n;
		p += *p == '|';
	}
}

static void
check_rules (NdrRuleSource *src)
{
	GHashTable *ids = g_hash_table_new (g_str_hash, g_str_equal);
	GHashTable *providers = names_concluded (src, NDR_THEN_PROVIDER);
	GHashTable *reporters = names_concluded (src, NDR_THEN_REPORTER);
	GHashTable *families = names_concluded (src, NDR_THEN_FAMILY);
	for (guint i = 0; i < src->families->len; i++)
		g_hash_table_add (families, (gpointer) g_array_index (src->families, NdrFamilyDef, i).name);
	for (guint i = 0; i < src->rules->len; i++) {
		NdrRule *r = g_ptr_array_index (src->rules, i);
		if (g_hash_table_contains (ids, NDR_RULE_TEXT (r, id)))
			problem (NDR_RULE_TEXT (r, file), r->line, "rule id %s is used twice", NDR_RULE_TEXT (r, id));
		g_hash_table_add (ids, (gpointer) NDR_RULE_TEXT (r, id));
		if (r->then == NDR_THEN_REASON && (r->value = reason_index (src, NDR_RULE_TEXT (r, then_name))) < 0)
			problem (NDR_RULE_TEXT (r, file), r->line, "rule %s: unknown reason '%s'", NDR_RULE_TEXT (r, id), NDR_RULE_TEXT (r, then_name));
		check_reason_list (src, r, NDR_RULE_TEXT (r, refines), "refines=");
		check_reason_list (src, r, NDR_RULE_TEXT (r, yields), "yields=");
		if (NDR_RULE_TEXT (r, if_provider) && !g_hash_table_contains (providers, NDR_RULE_TEXT (r, if_provider)))
			problem (NDR_RULE_TEXT (r, file), r->line, "rule %s: no rule concludes provider:%s", NDR_RULE_TEXT (r, id), NDR_RULE_TEXT (r, if_provider));
		if (NDR_RULE_TEXT (r, if_reporter) && !g_hash_table_contains (reporters, NDR_RULE_TEXT (r, if_reporter)) &&
		    !g_hash_table_contains (families, NDR_RULE_TEXT (r, if_reporter)))
			problem (NDR_RULE_TEXT (r, file), r->line, "rule %s: if-reporter=%s is neither a reporter nor a family",
				 NDR_RULE_TEXT (r, id), NDR_RULE_TEXT (r, if_reporter));
		if ((r->then == NDR_THEN_FAMILY_BEGIN || r->then == NDR_THEN_FAMILY_END ||
		     r->then == NDR_THEN_FAMILY_TRANSCRIPT) && !g_hash_table_contains (families, NDR_RULE_TEXT (r, then_name)))
			problem (NDR_RULE_TEXT (r, file), r->line, "rule %s: family %s is not defined", NDR_RULE_TEXT (r, id), NDR_RULE_TEXT (r, then_name));
	}
	for (guint i = 0; i < src->families->len; i++) {
		const NdrFamilyDef *f = &g_array_index (src->families, NdrFamilyDef, i);
		if (f->reason && reason_index (src, f->reason) < 0)
			problem ("(families)", 0, "family %s: unknown reason '%s'", f->name, f->reason);
	}
	if (src->disabled->len > 0)
		problem ("(shipped rules)", 0, "disable lines belong to user files");
	if (src->reasons->len != NDRPARSE_REASON_COUNT)
		problem ("(reasons)", 0, "%u reason lines for the %d reasons of NdrparseReason", src->reasons->len,
			 NDRPARSE_REASON_COUNT);
	g_hash_table_unref (ids);
	g_hash_table_unref (providers);
	g_hash_table_unref (reporters);
	g_hash_table_unref (families);
}

/* ---- writing C ---- */

static void
put_string (FILE *out, const char *s)
{
	if (s == NULL) {
		fputs ("NULL", out);
		return;
	}
	fputc ('"', out);
	for (const guchar *p = (const guchar *) s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf (out, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f || *p == '?')
			fprintf (out, "\\%03o", *p);
		else
			fputc (*p, out);
	}
	fputc ('"', out);
}

static char *
enum_name (const char *prefix, const char *name)
{
	char *upper = g_ascii_strup (name, -1);
	for (char *p = upper; *p; p++)
		if (!g_ascii_isalnum (*p))
			*p = '_';
	char *full = g_strconcat (prefix, upper, NULL);
	g_free (upper);
	return full;
}

/* The shipped rules' texts, each once, NUL-separated: a rule holds
 * their offsets (NdrRuleText), not pointers, so that the table needs no
 * relocation when the library is loaded.  Offset 0 is the empty text
 * that stands for none. */
typedef struct {
	GString *bytes;
	GHashTable *offsets;            /* text -> offset + 1 */
} StringPool;

static void
pool_init (StringPool *pool)
{
	pool->bytes = g_string_new_len ("", 1);
	pool->offsets = g_hash_table_new (g_str_hash, g_str_equal);
}

static void
pool_clear (StringPool *pool)
{
	g_string_free (pool->bytes, TRUE);
	g_hash_table_unref (pool->offsets);
}

static void
put_text (FILE *out, StringPool *pool, const char *text)
{
	gsize offset = 0;
	if (text) {
		gpointer found = g_hash_table_lookup (pool->offsets, text);
		if (found) {
			offset = GPOINTER_TO_SIZE (found) - 1;
		} else {
			offset = pool->bytes->len;
			g_string_append_len (pool->bytes, text, (gssize) strlen (text) + 1);
			g_hash_table_insert (pool->offsets, (gpointer) text, GSIZE_TO_POINTER (offset + 1));
		}
	}
	fprintf (out, "{ .offset = %" G_GSIZE_FORMAT " }", offset);
}

static void
put_pool (FILE *out, const StringPool *pool)
{
	fputs ("const char _ndr_shipped_strings[] = {", out);
	for (gsize i = 0; i < pool->bytes->len; i++)
		fprintf (out, "%s%u,", i % 24 ? "" : "\n\t", (guchar) pool->bytes->str[i]);
	fputs ("\n};\n\n", out);
}

static void
put_rule (FILE *out, StringPool *pool, const NdrRule *r)
{
	static const char *const fields[] = {
		"NDR_IN_DIAGNOSTIC", "NDR_IN_BODY", "NDR_IN_SUBJECT", "NDR_IN_FROM", "NDR_IN_HEADER", "NDR_IN_DSN",
		"NDR_IN_STATUS", "NDR_IN_REPLY", "NDR_IN_COMMAND", "NDR_IN_REMOTE_HOST", "NDR_IN_RECIPIENT_DOMAIN",
	};
	static const char *const matches[] = {
		"NDR_MATCH_PHRASE", "NDR_MATCH_REGEX", "NDR_MATCH_PREFIX", "NDR_MATCH_IS", "NDR_MATCH_SUFFIX",
		"NDR_MATCH_STATUS", "NDR_MATCH_CODE",
	};
	static const char *const thens[] = {
		"NDR_THEN_REASON", "NDR_THEN_PROVIDER", "NDR_THEN_REPORTER", "NDR_THEN_FAMILY", "NDR_THEN_FAMILY_BEGIN",
		"NDR_THEN_FAMILY_END", "NDR_THEN_FAMILY_TRANSCRIPT", "NDR_THEN_MARK",
		"NDR_THEN_COMMAND",
	};
	static const char *const weights[] = { "NDR_WEIGHT_FINAL", "NDR_WEIGHT_NAMING", "NDR_WEIGHT_BROAD" };
	fputs ("\t{ .id = ", out);
	put_text (out, pool, NDR_RULE_TEXT (r, id));
	fputs (", .source = ", out);
	put_text (out, pool, NDR_RULE_TEXT (r, source));
	fputs (", .file = ", out);
	put_text (out, pool, NDR_RULE_TEXT (r, file));
	fprintf (out, ", .line = %u,\n\t  .field = %s, .field_name = ", r->line, fields[r->field]);
	put_text (out, pool, NDR_RULE_TEXT (r, field_name));
	fprintf (out, ", .match = %s, .pattern = ", matches[r->match]);
	put_text (out, pool, NDR_RULE_TEXT (r, pattern));
	fprintf (out, ",\n\t  .then = %s, .then_name = ", thens[r->then]);
	put_text (out, pool, NDR_RULE_TEXT (r, then_name));
	if (r->then == NDR_THEN_REASON) {
		char *value = enum_name ("NDRPARSE_REASON_", NDR_RULE_TEXT (r, then_name));
		fprintf (out, ", .value = %s", value);
		g_free (value);
	} else {
		fprintf (out, ", .value = %d", r->value);
	}
	fprintf (out, ", .priority = %d, .weight = %s,\n\t  .if_provider = ", r->priority, weights[r->weight]);
	put_text (out, pool, NDR_RULE_TEXT (r, if_provider));
	fputs (", .if_reporter = ", out);
	put_text (out, pool, NDR_RULE_TEXT (r, if_reporter));
	fputs (", .if_status = ", out);
	put_text (out, pool, NDR_RULE_TEXT (r, if_status));
	fputs (", .if_command = ", out);
	put_text (out, pool, NDR_RULE_TEXT (r, if_command));
	fputs (", .if_reply = ", out);
	put_text (out, pool, NDR_RULE_TEXT (r, if_reply));
	fputs (", .refines = ", out);
	put_text (out, pool, NDR_RULE_TEXT (r, refines));
	fputs (", .yields = ", out);
	put_text (out, pool, NDR_RULE_TEXT (r, yields));
	fprintf (out, ", .hard = %d, .example = ", r->hard);
	put_text (out, pool, NDR_RULE_TEXT (r, example));
	fputs (", .packed = TRUE },\n", out);
}

static void
put_bytes (FILE *out, const char *name, const char *bytes, gsize len)
{
	/* An image is scanned in place: at a 64-byte boundary (ndr-matcher.c). */
	fprintf (out, "static _Alignas (64) const guint8 %s[] = {", name);
	for (gsize i = 0; i < len; i++)
		fprintf (out, "%s%u,", i % 24 ? "" : "\n\t", (guchar) bytes[i]);
	fprintf (out, "%s};\n", len ? "\n" : " 0 ");
}

static guint
rule_index (const NdrRuleSource *src, const NdrRule *rule)
{
	for (guint i = 0; i < src->rules->len; i++)
		if (g_ptr_array_index (src->rules, i) == rule)
			return i;
	g_error ("ndr-rulec: a channel rule that is no rule");
}

static gboolean
put_channels (FILE *out, const NdrRuleSource *src, const NdrRuleGroup *group)
{
	const GPtrArray *channels = _ndr_rule_group_channels (group);
	for (guint c = 0; c < channels->len; c++) {
		const NdrChannel *ch = g_ptr_array_index (channels, c);
		fprintf (out, "static const NdrRule *const channel%u_rules[] = {", c);
		for (guint i = 0; i < ch->n; i++)
			fprintf (out, "%sR (%u),", i % 8 ? " " : "\n\t", rule_index (src, ch->rules[i]));
		fprintf (out, "%s};\n", ch->n ? "\n" : " NULL ");
		char *bytes = NULL;
		gsize len = 0;
		if (_ndr_channel_matcher (ch) && !_ndr_matcher_image (_ndr_channel_matcher (ch), &bytes, &len)) {
			fprintf (stderr, "ndr-rulec: cannot write the %s channel's database\n", _ndr_channel_kind_name (ch->kind));
			return FALSE;
		}
		char *name = g_strdup_printf ("channel%u_database", c);
		put_bytes (out, name, bytes, len);
		g_free (name);
		g_free (bytes);
	}
	fputs ("\nconst NdrShippedChannel _ndr_shipped_channels[] = {\n", out);
	static const char *const kinds[] = {
		"NDR_CHANNEL_DIAGNOSTIC", "NDR_CHANNEL_BODY", "NDR_CHANNEL_BODY_LINES", "NDR_CHANNEL_SUBJECT",
		"NDR_CHANNEL_FROM", "NDR_CHANNEL_COMMAND", "NDR_CHANNEL_HEADER", "NDR_CHANNEL_LOOKUP",
	};
	for (guint c = 0; c < channels->len; c++) {
		const NdrChannel *ch = g_ptr_array_index (channels, c);
		fprintf (out, "\t{ %s, ", kinds[ch->kind]);
		put_string (out, ch->header);
		fputs (", ", out);
		put_string (out, ch->scope);
		fprintf (out, ", channel%u_rules, %u, channel%u_database, ", c, ch->n, c);
		if (_ndr_channel_matcher (ch))
			fprintf (out, "sizeof channel%u_database },\n", c);
		else
			fputs ("0 },\n", out);
	}
	fprintf (out, "};\nconst guint _ndr_shipped_channel_count = %u;\n\n", channels->len);
	return TRUE;
}

/* The group's lookup tables, in the order a binary search wants (the
 * group sorted them: ndr-rule-group.c). */
static void
put_keyed (FILE *out, const NdrRuleSource *src, const char *name, const NdrKeyedRule *t, guint n)
{
	fprintf (out, "static const NdrKeyedRule %s[] = {\n", name);
	for (guint i = 0; i < n; i++) {
		fputs ("\t{ ", out);
		put_string (out, t[i].key);
		fprintf (out, ", R (%u) },\n", rule_index (src, t[i].rule));
	}
	fprintf (out, "%s};\n", n ? "" : "\t{ NULL, NULL }\n");
}

static void
put_lookups (FILE *out, const NdrRuleSource *src, const NdrRuleGroup *group)
{
	const NdrLookupTables *t = _ndr_rule_group_lookups (group);
	put_keyed (out, src, "lookup_values", t->values, t->n_values);
	put_keyed (out, src, "lookup_suffixes", t->suffixes, t->n_suffixes);
	fputs ("static const NdrStatusEntry lookup_status[] = {\n", out);
	for (guint i = 0; i < t->n_status; i++)
		fprintf (out, "\t{ R (%u), %u, %u, %u, %u },\n", rule_index (src, t->status[i].rule), t->status[i].klass,
			 t->status[i].subject, t->status[i].low, t->status[i].high);
	fprintf (out, "%s};\nstatic const NdrRule *const lookup_replies[] = {", t->n_status ? "" : "\t{ NULL, 0, 0, 0, 0 }\n");
	for (guint i = 0; i < t->n_replies; i++)
		fprintf (out, " R (%u),", rule_index (src, t->replies[i]));
	fprintf (out, "%s };\n", t->n_replies ? "" : " NULL");
	fprintf (out, "const NdrLookupTables _ndr_shipped_lookups = {\n"
		 "\tlookup_values, %u, lookup_suffixes, %u, lookup_status, %u, lookup_replies, %u,\n};\n\n",
		 t->n_values, t->n_suffixes, t->n_status, t->n_replies);
}

static void
put_reasons (FILE *out, const NdrRuleSource *src)
{
	fputs ("const NdrReasonDef _ndr_reason_defs[NDRPARSE_REASON_COUNT] = {\n", out);
	for (guint i = 0; i < src->reasons->len; i++) {
		const NdrReasonDef *d = &g_array_index (src->reasons, NdrReasonDef, i);
		char *value = enum_name ("NDRPARSE_REASON_", d->name);
		fprintf (out, "\t[%s] = { ", value);
		g_free (value);
		const char *fields[] = { d->name, d->status_permanent, d->status_temporary, d->description,
					 d->advice_permanent, d->advice_temporary, d->source };
		for (gsize f = 0; f < G_N_ELEMENTS (fields); f++) {
			put_string (out, fields[f]);
			fputs (f + 1 < G_N_ELEMENTS (fields) ? ",\n\t    " : " },\n", out);
		}
	}
	fprintf (out, "};\nG_STATIC_ASSERT (%u == NDRPARSE_REASON_COUNT);\n\n", src->reasons->len);
}

static gint
compare_codes (gconstpointer a, gconstpointer b)
{
	const NdrCodeDef *x = a, *y = b;
	if (x->reply_code != y->reply_code)
		return x->reply_code < y->reply_code ? -1 : 1;
	if (x->subject != y->subject)
		return x->subject < y->subject ? -1 : 1;
	return x->detail < y->detail ? -1 : x->detail > y->detail;
}

static void
put_codes (FILE *out, NdrRuleSource *src)
{
	/* Sorted: the library looks codes up by binary search. */
	g_array_sort (src->codes, compare_codes);
	fputs ("const NdrCodeDef _ndr_code_defs[] = {\n", out);
	for (guint i = 0; i < src->codes->len; i++) {
		const NdrCodeDef *d = &g_array_index (src->codes, NdrCodeDef, i);
		if (i > 0 && compare_codes (d, d - 1) == 0)
			problem ("(codes)", 0, "a code is defined twice (%u, X.%u.%u)", d->reply_code, d->subject, d->detail);
		fprintf (out, "\t{ %u, %u, %u, ", d->reply_code, d->subject, d->detail);
		put_string (out, d->text);
		fputs (", ", out);
		put_string (out, d->source);
		fputs (" },\n", out);
	}
	fprintf (out, "};\nconst guint _ndr_code_def_count = %u;\n\n", src->codes->len);
}

static void
put_families (FILE *out, const NdrRuleSource *src)
{
	fputs ("const NdrFamilyDef _ndr_family_defs[] = {\n", out);
	for (guint i = 0; i < src->families->len; i++) {
		const NdrFamilyDef *f = &g_array_index (src->families, NdrFamilyDef, i);
		fputs ("\t{ ", out);
		put_string (out, f->name);
		static const char *const names[] = { "NDR_RECIPIENTS_LINES", "NDR_RECIPIENTS_MENTIONS",
						     "NDR_RECIPIENTS_LOCAL_PARTS" };
		fprintf (out, ", %s, %s, ", names[f->recipients], f->preamble_diagnostic ? "TRUE" : "FALSE");
		put_string (out, f->reason);
		fputs (", ", out);
		put_string (out, f->source);
		fputs (" },\n", out);
	}
	fprintf (out, "\t{ NULL, NDR_RECIPIENTS_LINES, FALSE, NULL, NULL }\n};\nconst guint _ndr_family_def_count = %u;\n\n",
		 src->families->len);
}

static gboolean
write_tables (const char *path, NdrRuleSource *src, const NdrRuleGroup *group)
{
	char *tmp = g_strconcat (path, ".tmp", NULL);
	FILE *out = fopen (tmp, "w");
	if (out == NULL) {
		fprintf (stderr, "ndr-rulec: %s: %s\n", tmp, g_strerror (errno));
		g_free (tmp);
		return FALSE;
	}
	fputs ("/* Generated by ndr-rulec from lib/rules/; do not edit. */\n"
	       "#include \"ndr-rule-set.h\"\n\n", out);
	StringPool pool;
	pool_init (&pool);
	fputs ("const NdrRule _ndr_shipped_rules[] = {\n", out);
	for (guint i = 0; i < src->rules->len; i++)
		put_rule (out, &pool, g_ptr_array_index (src->rules, i));
	fprintf (out, "};\nconst guint _ndr_shipped_rule_count = %u;\n\n", src->rules->len);
	put_pool (out, &pool);
	pool_clear (&pool);
	fputs ("#define R(i) (&_ndr_shipped_rules[i])\n", out);
	gboolean ok = put_channels (out, src, group);
	put_lookups (out, src, group);
	put_reasons (out, src);
	put_codes (out, src);
	put_families (out, src);
	ok = fclose (out) == 0 && ok;
	ok = ok && rename (tmp, path) == 0;
	g_free (tmp);
	return ok;
}

int
main (int argc, char **argv)
{
	if (argc < 3) {
		fprintf (stderr, "usage: ndr-rulec OUTPUT.c FILE.rules...\n");
		return 2;
	}
	problems = g_ptr_array_new_with_free_func (g_free);
	NdrRuleSource *src = _ndr_rule_source_new (FALSE);
	for (int i = 2; i < argc; i++) {
		char *text = NULL;
		gsize len = 0;
		GError *error = NULL;
		/* Rules name their file from the source tree's top ("lib/rules/
		 * reasons/userunknown.rules"), wherever it was checked out. */
		const char *name = strstr (argv[i], "lib/rules/");
		if (!g_file_get_contents (argv[i], &text, &len, &error) ||
		    !_ndr_rule_source_add_text (src, name ? name : argv[i], text, len, &error)) {
			fprintf (stderr, "ndr-rulec: %s\n", error->message);
			g_error_free (error);
			g_free (text);
			_ndr_rule_source_free (src);
			return 1;
		}
		g_free (text);
	}
	check_rules (src);
	GError *error = NULL;
	NdrRuleGroup *group = problems->len ? NULL
		: _ndr_rule_group_build ((const NdrRule *const *) src->rules->pdata, src->rules->len, TRUE, &error);
	if (error)
		g_ptr_array_add (problems, g_strdup (error->message));
	if (problems->len == 0 && !write_tables (argv[1], src, group))
		g_ptr_array_add (problems, g_strdup_printf ("%s: cannot be written", argv[1]));
	for (guint i = 0; i < problems->len; i++)
		fprintf (stderr, "ndr-rulec: %s\n", (char *) g_ptr_array_index (problems, i));
	int status = problems->len ? 1 : 0;
	g_clear_error (&error);
	_ndr_rule_group_free (group);
	_ndr_rule_source_free (src);
	g_ptr_array_unref (problems);
	return status;
}
