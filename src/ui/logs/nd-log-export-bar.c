/* nd-log-export-bar.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "logs/nd-export.h"
#include "nd-log-export-bar.h"
#include "nd-page.h"
#include "nd-toast.h"

/* One export. It outlives the bar if the page goes meanwhile: the rows
 * and the rename still finish, nothing touches the widgets. */
typedef struct {
  NdLogExportBar *bar;          /* unowned, cleared on dispose */
  NdExportWriter *writer;
  GCancellable *cancellable;
  char *path;
  gint64 rows;
  gint64 expected;
  guint progress_id;
} ExportJob;

struct _NdLogExportBar
{
  GtkWidget parent_instance;

  /* template */
  GtkRevealer *revealer;
  GtkLabel *label;
  GtkLabel *note;
  GtkProgressBar *progress;
  GtkButton *cancel_button;

  ExportJob *job;
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (NdLogExportBar, nd_log_export_bar, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_RUNNING, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
export_job_free (ExportJob *job)
{
  g_clear_handle_id (&job->progress_id, g_source_remove);
  g_clear_pointer (&job->writer, nd_export_writer_free);
  g_clear_object (&job->cancellable);
  g_free (job->path);
  g_free (job);
}

static gboolean
progress_cb (gpointer user_data)
{
  ExportJob *job = user_data;
  NdLogExportBar *self = job->bar;
  gint64 rows = nd_export_writer_get_rows (job->writer);
  g_autofree char *n = nd_format_count (rows);
  g_autofree char *text = NULL;

  if (self == NULL)
    return G_SOURCE_CONTINUE;
  text = g_strdup_printf (_("Exporting… %s logs"), n);
  gtk_label_set_text (self->label, text);
  if (job->expected > 0)
    gtk_progress_bar_set_fraction (self->progress, MIN (1.0, (double) rows / job->expected));
  else
    gtk_progress_bar_pulse (self->progress);
  return G_SOURCE_CONTINUE;
}

/* The end of an export: the toast, and the job goes. */
static void
report (ExportJob *job, GError *error)
{
  NdLogExportBar *self = job->bar;

  if (self != NULL)
    {
      g_autofree char *msg = NULL;

      gtk_revealer_set_reveal_child (self->revealer, FALSE);
      if (error == NULL)
        {
          g_autofree char *n = nd_format_count (job->rows);
          g_autofree char *base = g_path_get_basename (job->path);

          msg = g_strdup_printf (_("Exported %s logs to %s"), n, base);
        }
      else if (nd_error_is_cancelled (error))
        msg = g_strdup (_("Export cancelled; no file was written"));
      else
        msg = g_strdup_printf (_("Export failed: %s"), error->message);
      nd_toast_show (GTK_WIDGET (self), msg);
      self->job = NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
    }
  export_job_free (job);
}

static void
finish_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  /* fflush + fsync + fclose + rename: seconds on a slow disk. */
  if (nd_export_writer_finish (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
finished (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  report (user_data, error);
}

static void
rows_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  ExportJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  job->rows = nd_source_export_logs_finish (ND_SOURCE (object), result, &error);
  if (error != NULL)
    {
      report (job, error);
      return;
    }
  /* Every row is written: the rest is the disk's, off the main thread.
   * No source object and no cancellable: the page may go meanwhile (it
   * clears job->bar), and a complete file is not cancelled any more. */
  g_clear_handle_id (&job->progress_id, g_source_remove);
  if (job->bar != NULL)
    {
      gtk_label_set_text (job->bar->label, _("Saving…"));
      gtk_widget_set_sensitive (GTK_WIDGET (job->bar->cancel_button), FALSE);
    }
  task = g_task_new (NULL, NULL, finished, job);
  g_task_set_source_tag (task, rows_done);
  g_task_set_task_data (task, job->writer, NULL);
  g_task_run_in_thread (task, finish_thread);
}

void
nd_log_export_bar_start (NdLogExportBar *self, NdSource *source, const NdLogQuery *query,
                         const char *path, gint64 expected_rows)
{
  NdExportFormat format = g_str_has_suffix (path, ".jsonl") || g_str_has_suffix (path, ".ndjson")
                          ? ND_EXPORT_JSONL : ND_EXPORT_CSV;
  gboolean bom = self->settings ? g_settings_get_boolean (self->settings, "csv-bom") : FALSE;
  NdServerInfo *info = nd_source_get_info (source);
  g_autoptr(GError) error = NULL;
  NdExportWriter *writer;
  ExportJob *job;

  g_return_if_fail (ND_IS_LOG_EXPORT_BAR (self));
  g_return_if_fail (ND_IS_SOURCE (source));

  if (self->job != NULL)
    return;
  writer = nd_export_writer_new (path, format, bom, &error);
  if (writer == NULL)
    {
      nd_toast_show (GTK_WIDGET (self), error->message);
      return;
    }
  job = g_new0 (ExportJob, 1);
  job->bar = self;
  job->writer = writer;
  job->cancellable = g_cancellable_new ();
  job->path = g_strdup (path);
  job->expected = expected_rows;
  job->progress_id = g_timeout_add (200, progress_cb, job);
  self->job = job;
  gtk_label_set_text (self->label, _("Exporting…"));
  /* Over the admin API the export pages 100 rows a request: say so. */
  gtk_widget_set_visible (GTK_WIDGET (self->note),
                          info != NULL && !nd_server_info_has (info, ND_CAP_BULK_READS));
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), TRUE);
  gtk_revealer_set_reveal_child (self->revealer, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  nd_source_export_logs_async (source, query, nd_export_writer_write, writer, job->cancellable,
                               rows_done, job);
}

/* ---- the file chooser -------------------------------------------------- */

typedef struct {
  NdLogExportBar *bar;
  NdSource *source;
  NdLogQuery *query;
  gint64 expected;
} Choice;

static void
choice_free (Choice *c)
{
  g_object_unref (c->bar);
  g_object_unref (c->source);
  nd_log_query_free (c->query);
  g_free (c);
}

static void
response_cb (GtkNativeDialog *dialog, int response, Choice *c)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        nd_log_export_bar_start (c->bar, c->source, c->query, path, c->expected);
    }
  choice_free (c);
  g_object_unref (dialog);
}

void
nd_log_export_bar_choose (NdLogExportBar *self, NdSource *source, const NdLogQuery *query,
                          gint64 expected_rows)
{
  GtkFileChooserNative *dialog;
  GtkFileFilter *csv, *jsonl;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M");
  g_autofree char *name = g_strdup_printf ("newapi-logs-%s.csv", stamp);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  Choice *c = g_new0 (Choice, 1);

  c->bar = g_object_ref (self);
  c->source = g_object_ref (source);
  c->query = nd_log_query_copy (query);
  c->expected = expected_rows;
  dialog = gtk_file_chooser_native_new (_("Export Logs"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  csv = gtk_file_filter_new ();
  gtk_file_filter_set_name (csv, _("CSV (spreadsheets)"));
  gtk_file_filter_add_pattern (csv, "*.csv");
  jsonl = gtk_file_filter_new ();
  gtk_file_filter_set_name (jsonl, _("JSON Lines (NewAPI field names)"));
  gtk_file_filter_add_pattern (jsonl, "*.jsonl");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), csv);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), jsonl);
  g_object_unref (csv);
  g_object_unref (jsonl);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), c);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* ---- object ------------------------------------------------------------ */

gboolean
nd_log_export_bar_is_running (NdLogExportBar *self)
{
  g_return_val_if_fail (ND_IS_LOG_EXPORT_BAR (self), FALSE);
  return self->job != NULL;
}

static void
cancel_clicked_cb (NdLogExportBar *self)
{
  if (self->job != NULL)
    g_cancellable_cancel (self->job->cancellable);
}

static void
nd_log_export_bar_dispose (GObject *object)
{
  NdLogExportBar *self = ND_LOG_EXPORT_BAR (object);

  if (self->job != NULL)
    {
      /* The export finishes (cancelled) on its own; it must not touch us. */
      g_cancellable_cancel (self->job->cancellable);
      self->job->bar = NULL;
      self->job = NULL;
    }
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (object), ND_TYPE_LOG_EXPORT_BAR);
  G_OBJECT_CLASS (nd_log_export_bar_parent_class)->dispose (object);
}

static void
nd_log_export_bar_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, ND_LOG_EXPORT_BAR (object)->job != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_log_export_bar_class_init (NdLogExportBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_log_export_bar_dispose;
  object_class->get_property = nd_log_export_bar_get_property;
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-log-export-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, NdLogExportBar, revealer);
  gtk_widget_class_bind_template_child (widget_class, NdLogExportBar, label);
  gtk_widget_class_bind_template_child (widget_class, NdLogExportBar, note);
  gtk_widget_class_bind_template_child (widget_class, NdLogExportBar, progress);
  gtk_widget_class_bind_template_child (widget_class, NdLogExportBar, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
nd_log_export_bar_init (NdLogExportBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = nd_page_settings_new ();
}
