/* nd-tokens-page.c — placeholder until the management issue lands
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-tokens-page.h"

struct _NdTokensPage
{
  NdPage parent_instance;
};

G_DEFINE_FINAL_TYPE (NdTokensPage, nd_tokens_page, ND_TYPE_PAGE)

static void
nd_tokens_page_class_init (NdTokensPageClass *klass)
{
  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass),
                                               RESOURCE_BASE "/ui/nd-tokens-page.ui");
}

static void
nd_tokens_page_init (NdTokensPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
