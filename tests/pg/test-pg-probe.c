/* test-pg-probe.c — connecting to NewAPI's PostgreSQL, and every way it fails
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "pg/nd-pg-source.h"
#include "nd-test.h"

static NdServerInfo *
probe (NdSource *source, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_probe_async (source, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_probe_finish (source, res, error);
}

static void
test_new_schema (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_fixture (pg, "probe_new", "new", 3000, NULL, 0);
  source = nd_pg_source_new (dsn, NULL, NULL, NULL, TRUE);
  info = probe (source, &error);
  g_assert_no_error (error);

  g_assert_cmpint (info->kind, ==, ND_SOURCE_KIND_PG);
  g_assert_cmpstr (info->newapi_version, ==, "v1.0.0-rc.24");
  g_assert_true (g_str_has_prefix (info->backend_version, "PostgreSQL 15"));
  g_assert_true (info->has_log_request_id);
  g_assert_true (info->has_quota_data_dims);
  g_assert_true (info->has_user_auth_version);
  g_assert_false (info->legacy_log_index);
  g_assert_false (info->logs_separate_db);
  g_assert_true (info->read_only);
  g_assert_true (nd_server_info_has (info, ND_CAP_LOGS | ND_CAP_LOG_REQUEST_ID | ND_CAP_FACTS_CHANNEL));
  g_assert_false (nd_server_info_has (info, ND_CAP_WRITE));
  g_assert_cmpint (info->max_log_id, ==,
                   nd_test_pg_scalar (pg, "probe_new", "SELECT max(id) FROM logs"));
  /* Currency settings come from the options table. */
  g_assert_cmpfloat (info->money->quota_per_unit, ==, 500000);
  g_assert_true (nd_source_get_info (source) == info);
}

static void
test_old_schema (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_fixture (pg, "probe_old", "old", 3000, NULL, 0);
  source = nd_pg_source_new (dsn, NULL, NULL, NULL, FALSE);
  info = probe (source, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (info->newapi_version, ==, "v0.9.0");
  /* Installs from before rc.11 keep idx_created_at_id as (id, created_at). */
  g_assert_true (info->legacy_log_index);
  g_assert_false (info->has_log_request_id);
  g_assert_false (info->has_quota_data_dims);
  g_assert_false (info->has_user_auth_version);
  g_assert_false (nd_server_info_has (info, ND_CAP_LOG_REQUEST_ID));
  g_assert_false (info->read_only);
  g_assert_true (nd_server_info_has (info, ND_CAP_WRITE));
}

static void
test_separate_log_db (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autofree char *log_dsn = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_fixture (pg, "probe_main", "new", 3000, "probe_logs", 0);
  log_dsn = nd_test_pg_dsn (pg, "probe_logs");
  /* The main database keeps an empty, stale logs table, as NewAPI leaves it. */
  g_assert_cmpint (nd_test_pg_scalar (pg, "probe_main", "SELECT count(*) FROM logs"), ==, 0);

  source = nd_pg_source_new (dsn, NULL, log_dsn, NULL, TRUE);
  info = probe (source, &error);
  g_assert_no_error (error);
  g_assert_true (info->logs_separate_db);
  g_assert_cmpint (info->max_log_id, ==,
                   nd_test_pg_scalar (pg, "probe_logs", "SELECT max(id) FROM logs"));
  g_assert_cmpint (info->max_log_id, >, 0);
}

static void
assert_probe_error (const char *dsn, const char *password, int code, const char *fragment)
{
  g_autoptr(NdSource) source = nd_pg_source_new (dsn, password, NULL, NULL, TRUE);
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = probe (source, &error);
  g_assert_null (info);
  g_assert_error (error, ND_ERROR, code);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("“%s” not in error “%s”", fragment, error->message);
}

static void
test_bad_dsn (void)
{
  assert_probe_error ("postgresql://[::1", NULL, ND_ERROR_INVALID_INPUT, "not valid");
  assert_probe_error ("colour=blue", NULL, ND_ERROR_INVALID_INPUT, "not valid");
}

static void
test_wrong_password (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_tcp_dsn (pg, "postgres", "not-the-password");
  assert_probe_error (dsn, NULL, ND_ERROR_AUTH, "refused the password");
  g_free (dsn);
  /* The keyring password is used when the DSN has none. */
  dsn = nd_test_pg_tcp_dsn (pg, "postgres", NULL);
  assert_probe_error (dsn, "wrong", ND_ERROR_AUTH, "refused the password");
}

static void
test_unreachable (void)
{
  /* Port 1 on loopback: nothing listens, the refusal is immediate. */
  assert_probe_error ("postgresql://postgres@127.0.0.1:1/newapi", NULL,
                      ND_ERROR_CONNECTION, "No PostgreSQL server is answering");
}

static void
test_missing_database_and_tables (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *missing = NULL;
  g_autofree char *empty = NULL;

  if (pg == NULL)
    return;
  missing = nd_test_pg_dsn (pg, "no_such_db");
  assert_probe_error (missing, NULL, ND_ERROR_NOT_FOUND, "no_such_db");
  nd_test_pg_createdb (pg, "not_newapi");
  empty = nd_test_pg_dsn (pg, "not_newapi");
  assert_probe_error (empty, NULL, ND_ERROR_NOT_FOUND, "no NewAPI tables");
}

static gint64
exec (NdSource *source, const char *sql, GCancellable *cancellable, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_pg_source_exec_async (ND_PG_SOURCE (source), sql, cancellable, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_pg_source_exec_finish (ND_PG_SOURCE (source), res, error);
}

static void
test_read_only_refuses_writes (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autoptr(NdSource) ro = NULL;
  g_autoptr(NdSource) rw = NULL;
  g_autoptr(GError) error = NULL;
  const char *update = "UPDATE options SET value = '1000000' WHERE key = 'QuotaPerUnit'";

  if (pg == NULL)
    return;
  dsn = nd_test_pg_fixture (pg, "probe_ro", "new", 100, NULL, 0);
  ro = nd_pg_source_new (dsn, NULL, NULL, NULL, TRUE);
  g_assert_cmpint (exec (ro, update, NULL, &error), ==, -1);
  g_assert_error (error, ND_ERROR, ND_ERROR_READ_ONLY);
  g_clear_error (&error);
  exec (ro, "DELETE FROM users", NULL, &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_cmpint (nd_test_pg_scalar (pg, "probe_ro",
                                      "SELECT value::bigint FROM options WHERE key = 'QuotaPerUnit'"),
                   ==, 500000);
  g_assert_cmpint (nd_test_pg_scalar (pg, "probe_ro", "SELECT count(*) FROM users"), >, 0);

  rw = nd_pg_source_new (dsn, NULL, NULL, NULL, FALSE);
  g_assert_cmpint (exec (rw, update, NULL, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (nd_test_pg_scalar (pg, "probe_ro",
                                      "SELECT value::bigint FROM options WHERE key = 'QuotaPerUnit'"),
                   ==, 1000000);
}

static gboolean
cancel_soon (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gint64 start;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_dsn (pg, "postgres");
  source = nd_pg_source_new (dsn, NULL, NULL, NULL, TRUE);
  /* Warm up so the timing covers the query, not the connect. */
  exec (source, "SELECT 1", NULL, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  g_timeout_add (200, cancel_soon, cancellable);
  exec (source, "SELECT pg_sleep(30)", cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* The connection is still usable afterwards. */
  g_assert_cmpint (exec (source, "SELECT 1", NULL, &error), ==, 1);
  g_assert_no_error (error);
}

static void
test_closed_source_fails_fast (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_dsn (pg, "postgres");
  source = nd_pg_source_new (dsn, NULL, NULL, NULL, TRUE);
  g_assert_cmpint (exec (source, "SELECT 1", NULL, &error), ==, 1);
  g_assert_no_error (error);

  /* A page may still ask after the window closed the source: the call
   * must complete with an error, not hang or reconnect. */
  nd_source_close (source);
  g_assert_cmpint (exec (source, "SELECT 1", NULL, &error), ==, -1);
  g_assert_error (error, ND_ERROR, ND_ERROR_CONNECTION);
  g_clear_error (&error);
  info = probe (source, &error);
  g_assert_null (info);
  g_assert_nonnull (error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pg/probe/new-schema", test_new_schema);
  g_test_add_func ("/pg/probe/old-schema", test_old_schema);
  g_test_add_func ("/pg/probe/separate-log-db", test_separate_log_db);
  g_test_add_func ("/pg/probe/bad-dsn", test_bad_dsn);
  g_test_add_func ("/pg/probe/wrong-password", test_wrong_password);
  g_test_add_func ("/pg/probe/unreachable", test_unreachable);
  g_test_add_func ("/pg/probe/missing-database-and-tables", test_missing_database_and_tables);
  g_test_add_func ("/pg/probe/read-only", test_read_only_refuses_writes);
  g_test_add_func ("/pg/probe/cancel", test_cancel);
  g_test_add_func ("/pg/probe/closed-source", test_closed_source_fails_fast);
  return g_test_run ();
}
