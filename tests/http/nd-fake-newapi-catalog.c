/* nd-fake-newapi-catalog.c — channels, users, tokens, redemptions, groups
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-fake-newapi-private.h"

static void
handle_channels (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query)
{
  gboolean old = self->mode == ND_FAKE_NEWAPI_OLD;
  int page, page_size, offset;
  g_autofree char *q = NULL;
  PGresult *res, *count;
  g_autoptr(JsonNode) data = NULL;

  nd_fake_paging (query, old, &page, &page_size, &offset);
  q = g_strdup_printf ("SELECT id, type, status, name, weight, created_time, test_time, "
                       "response_time, base_url, other, balance, balance_updated_time, models, "
                       "\"group\", used_quota, model_mapping, priority, auto_ban, tag, remark, "
                       "channel_info::text AS channel_info_text "
                       "FROM channels ORDER BY id DESC LIMIT %d OFFSET %d", page_size, offset);
  res = nd_fake_sql (self, q, 0, NULL);
  if (old)
    data = nd_fake_rows_node (res);
  else
    {
      count = nd_fake_sql (self, "SELECT count(*) FROM channels", 0, NULL);
      data = nd_fake_page_node (res, g_ascii_strtoll (PQgetvalue (count, 0, 0), NULL, 10), page, page_size);
      PQclear (count);
    }
  PQclear (res);
  nd_fake_reply_data (msg, data);
}

static void
handle_users (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query, gboolean search)
{
  static const char * const sorts[] = { "id", "username", "quota", "group", "created_at",
                                        "last_login_at", NULL };
  int page, page_size, offset;
  Where w;
  g_autofree char *q = NULL;
  g_autofree char *cq = NULL;
  const char *sort = nd_fake_param (query, "sort_by");
  const char *order = nd_fake_param (query, "sort_order");
  const char *kw = nd_fake_param (query, "keyword");
  PGresult *res, *count;
  g_autoptr(JsonNode) data = NULL;

  nd_fake_where_init (&w);
  nd_fake_paging (query, FALSE, &page, &page_size, &offset);
  if (search)
    {
      if (kw != NULL)
        {
          g_autofree char *like = g_strconcat ("%", kw, "%", NULL);

          g_ptr_array_add (w.params, g_strdup (kw));
          g_ptr_array_add (w.params, g_steal_pointer (&like));
          g_string_append_printf (w.where,
                                  " AND (id::text = $%u OR username LIKE $%u OR email LIKE $%u "
                                  "OR display_name LIKE $%u)",
                                  w.params->len - 1, w.params->len, w.params->len, w.params->len);
        }
      if (nd_fake_param_int (query, "status", 0) == -1)
        g_string_append (w.where, " AND deleted_at IS NOT NULL");
      else if (nd_fake_param_int (query, "status", 0) != 0)
        nd_fake_where_add (&w, "status = $%u::bigint", nd_fake_param (query, "status"));
    }
  if (sort == NULL || !g_strv_contains (sorts, sort))
    sort = "id";
  q = g_strdup_printf ("SELECT id, username, display_name, role, status, email, \"group\", quota, "
                       "used_quota, request_count, created_at, last_login_at, remark, "
                       "'' AS password, deleted_at AS \"DeletedAt\" FROM users WHERE %s "
                       "ORDER BY \"%s\" %s, id DESC LIMIT %d OFFSET %d",
                       w.where->str, sort,
                       order && g_str_equal (order, "asc") ? "ASC" : "DESC", page_size, offset);
  res = nd_fake_sql (self, q, w.params->len, (const char * const *) w.params->pdata);
  cq = g_strdup_printf ("SELECT count(*) FROM users WHERE %s", w.where->str);
  count = nd_fake_sql (self, cq, w.params->len, (const char * const *) w.params->pdata);
  data = nd_fake_page_node (res, g_ascii_strtoll (PQgetvalue (count, 0, 0), NULL, 10), page, page_size);
  PQclear (res);
  PQclear (count);
  nd_fake_where_clear (&w);
  nd_fake_reply_data (msg, data);
}

static void
handle_tokens (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query, Caller *caller)
{
  gboolean old = self->mode == ND_FAKE_NEWAPI_OLD;
  int page, page_size, offset;
  g_autofree char *q = NULL;
  char id[32];
  const char *params[1] = { id };
  PGresult *res, *count;
  g_autoptr(JsonNode) data = NULL;

  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, caller->id);
  nd_fake_paging (query, old, &page, &page_size, &offset);
  /* Self-scoped; new servers mask the key (first 4 + ten * + last 4). */
  q = g_strdup_printf ("SELECT id, user_id, %s AS key, status, name, created_time, accessed_time, "
                       "expired_time, remain_quota, unlimited_quota, model_limits_enabled, "
                       "model_limits, used_quota, \"group\" FROM tokens "
                       "WHERE user_id = $1::bigint AND deleted_at IS NULL ORDER BY id DESC "
                       "LIMIT %d OFFSET %d",
                       old ? "\"key\"" : "left(\"key\", 4) || '**********' || right(\"key\", 4)",
                       page_size, offset);
  res = nd_fake_sql (self, q, 1, params);
  if (old)
    data = nd_fake_rows_node (res);
  else
    {
      count = nd_fake_sql (self, "SELECT count(*) FROM tokens WHERE user_id = $1::bigint AND deleted_at IS NULL",
                   1, params);
      data = nd_fake_page_node (res, g_ascii_strtoll (PQgetvalue (count, 0, 0), NULL, 10), page, page_size);
      PQclear (count);
    }
  PQclear (res);
  nd_fake_reply_data (msg, data);
}

static void
handle_redemptions (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query, gboolean search)
{
  int page, page_size, offset;
  Where w;
  g_autofree char *q = NULL;
  g_autofree char *cq = NULL;
  const char *kw = nd_fake_param (query, "keyword");
  PGresult *res, *count;
  g_autoptr(JsonNode) data = NULL;

  nd_fake_where_init (&w);
  g_string_append (w.where, " AND deleted_at IS NULL");
  nd_fake_paging (query, FALSE, &page, &page_size, &offset);
  if (search && kw)
    {
      g_autofree char *like = g_strconcat (kw, "%", NULL);

      g_ptr_array_add (w.params, g_strdup (kw));
      g_ptr_array_add (w.params, g_steal_pointer (&like));
      g_string_append_printf (w.where, " AND (id::text = $%u OR name LIKE $%u)",
                              w.params->len - 1, w.params->len);
    }
  if (search && nd_fake_param_int (query, "status", 0) != 0)
    nd_fake_where_add (&w, "status = $%u::bigint", nd_fake_param (query, "status"));
  q = g_strdup_printf ("SELECT id, user_id, \"key\" AS key, status, name, quota, created_time, "
                       "redeemed_time, used_user_id, expired_time FROM redemptions WHERE %s "
                       "ORDER BY id DESC LIMIT %d OFFSET %d", w.where->str, page_size, offset);
  res = nd_fake_sql (self, q, w.params->len, (const char * const *) w.params->pdata);
  cq = g_strdup_printf ("SELECT count(*) FROM redemptions WHERE %s", w.where->str);
  count = nd_fake_sql (self, cq, w.params->len, (const char * const *) w.params->pdata);
  data = nd_fake_page_node (res, g_ascii_strtoll (PQgetvalue (count, 0, 0), NULL, 10), page, page_size);
  PQclear (res);
  PQclear (count);
  nd_fake_where_clear (&w);
  nd_fake_reply_data (msg, data);
}

static void
handle_groups (NdFakeNewapi *self, SoupServerMessage *msg)
{
  PGresult *res = nd_fake_sql (self, "SELECT value FROM options WHERE key = 'GroupRatio'", 0, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) data = NULL;

  json_builder_begin_array (b);
  if (PQntuples (res) > 0 &&
      json_parser_load_from_data (parser, PQgetvalue (res, 0, 0), -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_autoptr(GList) names = json_object_get_members (json_node_get_object (json_parser_get_root (parser)));

      /* The keys of a Go map: in no particular order. Stricter than kind,
       * the fake answers them in reverse order. */
      names = g_list_sort (names, (GCompareFunc) g_strcmp0);
      names = g_list_reverse (names);
      for (GList *l = names; l; l = l->next)
        json_builder_add_string_value (b, l->data);
    }
  json_builder_end_array (b);
  PQclear (res);
  data = nd_fake_builder_root (b);
  nd_fake_reply_data (msg, data);
}

static void
route_channels (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
                Caller *caller)
{
  handle_channels (self, msg, query);
}

static void
route_users (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
             Caller *caller)
{
  handle_users (self, msg, query, g_str_equal (path, "/api/user/search"));
}

static void
route_tokens (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  handle_tokens (self, msg, query, caller);
}

static void
route_redemptions (NdFakeNewapi *self, SoupServerMessage *msg, const char *path,
                   GHashTable *query, Caller *caller)
{
  handle_redemptions (self, msg, query, g_str_equal (path, "/api/redemption/search"));
}

static void
route_groups (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  handle_groups (self, msg);
}

void
nd_fake_routes_catalog (NdFakeNewapi *self)
{
  nd_fake_add_route (self, "GET", "/api/channel/", 10, NULL, route_channels);
  nd_fake_add_route (self, "GET", "/api/user/", 10, NULL, route_users);
  nd_fake_add_route (self, "GET", "/api/user/search", 10, NULL, route_users);
  nd_fake_add_route (self, "GET", "/api/token/", 1, NULL, route_tokens);
  nd_fake_add_route (self, "GET", "/api/token/search", 1, NULL, route_tokens);
  nd_fake_add_route (self, "GET", "/api/redemption/", 10, NULL, route_redemptions);
  nd_fake_add_route (self, "GET", "/api/redemption/search", 10, NULL, route_redemptions);
  nd_fake_add_route (self, "GET", "/api/group/", 10, NULL, route_groups);
}
