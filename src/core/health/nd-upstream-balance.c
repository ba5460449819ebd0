/* nd-upstream-balance.c — how NewAPI reads a channel's balance upstream
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reference §2.6a, upstream's updateChannelBalance: plain GETs with the
 * channel's key as a bearer token (no header override), 200 or an error.
 * OpenAI and Custom ask their base URL; OpenRouter, DeepSeek, SiliconFlow
 * and Moonshot ask their provider's fixed address whatever the base URL.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-json.h"
#include "nd-records.h"
#include "nd-upstream-plan.h"

gboolean
nd_upstream_balance_kind (const NdUpstreamTarget *t, NdBalanceKind *kind, GError **error)
{
  if (t->is_multi_key)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("NewAPI does not read the balance of a multi-key channel"));
      return FALSE;
    }
  switch (t->type)
    {
    case 1: case 8: *kind = ND_BALANCE_OPENAI; break;
    case 20: *kind = ND_BALANCE_OPENROUTER; break;
    case 25: *kind = ND_BALANCE_MOONSHOT; break;
    case 40: *kind = ND_BALANCE_SILICONFLOW; break;
    case 43: *kind = ND_BALANCE_DEEPSEEK; break;
    default:
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("NewAPI cannot read the balance of a %s channel (not implemented "
                     "upstream)"), nd_channel_type_name (t->type));
      return FALSE;
    }
  if (t->key == NULL || *t->key == '\0')
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED, _("This channel has no key"));
      return FALSE;
    }
  return TRUE;
}

static NdUpstreamRequest *
bearer_get (const NdUpstreamTarget *t, char *url)
{
  NdUpstreamRequest *r = g_new0 (NdUpstreamRequest, 1);

  r->method = "GET";
  r->url = url;
  r->headers = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_secure_free);
  g_ptr_array_add (r->headers, g_strdup ("Authorization"));
  g_ptr_array_add (r->headers, g_strconcat ("Bearer ", t->key, NULL));
  return r;
}

NdUpstreamRequest *
nd_upstream_balance_request (const NdUpstreamTarget *t, const char *base, NdBalanceKind kind)
{
  switch (kind)
    {
    case ND_BALANCE_OPENAI:
      return bearer_get (t, g_strconcat (base, "/v1/dashboard/billing/subscription", NULL));
    case ND_BALANCE_OPENROUTER:
      return bearer_get (t, g_strdup ("https://openrouter.ai/api/v1/credits"));
    case ND_BALANCE_DEEPSEEK:
      return bearer_get (t, g_strdup ("https://api.deepseek.com/user/balance"));
    case ND_BALANCE_SILICONFLOW:
      return bearer_get (t, g_strdup ("https://api.siliconflow.cn/v1/user/info"));
    case ND_BALANCE_MOONSHOT:
      return bearer_get (t, g_strdup ("https://api.moonshot.cn/v1/users/me/balance"));
    default:
      g_return_val_if_reached (NULL);
    }
}

NdUpstreamRequest *
nd_upstream_usage_request (const NdUpstreamTarget *t, const char *base,
                           gboolean has_payment_method, GDateTime *now)
{
  g_autofree char *end = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *start = NULL;

  if (has_payment_method)
    start = g_date_time_format (now, "%Y-%m-01");
  else
    {
      g_autoptr(GDateTime) back = g_date_time_add_days (now, -100);

      start = g_date_time_format (back, "%Y-%m-%d");
    }
  return bearer_get (t, g_strdup_printf ("%s/v1/dashboard/billing/usage?start_date=%s&end_date=%s",
                                         base, start, end));
}

static JsonObject *
reply_object (const char *body, gsize len, JsonNode **root, GError **error)
{
  *root = nd_json_parse_bounded (body, (gssize) len, error);
  if (*root == NULL)
    {
      g_prefix_error (error, _("The upstream’s balance is not JSON. "));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (*root))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("The upstream’s answer is not a balance"));
      return NULL;
    }
  return json_node_get_object (*root);
}

static JsonObject *
member_object (JsonObject *obj, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* A number NewAPI reads with strconv.ParseFloat or from JSON. */
static gboolean
read_number (JsonObject *obj, const char *name, double *out, GError **error)
{
  g_autofree char *text = obj != NULL ? nd_json_strdup (obj, name) : NULL;
  JsonNode *node = obj != NULL ? json_object_get_member (obj, name) : NULL;
  char *end = NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else if (text != NULL && *text != '\0')
    {
      *out = g_ascii_strtod (text, &end);
      if (*end != '\0')
        *out = NAN;
    }
  else
    *out = NAN;
  if (isfinite (*out) && fabs (*out) < (double) ND_JSON_MAX_AMOUNT)
    return TRUE;
  g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
               _("The upstream’s balance has no readable “%s”"), name);
  return FALSE;
}

gboolean
nd_upstream_parse_subscription (const char *body, gsize len, double *hard_limit,
                                gboolean *has_payment_method, GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj = reply_object (body, len, &root, error);

  if (obj == NULL)
    return FALSE;
  *has_payment_method = nd_json_bool (obj, "has_payment_method");
  /* Go reads a missing number as 0. */
  if (!json_object_has_member (obj, "hard_limit_usd"))
    {
      *hard_limit = 0;
      return TRUE;
    }
  return read_number (obj, "hard_limit_usd", hard_limit, error);
}

static gboolean
refused (GError **error, const char *provider, gint64 code, const char *message)
{
  g_set_error (error, ND_ERROR, ND_ERROR_SERVER,
               _("%s refused the balance query: code %" PRId64 ", %s"),
               provider, code, message != NULL ? message : "");
  return FALSE;
}

gboolean
nd_upstream_parse_balance (NdBalanceKind kind, const char *body, gsize len, double hard_limit,
                           double price, double *balance, GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj = reply_object (body, len, &root, error);
  JsonObject *data;
  double a, b;

  if (obj == NULL)
    return FALSE;
  data = member_object (obj, "data");
  switch (kind)
    {
    case ND_BALANCE_OPENAI:
      /* total_usage is in cents. */
      if (!json_object_has_member (obj, "total_usage"))
        a = 0;
      else if (!read_number (obj, "total_usage", &a, error))
        return FALSE;
      *balance = hard_limit - a / 100;
      return TRUE;
    case ND_BALANCE_OPENROUTER:
      if (!read_number (data, "total_credits", &a, error) ||
          !read_number (data, "total_usage", &b, error))
        return FALSE;
      *balance = a - b;
      return TRUE;
    case ND_BALANCE_DEEPSEEK:
      {
        JsonNode *infos = json_object_get_member (obj, "balance_infos");

        for (guint i = 0; infos != NULL && JSON_NODE_HOLDS_ARRAY (infos) &&
                          i < json_array_get_length (json_node_get_array (infos)); i++)
          {
            JsonNode *item = json_array_get_element (json_node_get_array (infos), i);
            g_autofree char *currency = NULL;

            if (!JSON_NODE_HOLDS_OBJECT (item))
              continue;
            currency = nd_json_strdup (json_node_get_object (item), "currency");
            /* Stored as the CNY number, unconverted, as upstream does. */
            if (g_strcmp0 (currency, "CNY") == 0)
              return read_number (json_node_get_object (item), "total_balance", balance, error);
          }
        g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                     _("DeepSeek’s balance has no CNY entry (currency CNY not found)"));
        return FALSE;
      }
    case ND_BALANCE_SILICONFLOW:
      if (nd_json_int (obj, "code", -1) != 20000)
        {
          g_autofree char *message = nd_json_strdup (obj, "message");

          return refused (error, "SiliconFlow", nd_json_int (obj, "code", -1), message);
        }
      return read_number (data, "totalBalance", balance, error);
    case ND_BALANCE_MOONSHOT:
      if (!nd_json_bool (obj, "status") || nd_json_int (obj, "code", -1) != 0)
        {
          g_autofree char *scode = nd_json_strdup (obj, "scode");

          return refused (error, "Moonshot", nd_json_int (obj, "code", -1), scode);
        }
      if (!read_number (data, "available_balance", &a, error))
        return FALSE;
      if (!(price > 0))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                       _("The option Price (%g) cannot convert Moonshot’s CNY balance"), price);
          return FALSE;
        }
      *balance = a / price;
      return TRUE;
    default:
      g_return_val_if_reached (FALSE);
    }
}
