/* nd-chart-style.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>

#include "nd-chart-style.h"

NdRgba
nd_rgba_parse (const char *hex)
{
  NdRgba c = { 0, 0, 0, 1 };
  guint v = 0;

  if (hex != NULL && hex[0] == '#' && sscanf (hex + 1, "%6x", &v) == 1)
    {
      c.r = ((v >> 16) & 0xff) / 255.0;
      c.g = ((v >> 8) & 0xff) / 255.0;
      c.b = (v & 0xff) / 255.0;
    }
  return c;
}

/* The GNOME palette (blue_3, green_4, …) in an order where neighbours
 * differ in hue, so adjacent donut slices stay distinguishable. */
static const char * const light_palette[ND_CHART_PALETTE_SIZE] = {
  "#3584e4", "#33d17a", "#f6d32d", "#ff7800", "#e01b24",
  "#9141ac", "#986a44", "#2ec27e", "#1c71d8", "#c061cb",
};
static const char * const dark_palette[ND_CHART_PALETTE_SIZE] = {
  "#62a0ea", "#57e389", "#f8e45c", "#ffa348", "#f66151",
  "#c061cb", "#cdab8f", "#8ff0a4", "#99c1f1", "#dc8add",
};

static NdChartStyle *
style_new (gboolean dark)
{
  NdChartStyle *s = g_new0 (NdChartStyle, 1);

  s->fg = nd_rgba_parse (dark ? "#ffffff" : "#000000");
  s->fg.a = dark ? 1.0 : 0.8;
  s->dim = s->fg;
  s->dim.a = 0.55;
  s->grid = s->fg;
  s->grid.a = 0.12;
  s->bg = nd_rgba_parse (dark ? "#303030" : "#ffffff");
  s->accent = nd_rgba_parse (dark ? "#78aeed" : "#1c71d8");
  s->error = nd_rgba_parse (dark ? "#ff7b63" : "#c01c28");
  s->success = nd_rgba_parse (dark ? "#8ff0a4" : "#26a269");
  for (guint i = 0; i < ND_CHART_PALETTE_SIZE; i++)
    s->palette[i] = nd_rgba_parse ((dark ? dark_palette : light_palette)[i]);
  s->font_family = g_strdup ("Cantarell, Noto Sans CJK SC, sans-serif");
  s->font_size = 9.0;
  s->line_width = 2.0;
  return s;
}

NdChartStyle *nd_chart_style_new_light (void) { return style_new (FALSE); }
NdChartStyle *nd_chart_style_new_dark (void) { return style_new (TRUE); }

NdChartStyle *
nd_chart_style_copy (const NdChartStyle *style)
{
  NdChartStyle *copy = g_memdup2 (style, sizeof *style);

  copy->font_family = g_strdup (style->font_family);
  return copy;
}

void
nd_chart_style_free (NdChartStyle *style)
{
  if (style == NULL)
    return;
  g_free (style->font_family);
  g_free (style);
}
