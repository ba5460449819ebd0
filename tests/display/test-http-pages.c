/* test-http-pages.c — a URL-only profile against the fake NewAPI, on screen
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session builds its HTTP source itself, exactly as the app does for a
 * profile with a URL and no DSN. Then:
 *   - the dashboard syncs its facts over /api/data/flow (new server) or
 *     /api/data/ (old server) and draws the charts the API can feed (model
 *     share with the fixture's model names, trend, errors), and shows
 *     "Connect the database for this chart" where the caps say the API
 *     cannot (tokens for a non-root admin, latency, and channels / users on
 *     an old server without flow), plus the quota_data caveat;
 *   - the Logs page pages through /api/log/: rows appear, scrolling down
 *     loads more pages from the fake server, and an export says it is
 *     slower over the API.
 *
 * With ND_SHOTS_DIR set it saves http-dashboard-{new,old}-{light,dark}.png
 * and http-logs.png there.
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "http/nd-http-source.h"
#include "nd-chart-view.h"
#include "nd-dashboard-page.h"
#include "nd-display-http.h"
#include "nd-log-model.h"
#include "nd-logs-page.h"
#include "nd-models-page.h"
#include "nd-test.h"

#define MISSING_TEXT "Connect the database for this chart"

enum { CHART_TREND, CHART_MODELS, CHART_CHANNELS, CHART_ERRORS, CHART_TOKENS, CHART_USERS };

typedef struct {
  NdFakeNewapiMode mode;
  const char *db;
  const char *variant;
  char *dsn;
} Fixture;

static Fixture fix_new = { ND_FAKE_NEWAPI_NEW, "http_disp_new", "new", NULL };
static Fixture fix_old = { ND_FAKE_NEWAPI_OLD, "http_disp_old", "old", NULL };
static char *tmp_home;

static gboolean
fixture_ready (Fixture *f)
{
  NdTestPg *pg = nd_test_pg_get ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (pg == NULL)
    return FALSE;
  /* Logs up to this hour, so the dashboard's 24 h range has data. */
  if (f->dsn == NULL)
    f->dsn = nd_test_pg_fixture (pg, f->db, f->variant, 6000, NULL, now - now % 3600);
  return TRUE;
}

static GtkWidget *
find_label (GtkWidget *widget, const char *text)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (c) && gtk_widget_get_mapped (c) &&
          g_strcmp0 (gtk_label_get_text (GTK_LABEL (c)), text) == 0)
        return c;
      if ((found = find_label (c, text)) != NULL)
        return found;
    }
  return NULL;
}

/* "chart" or "missing": what the chart's card shows. */
static const char *
chart_state (GtkWidget *page, int chart)
{
  GtkWidget *view = nd_dashboard_page_get_chart (ND_DASHBOARD_PAGE (page), chart);
  GtkWidget *stack = gtk_widget_get_parent (view);

  g_assert_true (GTK_IS_STACK (stack));
  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static void
assert_missing (GtkWidget *page, int chart)
{
  GtkWidget *view = nd_dashboard_page_get_chart (ND_DASHBOARD_PAGE (page), chart);
  GtkWidget *stack = gtk_widget_get_parent (view);

  g_assert_cmpstr (chart_state (page, chart), ==, "missing");
  g_assert_false (gtk_widget_get_mapped (view));
  g_assert_nonnull (find_label (gtk_stack_get_visible_child (GTK_STACK (stack)), MISSING_TEXT));
}

/* The top of the page, then scrolled to the bottom (the screen is 800 px). */
static void
shoot_both (GtkWidget *window, GtkWidget *page, const char *name)
{
  GtkWidget *view = nd_dashboard_page_get_chart (ND_DASHBOARD_PAGE (page), CHART_USERS);
  GtkWidget *scroller = gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_autofree char *bottom = g_strdup_printf ("%s-bottom", name);

  if (g_getenv ("ND_SHOTS_DIR") == NULL)
    return;
  gtk_adjustment_set_value (adj, 0);
  nd_display_test_draw (window);
  nd_display_test_shot (window, name);
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  nd_display_test_draw (window);
  nd_display_test_shot (window, bottom);
  gtk_adjustment_set_value (adj, 0);
}

static gboolean
has_report (gpointer page)
{
  NdFactsReport *rep = nd_dashboard_page_get_report (page);

  return rep != NULL && rep->overview.requests > 0 && rep->last_sync > 0;
}

static void
dashboard_over_http (Fixture *f, int role, const char *shot)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NdFakeNewapi) fake = NULL;
  g_autoptr(NdSession) session = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *light = g_strdup_printf ("%s-light", shot);
  g_autofree char *dark = g_strdup_printf ("%s-dark", shot);
  NdServerInfo *info;
  NdFactsReport *rep;
  GtkWidget *window, *page;
  const char * const *labels;
  const NdFactsRank *top;

  if (!fixture_ready (f))
    return;
  fake = nd_fake_newapi_new (f->dsn, f->mode, &error);
  g_assert_no_error (error);
  session = nd_display_http_session (fake, role, TRUE);
  info = nd_session_get_info (session);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 1500);
  page = g_object_new (ND_TYPE_DASHBOARD_PAGE, "session", session, NULL);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));

  nd_display_test_wait (has_report, page, 120, "the dashboard to sync over HTTP");
  rep = nd_dashboard_page_get_report (ND_DASHBOARD_PAGE (page));
  /* The facts came over the API, and equal NewAPI's quota_data. */
  g_assert_cmpuint (nd_fake_newapi_count (fake, f->mode == ND_FAKE_NEWAPI_NEW ? "/api/data/flow"
                                                                              : "/api/data/"), >, 0);
  sql = g_strdup_printf ("SELECT COALESCE(sum(quota), 0) FROM quota_data WHERE created_at >= %"
                         G_GINT64_FORMAT " AND created_at < %" G_GINT64_FORMAT,
                         rep->overview.from, rep->overview.to);
  g_assert_cmpint (rep->overview.quota, ==, nd_test_pg_scalar (nd_test_pg_get (), f->db, sql));
  g_assert_cmpint (rep->overview.quota, >, 0);
  nd_display_test_draw (window);

  /* API-fed charts draw from the data: the donut's slices are the top models. */
  g_assert_cmpstr (chart_state (page, CHART_TREND), ==, "chart");
  g_assert_cmpstr (chart_state (page, CHART_MODELS), ==, "chart");
  g_assert_cmpstr (chart_state (page, CHART_ERRORS), ==, "chart");
  g_assert_cmpuint (rep->models->len, >, 1);
  labels = nd_chart_view_get_labels (ND_CHART_VIEW (nd_dashboard_page_get_chart (ND_DASHBOARD_PAGE (page),
                                                                                  CHART_MODELS)));
  g_assert_cmpuint (g_strv_length ((char **) labels), >, 1);
  top = g_ptr_array_index (rep->models, 0);
  g_assert_cmpstr (labels[0], ==, top->name);
  g_assert_cmpint (top->requests, >, 0);
  g_assert_true (gtk_widget_get_mapped (nd_dashboard_page_get_chart (ND_DASHBOARD_PAGE (page), CHART_MODELS)));

  /* The rest says it needs the database, as the caps say. */
  g_assert_false (nd_server_info_has (info, ND_CAP_FACTS_LATENCY));
  if (nd_server_info_has (info, ND_CAP_FACTS_CHANNEL))
    {
      GtkWidget *view = nd_dashboard_page_get_chart (ND_DASHBOARD_PAGE (page), CHART_CHANNELS);
      GtkDropDown *metric = NULL;

      g_assert_cmpstr (chart_state (page, CHART_CHANNELS), ==, "chart");
      g_assert_cmpuint (g_strv_length ((char **) nd_chart_view_get_labels (ND_CHART_VIEW (view))), >, 0);
      /* …but its latency metric cannot be drawn. */
      for (GtkWidget *w = gtk_widget_get_parent (gtk_widget_get_parent (view)); w && !metric;
           w = gtk_widget_get_first_child (w))
        for (GtkWidget *c = gtk_widget_get_first_child (w); c && !metric; c = gtk_widget_get_next_sibling (c))
          if (GTK_IS_DROP_DOWN (c))
            metric = GTK_DROP_DOWN (c);
      g_assert_nonnull (metric);
      gtk_drop_down_set_selected (metric, 3);   /* latency */
      assert_missing (page, CHART_CHANNELS);
      gtk_drop_down_set_selected (metric, 0);
      g_assert_cmpstr (chart_state (page, CHART_CHANNELS), ==, "chart");
    }
  else
    assert_missing (page, CHART_CHANNELS);
  if (nd_server_info_has (info, ND_CAP_FACTS_USER))
    g_assert_cmpstr (chart_state (page, CHART_USERS), ==, "chart");
  else
    assert_missing (page, CHART_USERS);
  if (nd_server_info_has (info, ND_CAP_FACTS_TOKEN))
    g_assert_cmpstr (chart_state (page, CHART_TOKENS), ==, "chart");
  else
    assert_missing (page, CHART_TOKENS);

  /* Which ones, per server: pinned so a caps regression shows up here. */
  if (f->mode == ND_FAKE_NEWAPI_OLD)
    {
      assert_missing (page, CHART_CHANNELS);
      assert_missing (page, CHART_USERS);
      assert_missing (page, CHART_TOKENS);
    }
  else
    {
      g_assert_cmpint (role, <, 100);
      g_assert_cmpstr (chart_state (page, CHART_CHANNELS), ==, "chart");
      g_assert_cmpstr (chart_state (page, CHART_USERS), ==, "chart");
      assert_missing (page, CHART_TOKENS);
    }

  /* NewAPI's quota_data lags and drops long model names: it says so. */
  g_assert_nonnull (nd_server_info_get_facts_caveat (info));
  g_assert_nonnull (find_label (page, nd_server_info_get_facts_caveat (info)));

  shoot_both (window, page, light);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  nd_display_test_draw (window);
  shoot_both (window, page, dark);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_destroy (GTK_WINDOW (window));
  nd_session_disconnect (session);
}

static void
test_dashboard_new (void)
{
  /* An administrator (not root) on a current server: flow, no tokens. */
  dashboard_over_http (&fix_new, 10, "http-dashboard-new");
}

static void
test_dashboard_old (void)
{
  /* A v0.8-era server: no /api/data/flow, so models, trend and errors only. */
  dashboard_over_http (&fix_old, 100, "http-dashboard-old");
}

typedef struct {
  GListModel *model;
  guint min;
} Loaded;

static gboolean
rows_loaded (gpointer data)
{
  Loaded *l = data;
  g_autoptr(NdLogItem) item = NULL;

  if (g_list_model_get_n_items (l->model) < l->min)
    return FALSE;
  item = g_list_model_get_item (l->model, l->min - 1);
  return item != NULL && nd_log_item_get_loaded (item) &&
         !nd_log_model_get_loading (ND_LOG_MODEL (l->model));
}

static gboolean
more_rows (gpointer data)
{
  Loaded *l = data;

  return g_list_model_get_n_items (l->model) > l->min &&
         !nd_log_model_get_loading (ND_LOG_MODEL (l->model));
}

static gboolean
inscription_shown (GtkWidget *widget, const char *text)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_INSCRIPTION (c) && gtk_widget_get_mapped (c) &&
          g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (c)), text) == 0)
        return TRUE;
      if (inscription_shown (c, text))
        return TRUE;
    }
  return FALSE;
}

static gboolean
totals_shown (gpointer label)
{
  return strstr (gtk_label_get_text (label), "Quota") != NULL;
}

static gboolean
not_exporting (gpointer page)
{
  return !nd_logs_page_is_exporting (page);
}

static void
test_logs (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NdFakeNewapi) fake = NULL;
  g_autoptr(NdSession) session = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *csv = NULL;
  GtkWidget *window, *page, *view, *note;
  GtkAdjustment *adj;
  GListModel *model;
  Loaded l;
  guint requests, n;

  if (!fixture_ready (&fix_new))
    return;
  fake = nd_fake_newapi_new (fix_new.dsn, ND_FAKE_NEWAPI_NEW, &error);
  g_assert_no_error (error);
  session = nd_display_http_session (fake, 10, TRUE);
  nd_fake_newapi_reset_log (fake);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 800);
  page = g_object_new (ND_TYPE_LOGS_PAGE, "session", session, NULL);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));

  /* Every log, newest first, from /api/log/. */
  nd_logs_page_set_filter (ND_LOGS_PAGE (page), "");
  model = nd_logs_page_get_model (ND_LOGS_PAGE (page));
  l.model = model;
  l.min = 50;
  nd_display_test_wait (rows_loaded, &l, 60, "the first page of logs over HTTP");
  nd_display_test_draw (window);
  requests = nd_fake_newapi_count (fake, "/api/log/");
  g_assert_cmpuint (requests, >, 0);
  n = g_list_model_get_n_items (model);
  g_assert_cmpuint (n, <, 6000);     /* a page, not the table */
  {
    g_autoptr(NdLogItem) first = g_list_model_get_item (model, 0);
    const NdLog *log = nd_log_item_get_log (first);
    g_autofree char *sql = NULL;

    sql = g_strdup_printf ("SELECT max(id) FROM logs");
    g_assert_cmpint (log->id, ==, nd_test_pg_scalar (nd_test_pg_get (), fix_new.db, sql));
    /* The row is on screen. */
    g_assert_true (log->model_name != NULL && *log->model_name);
    g_assert_true (inscription_shown (window, log->model_name));
  }
  nd_display_test_shot (window, "http-logs");
  /* What the API cannot do is said, not shown as -1 or a dead filter. */
  {
    GtkWidget *totals = nd_display_test_child (page, ND_TYPE_LOGS_PAGE, "totals_label");

    nd_display_test_wait (totals_shown, totals, 30, "the totals over HTTP");
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (totals)), "Quota"));
    g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (totals)), "-1"));
    g_assert_false (gtk_widget_is_sensitive (nd_display_test_child (page, ND_TYPE_LOGS_PAGE, "ip_entry")));
  }

  /* Scrolling to the bottom loads the next pages from the server. */
  view = nd_display_test_child (page, ND_TYPE_LOGS_PAGE, "column_view");
  adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  for (int round = 0; round < 3; round++)
    {
      l.min = g_list_model_get_n_items (model);
      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
      nd_display_test_wait (more_rows, &l, 60, "more logs after scrolling");
      nd_display_test_draw (window);
    }
  g_assert_cmpuint (g_list_model_get_n_items (model), >, n);
  g_assert_cmpuint (nd_fake_newapi_count (fake, "/api/log/"), >, requests);

  /* Export says it is slower over the API. */
  nd_logs_page_set_filter (ND_LOGS_PAGE (page), "type=5");
  csv_path = g_build_filename (tmp_home, "errors.csv", NULL);
  note = nd_display_test_child (page, ND_TYPE_LOGS_PAGE, "note");
  nd_fake_newapi_set_delay (fake, "/api/log/", 300);
  nd_logs_page_export_to (ND_LOGS_PAGE (page), csv_path);
  g_assert_true (nd_logs_page_is_exporting (ND_LOGS_PAGE (page)));
  nd_display_test_draw (window);
  g_assert_true (gtk_widget_get_visible (note));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (note)), "slower than from the database"));
  nd_display_test_shot (window, "http-logs-export");
  nd_fake_newapi_set_delay (fake, "/api/log/", 0);
  nd_display_test_wait (not_exporting, page, 60, "the export to finish");
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_cmpuint (strlen (csv), >, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  nd_session_disconnect (session);
}

static gboolean
models_loaded (gpointer data)
{
  return !nd_models_page_is_busy (data) && g_list_model_get_n_items (nd_models_page_get_model (data)) > 0;
}

/* The Models page over the API: the channel list and /api/pricing, with
 * the options' figures for a root user; the profile is read-only. */
static void
test_models (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NdFakeNewapi) fake = NULL;
  g_autoptr(NdSession) session = NULL;
  GtkWidget *window, *page;
  GListModel *model;
  gboolean found = FALSE;

  if (!fixture_ready (&fix_new))
    return;
  fake = nd_fake_newapi_new (fix_new.dsn, ND_FAKE_NEWAPI_NEW, &error);
  g_assert_no_error (error);
  session = nd_display_http_session (fake, 100, TRUE);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  page = g_object_new (ND_TYPE_MODELS_PAGE, "session", session, NULL);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  nd_display_test_wait (models_loaded, page, 60, "the models over HTTP");
  g_assert_cmpuint (nd_fake_newapi_count (fake, "/api/pricing"), >, 0);
  model = nd_models_page_get_model (ND_MODELS_PAGE (page));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(NdModelItem) item = g_list_model_get_item (model, i);
      g_autofree char *ratio = NULL;

      if (!g_str_equal (nd_model_item_get_name (item), "gpt-4o"))
        continue;
      ratio = nd_model_columns_cell_text (nd_models_page_get_columns (ND_MODELS_PAGE (page)),
                                          ND_MODEL_COLUMN_RATIO, item);
      g_assert_cmpstr (ratio, ==, "1.25");
      found = TRUE;
    }
  g_assert_true (found);
  g_assert_null (nd_models_page_edit_price (ND_MODELS_PAGE (page), "gpt-4o"));
  nd_display_test_draw (window);
  nd_display_test_shot (window, "http-models");
  gtk_window_destroy (GTK_WINDOW (window));
  nd_session_disconnect (session);
}

int
main (int argc, char **argv)
{
  int status;
  g_autofree char *cmd = NULL;

  /* The facts store lives in the user data dir: keep it out of $HOME. */
  tmp_home = g_dir_make_tmp ("nd-http-display-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", tmp_home, TRUE);
  nd_display_test_init (&argc, &argv);

  g_test_add_func ("/http/display/dashboard-new", test_dashboard_new);
  g_test_add_func ("/http/display/dashboard-old", test_dashboard_old);
  g_test_add_func ("/http/display/logs", test_logs);
  g_test_add_func ("/http/display/models", test_models);
  status = g_test_run ();
  cmd = g_strdup_printf ("rm -rf '%s'", tmp_home);
  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", tmp_home);
  return status;
}
