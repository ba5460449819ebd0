/* test-http-tokens.c — tokens and redemption codes over NewAPI's admin API,
 * against the fake in the NEW (rc.24) and OLD (v0.8) dialects: the
 * connected account's own tokens only, a new token's key found and shown
 * once, upstream's refusals verbatim, keys revealed where each version
 * gives them, codes and the rc.6 payment-compliance refusal, and the
 * commands with --url
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "nd-http-wfx.h"
#include "nd-random.h"

#define MSG_EXPIRED "令牌已过期，无法启用，请先修改令牌过期时间，或者设置为永不过期"
#define MSG_EXHAUSTED "令牌可用额度已用尽，无法启用，请先修改令牌剩余额度，或者设置为无限额度"
#define MSG_COMPLIANCE "支付、兑换码、订阅计划和邀请返利功能已禁用。管理员需先确认合规声明后方可启用。"

static gboolean
is_new (WFx *fx)
{
  return fx->mode->mode == ND_FAKE_NEWAPI_NEW;
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
confirm_compliance (WFx *fx)
{
  nd_test_pg_exec (fx->pg, fx->db, "INSERT INTO options (\"key\", value) VALUES "
                                   "('payment_setting.compliance_confirmed', 'true')");
}

static char *
reveal (NdSource *source, gint64 id, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_reveal_token_key_async (source, id, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_reveal_token_key_finish (source, res, error);
}

/* The root's own token, made through the API. */
static NdWriteResult *
make_token (WFx *fx, const char *name, GError **error)
{
  NdTokenEdit *e = nd_token_edit_new ();

  e->mask = ND_TOKEN_FIELD_NAME | ND_TOKEN_FIELD_REMAIN_QUOTA | ND_TOKEN_FIELD_MODEL_LIMITS |
            ND_TOKEN_FIELD_ALLOW_IPS;
  e->name = g_strdup (name);
  e->remain_quota = 123456;
  e->model_limits_enabled = TRUE;
  e->model_limits = g_strdup ("gpt-4o");
  e->allow_ips = g_strdup ("10.0.0.1");
  return wfx_write (fx->source, nd_write_token_create_new (e), error);
}

/* ---- tokens ---------------------------------------------------------------- */

/* POST answers neither id nor key: the new token is found in the list and
 * its key read where the version keeps it; shown once in the result. */
static void
test_token_create (gconstpointer data)
{
  WFX (data, "tcreate");
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(NdWriteResult) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *limits = NULL;
  g_autofree char *key_call = NULL;
  gint64 audits = wfx_n_audits (&fx);
  NdTokenEdit *e;

  result = make_token (&fx, "desk token", &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->new_id, ==, wfx_scalar (&fx, "SELECT max (id) FROM tokens"));
  g_assert_nonnull (result->secrets);
  key = wfx_text (&fx, "SELECT rtrim (\"key\") FROM tokens WHERE id = %" G_GINT64_FORMAT,
                  result->new_id);
  g_assert_cmpstr (g_ptr_array_index (result->secrets, 0), ==, key);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT user_id FROM tokens WHERE id = %" G_GINT64_FORMAT,
                               result->new_id), ==, fx.root_id);
  limits = wfx_text (&fx, "SELECT model_limits || '|' || allow_ips || '|' || remain_quota FROM "
                          "tokens WHERE id = %" G_GINT64_FORMAT, result->new_id);
  g_assert_cmpstr (limits, ==, "gpt-4o|10.0.0.1|123456");
  g_assert_null (result->notice);
  key_call = g_strdup_printf ("POST /api/token/%" G_GINT64_FORMAT "/key", result->new_id);
  /* Old servers list full keys and have no key route. */
  g_assert_cmpuint (wfx_calls (&fx, key_call), ==, is_new (&fx) ? 1 : 0);
  g_assert_cmpuint (wfx_calls (&fx, "POST /api/token/"), ==, is_new (&fx) ? 2 : 1);
  g_assert_cmpint (wfx_n_audits (&fx), ==, audits);

  /* Someone else's token: not through the API, nothing sent. */
  nd_fake_newapi_reset_log (fx.fake);
  e = nd_token_edit_new ();
  e->name = g_strdup ("for bob");
  e->user_id = fx.root_id + 7;
  other = wfx_write (fx.source, nd_write_token_create_new (e), &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
  g_assert_cmpuint (nd_fake_newapi_get_calls (fx.fake)->len, ==, 0);
}

/* The list: the root's own tokens, masked as NewAPI masks; asking for
 * another user's is refused with a reason. */
static void
test_token_list (gconstpointer data)
{
  WFX (data, "tlist");
  NdListQuery q = { .limit = 500 };
  NdListQuery other = { .limit = 10, .user_id = 5 };
  g_autoptr(NdListPage) page = NULL;
  g_autoptr(NdListPage) refused = NULL;
  g_autoptr(GError) error = NULL;

  page = list (fx.source, nd_source_list_tokens_async, &q, &error);
  g_assert_no_error (error);
  g_assert_cmpint (page->items->len, ==,
                   wfx_scalar (&fx, "SELECT count (*) FROM tokens WHERE user_id = %" G_GINT64_FORMAT
                                    " AND deleted_at IS NULL", fx.root_id));
  g_assert_false (nd_server_info_has (nd_source_get_info (fx.source), ND_CAP_TOKENS_ALL_USERS));
  for (guint i = 0; i < page->items->len; i++)
    {
      NdToken *t = g_ptr_array_index (page->items, i);
      g_autofree char *want = wfx_text (&fx, "SELECT 'sk-' || left (\"key\", 4) || '**********' || "
                                             "right (rtrim (\"key\"), 4) FROM tokens WHERE id = %"
                                             G_GINT64_FORMAT, t->id);

      g_autofree char *owner = wfx_text (&fx, "SELECT username FROM users WHERE id = %"
                                              G_GINT64_FORMAT, fx.root_id);

      g_assert_cmpint (t->user_id, ==, fx.root_id);
      g_assert_cmpstr (t->masked_key, ==, want);
      /* The Tokens page's Owner column: the caller's name, not "#1". */
      g_assert_cmpstr (t->username, ==, owner);
    }
  refused = list (fx.source, nd_source_list_tokens_async, &other, &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
  g_assert_null (refused);
}

static void
assert_enable_refused (WFx *fx, gint64 id, const char *message)
{
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before = wfx_scalar (fx, "SELECT status FROM tokens WHERE id = %" G_GINT64_FORMAT, id);

  result = wfx_write (fx->source, nd_write_token_status_new (&id, 1, 1), &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
  /* NewAPI's words, after the client's "NewAPI refused: ". */
  g_assert_true (g_str_has_suffix (error->message, message));
  g_assert_cmpint (wfx_scalar (fx, "SELECT status FROM tokens WHERE id = %" G_GINT64_FORMAT, id),
                   ==, before);
}

/* NewAPI's refusals verbatim; an edit sends the whole token with the
 * form's fields on top, and then the token can be enabled. */
static void
test_token_status_edit (gconstpointer data)
{
  WFX (data, "tstatus");
  g_autoptr(NdWriteResult) made = make_token (&fx, "to expire", NULL);
  g_autoptr(NdWriteResult) edited = NULL;
  g_autoptr(NdWriteResult) enabled = NULL;
  g_autoptr(NdWriteResult) disabled = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *want = NULL;
  const char *body;
  gint64 id = made->new_id;
  NdTokenEdit *e;

  sql = g_strdup_printf ("UPDATE tokens SET status = 3, expired_time = %" G_GINT64_FORMAT
                         " WHERE id = %" G_GINT64_FORMAT, now_s () - 60, id);
  nd_test_pg_exec (fx.pg, fx.db, sql);
  assert_enable_refused (&fx, id, MSG_EXPIRED);
  want = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"status\":1}", id);
  g_assert_cmpstr (wfx_body (&fx, "PUT /api/token/?status_only=true"), ==, want);

  e = nd_token_edit_new ();
  e->mask = ND_TOKEN_FIELD_EXPIRED_TIME | ND_TOKEN_FIELD_NAME;
  e->expired_time = -1;
  e->name = g_strdup ("fixed");
  nd_fake_newapi_reset_log (fx.fake);
  edited = wfx_write (fx.source, nd_write_token_update_new (id, e), &error);
  g_assert_no_error (error);
  body = wfx_body (&fx, "PUT /api/token/");
  g_assert_nonnull (strstr (body, "\"expired_time\":-1"));
  g_assert_nonnull (strstr (body, "\"remain_quota\":123456"));
  g_assert_null (strstr (body, "\"key\""));
  after = wfx_text (&fx, "SELECT name || '|' || expired_time || '|' || remain_quota || '|' || "
                         "model_limits || '|' || allow_ips FROM tokens WHERE id = %"
                         G_GINT64_FORMAT, id);
  g_assert_cmpstr (after, ==, "fixed|-1|123456|gpt-4o|10.0.0.1");
  enabled = wfx_write (fx.source, nd_write_token_status_new (&id, 1, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT status FROM tokens WHERE id = %" G_GINT64_FORMAT, id),
                   ==, 1);

  g_free (sql);
  sql = g_strdup_printf ("UPDATE tokens SET status = 4, remain_quota = 0 WHERE id = %"
                         G_GINT64_FORMAT, id);
  nd_test_pg_exec (fx.pg, fx.db, sql);
  assert_enable_refused (&fx, id, MSG_EXHAUSTED);
  disabled = wfx_write (fx.source, nd_write_token_status_new (&id, 1, 2), &error);
  g_assert_no_error (error);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT status FROM tokens WHERE id = %" G_GINT64_FORMAT, id),
                   ==, 2);
}

/* Revealing a key: POST /api/token/:id/key from v0.11.4, the token itself
 * before; another user's token is NewAPI's "record not found". Deleting
 * is soft and self-scoped the same way. */
static void
test_token_reveal_delete (gconstpointer data)
{
  WFX (data, "treveal");
  g_autoptr(NdWriteResult) made = make_token (&fx, "reveal", NULL);
  g_autoptr(NdWriteResult) deleted = NULL;
  g_autoptr(NdWriteResult) not_mine = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *want = NULL;
  g_autofree char *theirs = NULL;
  gint64 other = wfx_scalar (&fx, "SELECT min (id) FROM tokens WHERE user_id <> %" G_GINT64_FORMAT
                                  " AND deleted_at IS NULL", fx.root_id);

  nd_fake_newapi_reset_log (fx.fake);
  key = reveal (fx.source, made->new_id, &error);
  g_assert_no_error (error);
  want = wfx_text (&fx, "SELECT rtrim (\"key\") FROM tokens WHERE id = %" G_GINT64_FORMAT,
                   made->new_id);
  g_assert_cmpstr (key, ==, want);
  g_assert_cmpuint (wfx_calls (&fx, "POST /api/token/"), ==, is_new (&fx) ? 1 : 0);

  theirs = reveal (fx.source, other, &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
  g_assert_true (g_str_has_suffix (error->message, "record not found"));
  g_assert_null (theirs);
  g_clear_error (&error);

  not_mine = wfx_write (fx.source, nd_write_token_delete_new (&other, 1), &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM tokens WHERE deleted_at IS NULL AND "
                                    "id = %" G_GINT64_FORMAT, other), ==, 1);
  g_clear_error (&error);
  deleted = wfx_write (fx.source, nd_write_token_delete_new (&made->new_id, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM tokens WHERE deleted_at IS NOT NULL "
                                    "AND id = %" G_GINT64_FORMAT, made->new_id), ==, 1);
}

/* ---- redemption codes ---------------------------------------------------- */

static NdWrite *
create_codes (const char *name, guint count, gint64 quota)
{
  NdRedemptionEdit *e = nd_redemption_edit_new ();

  e->name = g_strdup (name);
  e->count = count;
  e->quota = quota;
  return nd_write_redemption_create_new (e);
}

/* rc.6 and later refuse until payment compliance is confirmed: NewAPI's
 * words, with where to confirm it, and no code made. Then the codes the
 * reply carries are the database's, with upstream's audit row on rc.16+. */
static void
test_codes_create (gconstpointer data)
{
  WFX (data, "ccreate");
  g_autoptr(NdWriteResult) refused = NULL;
  g_autoptr(NdWriteResult) made = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) rows = NULL;
  gint64 audits = wfx_n_audits (&fx);

  if (is_new (&fx))
    {
      refused = wfx_write (fx.source, create_codes ("no terms", 3, 5000), &error);
      g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
      g_assert_nonnull (strstr (error->message, MSG_COMPLIANCE));
      g_assert_nonnull (strstr (error->message, "payment compliance"));
      g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM redemptions WHERE name = "
                                        "'no terms'"), ==, 0);
      g_clear_error (&error);
      confirm_compliance (&fx);
    }
  made = wfx_write (fx.source, create_codes ("夏季活动", 3, 5000), &error);
  g_assert_no_error (error);
  g_assert_cmpint (made->changed, ==, 3);
  rows = nd_test_pg_query (fx.pg, fx.db, "SELECT rtrim (\"key\"), user_id, quota FROM redemptions "
                                         "WHERE name = '夏季活动' ORDER BY id");
  g_assert_cmpint (PQntuples (rows), ==, 3);
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpstr (g_ptr_array_index (made->secrets, i), ==, PQgetvalue (rows, i, 0));
      g_assert_cmpuint (strlen (PQgetvalue (rows, i, 0)), ==, ND_RANDOM_CODE_LENGTH);
      g_assert_cmpint (g_ascii_strtoll (PQgetvalue (rows, i, 1), NULL, 10), ==, fx.root_id);
    }
  if (is_new (&fx))
    {
      g_auto(WAudit) audit = { 0 };
      JsonObject *params;

      g_assert_cmpint (wfx_n_audits (&fx), ==, audits + 1);
      g_assert_true (wfx_last_audit (&fx, &audit));
      params = wfx_audit_params (&fx, &audit, "redemption.create");
      g_assert_cmpint (json_object_get_int_member (params, "count"), ==, 3);
      g_assert_cmpstr (audit.content, ==,
                       "Created 3 redemption codes named 夏季活动 (＄0.010000 额度 each)");
    }
  else
    g_assert_cmpint (wfx_n_audits (&fx), ==, audits);
}

/* Before rc.6 there is nothing to confirm. */
static void
test_codes_before_rc6 (gconstpointer data)
{
  WFX (data, "crc5");
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdWriteResult) made = NULL;
  g_autoptr(GError) error = NULL;

  nd_fake_newapi_set_version (fx.fake, "v1.0.0-rc.5");
  source = wfx_source_as (&fx, 100, FALSE, TRUE);
  made = wfx_write (source, create_codes ("rc5", 2, 1000), &error);
  g_assert_no_error (error);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM redemptions WHERE name = 'rc5'"), ==, 2);
  nd_source_close (source);
}

/* Enable, disable, edit, delete, delete all invalid; codes revealed from
 * the admin list. */
static void
test_codes_manage (gconstpointer data)
{
  WFX (data, "cmanage");
  gint64 live = wfx_scalar (&fx, "SELECT min (id) FROM redemptions WHERE status = 1 AND "
                                 "expired_time = 0 AND deleted_at IS NULL");
  gint64 other = wfx_scalar (&fx, "SELECT max (id) FROM redemptions WHERE status = 1 AND "
                                  "expired_time = 0 AND deleted_at IS NULL");
  const char *invalid = "deleted_at IS NULL AND (status IN (2, 3) OR (status = 1 AND "
                        "expired_time <> 0 AND expired_time < extract (epoch FROM now ())))";
  gint64 n_invalid;
  gint64 ids[2] = { live, other };
  g_autoptr(NdWriteResult) disabled = NULL;
  g_autoptr(NdWriteResult) edited = NULL;
  g_autoptr(NdWriteResult) deleted = NULL;
  g_autoptr(NdWriteResult) cleaned = NULL;
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *row = NULL;
  NdRedemptionEdit *e;

  nd_source_reveal_redemption_keys_async (fx.source, ids, 2, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  keys = nd_source_reveal_redemption_keys_finish (fx.source, res, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *want = wfx_text (&fx, "SELECT rtrim (\"key\") FROM redemptions WHERE id = %"
                                             G_GINT64_FORMAT, ids[i]);

      g_assert_cmpstr (g_hash_table_lookup (keys, &ids[i]), ==, want);
    }

  e = nd_redemption_edit_new ();
  e->name = g_strdup ("renamed");
  e->quota = 777;
  edited = wfx_write (fx.source, nd_write_redemption_update_new (live, e), &error);
  g_assert_no_error (error);
  row = wfx_text (&fx, "SELECT name || '|' || quota FROM redemptions WHERE id = %" G_GINT64_FORMAT,
                  live);
  g_assert_cmpstr (row, ==, "renamed|777");

  disabled = wfx_write (fx.source, nd_write_redemption_status_new (ids, 2, 2), &error);
  g_assert_no_error (error);
  g_assert_cmpint (disabled->changed, ==, 2);
  g_assert_cmpuint (wfx_calls (&fx, "PUT /api/redemption/?status_only=true"), ==, 2);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM redemptions WHERE status = 2 AND id IN "
                                    "(%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")", live, other),
                   ==, 2);

  deleted = wfx_write (fx.source, nd_write_redemption_delete_new (&live, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM redemptions WHERE deleted_at IS NOT "
                                    "NULL AND id = %" G_GINT64_FORMAT, live), ==, 1);

  n_invalid = wfx_scalar (&fx, "SELECT count (*) FROM redemptions WHERE %s", invalid);
  cleaned = wfx_write (fx.source, nd_write_redemption_delete_invalid_new (), &error);
  g_assert_no_error (error);
  g_assert_cmpint (cleaned->changed, ==, n_invalid);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM redemptions WHERE %s", invalid), ==, 0);
}

/* ---- the commands with --url ------------------------------------------------ */

static int
run_cli (WFx *fx, const char * const *args, char **out, char **err)
{
  g_autofree char *token = nd_fake_newapi_dup_token (fx->fake, fx->root_id);
  g_autofree char *env_token = g_strconcat ("NEWAPI_DESK_TOKEN=", token, NULL);
  const char *env[] = { env_token, NULL };

  return nd_test_run (ND_DESK_EXE, args, env, out, err);
}

/* `redemptions create` over the API: refused verbatim before compliance
 * (no file), then exactly the server's codes in FILE and nothing on
 * stdout; `tokens list` shows the connected account's tokens and says so. */
static void
test_cli (gconstpointer data)
{
  WFX (data, "cli");
  g_autofree char *uid = g_strdup_printf ("%" G_GINT64_FORMAT, fx.root_id);
  g_autofree char *dir = g_dir_make_tmp ("nd-http-codes-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "codes.txt", NULL);
  const char *create[] = { "redemptions", "create", "--url", nd_fake_newapi_get_url (fx.fake),
                           "--user-id", uid, "--name", "api batch", "--count", "4", "--quota",
                           "2000", "--output", file, "--read-write", NULL };
  const char *tokens[] = { "tokens", "list", "--url", nd_fake_newapi_get_url (fx.fake),
                           "--user-id", uid, "--json", NULL };
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(PGresult) rows = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (is_new (&fx))
    {
      g_assert_cmpint (run_cli (&fx, create, &out, &err), ==, 1);
      g_assert_nonnull (strstr (err, MSG_COMPLIANCE));
      g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
      g_assert_cmpstr (out, ==, "");
      confirm_compliance (&fx);
    }
  g_assert_cmpint (run_cli (&fx, create, &out2, &err2), ==, 0);
  g_assert_cmpstr (out2, ==, "");
  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  rows = nd_test_pg_query (fx.pg, fx.db, "SELECT string_agg (rtrim (\"key\") || E'\\n', '' "
                                         "ORDER BY id) FROM redemptions WHERE name = 'api batch'");
  g_assert_cmpstr (contents, ==, PQgetvalue (rows, 0, 0));

  g_assert_cmpint (run_cli (&fx, tokens, &out3, &err3), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out3, -1, NULL));
  g_assert_cmpint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))), ==,
                   wfx_scalar (&fx, "SELECT count (*) FROM tokens WHERE user_id = %"
                                    G_GINT64_FORMAT " AND deleted_at IS NULL", fx.root_id));
  g_assert_nonnull (strstr (err3, "own tokens"));
  g_remove (file);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  nd_http_fx_add ("tokens/create", test_token_create);
  nd_http_fx_add ("tokens/list", test_token_list);
  nd_http_fx_add ("tokens/status-edit", test_token_status_edit);
  nd_http_fx_add ("tokens/reveal-delete", test_token_reveal_delete);
  nd_http_fx_add ("codes/create", test_codes_create);
  g_test_add_data_func ("/http/new/codes/before-rc6", &mode_new, test_codes_before_rc6);
  nd_http_fx_add ("codes/manage", test_codes_manage);
  nd_http_fx_add ("codes/cli", test_cli);
  return g_test_run ();
}
