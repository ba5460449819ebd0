/* nd-report-pdf-private.h — what the PDF files share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   nd-report-pdf.c        the async call: queries, then the file (temp + rename)
 *   nd-report-pdf-doc.c    pages, margins, headers, footers, outline: the flow
 *   nd-report-pdf-pages.c  what is on them: cover, charts, tables
 */
#pragma once

#include <cairo.h>

#include "nd-charts.h"
#include "nd-report-pdf.h"

G_BEGIN_DECLS

/* Everything a document is drawn from, read before drawing starts; the
 * drawing runs on a worker and only reads this. */
typedef struct {
  NdReportMeta *meta;
  NdServerInfo *info;         /* the report source's (caps) */
  NdFactsRange range;         /* tz_name points into meta */
  NdFactsReport *report;
  GPtrArray *errors;          /* (element-type NdReportError), NULL: not in the report */
  GPtrArray *channels;        /* (element-type NdChannel), NULL: not in the report */
  guint top_n;
} NdPdfInput;

/* A4 in CSS pixels (96 per inch): the renderers' units on screen, so a
 * chart on paper has the proportions it has in the window. */
#define ND_PDF_PAGE_W 793.7
#define ND_PDF_PAGE_H 1122.5
#define ND_PDF_MARGIN_X 68.0
#define ND_PDF_MARGIN_TOP 76.0
#define ND_PDF_MARGIN_BOTTOM 80.0

typedef struct {
  cairo_t *cr;
  cairo_surface_t *surface;
  NdChartStyle *style;
  GCancellable *cancellable;
  double x0, width;           /* the text column */
  double top, bottom;         /* of the content on a page */
  double y;                   /* where the next block goes */
  int page;                   /* 1-based; 0 before the first */
  int n_pages;                /* known on the second pass; 0 on the first */
  char *running_header;
  char *footer;
} NdPdfDoc;

void     _nd_pdf_doc_init      (NdPdfDoc *doc, cairo_surface_t *surface, int n_pages,
                                const char *running_header, const char *footer,
                                GCancellable *cancellable);
void     _nd_pdf_doc_clear     (NdPdfDoc *doc);
/* Ends the current page (footer) and starts the next one. */
void     _nd_pdf_new_page      (NdPdfDoc *doc);
/* Starts a new page unless @height fits below doc->y. */
void     _nd_pdf_ensure        (NdPdfDoc *doc, double height);
/* A section title (and an outline entry); keeps @keep_with below it on
 * the same page. */
void     _nd_pdf_heading       (NdPdfDoc *doc, const char *title, double keep_with);
/* Wrapped text of the column's width. */
void     _nd_pdf_paragraph     (NdPdfDoc *doc, const char *text, double scale, gboolean dim);
/* A table over as many pages as it takes, header repeated. */
void     _nd_pdf_table         (NdPdfDoc *doc, const NdChartTableData *table);
/* Ends the last page. */
void     _nd_pdf_finish        (NdPdfDoc *doc);

/* Draws the whole document; FALSE when cancelled. */
gboolean _nd_pdf_draw_document (NdPdfDoc *doc, const NdPdfInput *in);

G_END_DECLS
