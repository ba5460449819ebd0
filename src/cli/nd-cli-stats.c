/* nd-cli-stats.c — `newapi-desk stats`
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "nd-cli.h"

int
nd_cli_stats (int argc, char **argv)
{
  fprintf (stderr, "%s\n", _("The stats command is not built yet."));
  return 2;
}
