/* nd-cli-manage.h — what the management commands (tokens, redemptions, …)
 * share: verbs, whole lists, JSON on stdout
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "nd-cli-common.h"

G_BEGIN_DECLS

typedef struct {
  const char *name;                        /* "list" */
  int (*run) (int argc, char **argv);      /* argv[0] is the verb */
  const char *summary;                     /* N_() */
} NdCliVerb;

/* Runs the verb argv[1] of @command (argv[0]); an unknown or missing verb
 * prints the verbs and returns 2. */
int         nd_cli_run_verb   (const char *command, const NdCliVerb *verbs, guint n_verbs,
                               int argc, char **argv);

/* Parses @argc/@argv for one action: @entries (may be NULL), the
 * connection options and, for a @write, --read-write and --act-as; the
 * --help text is @summary ("— list API tokens") and @description. Stray
 * arguments and a write without --read-write are refused. FALSE after
 * saying why: the caller exits 2 with nothing changed. @command names the
 * action in messages ("tokens list"). */
gboolean    nd_cli_parse_manage (NdCliOptions *opts, const GOptionEntry *entries,
                                 const char *summary, const char *description, gboolean write,
                                 const char *command, int *argc, char ***argv);

/* Exit status for a failed connection: 2 when the options were wrong, 3
 * when the gateway could not be reached or refused us. */
int         nd_cli_connect_status (const GError *error);

typedef void (*NdCliListFunc) (NdSource *source, const NdListQuery *query,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);

/* Every row @list gives for @query (offset and limit are ours), page after
 * page. NULL with @error set on the first failure. */
GPtrArray  *nd_cli_list_all   (NdSource *source, NdCliListFunc list, const NdListQuery *query,
                               GError **error);

/* Writes @root to stdout as indented JSON and a newline. */
void        nd_cli_print_json (JsonNode *root);

/* "2026-01-31 08:00" in local time; @never for 0 / -1. */
char       *nd_cli_format_time (gint64 t, const char *never);

/* Appends @text to @out padded to @width display columns (CJK counts
 * twice), cut with "…" when longer. */
void        nd_cli_append_cell (GString *out, const char *text, int width);

G_END_DECLS
