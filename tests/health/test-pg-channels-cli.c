/* test-pg-channels-cli.c — `newapi-desk channels` over PostgreSQL: list
 * equal to the database, the writes as the write path makes them, and
 * tests against a fake upstream; a write without --read-write changes
 * nothing and sends nothing
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "nd-fake-upstream.h"
#include "nd-test.h"

#define GOOD "sk-good-0123456789abcdefghijklmnopqrstuvwx"
#define WRONG "sk-wrong-0123456789abcdefghijklmnopqrstuvw"

typedef struct {
  NdTestPg *pg;
  char *db;
  char *dsn;
  NdFakeUpstream *fake;
} Fx;

static gboolean
fx_setup (Fx *fx, const char *variant, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  memset (fx, 0, sizeof *fx);
  fx->pg = nd_test_pg_get ();
  if (fx->pg == NULL)
    return FALSE;
  fx->db = g_strdup_printf ("chcli_%s_%s", variant, name);
  fx->dsn = nd_test_pg_fixture (fx->pg, fx->db, variant, 200, NULL, 0);
  fx->fake = nd_fake_upstream_new (&error);
  g_assert_no_error (error);
  /* No test may reach a real provider: every upstream is the fake one. */
  sql = g_strdup_printf ("UPDATE channels SET base_url = '%s'", nd_fake_upstream_get_url (fx->fake));
  nd_test_pg_exec (fx->pg, fx->db, sql);
  return TRUE;
}

static void
fx_teardown (Fx *fx)
{
  g_clear_pointer (&fx->fake, nd_fake_upstream_free);
  g_free (fx->dsn);
  g_free (fx->db);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fx, fx_teardown)

#define FX(variant, name) \
  g_auto(Fx) fx; \
  if (!fx_setup (&fx, (variant), (name))) return

#define exec(fx, ...) nd_test_pg_execf ((fx)->pg, (fx)->db, __VA_ARGS__)
#define scalar(fx, ...) nd_test_pg_scalarf ((fx)->pg, (fx)->db, __VA_ARGS__)
#define text(fx, ...) nd_test_pg_textf ((fx)->pg, (fx)->db, __VA_ARGS__)
#define snapshot(fx) nd_test_pg_channels_digest ((fx)->pg, (fx)->db)

/* `newapi-desk channels ARGS… --dsn DSN`. */
static int
desk (Fx *fx, char **out, char **err, ...)
{
  const char *head[] = { "channels", NULL };
  const char *tail[] = { "--dsn", fx->dsn, NULL };
  va_list ap;
  int status;

  va_start (ap, err);
  status = nd_test_run_va (ND_DESK_EXE, NULL, head, tail, out, err, ap);
  va_end (ap);
  return status;
}

/* Go's strings.Split, joined back with '|' to compare with a JSON array. */
static char *
go_split_joined (const char *s)
{
  g_auto(GStrv) parts = g_strsplit (s != NULL ? s : "", ",", -1);

  if (parts[0] == NULL)
    return g_strdup ("");
  return g_strjoinv ("|", parts);
}

static char *
array_joined (JsonArray *arr)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (arr); i++)
    g_string_append_printf (s, "%s%s", i ? "|" : "", json_array_get_string_element (arr, i));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static const char *
status_name (int status)
{
  switch (status)
    {
    case 1: return "enabled";
    case 2: return "manually_disabled";
    case 3: return "auto_disabled";
    default: return "unknown";
    }
}

/* list --json: every channel, each field equal to the row; never a key. */
static void
check_list (const char *variant)
{
  FX (variant, "list");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(PGresult) rows = NULL;
  JsonArray *arr;

  /* An empty tag, an empty group and a trailing comma are split as NewAPI
   * splits them. */
  nd_test_pg_exec (fx.pg, fx.db, "UPDATE channels SET tag = NULL, models = 'a,,b,' WHERE id = 2");
  g_assert_cmpint (desk (&fx, &out, &err, "list", "--json", NULL), ==, 0);
  arr = nd_test_json_array (out, parser);
  rows = nd_test_pg_query (fx.pg, fx.db,
    "SELECT id, name, type, status, COALESCE (priority, 0), COALESCE (weight, 0), \"group\", "
    "models, tag, COALESCE (balance, 0)::float8, COALESCE (response_time, 0), "
    "COALESCE (test_time, 0), COALESCE (used_quota, 0), \"key\" FROM channels ORDER BY id");
  g_assert_cmpuint (json_array_get_length (arr), ==, PQntuples (rows));
  for (int i = 0; i < PQntuples (rows); i++)
    {
      JsonObject *o = json_array_get_object_element (arr, i);
      g_autofree char *groups = go_split_joined (PQgetvalue (rows, i, 6));
      g_autofree char *models = go_split_joined (PQgetvalue (rows, i, 7));
      g_autofree char *got_groups = array_joined (json_object_get_array_member (o, "groups"));
      g_autofree char *got_models = array_joined (json_object_get_array_member (o, "models"));
      int status = atoi (PQgetvalue (rows, i, 3));

      g_assert_cmpint (json_object_get_int_member (o, "id"), ==, atoll (PQgetvalue (rows, i, 0)));
      g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, PQgetvalue (rows, i, 1));
      g_assert_cmpint (json_object_get_int_member (o, "type"), ==, atoi (PQgetvalue (rows, i, 2)));
      g_assert_cmpint (json_object_get_int_member (o, "status"), ==, status);
      g_assert_cmpstr (json_object_get_string_member (o, "status_name"), ==, status_name (status));
      g_assert_cmpint (json_object_get_int_member (o, "priority"), ==, atoll (PQgetvalue (rows, i, 4)));
      g_assert_cmpint (json_object_get_int_member (o, "weight"), ==, atoll (PQgetvalue (rows, i, 5)));
      g_assert_cmpstr (got_groups, ==, groups);
      g_assert_cmpstr (got_models, ==, models);
      if (PQgetisnull (rows, i, 8))
        g_assert_true (json_node_is_null (json_object_get_member (o, "tag")));
      else
        g_assert_cmpstr (json_object_get_string_member (o, "tag"), ==, PQgetvalue (rows, i, 8));
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "balance"),
                                      g_ascii_strtod (PQgetvalue (rows, i, 9), NULL), 1e-9);
      g_assert_cmpint (json_object_get_int_member (o, "response_time_ms"), ==,
                       atoll (PQgetvalue (rows, i, 10)));
      g_assert_cmpint (json_object_get_int_member (o, "test_time"), ==, atoll (PQgetvalue (rows, i, 11)));
      g_assert_cmpint (json_object_get_int_member (o, "used_quota"), ==,
                       atoll (PQgetvalue (rows, i, 12)));
      g_assert_null (strstr (out, PQgetvalue (rows, i, 13)));
    }
  /* Type names as NewAPI's web UI labels them. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (arr, 0),
                                                  "type_name"), ==, "OpenAI");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (arr, 2),
                                                  "type_name"), ==, "Azure");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (arr, 4),
                                                  "type_name"), ==, "Anthropic");
  {
    g_autofree char *two = array_joined (json_object_get_array_member (
                                           json_array_get_object_element (arr, 1), "models"));

    g_assert_cmpstr (two, ==, "a||b|");
  }
  /* The text table has every channel too. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (desk (&fx, &out, &err, "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "OpenAI 官方"));
  g_assert_nonnull (strstr (out, "manually_disabled"));
}

static void
test_list_new (void)
{
  check_list ("new");
}

static void
test_list_old (void)
{
  check_list ("old");
}

/* A change without --read-write exits 2 and changes nothing; bad input
 * exits 2 before connecting. */
static void
test_refused (void)
{
  FX ("new", "refused");
  g_autofree char *before = snapshot (&fx);
  g_autofree char *after = NULL;
  static const char * const cases[][8] = {
    { "enable", "4", NULL },
    { "disable", "1", "--reason", "x", NULL },
    { "edit", "1", "--priority", "3", NULL },
    { "test", "1", "--record", NULL },
    { "test", "1", "--disable-failing", NULL },
    /* usage */
    { "enable", "--read-write", NULL },
    { "enable", "x1", "--read-write", NULL },
    { "edit", "1", "--read-write", NULL },
    { "edit", "1", "2", "--weight", "1", "--read-write", NULL },
    { "edit", "1", "--priority", "high", "--read-write", NULL },
    { "edit", "1", "--models", "", "--read-write", NULL },
    { "test", NULL },
    { "test", "1", "--all", NULL },
    { "test", "1", "--concurrency", "0", NULL },
    { "test", "1", "--concurrency", "17", NULL },
    { "frobnicate", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      g_autoptr(GPtrArray) args = g_ptr_array_new ();

      g_ptr_array_add (args, (char *) "channels");
      for (guint j = 0; cases[i][j] != NULL; j++)
        g_ptr_array_add (args, (char *) cases[i][j]);
      g_ptr_array_add (args, (char *) "--dsn");
      g_ptr_array_add (args, fx.dsn);
      g_ptr_array_add (args, NULL);
      g_assert_cmpint (nd_test_run (ND_DESK_EXE, (const char * const *) args->pdata, NULL, &out,
                                    &err), ==, 2);
      g_assert_true (g_str_has_prefix (err, "newapi-desk channels") ||
                     g_str_has_prefix (err, "Usage"));
    }
  after = snapshot (&fx);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (nd_fake_upstream_get_n_requests (fx.fake), ==, 0);
}

/* enable / disable / edit go through the write path: abilities, the
 * reason, the audit row. */
static void
check_writes (const char *variant)
{
  FX (variant, "writes");
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *reason = NULL, *audit = NULL;
  gint64 audits = scalar (&fx, "SELECT count(*) FROM logs WHERE type = 3");

  g_assert_cmpint (desk (&fx, &out, &err, "disable", "1", "2", "--reason", "maintenance",
                         "--read-write", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "2"));
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM channels WHERE id IN (1, 2) AND status = 2"),
                   ==, 2);
  reason = text (&fx, "SELECT other_info::json ->> 'status_reason' FROM channels WHERE id = 2");
  g_assert_cmpstr (reason, ==, "maintenance");
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM abilities WHERE channel_id IN (1, 2) "
                                "AND enabled"), ==, 0);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM logs WHERE type = 3"), ==, audits + 1);
  audit = text (&fx, "SELECT other FROM logs WHERE type = 3 ORDER BY id DESC LIMIT 1");
  g_assert_nonnull (strstr (audit, "channel.status_update_batch"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (desk (&fx, &out, &err, "enable", "2", "--read-write", NULL), ==, 0);
  g_assert_cmpint (scalar (&fx, "SELECT status FROM channels WHERE id = 2"), ==, 1);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM abilities WHERE channel_id = 2 AND NOT enabled"),
                   ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (desk (&fx, &out, &err, "edit", "2", "--priority", "42", "--weight", "7",
                         "--models", "m1,m2", "--groups", "default,vip", "--tag", "edited",
                         "--read-write", NULL), ==, 0);
  g_assert_cmpint (scalar (&fx, "SELECT priority FROM channels WHERE id = 2"), ==, 42);
  g_assert_cmpint (scalar (&fx, "SELECT weight FROM channels WHERE id = 2"), ==, 7);
  /* Abilities rebuilt: 2 groups × 2 models with the new values. */
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM abilities WHERE channel_id = 2"), ==, 4);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM abilities WHERE channel_id = 2 AND "
                                "priority = 42 AND weight = 7 AND tag = 'edited' AND "
                                "model IN ('m1', 'm2') AND \"group\" IN ('default', 'vip')"), ==, 4);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A channel that does not exist is an error, not a silent success. */
  g_assert_cmpint (desk (&fx, &out, &err, "edit", "999", "--tag", "x", "--read-write", NULL), ==, 1);
}

static void
test_writes_new (void)
{
  check_writes ("new");
}

static void
test_writes_old (void)
{
  check_writes ("old");
}

/* test: the fake upstream answers; nothing is stored without --record;
 * with --record and --disable-failing (and --read-write) it is. */
static void
test_test (void)
{
  FX ("new", "test");
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *before = NULL, *after = NULL, *reason = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *arr;
  JsonObject *o;
  gint64 start = g_get_real_time () / G_USEC_PER_SEC;

  nd_test_pg_exec (fx.pg, fx.db, "UPDATE channels SET \"key\" = '" GOOD "'");
  nd_test_pg_exec (fx.pg, fx.db, "UPDATE channels SET \"key\" = '" WRONG "' WHERE id = 5");
  before = snapshot (&fx);
  g_assert_cmpint (desk (&fx, &out, &err, "test", "1", "5", "7", "--json", NULL), ==, 1);
  arr = nd_test_json_array (out, parser);
  g_assert_cmpuint (json_array_get_length (arr), ==, 3);
  o = nd_test_json_find_id (arr, 1);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  g_assert_cmpint (json_object_get_int_member (o, "latency_ms"), >=, 0);
  g_assert_true (json_node_is_null (json_object_get_member (o, "error")));
  o = nd_test_json_find_id (arr, 5);
  g_assert_false (json_object_get_boolean_member (o, "ok"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (o, "error"), "status_code=401"));
  g_assert_null (strstr (out, WRONG));
  o = nd_test_json_find_id (arr, 7);
  g_assert_false (json_object_get_boolean_member (o, "ok"));
  g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "skipped");
  g_assert_true (json_node_is_null (json_object_get_member (o, "latency_ms")));
  after = snapshot (&fx);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* With a model: NewAPI's test chat. */
  g_assert_cmpint (desk (&fx, &out, &err, "test", "1", "--model", "gpt-4o", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "#1"));
  g_assert_nonnull (strstr (out, "1 ok, 0 failed"));
  g_assert_cmpstr (nd_fake_upstream_get_request (fx.fake, nd_fake_upstream_get_n_requests (fx.fake) - 1),
                   ==, "POST /v1/chat/completions");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (desk (&fx, &out, &err, "test", "1", "5", "--record", "--disable-failing",
                         "--read-write", "--json", NULL), ==, 1);
  g_clear_object (&parser);
  parser = json_parser_new ();
  arr = nd_test_json_array (out, parser);
  g_assert_true (json_object_get_boolean_member (nd_test_json_find_id (arr, 1), "recorded"));
  g_assert_true (json_object_get_boolean_member (nd_test_json_find_id (arr, 5), "disabled"));
  g_assert_cmpint (scalar (&fx, "SELECT test_time FROM channels WHERE id = 1"), >=, start);
  g_assert_cmpint (scalar (&fx, "SELECT response_time FROM channels WHERE id = 1"), ==,
                   json_object_get_int_member (nd_test_json_find_id (arr, 1), "latency_ms"));
  g_assert_cmpint (scalar (&fx, "SELECT status FROM channels WHERE id = 5"), ==, 2);
  reason = text (&fx, "SELECT other_info::json ->> 'status_reason' FROM channels WHERE id = 5");
  g_assert_true (g_str_has_prefix (reason, "status_code=401"));
}

/* --all with a limit: the manually disabled channels are left out, and
 * never more than two probes reach the upstream at once. */
static void
test_all (void)
{
  FX ("new", "all");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *arr;

  nd_test_pg_exec (fx.pg, fx.db, "UPDATE channels SET \"key\" = 'sk-slow-0123456789abcdefghijklmn'");
  nd_fake_upstream_set_delay (fx.fake, 150);
  g_assert_cmpint (desk (&fx, &out, &err, "test", "--all", "--concurrency", "2", "--json", NULL),
                   ==, 0);
  arr = nd_test_json_array (out, parser);
  g_assert_cmpint (json_array_get_length (arr), ==,
                   scalar (&fx, "SELECT count(*) FROM channels WHERE status <> 2"));
  g_assert_cmpuint (nd_fake_upstream_get_peak (fx.fake), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pg/channels-cli/list/new", test_list_new);
  g_test_add_func ("/pg/channels-cli/list/old", test_list_old);
  g_test_add_func ("/pg/channels-cli/refused", test_refused);
  g_test_add_func ("/pg/channels-cli/writes/new", test_writes_new);
  g_test_add_func ("/pg/channels-cli/writes/old", test_writes_old);
  g_test_add_func ("/pg/channels-cli/test", test_test);
  g_test_add_func ("/pg/channels-cli/all", test_all);
  return g_test_run ();
}
