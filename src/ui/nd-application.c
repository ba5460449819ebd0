/* nd-application.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-application.h"
#include "nd-window.h"

struct _NdApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  NdProfileStore *profiles;
};

G_DEFINE_FINAL_TYPE (NdApplication, nd_application, ADW_TYPE_APPLICATION)

static void
nd_application_activate (GApplication *app)
{
  NdApplication *self = ND_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (nd_window_new (self));
  gtk_window_present (window);
}

static void
nd_application_startup (GApplication *app)
{
  NdApplication *self = ND_APPLICATION (app);

  G_APPLICATION_CLASS (nd_application_parent_class)->startup (app);

  self->settings = g_settings_new (APPLICATION_ID);
  self->profiles = nd_profile_store_new (self->settings, NULL);
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
nd_application_class_init (NdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = nd_application_dispose;
  app_class->activate = nd_application_activate;
  app_class->startup = nd_application_startup;
}

static void
nd_application_init (NdApplication *self)
{
}

NdApplication *
nd_application_new (void)
{
  return g_object_new (ND_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
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
