/* test-report-pg.c — `newapi-desk report` over PostgreSQL: the report's
 * figures are the live ones, no secret of the database is in it, and
 * compare gives the live differences
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Spawns the built binary against a generated NewAPI database, like a
 * script or cron job would.
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <json-glib/json-glib.h>

#include "nd-report-check.h"
#include "report/nd-report-compare.h"
#include "nd-test.h"
#include "nd-time.h"

#define DB "report_pg"
#define WEEK (7 * ND_TIME_DAY)

typedef struct {
  NdTestPg *pg;
  char *dsn;
  char *dir;
  char *facts;
} Fx;

static char *dsn;

static gboolean
fx_setup (Fx *fx)
{
  fx->pg = nd_test_pg_get ();
  if (fx->pg == NULL)
    return FALSE;
  if (dsn == NULL)
    dsn = nd_test_pg_fixture (fx->pg, DB, "new", 20000, NULL, ND_TEST_NOW);
  fx->dsn = dsn;
  fx->dir = g_dir_make_tmp ("nd-report-pg-XXXXXX", NULL);
  fx->facts = g_build_filename (fx->dir, "facts.sqlite", NULL);
  return TRUE;
}

static void
fx_teardown (Fx *fx)
{
  if (fx->dir != NULL)
    remove_dir (fx->dir);
  g_free (fx->dir);
  g_free (fx->facts);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fx, fx_teardown)

static int
run (const char * const *args, char **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, g_strdup (ND_DESK_EXE));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, &err, &status, &error));
  g_assert_no_error (error);
  if (err != NULL && *err != '\0')
    g_test_message ("stderr: %s", err);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static char *
unix_text (gint64 t)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, t);
}

/* Writes a report of [from, to) and returns its path. */
static char *
make_report (Fx *fx, const char *name, gint64 from, gint64 to, const char *logs)
{
  g_autofree char *f = unix_text (from);
  g_autofree char *t = unix_text (to);
  char *path = g_build_filename (fx->dir, name, NULL);
  g_autofree char *out = NULL;
  const char *args[] = { "report", "--dsn", fx->dsn, "--facts", fx->facts, "--from", f, "--to", t,
                         "-o", path, "-q", "--logs", logs, NULL };

  g_assert_cmpint (run (args, &out), ==, 0);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  return path;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonNode *
stats_json (const char * const *args)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run (args, &out), ==, 0);
  return parse (out);
}

/* `stats` over the live store (not synced again: the same moment) and
 * `stats --report` print the same JSON, the report adding "report". */
static void
assert_same_stats (Fx *fx, const char *report, const char *from, const char *to, gboolean whole)
{
  const char *live_args[] = { "stats", "--dsn", fx->dsn, "--facts", fx->facts, "--no-sync",
                              "--from", from, "--to", to, "--json", NULL };
  const char *report_args[] = { "stats", "--report", report, "--from", from, "--to", to, "--json", NULL };
  const char *whole_args[] = { "stats", "--report", report, "--json", NULL };
  g_autoptr(JsonNode) live = stats_json (live_args);
  g_autoptr(JsonNode) rep = stats_json (whole ? whole_args : report_args);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  JsonObject *meta;

  meta = json_object_get_object_member (json_node_get_object (rep), "report");
  g_assert_nonnull (meta);
  g_assert_cmpint (json_object_get_int_member (meta, "format"), ==, ND_REPORT_FORMAT_VERSION);
  g_assert_cmpstr (json_object_get_string_member (meta, "newapi_version"), ==, "v1.0.0-rc.24");
  json_object_remove_member (json_node_get_object (rep), "report");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_node_get_object (live),
                                                                             "overview"), "requests"), >, 100);
  a = json_to_string (live, TRUE);
  b = json_to_string (rep, TRUE);
  g_assert_cmpstr (a, ==, b);
}

static void
test_round_trip (void)
{
  g_auto(Fx) fx = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *from = unix_text (ND_TEST_NOW - WEEK);
  g_autofree char *to = unix_text (ND_TEST_NOW);
  g_autofree char *sub_from = unix_text (ND_TEST_NOW - 3 * ND_TIME_DAY + 5 * ND_TIME_HOUR);
  g_autofree char *sub_to = unix_text (ND_TEST_NOW - ND_TIME_DAY);
  g_autoptr(GPtrArray) secrets = NULL;

  if (!fx_setup (&fx))
    return;
  /* With logs: they are in the grep for secrets below too. */
  path = make_report (&fx, "week.ndreport", ND_TEST_NOW - WEEK, ND_TEST_NOW, "100000");
  assert_same_stats (&fx, path, from, to, TRUE);
  assert_same_stats (&fx, path, from, to, FALSE);
  assert_same_stats (&fx, path, sub_from, sub_to, FALSE);

  /* Every log of the range is in it, with the live log list's figures. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(NdSource) report = report_open (path, &error);
    g_autofree char *sql = g_strdup_printf ("SELECT count(*), COALESCE(sum(quota) FILTER (WHERE type = 2), 0)"
                                            " FROM logs WHERE created_at >= %s AND created_at < %s", from, to);
    g_autoptr(PGresult) res = nd_test_pg_query (fx.pg, DB, sql);
    NdReportMeta *meta;

    g_assert_no_error (error);
    meta = nd_report_source_get_meta (ND_REPORT_SOURCE (report));
    g_assert_true (meta->logs_complete);
    g_assert_cmpint (meta->n_logs, ==, g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10));
    g_assert_cmpint (meta->n_logs, >, 1000);
    nd_source_close (report);
  }

  /* Not one secret of the database is in the file. */
  secrets = fixture_secrets (fx.pg, DB);
  assert_no_secrets (path, secrets);
  /* …while what an admin may see is. */
  g_assert_true (file_contains (path, "Claude 多Key池"));
  {
    g_autoptr(PGresult) res = nd_test_pg_query (fx.pg, DB, "SELECT username FROM users WHERE id = 150");

    g_assert_true (file_contains (path, PQgetvalue (res, 0, 0)));
  }
}

static double
delta_of (JsonObject *o, const char *member)
{
  return json_object_get_double_member (json_object_get_object_member (o, member), "delta");
}

/* Live data against a report of the same range: nothing changed. Two
 * weeks against each other: the differences of the live figures. */
static void
test_compare (void)
{
  g_auto(Fx) fx = { 0 };
  g_autofree char *week1 = NULL;
  g_autofree char *week2 = NULL;
  g_autofree char *from = unix_text (ND_TEST_NOW - WEEK);
  g_autofree char *to = unix_text (ND_TEST_NOW);
  g_autofree char *from1 = unix_text (ND_TEST_NOW - 2 * WEEK);
  g_autoptr(JsonNode) same = NULL;
  g_autoptr(JsonNode) cmp = NULL;
  g_autoptr(JsonNode) live1 = NULL;
  g_autoptr(JsonNode) live2 = NULL;
  JsonObject *ov, *root;
  JsonArray *models;

  if (!fx_setup (&fx))
    return;
  week1 = make_report (&fx, "week1.ndreport", ND_TEST_NOW - 2 * WEEK, ND_TEST_NOW - WEEK, "0");
  week2 = make_report (&fx, "week2.ndreport", ND_TEST_NOW - WEEK, ND_TEST_NOW, "0");
  {
    const char *args[] = { "stats", "--dsn", fx.dsn, "--facts", fx.facts, "--no-sync", "--from", from,
                           "--to", to, "--compare", week2, "--json", NULL };

    same = stats_json (args);
  }
  root = json_node_get_object (same);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "current"), "source"),
                   ==, "live");
  ov = json_object_get_object_member (root, "overview");
  for (int f = 0; f < ND_COMPARE_N_FIGURES; f++)
    g_assert_cmpfloat (delta_of (ov, nd_compare_figure_name (f)), ==, 0);
  models = json_object_get_array_member (root, "models");
  g_assert_cmpuint (json_array_get_length (models), >, 3);
  for (guint i = 0; i < json_array_get_length (models); i++)
    g_assert_cmpfloat (delta_of (json_array_get_object_element (models, i), "requests"), ==, 0);

  {
    const char *args[] = { "stats", "--report", week2, "--compare", week1, "--json", NULL };
    const char *a1[] = { "stats", "--dsn", fx.dsn, "--facts", fx.facts, "--no-sync", "--from", from1,
                         "--to", from, "--json", NULL };
    const char *a2[] = { "stats", "--dsn", fx.dsn, "--facts", fx.facts, "--no-sync", "--from", from,
                         "--to", to, "--json", NULL };

    cmp = stats_json (args);
    live1 = stats_json (a1);
    live2 = stats_json (a2);
  }
  root = json_node_get_object (cmp);
  ov = json_object_get_object_member (root, "overview");
  {
    JsonObject *o1 = json_object_get_object_member (json_node_get_object (live1), "overview");
    JsonObject *o2 = json_object_get_object_member (json_node_get_object (live2), "overview");
    const char *counts[] = { "requests", "errors", "quota", "active_users" };

    for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
      {
        JsonObject *v = json_object_get_object_member (ov, counts[i]);

        g_assert_cmpint (json_object_get_int_member (v, "current"), ==, json_object_get_int_member (o2, counts[i]));
        g_assert_cmpint (json_object_get_int_member (v, "baseline"), ==, json_object_get_int_member (o1, counts[i]));
        g_assert_cmpint (json_object_get_int_member (v, "delta"), ==,
                         json_object_get_int_member (o2, counts[i]) - json_object_get_int_member (o1, counts[i]));
      }
  }
  /* Sorted by the size of the change in requests, largest first. */
  models = json_object_get_array_member (root, "models");
  for (guint i = 1; i < json_array_get_length (models); i++)
    g_assert_cmpfloat (ABS (delta_of (json_array_get_object_element (models, i - 1), "requests")), >=,
                       ABS (delta_of (json_array_get_object_element (models, i), "requests")));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "channels")), >, 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report/pg/round-trip", test_round_trip);
  g_test_add_func ("/report/pg/compare", test_compare);
  return g_test_run ();
}
