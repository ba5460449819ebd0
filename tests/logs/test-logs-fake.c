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
 *   and the page may be disposed while it does.
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "nd-log-filter-bar.h"
#include "nd-log-model.h"
#include "nd-logs-page.h"
#include "nd-session.h"
#include "nd-source.h"
#include "nd-test.h"
#include "../unit/nd-secret-samples.h"

/* ---- a scripted source ------------------------------------------------- */

#define FAKE_TYPE_SOURCE (fake_source_get_type ())
G_DECLARE_FINAL_TYPE (FakeSource, fake_source, FAKE, SOURCE, NdSource)

struct _FakeSource
{
  NdSource parent_instance;

  NdSourceKind kind;
  GPtrArray *logs;          /* NdLog, ascending id */
  NdLogPage *tail;          /* the next tail reply, or NULL for none */
  GPtrArray *pending;       /* GTask, list requests held until released */
  guint n_query;
  NdLogQuery *last_query;   /* the filter of the last page asked for */
  guint n_tail;
  gboolean export_task_gone;
};

G_DEFINE_FINAL_TYPE (FakeSource, fake_source, ND_TYPE_SOURCE)

static void
fake_probe_async (NdSource *source, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  FakeSource *self = FAKE_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  NdServerInfo *info = nd_server_info_new (self->kind);

  info->caps = ND_CAP_LOGS | ND_CAP_LOG_EXPORT | ND_CAP_LOG_TAIL | ND_CAP_LOG_REQUEST_ID |
               ND_CAP_CHANNELS;
  /* Stands in for a database source: cheap polls. */
  if (self->kind == ND_SOURCE_KIND_PG)
    info->caps |= ND_CAP_BULK_READS;
  info->read_only = TRUE;
  g_task_return_pointer (task, info, (GDestroyNotify) nd_server_info_unref);
}

static void
fake_query_logs_async (NdSource *source, const NdLogQuery *query, const NdLogCursor *after,
                       guint limit, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  FakeSource *self = FAKE_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  NdLogPage *page = nd_log_page_new ();

  self->n_query++;
  g_clear_pointer (&self->last_query, nd_log_query_free);
  self->last_query = nd_log_query_copy (query);
  for (guint i = self->logs->len; i > 0; i--)
    {
      NdLog *log = g_ptr_array_index (self->logs, i - 1);

      if (after != NULL && log->id >= after->id)
        continue;
      if (page->rows->len == limit)
        {
          page->has_more = TRUE;
          break;
        }
      g_ptr_array_add (page->rows, nd_log_copy (log));
      page->next.created_at = log->created_at;
      page->next.id = log->id;
    }
  g_task_return_pointer (task, page, (GDestroyNotify) nd_log_page_free);
}

static void
fake_tail_logs_async (NdSource *source, const NdLogQuery *query, gint64 after_id,
                      guint limit, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  FakeSource *self = FAKE_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  NdLogPage *page = self->tail ? g_steal_pointer (&self->tail) : nd_log_page_new ();

  self->n_tail++;
  g_task_return_pointer (task, page, (GDestroyNotify) nd_log_page_free);
}

static void
task_gone (gpointer data, GObject *where_the_object_was)
{
  *(gboolean *) data = TRUE;
}

static void
fake_export_logs_async (NdSource *source, const NdLogQuery *query,
                        NdLogBatchFunc func, gpointer func_data, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  FakeSource *self = FAKE_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  GError *error = NULL;

  g_object_weak_ref (G_OBJECT (task), task_gone, &self->export_task_gone);
  /* Like the HTTP source: batches written on the main thread. */
  if (!func (self->logs, func_data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, self->logs->len);
}

/* The filter lists are held until the test releases them, and a reply is
 * delivered even when cancelled (as from a source whose answer was already
 * on its way): the page itself must drop what is stale. */
static void
hold (NdSource *source, GCancellable *cancellable, GAsyncReadyCallback callback,
      gpointer user_data, const char *what)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, (gpointer) what, NULL);
  g_ptr_array_add (FAKE_SOURCE (source)->pending, task);
}

static void
fake_list_channels_async (NdSource *source, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  hold (source, cancellable, callback, user_data, "channels");
}

static void
fake_suggest_async (NdSource *source, NdSuggestKind kind, const char *prefix, guint limit,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  if (kind == ND_SUGGEST_MODEL)
    hold (source, cancellable, callback, user_data, "models");
  else
    {
      g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

      g_task_return_pointer (task, g_new0 (char *, 1), (GDestroyNotify) g_strfreev);
    }
}

static void
fake_source_finalize (GObject *object)
{
  FakeSource *self = FAKE_SOURCE (object);

  g_ptr_array_unref (self->logs);
  g_ptr_array_unref (self->pending);
  g_clear_pointer (&self->tail, nd_log_page_free);
  g_clear_pointer (&self->last_query, nd_log_query_free);
  G_OBJECT_CLASS (fake_source_parent_class)->finalize (object);
}

static void
fake_source_class_init (FakeSourceClass *klass)
{
  NdSourceClass *source_class = ND_SOURCE_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = fake_source_finalize;
  source_class->probe_async = fake_probe_async;
  source_class->query_logs_async = fake_query_logs_async;
  source_class->tail_logs_async = fake_tail_logs_async;
  source_class->export_logs_async = fake_export_logs_async;
  source_class->list_channels_async = fake_list_channels_async;
  source_class->suggest_async = fake_suggest_async;
}

static void
fake_source_init (FakeSource *self)
{
  self->logs = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  self->pending = g_ptr_array_new ();
}

static NdLog *
make_log (gint64 id)
{
  NdLog *log = nd_log_new ();

  log->id = id;
  log->created_at = 1700000000 + id;
  log->type = ND_LOG_CONSUME;
  log->model_name = g_strdup ("gpt-4o-mini");
  log->content = g_strdup ("ok");
  log->user_id = 12;
  log->username = g_strdup ("alice");
  log->token_id = 5;
  log->token_name = g_strdup ("default");
  return log;
}

static FakeSource *
fake_source_new (NdSourceKind kind, guint n_logs)
{
  FakeSource *self = g_object_new (FAKE_TYPE_SOURCE, NULL);

  self->kind = kind;
  for (guint i = 1; i <= n_logs; i++)
    g_ptr_array_add (self->logs, make_log (i));
  return self;
}

/* Answers every held list request: one channel called @name and one model
 * called @name. */
static void
release_lists (FakeSource *self, gint64 channel_id, const char *name)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->pending);

  self->pending = g_ptr_array_new ();
  for (guint i = 0; i < pending->len; i++)
    {
      GTask *task = g_ptr_array_index (pending, i);

      if (g_str_equal (g_task_get_task_data (task), "channels"))
        {
          GPtrArray *channels = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_channel_free);
          NdChannel *c = nd_channel_new ();

          c->id = channel_id;
          c->name = g_strdup (name);
          g_ptr_array_add (channels, c);
          g_task_return_pointer (task, channels, (GDestroyNotify) g_ptr_array_unref);
        }
      else
        {
          char **names = g_new0 (char *, 2);

          names[0] = g_strdup (name);
          g_task_return_pointer (task, names, (GDestroyNotify) g_strfreev);
        }
      g_object_unref (task);
    }
}

/* ---- helpers ----------------------------------------------------------- */

static NdSession *
connect_fake (FakeSource *source)
{
  g_autoptr(NdProfile) profile = g_object_new (ND_TYPE_PROFILE, "id", "test-fake", "name", "Fake",
                                               "api-url", "http://fake.invalid", "read-only", TRUE,
                                               NULL);
  NdSession *session = nd_session_new_for_source (profile, ND_SOURCE (source));
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  nd_session_connect_async (session, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_true (nd_session_connect_finish (session, res, &error));
  g_assert_no_error (error);
  g_assert_true (nd_session_get_source (session) == ND_SOURCE (source));
  return session;
}

static gboolean
wait_until (gboolean (*cond) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!cond (data))
    {
      g_main_context_iteration (NULL, FALSE);
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (1000);
    }
  return TRUE;
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
model_idle (gpointer data)
{
  return !nd_log_model_get_loading (ND_LOG_MODEL (data));
}

static GtkWidget *
find_type (GtkWidget *widget, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_type (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A child of the page's template, or of its filter bar's. */
static GtkWidget *
template_child (GtkWidget *page, const char *name)
{
  GObject *child = gtk_widget_get_template_child (page, ND_TYPE_LOGS_PAGE, name);

  if (child == NULL)
    child = gtk_widget_get_template_child (find_type (page, ND_TYPE_LOG_FILTER_BAR),
                                           ND_TYPE_LOG_FILTER_BAR, name);
  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

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

static GtkWidget *
show_page (NdSession *session, GtkWidget **window)
{
  GtkWidget *page = g_object_new (ND_TYPE_LOGS_PAGE, "session", session, NULL);

  *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (*window), 1200, 700);
  gtk_window_set_child (GTK_WINDOW (*window), page);
  gtk_window_present (GTK_WINDOW (*window));
  return page;
}

/* ---- tests ------------------------------------------------------------- */

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
export_ended (gpointer data)
{
  return !nd_logs_page_is_exporting (ND_LOGS_PAGE (data));
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

/* ---- what the user sees and copies ------------------------------------ */

/* Every mapped label and inscription under @widget, joined by '|'. */
static void
collect_text (GtkWidget *widget, GString *out)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_LABEL (c) && gtk_widget_get_mapped (c))
        g_string_append_printf (out, "%s|", gtk_label_get_text (GTK_LABEL (c)));
      else if (GTK_IS_INSCRIPTION (c) && gtk_widget_get_mapped (c) &&
               gtk_inscription_get_text (GTK_INSCRIPTION (c)) != NULL)
        g_string_append_printf (out, "%s|", gtk_inscription_get_text (GTK_INSCRIPTION (c)));
      collect_text (c, out);
    }
}

static char *
page_text (GtkWidget *page)
{
  GString *out = g_string_new (NULL);

  collect_text (page, out);
  return g_string_free (out, FALSE);
}

static void
find_by_class (GtkWidget *widget, const char *css_class, GPtrArray *out)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (gtk_widget_has_css_class (c, css_class) && gtk_widget_get_mapped (c))
        g_ptr_array_add (out, c);
      find_by_class (c, css_class, out);
    }
}

static void
clipboard_read_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  char **text = data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static char *
clipboard_text (GtkWidget *widget)
{
  char *text = NULL;

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, clipboard_read_cb, &text);
  while (text == NULL)
    g_main_context_iteration (NULL, TRUE);
  return text;
}

static gboolean
first_row_loaded (gpointer page)
{
  GListModel *model = nd_logs_page_get_model (ND_LOGS_PAGE (page));
  g_autoptr(NdLogItem) item = g_list_model_get_n_items (model) ? g_list_model_get_item (model, 0) : NULL;

  return item != NULL && nd_log_item_get_loaded (item);
}

/* The detail pane of an error row whose content and `other` quote keys:
 * nothing on screen and nothing a copy button puts on the clipboard
 * carries a key. */
static void
test_detail_masks (void)
{
  g_autoptr(FakeSource) source = fake_source_new (ND_SOURCE_KIND_PG, 3);
  NdLog *log = g_ptr_array_index (source->logs, 2);
  g_autoptr(NdSession) session = NULL;
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autofree char *text = NULL;
  GtkWidget *window, *page;

  log->type = ND_LOG_ERROR;
  g_free (log->content);
  log->content = nd_secret_text ();
  log->request_id = g_strdup ("req-1");
  log->other = g_strdup_printf ("{\"error_code\":\"invalid_api_key\",\"status_code\":401,"
                                "\"reject_reason\":\"%s\",\"user_agent\":\"%s\","
                                "\"admin_info\":{\"use_channel\":[3,4]}}",
                                nd_secret_samples[2], nd_secret_samples[3]);
  session = connect_fake (source);
  page = show_page (session, &window);
  release_lists (source, 3, "OpenAI");
  g_assert_true (wait_until (first_row_loaded, page));
  gtk_selection_model_select_item (gtk_column_view_get_model (GTK_COLUMN_VIEW (find_type (page, GTK_TYPE_COLUMN_VIEW))),
                                   0, TRUE);
  spin (100);

  text = page_text (page);
  g_assert_nonnull (strstr (text, "Incorrect API key provided: sk-u8jz***isAj"));
  g_assert_nonnull (strstr (text, "invalid_api_key"));
  g_assert_nonnull (strstr (text, "OpenAI (#3)"));
  g_assert_null (nd_secret_leaked (text));

  find_by_class (page, "nd-copy-button", buttons);
  g_assert_cmpuint (buttons->len, >=, 4);
  for (guint i = 0; i < buttons->len; i++)
    {
      g_autofree char *copied = NULL;

      g_signal_emit_by_name (buttons->pdata[i], "clicked");
      copied = clipboard_text (buttons->pdata[i]);
      g_test_message ("copied: %s", copied);
      g_assert_null (nd_secret_leaked (copied));
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Toast titles are Pango markup: a file name with markup characters is
 * shown as it is, not parsed (an unescaped '&' or '<' was an error). */
static void
test_toast_escapes (void)
{
  g_autoptr(FakeSource) source = fake_source_new (ND_SOURCE_KIND_PG, 3);
  g_autoptr(NdSession) session = connect_fake (source);
  g_autofree char *dir = g_dir_make_tmp ("nd-toast-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "odd <b>name & co.csv", NULL);
  g_autofree char *text = NULL;
  GtkWidget *window;
  GtkWidget *page = show_page (session, &window);

  release_lists (source, 1, "x");
  nd_logs_page_export_to (ND_LOGS_PAGE (page), path);
  g_assert_true (wait_until (export_ended, page));
  spin (100);
  text = page_text (page);
  g_assert_nonnull (strstr (text, "Exported 3 logs to odd <b>name & co.csv"));
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
text_shown (gpointer data)
{
  gpointer *d = data;
  g_autofree char *text = page_text (d[0]);

  return strstr (text, d[1]) != NULL;
}

/* The dashboard opens Logs by user and token id: the filter shows as
 * chips with the id and, once rows arrive, the name; the source is asked
 * for the ids; closing a chip drops its filter. */
static void
test_id_chips (void)
{
  g_autoptr(FakeSource) source = fake_source_new (ND_SOURCE_KIND_PG, 3);
  g_autoptr(NdSession) session = connect_fake (source);
  g_autoptr(GPtrArray) chips = g_ptr_array_new ();
  g_autofree char *filter = NULL;
  GtkWidget *window;
  GtkWidget *page = show_page (session, &window);
  gpointer user[2] = { page, (gpointer) "User #12 alice" };
  gpointer token[2] = { page, (gpointer) "Token #5 default" };

  release_lists (source, 1, "x");
  nd_logs_page_set_filter (ND_LOGS_PAGE (page), "user_id=12&token_id=5");
  g_assert_true (wait_until (text_shown, user));
  g_assert_true (wait_until (text_shown, token));
  g_assert_cmpint (source->last_query->user_id, ==, 12);
  g_assert_cmpint (source->last_query->token_id, ==, 5);

  find_by_class (page, "nd-filter-chip-close", chips);
  g_assert_cmpuint (chips->len, ==, 2);
  g_signal_emit_by_name (chips->pdata[0], "clicked");
  spin (50);
  filter = nd_logs_page_get_filter (ND_LOGS_PAGE (page));
  g_assert_null (strstr (filter, "user_id"));
  g_assert_nonnull (strstr (filter, "token_id=5"));
  g_assert_false (text_shown (user));
  g_assert_cmpint (source->last_query->user_id, ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/logs/fake/tail-gap-reloads", test_tail_gap_reloads);
  g_test_add_func ("/logs/fake/strings-bounded", test_strings_bounded);
  if (!gtk_init_check ())
    return g_test_run ();
  adw_init ();
  g_test_add_func ("/logs/fake/tail-interval", test_tail_interval);
  g_test_add_func ("/logs/fake/lists-follow-source", test_lists_follow_source);
  g_test_add_func ("/logs/fake/lists-after-dispose", test_lists_after_dispose);
  g_test_add_func ("/logs/fake/export-finish-async", test_export_finish_async);
  g_test_add_func ("/logs/fake/detail-masks", test_detail_masks);
  g_test_add_func ("/logs/fake/toast-escapes", test_toast_escapes);
  g_test_add_func ("/logs/fake/id-chips", test_id_chips);
  return g_test_run ();
}
