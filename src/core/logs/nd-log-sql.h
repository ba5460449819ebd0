/* nd-log-sql.h — NdLogQuery as parameterised SQL over NewAPI's logs table
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every value travels as a text parameter ($n); only column names from a
 * fixed list are ever written into the SQL text. Filters match the way
 * NewAPI's own log list matches them, all exact:
 *   from/to        created_at >= from AND created_at < to   (half-open)
 *   type           type = N (0 = all types)
 *   username       username = S
 *   token_name     token_name = S
 *   models         model_name = ANY (S[])   (exact, never LIKE: a name
 *                  containing % or _ matches only itself)
 *   channels       channel_id = ANY (N[])
 *   group          "group" = S
 *   ip             ip = S
 *   request_id     request_id = S (only where the column exists; asking for
 *                  it on an older server is ND_ERROR_UNSUPPORTED)
 *
 * Keyset paging is on (created_at, id) DESC. On installs whose
 * idx_created_at_id is still (id, created_at) (before rc.11) a row-value
 * comparison cannot use that index, so the legacy form adds a plain
 * `created_at <= $c` bound that idx_created_at_type (created_at, type) serves
 * with an incremental sort on id.
 */
#pragma once

#include <glib.h>

#include "nd-log-query.h"

G_BEGIN_DECLS

typedef struct {
  GString *sql;
  GPtrArray *params;        /* (element-type utf8) text parameters */
} NdLogSql;

/* The column list every log query selects, in this order (see
 * nd_log_sql_row_to_log). @has_request_id FALSE selects NULLs instead. */
const char *nd_log_sql_columns     (gboolean has_request_id);

NdLogSql   *nd_log_sql_new         (void);
void        nd_log_sql_free        (NdLogSql *s);
/* Adds a parameter and returns its "$n" placeholder (owned by @s). */
const char *nd_log_sql_param       (NdLogSql *s, const char *value);
const char *nd_log_sql_param_int   (NdLogSql *s, gint64 value);

/* Appends " AND <cond>" for every filter of @query. FALSE with
 * ND_ERROR_UNSUPPORTED when it asks for request_id and the column is
 * missing. */
gboolean    nd_log_sql_add_filters (NdLogSql *s, const NdLogQuery *query,
                                    gboolean has_request_id, GError **error);

/* SELECT <columns> FROM logs WHERE <filters> [AND keyset < after]
 * ORDER BY created_at DESC, id DESC LIMIT limit */
NdLogSql   *nd_log_sql_page        (const NdLogQuery *query, const NdLogCursor *after,
                                    guint limit, gboolean legacy_index,
                                    gboolean has_request_id, GError **error);
/* Same filters, rows with id > after_id, ORDER BY id ASC LIMIT limit. */
NdLogSql   *nd_log_sql_tail        (const NdLogQuery *query, gint64 after_id, guint limit,
                                    gboolean has_request_id, GError **error);
/* SELECT <columns> … ORDER BY created_at DESC, id DESC without a limit, for
 * a server-side cursor (export). */
NdLogSql   *nd_log_sql_export      (const NdLogQuery *query, gboolean has_request_id,
                                    GError **error);
/* "SELECT … FROM logs WHERE <filters>" with @select_list. */
NdLogSql   *nd_log_sql_select      (const NdLogQuery *query, const char *select_list,
                                    gboolean has_request_id, GError **error);

/* PostgreSQL array literal for text values: {"a","b\"c"} */
char       *nd_log_sql_text_array  (GPtrArray *values);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdLogSql, nd_log_sql_free)

G_END_DECLS
