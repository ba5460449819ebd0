/* nd-chart-card.h — a dashboard card: title, chart, "Save chart as…", and
 * what is said instead when the source cannot give the chart
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-chart-view.h"

G_BEGIN_DECLS

#define ND_TYPE_CHART_CARD (nd_chart_card_get_type ())
G_DECLARE_FINAL_TYPE (NdChartCard, nd_chart_card, ND, CHART_CARD, GtkWidget)

NdChartView *nd_chart_card_get_view    (NdChartCard *self);
/* Shows "Connect the database for this chart" and @reason instead of the
 * chart (never zeros); NULL shows the chart again. */
void         nd_chart_card_set_missing (NdChartCard *self, const char *reason);
/* A dim line under the chart (e.g. NewAPI's quota_data lag); NULL hides it. */
void         nd_chart_card_set_caveat  (NdChartCard *self, const char *caveat);

G_END_DECLS
