/* test-money.c — quota shown the way the server is configured
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-money.h"

static void
assert_format (const NdMoney *m, gint64 quota, const char *compact, const char *full)
{
  g_autofree char *c = nd_money_format (m, quota);
  g_autofree char *f = nd_money_format_full (m, quota);

  g_assert_cmpstr (c, ==, compact);
  g_assert_cmpstr (f, ==, full);
}

static void
test_usd (void)
{
  g_autoptr(NdMoney) m = nd_money_new_default ();

  g_assert_cmpint (m->display, ==, ND_MONEY_USD);
  assert_format (m, 500000, "$1.00", "$1.00");
  assert_format (m, 0, "$0.00", "$0.00");
  /* Below one unit NewAPI shows four decimals: 1234 quota = $0.002468. */
  assert_format (m, 1234, "$0.0025", "$0.0025");
  assert_format (m, -250000, "-$0.50", "-$0.50");
  /* $12,345.67 abbreviates on cards but not in details. */
  assert_format (m, 6172835000LL, "$12.35k", "$12345.67");
  assert_format (m, 1000000000000LL, "$2.00M", "$2000000.00");
}

static void
test_cny_and_custom (void)
{
  g_autoptr(NdMoney) m = nd_money_new_default ();

  g_assert_true (nd_money_set_option (m, "general_setting.quota_display_type", "CNY"));
  g_assert_true (nd_money_set_option (m, "USDExchangeRate", "7.3"));
  assert_format (m, 500000, "¥7.30", "¥7.30");

  g_assert_true (nd_money_set_option (m, "general_setting.quota_display_type", "CUSTOM"));
  g_assert_true (nd_money_set_option (m, "general_setting.custom_currency_symbol", "€"));
  g_assert_true (nd_money_set_option (m, "general_setting.custom_currency_exchange_rate", "0.9"));
  assert_format (m, 1000000, "€1.80", "€1.80");
  g_assert_cmpstr (nd_money_symbol (m), ==, "€");
}

static void
test_tokens (void)
{
  g_autoptr(NdMoney) m = nd_money_new_default ();

  nd_money_set_option (m, "quota_display_type", "TOKENS");
  assert_format (m, 1234567, "1.23M", "1,234,567");
  assert_format (m, 999, "999", "999");
  assert_format (m, -12000, "-12.0k", "-12,000");
}

static void
test_quota_per_unit (void)
{
  g_autoptr(NdMoney) m = nd_money_new_default ();

  /* A server configured with 1,000,000 quota per dollar halves every figure. */
  g_assert_true (nd_money_set_option (m, "QuotaPerUnit", "1000000"));
  assert_format (m, 500000, "$0.50", "$0.50");
  assert_format (m, 1230, "$0.0012", "$0.0012");
  /* Broken options keep the previous value instead of dividing by zero. */
  g_assert_true (nd_money_set_option (m, "QuotaPerUnit", "0"));
  g_assert_true (nd_money_set_option (m, "QuotaPerUnit", "abc"));
  g_assert_cmpfloat (m->quota_per_unit, ==, 1000000);
  g_assert_false (nd_money_set_option (m, "SystemName", "x"));
}

static void
test_round_trip (void)
{
  g_autoptr(NdMoney) m = nd_money_new_default ();

  g_assert_cmpint (nd_money_quota_from_currency (m, 2.5), ==, 1250000);
  nd_money_set_option (m, "quota_display_type", "CNY");
  g_assert_cmpint (nd_money_quota_from_currency (m, 7.3), ==, 500000);
  nd_money_set_option (m, "quota_display_type", "TOKENS");
  g_assert_cmpint (nd_money_quota_from_currency (m, 42), ==, 42);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/money/usd", test_usd);
  g_test_add_func ("/money/cny-custom", test_cny_and_custom);
  g_test_add_func ("/money/tokens", test_tokens);
  g_test_add_func ("/money/quota-per-unit", test_quota_per_unit);
  g_test_add_func ("/money/round-trip", test_round_trip);
  return g_test_run ();
}
