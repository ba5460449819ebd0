/* nd-cli-channels.h — what the `channels` subcommands share
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-cli-common.h"

G_BEGIN_DECLS

#define ND_CLI_CHANNELS "channels"

/* Channel ids from the words left after the options (argv[1] on); FALSE
 * with ND_ERROR_INVALID_INPUT for a word that is not one. */
gboolean nd_cli_channels_parse_ids (int argc, char **argv, GArray *ids, GError **error);
/* The connect failure's exit status: 2 for bad options, 3 otherwise. */
int      nd_cli_channels_connect_status (const GError *error);
/* `channels test` (nd-cli-channels-test.c); argv[0] is "test". */
int      nd_cli_channels_test      (int argc, char **argv);

G_END_DECLS
