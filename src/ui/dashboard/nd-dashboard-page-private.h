/* nd-dashboard-page-private.h — what the dashboard page's files share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   nd-dashboard-page.c    session, ranges, query, what is on screen
 *   nd-dashboard-sync.c    the sync timer and the ticker (live sessions)
 *   nd-dashboard-export.c  save report, PDF, compare
 */
#pragma once

#include "facts/nd-facts.h"
#include "nd-chart-card.h"
#include "nd-dashboard-data.h"
#include "nd-dashboard-page.h"
#include "nd-stat-card.h"
#include "nd-ticker.h"
#include "report/nd-report.h"

G_BEGIN_DECLS

struct _NdDashboardPage
{
  NdPage parent_instance;

  /* template */
  GtkStack *stack;
  GtkDropDown *range_dropdown;
  GtkWidget *report_button;
  GtkLabel *range_label;
  GtkLabel *synced_label;
  GtkButton *refresh_button;
  GtkRevealer *progress_revealer;
  GtkLabel *progress_label;
  GtkProgressBar *progress_bar;
  GtkButton *cancel_button;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  NdStatCard *cards[ND_DASHBOARD_N_CARDS];
  NdChartCard *chart_cards[ND_DASHBOARD_N_CHARTS];
  GtkDropDown *metric_dropdown;
  NdTicker *ticker;
  GtkPopover *custom_popover;
  GtkEntry *custom_from;
  GtkEntry *custom_to;

  /* owned */
  NdReportMeta *report_meta;        /* while the session is an opened report */
  NdFacts *facts;
  NdFactsReport *report;
  GSettings *settings;
  GCancellable *cancellable;        /* everything of this session */
  GCancellable *sync_cancellable;
  guint refresh_id;
  guint clock_id;
  guint ticker_id;
  gboolean ticker_busy;
  gboolean querying;
  gboolean first_sync;
  gboolean disposed;                /* widgets are gone: async results are dropped */
  gboolean report_mode;             /* the range list and toolbar are a report's */
  char *preset;                     /* "24h", "7d", "30d", "custom" */
  gint64 custom_from_t;
  gint64 custom_to_t;
};

/* nd-dashboard-page.c */
void           _nd_dashboard_show_error   (NdDashboardPage *self, const GError *error);
gboolean       _nd_dashboard_clock_tick   (gpointer self);
void           _nd_dashboard_run_query    (NdDashboardPage *self);
gboolean       _nd_dashboard_has_cap      (NdDashboardPage *self, NdCapabilities cap);
const NdMoney *_nd_dashboard_get_money    (NdDashboardPage *self);

/* nd-dashboard-sync.c */
void           _nd_dashboard_refresh       (NdDashboardPage *self);
void           _nd_dashboard_start_polling (NdDashboardPage *self);
void           _nd_dashboard_stop_polling  (NdDashboardPage *self);

G_END_DECLS
