/* nd-money.c — format quota the way NewAPI's web console does
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-money.h"

G_DEFINE_BOXED_TYPE (NdMoney, nd_money, nd_money_copy, nd_money_free)

NdMoney *
nd_money_new_default (void)
{
  NdMoney *money = g_new0 (NdMoney, 1);

  money->display = ND_MONEY_USD;
  money->quota_per_unit = 500000.0;
  money->usd_exchange_rate = 7.3;
  money->custom_rate = 1.0;
  money->custom_symbol = g_strdup ("¤");
  return money;
}

NdMoney *
nd_money_copy (const NdMoney *money)
{
  NdMoney *copy;

  g_return_val_if_fail (money != NULL, NULL);
  copy = g_memdup2 (money, sizeof *money);
  copy->custom_symbol = g_strdup (money->custom_symbol);
  return copy;
}

void
nd_money_free (NdMoney *money)
{
  if (money == NULL)
    return;
  g_free (money->custom_symbol);
  g_free (money);
}

NdMoneyDisplay
nd_money_display_from_string (const char *value)
{
  if (value == NULL)
    return ND_MONEY_USD;
  if (g_ascii_strcasecmp (value, "CNY") == 0)
    return ND_MONEY_CNY;
  if (g_ascii_strcasecmp (value, "CUSTOM") == 0)
    return ND_MONEY_CUSTOM;
  if (g_ascii_strcasecmp (value, "TOKENS") == 0)
    return ND_MONEY_TOKENS;
  return ND_MONEY_USD;
}

const char *
nd_money_display_to_string (NdMoneyDisplay display)
{
  switch (display)
    {
    case ND_MONEY_CNY: return "CNY";
    case ND_MONEY_CUSTOM: return "CUSTOM";
    case ND_MONEY_TOKENS: return "TOKENS";
    case ND_MONEY_USD:
    default: return "USD";
    }
}

static gboolean
parse_positive (const char *value, double *out)
{
  char *end = NULL;
  double v;

  if (value == NULL)
    return FALSE;
  v = g_ascii_strtod (value, &end);
  if (end == value || !isfinite (v) || v <= 0)
    return FALSE;
  *out = v;
  return TRUE;
}

/* Applies one row of NewAPI's `options` table (or the matching /api/status
 * key). Returns TRUE when the key was a currency setting. Bad values keep the
 * previous setting: a broken option must not turn every figure into NaN. */
gboolean
nd_money_set_option (NdMoney *money, const char *key, const char *value)
{
  g_return_val_if_fail (money != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (g_str_equal (key, "QuotaPerUnit") || g_str_equal (key, "quota_per_unit"))
    return parse_positive (value, &money->quota_per_unit), TRUE;
  if (g_str_equal (key, "USDExchangeRate") || g_str_equal (key, "usd_exchange_rate"))
    return parse_positive (value, &money->usd_exchange_rate), TRUE;
  if (g_str_equal (key, "general_setting.custom_currency_exchange_rate") ||
      g_str_equal (key, "custom_currency_exchange_rate"))
    return parse_positive (value, &money->custom_rate), TRUE;
  if (g_str_equal (key, "general_setting.custom_currency_symbol") ||
      g_str_equal (key, "custom_currency_symbol"))
    {
      if (value != NULL && *value != '\0')
        {
          g_free (money->custom_symbol);
          money->custom_symbol = g_strdup (value);
        }
      return TRUE;
    }
  if (g_str_equal (key, "general_setting.quota_display_type") ||
      g_str_equal (key, "quota_display_type"))
    {
      money->display = nd_money_display_from_string (value);
      return TRUE;
    }
  return FALSE;
}

double
nd_money_to_currency (const NdMoney *money, gint64 quota)
{
  double usd;

  g_return_val_if_fail (money != NULL, 0);

  if (money->display == ND_MONEY_TOKENS)
    return (double) quota;
  usd = (double) quota / (money->quota_per_unit > 0 ? money->quota_per_unit : 500000.0);
  switch (money->display)
    {
    case ND_MONEY_CNY: return usd * money->usd_exchange_rate;
    case ND_MONEY_CUSTOM: return usd * money->custom_rate;
    case ND_MONEY_USD:
    case ND_MONEY_TOKENS:
    default: return usd;
    }
}

gint64
nd_money_quota_from_currency (const NdMoney *money, double amount)
{
  double usd, per_unit;

  g_return_val_if_fail (money != NULL, 0);

  per_unit = money->quota_per_unit > 0 ? money->quota_per_unit : 500000.0;
  switch (money->display)
    {
    case ND_MONEY_TOKENS: return (gint64) llround (amount);
    case ND_MONEY_CNY: usd = amount / money->usd_exchange_rate; break;
    case ND_MONEY_CUSTOM: usd = amount / money->custom_rate; break;
    case ND_MONEY_USD:
    default: usd = amount; break;
    }
  return (gint64) llround (usd * per_unit);
}

const char *
nd_money_symbol (const NdMoney *money)
{
  switch (money->display)
    {
    case ND_MONEY_CNY: return "¥";
    case ND_MONEY_CUSTOM: return money->custom_symbol ? money->custom_symbol : "¤";
    case ND_MONEY_TOKENS: return "";
    case ND_MONEY_USD:
    default: return "$";
    }
}

char *
nd_number_group (const char *number, const char *sep, const char *grouping)
{
  const char *digits = number + (number[0] == '-');
  gsize n = strspn (digits, "0123456789");
  const char *g = grouping != NULL && *grouping ? grouping : "\3";
  GString *out = g_string_new (NULL);
  gsize *cuts = g_newa (gsize, n + 1);
  gsize n_cuts = 0, pos = n, size = 0;

  /* Where separators go, counted from the right of the digit run. */
  while (TRUE)
    {
      if (*g != '\0')
        size = (guchar) *g++;
      if (size == 0 || size == CHAR_MAX || pos <= size)
        break;
      pos -= size;
      cuts[n_cuts++] = pos;
    }
  g_string_append_len (out, number, digits - number);
  for (gsize i = 0; i < n; i++)
    {
      if (n_cuts > 0 && cuts[n_cuts - 1] == i)
        {
          g_string_append (out, sep);
          n_cuts--;
        }
      g_string_append_c (out, digits[i]);
    }
  g_string_append (out, digits + n);
  return g_string_free (out, FALSE);
}

/* The locale's own separator; the C locale has none, and raw seven-digit
 * figures are hard to read, so it gets the most common one. */
static char *
group_locale (const char *number)
{
  const char *sep = nl_langinfo (THOUSEP);

  if (sep == NULL || *sep == '\0')
    return nd_number_group (number, ",", "\3");
  return nd_number_group (number, sep, localeconv ()->grouping);
}

char *
nd_format_count (gint64 value)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  return group_locale (buf);
}

char *
nd_format_count_compact (gint64 value)
{
  double a = fabs ((double) value);
  const char *sign = value < 0 ? "-" : "";

  /* Translators: compact counts, "1.2 G" / "3.4 M" / "12.3 k" */
  if (a >= 1e9)
    return g_strdup_printf (C_("count", "%s%.1f G"), sign, a / 1e9);
  if (a >= 1e6)
    return g_strdup_printf (C_("count", "%s%.1f M"), sign, a / 1e6);
  if (a >= 1e4)
    return g_strdup_printf (C_("count", "%s%.1f k"), sign, a / 1e3);
  return nd_format_count (value);
}

static char *
format_amount (const NdMoney *money, double v, gboolean compact)
{
  const char *sym = nd_money_symbol (money);
  const char *sign = v < 0 ? "-" : "";
  double a = fabs (v);

  if (compact && a >= 1e9)
    return g_strdup_printf ("%s%s%.2fB", sign, sym, a / 1e9);
  if (compact && a >= 1e6)
    return g_strdup_printf ("%s%s%.2fM", sign, sym, a / 1e6);
  if (compact && a >= 1e4)
    return g_strdup_printf ("%s%s%.2fk", sign, sym, a / 1e3);
  /* NewAPI's console: 2 decimals from 1 up, 4 below so cents of a cent
   * show; trailing zeros past the second decimal only add noise. */
  if (a >= 1 || a == 0)
    {
      g_autofree char *number = g_strdup_printf ("%.2f", a);
      g_autofree char *grouped = group_locale (number);

      return g_strdup_printf ("%s%s%s", sign, sym, grouped);
    }
  {
    char buf[32];
    gsize len;

    g_snprintf (buf, sizeof buf, "%.4f", a);
    len = strlen (buf);
    /* buf is "0.dddd": keep at least two decimals. */
    while (len > 4 && buf[len - 1] == '0')
      buf[--len] = '\0';
    return g_strdup_printf ("%s%s%s", sign, sym, buf);
  }
}

static char *
format_tokens (gint64 quota, gboolean compact)
{
  double a = fabs ((double) quota);
  const char *sign = quota < 0 ? "-" : "";

  if (compact && a >= 1e9)
    return g_strdup_printf ("%s%.2fB", sign, a / 1e9);
  if (compact && a >= 1e6)
    return g_strdup_printf ("%s%.2fM", sign, a / 1e6);
  if (compact && a >= 1e4)
    return g_strdup_printf ("%s%.1fk", sign, a / 1e3);
  return nd_format_count (quota);
}

/* Compact form for cards, cells and chart labels ("$12.34", "¥1.20M"). */
char *
nd_money_format (const NdMoney *money, gint64 quota)
{
  g_return_val_if_fail (money != NULL, NULL);

  if (money->display == ND_MONEY_TOKENS)
    return format_tokens (quota, TRUE);
  return format_amount (money, nd_money_to_currency (money, quota), TRUE);
}

char *
nd_money_log_quota (const NdMoney *money, gint64 quota)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  const char *symbol;

  g_return_val_if_fail (money != NULL, NULL);

  switch (money->display)
    {
    case ND_MONEY_TOKENS:
      return g_strdup_printf ("%" G_GINT64_FORMAT " 点额度", quota);
    case ND_MONEY_CNY:
      symbol = "¥";
      break;
    case ND_MONEY_CUSTOM:
      symbol = money->custom_symbol != NULL && *money->custom_symbol ? money->custom_symbol : "¤";
      break;
    case ND_MONEY_USD:
    default:
      symbol = "＄";
      break;
    }
  /* Go's %.6f, whatever the C locale's decimal point. */
  g_ascii_formatd (number, sizeof number, "%.6f", nd_money_to_currency (money, quota));
  return g_strdup_printf ("%s%s 额度", symbol, number);
}

/* Full form for detail views and tooltips: never abbreviated. */
char *
nd_money_format_full (const NdMoney *money, gint64 quota)
{
  g_return_val_if_fail (money != NULL, NULL);

  if (money->display == ND_MONEY_TOKENS)
    return format_tokens (quota, FALSE);
  return format_amount (money, nd_money_to_currency (money, quota), FALSE);
}
