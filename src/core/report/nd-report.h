/* nd-report.h — offline reports: the .ndreport file, writing one
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A report is a SQLite file (application_id ND_REPORT_APPLICATION_ID,
 * user_version ND_REPORT_FORMAT_VERSION) that NewAPI Desk opens with no
 * connection (NdReportSource, nd-report-source.h). It holds:
 *   - `report`: what the report is (NdReportMeta below, one key per field);
 *   - the facts of its range in the facts store's own tables (`meta`,
 *     `facts`, `names`, `slices`, `slice_facts`, `r_*`; nd-facts-export.c):
 *     hourly facts and rollups, and for a gateway read over NewAPI's API
 *     the per-day slices too, each at the granularity the store had, so
 *     nd_facts_new_read_only answers the dashboard's queries on it exactly
 *     as the store did;
 *   - snapshots: `channels` (no key, no overrides or other settings),
 *     `users` (no password, access token or OAuth ids), `tokens` (masked
 *     keys), `models` (with ratios and prices), and `errors` (the most
 *     frequent error messages of the range, masked) and, when asked for,
 *     `logs` (the newest logs of the range, capped). Every text passes
 *     through nd_mask_text on its way in.
 * The file is written under a temporary name and renamed when complete;
 * user_version is set last, so a file without it is not a report.
 */
#pragma once

#include <gio/gio.h>

#include "facts/nd-facts.h"
#include "nd-money.h"
#include "nd-server-info.h"
#include "nd-source.h"

G_BEGIN_DECLS

/* "NDRP" at byte 68 of the file (PRAGMA application_id). */
#define ND_REPORT_APPLICATION_ID 0x4E445250
/* PRAGMA user_version: the layout. A reader refuses newer files. */
#define ND_REPORT_FORMAT_VERSION 1
#define ND_REPORT_MIME_TYPE      "application/x-newapi-desk-report"
#define ND_REPORT_SUFFIX         ".ndreport"

/* What a report says about itself. Counts are -1 when the part is not in
 * the report (the source could not list it). */
typedef struct {
  /*< private >*/
  gatomicrefcount ref_count;
  /*< public >*/
  int format;                 /* user_version of the file */
  char *instance;             /* the name the report was made under (system name or profile) */
  char *system_name;          /* NewAPI's SystemName, NULL when unknown */
  char *newapi_version;       /* NULL when unknown */
  char *backend;              /* "PostgreSQL 15.2", "NewAPI HTTP" */
  char *gateway_id;           /* NdServerInfo.gateway_id of the source */
  NdSourceKind source_kind;   /* what it was made from: ND_SOURCE_KIND_PG or _HTTP */
  NdCapabilities source_caps; /* that source's capabilities (facts dimensions) */
  gint64 facts_lag_seconds;   /* NdServerInfo.facts_lag_seconds of the source */
  gint64 from;                /* the range, whole hours, half-open */
  gint64 to;
  gint64 bucket;              /* the trend bucket it was made with (3600, 86400, 604800) */
  char *range_name;           /* "24h", "7d", "30d" or NULL for a custom range */
  char *tz_name;              /* the zone of its local days, NULL when unknown */
  int tz_offset;              /* that zone's offset at `from`, seconds east of UTC */
  gint64 created_at;          /* unix s: "now" for "today" and RPM */
  char *app_version;          /* NewAPI Desk that wrote it */
  NdMoney *money;             /* the server's currency settings */
  gint64 n_channels;
  gint64 n_users;
  gint64 n_tokens;
  gint64 n_models;
  gint64 n_errors;            /* distinct error messages kept */
  gint64 errors_scanned;      /* error logs read to find them (-1: none read) */
  gboolean errors_complete;   /* every error log of the range was read */
  gint64 n_logs;              /* logs kept (-1: none asked for, or the source has none) */
  gboolean logs_complete;     /* every log of the range is kept (else the newest n_logs) */
} NdReportMeta;

#define ND_TYPE_REPORT_META (nd_report_meta_get_type ())
GType         nd_report_meta_get_type (void) G_GNUC_CONST;
NdReportMeta *nd_report_meta_new      (void);
NdReportMeta *nd_report_meta_ref      (NdReportMeta *meta);
void          nd_report_meta_unref    (NdReportMeta *meta);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdReportMeta, nd_report_meta_unref)

/* The range a report shows: @preset NULL is the report's own range (its
 * bucket, "today" and RPM as when it was made); "24h", "7d" or "30d" are
 * the dashboard's ranges ending when the report was made, cut to the
 * report's range. Always in the report's zone. FALSE with
 * ND_ERROR_INVALID_INPUT for another preset or a range the report does not
 * cover. */
gboolean      nd_report_meta_get_range  (const NdReportMeta *meta, const char *preset,
                                         NdFactsRange *range, GError **error);
/* The same for [from, to) chosen by hand: inside the report's range, else
 * ND_ERROR_INVALID_INPUT saying what the report covers. */
gboolean      nd_report_meta_clamp_range (const NdReportMeta *meta, gint64 from, gint64 to,
                                          NdFactsRange *range, GError **error);
/* "Report — Instance, 2026-01-01 – 2026-01-08" for a header or a title. */
char         *nd_report_meta_dup_title  (const NdReportMeta *meta);

/* ─── writing ──────────────────────────────────────────────────────────── */

typedef struct {
  gint64 from;                /* the range; rounded out to whole hours */
  gint64 to;
  gint64 bucket;              /* the trend bucket; 0 = automatic */
  const char *range_name;     /* "24h", "7d", "30d" when the range is one; else NULL */
  const char *instance;       /* the report's title; NULL = the server's system name */
  guint max_rows;             /* per snapshot list; 0 = 20 000 */
  guint top_errors;           /* distinct error messages kept; 0 = 50 */
  guint max_error_logs;       /* error logs read for them; 0 = 100 000 over the database,
                               * 1 000 over NewAPI's API (100 rows a request) */
  gint64 now;                 /* the report's "now"; 0 = the real time */
  guint max_logs;             /* keep the newest this many logs of the range (masked); 0 = none,
                               * at most ND_REPORT_MAX_LOGS */
} NdReportOptions;

/* The most logs a report keeps (they are held in memory while writing). */
#define ND_REPORT_MAX_LOGS 200000

/* Called on the main context as the writer moves on: a sentence for a
 * status line ("Reading users…"). */
typedef void (*NdReportProgressFunc) (const char *stage, gpointer user_data);

/* Writes a report of @source (probed) and @facts (its store, synced for
 * the range: this copies what the store has) to @path. Snapshots come from
 * the source's list calls; a list the source refuses (permission, or not
 * offered) is left out and its count is -1; any other failure fails the
 * report. The file appears at @path only when complete (temp file +
 * rename); on failure or cancel nothing is left. → NdReportMeta* */
void          nd_report_write_async  (NdSource *source, NdFacts *facts, const NdReportOptions *options,
                                      const char *path, NdReportProgressFunc progress,
                                      gpointer progress_data, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
NdReportMeta *nd_report_write_finish (GAsyncResult *result, GError **error);

G_END_DECLS
