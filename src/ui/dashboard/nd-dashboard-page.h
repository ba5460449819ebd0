/* nd-dashboard-page.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "facts/nd-facts.h"
#include "nd-page.h"

G_BEGIN_DECLS

#define ND_TYPE_DASHBOARD_PAGE (nd_dashboard_page_get_type ())
G_DECLARE_FINAL_TYPE (NdDashboardPage, nd_dashboard_page, ND, DASHBOARD_PAGE, NdPage)

/* For tests and screenshots: what is on screen. */
NdFactsReport *nd_dashboard_page_get_report (NdDashboardPage *self);
GtkWidget     *nd_dashboard_page_get_chart  (NdDashboardPage *self, guint index);
/* For tests: whether the sync timer and the ticker run (only while mapped). */
gboolean       nd_dashboard_page_is_polling (NdDashboardPage *self);

G_END_DECLS
