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

      if (node == NULL || JSON_NODE_HOLDS_NULL (node) || JSON_NODE_HOLDS_ARRAY (node))
        {
          *items = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
          *total = nd_json_int (obj, "total", -1);
          if (node != NULL || json_object_has_member (obj, "total"))
            return TRUE;
        }
    }
  g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
               _("NewAPI sent a list in a shape this version of NewAPI Desk does not know"));
  return FALSE;
}

NdLog *
nd_http_parse_log (JsonObject *obj)
{
  NdLog *log = nd_log_new ();

  log->id = nd_json_int (obj, "id", 0);
  log->created_at = nd_json_int (obj, "created_at", 0);
  log->user_id = nd_json_int (obj, "user_id", 0);
  log->token_id = nd_json_int (obj, "token_id", 0);
  /* The JSON key of logs.channel_id is "channel". */
  log->channel_id = nd_json_int (obj, "channel", nd_json_int (obj, "channel_id", 0));
  log->quota = nd_json_int (obj, "quota", 0);
  log->prompt_tokens = nd_json_int (obj, "prompt_tokens", 0);
  log->completion_tokens = nd_json_int (obj, "completion_tokens", 0);
  log->use_time = nd_json_int (obj, "use_time", 0);
  log->type = (int) nd_json_int (obj, "type", 0);
  log->is_stream = nd_json_bool (obj, "is_stream");
  log->username = nd_json_strdup (obj, "username");
  log->token_name = nd_json_strdup (obj, "token_name");
  log->model_name = nd_json_strdup (obj, "model_name");
  log->group = nd_json_strdup (obj, "group");
  log->ip = nd_json_strdup (obj, "ip");
  log->request_id = nd_json_strdup (obj, "request_id");
  log->upstream_request_id = nd_json_strdup (obj, "upstream_request_id");
  log->content = nd_json_strdup (obj, "content");
  log->other = nd_json_strdup (obj, "other");
  log->channel_name = nd_json_strdup (obj, "channel_name");
  return log;
}

NdChannel *
nd_http_parse_channel (JsonObject *obj)
{
  NdChannel *ch = nd_channel_new ();
  JsonNode *info;

  ch->id = nd_json_int (obj, "id", 0);
  ch->type = (int) nd_json_int (obj, "type", 0);
  ch->status = (int) nd_json_int (obj, "status", 0);
  ch->name = nd_json_strdup (obj, "name");
  ch->group = nd_json_strdup (obj, "group");
  ch->models = nd_json_strdup (obj, "models");
  ch->tag = nd_json_strdup (obj, "tag");
  ch->base_url = nd_json_strdup (obj, "base_url");
  ch->priority = nd_json_int (obj, "priority", 0);
  ch->weight = nd_json_int (obj, "weight", 0);
  ch->balance = nd_json_double (obj, "balance", 0);
  ch->used_quota = nd_json_int (obj, "used_quota", 0);
  ch->response_time = nd_json_int (obj, "response_time", 0);
  ch->test_time = nd_json_int (obj, "test_time", 0);
  ch->created_time = nd_json_int (obj, "created_time", 0);
  ch->remark = nd_json_strdup (obj, "remark");
  info = json_object_has_member (obj, "channel_info") ? json_object_get_member (obj, "channel_info") : NULL;
  if (info != NULL && JSON_NODE_HOLDS_OBJECT (info))
    {
      JsonObject *io = json_node_get_object (info);

      ch->is_multi_key = nd_json_bool (io, "is_multi_key");
      ch->multi_key_size = (int) nd_json_int (io, "multi_key_size", 0);
    }
  /* The channel key is never read: lists omit it, and it is not kept. */
  return ch;
}

NdUser *
nd_http_parse_user (JsonObject *obj)
{
  NdUser *user = nd_user_new ();
  JsonNode *deleted;

  user->id = nd_json_int (obj, "id", 0);
  user->username = nd_json_strdup (obj, "username");
  user->display_name = nd_json_strdup (obj, "display_name");
  user->email = nd_json_strdup (obj, "email");
  user->group = nd_json_strdup (obj, "group");
  user->remark = nd_json_strdup (obj, "remark");
  user->role = (int) nd_json_int (obj, "role", 0);
  user->status = (int) nd_json_int (obj, "status", 0);
  user->quota = nd_json_int (obj, "quota", 0);
  user->used_quota = nd_json_int (obj, "used_quota", 0);
  user->request_count = nd_json_int (obj, "request_count", 0);
  user->created_at = nd_json_int (obj, "created_at", 0);
  user->last_login_at = nd_json_int (obj, "last_login_at", 0);
  /* Soft-deleted users come with "DeletedAt": a time, or null when live. */
  deleted = json_object_has_member (obj, "DeletedAt") ? json_object_get_member (obj, "DeletedAt") : NULL;
  user->deleted = deleted != NULL && !JSON_NODE_HOLDS_NULL (deleted);
  return user;
}

NdToken *
nd_http_parse_token (JsonObject *obj, gint64 now)
{
  NdToken *token = nd_token_new ();
  g_autofree char *key = nd_json_strdup (obj, "key");
  g_autofree char *masked = NULL;

  token->id = nd_json_int (obj, "id", 0);
  token->user_id = nd_json_int (obj, "user_id", 0);
  token->name = nd_json_strdup (obj, "name");
  token->group = nd_json_strdup (obj, "group");
  token->model_limits = nd_json_strdup (obj, "model_limits");
  token->status = (int) nd_json_int (obj, "status", 1);
  token->created_time = nd_json_int (obj, "created_time", 0);
  token->accessed_time = nd_json_int (obj, "accessed_time", 0);
  token->expired_time = nd_json_int (obj, "expired_time", -1);
  token->remain_quota = nd_json_int (obj, "remain_quota", 0);
  token->used_quota = nd_json_int (obj, "used_quota", 0);
  token->unlimited_quota = nd_json_bool (obj, "unlimited_quota");
  token->model_limits_enabled = nd_json_bool (obj, "model_limits_enabled");
  /* Servers before v0.11.4 send the full key: mask it and forget it. Newer
   * ones send it masked already; masking again keeps the same ends. */
  if (key != NULL)
    {
      masked = nd_mask_secret (key);
      token->masked_key = g_strconcat ("sk-", masked, NULL);
      nd_secure_wipe (key);
    }
  nd_token_derive_status (token, now);
  return token;
}

NdRedemption *
nd_http_parse_redemption (JsonObject *obj, gint64 now)
{
  NdRedemption *r = nd_redemption_new ();
  g_autofree char *key = nd_json_strdup (obj, "key");

  r->id = nd_json_int (obj, "id", 0);
  r->user_id = nd_json_int (obj, "user_id", 0);
  r->used_user_id = nd_json_int (obj, "used_user_id", 0);
  r->name = nd_json_strdup (obj, "name");
  if (key != NULL)
    {
      r->masked_key = nd_mask_secret (key);
      nd_secure_wipe (key);
    }
  r->status = (int) nd_json_int (obj, "status", 1);
  r->quota = nd_json_int (obj, "quota", 0);
  r->created_time = nd_json_int (obj, "created_time", 0);
  r->redeemed_time = nd_json_int (obj, "redeemed_time", 0);
  r->expired_time = nd_json_int (obj, "expired_time", 0);
  nd_redemption_derive_expired (r, now);
  return r;
}

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
