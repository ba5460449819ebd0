/* nd-dashboard-data.h — a facts report turned into what the dashboard shows
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Card texts, chart data with their accessible summaries, drill-down
 * filters, the ticker's lines and the "synced" clock: everything the
 * dashboard page puts on screen, computed from an NdFactsReport and the
 * server's money settings. No GTK here, so it is unit-tested without a
 * display (tests/unit/test-dashboard-data.c); the page only polls, places
 * and draws.
 */
#pragma once

#include "facts/nd-facts.h"
#include "logs/nd-log-query.h"
#include "nd-charts.h"
#include "nd-money.h"
#include "nd-records.h"
#include "nd-server-info.h"

G_BEGIN_DECLS

typedef enum {
  ND_DASHBOARD_CARD_REQUESTS,
  ND_DASHBOARD_CARD_SUCCESS,
  ND_DASHBOARD_CARD_QUOTA,
  ND_DASHBOARD_CARD_USERS,
  ND_DASHBOARD_CARD_TODAY,
  ND_DASHBOARD_CARD_RPM,
  ND_DASHBOARD_CARD_TOKENS,
  ND_DASHBOARD_N_CARDS
} NdDashboardCard;

typedef enum {
  ND_DASHBOARD_CHART_TREND,
  ND_DASHBOARD_CHART_MODELS,
  ND_DASHBOARD_CHART_CHANNELS,
  ND_DASHBOARD_CHART_ERRORS,
  ND_DASHBOARD_CHART_TOKENS,
  ND_DASHBOARD_CHART_USERS,
  ND_DASHBOARD_N_CHARTS
} NdDashboardChart;

/* What the channel bars compare. */
typedef enum {
  ND_DASHBOARD_METRIC_REQUESTS,
  ND_DASHBOARD_METRIC_QUOTA,
  ND_DASHBOARD_METRIC_ERROR_RATE,
  ND_DASHBOARD_METRIC_LATENCY,
} NdDashboardMetric;

/* Slices of the model donut before the rest becomes "Other". */
#define ND_DASHBOARD_DONUT_SLICES 7
/* Bars of the channel chart and rows of the rankings. */
#define ND_DASHBOARD_TOP_N 10

typedef struct _NdDashboardData NdDashboardData;

/* Everything on screen for @report. @money is copied (and the trend's
 * quota series hands its copy on to the chart that draws it); @caps says
 * which cards the source can fill. */
NdDashboardData        *nd_dashboard_data_new          (const NdFactsReport *report,
                                                        const NdMoney *money,
                                                        NdCapabilities caps,
                                                        NdDashboardMetric metric);
/* The same with times (range, trend labels) in @zone, a report's own;
 * NULL = the local zone. */
NdDashboardData        *nd_dashboard_data_new_in_zone  (const NdFactsReport *report,
                                                        const NdMoney *money,
                                                        NdCapabilities caps,
                                                        NdDashboardMetric metric,
                                                        GTimeZone *zone);
void                    nd_dashboard_data_free         (NdDashboardData *data);

const char             *nd_dashboard_data_card_value   (const NdDashboardData *data,
                                                        NdDashboardCard card);
const char             *nd_dashboard_data_card_detail  (const NdDashboardData *data,
                                                        NdDashboardCard card);
/* "11/28/26 22:00 – 11/29/26 22:00" */
const char             *nd_dashboard_data_range_text   (const NdDashboardData *data);
/* The data of a chart: NdChartLineData for the trend and error charts,
 * NdChartDonutData for models, NdChartBarsData for the rest. Owned by
 * @data; the chart view copies what it keeps. */
const NdChartLineData  *nd_dashboard_data_line         (const NdDashboardData *data,
                                                        NdDashboardChart chart);
const NdChartDonutData *nd_dashboard_data_donut        (const NdDashboardData *data);
const NdChartBarsData  *nd_dashboard_data_bars         (const NdDashboardData *data,
                                                        NdDashboardChart chart);
/* The accessible summary with the numbers. */
const char             *nd_dashboard_data_description  (const NdDashboardData *data,
                                                        NdDashboardChart chart);

/* The capabilities a chart needs (the channel chart's depend on @metric),
 * and why it is missing when the source lacks @missing of them. */
NdCapabilities          nd_dashboard_chart_needs       (NdDashboardChart chart,
                                                        NdDashboardMetric metric);
const char             *nd_dashboard_missing_reason    (NdCapabilities missing);

/* The Logs filter a click on item @index of @chart opens: the model, the
 * channel, the user or the token by id, and the report's range. NULL
 * when the item opens nothing. */
NdLogQuery             *nd_dashboard_drill_down        (const NdFactsReport *report,
                                                        NdDashboardChart chart, int index);

/* One ticker line: what happened (@what) and the figure on the right
 * (@figure). Text that comes from the gateway is masked. */
void                    nd_dashboard_ticker_line       (const NdLog *log, const NdMoney *money,
                                                        char **what, char **figure);
/* "Synced 12 seconds ago", "Syncing…", "Not synced yet". */
char                   *nd_dashboard_synced_text       (gint64 last_sync, gint64 now,
                                                        gboolean syncing);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdDashboardData, nd_dashboard_data_free)

G_END_DECLS
