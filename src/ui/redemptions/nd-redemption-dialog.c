/* nd-redemption-dialog.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One form for a new batch and for one code's edit: NewAPI's PUT
 * /api/redemption/ takes the same name, quota and expiry a batch does (not
 * the count), and checks them the same way.
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-redemption-dialog.h"
#include "nd-token-dialog.h"

struct _NdRedemptionDialog
{
  AdwWindow parent_instance;

  AdwToastOverlay *toasts;
  AdwWindowTitle *title;
  AdwPreferencesGroup *form_group;
  AdwActionRow *count_row;
  GtkButton *cancel_button;
  GtkButton *save_button;
  GtkSpinner *spinner;
  AdwEntryRow *name_row;
  GtkSpinButton *count_spin;
  AdwActionRow *quota_row;
  GtkSpinButton *quota_spin;
  GtkSwitch *never_switch;
  AdwEntryRow *expires_row;
  AdwPreferencesGroup *error_group;
  GtkLabel *error_label;

  NdSource *source;
  NdMoney *money;
  GCancellable *cancellable;
  gint64 code_id;               /* the code being edited; 0 for a new batch */
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
  gtk_widget_set_visible (GTK_WIDGET (self->error_group), message != NULL);
}

static void
form_edited_cb (NdRedemptionDialog *self)
{
  say (self, NULL);
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
      /* An edit's refusal is the server's own word, in a toast; the form
       * stays as typed to be put right. */
      if (self->code_id > 0)
        return FALSE;
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
  write = self->code_id > 0 ? nd_write_redemption_update_new (self->code_id, g_steal_pointer (&edit))
                            : nd_write_redemption_create_new (g_steal_pointer (&edit));
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

void
nd_redemption_dialog_fill_expiry (NdRedemptionDialog *self, const char *expires)
{
  g_return_if_fail (ND_IS_REDEMPTION_DIALOG (self));
  gtk_switch_set_active (self->never_switch, expires == NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->expires_row), expires ? expires : "");
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
  /* (GPtrArray* codes; NULL after an edit) */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/nd-redemption-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NdRedemptionDialog, name)
  BIND (toasts); BIND (title); BIND (form_group); BIND (count_row); BIND (cancel_button); BIND (save_button); BIND (spinner); BIND (name_row);
  BIND (count_spin); BIND (quota_row); BIND (quota_spin); BIND (never_switch);
  BIND (expires_row); BIND (error_group); BIND (error_label);
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
  /* A refusal is about what was typed: it goes once the form changes. */
  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (form_edited_cb), self);
  g_signal_connect_swapped (self->expires_row, "changed", G_CALLBACK (form_edited_cb), self);
  g_signal_connect_swapped (self->quota_spin, "value-changed", G_CALLBACK (form_edited_cb), self);
  g_signal_connect_swapped (self->never_switch, "notify::active", G_CALLBACK (form_edited_cb), self);
}

/* The form as @code stands. */
static void
show_code (NdRedemptionDialog *self, const NdRedemption *code)
{
  g_autofree char *subtitle = g_strdup_printf (_("Code #%" PRId64), code->id);
  g_autofree char *used = NULL;

  self->code_id = code->id;
  adw_window_title_set_title (self->title, _("Edit Code"));
  adw_window_title_set_subtitle (self->title, subtitle);
  gtk_button_set_label (self->save_button, _("_Save"));
  gtk_widget_set_visible (GTK_WIDGET (self->count_row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->quota_row), _("Quota (units)"));
  if (code->status == ND_REDEMPTION_STATUS_USED)
    /* NewAPI edits a used code like any other; what it credited stays. */
    used = code->used_username != NULL
           ? g_strdup_printf (_("Redeemed by %s: the quota it added stays theirs. NewAPI still "
                                "lets its name, quota and expiry change, for the record."),
                              code->used_username)
           : g_strdup (_("Already redeemed: the quota it added stays with that user. NewAPI "
                         "still lets its name, quota and expiry change, for the record."));
  adw_preferences_group_set_description (self->form_group,
                                         used ? used
                                         : _("The code itself stays the same: whoever holds it "
                                             "redeems the new quota."));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), code->name ? code->name : "");
  gtk_spin_button_set_value (self->quota_spin, (double) code->quota);
  gtk_switch_set_active (self->never_switch, code->expired_time == 0);
  if (code->expired_time != 0)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (code->expired_time);
      g_autofree char *text = dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : NULL;

      gtk_editable_set_text (GTK_EDITABLE (self->expires_row), text ? text : "");
    }
}

NdRedemptionDialog *
nd_redemption_dialog_new (GtkWidget *parent, NdSource *source, const NdMoney *money,
                          const NdRedemption *code)
{
  NdRedemptionDialog *self = g_object_new (ND_TYPE_REDEMPTION_DIALOG, NULL);
  GtkRoot *root = parent ? gtk_widget_get_root (parent) : NULL;

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));
  self->source = g_object_ref (source);
  self->money = money ? nd_money_copy (money) : NULL;
  if (code != NULL)
    show_code (self, code);
  form_changed_cb (self);
  gtk_window_present (GTK_WINDOW (self));
  return self;
}
