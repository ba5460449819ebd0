/* nd-facts.h — the local facts store: hourly aggregates of NewAPI's logs
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dashboard never scans `logs`. NdFacts keeps hourly aggregates in a
 * SQLite file per profile and syncs them incrementally from an NdSource
 * through NdSourceClass.pull_facts_async. Every chart and ranking is then a
 * millisecond SQLite query (nd_facts_query_async).
 *
 * The pull_facts contract sources implement is in nd-facts-types.h.
 */
#pragma once

#include <gio/gio.h>

#include "nd-facts-types.h"
#include "nd-source.h"

G_BEGIN_DECLS

/* ─── query results ─────────────────────────────────────────────────────── */

typedef struct {
  gint64 from;              /* effective range: hour-aligned, half-open */
  gint64 to;
  gint64 bucket;            /* trend bucket in seconds (3600, 86400, 604800) */
  gint64 requests;          /* type 2 + type 5 rows */
  gint64 errors;            /* type 5 rows */
  double success_rate;      /* (requests - errors) / requests; 1 when no requests */
  gint64 quota;             /* sum over type 2 */
  gint64 prompt_tokens;     /* over type 2 */
  gint64 completion_tokens;
  gint64 active_users;      /* distinct user_id with a type 2 or 5 row */
  gint64 today_requests;    /* since the local midnight given in the range */
  gint64 today_quota;
  double avg_rpm;           /* requests / minutes in range */
  double avg_tpm;           /* (prompt + completion) / minutes in range */
} NdFactsOverview;

/* One ranking row (model, channel, user or token). */
typedef struct {
  gint64 id;                /* channel/user/token id; 0 for models */
  char *key;                /* model name, or the id as text */
  char *name;               /* display name (last known), never NULL */
  gint64 requests;          /* type 2 + 5 */
  gint64 errors;            /* type 5 */
  gint64 quota;             /* type 2 */
  gint64 tokens;            /* prompt + completion, type 2 */
  gint64 use_time;          /* type 2 + 5, seconds */
  gint64 latency[ND_FACTS_N_LAT];  /* type 2 + 5 */
  double p50;               /* seconds, from the histogram; -1 without data */
  double p95;
} NdFactsRank;

typedef struct {
  gint64 start;             /* bucket start, unix s */
  gint64 requests;          /* type 2 + 5 */
  gint64 errors;
  gint64 quota;
  gint64 tokens;
} NdFactsPoint;

/* How fine each part of a report is, in seconds (3600 = hourly). From the
 * database everything is hourly. Over NewAPI's API (a store synced in day
 * slices) the trend, the overview and the models are hourly, but users,
 * channels, tokens and active users are known per local day: they cover the
 * whole days the range touches, [dims_from, dims_to). Errors are hourly
 * where the source could list them and per day where a day had too many:
 * such a day's errors count in the overview (and in daily or weekly trend
 * buckets, not in hourly ones) when the range touches it. */
typedef struct {
  gint64 trend;
  gint64 models;
  gint64 errors;
  gint64 channels;
  gint64 users;
  gint64 tokens;
  gint64 dims_from;         /* the span users, channels, tokens cover */
  gint64 dims_to;
} NdFactsGranularity;

typedef struct {
  gatomicrefcount ref_count;
  NdFactsOverview overview;
  NdFactsGranularity granularity;
  GPtrArray *models;        /* (element-type NdFactsRank), by requests desc */
  GPtrArray *channels;
  GPtrArray *users;         /* by quota desc */
  GPtrArray *tokens;        /* by quota desc */
  GArray *trend;            /* (element-type NdFactsPoint), every bucket of the range */
  NdFactsDims dims;         /* what the store's facts carry */
  gint64 cursor;
  gint64 last_sync;         /* unix s, 0 = never */
  gint64 log_rows;          /* log rows the store has aggregated so far */
} NdFactsReport;

NdFactsReport *nd_facts_report_ref   (NdFactsReport *report);
void           nd_facts_report_unref (NdFactsReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdFactsReport, nd_facts_report_unref)

/* Percentile (0..1) in seconds from a latency histogram, interpolated
 * linearly inside the bucket (the open bucket counts as 30–60 s);
 * -1 when the histogram is empty. */
double nd_facts_latency_percentile (const gint64 latency[ND_FACTS_N_LAT], double q);

/* ─── ranges ────────────────────────────────────────────────────────────── */

/* Daily and weekly buckets, and "today", are local calendar days made of
 * the hours that start in them (nd-time.h): 23 or 25 hours across a DST
 * change; in +05:30 or +05:45 the hour around midnight counts for the day
 * it starts in. */
typedef struct {
  gint64 from;              /* unix s; hours whose start is in [from, to) count */
  gint64 to;
  gint64 today_start;       /* local midnight of "today"; 0 = the local day of now */
  gint64 bucket;            /* 0 = automatic: hourly up to 48 h, daily up to 92 d, else weekly
                             * (3600, 86400, 604800: local days, weeks from Monday) */
  int tz_offset;            /* the days' zone: G_MININT = local (TZ), else a fixed offset in
                             * seconds east of UTC */
  guint top_n;              /* rows per ranking; 0 = all */
  gint64 now;               /* for "today" and RPM; 0 = the real time */
  const char *tz_name;      /* the days' zone by name ("Asia/Shanghai": a report's zone,
                             * DST included); NULL = tz_offset. Falls back to tz_offset
                             * where the name is unknown. Copied by nd_facts_query_async. */
} NdFactsRange;

/* Fills @range for "24h" (the current hour and the 23 before, hourly),
 * "7d" / "30d" (whole local calendar days ending today, daily). FALSE for
 * others. */
gboolean nd_facts_range_preset (NdFactsRange *range, const char *preset, gint64 now);
/* The same bounds, counting days in the zone @range already names
 * (tz_name, tz_offset), whose other fields are kept (a report's range). */
gboolean nd_facts_range_set_preset (NdFactsRange *range, const char *preset, gint64 now);
/* The zone of @range's local days: tz_name where this machine knows it,
 * else tz_offset, else (G_MININT) the local zone. */
GTimeZone *nd_facts_range_dup_zone (const NdFactsRange *range);

/* ─── the store ─────────────────────────────────────────────────────────── */

#define ND_TYPE_FACTS (nd_facts_get_type ())
G_DECLARE_FINAL_TYPE (NdFacts, nd_facts, ND, FACTS, GObject)

/* Called on the main context while a sync runs: @done / @total in cursor
 * units of this sync (total 0 while unknown), @rows = log rows covered. */
typedef void (*NdFactsProgressFunc) (gint64 done, gint64 total, gint64 rows, gpointer user_data);

/* The per-gateway file: g_get_user_data_dir()/newapi-desk/facts/KEY.sqlite */
char     *nd_facts_default_path   (const char *key);
/* The file key of the gateway a probe found (a hash of info->gateway_id),
 * the same for the window and the CLI whatever the DSN or URL spelling;
 * NULL when the probe could not tell. The store itself remembers the
 * gateway and its install and starts over when a sync comes from another
 * (see nd_facts_sync_async). */
char     *nd_facts_key_for_server (const NdServerInfo *info);

/* Opens (creating) the store lazily on its worker thread; errors surface
 * from the first call. */
NdFacts  *nd_facts_new            (const char *path);
/* The facts inside a file written by nd_facts_export_async (an .ndreport),
 * opened read-only: queries answer as on the store it was copied from, a
 * sync succeeds at once with 0 rows and never asks the source, a reset
 * fails with ND_ERROR_READ_ONLY. The file must come from a reader that
 * checked it (NdReportSource's probe): this only checks the schema version. */
NdFacts  *nd_facts_new_read_only  (const char *path);
gboolean  nd_facts_is_read_only   (NdFacts *self);
/* The CREATE TABLE statements of the facts tables (in "main"), for readers
 * that check a file holding them (nd-report-file.c). */
char     *nd_facts_dup_schema_sql (void);
const char *nd_facts_get_path     (NdFacts *self);
/* Values as of the last finished sync/query (main thread). */
gint64    nd_facts_get_last_sync  (NdFacts *self);
gint64    nd_facts_get_cursor     (NdFacts *self);
gboolean  nd_facts_is_syncing     (NdFacts *self);
/* Window size in cursor units for the next syncs (tests, bench). */
void      nd_facts_set_window     (NdFacts *self, gint64 window);
/* The range later syncs must cover, for sources synced in day slices (HTTP:
 * only the days of this range are asked for, and only those not final yet).
 * Unset (0, 0), a sync covers the range of the last nd_facts_query_async,
 * or else the last 30 days. Sources with a cursor (PostgreSQL) sync every
 * new log row whatever the range. */
void      nd_facts_set_range      (NdFacts *self, gint64 from, gint64 to);

/* Pulls from @source until caught up. Resumable: a cancelled or failed sync
 * keeps every committed window. The store starts over first when @source's
 * gateway (NdServerInfo gateway_id and gateway_instance) is not the one it
 * holds, and when its cursor is past everything the source has (a database
 * restored or recreated under the same name). Result: number of log rows covered.
 * Several writers may share one file (the window, the CLI, an NdFacts that
 * replaced an older one): an additive window is only committed on top of
 * the cursor it was pulled from. When another writer moved the stored cursor
 * on, the sync stops quietly and succeeds with what it committed so far; the
 * next sync resumes from the stored cursor. */
/* Over NewAPI's API a sync costs one /api/data/ request per run of up to 31
 * days, one /api/data/flow request per day with consumption and one or two
 * error-log pages per day (one for a whole run when it has at most 100
 * errors); a day is asked again until it is final (an hour after its
 * end, past NewAPI's DataExportInterval). */
void      nd_facts_sync_async     (NdFacts *self, NdSource *source,
                                   NdFactsProgressFunc progress, gpointer progress_data,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
gint64    nd_facts_sync_finish    (NdFacts *self, GAsyncResult *result, GError **error);

void      nd_facts_query_async    (NdFacts *self, const NdFactsRange *range,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
NdFactsReport *nd_facts_query_finish (NdFacts *self, GAsyncResult *result, GError **error);

/* Copies the facts of [from, to) (rounded out to whole hours) into the
 * SQLite file @path (created when missing), in this store's schema: the
 * hourly facts and rollups of the range, the whole UTC days inside it of
 * the daily rollups, the day slices the range overlaps with their facts,
 * the names those facts use, the meta (dims, slice mode, cursor, last
 * sync), and the hourly totals from @today_start on (so "today" answers as
 * the store did at that moment; 0 = none). A query on
 * nd_facts_new_read_only (@path) for a range inside [from, to) then gives
 * what the same query on this store gives. Runs on the store's worker in
 * one read transaction: a sync committing meanwhile is seen whole or not
 * at all. Sync first: this copies what the store has. */
void      nd_facts_export_async   (NdFacts *self, const char *path, gint64 from, gint64 to,
                                   gint64 today_start, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
gboolean  nd_facts_export_finish  (NdFacts *self, GAsyncResult *result, GError **error);

/* ─── one key over a range ──────────────────────────────────────────────── */

/* The figures of one channel, user, token or model over a range, and its
 * trend: what a detail pane shows for the row an admin selected. */
typedef struct {
  gatomicrefcount ref_count;
  NdFactsRank total;        /* over the range; id/key/name as in a ranking */
  GArray *trend;            /* (element-type NdFactsPoint), every bucket of the range */
  gint64 from;              /* the range the trend covers: hour-aligned, half-open */
  gint64 to;
  gint64 bucket;            /* trend bucket in seconds */
  /* How fine the figures are (3600, or 86400 where the store knows this
   * dimension per local day only: over NewAPI's API, for channels, users
   * and tokens). A day-grained series has daily buckets over the whole days
   * the range touches. */
  gint64 granularity;
  gint64 last_sync;         /* unix s, 0 = never */
} NdFactsSeries;

NdFactsSeries *nd_facts_series_ref   (NdFactsSeries *series);
void           nd_facts_series_unref (NdFactsSeries *series);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdFactsSeries, nd_facts_series_unref)

/* The series of @key (a model name, or a channel/user/token id as text)
 * in @dimension (exactly one of ND_FACTS_DIM_MODEL, _USER, _TOKEN,
 * _CHANNEL) over @range (top_n is not used). A key with no facts gives
 * zeros, p50/p95 -1. → NdFactsSeries* */
void           nd_facts_query_series_async  (NdFacts *self, const NdFactsRange *range,
                                             NdFactsDims dimension, const char *key,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
NdFactsSeries *nd_facts_query_series_finish (NdFacts *self, GAsyncResult *result, GError **error);

/* Forgets everything (e.g. the profile now points at another gateway). */
void      nd_facts_reset_async    (NdFacts *self, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
gboolean  nd_facts_reset_finish   (NdFacts *self, GAsyncResult *result, GError **error);

/* Log rows for the live ticker, ascending id: with @after_id <= 0 the
 * newest @limit rows (nd_source_query_logs_async), else the rows after it
 * (nd_source_tail_logs_async, a cheap `id > last` poll). → NdLogPage* */
void      nd_facts_tail_logs_async  (NdSource *source, gint64 after_id, guint limit,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
NdLogPage *nd_facts_tail_logs_finish (GAsyncResult *result, GError **error);

G_END_DECLS
