/* nd-records-json.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-json.h"
#include "nd-records-json.h"

static JsonObject *
object_member (JsonObject *obj, const char *name)
{
  JsonNode *node = obj != NULL && json_object_has_member (obj, name)
                   ? json_object_get_member (obj, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* other_info is JSON kept as text inside the row (reference §1.3); NewAPI
 * reads anything that is not an object as {}, and so do we. */
static void
read_other_info (NdChannel *ch, const char *text, GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *info;

  if (text == NULL || *text != '{')
    return;
  root = nd_json_parse_bounded (text, -1, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  info = json_node_get_object (root);
  ch->status_reason = nd_json_read_str (info, "status_reason", error);
  ch->status_time = nd_json_read_int (info, "status_time", ND_JSON_TIME, 0, error);
}

static void
read_keys (NdChannel *ch, JsonObject *info, JsonArray *previews, GError **error)
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
      key->status = statuses ? (int) nd_json_read_int (statuses, index, ND_JSON_CODE, 1, error) : 1;
      key->reason = reasons ? nd_json_read_str (reasons, index, error) : NULL;
      key->disabled_time = times ? nd_json_read_int (times, index, ND_JSON_TIME, 0, error) : 0;
      if (previews != NULL && JSON_NODE_HOLDS_VALUE (json_array_get_element (previews, i)))
        key->preview = g_strdup (json_array_get_string_element (previews, i));
      g_ptr_array_add (ch->keys, key);
    }
}

#define INT(member, range, fallback) nd_json_read_int (obj, (member), (range), (fallback), &local)
#define STR(member) nd_json_read_str (obj, (member), &local)

NdChannel *
nd_channel_read_json (JsonObject *obj, JsonArray *key_previews, GError **error)
{
  NdChannel *ch = nd_channel_new ();
  GError *local = NULL;
  JsonNode *info_node = json_object_has_member (obj, "channel_info")
                        ? json_object_get_member (obj, "channel_info") : NULL;
  g_autofree char *other_info = NULL;

  ch->id = INT ("id", ND_JSON_ID, 0);
  ch->type = (int) INT ("type", ND_JSON_CODE, 0);
  ch->status = (int) INT ("status", ND_JSON_CODE, 0);
  ch->name = STR ("name");
  ch->group = STR ("group");
  ch->models = STR ("models");
  ch->tag = STR ("tag");
  ch->base_url = STR ("base_url");
  ch->priority = INT ("priority", ND_JSON_AMOUNT, 0);
  ch->weight = INT ("weight", ND_JSON_COUNT, 0);
  ch->balance = nd_json_read_double (obj, "balance", -(double) ND_JSON_MAX_AMOUNT,
                                     (double) ND_JSON_MAX_AMOUNT, 0, &local);
  ch->balance_updated_time = INT ("balance_updated_time", ND_JSON_TIME, 0);
  ch->used_quota = INT ("used_quota", ND_JSON_AMOUNT, 0);
  ch->response_time = INT ("response_time", ND_JSON_COUNT, 0);
  ch->test_time = INT ("test_time", ND_JSON_TIME, 0);
  ch->created_time = INT ("created_time", ND_JSON_TIME, 0);
  ch->remark = STR ("remark");
  ch->auto_ban = (int) INT ("auto_ban", ND_JSON_CODE, 1);
  ch->test_model = STR ("test_model");
  other_info = STR ("other_info");
  if (local == NULL)
    read_other_info (ch, other_info, &local);
  ch->model_mapping = STR ("model_mapping");
  ch->status_code_mapping = STR ("status_code_mapping");
  ch->other = STR ("other");
  ch->setting = STR ("setting");
  ch->param_override = STR ("param_override");
  ch->header_override = STR ("header_override");
  ch->settings = STR ("settings");
  if (info_node != NULL && JSON_NODE_HOLDS_OBJECT (info_node))
    {
      JsonObject *info = json_node_get_object (info_node);

      ch->is_multi_key = nd_json_read_bool (info, "is_multi_key", &local);
      ch->multi_key_size = (int) nd_json_read_int (info, "multi_key_size", ND_JSON_CODE, 0, &local);
      ch->multi_key_mode = nd_json_read_str (info, "multi_key_mode", &local);
      if (ch->is_multi_key && local == NULL)
        read_keys (ch, info, key_previews, &local);
    }
  else if (info_node != NULL && !JSON_NODE_HOLDS_NULL (info_node) && local == NULL)
    g_set_error (&local, ND_ERROR, ND_ERROR_PROTOCOL,
                 _("The server sent an impossible value for “%s”: not a JSON object"),
                 "channel_info");
  /* The channel key is never read: lists omit it, and it is not kept. */
  if (local == NULL)
    return ch;
  nd_channel_free (ch);
  g_propagate_error (error, local);
  return NULL;
}
