/* test-records.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-records.h"
#include "nd-secure-string.h"

static void
test_mask (void)
{
  g_autofree char *a = nd_mask_secret ("abcdEFGHijklMNOPqrstUVWXyz0123456789ABCDEFGHIJKL");
  g_autofree char *b = nd_mask_secret ("short");
  g_autofree char *c = nd_mask_secret (NULL);

  g_assert_cmpstr (a, ==, "abcd***IJKL");
  /* Short secrets would be mostly visible with 4+4: hide them whole. */
  g_assert_cmpstr (b, ==, "***");
  g_assert_cmpstr (c, ==, "");
}

/* NewAPI's MaskTokenKey, with the "sk-" clients type. */
static void
test_mask_token_key (void)
{
  g_autofree char *a = nd_mask_token_key ("abcdEFGHijklMNOPqrstUVWXyz0123456789ABCDEFGHIJKL");
  g_autofree char *again = nd_mask_token_key ("abcd**********IJKL");
  g_autofree char *b = nd_mask_token_key ("abcdefgh");
  g_autofree char *c = nd_mask_token_key ("abc");
  g_autofree char *d = nd_mask_token_key (NULL);

  g_assert_cmpstr (a, ==, "sk-abcd**********IJKL");
  /* New servers send the masked form; masking it again changes nothing. */
  g_assert_cmpstr (again, ==, a);
  g_assert_cmpstr (b, ==, "sk-ab****gh");
  g_assert_cmpstr (c, ==, "sk-***");
  g_assert_cmpstr (d, ==, "");
}

/* What a token or code is now, as the pages and --json name it. */
static void
test_status_nicks (void)
{
  g_autoptr(NdToken) t = nd_token_new ();
  g_autoptr(NdRedemption) r = nd_redemption_new ();

  t->status = ND_TOKEN_STATUS_ENABLED;
  t->expired_time = 1000;
  t->remain_quota = 5;
  nd_token_derive_status (t, 2000);
  g_assert_cmpstr (nd_token_status_nick (t->effective_status), ==, "expired");
  t->expired_time = -1;
  t->remain_quota = 0;
  nd_token_derive_status (t, 2000);
  g_assert_cmpstr (nd_token_status_nick (t->effective_status), ==, "exhausted");
  t->unlimited_quota = TRUE;
  nd_token_derive_status (t, 2000);
  g_assert_cmpstr (nd_token_status_nick (t->effective_status), ==, "enabled");
  /* A disabled token stays disabled whatever its expiry. */
  t->status = ND_TOKEN_STATUS_DISABLED;
  t->expired_time = 1000;
  nd_token_derive_status (t, 2000);
  g_assert_cmpstr (nd_token_status_nick (t->effective_status), ==, "disabled");

  r->status = ND_REDEMPTION_STATUS_ENABLED;
  r->expired_time = 1000;
  nd_redemption_derive_expired (r, 2000);
  g_assert_cmpstr (nd_redemption_effective_nick (r), ==, "expired");
  r->expired_time = 0;
  nd_redemption_derive_expired (r, 2000);
  g_assert_cmpstr (nd_redemption_effective_nick (r), ==, "enabled");
  r->status = ND_REDEMPTION_STATUS_USED;
  r->expired_time = 1000;
  nd_redemption_derive_expired (r, 2000);
  g_assert_cmpstr (nd_redemption_effective_nick (r), ==, "used");
}

static void
test_channel_types (void)
{
  g_assert_cmpstr (nd_channel_type_name (1), ==, "OpenAI");
  g_assert_cmpstr (nd_channel_type_name (14), ==, "Anthropic");
  g_assert_cmpstr (nd_channel_type_name (43), ==, "DeepSeek");
  g_assert_cmpstr (nd_channel_type_name (28), ==, "Unknown");
  g_assert_cmpstr (nd_channel_type_name (999), ==, "Unknown");
  g_assert_cmpstr (nd_channel_type_name (-1), ==, "Unknown");
}

static void
test_log_copy (void)
{
  g_autoptr(NdLog) log = nd_log_new ();
  g_autoptr(NdLog) copy = NULL;

  log->id = 7;
  log->model_name = g_strdup ("gpt-4o");
  log->other = g_strdup ("{\"frt\":120}");
  copy = nd_log_copy (log);
  g_assert_cmpint (copy->id, ==, 7);
  g_assert_cmpstr (copy->model_name, ==, "gpt-4o");
  g_assert_true (copy->model_name != log->model_name);
  g_assert_cmpstr (nd_log_type_to_nick (5), ==, "error");
  g_assert_cmpstr (nd_log_type_to_nick (42), ==, "unknown");
}

static void
test_derived_status (void)
{
  g_autoptr(NdToken) t = nd_token_new ();
  g_autoptr(NdRedemption) r = nd_redemption_new ();

  t->status = 1;
  t->expired_time = -1;
  t->remain_quota = 10;
  nd_token_derive_status (t, 1000);
  g_assert_cmpint (t->effective_status, ==, 1);
  t->expired_time = 999;                    /* NewAPI with Redis keeps status 1 */
  nd_token_derive_status (t, 1000);
  g_assert_cmpint (t->effective_status, ==, 3);
  t->expired_time = -1;
  t->remain_quota = 0;
  nd_token_derive_status (t, 1000);
  g_assert_cmpint (t->effective_status, ==, 4);
  t->unlimited_quota = TRUE;
  nd_token_derive_status (t, 1000);
  g_assert_cmpint (t->effective_status, ==, 1);
  t->status = 2;                            /* disabled stays disabled */
  nd_token_derive_status (t, 1000);
  g_assert_cmpint (t->effective_status, ==, 2);

  r->status = 1;
  r->expired_time = 0;                      /* 0 = never */
  nd_redemption_derive_expired (r, 1000);
  g_assert_false (r->expired);
  r->expired_time = 999;
  nd_redemption_derive_expired (r, 1000);
  g_assert_true (r->expired);
  r->status = 3;                            /* used codes are not "expired" */
  nd_redemption_derive_expired (r, 1000);
  g_assert_false (r->expired);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/records/mask", test_mask);
  g_test_add_func ("/records/mask-token-key", test_mask_token_key);
  g_test_add_func ("/records/status-nicks", test_status_nicks);
  g_test_add_func ("/records/channel-types", test_channel_types);
  g_test_add_func ("/records/log-copy", test_log_copy);
  g_test_add_func ("/records/derived-status", test_derived_status);
  return g_test_run ();
}
