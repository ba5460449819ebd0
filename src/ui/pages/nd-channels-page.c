/* nd-channels-page.c — placeholder until the management issue lands
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-channels-page.h"

struct _NdChannelsPage
{
  NdPage parent_instance;
};

G_DEFINE_FINAL_TYPE (NdChannelsPage, nd_channels_page, ND_TYPE_PAGE)

static void
nd_channels_page_class_init (NdChannelsPageClass *klass)
{
  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass),
                                               RESOURCE_BASE "/ui/nd-channels-page.ui");
}

static void
nd_channels_page_init (NdChannelsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
