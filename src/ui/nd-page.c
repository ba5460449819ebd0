/* nd-page.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-page.h"

typedef struct {
  NdSession *session;
} NdPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (NdPage, nd_page, ADW_TYPE_BIN)

enum { PROP_0, PROP_SESSION, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
nd_page_dispose (GObject *object)
{
  NdPagePrivate *priv = nd_page_get_instance_private (ND_PAGE (object));

  /* Templates are disposed by the concrete page that binds children;
   * a second gtk_widget_dispose_template() would abort. Whatever the page
   * connected on its session (nd_page_follow_session and its own) goes with
   * the session. */
  if (priv->session != NULL)
    g_signal_handlers_disconnect_by_data (priv->session, object);
  g_clear_object (&priv->session);
  G_OBJECT_CLASS (nd_page_parent_class)->dispose (object);
}

static void
nd_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION: g_value_set_object (value, nd_page_get_session (ND_PAGE (object))); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION: nd_page_set_session (ND_PAGE (object), g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_page_class_init (NdPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nd_page_dispose;
  object_class->get_property = nd_page_get_property;
  object_class->set_property = nd_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ND_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nd_page_init (NdPage *self)
{
}

/**
 * nd_page_get_session:
 * Returns: (transfer none) (nullable): the session the page shows
 */
NdSession *
nd_page_get_session (NdPage *self)
{
  NdPagePrivate *priv = nd_page_get_instance_private (self);

  g_return_val_if_fail (ND_IS_PAGE (self), NULL);
  return priv->session;
}

void
nd_page_set_session (NdPage *self, NdSession *session)
{
  NdPagePrivate *priv = nd_page_get_instance_private (self);
  g_autoptr(NdSession) old = NULL;

  g_return_if_fail (ND_IS_PAGE (self));
  g_return_if_fail (!session || ND_IS_SESSION (session));

  if (priv->session == session)
    return;
  old = g_steal_pointer (&priv->session);
  priv->session = session ? g_object_ref (session) : NULL;
  if (ND_PAGE_GET_CLASS (self)->session_changed != NULL)
    ND_PAGE_GET_CLASS (self)->session_changed (self, old);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

GSettings *
nd_page_settings_new (void)
{
  GSettingsSchemaSource *src = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = src ? g_settings_schema_source_lookup (src, APPLICATION_ID, TRUE)
                                          : NULL;

  return schema ? g_settings_new (APPLICATION_ID) : NULL;
}

void
nd_page_add_css (const char *resource)
{
  static GHashTable *done;
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GtkCssProvider) provider = NULL;
  g_autofree char *path = NULL;

  if (display == NULL)
    return;
  if (done == NULL)
    done = g_hash_table_new (g_str_hash, g_str_equal);
  if (g_hash_table_contains (done, resource))
    return;
  g_hash_table_add (done, (gpointer) g_intern_string (resource));
  path = g_strconcat (RESOURCE_BASE, resource, NULL);
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, path);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

void
nd_page_follow_session (NdPage *self, NdSession *old, GCallback state_changed)
{
  NdSession *session = nd_page_get_session (self);

  g_return_if_fail (ND_IS_PAGE (self));
  if (old != NULL)
    g_signal_handlers_disconnect_by_data (old, self);
  if (session != NULL)
    {
      g_signal_connect_object (session, "notify::state", state_changed, self, G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::info", state_changed, self, G_CONNECT_SWAPPED);
    }
  ((void (*) (NdPage *)) state_changed) (self);
}
