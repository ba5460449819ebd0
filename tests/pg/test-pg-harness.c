/* test-pg-harness.c — the throwaway PostgreSQL never outlives its test
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A test that aborts skips its atexit cleanup, and meson kills a test that
 * times out: either way the server must stop, or every failed run leaves
 * one more behind.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "nd-test.h"

static gboolean
process_alive (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  const char *end;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  /* "pid (comm) S …": an exited process that nobody reaped is gone too. */
  end = strrchr (stat, ')');
  return end != NULL && end[1] == ' ' && end[2] != 'Z' && end[2] != 'X';
}

static int
postmaster_pid (const char *cluster)
{
  g_autofree char *file = g_build_filename (cluster, "data", "postmaster.pid", NULL);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (file, &text, NULL, NULL))
    return 0;
  return atoi (text);
}

static gboolean
wait_gone (int pid, const char *dir, double seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < deadline)
    {
      if (!process_alive (pid) && (dir == NULL || !g_file_test (dir, G_FILE_TEST_EXISTS)))
        return TRUE;
      g_usleep (100 * 1000);
    }
  return FALSE;
}

/* The child starts the harness's server, says where, and aborts. */
static void
test_abort_child (void)
{
  NdTestPg *pg;
  g_autofree char *report = NULL;

  if (!g_test_subprocess ())
    {
      g_test_skip ("runs only as the child of abort-stops-server");
      return;
    }
  pg = nd_test_pg_get ();
  if (pg == NULL)
    exit (77);
  report = g_strdup_printf ("%d\n%s\n", postmaster_pid (nd_test_pg_dir (pg)), nd_test_pg_dir (pg));
  g_assert_true (g_file_set_contents (g_getenv ("ND_HARNESS_REPORT"), report, -1, NULL));
  abort ();
}

static void
test_abort_stops_server (void)
{
  g_autofree char *tmp = NULL, *report = NULL, *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  int pid;

  if (!nd_test_require (g_getenv ("ND_PG_SCRIPT") != NULL &&
                        g_file_test ("/usr/lib/postgresql/15/bin/pg_ctl", G_FILE_TEST_IS_EXECUTABLE),
                        "PostgreSQL 15 server binaries (package postgresql-15)"))
    return;
  tmp = g_dir_make_tmp ("nd-harness-XXXXXX", &error);
  g_assert_no_error (error);
  report = g_build_filename (tmp, "report", NULL);
  g_setenv ("ND_HARNESS_REPORT", report, TRUE);

  g_test_trap_subprocess ("/pg/harness/abort-child", 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_assert_true (g_file_get_contents (report, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  pid = atoi (lines[0]);
  g_assert_cmpint (pid, >, 0);

  if (!wait_gone (pid, lines[1], 30))
    {
      /* Do not leave it behind for the next run either. */
      kill (pid, SIGQUIT);
      g_error ("PostgreSQL (pid %d, %s) still runs after its test aborted", pid, lines[1]);
    }
  g_unlink (report);
  g_rmdir (tmp);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pg/harness/abort-stops-server", test_abort_stops_server);
  g_test_add_func ("/pg/harness/abort-child", test_abort_child);
  return g_test_run ();
}
