/* nd-records.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-records.h"
#include "nd-secure-string.h"

const char *
nd_log_type_to_label (int type)
{
  switch (type)
    {
    case ND_LOG_TOPUP: return _("Top-up");
    case ND_LOG_CONSUME: return _("Consume");
    case ND_LOG_MANAGE: return _("Manage");
    case ND_LOG_SYSTEM: return _("System");
    case ND_LOG_ERROR: return _("Error");
    case ND_LOG_REFUND: return _("Refund");
    case ND_LOG_LOGIN: return _("Login");
    default: return _("Unknown");
    }
}

const char *
nd_log_type_to_nick (int type)
{
  switch (type)
    {
    case ND_LOG_TOPUP: return "topup";
    case ND_LOG_CONSUME: return "consume";
    case ND_LOG_MANAGE: return "manage";
    case ND_LOG_SYSTEM: return "system";
    case ND_LOG_ERROR: return "error";
    case ND_LOG_REFUND: return "refund";
    case ND_LOG_LOGIN: return "login";
    default: return "unknown";
    }
}

NdLog *
nd_log_new (void)
{
  return g_new0 (NdLog, 1);
}

NdLog *
nd_log_copy (const NdLog *log)
{
  NdLog *copy = g_memdup2 (log, sizeof *log);

  copy->username = g_strdup (log->username);
  copy->token_name = g_strdup (log->token_name);
  copy->model_name = g_strdup (log->model_name);
  copy->group = g_strdup (log->group);
  copy->ip = g_strdup (log->ip);
  copy->request_id = g_strdup (log->request_id);
  copy->upstream_request_id = g_strdup (log->upstream_request_id);
  copy->content = g_strdup (log->content);
  copy->other = g_strdup (log->other);
  copy->channel_name = g_strdup (log->channel_name);
  return copy;
}

void
nd_log_free (NdLog *log)
{
  if (log == NULL)
    return;
  g_free (log->username);
  g_free (log->token_name);
  g_free (log->model_name);
  g_free (log->group);
  g_free (log->ip);
  g_free (log->request_id);
  g_free (log->upstream_request_id);
  g_free (log->content);
  g_free (log->other);
  g_free (log->channel_name);
  g_free (log);
}

NdChannel *
nd_channel_new (void)
{
  return g_new0 (NdChannel, 1);
}

void
nd_channel_free (NdChannel *channel)
{
  if (channel == NULL)
    return;
  g_free (channel->name);
  g_free (channel->group);
  g_free (channel->models);
  g_free (channel->tag);
  g_free (channel->base_url);
  g_free (channel->remark);
  g_free (channel->test_model);
  g_free (channel->status_reason);
  g_free (channel->model_mapping);
  g_free (channel->status_code_mapping);
  g_free (channel->other);
  g_free (channel->setting);
  /* Overrides may carry upstream credentials (an Authorization header). */
  nd_secure_free (channel->param_override);
  nd_secure_free (channel->header_override);
  g_free (channel->settings);
  g_free (channel->multi_key_mode);
  g_clear_pointer (&channel->keys, g_ptr_array_unref);
  g_free (channel);
}

void
nd_channel_key_free (NdChannelKey *key)
{
  if (key == NULL)
    return;
  g_free (key->reason);
  g_free (key->preview);
  g_free (key);
}

/* Labels as NewAPI's web UI shows them (reference §2.6). Brand names are
 * not translated. */
const char *
nd_channel_type_name (int type)
{
  static const char * const names[] = {
    [0] = "Unknown", [1] = "OpenAI", [2] = "MjProxy", [3] = "Azure", [4] = "Ollama",
    [5] = "MjProxyPlus", [6] = "OpenAIMax", [7] = "OhMyGPT", [8] = "Custom", [9] = "AILS",
    [10] = "AIProxy", [11] = "PaLM", [12] = "API2GPT", [13] = "AIGC2D", [14] = "Anthropic",
    [15] = "Baidu", [16] = "Zhipu", [17] = "Ali", [18] = "Xunfei", [19] = "360",
    [20] = "OpenRouter", [21] = "AIProxyLibrary", [22] = "FastGPT", [23] = "Tencent",
    [24] = "Gemini", [25] = "Moonshot", [26] = "Zhipu V4", [27] = "Perplexity",
    [31] = "LingYiWanWu", [33] = "AWS", [34] = "Cohere", [35] = "MiniMax", [36] = "SunoAPI",
    [37] = "Dify", [38] = "Jina", [39] = "Cloudflare", [40] = "SiliconFlow",
    [41] = "Vertex AI", [42] = "Mistral", [43] = "DeepSeek", [44] = "MokaAI",
    [45] = "VolcEngine", [46] = "Baidu V2", [47] = "Xinference", [48] = "xAI", [49] = "Coze",
    [50] = "Kling", [51] = "Jimeng", [52] = "Vidu", [53] = "Submodel", [54] = "DoubaoVideo",
    [55] = "Sora", [56] = "Replicate", [57] = "ChatGPT Subscription (Codex)",
    [58] = "Advanced Custom", [59] = "Sub2API", [60] = "New API",
  };

  if (type < 0 || type >= (int) G_N_ELEMENTS (names) || names[type] == NULL)
    return "Unknown";
  return names[type];
}

NdUser *
nd_user_new (void)
{
  return g_new0 (NdUser, 1);
}

const char *
nd_user_role_nick (int role)
{
  switch (role)
    {
    case 0: return "guest";
    case ND_ROLE_COMMON: return "common";
    case ND_ROLE_ADMIN: return "admin";
    case ND_ROLE_ROOT: return "root";
    default: return "other";
    }
}

void
nd_user_free (NdUser *user)
{
  if (user == NULL)
    return;
  g_free (user->username);
  g_free (user->display_name);
  g_free (user->email);
  g_free (user->group);
  g_free (user->remark);
  g_free (user);
}

NdToken *
nd_token_new (void)
{
  return g_new0 (NdToken, 1);
}

void
nd_token_free (NdToken *token)
{
  if (token == NULL)
    return;
  g_free (token->username);
  g_free (token->name);
  g_free (token->masked_key);
  g_free (token->group);
  g_free (token->model_limits);
  g_free (token->allow_ips);
  g_free (token);
}

/* With Redis, NewAPI never writes expired/exhausted back to the database
 * (reference §1.3, §1.7), so both sources compute them here. */
void
nd_token_derive_status (NdToken *token, gint64 now)
{
  token->effective_status = token->status;
  if (token->status != 1)
    return;
  if (token->expired_time != -1 && token->expired_time < now)
    token->effective_status = ND_TOKEN_STATUS_EXPIRED;
  else if (!token->unlimited_quota && token->remain_quota <= 0)
    token->effective_status = ND_TOKEN_STATUS_EXHAUSTED;
}

const char *
nd_token_status_nick (int status)
{
  switch (status)
    {
    case ND_TOKEN_STATUS_ENABLED: return "enabled";
    case ND_TOKEN_STATUS_DISABLED: return "disabled";
    case ND_TOKEN_STATUS_EXPIRED: return "expired";
    case ND_TOKEN_STATUS_EXHAUSTED: return "exhausted";
    default: return "unknown";
    }
}

NdRedemption *
nd_redemption_new (void)
{
  return g_new0 (NdRedemption, 1);
}

void
nd_redemption_free (NdRedemption *redemption)
{
  if (redemption == NULL)
    return;
  g_free (redemption->username);
  g_free (redemption->used_username);
  g_free (redemption->name);
  g_free (redemption->masked_key);
  g_free (redemption);
}

void
nd_redemption_derive_expired (NdRedemption *redemption, gint64 now)
{
  redemption->expired = redemption->status == ND_REDEMPTION_STATUS_ENABLED &&
                        redemption->expired_time != 0 && redemption->expired_time < now;
}

const char *
nd_redemption_effective_nick (const NdRedemption *redemption)
{
  if (redemption->expired)
    return "expired";
  switch (redemption->status)
    {
    case ND_REDEMPTION_STATUS_ENABLED: return "enabled";
    case ND_REDEMPTION_STATUS_DISABLED: return "disabled";
    case ND_REDEMPTION_STATUS_USED: return "used";
    default: return "unknown";
    }
}

NdModel *
nd_model_new (void)
{
  NdModel *model = g_new0 (NdModel, 1);

  model->model_ratio = NAN;
  model->completion_ratio = NAN;
  model->model_price = NAN;
  return model;
}

void
nd_model_free (NdModel *model)
{
  if (model == NULL)
    return;
  g_free (model->model_name);
  g_free (model->description);
  g_free (model->vendor);
  g_free (model->tags);
  g_free (model);
}
