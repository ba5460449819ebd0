/* nd-write.h — every management action, as a typed request any source runs
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A page or a command builds one NdWrite with a typed constructor
 * (nd_write_channel_status_new, …) and hands it to nd_source_write_async().
 * That one call:
 *   1. validates the request (nd_write_validate): bad input is refused with
 *      ND_ERROR_INVALID_INPUT naming the field, before anything is sent;
 *   2. refuses it with ND_ERROR_READ_ONLY when the profile or the server
 *      session is read-only, before any statement or request is sent;
 *   3. runs it on the source: over PostgreSQL in one transaction that keeps
 *      NewAPI's invariants (reference §1.6–1.7) and adds the type-3 audit
 *      row NewAPI's admin API adds (§1.6a); over HTTP through the endpoints
 *      of the server's version, the server's refusal shown verbatim.
 * So each action lives once, in core, and the Channels page and
 * `newapi-desk channels` reach it the same way.
 */
#pragma once

#include <glib.h>

#include "nd-records.h"

G_BEGIN_DECLS

typedef enum {
  ND_WRITE_CHANNEL_STATUS,        /* ids, status (1 enable, 2 disable), reason */
  ND_WRITE_CHANNEL_UPDATE,        /* ids[0], channel (fields in mask) */
  ND_WRITE_CHANNEL_CREATE,        /* channel */
  ND_WRITE_CHANNEL_DELETE,        /* ids (hard delete, as NewAPI) */
  ND_WRITE_CHANNEL_TAG,           /* ids, tag ("" clears) */
  ND_WRITE_CHANNEL_COPY,          /* ids[0]; result new_id */
  ND_WRITE_CHANNEL_KEY_STATUS,    /* ids[0], key_index, status (multi-key channels) */
  ND_WRITE_CHANNEL_TEST_RESULT,   /* ids[0], response_ms, test_time: a health check result */
  ND_WRITE_CHANNEL_BALANCE,       /* ids[0], balance, balance_time */

  ND_WRITE_USER_CREATE,           /* user */
  ND_WRITE_USER_UPDATE,           /* ids[0], user (fields in mask) */
  ND_WRITE_USER_STATUS,           /* ids, status (1 enable, 2 disable) */
  ND_WRITE_USER_DELETE,           /* ids (soft delete: deleted_at) */
  ND_WRITE_USER_RESTORE,          /* ids (deleted_at back to NULL) */
  ND_WRITE_USER_QUOTA,            /* ids[0], quota_mode, amount (quota units), reason */

  ND_WRITE_TOKEN_CREATE,          /* token; result secrets[0] = the new key, shown once */
  ND_WRITE_TOKEN_UPDATE,          /* ids[0], token (fields in mask) */
  ND_WRITE_TOKEN_STATUS,          /* ids, status (1 enable, 2 disable) */
  ND_WRITE_TOKEN_DELETE,          /* ids (soft delete) */

  ND_WRITE_REDEMPTION_CREATE,     /* redemption; result secrets = the new codes, shown once */
  ND_WRITE_REDEMPTION_UPDATE,     /* ids[0], redemption (name, quota, expired_time) */
  ND_WRITE_REDEMPTION_STATUS,     /* ids, status (1 enable, 2 disable) */
  ND_WRITE_REDEMPTION_DELETE,     /* ids (soft delete) */
  ND_WRITE_REDEMPTION_DELETE_INVALID, /* used, disabled and expired codes (soft delete) */

  ND_WRITE_MODEL_PRICE,           /* price: one model's ratio / completion ratio / fixed price */
  ND_WRITE_GROUP_RATIO,           /* price: one group's ratio */
} NdWriteKind;

/* Which NdChannelEdit fields a create/update sets (others are left alone). */
typedef enum {
  ND_CHANNEL_FIELD_NAME                = 1 << 0,
  ND_CHANNEL_FIELD_TYPE                = 1 << 1,
  ND_CHANNEL_FIELD_KEY                 = 1 << 2,
  ND_CHANNEL_FIELD_BASE_URL            = 1 << 3,
  ND_CHANNEL_FIELD_GROUP               = 1 << 4,
  ND_CHANNEL_FIELD_MODELS              = 1 << 5,
  ND_CHANNEL_FIELD_MODEL_MAPPING       = 1 << 6,
  ND_CHANNEL_FIELD_STATUS_CODE_MAPPING = 1 << 7,
  ND_CHANNEL_FIELD_PRIORITY            = 1 << 8,
  ND_CHANNEL_FIELD_WEIGHT              = 1 << 9,
  ND_CHANNEL_FIELD_AUTO_BAN            = 1 << 10,
  ND_CHANNEL_FIELD_TAG                 = 1 << 11,
  ND_CHANNEL_FIELD_REMARK              = 1 << 12,
  ND_CHANNEL_FIELD_TEST_MODEL          = 1 << 13,
  ND_CHANNEL_FIELD_OTHER               = 1 << 14,   /* type-specific text (Azure version…) */
  ND_CHANNEL_FIELD_SETTING             = 1 << 15,   /* JSON object */
  ND_CHANNEL_FIELD_PARAM_OVERRIDE      = 1 << 16,   /* JSON object */
  ND_CHANNEL_FIELD_HEADER_OVERRIDE     = 1 << 17,   /* JSON object */
  ND_CHANNEL_FIELD_SETTINGS            = 1 << 18,   /* JSON object */
  ND_CHANNEL_FIELD_STATUS              = 1 << 19,   /* create only; updates use CHANNEL_STATUS */
} NdChannelField;

/* A channel as a form edits it. Text fields are stored as NewAPI stores
 * them (comma lists, JSON text). The key is a secret: wiped on free, never
 * logged, never read back. */
typedef struct {
  NdChannelField mask;
  char *name;
  int type;
  char *key;
  char *base_url;
  char *group;                 /* comma list, ≤ 64 characters on PostgreSQL */
  char *models;                /* comma list, not empty */
  char *model_mapping;         /* JSON object or "" */
  char *status_code_mapping;   /* JSON object or "" */
  gint64 priority;
  gint64 weight;
  int auto_ban;                /* 1 allow auto-disable, 0 not */
  char *tag;
  char *remark;
  char *test_model;
  char *other;
  char *setting;
  char *param_override;
  char *header_override;
  char *settings;
  int status;
  /* A name another channel already has is refused (ND_ERROR_CONFLICT)
   * unless the admin confirmed it. */
  gboolean allow_duplicate_name;
} NdChannelEdit;

NdChannelEdit *nd_channel_edit_new  (void);
void           nd_channel_edit_free (NdChannelEdit *edit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdChannelEdit, nd_channel_edit_free)

/* ---- users (reference §1.3 users, §1.6a, §2.2) ---- */

typedef enum {
  ND_USER_FIELD_USERNAME     = 1 << 0,   /* create only */
  ND_USER_FIELD_PASSWORD     = 1 << 1,   /* bcrypt $2a$ cost 10; bumps auth_version */
  ND_USER_FIELD_DISPLAY_NAME = 1 << 2,
  ND_USER_FIELD_ROLE         = 1 << 3,   /* below the operator's own role; bumps auth_version */
  ND_USER_FIELD_GROUP        = 1 << 4,   /* a key of GroupRatio; bumps auth_version */
  ND_USER_FIELD_REMARK       = 1 << 5,
} NdUserField;

typedef struct {
  NdUserField mask;
  char *username;              /* 1–20 characters, unique */
  char *password;              /* 8–20 characters; a secret: wiped on free */
  char *display_name;          /* ≤ 20 characters */
  int role;                    /* 1 common, 10 admin (100 root is never granted) */
  char *group;
  char *remark;                /* ≤ 255 characters */
} NdUserEdit;

NdUserEdit *nd_user_edit_new  (void);
void        nd_user_edit_free (NdUserEdit *edit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdUserEdit, nd_user_edit_free)

typedef enum {
  ND_QUOTA_ADD,                /* quota = quota + amount (amount > 0) */
  ND_QUOTA_SUBTRACT,           /* quota = quota - amount (amount > 0, may go below 0) */
  ND_QUOTA_SET,                /* quota = amount (old value read under a row lock) */
} NdQuotaMode;

/* ---- tokens (reference §1.3 tokens, §2.3) ---- */

typedef enum {
  ND_TOKEN_FIELD_NAME            = 1 << 0,
  ND_TOKEN_FIELD_EXPIRED_TIME    = 1 << 1,
  ND_TOKEN_FIELD_REMAIN_QUOTA    = 1 << 2,
  ND_TOKEN_FIELD_UNLIMITED       = 1 << 3,
  ND_TOKEN_FIELD_MODEL_LIMITS    = 1 << 4,   /* model_limits_enabled + model_limits */
  ND_TOKEN_FIELD_ALLOW_IPS       = 1 << 5,
  ND_TOKEN_FIELD_GROUP           = 1 << 6,
} NdTokenField;

typedef struct {
  NdTokenField mask;
  gint64 user_id;              /* owner (create; over HTTP always the caller) */
  char *name;                  /* ≤ 50 characters */
  gint64 expired_time;         /* -1 never, else unix s in the future */
  gint64 remain_quota;         /* ≥ 0 */
  gboolean unlimited_quota;
  gboolean model_limits_enabled;
  char *model_limits;          /* comma list */
  char *allow_ips;             /* newline list of IPs / CIDRs */
  char *group;                 /* "" = the owner's group */
} NdTokenEdit;

NdTokenEdit *nd_token_edit_new  (void);
void         nd_token_edit_free (NdTokenEdit *edit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdTokenEdit, nd_token_edit_free)

/* ---- redemption codes (reference §1.3 redemptions, §2.5) ---- */

typedef struct {
  char *name;                  /* 1–20 characters */
  guint count;                 /* 1–100 (create) */
  gint64 quota;                /* > 0 quota units */
  gint64 expired_time;         /* 0 never, else unix s in the future */
} NdRedemptionEdit;

NdRedemptionEdit *nd_redemption_edit_new  (void);
void              nd_redemption_edit_free (NdRedemptionEdit *edit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdRedemptionEdit, nd_redemption_edit_free)

/* ---- prices (reference §1.3 options, §2.7) ---- */

/* A model is billed either by ratio (ModelRatio + CompletionRatio) or by a
 * fixed price per call (ModelPrice), never both: setting one removes the
 * model from the other option's map. Each option holds the full map; only
 * this key of it changes. */
typedef struct {
  char *name;                  /* model or group */
  gboolean per_call;           /* TRUE: price; FALSE: ratio (+ completion_ratio) */
  double ratio;                /* ModelRatio / GroupRatio value, ≥ 0 */
  double completion_ratio;     /* CompletionRatio; NAN = leave unset */
  double price;                /* ModelPrice, USD per call, ≥ 0 */
} NdPriceEdit;

NdPriceEdit *nd_price_edit_new  (void);
void         nd_price_edit_free (NdPriceEdit *edit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdPriceEdit, nd_price_edit_free)

typedef struct {
  NdWriteKind kind;
  GArray *ids;                 /* (element-type gint64) target rows */
  int status;
  char *reason;                /* why (status changes, quota changes) */
  char *tag;
  NdChannelEdit *channel;
  int key_index;
  gint64 response_ms;
  gint64 test_time;
  double balance;
  gint64 balance_time;
  NdUserEdit *user;
  NdQuotaMode quota_mode;
  gint64 amount;               /* quota units */
  NdTokenEdit *token;
  NdRedemptionEdit *redemption;
  NdPriceEdit *price;
} NdWrite;

void     nd_write_free (NdWrite *write);
/* A deep copy (secrets included), for sources that outlive the caller's. */
NdWrite *nd_write_copy (const NdWrite *write);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdWrite, nd_write_free)

const char *nd_write_kind_to_string (NdWriteKind kind);
gint64      nd_write_first_id       (const NdWrite *write);

/* Constructors: the only way pages and commands make requests. */
NdWrite *nd_write_channel_status_new  (const gint64 *ids, guint n_ids, int status,
                                       const char *reason);
NdWrite *nd_write_channel_update_new  (gint64 id, NdChannelEdit *edit);      /* takes @edit */
NdWrite *nd_write_channel_create_new  (NdChannelEdit *edit);                 /* takes @edit */
NdWrite *nd_write_channel_delete_new  (const gint64 *ids, guint n_ids);
NdWrite *nd_write_channel_tag_new     (const gint64 *ids, guint n_ids, const char *tag);
NdWrite *nd_write_channel_copy_new    (gint64 id);
NdWrite *nd_write_channel_key_status_new (gint64 id, int key_index, int status);
NdWrite *nd_write_channel_test_result_new (gint64 id, gint64 response_ms, gint64 test_time);
NdWrite *nd_write_channel_balance_new (gint64 id, double balance, gint64 balance_time);

NdWrite *nd_write_user_create_new     (NdUserEdit *edit);                    /* takes @edit */
NdWrite *nd_write_user_update_new     (gint64 id, NdUserEdit *edit);         /* takes @edit */
NdWrite *nd_write_user_status_new     (const gint64 *ids, guint n_ids, int status);
NdWrite *nd_write_user_delete_new     (const gint64 *ids, guint n_ids);
NdWrite *nd_write_user_restore_new    (const gint64 *ids, guint n_ids);
NdWrite *nd_write_user_quota_new      (gint64 id, NdQuotaMode mode, gint64 amount,
                                       const char *reason);

NdWrite *nd_write_token_create_new    (NdTokenEdit *edit);                   /* takes @edit */
NdWrite *nd_write_token_update_new    (gint64 id, NdTokenEdit *edit);        /* takes @edit */
NdWrite *nd_write_token_status_new    (const gint64 *ids, guint n_ids, int status);
NdWrite *nd_write_token_delete_new    (const gint64 *ids, guint n_ids);

NdWrite *nd_write_redemption_create_new (NdRedemptionEdit *edit);            /* takes @edit */
NdWrite *nd_write_redemption_update_new (gint64 id, NdRedemptionEdit *edit); /* takes @edit */
NdWrite *nd_write_redemption_status_new (const gint64 *ids, guint n_ids, int status);
NdWrite *nd_write_redemption_delete_new (const gint64 *ids, guint n_ids);
NdWrite *nd_write_redemption_delete_invalid_new (void);

NdWrite *nd_write_model_price_new     (NdPriceEdit *edit);                   /* takes @edit */
NdWrite *nd_write_group_ratio_new     (const char *group, double ratio);

/* Checks what can be checked without the server. On failure sets
 * ND_ERROR_INVALID_INPUT with a sentence for people, and *@field (when not
 * NULL) to the name of the offending NdChannelEdit field ("model_mapping",
 * "group", …) so a form can mark it. */
gboolean nd_write_validate (const NdWrite *write, const char **field, GError **error);

/* Validates @text as a JSON object ("" and NULL are fine: not set). On
 * failure the message says where ("line 3, column 7: …"). */
gboolean nd_write_validate_json_object (const char *text, const char *label, GError **error);

/* What a write did. */
typedef struct {
  gint64 changed;              /* rows (or channels, keys) changed */
  gint64 new_id;               /* the row a create/copy made; 0 otherwise */
  /* The write committed but its audit row could not be written (logs in a
   * separate database): the user must be told. NULL when audited. */
  char *audit_error;
  /* A sentence for the UI, e.g. that servers with a memory cache apply a
   * database write within SYNC_FREQUENCY. NULL when there is nothing to say. */
  char *notice;
  /* Secrets the write created (a token key, redemption codes), to be shown
   * once; wiped when the result is freed. NULL when none. */
  GPtrArray *secrets;
} NdWriteResult;

NdWriteResult *nd_write_result_new  (void);
void           nd_write_result_free (NdWriteResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdWriteResult, nd_write_result_free)

/* Why NewAPI v1.0.0-rc.6 and later refuse to make redemption codes, in one
 * translated sentence, for both sources' refusals. */
const char *nd_write_compliance_note (void);

/* Channel status as NewAPI stores it (reference §2.4). */
typedef enum {
  ND_CHANNEL_STATUS_UNKNOWN = 0,
  ND_CHANNEL_STATUS_ENABLED = 1,
  ND_CHANNEL_STATUS_MANUALLY_DISABLED = 2,
  ND_CHANNEL_STATUS_AUTO_DISABLED = 3,
} NdChannelStatus;

/* "enabled", "manually_disabled", "auto_disabled", "unknown" (stable names
 * for --json). */
const char *nd_channel_status_nick (int status);

/* Splits a comma list exactly as NewAPI does (strings.Split: no trimming,
 * empty entries kept, "" gives one empty entry). */
GStrv nd_split_commas (const char *list);

G_END_DECLS
