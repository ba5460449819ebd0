/* test-users-page.c — the Users page on a fixture gateway: paging, filters,
 * a quota top-up and a disable through the page, read-only profiles
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With ND_SHOTS_DIR set it saves users-{list,quota}-{light,dark}.png.
 */
#include "config.h"

#include <string.h>

#include "nd-channel-usage.h"
#include "nd-logs-page.h"
#include "nd-user-dialogs.h"
#include "nd-user-model.h"
#include "nd-users-page.h"
#include "test-channels-common.h"

#define WIN_CHILD(w, name) nd_display_test_child ((w), ND_TYPE_WINDOW, (name))
#define CHILD(page, name) nd_display_test_child ((page), ND_TYPE_USERS_PAGE, (name))

typedef struct {
  ChannelsWindow cw;            /* pg, db, window: the Channels tests' fixture */
  NdUsersPage *page;
} UsersWindow;

static gboolean
connected (gpointer data)
{
  NdSession *session = nd_window_get_session (data);

  return session != NULL && nd_session_get_state (session) != ND_SESSION_CONNECTING;
}

static gboolean
idle (gpointer data)
{
  UsersWindow *w = data;

  return !nd_users_page_is_busy (w->page);
}

static void
settle (UsersWindow *w)
{
  nd_display_test_wait (idle, w, 60, "the Users page to settle");
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static guint
n_rows (UsersWindow *w)
{
  return g_list_model_get_n_items (nd_users_page_get_model (w->page));
}

static const NdUser *
row (UsersWindow *w, guint pos)
{
  g_autoptr(NdUserItem) item = g_list_model_get_item (nd_users_page_get_model (w->page), pos);

  g_assert_nonnull (item);
  /* The model holds the item: the user outlives this reference. */
  return nd_user_item_get_user (item);
}

static gint64
sql (UsersWindow *w, const char *query)
{
  return channels_sql (&w->cw, query);
}

static gboolean
open_window (UsersWindow *w, const char *db, gboolean read_only)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *dsn = NULL;

  memset (w, 0, sizeof *w);
  w->cw.pg = nd_test_pg_get ();
  if (!nd_test_require (w->cw.pg != NULL, "a throwaway PostgreSQL (tests/fixtures/nd-pg)"))
    return FALSE;
  w->cw.db = db;
  dsn = nd_test_pg_fixture (w->cw.pg, db, "new", 2000, NULL, now - now % 3600);
  /* A gateway with thousands of users, as the page must page them in. */
  nd_test_pg_exec (w->cw.pg, db,
                   "INSERT INTO users (username, password, display_name, email, quota, created_at)"
                   " SELECT 'bulk' || i, 'x', 'Bulk ' || i, 'bulk' || i || '@example.com', i * 1000,"
                   " 1700000000 + i FROM generate_series (1, 5000) AS i");
  nd_display_test_reset ();
  nd_display_test_add_profile ("Demo gateway", dsn, read_only);
  w->cw.window = GTK_WIDGET (nd_window_new (nd_display_test_app ()));
  gtk_window_set_default_size (GTK_WINDOW (w->cw.window), 1280, 800);
  gtk_window_present (GTK_WINDOW (w->cw.window));
  nd_display_test_wait (connected, w->cw.window, 60, "the connection");
  g_assert_cmpint (nd_session_get_state (nd_window_get_session (ND_WINDOW (w->cw.window))), ==,
                   ND_SESSION_CONNECTED);
  g_assert_true (gtk_widget_activate_action (w->cw.window, "win.show-page", "s", "users"));
  w->page = ND_USERS_PAGE (WIN_CHILD (w->cw.window, "users_page"));
  settle (w);
  g_assert_cmpuint (n_rows (w), >, 0);
  nd_display_test_draw (w->cw.window);
  return TRUE;
}

/* @widget: the window, or a dialog over it. */
static void
shoot (GtkWidget *widget, const char *what, gboolean dark)
{
  g_autofree char *name = g_strdup_printf ("users-%s-%s", what, dark ? "dark" : "light");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  for (int i = 0; i < 3; i++)
    nd_display_test_draw (widget);
  nd_display_test_shot (widget, name);
}

/* Pages arrive as the view scrolls: a gateway's whole user table is never
 * read at once, and the count says how many there are. */
static void
check_paging (UsersWindow *w)
{
  gint64 total = sql (w, "SELECT count(*) FROM users");
  GtkLabel *count = GTK_LABEL (CHILD (w->page, "count_label"));
  g_autofree char *grouped = nd_format_count (total);
  g_autofree char *want = g_strdup_printf ("%s users", grouped);

  guint held = n_rows (w);

  g_assert_cmpint (total, >, 5000);
  /* What the view showed and a little more, in whole pages. */
  g_assert_cmpuint (held, <=, 4 * ND_USER_MODEL_PAGE_SIZE);
  g_assert_cmpuint (held % ND_USER_MODEL_PAGE_SIZE, ==, 0);
  g_assert_cmpstr (gtk_label_get_text (count), ==, want);
  /* Newest first, as NewAPI lists them. */
  g_assert_cmpint (row (w, 0)->id, ==, sql (w, "SELECT max(id) FROM users"));
  g_assert_cmpint (row (w, 0)->id, >, row (w, 1)->id);
  /* Asking for a row near the end fetches the next page. */
  (void) row (w, held - 1);
  settle (w);
  g_assert_cmpuint (n_rows (w), ==, held + ND_USER_MODEL_PAGE_SIZE);
  g_assert_cmpint (row (w, held)->id, ==, row (w, held - 1)->id - 1);
}

static void
search (UsersWindow *w, const char *text)
{
  gint64 until = g_get_monotonic_time () + 400 * 1000;

  gtk_editable_set_text (GTK_EDITABLE (CHILD (w->page, "search_entry")), text);
  /* GtkSearchEntry waits 150 ms before it says the text changed, as it
   * does for someone typing. */
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  settle (w);
}

static void
check_filters (UsersWindow *w)
{
  GtkDropDown *role = GTK_DROP_DOWN (CHILD (w->page, "role_dropdown"));
  GtkDropDown *status = GTK_DROP_DOWN (CHILD (w->page, "status_dropdown"));

  search (w, "alice");
  g_assert_cmpint (n_rows (w), ==,
                   sql (w, "SELECT count(*) FROM users WHERE username ILIKE '%alice%'"
                           " OR display_name ILIKE '%alice%' OR email ILIKE '%alice%'"));
  for (guint i = 0; i < n_rows (w); i++)
    {
      const NdUser *u = row (w, i);
      g_autofree char *all = g_strdup_printf ("%s %s %s", u->username, u->display_name, u->email);
      g_autofree char *folded = g_utf8_casefold (all, -1);

      g_assert_nonnull (strstr (folded, "alice"));
    }
  /* An id finds its user: the newest one's id is above every bulk name. */
  {
    gint64 id = sql (w, "SELECT max(id) FROM users");
    g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

    g_assert_cmpint (id, >, 5000);
    search (w, text);
    g_assert_cmpuint (n_rows (w), ==, 1);
    g_assert_cmpint (row (w, 0)->id, ==, id);
  }
  search (w, "");

  gtk_drop_down_set_selected (role, 2);   /* Admin */
  settle (w);
  g_assert_cmpint (n_rows (w), ==, sql (w, "SELECT count(*) FROM users WHERE role = 10"));
  for (guint i = 0; i < n_rows (w); i++)
    g_assert_cmpint (row (w, i)->role, ==, 10);
  gtk_drop_down_set_selected (role, 0);

  gtk_drop_down_set_selected (status, 3);   /* Deleted */
  settle (w);
  g_assert_cmpint (n_rows (w), ==,
                   sql (w, "SELECT count(*) FROM users WHERE deleted_at IS NOT NULL"));
  g_assert_cmpint (n_rows (w), >, 0);
  for (guint i = 0; i < n_rows (w); i++)
    g_assert_true (row (w, i)->deleted);
  gtk_drop_down_set_selected (status, 2);   /* Disabled */
  settle (w);
  g_assert_cmpint (n_rows (w), ==,
                   sql (w, "SELECT count(*) FROM users WHERE status = 2 AND deleted_at IS NULL"));
  gtk_drop_down_set_selected (status, 0);
  settle (w);
}

/* Sorts by the column titled @title as its header does, and checks the
 * header shows it (the arrow of @direction). GTK 4.8's header acts only
 * on a real pointer button, which no test can send without XTest, so the
 * view's own API stands in for the click. */
static void
sort_header (UsersWindow *w, const char *title, GtkSortType direction)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (CHILD (w->page, "column_view"));
  GListModel *columns = gtk_column_view_get_columns (view);
  GtkWidget *label = channels_find_label (GTK_WIDGET (view), title);
  GtkWidget *arrow;

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (c), title) == 0)
        {
          g_assert_nonnull (gtk_column_view_column_get_sorter (c));
          gtk_column_view_sort_by_column (view, c, direction);
        }
    }
  settle (w);
  g_assert_nonnull (label);
  g_assert_nonnull (gtk_widget_get_ancestor (label, g_type_from_name ("GtkColumnViewTitle")));
  /* The title's sort indicator, after its label. */
  arrow = gtk_widget_get_next_sibling (label);
  g_assert_nonnull (arrow);
  g_assert_true (gtk_widget_has_css_class (arrow, direction == GTK_SORT_ASCENDING ? "ascending"
                                                                                  : "descending"));
}

/* The first @n rows are the users in @order, as SQL sorts them. */
static void
assert_order (UsersWindow *w, guint n, const char *order)
{
  g_autofree char *query = g_strdup_printf ("SELECT string_agg (id::text, ',' ORDER BY %s) FROM "
                                            "(SELECT id, created_at FROM users ORDER BY %s "
                                            "LIMIT %u) AS s", order, order, n);
  g_autofree char *want = channels_sql_text (&w->cw, query);
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (got, "%s%" G_GINT64_FORMAT, i ? "," : "", row (w, i)->id);
  g_assert_cmpstr (got->str, ==, want);
}

/* Created sorts both ways from its header; users NewAPI never stamped
 * (created_at NULL) count as the oldest and say "unknown". */
static void
check_sort_created (UsersWindow *w)
{
  const char *asc = "CASE WHEN created_at > 0 THEN created_at ELSE 0 END, id";
  const char *desc = "CASE WHEN created_at > 0 THEN created_at ELSE 0 END DESC, id DESC";

  nd_test_pg_exec (w->cw.pg, w->cw.db, "UPDATE users SET created_at = NULL WHERE id IN (5, 6)");
  sort_header (w, "Created", GTK_SORT_ASCENDING);
  assert_order (w, 60, asc);
  g_assert_cmpint (row (w, 0)->id, ==, 5);
  g_assert_nonnull (channels_find_label (CHILD (w->page, "column_view"), "unknown"));
  shoot (w->cw.window, "sorted", FALSE);
  shoot (w->cw.window, "sorted", TRUE);
  /* Deeper pages carry on from the first, id breaking ties. */
  (void) row (w, n_rows (w) - 1);
  settle (w);
  assert_order (w, n_rows (w), asc);
  sort_header (w, "Created", GTK_SORT_DESCENDING);
  assert_order (w, 60, desc);
  /* Back to newest first (the ID column), as the rest of the test expects. */
  {
    GtkColumnView *view = GTK_COLUMN_VIEW (CHILD (w->page, "column_view"));
    g_autoptr(GtkColumnViewColumn) id = g_list_model_get_item (gtk_column_view_get_columns (view), 0);

    gtk_column_view_sort_by_column (view, id, GTK_SORT_DESCENDING);
    settle (w);
  }
}

/* Selects user @id (searched by username, so it is among the rows) and
 * waits for its detail. */
static void
open_user (UsersWindow *w, gint64 id)
{
  g_autofree char *query = g_strdup_printf ("SELECT username FROM users WHERE id = %" G_GINT64_FORMAT, id);
  g_autofree char *text = channels_sql_text (&w->cw, query);
  GtkSelectionModel *selection;
  int pos;

  search (w, text);
  pos = nd_user_model_find (ND_USER_MODEL (nd_users_page_get_model (w->page)), id);
  g_assert_cmpint (pos, >=, 0);
  selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (CHILD (w->page, "column_view")));
  gtk_selection_model_select_item (selection, pos, TRUE);
  settle (w);
  g_assert_cmpint (nd_users_page_get_detail_id (w->page), ==, id);
  g_assert_true (gtk_widget_get_visible (CHILD (w->page, "detail_pane")));
}

static AdwMessageDialog *
wait_dialog (void)
{
  AdwMessageDialog *dialog;

  for (int i = 0; i < 50 && (dialog = channels_dialog ()) == NULL; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (dialog);
  return dialog;
}

static void
answer (AdwMessageDialog *dialog, const char *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
}

/* A new user through the page: a bcrypt hash as NewAPI writes it. */
static void
check_create (UsersWindow *w)
{
  AdwMessageDialog *dialog;

  g_assert_true (gtk_widget_get_sensitive (CHILD (w->page, "add_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w->page), "users.add", NULL));
  dialog = wait_dialog ();
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "go"));
  gtk_editable_set_text (GTK_EDITABLE (nd_user_dialog_get_part (dialog, "username")), "carol_new");
  gtk_editable_set_text (GTK_EDITABLE (nd_user_dialog_get_part (dialog, "display-name")), "Carol");
  gtk_editable_set_text (GTK_EDITABLE (nd_user_dialog_get_part (dialog, "password")), "s3cret-pass");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "go"));
  answer (dialog, "go");
  settle (w);
  g_assert_cmpint (sql (w, "SELECT count(*) FROM users WHERE username = 'carol_new'"
                           " AND display_name = 'Carol' AND password LIKE '$2a$10$%'"), ==, 1);
  /* The list was read again: the new user is in it, newest first. */
  search (w, "");
  g_assert_cmpstr (row (w, 0)->username, ==, "carol_new");
}

/* Two rows selected: the bar offers enable and disable for both, one
 * confirmation, one write. */
static void
check_bulk (UsersWindow *w)
{
  GtkSelectionModel *selection =
    gtk_column_view_get_model (GTK_COLUMN_VIEW (CHILD (w->page, "column_view")));
  NdUserModel *model = ND_USER_MODEL (nd_users_page_get_model (w->page));
  gint64 a = sql (w, "SELECT id FROM users WHERE username = 'bulk4999'");
  gint64 b = sql (w, "SELECT id FROM users WHERE username = 'bulk4998'");

  search (w, "bulk499");
  gtk_selection_model_select_item (selection, nd_user_model_find (model, a), TRUE);
  gtk_selection_model_select_item (selection, nd_user_model_find (model, b), FALSE);
  settle (w);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (CHILD (w->page, "bulk_revealer"))));
  g_assert_nonnull (channels_find_label (CHILD (w->page, "bulk_revealer"), "2 users selected"));
  g_signal_emit_by_name (CHILD (w->page, "bulk_disable_button"), "clicked");
  answer (wait_dialog (), "go");
  settle (w);
  g_assert_cmpint (sql (w, "SELECT count(*) FROM users WHERE username IN ('bulk4999', 'bulk4998')"
                           " AND status = 2"), ==, 2);
  /* The list was read again and both rows are still selected. */
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (CHILD (w->page, "bulk_revealer"))));
  g_signal_emit_by_name (CHILD (w->page, "bulk_enable_button"), "clicked");
  answer (wait_dialog (), "go");
  settle (w);
  g_assert_cmpint (sql (w, "SELECT count(*) FROM users WHERE username IN ('bulk4999', 'bulk4998')"
                           " AND status = 1"), ==, 2);
  gtk_selection_model_unselect_all (selection);
}

/* Edit, delete and restore the user check_create made, through the page. */
static void
check_edit_delete (UsersWindow *w)
{
  gint64 id = sql (w, "SELECT id FROM users WHERE username = 'carol_new'");
  gint64 auth = sql (w, "SELECT auth_version FROM users WHERE username = 'carol_new'");
  AdwMessageDialog *dialog;
  AdwComboRow *group;
  GListModel *groups;
  guint vip = G_MAXUINT;

  open_user (w, id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w->page), "users.edit", NULL));
  dialog = wait_dialog ();
  /* Nothing changed yet: nothing to save. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "go"));
  gtk_editable_set_text (GTK_EDITABLE (nd_user_dialog_get_part (dialog, "display-name")), "Carol B");
  group = ADW_COMBO_ROW (nd_user_dialog_get_part (dialog, "group"));
  groups = adw_combo_row_get_model (group);
  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (groups), i), "vip") == 0)
      vip = i;
  g_assert_cmpuint (vip, !=, G_MAXUINT);
  adw_combo_row_set_selected (group, vip);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "go"));
  shoot (GTK_WIDGET (dialog), "edit", TRUE);
  answer (dialog, "go");
  settle (w);
  g_assert_cmpint (sql (w, "SELECT count(*) FROM users WHERE username = 'carol_new'"
                           " AND display_name = 'Carol B' AND \"group\" = 'vip'"), ==, 1);
  /* A new group signs the user out, as NewAPI does. */
  g_assert_cmpint (sql (w, "SELECT auth_version FROM users WHERE username = 'carol_new'"), >, auth);

  g_signal_emit_by_name (CHILD (w->page, "delete_button"), "clicked");
  answer (wait_dialog (), "go");
  settle (w);
  g_assert_cmpint (sql (w, "SELECT count(*) FROM users WHERE username = 'carol_new'"
                           " AND deleted_at IS NOT NULL"), ==, 1);
  /* Deleted: the pane offers Restore, and greys what NewAPI would refuse. */
  g_assert_false (gtk_widget_get_sensitive (CHILD (w->page, "quota_button")));
  g_assert_true (gtk_widget_get_sensitive (CHILD (w->page, "delete_button")));
  g_signal_emit_by_name (CHILD (w->page, "delete_button"), "clicked");
  settle (w);
  g_assert_cmpint (sql (w, "SELECT count(*) FROM users WHERE username = 'carol_new'"
                           " AND deleted_at IS NULL"), ==, 1);
}

static void
check_amounts (void)
{
  g_autoptr(NdMoney) usd = nd_money_new_default ();
  gint64 q = 0;

  g_assert_true (nd_user_parse_amount ("1,5", usd, &q));
  g_assert_cmpint (q, ==, 750000);
  g_assert_true (nd_user_parse_amount (" 2 ", usd, &q));
  g_assert_cmpint (q, ==, 1000000);
  g_assert_false (nd_user_parse_amount ("1.2.3", usd, &q));
  g_assert_false (nd_user_parse_amount ("-1", usd, &q));
  g_assert_false (nd_user_parse_amount ("", usd, &q));
  g_assert_false (nd_user_parse_amount ("1e9", usd, &q));
  g_assert_false (nd_user_parse_amount ("99999999999999", usd, &q));

  g_assert_true (nd_user_parse_units ("1,000,000", &q));
  g_assert_cmpint (q, ==, 1000000);
  g_assert_true (nd_user_parse_units (" 2500 ", &q));
  g_assert_cmpint (q, ==, 2500);
  g_assert_true (nd_user_parse_units ("12 345", &q));
  g_assert_cmpint (q, ==, 12345);
  g_assert_false (nd_user_parse_units ("1.5", &q));
  g_assert_false (nd_user_parse_units ("1,00", &q));
  g_assert_false (nd_user_parse_units ("1,000 000", &q));
  g_assert_false (nd_user_parse_units (",100", &q));
  g_assert_false (nd_user_parse_units ("-5", &q));
  g_assert_false (nd_user_parse_units ("", &q));
  g_assert_false (nd_user_parse_units ("99999999999999999", &q));
}

/* The pane's usage over 7 and 30 days is what the logs say for user @id. */
static void
check_usage (UsersWindow *w, gint64 id)
{
  NdChannelUsage *usage = ND_CHANNEL_USAGE (nd_users_page_get_usage (w->page));

  channels_check_usage (&w->cw, GTK_WIDGET (usage), "user_id", id);
  /* 30 days, not the channels' 24 hours. */
  g_assert_cmpint (nd_channel_usage_get_series (usage, 1)->to -
                   nd_channel_usage_get_series (usage, 1)->from, >=, 29 * 86400);
  g_assert_cmpint (nd_channel_usage_get_series (usage, 0)->to -
                   nd_channel_usage_get_series (usage, 0)->from, >=, 6 * 86400);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (usage)));
}

/* The pane lists the user's tokens, as many as the table holds, by name. */
static void
check_tokens (UsersWindow *w, gint64 id)
{
  GtkWidget *list = CHILD (w->page, "tokens_list");
  g_autofree char *count_sql = g_strdup_printf ("SELECT count(*) FROM tokens WHERE user_id = %"
                                                G_GINT64_FORMAT " AND deleted_at IS NULL", id);
  g_autofree char *name_sql = g_strdup_printf ("SELECT name FROM tokens WHERE user_id = %"
                                               G_GINT64_FORMAT " AND deleted_at IS NULL"
                                               " ORDER BY id LIMIT 1", id);
  g_autofree char *name = NULL;
  gint64 want = sql (w, count_sql);
  guint rows = 0;

  settle (w);
  for (GtkWidget *c = gtk_widget_get_first_child (list); c; c = gtk_widget_get_next_sibling (c))
    rows++;
  g_assert_cmpint (want, >, 0);
  g_assert_cmpint (want, <=, 20);
  g_assert_cmpuint (rows, ==, want);
  name = channels_sql_text (&w->cw, name_sql);
  g_assert_nonnull (channels_find_label (list, name));
}

/* The quota dialog in quota units: whole numbers, grouped or not, added
 * exactly; the preview names the amount in money too. */
static void
check_quota_units (UsersWindow *w, gint64 id)
{
  g_autofree char *quota_sql = g_strdup_printf ("SELECT quota FROM users WHERE id = %"
                                                G_GINT64_FORMAT, id);
  g_autoptr(NdMoney) usd = nd_money_new_default ();
  g_autofree char *money = nd_money_format_full (usd, 1234567);
  g_autofree char *adds = g_strdup_printf ("Adds %s (1,234,567 quota units)", money);
  gint64 before = sql (w, quota_sql);
  AdwMessageDialog *dialog;
  GtkEditable *amount;
  GtkLabel *preview;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w->page), "users.quota", NULL));
  dialog = wait_dialog ();
  amount = GTK_EDITABLE (nd_user_dialog_get_part (dialog, "amount"));
  preview = GTK_LABEL (nd_user_dialog_get_part (dialog, "preview"));
  /* Money first: a grouped count is no amount of money. */
  gtk_editable_set_text (amount, "1,234,567");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "go"));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (nd_user_dialog_get_part (dialog, "unit")), 1);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "go"));
  g_assert_nonnull (strstr (gtk_label_get_text (preview), adds));
  /* No fractions of a unit, and a clear word why. */
  gtk_editable_set_text (amount, "1.5");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "go"));
  g_assert_nonnull (strstr (gtk_label_get_text (preview), "whole numbers"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (amount), "error"));
  /* More than the balance, in units too, is marked. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (nd_user_dialog_get_part (dialog, "mode")), 1);
  gtk_editable_set_text (amount, "999999999999");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (preview), "warning"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "go"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (nd_user_dialog_get_part (dialog, "mode")), 0);
  gtk_editable_set_text (amount, "1,234,567");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "go"), ==,
                   ADW_RESPONSE_SUGGESTED);
  shoot (GTK_WIDGET (dialog), "quota-units", FALSE);
  shoot (GTK_WIDGET (dialog), "quota-units", TRUE);
  answer (dialog, "go");
  settle (w);
  g_assert_cmpint (sql (w, quota_sql), ==, before + 1234567);
}

static void
test_list_and_quota (void)
{
  UsersWindow w;
  gint64 before, audits;
  AdwMessageDialog *dialog;
  GtkLabel *preview;
  g_autofree char *detail = NULL;

  check_amounts ();
  if (!open_window (&w, "nd_users_page", FALSE))
    return;
  check_paging (&w);
  shoot (w.cw.window, "list", FALSE);
  shoot (w.cw.window, "list", TRUE);
  check_filters (&w);
  check_sort_created (&w);

  /* alice (id 7): $2.00 more, at the fixture's 500 000 units a dollar. */
  open_user (&w, 7);
  check_usage (&w, 7);
  check_tokens (&w, 7);
  shoot (w.cw.window, "detail", TRUE);
  shoot (w.cw.window, "detail", FALSE);
  {
    GtkWidget *usage = nd_users_page_get_usage (w.page);
    GtkWidget *scroller = gtk_widget_get_ancestor (usage, GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
    shoot (w.cw.window, "detail-usage", FALSE);
    gtk_adjustment_set_value (adj, 0);
  }
  /* Logs: the Logs page, filtered by alice's id. */
  {
    g_autofree char *filter = NULL;

    g_signal_emit_by_name (CHILD (w.page, "logs_button"), "clicked");
    filter = nd_logs_page_get_filter (ND_LOGS_PAGE (WIN_CHILD (w.cw.window, "logs_page")));
    g_assert_nonnull (strstr (filter, "user_id=7"));
    g_assert_true (gtk_widget_activate_action (w.cw.window, "win.show-page", "s", "users"));
  }
  /* Narrow: the pane takes the page, the list is one swipe back. */
  channels_set_width (&w.cw, 600);
  g_assert_true (adw_leaflet_get_folded (ADW_LEAFLET (CHILD (w.page, "leaflet"))));
  g_assert_true (adw_leaflet_get_visible_child (ADW_LEAFLET (CHILD (w.page, "leaflet"))) ==
                 CHILD (w.page, "detail_pane"));
  shoot (w.cw.window, "detail-600", FALSE);
  channels_set_width (&w.cw, 1280);
  before = sql (&w, "SELECT quota FROM users WHERE id = 7");
  audits = sql (&w, "SELECT count(*) FROM logs WHERE type = 3");
  g_assert_true (gtk_widget_get_sensitive (CHILD (w.page, "quota_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w.page), "users.quota", NULL));
  dialog = wait_dialog ();
  preview = GTK_LABEL (nd_user_dialog_get_part (dialog, "preview"));
  gtk_editable_set_text (GTK_EDITABLE (nd_user_dialog_get_part (dialog, "amount")), "abc");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "go"));
  /* Taking more than the user has is marked, and the button says so. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (nd_user_dialog_get_part (dialog, "mode")), 1);
  gtk_editable_set_text (GTK_EDITABLE (nd_user_dialog_get_part (dialog, "amount")), "100000");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (preview), "warning"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "go"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (nd_user_dialog_get_part (dialog, "mode")), 0);
  gtk_editable_set_text (GTK_EDITABLE (nd_user_dialog_get_part (dialog, "amount")), "2");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (preview), "warning"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "go"), ==,
                   ADW_RESPONSE_SUGGESTED);
  gtk_editable_set_text (GTK_EDITABLE (nd_user_dialog_get_part (dialog, "reason")), "refund");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "go"));
  /* The preview names the balance it will leave. */
  {
    g_autofree char *grouped = nd_format_count (before + 1000000);

    g_assert_nonnull (strstr (gtk_label_get_text (preview), "→"));
    g_assert_nonnull (strstr (gtk_label_get_text (preview), grouped));
    /* And the amount typed, in both units. */
    g_assert_nonnull (strstr (gtk_label_get_text (preview), "Adds $2.00 (1,000,000 quota units)"));
  }
  shoot (GTK_WIDGET (dialog), "quota", FALSE);
  shoot (GTK_WIDGET (dialog), "quota", TRUE);
  answer (dialog, "go");
  settle (&w);
  g_assert_cmpint (sql (&w, "SELECT quota FROM users WHERE id = 7"), ==, before + 1000000);
  g_assert_cmpint (sql (&w, "SELECT count(*) FROM logs WHERE type = 3"), ==, audits + 1);
  detail = channels_sql_text (&w.cw, "SELECT other FROM logs WHERE type = 3 ORDER BY id DESC LIMIT 1");
  g_assert_nonnull (strstr (detail, "user.quota_add"));
  g_assert_nonnull (strstr (detail, "\"target_user_id\":7"));
  /* The pane shows the new balance. */
  g_assert_nonnull (channels_find_label (CHILD (w.page, "detail_list"), "quota units"));
  {
    g_autofree char *units = NULL;
    g_autofree char *grouped = nd_format_count (before + 1000000);

    units = g_strdup_printf ("(%s quota units)", grouped);
    g_assert_nonnull (channels_find_label (CHILD (w.page, "detail_list"), units));
  }

  /* Units: one more audit row, the disable's makes three. */
  check_quota_units (&w, 7);

  /* Disable, after a confirmation: written, and audited. */
  g_assert_cmpint (sql (&w, "SELECT status FROM users WHERE id = 7"), ==, 1);
  g_signal_emit_by_name (CHILD (w.page, "status_button"), "clicked");
  dialog = wait_dialog ();
  answer (dialog, "cancel");
  settle (&w);
  g_assert_cmpint (sql (&w, "SELECT status FROM users WHERE id = 7"), ==, 1);
  g_signal_emit_by_name (CHILD (w.page, "status_button"), "clicked");
  answer (wait_dialog (), "go");
  settle (&w);
  g_assert_cmpint (sql (&w, "SELECT status FROM users WHERE id = 7"), ==, 2);
  g_assert_cmpint (sql (&w, "SELECT count(*) FROM logs WHERE type = 3"), ==, audits + 3);

  /* The root user cannot be disabled: the core's refusal, nothing written. */
  open_user (&w, 1);
  g_signal_emit_by_name (CHILD (w.page, "status_button"), "clicked");
  answer (wait_dialog (), "go");
  settle (&w);
  g_assert_cmpint (sql (&w, "SELECT status FROM users WHERE id = 1"), ==, 1);
  g_assert_cmpint (sql (&w, "SELECT count(*) FROM logs WHERE type = 3"), ==, audits + 3);

  check_create (&w);
  check_edit_delete (&w);
  check_bulk (&w);
  channels_window_close (&w.cw);
}

/* A read-only profile lists, and every write is greyed with the reason. */
static void
test_read_only (void)
{
  UsersWindow w;
  GtkWidget *quota;

  if (!open_window (&w, "nd_users_page_ro", TRUE))
    return;
  g_assert_false (gtk_widget_get_sensitive (CHILD (w.page, "add_button")));
  open_user (&w, 7);
  quota = CHILD (w.page, "quota_button");
  g_assert_false (gtk_widget_get_sensitive (quota));
  g_assert_nonnull (gtk_widget_get_tooltip_text (quota));
  g_assert_true (gtk_widget_get_visible (CHILD (w.page, "blocked_label")));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (w.page), "users.quota", NULL) &&
                  channels_dialog () != NULL);
  channels_window_close (&w.cw);
}

int
main (int argc, char **argv)
{
  channels_tests_init (&argc, &argv);
  g_test_add_func ("/display/users/list-and-quota", test_list_and_quota);
  g_test_add_func ("/display/users/read-only", test_read_only);
  return channels_tests_run ();
}
