/* test-pg-users-create.c — creating users over PostgreSQL on both schema
 * variants: bcrypt hashes that crypt verifies, unique aff codes, the gift
 * and audit rows (also into a separate log database), refusals that
 * create nothing
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <crypt.h>
#include <string.h>

#include "nd-pg-wfx.h"

static const Variant variant_new = { "new", "ucreate_new" };
static const Variant variant_old = { "old", "ucreate_old" };

static void
test_create (gconstpointer data)
{
  FX (data, "create");
  g_autoptr(GHashTable) codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 audits = n_audits (&fx);
  gint64 gifts = scalar (&fx, "SELECT count(*) FROM logs WHERE type = 4");

  for (guint i = 0; i < 12; i++)
    {
      NdUserEdit *e = edit_new (ND_USER_FIELD_DISPLAY_NAME);
      g_autoptr(NdWriteResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(PGresult) row = NULL;
      g_autofree char *sql = NULL;
      g_autofree char *gift = NULL;
      g_autofree char *want_gift = log_quota (100000);
      g_auto(Audit) audit = { 0 };
      JsonObject *params;
      struct crypt_data cd = { 0 };
      const char *hash, *aff;

      g_autofree char *name = g_strdup_printf ("newbie%u", i);

      /* NewAPI trims the name it is given. */
      e->username = g_strdup_printf (" %s ", name);
      e->password = g_strdup_printf ("secret-pass-%u", i);
      e->display_name = g_strdup (i % 2 ? "新同学" : "");
      result = run (fx.source, nd_write_user_create_new (e), &error);
      g_assert_no_error (error);
      g_assert_cmpint (result->changed, ==, 1);
      g_assert_cmpint (result->new_id, >, 0);

      sql = g_strdup_printf ("SELECT username, password, display_name, role, status, quota, "
                             "\"group\", aff_code, setting, created_at, email FROM users "
                             "WHERE id = %" G_GINT64_FORMAT, result->new_id);
      row = nd_test_pg_query (fx.pg, fx.db, sql);
      g_assert_cmpint (PQntuples (row), ==, 1);
      g_assert_cmpstr (PQgetvalue (row, 0, 0), ==, name);
      hash = PQgetvalue (row, 0, 1);
      /* The standard bcrypt check: crypt(password, setting = hash) == hash. */
      g_assert_true (g_str_has_prefix (hash, "$2a$10$"));
      {
        g_autofree char *password = g_strdup_printf ("secret-pass-%u", i);

        g_assert_nonnull (crypt_rn (password, hash, &cd, sizeof cd));
        g_assert_cmpstr (cd.output, ==, hash);
      }
      g_assert_cmpstr (PQgetvalue (row, 0, 2), ==, i % 2 ? "新同学" : PQgetvalue (row, 0, 0));
      g_assert_cmpstr (PQgetvalue (row, 0, 3), ==, "1");
      g_assert_cmpstr (PQgetvalue (row, 0, 4), ==, "1");
      g_assert_cmpstr (PQgetvalue (row, 0, 5), ==, "100000");
      g_assert_cmpstr (PQgetvalue (row, 0, 6), ==, "default");
      aff = PQgetvalue (row, 0, 7);
      g_assert_cmpuint (strlen (aff), ==, 4);
      g_assert_cmpuint (strspn (aff, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                        ==, 4);
      g_assert_true (g_hash_table_add (codes, g_strdup (aff)));
      g_assert_cmpstr (PQgetvalue (row, 0, 8), ==, "{\"gotify_priority\":0}");
      g_assert_cmpint (g_ascii_strtoll (PQgetvalue (row, 0, 9), NULL, 10), >=,
                       g_get_real_time () / G_USEC_PER_SEC - 120);
      g_assert_cmpstr (PQgetvalue (row, 0, 10), ==, "");
      if (is_new (&fx))
        g_assert_cmpint (auth_version (&fx, result->new_id), ==, 1);

      /* FinishInsert's gift, on the new user, then the audit row. */
      gift = text (&fx, "SELECT content FROM logs WHERE type = 4 AND user_id = %" G_GINT64_FORMAT,
                   result->new_id);
      {
        g_autofree char *want = g_strdup_printf ("新用户注册赠送 %s", want_gift);

        g_assert_cmpstr (gift, ==, want);
      }
      g_assert_true (last_audit (fx.pg, fx.db, &audit));
      params = audit_params (&audit, "user.create");
      g_assert_cmpint (json_object_get_int_member (params, "role"), ==, 1);
      g_assert_cmpint (json_object_get_int_member (params, "target_user_id"), ==, result->new_id);
      {
        g_autofree char *want = g_strdup_printf ("Created user %s (role 1)", name);

        g_assert_cmpstr (audit.content, ==, want);
        g_assert_cmpstr (json_object_get_string_member (params, "username"), ==, name);
      }
    }
  g_assert_cmpint (n_audits (&fx), ==, audits + 12);
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM logs WHERE type = 4"), ==, gifts + 12);
  g_assert_cmpint (scalar (&fx, "SELECT (count(DISTINCT aff_code) = count(aff_code))::int FROM users"),
                   ==, 1);

  /* Without a gift option nothing is given and no gift row written. */
  nd_test_pg_exec (fx.pg, fx.db, "DELETE FROM options WHERE key = 'QuotaForNewUser'");
  {
    NdUserEdit *e = edit_new (0);
    g_autoptr(NdWriteResult) result = NULL;
    g_autoptr(GError) error = NULL;

    e->username = g_strdup ("nogift");
    e->password = g_strdup ("long enough");
    result = run (fx.source, nd_write_user_create_new (e), &error);
    g_assert_no_error (error);
    g_assert_cmpint (scalar (&fx, "SELECT quota FROM users WHERE id = %" G_GINT64_FORMAT,
                             result->new_id), ==, 0);
    g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM logs WHERE type = 4 AND user_id = %"
                                  G_GINT64_FORMAT, result->new_id), ==, 0);
  }
}


static void
test_create_refused (gconstpointer data)
{
  FX (data, "create_refused");
  gint64 admin = pick_user (&fx, 10, 1);
  g_autoptr(NdSource) as_admin = open_source (fx.dsn, NULL, FALSE, admin);
  g_autofree char *deleted_name = text (&fx, "SELECT username FROM users WHERE deleted_at IS NOT "
                                             "NULL ORDER BY id LIMIT 1");
  gint64 users = scalar (&fx, "SELECT count(*) FROM users");
  gint64 audits = n_audits (&fx);
  struct { const char *name; int role; NdSource *source; int code; const char *says; } cases[] = {
    { "root", 1, fx.source, ND_ERROR_CONFLICT, "taken" },
    { deleted_name, 1, fx.source, ND_ERROR_CONFLICT, "deleted" },
    { "wannabe", 10, as_admin, ND_ERROR_PERMISSION, "below" },
    { "a-name-longer-than-twenty", 1, fx.source, ND_ERROR_INVALID_INPUT, "20" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      NdUserEdit *e = edit_new (ND_USER_FIELD_ROLE);
      g_autoptr(NdWriteResult) result = NULL;
      g_autoptr(GError) error = NULL;

      e->username = g_strdup (cases[i].name);
      e->password = g_strdup ("long enough");
      e->role = cases[i].role;
      result = run (cases[i].source, nd_write_user_create_new (e), &error);
      g_assert_error (error, ND_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("“%s” does not say “%s”", error->message, cases[i].says);
    }
  g_assert_cmpint (scalar (&fx, "SELECT count(*) FROM users"), ==, users);
  g_assert_cmpint (n_audits (&fx), ==, audits);

  /* Root may create an administrator. */
  {
    NdUserEdit *e = edit_new (ND_USER_FIELD_ROLE);
    g_autoptr(NdWriteResult) result = NULL;
    g_autoptr(GError) error = NULL;

    e->username = g_strdup ("deputy");
    e->password = g_strdup ("long enough");
    e->role = 10;
    result = run (fx.source, nd_write_user_create_new (e), &error);
    g_assert_no_error (error);
    g_assert_cmpint (scalar (&fx, "SELECT role FROM users WHERE id = %" G_GINT64_FORMAT,
                             result->new_id), ==, 10);
  }
  nd_source_close (as_admin);
}


/* A new user's gift row and the audit row follow the commit into a
 * separate log database, as every audit row does. */
static void
test_create_log_db (gconstpointer data)
{
  g_auto(Fx) fx;
  NdUserEdit *e;
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  if (!fx_setup_split (&fx, data, "split"))
    return;
  e = edit_new (0);
  e->username = g_strdup ("split");
  e->password = g_strdup ("long enough");
  result = run (fx.source, nd_write_user_create_new (e), &error);
  g_assert_no_error (error);
  g_assert_null (result->audit_error);
  sql = g_strdup_printf ("SELECT count(*) FROM logs WHERE user_id = %" G_GINT64_FORMAT " AND "
                         "type = 4 AND username = 'split'", result->new_id);
  g_assert_cmpint (nd_test_pg_scalar (fx.pg, fx.log_db, sql), ==, 1);
  g_assert_cmpint (nd_test_pg_scalar (fx.pg, fx.db, sql), ==, 0);
  g_assert_cmpint (nd_test_pg_scalar (fx.pg, fx.log_db, "SELECT count(*) FROM logs WHERE type = 3 "
                                                        "AND content = 'Created user split "
                                                        "(role 1)'"), ==, 1);
}

int
main (int argc, char **argv)
{
  static const struct { const char *name; GTestDataFunc func; } tests[] = {
    { "create", test_create },
    { "create-refused", test_create_refused },
    { "create-log-db", test_create_log_db },
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
