/* nd-logs-page.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nd-page.h"

G_BEGIN_DECLS

#define ND_TYPE_LOGS_PAGE (nd_logs_page_get_type ())
G_DECLARE_FINAL_TYPE (NdLogsPage, nd_logs_page, ND, LOGS_PAGE, NdPage)

/* Applies a filter in NdLogQuery string form (see nd-log-query.h); the
 * dashboard calls this through the win.open-logs action. An empty string
 * shows every log. */
void        nd_logs_page_set_filter (NdLogsPage *self, const char *filter);
/* The filter the page shows now, in the same string form. */
char       *nd_logs_page_get_filter (NdLogsPage *self);
/* The list model behind the table (for tests). */
GListModel *nd_logs_page_get_model  (NdLogsPage *self);
/* What the Export button does once a file is chosen (for tests). */
void        nd_logs_page_export_to  (NdLogsPage *self, const char *path);
gboolean    nd_logs_page_is_exporting (NdLogsPage *self);
/* Seconds between live tail polls, 0 while off (for tests). */
guint       nd_logs_page_get_tail_interval (NdLogsPage *self);

G_END_DECLS
