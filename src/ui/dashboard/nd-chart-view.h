/* nd-chart-view.h — a GTK widget drawing one src/charts renderer
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Holds its own copy of the data (immutable between setters), draws in
 * snapshot() through gtk_snapshot_append_cairo, takes its colours from
 * libadwaita's named colours in css_changed, reports hover and clicks by
 * index, exposes role IMG with a label and a description carrying the
 * numbers, and saves itself as PNG/SVG/PDF with the same renderer.
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-charts.h"

G_BEGIN_DECLS

typedef enum {
  ND_CHART_VIEW_LINE,
  ND_CHART_VIEW_DONUT,
  ND_CHART_VIEW_BARS,
  ND_CHART_VIEW_RANKING,
} NdChartViewKind;

#define ND_TYPE_CHART_VIEW_KIND (nd_chart_view_kind_get_type ())
GType nd_chart_view_kind_get_type (void) G_GNUC_CONST;

#define ND_TYPE_CHART_VIEW (nd_chart_view_get_type ())
G_DECLARE_FINAL_TYPE (NdChartView, nd_chart_view, ND, CHART_VIEW, GtkWidget)

GtkWidget *nd_chart_view_new          (NdChartViewKind kind, const char *title);
const char *nd_chart_view_get_title   (NdChartView *self);
void       nd_chart_view_set_empty_text (NdChartView *self, const char *text);
/* Data setters copy everything they are given. @description is the
 * accessible summary with the numbers. */
void       nd_chart_view_set_line     (NdChartView *self, const NdChartLineData *data,
                                       const char *description);
void       nd_chart_view_set_donut    (NdChartView *self, const NdChartDonutData *data,
                                       const char *description);
void       nd_chart_view_set_bars     (NdChartView *self, const NdChartBarsData *data,
                                       const char *description);
/* Drops the data (and the money settings it was formatted with): the
 * chart shows its empty state. */
void       nd_chart_view_clear        (NdChartView *self);
int        nd_chart_view_get_hover    (NdChartView *self);
/* The text the chart draws for @value on line series @series (axis and
 * hover), or NULL for another kind of chart (for tests). */
char      *nd_chart_view_format_value (NdChartView *self, guint series, double value);
/* Slice, bar or x-axis labels of the data shown (never NULL; for tests). */
const char * const *nd_chart_view_get_labels (NdChartView *self);
/* Draws the chart at w × h into @cr with the widget's current style. */
void       nd_chart_view_render       (NdChartView *self, cairo_t *cr, double w, double h);
/* Asks for a file (PNG, SVG or PDF by extension) and writes the chart. */
void       nd_chart_view_save_as      (NdChartView *self);
gboolean   nd_chart_view_write_file   (NdChartView *self, const char *path, double w, double h,
                                       GError **error);

G_END_DECLS
