/* test-window.c — the main window: welcome, pages, connection states
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-display-test.h"
#include "nd-logs-page.h"
#include "nd-test.h"
#include "nd-window.h"

#define CHILD(w, name) nd_display_test_child ((w), ND_TYPE_WINDOW, (name))

static NdWindow *
open_window (void)
{
  NdWindow *window = nd_window_new (nd_display_test_app ());

  gtk_window_present (GTK_WINDOW (window));
  nd_display_test_draw (GTK_WIDGET (window));
  return window;
}

static void
close_window (NdWindow *window)
{
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static const char *
visible_main (NdWindow *window)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (CHILD (window, "main_stack")));
}

static const char *
visible_page (NdWindow *window)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (CHILD (window, "page_stack")));
}

static void
test_welcome (void)
{
  NdWindow *window;

  nd_display_test_reset ();
  window = open_window ();
  nd_display_test_shot (GTK_WIDGET (window), "welcome");

  g_assert_cmpstr (visible_main (window), ==, "welcome");
  g_assert_true (gtk_widget_get_mapped (CHILD (window, "welcome_page")));
  g_assert_false (gtk_widget_is_sensitive (CHILD (window, "sidebar_list")));
  g_assert_false (gtk_widget_get_visible (CHILD (window, "profile_button")));
  g_assert_null (nd_window_get_session (window));

  /* The shortcuts window is loaded from resources/gtk/help-overlay.ui. */
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  {
    g_auto(GStrv) quit = gtk_application_get_accels_for_action (
      GTK_APPLICATION (nd_display_test_app ()), "app.quit");
    g_auto(GStrv) prefs = gtk_application_get_accels_for_action (
      GTK_APPLICATION (nd_display_test_app ()), "app.preferences");

    g_assert_true (g_strv_contains ((const char * const *) quit, "<Control>q"));
    g_assert_true (g_strv_contains ((const char * const *) prefs, "<Control>comma"));
  }

  close_window (window);
}

static void
test_show_page (void)
{
  GSettings *settings = nd_application_get_settings (nd_display_test_app ());
  GtkListBox *sidebar;
  g_autofree char *remembered = NULL;
  NdWindow *window;

  nd_display_test_reset ();
  nd_display_test_add_profile ("Closed port", "postgresql://nd@127.0.0.1:1/newapi", TRUE);
  window = open_window ();
  sidebar = GTK_LIST_BOX (CHILD (window, "sidebar_list"));

  g_assert_cmpstr (visible_page (window), ==, "dashboard");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "tokens"));
  g_assert_cmpstr (visible_page (window), ==, "tokens");
  g_assert_cmpint (gtk_list_box_row_get_index (gtk_list_box_get_selected_row (sidebar)), ==, 3);
  remembered = g_settings_get_string (settings, "sidebar-page");
  g_assert_cmpstr (remembered, ==, "tokens");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "models"));
  g_assert_cmpstr (visible_page (window), ==, "models");

  /* Activating a sidebar row shows its page too. */
  g_signal_emit_by_name (sidebar, "row-activated", gtk_list_box_get_row_at_index (sidebar, 1));
  g_assert_cmpstr (visible_page (window), ==, "logs");

  close_window (window);

  /* A new window opens on the remembered page. */
  window = open_window ();
  g_assert_cmpstr (visible_page (window), ==, "logs");
  close_window (window);
}

static void
test_open_logs (void)
{
  NdWindow *window;

  nd_display_test_reset ();
  window = open_window ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "dashboard");
  g_assert_cmpstr (visible_page (window), ==, "dashboard");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-logs", "s",
                                             "model:gpt-4o type:error"));
  g_assert_cmpstr (visible_page (window), ==, "logs");
  close_window (window);
}

static gboolean
failed (gpointer data)
{
  return g_strcmp0 (visible_main (data), "failed") == 0;
}

static void
test_failed_connection (void)
{
  NdWindow *window;
  NdSession *session;
  const char *text;

  nd_display_test_reset ();
  nd_display_test_add_profile ("Closed port", "postgresql://nd@127.0.0.1:1/newapi", TRUE);
  window = open_window ();
  session = nd_window_get_session (window);
  g_assert_nonnull (session);

  /* Every page was handed the session. */
  {
    const char *pages[] = { "dashboard_page", "logs_page", "channels_page", "tokens_page",
                            "users_page", "redemptions_page", "models_page" };

    for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
      {
        g_autoptr(NdSession) page_session = NULL;

        g_object_get (CHILD (window, pages[i]), "session", &page_session, NULL);
        g_assert_true (page_session == session);
      }
  }

  nd_display_test_wait (failed, window, 30, "the failed state");
  nd_display_test_shot (GTK_WIDGET (window), "failed");

  text = gtk_label_get_text (GTK_LABEL (CHILD (window, "failed_label")));
  g_assert_nonnull (strstr (text, "No PostgreSQL server is answering"));
  g_assert_nonnull (strstr (text, "port 1"));
  g_assert_true (gtk_widget_get_mapped (CHILD (window, "retry_button")));
  g_assert_true (gtk_widget_get_visible (CHILD (window, "profile_button")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (CHILD (window, "profile_label"))), ==,
                   "Closed port");
  g_assert_true (gtk_widget_get_visible (CHILD (window, "read_only_pill")));
  g_assert_false (gtk_widget_get_visible (CHILD (window, "spinner")));

  /* Retry goes through “Connecting…” and fails the same way. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reconnect", NULL));
  g_assert_cmpint (nd_session_get_state (session), ==, ND_SESSION_CONNECTING);
  g_assert_true (gtk_widget_get_visible (CHILD (window, "spinner")));
  g_assert_cmpstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (CHILD (window, "window_title"))),
                   ==, "Connecting…");
  g_assert_cmpstr (visible_main (window), ==, "pages");
  nd_display_test_wait (failed, window, 30, "the failed state after a retry");

  close_window (window);
}

static gboolean
connected (gpointer data)
{
  NdSession *session = nd_window_get_session (data);

  return session != NULL && nd_session_get_state (session) != ND_SESSION_CONNECTING;
}

static void
test_connected (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  const char *subtitle;
  NdWindow *window;

  if (!nd_test_require (pg != NULL, "a throwaway PostgreSQL (tests/fixtures/nd-pg)"))
    return;
  dsn = nd_test_pg_fixture (pg, "nd_display", "new", 2000, NULL, ND_TEST_NOW);

  nd_display_test_reset ();
  nd_display_test_add_profile ("Demo gateway", dsn, TRUE);
  window = open_window ();
  nd_display_test_wait (connected, window, 60, "the connection");
  g_assert_cmpint (nd_session_get_state (nd_window_get_session (window)), ==, ND_SESSION_CONNECTED);
  nd_display_test_shot (GTK_WIDGET (window), "connected");

  g_assert_cmpstr (visible_main (window), ==, "pages");
  g_assert_true (gtk_widget_is_sensitive (CHILD (window, "sidebar_list")));
  subtitle = adw_window_title_get_subtitle (ADW_WINDOW_TITLE (CHILD (window, "window_title")));
  g_assert_nonnull (strstr (subtitle, "PostgreSQL"));
  g_assert_true (gtk_widget_get_visible (CHILD (window, "read_only_pill")));
  g_assert_false (gtk_widget_get_visible (CHILD (window, "spinner")));

  close_window (window);
}

static void
test_switch_profile (void)
{
  NdProfile *first, *second;
  NdWindow *window;

  nd_display_test_reset ();
  first = nd_display_test_add_profile ("First", "postgresql://nd@127.0.0.1:1/first", TRUE);
  second = nd_display_test_add_profile ("Second", "postgresql://nd@127.0.0.1:1/second", FALSE);
  nd_profile_store_set_active (nd_application_get_profiles (nd_display_test_app ()), first);
  window = open_window ();
  g_assert_true (nd_session_get_profile (nd_window_get_session (window)) == first);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.switch-profile", "s",
                                             nd_profile_get_id (second)));
  g_assert_true (nd_session_get_profile (nd_window_get_session (window)) == second);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (CHILD (window, "profile_label"))), ==, "Second");
  g_assert_false (gtk_widget_get_visible (CHILD (window, "read_only_pill")));
  nd_display_test_wait (failed, window, 30, "the failed state");
  close_window (window);
}

static gboolean
folded (gpointer data)
{
  return adw_leaflet_get_folded (ADW_LEAFLET (CHILD (data, "leaflet")));
}

static void
test_adaptive (void)
{
  AdwLeaflet *leaflet;
  NdWindow *window;

  nd_display_test_reset ();
  nd_display_test_add_profile ("Closed port", "postgresql://nd@127.0.0.1:1/newapi", TRUE);
  window = open_window ();
  leaflet = ADW_LEAFLET (CHILD (window, "leaflet"));
  g_assert_false (adw_leaflet_get_folded (leaflet));
  g_assert_false (gtk_widget_get_visible (CHILD (window, "back_button")));

  gtk_window_set_default_size (GTK_WINDOW (window), 400, 640);
  nd_display_test_wait (folded, window, 10, "the leaflet to fold");
  /* Narrow: the sidebar comes first, a page opens over it with a way back. */
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == CHILD (window, "sidebar_pane"));
  nd_display_test_shot (GTK_WIDGET (window), "narrow-sidebar");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "users");
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == CHILD (window, "content_pane"));
  g_assert_true (gtk_widget_get_visible (CHILD (window, "back_button")));
  nd_display_test_shot (GTK_WIDGET (window), "narrow-page");
  g_signal_emit_by_name (CHILD (window, "back_button"), "clicked");
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == CHILD (window, "sidebar_pane"));

  close_window (window);
}

int
main (int argc, char **argv)
{
  nd_display_test_init (&argc, &argv);

  g_test_add_func ("/display/window/welcome", test_welcome);
  g_test_add_func ("/display/window/show-page", test_show_page);
  g_test_add_func ("/display/window/open-logs", test_open_logs);
  g_test_add_func ("/display/window/failed-connection", test_failed_connection);
  g_test_add_func ("/display/window/switch-profile", test_switch_profile);
  g_test_add_func ("/display/window/adaptive", test_adaptive);
  g_test_add_func ("/display/window/connected", test_connected);
  return g_test_run ();
}
