/* nd-window.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-window.h"

struct _NdWindow
{
  AdwApplicationWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (NdWindow, nd_window, ADW_TYPE_APPLICATION_WINDOW)

static void
nd_window_class_init (NdWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-window.ui");
}

static void
nd_window_init (NdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

NdWindow *
nd_window_new (NdApplication *app)
{
  return g_object_new (ND_TYPE_WINDOW, "application", app, NULL);
}
