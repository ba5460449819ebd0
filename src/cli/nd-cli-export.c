/* nd-cli-export.c — `newapi-desk export-logs`
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   newapi-desk export-logs --dsn URL [--log-dsn URL] [filters]
 *   newapi-desk export-logs --url URL --user-id N [filters]   (slower: 100 rows a request)
 *                           --format csv|jsonl --output FILE [--bom]
 *
 * Exit status: 0 written, 1 the export failed (nothing left at FILE),
 * 2 bad usage (unknown option, malformed filter or DSN), 3 could not
 * connect (server unreachable, wrong password, not a NewAPI database),
 * 130 / 143 stopped by SIGINT (Ctrl-C) / SIGTERM (nothing left either).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <inttypes.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "logs/nd-export.h"
#include "nd-cli.h"
#include "nd-cli-common.h"

#define CMD "export-logs"

/* A signal while rows stream: cancel, so the writer is freed and its
 * temporary file removed, instead of dying with the file half written. */
typedef struct {
  GCancellable *cancellable;
  int signum;                 /* the first one received, 0 none */
} Interrupt;

static gboolean
interrupted_cb (Interrupt *in, int signum)
{
  if (in->signum == 0)
    in->signum = signum;
  g_cancellable_cancel (in->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
sigint_cb (gpointer data)
{
  return interrupted_cb (data, SIGINT);
}

static gboolean
sigterm_cb (gpointer data)
{
  return interrupted_cb (data, SIGTERM);
}

int
nd_cli_export_logs (int argc, char **argv)
{
  NdCliOptions opts = { 0 };
  g_autofree char *format_text = NULL;
  g_autofree char *output = NULL;
  gboolean bom = FALSE;
  gboolean quiet = FALSE;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_text,
      N_("Output format: csv or jsonl (default: from the file name, else csv)"), "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("File to write; it appears only when the export is complete"), "FILE" },
    { "bom", 0, 0, G_OPTION_ARG_NONE, &bom,
      N_("Start a CSV file with a UTF-8 byte order mark (for Excel)"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Print nothing on success"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(NdLogQuery) query = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdExportWriter) writer = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Interrupt in = { cancellable, 0 };
  guint sigint_id, sigterm_id;
  NdExportFormat format = ND_EXPORT_CSV;
  gint64 rows;
  int status = 0;

  context = g_option_context_new (_("— export logs to CSV or JSON Lines"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Without --from/--to every log is exported, newest first. Filters match exactly, "
      "as NewAPI’s log list does.\n"
      "Exit status: 0 done, 1 export failed, 2 bad usage, 3 could not connect."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  nd_cli_options_add (&opts, context, TRUE, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      status = nd_cli_fail (CMD, error, 2);
      goto out;
    }
  if (argc > 1)
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Unexpected argument “%s”"), argv[1]);
      status = nd_cli_fail (CMD, error, 2);
      goto out;
    }
  if (output == NULL)
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Say where to write: --output FILE"));
      status = nd_cli_fail (CMD, error, 2);
      goto out;
    }
  if (format_text != NULL)
    {
      if (!nd_export_format_from_string (format_text, &format))
        {
          g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                       _("Unknown format “%s”: use csv or jsonl"), format_text);
          status = nd_cli_fail (CMD, error, 2);
          goto out;
        }
    }
  else if (g_str_has_suffix (output, ".jsonl") || g_str_has_suffix (output, ".ndjson"))
    format = ND_EXPORT_JSONL;

  query = nd_cli_options_to_query (&opts, g_get_real_time () / G_USEC_PER_SEC, &error);
  if (query == NULL)
    {
      status = nd_cli_fail (CMD, error, 2);
      goto out;
    }

  source = nd_cli_connect (&opts, &error);
  if (source == NULL)
    {
      status = nd_cli_fail (CMD, error,
                            g_error_matches (error, ND_ERROR, ND_ERROR_INVALID_INPUT) ? 2 : 3);
      goto out;
    }
  if (!nd_server_info_has (nd_source_get_info (source), ND_CAP_LOG_EXPORT))
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("This source cannot export logs"));
      status = nd_cli_fail (CMD, error, 1);
      goto out;
    }

  /* NewAPI's log list gives at most 100 rows per request and is rate
   * limited; say so before the wait, not after. */
  if (!quiet && !nd_server_info_has (nd_source_get_info (source), ND_CAP_BULK_READS))
    fprintf (stderr, "%s\n",
             _("Note: exporting over NewAPI’s admin API is slower than from the database "
               "(100 logs per request, within the server’s rate limit)."));

  writer = nd_export_writer_new (output, format, bom, &error);
  if (writer == NULL)
    {
      status = nd_cli_fail (CMD, error, 1);
      goto out;
    }
  sigint_id = g_unix_signal_add (SIGINT, sigint_cb, &in);
  sigterm_id = g_unix_signal_add (SIGTERM, sigterm_cb, &in);
  nd_source_export_logs_async (source, query, nd_export_writer_write, writer, cancellable,
                               nd_cli_store_result, &res);
  nd_cli_wait (&res);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  rows = nd_source_export_logs_finish (source, res, &error);
  if (in.signum != 0)
    {
      /* Even when the last rows were in already: the user said stop. */
      g_clear_pointer (&writer, nd_export_writer_free);
      fprintf (stderr, _("newapi-desk %s: interrupted; nothing was written to %s\n"), CMD, output);
      status = 128 + in.signum;
      goto out;
    }
  if (error != NULL || !nd_export_writer_finish (writer, &error))
    {
      status = nd_cli_fail (CMD, error,
                            g_error_matches (error, ND_ERROR, ND_ERROR_UNSUPPORTED) ? 2 : 1);
      goto out;
    }
  if (!quiet)
    fprintf (stderr, _("newapi-desk %s: wrote %" PRId64 " logs to %s\n"), CMD, rows,
             output);

out:
  g_clear_pointer (&writer, nd_export_writer_free);
  if (source != NULL)
    nd_source_close (source);
  nd_cli_options_clear (&opts);
  return status;
}
