/* nd-facts-query.c — the report queries (worker)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-facts-private.h"
#include "nd-time.h"

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

  /* query_rank leaves NULL where it moved a row to the report. */
  if (r == NULL)
    return;
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

/* ─── queries (worker) ──────────────────────────────────────────────────── */

typedef struct {
  NdFactsRange range;
  char *tz_name;                /* range.tz_name points here */
} QueryData;

static void
query_data_free (QueryData *qd)
{
  g_free (qd->tz_name);
  g_free (qd);
}

/* The parts of a rollup covering [a, b): whole UTC days from the daily
 * table (when it exists), the rest from the hourly one. */
static char *
parts_sql (const NdFactsRollup *r, gint64 a, gint64 b)
{
  gint64 d0 = nd_time_ceil (a, ND_TIME_DAY);
  gint64 d1 = nd_time_floor (b, ND_TIME_DAY);

  if (!r->daily || d0 >= d1)
    return g_strdup_printf ("SELECT * FROM r_%s_h WHERE t >= %" G_GINT64_FORMAT
                            " AND t < %" G_GINT64_FORMAT, r->name, a, b);
  return g_strdup_printf ("SELECT * FROM r_%s_d WHERE t >= %" G_GINT64_FORMAT " AND t < %" G_GINT64_FORMAT
                          " UNION ALL SELECT * FROM r_%s_h WHERE (t >= %" G_GINT64_FORMAT
                          " AND t < %" G_GINT64_FORMAT ") OR (t >= %" G_GINT64_FORMAT
                          " AND t < %" G_GINT64_FORMAT ")",
                          r->name, d0, d1, r->name, a, d0, d1, b);
}

/* Slice mode: the day slices' rows of the days [a, b) touches, keyed by
 * @column, shaped like a rollup's rows. */
static char *
slice_parts_sql (const char *column, gint64 a, gint64 b)
{
  return g_strdup_printf ("SELECT start AS t, %s AS k, type, " MEASURES " FROM slice_facts"
                          " WHERE start IN (SELECT start FROM slices WHERE start < %" G_GINT64_FORMAT
                          " AND end > %" G_GINT64_FORMAT ")", column, b, a);
}

/* Ties in either order go by key: ids numerically, model names bytewise
 * (what ORDER BY k did in SQLite). */
static int
rank_by_key (const NdFactsRank *a, const NdFactsRank *b)
{
  if (a->id != b->id)
    return a->id < b->id ? -1 : 1;
  return strcmp (a->key, b->key);
}

static int
rank_by_requests (gconstpointer pa, gconstpointer pb)
{
  const NdFactsRank *a = *(NdFactsRank **) pa, *b = *(NdFactsRank **) pb;

  if (a->requests != b->requests)
    return a->requests > b->requests ? -1 : 1;
  return rank_by_key (a, b);
}

static int
rank_by_quota (gconstpointer pa, gconstpointer pb)
{
  const NdFactsRank *a = *(NdFactsRank **) pa, *b = *(NdFactsRank **) pb;

  if (a->quota != b->quota)
    return a->quota > b->quota ? -1 : 1;
  return rank_by_key (a, b);
}

/* The display name of a ranked id: the last one the store saw. */
static void
rank_name (sqlite3_stmt *names, NdFactsRank *r)
{
  const char *name = NULL;

  sqlite3_bind_int64 (names, 2, r->id);
  if (sqlite3_step (names) == SQLITE_ROW)
    name = (const char *) sqlite3_column_text (names, 0);
  if (name != NULL && *name != '\0')
    r->name = g_strdup (name);
  else if (r->id == 0)
    r->name = g_strdup (_("(none)"));
  else
    r->name = g_strdup_printf ("#%" G_GINT64_FORMAT, r->id);
  sqlite3_reset (names);
}

/* One ranking over @parts (rows of t, k, type and the measures), summed
 * here rather than by a GROUP BY: the dashboard's 30-day rankings read
 * tens of thousands of rollup rows, and SQLite sorted them all to group
 * them. Names are looked up for the ranked rows only. @n_active gets the
 * number of keys with requests, before the cut to @top_n. */
static gboolean
query_rank (sqlite3 *db, const char *parts, gboolean text_key, NdFactsNameKind kind, guint top_n,
            gboolean by_quota, GPtrArray *out, gint64 *n_active, GError **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (rank_free);
  sqlite3_stmt *st = NULL;
  int rc;
  guint n;

  index = text_key ? g_hash_table_new (g_str_hash, g_str_equal)
                   : g_hash_table_new (g_int64_hash, g_int64_equal);
  sql = g_strdup_printf ("SELECT k, type, requests, quota, prompt + completion, use_time,"
                         " l0, l1, l2, l3, l4 FROM (%s) WHERE type IN (2, 5)", parts);
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    return _nd_facts_set_error (db, error, "query"), FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 id = text_key ? 0 : sqlite3_column_int64 (st, 0);
      const char *text = text_key ? (const char *) sqlite3_column_text (st, 0) : NULL;
      gboolean consume = sqlite3_column_int (st, 1) == 2;
      gint64 requests = sqlite3_column_int64 (st, 2);
      NdFactsRank *r = g_hash_table_lookup (index, text_key ? (gconstpointer) (text ? text : "")
                                                            : (gconstpointer) &id);

      if (r == NULL)
        {
          r = g_new0 (NdFactsRank, 1);
          r->id = id;
          r->key = text_key ? g_strdup (text ? text : "") : g_strdup_printf ("%" G_GINT64_FORMAT, id);
          g_hash_table_insert (index, text_key ? (gpointer) r->key : (gpointer) &r->id, r);
          g_ptr_array_add (all, r);
        }
      r->requests += requests;
      if (consume)
        {
          r->quota += sqlite3_column_int64 (st, 3);
          r->tokens += sqlite3_column_int64 (st, 4);
        }
      else
        r->errors += requests;
      r->use_time += sqlite3_column_int64 (st, 5);
      for (int i = 0; i < ND_FACTS_N_LAT; i++)
        r->latency[i] += sqlite3_column_int64 (st, 6 + i);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return _nd_facts_set_error (db, error, "query"), FALSE;

  if (n_active != NULL)
    {
      *n_active = 0;
      for (guint i = 0; i < all->len; i++)
        *n_active += ((NdFactsRank *) all->pdata[i])->requests > 0;
    }
  g_ptr_array_sort (all, by_quota ? rank_by_quota : rank_by_requests);
  n = top_n > 0 ? MIN (top_n, all->len) : all->len;
  if (!text_key && sqlite3_prepare_v2 (db, "SELECT name FROM names WHERE kind = ?1 AND id = ?2",
                                       -1, &st, NULL) != SQLITE_OK)
    return _nd_facts_set_error (db, error, "query"), FALSE;
  if (!text_key)
    sqlite3_bind_int (st, 1, kind);
  for (guint i = 0; i < n; i++)
    {
      NdFactsRank *r = all->pdata[i];

      if (text_key)
        r->name = g_strdup (r->key);
      else
        rank_name (st, r);
      r->p50 = nd_facts_latency_percentile (r->latency, 0.50);
      r->p95 = nd_facts_latency_percentile (r->latency, 0.95);
      all->pdata[i] = NULL;
      g_ptr_array_add (out, r);
    }
  if (!text_key)
    sqlite3_finalize (st);
  return TRUE;
}

/* Overview and trend, from the hourly totals; each hour goes to the
 * bucket holding its start. */
static gboolean
query_trend (sqlite3 *db, NdFactsReport *rep, GTimeZone *tz, gint64 a, gint64 b, GError **error)
{
  NdFactsOverview *ov = &rep->overview;
  g_autoptr(GArray) starts = _nd_facts_range_buckets (tz, a, b, ov->bucket);
  g_autofree char *sql = NULL;
  sqlite3_stmt *st = NULL;
  guint i = 0;
  int rc;

  for (guint j = 0; j < starts->len; j++)
    {
      NdFactsPoint p = { g_array_index (starts, gint64, j), 0, 0, 0, 0 };

      g_array_append_val (rep->trend, p);
    }
  sql = g_strdup_printf (
    "SELECT t, sum(requests), sum(requests) FILTER (WHERE type = 5),"
    " sum(quota) FILTER (WHERE type = 2), sum(prompt) FILTER (WHERE type = 2),"
    " sum(completion) FILTER (WHERE type = 2)"
    " FROM r_total_h WHERE t >= %" G_GINT64_FORMAT " AND t < %" G_GINT64_FORMAT
    " AND type IN (2, 5) GROUP BY t ORDER BY t", a, b);
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    return _nd_facts_set_error (db, error, "query"), FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 t = sqlite3_column_int64 (st, 0);
      NdFactsPoint *p;

      ov->requests += sqlite3_column_int64 (st, 1);
      ov->errors += sqlite3_column_int64 (st, 2);
      ov->quota += sqlite3_column_int64 (st, 3);
      ov->prompt_tokens += sqlite3_column_int64 (st, 4);
      ov->completion_tokens += sqlite3_column_int64 (st, 5);
      while (i + 1 < rep->trend->len && g_array_index (rep->trend, NdFactsPoint, i + 1).start <= t)
        i++;
      if (rep->trend->len == 0)
        continue;
      p = &g_array_index (rep->trend, NdFactsPoint, i);
      p->requests += sqlite3_column_int64 (st, 1);
      p->errors += sqlite3_column_int64 (st, 2);
      p->quota += sqlite3_column_int64 (st, 3);
      p->tokens += sqlite3_column_int64 (st, 4) + sqlite3_column_int64 (st, 5);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return _nd_facts_set_error (db, error, "query"), FALSE;
  return TRUE;
}

/* Slice mode: the span the day slices of [a, b) cover, and the errors of
 * days that had too many to list (counted, not placed in hours): in the
 * overview, in "today", and in daily or weekly trend buckets. */
static gboolean
query_day_errors (sqlite3 *db, NdFactsReport *rep, gint64 a, gint64 b, gint64 today, GError **error)
{
  NdFactsOverview *ov = &rep->overview;
  NdFactsGranularity *g = &rep->granularity;
  g_autofree char *sql = NULL;
  sqlite3_stmt *st = NULL;
  int rc;

  sql = g_strdup_printf ("SELECT start, end, errors_listed, error_count FROM slices"
                         " WHERE start < %" G_GINT64_FORMAT " AND end > %" G_GINT64_FORMAT
                         " ORDER BY start", b, a);
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    return _nd_facts_set_error (db, error, "query"), FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 start = sqlite3_column_int64 (st, 0);
      gint64 n = sqlite3_column_int64 (st, 3);
      guint i = 0;

      g->dims_from = MIN (g->dims_from, start);
      g->dims_to = MAX (g->dims_to, sqlite3_column_int64 (st, 1));
      if (sqlite3_column_int (st, 2))
        continue;
      g->errors = ND_TIME_DAY;
      ov->requests += n;
      ov->errors += n;
      if (start >= today)
        ov->today_requests += n;
      if (ov->bucket < ND_TIME_DAY || rep->trend->len == 0)
        continue;
      while (i + 1 < rep->trend->len && g_array_index (rep->trend, NdFactsPoint, i + 1).start <= start)
        i++;
      g_array_index (rep->trend, NdFactsPoint, i).requests += n;
      g_array_index (rep->trend, NdFactsPoint, i).errors += n;
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return _nd_facts_set_error (db, error, "query"), FALSE;
  return TRUE;
}

static NdFactsReport *
run_query (sqlite3 *db, const NdFactsRange *in, GError **error)
{
  g_autoptr(NdFactsReport) rep = report_new ();
  NdFactsOverview *ov = &rep->overview;
  NdFactsGranularity *g = &rep->granularity;
  g_autoptr(GTimeZone) tz = nd_facts_range_dup_zone (in);
  gint64 now = in->now > 0 ? in->now : nd_time_now ();
  gint64 a = nd_time_ceil (in->from, ND_TIME_HOUR);
  gint64 b = nd_time_ceil (in->to, ND_TIME_HOUR);
  /* The hours that start in today's local day (nd-time.h). */
  gint64 today = in->today_start > 0 ? nd_time_ceil (in->today_start, ND_TIME_HOUR)
                                     : nd_time_day_start (tz, now);
  gint64 bucket = in->bucket;
  gint64 minutes_end;
  gboolean sliced = _nd_facts_meta_get (db, "sliced", 0) != 0;
  g_autofree char *sql = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  static const struct { int rollup; const char *column; NdFactsNameKind kind; gboolean by_quota; } ranks[] = {
    { R_MODEL, "model", 0, FALSE },
    { R_CHANNEL, "channel_id", ND_FACTS_NAME_CHANNEL, FALSE },
    { R_USER, "user_id", ND_FACTS_NAME_USER, TRUE },
    { R_TOKEN, "token_id", ND_FACTS_NAME_TOKEN, TRUE },
  };
  GPtrArray *outs[] = { rep->models, rep->channels, rep->users, rep->tokens };
  sqlite3_stmt *st = NULL;

  if (b < a)
    b = a;
  ov->from = a;
  ov->to = b;
  if (bucket <= 0)
    bucket = b - a <= 48 * ND_TIME_HOUR ? ND_TIME_HOUR
             : b - a <= 92 * ND_TIME_DAY ? ND_TIME_DAY : 7 * ND_TIME_DAY;
  ov->bucket = bucket;
  g->trend = g->models = g->errors = g->channels = g->users = g->tokens = ND_TIME_HOUR;
  g->dims_from = a;
  g->dims_to = b;
  if (!query_trend (db, rep, tz, a, b, error))
    return NULL;

  sql = g_strdup_printf ("SELECT sum(requests), sum(quota) FILTER (WHERE type = 2) FROM r_total_h"
                         " WHERE t >= %" G_GINT64_FORMAT " AND type IN (2, 5)", today);
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    return _nd_facts_set_error (db, error, "query"), NULL;
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      ov->today_requests = sqlite3_column_int64 (st, 0);
      ov->today_quota = sqlite3_column_int64 (st, 1);
    }
  sqlite3_finalize (st);

  if (sliced)
    {
      g->channels = g->users = g->tokens = ND_TIME_DAY;
      if (!query_day_errors (db, rep, a, b, today, error))
        return NULL;
    }

  ov->success_rate = ov->requests > 0 ? (double) (ov->requests - ov->errors) / ov->requests : 1.0;
  minutes_end = MIN (b, MAX (now, a));
  if (minutes_end > a)
    {
      double minutes = (minutes_end - a) / 60.0;

      ov->avg_rpm = ov->requests / minutes;
      ov->avg_tpm = (ov->prompt_tokens + ov->completion_tokens) / minutes;
    }

  /* Models from the hourly facts; the other rankings from the day slices
   * when the store has them (they never come from both). */
  for (guint i = 0; i < G_N_ELEMENTS (ranks); i++)
    {
      int r = ranks[i].rollup;

      g_ptr_array_add (parts, sliced && r != R_MODEL ? slice_parts_sql (ranks[i].column, a, b)
                                                     : parts_sql (&_nd_facts_rollups[r], a, b));
      /* Active users come with the user ranking: no second pass over them. */
      if (!query_rank (db, parts->pdata[i], _nd_facts_rollups[r].text_key, ranks[i].kind,
                       in->top_n, ranks[i].by_quota, outs[i],
                       r == R_USER ? &ov->active_users : NULL, error))
        return NULL;
    }

  rep->dims = _nd_facts_meta_get (db, "dims", 0);
  rep->cursor = _nd_facts_meta_get (db, "cursor", 0);
  rep->last_sync = _nd_facts_meta_get (db, "last_sync", 0);
  rep->log_rows = _nd_facts_meta_get (db, "log_rows", 0);
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
  /* What a day-slice sync covers when no range was set (nd_facts_set_range). */
  self->query_from = range->from;
  self->query_to = range->to;
  qd = g_new0 (QueryData, 1);
  qd->range = *range;
  qd->tz_name = g_strdup (range->tz_name);
  qd->range.tz_name = qd->tz_name;
  _nd_facts_run (self, task, query_job, qd, (GDestroyNotify) query_data_free);
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


/* ─── one key over a range ──────────────────────────────────────────────── */

NdFactsSeries *
nd_facts_series_ref (NdFactsSeries *series)
{
  g_atomic_ref_count_inc (&series->ref_count);
  return series;
}

void
nd_facts_series_unref (NdFactsSeries *series)
{
  if (series == NULL || !g_atomic_ref_count_dec (&series->ref_count))
    return;
  g_free (series->total.key);
  g_free (series->total.name);
  g_array_unref (series->trend);
  g_free (series);
}

typedef struct {
  NdFactsRange range;
  NdFactsDims dimension;
  char *key;
  char *tz_name;                /* range.tz_name points here */
} SeriesData;

static void
series_data_free (gpointer data)
{
  SeriesData *sd = data;

  g_free (sd->key);
  g_free (sd->tz_name);
  g_free (sd);
}

/* The rollup, the slice_facts column and the name kind of @dimension. */
static gboolean
series_dimension (NdFactsDims dimension, int *rollup, const char **column, NdFactsNameKind *kind)
{
  switch (dimension)
    {
    case ND_FACTS_DIM_MODEL: *rollup = R_MODEL; *column = "model"; *kind = 0; return TRUE;
    case ND_FACTS_DIM_CHANNEL:
      *rollup = R_CHANNEL; *column = "channel_id"; *kind = ND_FACTS_NAME_CHANNEL; return TRUE;
    case ND_FACTS_DIM_USER: *rollup = R_USER; *column = "user_id"; *kind = ND_FACTS_NAME_USER; return TRUE;
    case ND_FACTS_DIM_TOKEN: *rollup = R_TOKEN; *column = "token_id"; *kind = ND_FACTS_NAME_TOKEN; return TRUE;
    default: return FALSE;
    }
}

static void
bind_key (sqlite3_stmt *st, gboolean text_key, const char *key, gint64 id)
{
  if (text_key)
    sqlite3_bind_text (st, 1, key, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (st, 1, id);
}

/* Adds rows of (t, requests, errors, quota, tokens) to the bucket holding
 * each t; rows must come in ascending t. */
static gboolean
series_trend (sqlite3 *db, const char *sql, gboolean text_key, const char *key, gint64 id,
              GArray *trend, GError **error)
{
  sqlite3_stmt *st = NULL;
  guint i = 0;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    return _nd_facts_set_error (db, error, "query"), FALSE;
  bind_key (st, text_key, key, id);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 t = sqlite3_column_int64 (st, 0);
      NdFactsPoint *p;

      if (trend->len == 0 || t < g_array_index (trend, NdFactsPoint, 0).start)
        continue;
      while (i + 1 < trend->len && g_array_index (trend, NdFactsPoint, i + 1).start <= t)
        i++;
      p = &g_array_index (trend, NdFactsPoint, i);
      p->requests += sqlite3_column_int64 (st, 1);
      p->errors += sqlite3_column_int64 (st, 2);
      p->quota += sqlite3_column_int64 (st, 3);
      p->tokens += sqlite3_column_int64 (st, 4);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return _nd_facts_set_error (db, error, "query"), FALSE;
  return TRUE;
}

static gboolean
series_total (sqlite3 *db, const char *parts, gboolean text_key, const char *key, gint64 id,
              NdFactsRank *r, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT sum(requests), sum(requests) FILTER (WHERE type = 5),"
    " sum(quota) FILTER (WHERE type = 2), sum(prompt + completion) FILTER (WHERE type = 2),"
    " sum(use_time), sum(l0), sum(l1), sum(l2), sum(l3), sum(l4)"
    " FROM (%s) WHERE k = ?1 AND type IN (2, 5)", parts);
  sqlite3_stmt *st = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    return _nd_facts_set_error (db, error, "query"), FALSE;
  bind_key (st, text_key, key, id);
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      r->requests = sqlite3_column_int64 (st, 0);
      r->errors = sqlite3_column_int64 (st, 1);
      r->quota = sqlite3_column_int64 (st, 2);
      r->tokens = sqlite3_column_int64 (st, 3);
      r->use_time = sqlite3_column_int64 (st, 4);
      for (int i = 0; i < ND_FACTS_N_LAT; i++)
        r->latency[i] = sqlite3_column_int64 (st, 5 + i);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_ROW)
    return _nd_facts_set_error (db, error, "query"), FALSE;
  r->p50 = nd_facts_latency_percentile (r->latency, 0.50);
  r->p95 = nd_facts_latency_percentile (r->latency, 0.95);
  return TRUE;
}

static char *
series_name (sqlite3 *db, NdFactsNameKind kind, gint64 id)
{
  sqlite3_stmt *st = NULL;
  char *name = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT name FROM names WHERE kind = ?1 AND id = ?2", -1, &st,
                          NULL) == SQLITE_OK)
    {
      sqlite3_bind_int (st, 1, kind);
      sqlite3_bind_int64 (st, 2, id);
      if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_text (st, 0) != NULL &&
          *sqlite3_column_text (st, 0) != '\0')
        name = g_strdup ((const char *) sqlite3_column_text (st, 0));
      sqlite3_finalize (st);
    }
  if (name == NULL)
    name = id == 0 ? g_strdup (_("(none)")) : g_strdup_printf ("#%" G_GINT64_FORMAT, id);
  return name;
}

/* Slice mode: the whole days the slices of [*a, *b) cover (widened). */
static void
series_slice_span (sqlite3 *db, gint64 *a, gint64 *b)
{
  g_autofree char *sql = g_strdup_printf ("SELECT min(start), max(end) FROM slices"
                                          " WHERE start < %" G_GINT64_FORMAT
                                          " AND end > %" G_GINT64_FORMAT, *b, *a);
  sqlite3_stmt *st = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    return;
  if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_type (st, 0) != SQLITE_NULL)
    {
      *a = MIN (*a, sqlite3_column_int64 (st, 0));
      *b = MAX (*b, sqlite3_column_int64 (st, 1));
    }
  sqlite3_finalize (st);
}

static NdFactsSeries *
run_series (sqlite3 *db, const SeriesData *sd, GError **error)
{
  g_autoptr(NdFactsSeries) s = g_new0 (NdFactsSeries, 1);
  g_autoptr(GTimeZone) tz = nd_facts_range_dup_zone (&sd->range);
  g_autoptr(GArray) starts = NULL;
  g_autofree char *parts = NULL;
  g_autofree char *trend_sql = NULL;
  const char *column;
  NdFactsNameKind kind;
  gboolean sliced, text_key;
  gint64 a = nd_time_ceil (sd->range.from, ND_TIME_HOUR);
  gint64 b = nd_time_ceil (sd->range.to, ND_TIME_HOUR);
  gint64 id = 0;
  int rollup;

  g_atomic_ref_count_init (&s->ref_count);
  s->trend = g_array_new (FALSE, TRUE, sizeof (NdFactsPoint));
  if (!series_dimension (sd->dimension, &rollup, &column, &kind))
    {
      g_set_error_literal (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                           _("Figures over time exist for one model, channel, user or token"));
      return NULL;
    }
  text_key = _nd_facts_rollups[rollup].text_key;
  if (!text_key)
    {
      char *end = NULL;

      id = g_ascii_strtoll (sd->key ? sd->key : "", &end, 10);
      if (sd->key == NULL || end == sd->key || *end != '\0')
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("“%s” is not an id"),
                       sd->key ? sd->key : "");
          return NULL;
        }
    }
  if (b < a)
    b = a;
  s->bucket = sd->range.bucket > 0 ? sd->range.bucket
              : b - a <= 48 * ND_TIME_HOUR ? ND_TIME_HOUR
              : b - a <= 92 * ND_TIME_DAY ? ND_TIME_DAY : 7 * ND_TIME_DAY;
  s->granularity = ND_TIME_HOUR;
  sliced = _nd_facts_meta_get (db, "sliced", 0) != 0 && rollup != R_MODEL;
  if (sliced)
    {
      /* Known per day only: whole days, in daily (or coarser) buckets. */
      s->granularity = ND_TIME_DAY;
      s->bucket = MAX (s->bucket, ND_TIME_DAY);
      series_slice_span (db, &a, &b);
      parts = slice_parts_sql (column, a, b);
      trend_sql = g_strdup_printf (
        "SELECT t, sum(requests), sum(requests) FILTER (WHERE type = 5),"
        " sum(quota) FILTER (WHERE type = 2), sum(prompt + completion) FILTER (WHERE type = 2)"
        " FROM (%s) WHERE k = ?1 AND type IN (2, 5) GROUP BY t ORDER BY t", parts);
    }
  else
    {
      parts = parts_sql (&_nd_facts_rollups[rollup], a, b);
      /* The trend from the hourly table: local days need whole hours. */
      trend_sql = g_strdup_printf (
        "SELECT t, sum(requests), sum(requests) FILTER (WHERE type = 5),"
        " sum(quota) FILTER (WHERE type = 2), sum(prompt + completion) FILTER (WHERE type = 2)"
        " FROM r_%s_h WHERE k = ?1 AND t >= %" G_GINT64_FORMAT " AND t < %" G_GINT64_FORMAT
        " AND type IN (2, 5) GROUP BY t ORDER BY t", _nd_facts_rollups[rollup].name, a, b);
    }
  s->from = a;
  s->to = b;
  starts = _nd_facts_range_buckets (tz, a, b, s->bucket);
  for (guint j = 0; j < starts->len; j++)
    {
      NdFactsPoint p = { g_array_index (starts, gint64, j), 0, 0, 0, 0 };

      g_array_append_val (s->trend, p);
    }

  s->total.id = id;
  s->total.key = text_key ? g_strdup (sd->key) : g_strdup_printf ("%" G_GINT64_FORMAT, id);
  s->total.name = text_key ? g_strdup (sd->key) : series_name (db, kind, id);
  if (!series_total (db, parts, text_key, sd->key, id, &s->total, error) ||
      !series_trend (db, trend_sql, text_key, sd->key, id, s->trend, error))
    return NULL;
  s->last_sync = _nd_facts_meta_get (db, "last_sync", 0);
  return g_steal_pointer (&s);
}

static void
series_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  NdFactsSeries *s;

  if (g_task_return_error_if_cancelled (task))
    return;
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  s = run_series (db, data, &error);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  if (s == NULL)
    return g_task_return_error (task, error);
  g_task_return_pointer (task, s, (GDestroyNotify) nd_facts_series_unref);
}

void
nd_facts_query_series_async (NdFacts *self, const NdFactsRange *range, NdFactsDims dimension,
                             const char *key, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  SeriesData *sd;

  g_return_if_fail (ND_IS_FACTS (self));
  g_return_if_fail (range != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_facts_query_series_async);
  sd = g_new0 (SeriesData, 1);
  sd->range = *range;
  sd->tz_name = g_strdup (range->tz_name);
  sd->range.tz_name = sd->tz_name;
  sd->dimension = dimension;
  sd->key = g_strdup (key);
  _nd_facts_run (self, task, series_job, sd, series_data_free);
}

NdFactsSeries *
nd_facts_query_series_finish (NdFacts *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
