/* nd-pg-logs-fx.c — the database the PostgreSQL log tests share
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-pg-logs-fx.h"

#define DB FX_DB
#define N_LOGS FX_N_LOGS

static char *main_dsn;

const char * const fx_nasty[FX_N_NASTY] = {
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

NdTestPg *
fx_setup_db (void)
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
  for (guint i = 0; i < FX_N_NASTY; i++)
    {
      g_autofree char *lit = NULL;
      PGconn *c = PQconnectdb (main_dsn);
      char *e = PQescapeLiteral (c, fx_nasty[i], strlen (fx_nasty[i]));

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

NdSource *
fx_open_source (const char *dsn, const char *log_dsn)
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

NdLogPage *
fx_query_page (NdSource *source, const NdLogQuery *q, const NdLogCursor *after, guint limit,
            GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_query_logs_async (source, q, after, limit, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_query_logs_finish (source, res, error);
}

GPtrArray *
fx_browse_all (NdSource *source, const NdLogQuery *q, guint limit)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  NdLogCursor cursor = { 0 };
  gboolean first = TRUE;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NdLogPage) page = fx_query_page (source, q, first ? NULL : &cursor, limit, &error);

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

char *
fx_lit (const char *s)
{
  PGconn *c = PQconnectdb (main_dsn);
  char *e = PQescapeLiteral (c, s, strlen (s));
  char *out = g_strdup (e);

  PQfreemem (e);
  PQfinish (c);
  return out;
}

void
fx_assert_same_ids (NdTestPg *pg, const char *db, GPtrArray *rows, const char *where)
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

char *
fx_scalar_text (NdTestPg *pg, const char *sql)
{
  g_autoptr(PGresult) res = nd_test_pg_query (pg, DB, sql);

  g_assert_cmpint (PQntuples (res), >=, 1);
  return g_strdup (PQgetvalue (res, 0, 0));
}

const char *
fx_main_dsn (void)
{
  return main_dsn;
}
