/* nd-redemption-dialog.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-redemption-dialog.h"
#include "nd-token-dialog.h"

struct _NdRedemptionDialog
{
  AdwWindow parent_instance;

  AdwToastOverlay *toasts;
  GtkButton *cancel_button;
  GtkButton *save_button;
  GtkSpinner *spinner;
  AdwEntryRow *name_row;
  GtkSpinButton *count_spin;
  AdwActionRow *quota_row;
  GtkSpinButton *quota_spin;
  GtkSwitch *never_switch;
  AdwEntryRow *expires_row;
  GtkLabel *error_label;

  NdSource *source;
  NdMoney *money;
  GCancellable *cancellable;
  gboolean saving;
};

G_DEFINE_FINAL_TYPE (NdRedemptionDialog, nd_redemption_dialog, ADW_TYPE_WINDOW)

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
form_changed_cb (NdRedemptionDialog *self)
{
  gint64 quota = (gint64) gtk_spin_button_get_value (self->quota_spin);
  g_autofree char *each = self->money ? nd_money_format_full (self->money, quota) : NULL;

  adw_action_row_set_subtitle (self->quota_row, each ? each : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->expires_row),
                            !gtk_switch_get_active (self->never_switch));
}

static void
say (NdRedemptionDialog *self, const char *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static gboolean
write_done (gpointer data, const NdWriteResult *result, const GError *error)
{
  NdRedemptionDialog *self = data;

  self->saving = FALSE;
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
  if (result == NULL)
    {
      say (self, error->message);
      return TRUE;
    }
  g_signal_emit (self, signals[SAVED], 0, result->secrets);
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

void
nd_redemption_dialog_save (NdRedemptionDialog *self)
{
  g_autoptr(NdRedemptionEdit) edit = nd_redemption_edit_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NdWrite) write = NULL;

  g_return_if_fail (ND_IS_REDEMPTION_DIALOG (self));
  if (self->saving)
    return;
  edit->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  edit->count = (guint) gtk_spin_button_get_value (self->count_spin);
  edit->quota = (gint64) gtk_spin_button_get_value (self->quota_spin);
  if (!nd_form_read_expiry (self->never_switch, self->expires_row, 0, &edit->expired_time, &error))
    {
      say (self, error->message);
      return;
    }
  write = nd_write_redemption_create_new (g_steal_pointer (&edit));
  if (!nd_write_validate (write, NULL, &error))
    {
      say (self, error->message);
      return;
    }
  say (self, NULL);
  self->saving = TRUE;
  gtk_spinner_set_spinning (self->spinner, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
  /* Closing the window cancels: no answer comes to a dialog that is gone. */
  nd_channel_run_write (GTK_WIDGET (self->toasts), self->source, g_steal_pointer (&write),
                        self->cancellable, write_done, self);
}

void
nd_redemption_dialog_fill (NdRedemptionDialog *self, const char *name, guint count, gint64 quota)
{
  g_return_if_fail (ND_IS_REDEMPTION_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_spin_button_set_value (self->count_spin, count);
  gtk_spin_button_set_value (self->quota_spin, quota);
}

static void
nd_redemption_dialog_dispose (GObject *object)
{
  NdRedemptionDialog *self = ND_REDEMPTION_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_REDEMPTION_DIALOG);
  G_OBJECT_CLASS (nd_redemption_dialog_parent_class)->dispose (object);
}

static void
nd_redemption_dialog_finalize (GObject *object)
{
  NdRedemptionDialog *self = ND_REDEMPTION_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->source);
  g_clear_pointer (&self->money, nd_money_free);
  G_OBJECT_CLASS (nd_redemption_dialog_parent_class)->finalize (object);
}

static void
nd_redemption_dialog_class_init (NdRedemptionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_redemption_dialog_dispose;
  object_class->finalize = nd_redemption_dialog_finalize;
  /* (GPtrArray* codes) */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/nd-redemption-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NdRedemptionDialog, name)
  BIND (toasts); BIND (cancel_button); BIND (save_button); BIND (spinner); BIND (name_row);
  BIND (count_spin); BIND (quota_row); BIND (quota_spin); BIND (never_switch);
  BIND (expires_row); BIND (error_label);
#undef BIND
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
nd_redemption_dialog_init (NdRedemptionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (gtk_window_close), self);
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (nd_redemption_dialog_save), self);
  g_signal_connect_swapped (self->quota_spin, "value-changed", G_CALLBACK (form_changed_cb), self);
  g_signal_connect_swapped (self->never_switch, "notify::active", G_CALLBACK (form_changed_cb), self);
}

NdRedemptionDialog *
nd_redemption_dialog_new (GtkWidget *parent, NdSource *source, const NdMoney *money)
{
  NdRedemptionDialog *self = g_object_new (ND_TYPE_REDEMPTION_DIALOG, NULL);
  GtkRoot *root = parent ? gtk_widget_get_root (parent) : NULL;

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));
  self->source = g_object_ref (source);
  self->money = money ? nd_money_copy (money) : NULL;
  form_changed_cb (self);
  gtk_window_present (GTK_WINDOW (self));
  return self;
}
