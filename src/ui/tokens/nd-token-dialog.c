/* nd-token-dialog.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A form never sends what the core would refuse: the request is checked
 * with nd_write_validate first and the reason shown under the form. An
 * edit sends only the fields that changed.
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-time.h"
#include "nd-token-dialog.h"

struct _NdTokenDialog
{
  AdwWindow parent_instance;

  AdwToastOverlay *toasts;
  AdwWindowTitle *title;
  GtkButton *cancel_button;
  GtkButton *save_button;
  GtkSpinner *spinner;
  AdwEntryRow *name_row;
  AdwActionRow *owner_row;
  GtkSpinButton *owner_spin;
  AdwEntryRow *group_row;
  GtkSwitch *unlimited_switch;
  AdwActionRow *quota_row;
  GtkSpinButton *quota_spin;
  GtkSwitch *never_switch;
  AdwEntryRow *expires_row;
  AdwEntryRow *models_row;
  AdwEntryRow *ips_row;
  GtkLabel *error_label;

  NdSource *source;
  NdMoney *money;
  NdToken *token;               /* being edited; NULL for a new one */
  GCancellable *cancellable;
  gboolean saving;
};

G_DEFINE_FINAL_TYPE (NdTokenDialog, nd_token_dialog, ADW_TYPE_WINDOW)

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
quota_changed_cb (NdTokenDialog *self)
{
  gint64 quota = (gint64) gtk_spin_button_get_value (self->quota_spin);
  g_autofree char *money = self->money ? nd_money_format_full (self->money, quota) : NULL;

  adw_action_row_set_subtitle (self->quota_row, money ? money : "");
}

static void
sync_sensitive (NdTokenDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->quota_row),
                            !gtk_switch_get_active (self->unlimited_switch));
  gtk_widget_set_sensitive (GTK_WIDGET (self->expires_row),
                            !gtk_switch_get_active (self->never_switch));
}

gboolean
nd_form_read_expiry (GtkSwitch *never, AdwEntryRow *row, gint64 never_value, gint64 *out,
                     GError **error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  *out = never_value;
  if (gtk_switch_get_active (never) || nd_time_parse (text, out))
    return TRUE;
  g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
               _("“%s” is not a time: write it as 2026-12-31 or 2026-12-31 18:00"), text);
  return FALSE;
}

/* "a, b,,c" → "a,b,c"; @sep joins (',' for models, '\n' for NewAPI's IP list). */
static char *
list_from_row (AdwEntryRow *row, const char *sep)
{
  g_auto(GStrv) parts = g_strsplit_set (gtk_editable_get_text (GTK_EDITABLE (row)), ",\n", -1);
  g_autoptr(GStrvBuilder) out = g_strv_builder_new ();
  g_auto(GStrv) kept = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    if (*g_strstrip (parts[i]) != '\0')
      g_strv_builder_add (out, parts[i]);
  kept = g_strv_builder_end (out);
  return g_strjoinv (sep, kept);
}

static void
set_row_list (AdwEntryRow *row, const char *list)
{
  g_auto(GStrv) parts = g_strsplit_set (list ? list : "", ",\n", -1);
  g_autofree char *text = g_strjoinv (", ", parts);

  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
show_error (NdTokenDialog *self, const char *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_saving (NdTokenDialog *self, gboolean saving)
{
  self->saving = saving;
  gtk_spinner_set_spinning (self->spinner, saving);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), !saving);
}

static gboolean
write_done (gpointer data, const NdWriteResult *result, const GError *error)
{
  NdTokenDialog *self = data;

  set_saving (self, FALSE);
  if (result == NULL)
    {
      /* The server's refusal, verbatim, where the admin is looking. */
      show_error (self, error->message);
      return TRUE;
    }
  g_signal_emit (self, signals[SAVED], 0,
                 self->token ? self->token->id : result->new_id, result->secrets);
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

/* What the form says, as an edit; for an existing token only what changed. */
static NdTokenEdit *
read_form (NdTokenDialog *self, GError **error)
{
  g_autoptr(NdTokenEdit) e = nd_token_edit_new ();
  const NdToken *t = self->token;

  e->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  e->user_id = (gint64) gtk_spin_button_get_value (self->owner_spin);
  e->unlimited_quota = gtk_switch_get_active (self->unlimited_switch);
  e->remain_quota = (gint64) gtk_spin_button_get_value (self->quota_spin);
  if (!nd_form_read_expiry (self->never_switch, self->expires_row, -1, &e->expired_time, error))
    return NULL;
  e->model_limits = list_from_row (self->models_row, ",");
  e->model_limits_enabled = *e->model_limits != '\0';
  e->allow_ips = list_from_row (self->ips_row, "\n");
  e->group = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->group_row))));

  if (t == NULL)
    {
      e->mask = ND_TOKEN_FIELD_NAME | ND_TOKEN_FIELD_EXPIRED_TIME | ND_TOKEN_FIELD_REMAIN_QUOTA |
                ND_TOKEN_FIELD_UNLIMITED | ND_TOKEN_FIELD_MODEL_LIMITS |
                ND_TOKEN_FIELD_ALLOW_IPS | ND_TOKEN_FIELD_GROUP;
      return g_steal_pointer (&e);
    }
  if (g_strcmp0 (e->name, t->name) != 0)
    e->mask |= ND_TOKEN_FIELD_NAME;
  if (e->expired_time != t->expired_time)
    e->mask |= ND_TOKEN_FIELD_EXPIRED_TIME;
  if (e->remain_quota != t->remain_quota)
    e->mask |= ND_TOKEN_FIELD_REMAIN_QUOTA;
  if (e->unlimited_quota != t->unlimited_quota)
    e->mask |= ND_TOKEN_FIELD_UNLIMITED;
  if (e->model_limits_enabled != t->model_limits_enabled ||
      g_strcmp0 (e->model_limits, t->model_limits ? t->model_limits : "") != 0)
    e->mask |= ND_TOKEN_FIELD_MODEL_LIMITS;
  if (g_strcmp0 (e->allow_ips, t->allow_ips ? t->allow_ips : "") != 0)
    e->mask |= ND_TOKEN_FIELD_ALLOW_IPS;
  if (g_strcmp0 (e->group, t->group ? t->group : "") != 0)
    e->mask |= ND_TOKEN_FIELD_GROUP;
  return g_steal_pointer (&e);
}

void
nd_token_dialog_save (NdTokenDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NdWrite) write = NULL;
  NdTokenEdit *edit;

  g_return_if_fail (ND_IS_TOKEN_DIALOG (self));
  if (self->saving)
    return;
  edit = read_form (self, &error);
  if (edit == NULL)
    {
      show_error (self, error->message);
      return;
    }
  write = self->token ? nd_write_token_update_new (self->token->id, edit)
                      : nd_write_token_create_new (edit);
  if (!nd_write_validate (write, NULL, &error))
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  set_saving (self, TRUE);
  /* Closing the window cancels: no answer comes to a dialog that is gone. */
  nd_channel_run_write (GTK_WIDGET (self->toasts), self->source, g_steal_pointer (&write),
                        self->cancellable, write_done, self);
}

void
nd_token_dialog_fill (NdTokenDialog *self, const char *name, gint64 owner, gint64 quota,
                      gboolean unlimited)
{
  g_return_if_fail (ND_IS_TOKEN_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_spin_button_set_value (self->owner_spin, owner);
  gtk_spin_button_set_value (self->quota_spin, quota);
  gtk_switch_set_active (self->unlimited_switch, unlimited);
}

static void
nd_token_dialog_dispose (GObject *object)
{
  NdTokenDialog *self = ND_TOKEN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_TOKEN_DIALOG);
  G_OBJECT_CLASS (nd_token_dialog_parent_class)->dispose (object);
}

static void
nd_token_dialog_finalize (GObject *object)
{
  NdTokenDialog *self = ND_TOKEN_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->source);
  g_clear_pointer (&self->money, nd_money_free);
  g_clear_pointer (&self->token, nd_token_free);
  G_OBJECT_CLASS (nd_token_dialog_parent_class)->finalize (object);
}

static void
nd_token_dialog_class_init (NdTokenDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_token_dialog_dispose;
  object_class->finalize = nd_token_dialog_finalize;
  /* (id, GPtrArray* secrets or NULL) */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_POINTER);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-token-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NdTokenDialog, name)
  BIND (toasts); BIND (title); BIND (cancel_button); BIND (save_button); BIND (spinner);
  BIND (name_row); BIND (owner_row); BIND (owner_spin); BIND (group_row);
  BIND (unlimited_switch); BIND (quota_row); BIND (quota_spin); BIND (never_switch);
  BIND (expires_row); BIND (models_row); BIND (ips_row); BIND (error_label);
#undef BIND
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
nd_token_dialog_init (NdTokenDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (gtk_window_close), self);
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (nd_token_dialog_save), self);
  g_signal_connect_swapped (self->quota_spin, "value-changed", G_CALLBACK (quota_changed_cb), self);
  g_signal_connect_swapped (self->unlimited_switch, "notify::active", G_CALLBACK (sync_sensitive), self);
  g_signal_connect_swapped (self->never_switch, "notify::active", G_CALLBACK (sync_sensitive), self);
}

NdTokenDialog *
nd_token_dialog_new (GtkWidget *parent, NdSource *source, const NdMoney *money, const NdToken *token,
                     gint64 owner, gboolean any_owner)
{
  NdTokenDialog *self = g_object_new (ND_TYPE_TOKEN_DIALOG, NULL);
  GtkRoot *root = parent ? gtk_widget_get_root (parent) : NULL;

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));
  self->source = g_object_ref (source);
  self->money = money ? nd_money_copy (money) : NULL;
  adw_window_title_set_title (self->title, token ? _("Edit Token") : _("New Token"));
  gtk_button_set_label (self->save_button, token ? _("_Save") : _("_Create"));
  gtk_spin_button_set_value (self->owner_spin, token ? token->user_id : MAX (owner, 1));
  gtk_widget_set_sensitive (GTK_WIDGET (self->owner_row), token == NULL && any_owner);
  if (token == NULL && !any_owner)
    adw_action_row_set_subtitle (self->owner_row,
                                 _("NewAPI’s API makes tokens for the connected account only"));
  if (token != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Token #%" PRId64), token->id);

      self->token = nd_token_new ();
      self->token->id = token->id;
      self->token->user_id = token->user_id;
      self->token->name = g_strdup (token->name);
      self->token->group = g_strdup (token->group);
      self->token->model_limits = g_strdup (token->model_limits);
      self->token->allow_ips = g_strdup (token->allow_ips);
      self->token->expired_time = token->expired_time;
      self->token->remain_quota = token->remain_quota;
      self->token->unlimited_quota = token->unlimited_quota;
      self->token->model_limits_enabled = token->model_limits_enabled;
      adw_window_title_set_subtitle (self->title, title);
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), token->name ? token->name : "");
      gtk_editable_set_text (GTK_EDITABLE (self->group_row), token->group ? token->group : "");
      gtk_switch_set_active (self->unlimited_switch, token->unlimited_quota);
      gtk_spin_button_set_value (self->quota_spin, token->remain_quota);
      gtk_switch_set_active (self->never_switch, token->expired_time == -1);
      if (token->expired_time != -1)
        {
          g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (token->expired_time);
          g_autofree char *text = g_date_time_format (dt, "%Y-%m-%d %H:%M");

          gtk_editable_set_text (GTK_EDITABLE (self->expires_row), text);
        }
      set_row_list (self->models_row, token->model_limits_enabled ? token->model_limits : "");
      set_row_list (self->ips_row, token->allow_ips);
    }
  quota_changed_cb (self);
  sync_sensitive (self);
  gtk_window_present (GTK_WINDOW (self));
  return self;
}
