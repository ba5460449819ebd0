/* nd-redemption-columns.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-data.h"
#include "nd-money.h"
#include "nd-records.h"
#include "nd-redemption-columns.h"
#include "nd-secure-string.h"

static char *
id_text (gconstpointer r, gpointer data)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, ((const NdRedemption *) r)->id);
}

static char *
name_text (gconstpointer r, gpointer data)
{
  return nd_mask_text_dup (((const NdRedemption *) r)->name ? ((const NdRedemption *) r)->name : "");
}

static char *
key_text (gconstpointer r, gpointer data)
{
  return g_strdup (((const NdRedemption *) r)->masked_key);
}

static char *
quota_text (gconstpointer r, gpointer data)
{
  NdMoney *money = *(NdMoney **) data;
  gint64 quota = ((const NdRedemption *) r)->quota;

  return money ? nd_money_format (money, quota) : nd_format_count (quota);
}

static char *
quota_tip (gconstpointer r, gpointer data)
{
  g_autofree char *units = nd_format_count (((const NdRedemption *) r)->quota);

  return g_strdup_printf (_("%s quota units"), units);
}

static char *
status_text (gconstpointer r, gpointer data)
{
  const NdRedemption *c = r;

  if (c->expired)
    return g_strdup (_("Expired"));
  switch (c->status)
    {
    case ND_REDEMPTION_STATUS_ENABLED: return g_strdup (_("Unused"));
    case ND_REDEMPTION_STATUS_DISABLED: return g_strdup (_("Disabled"));
    case ND_REDEMPTION_STATUS_USED: return g_strdup (_("Used"));
    default: return g_strdup (_("Unknown"));
    }
}

static const char *
status_class (gconstpointer r, gpointer data)
{
  const NdRedemption *c = r;

  if (c->expired)
    return "auto";
  switch (c->status)
    {
    case ND_REDEMPTION_STATUS_ENABLED: return "enabled";
    case ND_REDEMPTION_STATUS_USED: return "good";
    case ND_REDEMPTION_STATUS_DISABLED: return "manual";
    default: return "unknown";
    }
}

static char *
when (gint64 t)
{
  return t > 0 ? nd_channel_time_text (t) : g_strdup ("—");
}

static char *
created_text (gconstpointer r, gpointer data)
{
  return when (((const NdRedemption *) r)->created_time);
}

static char *
maker_text (gconstpointer r, gpointer data)
{
  const NdRedemption *c = r;

  return c->username ? g_strdup (c->username) : g_strdup_printf ("#%" G_GINT64_FORMAT, c->user_id);
}

static char *
redeemer_text (gconstpointer r, gpointer data)
{
  const NdRedemption *c = r;

  if (c->used_user_id <= 0)
    return g_strdup ("—");
  if (c->used_username != NULL)
    return g_strdup_printf ("%s (#%" G_GINT64_FORMAT ")", c->used_username, c->used_user_id);
  return g_strdup_printf ("#%" G_GINT64_FORMAT, c->used_user_id);
}

static char *
redeemed_text (gconstpointer r, gpointer data)
{
  return when (((const NdRedemption *) r)->redeemed_time);
}

static char *
expires_text (gconstpointer r, gpointer data)
{
  gint64 t = ((const NdRedemption *) r)->expired_time;

  return t > 0 ? nd_channel_time_text (t) : g_strdup (_("Never"));
}

const NdRecordColumn nd_redemption_columns[] = {
  { N_("ID"), 60, 4, TRUE, FALSE, id_text, NULL, NULL },
  { N_("Name"), 140, 12, FALSE, TRUE, name_text, NULL, NULL },
  { N_("Code"), 140, 11, FALSE, FALSE, key_text, NULL, NULL },
  { N_("Quota"), 100, 9, TRUE, FALSE, quota_text, quota_tip, NULL },
  { N_("Status"), 90, 8, FALSE, FALSE, status_text, NULL, status_class },
  { N_("Created"), 130, 12, FALSE, FALSE, created_text, NULL, NULL },
  { N_("Made By"), 100, 9, FALSE, FALSE, maker_text, NULL, NULL },
  { N_("Redeemed By"), 130, 12, FALSE, FALSE, redeemer_text, NULL, NULL },
  { N_("Redeemed"), 130, 12, FALSE, FALSE, redeemed_text, NULL, NULL },
  { N_("Expires"), 130, 12, FALSE, FALSE, expires_text, NULL, NULL },
};

const guint nd_redemption_n_columns = G_N_ELEMENTS (nd_redemption_columns);
