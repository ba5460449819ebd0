/* nd-money.h — quota <-> currency display, the way the server is configured
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  ND_MONEY_USD,
  ND_MONEY_CNY,
  ND_MONEY_CUSTOM,
  ND_MONEY_TOKENS,
} NdMoneyDisplay;

#define ND_TYPE_MONEY (nd_money_get_type ())

typedef struct {
  NdMoneyDisplay display;
  double quota_per_unit;     /* quota units per 1 USD; NewAPI default 500000 */
  double usd_exchange_rate;  /* CNY per USD */
  double custom_rate;        /* custom currency units per USD */
  char *custom_symbol;
} NdMoney;

GType           nd_money_get_type             (void) G_GNUC_CONST;
NdMoney        *nd_money_new_default          (void);
NdMoney        *nd_money_copy                 (const NdMoney *money);
void            nd_money_free                 (NdMoney *money);
NdMoneyDisplay  nd_money_display_from_string  (const char *value);
const char     *nd_money_display_to_string    (NdMoneyDisplay display);
gboolean        nd_money_set_option           (NdMoney *money, const char *key, const char *value);
double          nd_money_to_currency          (const NdMoney *money, gint64 quota);
char           *nd_money_format               (const NdMoney *money, gint64 quota);
char           *nd_money_format_full          (const NdMoney *money, gint64 quota);
const char     *nd_money_symbol               (const NdMoney *money);
gint64          nd_money_quota_from_currency  (const NdMoney *money, double amount);
/* @quota as NewAPI's logger.LogQuota writes it into log rows and audit
 * sentences: "＄0.200000 额度" (full-width dollar), "¥1.460000 额度",
 * "€0.184000 额度", "100000 点额度" — six decimals, never localised, so
 * the rows a database write adds read like the ones NewAPI adds. */
char           *nd_money_log_quota            (const NdMoney *money, gint64 quota);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdMoney, nd_money_free)

/* ─── every figure on screen ─────────────────────────────────────────────
 * Counts are grouped the way the user's locale groups digits ("9,604,771",
 * "9.604.771" in German, "96,04,771" in Hindi); the C locale, which groups
 * nothing, gets ",". Money uses the same grouping. */
char           *nd_format_count               (gint64 value);
/* Counts for tight places: "1.2 M", "12.3 k", below 10 000 the full count. */
char           *nd_format_count_compact       (gint64 value);
/* Inserts @sep into the run of digits that @number starts with (after an
 * optional '-'), grouping as a locale's `grouping` string says (sizes from
 * the right, the last size repeating; "\3" = thousands). For tests and
 * nd_format_count. */
char           *nd_number_group               (const char *number, const char *sep,
                                               const char *grouping);

G_END_DECLS
