/* bench-facts.c — the facts store on a big gateway (not a test; not in CI)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Needs ND_BENCH_DSN (build-aux/dev bench provides a 5M-log database; or
 * nd-fixture --logs 5000000). Prints:
 *   - first sync time, and its ratio to ONE `SELECT … GROUP BY` of the same
 *     dimensions over the whole table, fetched through libpq in this process
 *     with `SET work_mem = '256MB'` (the planner overestimates the groups
 *     and otherwise spills: the physical floor, goal ≤ 1.1);
 *   - cold `newapi-desk stats` (a new process, an empty facts file, the
 *     whole first sync) against the same GROUP BY (goal ≤ 1.3);
 *   - dashboard load from facts: the 24 h / 7 d / 30 d queries, on a freshly
 *     opened store (goal ≤ 100 ms);
 *   - incremental sync of 10 000 new rows (goal ≤ 1 s). The rows are copies
 *     of the newest ones, inserted for the measurement and deleted after.
 */
#include "config.h"

#include <stdio.h>
#include <libpq-fe.h>
#include <glib/gstdio.h>

#include "facts/nd-facts.h"
#include "pg/nd-pg-source.h"

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
store_result (GObject *source, GAsyncResult *result, gpointer slot)
{
  *(GAsyncResult **) slot = g_object_ref (result);
}

static PGresult *
exec_or_die (PGconn *c, const char *sql)
{
  PGresult *r = PQexec (c, sql);

  if (PQresultStatus (r) != PGRES_TUPLES_OK && PQresultStatus (r) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQerrorMessage (c));
  return r;
}

static gint64
scalar (PGconn *c, const char *sql)
{
  PGresult *r = exec_or_die (c, sql);
  gint64 v = g_ascii_strtoll (PQgetvalue (r, 0, 0), NULL, 10);

  PQclear (r);
  return v;
}

static gint64
sync_once (NdFacts *facts, NdSource *source)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gint64 rows;

  nd_facts_sync_async (facts, source, NULL, NULL, NULL, store_result, &res);
  rows = nd_facts_sync_finish (facts, wait_result (&res), &error);
  if (rows < 0)
    g_error ("sync: %s", error->message);
  return rows;
}

static double
query_ms (NdFacts *facts, const char *preset, gint64 now, NdFactsReport **out)
{
  NdFactsRange range;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  NdFactsReport *rep;

  nd_facts_range_preset (&range, preset, now);
  nd_facts_query_async (facts, &range, NULL, store_result, &res);
  rep = nd_facts_query_finish (facts, wait_result (&res), &error);
  if (rep == NULL)
    g_error ("query: %s", error->message);
  if (out)
    *out = rep;
  else
    nd_facts_report_unref (rep);
  return (g_get_monotonic_time () - t0) / 1000.0;
}

int
main (int argc, char *argv[])
{
  const char *dsn = argc > 1 ? argv[1] : g_getenv ("ND_BENCH_DSN");
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdFacts) facts = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  PGconn *c;
  PGresult *r;
  gint64 t0, n_logs, max_id, now, rows;
  double t_group, t_sync, t_inc, worst = 0;
  int n_groups;

  if (dsn == NULL)
    {
      fprintf (stderr, "bench-facts: set ND_BENCH_DSN (build-aux/dev bench does)\n");
      return 77;
    }
  c = PQconnectdb (dsn);
  if (PQstatus (c) != CONNECTION_OK)
    g_error ("connect: %s", PQerrorMessage (c));
  n_logs = scalar (c, "SELECT count(*) FROM logs");   /* also warms the cache */
  max_id = scalar (c, "SELECT max(id) FROM logs");
  now = scalar (c, "SELECT max(created_at) FROM logs");
  printf ("bench-facts: %" G_GINT64_FORMAT " log rows\n", n_logs);

  /* Baseline: the same aggregation, once, over the whole table, given the
   * memory its best plan needs. */
  PQclear (exec_or_die (c, "SET work_mem = '256MB'"));
  t0 = g_get_monotonic_time ();
  r = exec_or_die (c,
    "SELECT COALESCE(created_at, 0) - COALESCE(created_at, 0) % 3600, COALESCE(user_id, 0),"
    " COALESCE(token_id, 0), COALESCE(channel_id, 0), COALESCE(type, 0), COALESCE(model_name, ''),"
    " COALESCE(\"group\", ''), count(*), COALESCE(sum(quota), 0), COALESCE(sum(prompt_tokens), 0),"
    " COALESCE(sum(completion_tokens), 0), COALESCE(sum(use_time), 0),"
    " count(*) FILTER (WHERE COALESCE(use_time, 0) < 1), count(*) FILTER (WHERE use_time >= 1 AND use_time < 3),"
    " count(*) FILTER (WHERE use_time >= 3 AND use_time < 10), count(*) FILTER (WHERE use_time >= 10 AND use_time < 30),"
    " count(*) FILTER (WHERE use_time >= 30) FROM logs GROUP BY 1, 2, 3, 4, 5, 6, 7");
  t_group = (g_get_monotonic_time () - t0) / 1e6;
  n_groups = PQntuples (r);
  PQclear (r);
  printf ("  one GROUP BY over logs (libpq):   %8.2f s  (%d groups)\n", t_group, n_groups);

  dir = g_dir_make_tmp ("nd-bench-facts-XXXXXX", NULL);
  path = g_build_filename (dir, "facts.sqlite", NULL);
  source = nd_pg_source_new (dsn, NULL, NULL, NULL, TRUE);
  nd_source_probe_async (source, NULL, store_result, &res);
  if (nd_source_probe_finish (source, wait_result (&res), &error) == NULL)
    g_error ("probe: %s", error->message);
  g_clear_object (&res);

  facts = nd_facts_new (path);
  t0 = g_get_monotonic_time ();
  rows = sync_once (facts, source);
  t_sync = (g_get_monotonic_time () - t0) / 1e6;
  printf ("  first sync:                       %8.2f s  (%" G_GINT64_FORMAT " rows)  ratio %.2f (goal <= 1.1)\n",
          t_sync, rows, t_sync / t_group);

  /* The same from the command line: process start, store creation, sync
   * and the report, as a cron job would run it. */
  {
    g_autofree char *cold = g_build_filename (dir, "cold.sqlite", NULL);
    const char *stats_argv[] = { ND_APP_EXE, "stats", "--dsn", dsn, "--facts", cold, "--range", "30d",
                           "--json", NULL };
    int status = 0;
    double t_cold;

    t0 = g_get_monotonic_time ();
    if (!g_spawn_sync (NULL, (char **) stats_argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                       &status, &error) || !g_spawn_check_wait_status (status, &error))
      g_error ("stats: %s", error->message);
    t_cold = (g_get_monotonic_time () - t0) / 1e6;
    printf ("  cold `stats` (new process):       %8.2f s  ratio %.2f (goal <= 1.3)\n",
            t_cold, t_cold / t_group);
    g_unlink (cold);
    {
      g_autofree char *wal = g_strconcat (cold, "-wal", NULL);
      g_autofree char *shm = g_strconcat (cold, "-shm", NULL);

      g_unlink (wal);
      g_unlink (shm);
    }
  }

  /* Dashboard load on a freshly opened store (includes opening the file). */
  g_clear_object (&facts);
  facts = nd_facts_new (path);
  {
    const char *presets[] = { "24h", "7d", "30d" };

    for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
      {
        NdFactsReport *rep = NULL;
        double ms = query_ms (facts, presets[i], now, &rep);

        printf ("  dashboard load %-4s from facts:   %8.1f ms (%" G_GINT64_FORMAT " requests, %u models, %u tokens)\n",
                presets[i], ms, rep->overview.requests, rep->models->len, rep->tokens->len);
        worst = MAX (worst, ms);
        nd_facts_report_unref (rep);
      }
    printf ("  dashboard load, worst:            %8.1f ms (goal <= 100, flat in the range)\n", worst);
  }

  /* Incremental: 10 000 new rows. */
  PQclear (exec_or_die (c,
    "INSERT INTO logs (user_id, created_at, type, content, username, token_name, model_name, quota,"
    " prompt_tokens, completion_tokens, use_time, is_stream, channel_id, token_id, \"group\", ip, other)"
    " SELECT user_id, created_at, type, content, username, token_name, model_name, quota,"
    " prompt_tokens, completion_tokens, use_time, is_stream, channel_id, token_id, \"group\", ip, other"
    " FROM logs ORDER BY id DESC LIMIT 10000"));
  t0 = g_get_monotonic_time ();
  rows = sync_once (facts, source);
  t_inc = (g_get_monotonic_time () - t0) / 1e6;
  printf ("  incremental sync:                 %8.3f s  (%" G_GINT64_FORMAT " rows, goal <= 1 s)\n", t_inc, rows);
  {
    g_autofree char *del = g_strdup_printf ("DELETE FROM logs WHERE id > %" G_GINT64_FORMAT, max_id);

    PQclear (exec_or_die (c, del));
  }
  {
    struct stat st;

    if (g_stat (path, &st) == 0)
      printf ("  facts file:                       %8.1f MB\n", st.st_size / 1048576.0);
  }

  PQfinish (c);
  g_clear_object (&facts);
  nd_source_close (source);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (dir);
  }
  return 0;
}
