/* nd-users-page.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-page.h"

G_BEGIN_DECLS

#define ND_TYPE_USERS_PAGE (nd_users_page_get_type ())
G_DECLARE_FINAL_TYPE (NdUsersPage, nd_users_page, ND, USERS_PAGE, NdPage)

G_END_DECLS
