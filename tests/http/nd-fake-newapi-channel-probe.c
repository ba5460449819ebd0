/* nd-fake-newapi-channel-probe.c — one channel, channel search, and what
 * NewAPI asks a channel's upstream for: a test, the balance, the models
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As reference §3.6 and §2.6a describe upstream. The upstream itself is
 * simulated (nd_fake_newapi_fail_upstream): a working one answers a test
 * in 0.25 s, a balance of 12.5 USD and three models. A successful test
 * records response_time (ms) and test_time and writes the consume log
 * "模型测试"; a failed one records nothing (the single-channel API records
 * only successes). Types NewAPI never tests fail at once with time 0; a
 * balance is read only for the types §2.6a lists, never for multi-key
 * channels ("尚未实现", "多密钥渠道不支持余额查询").
 */
#include "config.h"

#include <string.h>

#include "nd-fake-newapi-private.h"

#define TEST_MS 250
#define BALANCE 12.5

static FakeUpstreamError *
upstream_error (NdFakeNewapi *self, gint64 id)
{
  return g_hash_table_lookup (self->upstream_errors, &id);
}

/* The channel's row (type, models, test_model, status, channel_info) or
 * NULL after answering GORM's refusal. */
static PGresult *
channel_row (NdFakeNewapi *self, SoupServerMessage *msg, gint64 id)
{
  g_autofree char *id_s = nd_fake_int_text (id);
  const char *p1[1] = { id_s };
  PGresult *res = nd_fake_sql (self, "SELECT type, COALESCE (models, ''), COALESCE (test_model, ''), "
                                     "status, COALESCE (channel_info::text, '{}') FROM channels "
                                     "WHERE id = $1::bigint", 1, p1);

  if (PQntuples (res) > 0)
    return res;
  PQclear (res);
  nd_fake_reply_fail (msg, "record not found");
  return NULL;
}

/* ---- one channel, search ------------------------------------------------ */

static void
route_get (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
           Caller *caller)
{
  gint64 id = nd_fake_path_int (path, 2);
  g_autoptr(JsonNode) node = id >= 0 ? nd_fake_channel_node (self, id) : NULL;

  if (node == NULL)
    return nd_fake_reply_fail (msg, id >= 0 ? "record not found" : "Invalid parameters");
  /* clearChannelInfo: neither the reasons nor the times of disabled keys. */
  if (json_object_has_member (json_node_get_object (node), "channel_info") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (node), "channel_info")))
    json_object_remove_member (json_object_get_object_member (json_node_get_object (node),
                                                              "channel_info"),
                               "multi_key_disabled_time");
  nd_fake_reply_data (msg, node);
}

static void
route_search (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  const char *kw = nd_fake_param (query, "keyword");
  gboolean id_sort = g_strcmp0 (nd_fake_param (query, "id_sort"), "true") == 0;
  g_autofree char *like = g_strconcat ("%", kw ? kw : "", "%", NULL);
  g_autofree char *q = NULL;
  const char *params[2] = { kw ? kw : "", like };
  PGresult *res;
  g_autoptr(JsonNode) data = NULL;

  /* The keyword: the id exactly, the name or base URL anywhere (LIKE, its
   * own % and _ as wildcards), the key exactly. */
  q = g_strdup_printf ("SELECT " ND_FAKE_CHANNEL_COLUMNS " FROM channels WHERE "
                       "(id::text = $1 OR name LIKE $2 OR \"key\" = $1 OR base_url LIKE $2) "
                       "ORDER BY %s", id_sort ? "id DESC" : "priority DESC, id DESC");
  res = nd_fake_sql (self, q, 2, params);
  if (self->mode == ND_FAKE_NEWAPI_OLD)
    data = nd_fake_rows_node (res);   /* every match at once */
  else
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) rows = nd_fake_rows_node (res);
      JsonArray *all = json_node_get_array (rows);
      gint64 page = MAX (nd_fake_param_int (query, "p", 1), 1);
      gint64 size = nd_fake_param_int (query, "page_size", 20);
      gint64 n = json_array_get_length (all);

      size = size <= 0 ? 20 : size;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "items");
      json_builder_begin_array (b);
      for (gint64 i = (page - 1) * size; i < MIN (page * size, n); i++)
        json_builder_add_value (b, json_node_copy (json_array_get_element (all, i)));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "total");
      json_builder_add_int_value (b, n);
      json_builder_set_member_name (b, "type_counts");
      json_builder_begin_object (b);
      json_builder_end_object (b);
      json_builder_end_object (b);
      data = json_builder_get_root (b);
    }
  PQclear (res);
  nd_fake_reply_data (msg, data);
}

/* ---- test ----------------------------------------------------------------- */

/* The test and balance endpoints answer outside the envelope's data:
 * {success, message, …} with their own members after. */
static JsonBuilder *
top_begin (gboolean success, const char *message)
{
  JsonBuilder *b = nd_fake_object_begin ();

  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, success);
  nd_fake_member_str (b, "message", message);
  return b;
}

static void
top_end (SoupServerMessage *msg, JsonBuilder *b)
{
  g_autoptr(JsonNode) root = nd_fake_object_end (b);

  nd_fake_reply_json (msg, 200, root);
}

static void
reply_test (SoupServerMessage *msg, gboolean success, const char *message, double seconds,
            const char *error_code)
{
  JsonBuilder *b = top_begin (success, message);

  json_builder_set_member_name (b, "time");
  json_builder_add_double_value (b, seconds);
  if (error_code != NULL)
    nd_fake_member_str (b, "error_code", error_code);
  top_end (msg, b);
}

static void
route_test (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
            Caller *caller)
{
  static const int never[] = { 2, 5, 36, 50, 51, 52, 54 };
  gint64 id = nd_fake_path_int (path, 3);
  PGresult *row = channel_row (self, msg, id);
  FakeUpstreamError *e = upstream_error (self, id);
  g_autofree char *model = NULL;
  int type;

  if (row == NULL)
    return;
  type = (int) g_ascii_strtoll (PQgetvalue (row, 0, 0), NULL, 10);
  /* ?model=, else test_model, else the first model, else gpt-4o-mini. */
  if (nd_fake_param (query, "model") != NULL)
    model = g_strdup (nd_fake_param (query, "model"));
  else if (*PQgetvalue (row, 0, 2) != '\0')
    model = g_strdup (PQgetvalue (row, 0, 2));
  else
    {
      g_auto(GStrv) models = g_strsplit (PQgetvalue (row, 0, 1), ",", 2);

      model = g_strdup (models[0] && *models[0] ? models[0] : "gpt-4o-mini");
    }
  PQclear (row);
  for (guint i = 0; i < G_N_ELEMENTS (never); i++)
    if (type == never[i])
      {
        g_autofree char *why = g_strdup_printf ("channel type %d does not support testing", type);

        return reply_test (msg, FALSE, why, 0, NULL);
      }
  if (e != NULL)
    return reply_test (msg, FALSE, e->message, 1.5, e->error_code);

  {
    g_autofree char *id_s = nd_fake_int_text (id);
    g_autofree char *ms = g_strdup_printf ("%d", TEST_MS);
    g_autofree char *now = nd_fake_int_text (nd_fake_now ());
    g_autofree char *uid = nd_fake_int_text (caller->id);
    const char *p3[3] = { id_s, ms, now };
    const char *p5[5] = { uid, caller->username, now, model, id_s };

    PQclear (nd_fake_sql (self, "UPDATE channels SET response_time = $2::bigint, "
                                "test_time = $3::bigint WHERE id = $1::bigint", 3, p3));
    PQclear (nd_fake_sql (self, "INSERT INTO logs (user_id, username, created_at, type, content, "
                                "token_name, model_name, quota, channel_id, \"group\", other) "
                                "VALUES ($1::bigint, $2, $3::bigint, 2, '', '模型测试', $4, 0, "
                                "$5::bigint, 'default', '')", 5, p5));
  }
  reply_test (msg, TRUE, "", TEST_MS / 1000.0, NULL);
}

/* ---- balance, models ---------------------------------------------------- */

static void
route_balance (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
               Caller *caller)
{
  /* updateChannelBalance knows OpenAI, Custom, AIProxy, API2GPT, AIGC2D,
   * OpenRouter, DeepSeek, SiliconFlow and Moonshot. */
  static const int known[] = { 1, 8, 10, 12, 13, 20, 25, 40, 43 };
  gint64 id = nd_fake_path_int (path, 3);
  PGresult *row = channel_row (self, msg, id);
  FakeUpstreamError *e = upstream_error (self, id);
  gboolean multi, supported = FALSE;
  int type;

  if (row == NULL)
    return;
  type = (int) g_ascii_strtoll (PQgetvalue (row, 0, 0), NULL, 10);
  multi = strstr (PQgetvalue (row, 0, 4), "\"is_multi_key\":true") != NULL ||
          strstr (PQgetvalue (row, 0, 4), "\"is_multi_key\": true") != NULL;
  PQclear (row);
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    supported |= type == known[i];
  if (multi)
    return nd_fake_reply_fail (msg, "多密钥渠道不支持余额查询");
  if (!supported)
    return nd_fake_reply_fail (msg, "尚未实现");
  if (e != NULL)
    return nd_fake_reply_fail (msg, e->message);
  {
    g_autofree char *id_s = nd_fake_int_text (id);
    g_autofree char *now = nd_fake_int_text (nd_fake_now ());
    const char *p2[2] = { id_s, now };
    JsonBuilder *b = top_begin (TRUE, "");

    PQclear (nd_fake_sql (self, "UPDATE channels SET balance = 12.5, balance_updated_time = "
                                "$2::bigint WHERE id = $1::bigint", 2, p2));
    json_builder_set_member_name (b, "balance");
    json_builder_add_double_value (b, BALANCE);
    top_end (msg, b);
  }
}

static void
route_models (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  gint64 id = nd_fake_path_int (path, 3);
  PGresult *row = channel_row (self, msg, id);
  FakeUpstreamError *e = upstream_error (self, id);
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) data = NULL;

  if (row == NULL)
    return;
  PQclear (row);
  if (e != NULL)
    {
      g_autofree char *why = g_strdup_printf ("获取模型列表失败: %s", e->message);

      return nd_fake_reply_fail (msg, why);
    }
  b = json_builder_new ();
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "gpt-4o");
  json_builder_add_string_value (b, "gpt-4o-mini");
  json_builder_add_string_value (b, "o3-mini");
  json_builder_end_array (b);
  data = json_builder_get_root (b);
  nd_fake_reply_data (msg, data);
}

void
nd_fake_routes_channel_probe (NdFakeNewapi *self)
{
  nd_fake_add_route (self, "GET", "/api/channel/search", 10, NULL, route_search);
  nd_fake_add_route (self, "GET", "/api/channel/test/:id", 10, NULL, route_test);
  nd_fake_add_route (self, "GET", "/api/channel/update_balance/:id", 10, NULL, route_balance);
  nd_fake_add_route (self, "GET", "/api/channel/fetch_models/:id", 10, NULL, route_models);
  nd_fake_add_route (self, "GET", "/api/channel/:id", 10, NULL, route_get);
}
