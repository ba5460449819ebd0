/* nd-fake-newapi-status.c — /api/status, /api/user/self
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-fake-newapi-private.h"

static void
handle_status (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GHashTable) options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  PGresult *res = nd_fake_sql (self, "SELECT key, value FROM options", 0, NULL);
  const char *v;

  for (int i = 0; i < PQntuples (res); i++)
    g_hash_table_insert (options, g_strdup (PQgetvalue (res, i, 0)), g_strdup (PQgetvalue (res, i, 1)));
  PQclear (res);

#define OPT(k, d) ((v = g_hash_table_lookup (options, k)) && *v ? v : (d))
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, self->version);
  json_builder_set_member_name (b, "system_name");
  json_builder_add_string_value (b, OPT ("SystemName", "New API"));
  json_builder_set_member_name (b, "start_time");
  json_builder_add_int_value (b, 1767225600);
  json_builder_set_member_name (b, "quota_per_unit");
  json_builder_add_double_value (b, g_ascii_strtod (OPT ("QuotaPerUnit", "500000"), NULL));
  json_builder_set_member_name (b, "display_in_currency");
  json_builder_add_boolean_value (b, !g_str_equal (OPT ("DisplayInCurrencyEnabled", "true"), "false"));
  json_builder_set_member_name (b, "usd_exchange_rate");
  json_builder_add_double_value (b, g_ascii_strtod (OPT ("USDExchangeRate", "7.3"), NULL));
  json_builder_set_member_name (b, "price");
  json_builder_add_double_value (b, g_ascii_strtod (OPT ("Price", "7.3"), NULL));
  json_builder_set_member_name (b, "enable_data_export");
  json_builder_add_boolean_value (b, !g_str_equal (OPT ("DataExportEnabled", "true"), "false"));
  json_builder_set_member_name (b, "data_export_default_time");
  json_builder_add_string_value (b, "hour");
  if (self->mode == ND_FAKE_NEWAPI_NEW)
    {
      json_builder_set_member_name (b, "quota_display_type");
      json_builder_add_string_value (b, OPT ("general_setting.quota_display_type", "USD"));
      json_builder_set_member_name (b, "custom_currency_symbol");
      json_builder_add_string_value (b, OPT ("general_setting.custom_currency_symbol", "¤"));
      json_builder_set_member_name (b, "custom_currency_exchange_rate");
      json_builder_add_double_value (b, g_ascii_strtod (OPT ("general_setting.custom_currency_exchange_rate", "1"), NULL));
    }
  json_builder_set_member_name (b, "logo");
  json_builder_add_string_value (b, OPT ("Logo", ""));
  json_builder_set_member_name (b, "enable_batch_update");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "self_use_mode_enabled");
  json_builder_add_boolean_value (b, g_str_equal (OPT ("SelfUseModeEnabled", "false"), "true"));
  json_builder_set_member_name (b, "demo_site_enabled");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "register_enabled");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "email_verification");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "github_oauth");
  json_builder_add_boolean_value (b, FALSE);
  if (self->mode == ND_FAKE_NEWAPI_NEW)
    {
      json_builder_set_member_name (b, "checkin_enabled");
      json_builder_add_boolean_value (b, FALSE);
      json_builder_set_member_name (b, "HeaderNavModules");
      json_builder_add_string_value (b, "");
    }
  json_builder_set_member_name (b, "setup");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
#undef OPT
  data = nd_fake_builder_root (b);
  nd_fake_reply_data (msg, data);
}

static void
handle_self (NdFakeNewapi *self, SoupServerMessage *msg, Caller *caller)
{
  char id[32];
  const char *params[1] = { id };
  PGresult *res;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) data = NULL;

  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, caller->id);
  res = nd_fake_sql (self, "SELECT id, username, display_name, role, status, email, github_id, "
                     "discord_id, oidc_id, wechat_id, telegram_id, linux_do_id, \"group\", "
                     "quota, used_quota, request_count, aff_code, aff_count, aff_quota, "
                     "aff_history AS aff_history_quota, inviter_id, COALESCE(setting, '') AS "
                     "setting FROM users WHERE id = $1::bigint", 1, params);
  json_builder_begin_object (b);
  for (int c = 0; c < PQnfields (res); c++)
    nd_fake_add_value (b, res, 0, c);
  if (self->mode == ND_FAKE_NEWAPI_NEW)
    {
      /* rc.16+: what the caller may do (casbin); the viewer's own modules. */
      json_builder_set_member_name (b, "sidebar_modules");
      json_builder_add_string_value (b, "");
      json_builder_set_member_name (b, "permissions");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "admin_permissions");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "channel");
      json_builder_begin_array (b);
      json_builder_add_string_value (b, "read");
      json_builder_add_string_value (b, "operate");
      json_builder_add_string_value (b, "write");
      if (caller->role >= 100)
        {
          json_builder_add_string_value (b, "sensitive_write");
          json_builder_add_string_value (b, "secret_view");
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  PQclear (res);
  data = nd_fake_builder_root (b);
  nd_fake_reply_data (msg, data);
}

static void
route_status (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
              Caller *caller)
{
  handle_status (self, msg, query);
}

static void
route_self (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query,
            Caller *caller)
{
  handle_self (self, msg, caller);
}

void
nd_fake_routes_status (NdFakeNewapi *self)
{
  nd_fake_add_route (self, "GET", "/api/status", -1, NULL, route_status);
  nd_fake_add_route (self, "GET", "/api/user/self", 1, NULL, route_self);
}
