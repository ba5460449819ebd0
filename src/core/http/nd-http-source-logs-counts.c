/* nd-http-source-logs-counts.c — log counts and totals over the admin API
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The estimate is the sum of each request stream's `total` (one request
 * with page_size 1 per stream): exact, but for a user_id, which the server
 * counts by the user's name. Totals come from /api/log/stat,
 * which only sums quota: prompt_tokens and completion_tokens are -1
 * (unknown); requests are the `total` of type 2 and type 5 page queries.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-http-source-logs-private.h"

typedef struct {
  NdHttpLogPlan *plan;
  guint pending;
  gint64 total;                /* estimate: rows */
  NdLogTotals totals;
  GError *error;
} CountJob;

static void
count_job_free (CountJob *cj)
{
  g_clear_pointer (&cj->plan, _nd_http_log_plan_free);
  g_clear_error (&cj->error);
  g_free (cj);
}

typedef enum { COUNT_ROWS, COUNT_REQUESTS, COUNT_QUOTA } CountKind;

typedef struct {
  GTask *task;
  CountKind kind;
} CountCall;

static void http_estimate_logs_async (NdSource *source, const NdLogQuery *query,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);

static void
count_return (GTask *task)
{
  CountJob *cj = g_task_get_task_data (task);

  if (cj->error != NULL)
    g_task_return_error (task, g_steal_pointer (&cj->error));
  else if (g_task_get_source_tag (task) == (gpointer) http_estimate_logs_async)
    {
      NdLogEstimate *est = g_new0 (NdLogEstimate, 1);

      est->rows = cj->total;
      /* A user_id is counted by the user's name: rows of an earlier
       * holder of the name count too. */
      est->exact = cj->plan == NULL || cj->plan->query->user_id == 0;
      g_task_return_pointer (task, est, g_free);
    }
  else
    g_task_return_pointer (task, g_memdup2 (&cj->totals, sizeof cj->totals), g_free);
}

/* The figure one reply carries: /api/log/stat's quota, or a page's total. */
static gint64
reply_figure (CountKind kind, JsonNode *data, GError **error)
{
  JsonArray *items;
  gint64 total;

  if (kind == COUNT_QUOTA)
    {
      if (!JSON_NODE_HOLDS_OBJECT (data))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                       _("The server sent an impossible reply to %s: no object"), "/api/log/stat");
          return 0;
        }
      return nd_json_read_int (json_node_get_object (data), "quota", ND_JSON_AMOUNT, 0, error);
    }
  if (!nd_http_page_items (data, &items, &total, error))
    return 0;
  /* A bare array (no total) would be a server without paging info. */
  return total >= 0 ? total : items ? json_array_get_length (items) : 0;
}

static void
count_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  CountCall *call = user_data;
  GTask *task = call->task;
  CountJob *cj = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;
  gint64 figure = 0;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data != NULL)
    figure = reply_figure (call->kind, data, &error);
  if (error != NULL)
    {
      if (cj->error == NULL)
        cj->error = error;
      else
        g_error_free (error);
    }
  else if (call->kind == COUNT_QUOTA)
    cj->totals.quota += figure;
  else if (call->kind == COUNT_ROWS)
    cj->total += figure;
  else
    cj->totals.requests += figure;

  if (--cj->pending == 0)
    count_return (task);
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

/* The server counts the rows it filtered; a token_id is filtered here
 * (a user_id is the user's name on the server, counted there). */
static gboolean
countable (NdHttpLogPlan *plan, GError **error)
{
  if (plan->query->token_id == 0)
    return TRUE;
  g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
               _("NewAPI’s admin API cannot count logs by token; the list shows them, and a "
                 "database connection counts them"));
  return FALSE;
}

static void
estimate_planned (GTask *task, NdHttpLogPlan *plan)
{
  NdHttpSource *self = g_task_get_source_object (task);
  CountJob *cj = g_task_get_task_data (task);
  GError *error = NULL;

  cj->plan = plan;
  if (!countable (plan, &error))
    return g_task_return_error (task, error);
  for (guint i = 0; i < plan->streams->len && !plan->matches_nothing; i++)
    {
      const NdHttpLogStream *s = &g_array_index (plan->streams, NdHttpLogStream, i);
      g_autoptr(GString) q = _nd_http_log_stream_query (plan, s, plan->query->type, 0);

      count_call (self, task, COUNT_ROWS, "/api/log/", q);
    }
  if (cj->pending == 0)
    count_return (task);
}

static void
totals_planned (GTask *task, NdHttpLogPlan *plan)
{
  NdHttpSource *self = g_task_get_source_object (task);
  CountJob *cj = g_task_get_task_data (task);
  int type = plan->query->type;
  GError *error = NULL;

  cj->plan = plan;
  if (!countable (plan, &error))
    return g_task_return_error (task, error);
  /* /api/log/stat sums quota of consume rows and has no token sums. */
  cj->totals.prompt_tokens = -1;
  cj->totals.completion_tokens = -1;
  for (guint i = 0; i < plan->streams->len && !plan->matches_nothing; i++)
    {
      const NdHttpLogStream *s = &g_array_index (plan->streams, NdHttpLogStream, i);

      if (type == 0 || type == ND_LOG_CONSUME)
        {
          g_autoptr(GString) q = _nd_http_log_stream_query (plan, s, 0, 0);

          count_call (self, task, COUNT_QUOTA, "/api/log/stat", q);
          g_string_free (g_steal_pointer (&q), TRUE);
          q = _nd_http_log_stream_query (plan, s, ND_LOG_CONSUME, 0);
          count_call (self, task, COUNT_REQUESTS, "/api/log/", q);
        }
      if (type == 0 || type == ND_LOG_ERROR)
        {
          g_autoptr(GString) q = _nd_http_log_stream_query (plan, s, ND_LOG_ERROR, 0);

          count_call (self, task, COUNT_REQUESTS, "/api/log/", q);
        }
    }
  if (cj->pending == 0)
    count_return (task);
}

static void
http_estimate_logs_async (NdSource *source, const NdLogQuery *query, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  /* The API's `total` is an exact COUNT(*) on the server. */
  g_task_set_source_tag (task, http_estimate_logs_async);
  g_task_set_task_data (task, g_new0 (CountJob, 1), (GDestroyNotify) count_job_free);
  _nd_http_log_plan_then (task, query, estimate_planned);
}

static void
http_log_totals_async (NdSource *source, const NdLogQuery *query, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, http_log_totals_async);
  g_task_set_task_data (task, g_new0 (CountJob, 1), (GDestroyNotify) count_job_free);
  _nd_http_log_plan_then (task, query, totals_planned);
}

void
_nd_http_source_class_init_log_counts (NdSourceClass *klass)
{
  klass->estimate_logs_async = http_estimate_logs_async;
  klass->log_totals_async = http_log_totals_async;
}
