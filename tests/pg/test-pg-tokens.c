/* test-pg-tokens.c — tokens over PostgreSQL on both schema variants: every
 * user's tokens with their effective status and NewAPI's mask, a new key
 * shown once, NewAPI's refusals to enable an expired or exhausted token,
 * edits, soft deletes, the audit rows of actions on other users' tokens,
 * and `newapi-desk tokens list`
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-pg-wfx.h"
#include "nd-random.h"

static const Variant variant_new = { "new", "tokens_new" };
static const Variant variant_old = { "old", "tokens_old" };

#define EXPIRED_SENTENCE "Token has expired and cannot be enabled. Please modify the expiration " \
                         "time or set it to never expire"
#define EXHAUSTED_SENTENCE "Token quota is exhausted and cannot be enabled. Please modify the " \
                           "remaining quota or set it to unlimited"

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static NdListPage *
list_tokens (NdSource *source, gint64 user_id)
{
  NdListQuery q = { .limit = 1000, .user_id = user_id };
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  NdListPage *page;

  nd_source_list_tokens_async (source, &q, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  page = nd_source_list_finish (source, res, &error);
  g_assert_no_error (error);
  return page;
}

static char *
reveal (NdSource *source, gint64 id, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_reveal_token_key_async (source, id, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_reveal_token_key_finish (source, res, error);
}

static NdToken *
find (NdListPage *page, gint64 id)
{
  for (guint i = 0; i < page->items->len; i++)
    if (((NdToken *) g_ptr_array_index (page->items, i))->id == id)
      return g_ptr_array_index (page->items, i);
  return NULL;
}

static gint64
common_user (Fx *fx)
{
  return scalar (fx, "SELECT min (id) FROM users WHERE role = 1 AND deleted_at IS NULL "
                     "AND status = 1");
}

/* ---- reads -------------------------------------------------------------- */

/* Every user's live tokens; expired and exhausted worked out from expiry
 * and quota (NewAPI with Redis leaves status 1); the key masked as NewAPI
 * masks it; --user narrows to one owner. */
static void
test_list (gconstpointer data)
{
  FX (data, "list");
  g_autoptr(NdListPage) all = list_tokens (fx.source, 0);
  g_autoptr(NdListPage) root = NULL;
  g_autoptr(PGresult) rows = NULL;
  gint64 now = now_s ();
  guint expired = 0, exhausted = 0;

  g_assert_cmpint (all->items->len, ==,
                   scalar (&fx, "SELECT count (*) FROM tokens WHERE deleted_at IS NULL"));
  g_assert_cmpint (all->total, ==, all->items->len);
  rows = nd_test_pg_query (fx.pg, fx.db,
    "SELECT id, \"key\", status, expired_time, remain_quota, COALESCE (unlimited_quota, false), "
    "user_id FROM tokens WHERE deleted_at IS NULL");
  for (int i = 0; i < PQntuples (rows); i++)
    {
      NdToken *t = find (all, g_ascii_strtoll (PQgetvalue (rows, i, 0), NULL, 10));
      const char *key = PQgetvalue (rows, i, 1);
      g_autofree char *want_mask = g_strdup_printf ("sk-%.4s**********%s", key, key + 44);
      int status = atoi (PQgetvalue (rows, i, 2));
      gint64 expires = g_ascii_strtoll (PQgetvalue (rows, i, 3), NULL, 10);
      gint64 remain = g_ascii_strtoll (PQgetvalue (rows, i, 4), NULL, 10);
      gboolean unlimited = g_str_equal (PQgetvalue (rows, i, 5), "t");
      int want = status;

      g_assert_nonnull (t);
      g_assert_cmpstr (t->masked_key, ==, want_mask);
      g_assert_cmpint (t->status, ==, status);
      g_assert_cmpint (t->user_id, ==, g_ascii_strtoll (PQgetvalue (rows, i, 6), NULL, 10));
      g_assert_nonnull (t->username);
      if (status == 1 && expires != -1 && expires < now)
        want = 3;
      else if (status == 1 && !unlimited && remain <= 0)
        want = 4;
      g_assert_cmpint (t->effective_status, ==, want);
      expired += status == 1 && want == 3;
      exhausted += status == 1 && want == 4;
    }
  /* The fixture has both kinds left at status 1, as a Redis server does. */
  g_assert_cmpuint (expired, >, 0);
  g_assert_cmpuint (exhausted, >, 0);

  root = list_tokens (fx.source, 1);
  g_assert_cmpint (root->items->len, ==,
                   scalar (&fx, "SELECT count (*) FROM tokens WHERE deleted_at IS NULL "
                                "AND user_id = 1"));
  for (guint i = 0; i < root->items->len; i++)
    g_assert_cmpint (((NdToken *) g_ptr_array_index (root->items, i))->user_id, ==, 1);
}

/* ---- create ------------------------------------------------------------- */

/* A token for another user: a fresh 48-character key that only the result
 * carries, NewAPI's columns, the admin's audit row; a reveal gives the
 * same key. */
static void
test_create (gconstpointer data)
{
  FX (data, "create");
  gint64 owner = common_user (&fx);
  NdTokenEdit *e = nd_token_edit_new ();
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) row = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *revealed = NULL;
  g_autofree char *owner_name = NULL;
  g_auto(Audit) audit = { 0 };
  JsonObject *params;
  gint64 expires = now_s () + 86400 * 7;
  const char *key;

  e->mask = ND_TOKEN_FIELD_NAME | ND_TOKEN_FIELD_EXPIRED_TIME | ND_TOKEN_FIELD_REMAIN_QUOTA |
            ND_TOKEN_FIELD_MODEL_LIMITS | ND_TOKEN_FIELD_ALLOW_IPS | ND_TOKEN_FIELD_GROUP;
  e->user_id = owner;
  e->name = g_strdup ("部署 key");
  e->expired_time = expires;
  e->remain_quota = 250000;
  e->model_limits_enabled = TRUE;
  e->model_limits = g_strdup ("gpt-4o-mini,deepseek-chat");
  e->allow_ips = g_strdup (" 10.0.0.1 \n\n192.168.1.0/24\n");
  e->group = g_strdup ("vip");
  result = run (fx.source, nd_write_token_create_new (e), &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->changed, ==, 1);
  g_assert_cmpint (result->new_id, >, 0);
  g_assert_nonnull (result->secrets);
  g_assert_cmpuint (result->secrets->len, ==, 1);
  key = g_ptr_array_index (result->secrets, 0);
  g_assert_cmpuint (strlen (key), ==, ND_RANDOM_TOKEN_KEY_LENGTH);
  g_assert_cmpuint (strspn (key, "0123456789abcdefghijklmnopqrstuvwxyz"
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), ==, 48);

  sql = g_strdup_printf (
    "SELECT \"key\", user_id, status, name, created_time, accessed_time, expired_time, "
    "remain_quota, unlimited_quota, model_limits_enabled, model_limits, allow_ips, \"group\", "
    "used_quota FROM tokens WHERE id = %" G_GINT64_FORMAT, result->new_id);
  row = nd_test_pg_query (fx.pg, fx.db, sql);
  g_assert_cmpstr (PQgetvalue (row, 0, 0), ==, key);
  g_assert_cmpint (g_ascii_strtoll (PQgetvalue (row, 0, 1), NULL, 10), ==, owner);
  g_assert_cmpstr (PQgetvalue (row, 0, 2), ==, "1");
  g_assert_cmpstr (PQgetvalue (row, 0, 3), ==, "部署 key");
  g_assert_cmpint (g_ascii_strtoll (PQgetvalue (row, 0, 4), NULL, 10), >=, now_s () - 60);
  g_assert_cmpstr (PQgetvalue (row, 0, 4), ==, PQgetvalue (row, 0, 5));
  g_assert_cmpint (g_ascii_strtoll (PQgetvalue (row, 0, 6), NULL, 10), ==, expires);
  g_assert_cmpstr (PQgetvalue (row, 0, 7), ==, "250000");
  g_assert_cmpstr (PQgetvalue (row, 0, 8), ==, "f");
  g_assert_cmpstr (PQgetvalue (row, 0, 9), ==, "t");
  g_assert_cmpstr (PQgetvalue (row, 0, 10), ==, "gpt-4o-mini,deepseek-chat");
  g_assert_cmpstr (PQgetvalue (row, 0, 11), ==, "10.0.0.1\n192.168.1.0/24");
  g_assert_cmpstr (PQgetvalue (row, 0, 12), ==, "vip");
  g_assert_cmpstr (PQgetvalue (row, 0, 13), ==, "0");

  revealed = reveal (fx.source, result->new_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (revealed, ==, key);

  owner_name = text (&fx, "SELECT username FROM users WHERE id = %" G_GINT64_FORMAT, owner);
  g_assert_true (last_audit (fx.pg, fx.db, &audit));
  g_assert_cmpstr (audit.content, ==, "token.admin_create");
  params = audit_params (&audit, "token.admin_create");
  g_assert_cmpint (json_object_get_int_member (params, "target_user_id"), ==, owner);
  g_assert_cmpstr (json_object_get_string_member (params, "target_username"), ==, owner_name);
  g_assert_cmpint (json_object_get_int_member (params, "token_id"), ==, result->new_id);
  g_assert_cmpstr (json_object_get_string_member (params, "token_name"), ==, "部署 key");
  /* The key is a secret: never in an audit row. */
  g_assert_cmpint (scalar (&fx, "SELECT count (*) FROM logs WHERE other LIKE '%%%s%%' "
                                "OR content LIKE '%%%s%%'", key, key), ==, 0);
}

/* The operator's own token, with NewAPI's defaults for what the form left
 * alone: never expires, no quota, any model, any address, the owner's
 * group. NewAPI audits nothing a user does with their own tokens. */
static void
test_create_own (gconstpointer data)
{
  FX (data, "create_own");
  NdTokenEdit *e = nd_token_edit_new ();
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) row = NULL;
  g_autofree char *sql = NULL;
  gint64 audits = n_audits (&fx);
  gint64 root = scalar (&fx, "SELECT min (id) FROM users WHERE role >= 100");

  e->mask = ND_TOKEN_FIELD_NAME | ND_TOKEN_FIELD_UNLIMITED;
  e->name = g_strdup ("ops");
  e->unlimited_quota = TRUE;
  result = run (fx.source, nd_write_token_create_new (e), &error);
  g_assert_no_error (error);
  sql = g_strdup_printf ("SELECT user_id, expired_time, remain_quota, unlimited_quota, "
                         "model_limits_enabled, allow_ips, \"group\" FROM tokens WHERE id = %"
                         G_GINT64_FORMAT, result->new_id);
  row = nd_test_pg_query (fx.pg, fx.db, sql);
  g_assert_cmpint (g_ascii_strtoll (PQgetvalue (row, 0, 0), NULL, 10), ==, root);
  g_assert_cmpstr (PQgetvalue (row, 0, 1), ==, "-1");
  g_assert_cmpstr (PQgetvalue (row, 0, 2), ==, "0");
  g_assert_cmpstr (PQgetvalue (row, 0, 3), ==, "t");
  g_assert_cmpstr (PQgetvalue (row, 0, 4), ==, "f");
  g_assert_cmpstr (PQgetvalue (row, 0, 5), ==, "");
  g_assert_cmpstr (PQgetvalue (row, 0, 6), ==, "");
  g_assert_cmpint (n_audits (&fx), ==, audits);
}

/* Bad input and unknown owners or groups: a clear message, no token. */
static void
test_create_refused (gconstpointer data)
{
  FX (data, "create_refused");
  gint64 tokens = scalar (&fx, "SELECT count (*) FROM tokens");
  gint64 audits = n_audits (&fx);
  struct { const char *name; gint64 quota; gint64 owner; const char *group; int code; } cases[] = {
    { NULL, 0, 0, NULL, ND_ERROR_INVALID_INPUT },   /* 51 characters */
    { "negative", -1, 0, NULL, ND_ERROR_INVALID_INPUT },
    { "nobody", 0, 999999, NULL, ND_ERROR_NOT_FOUND },
    { "no such group", 0, 0, "platinum", ND_ERROR_INVALID_INPUT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      NdTokenEdit *e = nd_token_edit_new ();
      g_autoptr(NdWriteResult) result = NULL;
      g_autoptr(GError) error = NULL;

      e->mask = ND_TOKEN_FIELD_NAME | ND_TOKEN_FIELD_REMAIN_QUOTA;
      e->name = cases[i].name ? g_strdup (cases[i].name) : g_strnfill (51, 'x');
      e->remain_quota = cases[i].quota;
      e->user_id = cases[i].owner;
      if (cases[i].group != NULL)
        {
          e->mask |= ND_TOKEN_FIELD_GROUP;
          e->group = g_strdup (cases[i].group);
        }
      result = run (fx.source, nd_write_token_create_new (e), &error);
      g_assert_error (error, ND_ERROR, cases[i].code);
      g_assert_null (result);
      g_assert_cmpint (scalar (&fx, "SELECT count (*) FROM tokens"), ==, tokens);
    }
  g_assert_cmpint (n_audits (&fx), ==, audits);
}

/* ---- enable, disable, edit, delete --------------------------------------- */

static gint64
make_token (Fx *fx, gint64 owner, gint64 expires, gint64 remain, gboolean unlimited, int status)
{
  NdTokenEdit *e = nd_token_edit_new ();
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  e->mask = ND_TOKEN_FIELD_NAME | ND_TOKEN_FIELD_REMAIN_QUOTA | ND_TOKEN_FIELD_UNLIMITED;
  e->user_id = owner;
  e->name = g_strdup ("t");
  e->remain_quota = 1000;
  e->unlimited_quota = unlimited;
  result = run (fx->source, nd_write_token_create_new (e), &error);
  g_assert_no_error (error);
  /* Time passes and the token runs out: what NewAPI's relay leaves (an
   * unlimited token's quota still goes down, below zero). */
  sql = g_strdup_printf ("UPDATE tokens SET expired_time = %" G_GINT64_FORMAT ", status = %d, "
                         "remain_quota = %" G_GINT64_FORMAT " WHERE id = %" G_GINT64_FORMAT,
                         expires, status, remain, result->new_id);
  nd_test_pg_exec (fx->pg, fx->db, sql);
  return result->new_id;
}

static void
assert_refused (Fx *fx, gint64 id, const char *sentence)
{
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = text (fx, "SELECT status FROM tokens WHERE id = %" G_GINT64_FORMAT, id);
  gint64 audits = n_audits (fx);

  result = run (fx->source, nd_write_token_status_new (&id, 1, 1), &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, sentence);
  g_assert_null (result);
  g_assert_cmpint (scalar (fx, "SELECT status FROM tokens WHERE id = %" G_GINT64_FORMAT, id), ==,
                   atoi (before));
  g_assert_cmpint (n_audits (fx), ==, audits);
}

/* NewAPI's two refusals, word for word, whether the server stored the
 * state (3, 4) or left status 1 (Redis) or the token was disabled before
 * it ran out; fixing expiry or quota lets it be enabled again. */
static void
test_enable_refused (gconstpointer data)
{
  FX (data, "enable");
  gint64 owner = common_user (&fx);
  gint64 past = now_s () - 3600;
  gint64 expired = make_token (&fx, owner, past, 1000, FALSE, 3);
  gint64 expired_disabled = make_token (&fx, owner, past, 1000, FALSE, 2);
  gint64 exhausted = make_token (&fx, owner, -1, 0, FALSE, 4);
  gint64 exhausted_redis = make_token (&fx, owner, -1, -20, FALSE, 1);
  gint64 unlimited = make_token (&fx, owner, -1, -20, TRUE, 2);
  gint64 batch[2] = { unlimited, expired };
  g_autoptr(NdWriteResult) fixed = NULL;
  g_autoptr(NdWriteResult) enabled = NULL;
  g_autoptr(NdWriteResult) refused = NULL;
  g_autoptr(GError) error = NULL;
  NdTokenEdit *e;

  assert_refused (&fx, expired, EXPIRED_SENTENCE);
  assert_refused (&fx, expired_disabled, EXPIRED_SENTENCE);
  assert_refused (&fx, exhausted, EXHAUSTED_SENTENCE);
  assert_refused (&fx, exhausted_redis, EXHAUSTED_SENTENCE);

  /* A batch names the token and changes none of them. */
  refused = run (fx.source, nd_write_token_status_new (batch, 2, 1), &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, EXPIRED_SENTENCE));
  g_assert_nonnull (strstr (error->message, "#"));
  g_assert_cmpint (scalar (&fx, "SELECT status FROM tokens WHERE id = %" G_GINT64_FORMAT,
                           unlimited), ==, 2);
  g_clear_error (&error);

  e = nd_token_edit_new ();
  e->mask = ND_TOKEN_FIELD_EXPIRED_TIME;
  e->expired_time = -1;
  fixed = run (fx.source, nd_write_token_update_new (expired, e), &error);
  g_assert_no_error (error);
  enabled = run (fx.source, nd_write_token_status_new (batch, 2, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpint (enabled->changed, ==, 2);
  g_assert_cmpint (scalar (&fx, "SELECT count (*) FROM tokens WHERE status = 1 AND id IN (%"
                                G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")", expired, unlimited),
                   ==, 2);
}

/* An edit changes only what the form set; disabling and deleting another
 * user's token leave NewAPI's admin rows; a deleted token is gone from the
 * list and cannot be revealed, its row kept (soft delete). */
static void
test_edit_disable_delete (gconstpointer data)
{
  FX (data, "edit");
  gint64 owner = common_user (&fx);
  gint64 id = make_token (&fx, owner, -1, 5000, FALSE, 1);
  NdTokenEdit *e = nd_token_edit_new ();
  g_autoptr(NdWriteResult) edited = NULL;
  g_autoptr(NdWriteResult) disabled = NULL;
  g_autoptr(NdWriteResult) deleted = NULL;
  g_autoptr(NdListPage) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *edit = NULL;
  g_auto(Audit) audit = { 0 };
  gint64 audits = n_audits (&fx);

  e->mask = ND_TOKEN_FIELD_NAME | ND_TOKEN_FIELD_REMAIN_QUOTA;
  e->name = g_strdup ("renamed");
  e->remain_quota = 7000;
  edited = run (fx.source, nd_write_token_update_new (id, e), &error);
  g_assert_no_error (error);
  edit = text (&fx, "SELECT name || '/' || remain_quota || '/' || expired_time FROM tokens "
                    "WHERE id = %" G_GINT64_FORMAT, id);
  g_assert_cmpstr (edit, ==, "renamed/7000/-1");

  disabled = run (fx.source, nd_write_token_status_new (&id, 1, 2), &error);
  g_assert_no_error (error);
  g_assert_cmpint (disabled->changed, ==, 1);
  g_assert_cmpint (scalar (&fx, "SELECT status FROM tokens WHERE id = %" G_GINT64_FORMAT, id),
                   ==, 2);

  deleted = run (fx.source, nd_write_token_delete_new (&id, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpint (scalar (&fx, "SELECT count (*) FROM tokens WHERE deleted_at IS NOT NULL AND "
                                "id = %" G_GINT64_FORMAT, id), ==, 1);
  after = list_tokens (fx.source, owner);
  g_assert_null (find (after, id));
  gone = reveal (fx.source, id, &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_NOT_FOUND);
  g_assert_null (gone);

  g_assert_cmpint (n_audits (&fx), ==, audits + 3);
  g_assert_true (last_audit (fx.pg, fx.db, &audit));
  g_assert_cmpint (json_object_get_int_member (audit_params (&audit, "token.admin_delete"),
                                               "token_id"), ==, id);
}

/* Read-only: refused before anything is sent. */
static void
test_read_only (gconstpointer data)
{
  FX (data, "read_only");
  g_autoptr(NdSource) ro = open_source (fx.dsn, NULL, TRUE, 0);
  NdTokenEdit *e = nd_token_edit_new ();
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 tokens = scalar (&fx, "SELECT count (*) FROM tokens");

  e->name = g_strdup ("ro");
  result = run (ro, nd_write_token_create_new (e), &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_READ_ONLY);
  g_assert_cmpint (scalar (&fx, "SELECT count (*) FROM tokens"), ==, tokens);
  nd_source_close (ro);
}

/* ---- the command ---------------------------------------------------------- */

/* `tokens list --json`: the fields the README promises, keys only masked
 * (no full key of the database appears anywhere in the output). */
static void
test_cli_list (gconstpointer data)
{
  FX (data, "cli");
  const char *args[] = { "tokens", "list", "--dsn", fx.dsn, "--json", "--user", "1", NULL };
  const char *all_args[] = { "tokens", "list", "--dsn", fx.dsn, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *table = NULL;
  g_autofree char *table_err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(PGresult) keys = nd_test_pg_query (fx.pg, fx.db, "SELECT \"key\" FROM tokens");
  JsonArray *items;

  g_assert_cmpint (nd_test_run (ND_DESK_EXE, args, NULL, &out, &err), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  items = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpint (json_array_get_length (items), ==,
                   scalar (&fx, "SELECT count (*) FROM tokens WHERE user_id = 1 AND "
                                "deleted_at IS NULL"));
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *o = json_array_get_object_element (items, i);
      static const char * const members[] = { "id", "user_id", "name", "status",
        "effective_status", "remain_quota", "used_quota", "unlimited_quota", "expired_time",
        "group", "key_masked" };
      gint64 id = json_object_get_int_member (o, "id");
      g_autofree char *want = text (&fx, "SELECT 'sk-' || left (\"key\", 4) || '**********' || "
                                         "right (\"key\", 4) FROM tokens WHERE id = %"
                                         G_GINT64_FORMAT, id);

      for (guint m = 0; m < G_N_ELEMENTS (members); m++)
        g_assert_true (json_object_has_member (o, members[m]));
      g_assert_cmpint (json_object_get_int_member (o, "user_id"), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (o, "key_masked"), ==, want);
      g_assert_false (json_object_has_member (o, "key"));
    }

  g_assert_cmpint (nd_test_run (ND_DESK_EXE, all_args, NULL, &table, &table_err), ==, 0);
  for (int i = 0; i < PQntuples (keys); i++)
    {
      g_assert_null (strstr (out, PQgetvalue (keys, i, 0)));
      g_assert_null (strstr (table, PQgetvalue (keys, i, 0)));
    }
  g_assert_nonnull (strstr (table, "exhausted"));
}

/* The page's filters run in the database: a status of expired or
 * exhausted is what the rows are now (NewAPI with Redis never stores it),
 * a group, and a search that finds a masked key or an owner's name. */
static NdListPage *
list_where (NdSource *source, const char *search, int status, const char *group)
{
  NdListQuery q = { .limit = 1000, .status = status };
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  NdListPage *page;

  q.search = (char *) search;
  q.group = (char *) group;
  nd_source_list_tokens_async (source, &q, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  page = nd_source_list_finish (source, res, &error);
  g_assert_no_error (error);
  return page;
}

static const char *
only_name (NdListPage *page)
{
  g_assert_cmpuint (page->items->len, ==, 1);
  return ((NdToken *) g_ptr_array_index (page->items, 0))->name;
}

static void
test_filters (gconstpointer data)
{
  FX (data, "filters");
  gint64 owner = scalar (&fx, "SELECT max(id) FROM users WHERE deleted_at IS NULL");
  g_autofree char *masked = NULL;
  g_autofree char *username = NULL;
  g_autoptr(NdListPage) expired = NULL;
  g_autoptr(NdListPage) exhausted = NULL;
  g_autoptr(NdListPage) enabled = NULL;
  g_autoptr(NdListPage) by_key = NULL;
  g_autoptr(NdListPage) by_owner = NULL;
  g_autoptr(NdListPage) none = NULL;

  g_free (text (&fx, "INSERT INTO tokens (user_id, \"key\", status, name, created_time, accessed_time,"
                " expired_time, remain_quota, unlimited_quota, model_limits_enabled, model_limits,"
                " \"group\") VALUES"
                " (%" G_GINT64_FORMAT ", 'fltAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAAAA', 1, 'f-past',"
                " 1, 0, %" G_GINT64_FORMAT ", 100, false, false, '', 'filtgrp'),"
                " (%" G_GINT64_FORMAT ", 'fltBxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxBBBB', 1, 'f-empty',"
                " 1, 0, -1, 0, false, false, '', 'filtgrp'),"
                " (%" G_GINT64_FORMAT ", 'fltCxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxCCCC', 1, 'f-good',"
                " 1, 0, -1, 0, true, false, '', 'filtgrp') RETURNING id",
                owner, now_s () - 60, owner, owner));
  expired = list_where (fx.source, NULL, ND_TOKEN_STATUS_EXPIRED, "filtgrp");
  g_assert_cmpstr (only_name (expired), ==, "f-past");
  exhausted = list_where (fx.source, NULL, ND_TOKEN_STATUS_EXHAUSTED, "filtgrp");
  g_assert_cmpstr (only_name (exhausted), ==, "f-empty");
  enabled = list_where (fx.source, NULL, ND_TOKEN_STATUS_ENABLED, "filtgrp");
  g_assert_cmpstr (only_name (enabled), ==, "f-good");

  /* The masked key as the table shows it finds its token; the key's
   * middle, which only the key holds, finds nothing. */
  masked = g_strdup ("sk-fltC**********CCCC");
  by_key = list_where (fx.source, masked, 0, NULL);
  g_assert_cmpstr (only_name (by_key), ==, "f-good");
  none = list_where (fx.source, "xxxxxxxxxxxxxxxx", 0, "filtgrp");
  g_assert_cmpuint (none->items->len, ==, 0);
  username = text (&fx, "SELECT username FROM users WHERE id = %" G_GINT64_FORMAT, owner);
  by_owner = list_where (fx.source, username, 0, "filtgrp");
  g_assert_cmpuint (by_owner->items->len, ==, 3);
}

int
main (int argc, char **argv)
{
  static const struct { const char *name; GTestDataFunc func; } tests[] = {
    { "list", test_list },
    { "create", test_create },
    { "create-own", test_create_own },
    { "create-refused", test_create_refused },
    { "enable-refused", test_enable_refused },
    { "edit-disable-delete", test_edit_disable_delete },
    { "read-only", test_read_only },
    { "cli-list", test_cli_list },
    { "filters", test_filters },
  };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    {
      g_autofree char *n = g_strdup_printf ("/pg/tokens/new/%s", tests[i].name);
      g_autofree char *o = g_strdup_printf ("/pg/tokens/old/%s", tests[i].name);

      g_test_add_data_func (n, &variant_new, tests[i].func);
      g_test_add_data_func (o, &variant_old, tests[i].func);
    }
  return g_test_run ();
}
