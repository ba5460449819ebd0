/* nd-tokens-page.c — the token table, its filters and what to do with a
 * selection
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rows come a page at a time (NdListLoader): a gateway may hold tens of
 * thousands of tokens. Search, status, group and owner go to the source;
 * what NewAPI's API cannot filter (status, group) is filtered again here
 * on each page. Keys are shown masked; the full key appears only in a
 * window that the admin opened on purpose (Reveal, or a new token), and is
 * wiped when it closes. Writes go through NdSource; the page never sees
 * SQL or a URL.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-channel-dialogs.h"
#include "nd-list-loader.h"
#include "nd-manage-conn.h"
#include "nd-secure-string.h"
#include "nd-record-item.h"
#include "nd-channel-usage.h"
#include "nd-token-columns.h"
#include "nd-tokens-page.h"
#include "nd-wrap-box.h"

/* NewAPI rate-limits token search (10 a minute): wait for the typing to stop. */
#define SEARCH_DELAY_MS 400

struct _NdTokensPage
{
  NdPage parent_instance;

  /* template */
  GtkStack *stack;
  GtkSearchEntry *search_entry;
  GtkDropDown *status_dropdown;
  GtkDropDown *group_dropdown;
  GtkEntry *owner_entry;
  GtkLabel *count_label;
  GtkSpinner *spinner;
  GtkButton *reload_button;
  GtkButton *add_button;
  GtkLabel *scope_note;
  GtkStack *list_stack;
  GtkScrolledWindow *scroller;
  GtkColumnView *column_view;
  AdwStatusPage *empty_page;
  GtkRevealer *bulk_revealer;
  GtkLabel *selection_label;
  GtkButton *reveal_button;
  GtkMenuButton *usage_button;
  GtkButton *edit_button;
  GtkButton *enable_button;
  GtkButton *disable_button;
  GtkButton *delete_button;
  AdwStatusPage *unavailable_page;

  /* owned */
  NdChannelUsage *usage;        /* in usage_button's popover */
  NdListLoader *loader;
  GtkMultiSelection *selection;
  GtkStringList *group_model;
  NdManageConn conn;             /* source, calls, write access, money */
  GWeakRef secret_dialog;
  guint search_timeout;
  int status;                   /* filter: 0 all, else NdTokenStatus */
  char *group;                  /* filter: NULL any */
  gint64 owner;                 /* filter: 0 any */
  gint64 self_id;               /* the connected account (new tokens' owner) */
  gboolean any_owner;           /* the source lists every user's tokens */
  gboolean writing;
  gboolean disposed;
};

G_DEFINE_FINAL_TYPE (NdTokensPage, nd_tokens_page, ND_TYPE_PAGE)

/* ─── selection and actions' state ─────────────────────────────────────── */

static GPtrArray *
selected (NdTokensPage *self)
{
  return nd_record_table_selected (GTK_SELECTION_MODEL (self->selection));
}

static GArray *
selected_ids (NdTokensPage *self)
{
  return nd_record_table_selected_ids (GTK_SELECTION_MODEL (self->selection));
}

static void
update_actions (NdTokensPage *self)
{
  g_autoptr(GPtrArray) items = selected (self);
  const char *write_reason = self->conn.source == NULL ? _("Not connected")
                             : self->conn.blocked ? self->conn.blocked : self->writing ? "" : NULL;
  gboolean one = items->len == 1;
  g_autofree char *sel = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tokens.add", write_reason == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tokens.edit", write_reason == NULL && one);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tokens.enable", write_reason == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tokens.disable", write_reason == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tokens.delete", write_reason == NULL);
  /* Revealing reads: allowed on a read-only profile. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tokens.reveal", self->conn.source != NULL && one);
  nd_channel_set_blocked (GTK_WIDGET (self->add_button), write_reason, _("Make a token (Ctrl+N)"));
  nd_channel_set_blocked (GTK_WIDGET (self->edit_button), write_reason ? write_reason : one ? NULL : "",
                          _("Change the name, quota, expiry or limits"));
  nd_channel_set_blocked (GTK_WIDGET (self->enable_button), write_reason, NULL);
  nd_channel_set_blocked (GTK_WIDGET (self->disable_button), write_reason, NULL);
  nd_channel_set_blocked (GTK_WIDGET (self->delete_button), write_reason, NULL);
  nd_channel_set_blocked (GTK_WIDGET (self->reveal_button), one ? NULL : "",
                          _("Show this token’s whole key"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->usage_button), one);
  if (one)
    nd_channel_usage_set_subject (self->usage, ND_FACTS_DIM_TOKEN,
                                  ((const NdToken *) nd_record_item_get (g_ptr_array_index (items, 0)))->id);
  else
    gtk_menu_button_popdown (self->usage_button);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reload_button), self->conn.source != NULL);
  gtk_spinner_set_spinning (self->spinner,
                            self->writing || nd_list_loader_is_loading (self->loader));
  /* Translators: how many tokens are selected */
  sel = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u token selected", "%u tokens selected",
                                      items->len), items->len);
  gtk_label_set_text (self->selection_label, sel);
  gtk_revealer_set_reveal_child (self->bulk_revealer, items->len > 0);
}

/* ─── loading ───────────────────────────────────────────────────────────── */

/* What NewAPI's API could not filter; the database already did. */
static gboolean
keep_token (gconstpointer record, gpointer data)
{
  NdTokensPage *self = data;
  const NdToken *t = record;

  if (self->status != 0 && t->effective_status != self->status)
    return FALSE;
  if (self->group != NULL && g_strcmp0 (t->group ? t->group : "", self->group) != 0)
    return FALSE;
  return self->owner == 0 || t->user_id == self->owner;
}

static void
loaded_cb (NdTokensPage *self, GError *error)
{
  guint n = g_list_model_get_n_items (nd_list_loader_get_model (self->loader));
  gint64 total = nd_list_loader_get_total (self->loader);
  gint64 shown = total >= 0 && self->any_owner ? total : n;
  g_autofree char *number = nd_format_count (shown);
  g_autofree char *count = NULL;

  if (error != NULL)
    nd_channel_toast (GTK_WIDGET (self->list_stack), error->message);
  /* Translators: tokens matching the filters, as the source counted them */
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s token", "%s tokens", shown), number);
  gtk_label_set_text (self->count_label, count);
  adw_status_page_set_description (self->empty_page,
                                   error ? error->message : _("No token matches these filters."));
  gtk_stack_set_visible_child_name (self->list_stack, n > 0 ? "list" : "empty");
  update_actions (self);
  /* A page the filters emptied out: read on until rows show or none are left. */
  if (n == 0 && error == NULL)
    nd_list_loader_more (self->loader);
}

void
nd_tokens_page_reload (NdTokensPage *self)
{
  NdListQuery q = { 0 };

  g_return_if_fail (ND_IS_TOKENS_PAGE (self));
  if (self->disposed)
    return;
  q.search = (char *) gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  q.status = self->status;
  q.group = self->group;
  q.user_id = self->owner;
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  nd_list_loader_reload (self->loader, self->conn.source, &q);
  update_actions (self);
}

/* ─── filters ───────────────────────────────────────────────────────────── */

static gboolean
search_timeout_cb (gpointer data)
{
  NdTokensPage *self = data;

  self->search_timeout = 0;
  nd_tokens_page_reload (self);
  return G_SOURCE_REMOVE;
}

static void
search_changed_cb (NdTokensPage *self)
{
  g_clear_handle_id (&self->search_timeout, g_source_remove);
  self->search_timeout = g_timeout_add (SEARCH_DELAY_MS, search_timeout_cb, self);
}

static void
filters_changed_cb (NdTokensPage *self)
{
  guint g = gtk_drop_down_get_selected (self->group_dropdown);
  const char *owner = gtk_editable_get_text (GTK_EDITABLE (self->owner_entry));
  gint64 id = 0;

  self->status = (int) gtk_drop_down_get_selected (self->status_dropdown);
  g_clear_pointer (&self->group, g_free);
  if (g != GTK_INVALID_LIST_POSITION && g > 0)
    self->group = g_strdup (gtk_string_list_get_string (self->group_model, g));
  if (*owner != '\0' && (!g_ascii_string_to_signed (owner, 10, 1, G_MAXINT64, &id, NULL)))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->owner_entry), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->owner_entry), "error");
  self->owner = id;
  nd_tokens_page_reload (self);
}

static void
groups_done (GObject *object, GAsyncResult *result, gpointer data)
{
  g_autoptr(NdTokensPage) self = data;
  g_auto(GStrv) groups = nd_source_strv_finish (ND_SOURCE (object), result, NULL);

  /* Without a group list (a report) the dropdown offers nothing to pick. */
  if (self->disposed || ND_SOURCE (object) != self->conn.source)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->group_dropdown), groups != NULL && groups[0] != NULL);
  for (guint i = 0; groups != NULL && groups[i] != NULL; i++)
    gtk_string_list_append (self->group_model, groups[i]);
}

/* ─── writes ────────────────────────────────────────────────────────────── */

static gboolean
write_done (gpointer data, const NdWriteResult *result, const GError *error)
{
  NdTokensPage *self = data;

  self->writing = FALSE;
  update_actions (self);
  if (result != NULL)
    nd_tokens_page_reload (self);
  return FALSE;
}

static void
run_write (NdTokensPage *self, NdWrite *write)
{
  self->writing = TRUE;
  update_actions (self);
  nd_channel_run_write (GTK_WIDGET (self->list_stack), self->conn.source, write, self->conn.cancellable,
                        write_done, self);
}

static void
status_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdTokensPage *self = ND_TOKENS_PAGE (widget);
  g_autoptr(GArray) ids = selected_ids (self);
  int status = g_str_equal (name, "tokens.enable") ? ND_TOKEN_STATUS_ENABLED
                                                    : ND_TOKEN_STATUS_DISABLED;

  if (ids->len == 0 || self->conn.blocked != NULL || self->writing)
    return;
  /* NewAPI refuses to enable an expired or exhausted token; so does the
   * core, in NewAPI's words. */
  run_write (self, nd_write_token_status_new ((gint64 *) ids->data, ids->len, status));
}

static void
delete_answered (gpointer data, gboolean go, const char *text)
{
  NdTokensPage *self = data;
  g_autoptr(GArray) ids = NULL;

  if (!go || self->disposed)
    return;
  ids = selected_ids (self);
  if (ids->len > 0)
    run_write (self, nd_write_token_delete_new ((gint64 *) ids->data, ids->len));
}

static void
delete_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdTokensPage *self = ND_TOKENS_PAGE (widget);
  g_autoptr(GArray) ids = selected_ids (self);
  g_autofree char *heading = NULL;

  if (ids->len == 0 || self->conn.blocked != NULL)
    return;
  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %u Token?", "Delete %u Tokens?",
                                          ids->len), ids->len);
  nd_channel_confirm (GTK_WIDGET (self), heading,
                      _("Clients using these keys stop working at once. NewAPI keeps the rows, "
                        "marked deleted."),
                      _("_Delete"), delete_answered, g_object_ref (self), g_object_unref);
}

static NdSecretDialog *
show_secret (NdTokensPage *self, const char *title, const char *body, GPtrArray *keys)
{
  NdSecretDialog *dialog = nd_secret_dialog_new (GTK_WIDGET (self), title, body, keys, "sk-", FALSE);

  g_weak_ref_set (&self->secret_dialog, dialog);
  return dialog;
}

static void
saved_cb (NdTokensPage *self, gint64 id, GPtrArray *secrets)
{
  if (secrets != NULL && secrets->len > 0)
    show_secret (self, _("Token Created"),
                 _("Copy the key now: it is shown only this once. Anyone with it can spend "
                   "the token’s quota."), secrets);
  nd_tokens_page_reload (self);
}

NdTokenDialog *
nd_tokens_page_new_token (NdTokensPage *self)
{
  NdTokenDialog *dialog;

  g_return_val_if_fail (ND_IS_TOKENS_PAGE (self), NULL);
  if (self->conn.source == NULL || self->conn.blocked != NULL)
    return NULL;
  dialog = nd_token_dialog_new (GTK_WIDGET (self), self->conn.source, self->conn.money, NULL,
                                self->owner > 0 ? self->owner : self->self_id, self->any_owner);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (saved_cb), self, G_CONNECT_SWAPPED);
  return dialog;
}

static void
add_action (GtkWidget *widget, const char *name, GVariant *param)
{
  nd_tokens_page_new_token (ND_TOKENS_PAGE (widget));
}

static void
edit_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdTokensPage *self = ND_TOKENS_PAGE (widget);
  g_autoptr(GPtrArray) items = selected (self);
  NdTokenDialog *dialog;

  if (items->len != 1 || self->conn.blocked != NULL)
    return;
  dialog = nd_token_dialog_new (GTK_WIDGET (self), self->conn.source, self->conn.money,
                                nd_record_item_get (g_ptr_array_index (items, 0)), 0, FALSE);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (saved_cb), self, G_CONNECT_SWAPPED);
}

static void
reveal_done (GObject *object, GAsyncResult *result, gpointer data)
{
  g_autoptr(NdTokensPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdSecret) key = nd_source_reveal_token_key_finish (ND_SOURCE (object), result, &error);
  g_autoptr(GPtrArray) keys = NULL;

  if (self->disposed || (error != NULL && nd_error_is_cancelled (error)))
    return;
  if (key == NULL)
    {
      nd_channel_toast (GTK_WIDGET (self->list_stack), error->message);
      return;
    }
  keys = g_ptr_array_new ();
  g_ptr_array_add (keys, key);
  show_secret (self, _("Token Key"),
               _("Anyone with this key can spend the token’s quota. It is hidden again when "
                 "this window closes."), keys);
}

static void
reveal_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdTokensPage *self = ND_TOKENS_PAGE (widget);
  g_autoptr(GArray) ids = selected_ids (self);

  if (ids->len != 1 || self->conn.source == NULL)
    return;
  nd_source_reveal_token_key_async (self->conn.source, g_array_index (ids, gint64, 0), self->conn.cancellable,
                                    reveal_done, g_object_ref (self));
}

static void
find_action (GtkWidget *widget, const char *name, GVariant *param)
{
  gtk_widget_grab_focus (GTK_WIDGET (ND_TOKENS_PAGE (widget)->search_entry));
}

/* ─── session ───────────────────────────────────────────────────────────── */

static void
stop (NdTokensPage *self)
{
  nd_manage_conn_clear (&self->conn);
  if (self->usage != NULL)
    nd_channel_usage_open_store (self->usage, NULL, NULL, ND_CAP_FACTS_TOKEN, NULL);
  g_clear_handle_id (&self->search_timeout, g_source_remove);
  self->writing = FALSE;
  if (self->loader != NULL)
    nd_list_loader_reload (self->loader, NULL, NULL);
}

static void
session_state_cb (NdTokensPage *self)
{
  NdServerInfo *info = NULL;

  if (self->disposed)
    return;
  switch (nd_manage_conn_update (&self->conn, nd_page_get_session (ND_PAGE (self)), &info))
    {
    case ND_MANAGE_CONN_SAME:
      update_actions (self);
      return;
    case ND_MANAGE_CONN_NONE:
      stop (self);
      adw_status_page_set_description (self->unavailable_page, _("Not connected."));
      gtk_stack_set_visible_child_name (self->stack, "unavailable");
      update_actions (self);
      return;
    case ND_MANAGE_CONN_NEW:
    default:
      break;
    }
  g_clear_handle_id (&self->search_timeout, g_source_remove);
  self->writing = FALSE;
  gtk_stack_set_visible_child_name (self->stack, "tokens");
  self->self_id = info->user_id;
  self->any_owner = nd_server_info_has (info, ND_CAP_TOKENS_ALL_USERS);
  gtk_widget_set_visible (GTK_WIDGET (self->scope_note), !self->any_owner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->owner_entry), self->any_owner);
  gtk_string_list_splice (self->group_model, 1,
                          g_list_model_get_n_items (G_LIST_MODEL (self->group_model)) - 1, NULL);
  nd_source_list_groups_async (self->conn.source, self->conn.cancellable, groups_done,
                               g_object_ref (self));
  nd_channel_usage_open_store (self->usage, info,
                               nd_session_get_source (nd_page_get_session (ND_PAGE (self))),
                               ND_CAP_FACTS_TOKEN, "7d");
  nd_tokens_page_reload (self);
}

static void
nd_tokens_page_session_changed (NdPage *page, NdSession *old)
{
  if (!ND_TOKENS_PAGE (page)->disposed)
    nd_page_follow_session (page, old, G_CALLBACK (session_state_cb));
}

/* ─── object ────────────────────────────────────────────────────────────── */

static void
nd_tokens_page_dispose (GObject *object)
{
  NdTokensPage *self = ND_TOKENS_PAGE (object);

  self->disposed = TRUE;
  stop (self);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  if (self->loader != NULL)
    g_signal_handlers_disconnect_by_data (self->loader, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->loader);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_TOKENS_PAGE);
  G_OBJECT_CLASS (nd_tokens_page_parent_class)->dispose (object);
}

static void
nd_tokens_page_finalize (GObject *object)
{
  NdTokensPage *self = ND_TOKENS_PAGE (object);

  g_free (self->group);
  g_clear_object (&self->group_model);
  g_weak_ref_clear (&self->secret_dialog);
  G_OBJECT_CLASS (nd_tokens_page_parent_class)->finalize (object);
}

static void
nd_tokens_page_class_init (NdTokensPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_tokens_page_dispose;
  object_class->finalize = nd_tokens_page_finalize;
  ND_PAGE_CLASS (klass)->session_changed = nd_tokens_page_session_changed;

  g_type_ensure (ND_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-tokens-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NdTokensPage, name)
  BIND (stack); BIND (search_entry); BIND (status_dropdown); BIND (group_dropdown);
  BIND (owner_entry); BIND (count_label); BIND (spinner); BIND (reload_button); BIND (add_button);
  BIND (scope_note); BIND (list_stack); BIND (scroller); BIND (column_view); BIND (empty_page);
  BIND (bulk_revealer); BIND (selection_label); BIND (reveal_button); BIND (usage_button); BIND (edit_button);
  BIND (enable_button); BIND (disable_button); BIND (delete_button); BIND (unavailable_page);
#undef BIND
  gtk_widget_class_install_action (widget_class, "tokens.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "tokens.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "tokens.reveal", NULL, reveal_action);
  gtk_widget_class_install_action (widget_class, "tokens.enable", NULL, status_action);
  gtk_widget_class_install_action (widget_class, "tokens.disable", NULL, status_action);
  gtk_widget_class_install_action (widget_class, "tokens.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "tokens.find", NULL, find_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "tokens.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "tokens.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "tokens.delete", NULL);
}

static void
nd_tokens_page_init (NdTokensPage *self)
{
  static const char * const any_group[] = { N_("All groups"), NULL };

  GtkWidget *popover = gtk_popover_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->usage = ND_CHANNEL_USAGE (nd_channel_usage_new ());
  nd_channel_usage_set_ranges (self->usage, "24h", _("Last 24 hours"), _("24 Hours"),
                               "7d", _("Last 7 days"), _("7 Days"),
                               _("No requests with this token in this range"));
  gtk_widget_set_size_request (GTK_WIDGET (self->usage), 420, -1);
  gtk_popover_set_child (GTK_POPOVER (popover), GTK_WIDGET (self->usage));
  gtk_menu_button_set_popover (self->usage_button, popover);
  /* The status badges are the Channels page's. */
  nd_page_add_css ("/channels/nd-channels.css");
  g_weak_ref_init (&self->secret_dialog, NULL);
  self->group_model = gtk_string_list_new (NULL);
  gtk_string_list_append (self->group_model, _(any_group[0]));
  gtk_drop_down_set_model (self->group_dropdown, G_LIST_MODEL (self->group_model));
  self->loader = nd_list_loader_new (nd_source_list_tokens_async, (GDestroyNotify) nd_token_free);
  nd_list_loader_set_keep (self->loader, keep_token, self);
  self->selection = nd_list_loader_attach (self->loader, self->column_view, self->scroller);
  nd_record_table_add_columns (self->column_view, nd_token_columns, nd_token_n_columns, &self->conn.money);
  gtk_label_set_text (self->scope_note,
                      _("NewAPI’s API lists only the connected account’s own tokens. Connect the "
                        "database to see and manage every user’s."));

  g_signal_connect_swapped (self->loader, "loaded", G_CALLBACK (loaded_cb), self);
  g_signal_connect_swapped (self->selection, "selection-changed", G_CALLBACK (update_actions), self);
  g_signal_connect_swapped (self->reload_button, "clicked", G_CALLBACK (nd_tokens_page_reload), self);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self);
  g_signal_connect_swapped (self->status_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (self->group_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (self->owner_entry, "activate", G_CALLBACK (filters_changed_cb), self);
  session_state_cb (self);
}

/* ─── for tests ─────────────────────────────────────────────────────────── */

GListModel *
nd_tokens_page_get_model (NdTokensPage *self)
{
  g_return_val_if_fail (ND_IS_TOKENS_PAGE (self), NULL);
  return G_LIST_MODEL (self->selection);
}

gboolean
nd_tokens_page_is_busy (NdTokensPage *self)
{
  g_return_val_if_fail (ND_IS_TOKENS_PAGE (self), FALSE);
  return self->writing || nd_list_loader_is_loading (self->loader);
}

NdSecretDialog *
nd_tokens_page_get_secret_dialog (NdTokensPage *self)
{
  NdSecretDialog *dialog;

  g_return_val_if_fail (ND_IS_TOKENS_PAGE (self), NULL);
  dialog = g_weak_ref_get (&self->secret_dialog);
  if (dialog != NULL)
    g_object_unref (dialog);
  return dialog;
}

const char *
nd_tokens_page_get_blocked (NdTokensPage *self)
{
  g_return_val_if_fail (ND_IS_TOKENS_PAGE (self), NULL);
  return self->conn.blocked;
}

GtkWidget *
nd_tokens_page_get_usage (NdTokensPage *self)
{
  g_return_val_if_fail (ND_IS_TOKENS_PAGE (self), NULL);
  return GTK_WIDGET (self->usage);
}
