/* nd-chart-donut.c — distribution donut (top N + "Other") with a legend
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "nd-chart-private.h"

#define ROW_H 20.0
#define PAD 8.0

typedef struct {
  double cx, cy, r_out, r_in;
  double lx, ly, lw;
} Layout;

static gboolean
has_other (const NdChartDonutData *d)
{
  return d->n_slices > 1 && d->last_is_other;
}

NdRgba
nd_chart_donut_color (const NdChartStyle *style, guint i, guint n, gboolean other)
{
  NdRgba grey = style->dim;

  if (other && i == n - 1)
    {
      grey.a = 0.35;
      return grey;
    }
  return style->palette[i % ND_CHART_PALETTE_SIZE];
}

static double
total_of (const NdChartDonutData *d)
{
  double t = 0;

  for (guint i = 0; d && i < d->n_slices; i++)
    t += MAX (d->slices[i].value, 0);
  return t;
}

static void
compute_layout (double w, double h, const NdChartDonutData *d, Layout *l)
{
  double size = MIN (h - 2 * PAD, w * 0.42);
  double legend_h = d->n_slices * ROW_H;

  size = MAX (size, 20);
  l->r_out = size / 2;
  l->r_in = l->r_out * 0.62;
  l->cx = PAD + l->r_out;
  l->cy = h / 2;
  l->lx = PAD * 3 + size;
  l->lw = MAX (w - l->lx - PAD, 10);
  l->ly = MAX (h / 2 - legend_h / 2, PAD) + ROW_H / 2;
}

void
nd_chart_donut_draw (cairo_t *cr, double w, double h, const NdChartDonutData *d,
                     const NdChartStyle *style)
{
  Layout l;
  double total = total_of (d), angle = -G_PI / 2;
  gboolean other;

  if (d == NULL || d->n_slices == 0 || !(total > 0))
    return _nd_chart_empty (cr, w, h, style, d ? d->empty_text : NULL);

  other = has_other (d);
  compute_layout (w, h, d, &l);
  cairo_save (cr);
  for (guint i = 0; i < d->n_slices; i++)
    {
      double frac = MAX (d->slices[i].value, 0) / total;
      double a1 = angle + frac * 2 * G_PI;
      double grow = d->hover == (int) i ? 4 : 0;
      NdRgba c = nd_chart_donut_color (style, i, d->n_slices, other);

      if (frac <= 0)
        continue;
      _nd_chart_set_color (cr, c);
      if (frac >= 0.9999)
        {
          cairo_arc (cr, l.cx, l.cy, l.r_out + grow, 0, 2 * G_PI);
          cairo_arc_negative (cr, l.cx, l.cy, l.r_in, 2 * G_PI, 0);
        }
      else
        {
          cairo_arc (cr, l.cx, l.cy, l.r_out + grow, angle, a1);
          cairo_arc_negative (cr, l.cx, l.cy, l.r_in, a1, angle);
        }
      cairo_close_path (cr);
      cairo_fill_preserve (cr);
      /* A thin gap in the background colour keeps neighbours apart. */
      _nd_chart_set_color (cr, style->bg);
      cairo_set_line_width (cr, style->high_contrast ? 2 : 1.2);
      cairo_stroke (cr);
      angle = a1;
    }

  if (d->center_title)
    _nd_chart_text (cr, style, d->center_title, l.cx, l.cy - (d->center_subtitle ? 7 : 0), 0.5,
                    l.r_in * 1.8, style->fg, 1.3, TRUE);
  if (d->center_subtitle)
    _nd_chart_text (cr, style, d->center_subtitle, l.cx, l.cy + 11, 0.5, l.r_in * 1.8,
                    style->dim, 0.9, FALSE);

  for (guint i = 0; i < d->n_slices; i++)
    {
      double y = l.ly + i * ROW_H;
      g_autofree char *pct = g_strdup_printf ("%.1f%%", 100 * MAX (d->slices[i].value, 0) / total);
      g_autofree char *right = d->slices[i].value_text
        ? g_strdup_printf ("%s  %s", d->slices[i].value_text, pct) : g_strdup (pct);
      double rw;
      NdRgba fg = d->hover == (int) i ? style->accent : style->fg;

      if (y > h)
        break;
      _nd_chart_set_color (cr, nd_chart_donut_color (style, i, d->n_slices, other));
      _nd_chart_round_rect (cr, l.lx, y - 5, 10, 10, 3);
      cairo_fill (cr);
      rw = _nd_chart_text (cr, style, right, l.lx + l.lw, y, 1, -1, style->dim, 1, FALSE);
      _nd_chart_text (cr, style, d->slices[i].label,
                      l.lx + 16, y, 0, MAX (l.lw - 16 - rw - 8, 10), fg, 1, FALSE);
    }
  cairo_restore (cr);
}

int
nd_chart_donut_hit (double w, double h, const NdChartDonutData *d, double x, double y)
{
  Layout l;
  double total = total_of (d), dx, dy, r, a, acc = 0;

  if (d == NULL || d->n_slices == 0 || !(total > 0))
    return -1;
  compute_layout (w, h, d, &l);
  if (x >= l.lx)
    {
      int row = (int) floor ((y - (l.ly - ROW_H / 2)) / ROW_H);

      return row >= 0 && row < (int) d->n_slices ? row : -1;
    }
  dx = x - l.cx;
  dy = y - l.cy;
  r = sqrt (dx * dx + dy * dy);
  if (r < l.r_in || r > l.r_out + 4)
    return -1;
  a = atan2 (dy, dx) + G_PI / 2;
  if (a < 0)
    a += 2 * G_PI;
  for (guint i = 0; i < d->n_slices; i++)
    {
      acc += MAX (d->slices[i].value, 0) / total * 2 * G_PI;
      if (a <= acc)
        return (int) i;
    }
  return (int) d->n_slices - 1;
}
