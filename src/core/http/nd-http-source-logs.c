/* nd-http-source-logs.c — logs over /api/log/ and /api/log/stat
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
 * meanwhile never shift the pages, which plain OFFSET paging would do. Rows are re-sorted client-side, so a
 * server that orders by id only (older NewAPI) still gives the right set as
 * long as ids grow with time, which they do (rows are inserted when made).
 *
 * Filters the API takes one value of (model_name, channel): a query with
 * several models and/or channels becomes one request stream per (model,
 * channel) pair, at most MAX_STREAMS; each stream is paged as above and the
 * pages are merged by (created_at, id). Row sets of different pairs are
 * disjoint, so counts and sums add up exactly.
 *
 * Model names containing "%" are REFUSED (ND_ERROR_INVALID_INPUT): NewAPI
 * turns such a model_name into a LIKE pattern, and escaping cannot be made
 * portable (the backslash escape works on PostgreSQL and MySQL, not on
 * SQLite). Old servers apply LIKE to every model filter, where "_" matches
 * any character: rows are therefore re-checked for the exact model name
 * (counts from such servers may include look-alike names).
 *
 * Not over HTTP: the IP filter (no API parameter: UNSUPPORTED); request_id
 * before v1.0.0-rc.6 (UNSUPPORTED). Totals come from /api/log/stat, which
 * only sums quota: prompt_tokens and completion_tokens are -1 (unknown);
 * requests are the `total` of type 2 and type 5 page queries.
 * Export reads pages of 100 rows (the API maximum) one after the other: it is
 * much slower than over the database, and uses one request per 100 rows of
 * the rate budget (360 requests / 180 s per IP by default). It pages by
 * OFFSET, not by keyset (which would cost a second request per batch for
 * the skipped prefix): each stream's end_timestamp is pinned to the newest
 * second of its first reply, so new rows can only land in that second, and
 * rows seen twice because of them are dropped by id.
 *
 * The live tail pages newest first down to after_id, at most
 * TAIL_MAX_PAGES pages. When that is not enough to reach after_id, it hands
 * back the newest `limit` rows with next.id = -1: rows between after_id and
 * those were not read (a gap), and the caller must reload.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-http-source-private.h"

#define MAX_PAGE_SIZE 100
#define MAX_STREAMS 16
#define MAX_SKIP_PAGES 50      /* rows sharing the cursor's second */
#define TAIL_MAX_PAGES 20

/* ---- filters ------------------------------------------------------------ */

typedef struct {
  char *model;                 /* NULL = any */
  gint64 channel;              /* 0 = any */
} Stream;

typedef struct {
  NdLogQuery *query;
  GArray *streams;             /* (element-type Stream) */
} Plan;

static void
stream_clear (Stream *s)
{
  g_free (s->model);
}

static void
plan_free (Plan *plan)
{
  if (plan == NULL)
    return;
  nd_log_query_free (plan->query);
  g_array_unref (plan->streams);
  g_free (plan);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Plan, plan_free)

static Plan *
plan_new (NdHttpSource *self, const NdLogQuery *query, GError **error)
{
  g_autoptr(Plan) plan = g_new0 (Plan, 1);
  const NdHttpDialect *dialect = _nd_http_source_get_dialect (self);
  guint n_models = query && query->models ? query->models->len : 0;
  guint n_channels = query && query->channels ? query->channels->len : 0;

  plan->query = query ? nd_log_query_copy (query) : nd_log_query_new ();
  plan->streams = g_array_new (FALSE, TRUE, sizeof (Stream));
  g_array_set_clear_func (plan->streams, (GDestroyNotify) stream_clear);

  if (plan->query->ip != NULL && *plan->query->ip != '\0')
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("NewAPI’s admin API cannot filter logs by client IP; connect the database "
                     "for this filter"));
      return NULL;
    }
  if (plan->query->request_id != NULL && *plan->query->request_id != '\0' &&
      !dialect->has_request_id)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("This NewAPI version cannot filter logs by request id (added in v1.0.0-rc.6)"));
      return NULL;
    }
  for (guint i = 0; i < n_models; i++)
    {
      const char *model = g_ptr_array_index (plan->query->models, i);

      if (strchr (model, '%') != NULL)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                       _("The model name “%s” contains “%%”, which NewAPI’s admin API treats as "
                         "a wildcard. Such a name can only be filtered exactly with a database "
                         "connection."), model);
          return NULL;
        }
    }
  if (MAX (n_models, 1) * MAX (n_channels, 1) > MAX_STREAMS)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("Over the admin API a log filter can combine at most %d models × channels "
                     "(this one has %u); narrow it or connect the database"),
                   MAX_STREAMS, MAX (n_models, 1) * MAX (n_channels, 1));
      return NULL;
    }
  for (guint m = 0; m < MAX (n_models, 1); m++)
    for (guint c = 0; c < MAX (n_channels, 1); c++)
      {
        Stream s = { 0 };

        s.model = n_models ? g_strdup (g_ptr_array_index (plan->query->models, m)) : NULL;
        s.channel = n_channels ? g_array_index (plan->query->channels, gint64, c) : 0;
        g_array_append_val (plan->streams, s);
      }
  return g_steal_pointer (&plan);
}

/* The query string of one stream; @end overrides the range's end when > 0
 * (inclusive, as NewAPI's end_timestamp). */
static GString *
stream_query (const Plan *plan, const Stream *s, int type, gint64 end)
{
  const NdLogQuery *q = plan->query;
  GString *str = g_string_new (NULL);
  gint64 last = q->to > 0 ? q->to - 1 : 0;

  if (end > 0 && (last == 0 || end < last))
    last = end;
  if (type != 0)
    nd_http_query_add_int (str, "type", type);
  if (q->from > 0)
    nd_http_query_add_int (str, "start_timestamp", q->from);
  if (last > 0)
    nd_http_query_add_int (str, "end_timestamp", last);
  if (q->username && *q->username)
    nd_http_query_add (str, "username", q->username);
  if (q->token_name && *q->token_name)
    nd_http_query_add (str, "token_name", q->token_name);
  if (s->model)
    nd_http_query_add (str, "model_name", s->model);
  if (s->channel > 0)
    nd_http_query_add_int (str, "channel", s->channel);
  if (q->group && *q->group)
    nd_http_query_add (str, "group", q->group);
  if (q->request_id && *q->request_id)
    nd_http_query_add (str, "request_id", q->request_id);
  return str;
}

/* Rows a server may have matched too loosely (LIKE on old servers). */
static gboolean
row_matches (const Stream *s, const NdLog *log)
{
  return s->model == NULL || g_strcmp0 (s->model, log->model_name) == 0;
}

static int
cmp_desc (gconstpointer a, gconstpointer b)
{
  const NdLog *x = *(NdLog * const *) a;
  const NdLog *y = *(NdLog * const *) b;

  if (x->created_at != y->created_at)
    return x->created_at < y->created_at ? 1 : -1;
  return x->id < y->id ? 1 : (x->id > y->id ? -1 : 0);
}

static int
cmp_asc_id (gconstpointer a, gconstpointer b)
{
  const NdLog *x = *(NdLog * const *) a;
  const NdLog *y = *(NdLog * const *) b;

  return x->id < y->id ? -1 : (x->id > y->id ? 1 : 0);
}

/* ---- one stream: keyset page or tail ------------------------------------ */

typedef enum { FETCH_PAGE, FETCH_TAIL } FetchMode;

typedef struct {
  FetchMode mode;
  const Plan *plan;            /* owned by the parent job */
  const Stream *stream;
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
  JsonArray *items;
  gint64 total;
  guint n;
  GError *error = NULL;
  gboolean reached_end, boundary = FALSE;
  guint left_over = 0;         /* matching rows of this reply past `want` */

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || !nd_http_page_items (data, &items, &total, &error))
    return g_task_return_error (task, error);
  n = items ? json_array_get_length (items) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      NdLog *log;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      log = nd_http_parse_log (json_node_get_object (node));
      if (!row_matches (f->stream, log))
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

  query = stream_query (f->plan, f->stream, f->plan->query->type,
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
  Plan *plan;
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
  plan_free (job->plan);
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
    g_ptr_array_sort (job->rows, cmp_desc);
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
      f->stream = &g_array_index (job->plan->streams, Stream, i);
      f->has_after = job->has_after;
      f->after = job->after;
      f->after_id = job->after_id;
      f->want = job->limit;
      /* After a cursor the reply also carries the skipped prefix (rows of
       * the cursor's second already shown): full pages leave room for it. */
      f->page_size = job->mode == FETCH_TAIL || job->has_after
                       ? MAX_PAGE_SIZE : CLAMP (f->want, 1, MAX_PAGE_SIZE);
      fetch_start (self, f, g_task_get_cancellable (task), stream_done, g_object_ref (task));
    }
}

/* Plans the request streams for @query and attaches a job of @mode to
 * @task; NULL after failing @task when the query cannot go over the API. */
static Job *
job_attach (NdSource *source, GTask *task, const NdLogQuery *query, FetchMode mode, guint limit)
{
  GError *error = NULL;
  Plan *plan = plan_new (ND_HTTP_SOURCE (source), query, &error);
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

/* ---- counts: estimate and totals ---------------------------------------- */

typedef struct {
  Plan *plan;
  guint pending;
  gint64 total;                /* estimate: rows */
  NdLogTotals totals;
  GError *error;
} CountJob;

static void
count_job_free (CountJob *cj)
{
  plan_free (cj->plan);
  g_clear_error (&cj->error);
  g_free (cj);
}

typedef enum { COUNT_ROWS, COUNT_REQUESTS, COUNT_QUOTA } CountKind;

typedef struct {
  GTask *task;
  CountKind kind;
} CountCall;

static void
count_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  CountCall *call = user_data;
  GTask *task = call->task;
  CountJob *cj = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL)
    {
      if (cj->error == NULL)
        cj->error = error;
      else
        g_error_free (error);
    }
  else if (call->kind == COUNT_QUOTA)
    {
      if (JSON_NODE_HOLDS_OBJECT (data))
        cj->totals.quota += nd_json_int (json_node_get_object (data), "quota", 0);
    }
  else
    {
      JsonArray *items;
      gint64 total;

      if (!nd_http_page_items (data, &items, &total, &error))
        {
          if (cj->error == NULL)
            cj->error = error;
          else
            g_error_free (error);
        }
      else
        {
          /* A bare array (no total) would be a server without paging info. */
          if (total < 0)
            total = items ? json_array_get_length (items) : 0;
          if (call->kind == COUNT_ROWS)
            cj->total += total;
          else
            cj->totals.requests += total;
        }
    }

  if (--cj->pending == 0)
    {
      if (cj->error != NULL)
        g_task_return_error (task, g_steal_pointer (&cj->error));
      else if (g_task_get_source_tag (task) == (gpointer) nd_source_estimate_logs_async)
        {
          NdLogEstimate *est = g_new0 (NdLogEstimate, 1);

          est->rows = cj->total;
          est->exact = TRUE;
          g_task_return_pointer (task, est, g_free);
        }
      else
        g_task_return_pointer (task, g_memdup2 (&cj->totals, sizeof cj->totals), g_free);
    }
  g_object_unref (task);
  g_free (call);
}

static void
count_call (NdHttpSource *self, GTask *task, CountKind kind, const char *path, GString *query)
{
  CountJob *cj = g_task_get_task_data (task);
  CountCall *call = g_new0 (CountCall, 1);

  call->task = g_object_ref (task);
  call->kind = kind;
  cj->pending++;
  if (kind != COUNT_QUOTA)
    {
      nd_http_query_add_int (query, "p", 1);
      nd_http_query_add_int (query, "page_size", 1);
    }
  nd_http_source_get (self, path, query->str, g_task_get_cancellable (task), count_done, call);
}

static CountJob *
count_job_new (NdHttpSource *self, GTask *task, const NdLogQuery *query, GError **error)
{
  Plan *plan = plan_new (self, query, error);
  CountJob *cj;

  if (plan == NULL)
    return NULL;
  cj = g_new0 (CountJob, 1);
  cj->plan = plan;
  g_task_set_task_data (task, cj, (GDestroyNotify) count_job_free);
  return cj;
}

static void
http_estimate_logs_async (NdSource *source, const NdLogQuery *query, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  NdHttpSource *self = ND_HTTP_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  GError *error = NULL;
  CountJob *cj;

  /* The API's `total` is an exact COUNT(*) on the server. */
  g_task_set_source_tag (task, nd_source_estimate_logs_async);
  cj = count_job_new (self, task, query, &error);
  if (cj == NULL)
    return g_task_return_error (task, error);
  for (guint i = 0; i < cj->plan->streams->len; i++)
    {
      g_autoptr(GString) q = stream_query (cj->plan, &g_array_index (cj->plan->streams, Stream, i),
                                           cj->plan->query->type, 0);

      count_call (self, task, COUNT_ROWS, "/api/log/", q);
    }
}

static void
http_log_totals_async (NdSource *source, const NdLogQuery *query, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  NdHttpSource *self = ND_HTTP_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  GError *error = NULL;
  CountJob *cj;
  int type;

  g_task_set_source_tag (task, http_log_totals_async);
  cj = count_job_new (self, task, query, &error);
  if (cj == NULL)
    return g_task_return_error (task, error);
  type = cj->plan->query->type;
  /* /api/log/stat sums quota of consume rows and has no token sums. */
  cj->totals.prompt_tokens = -1;
  cj->totals.completion_tokens = -1;
  for (guint i = 0; i < cj->plan->streams->len; i++)
    {
      const Stream *s = &g_array_index (cj->plan->streams, Stream, i);

      if (type == 0 || type == ND_LOG_CONSUME)
        {
          g_autoptr(GString) q = stream_query (cj->plan, s, 0, 0);

          count_call (self, task, COUNT_QUOTA, "/api/log/stat", q);
          g_string_free (g_steal_pointer (&q), TRUE);
          q = stream_query (cj->plan, s, ND_LOG_CONSUME, 0);
          count_call (self, task, COUNT_REQUESTS, "/api/log/", q);
        }
      if (type == 0 || type == ND_LOG_ERROR)
        {
          g_autoptr(GString) q = stream_query (cj->plan, s, ND_LOG_ERROR, 0);

          count_call (self, task, COUNT_REQUESTS, "/api/log/", q);
        }
    }
  if (cj->pending == 0)
    g_task_return_pointer (task, g_memdup2 (&cj->totals, sizeof cj->totals), g_free);
}

/* ---- export ------------------------------------------------------------- */

typedef struct {
  const Stream *stream;
  guint page;                  /* next 1-based p */
  gint64 end;                  /* pinned end_timestamp, 0 before the first reply */
  GPtrArray *buf;              /* (element-type NdLog) next rows, newest first */
  guint pos;                   /* first row of buf not taken yet */
  gboolean done;               /* nothing left on the server */
  GHashTable *prev_ids;        /* ids of the previous reply */
  GHashTable *end_ids;         /* ids taken from second `end` */
} ExportStream;

typedef struct {
  Plan *plan;
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
  plan_free (ej->plan);
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
  JsonArray *items = NULL;
  gint64 total = -1;
  GError *error = NULL;
  guint n;

  g_free (call);
  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || !nd_http_page_items (data, &items, &total, &error))
    {
      if (ej->error == NULL)
        ej->error = error;
      else
        g_error_free (error);
      goto out;
    }
  n = items ? json_array_get_length (items) : 0;
  g_ptr_array_set_size (es->buf, 0);
  es->pos = 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      NdLog *log;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      log = nd_http_parse_log (json_node_get_object (node));
      if (es->page == 1)
        es->end = MAX (es->end, log->created_at);
      g_hash_table_add (ids, g_memdup2 (&log->id, sizeof log->id));
      /* Rows that came in after the first reply push the offsets down:
       * their victims show up again at the top of the next page. */
      if (g_hash_table_contains (es->prev_ids, &log->id) ||
          g_hash_table_contains (es->end_ids, &log->id) ||
          !row_matches (es->stream, log))
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
  g_ptr_array_sort (es->buf, cmp_desc);
  g_hash_table_unref (es->prev_ids);
  es->prev_ids = g_steal_pointer (&ids);
  es->done = n == 0 || n < MAX_PAGE_SIZE ||
             (total >= 0 && (gint64) es->page * MAX_PAGE_SIZE >= total);
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

/* Merges the streams' buffers into batches of MAX_PAGE_SIZE; fetches the
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
          query = stream_query (ej->plan, es->stream, ej->plan->query->type, es->end);
          nd_http_query_add_int (query, "p", es->page);
          nd_http_query_add_int (query, "page_size", MAX_PAGE_SIZE);
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
               cmp_desc (&g_ptr_array_index (es->buf, es->pos),
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
      if (ej->batch->len >= MAX_PAGE_SIZE)
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
http_export_logs_async (NdSource *source, const NdLogQuery *query,
                        NdLogBatchFunc func, gpointer func_data,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  NdHttpSource *self = ND_HTTP_SOURCE (source);
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  GError *error = NULL;
  ExportJob *ej;
  Plan *plan;

  /* Batches of 100 rows (the API's page_size maximum), newest first,
   * called on the main thread. */
  g_task_set_source_tag (task, http_export_logs_async);
  plan = plan_new (self, query, &error);
  if (plan == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  ej = g_new0 (ExportJob, 1);
  ej->plan = plan;
  ej->func = func;
  ej->func_data = func_data;
  ej->batch = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  ej->n_streams = plan->streams->len;
  ej->streams = g_new0 (ExportStream, ej->n_streams);
  for (guint i = 0; i < ej->n_streams; i++)
    {
      ExportStream *es = &ej->streams[i];

      es->stream = &g_array_index (plan->streams, Stream, i);
      es->page = 1;
      es->buf = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
      es->prev_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      es->end_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
    }
  g_task_set_task_data (task, ej, (GDestroyNotify) export_job_free);
  export_pump (task);
}

void
_nd_http_source_class_init_logs (NdSourceClass *klass)
{
  klass->query_logs_async = http_query_logs_async;
  klass->tail_logs_async = http_tail_logs_async;
  klass->estimate_logs_async = http_estimate_logs_async;
  klass->log_totals_async = http_log_totals_async;
  klass->export_logs_async = http_export_logs_async;
}
