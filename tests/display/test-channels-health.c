/* test-channels-health.c — health checks from the Channels page: testing
 * the selection, recording, read-only, cancel (also by closing the page),
 * balances, and "Fetch from Upstream" in the editor, against a real
 * PostgreSQL and a fake upstream (tests/health/nd-fake-upstream)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With ND_SHOTS_DIR set it saves channels-health-{running,done}-{light,dark}.png.
 */
#include "config.h"

#include <string.h>

#include "nd-channel-models.h"
#include "nd-fake-upstream.h"
#include "test-channels-common.h"

#define GOOD "sk-good-0123456789abcdefghijklmnopqrstuvwx"
#define WRONG "sk-wrong-0123456789abcdefghijklmnopqrstuvw"
#define SLOW "sk-slow-0123456789abcdefghijklmnopqrstuvwx"

/* Channels 1–4 go to the fake upstream as OpenAI: 1 and 2 work, 3 has a
 * wrong key (401), 4 is slow. 5 is Anthropic, whose balance NewAPI cannot
 * read. None has a response time yet. */
static NdFakeUpstream *
use_fake (ChannelsWindow *w)
{
  g_autoptr(GError) error = NULL;
  NdFakeUpstream *fake = nd_fake_upstream_new (&error);
  g_autofree char *sql = NULL;
  const char *url;

  g_assert_no_error (error);
  url = nd_fake_upstream_get_url (fake);
  sql = g_strdup_printf (
    "UPDATE channels SET type = 1, base_url = '%s', \"key\" = '" GOOD "', response_time = 0,"
    " models = 'gpt-4o', channel_info = '{\"is_multi_key\":false}' WHERE id IN (1, 2, 3, 4);"
    "UPDATE channels SET \"key\" = '" WRONG "' WHERE id = 3;"
    "UPDATE channels SET \"key\" = '" SLOW "' WHERE id = 4;"
    "UPDATE channels SET type = 14, base_url = '%s', \"key\" = '" GOOD "',"
    " channel_info = '{\"is_multi_key\":false}' WHERE id = 5", url, url);
  nd_test_pg_exec (w->pg, w->db, sql);
  nd_channels_page_reload (w->page);
  channels_window_settle (w);
  return fake;
}

static NdChannelItem *
row (ChannelsWindow *w, gint64 id)
{
  int pos = channels_find (w, id);

  g_assert_cmpint (pos, >=, 0);
  return channels_row_item (w, pos);
}

static char *
cell (ChannelsWindow *w, NdChannelSortKey key, gint64 id)
{
  g_autoptr(NdChannelItem) item = row (w, id);

  return nd_channel_columns_cell_text (nd_channels_page_get_columns (w->page), key, item);
}

static char *
tip (ChannelsWindow *w, NdChannelSortKey key, gint64 id)
{
  g_autoptr(NdChannelItem) item = row (w, id);

  return nd_channel_columns_cell_tooltip (nd_channels_page_get_columns (w->page), key, item);
}

static const char *
label_text (ChannelsWindow *w, const char *name)
{
  return gtk_label_get_text (GTK_LABEL (PAGE_CHILD (w->page, name)));
}

/* As a click on the page's Test button. */
static void
click_test (ChannelsWindow *w)
{
  GtkWidget *button = PAGE_CHILD (w->page, "test_button");

  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (nd_channels_page_is_busy (w->page));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (PAGE_CHILD (w->page, "health_slot"))));
}

static void
test_selection (void)
{
  ChannelsWindow w;
  g_autoptr(NdFakeUpstream) fake = NULL;
  g_autofree char *ok1 = NULL, *ok2 = NULL, *failed = NULL, *failed_tip = NULL, *ok_tip = NULL;
  g_autoptr(NdChannelItem) item1 = NULL;
  const gint64 ids[] = { 1, 2, 3 };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 ms, t3;

  if (!channels_window_open (&w, "channels_health_sel", 0, FALSE))
    return;
  fake = use_fake (&w);
  channels_select (&w, ids, G_N_ELEMENTS (ids));
  g_assert_cmpstr (adw_button_content_get_label (ADW_BUTTON_CONTENT (PAGE_CHILD (w.page, "test_content"))),
                   ==, "Test Selected");
  /* Writes are allowed: recording is offered, and asked for. */
  g_assert_true (gtk_widget_get_sensitive (PAGE_CHILD (w.page, "test_record_row")));
  gtk_switch_set_active (GTK_SWITCH (PAGE_CHILD (w.page, "test_record")), TRUE);
  gtk_switch_set_active (GTK_SWITCH (PAGE_CHILD (w.page, "test_disable")), TRUE);
  nd_test_pg_exec (w.pg, w.db, "UPDATE channels SET status = 1, auto_ban = 1 WHERE id = 3");
  t3 = channels_sql (&w, "SELECT test_time FROM channels WHERE id = 3");
  click_test (&w);
  channels_window_settle (&w);

  /* Only the selection was asked, each once. */
  g_assert_cmpuint (nd_fake_upstream_get_n_requests (fake), ==, 3);
  g_assert_cmpstr (label_text (&w, "health_label"), ==, "Tests done");
  g_assert_cmpstr (label_text (&w, "health_summary"), ==,
                   "2 worked, 1 failed, 0 could not be tested, 2 recorded, 1 disabled");

  /* The working ones show their response time, from this run. */
  ok1 = cell (&w, ND_CHANNEL_SORT_RESPONSE, 1);
  ok2 = cell (&w, ND_CHANNEL_SORT_RESPONSE, 2);
  g_assert_true (g_str_has_suffix (ok1, " ms"));
  g_assert_true (g_str_has_suffix (ok2, " ms"));
  item1 = row (&w, 1);
  g_assert_nonnull (nd_channel_item_get_test_result (item1));
  ok_tip = tip (&w, ND_CHANNEL_SORT_RESPONSE, 1);
  g_assert_true (g_str_has_prefix (ok_tip, "Worked in "));
  g_assert_nonnull (strstr (ok_tip, "Recorded in the database"));

  /* The failing one says so, with the upstream's words, its key masked. */
  failed = cell (&w, ND_CHANNEL_SORT_RESPONSE, 3);
  g_assert_cmpstr (failed, ==, "Failed");
  failed_tip = tip (&w, ND_CHANNEL_SORT_RESPONSE, 3);
  g_assert_true (g_str_has_prefix (failed_tip, "Failed"));
  g_assert_nonnull (strstr (failed_tip, "401"));
  g_assert_null (strstr (failed_tip, WRONG));
  g_assert_null (strstr (failed_tip, "Recorded"));
  g_assert_nonnull (strstr (failed_tip, "Disabled by this test"));
  /* Disabled by hand, the failure as the reason; the table reloaded. */
  g_assert_cmpint (channels_sql (&w, "SELECT status FROM channels WHERE id = 3"), ==, 2);
  {
    g_autofree char *status = cell (&w, ND_CHANNEL_SORT_STATUS, 3);

    g_assert_cmpstr (status, ==, "Disabled");
  }

  /* Not selected, not tested. */
  {
    g_autoptr(NdChannelItem) item4 = row (&w, 4);

    g_assert_null (nd_channel_item_get_test_result (item4));
  }

  /* Recorded as NewAPI records a test: successes only, in ms. */
  ms = nd_health_item_get_latency_ms (nd_channel_item_get_test_result (item1));
  g_assert_cmpint (channels_sql (&w, "SELECT response_time FROM channels WHERE id = 1"), ==, ms);
  /* (A local upstream may answer within the millisecond: 0 ms is a time too.) */
  g_assert_cmpint (channels_sql (&w, "SELECT test_time FROM channels WHERE id = 1"), >=, now - 5);
  g_assert_cmpint (channels_sql (&w, "SELECT test_time FROM channels WHERE id = 2"), >=, now - 5);
  g_assert_cmpint (channels_sql (&w, "SELECT test_time FROM channels WHERE id = 3"), ==, t3);
  g_assert_cmpint (channels_sql (&w, "SELECT response_time FROM channels WHERE id = 3"), ==, 0);
  channels_window_close (&w);
}

/* channels-health-@name-{light,dark}.png of @widget; @h (may be NULL)
 * scrolled to its end first (the Response column). */
static void
shoot_schemes (ChannelsWindow *w, GtkWidget *widget, const char *name, GtkAdjustment *h)
{
  for (guint dark = 0; dark < 2; dark++)
    {
      g_autofree char *file = g_strdup_printf ("channels-health-%s-%s", name,
                                               dark ? "dark" : "light");

      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                               : ADW_COLOR_SCHEME_FORCE_LIGHT);
      nd_display_test_draw (w->window);
      if (h != NULL)
        gtk_adjustment_set_value (h, gtk_adjustment_get_upper (h));
      nd_display_test_shot (widget, file);
    }
}

/* The options, as the split button's arrow opens them. */
static void
shoot_options (ChannelsWindow *w, const char *name)
{
  GtkPopover *popover = GTK_POPOVER (PAGE_CHILD (w->page, "test_options"));
  g_autofree char *file = g_strdup_printf ("options-%s", name);

  if (g_getenv ("ND_SHOTS_DIR") == NULL)
    return;
  gtk_popover_popup (popover);
  shoot_schemes (w, GTK_WIDGET (popover), file, NULL);
  /* Xvfb has no window manager to send the entry its focus-out. */
  gtk_window_set_focus (GTK_WINDOW (w->window), NULL);
  gtk_popover_popdown (popover);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

/* Read-only over the database: tests run (the app probes the upstream
 * itself) but nothing is stored; the writes are greyed with the reason.
 * Balances: a figure where the type has one, the runner's reason where not. */
static void
test_read_only (void)
{
  ChannelsWindow w;
  g_autoptr(NdFakeUpstream) fake = NULL;
  g_autofree char *ok = NULL, *balance = NULL, *why = NULL;
  const gint64 two[] = { 1, 5 };
  g_autofree char *before = NULL;

  if (!channels_window_open (&w, "channels_health_ro", 0, TRUE))
    return;
  fake = use_fake (&w);
  g_assert_false (gtk_widget_get_sensitive (PAGE_CHILD (w.page, "test_record_row")));
  g_assert_false (gtk_widget_get_sensitive (PAGE_CHILD (w.page, "test_disable_row")));
  g_assert_true (gtk_widget_get_visible (PAGE_CHILD (w.page, "test_blocked_label")));
  g_assert_nonnull (strstr (label_text (&w, "test_blocked_label"), "read-only"));
  shoot_options (&w, "read-only");

  /* One channel, from its editor: the page runs it, both show the result. */
  channels_open (&w, 1);
  g_signal_emit_by_name (EDITOR_CHILD (w.editor, "test_button"), "clicked");
  g_assert_true (nd_channels_page_is_busy (w.page));
  channels_window_settle (&w);
  ok = cell (&w, ND_CHANNEL_SORT_RESPONSE, 1);
  g_assert_true (g_str_has_suffix (ok, " ms"));
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (EDITOR_CHILD (w.editor, "test_row"))),
                                   "Worked in "));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (EDITOR_CHILD (w.editor, "test_badge"))), ==, ok);
  g_assert_cmpint (channels_sql (&w, "SELECT response_time FROM channels WHERE id = 1"), ==, 0);

  before = channels_sql_text (&w, "SELECT balance::text FROM channels WHERE id = 1");
  channels_select (&w, two, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w.page), "channels.update-balance", NULL));
  channels_window_settle (&w);
  g_assert_cmpstr (label_text (&w, "health_label"), ==, "Balances read");
  balance = cell (&w, ND_CHANNEL_SORT_BALANCE, 1);
  g_assert_cmpstr (balance, ==, "$99.50");
  why = tip (&w, ND_CHANNEL_SORT_BALANCE, 5);
  g_assert_true (g_str_has_prefix (why, "Balance not read\n"));
  g_assert_cmpuint (strlen (why), >, strlen ("Balance not read\n") + 5);
  /* Shown, not stored. */
  {
    g_autofree char *after = channels_sql_text (&w, "SELECT balance::text FROM channels WHERE id = 1");

    g_assert_cmpstr (after, ==, before);
  }

  /* One from its editor: the reason where it was asked. */
  channels_open (&w, 5);
  g_signal_emit_by_name (EDITOR_CHILD (w.editor, "balance_button"), "clicked");
  channels_window_settle (&w);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (EDITOR_CHILD (w.editor, "balance_row"))),
                                   why));
  channels_window_close (&w);
}

static gboolean
probing (gpointer data)
{
  return nd_fake_upstream_get_n_requests (data) > 0;
}

static gboolean
stopped (gpointer data)
{
  return !nd_channels_page_is_busy (((ChannelsWindow *) data)->page);
}

static gboolean
gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Cancel stops the probe in flight; closing the page does too. */
static void
test_cancel (void)
{
  ChannelsWindow w;
  g_autoptr(NdFakeUpstream) fake = NULL;
  const gint64 slow[] = { 4 };
  gpointer page;

  if (!channels_window_open (&w, "channels_health_cancel", 0, FALSE))
    return;
  fake = use_fake (&w);
  nd_fake_upstream_set_delay (fake, 20000);
  channels_select (&w, slow, 1);
  channels_window_settle (&w);
  click_test (&w);
  nd_display_test_wait (probing, fake, 10, "the probe");
  g_signal_emit_by_name (PAGE_CHILD (w.page, "health_cancel"), "clicked");
  nd_display_test_wait (stopped, &w, 5, "the run to stop");
  g_assert_cmpstr (label_text (&w, "health_label"), ==, "Tests cancelled");

  nd_fake_upstream_reset (fake);
  click_test (&w);
  nd_display_test_wait (probing, fake, 10, "the probe");
  page = w.page;
  g_object_add_weak_pointer (G_OBJECT (page), &page);
  channels_window_close (&w);
  /* Long before the upstream answers (20 s) or the probe times out (30 s). */
  nd_display_test_wait (gone, &page, 5, "the page to go");
}

static void
answer (const char *response)
{
  AdwMessageDialog *dialog;

  for (int i = 0; i < 200 && (dialog = channels_dialog ()) == NULL; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* "Fetch from Upstream" offers what the list lacks; the form takes it
 * only when the admin says so, and nothing is stored before Save. */
static void
test_fetch_models (void)
{
  ChannelsWindow w;
  g_autoptr(NdFakeUpstream) fake = NULL;
  NdChannelModels *models;
  g_autofree char *list = NULL;

  if (!channels_window_open (&w, "channels_health_fetch", 0, FALSE))
    return;
  fake = use_fake (&w);
  channels_open (&w, 1);
  models = ND_CHANNEL_MODELS (EDITOR_CHILD (w.editor, "models"));
  g_signal_emit_by_name (models, "fetch");
  channels_window_settle (&w);
  g_assert_nonnull (channels_find_label (GTK_WIDGET (channels_dialog ()), "o3-mini"));
  answer ("cancel");
  list = nd_channel_models_get_models (models);
  g_assert_cmpstr (list, ==, "gpt-4o");
  g_assert_false (nd_channel_editor_is_dirty (w.editor));

  g_signal_emit_by_name (models, "fetch");
  channels_window_settle (&w);
  answer ("go");
  g_clear_pointer (&list, g_free);
  list = nd_channel_models_get_models (models);
  g_assert_cmpstr (list, ==, "gpt-4o,gpt-4o-mini,o3-mini");
  g_assert_true (nd_channel_editor_is_dirty (w.editor));
  g_clear_pointer (&list, g_free);
  list = channels_sql_text (&w, "SELECT models FROM channels WHERE id = 1");
  g_assert_cmpstr (list, ==, "gpt-4o");
  nd_channel_editor_revert (w.editor);
  channels_window_close (&w);
}

/* The Response column, scrolled into view. */
static void
shoot (ChannelsWindow *w, const char *name)
{
  GtkWidget *view = PAGE_CHILD (w->page, "column_view");
  GtkWidget *scroller = gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW);

  shoot_schemes (w, w->window, name,
                 gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller)));
}

static void
editor_close (ChannelsWindow *w)
{
  g_signal_emit_by_name (EDITOR_CHILD (w->editor, "close_button"), "clicked");
  channels_window_settle (w);
  for (int i = 0; i < 6; i++)
    nd_display_test_draw (w->window);
}

static gboolean
some_done (gpointer data)
{
  ChannelsWindow *w = data;
  g_autoptr(NdChannelItem) item = row (w, 3);
  NdHealthItem *r = nd_channel_item_get_test_result (item);

  return r != NULL && nd_health_item_is_done (r);
}

static void
test_shots (void)
{
  ChannelsWindow w;
  g_autoptr(NdFakeUpstream) fake = NULL;
  const gint64 ids[] = { 1, 2, 3, 4, 5 };

  if (g_getenv ("ND_SHOTS_DIR") == NULL)
    {
      g_test_skip ("ND_SHOTS_DIR not set");
      return;
    }
  if (!channels_window_open (&w, "channels_health_shots", 0, FALSE))
    return;
  fake = use_fake (&w);
  nd_fake_upstream_set_delay (fake, 3000);
  channels_select (&w, ids, G_N_ELEMENTS (ids));
  gtk_switch_set_active (GTK_SWITCH (PAGE_CHILD (w.page, "test_record")), TRUE);
  shoot_options (&w, "writable");
  click_test (&w);
  nd_display_test_wait (some_done, &w, 10, "the first results");
  shoot (&w, "running");
  channels_window_settle (&w);
  shoot (&w, "done");

  /* The failing one in its editor. */
  channels_set_width (&w, 1280);
  channels_open (&w, 3);
  g_signal_emit_by_name (EDITOR_CHILD (w.editor, "test_button"), "clicked");
  channels_window_settle (&w);
  shoot_schemes (&w, w.window, "editor", NULL);
  /* Narrow: the health bar under the list. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  channels_set_width (&w, 600);
  editor_close (&w);
  nd_display_test_shot (w.window, "channels-health-600-light");
  channels_window_close (&w);
}

int
main (int argc, char **argv)
{
  channels_tests_init (&argc, &argv);
  g_test_add_func ("/channels/health/selection", test_selection);
  g_test_add_func ("/channels/health/read-only", test_read_only);
  g_test_add_func ("/channels/health/cancel", test_cancel);
  g_test_add_func ("/channels/health/fetch-models", test_fetch_models);
  g_test_add_func ("/channels/health/shots", test_shots);
  return channels_tests_run ();
}
