/* test-report-bad.c — a report that is cut short, damaged, foreign, newer or
 * unfinished gives a clear error and never a crash; a seeded fuzz of the
 * reader; `stats --report` and `report` on bad input
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fuzz is reproducible: ND_FUZZ_SEED picks the seed (default 1), and
 * it stops after ND_FUZZ_SECONDS (default 20) or 2000 cases, whichever
 * comes first; a failing case prints its seed and number.
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "nd-test-gateway.h"
#include "nd-test.h"

static GBytes *
read_all (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static void
write_all (const char *path, const guint8 *data, gsize len)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) len, &error));
  g_assert_no_error (error);
}

/* Opening @path fails with ND_ERROR_INVALID_INPUT, saying @words. */
static void
assert_refused (const char *path, const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NdSource) source = report_open (path, &error);

  g_assert_null (source);
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, words));
}

static void
set_be32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static void
test_bad_files (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(GBytes) good = NULL;
  g_autofree char *bad = NULL;
  g_autofree guint8 *copy = NULL;
  const guint8 *data;
  gsize len;

  gw_fx_setup (&fx);
  good = read_all (fx.path);
  data = g_bytes_get_data (good, &len);
  bad = g_build_filename (fx.dir, "bad.ndreport", NULL);
  copy = g_memdup2 (data, len);

  /* Missing, empty, text. */
  assert_refused (bad, "Could not open");
  write_all (bad, (const guint8 *) "", 0);
  assert_refused (bad, "empty");
  write_all (bad, (const guint8 *) "date,requests\n2026-01-01,5\n", 27);
  assert_refused (bad, "not an SQLite database");

  /* Cut short: in the header, and half way. */
  write_all (bad, data, 50);
  assert_refused (bad, "cut short");
  write_all (bad, data, len / 2);
  assert_refused (bad, "cut short");

  /* Another program's SQLite file: the facts store itself. */
  assert_refused (fx.store_path, "not a NewAPI Desk report");

  /* Newer and unfinished. */
  set_be32 (copy + 60, ND_REPORT_FORMAT_VERSION + 1);
  write_all (bad, copy, len);
  assert_refused (bad, "newer NewAPI Desk");
  set_be32 (copy + 60, 0);
  write_all (bad, copy, len);
  assert_refused (bad, "unfinished");

  /* The same id on other tables: a foreign file posing as a report. */
  {
    sqlite3 *db = NULL;

    g_unlink (bad);
    g_assert_cmpint (sqlite3_open (bad, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "PRAGMA application_id = " G_STRINGIFY (ND_REPORT_APPLICATION_ID)
                                   "; PRAGMA user_version = 1; CREATE TABLE report (key, value);"
                                   " CREATE VIEW facts AS SELECT 1",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
    assert_refused (bad, "not as report format");
  }

  /* Damaged: the b-tree page of the first table overwritten. */
  memcpy (copy, data, len);
  memset (copy + 4096 * 2, 0x5a, 512);
  write_all (bad, copy, len);
  assert_refused (bad, "damaged");
}

/* What a reader may do with an opened report, all of it. */
static void
read_everything (NdSource *source)
{
  NdReportSource *report = ND_REPORT_SOURCE (source);
  NdReportMeta *meta = nd_report_source_get_meta (report);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdFactsReport) rep = NULL;
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  g_autofree char *title = nd_report_meta_dup_title (meta);
  NdFactsRange range;
  NdListQuery q = { 0 };
  void (*lists[]) (NdSource *, const NdListQuery *, GCancellable *, GAsyncReadyCallback, gpointer) = {
    nd_source_list_users_async, nd_source_list_tokens_async, nd_source_list_models_async,
  };

  g_assert_nonnull (title);
  if (nd_report_meta_get_range (meta, NULL, &range, &error))
    {
      rep = report_query (nd_report_source_get_facts (report), &range, &error);
      g_assert_true ((rep == NULL) != (error == NULL));
    }
  g_clear_error (&error);
  if (nd_report_meta_get_range (meta, "24h", &range, NULL))
    {
      g_clear_pointer (&rep, nd_facts_report_unref);
      rep = report_query (nd_report_source_get_facts (report), &range, NULL);
    }
  nd_source_list_channels_async (source, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  channels = nd_source_list_channels_finish (source, res, NULL);
  q.limit = 500;
  q.search = (char *) "a";
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autoptr(NdListPage) page = NULL;

      g_clear_object (&res);
      lists[i] (source, &q, NULL, nd_test_store_result, &res);
      nd_test_wait (&res);
      page = nd_source_list_finish (source, res, NULL);
    }
  g_clear_object (&res);
  nd_report_source_list_errors_async (report, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  errors = nd_report_source_list_errors_finish (report, res, NULL);
  if (nd_server_info_has (nd_source_get_info (source), ND_CAP_LOGS))
    {
      g_autoptr(NdLogQuery) lq = nd_log_query_new ();
      g_autoptr(NdLogPage) page = NULL;
      g_auto(GStrv) names = NULL;
      NdLogTotals totals;

      nd_log_query_add_model (lq, "gpt-4o");
      g_clear_object (&res);
      nd_source_query_logs_async (source, lq, NULL, 50, NULL, nd_test_store_result, &res);
      nd_test_wait (&res);
      page = nd_source_query_logs_finish (source, res, NULL);
      g_clear_object (&res);
      nd_source_log_totals_async (source, lq, NULL, nd_test_store_result, &res);
      nd_test_wait (&res);
      nd_source_log_totals_finish (source, res, &totals, NULL);
      g_clear_object (&res);
      nd_source_suggest_async (source, ND_SUGGEST_USERNAME, "u", 10, NULL, nd_test_store_result, &res);
      nd_test_wait (&res);
      names = nd_source_strv_finish (source, res, NULL);
    }
}

/* Random damage to a good report: a few bytes changed here and there, a
 * run overwritten, or the file cut. Every case either opens and reads
 * (the damage missed what the checks look at) or fails with a sentence. */
static void
test_fuzz (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autoptr(GBytes) good = NULL;
  g_autofree char *bad = NULL;
  g_autofree guint8 *copy = NULL;
  const char *env_seed = g_getenv ("ND_FUZZ_SEED");
  const char *env_secs = g_getenv ("ND_FUZZ_SECONDS");
  guint32 seed = env_seed ? (guint32) g_ascii_strtoull (env_seed, NULL, 10) : 1;
  gint64 budget = (env_secs ? g_ascii_strtoll (env_secs, NULL, 10) : 20) * G_USEC_PER_SEC;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint opened = 0, refused = 0, n;
  const guint8 *data;
  gsize len;

  gw_fx_setup_logs (&fx, 100);
  good = read_all (fx.path);
  data = g_bytes_get_data (good, &len);
  bad = g_build_filename (fx.dir, "fuzz.ndreport", NULL);
  copy = g_malloc (len);

  for (n = 0; n < 2000 && g_get_monotonic_time () - start < budget; n++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NdSource) source = NULL;
      gsize cut = len;
      int kind = g_rand_int_range (rand, 0, 4);

      memcpy (copy, data, len);
      if (kind == 0)
        cut = g_rand_int_range (rand, 0, (gint32) len);
      else if (kind == 1)
        for (int i = g_rand_int_range (rand, 1, 17); i > 0; i--)
          copy[g_rand_int_range (rand, 0, (gint32) len)] = (guint8) g_rand_int (rand);
      else if (kind == 2)
        {
          gsize at = g_rand_int_range (rand, 0, (gint32) len);
          gsize run = MIN ((gsize) g_rand_int_range (rand, 1, 2048), len - at);

          memset (copy + at, g_rand_int_range (rand, 0, 256), run);
        }
      else
        /* Damage past the header only: the checks there are exact. */
        for (int i = g_rand_int_range (rand, 1, 5); i > 0; i--)
          copy[g_rand_int_range (rand, 100, (gint32) len)] ^= 1 << g_rand_int_range (rand, 0, 8);
      write_all (bad, copy, cut);
      g_test_message ("fuzz seed %u case %u: kind %d", seed, n, kind);
      source = report_open (bad, &error);
      if (source == NULL)
        {
          g_assert_nonnull (error);
          g_assert_cmpuint (strlen (error->message), >, 10);
          refused++;
          continue;
        }
      opened++;
      read_everything (source);
      nd_source_close (source);
    }
  g_test_message ("fuzz seed %u: %u cases, %u opened, %u refused", seed, n, opened, refused);
  g_assert_cmpuint (n, >=, 20);
  g_assert_cmpuint (refused, >, 0);
}

/* The commands on bad input: a sentence and the documented exit status. */
static int
run (const char * const *args, char **out, char **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, g_strdup (ND_DESK_EXE));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_commands (void)
{
  g_auto(GwFx) fx = { 0 };
  g_autofree char *bad = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  gw_fx_setup (&fx);
  bad = g_build_filename (fx.dir, "half.ndreport", NULL);
  {
    g_autoptr(GBytes) good = read_all (fx.path);
    gsize len;
    const guint8 *data = g_bytes_get_data (good, &len);

    write_all (bad, data, len / 3);
  }
  {
    const char *args[] = { "stats", "--report", bad, "--json", NULL };

    g_assert_cmpint (run (args, &out, &err), ==, 1);
    g_assert_cmpstr (out, ==, "");
    g_assert_nonnull (strstr (err, "newapi-desk stats:"));
    g_assert_nonnull (strstr (err, "cut short"));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *args[] = { "stats", "--report", fx.path, "--compare", fx.store_path, NULL };

    g_assert_cmpint (run (args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "not a NewAPI Desk report"));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    /* A range the report does not cover is bad usage. */
    const char *args[] = { "stats", "--report", fx.path, "--from", "2020-01-01", "--to", "2020-01-02", NULL };

    g_assert_cmpint (run (args, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "covers"));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *args[] = { "stats", "--report", fx.path, "--dsn", "postgresql://x@127.0.0.1:1/n", NULL };

    g_assert_cmpint (run (args, &out, &err), ==, 2);
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    /* A PDF of a gateway nobody answers for: 3, and no PDF. */
    const char *args[] = { "report", "--dsn", "postgresql://x@127.0.0.1:1/n", "-o", "week.pdf", NULL };

    g_assert_cmpint (run (args, &out, &err), ==, 3);
    g_assert_false (g_file_test ("week.pdf", G_FILE_TEST_EXISTS));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    /* Nobody there: 3, and no file. */
    g_autofree char *path = g_build_filename (fx.dir, "nobody.ndreport", NULL);
    const char *args[] = { "report", "--dsn", "postgresql://nobody@127.0.0.1:1/none", "-o", path, NULL };

    g_assert_cmpint (run (args, &out, &err), ==, 3);
    g_assert_nonnull (strstr (err, "newapi-desk report:"));
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *args[] = { "report", "--dsn", "postgresql://x@127.0.0.1:1/n", "-o", "week.csv", NULL };

    g_assert_cmpint (run (args, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, ".ndreport"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report/bad/files", test_bad_files);
  g_test_add_func ("/report/bad/fuzz", test_fuzz);
  g_test_add_func ("/report/bad/commands", test_commands);
  return g_test_run ();
}
