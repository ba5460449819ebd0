/* nd-logs-fake.c — a scripted in-memory NdSource for the Logs page tests
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-log-filter-bar.h"
#include "nd-logs-fake.h"
#include "nd-test.h"

/* ---- a scripted source ------------------------------------------------- */


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
  NdLogPage *page;

  self->n_query++;
  g_clear_pointer (&self->last_query, nd_log_query_free);
  self->last_query = nd_log_query_copy (query);
  if (self->query_error != NULL)
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_SERVER, "%s", self->query_error);
  page = nd_log_page_new ();
  for (guint i = self->logs->len, scanned = 0; i > 0; i--)
    {
      NdLog *log = g_ptr_array_index (self->logs, i - 1);

      if (after != NULL && log->id >= after->id)
        continue;
      if (page->rows->len == limit || (self->scan_limit > 0 && scanned == self->scan_limit))
        {
          page->has_more = TRUE;
          break;
        }
      scanned++;
      page->next.created_at = log->created_at;
      page->next.id = log->id;
      if (self->scan_limit > 0 && log->id % 7 != 0)
        continue;
      g_ptr_array_add (page->rows, nd_log_copy (log));
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
  g_free (self->query_error);
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

NdLog *
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

FakeSource *
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
void
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

NdSession *
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

gboolean
wait_until (gboolean (*cond) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!cond (data))
    {
      g_main_context_iteration (NULL, FALSE);
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (1000);
    }
  return TRUE;
}

void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

gboolean
model_idle (gpointer data)
{
  return !nd_log_model_get_loading (ND_LOG_MODEL (data));
}

GtkWidget *
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
GtkWidget *
template_child (GtkWidget *page, const char *name)
{
  GObject *child = gtk_widget_get_template_child (page, ND_TYPE_LOGS_PAGE, name);

  if (child == NULL)
    child = gtk_widget_get_template_child (find_type (page, ND_TYPE_LOG_FILTER_BAR),
                                           ND_TYPE_LOG_FILTER_BAR, name);
  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

GtkWidget *
show_page (NdSession *session, GtkWidget **window)
{
  GtkWidget *page = g_object_new (ND_TYPE_LOGS_PAGE, "session", session, NULL);

  *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (*window), 1200, 700);
  gtk_window_set_child (GTK_WINDOW (*window), page);
  gtk_window_present (GTK_WINDOW (*window));
  return page;
}

gboolean
export_ended (gpointer data)
{
  return !nd_logs_page_is_exporting (ND_LOGS_PAGE (data));
}
