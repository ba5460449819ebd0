/* nd-pg-write-prices.c — model prices and group ratios over PostgreSQL
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NewAPI keeps each price option as the JSON text of its whole map
 * (reference §1.3, §1.6a), so an edit rewrites the text with one member
 * changed. Two admins editing different models of the same map at once
 * must not lose each other's change: the rows are read FOR UPDATE (in key
 * order, as every writer here locks them) inside the transaction
 * nd-pg-write.c opened, so a concurrent edit either finished before the
 * read or waits for this one. Prices are root's business in NewAPI
 * (RootAuth on /api/option/), so the operator must be root. Each option
 * written gets NewAPI's audit row: option.update {key}, "Updated system
 * setting KEY" — never the value.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nd-pg-write-private.h"
#include "nd-pricing.h"

static gboolean
lock_options (NdPgWriteCtx *ctx, NdPricing *pricing, GError **error)
{
  NdPricingOption wanted[3];
  guint n = nd_pricing_write_options (ctx->write, wanted);
  g_autoptr(GString) keys = g_string_new ("{");
  g_autoptr(PGresult) res = NULL;
  const char *params[1];

  for (guint i = 0; i < n; i++)
    g_string_append_printf (keys, "%s%s", i ? "," : "", nd_pricing_option_key (wanted[i]));
  g_string_append_c (keys, '}');
  params[0] = keys->str;
  res = nd_pg_exec (ctx->pg, "SELECT \"key\", value FROM options WHERE \"key\" = ANY ($1::text[]) "
                             "ORDER BY \"key\" FOR UPDATE", 1, params, ctx->cancellable, error);
  if (res == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (res); i++)
    {
      NdPricingOption option;
      g_autoptr(GError) local = NULL;

      if (!nd_pricing_option_from_key (PQgetvalue (res, i, 0), &option))
        continue;
      if (!nd_pricing_set_option (pricing, option, PQgetisnull (res, i, 1) ? "" : PQgetvalue (res, i, 1),
                                  &local))
        {
          /* Never overwrite what cannot be read back member by member. */
          g_set_error (error, ND_ERROR, ND_ERROR_CONFLICT, _("%s Nothing was changed."),
                       local->message);
          return FALSE;
        }
    }
  return TRUE;
}

static JsonNode *
audit_params (const char *key)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, key);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
write_prices (NdPgWriteCtx *ctx, GError **error)
{
  g_autoptr(NdPricing) pricing = nd_pricing_new ();
  g_autoptr(GPtrArray) changes = NULL;

  if (ctx->op.role < ROLE_ROOT)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PERMISSION,
                   _("Only a root user may change prices in NewAPI, and the profile acts as "
                     "“%s”: nothing was changed. Choose a root user in the profile."),
                   ctx->op.username);
      return FALSE;
    }
  if (!lock_options (ctx, pricing, error))
    return FALSE;
  changes = nd_pricing_plan (pricing, ctx->write, error);
  if (changes == NULL)
    return FALSE;

  for (guint i = 0; i < changes->len; i++)
    {
      const NdPriceChange *c = g_ptr_array_index (changes, i);
      const char *key = nd_pricing_option_key (c->option);
      g_autofree char *text = nd_pricing_json_set (nd_pricing_get_text (pricing, c->option),
                                                   c->member, c->new_value, error);
      g_autofree char *content = NULL;
      g_autoptr(PGresult) res = NULL;
      const char *params[2] = { key, text };

      if (text == NULL)
        return FALSE;
      res = nd_pg_exec (ctx->pg, "UPDATE options SET value = $2 WHERE \"key\" = $1", 2, params,
                        ctx->cancellable, error);
      if (res == NULL)
        return FALSE;
      content = g_strdup_printf ("Updated system setting %s", key);
      nd_pg_audit (ctx, "option.update", audit_params (key), content);
    }
  ctx->result->changed = changes->len;
  ctx->result->notice =
    g_strdup (changes->len == 0
              ? _("The price was already set so: nothing was changed.")
              : _("Saved. Every NewAPI node reloads its options from the database every "
                  "SYNC_FREQUENCY seconds (60 by default): the new price applies everywhere "
                  "within that time."));
  return TRUE;
}

NdPgWriteFunc
_nd_pg_write_prices_func (NdWriteKind kind)
{
  switch (kind)
    {
    case ND_WRITE_MODEL_PRICE:
    case ND_WRITE_GROUP_RATIO:
      return write_prices;
    default:
      return NULL;
    }
}
