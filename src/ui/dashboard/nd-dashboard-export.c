/* nd-dashboard-export.c — saving the dashboard's range as a report or a
 * PDF, with progress and cancel; choosing a report to compare with
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "nd-compare-window.h"
#include "nd-dashboard-export.h"
#include "nd-error.h"
#include "nd-report-open.h"
#include "nd-secure-string.h"
#include "nd-toast.h"
#include "nd-window.h"
#include "report/nd-report-pdf.h"
#include "report/nd-report-source.h"

typedef struct {
  GtkWidget *page;
  NdDashboardExportKind kind;
  NdSession *session;
  NdSource *source;             /* the session's, as it was when asked */
  NdFacts *facts;
  NdFactsRange range;
  char *tz_name;                /* range.tz_name points here */
  char *range_name;
  char *path;                   /* what the user chose */
  char *tmp_dir;                /* a live PDF's temporary report */
  char *tmp_report;
  NdSource *report;             /* the report a PDF is drawn from */
  GCancellable *cancellable;
  GtkWidget *dialog;
  GtkProgressBar *bar;
  guint pulse_id;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_handle_id (&job->pulse_id, g_source_remove);
  if (job->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (job->dialog));
  if (job->report != NULL && job->report != job->source)
    nd_source_close (job->report);
  g_clear_object (&job->report);
  if (job->tmp_report != NULL)
    g_unlink (job->tmp_report);
  if (job->tmp_dir != NULL)
    g_rmdir (job->tmp_dir);
  g_free (job->tmp_report);
  g_free (job->tmp_dir);
  g_free (job->path);
  g_free (job->range_name);
  g_free (job->tz_name);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->facts);
  g_clear_object (&job->source);
  g_clear_object (&job->session);
  g_clear_object (&job->page);
  g_free (job);
}

static GtkWindow *
parent_of (GtkWidget *page)
{
  GtkRoot *root = gtk_widget_get_root (page);

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
toast (GtkWidget *page, const char *text)
{
  GtkRoot *root = gtk_widget_get_root (page);

  if (ND_IS_WINDOW (root))
    nd_window_add_toast (ND_WINDOW (root), nd_toast_new (text));
}

static void
finish (ExportJob *job, const GError *error)
{
  g_autofree char *name = g_filename_display_basename (job->path);

  if (error == NULL)
    {
      g_autofree char *text = g_strdup_printf (job->kind == ND_DASHBOARD_EXPORT_PDF
                                               ? _("Exported “%s”") : _("Saved “%s”"), name);

      toast (job->page, text);
    }
  else if (!nd_error_is_cancelled (error))
    {
      g_autofree char *heading = g_strdup_printf (_("Could Not Write “%s”"), name);
      g_autofree char *body = nd_mask_text_dup (error->message);
      GtkWidget *dialog = adw_message_dialog_new (parent_of (job->page), heading, body);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  export_job_free (job);
}

/* ─── progress ─────────────────────────────────────────────────────────── */

static gboolean
pulse (gpointer data)
{
  gtk_progress_bar_pulse (data);
  return G_SOURCE_CONTINUE;
}

static void
progress_response_cb (AdwMessageDialog *dialog, const char *response, ExportJob *job)
{
  /* The dialog closes itself; the job ends when the writer has stopped. */
  job->dialog = NULL;
  g_cancellable_cancel (job->cancellable);
}

static void
show_progress (ExportJob *job)
{
  g_autofree char *name = g_filename_display_basename (job->path);
  g_autofree char *heading = g_strdup_printf (job->kind == ND_DASHBOARD_EXPORT_PDF
                                              ? _("Exporting “%s”") : _("Saving “%s”"), name);

  job->dialog = adw_message_dialog_new (parent_of (job->page), heading, _("Starting…"));
  job->bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (job->dialog), GTK_WIDGET (job->bar));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (job->dialog), "cancel", _("_Cancel"));
  g_signal_connect (job->dialog, "response", G_CALLBACK (progress_response_cb), job);
  job->pulse_id = g_timeout_add (120, pulse, job->bar);
  gtk_window_present (GTK_WINDOW (job->dialog));
}

static void
stage (const char *text, gpointer user_data)
{
  ExportJob *job = user_data;

  if (job->dialog != NULL)
    adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (job->dialog), text);
}

/* ─── the work ─────────────────────────────────────────────────────────── */

static void
pdf_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  ExportJob *job = user_data;
  g_autoptr(GError) error = NULL;

  nd_report_pdf_write_finish (ND_REPORT_SOURCE (object), result, &error);
  finish (job, error);
}

static void
write_pdf (ExportJob *job, gboolean whole_report)
{
  NdReportPdfOptions opts = { 0 };

  stage (_("Drawing the pages…"), job);
  if (!whole_report)
    {
      opts.from = job->range.from;
      opts.to = job->range.to;
    }
  nd_report_pdf_write_async (ND_REPORT_SOURCE (job->report), &opts, job->path, job->cancellable,
                             pdf_done, job);
}

static void
tmp_report_probed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  ExportJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdServerInfo) info = nd_source_probe_finish (ND_SOURCE (object), result, &error);

  if (info == NULL)
    return finish (job, error);
  write_pdf (job, TRUE);
}

static void
report_written (GObject *object, GAsyncResult *result, gpointer user_data)
{
  ExportJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdReportMeta) meta = nd_report_write_finish (result, &error);

  if (meta == NULL || job->kind == ND_DASHBOARD_SAVE_REPORT)
    return finish (job, error);
  job->report = nd_report_source_new (job->tmp_report);
  nd_source_probe_async (job->report, job->cancellable, tmp_report_probed, job);
}

static void
start (ExportJob *job)
{
  NdReportOptions opts = { 0 };
  g_autoptr(GError) error = NULL;

  show_progress (job);
  if (job->kind == ND_DASHBOARD_EXPORT_PDF && ND_IS_REPORT_SOURCE (job->source))
    {
      job->report = g_object_ref (job->source);
      write_pdf (job, FALSE);
      return;
    }
  if (job->kind == ND_DASHBOARD_EXPORT_PDF)
    {
      job->tmp_dir = g_dir_make_tmp ("newapi-desk-pdf-XXXXXX", &error);
      if (job->tmp_dir == NULL)
        return finish (job, error);
      job->tmp_report = g_build_filename (job->tmp_dir, "report" ND_REPORT_SUFFIX, NULL);
    }
  opts.from = job->range.from;
  opts.to = job->range.to;
  opts.bucket = job->range.bucket;
  opts.range_name = job->range_name;
  opts.now = job->range.now;
  nd_report_write_async (job->source, job->facts, &opts,
                         job->tmp_report ? job->tmp_report : job->path, stage, job,
                         job->cancellable, report_written, job);
}

/* ─── choosing the file ────────────────────────────────────────────────── */

static char *
with_suffix (GFile *file, const char *suffix)
{
  g_autofree char *path = g_file_get_path (file);

  if (path == NULL || g_str_has_suffix (path, suffix))
    return g_steal_pointer (&path);
  return g_strconcat (path, suffix, NULL);
}

static void
save_response_cb (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  ExportJob *job = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  if (file == NULL)
    return export_job_free (job);
  job->path = with_suffix (file, job->kind == ND_DASHBOARD_EXPORT_PDF ? ".pdf" : ND_REPORT_SUFFIX);
  if (job->path == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (ND_ERROR, ND_ERROR_INVALID_INPUT,
                                                     _("Choose a folder on this computer"));

      job->path = g_file_get_basename (file);
      return finish (job, error);
    }
  start (job);
}

/* "Gateway 2026-01-25.ndreport": the instance and the range's first day. */
static char *
suggested_name (ExportJob *job)
{
  NdServerInfo *info = nd_source_get_info (job->source);
  NdProfile *profile = nd_session_get_profile (job->session);
  const char *name = info && info->system_name && *info->system_name ? info->system_name
                     : nd_profile_get_name (profile);
  g_autoptr(GTimeZone) zone = nd_facts_range_dup_zone (&job->range);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (job->range.from);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);
  g_autofree char *day = g_date_time_format (local, "%Y-%m-%d");
  g_autofree char *masked = nd_mask_text_dup (name && *name ? name : "NewAPI");

  g_strdelimit (masked, "/\\:", '-');
  return g_strdup_printf ("%s %s%s", masked, day,
                          job->kind == ND_DASHBOARD_EXPORT_PDF ? ".pdf" : ND_REPORT_SUFFIX);
}

void
nd_dashboard_export (GtkWidget *page, NdDashboardExportKind kind, NdSession *session, NdFacts *facts,
                     const NdFactsRange *range, const char *range_name)
{
  ExportJob *job;
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (ND_IS_SESSION (session) && ND_IS_FACTS (facts) && range != NULL);
  if (nd_session_get_source (session) == NULL)
    return;

  job = g_new0 (ExportJob, 1);
  job->page = g_object_ref (page);
  job->kind = kind;
  job->session = g_object_ref (session);
  job->source = g_object_ref (nd_session_get_source (session));
  job->facts = g_object_ref (facts);
  job->range = *range;
  job->tz_name = g_strdup (range->tz_name);
  job->range.tz_name = job->tz_name;
  job->range_name = g_strcmp0 (range_name, "report") == 0 ? NULL : g_strdup (range_name);
  job->cancellable = g_cancellable_new ();

  if (kind == ND_DASHBOARD_EXPORT_PDF)
    {
      filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("PDF documents"));
      gtk_file_filter_add_mime_type (filter, "application/pdf");
      gtk_file_filter_add_suffix (filter, "pdf");
    }
  else
    filter = nd_report_file_filter_new ();
  chooser = gtk_file_chooser_native_new (kind == ND_DASHBOARD_EXPORT_PDF ? _("Export PDF")
                                                                         : _("Save Report"),
                                         parent_of (page), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         kind == ND_DASHBOARD_EXPORT_PDF ? _("_Export") : _("_Save"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  name = suggested_name (job);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), job);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ─── compare ──────────────────────────────────────────────────────────── */

typedef struct {
  GtkWidget *page;
  NdSession *session;
  NdFacts *facts;
  NdFactsRange range;
  char *tz_name;
} CompareAsk;

static void
compare_response_cb (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  CompareAsk *ask = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  if (file != NULL)
    nd_compare_window_open (parent_of (ask->page), ask->session, ask->facts, &ask->range, file);
  g_object_unref (ask->page);
  g_object_unref (ask->session);
  g_object_unref (ask->facts);
  g_free (ask->tz_name);
  g_free (ask);
}

void
nd_dashboard_compare (GtkWidget *page, NdSession *session, NdFacts *facts, const NdFactsRange *range)
{
  CompareAsk *ask = g_new0 (CompareAsk, 1);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = nd_report_file_filter_new ();

  ask->page = g_object_ref (page);
  ask->session = g_object_ref (session);
  ask->facts = g_object_ref (facts);
  ask->range = *range;
  ask->tz_name = g_strdup (range->tz_name);
  ask->range.tz_name = ask->tz_name;
  chooser = gtk_file_chooser_native_new (_("Compare With a Report"), parent_of (page),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Compare"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (compare_response_cb), ask);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

char *
nd_dashboard_report_made_text (const NdReportMeta *meta)
{
  NdFactsRange range;
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (meta->created_at);
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *when = NULL;

  nd_report_meta_get_range (meta, NULL, &range, NULL);
  zone = nd_facts_range_dup_zone (&range);
  local = g_date_time_to_timezone (utc, zone);
  when = g_date_time_format (local, "%Y-%m-%d %H:%M");
  /* Translators: where the dashboard says when it synced, for a report */
  return g_strdup_printf (_("Report made %s"), when);
}
