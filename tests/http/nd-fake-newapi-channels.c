/* nd-fake-newapi-channels.c — the channel writes of reference §3.6
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As upstream does them (§1.6a): status changes set other_info's
 * status_reason/status_time and flip only the channel's abilities
 * (UpdateChannelStatus); every other change rebuilds the channel's
 * abilities (UpdateAbilities); deletes are hard; on rc.16+ each write adds
 * one type-3 audit row naming the caller. Before rc.16 there is no status
 * endpoint (404) and PUT takes `status` (rebuilding abilities, other_info
 * left alone); from rc.16 PUT refuses `status` and sensitive writes
 * (create, delete, copy, and edits of type/key/base_url/…) need root.
 *
 * PUT reads its body as GORM's Updates(channel) does: a plain Go string
 * that is "" and an int that is 0 leave the column alone, a pointer field
 * (tag, priority, weight, model_mapping, …) that is null too, anything
 * else is written.
 *
 * Where the reference is silent the fake is stricter: each action runs in
 * one transaction (a refused row leaves nothing half-done), a missing
 * channel on PUT or DELETE is refused ("record not found"), and of the
 * multi-key actions only those NewAPI Desk sends (get_key_status,
 * enable_key, disable_key) are answered; the rest are "不支持的操作".
 * Audit action names and sentences beyond §1.6a's table are upstream's
 * (controller/audit.go).
 */
#include "config.h"

#include <string.h>

#include "nd-fake-newapi-private.h"

#define INVALID_PARAMS "Invalid parameters"

typedef enum { F_STR, F_PSTR, F_INT, F_PINT } Kind;

typedef struct {
  const char *member;
  const char *column;
  Kind kind;
  gboolean sensitive;          /* needs sensitive_write on rc.16+ when it changes */
} Field;

static const Field fields[] = {
  { "type", "type", F_INT, TRUE },
  { "key", "\"key\"", F_STR, TRUE },
  { "openai_organization", "open_ai_organization", F_PSTR, TRUE },
  { "test_model", "test_model", F_PSTR, FALSE },
  { "status", "status", F_INT, FALSE },
  { "name", "name", F_STR, FALSE },
  { "weight", "weight", F_PINT, FALSE },
  { "base_url", "base_url", F_PSTR, TRUE },
  { "other", "other", F_STR, TRUE },
  { "models", "models", F_STR, FALSE },
  { "group", "\"group\"", F_STR, FALSE },
  { "model_mapping", "model_mapping", F_PSTR, FALSE },
  { "status_code_mapping", "status_code_mapping", F_PSTR, FALSE },
  { "priority", "priority", F_PINT, FALSE },
  { "auto_ban", "auto_ban", F_PINT, FALSE },
  { "tag", "tag", F_PSTR, FALSE },
  { "setting", "setting", F_PSTR, TRUE },
  { "param_override", "param_override", F_PSTR, TRUE },
  { "header_override", "header_override", F_PSTR, TRUE },
  { "remark", "remark", F_PSTR, FALSE },
  { "settings", "settings", F_STR, TRUE },
};

/* The text @f writes, or NULL when the member leaves the column alone.
 * FALSE with Go's unmarshal error for a value of the wrong type. */
static gboolean
member_value (JsonObject *body, const Field *f, char **value, char **refusal)
{
  JsonNode *node = json_object_get_member (body, f->member);
  gboolean text = f->kind == F_STR || f->kind == F_PSTR;

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != (text ? G_TYPE_STRING : G_TYPE_INT64))
    {
      *refusal = g_strdup_printf ("json: cannot unmarshal %s into Go struct field Channel.%s of "
                                  "type %s", text ? "number" : "string", f->member,
                                  text ? "string" : "int");
      return FALSE;
    }
  if (text)
    {
      if (f->kind == F_STR && *json_node_get_string (node) == '\0')
        return TRUE;
      *value = g_strdup (json_node_get_string (node));
    }
  else
    {
      if (f->kind == F_INT && json_node_get_int (node) == 0)
        return TRUE;
      *value = nd_fake_int_text (json_node_get_int (node));
    }
  return TRUE;
}

/* ChannelSettings must be JSON (validateChannel → ValidateSettings). */
static gboolean
setting_valid (const char *setting, char **refusal)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (setting == NULL || *setting == '\0' || json_parser_load_from_data (parser, setting, -1, &error))
    return TRUE;
  *refusal = g_strdup_printf ("渠道额外设置[channel setting] 格式错误：%s", error->message);
  return FALSE;
}

/* ---- status --------------------------------------------------------------- */

static void
reply_count (SoupServerMessage *msg, gint64 count)
{
  g_autoptr(JsonNode) data = json_node_init_int (json_node_alloc (), count);

  nd_fake_reply_data (msg, data);
}

/* UpdateChannelStatus: no-op for a missing channel or the same status. */
static gboolean
update_status (NdFakeNewapi *self, gint64 id, int status, const char *reason)
{
  g_autofree char *id_s = nd_fake_int_text (id);
  g_autofree char *status_s = nd_fake_int_text (status);
  g_autofree char *info_s = NULL;
  g_autoptr(JsonObject) info = NULL;
  const char *p1[1] = { id_s };
  PGresult *row = nd_fake_sql (self, "SELECT status, other_info FROM channels WHERE id = $1::bigint",
                               1, p1);

  if (PQntuples (row) == 0 || g_ascii_strtoll (PQgetvalue (row, 0, 0), NULL, 10) == status)
    {
      PQclear (row);
      return FALSE;
    }
  info = nd_fake_parse_object (PQgetisnull (row, 0, 1) ? NULL : PQgetvalue (row, 0, 1));
  PQclear (row);
  json_object_set_string_member (info, "status_reason", reason);
  json_object_set_int_member (info, "status_time", nd_fake_now ());
  info_s = nd_fake_object_text (info);
  {
    const char *p3[3] = { id_s, status_s, info_s };

    PQclear (nd_fake_sql (self, "UPDATE channels SET status = $2::bigint, other_info = $3 "
                                "WHERE id = $1::bigint", 3, p3));
    PQclear (nd_fake_sql (self, "UPDATE abilities SET enabled = ($2::bigint = 1) "
                                "WHERE channel_id = $1::bigint", 2, p3));
  }
  return TRUE;
}

static void
route_status (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  g_autoptr(JsonObject) body = NULL;
  gint64 id = nd_fake_path_int (path, 2);
  gint64 status = 0;
  gboolean changed;
  JsonBuilder *b;

  if (id < 0)
    return nd_fake_reply_fail (msg, INVALID_PARAMS);
  if ((body = nd_fake_body_object (msg)) == NULL)
    return;
  if (!nd_fake_body_int (body, "status", &status) || (status != 1 && status != 2))
    return nd_fake_reply_fail (msg, INVALID_PARAMS);
  changed = update_status (self, id, (int) status, "manual operation");
  b = nd_fake_object_begin ();
  nd_fake_member_int (b, "id", id);
  nd_fake_member_int (b, "status", status);
  json_builder_set_member_name (b, "changed");
  json_builder_add_boolean_value (b, changed);
  nd_fake_audit (self, caller, "channel.status_update", nd_fake_object_end (b), "channel.status_update");
  {
    g_autoptr(JsonNode) data = json_node_init_boolean (json_node_alloc (), changed);

    nd_fake_reply_data (msg, data);
  }
}

static void
route_status_batch (NdFakeNewapi *self, SoupServerMessage *msg, const char *path,
                    GHashTable *query, Caller *caller)
{
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *ids = NULL;
  gint64 status = 0;
  gint64 changed = 0;
  guint count = 0;
  JsonArray *array;
  JsonBuilder *b;

  if ((body = nd_fake_body_object (msg)) == NULL)
    return;
  if ((ids = nd_fake_body_ids (body, &count)) == NULL || !nd_fake_body_int (body, "status", &status) ||
      (status != 1 && status != 2))
    return nd_fake_reply_fail (msg, INVALID_PARAMS);
  array = json_object_get_array_member (body, "ids");
  for (guint i = 0; i < count; i++)
    changed += update_status (self, json_array_get_int_element (array, i), (int) status,
                              "manual batch operation");
  b = nd_fake_object_begin ();
  nd_fake_member_int (b, "count", changed);
  nd_fake_member_int (b, "total", count);
  nd_fake_member_int (b, "status", status);
  nd_fake_audit (self, caller, "channel.status_update_batch", nd_fake_object_end (b),
                 "channel.status_update_batch");
  reply_count (msg, changed);
}

/* ---- update ------------------------------------------------------------ */

/* A new key of a multi-key channel: replaced, or appended (key_mode
 * "append", duplicates dropped); multi_key_size follows. Returns the
 * channel_info text to store, NULL for a single-key channel. */
static char *
multi_key_info (const char *info_text, const char *old_key, char **new_key, const char *key_mode)
{
  g_autoptr(JsonObject) info = nd_fake_parse_object (info_text);
  g_auto(GStrv) keys = NULL;

  if (!json_object_has_member (info, "is_multi_key") ||
      !json_object_get_boolean_member_with_default (info, "is_multi_key", FALSE))
    return NULL;
  if (g_strcmp0 (key_mode, "append") == 0)
    {
      g_auto(GStrv) old = nd_fake_split_keys (old_key);
      g_auto(GStrv) add = nd_fake_split_keys (*new_key);
      GString *all = g_string_new (NULL);

      for (guint i = 0; old[i]; i++)
        g_string_append_printf (all, "%s%s", i ? "\n" : "", old[i]);
      for (guint i = 0; add[i]; i++)
        if (!g_strv_contains ((const char * const *) old, add[i]))
          g_string_append_printf (all, "%s%s", all->len ? "\n" : "", add[i]);
      g_free (*new_key);
      *new_key = g_string_free (all, FALSE);
    }
  keys = nd_fake_split_keys (*new_key);
  json_object_set_int_member (info, "multi_key_size", g_strv_length (keys));
  return nd_fake_object_text (info);
}

static void
route_update (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  static const char * const watched[] = { "models", "group", "type", "base_url", "key" };
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) sql = g_string_new ("UPDATE channels SET ");
  g_autofree char *refusal = NULL;
  g_autofree char *id_s = NULL;
  g_autofree char *info = NULL;
  const char *key_mode;
  PGresult *old, *now;
  gint64 id = 0;
  gboolean sensitive = FALSE;
  guint n_set = 0;
  JsonBuilder *b;

  if ((body = nd_fake_body_object (msg)) == NULL)
    return;
  /* rc.16: the status has its own endpoint (and audit). */
  if (nd_fake_rc16 (self) && json_object_has_member (body, "status"))
    return nd_fake_reply_fail (msg, INVALID_PARAMS);
  nd_fake_body_int (body, "id", &id);
  id_s = nd_fake_int_text (id);
  PQclear (nd_fake_sql (self, "BEGIN", 0, NULL));
  {
    const char *p1[1] = { id_s };

    old = nd_fake_sql (self, "SELECT models, \"group\", type::text, base_url, \"key\", name, "
                             "channel_info::text FROM channels WHERE id = $1::bigint FOR UPDATE",
                       1, p1);
  }
  if (PQntuples (old) == 0)
    {
      PQclear (old);
      return nd_fake_rollback_fail (self, msg, "record not found");
    }

  g_ptr_array_add (values, g_strdup (id_s));
  key_mode = json_object_has_member (body, "key_mode") &&
             JSON_NODE_HOLDS_VALUE (json_object_get_member (body, "key_mode"))
             ? json_object_get_string_member (body, "key_mode") : NULL;
  sensitive = key_mode != NULL;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      char *value = NULL;
      int col = -1;

      if (!member_value (body, &fields[i], &value, &refusal))
        break;
      if (value == NULL)
        continue;
      if (g_str_equal (fields[i].member, "type"))
        col = 2;
      else if (g_str_equal (fields[i].member, "base_url"))
        col = 3;
      else if (g_str_equal (fields[i].member, "key"))
        {
          col = 4;
          info = multi_key_info (PQgetvalue (old, 0, 6), PQgetvalue (old, 0, 4), &value, key_mode);
        }
      /* Sensitive only when it changes what is stored. */
      if (fields[i].sensitive)
        {
          g_autofree char *stored = NULL;

          if (col >= 0)
            stored = g_strdup (PQgetvalue (old, 0, col));
          else
            {
              g_autofree char *q = g_strdup_printf ("SELECT COALESCE (%s::text, '') FROM channels "
                                                    "WHERE id = $1::bigint", fields[i].column);
              const char *p1[1] = { id_s };
              PGresult *r = nd_fake_sql (self, q, 1, p1);

              stored = g_strdup (PQgetvalue (r, 0, 0));
              PQclear (r);
            }
          sensitive |= g_strcmp0 (stored, value) != 0;
        }
      g_ptr_array_add (values, value);
      g_string_append_printf (sql, "%s%s = $%u%s", n_set++ ? ", " : "", fields[i].column,
                              values->len, fields[i].kind == F_INT || fields[i].kind == F_PINT
                                           ? "::bigint" : "");
      if (g_str_equal (fields[i].member, "setting"))
        setting_valid (value, &refusal);
    }
  if (refusal != NULL)
    {
      PQclear (old);
      return nd_fake_rollback_fail (self, msg, refusal);
    }
  if (sensitive && nd_fake_rc16 (self) && caller->role < 100)
    {
      PQclear (old);
      return nd_fake_rollback_fail (self, msg, "insufficient privilege");
    }
  if (info != NULL)
    {
      g_ptr_array_add (values, g_steal_pointer (&info));
      g_string_append_printf (sql, "%schannel_info = $%u::json", n_set++ ? ", " : "", values->len);
    }
  if (n_set > 0)
    {
      g_string_append (sql, " WHERE id = $1::bigint");
      now = nd_fake_try_sql (self, sql->str, values->len, (const char * const *) values->pdata,
                             &refusal);
      if (now == NULL)
        {
          PQclear (old);
          return nd_fake_rollback_fail (self, msg, refusal);
        }
      PQclear (now);
    }
  if (!nd_fake_rebuild_abilities (self, id, &refusal))
    {
      PQclear (old);
      return nd_fake_rollback_fail (self, msg, refusal);
    }
  PQclear (nd_fake_sql (self, "COMMIT", 0, NULL));

  /* changed_fields: which of models/group/type/base_url/key differ now. */
  {
    const char *p1[1] = { id_s };

    now = nd_fake_sql (self, "SELECT models, \"group\", type::text, base_url, \"key\", name "
                             "FROM channels WHERE id = $1::bigint", 1, p1);
  }
  b = nd_fake_object_begin ();
  nd_fake_member_int (b, "id", id);
  nd_fake_member_str (b, "name", PQgetvalue (now, 0, 5));
  json_builder_set_member_name (b, "changed_fields");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (watched); i++)
    if (!g_str_equal (PQgetvalue (old, 0, i), PQgetvalue (now, 0, i)))
      json_builder_add_string_value (b, watched[i]);
  json_builder_end_array (b);
  {
    g_autofree char *content = g_strdup_printf ("Updated channel %s (ID: %" G_GINT64_FORMAT ")",
                                                PQgetvalue (now, 0, 5), id);
    g_autoptr(JsonNode) data = nd_fake_channel_node (self, id);

    nd_fake_audit (self, caller, "channel.update", nd_fake_object_end (b), content);
    nd_fake_reply_data (msg, data);
  }
  PQclear (old);
  PQclear (now);
}

/* ---- create --------------------------------------------------------------- */

/* validateChannel (isAdd) as upstream words its refusals. */
static gboolean
create_valid (JsonObject *channel, char **refusal)
{
  const char *key = json_object_has_member (channel, "key") &&
                    JSON_NODE_HOLDS_VALUE (json_object_get_member (channel, "key"))
                    ? json_object_get_string_member (channel, "key") : NULL;
  const char *models = json_object_get_string_member_with_default (channel, "models", "");
  const char *setting = json_object_get_string_member_with_default (channel, "setting", "");
  g_auto(GStrv) names = g_strsplit (models, ",", -1);

  if (!setting_valid (setting, refusal))
    return FALSE;
  if (key == NULL || *key == '\0')
    {
      *refusal = g_strdup ("channel cannot be empty");
      return FALSE;
    }
  for (guint i = 0; names[i]; i++)
    if (strlen (names[i]) > 255)
      {
        *refusal = g_strdup_printf ("模型名称过长: %s", names[i]);
        return FALSE;
      }
  if (json_object_get_int_member_with_default (channel, "type", 0) == 41)
    {
      g_autoptr(JsonObject) region = NULL;
      const char *other = json_object_get_string_member_with_default (channel, "other", "");

      if (*other == '\0')
        *refusal = g_strdup ("部署地区不能为空");
      else if (*other != '{')
        *refusal = g_strdup ("部署地区必须是标准的Json格式，例如{\"default\": \"us-central1\", "
                             "\"region2\": \"us-east1\"}");
      else if (!json_object_has_member (region = nd_fake_parse_object (other), "default"))
        *refusal = g_strdup ("部署地区必须包含default字段");
      return *refusal == NULL;
    }
  return TRUE;
}

/* One row from the channel object with @key (and @info as channel_info
 * when not NULL); unset columns take the table's defaults, which are
 * GORM's. Returns the new id, or 0 with *@refusal. */
static gint64
insert_channel (NdFakeNewapi *self, JsonObject *channel, const char *key, const char *info,
                const char *name_suffix, char **refusal)
{
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) cols = g_string_new ("created_time, other_info, channel_info");
  g_autoptr(GString) vals = g_string_new ("$1::bigint, '', $2::json");
  g_autofree char *sql = NULL;
  PGresult *res;
  gint64 id;

  g_ptr_array_add (values, nd_fake_int_text (nd_fake_now ()));
  g_ptr_array_add (values, g_strdup (info ? info : "{\"is_multi_key\":false,\"multi_key_size\":0}"));
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      char *value = NULL;

      if (g_str_equal (fields[i].member, "key"))
        value = g_strdup (key);
      else if (!member_value (channel, &fields[i], &value, refusal))
        return 0;
      if (value == NULL)
        continue;
      if (g_str_equal (fields[i].member, "name") && name_suffix != NULL)
        {
          char *named = g_strconcat (value, name_suffix, NULL);

          g_free (value);
          value = named;
        }
      g_ptr_array_add (values, value);
      g_string_append_printf (cols, ", %s", fields[i].column);
      g_string_append_printf (vals, ", $%u%s", values->len,
                              fields[i].kind == F_INT || fields[i].kind == F_PINT ? "::bigint" : "");
    }
  sql = g_strdup_printf ("INSERT INTO channels (%s) VALUES (%s) RETURNING id", cols->str, vals->str);
  res = nd_fake_try_sql (self, sql, values->len, (const char * const *) values->pdata, refusal);
  if (res == NULL)
    return 0;
  id = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  PQclear (res);
  return nd_fake_rebuild_abilities (self, id, refusal) ? id : 0;
}

static void
route_create (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *refusal = NULL;
  g_autofree char *info = NULL;
  g_auto(GStrv) keys = NULL;
  JsonObject *channel;
  const char *mode;
  const char *key;
  guint count = 0;
  JsonBuilder *b;

  if (!nd_fake_channel_can (self, msg, caller, TRUE) || (body = nd_fake_body_object (msg)) == NULL)
    return;
  channel = json_object_has_member (body, "channel") &&
            JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "channel"))
            ? json_object_get_object_member (body, "channel") : NULL;
  if (channel == NULL)
    return nd_fake_reply_fail (msg, "channel cannot be empty");
  if (!create_valid (channel, &refusal))
    return nd_fake_reply_fail (msg, refusal);
  mode = json_object_get_string_member_with_default (body, "mode", "");
  key = json_object_get_string_member (channel, "key");
  if (g_str_equal (mode, "single"))
    keys = g_strdupv ((char *[]) { (char *) key, NULL });
  else if (g_str_equal (mode, "batch"))
    keys = nd_fake_split_keys (key);
  else if (g_str_equal (mode, "multi_to_single"))
    {
      g_auto(GStrv) parts = nd_fake_split_keys (key);
      g_autofree char *joined = g_strjoinv ("\n", parts);

      info = g_strdup_printf ("{\"is_multi_key\":true,\"multi_key_size\":%u,\"multi_key_mode\":\"%s\"}",
                              g_strv_length (parts),
                              json_object_get_string_member_with_default (body, "multi_key_mode",
                                                                          "random"));
      keys = g_strdupv ((char *[]) { joined, NULL });
    }
  else
    return nd_fake_reply_fail (msg, "不支持的添加模式");

  PQclear (nd_fake_sql (self, "BEGIN", 0, NULL));
  for (; keys[count]; count++)
    if (insert_channel (self, channel, keys[count], info, NULL, &refusal) == 0)
      return nd_fake_rollback_fail (self, msg, refusal);
  PQclear (nd_fake_sql (self, "COMMIT", 0, NULL));

  b = nd_fake_object_begin ();
  nd_fake_member_str (b, "name", json_object_get_string_member_with_default (channel, "name", ""));
  nd_fake_member_int (b, "type", json_object_get_int_member_with_default (channel, "type", 0));
  nd_fake_member_int (b, "count", count);
  {
    g_autofree char *content = g_strdup_printf ("Created channel %s (type %" G_GINT64_FORMAT
                                                ", count %u)",
                                                json_object_get_string_member_with_default (channel, "name", ""),
                                                json_object_get_int_member_with_default (channel, "type", 0),
                                                count);

    nd_fake_audit (self, caller, "channel.create", nd_fake_object_end (b), content);
  }
  /* No id comes back. */
  nd_fake_reply_envelope (msg, 200, TRUE, NULL, "", NULL);
}

/* ---- delete, tag, copy ----------------------------------------------------- */

static void
route_delete (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  gint64 id = nd_fake_path_int (path, 2);
  g_autofree char *id_s = nd_fake_int_text (id);
  const char *p1[1] = { id_s };
  g_autofree char *content = NULL;
  PGresult *res;
  JsonBuilder *b;

  if (!nd_fake_channel_can (self, msg, caller, TRUE))
    return;
  if (id < 0)
    return nd_fake_reply_fail (msg, INVALID_PARAMS);
  PQclear (nd_fake_sql (self, "BEGIN", 0, NULL));
  PQclear (nd_fake_sql (self, "DELETE FROM abilities WHERE channel_id = $1::bigint", 1, p1));
  res = nd_fake_sql (self, "DELETE FROM channels WHERE id = $1::bigint RETURNING name", 1, p1);
  if (PQntuples (res) == 0)
    {
      PQclear (res);
      return nd_fake_rollback_fail (self, msg, "record not found");
    }
  PQclear (nd_fake_sql (self, "COMMIT", 0, NULL));
  b = nd_fake_object_begin ();
  nd_fake_member_int (b, "id", id);
  nd_fake_member_str (b, "name", PQgetvalue (res, 0, 0));
  content = g_strdup_printf ("Deleted channel %s (ID: %" G_GINT64_FORMAT ")", PQgetvalue (res, 0, 0), id);
  nd_fake_audit (self, caller, "channel.delete", nd_fake_object_end (b), content);
  PQclear (res);
  nd_fake_reply_envelope (msg, 200, TRUE, NULL, "", NULL);
}

static void
route_delete_batch (NdFakeNewapi *self, SoupServerMessage *msg, const char *path,
                    GHashTable *query, Caller *caller)
{
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *content = NULL;
  const char *p1[1];
  guint count = 0;
  JsonBuilder *b;

  if (!nd_fake_channel_can (self, msg, caller, TRUE) || (body = nd_fake_body_object (msg)) == NULL)
    return;
  if ((ids = nd_fake_body_ids (body, &count)) == NULL)
    return nd_fake_reply_fail (msg, "参数错误");
  p1[0] = ids;
  PQclear (nd_fake_sql (self, "BEGIN", 0, NULL));
  PQclear (nd_fake_sql (self, "DELETE FROM abilities WHERE channel_id = ANY ($1::bigint[])", 1, p1));
  PQclear (nd_fake_sql (self, "DELETE FROM channels WHERE id = ANY ($1::bigint[])", 1, p1));
  PQclear (nd_fake_sql (self, "COMMIT", 0, NULL));
  b = nd_fake_object_begin ();
  nd_fake_member_int (b, "count", count);
  content = g_strdup_printf ("Batch deleted %u channels", count);
  nd_fake_audit (self, caller, "channel.delete_batch", nd_fake_object_end (b), content);
  reply_count (msg, count);
}

static void
route_batch_tag (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
                 Caller *caller)
{
  g_autoptr(JsonObject) body = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *content = NULL;
  g_autofree char *refusal = NULL;
  const char *params[2] = { NULL, NULL };
  JsonNode *tag;
  PGresult *res;
  guint count = 0;
  JsonBuilder *b;

  if ((body = nd_fake_body_object (msg)) == NULL)
    return;
  tag = json_object_get_member (body, "tag");
  if ((ids = nd_fake_body_ids (body, &count)) == NULL ||
      (tag != NULL && !JSON_NODE_HOLDS_NULL (tag) &&
       (!JSON_NODE_HOLDS_VALUE (tag) || json_node_get_value_type (tag) != G_TYPE_STRING)))
    return nd_fake_reply_fail (msg, "参数错误");
  params[0] = ids;
  params[1] = tag != NULL && !JSON_NODE_HOLDS_NULL (tag) ? json_node_get_string (tag) : NULL;
  PQclear (nd_fake_sql (self, "BEGIN", 0, NULL));
  res = nd_fake_sql (self, "UPDATE channels SET tag = $2 WHERE id = ANY ($1::bigint[]) RETURNING id",
                     2, params);
  for (int i = 0; i < PQntuples (res); i++)
    if (!nd_fake_rebuild_abilities (self, g_ascii_strtoll (PQgetvalue (res, i, 0), NULL, 10), &refusal))
      {
        PQclear (res);
        return nd_fake_rollback_fail (self, msg, refusal);
      }
  PQclear (res);
  PQclear (nd_fake_sql (self, "COMMIT", 0, NULL));
  b = nd_fake_object_begin ();
  nd_fake_member_int (b, "count", count);
  content = g_strdup_printf ("Batch set tag for %u channels", count);
  nd_fake_audit (self, caller, "channel.tag_batch_set", nd_fake_object_end (b), content);
  reply_count (msg, count);
}

static void
route_copy (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
            Caller *caller)
{
  gint64 id = nd_fake_path_int (path, 3);
  g_autofree char *id_s = nd_fake_int_text (id);
  g_autofree char *now = nd_fake_int_text (nd_fake_now ());
  g_autofree char *refusal = NULL;
  g_autofree char *content = NULL;
  const char *suffix = nd_fake_param (query, "suffix");
  const char *reset = nd_fake_param (query, "reset_balance");
  gboolean reset_balance = reset == NULL || g_str_equal (reset, "true") || g_str_equal (reset, "1");
  const char *params[4] = { id_s, suffix ? suffix : "_复制", now, reset_balance ? "t" : "f" };
  PGresult *res;
  gint64 new_id;
  JsonBuilder *b;

  if (!nd_fake_channel_can (self, msg, caller, TRUE))
    return;
  if (id < 0)
    return nd_fake_reply_fail (msg, "invalid id");
  PQclear (nd_fake_sql (self, "BEGIN", 0, NULL));
  res = nd_fake_sql (self,
    "INSERT INTO channels (type, \"key\", open_ai_organization, test_model, status, name, weight, "
    "created_time, test_time, response_time, base_url, other, balance, balance_updated_time, "
    "models, \"group\", used_quota, model_mapping, status_code_mapping, priority, auto_ban, "
    "other_info, tag, setting, param_override, header_override, remark, channel_info, settings) "
    "SELECT type, \"key\", open_ai_organization, test_model, status, name || $2, weight, "
    "$3::bigint, 0, 0, base_url, other, CASE WHEN $4::boolean THEN 0 ELSE balance END, "
    "balance_updated_time, models, \"group\", CASE WHEN $4::boolean THEN 0 ELSE used_quota END, "
    "model_mapping, status_code_mapping, priority, auto_ban, other_info, tag, setting, "
    "param_override, header_override, remark, channel_info, settings FROM channels "
    "WHERE id = $1::bigint RETURNING id, name", 4, params);
  if (PQntuples (res) == 0)
    {
      PQclear (res);
      return nd_fake_rollback_fail (self, msg, "获取渠道信息失败，请稍后重试");
    }
  new_id = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  if (!nd_fake_rebuild_abilities (self, new_id, &refusal))
    {
      PQclear (res);
      return nd_fake_rollback_fail (self, msg, refusal);
    }
  PQclear (nd_fake_sql (self, "COMMIT", 0, NULL));
  b = nd_fake_object_begin ();
  nd_fake_member_int (b, "sourceId", id);
  nd_fake_member_int (b, "id", new_id);
  nd_fake_member_str (b, "name", PQgetvalue (res, 0, 1));
  content = g_strdup_printf ("Copied channel (source ID: %" G_GINT64_FORMAT ") to %s (new ID: %"
                             G_GINT64_FORMAT ")", id, PQgetvalue (res, 0, 1), new_id);
  nd_fake_audit (self, caller, "channel.copy", nd_fake_object_end (b), content);
  PQclear (res);
  {
    g_autoptr(JsonBuilder) d = json_builder_new ();
    g_autoptr(JsonNode) data = NULL;

    json_builder_begin_object (d);
    json_builder_set_member_name (d, "id");
    json_builder_add_int_value (d, new_id);
    json_builder_end_object (d);
    data = json_builder_get_root (d);
    nd_fake_reply_data (msg, data);
  }
}

/* ---- routes ------------------------------------------------------------ */

void
nd_fake_routes_channels (NdFakeNewapi *self)
{
  nd_fake_add_route (self, "POST", "/api/channel/status/batch", 10, nd_fake_rc16, route_status_batch);
  nd_fake_add_route (self, "POST", "/api/channel/:id/status", 10, nd_fake_rc16, route_status);
  nd_fake_add_route (self, "PUT", "/api/channel/", 10, NULL, route_update);
  nd_fake_add_route (self, "POST", "/api/channel/", 10, NULL, route_create);
  nd_fake_add_route (self, "POST", "/api/channel/batch", 10, NULL, route_delete_batch);
  nd_fake_add_route (self, "POST", "/api/channel/batch/tag", 10, NULL, route_batch_tag);
  nd_fake_add_route (self, "POST", "/api/channel/copy/:id", 10, NULL, route_copy);
  nd_fake_add_route (self, "DELETE", "/api/channel/:id", 10, NULL, route_delete);
}
