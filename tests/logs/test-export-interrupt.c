/* test-export-interrupt.c — Ctrl-C or a kill during `export-logs` leaves
 * no file behind
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The export is held still at a known point: another session locks the
 * `channels` table, which the export reads (for channel names) after the
 * temporary file exists and before the first row. Then the command gets
 * SIGINT or SIGTERM: it must cancel, remove its ".part" file and say so.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>

#include "nd-test.h"

static char *dsn;

static gboolean
has_part_file (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".part"))
      return TRUE;
  return FALSE;
}

static guint
n_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
wait_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) data = TRUE;
}

static void
interrupt (gconstpointer data)
{
  int signum = GPOINTER_TO_INT (data);
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dir = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) err_stream = NULL;
  g_autoptr(GBytes) err_bytes = NULL;
  g_autofree char *err_text = NULL;
  PGconn *locker;
  PGresult *res;
  gint64 deadline;
  gboolean exited = FALSE;

  if (pg == NULL)
    return;
  dir = g_dir_make_tmp ("nd-interrupt-XXXXXX", NULL);
  out = g_build_filename (dir, "logs.csv", NULL);

  locker = PQconnectdb (dsn);
  g_assert_cmpint (PQstatus (locker), ==, CONNECTION_OK);
  res = PQexec (locker, "BEGIN; LOCK TABLE channels IN ACCESS EXCLUSIVE MODE");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_COMMAND_OK);
  PQclear (res);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           ND_DESK_EXE, "export-logs", "--dsn", dsn, "--output", out, NULL);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!has_part_file (dir))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10000);
    }
  /* It waits on the lock now, with its temporary file open. */
  g_usleep (200000);
  g_assert_true (has_part_file (dir));
  g_subprocess_send_signal (proc, signum);

  g_subprocess_wait_async (proc, NULL, wait_cb, &exited);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!exited)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  PQclear (PQexec (locker, "ROLLBACK"));
  PQfinish (locker);

  err_stream = g_object_ref (g_subprocess_get_stderr_pipe (proc));
  err_bytes = g_input_stream_read_bytes (err_stream, 65536, NULL, NULL);
  err_text = g_strndup (g_bytes_get_data (err_bytes, NULL), g_bytes_get_size (err_bytes));
  g_test_message ("stderr: %s", err_text);

  /* Stopped by the signal's request, not killed by it: it exited itself,
   * with the shell's status for that signal, and took its file along. */
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 128 + signum);
  g_assert_cmpuint (n_files (dir), ==, 0);
  g_assert_nonnull (strstr (err_text, "nothing was written"));
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  NdTestPg *pg;

  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/logs/export-logs/sigint", GINT_TO_POINTER (SIGINT), interrupt);
  g_test_add_data_func ("/logs/export-logs/sigterm", GINT_TO_POINTER (SIGTERM), interrupt);
  pg = nd_test_pg_get ();
  if (pg != NULL)
    dsn = nd_test_pg_fixture (pg, "export_interrupt", "new", 2000, NULL, ND_TEST_NOW);
  return g_test_run ();
}
