/* store-commands.h - the commands of ndrparse-store(1), each a function
 * from its arguments (after the command name) to an exit status.
 */
#ifndef NDRPARSE_STORE_COMMANDS_H
#define NDRPARSE_STORE_COMMANDS_H

#include <stdio.h>

#include <ndrparse.h>

#include "sprinter.h"

enum {
	STORE_TOOL_OK = 0,
	STORE_TOOL_SUPPRESSED = 1,      /* check: some address must not be mailed */
	STORE_TOOL_USAGE = 64,          /* EX_USAGE */
	STORE_TOOL_DATA = 65,           /* EX_DATAERR: a bad line of input */
	STORE_TOOL_IO = 74,             /* EX_IOERR: output not written */
	/* 75 and 78: store-sink.h (the store's own failures) */
};

typedef struct {
	NdrparseStore *store;
	const char *format;             /* text, json or csv */
} StoreContext;

typedef int (*StoreCommand) (StoreContext *ctx, int argc, char **argv);

/* store-addresses.c */
int store_command_check (StoreContext *ctx, int argc, char **argv);
int store_command_list (StoreContext *ctx, int argc, char **argv);
int store_command_suppress (StoreContext *ctx, int argc, char **argv);
int store_command_unsuppress (StoreContext *ctx, int argc, char **argv);
int store_command_import (StoreContext *ctx, int argc, char **argv);
int store_command_export (StoreContext *ctx, int argc, char **argv);
/* store-admin.c */
int store_command_stats (StoreContext *ctx, int argc, char **argv);
int store_command_prune (StoreContext *ctx, int argc, char **argv);
int store_command_policy (StoreContext *ctx, int argc, char **argv);
int store_command_info (StoreContext *ctx, int argc, char **argv);

/* ndrparse-store.c: shared by the commands */

/* Parses a command's options (@entries) from @argc/@argv, in place; FALSE
 * after a message on stderr. */
gboolean store_parse_options (const char *command, GOptionEntry *entries, int *argc, char ***argv);
/* The exit status for @error after one line on stderr. */
int store_fail (const char *command, GError *error);
/* A sprinter on stdout for ctx->format with @columns (text and csv); NULL
 * after a message for an unknown format. */
sprinter_t *store_sprinter (const StoreContext *ctx, const char *const *columns);
/* Ends @sp; STORE_TOOL_IO after a message when stdout failed. */
int store_finish (sprinter_t *sp, int status);
/* @time as ISO 8601 UTC, or NULL for 0. */
char *store_format_time (gint64 time);
/* Reads "2026-12-01", "2026-12-01T10:00:00Z" or a Unix time; FALSE when not one. */
gboolean store_parse_time (const char *text, gint64 *time);
/* Calls @func for each address of @argv, or each line of stdin for "-". */
typedef gboolean (*StoreAddressFunc) (const char *address, gpointer data);
gboolean store_each_address (int argc, char **argv, StoreAddressFunc func, gpointer data);

#endif
