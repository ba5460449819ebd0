/* nd-users-page.h — the gateway's users: list, detail, quota, status
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-page.h"

G_BEGIN_DECLS

#define ND_TYPE_USERS_PAGE (nd_users_page_get_type ())
G_DECLARE_FINAL_TYPE (NdUsersPage, nd_users_page, ND, USERS_PAGE, NdPage)

/* The rows (NdUserItem) as the table shows them. */
GListModel *nd_users_page_get_model (NdUsersPage *self);
/* Loading or writing. */
gboolean    nd_users_page_is_busy   (NdUsersPage *self);
/* The user the detail pane shows, 0 when none. */
gint64      nd_users_page_get_detail_id (NdUsersPage *self);
/* The detail pane's usage figures (for tests). */
GtkWidget  *nd_users_page_get_usage (NdUsersPage *self);

G_END_DECLS
