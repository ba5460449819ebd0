/* nd-preferences-window.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-preferences-window.h"

struct _NdPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* template widgets */
  AdwComboRow *color_scheme_row;
  GtkAdjustment *refresh_adjustment;
  GtkWidget *refresh_spin;

  /* owned */
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (NdPreferencesWindow, nd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Row positions, in the order of the combo row's model. */
static const char * const schemes[] = { "default", "light", "dark" };

static gboolean
scheme_to_selected (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *scheme = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    if (g_str_equal (scheme, schemes[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
selected_to_scheme (const GValue *value, const GVariantType *type, gpointer user_data)
{
  guint i = g_value_get_uint (value);

  return g_variant_new_string (i < G_N_ELEMENTS (schemes) ? schemes[i] : schemes[0]);
}

static void
nd_preferences_window_dispose (GObject *object)
{
  NdPreferencesWindow *self = ND_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_PREFERENCES_WINDOW);
  G_OBJECT_CLASS (nd_preferences_window_parent_class)->dispose (object);
}

static void
nd_preferences_window_class_init (NdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/nd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NdPreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, NdPreferencesWindow, refresh_adjustment);
  gtk_widget_class_bind_template_child (widget_class, NdPreferencesWindow, refresh_spin);
}

static void
nd_preferences_window_init (NdPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

NdPreferencesWindow *
nd_preferences_window_new (GtkWindow *parent, GSettings *settings)
{
  NdPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (ND_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  self->settings = g_object_ref (settings);
  g_settings_bind_with_mapping (settings, "color-scheme", self->color_scheme_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, scheme_to_selected, selected_to_scheme,
                                NULL, NULL);
  g_settings_bind (settings, "refresh-interval", self->refresh_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  return self;
}
