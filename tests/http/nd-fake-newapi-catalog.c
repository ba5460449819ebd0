/* nd-fake-newapi-catalog.c — channels, users, tokens, redemptions, groups
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As reference §3.4–§3.6 and §3.9–§3.10 describe upstream. Where the
 * reference is silent the fake is stricter: channels without `id_sort`
 * come in upstream's "priority desc" order with ties in an order that
 * changes from page to page (PostgreSQL promises none), old token lists
 * read only `size`, old servers ignore `sort_by`.
 */
#include "config.h"

#include <string.h>

#include "nd-fake-newapi-private.h"

/* Go marshals gorm.DeletedAt as null or an RFC 3339 time. */
#define DELETED_AT "to_json(deleted_at) AS \"DeletedAt\""

static gint64
count_rows (NdFakeNewapi *self, const char *table, Where *w)
{
  g_autofree char *q = g_strdup_printf ("SELECT count(*) FROM %s WHERE %s", table, w->where->str);
  PGresult *res = nd_fake_sql (self, q, w->params->len, (const char * const *) w->params->pdata);
  gint64 n = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);

  PQclear (res);
  return n;
}

/* ---- channels ----------------------------------------------------------- */

static JsonNode *
type_counts (NdFakeNewapi *self)
{
  PGresult *res = nd_fake_sql (self, "SELECT type, count(*) FROM channels GROUP BY 1 ORDER BY 1",
                               0, NULL);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  for (int i = 0; i < PQntuples (res); i++)
    {
      json_builder_set_member_name (b, PQgetvalue (res, i, 0));
      json_builder_add_int_value (b, g_ascii_strtoll (PQgetvalue (res, i, 1), NULL, 10));
    }
  json_builder_end_object (b);
  PQclear (res);
  return nd_fake_builder_root (b);
}

static void
handle_channels (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query)
{
  gboolean old = self->mode == ND_FAKE_NEWAPI_OLD;
  gboolean id_sort = g_strcmp0 (nd_fake_param (query, "id_sort"), "true") == 0;
  int page, page_size, offset;
  g_autofree char *q = NULL;
  g_autofree char *order = NULL;
  PGresult *res;
  g_autoptr(JsonNode) data = NULL;
  Where w;

  nd_fake_paging (query, old, FALSE, &page, &page_size, &offset);
  /* Upstream orders by priority alone unless id_sort=true: equal
   * priorities may come back in any order, differently for each page. */
  order = id_sort ? g_strdup ("id DESC")
                  : g_strdup_printf ("priority DESC, md5(id::text || '%d')", page);
  /* The key is never selected; multi-key disable reasons are stripped. */
  q = g_strdup_printf ("SELECT " ND_FAKE_CHANNEL_COLUMNS " FROM channels ORDER BY %s "
                       "LIMIT %d OFFSET %d", order, page_size, offset);
  res = nd_fake_sql (self, q, 0, NULL);
  if (old)
    data = nd_fake_rows_node (res);
  else
    {
      g_autoptr(JsonNode) counts = type_counts (self);

      nd_fake_where_init (&w);
      data = nd_fake_page_node (res, count_rows (self, "channels", &w), page, page_size);
      nd_fake_where_clear (&w);
      json_object_set_member (json_node_get_object (data), "type_counts",
                              g_steal_pointer (&counts));
    }
  PQclear (res);
  nd_fake_reply_data (msg, data);
}

/* ---- users -------------------------------------------------------------- */

static void
handle_users (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query, gboolean search)
{
  static const char * const sorts[] = { "id", "username", "quota", "group", "created_at",
                                        "last_login_at", NULL };
  gboolean old = self->mode == ND_FAKE_NEWAPI_OLD;
  int page, page_size, offset;
  Where w;
  g_autofree char *q = NULL;
  const char *sort = old ? NULL : nd_fake_param (query, "sort_by");
  const char *order = nd_fake_param (query, "sort_order");
  const char *kw = nd_fake_param (query, "keyword");
  PGresult *res;
  g_autoptr(JsonNode) data = NULL;

  nd_fake_where_init (&w);
  nd_fake_paging (query, FALSE, FALSE, &page, &page_size, &offset);
  if (search)
    {
      /* Unscoped: deleted users are found too. A number also matches the
       * id exactly; the rest is LIKE %keyword%. */
      if (kw != NULL)
        {
          g_autofree char *like = g_strconcat ("%", kw, "%", NULL);
          char *end = NULL;

          g_ascii_strtoll (kw, &end, 10);
          g_ptr_array_add (w.params, g_steal_pointer (&like));
          g_string_append_printf (w.where, " AND (username LIKE $%u OR email LIKE $%u "
                                  "OR display_name LIKE $%u", w.params->len, w.params->len,
                                  w.params->len);
          if (*end == '\0')
            {
              g_ptr_array_add (w.params, g_strdup (kw));
              g_string_append_printf (w.where, " OR id = $%u::bigint", w.params->len);
            }
          g_string_append_c (w.where, ')');
        }
      if (nd_fake_param (query, "group") != NULL)
        nd_fake_where_add (&w, "\"group\" = $%u", nd_fake_param (query, "group"));
      if (nd_fake_param (query, "role") != NULL)
        nd_fake_where_add (&w, "role = $%u::bigint", nd_fake_param (query, "role"));
      /* A status other than -1 (deleted) also leaves deleted users out. */
      if (nd_fake_param_int (query, "status", 0) == -1)
        g_string_append (w.where, " AND deleted_at IS NOT NULL");
      else if (nd_fake_param (query, "status") != NULL)
        {
          g_string_append (w.where, " AND deleted_at IS NULL");
          nd_fake_where_add (&w, "status = $%u::bigint", nd_fake_param (query, "status"));
        }
    }
  if (sort == NULL || !g_strv_contains (sorts, sort))
    sort = "id";
  q = g_strdup_printf ("SELECT " ND_FAKE_USER_COLUMNS "%s "
                       "FROM users WHERE %s ORDER BY \"%s\" %s, id DESC LIMIT %d OFFSET %d",
                       old ? "" : ", stripe_customer", w.where->str, sort,
                       order && g_str_equal (order, "asc") ? "ASC" : "DESC", page_size, offset);
  res = nd_fake_sql (self, q, w.params->len, (const char * const *) w.params->pdata);
  data = nd_fake_page_node (res, count_rows (self, "users", &w), page, page_size);
  PQclear (res);
  nd_fake_where_clear (&w);
  nd_fake_reply_data (msg, data);
}

/* ---- tokens ------------------------------------------------------------- */

/* The newest token search: exact unless the keyword holds %, then LIKE
 * with at most two % (never "%%") and two other characters; `_` is a
 * literal. FALSE after answering the refusal. */
static gboolean
token_keyword (SoupServerMessage *msg, const char *kw, Where *w)
{
  g_autoptr(GString) pattern = g_string_new (NULL);
  guint percents = 0;

  for (const char *p = kw; *p; p++)
    {
      if (*p == '%')
        percents++;
      if (*p == '!' || *p == '_')
        g_string_append_c (pattern, '!');
      g_string_append_c (pattern, *p);
    }
  if (strstr (kw, "%%") != NULL)
    {
      nd_fake_reply_fail (msg, "搜索模式中不允许包含连续的 % 通配符");
      return FALSE;
    }
  if (percents > 2)
    {
      nd_fake_reply_fail (msg, "搜索模式中最多允许包含 2 个 % 通配符");
      return FALSE;
    }
  if (percents > 0 && strlen (kw) - percents < 2)
    {
      nd_fake_reply_fail (msg, "使用模糊搜索时，关键词长度至少为 2 个字符");
      return FALSE;
    }
  nd_fake_where_add (w, percents ? "name LIKE $%u ESCAPE '!'" : "name = $%u", pattern->str);
  return TRUE;
}

static void
handle_tokens (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query, Caller *caller,
               gboolean search)
{
  gboolean old = self->mode == ND_FAKE_NEWAPI_OLD;
  int page, page_size, offset;
  g_autofree char *q = NULL;
  g_autofree char *limit = NULL;
  char id[32];
  const char *kw = nd_fake_param (query, "keyword");
  PGresult *res;
  g_autoptr(JsonNode) data = NULL;
  Where w;

  if (search && nd_fake_search_limited (self, msg, caller))
    return;
  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, caller->id);
  nd_fake_where_init (&w);
  nd_fake_where_add (&w, "user_id = $%u::bigint", id);
  g_string_append (w.where, " AND deleted_at IS NULL");
  nd_fake_paging (query, old, old, &page, &page_size, &offset);
  if (search && kw != NULL)
    {
      if (old)
        {
          /* v0.8: LIKE %keyword% (its % and _ are wildcards), every match
           * at once in a bare array. */
          g_autofree char *like = g_strconcat ("%", kw, "%", NULL);

          nd_fake_where_add (&w, "name LIKE $%u", like);
        }
      else if (!token_keyword (msg, kw, &w))
        {
          nd_fake_where_clear (&w);
          return;
        }
    }
  limit = old && search ? g_strdup ("") : g_strdup_printf (" LIMIT %d OFFSET %d", page_size, offset);
  /* Self-scoped. New servers mask the key (first 4 + ten * + last 4) and
   * add cross_group_retry and the auto_groups list. */
  q = g_strdup_printf ("SELECT id, user_id, %s AS key, status, name, created_time, accessed_time, "
                       "expired_time, remain_quota, unlimited_quota, model_limits_enabled, "
                       "model_limits, COALESCE(allow_ips, '') AS allow_ips, used_quota, "
                       "\"group\"%s, " DELETED_AT " FROM tokens WHERE %s ORDER BY id DESC%s",
                       old ? "\"key\"" : "left(\"key\", 4) || '**********' || right(\"key\", 4)",
                       old ? "" : ", COALESCE(cross_group_retry, false) AS cross_group_retry, "
                                  "COALESCE(NULLIF(auto_groups, ''), '[]')::json AS auto_groups",
                       w.where->str, limit);
  res = nd_fake_sql (self, q, w.params->len, (const char * const *) w.params->pdata);
  if (old)
    data = nd_fake_rows_node (res);
  else
    data = nd_fake_page_node (res, count_rows (self, "tokens", &w), page, page_size);
  PQclear (res);
  nd_fake_where_clear (&w);
  nd_fake_reply_data (msg, data);
}

/* ---- redemptions -------------------------------------------------------- */

static void
handle_redemptions (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query, gboolean search)
{
  int page, page_size, offset;
  Where w;
  g_autofree char *q = NULL;
  const char *kw = nd_fake_param (query, "keyword");
  const char *status = nd_fake_param (query, "status");
  PGresult *res;
  g_autoptr(JsonNode) data = NULL;

  nd_fake_where_init (&w);
  g_string_append (w.where, " AND deleted_at IS NULL");
  nd_fake_paging (query, FALSE, FALSE, &page, &page_size, &offset);
  if (search && kw)
    {
      g_autofree char *like = g_strconcat (kw, "%", NULL);

      g_ptr_array_add (w.params, g_strdup (kw));
      g_ptr_array_add (w.params, g_steal_pointer (&like));
      g_string_append_printf (w.where, " AND (id::text = $%u OR name LIKE $%u)",
                              w.params->len - 1, w.params->len);
    }
  if (search && g_strcmp0 (status, "expired") == 0)
    g_string_append (w.where, " AND status = 1 AND expired_time <> 0 AND "
                              "expired_time < extract(epoch FROM now())::bigint");
  else if (search && status != NULL)
    nd_fake_where_add (&w, "status = $%u::bigint", status);
  /* Admins get the codes in full (the client masks them). */
  q = g_strdup_printf ("SELECT id, user_id, \"key\" AS key, status, name, quota, created_time, "
                       "redeemed_time, used_user_id, " DELETED_AT ", expired_time FROM redemptions "
                       "WHERE %s ORDER BY id DESC LIMIT %d OFFSET %d", w.where->str, page_size,
                       offset);
  res = nd_fake_sql (self, q, w.params->len, (const char * const *) w.params->pdata);
  data = nd_fake_page_node (res, count_rows (self, "redemptions", &w), page, page_size);
  PQclear (res);
  nd_fake_where_clear (&w);
  nd_fake_reply_data (msg, data);
}

/* ---- groups ------------------------------------------------------------- */

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

/* ---- routes ------------------------------------------------------------- */

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
  handle_tokens (self, msg, query, caller, g_str_equal (path, "/api/token/search"));
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
