/* test-dashboard-page.c — the dashboard page on a fixture database (Xvfb)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Connects a real session to a generated NewAPI database, puts the page in
 * a window and waits for it to sync and draw; then checks the figures on
 * screen against SQL, that every chart has data and draws, and that
 * clicking a model opens the Logs page filtered to it (win.open-logs).
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "nd-chart-card.h"
#include "nd-chart-view.h"
#include "../unit/nd-secret-samples.h"
#include "nd-stat-card.h"
#include "nd-ticker.h"
#include "nd-dashboard-page.h"
#include "nd-test.h"

static char *opened_filter;

static void
open_logs_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  g_free (opened_filter);
  opened_filter = g_variant_dup_string (param, NULL);
}

static gboolean
wait_for (gboolean (*cond) (gpointer), gpointer data, int seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

static gboolean
has_report (gpointer page)
{
  NdFactsReport *rep = nd_dashboard_page_get_report (page);

  return rep != NULL && rep->overview.requests > 0;
}

typedef struct {
  gpointer page;
  gint64 requests;
} HasRequests;

static gboolean
has_requests (gpointer data)
{
  HasRequests *h = data;
  NdFactsReport *rep = nd_dashboard_page_get_report (h->page);

  return rep != NULL && rep->overview.requests == h->requests;
}

/* Every label on screen under @widget, joined by '|'. */
static void
collect_labels (GtkWidget *widget, GString *out)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_LABEL (c) && gtk_widget_get_mapped (c))
        g_string_append_printf (out, "%s|", gtk_label_get_text (GTK_LABEL (c)));
      collect_labels (c, out);
    }
}

/* No figure of five digits or more is printed raw: every count goes
 * through the one grouping formatter (the tests run in C.UTF-8, which
 * groups with ','). */
static void
assert_grouped (const char *text)
{
  g_autoptr(GRegex) raw = g_regex_new ("(?<![\\d.,])\\d{5,}", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (g_regex_match (raw, text, 0, &match))
    {
      g_autofree char *digits = g_match_info_fetch (match, 0);

      g_error ("“%s” is not grouped in: %s", digits, text);
    }
}

static GtkWidget *
find_ticker (GtkWidget *widget)
{
  if (ND_IS_TICKER (widget))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_ticker (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct {
  GtkWidget *page;
  const char *text;
  char *labels;      /* the ticker's labels once they show @text */
} TickerShows;

static gboolean
ticker_shows (gpointer data)
{
  TickerShows *t = data;
  g_autoptr(GString) labels = g_string_new (NULL);

  collect_labels (find_ticker (t->page), labels);
  if (strstr (labels->str, t->text) == NULL)
    return FALSE;
  t->labels = g_string_free (g_steal_pointer (&labels), FALSE);
  return TRUE;
}

static gboolean
is_connected (gpointer session)
{
  NdSessionState st = nd_session_get_state (session);

  return st == ND_SESSION_CONNECTED || st == ND_SESSION_FAILED;
}

static void
test_page (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autoptr(NdProfile) profile = NULL;
  g_autoptr(NdSecretStore) secrets = NULL;
  g_autoptr(NdSession) session = NULL;
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) action = g_simple_action_new ("open-logs", G_VARIANT_TYPE_STRING);
  g_autoptr(PGresult) res = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GSettings) settings = NULL;
  GtkWidget *window, *page;
  g_autoptr(NdFactsReport) rep = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 from, to;

  if (pg == NULL)
    return;
  /* Logs up to the last hour, so the 24 h range has data (and every row is
   * old enough for a sync to take it: the newest minute is left alone). */
  dsn = nd_test_pg_fixture (pg, "dash_page", "new", 20000, NULL, now - now % 3600 - 3600);
  /* Only an immediate refresh (page shown again) can sync within the test. */
  settings = g_settings_new (APPLICATION_ID);
  g_settings_set_uint (settings, "refresh-interval", 3600);
  profile = nd_profile_new ("test-dashboard");
  g_object_set (profile, "name", "Fixture", "pg-dsn", dsn, "read-only", TRUE, NULL);
  secrets = nd_secret_store_new_memory ();
  session = nd_session_new (profile, secrets);
  nd_session_connect_async (session, NULL, NULL, NULL);
  g_assert_true (wait_for (is_connected, session, 60));
  g_assert_cmpint (nd_session_get_state (session), ==, ND_SESSION_CONNECTED);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 900);
  g_signal_connect (action, "activate", G_CALLBACK (open_logs_cb), NULL);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
  gtk_widget_insert_action_group (window, "win", G_ACTION_GROUP (group));
  page = g_object_new (ND_TYPE_DASHBOARD_PAGE, "session", session, NULL);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_true (wait_for (has_report, page, 120));
  /* The page replaces (and frees) its report on every refresh: hold it. */
  rep = nd_facts_report_ref (nd_dashboard_page_get_report (ND_DASHBOARD_PAGE (page)));
  from = rep->overview.from;
  to = rep->overview.to;
  sql = g_strdup_printf ("SELECT count(*) FROM logs WHERE type IN (2, 5) AND created_at >= %"
                         G_GINT64_FORMAT " AND created_at < %" G_GINT64_FORMAT,
                         rep->overview.from, rep->overview.to);
  g_assert_cmpint (rep->overview.requests, ==, nd_test_pg_scalar (pg, "dash_page", sql));
  g_assert_cmpuint (rep->trend->len, ==, 24);
  g_assert_cmpuint (rep->models->len, >, 1);
  gtk_test_widget_wait_for_draw (window);
  {
    g_autoptr(GString) labels = g_string_new (NULL);
    g_autofree char *quota = nd_format_count (rep->overview.quota);

    /* The cards and the chart headers; the ticker shows model names with
     * dates in them. */
    for (GtkWidget *w = gtk_widget_get_first_child (page); w; )
      {
        if (ND_IS_STAT_CARD (w) || ND_IS_CHART_CARD (w))
          collect_labels (w, labels);
        if (gtk_widget_get_first_child (w) != NULL && !ND_IS_STAT_CARD (w) && !ND_IS_CHART_CARD (w))
          w = gtk_widget_get_first_child (w);
        else
          {
            while (w != page && gtk_widget_get_next_sibling (w) == NULL)
              w = gtk_widget_get_parent (w);
            w = w == page ? NULL : gtk_widget_get_next_sibling (w);
          }
      }
    g_test_message ("labels: %s", labels->str);
    g_assert_cmpint (rep->overview.quota, >=, 10000);
    assert_grouped (labels->str);
    g_assert_nonnull (strstr (labels->str, quota));
  }

  /* Every chart has a size and draws into a file with the same renderer. */
  for (guint i = 0; i < 6; i++)
    {
      GtkWidget *chart = nd_dashboard_page_get_chart (ND_DASHBOARD_PAGE (page), i);
      g_autofree char *dir = g_dir_make_tmp ("nd-chart-XXXXXX", NULL);
      g_autofree char *png = g_build_filename (dir, "c.png", NULL);
      g_autofree char *svg = g_build_filename (dir, "c.svg", NULL);
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (chart);
      g_assert_true (gtk_widget_get_mapped (chart) || i >= 3);
      g_assert_true (nd_chart_view_write_file (ND_CHART_VIEW (chart), png, 400, 240, &error));
      g_assert_no_error (error);
      g_assert_true (nd_chart_view_write_file (ND_CHART_VIEW (chart), svg, 400, 240, &error));
      g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
      g_assert_false (nd_chart_view_write_file (ND_CHART_VIEW (chart), "/nonexistent/x.bmp", 10, 10, &error));
      g_unlink (png);
      g_unlink (svg);
      g_rmdir (dir);
    }

  /* Clicking the biggest model opens Logs filtered to it and the range. */
  g_signal_emit_by_name (nd_dashboard_page_get_chart (ND_DASHBOARD_PAGE (page), 1), "activated", 0);
  g_assert_nonnull (opened_filter);
  {
    NdFactsRank *top = g_ptr_array_index (rep->models, 0);
    g_autoptr(NdLogQuery) q = nd_log_query_from_string (opened_filter, NULL);

    g_assert_nonnull (q);
    g_assert_cmpuint (q->models->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (q->models, 0), ==, top->key);
    g_assert_cmpint (q->from, ==, rep->overview.from);
  }
  /* …and a channel bar to the channel. */
  g_signal_emit_by_name (nd_dashboard_page_get_chart (ND_DASHBOARD_PAGE (page), 2), "activated", 0);
  {
    NdFactsRank *top = g_ptr_array_index (rep->channels, 0);
    g_autoptr(NdLogQuery) q = nd_log_query_from_string (opened_filter, NULL);

    g_assert_cmpuint (q->channels->len, ==, 1);
    g_assert_cmpint (g_array_index (q->channels, gint64, 0), ==, top->id);
  }

  /* An error whose text quotes keys reaches the ticker masked. */
  {
    g_autofree char *secret = nd_secret_text ();
    g_autofree char *ins = g_strdup_printf (
      "INSERT INTO logs (user_id, created_at, type, username, model_name, content, channel_id)"
      " VALUES (1, %" G_GINT64_FORMAT ", 5, 'alice', 'gpt-4o', '%s', 1)",
      from - 7200, secret);   /* outside the range: the figures below stay */
    TickerShows shows = { page, "Incorrect API key provided" };

    nd_test_pg_exec (pg, "dash_page", ins);
    g_assert_true (wait_for (ticker_shows, &shows, 30));
    g_assert_null (nd_secret_leaked (shows.labels));
    g_assert_nonnull (strstr (shows.labels, "sk-u8jz***isAj"));
    g_free (shows.labels);
  }

  /* Another page on screen: no polling. Back: refreshed at once. */
  g_assert_true (nd_dashboard_page_is_polling (ND_DASHBOARD_PAGE (page)));
  gtk_widget_set_visible (page, FALSE);
  g_assert_false (gtk_widget_get_mapped (page));
  g_assert_false (nd_dashboard_page_is_polling (ND_DASHBOARD_PAGE (page)));
  {
    g_autofree char *ins = g_strdup_printf (
      "INSERT INTO logs (user_id, created_at, type, username, token_name, model_name, quota,"
      " prompt_tokens, completion_tokens, use_time, channel_id, token_id, \"group\")"
      " SELECT user_id, %" G_GINT64_FORMAT ", 2, username, token_name, model_name, 5, 1, 2, 3,"
      " channel_id, token_id, \"group\" FROM logs WHERE type = 2 ORDER BY id DESC LIMIT 7",
      rep->overview.from + 60);
    gint64 want = rep->overview.requests + 7;

    nd_test_pg_exec (pg, "dash_page", ins);
    /* Hidden for a while: nothing syncs (the interval is an hour anyway). */
    for (int i = 0; i < 50; i++)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (2000);
      }
    g_assert_cmpint (nd_dashboard_page_get_report (ND_DASHBOARD_PAGE (page))->overview.requests, ==,
                     want - 7);
    gtk_widget_set_visible (page, TRUE);
    g_assert_true (gtk_widget_get_mapped (page));
    g_assert_true (nd_dashboard_page_is_polling (ND_DASHBOARD_PAGE (page)));
    g_assert_true (wait_for (has_requests, &(HasRequests) { page, want }, 60));
  }

  /* The session goes away while a sync may be running: the old sync's
   * progress and result never reach the page, and no chart keeps what it
   * drew (nor the money settings of the session's server info). */
  gtk_widget_set_visible (page, FALSE);
  gtk_widget_set_visible (page, TRUE);       /* starts a sync */
  nd_page_set_session (ND_PAGE (page), NULL);
  g_assert_false (nd_dashboard_page_is_polling (ND_DASHBOARD_PAGE (page)));
  g_assert_null (nd_dashboard_page_get_report (ND_DASHBOARD_PAGE (page)));
  for (int i = 0; i < 200; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  g_assert_null (nd_dashboard_page_get_report (ND_DASHBOARD_PAGE (page)));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (
    gtk_widget_get_template_child (page, ND_TYPE_DASHBOARD_PAGE, "progress_revealer"))));
  for (guint i = 0; i < 6; i++)
    {
      NdChartView *chart = ND_CHART_VIEW (nd_dashboard_page_get_chart (ND_DASHBOARD_PAGE (page), i));

      g_assert_null (nd_chart_view_get_labels (chart)[0]);
    }

  /* …and comes back (a reconnect hands the page a fresh session): the page
   * starts over on it, syncs and shows the database's figures again. */
  {
    g_autoptr(NdSession) again = nd_session_new (profile, secrets);
    g_autofree char *count = g_strdup_printf (
      "SELECT count(*) FROM logs WHERE type IN (2, 5) AND created_at >= %" G_GINT64_FORMAT
      " AND created_at < %" G_GINT64_FORMAT, from, to);
    HasRequests want = { page, 0 };

    nd_session_connect_async (again, NULL, NULL, NULL);
    g_assert_true (wait_for (is_connected, again, 60));
    g_assert_cmpint (nd_session_get_state (again), ==, ND_SESSION_CONNECTED);
    nd_page_set_session (ND_PAGE (page), again);
    want.requests = nd_test_pg_scalar (pg, "dash_page", count);
    g_assert_true (wait_for (has_requests, &want, 60));
    g_assert_true (nd_dashboard_page_is_polling (ND_DASHBOARD_PAGE (page)));
    g_assert_nonnull (nd_chart_view_get_labels (ND_CHART_VIEW (
      nd_dashboard_page_get_chart (ND_DASHBOARD_PAGE (page), 1)))[0]);
    nd_page_set_session (ND_PAGE (page), NULL);
    nd_session_disconnect (again);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  nd_session_disconnect (session);
}

static char *
money_text (double value, gpointer money)
{
  return nd_money_format (money, (gint64) value);
}

/* A chart keeps its own copy of the money settings it formats with: the
 * settings live in a session's server info, which a reconnect or a profile
 * switch frees while the chart is still on screen. */
static void
test_chart_owns_money (void)
{
  GtkWidget *view = g_object_ref_sink (nd_chart_view_new (ND_CHART_VIEW_LINE, "Quota"));
  NdMoney *money = nd_money_new_default ();
  double values[2] = { 0, 500000 };
  const char *labels[2] = { "00:00", "01:00" };
  NdChartLineData d = { 0 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 300, 200);
  cairo_t *cr = cairo_create (surface);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  nd_money_set_option (money, "quota_display_type", "CNY");
  d.n_points = 2;
  d.x_labels = labels;
  d.n_series = 1;
  d.hover = 1;
  d.series[0] = (NdChartSeries) { "Quota", values, 0, FALSE, money_text, money,
                                  (gpointer (*) (gpointer)) nd_money_copy,
                                  (GDestroyNotify) nd_money_free };
  nd_chart_view_set_line (ND_CHART_VIEW (view), &d, NULL);
  before = nd_chart_view_format_value (ND_CHART_VIEW (view), 0, 500000);
  g_assert_cmpstr (before, ==, "¥7.30");

  /* The session's settings change, then go. */
  nd_money_set_option (money, "quota_display_type", "USD");
  nd_money_free (money);
  after = nd_chart_view_format_value (ND_CHART_VIEW (view), 0, 500000);
  g_assert_cmpstr (after, ==, "¥7.30");
  /* Axis and hover labels go through the same copy (sanitizers and
   * valgrind see any read of the freed settings here). */
  nd_chart_view_render (ND_CHART_VIEW (view), cr, 300, 200);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  nd_chart_view_clear (ND_CHART_VIEW (view));
  g_assert_null (nd_chart_view_format_value (ND_CHART_VIEW (view), 0, 1));
  g_assert_null (nd_chart_view_get_labels (ND_CHART_VIEW (view))[0]);
  g_assert_finalize_object (view);
}

static void
test_no_session (void)
{
  GtkWidget *page = g_object_new (ND_TYPE_DASHBOARD_PAGE, NULL);

  g_object_ref_sink (page);
  g_assert_null (nd_dashboard_page_get_report (ND_DASHBOARD_PAGE (page)));
  g_assert_finalize_object (page);
}

static void
test_no_display (void)
{
  nd_test_require (FALSE, "a display (run under xvfb-run)");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!gtk_init_check ())
    {
      g_test_add_func ("/dashboard/page", test_no_display);
      return g_test_run ();
    }
  adw_init ();
  g_test_add_func ("/dashboard/no-session", test_no_session);
  g_test_add_func ("/dashboard/chart-owns-money", test_chart_owns_money);
  g_test_add_func ("/dashboard/page", test_page);
  return g_test_run ();
}
