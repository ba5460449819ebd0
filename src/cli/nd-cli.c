/* nd-cli.c — subcommand dispatch
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "nd-cli.h"

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "stats", nd_cli_stats, N_("Sync the facts store and print dashboard figures") },
  { "export-logs", nd_cli_export_logs, N_("Export logs matching filters to CSV or JSON Lines") },
  { "report", nd_cli_report, N_("Write an offline report (.ndreport) of a range") },
  { "users", nd_cli_users, N_("List users, change balances, enable or disable users") },
  { "tokens", nd_cli_tokens, N_("List API tokens (every user’s over the database)") },
  { "redemptions", nd_cli_redemptions, N_("Make, list and clean up redemption codes") },
  { "channels", nd_cli_channels, N_("List, enable, disable, edit and test channels") },
  { "models", nd_cli_models, N_("List served models with prices and risks; change a price") },
};

gboolean
nd_cli_dispatch (int argc, char **argv, int *exit_status)
{
  if (argc < 2)
    return FALSE;

  if (g_str_equal (argv[1], "help") || g_str_equal (argv[1], "--help-commands"))
    {
      printf ("%s\n", _("Usage: newapi-desk [COMMAND] [OPTIONS…]"));
      printf ("%s\n", _("Without a command, the window opens."));
      printf ("\n%s\n", _("Commands:"));
      for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        printf ("  %-14s %s\n", commands[i].name, _(commands[i].summary));
      *exit_status = 0;
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        /* The subcommand sees itself as argv[0] so its --help reads right. */
        *exit_status = commands[i].run (argc - 1, argv + 1);
        return TRUE;
      }
  return FALSE;
}
