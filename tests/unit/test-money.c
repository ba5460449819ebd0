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
  /* $12,345.67 abbreviates on cards but not in details, where its digits
   * are grouped like every other figure. */
  assert_format (m, 6172835000LL, "$12.35k", "$12,345.67");
  assert_format (m, 1000000000000LL, "$2.00M", "$2,000,000.00");
  assert_format (m, 617283500LL, "$1,234.57", "$1,234.57");
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

/* The amount text NewAPI's logger.LogQuota writes into its log rows
 * ("新用户注册赠送 %s", the quota audit sentences): six decimals and a '.'
 * whatever the locale, a full-width dollar, "点额度" for raw quota. */
static void
test_log_quota (void)
{
  g_autoptr(NdMoney) m = nd_money_new_default ();
  struct { const char *display; gint64 quota; const char *text; } cases[] = {
    { "USD", 100000, "＄0.200000 额度" },
    { "USD", 1, "＄0.000002 额度" },
    { "USD", -250000, "＄-0.500000 额度" },
    { "CNY", 500000, "¥7.300000 额度" },
    { "CUSTOM", 1000000, "€1.840000 额度" },
    { "TOKENS", 123456, "123456 点额度" },
  };

  nd_money_set_option (m, "general_setting.custom_currency_symbol", "€");
  nd_money_set_option (m, "general_setting.custom_currency_exchange_rate", "0.92");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = NULL;

      nd_money_set_option (m, "general_setting.quota_display_type", cases[i].display);
      text = nd_money_log_quota (m, cases[i].quota);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
  /* An unset custom symbol is upstream's "¤". */
  g_clear_pointer (&m->custom_symbol, g_free);
  nd_money_set_option (m, "general_setting.quota_display_type", "CUSTOM");
  {
    g_autofree char *text = nd_money_log_quota (m, 500000);

    g_assert_cmpstr (text, ==, "¤0.920000 额度");
  }
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

/* One formatter for every count on screen: cards, chart labels, the log
 * list, the detail pane. The tests run in the C locale, which groups
 * nothing by itself. */
static void
test_counts (void)
{
  const struct { gint64 v; const char *full, *compact; } cases[] = {
    { 0, "0", "0" },
    { 999, "999", "999" },
    { 7018, "7,018", "7,018" },
    { 9604771, "9,604,771", "9.6 M" },
    { -1234567, "-1,234,567", "-1.2 M" },
    { 12345, "12,345", "12.3 k" },
    { G_MAXINT64, "9,223,372,036,854,775,807", "9223372036.9 G" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *full = nd_format_count (cases[i].v);
      g_autofree char *compact = nd_format_count_compact (cases[i].v);

      g_assert_cmpstr (full, ==, cases[i].full);
      g_assert_cmpstr (compact, ==, cases[i].compact);
    }
}

/* Other locales' rules, as their `grouping` strings give them. */
static void
test_grouping_rules (void)
{
  const struct { const char *in, *sep, *grouping, *out; } cases[] = {
    { "9604771", ".", "\3", "9.604.771" },
    { "9604771", "\xe2\x80\xaf", "\3", "9\xe2\x80\xaf" "604\xe2\x80\xaf" "771" },
    { "9604771", ",", "\3\2", "96,04,771" },            /* hi_IN */
    { "-12345.67", ",", "\3", "-12,345.67" },
    { "1234", ",", "\3\177", "1,234" },                 /* CHAR_MAX: no more groups */
    { "123", ",", "", "123" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = nd_number_group (cases[i].in, cases[i].sep, cases[i].grouping);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
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
  g_test_add_func ("/money/log-quota", test_log_quota);
  g_test_add_func ("/money/quota-per-unit", test_quota_per_unit);
  g_test_add_func ("/money/round-trip", test_round_trip);
  g_test_add_func ("/money/counts", test_counts);
  g_test_add_func ("/money/grouping-rules", test_grouping_rules);
  return g_test_run ();
}
