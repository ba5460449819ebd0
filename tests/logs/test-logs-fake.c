/* test-logs-fake.c — the Logs page and its list model against a scripted
 * in-memory source, no database or server needed
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * - live tail: a tail page that reports a gap (next.id = -1) reloads the
 *   list instead of prepending across the gap;
 * - live tail polls every 10 s over HTTP, every 2 s over PostgreSQL;
 * - the channels/models filter lists follow the page's source: late replies
 *   from a previous source, or after the page is gone, are dropped;
 * - the end of an export (flush, fsync, rename) runs off the main thread,
 *   and the page may be disposed while it does;
 * - the strings the model interns stay bounded while scrolling.
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "nd-logs-fake.h"
#include "nd-test.h"

/* ---- tests ------------------------------------------------------------- */

/* The labels of the check buttons in a filter list. */
static char *
list_labels (GtkWidget *page, const char *name)
{
  GtkWidget *list = template_child (page, name);
  GString *s = g_string_new (NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (list); row; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *check;

      if (!GTK_IS_LIST_BOX_ROW (row))
        continue;
      check = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      if (s->len > 0)
        g_string_append_c (s, '|');
      g_string_append (s, gtk_check_button_get_label (GTK_CHECK_BUTTON (check)));
    }
  return g_string_free (s, FALSE);
}


static gboolean
n_items_is (gpointer data)
{
  gpointer *d = data;

  return g_list_model_get_n_items (G_LIST_MODEL (d[0])) == GPOINTER_TO_UINT (d[1]) &&
         model_idle (d[0]);
}

static void
tail_page (FakeSource *source, gint64 first, gint64 last, gboolean gap)
{
  NdLogPage *page = nd_log_page_new ();

  for (gint64 id = first; id <= last; id++)
    g_ptr_array_add (page->rows, make_log (id));
  page->next.id = gap ? -1 : last;
  page->next.created_at = 1700000000 + last;
  g_clear_pointer (&source->tail, nd_log_page_free);
  source->tail = page;
}

/* Scrolls to the end (asking for the last row makes the model fetch on),
 * then says whether the model holds the wanted number of rows. */
static gboolean
scrolled_to (gpointer data)
{
  gpointer *d = data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (d[0]));

  if (n > 0)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (d[0]), n - 1));
  return n_items_is (data);
}

/* A page that comes back empty with more to come (the HTTP source filtering
 * by token id) does not end the list: the model goes on from its cursor. */
static void
test_empty_page_goes_on (void)
{
  g_autoptr(FakeSource) source = fake_source_new (ND_SOURCE_KIND_HTTP, 700);
  g_autoptr(NdLogModel) model = nd_log_model_new ();
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  gpointer d[2] = { model, GUINT_TO_POINTER (100) };

  source->scan_limit = 5;
  nd_log_model_set_source (model, ND_SOURCE (source));
  nd_log_model_set_query (model, q, NULL);
  /* Rows 7, 14, … 700: 100 of them, over pages of which most are empty. */
  g_assert_true (wait_until (scrolled_to, d));
  g_assert_cmpuint (source->n_query, >=, 100);
}

/* A tail page that says rows were skipped reloads from the top. */
static void
test_tail_gap_reloads (void)
{
  g_autoptr(FakeSource) source = fake_source_new (ND_SOURCE_KIND_HTTP, 3);
  g_autoptr(NdLogModel) model = nd_log_model_new ();
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  gpointer d[2] = { model, GUINT_TO_POINTER (3) };
  guint queries;

  nd_log_model_set_source (model, ND_SOURCE (source));
  nd_log_model_set_query (model, q, NULL);
  g_assert_true (wait_until (n_items_is, d));

  /* Contiguous: prepended, no new query. */
  g_ptr_array_add (source->logs, make_log (4));
  g_ptr_array_add (source->logs, make_log (5));
  tail_page (source, 4, 5, FALSE);
  queries = source->n_query;
  nd_log_model_poll_tail (model);
  d[1] = GUINT_TO_POINTER (5);
  g_assert_true (wait_until (n_items_is, d));
  g_assert_cmpuint (source->n_query, ==, queries);
  g_assert_cmpint (nd_log_model_get_newest_id (model), ==, 5);

  /* 6..20 arrived, but the source could only return 19 and 20 and says so:
   * the list reloads and shows all of them, nothing missing in between. */
  for (gint64 id = 6; id <= 20; id++)
    g_ptr_array_add (source->logs, make_log (id));
  tail_page (source, 19, 20, TRUE);
  nd_log_model_poll_tail (model);
  d[1] = GUINT_TO_POINTER (20);
  g_assert_true (wait_until (n_items_is, d));
  g_assert_cmpuint (source->n_query, >, queries);
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(NdLogItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_true (nd_log_item_get_loaded (item));
      g_assert_cmpint (nd_log_item_get_log (item)->id, ==, 20 - i);
    }
}

/* Scrolling through rows whose user names and IPs never repeat: the
 * strings the model interns stay bounded like its pages, instead of
 * growing with every row ever fetched. */
static void
test_strings_bounded (void)
{
  const guint n_logs = 40000;
  g_autoptr(FakeSource) source = fake_source_new (ND_SOURCE_KIND_PG, 0);
  g_autoptr(NdLogModel) model = nd_log_model_new ();
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autofree char *pad = g_strnfill (480, 'x');
  gsize peak = 0, fetched = 0;
  guint n;

  for (guint i = 1; i <= n_logs; i++)
    {
      NdLog *log = make_log (i);

      g_free (log->username);
      log->username = g_strdup_printf ("user-%u-%s", i, pad);
      log->ip = g_strdup_printf ("10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
      fetched += strlen (log->username) + strlen (log->ip) + 2;
      g_ptr_array_add (source->logs, log);
    }
  nd_log_model_set_source (model, ND_SOURCE (source));
  nd_log_model_set_query (model, q, NULL);
  g_assert_true (wait_until (model_idle, model));
  /* Down to the end a page at a time, as a view would. */
  while ((n = g_list_model_get_n_items (G_LIST_MODEL (model))) < n_logs)
    {
      g_autoptr(NdLogItem) item = g_list_model_get_item (G_LIST_MODEL (model), n - 1);

      g_assert_true (wait_until (model_idle, model));
      peak = MAX (peak, nd_log_model_get_string_bytes (model));
      g_assert_cmpuint (nd_log_model_get_resident_pages (model), <=, ND_LOG_MODEL_MAX_RESIDENT);
    }
  g_test_message ("interned at most %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes fetched",
                  peak, fetched);
  /* What the resident pages need, with room to grow before a rebuild. */
  g_assert_cmpuint (peak, <=, 2 * ND_LOG_MODEL_MAX_RESIDENT * ND_LOG_MODEL_PAGE_SIZE * 500 + (1 << 20));
  g_assert_cmpuint (peak, <, fetched / 2);

  /* Rows dropped and fetched again still read right. */
  {
    g_autoptr(NdLogItem) item = g_list_model_get_item (G_LIST_MODEL (model), 0);
    g_autofree char *want = g_strdup_printf ("user-%u-%s", n_logs, pad);

    g_assert_true (wait_until (model_idle, model));
    g_assert_true (nd_log_item_get_loaded (item));
    g_assert_cmpstr (nd_log_item_get_log (item)->username, ==, want);
  }
  {
    g_autoptr(NdLogItem) item = g_list_model_get_item (G_LIST_MODEL (model), n_logs - 1);

    g_assert_cmpstr (nd_log_item_get_log (item)->ip, ==, "10.0.0.1");
  }
}

/* Over HTTP the tail polls every 10 s (NewAPI's rate limit), over
 * PostgreSQL every 2 s. */
static void
test_tail_interval (void)
{
  const struct { NdSourceKind kind; guint seconds; } cases[] = {
    { ND_SOURCE_KIND_HTTP, 10 },
    { ND_SOURCE_KIND_PG, 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FakeSource) source = fake_source_new (cases[i].kind, 3);
      g_autoptr(NdSession) session = connect_fake (source);
      GtkWidget *window;
      GtkWidget *page = show_page (session, &window);

      g_assert_cmpuint (nd_logs_page_get_tail_interval (ND_LOGS_PAGE (page)), ==, 0);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (template_child (page, "live_button")), TRUE);
      g_assert_cmpuint (nd_logs_page_get_tail_interval (ND_LOGS_PAGE (page)), ==, cases[i].seconds);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (template_child (page, "live_button")), FALSE);
      g_assert_cmpuint (nd_logs_page_get_tail_interval (ND_LOGS_PAGE (page)), ==, 0);
      gtk_window_destroy (GTK_WINDOW (window));
      release_lists (source, 1, "x");
      spin (50);
    }
}

/* After a quick switch, the previous source's late filter lists do not
 * replace the current one's. */
static void
test_lists_follow_source (void)
{
  g_autoptr(FakeSource) a = fake_source_new (ND_SOURCE_KIND_HTTP, 3);
  g_autoptr(FakeSource) b = fake_source_new (ND_SOURCE_KIND_HTTP, 3);
  g_autoptr(NdSession) sa = connect_fake (a);
  g_autoptr(NdSession) sb = connect_fake (b);
  g_autofree char *channels = NULL, *models = NULL;
  GtkWidget *window;
  GtkWidget *page = show_page (sa, &window);

  g_assert_cmpuint (a->pending->len, ==, 2);
  /* As the window switches profiles: no session, then the new one. */
  g_object_set (page, "session", NULL, NULL);
  g_object_set (page, "session", sb, NULL);
  g_assert_cmpuint (b->pending->len, ==, 2);

  release_lists (b, 2, "from-b");
  spin (50);
  release_lists (a, 1, "from-a");
  spin (50);
  channels = list_labels (page, "channels_list");
  models = list_labels (page, "models_list");
  g_assert_cmpstr (channels, ==, "from-b (#2)");
  g_assert_cmpstr (models, ==, "from-b");

  /* Straight from one connected session to another: the lists (and the
   * rows) follow too. */
  g_object_set (page, "session", sa, NULL);
  g_assert_cmpuint (a->pending->len, ==, 2);
  release_lists (a, 1, "from-a");
  spin (50);
  g_free (channels);
  channels = list_labels (page, "channels_list");
  g_assert_cmpstr (channels, ==, "from-a (#1)");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Replies that arrive after the page is gone touch nothing. */
static void
test_lists_after_dispose (void)
{
  g_autoptr(FakeSource) a = fake_source_new (ND_SOURCE_KIND_HTTP, 3);
  g_autoptr(NdSession) sa = connect_fake (a);
  GtkWidget *window;
  GtkWidget *page;

  page = g_object_ref (show_page (sa, &window));
  g_assert_cmpuint (a->pending->len, ==, 2);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_run_dispose (G_OBJECT (page));
  spin (50);
  /* Criticals are fatal here: a callback on the disposed page's cleared
   * template children would abort. */
  release_lists (a, 1, "late");
  spin (50);
  g_object_unref (page);
}


static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

/* Starts an export and returns right after the page's callback for the
 * rows ran (the source's task is gone then): only the finish is left. */
static void
export_rows (FakeSource *source, GtkWidget *page, const char *path)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  source->export_task_gone = FALSE;
  nd_logs_page_export_to (ND_LOGS_PAGE (page), path);
  g_assert_true (nd_logs_page_is_exporting (ND_LOGS_PAGE (page)));
  while (!source->export_task_gone)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
    }
}

static void
test_export_finish_async (void)
{
  g_autoptr(FakeSource) source = fake_source_new (ND_SOURCE_KIND_HTTP, 250);
  g_autoptr(NdSession) session = connect_fake (source);
  g_autofree char *dir = g_dir_make_tmp ("nd-logs-fake-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *path2 = g_build_filename (dir, "out2.jsonl", NULL);
  g_autofree char *text = NULL;
  GtkWidget *window;
  GtkWidget *page = show_page (session, &window);

  release_lists (source, 1, "x");

  /* The rows are written; flushing, syncing and renaming happen off the
   * main thread, so the page still says it is exporting... */
  export_rows (source, page, path);
  g_assert_true (nd_logs_page_is_exporting (ND_LOGS_PAGE (page)));
  /* ...until the file is in place, complete. */
  g_assert_true (wait_until (export_ended, page));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  {
    g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 1 + 250 + 1);
  }

  /* The page goes while the file is being finished: the file still lands,
   * and nothing touches the page. */
  export_rows (source, page, path2);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_until (file_exists, path2));
  spin (50);

  g_unlink (path);
  g_unlink (path2);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/logs/fake/tail-gap-reloads", test_tail_gap_reloads);
  g_test_add_func ("/logs/fake/empty-page-goes-on", test_empty_page_goes_on);
  g_test_add_func ("/logs/fake/strings-bounded", test_strings_bounded);
  if (!gtk_init_check ())
    return g_test_run ();
  adw_init ();
  g_test_add_func ("/logs/fake/tail-interval", test_tail_interval);
  g_test_add_func ("/logs/fake/lists-follow-source", test_lists_follow_source);
  g_test_add_func ("/logs/fake/lists-after-dispose", test_lists_after_dispose);
  g_test_add_func ("/logs/fake/export-finish-async", test_export_finish_async);
  return g_test_run ();
}
