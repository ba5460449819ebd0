/* nd-facts.h — the local facts store: hourly aggregates of NewAPI's logs
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The dashboard never scans `logs`. NdFacts keeps hourly aggregates in a
 * SQLite file per profile and syncs them incrementally from an NdSource
 * through NdSourceClass.pull_facts_async. Every chart and ranking is then a
 * millisecond SQLite query (nd_facts_query_async).
 *
 * ─── The pull_facts contract (for NdSource implementations) ─────────────
 *
 * NdFacts calls nd_source_pull_facts_async (source, NdFactsRequest *req, …)
 * repeatedly during one sync; each call returns ONE NdFactsBatch
 * (nd_source_pull_facts_finish returns it, transfer full, free with
 * nd_facts_batch_free). NdFacts commits each batch, together with its
 * next_cursor, in one SQLite transaction, so a cancelled sync resumes where
 * it stopped. The request is only valid during the call: copy what you need.
 *
 *   1. First call of a sync: req->cursor is the cursor stored after the last
 *      committed batch (0 = never synced), req->target is 0 and
 *      req->want_names is TRUE. The source picks where this sync ends and
 *      returns it in batch->target (PG: max(logs.id) now; HTTP: the current
 *      hour's start + 3600, i.e. "now" rounded up).
 *   2. Next calls: req->cursor = previous batch->next_cursor, req->target =
 *      the first batch's target. The source returns facts for the next window
 *      (cursor, min(cursor + req->window, target)] and sets next_cursor.
 *   3. The source sets batch->done when next_cursor >= target. NdFacts stops
 *      then (it also stops on an empty batch whose next_cursor did not move).
 *
 * The cursor is opaque to NdFacts apart from ordering (it only compares,
 * stores and reports progress as (next_cursor - start) / (target - start)):
 *   - NdPgSource: a logs.id. A batch holds the aggregates of exactly the
 *     log rows with cursor < id <= next_cursor, grouped by
 *     (hour of created_at, user_id, token_id, channel_id, model_name, type,
 *     "group"), so merge = ND_FACTS_MERGE_ADD: NdFacts adds the measures to
 *     what it has (late rows whose created_at falls in an old hour land in
 *     that hour). req->window is a number of ids (default 250 000).
 *   - NdHttpSource (suggested): an hour start (unix s). NewAPI's quota_data
 *     is already hourly and the current hour keeps changing, so return
 *     merge = ND_FACTS_MERGE_REPLACE with [replace_from, replace_to) the
 *     hours the batch covers completely; NdFacts deletes its facts in those
 *     hours first, then inserts the batch. Start the window one hour before
 *     the cursor so the still-growing hour is fetched again. When
 *     req->cursor is 0, start at req->since (30 days back by default).
 *
 * Unavailable dimensions: a source that cannot tell a dimension uses 0 for
 * an id (user_id, token_id, channel_id — NewAPI never uses 0 for a real
 * one) and "" for a string (model, group), and leaves unknown measures 0.
 * It says which parts are real in batch->dims (NdFactsDims) AND in its
 * NdServerInfo caps (ND_CAP_FACTS_USER / _TOKEN / _CHANNEL / _ERRORS /
 * _LATENCY), which pages read before asking NdFacts; a chart whose dimension
 * is missing shows "Connect the database for this chart" instead of zeros.
 * NdFacts stores the union of the dims it has been given in its meta table
 * and reports it in NdFactsReport.dims. Example for HTTP over /api/data/:
 * dims = ND_FACTS_DIM_MODEL | ND_FACTS_DIM_USER (username only → put the
 * user id in user_id if known, else 0, and the name in a names entry), type
 * = ND_LOG_CONSUME for every row, requests = count, quota = quota,
 * prompt_tokens = token_used and completion_tokens = 0 without
 * ND_FACTS_DIM_TOKEN_SPLIT, latency all 0 without ND_FACTS_DIM_LATENCY.
 *
 * Names: when req->want_names is set, the source returns the names it knows
 * (users, tokens, channels; deleted ones too) in batch->names. NdFacts keeps
 * the last known name per (kind, id) forever: channels may be deleted and
 * logs cleaned up, the facts keep their names.
 *
 * Threads: a source may complete the task from any thread; NdFacts only
 * touches the batch on its own worker.
 */
#pragma once

#include <gio/gio.h>

#include "nd-source.h"

G_BEGIN_DECLS

/* ─── source contract types ─────────────────────────────────────────────── */

/* Latency histogram buckets over logs.use_time (seconds). */
typedef enum {
  ND_FACTS_LAT_LT1 = 0,     /* use_time < 1 s */
  ND_FACTS_LAT_1_3,         /* 1 ≤ t < 3 */
  ND_FACTS_LAT_3_10,        /* 3 ≤ t < 10 */
  ND_FACTS_LAT_10_30,       /* 10 ≤ t < 30 */
  ND_FACTS_LAT_GE30,        /* t ≥ 30 */
  ND_FACTS_N_LAT
} NdFactsLatency;

/* Upper edges (s) of the buckets above; the last one is open. */
extern const double nd_facts_latency_edges[ND_FACTS_N_LAT];

typedef enum {
  ND_FACTS_DIM_MODEL       = 1 << 0,
  ND_FACTS_DIM_USER        = 1 << 1,
  ND_FACTS_DIM_TOKEN       = 1 << 2,
  ND_FACTS_DIM_CHANNEL     = 1 << 3,
  ND_FACTS_DIM_GROUP       = 1 << 4,
  ND_FACTS_DIM_ERRORS      = 1 << 5,   /* type-5 rows are present */
  ND_FACTS_DIM_LATENCY     = 1 << 6,   /* use_time and latency[] are real */
  ND_FACTS_DIM_TOKEN_SPLIT = 1 << 7,   /* prompt and completion are separate */
  ND_FACTS_DIM_ALL         = 0xff,
} NdFactsDims;

typedef enum {
  ND_FACTS_MERGE_ADD,       /* batch rows are new log rows: add */
  ND_FACTS_MERGE_REPLACE,   /* batch is the whole truth for [replace_from, replace_to) */
} NdFactsMerge;

/* One aggregate row: the key, then the measures. */
typedef struct {
  gint64 hour;              /* unix s, created_at - created_at % 3600 */
  gint64 user_id;           /* 0 = unknown / none */
  gint64 token_id;          /* 0 = unknown / none */
  gint64 channel_id;        /* 0 = unknown / none */
  int type;                 /* NewAPI log type (NdLogType) */
  char *model;              /* never NULL; "" = unknown */
  char *group;              /* never NULL; "" = unknown */
  gint64 requests;          /* number of log rows */
  gint64 quota;             /* sum(quota) */
  gint64 prompt_tokens;
  gint64 completion_tokens;
  gint64 use_time;          /* sum(use_time), seconds */
  gint64 latency[ND_FACTS_N_LAT];  /* row counts per use_time bucket */
} NdFact;

typedef enum {
  ND_FACTS_NAME_USER = 1,
  ND_FACTS_NAME_TOKEN = 2,
  ND_FACTS_NAME_CHANNEL = 3,
} NdFactsNameKind;

typedef struct {
  NdFactsNameKind kind;
  gint64 id;
  char *name;
  gint64 owner_id;          /* tokens: the user id; else 0 */
} NdFactsName;

typedef struct {
  gint64 cursor;            /* last committed next_cursor; 0 = from the start */
  gint64 target;            /* 0 on the first call; then the first batch's target */
  gint64 window;            /* cursor units per batch (PG: log ids) */
  gint64 since;             /* unix s: earliest data wanted when cursor == 0 (HTTP) */
  gboolean want_names;
} NdFactsRequest;

typedef struct {
  GArray *facts;            /* (element-type NdFact), strings owned */
  GPtrArray *names;         /* (element-type NdFactsName) */
  gint64 next_cursor;
  gint64 target;
  gboolean done;
  NdFactsMerge merge;
  gint64 replace_from;      /* MERGE_REPLACE only: hour-aligned, half-open */
  gint64 replace_to;
  NdFactsDims dims;
  gint64 rows_scanned;      /* log rows covered (for progress text); -1 unknown */
} NdFactsBatch;

NdFactsBatch *nd_facts_batch_new      (void);
void          nd_facts_batch_free     (NdFactsBatch *batch);
/* Appends a zeroed fact with the given key (strings copied, NULL → ""). */
NdFact       *nd_facts_batch_add      (NdFactsBatch *batch, gint64 hour, gint64 user_id,
                                       gint64 token_id, gint64 channel_id, int type,
                                       const char *model, const char *group);
void          nd_facts_batch_add_name (NdFactsBatch *batch, NdFactsNameKind kind, gint64 id,
                                       const char *name, gint64 owner_id);
/* The bucket a use_time (seconds) falls in. */
NdFactsLatency nd_facts_latency_bucket (gint64 use_time);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdFactsBatch, nd_facts_batch_free)

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

typedef struct {
  gatomicrefcount ref_count;
  NdFactsOverview overview;
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

typedef struct {
  gint64 from;              /* unix s; hours whose start is in [from, to) count */
  gint64 to;
  gint64 today_start;       /* local midnight of "today"; 0 = computed from now */
  gint64 bucket;            /* 0 = automatic: hourly up to 48 h, daily up to 92 d, else weekly */
  int tz_offset;            /* seconds east of UTC for daily buckets; G_MININT = local */
  guint top_n;              /* rows per ranking; 0 = all */
  gint64 now;               /* for "today" and RPM; 0 = the real time */
} NdFactsRange;

/* Fills @range for "24h" (the current hour and the 23 before, hourly),
 * "7d" / "30d" (whole local days ending today, daily). FALSE for others. */
gboolean nd_facts_range_preset (NdFactsRange *range, const char *preset, gint64 now);

/* ─── the store ─────────────────────────────────────────────────────────── */

#define ND_TYPE_FACTS (nd_facts_get_type ())
G_DECLARE_FINAL_TYPE (NdFacts, nd_facts, ND, FACTS, GObject)

/* Called on the main context while a sync runs: @done / @total in cursor
 * units of this sync (total 0 while unknown), @rows = log rows covered. */
typedef void (*NdFactsProgressFunc) (gint64 done, gint64 total, gint64 rows, gpointer user_data);

/* The per-profile file: g_get_user_data_dir()/newapi-desk/facts/KEY.sqlite */
char     *nd_facts_default_path   (const char *key);
/* A stable file key for a DSN pair: sha256 of the DSNs without password. */
char     *nd_facts_key_for_dsn    (const char *dsn, const char *log_dsn);

/* Opens (creating) the store lazily on its worker thread; errors surface
 * from the first call. */
NdFacts  *nd_facts_new            (const char *path);
const char *nd_facts_get_path     (NdFacts *self);
/* Values as of the last finished sync/query (main thread). */
gint64    nd_facts_get_last_sync  (NdFacts *self);
gint64    nd_facts_get_cursor     (NdFacts *self);
gboolean  nd_facts_is_syncing     (NdFacts *self);
/* Window size in cursor units for the next syncs (tests, bench). */
void      nd_facts_set_window     (NdFacts *self, gint64 window);
/* How far back a first sync reaches (req->since; sources whose cursor is
 * time, i.e. HTTP). 0 = 30 days before the sync. Only a first sync (cursor
 * 0) uses it: an older range later needs nd_facts_reset_async first. */
void      nd_facts_set_since      (NdFacts *self, gint64 since);

/* Pulls from @source until caught up. Resumable: a cancelled or failed sync
 * keeps every committed window. Result: number of log rows covered.
 * Several writers may share one file (the window, the CLI, an NdFacts that
 * replaced an older one): an additive window is only committed on top of
 * the cursor it was pulled from. When another writer moved the stored cursor
 * on, the sync stops quietly and succeeds with what it committed so far; the
 * next sync resumes from the stored cursor. */
void      nd_facts_sync_async     (NdFacts *self, NdSource *source,
                                   NdFactsProgressFunc progress, gpointer progress_data,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
gint64    nd_facts_sync_finish    (NdFacts *self, GAsyncResult *result, GError **error);

void      nd_facts_query_async    (NdFacts *self, const NdFactsRange *range,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
NdFactsReport *nd_facts_query_finish (NdFacts *self, GAsyncResult *result, GError **error);

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
