/* test-http-users.c — users over NewAPI's admin API, against the fake in
 * the NEW (rc.24) and OLD (v0.8) dialects: the endpoint each version takes
 * (add_quota from v0.12.7, an absolute quota in PUT before), what lands in
 * the database (balances, audit rows, auth_version, sessions), refusals
 * shown verbatim, and the reads a Users page makes
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <crypt.h>
#include <string.h>

#include "nd-http-wfx.h"

#define FUTURE G_GINT64_CONSTANT (4102444800)

static gboolean
is_new (WFx *fx)
{
  return fx->mode->mode == ND_FAKE_NEWAPI_NEW;
}

/* A live common user other than the callers. */
static gint64
pick_common (WFx *fx)
{
  return wfx_scalar (fx, "SELECT min(id) FROM users WHERE role = 1 AND status = 1 AND "
                         "deleted_at IS NULL");
}

static gint64
quota_of (WFx *fx, gint64 id)
{
  return wfx_scalar (fx, "SELECT quota FROM users WHERE id = %" G_GINT64_FORMAT, id);
}

static char *
log_quota (gint64 quota)
{
  return g_strdup_printf ("＄%.6f 额度", (double) quota / 500000.0);
}

static void
assert_says (const GError *error, const char *text)
{
  g_assert_nonnull (error);
  if (strstr (error->message, text) == NULL)
    g_error ("“%s” does not say “%s”", error->message, text);
}

static NdSource *
source_at_version (WFx *fx, const char *version)
{
  nd_fake_newapi_set_version (fx->fake, version);
  return wfx_source_as (fx, 100, FALSE, TRUE);
}

/* ---- quota ---------------------------------------------------------------- */

static void
test_quota (gconstpointer data)
{
  WFX (data, "quota");
  gint64 id = pick_common (&fx);
  gint64 start = quota_of (&fx, id);
  g_autofree char *display = wfx_text (&fx, "SELECT display_name || '|' || \"group\" FROM users "
                                            "WHERE id = %" G_GINT64_FORMAT, id);
  g_autoptr(GError) error = NULL;
  g_autoptr(NdWriteResult) add = NULL;
  g_autoptr(NdWriteResult) sub = NULL;
  g_autoptr(NdWriteResult) set = NULL;

  add = wfx_write (fx.source, nd_write_user_quota_new (id, ND_QUOTA_ADD, 250000, "refund"), &error);
  g_assert_no_error (error);
  g_assert_cmpint (quota_of (&fx, id), ==, start + 250000);
  /* NewAPI keeps no reason: the result says it was not sent. */
  g_assert_nonnull (strstr (add->notice, "reason"));
  sub = wfx_write (fx.source, nd_write_user_quota_new (id, ND_QUOTA_SUBTRACT, 100000, NULL), &error);
  g_assert_no_error (error);
  set = wfx_write (fx.source, nd_write_user_quota_new (id, ND_QUOTA_SET, 777, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpint (quota_of (&fx, id), ==, 777);
  {
    g_autofree char *after = wfx_text (&fx, "SELECT display_name || '|' || \"group\" FROM users "
                                            "WHERE id = %" G_GINT64_FORMAT, id);

    g_assert_cmpstr (after, ==, display);
  }

  if (is_new (&fx))
    {
      g_auto(WAudit) audit = { 0 };
      g_autofree char *want = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"action\":"
                                               "\"add_quota\",\"mode\":\"add\",\"value\":250000}",
                                               id);
      g_autofree char *from = log_quota (start + 150000);
      g_autofree char *to = log_quota (777);
      JsonObject *params;

      g_assert_cmpuint (wfx_calls (&fx, "POST /api/user/manage"), ==, 3);
      g_assert_cmpuint (wfx_calls (&fx, "PUT"), ==, 0);
      g_assert_cmpstr (g_ptr_array_index (nd_fake_newapi_get_bodies (fx.fake), 0), ==, want);
      g_assert_null (sub->notice);
      g_assert_true (wfx_last_audit (&fx, &audit));
      params = wfx_audit_params (&fx, &audit, "user.quota_override");
      g_assert_cmpstr (json_object_get_string_member (params, "from"), ==, from);
      g_assert_cmpstr (json_object_get_string_member (params, "to"), ==, to);
      g_assert_cmpint (json_object_get_int_member (params, "target_user_id"), ==, id);
    }
  else
    {
      g_autofree char *content = NULL;

      /* v0.8: read the user, PUT it back with the new absolute balance. */
      g_assert_cmpuint (wfx_calls (&fx, "POST /api/user/manage"), ==, 0);
      g_assert_cmpuint (wfx_calls (&fx, "PUT /api/user/"), ==, 3);
      g_assert_nonnull (strstr (sub->notice, "v0.12.7"));
      g_assert_nonnull (strstr (wfx_body (&fx, "PUT /api/user/"), "\"quota\":777"));
      content = wfx_text (&fx, "SELECT content FROM logs WHERE type = 3 AND user_id = %"
                               G_GINT64_FORMAT " ORDER BY id DESC LIMIT 1", id);
      {
        g_autofree char *from = log_quota (start + 150000);
        g_autofree char *to = log_quota (777);
        g_autofree char *want = g_strdup_printf ("管理员将用户额度从 %s修改为 %s", from, to);

        g_assert_cmpstr (content, ==, want);
      }
    }
}

/* The version the server reports picks the endpoint: add_quota from
 * v0.12.7, PUT with an absolute quota before. */
static void
test_quota_by_version (gconstpointer data)
{
  WFX (data, "quota_version");
  gint64 id = pick_common (&fx);
  const char *versions[] = { "v0.12.6", "v0.12.7" };

  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_autoptr(NdSource) source = source_at_version (&fx, versions[i]);
      g_autoptr(NdWriteResult) r = NULL;
      g_autoptr(GError) error = NULL;
      gint64 before = quota_of (&fx, id);

      nd_fake_newapi_reset_log (fx.fake);
      r = wfx_write (source, nd_write_user_quota_new (id, ND_QUOTA_ADD, 1000, NULL), &error);
      g_assert_no_error (error);
      g_assert_cmpint (quota_of (&fx, id), ==, before + 1000);
      g_assert_cmpuint (wfx_calls (&fx, "POST /api/user/manage"), ==, i);
      g_assert_cmpuint (wfx_calls (&fx, "PUT /api/user/"), ==, 1 - i);
      nd_source_close (source);
    }
}

/* ---- status, delete, restore ------------------------------------------------ */

static void
add_session (WFx *fx, gint64 id)
{
  g_autofree char *sql = NULL;

  if (!is_new (fx))
    return;
  sql = g_strdup_printf ("INSERT INTO user_sessions (sid, user_id, version, user_auth_version, "
                         "status, refresh_hash, created_at, last_active_at, expires_at, "
                         "revoked_at, revoked_reason) VALUES ('s-%1$" G_GINT64_FORMAT "', %1$"
                         G_GINT64_FORMAT ", 1, 1, 'active', '', 1, 1, %2$" G_GINT64_FORMAT ", 0, "
                         "'') ON CONFLICT (sid) DO UPDATE SET status = 'active', revoked_at = 0",
                         id, FUTURE);
  nd_test_pg_exec (fx->pg, fx->db, sql);
}

static void
assert_session (WFx *fx, gint64 id, const char *reason)
{
  g_autofree char *got = NULL;

  if (!is_new (fx))
    return;
  got = wfx_text (fx, "SELECT CASE WHEN status = 'revoked' THEN revoked_reason ELSE '' END "
                      "FROM user_sessions WHERE sid = 's-%" G_GINT64_FORMAT "'", id);
  g_assert_cmpstr (got, ==, reason);
}

static gint64
auth_version (WFx *fx, gint64 id)
{
  return is_new (fx) ? wfx_scalar (fx, "SELECT auth_version FROM users WHERE id = %"
                                       G_GINT64_FORMAT, id) : 0;
}

static void
test_status_delete (gconstpointer data)
{
  WFX (data, "status");
  gint64 ids[2] = { 0, 0 };
  gint64 v0;
  g_autoptr(GError) error = NULL;

  ids[0] = pick_common (&fx);
  ids[1] = wfx_scalar (&fx, "SELECT min(id) FROM users WHERE role = 1 AND status = 1 AND "
                            "deleted_at IS NULL AND id > %" G_GINT64_FORMAT, ids[0]);
  v0 = auth_version (&fx, ids[0]);
  add_session (&fx, ids[0]);
  {
    g_autoptr(NdWriteResult) r = wfx_write (fx.source, nd_write_user_status_new (ids, 2, 2), &error);

    g_assert_no_error (error);
    g_assert_cmpint (r->changed, ==, 2);
  }
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count(*) FROM users WHERE status = 2 AND id IN (%"
                                    G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")", ids[0], ids[1]),
                   ==, 2);
  g_assert_cmpuint (wfx_calls (&fx, "POST /api/user/manage"), ==, 2);
  if (is_new (&fx))
    {
      g_auto(WAudit) audit = { 0 };
      JsonObject *params;

      g_assert_cmpint (auth_version (&fx, ids[0]), ==, v0 + 1);
      assert_session (&fx, ids[0], "user_security_changed");
      g_assert_true (wfx_last_audit (&fx, &audit));
      params = wfx_audit_params (&fx, &audit, "user.manage");
      g_assert_cmpstr (json_object_get_string_member (params, "action"), ==, "disable");
      g_assert_cmpint (json_object_get_int_member (params, "id"), ==, ids[1]);
    }
  add_session (&fx, ids[0]);
  {
    g_autoptr(NdWriteResult) r = wfx_write (fx.source, nd_write_user_delete_new (ids, 1), &error);

    g_assert_no_error (error);
  }
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count(*) FROM users WHERE deleted_at IS NOT NULL AND "
                                    "id = %" G_GINT64_FORMAT, ids[0]), ==, 1);
  if (is_new (&fx))
    g_assert_cmpint (auth_version (&fx, ids[0]), ==, v0 + 2);
  assert_session (&fx, ids[0], "user_deleted");

  /* No endpoint restores a user: refused before any request. */
  nd_fake_newapi_reset_log (fx.fake);
  {
    g_autoptr(NdWriteResult) r = wfx_write (fx.source, nd_write_user_restore_new (ids, 1), &error);

    g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
    assert_says (error, "database");
    g_assert_cmpuint (nd_fake_newapi_get_calls (fx.fake)->len, ==, 0);
  }
}

/* Refusals come back verbatim and change nothing. */
static void
test_refusals (gconstpointer data)
{
  WFX (data, "refusals");
  g_autoptr(NdSource) as_admin = wfx_source_as (&fx, 10, FALSE, TRUE);
  gint64 root = fx.root_id;
  gint64 common = pick_common (&fx);
  gint64 other_admin = wfx_scalar (&fx, "SELECT max(id) FROM users WHERE role = 10 AND "
                                        "deleted_at IS NULL");
  gint64 audits = wfx_n_audits (&fx);
  NdUserEdit *promote = nd_user_edit_new ();
  NdUserEdit *demote_root = nd_user_edit_new ();
  struct { NdSource *source; NdWrite *write; const char *says; } cases[] = {
    { fx.source, nd_write_user_status_new (&root, 1, 2), "无法禁用超级管理员用户" },
    { fx.source, nd_write_user_delete_new (&root, 1), "无法删除超级管理员用户" },
    { as_admin, nd_write_user_status_new (&other_admin, 1, 2),
      "无权更新同权限等级或更高权限等级的用户信息" },
    { as_admin, nd_write_user_update_new (common, promote), "普通管理员用户无法提升其他用户为管理员" },
    { fx.source, nd_write_user_update_new (root, demote_root), "无法降级超级管理员用户" },
  };

  promote->mask = ND_USER_FIELD_ROLE;
  promote->role = 10;
  demote_root->mask = ND_USER_FIELD_ROLE;
  demote_root->role = 1;
  g_assert_cmpint (other_admin, !=, nd_fake_newapi_find_user (fx.fake, 10));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NdWriteResult) r = wfx_write (cases[i].source, cases[i].write, &error);

      g_assert_null (r);
      assert_says (error, cases[i].says);
    }
  g_assert_cmpint (wfx_scalar (&fx, "SELECT status * 1000 + role FROM users WHERE id = %"
                                    G_GINT64_FORMAT, root), ==, 1100);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT role FROM users WHERE id = %" G_GINT64_FORMAT, common),
                   ==, 1);
  g_assert_cmpint (wfx_n_audits (&fx), ==, audits);
  nd_source_close (as_admin);
}

/* ---- create and edit ------------------------------------------------------- */

static void
test_create (gconstpointer data)
{
  WFX (data, "create");
  NdUserEdit *e = nd_user_edit_new ();
  g_autoptr(NdWriteResult) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *gift = NULL;
  g_autofree char *want_gift = NULL;
  g_autofree char *amount = log_quota (100000);
  struct crypt_data cd = { 0 };

  e->mask = ND_USER_FIELD_DISPLAY_NAME;
  e->username = g_strdup ("api_newbie");
  e->password = g_strdup ("s3cret-\"pass\\");
  e->display_name = g_strdup ("新人");
  r = wfx_write (fx.source, nd_write_user_create_new (e), &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->new_id, ==, wfx_scalar (&fx, "SELECT id FROM users WHERE username = "
                                                   "'api_newbie'"));
  hash = wfx_text (&fx, "SELECT password FROM users WHERE id = %" G_GINT64_FORMAT, r->new_id);
  g_assert_nonnull (crypt_rn ("s3cret-\"pass\\", hash, &cd, sizeof cd));
  g_assert_cmpstr (cd.output, ==, hash);
  g_assert_cmpint (quota_of (&fx, r->new_id), ==, 100000);
  gift = wfx_text (&fx, "SELECT content FROM logs WHERE type = 4 AND user_id = %" G_GINT64_FORMAT,
                   r->new_id);
  want_gift = g_strdup_printf ("新用户注册赠送 %s", amount);
  g_assert_cmpstr (gift, ==, want_gift);
  /* The password went in the body, never in a URL. */
  for (guint i = 0; i < nd_fake_newapi_get_requests (fx.fake)->len; i++)
    g_assert_null (strstr (g_ptr_array_index (nd_fake_newapi_get_requests (fx.fake), i), "s3cret"));
  if (is_new (&fx))
    {
      g_auto(WAudit) audit = { 0 };

      g_assert_true (wfx_last_audit (&fx, &audit));
      g_assert_cmpstr (audit.content, ==, "Created user api_newbie (role 1)");
      g_assert_cmpint (json_object_get_int_member (wfx_audit_params (&fx, &audit, "user.create"),
                                                   "target_user_id"), ==, r->new_id);
    }

  /* A taken name: the server's refusal, verbatim. */
  {
    NdUserEdit *dup = nd_user_edit_new ();
    g_autoptr(NdWriteResult) again = NULL;
    g_autoptr(GError) e2 = NULL;

    dup->username = g_strdup ("api_newbie");
    dup->password = g_strdup ("long enough");
    again = wfx_write (fx.source, nd_write_user_create_new (dup), &e2);
    assert_says (e2, "users_username_key");
  }
}

static void
test_update (gconstpointer data)
{
  WFX (data, "update");
  gint64 id = pick_common (&fx);
  gint64 v0 = auth_version (&fx, id);
  gint64 quota = quota_of (&fx, id);
  g_autofree char *group = wfx_text (&fx, "SELECT \"group\" FROM users WHERE id = %"
                                          G_GINT64_FORMAT, id);
  const char *other = g_str_equal (group, "vip") ? "svip" : "vip";
  g_autoptr(GError) error = NULL;

  add_session (&fx, id);
  {
    NdUserEdit *e = nd_user_edit_new ();
    g_autoptr(NdWriteResult) r = NULL;
    g_autofree char *row = NULL;

    e->mask = ND_USER_FIELD_DISPLAY_NAME;
    e->display_name = g_strdup ("改名了");
    r = wfx_write (fx.source, nd_write_user_update_new (id, e), &error);
    g_assert_no_error (error);
    row = wfx_text (&fx, "SELECT display_name || '|' || \"group\" FROM users WHERE id = %"
                         G_GINT64_FORMAT, id);
    {
      g_autofree char *want = g_strdup_printf ("改名了|%s", group);

      g_assert_cmpstr (row, ==, want);
    }
    /* The balance is untouched (sent back as read on old servers). */
    g_assert_cmpint (quota_of (&fx, id), ==, quota);
    g_assert_cmpint (auth_version (&fx, id), ==, v0);
    assert_session (&fx, id, "");
    if (is_new (&fx))
      {
        g_assert_null (strstr (wfx_body (&fx, "PUT /api/user/"), "quota"));
        g_assert_null (r->notice);
      }
    else
      g_assert_nonnull (strstr (r->notice, "v0.12.7"));
  }
  /* An unknown group is refused before anything is written. */
  nd_fake_newapi_reset_log (fx.fake);
  {
    NdUserEdit *e = nd_user_edit_new ();
    g_autoptr(NdWriteResult) r = NULL;

    e->mask = ND_USER_FIELD_GROUP;
    e->group = g_strdup ("platinum");
    r = wfx_write (fx.source, nd_write_user_update_new (id, e), &error);
    g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
    g_clear_error (&error);
    g_assert_cmpuint (wfx_calls (&fx, "PUT"), ==, 0);
  }
  {
    NdUserEdit *e = nd_user_edit_new ();
    g_autoptr(NdWriteResult) r = NULL;
    g_autofree char *now = NULL;

    e->mask = ND_USER_FIELD_GROUP | ND_USER_FIELD_PASSWORD | ND_USER_FIELD_ROLE;
    e->group = g_strdup (other);
    e->password = g_strdup ("n3w-passw0rd");
    e->role = 10;
    r = wfx_write (fx.source, nd_write_user_update_new (id, e), &error);
    g_assert_no_error (error);
    now = wfx_text (&fx, "SELECT \"group\" || '|' || role FROM users WHERE id = %"
                         G_GINT64_FORMAT, id);
    {
      g_autofree char *want = g_strdup_printf ("%s|10", other);

      g_assert_cmpstr (now, ==, want);
    }
    g_assert_cmpuint (wfx_calls (&fx, "POST /api/user/manage"), ==, 1);
    g_assert_nonnull (strstr (wfx_body (&fx, "POST /api/user/manage"), "\"promote\""));
    /* The edit and the promotion each move it once. */
    if (is_new (&fx))
      g_assert_cmpint (auth_version (&fx, id), ==, v0 + 2);
    assert_session (&fx, id, "admin_user_update");
  }
}

/* ---- reads ----------------------------------------------------------------- */

static NdUser *
get_user (NdSource *source, gint64 id, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_get_user_async (source, id, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_get_user_finish (source, res, error);
}

static void
test_reads (gconstpointer data)
{
  WFX (data, "reads");
  gint64 bound = wfx_scalar (&fx, "SELECT min(id) FROM users WHERE github_id <> '' AND "
                                  "deleted_at IS NULL AND role = 1");
  gint64 deleted = wfx_scalar (&fx, "SELECT min(id) FROM users WHERE deleted_at IS NOT NULL AND "
                                    "role = 1");
  g_autoptr(GError) error = NULL;
  g_autoptr(NdUser) u = get_user (fx.source, bound, &error);
  g_autoptr(NdUser) gone = NULL;
  g_autoptr(NdUser) none = NULL;

  g_assert_no_error (error);
  g_assert_true (u->bindings & ND_USER_BINDING_GITHUB);
  g_assert_cmpint (u->quota, ==, quota_of (&fx, bound));
  /* NewAPI's read skips deleted users; the search finds them. */
  gone = get_user (fx.source, deleted, &error);
  g_assert_no_error (error);
  g_assert_true (gone->deleted);
  g_assert_cmpint (gone->deleted_at, ==, wfx_scalar (&fx, "SELECT extract (epoch FROM deleted_at)"
                                                          "::bigint FROM users WHERE id = %"
                                                          G_GINT64_FORMAT, deleted));
  none = get_user (fx.source, 987654321, &error);
  g_assert_null (none);
  g_assert_error (error, ND_ERROR, ND_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Filters as NewAPI's search takes them; what it cannot do is refused. */
  {
    NdListQuery q = { .limit = 100, .group = (char *) "vip", .role = 1 };
    g_autoptr(NdListPage) page = list (fx.source, nd_source_list_users_async, &q, &error);

    g_assert_no_error (error);
    g_assert_cmpint (page->total, ==, wfx_scalar (&fx, "SELECT count(*) FROM users WHERE "
                                                       "\"group\" = 'vip' AND role = 1"));
  }
  {
    NdListQuery q = { .limit = 100, .deleted = ND_LIST_DELETED_ONLY };
    g_autoptr(NdListPage) page = list (fx.source, nd_source_list_users_async, &q, &error);

    g_assert_no_error (error);
    g_assert_cmpint (page->total, ==, wfx_scalar (&fx, "SELECT count(*) FROM users WHERE "
                                                       "deleted_at IS NOT NULL"));
    for (guint i = 0; i < page->items->len; i++)
      g_assert_true (((NdUser *) g_ptr_array_index (page->items, i))->deleted);
  }
  {
    NdListQuery q = { .limit = 10, .sort_by = (char *) "used_quota" };
    NdListQuery q2 = { .limit = 10, .deleted = ND_LIST_DELETED_EXCLUDE };
    g_autoptr(NdListPage) p1 = list (fx.source, nd_source_list_users_async, &q, &error);
    g_autoptr(GError) e2 = NULL;
    g_autoptr(NdListPage) p2 = list (fx.source, nd_source_list_users_async, &q2, &e2);

    g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
    g_assert_error (e2, ND_ERROR, ND_ERROR_UNSUPPORTED);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  nd_http_fx_add ("users/quota", test_quota);
  g_test_add_data_func ("/http/new/users/quota-by-version", &mode_new, test_quota_by_version);
  nd_http_fx_add ("users/status-delete", test_status_delete);
  nd_http_fx_add ("users/refusals", test_refusals);
  nd_http_fx_add ("users/create", test_create);
  nd_http_fx_add ("users/update", test_update);
  nd_http_fx_add ("users/reads", test_reads);
  return g_test_run ();
}
