/* nd-redemptions-page.c — placeholder until the management issue lands
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-redemptions-page.h"

struct _NdRedemptionsPage
{
  NdPage parent_instance;
};

G_DEFINE_FINAL_TYPE (NdRedemptionsPage, nd_redemptions_page, ND_TYPE_PAGE)

static void
nd_redemptions_page_class_init (NdRedemptionsPageClass *klass)
{
  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass),
                                               RESOURCE_BASE "/ui/nd-redemptions-page.ui");
}

static void
nd_redemptions_page_init (NdRedemptionsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
