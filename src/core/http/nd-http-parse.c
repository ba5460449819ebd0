/* nd-http-parse.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-secure-string.h"
#include "nd-error.h"
#include "nd-http-parse.h"
#include "nd-json.h"

gboolean
nd_http_page_items (JsonNode *data, JsonArray **items, gint64 *total, GError **error)
{
  *items = NULL;
  *total = -1;
  if (data == NULL || JSON_NODE_HOLDS_NULL (data))
    return TRUE;
  if (JSON_NODE_HOLDS_ARRAY (data))
    {
      *items = json_node_get_array (data);
      return TRUE;
    }
  if (JSON_NODE_HOLDS_OBJECT (data))
    {
      JsonObject *obj = json_node_get_object (data);
      JsonNode *node = json_object_get_member (obj, "items");

      if ((node == NULL || JSON_NODE_HOLDS_NULL (node) || JSON_NODE_HOLDS_ARRAY (node)) &&
          (node != NULL || json_object_has_member (obj, "total")))
        {
          GError *local = NULL;

          *total = nd_json_read_int (obj, "total", ND_JSON_COUNT, -1, &local);
          if (local != NULL)
            {
              g_propagate_error (error, local);
              return FALSE;
            }
          *items = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
          return TRUE;
        }
    }
  g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
               _("NewAPI sent a list in a shape this version of NewAPI Desk does not know"));
  return FALSE;
}

JsonObject *
nd_http_item_object (JsonArray *items, guint index, GError **error)
{
  JsonNode *node = json_array_get_element (items, index);

  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_node_get_object (node);
  g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
               _("The server sent an impossible list: item %u is not an object"), index + 1);
  return NULL;
}

/* The parsers below read every member, then check once (nd_json_read_*
 * stop at the first impossible value). */
#define INT(member, range, fallback) nd_json_read_int (obj, (member), (range), (fallback), &local)
#define STR(member) nd_json_read_str (obj, (member), &local)
#define BOOL(member) nd_json_read_bool (obj, (member), &local)

static NdLog *
read_log (JsonObject *obj, GError **error)
{
  NdLog *log = nd_log_new ();
  GError *local = NULL;

  log->id = INT ("id", ND_JSON_ID, 0);
  log->created_at = INT ("created_at", ND_JSON_TIME, 0);
  log->user_id = INT ("user_id", ND_JSON_ID, 0);
  log->token_id = INT ("token_id", ND_JSON_ID, 0);
  /* The JSON key of logs.channel_id is "channel". */
  log->channel_id = INT ("channel", ND_JSON_ID, 0);
  /* Negative for re-billed tasks that cost less than their pre-charge. */
  log->quota = INT ("quota", ND_JSON_AMOUNT, 0);
  log->prompt_tokens = INT ("prompt_tokens", ND_JSON_COUNT, 0);
  log->completion_tokens = INT ("completion_tokens", ND_JSON_COUNT, 0);
  log->use_time = INT ("use_time", ND_JSON_COUNT, 0);
  log->type = (int) INT ("type", ND_JSON_CODE, 0);
  log->is_stream = BOOL ("is_stream");
  log->username = STR ("username");
  log->token_name = STR ("token_name");
  log->model_name = STR ("model_name");
  log->group = STR ("group");
  log->ip = STR ("ip");
  log->request_id = STR ("request_id");
  log->upstream_request_id = STR ("upstream_request_id");
  log->content = STR ("content");
  log->other = STR ("other");
  log->channel_name = STR ("channel_name");
  if (local != NULL)
    g_propagate_error (error, local);
  return log;
}

NdLog *
nd_http_read_log (JsonObject *obj, GError **error)
{
  GError *local = NULL;
  NdLog *log = read_log (obj, &local);

  if (local == NULL)
    return log;
  nd_log_free (log);
  g_propagate_error (error, local);
  return NULL;
}

NdLog *
nd_http_parse_log (JsonObject *obj)
{
  return read_log (obj, NULL);
}

NdUser *
nd_http_read_user (JsonObject *obj, GError **error)
{
  static const struct { const char *member; NdUserBindings bit; } bindings[] = {
    { "github_id", ND_USER_BINDING_GITHUB }, { "discord_id", ND_USER_BINDING_DISCORD },
    { "oidc_id", ND_USER_BINDING_OIDC }, { "wechat_id", ND_USER_BINDING_WECHAT },
    { "telegram_id", ND_USER_BINDING_TELEGRAM }, { "linux_do_id", ND_USER_BINDING_LINUX_DO },
  };
  NdUser *user = nd_user_new ();
  GError *local = NULL;
  JsonNode *deleted;

  user->id = INT ("id", ND_JSON_ID, 0);
  user->username = STR ("username");
  user->display_name = STR ("display_name");
  user->email = STR ("email");
  user->group = STR ("group");
  user->remark = STR ("remark");
  user->role = (int) INT ("role", ND_JSON_CODE, 0);
  user->status = (int) INT ("status", ND_JSON_CODE, 0);
  /* A wallet may go below zero (subtracting quota has no floor). */
  user->quota = INT ("quota", ND_JSON_AMOUNT, 0);
  user->used_quota = INT ("used_quota", ND_JSON_AMOUNT, 0);
  user->request_count = INT ("request_count", ND_JSON_COUNT, 0);
  user->created_at = INT ("created_at", ND_JSON_TIME, 0);
  user->last_login_at = INT ("last_login_at", ND_JSON_TIME, 0);
  user->inviter_id = INT ("inviter_id", ND_JSON_ID, 0);
  user->aff_count = INT ("aff_count", ND_JSON_COUNT, 0);
  user->aff_quota = INT ("aff_quota", ND_JSON_AMOUNT, 0);
  user->aff_history_quota = INT ("aff_history_quota", ND_JSON_AMOUNT, 0);
  /* Only whether a sign-in method is bound; the id itself is dropped here. */
  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    {
      g_autofree char *bound = STR (bindings[i].member);

      if (bound != NULL && *bound != '\0')
        user->bindings |= bindings[i].bit;
    }
  /* Soft-deleted users come with "DeletedAt": a time, or null when live. */
  deleted = json_object_has_member (obj, "DeletedAt") ? json_object_get_member (obj, "DeletedAt") : NULL;
  user->deleted = deleted != NULL && !JSON_NODE_HOLDS_NULL (deleted);
  if (user->deleted && JSON_NODE_HOLDS_VALUE (deleted) &&
      json_node_get_value_type (deleted) == G_TYPE_STRING)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (json_node_get_string (deleted), NULL);

      user->deleted_at = when ? g_date_time_to_unix (when) : 0;
    }
  if (local == NULL)
    return user;
  nd_user_free (user);
  g_propagate_error (error, local);
  return NULL;
}

NdToken *
nd_http_read_token (JsonObject *obj, gint64 now, GError **error)
{
  NdToken *token = nd_token_new ();
  GError *local = NULL;
  g_autoptr(NdSecret) key = STR ("key");

  token->id = INT ("id", ND_JSON_ID, 0);
  token->user_id = INT ("user_id", ND_JSON_ID, 0);
  token->name = STR ("name");
  token->group = STR ("group");
  token->model_limits = STR ("model_limits");
  token->allow_ips = STR ("allow_ips");
  token->status = (int) INT ("status", ND_JSON_CODE, 1);
  token->created_time = INT ("created_time", ND_JSON_TIME, 0);
  token->accessed_time = INT ("accessed_time", ND_JSON_TIME, 0);
  token->expired_time = INT ("expired_time", ND_JSON_TIME, -1);
  /* Unlimited tokens are still decremented and may go below zero. */
  token->remain_quota = INT ("remain_quota", ND_JSON_AMOUNT, 0);
  token->used_quota = INT ("used_quota", ND_JSON_AMOUNT, 0);
  token->unlimited_quota = BOOL ("unlimited_quota");
  token->model_limits_enabled = BOOL ("model_limits_enabled");
  /* Servers before v0.11.4 send the full key: mask it and forget it. Newer
   * ones send it masked already, as NewAPI masks; masking that again gives
   * it back unchanged. */
  if (key != NULL)
    token->masked_key = nd_mask_token_key (key);
  if (local == NULL)
    {
      nd_token_derive_status (token, now);
      return token;
    }
  nd_token_free (token);
  g_propagate_error (error, local);
  return NULL;
}

NdRedemption *
nd_http_read_redemption (JsonObject *obj, gint64 now, GError **error)
{
  NdRedemption *r = nd_redemption_new ();
  GError *local = NULL;
  g_autoptr(NdSecret) key = STR ("key");

  r->id = INT ("id", ND_JSON_ID, 0);
  r->user_id = INT ("user_id", ND_JSON_ID, 0);
  r->used_user_id = INT ("used_user_id", ND_JSON_ID, 0);
  r->name = STR ("name");
  if (key != NULL)
    r->masked_key = nd_mask_secret (key);
  r->status = (int) INT ("status", ND_JSON_CODE, 1);
  r->quota = INT ("quota", ND_JSON_AMOUNT, 0);
  r->created_time = INT ("created_time", ND_JSON_TIME, 0);
  r->redeemed_time = INT ("redeemed_time", ND_JSON_TIME, 0);
  r->expired_time = INT ("expired_time", ND_JSON_TIME, 0);
  if (local == NULL)
    {
      nd_redemption_derive_expired (r, now);
      return r;
    }
  nd_redemption_free (r);
  g_propagate_error (error, local);
  return NULL;
}

#undef INT
#undef STR
#undef BOOL

/* ---- versions ----------------------------------------------------------- */

typedef struct {
  gint64 num[4];
  int pre_rank;       /* 0 alpha, 1 beta, 2 rc, 3 release */
  gint64 pre_num;
} Version;

static gboolean
parse_version (const char *text, Version *v)
{
  const char *p = text;
  guint i = 0;

  memset (v, 0, sizeof *v);
  v->pre_rank = 3;
  if (p == NULL)
    return FALSE;
  if (*p == 'v' || *p == 'V')
    p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (i < G_N_ELEMENTS (v->num) && g_ascii_isdigit (*p))
    {
      char *end;

      v->num[i++] = g_ascii_strtoll (p, &end, 10);
      p = end;
      if (*p == '.')
        p++;
      else
        break;
    }
  if (*p == '-')
    {
      p++;
      if (g_str_has_prefix (p, "alpha"))
        v->pre_rank = 0;
      else if (g_str_has_prefix (p, "beta"))
        v->pre_rank = 1;
      else
        v->pre_rank = 2;
      while (*p && !g_ascii_isdigit (*p))
        p++;
      v->pre_num = g_ascii_strtoll (p, NULL, 10);
    }
  return TRUE;
}

int
nd_http_version_compare (const char *version, const char *landmark)
{
  Version a, b;

  if (!parse_version (landmark, &b))
    return 0;
  if (!parse_version (version, &a))
    return 1;
  for (guint i = 0; i < G_N_ELEMENTS (a.num); i++)
    if (a.num[i] != b.num[i])
      return a.num[i] < b.num[i] ? -1 : 1;
  if (a.pre_rank != b.pre_rank)
    return a.pre_rank < b.pre_rank ? -1 : 1;
  if (a.pre_num != b.pre_num)
    return a.pre_num < b.pre_num ? -1 : 1;
  return 0;
}
