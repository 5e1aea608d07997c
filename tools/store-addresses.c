/* store-addresses.c - ndrparse-store's address commands: check, list,
 * suppress, unsuppress, import and export (CSV).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "safe-text.h"
#include "store-commands.h"
#include "store-sink.h"

static const char *const status_columns[] = {
	"address", "state", "may_send", "cause", "reason", "since", "score", "bounces", "last_bounce", "note", NULL
};

/* Export and import: what a suppression list needs to move. */
static const char *const csv_columns[] = { "address", "state", "cause", "reason", "since", "note", NULL };

static void
print_status (sprinter_t *sp, const NdrparseAddressStatus *status, const char *const *columns)
{
	sp->begin_map (sp);
	for (const char *const *c = columns; *c; c++) {
		sp->map_key (sp, *c);
		if (strcmp (*c, "address") == 0)
			sp->string (sp, ndrparse_address_status_get_address (status));
		else if (strcmp (*c, "state") == 0)
			sp->string (sp, ndrparse_address_state_get_name (ndrparse_address_status_get_state (status)));
		else if (strcmp (*c, "may_send") == 0)
			sp->boolean (sp, ndrparse_address_status_may_send (status));
		else if (strcmp (*c, "cause") == 0)
			sp->string (sp, ndrparse_cause_get_name (ndrparse_address_status_get_cause (status)));
		else if (strcmp (*c, "reason") == 0) {
			NdrparseReason reason = ndrparse_address_status_get_reason (status);
			sp->string (sp, reason == NDRPARSE_REASON_UNDEFINED && !ndrparse_address_status_is_known (status)
					? NULL : ndrparse_reason_get_name (reason));
		} else if (strcmp (*c, "since") == 0 || strcmp (*c, "last_bounce") == 0) {
			char *t = store_format_time (strcmp (*c, "since") == 0 ? ndrparse_address_status_get_since (status)
								       : ndrparse_address_status_get_last_bounce (status));
			sp->string (sp, t);
			g_free (t);
		} else if (strcmp (*c, "score") == 0) {
			char score[G_ASCII_DTOSTR_BUF_SIZE];
			g_ascii_formatd (score, sizeof score, "%.2f", ndrparse_address_status_get_score (status));
			sp->string (sp, score);
		} else if (strcmp (*c, "bounces") == 0)
			sp->integer (sp, ndrparse_address_status_get_n_bounces (status));
		else
			sp->string (sp, ndrparse_address_status_get_note (status));
	}
	sp->end (sp);
}

/* ---- check ---- */

typedef struct {
	StoreContext *ctx;
	sprinter_t *sp;                 /* json, csv */
	gboolean sendable;
	gboolean any_suppressed;
	GError *error;
} Check;

/* Text, one line an address as it is read: a send job may read the
 * answers while it writes the questions. */
static void
print_check_line (const NdrparseAddressStatus *status)
{
	char *since = store_format_time (ndrparse_address_status_get_since (status));
	NdrparseReason reason = ndrparse_address_status_get_reason (status);
	char *address = safe_text_spaced (ndrparse_address_status_get_address (status));
	printf ("%s\t%s\t%s\t%s\n", address, ndrparse_address_state_get_name (ndrparse_address_status_get_state (status)),
		ndrparse_address_status_is_known (status) && ndrparse_address_status_get_state (status) !=
		NDRPARSE_ADDRESS_STATE_ACTIVE ? ndrparse_reason_get_name (reason) : "-", since ? since : "-");
	g_free (address);
	g_free (since);
}

static gboolean
check_one (const char *address, gpointer data)
{
	Check *c = data;
	NdrparseAddressStatus *status = ndrparse_store_check (c->ctx->store, address, &c->error);
	if (status == NULL)
		return FALSE;
	gboolean may_send = ndrparse_address_status_may_send (status);
	if (!may_send)
		c->any_suppressed = TRUE;
	if (c->sendable) {
		if (may_send)
			printf ("%s\n", address);
	} else if (c->sp) {
		print_status (c->sp, status, status_columns);
	} else {
		print_check_line (status);
	}
	ndrparse_address_status_unref (status);
	return !ferror (stdout);
}

int
store_command_check (StoreContext *ctx, int argc, char **argv)
{
	Check c = { .ctx = ctx };
	GOptionEntry entries[] = {
		{ "sendable", 0, 0, G_OPTION_ARG_NONE, &c.sendable,
		  "Print only the addresses that may be mailed, as given: a send-time filter", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	if (!store_parse_options ("check", entries, &argc, &argv))
		return STORE_TOOL_USAGE;
	if (argc < 2) {
		fprintf (stderr, "ndrparse-store check: no ADDRESS (use - to read them from standard input)\n");
		return STORE_TOOL_USAGE;
	}
	if (strcmp (ctx->format, "text") != 0 && !c.sendable)
		c.sp = store_sprinter (ctx, status_columns);
	/* Stdout in big writes: a send job filters millions of addresses. */
	setvbuf (stdout, NULL, _IOFBF, 1 << 16);
	store_each_address (argc, argv, check_one, &c);
	if (c.error) {
		if (c.sp)
			c.sp->finish (c.sp);
		return store_fail ("check", c.error);
	}
	int status = c.any_suppressed ? STORE_TOOL_SUPPRESSED : STORE_TOOL_OK;
	if (c.sp)
		return store_finish (c.sp, status);
	if (fflush (stdout) != 0 || ferror (stdout)) {
		fprintf (stderr, "ndrparse-store: writing output: %s\n", g_strerror (errno));
		return STORE_TOOL_IO;
	}
	return status;
}

/* ---- list and export ---- */

typedef struct {
	sprinter_t *sp;
	const char *const *columns;
} Listing;

static gboolean
list_one (NdrparseAddressStatus *status, gpointer data)
{
	Listing *l = data;
	print_status (l->sp, status, l->columns);
	return !ferror (stdout);
}

static int
list_addresses (StoreContext *ctx, const char *command, const char *state_name, sprinter_t *sp,
		const char *const *columns)
{
	NdrparseAddressState state = NDRPARSE_ADDRESS_STATE_SUPPRESSED;
	if (state_name && !ndrparse_address_state_from_name (state_name, &state)) {
		fprintf (stderr, "ndrparse-store %s: unknown state '%s' (active, review, suppressed or any)\n",
			 command, state_name);
		sp->finish (sp);
		return STORE_TOOL_USAGE;
	}
	setvbuf (stdout, NULL, _IOFBF, 1 << 16);
	Listing l = { sp, columns };
	GError *error = NULL;
	if (!ndrparse_store_foreach_address (ctx->store, state, list_one, &l, &error)) {
		sp->finish (sp);
		return store_fail (command, error);
	}
	return store_finish (sp, STORE_TOOL_OK);
}

/* list and export: the addresses of --state, printed on @sp (NULL: by
 * the --format) with @columns. */
static int
list_command (StoreContext *ctx, const char *command, int argc, char **argv, gboolean csv,
	      const char *const *columns)
{
	char *state = NULL;
	GOptionEntry entries[] = {
		{ "state", 0, 0, G_OPTION_ARG_STRING, &state, "active, review, suppressed (the default) or any", "STATE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	if (!store_parse_options (command, entries, &argc, &argv))
		return STORE_TOOL_USAGE;
	if (argc > 1) {
		fprintf (stderr, "ndrparse-store %s: no arguments but --state\n", command);
		g_free (state);
		return STORE_TOOL_USAGE;
	}
	sprinter_t *sp = csv ? sprinter_csv_new (stdout, columns) : store_sprinter (ctx, columns);
	int status = list_addresses (ctx, command, state, sp, columns);
	g_free (state);
	return status;
}

int
store_command_list (StoreContext *ctx, int argc, char **argv)
{
	return list_command (ctx, "list", argc, argv, FALSE, status_columns);
}

int
store_command_export (StoreContext *ctx, int argc, char **argv)
{
	return list_command (ctx, "export", argc, argv, TRUE, csv_columns);
}

/* ---- suppress and unsuppress ---- */

typedef struct {
	StoreContext *ctx;
	gboolean suppress;
	NdrparseReason reason;
	const char *note;
	GError *error;
} HandChange;

static gboolean
change_one (const char *address, gpointer data)
{
	HandChange *h = data;
	if (h->suppress)
		return ndrparse_store_suppress (h->ctx->store, address, h->reason, 0, h->note, &h->error);
	return ndrparse_store_unsuppress (h->ctx->store, address, h->note, &h->error);
}

static int
change_by_hand (StoreContext *ctx, gboolean suppress, int argc, char **argv)
{
	const char *command = suppress ? "suppress" : "unsuppress";
	char *reason = NULL, *note = NULL;
	GOptionEntry entries[] = {
		{ "note", 0, 0, G_OPTION_ARG_STRING, &note, "A note for people, kept with the address", "TEXT" },
		{ "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "Why, from the reason vocabulary (suppress)", "REASON" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	HandChange h = { .ctx = ctx, .suppress = suppress, .reason = NDRPARSE_REASON_UNDEFINED };
	int status = STORE_TOOL_USAGE;
	if (!store_parse_options (command, entries, &argc, &argv))
		goto out;
	if (argc < 2) {
		fprintf (stderr, "ndrparse-store %s: no ADDRESS (use - to read them from standard input)\n", command);
		goto out;
	}
	if (reason && (!suppress || !ndrparse_reason_from_name (reason, &h.reason))) {
		fprintf (stderr, "ndrparse-store %s: --reason: '%s' is not a reason\n", command, reason);
		goto out;
	}
	h.note = note;
	/* All the addresses in one transaction: all or none. */
	ndrparse_store_begin_batch (ctx->store);
	gboolean read_all = store_each_address (argc, argv, change_one, &h);
	if (read_all && !ndrparse_store_commit (ctx->store, &h.error))
		read_all = FALSE;
	status = read_all ? STORE_TOOL_OK : store_fail (command, h.error);
out:
	g_free (reason);
	g_free (note);
	return status;
}

int
store_command_suppress (StoreContext *ctx, int argc, char **argv)
{
	return change_by_hand (ctx, TRUE, argc, argv);
}

int
store_command_unsuppress (StoreContext *ctx, int argc, char **argv)
{
	return change_by_hand (ctx, FALSE, argc, argv);
}

/* ---- import ---- */

/* The fields of one CSV record (RFC 4180: quoted fields may hold commas,
 * quotes doubled, and line breaks); FALSE at the end of the input. */
static gboolean
csv_read_record (FILE *in, GPtrArray *fields, guint *line)
{
	g_ptr_array_set_size (fields, 0);
	GString *field = g_string_new (NULL);
	gboolean quoted = FALSE, any = FALSE;
	int c;
	while ((c = getc (in)) != EOF) {
		any = TRUE;
		if (quoted) {
			if (c == '"') {
				int next = getc (in);
				if (next == '"') {
					g_string_append_c (field, '"');
					continue;
				}
				quoted = FALSE;
				if (next == EOF)
					break;
				c = next;
			} else {
				if (c == '\n')
					(*line)++;
				g_string_append_c (field, (char) c);
				continue;
			}
		}
		if (c == '"' && field->len == 0) {
			quoted = TRUE;
		} else if (c == ',') {
			g_ptr_array_add (fields, g_string_free (field, FALSE));
			field = g_string_new (NULL);
		} else if (c == '\n') {
			(*line)++;
			break;
		} else if (c != '\r') {
			g_string_append_c (field, (char) c);
		}
	}
	g_ptr_array_add (fields, g_string_free (field, FALSE));
	return any;
}

typedef struct {
	int address, state, reason, since, note;
} ImportColumns;

static int
column_of (GPtrArray *header, const char *name)
{
	for (guint i = 0; i < header->len; i++)
		if (g_ascii_strcasecmp (g_strstrip ((char *) g_ptr_array_index (header, i)), name) == 0)
			return (int) i;
	return -1;
}

static const char *
field (GPtrArray *fields, int column)
{
	if (column < 0 || (guint) column >= fields->len)
		return NULL;
	const char *value = g_ptr_array_index (fields, column);
	/* export's guard against spreadsheet formulas, taken off */
	if (value[0] == '\'' && strchr ("=+-@", value[1]) && value[1])
		value++;
	return *value ? value : NULL;
}

/* One row: FALSE with a message naming @line when it is not right. */
static gboolean
import_row (StoreContext *ctx, const ImportColumns *col, GPtrArray *fields, guint line, GError **error)
{
	const char *address = field (fields, col->address), *state = field (fields, col->state);
	const char *reason_name = field (fields, col->reason), *since_text = field (fields, col->since);
	NdrparseReason reason = NDRPARSE_REASON_UNDEFINED;
	gint64 since = 0;
	if (state && strcmp (state, "suppressed") != 0)
		return TRUE;    /* an export of every state: only suppressions move */
	if (reason_name && !ndrparse_reason_from_name (reason_name, &reason)) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "line %u: '%s' is not a reason", line, reason_name);
		return FALSE;
	}
	if (since_text && !store_parse_time (since_text, &since)) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "line %u: '%s' is not a date", line, since_text);
		return FALSE;
	}
	GError *bad = NULL;
	if (!ndrparse_store_suppress (ctx->store, address, reason, since, field (fields, col->note), &bad)) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "line %u: %s", line, bad->message);
		g_error_free (bad);
		return FALSE;
	}
	return TRUE;
}

int
store_command_import (StoreContext *ctx, int argc, char **argv)
{
	GOptionEntry entries[] = { { NULL, 0, 0, 0, NULL, NULL, NULL } };
	if (!store_parse_options ("import", entries, &argc, &argv))
		return STORE_TOOL_USAGE;
	const char *path = argc > 1 ? argv[1] : "-";
	FILE *in = strcmp (path, "-") == 0 ? stdin : fopen (path, "r");
	if (in == NULL) {
		fprintf (stderr, "ndrparse-store import: %s: %s\n", path, g_strerror (errno));
		return 66;
	}
	GPtrArray *header = g_ptr_array_new_with_free_func (g_free);
	GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
	guint line = 1, rows = 0;
	int status = STORE_TOOL_OK;
	GError *error = NULL;
	csv_read_record (in, header, &line);
	ImportColumns col = { column_of (header, "address"), column_of (header, "state"), column_of (header, "reason"),
			      column_of (header, "since"), column_of (header, "note") };
	if (col.address < 0) {
		fprintf (stderr, "ndrparse-store import: the first line names no 'address' column\n");
		status = STORE_TOOL_DATA;
		goto out;
	}
	/* One transaction: a file with a bad line imports nothing. */
	ndrparse_store_begin_batch (ctx->store);
	for (guint at = line; csv_read_record (in, fields, &line); at = line) {
		if (fields->len == 1 && *(char *) g_ptr_array_index (fields, 0) == '\0')
			continue;       /* a blank line */
		if (!import_row (ctx, &col, fields, at, &error))
			break;
		rows++;
	}
	if (error) {
		char *safe = safe_text_escaped (error->message);
		fprintf (stderr, "ndrparse-store import: %s: %s (nothing imported)\n", path, safe);
		g_free (safe);
		g_clear_error (&error);
		/* the batch goes with the store handle, uncommitted */
		status = STORE_TOOL_DATA;
	} else if (!ndrparse_store_commit (ctx->store, &error)) {
		status = store_fail ("import", error);
	} else {
		fprintf (stderr, "ndrparse-store import: %u addresses suppressed\n", rows);
	}
out:
	g_ptr_array_unref (header);
	g_ptr_array_unref (fields);
	if (in != stdin)
		fclose (in);
	return status;
}
