/* nd-log-other.c — NewAPI's `other` log column, read once and typed
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "nd-json.h"
#include "nd-log-other.h"
#include "nd-secure-string.h"

/* The only parse of `other` in the app: bounded, so a row nested
 * thousands of levels deep is refused instead of exhausting the stack. */
static JsonNode *
parse (const char *text)
{
  if (text == NULL || *text == '\0')
    return NULL;
  return nd_json_parse_bounded (text, -1, NULL);
}

static JsonObject *
object_member (JsonObject *o, const char *member)
{
  JsonNode *node = o && json_object_has_member (o, member) ? json_object_get_member (o, member) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Text from the gateway is masked as it is read: nothing downstream can
 * show it raw by mistake. */
static char *
text_member (JsonObject *o, const char *member)
{
  g_autofree char *raw = nd_json_strdup (o, member);

  return raw ? nd_mask_text_dup (raw) : NULL;
}

/* NewAPI writes -1 where a ratio or price does not apply. */
static double
positive_or_nan (JsonObject *o, const char *member)
{
  double v = nd_json_double (o, member, NAN);

  return v >= 0 ? v : NAN;
}

static void
read_admin_info (NdLogOther *other, JsonObject *admin)
{
  JsonNode *chain = admin && json_object_has_member (admin, "use_channel")
                    ? json_object_get_member (admin, "use_channel") : NULL;

  other->is_multi_key = nd_json_bool (admin, "is_multi_key");
  other->multi_key_index = other->is_multi_key ? nd_json_int (admin, "multi_key_index", -1) : -1;
  if (chain == NULL || !JSON_NODE_HOLDS_ARRAY (chain))
    return;
  other->use_channel = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < json_array_get_length (json_node_get_array (chain)); i++)
    {
      JsonNode *e = json_array_get_element (json_node_get_array (chain), i);
      gint64 id = 0;

      /* Ids are numbers on new servers and strings on old ones. */
      if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_INT64)
        id = json_node_get_int (e);
      else if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
        id = g_ascii_strtoll (json_node_get_string (e), NULL, 10);
      if (id > 0)
        g_array_append_val (other->use_channel, id);
    }
}

static void
read_op (NdLogOther *other, JsonObject *op)
{
  JsonObject *params = object_member (op, "params");

  other->op_action = text_member (op, "action");
  other->op_target_user_id = nd_json_int (params, "target_user_id", -1);
  if (params != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), params);
      g_autofree char *compact = json_to_string (node, FALSE);

      other->op_params = nd_log_other_mask (compact, FALSE);
    }
}

NdLogOther *
nd_log_other_read (const char *text)
{
  g_autoptr(JsonNode) root = parse (text);
  JsonObject *o;
  NdLogOther *other;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  o = json_node_get_object (root);
  other = g_new0 (NdLogOther, 1);

  other->model_ratio = nd_json_double (o, "model_ratio", NAN);
  other->completion_ratio = nd_json_double (o, "completion_ratio", NAN);
  other->group_ratio = nd_json_double (o, "group_ratio", NAN);
  other->user_group_ratio = positive_or_nan (o, "user_group_ratio");
  other->model_price = positive_or_nan (o, "model_price");
  other->cache_tokens = nd_json_int (o, "cache_tokens", -1);
  other->cache_ratio = nd_json_double (o, "cache_ratio", NAN);
  other->cache_creation_tokens = nd_json_int (o, "cache_creation_tokens", -1);
  other->cache_creation_ratio = nd_json_double (o, "cache_creation_ratio", NAN);
  other->frt_ms = nd_json_double (o, "frt", NAN);
  other->reasoning_effort = text_member (o, "reasoning_effort");
  other->request_path = text_member (o, "request_path");
  other->upstream_model_name = text_member (o, "upstream_model_name");
  other->billing_source = text_member (o, "billing_source");
  other->reject_reason = text_member (o, "reject_reason");

  other->error_type = text_member (o, "error_type");
  other->error_code = text_member (o, "error_code");
  other->status_code = nd_json_int (o, "status_code", -1);

  other->login_method = text_member (o, "login_method");
  other->user_agent = text_member (o, "user_agent");

  other->op_target_user_id = -1;
  read_op (other, object_member (o, "op"));
  read_admin_info (other, object_member (o, "admin_info"));
  return other;
}

void
nd_log_other_free (NdLogOther *other)
{
  if (other == NULL)
    return;
  g_free (other->reasoning_effort);
  g_free (other->request_path);
  g_free (other->upstream_model_name);
  g_free (other->billing_source);
  g_free (other->reject_reason);
  g_free (other->error_type);
  g_free (other->error_code);
  g_free (other->login_method);
  g_free (other->user_agent);
  g_free (other->op_action);
  g_free (other->op_params);
  g_clear_pointer (&other->use_channel, g_array_unref);
  g_free (other);
}

/* ─── masking ───────────────────────────────────────────────────────────── */

static void mask_node (JsonNode *node);

static void
mask_member (JsonObject *object, const char *name, JsonNode *node, gpointer user_data)
{
  mask_node (node);
}

static void
mask_element (JsonArray *array, guint index, JsonNode *node, gpointer user_data)
{
  mask_node (node);
}

static void
mask_node (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    json_object_foreach_member (json_node_get_object (node), mask_member, NULL);
  else if (JSON_NODE_HOLDS_ARRAY (node))
    json_array_foreach_element (json_node_get_array (node), mask_element, NULL);
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autofree char *masked = nd_mask_text (json_node_get_string (node));

      if (masked != NULL)
        json_node_set_string (node, masked);
    }
}

char *
nd_log_other_mask (const char *text, gboolean pretty)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = NULL;

  if (text == NULL)
    return NULL;
  /* Without escapes the raw text is the decoded text: masking it is
   * exact, and an export of millions of rows need not parse each one. */
  if (!pretty && strchr (text, '\\') == NULL)
    return nd_mask_text_dup (text);
  root = parse (text);
  if (root == NULL || !(JSON_NODE_HOLDS_OBJECT (root) || JSON_NODE_HOLDS_ARRAY (root)))
    return nd_mask_text_dup (text);
  mask_node (root);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}
