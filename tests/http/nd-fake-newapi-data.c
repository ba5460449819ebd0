/* nd-fake-newapi-data.c — /api/data/ (quota_data): models, users, flow
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-fake-newapi-private.h"

static void
range_where (GHashTable *query, Where *w, gboolean alias)
{
  const char *v;

  if ((v = nd_fake_param (query, "start_timestamp")))
    nd_fake_where_add (w, alias ? "q.created_at >= $%u::bigint" : "created_at >= $%u::bigint", v);
  if ((v = nd_fake_param (query, "end_timestamp")))
    nd_fake_where_add (w, alias ? "q.created_at <= $%u::bigint" : "created_at <= $%u::bigint", v);
}

static void
handle_data (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query, const char *what)
{
  Where w;
  g_autofree char *q = NULL;
  PGresult *res;
  g_autoptr(JsonNode) data = NULL;

  nd_fake_where_init (&w);
  range_where (query, &w, g_str_equal (what, "flow"));
  if (g_str_equal (what, "models"))
    {
      const char *username = nd_fake_param (query, "username");

      if (username)
        nd_fake_where_add (&w, "username = $%u", username);
      q = g_strdup_printf ("SELECT model_name, created_at, sum(count)::bigint AS count, "
                           "sum(quota)::bigint AS quota, sum(token_used)::bigint AS token_used "
                           "FROM quota_data WHERE %s GROUP BY model_name, created_at "
                           "ORDER BY created_at, model_name", w.where->str);
    }
  else if (g_str_equal (what, "users"))
    q = g_strdup_printf ("SELECT username, created_at, sum(count)::bigint AS count, "
                         "sum(quota)::bigint AS quota, sum(token_used)::bigint AS token_used "
                         "FROM quota_data WHERE %s GROUP BY username, created_at "
                         "ORDER BY created_at, username", w.where->str);
  else
    q = g_strdup_printf ("SELECT q.created_at, q.user_id, q.username, q.use_group, q.model_name, "
                         "q.channel_id, COALESCE(c.name, '') AS channel_name, q.token_id, "
                         "COALESCE(t.name, '') AS token_name, q.node_name, "
                         "sum(q.count)::bigint AS count, sum(q.quota)::bigint AS quota, "
                         "sum(q.token_used)::bigint AS token_used "
                         "FROM quota_data q LEFT JOIN channels c ON c.id = q.channel_id "
                         "LEFT JOIN tokens t ON t.id = q.token_id WHERE %s "
                         "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 ORDER BY 1",
                         w.where->str);
  res = nd_fake_sql (self, q, w.params->len, (const char * const *) w.params->pdata);
  data = nd_fake_rows_node (res);
  PQclear (res);
  nd_fake_where_clear (&w);
  nd_fake_reply_data (msg, data);
}

static gboolean
has_flow (NdFakeNewapi *self)
{
  return self->mode == ND_FAKE_NEWAPI_NEW && self->has_qd_dims;
}

static void
route_data (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
            Caller *caller)
{
  handle_data (self, msg, query, g_str_equal (path, "/api/data/users") ? "users"
                                 : g_str_equal (path, "/api/data/flow") ? "flow" : "models");
}

void
nd_fake_routes_data (NdFakeNewapi *self)
{
  nd_fake_add_route (self, "GET", "/api/data/", 10, NULL, route_data);
  nd_fake_add_route (self, "GET", "/api/data/users", 10, NULL, route_data);
  nd_fake_add_route (self, "GET", "/api/data/flow", 10, has_flow, route_data);
}
