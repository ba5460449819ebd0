/* nd-pg-source-export.c — every matching log, streamed to a writer
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three stages run side by side, so neither the server nor this process
 * waits for the other: PostgreSQL produces the next batch of the cursor,
 * the connection's thread receives the one before, and a writer thread
 * turns the one before that into rows and hands them to the caller's batch
 * function (format and write). The rows are made and freed on the writer
 * thread: freeing memory another thread allocated costs the allocator
 * dearly. At most WRITE_AHEAD batches wait for the writer, so memory stays
 * at a few batches however many rows match.
 */
#include "config.h"

#include "nd-error.h"
#include "nd-pg-source-private.h"
#include "logs/nd-log-sql.h"

#define EXPORT_BATCH 5000
#define FETCH_SQL "FETCH FORWARD " G_STRINGIFY (EXPORT_BATCH) " FROM nd_export"
#define WRITE_AHEAD 2

typedef struct {
  NdLogSql *sql;
  NdLogBatchFunc func;
  gpointer func_data;
  GHashTable *names;
  NdPgConn *conn;
} ExportData;

static void
export_data_free (ExportData *ed)
{
  g_clear_pointer (&ed->sql, nd_log_sql_free);
  g_clear_pointer (&ed->names, g_hash_table_unref);
  if (ed->conn != NULL)
    nd_pg_conn_shutdown (ed->conn);
  g_clear_object (&ed->conn);
  g_free (ed);
}

/* ---- the writer thread -------------------------------------------------- */

typedef struct {
  NdLogBatchFunc func;
  gpointer func_data;
  GHashTable *names;          /* channel id → name, may be NULL */
  GCancellable *cancellable;
  GAsyncQueue *batches;       /* PGresult; the END marker ends it */
  GMutex lock;
  GCond room;
  guint waiting;              /* batches queued, not yet written; lock */
  GError *error;              /* the batch function's; lock */
  GThread *thread;
} Writer;

/* A marker, never dereferenced. */
static const int end_marker;
#define END ((gpointer) &end_marker)

static void
write_batch (Writer *w, PGresult *res)
{
  g_autoptr(GPtrArray) rows = NULL;
  GError *error = NULL;
  int n = PQntuples (res);

  rows = g_ptr_array_new_full (n, (GDestroyNotify) nd_log_free);
  for (int i = 0; i < n; i++)
    g_ptr_array_add (rows, _nd_pg_log_from_row (res, i));
  if (w->names != NULL)
    _nd_pg_fill_channel_names (rows, w->names);
  if (!w->func (rows, w->func_data, &error))
    {
      g_mutex_lock (&w->lock);
      w->error = error;
      g_mutex_unlock (&w->lock);
    }
}

static gpointer
writer_main (gpointer data)
{
  Writer *w = data;

  for (;;)
    {
      PGresult *res = g_async_queue_pop (w->batches);
      gboolean failed;

      if (res == END)
        break;
      g_mutex_lock (&w->lock);
      failed = w->error != NULL;
      g_mutex_unlock (&w->lock);
      /* After a failure or a cancel the rest is only drained. */
      if (!failed && !g_cancellable_is_cancelled (w->cancellable))
        write_batch (w, res);
      PQclear (res);
      g_mutex_lock (&w->lock);
      w->waiting--;
      g_cond_signal (&w->room);
      g_mutex_unlock (&w->lock);
    }
  return NULL;
}

static void
writer_start (Writer *w, NdLogBatchFunc func, gpointer func_data, GHashTable *names,
              GCancellable *cancellable)
{
  w->func = func;
  w->func_data = func_data;
  w->names = names;
  w->cancellable = cancellable;
  w->batches = g_async_queue_new ();
  g_mutex_init (&w->lock);
  g_cond_init (&w->room);
  w->thread = g_thread_new ("nd-export-write", writer_main, w);
}

/* Waits for room; FALSE (and @res freed) once the writer failed. */
static gboolean
writer_push (Writer *w, PGresult *res)
{
  gboolean ok;

  g_mutex_lock (&w->lock);
  while (w->waiting >= WRITE_AHEAD && w->error == NULL)
    g_cond_wait (&w->room, &w->lock);
  ok = w->error == NULL;
  if (ok)
    w->waiting++;
  g_mutex_unlock (&w->lock);
  if (ok)
    g_async_queue_push (w->batches, res);
  else
    PQclear (res);
  return ok;
}

/* Lets the writer finish what is queued; returns its error, if any. */
static GError *
writer_finish (Writer *w)
{
  GError *error;

  g_async_queue_push (w->batches, END);
  g_thread_join (w->thread);
  error = w->error;
  g_async_queue_unref (w->batches);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->room);
  return error;
}

/* ---- the connection's thread -------------------------------------------- */

/* The result of the query in flight (PQsendQuery), or NULL with @error. */
static PGresult *
take_result (PGconn *pg, GCancellable *cancellable, GError **error)
{
  PGresult *res = PQgetResult (pg);
  PGresult *more;

  while ((more = PQgetResult (pg)) != NULL)
    PQclear (more);
  if (!nd_pg_check_result (pg, res, cancellable, error))
    {
      g_clear_pointer (&res, PQclear);
      return NULL;
    }
  return res;
}

static gboolean
send_fetch (PGconn *pg, GCancellable *cancellable, GError **error)
{
  if (PQsendQuery (pg, FETCH_SQL))
    return TRUE;
  nd_pg_check_result (pg, NULL, cancellable, error);
  return FALSE;
}

static void
export_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  ExportData *ed = g_task_get_task_data (task);
  g_autofree char *declare = NULL;
  GError *error = NULL;
  GError *write_error;
  gboolean in_flight = FALSE;
  gint64 total = 0;
  Writer writer = { 0 };
  PGresult *res;

  /* One snapshot for the whole file, read through a server-side cursor so
   * memory stays at a few batches however many rows match. */
  res = nd_pg_exec (pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL,
                    cancellable, &error);
  if (res == NULL)
    return g_task_return_error (task, error);
  PQclear (res);
  declare = g_strdup_printf ("DECLARE nd_export NO SCROLL CURSOR FOR %s", ed->sql->sql->str);
  res = nd_pg_exec (pg, declare, ed->sql->params->len,
                    (const char * const *) ed->sql->params->pdata, cancellable, &error);
  if (res == NULL)
    {
      PQclear (PQexec (pg, "ROLLBACK"));
      return g_task_return_error (task, error);
    }
  PQclear (res);

  writer_start (&writer, ed->func, ed->func_data, ed->names, cancellable);
  in_flight = send_fetch (pg, cancellable, &error);
  while (in_flight)
    {
      int n;

      res = take_result (pg, cancellable, &error);
      in_flight = FALSE;
      if (res == NULL)
        break;
      n = PQntuples (res);
      /* The server works on the next batch while this one is written. */
      if (n == EXPORT_BATCH && !g_cancellable_is_cancelled (cancellable))
        in_flight = send_fetch (pg, cancellable, &error);
      if (n == 0)
        PQclear (res);
      else if (!writer_push (&writer, res))
        break;
      total += n;
      if (error == NULL && g_cancellable_set_error_if_cancelled (cancellable, &error))
        break;
    }
  /* A fetch still on its way is read and dropped before the rollback. */
  if (in_flight)
    PQclear (take_result (pg, cancellable, NULL));

  write_error = writer_finish (&writer);
  if (write_error != NULL)
    {
      g_clear_error (&error);
      error = write_error;
    }
  if (error != NULL)
    {
      PQclear (PQexec (pg, "ROLLBACK"));
      return g_task_return_error (task, error);
    }
  PQclear (PQexec (pg, "COMMIT"));
  g_task_return_int (task, total);
}

/* ---- the call ------------------------------------------------------------ */

static void
export_ran (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gssize n = g_task_propagate_int (G_TASK (result), &error);

  if (error != NULL)
    return g_task_return_error (task, error);
  g_task_return_int (task, n);
}

static void
export_names_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ExportData *ed = g_task_get_task_data (task);
  GError *error = NULL;
  GTask *sub;

  ed->names = _nd_pg_source_channel_names_finish (ND_PG_SOURCE (object), result, &error);
  if (ed->names == NULL)
    {
      if (nd_error_is_cancelled (error))
        return g_task_return_error (task, error);
      g_clear_error (&error);
    }
  /* A connection of its own: a long export must not queue browsing. */
  ed->conn = nd_pg_source_open_logs_conn (ND_PG_SOURCE (object));
  sub = g_task_new (object, g_task_get_cancellable (task), export_ran, g_object_ref (task));
  g_task_set_task_data (sub, ed, NULL);
  nd_pg_conn_run (ed->conn, sub, export_job, NULL, NULL);
  g_object_unref (sub);
}

static void
pg_export_logs_async (NdSource *source, const NdLogQuery *query, NdLogBatchFunc func,
                      gpointer func_data, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  gboolean legacy, has_request_id;
  ExportData *ed;
  NdLogSql *sql;
  GError *error = NULL;

  g_task_set_source_tag (task, pg_export_logs_async);
  _nd_pg_query_flags (source, &legacy, &has_request_id);
  sql = nd_log_sql_export (query, has_request_id, &error);
  if (sql == NULL)
    return g_task_return_error (task, error);
  ed = g_new0 (ExportData, 1);
  ed->sql = sql;
  ed->func = func;
  ed->func_data = func_data;
  g_task_set_task_data (task, ed, (GDestroyNotify) export_data_free);
  _nd_pg_source_channel_names_async (ND_PG_SOURCE (source), TRUE, cancellable,
                                     export_names_done, g_steal_pointer (&task));
}

void
_nd_pg_source_class_init_export (NdSourceClass *klass)
{
  klass->export_logs_async = pg_export_logs_async;
}
