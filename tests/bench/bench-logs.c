/* bench-logs.c — the log browser and export on a big database
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   ND_BENCH_DSN=postgresql://… tests/bench/bench-logs   (build-aux/dev bench)
 *   optional ND_BENCH_OLD_DSN: the same on an old-schema install
 *   optional ND_BENCH_DEPTH (default 1000000), ND_BENCH_ONLY=paging,export,
 *   model,view to run only some parts
 *
 * Prints: a page at depth N vs the first page (keyset, as the app pages);
 * NewAPI's own shape at the same depth (COUNT(*) + OFFSET); the newest N
 * rows exported by `newapi-desk export-logs` to CSV vs `psql \copy` of the
 * same rows raw, in bytes per second, both whole processes; the list model
 * scrolled through N rows; and, with a display, the Logs page in a window
 * scrolled through N rows, with the process's resident memory.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "nd-log-model.h"
#include "nd-logs-page.h"
#include "nd-session.h"
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

/* Anonymous (private) memory: RSS without the mapped libraries and fonts. */
static gint64
anon_kb (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  p = strstr (status, "RssAnon:");
  return p ? g_ascii_strtoll (p + 8, NULL, 10) : -1;
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

/* One whole process, timed from spawn to exit, with its peak RSS. */
typedef struct {
  double seconds;
  double peak_mb;
  gint64 bytes;
} Run;

static Run
run_process (char **argv, const char *output)
{
  g_autoptr(GError) error = NULL;
  struct rusage ru;
  GStatBuf st;
  Run run = { 0 };
  GPid pid;
  int status;
  gint64 t0 = g_get_monotonic_time ();

  if (!g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                      NULL, NULL, &pid, &error))
    g_error ("%s: %s", argv[0], error->message);
  if (wait4 (pid, &status, 0, &ru) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s failed (status %d)", argv[0], status);
  run.seconds = (g_get_monotonic_time () - t0) / 1e6;
  run.peak_mb = ru.ru_maxrss / 1024.0;
  if (g_stat (output, &st) == 0)
    run.bytes = st.st_size;
  g_unlink (output);
  return run;
}

static int
cmp_run (gconstpointer a, gconstpointer b)
{
  const Run *x = a, *y = b;

  return x->seconds < y->seconds ? -1 : x->seconds > y->seconds;
}

/* `newapi-desk export-logs` of the newest @depth rows against `psql \copy`
 * of the same rows raw (SELECT *), in bytes per second of the file each
 * writes, both whole processes: start-up, query, formatting, writing. */
static void
bench_export (const char *dsn, gint64 depth)
{
  g_autofree char *dir = g_dir_make_tmp ("nd-bench-XXXXXX", NULL);
  g_autofree char *ours = g_build_filename (dir, "export.csv", NULL);
  g_autofree char *theirs = g_build_filename (dir, "copy.csv", NULL);
  g_autofree char *from = NULL, *copy = NULL, *count_sql = NULL;
  PGconn *c = PQconnectdb (dsn);
  NdLogCursor cursor;
  Run a[3], b[3];
  gint64 rows;
  double ours_rate, theirs_rate;

  cursor_at (c, depth, &cursor);
  from = g_strdup_printf ("%" G_GINT64_FORMAT, cursor.created_at);
  count_sql = g_strdup_printf ("SELECT count(*) FROM logs WHERE created_at >= %s", from);
  {
    PGresult *r = PQexec (c, count_sql);

    rows = g_ascii_strtoll (PQgetvalue (r, 0, 0), NULL, 10);
    PQclear (r);
  }
  copy = g_strdup_printf ("\\copy (SELECT * FROM logs WHERE created_at >= %s "
                          "ORDER BY created_at DESC, id DESC) TO '%s' CSV HEADER", from, theirs);
  for (int i = 0; i < 3; i++)
    {
      char *export_argv[] = { (char *) ND_APP_EXE, (char *) "export-logs", (char *) "--dsn",
                              (char *) dsn, (char *) "--from", from, (char *) "--output", ours,
                              (char *) "-q", NULL };
      char *psql_argv[] = { (char *) PSQL, (char *) "-X", (char *) "-q", (char *) "-d",
                            (char *) dsn, (char *) "-c", copy, NULL };

      /* Alternating, so both see the same load on a shared machine. */
      a[i] = run_process (export_argv, ours);
      b[i] = run_process (psql_argv, theirs);
    }
  qsort (a, 3, sizeof *a, cmp_run);
  qsort (b, 3, sizeof *b, cmp_run);
  ours_rate = a[1].bytes / 1e6 / a[1].seconds;
  theirs_rate = b[1].bytes / 1e6 / b[1].seconds;
  printf ("export: newapi-desk export-logs, %" G_GINT64_FORMAT " rows to CSV: %.1f MB in %.2f s = "
          "%.1f MB/s, peak RSS %.1f MB (median of 3, whole process)\n",
          rows, a[1].bytes / 1e6, a[1].seconds, ours_rate, a[1].peak_mb);
  printf ("export: psql \\copy of the same rows raw (SELECT *): %.1f MB in %.2f s = %.1f MB/s: "
          "export-logs writes %.2fx its bytes per second (goal >= 0.8x)\n",
          b[1].bytes / 1e6, b[1].seconds, theirs_rate, ours_rate / theirs_rate);
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

/* ---- the log view, on screen ------------------------------------------- */

static GtkWidget *
find_scroller (GtkWidget *widget)
{
  if (GTK_IS_SCROLLED_WINDOW (widget) &&
      GTK_IS_COLUMN_VIEW (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (widget))))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_scroller (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The Logs page in a window, scrolled to the bottom again and again as a
 * user dragging the scrollbar would, until @depth rows were shown. */
static void
bench_view_scroll (const char *dsn, gint64 depth)
{
  g_autoptr(NdProfile) profile = g_object_new (ND_TYPE_PROFILE, "id", "bench", "name", "Bench",
                                               "pg-dsn", dsn, "read-only", TRUE, NULL);
  g_autoptr(NdSession) session = nd_session_new (profile, nd_secret_store_new_memory ());
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *page, *scroller;
  GtkAdjustment *adj;
  GListModel *model;
  gint64 base, peak, stuck_since;
  double t0;
  guint n = 0;

  g_clear_object (&slot);
  nd_session_connect_async (session, NULL, store, &slot);
  if (!nd_session_connect_finish (session, wait_result (), &error))
    g_error ("connect: %s", error->message);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  page = g_object_new (ND_TYPE_LOGS_PAGE, "session", session, NULL);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  nd_logs_page_set_filter (ND_LOGS_PAGE (page), "");
  model = nd_logs_page_get_model (ND_LOGS_PAGE (page));
  while (g_list_model_get_n_items (model) == 0 || nd_log_model_get_loading (ND_LOG_MODEL (model)))
    g_main_context_iteration (NULL, TRUE);
  scroller = find_scroller (page);
  g_assert_nonnull (scroller);
  adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);

  base = peak = rss_kb ();
  t0 = now_ms ();
  stuck_since = g_get_monotonic_time ();
  while ((n = g_list_model_get_n_items (model)) < depth)
    {
      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
      g_main_context_iteration (NULL, TRUE);
      if (g_list_model_get_n_items (model) != n)
        stuck_since = g_get_monotonic_time ();
      else if (nd_log_model_get_complete (ND_LOG_MODEL (model)) ||
               g_get_monotonic_time () - stuck_since > 10 * G_USEC_PER_SEC)
        break;
      if (n / 100000 != g_list_model_get_n_items (model) / 100000)
        peak = MAX (peak, rss_kb ());
    }
  /* Let the last pages arrive and the view settle before measuring. */
  while (nd_log_model_get_loading (ND_LOG_MODEL (model)))
    g_main_context_iteration (NULL, TRUE);
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  peak = MAX (peak, rss_kb ());
  printf ("view: the Logs page scrolled through %u rows in %.0f s (%s renderer); RSS %.1f MB "
          "with the first page shown, %.1f MB after (%.2fx; peak %.1f MB; %.1f MB of it the "
          "process's own; goal < 150 MB)\n",
          g_list_model_get_n_items (model), (now_ms () - t0) / 1000, g_getenv ("GSK_RENDERER"),
          base / 1024.0, rss_kb () / 1024.0, (double) rss_kb () / base, peak / 1024.0,
          anon_kb () / 1024.0);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ND_BENCH_ONLY=export,view … runs only those parts. */
static gboolean
wanted (const char *part)
{
  const char *only = g_getenv ("ND_BENCH_ONLY");
  g_auto(GStrv) parts = NULL;

  if (only == NULL || *only == '\0')
    return TRUE;
  parts = g_strsplit (only, ",", -1);
  return g_strv_contains ((const char * const *) parts, part);
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
  if (wanted ("paging"))
    {
      bench_paging ("new schema", dsn, depth);
      if (old != NULL)
        bench_paging ("old schema (id, created_at) index", old, depth);
    }
  if (wanted ("export"))
    bench_export (dsn, depth);
  if (wanted ("model"))
    bench_scroll (dsn, depth);
  if (wanted ("view"))
    {
      /* The renderer the tests use, with GL off: under Xvfb GL means Mesa's
       * software driver, whose ~60 MB of mapped code no user has. */
      g_setenv ("GSK_RENDERER", "cairo", FALSE);
      g_setenv ("GDK_DEBUG", "gl-disable", FALSE);
      if (gtk_init_check ())
        {
          adw_init ();
          bench_view_scroll (dsn, depth);
        }
      else
        printf ("view: skipped, no display (build-aux/dev bench runs this under xvfb-run)\n");
    }
  return 0;
}
