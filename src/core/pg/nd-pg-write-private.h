/* nd-pg-write-private.h — the PostgreSQL write path, shared by its action files
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * nd-pg-write.c runs every NdWrite the same way, on the main connection's
 * worker thread:
 *
 *   BEGIN
 *     resolve the operator (the profile's "act as" admin, else the lowest-id
 *     root user), check the action against the operator's role
 *     run the action's function (nd-pg-write-channels.c, …): statements
 *     only through nd_pg_exec (parameters, never spliced values), NewAPI's
 *     invariants kept (abilities, other_info, relative quota updates), and
 *     the audit rows NewAPI's admin API writes queued with nd_pg_audit()
 *     insert the audit rows here when the logs live in this database
 *   COMMIT (ROLLBACK on any error: no write is half done)
 *
 * With a separate log database the audit rows are inserted there after the
 * main commit; a failure is reported in NdWriteResult.audit_error, never
 * dropped.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "nd-pg-source-private.h"
#include "nd-write.h"

G_BEGIN_DECLS

/* NewAPI's roles (reference §2.2). */
#define ROLE_ADMIN 10
#define ROLE_ROOT 100

typedef struct {
  gint64 id;
  char *username;
  int role;
} NdPgOperator;

/* One type-3 log row (reference §1.6a), or with a user_id another row
 * NewAPI writes beside the change (nd_pg_log_row). */
typedef struct {
  char *action;                /* "channel.status_update"; NULL for other rows */
  JsonNode *params;            /* a JSON object */
  char *content;               /* NewAPI's English sentence */
  int type;                    /* 3 for audit rows */
  gint64 user_id;              /* other rows: whose log it is */
  char *username;
} NdPgAudit;

typedef struct {
  PGconn *pg;
  GCancellable *cancellable;
  const NdWrite *write;
  NdPgOperator op;
  NdWriteResult *result;
  GPtrArray *audits;           /* (element-type NdPgAudit) */
  gint64 now;                  /* unix s, one clock for the whole action */
  const NdServerInfo *info;    /* what the probe learned: NewAPI's version, the
                                * currency display of audit sentences */
} NdPgWriteCtx;

/* Runs the statements of one action inside the open transaction. */
typedef gboolean (*NdPgWriteFunc) (NdPgWriteCtx *ctx, GError **error);

/* Queues an audit row; takes @params (a JSON object node from a
 * JsonBuilder; NULL for {}). */
void      nd_pg_audit              (NdPgWriteCtx *ctx, const char *action, JsonNode *params,
                                    const char *content);

/* Queues a log row of @type for @user_id (not the operator) with an empty
 * `other`, written where and when the audit rows are: the type-4
 * "新用户注册赠送 …" row of a new user. */
void      nd_pg_log_row            (NdPgWriteCtx *ctx, int type, gint64 user_id,
                                    const char *username, const char *content);

/* Rebuilds the abilities of one channel exactly as NewAPI's
 * UpdateAbilities does (reference §1.6a). */
gboolean  nd_pg_rebuild_abilities  (NdPgWriteCtx *ctx, gint64 channel_id, GError **error);

/* nd-pg-write-channels.c */
NdPgWriteFunc _nd_pg_write_channels_func (NdWriteKind kind);
/* nd-pg-write-prices.c */
NdPgWriteFunc _nd_pg_write_prices_func   (NdWriteKind kind);
/* nd-pg-write-users.c */
NdPgWriteFunc _nd_pg_write_users_func    (NdWriteKind kind);
/* nd-pg-write-tokens.c */
NdPgWriteFunc _nd_pg_write_tokens_func (NdWriteKind kind);
/* nd-pg-write-redemptions.c */
NdPgWriteFunc _nd_pg_write_redemptions_func (NdWriteKind kind);

G_END_DECLS
