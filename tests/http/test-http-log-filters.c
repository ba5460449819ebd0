/* test-http-log-filters.c — the log filters of NdHttpSource against the fake
 * NewAPI: what the API lacks (user_id, token_id) emulated and compared with
 * the database, rows sharing a second across pages, refusals
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-http-fx.h"

static gboolean
collect_batch (GPtrArray *rows, gpointer user_data, GError **error)
{
  GArray *ids = user_data;

  for (guint i = 0; i < rows->len; i++)
    g_array_append_val (ids, ((NdLog *) g_ptr_array_index (rows, i))->id);
  return TRUE;
}

/* @n rows at second @at, copies of the newest row with growing ids (as
 * rows written within one second are). Returns the first new id. */
static gint64
insert_burst (Fx *fx, gint64 at, guint n)
{
  gint64 first = sql_scalar (fx, "SELECT max(id) + 1 FROM logs");
  g_autofree char *q = g_strdup_printf (
    "INSERT INTO logs (id, created_at, user_id, type, content, username, token_name, model_name, "
    "  quota, prompt_tokens, completion_tokens, use_time, is_stream, channel_id, token_id, "
    "  \"group\", ip, other) "
    "SELECT %" G_GINT64_FORMAT " + g - 1, %" G_GINT64_FORMAT ", user_id, type, content, username, "
    "  token_name, model_name, quota + g, prompt_tokens, completion_tokens, use_time, is_stream, "
    "  channel_id, token_id, \"group\", ip, other "
    "FROM (SELECT * FROM logs WHERE type = 2 ORDER BY id DESC LIMIT 1) t, generate_series(1, %u) g",
    first, at, n);

  nd_test_pg_exec (fx->pg, fx->mode->db, q);
  return first;
}

static void
test_logs_same_second (gconstpointer data)
{
  FX (data);
  g_autoptr(NdSource) pg = pg_source (&fx);
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  gint64 max_at = sql_scalar (&fx, "SELECT max(created_at) FROM logs");
  gint64 max_id = sql_scalar (&fx, "SELECT max(id) FROM logs");
  g_autofree char *undo = g_strdup_printf ("DELETE FROM logs WHERE id > %" G_GINT64_FORMAT, max_id);
  guint limits[] = { 37, 100, 200 };
  gint64 expected;

  /* Bursts within one second that straddle every page size: 99 rows, one
   * row, then 250 rows (the newest). A cursor inside a burst must resume
   * with the rest of its second, not skip to the next one. */
  insert_burst (&fx, max_at + 5, 99);
  insert_burst (&fx, max_at + 6, 1);
  insert_burst (&fx, max_at + 7, 250);
  q->from = max_at - 3600;
  expected = sql_scalar (&fx, "SELECT count(*) FROM logs WHERE created_at >= %" G_GINT64_FORMAT,
                         q->from);
  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    g_assert_cmpuint (assert_same_from (fx.source, pg, q, NULL, NULL, limits[i], 100), ==,
                      expected);

  /* Late rows at the cursor's own second (larger ids, the same created_at)
   * sort before the cursor: neither source shows them on the next pages,
   * and nothing after the cursor is lost. */
  {
    g_autoptr(NdLogPage) pa = NULL;
    g_autoptr(NdLogPage) pb = NULL;
    g_autoptr(GError) error = NULL;
    gint64 late;

    pa = query_logs (fx.source, q, NULL, 37, &error);
    g_assert_no_error (error);
    pb = query_logs (pg, q, NULL, 37, &error);
    g_assert_no_error (error);
    g_assert_cmpint (pa->next.created_at, ==, max_at + 7);
    g_assert_cmpint (pa->next.id, ==, pb->next.id);
    late = insert_burst (&fx, max_at + 7, 5);
    g_assert_cmpuint (assert_same_from (fx.source, pg, q, &pa->next, &pb->next, 37, 100), ==,
                      expected - 37);
    g_assert_cmpint (late, >, pa->next.id);
  }
  nd_test_pg_exec (fx.pg, fx.mode->db, undo);
}

static void
test_logs_refused_filters (gconstpointer data)
{
  FX (data);
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(NdLogPage) page = NULL;
  g_autoptr(GError) error = NULL;

  /* "%" would be a LIKE wildcard on the server: refused, never sent. */
  nd_log_query_add_model (q, "gpt-4%");
  nd_fake_newapi_reset_log (fx.fake);
  page = query_logs (fx.source, q, NULL, 10, &error);
  g_assert_null (page);
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/log/"), ==, 0);
  g_clear_error (&error);
  g_clear_pointer (&q, nd_log_query_free);

  q = nd_log_query_new ();
  q->ip = g_strdup ("10.0.0.1");
  page = query_logs (fx.source, q, NULL, 10, &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_clear_pointer (&q->ip, g_free);

  for (int i = 0; i < 20; i++)
    nd_log_query_add_channel (q, i + 1);
  nd_log_query_add_model (q, "a");
  page = query_logs (fx.source, q, NULL, 10, &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
}

static void
test_logs_underscore_exact (gconstpointer data)
{
  FX (data);
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(NdLogPage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *model = top_value (&fx, "model_name", 2, 0);
  char *p;

  /* Replace one character by "_": an old server's LIKE would match the real
   * model; the source must not show those rows for this other name. */
  p = model + strlen (model) / 2;
  *p = '_';
  nd_log_query_add_model (q, model);
  page = query_logs (fx.source, q, NULL, 50, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < page->rows->len; i++)
    g_assert_cmpstr (((NdLog *) g_ptr_array_index (page->rows, i))->model_name, ==, model);
}

/* Every row of @q, page after page from the newest (pages may come back
 * short, even empty, while has_more); the ids in order. */
static GArray *
collect_all (NdSource *s, const NdLogQuery *q, guint limit, guint *n_calls)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  NdLogCursor cursor = { 0 };
  gboolean first = TRUE;

  for (*n_calls = 0; *n_calls < 500; )
    {
      g_autoptr(NdLogPage) page = NULL;
      g_autoptr(GError) error = NULL;

      page = query_logs (s, q, first ? NULL : &cursor, limit, &error);
      g_assert_no_error (error);
      (*n_calls)++;
      for (guint i = 0; i < page->rows->len; i++)
        g_array_append_val (ids, ((NdLog *) g_ptr_array_index (page->rows, i))->id);
      if (!page->has_more)
        return ids;
      /* A cursor never goes back: no row twice, no endless loop. */
      if (!first)
        g_assert_true (page->next.created_at < cursor.created_at ||
                       (page->next.created_at == cursor.created_at && page->next.id < cursor.id));
      cursor = page->next;
      first = FALSE;
    }
  g_assert_not_reached ();
}

static void
assert_same_ids (GArray *a, GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpint (g_array_index (a, gint64, i), ==, g_array_index (b, gint64, i));
}

static void
test_logs_user_filter (gconstpointer data)
{
  FX (data);
  g_autoptr(NdSource) pg = pg_source (&fx);
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *user = top_value (&fx, "username", 2, 0);
  g_autofree char *where = NULL;
  gint64 uid = sql_scalar (&fx, "SELECT id FROM users WHERE username = '%s'", user);

  /* No user_id parameter in the admin API: the user's exact name, found
   * once by id, then sent as `username`. */
  q->user_id = uid;
  nd_fake_newapi_reset_log (fx.fake);
  assert_same_pages (fx.source, pg, q, 50, 4);
  where = g_strdup_printf ("user_id = %" G_GINT64_FORMAT, uid);
  assert_same_counts (&fx, pg, q, where);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/user/search"), ==, 1);

  /* An earlier holder of the name (another id): the server sends those
   * rows too, the list must not show them; 250 of them, newest, do not
   * make a page walk without end. */
  {
    gint64 max_id = sql_scalar (&fx, "SELECT max(id) FROM logs");
    gint64 max_at = sql_scalar (&fx, "SELECT max(created_at) FROM logs");
    g_autofree char *undo = g_strdup_printf ("DELETE FROM logs WHERE id > %" G_GINT64_FORMAT, max_id);
    g_autofree char *add = g_strdup_printf (
      "INSERT INTO logs (id, created_at, user_id, type, username, model_name, quota) "
      "SELECT %" G_GINT64_FORMAT " + g, %" G_GINT64_FORMAT " + g / 50, 987654, 2, '%s', "
      "'gpt-4o', g FROM generate_series(1, 250) g", max_id, max_at, user);
    g_autoptr(GArray) want = NULL;
    g_autoptr(GArray) got = NULL;
    guint calls;

    nd_test_pg_exec (fx.pg, fx.mode->db, add);
    want = collect_all (pg, q, 50, &calls);
    got = collect_all (fx.source, q, 50, &calls);
    nd_test_pg_exec (fx.pg, fx.mode->db, undo);
    assert_same_ids (got, want);
  }

  /* User 1 (root): "1" is in many names (LIKE), the id still matches. */
  g_clear_pointer (&q, nd_log_query_free);
  q = nd_log_query_new ();
  q->user_id = 1;
  q->type = ND_LOG_CONSUME;
  assert_same_pages (fx.source, pg, q, 100, 2);

  /* A user_id and another user's name: nothing, without asking for logs. */
  g_free (q->username);
  q->username = g_strdup (user);
  nd_fake_newapi_reset_log (fx.fake);
  {
    g_autoptr(NdLogPage) page = query_logs (fx.source, q, NULL, 50, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (page->rows->len, ==, 0);
    g_assert_false (page->has_more);
    g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/log/"), ==, 0);
  }

  /* A user removed for good: said, not an empty list. */
  g_clear_pointer (&q->username, g_free);
  q->user_id = 987654;
  {
    g_autoptr(NdLogPage) page = query_logs (fx.source, q, NULL, 50, &error);

    g_assert_null (page);
    g_assert_error (error, ND_ERROR, ND_ERROR_NOT_FOUND);
  }
}

static void
test_logs_token_filter (gconstpointer data)
{
  FX (data);
  g_autoptr(NdSource) pg = pg_source (&fx);
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(GArray) want = NULL;
  g_autoptr(GArray) got = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  NdLogEstimate est;
  guint calls, pg_calls;
  gint64 max_at = sql_scalar (&fx, "SELECT max(created_at) FROM logs");
  /* A token with a few dozen rows among thousands. */
  gint64 token = sql_scalar (&fx, "SELECT token_id FROM logs WHERE token_id <> 0 GROUP BY 1 "
                                  "HAVING count(*) BETWEEN 20 AND 200 ORDER BY count(*) DESC, 1 "
                                  "LIMIT 1");
  g_autofree char *owner = NULL;
  guint requests;

  q->token_id = token;
  q->from = max_at - 20 * 86400;
  want = collect_all (pg, q, 25, &pg_calls);
  g_assert_cmpuint (want->len, >, 10);
  nd_fake_newapi_reset_log (fx.fake);
  got = collect_all (fx.source, q, 25, &calls);
  assert_same_ids (got, want);

  /* The budget: the first page scans a bounded number of rows; once a row
   * shows the token's owner, the server only sends that user's rows. */
  requests = nd_fake_newapi_count (fx.fake, "/api/log/");
  {
    PGresult *r = nd_test_pg_query (fx.pg, fx.mode->db,
                                    "SELECT username FROM logs WHERE token_id = (SELECT "
                                    "token_id FROM logs WHERE token_id <> 0 GROUP BY 1 HAVING "
                                    "count(*) BETWEEN 20 AND 200 ORDER BY count(*) DESC, 1 "
                                    "LIMIT 1) ORDER BY id DESC LIMIT 1");

    owner = g_strdup (PQgetvalue (r, 0, 0));
    PQclear (r);
  }
  {
    gint64 owner_rows = sql_scalar (&fx, "SELECT count(*) FROM logs WHERE username = '%s' AND "
                                         "created_at >= %" G_GINT64_FORMAT, owner, q->from);
    gint64 all_rows = sql_scalar (&fx, "SELECT count(*) FROM logs WHERE created_at >= %"
                                       G_GINT64_FORMAT, q->from);

    g_test_message ("token %" G_GINT64_FORMAT ": %u rows, %u calls, %u requests; owner %" 
                    G_GINT64_FORMAT " rows of %" G_GINT64_FORMAT, token, want->len, calls,
                    requests, owner_rows, all_rows);
    g_assert_cmpuint (requests, <=, 10 + owner_rows / 100 + 2 * calls);
    g_assert_cmpuint (requests, <, all_rows / 100);
  }

  /* With the owner's id as well, narrowed from the first request. */
  q->user_id = sql_scalar (&fx, "SELECT user_id FROM logs WHERE token_id = %" G_GINT64_FORMAT
                                " LIMIT 1", token);
  g_clear_pointer (&got, g_array_unref);
  got = collect_all (fx.source, q, 25, &calls);
  assert_same_ids (got, want);
  q->user_id = 0;

  /* Counts cannot be narrowed to one token on the server. */
  nd_source_estimate_logs_async (fx.source, q, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_false (nd_source_estimate_logs_finish (fx.source, res, &est, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* Export: the same rows, in the same order. */
  {
    g_autoptr(GArray) exported = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr(GAsyncResult) r2 = NULL;

    nd_source_export_logs_async (fx.source, q, collect_batch, exported, NULL,
                                 nd_test_store_result, &r2);
    nd_test_wait (&r2);
    g_assert_cmpint (nd_source_export_logs_finish (fx.source, r2, &error), ==, want->len);
    g_assert_no_error (error);
    assert_same_ids (exported, want);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  nd_http_fx_add ("logs-same-second", test_logs_same_second);
  nd_http_fx_add ("logs-refused-filters", test_logs_refused_filters);
  nd_http_fx_add ("logs-underscore-exact", test_logs_underscore_exact);
  nd_http_fx_add ("logs-user-filter", test_logs_user_filter);
  nd_http_fx_add ("logs-token-filter", test_logs_token_filter);
  return g_test_run ();
}
