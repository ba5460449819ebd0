/* test-charts.c — the renderers, checked pixel by pixel on image surfaces
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "nd-charts.h"

static cairo_surface_t *
surface (int w, int h, const NdChartStyle *style)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (s);

  cairo_set_source_rgb (cr, style->bg.r, style->bg.g, style->bg.b);
  cairo_paint (cr);
  cairo_destroy (cr);
  return s;
}

static void
pixel (cairo_surface_t *s, int x, int y, double *r, double *g, double *b)
{
  guint32 p;

  cairo_surface_flush (s);
  p = *(guint32 *) (cairo_image_surface_get_data (s) + y * cairo_image_surface_get_stride (s) + x * 4);
  *r = ((p >> 16) & 0xff) / 255.0;
  *g = ((p >> 8) & 0xff) / 255.0;
  *b = (p & 0xff) / 255.0;
}

static gboolean
is_color (cairo_surface_t *s, int x, int y, NdRgba c)
{
  double r, g, b;

  pixel (s, x, y, &r, &g, &b);
  return fabs (r - c.r) < 0.02 && fabs (g - c.g) < 0.02 && fabs (b - c.b) < 0.02;
}

/* Pixels of colour @c in the surface. */
static guint
count_color (cairo_surface_t *s, NdRgba c)
{
  guint n = 0;

  for (int y = 0; y < cairo_image_surface_get_height (s); y++)
    for (int x = 0; x < cairo_image_surface_get_width (s); x++)
      n += is_color (s, x, y, c);
  return n;
}

static void
test_bar_heights (void)
{
  g_autoptr(NdChartStyle) style = nd_chart_style_new_light ();
  NdChartBar bars[] = {
    { "OpenAI", 100, -1, "100", NULL, FALSE },
    { "a very long channel name that must be ellipsized somewhere", 50, -1, "50", NULL, FALSE },
    { "errors", 25, -1, "25", NULL, TRUE },
  };
  NdChartBarsData d = { G_N_ELEMENTS (bars), bars, 0, 0, FALSE, -1, NULL };
  cairo_surface_t *s = surface (400, 100, style);
  cairo_t *cr = cairo_create (s);
  int len[3] = { 0 };

  nd_chart_bars_draw (cr, 400, 100, &d, style);
  cairo_destroy (cr);
  /* Bar lengths in row centres: proportional to the values. */
  for (int i = 0; i < 3; i++)
    {
      int y = (int) (6 + i * 26 + 13);
      NdRgba c = i == 2 ? style->error : style->palette[0];

      for (int x = 0; x < 400; x++)
        len[i] += is_color (s, x, y, c);
    }
  g_test_message ("bar lengths %d %d %d", len[0], len[1], len[2]);
  g_assert_cmpint (len[0], >, 100);
  g_assert_cmpint (abs (len[1] * 2 - len[0]), <=, 4);
  g_assert_cmpint (abs (len[2] * 4 - len[0]), <=, 6);
  /* hit test finds the rows */
  g_assert_cmpint (nd_chart_bars_hit (400, 100, &d, 200, 6 + 26 + 13), ==, 1);
  g_assert_cmpint (nd_chart_bars_hit (400, 100, &d, 200, 99), ==, -1);
  cairo_surface_destroy (s);
}

static void
test_donut_colors (void)
{
  g_autoptr(NdChartStyle) style = nd_chart_style_new_dark ();
  NdChartSlice slices[] = {
    { "gpt-4o", 50, "50", }, { "claude", 25, "25" }, { "Other", 25, "25" },
  };
  NdChartDonutData d = { 3, slices, TRUE, "100", "requests", -1, NULL };
  cairo_surface_t *s = surface (400, 200, style);
  cairo_t *cr = cairo_create (s);
  double cx = 8 + 92, cy = 100, r = 92 * 0.81;
  NdRgba other = nd_chart_donut_color (style, 2, 3, TRUE);

  nd_chart_donut_draw (cr, 400, 200, &d, style);
  cairo_destroy (cr);
  /* Slices start at 12 o'clock, clockwise: first half palette 0 (right),
   * then palette 1 (lower left quarter), then the grey "Other". */
  g_assert_true (is_color (s, (int) (cx + r), (int) cy, style->palette[0]));
  g_assert_true (is_color (s, (int) (cx - r * 0.7), (int) (cy + r * 0.7), style->palette[1]));
  g_assert_false (is_color (s, (int) (cx - r * 0.7), (int) (cy - r * 0.7), style->palette[0]));
  g_assert_false (is_color (s, (int) (cx - r * 0.7), (int) (cy - r * 0.7), style->palette[1]));
  /* "Other" is the translucent grey over the background, not a palette
   * colour a model could have. */
  {
    NdRgba blend = {
      other.r * other.a + style->bg.r * (1 - other.a),
      other.g * other.a + style->bg.g * (1 - other.a),
      other.b * other.a + style->bg.b * (1 - other.a), 1,
    };

    g_assert_cmpfloat (other.a, <, 1);
    g_assert_true (is_color (s, (int) (cx - r * 0.7), (int) (cy - r * 0.7), blend));
    for (int i = 0; i < ND_CHART_PALETTE_SIZE; i++)
      g_assert_false (is_color (s, (int) (cx - r * 0.7), (int) (cy - r * 0.7), style->palette[i]));
  }
  /* the hole is background */
  g_assert_true (is_color (s, (int) cx, (int) cy + 30, style->bg));
  /* hit testing */
  g_assert_cmpint (nd_chart_donut_hit (400, 200, &d, cx + r, cy), ==, 0);
  g_assert_cmpint (nd_chart_donut_hit (400, 200, &d, cx - r * 0.7, cy + r * 0.7), ==, 1);
  g_assert_cmpint (nd_chart_donut_hit (400, 200, &d, cx - r * 0.7, cy - r * 0.7), ==, 2);
  g_assert_cmpint (nd_chart_donut_hit (400, 200, &d, cx, cy), ==, -1);
  cairo_surface_destroy (s);
}

static void
test_empty_states (void)
{
  g_autoptr(NdChartStyle) style = nd_chart_style_new_light ();
  double zeros[3] = { 0, 0, 0 };
  NdChartLineData line = { 0 };
  NdChartSlice slices[] = { { "a", 0, NULL } };
  NdChartDonutData donut = { 1, slices, FALSE, NULL, NULL, -1, "Nothing" };
  NdChartBarsData bars = { 0, NULL, 0, 0, FALSE, -1, NULL };
  cairo_surface_t *s;
  cairo_t *cr;

  line.n_points = 0;
  line.n_series = 1;
  line.series[0] = (NdChartSeries) { "Requests", zeros, 0, FALSE, NULL, NULL };
  line.hover = -1;
  s = surface (300, 150, style);
  cr = cairo_create (s);
  nd_chart_line_draw (cr, 300, 150, &line, style);
  nd_chart_donut_draw (cr, 300, 150, &donut, style);
  nd_chart_bars_draw (cr, 300, 150, &bars, style);
  cairo_destroy (cr);
  /* No series colour anywhere: only the empty-state text. */
  for (int i = 0; i < 3; i++)
    g_assert_cmpuint (count_color (s, style->palette[i]), ==, 0);
  g_assert_cmpint (nd_chart_line_hit (300, 150, &line, 150, 75), ==, -1);
  g_assert_cmpint (nd_chart_donut_hit (300, 150, &donut, 60, 75), ==, -1);
  cairo_surface_destroy (s);
}

static void
test_line (void)
{
  g_autoptr(NdChartStyle) style = nd_chart_style_new_light ();
  double req[4] = { 0, 1e12, 5e11, 0 };   /* huge values */
  double one[1] = { 42 };
  const char *labels[4] = { "00:00", "01:00", "02:00", "03:00" };
  NdChartLineData d = { 0 };
  cairo_surface_t *s = surface (400, 200, style);
  cairo_t *cr = cairo_create (s);
  guint blue;

  d.n_points = 4;
  d.x_labels = labels;
  d.n_series = 1;
  d.series[0] = (NdChartSeries) { "Requests", req, 0, FALSE, NULL, NULL };
  d.hover = 1;
  nd_chart_line_draw (cr, 400, 200, &d, style);
  cairo_destroy (cr);
  blue = count_color (s, style->palette[0]);
  g_assert_cmpuint (blue, >, 200);
  /* The peak reaches the top part of the plot, the ends sit on the axis. */
  {
    gboolean top = FALSE;

    for (int y = 20; y < 60 && !top; y++)
      for (int x = 0; x < 400 && !top; x++)
        top = is_color (s, x, y, style->palette[0]);
    g_assert_true (top);
  }
  cairo_surface_destroy (s);
  g_assert_cmpint (nd_chart_line_hit (400, 200, &d, 399, 100), ==, 3);

  /* A single point is a dot, not nothing. */
  s = surface (200, 120, style);
  cr = cairo_create (s);
  d.n_points = 1;
  d.series[0].values = one;
  d.hover = -1;
  nd_chart_line_draw (cr, 200, 120, &d, style);
  cairo_destroy (cr);
  g_assert_cmpuint (count_color (s, style->palette[0]), >, 10);
  cairo_surface_destroy (s);
}

static char *
record_tick (double value, gpointer ticks)
{
  g_array_append_val ((GArray *) ticks, value);
  return g_strdup_printf ("%g", value);
}

/* The axis is labelled with round numbers only: a peak of 150 gives
 * 0, 50, 100, 150, 200, not 37.5 and 112.5. */
static void
test_line_axis_ticks (void)
{
  g_autoptr(NdChartStyle) style = nd_chart_style_new_light ();
  g_autoptr(GArray) ticks = g_array_new (FALSE, FALSE, sizeof (double));
  double values[3] = { 20, 150, 60 };
  const char *labels[3] = { "a", "b", "c" };
  NdChartLineData d = { 0 };
  cairo_surface_t *s = surface (400, 200, style);
  cairo_t *cr = cairo_create (s);

  d.n_points = 3;
  d.x_labels = labels;
  d.n_series = 1;
  d.hover = -1;
  d.series[0] = (NdChartSeries) { "Requests", values, 0, FALSE, record_tick, ticks };
  nd_chart_line_draw (cr, 400, 200, &d, style);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  g_assert_cmpuint (ticks->len, >=, 5);
  /* The last five values asked for are the grid labels, bottom up. */
  for (guint i = 0; i < 5; i++)
    g_assert_cmpfloat (g_array_index (ticks, double, ticks->len - 5 + i), ==, 50.0 * i);
}

static void
test_helpers (void)
{
  double m, step;
  g_autofree char *a = nd_chart_format_compact (1234);
  g_autofree char *b = nd_chart_format_compact (5.6e9);
  g_autofree char *c = nd_chart_format_compact (12);

  g_assert_cmpstr (a, ==, "1.2k");
  g_assert_cmpstr (b, ==, "5.6G");
  g_assert_cmpstr (c, ==, "12");
  /* Axis ticks are never written with an exponent. */
  {
    g_autofree char *d = nd_chart_format_compact (112.5);
    g_autofree char *e = nd_chart_format_compact (37.5);
    g_autofree char *f = nd_chart_format_compact (0.25);

    g_assert_cmpstr (d, ==, "112");
    g_assert_cmpstr (e, ==, "37.5");
    g_assert_cmpstr (f, ==, "0.25");
  }
  nd_chart_nice_scale (87, 4, &m, &step);
  g_assert_cmpfloat (m, ==, 100);
  g_assert_cmpfloat (step, ==, 25);
  nd_chart_nice_scale (0, 4, &m, &step);
  g_assert_cmpfloat (m, >, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/charts/bars/heights", test_bar_heights);
  g_test_add_func ("/charts/donut/colors", test_donut_colors);
  g_test_add_func ("/charts/empty", test_empty_states);
  g_test_add_func ("/charts/line", test_line);
  g_test_add_func ("/charts/line/axis-ticks", test_line_axis_ticks);
  g_test_add_func ("/charts/helpers", test_helpers);
  return g_test_run ();
}
