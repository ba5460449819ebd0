/* nd-channels-page.c — session, loading, the models, detail, usage
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole channel list is read once (hundreds of rows at most) and kept
 * in memory: filters and sorting run client-side and cost nothing. Rows go
 * GListStore → GtkFilterListModel → GtkTreeListModel (tag mode: a tag row
 * over its channels) → GtkSortListModel → GtkMultiSelection. Writes go
 * through NdSource (nd-write.h); the page never sees SQL or a URL.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-channel-columns.h"
#include "nd-channel-item.h"
#include "nd-channels-page-private.h"
#include "nd-dashboard-data.h"
#include "nd-time.h"
#include "nd-wrap-box.h"


G_DEFINE_FINAL_TYPE (NdChannelsPage, nd_channels_page, ND_TYPE_PAGE)

NdServerInfo *
_nd_channels_page_info (NdChannelsPage *self)
{
  NdSession *session = nd_page_get_session (ND_PAGE (self));

  return session ? nd_session_get_info (session) : NULL;
}

static NdSource *
data_source (NdChannelsPage *self)
{
  NdSession *session = nd_page_get_session (ND_PAGE (self));

  if (session == NULL || nd_session_get_state (session) != ND_SESSION_CONNECTED)
    return NULL;
  return nd_session_get_source (session);
}

/* ─── actions' state ────────────────────────────────────────────────────── */

void
_nd_channels_page_update_actions (NdChannelsPage *self)
{
  const char *busy = self->writing ? "" : NULL;

  nd_channel_set_blocked (GTK_WIDGET (self->add_button),
                          self->source == NULL ? _("Not connected") : self->blocked,
                          _("Add a channel (Ctrl+N)"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "channels.add",
                                 self->source != NULL && self->blocked == NULL);
  nd_channel_set_blocked (GTK_WIDGET (self->bulk_enable_button), self->blocked ? self->blocked : busy,
                          _("Enable the selected channels"));
  nd_channel_set_blocked (GTK_WIDGET (self->bulk_disable_button), self->blocked ? self->blocked : busy,
                          _("Disable the selected channels"));
  /* Tests and balance reads are in there too: read-only greys items only. */
  nd_channel_set_blocked (GTK_WIDGET (self->bulk_more_button), busy,
                          _("Test, read balances, set a tag or delete the selected channels"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "channels.set-tag",
                                 self->blocked == NULL && !self->writing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "channels.delete",
                                 self->blocked == NULL && !self->writing);
  _nd_channels_page_health_update (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reload_button), self->source != NULL && !self->loading);
  gtk_spinner_set_spinning (self->spinner, self->loading || self->writing);
}

/* ─── loading ───────────────────────────────────────────────────────────── */

static int
item_by_id (gconstpointer a, gconstpointer b)
{
  gint64 x = nd_channel_item_get_id (*(NdChannelItem **) a);
  gint64 y = nd_channel_item_get_id (*(NdChannelItem **) b);

  return x < y ? -1 : x > y;
}

static void
list_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdChannelsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels = nd_source_list_channels_finish (ND_SOURCE (object), result, &error);
  g_autoptr(GArray) keep = NULL;

  if (channels == NULL && nd_error_is_cancelled (error))
    return;
  if (self->disposed || ND_SOURCE (object) != self->source)
    return;
  self->loading = FALSE;
  _nd_channels_page_update_actions (self);
  if (channels == NULL)
    {
      nd_channel_toast (GTK_WIDGET (self->list_pane), error->message);
      return;
    }

  /* The rows selected before stay selected (by id); a new channel, or a
   * copy, is selected instead. */
  keep = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (self->select_after_load > 0)
    g_array_append_val (keep, self->select_after_load);
  else
    {
      g_autoptr(GPtrArray) selected = _nd_channels_page_selected (self, NULL);

      for (guint i = 0; i < selected->len; i++)
        {
          gint64 id = nd_channel_item_get_id (g_ptr_array_index (selected, i));

          g_array_append_val (keep, id);
        }
    }
  self->select_after_load = 0;

  g_ptr_array_set_size (self->items, 0);
  g_ptr_array_set_free_func (channels, NULL);
  for (guint i = 0; i < channels->len; i++)
    g_ptr_array_add (self->items, nd_channel_item_new (g_ptr_array_index (channels, i)));
  g_ptr_array_sort (self->items, item_by_id);
  _nd_channels_page_fill_filters (self);
  _nd_channels_page_rebuild_rows (self);
  _nd_channels_page_select_ids (self, keep);
  _nd_channels_page_health_attach (self);
}

void
nd_channels_page_reload (NdChannelsPage *self)
{
  g_return_if_fail (ND_IS_CHANNELS_PAGE (self));

  if (self->source == NULL || self->disposed)
    return;
  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  _nd_channels_page_update_actions (self);
  nd_source_list_channels_async (self->source, self->cancellable, list_done, g_object_ref (self));
}

/* ─── detail ────────────────────────────────────────────────────────────── */

static void
folded_cb (NdChannelsPage *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  nd_channel_editor_set_folded (self->editor, folded);
  if (folded && self->showing_detail)
    adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->editor));
}

void
_nd_channels_page_show_detail (NdChannelsPage *self, gboolean show)
{
  self->showing_detail = show;
  gtk_widget_set_visible (GTK_WIDGET (self->editor), show);
  gtk_widget_set_visible (self->pane_separator, show);
  adw_leaflet_set_visible_child (self->leaflet, show ? GTK_WIDGET (self->editor) : self->list_pane);
}

static void
editor_changed_cb (NdChannelsPage *self, gint64 id, gboolean select)
{
  if (select)
    self->select_after_load = id;
  nd_channels_page_reload (self);
}

static void
editor_deleted_cb (NdChannelsPage *self, gint64 id)
{
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  _nd_channels_page_show_detail (self, FALSE);
  nd_channels_page_reload (self);
}

void
_nd_channels_page_close_detail (NdChannelsPage *self)
{
  self->restoring = TRUE;
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  self->restoring = FALSE;
  _nd_channels_page_selection_changed (self);
  _nd_channels_page_show_detail (self, FALSE);
}

static void
editor_close_cb (NdChannelsPage *self)
{
  if (nd_channel_editor_is_dirty (self->editor))
    _nd_channels_page_ask_discard (self, TRUE);
  else
    _nd_channels_page_close_detail (self);
}

static void
leaflet_child_cb (NdChannelsPage *self)
{
  /* Swiping back when folded closes the detail as the back button does. */
  if (adw_leaflet_get_folded (self->leaflet) && self->showing_detail &&
      adw_leaflet_get_visible_child (self->leaflet) == self->list_pane &&
      !adw_leaflet_get_child_transition_running (self->leaflet))
    editor_close_cb (self);
}

static void
add_clicked_cb (NdChannelsPage *self)
{
  if (self->source == NULL || self->blocked != NULL)
    return;
  if (self->showing_detail && nd_channel_editor_is_dirty (self->editor))
    {
      /* Unsaved edits first; Add again once they are dealt with. */
      _nd_channels_page_ask_discard (self, TRUE);
      return;
    }
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  nd_channel_editor_show_new (self->editor);
  _nd_channels_page_show_detail (self, TRUE);
}

static void
add_action (GtkWidget *widget, const char *name, GVariant *param)
{
  add_clicked_cb (ND_CHANNELS_PAGE (widget));
}

static void
find_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdChannelsPage *self = ND_CHANNELS_PAGE (widget);

  if (self->showing_detail && adw_leaflet_get_folded (self->leaflet))
    editor_close_cb (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* ─── usage (facts store) ───────────────────────────────────────────────── */

static void
start_facts (NdChannelsPage *self, NdServerInfo *info)
{
  /* The usage widget opens the dashboard's store and syncs it itself. */
  if (self->editor != NULL)
    nd_channel_usage_open_store (nd_channel_editor_get_usage (self->editor), info,
                                 info ? data_source (self) : NULL, ND_CAP_FACTS_CHANNEL, "7d");
}

/* ─── session ───────────────────────────────────────────────────────────── */

static void
stop (NdChannelsPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->write_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->write_cancellable);
  start_facts (self, NULL);
  _nd_channels_page_health_set_source (self, NULL);
  g_clear_object (&self->source);
  g_clear_pointer (&self->blocked, g_free);
  self->loading = self->writing = FALSE;
  g_ptr_array_set_size (self->items, 0);
  if (self->roots != NULL)
    g_list_store_remove_all (self->roots);
}

static void
session_state_cb (NdChannelsPage *self)
{
  NdSession *session = nd_page_get_session (ND_PAGE (self));
  NdServerInfo *info = _nd_channels_page_info (self);
  NdSource *source = NULL;

  if (self->disposed)
    return;
  if (session != NULL && nd_session_get_state (session) == ND_SESSION_CONNECTED)
    source = nd_session_get_manage_source (session);
  if (source != NULL && source == self->source)
    {
      /* The same connection, probed again: money or write access may differ. */
      g_free (self->blocked);
      self->blocked = nd_channel_write_blocked (source);
      nd_channel_editor_set_source (self->editor, source, info ? info->money : NULL);
      _nd_channels_page_update_actions (self);
      return;
    }
  stop (self);
  _nd_channels_page_show_detail (self, FALSE);
  if (source == NULL || info == NULL || !nd_server_info_has (info, ND_CAP_CHANNELS))
    {
      adw_status_page_set_description (self->unavailable_page,
                                       source == NULL ? _("Not connected.")
                                                      : _("This connection cannot list channels."));
      gtk_stack_set_visible_child_name (self->stack, "unavailable");
      nd_channel_editor_set_source (self->editor, NULL, NULL);
      _nd_channels_page_update_actions (self);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "channels");
  self->source = g_object_ref (source);
  self->cancellable = g_cancellable_new ();
  self->blocked = nd_channel_write_blocked (source);
  _nd_channels_page_health_set_source (self, source);
  nd_channel_columns_set_money (self->columns, info->money);
  nd_channel_editor_set_source (self->editor, source, info->money);
  _nd_channels_page_filters_clear (self);
  start_facts (self, info);
  nd_channels_page_reload (self);
}

static void
nd_channels_page_session_changed (NdPage *page, NdSession *old)
{
  NdChannelsPage *self = ND_CHANNELS_PAGE (page);

  if (self->disposed)
    {
      if (old != NULL)
        g_signal_handlers_disconnect_by_data (old, self);
      return;
    }
  nd_page_follow_session (page, old, G_CALLBACK (session_state_cb));
}

/* ─── object ────────────────────────────────────────────────────────────── */

static GListModel *
children_cb (gpointer item, gpointer user_data)
{
  NdChannelsPage *self = user_data;
  GListModel *members = nd_channel_item_get_members (item);

  if (members == NULL)
    return NULL;
  return G_LIST_MODEL (gtk_filter_list_model_new (g_object_ref (members),
                                                  g_object_ref (GTK_FILTER (self->filter))));
}

static void
activate_cb (NdChannelsPage *self, guint position)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);

  /* Enter or a double click on a tag row opens or closes it. */
  if (row != NULL && gtk_tree_list_row_is_expandable (row))
    gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
}

static void
nd_channels_page_dispose (GObject *object)
{
  NdChannelsPage *self = ND_CHANNELS_PAGE (object);

  self->disposed = TRUE;
  stop (self);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  if (self->editor != NULL)
    g_signal_handlers_disconnect_by_data (self->editor, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->tree);
  g_clear_object (&self->root_filter);
  g_clear_object (&self->filter);
  g_clear_object (&self->roots);
  /* The toast overlay is AdwBin's child, not bound: AdwBin unparents it. */
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_CHANNELS_PAGE);
  g_clear_object (&self->columns);
  G_OBJECT_CLASS (nd_channels_page_parent_class)->dispose (object);
}

static void
nd_channels_page_finalize (GObject *object)
{
  NdChannelsPage *self = ND_CHANNELS_PAGE (object);

  g_ptr_array_unref (self->items);
  nd_channel_filter_clear (&self->filt);
  g_clear_pointer (&self->type_values, g_array_unref);
  g_clear_pointer (&self->group_values, g_ptr_array_unref);
  g_clear_pointer (&self->tag_values, g_ptr_array_unref);
  G_OBJECT_CLASS (nd_channels_page_parent_class)->finalize (object);
}

static void
nd_channels_page_class_init (NdChannelsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_channels_page_dispose;
  object_class->finalize = nd_channels_page_finalize;
  ND_PAGE_CLASS (klass)->session_changed = nd_channels_page_session_changed;

  g_type_ensure (ND_TYPE_WRAP_BOX);
  g_type_ensure (ND_TYPE_CHANNEL_EDITOR);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-channels-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NdChannelsPage, name)
  BIND (stack); BIND (leaflet); BIND (list_pane); BIND (search_entry);
  BIND (status_dropdown); BIND (type_dropdown); BIND (group_dropdown); BIND (tag_dropdown);
  BIND (tag_mode_button); BIND (count_label); BIND (spinner); BIND (test_button);
  BIND (test_content); BIND (test_options); BIND (test_model_row); BIND (test_concurrency);
  BIND (test_timeout); BIND (test_record_row); BIND (test_record); BIND (test_disable_row);
  BIND (test_disable); BIND (test_blocked_label); BIND (health_spinner); BIND (health_icon);
  BIND (health_label); BIND (health_progress); BIND (health_summary); BIND (health_cancel);
  BIND (health_close);
  BIND (reload_button); BIND (add_button); BIND (list_stack); BIND (column_view);
  BIND (empty_page); BIND (health_slot); BIND (bulk_revealer); BIND (selection_label);
  BIND (bulk_more_button); BIND (bulk_disable_button); BIND (bulk_enable_button);
  BIND (pane_separator); BIND (editor); BIND (unavailable_page);
#undef BIND
  _nd_channels_page_bulk_class_init (klass);
  _nd_channels_page_health_class_init (klass);
  gtk_widget_class_install_action (widget_class, "channels.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "channels.find", NULL, find_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "channels.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "channels.find", NULL);
}

static void
nd_channels_page_init (NdChannelsPage *self)
{
  GtkSorter *view_sorter;

  gtk_widget_init_template (GTK_WIDGET (self));
  nd_page_add_css ("/channels/nd-channels.css");
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->filt.type = -1;

  self->columns = nd_channel_columns_new (self->column_view);
  self->roots = g_list_store_new (ND_TYPE_CHANNEL_ITEM);
  _nd_channels_page_filters_init (self);
  self->root_filter = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->roots)),
                                                 g_object_ref (GTK_FILTER (self->filter)));
  self->tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->root_filter)), FALSE,
                                        FALSE, children_cb, self, NULL);
  view_sorter = gtk_column_view_get_sorter (self->column_view);
  /* Sorting keeps a tag's channels under it. */
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->tree)),
                                          GTK_SORTER (gtk_tree_list_row_sorter_new (
                                            g_object_ref (view_sorter))));
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  gtk_column_view_sort_by_column (self->column_view,
                                  nd_channel_columns_get_column (self->columns, ND_CHANNEL_SORT_ID),
                                  GTK_SORT_ASCENDING);
  _nd_channels_page_bulk_init (self);
  _nd_channels_page_health_init (self);

  g_signal_connect_swapped (self->column_view, "activate", G_CALLBACK (activate_cb), self);
  g_signal_connect_swapped (self->reload_button, "clicked", G_CALLBACK (nd_channels_page_reload), self);
  g_signal_connect_swapped (self->editor, "changed", G_CALLBACK (editor_changed_cb), self);
  g_signal_connect_swapped (self->editor, "deleted", G_CALLBACK (editor_deleted_cb), self);
  g_signal_connect_swapped (self->editor, "close", G_CALLBACK (editor_close_cb), self);
  g_signal_connect_swapped (self->leaflet, "notify::folded", G_CALLBACK (folded_cb), self);
  g_signal_connect_swapped (self->leaflet, "notify::visible-child", G_CALLBACK (leaflet_child_cb), self);
  g_signal_connect_swapped (self->leaflet, "notify::child-transition-running",
                            G_CALLBACK (leaflet_child_cb), self);
  _nd_channels_page_show_detail (self, FALSE);
  folded_cb (self);
  session_state_cb (self);
}

/* ─── public ────────────────────────────────────────────────────────────── */

GListModel *
nd_channels_page_get_model (NdChannelsPage *self)
{
  g_return_val_if_fail (ND_IS_CHANNELS_PAGE (self), NULL);
  return G_LIST_MODEL (self->sorted);
}

NdChannelColumns *
nd_channels_page_get_columns (NdChannelsPage *self)
{
  g_return_val_if_fail (ND_IS_CHANNELS_PAGE (self), NULL);
  return self->columns;
}

gboolean
nd_channels_page_is_busy (NdChannelsPage *self)
{
  g_return_val_if_fail (ND_IS_CHANNELS_PAGE (self), FALSE);
  return self->loading || self->writing || _nd_channels_page_health_running (self) ||
         nd_channel_editor_is_busy (self->editor);
}
