/* nd-models-page.c — placeholder until the management issue lands
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-models-page.h"

struct _NdModelsPage
{
  NdPage parent_instance;
};

G_DEFINE_FINAL_TYPE (NdModelsPage, nd_models_page, ND_TYPE_PAGE)

static void
nd_models_page_class_init (NdModelsPageClass *klass)
{
  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass),
                                               RESOURCE_BASE "/ui/nd-models-page.ui");
}

static void
nd_models_page_init (NdModelsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
