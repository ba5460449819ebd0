/* nd-fake-newapi-options.c — /api/option/ (GET, PUT) and /api/pricing
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As upstream (reference §3.10, §1.6a):
 *   GET /api/option/   root: every option as {key, value} (values are text),
 *                      keys ending in Token, Secret, Key, secret or api_key
 *                      left out; new servers add the synthetic
 *                      CompletionRatioMeta. Go map order: the fake answers
 *                      in reverse key order.
 *   PUT /api/option/   root: {key, value}; a boolean or number value is
 *                      stored as text; GroupRatio must be a map of numbers
 *                      ≥ 0, the other price maps maps of numbers (upstream
 *                      saves a map it then fails to read; the fake refuses
 *                      it before saving: stricter). rc.16+ adds the audit
 *                      row option.update {key}, "Updated system setting KEY".
 *   GET /api/pricing   public: one row per model with an enabled ability
 *                      (groups from those abilities), models whose metadata
 *                      row (exact name) is disabled left out; ModelPrice first (quota_type
 *                      1, model_ratio 0), else ModelRatio or 37.5 with
 *                      CompletionRatio or 1 (no built-in completion ratios:
 *                      stricter); cache_ratio only when set. New servers add
 *                      the metadata, vendors, usable_group, supported_endpoint,
 *                      auto_groups and pricing_version. Go map order: models
 *                      in reverse name order.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "nd-fake-newapi-private.h"

static const char * const price_maps[] = {
  "ModelRatio", "CompletionRatio", "ModelPrice", "CacheRatio", "GroupRatio", NULL,
};

static gboolean
sensitive (const char *key)
{
  return g_str_has_suffix (key, "Token") || g_str_has_suffix (key, "Secret") ||
         g_str_has_suffix (key, "Key") || g_str_has_suffix (key, "secret") ||
         g_str_has_suffix (key, "api_key");
}

/* An option's map (NULL when the row is missing or not an object). */
static JsonObject *
option_map (NdFakeNewapi *self, const char *key)
{
  const char *params[1] = { key };
  PGresult *res = nd_fake_sql (self, "SELECT value FROM options WHERE key = $1", 1, params);
  JsonObject *obj = NULL;

  if (PQntuples (res) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, PQgetvalue (res, 0, 0), -1, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        obj = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
    }
  PQclear (res);
  return obj;
}

static gboolean
member_number (JsonObject *map, const char *name, double *out)
{
  JsonNode *n = map && json_object_has_member (map, name) ? json_object_get_member (map, name)
                                                          : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    *out = (double) json_node_get_int (n);
  else if (json_node_get_value_type (n) == G_TYPE_DOUBLE)
    *out = json_node_get_double (n);
  else
    return FALSE;
  return TRUE;
}

/* ---- GET /api/option/ ------------------------------------------------------ */

static void
route_get_options (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
                   Caller *caller)
{
  PGresult *res = nd_fake_sql (self, "SELECT key, COALESCE(value, '') FROM options "
                                     "ORDER BY key DESC", 0, NULL);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) data = NULL;

  json_builder_begin_array (b);
  for (int i = 0; i < PQntuples (res); i++)
    {
      if (sensitive (PQgetvalue (res, i, 0)))
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, PQgetvalue (res, i, 0));
      json_builder_set_member_name (b, "value");
      json_builder_add_string_value (b, PQgetvalue (res, i, 1));
      json_builder_end_object (b);
    }
  if (self->mode == ND_FAKE_NEWAPI_NEW)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, "CompletionRatioMeta");
      json_builder_set_member_name (b, "value");
      json_builder_add_string_value (b, "{}");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  PQclear (res);
  data = nd_fake_builder_root (b);
  nd_fake_reply_data (msg, data);
}

/* ---- PUT /api/option/ ------------------------------------------------------ */

/* Go's error for a price map it cannot read into map[string]float64, or
 * NULL when it can. */
static char *
check_price_map (const char *key, const char *value)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (!json_parser_load_from_data (parser, value, -1, NULL))
    return g_strdup ("invalid character looking for beginning of value");
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_strdup ("json: cannot unmarshal array into Go value of type map[string]float64");
  json_object_iter_init (&iter, json_node_get_object (json_parser_get_root (parser)));
  while (json_object_iter_next (&iter, &name, &node))
    {
      double v;

      if (!member_number (json_node_get_object (json_parser_get_root (parser)), name, &v))
        return g_strdup ("json: cannot unmarshal string into Go value of type float64");
      if (g_str_equal (key, "GroupRatio") && v < 0)
        return g_strdup_printf ("group ratio must be not less than 0: %s", name);
    }
  return NULL;
}

static void
route_put_option (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
                  Caller *caller)
{
  g_autoptr(JsonObject) body = nd_fake_body_object (msg);
  JsonNode *key_node, *value_node;
  g_autofree char *value = NULL;
  g_autofree char *refusal = NULL;
  g_autofree char *content = NULL;
  const char *key;
  const char *params[2];
  JsonBuilder *b;

  if (body == NULL)
    return;
  key_node = json_object_get_member (body, "key");
  value_node = json_object_get_member (body, "value");
  if (key_node == NULL || !JSON_NODE_HOLDS_VALUE (key_node) ||
      json_node_get_value_type (key_node) != G_TYPE_STRING || value_node == NULL ||
      !JSON_NODE_HOLDS_VALUE (value_node))
    {
      nd_fake_reply_envelope (msg, 400, FALSE, NULL, "无效的参数", NULL);
      return;
    }
  key = json_node_get_string (key_node);
  switch (json_node_get_value_type (value_node))
    {
    case G_TYPE_BOOLEAN:
      value = g_strdup (json_node_get_boolean (value_node) ? "true" : "false");
      break;
    case G_TYPE_INT64:
      value = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value_node));
      break;
    case G_TYPE_DOUBLE:
      value = g_strdup_printf ("%g", json_node_get_double (value_node));
      break;
    default:
      value = g_strdup (json_node_get_string (value_node));
    }
  if (g_str_has_prefix (key, "payment_setting.compliance_"))
    {
      nd_fake_reply_fail (msg, "合规确认字段不允许通过通用设置接口修改");
      return;
    }
  if (g_strv_contains (price_maps, key) && (refusal = check_price_map (key, value)) != NULL)
    {
      nd_fake_reply_fail (msg, refusal);
      return;
    }
  params[0] = key;
  params[1] = value;
  PQclear (nd_fake_sql (self, "INSERT INTO options (key, value) VALUES ($1, $2) "
                              "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                        2, params));
  b = nd_fake_object_begin ();
  nd_fake_member_str (b, "key", key);
  content = g_strdup_printf ("Updated system setting %s", key);
  nd_fake_audit (self, caller, "option.update", nd_fake_object_end (b), content);
  nd_fake_reply_envelope (msg, 200, TRUE, NULL, "", NULL);
}

/* ---- GET /api/pricing ------------------------------------------------------ */

static void
add_number (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, v);
}

static void
add_pricing_row (NdFakeNewapi *self, JsonBuilder *b, PGresult *res, int row, JsonObject **maps)
{
  gboolean old = self->mode == ND_FAKE_NEWAPI_OLD;
  const char *model = PQgetvalue (res, row, 0);
  double price, ratio, completion, cache;
  g_autoptr(JsonParser) parser = json_parser_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model_name");
  json_builder_add_string_value (b, model);
  if (!old)
    {
      /* omitempty */
      if (*PQgetvalue (res, row, 2) != '\0')
        {
          json_builder_set_member_name (b, "description");
          json_builder_add_string_value (b, PQgetvalue (res, row, 2));
        }
      if (*PQgetvalue (res, row, 3) != '\0')
        {
          json_builder_set_member_name (b, "tags");
          json_builder_add_string_value (b, PQgetvalue (res, row, 3));
        }
      if (g_ascii_strtoll (PQgetvalue (res, row, 4), NULL, 10) != 0)
        {
          json_builder_set_member_name (b, "vendor_id");
          json_builder_add_int_value (b, g_ascii_strtoll (PQgetvalue (res, row, 4), NULL, 10));
        }
    }
  if (member_number (maps[2], model, &price))
    {
      json_builder_set_member_name (b, "quota_type");
      json_builder_add_int_value (b, 1);
      add_number (b, "model_ratio", 0);
      add_number (b, "model_price", price);
      add_number (b, "completion_ratio", 0);
    }
  else
    {
      if (!member_number (maps[0], model, &ratio))
        ratio = 37.5;
      if (!member_number (maps[1], model, &completion))
        completion = 1;
      json_builder_set_member_name (b, "quota_type");
      json_builder_add_int_value (b, 0);
      add_number (b, "model_ratio", ratio);
      add_number (b, "model_price", 0);
      add_number (b, "completion_ratio", completion);
    }
  json_builder_set_member_name (b, "owner_by");
  json_builder_add_string_value (b, "");
  if (!old && member_number (maps[3], model, &cache))
    add_number (b, "cache_ratio", cache);
  json_builder_set_member_name (b, "enable_groups");
  json_parser_load_from_data (parser, PQgetvalue (res, row, 1), -1, NULL);
  json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
  if (!old)
    {
      json_builder_set_member_name (b, "supported_endpoint_types");
      json_builder_begin_array (b);
      json_builder_end_array (b);
      if (row == 0)
        {
          json_builder_set_member_name (b, "pricing_version");
          json_builder_add_string_value (b, "fake");
        }
    }
  json_builder_end_object (b);
}

static void
route_pricing (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
               Caller *caller)
{
  gboolean old = self->mode == ND_FAKE_NEWAPI_OLD;
  JsonObject *maps[5] = { NULL };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  PGresult *res;

  for (guint i = 0; i < 5; i++)
    maps[i] = option_map (self, price_maps[i]);
  /* Enabled abilities, as GetAllEnableAbilityWithChannels reads them; a
   * model whose metadata row is disabled is not listed. */
  res = nd_fake_sql (self,
    "SELECT a.model, json_agg (DISTINCT a.\"group\")::text, "
    "  COALESCE (min (m.description), ''), COALESCE (min (m.tags), ''), "
    "  COALESCE (min (m.vendor_id), 0) "
    "FROM abilities a JOIN channels c ON c.id = a.channel_id "
    "LEFT JOIN models m ON m.model_name = a.model AND m.name_rule = 0 AND m.deleted_at IS NULL "
    "WHERE a.enabled GROUP BY a.model "
    "HAVING COALESCE (min (m.status), 1) = 1 ORDER BY a.model DESC", 0, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  for (int i = 0; i < PQntuples (res); i++)
    add_pricing_row (self, b, res, i, maps);
  json_builder_end_array (b);
  PQclear (res);
  if (!old)
    {
      json_builder_set_member_name (b, "vendors");
      json_builder_begin_array (b);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "supported_endpoint");
      json_builder_begin_object (b);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "auto_groups");
      json_builder_begin_array (b);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "pricing_version");
      json_builder_add_string_value (b, "fake");
    }
  json_builder_set_member_name (b, "group_ratio");
  if (maps[4] != NULL)
    {
      g_autoptr(JsonNode) groups = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (groups, maps[4]);
      json_builder_add_value (b, json_node_copy (groups));
    }
  else
    {
      json_builder_begin_object (b);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "usable_group");
  json_builder_begin_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  for (guint i = 0; i < 5; i++)
    g_clear_pointer (&maps[i], json_object_unref);
  root = nd_fake_builder_root (b);
  nd_fake_reply_json (msg, 200, root);
}

void
nd_fake_routes_options (NdFakeNewapi *self)
{
  nd_fake_add_route (self, "GET", "/api/option/", 100, NULL, route_get_options);
  nd_fake_add_route (self, "PUT", "/api/option/", 100, NULL, route_put_option);
  nd_fake_add_route (self, "GET", "/api/pricing", -1, NULL, route_pricing);
}
