/* test-narrow.c — every page works in half a laptop screen
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Half of a 1366 px screen is 683 px. Connected to a fixture gateway with
 * real figures on every page, the window can be made 600 px wide: the
 * dashboard's cards wrap and its charts stack, the Logs filters wrap onto
 * more rows. With ND_SHOTS_DIR set it saves the dashboard and Logs at 600
 * and 1280 px, light and dark.
 */
#include "config.h"

#include "nd-dashboard-page.h"
#include "nd-display-test.h"
#include "nd-log-model.h"
#include "nd-logs-page.h"
#include "nd-test.h"
#include "nd-window.h"

#define CHILD(w, name) nd_display_test_child ((w), ND_TYPE_WINDOW, (name))
#define NARROW 600

static gboolean
connected (gpointer data)
{
  NdSession *session = nd_window_get_session (data);

  return session != NULL && nd_session_get_state (session) != ND_SESSION_CONNECTING;
}

static gboolean
dashboard_ready (gpointer window)
{
  NdFactsReport *rep = nd_dashboard_page_get_report (ND_DASHBOARD_PAGE (CHILD (window, "dashboard_page")));

  return rep != NULL && rep->overview.requests > 0;
}

static gboolean
logs_ready (gpointer window)
{
  GListModel *model = nd_logs_page_get_model (ND_LOGS_PAGE (CHILD (window, "logs_page")));
  g_autoptr(GObject) first = g_list_model_get_n_items (model) > 0 ? g_list_model_get_item (model, 0) : NULL;
  gboolean loaded = FALSE;

  if (first != NULL)
    g_object_get (first, "loaded", &loaded, NULL);
  return loaded;
}

typedef struct {
  GtkWidget *window;
  int width;
} Width;

static gboolean
has_width (gpointer data)
{
  Width *w = data;

  /* The default size counts the frame around the content too. */
  return ABS (gtk_widget_get_width (w->window) - w->width) <= 16;
}

/* A screen narrower than @width (the test's Xvfb is 1280 px wide, shadows
 * included) gets what fits. */
static void
set_width (GtkWidget *window, int width)
{
  GdkMonitor *monitor = gdk_display_get_monitor_at_surface (gtk_widget_get_display (window),
                                                            gtk_native_get_surface (GTK_NATIVE (window)));
  GdkRectangle screen;
  Width w = { window, width };

  gdk_monitor_get_geometry (monitor, &screen);
  if (width > screen.width - 40)
    w.width = width = screen.width - 40;
  gtk_window_set_default_size (GTK_WINDOW (window), width, MIN (860, screen.height - 40));
  nd_display_test_wait (has_width, &w, 10, "the window to resize");
  /* Folding or unfolding the sidebar takes more than one layout pass. */
  for (int last = -1, frames = 0; frames < 20; frames++)
    {
      int now = gtk_widget_get_width (CHILD (window, "content_pane"));

      nd_display_test_draw (window);
      if (now == last && gtk_widget_get_width (CHILD (window, "content_pane")) == now)
        break;
      last = now;
    }
}

static int
min_width (GtkWidget *window)
{
  int min, nat;

  gtk_widget_measure (window, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  return min;
}

static void
shoot (GtkWidget *window, const char *page, int width, gboolean dark)
{
  g_autofree char *name = g_strdup_printf ("%s-%d-%s", page, width, dark ? "dark" : "light");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  set_width (window, width);
  /* Folded, the sidebar comes first: open the page as a user would. */
  g_assert_true (gtk_widget_activate_action (window, "win.show-page", "s", page));
  /* The charts redraw with the new colours on the next frame. */
  nd_display_test_draw (window);
  nd_display_test_shot (window, name);
}

static void
test_narrow (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *dsn = NULL;
  GtkWidget *window;
  const char *pages[] = { "dashboard", "logs" };

  if (!nd_test_require (pg != NULL, "a throwaway PostgreSQL (tests/fixtures/nd-pg)"))
    return;
  /* Recent logs, so the dashboard's last 24 hours and the Logs page's
   * default range are full. */
  dsn = nd_test_pg_fixture (pg, "nd_narrow", "new", 20000, NULL, now - now % 3600 - 3600);
  nd_display_test_reset ();
  nd_display_test_add_profile ("Demo gateway", dsn, TRUE);
  window = GTK_WIDGET (nd_window_new (nd_display_test_app ()));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 860);
  gtk_window_present (GTK_WINDOW (window));
  nd_display_test_wait (connected, window, 60, "the connection");
  g_assert_cmpint (nd_session_get_state (nd_window_get_session (ND_WINDOW (window))), ==,
                   ND_SESSION_CONNECTED);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_assert_true (gtk_widget_activate_action (window, "win.show-page", "s", pages[i]));
      nd_display_test_wait (i == 0 ? dashboard_ready : logs_ready, window, 120, pages[i]);
      nd_display_test_draw (window);
      /* The window (every page of its stack at once) fits 600 px. */
      g_test_message ("minimum width with %s: %d px", pages[i], min_width (window));
      g_assert_cmpint (min_width (window), <=, NARROW);

      shoot (window, pages[i], 1280, FALSE);
      shoot (window, pages[i], 1280, TRUE);
      shoot (window, pages[i], NARROW, TRUE);
      shoot (window, pages[i], NARROW, FALSE);
      if (i == 0)
        {
          /* The charts stacked one to a line, further down. */
          GtkWidget *chart = nd_dashboard_page_get_chart (ND_DASHBOARD_PAGE (CHILD (window, "dashboard_page")), 4);
          GtkWidget *scroller = gtk_widget_get_ancestor (chart, GTK_TYPE_SCROLLED_WINDOW);
          GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
          GtkWidget *models = nd_dashboard_page_get_chart (ND_DASHBOARD_PAGE (CHILD (window, "dashboard_page")), 1);
          GtkWidget *channels = nd_dashboard_page_get_chart (ND_DASHBOARD_PAGE (CHILD (window, "dashboard_page")), 2);
          graphene_point_t a, b;

          g_assert_true (gtk_widget_compute_point (models, window, &GRAPHENE_POINT_INIT (0, 0), &a));
          g_assert_true (gtk_widget_compute_point (channels, window, &GRAPHENE_POINT_INIT (0, 0), &b));
          g_assert_cmpfloat (a.x, ==, b.x);
          g_assert_cmpfloat (b.y, >, a.y);
          gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
          nd_display_test_shot (window, "dashboard-600-light-bottom");
          gtk_adjustment_set_value (adj, 0);
        }
      /* Narrow, the page is shown, not the sidebar. */
      g_assert_true (gtk_widget_get_mapped (CHILD (window, i == 0 ? "dashboard_page" : "logs_page")));
      g_assert_cmpint (gtk_widget_get_width (window), <=, NARROW);
    }

  /* A row's detail beside the table: both stay usable at 600 px. */
  {
    GtkWidget *logs = CHILD (window, "logs_page");
    GtkWidget *view = nd_display_test_child (logs, ND_TYPE_LOGS_PAGE, "column_view");
    GtkWidget *detail = nd_display_test_child (logs, ND_TYPE_LOGS_PAGE, "detail");

    shoot (window, "logs", 1280, TRUE);
    gtk_selection_model_select_item (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)), 0, TRUE);
    nd_display_test_draw (window);
    nd_display_test_shot (window, "logs-detail-1280-dark");
    shoot (window, "logs", NARROW, FALSE);
    g_assert_true (gtk_widget_get_mapped (detail));
    g_assert_cmpint (gtk_widget_get_width (view), >=, 200);
    nd_display_test_shot (window, "logs-detail-600-light");
    /* Wide again: the sidebar keeps its width, the table gets the room. */
    shoot (window, "logs", 1280, FALSE);
    g_assert_cmpint (gtk_widget_get_width (CHILD (window, "sidebar_pane")), <, 300);
    nd_display_test_shot (window, "logs-detail-1280-light");
  }

  /* A drill-down's user filter shows as a chip. */
  {
    GtkWidget *logs = CHILD (window, "logs_page");
    GListModel *model = nd_logs_page_get_model (ND_LOGS_PAGE (logs));
    g_autoptr(GObject) first = g_list_model_get_item (model, 0);
    const NdLog *log = nd_log_item_get_log (ND_LOG_ITEM (first));
    g_autofree char *filter = g_strdup_printf ("user_id=%" G_GINT64_FORMAT, log->user_id);

    nd_logs_page_set_filter (ND_LOGS_PAGE (logs), filter);
    nd_display_test_wait (logs_ready, window, 60, "the user's logs");
    nd_display_test_draw (window);
    nd_display_test_shot (window, "logs-chip-1280-light");
  }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  nd_display_test_init (&argc, &argv);
  g_test_add_func ("/display/narrow/pages", test_narrow);
  return g_test_run ();
}
