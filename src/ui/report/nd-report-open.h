/* nd-report-open.h — opening .ndreport files in a window
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every way in ends in nd_report_open_file: File > Open (win.open-report,
 * Ctrl+O, a GtkFileChooserNative filtered by the MIME type), the recent
 * reports (win.open-recent-report with a URI, the main menu's "Recent
 * Reports", filled from GtkRecentManager), a file dropped on the window,
 * and `newapi-desk FILE.ndreport` (NdApplication's open). The file is
 * checked first (NdReportSource's probe): a cut, damaged, foreign or newer
 * file is refused with the reader's sentence in a dialog and the window
 * keeps what it showed. A good one becomes the window's session, read-only,
 * and is added to the recent files.
 */
#pragma once

#include "nd-window.h"

G_BEGIN_DECLS

/* Adds the actions, the drop target and the recent list to @window. */
void nd_report_open_attach (NdWindow *window);
void nd_report_open_file   (NdWindow *window, GFile *file);

/* A chooser filter for .ndreport files (by MIME type and by name). */
GtkFileFilter *nd_report_file_filter_new (void);

/* Why @page ("logs", "redemptions", …) cannot show what a report holds,
 * or NULL when it can (also for every live source). */
const char *nd_report_page_unavailable (NdServerInfo *info, const char *page);

G_END_DECLS
