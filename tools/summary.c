/* summary.c - counts of the records printed, by reason, class,
 * destination domain and remote MTA (--summary).
 */
#include <string.h>

#include "record-print.h"
#include "summary.h"

static const char *const dimensions[SUMMARY_N_DIMENSIONS] = {
	"reason", "class", "destination", "remote_mta"
};
struct _Summary {
	guint records;
	guint inputs;
	GHashTable *counts[SUMMARY_N_DIMENSIONS];       /* value -> count (GUINT_TO_POINTER) */
};

Summary *
summary_new (void)
{
	Summary *s = g_new0 (Summary, 1);
	for (gsize d = 0; d < SUMMARY_N_DIMENSIONS; d++)
		s->counts[d] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	return s;
}

void
summary_free (Summary *s)
{
	for (gsize d = 0; d < SUMMARY_N_DIMENSIONS; d++)
		g_hash_table_unref (s->counts[d]);
	g_free (s);
}

static void
count (GHashTable *table, const char *value)
{
	const char *key = value && *value ? value : "-";
	gpointer old;
	if (g_hash_table_lookup_extended (table, key, NULL, &old))
		g_hash_table_insert (table, g_strdup (key), GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
	else
		g_hash_table_insert (table, g_strdup (key), GUINT_TO_POINTER (1));
}

void
summary_values (const NdrparseRecord *record, const char *values[SUMMARY_N_DIMENSIONS])
{
	values[0] = ndrparse_reason_get_name (ndrparse_record_get_reason (record));
	values[1] = record_class_name (record);
	values[2] = ndrparse_record_get_destination (record);
	values[3] = ndrparse_record_get_remote_mta (record);
}

void
summary_add (Summary *s, const char *const values[SUMMARY_N_DIMENSIONS])
{
	s->records++;
	for (gsize d = 0; d < SUMMARY_N_DIMENSIONS; d++)
		count (s->counts[d], values[d]);
}

void
summary_add_input (Summary *s)
{
	s->inputs++;
}

typedef struct {
	const char *key;
	guint count;
} Entry;

static int
by_count_then_key (gconstpointer a, gconstpointer b)
{
	const Entry *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp (x->key, y->key);
}

/* The entries of @table, most frequent first. */
static GArray *
sorted_entries (GHashTable *table)
{
	GArray *entries = g_array_new (FALSE, FALSE, sizeof (Entry));
	GHashTableIter it;
	gpointer key, value;
	g_hash_table_iter_init (&it, table);
	while (g_hash_table_iter_next (&it, &key, &value)) {
		Entry e = { key, GPOINTER_TO_UINT (value) };
		g_array_append_val (entries, e);
	}
	g_array_sort (entries, by_count_then_key);
	return entries;
}

void
summary_print_structured (const Summary *s, sprinter_t *sp)
{
	sp->begin_map (sp);
	sp->map_key (sp, "summary");
	sp->begin_map (sp);
	sp->map_key (sp, "inputs");
	sp->integer (sp, s->inputs);
	sp->map_key (sp, "records");
	sp->integer (sp, s->records);
	for (gsize d = 0; d < SUMMARY_N_DIMENSIONS; d++) {
		sp->map_key (sp, dimensions[d]);
		sp->begin_map (sp);
		GArray *entries = sorted_entries (s->counts[d]);
		for (guint i = 0; i < entries->len; i++) {
			Entry *e = &g_array_index (entries, Entry, i);
			sp->map_key (sp, e->key);
			sp->integer (sp, e->count);
		}
		g_array_unref (entries);
		sp->end (sp);
	}
	sp->end (sp);
	sp->end (sp);
}

void
summary_print_text (const Summary *s, FILE *out)
{
	fprintf (out, "%u record%s from %u input%s\n", s->records, s->records == 1 ? "" : "s",
		 s->inputs, s->inputs == 1 ? "" : "s");
	for (gsize d = 0; d < SUMMARY_N_DIMENSIONS; d++) {
		GArray *entries = sorted_entries (s->counts[d]);
		fprintf (out, "\n%s:\n", dimensions[d]);
		for (guint i = 0; i < entries->len; i++) {
			Entry *e = &g_array_index (entries, Entry, i);
			fprintf (out, "  %7u  %s\n", e->count, e->key);
		}
		g_array_unref (entries);
	}
}

static void
csv_row (sprinter_t *sp, const char *dimension, const char *value, guint count)
{
	sp->begin_map (sp);
	sp->map_key (sp, "dimension");
	sp->string (sp, dimension);
	sp->map_key (sp, "value");
	sp->string (sp, value);
	sp->map_key (sp, "count");
	sp->integer (sp, count);
	sp->end (sp);
}

void
summary_print_csv (const Summary *s, FILE *out)
{
	static const char *const columns[] = { "dimension", "value", "count", NULL };
	sprinter_t *sp = sprinter_csv_new (out, columns);
	csv_row (sp, "total", "inputs", s->inputs);
	csv_row (sp, "total", "records", s->records);
	for (gsize d = 0; d < SUMMARY_N_DIMENSIONS; d++) {
		GArray *entries = sorted_entries (s->counts[d]);
		for (guint i = 0; i < entries->len; i++) {
			Entry *e = &g_array_index (entries, Entry, i);
			csv_row (sp, dimensions[d], e->key, e->count);
		}
		g_array_unref (entries);
	}
	sp->finish (sp);
}
