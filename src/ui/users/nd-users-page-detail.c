/* nd-users-page-detail.c — the detail pane and every write
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes are NdWrite requests (nd-write.h) the source runs in one
 * transaction each, with the audit row NewAPI writes; refusals (the last
 * root, the operator's own role) come back from the core and are shown
 * verbatim.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-channel-data.h"
#include "nd-channel-dialogs.h"
#include "logs/nd-log-query.h"
#include "nd-token-columns.h"
#include "nd-secure-string.h"
#include "nd-user-dialogs.h"
#include "nd-users-page-private.h"

/* ─── the pane ──────────────────────────────────────────────────────────── */

static void
add_row (NdUsersPage *self, const char *title, const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value && *value ? value : "—");
  gtk_widget_add_css_class (row, "property");
  gtk_list_box_append (self->detail_list, row);
}

static char *
bindings_text (NdUserBindings b)
{
  static const struct { NdUserBindings bit; const char *name; } names[] = {
    { ND_USER_BINDING_GITHUB, "GitHub" }, { ND_USER_BINDING_DISCORD, "Discord" },
    { ND_USER_BINDING_OIDC, "OIDC" }, { ND_USER_BINDING_WECHAT, "WeChat" },
    { ND_USER_BINDING_TELEGRAM, "Telegram" }, { ND_USER_BINDING_LINUX_DO, "LinuxDO" },
  };
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (b & names[i].bit)
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", names[i].name);
  return s->len ? g_string_free (g_steal_pointer (&s), FALSE) : g_strdup (_("None"));
}

static void
render (NdUsersPage *self, const NdUser *u)
{
  GtkWidget *child;
  g_autofree char *role = nd_user_role_label (u->role);
  g_autofree char *quota = nd_money_format_full (self->money, u->quota);
  g_autofree char *used = nd_money_format_full (self->money, u->used_quota);
  g_autofree char *quota_units = nd_format_count (u->quota);
  g_autofree char *quota_text = g_strdup_printf (_("%s (%s quota units)"), quota, quota_units);
  g_autofree char *requests = nd_format_count (u->request_count);
  g_autofree char *created = u->created_at > 0 ? nd_channel_time_text (u->created_at)
                                                : g_strdup (_("unknown"));
  g_autofree char *login = u->last_login_at > 0 ? nd_channel_time_text (u->last_login_at)
                                                : g_strdup (_("never"));
  g_autofree char *bindings = bindings_text (u->bindings);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, u->id);
  g_autofree char *display = nd_mask_text_dup (u->display_name ? u->display_name : "");
  g_autofree char *remark = nd_mask_text_dup (u->remark ? u->remark : "");

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->detail_list))) != NULL)
    gtk_list_box_remove (self->detail_list, child);
  gtk_label_set_text (self->detail_title, u->username ? u->username : "");
  add_row (self, _("ID"), id);
  add_row (self, _("Display Name"), display);
  add_row (self, _("Email"), u->email);
  add_row (self, _("Role"), role);
  add_row (self, _("Status"), nd_user_status_label (u));
  add_row (self, _("Group"), u->group);
  add_row (self, _("Balance"), quota_text);
  add_row (self, _("Used"), used);
  add_row (self, _("Requests"), requests);
  add_row (self, _("Created"), created);
  add_row (self, _("Last Login"), login);
  add_row (self, _("Sign-in Bindings"), bindings);
  add_row (self, _("Remark"), remark);
  gtk_button_set_label (self->delete_button, u->deleted ? _("_Restore") : _("De_lete…"));
  gtk_button_set_label (self->status_button, u->status == 1 ? _("_Disable…") : _("_Enable…"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_button), "destructive-action");
  if (u->status == 1)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_button), "destructive-action");
}

/* ─── the user's tokens ─────────────────────────────────────────────────── */

/* A short list: the Tokens page has them all. */
#define TOKENS_SHOWN 20

static void
clear_tokens (NdUsersPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tokens_list))) != NULL)
    gtk_list_box_remove (self->tokens_list, child);
}

static void
add_token_row (NdUsersPage *self, const char *title, const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_append (self->tokens_list, row);
}

typedef struct {
  NdUsersPage *self;
  gint64 id;
} TokensCtx;

static void
tokens_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  TokensCtx *ctx = user_data;
  g_autoptr(NdUsersPage) self = ctx->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdListPage) page = nd_source_list_finish (ND_SOURCE (object), result, &error);
  gint64 id = ctx->id;
  gint64 total;

  g_free (ctx);
  if (self->disposed || ND_SOURCE (object) != self->source || (page == NULL && nd_error_is_cancelled (error)))
    return;
  self->reading_detail--;
  _nd_users_page_update_actions (self);
  if (id != self->detail_id)
    return;
  clear_tokens (self);
  if (page == NULL)
    {
      add_token_row (self, error->message, NULL);
      return;
    }
  for (guint i = 0; i < page->items->len && i < TOKENS_SHOWN; i++)
    {
      const NdToken *t = g_ptr_array_index (page->items, i);
      const char *status = nd_token_status_label (t->effective_status);
      g_autofree char *remain = nd_money_format (self->money, t->remain_quota);
      g_autofree char *subtitle = NULL;

      if (t->unlimited_quota)
        /* Translators: a token's masked key and status */
        subtitle = g_strdup_printf (_("%s · %s · unlimited"), t->masked_key, status);
      else
        /* Translators: a token's masked key, status and remaining quota */
        subtitle = g_strdup_printf (_("%s · %s · %s left"), t->masked_key, status, remain);
      g_autofree char *name = nd_mask_text_dup (t->name ? t->name : "");

      add_token_row (self, name, subtitle);
    }
  total = page->total >= 0 ? page->total : (gint64) page->items->len;
  if (total > TOKENS_SHOWN)
    {
      g_autofree char *more = nd_format_count (total - TOKENS_SHOWN);
      /* Translators: after the first tokens of a user; %s is a count */
      g_autofree char *text = g_strdup_printf (_("and %s more on the Tokens page"), more);

      add_token_row (self, text, NULL);
    }
  else if (total == 0)
    add_token_row (self, _("No tokens"), NULL);
}

static void
fetch_tokens (NdUsersPage *self, gint64 id)
{
  NdListQuery q = { 0 };
  TokensCtx *ctx;

  clear_tokens (self);
  if (self->source == NULL || self->cancellable == NULL || id <= 0)
    return;
  ctx = g_new0 (TokensCtx, 1);
  ctx->self = g_object_ref (self);
  ctx->id = id;
  q.limit = TOKENS_SHOWN;
  q.user_id = id;
  self->reading_detail++;
  nd_source_list_tokens_async (self->source, &q, self->cancellable, tokens_done, ctx);
}

/* The table gives up what the pane repeats, so what stays fits beside it. */
static const NdUserColumn hidden_with_pane[] = {
  ND_USER_COLUMN_ROLE, ND_USER_COLUMN_USED, ND_USER_COLUMN_REQUESTS, ND_USER_COLUMN_CREATED,
  ND_USER_COLUMN_LAST_LOGIN,
};

static void
show_pane (NdUsersPage *self, gboolean show)
{
  for (guint i = 0; i < G_N_ELEMENTS (hidden_with_pane); i++)
    gtk_column_view_column_set_visible (nd_user_columns_get_column (self->columns,
                                                                    hidden_with_pane[i]), !show);
  gtk_widget_set_visible (self->detail_pane, show);
  gtk_widget_set_visible (self->pane_separator, show);
  adw_leaflet_set_visible_child (self->leaflet, show ? self->detail_pane : self->list_pane);
}

static void
detail_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdUsersPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdUser) user = nd_source_get_user_finish (ND_SOURCE (object), result, &error);

  if (self->disposed || ND_SOURCE (object) != self->source || (user == NULL && nd_error_is_cancelled (error)))
    return;
  self->reading_detail--;
  _nd_users_page_update_actions (self);
  if (user == NULL)
    {
      /* A report keeps the list's fields only: the pane already shows them. */
      if (!g_error_matches (error, ND_ERROR, ND_ERROR_UNSUPPORTED))
        nd_channel_toast (self->detail_pane, error->message);
      return;
    }
  if (user->id != self->detail_id)
    return;
  g_clear_pointer (&self->detail, nd_user_free);
  self->detail = g_steal_pointer (&user);
  render (self, self->detail);
  _nd_users_page_update_actions (self);
}

/* Reads @id again (after a write, or with the detail-only fields). */
static void
fetch_detail (NdUsersPage *self, gint64 id)
{
  if (self->source == NULL || self->cancellable == NULL)
    return;
  self->reading_detail++;
  nd_source_get_user_async (self->source, id, self->cancellable, detail_done, g_object_ref (self));
}

void
_nd_users_page_show_user (NdUsersPage *self, gint64 id, const NdUser *user)
{
  g_clear_pointer (&self->detail, nd_user_free);
  self->detail_id = id;
  if (id <= 0)
    {
      show_pane (self, FALSE);
      _nd_users_page_update_actions (self);
      return;
    }
  if (user != NULL)
    render (self, user);
  nd_channel_usage_set_subject (self->usage, ND_FACTS_DIM_USER, id);
  fetch_tokens (self, id);
  show_pane (self, TRUE);
  _nd_users_page_update_actions (self);
  fetch_detail (self, id);
}

static void
close_cb (NdUsersPage *self)
{
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  _nd_users_page_show_user (self, 0, NULL);
}

/* The Logs page, filtered by the id: a username may be renamed, an id not. */
static void
logs_clicked_cb (NdUsersPage *self)
{
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autofree char *filter = NULL;

  if (self->detail_id <= 0)
    return;
  q->user_id = self->detail_id;
  filter = nd_log_query_to_string (q);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.open-logs", "s", filter);
}

static void
leaflet_child_cb (NdUsersPage *self)
{
  /* Swiping back when folded closes the detail as the close button does. */
  if (adw_leaflet_get_folded (self->leaflet) && self->detail_id > 0 &&
      adw_leaflet_get_visible_child (self->leaflet) == self->list_pane &&
      !adw_leaflet_get_child_transition_running (self->leaflet))
    close_cb (self);
}

/* ─── writes ────────────────────────────────────────────────────────────── */

typedef struct {
  NdUsersPage *self;            /* unowned: the write is cancelled in dispose */
  char *done_message;
} Write;

static gboolean
write_done (gpointer data, const NdWriteResult *result, const GError *error)
{
  Write *w = data;
  NdUsersPage *self = w->self;

  self->writing = FALSE;
  if (result != NULL)
    {
      nd_channel_toast (GTK_WIDGET (self->list_pane), w->done_message);
      g_clear_pointer (&self->keep_ids, g_array_unref);
      self->keep_ids = _nd_users_page_selected_ids (self);
      _nd_users_page_reload (self);
      if (self->detail_id > 0)
        fetch_detail (self, self->detail_id);
    }
  _nd_users_page_update_actions (self);
  g_free (w->done_message);
  g_free (w);
  return FALSE;
}

static void
run_write (NdUsersPage *self, NdWrite *write, const char *done_message)
{
  Write *w = g_new0 (Write, 1);

  if (self->source == NULL || self->blocked != NULL || self->writing)
    {
      nd_write_free (write);
      g_free (w);
      return;
    }
  w->self = self;
  w->done_message = g_strdup (done_message);
  if (self->write_cancellable == NULL)
    self->write_cancellable = g_cancellable_new ();
  self->writing = TRUE;
  _nd_users_page_update_actions (self);
  nd_channel_run_write (GTK_WIDGET (self->list_pane), self->source, write, self->write_cancellable,
                        write_done, w);
}

/* Quota. */

static void
quota_answer (gpointer data, NdQuotaMode mode, gint64 amount, const char *reason)
{
  NdUsersPage *self = data;

  if (self->disposed || self->detail_id <= 0)
    return;
  run_write (self, nd_write_user_quota_new (self->detail_id, mode, amount, reason),
             _("Quota changed"));
}

static void
quota_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdUsersPage *self = ND_USERS_PAGE (widget);

  if (self->detail == NULL || self->blocked != NULL || self->writing)
    return;
  nd_user_quota_dialog_new (widget, self->detail, self->money, quota_answer,
                            g_object_ref (self), g_object_unref);
}

/* Status, one user or the selection. */

typedef struct {
  NdUsersPage *self;
  GArray *ids;
  int status;
} StatusAsk;

static void
status_ask_free (gpointer data)
{
  StatusAsk *ask = data;

  g_object_unref (ask->self);
  g_array_unref (ask->ids);
  g_free (ask);
}

static void
status_answer (gpointer data, gboolean go, const char *text)
{
  StatusAsk *ask = data;
  guint n = ask->ids->len;

  if (!go || ask->self->disposed)
    return;
  run_write (ask->self, nd_write_user_status_new ((gint64 *) ask->ids->data, n, ask->status),
             ask->status == 1
             ? g_dngettext (GETTEXT_PACKAGE, "User enabled", "Users enabled", n)
             : g_dngettext (GETTEXT_PACKAGE, "User disabled", "Users disabled", n));
}

static void
ask_status (NdUsersPage *self, GArray *ids, int status)
{
  StatusAsk *ask = g_new0 (StatusAsk, 1);
  guint n = ids->len;
  g_autofree char *heading = NULL;
  const char *body;

  ask->self = g_object_ref (self);
  ask->ids = g_array_ref (ids);
  ask->status = status;
  if (status == 1)
    {
      /* Translators: %u is a number of users */
      heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Enable %u User?",
                                              "Enable %u Users?", n), n);
      body = _("They can sign in and use their tokens again.");
    }
  else
    {
      heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Disable %u User?",
                                              "Disable %u Users?", n), n);
      body = _("They cannot sign in or use their tokens until enabled again. The root user "
               "cannot be disabled.");
    }
  nd_channel_confirm (GTK_WIDGET (self), heading, body,
                      status == 1 ? _("_Enable") : _("_Disable"), status_answer, ask,
                      status_ask_free);
}

static void
status_clicked_cb (NdUsersPage *self)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (self->detail == NULL)
    return;
  g_array_append_val (ids, self->detail->id);
  ask_status (self, ids, self->detail->status == 1 ? 2 : 1);
}

static void
bulk_clicked_cb (GtkButton *button, NdUsersPage *self)
{
  g_autoptr(GArray) ids = _nd_users_page_selected_ids (self);

  if (ids->len > 0)
    ask_status (self, ids, button == self->bulk_enable_button ? 1 : 2);
}

/* Edit. */

static void
edit_answer (gpointer data, NdUserEdit *edit)
{
  NdUsersPage *self = data;

  if (self->disposed || self->detail_id <= 0)
    {
      nd_user_edit_free (edit);
      return;
    }
  run_write (self, nd_write_user_update_new (self->detail_id, edit), _("User saved"));
}

static void
edit_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdUsersPage *self = ND_USERS_PAGE (widget);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_auto(GStrv) groups = NULL;

  if (self->detail == NULL || self->blocked != NULL || self->writing)
    return;
  /* The filter's groups: GroupRatio's, as the write checks them. */
  for (guint i = 0; i < self->group_values->len; i++)
    if (g_ptr_array_index (self->group_values, i) != NULL)
      g_strv_builder_add (b, g_ptr_array_index (self->group_values, i));
  groups = g_strv_builder_end (b);
  nd_user_edit_dialog_new (widget, self->detail, (const char * const *) groups, edit_answer,
                           g_object_ref (self), g_object_unref);
}

/* Delete (soft, as NewAPI does) and restore. */

static void
delete_answer (gpointer data, gboolean go, const char *text)
{
  NdUsersPage *self = data;

  if (!go || self->disposed || self->detail_id <= 0)
    return;
  run_write (self, nd_write_user_delete_new (&self->detail_id, 1), _("User deleted"));
}

static void
delete_clicked_cb (NdUsersPage *self)
{
  g_autofree char *heading = NULL;

  if (self->detail == NULL)
    return;
  if (self->detail->deleted)
    {
      run_write (self, nd_write_user_restore_new (&self->detail_id, 1), _("User restored"));
      return;
    }
  /* Translators: %s is a username */
  heading = g_strdup_printf (_("Delete %s?"), self->detail->username ? self->detail->username : "");
  nd_channel_confirm (GTK_WIDGET (self), heading,
                      _("NewAPI keeps a deleted user’s row, marked deleted: they cannot sign in "
                        "and the user can be restored here. The root user cannot be deleted."),
                      _("De_lete"), delete_answer, g_object_ref (self), g_object_unref);
}

/* Create. */

static void
create_answer (gpointer data, NdUserEdit *edit)
{
  NdUsersPage *self = data;

  if (self->disposed)
    {
      nd_user_edit_free (edit);
      return;
    }
  run_write (self, nd_write_user_create_new (edit), _("User created"));
}

static void
add_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdUsersPage *self = ND_USERS_PAGE (widget);

  if (self->source == NULL || self->blocked != NULL)
    return;
  nd_user_create_dialog_new (widget, create_answer, g_object_ref (self), g_object_unref);
}

/* ─── setup ─────────────────────────────────────────────────────────────── */

void
_nd_users_page_detail_class_init (NdUsersPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "users.quota", NULL, quota_action);
  gtk_widget_class_install_action (widget_class, "users.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "users.edit", NULL, edit_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "users.add", NULL);
}

void
_nd_users_page_detail_init (NdUsersPage *self)
{
  g_signal_connect_swapped (self->close_button, "clicked", G_CALLBACK (close_cb), self);
  g_signal_connect_swapped (self->logs_button, "clicked", G_CALLBACK (logs_clicked_cb), self);
  g_signal_connect_swapped (self->status_button, "clicked", G_CALLBACK (status_clicked_cb), self);
  g_signal_connect_swapped (self->delete_button, "clicked", G_CALLBACK (delete_clicked_cb), self);
  g_signal_connect (self->bulk_enable_button, "clicked", G_CALLBACK (bulk_clicked_cb), self);
  g_signal_connect (self->bulk_disable_button, "clicked", G_CALLBACK (bulk_clicked_cb), self);
  g_signal_connect_swapped (self->leaflet, "notify::visible-child", G_CALLBACK (leaflet_child_cb), self);
  g_signal_connect_swapped (self->leaflet, "notify::child-transition-running",
                            G_CALLBACK (leaflet_child_cb), self);
  self->usage = ND_CHANNEL_USAGE (nd_channel_usage_new ());
  nd_channel_usage_set_ranges (self->usage, "7d", _("Last 7 days"), _("7 Days"),
                               "30d", _("Last 30 days"), _("30 Days"),
                               _("No requests by this user in this range"));
  gtk_box_append (GTK_BOX (self->usage_box), GTK_WIDGET (self->usage));
  show_pane (self, FALSE);
}
