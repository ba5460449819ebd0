/* nd-http-source-logs.c — keyset log pages and the live tail over /api/log/
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Keyset paging over p/page_size. NewAPI pages logs by OFFSET, newest first
 * (created_at DESC, id DESC), with `end_timestamp` inclusive. A page "after
 * (created_at C, id I)" is asked as end_timestamp = C from p = 1: the rows of
 * second C with id >= I come first and are skipped, then rows are taken
 * until limit are collected. Whether there is more comes from the reply
 * itself (rows left over in the last reply, else `total` or a full last
 * page), never from fetching an extra row: with the rate limit shared with
 * the admin's web UI, a 200-row first page costs 2 requests, a later one 2
 * or 3 (the skipped prefix). So page 10 000 costs what page 1 costs (the
 * skipped prefix is only the rows of one second), and rows arriving
 * meanwhile never shift the pages, which plain OFFSET paging would do. Rows
 * are re-sorted client-side, so a server that orders by id only (older
 * NewAPI) still gives the right set as long as ids grow with time, which
 * they do (rows are inserted when made). Several request streams (see
 * nd-http-source-logs-plan.c) are paged alike and merged.
 *
 * The live tail pages newest first down to after_id, at most
 * TAIL_MAX_PAGES pages. When that is not enough to reach after_id, it hands
 * back the newest `limit` rows with next.id = -1: rows between after_id and
 * those were not read (a gap), and the caller must reload.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-http-source-logs-private.h"

#define MAX_SKIP_PAGES 50      /* rows sharing the cursor's second */
#define TAIL_MAX_PAGES 20

/* ---- one stream: keyset page or tail ------------------------------------ */

static int
cmp_asc_id (gconstpointer a, gconstpointer b)
{
  const NdLog *x = *(NdLog * const *) a;
  const NdLog *y = *(NdLog * const *) b;

  return x->id < y->id ? -1 : (x->id > y->id ? 1 : 0);
}


typedef enum { FETCH_PAGE, FETCH_TAIL } FetchMode;

typedef struct {
  FetchMode mode;
  const NdHttpLogPlan *plan;            /* owned by the parent job */
  const NdHttpLogStream *stream;
  gboolean has_after;
  NdLogCursor after;           /* FETCH_PAGE */
  gint64 after_id;             /* FETCH_TAIL */
  guint want;                  /* rows to collect (page) */
  guint page;                  /* 1-based p */
  guint page_size;
  GPtrArray *rows;             /* (element-type NdLog) */
  gboolean more;               /* the server has rows past the collected ones (page) */
  gboolean gap;                /* page cap hit before after_id (tail) */
} Fetch;

static void
fetch_free (Fetch *f)
{
  g_clear_pointer (&f->rows, g_ptr_array_unref);
  g_free (f);
}

static void fetch_next (GTask *task);

static void
fetch_page_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *f = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 total;
  guint n;
  GError *error = NULL;
  gboolean reached_end, boundary = FALSE;
  guint left_over = 0;         /* matching rows of this reply past `want` */

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || (rows = _nd_http_log_read_reply (data, &n, &total, &error)) == NULL)
    return g_task_return_error (task, error);

  for (guint i = 0; i < n; i++)
    {
      NdLog *log = g_steal_pointer (&g_ptr_array_index (rows, i));

      if (!_nd_http_log_row_matches (f->stream, log))
        {
          nd_log_free (log);
          continue;
        }
      if (f->mode == FETCH_PAGE)
        {
          if (f->has_after &&
              !(log->created_at < f->after.created_at ||
                (log->created_at == f->after.created_at && log->id < f->after.id)))
            {
              nd_log_free (log);
              continue;
            }
          if (f->rows->len < f->want)
            g_ptr_array_add (f->rows, log);
          else
            {
              left_over++;
              nd_log_free (log);
            }
        }
      else
        {
          if (log->id <= f->after_id)
            {
              boundary = TRUE;
              nd_log_free (log);
              continue;
            }
          g_ptr_array_add (f->rows, log);
        }
    }

  reached_end = n < f->page_size ||
                (total >= 0 && (gint64) (f->page - 1) * f->page_size + n >= total);
  if (f->mode == FETCH_PAGE)
    {
      if (f->rows->len >= f->want || reached_end)
        {
          /* More past the last kept row: rows left in this reply, else the
           * server's next page (known from `total`, or from a full page). */
          f->more = left_over > 0 || !reached_end;
          return g_task_return_boolean (task, TRUE);
        }
      if (f->page >= MAX_SKIP_PAGES + (f->want / f->page_size) + 1)
        return g_task_return_new_error (task, ND_ERROR, ND_ERROR_SERVER,
                                        _("NewAPI keeps returning rows the page already had; "
                                          "the log list cannot go on over the admin API"));
    }
  else
    {
      if (boundary || reached_end)
        return g_task_return_boolean (task, TRUE);
      if (f->page >= TAIL_MAX_PAGES)
        {
          /* More new rows than we page through in one poll: the rows
           * between after_id and the oldest one read are missing. */
          f->gap = TRUE;
          return g_task_return_boolean (task, TRUE);
        }
    }
  f->page++;
  fetch_next (g_steal_pointer (&task));
}

static void
fetch_next (GTask *task)
{
  NdHttpSource *self = g_task_get_source_object (task);
  Fetch *f = g_task_get_task_data (task);
  g_autoptr(GString) query = NULL;

  query = _nd_http_log_stream_query (f->plan, f->stream, f->plan->query->type,
                        f->mode == FETCH_PAGE && f->has_after ? f->after.created_at : 0);
  nd_http_query_add_int (query, "p", f->page);
  nd_http_query_add_int (query, "page_size", f->page_size);
  nd_http_source_get (self, "/api/log/", query->str, g_task_get_cancellable (task),
                      fetch_page_done, task);
}

static void
fetch_start (NdHttpSource *self, Fetch *f, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  f->page = 1;
  f->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  g_task_set_task_data (task, f, (GDestroyNotify) fetch_free);
  fetch_next (task);
}

/* ---- many streams ------------------------------------------------------- */

typedef struct {
  NdHttpLogPlan *plan;
  FetchMode mode;
  NdLogCursor after;
  gboolean has_after;
  gint64 after_id;
  guint limit;
  guint pending;
  GPtrArray *rows;
  gboolean more;
  gboolean gap;
  GError *error;
} Job;

static void
job_free (Job *job)
{
  _nd_http_log_plan_free (job->plan);
  g_clear_pointer (&job->rows, g_ptr_array_unref);
  g_clear_error (&job->error);
  g_free (job);
}

static void
job_complete (GTask *task)
{
  Job *job = g_task_get_task_data (task);
  NdLogPage *page;

  if (job->error != NULL)
    return g_task_return_error (task, g_steal_pointer (&job->error));

  page = nd_log_page_new ();
  if (job->mode == FETCH_PAGE)
    g_ptr_array_sort (job->rows, _nd_http_log_cmp_desc);
  else
    g_ptr_array_sort (job->rows, cmp_asc_id);
  if (job->gap)
    {
      /* Not every row after after_id could be read: the newest `limit`
       * (ascending), and next.id = -1 tells the caller to reload. */
      guint first = job->rows->len > job->limit ? job->rows->len - job->limit : 0;

      for (guint i = first; i < job->rows->len; i++)
        g_ptr_array_add (page->rows, g_steal_pointer (&g_ptr_array_index (job->rows, i)));
      page->has_more = FALSE;
      if (page->rows->len > 0)
        page->next.created_at = ((NdLog *) g_ptr_array_index (page->rows, page->rows->len - 1))->created_at;
      page->next.id = -1;
      return g_task_return_pointer (task, page, (GDestroyNotify) nd_log_page_free);
    }
  page->has_more = job->more || job->rows->len > job->limit;
  for (guint i = 0; i < MIN (job->limit, job->rows->len); i++)
    g_ptr_array_add (page->rows, g_steal_pointer (&g_ptr_array_index (job->rows, i)));
  if (page->rows->len > 0)
    {
      NdLog *last = g_ptr_array_index (page->rows, page->rows->len - 1);

      page->next.created_at = last->created_at;
      page->next.id = last->id;
    }
  else if (job->has_after)
    page->next = job->after;
  g_task_return_pointer (task, page, (GDestroyNotify) nd_log_page_free);
}

static void
stream_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  GTask *sub = G_TASK (result);
  GError *error = NULL;

  if (!g_task_propagate_boolean (sub, &error))
    {
      if (job->error == NULL)
        job->error = error;
      else
        g_error_free (error);
    }
  else
    {
      Fetch *f = g_task_get_task_data (sub);

      job->more |= f->more;
      job->gap |= f->gap;
      for (guint i = 0; i < f->rows->len; i++)
        g_ptr_array_add (job->rows, g_steal_pointer (&g_ptr_array_index (f->rows, i)));
    }
  if (--job->pending == 0)
    job_complete (task);
  g_object_unref (task);
}

static void
job_run (NdHttpSource *self, GTask *task)
{
  Job *job = g_task_get_task_data (task);

  job->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  job->pending = job->plan->streams->len;
  for (guint i = 0; i < job->plan->streams->len; i++)
    {
      Fetch *f = g_new0 (Fetch, 1);

      f->mode = job->mode;
      f->plan = job->plan;
      f->stream = &g_array_index (job->plan->streams, NdHttpLogStream, i);
      f->has_after = job->has_after;
      f->after = job->after;
      f->after_id = job->after_id;
      f->want = job->limit;
      /* After a cursor the reply also carries the skipped prefix (rows of
       * the cursor's second already shown): full pages leave room for it. */
      f->page_size = job->mode == FETCH_TAIL || job->has_after
                       ? ND_HTTP_LOG_PAGE_SIZE : CLAMP (f->want, 1, ND_HTTP_LOG_PAGE_SIZE);
      fetch_start (self, f, g_task_get_cancellable (task), stream_done, g_object_ref (task));
    }
}

/* Plans the request streams for @query and attaches a job of @mode to
 * @task; NULL after failing @task when the query cannot go over the API. */
static Job *
job_attach (NdSource *source, GTask *task, const NdLogQuery *query, FetchMode mode, guint limit)
{
  GError *error = NULL;
  NdHttpLogPlan *plan = _nd_http_log_plan_new (ND_HTTP_SOURCE (source), query, &error);
  Job *job;

  if (plan == NULL)
    {
      g_task_return_error (task, error);
      return NULL;
    }
  job = g_new0 (Job, 1);
  job->plan = plan;
  job->mode = mode;
  job->limit = limit;
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  return job;
}

static void
http_query_logs_async (NdSource *source, const NdLogQuery *query, const NdLogCursor *after,
                       guint limit, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  Job *job;

  g_task_set_source_tag (task, http_query_logs_async);
  job = job_attach (source, task, query, FETCH_PAGE, limit ? limit : 200);
  if (job == NULL)
    return;
  if (after != NULL)
    {
      job->has_after = TRUE;
      job->after = *after;
    }
  job_run (ND_HTTP_SOURCE (source), task);
}

static void
http_tail_logs_async (NdSource *source, const NdLogQuery *query, gint64 after_id,
                      guint limit, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  Job *job;

  g_task_set_source_tag (task, http_tail_logs_async);
  job = job_attach (source, task, query, FETCH_TAIL, limit ? limit : 500);
  if (job == NULL)
    return;
  job->after_id = after_id;
  job_run (ND_HTTP_SOURCE (source), task);
}

void
_nd_http_source_class_init_logs (NdSourceClass *klass)
{
  klass->query_logs_async = http_query_logs_async;
  klass->tail_logs_async = http_tail_logs_async;
  _nd_http_source_class_init_log_counts (klass);
  _nd_http_source_class_init_log_export (klass);
}
