/* nd-test.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include "nd-test.h"

struct _NdTestPg
{
  char *base;
  char *dir;
  char *script;
  char *fixture;
  int port;
};

static NdTestPg *the_pg;
static gboolean pg_failed;

guint
nd_test_slowdown (void)
{
  const char *v = g_getenv ("ND_TEST_SLOWDOWN");
  guint64 n = v != NULL ? g_ascii_strtoull (v, NULL, 10) : 0;

  return n >= 1 && n <= 100 ? (guint) n : 1;
}

gboolean
nd_test_require (gboolean ok, const char *what)
{
  const char *strict = g_getenv ("ND_REQUIRE_ALL");

  if (ok)
    return TRUE;
  if (strict != NULL && g_str_equal (strict, "1"))
    {
      g_test_message ("required in CI but missing: %s", what);
      g_test_fail ();
    }
  else
    g_test_skip (what);
  return FALSE;
}

void
nd_test_store_result (GObject *source, GAsyncResult *result, gpointer slot)
{
  *(GAsyncResult **) slot = g_object_ref (result);
}

GAsyncResult *
nd_test_wait (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (*slot == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      if (g_get_monotonic_time () > deadline)
        g_error ("async operation did not finish within 120 s");
    }
  return *slot;
}

int
nd_test_run (const char *exe, const char * const *args, const char * const *env,
             char **out, char **err)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, kv[0], kv[1] ? kv[1] : "", TRUE);
    }
  g_ptr_array_add (argv, (char *) exe);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_true (g_subprocess_communicate_utf8_finish (proc, res, out, err, &error));
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (proc);
}

static gboolean
run_cmd (char **argv, char **out, GError **error)
{
  int status = 0;
  g_autofree char *err = NULL;
  g_autofree char *ignored = NULL;

  /* Always capture: anything on our stdout would corrupt the TAP stream. */
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out ? out : &ignored, &err,
                     &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "%s: %s", argv[0], err ? err : "");
      return FALSE;
    }
  return TRUE;
}

static void
pg_destroy_at_exit (void)
{
  if (the_pg == NULL)
    return;
  {
    char *argv[] = { the_pg->script, (char *) "destroy", the_pg->base, NULL };

    run_cmd (argv, NULL, NULL);
  }
}

static void
own_session (gpointer unused)
{
  setsid ();
}

/* atexit does not run when a test aborts or is killed (meson kills the
 * test's process group on a timeout). A watchdog in its own session holds
 * the read end of a pipe whose write end only this process has: when this
 * process ends, however it ends, the watchdog reads EOF and destroys the
 * server. */
static void
start_watchdog (const char *script, const char *base)
{
  int fds[2];
  char *argv[] = { (char *) script, (char *) "watch", (char *) base, NULL };
  g_autoptr(GError) error = NULL;

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, &error))
    g_error ("watchdog pipe: %s", error->message);
  if (!g_spawn_async_with_fds (NULL, argv, NULL,
                               G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               own_session, NULL, NULL, fds[0], -1, -1, &error))
    g_error ("could not start the PostgreSQL watchdog: %s", error->message);
  close (fds[0]);
  /* fds[1] stays open for the life of this process, on purpose. */
}

NdTestPg *
nd_test_pg_get (void)
{
  const char *script = g_getenv ("ND_PG_SCRIPT");
  const char *fixture = g_getenv ("ND_FIXTURE_EXE");
  g_autofree char *base = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  NdTestPg *pg;

  if (the_pg != NULL)
    return the_pg;
  if (pg_failed)
    return nd_test_require (FALSE, "PostgreSQL could not be started"), NULL;
  if (script == NULL || fixture == NULL ||
      !g_file_test ("/usr/lib/postgresql/15/bin/pg_ctl", G_FILE_TEST_IS_EXECUTABLE))
    {
      pg_failed = TRUE;
      nd_test_require (FALSE, "PostgreSQL 15 server binaries (package postgresql-15)");
      return NULL;
    }

  base = g_dir_make_tmp ("nd-test-pg-XXXXXX", &error);
  g_assert_no_error (error);
  /* The server may run as user postgres: it must reach the cluster. */
  g_chmod (base, 0755);

  pg = g_new0 (NdTestPg, 1);
  pg->base = g_strdup (base);
  pg->dir = g_build_filename (base, "cluster", NULL);
  pg->script = g_strdup (script);
  pg->fixture = g_strdup (fixture);
  start_watchdog (pg->script, pg->base);
  {
    char *argv[] = { pg->script, (char *) "start", pg->dir, NULL };

    if (!run_cmd (argv, &out, &error))
      {
        pg_failed = TRUE;
        g_test_message ("nd-pg start failed: %s", error->message);
        nd_test_require (FALSE, "a throwaway PostgreSQL server");
        return NULL;
      }
  }
  {
    const char *p = strstr (out, "PORT=");

    g_assert_nonnull (p);
    pg->port = atoi (p + 5);
  }
  the_pg = pg;
  atexit (pg_destroy_at_exit);
  return pg;
}

static char *
escape_component (const char *s)
{
  return g_uri_escape_string (s, NULL, FALSE);
}

char *
nd_test_pg_dsn (NdTestPg *pg, const char *db)
{
  g_autofree char *sock = g_build_filename (pg->dir, "sock", NULL);
  g_autofree char *esock = escape_component (sock);
  g_autofree char *edb = escape_component (db ? db : "postgres");

  return g_strdup_printf ("postgresql://postgres@/%s?host=%s&port=%d", edb, esock, pg->port);
}

char *
nd_test_pg_tcp_dsn (NdTestPg *pg, const char *db, const char *password)
{
  g_autofree char *edb = escape_component (db ? db : "postgres");

  if (password == NULL)
    return g_strdup_printf ("postgresql://postgres@127.0.0.1:%d/%s", pg->port, edb);
  return g_strdup_printf ("postgresql://postgres:%s@127.0.0.1:%d/%s", password, pg->port, edb);
}

const char *
nd_test_pg_dir (NdTestPg *pg)
{
  return pg->dir;
}

int
nd_test_pg_port (NdTestPg *pg)
{
  return pg->port;
}

static PGconn *
connect_db (NdTestPg *pg, const char *db)
{
  g_autofree char *dsn = nd_test_pg_dsn (pg, db);
  PGconn *conn = PQconnectdb (dsn);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("test connection to %s failed: %s", dsn, PQerrorMessage (conn));
  return conn;
}

PGresult *
nd_test_pg_query (NdTestPg *pg, const char *db, const char *sql)
{
  PGconn *conn = connect_db (pg, db);
  PGresult *res = PQexec (conn, sql);
  ExecStatusType st = PQresultStatus (res);

  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
    g_error ("test SQL failed: %s\n%s", PQerrorMessage (conn), sql);
  PQfinish (conn);
  return res;
}

void
nd_test_pg_exec (NdTestPg *pg, const char *db, const char *sql)
{
  PQclear (nd_test_pg_query (pg, db, sql));
}

gint64
nd_test_pg_scalar (NdTestPg *pg, const char *db, const char *sql)
{
  g_autoptr(PGresult) res = nd_test_pg_query (pg, db, sql);

  g_assert_cmpint (PQntuples (res), ==, 1);
  return PQgetisnull (res, 0, 0) ? 0 : g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
}

int
nd_test_run_va (const char *exe, const char * const *env, const char * const *head,
                const char * const *tail, char **out, char **err, va_list ap)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  int status;

  for (guint i = 0; head != NULL && head[i] != NULL; i++)
    g_ptr_array_add (args, (char *) head[i]);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  for (guint i = 0; tail != NULL && tail[i] != NULL; i++)
    g_ptr_array_add (args, (char *) tail[i]);
  g_ptr_array_add (args, NULL);
  status = nd_test_run (exe, (const char * const *) args->pdata, env, out, err);
  g_test_message ("stdout: %s\nstderr: %s", *out, *err);
  return status;
}

JsonArray *
nd_test_json_array (const char *text, JsonParser *parser)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_node_get_array (json_parser_get_root (parser));
}

JsonObject *
nd_test_json_find_id (JsonArray *array, gint64 id)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (o != NULL && json_object_get_int_member (o, "id") == id)
        return o;
    }
  g_error ("no object with id %" G_GINT64_FORMAT " in the array", id);
}

void
nd_test_pg_execf (NdTestPg *pg, const char *db, const char *fmt, ...)
{
  g_autofree char *sql = NULL;
  va_list ap;

  va_start (ap, fmt);
  sql = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  nd_test_pg_exec (pg, db, sql);
}

gint64
nd_test_pg_scalarf (NdTestPg *pg, const char *db, const char *fmt, ...)
{
  g_autofree char *sql = NULL;
  va_list ap;

  va_start (ap, fmt);
  sql = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return nd_test_pg_scalar (pg, db, sql);
}

char *
nd_test_pg_textf (NdTestPg *pg, const char *db, const char *fmt, ...)
{
  g_autofree char *sql = NULL;
  g_autoptr(PGresult) res = NULL;
  va_list ap;

  va_start (ap, fmt);
  sql = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  res = nd_test_pg_query (pg, db, sql);
  if (PQntuples (res) == 0 || PQgetisnull (res, 0, 0))
    return NULL;
  return g_strdup (PQgetvalue (res, 0, 0));
}

char *
nd_test_pg_channels_digest (NdTestPg *pg, const char *db)
{
  return nd_test_pg_textf (pg, db,
    "SELECT md5 (string_agg (t, ',' ORDER BY t)) FROM ("
    "SELECT c::text AS t FROM channels c UNION ALL SELECT a::text FROM abilities a "
    "UNION ALL SELECT count(*)::text FROM logs) x");
}

void
nd_test_pg_createdb (NdTestPg *pg, const char *db)
{
  g_autofree char *drop = g_strdup_printf ("DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", db);
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE \"%s\"", db);

  nd_test_pg_exec (pg, "postgres", drop);
  nd_test_pg_exec (pg, "postgres", create);
}

static void
run_fixture (NdTestPg *pg, const char *db, const char *variant, guint n_logs,
             const char *log_db, gint64 now, gboolean append)
{
  g_autofree char *dsn = nd_test_pg_dsn (pg, db);
  g_autofree char *log_dsn = log_db ? nd_test_pg_dsn (pg, log_db) : NULL;
  g_autofree char *logs = g_strdup_printf ("%u", n_logs);
  g_autofree char *snow = g_strdup_printf ("%" G_GINT64_FORMAT, now ? now : ND_TEST_NOW);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, pg->fixture);
  g_ptr_array_add (argv, (char *) "--dsn");
  g_ptr_array_add (argv, dsn);
  if (log_dsn != NULL)
    {
      g_ptr_array_add (argv, (char *) "--log-dsn");
      g_ptr_array_add (argv, log_dsn);
    }
  if (append)
    {
      g_ptr_array_add (argv, (char *) "--append");
      g_ptr_array_add (argv, logs);
    }
  else
    {
      g_ptr_array_add (argv, (char *) "--variant");
      g_ptr_array_add (argv, (char *) variant);
      g_ptr_array_add (argv, (char *) "--logs");
      g_ptr_array_add (argv, logs);
      g_ptr_array_add (argv, (char *) "--seed");
      g_ptr_array_add (argv, (char *) "7");
    }
  g_ptr_array_add (argv, (char *) "--now");
  g_ptr_array_add (argv, snow);
  g_ptr_array_add (argv, NULL);

  if (!run_cmd ((char **) argv->pdata, NULL, &error))
    g_error ("nd-fixture failed: %s", error->message);
}

char *
nd_test_pg_fixture (NdTestPg *pg, const char *db, const char *variant, guint n_logs,
                    const char *log_db, gint64 now)
{
  nd_test_pg_createdb (pg, db);
  if (log_db != NULL)
    nd_test_pg_createdb (pg, log_db);
  run_fixture (pg, db, variant, n_logs, log_db, now, FALSE);
  return nd_test_pg_dsn (pg, db);
}

void
nd_test_pg_append_logs (NdTestPg *pg, const char *db, const char *log_db, guint n_logs, gint64 now)
{
  run_fixture (pg, db, NULL, n_logs, log_db, now, TRUE);
}
