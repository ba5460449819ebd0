/* nd-facts-types.h — the contract between NdFacts and the sources it pulls from
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NdSource's pull_facts call takes an NdFactsRequest and answers one
 * NdFactsBatch. These types live apart from nd-facts.h so that nd-source.h
 * can name them without including the store (which includes nd-source.h).
 *
 * ─── The pull_facts contract (for NdSource implementations) ─────────────
 *
 * NdFacts calls nd_source_pull_facts_async (source, NdFactsRequest *req, …)
 * repeatedly during one sync; each call returns ONE NdFactsBatch
 * (nd_source_pull_facts_finish returns it, transfer full, free with
 * nd_facts_batch_free). NdFacts commits each batch in one SQLite
 * transaction, so a cancelled sync resumes where it stopped. The request is
 * only valid during the call: copy what you need. There are two modes.
 *
 * Cursor mode (NdPgSource): the source aggregates its own rows.
 *   1. First call of a sync: req->cursor is the cursor stored after the last
 *      committed batch (0 = never synced), req->target is 0 and
 *      req->want_names is TRUE. The source picks where this sync ends and
 *      returns it in batch->target (max(logs.id) now), and the highest
 *      cursor it could ever have reached in batch->cursor_limit (NdFacts
 *      starts over when its stored cursor is past that: a restored database).
 *   2. Next calls: req->cursor = previous batch->next_cursor, req->target =
 *      the first batch's target. The source returns facts for the next window
 *      (cursor, next_cursor] and sets next_cursor, at most
 *      min(cursor + req->window, target) (NdPgSource narrows the windows
 *      near the target).
 *   3. The source sets batch->done when next_cursor >= target. NdFacts stops
 *      then (it also stops on an empty batch whose next_cursor did not move).
 *   The cursor is a logs.id. A batch holds the aggregates of exactly the
 *   log rows with cursor < id <= next_cursor, grouped by (hour of
 *   created_at, user_id, token_id, channel_id, model_name, type, "group"),
 *   so merge = ND_FACTS_MERGE_ADD: NdFacts adds the measures to what it has
 *   (late rows whose created_at falls in an old hour land in that hour).
 *   req->window is a number of ids (default 250 000).
 *
 * Slice mode (sources whose NdServerInfo has ND_CAP_FACTS_DAY_SLICES:
 * NdHttpSource). NewAPI keeps its own aggregates: quota_data per model ×
 * hour (/api/data/), and per user × token × channel × model × group only
 * summed over a whole asked range (/api/data/flow has no hour). So the
 * figures come at two granularities, and NdFacts keeps them apart so that
 * nothing is counted twice:
 *   - hourly facts (batch->facts): per model × hour, user, token and
 *     channel 0 and group "" — the trend, the overview and the models;
 *   - day slices (batch->slices, batch->slice_facts): per local day
 *     (nd-time.h: the hours that start in it), per user × token × channel ×
 *     model × group — the rankings of users, channels and tokens.
 * NdFacts plans: it asks for the days the range it syncs (nd_facts_set_range)
 * touches and that it does not have final yet, a run of consecutive days
 * per call (req->slices, req->n_slices; ascending, contiguous, each an
 * NdFactsSlice [start, end)). req->cursor and req->target are unused. The
 * source answers every asked slice in batch->slices with `final` set once
 * its figures can no longer change (its end is older than the server's
 * aggregation lag), and:
 *   - batch->facts: merge = ND_FACTS_MERGE_REPLACE over [replace_from,
 *     replace_to) = the run's hours: consume rows per model × hour, and
 *     error rows per model × hour for the days whose errors it could list
 *     (slice.errors_listed);
 *   - batch->slice_facts: per slice (NdFact.hour = the slice's start), the
 *     flow rows and, for days whose errors it listed, error rows per user ×
 *     channel × model × group; for the others slice.error_count only.
 * NdFacts replaces the hourly facts of the run and every stored slice an
 * answered slice overlaps, in one transaction.
 *
 * Unavailable dimensions: a source that cannot tell a dimension uses 0 for
 * an id (user_id, token_id, channel_id — NewAPI never uses 0 for a real
 * one) and "" for a string (model, group), and leaves unknown measures 0.
 * It says which parts are real in batch->dims (NdFactsDims) AND in its
 * NdServerInfo caps (ND_CAP_FACTS_USER / _TOKEN / _CHANNEL / _ERRORS /
 * _LATENCY), which pages read before asking NdFacts; a chart whose dimension
 * is missing shows "Connect the database for this chart" instead of zeros.
 * NdFacts stores the union of the dims it has been given in its meta table
 * and reports it in NdFactsReport.dims. Over HTTP: type = ND_LOG_CONSUME
 * for quota_data rows, requests = count, quota = quota, prompt_tokens =
 * token_used and completion_tokens = 0 without ND_FACTS_DIM_TOKEN_SPLIT,
 * latency all 0 without ND_FACTS_DIM_LATENCY.
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

#include <glib.h>

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

/* One day slice (slice mode): the whole hours [start, end). */
typedef struct {
  gint64 start;
  gint64 end;
  gboolean final;           /* batch: the figures can no longer change */
  gboolean errors_listed;   /* batch: the errors are in facts / slice_facts in detail */
  gint64 error_count;       /* batch: the day's errors when they were not listed */
} NdFactsSlice;

typedef struct {
  gint64 cursor;            /* cursor mode: last committed next_cursor; 0 = from the start */
  gint64 target;            /* cursor mode: 0 on the first call; then the first batch's target */
  gint64 window;            /* cursor units per batch (PG: log ids) */
  gboolean want_names;
  const NdFactsSlice *slices;  /* slice mode: the days to fetch, ascending, contiguous */
  guint n_slices;
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
  gint64 cursor_limit;      /* first batch: the highest cursor the source can ever have
                             * reached (PG: the logs id sequence); -1 unknown (default) */
  GArray *slices;           /* slice mode: (element-type NdFactsSlice) the answered days */
  GArray *slice_facts;      /* slice mode: (element-type NdFact) hour = the slice's start */
} NdFactsBatch;

NdFactsBatch *nd_facts_batch_new      (void);
void          nd_facts_batch_free     (NdFactsBatch *batch);
/* Appends a zeroed fact with the given key (strings copied, NULL → ""). */
NdFact       *nd_facts_batch_add      (NdFactsBatch *batch, gint64 hour, gint64 user_id,
                                       gint64 token_id, gint64 channel_id, int type,
                                       const char *model, const char *group);
/* The same into batch->slice_facts, for the slice that starts at @start. */
NdFact       *nd_facts_batch_add_slice_fact (NdFactsBatch *batch, gint64 start, gint64 user_id,
                                             gint64 token_id, gint64 channel_id, int type,
                                             const char *model, const char *group);
/* Moves every fact of @src to the end of @dst's. */
void          nd_facts_batch_take_facts (NdFactsBatch *dst, NdFactsBatch *src);
void          nd_facts_batch_add_name (NdFactsBatch *batch, NdFactsNameKind kind, gint64 id,
                                       const char *name, gint64 owner_id);
/* The bucket a use_time (seconds) falls in. */
NdFactsLatency nd_facts_latency_bucket (gint64 use_time);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdFactsBatch, nd_facts_batch_free)

G_END_DECLS
