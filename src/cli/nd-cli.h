/* nd-cli.h — headless subcommands: core + charts only, no display needed
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns TRUE when argv[1] names a subcommand; *exit_status is then set. */
gboolean nd_cli_dispatch     (int argc, char **argv, int *exit_status);

/* One file per subcommand; each parses its own options. */
int      nd_cli_stats        (int argc, char **argv);
int      nd_cli_export_logs  (int argc, char **argv);
int      nd_cli_report       (int argc, char **argv);
int      nd_cli_users        (int argc, char **argv);
int      nd_cli_tokens       (int argc, char **argv);
int      nd_cli_redemptions  (int argc, char **argv);
int      nd_cli_channels     (int argc, char **argv);
int      nd_cli_models       (int argc, char **argv);

G_END_DECLS
