/* nd-log-export-bar.h — the Logs page's export: the file chooser, the
 * streaming export and the bar that shows its progress and cancels it
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rows stream from the source into nd-export's writer (a temporary file
 * renamed into place at the end, off the main thread); a cancelled or
 * failed export leaves no file. The end is told in a toast.
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-source.h"

G_BEGIN_DECLS

#define ND_TYPE_LOG_EXPORT_BAR (nd_log_export_bar_get_type ())
G_DECLARE_FINAL_TYPE (NdLogExportBar, nd_log_export_bar, ND, LOG_EXPORT_BAR, GtkWidget)

/* Asks for a file, then exports as nd_log_export_bar_start() does. */
void     nd_log_export_bar_choose    (NdLogExportBar *self, NdSource *source,
                                      const NdLogQuery *query, gint64 expected_rows);
/* Exports the logs of @query to @path: CSV, or JSON Lines for *.jsonl and
 * *.ndjson. @expected_rows (≤ 0: unknown) drives the progress bar. */
void     nd_log_export_bar_start     (NdLogExportBar *self, NdSource *source,
                                      const NdLogQuery *query, const char *path,
                                      gint64 expected_rows);
/* TRUE from the start until the file is in place (or the export failed);
 * the "running" property notifies. */
gboolean nd_log_export_bar_is_running (NdLogExportBar *self);

G_END_DECLS
