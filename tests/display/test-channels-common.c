/* test-channels-common.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "nd-channel-usage.h"
#include "test-channels-common.h"

#define CHILD(w, name) nd_display_test_child ((w), ND_TYPE_WINDOW, (name))

static char *tmp_home;

void
channels_tests_init (int *argc, char ***argv)
{
  nd_display_test_init (argc, argv);
  tmp_home = g_dir_make_tmp ("nd-channels-display-XXXXXX", NULL);
  g_assert_nonnull (tmp_home);
  g_setenv ("XDG_DATA_HOME", tmp_home, TRUE);
}

int
channels_tests_run (void)
{
  int status = g_test_run ();
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp_home);

  if (system (cmd) != 0)
    g_printerr ("could not remove %s\n", tmp_home);
  g_clear_pointer (&tmp_home, g_free);
  return status;
}

static gboolean
connected (gpointer data)
{
  NdSession *session = nd_window_get_session (data);

  return session != NULL && nd_session_get_state (session) != ND_SESSION_CONNECTING;
}

static gboolean
idle (gpointer data)
{
  ChannelsWindow *w = data;

  return !nd_channels_page_is_busy (w->page) && !nd_channel_editor_is_busy (w->editor);
}

void
channels_window_settle (ChannelsWindow *w)
{
  nd_display_test_wait (idle, w, 60, "the Channels page to settle");
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
loaded (gpointer data)
{
  ChannelsWindow *w = data;

  return idle (w) && g_list_model_get_n_items (nd_channels_page_get_model (w->page)) > 0;
}

gboolean
channels_window_open (ChannelsWindow *w, const char *db, guint extra, gboolean read_only)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *dsn = NULL;

  memset (w, 0, sizeof *w);
  w->pg = nd_test_pg_get ();
  if (!nd_test_require (w->pg != NULL, "a throwaway PostgreSQL (tests/fixtures/nd-pg)"))
    return FALSE;
  w->db = db;
  /* Logs up to this hour: the usage of the last 24 hours has figures. */
  dsn = nd_test_pg_fixture (w->pg, db, "new", 8000, NULL, now - now % 3600);
  if (extra > 0)
    {
      /* More channels, as a big gateway has: statuses, types, tags, test
       * times and balances of every kind. */
      g_autofree char *sql = g_strdup_printf (
        "INSERT INTO channels (type, \"key\", status, name, weight, created_time, test_time,"
        " response_time, base_url, balance, balance_updated_time, models, \"group\", used_quota,"
        " priority, auto_ban, other_info, tag, channel_info)"
        " SELECT (ARRAY[1,14,24,43,3,8])[1 + i %% 6], 'sk-extra' || i, 1 + i %% 3, 'Extra ' || i,"
        " i %% 7, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " - i * 60, (i * 37) %% 6000,"
        " '', (i %% 150)::numeric + 0.25, %" G_GINT64_FORMAT " - i * 300, 'gpt-4o,gpt-4o-mini',"
        " 'default', i * 1000, i %% 5, 1, '', CASE WHEN i %% 4 = 0 THEN 'bulk' || (i %% 3) END,"
        " '{\"is_multi_key\":false}'"
        " FROM generate_series(1, %u) AS i;"
        "INSERT INTO abilities (\"group\", model, channel_id, enabled, priority, weight, tag)"
        " SELECT 'default', m, c.id, c.status = 1, c.priority, c.weight, c.tag FROM channels c,"
        " unnest(ARRAY['gpt-4o','gpt-4o-mini']) AS m WHERE c.name LIKE 'Extra %%'",
        now, now, now, extra);

      nd_test_pg_exec (w->pg, db, sql);
    }
  nd_display_test_reset ();
  nd_display_test_add_profile ("Demo gateway", dsn, read_only);
  w->window = GTK_WIDGET (nd_window_new (nd_display_test_app ()));
  gtk_window_set_default_size (GTK_WINDOW (w->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (w->window));
  nd_display_test_wait (connected, w->window, 60, "the connection");
  g_assert_cmpint (nd_session_get_state (nd_window_get_session (ND_WINDOW (w->window))), ==,
                   ND_SESSION_CONNECTED);
  g_assert_true (gtk_widget_activate_action (w->window, "win.show-page", "s", "channels"));
  w->page = ND_CHANNELS_PAGE (CHILD (w->window, "channels_page"));
  w->editor = ND_CHANNEL_EDITOR (PAGE_CHILD (w->page, "editor"));
  nd_display_test_wait (loaded, w, 60, "the channel list");
  nd_display_test_draw (w->window);
  return TRUE;
}

void
channels_window_close (ChannelsWindow *w)
{
  AdwMessageDialog *dialog;

  while ((dialog = channels_dialog ()) != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  g_object_ref (w->window);
  gtk_window_destroy (GTK_WINDOW (w->window));
  g_assert_finalize_object (w->window);
  w->window = NULL;
}

NdChannelItem *
channels_row_item (ChannelsWindow *w, guint pos)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (nd_channels_page_get_model (w->page), pos);

  g_assert_nonnull (row);
  return gtk_tree_list_row_get_item (row);
}

guint
channels_n_rows (ChannelsWindow *w)
{
  return g_list_model_get_n_items (nd_channels_page_get_model (w->page));
}

int
channels_find (ChannelsWindow *w, gint64 id)
{
  for (guint i = 0, n = channels_n_rows (w); i < n; i++)
    {
      g_autoptr(NdChannelItem) item = channels_row_item (w, i);

      if (!nd_channel_item_is_tag (item) && nd_channel_item_get_id (item) == id)
        return (int) i;
    }
  return -1;
}

void
channels_select (ChannelsWindow *w, const gint64 *ids, guint n)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (PAGE_CHILD (w->page, "column_view"));
  GtkSelectionModel *selection = gtk_column_view_get_model (view);

  /* One row: a plain click (one change); more: ctrl-clicks after it. */
  for (guint i = 0; i < n; i++)
    {
      int pos = channels_find (w, ids[i]);

      g_assert_cmpint (pos, >=, 0);
      gtk_selection_model_select_item (selection, pos, i == 0);
    }
}

void
channels_open (ChannelsWindow *w, gint64 id)
{
  channels_select (w, &id, 1);
  g_assert_cmpint (nd_channel_editor_get_id (w->editor), ==, id);
  channels_window_settle (w);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (w->editor)));
}

GtkWidget *
channels_find_label (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = channels_find_label (c, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

AdwMessageDialog *
channels_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

typedef struct {
  GtkWidget *window;
  int width;
} Width;

static gboolean
has_width (gpointer data)
{
  Width *w = data;

  return ABS (gtk_widget_get_width (w->window) - w->width) <= 16;
}

void
channels_set_width (ChannelsWindow *w, int width)
{
  GdkMonitor *monitor = gdk_display_get_monitor_at_surface (gtk_widget_get_display (w->window),
                                                            gtk_native_get_surface (GTK_NATIVE (w->window)));
  GdkRectangle screen;
  Width want = { w->window, width };

  gdk_monitor_get_geometry (monitor, &screen);
  if (width > screen.width - 40)
    want.width = width = screen.width - 40;
  gtk_window_set_default_size (GTK_WINDOW (w->window), width, MIN (800, screen.height - 40));
  nd_display_test_wait (has_width, &want, 10, "the window to resize");
  /* Folding the sidebar and the page's leaflet takes a few frames. */
  for (int i = 0; i < 6; i++)
    nd_display_test_draw (w->window);
}

gint64
channels_sql (ChannelsWindow *w, const char *sql)
{
  return nd_test_pg_scalar (w->pg, w->db, sql);
}

char *
channels_sql_text (ChannelsWindow *w, const char *sql)
{
  g_autoptr(PGresult) res = nd_test_pg_query (w->pg, w->db, sql);

  return g_strdup (PQntuples (res) > 0 ? PQgetvalue (res, 0, 0) : "");
}

static gboolean
usage_loaded (gpointer data)
{
  NdChannelUsage *usage = data;
  NdFactsSeries *s = nd_channel_usage_get_series (usage, 0);

  return s != NULL && s->last_sync > 0 && nd_channel_usage_get_series (usage, 1) != NULL;
}

void
channels_check_usage (ChannelsWindow *w, GtkWidget *widget, const char *column, gint64 id)
{
  NdChannelUsage *usage = ND_CHANNEL_USAGE (widget);

  nd_display_test_wait (usage_loaded, usage, 120, "the usage figures");
  for (guint r = 0; r < 2; r++)
    {
      NdFactsSeries *s = nd_channel_usage_get_series (usage, r);
      g_autofree char *sql = g_strdup_printf (
        "SELECT count(*) FROM logs WHERE %s = %" G_GINT64_FORMAT " AND type IN (2, 5)"
        " AND created_at >= %" G_GINT64_FORMAT " AND created_at < %" G_GINT64_FORMAT,
        column, id, s->from, s->to);

      g_assert_cmpint (s->total.requests, ==, channels_sql (w, sql));
      g_assert_cmpint (s->total.requests, >, 0);
    }
}
