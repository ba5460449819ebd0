/* test-report-http.c — a report of a gateway read over NewAPI's API (the
 * fake NewAPI of tests/http): its figures are the live ones, day slices
 * and all, and no secret of the database is in it
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-http-fx.h"
#include "nd-report-check.h"
#include "nd-time.h"

static void
test_round_trip (gconstpointer data)
{
  const Mode *mode = data;
  FX (mode);
  g_autofree char *dir = g_dir_make_tmp ("nd-report-http-XXXXXX", NULL);
  g_autofree char *store_path = g_build_filename (dir, "facts.sqlite", NULL);
  g_autofree char *path = g_build_filename (dir, "week.ndreport", NULL);
  g_autoptr(NdFacts) store = nd_facts_new (store_path);
  g_autoptr(NdReportMeta) written = NULL;
  g_autoptr(NdSource) report = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) secrets = NULL;
  NdReportOptions o = { 0 };
  /* The fixture's logs end at ND_TEST_NOW; "now" is in its last day, so
   * "today" and 24h have traffic. */
  gint64 now = ND_TEST_NOW - 3 * ND_TIME_HOUR - 600;
  NdReportMeta *meta;
  NdServerInfo *info;
  const char *presets[] = { NULL, "24h" };

  /* Seven local days and the day of "now" so far. */
  o.from = nd_time_day_add (NULL, now, -7);
  o.to = nd_time_hour (now) + ND_TIME_HOUR;
  o.now = now;
  nd_facts_set_range (store, o.from, o.to);
  nd_facts_sync_async (store, fx.source, NULL, NULL, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_cmpint (nd_facts_sync_finish (store, res, &error), >=, 0);
  g_assert_no_error (error);

  written = report_write (fx.source, store, &o, path, &error);
  g_assert_no_error (error);
  report = report_open (path, &error);
  g_assert_no_error (error);
  meta = nd_report_source_get_meta (ND_REPORT_SOURCE (report));
  info = nd_source_get_info (report);
  g_assert_cmpint (meta->source_kind, ==, ND_SOURCE_KIND_HTTP);
  g_assert_cmpint (meta->facts_lag_seconds, ==, fx.info->facts_lag_seconds);
  /* What the API could not tell is still missing, and said so. */
  {
    g_auto(GStrv) live = nd_server_info_dup_unavailable_facts (fx.info);
    g_auto(GStrv) offline = nd_server_info_dup_unavailable_facts (info);

    g_assert_true (g_strv_equal ((const char * const *) live, (const char * const *) offline));
    g_assert_cmpstr (nd_server_info_get_facts_caveat (info), ==, nd_server_info_get_facts_caveat (fx.info));
  }
  /* Over the API only the admin's own tokens are listed: no snapshot. */
  g_assert_cmpint (meta->n_tokens, ==, -1);
  g_assert_false (nd_server_info_has (info, ND_CAP_TOKENS_ALL_USERS));
  g_assert_cmpint (meta->n_channels, >, 10);
  g_assert_cmpint (meta->n_users, >, 100);

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      NdFactsRange range;
      g_autoptr(NdFactsReport) offline = NULL;
      g_autoptr(NdFactsReport) live = NULL;

      g_assert_true (nd_report_meta_get_range (meta, presets[i], &range, &error));
      offline = report_query (nd_report_source_get_facts (ND_REPORT_SOURCE (report)), &range, &error);
      g_assert_no_error (error);
      live = report_query (store, &range, &error);
      g_assert_no_error (error);
      g_assert_cmpint (live->overview.requests, >, 0);
      g_assert_cmpint (live->overview.today_requests, >, 0);
      /* Users and channels by whole days where the API has the flow. */
      if (mode == &mode_new)
        g_assert_cmpint (live->granularity.users, ==, ND_TIME_DAY);
      assert_facts_equal (offline, live);
    }

  secrets = fixture_secrets (fx.pg, fx.mode->db);
  assert_no_secrets (path, secrets);
  nd_source_close (report);
  g_clear_object (&store);
  g_usleep (50 * 1000);
  remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  nd_http_fx_add ("report/round-trip", test_round_trip);
  return g_test_run ();
}
