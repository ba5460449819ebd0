/* nd-report-source.h — an .ndreport file as a read-only NdSource
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opening a report:
 *
 *   NdSource *source = nd_report_source_new (path);    // never fails
 *   nd_source_probe_async (source, …);                   // checks the file
 *
 * The probe checks the file (nd-report-private.h, _nd_report_file_open)
 * and fails with ND_ERROR_INVALID_INPUT and a sentence for people when it
 * is cut short, damaged, another program's SQLite file, unfinished or from
 * a newer NewAPI Desk. It answers an NdServerInfo of kind
 * ND_SOURCE_KIND_REPORT: read_only, never ND_CAP_WRITE (nd_source_write_async
 * refuses every write before it reaches the source), no live tail, and the
 * facts dimensions and snapshots the report has (ND_CAP_FACTS_*,
 * ND_CAP_CHANNELS, ND_CAP_USERS, ND_CAP_TOKENS_ALL_USERS, ND_CAP_MODELS;
 * ND_CAP_LOGS and ND_CAP_LOG_EXPORT when it kept logs). A session over it:
 * nd_session_new_for_source (profile, source).
 *
 * After the probe:
 *   - nd_report_source_get_meta: what the report is (its title, range, zone,
 *     currency; nd-report.h);
 *   - nd_report_source_get_facts: an NdFacts over the file's facts; query it
 *     exactly like the live store, with ranges from nd_report_meta_get_range
 *     (the report's own range, or a preset ending when it was made) so that
 *     "today", RPM and local days are the report's. Syncing it is a no-op.
 *   - the list calls (list_channels, list_users, list_tokens, list_models,
 *     list_groups, get_channel) answer from the snapshots with the same
 *     search, status, sort and paging rules as the live sources;
 *   - with logs kept (NdReportMeta.n_logs >= 0): query_logs, estimate_logs
 *     (exact), log_totals, export_logs and suggest, with every filter;
 *   - nd_report_source_list_errors_async: the top error messages.
 * The facts key of a report is none (nd_facts_key_for_server returns NULL):
 * never sync a per-gateway store from it.
 */
#pragma once

#include "nd-report.h"

G_BEGIN_DECLS

#define ND_TYPE_REPORT_SOURCE (nd_report_source_get_type ())
G_DECLARE_FINAL_TYPE (NdReportSource, nd_report_source, ND, REPORT_SOURCE, NdSource)

NdSource     *nd_report_source_new       (const char *path);
const char   *nd_report_source_get_path  (NdReportSource *self);
/* NULL until a probe succeeded. (transfer none) */
NdReportMeta *nd_report_source_get_meta  (NdReportSource *self);
NdFacts      *nd_report_source_get_facts (NdReportSource *self);

/* One of the report's most frequent error messages (masked). */
typedef struct {
  char *message;
  gint64 count;
  gint64 first_seen;          /* unix s */
  gint64 last_seen;
} NdReportError;

void          nd_report_error_free       (NdReportError *error);

/* → GPtrArray (element-type NdReportError), most frequent first; empty when
 * the report has none (NdReportMeta.n_errors -1: not read). */
void          nd_report_source_list_errors_async  (NdReportSource *self, GCancellable *cancellable,
                                                   GAsyncReadyCallback callback, gpointer user_data);
GPtrArray    *nd_report_source_list_errors_finish (NdReportSource *self, GAsyncResult *result,
                                                   GError **error);

G_END_DECLS
