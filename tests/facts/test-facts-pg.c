/* test-facts-pg.c — the facts store equals direct SQL over `logs`
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every figure the dashboard and `stats` show comes from NdFacts. These
 * tests sync a generated NewAPI database and compare each figure, for every
 * dimension and several ranges, with the same aggregate computed directly
 * over `logs`: after the first sync, after an incremental one, after logs
 * were cleaned up, on both schema variants, with a separate log database,
 * and across a cancelled and resumed sync.
 */
#include "config.h"

#include <string.h>

#include "nd-facts-check.h"
#include "pg/nd-pg-source.h"

#define N_LOGS 40000

static gint64
count_indexes (NdTestPg *pg, const char *db)
{
  return nd_test_pg_scalar (pg, db, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'");
}

static void
run_variant (const char *variant, gboolean separate_log_db)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *db = NULL;
  g_autofree char *log_db = NULL;
  g_autofree char *dsn = NULL;
  g_autofree char *log_dsn = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdFacts) facts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdFactsReport) before = NULL;
  Progress progress = { 0 };
  NdFactsRange all = { 0 };
  Store store;
  gint64 rows, n_idx, n_idx_log, total;
  const char *ldb;

  if (pg == NULL)
    return;
  db = g_strdup_printf ("facts_%s%s", variant, separate_log_db ? "_split" : "");
  log_db = separate_log_db ? g_strdup_printf ("%s_logs", db) : NULL;
  dsn = nd_test_pg_fixture (pg, db, variant, N_LOGS, log_db, ND_TEST_NOW);
  log_dsn = log_db ? nd_test_pg_dsn (pg, log_db) : NULL;
  ldb = log_db ? log_db : db;
  n_idx = count_indexes (pg, db);
  n_idx_log = count_indexes (pg, ldb);

  store_init (&store);
  source = connect_source (dsn, log_dsn);
  facts = nd_facts_new (store.path);
  nd_facts_set_window (facts, 4000);   /* many windows, with hours split across them */

  /* First sync */
  rows = sync_facts (facts, source, &progress, NULL, &error);
  g_assert_no_error (error);
  total = nd_test_pg_scalar (pg, ldb, "SELECT count(*) FROM logs");
  g_assert_cmpint (rows, ==, total);
  g_assert_cmpuint (progress.calls, >=, N_LOGS / 4000);
  g_assert_cmpint (progress.last_done, ==, progress.total);
  g_assert_cmpint (nd_facts_get_cursor (facts), ==, nd_test_pg_scalar (pg, ldb, "SELECT max(id) FROM logs"));
  g_assert_cmpint (nd_facts_get_last_sync (facts), >, 0);
  compare_all (pg, ldb, db, facts);
  compare_base_table (pg, ldb, store.path);

  /* Nothing new: a sync costs nothing and changes nothing. */
  rows = sync_facts (facts, source, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rows, ==, 0);

  /* Incremental: new rows after the cursor, plus a late row whose id is
   * newer but whose created_at falls in an old hour. */
  nd_test_pg_append_logs (pg, db, log_db, 3000, ND_TEST_NOW + 5 * 3600);
  nd_test_pg_exec (pg, ldb,
    "INSERT INTO logs (user_id, created_at, type, username, token_name, model_name, quota,"
    " prompt_tokens, completion_tokens, use_time, channel_id, token_id, \"group\")"
    " SELECT user_id, created_at - 3 * 86400, 2, username, token_name, model_name, 777,"
    " 11, 22, 45, channel_id, token_id, \"group\" FROM logs WHERE type = 2 ORDER BY id DESC LIMIT 1");
  rows = sync_facts (facts, source, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rows, ==, 3001);
  compare_all (pg, ldb, db, facts);
  {
    g_autoptr(GArray) later = test_ranges (ND_TEST_NOW + 5 * 3600);

    compare_range (pg, ldb, db, facts, &g_array_index (later, NdFactsRange, 0));
  }
  compare_base_table (pg, ldb, store.path);

  /* Log cleanup: the facts keep the history; a deleted channel keeps its name. */
  all.from = ND_TEST_NOW - 60 * 86400;
  all.to = ND_TEST_NOW + 86400;
  all.now = ND_TEST_NOW;
  before = query (facts, &all);
  nd_test_pg_execf (pg, ldb, "DELETE FROM logs WHERE created_at < %" G_GINT64_FORMAT,
                    (gint64) ND_TEST_NOW - 10 * 86400);
  {
    g_autofree char *name = NULL;
    NdFactsRank *top = g_ptr_array_index (before->channels, 0);
    g_autofree char *del = g_strdup_printf ("DELETE FROM channels WHERE id = %" G_GINT64_FORMAT, top->id);

    name = g_strdup (top->name);
    nd_test_pg_exec (pg, db, del);
    rows = sync_facts (facts, source, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (rows, ==, 0);
    {
      g_autoptr(NdFactsReport) after = query (facts, &all);
      NdFactsRank *top2 = g_ptr_array_index (after->channels, 0);

      g_assert_cmpint (after->overview.requests, ==, before->overview.requests);
      g_assert_cmpint (after->overview.quota, ==, before->overview.quota);
      g_assert_cmpint (after->overview.errors, ==, before->overview.errors);
      g_assert_cmpint (after->overview.active_users, ==, before->overview.active_users);
      g_assert_cmpuint (after->models->len, ==, before->models->len);
      g_assert_cmpuint (after->trend->len, ==, before->trend->len);
      for (guint i = 0; i < after->trend->len; i++)
        g_assert_cmpint (g_array_index (after->trend, NdFactsPoint, i).quota, ==,
                         g_array_index (before->trend, NdFactsPoint, i).quota);
      g_assert_cmpint (top2->id, ==, top->id);
      g_assert_cmpstr (top2->name, ==, name);
    }
  }
  /* …and the recent ranges still equal what the remaining logs say. */
  {
    g_autoptr(GArray) ranges = test_ranges (ND_TEST_NOW);

    compare_range (pg, ldb, NULL, facts, &g_array_index (ranges, NdFactsRange, 0));
    compare_range (pg, ldb, NULL, facts, &g_array_index (ranges, NdFactsRange, 1));
  }

  /* Never an index or a table created in NewAPI's databases. */
  g_assert_cmpint (count_indexes (pg, db), ==, n_idx);
  g_assert_cmpint (count_indexes (pg, ldb), ==, n_idx_log);

  g_clear_object (&facts);
  g_clear_object (&source);
  store_clear (&store);
}

static void test_new_schema (void) { run_variant ("new", FALSE); }
static void test_old_schema (void) { run_variant ("old", FALSE); }
static void test_separate_log_db (void) { run_variant ("new", TRUE); }

static void
test_cancel_resume (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdFacts) facts = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Progress progress = { 0 };
  Store store;
  gint64 max_id, rows1, rows2, cursor;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_fixture (pg, "facts_cancel", "new", 20000, NULL, ND_TEST_NOW);
  max_id = nd_test_pg_scalar (pg, "facts_cancel", "SELECT max(id) FROM logs");
  store_init (&store);
  source = connect_source (dsn, NULL);
  facts = nd_facts_new (store.path);
  nd_facts_set_window (facts, 1500);

  progress.cancel_after_first = cancellable;
  rows1 = sync_facts (facts, source, &progress, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (rows1, ==, -1);
  g_clear_error (&error);
  cursor = nd_facts_get_cursor (facts);
  g_assert_cmpint (cursor, >, 0);
  g_assert_cmpint (cursor, <, max_id);
  g_assert_false (nd_facts_is_syncing (facts));

  /* A new NdFacts on the same file resumes from the committed cursor. */
  g_clear_object (&facts);
  facts = nd_facts_new (store.path);
  nd_facts_set_window (facts, 1500);
  memset (&progress, 0, sizeof progress);
  rows2 = sync_facts (facts, source, &progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rows2, ==, nd_test_pg_scalarf (pg, "facts_cancel",
                                                  "SELECT count(*) FROM logs WHERE id > %" G_GINT64_FORMAT,
                                                  cursor));
  g_assert_cmpint (progress.total, ==, max_id - cursor);
  compare_all (pg, "facts_cancel", "facts_cancel", facts);
  compare_base_table (pg, "facts_cancel", store.path);

  g_clear_object (&facts);
  g_clear_object (&source);
  store_clear (&store);
}

/* Two NdFacts on one file (the window and the CLI, or a page restarted
 * while its old sync still commits) sync at the same time: every window is
 * counted once. A writer that finds the stored cursor moved stops quietly,
 * without an error; the next sync catches up. */
static void
test_two_writers (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autoptr(NdSource) source_a = NULL;
  g_autoptr(NdSource) source_b = NULL;
  g_autoptr(NdFacts) a = NULL;
  g_autoptr(NdFacts) b = NULL;
  g_autoptr(GError) error = NULL;
  Store store;
  gint64 max_id;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_fixture (pg, "facts_two", "new", 20000, NULL, ND_TEST_NOW);
  max_id = nd_test_pg_scalar (pg, "facts_two", "SELECT max(id) FROM logs");
  store_init (&store);
  source_a = connect_source (dsn, NULL);
  source_b = connect_source (dsn, NULL);

  for (int round = 0; round < 3; round++)
    {
      g_autoptr(GAsyncResult) res_a = NULL;
      g_autoptr(GAsyncResult) res_b = NULL;
      gint64 rows_a, rows_b;

      a = nd_facts_new (store.path);
      b = nd_facts_new (store.path);
      nd_facts_set_window (a, 1000 + 300 * round);
      nd_facts_set_window (b, 1000 + 300 * round);
      nd_facts_sync_async (a, source_a, NULL, NULL, NULL, nd_test_store_result, &res_a);
      nd_facts_sync_async (b, source_b, NULL, NULL, NULL, nd_test_store_result, &res_b);
      nd_test_wait (&res_a);
      nd_test_wait (&res_b);
      rows_a = nd_facts_sync_finish (a, res_a, &error);
      g_assert_no_error (error);
      rows_b = nd_facts_sync_finish (b, res_b, &error);
      g_assert_no_error (error);
      g_assert_cmpint (rows_a, >=, 0);
      g_assert_cmpint (rows_b, >=, 0);

      /* Both may have stopped early; one more sync catches up. */
      g_assert_cmpint (sync_facts (a, source_a, NULL, NULL, &error), >=, 0);
      g_assert_no_error (error);
      g_assert_cmpint (nd_facts_get_cursor (a), ==, max_id);
      compare_all (pg, "facts_two", "facts_two", a);
      compare_base_table (pg, "facts_two", store.path);

      /* Start over for the next round, with other window sizes. */
      {
        g_autoptr(GAsyncResult) res = NULL;

        nd_facts_reset_async (a, NULL, nd_test_store_result, &res);
        nd_test_wait (&res);
        g_assert_true (nd_facts_reset_finish (a, res, &error));
        g_assert_no_error (error);
      }
      g_clear_object (&a);
      g_clear_object (&b);
    }

  /* A reset through one NdFacts while another knows an older cursor: the
   * next sync rebuilds everything, once. */
  a = nd_facts_new (store.path);
  b = nd_facts_new (store.path);
  nd_facts_set_window (a, 5000);
  nd_facts_set_window (b, 5000);
  g_assert_cmpint (sync_facts (a, source_a, NULL, NULL, &error), ==, 20000);
  g_assert_no_error (error);
  {
    g_autoptr(GAsyncResult) res = NULL;

    nd_facts_reset_async (b, NULL, nd_test_store_result, &res);
    nd_test_wait (&res);
    g_assert_true (nd_facts_reset_finish (b, res, &error));
  }
  g_assert_cmpint (sync_facts (b, source_b, NULL, NULL, &error), ==, 20000);
  g_assert_no_error (error);
  compare_all (pg, "facts_two", "facts_two", b);
  compare_base_table (pg, "facts_two", store.path);

  g_clear_object (&a);
  g_clear_object (&b);
  g_clear_object (&source_a);
  g_clear_object (&source_b);
  store_clear (&store);
}

/* Rows younger than a minute are left to the next sync: a concurrent
 * NewAPI node may still commit a smaller id below them. */
static void
test_settle (void)
{
  NdTestPg *pg = nd_test_pg_get ();
  g_autofree char *dsn = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdFacts) facts = NULL;
  g_autoptr(GError) error = NULL;
  Store store;
  gint64 max_id, now = g_get_real_time () / G_USEC_PER_SEC;

  if (pg == NULL)
    return;
  dsn = nd_test_pg_fixture (pg, "facts_settle", "new", 3000, NULL, ND_TEST_NOW);
  max_id = nd_test_pg_scalar (pg, "facts_settle", "SELECT max(id) FROM logs");
  /* Two fresh rows: the sync must stop before them. */
  nd_test_pg_execf (pg, "facts_settle",
    "INSERT INTO logs (user_id, created_at, type, username, token_name, model_name, quota,"
    " prompt_tokens, completion_tokens, use_time, channel_id, token_id, \"group\")"
    " SELECT user_id, %" G_GINT64_FORMAT ", 2, username, token_name, model_name, 5, 1, 2, 3,"
    " channel_id, token_id, \"group\" FROM logs WHERE type = 2 ORDER BY id DESC LIMIT 2", now);
  store_init (&store);
  source = connect_source (dsn, NULL);
  facts = nd_facts_new (store.path);
  g_assert_cmpint (sync_facts (facts, source, NULL, NULL, &error), ==,
                   nd_test_pg_scalar (pg, "facts_settle", "SELECT count(*) FROM logs") - 2);
  g_assert_no_error (error);
  g_assert_cmpint (nd_facts_get_cursor (facts), ==, max_id);

  /* Once they are old enough they are counted. */
  nd_test_pg_execf (pg, "facts_settle",
    "UPDATE logs SET created_at = %" G_GINT64_FORMAT " WHERE id > %" G_GINT64_FORMAT, now - 120, max_id);
  g_assert_cmpint (sync_facts (facts, source, NULL, NULL, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (nd_facts_get_cursor (facts), ==,
                   nd_test_pg_scalar (pg, "facts_settle", "SELECT max(id) FROM logs"));
  compare_base_table (pg, "facts_settle", store.path);

  g_clear_object (&facts);
  g_clear_object (&source);
  store_clear (&store);
}

static void
test_unreachable (void)
{
  g_autoptr(NdSource) source = nd_pg_source_new ("postgresql://nobody@127.0.0.1:1/none", NULL,
                                                 NULL, NULL, TRUE);
  g_autoptr(NdFacts) facts = NULL;
  g_autoptr(GError) error = NULL;
  Store store;

  store_init (&store);
  facts = nd_facts_new (store.path);
  g_assert_cmpint (sync_facts (facts, source, NULL, NULL, &error), ==, -1);
  g_assert_error (error, ND_ERROR, ND_ERROR_CONNECTION);
  g_assert_cmpint (nd_facts_get_cursor (facts), ==, 0);
  g_clear_object (&facts);
  store_clear (&store);
}

static void
test_percentile (void)
{
  gint64 h[ND_FACTS_N_LAT] = { 50, 30, 15, 4, 1 };
  gint64 empty[ND_FACTS_N_LAT] = { 0 };

  g_assert_cmpfloat_with_epsilon (nd_facts_latency_percentile (h, 0.5), 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (nd_facts_latency_percentile (h, 0.25), 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (nd_facts_latency_percentile (h, 0.95), 3 + 7 * (15.0 / 15), 1e-9);
  g_assert_cmpfloat (nd_facts_latency_percentile (empty, 0.5), ==, -1);
  g_assert_cmpint (nd_facts_latency_bucket (0), ==, ND_FACTS_LAT_LT1);
  g_assert_cmpint (nd_facts_latency_bucket (3), ==, ND_FACTS_LAT_3_10);
  g_assert_cmpint (nd_facts_latency_bucket (99), ==, ND_FACTS_LAT_GE30);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/facts/percentile", test_percentile);
  g_test_add_func ("/facts/pg/new-schema", test_new_schema);
  g_test_add_func ("/facts/pg/old-schema", test_old_schema);
  g_test_add_func ("/facts/pg/separate-log-db", test_separate_log_db);
  g_test_add_func ("/facts/pg/cancel-resume", test_cancel_resume);
  g_test_add_func ("/facts/pg/unreachable", test_unreachable);
  g_test_add_func ("/facts/pg/two-writers", test_two_writers);
  g_test_add_func ("/facts/pg/settle", test_settle);
  return g_test_run ();
}
