/* test-logs-page.c — the Logs page on a real fixture database, on screen
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Also the lazy list model on its own: it grows as positions are asked
 * for, drops far pages, and fetches them again by keyset when scrolled
 * back to.
 *
 * With ND_LOGS_DEMO_DSN set it instead opens the page on that database in
 * a window and keeps it open (for screenshots): ND_LOGS_DEMO_DARK=1 for the
 * dark style, ND_LOGS_DEMO_FILTER for a filter, ND_LOGS_DEMO_SELECT=N to
 * select row N.
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "nd-log-model.h"
#include "nd-logs-fake.h"
#include "nd-logs-page.h"
#include "pg/nd-pg-source.h"
#include "nd-test.h"

static char *dsn;

static NdSession *
connect_session (const char *db_dsn)
{
  g_autoptr(NdProfile) profile = g_object_new (ND_TYPE_PROFILE, "id", "test-logs", "name", "Test",
                                               "pg-dsn", db_dsn, "read-only", TRUE, NULL);
  NdSession *session = nd_session_new (profile, NULL);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  nd_session_connect_async (session, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_true (nd_session_connect_finish (session, res, &error));
  g_assert_no_error (error);
  return session;
}

static void
collect (GtkWidget *widget, GPtrArray *out, const char *css_class)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_INSCRIPTION (c) && gtk_widget_get_mapped (c) &&
          (css_class == NULL || gtk_widget_has_css_class (c, css_class)))
        {
          const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (c));

          if (text != NULL && *text)
            g_ptr_array_add (out, (gpointer) text);
        }
      collect (c, out, css_class);
    }
}

static gboolean
text_shown (GtkWidget *root, const char *text)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  collect (root, texts, NULL);
  for (guint i = 0; i < texts->len; i++)
    if (g_str_equal (texts->pdata[i], text))
      return TRUE;
  return FALSE;
}

typedef struct {
  GListModel *model;
  guint min;
} Loaded;

static gboolean
first_rows_loaded (gpointer data)
{
  Loaded *l = data;
  g_autoptr(NdLogItem) item = NULL;

  if (g_list_model_get_n_items (l->model) < l->min)
    return FALSE;
  item = g_list_model_get_item (l->model, 0);
  return item != NULL && nd_log_item_get_loaded (item) &&
         !nd_log_model_get_loading (ND_LOG_MODEL (l->model));
}

static gboolean
loaded_and_idle (gpointer data)
{
  return !nd_log_model_get_loading (ND_LOG_MODEL (data));
}

static void
test_page_shows_and_filters (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autoptr(NdSession) session = NULL;
  g_autofree char *newest_req = NULL;
  g_autofree char *filter = NULL;
  g_autoptr(PGresult) res = NULL;
  GtkWidget *window, *page;
  GListModel *model;
  Loaded l;
  gint64 n_errors;

  if (pg == NULL)
    return;
  session = connect_session (dsn);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 800);
  page = g_object_new (ND_TYPE_LOGS_PAGE, "session", session, NULL);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));

  /* The fixture's logs end at ND_TEST_NOW, long before "now": all time. */
  nd_logs_page_set_filter (ND_LOGS_PAGE (page), "");
  model = nd_logs_page_get_model (ND_LOGS_PAGE (page));
  l.model = model;
  l.min = 200;
  g_assert_true (wait_until (first_rows_loaded, &l));
  spin (300);
  /* It grew by pages, not to the whole table. */
  g_assert_cmpuint (g_list_model_get_n_items (model), <, 3000);

  res = nd_test_pg_query (pg, "logs_page", "SELECT request_id FROM logs WHERE request_id <> '' "
                                           "ORDER BY created_at DESC, id DESC LIMIT 1");
  newest_req = g_strdup (PQgetvalue (res, 0, 0));
  g_assert_true (text_shown (window, newest_req));

  /* A filter narrows the rows; error rows carry their style class. */
  nd_logs_page_set_filter (ND_LOGS_PAGE (page), "type=5");
  filter = nd_logs_page_get_filter (ND_LOGS_PAGE (page));
  g_assert_cmpstr (filter, ==, "type=5");
  n_errors = nd_test_pg_scalar (pg, "logs_page", "SELECT count(*) FROM logs WHERE type = 5");
  g_assert_cmpint (n_errors, >, 10);
  l.min = MIN (n_errors, 200);
  g_assert_true (wait_until (first_rows_loaded, &l));
  g_assert_true (wait_until (loaded_and_idle, model));
  g_assert_cmpuint (g_list_model_get_n_items (model), <=, n_errors);
  for (guint i = 0; i < MIN (n_errors, 200); i++)
    {
      g_autoptr(NdLogItem) item = g_list_model_get_item (model, i);

      g_assert_cmpint (nd_log_item_get_log (item)->type, ==, ND_LOG_ERROR);
    }
  spin (300);
  {
    g_autoptr(GPtrArray) styled = g_ptr_array_new ();

    collect (window, styled, "nd-log-error");
    g_assert_cmpuint (styled->len, >, 10);
  }
  g_assert_false (text_shown (window, newest_req));

  /* Back to everything: a consume row is not styled as an error. */
  nd_logs_page_set_filter (ND_LOGS_PAGE (page), "type=2");
  l.min = 200;
  g_assert_true (wait_until (first_rows_loaded, &l));
  spin (300);
  {
    g_autoptr(GPtrArray) styled = g_ptr_array_new ();

    collect (window, styled, "nd-log-error");
    g_assert_cmpuint (styled->len, ==, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
item_loaded (gpointer data)
{
  return nd_log_item_get_loaded (data);
}

static void
test_model_bounded (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdLogModel) model = NULL;
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  gint64 first_id, total;
  guint n;

  if (pg == NULL)
    return;
  source = nd_pg_source_new (dsn, NULL, NULL, NULL, TRUE);
  nd_source_probe_async (source, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  info = nd_source_probe_finish (source, res, &error);
  g_assert_no_error (error);
  total = nd_test_pg_scalar (pg, "logs_page", "SELECT count(*) FROM logs");

  model = nd_log_model_new ();
  nd_log_model_set_source (model, source);
  nd_log_model_set_query (model, q, NULL);
  g_assert_true (wait_until (loaded_and_idle, model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, ND_LOG_MODEL_PAGE_SIZE);
  {
    g_autoptr(NdLogItem) item = g_list_model_get_item (G_LIST_MODEL (model), 0);

    first_id = nd_log_item_get_log (item)->id;
  }

  /* Scroll to the end, a page at a time, as a view would. */
  while ((n = g_list_model_get_n_items (G_LIST_MODEL (model))) < total)
    {
      g_autoptr(NdLogItem) item = g_list_model_get_item (G_LIST_MODEL (model), n - 1);

      g_assert_true (wait_until (loaded_and_idle, model));
      g_assert_cmpuint (nd_log_model_get_resident_pages (model), <=, ND_LOG_MODEL_MAX_RESIDENT);
      if (g_list_model_get_n_items (G_LIST_MODEL (model)) == n)
        break;
    }
  g_assert_cmpint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, total);
  /* A full last page: the end is known once the next one comes back empty. */
  g_object_unref (g_list_model_get_item (G_LIST_MODEL (model), total - 1));
  g_assert_true (wait_until (loaded_and_idle, model));
  g_assert_true (nd_log_model_get_complete (model));
  g_assert_cmpuint (nd_log_model_get_resident_pages (model), <=, ND_LOG_MODEL_MAX_RESIDENT);

  /* Back to the top: the first page was dropped and comes back by keyset. */
  {
    g_autoptr(NdLogItem) item = g_list_model_get_item (G_LIST_MODEL (model), 0);

    g_assert_false (nd_log_item_get_loaded (item));
    g_assert_true (wait_until (item_loaded, item));
    g_assert_cmpint (nd_log_item_get_log (item)->id, ==, first_id);
  }
  /* Same position, same object while it is alive. */
  {
    g_autoptr(NdLogItem) a = g_list_model_get_item (G_LIST_MODEL (model), 5);
    g_autoptr(NdLogItem) b = g_list_model_get_item (G_LIST_MODEL (model), 5);

    g_assert_true (a == b);
  }

  /* Live tail: new rows appear at the top. */
  nd_test_pg_append_logs (pg, "logs_page", NULL, 30, ND_TEST_NOW + 3600);
  nd_log_model_poll_tail (model);
  {
    gint64 before = total;

    total = nd_test_pg_scalar (pg, "logs_page", "SELECT count(*) FROM logs");
    g_assert_cmpint (total, >, before);
    while (g_list_model_get_n_items (G_LIST_MODEL (model)) < total)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
      }
  }
  {
    g_autoptr(NdLogItem) top = g_list_model_get_item (G_LIST_MODEL (model), 0);

    g_assert_cmpint (nd_log_item_get_log (top)->id, ==,
                     nd_test_pg_scalar (pg, "logs_page", "SELECT max(id) FROM logs"));
  }
  g_assert_finalize_object (g_steal_pointer (&model));
}

static int
run_demo (const char *demo_dsn)
{
  g_autoptr(NdSession) session = connect_session (demo_dsn);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = g_object_new (ND_TYPE_LOGS_PAGE, "session", session, NULL);
  const char *select = g_getenv ("ND_LOGS_DEMO_SELECT");

  if (g_strcmp0 (g_getenv ("ND_LOGS_DEMO_DARK"), "1") == 0)
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                        ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_window_set_title (GTK_WINDOW (window), "Logs");
  gtk_window_set_default_size (GTK_WINDOW (window), 1480, 880);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  if (g_getenv ("ND_LOGS_DEMO_FILTER"))
    nd_logs_page_set_filter (ND_LOGS_PAGE (page), g_getenv ("ND_LOGS_DEMO_FILTER"));
  if (select != NULL)
    {
      GListModel *model = nd_logs_page_get_model (ND_LOGS_PAGE (page));
      Loaded l = { model, 1 };

      wait_until (first_rows_loaded, &l);
      spin (500);
      /* Select through the view's model. */
      {
        GtkWidget *stack = NULL;
        g_autoptr(GPtrArray) todo = g_ptr_array_new ();

        g_ptr_array_add (todo, page);
        while (todo->len > 0 && stack == NULL)
          {
            GtkWidget *w = g_ptr_array_steal_index (todo, 0);

            if (GTK_IS_COLUMN_VIEW (w))
              stack = w;
            for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
              g_ptr_array_add (todo, c);
          }
        if (stack != NULL)
          gtk_selection_model_select_item (gtk_column_view_get_model (GTK_COLUMN_VIEW (stack)),
                                           atoi (select), TRUE);
      }
    }
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

static void
no_display (void)
{
  nd_test_require (FALSE, "a display (run under xvfb-run)");
}

int
main (int argc, char **argv)
{
  const char *demo = g_getenv ("ND_LOGS_DEMO_DSN");

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_add_func ("/logs/display/no-display", no_display);
      return g_test_run ();
    }
  adw_init ();
  if (demo != NULL)
    return run_demo (demo);

  g_test_add_func ("/logs/display/page-shows-and-filters", test_page_shows_and_filters);
  g_test_add_func ("/logs/display/model-bounded", test_model_bounded);
  {
    NdTestPg *pg = nd_test_pg_get ();

    if (pg != NULL)
      dsn = nd_test_pg_fixture (pg, "logs_page", "new", 12000, NULL, 0);
  }
  return g_test_run ();
}
