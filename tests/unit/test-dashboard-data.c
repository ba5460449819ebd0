/* test-dashboard-data.c — what the dashboard shows for a report, no display
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-dashboard-data.h"
#include "nd-secret-samples.h"

static NdFactsRank *
rank (gint64 id, const char *name, gint64 requests, gint64 quota)
{
  NdFactsRank *r = g_new0 (NdFactsRank, 1);

  r->id = id;
  r->key = id ? g_strdup_printf ("%" G_GINT64_FORMAT, id) : g_strdup (name);
  r->name = g_strdup (name);
  r->requests = requests;
  r->errors = requests / 10;
  r->quota = quota;
  r->p50 = 1.5;
  r->p95 = 4.25;
  return r;
}

static void
rank_free (gpointer data)
{
  NdFactsRank *r = data;

  g_free (r->key);
  g_free (r->name);
  g_free (r);
}

/* A report with figures big enough to need grouping: 9,604,771 quota
 * units, 9,447,382 tokens, nine models (seven slices and "Other"), two
 * users, a token. */
static NdFactsReport *
make_report (void)
{
  NdFactsReport *rep = g_new0 (NdFactsReport, 1);
  static const char * const models[] = {
    "gpt-4o", "claude", "gemini", "deepseek", "qwen", "glm", "kimi", "grok", "llama",
  };
  gint64 sum = 0;

  g_atomic_ref_count_init (&rep->ref_count);
  rep->models = g_ptr_array_new_with_free_func (rank_free);
  rep->channels = g_ptr_array_new_with_free_func (rank_free);
  rep->users = g_ptr_array_new_with_free_func (rank_free);
  rep->tokens = g_ptr_array_new_with_free_func (rank_free);
  rep->trend = g_array_new (FALSE, TRUE, sizeof (NdFactsPoint));
  rep->overview = (NdFactsOverview) {
    .from = 1795900000, .to = 1795986400, .bucket = 3600,
    .requests = 1234567, .errors = 12345, .success_rate = 0.99,
    .quota = 9604771, .prompt_tokens = 9000000, .completion_tokens = 447382,
    .active_users = 143, .today_requests = 54321, .today_quota = 500000,
    .avg_rpm = 857.3, .avg_tpm = 6560.6,
  };
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      gint64 n = 200000 - i * 20000;

      g_ptr_array_add (rep->models, rank (0, models[i], n, n * 5));
      sum += n;
    }
  g_assert_cmpint (sum, <=, rep->overview.requests);
  g_ptr_array_add (rep->channels, rank (3, "OpenAI", 900000, 7000000));
  g_ptr_array_add (rep->channels, rank (4, "Azure", 334567, 2604771));
  g_ptr_array_add (rep->users, rank (12, "alice", 1000, 6000000));
  g_ptr_array_add (rep->users, rank (13, "alice2", 500, 3604771));
  g_ptr_array_add (rep->tokens, rank (5, "default", 1500, 9604771));
  for (int i = 0; i < 3; i++)
    {
      NdFactsPoint p = { rep->overview.from + i * 3600, 400000 + i, 4000 + i, 3000000 + i, 1000 };

      g_array_append_val (rep->trend, p);
    }
  return rep;
}

static void
test_cards (void)
{
  g_autoptr(NdFactsReport) rep = make_report ();
  g_autoptr(NdMoney) money = nd_money_new_default ();
  g_autoptr(NdDashboardData) data = NULL;

  /* Every figure grouped: the cards used to print 9604771 raw. */
  data = nd_dashboard_data_new (rep, money, ND_CAP_FACTS | ND_CAP_FACTS_TOKEN_SPLIT, 0);
  g_assert_cmpstr (nd_dashboard_data_card_value (data, ND_DASHBOARD_CARD_REQUESTS), ==, "1,234,567");
  g_assert_cmpstr (nd_dashboard_data_card_detail (data, ND_DASHBOARD_CARD_REQUESTS), ==, "12,345 errors");
  g_assert_cmpstr (nd_dashboard_data_card_value (data, ND_DASHBOARD_CARD_SUCCESS), ==, "99.00%");
  g_assert_cmpstr (nd_dashboard_data_card_value (data, ND_DASHBOARD_CARD_QUOTA), ==, "$19.21");
  g_assert_cmpstr (nd_dashboard_data_card_detail (data, ND_DASHBOARD_CARD_QUOTA), ==,
                   "9,604,771 quota units");
  g_assert_cmpstr (nd_dashboard_data_card_value (data, ND_DASHBOARD_CARD_TODAY), ==, "54,321");
  g_assert_cmpstr (nd_dashboard_data_card_detail (data, ND_DASHBOARD_CARD_TODAY), ==, "$1.00 of quota");
  g_assert_cmpstr (nd_dashboard_data_card_detail (data, ND_DASHBOARD_CARD_RPM), ==, "6,561 tokens/min");
  g_assert_cmpstr (nd_dashboard_data_card_value (data, ND_DASHBOARD_CARD_TOKENS), ==, "9,447,382");
  g_assert_cmpstr (nd_dashboard_data_card_detail (data, ND_DASHBOARD_CARD_TOKENS), ==,
                   "9,000,000 in · 447,382 out");
  /* A source without per-user facts says so instead of showing 143. */
  g_assert_cmpstr (nd_dashboard_data_card_value (data, ND_DASHBOARD_CARD_USERS), ==, "—");
  g_assert_cmpstr (nd_dashboard_data_card_detail (data, ND_DASHBOARD_CARD_USERS), ==,
                   "connect the database");
  g_clear_pointer (&data, nd_dashboard_data_free);

  data = nd_dashboard_data_new (rep, money, ND_CAP_FACTS | ND_CAP_FACTS_USER, 0);
  g_assert_cmpstr (nd_dashboard_data_card_value (data, ND_DASHBOARD_CARD_USERS), ==, "143");
  g_assert_cmpstr (nd_dashboard_data_card_detail (data, ND_DASHBOARD_CARD_TOKENS), ==,
                   "prompt + completion");
}

static void
test_charts (void)
{
  g_autoptr(NdFactsReport) rep = make_report ();
  g_autoptr(NdMoney) money = nd_money_new_default ();
  g_autoptr(NdDashboardData) data = NULL;
  const NdChartLineData *trend;
  const NdChartDonutData *donut;
  const NdChartBarsData *bars;
  g_autofree char *quota_text = NULL;

  nd_money_set_option (money, "quota_display_type", "CNY");
  /* Someone named a token after its key. */
  g_ptr_array_add (rep->tokens, rank (6, nd_secret_samples[1], 10, 10));
  data = nd_dashboard_data_new (rep, money, ND_CAP_FACTS, ND_DASHBOARD_METRIC_LATENCY);
  /* The data holds its own money settings: the session's may go first. */
  nd_money_set_option (money, "quota_display_type", "USD");

  trend = nd_dashboard_data_line (data, ND_DASHBOARD_CHART_TREND);
  g_assert_cmpuint (trend->n_points, ==, 3);
  g_assert_cmpuint (trend->n_series, ==, 2);
  g_assert_cmpfloat (trend->series[0].values[2], ==, 400002);
  g_assert_true (trend->series[1].right_axis);
  /* The chart that draws the quota series copies its settings too. */
  g_assert_nonnull (trend->series[1].format_data_copy);
  g_assert_nonnull (trend->series[1].format_data_free);
  quota_text = trend->series[1].format (500000, trend->series[1].format_data);
  g_assert_cmpstr (quota_text, ==, "¥7.30");
  g_assert_cmpfloat (nd_dashboard_data_line (data, ND_DASHBOARD_CHART_ERRORS)->series[0].values[0], ==,
                     100.0 * 4000 / 400000);
  g_assert_nonnull (strstr (nd_dashboard_data_description (data, ND_DASHBOARD_CHART_TREND),
                            "1,234,567 requests"));

  donut = nd_dashboard_data_donut (data);
  g_assert_cmpuint (donut->n_slices, ==, ND_DASHBOARD_DONUT_SLICES + 1);
  g_assert_true (donut->last_is_other);
  g_assert_cmpstr (donut->slices[0].label, ==, "gpt-4o");
  g_assert_cmpstr (donut->slices[0].value_text, ==, "200,000");
  g_assert_cmpstr (donut->slices[ND_DASHBOARD_DONUT_SLICES].label, ==, "Other");
  /* Other is everything the seven slices leave of the total. */
  g_assert_cmpfloat (donut->slices[ND_DASHBOARD_DONUT_SLICES].value, ==,
                     1234567 - (200000 + 180000 + 160000 + 140000 + 120000 + 100000 + 80000));
  g_assert_cmpstr (donut->center_title, ==, "1,234,567");

  bars = nd_dashboard_data_bars (data, ND_DASHBOARD_CHART_CHANNELS);
  g_assert_cmpuint (bars->n_bars, ==, 2);
  g_assert_false (bars->ranking);
  g_assert_cmpstr (bars->bars[0].value_text, ==, "p50 1.5 s · p95 4.2 s");
  g_assert_cmpfloat (bars->bars[0].value2, ==, 4.25);

  bars = nd_dashboard_data_bars (data, ND_DASHBOARD_CHART_TOKENS);
  g_assert_cmpuint (bars->n_bars, ==, 2);
  g_assert_cmpstr (bars->bars[1].label, ==, "IhKt***F4vU");
  g_assert_null (nd_secret_leaked (nd_dashboard_data_description (data, ND_DASHBOARD_CHART_TOKENS)));

  bars = nd_dashboard_data_bars (data, ND_DASHBOARD_CHART_USERS);
  g_assert_true (bars->ranking);
  g_assert_cmpstr (bars->bars[1].label, ==, "alice2");
  g_assert_cmpstr (bars->bars[0].value_text, ==, "¥87.60");
  g_assert_cmpstr (bars->bars[0].detail, ==, "1,000 requests");
}

/* A report with nothing in it draws empty charts, not one zero point. */
static void
test_empty_report (void)
{
  g_autoptr(NdFactsReport) rep = make_report ();
  g_autoptr(NdMoney) money = nd_money_new_default ();
  g_autoptr(NdDashboardData) data = NULL;

  rep->overview.requests = 0;
  g_ptr_array_set_size (rep->models, 0);
  data = nd_dashboard_data_new (rep, money, ND_CAP_FACTS, 0);
  g_assert_cmpuint (nd_dashboard_data_line (data, ND_DASHBOARD_CHART_TREND)->n_points, ==, 0);
  g_assert_cmpuint (nd_dashboard_data_donut (data)->n_slices, ==, 0);
  g_assert_cmpstr (nd_dashboard_data_card_value (data, ND_DASHBOARD_CARD_SUCCESS), ==, "—");
}

/* A click opens Logs by id: names repeat (two users "alice" on two
 * servers, token "default" for every user) and can be renamed. */
static void
test_drill_down (void)
{
  g_autoptr(NdFactsReport) rep = make_report ();
  g_autoptr(NdLogQuery) user = nd_dashboard_drill_down (rep, ND_DASHBOARD_CHART_USERS, 1);
  g_autoptr(NdLogQuery) token = nd_dashboard_drill_down (rep, ND_DASHBOARD_CHART_TOKENS, 0);
  g_autoptr(NdLogQuery) model = nd_dashboard_drill_down (rep, ND_DASHBOARD_CHART_MODELS, 1);
  g_autoptr(NdLogQuery) channel = nd_dashboard_drill_down (rep, ND_DASHBOARD_CHART_CHANNELS, 1);

  g_assert_cmpint (user->user_id, ==, 13);
  g_assert_null (user->username);
  g_assert_cmpint (user->from, ==, rep->overview.from);
  g_assert_cmpint (user->to, ==, rep->overview.to);
  g_assert_cmpint (token->token_id, ==, 5);
  g_assert_null (token->token_name);
  g_assert_cmpuint (model->models->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (model->models, 0), ==, "claude");
  g_assert_cmpint (g_array_index (channel->channels, gint64, 0), ==, 4);
  /* "Other" is many models; the trend is no list. */
  g_assert_null (nd_dashboard_drill_down (rep, ND_DASHBOARD_CHART_MODELS, ND_DASHBOARD_DONUT_SLICES));
  g_assert_null (nd_dashboard_drill_down (rep, ND_DASHBOARD_CHART_TREND, 0));
  g_assert_null (nd_dashboard_drill_down (rep, ND_DASHBOARD_CHART_USERS, 2));
  g_assert_null (nd_dashboard_drill_down (NULL, ND_DASHBOARD_CHART_USERS, 0));
}

static void
test_needs (void)
{
  NdCapabilities http = ND_CAP_FACTS | ND_CAP_FACTS_CHANNEL | ND_CAP_FACTS_USER | ND_CAP_FACTS_ERRORS;
  NdCapabilities missing;

  g_assert_cmpint (nd_dashboard_chart_needs (ND_DASHBOARD_CHART_CHANNELS, ND_DASHBOARD_METRIC_REQUESTS)
                   & ~http, ==, 0);
  missing = nd_dashboard_chart_needs (ND_DASHBOARD_CHART_CHANNELS, ND_DASHBOARD_METRIC_LATENCY) & ~http;
  g_assert_cmpint (missing, ==, ND_CAP_FACTS_LATENCY);
  g_assert_cmpstr (nd_dashboard_missing_reason (missing), ==, "NewAPI’s API reports no response times.");
  missing = nd_dashboard_chart_needs (ND_DASHBOARD_CHART_TOKENS, 0) & ~http;
  g_assert_nonnull (strstr (nd_dashboard_missing_reason (missing), "root user"));
}

/* The ticker shows an error's text, which upstreams fill with the keys
 * they were given. */
static void
test_ticker_masks (void)
{
  g_autoptr(NdMoney) money = nd_money_new_default ();
  g_autoptr(NdLog) log = nd_log_new ();
  g_autofree char *what = NULL;
  g_autofree char *figure = NULL;

  log->type = ND_LOG_ERROR;
  log->username = g_strdup ("alice");
  log->model_name = g_strdup ("gpt-4o");
  log->content = nd_secret_text ();
  g_assert_nonnull (nd_secret_leaked (log->content));
  nd_dashboard_ticker_line (log, money, &what, &figure);
  g_assert_null (nd_secret_leaked (what));
  g_assert_true (g_str_has_prefix (what, "alice · gpt-4o · Incorrect API key provided: sk-u8jz***isAj"));
  g_assert_cmpstr (figure, ==, "error");

  g_clear_pointer (&what, g_free);
  g_clear_pointer (&figure, g_free);
  log->type = ND_LOG_CONSUME;
  log->quota = 1000000;
  nd_dashboard_ticker_line (log, money, &what, &figure);
  g_assert_cmpstr (what, ==, "alice · gpt-4o");
  g_assert_cmpstr (figure, ==, "$2.00");
}

static void
test_synced_text (void)
{
  g_autofree char *never = nd_dashboard_synced_text (0, 1000, FALSE);
  g_autofree char *syncing = nd_dashboard_synced_text (0, 1000, TRUE);
  g_autofree char *seconds = nd_dashboard_synced_text (988, 1000, FALSE);
  g_autofree char *one = nd_dashboard_synced_text (999, 1000, FALSE);
  g_autofree char *minutes = nd_dashboard_synced_text (1000, 1000 + 5 * 60 + 3, FALSE);

  g_assert_cmpstr (never, ==, "Not synced yet");
  g_assert_cmpstr (syncing, ==, "Syncing…");
  g_assert_cmpstr (seconds, ==, "Synced 12 seconds ago");
  g_assert_cmpstr (one, ==, "Synced 1 second ago");
  g_assert_cmpstr (minutes, ==, "Synced 5 minutes ago");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dashboard-data/cards", test_cards);
  g_test_add_func ("/dashboard-data/charts", test_charts);
  g_test_add_func ("/dashboard-data/empty-report", test_empty_report);
  g_test_add_func ("/dashboard-data/drill-down", test_drill_down);
  g_test_add_func ("/dashboard-data/needs", test_needs);
  g_test_add_func ("/dashboard-data/ticker-masks", test_ticker_masks);
  g_test_add_func ("/dashboard-data/synced-text", test_synced_text);
  return g_test_run ();
}
