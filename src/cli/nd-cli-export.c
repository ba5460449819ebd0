/* nd-cli-export.c — `newapi-desk export-logs`
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "nd-cli.h"

int
nd_cli_export_logs (int argc, char **argv)
{
  fprintf (stderr, "%s\n", _("The export-logs command is not built yet."));
  return 2;
}
