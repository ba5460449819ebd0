/* nd-fake-newapi-users.c — one user and the user writes of reference §3.4
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As upstream's controller/user.go and model/user.go do them:
 *   GET  /api/user/:id     scoped (a deleted user is "record not found"),
 *                          only below the caller's role (root: anyone)
 *   POST /api/user/        bcrypt (pgcrypto's crypt/gen_salt('bf', 10), an
 *                          implementation apart from the client's), quota
 *                          QuotaForNewUser, a random aff_code, the gift row
 *                          "新用户注册赠送 …", role below the caller's
 *   PUT  /api/user/        username, display_name, group (never checked
 *                          against GroupRatio, as upstream), remark and an
 *                          optional password; before v0.12.7 also the quota
 *                          (absent = 0, as GORM's map update writes it) and no
 *                          remark; the v0.8 quota log "管理员将用户额度从 …"
 *   POST /api/user/manage  enable, disable, delete (soft), promote, demote;
 *                          add_quota (add, subtract, override) from v0.12.7
 * From rc.22 a change of password, role, status or group — and a delete —
 * bumps auth_version and revokes the usable sessions (reasons
 * admin_user_update, admin_demote, user_security_changed, user_deleted);
 * from rc.16 every write adds its type-3 audit row (user.create,
 * user.update, user.manage, user.quota_*) with target_user_id.
 * Where the reference is silent the fake is stricter: each request runs in
 * one transaction.
 */
#include "config.h"

#include <string.h>

#include "nd-fake-newapi-private.h"

#define INVALID "无效的参数"
#define NOT_FOUND "record not found"
#define HIGHER "无权更新同权限等级或更高权限等级的用户信息"

typedef struct {
  gint64 id;
  char *username;
  int role;
  int status;
  char *group;
  gint64 quota;
  gboolean deleted;
} FakeUser;

static void
fake_user_clear (FakeUser *u)
{
  g_free (u->username);
  g_free (u->group);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FakeUser, fake_user_clear)

/* @scoped: as GORM reads without Unscoped(), deleted users are not found. */
static gboolean
load_user (NdFakeNewapi *self, gint64 id, gboolean scoped, FakeUser *u)
{
  g_autofree char *id_text = nd_fake_int_text (id);
  const char *params[1] = { id_text };
  PGresult *res = nd_fake_sql (self, scoped
                               ? "SELECT id, username, role, status, \"group\", quota, FALSE "
                                 "FROM users WHERE id = $1::bigint AND deleted_at IS NULL"
                               : "SELECT id, username, role, status, \"group\", quota, "
                                 "deleted_at IS NOT NULL FROM users WHERE id = $1::bigint",
                               1, params);
  gboolean found = PQntuples (res) > 0;

  if (found)
    {
      u->id = id;
      u->username = g_strdup (PQgetvalue (res, 0, 1));
      u->role = (int) g_ascii_strtoll (PQgetvalue (res, 0, 2), NULL, 10);
      u->status = (int) g_ascii_strtoll (PQgetvalue (res, 0, 3), NULL, 10);
      u->group = g_strdup (PQgetvalue (res, 0, 4));
      u->quota = g_ascii_strtoll (PQgetvalue (res, 0, 5), NULL, 10);
      u->deleted = PQgetvalue (res, 0, 6)[0] == 't';
    }
  PQclear (res);
  return found;
}

static gboolean
can_manage (Caller *caller, int target_role)
{
  return caller->role >= 100 || caller->role > target_role;
}

/* logger.LogQuota, in SQL: the display type and rates from options. */
static char *
log_quota (NdFakeNewapi *self, gint64 quota)
{
  g_autofree char *q = nd_fake_int_text (quota);
  const char *params[1] = { q };
  PGresult *res = nd_fake_sql (self,
    "WITH o AS (SELECT "
    " COALESCE ((SELECT value FROM options WHERE key = 'general_setting.quota_display_type'), "
    "  'USD') AS t, "
    " COALESCE ((SELECT value::numeric FROM options WHERE key = 'QuotaPerUnit'), 500000) AS qpu, "
    " COALESCE ((SELECT value::numeric FROM options WHERE key = 'USDExchangeRate'), 7.3) AS cny, "
    " COALESCE ((SELECT NULLIF (value, '') FROM options "
    "  WHERE key = 'general_setting.custom_currency_symbol'), '¤') AS sym, "
    " COALESCE ((SELECT value::numeric FROM options "
    "  WHERE key = 'general_setting.custom_currency_exchange_rate'), 1) AS rate) "
    "SELECT CASE t WHEN 'TOKENS' THEN $1 || ' 点额度' "
    " ELSE (CASE t WHEN 'CNY' THEN '¥' WHEN 'CUSTOM' THEN sym ELSE '＄' END) || "
    "  to_char ($1::numeric / qpu * (CASE t WHEN 'CNY' THEN cny WHEN 'CUSTOM' THEN rate "
    "   ELSE 1 END), 'FM999999999999990.000000') || ' 额度' END FROM o",
    1, params);
  char *text = g_strdup (PQgetvalue (res, 0, 0));

  PQclear (res);
  return text;
}

/* RecordLog: a row of @type for @user_id with no `other`. */
static void
record_log (NdFakeNewapi *self, gint64 user_id, int type, const char *content)
{
  g_autofree char *uid = nd_fake_int_text (user_id);
  g_autofree char *now = nd_fake_int_text (nd_fake_now ());
  g_autofree char *type_text = nd_fake_int_text (type);
  const char *params[4] = { uid, now, type_text, content };

  PQclear (nd_fake_sql (self, "INSERT INTO logs (user_id, username, created_at, type, content) "
                              "SELECT $1::bigint, username, $2::bigint, $3::bigint, $4 FROM users "
                              "WHERE id = $1::bigint", 4, params));
}

/* recordManageAuditFor: target_user_id unless the callers act on themselves. */
static void
audit (NdFakeNewapi *self, Caller *caller, gint64 target, const char *action,
       JsonBuilder *params, const char *content)
{
  if (target > 0 && target != caller->id)
    nd_fake_member_int (params, "target_user_id", target);
  nd_fake_audit (self, caller, action, nd_fake_object_end (params), content);
}

static void
audit_manage (NdFakeNewapi *self, Caller *caller, const FakeUser *u, const char *action)
{
  JsonBuilder *b = nd_fake_object_begin ();
  g_autofree char *content = g_strdup_printf ("Performed %s on user %s (ID: %" G_GINT64_FORMAT ")",
                                              action, u->username, u->id);

  nd_fake_member_str (b, "action", action);
  nd_fake_member_str (b, "username", u->username);
  nd_fake_member_int (b, "id", u->id);
  audit (self, caller, u->id, "user.manage", b, content);
}

/* IncrementUserAuthVersionWithTx + RevokeAllUserSessions (rc.22+). */
static void
bump_auth (NdFakeNewapi *self, gint64 id, const char *reason)
{
  g_autofree char *id_text = nd_fake_int_text (id);
  g_autofree char *now = nd_fake_int_text (nd_fake_now ());
  const char *params[3] = { id_text, now, reason };

  if (!nd_fake_version_at_least (self, "v1.0.0-rc.22") ||
      !nd_fake_column_exists (self, "users", "auth_version"))
    return;
  PQclear (nd_fake_sql (self, "UPDATE users SET auth_version = auth_version + 1 "
                              "WHERE id = $1::bigint", 1, params));
  if (nd_fake_column_exists (self, "user_sessions", "sid"))
    PQclear (nd_fake_sql (self, "UPDATE user_sessions SET status = 'revoked', "
                                "revoked_at = $2::bigint, revoked_reason = $3 "
                                "WHERE user_id = $1::bigint AND status = 'active' AND "
                                "revoked_at = 0 AND expires_at > $2::bigint", 3, params));
}

/* Hashes come from pgcrypto; two fakes racing to create it both find it
 * there afterwards. */
static void
ensure_pgcrypto (NdFakeNewapi *self)
{
  g_autofree char *ignored = NULL;
  PGresult *res = nd_fake_try_sql (self, "CREATE EXTENSION IF NOT EXISTS pgcrypto", 0, NULL,
                                   &ignored);

  g_clear_pointer (&res, PQclear);
}

/* go-playground/validator's max/min on a string count runes. */
static gboolean
validate_text (JsonObject *body, const char *member, const char *field, glong min, glong max,
               char **refusal)
{
  const char *v = json_object_get_string_member_with_default (body, member, "");
  glong n = g_utf8_strlen (v, -1);

  if (n <= max && n >= min)
    return TRUE;
  *refusal = g_strdup_printf ("输入不合法 Key: 'User.%s' Error:Field validation for '%s' failed "
                              "on the '%s' tag", field, field, n > max ? "max" : "min");
  return FALSE;
}

/* ---- GET /api/user/:id --------------------------------------------------- */

static void
route_get (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
           Caller *caller)
{
  gint64 id = nd_fake_path_int (path, 2);
  g_auto(FakeUser) u = { 0 };
  g_autofree char *id_text = nd_fake_int_text (id);
  const char *params[1] = { id_text };
  g_autofree char *q = NULL;
  PGresult *res;
  g_autoptr(JsonNode) rows = NULL;

  if (!load_user (self, id, TRUE, &u))
    return nd_fake_reply_fail (msg, NOT_FOUND);
  if (!can_manage (caller, u.role))
    return nd_fake_reply_fail (msg, "无权获取同级或更高等级用户的信息");
  q = g_strdup_printf ("SELECT " ND_FAKE_USER_COLUMNS "%s FROM users WHERE id = $1::bigint",
                       self->mode == ND_FAKE_NEWAPI_OLD ? "" : ", stripe_customer");
  res = nd_fake_sql (self, q, 1, params);
  rows = nd_fake_rows_node (res);
  PQclear (res);
  nd_fake_reply_data (msg, json_array_get_element (json_node_get_array (rows), 0));
}

/* ---- POST /api/user/ ------------------------------------------------------ */

static void
route_create (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  g_autoptr(JsonObject) body = nd_fake_body_object (msg);
  g_autofree char *username = NULL;
  g_autofree char *refusal = NULL;
  g_autofree char *role_text = NULL;
  g_autofree char *now = nd_fake_int_text (nd_fake_now ());
  const char *password;
  const char *display;
  gint64 role;
  PGresult *res;
  gint64 id, quota;

  if (body == NULL)
    return;
  username = g_strstrip (g_strdup (json_object_get_string_member_with_default (body, "username",
                                                                                "")));
  password = json_object_get_string_member_with_default (body, "password", "");
  if (*username == '\0' || *password == '\0')
    return nd_fake_reply_fail (msg, INVALID);
  json_object_set_string_member (body, "username", username);
  if (!validate_text (body, "username", "Username", 0, 20, &refusal) ||
      !validate_text (body, "password", "Password", 8, 20, &refusal) ||
      !validate_text (body, "display_name", "DisplayName", 0, 20, &refusal))
    return nd_fake_reply_fail (msg, refusal);
  display = json_object_get_string_member_with_default (body, "display_name", "");
  role = json_object_get_int_member_with_default (body, "role", 0);
  if (role >= caller->role)
    return nd_fake_reply_fail (msg, "无法创建权限大于等于自己的用户");
  /* GORM writes the column default for a zero role. */
  role_text = nd_fake_int_text (role ? role : 1);

  ensure_pgcrypto (self);
  PQclear (nd_fake_sql (self, "BEGIN", 0, NULL));
  {
    const char *params[5] = { username, password, *display ? display : username, role_text, now };

    res = nd_fake_try_sql (self,
      "INSERT INTO users (username, password, display_name, role, status, email, quota, "
      "\"group\", aff_code, setting, created_at, last_login_at) "
      "SELECT $1, crypt ($2, gen_salt ('bf', 10)), $3, $4::bigint, 1, '', "
      "COALESCE ((SELECT value::bigint FROM options WHERE key = 'QuotaForNewUser'), 0), "
      "'default', (SELECT string_agg (substr ("
      "'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', "
      "1 + floor (random () * 62)::int, 1), '') FROM generate_series (1, 4)), "
      "'{\"gotify_priority\":0}', $5::bigint, 0 RETURNING id, quota",
      5, params, &refusal);
  }
  if (res == NULL)
    return nd_fake_rollback_fail (self, msg, refusal);
  id = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  quota = g_ascii_strtoll (PQgetvalue (res, 0, 1), NULL, 10);
  PQclear (res);
  PQclear (nd_fake_sql (self, "COMMIT", 0, NULL));
  if (quota > 0)
    {
      g_autofree char *amount = log_quota (self, quota);
      g_autofree char *gift = g_strdup_printf ("新用户注册赠送 %s", amount);

      record_log (self, id, 4, gift);
    }
  {
    JsonBuilder *b = nd_fake_object_begin ();
    g_autofree char *content = g_strdup_printf ("Created user %s (role %s)", username, role_text);

    nd_fake_member_str (b, "username", username);
    nd_fake_member_int (b, "role", g_ascii_strtoll (role_text, NULL, 10));
    audit (self, caller, id, "user.create", b, content);
  }
  nd_fake_reply_envelope (msg, 200, TRUE, NULL, "", NULL);
}

/* ---- PUT /api/user/ ------------------------------------------------------- */

static void
route_update (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  g_autoptr(JsonObject) body = nd_fake_body_object (msg);
  gboolean quota_api = nd_fake_version_at_least (self, "v0.12.7");
  g_auto(FakeUser) u = { 0 };
  g_autofree char *refusal = NULL;
  g_autofree char *username = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *quota = NULL;
  const char *password, *group;
  gint64 id = 0, role;
  gboolean auth_changed;

  if (body == NULL)
    return;
  if (!nd_fake_body_int (body, "id", &id) || id == 0)
    return nd_fake_reply_fail (msg, INVALID);
  username = g_strstrip (g_strdup (json_object_get_string_member_with_default (body, "username",
                                                                                "")));
  if (*username == '\0')
    return nd_fake_reply_fail (msg, INVALID);
  json_object_set_string_member (body, "username", username);
  password = json_object_get_string_member_with_default (body, "password", "");
  if (!validate_text (body, "username", "Username", 0, 20, &refusal) ||
      (*password && !validate_text (body, "password", "Password", 8, 20, &refusal)) ||
      !validate_text (body, "display_name", "DisplayName", 0, 20, &refusal) ||
      !validate_text (body, "remark", "Remark", 0, 255, &refusal))
    return nd_fake_reply_fail (msg, refusal);
  if (!load_user (self, id, TRUE, &u))
    return nd_fake_reply_fail (msg, NOT_FOUND);
  role = json_object_get_int_member_with_default (body, "role", 0);
  if (quota_api && role != 0 && role != u.role)
    return nd_fake_reply_fail (msg, INVALID);
  if (!can_manage (caller, u.role))
    return nd_fake_reply_fail (msg, HIGHER);

  group = json_object_get_string_member_with_default (body, "group", "");
  auth_changed = *password != '\0' || g_strcmp0 (group, u.group) != 0;
  id_text = nd_fake_int_text (id);
  /* The old edit writes the quota from the body: absent is 0. */
  quota = nd_fake_int_text (json_object_get_int_member_with_default (body, "quota", 0));
  if (*password)
    ensure_pgcrypto (self);
  PQclear (nd_fake_sql (self, "BEGIN", 0, NULL));
  {
    const char *display = json_object_get_string_member_with_default (body, "display_name", "");
    const char *remark = json_object_get_string_member_with_default (body, "remark", "");
    const char *new_params[6] = { id_text, username, display, group, *password ? password : NULL,
                                  remark };
    const char *old_params[6] = { id_text, username, display, group, *password ? password : NULL,
                                  quota };
    g_autofree char *sql = g_strdup_printf (
      "UPDATE users SET username = $2, display_name = $3, \"group\" = $4, %s%s "
      "WHERE id = $1::bigint AND ($5::text IS NULL OR TRUE)",
      quota_api ? "remark = $6" : "quota = $6::bigint",
      *password ? ", password = crypt ($5, gen_salt ('bf', 10))" : "");
    PGresult *res;

    res = nd_fake_try_sql (self, sql, 6, quota_api ? new_params : old_params, &refusal);

    if (res == NULL)
      return nd_fake_rollback_fail (self, msg, refusal);
    PQclear (res);
  }
  if (auth_changed)
    bump_auth (self, id, "admin_user_update");
  PQclear (nd_fake_sql (self, "COMMIT", 0, NULL));
  if (!quota_api && g_ascii_strtoll (quota, NULL, 10) != u.quota)
    {
      g_autofree char *from = log_quota (self, u.quota);
      g_autofree char *to = log_quota (self, g_ascii_strtoll (quota, NULL, 10));
      g_autofree char *content = g_strdup_printf ("管理员将用户额度从 %s修改为 %s", from, to);

      record_log (self, id, 3, content);
    }
  {
    JsonBuilder *b = nd_fake_object_begin ();
    g_autofree char *content = g_strdup_printf ("Updated user %s (ID: %" G_GINT64_FORMAT ")",
                                                u.username, id);

    nd_fake_member_str (b, "username", u.username);
    nd_fake_member_int (b, "id", id);
    audit (self, caller, id, "user.update", b, content);
  }
  nd_fake_reply_envelope (msg, 200, TRUE, NULL, "", NULL);
}

/* ---- POST /api/user/manage ------------------------------------------------ */

static void
manage_quota (NdFakeNewapi *self, SoupServerMessage *msg, Caller *caller, const FakeUser *u,
              JsonObject *body)
{
  const char *mode = json_object_get_string_member_with_default (body, "mode", "");
  gint64 value = json_object_get_int_member_with_default (body, "value", 0);
  g_autofree char *id_text = nd_fake_int_text (u->id);
  g_autofree char *value_text = nd_fake_int_text (value);
  const char *params[2] = { id_text, value_text };
  JsonBuilder *b;
  g_autofree char *content = NULL;

  if (!g_str_equal (mode, "add") && !g_str_equal (mode, "subtract") &&
      !g_str_equal (mode, "override"))
    return nd_fake_reply_fail (msg, INVALID);
  if (!g_str_equal (mode, "override") && value <= 0)
    return nd_fake_reply_fail (msg, "额度变更值必须大于 0");
  b = nd_fake_object_begin ();
  if (g_str_equal (mode, "override"))
    {
      g_autofree char *from = log_quota (self, u->quota);
      g_autofree char *to = log_quota (self, value);

      PQclear (nd_fake_sql (self, "UPDATE users SET quota = $2::bigint WHERE id = $1::bigint", 2,
                            params));
      nd_fake_member_str (b, "from", from);
      nd_fake_member_str (b, "to", to);
      content = g_strdup_printf ("Overrode user quota from %s to %s", from, to);
    }
  else
    {
      gboolean add = g_str_equal (mode, "add");
      g_autofree char *amount = log_quota (self, value);

      /* Scoped updates: a deleted user's balance is left as it is. */
      PQclear (nd_fake_sql (self, add ? "UPDATE users SET quota = quota + $2::bigint WHERE "
                                        "id = $1::bigint AND deleted_at IS NULL"
                                      : "UPDATE users SET quota = quota - $2::bigint WHERE "
                                        "id = $1::bigint AND deleted_at IS NULL", 2, params));
      nd_fake_member_str (b, "quota", amount);
      content = g_strdup_printf ("%s user quota by %s", add ? "Increased" : "Decreased", amount);
    }
  audit (self, caller, u->id, g_str_equal (mode, "add") ? "user.quota_add"
                              : g_str_equal (mode, "subtract") ? "user.quota_subtract"
                              : "user.quota_override", b, content);
  nd_fake_reply_envelope (msg, 200, TRUE, NULL, "", NULL);
}

static void
route_manage (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  g_autoptr(JsonObject) body = nd_fake_body_object (msg);
  g_auto(FakeUser) u = { 0 };
  g_auto(FakeUser) scoped = { 0 };
  const char *action;
  g_autofree char *id_text = NULL;
  g_autofree char *value = NULL;
  const char *column = NULL;
  const char *reason = "user_security_changed";
  gint64 id = 0;
  int next;

  if (body == NULL)
    return;
  nd_fake_body_int (body, "id", &id);
  action = json_object_get_string_member_with_default (body, "action", "");
  if (!load_user (self, id, FALSE, &u))
    return nd_fake_reply_fail (msg, "用户不存在");
  if (!can_manage (caller, u.role))
    return nd_fake_reply_fail (msg, HIGHER);
  id_text = nd_fake_int_text (u.id);
  if (g_str_equal (action, "disable") || g_str_equal (action, "enable"))
    {
      if (g_str_equal (action, "disable") && u.role >= 100)
        return nd_fake_reply_fail (msg, "无法禁用超级管理员用户");
      column = "status";
      next = g_str_equal (action, "enable") ? 1 : 2;
    }
  else if (g_str_equal (action, "delete"))
    {
      const char *params[1] = { id_text };

      if (u.role >= 100)
        return nd_fake_reply_fail (msg, "无法删除超级管理员用户");
      PQclear (nd_fake_sql (self, "BEGIN", 0, NULL));
      PQclear (nd_fake_sql (self, "UPDATE users SET deleted_at = COALESCE (deleted_at, now ()) "
                                  "WHERE id = $1::bigint", 1, params));
      bump_auth (self, u.id, "user_deleted");
      PQclear (nd_fake_sql (self, "COMMIT", 0, NULL));
      audit_manage (self, caller, &u, action);
      return nd_fake_reply_envelope (msg, 200, TRUE, NULL, "", NULL);
    }
  else if (g_str_equal (action, "promote"))
    {
      if (caller->role < 100)
        return nd_fake_reply_fail (msg, "普通管理员用户无法提升其他用户为管理员");
      if (u.role >= 10)
        return nd_fake_reply_fail (msg, "该用户已经是管理员");
      column = "role";
      next = 10;
    }
  else if (g_str_equal (action, "demote"))
    {
      if (u.role >= 100)
        return nd_fake_reply_fail (msg, "无法降级超级管理员用户");
      if (u.role == 1)
        return nd_fake_reply_fail (msg, "该用户已经是普通用户");
      column = "role";
      next = 1;
      reason = "admin_demote";
    }
  else if (g_str_equal (action, "add_quota") && nd_fake_version_at_least (self, "v0.12.7"))
    return manage_quota (self, msg, caller, &u, body);
  else
    return nd_fake_reply_fail (msg, INVALID);

  /* user.Update reads the row again, scoped: a deleted user is not found. */
  if (!load_user (self, u.id, TRUE, &scoped))
    return nd_fake_reply_fail (msg, NOT_FOUND);
  value = nd_fake_int_text (next);
  if ((g_str_equal (column, "status") ? u.status : u.role) != next)
    {
      g_autofree char *sql = g_strdup_printf ("UPDATE users SET %s = $2::bigint "
                                              "WHERE id = $1::bigint", column);
      const char *params[2] = { id_text, value };

      PQclear (nd_fake_sql (self, "BEGIN", 0, NULL));
      PQclear (nd_fake_sql (self, sql, 2, params));
      bump_auth (self, u.id, reason);
      PQclear (nd_fake_sql (self, "COMMIT", 0, NULL));
    }
  audit_manage (self, caller, &u, action);
  {
    JsonBuilder *b = nd_fake_object_begin ();
    g_autoptr(JsonNode) data = NULL;

    nd_fake_member_int (b, "role", g_str_equal (column, "role") ? next : u.role);
    nd_fake_member_int (b, "status", g_str_equal (column, "status") ? next : u.status);
    data = nd_fake_object_end (b);
    nd_fake_reply_data (msg, data);
  }
}

void
nd_fake_routes_users (NdFakeNewapi *self)
{
  nd_fake_add_route (self, "GET", "/api/user/:id", 10, NULL, route_get);
  nd_fake_add_route (self, "POST", "/api/user/", 10, NULL, route_create);
  nd_fake_add_route (self, "PUT", "/api/user/", 10, NULL, route_update);
  nd_fake_add_route (self, "POST", "/api/user/manage", 10, NULL, route_manage);
}
