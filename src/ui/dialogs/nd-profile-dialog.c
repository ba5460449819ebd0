/* nd-profile-dialog.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-error.h"
#include "nd-profile-dialog.h"
#include "nd-session.h"

typedef struct {
  const char *name;
  const char *label;
} ColorInfo;

/* The choices of the Profile schema's `color` key, in its order. */
static const ColorInfo colors[] = {
  { "blue", N_("Blue") },
  { "teal", N_("Teal") },
  { "green", N_("Green") },
  { "yellow", N_("Yellow") },
  { "orange", N_("Orange") },
  { "red", N_("Red") },
  { "pink", N_("Pink") },
  { "purple", N_("Purple") },
  { "slate", N_("Slate") },
};

#define N_SECRETS 3

static const char * const secret_kinds[N_SECRETS] = {
  ND_SECRET_PG_PASSWORD, ND_SECRET_LOG_PG_PASSWORD, ND_SECRET_API_TOKEN
};

struct _NdProfileDialog
{
  AdwWindow parent_instance;

  /* template widgets */
  GtkWidget *save_button;
  GtkWidget *test_button;
  GtkWidget *keyring_group;
  GtkWidget *name_row;
  GtkWidget *color_box;
  GtkLabel *general_error;
  GtkWidget *dsn_row;
  GtkWidget *pg_password_row;
  AdwExpanderRow *log_expander;
  GtkWidget *log_dsn_row;
  GtkWidget *log_password_row;
  GtkLabel *pg_error;
  GtkLabel *act_as_error;
  GtkWidget *url_row;
  GtkWidget *user_id_row;
  GtkWidget *act_as_row;
  GtkWidget *token_row;
  GtkWidget *insecure_label;
  GtkLabel *api_error;
  GtkSwitch *read_only_switch;
  GtkWidget *status_group;
  AdwActionRow *status_row;
  GtkStack *status_icon_stack;
  GtkSpinner *status_spinner;
  GtkImage *status_icon;
  GtkWidget *remove_group;

  /* owned */
  NdProfileStore *store;
  NdProfile *profile;          /* the one being edited, NULL for a new one */
  NdProfile *saving;
  NdSession *test_session;
  GCancellable *cancellable;
  char *id;
  char *color;
  GtkWidget *color_buttons[G_N_ELEMENTS (colors)];
  gboolean loading;
  gboolean name_touched;
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (NdProfileDialog, nd_profile_dialog, ADW_TYPE_WINDOW)

enum { SIGNAL_SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *
text_of (GtkWidget *editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

static char *
stripped (GtkWidget *editable)
{
  return g_strstrip (g_strdup (text_of (editable)));
}

static void
set_row_error (GtkWidget *row, gboolean error)
{
  if (error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static void
set_message (GtkLabel *label, const char *message)
{
  gtk_label_set_text (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static void
set_placeholder (GtkWidget *row, const char *text)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (row));

  if (GTK_IS_TEXT (delegate))
    gtk_text_set_placeholder_text (GTK_TEXT (delegate), text);
}

static gboolean
log_db_enabled (NdProfileDialog *self)
{
  return adw_expander_row_get_enable_expansion (self->log_expander);
}

static NdProfile *
build_profile (NdProfileDialog *self)
{
  g_autofree char *name = stripped (self->name_row);
  g_autofree char *dsn = stripped (self->dsn_row);
  g_autofree char *log_dsn = stripped (self->log_dsn_row);
  g_autofree char *url = stripped (self->url_row);
  gint64 user_id = 0, act_as = 0;

  nd_profile_validate_user_id (text_of (self->user_id_row), &user_id, NULL);
  nd_profile_validate_user_id (text_of (self->act_as_row), &act_as, NULL);
  return g_object_new (ND_TYPE_PROFILE,
                       "id", self->id,
                       "name", name,
                       "color", self->color,
                       "pg-dsn", dsn,
                       "log-dsn", log_db_enabled (self) ? log_dsn : "",
                       "api-url", url,
                       "api-user-id", user_id,
                       "act-as", act_as,
                       "read-only", gtk_switch_get_active (self->read_only_switch),
                       NULL);
}

/* Marks bad rows and says why under their group; Save and Test stay
 * insensitive until the whole profile would pass nd_profile_validate(). */
static gboolean
validate (NdProfileDialog *self)
{
  g_autoptr(GError) name_error = NULL;
  g_autoptr(GError) dsn_error = NULL;
  g_autoptr(GError) log_error = NULL;
  g_autoptr(GError) url_error = NULL;
  g_autoptr(GError) uid_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = stripped (self->url_row);
  g_autofree char *log_dsn = stripped (self->log_dsn_row);
  g_autoptr(GError) act_error = NULL;
  gboolean name_ok, dsn_ok, log_ok, url_ok, uid_ok, act_ok, ok;
  const char *api_message = NULL;
  const char *pg_message = NULL;

  name_ok = nd_profile_validate_name (text_of (self->name_row), &name_error);
  set_row_error (self->name_row, !name_ok && self->name_touched);
  set_message (self->general_error, !name_ok && self->name_touched ? name_error->message : NULL);

  dsn_ok = nd_profile_validate_dsn (text_of (self->dsn_row), FALSE, &dsn_error);
  log_ok = !log_db_enabled (self) || nd_profile_validate_dsn (log_dsn, TRUE, &log_error);
  set_row_error (self->dsn_row, !dsn_ok);
  set_row_error (self->log_dsn_row, !log_ok && *log_dsn != '\0');
  if (!dsn_ok)
    pg_message = dsn_error->message;
  else if (!log_ok && *log_dsn != '\0')
    pg_message = log_error->message;
  set_message (self->pg_error, pg_message);

  url_ok = nd_profile_validate_url (url, &url_error);
  uid_ok = nd_profile_validate_user_id (text_of (self->user_id_row), NULL, &uid_error);
  set_row_error (self->url_row, !url_ok);
  set_row_error (self->user_id_row, !uid_ok);
  gtk_widget_set_visible (self->insecure_label, url_ok && nd_profile_url_is_insecure (url));

  act_ok = nd_profile_validate_user_id (text_of (self->act_as_row), NULL, &act_error);
  set_row_error (self->act_as_row, !act_ok);
  set_message (self->act_as_error, act_ok ? NULL : act_error->message);

  ok = name_ok && dsn_ok && log_ok && url_ok && uid_ok && act_ok;
  if (ok)
    {
      g_autoptr(NdProfile) profile = build_profile (self);

      ok = nd_profile_validate (profile, &error);
      /* The one cross-field rule worth saying out loud: an address needs its user. */
      if (!ok && *url != '\0' && nd_profile_get_api_user_id (profile) <= 0)
        api_message = error->message;
    }
  if (!url_ok)
    api_message = url_error->message;
  else if (!uid_ok)
    api_message = uid_error->message;
  set_message (self->api_error, api_message);

  gtk_widget_set_sensitive (self->save_button, ok && !self->busy);
  gtk_widget_set_sensitive (self->test_button, ok && !self->busy);
  {
    const char *why = NULL;

    if (!name_ok)
      why = name_error->message;
    else if (!ok && error != NULL)
      why = error->message;
    else if (!ok)
      why = _("Correct the marked fields first");
    gtk_widget_set_tooltip_text (self->save_button, why);
  }
  return ok;
}

static void
field_changed_cb (NdProfileDialog *self, GtkWidget *sender)
{
  if (sender == self->name_row && !self->loading)
    self->name_touched = TRUE;
  validate (self);
}

static void
log_toggled_cb (NdProfileDialog *self)
{
  validate (self);
}

static void
color_toggled_cb (GtkToggleButton *button, NdProfileDialog *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  g_free (self->color);
  self->color = g_strdup (g_object_get_data (G_OBJECT (button), "nd-color"));
}

static void
select_color (NdProfileDialog *self, const char *color)
{
  for (guint i = 0; i < G_N_ELEMENTS (colors); i++)
    if (g_strcmp0 (colors[i].name, color) == 0)
      {
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->color_buttons[i]), TRUE);
        return;
      }
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->color_buttons[0]), TRUE);
}

static void
build_color_buttons (NdProfileDialog *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (colors); i++)
    {
      GtkWidget *button = gtk_toggle_button_new ();

      gtk_button_set_child (GTK_BUTTON (button), gtk_image_new_from_icon_name ("object-select-symbolic"));
      gtk_widget_add_css_class (button, "color-toggle");
      gtk_widget_add_css_class (button, colors[i].name);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _(colors[i].label));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _(colors[i].label), -1);
      g_object_set_data (G_OBJECT (button), "nd-color", (gpointer) colors[i].name);
      if (i > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button),
                                     GTK_TOGGLE_BUTTON (self->color_buttons[0]));
      g_signal_connect_object (button, "toggled", G_CALLBACK (color_toggled_cb), self, 0);
      self->color_buttons[i] = button;
      gtk_box_append (GTK_BOX (self->color_box), button);
    }
}

static void
set_busy (NdProfileDialog *self, gboolean busy)
{
  self->busy = busy;
  validate (self);
}

/* @icon_name NULL shows a spinner. */
static void
show_status (NdProfileDialog *self, const char *icon_name, const char *css_class,
             const char *title, const char *subtitle)
{
  static const char * const classes[] = { "success", "error", NULL };

  gtk_widget_set_visible (self->status_group, TRUE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row), title);
  adw_action_row_set_subtitle (self->status_row, subtitle ? subtitle : "");
  for (guint i = 0; classes[i] != NULL; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), classes[i]);
  if (icon_name == NULL)
    {
      gtk_stack_set_visible_child_name (self->status_icon_stack, "spinner");
      gtk_spinner_set_spinning (self->status_spinner, TRUE);
    }
  else
    {
      gtk_spinner_set_spinning (self->status_spinner, FALSE);
      gtk_image_set_from_icon_name (self->status_icon, icon_name);
      if (css_class != NULL)
        gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), css_class);
      gtk_stack_set_visible_child_name (self->status_icon_stack, "icon");
    }
}

/* ---- Test --------------------------------------------------------------- */

typedef struct {
  NdProfileDialog *self;        /* ref */
  NdProfile *profile;
  NdSecretStore *memory;
  char *typed[N_SECRETS];
  guint next;
} TestOp;

static void
test_op_free (TestOp *op)
{
  g_object_unref (op->self);
  g_object_unref (op->profile);
  g_object_unref (op->memory);
  for (guint i = 0; i < N_SECRETS; i++)
    g_free (op->typed[i]);
  g_free (op);
}

static void
test_connected_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  TestOp *op = user_data;
  NdProfileDialog *self = op->self;
  NdSession *session = ND_SESSION (object);
  g_autoptr(GError) error = NULL;

  if (nd_session_connect_finish (session, result, &error))
    {
      g_autofree char *text = nd_session_dup_status_text (session);

      show_status (self, "emblem-ok-symbolic", "success", _("Connection works"), text);
    }
  else if (!nd_error_is_cancelled (error))
    show_status (self, "dialog-error-symbolic", "error", _("Could not connect"), error->message);

  if (!nd_error_is_cancelled (error))
    {
      nd_session_disconnect (session);
      if (self->test_session == session)
        g_clear_object (&self->test_session);
      set_busy (self, FALSE);
    }
  test_op_free (op);
}

static void test_next_secret (TestOp *op);

static void
stored_secret_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  TestOp *op = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = nd_secret_store_lookup_finish (ND_SECRET_STORE (object), result, &error);

  if (error != NULL && nd_error_is_cancelled (error))
    {
      test_op_free (op);
      return;
    }
  if (secret != NULL)
    nd_secret_store_store_async (op->memory, nd_profile_get_id (op->profile),
                                 secret_kinds[op->next], secret, NULL, NULL, NULL);
  op->next++;
  test_next_secret (op);
}

/* Fills the throwaway in-memory store with what was typed, or, for an
 * existing profile, what the keyring holds, then connects. */
static void
test_next_secret (TestOp *op)
{
  NdProfileDialog *self = op->self;

  for (; op->next < N_SECRETS; op->next++)
    {
      const char *typed = op->typed[op->next];

      if (typed != NULL && *typed != '\0')
        {
          /* A memory store keeps the secret before this returns. */
          nd_secret_store_store_async (op->memory, nd_profile_get_id (op->profile),
                                       secret_kinds[op->next], typed, NULL, NULL, NULL);
          continue;
        }
      if (self->profile != NULL)
        {
          nd_secret_store_lookup_async (nd_profile_store_get_secrets (self->store),
                                        nd_profile_get_id (self->profile),
                                        secret_kinds[op->next], self->cancellable,
                                        stored_secret_cb, op);
          return;
        }
    }

  g_clear_object (&self->test_session);
  self->test_session = nd_session_new (op->profile, op->memory);
  nd_session_connect_async (self->test_session, self->cancellable, test_connected_cb, op);
}

static void
test_clicked_cb (NdProfileDialog *self)
{
  TestOp *op;

  if (!validate (self))
    return;
  op = g_new0 (TestOp, 1);
  op->self = g_object_ref (self);
  op->profile = build_profile (self);
  op->memory = nd_secret_store_new_memory ();
  op->typed[0] = g_strdup (text_of (self->pg_password_row));
  op->typed[1] = g_strdup (text_of (self->log_password_row));
  op->typed[2] = g_strdup (text_of (self->token_row));

  set_busy (self, TRUE);
  show_status (self, NULL, NULL, _("Testing the connection…"), NULL);
  test_next_secret (op);
}

/* ---- Save --------------------------------------------------------------- */

/* NULL keeps the stored secret, "" deletes it. */
static const char *
secret_to_save (NdProfileDialog *self, GtkWidget *row, gboolean in_use)
{
  const char *typed = text_of (row);

  if (!in_use)
    return self->profile != NULL ? "" : NULL;
  return *typed != '\0' ? typed : NULL;
}

static void
save_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdProfileDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdProfile) profile = g_steal_pointer (&self->saving);

  if (!nd_profile_store_save_finish (ND_PROFILE_STORE (object), result, &error))
    {
      if (nd_error_is_cancelled (error))
        return;
      show_status (self, "dialog-error-symbolic", "error", _("Could not save"), error->message);
      set_busy (self, FALSE);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, profile);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_clicked_cb (NdProfileDialog *self)
{
  g_autofree char *url = stripped (self->url_row);
  g_autofree char *dsn = stripped (self->dsn_row);
  g_autofree char *log_dsn = stripped (self->log_dsn_row);

  if (!validate (self) || self->busy)
    return;
  set_busy (self, TRUE);
  g_clear_object (&self->saving);
  self->saving = build_profile (self);
  nd_profile_store_save_async (self->store, self->saving,
                               secret_to_save (self, self->pg_password_row, *dsn != '\0'),
                               secret_to_save (self, self->log_password_row,
                                               log_db_enabled (self) && *log_dsn != '\0'),
                               secret_to_save (self, self->token_row, *url != '\0'),
                               self->cancellable, save_done_cb, g_object_ref (self));
}

/* ---- Remove ------------------------------------------------------------- */

static void
remove_response_cb (AdwMessageDialog *dialog, const char *response, NdProfileDialog *self)
{
  if (!g_str_equal (response, "remove") || self->profile == NULL)
    return;
  nd_profile_store_remove (self->store, self->profile);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
remove_clicked_cb (NdProfileDialog *self)
{
  GtkWidget *dialog;

  if (self->profile == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Remove “%s”?"),
                                     nd_profile_get_name (self->profile));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("The connection settings and their stored passwords are deleted "
                                 "from this computer. The gateway itself is not changed."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- GObject ------------------------------------------------------------ */

static void
nd_profile_dialog_dispose (GObject *object)
{
  NdProfileDialog *self = ND_PROFILE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->test_session != NULL)
    nd_session_disconnect (self->test_session);
  g_clear_object (&self->test_session);
  g_clear_object (&self->saving);
  g_clear_object (&self->profile);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_PROFILE_DIALOG);
  G_OBJECT_CLASS (nd_profile_dialog_parent_class)->dispose (object);
}

static void
nd_profile_dialog_finalize (GObject *object)
{
  NdProfileDialog *self = ND_PROFILE_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_free (self->id);
  g_free (self->color);
  G_OBJECT_CLASS (nd_profile_dialog_parent_class)->finalize (object);
}

static void
nd_profile_dialog_class_init (NdProfileDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_profile_dialog_dispose;
  object_class->finalize = nd_profile_dialog_finalize;

  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, ND_TYPE_PROFILE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-profile-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, test_button);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, keyring_group);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, color_box);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, general_error);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, dsn_row);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, pg_password_row);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, log_expander);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, log_dsn_row);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, log_password_row);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, pg_error);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, user_id_row);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, act_as_row);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, act_as_error);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, insecure_label);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, api_error);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, read_only_switch);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, status_group);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, status_row);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, status_icon_stack);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, status_icon);
  gtk_widget_class_bind_template_child (widget_class, NdProfileDialog, remove_group);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, log_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, test_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
nd_profile_dialog_init (NdProfileDialog *self)
{
  self->loading = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->color = g_strdup ("blue");
  build_color_buttons (self);
  set_placeholder (self->dsn_row, "postgresql://user@host:5432/newapi");
  set_placeholder (self->log_dsn_row, "postgresql://user@host:5432/newapi_logs");
  set_placeholder (self->url_row, "https://gateway.example.com");
  self->loading = FALSE;
}

NdProfileDialog *
nd_profile_dialog_new (GtkWindow *parent, NdProfileStore *store, NdProfile *profile)
{
  NdProfileDialog *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (ND_IS_PROFILE_STORE (store), NULL);
  g_return_val_if_fail (!profile || ND_IS_PROFILE (profile), NULL);

  self = g_object_new (ND_TYPE_PROFILE_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  gtk_widget_set_visible (self->keyring_group,
                          !nd_secret_store_is_persistent (nd_profile_store_get_secrets (store)));

  self->loading = TRUE;
  if (profile != NULL)
    {
      const char *log_dsn = nd_profile_get_log_dsn (profile);
      const char *keep = _("Stored in keyring — leave empty to keep");

      self->profile = g_object_ref (profile);
      self->id = g_strdup (nd_profile_get_id (profile));
      self->name_touched = TRUE;
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Connection"));
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), nd_profile_get_name (profile));
      select_color (self, nd_profile_get_color (profile));
      gtk_editable_set_text (GTK_EDITABLE (self->dsn_row), nd_profile_get_pg_dsn (profile));
      adw_expander_row_set_enable_expansion (self->log_expander, *log_dsn != '\0');
      gtk_editable_set_text (GTK_EDITABLE (self->log_dsn_row), log_dsn);
      gtk_editable_set_text (GTK_EDITABLE (self->url_row), nd_profile_get_api_url (profile));
      if (nd_profile_get_api_user_id (profile) > 0)
        {
          g_autofree char *uid = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  nd_profile_get_api_user_id (profile));

          gtk_editable_set_text (GTK_EDITABLE (self->user_id_row), uid);
        }
      if (nd_profile_get_act_as (profile) > 0)
        {
          g_autofree char *uid = g_strdup_printf ("%" G_GINT64_FORMAT, nd_profile_get_act_as (profile));

          gtk_editable_set_text (GTK_EDITABLE (self->act_as_row), uid);
        }
      gtk_switch_set_active (self->read_only_switch, nd_profile_get_read_only (profile));
      /* Passwords are never shown back: empty keeps the stored one. */
      set_placeholder (self->pg_password_row, keep);
      set_placeholder (self->log_password_row, keep);
      set_placeholder (self->token_row, keep);
      gtk_widget_set_visible (self->remove_group, TRUE);
    }
  else
    {
      g_autoptr(NdProfile) fresh = nd_profile_new (NULL);

      self->id = g_strdup (nd_profile_get_id (fresh));
      select_color (self, "blue");
    }
  self->loading = FALSE;
  validate (self);
  gtk_widget_grab_focus (self->name_row);
  return self;
}
