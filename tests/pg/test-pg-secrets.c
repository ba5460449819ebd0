/* test-pg-secrets.c — known secrets in, none out: not on stdout or stderr of
 * the real command, not in any file it writes, not in any error message
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "pg/nd-pg-source.h"
#include "nd-session.h"
#include "nd-test.h"

#define DB "secrets_db"
#define ROLE "nd_secret"

static const char * const planted[] = {
  "Pw-Role-6620",     /* the role's real password */
  "Pw-Wrong-1234",    /* a wrong one */
  "Ssl-Cli-5150",     /* an sslpassword */
  "Role-6620",        /* the half a misplaced "@" puts in the host name */
};

static char *tmp;
static int port;

static NdTestPg *
setup (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autoptr(GError) error = NULL;

  if (pg == NULL || tmp != NULL)
    return pg;
  g_free (nd_test_pg_fixture (pg, DB, "new", 500, NULL, 0));
  nd_test_pg_exec (pg, "postgres", "DROP ROLE IF EXISTS " ROLE);
  nd_test_pg_exec (pg, "postgres", "CREATE ROLE " ROLE " LOGIN SUPERUSER PASSWORD 'Pw-Role-6620'");
  port = nd_test_pg_port (pg);
  tmp = g_dir_make_tmp ("nd-secrets-XXXXXX", &error);
  g_assert_no_error (error);
  return pg;
}

static void
assert_clean (const char *where, const char *text, gsize len)
{
  for (guint i = 0; i < G_N_ELEMENTS (planted); i++)
    if (text != NULL && g_strstr_len (text, len, planted[i]) != NULL)
      g_error ("%s shows the secret %s:\n%.*s", where, planted[i], (int) MIN (len, 2000), text);
}

/* Every file under @dir, as bytes: SQLite files included. */
static void
assert_tree_clean (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *bytes = NULL;
      gsize len = 0;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        assert_tree_clean (path);
      else if (g_file_get_contents (path, &bytes, &len, NULL))
        assert_clean (path, bytes, len);
    }
}

/* Runs the real executable with its home in the test's folder. */
static int
run_app (const char * const *args, char **out, char **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GError) error = NULL;
  g_autofree char *home = g_build_filename (tmp, "home", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  int status = 0;

  g_ptr_array_add (argv, (char *) ND_APP_EXE);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  env = g_environ_setenv (env, "HOME", home, TRUE);
  env = g_environ_setenv (env, "XDG_DATA_HOME", data, TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", config, TRUE);
  env = g_environ_setenv (env, "XDG_CACHE_HOME", cache, TRUE);
  /* libpq must not find the password anywhere else. */
  env = g_environ_unsetenv (env, "PGPASSWORD");
  env = g_environ_setenv (env, "PGPASSFILE", "/nonexistent", TRUE);
  g_mkdir_with_parents (home, 0700);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
expect (const char * const *args, int code)
{
  g_autofree char *out = NULL, *err = NULL;
  int got = run_app (args, &out, &err);

  g_test_message ("%s %s → %d: %s", args[0], args[2], got, err);
  assert_clean ("stdout", out, strlen (out));
  assert_clean ("stderr", err, strlen (err));
  if (got != code)
    g_error ("%s exited %d, not %d; stderr: %s", args[0], got, code, err);
}

static void
test_cli_never_shows_secrets (void)
{
  NdTestPg *pg = setup ();
  g_autofree char *good = NULL, *wrong = NULL, *unreachable = NULL, *misplaced = NULL;
  g_autofree char *out_file = NULL;

  if (pg == NULL)
    return;
  good = g_strdup_printf ("postgresql://" ROLE ":Pw-Role-6620@127.0.0.1:%d/" DB
                          "?sslpassword=Ssl-Cli-5150&sslmode=disable", port);
  wrong = g_strdup_printf ("postgresql://" ROLE ":Pw-Wrong-1234@127.0.0.1:%d/" DB, port);
  unreachable = g_strdup ("host=127.0.0.1 port=1 dbname=x user=" ROLE
                          " password=Pw-Role-6620 sslpassword=Ssl-Cli-5150");
  misplaced = g_strdup_printf ("postgresql://" ROLE ":Pw@Role-6620@127.0.0.1:%d/" DB, port);
  out_file = g_build_filename (tmp, "logs.csv", NULL);

  {
    /* It works, and what it wrote (facts store, settings) holds no secret. */
    const char *args[] = { "stats", "--dsn", good, "--json", NULL };

    expect (args, 0);
  }
  {
    const char *args[] = { "stats", "--dsn", wrong, NULL };

    expect (args, 1);
  }
  {
    const char *args[] = { "stats", "--dsn", unreachable, NULL };

    expect (args, 1);
  }
  {
    const char *args[] = { "stats", "--dsn", misplaced, NULL };

    expect (args, 2);
  }
  {
    static const char * const malformed[] = {
      "postgresql://u:Pw-Role-6620@[::1/db",
      "postgresql://u:Pw-Role-6620@h:5432/db?sslpassword=Ssl-Cli-5150&colour=blue",
      "host=h password='Pw-Role-6620",
      "host=h sslpassword=Ssl-Cli-5150 port",
    };

    for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
      {
        const char *args[] = { "stats", "--dsn", malformed[i], NULL };

        expect (args, 2);
      }
  }
  {
    const char *args[] = { "export-logs", "--dsn", wrong, "--output", out_file, NULL };

    expect (args, 3);
  }
  {
    const char *args[] = { "export-logs", "--dsn", good, "--output", out_file, "-q", NULL };

    expect (args, 0);
  }
  assert_tree_clean (tmp);
}

static void
pg_info_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  PQconninfoOption *opts = PQconninfo (pg);
  GString *s = g_string_new (NULL);

  for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
    if (o->val != NULL && (g_str_equal (o->keyword, "password") ||
                           g_str_equal (o->keyword, "sslpassword")))
      g_string_append_printf (s, "%s=%s;", o->keyword, o->val);
  PQconninfoFree (opts);
  g_task_return_pointer (task, g_string_free (s, FALSE), g_free);
}

static NdSession *
connect_profile (NdProfileStore *store, NdSecretStore *secrets, const char *dsn, GError **error)
{
  g_autoptr(NdProfile) p = nd_profile_new (NULL);
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  NdSession *session;

  /* Writes over this connection are recorded as administrator 42. */
  g_object_set (p, "name", "Secrets", "pg-dsn", dsn, "act-as", (gint64) 42, NULL);
  nd_profile_store_save_async (store, p, NULL, NULL, NULL, NULL, nd_test_store_result, &saved);
  nd_test_wait (&saved);
  g_assert_true (nd_profile_store_save_finish (store, saved, NULL));
  assert_clean ("the saved DSN", nd_profile_get_pg_dsn (p), strlen (nd_profile_get_pg_dsn (p)));

  session = nd_session_new (p, secrets);
  nd_session_connect_async (session, NULL, nd_test_store_result, &connected);
  nd_test_wait (&connected);
  nd_session_connect_finish (session, connected, error);
  return session;
}

/* A profile's secrets go to the keyring when saved and come back when it
 * connects: the password and the sslpassword reach libpq, nothing reaches
 * the settings or a message. */
static void
test_profile_secrets_come_back (void)
{
  NdTestPg *pg = setup ();
  g_autoptr(GSettings) app = NULL;
  g_autoptr(NdSecretStore) secrets = nd_secret_store_new_memory ();
  g_autoptr(NdProfileStore) store = NULL;
  g_autoptr(NdSession) session = NULL;
  g_autoptr(NdSession) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autofree char *dsn = NULL, *wrong = NULL, *seen = NULL, *status = NULL;
  NdPgConn *conn;

  if (pg == NULL)
    return;
  app = g_settings_new (ND_APP_SCHEMA_ID);
  store = nd_profile_store_new (app, secrets);
  dsn = g_strdup_printf ("postgresql://" ROLE ":Pw-Role-6620@127.0.0.1:%d/" DB
                         "?sslpassword=Ssl-Cli-5150&sslmode=disable", port);
  session = connect_profile (store, secrets, dsn, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nd_session_get_state (session), ==, ND_SESSION_CONNECTED);
  status = nd_session_dup_status_text (session);
  assert_clean ("the session header", status, strlen (status));

  g_assert_cmpint (nd_pg_source_get_operator_id (ND_PG_SOURCE (nd_session_get_source (session))), ==, 42);
  conn = nd_pg_source_get_main (ND_PG_SOURCE (nd_session_get_source (session)));
  {
    g_autoptr(GTask) task = g_task_new (NULL, NULL, nd_test_store_result, &res);

    nd_pg_conn_run (conn, task, pg_info_job, NULL, NULL);
  }
  nd_test_wait (&res);
  seen = g_task_propagate_pointer (G_TASK (res), NULL);
  g_assert_cmpstr (seen, ==, "password=Pw-Role-6620;sslpassword=Ssl-Cli-5150;");

  /* A refusal names the user, never the password. */
  wrong = g_strdup_printf ("postgresql://" ROLE ":Pw-Wrong-1234@127.0.0.1:%d/" DB, port);
  refused = connect_profile (store, secrets, wrong, &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_AUTH);
  assert_clean ("the refusal", error->message, strlen (error->message));
  g_clear_pointer (&status, g_free);
  status = nd_session_dup_status_text (refused);
  assert_clean ("the failed session header", status, strlen (status));
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pg/secrets/cli-never-shows-secrets", test_cli_never_shows_secrets);
  g_test_add_func ("/pg/secrets/profile-secrets-come-back", test_profile_secrets_come_back);
  ret = g_test_run ();
  if (tmp != NULL)
    {
      char *rm[] = { (char *) "rm", (char *) "-rf", tmp, NULL };

      g_spawn_sync (NULL, rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
    }
  return ret;
}
