/* test-upstream.c — NdUpstream's probes against a fake upstream: OpenAI,
 * Anthropic, Gemini and Azure; a wrong key, a slow upstream, a refused
 * connection, an error in a 200 body, no usage; and the key never shown
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "health/nd-upstream.h"
#include "nd-fake-upstream.h"
#include "nd-test.h"

#define GOOD "sk-good-0123456789abcdefghijklmnopqrstuvwx"
#define WRONG "sk-wrong-0123456789abcdefghijklmnopqrstuvw"

typedef struct {
  NdFakeUpstream *fake;
  NdUpstream *upstream;
} Fx;

static void
fx_setup (Fx *fx)
{
  g_autoptr(GError) error = NULL;

  fx->fake = nd_fake_upstream_new (&error);
  g_assert_no_error (error);
  fx->upstream = nd_upstream_new ();
}

static void
fx_teardown (Fx *fx)
{
  g_clear_object (&fx->upstream);
  g_clear_pointer (&fx->fake, nd_fake_upstream_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fx, fx_teardown)

static NdUpstreamTarget *
target (Fx *fx, int type, const char *key)
{
  NdUpstreamTarget *t = nd_upstream_target_new ();

  t->type = type;
  t->base_url = g_strdup (nd_fake_upstream_get_url (fx->fake));
  t->key = g_strdup (key);
  t->models = g_strdup ("gpt-4o,gpt-4o-mini");
  t->created_time = 1767225600;
  return t;
}

static NdChannelTest *
probe (Fx *fx, NdUpstreamTarget *t, const char *model, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_upstream_test_async (fx->upstream, t, model, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_upstream_test_finish (fx->upstream, res, error);
}

static void
assert_ok (Fx *fx, int type, const char *model, const char *want_line)
{
  g_autoptr(NdChannelTest) test = NULL;
  g_autoptr(GError) error = NULL;

  nd_fake_upstream_reset (fx->fake);
  test = probe (fx, target (fx, type, GOOD), model, &error);
  g_assert_no_error (error);
  if (!test->ok)
    g_error ("type %d model %s: %s", type, model ? model : "(list)", test->message);
  g_assert_null (test->message);
  g_assert_cmpint (test->latency_ms, >=, 0);
  g_assert_cmpstr (nd_fake_upstream_get_request (fx->fake, 0), ==, want_line);
}

/* A working key gets a working answer from every flavour, each asked the
 * way NewAPI asks it (the fake refuses any other auth header). */
static void
test_ok (void)
{
  g_auto(Fx) fx = { 0 };

  fx_setup (&fx);
  assert_ok (&fx, 1, NULL, "GET /v1/models");
  assert_ok (&fx, 1, "gpt-4o", "POST /v1/chat/completions");
  assert_ok (&fx, 14, NULL, "GET /v1/models");
  g_assert_cmpstr (nd_fake_upstream_get_header (fx.fake, 0, "x-api-key"), ==, GOOD);
  assert_ok (&fx, 14, "claude-sonnet-4", "POST /v1/messages");
  g_assert_cmpstr (nd_fake_upstream_get_header (fx.fake, 0, "anthropic-version"), ==, "2023-06-01");
  g_assert_null (nd_fake_upstream_get_header (fx.fake, 0, "Authorization"));
  assert_ok (&fx, 24, NULL, "GET /v1beta/models");
  /* Gemini's list is paged: the second page was asked too. */
  g_assert_cmpuint (nd_fake_upstream_get_n_requests (fx.fake), ==, 2);
  g_assert_cmpstr (nd_fake_upstream_get_request (fx.fake, 1), ==,
                   "GET /v1beta/models?pageToken=page-2");
  assert_ok (&fx, 24, "gemini-2.5-flash", "POST /v1beta/models/gemini-2.5-flash:generateContent");
  g_assert_cmpstr (nd_fake_upstream_get_header (fx.fake, 0, "x-goog-api-key"), ==, GOOD);
  assert_ok (&fx, 3, "gpt-4o", "POST /openai/deployments/gpt-4o/chat/completions"
                               "?api-version=2025-04-01-preview");
  g_assert_cmpstr (nd_fake_upstream_get_header (fx.fake, 0, "api-key"), ==, GOOD);
  assert_ok (&fx, 4, NULL, "GET /api/tags");
  assert_ok (&fx, 26, NULL, "GET /api/paas/v4/models");
  /* "" asks for the channel's own test model. */
  assert_ok (&fx, 1, "", "POST /v1/chat/completions");
  g_assert_nonnull (strstr (nd_fake_upstream_get_body (fx.fake, 0), "\"gpt-4o\""));
}

static void
test_models (void)
{
  g_auto(Fx) fx = { 0 };
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  fx_setup (&fx);
  nd_upstream_models_async (fx.upstream, target (&fx, 24, GOOD), NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  ids = nd_upstream_models_finish (fx.upstream, res, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ids), ==, 3);
  g_assert_cmpstr (ids[0], ==, "gemini-2.5-pro");
  g_assert_cmpstr (ids[2], ==, "gemini-2.0-flash");
  g_clear_object (&res);
  g_clear_pointer (&ids, g_strfreev);

  /* A wrong key is the upstream's refusal, in its words, without the key. */
  nd_upstream_models_async (fx.upstream, target (&fx, 1, WRONG), NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  ids = nd_upstream_models_finish (fx.upstream, res, &error);
  g_assert_null (ids);
  g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "status_code=401"));
  g_assert_null (strstr (error->message, WRONG));
}

/* A wrong key: 401 shown with the upstream's words; the key it quoted is
 * masked. */
static void
test_wrong_key (void)
{
  g_auto(Fx) fx = { 0 };
  g_autoptr(GError) error = NULL;

  fx_setup (&fx);
  for (int type = 0; type < 3; type++)
    {
      static const int types[] = { 1, 14, 24 };
      g_autoptr(NdChannelTest) test = probe (&fx, target (&fx, types[type], WRONG), "m", &error);

      g_assert_no_error (error);
      g_assert_false (test->ok);
      g_assert_true (g_str_has_prefix (test->message, "status_code=401, Incorrect API key"));
      g_assert_null (strstr (test->message, WRONG));
      g_assert_null (strstr (test->message, "0123456789abcdefghijklmnopq"));
      g_assert_cmpint (test->latency_ms, >=, 0);
    }
}

/* A slow upstream fails at the probe's own deadline (NewAPI's has none). */
static void
test_timeout (void)
{
  g_auto(Fx) fx = { 0 };
  g_autoptr(NdChannelTest) test = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  fx_setup (&fx);
  nd_fake_upstream_set_delay (fx.fake, 4000);
  nd_upstream_set_timeout (fx.upstream, 1);
  start = g_get_monotonic_time ();
  test = probe (&fx, target (&fx, 1, "sk-slow-0123456789abcdefghijklmnopqrstu"), NULL, &error);
  g_assert_no_error (error);
  g_assert_false (test->ok);
  g_assert_nonnull (strstr (test->message, "within 1 s"));
  g_assert_cmpint (test->latency_ms, >=, 900);
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 3000);
}

static void
test_refused (void)
{
  g_auto(Fx) fx = { 0 };
  g_autoptr(NdChannelTest) test = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dead = nd_fake_upstream_dead_url ();
  NdUpstreamTarget *t;

  fx_setup (&fx);
  t = target (&fx, 1, GOOD);
  g_free (t->base_url);
  t->base_url = g_strdup (dead);
  test = probe (&fx, t, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (test->ok);
  g_assert_nonnull (strstr (test->message, "connection refused"));
  g_assert_nonnull (strstr (test->message, dead));
}

/* A 200 is not enough: an "error" in it, or no usage, is a failure. */
static void
test_bad_200 (void)
{
  g_auto(Fx) fx = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(NdChannelTest) err200 = NULL;
  g_autoptr(NdChannelTest) nousage = NULL;
  g_autoptr(NdChannelTest) gemini = NULL;

  fx_setup (&fx);
  err200 = probe (&fx, target (&fx, 1, "sk-err200-0123456789abcdefghijklmnopqrs"), "gpt-4o", &error);
  g_assert_no_error (error);
  g_assert_false (err200->ok);
  g_assert_nonnull (strstr (err200->message, "upstream quota exhausted"));
  nousage = probe (&fx, target (&fx, 14, "sk-nousage-0123456789abcdefghijklmnopqr"), "c", &error);
  g_assert_false (nousage->ok);
  g_assert_nonnull (strstr (nousage->message, "usage"));
  gemini = probe (&fx, target (&fx, 24, "sk-nousage-0123456789abcdefghijklmnopqr"), "g", &error);
  g_assert_false (gemini->ok);
}

static void
test_cannot_probe (void)
{
  g_auto(Fx) fx = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(NdChannelTest) test = NULL;
  NdUpstreamTarget *t;

  fx_setup (&fx);
  test = probe (&fx, target (&fx, 2, GOOD), NULL, &error);
  g_assert_null (test);
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  t = target (&fx, 3, GOOD);
  g_clear_pointer (&t->base_url, g_free);
  test = probe (&fx, t, NULL, &error);
  g_assert_null (test);
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "base URL"));
  /* Nothing was sent for either. */
  g_assert_cmpuint (nd_fake_upstream_get_n_requests (fx.fake), ==, 0);
}

static void
test_header_override (void)
{
  g_auto(Fx) fx = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(NdChannelTest) test = NULL;
  NdUpstreamTarget *t;

  fx_setup (&fx);
  t = target (&fx, 1, WRONG);
  /* The override's key wins over the channel's (NewAPI applies it last). */
  t->header_override = g_strdup ("{\"Authorization\":\"Bearer " GOOD "\",\"X-Desk\":\"1\"}");
  test = probe (&fx, t, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (test->ok);
  g_assert_cmpstr (nd_fake_upstream_get_header (fx.fake, 0, "X-Desk"), ==, "1");
}

static void
test_balance (void)
{
  g_auto(Fx) fx = { 0 };
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdChannelBalance) balance = NULL;
  NdUpstreamTarget *t;

  fx_setup (&fx);
  nd_upstream_balance_async (fx.upstream, target (&fx, 1, GOOD), NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  balance = nd_upstream_balance_finish (fx.upstream, res, &error);
  g_assert_no_error (error);
  /* hard_limit_usd 120 − total_usage 2050 cents */
  g_assert_cmpfloat_with_epsilon (balance->balance, 99.5, 1e-9);
  g_assert_false (balance->recorded);
  g_assert_cmpint (balance->updated_time, >, 0);
  g_assert_cmpstr (nd_fake_upstream_get_request (fx.fake, 0), ==,
                   "GET /v1/dashboard/billing/subscription");
  g_assert_true (g_str_has_prefix (nd_fake_upstream_get_request (fx.fake, 1),
                                   "GET /v1/dashboard/billing/usage?start_date="));
  g_clear_object (&res);

  /* Multi-key channels are refused before anything is sent. */
  t = target (&fx, 1, GOOD);
  t->is_multi_key = TRUE;
  nd_upstream_balance_async (fx.upstream, t, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  g_assert_null (nd_upstream_balance_finish (fx.upstream, res, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
  g_assert_cmpuint (nd_fake_upstream_get_n_requests (fx.fake), ==, 2);
}

static void
test_cancel (void)
{
  g_auto(Fx) fx = { 0 };
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdChannelTest) test = NULL;

  fx_setup (&fx);
  nd_fake_upstream_set_delay (fx.fake, 3000);
  nd_upstream_test_async (fx.upstream, target (&fx, 1, "sk-slow-0123456789abcdefghijklmnopqrstu"),
                          NULL, cancel, nd_test_store_result, &res);
  g_timeout_add_once (100, (GSourceOnceFunc) g_cancellable_cancel, cancel);
  nd_test_wait (&res);
  test = nd_upstream_test_finish (fx.upstream, res, &error);
  /* Cancelling is not a failed test: it is silent. */
  g_assert_null (test);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/upstream/ok", test_ok);
  g_test_add_func ("/upstream/models", test_models);
  g_test_add_func ("/upstream/wrong-key", test_wrong_key);
  g_test_add_func ("/upstream/timeout", test_timeout);
  g_test_add_func ("/upstream/refused", test_refused);
  g_test_add_func ("/upstream/bad-200", test_bad_200);
  g_test_add_func ("/upstream/cannot-probe", test_cannot_probe);
  g_test_add_func ("/upstream/header-override", test_header_override);
  g_test_add_func ("/upstream/balance", test_balance);
  g_test_add_func ("/upstream/cancel", test_cancel);
  return g_test_run ();
}
