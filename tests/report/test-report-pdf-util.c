/* test-report-pdf-util.c — reading PDFs back in the tests
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <cairo.h>

#include "test-report-pdf-util.h"

gboolean
pdf_tools_found (void)
{
  const char *tools[] = { "pdftotext", "pdftoppm", "pdfinfo" };

  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_autofree char *path = g_find_program_in_path (tools[i]);

      if (path == NULL)
        return nd_test_require (FALSE, "poppler-utils (pdftotext, pdftoppm, pdfinfo)");
    }
  return TRUE;
}

static int
run (const char * const *argv, char **out, char **err)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out,
                               err, &status, &error));
  g_assert_no_error (error);
  /* A failing child (a sanitizer report, say) is only diagnosable from its
   * own stderr, which the caller's assertion would otherwise swallow. */
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_printerr ("%s exited with %d:\n%s\n", argv[0], status, err != NULL && *err != NULL ? *err : "");
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

int
pdf_run_desk (const char * const *args, char **out, char **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) ND_DESK_EXE);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  return run ((const char * const *) argv->pdata, out, err);
}

char *
pdf_text (const char *path)
{
  const char *argv[] = { "pdftotext", "-layout", "-enc", "UTF-8", path, "-", NULL };
  g_autofree char *err = NULL;
  char *out = NULL;

  g_assert_cmpint (run (argv, &out, &err), ==, 0);
  return out;
}

int
pdf_page_count (const char *path)
{
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *pages;

  g_assert_cmpint (run (argv, &out, &err), ==, 0);
  pages = strstr (out, "\nPages:");
  g_assert_nonnull (pages);
  return atoi (pages + strlen ("\nPages:"));
}

/* The share of pixels of @png that are not white. */
static double
ink (const char *png)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (png);
  int w, h, stride;
  const guint8 *data;
  gint64 inked = 0;

  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  w = cairo_image_surface_get_width (s);
  h = cairo_image_surface_get_height (s);
  stride = cairo_image_surface_get_stride (s);
  data = cairo_image_surface_get_data (s);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + 4 * x);

        if ((px & 0xffffff) != 0xffffff)
          inked++;
      }
  cairo_surface_destroy (s);
  return (double) inked / ((double) w * h);
}

int
pdf_assert_inked (const char *path, const char *dir, double min_ink)
{
  g_autofree char *prefix = g_build_filename (dir, "page", NULL);
  const char *argv[] = { "pdftoppm", "-r", "40", "-png", path, prefix, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GDir) d = NULL;
  const char *name;
  int pages = 0;

  g_assert_cmpint (run (argv, &out, &err), ==, 0);
  d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *png = NULL;
      double share;

      if (!g_str_has_prefix (name, "page") || !g_str_has_suffix (name, ".png"))
        continue;
      png = g_build_filename (dir, name, NULL);
      share = ink (png);
      g_test_message ("%s: %.1f%% inked", name, 100 * share);
      g_assert_cmpfloat (share, >, min_ink);
      pages++;
    }
  return pages;
}

gboolean
pdf_line_has (const char *text, const char * const *words)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *at = lines[i];
      guint w;

      for (w = 0; words[w] != NULL && at != NULL; w++)
        {
          at = strstr (at, words[w]);
          if (at != NULL)
            at += strlen (words[w]);
        }
      if (words[w] == NULL && at != NULL)
        return TRUE;
    }
  return FALSE;
}
