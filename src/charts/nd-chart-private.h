/* nd-chart-private.h — shared drawing helpers of the renderers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <pango/pangocairo.h>

#include "nd-charts.h"

G_BEGIN_DECLS

void         _nd_chart_set_color  (cairo_t *cr, NdRgba c);
PangoLayout *_nd_chart_layout     (cairo_t *cr, const NdChartStyle *style, const char *text,
                                   double scale, gboolean bold);
/* Draws @text with its left (align 0), centre (0.5) or right (1) at x and its
 * vertical centre at y, ellipsized to @max_width (≤ 0: no limit). Returns width. */
double       _nd_chart_text       (cairo_t *cr, const NdChartStyle *style, const char *text,
                                   double x, double y, double align, double max_width,
                                   NdRgba color, double scale, gboolean bold);
double       _nd_chart_text_width (cairo_t *cr, const NdChartStyle *style, const char *text,
                                   double scale);
void         _nd_chart_empty      (cairo_t *cr, double w, double h, const NdChartStyle *style,
                                   const char *text);
void         _nd_chart_round_rect (cairo_t *cr, double x, double y, double w, double h, double r);

G_END_DECLS
