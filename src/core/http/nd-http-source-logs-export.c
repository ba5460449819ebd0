/* nd-http-source-logs-export.c — streaming log export over /api/log/
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Export reads pages of 100 rows (the API maximum) one after the other: it is
 * much slower than over the database, and uses one request per 100 rows of
 * the rate budget (360 requests / 180 s per IP by default). It pages by
 * OFFSET, not by keyset (which would cost a second request per batch for
 * the skipped prefix): each stream's end_timestamp is pinned to the newest
 * second of its first reply, so new rows can only land in that second, and
 * rows seen twice because of them are dropped by id.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-http-source-logs-private.h"

typedef struct {
  const NdHttpLogStream *stream;
  guint page;                  /* next 1-based p */
  gint64 end;                  /* pinned end_timestamp, 0 before the first reply */
  GPtrArray *buf;              /* (element-type NdLog) next rows, newest first */
  guint pos;                   /* first row of buf not taken yet */
  gboolean done;               /* nothing left on the server */
  GHashTable *prev_ids;        /* ids of the previous reply */
  GHashTable *end_ids;         /* ids taken from second `end` */
} ExportStream;

typedef struct {
  NdHttpLogPlan *plan;
  ExportStream *streams;
  guint n_streams;
  guint pending;
  GPtrArray *batch;            /* (element-type NdLog) */
  NdLogBatchFunc func;
  gpointer func_data;
  gint64 written;
  GError *error;
} ExportJob;

static void
export_job_free (ExportJob *ej)
{
  for (guint i = 0; i < ej->n_streams; i++)
    {
      g_clear_pointer (&ej->streams[i].buf, g_ptr_array_unref);
      g_clear_pointer (&ej->streams[i].prev_ids, g_hash_table_unref);
      g_clear_pointer (&ej->streams[i].end_ids, g_hash_table_unref);
    }
  g_free (ej->streams);
  g_clear_pointer (&ej->batch, g_ptr_array_unref);
  g_clear_error (&ej->error);
  g_clear_pointer (&ej->plan, _nd_http_log_plan_free);
  g_free (ej);
}

typedef struct {
  GTask *task;
  ExportStream *es;
} ExportCall;

static void export_pump (GTask *task);

static void
export_stream_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  ExportCall *call = user_data;
  GTask *task = call->task;
  ExportJob *ej = g_task_get_task_data (task);
  ExportStream *es = call->es;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) rows = NULL;
  gint64 total = -1;
  GError *error = NULL;
  guint n;

  g_free (call);
  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || (rows = _nd_http_log_read_reply (data, &n, &total, &error)) == NULL)
    {
      if (ej->error == NULL)
        ej->error = error;
      else
        g_error_free (error);
      goto out;
    }
  g_ptr_array_set_size (es->buf, 0);
  es->pos = 0;

  for (guint i = 0; i < n; i++)
    {
      NdLog *log = g_steal_pointer (&g_ptr_array_index (rows, i));

      if (es->page == 1)
        es->end = MAX (es->end, log->created_at);
      g_hash_table_add (ids, g_memdup2 (&log->id, sizeof log->id));
      /* Rows that came in after the first reply push the offsets down:
       * their victims show up again at the top of the next page. */
      if (g_hash_table_contains (es->prev_ids, &log->id) ||
          g_hash_table_contains (es->end_ids, &log->id) ||
          !_nd_http_log_row_matches (ej->plan, es->stream, log))
        {
          nd_log_free (log);
          continue;
        }
      g_ptr_array_add (es->buf, log);
    }
  for (guint i = 0; i < es->buf->len; i++)
    {
      NdLog *log = g_ptr_array_index (es->buf, i);

      if (log->created_at >= es->end)
        g_hash_table_add (es->end_ids, g_memdup2 (&log->id, sizeof log->id));
    }
  g_ptr_array_sort (es->buf, _nd_http_log_cmp_desc);
  g_hash_table_unref (es->prev_ids);
  es->prev_ids = g_steal_pointer (&ids);
  es->done = n == 0 || n < ND_HTTP_LOG_PAGE_SIZE ||
             (total >= 0 && (gint64) es->page * ND_HTTP_LOG_PAGE_SIZE >= total);
  es->page++;

out:
  if (--ej->pending == 0)
    {
      if (ej->error != NULL)
        g_task_return_error (task, g_steal_pointer (&ej->error));
      else if (!g_task_return_error_if_cancelled (task))
        {
          export_pump (task);
          return;
        }
    }
  g_object_unref (task);
}

static gboolean
export_flush (ExportJob *ej, GError **error)
{
  g_autoptr(GPtrArray) batch = g_steal_pointer (&ej->batch);

  ej->batch = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  if (batch->len == 0)
    return TRUE;
  if (!ej->func (batch, ej->func_data, error))
    return FALSE;
  ej->written += batch->len;
  return TRUE;
}

/* Merges the streams' buffers into batches of ND_HTTP_LOG_PAGE_SIZE; fetches the
 * next page of every stream whose buffer ran dry. Consumes @task's ref. */
static void
export_pump (GTask *task)
{
  NdHttpSource *self = g_task_get_source_object (task);
  ExportJob *ej = g_task_get_task_data (task);
  GError *error = NULL;

  for (;;)
    {
      ExportStream *best = NULL;

      for (guint i = 0; i < ej->n_streams; i++)
        {
          ExportStream *es = &ej->streams[i];
          g_autoptr(GString) query = NULL;
          ExportCall *call;

          if (es->pos < es->buf->len || es->done)
            continue;
          query = _nd_http_log_stream_query (ej->plan, es->stream, ej->plan->query->type, es->end);
          nd_http_query_add_int (query, "p", es->page);
          nd_http_query_add_int (query, "page_size", ND_HTTP_LOG_PAGE_SIZE);
          call = g_new0 (ExportCall, 1);
          call->task = g_object_ref (task);
          call->es = es;
          ej->pending++;
          nd_http_source_get (self, "/api/log/", query->str, g_task_get_cancellable (task),
                              export_stream_done, call);
        }
      if (ej->pending > 0)
        break;

      for (guint i = 0; i < ej->n_streams; i++)
        {
          ExportStream *es = &ej->streams[i];

          if (es->pos < es->buf->len &&
              (best == NULL ||
               _nd_http_log_cmp_desc (&g_ptr_array_index (es->buf, es->pos),
                         &g_ptr_array_index (best->buf, best->pos)) < 0))
            best = es;
        }
      if (best == NULL)
        {
          if (!export_flush (ej, &error))
            g_task_return_error (task, error);
          else
            g_task_return_int (task, ej->written);
          break;
        }
      g_ptr_array_add (ej->batch, g_steal_pointer (&g_ptr_array_index (best->buf, best->pos)));
      best->pos++;
      if (ej->batch->len >= ND_HTTP_LOG_PAGE_SIZE)
        {
          if (!export_flush (ej, &error))
            {
              g_task_return_error (task, error);
              break;
            }
          if (g_task_return_error_if_cancelled (task))
            break;
        }
    }
  g_object_unref (task);
}

static void
export_planned (GTask *task, NdHttpLogPlan *plan)
{
  ExportJob *ej = g_task_get_task_data (task);

  ej->plan = plan;
  ej->n_streams = plan->matches_nothing ? 0 : plan->streams->len;
  ej->streams = g_new0 (ExportStream, ej->n_streams);
  for (guint i = 0; i < ej->n_streams; i++)
    {
      ExportStream *es = &ej->streams[i];

      es->stream = &g_array_index (plan->streams, NdHttpLogStream, i);
      es->page = 1;
      es->buf = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
      es->prev_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      es->end_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
    }
  export_pump (g_object_ref (task));
}

static void
http_export_logs_async (NdSource *source, const NdLogQuery *query,
                        NdLogBatchFunc func, gpointer func_data,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  ExportJob *ej = g_new0 (ExportJob, 1);

  /* Batches of 100 rows (the API's page_size maximum), newest first,
   * called on the main thread. */
  g_task_set_source_tag (task, http_export_logs_async);
  ej->func = func;
  ej->func_data = func_data;
  ej->batch = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  g_task_set_task_data (task, ej, (GDestroyNotify) export_job_free);
  _nd_http_log_plan_then (task, query, export_planned);
}

void
_nd_http_source_class_init_log_export (NdSourceClass *klass)
{
  klass->export_logs_async = http_export_logs_async;
}
