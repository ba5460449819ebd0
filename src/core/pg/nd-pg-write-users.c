/* nd-pg-write-users.c — user actions over PostgreSQL, as NewAPI does them
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each function runs inside the transaction nd-pg-write.c opened and does
 * what NewAPI's admin API does for the same request (reference §1.6a, read
 * from upstream's controller/user.go and model/user.go):
 *
 *   create   bcrypt "$2a$" cost 10, a unique 4-character aff_code from
 *            getrandom, quota = option QuotaForNewUser, setting
 *            {"gotify_priority":0}, auth_version 1; a type-4 row
 *            "新用户注册赠送 …" when that quota is above 0; user.create
 *   update   display name, group (a key of GroupRatio), remark, password
 *            as PUT /api/user/ (user.update); a role change as
 *            /api/user/manage promote or demote (user.manage)
 *   status   enable / disable, delete (soft: deleted_at), as
 *            /api/user/manage (user.manage); restore has no NewAPI
 *            endpoint and is audited the same way
 *   quota    add / subtract as relative updates (quota = quota ± n), set
 *            from the old value read under FOR UPDATE (user.quota_add,
 *            user.quota_subtract, user.quota_override)
 *
 * An operator manages only users below their own role, or any user when
 * root; root is never disabled, deleted or demoted; a deleted user is not
 * changed until restored (NewAPI's own reads skip deleted rows and fail).
 * A change of password, role, status or group — and a soft delete — bumps
 * auth_version (where the column exists: old installs lack it) and revokes
 * the user's active user_sessions (where the table exists) with NewAPI's
 * reason: "admin_user_update" for an edit, "admin_demote" for a demotion,
 * "user_security_changed" for a status change or promotion (user.Update),
 * "user_deleted" for a delete.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-crypto.h"
#include "nd-random.h"
#include "nd-pg-write-private.h"

#define ID_TEXT(v) g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) (v))
/* NewAPI's user setting for a new account (dto.UserSetting{} marshalled). */
#define NEW_USER_SETTING "{\"gotify_priority\":0}"
#define AFF_CODE_LEN 4
/* Candidates tried at once; 62^4 codes make a second round all but
 * impossible even with millions of users. */
#define AFF_CODE_CANDIDATES 16

typedef struct {
  gint64 id;
  char *username;
  int role;
  int status;
  char *group;
  gboolean deleted;
  gint64 quota;
} Target;

static void
target_clear (Target *t)
{
  g_free (t->username);
  g_free (t->group);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Target, target_clear)

static const char *
role_label (int role)
{
  if (role >= ND_ROLE_ROOT)
    return _("the root user");
  if (role >= ND_ROLE_ADMIN)
    return _("an administrator");
  return _("a common user");
}

static gboolean
exec_ok (NdPgWriteCtx *ctx, const char *sql, int n, const char * const *params, GError **error)
{
  g_autoptr(PGresult) res = nd_pg_exec (ctx->pg, sql, n, params, ctx->cancellable, error);

  return res != NULL;
}

/* UPDATE users SET … WHERE id = $1, with @value as $2 (may be NULL). */
static gboolean
update_user (NdPgWriteCtx *ctx, const char *sql, gint64 id, const char *value, GError **error)
{
  g_autofree char *id_text = ID_TEXT (id);
  const char *p[2] = { id_text, value };

  return exec_ok (ctx, sql, value ? 2 : 1, p, error);
}

/* Locks the row (FOR UPDATE) when @lock: the value read is the one the
 * write replaces. Deleted users are found too (NewAPI's manage endpoint
 * reads them unscoped). */
static gboolean
load_target (NdPgWriteCtx *ctx, gint64 id, gboolean lock, Target *t, GError **error)
{
  g_autofree char *id_text = ID_TEXT (id);
  const char *p[1] = { id_text };
  g_autoptr(PGresult) res = NULL;

  res = nd_pg_exec (ctx->pg,
                    lock ? "SELECT id, username, role, status, \"group\", deleted_at IS NOT NULL, "
                           "quota FROM users WHERE id = $1::bigint FOR UPDATE"
                         : "SELECT id, username, role, status, \"group\", deleted_at IS NOT NULL, "
                           "quota FROM users WHERE id = $1::bigint",
                    1, p, ctx->cancellable, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
                   _("User #%" PRId64 " does not exist: nothing was changed"), id);
      return FALSE;
    }
  t->id = id;
  t->username = nd_pg_strdup (res, 0, 1);
  t->role = (int) nd_pg_int64 (res, 0, 2);
  t->status = (int) nd_pg_int64 (res, 0, 3);
  t->group = nd_pg_strdup (res, 0, 4);
  t->deleted = nd_pg_bool (res, 0, 5);
  t->quota = nd_pg_int64 (res, 0, 6);
  return TRUE;
}

/* canManageTargetRole: root manages everyone, others only lower roles. */
static gboolean
check_manage (NdPgWriteCtx *ctx, const Target *t, GError **error)
{
  if (ctx->op.role >= ND_ROLE_ROOT || ctx->op.role > t->role)
    return TRUE;
  g_set_error (error, ND_ERROR, ND_ERROR_PERMISSION,
               _("“%s” is %s and may only manage users below that role; “%s” is %s. Nothing "
                 "was changed."), ctx->op.username, role_label (ctx->op.role), t->username,
               role_label (t->role));
  return FALSE;
}

static gboolean
check_live (const Target *t, GError **error)
{
  if (!t->deleted)
    return TRUE;
  g_set_error (error, ND_ERROR, ND_ERROR_CONFLICT,
               _("User “%s” (#%" PRId64 ") is deleted: restore the user first. Nothing was "
                 "changed."), t->username, t->id);
  return FALSE;
}

/* Root is never disabled, deleted or demoted: @message says which. */
static gboolean
refuse_root (const Target *t, const char *message, GError **error)
{
  if (t->role < ND_ROLE_ROOT)
    return TRUE;
  g_set_error_literal (error, ND_ERROR, ND_ERROR_PERMISSION, message);
  return FALSE;
}

/* ---- auth_version and sessions ------------------------------------------ */

typedef struct {
  gboolean has_auth_version;
  gboolean has_sessions;
} Schema;

static gboolean
load_schema (NdPgWriteCtx *ctx, Schema *schema, GError **error)
{
  g_autoptr(PGresult) res = NULL;

  res = nd_pg_exec (ctx->pg,
                    "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE "
                    "table_schema = current_schema () AND table_name = 'users' AND "
                    "column_name = 'auth_version'), to_regclass ('user_sessions') IS NOT NULL",
                    0, NULL, ctx->cancellable, error);
  if (res == NULL)
    return FALSE;
  schema->has_auth_version = nd_pg_bool (res, 0, 0);
  schema->has_sessions = nd_pg_bool (res, 0, 1);
  return TRUE;
}

/* IncrementUserAuthVersionWithTx + RevokeAllUserSessions: the sessions
 * still usable (active, never revoked, not expired) end with @reason. */
static gboolean
bump_auth (NdPgWriteCtx *ctx, gint64 id, const char *reason, GError **error)
{
  g_autofree char *id_text = ID_TEXT (id);
  g_autofree char *now = ID_TEXT (ctx->now);
  const char *p[3] = { id_text, now, reason };
  Schema schema;

  if (!load_schema (ctx, &schema, error))
    return FALSE;
  if (schema.has_auth_version &&
      !exec_ok (ctx, "UPDATE users SET auth_version = auth_version + 1 WHERE id = $1::bigint",
                1, p, error))
    return FALSE;
  if (schema.has_sessions)
    {
      if (!exec_ok (ctx, "UPDATE user_sessions SET status = 'revoked', revoked_at = $2::bigint, "
                         "revoked_reason = $3 WHERE user_id = $1::bigint AND status = 'active' "
                         "AND COALESCE (revoked_at, 0) = 0 AND expires_at > $2::bigint",
                    3, p, error))
        return FALSE;
      g_clear_pointer (&ctx->result->notice, g_free);
      ctx->result->notice =
        g_strdup (_("The login sessions of the changed users were revoked in the database. "
                    "A NewAPI with Redis keeps accepting them until its cache expires "
                    "(SYNC_FREQUENCY, 60 seconds by default)."));
    }
  return TRUE;
}

/* ---- audit rows --------------------------------------------------------- */

static JsonNode *
object_node (JsonObject *obj)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, obj);
  return node;
}

/* recordManageAuditFor: target_user_id names the user acted on, unless
 * the operators acted on themselves. */
static void
audit (NdPgWriteCtx *ctx, gint64 target, const char *action, JsonObject *params,
       const char *content)
{
  if (target > 0 && target != ctx->op.id)
    json_object_set_int_member (params, "target_user_id", target);
  nd_pg_audit (ctx, action, object_node (params), content);
}

/* user.manage {action, username, id}: "Performed ${action} on user …". */
static void
audit_manage (NdPgWriteCtx *ctx, const Target *t, const char *action)
{
  JsonObject *params = json_object_new ();
  g_autofree char *content = g_strdup_printf ("Performed %s on user %s (ID: %" G_GINT64_FORMAT ")",
                                              action, t->username, t->id);

  json_object_set_string_member (params, "action", action);
  json_object_set_string_member (params, "username", t->username);
  json_object_set_int_member (params, "id", t->id);
  audit (ctx, t->id, "user.manage", params, content);
}

/* ---- options ------------------------------------------------------------- */

static gboolean
option_value (NdPgWriteCtx *ctx, const char *key, char **value, GError **error)
{
  const char *p[1] = { key };
  g_autoptr(PGresult) res = nd_pg_exec (ctx->pg, "SELECT value FROM options WHERE key = $1", 1, p,
                                        ctx->cancellable, error);

  if (res == NULL)
    return FALSE;
  *value = PQntuples (res) > 0 ? nd_pg_strdup (res, 0, 0) : NULL;
  return TRUE;
}

/* A group is a key of the GroupRatio option (what /api/group/ lists). */
static gboolean
check_group (NdPgWriteCtx *ctx, const char *group, GError **error)
{
  const char *p[1] = { group };
  g_autoptr(PGresult) res = NULL;

  res = nd_pg_exec (ctx->pg,
                    "WITH r AS (SELECT CASE WHEN value ~ '^\\s*\\{' THEN value::jsonb "
                    "ELSE '{}' END AS j FROM options WHERE key = 'GroupRatio') "
                    "SELECT EXISTS (SELECT 1 FROM r WHERE jsonb_exists (j, $1)), "
                    "(SELECT string_agg (k, ', ' ORDER BY k) FROM r, jsonb_object_keys (j) k)",
                    1, p, ctx->cancellable, error);
  if (res == NULL)
    return FALSE;
  if (nd_pg_bool (res, 0, 0))
    return TRUE;
  g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
               _("“%s” is not a group of this NewAPI (the groups of GroupRatio: %s). Nothing "
                 "was changed."), group, PQgetisnull (res, 0, 1) ? "—" : PQgetvalue (res, 0, 1));
  return FALSE;
}

static gboolean
load_money (NdPgWriteCtx *ctx, NdMoney **money, GError **error)
{
  *money = nd_money_new_default ();
  return _nd_pg_read_money (ctx->pg, *money, NULL, ctx->cancellable, error);
}

/* ---- create -------------------------------------------------------------- */

/* A 4-character code no user (deleted ones included) has: several random
 * candidates, the database keeps the first that is free. */
static char *
pick_aff_code (NdPgWriteCtx *ctx, GError **error)
{
  g_autoptr(GString) list = g_string_new ("{");
  g_autoptr(PGresult) res = NULL;
  const char *p[1];

  for (guint i = 0; i < AFF_CODE_CANDIDATES; i++)
    {
      g_autofree char *code = nd_random_alnum (AFF_CODE_LEN, error);

      if (code == NULL)
        return NULL;
      g_string_append_printf (list, "%s%s", i ? "," : "", code);
    }
  g_string_append_c (list, '}');
  p[0] = list->str;
  res = nd_pg_exec (ctx->pg,
                    "SELECT c FROM unnest ($1::text[]) WITH ORDINALITY AS u (c, n) "
                    "WHERE NOT EXISTS (SELECT 1 FROM users WHERE aff_code = c) ORDER BY n LIMIT 1",
                    1, p, ctx->cancellable, error);
  if (res == NULL)
    return NULL;
  if (PQntuples (res) == 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_CONFLICT,
                   _("No free invitation code was found: nothing was created. Try again."));
      return NULL;
    }
  return nd_pg_strdup (res, 0, 0);
}

static gboolean
write_create (NdPgWriteCtx *ctx, GError **error)
{
  const NdUserEdit *e = ctx->write->user;
  int role = (e->mask & ND_USER_FIELD_ROLE) ? e->role : ND_ROLE_COMMON;
  g_autofree char *username = g_strstrip (g_strdup (e->username));
  g_autofree char *display = NULL;
  g_autofree char *quota_text = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *aff_code = NULL;
  g_autofree char *role_text = ID_TEXT (role);
  g_autofree char *now = ID_TEXT (ctx->now);
  g_autofree char *quota = NULL;
  g_autofree char *content = NULL;
  g_autoptr(PGresult) taken = NULL;
  g_autoptr(PGresult) ins = NULL;
  Schema schema;
  gint64 new_quota;
  gint64 id;
  JsonObject *params;

  if (role >= ctx->op.role)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PERMISSION,
                   _("“%s” is %s and can only create users below that role. Nothing was "
                     "created."), ctx->op.username, role_label (ctx->op.role));
      return FALSE;
    }
  {
    const char *p[1] = { username };

    taken = nd_pg_exec (ctx->pg, "SELECT id, deleted_at IS NOT NULL FROM users WHERE username = $1",
                        1, p, ctx->cancellable, error);
    if (taken == NULL)
      return FALSE;
    if (PQntuples (taken) > 0)
      {
        g_set_error (error, ND_ERROR, ND_ERROR_CONFLICT,
                     nd_pg_bool (taken, 0, 1)
                     ? _("The username “%s” belongs to user #%" PRId64 ", who is deleted: "
                         "restore that user or choose another name. Nothing was created.")
                     : _("The username “%s” is taken by user #%" PRId64 ". Nothing was "
                         "created."), username, nd_pg_int64 (taken, 0, 0));
        return FALSE;
      }
  }
  /* common.QuotaForNewUser: an integer option, 0 when unset or unreadable
   * (as NewAPI's option loader leaves it). */
  if (!option_value (ctx, "QuotaForNewUser", &quota_text, error))
    return FALSE;
  new_quota = quota_text ? g_ascii_strtoll (quota_text, NULL, 10) : 0;
  quota = ID_TEXT (new_quota);
  display = (e->mask & ND_USER_FIELD_DISPLAY_NAME) && e->display_name && *e->display_name
            ? g_strdup (e->display_name) : g_strdup (username);
  if (!load_schema (ctx, &schema, error) ||
      (aff_code = pick_aff_code (ctx, error)) == NULL ||
      (hash = nd_bcrypt_hash (e->password, error)) == NULL)
    return FALSE;
  {
    const char *p[8] = { username, hash, display, role_text, quota, aff_code, NEW_USER_SETTING,
                         now };

    /* Every column NewAPI's Create fills; auth_version only where it exists
     * (its default there is the 1 NewAPI writes). */
    ins = nd_pg_exec (ctx->pg,
                      schema.has_auth_version
                      ? "INSERT INTO users (username, password, display_name, role, status, email, "
                        "github_id, discord_id, oidc_id, wechat_id, telegram_id, linux_do_id, "
                        "quota, used_quota, request_count, \"group\", aff_code, aff_count, "
                        "aff_quota, aff_history, inviter_id, setting, remark, stripe_customer, "
                        "created_at, last_login_at, auth_version) VALUES ($1, $2, $3, $4::bigint, "
                        "1, '', '', '', '', '', '', '', $5::bigint, 0, 0, 'default', $6, 0, 0, 0, "
                        "0, $7, '', '', $8::bigint, 0, 1) RETURNING id"
                      : "INSERT INTO users (username, password, display_name, role, status, email, "
                        "github_id, discord_id, oidc_id, wechat_id, telegram_id, linux_do_id, "
                        "quota, used_quota, request_count, \"group\", aff_code, aff_count, "
                        "aff_quota, aff_history, inviter_id, setting, remark, stripe_customer, "
                        "created_at, last_login_at) VALUES ($1, $2, $3, $4::bigint, "
                        "1, '', '', '', '', '', '', '', $5::bigint, 0, 0, 'default', $6, 0, 0, 0, "
                        "0, $7, '', '', $8::bigint, 0) RETURNING id",
                      8, p, ctx->cancellable, error);
  }
  if (ins == NULL)
    return FALSE;
  id = nd_pg_int64 (ins, 0, 0);
  ctx->result->changed = 1;
  ctx->result->new_id = id;

  /* FinishInsert's gift row comes before the audit row, as upstream. */
  if (new_quota > 0)
    {
      g_autoptr(NdMoney) money = NULL;
      g_autofree char *amount = NULL;
      g_autofree char *gift = NULL;

      if (!load_money (ctx, &money, error))
        return FALSE;
      amount = nd_money_log_quota (money, new_quota);
      gift = g_strdup_printf ("新用户注册赠送 %s", amount);
      nd_pg_log_row (ctx, ND_LOG_SYSTEM, id, username, gift);
    }
  params = json_object_new ();
  json_object_set_string_member (params, "username", username);
  json_object_set_int_member (params, "role", role);
  content = g_strdup_printf ("Created user %s (role %d)", username, role);
  audit (ctx, id, "user.create", params, content);
  return TRUE;
}

/* ---- update -------------------------------------------------------------- */

/* ManageUser promote / demote: only root promotes (to admin); root is
 * never demoted; demoting clears the way a demotion does upstream. */
static gboolean
change_role (NdPgWriteCtx *ctx, const Target *t, int role, GError **error)
{
  gboolean promote = role > t->role;
  g_autofree char *role_text = ID_TEXT (role);

  if (role == t->role)
    return TRUE;
  if (promote && ctx->op.role < ND_ROLE_ROOT)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PERMISSION,
                   _("Only the root user can make someone an administrator. Nothing was "
                     "changed."));
      return FALSE;
    }
  if (!promote && !refuse_root (t, _("The root user cannot be demoted. Nothing was changed."),
                                error))
    return FALSE;
  if (!update_user (ctx, "UPDATE users SET role = $2::bigint WHERE id = $1::bigint", t->id,
                    role_text, error) ||
      !bump_auth (ctx, t->id, promote ? "user_security_changed" : "admin_demote", error))
    return FALSE;
  audit_manage (ctx, t, promote ? "promote" : "demote");
  return TRUE;
}

static gboolean
write_update (NdPgWriteCtx *ctx, GError **error)
{
  const NdUserEdit *e = ctx->write->user;
  NdUserField edit_fields = ND_USER_FIELD_DISPLAY_NAME | ND_USER_FIELD_GROUP |
                            ND_USER_FIELD_REMARK | ND_USER_FIELD_PASSWORD;
  g_auto(Target) t = { 0 };
  g_autoptr(GString) sql = g_string_new ("UPDATE users SET ");
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *group = NULL;
  g_autofree char *content = NULL;
  gboolean auth_changed = FALSE;
  JsonObject *params;

  if (!load_target (ctx, nd_write_first_id (ctx->write), TRUE, &t, error) ||
      !check_manage (ctx, &t, error) || !check_live (&t, error))
    return FALSE;
  if (e->mask & ND_USER_FIELD_ROLE && e->role != t.role && t.role >= ND_ROLE_ROOT)
    return refuse_root (&t, _("The root user cannot be demoted. Nothing was changed."), error);
  if ((e->mask & ND_USER_FIELD_ROLE) && e->role >= ctx->op.role && e->role != t.role)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PERMISSION,
                   _("“%s” is %s and can only give roles below that. Nothing was changed."),
                   ctx->op.username, role_label (ctx->op.role));
      return FALSE;
    }

  if (e->mask & edit_fields)
    {
      g_ptr_array_add (values, ID_TEXT (t.id));
      if (e->mask & ND_USER_FIELD_GROUP)
        {
          group = g_strstrip (g_strdup (e->group));
          if (!check_group (ctx, group, error))
            return FALSE;
          auth_changed |= g_strcmp0 (group, t.group) != 0;
          g_ptr_array_add (values, g_strdup (group));
          g_string_append_printf (sql, "%s\"group\" = $%u", values->len > 2 ? ", " : "",
                                  values->len);
        }
      if (e->mask & ND_USER_FIELD_DISPLAY_NAME)
        {
          g_ptr_array_add (values, g_strdup (e->display_name ? e->display_name : ""));
          g_string_append_printf (sql, "%sdisplay_name = $%u", values->len > 2 ? ", " : "",
                                  values->len);
        }
      if (e->mask & ND_USER_FIELD_REMARK)
        {
          g_ptr_array_add (values, g_strdup (e->remark ? e->remark : ""));
          g_string_append_printf (sql, "%sremark = $%u", values->len > 2 ? ", " : "",
                                  values->len);
        }
      if (e->mask & ND_USER_FIELD_PASSWORD)
        {
          char *hash = nd_bcrypt_hash (e->password, error);

          if (hash == NULL)
            return FALSE;
          /* A new salt: the hash differs from the old one, as NewAPI sees it. */
          auth_changed = TRUE;
          g_ptr_array_add (values, hash);
          g_string_append_printf (sql, "%spassword = $%u", values->len > 2 ? ", " : "",
                                  values->len);
        }
      g_string_append (sql, " WHERE id = $1::bigint");
      if (!exec_ok (ctx, sql->str, values->len, (const char * const *) values->pdata, error))
        return FALSE;
      if (auth_changed && !bump_auth (ctx, t.id, "admin_user_update", error))
        return FALSE;
      params = json_object_new ();
      json_object_set_string_member (params, "username", t.username);
      json_object_set_int_member (params, "id", t.id);
      content = g_strdup_printf ("Updated user %s (ID: %" G_GINT64_FORMAT ")", t.username, t.id);
      audit (ctx, t.id, "user.update", params, content);
    }
  if ((e->mask & ND_USER_FIELD_ROLE) && !change_role (ctx, &t, e->role, error))
    return FALSE;
  ctx->result->changed = 1;
  return TRUE;
}

/* ---- status, delete, restore --------------------------------------------- */

typedef gboolean (*TargetFunc) (NdPgWriteCtx *ctx, const Target *t, GError **error);

/* Each chosen user, locked and checked against the operator's role, in
 * turn; the first refusal undoes them all (the transaction rolls back). */
static gboolean
each_target (NdPgWriteCtx *ctx, TargetFunc func, GError **error)
{
  const NdWrite *w = ctx->write;

  for (guint i = 0; i < w->ids->len; i++)
    {
      g_auto(Target) t = { 0 };

      if (!load_target (ctx, g_array_index (w->ids, gint64, i), TRUE, &t, error) ||
          !check_manage (ctx, &t, error) || !func (ctx, &t, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
status_one (NdPgWriteCtx *ctx, const Target *t, GError **error)
{
  int status = ctx->write->status;
  g_autofree char *status_text = ID_TEXT (status);

  if ((status != 1 && !refuse_root (t, _("The root user cannot be disabled. Nothing was "
                                         "changed."), error)) ||
      !check_live (t, error))
    return FALSE;
  if (t->status != status)
    {
      if (!update_user (ctx, "UPDATE users SET status = $2::bigint WHERE id = $1::bigint", t->id,
                        status_text, error) ||
          !bump_auth (ctx, t->id, "user_security_changed", error))
        return FALSE;
      ctx->result->changed++;
    }
  /* Upstream audits the request even when nothing changed. */
  audit_manage (ctx, t, status == 1 ? "enable" : "disable");
  return TRUE;
}

/* User.Delete: deleted_at set (kept when already set), auth_version
 * bumped and sessions revoked in any case. */
static gboolean
delete_one (NdPgWriteCtx *ctx, const Target *t, GError **error)
{
  g_autofree char *now = ID_TEXT (ctx->now);

  if (!refuse_root (t, _("The root user cannot be deleted. Nothing was changed."), error) ||
      !update_user (ctx, "UPDATE users SET deleted_at = COALESCE (deleted_at, "
                         "to_timestamp ($2::bigint)) WHERE id = $1::bigint", t->id, now, error) ||
      !bump_auth (ctx, t->id, "user_deleted", error))
    return FALSE;
  ctx->result->changed += !t->deleted;
  audit_manage (ctx, t, "delete");
  return TRUE;
}

/* No NewAPI endpoint restores a user; the row gets back what a delete
 * took (deleted_at), audited like the other manage actions. */
static gboolean
restore_one (NdPgWriteCtx *ctx, const Target *t, GError **error)
{
  if (!t->deleted)
    return TRUE;
  if (!update_user (ctx, "UPDATE users SET deleted_at = NULL WHERE id = $1::bigint", t->id, NULL,
                    error))
    return FALSE;
  ctx->result->changed++;
  audit_manage (ctx, t, "restore");
  return TRUE;
}

static gboolean
write_status (NdPgWriteCtx *ctx, GError **error)
{
  return each_target (ctx, status_one, error);
}

static gboolean
write_delete (NdPgWriteCtx *ctx, GError **error)
{
  return each_target (ctx, delete_one, error);
}

static gboolean
write_restore (NdPgWriteCtx *ctx, GError **error)
{
  return each_target (ctx, restore_one, error);
}

/* ---- quota --------------------------------------------------------------- */

static gboolean
write_quota (NdPgWriteCtx *ctx, GError **error)
{
  const NdWrite *w = ctx->write;
  gboolean set = w->quota_mode == ND_QUOTA_SET;
  g_auto(Target) t = { 0 };
  g_autoptr(NdMoney) money = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *amount = ID_TEXT (w->amount);
  g_autofree char *content = NULL;
  g_autoptr(PGresult) upd = NULL;
  JsonObject *params = NULL;
  const char *p[2];

  /* Only a set replaces the old value, so only a set locks it first. */
  if (!load_target (ctx, nd_write_first_id (w), set, &t, error) ||
      !check_manage (ctx, &t, error) || !check_live (&t, error) ||
      !load_money (ctx, &money, error))
    return FALSE;
  id_text = ID_TEXT (t.id);
  p[0] = id_text;
  p[1] = amount;
  upd = nd_pg_exec (ctx->pg,
                    set ? "UPDATE users SET quota = $2::bigint WHERE id = $1::bigint"
                    : w->quota_mode == ND_QUOTA_ADD
                    ? "UPDATE users SET quota = quota + $2::bigint WHERE id = $1::bigint"
                    : "UPDATE users SET quota = quota - $2::bigint WHERE id = $1::bigint",
                    2, p, ctx->cancellable, error);
  if (upd == NULL)
    return FALSE;
  ctx->result->changed = 1;

  params = json_object_new ();
  if (set)
    {
      g_autofree char *from = nd_money_log_quota (money, t.quota);
      g_autofree char *to = nd_money_log_quota (money, w->amount);

      json_object_set_string_member (params, "from", from);
      json_object_set_string_member (params, "to", to);
      content = g_strdup_printf ("Overrode user quota from %s to %s", from, to);
    }
  else
    {
      g_autofree char *text = nd_money_log_quota (money, w->amount);

      json_object_set_string_member (params, "quota", text);
      content = g_strdup_printf (w->quota_mode == ND_QUOTA_ADD ? "Increased user quota by %s"
                                                                : "Decreased user quota by %s",
                                 text);
    }
  /* Ours, not upstream's: why the balance changed (never a secret). */
  if (w->reason != NULL && *w->reason != '\0')
    json_object_set_string_member (params, "reason", w->reason);
  audit (ctx, t.id, set ? "user.quota_override"
                    : w->quota_mode == ND_QUOTA_ADD ? "user.quota_add" : "user.quota_subtract",
         params, content);
  return TRUE;
}

NdPgWriteFunc
_nd_pg_write_users_func (NdWriteKind kind)
{
  switch (kind)
    {
    case ND_WRITE_USER_CREATE: return write_create;
    case ND_WRITE_USER_UPDATE: return write_update;
    case ND_WRITE_USER_STATUS: return write_status;
    case ND_WRITE_USER_DELETE: return write_delete;
    case ND_WRITE_USER_RESTORE: return write_restore;
    case ND_WRITE_USER_QUOTA: return write_quota;
    default: return NULL;
    }
}
