/* nd-report-open.c — File > Open, recent reports, drag and drop: a report
 * file becomes the window's (read-only) session
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-error.h"
#include "nd-report-open.h"
#include "nd-toast.h"
#include "report/nd-report-source.h"

#define MAX_RECENT 6

/* ─── which pages a report can fill ─────────────────────────────────────── */

const char *
nd_report_page_unavailable (NdServerInfo *info, const char *page)
{
  if (info == NULL || info->kind != ND_SOURCE_KIND_REPORT || page == NULL)
    return NULL;
  if (g_str_equal (page, "logs") && !nd_server_info_has (info, ND_CAP_LOGS))
    return _("This report kept no logs. Connect to the gateway to browse them, or save the report "
             "with its logs (newapi-desk report --logs N).");
  if (g_str_equal (page, "redemptions"))
    return _("Reports do not keep redemption codes. Connect to the gateway to see them.");
  if (g_str_equal (page, "channels") && !nd_server_info_has (info, ND_CAP_CHANNELS))
    return _("The gateway did not list its channels when this report was made. Connect to it to "
             "see them.");
  if (g_str_equal (page, "users") && !nd_server_info_has (info, ND_CAP_USERS))
    return _("The gateway did not list its users when this report was made. Connect to it to see "
             "them.");
  if (g_str_equal (page, "tokens") && !nd_server_info_has (info, ND_CAP_TOKENS_ALL_USERS))
    return _("This report has no token list: NewAPI’s API lists only the admin’s own tokens. "
             "Connect to the gateway’s database to see them all.");
  if (g_str_equal (page, "models") && !nd_server_info_has (info, ND_CAP_MODELS))
    return _("The gateway did not list its models when this report was made. Connect to it to "
             "see them.");
  return NULL;
}

/* ─── opening one file ─────────────────────────────────────────────────── */

static void
show_error (NdWindow *window, GFile *file, const char *message)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *heading = g_strdup_printf (_("Could Not Open “%s”"), name);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (window), heading, message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_recent (GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree char *name = g_file_get_basename (file);
  GtkRecentData data = {
    .display_name = name,
    .mime_type = (char *) ND_REPORT_MIME_TYPE,
    .app_name = (char *) "NewAPI Desk",
    .app_exec = (char *) "newapi-desk %f",
  };

  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

typedef struct {
  NdWindow *window;           /* owned */
  GFile *file;
} OpenCtx;

static void
open_ctx_free (OpenCtx *ctx)
{
  g_object_unref (ctx->window);
  g_object_unref (ctx->file);
  g_free (ctx);
}

static void
probed_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  OpenCtx *ctx = user_data;
  NdSource *source = ND_SOURCE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(NdServerInfo) info = nd_source_probe_finish (source, result, &error);

  if (info == NULL)
    {
      /* The reader says what is wrong with the file, in words. */
      if (!nd_error_is_cancelled (error))
        show_error (ctx->window, ctx->file, error->message);
      nd_source_close (source);
    }
  else
    {
      NdReportMeta *meta = nd_report_source_get_meta (ND_REPORT_SOURCE (source));
      g_autoptr(NdProfile) profile =
        g_object_new (ND_TYPE_PROFILE,
                      "name", meta->instance ? meta->instance : meta->system_name,
                      "color", "slate", "read-only", TRUE, NULL);
      g_autoptr(NdSession) session = nd_session_new_for_source (profile, source);

      add_recent (ctx->file);
      nd_window_show_report (ctx->window, session);
    }
  g_object_unref (source);
  open_ctx_free (ctx);
}

void
nd_report_open_file (NdWindow *window, GFile *file)
{
  g_autofree char *path = NULL;
  OpenCtx *ctx;
  NdSource *source;

  g_return_if_fail (ND_IS_WINDOW (window));
  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_error (window, file, _("Only reports on this computer’s disks can be opened."));
      return;
    }
  ctx = g_new0 (OpenCtx, 1);
  ctx->window = g_object_ref (window);
  ctx->file = g_object_ref (file);
  source = nd_report_source_new (path);
  nd_source_probe_async (source, NULL, probed_cb, ctx);
}

/* ─── File > Open ──────────────────────────────────────────────────────── */

GtkFileFilter *
nd_report_file_filter_new (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("NewAPI Desk reports"));
  gtk_file_filter_add_mime_type (filter, ND_REPORT_MIME_TYPE);
  /* Where the MIME database does not know the type yet (run from the
   * build tree), the name still does. */
  gtk_file_filter_add_suffix (filter, "ndreport");
  return filter;
}

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  NdWindow *window = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        nd_report_open_file (window, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
open_report_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NdWindow *window = user_data;
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = nd_report_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Open Report"), GTK_WINDOW (window),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), window);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_recent_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  nd_report_open_file (ND_WINDOW (user_data), file);
}

static void
close_report_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  nd_window_show_report (ND_WINDOW (user_data), NULL);
}

/* ─── recent reports ───────────────────────────────────────────────────── */

static int
newest_first (gconstpointer a, gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_modified (*(GtkRecentInfo **) a);
  GDateTime *tb = gtk_recent_info_get_modified (*(GtkRecentInfo **) b);

  return g_date_time_compare (tb, ta);
}

static void
fill_recent (GMenu *menu)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func ((GDestroyNotify) gtk_recent_info_unref);

  for (GList *l = items; l != NULL; l = l->next)
    {
      GtkRecentInfo *info = l->data;

      if ((g_strcmp0 (gtk_recent_info_get_mime_type (info), ND_REPORT_MIME_TYPE) == 0 ||
           g_str_has_suffix (gtk_recent_info_get_uri (info), ND_REPORT_SUFFIX)) &&
          gtk_recent_info_exists (info))
        g_ptr_array_add (reports, gtk_recent_info_ref (info));
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  g_ptr_array_sort (reports, newest_first);

  g_menu_remove_all (menu);
  for (guint i = 0; i < MIN (reports->len, MAX_RECENT); i++)
    {
      GtkRecentInfo *info = g_ptr_array_index (reports, i);
      g_autoptr(GMenuItem) item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);

      g_menu_item_set_action_and_target (item, "win.open-recent-report", "s",
                                         gtk_recent_info_get_uri (info));
      g_menu_append_item (menu, item);
    }
}

/* ─── drag and drop ────────────────────────────────────────────────────── */

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, gpointer user_data)
{
  NdWindow *window = user_data;
  GFile *file = NULL;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);

      file = files ? files->data : NULL;
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    file = g_value_get_object (value);
  if (file == NULL)
    return FALSE;
  nd_report_open_file (window, file);
  return TRUE;
}

void
nd_report_open_attach (NdWindow *window)
{
  static const GActionEntry actions[] = {
    { "open-report", open_report_action },
    { "open-recent-report", open_recent_action, "s" },
    { "close-report", close_report_action },
  };
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };
  GObject *menu;

  g_action_map_add_action_entries (G_ACTION_MAP (window), actions, G_N_ELEMENTS (actions), window);
  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), window, 0);
  gtk_widget_add_controller (GTK_WIDGET (window), GTK_EVENT_CONTROLLER (target));

  menu = gtk_widget_get_template_child (GTK_WIDGET (window), ND_TYPE_WINDOW, "recent_reports_menu");
  if (menu != NULL)
    {
      fill_recent (G_MENU (menu));
      g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                               G_CALLBACK (fill_recent), menu, G_CONNECT_SWAPPED);
    }
}
