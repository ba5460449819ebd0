/* test-pg-redemptions.c — redemption codes over PostgreSQL on both schema
 * variants: a batch made in one transaction (all or none) with NewAPI's
 * audit row, refusals that write nothing, the list with what each code is
 * now, enable / disable / edit / delete, "delete all invalid", and
 * `newapi-desk redemptions`
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "nd-pg-wfx.h"
#include "nd-random.h"

static const Variant variant_new = { "new", "codes_new" };
static const Variant variant_old = { "old", "codes_old" };

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static NdWrite *
create_write (const char *name, guint count, gint64 quota, gint64 expires)
{
  NdRedemptionEdit *e = nd_redemption_edit_new ();

  e->name = g_strdup (name);
  e->count = count;
  e->quota = quota;
  e->expired_time = expires;
  return nd_write_redemption_create_new (e);
}

/* What NewAPI's web console stores when a root confirms the payment
 * compliance terms; rc.6 and later make no codes without it. */
static void
confirm_compliance (Fx *fx)
{
  nd_test_pg_exec (fx->pg, fx->db, "INSERT INTO options (\"key\", value) VALUES "
                                   "('payment_setting.compliance_confirmed', 'true')");
}

static gint64
codes_named (Fx *fx, const char *name)
{
  return scalar (fx, "SELECT count (*) FROM redemptions WHERE name = '%s'", name);
}

/* The codes the result carries are the codes the database got: 32
 * lowercase hex each, status 1, made by the operator, one audit row. */
static void
test_create (gconstpointer data)
{
  FX (data, "create");
  gint64 expires = now_s () + 86400 * 30;
  gint64 root = scalar (&fx, "SELECT min (id) FROM users WHERE role >= 100");
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) rows = NULL;
  g_autoptr(GHashTable) stored = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(Audit) audit = { 0 };
  gint64 audits = n_audits (&fx);
  JsonObject *params;

  confirm_compliance (&fx);
  result = run (fx.source, create_write ("春季促销", 5, 100000, expires), &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->changed, ==, 5);
  g_assert_nonnull (result->secrets);
  g_assert_cmpuint (result->secrets->len, ==, 5);

  rows = nd_test_pg_query (fx.pg, fx.db,
    "SELECT rtrim (\"key\"), user_id, status, quota, expired_time, created_time, redeemed_time, "
    "used_user_id FROM redemptions WHERE name = '春季促销' AND deleted_at IS NULL");
  g_assert_cmpint (PQntuples (rows), ==, 5);
  for (int i = 0; i < 5; i++)
    {
      g_hash_table_add (stored, PQgetvalue (rows, i, 0));
      g_assert_cmpint (g_ascii_strtoll (PQgetvalue (rows, i, 1), NULL, 10), ==, root);
      g_assert_cmpstr (PQgetvalue (rows, i, 2), ==, "1");
      g_assert_cmpstr (PQgetvalue (rows, i, 3), ==, "100000");
      g_assert_cmpint (g_ascii_strtoll (PQgetvalue (rows, i, 4), NULL, 10), ==, expires);
      g_assert_cmpint (g_ascii_strtoll (PQgetvalue (rows, i, 5), NULL, 10), >=, now_s () - 60);
      g_assert_cmpstr (PQgetvalue (rows, i, 6), ==, "0");
      g_assert_cmpstr (PQgetvalue (rows, i, 7), ==, "0");
    }
  for (guint i = 0; i < result->secrets->len; i++)
    {
      const char *code = g_ptr_array_index (result->secrets, i);

      g_assert_cmpuint (strlen (code), ==, ND_RANDOM_CODE_LENGTH);
      g_assert_cmpuint (strspn (code, "0123456789abcdef"), ==, ND_RANDOM_CODE_LENGTH);
      g_assert_true (g_hash_table_contains (stored, code));
    }

  /* One row for the request, as NewAPI writes it; never a code in it. */
  g_assert_cmpint (n_audits (&fx), ==, audits + 1);
  g_assert_true (last_audit (fx.pg, fx.db, &audit));
  g_assert_cmpint (audit.user_id, ==, root);
  g_assert_cmpstr (audit.content, ==,
                   "Created 5 redemption codes named 春季促销 (＄0.200000 额度 each)");
  params = audit_params (&audit, "redemption.create");
  g_assert_cmpstr (json_object_get_string_member (params, "name"), ==, "春季促销");
  g_assert_cmpint (json_object_get_int_member (params, "count"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (params, "quota"), ==, "＄0.200000 额度");
  g_assert_cmpint (scalar (&fx, "SELECT count (*) FROM logs WHERE other LIKE '%%%s%%'",
                           (char *) g_ptr_array_index (result->secrets, 0)), ==, 0);
}

/* The database refuses the third code: the whole batch is rolled back, no
 * code and no audit row stay behind. */
static void
test_fail_mid_batch (gconstpointer data)
{
  FX (data, "midbatch");
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 audits = n_audits (&fx);
  gint64 codes = scalar (&fx, "SELECT count (*) FROM redemptions");

  confirm_compliance (&fx);
  nd_test_pg_exec (fx.pg, fx.db,
    "CREATE FUNCTION third_code () RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF (SELECT count (*) FROM redemptions WHERE name = NEW.name) >= 2 THEN "
    "RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$; "
    "CREATE TRIGGER third_code BEFORE INSERT ON redemptions FOR EACH ROW "
    "EXECUTE FUNCTION third_code ()");
  result = run (fx.source, create_write ("boom", 5, 1000, 0), &error);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "disk full"));
  g_assert_null (result);
  g_assert_cmpint (codes_named (&fx, "boom"), ==, 0);
  g_assert_cmpint (scalar (&fx, "SELECT count (*) FROM redemptions"), ==, codes);
  g_assert_cmpint (n_audits (&fx), ==, audits);
}

/* An install of v1.0.0-rc.6 or later (the new fixture, rc.24) makes no
 * codes before the payment compliance terms are confirmed; the old one
 * (v0.9) never asks. */
static void
test_compliance (gconstpointer data)
{
  FX (data, "compliance");
  gboolean gated = g_str_equal (fx.v->variant, "new");
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 audits = n_audits (&fx);

  result = run (fx.source, create_write ("gated", 2, 1000, 0), &error);
  if (gated)
    {
      g_assert_error (error, ND_ERROR, ND_ERROR_PERMISSION);
      g_assert_nonnull (strstr (error->message, "payment compliance"));
      g_assert_cmpint (codes_named (&fx, "gated"), ==, 0);
      g_assert_cmpint (n_audits (&fx), ==, audits);
    }
  else
    {
      g_assert_no_error (error);
      g_assert_cmpint (codes_named (&fx, "gated"), ==, 2);
    }
}

/* NewAPI's limits: a clear message and nothing written. */
static void
test_refused (gconstpointer data)
{
  FX (data, "refused");
  gint64 codes = scalar (&fx, "SELECT count (*) FROM redemptions");
  gint64 audits = n_audits (&fx);
  struct { const char *name; guint count; gint64 quota; gint64 expires; const char *field; } cases[] = {
    { "一二三四五六七八九十一二三四五六七八九十一", 1, 1000, 0, "name" },   /* 21 characters */
    { "", 1, 1000, 0, "name" },
    { "zero", 0, 1000, 0, "count" },
    { "too many", 101, 1000, 0, "count" },
    { "negative", 1, -5, 0, "quota" },
    { "past", 1, 1000, 1000, "expired_time" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(NdWrite) w = create_write (cases[i].name, cases[i].count, cases[i].quota,
                                           cases[i].expires);
      g_autoptr(NdWriteResult) result = NULL;
      g_autoptr(GError) error = NULL;
      const char *field = NULL;

      g_assert_false (nd_write_validate (w, &field, NULL));
      g_assert_cmpstr (field, ==, cases[i].field);
      result = run (fx.source, g_steal_pointer (&w), &error);
      g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
      g_assert_null (result);
    }
  g_assert_cmpint (scalar (&fx, "SELECT count (*) FROM redemptions"), ==, codes);
  g_assert_cmpint (n_audits (&fx), ==, audits);
}

/* ---- list ------------------------------------------------------------------ */

static NdListPage *
list_codes (NdSource *source)
{
  NdListQuery q = { .limit = 1000 };
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  NdListPage *page;

  nd_source_list_redemptions_async (source, &q, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  page = nd_source_list_finish (source, res, &error);
  g_assert_no_error (error);
  return page;
}

/* What each code is now (expired computed), who made it and who redeemed
 * it, by name; the code itself only masked, and in full on request. */
static void
test_list (gconstpointer data)
{
  FX (data, "list");
  g_autoptr(NdListPage) page = list_codes (fx.source);
  g_autoptr(PGresult) rows = nd_test_pg_query (fx.pg, fx.db,
    "SELECT r.id, rtrim (r.\"key\"), CASE WHEN r.status = 1 AND r.expired_time <> 0 AND "
    "r.expired_time < extract (epoch FROM now ())::bigint THEN 'expired' WHEN r.status = 1 THEN "
    "'enabled' WHEN r.status = 2 THEN 'disabled' ELSE 'used' END, c.username, u.username "
    "FROM redemptions r LEFT JOIN users c ON c.id = r.user_id "
    "LEFT JOIN users u ON u.id = r.used_user_id AND r.used_user_id > 0 "
    "WHERE r.deleted_at IS NULL ORDER BY r.id DESC");
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  guint expired = 0, redeemed = 0;

  g_assert_cmpint (page->items->len, ==, PQntuples (rows));
  for (int i = 0; i < PQntuples (rows); i++)
    {
      NdRedemption *r = g_ptr_array_index (page->items, i);
      const char *code = PQgetvalue (rows, i, 1);
      g_autofree char *masked = g_strdup_printf ("%.4s***%s", code, code + 28);

      g_assert_cmpint (r->id, ==, g_ascii_strtoll (PQgetvalue (rows, i, 0), NULL, 10));
      g_assert_cmpstr (nd_redemption_effective_nick (r), ==, PQgetvalue (rows, i, 2));
      g_assert_cmpstr (r->masked_key, ==, masked);
      g_assert_cmpstr (r->username, ==, PQgetisnull (rows, i, 3) ? NULL : PQgetvalue (rows, i, 3));
      g_assert_cmpstr (r->used_username, ==,
                       PQgetisnull (rows, i, 4) ? NULL : PQgetvalue (rows, i, 4));
      expired += r->expired;
      redeemed += r->used_username != NULL;
      g_array_append_val (ids, r->id);
    }
  g_assert_cmpuint (expired, >, 0);
  g_assert_cmpuint (redeemed, >, 0);

  nd_source_reveal_redemption_keys_async (fx.source, (gint64 *) ids->data, ids->len, NULL,
                                          nd_test_store_result, &res);
  nd_test_wait (&res);
  keys = nd_source_reveal_redemption_keys_finish (fx.source, res, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (keys), ==, ids->len);
  for (int i = 0; i < PQntuples (rows); i++)
    {
      gint64 id = g_ascii_strtoll (PQgetvalue (rows, i, 0), NULL, 10);

      g_assert_cmpstr (g_hash_table_lookup (keys, &id), ==, PQgetvalue (rows, i, 1));
    }
}

/* ---- enable, disable, edit, delete, delete invalid ----------------------- */

static void
test_status_edit_delete (gconstpointer data)
{
  FX (data, "status");
  g_autoptr(NdWriteResult) made = NULL;
  g_autoptr(NdWriteResult) disabled = NULL;
  g_autoptr(NdWriteResult) edited = NULL;
  g_autoptr(NdWriteResult) deleted = NULL;
  g_autoptr(NdWriteResult) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *row = NULL;
  g_autofree char *want = NULL;
  gint64 used = scalar (&fx, "SELECT min (id) FROM redemptions WHERE status = 3 AND "
                             "deleted_at IS NULL");
  gint64 expires = now_s () + 3600;
  gint64 audits;
  NdRedemptionEdit *e;
  gint64 id;

  confirm_compliance (&fx);
  made = run (fx.source, create_write ("edit me", 1, 1000, 0), &error);
  g_assert_no_error (error);
  id = made->new_id;
  audits = n_audits (&fx);

  disabled = run (fx.source, nd_write_redemption_status_new (&id, 1, 2), &error);
  g_assert_no_error (error);
  g_assert_cmpint (scalar (&fx, "SELECT status FROM redemptions WHERE id = %" G_GINT64_FORMAT, id),
                   ==, 2);

  e = nd_redemption_edit_new ();
  e->name = g_strdup ("edited");
  e->quota = 2500;
  e->expired_time = expires;
  edited = run (fx.source, nd_write_redemption_update_new (id, e), &error);
  g_assert_no_error (error);
  row = text (&fx, "SELECT name || '/' || quota || '/' || expired_time || '/' || status FROM "
                   "redemptions WHERE id = %" G_GINT64_FORMAT, id);
  want = g_strdup_printf ("edited/2500/%" G_GINT64_FORMAT "/2", expires);
  g_assert_cmpstr (row, ==, want);

  /* A used code stays used: enabling it would mint its quota again. */
  refused = run (fx.source, nd_write_redemption_status_new (&used, 1, 1), &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_CONFLICT);
  g_assert_cmpint (scalar (&fx, "SELECT status FROM redemptions WHERE id = %" G_GINT64_FORMAT,
                           used), ==, 3);
  g_clear_error (&error);

  deleted = run (fx.source, nd_write_redemption_delete_new (&id, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpint (scalar (&fx, "SELECT count (*) FROM redemptions WHERE deleted_at IS NOT NULL "
                                "AND id = %" G_GINT64_FORMAT, id), ==, 1);
  /* NewAPI writes no audit row for these. */
  g_assert_cmpint (n_audits (&fx), ==, audits);
}

/* Used, disabled and expired codes go (soft); live ones stay. */
static void
test_delete_invalid (gconstpointer data)
{
  FX (data, "invalid");
  const char *invalid = "deleted_at IS NULL AND (status IN (2, 3) OR (status = 1 AND "
                        "expired_time <> 0 AND expired_time < extract (epoch FROM now ())))";
  gint64 want = scalar (&fx, "SELECT count (*) FROM redemptions WHERE %s", invalid);
  gint64 live = scalar (&fx, "SELECT count (*) FROM redemptions WHERE deleted_at IS NULL");
  gint64 deleted_before = scalar (&fx, "SELECT count (*) FROM redemptions "
                                       "WHERE deleted_at IS NOT NULL");
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (want, >, 0);
  result = run (fx.source, nd_write_redemption_delete_invalid_new (), &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->changed, ==, want);
  g_assert_cmpint (scalar (&fx, "SELECT count (*) FROM redemptions WHERE %s", invalid), ==, 0);
  g_assert_cmpint (scalar (&fx, "SELECT count (*) FROM redemptions WHERE deleted_at IS NULL"),
                   ==, live - want);
  g_assert_cmpint (scalar (&fx, "SELECT count (*) FROM redemptions WHERE deleted_at IS NOT NULL"),
                   ==, deleted_before + want);
}

/* ---- the command ---------------------------------------------------------- */

/* `redemptions create` writes exactly the codes the database got to FILE,
 * one a line, mode 0600, and nothing on stdout; without --read-write it
 * changes nothing; an existing file is never written over. */
static void
test_cli_create (gconstpointer data)
{
  FX (data, "cli_create");
  g_autofree char *dir = g_dir_make_tmp ("nd-codes-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "codes.txt", NULL);
  const char *args[] = { "redemptions", "create", "--dsn", fx.dsn, "--name", "cli batch",
                         "--count", "7", "--quota", "50000", "--expires", "2099-01-01",
                         "--output", file, "--read-write", NULL };
  const char *no_rw[] = { "redemptions", "create", "--dsn", fx.dsn, "--name", "cli batch",
                          "--count", "7", "--quota", "50000", "--output", file, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *dump = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(PGresult) rows = NULL;
  GStatBuf st;

  confirm_compliance (&fx);
  g_assert_cmpint (nd_test_run (ND_DESK_EXE, no_rw, NULL, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--read-write"));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_assert_cmpint (codes_named (&fx, "cli batch"), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (nd_test_run (ND_DESK_EXE, args, NULL, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  g_assert_true (g_str_has_suffix (contents, "\n"));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 8);   /* 7 codes and the final "" */
  rows = nd_test_pg_query (fx.pg, fx.db, "SELECT rtrim (\"key\"), expired_time FROM redemptions "
                                         "WHERE name = 'cli batch' ORDER BY id");
  g_assert_cmpint (PQntuples (rows), ==, 7);
  for (int i = 0; i < 7; i++)
    {
      g_assert_true (g_strv_contains ((const char * const *) lines, PQgetvalue (rows, i, 0)));
      g_assert_null (strstr (err, PQgetvalue (rows, i, 0)));
    }
  /* 2099-01-01 local time: far in the future, and a day's precision. */
  g_assert_cmpint (g_ascii_strtoll (PQgetvalue (rows, 0, 1), NULL, 10), >, 4070908800 - 86400);

  /* Again into the same file: refused before anything is made. */
  g_assert_cmpint (nd_test_run (ND_DESK_EXE, args, NULL, &out2, &err2), ==, 2);
  g_assert_cmpint (codes_named (&fx, "cli batch"), ==, 7);
  g_assert_true (g_file_get_contents (file, &dump, NULL, NULL));
  g_assert_cmpstr (dump, ==, contents);

  /* Bad input: exit 2, nothing made, no file. */
  {
    g_autofree char *other = g_build_filename (dir, "none.txt", NULL);
    const char *bad[] = { "redemptions", "create", "--dsn", fx.dsn, "--name", "x", "--count",
                          "101", "--quota", "1", "--output", other, "--read-write", NULL };

    g_assert_cmpint (nd_test_run (ND_DESK_EXE, bad, NULL, &out3, &err3), ==, 2);
    g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
    g_assert_cmpint (codes_named (&fx, "x"), ==, 0);
  }
  g_remove (file);
  g_rmdir (dir);
}

/* `redemptions list --json`: the promised fields, the code only with
 * --show-keys; `delete-invalid` needs --read-write. */
static void
test_cli_list_delete (gconstpointer data)
{
  FX (data, "cli_list");
  const char *list[] = { "redemptions", "list", "--dsn", fx.dsn, "--json", NULL };
  const char *show[] = { "redemptions", "list", "--dsn", fx.dsn, "--json", "--show-keys", NULL };
  const char *del_ro[] = { "redemptions", "delete-invalid", "--dsn", fx.dsn, NULL };
  const char *del[] = { "redemptions", "delete-invalid", "--dsn", fx.dsn, "--read-write", NULL };
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL, *out4 = NULL, *err4 = NULL;
  g_autoptr(JsonParser) p1 = json_parser_new ();
  g_autoptr(JsonParser) p2 = json_parser_new ();
  g_autoptr(PGresult) keys = nd_test_pg_query (fx.pg, fx.db, "SELECT rtrim (\"key\") FROM redemptions");
  gint64 invalid = scalar (&fx, "SELECT count (*) FROM redemptions WHERE deleted_at IS NULL AND "
                                "(status IN (2, 3) OR (status = 1 AND expired_time <> 0 AND "
                                "expired_time < extract (epoch FROM now ())))");
  gint64 live = scalar (&fx, "SELECT count (*) FROM redemptions WHERE deleted_at IS NULL");
  JsonArray *plain, *shown;

  g_assert_cmpint (nd_test_run (ND_DESK_EXE, list, NULL, &out, &err), ==, 0);
  g_assert_true (json_parser_load_from_data (p1, out, -1, NULL));
  plain = json_node_get_array (json_parser_get_root (p1));
  g_assert_cmpint (json_array_get_length (plain), ==, live);
  for (guint i = 0; i < json_array_get_length (plain); i++)
    {
      JsonObject *o = json_array_get_object_element (plain, i);
      static const char * const members[] = { "id", "name", "status", "effective_status",
        "quota", "created_time", "redeemed_time", "used_user_id", "expired_time" };

      for (guint m = 0; m < G_N_ELEMENTS (members); m++)
        g_assert_true (json_object_has_member (o, members[m]));
      g_assert_false (json_object_has_member (o, "key"));
    }
  for (int i = 0; i < PQntuples (keys); i++)
    g_assert_null (strstr (out, PQgetvalue (keys, i, 0)));

  g_assert_cmpint (nd_test_run (ND_DESK_EXE, show, NULL, &out2, &err2), ==, 0);
  g_assert_true (json_parser_load_from_data (p2, out2, -1, NULL));
  shown = json_node_get_array (json_parser_get_root (p2));
  for (guint i = 0; i < json_array_get_length (shown); i++)
    {
      JsonObject *o = json_array_get_object_element (shown, i);
      g_autofree char *want = text (&fx, "SELECT rtrim (\"key\") FROM redemptions WHERE id = %"
                                         G_GINT64_FORMAT, json_object_get_int_member (o, "id"));

      g_assert_cmpstr (json_object_get_string_member (o, "key"), ==, want);
    }

  g_assert_cmpint (nd_test_run (ND_DESK_EXE, del_ro, NULL, &out3, &err3), ==, 2);
  g_assert_cmpint (scalar (&fx, "SELECT count (*) FROM redemptions WHERE deleted_at IS NULL"),
                   ==, live);
  g_assert_cmpint (nd_test_run (ND_DESK_EXE, del, NULL, &out4, &err4), ==, 0);
  g_assert_cmpint (scalar (&fx, "SELECT count (*) FROM redemptions WHERE deleted_at IS NULL"),
                   ==, live - invalid);
}

int
main (int argc, char **argv)
{
  static const struct { const char *name; GTestDataFunc func; } tests[] = {
    { "create", test_create },
    { "fail-mid-batch", test_fail_mid_batch },
    { "compliance", test_compliance },
    { "refused", test_refused },
    { "list", test_list },
    { "status-edit-delete", test_status_edit_delete },
    { "delete-invalid", test_delete_invalid },
    { "cli-create", test_cli_create },
    { "cli-list-delete", test_cli_list_delete },
  };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    {
      g_autofree char *n = g_strdup_printf ("/pg/redemptions/new/%s", tests[i].name);
      g_autofree char *o = g_strdup_printf ("/pg/redemptions/old/%s", tests[i].name);

      g_test_add_data_func (n, &variant_new, tests[i].func);
      g_test_add_data_func (o, &variant_old, tests[i].func);
    }
  return g_test_run ();
}
