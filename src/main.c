/* main.c — the window by default; headless subcommands go to cli/
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "nd-application.h"
#include "nd-cli.h"

int
main (int argc, char *argv[])
{
  g_autoptr(NdApplication) app = NULL;
  int status = 0;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (nd_cli_dispatch (argc, argv, &status))
    return status;

  app = nd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
