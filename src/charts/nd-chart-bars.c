/* nd-chart-bars.c — horizontal bars (channel comparison) and ranking tables
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "nd-chart-private.h"

#define PAD 6.0

static double
row_height (const NdChartBarsData *d)
{
  return d->ranking ? 36.0 : 26.0;
}

double
nd_chart_bars_natural_height (const NdChartBarsData *d, const NdChartStyle *style)
{
  return d == NULL || d->n_bars == 0 ? 120 : d->n_bars * row_height (d) + 2 * PAD;
}

static double
max_of (const NdChartBarsData *d)
{
  double m = d->max;

  if (m <= 0)
    for (guint i = 0; i < d->n_bars; i++)
      m = MAX (m, MAX (d->bars[i].value, d->bars[i].value2));
  return m;
}

void
nd_chart_bars_draw (cairo_t *cr, double w, double h, const NdChartBarsData *d,
                    const NdChartStyle *style)
{
  double rh, max, label_w = 0, value_w = 0;
  NdRgba color;

  if (d == NULL || d->n_bars == 0)
    return _nd_chart_empty (cr, w, h, style, d ? d->empty_text : NULL);

  rh = row_height (d);
  max = max_of (d);
  color = style->palette[MAX (d->color, 0) % ND_CHART_PALETTE_SIZE];
  for (guint i = 0; i < d->n_bars; i++)
    value_w = MAX (value_w, _nd_chart_text_width (cr, style, d->bars[i].value_text, 1));
  if (!d->ranking)
    {
      for (guint i = 0; i < d->n_bars; i++)
        label_w = MAX (label_w, _nd_chart_text_width (cr, style, d->bars[i].label, 1));
      label_w = MIN (label_w, w * 0.32);
    }

  cairo_save (cr);
  for (guint i = 0; i < d->n_bars; i++)
    {
      const NdChartBar *b = &d->bars[i];
      double y = PAD + i * rh, cy = y + rh / 2;
      NdRgba c = b->alert ? style->error : color;
      NdRgba fg = d->hover == (int) i ? style->accent : style->fg;

      if (y + rh > h + 1)
        break;
      if (d->hover == (int) i)
        {
          NdRgba hl = style->grid;

          _nd_chart_set_color (cr, hl);
          _nd_chart_round_rect (cr, 0, y + 1, w, rh - 2, 6);
          cairo_fill (cr);
        }
      if (d->ranking)
        {
          g_autofree char *rank = g_strdup_printf ("%u", i + 1);
          double x0 = PAD + 22, bw = MAX (w - x0 - PAD, 1);
          double tw = _nd_chart_text (cr, style, b->value_text, w - PAD, cy - 6, 1, -1, fg, 1, TRUE);
          double dw = 0;

          _nd_chart_text (cr, style, rank, PAD + 8, cy - 6, 0.5, -1, style->dim, 1, FALSE);
          if (b->detail)
            dw = _nd_chart_text (cr, style, b->detail, w - PAD - tw - 12, cy - 6, 1, -1,
                                 style->dim, 0.9, FALSE);
          _nd_chart_text (cr, style, b->label, x0, cy - 6, 0, MAX (bw - tw - dw - 24, 10),
                          fg, 1, FALSE);
          /* the bar under the row */
          _nd_chart_set_color (cr, style->grid);
          _nd_chart_round_rect (cr, x0, cy + 7, bw, 5, 2.5);
          cairo_fill (cr);
          if (max > 0 && b->value > 0)
            {
              _nd_chart_set_color (cr, c);
              _nd_chart_round_rect (cr, x0, cy + 7, MAX (bw * CLAMP (b->value / max, 0, 1), 2), 5, 2.5);
              cairo_fill (cr);
            }
        }
      else
        {
          double x0 = PAD + label_w + 10;
          double bw = MAX (w - x0 - value_w - 10 - PAD, 1);
          double bh = rh * 0.55;

          _nd_chart_text (cr, style, b->label, PAD + label_w, cy, 1, label_w, fg, 1, FALSE);
          if (max > 0 && b->value2 > 0)
            {
              NdRgba c2 = c;

              c2.a *= 0.35;
              _nd_chart_set_color (cr, c2);
              _nd_chart_round_rect (cr, x0, cy - bh / 2, MAX (bw * CLAMP (b->value2 / max, 0, 1), 2), bh, 3);
              cairo_fill (cr);
            }
          if (max > 0 && b->value > 0)
            {
              _nd_chart_set_color (cr, c);
              _nd_chart_round_rect (cr, x0, cy - bh / 2, MAX (bw * CLAMP (b->value / max, 0, 1), 2), bh, 3);
              cairo_fill (cr);
            }
          _nd_chart_text (cr, style, b->value_text, w - PAD, cy, 1, -1, style->dim, 1, FALSE);
        }
    }
  cairo_restore (cr);
}

int
nd_chart_bars_hit (double w, double h, const NdChartBarsData *d, double x, double y)
{
  int row;

  if (d == NULL || d->n_bars == 0 || x < 0 || x > w)
    return -1;
  row = (int) floor ((y - PAD) / row_height (d));
  return row >= 0 && row < (int) d->n_bars ? row : -1;
}
