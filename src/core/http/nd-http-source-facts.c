/* nd-http-source-facts.c — pull_facts over the admin API (see nd-facts.h)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cursor is an hour start (unix s). Each batch covers whole hours
 * [from, to) and is ND_FACTS_MERGE_REPLACE: NewAPI's quota_data is already
 * hourly, the current hour keeps growing, and quota_data is flushed every
 * DataExportInterval minutes (5 by default), so the first window of a sync
 * starts one hour before the stored cursor and is fetched again.
 *
 *   consume rows  /api/data/ (model × hour: count, quota, token_used), or
 *                 /api/data/flow when the server has it and its rows carry
 *                 an hour (then user, channel, group — and token for root —
 *                 are real dimensions too);
 *   error rows    type-5 logs of the window (/api/log/?type=5), aggregated
 *                 here per hour × model from pages of 100; when a window has
 *                 more than ERROR_ROWS_CAP of them, one `total` query per hour
 *                 (model unknown).
 *
 * Not available without the database: latency (quota_data has no use_time),
 * the prompt/completion split (token_used is their sum: it goes into
 * prompt_tokens), and without flow the user, token, channel and group
 * dimensions. /api/data/users (per user × hour) cannot be merged into the
 * same facts without counting every request twice (it is the same requests
 * as /api/data/ seen from another side), so it is not used for facts.
 * Caveats the dashboard shows (NdServerInfo.facts_lag_seconds): up to 5 min
 * of lag, and no quota_data rows at all for model names longer than 64
 * characters on PostgreSQL (their requests are missing from these facts).
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "facts/nd-facts.h"
#include "nd-http-source-private.h"

#define HOUR 3600
#define DEFAULT_WINDOW (7 * 24 * HOUR)
#define MAX_WINDOW (31 * 24 * HOUR)
#define ERROR_PAGE_SIZE 100
#define ERROR_ROWS_CAP 2000

typedef struct {
  gint64 from;
  gint64 to;
  gboolean flow;
  gboolean want_names;
  NdFactsDims dims;
  NdFactsBatch *batch;
  GHashTable *error_keys;      /* "hour\x1fmodel\x1fuser\x1fchannel\x1fgroup" → NdFact index */
  guint error_page;
  gint64 error_hour;           /* per-hour fallback: next hour to count */
  GHashTable *names_seen;
} PullJob;

static void
pull_job_free (PullJob *pj)
{
  g_clear_pointer (&pj->batch, nd_facts_batch_free);
  g_clear_pointer (&pj->error_keys, g_hash_table_unref);
  g_clear_pointer (&pj->names_seen, g_hash_table_unref);
  g_free (pj);
}

static gint64
hour_of (gint64 t)
{
  return t - (t % HOUR + HOUR) % HOUR;
}

static void
add_name (PullJob *pj, NdFactsNameKind kind, gint64 id, const char *name, gint64 owner)
{
  g_autofree char *key = NULL;

  if (!pj->want_names || id <= 0 || name == NULL || *name == '\0')
    return;
  key = g_strdup_printf ("%d:%" G_GINT64_FORMAT, kind, id);
  if (!g_hash_table_add (pj->names_seen, g_steal_pointer (&key)))
    return;
  nd_facts_batch_add_name (pj->batch, kind, id, name, owner);
}

/* ---- errors ------------------------------------------------------------- */

static void errors_next (GTask *task);

static void
finish_batch (GTask *task)
{
  PullJob *pj = g_task_get_task_data (task);

  g_task_return_pointer (task, g_steal_pointer (&pj->batch), (GDestroyNotify) nd_facts_batch_free);
}

static GString *
error_query (PullJob *pj, gint64 from, gint64 to)
{
  GString *q = g_string_new (NULL);

  nd_http_query_add_int (q, "type", ND_LOG_ERROR);
  nd_http_query_add_int (q, "start_timestamp", from);
  nd_http_query_add_int (q, "end_timestamp", to - 1);
  return q;
}

static void
error_hour_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  PullJob *pj = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  JsonArray *items;
  gint64 total;
  GError *error = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || !nd_http_page_items (data, &items, &total, &error))
    return g_task_return_error (task, error);
  if (total > 0)
    {
      NdFact *fact = nd_facts_batch_add (pj->batch, pj->error_hour, 0, 0, 0, ND_LOG_ERROR, "", "");

      fact->requests = total;
      pj->batch->rows_scanned += total;
    }
  pj->error_hour += HOUR;
  errors_next (g_steal_pointer (&task));
}

static void
error_page_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  PullJob *pj = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  JsonArray *items;
  gint64 total;
  guint n;
  GError *error = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || !nd_http_page_items (data, &items, &total, &error))
    return g_task_return_error (task, error);
  n = items ? json_array_get_length (items) : 0;

  if (pj->error_page == 1 && total > ERROR_ROWS_CAP)
    {
      /* Too many to page through: count per hour instead. */
      pj->error_hour = pj->from;
      pj->error_page = 0;
      return errors_next (g_steal_pointer (&task));
    }

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      g_autoptr(NdLog) log = NULL;
      g_autofree char *key = NULL;
      gint64 hour, user_id, channel_id;
      const char *group;
      gpointer index;
      NdFact *fact;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      log = nd_http_parse_log (json_node_get_object (node));
      hour = hour_of (log->created_at);
      if (hour < pj->from || hour >= pj->to)
        continue;
      user_id = (pj->dims & ND_FACTS_DIM_USER) ? log->user_id : 0;
      channel_id = (pj->dims & ND_FACTS_DIM_CHANNEL) ? log->channel_id : 0;
      group = (pj->dims & ND_FACTS_DIM_GROUP) && log->group ? log->group : "";
      key = g_strdup_printf ("%" G_GINT64_FORMAT "\x1f%s\x1f%" G_GINT64_FORMAT "\x1f%"
                             G_GINT64_FORMAT "\x1f%s", hour, log->model_name ? log->model_name : "",
                             user_id, channel_id, group);
      if (g_hash_table_lookup_extended (pj->error_keys, key, NULL, &index))
        fact = &g_array_index (pj->batch->facts, NdFact, GPOINTER_TO_UINT (index));
      else
        {
          fact = nd_facts_batch_add (pj->batch, hour, user_id, 0, channel_id, ND_LOG_ERROR,
                                     log->model_name, group);
          g_hash_table_insert (pj->error_keys, g_steal_pointer (&key),
                               GUINT_TO_POINTER (pj->batch->facts->len - 1));
        }
      fact->requests++;
      pj->batch->rows_scanned++;
      if (user_id > 0)
        add_name (pj, ND_FACTS_NAME_USER, user_id, log->username, 0);
      if (channel_id > 0)
        add_name (pj, ND_FACTS_NAME_CHANNEL, channel_id, log->channel_name, 0);
    }

  if (n < ERROR_PAGE_SIZE || (total >= 0 && (gint64) pj->error_page * ERROR_PAGE_SIZE >= total))
    return finish_batch (task);
  pj->error_page++;
  errors_next (g_steal_pointer (&task));
}

static void
errors_next (GTask *task)
{
  PullJob *pj = g_task_get_task_data (task);
  NdHttpSource *self = g_task_get_source_object (task);
  g_autoptr(GString) q = NULL;

  if (pj->error_page == 0)
    {
      if (pj->error_hour >= pj->to)
        return finish_batch (task);
      q = error_query (pj, pj->error_hour, pj->error_hour + HOUR);
      nd_http_query_add_int (q, "p", 1);
      nd_http_query_add_int (q, "page_size", 1);
      nd_http_source_get (self, "/api/log/", q->str, g_task_get_cancellable (task),
                          error_hour_done, task);
      return;
    }
  q = error_query (pj, pj->from, pj->to);
  nd_http_query_add_int (q, "p", pj->error_page);
  nd_http_query_add_int (q, "page_size", ERROR_PAGE_SIZE);
  nd_http_source_get (self, "/api/log/", q->str, g_task_get_cancellable (task),
                      error_page_done, task);
}

/* ---- consume rows ------------------------------------------------------- */

static void
consume_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PullJob *pj = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  JsonArray *rows;
  gint64 total;
  GError *error = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || !nd_http_page_items (data, &rows, &total, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  for (guint i = 0; rows && i < json_array_get_length (rows); i++)
    {
      JsonNode *node = json_array_get_element (rows, i);
      JsonObject *row;
      NdFact *fact;
      gint64 hour, user_id = 0, token_id = 0, channel_id = 0;
      g_autofree char *model = NULL;
      g_autofree char *group = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      row = json_node_get_object (node);
      hour = hour_of (nd_json_int (row, "created_at", 0));
      if (hour < pj->from || hour >= pj->to)
        continue;
      model = nd_json_strdup (row, "model_name");
      if (pj->flow)
        {
          g_autofree char *uname = nd_json_strdup (row, "username");
          g_autofree char *cname = nd_json_strdup (row, "channel_name");
          g_autofree char *tname = nd_json_strdup (row, "token_name");

          user_id = nd_json_int (row, "user_id", 0);
          channel_id = nd_json_int (row, "channel_id", 0);
          token_id = (pj->dims & ND_FACTS_DIM_TOKEN) ? nd_json_int (row, "token_id", 0) : 0;
          group = nd_json_strdup (row, "use_group");
          add_name (pj, ND_FACTS_NAME_USER, user_id, uname, 0);
          add_name (pj, ND_FACTS_NAME_CHANNEL, channel_id, cname, 0);
          add_name (pj, ND_FACTS_NAME_TOKEN, token_id, tname, user_id);
        }
      fact = nd_facts_batch_add (pj->batch, hour, user_id, token_id, channel_id, ND_LOG_CONSUME,
                                 model, group);
      fact->requests = nd_json_int (row, "count", 0);
      fact->quota = nd_json_int (row, "quota", 0);
      /* token_used is prompt + completion; the split is not in quota_data. */
      fact->prompt_tokens = nd_json_int (row, "token_used", 0);
      pj->batch->rows_scanned += fact->requests;
    }
  pj->error_page = 1;
  errors_next (task);
}

static void
http_pull_facts_async (NdSource *source, const NdFactsRequest *request, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  NdHttpSource *self = ND_HTTP_SOURCE (source);
  const NdFactsRequest *req = request;
  const NdHttpDialect *dialect = _nd_http_source_get_dialect (self);
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  g_autoptr(GString) q = g_string_new (NULL);
  PullJob *pj;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 target, start, window;

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

  target = req->target > 0 ? req->target : hour_of (now) + HOUR;
  if (req->cursor > 0)
    start = req->target == 0 ? req->cursor - HOUR : req->cursor;
  else
    start = req->since > 0 ? req->since : now - 30 * 24 * HOUR;
  start = hour_of (start);
  window = req->window >= HOUR ? req->window : DEFAULT_WINDOW;
  window = MIN (window - window % HOUR, MAX_WINDOW);

  pj = g_new0 (PullJob, 1);
  pj->from = start;
  pj->to = MAX (MIN (start + window, target), start + HOUR);
  pj->flow = dialect->has_flow;
  pj->want_names = req->want_names;
  pj->dims = ND_FACTS_DIM_MODEL | ND_FACTS_DIM_ERRORS;
  if (pj->flow)
    {
      pj->dims |= ND_FACTS_DIM_USER | ND_FACTS_DIM_CHANNEL | ND_FACTS_DIM_GROUP;
      if (dialect->role >= 100)
        pj->dims |= ND_FACTS_DIM_TOKEN;
    }
  pj->error_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  pj->names_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  pj->batch = nd_facts_batch_new ();
  pj->batch->target = target;
  pj->batch->next_cursor = pj->to;
  pj->batch->done = pj->to >= target;
  pj->batch->merge = ND_FACTS_MERGE_REPLACE;
  pj->batch->replace_from = pj->from;
  pj->batch->replace_to = pj->to;
  pj->batch->dims = pj->dims;
  pj->batch->rows_scanned = 0;
  g_task_set_task_data (task, pj, (GDestroyNotify) pull_job_free);

  /* quota_data.created_at is the hour; end_timestamp is inclusive. */
  nd_http_query_add_int (q, "start_timestamp", pj->from);
  nd_http_query_add_int (q, "end_timestamp", pj->to - 1);
  nd_http_source_get (self, pj->flow ? "/api/data/flow" : "/api/data/", q->str, cancellable,
                      consume_done, task);
}

void
_nd_http_source_class_init_facts (NdSourceClass *klass)
{
  klass->pull_facts_async = http_pull_facts_async;
}
