/* nd-records.h — row types every source returns, free of SQL and JSON
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Secrets never enter these structs: keys are carried masked
 * (nd_mask_secret) and only an explicit reveal call returns one.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* NewAPI log types (reference §2.1). */
typedef enum {
  ND_LOG_UNKNOWN = 0,
  ND_LOG_TOPUP = 1,
  ND_LOG_CONSUME = 2,
  ND_LOG_MANAGE = 3,
  ND_LOG_SYSTEM = 4,
  ND_LOG_ERROR = 5,
  ND_LOG_REFUND = 6,
  ND_LOG_LOGIN = 7,
} NdLogType;

const char *nd_log_type_to_label (int type);   /* translated */
const char *nd_log_type_to_nick  (int type);   /* "consume", "error", … */

typedef struct {
  gint64 id;
  gint64 created_at;         /* unix seconds */
  gint64 user_id;
  gint64 token_id;
  gint64 channel_id;
  gint64 quota;
  gint64 prompt_tokens;
  gint64 completion_tokens;
  gint64 use_time;           /* seconds */
  int type;
  gboolean is_stream;
  char *username;
  char *token_name;
  char *model_name;
  char *group;
  char *ip;
  char *request_id;          /* NULL when the server has no such column */
  char *upstream_request_id;
  char *content;
  char *other;               /* JSON text as NewAPI wrote it */
  char *channel_name;        /* resolved by the source, never read from logs */
} NdLog;

NdLog *nd_log_new  (void);
NdLog *nd_log_copy (const NdLog *log);
void   nd_log_free (NdLog *log);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdLog, nd_log_free)

/* One key of a multi-key channel (channel_info, reference §1.3). */
typedef struct {
  int index;
  int status;                /* 1 enabled, 2 manually disabled, 3 auto disabled */
  char *reason;              /* why it was disabled, or NULL */
  gint64 disabled_time;      /* unix s, 0 when enabled */
  char *preview;             /* masked (nd_mask_secret), never the key */
} NdChannelKey;

void nd_channel_key_free (NdChannelKey *key);

typedef struct {
  gint64 id;
  int type;                  /* reference §2.6 */
  int status;                /* 1 enabled, 2 manual disabled, 3 auto disabled */
  char *name;
  char *group;               /* comma list */
  char *models;              /* comma list */
  char *tag;
  char *base_url;
  gint64 priority;
  gint64 weight;
  double balance;
  gint64 used_quota;
  gint64 response_time;      /* ms of the last test */
  gint64 test_time;
  gint64 created_time;
  gboolean is_multi_key;
  int multi_key_size;
  char *remark;
  gint64 balance_updated_time;
  int auto_ban;
  char *test_model;
  char *status_reason;       /* other_info.status_reason: why the status last changed */
  gint64 status_time;        /* other_info.status_time, 0 when unknown */
  /* Detail only (nd_source_get_channel_async); NULL in lists. The key
   * itself is never read: it is write-only in the UI. */
  char *model_mapping;
  char *status_code_mapping;
  char *other;
  char *setting;
  char *param_override;
  char *header_override;
  char *settings;
  char *multi_key_mode;      /* "random" | "polling" */
  GPtrArray *keys;           /* (element-type NdChannelKey) multi-key channels */
} NdChannel;

NdChannel  *nd_channel_new  (void);
void        nd_channel_free (NdChannel *channel);
const char *nd_channel_type_name (int type);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdChannel, nd_channel_free)

/* The sign-in methods bound to a user account. Only whether one is bound
 * ever leaves the source: the OAuth ids themselves are never read. */
typedef enum {
  ND_USER_BINDING_GITHUB   = 1 << 0,
  ND_USER_BINDING_DISCORD  = 1 << 1,
  ND_USER_BINDING_OIDC     = 1 << 2,
  ND_USER_BINDING_WECHAT   = 1 << 3,
  ND_USER_BINDING_TELEGRAM = 1 << 4,
  ND_USER_BINDING_LINUX_DO = 1 << 5,
} NdUserBindings;

/* NewAPI's roles and user statuses (reference §2.2). */
#define ND_ROLE_COMMON 1
#define ND_ROLE_ADMIN 10
#define ND_ROLE_ROOT 100

/* A user as lists and the detail show it: never the password hash, the
 * access token or an OAuth id. */
typedef struct {
  gint64 id;
  char *username;
  char *display_name;
  char *email;
  char *group;
  char *remark;
  int role;                  /* 1 common, 10 admin, 100 root */
  int status;                /* 1 enabled, 2 disabled */
  gint64 quota;
  gint64 used_quota;
  gint64 request_count;
  gint64 created_at;
  gint64 last_login_at;
  gboolean deleted;
  gint64 deleted_at;         /* unix s of the soft delete, 0 when live (or unknown) */
  NdUserBindings bindings;
  /* Detail only (nd_source_get_user_async); 0 in lists. */
  gint64 inviter_id;         /* 0 = nobody invited them */
  gint64 aff_count;          /* users they invited */
  gint64 aff_quota;          /* referral reward not yet moved to the wallet */
  gint64 aff_history_quota;  /* referral rewards ever earned */
} NdUser;

NdUser *nd_user_new  (void);
void    nd_user_free (NdUser *user);
/* "common", "admin", "root" (stable names for --json), else the number. */
const char *nd_user_role_nick (int role);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdUser, nd_user_free)

/* Token status as NewAPI stores it (reference §2.3). */
typedef enum {
  ND_TOKEN_STATUS_ENABLED = 1,
  ND_TOKEN_STATUS_DISABLED = 2,
  ND_TOKEN_STATUS_EXPIRED = 3,
  ND_TOKEN_STATUS_EXHAUSTED = 4,
} NdTokenStatus;

typedef struct {
  gint64 id;
  gint64 user_id;
  char *username;            /* the owner's, NULL when the source cannot tell */
  char *name;
  char *masked_key;          /* "sk-abcd**********wxyz" (nd_mask_token_key) */
  char *group;               /* "" = the owner's group */
  char *model_limits;        /* comma list, enforced when model_limits_enabled */
  char *allow_ips;           /* newline list of IPs / CIDRs, "" = any */
  int status;                /* stored status */
  int effective_status;      /* 3 expired / 4 exhausted computed client-side */
  gint64 created_time;
  gint64 accessed_time;
  gint64 expired_time;       /* -1 never */
  gint64 remain_quota;
  gint64 used_quota;
  gboolean unlimited_quota;
  gboolean model_limits_enabled;
} NdToken;

NdToken *nd_token_new  (void);
void     nd_token_free (NdToken *token);
/* Sets effective_status from expiry and remaining quota at @now. */
void     nd_token_derive_status (NdToken *token, gint64 now);
/* "enabled", "disabled", "expired", "exhausted" (stable names for --json);
 * "unknown" for anything else. */
const char *nd_token_status_nick (int status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdToken, nd_token_free)

/* Redemption code status as NewAPI stores it (reference §2.5). */
typedef enum {
  ND_REDEMPTION_STATUS_ENABLED = 1,
  ND_REDEMPTION_STATUS_DISABLED = 2,
  ND_REDEMPTION_STATUS_USED = 3,
  /* Not stored: NdListQuery.status for unused codes past their expiry
   * (and 1 then means unused and not expired). */
  ND_REDEMPTION_FILTER_EXPIRED = 4,
} NdRedemptionStatus;

typedef struct {
  gint64 id;
  gint64 user_id;            /* the administrator who made it */
  gint64 used_user_id;       /* who redeemed it, 0 when nobody has */
  char *username;            /* the maker's name, NULL when the source cannot tell */
  char *used_username;       /* the redeemer's name, likewise */
  char *name;
  char *masked_key;
  int status;                /* 1 unused, 2 disabled, 3 used */
  gboolean expired;          /* derived */
  gint64 quota;
  gint64 created_time;
  gint64 redeemed_time;
  gint64 expired_time;       /* 0 never */
} NdRedemption;

NdRedemption *nd_redemption_new  (void);
void          nd_redemption_free (NdRedemption *redemption);
/* Sets expired: status 1, an expiry time, and that time passed at @now. */
void          nd_redemption_derive_expired (NdRedemption *redemption, gint64 now);
/* What the code is now: "enabled", "disabled", "used" or "expired" (an
 * unused code past its expiry), for --json and the page. */
const char   *nd_redemption_effective_nick (const NdRedemption *redemption);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdRedemption, nd_redemption_free)

typedef struct {
  gint64 id;
  char *model_name;
  char *description;
  char *vendor;
  char *tags;
  int status;
  int name_rule;
  double model_ratio;        /* from options/pricing; NAN when unknown */
  double completion_ratio;
  double model_price;        /* per call, USD; NAN when ratio-billed */
  gint64 channel_count;      /* channels offering it (abilities) */
} NdModel;

NdModel *nd_model_new  (void);
void     nd_model_free (NdModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdModel, nd_model_free)

G_END_DECLS
