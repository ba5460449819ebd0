/* nd-facts.c — the local facts store (SQLite) and its sync + queries
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Storage. `facts` holds the hourly aggregates keyed by
 * hour × user × token × channel × model × type × group: the truth, kept for
 * reports and future filters. The dashboard reads rollups that are kept in
 * step with it in the same transaction: per (period, key, type) for totals,
 * models, channels, users and tokens, at hour granularity and, for the four
 * rankings, also at UTC-day granularity. A range query reads whole days from
 * the daily table and the ragged edges from the hourly one, so a 30-day
 * ranking touches a few thousand rows whatever the gateway's traffic.
 *
 * Threads. One worker thread owns the sqlite3 handle (WAL mode); jobs queue
 * to it as GTasks, like NdPgConn does for libpq. The sync loop runs on the
 * caller's main context and pipelines: while the worker commits window N,
 * the source already aggregates window N+1 on its own connection.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <errno.h>
#include <sqlite3.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "nd-secure-string.h"
#include "nd-error.h"
#include "nd-facts.h"
#include "pg/nd-pg-conn.h"
#include "nd-worker.h"

#define DEFAULT_WINDOW 250000
#define SCHEMA_VERSION 1
#define MAX_PENDING_COMMITS 2

const double nd_facts_latency_edges[ND_FACTS_N_LAT] = { 1, 3, 10, 30, 60 };

/* ─── batches ───────────────────────────────────────────────────────────── */

static void
fact_clear (gpointer data)
{
  NdFact *f = data;

  g_free (f->model);
  g_free (f->group);
}

static void
name_free (gpointer data)
{
  NdFactsName *n = data;

  g_free (n->name);
  g_free (n);
}

NdFactsBatch *
nd_facts_batch_new (void)
{
  NdFactsBatch *batch = g_new0 (NdFactsBatch, 1);

  batch->facts = g_array_new (FALSE, TRUE, sizeof (NdFact));
  g_array_set_clear_func (batch->facts, fact_clear);
  batch->names = g_ptr_array_new_with_free_func (name_free);
  batch->dims = ND_FACTS_DIM_ALL;
  batch->rows_scanned = -1;
  return batch;
}

void
nd_facts_batch_free (NdFactsBatch *batch)
{
  if (batch == NULL)
    return;
  g_array_unref (batch->facts);
  g_ptr_array_unref (batch->names);
  g_free (batch);
}

NdFact *
nd_facts_batch_add (NdFactsBatch *batch, gint64 hour, gint64 user_id, gint64 token_id,
                    gint64 channel_id, int type, const char *model, const char *group)
{
  NdFact *f;

  g_array_set_size (batch->facts, batch->facts->len + 1);
  f = &g_array_index (batch->facts, NdFact, batch->facts->len - 1);
  f->hour = hour - (hour % 3600 + 3600) % 3600;
  f->user_id = user_id;
  f->token_id = token_id;
  f->channel_id = channel_id;
  f->type = type;
  f->model = g_strdup (model ? model : "");
  f->group = g_strdup (group ? group : "");
  return f;
}

void
nd_facts_batch_add_name (NdFactsBatch *batch, NdFactsNameKind kind, gint64 id,
                         const char *name, gint64 owner_id)
{
  NdFactsName *n = g_new0 (NdFactsName, 1);

  n->kind = kind;
  n->id = id;
  n->name = g_strdup (name ? name : "");
  n->owner_id = owner_id;
  g_ptr_array_add (batch->names, n);
}

NdFactsLatency
nd_facts_latency_bucket (gint64 use_time)
{
  if (use_time < 1)
    return ND_FACTS_LAT_LT1;
  if (use_time < 3)
    return ND_FACTS_LAT_1_3;
  if (use_time < 10)
    return ND_FACTS_LAT_3_10;
  if (use_time < 30)
    return ND_FACTS_LAT_10_30;
  return ND_FACTS_LAT_GE30;
}

double
nd_facts_latency_percentile (const gint64 latency[ND_FACTS_N_LAT], double q)
{
  gint64 total = 0;
  double rank, seen = 0;

  for (int i = 0; i < ND_FACTS_N_LAT; i++)
    total += latency[i];
  if (total <= 0)
    return -1;
  rank = CLAMP (q, 0, 1) * total;
  for (int i = 0; i < ND_FACTS_N_LAT; i++)
    {
      double lo = i == 0 ? 0 : nd_facts_latency_edges[i - 1];
      double hi = nd_facts_latency_edges[i];

      if (latency[i] > 0 && seen + latency[i] >= rank)
        return lo + (hi - lo) * ((rank - seen) / latency[i]);
      seen += latency[i];
    }
  return nd_facts_latency_edges[ND_FACTS_N_LAT - 1];
}

/* ─── reports ───────────────────────────────────────────────────────────── */

static void
rank_free (gpointer data)
{
  NdFactsRank *r = data;

  g_free (r->key);
  g_free (r->name);
  g_free (r);
}

static NdFactsReport *
report_new (void)
{
  NdFactsReport *r = g_new0 (NdFactsReport, 1);

  g_atomic_ref_count_init (&r->ref_count);
  r->models = g_ptr_array_new_with_free_func (rank_free);
  r->channels = g_ptr_array_new_with_free_func (rank_free);
  r->users = g_ptr_array_new_with_free_func (rank_free);
  r->tokens = g_ptr_array_new_with_free_func (rank_free);
  r->trend = g_array_new (FALSE, TRUE, sizeof (NdFactsPoint));
  return r;
}

NdFactsReport *
nd_facts_report_ref (NdFactsReport *report)
{
  g_atomic_ref_count_inc (&report->ref_count);
  return report;
}

void
nd_facts_report_unref (NdFactsReport *report)
{
  if (report == NULL || !g_atomic_ref_count_dec (&report->ref_count))
    return;
  g_ptr_array_unref (report->models);
  g_ptr_array_unref (report->channels);
  g_ptr_array_unref (report->users);
  g_ptr_array_unref (report->tokens);
  g_array_unref (report->trend);
  g_free (report);
}

/* ─── ranges ────────────────────────────────────────────────────────────── */

static gint64
local_midnight (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t);
  g_autoptr(GDateTime) day = g_date_time_new_local (g_date_time_get_year (dt),
                                                    g_date_time_get_month (dt),
                                                    g_date_time_get_day_of_month (dt), 0, 0, 0);

  return g_date_time_to_unix (day);
}

static int
local_offset (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t);

  return (int) (g_date_time_get_utc_offset (dt) / G_USEC_PER_SEC);
}

gboolean
nd_facts_range_preset (NdFactsRange *range, const char *preset, gint64 now)
{
  gint64 hour = now - now % 3600;

  memset (range, 0, sizeof *range);
  range->now = now;
  range->tz_offset = G_MININT;
  if (g_strcmp0 (preset, "24h") == 0)
    {
      range->from = hour - 23 * 3600;
      range->to = hour + 3600;
      range->bucket = 3600;
      return TRUE;
    }
  if (g_strcmp0 (preset, "7d") == 0 || g_strcmp0 (preset, "30d") == 0)
    {
      int days = preset[0] == '7' ? 7 : 30;
      gint64 today = local_midnight (now);

      range->from = today - (days - 1) * 86400;
      range->to = hour + 3600;
      range->bucket = 86400;
      return TRUE;
    }
  return FALSE;
}

/* ─── paths ─────────────────────────────────────────────────────────────── */

char *
nd_facts_default_path (const char *key)
{
  g_autofree char *file = g_strconcat (key, ".sqlite", NULL);

  return g_build_filename (g_get_user_data_dir (), "newapi-desk", "facts", file, NULL);
}

static char *
dsn_without_password (const char *dsn)
{
  g_autoptr(NdSecret) password = NULL;
  char *stripped;

  if (dsn == NULL || *dsn == '\0')
    return g_strdup ("");
  stripped = nd_pg_dsn_strip_password (dsn, &password, NULL);
  return stripped ? stripped : g_strdup (dsn);
}

char *
nd_facts_key_for_dsn (const char *dsn, const char *log_dsn)
{
  g_autofree char *a = dsn_without_password (dsn);
  g_autofree char *b = dsn_without_password (log_dsn);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  char *key;

  g_checksum_update (sum, (const guchar *) a, -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) b, -1);
  key = g_strdup_printf ("pg-%.16s", g_checksum_get_string (sum));
  return key;
}

/* ─── the worker ────────────────────────────────────────────────────────── */

typedef void (*FactsJobFunc) (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable);

struct _NdFacts
{
  GObject parent_instance;

  char *path;
  NdWorker *worker;

  gint64 window;
  gint64 since;                 /* 0 = 30 days back */
  gint64 last_sync;
  gint64 cursor;
  gboolean syncing;
};

G_DEFINE_FINAL_TYPE (NdFacts, nd_facts, G_TYPE_OBJECT)


static void
set_sqlite_error (sqlite3 *db, GError **error, const char *what)
{
  g_set_error (error, ND_ERROR, ND_ERROR_SERVER, _("The facts store failed (%s): %s"), what,
               db ? sqlite3_errmsg (db) : "out of memory");
}

static gboolean
exec_sql (sqlite3 *db, const char *sql, GError **error)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_SERVER, _("The facts store failed: %s"),
                   msg ? msg : "?");
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

/* Rollups: name, whether the key is a string, whether a daily table exists. */
typedef struct {
  const char *name;
  gboolean text_key;
  gboolean daily;
} Rollup;

enum { R_TOTAL, R_MODEL, R_CHANNEL, R_USER, R_TOKEN, N_ROLLUPS };

static const Rollup rollups[N_ROLLUPS] = {
  [R_TOTAL] = { "total", FALSE, FALSE },
  [R_MODEL] = { "model", TRUE, TRUE },
  [R_CHANNEL] = { "channel", FALSE, TRUE },
  [R_USER] = { "user", FALSE, TRUE },
  [R_TOKEN] = { "token", FALSE, TRUE },
};

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

static gboolean
create_schema (sqlite3 *db, GError **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);

  g_string_append (sql,
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS facts (hour INTEGER NOT NULL, user_id INTEGER NOT NULL,"
    " token_id INTEGER NOT NULL, channel_id INTEGER NOT NULL, model TEXT NOT NULL,"
    " type INTEGER NOT NULL, grp TEXT NOT NULL, " MEASURE_COLS ","
    " PRIMARY KEY (hour, user_id, token_id, channel_id, model, type, grp)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS names (kind INTEGER NOT NULL, id INTEGER NOT NULL,"
    " name TEXT NOT NULL, owner_id INTEGER NOT NULL DEFAULT 0, seen INTEGER NOT NULL,"
    " PRIMARY KEY (kind, id)) WITHOUT ROWID;");
  for (int r = 0; r < N_ROLLUPS; r++)
    for (int d = 0; d < (rollups[r].daily ? 2 : 1); d++)
      g_string_append_printf (sql,
        "CREATE TABLE IF NOT EXISTS r_%s_%c (t INTEGER NOT NULL, k %s NOT NULL,"
        " type INTEGER NOT NULL, " MEASURE_COLS ", PRIMARY KEY (t, k, type)) WITHOUT ROWID;",
        rollups[r].name, d ? 'd' : 'h', rollups[r].text_key ? "TEXT" : "INTEGER");
  g_string_append_printf (sql, "INSERT OR IGNORE INTO meta VALUES ('schema', %d);", SCHEMA_VERSION);
  return exec_sql (db, sql->str, error);
}

/* The window and `stats` may open a new store at the same moment. Switching
 * to WAL and upgrading a read lock can then fail with SQLITE_BUSY without
 * SQLite calling the busy handler; the setup is idempotent, so retry it. */
static gboolean
setup_db (sqlite3 *db, GError **error)
{
  for (int attempt = 0;; attempt++)
    {
      g_autoptr(GError) local = NULL;
      int code;

      if (exec_sql (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                        "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;", &local) &&
          create_schema (db, &local))
        return TRUE;
      code = sqlite3_errcode (db);
      if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || attempt >= 300)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_usleep (100 * 1000);
    }
}

static sqlite3 *
open_db (const char *path, GError **error)
{
  sqlite3 *db = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, ND_ERROR, ND_ERROR_SERVER, _("Could not create the folder “%s”: %s"),
                   dir, g_strerror (saved));
      return NULL;
    }
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                       SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      set_sqlite_error (db, error, path);
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 30000);
  if (!setup_db (db, error))
    {
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

static gpointer
worker_open (gpointer user_data, GError **error)
{
  return open_db (user_data, error);
}

static void
worker_after (gpointer handle, gpointer user_data)
{
  /* A job that failed half way must not leave its transaction open. */
  if (!sqlite3_get_autocommit (handle))
    sqlite3_exec (handle, "ROLLBACK", NULL, NULL, NULL);
}

static void
worker_close (gpointer handle, gpointer user_data)
{
  sqlite3_close (handle);
}

static const NdWorkerFuncs worker_funcs = {
  .open = worker_open,
  .after = worker_after,
  .close = worker_close,
};

static void
facts_run (NdFacts *self, GTask *task, FactsJobFunc func, gpointer data, GDestroyNotify data_free)
{
  nd_worker_run (self->worker, task, (NdWorkerJobFunc) func, data, data_free);
}

static void
nd_facts_dispose (GObject *object)
{
  NdFacts *self = ND_FACTS (object);

  /* Queued jobs finish (they hold their tasks); then the worker closes the
   * database. Never blocks the caller. */
  if (self->worker != NULL)
    nd_worker_shutdown (self->worker, FALSE);
  G_OBJECT_CLASS (nd_facts_parent_class)->dispose (object);
}

static void
nd_facts_finalize (GObject *object)
{
  NdFacts *self = ND_FACTS (object);

  g_clear_pointer (&self->worker, nd_worker_free);
  g_free (self->path);
  G_OBJECT_CLASS (nd_facts_parent_class)->finalize (object);
}

static void
nd_facts_class_init (NdFactsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nd_facts_dispose;
  object_class->finalize = nd_facts_finalize;
}

static void
nd_facts_init (NdFacts *self)
{
  self->window = DEFAULT_WINDOW;
}

NdFacts *
nd_facts_new (const char *path)
{
  NdFacts *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (ND_TYPE_FACTS, NULL);
  self->path = g_strdup (path);
  self->worker = nd_worker_new ("nd-facts", &worker_funcs, g_strdup (path), g_free);
  return self;
}

const char *
nd_facts_get_path (NdFacts *self)
{
  g_return_val_if_fail (ND_IS_FACTS (self), NULL);
  return self->path;
}

gint64
nd_facts_get_last_sync (NdFacts *self)
{
  g_return_val_if_fail (ND_IS_FACTS (self), 0);
  return self->last_sync;
}

gint64
nd_facts_get_cursor (NdFacts *self)
{
  g_return_val_if_fail (ND_IS_FACTS (self), 0);
  return self->cursor;
}

gboolean
nd_facts_is_syncing (NdFacts *self)
{
  g_return_val_if_fail (ND_IS_FACTS (self), FALSE);
  return self->syncing;
}

void
nd_facts_set_window (NdFacts *self, gint64 window)
{
  g_return_if_fail (ND_IS_FACTS (self));
  self->window = window > 0 ? window : DEFAULT_WINDOW;
}

/* ─── meta helpers (worker) ─────────────────────────────────────────────── */

static gint64
meta_get (sqlite3 *db, const char *key, gint64 fallback)
{
  sqlite3_stmt *st = NULL;
  gint64 v = fallback;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
    return fallback;
  sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_type (st, 0) != SQLITE_NULL)
    v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return v;
}

static gboolean
meta_set (sqlite3 *db, const char *key, gint64 value, GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                          -1, &st, NULL) != SQLITE_OK)
    return set_sqlite_error (db, error, "meta"), FALSE;
  sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, value);
  rc = sqlite3_step (st);
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (db, error, "meta"), FALSE;
  return TRUE;
}

/* ─── commit (worker) ───────────────────────────────────────────────────── */

typedef struct {
  gint64 t;
  gint64 k;
  const char *ks;
  int type;
  gint64 m[10];
} Agg;

static guint
agg_hash (gconstpointer p)
{
  const Agg *a = p;
  guint h = (guint) (a->t / 3600) * 2654435761u ^ (guint) a->k * 40503u ^ (guint) a->type * 97u;

  if (a->ks != NULL)
    h ^= g_str_hash (a->ks);
  return h;
}

static gboolean
agg_equal (gconstpointer pa, gconstpointer pb)
{
  const Agg *a = pa, *b = pb;

  return a->t == b->t && a->k == b->k && a->type == b->type && g_strcmp0 (a->ks, b->ks) == 0;
}

static void
agg_add (GHashTable *table, gint64 t, gint64 k, const char *ks, const NdFact *f)
{
  Agg key = { t, k, ks, f->type, { 0 } };
  Agg *a = g_hash_table_lookup (table, &key);

  if (a == NULL)
    {
      a = g_memdup2 (&key, sizeof key);
      g_hash_table_add (table, a);
    }
  a->m[0] += f->requests;
  a->m[1] += f->quota;
  a->m[2] += f->prompt_tokens;
  a->m[3] += f->completion_tokens;
  a->m[4] += f->use_time;
  for (int i = 0; i < ND_FACTS_N_LAT; i++)
    a->m[5 + i] += f->latency[i];
}

static gboolean
step_done (sqlite3 *db, sqlite3_stmt *st, GError **error)
{
  int rc = sqlite3_step (st);

  sqlite3_reset (st);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (db, error, "write");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_rollup (sqlite3 *db, const char *table, gboolean text_key, GHashTable *aggs, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO %s (t, k, type, " MEASURES ")"
                                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                          " ON CONFLICT (t, k, type) DO UPDATE SET " MEASURE_ADD,
                                          table);
  sqlite3_stmt *st = NULL;
  GHashTableIter iter;
  gpointer key;
  gboolean ok = TRUE;

  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    return set_sqlite_error (db, error, table), FALSE;
  g_hash_table_iter_init (&iter, aggs);
  while (ok && g_hash_table_iter_next (&iter, &key, NULL))
    {
      const Agg *a = key;

      sqlite3_bind_int64 (st, 1, a->t);
      if (text_key)
        sqlite3_bind_text (st, 2, a->ks, -1, SQLITE_STATIC);
      else
        sqlite3_bind_int64 (st, 2, a->k);
      sqlite3_bind_int (st, 3, a->type);
      for (int i = 0; i < 10; i++)
        sqlite3_bind_int64 (st, 4 + i, a->m[i]);
      ok = step_done (db, st, error);
    }
  sqlite3_finalize (st);
  return ok;
}

static gboolean
delete_hours (sqlite3 *db, gint64 from, gint64 to, GError **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  gint64 d0 = from - from % 86400, d1 = to + (86400 - to % 86400) % 86400;

  g_string_append_printf (sql, "DELETE FROM facts WHERE hour >= %" G_GINT64_FORMAT
                          " AND hour < %" G_GINT64_FORMAT ";", from, to);
  for (int r = 0; r < N_ROLLUPS; r++)
    {
      g_string_append_printf (sql, "DELETE FROM r_%s_h WHERE t >= %" G_GINT64_FORMAT
                              " AND t < %" G_GINT64_FORMAT ";", rollups[r].name, from, to);
      /* Whole days touched are rebuilt from the hourly rows afterwards. */
      if (rollups[r].daily)
        g_string_append_printf (sql, "DELETE FROM r_%s_d WHERE t >= %" G_GINT64_FORMAT
                                " AND t < %" G_GINT64_FORMAT ";", rollups[r].name, d0, d1);
    }
  return exec_sql (db, sql->str, error);
}

static gboolean
rebuild_days (sqlite3 *db, gint64 from, gint64 to, GError **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  gint64 d0 = from - from % 86400, d1 = to + (86400 - to % 86400) % 86400;

  for (int r = 0; r < N_ROLLUPS; r++)
    if (rollups[r].daily)
      g_string_append_printf (sql,
        "INSERT INTO r_%s_d (t, k, type, " MEASURES ") SELECT t - t %% 86400, k, type,"
        " sum(requests), sum(quota), sum(prompt), sum(completion), sum(use_time), sum(l0),"
        " sum(l1), sum(l2), sum(l3), sum(l4) FROM r_%s_h WHERE t >= %" G_GINT64_FORMAT
        " AND t < %" G_GINT64_FORMAT " GROUP BY 1, 2, 3;",
        rollups[r].name, rollups[r].name, d0, d1);
  return exec_sql (db, sql->str, error);
}

typedef struct {
  NdFactsBatch *batch;
  gint64 from_cursor;           /* the request's cursor: where the batch starts */
  gint64 now;
} CommitData;

static void
commit_data_free (CommitData *cd)
{
  nd_facts_batch_free (cd->batch);
  g_free (cd);
}

static gboolean
commit_batch (sqlite3 *db, NdFactsBatch *batch, gint64 from_cursor, gint64 now, GError **error)
{
  GHashTable *aggs[N_ROLLUPS][2] = { { NULL } };
  sqlite3_stmt *st = NULL;
  gboolean ok = TRUE;

  if (!exec_sql (db, "BEGIN IMMEDIATE", error))
    {
      /* Another writer held the store for the whole busy timeout: like a
       * moved cursor, this sync stops and the next one resumes. */
      if (sqlite3_errcode (db) == SQLITE_BUSY)
        {
          g_clear_error (error);
          g_set_error_literal (error, ND_ERROR, ND_ERROR_CONFLICT,
                               _("Another sync moved the facts on"));
        }
      return FALSE;
    }

  /* An additive batch covers (from_cursor, next_cursor]: it only applies on
   * top of exactly from_cursor. Anything else means another writer (the CLI,
   * an older NdFacts on the same file, a reset) or a failed earlier commit
   * moved the store on; adding would count a window twice or skip one. */
  if (batch->merge == ND_FACTS_MERGE_ADD && meta_get (db, "cursor", 0) != from_cursor)
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      g_set_error_literal (error, ND_ERROR, ND_ERROR_CONFLICT,
                           _("Another sync moved the facts on"));
      return FALSE;
    }

  if (batch->merge == ND_FACTS_MERGE_REPLACE && batch->replace_to > batch->replace_from &&
      !delete_hours (db, batch->replace_from, batch->replace_to, error))
    return FALSE;

  for (int r = 0; r < N_ROLLUPS; r++)
    for (int d = 0; d < 2; d++)
      aggs[r][d] = g_hash_table_new_full (agg_hash, agg_equal, g_free, NULL);

  if (sqlite3_prepare_v2 (db,
        "INSERT INTO facts (hour, user_id, token_id, channel_id, model, type, grp, " MEASURES ")"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (hour, user_id, token_id, channel_id, model, type, grp) DO UPDATE SET "
        MEASURE_ADD, -1, &st, NULL) != SQLITE_OK)
    {
      set_sqlite_error (db, error, "facts");
      ok = FALSE;
    }

  for (guint i = 0; ok && i < batch->facts->len; i++)
    {
      const NdFact *f = &g_array_index (batch->facts, NdFact, i);
      gint64 day = f->hour - f->hour % 86400;

      sqlite3_bind_int64 (st, 1, f->hour);
      sqlite3_bind_int64 (st, 2, f->user_id);
      sqlite3_bind_int64 (st, 3, f->token_id);
      sqlite3_bind_int64 (st, 4, f->channel_id);
      sqlite3_bind_text (st, 5, f->model, -1, SQLITE_STATIC);
      sqlite3_bind_int (st, 6, f->type);
      sqlite3_bind_text (st, 7, f->group, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 8, f->requests);
      sqlite3_bind_int64 (st, 9, f->quota);
      sqlite3_bind_int64 (st, 10, f->prompt_tokens);
      sqlite3_bind_int64 (st, 11, f->completion_tokens);
      sqlite3_bind_int64 (st, 12, f->use_time);
      for (int b = 0; b < ND_FACTS_N_LAT; b++)
        sqlite3_bind_int64 (st, 13 + b, f->latency[b]);
      ok = step_done (db, st, error);

      agg_add (aggs[R_TOTAL][0], f->hour, 0, NULL, f);
      agg_add (aggs[R_MODEL][0], f->hour, 0, f->model, f);
      agg_add (aggs[R_CHANNEL][0], f->hour, f->channel_id, NULL, f);
      agg_add (aggs[R_USER][0], f->hour, f->user_id, NULL, f);
      agg_add (aggs[R_TOKEN][0], f->hour, f->token_id, NULL, f);
      if (batch->merge == ND_FACTS_MERGE_ADD)
        {
          agg_add (aggs[R_MODEL][1], day, 0, f->model, f);
          agg_add (aggs[R_CHANNEL][1], day, f->channel_id, NULL, f);
          agg_add (aggs[R_USER][1], day, f->user_id, NULL, f);
          agg_add (aggs[R_TOKEN][1], day, f->token_id, NULL, f);
        }
    }
  g_clear_pointer (&st, sqlite3_finalize);

  for (int r = 0; ok && r < N_ROLLUPS; r++)
    for (int d = 0; ok && d < (rollups[r].daily ? 2 : 1); d++)
      {
        g_autofree char *table = g_strdup_printf ("r_%s_%c", rollups[r].name, d ? 'd' : 'h');

        ok = write_rollup (db, table, rollups[r].text_key, aggs[r][d], error);
      }
  for (int r = 0; r < N_ROLLUPS; r++)
    for (int d = 0; d < 2; d++)
      g_hash_table_unref (aggs[r][d]);

  if (ok && batch->merge == ND_FACTS_MERGE_REPLACE && batch->replace_to > batch->replace_from)
    ok = rebuild_days (db, batch->replace_from, batch->replace_to, error);

  if (ok && batch->names->len > 0)
    {
      if (sqlite3_prepare_v2 (db,
            "INSERT INTO names (kind, id, name, owner_id, seen) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (kind, id) DO UPDATE SET name = excluded.name,"
            " owner_id = excluded.owner_id, seen = excluded.seen", -1, &st, NULL) != SQLITE_OK)
        {
          set_sqlite_error (db, error, "names");
          ok = FALSE;
        }
      for (guint i = 0; ok && i < batch->names->len; i++)
        {
          const NdFactsName *n = g_ptr_array_index (batch->names, i);

          sqlite3_bind_int (st, 1, n->kind);
          sqlite3_bind_int64 (st, 2, n->id);
          sqlite3_bind_text (st, 3, n->name, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (st, 4, n->owner_id);
          sqlite3_bind_int64 (st, 5, now);
          ok = step_done (db, st, error);
        }
      g_clear_pointer (&st, sqlite3_finalize);
    }

  if (ok)
    ok = meta_set (db, "cursor", batch->next_cursor, error) &&
         meta_set (db, "last_sync", now, error) &&
         meta_set (db, "dims", meta_get (db, "dims", 0) | batch->dims, error) &&
         meta_set (db, "log_rows", meta_get (db, "log_rows", 0) + MAX (batch->rows_scanned, 0), error);
  if (ok)
    ok = exec_sql (db, "COMMIT", error);
  return ok;
}

static void
commit_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  CommitData *cd = data;
  GError *error = NULL;

  /* Never skipped on cancel: the window was pulled, keep it. */
  if (!commit_batch (db, cd->batch, cd->from_cursor, cd->now, &error))
    return g_task_return_error (task, error);
  g_task_return_boolean (task, TRUE);
}

typedef struct {
  gint64 cursor;
  gint64 last_sync;
} MetaResult;

static void
meta_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  MetaResult *mr = g_new0 (MetaResult, 1);

  mr->cursor = meta_get (db, "cursor", 0);
  mr->last_sync = meta_get (db, "last_sync", 0);
  g_task_return_pointer (task, mr, g_free);
}

/* ─── sync (main context) ───────────────────────────────────────────────── */

typedef struct {
  NdFacts *self;
  NdSource *source;
  NdFactsProgressFunc progress;
  gpointer progress_data;
  NdFactsRequest req;
  gint64 start;
  gint64 target;
  gint64 rows;
  guint pending_commits;
  gboolean pulling;
  gboolean pull_finished;   /* the source said done, or an error stopped pulling */
  gboolean stopped;         /* a commit failed or conflicted: drop later windows */
  GError *error;
} SyncData;

static void
sync_data_free (SyncData *sd)
{
  g_clear_object (&sd->source);
  g_clear_error (&sd->error);
  g_free (sd);
}

static void sync_pull_next (GTask *task);

static void
sync_maybe_finish (GTask *task)
{
  SyncData *sd = g_task_get_task_data (task);

  if (!sd->pull_finished || sd->pulling || sd->pending_commits > 0)
    return;
  sd->self->syncing = FALSE;
  if (sd->error != NULL)
    g_task_return_error (task, g_steal_pointer (&sd->error));
  else
    g_task_return_int (task, sd->rows);
}

static void
sync_fail (SyncData *sd, GError *error)
{
  if (sd->error == NULL)
    sd->error = error;
  else
    g_error_free (error);
  sd->pull_finished = TRUE;
}

static void
commit_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncData *sd = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 cursor = GPOINTER_TO_SIZE (g_task_get_task_data (G_TASK (result)));

  sd->pending_commits--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      sd->stopped = TRUE;
      if (g_error_matches (error, ND_ERROR, ND_ERROR_CONFLICT))
        {
          /* Someone else moved the stored cursor on: stop quietly; the next
           * sync resumes from wherever the store is now. */
          g_error_free (error);
          sd->pull_finished = TRUE;
        }
      else
        sync_fail (sd, error);
    }
  else
    {
      sd->self->cursor = MAX (sd->self->cursor, cursor);
      sd->self->last_sync = g_get_real_time () / G_USEC_PER_SEC;
      if (sd->progress != NULL)
        sd->progress (sd->self->cursor - sd->start, MAX (sd->target - sd->start, 0), sd->rows,
                      sd->progress_data);
    }
  if (!sd->pull_finished && !sd->pulling)
    sync_pull_next (task);
  sync_maybe_finish (task);
}

static void
pull_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncData *sd = g_task_get_task_data (task);
  GError *error = NULL;
  NdFactsBatch *batch;
  gboolean first = sd->req.target == 0;
  gint64 prev = sd->req.cursor;

  sd->pulling = FALSE;
  batch = nd_source_pull_facts_finish (ND_SOURCE (object), result, &error);
  if (batch == NULL)
    {
      sync_fail (sd, error);
      return sync_maybe_finish (task);
    }

  if (sd->stopped)
    {
      /* An earlier commit failed or conflicted: this window no longer
       * follows what is stored. */
      nd_facts_batch_free (batch);
      sd->pull_finished = TRUE;
      return sync_maybe_finish (task);
    }

  if (first)
    {
      sd->target = batch->target;
      sd->req.target = MAX (batch->target, 1);
      sd->req.want_names = FALSE;
    }
  sd->req.cursor = batch->next_cursor;
  sd->rows += MAX (batch->rows_scanned, 0);

  if (batch->done || batch->next_cursor <= prev)
    sd->pull_finished = TRUE;

  if (batch->facts->len > 0 || batch->names->len > 0 || batch->next_cursor != prev ||
      batch->merge == ND_FACTS_MERGE_REPLACE)
    {
      CommitData *cd = g_new0 (CommitData, 1);
      /* The commit is not cancellable: a pulled window is always kept. */
      GTask *sub = g_task_new (sd->self, NULL, commit_done, g_object_ref (task));

      g_task_set_task_data (sub, GSIZE_TO_POINTER ((gsize) batch->next_cursor), NULL);
      cd->batch = batch;
      cd->from_cursor = prev;
      cd->now = g_get_real_time () / G_USEC_PER_SEC;
      sd->pending_commits++;
      facts_run (sd->self, sub, commit_job, cd, (GDestroyNotify) commit_data_free);
      g_object_unref (sub);
    }
  else
    nd_facts_batch_free (batch);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      sync_fail (sd, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The operation was cancelled")));
    }
  if (!sd->pull_finished && sd->pending_commits < MAX_PENDING_COMMITS)
    sync_pull_next (task);
  sync_maybe_finish (task);
}

static void
sync_pull_next (GTask *task)
{
  SyncData *sd = g_task_get_task_data (task);

  sd->pulling = TRUE;
  nd_source_pull_facts_async (sd->source, &sd->req, g_task_get_cancellable (task),
                              pull_done, g_object_ref (task));
}

static void
sync_meta_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncData *sd = g_task_get_task_data (task);
  g_autofree MetaResult *mr = NULL;
  GError *error = NULL;

  mr = g_task_propagate_pointer (G_TASK (result), &error);
  if (mr == NULL)
    {
      sd->self->syncing = FALSE;
      return g_task_return_error (task, error);
    }
  sd->self->cursor = mr->cursor;
  sd->self->last_sync = mr->last_sync;
  sd->start = mr->cursor;
  sd->req.cursor = mr->cursor;
  sd->req.target = 0;
  sd->req.want_names = TRUE;
  sd->req.window = sd->self->window;
  sd->req.since = sd->self->since > 0 ? sd->self->since
                                      : g_get_real_time () / G_USEC_PER_SEC - 30 * 86400;
  if (g_task_return_error_if_cancelled (task))
    {
      sd->self->syncing = FALSE;
      return;
    }
  sync_pull_next (task);
}

void
nd_facts_sync_async (NdFacts *self, NdSource *source,
                     NdFactsProgressFunc progress, gpointer progress_data,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  GTask *sub;
  SyncData *sd;

  g_return_if_fail (ND_IS_FACTS (self));
  g_return_if_fail (ND_IS_SOURCE (source));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_facts_sync_async);
  if (self->syncing)
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_CONFLICT,
                                    _("The facts are already being synced"));

  sd = g_new0 (SyncData, 1);
  sd->self = self;
  sd->source = g_object_ref (source);
  sd->progress = progress;
  sd->progress_data = progress_data;
  g_task_set_task_data (task, sd, (GDestroyNotify) sync_data_free);
  self->syncing = TRUE;

  sub = g_task_new (self, cancellable, sync_meta_done, g_object_ref (task));
  facts_run (self, sub, meta_job, NULL, NULL);
  g_object_unref (sub);
}

void
nd_facts_set_since (NdFacts *self, gint64 since)
{
  g_return_if_fail (ND_IS_FACTS (self));
  self->since = MAX (since, 0);
}

gint64
nd_facts_sync_finish (NdFacts *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

/* ─── queries (worker) ──────────────────────────────────────────────────── */

typedef struct {
  NdFactsRange range;
} QueryData;

static gint64
ceil_hour (gint64 t)
{
  return t + (3600 - (t % 3600 + 3600) % 3600) % 3600;
}

/* The parts of a rollup covering [a, b): whole UTC days from the daily
 * table (when it exists), the rest from the hourly one. */
static char *
parts_sql (const Rollup *r, gint64 a, gint64 b)
{
  gint64 d0 = a + (86400 - a % 86400) % 86400;
  gint64 d1 = b - b % 86400;

  if (!r->daily || d0 >= d1)
    return g_strdup_printf ("SELECT * FROM r_%s_h WHERE t >= %" G_GINT64_FORMAT
                            " AND t < %" G_GINT64_FORMAT, r->name, a, b);
  return g_strdup_printf ("SELECT * FROM r_%s_d WHERE t >= %" G_GINT64_FORMAT " AND t < %" G_GINT64_FORMAT
                          " UNION ALL SELECT * FROM r_%s_h WHERE (t >= %" G_GINT64_FORMAT
                          " AND t < %" G_GINT64_FORMAT ") OR (t >= %" G_GINT64_FORMAT
                          " AND t < %" G_GINT64_FORMAT ")",
                          r->name, d0, d1, r->name, a, d0, d1, b);
}

static gboolean
query_rank (sqlite3 *db, int rollup, NdFactsNameKind kind, gint64 a, gint64 b, guint top_n,
            const char *order, GPtrArray *out, GError **error)
{
  g_autofree char *parts = parts_sql (&rollups[rollup], a, b);
  g_autofree char *sql = NULL;
  sqlite3_stmt *st = NULL;
  int rc;

  sql = g_strdup_printf (
    "SELECT p.k, sum(requests), sum(requests) FILTER (WHERE type = 5),"
    " sum(quota) FILTER (WHERE type = 2), sum(prompt + completion) FILTER (WHERE type = 2),"
    " sum(use_time), sum(l0), sum(l1), sum(l2), sum(l3), sum(l4), n.name"
    " FROM (%s) p LEFT JOIN names n ON n.kind = %d AND n.id = p.k"
    " WHERE type IN (2, 5) GROUP BY p.k"
    " ORDER BY %s DESC, p.k LIMIT %d",
    parts, kind, order, top_n > 0 ? (int) top_n : -1);
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    return set_sqlite_error (db, error, "query"), FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      NdFactsRank *r = g_new0 (NdFactsRank, 1);
      const char *name = (const char *) sqlite3_column_text (st, 11);

      if (rollups[rollup].text_key)
        {
          r->key = g_strdup ((const char *) sqlite3_column_text (st, 0));
          r->name = g_strdup (r->key);
        }
      else
        {
          r->id = sqlite3_column_int64 (st, 0);
          r->key = g_strdup_printf ("%" G_GINT64_FORMAT, r->id);
          if (name != NULL && *name != '\0')
            r->name = g_strdup (name);
          else if (r->id == 0)
            r->name = g_strdup (_("(none)"));
          else
            r->name = g_strdup_printf ("#%" G_GINT64_FORMAT, r->id);
        }
      r->requests = sqlite3_column_int64 (st, 1);
      r->errors = sqlite3_column_int64 (st, 2);
      r->quota = sqlite3_column_int64 (st, 3);
      r->tokens = sqlite3_column_int64 (st, 4);
      r->use_time = sqlite3_column_int64 (st, 5);
      for (int i = 0; i < ND_FACTS_N_LAT; i++)
        r->latency[i] = sqlite3_column_int64 (st, 6 + i);
      r->p50 = nd_facts_latency_percentile (r->latency, 0.50);
      r->p95 = nd_facts_latency_percentile (r->latency, 0.95);
      g_ptr_array_add (out, r);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (db, error, "query"), FALSE;
  return TRUE;
}

static gint64
bucket_floor (gint64 t, gint64 bucket, gint64 shift)
{
  gint64 x = t + shift;

  return (x - ((x % bucket) + bucket) % bucket) - shift;
}

static NdFactsReport *
run_query (sqlite3 *db, const NdFactsRange *in, GError **error)
{
  g_autoptr(NdFactsReport) rep = report_new ();
  NdFactsOverview *ov = &rep->overview;
  gint64 now = in->now > 0 ? in->now : g_get_real_time () / G_USEC_PER_SEC;
  gint64 a = ceil_hour (in->from);
  gint64 b = ceil_hour (in->to);
  gint64 today = in->today_start > 0 ? in->today_start : local_midnight (now);
  gint64 bucket = in->bucket;
  gint64 shift = 0, minutes_end;
  int off = in->tz_offset == G_MININT ? local_offset (now) : in->tz_offset;
  g_autofree char *sql = NULL;
  g_autofree char *user_parts = NULL;
  sqlite3_stmt *st = NULL;
  int rc;

  if (b < a)
    b = a;
  ov->from = a;
  ov->to = b;
  if (bucket <= 0)
    bucket = b - a <= 48 * 3600 ? 3600 : b - a <= 92 * 86400 ? 86400 : 7 * 86400;
  if (bucket >= 86400)
    shift = off - (bucket == 7 * 86400 ? 4 * 86400 : 0);
  ov->bucket = bucket;

  /* Overview + today + trend, all from the hourly totals. */
  sql = g_strdup_printf (
    "SELECT ((t + %" G_GINT64_FORMAT ") / %" G_GINT64_FORMAT ") * %" G_GINT64_FORMAT " - %" G_GINT64_FORMAT ","
    " sum(requests), sum(requests) FILTER (WHERE type = 5),"
    " sum(quota) FILTER (WHERE type = 2), sum(prompt) FILTER (WHERE type = 2),"
    " sum(completion) FILTER (WHERE type = 2)"
    " FROM r_total_h WHERE t >= %" G_GINT64_FORMAT " AND t < %" G_GINT64_FORMAT
    " AND type IN (2, 5) GROUP BY 1 ORDER BY 1",
    shift, bucket, bucket, shift, a, b);
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    return set_sqlite_error (db, error, "query"), NULL;
  {
    gint64 first = bucket_floor (a, bucket, shift);
    g_autoptr(GHashTable) by_start = g_hash_table_new (g_int64_hash, g_int64_equal);

    for (gint64 s = first; s < b; s += bucket)
      {
        NdFactsPoint p = { s, 0, 0, 0, 0 };

        g_array_append_val (rep->trend, p);
      }
    for (guint i = 0; i < rep->trend->len; i++)
      {
        NdFactsPoint *p = &g_array_index (rep->trend, NdFactsPoint, i);

        g_hash_table_insert (by_start, &p->start, p);
      }
    while ((rc = sqlite3_step (st)) == SQLITE_ROW)
      {
        gint64 s = sqlite3_column_int64 (st, 0);
        NdFactsPoint *p = g_hash_table_lookup (by_start, &s);

        ov->requests += sqlite3_column_int64 (st, 1);
        ov->errors += sqlite3_column_int64 (st, 2);
        ov->quota += sqlite3_column_int64 (st, 3);
        ov->prompt_tokens += sqlite3_column_int64 (st, 4);
        ov->completion_tokens += sqlite3_column_int64 (st, 5);
        if (p != NULL)
          {
            p->requests += sqlite3_column_int64 (st, 1);
            p->errors += sqlite3_column_int64 (st, 2);
            p->quota += sqlite3_column_int64 (st, 3);
            p->tokens += sqlite3_column_int64 (st, 4) + sqlite3_column_int64 (st, 5);
          }
      }
    sqlite3_finalize (st);
    if (rc != SQLITE_DONE)
      return set_sqlite_error (db, error, "query"), NULL;
  }
  ov->success_rate = ov->requests > 0 ? (double) (ov->requests - ov->errors) / ov->requests : 1.0;
  minutes_end = MIN (b, MAX (now, a));
  if (minutes_end > a)
    {
      double minutes = (minutes_end - a) / 60.0;

      ov->avg_rpm = ov->requests / minutes;
      ov->avg_tpm = (ov->prompt_tokens + ov->completion_tokens) / minutes;
    }

  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT sum(requests), sum(quota) FILTER (WHERE type = 2) FROM r_total_h"
                         " WHERE t >= %" G_GINT64_FORMAT " AND type IN (2, 5)", today - today % 3600);
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    return set_sqlite_error (db, error, "query"), NULL;
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      ov->today_requests = sqlite3_column_int64 (st, 0);
      ov->today_quota = sqlite3_column_int64 (st, 1);
    }
  sqlite3_finalize (st);

  if (!query_rank (db, R_MODEL, 0, a, b, in->top_n, "2", rep->models, error) ||
      !query_rank (db, R_CHANNEL, ND_FACTS_NAME_CHANNEL, a, b, in->top_n, "2", rep->channels, error) ||
      !query_rank (db, R_USER, ND_FACTS_NAME_USER, a, b, in->top_n, "4", rep->users, error) ||
      !query_rank (db, R_TOKEN, ND_FACTS_NAME_TOKEN, a, b, in->top_n, "4", rep->tokens, error))
    return NULL;

  /* Active users: a complete user ranking already lists them. */
  if (in->top_n == 0)
    {
      for (guint i = 0; i < rep->users->len; i++)
        ov->active_users += ((NdFactsRank *) g_ptr_array_index (rep->users, i))->requests > 0;
    }
  else
    {
      user_parts = parts_sql (&rollups[R_USER], a, b);
      g_clear_pointer (&sql, g_free);
      sql = g_strdup_printf ("SELECT count(DISTINCT k) FROM (%s) WHERE type IN (2, 5) AND requests > 0",
                             user_parts);
      if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
        return set_sqlite_error (db, error, "query"), NULL;
      if (sqlite3_step (st) == SQLITE_ROW)
        ov->active_users = sqlite3_column_int64 (st, 0);
      sqlite3_finalize (st);
    }

  rep->dims = meta_get (db, "dims", 0);
  rep->cursor = meta_get (db, "cursor", 0);
  rep->last_sync = meta_get (db, "last_sync", 0);
  rep->log_rows = meta_get (db, "log_rows", 0);
  return g_steal_pointer (&rep);
}

static void
query_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  QueryData *qd = data;
  GError *error = NULL;
  NdFactsReport *rep;

  if (g_task_return_error_if_cancelled (task))
    return;
  /* One read transaction: a consistent snapshot even while a sync commits. */
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  rep = run_query (db, &qd->range, &error);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  if (rep == NULL)
    return g_task_return_error (task, error);
  g_task_return_pointer (task, rep, (GDestroyNotify) nd_facts_report_unref);
}

void
nd_facts_query_async (NdFacts *self, const NdFactsRange *range, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  QueryData *qd;

  g_return_if_fail (ND_IS_FACTS (self));
  g_return_if_fail (range != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_facts_query_async);
  qd = g_new0 (QueryData, 1);
  qd->range = *range;
  facts_run (self, task, query_job, qd, g_free);
}

NdFactsReport *
nd_facts_query_finish (NdFacts *self, GAsyncResult *result, GError **error)
{
  NdFactsReport *rep;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  rep = g_task_propagate_pointer (G_TASK (result), error);
  if (rep != NULL)
    {
      self->cursor = MAX (self->cursor, rep->cursor);
      self->last_sync = MAX (self->last_sync, rep->last_sync);
    }
  return rep;
}

static void
reset_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  g_autoptr(GString) sql = g_string_new ("BEGIN; DELETE FROM facts; DELETE FROM names; DELETE FROM meta"
                                         " WHERE key <> 'schema';");
  GError *error = NULL;

  for (int r = 0; r < N_ROLLUPS; r++)
    {
      g_string_append_printf (sql, "DELETE FROM r_%s_h;", rollups[r].name);
      if (rollups[r].daily)
        g_string_append_printf (sql, "DELETE FROM r_%s_d;", rollups[r].name);
    }
  g_string_append (sql, "COMMIT;");
  if (!exec_sql (db, sql->str, &error))
    return g_task_return_error (task, error);
  g_task_return_boolean (task, TRUE);
}

void
nd_facts_reset_async (NdFacts *self, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ND_IS_FACTS (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_facts_reset_async);
  self->cursor = 0;
  self->last_sync = 0;
  facts_run (self, task, reset_job, NULL, NULL);
}

gboolean
nd_facts_reset_finish (NdFacts *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ─── ticker ───────────────────────────────────────────────────────────── */

static void
tail_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  NdLogPage *page;

  if (g_task_get_task_data (task) != NULL)
    {
      /* First poll: the newest page, turned into ascending order. */
      page = nd_source_query_logs_finish (ND_SOURCE (object), result, &error);
      if (page != NULL)
        {
          for (guint i = 0, j = page->rows->len; i + 1 < j; i++, j--)
            {
              gpointer tmp = page->rows->pdata[i];

              page->rows->pdata[i] = page->rows->pdata[j - 1];
              page->rows->pdata[j - 1] = tmp;
            }
        }
    }
  else
    page = nd_source_tail_logs_finish (ND_SOURCE (object), result, &error);
  if (page == NULL)
    return g_task_return_error (task, error);
  g_task_return_pointer (task, page, (GDestroyNotify) nd_log_page_free);
}

void
nd_facts_tail_logs_async (NdSource *source, gint64 after_id, guint limit,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(NdLogQuery) query = nd_log_query_new ();

  g_return_if_fail (ND_IS_SOURCE (source));
  task = g_task_new (source, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_facts_tail_logs_async);
  if (after_id <= 0)
    {
      g_task_set_task_data (task, GINT_TO_POINTER (1), NULL);
      nd_source_query_logs_async (source, query, NULL, limit, cancellable, tail_done,
                                  g_object_ref (task));
    }
  else
    nd_source_tail_logs_async (source, query, after_id, limit, cancellable, tail_done,
                               g_object_ref (task));
}

NdLogPage *
nd_facts_tail_logs_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
