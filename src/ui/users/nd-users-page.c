/* nd-users-page.c — session, the model, filters, sorting, selection
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Users are paged in from the source (NdUserModel): tens of thousands
 * scroll without being read at once, and every filter and sort order is
 * a new query, not a pass over rows in memory. The page never sees SQL or
 * a URL; writes go through NdSource (nd-users-page-detail.c).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-users-page-private.h"
#include "nd-wrap-box.h"

G_DEFINE_FINAL_TYPE (NdUsersPage, nd_users_page, ND_TYPE_PAGE)

/* ─── actions' state ────────────────────────────────────────────────────── */

void
_nd_users_page_update_actions (NdUsersPage *self)
{
  const char *why = self->source == NULL ? _("Not connected") : self->blocked;
  const char *busy = why ? why : self->writing ? "" : NULL;
  const NdUser *u = self->detail;

  nd_channel_set_blocked (GTK_WIDGET (self->add_button), why, _("Add a user (Ctrl+N)"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "users.add", why == NULL);
  nd_channel_set_blocked (GTK_WIDGET (self->bulk_enable_button), busy,
                          _("Enable the selected users"));
  nd_channel_set_blocked (GTK_WIDGET (self->bulk_disable_button), busy,
                          _("Disable the selected users"));
  /* A deleted user keeps their row, but NewAPI changes nothing of theirs. */
  if (busy == NULL && u != NULL && u->deleted)
    busy = _("This user is deleted.");
  nd_channel_set_blocked (GTK_WIDGET (self->quota_button), busy,
                          _("Add, subtract or set this user’s quota"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "users.quota", busy == NULL && u != NULL);
  nd_channel_set_blocked (GTK_WIDGET (self->status_button), busy, NULL);
  nd_channel_set_blocked (GTK_WIDGET (self->edit_button), busy,
                          _("Display name, group, role, remark or password"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "users.edit", busy == NULL && u != NULL);
  /* Delete turns into Restore for a deleted user: not greyed by it. */
  nd_channel_set_blocked (GTK_WIDGET (self->delete_button),
                          why ? why : self->writing ? "" : NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->blocked_label), self->blocked != NULL);
  gtk_label_set_text (self->blocked_label, self->blocked ? self->blocked : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->reload_button), self->source != NULL);
  gtk_spinner_set_spinning (self->spinner, nd_users_page_is_busy (self));
}

/* ─── counts ────────────────────────────────────────────────────────────── */

static void
update_counts (NdUsersPage *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  gint64 total = nd_user_model_get_total (self->model);
  gboolean loading = nd_user_model_get_loading (self->model);
  g_autofree char *text = NULL;

  if (self->source == NULL)
    text = g_strdup ("");
  else if (total < 0)
    text = g_strdup (loading ? _("Loading…") : "");
  else
    {
      g_autofree char *count = nd_format_count (total);

      /* Translators: the count above the user table, "12,345 users" */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s user", "%s users", total), count);
    }
  gtk_label_set_text (self->count_label, text);
  if (shown == 0 && !loading && self->source != NULL)
    gtk_stack_set_visible_child_name (self->list_stack, "empty");
  else
    gtk_stack_set_visible_child_name (self->list_stack, "list");
  _nd_users_page_update_actions (self);
}

/* ─── the query from the bar and the header ─────────────────────────────── */

static void
apply_query (NdUsersPage *self)
{
  static const int roles[] = { 0, ND_ROLE_COMMON, ND_ROLE_ADMIN, ND_ROLE_ROOT };
  NdListQuery q = { 0 };
  g_autofree char *search_copy = NULL;
  guint role, status, group;

  /* The header's sorter changes while the view takes its columns down. */
  if (self->disposed || self->updating_filters || self->source == NULL)
    return;
  search_copy = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  role = gtk_drop_down_get_selected (self->role_dropdown);
  status = gtk_drop_down_get_selected (self->status_dropdown);
  group = gtk_drop_down_get_selected (self->group_dropdown);
  q.search = *search_copy ? search_copy : NULL;
  q.role = role < G_N_ELEMENTS (roles) ? roles[role] : 0;
  /* Enabled and disabled mean live users; "Deleted" NewAPI's own view of
   * them; all statuses the admin list NewAPI shows (deleted ones marked). */
  switch (status)
    {
    case 1: q.status = 1; q.deleted = ND_LIST_DELETED_EXCLUDE; break;
    case 2: q.status = 2; q.deleted = ND_LIST_DELETED_EXCLUDE; break;
    case 3: q.deleted = ND_LIST_DELETED_ONLY; break;
    default: q.deleted = ND_LIST_DELETED_INCLUDE; break;
    }
  q.group = group < self->group_values->len ? g_ptr_array_index (self->group_values, group) : NULL;
  q.sort_by = (char *) nd_user_columns_sort_key (self->columns, &q.descending);
  g_clear_pointer (&self->keep_ids, g_array_unref);
  nd_user_model_set_query (self->model, &q);
}

void
_nd_users_page_reload (NdUsersPage *self)
{
  if (self->source != NULL)
    nd_user_model_reload (self->model);
}

static void
groups_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdUsersPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) groups = nd_source_strv_finish (ND_SOURCE (object), result, &error);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  if (self->disposed || ND_SOURCE (object) != self->source)
    return;
  /* Without the list the filter offers "All groups" only: no toast, the
   * table itself still works. */
  g_ptr_array_set_size (self->group_values, 0);
  gtk_string_list_append (labels, _("All groups"));
  g_ptr_array_add (self->group_values, NULL);
  for (guint i = 0; groups != NULL && groups[i] != NULL; i++)
    {
      gtk_string_list_append (labels, groups[i]);
      g_ptr_array_add (self->group_values, g_strdup (groups[i]));
    }
  self->updating_filters = TRUE;
  gtk_drop_down_set_model (self->group_dropdown, G_LIST_MODEL (labels));
  gtk_drop_down_set_selected (self->group_dropdown, 0);
  self->updating_filters = FALSE;
}

static void
filters_clear (NdUsersPage *self)
{
  self->updating_filters = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->role_dropdown, 0);
  gtk_drop_down_set_selected (self->status_dropdown, 0);
  gtk_drop_down_set_selected (self->group_dropdown, 0);
  /* Newest users first, as NewAPI's list shows them. */
  gtk_column_view_sort_by_column (self->column_view,
                                  nd_user_columns_get_column (self->columns, ND_USER_COLUMN_ID),
                                  GTK_SORT_DESCENDING);
  self->updating_filters = FALSE;
}

/* ─── selection ─────────────────────────────────────────────────────────── */

GArray *
_nd_users_page_selected_ids (NdUsersPage *self)
{
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GtkBitsetIter iter;
  guint pos;

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, set, &pos); ok;
       ok = gtk_bitset_iter_next (&iter, &pos))
    {
      g_autoptr(NdUserItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), pos);

      if (item != NULL)
        g_array_append_val (ids, nd_user_item_get_user (item)->id);
    }
  return ids;
}

static void
selection_changed_cb (NdUsersPage *self)
{
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  guint64 n = gtk_bitset_get_size (set);
  g_autofree char *text = NULL;

  gtk_revealer_set_reveal_child (self->bulk_revealer, n > 1);
  /* Translators: the bar under the user table, "3 users selected" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u user selected", "%u users selected",
                                       (gulong) n), (guint) n);
  gtk_label_set_text (self->selection_label, text);
  if (n == 1)
    {
      g_autoptr(NdUserItem) item = g_list_model_get_item (G_LIST_MODEL (self->model),
                                                          gtk_bitset_get_nth (set, 0));
      const NdUser *u = item ? nd_user_item_get_user (item) : NULL;

      if (u != NULL && u->id != self->detail_id)
        _nd_users_page_show_user (self, u->id, u);
    }
}

static void
items_changed_cb (NdUsersPage *self, guint position, guint removed, guint added)
{
  /* A reload keeps the detail open, and after a write the selection: their
   * rows are selected again as they come in (they may be filtered out, or
   * further down). By id, never by reading rows: that would page in more. */
  for (guint i = 0; added > 0 && self->keep_ids != NULL && i < self->keep_ids->len; i++)
    {
      int pos = nd_user_model_find (self->model, g_array_index (self->keep_ids, gint64, i));

      if (pos >= (int) position && pos < (int) (position + added))
        gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), pos, FALSE);
    }
  if (added > 0 && self->detail_id > 0)
    {
      int pos = nd_user_model_find (self->model, self->detail_id);

      if (pos >= (int) position && pos < (int) (position + added))
        gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), pos, FALSE);
    }
  update_counts (self);
}

static void
model_failed_cb (NdUsersPage *self, const char *message)
{
  nd_channel_toast (self->list_pane, message);
}

/* ─── session ───────────────────────────────────────────────────────────── */

static void
stop (NdUsersPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->write_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->write_cancellable);
  g_clear_object (&self->source);
  g_clear_pointer (&self->money, nd_money_free);
  g_clear_pointer (&self->blocked, g_free);
  self->writing = FALSE;
  self->reading_detail = 0;
  nd_channel_usage_open_store (self->usage, NULL, NULL, ND_CAP_FACTS_USER, NULL);
  if (self->model != NULL)
    nd_user_model_set_source (self->model, NULL);
}

static void
session_state_cb (NdUsersPage *self)
{
  NdSession *session = nd_page_get_session (ND_PAGE (self));
  NdServerInfo *info = session ? nd_session_get_info (session) : NULL;
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
      _nd_users_page_update_actions (self);
      return;
    }
  stop (self);
  _nd_users_page_show_user (self, 0, NULL);
  if (source == NULL || info == NULL || !nd_server_info_has (info, ND_CAP_USERS))
    {
      adw_status_page_set_description (self->unavailable_page,
                                       source == NULL ? _("Not connected.")
                                                      : _("This connection cannot list users."));
      gtk_stack_set_visible_child_name (self->stack, "unavailable");
      update_counts (self);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "users");
  self->source = g_object_ref (source);
  self->cancellable = g_cancellable_new ();
  /* Over a report or a read-only profile the page still lists: every
   * write is greyed with this reason. */
  self->blocked = nd_channel_write_blocked (source);
  self->money = info->money ? nd_money_copy (info->money) : nd_money_new_default ();
  nd_user_columns_set_money (self->columns, self->money);
  nd_user_columns_set_full_sort (self->columns, nd_server_info_has (info, ND_CAP_USERS_ANY_QUERY));
  nd_user_model_set_source (self->model, source);
  filters_clear (self);
  nd_channel_usage_open_store (self->usage, info, nd_session_get_source (nd_page_get_session (ND_PAGE (self))),
                               ND_CAP_FACTS_USER, "30d");
  nd_source_list_groups_async (source, self->cancellable, groups_done, g_object_ref (self));
  apply_query (self);
}

static void
nd_users_page_session_changed (NdPage *page, NdSession *old)
{
  NdUsersPage *self = ND_USERS_PAGE (page);

  if (self->disposed)
    {
      if (old != NULL)
        g_signal_handlers_disconnect_by_data (old, self);
      return;
    }
  nd_page_follow_session (page, old, G_CALLBACK (session_state_cb));
}

/* ─── object ────────────────────────────────────────────────────────────── */

static void
find_action (GtkWidget *widget, const char *name, GVariant *param)
{
  gtk_widget_grab_focus (GTK_WIDGET (ND_USERS_PAGE (widget)->search_entry));
}

static void
nd_users_page_dispose (GObject *object)
{
  NdUsersPage *self = ND_USERS_PAGE (object);

  self->disposed = TRUE;
  stop (self);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_USERS_PAGE);
  g_clear_object (&self->columns);
  G_OBJECT_CLASS (nd_users_page_parent_class)->dispose (object);
}

static void
nd_users_page_finalize (GObject *object)
{
  NdUsersPage *self = ND_USERS_PAGE (object);

  g_clear_pointer (&self->group_values, g_ptr_array_unref);
  g_clear_pointer (&self->detail, nd_user_free);
  g_clear_pointer (&self->keep_ids, g_array_unref);
  G_OBJECT_CLASS (nd_users_page_parent_class)->finalize (object);
}

static void
nd_users_page_class_init (NdUsersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_users_page_dispose;
  object_class->finalize = nd_users_page_finalize;
  ND_PAGE_CLASS (klass)->session_changed = nd_users_page_session_changed;

  g_type_ensure (ND_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-users-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NdUsersPage, name)
  BIND (stack); BIND (leaflet); BIND (list_pane); BIND (search_entry); BIND (role_dropdown);
  BIND (status_dropdown); BIND (group_dropdown); BIND (count_label); BIND (spinner);
  BIND (reload_button); BIND (add_button); BIND (list_stack); BIND (column_view);
  BIND (empty_page); BIND (bulk_revealer); BIND (selection_label); BIND (bulk_enable_button);
  BIND (bulk_disable_button); BIND (pane_separator); BIND (detail_pane); BIND (detail_title);
  BIND (close_button); BIND (blocked_label); BIND (quota_button); BIND (status_button);
  BIND (edit_button); BIND (delete_button); BIND (logs_button);
  BIND (detail_list); BIND (usage_box); BIND (tokens_list); BIND (unavailable_page);
#undef BIND
  _nd_users_page_detail_class_init (klass);
  gtk_widget_class_install_action (widget_class, "users.find", NULL, find_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "users.find", NULL);
}

static void
nd_users_page_init (NdUsersPage *self)
{
  g_autoptr(GtkStringList) groups = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The status badges are the Channels page's. */
  nd_page_add_css ("/channels/nd-channels.css");
  self->group_values = g_ptr_array_new_with_free_func (g_free);
  gtk_string_list_append (groups, _("All groups"));
  g_ptr_array_add (self->group_values, NULL);
  gtk_drop_down_set_model (self->group_dropdown, G_LIST_MODEL (groups));

  self->columns = nd_user_columns_new (self->column_view);
  self->model = nd_user_model_new ();
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  adw_status_page_set_description (self->empty_page, _("No user matches these filters."));

  g_signal_connect_swapped (self->model, "items-changed", G_CALLBACK (items_changed_cb), self);
  g_signal_connect_swapped (self->model, "notify::loading", G_CALLBACK (update_counts), self);
  g_signal_connect_swapped (self->model, "failed", G_CALLBACK (model_failed_cb), self);
  g_signal_connect_swapped (self->selection, "selection-changed",
                            G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (apply_query), self);
  g_signal_connect_swapped (self->role_dropdown, "notify::selected", G_CALLBACK (apply_query), self);
  g_signal_connect_swapped (self->status_dropdown, "notify::selected", G_CALLBACK (apply_query), self);
  g_signal_connect_swapped (self->group_dropdown, "notify::selected", G_CALLBACK (apply_query), self);
  g_signal_connect_swapped (gtk_column_view_get_sorter (self->column_view), "changed",
                            G_CALLBACK (apply_query), self);
  g_signal_connect_swapped (self->reload_button, "clicked", G_CALLBACK (_nd_users_page_reload), self);
  _nd_users_page_detail_init (self);
  session_state_cb (self);
}

/* ─── public ────────────────────────────────────────────────────────────── */

GListModel *
nd_users_page_get_model (NdUsersPage *self)
{
  g_return_val_if_fail (ND_IS_USERS_PAGE (self), NULL);
  return G_LIST_MODEL (self->model);
}

gboolean
nd_users_page_is_busy (NdUsersPage *self)
{
  g_return_val_if_fail (ND_IS_USERS_PAGE (self), FALSE);
  return self->writing || self->reading_detail > 0 || (self->model != NULL && nd_user_model_get_loading (self->model));
}

gint64
nd_users_page_get_detail_id (NdUsersPage *self)
{
  g_return_val_if_fail (ND_IS_USERS_PAGE (self), 0);
  return self->detail_id;
}

GtkWidget *
nd_users_page_get_usage (NdUsersPage *self)
{
  g_return_val_if_fail (ND_IS_USERS_PAGE (self), NULL);
  return GTK_WIDGET (self->usage);
}
