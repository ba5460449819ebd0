/* nd-chart-style.h — colours and fonts a chart renderer draws with
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Renderers in src/charts are pure cairo + pango: the widget fills this from
 * libadwaita's named colours, PDF/PNG export fills it from the light palette.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  double r, g, b, a;
} NdRgba;

#define ND_CHART_PALETTE_SIZE 10

typedef struct {
  NdRgba fg;            /* text */
  NdRgba dim;           /* secondary text, axis labels */
  NdRgba grid;
  NdRgba bg;            /* surface the chart sits on */
  NdRgba accent;
  NdRgba error;
  NdRgba success;
  NdRgba palette[ND_CHART_PALETTE_SIZE];
  char *font_family;
  double font_size;     /* points */
  double line_width;
  gboolean high_contrast;
} NdChartStyle;

NdChartStyle *nd_chart_style_new_light (void);
NdChartStyle *nd_chart_style_new_dark  (void);
NdChartStyle *nd_chart_style_copy      (const NdChartStyle *style);
void          nd_chart_style_free      (NdChartStyle *style);
NdRgba        nd_rgba_parse            (const char *hex);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdChartStyle, nd_chart_style_free)

G_END_DECLS
