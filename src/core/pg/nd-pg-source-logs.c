/* nd-pg-source-logs.c — browsing, tailing and counting logs
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Logs are read from the log connection (the LOG_SQL_DSN database when the
 * profile has one). Channel names come from the main database's channels
 * through a cache, never through a JOIN.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "nd-pg-source-private.h"
#include "logs/nd-log-sql.h"

#define EXACT_COUNT_CAP 10000

/* ---- helpers ----------------------------------------------------------- */

void
_nd_pg_query_flags (NdSource *source, gboolean *legacy, gboolean *has_request_id)
{
  NdServerInfo *info = nd_source_get_info (source);

  /* Before a probe, assume the current schema; the probe runs first in
   * every real path, so this only matters for tests that skip it. */
  *legacy = info ? info->legacy_log_index : FALSE;
  *has_request_id = info ? info->has_log_request_id : TRUE;
}

static char *
dup_value (const PGresult *res, int row, int col)
{
  if (PQgetisnull (res, row, col))
    return NULL;
  return g_strndup (PQgetvalue (res, row, col), PQgetlength (res, row, col));
}

NdLog *
_nd_pg_log_from_row (const PGresult *res, int row)
{
  NdLog *log = nd_log_new ();

  log->id = nd_pg_int64 (res, row, 0);
  log->created_at = nd_pg_int64 (res, row, 1);
  log->user_id = nd_pg_int64 (res, row, 2);
  log->token_id = nd_pg_int64 (res, row, 3);
  log->channel_id = nd_pg_int64 (res, row, 4);
  log->quota = nd_pg_int64 (res, row, 5);
  log->prompt_tokens = nd_pg_int64 (res, row, 6);
  log->completion_tokens = nd_pg_int64 (res, row, 7);
  log->use_time = nd_pg_int64 (res, row, 8);
  log->type = (int) nd_pg_int64 (res, row, 9);
  log->is_stream = nd_pg_bool (res, row, 10);
  log->username = dup_value (res, row, 11);
  log->token_name = dup_value (res, row, 12);
  log->model_name = dup_value (res, row, 13);
  log->group = dup_value (res, row, 14);
  log->ip = dup_value (res, row, 15);
  log->request_id = dup_value (res, row, 16);
  log->upstream_request_id = dup_value (res, row, 17);
  log->content = dup_value (res, row, 18);
  log->other = dup_value (res, row, 19);
  return log;
}

void
_nd_pg_fill_channel_names (GPtrArray *rows, GHashTable *names)
{
  for (guint i = 0; i < rows->len; i++)
    {
      NdLog *log = g_ptr_array_index (rows, i);
      const char *name;

      if (log->channel_id == 0 || log->channel_name != NULL)
        continue;
      name = g_hash_table_lookup (names, &log->channel_id);
      if (name != NULL)
        log->channel_name = g_strdup (name);
    }
}

static gboolean
names_missing (GPtrArray *rows, GHashTable *names)
{
  for (guint i = 0; i < rows->len; i++)
    {
      NdLog *log = g_ptr_array_index (rows, i);

      if (log->channel_id != 0 && !g_hash_table_contains (names, &log->channel_id))
        return TRUE;
    }
  return FALSE;
}

/* ---- query / tail ------------------------------------------------------ */

typedef struct {
  NdLogSql *sql;
  guint limit;
  gboolean tail;
  NdLogPage *page;
  gboolean forced;
} PageData;

static void
page_data_free (PageData *pd)
{
  g_clear_pointer (&pd->sql, nd_log_sql_free);
  g_clear_pointer (&pd->page, nd_log_page_free);
  g_free (pd);
}

static void
page_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  PageData *pd = job_data;
  g_autoptr(PGresult) res = NULL;
  NdLogPage *page;
  GError *error = NULL;
  int n;

  res = nd_pg_exec (pg, pd->sql->sql->str, pd->sql->params->len,
                    (const char * const *) pd->sql->params->pdata, cancellable, &error);
  if (res == NULL)
    return g_task_return_error (task, error);

  page = nd_log_page_new ();
  n = PQntuples (res);
  for (int i = 0; i < n; i++)
    g_ptr_array_add (page->rows, _nd_pg_log_from_row (res, i));
  page->has_more = (guint) n == pd->limit;
  if (n > 0)
    {
      NdLog *last = g_ptr_array_index (page->rows, n - 1);

      page->next.created_at = last->created_at;
      page->next.id = last->id;
    }
  g_task_return_pointer (task, page, (GDestroyNotify) nd_log_page_free);
}

static void page_names_done (GObject *object, GAsyncResult *result, gpointer user_data);

static void
page_fetched (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  PageData *pd = g_task_get_task_data (task);
  GError *error = NULL;

  pd->page = g_task_propagate_pointer (G_TASK (result), &error);
  if (pd->page == NULL)
    return g_task_return_error (task, error);
  if (pd->page->rows->len == 0)
    return g_task_return_pointer (task, g_steal_pointer (&pd->page),
                                  (GDestroyNotify) nd_log_page_free);
  {
    NdPgSource *self = g_task_get_source_object (task);
    GCancellable *cancellable = g_task_get_cancellable (task);

    _nd_pg_source_channel_names_async (self, FALSE, cancellable, page_names_done,
                                       g_steal_pointer (&task));
  }
}

static void
page_names_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  PageData *pd = g_task_get_task_data (task);
  g_autoptr(GHashTable) names = NULL;
  GError *error = NULL;

  names = _nd_pg_source_channel_names_finish (ND_PG_SOURCE (object), result, &error);
  if (names == NULL)
    {
      /* Names are a nicety: a main database we cannot read must not hide
       * the logs. Cancellation still ends the call. */
      if (nd_error_is_cancelled (error))
        return g_task_return_error (task, error);
      g_debug ("channel names unavailable: %s", error->message);
      g_clear_error (&error);
    }
  else if (!pd->forced && names_missing (pd->page->rows, names))
    {
      /* A channel created since the cache was filled. */
      GCancellable *cancellable = g_task_get_cancellable (task);

      pd->forced = TRUE;
      _nd_pg_source_channel_names_async (ND_PG_SOURCE (object), TRUE, cancellable,
                                         page_names_done, g_steal_pointer (&task));
      return;
    }
  else
    _nd_pg_fill_channel_names (pd->page->rows, names);
  g_task_return_pointer (task, g_steal_pointer (&pd->page), (GDestroyNotify) nd_log_page_free);
}

static void
run_page (NdSource *source, NdLogSql *sql, guint limit, gboolean tail, GError *error,
          gpointer tag, GCancellable *cancellable, GAsyncReadyCallback callback,
          gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  PageData *pd;
  GTask *sub;

  g_task_set_source_tag (task, tag);
  if (sql == NULL)
    return g_task_return_error (task, error);

  pd = g_new0 (PageData, 1);
  pd->sql = sql;
  pd->limit = limit;
  pd->tail = tail;
  g_task_set_task_data (task, pd, (GDestroyNotify) page_data_free);

  sub = g_task_new (source, cancellable, page_fetched, g_steal_pointer (&task));
  nd_pg_conn_run (nd_pg_source_get_logs (ND_PG_SOURCE (source)), sub, page_job, pd, NULL);
  g_object_unref (sub);
}

static void
pg_query_logs_async (NdSource *source, const NdLogQuery *query, const NdLogCursor *after,
                     guint limit, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  gboolean legacy, has_request_id;
  GError *error = NULL;
  NdLogSql *sql;

  _nd_pg_query_flags (source, &legacy, &has_request_id);
  if (limit == 0)
    limit = 200;
  sql = nd_log_sql_page (query, after, limit, legacy, has_request_id, &error);
  run_page (source, sql, limit, FALSE, error, pg_query_logs_async, cancellable, callback,
            user_data);
}

static void
pg_tail_logs_async (NdSource *source, const NdLogQuery *query, gint64 after_id, guint limit,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  gboolean legacy, has_request_id;
  GError *error = NULL;
  NdLogSql *sql;

  _nd_pg_query_flags (source, &legacy, &has_request_id);
  if (limit == 0)
    limit = 500;
  sql = nd_log_sql_tail (query, after_id, limit, has_request_id, &error);
  run_page (source, sql, limit, TRUE, error, pg_tail_logs_async, cancellable, callback,
            user_data);
}

/* ---- estimate ---------------------------------------------------------- */

static gint64
plan_rows (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *arr;
  JsonObject *top, *plan;

  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return -1;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_ARRAY (root) || json_array_get_length (arr = json_node_get_array (root)) == 0)
    return -1;
  top = json_array_get_object_element (arr, 0);
  if (top == NULL || !json_object_has_member (top, "Plan"))
    return -1;
  plan = json_object_get_object_member (top, "Plan");
  if (plan == NULL || !json_object_has_member (plan, "Plan Rows"))
    return -1;
  return (gint64) json_object_get_double_member (plan, "Plan Rows");
}

typedef struct {
  NdLogSql *count;
  char *explain;
} EstimateData;

static void
estimate_data_free (EstimateData *ed)
{
  nd_log_sql_free (ed->count);
  g_free (ed->explain);
  g_free (ed);
}

static void
estimate_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  EstimateData *ed = job_data;
  NdLogSql *count_sql = ed->count;
  g_autoptr(PGresult) res = NULL;
  NdLogEstimate *est;
  GError *error = NULL;
  gint64 counted = -1;

  /* A capped count is exact and cheap when few rows match; it stops after
   * the cap on big results. A timeout bounds the unindexed worst case. */
  PQclear (nd_pg_exec (pg, "BEGIN READ ONLY", 0, NULL, cancellable, NULL));
  PQclear (nd_pg_exec (pg, "SET LOCAL statement_timeout = '2s'", 0, NULL, cancellable, NULL));
  res = nd_pg_exec (pg, count_sql->sql->str, count_sql->params->len,
                    (const char * const *) count_sql->params->pdata, cancellable, &error);
  if (res != NULL)
    counted = nd_pg_int64 (res, 0, 0);
  g_clear_pointer (&res, PQclear);
  PQclear (PQexec (pg, "ROLLBACK"));
  if (error != NULL && !g_error_matches (error, ND_ERROR, ND_ERROR_TIMEOUT))
    return g_task_return_error (task, error);
  g_clear_error (&error);

  est = g_new0 (NdLogEstimate, 1);
  if (counted >= 0 && counted <= EXACT_COUNT_CAP)
    {
      est->rows = counted;
      est->exact = TRUE;
      return g_task_return_pointer (task, est, g_free);
    }

  /* The planner's estimate: no scan at all. The count above proves at
   * least the cap, so never show less. */
  res = nd_pg_exec (pg, ed->explain,
                    count_sql->params->len, (const char * const *) count_sql->params->pdata,
                    cancellable, &error);
  if (res == NULL)
    {
      g_free (est);
      return g_task_return_error (task, error);
    }
  est->rows = MAX (plan_rows (PQgetvalue (res, 0, 0)), counted > EXACT_COUNT_CAP ? counted : 0);
  est->exact = FALSE;
  g_task_return_pointer (task, est, g_free);
}

static void
pg_estimate_logs_async (NdSource *source, const NdLogQuery *query, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  g_autoptr(NdLogSql) filters = NULL;
  gboolean legacy, has_request_id;
  NdLogSql *count_sql;
  EstimateData *ed;
  GError *error = NULL;

  g_task_set_source_tag (task, pg_estimate_logs_async);
  _nd_pg_query_flags (source, &legacy, &has_request_id);
  filters = nd_log_sql_select (query, "1", has_request_id, &error);
  if (filters == NULL)
    return g_task_return_error (task, error);

  /* Both statements share the filters' parameters. */
  count_sql = nd_log_sql_new ();
  g_string_printf (count_sql->sql, "SELECT count(*) FROM (%s LIMIT %d) AS capped",
                   filters->sql->str, EXACT_COUNT_CAP + 1);
  for (guint i = 0; i < filters->params->len; i++)
    g_ptr_array_add (count_sql->params, g_strdup (g_ptr_array_index (filters->params, i)));
  ed = g_new0 (EstimateData, 1);
  ed->count = count_sql;
  ed->explain = g_strdup_printf ("EXPLAIN (FORMAT JSON) %s", filters->sql->str);
  nd_pg_conn_run (nd_pg_source_get_logs (ND_PG_SOURCE (source)), task, estimate_job, ed,
                  (GDestroyNotify) estimate_data_free);
}

/* ---- totals ------------------------------------------------------------ */

static void
totals_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  NdLogSql *sql = job_data;
  g_autoptr(PGresult) res = NULL;
  NdLogTotals *totals;
  GError *error = NULL;

  PQclear (nd_pg_exec (pg, "BEGIN READ ONLY", 0, NULL, cancellable, NULL));
  PQclear (nd_pg_exec (pg, "SET LOCAL statement_timeout = '5s'", 0, NULL, cancellable, NULL));
  res = nd_pg_exec (pg, sql->sql->str, sql->params->len,
                    (const char * const *) sql->params->pdata, cancellable, &error);
  PQclear (PQexec (pg, "ROLLBACK"));
  if (res == NULL)
    {
      if (g_error_matches (error, ND_ERROR, ND_ERROR_TIMEOUT))
        {
          g_clear_error (&error);
          return g_task_return_new_error (task, ND_ERROR, ND_ERROR_TIMEOUT,
                                          _("Totals would take too long for this filter; "
                                            "narrow the time range"));
        }
      return g_task_return_error (task, error);
    }
  totals = g_new0 (NdLogTotals, 1);
  totals->quota = nd_pg_int64 (res, 0, 0);
  totals->prompt_tokens = nd_pg_int64 (res, 0, 1);
  totals->completion_tokens = nd_pg_int64 (res, 0, 2);
  totals->requests = nd_pg_int64 (res, 0, 3);
  g_task_return_pointer (task, totals, g_free);
}

static void
pg_log_totals_async (NdSource *source, const NdLogQuery *query, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  gboolean legacy, has_request_id;
  NdLogSql *sql;
  GError *error = NULL;

  g_task_set_source_tag (task, pg_log_totals_async);
  _nd_pg_query_flags (source, &legacy, &has_request_id);
  sql = nd_log_sql_select (query,
                           "coalesce(sum(quota) FILTER (WHERE type = 2), 0), "
                           "coalesce(sum(prompt_tokens) FILTER (WHERE type = 2), 0), "
                           "coalesce(sum(completion_tokens) FILTER (WHERE type = 2), 0), "
                           "count(*) FILTER (WHERE type IN (2, 5))",
                           has_request_id, &error);
  if (sql == NULL)
    return g_task_return_error (task, error);
  nd_pg_conn_run (nd_pg_source_get_logs (ND_PG_SOURCE (source)), task, totals_job, sql,
                  (GDestroyNotify) nd_log_sql_free);
}

void
_nd_pg_source_class_init_logs (NdSourceClass *klass)
{
  klass->query_logs_async = pg_query_logs_async;
  klass->tail_logs_async = pg_tail_logs_async;
  klass->estimate_logs_async = pg_estimate_logs_async;
  klass->log_totals_async = pg_log_totals_async;
  _nd_pg_source_class_init_export (klass);
}
