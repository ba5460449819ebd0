/* nd-facts-private.h — what the files of the facts store share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NdFacts is split along its seams:
 *   nd-facts-batch.c   the pull_facts contract types (batches, latency buckets)
 *   nd-facts-store.c   the object, its SQLite worker, the schema, meta, reset
 *   nd-facts-commit.c  writing one pulled batch (facts, rollups, names, meta)
 *   nd-facts-sync.c    the sync loop on the caller's main context, the ticker
 *   nd-facts-query.c   the report queries
 *   nd-facts-range.c   ranges, time zones, file paths and keys
 *   nd-facts-export.c  copying a range into another file (a report)
 * Functions here run on the store's worker thread unless they say otherwise.
 */
#pragma once

#include <sqlite3.h>

#include "nd-facts.h"
#include "nd-worker.h"

G_BEGIN_DECLS

typedef void (*NdFactsJobFunc) (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable);

struct _NdFacts
{
  GObject parent_instance;

  char *path;
  NdWorker *worker;

  gint64 window;
  gint64 range_from;            /* nd_facts_set_range; 0 = unset */
  gint64 range_to;
  gint64 query_from;            /* the last query's range */
  gint64 query_to;
  gint64 last_sync;
  gint64 cursor;
  gboolean syncing;
  gboolean read_only;           /* nd_facts_new_read_only: a report's facts */
};


/* Queues @func on the store's worker (it owns the sqlite3 handle). */
void     _nd_facts_run       (NdFacts *self, GTask *task, NdFactsJobFunc func, gpointer data,
                              GDestroyNotify data_free);

/* ─── SQLite helpers (worker) ───────────────────────────────────────────── */

void     _nd_facts_set_error (sqlite3 *db, GError **error, const char *what);
gboolean _nd_facts_exec      (sqlite3 *db, const char *sql, GError **error);
gint64   _nd_facts_meta_get  (sqlite3 *db, const char *key, gint64 fallback);
gboolean _nd_facts_meta_set  (sqlite3 *db, const char *key, gint64 value, GError **error);

/* Rollups: name, whether the key is a string, whether a daily table exists. */
typedef struct {
  const char *name;
  gboolean text_key;
  gboolean daily;
} NdFactsRollup;

enum { R_TOTAL, R_MODEL, R_CHANNEL, R_USER, R_TOKEN, N_ROLLUPS };

#define MEASURES "requests, quota, prompt, completion, use_time, l0, l1, l2, l3, l4"
#define MEASURE_COLS \
  "requests INTEGER NOT NULL DEFAULT 0, quota INTEGER NOT NULL DEFAULT 0," \
  " prompt INTEGER NOT NULL DEFAULT 0, completion INTEGER NOT NULL DEFAULT 0," \
  " use_time INTEGER NOT NULL DEFAULT 0, l0 INTEGER NOT NULL DEFAULT 0," \
  " l1 INTEGER NOT NULL DEFAULT 0, l2 INTEGER NOT NULL DEFAULT 0," \
  " l3 INTEGER NOT NULL DEFAULT 0, l4 INTEGER NOT NULL DEFAULT 0"
#define MEASURE_ADD \
  "requests = requests + excluded.requests, quota = quota + excluded.quota," \
  " prompt = prompt + excluded.prompt, completion = completion + excluded.completion," \
  " use_time = use_time + excluded.use_time, l0 = l0 + excluded.l0, l1 = l1 + excluded.l1," \
  " l2 = l2 + excluded.l2, l3 = l3 + excluded.l3, l4 = l4 + excluded.l4"


extern const NdFactsRollup _nd_facts_rollups[N_ROLLUPS];

/* ─── commits (nd-facts-commit.c) ───────────────────────────────────────── */

typedef struct {
  NdFactsBatch *batch;
  gint64 from_cursor;           /* the request's cursor: where the batch starts */
  gint64 now;
} NdFactsCommitData;

typedef struct {
  char *identity;               /* the source's gateway, NULL = not checked */
  gboolean clear;               /* start over whatever the identity */
  GArray *want;                 /* slice mode: (element-type NdFactsSlice) the range's days */
} NdFactsOpenData;

typedef struct {
  gint64 cursor;
  gint64 last_sync;
  gboolean was_reset;
  GArray *todo;                 /* slice mode: the wanted days not final in the store */
} NdFactsMetaResult;

void     _nd_facts_meta_result_free (NdFactsMetaResult *mr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdFactsMetaResult, _nd_facts_meta_result_free)

void     _nd_facts_commit_data_free (NdFactsCommitData *cd);
/* Commits one batch (task data: NdFactsCommitData) → boolean. */
void     _nd_facts_commit_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable);

/* ─── the store (nd-facts-store.c) ──────────────────────────────────────── */

/* Creates this version's tables in the database @schema ("main" or an
 * attached one) and stamps its meta with the schema version. */
gboolean _nd_facts_create_tables (sqlite3 *db, const char *schema, GError **error);
/* Deletes every fact, name and meta value but the schema version; inside
 * the caller's transaction. */
gboolean _nd_facts_clear      (sqlite3 *db, GError **error);
char    *_nd_facts_meta_get_text (sqlite3 *db, const char *key);
void     _nd_facts_open_data_free (NdFactsOpenData *od);
/* Task data NdFactsOpenData → NdFactsMetaResult* (g_free). */
void     _nd_facts_open_job   (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable);

/* ─── ranges (nd-facts-range.c) ─────────────────────────────────────────── */

/* The start of every trend bucket that holds an hour of [a, b), ascending:
 * hours (or other sub-day buckets) on the epoch grid, else local days or,
 * for multiples of 7 days, local weeks from Monday (see nd-time.h). */
GArray    *_nd_facts_range_buckets (GTimeZone *tz, gint64 a, gint64 b, gint64 bucket);

G_END_DECLS
