/* nd-report-pdf.h — an opened report as a PDF document
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A4 pages drawn with cairo's PDF surface by the same renderers as the
 * window (src/charts) and from the same figures (nd-dashboard-data.h):
 * a cover (instance, range, zone, currency, when it was made) with the
 * overview cards, the trend and error rate, the models and the channels
 * as charts, then tables that go on across pages with their header
 * repeated — models, channel health, users, tokens — and the summary of
 * error messages. Every page but the cover has a running header; every
 * page a footer with "Page N of M".
 *
 * Only what the report holds goes in, and every name and message passes
 * through nd_mask_text again on its way: a report holds no secret, and
 * the PDF cannot hold more.
 *
 * Not part of the core library (it draws with src/charts, which core does
 * not link): it is its own library, nd_report_pdf_dep, for the window and
 * the command line.
 */
#pragma once

#include "report/nd-report-source.h"

G_BEGIN_DECLS

typedef struct {
  const char *preset;         /* NULL = the report's own range; "24h", "7d", "30d" */
  gint64 from;                /* else a part of the report's range (0 = its start/end) */
  gint64 to;
  guint top_n;                /* rows of the user and token tables; 0 = 25 */
} NdReportPdfOptions;

/* Writes the PDF of @source (probed) to @path: under a temporary name in
 * the same folder, renamed when complete; on failure or cancel nothing is
 * left. → the number of pages (g_task_return_int) */
void     nd_report_pdf_write_async  (NdReportSource *source, const NdReportPdfOptions *options,
                                     const char *path, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
int      nd_report_pdf_write_finish (NdReportSource *source, GAsyncResult *result, GError **error);

/* Whether the fonts draw Chinese text: FALSE with a sentence saying what
 * to install when no font has these characters (they would come out as
 * boxes); TRUE with the family that draws them in @family (nullable). */
gboolean nd_report_pdf_check_fonts  (char **family, char **message);

G_END_DECLS
