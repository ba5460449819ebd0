/* nd-charts.h — pure cairo + pango chart renderers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each renderer draws immutable data into a cairo context of w × h user
 * units with an NdChartStyle: the same code draws the dashboard widgets, the
 * PNG/SVG/PDF "Save chart as…" files and reports. Values arrive as doubles
 * with their labels already formatted (money goes through NdMoney in the
 * caller). Every renderer draws an empty state (the @empty_text, no series)
 * when there is nothing to show, and each has a hit-test helper returning
 * the index under a point, or -1.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "nd-chart-style.h"

G_BEGIN_DECLS

/* ─── line: trend with up to 3 series, hover values ─────────────────────── */

#define ND_CHART_LINE_MAX_SERIES 3

typedef struct {
  const char *name;        /* legend */
  const double *values;    /* n_points values */
  int color;               /* palette index, or -1 = error colour */
  gboolean right_axis;     /* scaled on its own axis on the right */
  char *(*format) (double value, gpointer user_data);  /* axis/hover text; NULL = number */
  gpointer format_data;
  /* How a holder of the data (NdChartView) copies and frees @format_data,
   * so a chart never points into settings it does not own: money settings
   * live in a session's server info, which a reconnect frees. NULL: the
   * caller keeps @format_data alive as long as the data. */
  gpointer (*format_data_copy) (gpointer data);
  GDestroyNotify format_data_free;
} NdChartSeries;

typedef struct {
  guint n_points;
  const char * const *x_labels;   /* n_points labels ("14:00", "Mon 3") */
  guint n_series;
  NdChartSeries series[ND_CHART_LINE_MAX_SERIES];
  int hover;                      /* point index to highlight with values, -1 none */
  const char *empty_text;
} NdChartLineData;

void nd_chart_line_draw (cairo_t *cr, double w, double h, const NdChartLineData *data,
                         const NdChartStyle *style);
int  nd_chart_line_hit  (double w, double h, const NdChartLineData *data, double x, double y);

/* ─── donut with legend ─────────────────────────────────────────────────── */

typedef struct {
  const char *label;
  double value;
  const char *value_text;         /* shown in the legend; NULL = percentage only */
} NdChartSlice;

typedef struct {
  guint n_slices;                 /* already top N + "Other" */
  const NdChartSlice *slices;
  gboolean last_is_other;         /* the last slice is "Other": drawn grey */
  const char *center_title;       /* e.g. total requests */
  const char *center_subtitle;
  int hover;
  const char *empty_text;
} NdChartDonutData;

void nd_chart_donut_draw (cairo_t *cr, double w, double h, const NdChartDonutData *data,
                          const NdChartStyle *style);
int  nd_chart_donut_hit  (double w, double h, const NdChartDonutData *data, double x, double y);
/* Palette index of slice @i (the "Other" slice, last when @has_other, is grey). */
NdRgba nd_chart_donut_color (const NdChartStyle *style, guint i, guint n, gboolean has_other);

/* ─── horizontal bars and ranking tables ────────────────────────────────── */

typedef struct {
  const char *label;
  double value;                   /* bar length */
  double value2;                  /* second, lighter bar behind (p95 behind p50); < 0 none */
  const char *value_text;         /* right-hand text */
  const char *detail;             /* ranking: second column (e.g. "1 234 req"), may be NULL */
  gboolean alert;                 /* draw in the error colour */
} NdChartBar;

typedef struct {
  guint n_bars;
  const NdChartBar *bars;
  int color;                      /* palette index */
  double max;                     /* 0 = max of the values */
  gboolean ranking;               /* table look: rank numbers, label column, bar under text */
  int hover;
  const char *empty_text;
} NdChartBarsData;

void   nd_chart_bars_draw (cairo_t *cr, double w, double h, const NdChartBarsData *data,
                           const NdChartStyle *style);
int    nd_chart_bars_hit  (double w, double h, const NdChartBarsData *data, double x, double y);
/* Height the bars want for @n rows (for the widget's measure). */
double nd_chart_bars_natural_height (const NdChartBarsData *data, const NdChartStyle *style);

/* ─── tables, tiles and text (printed reports) ──────────────────────────── */

typedef struct {
  const char *title;
  double width;                   /* share of the table's width (a weight) */
  double align;                   /* 0 left, 1 right (numbers) */
  gboolean wrap;                  /* up to 3 lines instead of one ellipsized line */
} NdChartColumn;

typedef struct {
  guint n_columns;
  const NdChartColumn *columns;
  guint n_rows;
  const char * const *cells;      /* row-major, n_rows × n_columns; NULL = "" */
  const gboolean *alert;          /* per row, may be NULL: the row in the error colour */
  const char *empty_text;
} NdChartTableData;

/* Draws the header and the rows from @first_row on that fit in @h (always
 * at least one), so a table can go on on the next page with its header
 * again. Returns the first row not drawn (n_rows when done); *@used is
 * the height drawn. */
guint  nd_chart_table_draw          (cairo_t *cr, double w, double h, const NdChartTableData *data,
                                     guint first_row, const NdChartStyle *style, double *used);
double nd_chart_table_header_height (cairo_t *cr, const NdChartTableData *data,
                                     const NdChartStyle *style);
/* An overview card: @title, a big @value and a @detail line, in a frame. */
void   nd_chart_tile_draw           (cairo_t *cr, double w, double h, const char *title,
                                     const char *value, const char *detail,
                                     const NdChartStyle *style);
/* Wrapped text at (@x, @y) in @w; returns its height. */
double nd_chart_text_block          (cairo_t *cr, double x, double y, double w, const char *text,
                                     double scale, gboolean bold, NdRgba color,
                                     const NdChartStyle *style);
/* One line with its left (@align 0), centre (0.5) or right (1) at @x and
 * its middle at @y; returns its width. */
double nd_chart_text_line           (cairo_t *cr, double x, double y, double align,
                                     const char *text, double scale, gboolean bold, NdRgba color,
                                     const NdChartStyle *style);
double nd_chart_text_block_height   (cairo_t *cr, double w, const char *text, double scale,
                                     gboolean bold, const NdChartStyle *style);

/* ─── helpers ───────────────────────────────────────────────────────────── */

/* "1.2k", "3.4M", "5.6G": compact numbers for axes. */
char  *nd_chart_format_compact (double value);
/* A "nice" axis maximum ≥ @max and its step for about @ticks ticks. */
void   nd_chart_nice_scale     (double max, int ticks, double *nice_max, double *step);

G_END_DECLS
