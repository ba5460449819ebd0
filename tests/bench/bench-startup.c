/* bench-startup.c — cold start to the window's first frame
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   tests/bench/bench-startup            (build-aux/dev bench, needs a display)
 *   optional ND_BENCH_DSN: the window opens on that database (--connect)
 *   optional ND_BENCH_RUNS (default 7)
 *
 * Each run starts a new process and measures from the spawn to the end of
 * the first frame the window paints (its frame clock's first after-paint),
 * whole process: loading, GTK and libadwaita start-up, the app's own
 * start-up and the first layout and paint. The same is measured for a bare
 * libadwaita window (an AdwApplicationWindow with an empty status page):
 * the floor the toolkit sets, printed as the reference.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nd-application.h"

static void
first_frame_painted (GdkFrameClock *clock, gpointer unused)
{
  /* Done: report and leave without tearing anything down. */
  fflush (stdout);
  _exit (0);
}

static void
window_mapped (GtkWidget *window, gpointer unused)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (first_frame_painted), NULL);
}

static void
window_added (GtkApplication *app, GtkWindow *window, gpointer unused)
{
  g_signal_connect (window, "map", G_CALLBACK (window_mapped), NULL);
}

static void
bare_activate (GApplication *app, gpointer unused)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *status = adw_status_page_new ();

  adw_status_page_set_title (ADW_STATUS_PAGE (status), "NewAPI Desk");
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), status);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_present (GTK_WINDOW (window));
}

static int
run_child (const char *mode, int argc, char **argv)
{
  g_autoptr(GApplication) app = NULL;

  if (g_str_equal (mode, "app"))
    app = G_APPLICATION (nd_application_new ());
  else
    {
      app = G_APPLICATION (adw_application_new ("io.github.newapidesk.BenchBare",
                                                G_APPLICATION_NON_UNIQUE));
      g_signal_connect (app, "activate", G_CALLBACK (bare_activate), NULL);
    }
  g_signal_connect (app, "window-added", G_CALLBACK (window_added), NULL);
  return g_application_run (app, argc, argv);
}

static double
time_once (const char *self, const char *mode, const char *dsn, char **env)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GPid pid;
  int status;
  gint64 t0;

  g_ptr_array_add (argv, (char *) self);
  g_ptr_array_add (argv, (char *) "--child");
  g_ptr_array_add (argv, (char *) mode);
  if (g_str_equal (mode, "app") && dsn != NULL)
    {
      g_ptr_array_add (argv, (char *) "--connect");
      g_ptr_array_add (argv, (char *) dsn);
      g_ptr_array_add (argv, (char *) "--profile-name");
      g_ptr_array_add (argv, (char *) "Bench");
    }
  g_ptr_array_add (argv, NULL);

  t0 = g_get_monotonic_time ();
  if (!g_spawn_async (NULL, (char **) argv->pdata, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                      &pid, &error))
    g_error ("spawn: %s", error->message);
  if (waitpid (pid, &status, 0) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("the %s window did not paint (status %d)", mode, status);
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  const char *dsn = g_getenv ("ND_BENCH_DSN");
  const char *r = g_getenv ("ND_BENCH_RUNS");
  int runs = r ? MAX (1, atoi (r)) : 7;
  g_autofree char *home = NULL;
  g_auto(GStrv) env = NULL;
  double app[64], bare[64];

  if (argc >= 3 && g_str_equal (argv[1], "--child"))
    {
      const char *mode = argv[2];

      argv[2] = argv[0];
      return run_child (mode, argc - 2, argv + 2);
    }
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      fprintf (stderr, "bench-startup: needs a display (build-aux/dev bench runs it under xvfb-run)\n");
      return 77;
    }
  runs = MIN (runs, (int) G_N_ELEMENTS (app));
  setvbuf (stdout, NULL, _IOLBF, 0);

  /* A first-run user: no settings, no keyring, nothing cached. */
  home = g_dir_make_tmp ("nd-bench-startup-XXXXXX", NULL);
  env = g_get_environ ();
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", home, TRUE);
  env = g_environ_setenv (env, "XDG_DATA_HOME", home, TRUE);
  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "memory", TRUE);
  env = g_environ_setenv (env, "ND_SECRET_STORE", "memory", TRUE);
  env = g_environ_setenv (env, "GSETTINGS_SCHEMA_DIR", ND_BUILD_DATA_DIR, FALSE);
  env = g_environ_setenv (env, "GTK_A11Y", "none", FALSE);
  env = g_environ_setenv (env, "NO_AT_BRIDGE", "1", FALSE);

  /* Under Xvfb GTK's default renderer is GL on Mesa's software driver,
   * which no user has; the cairo renderer with GL off is what the tests
   * use. Both are printed, each against the bare window in the same
   * setting. */
  for (int setting = 0; setting < 2; setting++)
    {
      g_auto(GStrv) run_env = g_strdupv (env);
      const char *label = setting == 0 ? "GTK's default renderer" : "cairo renderer, GL off";

      if (setting == 1)
        {
          run_env = g_environ_setenv (run_env, "GSK_RENDERER", "cairo", TRUE);
          run_env = g_environ_setenv (run_env, "GDK_DEBUG", "gl-disable", TRUE);
        }
      /* Once each untimed, so both find the libraries in the page cache. */
      time_once (argv[0], "bare", NULL, run_env);
      time_once (argv[0], "app", dsn, run_env);
      for (int i = 0; i < runs; i++)
        {
          bare[i] = time_once (argv[0], "bare", NULL, run_env);
          app[i] = time_once (argv[0], "app", dsn, run_env);
        }
      qsort (app, runs, sizeof *app, cmp_double);
      qsort (bare, runs, sizeof *bare, cmp_double);
      printf ("startup (%s): first frame of the window %.0f ms (median of %d, %s); a bare "
              "libadwaita window %.0f ms: %.2fx (goal <= 300 ms)\n",
              label, app[runs / 2], runs,
              dsn ? "opening a profile on the bench database" : "no profile",
              bare[runs / 2], app[runs / 2] / bare[runs / 2]);
    }
  {
    char *rm[] = { (char *) "rm", (char *) "-rf", home, NULL };

    g_spawn_sync (NULL, rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return 0;
}
