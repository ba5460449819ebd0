/* nd-fake-newapi-data.c — /api/data/ (quota_data): models, users, flow
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As reference §3.8 describes upstream:
 *   /api/data/       per model × hour (per user × model × hour with
 *                    `username`): {model_name, created_at, count, quota,
 *                    token_used} (+ username)
 *   /api/data/users  per username × hour
 *   /api/data/flow   one row per dimension combination summed over the whole
 *                    range, NO created_at; rows with use_group '' never
 *                    appear; admins get no token or node; validation errors
 *                    are HTTP 200 success=false with upstream's messages.
 * Both ends are inclusive and compared with the hour bucket. Where the
 * reference is silent the fake is strict: /api/data/ without a time reads
 * it as 0 (as upstream's ignored ParseInt error does: nothing matches),
 * and rows come newest first, so a client that relies on an order it was
 * never promised breaks here.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "nd-fake-newapi-private.h"

/* strconv.ParseInt: the whole text, base 10, in range. */
static gboolean
parse_int (const char *text, gint64 *out)
{
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  errno = 0;
  *out = g_ascii_strtoll (text, &end, 10);
  return errno == 0 && end != NULL && *end == '\0';
}

/* The range of /api/data/ and /api/data/users: an unparsable time is 0. */
static void
loose_range (GHashTable *query, Where *w)
{
  const char *keys[] = { "start_timestamp", "end_timestamp" };
  const char *ops[] = { "created_at >= $%u::bigint", "created_at <= $%u::bigint" };

  for (guint i = 0; i < 2; i++)
    {
      gint64 v = 0;
      char buf[32];

      if (!parse_int (nd_fake_param (query, keys[i]), &v))
        v = 0;
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, v);
      nd_fake_where_add (w, ops[i], buf);
    }
}

/* Sums per @keys and hour, newest first; @username filters when set. */
static void
reply_per_hour (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query, const char *keys,
                const char *username)
{
  g_autofree char *sql = NULL;
  g_autoptr(JsonNode) data = NULL;
  PGresult *res;
  Where w;

  nd_fake_where_init (&w);
  loose_range (query, &w);
  if (username != NULL)
    nd_fake_where_add (&w, "username = $%u", username);
  sql = g_strdup_printf ("SELECT %s, created_at, sum(count)::bigint AS count,"
                         " sum(quota)::bigint AS quota, sum(token_used)::bigint AS token_used"
                         " FROM quota_data WHERE %s GROUP BY %s, created_at"
                         " ORDER BY created_at DESC, %s DESC", keys, w.where->str, keys, keys);
  res = nd_fake_sql (self, sql, w.params->len, (const char * const *) w.params->pdata);
  data = nd_fake_rows_node (res);
  PQclear (res);
  nd_fake_where_clear (&w);
  nd_fake_reply_data (msg, data);
}

static void
route_models (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  const char *username = nd_fake_param (query, "username");

  reply_per_hour (self, msg, query, username ? "username, model_name" : "model_name", username);
}

static void
route_users (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
             Caller *caller)
{
  reply_per_hour (self, msg, query, "username", NULL);
}

/* ---- flow ---------------------------------------------------------------- */

static void
add_int (JsonBuilder *b, const char *key, gint64 v, gboolean omitempty)
{
  if (omitempty && v == 0)
    return;
  json_builder_set_member_name (b, key);
  json_builder_add_int_value (b, v);
}

static void
add_str (JsonBuilder *b, const char *key, const char *v, gboolean omitempty)
{
  if (omitempty && (v == NULL || *v == '\0'))
    return;
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, v ? v : "");
}

static gint64
col_int (PGresult *res, int row, const char *name)
{
  int c = PQfnumber (res, name);

  return c < 0 || PQgetisnull (res, row, c) ? 0 : g_ascii_strtoll (PQgetvalue (res, row, c), NULL, 10);
}

static const char *
col_str (PGresult *res, int row, const char *name)
{
  int c = PQfnumber (res, name);

  return c < 0 || PQgetisnull (res, row, c) ? NULL : PQgetvalue (res, row, c);
}

static void
route_flow (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
            Caller *caller)
{
  gboolean root = caller->role >= 100;
  const char *username = nd_fake_param (query, "username");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) data = NULL;
  g_autofree char *sql = NULL;
  gint64 start = 0, end = 0;
  char buf[32];
  PGresult *res;
  Where w;

  if (!parse_int (nd_fake_param (query, "start_timestamp"), &start) || start <= 0)
    return nd_fake_reply_fail (msg, "invalid start_timestamp");
  if (!parse_int (nd_fake_param (query, "end_timestamp"), &end) || end <= 0)
    return nd_fake_reply_fail (msg, "invalid end_timestamp");
  if (end < start)
    return nd_fake_reply_fail (msg, "invalid time range");

  nd_fake_where_init (&w);
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, start);
  nd_fake_where_add (&w, "q.created_at >= $%u::bigint", buf);
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, end);
  nd_fake_where_add (&w, "q.created_at <= $%u::bigint", buf);
  if (username != NULL)
    nd_fake_where_add (&w, "q.username = $%u", username);
  sql = g_strdup_printf (
    "SELECT q.user_id, q.username, %s q.use_group, q.model_name, q.channel_id,"
    " COALESCE(c.name, 'channel-' || q.channel_id) AS channel_name,"
    " sum(q.token_used)::bigint AS token_used, sum(q.count)::bigint AS count,"
    " sum(q.quota)::bigint AS quota"
    " FROM quota_data q LEFT JOIN channels c ON c.id = q.channel_id %s"
    " WHERE q.use_group <> '' AND %s"
    " GROUP BY q.user_id, q.username, %s q.use_group, q.model_name, q.channel_id, c.name"
    " ORDER BY sum(q.quota) DESC",
    root ? "q.node_name, q.token_id, t.name AS token_name," : "",
    root ? "LEFT JOIN tokens t ON t.id = q.token_id" : "",
    w.where->str,
    root ? "q.node_name, q.token_id, t.name," : "");
  res = nd_fake_sql (self, sql, w.params->len, (const char * const *) w.params->pdata);
  nd_fake_where_clear (&w);

  json_builder_begin_array (b);
  for (int r = 0; r < PQntuples (res); r++)
    {
      gint64 channel_id = col_int (res, r, "channel_id");

      json_builder_begin_object (b);
      add_int (b, "user_id", col_int (res, r, "user_id"), TRUE);
      add_str (b, "username", col_str (res, r, "username"), TRUE);
      if (root)
        {
          add_str (b, "node_name", col_str (res, r, "node_name"), TRUE);
          add_int (b, "token_id", col_int (res, r, "token_id"), TRUE);
          add_str (b, "token_name", col_str (res, r, "token_name"), TRUE);
        }
      add_str (b, "use_group", col_str (res, r, "use_group"), FALSE);
      add_int (b, "channel_id", channel_id, FALSE);
      add_str (b, "channel_name", channel_id > 0 ? col_str (res, r, "channel_name") : NULL, TRUE);
      add_str (b, "model_name", col_str (res, r, "model_name"), FALSE);
      add_int (b, "token_used", col_int (res, r, "token_used"), FALSE);
      add_int (b, "count", col_int (res, r, "count"), FALSE);
      add_int (b, "quota", col_int (res, r, "quota"), FALSE);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  PQclear (res);
  data = nd_fake_builder_root (b);
  nd_fake_reply_data (msg, data);
}

static gboolean
has_flow (NdFakeNewapi *self)
{
  return self->mode == ND_FAKE_NEWAPI_NEW && self->has_qd_dims;
}

void
nd_fake_routes_data (NdFakeNewapi *self)
{
  nd_fake_add_route (self, "GET", "/api/data/", 10, NULL, route_models);
  nd_fake_add_route (self, "GET", "/api/data/users", 10, NULL, route_users);
  nd_fake_add_route (self, "GET", "/api/data/flow", 10, has_flow, route_flow);
}
