/* nd-facts-commit.c — writing one pulled batch into the store
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-facts-private.h"
#include "nd-time.h"

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
  /* Keys differ in a few low bits of each part (consecutive hours, ids):
   * mixed well (splitmix64's finaliser), or the table probes long chains. */
  guint64 h = (guint64) a->t * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15) +
              (guint64) a->k * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F) + (guint64) a->type;

  h = (h ^ (h >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  h = (h ^ (h >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  h ^= h >> 31;
  if (a->ks != NULL)
    h ^= g_str_hash (a->ks);
  return (guint) h;
}

static gboolean
agg_equal (gconstpointer pa, gconstpointer pb)
{
  const Agg *a = pa, *b = pb;

  return a->t == b->t && a->k == b->k && a->type == b->type && g_strcmp0 (a->ks, b->ks) == 0;
}

/* The rollup rows of one batch: a commit sums hundreds of thousands of
 * facts into them, so the rows come from blocks rather than one malloc
 * each (the commit is the busiest thread of a first sync). */
typedef struct {
  GHashTable *index;
  GPtrArray *blocks;
  guint used;
} AggSet;

#define AGG_BLOCK 4096

static void
agg_set_init (AggSet *set)
{
  set->index = g_hash_table_new (agg_hash, agg_equal);
  set->blocks = g_ptr_array_new_with_free_func (g_free);
  set->used = AGG_BLOCK;
}

static void
agg_set_clear (AggSet *set)
{
  g_clear_pointer (&set->index, g_hash_table_unref);
  g_clear_pointer (&set->blocks, g_ptr_array_unref);
}

static void
agg_add (AggSet *set, gint64 t, gint64 k, const char *ks, const NdFact *f)
{
  Agg key = { t, k, ks, f->type, { 0 } };
  Agg *a = g_hash_table_lookup (set->index, &key);

  if (a == NULL)
    {
      if (set->used == AGG_BLOCK)
        {
          g_ptr_array_add (set->blocks, g_new (Agg, AGG_BLOCK));
          set->used = 0;
        }
      a = (Agg *) g_ptr_array_index (set->blocks, set->blocks->len - 1) + set->used++;
      *a = key;
      g_hash_table_add (set->index, a);
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
      _nd_facts_set_error (db, error, "write");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_rollup (sqlite3 *db, const char *table, gboolean text_key, AggSet *aggs, GError **error)
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
    return _nd_facts_set_error (db, error, table), FALSE;
  g_hash_table_iter_init (&iter, aggs->index);
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
  gint64 d0 = nd_time_floor (from, ND_TIME_DAY), d1 = nd_time_ceil (to, ND_TIME_DAY);

  g_string_append_printf (sql, "DELETE FROM facts WHERE hour >= %" G_GINT64_FORMAT
                          " AND hour < %" G_GINT64_FORMAT ";", from, to);
  for (int r = 0; r < N_ROLLUPS; r++)
    {
      g_string_append_printf (sql, "DELETE FROM r_%s_h WHERE t >= %" G_GINT64_FORMAT
                              " AND t < %" G_GINT64_FORMAT ";", _nd_facts_rollups[r].name, from, to);
      /* Whole days touched are rebuilt from the hourly rows afterwards. */
      if (_nd_facts_rollups[r].daily)
        g_string_append_printf (sql, "DELETE FROM r_%s_d WHERE t >= %" G_GINT64_FORMAT
                                " AND t < %" G_GINT64_FORMAT ";", _nd_facts_rollups[r].name, d0, d1);
    }
  return _nd_facts_exec (db, sql->str, error);
}

static gboolean
rebuild_days (sqlite3 *db, gint64 from, gint64 to, GError **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  gint64 d0 = nd_time_floor (from, ND_TIME_DAY), d1 = nd_time_ceil (to, ND_TIME_DAY);

  for (int r = 0; r < N_ROLLUPS; r++)
    if (_nd_facts_rollups[r].daily)
      g_string_append_printf (sql,
        "INSERT INTO r_%s_d (t, k, type, " MEASURES ") SELECT t - t %% 86400, k, type,"
        " sum(requests), sum(quota), sum(prompt), sum(completion), sum(use_time), sum(l0),"
        " sum(l1), sum(l2), sum(l3), sum(l4) FROM r_%s_h WHERE t >= %" G_GINT64_FORMAT
        " AND t < %" G_GINT64_FORMAT " GROUP BY 1, 2, 3;",
        _nd_facts_rollups[r].name, _nd_facts_rollups[r].name, d0, d1);
  return _nd_facts_exec (db, sql->str, error);
}

void
_nd_facts_commit_data_free (NdFactsCommitData *cd)
{
  nd_facts_batch_free (cd->batch);
  g_free (cd);
}

#define FACT_COLUMNS "user_id, token_id, channel_id, model, type, grp, " MEASURES
#define FACT_VALUES "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
#define FACT_KEY "user_id, token_id, channel_id, model, type, grp"

/* Binds @f to an INSERT INTO facts / slice_facts of FACT_COLUMNS after the
 * time column, which gets @t. */
static void
bind_fact (sqlite3_stmt *st, gint64 t, const NdFact *f)
{
  sqlite3_bind_int64 (st, 1, t);
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
}

typedef struct {
  const NdFactsBatch *batch;
  AggSet aggs[N_ROLLUPS][2];
} RollUp;

/* Sums the batch's facts into the rollups. Runs beside the facts' INSERTs:
 * the commit is the slowest step of a first sync, and this half of it
 * needs no SQLite. */
static gpointer
roll_up (gpointer data)
{
  RollUp *ru = data;
  AggSet (*aggs)[2] = ru->aggs;
  const NdFactsBatch *batch = ru->batch;

  for (guint i = 0; i < batch->facts->len; i++)
    {
      const NdFact *f = &g_array_index (batch->facts, NdFact, i);
      gint64 day = nd_time_floor (f->hour, ND_TIME_DAY);

      agg_add (&aggs[R_TOTAL][0], f->hour, 0, NULL, f);
      agg_add (&aggs[R_MODEL][0], f->hour, 0, f->model, f);
      agg_add (&aggs[R_CHANNEL][0], f->hour, f->channel_id, NULL, f);
      agg_add (&aggs[R_USER][0], f->hour, f->user_id, NULL, f);
      agg_add (&aggs[R_TOKEN][0], f->hour, f->token_id, NULL, f);
      if (batch->merge == ND_FACTS_MERGE_ADD)
        {
          agg_add (&aggs[R_MODEL][1], day, 0, f->model, f);
          agg_add (&aggs[R_CHANNEL][1], day, f->channel_id, NULL, f);
          agg_add (&aggs[R_USER][1], day, f->user_id, NULL, f);
          agg_add (&aggs[R_TOKEN][1], day, f->token_id, NULL, f);
        }
    }
  return NULL;
}

/* The hourly facts and their rollups. */
static gboolean
write_facts (sqlite3 *db, NdFactsBatch *batch, GError **error)
{
  RollUp ru = { batch };
  AggSet (*aggs)[2] = ru.aggs;
  GThread *summer;
  sqlite3_stmt *st = NULL;
  gboolean ok = TRUE;

  if (batch->merge == ND_FACTS_MERGE_REPLACE && batch->replace_to > batch->replace_from &&
      !delete_hours (db, batch->replace_from, batch->replace_to, error))
    return FALSE;

  for (int r = 0; r < N_ROLLUPS; r++)
    for (int d = 0; d < 2; d++)
      agg_set_init (&aggs[r][d]);
  summer = g_thread_new ("nd-facts-sum", roll_up, &ru);


  if (sqlite3_prepare_v2 (db,
        "INSERT INTO facts (hour, " FACT_COLUMNS ") VALUES (?, " FACT_VALUES ")"
        " ON CONFLICT (hour, " FACT_KEY ") DO UPDATE SET " MEASURE_ADD, -1, &st, NULL) != SQLITE_OK)
    {
      _nd_facts_set_error (db, error, "facts");
      ok = FALSE;
    }

  for (guint i = 0; ok && i < batch->facts->len; i++)
    {
      const NdFact *f = &g_array_index (batch->facts, NdFact, i);

      bind_fact (st, f->hour, f);
      ok = step_done (db, st, error);
    }
  g_clear_pointer (&st, sqlite3_finalize);
  g_thread_join (summer);

  for (int r = 0; ok && r < N_ROLLUPS; r++)
    for (int d = 0; ok && d < (_nd_facts_rollups[r].daily ? 2 : 1); d++)
      {
        g_autofree char *table = g_strdup_printf ("r_%s_%c", _nd_facts_rollups[r].name, d ? 'd' : 'h');

        ok = write_rollup (db, table, _nd_facts_rollups[r].text_key, &aggs[r][d], error);
      }
  for (int r = 0; r < N_ROLLUPS; r++)
    for (int d = 0; d < 2; d++)
      agg_set_clear (&aggs[r][d]);

  if (ok && batch->merge == ND_FACTS_MERGE_REPLACE && batch->replace_to > batch->replace_from)
    ok = rebuild_days (db, batch->replace_from, batch->replace_to, error);
  return ok;
}

/* Slice mode: each answered day replaces every stored day it overlaps
 * (the same day fetched again, or a day cut under another time zone). */
static gboolean
write_slices (sqlite3 *db, NdFactsBatch *batch, gint64 now, GError **error)
{
  sqlite3_stmt *del_facts = NULL, *del = NULL, *ins = NULL, *ins_fact = NULL;
  gboolean ok;

  ok = sqlite3_prepare_v2 (db, "DELETE FROM slice_facts WHERE start IN"
                           " (SELECT start FROM slices WHERE start < ?2 AND end > ?1)"
                           " OR (start >= ?1 AND start < ?2)", -1, &del_facts, NULL) == SQLITE_OK &&
       sqlite3_prepare_v2 (db, "DELETE FROM slices WHERE start < ?2 AND end > ?1", -1, &del,
                           NULL) == SQLITE_OK &&
       sqlite3_prepare_v2 (db, "INSERT INTO slices (start, end, fetched, final, errors_listed,"
                           " error_count) VALUES (?, ?, ?, ?, ?, ?)", -1, &ins, NULL) == SQLITE_OK &&
       sqlite3_prepare_v2 (db, "INSERT INTO slice_facts (start, " FACT_COLUMNS ")"
                           " VALUES (?, " FACT_VALUES ") ON CONFLICT (start, " FACT_KEY ")"
                           " DO UPDATE SET " MEASURE_ADD, -1, &ins_fact, NULL) == SQLITE_OK;
  if (!ok)
    _nd_facts_set_error (db, error, "slices");

  for (guint i = 0; ok && i < batch->slices->len; i++)
    {
      const NdFactsSlice *s = &g_array_index (batch->slices, NdFactsSlice, i);

      sqlite3_bind_int64 (del_facts, 1, s->start);
      sqlite3_bind_int64 (del_facts, 2, s->end);
      sqlite3_bind_int64 (del, 1, s->start);
      sqlite3_bind_int64 (del, 2, s->end);
      sqlite3_bind_int64 (ins, 1, s->start);
      sqlite3_bind_int64 (ins, 2, s->end);
      sqlite3_bind_int64 (ins, 3, now);
      sqlite3_bind_int (ins, 4, s->final);
      sqlite3_bind_int (ins, 5, s->errors_listed);
      sqlite3_bind_int64 (ins, 6, s->errors_listed ? 0 : s->error_count);
      ok = step_done (db, del_facts, error) && step_done (db, del, error) &&
           step_done (db, ins, error);
    }
  for (guint i = 0; ok && i < batch->slice_facts->len; i++)
    {
      const NdFact *f = &g_array_index (batch->slice_facts, NdFact, i);

      bind_fact (ins_fact, f->hour, f);
      ok = step_done (db, ins_fact, error);
    }
  sqlite3_finalize (del_facts);
  sqlite3_finalize (del);
  sqlite3_finalize (ins);
  sqlite3_finalize (ins_fact);
  return ok;
}

static gboolean
write_names (sqlite3 *db, NdFactsBatch *batch, gint64 now, GError **error)
{
  sqlite3_stmt *st = NULL;
  gboolean ok = TRUE;

  if (batch->names->len == 0)
    return TRUE;
  if (sqlite3_prepare_v2 (db,
        "INSERT INTO names (kind, id, name, owner_id, seen) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (kind, id) DO UPDATE SET name = excluded.name,"
        " owner_id = excluded.owner_id, seen = excluded.seen", -1, &st, NULL) != SQLITE_OK)
    return _nd_facts_set_error (db, error, "names"), FALSE;
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
  sqlite3_finalize (st);
  return ok;
}

static gboolean
commit_batch (sqlite3 *db, NdFactsBatch *batch, gint64 from_cursor, gint64 now, GError **error)
{
  gboolean sliced = batch->slices->len > 0;
  gboolean ok;

  if (!_nd_facts_exec (db, "BEGIN IMMEDIATE", error))
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
  if (batch->merge == ND_FACTS_MERGE_ADD && _nd_facts_meta_get (db, "cursor", 0) != from_cursor)
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      g_set_error_literal (error, ND_ERROR, ND_ERROR_CONFLICT,
                           _("Another sync moved the facts on"));
      return FALSE;
    }

  ok = write_facts (db, batch, error) &&
       (!sliced || write_slices (db, batch, now, error)) &&
       write_names (db, batch, now, error);

  /* Day slices are fetched again until final: the rows they cover are
   * what the hourly facts hold, not a running sum. */
  if (ok && sliced)
    ok = _nd_facts_meta_set (db, "sliced", 1, error) &&
         _nd_facts_exec (db, "INSERT INTO meta VALUES ('log_rows', (SELECT COALESCE(sum(requests), 0)"
                         " FROM r_total_h)) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         error);
  else if (ok)
    ok = _nd_facts_meta_set (db, "cursor", batch->next_cursor, error) &&
         _nd_facts_meta_set (db, "log_rows", _nd_facts_meta_get (db, "log_rows", 0) +
                             MAX (batch->rows_scanned, 0), error);
  if (ok)
    ok = _nd_facts_meta_set (db, "last_sync", now, error) &&
         _nd_facts_meta_set (db, "dims", _nd_facts_meta_get (db, "dims", 0) | batch->dims, error);
  if (ok)
    ok = _nd_facts_exec (db, "COMMIT", error);
  return ok;
}

void
_nd_facts_commit_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  NdFactsCommitData *cd = data;
  GError *error = NULL;

  /* Never skipped on cancel: the window was pulled, keep it. */
  if (!commit_batch (db, cd->batch, cd->from_cursor, cd->now, &error))
    return g_task_return_error (task, error);
  g_task_return_boolean (task, TRUE);
}
