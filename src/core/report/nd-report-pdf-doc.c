/* nd-report-pdf-doc.c — the flow of a printed report: pages, margins,
 * running header, footer with page numbers, outline
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>

#include "nd-report-pdf-private.h"

#define PT_PER_PX (72.0 / 96.0)

void
_nd_pdf_doc_init (NdPdfDoc *doc, cairo_surface_t *surface, int n_pages, const char *running_header,
                  const char *footer, GCancellable *cancellable)
{
  memset (doc, 0, sizeof *doc);
  doc->surface = surface;
  doc->cr = cairo_create (surface);
  /* The surface counts in points; everything here in CSS pixels. */
  cairo_scale (doc->cr, PT_PER_PX, PT_PER_PX);
  doc->style = nd_chart_style_new_light ();
  /* Paper is white whatever the theme; text a little darker than on screen. */
  doc->style->fg.a = 0.87;
  doc->style->dim.a = 0.6;
  doc->x0 = ND_PDF_MARGIN_X;
  doc->width = ND_PDF_PAGE_W - 2 * ND_PDF_MARGIN_X;
  doc->top = ND_PDF_MARGIN_TOP;
  doc->bottom = ND_PDF_PAGE_H - ND_PDF_MARGIN_BOTTOM;
  doc->n_pages = n_pages;
  doc->running_header = g_strdup (running_header);
  doc->footer = g_strdup (footer);
  doc->cancellable = cancellable;
}

void
_nd_pdf_doc_clear (NdPdfDoc *doc)
{
  g_clear_pointer (&doc->cr, cairo_destroy);
  g_clear_pointer (&doc->style, nd_chart_style_free);
  g_clear_pointer (&doc->running_header, g_free);
  g_clear_pointer (&doc->footer, g_free);
}

static void
draw_footer (NdPdfDoc *doc)
{
  cairo_t *cr = doc->cr;
  double y = ND_PDF_PAGE_H - ND_PDF_MARGIN_BOTTOM + 34;
  g_autofree char *number = NULL;
  double nw = 90;

  if (doc->n_pages > 0)
    /* Translators: the footer of a printed report */
    number = g_strdup_printf (_("Page %d of %d"), doc->page, doc->n_pages);
  else
    number = g_strdup_printf (_("Page %d of %d"), doc->page, 999);
  cairo_save (cr);
  cairo_set_source_rgba (cr, doc->style->grid.r, doc->style->grid.g, doc->style->grid.b,
                         doc->style->grid.a * 2);
  cairo_set_line_width (cr, 0.75);
  cairo_move_to (cr, doc->x0, y - 12);
  cairo_line_to (cr, doc->x0 + doc->width, y - 12);
  cairo_stroke (cr);
  nd_chart_text_block (cr, doc->x0, y - 4, doc->width - nw - 12, doc->footer, 0.85, FALSE,
                       doc->style->dim, doc->style);

  nd_chart_text_line (cr, doc->x0 + doc->width, y + 4, 1, number, 0.85, FALSE, doc->style->dim,
                      doc->style);
  cairo_restore (cr);
}

static void
draw_running_header (NdPdfDoc *doc)
{
  cairo_t *cr = doc->cr;
  double y = ND_PDF_MARGIN_TOP - 40;

  nd_chart_text_block (cr, doc->x0, y, doc->width, doc->running_header, 0.85, FALSE,
                       doc->style->dim, doc->style);
  cairo_save (cr);
  cairo_set_source_rgba (cr, doc->style->accent.r, doc->style->accent.g, doc->style->accent.b, 1);
  cairo_set_line_width (cr, 1.5);
  cairo_move_to (cr, doc->x0, y + 22);
  cairo_line_to (cr, doc->x0 + 36, y + 22);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
_nd_pdf_new_page (NdPdfDoc *doc)
{
  if (doc->page > 0)
    {
      draw_footer (doc);
      cairo_show_page (doc->cr);
    }
  doc->page++;
  doc->y = doc->top;
  if (doc->page > 1 && doc->running_header != NULL)
    draw_running_header (doc);
}

void
_nd_pdf_ensure (NdPdfDoc *doc, double height)
{
  if (doc->page == 0 || (doc->y + height > doc->bottom && doc->y > doc->top))
    _nd_pdf_new_page (doc);
}

void
_nd_pdf_heading (NdPdfDoc *doc, const char *title, double keep_with)
{
  double th = nd_chart_text_block_height (doc->cr, doc->width, title, 1.55, TRUE, doc->style);
  double gap = doc->y > doc->top ? 28 : 0;

  _nd_pdf_ensure (doc, gap + th + 10 + keep_with);
  if (doc->y > doc->top)
    doc->y += gap;
  if (doc->n_pages > 0)
    {
      /* Bookmarks in the reader's sidebar, in points from the top-left. */
      g_autofree char *dest = g_strdup_printf ("page=%d pos=[%.1f %.1f]", doc->page,
                                               doc->x0 * PT_PER_PX, doc->y * PT_PER_PX);

      cairo_pdf_surface_add_outline (doc->surface, CAIRO_PDF_OUTLINE_ROOT, title, dest, 0);
    }
  nd_chart_text_block (doc->cr, doc->x0, doc->y, doc->width, title, 1.55, TRUE, doc->style->fg,
                       doc->style);
  doc->y += th + 10;
}

void
_nd_pdf_paragraph (NdPdfDoc *doc, const char *text, double scale, gboolean dim)
{
  double h = nd_chart_text_block_height (doc->cr, doc->width, text, scale, FALSE, doc->style);

  if (h <= 0)
    return;
  _nd_pdf_ensure (doc, h);
  nd_chart_text_block (doc->cr, doc->x0, doc->y, doc->width, text, scale, FALSE,
                       dim ? doc->style->dim : doc->style->fg, doc->style);
  doc->y += h + 8;
}

void
_nd_pdf_table (NdPdfDoc *doc, const NdChartTableData *table)
{
  guint row = 0;
  double head = nd_chart_table_header_height (doc->cr, table, doc->style);

  do
    {
      double used = 0;

      /* A header and a few rows at least, or the table starts overleaf. */
      _nd_pdf_ensure (doc, head + 3 * 24);
      cairo_save (doc->cr);
      cairo_translate (doc->cr, doc->x0, doc->y);
      row = nd_chart_table_draw (doc->cr, doc->width, doc->bottom - doc->y, table, row, doc->style,
                                 &used);
      cairo_restore (doc->cr);
      doc->y += used + 8;
      if (row < table->n_rows)
        _nd_pdf_new_page (doc);
    }
  while (row < table->n_rows && !g_cancellable_is_cancelled (doc->cancellable));
}

void
_nd_pdf_finish (NdPdfDoc *doc)
{
  if (doc->page == 0)
    _nd_pdf_new_page (doc);
  draw_footer (doc);
  cairo_show_page (doc->cr);
}
