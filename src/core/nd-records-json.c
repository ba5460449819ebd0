/* nd-records-json.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-json.h"
#include "nd-records-json.h"

static JsonObject *
object_member (JsonObject *obj, const char *name)
{
  JsonNode *node = json_object_has_member (obj, name) ? json_object_get_member (obj, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* other_info is JSON kept as text inside the row (reference §1.3). */
static void
read_other_info (NdChannel *ch, const char *text)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *info;

  if (text == NULL || *text != '{')
    return;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  info = json_node_get_object (json_parser_get_root (parser));
  ch->status_reason = nd_json_strdup (info, "status_reason");
  ch->status_time = nd_json_int (info, "status_time", 0);
}

static void
read_keys (NdChannel *ch, JsonObject *info, JsonArray *previews)
{
  JsonObject *statuses = object_member (info, "multi_key_status_list");
  JsonObject *reasons = object_member (info, "multi_key_disabled_reason");
  JsonObject *times = object_member (info, "multi_key_disabled_time");
  guint n = previews != NULL ? json_array_get_length (previews) : (guint) MAX (ch->multi_key_size, 0);

  ch->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_channel_key_free);
  for (guint i = 0; i < n; i++)
    {
      NdChannelKey *key = g_new0 (NdChannelKey, 1);
      g_autofree char *index = g_strdup_printf ("%u", i);

      key->index = (int) i;
      /* Absent means enabled (reference §2.4). */
      key->status = (int) nd_json_int (statuses, index, 1);
      key->reason = nd_json_strdup (reasons, index);
      key->disabled_time = nd_json_int (times, index, 0);
      if (previews != NULL && JSON_NODE_HOLDS_VALUE (json_array_get_element (previews, i)))
        key->preview = g_strdup (json_array_get_string_element (previews, i));
      g_ptr_array_add (ch->keys, key);
    }
}

NdChannel *
nd_channel_from_json (JsonObject *obj, JsonArray *key_previews)
{
  NdChannel *ch = nd_channel_new ();
  JsonObject *info = object_member (obj, "channel_info");
  g_autofree char *other_info = nd_json_strdup (obj, "other_info");

  ch->id = nd_json_int (obj, "id", 0);
  ch->type = (int) nd_json_int (obj, "type", 0);
  ch->status = (int) nd_json_int (obj, "status", 0);
  ch->name = nd_json_strdup (obj, "name");
  ch->group = nd_json_strdup (obj, "group");
  ch->models = nd_json_strdup (obj, "models");
  ch->tag = nd_json_strdup (obj, "tag");
  ch->base_url = nd_json_strdup (obj, "base_url");
  ch->priority = nd_json_int (obj, "priority", 0);
  ch->weight = nd_json_int (obj, "weight", 0);
  ch->balance = nd_json_double (obj, "balance", 0);
  ch->balance_updated_time = nd_json_int (obj, "balance_updated_time", 0);
  ch->used_quota = nd_json_int (obj, "used_quota", 0);
  ch->response_time = nd_json_int (obj, "response_time", 0);
  ch->test_time = nd_json_int (obj, "test_time", 0);
  ch->created_time = nd_json_int (obj, "created_time", 0);
  ch->remark = nd_json_strdup (obj, "remark");
  ch->auto_ban = (int) nd_json_int (obj, "auto_ban", 1);
  ch->test_model = nd_json_strdup (obj, "test_model");
  read_other_info (ch, other_info);
  ch->model_mapping = nd_json_strdup (obj, "model_mapping");
  ch->status_code_mapping = nd_json_strdup (obj, "status_code_mapping");
  ch->other = nd_json_strdup (obj, "other");
  ch->setting = nd_json_strdup (obj, "setting");
  ch->param_override = nd_json_strdup (obj, "param_override");
  ch->header_override = nd_json_strdup (obj, "header_override");
  ch->settings = nd_json_strdup (obj, "settings");
  if (info != NULL)
    {
      ch->is_multi_key = nd_json_bool (info, "is_multi_key");
      ch->multi_key_size = (int) nd_json_int (info, "multi_key_size", 0);
      ch->multi_key_mode = nd_json_strdup (info, "multi_key_mode");
      if (ch->is_multi_key)
        read_keys (ch, info, key_previews);
    }
  /* The channel key is never read: lists omit it, and it is not kept. */
  return ch;
}
