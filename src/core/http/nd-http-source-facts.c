/* nd-http-source-facts.c — pull_facts over the admin API, in day slices
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Slice mode (nd-facts-types.h): NdFacts asks for a run of consecutive
 * local days it does not have final. Per run:
 *
 *   /api/data/         once: consume rows per model × hour (quota_data);
 *   /api/data/flow     once per day that has rows in /api/data/ (when the
 *                      server has flow): per user ×
 *                      channel × model × group (and token for root) summed
 *                      over the day — flow rows carry no hour (reference
 *                      §3.8), so a day is the finest they can be;
 *   /api/log/?type=5   the run's error logs, 100 a page: one page when the
 *                      whole run has at most 100; else one or two pages per
 *                      day, and for a day with more than ERROR_PAGES_PER_DAY
 *                      pages only its count (never a request per hour).
 *
 * So a 7-day range costs at most about 1 + 7 + 8 requests however far
 * back it lies, and a day is asked again only until it is final: an hour
 * after its end (FINAL_AFTER), well past the server's aggregation lag
 * (NdServerInfo.facts_lag_seconds, DataExportInterval).
 *
 * Not available without the database: latency (quota_data has no use_time),
 * the prompt/completion split (token_used is their sum: it goes into
 * prompt_tokens), without flow the user, token, channel and group
 * dimensions, and rows written before rc.14 (use_group '') in flow.
 * /api/data/users (per user × hour) is the same requests as /api/data/ seen
 * from another side: it is not used, or they would count twice. quota_data
 * has no rows for model names longer than 64 characters on PostgreSQL.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "facts/nd-facts.h"
#include "nd-http-source-private.h"
#include "nd-time.h"

#define ERROR_PAGE_SIZE 100
#define ERROR_PAGES_PER_DAY 2
/* A day is final this long after its end, and at least the server's lag
 * after it. NewAPI flushes quota_data every DataExportInterval minutes (5
 * by default); an admin token cannot read that setting, and an hour of
 * asking yesterday again costs one request a sync. */
#define FINAL_AFTER 3600

typedef struct {
  GArray *days;                /* (element-type NdFactsSlice) the run, answered in place */
  gint64 from;                 /* the run: [from, to) */
  gint64 to;
  gint64 fetched;              /* when the pull started */
  gboolean flow;
  NdFactsDims dims;
  NdFactsBatch *batch;
  GHashTable *names_seen;
  guint flow_day;              /* next day for /api/data/flow */
  GArray *busy;                /* (element-type gboolean) per day: /api/data/ had rows */
  /* errors: the span being listed (a day index, or -1 for the whole run) */
  int error_day;
  guint error_page;
  GHashTable *error_rows;      /* (gint64 id) of the span, against page shifts */
  GPtrArray *error_logs;       /* (element-type NdLog) of the span so far */
} PullJob;

static void
pull_job_free (PullJob *pj)
{
  g_clear_pointer (&pj->days, g_array_unref);
  g_clear_pointer (&pj->busy, g_array_unref);
  g_clear_pointer (&pj->batch, nd_facts_batch_free);
  g_clear_pointer (&pj->names_seen, g_hash_table_unref);
  g_clear_pointer (&pj->error_rows, g_hash_table_unref);
  g_clear_pointer (&pj->error_logs, g_ptr_array_unref);
  g_free (pj);
}

static NdFactsSlice *
day_at (PullJob *pj, guint i)
{
  return &g_array_index (pj->days, NdFactsSlice, i);
}

/* The day of the run that holds the hour @hour, or -1. */
static int
day_of (PullJob *pj, gint64 hour)
{
  for (guint i = 0; i < pj->days->len; i++)
    if (hour >= day_at (pj, i)->start && hour < day_at (pj, i)->end)
      return (int) i;
  return -1;
}

static void
add_name (PullJob *pj, NdFactsNameKind kind, gint64 id, const char *name, gint64 owner)
{
  g_autofree char *key = NULL;

  if (id <= 0 || name == NULL || *name == '\0')
    return;
  key = g_strdup_printf ("%d:%" G_GINT64_FORMAT, kind, id);
  if (!g_hash_table_add (pj->names_seen, g_steal_pointer (&key)))
    return;
  nd_facts_batch_add_name (pj->batch, kind, id, name, owner);
}

/* quota_data compares its hour buckets with both ends inclusive. */
static GString *
range_query (gint64 from, gint64 to)
{
  GString *q = g_string_new (NULL);

  nd_http_query_add_int (q, "start_timestamp", from);
  nd_http_query_add_int (q, "end_timestamp", to - 1);
  return q;
}

/* The rows of a /api/data/ reply (an array; null when there are none). */
static gboolean
reply_rows (JsonNode *data, const char *path, JsonArray **rows, GError **error)
{
  *rows = NULL;
  if (data == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_ARRAY (data))
    *rows = json_node_get_array (data);
  else if (!JSON_NODE_HOLDS_NULL (data))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("NewAPI answered %s without a list of rows"), path);
      return FALSE;
    }
  return TRUE;
}

static void
finish (GTask *task)
{
  PullJob *pj = g_task_get_task_data (task);

  for (guint i = 0; i < pj->days->len; i++)
    g_array_append_val (pj->batch->slices, *day_at (pj, i));
  g_task_return_pointer (task, g_steal_pointer (&pj->batch), (GDestroyNotify) nd_facts_batch_free);
}

/* ---- errors ------------------------------------------------------------- */

static void errors_next (GTask *task);

static void
error_span (PullJob *pj, gint64 *from, gint64 *to)
{
  *from = pj->error_day < 0 ? pj->from : day_at (pj, pj->error_day)->start;
  *to = pj->error_day < 0 ? pj->to : day_at (pj, pj->error_day)->end;
  /* Pinned to the pull's start: errors logged meanwhile would shift the
   * pages; they belong to the next sync. */
  *to = MIN (*to, pj->fetched + 1);
}

/* The listed errors of a span go to the hourly facts (per model) and to
 * their day (per user, channel, model, group). */
static void
add_errors (PullJob *pj)
{
  for (guint i = 0; i < pj->error_logs->len; i++)
    {
      NdLog *log = g_ptr_array_index (pj->error_logs, i);
      gint64 hour = nd_time_hour (log->created_at);
      int d = day_of (pj, hour);
      gint64 user_id = (pj->dims & ND_FACTS_DIM_USER) ? log->user_id : 0;
      gint64 token_id = (pj->dims & ND_FACTS_DIM_TOKEN) ? log->token_id : 0;
      gint64 channel_id = (pj->dims & ND_FACTS_DIM_CHANNEL) ? log->channel_id : 0;
      const char *group = (pj->dims & ND_FACTS_DIM_GROUP) ? log->group : "";

      if (d < 0)
        continue;
      nd_facts_batch_add (pj->batch, hour, 0, 0, 0, ND_LOG_ERROR, log->model_name, "")->requests = 1;
      nd_facts_batch_add_slice_fact (pj->batch, day_at (pj, d)->start, user_id, token_id, channel_id,
                                     ND_LOG_ERROR, log->model_name, group)->requests = 1;
      pj->batch->rows_scanned++;
      add_name (pj, ND_FACTS_NAME_USER, user_id, log->username, 0);
      add_name (pj, ND_FACTS_NAME_CHANNEL, channel_id, log->channel_name, 0);
    }
}

static void
end_span (PullJob *pj, gboolean listed, gint64 count)
{
  guint first = pj->error_day < 0 ? 0 : (guint) pj->error_day;
  guint last = pj->error_day < 0 ? pj->days->len : first + 1;

  if (listed)
    add_errors (pj);
  for (guint i = first; i < last; i++)
    {
      day_at (pj, i)->errors_listed = listed;
      day_at (pj, i)->error_count = listed ? 0 : count;
    }
  if (!listed)
    pj->batch->rows_scanned += count;
  g_ptr_array_set_size (pj->error_logs, 0);
  g_hash_table_remove_all (pj->error_rows);
  pj->error_page = 1;
  pj->error_day = pj->error_day < 0 ? (int) pj->days->len : pj->error_day + 1;
}

static void
error_page_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  PullJob *pj = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  JsonArray *items = NULL;
  gint64 total = -1;
  guint n, pages_allowed;
  GError *error = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || !nd_http_page_items (data, &items, &total, &error))
    return g_task_return_error (task, error);
  n = items ? json_array_get_length (items) : 0;
  if (total < 0)
    total = n;

  /* The whole run in one page, or a day in a few; else per day, and a
   * day with more only as a count. */
  pages_allowed = pj->error_day < 0 ? 1 : ERROR_PAGES_PER_DAY;
  if (pj->error_page == 1 && total > (gint64) pages_allowed * ERROR_PAGE_SIZE)
    {
      if (pj->error_day < 0)
        {
          pj->error_day = 0;
          return errors_next (g_steal_pointer (&task));
        }
      end_span (pj, FALSE, total);
      return errors_next (g_steal_pointer (&task));
    }

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      NdLog *log;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      log = nd_http_parse_log (json_node_get_object (node));
      if (!g_hash_table_add (pj->error_rows, g_memdup2 (&log->id, sizeof log->id)))
        {
          nd_log_free (log);
          continue;
        }
      g_ptr_array_add (pj->error_logs, log);
    }

  if (n < ERROR_PAGE_SIZE || (gint64) pj->error_page * ERROR_PAGE_SIZE >= total)
    end_span (pj, TRUE, 0);
  else
    pj->error_page++;
  errors_next (g_steal_pointer (&task));
}

static void
errors_next (GTask *task)
{
  PullJob *pj = g_task_get_task_data (task);
  NdHttpSource *self = g_task_get_source_object (task);
  g_autoptr(GString) q = NULL;
  gint64 from, to;

  if (pj->error_day >= (int) pj->days->len)
    {
      finish (task);
      g_object_unref (task);
      return;
    }
  error_span (pj, &from, &to);
  q = range_query (from, to);
  nd_http_query_add_int (q, "type", ND_LOG_ERROR);
  nd_http_query_add_int (q, "p", pj->error_page);
  nd_http_query_add_int (q, "page_size", ERROR_PAGE_SIZE);
  nd_http_source_get (self, "/api/log/", q->str, g_task_get_cancellable (task),
                      error_page_done, task);
}

/* ---- flow (per day) ------------------------------------------------------ */

static void flow_next (GTask *task);

static void
flow_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  PullJob *pj = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  gint64 start = day_at (pj, pj->flow_day)->start;
  JsonArray *rows;
  GError *error = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (!reply_rows (data, "/api/data/flow", &rows, &error))
    return g_task_return_error (task, error);
  for (guint i = 0; rows != NULL && i < json_array_get_length (rows); i++)
    {
      JsonNode *node = json_array_get_element (rows, i);
      JsonObject *row;
      g_autofree char *model = NULL, *group = NULL, *uname = NULL, *cname = NULL, *tname = NULL;
      gint64 user_id, token_id, channel_id;
      NdFact *fact;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      row = json_node_get_object (node);
      model = nd_json_strdup (row, "model_name");
      group = nd_json_strdup (row, "use_group");
      uname = nd_json_strdup (row, "username");
      cname = nd_json_strdup (row, "channel_name");
      tname = nd_json_strdup (row, "token_name");
      user_id = nd_json_int (row, "user_id", 0);
      channel_id = nd_json_int (row, "channel_id", 0);
      token_id = (pj->dims & ND_FACTS_DIM_TOKEN) ? nd_json_int (row, "token_id", 0) : 0;
      fact = nd_facts_batch_add_slice_fact (pj->batch, start, user_id, token_id, channel_id,
                                            ND_LOG_CONSUME, model, group);
      fact->requests = nd_json_int (row, "count", 0);
      fact->quota = nd_json_int (row, "quota", 0);
      /* token_used is prompt + completion; the split is not in quota_data. */
      fact->prompt_tokens = nd_json_int (row, "token_used", 0);
      add_name (pj, ND_FACTS_NAME_USER, user_id, uname, 0);
      add_name (pj, ND_FACTS_NAME_CHANNEL, channel_id, cname, 0);
      add_name (pj, ND_FACTS_NAME_TOKEN, token_id, tname, user_id);
    }
  pj->flow_day++;
  flow_next (g_steal_pointer (&task));
}

static void
flow_next (GTask *task)
{
  PullJob *pj = g_task_get_task_data (task);
  NdHttpSource *self = g_task_get_source_object (task);
  g_autoptr(GString) q = NULL;
  NdFactsSlice *day;

  /* Flow reads the same quota_data as /api/data/: a day without rows
   * there has none in flow either. */
  while (pj->flow && pj->flow_day < pj->days->len && !g_array_index (pj->busy, gboolean, pj->flow_day))
    pj->flow_day++;
  if (!pj->flow || pj->flow_day >= pj->days->len)
    {
      pj->error_day = pj->days->len > 1 ? -1 : 0;
      pj->error_page = 1;
      return errors_next (task);
    }
  day = day_at (pj, pj->flow_day);
  q = range_query (day->start, day->end);
  nd_http_source_get (self, "/api/data/flow", q->str, g_task_get_cancellable (task),
                      flow_done, task);
}

/* ---- consume rows per model × hour ---------------------------------------- */

static void
models_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  PullJob *pj = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  JsonArray *rows;
  GError *error = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (!reply_rows (data, "/api/data/", &rows, &error))
    return g_task_return_error (task, error);
  for (guint i = 0; rows != NULL && i < json_array_get_length (rows); i++)
    {
      JsonNode *node = json_array_get_element (rows, i);
      JsonObject *row;
      g_autofree char *model = NULL;
      NdFact *fact;
      gint64 hour;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      row = json_node_get_object (node);
      hour = nd_time_hour (nd_json_int (row, "created_at", 0));
      if (hour < pj->from || hour >= pj->to)
        continue;
      model = nd_json_strdup (row, "model_name");
      g_array_index (pj->busy, gboolean, day_of (pj, hour)) = TRUE;
      fact = nd_facts_batch_add (pj->batch, hour, 0, 0, 0, ND_LOG_CONSUME, model, "");
      fact->requests = nd_json_int (row, "count", 0);
      fact->quota = nd_json_int (row, "quota", 0);
      fact->prompt_tokens = nd_json_int (row, "token_used", 0);
      pj->batch->rows_scanned += fact->requests;
    }
  flow_next (g_steal_pointer (&task));
}

static void
http_pull_facts_async (NdSource *source, const NdFactsRequest *req, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  NdHttpSource *self = ND_HTTP_SOURCE (source);
  const NdHttpDialect *dialect = _nd_http_source_get_dialect (self);
  NdServerInfo *info = nd_source_get_info (source);
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  g_autoptr(GString) q = NULL;
  gint64 lag = MAX (info != NULL ? info->facts_lag_seconds : 0, FINAL_AFTER);
  PullJob *pj;

  g_task_set_source_tag (task, http_pull_facts_async);
  if (!dialect->data_export)
    {
      g_task_return_new_error (task, ND_ERROR, ND_ERROR_UNSUPPORTED,
                               _("This NewAPI does not keep hourly statistics (data export is "
                                 "turned off in its settings); connect the database for the "
                                 "dashboard"));
      g_object_unref (task);
      return;
    }
  if (req->n_slices == 0)
    {
      g_task_return_new_error (task, ND_ERROR, ND_ERROR_INVALID_INPUT,
                               "pull_facts over HTTP asks for day slices");
      g_object_unref (task);
      return;
    }

  pj = g_new0 (PullJob, 1);
  pj->days = g_array_sized_new (FALSE, FALSE, sizeof (NdFactsSlice), req->n_slices);
  g_array_append_vals (pj->days, req->slices, req->n_slices);
  pj->from = req->slices[0].start;
  pj->to = req->slices[req->n_slices - 1].end;
  pj->fetched = nd_time_now ();
  for (guint i = 0; i < pj->days->len; i++)
    day_at (pj, i)->final = pj->fetched >= day_at (pj, i)->end + lag;
  pj->busy = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_array_set_size (pj->busy, pj->days->len);
  pj->flow = dialect->has_flow;
  pj->dims = ND_FACTS_DIM_MODEL | ND_FACTS_DIM_ERRORS;
  if (pj->flow)
    {
      pj->dims |= ND_FACTS_DIM_USER | ND_FACTS_DIM_CHANNEL | ND_FACTS_DIM_GROUP;
      if (dialect->role >= 100)
        pj->dims |= ND_FACTS_DIM_TOKEN;
    }
  pj->names_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  pj->error_rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  pj->error_logs = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  pj->batch = nd_facts_batch_new ();
  pj->batch->merge = ND_FACTS_MERGE_REPLACE;
  pj->batch->replace_from = pj->from;
  pj->batch->replace_to = pj->to;
  pj->batch->dims = pj->dims;
  pj->batch->rows_scanned = 0;
  g_task_set_task_data (task, pj, (GDestroyNotify) pull_job_free);

  q = range_query (pj->from, pj->to);
  nd_http_source_get (self, "/api/data/", q->str, cancellable, models_done, task);
}

void
_nd_http_source_class_init_facts (NdSourceClass *klass)
{
  klass->pull_facts_async = http_pull_facts_async;
}
