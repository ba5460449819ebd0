/* nd-dashboard-page.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nd-session.h"

G_BEGIN_DECLS

#define ND_TYPE_DASHBOARD_PAGE (nd_dashboard_page_get_type ())
G_DECLARE_FINAL_TYPE (NdDashboardPage, nd_dashboard_page, ND, DASHBOARD_PAGE, AdwBin)

G_END_DECLS
