/* test-pg-logs.c — the log browser's queries on a real NewAPI database
 * (new schema, old schema, separate log database): filters, paging, tail,
 * estimates and totals
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every expectation is a hand-written SQL query over the same fixture, so a
 * filter that matches too much, too little or in another order fails.
 */
#include "config.h"

#include <string.h>

#include "nd-pg-logs-fx.h"

#define DB FX_DB
#define N_LOGS FX_N_LOGS

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
  NdTestPg *pg = fx_setup_db ();
  g_autoptr(NdSource) source = NULL;
  g_autoptr(GPtrArray) cases = g_ptr_array_new ();
  g_autofree char *user = NULL, *token = NULL, *model1 = NULL, *model2 = NULL;
  g_autofree char *group = NULL, *ip = NULL, *reqid = NULL;
  g_autofree char *luser = NULL, *ltoken = NULL, *lm1 = NULL, *lm2 = NULL, *lgroup = NULL;
  g_autofree char *lip = NULL, *lreq = NULL;
  gint64 ch1, ch2, from, to;

  if (pg == NULL)
    return;
  source = fx_open_source (fx_main_dsn (), NULL);

  user = fx_scalar_text (pg, "SELECT username FROM logs WHERE type = 2 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  token = fx_scalar_text (pg, "SELECT token_name FROM logs WHERE type = 2 AND token_name <> '' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  model1 = fx_scalar_text (pg, "SELECT model_name FROM logs WHERE model_name <> '' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  model2 = fx_scalar_text (pg, "SELECT model_name FROM logs WHERE model_name <> '' GROUP BY 1 ORDER BY count(*) DESC OFFSET 3 LIMIT 1");
  group = fx_scalar_text (pg, "SELECT \"group\" FROM logs WHERE \"group\" <> 'default' AND \"group\" <> '' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  ip = fx_scalar_text (pg, "SELECT ip FROM logs WHERE ip <> '' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  reqid = fx_scalar_text (pg, "SELECT request_id FROM logs WHERE request_id <> '' ORDER BY id LIMIT 1 OFFSET 100");
  ch1 = nd_test_pg_scalar (pg, DB, "SELECT channel_id FROM logs WHERE channel_id > 0 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  ch2 = nd_test_pg_scalar (pg, DB, "SELECT channel_id FROM logs WHERE channel_id > 0 GROUP BY 1 ORDER BY count(*) DESC OFFSET 2 LIMIT 1");
  to = nd_test_pg_scalar (pg, DB, "SELECT percentile_disc(0.8) WITHIN GROUP (ORDER BY created_at) FROM logs");
  from = nd_test_pg_scalar (pg, DB, "SELECT percentile_disc(0.3) WITHIN GROUP (ORDER BY created_at) FROM logs");
  luser = fx_lit (user); ltoken = fx_lit (token); lm1 = fx_lit (model1); lm2 = fx_lit (model2);
  lgroup = fx_lit (group); lip = fx_lit (ip); lreq = fx_lit (reqid);

#define CASE(label, ...) add_case (cases, label, g_strdup_printf (__VA_ARGS__))

  CASE ("all", "%s", "TRUE");
  CASE ("from", "created_at >= %" G_GINT64_FORMAT, from)->from = from;
  CASE ("to", "created_at < %" G_GINT64_FORMAT, to)->to = to;
  CASE ("type", "type = %d", 5)->type = 5;
  CASE ("username", "username = %s", luser)->username = g_strdup (user);
  CASE ("token", "token_name = %s", ltoken)->token_name = g_strdup (token);
  /* Names that are prefixes of others (alice2, alice_smith…, dev2): exact,
   * as NewAPI matches them. */
  CASE ("username-prefix", "username = 'alice'")->username = g_strdup ("alice");
  CASE ("token-prefix", "token_name = 'dev'")->token_name = g_strdup ("dev");
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
  for (guint i = 0; i < FX_N_NASTY; i++)
    {
      g_autofree char *l = fx_lit (fx_nasty[i]);
      NdLogQuery *q;

      q = CASE ("nasty-username", "username = %s", l);
      q->username = g_strdup (fx_nasty[i]);
      q = CASE ("nasty-token", "token_name = %s", l);
      q->token_name = g_strdup (fx_nasty[i]);
      nd_log_query_add_model (CASE ("nasty-model", "model_name = %s", l), fx_nasty[i]);
      q = CASE ("nasty-models", "model_name IN (%s, %s)", l, lm2);
      nd_log_query_add_model (q, fx_nasty[i]);
      nd_log_query_add_model (q, model2);
      q = CASE ("nasty-group", "\"group\" = %s", l);
      q->group = g_strdup (fx_nasty[i]);
      q = CASE ("nasty-ip", "ip = %s", l);
      q->ip = g_strdup (fx_nasty[i]);
      q = CASE ("nasty-request", "request_id = %s", l);
      q->request_id = g_strdup (fx_nasty[i]);
    }
#undef CASE

  /* The fixture must tell exact from prefix matching, or those two cases
   * prove nothing. */
  g_assert_cmpint (nd_test_pg_scalar (pg, DB, "SELECT count(*) FROM logs WHERE username LIKE 'alice_%'"),
                   >, 0);
  g_assert_cmpint (nd_test_pg_scalar (pg, DB, "SELECT count(*) FROM logs WHERE token_name LIKE 'dev_%'"),
                   >, 0);

  for (guint i = 0; i < cases->len; i++)
    {
      Case *k = g_ptr_array_index (cases, i);
      g_autoptr(GPtrArray) rows = NULL;
      g_autofree char *s = nd_log_query_to_string (k->q);
      g_autoptr(NdLogQuery) back = nd_log_query_from_string (s, NULL);

      g_test_message ("case %s: %s", k->name, s);
      /* Through the string form, as the dashboard hands filters over. */
      rows = fx_browse_all (source, back, k->q->from || k->q->type ? 997 : 499);
      fx_assert_same_ids (pg, DB, rows, k->where);
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
    rows = fx_browse_all (source, q, 50);
    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_cmpstr (((NdLog *) rows->pdata[0])->username, ==, "50%_off");
  }
  /* The table survived every SQL fragment. */
  g_assert_cmpint (nd_test_pg_scalar (pg, DB, "SELECT count(*) FROM logs"), ==,
                   N_LOGS + FX_N_NASTY);

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
  NdTestPg *pg = fx_setup_db ();
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(NdLogPage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  NdLog *log;

  if (pg == NULL)
    return;
  source = fx_open_source (fx_main_dsn (), NULL);
  q->type = 2;
  page = fx_query_page (source, q, NULL, 1, &error);
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
  /* 4000 logs: the fixture puts bursts of 150 and 450 rows into single
   * seconds, so pages of 173 split seconds. */
  dsn = nd_test_pg_fixture (pg, "logs_conc", "new", 4000, NULL, 0);
  source = fx_open_source (dsn, NULL);
  top = nd_test_pg_scalar (pg, "logs_conc", "SELECT max(created_at) FROM logs");

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NdLogPage) page = fx_query_page (source, q, pages ? &cursor : NULL, 173, &error);
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
        "VALUES (1, %" G_GINT64_FORMAT ", 2, 'late-above', 'm', 1); "
        /* At the reader's own second with a newer id: above it, never shown. */
        "INSERT INTO logs (user_id, created_at, type, username, model_name, quota) "
        "VALUES (1, %" G_GINT64_FORMAT ", 2, 'late-same', 'm', 1)",
        cursor.created_at, cursor.created_at + 5, cursor.created_at);
      nd_test_pg_exec (pg, "logs_conc", mid);
    }
  g_assert_cmpuint (pages, >, 10);

  /* Exactly the rows at or below the reader's position when it got there:
   * everything below the first page's top, minus what was inserted above
   * the cursor after it had passed. */
  where = g_strdup_printf ("created_at <= %" G_GINT64_FORMAT " AND username NOT IN ('late-above', 'late-same')",
                           top);
  fx_assert_same_ids (pg, "logs_conc", all, where);
  g_assert_cmpint (nd_test_pg_scalar (pg, "logs_conc", "SELECT count(*) FROM logs WHERE username = 'late'"),
                   ==, 3 * pages);
}

/* Seconds that hold more rows than a page: the page boundary falls inside
 * the second, and only the id tie-breaker keeps paging from losing or
 * repeating rows there. Checked by results against SQL, for page sizes
 * above and below the bursts, on the current and the old log index. */
static void
check_bursts (NdTestPg *pg, const char *db, NdSource *source)
{
  static const guint sizes[] = { 7, 100, 149, 200, 451, 997 };
  g_autoptr(PGresult) bursts = NULL;
  g_autofree char *where = NULL;
  gint64 from, to;
  guint split = 0;

  bursts = nd_test_pg_query (pg, db, "SELECT created_at FROM logs GROUP BY 1 HAVING count(*) > 100 "
                                     "ORDER BY 1");
  g_assert_cmpint (PQntuples (bursts), >=, 2);
  from = g_ascii_strtoll (PQgetvalue (bursts, 0, 0), NULL, 10) - 300;
  to = g_ascii_strtoll (PQgetvalue (bursts, PQntuples (bursts) - 1, 0), NULL, 10) + 300;
  where = g_strdup_printf ("created_at >= %" G_GINT64_FORMAT " AND created_at < %" G_GINT64_FORMAT,
                           from, to);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autoptr(NdLogQuery) q = nd_log_query_new ();
      g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
      NdLogCursor cursor = { 0 };
      gboolean first = TRUE;

      q->from = from;
      q->to = to;
      for (;;)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(NdLogPage) page = fx_query_page (source, q, first ? NULL : &cursor, sizes[s], &error);

          g_assert_no_error (error);
          for (guint i = 0; i < page->rows->len; i++)
            {
              NdLog *log = page->rows->pdata[i];
              NdLog *prev = rows->len ? rows->pdata[rows->len - 1] : NULL;

              /* Strictly below the row before: a repeat would page forever. */
              if (prev != NULL)
                g_assert_true (log->created_at < prev->created_at ||
                               (log->created_at == prev->created_at && log->id < prev->id));
              g_ptr_array_add (rows, nd_log_copy (log));
            }
          if (!page->has_more)
            break;
          cursor = page->next;
          first = FALSE;
          /* The next page starts inside a second this one ended in. */
          for (int b = 0; b < PQntuples (bursts); b++)
            if (cursor.created_at == g_ascii_strtoll (PQgetvalue (bursts, b, 0), NULL, 10))
              split++;
        }
      g_test_message ("%s: pages of %u, %u rows", db, sizes[s], rows->len);
      fx_assert_same_ids (pg, db, rows, where);
    }
  /* The test split seconds, or it proved nothing. */
  g_assert_cmpuint (split, >=, G_N_ELEMENTS (sizes));
}

static void
test_keyset_bursts (void)
{
  NdTestPg *pg = fx_setup_db ();
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdSource) old = NULL;
  g_autofree char *old_dsn = NULL;

  if (pg == NULL)
    return;
  source = fx_open_source (fx_main_dsn (), NULL);
  check_bursts (pg, DB, source);

  old_dsn = nd_test_pg_fixture (pg, "logs_bursts_old", "old", 4000, NULL, 0);
  old = fx_open_source (old_dsn, NULL);
  g_assert_true (nd_source_get_info (old)->legacy_log_index);
  check_bursts (pg, "logs_bursts_old", old);
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
  old = fx_open_source (old_dsn, NULL);
  g_assert_true (nd_source_get_info (old)->legacy_log_index);
  rows = fx_browse_all (old, q, 211);
  fx_assert_same_ids (pg, "logs_old", rows, "TRUE");
  g_assert_null (((NdLog *) rows->pdata[0])->request_id);
  g_clear_pointer (&rows, g_ptr_array_unref);
  q->type = 2;
  q->from = nd_test_pg_scalar (pg, "logs_old", "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY created_at) FROM logs");
  rows = fx_browse_all (old, q, 97);
  {
    g_autofree char *w = g_strdup_printf ("type = 2 AND created_at >= %" G_GINT64_FORMAT, q->from);

    fx_assert_same_ids (pg, "logs_old", rows, w);
  }
  /* No request_id column before rc.6: asking for it is refused, not ignored. */
  q->request_id = g_strdup ("abc");
  page = fx_query_page (old, q, NULL, 10, &error);
  g_assert_null (page);
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* LOG_SQL_DSN layout: logs only in the log database, names from main. */
  main2 = nd_test_pg_fixture (pg, "logs_main2", "new", 2500, "logs_logdb", 0);
  log_dsn = nd_test_pg_dsn (pg, "logs_logdb");
  split = fx_open_source (main2, log_dsn);
  g_clear_pointer (&q, nd_log_query_free);
  q = nd_log_query_new ();
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = fx_browse_all (split, q, 300);
  fx_assert_same_ids (pg, "logs_logdb", rows, "TRUE");
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
  NdTestPg *pg = fx_setup_db ();
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdLogPage) page = NULL;
  g_autoptr(GError) error = NULL;
  gint64 max_id;

  if (pg == NULL)
    return;
  source = fx_open_source (fx_main_dsn (), NULL);
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
  NdTestPg *pg = fx_setup_db ();
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  NdLogEstimate est;
  NdLogTotals totals;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  gint64 total;

  if (pg == NULL)
    return;
  source = fx_open_source (fx_main_dsn (), NULL);
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/logs/pg/filters", test_filters);
  g_test_add_func ("/logs/pg/rows-decoded", test_rows_decoded);
  g_test_add_func ("/logs/pg/paging-concurrent-inserts", test_paging_with_concurrent_inserts);
  g_test_add_func ("/logs/pg/keyset-bursts", test_keyset_bursts);
  g_test_add_func ("/logs/pg/old-schema-and-log-db", test_old_schema_and_log_db);
  g_test_add_func ("/logs/pg/tail", test_tail);
  g_test_add_func ("/logs/pg/estimate-and-totals", test_estimate_and_totals);
  return g_test_run ();
}
