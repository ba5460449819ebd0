/* nd-pg-write-tokens.c — token actions over PostgreSQL, as NewAPI does them
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reference §1.3 tokens, §1.7, §2.3. A new token gets 48 characters of
 * [0-9A-Za-z] from getrandom (nd-random.h), stored without "sk-", status 1,
 * created_time = accessed_time = now; the key leaves only in
 * NdWriteResult.secrets, to be shown once. Deletes are soft (deleted_at).
 *
 * NewAPI will not enable a token whose expiry has passed or whose quota is
 * used up until that is fixed, and says so in two sentences that are
 * repeated here word for word. It checks the stored status (3 or 4); a
 * server with Redis never stores those, so this checks the expiry and the
 * quota themselves: a disabled token that has since expired is refused
 * too, where NewAPI would enable it into a token that cannot be used.
 *
 * NewAPI's token API is self-scoped and audits nothing when users manage
 * their own tokens. An administrator acting on someone else's token leaves
 * the row NewAPI writes when its root does that (token.admin_create,
 * token.admin_update, token.admin_delete with target_user_id,
 * target_username, token_id and token_name; no English template, so the
 * content is the action itself).
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-json.h"
#include "nd-pg-write-private.h"
#include "nd-random.h"
#include "nd-secure-string.h"

/* A clash of 48 random characters is as good as impossible: a few tries
 * cover a broken random source rather than bad luck. */
#define MAX_KEY_ATTEMPTS 8

typedef struct {
  gint64 id;
  gint64 user_id;
  char *name;
  char *owner;                 /* the owner's username, "" when unknown */
  char *owner_group;
  int status;
  gint64 expired_time;
  gint64 remain_quota;
  gboolean unlimited;
} TokenRow;

static void
token_row_clear (TokenRow *row)
{
  g_free (row->name);
  g_free (row->owner);
  g_free (row->owner_group);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TokenRow, token_row_clear)

static char *
int_text (gint64 v)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, v);
}

static gboolean
token_missing (GError **error, gint64 id)
{
  g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
               _("Token #%" PRId64 " does not exist (any more): nothing was changed"), id);
  return FALSE;
}

/* The live token @id, locked until the transaction ends. */
static gboolean
lock_token (NdPgWriteCtx *ctx, gint64 id, TokenRow *row, GError **error)
{
  g_autofree char *id_text = int_text (id);
  const char *params[1] = { id_text };
  g_autoptr(PGresult) res = NULL;

  res = nd_pg_exec (ctx->pg,
                    "SELECT t.user_id, COALESCE (t.name, ''), COALESCE (t.status, 1), "
                    "COALESCE (t.expired_time, -1), COALESCE (t.remain_quota, 0), "
                    "COALESCE (t.unlimited_quota, false), COALESCE (u.username, ''), "
                    "COALESCE (u.\"group\", '') "
                    "FROM tokens t LEFT JOIN users u ON u.id = t.user_id "
                    "WHERE t.id = $1::bigint AND t.deleted_at IS NULL FOR UPDATE OF t",
                    1, params, ctx->cancellable, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    return token_missing (error, id);
  row->id = id;
  row->user_id = nd_pg_int64 (res, 0, 0);
  row->name = nd_pg_strdup (res, 0, 1);
  row->status = (int) nd_pg_int64 (res, 0, 2);
  row->expired_time = nd_pg_int64 (res, 0, 3);
  row->remain_quota = nd_pg_int64 (res, 0, 4);
  row->unlimited = g_str_equal (PQgetvalue (res, 0, 5), "t");
  row->owner = nd_pg_strdup (res, 0, 6);
  row->owner_group = nd_pg_strdup (res, 0, 7);
  return TRUE;
}

static void
audit_other_users (NdPgWriteCtx *ctx, const char *action, const TokenRow *row)
{
  g_autoptr(JsonBuilder) b = NULL;

  if (row->user_id == ctx->op.id)
    return;
  b = json_builder_new ();
  json_builder_begin_object (b);
  nd_json_add_int (b, "target_user_id", row->user_id);
  nd_json_add_str (b, "target_username", row->owner ? row->owner : "");
  nd_json_add_int (b, "token_id", row->id);
  nd_json_add_str (b, "token_name", row->name ? row->name : "");
  json_builder_end_object (b);
  nd_pg_audit (ctx, action, json_builder_get_root (b), action);
}

/* Whether @name is a member of the JSON object stored in option @key;
 * *@known is FALSE when the option is missing or not an object. */
static gboolean
option_has_key (PGresult *options, const char *key, const char *name, gboolean *known)
{
  *known = FALSE;
  for (int i = 0; i < PQntuples (options); i++)
    {
      g_autoptr(JsonParser) parser = NULL;
      JsonNode *root;

      if (!g_str_equal (PQgetvalue (options, i, 0), key))
        continue;
      parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, PQgetvalue (options, i, 1), -1, NULL))
        return FALSE;
      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        return FALSE;
      *known = TRUE;
      return json_object_has_member (json_node_get_object (root), name);
    }
  return FALSE;
}

/* A token's group: "" (the owner's), "auto", or a group of GroupRatio the
 * owner may choose — one of UserUsableGroups, or the owner's own group
 * (reference §2.3). */
static gboolean
check_group (NdPgWriteCtx *ctx, const char *group, const char *owner_group, GError **error)
{
  g_autoptr(PGresult) res = NULL;
  gboolean known;

  if (group == NULL || *group == '\0' || g_str_equal (group, "auto"))
    return TRUE;
  res = nd_pg_exec (ctx->pg, "SELECT \"key\", value FROM options "
                             "WHERE \"key\" IN ('GroupRatio', 'UserUsableGroups')",
                    0, NULL, ctx->cancellable, error);
  if (res == NULL)
    return FALSE;
  if (!option_has_key (res, "GroupRatio", group, &known))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("“%s” is not one of this NewAPI’s groups (GroupRatio): nothing was "
                     "changed"), group);
      return FALSE;
    }
  if (g_strcmp0 (group, owner_group) != 0 &&
      !option_has_key (res, "UserUsableGroups", group, &known) && known)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("The token’s owner may not use group “%s” (it is neither their own group "
                     "nor one of UserUsableGroups): nothing was changed"), group);
      return FALSE;
    }
  return TRUE;
}

/* One IP or network a line, as NewAPI reads the list (spaces and empty
 * lines dropped). */
static char *
clean_ip_list (const char *list)
{
  g_auto(GStrv) lines = g_strsplit (list ? list : "", "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (*line == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, line);
    }
  return g_string_free (out, FALSE);
}

/* rc.23's auto-group columns, absent on older installs. */
static gboolean
has_auto_group_columns (NdPgWriteCtx *ctx, gboolean *has, GError **error)
{
  g_autoptr(PGresult) res = nd_pg_exec (ctx->pg,
    "SELECT count (*) FROM information_schema.columns WHERE table_schema = current_schema () "
    "AND table_name = 'tokens' AND column_name IN ('cross_group_retry', 'auto_groups')",
    0, NULL, ctx->cancellable, error);

  if (res == NULL)
    return FALSE;
  *has = nd_pg_int64 (res, 0, 0) == 2;
  return TRUE;
}

/* ---- create ------------------------------------------------------------- */

static gboolean
write_create (NdPgWriteCtx *ctx, GError **error)
{
  const NdTokenEdit *e = ctx->write->token;
  NdTokenField mask = e->mask;
  gint64 owner = e->user_id > 0 ? e->user_id : ctx->op.id;
  g_autofree char *owner_text = int_text (owner);
  const char *p1[1] = { owner_text };
  g_autoptr(PGresult) user = NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_secure_free);
  g_auto(TokenRow) row = { 0 };
  const char *group = (mask & ND_TOKEN_FIELD_GROUP) && e->group ? e->group : "";
  gboolean auto_cols;
  char *key = NULL;

  user = nd_pg_exec (ctx->pg, "SELECT username, COALESCE (\"group\", '') FROM users "
                              "WHERE id = $1::bigint AND deleted_at IS NULL FOR SHARE",
                     1, p1, ctx->cancellable, error);
  if (user == NULL)
    return FALSE;
  if (PQntuples (user) == 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
                   _("User #%" PRId64 " does not exist or was deleted: no token was made"), owner);
      return FALSE;
    }
  row.user_id = owner;
  row.owner = nd_pg_strdup (user, 0, 0);
  row.owner_group = nd_pg_strdup (user, 0, 1);
  row.name = g_strdup (e->name);
  if (!check_group (ctx, group, row.owner_group, error) ||
      !has_auto_group_columns (ctx, &auto_cols, error))
    return FALSE;

  /* $1 is the key, filled in for each attempt; the rest are NewAPI's
   * defaults where the form left a field alone. */
  g_ptr_array_add (values, NULL);
  g_ptr_array_add (values, g_strdup (owner_text));
  g_ptr_array_add (values, g_strdup (e->name));
  g_ptr_array_add (values, int_text (ctx->now));
  g_ptr_array_add (values, int_text (mask & ND_TOKEN_FIELD_EXPIRED_TIME ? e->expired_time : -1));
  g_ptr_array_add (values, int_text (mask & ND_TOKEN_FIELD_REMAIN_QUOTA ? e->remain_quota : 0));
  g_ptr_array_add (values, g_strdup (mask & ND_TOKEN_FIELD_UNLIMITED && e->unlimited_quota
                                     ? "true" : "false"));
  g_ptr_array_add (values, g_strdup (mask & ND_TOKEN_FIELD_MODEL_LIMITS && e->model_limits_enabled
                                     ? "true" : "false"));
  g_ptr_array_add (values, g_strdup (mask & ND_TOKEN_FIELD_MODEL_LIMITS && e->model_limits
                                     ? e->model_limits : ""));
  g_ptr_array_add (values, mask & ND_TOKEN_FIELD_ALLOW_IPS ? clean_ip_list (e->allow_ips)
                                                            : g_strdup (""));
  g_ptr_array_add (values, g_strdup (group));

  for (guint attempt = 0; attempt < MAX_KEY_ATTEMPTS && row.id == 0; attempt++)
    {
      g_autoptr(PGresult) ins = NULL;
      g_autofree char *sql = NULL;

      nd_secure_free (g_ptr_array_index (values, 0));
      g_ptr_array_index (values, 0) = key = nd_random_token_key (error);
      if (key == NULL)
        return FALSE;
      /* ON CONFLICT: a clash on idx_tokens_key is retried with a new key
       * without aborting the transaction. */
      sql = g_strdup_printf (
        "INSERT INTO tokens (\"key\", user_id, name, created_time, accessed_time, expired_time, "
        "remain_quota, unlimited_quota, model_limits_enabled, model_limits, allow_ips, "
        "\"group\", status, used_quota%s) "
        "VALUES ($1, $2::bigint, $3, $4::bigint, $4::bigint, $5::bigint, $6::bigint, "
        "$7::boolean, $8::boolean, $9, $10, $11, 1, 0%s) "
        "ON CONFLICT DO NOTHING RETURNING id",
        auto_cols ? ", cross_group_retry, auto_groups" : "", auto_cols ? ", false, ''" : "");
      ins = nd_pg_exec (ctx->pg, sql, values->len, (const char * const *) values->pdata,
                        ctx->cancellable, error);
      if (ins == NULL)
        return FALSE;
      if (PQntuples (ins) == 1)
        row.id = nd_pg_int64 (ins, 0, 0);
    }
  if (row.id == 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_CONFLICT,
                   _("Every new key clashed with an existing one: no token was made"));
      return FALSE;
    }

  ctx->result->changed = 1;
  ctx->result->new_id = row.id;
  if (ctx->result->secrets == NULL)
    ctx->result->secrets = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (ctx->result->secrets, g_strdup (key));
  audit_other_users (ctx, "token.admin_create", &row);
  return TRUE;
}

/* ---- update ------------------------------------------------------------- */

static gboolean
write_update (NdPgWriteCtx *ctx, GError **error)
{
  const NdTokenEdit *e = ctx->write->token;
  gint64 id = nd_write_first_id (ctx->write);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) sql = g_string_new ("UPDATE tokens SET id = id");
  g_autoptr(PGresult) upd = NULL;
  g_auto(TokenRow) row = { 0 };
  gboolean auto_cols = FALSE;

  if (!lock_token (ctx, id, &row, error))
    return FALSE;
  if ((e->mask & ND_TOKEN_FIELD_GROUP) &&
      (!check_group (ctx, e->group, row.owner_group, error) ||
       !has_auto_group_columns (ctx, &auto_cols, error)))
    return FALSE;

#define SET(column, value, cast) \
  G_STMT_START { \
    g_ptr_array_add (values, (value)); \
    g_string_append_printf (sql, ", %s = $%u%s", (column), values->len + 1, (cast)); \
  } G_STMT_END

  if (e->mask & ND_TOKEN_FIELD_NAME)
    SET ("name", g_strdup (e->name), "");
  if (e->mask & ND_TOKEN_FIELD_EXPIRED_TIME)
    SET ("expired_time", int_text (e->expired_time), "::bigint");
  if (e->mask & ND_TOKEN_FIELD_REMAIN_QUOTA)
    SET ("remain_quota", int_text (e->remain_quota), "::bigint");
  if (e->mask & ND_TOKEN_FIELD_UNLIMITED)
    SET ("unlimited_quota", g_strdup (e->unlimited_quota ? "true" : "false"), "::boolean");
  if (e->mask & ND_TOKEN_FIELD_MODEL_LIMITS)
    {
      SET ("model_limits_enabled", g_strdup (e->model_limits_enabled ? "true" : "false"),
           "::boolean");
      SET ("model_limits", g_strdup (e->model_limits ? e->model_limits : ""), "");
    }
  if (e->mask & ND_TOKEN_FIELD_ALLOW_IPS)
    SET ("allow_ips", clean_ip_list (e->allow_ips), "");
  if (e->mask & ND_TOKEN_FIELD_GROUP)
    {
      SET ("\"group\"", g_strdup (e->group ? e->group : ""), "");
      /* NewAPI forgets the auto-group settings of a token leaving "auto". */
      if (auto_cols && g_strcmp0 (e->group, "auto") != 0)
        g_string_append (sql, ", cross_group_retry = false, auto_groups = ''");
    }
#undef SET

  g_ptr_array_insert (values, 0, int_text (id));
  g_string_append (sql, " WHERE id = $1::bigint");
  upd = nd_pg_exec (ctx->pg, sql->str, values->len, (const char * const *) values->pdata,
                    ctx->cancellable, error);
  if (upd == NULL)
    return FALSE;
  ctx->result->changed = 1;
  if (e->mask & ND_TOKEN_FIELD_NAME)
    {
      g_free (row.name);
      row.name = g_strdup (e->name);
    }
  audit_other_users (ctx, "token.admin_update", &row);
  return TRUE;
}

/* ---- status ------------------------------------------------------------- */

/* NewAPI's refusals (token.expired_cannot_enable,
 * token.exhausted_cannot_enable), word for word; in a batch they name the
 * token first. */
static gboolean
refuse_enable (const TokenRow *row, gboolean batch, gboolean expired, GError **error)
{
  const char *why = expired
    ? _("Token has expired and cannot be enabled. Please modify the expiration time or set it "
        "to never expire")
    : _("Token quota is exhausted and cannot be enabled. Please modify the remaining quota or "
        "set it to unlimited");

  if (batch)
    g_set_error (error, ND_ERROR, ND_ERROR_CONFLICT, _("Token “%s” (#%" PRId64 "): %s"),
                 row->name, row->id, why);
  else
    g_set_error_literal (error, ND_ERROR, ND_ERROR_CONFLICT, why);
  return FALSE;
}

static gboolean
write_status (NdPgWriteCtx *ctx, GError **error)
{
  const NdWrite *w = ctx->write;
  g_autofree char *status = int_text (w->status);

  for (guint i = 0; i < w->ids->len; i++)
    {
      g_auto(TokenRow) row = { 0 };
      g_autofree char *id = NULL;
      g_autoptr(PGresult) upd = NULL;

      if (!lock_token (ctx, g_array_index (w->ids, gint64, i), &row, error))
        return FALSE;
      if (w->status == ND_TOKEN_STATUS_ENABLED)
        {
          if (row.expired_time != -1 && row.expired_time <= ctx->now)
            return refuse_enable (&row, w->ids->len > 1, TRUE, error);
          if (!row.unlimited && row.remain_quota <= 0)
            return refuse_enable (&row, w->ids->len > 1, FALSE, error);
        }
      id = int_text (row.id);
      {
        const char *params[2] = { id, status };

        upd = nd_pg_exec (ctx->pg, "UPDATE tokens SET status = $2::bigint WHERE id = $1::bigint",
                          2, params, ctx->cancellable, error);
      }
      if (upd == NULL)
        return FALSE;
      ctx->result->changed += row.status != w->status;
      audit_other_users (ctx, "token.admin_update", &row);
    }
  return TRUE;
}

/* ---- delete (soft) ------------------------------------------------------ */

static gboolean
write_delete (NdPgWriteCtx *ctx, GError **error)
{
  const NdWrite *w = ctx->write;

  for (guint i = 0; i < w->ids->len; i++)
    {
      g_auto(TokenRow) row = { 0 };
      g_autofree char *id = NULL;
      g_autofree char *now = int_text (ctx->now);
      g_autoptr(PGresult) del = NULL;

      if (!lock_token (ctx, g_array_index (w->ids, gint64, i), &row, error))
        return FALSE;
      id = int_text (row.id);
      {
        const char *params[2] = { id, now };

        del = nd_pg_exec (ctx->pg, "UPDATE tokens SET deleted_at = to_timestamp ($2::bigint) "
                                   "WHERE id = $1::bigint", 2, params, ctx->cancellable, error);
      }
      if (del == NULL)
        return FALSE;
      ctx->result->changed++;
      audit_other_users (ctx, "token.admin_delete", &row);
    }
  return TRUE;
}

NdPgWriteFunc
_nd_pg_write_tokens_func (NdWriteKind kind)
{
  switch (kind)
    {
    case ND_WRITE_TOKEN_CREATE: return write_create;
    case ND_WRITE_TOKEN_UPDATE: return write_update;
    case ND_WRITE_TOKEN_STATUS: return write_status;
    case ND_WRITE_TOKEN_DELETE: return write_delete;
    default: return NULL;
    }
}
