/* test-http-facts.c — facts over the admin API: what NewAPI really answers,
 * figures equal to its quota_data, and the request budget
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under TZ=Asia/Kolkata (+05:30): local days start at 18:30 UTC, so
 * the day slices are the hours that start in them (nd-time.h).
 */
#include "config.h"

#include <string.h>

#include "nd-facts-check.h"
#include "nd-http-fx.h"
#include "nd-time.h"

/* ---- the fake answers /api/data/… as reference §3.8 says ---------------- */

static JsonNode *
get (Fx *fx, const char *path, const char *query, GError **error)
{
  NdHttpClient *client = nd_http_source_get_client (ND_HTTP_SOURCE (fx->source));
  g_autoptr(GAsyncResult) res = NULL;

  nd_http_client_get_async (client, path, query, ND_HTTP_FLAG_NONE, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_http_client_get_finish (client, res, error);
}

static void
assert_members (JsonObject *row, const char * const *allowed, const char * const *required)
{
  g_autoptr(GList) members = json_object_get_members (row);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      g_error ("unexpected member “%s”", (const char *) l->data);
  for (guint i = 0; required[i] != NULL; i++)
    g_assert_true (json_object_has_member (row, required[i]));
}

/* Sums of @sql's rows (key, count, quota, token_used) by key. */
static GHashTable *
sql_sums (Fx *fx, const char *sql)
{
  g_autoptr(PGresult) res = nd_test_pg_query (fx->pg, fx->mode->db, sql);
  GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (int i = 0; i < PQntuples (res); i++)
    {
      gint64 *v = g_new0 (gint64, 3);

      for (int c = 0; c < 3; c++)
        v[c] = g_ascii_strtoll (PQgetvalue (res, i, 1 + c), NULL, 10);
      g_hash_table_insert (map, g_strdup (PQgetvalue (res, i, 0)), v);
    }
  return map;
}

static void
test_data_endpoints (gconstpointer data)
{
  const Mode *mode = data;
  FX (mode);
  gint64 hour = ND_TEST_NOW - 5 * 86400 + 7 * 3600;
  gint64 from = hour - 6 * 3600;
  g_autofree char *q = g_strdup_printf ("start_timestamp=%" G_GINT64_FORMAT "&end_timestamp=%"
                                        G_GINT64_FORMAT, from, hour);
  g_autofree char *sql = NULL;
  g_autoptr(JsonNode) rows = NULL;
  g_autoptr(GHashTable) want = NULL;
  g_autoptr(GError) error = NULL;
  const char * const model_keys[] = { "model_name", "created_at", "count", "quota", "token_used", NULL };
  const char * const user_keys[] = { "username", "created_at", "count", "quota", "token_used", NULL };
  JsonArray *arr;
  gboolean saw_last_hour = FALSE;

  /* /api/data/: per model × hour, both ends inclusive (the end is an hour
   * start: that whole hour is in). */
  rows = get (&fx, "/api/data/", q, &error);
  g_assert_no_error (error);
  arr = json_node_get_array (rows);
  g_assert_cmpuint (json_array_get_length (arr), >, 5);
  sql = g_strdup_printf ("SELECT model_name || '@' || created_at, sum(count), sum(quota), sum(token_used)"
                         " FROM quota_data WHERE created_at >= %" G_GINT64_FORMAT " AND created_at <= %"
                         G_GINT64_FORMAT " GROUP BY 1", from, hour);
  want = sql_sums (&fx, sql);
  g_assert_cmpuint (json_array_get_length (arr), ==, g_hash_table_size (want));
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonObject *row = json_array_get_object_element (arr, i);
      g_autofree char *key = g_strdup_printf ("%s@%" G_GINT64_FORMAT,
                                              json_object_get_string_member (row, "model_name"),
                                              json_object_get_int_member (row, "created_at"));
      gint64 *v = g_hash_table_lookup (want, key);

      assert_members (row, model_keys, model_keys);
      g_assert_nonnull (v);
      g_assert_cmpint (json_object_get_int_member (row, "count"), ==, v[0]);
      g_assert_cmpint (json_object_get_int_member (row, "quota"), ==, v[1]);
      g_assert_cmpint (json_object_get_int_member (row, "token_used"), ==, v[2]);
      saw_last_hour |= json_object_get_int_member (row, "created_at") == hour;
    }
  g_assert_true (saw_last_hour);
  g_clear_pointer (&rows, json_node_unref);

  /* Without a time upstream reads 0: nothing matches. */
  rows = get (&fx, "/api/data/", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (rows)), ==, 0);
  g_clear_pointer (&rows, json_node_unref);

  rows = get (&fx, "/api/data/users", q, &error);
  g_assert_no_error (error);
  arr = json_node_get_array (rows);
  g_assert_cmpuint (json_array_get_length (arr), >, 0);
  assert_members (json_array_get_object_element (arr, 0), user_keys, user_keys);
  g_clear_pointer (&rows, json_node_unref);

  if (mode->mode == ND_FAKE_NEWAPI_OLD)
    {
      /* Before the flow API: 404. */
      rows = get (&fx, "/api/data/flow", q, &error);
      g_assert_error (error, ND_ERROR, ND_ERROR_NOT_FOUND);
    }
}

/* /api/data/flow: one row per combination over the whole range, no hour;
 * admins get no token or node; rows without a group never appear. */
static void
check_flow (Fx *fx, gboolean root)
{
  gint64 day = ND_TEST_NOW - 3 * 86400;
  g_autofree char *q = g_strdup_printf ("start_timestamp=%" G_GINT64_FORMAT "&end_timestamp=%"
                                        G_GINT64_FORMAT, day, day + 86400 - 3600);
  g_autofree char *sql = NULL;
  g_autofree char *groupless = NULL;
  g_autoptr(JsonNode) rows = NULL;
  g_autoptr(GHashTable) want = NULL;
  g_autoptr(GError) error = NULL;
  const char * const root_keys[] = { "user_id", "username", "node_name", "token_id", "token_name",
                                     "use_group", "channel_id", "channel_name", "model_name",
                                     "token_used", "count", "quota", NULL };
  const char * const admin_keys[] = { "user_id", "username", "use_group", "channel_id", "channel_name",
                                      "model_name", "token_used", "count", "quota", NULL };
  const char * const required[] = { "use_group", "channel_id", "model_name", "token_used", "count",
                                    "quota", NULL };
  JsonArray *arr;
  gboolean saw_token = FALSE;

  /* A row written before rc.14 (no group) in this very range. */
  groupless = g_strdup_printf ("INSERT INTO quota_data (user_id, username, model_name, created_at,"
                               " use_group, token_id, channel_id, node_name, token_used, count, quota)"
                               " VALUES (1, 'root', 'nd-groupless', %" G_GINT64_FORMAT
                               ", '', 0, 1, '', 5, 1, 777)", day + 3600);
  nd_test_pg_exec (fx->pg, fx->mode->db, groupless);

  rows = get (fx, "/api/data/flow", q, &error);
  g_assert_no_error (error);
  arr = json_node_get_array (rows);
  sql = g_strdup_printf ("SELECT user_id || '|' || use_group || '|' || model_name || '|' || channel_id%s,"
                         " sum(count), sum(quota), sum(token_used) FROM quota_data"
                         " WHERE use_group <> '' AND created_at >= %" G_GINT64_FORMAT
                         " AND created_at <= %" G_GINT64_FORMAT " GROUP BY 1",
                         root ? " || '|' || token_id" : "", day, day + 86400 - 3600);
  want = sql_sums (fx, sql);
  g_assert_cmpuint (json_array_get_length (arr), ==, g_hash_table_size (want));
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonObject *row = json_array_get_object_element (arr, i);
      g_autofree char *key = NULL;
      g_autofree char *token = NULL;
      gint64 *v;

      assert_members (row, root ? root_keys : admin_keys, required);
      g_assert_cmpstr (json_object_get_string_member (row, "model_name"), !=, "nd-groupless");
      /* omitempty: an absent token_id is 0. */
      token = root ? g_strdup_printf ("|%" G_GINT64_FORMAT,
                                      json_object_get_int_member_with_default (row, "token_id", 0))
                   : g_strdup ("");
      key = g_strdup_printf ("%" G_GINT64_FORMAT "|%s|%s|%" G_GINT64_FORMAT "%s",
                             json_object_get_int_member_with_default (row, "user_id", 0),
                             json_object_get_string_member (row, "use_group"),
                             json_object_get_string_member (row, "model_name"),
                             json_object_get_int_member (row, "channel_id"), token);
      v = g_hash_table_lookup (want, key);
      if (v == NULL)
        g_error ("flow row %s is not in quota_data", key);
      g_assert_cmpint (json_object_get_int_member (row, "count"), ==, v[0]);
      g_assert_cmpint (json_object_get_int_member (row, "quota"), ==, v[1]);
      /* Every row of the range has a channel: its name is there. */
      g_assert_true (json_object_has_member (row, "channel_name"));
      if (i > 0)
        g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (arr, i - 1), "quota"),
                         >=, json_object_get_int_member (row, "quota"));
      saw_token |= json_object_has_member (row, "token_id");
    }
  g_assert_true (saw_token == root);
  g_clear_pointer (&rows, json_node_unref);

  /* Refusals: HTTP 200, success=false, upstream's words. */
  {
    static const struct { const char *query, *message; } bad[] = {
      { "end_timestamp=100", "invalid start_timestamp" },
      { "start_timestamp=abc&end_timestamp=100", "invalid start_timestamp" },
      { "start_timestamp=100", "invalid end_timestamp" },
      { "start_timestamp=100&end_timestamp=-5", "invalid end_timestamp" },
      { "start_timestamp=200&end_timestamp=100", "invalid time range" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        rows = get (fx, "/api/data/flow", bad[i].query, &error);
        g_assert_null (rows);
        g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
        /* Shown verbatim (after the client's "NewAPI refused: "). */
        g_assert_true (g_str_has_suffix (error->message, bad[i].message));
        g_clear_error (&error);
      }
  }
  nd_test_pg_exec (fx->pg, fx->mode->db, "DELETE FROM quota_data WHERE model_name = 'nd-groupless'");
}

static void
test_flow (void)
{
  FX (&mode_new);
  g_autofree char *admin_token = NULL;
  gint64 admin_id;

  check_flow (&fx, TRUE);

  /* The same range as an administrator: no token, no node. */
  admin_id = nd_fake_newapi_find_user (fx.fake, 10);
  admin_token = nd_fake_newapi_dup_token (fx.fake, admin_id);
  g_clear_object (&fx.source);
  fx.source = nd_http_source_new (nd_fake_newapi_get_url (fx.fake), admin_id, admin_token, TRUE);
  check_flow (&fx, FALSE);
}

/* ---- NdFacts over HTTP equals quota_data -------------------------------- */

static gint64
sync_range (NdFacts *facts, NdSource *source, gint64 from, gint64 to)
{
  g_autoptr(GError) error = NULL;
  gint64 rows;

  nd_facts_set_range (facts, from, to);
  rows = sync_facts (facts, source, NULL, NULL, &error);
  g_assert_no_error (error);
  return rows;
}

static NdFactsReport *
query_span (NdFacts *facts, gint64 from, gint64 to, gint64 bucket)
{
  NdFactsRange r = { 0 };

  r.from = from;
  r.to = to;
  r.bucket = bucket;
  r.now = ND_TEST_NOW;
  r.tz_offset = G_MININT;
  return query (facts, &r);
}

/* A ranking equals @sql's (key, requests, quota) rows. */
static void
compare_rank (Fx *fx, GPtrArray *got, const char *sql, const char *what)
{
  g_autoptr(PGresult) res = nd_test_pg_query (fx->pg, fx->mode->db, sql);
  g_autoptr(GHashTable) want = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < PQntuples (res); i++)
    g_hash_table_insert (want, g_strdup (PQgetvalue (res, i, 0)), GINT_TO_POINTER (i + 1));
  g_test_message ("%s: %u rows", what, got->len);
  g_assert_cmpuint (got->len, ==, (guint) PQntuples (res));
  for (guint i = 0; i < got->len; i++)
    {
      NdFactsRank *r = g_ptr_array_index (got, i);
      int row = GPOINTER_TO_INT (g_hash_table_lookup (want, r->key)) - 1;

      if (row < 0)
        g_error ("%s: facts have “%s”, the database does not", what, r->key);
      g_assert_cmpint (r->requests, ==, g_ascii_strtoll (PQgetvalue (res, row, 1), NULL, 10));
      g_assert_cmpint (r->quota, ==, g_ascii_strtoll (PQgetvalue (res, row, 2), NULL, 10));
      g_assert_cmpint (r->errors, ==, g_ascii_strtoll (PQgetvalue (res, row, 3), NULL, 10));
    }
}

static void
test_facts_equal_db (gconstpointer data)
{
  const Mode *mode = data;
  FX (mode);
  Store store;
  g_autoptr(NdFacts) facts = NULL;
  g_autoptr(NdFactsReport) rep = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autofree char *sql = NULL;
  gint64 from = ND_TEST_NOW - 10 * 86400 + 5 * 3600, to = ND_TEST_NOW;
  gint64 a, b, d0, d1;
  gboolean flow = mode->mode == ND_FAKE_NEWAPI_NEW;

  store_init (&store);
  facts = nd_facts_new (store.path);
  g_assert_cmpint (sync_range (facts, fx.source, from, to), >, 0);
  rep = query_span (facts, from, to, 3600);
  a = rep->overview.from;
  b = rep->overview.to;
  d0 = rep->granularity.dims_from;
  d1 = rep->granularity.dims_to;

  /* Every hour: consume rows from quota_data, errors from the error logs. */
  sql = g_strdup_printf (
    "SELECT h, COALESCE(sum(n), 0), COALESCE(sum(q), 0), COALESCE(sum(t), 0) FROM ("
    " SELECT created_at AS h, count AS n, quota AS q, token_used AS t FROM quota_data"
    "  WHERE created_at >= %1$" G_GINT64_FORMAT " AND created_at < %2$" G_GINT64_FORMAT
    " UNION ALL SELECT created_at - created_at %% 3600, 1, 0, 0 FROM logs"
    "  WHERE type = 5 AND created_at >= %1$" G_GINT64_FORMAT " AND created_at < %2$" G_GINT64_FORMAT
    ") x GROUP BY h ORDER BY h", a, b);
  res = nd_test_pg_query (fx.pg, fx.mode->db, sql);
  {
    guint j = 0;

    g_assert_cmpuint (rep->trend->len, ==, (b - a) / 3600);
    for (guint i = 0; i < rep->trend->len; i++)
      {
        NdFactsPoint *p = &g_array_index (rep->trend, NdFactsPoint, i);

        if (j < (guint) PQntuples (res) && g_ascii_strtoll (PQgetvalue (res, j, 0), NULL, 10) == p->start)
          {
            g_assert_cmpint (p->requests, ==, g_ascii_strtoll (PQgetvalue (res, j, 1), NULL, 10));
            g_assert_cmpint (p->quota, ==, g_ascii_strtoll (PQgetvalue (res, j, 2), NULL, 10));
            g_assert_cmpint (p->tokens, ==, g_ascii_strtoll (PQgetvalue (res, j, 3), NULL, 10));
            j++;
          }
        else
          g_assert_cmpint (p->requests, ==, 0);
      }
    g_assert_cmpuint (j, ==, (guint) PQntuples (res));
  }
  g_assert_cmpint (rep->overview.errors, ==,
                   sql_scalar (&fx, "SELECT count(*) FROM logs WHERE type = 5 AND created_at >= %"
                               G_GINT64_FORMAT " AND created_at < %" G_GINT64_FORMAT, a, b));
  g_assert_cmpint (rep->overview.errors, >, 0);
  g_assert_cmpint (rep->granularity.trend, ==, 3600);
  g_assert_cmpint (rep->granularity.models, ==, 3600);
  g_assert_cmpint (rep->granularity.errors, ==, 3600);

  /* Models per hour, channels, users and tokens per local day: the days the
   * range touches (Kolkata days start at 19:00 UTC). */
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf (
    "SELECT k, sum(n), sum(q), sum(e) FROM ("
    " SELECT model_name AS k, count AS n, quota AS q, 0 AS e FROM quota_data"
    "  WHERE created_at >= %1$" G_GINT64_FORMAT " AND created_at < %2$" G_GINT64_FORMAT
    " UNION ALL SELECT model_name, 1, 0, 1 FROM logs"
    "  WHERE type = 5 AND created_at >= %1$" G_GINT64_FORMAT " AND created_at < %2$" G_GINT64_FORMAT
    ") x GROUP BY k", a, b);
  compare_rank (&fx, rep->models, sql, "models");

  g_assert_cmpint (d0, <=, a);
  g_assert_cmpint (d1, >=, b);
  g_assert_cmpint (d0 % 3600, ==, 0);
  g_assert_cmpint (nd_time_day_start (NULL, d0), ==, d0);
  if (flow)
    {
      static const struct { const char *column, *log_column, *what; } dims[] = {
        { "channel_id", "channel_id", "channels" },
        { "user_id", "user_id", "users" },
        { "token_id", "token_id", "tokens" },
      };
      GPtrArray *got[] = { rep->channels, rep->users, rep->tokens };

      g_assert_cmpint (rep->granularity.channels, ==, 86400);
      g_assert_cmpint (rep->granularity.users, ==, 86400);
      for (guint i = 0; i < G_N_ELEMENTS (dims); i++)
        {
          g_clear_pointer (&sql, g_free);
          sql = g_strdup_printf (
            "SELECT k::text, sum(n), sum(q), sum(e) FROM ("
            " SELECT %3$s AS k, count AS n, quota AS q, 0 AS e FROM quota_data WHERE use_group <> ''"
            "  AND created_at >= %1$" G_GINT64_FORMAT " AND created_at < %2$" G_GINT64_FORMAT
            " UNION ALL SELECT %4$s, 1, 0, 1 FROM logs"
            "  WHERE type = 5 AND created_at >= %1$" G_GINT64_FORMAT " AND created_at < %2$" G_GINT64_FORMAT
            ") x GROUP BY k", d0, d1, dims[i].column, dims[i].log_column);
          compare_rank (&fx, got[i], sql, dims[i].what);
        }
      g_assert_cmpint (rep->overview.active_users, ==, rep->users->len);
    }
  else
    g_assert_false (rep->dims & ND_FACTS_DIM_CHANNEL);
  g_assert_false (rep->dims & ND_FACTS_DIM_LATENCY);

  g_clear_object (&facts);
  store_clear (&store);
}

/* A 7-day range far from now costs a few dozen requests, not one window
 * per week up to today; asked again it costs nothing (its days are final),
 * and a store on another gateway's file starts over. */
static void
test_budget (gconstpointer data)
{
  const Mode *mode = data;
  FX (mode);
  Store store;
  g_autoptr(NdFacts) facts = NULL;
  g_autoptr(NdFactsReport) rep = NULL;
  NdHttpClient *client = nd_http_source_get_client (ND_HTTP_SOURCE (fx.source));
  gint64 from = ND_TEST_NOW - 7 * 86400, to = ND_TEST_NOW;
  guint before, spent;

  store_init (&store);
  facts = nd_facts_new (store.path);
  before = nd_http_client_get_n_requests (client);
  nd_fake_newapi_reset_log (fx.fake);
  sync_range (facts, fx.source, from, to);
  spent = nd_http_client_get_n_requests (client) - before;
  g_test_message ("a 7-day range %" G_GINT64_FORMAT " days back: %u requests",
                  (nd_time_now () - to) / 86400, spent);
  g_assert_cmpuint (spent, <=, 26);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/data/"), <=, 1);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/data/flow"), <=, 8);
  rep = query_span (facts, from, to, 86400);
  g_assert_cmpint (rep->overview.quota, ==,
                   sql_scalar (&fx, "SELECT COALESCE(sum(quota), 0) FROM quota_data WHERE created_at >= %"
                               G_GINT64_FORMAT " AND created_at < %" G_GINT64_FORMAT,
                               rep->overview.from, rep->overview.to));

  before = nd_http_client_get_n_requests (client);
  sync_range (facts, fx.source, from, to);
  g_assert_cmpuint (nd_http_client_get_n_requests (client) - before, ==, 0);

  /* A day already final inside a bigger range is not asked again. */
  before = nd_http_client_get_n_requests (client);
  nd_fake_newapi_reset_log (fx.fake);
  sync_range (facts, fx.source, from - 2 * 86400, to);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/data/flow"),
                    <=, mode->mode == ND_FAKE_NEWAPI_NEW ? 2 : 0);
  g_assert_cmpuint (nd_http_client_get_n_requests (client) - before, <=, 1 + 2 + 1 + 2 * 2);

  g_clear_object (&facts);
  store_clear (&store);
}

/* A day with thousands of errors costs one request for its count: no
 * request per hour. Its errors count per day. */
static void
test_many_errors (gconstpointer data)
{
  const Mode *mode = data;
  FX (mode);
  Store store;
  g_autoptr(NdFacts) facts = NULL;
  g_autoptr(NdFactsReport) rep = NULL;
  gint64 day = nd_time_day_start (NULL, ND_TEST_NOW - 200 * 86400);
  gint64 from = nd_time_day_add (NULL, day, -3), to = nd_time_day_add (NULL, day, 4);
  g_autofree char *insert = g_strdup_printf (
    "INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, quota,"
    " prompt_tokens, completion_tokens, use_time, channel_id, token_id, \"group\", other)"
    " SELECT 1, %" G_GINT64_FORMAT " + g * 30, 5, 'upstream error', 'root', 't', 'nd-flaky', 0, 0, 0,"
    " 1, 1, 0, 'default', '{}' FROM generate_series(0, 2099) g", day + 3600);

  g_autofree char *insert2 = g_strdup_printf (
    "INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, quota,"
    " prompt_tokens, completion_tokens, use_time, channel_id, token_id, \"group\", other)"
    " SELECT 1, %" G_GINT64_FORMAT " + g * 60, 5, 'upstream error', 'root', 't', 'nd-flaky2', 0, 0, 0,"
    " 1, 2, 0, 'default', '{}' FROM generate_series(0, 149) g", nd_time_day_add (NULL, day, 1) + 7200);
  NdFactsRank *model = NULL;

  nd_test_pg_exec (fx.pg, fx.mode->db, insert);
  /* The next day has 150: two pages, listed by the hour. */
  nd_test_pg_exec (fx.pg, fx.mode->db, insert2);
  store_init (&store);
  facts = nd_facts_new (store.path);
  nd_fake_newapi_reset_log (fx.fake);
  sync_range (facts, fx.source, from, to);
  g_test_message ("/api/log/ requests: %u", nd_fake_newapi_count (fx.fake, "/api/log/"));
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/log/"), <=, 1 + 7 + 1);
  /* No consumption on these days: flow would be empty, it is not asked. */
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/data/flow"), ==, 0);

  rep = query_span (facts, from, to, 86400);
  g_assert_cmpint (rep->overview.errors, ==, 2100 + 150);
  g_assert_cmpint (rep->granularity.errors, ==, 86400);
  g_assert_cmpuint (rep->trend->len, ==, 7);
  g_assert_cmpint (g_array_index (rep->trend, NdFactsPoint, 3).start, ==, day);
  g_assert_cmpint (g_array_index (rep->trend, NdFactsPoint, 3).errors, ==, 2100);
  g_assert_cmpint (g_array_index (rep->trend, NdFactsPoint, 4).errors, ==, 150);
  /* Only the listed ones have a model. */
  for (guint i = 0; i < rep->models->len; i++)
    {
      NdFactsRank *r = g_ptr_array_index (rep->models, i);

      g_assert_cmpstr (r->key, !=, "nd-flaky");
      if (g_str_equal (r->key, "nd-flaky2"))
        model = r;
    }
  g_assert_nonnull (model);
  g_assert_cmpint (model->errors, ==, 150);
  g_clear_pointer (&rep, nd_facts_report_unref);

  /* By the hour: the counted day's errors are in the overview, not in any
   * hour; the listed day's are in theirs. */
  rep = query_span (facts, from, to, 3600);
  g_assert_cmpint (rep->overview.errors, ==, 2100 + 150);
  {
    gint64 in_hours = 0;

    for (guint i = 0; i < rep->trend->len; i++)
      in_hours += g_array_index (rep->trend, NdFactsPoint, i).errors;
    g_assert_cmpint (in_hours, ==, 150);
  }

  nd_test_pg_exec (fx.pg, fx.mode->db, "DELETE FROM logs WHERE model_name IN ('nd-flaky', 'nd-flaky2')");
  g_clear_object (&facts);
  store_clear (&store);
}

/* Today is not final: every sync asks for it again and sees what NewAPI
 * flushed since. */
static void
test_today_again (gconstpointer data)
{
  const Mode *mode = data;
  FX (mode);
  Store store;
  g_autoptr(NdFacts) facts = NULL;
  gint64 now = nd_time_now (), hour = nd_time_hour (now);
  g_autofree char *insert = g_strdup_printf (
    "INSERT INTO quota_data (user_id, username, model_name, created_at, token_used, count, quota%s)"
    " VALUES (1, 'root', 'nd-live', %" G_GINT64_FORMAT ", 30, 3, 300%s)",
    mode->mode == ND_FAKE_NEWAPI_NEW ? ", use_group, token_id, channel_id, node_name" : "", hour,
    mode->mode == ND_FAKE_NEWAPI_NEW ? ", 'default', 0, 1, ''" : "");

  nd_test_pg_exec (fx.pg, fx.mode->db, insert);
  store_init (&store);
  facts = nd_facts_new (store.path);
  for (int round = 0; round < 2; round++)
    {
      g_autoptr(NdFactsReport) rep = NULL;
      NdFactsRank *live = NULL;

      nd_fake_newapi_reset_log (fx.fake);
      sync_range (facts, fx.source, hour, now + 1);
      g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/data/"), ==, 1);
      rep = query_span (facts, hour, now + 1, 3600);
      for (guint i = 0; i < rep->models->len; i++)
        if (g_str_equal (((NdFactsRank *) g_ptr_array_index (rep->models, i))->key, "nd-live"))
          live = g_ptr_array_index (rep->models, i);
      g_assert_nonnull (live);
      g_assert_cmpint (live->requests, ==, round == 0 ? 3 : 5);
      g_assert_cmpint (live->quota, ==, round == 0 ? 300 : 500);
      /* NewAPI flushes two more requests into the same hour. */
      nd_test_pg_exec (fx.pg, fx.mode->db, "UPDATE quota_data SET count = count + 2, quota = quota + 200"
                                           " WHERE model_name = 'nd-live'");
    }
  nd_test_pg_exec (fx.pg, fx.mode->db, "DELETE FROM quota_data WHERE model_name = 'nd-live'");
  g_clear_object (&facts);
  store_clear (&store);
}

/* Spellings of one address are one gateway: one facts file. */
static void
test_gateway_key (gconstpointer data)
{
  const Mode *mode = data;
  FX (mode);
  g_autofree char *url = g_strdup_printf ("%s/", nd_fake_newapi_get_url (fx.fake));
  g_autofree char *upper = g_ascii_strup (url, 7);
  g_autofree char *spelled = g_strconcat (upper, url + 7, NULL);
  g_autoptr(NdSource) other = nd_http_source_new (spelled, fx.admin_id, fx.token, TRUE);
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = nd_facts_key_for_server (fx.info);
  g_autofree char *key2 = NULL;

  info = probe (other, &error);
  g_assert_no_error (error);
  key2 = nd_facts_key_for_server (info);
  g_assert_nonnull (key);
  g_assert_true (g_str_has_prefix (key, "http-"));
  g_assert_cmpstr (key, ==, key2);
}

int
main (int argc, char **argv)
{
  /* Local days that start on the half hour. */
  g_setenv ("TZ", "Asia/Kolkata", TRUE);
  g_test_init (&argc, &argv, NULL);
  nd_http_fx_add ("data-endpoints", test_data_endpoints);
  g_test_add_func ("/http/new/flow", test_flow);
  nd_http_fx_add ("facts-equal-db", test_facts_equal_db);
  nd_http_fx_add ("budget", test_budget);
  nd_http_fx_add ("many-errors", test_many_errors);
  nd_http_fx_add ("today-again", test_today_again);
  nd_http_fx_add ("gateway-key", test_gateway_key);
  return g_test_run ();
}
