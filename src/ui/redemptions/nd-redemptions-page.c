/* nd-redemptions-page.c — the code table, batches and clean-up
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rows come a page at a time (NdListLoader). A batch is one write: every
 * code or none, one audit row; the codes are shown once, to copy or save
 * (nd-secret-dialog). Codes in the table are masked; "Reveal Codes…" reads
 * the selected ones on purpose.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-channel-dialogs.h"
#include "nd-list-loader.h"
#include "nd-manage-conn.h"
#include "nd-record-item.h"
#include "nd-redemption-columns.h"
#include "nd-redemptions-page.h"
#include "nd-wrap-box.h"

/* Search waits for the typing to stop. */
#define SEARCH_DELAY_MS 400

struct _NdRedemptionsPage
{
  NdPage parent_instance;

  /* template */
  GtkStack *stack;
  GtkSearchEntry *search_entry;
  GtkDropDown *status_dropdown;
  GtkLabel *count_label;
  GtkSpinner *spinner;
  GtkButton *reload_button;
  GtkButton *delete_invalid_button;
  GtkButton *add_button;
  GtkStack *list_stack;
  GtkScrolledWindow *scroller;
  GtkColumnView *column_view;
  AdwStatusPage *empty_page;
  GtkRevealer *bulk_revealer;
  GtkLabel *selection_label;
  GtkButton *reveal_button;
  GtkButton *edit_button;
  GtkButton *enable_button;
  GtkButton *disable_button;
  GtkButton *delete_button;
  AdwStatusPage *unavailable_page;

  /* owned */
  NdListLoader *loader;
  GtkMultiSelection *selection;
  NdManageConn conn;             /* source, calls, write access, money */
  GWeakRef secret_dialog;
  guint search_timeout;
  int status;                   /* filter: 0 all, NdRedemptionStatus or _FILTER_EXPIRED */
  gboolean writing;
  gboolean counting;            /* the write is "delete invalid": say how many went */
  gboolean disposed;
};

G_DEFINE_FINAL_TYPE (NdRedemptionsPage, nd_redemptions_page, ND_TYPE_PAGE)

static GArray *
selected_ids (NdRedemptionsPage *self)
{
  return nd_record_table_selected_ids (GTK_SELECTION_MODEL (self->selection));
}

static void
update_actions (NdRedemptionsPage *self)
{
  g_autoptr(GArray) ids = selected_ids (self);
  const char *why = self->conn.source == NULL ? _("Not connected")
                    : self->conn.blocked ? self->conn.blocked : self->writing ? "" : NULL;
  gboolean one = ids->len == 1;
  g_autofree char *sel = NULL;
  static const char * const writes[] = {
    "redemptions.add", "redemptions.enable", "redemptions.disable", "redemptions.delete",
    "redemptions.delete-invalid",
  };

  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), writes[i], why == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "redemptions.edit", why == NULL && one);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "redemptions.reveal",
                                 self->conn.source != NULL && ids->len > 0);
  nd_channel_set_blocked (GTK_WIDGET (self->add_button), why, _("Make a batch of codes (Ctrl+N)"));
  nd_channel_set_blocked (GTK_WIDGET (self->delete_invalid_button), why,
                          _("Delete used, disabled and expired codes"));
  nd_channel_set_blocked (GTK_WIDGET (self->edit_button), why ? why : one ? NULL : "",
                          _("Change the name, quota or expiry (Ctrl+E)"));
  nd_channel_set_blocked (GTK_WIDGET (self->enable_button), why, NULL);
  nd_channel_set_blocked (GTK_WIDGET (self->disable_button), why, NULL);
  nd_channel_set_blocked (GTK_WIDGET (self->delete_button), why, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reload_button), self->conn.source != NULL);
  gtk_spinner_set_spinning (self->spinner,
                            self->writing || nd_list_loader_is_loading (self->loader));
  /* Translators: how many codes are selected */
  sel = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u code selected", "%u codes selected",
                                      ids->len), ids->len);
  gtk_label_set_text (self->selection_label, sel);
  gtk_revealer_set_reveal_child (self->bulk_revealer, ids->len > 0);
}

/* What NewAPI's API could not filter (expiry is worked out here). */
static gboolean
keep_code (gconstpointer record, gpointer data)
{
  NdRedemptionsPage *self = data;
  const NdRedemption *c = record;

  switch (self->status)
    {
    case 0: return TRUE;
    case ND_REDEMPTION_STATUS_ENABLED: return c->status == self->status && !c->expired;
    case ND_REDEMPTION_FILTER_EXPIRED: return c->expired;
    default: return c->status == self->status;
    }
}

static void
loaded_cb (NdRedemptionsPage *self, GError *error)
{
  guint n = g_list_model_get_n_items (nd_list_loader_get_model (self->loader));
  gint64 total = nd_list_loader_get_total (self->loader);
  gint64 shown = total >= 0 ? total : n;
  g_autofree char *number = nd_format_count (shown);
  g_autofree char *count = NULL;

  if (error != NULL)
    nd_channel_toast (GTK_WIDGET (self->list_stack), error->message);
  /* Translators: codes matching the filters */
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s code", "%s codes", shown), number);
  gtk_label_set_text (self->count_label, count);
  adw_status_page_set_description (self->empty_page,
                                   error ? error->message : _("No code matches these filters."));
  gtk_stack_set_visible_child_name (self->list_stack, n > 0 ? "list" : "empty");
  update_actions (self);
  if (n == 0 && error == NULL)
    nd_list_loader_more (self->loader);
}

void
nd_redemptions_page_reload (NdRedemptionsPage *self)
{
  NdListQuery q = { 0 };

  g_return_if_fail (ND_IS_REDEMPTIONS_PAGE (self));
  if (self->disposed)
    return;
  q.search = (char *) gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  q.status = self->status;
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  nd_list_loader_reload (self->loader, self->conn.source, &q);
  update_actions (self);
}

static gboolean
search_timeout_cb (gpointer data)
{
  NdRedemptionsPage *self = data;

  self->search_timeout = 0;
  nd_redemptions_page_reload (self);
  return G_SOURCE_REMOVE;
}

static void
search_changed_cb (NdRedemptionsPage *self)
{
  g_clear_handle_id (&self->search_timeout, g_source_remove);
  self->search_timeout = g_timeout_add (SEARCH_DELAY_MS, search_timeout_cb, self);
}

static void
status_changed_cb (NdRedemptionsPage *self)
{
  self->status = (int) gtk_drop_down_get_selected (self->status_dropdown);
  nd_redemptions_page_reload (self);
}

/* ─── writes ────────────────────────────────────────────────────────────── */

static gboolean
write_done (gpointer data, const NdWriteResult *result, const GError *error)
{
  NdRedemptionsPage *self = data;

  self->writing = FALSE;
  update_actions (self);
  if (result == NULL)
    return FALSE;
  if (self->counting)
    {
      /* Translators: what "Delete Invalid" did */
      g_autofree char *number = nd_format_count (result->changed);
      g_autofree char *done = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s code deleted",
                                                            "%s codes deleted", result->changed),
                                               number);

      nd_channel_toast (GTK_WIDGET (self->list_stack), done);
    }
  nd_redemptions_page_reload (self);
  return FALSE;
}

static void
run_write (NdRedemptionsPage *self, NdWrite *write, gboolean counting)
{
  self->writing = TRUE;
  self->counting = counting;
  update_actions (self);
  nd_channel_run_write (GTK_WIDGET (self->list_stack), self->conn.source, write, self->conn.cancellable,
                        write_done, self);
}

static void
status_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdRedemptionsPage *self = ND_REDEMPTIONS_PAGE (widget);
  g_autoptr(GArray) ids = selected_ids (self);
  int status = g_str_equal (name, "redemptions.enable") ? ND_REDEMPTION_STATUS_ENABLED
                                                         : ND_REDEMPTION_STATUS_DISABLED;

  if (ids->len == 0 || self->conn.blocked != NULL || self->writing)
    return;
  run_write (self, nd_write_redemption_status_new ((gint64 *) ids->data, ids->len, status), FALSE);
}

static void
delete_answered (gpointer data, gboolean go, const char *text)
{
  NdRedemptionsPage *self = data;
  g_autoptr(GArray) ids = NULL;

  if (!go || self->disposed)
    return;
  ids = selected_ids (self);
  if (ids->len > 0)
    run_write (self, nd_write_redemption_delete_new ((gint64 *) ids->data, ids->len), FALSE);
}

static void
delete_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdRedemptionsPage *self = ND_REDEMPTIONS_PAGE (widget);
  g_autoptr(GArray) ids = selected_ids (self);
  g_autofree char *heading = NULL;

  if (ids->len == 0 || self->conn.blocked != NULL)
    return;
  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %u Code?", "Delete %u Codes?",
                                          ids->len), ids->len);
  nd_channel_confirm (GTK_WIDGET (self), heading,
                      _("Unused codes among them can no longer be redeemed. NewAPI keeps the rows, "
                        "marked deleted."),
                      _("_Delete"), delete_answered, g_object_ref (self), g_object_unref);
}

static void
delete_invalid_answered (gpointer data, gboolean go, const char *text)
{
  NdRedemptionsPage *self = data;

  if (go && !self->disposed && self->conn.source != NULL)
    run_write (self, nd_write_redemption_delete_invalid_new (), TRUE);
}

static void
delete_invalid_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdRedemptionsPage *self = ND_REDEMPTIONS_PAGE (widget);

  if (self->conn.source == NULL || self->conn.blocked != NULL)
    return;
  nd_channel_confirm (GTK_WIDGET (self), _("Delete Invalid Codes?"),
                      _("Every used and disabled code, and every unused one past its expiry, is "
                        "deleted, as NewAPI’s own “delete invalid” does."),
                      _("_Delete"), delete_invalid_answered, g_object_ref (self), g_object_unref);
}

static void
show_codes (NdRedemptionsPage *self, const char *title, const char *body, GPtrArray *codes)
{
  NdSecretDialog *dialog = nd_secret_dialog_new (GTK_WIDGET (self), title, body, codes, NULL, TRUE);

  g_weak_ref_set (&self->secret_dialog, dialog);
}

static void
generated_cb (NdRedemptionsPage *self, GPtrArray *codes)
{
  if (codes != NULL && codes->len > 0)
    {
      /* Translators: the heading over a new batch of codes */
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Code Made",
                                                             "%u Codes Made", codes->len),
                                                codes->len);

      show_codes (self, title,
                  _("Copy or save the codes now: they are shown only this once. Each one is "
                    "money to whoever redeems it."), codes);
    }
  nd_redemptions_page_reload (self);
}

NdRedemptionDialog *
nd_redemptions_page_generate (NdRedemptionsPage *self)
{
  NdRedemptionDialog *dialog;

  g_return_val_if_fail (ND_IS_REDEMPTIONS_PAGE (self), NULL);
  if (self->conn.source == NULL || self->conn.blocked != NULL)
    return NULL;
  dialog = nd_redemption_dialog_new (GTK_WIDGET (self), self->conn.source, self->conn.money, NULL);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (generated_cb), self, G_CONNECT_SWAPPED);
  return dialog;
}

NdRedemptionDialog *
nd_redemptions_page_edit (NdRedemptionsPage *self)
{
  g_autoptr(GPtrArray) items = NULL;
  NdRedemptionDialog *dialog;

  g_return_val_if_fail (ND_IS_REDEMPTIONS_PAGE (self), NULL);
  if (self->conn.source == NULL || self->conn.blocked != NULL)
    return NULL;
  items = nd_record_table_selected (GTK_SELECTION_MODEL (self->selection));
  if (items->len != 1)
    return NULL;
  dialog = nd_redemption_dialog_new (GTK_WIDGET (self), self->conn.source, self->conn.money,
                                     nd_record_item_get (g_ptr_array_index (items, 0)));
  /* The reload shows the row as the server now has it. */
  g_signal_connect_object (dialog, "saved", G_CALLBACK (nd_redemptions_page_reload), self,
                           G_CONNECT_SWAPPED);
  return dialog;
}

static void
edit_action (GtkWidget *widget, const char *name, GVariant *param)
{
  nd_redemptions_page_edit (ND_REDEMPTIONS_PAGE (widget));
}

/* Enter or a double click on a row edits that code. */
static void
activate_cb (NdRedemptionsPage *self, guint position)
{
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (self), "redemptions.edit", NULL);
}

static void
add_action (GtkWidget *widget, const char *name, GVariant *param)
{
  nd_redemptions_page_generate (ND_REDEMPTIONS_PAGE (widget));
}

static void
reveal_done (GObject *object, GAsyncResult *result, gpointer data)
{
  g_autoptr(NdRedemptionsPage) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) codes = nd_source_reveal_redemption_keys_finish (ND_SOURCE (object), result,
                                                                         &error);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) list = NULL;

  if (self->disposed || (error != NULL && nd_error_is_cancelled (error)))
    return;
  if (codes == NULL)
    {
      nd_channel_toast (GTK_WIDGET (self->list_stack), error->message);
      return;
    }
  /* In the table's order; the table owns the strings until it is freed. */
  ids = selected_ids (self);
  list = g_ptr_array_new ();
  for (guint i = 0; i < ids->len; i++)
    {
      const char *code = g_hash_table_lookup (codes, &g_array_index (ids, gint64, i));

      if (code != NULL)
        g_ptr_array_add (list, (gpointer) code);
    }
  show_codes (self, _("Redemption Codes"),
              _("Each code is money to whoever redeems it. They are hidden again when this "
                "window closes."), list);
}

static void
reveal_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdRedemptionsPage *self = ND_REDEMPTIONS_PAGE (widget);
  g_autoptr(GArray) ids = selected_ids (self);

  if (ids->len == 0 || self->conn.source == NULL)
    return;
  nd_source_reveal_redemption_keys_async (self->conn.source, (gint64 *) ids->data, ids->len,
                                          self->conn.cancellable, reveal_done, g_object_ref (self));
}

static void
find_action (GtkWidget *widget, const char *name, GVariant *param)
{
  gtk_widget_grab_focus (GTK_WIDGET (ND_REDEMPTIONS_PAGE (widget)->search_entry));
}

/* ─── session ───────────────────────────────────────────────────────────── */

static void
stop (NdRedemptionsPage *self)
{
  nd_manage_conn_clear (&self->conn);
  g_clear_handle_id (&self->search_timeout, g_source_remove);
  self->writing = FALSE;
  if (self->loader != NULL)
    nd_list_loader_reload (self->loader, NULL, NULL);
}

static void
session_state_cb (NdRedemptionsPage *self)
{
  NdServerInfo *info = NULL;
  NdManageConnChange change;

  if (self->disposed)
    return;
  change = nd_manage_conn_update (&self->conn, nd_page_get_session (ND_PAGE (self)), &info);
  if (change == ND_MANAGE_CONN_SAME)
    {
      update_actions (self);
      return;
    }
  g_clear_handle_id (&self->search_timeout, g_source_remove);
  self->writing = FALSE;
  if (change == ND_MANAGE_CONN_NONE || !nd_server_info_has (info, ND_CAP_REDEMPTIONS))
    {
      adw_status_page_set_description (self->unavailable_page,
                                       change == ND_MANAGE_CONN_NONE
                                       ? _("Not connected.")
                                       : _("This connection cannot list redemption codes."));
      gtk_stack_set_visible_child_name (self->stack, "unavailable");
      stop (self);
      update_actions (self);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "codes");
  nd_redemptions_page_reload (self);
}

static void
nd_redemptions_page_session_changed (NdPage *page, NdSession *old)
{
  if (!ND_REDEMPTIONS_PAGE (page)->disposed)
    nd_page_follow_session (page, old, G_CALLBACK (session_state_cb));
}

/* ─── object ────────────────────────────────────────────────────────────── */

static void
nd_redemptions_page_dispose (GObject *object)
{
  NdRedemptionsPage *self = ND_REDEMPTIONS_PAGE (object);

  self->disposed = TRUE;
  stop (self);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  if (self->loader != NULL)
    g_signal_handlers_disconnect_by_data (self->loader, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->loader);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_REDEMPTIONS_PAGE);
  G_OBJECT_CLASS (nd_redemptions_page_parent_class)->dispose (object);
}

static void
nd_redemptions_page_finalize (GObject *object)
{
  g_weak_ref_clear (&ND_REDEMPTIONS_PAGE (object)->secret_dialog);
  G_OBJECT_CLASS (nd_redemptions_page_parent_class)->finalize (object);
}

static void
nd_redemptions_page_class_init (NdRedemptionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_redemptions_page_dispose;
  object_class->finalize = nd_redemptions_page_finalize;
  ND_PAGE_CLASS (klass)->session_changed = nd_redemptions_page_session_changed;

  g_type_ensure (ND_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/nd-redemptions-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NdRedemptionsPage, name)
  BIND (stack); BIND (search_entry); BIND (status_dropdown); BIND (count_label); BIND (spinner);
  BIND (reload_button); BIND (delete_invalid_button); BIND (add_button); BIND (list_stack);
  BIND (scroller); BIND (column_view); BIND (empty_page); BIND (bulk_revealer);
  BIND (selection_label); BIND (reveal_button); BIND (edit_button); BIND (enable_button); BIND (disable_button);
  BIND (delete_button); BIND (unavailable_page);
#undef BIND
  gtk_widget_class_install_action (widget_class, "redemptions.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "redemptions.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "redemptions.reveal", NULL, reveal_action);
  gtk_widget_class_install_action (widget_class, "redemptions.enable", NULL, status_action);
  gtk_widget_class_install_action (widget_class, "redemptions.disable", NULL, status_action);
  gtk_widget_class_install_action (widget_class, "redemptions.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "redemptions.delete-invalid", NULL,
                                   delete_invalid_action);
  gtk_widget_class_install_action (widget_class, "redemptions.find", NULL, find_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "redemptions.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "redemptions.edit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "redemptions.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "redemptions.delete", NULL);
}

static void
nd_redemptions_page_init (NdRedemptionsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  nd_page_add_css ("/channels/nd-channels.css");
  g_weak_ref_init (&self->secret_dialog, NULL);
  self->loader = nd_list_loader_new (nd_source_list_redemptions_async,
                                     (GDestroyNotify) nd_redemption_free);
  nd_list_loader_set_keep (self->loader, keep_code, self);
  self->selection = nd_list_loader_attach (self->loader, self->column_view, self->scroller);
  nd_record_table_add_columns (self->column_view, nd_redemption_columns, nd_redemption_n_columns,
                               &self->conn.money);
  g_signal_connect_swapped (self->loader, "loaded", G_CALLBACK (loaded_cb), self);
  g_signal_connect_swapped (self->selection, "selection-changed", G_CALLBACK (update_actions), self);
  g_signal_connect_swapped (self->column_view, "activate", G_CALLBACK (activate_cb), self);
  g_signal_connect_swapped (self->reload_button, "clicked", G_CALLBACK (nd_redemptions_page_reload), self);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self);
  g_signal_connect_swapped (self->status_dropdown, "notify::selected", G_CALLBACK (status_changed_cb), self);
  session_state_cb (self);
}

/* ─── for tests ─────────────────────────────────────────────────────────── */

GListModel *
nd_redemptions_page_get_model (NdRedemptionsPage *self)
{
  g_return_val_if_fail (ND_IS_REDEMPTIONS_PAGE (self), NULL);
  return G_LIST_MODEL (self->selection);
}

gboolean
nd_redemptions_page_is_busy (NdRedemptionsPage *self)
{
  g_return_val_if_fail (ND_IS_REDEMPTIONS_PAGE (self), FALSE);
  return self->writing || nd_list_loader_is_loading (self->loader);
}

NdSecretDialog *
nd_redemptions_page_get_secret_dialog (NdRedemptionsPage *self)
{
  NdSecretDialog *dialog;

  g_return_val_if_fail (ND_IS_REDEMPTIONS_PAGE (self), NULL);
  dialog = g_weak_ref_get (&self->secret_dialog);
  if (dialog != NULL)
    g_object_unref (dialog);
  return dialog;
}

const char *
nd_redemptions_page_get_blocked (NdRedemptionsPage *self)
{
  g_return_val_if_fail (ND_IS_REDEMPTIONS_PAGE (self), NULL);
  return self->conn.blocked;
}
