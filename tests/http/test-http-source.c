/* test-http-source.c — NdHttpSource against the fake NewAPI: probe, auth and roles, transport
 * errors, rate limits, and the catalogue lists, in the NEW (rc.24) and OLD
 * (v0.8) dialects
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-http-fx.h"

/* ---- probe, auth, roles ------------------------------------------------- */

static void
test_probe (gconstpointer data)
{
  const Mode *mode = data;
  FX (mode);
  NdServerInfo *info = fx.info;
  g_autofree char *bearer = g_strconcat ("Bearer ", fx.token, NULL);
  g_autofree char *uid = g_strdup_printf ("%" G_GINT64_FORMAT, fx.admin_id);

  g_assert_cmpint (info->kind, ==, ND_SOURCE_KIND_HTTP);
  g_assert_cmpint (info->role, ==, 100);
  g_assert_cmpstr (info->username, ==, "root");
  g_assert_cmpfloat (info->money->quota_per_unit, ==, 500000);
  g_assert_cmpint (info->facts_lag_seconds, ==, 300);
  g_assert_nonnull (nd_server_info_get_facts_caveat (info));
  g_assert_true (nd_server_info_has (info, ND_CAP_LOGS | ND_CAP_LOG_EXPORT | ND_CAP_CHANNELS |
                                           ND_CAP_USERS | ND_CAP_REDEMPTIONS | ND_CAP_MODELS |
                                           ND_CAP_FACTS | ND_CAP_FACTS_ERRORS));
  /* What HTTP cannot do is not claimed. */
  g_assert_false (nd_server_info_has (info, ND_CAP_LOG_IP_FILTER));
  g_assert_false (nd_server_info_has (info, ND_CAP_FACTS_LATENCY));
  g_assert_false (nd_server_info_has (info, ND_CAP_TOKENS_ALL_USERS));
  g_assert_false (nd_server_info_has (info, ND_CAP_WRITE));   /* read-only source */
  if (mode->mode == ND_FAKE_NEWAPI_NEW)
    {
      g_assert_cmpstr (info->newapi_version, ==, "v1.0.0-rc.24");
      g_assert_true (nd_server_info_has (info, ND_CAP_LOG_REQUEST_ID | ND_CAP_FACTS_USER |
                                               ND_CAP_FACTS_CHANNEL | ND_CAP_FACTS_TOKEN));
    }
  else
    {
      g_assert_cmpstr (info->newapi_version, ==, "v0.8.4");
      g_assert_false (nd_server_info_has (info, ND_CAP_LOG_REQUEST_ID));
      g_assert_false (nd_server_info_has (info, ND_CAP_FACTS_USER));
      g_assert_false (nd_server_info_has (info, ND_CAP_FACTS_CHANNEL));
    }
  /* Both headers, always. */
  g_assert_true (nd_fake_newapi_saw_header (fx.fake, "Authorization", bearer));
  g_assert_true (nd_fake_newapi_saw_header (fx.fake, "New-Api-User", uid));
}

static GError *
probe_as (Fx *fx, gint64 user_id, const char *token)
{
  g_autoptr(NdSource) s = nd_http_source_new (nd_fake_newapi_get_url (fx->fake), user_id, token, TRUE);
  g_autoptr(NdServerInfo) info = NULL;
  GError *error = NULL;

  info = probe (s, &error);
  g_assert_null (info);
  if (token)
    g_assert_null (strstr (error->message, token));
  return error;
}

static void
test_wrong_token (gconstpointer data)
{
  FX (data);
  g_autoptr(GError) error = probe_as (&fx, fx.admin_id, "not-a-valid-token-at-all");

  /* NEW: 401 AUTH_UNAUTHORIZED. OLD: HTTP 200 + success=false "access token 无效". */
  g_assert_error (error, ND_ERROR, ND_ERROR_AUTH);
}

static void
test_wrong_user_id (gconstpointer data)
{
  const Mode *mode = data;
  FX (mode);
  g_autoptr(NdSource) s = nd_http_source_new (nd_fake_newapi_get_url (fx.fake), fx.admin_id + 1,
                                              fx.token, TRUE);
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = probe (s, &error);
  if (mode->mode == ND_FAKE_NEWAPI_OLD)
    {
      /* Old servers insist that New-Api-User is the token's owner (401). */
      g_assert_null (info);
      g_assert_error (error, ND_ERROR, ND_ERROR_AUTH);
      g_assert_nonnull (strstr (error->message, "New-Api-User"));
    }
  else
    {
      /* rc.22+ ignores the header; the probe reports who we really are. */
      g_assert_no_error (error);
      g_assert_cmpint (info->user_id, ==, fx.admin_id);
    }
}

static void
test_common_user_refused (gconstpointer data)
{
  FX (data);
  gint64 uid = nd_fake_newapi_find_user (fx.fake, 1);
  g_autofree char *token = nd_fake_newapi_dup_token (fx.fake, uid);
  g_autoptr(GError) error = NULL;

  if (!nd_test_require (uid > 0, "a common user with an access token in the fixture"))
    return;
  error = probe_as (&fx, uid, token);
  g_assert_error (error, ND_ERROR, ND_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "role 1"));
}

static void
test_admin_endpoint_as_common_user (gconstpointer data)
{
  FX (data);
  gint64 uid = nd_fake_newapi_find_user (fx.fake, 1);
  g_autofree char *token = nd_fake_newapi_dup_token (fx.fake, uid);
  g_autoptr(NdSource) s = NULL;
  g_autoptr(NdListPage) page = NULL;
  g_autoptr(GError) error = NULL;
  NdListQuery q = { .limit = 10 };

  if (!nd_test_require (uid > 0, "a common user with an access token in the fixture"))
    return;
  /* No probe: straight to an admin endpoint. NEW: 403; OLD: 200 + "权限不足". */
  s = nd_http_source_new (nd_fake_newapi_get_url (fx.fake), uid, token, TRUE);
  page = list (s, nd_source_list_users_async, &q, &error);
  g_assert_null (page);
  g_assert_error (error, ND_ERROR, ND_ERROR_PERMISSION);
}

/* ---- transport errors --------------------------------------------------- */

static void
expect_status_error (Fx *fx, NdFakeFault fault, int code, const char *fragment)
{
  g_autoptr(GError) error = NULL;

  nd_fake_newapi_set_fault (fx->fake, "/api/status", fault);
  g_clear_pointer (&fx->info, nd_server_info_unref);
  fx->info = probe (fx->source, &error);
  g_assert_null (fx->info);
  g_assert_error (error, ND_ERROR, code);
  if (fragment && !strstr (error->message, fragment))
    g_error ("“%s” not in “%s”", fragment, error->message);
  nd_fake_newapi_set_fault (fx->fake, "/api/status", ND_FAKE_FAULT_NONE);
}

static void
test_bad_replies (gconstpointer data)
{
  FX (data);

  expect_status_error (&fx, ND_FAKE_FAULT_MALFORMED, ND_ERROR_PROTOCOL, "did not answer with JSON");
  expect_status_error (&fx, ND_FAKE_FAULT_BAD_JSON, ND_ERROR_PROTOCOL, "malformed or cut off");
  expect_status_error (&fx, ND_FAKE_FAULT_TRUNCATED, ND_ERROR_PROTOCOL, "malformed or cut off");
  expect_status_error (&fx, ND_FAKE_FAULT_NOT_ENVELOPE, ND_ERROR_PROTOCOL, "not a NewAPI reply");
  expect_status_error (&fx, ND_FAKE_FAULT_SERVER_ERROR, ND_ERROR_SERVER, "database is locked");
  expect_status_error (&fx, ND_FAKE_FAULT_DEEP, ND_ERROR_PROTOCOL, "nested more than");
  /* success=false: the server's own words, verbatim. */
  expect_status_error (&fx, ND_FAKE_FAULT_REFUSE, ND_ERROR_SERVER, "数据库错误，请稍后重试");
}

static void
test_large_reply_parsed_in_thread (gconstpointer data)
{
  FX (data);
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_autoptr(NdLogPage) page = NULL;
  g_autoptr(GError) error = NULL;

  NdHttpClient *client = nd_http_source_get_client (ND_HTTP_SOURCE (fx.source));
  guint before = nd_http_client_get_n_thread_parses (client);

  /* A small reply is parsed where it arrives (a thread costs more). */
  page = query_logs (fx.source, q, NULL, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->rows->len, ==, 5);
  g_assert_cmpuint (nd_http_client_get_n_thread_parses (client), ==, before);
  g_clear_pointer (&page, nd_log_page_free);

  /* 100 logs with their `other` JSON exceed ND_HTTP_THREAD_PARSE_BYTES:
   * parsed in a worker, so the window keeps drawing meanwhile. */
  page = query_logs (fx.source, q, NULL, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->rows->len, ==, 100);
  g_assert_cmpuint (nd_http_client_get_n_thread_parses (client), ==, before + 1);
}

static void
test_timeout (gconstpointer data)
{
  FX (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(NdSource) s = nd_http_source_new (nd_fake_newapi_get_url (fx.fake), fx.admin_id,
                                              fx.token, TRUE);
  g_autoptr(NdServerInfo) info = NULL;

  /* The timeout applies to new connections: a fresh source. */
  nd_http_client_set_timeout (nd_http_source_get_client (ND_HTTP_SOURCE (s)), 1);
  nd_fake_newapi_set_delay (fx.fake, "/api/status", 3000);
  info = probe (s, &error);
  g_assert_null (info);
  g_assert_error (error, ND_ERROR, ND_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "did not answer in time"));
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (gconstpointer data)
{
  FX (data);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdListPage) page = NULL;
  g_autoptr(GError) error = NULL;
  NdListQuery q = { .limit = 10 };
  gint64 start = g_get_monotonic_time ();

  nd_fake_newapi_set_delay (fx.fake, "/api/user/", 5000);
  g_timeout_add (100, cancel_cb, cancellable);
  nd_source_list_users_async (fx.source, &q, cancellable, nd_test_store_result, &res);
  nd_test_wait (&res);
  page = nd_source_list_finish (fx.source, res, &error);
  g_assert_null (page);
  g_assert_true (nd_error_is_cancelled (error));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}

static void
test_rate_limit (gconstpointer data)
{
  FX (data);
  NdHttpClient *client = nd_http_source_get_client (ND_HTTP_SOURCE (fx.source));
  NdListQuery q = { .limit = 5 };
  g_autoptr(GError) error = NULL;
  NdListPage *page;
  gint64 start;

  /* Two 429s (Retry-After: 0), then success: retried transparently. */
  nd_fake_newapi_force_429 (fx.fake, 2, 0);
  page = list (fx.source, nd_source_list_users_async, &q, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 5);
  nd_list_page_free (page);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/user/"), ==, 3);

  /* No Retry-After: exponential back-off, bounded retries (4 here: five
   * requests, not one more), then RATE_LIMITED. */
  nd_fake_newapi_reset_log (fx.fake);
  nd_fake_newapi_force_429 (fx.fake, 100, -1);
  page = list (fx.source, nd_source_list_users_async, &q, &error);
  g_assert_null (page);
  g_assert_error (error, ND_ERROR, ND_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "after 4 retries"));
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/user/"), ==, 5);
  g_clear_error (&error);

  /* A Retry-After longer than we are willing to wait: fail at once. */
  nd_fake_newapi_reset_log (fx.fake);
  nd_fake_newapi_force_429 (fx.fake, 100, 3600);
  page = list (fx.source, nd_source_list_users_async, &q, &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_RATE_LIMITED);
  g_clear_error (&error);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/user/"), ==, 1);
  nd_fake_newapi_force_429 (fx.fake, 0, -1);

  /* A real window (3 requests / 1 s, as GLOBAL_API_RATE_LIMIT, which
   * answers a bare 429: no Retry-After): eight calls all succeed by backing
   * off. The default schedule (7 retries, 2 s doubling to 60 s) for the
   * default 180 s window, scaled down 180 times. */
  nd_http_client_set_backoff (client, 7, 2000 / 180, 60000 / 180);
  nd_fake_newapi_set_rate_limit (fx.fake, 3, 1);
  start = g_get_monotonic_time ();
  for (int i = 0; i < 8; i++)
    {
      page = list (fx.source, nd_source_list_users_async, &q, &error);
      g_assert_no_error (error);
      nd_list_page_free (page);
    }
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);
  nd_fake_newapi_set_rate_limit (fx.fake, 0, 0);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_close_stops_backoff (gconstpointer data)
{
  FX (data);
  NdHttpClient *client = nd_http_source_get_client (ND_HTTP_SOURCE (fx.source));
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdListPage) page = NULL;
  g_autoptr(GError) error = NULL;
  NdListQuery q = { .limit = 5 };
  gboolean settled = FALSE;
  gint64 start;

  /* A 429 without Retry-After: the client waits 5 s before retrying. */
  nd_http_client_set_backoff (client, 4, 5000, 60000);
  nd_fake_newapi_force_429 (fx.fake, 100, -1);
  nd_fake_newapi_reset_log (fx.fake);
  nd_source_list_users_async (fx.source, &q, NULL, nd_test_store_result, &res);
  g_timeout_add (300, set_flag, &settled);
  while (!settled)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/user/"), ==, 1);
  g_assert_null (res);

  /* Closing ends the wait now: the call fails as cancelled at once, and no
   * retry goes out from a closed source. */
  start = g_get_monotonic_time ();
  nd_source_close (fx.source);
  nd_test_wait (&res);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  page = nd_source_list_finish (fx.source, res, &error);
  g_assert_null (page);
  g_assert_true (nd_error_is_cancelled (error));
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/user/"), ==, 1);
  nd_fake_newapi_force_429 (fx.fake, 0, -1);
}

/* ---- catalogue ---------------------------------------------------------- */

static void
test_lists (gconstpointer data)
{
  const Mode *mode = data;
  FX (mode);
  g_autoptr(GAsyncResult) r1 = NULL, r2 = NULL, r3 = NULL;
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GError) error = NULL;
  NdListQuery q = { .offset = 7, .limit = 30 };
  NdListPage *page;
  g_auto(GStrv) groups = NULL;
  g_auto(GStrv) suggest = NULL;
  gint64 n_channels = sql_scalar (&fx, "SELECT count(*) FROM channels");

  /* Every channel, over several pages (0-based bare arrays on OLD): 110
   * more channels of one priority, which NewAPI pages in no stable order
   * unless asked to sort by id. */
  nd_test_pg_exec (fx.pg, fx.mode->db,
                   "INSERT INTO channels (id, type, \"key\", status, name, models, \"group\", "
                   "priority) SELECT 1000 + g, 1, 'sk-x', 1, 'extra-' || g, 'gpt-4o', 'default', "
                   "0 FROM generate_series(1, 110) g");
  n_channels += 110;
  nd_source_list_channels_async (fx.source, NULL, nd_test_store_result, &r1);
  nd_test_wait (&r1);
  channels = nd_source_list_channels_finish (fx.source, r1, &error);
  nd_test_pg_exec (fx.pg, fx.mode->db, "DELETE FROM channels WHERE id > 1000");
  g_assert_no_error (error);
  g_assert_cmpint (channels->len, ==, n_channels);
  for (guint i = 0; i < channels->len; i++)
    {
      NdChannel *ch = g_ptr_array_index (channels, i);

      g_assert_cmpint (ch->id, ==, i < 110 ? 1110 - (gint64) i
                                           : sql_scalar (&fx, "SELECT id FROM channels ORDER BY "
                                                              "id DESC OFFSET %u LIMIT 1", i - 110));
    }
  /* The multi-key channel says so (channel_info is an object). */
  g_assert_cmpint (sql_scalar (&fx, "SELECT count(*) FROM channels WHERE "
                                    "(channel_info->>'is_multi_key')::boolean"), >, 0);
  {
    guint multi = 0;

    for (guint i = 0; i < channels->len; i++)
      multi += ((NdChannel *) g_ptr_array_index (channels, i))->is_multi_key;
    g_assert_cmpuint (multi, ==, sql_scalar (&fx, "SELECT count(*) FROM channels WHERE "
                                                  "(channel_info->>'is_multi_key')::boolean"));
  }

  /* Users: an offset that is not a page multiple. */
  page = list (fx.source, nd_source_list_users_async, &q, &error);
  g_assert_no_error (error);
  g_assert_cmpint (page->total, ==, sql_scalar (&fx, "SELECT count(*) FROM users"));
  g_assert_cmpuint (page->items->len, ==, 30);
  g_assert_cmpint (((NdUser *) g_ptr_array_index (page->items, 0))->id, ==,
                   sql_scalar (&fx, "SELECT id FROM users ORDER BY id DESC OFFSET 7 LIMIT 1"));
  nd_list_page_free (page);

  /* Tokens: self-scoped, masked on every version. */
  q.offset = 0;
  q.limit = 3;
  page = list (fx.source, nd_source_list_tokens_async, &q, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==,
                    MIN (3, sql_scalar (&fx, "SELECT count(*) FROM tokens WHERE user_id = %" G_GINT64_FORMAT
                                        " AND deleted_at IS NULL", fx.admin_id)));
  for (guint i = 0; i < page->items->len; i++)
    {
      NdToken *t = g_ptr_array_index (page->items, i);

      g_assert_cmpint (t->user_id, ==, fx.admin_id);
      g_assert_nonnull (strstr (t->masked_key, "***"));
      g_assert_cmpuint (strlen (t->masked_key), ==, strlen ("sk-abcd**********wxyz"));
    }
  nd_list_page_free (page);

  /* Token search: part of a name (a new server matches exactly unless
   * told %…%; an old one answers every match at once, unpaged). */
  {
    PGresult *r = nd_test_pg_query (fx.pg, fx.mode->db,
                                    "SELECT substr(name, 2, 3) FROM tokens WHERE user_id = 1 AND "
                                    "deleted_at IS NULL AND length(name) > 4 ORDER BY id LIMIT 1");
    g_autofree char *part = g_strdup (PQgetvalue (r, 0, 0));
    gint64 n_match;
    NdListQuery sq = { .limit = 2 };

    PQclear (r);
    n_match = sql_scalar (&fx, "SELECT count(*) FROM tokens WHERE user_id = 1 AND deleted_at "
                               "IS NULL AND name LIKE '%%%s%%'", part);
    g_assert_cmpint (fx.admin_id, ==, 1);
    sq.search = part;
    page = list (fx.source, nd_source_list_tokens_async, &sq, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page->items->len, ==, MIN (2, n_match));
    g_assert_cmpint (page->total, ==, n_match);
    for (guint i = 0; i < page->items->len; i++)
      g_assert_nonnull (strstr (((NdToken *) g_ptr_array_index (page->items, i))->name, part));
    nd_list_page_free (page);
  }

  q.limit = 20;
  page = list (fx.source, nd_source_list_redemptions_async, &q, &error);
  g_assert_no_error (error);
  g_assert_cmpint (page->total, ==, sql_scalar (&fx, "SELECT count(*) FROM redemptions WHERE deleted_at IS NULL"));
  nd_list_page_free (page);

  q.limit = 500;
  page = list (fx.source, nd_source_list_models_async, &q, &error);
  g_assert_no_error (error);
  /* /api/pricing lists what enabled abilities serve but a disabled model,
   * as upstream does. */
  g_assert_cmpint (page->total, ==, sql_scalar (&fx, "SELECT count(DISTINCT model) FROM abilities "
                                                     "WHERE enabled AND model NOT IN (SELECT "
                                                     "model_name FROM models WHERE status <> 1 "
                                                     "AND deleted_at IS NULL)"));
  nd_list_page_free (page);

  nd_source_list_groups_async (fx.source, NULL, nd_test_store_result, &r2);
  nd_test_wait (&r2);
  groups = nd_source_strv_finish (fx.source, r2, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) groups, "default"));
  g_assert_cmpuint (g_strv_length (groups), ==,
                    sql_scalar (&fx, "SELECT count(*) FROM json_object_keys((SELECT value::json "
                                     "FROM options WHERE key = 'GroupRatio'))"));
  /* Sorted by name whatever order the server's map gives. */
  for (guint i = 1; groups[i]; i++)
    g_assert_cmpint (strcmp (groups[i - 1], groups[i]), <, 0);
  {
    g_autoptr(GAsyncResult) r4 = NULL;
    g_auto(GStrv) first = NULL;

    /* The limit cuts the sorted list, not the server's order. */
    nd_source_suggest_async (fx.source, ND_SUGGEST_GROUP, "", 2, NULL, nd_test_store_result, &r4);
    nd_test_wait (&r4);
    first = nd_source_strv_finish (fx.source, r4, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (first), ==, 2);
    g_assert_cmpstr (first[0], ==, groups[0]);
    g_assert_cmpstr (first[1], ==, groups[1]);
  }

  nd_source_suggest_async (fx.source, ND_SUGGEST_USERNAME, "ro", 5, NULL, nd_test_store_result, &r3);
  nd_test_wait (&r3);
  suggest = nd_source_strv_finish (fx.source, r3, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) suggest, "root"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  nd_http_fx_add ("probe", test_probe);
  nd_http_fx_add ("wrong-token", test_wrong_token);
  nd_http_fx_add ("wrong-user-id", test_wrong_user_id);
  nd_http_fx_add ("common-user-refused", test_common_user_refused);
  nd_http_fx_add ("admin-endpoint-as-common-user", test_admin_endpoint_as_common_user);
  nd_http_fx_add ("bad-replies", test_bad_replies);
  nd_http_fx_add ("large-reply", test_large_reply_parsed_in_thread);
  nd_http_fx_add ("timeout", test_timeout);
  nd_http_fx_add ("cancel", test_cancel);
  nd_http_fx_add ("rate-limit", test_rate_limit);
  nd_http_fx_add ("close-stops-backoff", test_close_stops_backoff);
  nd_http_fx_add ("lists", test_lists);
  return g_test_run ();
}
