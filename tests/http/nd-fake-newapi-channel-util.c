/* nd-fake-newapi-channel-util.c — what the fake's channel endpoints share:
 * the version split, permissions, request bodies, statements that input
 * can make fail, NewAPI's abilities rebuild and its audit rows
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-fake-newapi-private.h"

/* The fake parses versions itself rather than with the client's
 * nd_http_version_compare: a bug there must not hide in both. A release
 * counts after its release candidates; no version at all, as the newest. */
static void
parse_version (const char *p, guint64 out[5])
{
  char *end;

  memset (out, 0, 5 * sizeof out[0]);
  out[4] = G_MAXUINT64;
  if (*p == 'v')
    p++;
  for (guint i = 0; i < 4; i++)
    {
      out[i] = g_ascii_strtoull (p, &end, 10);
      p = end;
      if (*p != '.')
        break;
      p++;
    }
  if (g_str_has_prefix (p, "-rc."))
    out[4] = g_ascii_strtoull (p + 4, NULL, 10);
  else if (*p == '-')
    out[4] = 0;
}

gboolean
nd_fake_version_at_least (NdFakeNewapi *self, const char *landmark)
{
  guint64 have[5], want[5];

  if (self->version == NULL || *self->version == '\0')
    return TRUE;
  parse_version (self->version, have);
  parse_version (landmark, want);
  for (guint i = 0; i < 5; i++)
    if (have[i] != want[i])
      return have[i] > want[i];
  return TRUE;
}

gboolean
nd_fake_rc16 (NdFakeNewapi *self)
{
  return nd_fake_version_at_least (self, "v1.0.0-rc.16");
}

gboolean
nd_fake_has_multi_key (NdFakeNewapi *self)
{
  return self->mode == ND_FAKE_NEWAPI_NEW;
}

char *
nd_fake_int_text (gint64 v)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, v);
}

gint64
nd_fake_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

PGresult *
nd_fake_try_sql (NdFakeNewapi *self, const char *query, int n, const char * const *params,
                 char **message)
{
  PGresult *res = PQexecParams (self->pg, query, n, NULL, params, NULL, NULL, 0);

  if (PQresultStatus (res) == PGRES_TUPLES_OK || PQresultStatus (res) == PGRES_COMMAND_OK)
    return res;
  *message = g_strdup_printf ("ERROR: %s (SQLSTATE %s)",
                              PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY),
                              PQresultErrorField (res, PG_DIAG_SQLSTATE));
  PQclear (res);
  return NULL;
}

JsonObject *
nd_fake_body_object (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (body->length == 0 || !json_parser_load_from_data (parser, body->data, body->length, &error))
    {
      /* Gin's binding error, which NewAPI passes on. */
      nd_fake_reply_fail (msg, body->length == 0 ? "EOF" : "invalid character in JSON input");
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      nd_fake_reply_fail (msg, "json: cannot unmarshal array into Go value of type struct");
      return NULL;
    }
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

gboolean
nd_fake_channel_can (NdFakeNewapi *self, SoupServerMessage *msg, Caller *caller, gboolean sensitive)
{
  /* Before rc.16 every channel route needed AdminAuth and nothing more. */
  if (!sensitive || !nd_fake_rc16 (self) || caller->role >= 100)
    return TRUE;
  nd_fake_reply_envelope (msg, 403, FALSE, "AUTH_INSUFFICIENT_PRIVILEGE", "insufficient privilege",
                          NULL);
  return FALSE;
}

gboolean
nd_fake_rebuild_abilities (NdFakeNewapi *self, gint64 id, char **message)
{
  g_autofree char *id_text = nd_fake_int_text (id);
  const char *params[1] = { id_text };
  PGresult *res;

  PQclear (nd_fake_sql (self, "DELETE FROM abilities WHERE channel_id = $1::bigint", 1, params));
  /* string_to_array keeps empty entries as strings.Split does, but turns
   * '' into no entry where Go gives one empty entry. */
  res = nd_fake_try_sql (self,
    "INSERT INTO abilities (\"group\", model, channel_id, enabled, priority, weight, tag) "
    "SELECT g, m, c.id, c.status = 1, COALESCE (c.priority, 0), COALESCE (c.weight, 0), c.tag "
    "FROM channels c "
    "CROSS JOIN LATERAL unnest (CASE WHEN COALESCE (c.\"group\", '') = '' THEN ARRAY['']::text[] "
    "  ELSE string_to_array (c.\"group\", ',') END) AS g "
    "CROSS JOIN LATERAL unnest (CASE WHEN COALESCE (c.models, '') = '' THEN ARRAY['']::text[] "
    "  ELSE string_to_array (c.models, ',') END) AS m "
    "WHERE c.id = $1::bigint ON CONFLICT DO NOTHING", 1, params, message);
  if (res == NULL)
    return FALSE;
  PQclear (res);
  return TRUE;
}

void
nd_fake_audit (NdFakeNewapi *self, Caller *caller, const char *action, JsonNode *params,
               const char *content)
{
  g_autoptr(JsonNode) owned = params;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) other = NULL;
  g_autofree char *other_text = NULL;
  g_autofree char *uid = NULL;
  g_autofree char *now = NULL;
  const char *values[5];

  if (!nd_fake_rc16 (self))
    return;
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "op");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, action);
  json_builder_set_member_name (b, "params");
  json_builder_add_value (b, g_steal_pointer (&owned));
  json_builder_end_object (b);
  json_builder_set_member_name (b, "admin_info");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "admin_id");
  json_builder_add_int_value (b, caller->id);
  json_builder_set_member_name (b, "admin_username");
  json_builder_add_string_value (b, caller->username);
  json_builder_set_member_name (b, "admin_role");
  json_builder_add_int_value (b, caller->role);
  json_builder_set_member_name (b, "auth_method");
  json_builder_add_string_value (b, "access_token");
  json_builder_end_object (b);
  json_builder_end_object (b);
  other = json_builder_get_root (b);
  other_text = json_to_string (other, FALSE);
  uid = nd_fake_int_text (caller->id);
  now = nd_fake_int_text (nd_fake_now ());
  values[0] = uid;
  values[1] = caller->username;
  values[2] = now;
  values[3] = content;
  values[4] = other_text;
  PQclear (nd_fake_sql (self, "INSERT INTO logs (user_id, username, created_at, type, content, "
                              "ip, other) VALUES ($1::bigint, $2, $3::bigint, 3, $4, "
                              "'127.0.0.1', $5)", 5, values));
}

JsonNode *
nd_fake_channel_node (NdFakeNewapi *self, gint64 id)
{
  g_autofree char *id_text = nd_fake_int_text (id);
  const char *params[1] = { id_text };
  PGresult *res = nd_fake_sql (self, "SELECT " ND_FAKE_CHANNEL_COLUMNS " FROM channels "
                                     "WHERE id = $1::bigint", 1, params);
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

/* ---- bodies, builders, transactions ------------------------------------- */

gboolean
nd_fake_body_int (JsonObject *body, const char *member, gint64 *out)
{
  JsonNode *node = json_object_get_member (body, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

/* {ids: [int…]} with at least one id, as "{1,2,3}" for ANY ($1::bigint[]). */
char *
nd_fake_body_ids (JsonObject *body, guint *count)
{
  JsonNode *node = json_object_get_member (body, "ids");
  g_autoptr(GString) s = g_string_new ("{");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  *count = json_array_get_length (array);
  for (guint i = 0; i < *count; i++)
    {
      JsonNode *e = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_INT64)
        return NULL;
      g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? "," : "", json_node_get_int (e));
    }
  g_string_append_c (s, '}');
  return *count > 0 ? g_strdup (s->str) : NULL;
}

JsonBuilder *
nd_fake_object_begin (void)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  return b;
}

JsonNode *
nd_fake_object_end (JsonBuilder *b)
{
  JsonNode *node;

  json_builder_end_object (b);
  node = json_builder_get_root (b);
  g_object_unref (b);
  return node;
}

void
nd_fake_member_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

void
nd_fake_member_str (JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, v ? v : "");
}

void
nd_fake_rollback_fail (NdFakeNewapi *self, SoupServerMessage *msg, const char *message)
{
  PQclear (nd_fake_sql (self, "ROLLBACK", 0, NULL));
  nd_fake_reply_fail (msg, message);
}

JsonObject *
nd_fake_parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text != NULL && json_parser_load_from_data (parser, text, -1, NULL) &&
      json_parser_get_root (parser) != NULL && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  return json_object_new ();
}

char *
nd_fake_object_text (JsonObject *obj)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), obj);

  return json_to_string (node, FALSE);
}

/* Keys of a multi-key channel: one per line (JSON arrays are not made by
 * the fixture). */
GStrv
nd_fake_split_keys (const char *key)
{
  g_auto(GStrv) lines = g_strsplit (key ? key : "", "\n", -1);
  GPtrArray *keys = g_ptr_array_new ();

  for (guint i = 0; lines[i]; i++)
    if (*g_strstrip (lines[i]) != '\0')
      g_ptr_array_add (keys, g_strdup (lines[i]));
  g_ptr_array_add (keys, NULL);
  return (GStrv) g_ptr_array_free (keys, FALSE);
}

