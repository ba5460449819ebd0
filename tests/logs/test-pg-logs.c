/* test-pg-logs.c — the log browser's queries and the export, on a real
 * NewAPI database (new schema, old schema, separate log database)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every expectation is a hand-written SQL query over the same fixture, so a
 * filter that matches too much, too little or in another order fails.
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "logs/nd-export.h"
#include "nd-cli.h"
#include "pg/nd-pg-source.h"
#include "nd-test.h"

#define DB "logs_new"
#define N_LOGS 12000

static char *main_dsn;

/* Names that break string-built SQL or LIKE: every one must match itself
 * and nothing else. */
static const char * const nasty[] = {
  "O'Brien \"quoted\"",
  "50%_off",
  "50x_off",          /* what LIKE '50%_off' would also match */
  "back\\slash\\",
  "x' OR '1'='1",
  "'; DROP TABLE logs; --",
  "=HYPERLINK(\"http://evil\")",
  "-1+2",
  "@SUM(A1)",
  "+cmd",
  "gpt-%",
  "gpt_4o",
  "{\"a\",\"b\"}",
};

static NdTestPg *
setup_db (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  GString *sql;

  if (pg == NULL)
    return NULL;
  if (main_dsn != NULL)
    return pg;
  main_dsn = nd_test_pg_fixture (pg, DB, "new", N_LOGS, NULL, 0);

  /* Extra rows carrying the nasty names in every text column a filter
   * reads, spread over the fixture's time range. */
  sql = g_string_new ("INSERT INTO logs (user_id, created_at, type, content, username, token_name, "
                      "model_name, quota, prompt_tokens, completion_tokens, use_time, is_stream, "
                      "channel_id, token_id, \"group\", ip, request_id, other) VALUES ");
  for (guint i = 0; i < G_N_ELEMENTS (nasty); i++)
    {
      g_autofree char *lit = NULL;
      PGconn *c = PQconnectdb (main_dsn);
      char *e = PQescapeLiteral (c, nasty[i], strlen (nasty[i]));

      lit = g_strdup (e);
      PQfreemem (e);
      PQfinish (c);
      g_string_append_printf (sql,
        "%s(7, %" G_GINT64_FORMAT ", %d, 'key sk-abcdEFGHijklMNOPqrstUVWXyz0123456789ABCDwxyz leaked', "
        "%s, %s, %s, %u, 10, 20, 3, true, 1, 1, %s, %s, %s, '{\"frt\":120}')",
        i ? ", " : "", ND_TEST_NOW - 3600 * (i + 1) - 17, i % 2 ? 5 : 2, lit, lit, lit,
        1000 + i, lit, lit, lit);
    }
  nd_test_pg_exec (pg, DB, sql->str);
  g_string_free (sql, TRUE);
  nd_test_pg_exec (pg, DB, "ANALYZE logs");
  return pg;
}

static NdSource *
open_source (const char *dsn, const char *log_dsn)
{
  NdSource *source = nd_pg_source_new (dsn, NULL, log_dsn, NULL, TRUE);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  nd_source_probe_async (source, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  info = nd_source_probe_finish (source, res, &error);
  g_assert_no_error (error);
  return source;
}

static NdLogPage *
query_page (NdSource *source, const NdLogQuery *q, const NdLogCursor *after, guint limit,
            GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_query_logs_async (source, q, after, limit, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_query_logs_finish (source, res, error);
}

/* Every row of @q, page by page; asserts strict keyset order. Returns the
 * rows (element-type NdLog). */
static GPtrArray *
browse_all (NdSource *source, const NdLogQuery *q, guint limit)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  NdLogCursor cursor = { 0 };
  gboolean first = TRUE;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NdLogPage) page = query_page (source, q, first ? NULL : &cursor, limit, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < page->rows->len; i++)
        {
          NdLog *log = g_ptr_array_index (page->rows, i);

          if (all->len > 0)
            {
              NdLog *prev = g_ptr_array_index (all, all->len - 1);

              g_assert_true (log->created_at < prev->created_at ||
                             (log->created_at == prev->created_at && log->id < prev->id));
            }
          g_ptr_array_add (all, nd_log_copy (log));
        }
      if (!page->has_more)
        break;
      g_assert_cmpuint (page->rows->len, ==, limit);
      cursor = page->next;
      first = FALSE;
    }
  return all;
}

static char *
lit (const char *s)
{
  PGconn *c = PQconnectdb (main_dsn);
  char *e = PQescapeLiteral (c, s, strlen (s));
  char *out = g_strdup (e);

  PQfreemem (e);
  PQfinish (c);
  return out;
}

static void
assert_same_ids (NdTestPg *pg, const char *db, GPtrArray *rows, const char *where)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM logs WHERE %s "
                                          "ORDER BY created_at DESC, id DESC", where);
  g_autoptr(PGresult) res = nd_test_pg_query (pg, db, sql);

  if ((guint) PQntuples (res) != rows->len)
    g_error ("%s: %u rows browsed, %d expected", where, rows->len, PQntuples (res));
  for (int i = 0; i < PQntuples (res); i++)
    g_assert_cmpint (((NdLog *) g_ptr_array_index (rows, i))->id, ==,
                     g_ascii_strtoll (PQgetvalue (res, i, 0), NULL, 10));
}

static char *
scalar_text (NdTestPg *pg, const char *sql)
{
  g_autoptr(PGresult) res = nd_test_pg_query (pg, DB, sql);

  g_assert_cmpint (PQntuples (res), >=, 1);
  return g_strdup (PQgetvalue (res, 0, 0));
}

typedef struct {
  const char *name;
  NdLogQuery *q;
  char *where;
} Case;

static NdLogQuery *
add_case (GPtrArray *cases, const char *label, char *where)
{
  Case *c = g_new0 (Case, 1);

  c->name = label;
  c->q = nd_log_query_new ();
  c->where = where;
  g_ptr_array_add (cases, c);
  return c->q;
}

static void
test_filters (void)
{
  NdTestPg *pg = setup_db ();
  g_autoptr(NdSource) source = NULL;
  g_autoptr(GPtrArray) cases = g_ptr_array_new ();
  g_autofree char *user = NULL, *token = NULL, *model1 = NULL, *model2 = NULL;
  g_autofree char *group = NULL, *ip = NULL, *reqid = NULL;
  g_autofree char *luser = NULL, *ltoken = NULL, *lm1 = NULL, *lm2 = NULL, *lgroup = NULL;
  g_autofree char *lip = NULL, *lreq = NULL;
  gint64 ch1, ch2, from, to;

  if (pg == NULL)
    return;
  source = open_source (main_dsn, NULL);

  user = scalar_text (pg, "SELECT username FROM logs WHERE type = 2 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  token = scalar_text (pg, "SELECT token_name FROM logs WHERE type = 2 AND token_name <> '' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  model1 = scalar_text (pg, "SELECT model_name FROM logs WHERE model_name <> '' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  model2 = scalar_text (pg, "SELECT model_name FROM logs WHERE model_name <> '' GROUP BY 1 ORDER BY count(*) DESC OFFSET 3 LIMIT 1");
  group = scalar_text (pg, "SELECT \"group\" FROM logs WHERE \"group\" <> 'default' AND \"group\" <> '' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  ip = scalar_text (pg, "SELECT ip FROM logs WHERE ip <> '' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  reqid = scalar_text (pg, "SELECT request_id FROM logs WHERE request_id <> '' ORDER BY id LIMIT 1 OFFSET 100");
  ch1 = nd_test_pg_scalar (pg, DB, "SELECT channel_id FROM logs WHERE channel_id > 0 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  ch2 = nd_test_pg_scalar (pg, DB, "SELECT channel_id FROM logs WHERE channel_id > 0 GROUP BY 1 ORDER BY count(*) DESC OFFSET 2 LIMIT 1");
  to = nd_test_pg_scalar (pg, DB, "SELECT percentile_disc(0.8) WITHIN GROUP (ORDER BY created_at) FROM logs");
  from = nd_test_pg_scalar (pg, DB, "SELECT percentile_disc(0.3) WITHIN GROUP (ORDER BY created_at) FROM logs");
  luser = lit (user); ltoken = lit (token); lm1 = lit (model1); lm2 = lit (model2);
  lgroup = lit (group); lip = lit (ip); lreq = lit (reqid);

#define CASE(label, ...) add_case (cases, label, g_strdup_printf (__VA_ARGS__))

  CASE ("all", "%s", "TRUE");
  CASE ("from", "created_at >= %" G_GINT64_FORMAT, from)->from = from;
  CASE ("to", "created_at < %" G_GINT64_FORMAT, to)->to = to;
  CASE ("type", "type = %d", 5)->type = 5;
  CASE ("username", "username = %s", luser)->username = g_strdup (user);
  CASE ("token", "token_name = %s", ltoken)->token_name = g_strdup (token);
  nd_log_query_add_model (CASE ("model", "model_name = %s", lm1), model1);
  {
    NdLogQuery *q = CASE ("models", "model_name IN (%s, %s)", lm1, lm2);

    nd_log_query_add_model (q, model1);
    nd_log_query_add_model (q, model2);
  }
  nd_log_query_add_channel (CASE ("channel", "channel_id = %" G_GINT64_FORMAT, ch1), ch1);
  {
    NdLogQuery *q = CASE ("channels", "channel_id IN (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
                          ch1, ch2);

    nd_log_query_add_channel (q, ch1);
    nd_log_query_add_channel (q, ch2);
  }
  CASE ("group", "\"group\" = %s", lgroup)->group = g_strdup (group);
  CASE ("ip", "ip = %s", lip)->ip = g_strdup (ip);
  CASE ("request_id", "request_id = %s", lreq)->request_id = g_strdup (reqid);
  {
    NdLogQuery *q = CASE ("combined",
                          "created_at >= %" G_GINT64_FORMAT " AND created_at < %" G_GINT64_FORMAT
                          " AND type = 2 AND model_name IN (%s, %s) AND \"group\" = %s",
                          from, to, lm1, lm2, lgroup);

    q->from = from;
    q->to = to;
    q->type = 2;
    q->group = g_strdup (group);
    nd_log_query_add_model (q, model1);
    nd_log_query_add_model (q, model2);
  }
  {
    NdLogQuery *q = CASE ("combined-user", "username = %s AND token_name = %s AND channel_id = %"
                          G_GINT64_FORMAT, luser, ltoken, ch1);

    q->username = g_strdup (user);
    q->token_name = g_strdup (token);
    nd_log_query_add_channel (q, ch1);
  }
  for (guint i = 0; i < G_N_ELEMENTS (nasty); i++)
    {
      g_autofree char *l = lit (nasty[i]);
      NdLogQuery *q;

      q = CASE ("nasty-username", "username = %s", l);
      q->username = g_strdup (nasty[i]);
      q = CASE ("nasty-token", "token_name = %s", l);
      q->token_name = g_strdup (nasty[i]);
      nd_log_query_add_model (CASE ("nasty-model", "model_name = %s", l), nasty[i]);
      q = CASE ("nasty-models", "model_name IN (%s, %s)", l, lm2);
      nd_log_query_add_model (q, nasty[i]);
      nd_log_query_add_model (q, model2);
      q = CASE ("nasty-group", "\"group\" = %s", l);
      q->group = g_strdup (nasty[i]);
      q = CASE ("nasty-ip", "ip = %s", l);
      q->ip = g_strdup (nasty[i]);
      q = CASE ("nasty-request", "request_id = %s", l);
      q->request_id = g_strdup (nasty[i]);
    }
#undef CASE

  for (guint i = 0; i < cases->len; i++)
    {
      Case *k = g_ptr_array_index (cases, i);
      g_autoptr(GPtrArray) rows = NULL;
      g_autofree char *s = nd_log_query_to_string (k->q);
      g_autoptr(NdLogQuery) back = nd_log_query_from_string (s, NULL);

      g_test_message ("case %s: %s", k->name, s);
      /* Through the string form, as the dashboard hands filters over. */
      rows = browse_all (source, back, k->q->from || k->q->type ? 997 : 499);
      assert_same_ids (pg, DB, rows, k->where);
      if (g_str_has_prefix (k->name, "nasty"))
        g_assert_cmpuint (rows->len, >=, 1);
      else if (!g_str_equal (k->name, "request_id"))
        g_assert_cmpuint (rows->len, >, 1);
    }

  /* LIKE would make "50%_off" match "50x_off" too. */
  {
    g_autoptr(NdLogQuery) q = nd_log_query_new ();
    g_autoptr(GPtrArray) rows = NULL;

    q->username = g_strdup ("50%_off");
    rows = browse_all (source, q, 50);
    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_cmpstr (((NdLog *) rows->pdata[0])->username, ==, "50%_off");
  }
  /* The table survived every SQL fragment. */
  g_assert_cmpint (nd_test_pg_scalar (pg, DB, "SELECT count(*) FROM logs"), ==,
                   N_LOGS + G_N_ELEMENTS (nasty));

  for (guint i = 0; i < cases->len; i++)
    {
      Case *k = g_ptr_array_index (cases, i);

      nd_log_query_free (k->q);
      g_free (k->where);
      g_free (k);
    }
}

static void
test_rows_decoded (void)
{
  NdTestPg *pg = setup_db ();
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(NdLogPage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  NdLog *log;

  if (pg == NULL)
    return;
  source = open_source (main_dsn, NULL);
  q->type = 2;
  page = query_page (source, q, NULL, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->rows->len, ==, 1);
  g_assert_true (page->has_more);
  log = page->rows->pdata[0];
  g_assert_cmpint (page->next.id, ==, log->id);
  g_assert_cmpint (page->next.created_at, ==, log->created_at);

  res = nd_test_pg_query (pg, DB,
    "SELECT l.id, l.created_at, l.user_id, l.token_id, l.channel_id, l.quota, l.prompt_tokens, "
    "l.completion_tokens, l.use_time, l.type, l.is_stream::int, l.username, l.token_name, "
    "l.model_name, l.\"group\", l.ip, l.request_id, l.upstream_request_id, l.content, l.other, c.name "
    "FROM logs l LEFT JOIN channels c ON c.id = l.channel_id WHERE l.type = 2 "
    "ORDER BY l.created_at DESC, l.id DESC LIMIT 1");
  g_assert_cmpint (log->id, ==, g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10));
  g_assert_cmpint (log->created_at, ==, g_ascii_strtoll (PQgetvalue (res, 0, 1), NULL, 10));
  g_assert_cmpint (log->user_id, ==, g_ascii_strtoll (PQgetvalue (res, 0, 2), NULL, 10));
  g_assert_cmpint (log->token_id, ==, g_ascii_strtoll (PQgetvalue (res, 0, 3), NULL, 10));
  g_assert_cmpint (log->channel_id, ==, g_ascii_strtoll (PQgetvalue (res, 0, 4), NULL, 10));
  g_assert_cmpint (log->quota, ==, g_ascii_strtoll (PQgetvalue (res, 0, 5), NULL, 10));
  g_assert_cmpint (log->prompt_tokens, ==, g_ascii_strtoll (PQgetvalue (res, 0, 6), NULL, 10));
  g_assert_cmpint (log->completion_tokens, ==, g_ascii_strtoll (PQgetvalue (res, 0, 7), NULL, 10));
  g_assert_cmpint (log->use_time, ==, g_ascii_strtoll (PQgetvalue (res, 0, 8), NULL, 10));
  g_assert_cmpint (log->type, ==, 2);
  g_assert_cmpint (log->is_stream, ==, atoi (PQgetvalue (res, 0, 10)));
  g_assert_cmpstr (log->username, ==, PQgetvalue (res, 0, 11));
  g_assert_cmpstr (log->token_name, ==, PQgetvalue (res, 0, 12));
  g_assert_cmpstr (log->model_name, ==, PQgetvalue (res, 0, 13));
  g_assert_cmpstr (log->group, ==, PQgetvalue (res, 0, 14));
  g_assert_cmpstr (log->ip, ==, PQgetvalue (res, 0, 15));
  g_assert_cmpstr (log->request_id, ==, PQgetvalue (res, 0, 16));
  g_assert_cmpstr (log->upstream_request_id, ==, PQgetvalue (res, 0, 17));
  g_assert_cmpstr (log->content, ==, PQgetvalue (res, 0, 18));
  g_assert_cmpstr (log->other, ==, PQgetvalue (res, 0, 19));
  /* Resolved from the channels table (the test may JOIN; the source may not). */
  g_assert_cmpstr (log->channel_name, ==, PQgetvalue (res, 0, 20));
  g_assert_nonnull (log->channel_name);
}

/* Rows written while the user pages: nothing repeats, nothing is skipped. */
static void
test_paging_with_concurrent_inserts (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  NdLogCursor cursor = { 0 };
  gint64 top;
  g_autofree char *where = NULL;
  guint pages = 0;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_fixture (pg, "logs_conc", "new", 3000, NULL, 0);
  source = open_source (dsn, NULL);
  top = nd_test_pg_scalar (pg, "logs_conc", "SELECT max(created_at) FROM logs");

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NdLogPage) page = query_page (source, q, pages ? &cursor : NULL, 173, &error);
      g_autofree char *mid = NULL;

      g_assert_no_error (error);
      for (guint i = 0; i < page->rows->len; i++)
        {
          NdLog *log = page->rows->pdata[i];

          g_assert_false (g_hash_table_contains (seen, &log->id));
          g_ptr_array_add (all, nd_log_copy (log));
          g_hash_table_add (seen, &((NdLog *) all->pdata[all->len - 1])->id);
        }
      if (!page->has_more)
        break;
      cursor = page->next;
      pages++;
      /* Newer rows arrive at the top (as NewAPI writes them) … */
      nd_test_pg_append_logs (pg, "logs_conc", NULL, 40, ND_TEST_NOW + pages * 600);
      /* … and late rows land below the reader's position and above it. */
      mid = g_strdup_printf (
        "INSERT INTO logs (user_id, created_at, type, username, model_name, quota) "
        "SELECT 1, %" G_GINT64_FORMAT " - g, 2, 'late', 'm', 1 FROM generate_series(1, 3) g; "
        "INSERT INTO logs (user_id, created_at, type, username, model_name, quota) "
        "VALUES (1, %" G_GINT64_FORMAT ", 2, 'late-above', 'm', 1)",
        cursor.created_at, cursor.created_at + 5);
      nd_test_pg_exec (pg, "logs_conc", mid);
    }
  g_assert_cmpuint (pages, >, 10);

  /* Exactly the rows at or below the reader's position when it got there:
   * everything below the first page's top, minus what was inserted above
   * the cursor after it had passed. */
  where = g_strdup_printf ("created_at <= %" G_GINT64_FORMAT " AND username <> 'late-above'", top);
  assert_same_ids (pg, "logs_conc", all, where);
  g_assert_cmpint (nd_test_pg_scalar (pg, "logs_conc", "SELECT count(*) FROM logs WHERE username = 'late'"),
                   ==, 3 * pages);
}

static void
test_old_schema_and_log_db (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *old_dsn = NULL, *main2 = NULL, *log_dsn = NULL;
  g_autoptr(NdSource) old = NULL;
  g_autoptr(NdSource) split = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(NdLogPage) page = NULL;
  g_autoptr(GError) error = NULL;
  gint64 ch;

  if (pg == NULL)
    return;
  old_dsn = nd_test_pg_fixture (pg, "logs_old", "old", 4000, NULL, 0);
  old = open_source (old_dsn, NULL);
  g_assert_true (nd_source_get_info (old)->legacy_log_index);
  rows = browse_all (old, q, 211);
  assert_same_ids (pg, "logs_old", rows, "TRUE");
  g_assert_null (((NdLog *) rows->pdata[0])->request_id);
  g_clear_pointer (&rows, g_ptr_array_unref);
  q->type = 2;
  q->from = nd_test_pg_scalar (pg, "logs_old", "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY created_at) FROM logs");
  rows = browse_all (old, q, 97);
  {
    g_autofree char *w = g_strdup_printf ("type = 2 AND created_at >= %" G_GINT64_FORMAT, q->from);

    assert_same_ids (pg, "logs_old", rows, w);
  }
  /* No request_id column before rc.6: asking for it is refused, not ignored. */
  q->request_id = g_strdup ("abc");
  page = query_page (old, q, NULL, 10, &error);
  g_assert_null (page);
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* LOG_SQL_DSN layout: logs only in the log database, names from main. */
  main2 = nd_test_pg_fixture (pg, "logs_main2", "new", 2500, "logs_logdb", 0);
  log_dsn = nd_test_pg_dsn (pg, "logs_logdb");
  split = open_source (main2, log_dsn);
  g_clear_pointer (&q, nd_log_query_free);
  q = nd_log_query_new ();
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = browse_all (split, q, 300);
  assert_same_ids (pg, "logs_logdb", rows, "TRUE");
  g_assert_cmpuint (rows->len, ==, 2500);
  ch = 0;
  for (guint i = 0; i < rows->len && ch == 0; i++)
    {
      NdLog *log = rows->pdata[i];

      if (log->channel_id > 0)
        {
          g_autofree char *sql = g_strdup_printf ("SELECT name FROM channels WHERE id = %" G_GINT64_FORMAT,
                                                  log->channel_id);
          g_autoptr(PGresult) res = nd_test_pg_query (pg, "logs_main2", sql);

          g_assert_cmpstr (log->channel_name, ==, PQgetvalue (res, 0, 0));
          ch = log->channel_id;
        }
    }
  g_assert_cmpint (ch, >, 0);
}

static void
test_tail (void)
{
  NdTestPg *pg = setup_db ();
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdLogPage) page = NULL;
  g_autoptr(GError) error = NULL;
  gint64 max_id;

  if (pg == NULL)
    return;
  source = open_source (main_dsn, NULL);
  max_id = nd_test_pg_scalar (pg, DB, "SELECT max(id) FROM logs");
  q->type = 2;
  nd_source_tail_logs_async (source, q, max_id - 50, 1000, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  page = nd_source_tail_logs_finish (source, res, &error);
  g_assert_no_error (error);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM logs WHERE type = 2 AND id > %"
                                            G_GINT64_FORMAT, max_id - 50);

    g_assert_cmpint (page->rows->len, ==, nd_test_pg_scalar (pg, DB, sql));
  }
  for (guint i = 1; i < page->rows->len; i++)
    g_assert_cmpint (((NdLog *) page->rows->pdata[i - 1])->id, <, ((NdLog *) page->rows->pdata[i])->id);
  g_assert_false (page->has_more);
}

static void
test_estimate_and_totals (void)
{
  NdTestPg *pg = setup_db ();
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  NdLogEstimate est;
  NdLogTotals totals;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  gint64 total;

  if (pg == NULL)
    return;
  source = open_source (main_dsn, NULL);
  total = nd_test_pg_scalar (pg, DB, "SELECT count(*) FROM logs");

  /* Big result: the planner's estimate, not a count, but close. */
  {
    g_autoptr(GAsyncResult) r = NULL;

    nd_source_estimate_logs_async (source, q, NULL, nd_test_store_result, &r);
    nd_test_wait (&r);
    g_assert_true (nd_source_estimate_logs_finish (source, r, &est, &error));
    g_assert_no_error (error);
    g_assert_false (est.exact);
    g_assert_cmpint (est.rows, >, total / 2);
    g_assert_cmpint (est.rows, <, total * 2);
  }
  /* Small result: exact. */
  q->type = 5;
  {
    g_autoptr(GAsyncResult) r = NULL;

    nd_source_estimate_logs_async (source, q, NULL, nd_test_store_result, &r);
    nd_test_wait (&r);
    g_assert_true (nd_source_estimate_logs_finish (source, r, &est, &error));
    g_assert_true (est.exact);
    g_assert_cmpint (est.rows, ==, nd_test_pg_scalar (pg, DB, "SELECT count(*) FROM logs WHERE type = 5"));
  }

  q->type = 0;
  q->from = ND_TEST_NOW - 7 * 86400;
  {
    g_autoptr(GAsyncResult) r = NULL;

    nd_source_log_totals_async (source, q, NULL, nd_test_store_result, &r);
    nd_test_wait (&r);
    g_assert_true (nd_source_log_totals_finish (source, r, &totals, &error));
    g_assert_no_error (error);
  }
  res = nd_test_pg_query (pg, DB,
    "SELECT sum(quota) FILTER (WHERE type = 2), sum(prompt_tokens) FILTER (WHERE type = 2), "
    "sum(completion_tokens) FILTER (WHERE type = 2), count(*) FILTER (WHERE type IN (2, 5)) "
    "FROM logs WHERE created_at >= 1766620800");
  g_assert_cmpint (totals.quota, ==, g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10));
  g_assert_cmpint (totals.prompt_tokens, ==, g_ascii_strtoll (PQgetvalue (res, 0, 1), NULL, 10));
  g_assert_cmpint (totals.completion_tokens, ==, g_ascii_strtoll (PQgetvalue (res, 0, 2), NULL, 10));
  g_assert_cmpint (totals.requests, ==, g_ascii_strtoll (PQgetvalue (res, 0, 3), NULL, 10));
  g_assert_cmpint (totals.quota, >, 0);
}

/* ---- export ------------------------------------------------------------ */

/* RFC 4180 reader for the test. */
static GPtrArray *
parse_csv (const char *text, gsize len)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *cell = g_string_new (NULL);
  gsize i = 0;

  while (i < len)
    {
      char c = text[i];

      if (c == '"' && cell->len == 0)
        {
          i++;
          while (i < len)
            {
              if (text[i] == '"' && i + 1 < len && text[i + 1] == '"')
                g_string_append_c (cell, '"'), i += 2;
              else if (text[i] == '"')
                {
                  i++;
                  break;
                }
              else
                g_string_append_c (cell, text[i++]);
            }
          continue;
        }
      if (c == ',')
        {
          g_ptr_array_add (row, g_strdup (cell->str));
          g_string_truncate (cell, 0);
        }
      else if (c == '\r' && i + 1 < len && text[i + 1] == '\n')
        {
          g_ptr_array_add (row, g_strdup (cell->str));
          g_string_truncate (cell, 0);
          g_ptr_array_add (rows, row);
          row = g_ptr_array_new_with_free_func (g_free);
          i++;
        }
      else
        g_string_append_c (cell, c);
      i++;
    }
  g_assert_cmpuint (row->len, ==, 0);
  g_ptr_array_unref (row);
  g_string_free (cell, TRUE);
  return rows;
}

static gint64
export_to (NdSource *source, const NdLogQuery *q, const char *path, NdExportFormat format,
           gboolean bom, GError **error)
{
  g_autoptr(NdExportWriter) w = nd_export_writer_new (path, format, bom, error);
  g_autoptr(GAsyncResult) res = NULL;
  gint64 n;

  if (w == NULL)
    return -1;
  nd_source_export_logs_async (source, q, nd_export_writer_write, w, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  n = nd_source_export_logs_finish (source, res, error);
  if (n < 0 || (error && *error))
    return -1;
  if (!nd_export_writer_finish (w, error))
    return -1;
  g_assert_cmpint (nd_export_writer_get_rows (w), ==, n);
  return n;
}

static const char *
col (GPtrArray *row, GPtrArray *header, const char *name)
{
  for (guint i = 0; i < header->len; i++)
    if (g_str_equal (header->pdata[i], name))
      return row->pdata[i];
  g_error ("no column %s", name);
  return NULL;
}

static void
assert_cell (const char *cell, const char *text)
{
  /* Text that a spreadsheet would run starts with an apostrophe. */
  if (text != NULL && strchr ("=+-@", text[0]) != NULL && text[0] != '\0')
    {
      g_assert_cmpint (cell[0], ==, '\'');
      g_assert_cmpstr (cell + 1, ==, text);
    }
  else
    g_assert_cmpstr (cell, ==, text ? text : "");
}

static void
test_export_equals_browse (void)
{
  NdTestPg *pg = setup_db ();
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) csv = NULL;
  g_autofree char *dir = NULL, *csv_path = NULL, *jsonl_path = NULL, *text = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  GPtrArray *header;

  if (pg == NULL)
    return;
  source = open_source (main_dsn, NULL);
  dir = g_dir_make_tmp ("nd-export-XXXXXX", &error);
  g_assert_no_error (error);
  csv_path = g_build_filename (dir, "logs.csv", NULL);
  jsonl_path = g_build_filename (dir, "logs.jsonl", NULL);

  /* A filter that includes the nasty rows (type 2 and 5 in range). */
  q->from = ND_TEST_NOW - 20 * 86400;
  rows = browse_all (source, q, 500);
  g_assert_cmpuint (rows->len, >, 1000);

  g_assert_cmpint (export_to (source, q, csv_path, ND_EXPORT_CSV, TRUE, &error), ==, rows->len);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &text, &len, NULL));
  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF" "id,created_at,"));
  g_assert_null (strstr (text, "sk-abcdEFGHijklMNOPqrstUVWXyz0123456789ABCDwxyz"));
  g_assert_nonnull (strstr (text, "sk-abcd***wxyz"));
  csv = parse_csv (text + 3, len - 3);
  g_assert_cmpuint (csv->len, ==, rows->len + 1);
  header = csv->pdata[0];
  for (guint i = 0; i < rows->len; i++)
    {
      NdLog *log = rows->pdata[i];
      GPtrArray *r = csv->pdata[i + 1];
      char buf[32];

      g_assert_cmpuint (r->len, ==, header->len);
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, log->id);
      g_assert_cmpstr (col (r, header, "id"), ==, buf);
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, log->quota);
      g_assert_cmpstr (col (r, header, "quota"), ==, buf);      /* numbers stay numbers */
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, log->created_at);
      g_assert_cmpstr (col (r, header, "created_at"), ==, buf);
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, log->channel_id);
      g_assert_cmpstr (col (r, header, "channel"), ==, buf);
      assert_cell (col (r, header, "username"), log->username);
      assert_cell (col (r, header, "token_name"), log->token_name);
      assert_cell (col (r, header, "model_name"), log->model_name);
      assert_cell (col (r, header, "group"), log->group);
      assert_cell (col (r, header, "channel_name"), log->channel_name);
      assert_cell (col (r, header, "request_id"), log->request_id);
      if (log->other && !strstr (log->other, "sk-"))
        assert_cell (col (r, header, "other"), log->other);
      g_assert_cmpstr (col (r, header, "is_stream"), ==, log->is_stream ? "true" : "false");
    }

  /* JSON Lines: NewAPI's names, "channel" for channel_id. */
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (export_to (source, q, jsonl_path, ND_EXPORT_JSONL, FALSE, &error), ==, rows->len);
  g_assert_true (g_file_get_contents (jsonl_path, &text, &len, NULL));
  {
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
    g_autoptr(JsonParser) parser = json_parser_new ();

    g_assert_cmpuint (g_strv_length (lines), ==, rows->len + 1);
    g_assert_cmpstr (lines[rows->len], ==, "");
    for (guint i = 0; i < rows->len; i++)
      {
        NdLog *log = rows->pdata[i];
        JsonObject *o;

        g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
        o = json_node_get_object (json_parser_get_root (parser));
        g_assert_cmpint (json_object_get_int_member (o, "id"), ==, log->id);
        g_assert_cmpint (json_object_get_int_member (o, "channel"), ==, log->channel_id);
        g_assert_cmpint (json_object_get_int_member (o, "quota"), ==, log->quota);
        g_assert_cmpint (json_object_get_int_member (o, "created_at"), ==, log->created_at);
        g_assert_cmpstr (json_object_get_string_member (o, "username"), ==, log->username);
        g_assert_cmpstr (json_object_get_string_member (o, "model_name"), ==, log->model_name);
        g_assert_cmpstr (json_object_get_string_member (o, "group"), ==, log->group);
        g_assert_cmpint (json_object_get_boolean_member (o, "is_stream"), ==, log->is_stream);
        if (log->request_id && *log->request_id)
          g_assert_cmpstr (json_object_get_string_member (o, "request_id"), ==, log->request_id);
        else
          g_assert_false (json_object_has_member (o, "request_id"));
        if (log->content && !strstr (log->content, "sk-"))
          g_assert_cmpstr (json_object_get_string_member (o, "content"), ==, log->content);
      }
  }
  g_unlink (csv_path);
  g_unlink (jsonl_path);
  g_rmdir (dir);
}

static gboolean
fail_second_batch (GPtrArray *rows, gpointer data, GError **error)
{
  NdExportWriter *w = data;

  if (nd_export_writer_get_rows (w) > 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_FAILED, "disk full (simulated)");
      return FALSE;
    }
  return nd_export_writer_write (rows, w, error);
}

/* A failed export leaves nothing that looks like a file. */
static void
test_export_failure_leaves_nothing (void)
{
  NdTestPg *pg = setup_db ();
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autofree char *dir = NULL, *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = NULL;

  if (pg == NULL)
    return;
  source = open_source (main_dsn, NULL);
  dir = g_dir_make_tmp ("nd-export-fail-XXXXXX", &error);
  path = g_build_filename (dir, "out.csv", NULL);
  {
    NdExportWriter *w = nd_export_writer_new (path, ND_EXPORT_CSV, FALSE, &error);
    g_autoptr(GAsyncResult) res = NULL;

    g_assert_no_error (error);
    nd_source_export_logs_async (source, q, fail_second_batch, w, NULL, nd_test_store_result, &res);
    nd_test_wait (&res);
    g_assert_cmpint (nd_source_export_logs_finish (source, res, &error), <, 0);
    g_assert_error (error, ND_ERROR, ND_ERROR_FAILED);
    nd_export_writer_free (w);
  }
  d = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (d));     /* neither out.csv nor a .part file */
  /* Cancelling stops it the same way. */
  g_clear_error (&error);
  {
    NdExportWriter *w = nd_export_writer_new (path, ND_EXPORT_JSONL, FALSE, &error);
    g_autoptr(GCancellable) cancel = g_cancellable_new ();
    g_autoptr(GAsyncResult) res = NULL;

    g_cancellable_cancel (cancel);
    nd_source_export_logs_async (source, q, nd_export_writer_write, w, cancel,
                                 nd_test_store_result, &res);
    nd_test_wait (&res);
    g_assert_cmpint (nd_source_export_logs_finish (source, res, &error), <, 0);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    nd_export_writer_free (w);
  }
  g_dir_rewind (d);
  g_assert_null (g_dir_read_name (d));
  g_rmdir (dir);
}

static int
run_cli (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int status = -1;

  g_ptr_array_add (argv, (char *) "newapi-desk");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (nd_cli_dispatch (argv->len - 1, (char **) argv->pdata, &status));
  return status;
}

static void
test_cli_export (void)
{
  NdTestPg *pg = setup_db ();
  g_autofree char *dir = NULL, *out = NULL, *text = NULL, *user = NULL;
  g_autoptr(GError) error = NULL;
  gint64 expected;

  if (pg == NULL)
    return;
  dir = g_dir_make_tmp ("nd-cli-export-XXXXXX", &error);
  out = g_build_filename (dir, "logs.jsonl", NULL);
  user = scalar_text (pg, "SELECT username FROM logs WHERE type = 2 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  expected = nd_test_pg_scalar (pg, DB, "SELECT count(*) FROM logs WHERE type = 2 AND created_at >= 1766620800 "
                                        "AND created_at < 1767052800 AND username = (SELECT username FROM logs "
                                        "WHERE type = 2 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)");
  g_assert_cmpint (expected, >, 0);
  {
    const char *args[] = { "export-logs", "--dsn", main_dsn, "--type", "2", "--username", user,
                           "--from", "1766620800", "--to", "2025-12-30T00:00:00Z",
                           "--format", "jsonl", "--output", out, "--quiet", NULL };

    g_assert_cmpint (run_cli (args), ==, 0);
  }
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  {
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

    g_assert_cmpint (g_strv_length (lines) - 1, ==, expected);
    g_assert_nonnull (strstr (lines[0], "\"channel\":"));
  }
  g_unlink (out);

  /* CSV by default, with the header and the id column. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&text, g_free);
  out = g_build_filename (dir, "all.csv", NULL);
  {
    const char *args[] = { "export-logs", "--dsn", main_dsn, "--output", out, "--model", "gpt-%",
                           "--model", "gpt_4o", "-q", NULL };

    g_assert_cmpint (run_cli (args), ==, 0);
  }
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "id,created_at,"));
  {
    g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);

    g_assert_cmpint (g_strv_length (lines), ==, 4);   /* header, 2 rows, "" */
  }
  g_unlink (out);

  /* Bad usage and bad connections: distinct exit codes, no file. */
  {
    const char *bad_dsn[] = { "export-logs", "--dsn", "colour=blue", "--output", out, NULL };
    const char *no_server[] = { "export-logs", "--dsn", "postgresql://postgres@127.0.0.1:1/x",
                                "--output", out, NULL };
    const char *bad_format[] = { "export-logs", "--dsn", main_dsn, "--format", "xlsx", "--output", out, NULL };
    const char *bad_time[] = { "export-logs", "--dsn", main_dsn, "--from", "yesterday", "--output", out, NULL };
    const char *no_output[] = { "export-logs", "--dsn", main_dsn, NULL };

    g_assert_cmpint (run_cli (bad_dsn), ==, 2);
    g_assert_cmpint (run_cli (no_server), ==, 3);
    g_assert_cmpint (run_cli (bad_format), ==, 2);
    g_assert_cmpint (run_cli (bad_time), ==, 2);
    g_assert_cmpint (run_cli (no_output), ==, 2);
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  /* As main() does: the CLI converts option values from the locale. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/logs/pg/filters", test_filters);
  g_test_add_func ("/logs/pg/rows-decoded", test_rows_decoded);
  g_test_add_func ("/logs/pg/paging-concurrent-inserts", test_paging_with_concurrent_inserts);
  g_test_add_func ("/logs/pg/old-schema-and-log-db", test_old_schema_and_log_db);
  g_test_add_func ("/logs/pg/tail", test_tail);
  g_test_add_func ("/logs/pg/estimate-and-totals", test_estimate_and_totals);
  g_test_add_func ("/logs/pg/export-equals-browse", test_export_equals_browse);
  g_test_add_func ("/logs/pg/export-failure-leaves-nothing", test_export_failure_leaves_nothing);
  g_test_add_func ("/logs/pg/cli-export", test_cli_export);
  return g_test_run ();
}
