/* test-facts-series.c — one channel, user, token or model over a range
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Channels page shows the usage of the selected channel from
 * nd_facts_query_series_async. Its figures and its trend must be what
 * direct SQL over `logs` gives for that key, and what the dashboard's
 * ranking row of the same key says for the same range.
 */
#include "config.h"

#include <string.h>

#include "nd-facts-check.h"

static NdFactsSeries *
series (NdFacts *facts, const NdFactsRange *range, NdFactsDims dim, const char *key, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_facts_query_series_async (facts, range, dim, key, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_facts_query_series_finish (facts, res, error);
}

/* The series of @key over @range against SQL and the report's ranking. */
static void
check_key (NdTestPg *pg, const char *db, NdFacts *facts, const NdFactsRange *range,
           NdFactsDims dim, const char *column, const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NdFactsSeries) s = series (facts, range, dim, key, &error);
  g_autoptr(NdFactsReport) rep = query (facts, range);
  g_autofree char *where = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(PGresult) res = NULL;
  GPtrArray *ranking = dim == ND_FACTS_DIM_CHANNEL ? rep->channels
                       : dim == ND_FACTS_DIM_USER ? rep->users
                       : dim == ND_FACTS_DIM_TOKEN ? rep->tokens : rep->models;
  NdFactsRank *row = NULL;
  gint64 sum = 0, sum_errors = 0, sum_quota = 0;

  g_assert_no_error (error);
  g_assert_nonnull (s);
  g_assert_cmpint (s->from, ==, rep->overview.from);
  g_assert_cmpint (s->to, ==, rep->overview.to);
  g_assert_cmpint (s->bucket, ==, rep->overview.bucket);
  g_assert_cmpint (s->granularity, ==, 3600);
  g_assert_cmpint (s->last_sync, >, 0);

  where = dim == ND_FACTS_DIM_MODEL ? g_strdup_printf ("model_name = '%s'", key)
                                    : g_strdup_printf ("%s = %s", column, key);
  sql = g_strdup_printf (
    "SELECT count(*), count(*) FILTER (WHERE type = 5),"
    " COALESCE(sum(quota) FILTER (WHERE type = 2), 0),"
    " COALESCE(sum(prompt_tokens + completion_tokens) FILTER (WHERE type = 2), 0)"
    " FROM logs WHERE type IN (2, 5) AND %s AND created_at >= %" G_GINT64_FORMAT
    " AND created_at < %" G_GINT64_FORMAT, where, s->from, s->to);
  res = nd_test_pg_query (pg, db, sql);
  g_test_message ("%s %s over [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "): %s requests",
                  column, key, s->from, s->to, PQgetvalue (res, 0, 0));
  g_assert_cmpint (s->total.requests, ==, g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10));
  g_assert_cmpint (s->total.errors, ==, g_ascii_strtoll (PQgetvalue (res, 0, 1), NULL, 10));
  g_assert_cmpint (s->total.quota, ==, g_ascii_strtoll (PQgetvalue (res, 0, 2), NULL, 10));
  g_assert_cmpint (s->total.tokens, ==, g_ascii_strtoll (PQgetvalue (res, 0, 3), NULL, 10));

  /* The same key's row in the dashboard's ranking: the same figures. */
  for (guint i = 0; i < ranking->len && row == NULL; i++)
    if (g_strcmp0 (((NdFactsRank *) g_ptr_array_index (ranking, i))->key, key) == 0)
      row = g_ptr_array_index (ranking, i);
  if (s->total.requests > 0)
    {
      g_assert_nonnull (row);
      g_assert_cmpstr (s->total.name, ==, row->name);
      g_assert_cmpint (s->total.requests, ==, row->requests);
      g_assert_cmpint (s->total.use_time, ==, row->use_time);
      for (int b = 0; b < ND_FACTS_N_LAT; b++)
        g_assert_cmpint (s->total.latency[b], ==, row->latency[b]);
      g_assert_cmpfloat (s->total.p50, ==, row->p50);
      g_assert_cmpfloat (s->total.p95, ==, row->p95);
    }
  else
    g_assert_cmpfloat (s->total.p50, ==, -1);

  /* The trend: the report's buckets, adding up to the total, and each
   * bucket equal to SQL over its hours. */
  g_assert_cmpuint (s->trend->len, ==, rep->trend->len);
  for (guint i = 0; i < s->trend->len; i++)
    {
      NdFactsPoint *p = &g_array_index (s->trend, NdFactsPoint, i);
      gint64 end = i + 1 < s->trend->len ? g_array_index (s->trend, NdFactsPoint, i + 1).start : s->to;
      g_autofree char *bsql = NULL;
      g_autoptr(PGresult) bres = NULL;

      g_assert_cmpint (p->start, ==, g_array_index (rep->trend, NdFactsPoint, i).start);
      sum += p->requests;
      sum_errors += p->errors;
      sum_quota += p->quota;
      bsql = g_strdup_printf ("SELECT count(*), count(*) FILTER (WHERE type = 5) FROM logs"
                              " WHERE type IN (2, 5) AND %s AND created_at >= %" G_GINT64_FORMAT
                              " AND created_at < %" G_GINT64_FORMAT, where,
                              MAX (p->start, s->from), end);
      bres = nd_test_pg_query (pg, db, bsql);
      g_assert_cmpint (p->requests, ==, g_ascii_strtoll (PQgetvalue (bres, 0, 0), NULL, 10));
      g_assert_cmpint (p->errors, ==, g_ascii_strtoll (PQgetvalue (bres, 0, 1), NULL, 10));
    }
  g_assert_cmpint (sum, ==, s->total.requests);
  g_assert_cmpint (sum_errors, ==, s->total.errors);
  g_assert_cmpint (sum_quota, ==, s->total.quota);
}

static void
test_series (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdFacts) facts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ranges = NULL;
  g_autofree char *busy_channel = NULL;
  g_autofree char *busy_user = NULL;
  g_autofree char *busy_token = NULL;
  g_autofree char *busy_model = NULL;
  Store store;

  if (!nd_test_require (pg != NULL, "a throwaway PostgreSQL (tests/fixtures/nd-pg)"))
    return;
  dsn = nd_test_pg_fixture (pg, "facts_series", "new", 20000, NULL, ND_TEST_NOW);
  store_init (&store);
  source = connect_source (dsn, NULL);
  facts = nd_facts_new (store.path);
  sync_facts (facts, source, NULL, NULL, &error);
  g_assert_no_error (error);

  {
    g_autoptr(PGresult) res = nd_test_pg_query (pg, "facts_series",
      "SELECT (SELECT channel_id FROM logs WHERE type = 5 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1),"
      " (SELECT user_id FROM logs WHERE type = 2 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1),"
      " (SELECT token_id FROM logs WHERE type = 2 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1),"
      " (SELECT model_name FROM logs WHERE type = 2 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)");

    busy_channel = g_strdup (PQgetvalue (res, 0, 0));
    busy_user = g_strdup (PQgetvalue (res, 0, 1));
    busy_token = g_strdup (PQgetvalue (res, 0, 2));
    busy_model = g_strdup (PQgetvalue (res, 0, 3));
  }

  ranges = test_ranges (ND_TEST_NOW);
  for (guint i = 0; i < ranges->len; i++)
    {
      const NdFactsRange *r = &g_array_index (ranges, NdFactsRange, i);

      check_key (pg, "facts_series", facts, r, ND_FACTS_DIM_CHANNEL, "channel_id", busy_channel);
      check_key (pg, "facts_series", facts, r, ND_FACTS_DIM_USER, "user_id", busy_user);
      check_key (pg, "facts_series", facts, r, ND_FACTS_DIM_TOKEN, "token_id", busy_token);
      check_key (pg, "facts_series", facts, r, ND_FACTS_DIM_MODEL, "model", busy_model);
      /* A channel nobody used: zeros, no percentiles, every bucket there. */
      check_key (pg, "facts_series", facts, r, ND_FACTS_DIM_CHANNEL, "channel_id", "987654");
    }

  /* Asking for something that is not one key of one dimension. */
  {
    NdFactsRange r;
    g_autoptr(NdFactsSeries) s = NULL;

    nd_facts_range_preset (&r, "24h", ND_TEST_NOW);
    s = series (facts, &r, ND_FACTS_DIM_CHANNEL | ND_FACTS_DIM_USER, "1", &error);
    g_assert_null (s);
    g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    s = series (facts, &r, ND_FACTS_DIM_CHANNEL, "12x", &error);
    g_assert_null (s);
    g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
  }

  g_clear_object (&facts);
  store_clear (&store);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/facts/series", test_series);
  return g_test_run ();
}
