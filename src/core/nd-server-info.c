/* nd-server-info.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nd-server-info.h"

G_DEFINE_BOXED_TYPE (NdServerInfo, nd_server_info, nd_server_info_ref, nd_server_info_unref)

NdServerInfo *
nd_server_info_new (NdSourceKind kind)
{
  NdServerInfo *info = g_new0 (NdServerInfo, 1);

  g_atomic_ref_count_init (&info->ref_count);
  info->kind = kind;
  info->money = nd_money_new_default ();
  info->approx_log_rows = -1;
  info->max_log_id = -1;
  return info;
}

NdServerInfo *
nd_server_info_ref (NdServerInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  g_atomic_ref_count_inc (&info->ref_count);
  return info;
}

void
nd_server_info_unref (NdServerInfo *info)
{
  if (info == NULL || !g_atomic_ref_count_dec (&info->ref_count))
    return;
  g_free (info->newapi_version);
  g_free (info->system_name);
  g_free (info->backend_version);
  g_free (info->username);
  g_free (info->gateway_id);
  g_free (info->gateway_instance);
  nd_money_free (info->money);
  g_free (info);
}

gboolean
nd_server_info_has (const NdServerInfo *info, NdCapabilities caps)
{
  return info != NULL && (info->caps & caps) == caps;
}

/* One line for the header's subtitle: "NewAPI v1.0.0-rc.24 · PostgreSQL 15.20 · read-only". */
char *
nd_server_info_describe (const NdServerInfo *info)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (info != NULL, NULL);

  if (info->newapi_version != NULL)
    g_string_append_printf (s, "NewAPI %s", info->newapi_version);
  else
    g_string_append (s, _("NewAPI (version unknown)"));
  if (info->backend_version != NULL)
    g_string_append_printf (s, " · %s", info->backend_version);
  if (info->read_only)
    g_string_append_printf (s, " · %s", _("read-only"));
  return g_string_free (s, FALSE);
}

const char *
nd_server_info_get_facts_caveat (const NdServerInfo *info)
{
  if (info == NULL || info->facts_lag_seconds <= 0)
    return NULL;
  return _("Figures come from NewAPI’s own statistics: the trend and the models by the hour, "
           "users, channels and tokens by the day (the whole days the range touches). They can "
           "lag up to 5 minutes, and models with names longer than 64 characters are missing "
           "from them on PostgreSQL. Connect the database for exact figures.");
}

GStrv
nd_server_info_dup_unavailable_facts (const NdServerInfo *info)
{
  static const struct { NdCapabilities cap; const char *name; } dims[] = {
    { ND_CAP_FACTS_CHANNEL, "channels" },
    { ND_CAP_FACTS_USER, "users" },
    { ND_CAP_FACTS_TOKEN, "tokens" },
    { ND_CAP_FACTS_ERRORS, "errors" },
    { ND_CAP_FACTS_LATENCY, "latency" },
    { ND_CAP_FACTS_TOKEN_SPLIT, "token_split" },
  };
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  for (guint i = 0; i < G_N_ELEMENTS (dims); i++)
    if (!nd_server_info_has (info, dims[i].cap))
      g_strv_builder_add (b, dims[i].name);
  return g_strv_builder_end (b);
}
