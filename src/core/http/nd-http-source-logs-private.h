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
  char *username;              /* sent as `username`: the query's, the user_id's
                                * name, or the token_id's owner once known */
  gboolean matches_nothing;    /* user_id and username name different users */
  gboolean scans;              /* rows are filtered here (user_id, token_id) beyond
                                * what the server filtered: a page scans a bounded
                                * number */
  GHashTable *names;           /* the source's (see _nd_http_source_get_log_names) */
} NdHttpLogPlan;

void           _nd_http_log_plan_free       (NdHttpLogPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdHttpLogPlan, _nd_http_log_plan_free)

/* Plans @query for @task, whose source object is the NdHttpSource: checks
 * what the API cannot do, looks up the name of a user_id filter (one
 * request the first time, then remembered), and calls @then with the plan
 * (@then owns it). On failure @task returns the error and @then is not
 * called. Holds a ref on @task meanwhile. */
typedef void (*NdHttpLogPlanned) (GTask *task, NdHttpLogPlan *plan);
void           _nd_http_log_plan_then       (GTask *task, const NdLogQuery *query,
                                             NdHttpLogPlanned then);

/* The query string of one stream; @end overrides the range's end when > 0
 * (inclusive, as NewAPI's end_timestamp). */
GString       *_nd_http_log_stream_query    (const NdHttpLogPlan *plan, const NdHttpLogStream *s,
                                             int type, gint64 end);
/* The rows of one /api/log/ reply, in reply order (every number checked;
 * ND_ERROR_PROTOCOL for an impossible row); *@n_items counts the reply's
 * items, *@total is its `total` (-1 without). */
GPtrArray     *_nd_http_log_read_reply      (JsonNode *data, guint *n_items, gint64 *total,
                                             GError **error);
/* Whether @log belongs: rows a server may have matched too loosely (LIKE on
 * old servers), and the filters the API lacks (user_id, token_id). A row
 * of the filtered token teaches the plan's source who owns the token. */
gboolean       _nd_http_log_row_matches     (NdHttpLogPlan *plan, const NdHttpLogStream *s,
                                             const NdLog *log);
/* (created_at, id) descending, for g_ptr_array_sort of NdLog*. */
int            _nd_http_log_cmp_desc        (gconstpointer a, gconstpointer b);

void           _nd_http_source_class_init_log_counts (NdSourceClass *klass);
void           _nd_http_source_class_init_log_export (NdSourceClass *klass);

G_END_DECLS
