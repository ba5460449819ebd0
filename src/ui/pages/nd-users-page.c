/* nd-users-page.c — placeholder until the management issue lands
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-users-page.h"

struct _NdUsersPage
{
  NdPage parent_instance;
};

G_DEFINE_FINAL_TYPE (NdUsersPage, nd_users_page, ND_TYPE_PAGE)

static void
nd_users_page_class_init (NdUsersPageClass *klass)
{
  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass),
                                               RESOURCE_BASE "/ui/nd-users-page.ui");
}

static void
nd_users_page_init (NdUsersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
