/* nd-server-info.h — what a probe learned about the other side
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "nd-money.h"

G_BEGIN_DECLS

typedef enum {
  ND_SOURCE_KIND_PG,
  ND_SOURCE_KIND_HTTP,
  ND_SOURCE_KIND_REPORT,
} NdSourceKind;

/* What a page may offer. A page greys out what is missing and says why. */
typedef enum {
  ND_CAP_NONE              = 0,
  ND_CAP_LOGS              = 1 << 0,   /* browse logs */
  ND_CAP_LOG_EXPORT        = 1 << 1,
  ND_CAP_LOG_TAIL          = 1 << 2,
  ND_CAP_LOG_REQUEST_ID    = 1 << 3,   /* logs.request_id exists */
  ND_CAP_LOG_IP_FILTER     = 1 << 4,
  ND_CAP_FACTS             = 1 << 5,   /* hourly aggregates per model */
  ND_CAP_FACTS_USER        = 1 << 6,
  ND_CAP_FACTS_TOKEN       = 1 << 7,
  ND_CAP_FACTS_CHANNEL     = 1 << 8,
  ND_CAP_FACTS_ERRORS      = 1 << 9,
  ND_CAP_FACTS_LATENCY     = 1 << 10,
  ND_CAP_CHANNELS          = 1 << 11,
  ND_CAP_USERS             = 1 << 12,
  ND_CAP_TOKENS_ALL_USERS  = 1 << 13,
  ND_CAP_REDEMPTIONS       = 1 << 14,
  ND_CAP_MODELS            = 1 << 15,
  ND_CAP_WRITE             = 1 << 16,  /* not read-only */
  ND_CAP_FACTS_TOKEN_SPLIT = 1 << 17,  /* prompt and completion tokens apart */
  /* Bulk reads are cheap: logs stream in big batches and polling often
   * costs nothing. Absent where every request spends a rate limit shared
   * with the admin's browser (NewAPI's API): pages poll less and warn
   * that exports are slow. */
  ND_CAP_BULK_READS        = 1 << 18,
  /* Facts come in day slices (NewAPI's API; nd-facts-types.h): the trend
   * and models are hourly, users, channels, tokens and groups per day. */
  ND_CAP_FACTS_DAY_SLICES  = 1 << 19,
  /* The user list sorts by used quota and requests and leaves deleted
   * users out without a status filter (NdListQuery; the database can,
   * NewAPI's API cannot). */
  ND_CAP_USERS_ANY_QUERY   = 1 << 20,
} NdCapabilities;

#define ND_TYPE_SERVER_INFO (nd_server_info_get_type ())

typedef struct {
  /*< private >*/
  gatomicrefcount ref_count;
  /*< public >*/
  NdSourceKind kind;
  NdCapabilities caps;
  char *newapi_version;        /* "v1.0.0-rc.24", NULL when unknown */
  char *system_name;
  char *backend_version;       /* "PostgreSQL 15.20" or "NewAPI HTTP" */
  char *username;              /* the account we act as (HTTP), or DB role */
  gint64 user_id;
  int role;                    /* NewAPI role for HTTP, 0 for PG */
  NdMoney *money;
  gboolean read_only;
  gboolean logs_separate_db;   /* logs come from the log DSN */
  gboolean legacy_log_index;   /* idx_created_at_id is (id, created_at) */
  gboolean has_log_request_id;
  gboolean has_quota_data_dims;/* quota_data.channel_id/token_id/use_group */
  gboolean has_token_auto_groups;
  gboolean has_user_auth_version;
  gint64 approx_log_rows;      /* planner estimate, -1 unknown */
  gint64 max_log_id;           /* -1 unknown */
  /* Facts read from NewAPI's own quota_data (HTTP) lag by up to this many
   * seconds (DataExportInterval, 5 min by default) and have no rows for
   * model names longer than 64 characters on PostgreSQL. 0 for sources that
   * aggregate the logs themselves. See nd_server_info_get_facts_caveat(). */
  gint64 facts_lag_seconds;
  /* Who the gateway is, for local caches kept per gateway (the facts
   * store): where it lives, whatever the DSN or URL spelling — PostgreSQL:
   * the cluster's system identifier and the database (and the log
   * database); HTTP: the normalised base URL. NULL when unknown. */
  char *gateway_id;
  /* Which install that place holds now — PostgreSQL: the database's OID and
   * NewAPI's first `setups` row; NULL over HTTP. A change means the data was
   * replaced (recreated, or restored from elsewhere): caches start over. */
  char *gateway_instance;
} NdServerInfo;

GType         nd_server_info_get_type (void) G_GNUC_CONST;
NdServerInfo *nd_server_info_new      (NdSourceKind kind);
NdServerInfo *nd_server_info_ref      (NdServerInfo *info);
void          nd_server_info_unref    (NdServerInfo *info);
gboolean      nd_server_info_has      (const NdServerInfo *info, NdCapabilities caps);
char         *nd_server_info_describe (const NdServerInfo *info);
/* A sentence for the dashboard when facts come from quota_data, else NULL. */
const char   *nd_server_info_get_facts_caveat (const NdServerInfo *info);
/* The dashboard dimensions this source cannot give, as the stable names
 * `stats --json` lists under `unavailable` (README, "stats JSON"), in this
 * order: "channels", "users", "tokens", "errors", "latency", "token_split".
 * Empty (never NULL) when everything is there, e.g. over PostgreSQL. */
GStrv         nd_server_info_dup_unavailable_facts (const NdServerInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdServerInfo, nd_server_info_unref)

G_END_DECLS
