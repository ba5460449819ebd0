/* test-pg-users-cli.c — `newapi-desk users` over PostgreSQL: lists without a
 * secret, writes only with --read-write, refusals that change nothing
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <json-glib/json-glib.h>

#include "nd-pg-wfx.h"

static const Variant variant_new = { "new", "ucli_new" };
static const Variant variant_old = { "old", "ucli_old" };

/* Runs newapi-desk ARGS… --dsn DSN; returns the exit status. */
static int
desk (Fx *fx, char **out, char **err, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;
  int wait_status = 0;

  g_ptr_array_add (argv, (char *) ND_DESK_EXE);
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, (char *) "--dsn");
  g_ptr_array_add (argv, fx->dsn);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &wait_status, &error));
  g_assert_no_error (error);
  return WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
}

/* Nothing a user must never see: no hash, no access token, no OAuth id,
 * under any key. */
static void
assert_no_secret (Fx *fx, const char *out)
{
  g_autoptr(PGresult) res = nd_test_pg_query (fx->pg, fx->db,
    "SELECT password, COALESCE (access_token, ''), COALESCE (github_id, ''), "
    "COALESCE (wechat_id, '') FROM users");

  g_assert_null (strstr (out, "$2a$"));
  g_assert_null (strstr (out, "password"));
  g_assert_null (strstr (out, "access_token"));
  g_assert_null (strstr (out, "github_id"));
  for (int i = 0; i < PQntuples (res); i++)
    for (int c = 0; c < 4; c++)
      {
        g_autofree char *v = g_strstrip (g_strdup (PQgetvalue (res, i, c)));

        /* Short values (an id of a few digits) could match any number. */
        if (strlen (v) >= 8 && strstr (out, v) != NULL)
          g_error ("the output holds “%s”", v);
      }
}

static JsonArray *
parse_array (const char *out, JsonParser *parser)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_node_get_array (json_parser_get_root (parser));
}

static void
test_list (gconstpointer data)
{
  FX (data, "list");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *arr;
  static const char * const keys[] = { "id", "username", "display_name", "role", "status",
                                       "group", "quota", "used_quota", "request_count", "deleted",
                                       NULL };

  g_assert_cmpint (desk (&fx, &out, &err, "users", "list", "--json", NULL), ==, 0);
  arr = parse_array (out, parser);
  g_assert_cmpint (json_array_get_length (arr), ==, scalar (&fx, "SELECT count(*) FROM users"));
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonObject *u = json_array_get_object_element (arr, i);

      for (guint k = 0; keys[k]; k++)
        g_assert_true (json_object_has_member (u, keys[k]));
      if (i == 0)
        {
          gint64 id = json_object_get_int_member (u, "id");

          g_assert_cmpint (json_object_get_int_member (u, "quota"), ==, quota_of (&fx, id));
        }
    }
  assert_no_secret (&fx, out);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (desk (&fx, &out, &err, "users", "list", "--json", "--deleted", NULL), ==, 0);
  {
    g_autoptr(JsonParser) p2 = json_parser_new ();
    JsonArray *deleted = parse_array (out, p2);

    g_assert_cmpint (json_array_get_length (deleted), ==,
                     scalar (&fx, "SELECT count(*) FROM users WHERE deleted_at IS NOT NULL"));
    for (guint i = 0; i < json_array_get_length (deleted); i++)
      g_assert_true (json_object_get_boolean_member (json_array_get_object_element (deleted, i),
                                                     "deleted"));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The table, searched: every row is a match. */
  g_assert_cmpint (desk (&fx, &out, &err, "users", "list", "--search", "zhang", NULL), ==, 0);
  {
    g_auto(GStrv) lines = g_strsplit (g_strchomp (out), "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==,
                      scalar (&fx, "SELECT count(*) FROM users WHERE username ILIKE '%%zhang%%' "
                                   "OR display_name ILIKE '%%zhang%%' OR email ILIKE '%%zhang%%'"));
    for (guint i = 0; lines[i]; i++)
      g_assert_nonnull (strstr (lines[i], "zhang"));
  }
  assert_no_secret (&fx, out);
}

static void
test_quota (gconstpointer data)
{
  FX (data, "quota");
  gint64 id = scalar (&fx, "SELECT min(id) FROM users WHERE role = 1 AND status = 1 AND "
                           "deleted_at IS NULL");
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  gint64 start = quota_of (&fx, id);
  gint64 audits = n_audits (&fx);
  static const char * const refused[][3] = {
    { "--add", "1000", NULL },          /* no --read-write */
    { "--add", "-5", "--read-write" },
    { "--set", "-1", "--read-write" },
    { "--add", "lots", "--read-write" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *out = NULL, *err = NULL;

      g_assert_cmpint (desk (&fx, &out, &err, "users", "quota", id_text, refused[i][0],
                             refused[i][1], refused[i][2], NULL), ==, 2);
      g_assert_cmpstr (err, !=, "");
    }
  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (desk (&fx, &out, &err, "users", "quota", id_text, "--add", "1",
                           "--set", "5", "--read-write", NULL), ==, 2);
  }
  g_assert_cmpint (quota_of (&fx, id), ==, start);
  g_assert_cmpint (n_audits (&fx), ==, audits);

  {
    g_autofree char *out = NULL, *err = NULL;
    g_auto(Audit) audit = { 0 };

    g_assert_cmpint (desk (&fx, &out, &err, "users", "quota", id_text, "--add", "250000",
                           "--reason", "goodwill", "--read-write", NULL), ==, 0);
    g_assert_cmpint (quota_of (&fx, id), ==, start + 250000);
    g_assert_true (last_audit (fx.pg, fx.db, &audit));
    g_assert_cmpstr (json_object_get_string_member (audit_params (&audit, "user.quota_add"),
                                                    "reason"), ==, "goodwill");
    g_assert_nonnull (strstr (out, "quota units"));
  }
  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (desk (&fx, &out, &err, "users", "quota", id_text, "--set", "0",
                           "--read-write", NULL), ==, 0);
    g_assert_cmpint (quota_of (&fx, id), ==, 0);
  }
  /* An administrator cannot change another administrator's balance. */
  {
    gint64 admin = scalar (&fx, "SELECT min(id) FROM users WHERE role = 10 AND status = 1 AND "
                                "deleted_at IS NULL");
    gint64 peer = scalar (&fx, "SELECT max(id) FROM users WHERE role = 10 AND "
                               "deleted_at IS NULL");
    g_autofree char *admin_text = g_strdup_printf ("%" G_GINT64_FORMAT, admin);
    g_autofree char *peer_text = g_strdup_printf ("%" G_GINT64_FORMAT, peer);
    gint64 before = quota_of (&fx, peer);
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (admin, !=, peer);
    g_assert_cmpint (desk (&fx, &out, &err, "users", "quota", peer_text, "--add", "5",
                           "--act-as", admin_text, "--read-write", NULL), ==, 1);
    g_assert_nonnull (strstr (err, "Nothing was changed"));
    g_assert_cmpint (quota_of (&fx, peer), ==, before);
  }
}

static void
test_enable_disable (gconstpointer data)
{
  FX (data, "status");
  g_autoptr(PGresult) res = nd_test_pg_query (fx.pg, fx.db,
    "SELECT id FROM users WHERE role = 1 AND status = 1 AND deleted_at IS NULL ORDER BY id "
    "LIMIT 2");
  g_autofree char *a = g_strdup (PQgetvalue (res, 0, 0));
  g_autofree char *b = g_strdup (PQgetvalue (res, 1, 0));
  g_autofree char *where = g_strdup_printf ("id IN (%s, %s)", a, b);
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (desk (&fx, &out, &err, "users", "disable", a, b, NULL), ==, 2);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM users WHERE status = 2 AND %s", where), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (desk (&fx, &out, &err, "users", "disable", a, b, "--read-write", NULL), ==, 0);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM users WHERE status = 2 AND %s", where), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* Root among them: nobody changes. */
  g_assert_cmpint (desk (&fx, &out, &err, "users", "enable", a, b, "1", "--read-write", NULL), ==, 0);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM users WHERE status = 1 AND %s", where), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (desk (&fx, &out, &err, "users", "disable", a, "1", "--read-write", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "root"));
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM users WHERE status = 1 AND %s", where), ==, 2);
}

int
main (int argc, char **argv)
{
  static const struct { const char *name; GTestDataFunc func; } tests[] = {
    { "list", test_list },
    { "quota", test_quota },
    { "enable-disable", test_enable_disable },
  };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    {
      g_autofree char *n = g_strdup_printf ("/pg/users-cli/new/%s", tests[i].name);
      g_autofree char *o = g_strdup_printf ("/pg/users-cli/old/%s", tests[i].name);

      g_test_add_data_func (n, &variant_new, tests[i].func);
      g_test_add_data_func (o, &variant_old, tests[i].func);
    }
  return g_test_run ();
}
