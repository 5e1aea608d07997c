/* store-admin.c - ndrparse-store's commands about the store as a whole:
 * stats, prune, policy and info.
 */
#include <string.h>

#include "store-commands.h"

#define DAY (24 * 60 * 60)

/* ---- stats ---- */

static const char *const stats_columns[] = { "key", "class", "count", NULL };

static gboolean
print_stat (const char *key, NdrparseEventClass event_class, guint64 count, gpointer data)
{
	gpointer *args = data;
	sprinter_t *sp = args[0];
	const char *only = args[1];
	if (only && strcmp (only, ndrparse_event_class_get_name (event_class)) != 0)
		return TRUE;
	sp->begin_map (sp);
	sp->map_key (sp, "key");
	sp->string (sp, key);
	sp->map_key (sp, "class");
	sp->string (sp, ndrparse_event_class_get_name (event_class));
	sp->map_key (sp, "count");
	sp->integer (sp, (gint64) count);
	sp->end (sp);
	return TRUE;
}

static gboolean
stats_key (const char *name, NdrparseStatsKey *by)
{
	static const char *const names[] = { "reason", "domain", "day", "class" };
	for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
		if (strcmp (names[i], name) == 0) {
			*by = (NdrparseStatsKey) i;
			return TRUE;
		}
	return FALSE;
}

int
store_command_stats (StoreContext *ctx, int argc, char **argv)
{
	char *by_name = NULL, *since_text = NULL, *until_text = NULL, *only = NULL;
	gint days = 0;
	GOptionEntry entries[] = {
		{ "by", 0, 0, G_OPTION_ARG_STRING, &by_name, "reason (the default), domain, day or class", "KEY" },
		{ "days", 0, 0, G_OPTION_ARG_INT, &days, "The last N days", "N" },
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since_text, "From this date (YYYY-MM-DD or ISO 8601)", "DATE" },
		{ "until", 0, 0, G_OPTION_ARG_STRING, &until_text, "Before this date", "DATE" },
		{ "class", 0, 0, G_OPTION_ARG_STRING, &only, "Only events of this class (sender: the sender's own problems)",
		  "CLASS" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	int status = STORE_TOOL_USAGE;
	NdrparseStatsKey by = NDRPARSE_STATS_BY_REASON;
	NdrparseEventClass event_class;
	gint64 since = 0, until = 0;
	if (!store_parse_options ("stats", entries, &argc, &argv))
		goto out;
	if (by_name && !stats_key (by_name, &by)) {
		fprintf (stderr, "ndrparse-store stats: --by: '%s' (reason, domain, day or class)\n", by_name);
		goto out;
	}
	if ((since_text && !store_parse_time (since_text, &since)) || (until_text && !store_parse_time (until_text, &until))) {
		fprintf (stderr, "ndrparse-store stats: a date is YYYY-MM-DD, ISO 8601 or a Unix time\n");
		goto out;
	}
	if (days < 0 || (days > 0 && since_text)) {
		fprintf (stderr, "ndrparse-store stats: --days is a number of days, instead of --since\n");
		goto out;
	}
	if (only && !ndrparse_event_class_from_name (only, &event_class)) {
		fprintf (stderr, "ndrparse-store stats: --class: '%s' is not an event class\n", only);
		goto out;
	}
	if (days > 0)
		since = g_get_real_time () / G_USEC_PER_SEC - (gint64) days * DAY;
	sprinter_t *sp = store_sprinter (ctx, stats_columns);
	gpointer args[2] = { sp, only };
	GError *error = NULL;
	if (!ndrparse_store_foreach_stat (ctx->store, by, since, until, print_stat, args, &error)) {
		sp->finish (sp);
		status = store_fail ("stats", error);
		goto out;
	}
	status = store_finish (sp, STORE_TOOL_OK);
out:
	g_free (by_name);
	g_free (since_text);
	g_free (until_text);
	g_free (only);
	return status;
}

/* ---- prune ---- */

int
store_command_prune (StoreContext *ctx, int argc, char **argv)
{
	gint days = -1;
	GOptionEntry entries[] = {
		{ "older-than", 0, 0, G_OPTION_ARG_INT, &days, "Delete events older than DAYS days", "DAYS" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	if (!store_parse_options ("prune", entries, &argc, &argv))
		return STORE_TOOL_USAGE;
	if (days < 0 || argc > 1) {
		fprintf (stderr, "ndrparse-store prune: give --older-than=DAYS (and nothing else)\n");
		return STORE_TOOL_USAGE;
	}
	guint64 events, addresses;
	GError *error = NULL;
	gint64 before = g_get_real_time () / G_USEC_PER_SEC - (gint64) days * DAY;
	if (!ndrparse_store_prune (ctx->store, before, &events, &addresses, &error))
		return store_fail ("prune", error);
	fprintf (stderr, "ndrparse-store prune: %" G_GUINT64_FORMAT " events and %" G_GUINT64_FORMAT
		 " active addresses deleted\n", events, addresses);
	return STORE_TOOL_OK;
}

/* ---- policy ---- */

static const char *const policy_columns[] = { "key", "value", "default", "description", NULL };

static void
print_policy (sprinter_t *sp, NdrparseStore *store, const char *key)
{
	char *value = ndrparse_store_get_policy (store, key);
	sp->begin_map (sp);
	sp->map_key (sp, "key");
	sp->string (sp, key);
	sp->map_key (sp, "value");
	sp->string (sp, value);
	sp->map_key (sp, "default");
	sp->string (sp, ndrparse_store_policy_get_default (key));
	sp->map_key (sp, "description");
	sp->string (sp, ndrparse_store_policy_get_description (key));
	sp->end (sp);
	g_free (value);
}

int
store_command_policy (StoreContext *ctx, int argc, char **argv)
{
	GOptionEntry entries[] = { { NULL, 0, 0, 0, NULL, NULL, NULL } };
	if (!store_parse_options ("policy", entries, &argc, &argv))
		return STORE_TOOL_USAGE;
	/* KEY=VALUE sets (KEY= back to the default); KEY shows. */
	for (int i = 1; i < argc; i++) {
		char *eq = strchr (argv[i], '=');
		if (eq == NULL) {
			if (ndrparse_store_policy_get_default (argv[i]) == NULL) {
				fprintf (stderr, "ndrparse-store policy: no setting '%s'\n", argv[i]);
				return STORE_TOOL_USAGE;
			}
			continue;
		}
		*eq = '\0';
		GError *error = NULL;
		if (!ndrparse_store_set_policy (ctx->store, argv[i], eq[1] ? eq + 1 : NULL, &error)) {
			gboolean bad_value = g_error_matches (error, NDRPARSE_STORE_ERROR,
							      NDRPARSE_STORE_ERROR_INVALID_POLICY);
			int status = store_fail ("policy", error);
			return bad_value ? STORE_TOOL_USAGE : status;
		}
	}
	sprinter_t *sp = store_sprinter (ctx, policy_columns);
	gboolean named = FALSE;
	for (int i = 1; i < argc; i++)
		if (strchr (argv[i], '=') == NULL) {
			print_policy (sp, ctx->store, argv[i]);
			named = TRUE;
		}
	for (const char *const *k = ndrparse_store_policy_get_keys (); !named && *k; k++)
		print_policy (sp, ctx->store, *k);
	return store_finish (sp, STORE_TOOL_OK);
}

/* ---- info ---- */

static const char *const info_columns[] = { "uri", "backend", "schema", "suppressed", "review", "active", NULL };

static gboolean
count_address (NdrparseAddressStatus *status, gpointer data)
{
	guint64 *counts = data;
	counts[ndrparse_address_status_get_state (status)]++;
	return TRUE;
}

int
store_command_info (StoreContext *ctx, int argc, char **argv)
{
	GOptionEntry entries[] = { { NULL, 0, 0, 0, NULL, NULL, NULL } };
	if (!store_parse_options ("info", entries, &argc, &argv))
		return STORE_TOOL_USAGE;
	guint64 counts[NDRPARSE_ADDRESS_STATE_SUPPRESSED + 1] = { 0 };
	GError *error = NULL;
	if (!ndrparse_store_foreach_address (ctx->store, NDRPARSE_ADDRESS_STATE_ANY, count_address, counts, &error))
		return store_fail ("info", error);
	sprinter_t *sp = store_sprinter (ctx, info_columns);
	sp->begin_map (sp);
	sp->map_key (sp, "uri");
	sp->string (sp, ndrparse_store_get_uri (ctx->store));
	sp->map_key (sp, "backend");
	sp->string (sp, ndrparse_store_get_backend (ctx->store));
	sp->map_key (sp, "schema");
	sp->integer (sp, ndrparse_store_get_schema_version (ctx->store));
	sp->map_key (sp, "suppressed");
	sp->integer (sp, (gint64) counts[NDRPARSE_ADDRESS_STATE_SUPPRESSED]);
	sp->map_key (sp, "review");
	sp->integer (sp, (gint64) counts[NDRPARSE_ADDRESS_STATE_REVIEW]);
	sp->map_key (sp, "active");
	sp->integer (sp, (gint64) counts[NDRPARSE_ADDRESS_STATE_ACTIVE]);
	sp->end (sp);
	return store_finish (sp, STORE_TOOL_OK);
}
