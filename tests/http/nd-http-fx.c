/* nd-http-fx.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-http-fx.h"

const Mode mode_new = { ND_FAKE_NEWAPI_NEW, "http_new" };
const Mode mode_old = { ND_FAKE_NEWAPI_OLD, "http_old" };

static char *dsn_new, *dsn_old;

const char *
ensure_db (NdTestPg *pg, const Mode *mode)
{
  char **slot = mode->mode == ND_FAKE_NEWAPI_NEW ? &dsn_new : &dsn_old;

  if (*slot == NULL)
    *slot = nd_test_pg_fixture (pg, mode->db, mode->mode == ND_FAKE_NEWAPI_NEW ? "new" : "old",
                                N_LOGS, NULL, 0);
  return *slot;
}

NdServerInfo *
probe (NdSource *source, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_probe_async (source, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_probe_finish (source, res, error);
}

gboolean
fx_setup (Fx *fx, const Mode *mode)
{
  g_autoptr(GError) error = NULL;

  memset (fx, 0, sizeof *fx);
  fx->mode = mode;
  fx->pg = nd_test_pg_get ();
  if (fx->pg == NULL)
    return FALSE;
  fx->dsn = g_strdup (ensure_db (fx->pg, mode));
  fx->fake = nd_fake_newapi_new (fx->dsn, mode->mode, &error);
  g_assert_no_error (error);
  fx->admin_id = nd_fake_newapi_find_user (fx->fake, 100);
  g_assert_cmpint (fx->admin_id, >, 0);
  fx->token = nd_fake_newapi_dup_token (fx->fake, fx->admin_id);
  fx->source = nd_http_source_new (nd_fake_newapi_get_url (fx->fake), fx->admin_id, fx->token, TRUE);
  nd_http_client_set_backoff (nd_http_source_get_client (ND_HTTP_SOURCE (fx->source)), 4, 50, 3000);
  fx->info = probe (fx->source, &error);
  g_assert_no_error (error);
  return TRUE;
}

void
fx_teardown (Fx *fx)
{
  if (fx->source)
    nd_source_close (fx->source);
  g_clear_object (&fx->source);
  g_clear_pointer (&fx->info, nd_server_info_unref);
  g_clear_pointer (&fx->fake, nd_fake_newapi_free);
  g_free (fx->token);
  g_free (fx->dsn);
}

NdSource *
pg_source (Fx *fx)
{
  NdSource *source = nd_pg_source_new (fx->dsn, NULL, NULL, NULL, TRUE);
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = probe (source, &error);
  g_assert_no_error (error);
  return source;
}

/* ---- comparing with the database ------------------------------------- */

/* Pages both sources from the cursors (NULL: the newest) and asserts the
 * same rows; returns the number of rows seen. */
guint
assert_same_from (NdSource *a, NdSource *b, const NdLogQuery *q, const NdLogCursor *from_a,
                  const NdLogCursor *from_b, guint limit, guint pages)
{
  NdLogCursor ca = { 0 }, cb = { 0 };
  gboolean first = from_a == NULL;
  guint seen = 0;

  if (from_a != NULL)
    {
      ca = *from_a;
      cb = *from_b;
    }
  for (guint p = 0; p < pages; p++)
    {
      g_autoptr(NdLogPage) pa = NULL;
      g_autoptr(NdLogPage) pb = NULL;
      g_autoptr(GError) error = NULL;

      pa = query_logs (a, q, first ? NULL : &ca, limit, &error);
      g_assert_no_error (error);
      pb = query_logs (b, q, first ? NULL : &cb, limit, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (pa->rows->len, ==, pb->rows->len);
      g_assert_cmpint (pa->has_more, ==, pb->has_more);
      for (guint i = 0; i < pa->rows->len; i++)
        {
          NdLog *x = g_ptr_array_index (pa->rows, i), *y = g_ptr_array_index (pb->rows, i);

          g_assert_cmpint (x->id, ==, y->id);
          g_assert_cmpint (x->created_at, ==, y->created_at);
          g_assert_cmpint (x->quota, ==, y->quota);
          g_assert_cmpint (x->channel_id, ==, y->channel_id);
          g_assert_cmpstr (x->model_name, ==, y->model_name);
          g_assert_cmpstr (x->username, ==, y->username);
          if (y->channel_name != NULL && x->channel_id != 0)
            g_assert_cmpstr (x->channel_name, ==, y->channel_name);
        }
      seen += pa->rows->len;
      if (!pa->has_more)
        break;
      ca = pa->next;
      cb = pb->next;
      first = FALSE;
    }
  return seen;
}

void
assert_same_pages (NdSource *a, NdSource *b, const NdLogQuery *q, guint limit, guint pages)
{
  assert_same_from (a, b, q, NULL, NULL, limit, pages);
}

char *
top_value (Fx *fx, const char *column, int type, guint nth)
{
  g_autofree char *q = g_strdup_printf ("SELECT %s FROM logs WHERE type = %d AND %s <> '' "
                                        "GROUP BY 1 ORDER BY count(*) DESC, 1 OFFSET %u LIMIT 1",
                                        column, type, column, nth);
  PGresult *res = nd_test_pg_query (fx->pg, fx->mode->db, q);
  char *v = PQntuples (res) ? g_strdup (PQgetvalue (res, 0, 0)) : NULL;

  PQclear (res);
  return v;
}

NdLogTotals
assert_same_counts (Fx *fx, NdSource *pg, const NdLogQuery *q, const char *where)
{
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autoptr(GError) error = NULL;
  NdLogEstimate est = { 0 };
  NdLogTotals tot = { 0 }, pg_tot = { 0 };

  nd_source_estimate_logs_async (fx->source, q, NULL, nd_test_store_result, &r1);
  nd_test_wait (&r1);
  g_assert_true (nd_source_estimate_logs_finish (fx->source, r1, &est, &error));
  g_assert_true (est.exact == (q->user_id == 0));
  g_assert_cmpint (est.rows, ==, sql_scalar (fx, "SELECT count(*) FROM logs WHERE %s", where));
  nd_source_log_totals_async (fx->source, q, NULL, nd_test_store_result, &r2);
  nd_test_wait (&r2);
  g_assert_true (nd_source_log_totals_finish (fx->source, r2, &tot, &error));
  nd_source_log_totals_async (pg, q, NULL, nd_test_store_result, &r3);
  nd_test_wait (&r3);
  g_assert_true (nd_source_log_totals_finish (pg, r3, &pg_tot, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tot.quota, ==, pg_tot.quota);
  g_assert_cmpint (tot.requests, ==, pg_tot.requests);
  return tot;
}

/* ---- sync wrappers ------------------------------------------------------ */

NdLogPage *
query_logs (NdSource *s, const NdLogQuery *q, const NdLogCursor *after, guint limit, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_query_logs_async (s, q, after, limit, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_query_logs_finish (s, res, error);
}

NdListPage *
list (NdSource *s, void (*fn) (NdSource *, const NdListQuery *, GCancellable *, GAsyncReadyCallback, gpointer),
      const NdListQuery *q, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  fn (s, q, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_list_finish (s, res, error);
}

gint64
pg_scalar_v (NdTestPg *pg, const char *db, const char *fmt, va_list ap)
{
  g_autofree char *q = g_strdup_vprintf (fmt, ap);

  return nd_test_pg_scalar (pg, db, q);
}

gint64
sql_scalar (Fx *fx, const char *fmt, ...)
{
  va_list ap;
  gint64 v;

  va_start (ap, fmt);
  v = pg_scalar_v (fx->pg, fx->mode->db, fmt, ap);
  va_end (ap);
  return v;
}

void
nd_http_fx_add (const char *name, GTestDataFunc func)
{
  g_autofree char *n = g_strdup_printf ("/http/new/%s", name);
  g_autofree char *o = g_strdup_printf ("/http/old/%s", name);

  g_test_add_data_func (n, &mode_new, func);
  g_test_add_data_func (o, &mode_old, func);
}
