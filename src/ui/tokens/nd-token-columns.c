/* nd-token-columns.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-data.h"
#include "nd-money.h"
#include "nd-secure-string.h"
#include "nd-time.h"
#include "nd-token-columns.h"

const char *
nd_token_status_label (int status)
{
  switch (status)
    {
    case ND_TOKEN_STATUS_ENABLED: return _("Enabled");
    case ND_TOKEN_STATUS_DISABLED: return _("Disabled");
    case ND_TOKEN_STATUS_EXPIRED: return _("Expired");
    case ND_TOKEN_STATUS_EXHAUSTED: return _("Exhausted");
    default: return _("Unknown");
    }
}

char *
nd_token_expiry_text (gint64 t)
{
  g_autoptr(GDateTime) dt = NULL;

  if (t == -1)
    return g_strdup (_("Never"));
  dt = g_date_time_new_from_unix_local (t);
  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

static char *
quota_text (gint64 quota, gpointer data)
{
  NdMoney *money = *(NdMoney **) data;

  return money ? nd_money_format (money, quota) : nd_format_count (quota);
}

static char *
id_text (gconstpointer r, gpointer data)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, ((const NdToken *) r)->id);
}

static char *
name_text (gconstpointer r, gpointer data)
{
  const NdToken *t = r;

  /* Gateway text: a key pasted into a name is masked like anywhere. */
  return t->name && *t->name ? nd_mask_text_dup (t->name) : g_strdup (_("(no name)"));
}

static char *
owner_text (gconstpointer r, gpointer data)
{
  const NdToken *t = r;

  if (t->username != NULL && *t->username != '\0')
    return g_strdup_printf ("%s (#%" G_GINT64_FORMAT ")", t->username, t->user_id);
  return g_strdup_printf ("#%" G_GINT64_FORMAT, t->user_id);
}

static char *
key_text (gconstpointer r, gpointer data)
{
  return g_strdup (((const NdToken *) r)->masked_key);
}

static char *
status_text (gconstpointer r, gpointer data)
{
  return g_strdup (nd_token_status_label (((const NdToken *) r)->effective_status));
}

static const char *
status_class (gconstpointer r, gpointer data)
{
  switch (((const NdToken *) r)->effective_status)
    {
    case ND_TOKEN_STATUS_ENABLED: return "enabled";
    case ND_TOKEN_STATUS_DISABLED: return "manual";
    case ND_TOKEN_STATUS_EXPIRED:
    case ND_TOKEN_STATUS_EXHAUSTED: return "auto";
    default: return "unknown";
    }
}

static char *
status_tip (gconstpointer r, gpointer data)
{
  const NdToken *t = r;

  if (t->effective_status != t->status && t->status == ND_TOKEN_STATUS_ENABLED)
    return g_strdup (_("Stored as enabled; NewAPI refuses it now. Change the expiry or quota to "
                       "use it again."));
  return NULL;
}

static char *
remain_text (gconstpointer r, gpointer data)
{
  const NdToken *t = r;

  return t->unlimited_quota ? g_strdup (_("Unlimited")) : quota_text (t->remain_quota, data);
}

static char *
used_text (gconstpointer r, gpointer data)
{
  return quota_text (((const NdToken *) r)->used_quota, data);
}

static char *
quota_tip (gconstpointer r, gpointer data)
{
  const NdToken *t = r;
  g_autofree char *remain = nd_format_count (t->remain_quota);
  g_autofree char *used = nd_format_count (t->used_quota);

  /* Translators: quota units, remaining and used */
  return g_strdup_printf (_("%s units left, %s used"), remain, used);
}

static char *
expires_text (gconstpointer r, gpointer data)
{
  return nd_token_expiry_text (((const NdToken *) r)->expired_time);
}

static char *
models_text (gconstpointer r, gpointer data)
{
  const NdToken *t = r;

  if (!t->model_limits_enabled)
    return g_strdup (_("Any"));
  return nd_channel_list_text (t->model_limits);
}

static char *
group_text (gconstpointer r, gpointer data)
{
  const NdToken *t = r;

  return g_strdup (t->group && *t->group ? t->group : _("Owner’s"));
}

static char *
used_at_text (gconstpointer r, gpointer data)
{
  return nd_channel_age_text (((const NdToken *) r)->accessed_time, nd_time_now ());
}

static char *
ips_tip (gconstpointer r, gpointer data)
{
  const NdToken *t = r;
  g_autofree char *ips = t->allow_ips && *t->allow_ips ? g_strdelimit (g_strdup (t->allow_ips), "\n", ',')
                                                       : NULL;

  return ips ? g_strdup_printf (_("Allowed IPs: %s"), ips) : NULL;
}

const NdRecordColumn nd_token_columns[] = {
  { N_("ID"), 60, 4, TRUE, FALSE, id_text, NULL, NULL },
  { N_("Name"), 160, 14, FALSE, TRUE, name_text, ips_tip, NULL },
  { N_("Owner"), 130, 12, FALSE, FALSE, owner_text, NULL, NULL },
  { N_("Key"), 200, 21, FALSE, FALSE, key_text, NULL, NULL },
  { N_("Status"), 100, 9, FALSE, FALSE, status_text, status_tip, status_class },
  { N_("Remaining"), 110, 9, TRUE, FALSE, remain_text, quota_tip, NULL },
  { N_("Used"), 100, 9, TRUE, FALSE, used_text, quota_tip, NULL },
  { N_("Expires"), 130, 12, FALSE, FALSE, expires_text, NULL, NULL },
  { N_("Models"), 120, 10, FALSE, FALSE, models_text, models_text, NULL },
  { N_("Group"), 90, 8, FALSE, FALSE, group_text, NULL, NULL },
  { N_("Last Used"), 90, 8, FALSE, FALSE, used_at_text, NULL, NULL },
};

const guint nd_token_n_columns = G_N_ELEMENTS (nd_token_columns);
