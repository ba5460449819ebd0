/* nd-report-logs.c — NdReportSource's log calls over the report's `logs`
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A report may keep the newest logs of its range (NdReportOptions.max_logs,
 * masked). The Logs page then browses them as it browses a live source:
 * the same filters, matched as NewAPI matches them (all exact, half-open
 * [from, to)), keyset paging on (created_at, id) newest first, an exact
 * count, totals and export. Values are bound, never written into the SQL.
 */
#include "config.h"

#include "nd-error.h"
#include "nd-report-private.h"
#include "nd-report-source.h"

typedef struct {
  NdLogQuery *query;
  NdLogCursor after;
  gboolean has_after;
  guint limit;
  NdLogBatchFunc func;        /* export */
  gpointer func_data;
  NdSuggestKind kind;         /* suggest */
  char *prefix;
} LogData;

static void
log_data_free (LogData *ld)
{
  g_clear_pointer (&ld->query, nd_log_query_free);
  g_free (ld->prefix);
  g_free (ld);
}

static void
fail (GTask *task, sqlite3 *db)
{
  GError *error = NULL;

  _nd_report_set_error (db, &error, "logs");
  g_task_return_error (task, error);
}

/* Appends " AND …" for every filter of @q; the values go to @binds (text:
 * the columns' INTEGER affinity turns numbers back into numbers). */
static void
add_filters (GString *sql, GPtrArray *binds, const NdLogQuery *q)
{
  static const struct { gsize offset; const char *column; } texts[] = {
    { G_STRUCT_OFFSET (NdLogQuery, username), "username" },
    { G_STRUCT_OFFSET (NdLogQuery, token_name), "token_name" },
    { G_STRUCT_OFFSET (NdLogQuery, group), "grp" },
    { G_STRUCT_OFFSET (NdLogQuery, ip), "ip" },
    { G_STRUCT_OFFSET (NdLogQuery, request_id), "request_id" },
  };
  const struct { gint64 value; const char *cond; } ints[] = {
    { q->from, "created_at >= ?" }, { q->to, "created_at < ?" }, { q->type, "type = ?" },
    { q->user_id, "user_id = ?" }, { q->token_id, "token_id = ?" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ints); i++)
    if (ints[i].value != 0)
      {
        g_string_append_printf (sql, " AND %s", ints[i].cond);
        g_ptr_array_add (binds, g_strdup_printf ("%" G_GINT64_FORMAT, ints[i].value));
      }
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      const char *v = G_STRUCT_MEMBER (const char *, q, texts[i].offset);

      if (v != NULL && *v != '\0')
        {
          g_string_append_printf (sql, " AND %s = ?", texts[i].column);
          g_ptr_array_add (binds, g_strdup (v));
        }
    }
  if (q->models->len > 0)
    {
      g_string_append (sql, " AND model_name IN (");
      for (guint i = 0; i < q->models->len; i++)
        {
          g_string_append (sql, i ? ", ?" : "?");
          g_ptr_array_add (binds, g_strdup (g_ptr_array_index (q->models, i)));
        }
      g_string_append_c (sql, ')');
    }
  if (q->channels->len > 0)
    {
      g_string_append (sql, " AND channel_id IN (");
      for (guint i = 0; i < q->channels->len; i++)
        {
          g_string_append (sql, i ? ", ?" : "?");
          g_ptr_array_add (binds, g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  g_array_index (q->channels, gint64, i)));
        }
      g_string_append_c (sql, ')');
    }
}

static sqlite3_stmt *
prepare (sqlite3 *db, const char *select, const LogData *ld, const char *tail)
{
  g_autoptr(GString) sql = g_string_new (select);
  g_autoptr(GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *st = NULL;

  g_string_append (sql, " FROM logs WHERE 1");
  add_filters (sql, binds, ld->query);
  if (ld->has_after)
    {
      g_string_append (sql, " AND (created_at, id) < (?, ?)");
      g_ptr_array_add (binds, g_strdup_printf ("%" G_GINT64_FORMAT, ld->after.created_at));
      g_ptr_array_add (binds, g_strdup_printf ("%" G_GINT64_FORMAT, ld->after.id));
    }
  if (tail != NULL)
    g_string_append (sql, tail);
  if (sqlite3_prepare_v2 (db, sql->str, -1, &st, NULL) != SQLITE_OK)
    return NULL;
  for (guint i = 0; i < binds->len; i++)
    sqlite3_bind_text (st, (int) i + 1, g_ptr_array_index (binds, i), -1, SQLITE_TRANSIENT);
  return st;
}

static char *
log_select (void)
{
  g_autofree char *columns = _nd_report_columns (&_nd_report_tables[ND_REPORT_LOGS]);

  return g_strconcat ("SELECT ", columns, NULL);
}

static void
page_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  LogData *ld = data;
  g_autofree char *select = log_select ();
  g_autofree char *tail = g_strdup_printf (" ORDER BY created_at DESC, id DESC LIMIT %u", ld->limit + 1);
  g_autoptr(NdLogPage) page = nd_log_page_new ();
  sqlite3_stmt *st = prepare (db, select, ld, tail);
  int rc;

  if (st == NULL)
    return fail (task, db);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      if (page->rows->len == ld->limit)
        {
          page->has_more = TRUE;
          break;
        }
      g_ptr_array_add (page->rows, _nd_report_row_read (st, &_nd_report_tables[ND_REPORT_LOGS]));
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return fail (task, db);
  if (page->rows->len > 0)
    {
      const NdLog *last = g_ptr_array_index (page->rows, page->rows->len - 1);

      page->next.created_at = last->created_at;
      page->next.id = last->id;
    }
  g_task_return_pointer (task, g_steal_pointer (&page), (GDestroyNotify) nd_log_page_free);
}

static void
estimate_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  sqlite3_stmt *st = prepare (db, "SELECT count(*)", data, NULL);
  NdLogEstimate *est;

  if (st == NULL || sqlite3_step (st) != SQLITE_ROW)
    {
      sqlite3_finalize (st);
      return fail (task, db);
    }
  est = g_new0 (NdLogEstimate, 1);
  est->rows = sqlite3_column_int64 (st, 0);
  est->exact = TRUE;
  sqlite3_finalize (st);
  g_task_return_pointer (task, est, g_free);
}

/* As the live sources count them: quota and tokens over consume rows,
 * requests over consume and error rows. */
static void
totals_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  sqlite3_stmt *st = prepare (db, "SELECT COALESCE(sum(quota) FILTER (WHERE type = 2), 0),"
                              " COALESCE(sum(prompt_tokens) FILTER (WHERE type = 2), 0),"
                              " COALESCE(sum(completion_tokens) FILTER (WHERE type = 2), 0),"
                              " count(*) FILTER (WHERE type IN (2, 5))", data, NULL);
  NdLogTotals *totals;

  if (st == NULL || sqlite3_step (st) != SQLITE_ROW)
    {
      sqlite3_finalize (st);
      return fail (task, db);
    }
  totals = g_new0 (NdLogTotals, 1);
  totals->quota = sqlite3_column_int64 (st, 0);
  totals->prompt_tokens = sqlite3_column_int64 (st, 1);
  totals->completion_tokens = sqlite3_column_int64 (st, 2);
  totals->requests = sqlite3_column_int64 (st, 3);
  sqlite3_finalize (st);
  g_task_return_pointer (task, totals, g_free);
}

#define EXPORT_BATCH 1000

static void
export_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  LogData *ld = data;
  g_autofree char *select = log_select ();
  sqlite3_stmt *st = prepare (db, select, ld, " ORDER BY created_at DESC, id DESC");
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  GError *error = NULL;
  gint64 n = 0;
  int rc = SQLITE_DONE;

  if (st == NULL)
    return fail (task, db);
  while (error == NULL && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_ptr_array_add (batch, _nd_report_row_read (st, &_nd_report_tables[ND_REPORT_LOGS]));
      if (batch->len == EXPORT_BATCH)
        {
          if (!g_cancellable_set_error_if_cancelled (cancellable, &error) &&
              ld->func (batch, ld->func_data, &error))
            n += batch->len;
          g_ptr_array_set_size (batch, 0);
        }
    }
  if (error == NULL && rc == SQLITE_DONE && batch->len > 0 && ld->func (batch, ld->func_data, &error))
    n += batch->len;
  sqlite3_finalize (st);
  if (error != NULL)
    return g_task_return_error (task, error);
  if (rc != SQLITE_DONE)
    return fail (task, db);
  g_task_return_int (task, n);
}

static void
suggest_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  LogData *ld = data;
  static const char *columns[] = {
    [ND_SUGGEST_USERNAME] = "username", [ND_SUGGEST_TOKEN_NAME] = "token_name",
    [ND_SUGGEST_MODEL] = "model_name", [ND_SUGGEST_GROUP] = "grp",
  };
  g_autofree char *sql = g_strdup_printf ("SELECT DISTINCT %1$s FROM logs WHERE %1$s <> ''"
                                          " AND substr(%1$s, 1, length(?1)) = ?1 ORDER BY 1 LIMIT %2$u",
                                          columns[ld->kind], ld->limit);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  sqlite3_stmt *st = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    return fail (task, db);
  sqlite3_bind_text (st, 1, ld->prefix ? ld->prefix : "", -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_autofree char *v = g_utf8_make_valid ((const char *) sqlite3_column_text (st, 0), -1);

      g_strv_builder_add (b, v);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return fail (task, db);
  g_task_return_pointer (task, g_strv_builder_end (b), (GDestroyNotify) g_strfreev);
}

/* ─── the vfuncs ───────────────────────────────────────────────────────── */

static gboolean
check_logs (NdSource *source, GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  if (nd_server_info_has (nd_source_get_info (source), ND_CAP_LOGS))
    return TRUE;
  nd_source_report_unsupported (source, callback, user_data, tag);
  return FALSE;
}

static void
run_log_job (NdSource *source, const NdLogQuery *query, NdReportJobFunc func, LogData *ld,
             gpointer tag, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  ld->query = query ? nd_log_query_copy (query) : nd_log_query_new ();
  _nd_report_source_run (source, task, func, ld, (GDestroyNotify) log_data_free);
}

static void
report_query_logs_async (NdSource *source, const NdLogQuery *query, const NdLogCursor *after,
                         guint limit, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  LogData *ld;

  if (!check_logs (source, callback, user_data, report_query_logs_async))
    return;
  ld = g_new0 (LogData, 1);
  ld->limit = CLAMP (limit, 1, 10000);
  if (after != NULL)
    {
      ld->after = *after;
      ld->has_after = TRUE;
    }
  run_log_job (source, query, page_job, ld, report_query_logs_async, cancellable, callback, user_data);
}

static void
report_estimate_logs_async (NdSource *source, const NdLogQuery *query, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  if (!check_logs (source, callback, user_data, report_estimate_logs_async))
    return;
  run_log_job (source, query, estimate_job, g_new0 (LogData, 1), report_estimate_logs_async,
               cancellable, callback, user_data);
}

static void
report_log_totals_async (NdSource *source, const NdLogQuery *query, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  if (!check_logs (source, callback, user_data, report_log_totals_async))
    return;
  run_log_job (source, query, totals_job, g_new0 (LogData, 1), report_log_totals_async,
               cancellable, callback, user_data);
}

static void
report_export_logs_async (NdSource *source, const NdLogQuery *query, NdLogBatchFunc func,
                          gpointer func_data, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  LogData *ld;

  if (!check_logs (source, callback, user_data, report_export_logs_async))
    return;
  ld = g_new0 (LogData, 1);
  ld->func = func;
  ld->func_data = func_data;
  run_log_job (source, query, export_job, ld, report_export_logs_async, cancellable, callback,
               user_data);
}

static void
report_suggest_async (NdSource *source, NdSuggestKind kind, const char *prefix, guint limit,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  LogData *ld;

  if (!check_logs (source, callback, user_data, report_suggest_async))
    return;
  ld = g_new0 (LogData, 1);
  ld->kind = CLAMP (kind, ND_SUGGEST_USERNAME, ND_SUGGEST_GROUP);
  ld->prefix = g_strdup (prefix);
  ld->limit = limit == 0 || limit > 1000 ? 1000 : limit;
  run_log_job (source, NULL, suggest_job, ld, report_suggest_async, cancellable, callback, user_data);
}

void
_nd_report_source_init_logs (NdSourceClass *klass)
{
  klass->query_logs_async = report_query_logs_async;
  klass->estimate_logs_async = report_estimate_logs_async;
  klass->log_totals_async = report_log_totals_async;
  klass->export_logs_async = report_export_logs_async;
  klass->suggest_async = report_suggest_async;
}
