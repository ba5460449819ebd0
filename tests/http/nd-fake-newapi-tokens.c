/* nd-fake-newapi-tokens.c — token and redemption code writes, and keys
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As reference §3.5 and §3.9 describe upstream (controller/token.go and
 * redemption.go), answering in NewAPI's default language (Chinese):
 *   tokens   self-scoped for every role: another user's token is "record
 *            not found"; POST answers no id and no key; PUT overwrites the
 *            whole token, or only its status with ?status_only=true,
 *            refusing to enable a token stored as expired (3) or
 *            exhausted (4) until expiry or quota is fixed; DELETE is
 *            soft; GET /api/token/:id masks the key from v0.11.4 on
 *            (first 4, ten *, last 4), where POST /api/token/:id/key
 *            gives it; before, the key comes in full and that route is
 *            missing (404). No audit rows.
 *   codes    admin; from v1.0.0-rc.6 creation is refused until payment
 *            compliance is confirmed (option payment_setting.
 *            compliance_confirmed); name 1–20 characters, count 1–100,
 *            expiry 0 or future; each code inserted on its own, as
 *            upstream does (a failure keeps those made before it);
 *            redemption.create audit row on rc.16+ with LogQuota's text;
 *            deletes are soft; DELETE /api/redemption/invalid removes used,
 *            disabled and expired codes and answers how many.
 */
#include "config.h"

#include <string.h>

#include "nd-fake-newapi-private.h"

#define MSG_NOT_FOUND "record not found"
#define MSG_TOKEN_NAME "令牌名称过长"
#define MSG_TOKEN_QUOTA "额度值不能为负数"
#define MSG_EXPIRED "令牌已过期，无法启用，请先修改令牌过期时间，或者设置为永不过期"
#define MSG_EXHAUSTED "令牌可用额度已用尽，无法启用，请先修改令牌剩余额度，或者设置为无限额度"
#define MSG_CODE_NAME "兑换码名称长度必须在1-20之间"
#define MSG_CODE_COUNT "兑换码个数必须大于0"
#define MSG_CODE_COUNT_MAX "一次兑换码批量生成的个数不能大于 100"
#define MSG_CODE_EXPIRY "过期时间不能早于当前时间"
#define MSG_COMPLIANCE "支付、兑换码、订阅计划和邀请返利功能已禁用。管理员需先确认合规声明后方可启用。"

#define TOKEN_COLUMNS \
  "id, user_id, %s AS key, status, name, created_time, accessed_time, expired_time, " \
  "remain_quota, unlimited_quota, model_limits_enabled, model_limits, " \
  "COALESCE (allow_ips, '') AS allow_ips, used_quota, \"group\""
#define CODE_COLUMNS \
  "id, user_id, rtrim (\"key\") AS key, status, name, quota, created_time, redeemed_time, " \
  "used_user_id, to_json (deleted_at) AS \"DeletedAt\", expired_time"

static gboolean
masks_keys (NdFakeNewapi *self)
{
  return nd_fake_version_at_least (self, "v0.11.4");
}

/* The first row of @sql as a JSON object, NULL when there is none. */
static JsonNode *
row_node (NdFakeNewapi *self, const char *sql, int n, const char * const *params)
{
  PGresult *res = nd_fake_sql (self, sql, n, params);
  g_autoptr(JsonNode) rows = NULL;
  JsonNode *node = NULL;

  if (PQntuples (res) > 0)
    {
      rows = nd_fake_rows_node (res);
      node = json_node_copy (json_array_get_element (json_node_get_array (rows), 0));
    }
  PQclear (res);
  return node;
}

/* Gin's binding: a member of the wrong type fails the whole request. */
static gboolean
body_type_ok (SoupServerMessage *msg, JsonObject *body, const char *member, GType type)
{
  JsonNode *node = json_object_get_member (body, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) ||
      (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type))
    return TRUE;
  nd_fake_reply_fail (msg, "json: cannot unmarshal into Go struct field of wrong type");
  return FALSE;
}

static gint64
body_int (JsonObject *body, const char *member, gint64 fallback)
{
  gint64 v;

  return nd_fake_body_int (body, member, &v) ? v : fallback;
}

static const char *
body_str (JsonObject *body, const char *member)
{
  JsonNode *node = json_object_get_member (body, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : "";
}

static const char *
body_bool (JsonObject *body, const char *member)
{
  JsonNode *node = json_object_get_member (body, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node)
         ? "true" : "false";
}

/* A code or key: a UUIDv4 without dashes (GetUUID); a token key is made of
 * two, as 48 characters of [0-9a-z] are a fine stand-in for [0-9A-Za-z]. */
static char *
uuid_hex (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  GString *out = g_string_new (NULL);

  for (const char *p = uuid; *p; p++)
    if (*p != '-')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* ---- tokens --------------------------------------------------------------- */

static gboolean
token_checks (SoupServerMessage *msg, JsonObject *body)
{
  static const struct { const char *member; GType type; } types[] = {
    { "name", G_TYPE_STRING }, { "expired_time", G_TYPE_INT64 }, { "remain_quota", G_TYPE_INT64 },
    { "unlimited_quota", G_TYPE_BOOLEAN }, { "model_limits_enabled", G_TYPE_BOOLEAN },
    { "model_limits", G_TYPE_STRING }, { "allow_ips", G_TYPE_STRING }, { "group", G_TYPE_STRING },
    { "status", G_TYPE_INT64 }, { "id", G_TYPE_INT64 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (!body_type_ok (msg, body, types[i].member, types[i].type))
      return FALSE;
  /* len() in Go counts bytes. */
  if (strlen (body_str (body, "name")) > 50)
    {
      nd_fake_reply_fail (msg, MSG_TOKEN_NAME);
      return FALSE;
    }
  if (g_str_equal (body_bool (body, "unlimited_quota"), "false") &&
      body_int (body, "remain_quota", 0) < 0)
    {
      nd_fake_reply_fail (msg, MSG_TOKEN_QUOTA);
      return FALSE;
    }
  return TRUE;
}

static void
token_create (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  g_autoptr(JsonObject) body = nd_fake_body_object (msg);
  g_autofree char *a = NULL, *b = NULL, *ab = NULL, *key = NULL;
  g_autofree char *uid = NULL, *now = NULL, *expires = NULL, *remain = NULL;

  if (body == NULL || !token_checks (msg, body))
    return;
  a = uuid_hex ();
  b = uuid_hex ();
  ab = g_strconcat (a, b, NULL);
  key = g_strndup (ab, 48);
  uid = nd_fake_int_text (caller->id);
  now = nd_fake_int_text (nd_fake_now ());
  expires = nd_fake_int_text (body_int (body, "expired_time", 0));
  remain = nd_fake_int_text (body_int (body, "remain_quota", 0));
  {
    const char *values[11] = { uid, key, body_str (body, "name"), now, expires, remain,
                               body_bool (body, "unlimited_quota"),
                               body_bool (body, "model_limits_enabled"),
                               body_str (body, "model_limits"), body_str (body, "allow_ips"),
                               body_str (body, "group") };

    PQclear (nd_fake_sql (self, "INSERT INTO tokens (user_id, \"key\", status, name, "
                                "created_time, accessed_time, expired_time, remain_quota, "
                                "unlimited_quota, model_limits_enabled, model_limits, allow_ips, "
                                "used_quota, \"group\") VALUES ($1::bigint, $2, 1, $3, $4::bigint, "
                                "$4::bigint, $5::bigint, $6::bigint, $7::boolean, $8::boolean, $9, "
                                "$10, 0, $11)", 11, values));
  }
  /* Upstream answers neither the id nor the key. */
  nd_fake_reply_envelope (msg, 200, TRUE, NULL, "", NULL);
}

/* The caller's live token @id as NewAPI's JSON, the key masked or not. */
static JsonNode *
own_token (NdFakeNewapi *self, gint64 id, Caller *caller, gboolean full_key)
{
  g_autofree char *id_text = nd_fake_int_text (id);
  g_autofree char *uid = nd_fake_int_text (caller->id);
  const char *params[2] = { id_text, uid };
  g_autofree char *sql = g_strdup_printf (
    "SELECT " TOKEN_COLUMNS " FROM tokens WHERE id = $1::bigint AND user_id = $2::bigint AND "
    "deleted_at IS NULL",
    full_key ? "rtrim (\"key\")" : "left (\"key\", 4) || '**********' || right (rtrim (\"key\"), 4)");

  return row_node (self, sql, 2, params);
}

static void
token_get (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
           Caller *caller)
{
  g_autoptr(JsonNode) token = own_token (self, nd_fake_path_int (path, 2), caller,
                                         !masks_keys (self));

  if (token == NULL)
    return nd_fake_reply_fail (msg, MSG_NOT_FOUND);
  nd_fake_reply_data (msg, token);
}

static void
token_key (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
           Caller *caller)
{
  g_autoptr(JsonNode) token = own_token (self, nd_fake_path_int (path, 2), caller, TRUE);
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) data = NULL;

  if (token == NULL)
    return nd_fake_reply_fail (msg, MSG_NOT_FOUND);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, json_object_get_string_member (json_node_get_object (token),
                                                                   "key"));
  json_builder_end_object (b);
  data = json_builder_get_root (b);
  nd_fake_reply_data (msg, data);
}

static void
token_update (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  g_autoptr(JsonObject) body = nd_fake_body_object (msg);
  gboolean status_only = nd_fake_param (query, "status_only") != NULL;
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *id = NULL;
  JsonObject *cur;
  gint64 now = nd_fake_now ();

  if (body == NULL || !token_checks (msg, body))
    return;
  current = own_token (self, body_int (body, "id", 0), caller, FALSE);
  if (current == NULL)
    return nd_fake_reply_fail (msg, MSG_NOT_FOUND);
  cur = json_node_get_object (current);
  if (body_int (body, "status", 0) == 1)
    {
      gint64 expires = json_object_get_int_member (cur, "expired_time");

      if (json_object_get_int_member (cur, "status") == 3 && expires <= now && expires != -1)
        return nd_fake_reply_fail (msg, MSG_EXPIRED);
      if (json_object_get_int_member (cur, "status") == 4 &&
          json_object_get_int_member (cur, "remain_quota") <= 0 &&
          !json_object_get_boolean_member (cur, "unlimited_quota"))
        return nd_fake_reply_fail (msg, MSG_EXHAUSTED);
    }
  id = nd_fake_int_text (json_object_get_int_member (cur, "id"));
  if (status_only)
    {
      g_autofree char *status = nd_fake_int_text (body_int (body, "status", 0));
      const char *values[2] = { id, status };

      PQclear (nd_fake_sql (self, "UPDATE tokens SET status = $2::bigint WHERE id = $1::bigint",
                            2, values));
    }
  else
    {
      g_autofree char *expires = nd_fake_int_text (body_int (body, "expired_time", 0));
      g_autofree char *remain = nd_fake_int_text (body_int (body, "remain_quota", 0));
      const char *values[9] = { id, body_str (body, "name"), expires, remain,
                                body_bool (body, "unlimited_quota"),
                                body_bool (body, "model_limits_enabled"),
                                body_str (body, "model_limits"), body_str (body, "allow_ips"),
                                body_str (body, "group") };

      PQclear (nd_fake_sql (self, "UPDATE tokens SET name = $2, expired_time = $3::bigint, "
                                  "remain_quota = $4::bigint, unlimited_quota = $5::boolean, "
                                  "model_limits_enabled = $6::boolean, model_limits = $7, "
                                  "allow_ips = $8, \"group\" = $9 WHERE id = $1::bigint",
                            9, values));
    }
  after = own_token (self, json_object_get_int_member (cur, "id"), caller, FALSE);
  nd_fake_reply_data (msg, after);
}

static void
token_delete (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  g_autofree char *id = nd_fake_int_text (nd_fake_path_int (path, 2));
  g_autofree char *uid = nd_fake_int_text (caller->id);
  const char *params[2] = { id, uid };
  PGresult *res = nd_fake_sql (self, "UPDATE tokens SET deleted_at = now () WHERE id = $1::bigint "
                                     "AND user_id = $2::bigint AND deleted_at IS NULL", 2, params);
  gboolean found = g_ascii_strtoll (PQcmdTuples (res), NULL, 10) > 0;

  PQclear (res);
  if (!found)
    return nd_fake_reply_fail (msg, MSG_NOT_FOUND);
  nd_fake_reply_envelope (msg, 200, TRUE, NULL, "", NULL);
}

/* ---- redemption codes ----------------------------------------------------- */

/* logger.LogQuota under the server's display settings. */
static char *
log_quota (NdFakeNewapi *self, gint64 quota)
{
  PGresult *res = nd_fake_sql (self, "SELECT \"key\", value FROM options WHERE \"key\" IN "
                                     "('QuotaPerUnit', 'USDExchangeRate', "
                                     "'general_setting.quota_display_type', "
                                     "'general_setting.custom_currency_symbol', "
                                     "'general_setting.custom_currency_exchange_rate')", 0, NULL);
  double per_unit = 500000, cny = 7.3, rate = 1;
  const char *display = "USD", *symbol = "¤";
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  char *text;

  for (int i = 0; i < PQntuples (res); i++)
    {
      const char *k = PQgetvalue (res, i, 0), *v = PQgetvalue (res, i, 1);

      if (g_str_equal (k, "QuotaPerUnit"))
        per_unit = g_ascii_strtod (v, NULL);
      else if (g_str_equal (k, "USDExchangeRate"))
        cny = g_ascii_strtod (v, NULL);
      else if (g_str_equal (k, "general_setting.quota_display_type"))
        display = v;
      else if (g_str_equal (k, "general_setting.custom_currency_symbol") && *v)
        symbol = v;
      else if (g_str_equal (k, "general_setting.custom_currency_exchange_rate"))
        rate = g_ascii_strtod (v, NULL) > 0 ? g_ascii_strtod (v, NULL) : 1;
    }
  if (g_str_equal (display, "TOKENS"))
    text = g_strdup_printf ("%" G_GINT64_FORMAT " 点额度", quota);
  else if (g_str_equal (display, "CNY"))
    text = g_strdup_printf ("¥%s 额度", g_ascii_formatd (number, sizeof number, "%.6f",
                                                         quota / per_unit * cny));
  else if (g_str_equal (display, "CUSTOM"))
    text = g_strdup_printf ("%s%s 额度", symbol, g_ascii_formatd (number, sizeof number, "%.6f",
                                                                  quota / per_unit * rate));
  else
    text = g_strdup_printf ("＄%s 额度", g_ascii_formatd (number, sizeof number, "%.6f",
                                                          quota / per_unit));
  PQclear (res);
  return text;
}

static gboolean
compliance_confirmed (NdFakeNewapi *self)
{
  PGresult *res = nd_fake_sql (self, "SELECT value FROM options WHERE \"key\" = "
                                     "'payment_setting.compliance_confirmed'", 0, NULL);
  gboolean yes = PQntuples (res) > 0 && g_str_equal (PQgetvalue (res, 0, 0), "true");

  PQclear (res);
  return yes;
}

static gboolean
expiry_ok (SoupServerMessage *msg, gint64 expires)
{
  if (expires != 0 && expires < nd_fake_now ())
    {
      nd_fake_reply_fail (msg, MSG_CODE_EXPIRY);
      return FALSE;
    }
  return TRUE;
}

static void
code_create (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
             Caller *caller)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonBuilder) keys = json_builder_new ();
  g_autoptr(JsonNode) data = NULL;
  g_autofree char *uid = nd_fake_int_text (caller->id);
  g_autofree char *quota = NULL, *now = NULL, *expires = NULL, *quota_text = NULL;
  g_autofree char *content = NULL;
  const char *name;
  glong name_len;
  gint64 count;
  JsonBuilder *params;

  if (nd_fake_version_at_least (self, "v1.0.0-rc.6") && !compliance_confirmed (self))
    return nd_fake_reply_fail (msg, MSG_COMPLIANCE);
  body = nd_fake_body_object (msg);
  if (body == NULL || !body_type_ok (msg, body, "name", G_TYPE_STRING) ||
      !body_type_ok (msg, body, "count", G_TYPE_INT64) ||
      !body_type_ok (msg, body, "quota", G_TYPE_INT64) ||
      !body_type_ok (msg, body, "expired_time", G_TYPE_INT64))
    return;
  name = body_str (body, "name");
  name_len = g_utf8_strlen (name, -1);
  count = body_int (body, "count", 0);
  if (name_len == 0 || name_len > 20)
    return nd_fake_reply_fail (msg, MSG_CODE_NAME);
  if (count <= 0)
    return nd_fake_reply_fail (msg, MSG_CODE_COUNT);
  if (count > 100)
    return nd_fake_reply_fail (msg, MSG_CODE_COUNT_MAX);
  if (!expiry_ok (msg, body_int (body, "expired_time", 0)))
    return;

  quota = nd_fake_int_text (body_int (body, "quota", 0));
  now = nd_fake_int_text (nd_fake_now ());
  expires = nd_fake_int_text (body_int (body, "expired_time", 0));
  json_builder_begin_array (keys);
  for (gint64 i = 0; i < count; i++)
    {
      g_autofree char *key = uuid_hex ();
      const char *values[6] = { uid, key, name, quota, now, expires };

      PQclear (nd_fake_sql (self, "INSERT INTO redemptions (user_id, \"key\", status, name, quota, "
                                  "created_time, redeemed_time, used_user_id, expired_time) "
                                  "VALUES ($1::bigint, $2, 1, $3, $4::bigint, $5::bigint, 0, 0, "
                                  "$6::bigint)", 6, values));
      json_builder_add_string_value (keys, key);
    }
  json_builder_end_array (keys);

  quota_text = log_quota (self, body_int (body, "quota", 0));
  params = nd_fake_object_begin ();
  nd_fake_member_str (params, "name", name);
  nd_fake_member_int (params, "count", count);
  nd_fake_member_str (params, "quota", quota_text);
  content = g_strdup_printf ("Created %" G_GINT64_FORMAT " redemption codes named %s (%s each)",
                             count, name, quota_text);
  nd_fake_audit (self, caller, "redemption.create", nd_fake_object_end (params), content);
  data = json_builder_get_root (keys);
  nd_fake_reply_data (msg, data);
}

static JsonNode *
code_node (NdFakeNewapi *self, gint64 id)
{
  g_autofree char *id_text = nd_fake_int_text (id);
  const char *params[1] = { id_text };

  return row_node (self, "SELECT " CODE_COLUMNS " FROM redemptions WHERE id = $1::bigint AND "
                         "deleted_at IS NULL", 1, params);
}

static void
code_get (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
          Caller *caller)
{
  g_autoptr(JsonNode) code = code_node (self, nd_fake_path_int (path, 2));

  if (code == NULL)
    return nd_fake_reply_fail (msg, MSG_NOT_FOUND);
  nd_fake_reply_data (msg, code);
}

static void
code_update (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
             Caller *caller)
{
  g_autoptr(JsonObject) body = nd_fake_body_object (msg);
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *id = NULL;
  gint64 code_id;

  if (body == NULL || !body_type_ok (msg, body, "id", G_TYPE_INT64) ||
      !body_type_ok (msg, body, "status", G_TYPE_INT64) ||
      !body_type_ok (msg, body, "quota", G_TYPE_INT64) ||
      !body_type_ok (msg, body, "expired_time", G_TYPE_INT64) ||
      !body_type_ok (msg, body, "name", G_TYPE_STRING))
    return;
  code_id = body_int (body, "id", 0);
  current = code_node (self, code_id);
  if (current == NULL)
    return nd_fake_reply_fail (msg, MSG_NOT_FOUND);
  id = nd_fake_int_text (code_id);
  if (nd_fake_param (query, "status_only") != NULL)
    {
      g_autofree char *status = nd_fake_int_text (body_int (body, "status", 0));
      const char *values[2] = { id, status };

      PQclear (nd_fake_sql (self, "UPDATE redemptions SET status = $2::bigint WHERE id = "
                                  "$1::bigint", 2, values));
    }
  else
    {
      g_autofree char *quota = nd_fake_int_text (body_int (body, "quota", 0));
      g_autofree char *expires = nd_fake_int_text (body_int (body, "expired_time", 0));
      const char *values[4] = { id, body_str (body, "name"), quota, expires };

      if (!expiry_ok (msg, body_int (body, "expired_time", 0)))
        return;
      PQclear (nd_fake_sql (self, "UPDATE redemptions SET name = $2, quota = $3::bigint, "
                                  "expired_time = $4::bigint WHERE id = $1::bigint", 4, values));
    }
  after = code_node (self, code_id);
  nd_fake_reply_data (msg, after);
}

static void
code_delete (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
             Caller *caller)
{
  g_autofree char *id = nd_fake_int_text (nd_fake_path_int (path, 2));
  const char *params[1] = { id };
  PGresult *res = nd_fake_sql (self, "UPDATE redemptions SET deleted_at = now () WHERE id = "
                                     "$1::bigint AND deleted_at IS NULL", 1, params);
  gboolean found = g_ascii_strtoll (PQcmdTuples (res), NULL, 10) > 0;

  PQclear (res);
  if (!found)
    return nd_fake_reply_fail (msg, MSG_NOT_FOUND);
  nd_fake_reply_envelope (msg, 200, TRUE, NULL, "", NULL);
}

static void
code_delete_invalid (NdFakeNewapi *self, SoupServerMessage *msg, const char *path,
                     GHashTable *query, Caller *caller)
{
  g_autofree char *now = nd_fake_int_text (nd_fake_now ());
  const char *params[1] = { now };
  PGresult *res = nd_fake_sql (self, "UPDATE redemptions SET deleted_at = now () WHERE "
                                     "deleted_at IS NULL AND (status IN (2, 3) OR (status = 1 AND "
                                     "expired_time <> 0 AND expired_time < $1::bigint))",
                               1, params);
  g_autoptr(JsonNode) count = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (count, g_ascii_strtoll (PQcmdTuples (res), NULL, 10));
  PQclear (res);
  nd_fake_reply_data (msg, count);
}

void
nd_fake_routes_tokens (NdFakeNewapi *self)
{
  nd_fake_add_route (self, "POST", "/api/token/", 1, NULL, token_create);
  nd_fake_add_route (self, "PUT", "/api/token/", 1, NULL, token_update);
  nd_fake_add_route (self, "GET", "/api/token/:id", 1, NULL, token_get);
  nd_fake_add_route (self, "POST", "/api/token/:id/key", 1, masks_keys, token_key);
  nd_fake_add_route (self, "DELETE", "/api/token/:id", 1, NULL, token_delete);
  nd_fake_add_route (self, "POST", "/api/redemption/", 10, NULL, code_create);
  nd_fake_add_route (self, "PUT", "/api/redemption/", 10, NULL, code_update);
  nd_fake_add_route (self, "GET", "/api/redemption/:id", 10, NULL, code_get);
  /* Before :id, as gin prefers the fixed path. */
  nd_fake_add_route (self, "DELETE", "/api/redemption/invalid", 10, NULL, code_delete_invalid);
  nd_fake_add_route (self, "DELETE", "/api/redemption/:id", 10, NULL, code_delete);
}
