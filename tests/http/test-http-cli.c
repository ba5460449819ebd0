/* test-http-cli.c — `newapi-desk stats` and `export-logs` with --url against
 * the fake NewAPI (the token comes from NEWAPI_DESK_TOKEN)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "facts/nd-facts.h"
#include "http/nd-http-source.h"
#include "nd-fake-newapi.h"
#include "nd-test.h"

typedef struct {
  NdTestPg *pg;
  NdFakeNewapi *fake;
  gint64 admin_id;
  char *token;
  char *tmp;
} Fx;

static char *dsn;

static gboolean
fx_setup (Fx *fx)
{
  g_autoptr(GError) error = NULL;

  memset (fx, 0, sizeof *fx);
  fx->pg = nd_test_pg_get ();
  if (fx->pg == NULL)
    return FALSE;
  if (dsn == NULL)
    dsn = nd_test_pg_fixture (fx->pg, "http_cli", "new", 3000, NULL, 0);
  fx->fake = nd_fake_newapi_new (dsn, ND_FAKE_NEWAPI_NEW, &error);
  g_assert_no_error (error);
  fx->admin_id = nd_fake_newapi_find_user (fx->fake, 100);
  fx->token = nd_fake_newapi_dup_token (fx->fake, fx->admin_id);
  fx->tmp = g_dir_make_tmp ("nd-http-cli-XXXXXX", &error);
  g_assert_no_error (error);
  return TRUE;
}

static void
fx_teardown (Fx *fx)
{
  g_autofree char *cmd = NULL;

  g_clear_pointer (&fx->fake, nd_fake_newapi_free);
  g_free (fx->token);
  if (fx->tmp)
    {
      cmd = g_strdup_printf ("rm -rf '%s'", fx->tmp);
      g_assert_cmpint (system (cmd), ==, 0);
    }
  g_free (fx->tmp);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fx, fx_teardown)

/* Runs newapi-desk while this process's main loop serves the fake. */
static int
run (Fx *fx, const char * const *args, char **out, char **err)
{
  g_autofree char *token = g_strdup_printf ("NEWAPI_DESK_TOKEN=%s", fx->token);
  g_autofree char *data = g_strdup_printf ("XDG_DATA_HOME=%s", fx->tmp);
  g_autofree char *cache = g_strdup_printf ("XDG_CACHE_HOME=%s", fx->tmp);
  const char *env[] = { token, data, cache, NULL };

  return nd_test_run (ND_DESK_EXE, args, env, out, err);
}

static void
assert_strv_json (JsonArray *arr, const char * const *expected)
{
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (arr); i++)
    g_string_append_printf (got, "%s%s", i ? "," : "", json_array_get_string_element (arr, i));
  {
    g_autofree char *want = g_strjoinv (",", (char **) expected);

    g_assert_cmpstr (got->str, ==, want);
  }
}

/* stats --json over the API: figures where the API has them, and the
 * dimensions it cannot give listed under `unavailable` with empty arrays
 * (never a fake "(none)" row of zeros). @role picks the account. */
static void
check_stats (int role, const char * const *unavailable)
{
  g_auto(Fx) fx;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *uid = NULL;
  g_autofree char *from = NULL, *to = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *ov;
  gboolean no_tokens = g_strv_contains (unavailable, "tokens");
  int status;

  if (!fx_setup (&fx))
    return;
  if (role != 100)
    {
      g_free (fx.token);
      fx.admin_id = nd_fake_newapi_find_user (fx.fake, role);
      g_assert_cmpint (fx.admin_id, >, 0);
      fx.token = nd_fake_newapi_dup_token (fx.fake, fx.admin_id);
    }
  uid = g_strdup_printf ("%" G_GINT64_FORMAT, fx.admin_id);
  from = g_strdup_printf ("%" G_GINT64_FORMAT, ND_TEST_NOW - 7 * 86400);
  to = g_strdup_printf ("%" G_GINT64_FORMAT, ND_TEST_NOW);
  {
    const char *args[] = { "stats", "--url", nd_fake_newapi_get_url (fx.fake), "--user-id", uid,
                           "--from", from, "--to", to, "--json", NULL };

    status = run (&fx, args, &out, &err);
  }
  g_test_message ("stderr: %s", err);
  g_assert_cmpint (status, ==, 0);
  g_assert_null (strstr (out, fx.token));
  g_assert_null (strstr (err, fx.token));
  g_test_message ("stdout: %s", out);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (root, "overview"));
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/data/flow"), >, 0);

  /* Dimensions the API cannot give are listed, not shown as zeros. */
  g_assert_true (json_object_has_member (root, "unavailable"));
  assert_strv_json (json_object_get_array_member (root, "unavailable"), unavailable);
  if (no_tokens)
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "tokens")), ==, 0);
  else
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "tokens")), >, 1);
  /* …and what it can give is there, equal to quota_data. */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "channels")), >, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "models")), >, 1);
  ov = json_object_get_object_member (root, "overview");
  g_assert_false (json_node_is_null (json_object_get_member (ov, "active_users")));
  sql = g_strdup_printf ("SELECT COALESCE(sum(quota), 0) FROM quota_data WHERE created_at >= %s "
                         "AND created_at < %s", from, to);
  g_assert_cmpint (json_object_get_int_member (ov, "quota"), ==, nd_test_pg_scalar (fx.pg, "http_cli", sql));
  g_assert_cmpint (json_object_get_int_member (ov, "quota"), >, 0);
}

static void
test_stats (void)
{
  const char * const root_unavailable[] = { "latency", "token_split", NULL };

  check_stats (100, root_unavailable);
}

static void
test_stats_admin (void)
{
  /* Per-token figures come from /api/data/flow for root only. */
  const char * const admin_unavailable[] = { "tokens", "latency", "token_split", NULL };

  check_stats (10, admin_unavailable);
}

static void
test_export (void)
{
  g_auto(Fx) fx;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *uid = NULL, *from = NULL, *to = NULL, *file = NULL, *csv = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 expected;
  int status;

  if (!fx_setup (&fx))
    return;
  uid = g_strdup_printf ("%" G_GINT64_FORMAT, fx.admin_id);
  from = g_strdup_printf ("%" G_GINT64_FORMAT, ND_TEST_NOW - 2 * 86400);
  to = g_strdup_printf ("%" G_GINT64_FORMAT, ND_TEST_NOW);
  file = g_build_filename (fx.tmp, "logs.csv", NULL);
  {
    const char *args[] = { "export-logs", "--url", nd_fake_newapi_get_url (fx.fake), "--user-id", uid,
                           "--from", from, "--to", to, "--type", "2", "--format", "csv",
                           "--output", file, NULL };

    status = run (&fx, args, &out, &err);
  }
  g_test_message ("stderr: %s", err);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_file_get_contents (file, &csv, NULL, NULL));
  g_assert_null (strstr (csv, fx.token));
  lines = g_strsplit (g_strchomp (csv), "\n", -1);
  expected = nd_test_pg_scalar (fx.pg, "http_cli",
                                "SELECT count(*) FROM logs WHERE type = 2 AND created_at >= 1767052800 "
                                "AND created_at < 1767225600");
  g_assert_cmpint (expected, >, 0);
  /* Header + one line per log (no field of these logs contains a newline). */
  g_assert_cmpint (g_strv_length (lines) - 1, ==, expected);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/log/"), >=, expected / 100);
  /* It says plainly that this is slower than from the database… */
  g_assert_nonnull (strstr (err, "slower than from the database"));

  /* …unless told to be quiet. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *args[] = { "export-logs", "--url", nd_fake_newapi_get_url (fx.fake), "--user-id", uid,
                           "--from", from, "--to", to, "--type", "5", "--format", "csv", "-q",
                           "--output", file, NULL };

    status = run (&fx, args, &out, &err);
  }
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (err, ==, "");
}

static NdServerInfo *
probe_url (const char *url, gint64 user_id, const char *token)
{
  g_autoptr(NdSource) source = nd_http_source_new (url, user_id, token, TRUE);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  NdServerInfo *info;

  nd_source_probe_async (source, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  info = nd_source_probe_finish (source, res, &error);
  g_assert_no_error (error);
  nd_source_close (source);
  return info;
}

/* `stats --url` for a 7-day range far back spends a few requests of the
 * rate limit NewAPI shares with the admin's browser, says how many with -v,
 * and a day with thousands of errors costs one request, not one per hour.
 * The facts file is the one the window would open for this gateway. */
static void
test_stats_budget (void)
{
  g_auto(Fx) fx;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *uid = NULL, *from = NULL, *to = NULL, *insert = NULL, *said = NULL;
  g_autofree char *key = NULL, *file = NULL, *spelled = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *root, *gran, *range, *ov;
  gint64 day = ND_TEST_NOW - 200 * 86400;
  guint spent;
  int status;

  if (!fx_setup (&fx))
    return;
  insert = g_strdup_printf (
    "INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, quota,"
    " prompt_tokens, completion_tokens, use_time, channel_id, token_id, \"group\", other)"
    " SELECT 1, %" G_GINT64_FORMAT " + g * 20, 5, 'upstream error', 'root', 't', 'nd-flaky', 0, 0, 0,"
    " 1, 1, 0, 'default', '{}' FROM generate_series(0, 2099) g", day);
  nd_test_pg_exec (fx.pg, "http_cli", insert);

  uid = g_strdup_printf ("%" G_GINT64_FORMAT, fx.admin_id);
  from = g_strdup_printf ("%" G_GINT64_FORMAT, day - 3 * 86400);
  to = g_strdup_printf ("%" G_GINT64_FORMAT, day + 4 * 86400);
  nd_fake_newapi_reset_log (fx.fake);
  {
    const char *args[] = { "stats", "--url", nd_fake_newapi_get_url (fx.fake), "--user-id", uid,
                           "--from", from, "--to", to, "--json", "-v", NULL };

    status = run (&fx, args, &out, &err);
  }
  nd_test_pg_exec (fx.pg, "http_cli", "DELETE FROM logs WHERE model_name = 'nd-flaky'");
  g_test_message ("stderr: %s", err);
  g_assert_cmpint (status, ==, 0);
  spent = nd_fake_newapi_get_requests (fx.fake)->len;
  g_test_message ("%u requests, %u of them /api/log/", spent, nd_fake_newapi_count (fx.fake, "/api/log/"));
  g_assert_cmpuint (spent, <=, 30);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/log/"), <=, 1 + 8);
  said = g_strdup_printf ("%u requests to NewAPI", spent);
  g_assert_nonnull (strstr (err, said));

  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  ov = json_object_get_object_member (root, "overview");
  g_assert_cmpint (json_object_get_int_member (ov, "errors"), ==, 2100);
  gran = json_object_get_object_member (root, "granularity");
  g_assert_cmpint (json_object_get_int_member (gran, "trend"), ==, 3600);
  g_assert_cmpint (json_object_get_int_member (gran, "models"), ==, 3600);
  g_assert_cmpint (json_object_get_int_member (gran, "errors"), ==, 86400);
  g_assert_cmpint (json_object_get_int_member (gran, "channels"), ==, 86400);
  g_assert_cmpint (json_object_get_int_member (gran, "users"), ==, 86400);
  g_assert_cmpint (json_object_get_int_member (gran, "tokens"), ==, 86400);
  range = json_object_get_object_member (root, "range");
  g_assert_cmpint (json_object_get_int_member (range, "dimensions_from"), <=,
                   json_object_get_int_member (range, "from"));
  g_assert_cmpint (json_object_get_int_member (range, "dimensions_to"), >=,
                   json_object_get_int_member (range, "to"));

  /* The window keys its file by the probe's gateway, whatever the spelling. */
  spelled = g_strdup_printf ("%s/", nd_fake_newapi_get_url (fx.fake));
  info = probe_url (spelled, fx.admin_id, fx.token);
  key = nd_facts_key_for_server (info);
  file = g_strdup_printf ("%s/newapi-desk/facts/%s.sqlite", fx.tmp, key);
  g_assert_true (g_file_test (file, G_FILE_TEST_EXISTS));
  g_assert_nonnull (strstr (err, file));
}

static void
test_missing_token (void)
{
  g_auto(Fx) fx;
  g_autofree char *out = NULL, *err = NULL;
  int status;

  if (!fx_setup (&fx))
    return;
  g_free (fx.token);
  fx.token = g_strdup ("");
  {
    const char *args[] = { "stats", "--url", nd_fake_newapi_get_url (fx.fake), "--user-id", "1",
                           "--json", NULL };

    status = run (&fx, args, &out, &err);
  }
  g_assert_cmpint (status, !=, 0);
  g_assert_nonnull (strstr (err, "NEWAPI_DESK_TOKEN"));
}

/* `newapi-desk users` with --url: every user listed (no secret among
 * them), writes only with --read-write, NewAPI's refusal verbatim. */
static void
test_users (void)
{
  g_auto(Fx) fx;
  g_autofree char *uid = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gint64 target, before;

  if (!fx_setup (&fx))
    return;
  uid = g_strdup_printf ("%" G_GINT64_FORMAT, fx.admin_id);
  target = nd_test_pg_scalar (fx.pg, "http_cli", "SELECT min(id) FROM users WHERE role = 1 AND "
                                                 "status = 1 AND deleted_at IS NULL");
  id = g_strdup_printf ("%" G_GINT64_FORMAT, target);
  {
    const char *args[] = { "users", "list", "--json", "--url", nd_fake_newapi_get_url (fx.fake),
                           "--user-id", uid, NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_autoptr(PGresult) secrets = nd_test_pg_query (fx.pg, "http_cli",
      "SELECT password FROM users UNION ALL SELECT access_token FROM users WHERE access_token "
      "IS NOT NULL UNION ALL SELECT github_id FROM users WHERE length (github_id) >= 8");

    g_assert_cmpint (run (&fx, args, &out, &err), ==, 0);
    g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
    g_assert_no_error (error);
    g_assert_cmpint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))),
                     ==, nd_test_pg_scalar (fx.pg, "http_cli", "SELECT count(*) FROM users"));
    for (int i = 0; i < PQntuples (secrets); i++)
      g_assert_null (strstr (out, g_strstrip (PQgetvalue (secrets, i, 0))));
    g_assert_null (strstr (out, "$2a$"));
  }
  before = nd_test_pg_scalar (fx.pg, "http_cli", "SELECT quota FROM users WHERE id = (SELECT "
                                                 "min(id) FROM users WHERE role = 1 AND "
                                                 "status = 1 AND deleted_at IS NULL)");
  nd_fake_newapi_reset_log (fx.fake);
  {
    const char *args[] = { "users", "quota", id, "--add", "500", "--url",
                           nd_fake_newapi_get_url (fx.fake), "--user-id", uid, NULL };
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run (&fx, args, &out, &err), ==, 2);
    g_assert_cmpuint (nd_fake_newapi_get_requests (fx.fake)->len, ==, 0);
  }
  {
    const char *args[] = { "users", "quota", id, "--add", "500", "--read-write", "--url",
                           nd_fake_newapi_get_url (fx.fake), "--user-id", uid, NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_autofree char *sql = g_strdup_printf ("SELECT quota FROM users WHERE id = %s", id);

    g_assert_cmpint (run (&fx, args, &out, &err), ==, 0);
    g_assert_cmpint (nd_test_pg_scalar (fx.pg, "http_cli", sql), ==, before + 500);
    g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/user/manage"), ==, 1);
  }
  {
    const char *args[] = { "users", "disable", uid, "--read-write", "--url",
                           nd_fake_newapi_get_url (fx.fake), "--user-id", uid, NULL };
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run (&fx, args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "无法禁用超级管理员用户"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/http/cli/stats", test_stats);
  g_test_add_func ("/http/cli/stats-admin", test_stats_admin);
  g_test_add_func ("/http/cli/stats-budget", test_stats_budget);
  g_test_add_func ("/http/cli/export-logs", test_export);
  g_test_add_func ("/http/cli/missing-token", test_missing_token);
  g_test_add_func ("/http/cli/users", test_users);
  return g_test_run ();
}
