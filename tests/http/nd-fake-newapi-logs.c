/* nd-fake-newapi-logs.c — /api/log/ and /api/log/stat
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-fake-newapi-private.h"

/* The log filters of /api/log/ and /api/log/stat (model_build_log_query). */
void
nd_fake_log_filters (NdFakeNewapi *self, GHashTable *query, Where *w, gboolean with_type)
{
  const char *v;

  if (with_type && nd_fake_param_int (query, "type", 0) != 0)
    nd_fake_where_add (w, "l.type = $%u::bigint", nd_fake_param (query, "type"));
  if ((v = nd_fake_param (query, "start_timestamp")) && g_ascii_strtoll (v, NULL, 10) != 0)
    nd_fake_where_add (w, "l.created_at >= $%u::bigint", v);
  if ((v = nd_fake_param (query, "end_timestamp")) && g_ascii_strtoll (v, NULL, 10) != 0)
    nd_fake_where_add (w, "l.created_at <= $%u::bigint", v);
  if ((v = nd_fake_param (query, "username")))
    nd_fake_where_add (w, "l.username = $%u", v);
  if ((v = nd_fake_param (query, "token_name")))
    nd_fake_where_add (w, "l.token_name = $%u", v);
  if ((v = nd_fake_param (query, "model_name")))
    {
      if (self->mode == ND_FAKE_NEWAPI_OLD || strchr (v, '%') != NULL)
        nd_fake_where_add (w, "l.model_name LIKE $%u", v);
      else
        nd_fake_where_add (w, "l.model_name = $%u", v);
    }
  if ((v = nd_fake_param (query, "channel")) && g_ascii_strtoll (v, NULL, 10) != 0)
    nd_fake_where_add (w, "l.channel_id = $%u::bigint", v);
  if ((v = nd_fake_param (query, "group")))
    nd_fake_where_add (w, "l.\"group\" = $%u", v);
  if (self->has_request_id && self->mode == ND_FAKE_NEWAPI_NEW)
    {
      if ((v = nd_fake_param (query, "request_id")))
        nd_fake_where_add (w, "l.request_id = $%u", v);
      if ((v = nd_fake_param (query, "upstream_request_id")))
        nd_fake_where_add (w, "l.upstream_request_id = $%u", v);
    }
}

static void
handle_logs (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query)
{
  Where w;
  int page, page_size, offset;
  g_autofree char *count_sql = NULL;
  g_autofree char *rows_sql = NULL;
  PGresult *count, *rows;
  g_autoptr(JsonNode) data = NULL;
  gint64 total;
  /* `json:"request_id,omitempty"` (rc.6+); `channel` is logs.channel_id. */
  static const char * const omitempty[] = { "request_id", "upstream_request_id", NULL };

  nd_fake_where_init (&w);
  nd_fake_log_filters (self, query, &w, TRUE);
  nd_fake_paging (query, FALSE, FALSE, &page, &page_size, &offset);
  count_sql = g_strdup_printf ("SELECT count(*) FROM logs l WHERE %s", w.where->str);
  count = nd_fake_sql (self, count_sql, w.params->len, (const char * const *) w.params->pdata);
  total = g_ascii_strtoll (PQgetvalue (count, 0, 0), NULL, 10);
  PQclear (count);
  rows_sql = g_strdup_printf (
    "SELECT l.id, l.user_id, l.created_at, l.type, l.content, l.username, l.token_name, "
    "l.model_name, l.quota, l.prompt_tokens, l.completion_tokens, l.use_time, l.is_stream, "
    "l.channel_id AS channel, COALESCE(c.name, '') AS channel_name, l.token_id, l.\"group\", "
    "l.ip, l.other%s FROM logs l LEFT JOIN channels c ON c.id = l.channel_id WHERE %s "
    "ORDER BY %s LIMIT %d OFFSET %d",
    self->has_request_id && self->mode == ND_FAKE_NEWAPI_NEW
      ? ", l.request_id, l.upstream_request_id" : "",
    w.where->str,
    self->mode == ND_FAKE_NEWAPI_OLD ? "l.id DESC" : "l.created_at DESC, l.id DESC",
    page_size, offset);
  rows = nd_fake_sql (self, rows_sql, w.params->len, (const char * const *) w.params->pdata);
  data = nd_fake_page_node_omit (rows, total, page, page_size, omitempty);
  PQclear (rows);
  nd_fake_where_clear (&w);
  nd_fake_reply_data (msg, data);
}

static void
handle_log_stat (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query)
{
  Where w;
  g_autofree char *q = NULL;
  PGresult *res;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) data = NULL;
  char now[32];

  /* quota over the range; rpm/tpm over the last 60 s (not the range). */
  nd_fake_where_init (&w);
  nd_fake_log_filters (self, query, &w, FALSE);
  g_snprintf (now, sizeof now, "%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC - 60);
  g_ptr_array_add (w.params, g_strdup (now));
  q = g_strdup_printf ("SELECT COALESCE(sum(quota), 0) AS quota, "
                       "(SELECT count(*) FROM logs WHERE type = 2 AND created_at >= $%u::bigint) AS rpm, "
                       "(SELECT COALESCE(sum(prompt_tokens + completion_tokens), 0) FROM logs "
                       " WHERE type = 2 AND created_at >= $%u::bigint) AS tpm "
                       "FROM logs l WHERE l.type = 2 AND %s",
                       w.params->len, w.params->len, w.where->str);
  res = nd_fake_sql (self, q, w.params->len, (const char * const *) w.params->pdata);
  json_builder_begin_object (b);
  for (int c = 0; c < PQnfields (res); c++)
    nd_fake_add_value (b, res, 0, c);
  json_builder_end_object (b);
  PQclear (res);
  nd_fake_where_clear (&w);
  data = nd_fake_builder_root (b);
  nd_fake_reply_data (msg, data);
}

static void
route_logs (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
            Caller *caller)
{
  handle_logs (self, msg, query);
}

static void
route_log_stat (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
                Caller *caller)
{
  handle_log_stat (self, msg, query);
}

void
nd_fake_routes_logs (NdFakeNewapi *self)
{
  nd_fake_add_route (self, "GET", "/api/log/", 10, NULL, route_logs);
  nd_fake_add_route (self, "GET", "/api/log/stat", 10, NULL, route_log_stat);
}
