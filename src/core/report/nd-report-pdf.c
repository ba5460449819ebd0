/* nd-report-pdf.c — nd_report_pdf_write_async: read what the pages need,
 * draw them on a worker, write the file under a temporary name
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "nd-error.h"
#include "nd-report-pdf-private.h"
#include "nd-secure-string.h"

#define PT_PER_PX (72.0 / 96.0)

typedef struct {
  NdPdfInput in;
  char *path;
  char *preset;
} PdfJob;

static void
pdf_job_free (PdfJob *job)
{
  g_clear_pointer (&job->in.report, nd_facts_report_unref);
  g_clear_pointer (&job->in.errors, g_ptr_array_unref);
  g_clear_pointer (&job->in.channels, g_ptr_array_unref);
  g_clear_pointer (&job->in.info, nd_server_info_unref);
  g_clear_pointer (&job->in.meta, nd_report_meta_unref);
  g_free (job->path);
  g_free (job->preset);
  g_free (job);
}

/* ─── drawing (worker) ─────────────────────────────────────────────────── */

static cairo_status_t
discard (void *closure, const unsigned char *data, unsigned int length)
{
  return CAIRO_STATUS_SUCCESS;
}

static char *
footer_text (const NdPdfInput *in)
{
  g_autofree char *title = nd_report_meta_dup_title (in->meta);

  return nd_mask_text_dup (title);
}

/* Draws the document onto @surface; the number of pages, or 0 when
 * cancelled. */
static int
draw (cairo_surface_t *surface, const NdPdfInput *in, int n_pages, GCancellable *cancellable)
{
  g_autofree char *footer = footer_text (in);
  NdPdfDoc doc;
  gboolean done;
  int pages;

  _nd_pdf_doc_init (&doc, surface, n_pages, footer, footer, cancellable);
  done = _nd_pdf_draw_document (&doc, in);
  pages = doc.page;
  _nd_pdf_doc_clear (&doc);
  return done ? pages : 0;
}

static gboolean
surface_ok (cairo_surface_t *surface, const char *path, GError **error)
{
  cairo_status_t status = cairo_surface_status (surface);

  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Could not write “%s”: %s"), path,
               status == CAIRO_STATUS_WRITE_ERROR ? g_strerror (EIO) : cairo_status_to_string (status));
  return FALSE;
}

static void
write_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  PdfJob *job = data;
  g_autofree char *dir = g_path_get_dirname (job->path);
  g_autofree char *base = g_path_get_basename (job->path);
  g_autofree char *tmp = NULL;
  g_autofree char *title = footer_text (&job->in);
  cairo_surface_t *surface;
  GError *error = NULL;
  int pages, fd;

  /* First pass to nowhere: "Page N of M" needs M. */
  surface = cairo_pdf_surface_create_for_stream (discard, NULL, ND_PDF_PAGE_W * PT_PER_PX,
                                                 ND_PDF_PAGE_H * PT_PER_PX);
  pages = draw (surface, &job->in, 0, cancellable);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  if (g_task_return_error_if_cancelled (task))
    return;

  tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  fd = g_mkstemp (tmp);
  if (fd < 0)
    {
      int saved = errno;

      g_task_return_new_error (task, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Could not write “%s”: %s"),
                               job->path, g_strerror (saved));
      return;
    }
  close (fd);
  surface = cairo_pdf_surface_create (tmp, ND_PDF_PAGE_W * PT_PER_PX, ND_PDF_PAGE_H * PT_PER_PX);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "NewAPI Desk " PACKAGE_VERSION);
  pages = draw (surface, &job->in, pages, cancellable);
  cairo_surface_finish (surface);
  if (!surface_ok (surface, job->path, &error) || g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      cairo_surface_destroy (surface);
      g_unlink (tmp);
      g_task_return_error (task, error);
      return;
    }
  cairo_surface_destroy (surface);
  if (g_rename (tmp, job->path) != 0)
    {
      int saved = errno;

      g_unlink (tmp);
      g_task_return_new_error (task, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Could not write “%s”: %s"),
                               job->path, g_strerror (saved));
      return;
    }
  g_task_return_int (task, pages);
}

/* ─── reading (main context) ───────────────────────────────────────────── */

static void
channels_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  PdfJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  job->in.channels = nd_source_list_channels_finish (ND_SOURCE (object), result, &error);
  if (job->in.channels == NULL && nd_error_is_cancelled (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Without the list the health table still has every channel with
   * traffic, their status unknown. */
  g_task_run_in_thread (task, write_thread);
}

static void
errors_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  PdfJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  job->in.errors = nd_report_source_list_errors_finish (ND_REPORT_SOURCE (object), result, &error);
  if (job->in.errors == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (nd_server_info_has (job->in.info, ND_CAP_CHANNELS))
    nd_source_list_channels_async (ND_SOURCE (object), g_task_get_cancellable (task), channels_done,
                                   g_object_ref (task));
  else
    g_task_run_in_thread (task, write_thread);
}

static void
query_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  PdfJob *job = g_task_get_task_data (task);
  NdReportSource *source = g_task_get_source_object (task);
  GError *error = NULL;

  job->in.report = nd_facts_query_finish (ND_FACTS (object), result, &error);
  if (job->in.report == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  nd_report_source_list_errors_async (source, g_task_get_cancellable (task), errors_done,
                                      g_object_ref (task));
}

void
nd_report_pdf_write_async (NdReportSource *source, const NdReportPdfOptions *options,
                           const char *path, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  NdReportMeta *meta;
  NdServerInfo *info;
  PdfJob *job;
  GError *error = NULL;

  g_return_if_fail (ND_IS_REPORT_SOURCE (source));
  g_return_if_fail (path != NULL);

  task = g_task_new (source, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_report_pdf_write_async);
  meta = nd_report_source_get_meta (source);
  info = nd_source_get_info (ND_SOURCE (source));
  if (meta == NULL || info == NULL)
    {
      g_task_return_new_error (task, ND_ERROR, ND_ERROR_CONNECTION, _("The report is not open yet"));
      return;
    }
  job = g_new0 (PdfJob, 1);
  job->path = g_strdup (path);
  job->preset = g_strdup (options ? options->preset : NULL);
  job->in.meta = nd_report_meta_ref (meta);
  job->in.info = nd_server_info_ref (info);
  job->in.top_n = options && options->top_n > 0 ? options->top_n : 25;
  g_task_set_task_data (task, job, (GDestroyNotify) pdf_job_free);
  if (options != NULL && options->preset == NULL && (options->from > 0 || options->to > 0)
      ? !nd_report_meta_clamp_range (job->in.meta, options->from, options->to, &job->in.range, &error)
      : !nd_report_meta_get_range (job->in.meta, job->preset, &job->in.range, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  job->in.range.top_n = 0;
  nd_facts_query_async (nd_report_source_get_facts (source), &job->in.range, cancellable, query_done,
                        g_object_ref (task));
}

int
nd_report_pdf_write_finish (NdReportSource *source, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), 0);
  return (int) g_task_propagate_int (G_TASK (result), error);
}

/* ─── fonts ────────────────────────────────────────────────────────────── */

gboolean
nd_report_pdf_check_fonts (char **family, char **message)
{
  g_autoptr(NdChartStyle) style = nd_chart_style_new_light ();
  PangoFontMap *map = pango_cairo_font_map_get_default ();
  PangoContext *context = pango_font_map_create_context (map);
  PangoFontDescription *desc = pango_font_description_from_string (style->font_family);
  PangoFontset *fontset;
  PangoFont *font;
  gboolean ok = FALSE;

  /* 中: the first character of 中文, in the language that picks SC glyphs. */
  fontset = pango_font_map_load_fontset (map, context, desc, pango_language_from_string ("zh-cn"));
  font = fontset ? pango_fontset_get_font (fontset, 0x4E2D) : NULL;
  if (font != NULL && pango_font_has_char (font, 0x4E2D))
    {
      PangoFontDescription *found = pango_font_describe (font);

      ok = TRUE;
      if (family != NULL)
        *family = g_strdup (pango_font_description_get_family (found));
      pango_font_description_free (found);
    }
  else if (message != NULL)
    *message = g_strdup (_("No installed font has Chinese characters: they come out as boxes in "
                           "the PDF. Install a CJK font (on Debian: fonts-noto-cjk)."));
  g_clear_object (&font);
  g_clear_object (&fontset);
  g_object_unref (context);
  pango_font_description_free (desc);
  return ok;
}
