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
#define MAX_SCAN_ROWS 1000     /* rows read per stream and page when rows are filtered here */

/* ---- one stream: keyset page or tail ------------------------------------ */

static int
cmp_asc_id (gconstpointer a, gconstpointer b)
{
  const NdLog *x = *(NdLog * const *) a;
  const NdLog *y = *(NdLog * const *) b;

  return x->id < y->id ? -1 : (x->id > y->id ? 1 : 0);
}

/* (created_at, id) of @a is older than @b's. */
static gboolean
older (gint64 at_a, gint64 id_a, const NdLogCursor *b)
{
  return at_a < b->created_at || (at_a == b->created_at && id_a < b->id);
}

typedef enum { FETCH_PAGE, FETCH_TAIL } FetchMode;

typedef struct {
  FetchMode mode;
  NdHttpLogPlan *plan;         /* owned by the parent job */
  const NdHttpLogStream *stream;
  gboolean has_after;
  NdLogCursor after;           /* FETCH_PAGE */
  gint64 after_id;             /* FETCH_TAIL */
  guint want;                  /* rows to collect (page) */
  guint page;                  /* 1-based p */
  guint page_size;
  GPtrArray *rows;             /* (element-type NdLog) */
  guint scanned;               /* rows past the cursor read (page) */
  gboolean has_frontier;       /* the stream is complete only down to frontier (page) */
  NdLogCursor frontier;
  gboolean gap;                /* page cap hit before after_id (tail) */
} Fetch;

static void
fetch_free (Fetch *f)
{
  g_clear_pointer (&f->rows, g_ptr_array_unref);
  g_free (f);
}

static void
fetch_set_frontier (Fetch *f, gint64 created_at, gint64 id)
{
  if (!f->has_frontier || older (created_at, id, &f->frontier))
    {
      f->frontier.created_at = created_at;
      f->frontier.id = id;
      f->has_frontier = TRUE;
    }
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
  gboolean left_over = FALSE;  /* matching rows of this reply past `want` */
  NdLogCursor oldest = { G_MAXINT64, G_MAXINT64 };

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || (rows = _nd_http_log_read_reply (data, &n, &total, &error)) == NULL)
    return g_task_return_error (task, error);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NdLog) log = g_steal_pointer (&g_ptr_array_index (rows, i));

      if (f->mode == FETCH_TAIL)
        {
          if (log->id <= f->after_id)
            boundary = TRUE;
          else if (_nd_http_log_row_matches (f->plan, f->stream, log))
            g_ptr_array_add (f->rows, g_steal_pointer (&log));
          continue;
        }
      /* Rows of the cursor's second already shown come first: skipped. */
      if (f->has_after && !older (log->created_at, log->id, &f->after))
        continue;
      f->scanned++;
      if (older (log->created_at, log->id, &oldest))
        {
          oldest.created_at = log->created_at;
          oldest.id = log->id;
        }
      if (!_nd_http_log_row_matches (f->plan, f->stream, log))
        continue;
      if (f->rows->len < f->want)
        {
          fetch_set_frontier (f, log->created_at, log->id);
          g_ptr_array_add (f->rows, g_steal_pointer (&log));
        }
      else
        left_over = TRUE;
    }

  reached_end = n < f->page_size ||
                (total >= 0 && (gint64) (f->page - 1) * f->page_size + n >= total);
  if (f->mode == FETCH_PAGE)
    {
      if (f->rows->len >= f->want || reached_end)
        {
          /* Complete when the server has nothing past the last kept row:
           * no rows left in this reply, and this was its last page (known
           * from `total`, or from a short page). */
          if (!left_over && reached_end)
            f->has_frontier = FALSE;
          return g_task_return_boolean (task, TRUE);
        }
      if (f->plan->scans && f->scanned >= MAX_SCAN_ROWS)
        {
          /* Rows are filtered here: stop after a bounded scan and say how
           * far it got; the next page goes on from there. */
          fetch_set_frontier (f, oldest.created_at, oldest.id);
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
  gboolean has_stop;           /* the newest frontier of the streams */
  NdLogCursor stop;
  gboolean gap;
  GError *error;
} Job;

static void
job_free (Job *job)
{
  g_clear_pointer (&job->plan, _nd_http_log_plan_free);
  g_clear_pointer (&job->rows, g_ptr_array_unref);
  g_clear_error (&job->error);
  g_free (job);
}

static void
job_complete_tail (GTask *task, NdLogPage *page)
{
  Job *job = g_task_get_task_data (task);

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
      return;
    }
  page->has_more = job->rows->len > job->limit;
  for (guint i = 0; i < MIN (job->limit, job->rows->len); i++)
    g_ptr_array_add (page->rows, g_steal_pointer (&g_ptr_array_index (job->rows, i)));
  if (page->rows->len > 0)
    {
      NdLog *last = g_ptr_array_index (page->rows, page->rows->len - 1);

      page->next.created_at = last->created_at;
      page->next.id = last->id;
    }
}

/* Each stream is complete down to its frontier; rows older than the newest
 * frontier may be missing from the others, so the page ends there (and the
 * next one starts there). Without a scan cap this is the last row of a
 * stream that filled the page, which the merged page reaches anyway. */
static void
job_complete_page (GTask *task, NdLogPage *page)
{
  Job *job = g_task_get_task_data (task);
  guint usable = job->rows->len, take;

  g_ptr_array_sort (job->rows, _nd_http_log_cmp_desc);
  if (job->has_stop)
    for (usable = 0; usable < job->rows->len; usable++)
      {
        NdLog *log = g_ptr_array_index (job->rows, usable);

        if (older (log->created_at, log->id, &job->stop))
          break;
      }
  take = MIN (job->limit, usable);
  for (guint i = 0; i < take; i++)
    g_ptr_array_add (page->rows, g_steal_pointer (&g_ptr_array_index (job->rows, i)));
  page->has_more = job->has_stop || usable > take;
  if (take > 0 && (take == job->limit || !job->has_stop))
    {
      NdLog *last = g_ptr_array_index (page->rows, take - 1);

      page->next.created_at = last->created_at;
      page->next.id = last->id;
    }
  else if (job->has_stop)
    page->next = job->stop;
  else if (job->has_after)
    page->next = job->after;
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
    job_complete_page (task, page);
  else
    job_complete_tail (task, page);
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

      job->gap |= f->gap;
      if (f->has_frontier && (!job->has_stop || older (job->stop.created_at, job->stop.id,
                                                       &f->frontier)))
        {
          job->stop = f->frontier;
          job->has_stop = TRUE;
        }
      for (guint i = 0; i < f->rows->len; i++)
        g_ptr_array_add (job->rows, g_steal_pointer (&g_ptr_array_index (f->rows, i)));
    }
  if (--job->pending == 0)
    job_complete (task);
  g_object_unref (task);
}

static void
job_planned (GTask *task, NdHttpLogPlan *plan)
{
  NdHttpSource *self = g_task_get_source_object (task);
  Job *job = g_task_get_task_data (task);

  job->plan = plan;
  job->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  if (plan->matches_nothing)
    return job_complete (task);
  job->pending = plan->streams->len;
  for (guint i = 0; i < plan->streams->len; i++)
    {
      Fetch *f = g_new0 (Fetch, 1);

      f->mode = job->mode;
      f->plan = plan;
      f->stream = &g_array_index (plan->streams, NdHttpLogStream, i);
      f->has_after = job->has_after;
      f->after = job->after;
      f->after_id = job->after_id;
      f->want = job->limit;
      /* After a cursor the reply also carries the skipped prefix (rows of
       * the cursor's second already shown), and a scan reads past rows of
       * other tokens: full pages leave room for them. */
      f->page_size = job->mode == FETCH_TAIL || job->has_after || plan->scans
                       ? ND_HTTP_LOG_PAGE_SIZE : CLAMP (f->want, 1, ND_HTTP_LOG_PAGE_SIZE);
      fetch_start (self, f, g_task_get_cancellable (task), stream_done, g_object_ref (task));
    }
}

static void
http_query_logs_async (NdSource *source, const NdLogQuery *query, const NdLogCursor *after,
                       guint limit, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  g_task_set_source_tag (task, http_query_logs_async);
  job->mode = FETCH_PAGE;
  job->limit = limit ? limit : 200;
  if (after != NULL)
    {
      job->has_after = TRUE;
      job->after = *after;
    }
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  _nd_http_log_plan_then (task, query, job_planned);
}

static void
http_tail_logs_async (NdSource *source, const NdLogQuery *query, gint64 after_id,
                      guint limit, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  g_task_set_source_tag (task, http_tail_logs_async);
  job->mode = FETCH_TAIL;
  job->limit = limit ? limit : 500;
  job->after_id = after_id;
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  _nd_http_log_plan_then (task, query, job_planned);
}

void
_nd_http_source_class_init_logs (NdSourceClass *klass)
{
  klass->query_logs_async = http_query_logs_async;
  klass->tail_logs_async = http_tail_logs_async;
  _nd_http_source_class_init_log_counts (klass);
  _nd_http_source_class_init_log_export (klass);
}
