/* nd-application.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-application.h"
#include "nd-preferences-window.h"
#include "nd-report-open.h"
#include "nd-toast.h"
#include "nd-window.h"

struct _NdApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  NdProfileStore *profiles;

  /* --connect, applied on the first activation */
  char *connect_dsn;
  char *connect_name;
  gboolean connect_read_write;
};

G_DEFINE_FINAL_TYPE (NdApplication, nd_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_options[] = {
  { "connect", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Open the window on this PostgreSQL database (a libpq connection string)"), N_("DSN") },
  { "profile-name", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Name of the connection --connect creates or updates (default “Command line”)"), N_("NAME") },
  { "read-write", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Allow --connect to change the gateway (it is read-only otherwise)"), NULL },
  { NULL }
};

static void
apply_color_scheme (NdApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwColorScheme value = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (scheme, "light"))
    value = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (scheme, "dark"))
    value = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), value);
}

static NdWindow *
ensure_window (NdApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (nd_window_new (self));
  return ND_WINDOW (window);
}

/* ---- --connect ---------------------------------------------------------- */

static NdProfile *
find_profile_by_name (NdProfileStore *store, const char *name)
{
  GListModel *model = nd_profile_store_get_model (store);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(NdProfile) p = g_list_model_get_item (model, i);

      if (g_strcmp0 (nd_profile_get_name (p), name) == 0)
        return p;   /* the store keeps it alive */
    }
  return NULL;
}

static void
connect_profile_saved_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdApplication) self = user_data;
  g_autoptr(NdProfile) profile = g_object_steal_data (G_OBJECT (self), "nd-connect-profile");
  g_autoptr(GError) error = NULL;
  NdWindow *window;

  if (nd_profile_store_save_finish (self->profiles, result, &error))
    nd_profile_store_set_active (self->profiles, profile);
  window = ensure_window (self);
  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      nd_window_add_toast (window, nd_toast_new (error->message));
    }
  gtk_window_present (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (self));
}

static void
connect_from_command_line (NdApplication *self)
{
  g_autofree char *dsn = g_steal_pointer (&self->connect_dsn);
  g_autofree char *name = g_steal_pointer (&self->connect_name);
  NdProfile *existing;
  NdProfile *profile;

  if (name == NULL || *g_strstrip (name) == '\0')
    {
      g_free (name);
      name = g_strdup (_("Command line"));
    }
  existing = find_profile_by_name (self->profiles, name);
  profile = g_object_new (ND_TYPE_PROFILE,
                          "id", existing ? nd_profile_get_id (existing) : NULL,
                          "name", name,
                          "color", existing ? nd_profile_get_color (existing) : "blue",
                          "pg-dsn", dsn,
                          "log-dsn", existing ? nd_profile_get_log_dsn (existing) : "",
                          "api-url", existing ? nd_profile_get_api_url (existing) : "",
                          "api-user-id", existing ? nd_profile_get_api_user_id (existing) : 0,
                          "read-only", !self->connect_read_write,
                          NULL);
  g_object_set_data_full (G_OBJECT (self), "nd-connect-profile", profile, g_object_unref);
  g_application_hold (G_APPLICATION (self));
  nd_profile_store_save_async (self->profiles, profile, NULL, NULL, NULL, NULL,
                               connect_profile_saved_cb, g_object_ref (self));
}

/* ---- actions ------------------------------------------------------------ */

static void
quit_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GApplication *app = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));

  /* Close windows first so they save their size. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
  g_application_quit (app);
}

static void
preferences_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NdApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (nd_preferences_window_new (parent, self->settings)));
}

static void
about_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  NdApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "NewAPI Desk contributors", NULL };

  adw_show_about_window (parent,
                         "application-name", _("NewAPI Desk"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("NewAPI Desk contributors"),
                         "developers", developers,
                         "comments", _("Watch and manage a NewAPI LLM gateway"),
                         "website", "https://github.com/newapidesk/newapi-desk",
                         "issue-url", "https://github.com/newapidesk/newapi-desk/issues",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "copyright", _("© NewAPI Desk contributors"),
                         /* Translators: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "about", about_action },
};

/* ---- GApplication ------------------------------------------------------- */

static int
nd_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  NdApplication *self = ND_APPLICATION (app);
  const char *dsn = NULL;
  const char *name = NULL;

  if (g_variant_dict_lookup (options, "connect", "&s", &dsn))
    {
      g_autoptr(GError) error = NULL;

      if (!nd_profile_validate_dsn (dsn, TRUE, &error))
        {
          g_printerr ("newapi-desk: %s\n", error->message);
          return 1;
        }
      self->connect_dsn = g_strdup (dsn);
      if (g_variant_dict_lookup (options, "profile-name", "&s", &name))
        self->connect_name = g_strdup (name);
      self->connect_read_write = g_variant_dict_contains (options, "read-write");
      /* This run belongs to that database (the demo also keeps its own
       * settings): never hand it to a window already open elsewhere. */
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
    }
  return -1;
}

static void
nd_application_activate (GApplication *app)
{
  NdApplication *self = ND_APPLICATION (app);

  if (self->connect_dsn != NULL)
    {
      connect_from_command_line (self);
      return;
    }
  gtk_window_present (GTK_WINDOW (ensure_window (self)));
}

/* `newapi-desk FILE.ndreport …`, a double-click in the file manager, a
 * file handed to the running instance: the first file in the active window,
 * each further one in a window of its own. */
static void
nd_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  NdApplication *self = ND_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      NdWindow *window = i == 0 ? ensure_window (self) : nd_window_new (self);

      gtk_window_present (GTK_WINDOW (window));
      nd_report_open_file (window, files[i]);
    }
}

static void
nd_application_startup (GApplication *app)
{
  NdApplication *self = ND_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };

  G_APPLICATION_CLASS (nd_application_parent_class)->startup (app);

  self->settings = g_settings_new (APPLICATION_ID);
  self->profiles = nd_profile_store_new (self->settings, NULL);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.open-report", open_accels);

  /* The compare window's tables (src/ui/report). */
  {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (provider, RESOURCE_BASE "/report/nd-report.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (apply_color_scheme), self, G_CONNECT_SWAPPED);
  apply_color_scheme (self);
}

static void
nd_application_dispose (GObject *object)
{
  NdApplication *self = ND_APPLICATION (object);

  g_clear_object (&self->profiles);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (nd_application_parent_class)->dispose (object);
}

static void
nd_application_finalize (GObject *object)
{
  NdApplication *self = ND_APPLICATION (object);

  g_free (self->connect_dsn);
  g_free (self->connect_name);
  G_OBJECT_CLASS (nd_application_parent_class)->finalize (object);
}

static void
nd_application_class_init (NdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = nd_application_dispose;
  object_class->finalize = nd_application_finalize;
  app_class->activate = nd_application_activate;
  app_class->startup = nd_application_startup;
  app_class->open = nd_application_open;
  app_class->handle_local_options = nd_application_handle_local_options;
}

static void
nd_application_init (NdApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_options);
}

NdApplication *
nd_application_new (void)
{
  return g_object_new (ND_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

GSettings *
nd_application_get_settings (NdApplication *self)
{
  return self->settings;
}

NdProfileStore *
nd_application_get_profiles (NdApplication *self)
{
  return self->profiles;
}
