/* test-dialogs.c — profile dialog, preferences, page lifecycles
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-display-test.h"
#include "nd-preferences-window.h"
#include "nd-profile-dialog.h"
#include "nd-dashboard-page.h"
#include "nd-logs-page.h"
#include "nd-channels-page.h"
#include "nd-tokens-page.h"
#include "nd-users-page.h"
#include "nd-redemptions-page.h"
#include "nd-models-page.h"

#define DCHILD(w, name) nd_display_test_child ((w), ND_TYPE_PROFILE_DIALOG, (name))

static void
type_into (GtkWidget *row, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
saved_cb (NdProfileDialog *dialog, NdProfile *profile, gpointer data)
{
  *(NdProfile **) data = g_object_ref (profile);
}

static gboolean
non_null (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static void
lookup_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;

  *(char **) data = nd_secret_store_lookup_finish (ND_SECRET_STORE (object), result, &error);
  g_assert_no_error (error);
  if (*(char **) data == NULL)
    *(char **) data = g_strdup ("");
}

static void
test_profile_dialog (void)
{
  NdApplication *app = nd_display_test_app ();
  NdProfileStore *store = nd_application_get_profiles (app);
  GSettings *app_settings = nd_application_get_settings (app);
  g_autoptr(NdProfile) saved = NULL;
  g_autoptr(GSettings) profile_settings = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) ids = NULL;
  g_auto(GStrv) keys = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dsn = NULL;
  g_autofree char *secret = NULL;
  NdProfileDialog *dialog;
  GtkWidget *save, *url_row, *dsn_row, *user_id_row;

  nd_display_test_reset ();
  dialog = nd_profile_dialog_new (NULL, store, NULL);
  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), &saved);
  gtk_window_present (GTK_WINDOW (dialog));
  nd_display_test_draw (GTK_WIDGET (dialog));
  save = DCHILD (dialog, "save_button");
  url_row = DCHILD (dialog, "url_row");
  dsn_row = DCHILD (dialog, "dsn_row");
  user_id_row = DCHILD (dialog, "user_id_row");

  /* A fresh dialog cannot save, but does not shout either. */
  g_assert_false (gtk_widget_is_sensitive (save));
  g_assert_false (gtk_widget_has_css_class (DCHILD (dialog, "name_row"), "error"));

  type_into (DCHILD (dialog, "name_row"), "Production");
  type_into (url_row, "ftp://gateway.example.com");
  g_assert_true (gtk_widget_has_css_class (url_row, "error"));
  g_assert_true (gtk_widget_get_visible (DCHILD (dialog, "api_error")));
  g_assert_false (gtk_widget_is_sensitive (save));

  type_into (url_row, "http://gateway.example.com");
  g_assert_false (gtk_widget_has_css_class (url_row, "error"));
  g_assert_true (gtk_widget_get_visible (DCHILD (dialog, "insecure_label")));
  /* An address needs the user id that owns the token. */
  g_assert_false (gtk_widget_is_sensitive (save));
  type_into (user_id_row, "-3");
  g_assert_true (gtk_widget_has_css_class (user_id_row, "error"));
  type_into (user_id_row, "1");
  g_assert_false (gtk_widget_has_css_class (user_id_row, "error"));
  g_assert_true (gtk_widget_is_sensitive (save));
  type_into (url_row, "");
  type_into (user_id_row, "");

  type_into (dsn_row, "host=db port");
  g_assert_true (gtk_widget_has_css_class (dsn_row, "error"));
  g_assert_true (gtk_widget_get_visible (DCHILD (dialog, "pg_error")));
  g_assert_false (gtk_widget_is_sensitive (save));
  nd_display_test_shot (GTK_WIDGET (dialog), "profile-dialog-invalid");

  type_into (dsn_row, "postgresql://newapi@db.example.com:5432/newapi");
  g_assert_false (gtk_widget_has_css_class (dsn_row, "error"));
  g_assert_false (gtk_widget_get_visible (DCHILD (dialog, "pg_error")));
  g_assert_true (gtk_widget_is_sensitive (save));
  type_into (DCHILD (dialog, "pg_password_row"), "s3cret-pw");
  nd_display_test_shot (GTK_WIDGET (dialog), "profile-dialog");

  g_object_ref (dialog);
  g_signal_emit_by_name (save, "clicked");
  nd_display_test_wait (non_null, &saved, 10, "the profile to save");
  g_assert_finalize_object (dialog);

  /* Settings hold the profile, never its password. */
  ids = g_settings_get_strv (app_settings, "profiles");
  g_assert_cmpuint (g_strv_length (ids), ==, 1);
  g_assert_cmpstr (ids[0], ==, nd_profile_get_id (saved));
  path = g_strdup_printf ("/io/github/newapidesk/NewApiDesk/profiles/%s/", ids[0]);
  profile_settings = g_settings_new_with_path (ND_PROFILE_SCHEMA_ID, path);
  dsn = g_settings_get_string (profile_settings, "pg-dsn");
  g_assert_cmpstr (dsn, ==, "postgresql://newapi@db.example.com:5432/newapi");
  g_assert_true (g_settings_get_boolean (profile_settings, "read-only"));
  g_object_get (profile_settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (profile_settings, keys[i]);
      g_autofree char *printed = g_variant_print (value, FALSE);

      g_assert_null (strstr (printed, "s3cret-pw"));
    }

  /* The password went to the secret store. */
  nd_secret_store_lookup_async (nd_profile_store_get_secrets (store), ids[0],
                                ND_SECRET_PG_PASSWORD, NULL, lookup_cb, &secret);
  nd_display_test_wait (non_null, &secret, 10, "the secret lookup");
  g_assert_cmpstr (secret, ==, "s3cret-pw");
}

static void
test_profile_dialog_edit (void)
{
  NdApplication *app = nd_display_test_app ();
  NdProfileStore *store = nd_application_get_profiles (app);
  NdProfileDialog *dialog;
  NdProfile *profile;
  GtkWidget *password;

  nd_display_test_reset ();
  profile = nd_display_test_add_profile ("Staging", "host=db.example.com dbname=newapi", FALSE);
  dialog = nd_profile_dialog_new (NULL, store, profile);
  gtk_window_present (GTK_WINDOW (dialog));
  nd_display_test_draw (GTK_WIDGET (dialog));

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (DCHILD (dialog, "name_row"))), ==, "Staging");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (DCHILD (dialog, "read_only_switch"))));
  g_assert_true (gtk_widget_get_visible (DCHILD (dialog, "remove_group")));
  g_assert_true (gtk_widget_is_sensitive (DCHILD (dialog, "save_button")));
  /* Passwords are never shown back. */
  password = DCHILD (dialog, "pg_password_row");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password)), ==, "");
  nd_display_test_shot (GTK_WIDGET (dialog), "profile-dialog-edit");

  g_object_ref (dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_finalize_object (dialog);
}

static void
test_profile_dialog_test_button (void)
{
  NdProfileStore *store = nd_application_get_profiles (nd_display_test_app ());
  NdProfileDialog *dialog;
  GtkWidget *status_row;
  gboolean done = FALSE;

  nd_display_test_reset ();
  dialog = nd_profile_dialog_new (NULL, store, NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  type_into (DCHILD (dialog, "name_row"), "Closed port");
  type_into (DCHILD (dialog, "dsn_row"), "postgresql://nd@127.0.0.1:1/newapi");
  g_signal_emit_by_name (DCHILD (dialog, "test_button"), "clicked");
  g_assert_true (gtk_widget_get_visible (DCHILD (dialog, "status_group")));
  status_row = DCHILD (dialog, "status_row");
  while (!done)
    {
      g_main_context_iteration (NULL, TRUE);
      done = gtk_widget_is_sensitive (DCHILD (dialog, "test_button"));
    }
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (status_row)),
                            "No PostgreSQL server is answering"));
  nd_display_test_shot (GTK_WIDGET (dialog), "profile-dialog-test-failed");
  /* Testing saves nothing. */
  g_assert_cmpuint (g_list_model_get_n_items (nd_profile_store_get_model (store)), ==, 0);
  (void) flag_set;

  g_object_ref (dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_finalize_object (dialog);
}

static void
test_preferences_color_scheme (void)
{
  NdApplication *app = nd_display_test_app ();
  AdwStyleManager *manager = adw_style_manager_get_default ();
  NdPreferencesWindow *prefs;
  AdwComboRow *row;

  nd_display_test_reset ();
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_DEFAULT);
  prefs = nd_preferences_window_new (NULL, nd_application_get_settings (app));
  gtk_window_present (GTK_WINDOW (prefs));
  nd_display_test_shot (GTK_WIDGET (prefs), "preferences");
  row = ADW_COMBO_ROW (nd_display_test_child (prefs, ND_TYPE_PREFERENCES_WINDOW, "color_scheme_row"));

  adw_combo_row_set_selected (row, 2);
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  adw_combo_row_set_selected (row, 1);
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_FORCE_LIGHT);
  adw_combo_row_set_selected (row, 0);
  g_assert_cmpint (adw_style_manager_get_color_scheme (manager), ==, ADW_COLOR_SCHEME_DEFAULT);

  /* And the other way: the setting moves the row. */
  g_settings_set_string (nd_application_get_settings (app), "color-scheme", "dark");
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 2);
  g_settings_set_uint (nd_application_get_settings (app), "refresh-interval", 120);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (
                       nd_display_test_child (prefs, ND_TYPE_PREFERENCES_WINDOW, "refresh_spin"))),
                     ==, 120.0);
  g_settings_reset (nd_application_get_settings (app), "color-scheme");

  g_object_ref (prefs);
  gtk_window_destroy (GTK_WINDOW (prefs));
  g_assert_finalize_object (prefs);
}

static void
test_page_lifecycle (void)
{
  GType types[] = {
    ND_TYPE_DASHBOARD_PAGE, ND_TYPE_LOGS_PAGE, ND_TYPE_CHANNELS_PAGE, ND_TYPE_TOKENS_PAGE,
    ND_TYPE_USERS_PAGE, ND_TYPE_REDEMPTIONS_PAGE, ND_TYPE_MODELS_PAGE,
  };
  g_autoptr(NdProfile) profile = g_object_new (ND_TYPE_PROFILE, "name", "x",
                                               "pg-dsn", "host=127.0.0.1 port=1", NULL);
  g_autoptr(NdSecretStore) secrets = nd_secret_store_new_memory ();

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      NdSession *session = nd_session_new (profile, secrets);
      GtkWidget *page = g_object_ref_sink (g_object_new (types[i], NULL));
      NdSession *got = NULL;

      g_test_message ("%s", g_type_name (types[i]));
      g_object_set (page, "session", session, NULL);
      g_object_get (page, "session", &got, NULL);
      g_assert_true (got == session);
      g_object_unref (got);
      g_assert_finalize_object (page);
      /* The page let go of its session. */
      g_assert_finalize_object (session);
    }
}

int
main (int argc, char **argv)
{
  nd_display_test_init (&argc, &argv);

  g_test_add_func ("/display/profile-dialog/validate-and-save", test_profile_dialog);
  g_test_add_func ("/display/profile-dialog/edit", test_profile_dialog_edit);
  g_test_add_func ("/display/profile-dialog/test-button", test_profile_dialog_test_button);
  g_test_add_func ("/display/preferences/color-scheme", test_preferences_color_scheme);
  g_test_add_func ("/display/pages/lifecycle", test_page_lifecycle);
  return g_test_run ();
}
