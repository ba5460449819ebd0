/* nd-chart-table.c — tables that break across pages, overview tiles and
 * wrapped text: what a printed report draws around the charts
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "nd-chart-private.h"

#define CELL_PAD_X 6.0
#define CELL_PAD_Y 5.0
#define MAX_WRAP_LINES 3

/* One line of body text at scale 1, in user units. */
static double
line_height (cairo_t *cr, const NdChartStyle *style, double scale)
{
  PangoLayout *layout = _nd_chart_layout (cr, style, "Ag中", scale, FALSE);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  g_object_unref (layout);
  return h;
}

static double
column_x (const NdChartTableData *d, double w, guint col, double *width)
{
  double total = 0, x = 0;

  for (guint i = 0; i < d->n_columns; i++)
    total += MAX (d->columns[i].width, 0.01);
  for (guint i = 0; i < col; i++)
    x += w * MAX (d->columns[i].width, 0.01) / total;
  *width = w * MAX (d->columns[col].width, 0.01) / total;
  return x;
}

static const char *
cell (const NdChartTableData *d, guint row, guint col)
{
  const char *s = d->cells[row * d->n_columns + col];

  return s ? s : "";
}

/* A cell's layout: one ellipsized line, or up to MAX_WRAP_LINES wrapped. */
static PangoLayout *
cell_layout (cairo_t *cr, const NdChartStyle *style, const NdChartColumn *column,
             const char *text, double width, gboolean bold)
{
  PangoLayout *layout = _nd_chart_layout (cr, style, text, 1, bold);

  pango_layout_set_width (layout, (int) (MAX (width - 2 * CELL_PAD_X, 4) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, column->align >= 0.5 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
  if (column->wrap)
    {
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_height (layout, -MAX_WRAP_LINES);
    }
  return layout;
}

static double
row_height (cairo_t *cr, const NdChartTableData *d, guint row, double w,
            const NdChartStyle *style, double line_h)
{
  double h = line_h;

  for (guint c = 0; c < d->n_columns; c++)
    {
      double cw;
      PangoLayout *layout;
      int lw, lh;

      if (!d->columns[c].wrap)
        continue;
      column_x (d, w, c, &cw);
      layout = cell_layout (cr, style, &d->columns[c], cell (d, row, c), cw, FALSE);
      pango_layout_get_pixel_size (layout, &lw, &lh);
      h = MAX (h, lh);
      g_object_unref (layout);
    }
  return h + 2 * CELL_PAD_Y;
}

static void
draw_row (cairo_t *cr, const NdChartTableData *d, const char * const *texts, double y,
          double w, double h, const NdChartStyle *style, NdRgba color, gboolean bold)
{
  for (guint c = 0; c < d->n_columns; c++)
    {
      double cw, x = column_x (d, w, c, &cw);
      PangoLayout *layout = cell_layout (cr, style, &d->columns[c], texts[c] ? texts[c] : "",
                                         cw, bold);

      cairo_save (cr);
      _nd_chart_set_color (cr, color);
      cairo_move_to (cr, x + CELL_PAD_X, y + CELL_PAD_Y);
      pango_cairo_show_layout (cr, layout);
      cairo_restore (cr);
      g_object_unref (layout);
    }
}

double
nd_chart_table_header_height (cairo_t *cr, const NdChartTableData *d, const NdChartStyle *style)
{
  return line_height (cr, style, 1) + 2 * CELL_PAD_Y + 2;
}

guint
nd_chart_table_draw (cairo_t *cr, double w, double h, const NdChartTableData *d, guint first_row,
                     const NdChartStyle *style, double *used)
{
  g_autofree const char **titles = NULL;
  double line_h, y, head_h;
  guint row;

  g_return_val_if_fail (d != NULL && d->n_columns > 0, first_row);

  if (used != NULL)
    *used = 0;
  if (d->n_rows == 0)
    {
      double eh = MIN (h, 48);

      _nd_chart_empty (cr, w, eh, style, d->empty_text);
      if (used != NULL)
        *used = eh;
      return 0;
    }
  line_h = line_height (cr, style, 1);
  head_h = nd_chart_table_header_height (cr, d, style);
  titles = g_new0 (const char *, d->n_columns);
  for (guint c = 0; c < d->n_columns; c++)
    titles[c] = d->columns[c].title;

  cairo_save (cr);
  /* The header, repeated wherever the table goes on. */
  draw_row (cr, d, titles, 0, w, head_h, style, style->dim, TRUE);
  _nd_chart_set_color (cr, style->fg);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, head_h - 0.5);
  cairo_line_to (cr, w, head_h - 0.5);
  cairo_stroke (cr);
  y = head_h;

  for (row = first_row; row < d->n_rows; row++)
    {
      double rh = row_height (cr, d, row, w, style, line_h);
      NdRgba color = d->alert != NULL && d->alert[row] ? style->error : style->fg;

      /* At least one row below a header, whatever the space: a header
       * alone at the foot of a page says nothing. */
      if (y + rh > h && row > first_row)
        break;
      if ((row - first_row) % 2 == 1)
        {
          NdRgba zebra = style->grid;

          zebra.a *= 0.5;
          _nd_chart_set_color (cr, zebra);
          cairo_rectangle (cr, 0, y, w, rh);
          cairo_fill (cr);
        }
      draw_row (cr, d, &d->cells[row * d->n_columns], y, w, rh, style, color, FALSE);
      y += rh;
    }
  _nd_chart_set_color (cr, style->grid);
  cairo_move_to (cr, 0, y - 0.5);
  cairo_line_to (cr, w, y - 0.5);
  cairo_stroke (cr);
  cairo_restore (cr);
  if (used != NULL)
    *used = y;
  return row;
}

/* ─── tiles and text ───────────────────────────────────────────────────── */

void
nd_chart_tile_draw (cairo_t *cr, double w, double h, const char *title, const char *value,
                    const char *detail, const NdChartStyle *style)
{
  double pad = 12;
  NdRgba border = style->grid;

  cairo_save (cr);
  _nd_chart_round_rect (cr, 0.5, 0.5, w - 1, h - 1, 8);
  _nd_chart_set_color (cr, style->bg);
  cairo_fill_preserve (cr);
  border.a = MIN (1, border.a * 2);
  _nd_chart_set_color (cr, border);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  _nd_chart_text (cr, style, title, pad, pad + 7, 0, w - 2 * pad, style->dim, 0.95, FALSE);
  _nd_chart_text (cr, style, value, pad, h / 2 + 2, 0, w - 2 * pad, style->fg, 1.9, TRUE);
  _nd_chart_text (cr, style, detail, pad, h - pad - 6, 0, w - 2 * pad, style->dim, 0.9, FALSE);
  cairo_restore (cr);
}

/* @text wrapped to @w; NULL for no text. */
static PangoLayout *
block_layout (cairo_t *cr, double w, const char *text, double scale, gboolean bold,
              const NdChartStyle *style)
{
  PangoLayout *layout;

  if (text == NULL || *text == '\0')
    return NULL;
  layout = _nd_chart_layout (cr, style, text, scale, bold);
  pango_layout_set_width (layout, (int) (MAX (w, 1) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  return layout;
}

double
nd_chart_text_block (cairo_t *cr, double x, double y, double w, const char *text, double scale,
                     gboolean bold, NdRgba color, const NdChartStyle *style)
{
  PangoLayout *layout = block_layout (cr, w, text, scale, bold, style);
  int lw, lh;

  if (layout == NULL)
    return 0;
  pango_layout_get_pixel_size (layout, &lw, &lh);
  cairo_save (cr);
  _nd_chart_set_color (cr, color);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  g_object_unref (layout);
  return lh;
}

double
nd_chart_text_block_height (cairo_t *cr, double w, const char *text, double scale, gboolean bold,
                            const NdChartStyle *style)
{
  PangoLayout *layout = block_layout (cr, w, text, scale, bold, style);
  int lw, lh;

  if (layout == NULL)
    return 0;
  pango_layout_get_pixel_size (layout, &lw, &lh);
  g_object_unref (layout);
  return lh;
}

double
nd_chart_text_line (cairo_t *cr, double x, double y, double align, const char *text, double scale,
                    gboolean bold, NdRgba color, const NdChartStyle *style)
{
  return _nd_chart_text (cr, style, text, x, y, align, -1, color, scale, bold);
}
