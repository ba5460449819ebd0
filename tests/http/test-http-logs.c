/* test-http-logs.c — the log calls of NdHttpSource against the fake NewAPI: pages equal to
 * the database's, counts, tail, export and their request budgets
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "logs/nd-export.h"
#include "nd-http-fx.h"

/* ---- logs --------------------------------------------------------------- */

static void
test_logs_equal_pg (gconstpointer data)
{
  FX (data);
  g_autoptr(NdSource) pg = pg_source (&fx);
  g_autoptr(NdLogQuery) all = nd_log_query_new ();
  g_autoptr(NdLogQuery) filtered = nd_log_query_new ();
  g_autoptr(NdLogQuery) multi = nd_log_query_new ();
  g_autofree char *model = top_value (&fx, "model_name", 2, 0);
  g_autofree char *model2 = top_value (&fx, "model_name", 2, 1);
  g_autofree char *user = top_value (&fx, "username", 2, 0);
  gint64 max_at = sql_scalar (&fx, "SELECT max(created_at) FROM logs");

  /* Unfiltered, small pages across many seconds. */
  assert_same_pages (fx.source, pg, all, 37, 6);
  /* Filters: type, range, username (exact), one model. */
  filtered->type = ND_LOG_CONSUME;
  filtered->from = max_at - 10 * 86400;
  filtered->to = max_at - 2 * 86400;
  filtered->username = g_strdup (user);
  assert_same_pages (fx.source, pg, filtered, 25, 4);
  nd_log_query_add_model (filtered, model);
  g_clear_pointer (&filtered->username, g_free);
  assert_same_pages (fx.source, pg, filtered, 100, 3);
  /* Several models × channels: one stream per pair, merged. */
  nd_log_query_add_model (multi, model);
  nd_log_query_add_model (multi, model2);
  nd_log_query_add_channel (multi, 1);
  nd_log_query_add_channel (multi, 2);
  nd_log_query_add_channel (multi, 3);
  assert_same_pages (fx.source, pg, multi, 50, 4);
}

static void
test_logs_counts (gconstpointer data)
{
  FX (data);
  g_autoptr(NdSource) pg = pg_source (&fx);
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autofree char *where = NULL;
  gint64 max_at = sql_scalar (&fx, "SELECT max(created_at) FROM logs");
  g_autofree char *model = top_value (&fx, "model_name", 2, 0);
  NdLogTotals tot;

  q->from = max_at - 7 * 86400;
  q->to = max_at;
  nd_log_query_add_model (q, model);
  nd_log_query_add_channel (q, 1);
  nd_log_query_add_channel (q, 2);
  where = g_strdup_printf ("created_at >= %" G_GINT64_FORMAT " AND created_at < %" G_GINT64_FORMAT
                           " AND model_name = '%s' AND channel_id IN (1, 2)", q->from, q->to, model);
  tot = assert_same_counts (&fx, pg, q, where);
  g_assert_cmpint (tot.quota, >, 0);
  /* /api/log/stat has no token sums: unknown, not zero. */
  g_assert_cmpint (tot.prompt_tokens, ==, -1);
  g_assert_cmpint (tot.completion_tokens, ==, -1);
}

static void
test_logs_tail (gconstpointer data)
{
  FX (data);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdLogPage) page = NULL;
  g_autoptr(GError) error = NULL;
  gint64 max_id = sql_scalar (&fx, "SELECT max(id) FROM logs");

  nd_source_tail_logs_async (fx.source, NULL, max_id - 30, 20, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  page = nd_source_tail_logs_finish (fx.source, res, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->rows->len, ==, 20);
  g_assert_true (page->has_more);
  for (guint i = 0; i < page->rows->len; i++)
    g_assert_cmpint (((NdLog *) g_ptr_array_index (page->rows, i))->id, ==, max_id - 29 + i);
}

static void
test_logs_tail_gap (gconstpointer data)
{
  FX (data);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdLogPage) page = NULL;
  g_autoptr(GError) error = NULL;
  gint64 max_id = sql_scalar (&fx, "SELECT max(id) FROM logs");
  gint64 low = sql_scalar (&fx, "SELECT min(id) FROM (SELECT id FROM logs ORDER BY id DESC "
                                "LIMIT 500) t");

  /* 2500 new rows: more than the tail pages through (2000). It must not
   * hand back the oldest rows it read as if they followed after_id: the
   * newest 500, and next.id = -1 for the gap. */
  nd_source_tail_logs_async (fx.source, NULL, max_id - 2500, 500, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  page = nd_source_tail_logs_finish (fx.source, res, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->rows->len, ==, 500);
  g_assert_false (page->has_more);
  g_assert_cmpint (page->next.id, ==, -1);
  g_assert_cmpint (((NdLog *) g_ptr_array_index (page->rows, 0))->id, ==, low);
  g_assert_cmpint (((NdLog *) g_ptr_array_index (page->rows, 499))->id, ==, max_id);
  for (guint i = 1; i < page->rows->len; i++)
    g_assert_cmpint (((NdLog *) g_ptr_array_index (page->rows, i - 1))->id, <,
                     ((NdLog *) g_ptr_array_index (page->rows, i))->id);

  /* Within reach: no gap, the oldest new rows first, a real cursor. */
  g_clear_object (&res);
  g_clear_pointer (&page, nd_log_page_free);
  nd_source_tail_logs_async (fx.source, NULL, max_id - 700, 500, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  page = nd_source_tail_logs_finish (fx.source, res, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->rows->len, ==, 500);
  g_assert_true (page->has_more);
  g_assert_cmpint (page->next.id, ==,
                   ((NdLog *) g_ptr_array_index (page->rows, 499))->id);
  g_assert_cmpint (((NdLog *) g_ptr_array_index (page->rows, 0))->id, >, max_id - 700);
}

static void
test_logs_request_budget (gconstpointer data)
{
  FX (data);
  g_autoptr(NdSource) pg = pg_source (&fx);
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(NdLogPage) page = NULL;
  g_autoptr(NdLogPage) next = NULL;
  g_autoptr(NdLogPage) pg_page = NULL;
  g_autoptr(GError) error = NULL;
  gint64 max_at = sql_scalar (&fx, "SELECT max(created_at) FROM logs");

  /* A 200-row first page is two requests of 100, not three (no extra row
   * to learn whether there is more). */
  nd_fake_newapi_reset_log (fx.fake);
  page = query_logs (fx.source, q, NULL, 200, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->rows->len, ==, 200);
  g_assert_true (page->has_more);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/log/"), ==, 2);
  /* After a cursor: at most one more for the skipped prefix. */
  nd_fake_newapi_reset_log (fx.fake);
  next = query_logs (fx.source, q, &page->next, 200, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (next->rows->len, ==, 200);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/log/"), <=, 3);
  /* A small page after a cursor: one request. */
  g_clear_pointer (&page, nd_log_page_free);
  nd_fake_newapi_reset_log (fx.fake);
  page = query_logs (fx.source, q, &next->next, 37, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->rows->len, ==, 37);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/log/"), ==, 1);

  /* has_more without the extra row: a range holding exactly `limit` rows
   * ends there, one holding limit + 1 does not. */
  q->from = max_at - 86400;
  q->to = max_at;
  {
    gint64 n = sql_scalar (&fx, "SELECT count(*) FROM logs WHERE created_at >= %" G_GINT64_FORMAT
                           " AND created_at < %" G_GINT64_FORMAT, q->from, q->to);
    g_autoptr(NdLogPage) exact = NULL;
    g_autoptr(NdLogPage) short_one = NULL;

    g_assert_cmpint (n, >, 2);
    exact = query_logs (fx.source, q, NULL, n, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (exact->rows->len, ==, n);
    g_assert_false (exact->has_more);
    short_one = query_logs (fx.source, q, NULL, n - 1, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (short_one->rows->len, ==, n - 1);
    g_assert_true (short_one->has_more);
    pg_page = query_logs (pg, q, NULL, n - 1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (pg_page->has_more, ==, short_one->has_more);
  }
}

static gboolean
count_batch (GPtrArray *rows, gpointer user_data, GError **error)
{
  gint64 *n = user_data;

  g_assert_cmpuint (rows->len, <=, 100);
  n[0] += rows->len;
  n[1]++;
  return TRUE;
}

typedef struct {
  GHashTable *ids;
  NdLog last;
  gboolean have_last;
  guint batches;
  guint short_batches;
  Fx *fx;                      /* with insert_at: rows land in that second */
  gint64 insert_at;
} ExportCheck;

static gboolean
check_batch (GPtrArray *rows, gpointer user_data, GError **error)
{
  ExportCheck *c = user_data;

  g_assert_cmpuint (rows->len, <=, 100);
  c->batches++;
  if (rows->len < 100)
    c->short_batches++;
  for (guint i = 0; i < rows->len; i++)
    {
      NdLog *log = g_ptr_array_index (rows, i);

      /* Never twice, newest first across batches and streams. */
      g_assert_false (g_hash_table_contains (c->ids, &log->id));
      g_hash_table_add (c->ids, g_memdup2 (&log->id, sizeof log->id));
      if (c->have_last)
        g_assert_true (log->created_at < c->last.created_at ||
                       (log->created_at == c->last.created_at && log->id < c->last.id));
      c->last.created_at = log->created_at;
      c->last.id = log->id;
      c->have_last = TRUE;
    }
  if (c->insert_at > 0 && c->batches == 1)
    {
      /* Rows arriving in the newest second during the export push every
       * OFFSET down by 3: the next page starts with rows already sent. */
      for (int i = 0; i < 3; i++)
        {
          g_autofree char *q = g_strdup_printf (
            "INSERT INTO logs (id, user_id, created_at, type, username, model_name, quota, channel_id) "
            "SELECT (SELECT max(id) FROM logs) + 1, user_id, created_at, type, username, model_name, "
            "quota, channel_id FROM logs WHERE created_at = %" G_GINT64_FORMAT " ORDER BY id LIMIT 1",
            c->insert_at);

          nd_test_pg_exec (c->fx->pg, c->fx->mode->db, q);
        }
    }
  return TRUE;
}

static void
test_logs_export_budget (gconstpointer data)
{
  FX (data);
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(NdLogQuery) multi = nd_log_query_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *model = top_value (&fx, "model_name", 2, 0);
  g_autofree char *model2 = top_value (&fx, "model_name", 2, 1);
  ExportCheck c = { 0 };
  gint64 written, expected;
  gint64 max_at = sql_scalar (&fx, "SELECT max(created_at) FROM logs");

  /* One stream: ceil(N / 100) requests, full batches but the last. */
  q->from = max_at - 5 * 86400;
  expected = sql_scalar (&fx, "SELECT count(*) FROM logs WHERE created_at >= %" G_GINT64_FORMAT, q->from);
  g_assert_cmpint (expected, >, 300);
  c.ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  nd_fake_newapi_reset_log (fx.fake);
  nd_source_export_logs_async (fx.source, q, check_batch, &c, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  written = nd_source_export_logs_finish (fx.source, res, &error);
  g_assert_no_error (error);
  g_assert_cmpint (written, ==, expected);
  g_assert_cmpuint (g_hash_table_size (c.ids), ==, expected);
  g_assert_cmpuint (c.short_batches, <=, 1);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/log/"), <=, (expected + 99) / 100 + 1);
  g_hash_table_unref (c.ids);

  /* Several streams, merged: still about one request per 100 rows of each. */
  memset (&c, 0, sizeof c);
  c.ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_clear_object (&res);
  multi->from = max_at - 10 * 86400;
  nd_log_query_add_model (multi, model);
  nd_log_query_add_model (multi, model2);
  nd_log_query_add_channel (multi, 1);
  nd_log_query_add_channel (multi, 2);
  expected = sql_scalar (&fx, "SELECT count(*) FROM logs WHERE created_at >= %" G_GINT64_FORMAT
                         " AND model_name IN ('%s', '%s') AND channel_id IN (1, 2)",
                         multi->from, model, model2);
  g_assert_cmpint (expected, >, 100);
  nd_fake_newapi_reset_log (fx.fake);
  nd_source_export_logs_async (fx.source, multi, check_batch, &c, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  written = nd_source_export_logs_finish (fx.source, res, &error);
  g_assert_no_error (error);
  g_assert_cmpint (written, ==, expected);
  g_assert_cmpuint (g_hash_table_size (c.ids), ==, expected);
  g_assert_cmpuint (c.short_batches, <=, 1);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/log/"), <=, (expected + 99) / 100 + 4);
  g_hash_table_unref (c.ids);

  /* Rows arriving meanwhile: every row there was at the start, once. */
  {
    gint64 max_id = sql_scalar (&fx, "SELECT max(id) FROM logs");
    g_autofree char *undo = g_strdup_printf ("DELETE FROM logs WHERE id > %" G_GINT64_FORMAT, max_id);

    memset (&c, 0, sizeof c);
    c.ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
    c.fx = &fx;
    c.insert_at = max_at;
    g_clear_object (&res);
    expected = sql_scalar (&fx, "SELECT count(*) FROM logs WHERE created_at >= %" G_GINT64_FORMAT, q->from);
    nd_source_export_logs_async (fx.source, q, check_batch, &c, NULL, nd_test_store_result, &res);
    nd_test_wait (&res);
    written = nd_source_export_logs_finish (fx.source, res, &error);
    nd_test_pg_exec (fx.pg, fx.mode->db, undo);
    g_assert_no_error (error);
    g_assert_cmpint (written, ==, expected);
    g_assert_cmpuint (g_hash_table_size (c.ids), ==, expected);
    for (gint64 id = max_id + 1; id <= max_id + 3; id++)
      g_assert_false (g_hash_table_contains (c.ids, &id));
    g_hash_table_unref (c.ids);
  }
}

static void
test_logs_export (gconstpointer data)
{
  FX (data);
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gint64 counts[2] = { 0, 0 };
  gint64 written, expected;
  gint64 max_at = sql_scalar (&fx, "SELECT max(created_at) FROM logs");

  q->from = max_at - 3 * 86400;
  expected = sql_scalar (&fx, "SELECT count(*) FROM logs WHERE created_at >= %" G_GINT64_FORMAT, q->from);
  nd_source_export_logs_async (fx.source, q, count_batch, counts, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  written = nd_source_export_logs_finish (fx.source, res, &error);
  g_assert_no_error (error);
  g_assert_cmpint (written, ==, expected);
  g_assert_cmpint (counts[0], ==, expected);
  g_assert_cmpint (counts[1], >=, expected / 100);
}

static void
test_logs_deep_reply (gconstpointer data)
{
  FX (data);
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdLogPage) page = NULL;
  g_autoptr(GError) error = NULL;
  gint64 counts[2] = { 0, 0 };

  /* A reply nested 100 000 arrays deep crashed the log list and
   * `export-logs --url` (the parser recursed until the stack ran out). */
  nd_fake_newapi_set_fault (fx.fake, "/api/log/", ND_FAKE_FAULT_DEEP);
  page = query_logs (fx.source, q, NULL, 50, &error);
  g_assert_null (page);
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "nested more than"));
  g_clear_error (&error);

  nd_source_export_logs_async (fx.source, q, count_batch, counts, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_cmpint (nd_source_export_logs_finish (fx.source, res, &error), <, 0);
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  g_assert_cmpint (counts[0], ==, 0);
  nd_fake_newapi_set_fault (fx.fake, "/api/log/", ND_FAKE_FAULT_NONE);
}

static GBytes *
huge_quota (const char *path, guint status, GBytes *body, gpointer user_data)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_auto(GStrv) parts = NULL;
  g_autofree char *out = NULL;

  /* The first "quota": a value no NewAPI holds (a wrapped sum, say). */
  if (strstr (text, "\"quota\":") == NULL)
    return NULL;
  parts = g_strsplit (text, "\"quota\":", 2);
  out = g_strconcat (parts[0], "\"quota\":9223372036854775807,\"was\":", parts[1], NULL);
  return g_bytes_new (out, strlen (out));
}

static void
test_logs_impossible_values (gconstpointer data)
{
  FX (data);
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(NdLogPage) page = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  NdLogTotals tot;

  /* A row or a sum that cannot be real is the server's error, said so;
   * before, it was shown, summed and stored until something overflowed. */
  nd_fake_newapi_set_mutator (fx.fake, huge_quota, NULL);
  page = query_logs (fx.source, q, NULL, 20, &error);
  g_assert_null (page);
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "The server sent an impossible"));
  g_assert_nonnull (strstr (error->message, "“quota”"));
  g_clear_error (&error);

  q->type = ND_LOG_CONSUME;
  nd_source_log_totals_async (fx.source, q, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_false (nd_source_log_totals_finish (fx.source, res, &tot, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "impossible"));
  nd_fake_newapi_set_mutator (fx.fake, NULL, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  nd_http_fx_add ("logs-equal-pg", test_logs_equal_pg);
  nd_http_fx_add ("logs-counts", test_logs_counts);
  nd_http_fx_add ("logs-tail", test_logs_tail);
  nd_http_fx_add ("logs-export", test_logs_export);
  nd_http_fx_add ("logs-tail-gap", test_logs_tail_gap);
  nd_http_fx_add ("logs-request-budget", test_logs_request_budget);
  nd_http_fx_add ("logs-export-budget", test_logs_export_budget);
  nd_http_fx_add ("logs-deep-reply", test_logs_deep_reply);
  nd_http_fx_add ("logs-impossible-values", test_logs_impossible_values);
  return g_test_run ();
}
