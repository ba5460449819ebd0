/* nd-logs-page.c — the log browser: the table and its count and totals,
 * live tail, and the parts it is made of (the filter bar, the column set,
 * the detail pane, the export bar)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-log-columns.h"
#include "nd-log-detail.h"
#include "nd-log-export-bar.h"
#include "nd-log-filter-bar.h"
#include "nd-log-model.h"
#include "nd-logs-page.h"
#include "nd-toast.h"
#include "nd-wrap-box.h"

/* Live tail poll interval. NewAPI rate-limits its API to 360 requests per
 * 180 s per IP, shared with everything else the app asks, so over HTTP
 * poll far less often than over PostgreSQL. */
#define TAIL_SECONDS 2
#define TAIL_SECONDS_HTTP 10

struct _NdLogsPage
{
  NdPage parent_instance;

  /* template */
  NdLogFilterBar *filter_bar;
  GtkLabel *count_label;
  GtkLabel *totals_label;
  GtkSpinner *spinner;
  GtkToggleButton *live_button;
  GtkButton *refresh_button;
  GtkBox *columns_box;
  GtkButton *export_button;
  GtkStack *list_stack;
  GtkColumnView *column_view;
  NdLogDetail *detail;
  NdLogExportBar *export_bar;

  /* owned */
  NdLogModel *model;
  GtkSingleSelection *selection;
  NdLogColumns *columns;
  GSettings *settings;
  GCancellable *cancellable;      /* estimate and totals; renewed per filter */
  NdSource *source;               /* the source the model and lists come from */
  NdLogEstimate estimate;
  gboolean have_estimate;
  NdLogItem *detail_item;
  gulong detail_handler;
  guint tail_id;
  guint tail_seconds;             /* interval of tail_id, 0 when off */
  gboolean disposed;              /* template children are gone */
};

G_DEFINE_FINAL_TYPE (NdLogsPage, nd_logs_page, ND_TYPE_PAGE)

static void show_detail (NdLogsPage *self, NdLogItem *item);

static NdSource *
page_source (NdLogsPage *self)
{
  NdSession *session = nd_page_get_session (ND_PAGE (self));

  if (session == NULL || nd_session_get_state (session) != ND_SESSION_CONNECTED)
    return NULL;
  return nd_session_get_source (session);
}

static NdServerInfo *
page_info (NdLogsPage *self)
{
  NdSession *session = nd_page_get_session (ND_PAGE (self));

  return session ? nd_session_get_info (session) : NULL;
}

/* ---- count and totals --------------------------------------------------- */

static void
estimate_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdLogsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  NdLogEstimate est;
  g_autofree char *n = NULL;
  g_autofree char *text = NULL;

  if (!nd_source_estimate_logs_finish (ND_SOURCE (object), result, &est, &error) || self->disposed)
    {
      /* A source may fail at once (unsupported) without looking at the
       * cancellable: after dispose there is no label to set. */
      if (error != NULL && !nd_error_is_cancelled (error) && !self->disposed)
        gtk_label_set_text (self->count_label, _("Count unavailable"));
      return;
    }
  self->estimate = est;
  self->have_estimate = TRUE;
  if (est.exact)
    {
      n = nd_format_count (est.rows);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s log", "%s logs", est.rows), n);
    }
  else
    {
      n = nd_format_count_compact (est.rows);
      /* Translators: an estimate, e.g. "≈ 1.2 M logs" */
      text = g_strdup_printf (_("≈ %s logs"), n);
      /* Over the database the planner estimates; over the API NewAPI
       * counts by user name while the list checks each row's user id. */
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->count_label),
                                   page_info (self) != NULL &&
                                   nd_server_info_has (page_info (self), ND_CAP_BULK_READS)
                                   ? _("Estimated by PostgreSQL’s planner; counting every row "
                                       "would take too long on a table this size")
                                   : _("Counted by NewAPI by user name: rows the user wrote under "
                                       "another name are not in the list"));
    }
  gtk_label_set_text (self->count_label, text);
}

static void
totals_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdLogsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  NdServerInfo *info;
  NdLogTotals t;
  gboolean ok = nd_source_log_totals_finish (ND_SOURCE (object), result, &t, &error);

  if (self->disposed)
    return;   /* no label left to set (see estimate_done) */
  if (!ok)
    {
      if (!nd_error_is_cancelled (error))
        {
          gtk_label_set_text (self->totals_label, _("Totals n/a"));
          gtk_widget_set_tooltip_text (GTK_WIDGET (self->totals_label), error->message);
        }
      return;
    }
  info = page_info (self);
  {
    g_autoptr(NdMoney) fallback = nd_money_new_default ();
    g_autofree char *quota = nd_money_format (info && info->money ? info->money : fallback, t.quota);
    g_autofree char *prompt = nd_format_count_compact (t.prompt_tokens);
    g_autofree char *completion = nd_format_count_compact (t.completion_tokens);
    g_autofree char *requests = nd_format_count_compact (t.requests);
    g_autofree char *text = NULL;

    if (t.prompt_tokens >= 0 && t.completion_tokens >= 0)
      /* Translators: the totals strip above the log table */
      text = g_strdup_printf (_("Quota %s · Prompt %s · Completion %s · Requests %s"),
                              quota, prompt, completion, requests);
    else
      /* Translators: the totals strip when the source has no token sums
       * (NewAPI's /api/log/stat gives quota only) */
      text = g_strdup_printf (_("Quota %s · Requests %s"), quota, requests);
    gtk_label_set_text (self->totals_label, text);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->totals_label),
                                 _("Quota and tokens of consume logs, requests of consume "
                                   "and error logs, for this filter"));
  }
}

static void
refresh_counts (NdLogsPage *self, const NdLogQuery *query)
{
  NdSource *source = page_source (self);

  if (source == NULL)
    return;
  self->have_estimate = FALSE;
  gtk_label_set_text (self->count_label, "…");
  gtk_label_set_text (self->totals_label, "");
  nd_source_estimate_logs_async (source, query, self->cancellable, estimate_done, g_object_ref (self));
  nd_source_log_totals_async (source, query, self->cancellable, totals_done, g_object_ref (self));
}

/* ---- applying the filter ----------------------------------------------- */

static void
apply_now (NdLogsPage *self, const NdLogCursor *start)
{
  const NdLogQuery *query = nd_log_filter_bar_get_query (self->filter_bar);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  show_detail (self, NULL);
  if (page_source (self) == NULL)
    return;
  nd_log_model_set_query (self->model, query, start);
  refresh_counts (self, query);
}

static void
filter_changed_cb (NdLogsPage *self)
{
  apply_now (self, NULL);
}

static void
jump_cb (NdLogsPage *self, gint64 t)
{
  /* Rows at or before t: strictly before (t + 1, any id). */
  NdLogCursor start = { t + 1, G_MININT64 };

  apply_now (self, &start);
}

/* ---- detail pane ------------------------------------------------------- */

static void
detail_loaded_cb (NdLogItem *item, GParamSpec *pspec, NdLogsPage *self)
{
  if (nd_log_item_get_loaded (item))
    nd_log_detail_set_log (self->detail, nd_log_item_get_log (item));
}

static void
show_detail (NdLogsPage *self, NdLogItem *item)
{
  if (self->detail_item != NULL)
    {
      g_clear_signal_handler (&self->detail_handler, self->detail_item);
      g_clear_object (&self->detail_item);
    }
  if (self->detail == NULL)
    return;   /* disposed */
  gtk_widget_set_visible (GTK_WIDGET (self->detail), item != NULL);
  nd_log_detail_set_log (self->detail, NULL);
  if (item == NULL)
    return;
  self->detail_item = g_object_ref (item);
  self->detail_handler = g_signal_connect (item, "notify::loaded", G_CALLBACK (detail_loaded_cb), self);
  if (nd_log_item_get_loaded (item))
    nd_log_detail_set_log (self->detail, nd_log_item_get_log (item));
}

static void
selection_changed_cb (NdLogsPage *self)
{
  show_detail (self, gtk_single_selection_get_selected_item (self->selection));
}

static void
detail_close_cb (NdLogsPage *self)
{
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
}

static void
channel_names_cb (NdLogsPage *self)
{
  GHashTable *names = nd_log_filter_bar_get_channel_names (self->filter_bar);

  nd_log_columns_set_channel_names (self->columns, names);
  nd_log_detail_set_channel_names (self->detail, names);
}

/* ---- model state ------------------------------------------------------- */

static void
update_list_state (NdLogsPage *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0 &&
                   nd_log_model_get_complete (self->model) &&
                   !nd_log_model_get_loading (self->model) && page_source (self) != NULL;

  gtk_stack_set_visible_child_name (self->list_stack, empty ? "empty" : "list");
  gtk_spinner_set_spinning (self->spinner, nd_log_model_get_loading (self->model));
}

static void
items_changed_cb (NdLogsPage *self, guint position, guint removed, guint added)
{
  update_list_state (self);
  /* The id chips learn their names from the rows they filter. */
  if (position == 0 && added > 0)
    {
      g_autoptr(NdLogItem) first = g_list_model_get_item (G_LIST_MODEL (self->model), 0);

      if (first != NULL && nd_log_item_get_loaded (first))
        nd_log_filter_bar_learn_names (self->filter_bar, nd_log_item_get_log (first));
    }
}

static void
model_error_cb (NdLogsPage *self, GError *error)
{
  nd_toast_show (GTK_WIDGET (self->filter_bar), error->message);
}

/* ---- live tail --------------------------------------------------------- */

static gboolean
tail_cb (gpointer user_data)
{
  NdLogsPage *self = user_data;

  nd_log_model_poll_tail (self->model);
  return G_SOURCE_CONTINUE;
}

static guint
tail_interval (NdLogsPage *self)
{
  NdSource *source = page_source (self);
  NdServerInfo *info = source ? nd_source_get_info (source) : NULL;

  return info != NULL && !nd_server_info_has (info, ND_CAP_BULK_READS) ? TAIL_SECONDS_HTTP : TAIL_SECONDS;
}

static void
live_toggled_cb (NdLogsPage *self)
{
  g_clear_handle_id (&self->tail_id, g_source_remove);
  self->tail_seconds = 0;
  if (gtk_toggle_button_get_active (self->live_button))
    {
      nd_log_model_poll_tail (self->model);
      self->tail_seconds = tail_interval (self);
      self->tail_id = g_timeout_add_seconds (self->tail_seconds, tail_cb, self);
    }
}

/* ---- export ------------------------------------------------------------ */

static void
update_export_button (NdLogsPage *self)
{
  NdServerInfo *info = page_info (self);

  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button),
                            page_source (self) != NULL && !nd_log_export_bar_is_running (self->export_bar) &&
                            (info == NULL || nd_server_info_has (info, ND_CAP_LOG_EXPORT)));
}

static gint64
expected_rows (NdLogsPage *self)
{
  return self->have_estimate ? self->estimate.rows : 0;
}

static void
export_clicked_cb (NdLogsPage *self)
{
  NdSource *source = page_source (self);

  if (source != NULL)
    nd_log_export_bar_choose (self->export_bar, source, nd_log_filter_bar_get_query (self->filter_bar),
                              expected_rows (self));
}

/* ---- session ----------------------------------------------------------- */

static void
session_state_cb (NdLogsPage *self)
{
  NdSource *source = page_source (self);
  NdServerInfo *info = page_info (self);
  gboolean connected = source != NULL;

  update_export_button (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->live_button),
                            connected && (info == NULL || nd_server_info_has (info, ND_CAP_LOG_TAIL)));
  if (info != NULL && info->money != NULL)
    {
      nd_log_columns_set_money (self->columns, info->money);
      nd_log_detail_set_money (self->detail, info->money);
    }
  nd_log_filter_bar_set_source (self->filter_bar, source, info);
  if (source == self->source)
    return;
  g_set_object (&self->source, source);
  nd_log_model_set_source (self->model, source);
  if (self->tail_id != 0)
    live_toggled_cb (self);   /* the interval depends on the source kind */
  if (!connected)
    {
      gtk_label_set_text (self->count_label, _("Not connected"));
      gtk_label_set_text (self->totals_label, "");
      return;
    }
  apply_now (self, NULL);     /* a relative range ends now */
}

static void
nd_logs_page_session_changed (NdPage *page, NdSession *old)
{
  NdLogsPage *self = ND_LOGS_PAGE (page);
  NdSession *session = nd_page_get_session (page);

  if (old != NULL)
    g_signal_handlers_disconnect_by_data (old, self);
  if (self->disposed)
    return;
  if (session != NULL)
    {
      g_signal_connect_object (session, "notify::state", G_CALLBACK (session_state_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::source", G_CALLBACK (session_state_cb), self,
                               G_CONNECT_SWAPPED);
    }
  session_state_cb (self);
}

/* ---- object ------------------------------------------------------------ */

static void
nd_logs_page_dispose (GObject *object)
{
  NdLogsPage *self = ND_LOGS_PAGE (object);

  self->disposed = TRUE;
  g_clear_handle_id (&self->tail_id, g_source_remove);
  self->tail_seconds = 0;
  if (self->columns != NULL)
    nd_log_columns_flush (self->columns);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->source);
  show_detail (self, NULL);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  /* Replies still on their way for the filter bar are not wanted. */
  if (self->filter_bar != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->filter_bar, self);
      nd_log_filter_bar_set_source (self->filter_bar, NULL, NULL);
    }
  if (self->export_bar != NULL)
    g_signal_handlers_disconnect_by_data (self->export_bar, self);
  if (self->detail != NULL)
    g_signal_handlers_disconnect_by_data (self->detail, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_LOGS_PAGE);
  /* After the column view: its cells point into the column set. */
  g_clear_object (&self->columns);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (nd_logs_page_parent_class)->dispose (object);
}

static void
nd_logs_page_finalize (GObject *object)
{
  g_clear_object (&ND_LOGS_PAGE (object)->cancellable);
  G_OBJECT_CLASS (nd_logs_page_parent_class)->finalize (object);
}

static void
nd_logs_page_class_init (NdLogsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_logs_page_dispose;
  object_class->finalize = nd_logs_page_finalize;
  ND_PAGE_CLASS (klass)->session_changed = nd_logs_page_session_changed;

  g_type_ensure (ND_TYPE_LOG_FILTER_BAR);
  g_type_ensure (ND_TYPE_LOG_DETAIL);
  g_type_ensure (ND_TYPE_LOG_EXPORT_BAR);
  g_type_ensure (ND_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-logs-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NdLogsPage, name)
  BIND (filter_bar);
  BIND (count_label);
  BIND (totals_label);
  BIND (spinner);
  BIND (live_button);
  BIND (refresh_button);
  BIND (columns_box);
  BIND (export_button);
  BIND (list_stack);
  BIND (column_view);
  BIND (detail);
  BIND (export_bar);
#undef BIND
}

static void
nd_logs_page_init (NdLogsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  nd_page_add_css ("/logs/nd-logs.css");

  self->cancellable = g_cancellable_new ();
  self->settings = nd_page_settings_new ();
  self->model = nd_log_model_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  self->columns = nd_log_columns_new (self->column_view, self->columns_box, self->settings);

  g_signal_connect_swapped (self->filter_bar, "changed", G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->filter_bar, "jump", G_CALLBACK (jump_cb), self);
  g_signal_connect_swapped (self->filter_bar, "notify::channel-names", G_CALLBACK (channel_names_cb), self);
  g_signal_connect_swapped (self->refresh_button, "clicked", G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->live_button, "toggled", G_CALLBACK (live_toggled_cb), self);
  g_signal_connect_swapped (self->export_button, "clicked", G_CALLBACK (export_clicked_cb), self);
  g_signal_connect_swapped (self->export_bar, "notify::running", G_CALLBACK (update_export_button), self);
  g_signal_connect_swapped (self->detail, "close", G_CALLBACK (detail_close_cb), self);
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_swapped (self->model, "items-changed", G_CALLBACK (items_changed_cb), self);
  g_signal_connect_swapped (self->model, "notify::loading", G_CALLBACK (update_list_state), self);
  g_signal_connect_swapped (self->model, "notify::complete", G_CALLBACK (update_list_state), self);
  g_signal_connect_swapped (self->model, "error", G_CALLBACK (model_error_cb), self);
  session_state_cb (self);
}

void
nd_logs_page_set_filter (NdLogsPage *self, const char *filter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NdLogQuery) q = NULL;

  g_return_if_fail (ND_IS_LOGS_PAGE (self));

  q = nd_log_query_from_string (filter, &error);
  if (q == NULL)
    {
      nd_toast_show (GTK_WIDGET (self->filter_bar), error->message);
      return;
    }
  nd_log_filter_bar_set_query (self->filter_bar, q);
  apply_now (self, NULL);
}

char *
nd_logs_page_get_filter (NdLogsPage *self)
{
  g_return_val_if_fail (ND_IS_LOGS_PAGE (self), NULL);
  return nd_log_query_to_string (nd_log_filter_bar_get_query (self->filter_bar));
}

GListModel *
nd_logs_page_get_model (NdLogsPage *self)
{
  g_return_val_if_fail (ND_IS_LOGS_PAGE (self), NULL);
  return G_LIST_MODEL (self->model);
}

/* Exports the logs of the current filter to @path as the Export button
 * does after its file chooser (CSV, or JSON Lines for *.jsonl). For tests. */
void
nd_logs_page_export_to (NdLogsPage *self, const char *path)
{
  NdSource *source;

  g_return_if_fail (ND_IS_LOGS_PAGE (self));
  g_return_if_fail (path != NULL);

  source = page_source (self);
  if (source != NULL)
    nd_log_export_bar_start (self->export_bar, source, nd_log_filter_bar_get_query (self->filter_bar),
                             path, expected_rows (self));
}

/* TRUE while an export runs. */
gboolean
nd_logs_page_is_exporting (NdLogsPage *self)
{
  g_return_val_if_fail (ND_IS_LOGS_PAGE (self), FALSE);
  return self->export_bar != NULL && nd_log_export_bar_is_running (self->export_bar);
}

/* Seconds between live tail polls, 0 while live tail is off (for tests). */
guint
nd_logs_page_get_tail_interval (NdLogsPage *self)
{
  g_return_val_if_fail (ND_IS_LOGS_PAGE (self), 0);
  return self->tail_id != 0 ? self->tail_seconds : 0;
}
