/* test-report-file.c — .ndreport files without a server: round trip from
 * an in-test gateway, secrets, bad files, a seeded fuzz of the reader,
 * ranges and compare
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "nd-test-gateway.h"
#include "nd-test.h"
#include "nd-time.h"
#include "report/nd-report-compare.h"
#include "nd-session.h"

static NdListPage *
list (NdSource *s, void (*fn) (NdSource *, const NdListQuery *, GCancellable *, GAsyncReadyCallback,
                               gpointer), const NdListQuery *q)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  NdListPage *page;

  fn (s, q, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  page = nd_source_list_finish (s, res, &error);
  g_assert_no_error (error);
  return page;
}

/* The report answers every dashboard query as the store it came from did. */
static void
test_round_trip_facts (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(NdSource) report = NULL;
  g_autoptr(GError) error = NULL;
  NdReportMeta *meta;
  NdServerInfo *info;
  const char *presets[] = { NULL, "24h", "7d" };

  gw_fx_setup (&fx);
  report = report_open (fx.path, &error);
  g_assert_no_error (error);
  info = nd_source_get_info (report);
  meta = nd_report_source_get_meta (ND_REPORT_SOURCE (report));

  g_assert_cmpint (info->kind, ==, ND_SOURCE_KIND_REPORT);
  g_assert_true (info->read_only);
  g_assert_false (nd_server_info_has (info, ND_CAP_WRITE));
  g_assert_false (nd_server_info_has (info, ND_CAP_LOGS));
  g_assert_true (nd_server_info_has (info, ND_CAP_FACTS | ND_CAP_FACTS_CHANNEL | ND_CAP_FACTS_LATENCY |
                                           ND_CAP_CHANNELS | ND_CAP_USERS | ND_CAP_MODELS));
  g_assert_null (nd_facts_key_for_server (info));
  g_assert_cmpstr (meta->instance, ==, "测试网关");
  g_assert_cmpstr (meta->newapi_version, ==, "v1.0.0-rc.24");
  g_assert_cmpint (meta->from, ==, REPORT_FROM);
  g_assert_cmpint (meta->to, ==, LAST_HOUR);
  g_assert_cmpint (meta->bucket, ==, ND_TIME_DAY);
  g_assert_cmpint (meta->created_at, ==, REPORT_NOW);
  g_assert_cmpstr (meta->range_name, ==, "7d");
  g_assert_cmpint (meta->money->display, ==, ND_MONEY_CNY);
  g_assert_cmpfloat (meta->money->usd_exchange_rate, ==, 7.3);
  g_assert_cmpint (meta->n_users, ==, N_USERS);
  g_assert_cmpint (meta->n_channels, ==, 3);
  g_assert_true (meta->errors_complete);
  g_assert_cmpint (meta->errors_scanned, ==, 60);

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      NdFactsRange range;
      g_autoptr(NdFactsReport) from_report = NULL;
      g_autoptr(NdFactsReport) from_store = NULL;

      g_assert_true (nd_report_meta_get_range (meta, presets[i], &range, &error));
      g_assert_no_error (error);
      from_report = report_query (nd_report_source_get_facts (ND_REPORT_SOURCE (report)), &range, &error);
      g_assert_no_error (error);
      from_store = report_query (fx.store, &range, &error);
      g_assert_no_error (error);
      g_assert_cmpint (from_report->overview.requests, >, 0);
      assert_facts_equal (from_report, from_store);
    }

  /* A range inside the report by hand; one outside it is refused. */
  {
    NdFactsRange range;
    g_autoptr(NdFactsReport) a = NULL;
    g_autoptr(NdFactsReport) b = NULL;

    g_assert_true (nd_report_meta_clamp_range (meta, REPORT_FROM + 3 * 3600 + 5, LAST_HOUR - 86400,
                                               &range, &error));
    g_assert_cmpint (range.from, ==, REPORT_FROM + 3 * 3600);
    a = report_query (nd_report_source_get_facts (ND_REPORT_SOURCE (report)), &range, &error);
    b = report_query (fx.store, &range, &error);
    assert_facts_equal (a, b);
    g_assert_false (nd_report_meta_clamp_range (meta, REPORT_FROM - 3600, LAST_HOUR, &range, &error));
    g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "covers"));
    g_clear_error (&error);
  }

  /* Syncing a report's facts costs nothing and asks the source nothing. */
  {
    g_autoptr(GAsyncResult) res = NULL;
    guint pulls = TEST_GATEWAY (fx.gateway)->pulls;

    nd_facts_sync_async (nd_report_source_get_facts (ND_REPORT_SOURCE (report)), fx.gateway, NULL,
                         NULL, NULL, nd_test_store_result, &res);
    nd_test_wait (&res);
    g_assert_cmpint (nd_facts_sync_finish (nd_report_source_get_facts (ND_REPORT_SOURCE (report)),
                                           res, &error), ==, 0);
    g_assert_no_error (error);
    g_assert_cmpuint (TEST_GATEWAY (fx.gateway)->pulls, ==, pulls);
  }
}

/* Snapshots list like the live sources; nothing changes a report. */
static void
test_round_trip_lists (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(NdSource) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  g_autoptr(NdListPage) page = NULL;
  g_autoptr(NdWrite) write = NULL;
  NdListQuery q = { 0 };
  NdChannel *ch;

  gw_fx_setup (&fx);
  report = report_open (fx.path, &error);
  g_assert_no_error (error);

  nd_source_list_channels_async (report, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  channels = nd_source_list_channels_finish (report, res, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (channels->len, ==, 3);
  ch = g_ptr_array_index (channels, 0);
  g_assert_cmpstr (ch->name, ==, "渠道 1");
  g_assert_cmpstr (ch->group, ==, "default,vip");
  g_assert_cmpfloat (ch->balance, ==, 12.5);
  /* Where it points, not how it logs in; a pasted key is masked. */
  g_assert_cmpstr (ch->base_url, ==, "https://api.example.com/v1");
  g_assert_null (strstr (ch->remark, KEY_IN_REMARK));
  g_assert_nonnull (strstr (ch->remark, "sk-R"));

  /* Users beyond one page of the writer (1000), searchable and sorted. */
  q.limit = 50;
  page = list (report, nd_source_list_users_async, &q);
  g_assert_cmpint (page->total, ==, N_USERS);
  g_assert_cmpint (((NdUser *) g_ptr_array_index (page->items, 0))->id, ==, N_USERS);
  g_clear_pointer (&page, nd_list_page_free);
  q.search = (char *) "user1234";
  page = list (report, nd_source_list_users_async, &q);
  g_assert_cmpint (page->total, ==, 1);
  g_assert_cmpstr (((NdUser *) g_ptr_array_index (page->items, 0))->username, ==, "user1234");
  g_assert_null (strstr (((NdUser *) g_ptr_array_index (page->items, 0))->remark, BARE_KEY));
  g_clear_pointer (&page, nd_list_page_free);
  q.search = NULL;
  q.sort_by = (char *) "quota";
  q.offset = 10;
  q.limit = 5;
  page = list (report, nd_source_list_users_async, &q);
  g_assert_cmpuint (page->items->len, ==, 5);
  g_assert_cmpint (((NdUser *) g_ptr_array_index (page->items, 0))->quota, ==, 10 * 1000);
  g_clear_pointer (&page, nd_list_page_free);

  memset (&q, 0, sizeof q);
  page = list (report, nd_source_list_models_async, &q);
  g_assert_cmpuint (page->items->len, ==, 2);
  g_assert_true (isnan (((NdModel *) g_ptr_array_index (page->items, 0))->model_ratio));
  g_assert_cmpfloat (((NdModel *) g_ptr_array_index (page->items, 1))->model_ratio, ==, 1.25);
  g_clear_pointer (&page, nd_list_page_free);
  page = list (report, nd_source_list_tokens_async, &q);
  g_assert_cmpuint (page->items->len, ==, 4);
  g_assert_cmpstr (((NdToken *) g_ptr_array_index (page->items, 0))->masked_key, ==, "sk-abcd***wxyz");

  /* The top errors, most frequent first, masked, one line each. */
  g_clear_object (&res);
  nd_report_source_list_errors_async (ND_REPORT_SOURCE (report), NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  errors = nd_report_source_list_errors_finish (ND_REPORT_SOURCE (report), res, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (errors->len, ==, 3);
  g_assert_cmpstr (((NdReportError *) g_ptr_array_index (errors, 0))->message, ==,
                   "upstream error: status code 500");
  g_assert_cmpint (((NdReportError *) g_ptr_array_index (errors, 0))->count, ==, 30);
  g_assert_cmpstr (((NdReportError *) g_ptr_array_index (errors, 1))->message, ==, "context deadline exceeded");
  g_assert_null (strstr (((NdReportError *) g_ptr_array_index (errors, 2))->message, KEY_IN_ERROR));

  /* Every write is refused before it reaches the file. */
  g_clear_object (&res);
  {
    const gint64 ids[] = { 1 };

    write = nd_write_user_status_new (ids, 1, 2);
  }
  nd_source_write_async (report, write, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_null (nd_source_write_finish (report, res, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "snapshot"));
}

/* No secret the gateway handed over is anywhere in the file's bytes. */
static void
test_no_secrets (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(GPtrArray) secrets = g_ptr_array_new ();

  gw_fx_setup (&fx);
  g_ptr_array_add (secrets, (char *) KEY_IN_REMARK);
  g_ptr_array_add (secrets, (char *) BARE_KEY);
  g_ptr_array_add (secrets, (char *) URL_PASSWORD);
  g_ptr_array_add (secrets, (char *) URL_QUERY_KEY);
  g_ptr_array_add (secrets, (char *) KEY_IN_ERROR);
  assert_no_secrets (fx.path, secrets);
  /* The grep looks at the right bytes: what the gateway shows is there. */
  g_assert_true (file_contains (fx.path, "api.example.com"));
  g_assert_true (file_contains (fx.path, "user1234"));
}

static NdFactsReport *
store_query (NdFacts *facts, gint64 from, gint64 to)
{
  NdFactsRange r = { 0 };
  g_autoptr(GError) error = NULL;
  NdFactsReport *rep;

  r.from = from;
  r.to = to;
  r.now = REPORT_NOW;
  r.tz_offset = G_MININT;
  rep = report_query (facts, &r, &error);
  g_assert_no_error (error);
  return rep;
}

static const NdFactsRank *
find_rank (GPtrArray *rows, const char *key)
{
  for (guint i = 0; i < rows->len; i++)
    if (g_str_equal (((NdFactsRank *) g_ptr_array_index (rows, i))->key, key))
      return g_ptr_array_index (rows, i);
  return NULL;
}

/* Every row of either period, with both sides and the difference,
 * sorted by the size of the change; a period without the row counts 0. */
static void
test_compare (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(NdFactsReport) cur = NULL;
  g_autoptr(NdFactsReport) base = NULL;
  g_autoptr(NdFactsCompare) cmp = NULL;

  gw_fx_setup (&fx);
  cur = store_query (fx.store, LAST_HOUR - 2 * ND_TIME_DAY, LAST_HOUR);
  /* Mostly before the data starts: a few hours only. */
  base = store_query (fx.store, FIRST_HOUR - 3 * ND_TIME_DAY, FIRST_HOUR + 5 * ND_TIME_HOUR);
  cmp = nd_facts_compare_new (cur, base, ND_COMPARE_BY_QUOTA);
  g_assert_cmpfloat (cmp->overview[ND_COMPARE_REQUESTS].delta, ==,
                     cur->overview.requests - base->overview.requests);
  g_assert_cmpfloat (cmp->overview[ND_COMPARE_QUOTA].change, ==,
                     (double) (cur->overview.quota - base->overview.quota) / base->overview.quota);
  g_assert_cmpuint (cmp->models->len, ==, 2);
  g_assert_cmpuint (cmp->channels->len, ==, 3);
  for (guint i = 0; i < cmp->channels->len; i++)
    {
      const NdCompareRow *row = g_ptr_array_index (cmp->channels, i);
      const NdFactsRank *c = find_rank (cur->channels, row->key);
      const NdFactsRank *b = find_rank (base->channels, row->key);

      g_assert_nonnull (c);
      g_assert_cmpfloat (row->values[ND_COMPARE_BY_QUOTA].current, ==, c->quota);
      g_assert_cmpfloat (row->values[ND_COMPARE_BY_QUOTA].baseline, ==, b ? b->quota : 0);
      g_assert_cmpfloat (row->values[ND_COMPARE_BY_REQUESTS].delta, ==, c->requests - (b ? b->requests : 0));
      g_assert_true (row->in_current);
      g_assert_true (row->in_baseline == (b != NULL && b->requests > 0));
      if (i > 0)
        g_assert_cmpfloat (fabs (((NdCompareRow *) g_ptr_array_index (cmp->channels, i - 1))->values[ND_COMPARE_BY_QUOTA].delta),
                           >=, fabs (row->values[ND_COMPARE_BY_QUOTA].delta));
    }
  /* The other way round: every row is gone, by as much. */
  g_clear_pointer (&cmp, nd_facts_compare_unref);
  cmp = nd_facts_compare_new (base, cur, ND_COMPARE_BY_REQUESTS);
  g_assert_cmpfloat (cmp->overview[ND_COMPARE_REQUESTS].delta, ==,
                     base->overview.requests - cur->overview.requests);
  g_assert_cmpfloat (cmp->overview[ND_COMPARE_REQUESTS].change, <, 0);
  {
    NdCompareMeasure m;

    g_assert_true (nd_compare_measure_from_name ("tokens", &m));
    g_assert_cmpint (m, ==, ND_COMPARE_BY_TOKENS);
    g_assert_false (nd_compare_measure_from_name ("cost", &m));
    g_assert_cmpstr (nd_compare_figure_name (ND_COMPARE_ACTIVE_USERS), ==, "active_users");
  }
}

static NdLogPage *
logs_page (NdSource *s, const NdLogQuery *q, const NdLogCursor *after, guint limit)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  NdLogPage *page;

  nd_source_query_logs_async (s, q, after, limit, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  page = nd_source_query_logs_finish (s, res, &error);
  g_assert_no_error (error);
  return page;
}

static gboolean
count_batch (GPtrArray *rows, gpointer user_data, GError **error)
{
  *(guint *) user_data += rows->len;
  return TRUE;
}

/* A report that kept logs browses them like a live source: newest first,
 * keyset pages without gaps or repeats, every filter, exact counts,
 * totals, export, suggestions; keys masked. */
static void
test_logs (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(NdSource) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  NdLogCursor after = { 0 };
  gboolean more = TRUE, first = TRUE;
  gint64 prev_t = G_MAXINT64, prev_id = G_MAXINT64, want_quota = 0;
  guint want_gpt = 0, exported = 0;
  NdServerInfo *info;

  gw_fx_setup_logs (&fx, 250);
  g_assert_cmpint (fx.meta->n_logs, ==, 250);
  g_assert_false (fx.meta->logs_complete);
  report = report_open (fx.path, &error);
  g_assert_no_error (error);
  info = nd_source_get_info (report);
  g_assert_true (nd_server_info_has (info, ND_CAP_LOGS | ND_CAP_LOG_EXPORT));
  g_assert_false (nd_server_info_has (info, ND_CAP_LOG_TAIL));

  while (more)
    {
      g_autoptr(NdLogPage) page = logs_page (report, q, first ? NULL : &after, 40);

      for (guint i = 0; i < page->rows->len; i++)
        {
          const NdLog *log = g_ptr_array_index (page->rows, i);

          g_assert_true (log->created_at < prev_t || (log->created_at == prev_t && log->id < prev_id));
          g_assert_true (g_hash_table_add (seen, g_memdup2 (&log->id, sizeof log->id)));
          g_assert_null (strstr (log->content, KEY_IN_ERROR));
          g_assert_null (strstr (log->other, BARE_KEY));
          prev_t = log->created_at;
          prev_id = log->id;
        }
      more = page->has_more;
      after = page->next;
      first = FALSE;
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 250);
  g_assert_cmpint (prev_id, ==, 100000 - 249);

  /* The newest 250 of the generator's: filters against its rule. */
  for (int i = 0; i < 250; i++)
    if (i % 3 == 1 && i % 10 != 3 && 1 + i % 2 == 2)
      {
        want_gpt++;
        want_quota += 100 * (i % 7);
      }
  nd_log_query_add_model (q, "gpt-4o");
  nd_log_query_add_model (q, "no-such-model");
  nd_log_query_add_channel (q, 2);
  q->type = ND_LOG_CONSUME;
  q->username = g_strdup ("user2");
  {
    g_autoptr(GAsyncResult) res = NULL;
    NdLogEstimate est;
    NdLogTotals totals;

    nd_source_estimate_logs_async (report, q, NULL, nd_test_store_result, &res);
    nd_test_wait (&res);
    g_assert_true (nd_source_estimate_logs_finish (report, res, &est, &error));
    g_assert_true (est.exact);
    g_assert_cmpint (est.rows, ==, want_gpt);
    g_clear_object (&res);
    nd_source_log_totals_async (report, q, NULL, nd_test_store_result, &res);
    nd_test_wait (&res);
    g_assert_true (nd_source_log_totals_finish (report, res, &totals, &error));
    g_assert_cmpint (totals.quota, ==, want_quota);
    g_assert_cmpint (totals.requests, ==, want_gpt);
    g_clear_object (&res);
    nd_source_export_logs_async (report, q, count_batch, &exported, NULL, nd_test_store_result, &res);
    nd_test_wait (&res);
    g_assert_cmpint (nd_source_export_logs_finish (report, res, &error), ==, want_gpt);
    g_assert_cmpuint (exported, ==, want_gpt);
  }
  {
    g_autoptr(GAsyncResult) res = NULL;
    g_auto(GStrv) models = NULL;

    nd_source_suggest_async (report, ND_SUGGEST_MODEL, "gpt", 10, NULL, nd_test_store_result, &res);
    nd_test_wait (&res);
    models = nd_source_strv_finish (report, res, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (models), ==, 1);
    g_assert_cmpstr (models[0], ==, "gpt-4o");
  }
  {
    g_autoptr(GPtrArray) secrets = g_ptr_array_new ();

    g_ptr_array_add (secrets, (char *) KEY_IN_ERROR);
    g_ptr_array_add (secrets, (char *) BARE_KEY);
    assert_no_secrets (fx.path, secrets);
    g_assert_true (file_contains (fx.path, "203.0.113.9"));
  }
}

/* Without logs the Logs page says why instead of showing nothing. */
static void
test_no_logs (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(NdSource) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();

  gw_fx_setup_logs (&fx, 1000);
  g_assert_cmpint (fx.meta->n_logs, ==, N_LOGS);
  g_assert_true (fx.meta->logs_complete);
  g_clear_pointer (&fx.meta, nd_report_meta_unref);
  gw_fx_teardown (&fx);
  memset (&fx, 0, sizeof fx);

  gw_fx_setup (&fx);
  g_assert_cmpint (fx.meta->n_logs, ==, -1);
  report = report_open (fx.path, &error);
  g_assert_no_error (error);
  g_assert_false (nd_server_info_has (nd_source_get_info (report), ND_CAP_LOGS));
  nd_source_query_logs_async (report, q, NULL, 10, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_null (nd_source_query_logs_finish (report, res, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
}

/* The window opens a report through a session like any connection: it
 * connects (the probe checks the file) or fails with the file's problem. */
static void
test_session (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(NdProfile) profile = g_object_new (ND_TYPE_PROFILE, "id", "report", "name", "week",
                                               "read-only", TRUE, NULL);
  g_autoptr(NdSession) session = NULL;
  g_autoptr(NdSession) broken = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cut = NULL;

  gw_fx_setup (&fx);
  source = nd_report_source_new (fx.path);
  session = nd_session_new_for_source (profile, source);
  nd_session_connect_async (session, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_true (nd_session_connect_finish (session, res, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nd_session_get_state (session), ==, ND_SESSION_CONNECTED);
  g_assert_cmpint (nd_session_get_info (session)->kind, ==, ND_SOURCE_KIND_REPORT);
  g_assert_true (nd_session_get_manage_source (session) == source);

  cut = g_build_filename (fx.dir, "cut.ndreport", NULL);
  {
    g_autofree char *data = NULL;
    gsize len;
    g_autoptr(NdSource) bad = NULL;

    g_assert_true (g_file_get_contents (fx.path, &data, &len, NULL));
    g_assert_true (g_file_set_contents (cut, data, (gssize) (len / 2), NULL));
    bad = nd_report_source_new (cut);
    broken = nd_session_new_for_source (profile, bad);
  }
  g_clear_object (&res);
  nd_session_connect_async (broken, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_false (nd_session_connect_finish (broken, res, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "cut short"));
  g_assert_cmpint (nd_session_get_state (broken), ==, ND_SESSION_FAILED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("TZ", "Asia/Shanghai", TRUE);
  g_test_add_func ("/report/file/round-trip-facts", test_round_trip_facts);
  g_test_add_func ("/report/file/round-trip-lists", test_round_trip_lists);
  g_test_add_func ("/report/file/no-secrets", test_no_secrets);
  g_test_add_func ("/report/file/compare", test_compare);
  g_test_add_func ("/report/file/logs", test_logs);
  g_test_add_func ("/report/file/no-logs", test_no_logs);
  g_test_add_func ("/report/file/session", test_session);
  return g_test_run ();
}
