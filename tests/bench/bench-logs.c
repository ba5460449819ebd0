/* bench-logs.c — the log browser and export on a big database
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   ND_BENCH_DSN=postgresql://… tests/bench/bench-logs   (build-aux/dev bench)
 *   optional ND_BENCH_OLD_DSN: the same on an old-schema install
 *   optional ND_BENCH_DEPTH (default 1000000), ND_BENCH_SCROLL=0 to skip the
 *   model scroll
 *
 * Prints: a page at depth N vs the first page (keyset, as the app pages);
 * NewAPI's own shape at the same depth (COUNT(*) + OFFSET); CSV export of N
 * rows vs COPY … TO STDOUT (what psql \copy does) of the same columns in
 * this process, with peak RSS during the export; and the list model
 * scrolled through N rows with its resident memory.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "logs/nd-export.h"
#include "logs/nd-log-sql.h"
#include "nd-log-model.h"
#include "pg/nd-pg-source.h"

static GAsyncResult *slot;

static void
store (GObject *o, GAsyncResult *r, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (r);
}

static GAsyncResult *
wait_result (void)
{
  while (slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return slot;
}

static gint64
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  p = strstr (status, "VmRSS:");
  return p ? g_ascii_strtoll (p + 6, NULL, 10) : -1;
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof *v, cmp_double);
  return v[n / 2];
}

static double
time_page (NdSource *source, const NdLogQuery *q, const NdLogCursor *after)
{
  double t[7];

  for (int i = 0; i < 7; i++)
    {
      g_autoptr(NdLogPage) page = NULL;
      g_autoptr(GError) error = NULL;
      double t0 = now_ms ();

      g_clear_object (&slot);
      nd_source_query_logs_async (source, q, after, 200, NULL, store, &slot);
      page = nd_source_query_logs_finish (source, wait_result (), &error);
      t[i] = now_ms () - t0;
      if (page == NULL)
        g_error ("query failed: %s", error->message);
      g_assert_cmpuint (page->rows->len, ==, 200);
    }
  return median (t, 7);
}

static double
time_sql (PGconn *c, const char *sql, int runs)
{
  double t[5];

  for (int i = 0; i < runs; i++)
    {
      double t0 = now_ms ();
      PGresult *r = PQexec (c, sql);

      if (PQresultStatus (r) != PGRES_TUPLES_OK)
        g_error ("%s: %s", sql, PQerrorMessage (c));
      PQclear (r);
      t[i] = now_ms () - t0;
    }
  return median (t, runs);
}

static NdSource *
open_source (const char *dsn)
{
  NdSource *source = nd_pg_source_new (dsn, NULL, NULL, NULL, TRUE);
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_object (&slot);
  nd_source_probe_async (source, NULL, store, &slot);
  info = nd_source_probe_finish (source, wait_result (), &error);
  if (info == NULL)
    g_error ("probe: %s", error->message);
  return source;
}

static void
cursor_at (PGconn *c, gint64 depth, NdLogCursor *out)
{
  g_autofree char *sql = g_strdup_printf ("SELECT created_at, id FROM logs ORDER BY created_at DESC, "
                                          "id DESC OFFSET %" G_GINT64_FORMAT " LIMIT 1", depth - 1);
  PGresult *r = PQexec (c, sql);

  if (PQresultStatus (r) != PGRES_TUPLES_OK || PQntuples (r) != 1)
    g_error ("cannot find row %" G_GINT64_FORMAT ": %s", depth, PQerrorMessage (c));
  out->created_at = g_ascii_strtoll (PQgetvalue (r, 0, 0), NULL, 10);
  out->id = g_ascii_strtoll (PQgetvalue (r, 0, 1), NULL, 10);
  PQclear (r);
}

static void
bench_paging (const char *label, const char *dsn, gint64 depth)
{
  g_autoptr(NdSource) source = open_source (dsn);
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  PGconn *c = PQconnectdb (dsn);
  NdLogCursor cursor;
  double first, deep, deep_type, offset, count;
  g_autofree char *offset_sql = NULL;

  cursor_at (c, depth, &cursor);
  first = time_page (source, q, NULL);
  deep = time_page (source, q, &cursor);
  q->type = 5;
  deep_type = time_page (source, q, &cursor);
  offset_sql = g_strdup_printf ("SELECT * FROM logs ORDER BY created_at DESC, id DESC "
                                "LIMIT 200 OFFSET %" G_GINT64_FORMAT, depth);
  offset = time_sql (c, offset_sql, 3);
  count = time_sql (c, "SELECT count(*) FROM logs", 3);
  printf ("%s: first page %.1f ms, page at depth %" G_GINT64_FORMAT " %.1f ms (%.2fx; goal <= 2x); "
          "type=5 at that depth %.1f ms\n",
          label, first, depth, deep, deep / first, deep_type);
  printf ("%s: NewAPI's shape at the same depth: OFFSET page %.1f ms + COUNT(*) %.1f ms = %.1f ms "
          "(%.0fx the keyset page)\n",
          label, offset, count, offset + count, (offset + count) / deep);
  PQfinish (c);
}

typedef struct {
  gint64 peak;
  gint64 base;
} RssWatch;

static gboolean
sample_rss (gpointer data)
{
  RssWatch *w = data;

  w->peak = MAX (w->peak, rss_kb ());
  return G_SOURCE_CONTINUE;
}

static void
bench_export (const char *dsn, gint64 depth)
{
  g_autoptr(NdSource) source = open_source (dsn);
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NdLogSql) sql = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nd-bench-XXXXXX", NULL);
  g_autofree char *ours = g_build_filename (dir, "export.csv", NULL);
  g_autofree char *theirs = g_build_filename (dir, "copy.csv", NULL);
  g_autofree char *copy = NULL;
  PGconn *c = PQconnectdb (dsn);
  NdLogCursor cursor;
  NdExportWriter *w;
  RssWatch watch = { 0 };
  guint sampler;
  gint64 rows, copy_bytes = 0;
  double t0, t_ours, t_copy;
  GStatBuf st;
  FILE *f;

  cursor_at (c, depth, &cursor);
  q->from = cursor.created_at;      /* ≈ the newest `depth` rows */

  watch.base = rss_kb ();
  watch.peak = watch.base;
  sampler = g_timeout_add (20, sample_rss, &watch);
  w = nd_export_writer_new (ours, ND_EXPORT_CSV, FALSE, &error);
  g_assert_no_error (error);
  t0 = now_ms ();
  g_clear_object (&slot);
  nd_source_export_logs_async (source, q, nd_export_writer_write, w, NULL, store, &slot);
  rows = nd_source_export_logs_finish (source, wait_result (), &error);
  g_assert_no_error (error);
  g_assert_true (nd_export_writer_finish (w, &error));
  t_ours = now_ms () - t0;
  nd_export_writer_free (w);
  g_source_remove (sampler);
  g_stat (ours, &st);

  /* What `psql \copy (SELECT …) TO file CSV HEADER` does: COPY TO STDOUT,
   * chunks written to a file, same columns, same order, same filter. */
  sql = nd_log_sql_export (q, nd_source_get_info (source)->has_log_request_id, &error);
  copy = g_strdup_printf ("COPY (%s) TO STDOUT WITH (FORMAT csv, HEADER)", sql->sql->str);
  for (guint i = 0; i < sql->params->len; i++)
    {
      /* COPY takes no parameters: the (numeric) bound is inlined here only. */
      g_autofree char *ph = g_strdup_printf ("$%u", i + 1);
      g_auto(GStrv) parts = g_strsplit (copy, ph, -1);

      g_free (copy);
      copy = g_strjoinv (sql->params->pdata[i], parts);
    }
  f = fopen (theirs, "w");
  t0 = now_ms ();
  {
    PGresult *r = PQexec (c, copy);
    char *buf;
    int n;

    if (PQresultStatus (r) != PGRES_COPY_OUT)
      g_error ("COPY: %s", PQerrorMessage (c));
    PQclear (r);
    while ((n = PQgetCopyData (c, &buf, 0)) > 0)
      {
        fwrite (buf, 1, n, f);
        copy_bytes += n;
        PQfreemem (buf);
      }
    PQclear (PQgetResult (c));
  }
  fflush (f);
  fsync (fileno (f));
  fclose (f);
  t_copy = now_ms () - t0;

  printf ("export: %" G_GINT64_FORMAT " rows to CSV in %.2f s (%.0f rows/s, %.1f MB); "
          "COPY TO STDOUT (psql \\copy) %.2f s (%.0f rows/s, %.1f MB): %.2fx its throughput "
          "(goal >= 0.8x)\n",
          rows, t_ours / 1000, rows / (t_ours / 1000), st.st_size / 1e6,
          t_copy / 1000, rows / (t_copy / 1000), copy_bytes / 1e6, t_copy / t_ours);
  printf ("export: RSS %.1f MB before, peak %.1f MB during (goal: flat, < 100 MB)\n",
          watch.base / 1024.0, watch.peak / 1024.0);
  g_unlink (ours);
  g_unlink (theirs);
  g_rmdir (dir);
  PQfinish (c);
}

static gboolean
model_idle (NdLogModel *m)
{
  return !nd_log_model_get_loading (m);
}

static void
bench_scroll (const char *dsn, gint64 depth)
{
  g_autoptr(NdSource) source = open_source (dsn);
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(NdLogModel) model = nd_log_model_new ();
  gint64 base = rss_kb (), peak = base;
  double t0 = now_ms ();
  guint n;

  nd_log_model_set_source (model, source);
  nd_log_model_set_query (model, q, NULL);
  while (!model_idle (model))
    g_main_context_iteration (NULL, TRUE);
  /* Like a view: ask for rows near the end, keep ~50 items alive. */
  while ((n = g_list_model_get_n_items (G_LIST_MODEL (model))) < depth)
    {
      g_autoptr(GPtrArray) alive = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = n > 50 ? n - 50 : 0; i < n; i++)
        g_ptr_array_add (alive, g_list_model_get_item (G_LIST_MODEL (model), i));
      while (!model_idle (model))
        g_main_context_iteration (NULL, TRUE);
      if (g_list_model_get_n_items (G_LIST_MODEL (model)) == n)
        break;
      if (n % 100000 < ND_LOG_MODEL_PAGE_SIZE)
        peak = MAX (peak, rss_kb ());
    }
  peak = MAX (peak, rss_kb ());
  printf ("model: scrolled %u rows in %.1f s; RSS %.1f MB before, %.1f MB peak; "
          "%u of %u pages resident\n",
          g_list_model_get_n_items (G_LIST_MODEL (model)), (now_ms () - t0) / 1000,
          base / 1024.0, peak / 1024.0, nd_log_model_get_resident_pages (model),
          g_list_model_get_n_items (G_LIST_MODEL (model)) / ND_LOG_MODEL_PAGE_SIZE);
}

int
main (int argc, char **argv)
{
  const char *dsn = g_getenv ("ND_BENCH_DSN");
  const char *old = g_getenv ("ND_BENCH_OLD_DSN");
  const char *d = g_getenv ("ND_BENCH_DEPTH");
  gint64 depth = d ? g_ascii_strtoll (d, NULL, 10) : 1000000;

  if (dsn == NULL)
    {
      fprintf (stderr, "bench-logs: set ND_BENCH_DSN (build-aux/dev bench does), e.g. a database "
                       "made with nd-fixture --logs 5000000\n");
      return 77;
    }
  setvbuf (stdout, NULL, _IOLBF, 0);
  bench_paging ("new schema", dsn, depth);
  if (old != NULL)
    bench_paging ("old schema (id, created_at) index", old, depth);
  bench_export (dsn, depth);
  if (g_strcmp0 (g_getenv ("ND_BENCH_SCROLL"), "0") != 0)
    bench_scroll (dsn, depth);
  return 0;
}
