/* test-http-channel.c — one channel in detail and its health checks over
 * NewAPI's admin API (get_channel, test_channel, update_balance,
 * fetch_models), against the fake in the NEW (rc.24) and OLD (v0.8)
 * dialects: what comes back, what NewAPI records, and what a read-only
 * profile refuses before sending
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "nd-http-wfx.h"

static NdChannel *
get_channel (NdSource *source, gint64 id, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_get_channel_async (source, id, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_get_channel_finish (source, res, error);
}

static NdChannelTest *
test_channel (NdSource *source, gint64 id, const char *model, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_test_channel_async (source, id, model, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_test_channel_finish (source, res, error);
}

static NdChannelBalance *
update_balance (NdSource *source, gint64 id, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_update_balance_async (source, id, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_update_balance_finish (source, res, error);
}

static GStrv
fetch_models (NdSource *source, gint64 id, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_fetch_models_async (source, id, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_fetch_models_finish (source, res, error);
}

static gint64
multi_key_channel (WFx *fx)
{
  return wfx_scalar (fx, "SELECT min (id) FROM channels WHERE channel_info::text LIKE "
                         "'%%\"is_multi_key\":true%%'");
}

/* ---- get_channel ---------------------------------------------------------- */

static void
test_get_channel (gconstpointer data)
{
  WFX (data, "get");
  gint64 id = wfx_scalar (&fx, "SELECT min (id) FROM channels WHERE model_mapping LIKE '{%%'");
  g_autofree char *mapping = wfx_text (&fx, "SELECT model_mapping FROM channels WHERE id = %"
                                            G_GINT64_FORMAT, id);
  g_autofree char *name = wfx_text (&fx, "SELECT name FROM channels WHERE id = %" G_GINT64_FORMAT, id);
  g_autofree char *call = g_strdup_printf ("GET /api/channel/%" G_GINT64_FORMAT, id);
  g_autoptr(NdChannel) ch = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (id, >, 0);
  ch = get_channel (fx.source, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (wfx_calls (&fx, call), ==, 1);
  g_assert_cmpint (ch->id, ==, id);
  g_assert_cmpstr (ch->name, ==, name);
  g_assert_cmpstr (ch->model_mapping, ==, mapping);
  g_assert_false (ch->is_multi_key);
  g_assert_null (ch->keys);
  g_assert_cmpuint (wfx_calls (&fx, "POST"), ==, 0);

  g_assert_null (get_channel (fx.source, 999999, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "record not found"));
}

/* Per-key status comes from get_key_status where the server has it (with
 * reasons, times and previews); never a key. */
static void
test_get_multi_key (gconstpointer data)
{
  WFX (data, "getmk");
  gint64 id = multi_key_channel (&fx);
  g_autofree char *keys = wfx_text (&fx, "SELECT \"key\" FROM channels WHERE id = %" G_GINT64_FORMAT, id);
  g_auto(GStrv) lines = g_strsplit (keys, "\n", -1);
  g_autoptr(NdChannel) ch = NULL;
  g_autoptr(GError) error = NULL;
  NdChannelKey *auto_off, *manual_off, *on;

  ch = get_channel (fx.source, id, &error);
  g_assert_no_error (error);
  g_assert_true (ch->is_multi_key);
  g_assert_cmpuint (ch->keys->len, ==, 5);
  on = g_ptr_array_index (ch->keys, 0);
  auto_off = g_ptr_array_index (ch->keys, 2);
  manual_off = g_ptr_array_index (ch->keys, 4);
  g_assert_cmpint (on->status, ==, 1);
  g_assert_cmpint (auto_off->status, ==, 3);
  g_assert_cmpint (manual_off->status, ==, 2);
  if (fx.mode->mode == ND_FAKE_NEWAPI_NEW)
    {
      g_assert_cmpuint (wfx_calls (&fx, "POST /api/channel/multi_key/manage"), ==, 1);
      g_assert_nonnull (strstr (wfx_body (&fx, "POST /api/channel/multi_key/manage"),
                                "\"action\":\"get_key_status\""));
      g_assert_cmpstr (auto_off->reason, ==, "Your credit balance is too low to access the Anthropic API.");
      g_assert_cmpint (auto_off->disabled_time, >, 0);
      for (guint i = 0; i < ch->keys->len; i++)
        {
          NdChannelKey *k = g_ptr_array_index (ch->keys, i);
          g_autofree char *head = g_strndup (g_strstrip (lines[i]), 4);
          g_autofree char *masked = g_strconcat (head, "***", NULL);

          /* NewAPI previews 10 characters; 4 are kept. */
          g_assert_cmpint (k->index, ==, (int) i);
          g_assert_cmpstr (k->preview, ==, masked);
          g_assert_null (strstr (k->preview, lines[i]));
        }
    }
  else
    {
      /* No per-key endpoint: channel_info's statuses, no previews. */
      g_assert_cmpuint (wfx_calls (&fx, "POST /api/channel/multi_key/manage"), ==, 1);
      g_assert_null (on->preview);
    }
}

/* ---- test ----------------------------------------------------------------- */

static void
test_test_channel (gconstpointer data)
{
  WFX (data, "test");
  gint64 id = wfx_pick_channel (&fx, 1);
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  gint64 tests = wfx_scalar (&fx, "SELECT count (*) FROM logs WHERE type = 2 AND "
                                  "token_name = '模型测试' AND model_name = 'gpt-4o-mini'");
  g_autofree char *call = g_strdup_printf ("GET /api/channel/test/%" G_GINT64_FORMAT "?model=gpt-4o-mini", id);
  g_autoptr(NdChannelTest) ok = NULL;
  g_autoptr(NdChannelTest) failed = NULL;
  g_autoptr(GError) error = NULL;

  ok = test_channel (fx.source, id, "gpt-4o-mini", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (wfx_calls (&fx, call), ==, 1);
  g_assert_true (ok->ok);
  g_assert_cmpint (ok->latency_ms, ==, 250);
  g_assert_cmpstr (ok->model, ==, "gpt-4o-mini");
  g_assert_null (ok->message);
  g_assert_true (ok->recorded);
  /* NewAPI recorded it, with a consume log. */
  g_assert_cmpint (wfx_scalar (&fx, "SELECT response_time FROM channels WHERE id = %" G_GINT64_FORMAT, id),
                   ==, 250);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT test_time FROM channels WHERE id = %" G_GINT64_FORMAT, id),
                   >=, before);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM logs WHERE type = 2 AND "
                                    "token_name = '模型测试' AND model_name = 'gpt-4o-mini'"), ==, tests + 1);

  /* A failing upstream: a result, not an error; its key masked; nothing
   * recorded. */
  nd_test_pg_exec (fx.pg, fx.db, "UPDATE channels SET response_time = 4321");
  nd_fake_newapi_fail_upstream (fx.fake, id, "Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz0123",
                                "invalid_api_key");
  failed = test_channel (fx.source, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (failed->ok);
  g_assert_cmpint (failed->latency_ms, ==, 1500);
  g_assert_cmpstr (failed->error_code, ==, "invalid_api_key");
  g_assert_nonnull (strstr (failed->message, "Incorrect API key provided"));
  g_assert_null (strstr (failed->message, "abcdefghijklmnopqrstuvwxyz0123"));
  g_assert_false (failed->recorded);
  g_assert_null (failed->model);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT response_time FROM channels WHERE id = %" G_GINT64_FORMAT, id),
                   ==, 4321);

  /* A type NewAPI never tests: failed at once, no latency. */
  {
    g_autoptr(NdChannelTest) never = NULL;
    gint64 other = wfx_scalar (&fx, "SELECT max (id) FROM channels WHERE status = 1");
    g_autofree char *sql = g_strdup_printf ("UPDATE channels SET type = 36 WHERE id = %"
                                            G_GINT64_FORMAT, other);

    nd_test_pg_exec (fx.pg, fx.db, sql);
    never = test_channel (fx.source, other, NULL, &error);
    g_assert_no_error (error);
    g_assert_false (never->ok);
    g_assert_cmpint (never->latency_ms, ==, -1);
    g_assert_nonnull (strstr (never->message, "does not support testing"));
  }
  /* No such channel: NewAPI refuses; that is an error. */
  {
    g_autoptr(NdChannelTest) none = test_channel (fx.source, 999999, NULL, &error);

    g_assert_null (none);
    g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
    g_assert_nonnull (strstr (error->message, "record not found"));
  }
}

/* ---- balance, models -------------------------------------------------------- */

static void
test_balance (gconstpointer data)
{
  WFX (data, "balance");
  gint64 deepseek = wfx_scalar (&fx, "SELECT min (id) FROM channels WHERE type = 43 AND "
                                     "channel_info::text NOT LIKE '%%\"is_multi_key\":true%%'");
  gint64 anthropic = wfx_scalar (&fx, "SELECT min (id) FROM channels WHERE type = 14 AND "
                                      "channel_info::text NOT LIKE '%%\"is_multi_key\":true%%'");
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(NdChannelBalance) balance = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (deepseek, >, 0);
  g_assert_cmpint (anthropic, >, 0);
  balance = update_balance (fx.source, deepseek, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (balance->balance, ==, 12.5);
  g_assert_true (balance->recorded);
  g_assert_null (balance->raw_response);
  g_assert_cmpint (balance->updated_time, >=, before);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT (balance * 10)::bigint FROM channels WHERE id = %"
                                    G_GINT64_FORMAT, deepseek), ==, 125);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT balance_updated_time FROM channels WHERE id = %"
                                    G_GINT64_FORMAT, deepseek), >=, before);

  /* NewAPI's refusals, verbatim. */
  {
    g_autoptr(NdChannelBalance) none = update_balance (fx.source, anthropic, &error);

    g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
    g_assert_nonnull (strstr (error->message, "尚未实现"));
    g_clear_error (&error);
  }
  {
    g_autoptr(NdChannelBalance) none = update_balance (fx.source, multi_key_channel (&fx), &error);

    g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
    g_assert_nonnull (strstr (error->message, "多密钥渠道不支持余额查询"));
    g_clear_error (&error);
  }
  nd_fake_newapi_fail_upstream (fx.fake, deepseek, "connection reset by peer", NULL);
  {
    g_autoptr(NdChannelBalance) none = update_balance (fx.source, deepseek, &error);

    g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
    g_assert_nonnull (strstr (error->message, "connection reset by peer"));
  }
}

static void
test_fetch_models (gconstpointer data)
{
  WFX (data, "models");
  gint64 id = wfx_pick_channel (&fx, 1);
  g_autoptr(NdSource) ro = wfx_source_as (&fx, 100, TRUE, TRUE);
  g_autofree char *call = g_strdup_printf ("GET /api/channel/fetch_models/%" G_GINT64_FORMAT, id);
  g_auto(GStrv) models = NULL;
  g_autoptr(GError) error = NULL;

  /* Reading only: a read-only profile may. */
  models = fetch_models (ro, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (wfx_calls (&fx, call), ==, 1);
  g_assert_cmpuint (g_strv_length (models), ==, 3);
  g_assert_cmpstr (models[0], ==, "gpt-4o");
  g_assert_cmpstr (models[2], ==, "o3-mini");
  g_clear_pointer (&models, g_strfreev);

  nd_fake_newapi_fail_upstream (fx.fake, id, "HTTP 401", NULL);
  models = fetch_models (ro, id, &error);
  g_assert_null (models);
  g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "获取模型列表失败: HTTP 401"));
  nd_source_close (ro);
}

/* Testing and reading a balance make NewAPI store something: a read-only
 * profile refuses them before any request. */
static void
test_read_only (gconstpointer data)
{
  WFX (data, "ro");
  g_autoptr(NdSource) ro = wfx_source_as (&fx, 100, TRUE, TRUE);
  gint64 id = wfx_pick_channel (&fx, 1);
  g_autoptr(NdChannelTest) test = NULL;
  g_autoptr(NdChannelBalance) balance = NULL;
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;

  nd_fake_newapi_reset_log (fx.fake);
  test = test_channel (ro, id, NULL, &e1);
  balance = update_balance (ro, id, &e2);
  g_assert_error (e1, ND_ERROR, ND_ERROR_READ_ONLY);
  g_assert_error (e2, ND_ERROR, ND_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (e1->message, "stores the result"));
  g_assert_cmpuint (nd_fake_newapi_get_calls (fx.fake)->len, ==, 0);
  nd_source_close (ro);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  nd_http_fx_add ("channel/get", test_get_channel);
  nd_http_fx_add ("channel/get-multi-key", test_get_multi_key);
  nd_http_fx_add ("channel/test", test_test_channel);
  nd_http_fx_add ("channel/balance", test_balance);
  nd_http_fx_add ("channel/fetch-models", test_fetch_models);
  nd_http_fx_add ("channel/read-only", test_read_only);
  return g_test_run ();
}
