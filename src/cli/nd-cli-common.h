/* nd-cli-common.h — options every headless subcommand shares
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Connection: --dsn URL [--log-dsn URL] (PostgreSQL; passwords from the DSN,
 * PGPASSWORD or ~/.pgpass) or --url URL --user-id N (admin API; token from
 * NEWAPI_DESK_TOKEN). Range: --from T --to T (unix seconds or ISO 8601,
 * half-open [from, to)) or --range 24h|7d|30d. Filters: --type N,
 * --username S, --token-name S, --model S (repeatable), --channel ID
 * (repeatable), --group S, --ip S, --request-id S.
 */
#pragma once

#include <gio/gio.h>

#include "logs/nd-log-query.h"
#include "nd-source.h"

G_BEGIN_DECLS

typedef struct {
  /* connection */
  char *dsn;
  char *log_dsn;
  char *url;
  gint64 user_id;
  /* range */
  char *range;            /* "24h", "7d", "30d" or NULL */
  char *from_text;
  char *to_text;
  /* filters */
  int type;
  char *username;
  char *token_name;
  char **models;
  char **channels;
  char *group;
  char *ip;
  char *request_id;
  /* writes (nd_cli_options_add_write) */
  gboolean read_write;
  gint64 act_as;
} NdCliOptions;

/* Adds the connection options to @context (always) and, when asked, the
 * range and filter options. The entries point into @opts. */
void        nd_cli_options_add       (NdCliOptions *opts, GOptionContext *context,
                                      gboolean with_range, gboolean with_filters);
void        nd_cli_options_clear     (NdCliOptions *opts);
/* Adds --read-write (without it a write changes nothing and the command
 * exits 2) and --act-as ID (the admin the audit rows name over PostgreSQL;
 * default: the lowest-id root user). */
void        nd_cli_options_add_write (NdCliOptions *opts, GOptionContext *context);
/* For a write command: FALSE after printing why when --read-write is
 * missing (the caller exits 2 before connecting: nothing is changed). */
gboolean    nd_cli_check_read_write  (NdCliOptions *opts, const char *command);

/* Parses a time: unix seconds, or ISO 8601 ("2026-01-01", "2026-01-01T08:00",
 * "2026-01-01T08:00:00+08:00"; no zone = local time). */
gboolean    nd_cli_parse_time        (const char *text, gint64 *out, GError **error);

/* Resolves --range/--from/--to against @now. With nothing given, from = to = 0
 * (unbounded) unless @default_range is set ("24h"…). */
gboolean    nd_cli_options_get_range (NdCliOptions *opts, gint64 now, const char *default_range,
                                      gint64 *from, gint64 *to, GError **error);
/* The filters (and range) as a log query. */
NdLogQuery *nd_cli_options_to_query  (NdCliOptions *opts, gint64 now, GError **error);

/* Builds and probes the source the options name. Blocks on a private main
 * loop; a bad DSN, unreachable server, wrong password or missing token gives
 * a clear error. */
NdSource   *nd_cli_connect           (NdCliOptions *opts, GError **error);
/* The source management commands use: with --dsn and --url together the
 * API (so NewAPI's caches stay right), else whichever was given; writable
 * only with --read-write. */
NdSource   *nd_cli_connect_manage    (NdCliOptions *opts, GError **error);
/* Runs @context's main loop until *slot is set. */
GAsyncResult *nd_cli_wait            (GAsyncResult **slot);
void        nd_cli_store_result      (GObject *source, GAsyncResult *result, gpointer slot);

/* Prints "newapi-desk CMD: message" to stderr and returns @code. */
int         nd_cli_fail              (const char *command, const GError *error, int code);

G_END_DECLS
