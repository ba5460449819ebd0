/* test-pg-conn.c — one connection, many jobs: a cancel stops only its own job
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PQcancel travels on a second connection and is sent from a small pool, so
 * it can arrive after the job it was meant for has ended and the next job
 * (a page's new query) is already on the server.
 */
#include "config.h"

#include <string.h>

#include "pg/nd-pg-conn.h"
#include "nd-error.h"
#include "nd-test.h"

typedef struct {
  const char *sql;
  gboolean cancel_at_end;     /* cancel this job's own cancellable as it ends */
} Job;

static void
query_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  Job *job = job_data;
  g_autoptr(PGresult) res = NULL;
  GError *error = NULL;

  res = nd_pg_exec (pg, job->sql, 0, NULL, cancellable, &error);
  /* The user pressed Stop just as the answer came in: the cancel is on its
   * way while the worker moves on to the next job. */
  if (job->cancel_at_end)
    g_cancellable_cancel (cancellable);
  if (res == NULL)
    return g_task_return_error (task, error);
  g_task_return_int (task, g_ascii_strtoll (PQgetvalue (res, 0, PQnfields (res) - 1), NULL, 10));
}

static void
run (NdPgConn *conn, Job *job, GCancellable *cancellable, GAsyncResult **slot)
{
  g_autoptr(GTask) task = g_task_new (conn, cancellable, nd_test_store_result, slot);

  nd_pg_conn_run (conn, task, query_job, job, NULL);
}

static gssize
finish (GAsyncResult **slot, GError **error)
{
  nd_test_wait (slot);
  return g_task_propagate_int (G_TASK (*slot), error);
}

/* The late cancel of job A must not stop job B, queued behind it. */
static void
test_late_cancel_spares_next_job (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autoptr(NdPgConn) conn = NULL;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_dsn (pg, "postgres");
  conn = nd_pg_conn_new (dsn, NULL, TRUE);

  /* Several rounds: the old code lost the next job nearly every time, and
   * one round could be lucky. */
  for (guint round = 0; round < 5; round++)
    {
      Job a = { "SELECT pg_sleep(0.05), 1", TRUE };
      Job b = { "SELECT pg_sleep(0.6), 42", FALSE };
      g_autoptr(GCancellable) ca = g_cancellable_new ();
      g_autoptr(GCancellable) cb = g_cancellable_new ();
      g_autoptr(GAsyncResult) ra = NULL;
      g_autoptr(GAsyncResult) rb = NULL;
      g_autoptr(GError) error = NULL;

      run (conn, &a, ca, &ra);
      run (conn, &b, cb, &rb);
      finish (&ra, NULL);
      g_assert_cmpint (finish (&rb, &error), ==, 42);
      g_assert_no_error (error);
    }
}

static gboolean
cancel_soon (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* The identity must not make cancelling weaker: a running job still stops
 * at once, and the job queued behind it still runs. */
static void
test_cancel_stops_running_job (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autoptr(NdPgConn) conn = NULL;
  Job a = { "SELECT pg_sleep(30), 1", FALSE };
  Job b = { "SELECT 7", FALSE };
  g_autoptr(GCancellable) ca = g_cancellable_new ();
  g_autoptr(GAsyncResult) ra = NULL;
  g_autoptr(GAsyncResult) rb = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_dsn (pg, "postgres");
  conn = nd_pg_conn_new (dsn, NULL, TRUE);

  start = g_get_monotonic_time ();
  g_timeout_add (300, cancel_soon, ca);
  run (conn, &a, ca, &ra);
  run (conn, &b, NULL, &rb);
  finish (&ra, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&error);
  g_assert_cmpint (finish (&rb, &error), ==, 7);
  g_assert_no_error (error);
}

/* Closing the connection stops the running query, not a later one. */
static void
test_shutdown_stops_running_job (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autoptr(NdPgConn) conn = NULL;
  Job a = { "SELECT pg_sleep(30), 1", FALSE };
  Job warm = { "SELECT 1", FALSE };
  g_autoptr(GAsyncResult) rw = NULL;
  g_autoptr(GAsyncResult) ra = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_dsn (pg, "postgres");
  conn = nd_pg_conn_new (dsn, NULL, TRUE);
  run (conn, &warm, NULL, &rw);
  g_assert_cmpint (finish (&rw, &error), ==, 1);

  start = g_get_monotonic_time ();
  run (conn, &a, NULL, &ra);
  g_usleep (300 * 1000);
  nd_pg_conn_shutdown (conn);
  g_assert_cmpint (finish (&ra, &error), ==, -1);
  g_assert_nonnull (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pg/conn/late-cancel-spares-next-job", test_late_cancel_spares_next_job);
  g_test_add_func ("/pg/conn/cancel-stops-running-job", test_cancel_stops_running_job);
  g_test_add_func ("/pg/conn/shutdown-stops-running-job", test_shutdown_stops_running_job);
  return g_test_run ();
}
