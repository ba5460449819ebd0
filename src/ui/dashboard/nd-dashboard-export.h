/* nd-dashboard-export.h — "Save Report…", "Export PDF…" and "Compare With
 * a Report…" of the dashboard
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each asks for a file (GtkFileChooserNative), then works with a progress
 * dialog that can cancel it; the file appears only when complete (the
 * writers use a temporary name and rename it). The range is the one on
 * the dashboard. A live session's PDF is drawn from a private temporary
 * report of that range, so it says what the saved report would say.
 */
#pragma once

#include <gtk/gtk.h>

#include "facts/nd-facts.h"
#include "nd-session.h"
#include "report/nd-report.h"

G_BEGIN_DECLS

typedef enum {
  ND_DASHBOARD_SAVE_REPORT,
  ND_DASHBOARD_EXPORT_PDF,
} NdDashboardExportKind;

/* @range_name: "24h", "7d", "30d" or "report" when the range is one, else NULL. */
void  nd_dashboard_export  (GtkWidget *page, NdDashboardExportKind kind, NdSession *session,
                            NdFacts *facts, const NdFactsRange *range, const char *range_name);
/* Asks for a report and opens the comparison of the dashboard's period
 * (@facts over @range) with it. */
void  nd_dashboard_compare (GtkWidget *page, NdSession *session, NdFacts *facts,
                            const NdFactsRange *range);
/* "Report made 2026-01-01 05:17", in the report's zone. */
char *nd_dashboard_report_made_text (const NdReportMeta *meta);

G_END_DECLS
