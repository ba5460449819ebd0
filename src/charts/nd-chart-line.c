/* nd-chart-line.c — trend lines (requests, quota, errors) with hover values
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "nd-chart-private.h"

#define LEGEND_H 22.0
#define XAXIS_H 20.0
#define PAD 6.0
#define TICKS 4

typedef struct {
  double px, py, pw, ph;
  double left_max, left_step, right_max, right_step;
  gboolean has_right;
} Layout;

static char *
fmt (const NdChartSeries *s, double v)
{
  return s->format ? s->format (v, s->format_data) : nd_chart_format_compact (v);
}

static NdRgba
series_color (const NdChartStyle *style, const NdChartSeries *s)
{
  return s->color < 0 ? style->error : style->palette[s->color % ND_CHART_PALETTE_SIZE];
}

static gboolean
has_data (const NdChartLineData *d)
{
  return d != NULL && d->n_points > 0 && d->n_series > 0;
}

static void
compute_layout (cairo_t *cr, double w, double h, const NdChartLineData *d,
                const NdChartStyle *style, Layout *l)
{
  double lmax = 0, rmax = 0, lw = 0, rw = 0;

  for (guint s = 0; s < d->n_series; s++)
    for (guint i = 0; i < d->n_points; i++)
      {
        double v = d->series[s].values[i];

        if (!isfinite (v))
          continue;
        if (d->series[s].right_axis)
          rmax = MAX (rmax, v), l->has_right = TRUE;
        else
          lmax = MAX (lmax, v);
      }
  nd_chart_nice_scale (lmax, TICKS, &l->left_max, &l->left_step);
  nd_chart_nice_scale (rmax, TICKS, &l->right_max, &l->right_step);
  /* Both axes share the grid lines: each spans exactly TICKS of its own
   * nice steps, so every label is a round number (150 with 4 lines would
   * put 37.5 and 112.5 on the axis). */
  l->left_max = l->left_step * TICKS;
  l->right_max = l->right_step * TICKS;

  for (guint s = 0; s < d->n_series; s++)
    {
      g_autofree char *a = fmt (&d->series[s], d->series[s].right_axis ? l->right_max : l->left_max);
      double tw = cr ? _nd_chart_text_width (cr, style, a, 1) : 40;

      if (d->series[s].right_axis)
        rw = MAX (rw, tw);
      else
        lw = MAX (lw, tw);
    }
  l->px = PAD + lw + 6;
  l->py = LEGEND_H + PAD;
  l->pw = MAX (w - l->px - PAD - (l->has_right ? rw + 6 : 0), 1);
  l->ph = MAX (h - l->py - XAXIS_H - PAD, 1);
}

static double
x_at (const Layout *l, guint n, guint i)
{
  if (n <= 1)
    return l->px + l->pw / 2;
  return l->px + l->pw * i / (double) (n - 1);
}

static double
y_at (const Layout *l, const NdChartSeries *s, double v)
{
  double max = s->right_axis ? l->right_max : l->left_max;

  if (!isfinite (v) || max <= 0)
    v = 0;
  return l->py + l->ph - l->ph * CLAMP (v / max, 0, 1);
}

void
nd_chart_line_draw (cairo_t *cr, double w, double h, const NdChartLineData *d,
                    const NdChartStyle *style)
{
  Layout l = { 0 };
  double lx = PAD;
  guint label_every;

  if (!has_data (d))
    return _nd_chart_empty (cr, w, h, style, d ? d->empty_text : NULL);

  cairo_save (cr);
  compute_layout (cr, w, h, d, style, &l);

  /* Legend */
  for (guint s = 0; s < d->n_series; s++)
    {
      _nd_chart_set_color (cr, series_color (style, &d->series[s]));
      _nd_chart_round_rect (cr, lx, LEGEND_H / 2 - 4, 14, 8, 2);
      cairo_fill (cr);
      lx += 18;
      lx += _nd_chart_text (cr, style, d->series[s].name, lx, LEGEND_H / 2, 0, w / 3, style->fg, 1, FALSE);
      lx += 14;
    }

  /* Grid and axes */
  cairo_set_line_width (cr, 1);
  for (int t = 0; t <= TICKS; t++)
    {
      double y = round (l.py + l.ph - l.ph * t / (double) TICKS) + 0.5;

      _nd_chart_set_color (cr, style->grid);
      cairo_move_to (cr, l.px, y);
      cairo_line_to (cr, l.px + l.pw, y);
      cairo_stroke (cr);
      for (guint s = 0; s < d->n_series; s++)
        {
          const NdChartSeries *se = &d->series[s];
          g_autofree char *txt = NULL;

          /* Label each axis once, with the first series on it. */
          if (s > 0 && se->right_axis == d->series[0].right_axis)
            continue;
          if (s > 0)
            {
              gboolean seen = FALSE;

              for (guint p = 1; p < s; p++)
                seen |= d->series[p].right_axis == se->right_axis;
              if (seen)
                continue;
            }
          txt = fmt (se, (se->right_axis ? l.right_step : l.left_step) * t);
          if (se->right_axis)
            _nd_chart_text (cr, style, txt, l.px + l.pw + 6, y, 0, -1, style->dim, 1, FALSE);
          else
            _nd_chart_text (cr, style, txt, l.px - 6, y, 1, -1, style->dim, 1, FALSE);
        }
    }

  /* X labels, thinned to fit */
  label_every = 1;
  {
    double widest = 0;

    for (guint i = 0; i < d->n_points; i++)
      if (d->x_labels && d->x_labels[i])
        widest = MAX (widest, _nd_chart_text_width (cr, style, d->x_labels[i], 1));
    while (label_every < d->n_points && (widest + 10) * d->n_points / label_every > l.pw)
      label_every++;
  }
  for (guint i = 0; i < d->n_points; i += label_every)
    if (d->x_labels && d->x_labels[i])
      {
        /* centred under its point, but kept inside the chart */
        double tw = _nd_chart_text_width (cr, style, d->x_labels[i], 1);
        double x = CLAMP (x_at (&l, d->n_points, i) - tw / 2, 0, MAX (w - tw, 0));

        _nd_chart_text (cr, style, d->x_labels[i], x, l.py + l.ph + XAXIS_H / 2 + 2, 0,
                        -1, style->dim, 1, FALSE);
      }

  /* Series: a soft fill under the first, then the lines (or dots). */
  cairo_rectangle (cr, l.px - 4, l.py - 4, l.pw + 8, l.ph + 8);
  cairo_clip (cr);
  for (guint s = 0; s < d->n_series; s++)
    {
      const NdChartSeries *se = &d->series[s];
      NdRgba c = series_color (style, se);
      double lw = style->line_width * (style->high_contrast ? 1.5 : 1);

      if (d->n_points == 1)
        {
          _nd_chart_set_color (cr, c);
          cairo_arc (cr, x_at (&l, 1, 0), y_at (&l, se, se->values[0]), lw * 2.5, 0, 2 * G_PI);
          cairo_fill (cr);
          continue;
        }
      for (guint i = 0; i < d->n_points; i++)
        {
          double x = x_at (&l, d->n_points, i), y = y_at (&l, se, se->values[i]);

          if (i == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      if (s == 0)
        {
          cairo_path_t *path = cairo_copy_path (cr);

          cairo_line_to (cr, x_at (&l, d->n_points, d->n_points - 1), l.py + l.ph);
          cairo_line_to (cr, x_at (&l, d->n_points, 0), l.py + l.ph);
          cairo_close_path (cr);
          cairo_set_source_rgba (cr, c.r, c.g, c.b, 0.12);
          cairo_fill (cr);
          cairo_append_path (cr, path);
          cairo_path_destroy (path);
        }
      _nd_chart_set_color (cr, c);
      cairo_set_line_width (cr, lw);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke (cr);
    }
  cairo_reset_clip (cr);

  /* Hover: a rule, dots, and a box with the values. */
  if (d->hover >= 0 && (guint) d->hover < d->n_points)
    {
      guint i = (guint) d->hover;
      double x = x_at (&l, d->n_points, i), bw = 0, bh, bx, by, ty;
      g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

      _nd_chart_set_color (cr, style->dim);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, round (x) + 0.5, l.py);
      cairo_line_to (cr, round (x) + 0.5, l.py + l.ph);
      cairo_stroke (cr);
      g_ptr_array_add (lines, g_strdup (d->x_labels && d->x_labels[i] ? d->x_labels[i] : ""));
      for (guint s = 0; s < d->n_series; s++)
        {
          g_autofree char *v = fmt (&d->series[s], d->series[s].values[i]);

          _nd_chart_set_color (cr, series_color (style, &d->series[s]));
          cairo_arc (cr, x, y_at (&l, &d->series[s], d->series[s].values[i]), 4, 0, 2 * G_PI);
          cairo_fill (cr);
          g_ptr_array_add (lines, g_strdup_printf ("%s: %s", d->series[s].name, v));
        }
      for (guint k = 0; k < lines->len; k++)
        bw = MAX (bw, _nd_chart_text_width (cr, style, g_ptr_array_index (lines, k), 1));
      bw += 16;
      bh = lines->len * 16 + 10;
      bx = x + 10 + bw > w ? x - 10 - bw : x + 10;
      bx = MAX (bx, 0);
      by = l.py + 4;
      _nd_chart_set_color (cr, style->bg);
      _nd_chart_round_rect (cr, bx, by, bw, bh, 6);
      cairo_fill_preserve (cr);
      _nd_chart_set_color (cr, style->grid);
      cairo_stroke (cr);
      ty = by + 13;
      for (guint k = 0; k < lines->len; k++, ty += 16)
        _nd_chart_text (cr, style, g_ptr_array_index (lines, k), bx + 8, ty, 0, -1,
                        k == 0 ? style->dim : style->fg, 1, k > 0);
    }
  cairo_restore (cr);
}

int
nd_chart_line_hit (double w, double h, const NdChartLineData *d, double x, double y)
{
  Layout l = { 0 };
  double best = G_MAXDOUBLE;
  int idx = -1;

  if (!has_data (d))
    return -1;
  compute_layout (NULL, w, h, d, NULL, &l);
  if (x < l.px - 10 || x > l.px + l.pw + 10 || y < l.py - 4 || y > l.py + l.ph + 4)
    return -1;
  for (guint i = 0; i < d->n_points; i++)
    {
      double dist = fabs (x_at (&l, d->n_points, i) - x);

      if (dist < best)
        best = dist, idx = (int) i;
    }
  return idx;
}
