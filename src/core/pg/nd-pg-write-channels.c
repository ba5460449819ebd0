/* nd-pg-write-channels.c — channel actions over PostgreSQL, as NewAPI does them
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each function runs inside the transaction nd-pg-write.c opened and follows
 * reference §1.6a: status changes set other_info.status_reason/status_time
 * and flip only that channel's abilities; edits of models, groups,
 * priority, weight or tag rebuild its abilities; deletes are hard deletes.
 * Audit action names and sentences are upstream's where the reference
 * lists them (channel.status_update, channel.status_update_batch,
 * channel.update); the others follow the same pattern.
 */
#include "config.h"

#include <inttypes.h>

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-json.h"
#include "nd-pg-write-private.h"
#include "nd-secure-string.h"

#define ID_TEXT(v) g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) (v))

/* other_info is free JSON text NewAPI parses leniently: anything that is not
 * an object counts as {}. */
static JsonObject *
parse_object_or_empty (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text != NULL && *text != '\0' && json_parser_load_from_data (parser, text, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  return json_object_new ();
}

static char *
object_to_string (JsonObject *obj)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, obj);
  return json_to_string (node, FALSE);
}

static JsonBuilder *
params_begin (void)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  return b;
}

static JsonNode *
params_end (JsonBuilder *b)
{
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
add_str (JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, v ? v : "");
}

static gboolean
channel_missing (GError **error, gint64 id)
{
  g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
               _("Channel #%" PRId64 " does not exist (any more): nothing was changed"),
               id);
  return FALSE;
}

/* ---- status ------------------------------------------------------------- */

/* UpdateChannelStatus: a no-op when unchanged; otherwise status, the reason
 * and time in other_info, and enabled on this channel's abilities only. */
static gboolean
set_status (NdPgWriteCtx *ctx, gint64 id, int status, const char *reason, gboolean *changed,
            GError **error)
{
  g_autofree char *id_text = ID_TEXT (id);
  g_autofree char *status_text = ID_TEXT (status);
  g_autoptr(PGresult) row = NULL;
  g_autoptr(PGresult) upd = NULL;
  g_autoptr(PGresult) abl = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autofree char *info_text = NULL;
  const char *p1[1] = { id_text };

  *changed = FALSE;
  row = nd_pg_exec (ctx->pg, "SELECT status, other_info FROM channels WHERE id = $1::bigint "
                             "FOR UPDATE", 1, p1, ctx->cancellable, error);
  if (row == NULL)
    return FALSE;
  if (PQntuples (row) == 0)
    return channel_missing (error, id);
  if (nd_pg_int64 (row, 0, 0) == status)
    return TRUE;

  info = parse_object_or_empty (PQgetisnull (row, 0, 1) ? NULL : PQgetvalue (row, 0, 1));
  json_object_set_string_member (info, "status_reason", reason);
  json_object_set_int_member (info, "status_time", ctx->now);
  info_text = object_to_string (info);
  {
    const char *p3[3] = { id_text, status_text, info_text };

    upd = nd_pg_exec (ctx->pg, "UPDATE channels SET status = $2::bigint, other_info = $3 "
                               "WHERE id = $1::bigint", 3, p3, ctx->cancellable, error);
    if (upd == NULL)
      return FALSE;
    abl = nd_pg_exec (ctx->pg, "UPDATE abilities SET enabled = ($2::bigint = 1) "
                               "WHERE channel_id = $1::bigint", 2, p3, ctx->cancellable, error);
    if (abl == NULL)
      return FALSE;
  }
  *changed = TRUE;
  return TRUE;
}

static gboolean
write_status (NdPgWriteCtx *ctx, GError **error)
{
  const NdWrite *w = ctx->write;
  gboolean batch = w->ids->len > 1;
  const char *reason = w->reason && *w->reason ? w->reason
                       : batch ? "manual batch operation" : "manual operation";
  gint64 changed_count = 0;
  JsonBuilder *b;

  for (guint i = 0; i < w->ids->len; i++)
    {
      gboolean changed;

      if (!set_status (ctx, g_array_index (w->ids, gint64, i), w->status, reason, &changed, error))
        return FALSE;
      changed_count += changed;
    }
  ctx->result->changed = changed_count;

  b = params_begin ();
  if (batch)
    {
      add_int (b, "count", changed_count);
      add_int (b, "total", w->ids->len);
      add_int (b, "status", w->status);
      nd_pg_audit (ctx, "channel.status_update_batch", params_end (b),
                   "channel.status_update_batch");
    }
  else
    {
      add_int (b, "id", nd_write_first_id (w));
      add_int (b, "status", w->status);
      json_builder_set_member_name (b, "changed");
      json_builder_add_boolean_value (b, changed_count > 0);
      nd_pg_audit (ctx, "channel.status_update", params_end (b), "channel.status_update");
    }
  g_object_unref (b);
  return TRUE;
}

/* ---- create / update ---------------------------------------------------- */

typedef struct {
  NdChannelField bit;
  const char *column;           /* quoted where NewAPI's name is a keyword */
  gboolean integer;
} Column;

static const Column columns[] = {
  { ND_CHANNEL_FIELD_NAME, "name", FALSE },
  { ND_CHANNEL_FIELD_TYPE, "type", TRUE },
  { ND_CHANNEL_FIELD_KEY, "\"key\"", FALSE },
  { ND_CHANNEL_FIELD_BASE_URL, "base_url", FALSE },
  { ND_CHANNEL_FIELD_GROUP, "\"group\"", FALSE },
  { ND_CHANNEL_FIELD_MODELS, "models", FALSE },
  { ND_CHANNEL_FIELD_MODEL_MAPPING, "model_mapping", FALSE },
  { ND_CHANNEL_FIELD_STATUS_CODE_MAPPING, "status_code_mapping", FALSE },
  { ND_CHANNEL_FIELD_PRIORITY, "priority", TRUE },
  { ND_CHANNEL_FIELD_WEIGHT, "weight", TRUE },
  { ND_CHANNEL_FIELD_AUTO_BAN, "auto_ban", TRUE },
  { ND_CHANNEL_FIELD_TAG, "tag", FALSE },
  { ND_CHANNEL_FIELD_REMARK, "remark", FALSE },
  { ND_CHANNEL_FIELD_TEST_MODEL, "test_model", FALSE },
  { ND_CHANNEL_FIELD_OTHER, "other", FALSE },
  { ND_CHANNEL_FIELD_SETTING, "setting", FALSE },
  { ND_CHANNEL_FIELD_PARAM_OVERRIDE, "param_override", FALSE },
  { ND_CHANNEL_FIELD_HEADER_OVERRIDE, "header_override", FALSE },
  { ND_CHANNEL_FIELD_SETTINGS, "settings", FALSE },
  { ND_CHANNEL_FIELD_STATUS, "status", TRUE },
};

/* The value a column gets; NULL stores SQL NULL (an empty tag is no tag, as
 * NewAPI's *string fields are nil when cleared). */
static char *
column_value (const NdChannelEdit *e, NdChannelField bit)
{
  switch (bit)
    {
    case ND_CHANNEL_FIELD_NAME: return g_strstrip (g_strdup (e->name));
    case ND_CHANNEL_FIELD_TYPE: return ID_TEXT (e->type);
    case ND_CHANNEL_FIELD_KEY: return g_strdup (e->key);
    case ND_CHANNEL_FIELD_BASE_URL: return g_strdup (e->base_url ? e->base_url : "");
    case ND_CHANNEL_FIELD_GROUP: return g_strdup (e->group);
    case ND_CHANNEL_FIELD_MODELS: return g_strdup (e->models);
    case ND_CHANNEL_FIELD_MODEL_MAPPING: return g_strdup (e->model_mapping ? e->model_mapping : "");
    case ND_CHANNEL_FIELD_STATUS_CODE_MAPPING:
      return g_strdup (e->status_code_mapping ? e->status_code_mapping : "");
    case ND_CHANNEL_FIELD_PRIORITY: return ID_TEXT (e->priority);
    case ND_CHANNEL_FIELD_WEIGHT: return ID_TEXT (e->weight);
    case ND_CHANNEL_FIELD_AUTO_BAN: return ID_TEXT (e->auto_ban);
    case ND_CHANNEL_FIELD_TAG: return e->tag && *e->tag ? g_strdup (e->tag) : NULL;
    case ND_CHANNEL_FIELD_REMARK: return e->remark && *e->remark ? g_strdup (e->remark) : NULL;
    case ND_CHANNEL_FIELD_TEST_MODEL:
      return e->test_model && *e->test_model ? g_strdup (e->test_model) : NULL;
    case ND_CHANNEL_FIELD_OTHER: return g_strdup (e->other ? e->other : "");
    case ND_CHANNEL_FIELD_SETTING: return g_strdup (e->setting ? e->setting : "");
    case ND_CHANNEL_FIELD_PARAM_OVERRIDE: return g_strdup (e->param_override ? e->param_override : "");
    case ND_CHANNEL_FIELD_HEADER_OVERRIDE:
      return g_strdup (e->header_override ? e->header_override : "");
    case ND_CHANNEL_FIELD_SETTINGS: return g_strdup (e->settings ? e->settings : "");
    case ND_CHANNEL_FIELD_STATUS: return ID_TEXT (e->status);
    default: return NULL;
    }
}

/* Fields whose change reshapes routing (reference §1.6a). */
#define ABILITY_FIELDS (ND_CHANNEL_FIELD_MODELS | ND_CHANNEL_FIELD_GROUP | \
                        ND_CHANNEL_FIELD_PRIORITY | ND_CHANNEL_FIELD_WEIGHT | ND_CHANNEL_FIELD_TAG)

static gboolean
check_duplicate_name (NdPgWriteCtx *ctx, const NdChannelEdit *e, gint64 id, GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *id_text = ID_TEXT (id);
  const char *params[2] = { NULL, id_text };
  g_autoptr(PGresult) res = NULL;

  if (!(e->mask & ND_CHANNEL_FIELD_NAME) || e->allow_duplicate_name)
    return TRUE;
  name = g_strstrip (g_strdup (e->name));
  params[0] = name;
  res = nd_pg_exec (ctx->pg, "SELECT id FROM channels WHERE name = $1 AND id <> $2::bigint "
                             "ORDER BY id LIMIT 1", 2, params, ctx->cancellable, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) > 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_CONFLICT,
                   _("Channel #%" PRId64 " is already named “%s”: nothing was saved. "
                     "Choose another name, or save again to keep both."),
                   nd_pg_int64 (res, 0, 0), name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_update (NdPgWriteCtx *ctx, GError **error)
{
  const NdChannelEdit *e = ctx->write->channel;
  gint64 id = nd_write_first_id (ctx->write);
  g_autofree char *id_text = ID_TEXT (id);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_secure_free);
  g_autoptr(GString) sql = g_string_new ("UPDATE channels SET ");
  g_autoptr(PGresult) old = NULL;
  g_autoptr(PGresult) upd = NULL;
  const char *p1[1] = { id_text };
  /* changed_fields names upstream's channel.update audit lists. */
  static const struct { NdChannelField bit; const char *name; int col; } watched[] = {
    { ND_CHANNEL_FIELD_MODELS, "models", 1 }, { ND_CHANNEL_FIELD_GROUP, "group", 2 },
    { ND_CHANNEL_FIELD_TYPE, "type", 3 }, { ND_CHANNEL_FIELD_BASE_URL, "base_url", 4 },
    { ND_CHANNEL_FIELD_KEY, "key", 5 },
  };
  g_autofree char *name = NULL;
  JsonBuilder *b;
  gboolean first = TRUE;

  old = nd_pg_exec (ctx->pg, "SELECT name, models, \"group\", type::text, "
                             "COALESCE (base_url, ''), \"key\" FROM channels "
                             "WHERE id = $1::bigint FOR UPDATE", 1, p1, ctx->cancellable, error);
  if (old == NULL)
    return FALSE;
  if (PQntuples (old) == 0)
    return channel_missing (error, id);
  if (!check_duplicate_name (ctx, e, id, error))
    return FALSE;

  g_ptr_array_add (values, g_strdup (id_text));
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      if (!(e->mask & columns[i].bit))
        continue;
      g_ptr_array_add (values, column_value (e, columns[i].bit));
      g_string_append_printf (sql, "%s%s = $%u%s", first ? "" : ", ", columns[i].column,
                              values->len, columns[i].integer ? "::bigint" : "");
      first = FALSE;
    }
  g_string_append (sql, " WHERE id = $1::bigint");
  upd = nd_pg_exec (ctx->pg, sql->str, values->len, (const char * const *) values->pdata,
                    ctx->cancellable, error);
  if (upd == NULL)
    return FALSE;
  if ((e->mask & ABILITY_FIELDS) && !nd_pg_rebuild_abilities (ctx, id, error))
    return FALSE;
  ctx->result->changed = 1;

  name = e->mask & ND_CHANNEL_FIELD_NAME ? g_strstrip (g_strdup (e->name))
                                         : g_strdup (PQgetvalue (old, 0, 0));
  b = params_begin ();
  add_int (b, "id", id);
  add_str (b, "name", name);
  json_builder_set_member_name (b, "changed_fields");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (watched); i++)
    {
      g_autofree char *now = NULL;

      if (!(e->mask & watched[i].bit))
        continue;
      now = column_value (e, watched[i].bit);
      if (g_strcmp0 (now, PQgetisnull (old, 0, watched[i].col) ? NULL
                                                               : PQgetvalue (old, 0, watched[i].col)) != 0)
        json_builder_add_string_value (b, watched[i].name);
      nd_secure_wipe (now);
    }
  json_builder_end_array (b);
  {
    g_autofree char *content = g_strdup_printf ("Updated channel %s (ID: %" G_GINT64_FORMAT ")",
                                                name, id);

    nd_pg_audit (ctx, "channel.update", params_end (b), content);
  }
  g_object_unref (b);
  return TRUE;
}

static gboolean
write_create (NdPgWriteCtx *ctx, GError **error)
{
  NdChannelEdit *e = ctx->write->channel;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_secure_free);
  g_autoptr(GString) cols = g_string_new ("created_time, other_info");
  g_autoptr(GString) vals = g_string_new ("$1::bigint, '{}'");
  g_autoptr(PGresult) ins = NULL;
  g_autofree char *name = g_strstrip (g_strdup (e->name));
  g_autofree char *content = NULL;
  NdChannelField mask = e->mask | ND_CHANNEL_FIELD_STATUS | ND_CHANNEL_FIELD_AUTO_BAN;
  gint64 id;
  JsonBuilder *b;

  if (!check_duplicate_name (ctx, e, 0, error))
    return FALSE;
  g_ptr_array_add (values, ID_TEXT (ctx->now));
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      if (!(mask & columns[i].bit))
        continue;
      g_ptr_array_add (values, column_value (e, columns[i].bit));
      g_string_append_printf (cols, ", %s", columns[i].column);
      g_string_append_printf (vals, ", $%u%s", values->len, columns[i].integer ? "::bigint" : "");
    }
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO channels (%s) VALUES (%s) RETURNING id",
                                            cols->str, vals->str);

    ins = nd_pg_exec (ctx->pg, sql, values->len, (const char * const *) values->pdata,
                      ctx->cancellable, error);
  }
  if (ins == NULL)
    return FALSE;
  id = nd_pg_int64 (ins, 0, 0);
  if (!nd_pg_rebuild_abilities (ctx, id, error))
    return FALSE;
  ctx->result->changed = 1;
  ctx->result->new_id = id;

  b = params_begin ();
  add_str (b, "name", name);
  add_int (b, "type", e->type);
  add_int (b, "count", 1);
  content = g_strdup_printf ("Created channel %s (type %d, count 1)", name, e->type);
  nd_pg_audit (ctx, "channel.create", params_end (b), content);
  g_object_unref (b);
  return TRUE;
}

/* ---- delete, tag, copy -------------------------------------------------- */

static gboolean
write_delete (NdPgWriteCtx *ctx, GError **error)
{
  const NdWrite *w = ctx->write;
  gboolean batch = w->ids->len > 1;

  for (guint i = 0; i < w->ids->len; i++)
    {
      gint64 id = g_array_index (w->ids, gint64, i);
      g_autofree char *id_text = ID_TEXT (id);
      const char *p1[1] = { id_text };
      g_autoptr(PGresult) abl = NULL;
      g_autoptr(PGresult) del = NULL;
      g_autofree char *content = NULL;
      JsonBuilder *b;

      abl = nd_pg_exec (ctx->pg, "DELETE FROM abilities WHERE channel_id = $1::bigint", 1, p1,
                        ctx->cancellable, error);
      if (abl == NULL)
        return FALSE;
      del = nd_pg_exec (ctx->pg, "DELETE FROM channels WHERE id = $1::bigint RETURNING name", 1,
                        p1, ctx->cancellable, error);
      if (del == NULL)
        return FALSE;
      if (PQntuples (del) == 0)
        return channel_missing (error, id);
      ctx->result->changed++;
      if (batch)
        continue;
      b = params_begin ();
      add_int (b, "id", id);
      add_str (b, "name", PQgetvalue (del, 0, 0));
      content = g_strdup_printf ("Deleted channel %s (ID: %" G_GINT64_FORMAT ")",
                                 PQgetvalue (del, 0, 0), id);
      nd_pg_audit (ctx, "channel.delete", params_end (b), content);
      g_object_unref (b);
    }
  /* Upstream's batch delete writes one row for the batch. */
  if (batch)
    {
      g_autofree char *content = g_strdup_printf ("Batch deleted %" G_GINT64_FORMAT " channels",
                                                  ctx->result->changed);
      JsonBuilder *b = params_begin ();

      add_int (b, "count", ctx->result->changed);
      nd_pg_audit (ctx, "channel.delete_batch", params_end (b), content);
      g_object_unref (b);
    }
  return TRUE;
}

static char *
ids_array_text (GArray *ids)
{
  GString *s = g_string_new ("{");

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? "," : "", g_array_index (ids, gint64, i));
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

static gboolean
write_tag (NdPgWriteCtx *ctx, GError **error)
{
  const NdWrite *w = ctx->write;
  g_autofree char *ids = ids_array_text (w->ids);
  const char *tag = w->tag && *w->tag ? w->tag : NULL;
  const char *params[2] = { ids, tag };
  g_autoptr(PGresult) upd = NULL;
  g_autoptr(PGresult) abl = NULL;
  g_autofree char *content = NULL;
  JsonBuilder *b;

  upd = nd_pg_exec (ctx->pg, "UPDATE channels SET tag = $2 WHERE id = ANY ($1::bigint[])",
                    2, params, ctx->cancellable, error);
  if (upd == NULL)
    return FALSE;
  if (g_ascii_strtoll (PQcmdTuples (upd), NULL, 10) != (gint64) w->ids->len)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
                   _("Some of the chosen channels do not exist any more: nothing was changed"));
      return FALSE;
    }
  /* The tag is part of each ability row (what tag-mode routing reads). */
  abl = nd_pg_exec (ctx->pg, "UPDATE abilities SET tag = $2 WHERE channel_id = ANY ($1::bigint[])",
                    2, params, ctx->cancellable, error);
  if (abl == NULL)
    return FALSE;
  ctx->result->changed = w->ids->len;
  b = params_begin ();
  add_int (b, "count", w->ids->len);
  content = g_strdup_printf ("Batch set tag for %u channels", w->ids->len);
  nd_pg_audit (ctx, "channel.tag_batch_set", params_end (b), content);
  g_object_unref (b);
  return TRUE;
}

static gboolean
write_copy (NdPgWriteCtx *ctx, GError **error)
{
  gint64 id = nd_write_first_id (ctx->write);
  g_autofree char *id_text = ID_TEXT (id);
  g_autofree char *now = ID_TEXT (ctx->now);
  const char *params[2] = { id_text, now };
  g_autoptr(PGresult) ins = NULL;
  g_autofree char *content = NULL;
  gint64 new_id;
  JsonBuilder *b;

  /* As POST /api/channel/copy/:id with its defaults: a name suffix, the
   * balance and usage reset, never tested. */
  ins = nd_pg_exec (ctx->pg,
                    "INSERT INTO channels (type, \"key\", open_ai_organization, test_model, "
                    "status, name, weight, created_time, test_time, response_time, base_url, "
                    "other, balance, balance_updated_time, models, \"group\", used_quota, "
                    "model_mapping, status_code_mapping, priority, auto_ban, other_info, tag, "
                    "setting, param_override, header_override, remark, channel_info, settings) "
                    "SELECT type, \"key\", open_ai_organization, test_model, status, "
                    "name || '_复制', weight, $2::bigint, 0, 0, base_url, other, 0, 0, models, "
                    "\"group\", 0, model_mapping, status_code_mapping, priority, auto_ban, "
                    "other_info, tag, setting, param_override, header_override, remark, "
                    "channel_info, settings FROM channels WHERE id = $1::bigint "
                    "RETURNING id, name",
                    2, params, ctx->cancellable, error);
  if (ins == NULL)
    return FALSE;
  if (PQntuples (ins) == 0)
    return channel_missing (error, id);
  new_id = nd_pg_int64 (ins, 0, 0);
  if (!nd_pg_rebuild_abilities (ctx, new_id, error))
    return FALSE;
  ctx->result->changed = 1;
  ctx->result->new_id = new_id;
  b = params_begin ();
  add_int (b, "sourceId", id);
  add_int (b, "id", new_id);
  add_str (b, "name", PQgetvalue (ins, 0, 1));
  content = g_strdup_printf ("Copied channel (source ID: %" G_GINT64_FORMAT ") to %s (new ID: %"
                             G_GINT64_FORMAT ")", id, PQgetvalue (ins, 0, 1), new_id);
  nd_pg_audit (ctx, "channel.copy", params_end (b), content);
  g_object_unref (b);
  return TRUE;
}

/* ---- multi-key ---------------------------------------------------------- */

static JsonObject *
member_object (JsonObject *parent, const char *name)
{
  if (!json_object_has_member (parent, name) ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (parent, name)))
    json_object_set_object_member (parent, name, json_object_new ());
  return json_object_get_object_member (parent, name);
}

/* As upstream's multi_key/manage enable_key / disable_key: a manual disable
 * marks the key 2 and nothing else (no reason, no time, the channel's own
 * status untouched); enabling forgets the key's status, reason and time.
 * The row is saved as channel.Update() saves it, abilities rebuilt. The
 * audit row is written before the action is looked at, as upstream does. */
static gboolean
write_key_status (NdPgWriteCtx *ctx, GError **error)
{
  const NdWrite *w = ctx->write;
  gint64 id = nd_write_first_id (w);
  gboolean enable = w->status == ND_CHANNEL_STATUS_ENABLED;
  g_autofree char *id_text = ID_TEXT (id);
  const char *p1[1] = { id_text };
  g_autoptr(PGresult) row = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autofree char *index = g_strdup_printf ("%d", w->key_index);
  g_autofree char *info_text = NULL;
  g_autofree char *content = NULL;
  gint64 n_keys;
  JsonBuilder *b;

  row = nd_pg_exec (ctx->pg, "SELECT channel_info::text FROM channels "
                             "WHERE id = $1::bigint FOR UPDATE", 1, p1, ctx->cancellable, error);
  if (row == NULL)
    return FALSE;
  if (PQntuples (row) == 0)
    return channel_missing (error, id);
  info = parse_object_or_empty (PQgetisnull (row, 0, 0) ? NULL : PQgetvalue (row, 0, 0));
  if (!nd_json_bool (info, "is_multi_key"))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("Channel #%" PRId64 " has a single key: enable or disable the "
                     "channel instead"), id);
      return FALSE;
    }
  n_keys = nd_json_int (info, "multi_key_size", 0);
  if (w->key_index >= n_keys)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("Channel #%" PRId64 " has %u keys; there is no key %d"),
                   id, (guint) n_keys, w->key_index + 1);
      return FALSE;
    }
  if (enable)
    {
      json_object_remove_member (member_object (info, "multi_key_status_list"), index);
      json_object_remove_member (member_object (info, "multi_key_disabled_time"), index);
      json_object_remove_member (member_object (info, "multi_key_disabled_reason"), index);
    }
  else
    json_object_set_int_member (member_object (info, "multi_key_status_list"), index,
                                ND_CHANNEL_STATUS_MANUALLY_DISABLED);
  info_text = object_to_string (info);
  {
    const char *p2[2] = { id_text, info_text };
    g_autoptr(PGresult) upd = nd_pg_exec (ctx->pg, "UPDATE channels SET channel_info = $2::json "
                                                   "WHERE id = $1::bigint",
                                          2, p2, ctx->cancellable, error);

    if (upd == NULL || !nd_pg_rebuild_abilities (ctx, id, error))
      return FALSE;
  }
  ctx->result->changed = 1;
  b = params_begin ();
  add_str (b, "action", enable ? "enable_key" : "disable_key");
  add_int (b, "id", id);
  content = g_strdup_printf ("Multi-key management %s on channel (ID: %" G_GINT64_FORMAT ")",
                             enable ? "enable_key" : "disable_key", id);
  nd_pg_audit (ctx, "channel.multi_key_manage", params_end (b), content);
  g_object_unref (b);
  return TRUE;
}

/* ---- recorded results (no audit row, as NewAPI) ------------------------ */

static gboolean
write_test_result (NdPgWriteCtx *ctx, GError **error)
{
  const NdWrite *w = ctx->write;
  g_autofree char *id = ID_TEXT (nd_write_first_id (w));
  g_autofree char *ms = ID_TEXT (w->response_ms);
  g_autofree char *at = ID_TEXT (w->test_time);
  const char *params[3] = { id, ms, at };
  g_autoptr(PGresult) res = NULL;

  res = nd_pg_exec (ctx->pg, "UPDATE channels SET response_time = $2::bigint, "
                             "test_time = $3::bigint WHERE id = $1::bigint",
                    3, params, ctx->cancellable, error);
  if (res == NULL)
    return FALSE;
  if (g_ascii_strtoll (PQcmdTuples (res), NULL, 10) == 0)
    return channel_missing (error, nd_write_first_id (w));
  ctx->result->changed = 1;
  return TRUE;
}

static gboolean
write_balance (NdPgWriteCtx *ctx, GError **error)
{
  const NdWrite *w = ctx->write;
  g_autofree char *id = ID_TEXT (nd_write_first_id (w));
  char balance[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *at = ID_TEXT (w->balance_time);
  const char *params[3] = { id, balance, at };
  g_autoptr(PGresult) res = NULL;

  g_ascii_dtostr (balance, sizeof balance, w->balance);
  res = nd_pg_exec (ctx->pg, "UPDATE channels SET balance = $2::numeric, "
                             "balance_updated_time = $3::bigint WHERE id = $1::bigint",
                    3, params, ctx->cancellable, error);
  if (res == NULL)
    return FALSE;
  if (g_ascii_strtoll (PQcmdTuples (res), NULL, 10) == 0)
    return channel_missing (error, nd_write_first_id (w));
  ctx->result->changed = 1;
  return TRUE;
}

NdPgWriteFunc
_nd_pg_write_channels_func (NdWriteKind kind)
{
  switch (kind)
    {
    case ND_WRITE_CHANNEL_STATUS: return write_status;
    case ND_WRITE_CHANNEL_UPDATE: return write_update;
    case ND_WRITE_CHANNEL_CREATE: return write_create;
    case ND_WRITE_CHANNEL_DELETE: return write_delete;
    case ND_WRITE_CHANNEL_TAG: return write_tag;
    case ND_WRITE_CHANNEL_COPY: return write_copy;
    case ND_WRITE_CHANNEL_KEY_STATUS: return write_key_status;
    case ND_WRITE_CHANNEL_TEST_RESULT: return write_test_result;
    case ND_WRITE_CHANNEL_BALANCE: return write_balance;
    default: return NULL;
    }
}
