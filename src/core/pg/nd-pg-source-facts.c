/* nd-pg-source-facts.c — pull_facts over PostgreSQL (see nd-facts.h)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server aggregates one window of logs.id at a time (a primary-key range
 * scan) and only the aggregates cross the wire. Nothing here writes to the
 * NewAPI databases or creates anything there: every statement is a SELECT,
 * and the connections are read-only when the profile is.
 *
 * Sync runs on a dedicated log connection (nd_pg_source_open_logs_conn) so
 * that a long first sync never queues in front of log browsing. Names come
 * from the main database (users, tokens, channels; soft-deleted rows too).
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "facts/nd-facts.h"
#include "nd-pg-source-private.h"

#define FACTS_CONN_KEY "nd-facts-conn"
#define DEFAULT_WINDOW 250000
#define FACTS_WORK_MEM "64MB"
/* Windows narrower than this are not worth a second connection. */
#define SPLIT_MIN 2000
/* Rows younger than this are left to the next sync (see window_job). */
#define SETTLE_SECONDS 60

/* The highest id logs ever handed out: the id sequence, which only a
 * restored or recreated database moves back (log cleanup does not). NULL
 * where the sequence cannot be read; max(id) stands in then, unless logs
 * is empty (a cleanup that removed everything is no reason to start over). */
#define LOG_SEQUENCE_SQL \
  "(SELECT CASE WHEN has_sequence_privilege(s, 'SELECT') THEN pg_sequence_last_value(s::regclass) END" \
  " FROM pg_get_serial_sequence('logs', 'id') AS s)"

/* Both schema variants have every column used here (request_id is not). */
static const char window_sql[] =
  "SELECT COALESCE(created_at, 0) - COALESCE(created_at, 0) % 3600,"
  " COALESCE(user_id, 0), COALESCE(token_id, 0), COALESCE(channel_id, 0), COALESCE(type, 0),"
  " COALESCE(model_name, ''), COALESCE(\"group\", ''),"
  " count(*), COALESCE(sum(quota), 0), COALESCE(sum(prompt_tokens), 0),"
  " COALESCE(sum(completion_tokens), 0), COALESCE(sum(use_time), 0),"
  " count(*) FILTER (WHERE COALESCE(use_time, 0) < 1),"
  " count(*) FILTER (WHERE use_time >= 1 AND use_time < 3),"
  " count(*) FILTER (WHERE use_time >= 3 AND use_time < 10),"
  " count(*) FILTER (WHERE use_time >= 10 AND use_time < 30),"
  " count(*) FILTER (WHERE use_time >= 30)"
  " FROM logs WHERE id > $1::bigint AND id <= $2::bigint"
  " GROUP BY 1, 2, 3, 4, 5, 6, 7";

typedef struct {
  NdFactsRequest req;
  NdFactsBatch *batch;
  /* A window split in two (see pull_split): each half's ids and facts
   * (the lower half's are pd->batch), the halves still running, and the
   * first error. */
  struct Half { gint64 lo, hi; NdFactsBatch *batch; } half[2];
  guint running;
  GError *error;
} PullData;

static void
pull_data_free (PullData *pd)
{
  g_clear_pointer (&pd->batch, nd_facts_batch_free);
  g_clear_pointer (&pd->half[1].batch, nd_facts_batch_free);
  g_clear_error (&pd->error);
  g_free (pd);
}

static void
conn_release (gpointer data)
{
  NdPgConn *conn = data;

  nd_pg_conn_shutdown (conn);
  g_object_unref (conn);
}

/* Connection @i (0 or 1) of the sync; the second is opened only when a
 * window is first split. */
static NdPgConn *
get_facts_conn (NdPgSource *self, guint i)
{
  const char *key = i == 0 ? FACTS_CONN_KEY : FACTS_CONN_KEY "-2";
  NdPgConn *conn = g_object_get_data (G_OBJECT (self), key);

  if (conn == NULL)
    {
      conn = nd_pg_source_open_logs_conn (self);
      g_object_set_data_full (G_OBJECT (self), key, conn, conn_release);
    }
  return conn;
}

static void
names_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  PullData *pd = job_data;
  static const struct { NdFactsNameKind kind; const char *sql; } queries[] = {
    { ND_FACTS_NAME_USER, "SELECT id, username, 0 FROM users" },
    { ND_FACTS_NAME_TOKEN, "SELECT id, name, user_id FROM tokens" },
    { ND_FACTS_NAME_CHANNEL, "SELECT id, name, 0 FROM channels" },
  };
  GError *error = NULL;

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(PGresult) res = nd_pg_exec (pg, queries[q].sql, 0, NULL, cancellable, &error);

      if (res == NULL)
        return g_task_return_error (task, error);
      for (int i = 0; i < PQntuples (res); i++)
        nd_facts_batch_add_name (pd->batch, queries[q].kind, nd_pg_int64 (res, i, 0),
                                 PQgetisnull (res, i, 1) ? "" : PQgetvalue (res, i, 1),
                                 nd_pg_int64 (res, i, 2));
    }
  g_task_return_boolean (task, TRUE);
}

/* Where the window that starts after @cursor ends. Windows shrink as the
 * target nears: the commit of the last one is the only step nothing else
 * overlaps, so it had better be short (and so is the first, see window_job). */
static gint64
window_end (gint64 cursor, gint64 target, gint64 window)
{
  gint64 span = MIN (window, MAX ((target - cursor) / 2, window / 4));

  return MIN (cursor + MAX (span, 1), target);
}

/* The facts of the rows with @lo < id <= @hi into @batch. */
static gboolean
aggregate (PGconn *pg, gint64 lo, gint64 hi, NdFactsBatch *batch, GCancellable *cancellable,
           GError **error)
{
  g_autoptr(PGresult) res = NULL;
  char lo_s[32], hi_s[32];
  const char *params[2] = { lo_s, hi_s };

  /* A window of 250 000 rows holds about 100 000 groups: with the server's
   * default work_mem (4 MB) the aggregate spills them to disk and the
   * first sync takes twice as long as the same GROUP BY given the memory.
   * Set on every window: a reconnected session has lost it. Allowed on a
   * read-only session; it lasts for this connection only. */
  res = nd_pg_exec (pg, "SET work_mem = '" FACTS_WORK_MEM "'", 0, NULL, cancellable, error);
  if (res == NULL)
    return FALSE;
  g_clear_pointer (&res, PQclear);
  g_snprintf (lo_s, sizeof lo_s, "%" G_GINT64_FORMAT, lo);
  g_snprintf (hi_s, sizeof hi_s, "%" G_GINT64_FORMAT, hi);
  res = nd_pg_exec (pg, window_sql, 2, params, cancellable, error);
  if (res == NULL)
    return FALSE;

  batch->rows_scanned = 0;
  g_array_set_size (batch->facts, 0);
  for (int i = 0, n = PQntuples (res); i < n; i++)
    {
      NdFact *f = nd_facts_batch_add (batch, nd_pg_int64 (res, i, 0), nd_pg_int64 (res, i, 1),
                                      nd_pg_int64 (res, i, 2), nd_pg_int64 (res, i, 3),
                                      (int) nd_pg_int64 (res, i, 4),
                                      PQgetvalue (res, i, 5), PQgetvalue (res, i, 6));

      f->requests = nd_pg_int64 (res, i, 7);
      f->quota = nd_pg_int64 (res, i, 8);
      f->prompt_tokens = nd_pg_int64 (res, i, 9);
      f->completion_tokens = nd_pg_int64 (res, i, 10);
      f->use_time = nd_pg_int64 (res, i, 11);
      for (int b = 0; b < ND_FACTS_N_LAT; b++)
        f->latency[b] = nd_pg_int64 (res, i, 12 + b);
      batch->rows_scanned += f->requests;
    }
  return TRUE;
}

static void
window_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  PullData *pd = job_data;
  NdFactsBatch *batch = pd->batch;
  g_autoptr(PGresult) res = NULL;
  GError *error = NULL;
  gint64 cursor = MAX (pd->req.cursor, 0);
  gint64 target = pd->req.target;
  gint64 window = pd->req.window > 0 ? pd->req.window : DEFAULT_WINDOW;
  gint64 upper;

  if (target <= 0)
    {
      char lo_s[32];
      const char *params[1] = { lo_s };

      /* One sync ends at the newest row that is at least SETTLE_SECONDS old;
       * rows arriving meanwhile belong to the next sync. Several NewAPI
       * nodes share the sequence: an id allocated earlier can commit after
       * a larger one, and once the cursor passed it that row would be
       * skipped for good. Keeping clear of the freshest rows leaves those
       * transactions time to land. Both are primary-key scans: min(id), and
       * a backward scan of the rows past the cursor. */
      g_snprintf (lo_s, sizeof lo_s, "%" G_GINT64_FORMAT, cursor);
      res = nd_pg_exec (pg,
                        "SELECT COALESCE((SELECT min(id) FROM logs), 0),"
                        " COALESCE((SELECT max(id) FROM logs WHERE id > $1::bigint"
                        " AND COALESCE(created_at, 0) < extract(epoch FROM now())::bigint - "
                        G_STRINGIFY (SETTLE_SECONDS) "), $1::bigint),"
                        " COALESCE(GREATEST((SELECT max(id) FROM logs), " LOG_SEQUENCE_SQL "), -1)",
                        1, params, cancellable, &error);
      if (res == NULL)
        return g_task_return_error (task, error);
      target = nd_pg_int64 (res, 0, 1);
      batch->cursor_limit = nd_pg_int64 (res, 0, 2);
      /* After NewAPI's log cleanup the first ids are gone: skip the gap. */
      if (cursor < nd_pg_int64 (res, 0, 0) - 1)
        cursor = nd_pg_int64 (res, 0, 0) - 1;
      g_clear_pointer (&res, PQclear);
      /* A store ahead of cursor_limit starts over (NdFacts). */
      target = MAX (target, 0);
    }

  batch->target = target;
  batch->merge = ND_FACTS_MERGE_ADD;
  batch->dims = ND_FACTS_DIM_ALL;
  if (cursor >= target)
    {
      batch->next_cursor = MAX (cursor, pd->req.cursor);
      batch->done = TRUE;
      batch->rows_scanned = 0;
      return g_task_return_boolean (task, TRUE);
    }

  /* The first window of a sync is a short one: nothing is committed
   * while it is aggregated, so the pipeline starts when it ends. */
  upper = window_end (cursor, target, pd->req.target <= 0 ? MAX (window / 4, 1) : window);
  if (!aggregate (pg, cursor, upper, batch, cancellable, &error))
    return g_task_return_error (task, error);
  batch->next_cursor = upper;
  batch->done = upper >= target;
  g_task_return_boolean (task, TRUE);
}

static void
window_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  PullData *pd = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return g_task_return_error (task, error);
  g_task_return_pointer (task, g_steal_pointer (&pd->batch), (GDestroyNotify) nd_facts_batch_free);
}

static void
run_window (GTask *task)
{
  NdPgSource *self = g_task_get_source_object (task);
  GTask *sub = g_task_new (self, g_task_get_cancellable (task), window_done, g_object_ref (task));

  nd_pg_conn_run (get_facts_conn (self, 0), sub, window_job, g_task_get_task_data (task), NULL);
  g_object_unref (sub);
}

/* ─── a window in two halves ───────────────────────────────────────────── */

static void
half_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  struct Half *half = job_data;
  GError *error = NULL;

  if (!aggregate (pg, half->lo, half->hi, half->batch, cancellable, &error))
    return g_task_return_error (task, error);
  g_task_return_boolean (task, TRUE);
}

static void
half_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  PullData *pd = g_task_get_task_data (task);
  NdFactsBatch *batch = pd->batch;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (pd->error == NULL)
        pd->error = error;
      else
        g_error_free (error);
    }
  if (--pd->running > 0)
    return;
  if (pd->error != NULL)
    return g_task_return_error (task, g_steal_pointer (&pd->error));

  batch->rows_scanned += pd->half[1].batch->rows_scanned;
  nd_facts_batch_take_facts (batch, pd->half[1].batch);
  batch->target = pd->req.target;
  batch->merge = ND_FACTS_MERGE_ADD;
  batch->dims = ND_FACTS_DIM_ALL;
  batch->next_cursor = pd->half[1].hi;
  batch->done = pd->half[1].hi >= pd->req.target;
  g_task_return_pointer (task, g_steal_pointer (&pd->batch), (GDestroyNotify) nd_facts_batch_free);
}

/* A first sync is bound by the server's aggregation, and one backend
 * aggregates on one core: once the target is known, the two halves of a
 * window run side by side on two connections and come back as one batch. */
static gboolean
pull_split (GTask *task)
{
  NdPgSource *self = g_task_get_source_object (task);
  PullData *pd = g_task_get_task_data (task);
  gint64 window = pd->req.window > 0 ? pd->req.window : DEFAULT_WINDOW;
  gint64 cursor = pd->req.cursor;
  gint64 upper;

  if (pd->req.target <= 0 || cursor < 0 || cursor >= pd->req.target)
    return FALSE;
  upper = window_end (cursor, pd->req.target, window);
  if (upper - cursor < SPLIT_MIN)
    return FALSE;
  pd->half[0] = (struct Half) { cursor, cursor + (upper - cursor) / 2, pd->batch };
  pd->half[1] = (struct Half) { pd->half[0].hi, upper, nd_facts_batch_new () };
  pd->running = 2;
  for (guint i = 0; i < 2; i++)
    {
      GTask *sub = g_task_new (self, g_task_get_cancellable (task), half_done, g_object_ref (task));

      nd_pg_conn_run (get_facts_conn (self, i), sub, half_job, &pd->half[i], NULL);
      g_object_unref (sub);
    }
  return TRUE;
}

static void
names_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return g_task_return_error (task, error);
  run_window (task);
}

static void
nd_pg_source_pull_facts_async (NdSource *source, const NdFactsRequest *request, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  NdPgSource *self = ND_PG_SOURCE (source);
  const NdFactsRequest *req = request;
  g_autoptr(GTask) task = NULL;
  PullData *pd;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_pg_source_pull_facts_async);
  g_return_if_fail (req != NULL);

  pd = g_new0 (PullData, 1);
  pd->req = *req;
  pd->batch = nd_facts_batch_new ();
  g_task_set_task_data (task, pd, (GDestroyNotify) pull_data_free);

  if (req->want_names)
    {
      GTask *sub = g_task_new (self, cancellable, names_done, g_object_ref (task));

      nd_pg_conn_run (nd_pg_source_get_main (self), sub, names_job, pd, NULL);
      g_object_unref (sub);
    }
  else if (!pull_split (task))
    run_window (task);
}

void
_nd_pg_source_class_init_facts (NdSourceClass *klass)
{
  klass->pull_facts_async = nd_pg_source_pull_facts_async;
}
