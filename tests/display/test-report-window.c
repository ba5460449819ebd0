/* test-report-window.c — an opened report in the window: every way in
 * (a file handed to the app as on the command line, File > Open, a drop,
 * the recent list), the header mark, pages a report cannot fill, a bad
 * file refused in words, the dashboard on the report's figures, and the
 * compare window
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ND_SHOTS_DIR=DIR saves screenshots of the report's dashboard and of the
 * compare window (light; ND_SHOTS_DARK=1 for dark).
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "nd-compare-window.h"
#include "nd-dashboard-page.h"
#include "nd-display-test.h"
#include "nd-models-page.h"
#include "nd-report-open.h"
#include "nd-test-gateway.h"
#include "nd-users-page.h"
#include "nd-window.h"

#define CHILD(w, name) nd_display_test_child ((w), ND_TYPE_WINDOW, (name))
#define USERS_CHILD(p, name) nd_display_test_child ((p), ND_TYPE_USERS_PAGE, (name))

static NdWindow *
new_window (void)
{
  NdWindow *window;

  nd_display_test_reset ();
  window = nd_window_new (nd_display_test_app ());
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  nd_display_test_draw (GTK_WIDGET (window));
  return window;
}

static void
close_window (NdWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
report_shown (gpointer data)
{
  NdSession *session = nd_window_get_session (data);
  NdServerInfo *info = session ? nd_session_get_info (session) : NULL;
  NdDashboardPage *page = ND_DASHBOARD_PAGE (CHILD (data, "dashboard_page"));

  return info != NULL && info->kind == ND_SOURCE_KIND_REPORT &&
         nd_session_get_state (session) == ND_SESSION_CONNECTED &&
         nd_dashboard_page_get_report (page) != NULL;
}

static const char *
visible_main (NdWindow *window)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (CHILD (window, "main_stack")));
}

static gboolean
users_listed (gpointer data)
{
  return !nd_users_page_is_busy (data) &&
         g_list_model_get_n_items (nd_users_page_get_model (data)) > 0;
}

/* The header says it is a report, which one and what it covers. */
static void
assert_marked (NdWindow *window)
{
  AdwWindowTitle *title = ADW_WINDOW_TITLE (CHILD (window, "window_title"));
  GtkWidget *pill = CHILD (window, "read_only_pill");
  const char *subtitle = adw_window_title_get_subtitle (title);

  g_test_message ("header: %s", subtitle);
  g_assert_nonnull (strstr (subtitle, "Report — 测试网关"));
  g_assert_nonnull (strstr (subtitle, "2025-12-25 00:00 – 2026-01-01 00:00"));
  g_assert_true (gtk_widget_get_visible (pill));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (pill)), ==, "Report");
}

static gboolean
models_loaded (gpointer data)
{
  return !nd_models_page_is_busy (data) && g_list_model_get_n_items (nd_models_page_get_model (data)) > 0;
}

/* The Models page shows the report's channels' models, read-only: the
 * report keeps no price options, and says so. */
static void
assert_models (NdWindow *window)
{
  NdModelsPage *page = ND_MODELS_PAGE (CHILD (window, "models_page"));
  GtkWidget *note = nd_display_test_child (page, ND_TYPE_MODELS_PAGE, "note_label");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "models");
  g_assert_cmpstr (visible_main (window), ==, "pages");
  nd_display_test_wait (models_loaded, page, 30, "the report's models");
  g_assert_false (gtk_widget_get_sensitive (nd_display_test_child (page, ND_TYPE_MODELS_PAGE,
                                                                   "edit_button")));
  g_assert_null (nd_models_page_edit_price (page, "gpt-4o"));
  g_assert_true (gtk_widget_get_visible (note));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (note)), "price options"));
  nd_display_test_draw (GTK_WIDGET (window));
  nd_display_test_shot (GTK_WIDGET (window), "report-models");
}

/* The dashboard shows the report's own figures, not a store of its own. */
static void
assert_dashboard (NdWindow *window, GwFx *fx)
{
  NdDashboardPage *page = ND_DASHBOARD_PAGE (CHILD (window, "dashboard_page"));
  NdFactsReport *shown = nd_dashboard_page_get_report (page);
  g_autoptr(GError) error = NULL;
  g_autoptr(NdFactsReport) direct = NULL;
  NdFactsRange range;

  g_assert_true (nd_report_meta_get_range (fx->meta, NULL, &range, &error));
  direct = report_query (fx->store, &range, &error);
  g_assert_no_error (error);
  g_assert_cmpint (shown->overview.from, ==, fx->meta->from);
  g_assert_cmpint (shown->overview.to, ==, fx->meta->to);
  g_assert_cmpint (shown->overview.requests, ==, direct->overview.requests);
  g_assert_cmpint (shown->overview.quota, ==, direct->overview.quota);
  g_assert_cmpint (shown->overview.errors, ==, direct->overview.errors);
  g_assert_false (nd_dashboard_page_is_polling (page));
}

static void
test_open_file (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(GFile) file = NULL;
  NdWindow *window;
  AdwStatusPage *unavailable;

  gw_fx_setup (&fx);
  window = new_window ();
  g_assert_cmpstr (visible_main (window), ==, "welcome");
  file = g_file_new_for_path (fx.path);
  nd_report_open_file (window, file);
  nd_display_test_wait (report_shown, window, 30, "the report on the dashboard");
  nd_display_test_draw (GTK_WIDGET (window));
  nd_display_test_shot (GTK_WIDGET (window), "report-dashboard");
  assert_marked (window);
  assert_dashboard (window, &fx);

  /* It kept no logs and no report keeps redemption codes: the pages say so. */
  unavailable = ADW_STATUS_PAGE (CHILD (window, "unavailable_page"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "logs");
  g_assert_cmpstr (visible_main (window), ==, "unavailable");
  g_assert_nonnull (strstr (adw_status_page_get_description (unavailable), "kept no logs"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "redemptions");
  g_assert_nonnull (strstr (adw_status_page_get_description (unavailable), "redemption codes"));
  nd_display_test_shot (GTK_WIDGET (window), "report-unavailable");
  assert_models (window);
  /* Its users list, read-only: every write greyed with the reason. */
  {
    NdUsersPage *users;
    GtkSelectionModel *selection;

    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "users");
    users = ND_USERS_PAGE (CHILD (window, "users_page"));
    nd_display_test_wait (users_listed, users, 30, "the report's users");
    g_assert_false (gtk_widget_get_sensitive (USERS_CHILD (users, "add_button")));
    selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (USERS_CHILD (users, "column_view")));
    gtk_selection_model_select_item (selection, 0, TRUE);
    nd_display_test_wait (users_listed, users, 30, "the user's detail");
    g_assert_cmpint (nd_users_page_get_detail_id (users), ==, N_USERS);
    g_assert_false (gtk_widget_get_sensitive (USERS_CHILD (users, "quota_button")));
    g_assert_nonnull (gtk_widget_get_tooltip_text (USERS_CHILD (users, "quota_button")));
  }
  /* What a report holds is there. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "dashboard");
  g_assert_cmpstr (visible_main (window), ==, "pages");

  /* A report is a snapshot: writes are refused before anything is sent. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (nd_source_check_writable (nd_session_get_source (nd_window_get_session (window)),
                                              &error));
    g_assert_error (error, ND_ERROR, ND_ERROR_READ_ONLY);
  }

  /* Closing it goes back to where the window was: no profile, welcome. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "close-report", NULL);
  g_assert_null (nd_window_get_session (window));
  g_assert_cmpstr (visible_main (window), ==, "welcome");
  g_assert_false (gtk_widget_get_visible (CHILD (window, "read_only_pill")));
  close_window (window);
}

/* As `newapi-desk FILE.ndreport` and a double-click hand it over. */
static void
test_command_line (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(GFile) file = NULL;
  NdApplication *app = nd_display_test_app ();
  NdWindow *window = new_window ();
  GFile *files[1];

  gw_fx_setup (&fx);
  g_assert_true (g_application_get_flags (G_APPLICATION (app)) & G_APPLICATION_HANDLES_OPEN);
  file = g_file_new_for_path (fx.path);
  files[0] = file;
  g_application_open (G_APPLICATION (app), files, 1, "");
  nd_display_test_wait (report_shown, window, 30, "the report handed to the app");
  assert_marked (window);
  close_window (window);
}

static GtkDropTarget *
find_drop_target (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (c))
        return GTK_DROP_TARGET (c);
    }
  return NULL;
}

static gboolean
menu_filled (gpointer menu)
{
  return g_menu_model_get_n_items (G_MENU_MODEL (menu)) >= 1;
}

static void
test_drop (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(GFile) file = NULL;
  NdWindow *window = new_window ();
  GtkDropTarget *target = find_drop_target (GTK_WIDGET (window));
  GValue value = G_VALUE_INIT;
  GSList *list;
  gboolean accepted = FALSE;

  gw_fx_setup (&fx);
  g_assert_nonnull (target);
  file = g_file_new_for_path (fx.path);
  list = g_slist_prepend (NULL, file);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, list);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_slist_free (list);
  g_assert_true (accepted);
  nd_display_test_wait (report_shown, window, 30, "the dropped report");
  assert_marked (window);

  /* Opened files are in the recent list, and in the menu. */
  {
    g_autofree char *uri = g_file_get_uri (file);
    GtkRecentInfo *info = gtk_recent_manager_lookup_item (gtk_recent_manager_get_default (), uri, NULL);
    GObject *menu = gtk_widget_get_template_child (GTK_WIDGET (window), ND_TYPE_WINDOW,
                                                   "recent_reports_menu");

    g_assert_nonnull (info);
    g_assert_cmpstr (gtk_recent_info_get_mime_type (info), ==, "application/x-newapi-desk-report");
    gtk_recent_info_unref (info);
    /* The manager says it changed once it has saved the list. */
    nd_display_test_wait (menu_filled, menu, 30, "the Recent Reports menu");
  }
  close_window (window);
}

static gboolean
dialog_shown (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        {
          *(AdwMessageDialog **) data = ADW_MESSAGE_DIALOG (w);
          return TRUE;
        }
    }
  return FALSE;
}

/* A cut file: the reader's sentence in a dialog, the window unchanged. */
static void
test_bad_file (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autofree char *half = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GFile) file = NULL;
  AdwMessageDialog *dialog = NULL;
  NdWindow *window = new_window ();
  gsize len;

  gw_fx_setup (&fx);
  half = g_build_filename (fx.dir, "half.ndreport", NULL);
  g_assert_true (g_file_get_contents (fx.path, &data, &len, NULL));
  g_assert_true (g_file_set_contents (half, data, (gssize) len / 2, NULL));
  file = g_file_new_for_path (half);
  nd_report_open_file (window, file);
  nd_display_test_wait (dialog_shown, &dialog, 30, "the error dialog");
  g_test_message ("%s: %s", adw_message_dialog_get_heading (dialog), adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "half.ndreport"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "cut short"));
  g_assert_null (nd_window_get_session (window));
  g_assert_cmpstr (visible_main (window), ==, "welcome");
  gtk_window_destroy (GTK_WINDOW (dialog));
  close_window (window);
}

static gboolean
chooser_shown (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        {
          *(GtkWidget **) data = GTK_WIDGET (w);
          return TRUE;
        }
    }
  return FALSE;
}

/* File > Open asks for a report, filtered by its type. */
static void
test_open_action (void)
{
  NdWindow *window = new_window ();
  GtkWidget *chooser = NULL;
  GtkFileFilter *filter;

  g_action_group_activate_action (G_ACTION_GROUP (window), "open-report", NULL);
  nd_display_test_wait (chooser_shown, &chooser, 30, "the file chooser");
  filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser));
  g_assert_nonnull (filter);
  g_assert_cmpstr (gtk_file_filter_get_name (filter), ==, "NewAPI Desk reports");
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==,
                   GTK_FILE_CHOOSER_ACTION_OPEN);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (nd_window_get_session (window));
  close_window (window);
}

static gboolean
compared (gpointer data)
{
  return nd_compare_window_get_compare (data) != NULL;
}

/* The report's last day against its whole week: the overview and the
 * models side by side, largest change first. */
static void
test_compare (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  NdWindow *window = new_window ();
  NdCompareWindow *cmp;
  NdFactsCompare *c;
  NdSession *session;
  NdSource *source;
  NdFactsRange day;

  gw_fx_setup (&fx);
  file = g_file_new_for_path (fx.path);
  nd_report_open_file (window, file);
  nd_display_test_wait (report_shown, window, 30, "the report");
  session = nd_window_get_session (window);
  source = nd_session_get_source (session);
  g_assert_true (nd_report_meta_get_range (fx.meta, "24h", &day, &error));
  cmp = nd_compare_window_open (GTK_WINDOW (window), session,
                                nd_report_source_get_facts (ND_REPORT_SOURCE (source)), &day, file);
  gtk_window_set_default_size (GTK_WINDOW (cmp), 1000, 760);
  nd_display_test_wait (compared, cmp, 30, "the comparison");
  nd_display_test_draw (GTK_WIDGET (cmp));
  nd_display_test_shot (GTK_WIDGET (cmp), "report-compare");

  c = nd_compare_window_get_compare (cmp);
  g_assert_cmpfloat (c->overview[ND_COMPARE_REQUESTS].baseline, ==, c->baseline->overview.requests);
  g_assert_cmpfloat (c->overview[ND_COMPARE_REQUESTS].current, <, c->overview[ND_COMPARE_REQUESTS].baseline);
  g_assert_cmpuint (c->models->len, >=, 2);
  /* The table shows the rows in the order of the change, header first. */
  g_assert_cmpstr (nd_compare_window_cell (cmp, FALSE, 0, 0), ==, "Model");
  for (guint i = 0; i < c->models->len; i++)
    {
      const NdCompareRow *row = g_ptr_array_index (c->models, i);
      g_autofree char *current = nd_format_count ((gint64) row->values[ND_COMPARE_BY_REQUESTS].current);

      g_assert_cmpstr (nd_compare_window_cell (cmp, FALSE, (int) i + 1, 0), ==, row->name);
      g_assert_cmpstr (nd_compare_window_cell (cmp, FALSE, (int) i + 1, 1), ==, current);
      if (i > 0)
        g_assert_cmpfloat (fabs (row->values[0].delta), <=,
                           fabs (((NdCompareRow *) g_ptr_array_index (c->models, i - 1))->values[0].delta));
    }
  /* Channels by their Chinese names. */
  g_assert_nonnull (strstr (nd_compare_window_cell (cmp, TRUE, 1, 0), "渠道"));
  gtk_window_destroy (GTK_WINDOW (cmp));
  close_window (window);
}

int
main (int argc, char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("nd-report-ui-XXXXXX", NULL);
  int status;

  /* The recent files list lives in the user's data folder: not the real one. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  if (g_getenv ("ND_SHOTS_DARK") != NULL)
    g_setenv ("ADW_DEBUG_COLOR_SCHEME", "prefer-dark", TRUE);
  nd_display_test_init (&argc, &argv);
  g_test_add_func ("/report-window/open-file", test_open_file);
  g_test_add_func ("/report-window/command-line", test_command_line);
  g_test_add_func ("/report-window/drop", test_drop);
  g_test_add_func ("/report-window/bad-file", test_bad_file);
  g_test_add_func ("/report-window/open-action", test_open_action);
  g_test_add_func ("/report-window/compare", test_compare);
  status = g_test_run ();
  remove_dir (data_home);
  return status;
}
