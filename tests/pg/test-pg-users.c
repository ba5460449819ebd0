/* test-pg-users.c — user writes over PostgreSQL on both schema variants:
 * relative quota under concurrent charges, audit rows, auth_version and
 * sessions exactly when NewAPI moves them, bcrypt hashes, refusals that
 * write nothing
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <crypt.h>
#include <string.h>

#include "nd-pg-wfx.h"

static const Variant variant_new = { "new", "users_new" };
static const Variant variant_old = { "old", "users_old" };

#define FUTURE G_GINT64_CONSTANT (4102444800) /* 2100-01-01: sessions still valid */

/* Three sessions of @id: one usable (a write must revoke it), one already
 * revoked and one expired (both left alone, as NewAPI leaves them). */
static void
add_sessions (Fx *fx, gint64 id)
{
  g_autofree char *sql = NULL;

  if (!is_new (fx))
    return;
  sql = g_strdup_printf (
    "INSERT INTO user_sessions (sid, user_id, version, user_auth_version, status, refresh_hash, "
    "login_method, created_at, last_active_at, expires_at, revoked_at, revoked_reason) VALUES "
    "('live-%1$" G_GINT64_FORMAT "', %1$" G_GINT64_FORMAT ", 1, 1, 'active', '', 'password', 1, 1, "
    "%2$" G_GINT64_FORMAT ", 0, ''), "
    "('gone-%1$" G_GINT64_FORMAT "', %1$" G_GINT64_FORMAT ", 1, 1, 'revoked', '', 'password', 1, 1, "
    "%2$" G_GINT64_FORMAT ", 5, 'logout'), "
    "('old-%1$" G_GINT64_FORMAT "', %1$" G_GINT64_FORMAT ", 1, 1, 'active', '', 'password', 1, 1, "
    "10, 0, '') ON CONFLICT (sid) DO UPDATE SET status = EXCLUDED.status, "
    "revoked_at = EXCLUDED.revoked_at, revoked_reason = EXCLUDED.revoked_reason",
    id, FUTURE);
  nd_test_pg_exec (fx->pg, fx->db, sql);
}

/* The live session's reason, "" while it is still active; the other two
 * must never change. */
static char *
session_reason (Fx *fx, gint64 id)
{
  g_assert_cmpint (scalar (fx, "SELECT count(*) FROM user_sessions WHERE user_id = %"
                               G_GINT64_FORMAT " AND ((sid LIKE 'gone-%%' AND revoked_reason = "
                               "'logout' AND revoked_at = 5) OR (sid LIKE 'old-%%' AND "
                               "status = 'active'))", id), ==, 2);
  return text (fx, "SELECT CASE WHEN status = 'revoked' AND revoked_at > 0 THEN revoked_reason "
                   "ELSE '' END FROM user_sessions WHERE sid = 'live-%" G_GINT64_FORMAT "'", id);
}

static void
assert_revoked (Fx *fx, gint64 id, const char *reason)
{
  g_autofree char *got = NULL;

  if (!is_new (fx))
    return;
  got = session_reason (fx, id);
  g_assert_cmpstr (got, ==, reason);
}

/* ---- quota ----------------------------------------------------------------- */

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the source's worker run into a lock for a moment. */
static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static PGconn *
raw_conn (Fx *fx)
{
  PGconn *c = PQconnectdb (fx->dsn);

  g_assert_cmpint (PQstatus (c), ==, CONNECTION_OK);
  return c;
}

static void
raw_exec (PGconn *c, const char *sql)
{
  PGresult *res = PQexec (c, sql);

  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQerrorMessage (c));
  PQclear (res);
}

/* NewAPI charges a request while the admin adds quota: the charge holds
 * the row when the add reads. A read-modify-write would read the balance
 * before the charge and write it back after, losing the charge; a set
 * reads under the lock and so reports the charged balance as "from". */
static void
test_quota_under_charge (gconstpointer data)
{
  FX (data, "quota_lock");
  gint64 id = pick_user (&fx, 1, 1);
  gint64 start;
  g_autofree char *charge = NULL;
  PGconn *newapi = raw_conn (&fx);

  start = quota_of (&fx, id);
  charge = g_strdup_printf ("UPDATE users SET quota = quota - 7 WHERE id = %" G_GINT64_FORMAT, id);
  for (guint round = 0; round < 2; round++)
    {
      gboolean set = round == 1;
      g_autoptr(GAsyncResult) res = NULL;
      g_autoptr(NdWriteResult) result = NULL;
      g_autoptr(NdWrite) w = nd_write_user_quota_new (id, set ? ND_QUOTA_SET : ND_QUOTA_ADD,
                                                      set ? 5000 : 100, "top-up");
      g_autoptr(GError) error = NULL;
      gint64 before = quota_of (&fx, id);

      raw_exec (newapi, "BEGIN");
      raw_exec (newapi, charge);
      nd_source_write_async (fx.source, w, NULL, nd_test_store_result, &res);
      spin (400);
      g_assert_null (res);        /* waiting for the charge's lock */
      raw_exec (newapi, "COMMIT");
      nd_test_wait (&res);
      result = nd_source_write_finish (fx.source, res, &error);
      g_assert_no_error (error);
      if (!set)
        g_assert_cmpint (quota_of (&fx, id), ==, before - 7 + 100);
      else
        {
          g_auto(Audit) audit = { 0 };
          g_autofree char *from = log_quota (before - 7);
          g_autofree char *to = log_quota (5000);
          JsonObject *params;

          g_assert_cmpint (quota_of (&fx, id), ==, 5000);
          g_assert_true (last_audit (fx.pg, fx.db, &audit));
          params = audit_params (&audit, "user.quota_override");
          g_assert_cmpstr (json_object_get_string_member (params, "from"), ==, from);
          g_assert_cmpstr (json_object_get_string_member (params, "to"), ==, to);
        }
    }
  g_assert_cmpint (start, >, 0);
  PQfinish (newapi);
}

typedef struct {
  char *dsn;
  gint64 id;
  guint n;
  gint64 each;
} Charges;

/* NewAPI's consume path: relative decrements in autocommit, one after
 * another, on their own connection. */
static gpointer
charge_thread (gpointer data)
{
  Charges *c = data;
  PGconn *pg = PQconnectdb (c->dsn);
  g_autofree char *sql = g_strdup_printf ("UPDATE users SET quota = quota - %" G_GINT64_FORMAT
                                          " WHERE id = %" G_GINT64_FORMAT, c->each, c->id);

  g_assert_cmpint (PQstatus (pg), ==, CONNECTION_OK);
  for (guint i = 0; i < c->n; i++)
    {
      raw_exec (pg, sql);
      g_usleep (2000);
    }
  PQfinish (pg);
  return NULL;
}

/* 20 adds from four connections race 60 NewAPI-style charges: the balance
 * ends exactly where the sum of both says, and every add is audited. */
static void
test_quota_race (gconstpointer data)
{
  FX (data, "quota_race");
  gint64 id = pick_user (&fx, 1, 1);
  gint64 start = quota_of (&fx, id);
  gint64 audits = n_audits (&fx);
  NdSource *sources[4];
  GAsyncResult *results[20] = { NULL };
  gint64 added = 0;
  Charges charges = { fx.dsn, id, 60, 13 };
  GThread *thread;

  for (guint s = 0; s < G_N_ELEMENTS (sources); s++)
    sources[s] = open_source (fx.dsn, NULL, FALSE, 0);
  thread = g_thread_new ("charges", charge_thread, &charges);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(NdWrite) w = nd_write_user_quota_new (id, ND_QUOTA_ADD, 1000 + i, NULL);

      nd_source_write_async (sources[i % 4], w, NULL, nd_test_store_result, &results[i]);
      added += 1000 + i;
    }
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(NdWriteResult) result = NULL;
      g_autoptr(GError) error = NULL;

      nd_test_wait (&results[i]);
      result = nd_source_write_finish (sources[i % 4], results[i], &error);
      g_assert_no_error (error);
      g_clear_object (&results[i]);
    }
  g_thread_join (thread);
  g_assert_cmpint (quota_of (&fx, id), ==, start + added - 60 * 13);
  g_assert_cmpint (n_audits (&fx), ==, audits + 20);
  for (guint s = 0; s < G_N_ELEMENTS (sources); s++)
    {
      nd_source_close (sources[s]);
      g_object_unref (sources[s]);
    }
}

static void
test_quota_audit (gconstpointer data)
{
  FX (data, "quota_audit");
  gint64 id = pick_user (&fx, 1, 1);
  gint64 start = quota_of (&fx, id);
  gint64 root = scalar (&fx, "SELECT min(id) FROM users WHERE role = 100");
  struct { NdQuotaMode mode; gint64 amount; const char *reason; const char *action; } cases[] = {
    { ND_QUOTA_ADD, 250000, "refund for outage", "user.quota_add" },
    { ND_QUOTA_SUBTRACT, 100000, NULL, "user.quota_subtract" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(NdWriteResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(Audit) audit = { 0 };
      g_autofree char *amount = log_quota (cases[i].amount);
      g_autofree char *content = g_strdup_printf ("%s user quota by %s",
                                                  i == 0 ? "Increased" : "Decreased", amount);
      JsonObject *params;

      result = run (fx.source, nd_write_user_quota_new (id, cases[i].mode, cases[i].amount,
                                                        cases[i].reason), &error);
      g_assert_no_error (error);
      g_assert_true (last_audit (fx.pg, fx.db, &audit));
      g_assert_cmpint (audit.user_id, ==, root);
      g_assert_cmpstr (audit.content, ==, content);
      params = audit_params (&audit, cases[i].action);
      g_assert_cmpstr (json_object_get_string_member (params, "quota"), ==, amount);
      g_assert_cmpint (json_object_get_int_member (params, "target_user_id"), ==, id);
      if (cases[i].reason != NULL)
        g_assert_cmpstr (json_object_get_string_member (params, "reason"), ==, cases[i].reason);
      else
        g_assert_false (json_object_has_member (params, "reason"));
    }
  g_assert_cmpint (quota_of (&fx, id), ==, start + 150000);

  /* The operator's own balance: no target_user_id, as upstream. */
  {
    g_autoptr(NdWriteResult) result = run (fx.source, nd_write_user_quota_new (root, ND_QUOTA_SET,
                                                                               42, NULL), NULL);
    g_auto(Audit) audit = { 0 };

    g_assert_nonnull (result);
    g_assert_true (last_audit (fx.pg, fx.db, &audit));
    g_assert_false (json_object_has_member (audit_params (&audit, "user.quota_override"),
                                            "target_user_id"));
  }
  /* Refusals write nothing: a negative balance, a deleted user, a user at
   * the operator's own role. */
  {
    gint64 deleted = scalar (&fx, "SELECT min(id) FROM users WHERE deleted_at IS NOT NULL AND "
                                  "role = 1");
    gint64 admin = pick_user (&fx, 10, 1);
    gint64 other_admin = scalar (&fx, "SELECT max(id) FROM users WHERE role = 10 AND "
                                      "deleted_at IS NULL");
    g_autoptr(NdSource) as_admin = open_source (fx.dsn, NULL, FALSE, admin);
    gint64 audits = n_audits (&fx);
    gint64 before = quota_of (&fx, deleted);
    g_autoptr(GError) e1 = NULL;
    g_autoptr(GError) e2 = NULL;
    g_autoptr(GError) e3 = NULL;
    g_autoptr(NdWriteResult) r1 = run (fx.source, nd_write_user_quota_new (id, ND_QUOTA_SET, -1,
                                                                           NULL), &e1);
    g_autoptr(NdWriteResult) r2 = run (fx.source, nd_write_user_quota_new (deleted, ND_QUOTA_ADD,
                                                                           5, NULL), &e2);
    g_autoptr(NdWriteResult) r3 = run (as_admin, nd_write_user_quota_new (other_admin,
                                                                          ND_QUOTA_ADD, 5, NULL),
                                       &e3);

    g_assert_cmpint (admin, !=, other_admin);
    g_assert_error (e1, ND_ERROR, ND_ERROR_INVALID_INPUT);
    g_assert_error (e2, ND_ERROR, ND_ERROR_CONFLICT);
    g_assert_nonnull (strstr (e2->message, "restore"));
    g_assert_error (e3, ND_ERROR, ND_ERROR_PERMISSION);
    g_assert_cmpint (quota_of (&fx, id), ==, start + 150000);
    g_assert_cmpint (quota_of (&fx, deleted), ==, before);
    g_assert_cmpint (n_audits (&fx), ==, audits);
    nd_source_close (as_admin);
  }
}

/* ---- status, delete, restore ----------------------------------------------- */

static void
test_status (gconstpointer data)
{
  FX (data, "status");
  gint64 id = pick_user (&fx, 1, 1);
  gint64 v0 = auth_version (&fx, id);
  gint64 audits = n_audits (&fx);
  g_autoptr(GError) error = NULL;
  g_auto(Audit) audit = { 0 };
  JsonObject *params;

  add_sessions (&fx, id);
  {
    g_autoptr(NdWriteResult) r = run (fx.source, nd_write_user_status_new (&id, 1, 2), &error);

    g_assert_no_error (error);
    g_assert_cmpint (r->changed, ==, 1);
    if (is_new (&fx))
      g_assert_nonnull (strstr (r->notice, "Redis"));
  }
  g_assert_cmpint (scalar (&fx, "SELECT status FROM users WHERE id = %" G_GINT64_FORMAT, id), ==, 2);
  if (is_new (&fx))
    g_assert_cmpint (auth_version (&fx, id), ==, v0 + 1);
  assert_revoked (&fx, id, "user_security_changed");
  g_assert_true (last_audit (fx.pg, fx.db, &audit));
  params = audit_params (&audit, "user.manage");
  g_assert_cmpstr (json_object_get_string_member (params, "action"), ==, "disable");
  g_assert_cmpint (json_object_get_int_member (params, "id"), ==, id);
  g_assert_cmpint (json_object_get_int_member (params, "target_user_id"), ==, id);
  {
    g_autofree char *name = text (&fx, "SELECT username FROM users WHERE id = %" G_GINT64_FORMAT, id);
    g_autofree char *content = g_strdup_printf ("Performed disable on user %s (ID: %"
                                                G_GINT64_FORMAT ")", name, id);

    g_assert_cmpstr (json_object_get_string_member (params, "username"), ==, name);
    g_assert_cmpstr (audit.content, ==, content);
  }

  /* Disabling again changes nothing and moves nothing, but is audited. */
  {
    g_autoptr(NdWriteResult) r = run (fx.source, nd_write_user_status_new (&id, 1, 2), &error);

    g_assert_no_error (error);
    g_assert_cmpint (r->changed, ==, 0);
    if (is_new (&fx))
      g_assert_cmpint (auth_version (&fx, id), ==, v0 + 1);
    g_assert_cmpint (n_audits (&fx), ==, audits + 2);
  }
  add_sessions (&fx, id);
  {
    g_autoptr(NdWriteResult) r = run (fx.source, nd_write_user_status_new (&id, 1, 1), &error);

    g_assert_no_error (error);
    g_assert_cmpint (scalar (&fx, "SELECT status FROM users WHERE id = %" G_GINT64_FORMAT, id),
                     ==, 1);
    if (is_new (&fx))
      g_assert_cmpint (auth_version (&fx, id), ==, v0 + 2);
    assert_revoked (&fx, id, "user_security_changed");
  }

  /* Root is never disabled; a batch with root in it changes nobody. */
  {
    gint64 ids[2] = { id, 1 };
    g_autoptr(NdWriteResult) r = run (fx.source, nd_write_user_status_new (ids, 2, 2), &error);

    g_assert_error (error, ND_ERROR, ND_ERROR_PERMISSION);
    g_assert_nonnull (strstr (error->message, "root"));
    g_assert_cmpint (scalar (&fx, "SELECT status FROM users WHERE id = %" G_GINT64_FORMAT, id),
                     ==, 1);
    if (is_new (&fx))
      g_assert_cmpint (auth_version (&fx, id), ==, v0 + 2);
    g_assert_cmpint (n_audits (&fx), ==, audits + 3);
  }
}

static void
test_delete_restore (gconstpointer data)
{
  FX (data, "delete");
  gint64 id = pick_user (&fx, 1, 1);
  gint64 v0 = auth_version (&fx, id);
  g_autoptr(GError) error = NULL;
  g_auto(Audit) audit = { 0 };

  add_sessions (&fx, id);
  {
    g_autoptr(NdWriteResult) r = run (fx.source, nd_write_user_delete_new (&id, 1), &error);

    g_assert_no_error (error);
    g_assert_cmpint (r->changed, ==, 1);
  }
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM users WHERE deleted_at IS NOT NULL AND "
                                "id = %" G_GINT64_FORMAT, id), ==, 1);
  if (is_new (&fx))
    g_assert_cmpint (auth_version (&fx, id), ==, v0 + 1);
  assert_revoked (&fx, id, "user_deleted");
  g_assert_true (last_audit (fx.pg, fx.db, &audit));
  g_assert_cmpstr (json_object_get_string_member (audit_params (&audit, "user.manage"), "action"),
                   ==, "delete");

  /* A deleted user is not edited until restored. */
  {
    NdUserEdit *e = edit_new (ND_USER_FIELD_DISPLAY_NAME);
    g_autoptr(NdWriteResult) r = NULL;

    e->display_name = g_strdup ("ghost");
    r = run (fx.source, nd_write_user_update_new (id, e), &error);
    g_assert_error (error, ND_ERROR, ND_ERROR_CONFLICT);
    g_clear_error (&error);
  }
  {
    g_autoptr(NdWriteResult) r = run (fx.source, nd_write_user_restore_new (&id, 1), &error);
    g_auto(Audit) restored = { 0 };

    g_assert_no_error (error);
    g_assert_cmpint (r->changed, ==, 1);
    g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM users WHERE deleted_at IS NULL AND "
                                  "id = %" G_GINT64_FORMAT, id), ==, 1);
    /* Restoring signs nobody in or out. */
    if (is_new (&fx))
      g_assert_cmpint (auth_version (&fx, id), ==, v0 + 1);
    g_assert_true (last_audit (fx.pg, fx.db, &restored));
    g_assert_cmpstr (json_object_get_string_member (audit_params (&restored, "user.manage"),
                                                    "action"), ==, "restore");
  }
  /* Root is never deleted. */
  {
    gint64 root = 1;
    gint64 audits = n_audits (&fx);
    g_autoptr(NdWriteResult) r = run (fx.source, nd_write_user_delete_new (&root, 1), &error);

    g_assert_error (error, ND_ERROR, ND_ERROR_PERMISSION);
    g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM users WHERE deleted_at IS NULL AND "
                                  "id = 1"), ==, 1);
    g_assert_cmpint (n_audits (&fx), ==, audits);
  }
}

/* ---- edits and roles -------------------------------------------------------- */

static void
test_update (gconstpointer data)
{
  FX (data, "update");
  gint64 id = pick_user (&fx, 1, 1);
  gint64 v0 = auth_version (&fx, id);
  g_autofree char *name = text (&fx, "SELECT username FROM users WHERE id = %" G_GINT64_FORMAT, id);
  g_autofree char *group = text (&fx, "SELECT \"group\" FROM users WHERE id = %" G_GINT64_FORMAT, id);
  const char *other_group = g_str_equal (group, "vip") ? "svip" : "vip";
  g_autoptr(GError) error = NULL;

  /* A display name and a remark sign nobody out. */
  add_sessions (&fx, id);
  {
    NdUserEdit *e = edit_new (ND_USER_FIELD_DISPLAY_NAME | ND_USER_FIELD_REMARK);
    g_autoptr(NdWriteResult) r = NULL;
    g_auto(Audit) audit = { 0 };
    g_autofree char *content = g_strdup_printf ("Updated user %s (ID: %" G_GINT64_FORMAT ")",
                                                name, id);
    g_autofree char *remark = NULL;

    e->display_name = g_strdup ("小明");
    e->remark = g_strdup ("VIP since 2024");
    r = run (fx.source, nd_write_user_update_new (id, e), &error);
    g_assert_no_error (error);
    remark = text (&fx, "SELECT display_name || '|' || remark FROM users WHERE id = %"
                        G_GINT64_FORMAT, id);
    g_assert_cmpstr (remark, ==, "小明|VIP since 2024");
    if (is_new (&fx))
      g_assert_cmpint (auth_version (&fx, id), ==, v0);
    assert_revoked (&fx, id, "");
    g_assert_true (last_audit (fx.pg, fx.db, &audit));
    g_assert_cmpstr (audit.content, ==, content);
    g_assert_cmpstr (json_object_get_string_member (audit_params (&audit, "user.update"),
                                                    "username"), ==, name);
  }
  /* A group (a key of GroupRatio) does. */
  {
    NdUserEdit *e = edit_new (ND_USER_FIELD_GROUP);
    g_autoptr(NdWriteResult) r = NULL;
    g_autofree char *now = NULL;

    e->group = g_strdup (other_group);
    r = run (fx.source, nd_write_user_update_new (id, e), &error);
    g_assert_no_error (error);
    now = text (&fx, "SELECT \"group\" FROM users WHERE id = %" G_GINT64_FORMAT, id);
    g_assert_cmpstr (now, ==, other_group);
    if (is_new (&fx))
      g_assert_cmpint (auth_version (&fx, id), ==, v0 + 1);
    assert_revoked (&fx, id, "admin_user_update");
  }
  /* So does a password, hashed as NewAPI checks it. */
  add_sessions (&fx, id);
  {
    NdUserEdit *e = edit_new (ND_USER_FIELD_PASSWORD);
    g_autoptr(NdWriteResult) r = NULL;
    g_autofree char *hash = NULL;
    struct crypt_data cd = { 0 };

    e->password = g_strdup ("n3w-passw0rd");
    r = run (fx.source, nd_write_user_update_new (id, e), &error);
    g_assert_no_error (error);
    hash = text (&fx, "SELECT password FROM users WHERE id = %" G_GINT64_FORMAT, id);
    g_assert_true (g_str_has_prefix (hash, "$2a$10$"));
    g_assert_nonnull (crypt_rn ("n3w-passw0rd", hash, &cd, sizeof cd));
    g_assert_cmpstr (cd.output, ==, hash);
    if (is_new (&fx))
      g_assert_cmpint (auth_version (&fx, id), ==, v0 + 2);
    assert_revoked (&fx, id, "admin_user_update");
  }
  /* An unknown group is refused and nothing is written. */
  {
    NdUserEdit *e = edit_new (ND_USER_FIELD_GROUP | ND_USER_FIELD_DISPLAY_NAME);
    g_autoptr(NdWriteResult) r = NULL;
    gint64 audits = n_audits (&fx);
    g_autofree char *display = NULL;

    e->group = g_strdup ("platinum");
    e->display_name = g_strdup ("nope");
    r = run (fx.source, nd_write_user_update_new (id, e), &error);
    g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "platinum"));
    g_assert_nonnull (strstr (error->message, "vip"));
    display = text (&fx, "SELECT display_name FROM users WHERE id = %" G_GINT64_FORMAT, id);
    g_assert_cmpstr (display, ==, "小明");
    g_assert_cmpint (n_audits (&fx), ==, audits);
  }
}

static void
test_roles (gconstpointer data)
{
  FX (data, "roles");
  gint64 id = pick_user (&fx, 1, 1);
  gint64 admin = pick_user (&fx, 10, 1);
  gint64 v0 = auth_version (&fx, id);
  g_autoptr(NdSource) as_admin = open_source (fx.dsn, NULL, FALSE, admin);
  g_autoptr(GError) error = NULL;

  add_sessions (&fx, id);
  {
    NdUserEdit *e = edit_new (ND_USER_FIELD_ROLE);
    g_autoptr(NdWriteResult) r = NULL;
    g_auto(Audit) audit = { 0 };

    e->role = 10;
    r = run (fx.source, nd_write_user_update_new (id, e), &error);
    g_assert_no_error (error);
    g_assert_cmpint (scalar (&fx, "SELECT role FROM users WHERE id = %" G_GINT64_FORMAT, id), ==, 10);
    if (is_new (&fx))
      g_assert_cmpint (auth_version (&fx, id), ==, v0 + 1);
    assert_revoked (&fx, id, "user_security_changed");
    g_assert_true (last_audit (fx.pg, fx.db, &audit));
    g_assert_cmpstr (json_object_get_string_member (audit_params (&audit, "user.manage"),
                                                    "action"), ==, "promote");
  }
  /* An administrator manages only common users: not the new peer. */
  {
    gint64 audits = n_audits (&fx);
    NdUserEdit *e = edit_new (ND_USER_FIELD_ROLE);
    g_autoptr(NdWriteResult) r = NULL;

    e->role = 1;
    r = run (as_admin, nd_write_user_update_new (id, e), &error);
    g_assert_error (error, ND_ERROR, ND_ERROR_PERMISSION);
    g_clear_error (&error);
    g_assert_cmpint (scalar (&fx, "SELECT role FROM users WHERE id = %" G_GINT64_FORMAT, id), ==, 10);
    g_assert_cmpint (n_audits (&fx), ==, audits);
  }
  add_sessions (&fx, id);
  {
    NdUserEdit *e = edit_new (ND_USER_FIELD_ROLE);
    g_autoptr(NdWriteResult) r = NULL;
    g_auto(Audit) audit = { 0 };

    e->role = 1;
    r = run (fx.source, nd_write_user_update_new (id, e), &error);
    g_assert_no_error (error);
    g_assert_cmpint (scalar (&fx, "SELECT role FROM users WHERE id = %" G_GINT64_FORMAT, id), ==, 1);
    if (is_new (&fx))
      g_assert_cmpint (auth_version (&fx, id), ==, v0 + 2);
    assert_revoked (&fx, id, "admin_demote");
    g_assert_true (last_audit (fx.pg, fx.db, &audit));
    g_assert_cmpstr (json_object_get_string_member (audit_params (&audit, "user.manage"),
                                                    "action"), ==, "demote");
  }
  /* Only root promotes; root is never demoted. */
  {
    gint64 audits = n_audits (&fx);
    gint64 root = 1;
    NdUserEdit *up = edit_new (ND_USER_FIELD_ROLE);
    NdUserEdit *down = edit_new (ND_USER_FIELD_ROLE);
    g_autoptr(NdWriteResult) r1 = NULL;
    g_autoptr(NdWriteResult) r2 = NULL;
    g_autoptr(GError) e2 = NULL;

    up->role = 10;
    down->role = 1;
    r1 = run (as_admin, nd_write_user_update_new (id, up), &error);
    g_assert_error (error, ND_ERROR, ND_ERROR_PERMISSION);
    r2 = run (fx.source, nd_write_user_update_new (root, down), &e2);
    g_assert_error (e2, ND_ERROR, ND_ERROR_PERMISSION);
    g_assert_nonnull (strstr (e2->message, "root"));
    g_assert_cmpint (scalar (&fx, "SELECT role FROM users WHERE id = %" G_GINT64_FORMAT, id), ==, 1);
    g_assert_cmpint (scalar (&fx, "SELECT role FROM users WHERE id = 1"), ==, 100);
    g_assert_cmpint (n_audits (&fx), ==, audits);
  }
  nd_source_close (as_admin);
}

int
main (int argc, char **argv)
{
  static const struct { const char *name; GTestDataFunc func; } tests[] = {
    { "quota-under-charge", test_quota_under_charge },
    { "quota-race", test_quota_race },
    { "quota-audit", test_quota_audit },
    { "status", test_status },
    { "delete-restore", test_delete_restore },
    { "update", test_update },
    { "roles", test_roles },
  };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    {
      g_autofree char *n = g_strdup_printf ("/pg/users/new/%s", tests[i].name);
      g_autofree char *o = g_strdup_printf ("/pg/users/old/%s", tests[i].name);

      g_test_add_data_func (n, &variant_new, tests[i].func);
      g_test_add_data_func (o, &variant_old, tests[i].func);
    }
  return g_test_run ();
}
