/* nd-cli-report.c — `newapi-desk report`: a gateway's range → a .ndreport file
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Connects and syncs the facts store like `stats` (same flags, same file),
 * then writes the report (nd_report_write_async). With --output FILE.pdf
 * the report goes to a private temporary file first and the PDF is drawn
 * from it (nd-report-pdf.h), so the PDF says what the .ndreport would
 * have said; --report FILE.ndreport draws the PDF of an existing report.
 * Exit status: 0 written, 1 the report failed (no file is left), 2 bad
 * usage, 3 could not connect.
 */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include <glib/gstdio.h>

#include "nd-cli.h"
#include "nd-cli-facts.h"
#include "nd-time.h"
#include "report/nd-report-pdf.h"

#define CMD "report"

static void
progress_cb (const char *stage, gpointer user_data)
{
  if (GPOINTER_TO_INT (user_data))
    fprintf (stderr, "%s\n", stage);
}

typedef struct {
  char *output;
  char *report;               /* --report: the PDF of this file */
  char *facts_path;
  char *name;
  gboolean no_sync;
  gboolean quiet;
  int max_rows;
  int top_errors;
  int logs;
} ReportArgs;

static void
report_args_clear (ReportArgs *a)
{
  g_free (a->output);
  g_free (a->report);
  g_free (a->facts_path);
  g_free (a->name);
}

static gboolean
is_pdf (const char *path)
{
  return g_str_has_suffix (path, ".pdf") || g_str_has_suffix (path, ".PDF");
}

static int
usage_error (GError **error, const char *message)
{
  g_set_error_literal (error, ND_ERROR, ND_ERROR_INVALID_INPUT, message);
  return 2;
}

/* Checks the arguments; 0 or an exit status with @error set. */
static int
check_args (ReportArgs *a, int argc, char **argv, GError **error)
{
  if (argc > 1)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Unexpected argument “%s”"), argv[1]);
      return 2;
    }
  if (a->output == NULL)
    return usage_error (error, _("Name the file to write with --output FILE.ndreport or FILE.pdf"));
  if (!is_pdf (a->output) && !g_str_has_suffix (a->output, ND_REPORT_SUFFIX))
    return usage_error (error, _("A report file’s name ends with .ndreport (or .pdf for a PDF)"));
  if (a->report != NULL && !is_pdf (a->output))
    return usage_error (error, _("--report makes a PDF of a report: name it with --output FILE.pdf"));
  if (a->max_rows < 0 || a->top_errors < 0)
    return usage_error (error, _("--max-rows and --top-errors must not be negative"));
  if (a->logs < 0 || a->logs > ND_REPORT_MAX_LOGS)
    return usage_error (error, _("--logs must be between 0 and 200000"));
  return 0;
}

/* The PDF of the report at @path; the part of its range the range flags
 * name when @use_flags. 0, or an exit status with @error set. */
static int
write_pdf (NdCliOptions *o, gboolean use_flags, const char *path, const char *output,
           gboolean quiet, GError **error)
{
  g_autoptr(NdSource) source = nd_report_source_new (path);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GAsyncResult) written = NULL;
  g_autoptr(NdServerInfo) info = NULL;
  g_autofree char *font_message = NULL;
  NdReportPdfOptions opts = { 0 };
  int pages;

  if (use_flags)
    {
      opts.preset = o->range;
      if ((o->from_text != NULL && !nd_cli_parse_time (o->from_text, &opts.from, error)) ||
          (o->to_text != NULL && !nd_cli_parse_time (o->to_text, &opts.to, error)))
        return 2;
    }
  nd_source_probe_async (source, NULL, nd_cli_store_result, &res);
  nd_cli_wait (&res);
  info = nd_source_probe_finish (source, res, error);
  if (info == NULL)
    return 1;
  if (!nd_report_pdf_check_fonts (NULL, &font_message) && !quiet)
    fprintf (stderr, "%s\n", font_message);
  nd_report_pdf_write_async (ND_REPORT_SOURCE (source), &opts, output, NULL, nd_cli_store_result,
                             &written);
  nd_cli_wait (&written);
  pages = nd_report_pdf_write_finish (ND_REPORT_SOURCE (source), written, error);
  nd_source_close (source);
  if (pages <= 0)
    return g_error_matches (*error, ND_ERROR, ND_ERROR_INVALID_INPUT) &&
           use_flags && (opts.preset || opts.from || opts.to) ? 2 : 1;
  if (!quiet)
    fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "Wrote %s: %d page\n", "Wrote %s: %d pages\n",
                                  pages), output, pages);
  return 0;
}

/* `report --report FILE.ndreport --output FILE.pdf`: no gateway at all. */
static int
report_pdf_only (NdCliOptions *o, ReportArgs *a)
{
  g_autoptr(GError) error = NULL;
  int code;

  if (o->dsn != NULL || o->url != NULL)
    {
      g_set_error_literal (&error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                           _("--report reads a file: leave out --dsn and --url"));
      return nd_cli_fail (CMD, error, 2);
    }
  code = write_pdf (o, TRUE, a->report, a->output, a->quiet, &error);
  return code == 0 ? 0 : nd_cli_fail (CMD, error, code);
}

static int
report_run (NdCliOptions *o, ReportArgs *a, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdFacts) facts = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdReportMeta) meta = NULL;
  NdReportOptions opts = { 0 };
  NdFactsRange range;
  gint64 now = nd_time_now ();
  g_autofree char *tmp_dir = NULL;
  g_autofree char *report_path = NULL;
  int code;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &a->output, N_("The report file to write"),
      "FILE.ndreport" },
    { "report", 0, 0, G_OPTION_ARG_FILENAME, &a->report,
      N_("Draw the PDF of this report file instead of a gateway’s (with --output FILE.pdf)"),
      "FILE.ndreport" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &a->name,
      N_("The report’s title (default: the gateway’s system name)"), "S" },
    { "facts", 0, 0, G_OPTION_ARG_FILENAME, &a->facts_path,
      N_("Facts file to use (default: one per gateway in the user data folder)"), "FILE" },
    { "no-sync", 0, 0, G_OPTION_ARG_NONE, &a->no_sync, N_("Report what the facts file has without syncing"), NULL },
    { "max-rows", 0, 0, G_OPTION_ARG_INT, &a->max_rows,
      N_("Rows kept per list of channels, users, tokens and models (default 20000)"), "N" },
    { "top-errors", 0, 0, G_OPTION_ARG_INT, &a->top_errors,
      N_("Distinct error messages kept (default 50)"), "N" },
    { "logs", 0, 0, G_OPTION_ARG_INT, &a->logs,
      N_("Also keep the newest N logs of the range, keys masked (default 0, at most 200000)"), "N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &a->quiet, N_("Say nothing on stderr"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Writes an offline report of a range: the dashboard’s "
                                           "figures, and channels, users, tokens and models "
                                           "without their secrets. It opens in NewAPI Desk with "
                                           "no connection, and `stats --report` prints it."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  nd_cli_options_add (o, context, TRUE, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return nd_cli_fail (CMD, error, 2);
  if ((code = check_args (a, argc, argv, &error)) != 0)
    return nd_cli_fail (CMD, error, code);
  if (a->report != NULL)
    return report_pdf_only (o, a);
  if (!nd_cli_facts_range (o, now, &range, &error))
    return nd_cli_fail (CMD, error, 2);

  source = nd_cli_connect (o, &error);
  if (source == NULL)
    return nd_cli_fail (CMD, error, g_error_matches (error, ND_ERROR, ND_ERROR_INVALID_INPUT) ? 2 : 3);
  facts = nd_cli_facts_open (source, a->facts_path, &range, a->no_sync, !a->quiet, &error);
  if (facts == NULL)
    return nd_cli_fail (CMD, error, 1);

  opts.from = range.from;
  opts.to = range.to;
  opts.bucket = range.bucket;
  opts.range_name = o->range != NULL ? o->range
                    : o->from_text == NULL && o->to_text == NULL ? "24h" : NULL;
  opts.instance = a->name;
  opts.max_rows = (guint) a->max_rows;
  opts.top_errors = (guint) a->top_errors;
  opts.max_logs = (guint) a->logs;
  opts.now = now;
  if (is_pdf (a->output))
    {
      /* The report the PDF is drawn from lives only as long as this run. */
      tmp_dir = g_dir_make_tmp ("newapi-desk-report-XXXXXX", &error);
      if (tmp_dir == NULL)
        return nd_cli_fail (CMD, error, 1);
      report_path = g_build_filename (tmp_dir, "report" ND_REPORT_SUFFIX, NULL);
    }
  nd_report_write_async (source, facts, &opts, report_path ? report_path : a->output, progress_cb,
                         GINT_TO_POINTER (!a->quiet), NULL, nd_cli_store_result, &res);
  nd_cli_wait (&res);
  meta = nd_report_write_finish (res, &error);
  nd_source_close (source);
  if (meta != NULL && report_path != NULL)
    code = write_pdf (o, FALSE, report_path, a->output, a->quiet, &error);
  if (report_path != NULL)
    {
      g_unlink (report_path);
      g_rmdir (tmp_dir);
    }
  if (meta == NULL || code != 0)
    return nd_cli_fail (CMD, error, 1);
  if (!a->quiet && report_path == NULL)
    {
      g_autofree char *title = nd_report_meta_dup_title (meta);

      fprintf (stderr, _("Wrote %s: %s\n"), a->output, title);
    }
  return 0;
}

int
nd_cli_report (int argc, char **argv)
{
  NdCliOptions opts = { 0 };
  ReportArgs args = { 0 };
  int status = report_run (&opts, &args, argc, argv);

  report_args_clear (&args);
  nd_cli_options_clear (&opts);
  return status;
}
