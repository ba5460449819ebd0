/* test-facts-stats.c — `newapi-desk stats --json` against a fixture
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Spawns the built binary, checks every documented key and its value
 * against direct SQL over `logs`, and the exit codes for bad input.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <glib/gstdio.h>

#include "nd-test.h"
#include "nd-time.h"

static char *
binary (void)
{
  return g_test_build_filename (G_TEST_BUILT, "..", "src", "newapi-desk", NULL);
}

static int
run (const char * const *args, char **out, char **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, binary ());
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static gint64
member_int (JsonObject *o, const char *key)
{
  g_assert_true (json_object_has_member (o, key));
  return json_object_get_int_member (o, key);
}

static void
test_json (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *facts = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *from = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) ND_TEST_NOW - 7 * 86400);
  g_autofree char *to = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) ND_TEST_NOW);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autofree char *sql = NULL;
  JsonObject *root, *range, *ov;
  JsonArray *arr;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_fixture (pg, "stats_json", "new", 15000, NULL, ND_TEST_NOW);
  dir = g_dir_make_tmp ("nd-stats-XXXXXX", NULL);
  facts = g_build_filename (dir, "f.sqlite", NULL);
  {
    const char *args[] = { "stats", "--dsn", dsn, "--facts", facts, "--from", from, "--to", to,
                           "--json", NULL };

    g_assert_cmpint (run (args, &out, &err), ==, 0);
  }
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));

  /* The database gives every dimension: `unavailable` is there, empty. */
  g_assert_true (json_object_has_member (root, "unavailable"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "unavailable")), ==, 0);

  range = json_object_get_object_member (root, "range");
  g_assert_cmpint (member_int (range, "from"), ==, ND_TEST_NOW - 7 * 86400);
  g_assert_cmpint (member_int (range, "to"), ==, ND_TEST_NOW);
  /* From the database every part is hourly and covers the range itself. */
  g_assert_cmpint (member_int (range, "dimensions_from"), ==, ND_TEST_NOW - 7 * 86400);
  g_assert_cmpint (member_int (range, "dimensions_to"), ==, ND_TEST_NOW);
  {
    JsonObject *gran = json_object_get_object_member (root, "granularity");
    const char *parts[] = { "trend", "models", "errors", "channels", "users", "tokens" };

    g_assert_nonnull (gran);
    for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
      g_assert_cmpint (member_int (gran, parts[i]), ==, 3600);
  }

  sql = g_strdup_printf ("SELECT count(*) FILTER (WHERE type IN (2, 5)), count(*) FILTER (WHERE type = 5),"
                         " sum(quota) FILTER (WHERE type = 2), sum(prompt_tokens) FILTER (WHERE type = 2),"
                         " sum(completion_tokens) FILTER (WHERE type = 2),"
                         " count(DISTINCT user_id) FILTER (WHERE type IN (2, 5))"
                         " FROM logs WHERE created_at >= %s AND created_at < %s", from, to);
  res = nd_test_pg_query (pg, "stats_json", sql);
  ov = json_object_get_object_member (root, "overview");
  g_assert_cmpint (member_int (ov, "requests"), ==, g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10));
  g_assert_cmpint (member_int (ov, "errors"), ==, g_ascii_strtoll (PQgetvalue (res, 0, 1), NULL, 10));
  g_assert_cmpint (member_int (ov, "quota"), ==, g_ascii_strtoll (PQgetvalue (res, 0, 2), NULL, 10));
  g_assert_cmpint (member_int (ov, "prompt_tokens"), ==, g_ascii_strtoll (PQgetvalue (res, 0, 3), NULL, 10));
  g_assert_cmpint (member_int (ov, "completion_tokens"), ==, g_ascii_strtoll (PQgetvalue (res, 0, 4), NULL, 10));
  g_assert_cmpint (member_int (ov, "active_users"), ==, g_ascii_strtoll (PQgetvalue (res, 0, 5), NULL, 10));
  {
    double rate = json_object_get_double_member (ov, "success_rate");
    double want = 1.0 - (double) member_int (ov, "errors") / member_int (ov, "requests");

    g_assert_cmpfloat_with_epsilon (rate, want, 1e-9);
    g_assert_cmpfloat (rate, >, 0);
    g_assert_cmpfloat (rate, <=, 1);
  }

  /* Arrays and their keys; the first row of each checked against SQL. */
  {
    static const struct { const char *array, *id, *name, *col; } dims[] = {
      { "models", "model", NULL, "model_name" },
      { "channels", "channel_id", "name", "channel_id" },
      { "users", "user_id", "username", "user_id" },
      { "tokens", "token_id", "name", "token_id" },
    };

    for (guint d = 0; d < G_N_ELEMENTS (dims); d++)
      {
        JsonObject *first;
        g_autofree char *q = NULL;
        g_autoptr(PGresult) r = NULL;
        g_autofree char *key = NULL;

        arr = json_object_get_array_member (root, dims[d].array);
        g_assert_cmpuint (json_array_get_length (arr), >, 1);
        first = json_array_get_object_element (arr, 0);
        g_assert_true (json_object_has_member (first, dims[d].id));
        if (dims[d].name)
          g_assert_true (json_object_has_member (first, dims[d].name));
        member_int (first, "requests");
        member_int (first, "quota");
        if (d < 2)
          member_int (first, "errors");
        key = d == 0 ? g_strdup (json_object_get_string_member (first, "model"))
                     : g_strdup_printf ("%" G_GINT64_FORMAT, member_int (first, dims[d].id));
        q = g_strdup_printf ("SELECT count(*), count(*) FILTER (WHERE type = 5),"
                             " COALESCE(sum(quota) FILTER (WHERE type = 2), 0) FROM logs"
                             " WHERE type IN (2, 5) AND %s::text = '%s' AND created_at >= %s AND created_at < %s",
                             dims[d].col, key, from, to);
        r = nd_test_pg_query (pg, "stats_json", q);
        g_assert_cmpint (member_int (first, "requests"), ==, g_ascii_strtoll (PQgetvalue (r, 0, 0), NULL, 10));
        g_assert_cmpint (member_int (first, "quota"), ==, g_ascii_strtoll (PQgetvalue (r, 0, 2), NULL, 10));
        if (d < 2)
          g_assert_cmpint (member_int (first, "errors"), ==, g_ascii_strtoll (PQgetvalue (r, 0, 1), NULL, 10));
      }
  }

  arr = json_object_get_array_member (root, "trend");
  g_assert_cmpuint (json_array_get_length (arr), >=, 7);
  {
    gint64 sum = 0;

    for (guint i = 0; i < json_array_get_length (arr); i++)
      {
        JsonObject *p = json_array_get_object_element (arr, i);

        member_int (p, "start");
        member_int (p, "errors");
        member_int (p, "quota");
        sum += member_int (p, "requests");
      }
    g_assert_cmpint (sum, ==, member_int (ov, "requests"));
  }

  /* Text output is readable and uses the server's currency. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *args[] = { "stats", "--dsn", dsn, "--facts", facts, "--range", "30d", "--top", "3", NULL };

    g_assert_cmpint (run (args, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "Success rate"));
    g_assert_nonnull (strstr (out, "$"));
  }

  /* A named range is the dashboard's: 7d is seven whole local days ending
   * today, in daily buckets (here in a zone whose midnight is not on the
   * hour). */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_object (&parser);
  parser = json_parser_new ();
  g_setenv ("TZ", "Asia/Kathmandu", TRUE);
  {
    const char *args[] = { "stats", "--dsn", dsn, "--facts", facts, "--range", "7d", "--json", NULL };
    gint64 today;

    g_assert_cmpint (run (args, &out, &err), ==, 0);
    today = nd_time_day_start (NULL, nd_time_now ());
    json_parser_load_from_data (parser, out, -1, &error);
    g_assert_no_error (error);
    root = json_node_get_object (json_parser_get_root (parser));
    range = json_object_get_object_member (root, "range");
    g_assert_cmpint (member_int (range, "from"), ==, nd_time_day_add (NULL, today, -6));
    g_assert_cmpint (member_int (range, "bucket"), ==, 86400);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "trend")), ==, 7);
    g_assert_cmpint (member_int (json_array_get_object_element (json_object_get_array_member (root, "trend"), 0),
                                 "start"), ==, nd_time_day_add (NULL, today, -6));
  }
  g_unsetenv ("TZ");

  g_unlink (facts);
  {
    g_autofree char *wal = g_strconcat (facts, "-wal", NULL);
    g_autofree char *shm = g_strconcat (facts, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
}

static void
test_exit_codes (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  {
    const char *args[] = { "stats", "--dsn", "postgresql://nobody@127.0.0.1:1/none", "--json", NULL };

    g_assert_cmpint (run (args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "newapi-desk stats:"));
    g_assert_cmpstr (out, ==, "");
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *args[] = { "stats", "--dsn", "postgresql://x@[bad", NULL };

    g_assert_cmpint (run (args, &out, &err), !=, 0);
    g_assert_nonnull (strstr (err, "newapi-desk stats:"));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *args[] = { "stats", "--dsn", "postgresql://x@127.0.0.1:1/none", "--range", "5y", NULL };

    g_assert_cmpint (run (args, &out, &err), ==, 2);
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *args[] = { "stats", NULL };

    g_assert_cmpint (run (args, &out, &err), ==, 2);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/facts/stats/json", test_json);
  g_test_add_func ("/facts/stats/exit-codes", test_exit_codes);
  return g_test_run ();
}
