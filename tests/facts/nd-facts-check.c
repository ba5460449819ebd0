/* nd-facts-check.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "nd-facts-check.h"
#include "pg/nd-pg-source.h"

void
store_init (Store *s)
{
  g_autoptr(GError) error = NULL;

  s->dir = g_dir_make_tmp ("nd-facts-XXXXXX", &error);
  g_assert_no_error (error);
  s->path = g_build_filename (s->dir, "facts.sqlite", NULL);
}

void
store_clear (Store *s)
{
  g_autofree char *wal = g_strconcat (s->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (s->path, "-shm", NULL);

  g_unlink (s->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (s->dir);
  g_free (s->path);
  g_free (s->dir);
}

NdSource *
connect_source (const char *dsn, const char *log_dsn)
{
  g_autoptr(NdSource) source = nd_pg_source_new (dsn, NULL, log_dsn, NULL, TRUE);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  nd_source_probe_async (source, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  info = nd_source_probe_finish (source, res, &error);
  g_assert_no_error (error);
  g_assert_true (nd_server_info_has (info, ND_CAP_FACTS | ND_CAP_FACTS_CHANNEL | ND_CAP_FACTS_LATENCY));
  return g_steal_pointer (&source);
}

static void
progress_cb (gint64 done, gint64 total, gint64 rows, gpointer user_data)
{
  Progress *p = user_data;

  g_assert_cmpint (done, >=, p->last_done);
  g_assert_cmpint (done, <=, total);
  p->calls++;
  p->last_done = done;
  p->total = total;
  if (p->cancel_after_first != NULL)
    g_cancellable_cancel (p->cancel_after_first);
}

gint64
sync_facts (NdFacts *facts, NdSource *source, Progress *progress, GCancellable *cancellable,
            GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_facts_sync_async (facts, source, progress ? progress_cb : NULL, progress, cancellable,
                       nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_facts_sync_finish (facts, res, error);
}

NdFactsReport *
query (NdFacts *facts, const NdFactsRange *range)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  NdFactsReport *rep;

  nd_facts_query_async (facts, range, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  rep = nd_facts_query_finish (facts, res, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rep);
  return rep;
}

/* The ranges every comparison runs over: the presets at ND_TEST_NOW,
 * everything, and ragged custom ones (UTC and +08:00 daily buckets). */
GArray *
test_ranges (gint64 now)
{
  GArray *ranges = g_array_new (FALSE, TRUE, sizeof (NdFactsRange));
  const char *presets[] = { "24h", "7d", "30d" };
  NdFactsRange r;

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      g_assert_true (nd_facts_range_preset (&r, presets[i], now));
      r.tz_offset = i == 1 ? 8 * 3600 : 0;
      r.from -= r.from % 3600;   /* local midnight may not be UTC-aligned */
      g_array_append_val (ranges, r);
    }
  memset (&r, 0, sizeof r);
  r.from = now - 40 * 86400;
  r.to = now + 86400;
  r.now = now;
  r.tz_offset = 0;
  g_array_append_val (ranges, r);
  memset (&r, 0, sizeof r);
  r.from = now - 50 * 3600 - 1234;  /* rounds up to whole hours */
  r.to = now - 3 * 3600 + 17;
  r.now = now;
  r.tz_offset = 0;
  g_array_append_val (ranges, r);
  memset (&r, 0, sizeof r);
  r.from = now - 9 * 86400 + 5 * 3600;  /* ragged days on both ends */
  r.to = now - 2 * 86400 - 7 * 3600;
  r.now = now;
  r.tz_offset = 3 * 3600;
  r.bucket = 86400;
  g_array_append_val (ranges, r);
  return ranges;
}

typedef struct {
  gint64 requests, errors, quota, tokens;
  gint64 latency[ND_FACTS_N_LAT];
  char *name;
} Expect;

static void
expect_free (gpointer data)
{
  Expect *e = data;

  g_free (e->name);
  g_free (e);
}

/* key → Expect from SQL returning (key, requests, errors, quota, tokens,
 * l0..l4[, name]) */
static GHashTable *
expect_rows (NdTestPg *pg, const char *db, const char *sql, gboolean with_name)
{
  g_autoptr(PGresult) res = nd_test_pg_query (pg, db, sql);
  GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, expect_free);

  for (int i = 0; i < PQntuples (res); i++)
    {
      Expect *e = g_new0 (Expect, 1);

      e->requests = g_ascii_strtoll (PQgetvalue (res, i, 1), NULL, 10);
      e->errors = g_ascii_strtoll (PQgetvalue (res, i, 2), NULL, 10);
      e->quota = g_ascii_strtoll (PQgetvalue (res, i, 3), NULL, 10);
      e->tokens = g_ascii_strtoll (PQgetvalue (res, i, 4), NULL, 10);
      for (int b = 0; b < ND_FACTS_N_LAT; b++)
        e->latency[b] = g_ascii_strtoll (PQgetvalue (res, i, 5 + b), NULL, 10);
      if (with_name)
        e->name = g_strdup (PQgetvalue (res, i, 10));
      g_hash_table_insert (map, g_strdup (PQgetvalue (res, i, 0)), e);
    }
  return map;
}

static void
compare_ranking (NdTestPg *pg, const char *log_db, const char *main_db, GPtrArray *got,
                 const char *dim, gint64 a, gint64 b, const char *what)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT COALESCE(%s::text, ''), count(*), count(*) FILTER (WHERE type = 5),"
    " COALESCE(sum(quota) FILTER (WHERE type = 2), 0),"
    " COALESCE(sum(prompt_tokens + completion_tokens) FILTER (WHERE type = 2), 0),"
    " count(*) FILTER (WHERE use_time < 1), count(*) FILTER (WHERE use_time >= 1 AND use_time < 3),"
    " count(*) FILTER (WHERE use_time >= 3 AND use_time < 10),"
    " count(*) FILTER (WHERE use_time >= 10 AND use_time < 30), count(*) FILTER (WHERE use_time >= 30)"
    " FROM logs WHERE type IN (2, 5) AND created_at >= %" G_GINT64_FORMAT
    " AND created_at < %" G_GINT64_FORMAT " GROUP BY 1", dim, a, b);
  g_autoptr(GHashTable) expect = expect_rows (pg, log_db, sql, FALSE);

  g_test_message ("%s: %u rows over [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")", what,
                  g_hash_table_size (expect), a, b);
  g_assert_cmpuint (got->len, ==, g_hash_table_size (expect));
  for (guint i = 0; i < got->len; i++)
    {
      NdFactsRank *r = g_ptr_array_index (got, i);
      Expect *e = g_hash_table_lookup (expect, r->key);

      if (e == NULL)
        g_error ("%s: facts have “%s”, SQL does not", what, r->key);
      g_assert_cmpint (r->requests, ==, e->requests);
      g_assert_cmpint (r->errors, ==, e->errors);
      g_assert_cmpint (r->quota, ==, e->quota);
      g_assert_cmpint (r->tokens, ==, e->tokens);
      for (int b2 = 0; b2 < ND_FACTS_N_LAT; b2++)
        g_assert_cmpint (r->latency[b2], ==, e->latency[b2]);
      if (i > 0)
        {
          NdFactsRank *prev = g_ptr_array_index (got, i - 1);

          /* models and channels by requests, users and tokens by quota */
          if (g_str_equal (dim, "model_name") || g_str_equal (dim, "channel_id"))
            g_assert_cmpint (prev->requests, >=, r->requests);
          else
            g_assert_cmpint (prev->quota, >=, r->quota);
        }
    }

  /* Names come from the main database's snapshot. */
  if (main_db != NULL && g_str_equal (dim, "channel_id"))
    for (guint i = 0; i < got->len; i++)
      {
        NdFactsRank *r = g_ptr_array_index (got, i);
        g_autofree char *q = g_strdup_printf ("SELECT name FROM channels WHERE id = %" G_GINT64_FORMAT, r->id);
        g_autoptr(PGresult) res = nd_test_pg_query (pg, main_db, q);

        if (PQntuples (res) == 1)
          g_assert_cmpstr (r->name, ==, PQgetvalue (res, 0, 0));
      }
}

void
compare_range (NdTestPg *pg, const char *log_db, const char *main_db, NdFacts *facts,
               const NdFactsRange *range)
{
  g_autoptr(NdFactsReport) rep = query (facts, range);
  const NdFactsOverview *ov = &rep->overview;
  gint64 a = ov->from, b = ov->to;
  g_autofree char *sql = NULL;
  g_autoptr(PGresult) res = NULL;
  gint64 shift;

  g_assert_cmpint (a % 3600, ==, 0);
  g_assert_cmpint (b % 3600, ==, 0);
  g_assert_cmpint (a, >=, range->from);
  g_assert_cmpint (a, <, range->from + 3600);

  sql = g_strdup_printf (
    "SELECT count(*) FILTER (WHERE type IN (2, 5)), count(*) FILTER (WHERE type = 5),"
    " COALESCE(sum(quota) FILTER (WHERE type = 2), 0),"
    " COALESCE(sum(prompt_tokens) FILTER (WHERE type = 2), 0),"
    " COALESCE(sum(completion_tokens) FILTER (WHERE type = 2), 0),"
    " count(DISTINCT user_id) FILTER (WHERE type IN (2, 5))"
    " FROM logs WHERE created_at >= %" G_GINT64_FORMAT " AND created_at < %" G_GINT64_FORMAT, a, b);
  res = nd_test_pg_query (pg, log_db, sql);
  g_assert_cmpint (ov->requests, ==, g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10));
  g_assert_cmpint (ov->errors, ==, g_ascii_strtoll (PQgetvalue (res, 0, 1), NULL, 10));
  g_assert_cmpint (ov->quota, ==, g_ascii_strtoll (PQgetvalue (res, 0, 2), NULL, 10));
  g_assert_cmpint (ov->prompt_tokens, ==, g_ascii_strtoll (PQgetvalue (res, 0, 3), NULL, 10));
  g_assert_cmpint (ov->completion_tokens, ==, g_ascii_strtoll (PQgetvalue (res, 0, 4), NULL, 10));
  g_assert_cmpint (ov->active_users, ==, g_ascii_strtoll (PQgetvalue (res, 0, 5), NULL, 10));
  if (ov->requests > 0)
    g_assert_cmpfloat_with_epsilon (ov->success_rate,
                                    (double) (ov->requests - ov->errors) / ov->requests, 1e-12);
  g_assert_cmpint (ov->requests, >, 0);

  compare_ranking (pg, log_db, main_db, rep->models, "model_name", a, b, "models");
  compare_ranking (pg, log_db, main_db, rep->channels, "channel_id", a, b, "channels");
  compare_ranking (pg, log_db, main_db, rep->users, "user_id", a, b, "users");
  compare_ranking (pg, log_db, main_db, rep->tokens, "token_id", a, b, "tokens");

  /* Trend: every bucket of the range, zeros included. */
  shift = ov->bucket >= 86400 ? (range->tz_offset - (ov->bucket == 7 * 86400 ? 4 * 86400 : 0)) : 0;
  g_clear_pointer (&sql, g_free);
  g_clear_pointer (&res, PQclear);
  sql = g_strdup_printf (
    "SELECT ((created_at - created_at %% 3600 + %" G_GINT64_FORMAT ") / %" G_GINT64_FORMAT ") * %"
    G_GINT64_FORMAT " - %" G_GINT64_FORMAT ", count(*), count(*) FILTER (WHERE type = 5),"
    " COALESCE(sum(quota) FILTER (WHERE type = 2), 0)"
    " FROM logs WHERE type IN (2, 5) AND created_at >= %" G_GINT64_FORMAT " AND created_at < %"
    G_GINT64_FORMAT " GROUP BY 1 ORDER BY 1", shift, ov->bucket, ov->bucket, shift, a, b);
  res = nd_test_pg_query (pg, log_db, sql);
  {
    guint j = 0;
    gint64 sum = 0;

    g_assert_cmpuint (rep->trend->len, >=, (guint) PQntuples (res));
    g_assert_cmpuint (rep->trend->len, <=, (b - a) / ov->bucket + 2);
    for (guint i = 0; i < rep->trend->len; i++)
      {
        NdFactsPoint *p = &g_array_index (rep->trend, NdFactsPoint, i);

        if (i > 0)
          g_assert_cmpint (p->start, ==, g_array_index (rep->trend, NdFactsPoint, i - 1).start + ov->bucket);
        if (j < (guint) PQntuples (res) && g_ascii_strtoll (PQgetvalue (res, j, 0), NULL, 10) == p->start)
          {
            g_assert_cmpint (p->requests, ==, g_ascii_strtoll (PQgetvalue (res, j, 1), NULL, 10));
            g_assert_cmpint (p->errors, ==, g_ascii_strtoll (PQgetvalue (res, j, 2), NULL, 10));
            g_assert_cmpint (p->quota, ==, g_ascii_strtoll (PQgetvalue (res, j, 3), NULL, 10));
            j++;
          }
        else
          g_assert_cmpint (p->requests, ==, 0);
        sum += p->requests;
      }
    g_assert_cmpuint (j, ==, (guint) PQntuples (res));
    g_assert_cmpint (sum, ==, ov->requests);
  }
}

void
compare_all (NdTestPg *pg, const char *log_db, const char *main_db, NdFacts *facts)
{
  g_autoptr(GArray) ranges = test_ranges (ND_TEST_NOW);

  for (guint i = 0; i < ranges->len; i++)
    compare_range (pg, log_db, main_db, facts, &g_array_index (ranges, NdFactsRange, i));

  /* Short rankings: the top rows, and the same overview. */
  {
    NdFactsRange r = g_array_index (ranges, NdFactsRange, 2);
    g_autoptr(NdFactsReport) all = query (facts, &r);
    g_autoptr(NdFactsReport) top = NULL;

    r.top_n = 3;
    top = query (facts, &r);
    g_assert_cmpuint (top->models->len, ==, 3);
    g_assert_cmpuint (top->users->len, ==, 3);
    g_assert_cmpint (top->overview.active_users, ==, all->overview.active_users);
    g_assert_cmpint (top->overview.requests, ==, all->overview.requests);
    for (guint i = 0; i < 3; i++)
      g_assert_cmpstr (((NdFactsRank *) g_ptr_array_index (top->tokens, i))->key, ==,
                       ((NdFactsRank *) g_ptr_array_index (all->tokens, i))->key);
  }
}

void
compare_base_table (NdTestPg *pg, const char *log_db, const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GHashTable) expect = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint n = 0;

  res = nd_test_pg_query (pg, log_db,
    "SELECT created_at - created_at % 3600 || '|' || COALESCE(user_id, 0) || '|' || COALESCE(token_id, 0)"
    " || '|' || COALESCE(channel_id, 0) || '|' || COALESCE(model_name, '') || '|' || type"
    " || '|' || COALESCE(\"group\", ''),"
    " count(*) || '/' || COALESCE(sum(quota), 0) || '/' || sum(prompt_tokens) || '/'"
    " || sum(completion_tokens) || '/' || sum(use_time)"
    " FROM logs GROUP BY 1");
  for (int i = 0; i < PQntuples (res); i++)
    g_hash_table_insert (expect, g_strdup (PQgetvalue (res, i, 0)), g_strdup (PQgetvalue (res, i, 1)));

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
    "SELECT hour || '|' || user_id || '|' || token_id || '|' || channel_id || '|' || model"
    " || '|' || type || '|' || grp, requests || '/' || quota || '/' || prompt || '/' || completion"
    " || '/' || use_time FROM facts", -1, &st, NULL), ==, SQLITE_OK);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (st, 0);
      const char *want = g_hash_table_lookup (expect, key);

      if (want == NULL)
        g_error ("facts row %s has no logs", key);
      g_assert_cmpstr ((const char *) sqlite3_column_text (st, 1), ==, want);
      n++;
    }
  sqlite3_finalize (st);
  sqlite3_close (db);
  g_assert_cmpuint (n, ==, g_hash_table_size (expect));
}