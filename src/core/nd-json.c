/* nd-json.c — reading NewAPI's JSON, from replies and from JSON columns
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "nd-json.h"

static JsonNode *
value_member (JsonObject *obj, const char *member)
{
  JsonNode *node;

  if (obj == NULL || !json_object_has_member (obj, member))
    return NULL;
  node = json_object_get_member (obj, member);
  return JSON_NODE_HOLDS_VALUE (node) ? node : NULL;
}

gint64
nd_json_int (JsonObject *obj, const char *member, gint64 fallback)
{
  JsonNode *node = value_member (obj, member);

  if (node == NULL)
    return fallback;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return json_node_get_int (node);
    case G_TYPE_DOUBLE:
      {
        double d = json_node_get_double (node);

        return isfinite (d) ? (gint64) d : fallback;
      }
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node) ? 1 : 0;
    case G_TYPE_STRING:
      {
        const char *s = json_node_get_string (node);
        char *end = NULL;
        gint64 v = g_ascii_strtoll (s, &end, 10);

        return end != s ? v : fallback;
      }
    default:
      return fallback;
    }
}

double
nd_json_double (JsonObject *obj, const char *member, double fallback)
{
  JsonNode *node = value_member (obj, member);

  if (node == NULL)
    return fallback;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return (double) json_node_get_int (node);
    case G_TYPE_DOUBLE:
      return json_node_get_double (node);
    case G_TYPE_STRING:
      {
        const char *s = json_node_get_string (node);
        char *end = NULL;
        double v = g_ascii_strtod (s, &end);

        return end != s ? v : fallback;
      }
    default:
      return fallback;
    }
}

gboolean
nd_json_bool (JsonObject *obj, const char *member)
{
  JsonNode *node = value_member (obj, member);

  if (node == NULL)
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node);
    case G_TYPE_INT64:
      return json_node_get_int (node) != 0;
    case G_TYPE_STRING:
      return g_str_equal (json_node_get_string (node), "true");
    default:
      return FALSE;
    }
}

char *
nd_json_strdup (JsonObject *obj, const char *member)
{
  JsonNode *node = value_member (obj, member);

  if (node == NULL)
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}
