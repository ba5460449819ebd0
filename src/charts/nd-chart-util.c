/* nd-chart-util.c — text, scales and shapes shared by the renderers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "nd-chart-private.h"

void
_nd_chart_set_color (cairo_t *cr, NdRgba c)
{
  cairo_set_source_rgba (cr, c.r, c.g, c.b, c.a);
}

PangoLayout *
_nd_chart_layout (cairo_t *cr, const NdChartStyle *style, const char *text, double scale,
                  gboolean bold)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string (style->font_family);

  pango_font_description_set_size (font, (int) (style->font_size * scale * PANGO_SCALE));
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text ? text : "", -1);
  return layout;
}

double
_nd_chart_text_width (cairo_t *cr, const NdChartStyle *style, const char *text, double scale)
{
  PangoLayout *layout = _nd_chart_layout (cr, style, text, scale, FALSE);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  g_object_unref (layout);
  return w;
}

double
_nd_chart_text (cairo_t *cr, const NdChartStyle *style, const char *text, double x, double y,
                double align, double max_width, NdRgba color, double scale, gboolean bold)
{
  PangoLayout *layout;
  int w, h;

  if (text == NULL || *text == '\0')
    return 0;
  layout = _nd_chart_layout (cr, style, text, scale, bold);
  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_save (cr);
  _nd_chart_set_color (cr, color);
  cairo_move_to (cr, x - w * align, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  g_object_unref (layout);
  return w;
}

void
_nd_chart_empty (cairo_t *cr, double w, double h, const NdChartStyle *style, const char *text)
{
  _nd_chart_text (cr, style, text ? text : _("No data in this range"), w / 2, h / 2, 0.5, w - 16,
                  style->dim, 1.2, FALSE);
}

void
_nd_chart_round_rect (cairo_t *cr, double x, double y, double w, double h, double r)
{
  r = MIN (r, MIN (w, h) / 2);
  if (r <= 0.5)
    {
      cairo_rectangle (cr, x, y, w, h);
      return;
    }
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

char *
nd_chart_format_compact (double v)
{
  static const char *suffix[] = { "", "k", "M", "G", "T", "P", "E" };
  double a = fabs (v);
  guint i = 0;

  while (a >= 1000 && i < G_N_ELEMENTS (suffix) - 1)
    {
      a /= 1000;
      v /= 1000;
      i++;
    }
  /* Never an exponent: "%.2g" wrote 112.5 as "1.1e+02". */
  if (i == 0)
    return a == floor (a) || a >= 100 ? g_strdup_printf ("%.0f", v)
           : g_strdup_printf (a >= 10 ? "%.1f" : "%.2g", v);
  return g_strdup_printf (a < 10 ? "%.1f%s" : "%.0f%s", v, suffix[i]);
}

void
nd_chart_nice_scale (double max, int ticks, double *nice_max, double *step)
{
  double raw, mag, norm, s;

  if (!(max > 0) || !isfinite (max))
    max = 1;
  ticks = MAX (ticks, 1);
  raw = max / ticks;
  mag = pow (10, floor (log10 (raw)));
  norm = raw / mag;
  s = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  *step = s * mag;
  *nice_max = ceil (max / *step) * *step;
  if (*nice_max < max)
    *nice_max += *step;
}
