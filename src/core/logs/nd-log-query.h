/* nd-log-query.h — a log filter as a value, free of SQL and URLs
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The string form ("from=…&model=a&model=b&channel=3") is the URL-like state
 * of the Logs page: the dashboard opens Logs with one, and it is what the
 * page remembers. Keys: from, to (unix s, half-open [from, to)), type,
 * user_id, username, token_id, token_name, model (repeatable), channel
 * (repeatable), group, ip, request_id. Values are URI-escaped.
 *
 * Drill-downs from the dashboard use the ids: a name may be shared (token
 * names are per user) or renamed, an id is not.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define ND_TYPE_LOG_QUERY (nd_log_query_get_type ())

typedef struct {
  gint64 from;           /* 0 = unbounded */
  gint64 to;             /* 0 = unbounded; exclusive */
  int type;              /* 0 = all */
  gint64 user_id;        /* 0 = any */
  gint64 token_id;       /* 0 = any */
  char *username;        /* exact match, as NewAPI */
  char *token_name;      /* exact */
  GPtrArray *models;     /* (element-type utf8) exact names; empty = all */
  GArray *channels;      /* (element-type gint64); empty = all */
  char *group;
  char *ip;
  char *request_id;
} NdLogQuery;

/* Keyset position: the last row of the previous page. */
typedef struct {
  gint64 created_at;
  gint64 id;
} NdLogCursor;

GType       nd_log_query_get_type    (void) G_GNUC_CONST;
NdLogQuery *nd_log_query_new         (void);
NdLogQuery *nd_log_query_copy        (const NdLogQuery *query);
void        nd_log_query_free        (NdLogQuery *query);
gboolean    nd_log_query_equal       (const NdLogQuery *a, const NdLogQuery *b);
gboolean    nd_log_query_is_empty    (const NdLogQuery *query);
void        nd_log_query_add_model   (NdLogQuery *query, const char *model);
void        nd_log_query_add_channel (NdLogQuery *query, gint64 channel_id);
char       *nd_log_query_to_string   (const NdLogQuery *query);
NdLogQuery *nd_log_query_from_string (const char *string, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdLogQuery, nd_log_query_free)

G_END_DECLS
