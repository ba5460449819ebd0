/* nd-users-page.c — placeholder until its feature lands
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-users-page.h"

struct _NdUsersPage
{
  AdwBin parent_instance;

  NdSession *session;
};

G_DEFINE_FINAL_TYPE (NdUsersPage, nd_users_page, ADW_TYPE_BIN)

enum { PROP_0, PROP_SESSION, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
nd_users_page_dispose (GObject *object)
{
  NdUsersPage *self = ND_USERS_PAGE (object);

  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_USERS_PAGE);
  G_OBJECT_CLASS (nd_users_page_parent_class)->dispose (object);
}

static void
nd_users_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NdUsersPage *self = ND_USERS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION: g_value_set_object (value, self->session); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_users_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NdUsersPage *self = ND_USERS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      if (g_set_object (&self->session, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_users_page_class_init (NdUsersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_users_page_dispose;
  object_class->get_property = nd_users_page_get_property;
  object_class->set_property = nd_users_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ND_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-users-page.ui");
}

static void
nd_users_page_init (NdUsersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
