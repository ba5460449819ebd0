/* nd-fake-newapi-channel-keys.c — per-key management of multi-key channels
 * (POST /api/channel/multi_key/manage, reference §3.6)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As upstream: get_key_status pages every key with its status, the
 * reason and time of a disabled one, and a preview (the first 10
 * characters and "..."); disable_key sets status 2 and nothing else,
 * enable_key drops the key from the three maps; both save channel_info
 * and rebuild the channel's abilities (channel.Update). Every action but
 * get_key_status is audited before it is looked at, so a refused one is
 * audited too. delete_* need sensitive_write on rc.16+; of the other
 * actions only those NewAPI Desk sends are answered, the rest are
 * "不支持的操作" (stricter than upstream).
 */
#include "config.h"

#include <string.h>

#include "nd-fake-newapi-private.h"

static JsonObject *
member_object (JsonObject *parent, const char *name)
{
  if (!json_object_has_member (parent, name) ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (parent, name)))
    json_object_set_object_member (parent, name, json_object_new ());
  return json_object_get_object_member (parent, name);
}

static void
key_status (SoupServerMessage *msg, JsonObject *body, JsonObject *info, const char *key)
{
  g_auto(GStrv) keys = nd_fake_split_keys (key);
  JsonObject *statuses = member_object (info, "multi_key_status_list");
  JsonObject *reasons = member_object (info, "multi_key_disabled_reason");
  JsonObject *times = member_object (info, "multi_key_disabled_time");
  gint64 page = json_object_get_int_member_with_default (body, "page", 0);
  gint64 size = json_object_get_int_member_with_default (body, "page_size", 0);
  gint64 want = json_object_get_int_member_with_default (body, "status", 0);
  gint64 counts[4] = { 0 };
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) data = NULL;
  gint64 pages;

  page = page <= 0 ? 1 : page;
  size = size <= 0 ? 50 : size;
  for (guint i = 0; keys[i]; i++)
    {
      g_autofree char *index = g_strdup_printf ("%u", i);
      gint64 status = json_object_get_int_member_with_default (statuses, index, 1);
      g_autoptr(JsonBuilder) k = json_builder_new ();
      g_autofree char *preview = strlen (keys[i]) > 10 ? g_strdup_printf ("%.10s...", keys[i])
                                                       : g_strdup (keys[i]);

      counts[CLAMP (status, 0, 3)]++;
      if (want != 0 && status != want)
        continue;
      json_builder_begin_object (k);
      json_builder_set_member_name (k, "index");
      json_builder_add_int_value (k, i);
      json_builder_set_member_name (k, "status");
      json_builder_add_int_value (k, status);
      if (status != 1 && json_object_get_int_member_with_default (times, index, 0) != 0)
        {
          json_builder_set_member_name (k, "disabled_time");
          json_builder_add_int_value (k, json_object_get_int_member (times, index));
        }
      if (status != 1 && *json_object_get_string_member_with_default (reasons, index, "") != '\0')
        {
          json_builder_set_member_name (k, "reason");
          json_builder_add_string_value (k, json_object_get_string_member (reasons, index));
        }
      json_builder_set_member_name (k, "key_preview");
      json_builder_add_string_value (k, preview);
      json_builder_end_object (k);
      g_ptr_array_add (list, json_builder_get_root (k));
    }
  pages = MAX (((gint64) list->len + size - 1) / size, 1);
  page = MIN (page, pages);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "keys");
  json_builder_begin_array (b);
  for (gint64 i = (page - 1) * size; i < MIN (page * size, (gint64) list->len); i++)
    json_builder_add_value (b, json_node_copy (g_ptr_array_index (list, i)));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, list->len);
  json_builder_set_member_name (b, "page");
  json_builder_add_int_value (b, page);
  json_builder_set_member_name (b, "page_size");
  json_builder_add_int_value (b, size);
  json_builder_set_member_name (b, "total_pages");
  json_builder_add_int_value (b, pages);
  json_builder_set_member_name (b, "enabled_count");
  json_builder_add_int_value (b, counts[1]);
  json_builder_set_member_name (b, "manual_disabled_count");
  json_builder_add_int_value (b, counts[2]);
  json_builder_set_member_name (b, "auto_disabled_count");
  json_builder_add_int_value (b, counts[3]);
  json_builder_end_object (b);
  data = json_builder_get_root (b);
  nd_fake_reply_data (msg, data);
}

static void
route_multi_key (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
                 Caller *caller)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autofree char *id_s = NULL;
  g_autofree char *info_s = NULL;
  g_autofree char *refusal = NULL;
  g_autofree char *content = NULL;
  g_autofree char *index = NULL;
  const char *action;
  gboolean enable;
  gint64 id = 0, key_index = 0;
  PGresult *row;
  JsonBuilder *b;

  if ((body = nd_fake_body_object (msg)) == NULL)
    return;
  nd_fake_body_int (body, "channel_id", &id);
  id_s = nd_fake_int_text (id);
  {
    const char *p1[1] = { id_s };

    row = nd_fake_sql (self, "SELECT \"key\", channel_info::text FROM channels WHERE id = $1::bigint",
                       1, p1);
  }
  if (PQntuples (row) == 0)
    {
      PQclear (row);
      return nd_fake_reply_fail (msg, "渠道不存在");
    }
  info = nd_fake_parse_object (PQgetisnull (row, 0, 1) ? NULL : PQgetvalue (row, 0, 1));
  if (!json_object_get_boolean_member_with_default (info, "is_multi_key", FALSE))
    {
      PQclear (row);
      return nd_fake_reply_fail (msg, "该渠道不是多密钥模式");
    }
  action = json_object_get_string_member_with_default (body, "action", "");
  if (g_str_has_prefix (action, "delete_") && !nd_fake_channel_can (self, msg, caller, TRUE))
    {
      PQclear (row);
      return;
    }
  if (g_str_equal (action, "get_key_status"))
    {
      key_status (msg, body, info, PQgetvalue (row, 0, 0));
      PQclear (row);
      return;
    }
  PQclear (row);
  /* Upstream audits before it looks at the action: a refused one too. */
  b = nd_fake_object_begin ();
  nd_fake_member_str (b, "action", action);
  nd_fake_member_int (b, "id", id);
  content = g_strdup_printf ("Multi-key management %s on channel (ID: %" G_GINT64_FORMAT ")",
                             action, id);
  nd_fake_audit (self, caller, "channel.multi_key_manage", nd_fake_object_end (b), content);

  enable = g_str_equal (action, "enable_key");
  if (!enable && !g_str_equal (action, "disable_key"))
    return nd_fake_reply_fail (msg, "不支持的操作");
  if (!nd_fake_body_int (body, "key_index", &key_index))
    return nd_fake_reply_fail (msg, enable ? "未指定要启用的密钥索引" : "未指定要禁用的密钥索引");
  if (key_index < 0 || key_index >= json_object_get_int_member_with_default (info, "multi_key_size", 0))
    return nd_fake_reply_fail (msg, "密钥索引超出范围");
  index = nd_fake_int_text (key_index);
  if (enable)
    {
      json_object_remove_member (member_object (info, "multi_key_status_list"), index);
      json_object_remove_member (member_object (info, "multi_key_disabled_time"), index);
      json_object_remove_member (member_object (info, "multi_key_disabled_reason"), index);
    }
  else
    json_object_set_int_member (member_object (info, "multi_key_status_list"), index, 2);
  info_s = nd_fake_object_text (info);
  {
    const char *p2[2] = { id_s, info_s };

    /* channel.Update(): the row, then UpdateAbilities. */
    PQclear (nd_fake_sql (self, "BEGIN", 0, NULL));
    PQclear (nd_fake_sql (self, "UPDATE channels SET channel_info = $2::json WHERE id = $1::bigint",
                          2, p2));
    if (!nd_fake_rebuild_abilities (self, id, &refusal))
      return nd_fake_rollback_fail (self, msg, refusal);
    PQclear (nd_fake_sql (self, "COMMIT", 0, NULL));
  }
  nd_fake_reply_envelope (msg, 200, TRUE, NULL, enable ? "密钥已启用" : "密钥已禁用", NULL);
}

void
nd_fake_routes_channel_keys (NdFakeNewapi *self)
{
  nd_fake_add_route (self, "POST", "/api/channel/multi_key/manage", 10, nd_fake_has_multi_key,
                     route_multi_key);
}
