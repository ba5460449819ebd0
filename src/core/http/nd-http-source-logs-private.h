/* nd-http-source-logs-private.h — the log calls of NdHttpSource, split by seam
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   nd-http-source-logs-plan.c    an NdLogQuery → request streams and the
 *                                 checks rows must pass client-side
 *   nd-http-source-logs.c         keyset pages and the live tail
 *   nd-http-source-logs-counts.c  estimate and totals
 *   nd-http-source-logs-export.c  export
 */
#pragma once

#include "nd-http-source-private.h"

G_BEGIN_DECLS

#define ND_HTTP_LOG_PAGE_SIZE 100   /* the API's page_size maximum */

/* One request stream: the API takes one model_name and one channel. */
typedef struct {
  char *model;                 /* NULL = any */
  gint64 channel;              /* 0 = any */
} NdHttpLogStream;

typedef struct {
  NdLogQuery *query;
  GArray *streams;             /* (element-type NdHttpLogStream) */
} NdHttpLogPlan;

NdHttpLogPlan *_nd_http_log_plan_new        (NdHttpSource *self, const NdLogQuery *query,
                                             GError **error);
void           _nd_http_log_plan_free       (NdHttpLogPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdHttpLogPlan, _nd_http_log_plan_free)

/* The query string of one stream; @end overrides the range's end when > 0
 * (inclusive, as NewAPI's end_timestamp). */
GString       *_nd_http_log_stream_query    (const NdHttpLogPlan *plan, const NdHttpLogStream *s,
                                             int type, gint64 end);
/* The rows of one /api/log/ reply, in reply order (every number checked;
 * ND_ERROR_PROTOCOL for an impossible row); *@n_items counts the reply's
 * items, *@total is its `total` (-1 without). */
GPtrArray     *_nd_http_log_read_reply      (JsonNode *data, guint *n_items, gint64 *total,
                                             GError **error);
/* Rows a server may have matched too loosely (LIKE on old servers). */
gboolean       _nd_http_log_row_matches     (const NdHttpLogStream *s, const NdLog *log);
/* (created_at, id) descending, for g_ptr_array_sort of NdLog*. */
int            _nd_http_log_cmp_desc        (gconstpointer a, gconstpointer b);

void           _nd_http_source_class_init_log_counts (NdSourceClass *klass);
void           _nd_http_source_class_init_log_export (NdSourceClass *klass);

G_END_DECLS
