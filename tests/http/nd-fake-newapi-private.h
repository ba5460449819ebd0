/* nd-fake-newapi-private.h — shared by the fake NewAPI's endpoint families
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * nd-fake-newapi.c holds the server, auth, faults, rate limit and routing,
 * nd-fake-newapi-util.c the database, reply and parameter helpers;
 * each nd-fake-newapi-FAMILY.c answers one family of endpoints exactly as
 * reference §3 describes upstream, reading the fixture database.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <libsoup/soup.h>

#include "nd-fake-newapi.h"

G_BEGIN_DECLS

struct _NdFakeNewapi
{
  SoupServer *server;
  PGconn *pg;
  NdFakeNewapiMode mode;
  char *url;
  char *version;
  gboolean has_request_id;     /* logs.request_id exists */
  gboolean has_qd_dims;        /* quota_data.channel_id exists */
  GHashTable *faults;          /* path → NdFakeFault */
  GHashTable *delays;          /* path → ms */
  guint force_429;
  int retry_after;
  guint rate_max;
  guint rate_seconds;
  GQueue rate_times;           /* monotonic µs of recent requests */
  GHashTable *search_times;    /* user id → GQueue of monotonic µs (SearchRateLimit) */
  GPtrArray *requests;
  GPtrArray *calls;            /* "METHOD path?query" */
  GPtrArray *bodies;           /* request bodies, "" for none */
  GHashTable *upstream_errors; /* channel id (gint64*) → FakeUpstreamError */
  GPtrArray *headers;          /* "Name: value" */
  GPtrArray *routes;           /* Route, in registration order */
  NdFakeMutator mutator;
  gpointer mutator_data;
};

typedef struct {
  gint64 id;
  char *username;
  int role;
} Caller;

void nd_fake_caller_clear (Caller *c);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Caller, nd_fake_caller_clear)

/* ---- database ---------------------------------------------------------- */

/* Runs one statement; a failure aborts the test (the fake's SQL is ours). */
PGresult   *nd_fake_sql           (NdFakeNewapi *self, const char *query, int n,
                                   const char * const *params);
gboolean    nd_fake_column_exists (NdFakeNewapi *self, const char *table, const char *column);
/* One member named after the column, typed as NewAPI's JSON would type it
 * (json columns embedded as JSON). */
void        nd_fake_add_value     (JsonBuilder *b, PGresult *res, int row, int col);
void        nd_fake_add_rows      (JsonBuilder *b, PGresult *res);
/* Rows whose members named in @omitempty are left out when NULL or ''
 * (Go's `json:",omitempty"`). */
void        nd_fake_add_rows_omit (JsonBuilder *b, PGresult *res, const char * const *omitempty);

/* ---- replies ----------------------------------------------------------- */

void        nd_fake_reply_json     (SoupServerMessage *msg, guint status, JsonNode *root);
/* {success, [code,] message, [data]} */
void        nd_fake_reply_envelope (SoupServerMessage *msg, guint status, gboolean success,
                                    const char *code, const char *message, JsonNode *data);
void        nd_fake_reply_data     (SoupServerMessage *msg, JsonNode *data);
/* HTTP 200 {success:false, message}: NewAPI's usual refusal. */
void        nd_fake_reply_fail     (SoupServerMessage *msg, const char *message);
void        nd_fake_not_found      (SoupServerMessage *msg);
JsonNode   *nd_fake_builder_root   (JsonBuilder *b);
/* {page, page_size, total, items} */
JsonNode   *nd_fake_page_node      (PGresult *rows, gint64 total, int page, int page_size);
JsonNode   *nd_fake_page_node_omit (PGresult *rows, gint64 total, int page, int page_size,
                                    const char * const *omitempty);
JsonNode   *nd_fake_rows_node      (PGresult *rows);

/* ---- query parameters --------------------------------------------------- */

/* NULL when absent or empty. */
const char *nd_fake_param          (GHashTable *query, const char *key);
gint64      nd_fake_param_int      (GHashTable *query, const char *key, gint64 fallback);
/* NewAPI: p 1-based (default 1), page_size default 10, max 100 (fallbacks
 * ps, size); old channel and token lists count p from 0, old tokens read
 * only `size` (@size_only). */
void        nd_fake_paging         (GHashTable *query, gboolean zero_based, gboolean size_only,
                                    int *page, int *page_size, int *offset);

typedef struct {
  GString *where;
  GPtrArray *params;
} Where;

void        nd_fake_where_init     (Where *w);
void        nd_fake_where_clear    (Where *w);
/* Appends " AND " + @fmt with its "$%u" numbered after the params so far. */
void        nd_fake_where_add      (Where *w, const char *fmt, const char *value);
/* The log filters of /api/log/ and /api/log/stat (model_build_log_query). */
void        nd_fake_log_filters    (NdFakeNewapi *self, GHashTable *query, Where *w,
                                    gboolean with_type);

/* ---- auth and routes ---------------------------------------------------- */

/* SearchRateLimit (10 / 60 s per user): TRUE after answering 429. */
gboolean    nd_fake_search_limited (NdFakeNewapi *self, SoupServerMessage *msg, Caller *caller);
/* Returns FALSE after replying with the server's refusal. */
gboolean    nd_fake_authenticate   (NdFakeNewapi *self, SoupServerMessage *msg, int min_role,
                                    Caller *caller);

/* @caller is filled when the route needs a role (min_role >= 0), else zero. */
typedef void (*NdFakeHandler) (NdFakeNewapi *self, SoupServerMessage *msg, const char *path,
                               GHashTable *query, Caller *caller);

/* @pattern: "/api/channel/:id" — ":name" matches one non-empty segment.
 * @min_role: -1 public, else the role the caller needs (1 user, 10 admin,
 * 100 root). A route registered with @available returning FALSE answers
 * 404, as a server without that endpoint would. */
void        nd_fake_add_route      (NdFakeNewapi *self, const char *method, const char *pattern,
                                    int min_role, gboolean (*available) (NdFakeNewapi *self),
                                    NdFakeHandler handler);
/* The numeric segment @index (0-based) of @path, or -1. */
gint64      nd_fake_path_int       (const char *path, guint index);

/* ---- channel writes (nd-fake-newapi-channels*.c) ---------------------- */

/* The members of NewAPI's channel JSON, as its list and detail endpoints
 * send them: never the key, multi-key disable reasons stripped. */
#define ND_FAKE_CHANNEL_COLUMNS \
  "id, type, open_ai_organization AS openai_organization, test_model, status, name, weight, " \
  "created_time, test_time, response_time, base_url, other, balance, balance_updated_time, " \
  "models, \"group\", used_quota, model_mapping, status_code_mapping, priority, auto_ban, " \
  "other_info, tag, setting, param_override, header_override, remark, " \
  "(channel_info::jsonb - 'multi_key_disabled_reason')::json AS channel_info, settings"

/* NewAPI's user JSON (lists, GET /api/user/:id; newer servers add
 * stripe_customer): password, original_password and verification_code are
 * never selected and come back empty, the access token never comes back;
 * Go marshals gorm.DeletedAt as null or an RFC 3339 time. */
#define ND_FAKE_USER_COLUMNS \
  "id, username, '' AS password, '' AS original_password, display_name, role, status, email, " \
  "github_id, discord_id, oidc_id, wechat_id, telegram_id, linux_do_id, " \
  "'' AS verification_code, quota, used_quota, request_count, \"group\", aff_code, aff_count, " \
  "aff_quota, aff_history AS aff_history_quota, inviter_id, " \
  "to_json(deleted_at) AS \"DeletedAt\", COALESCE(setting, '') AS setting, remark, created_at, " \
  "last_login_at"

typedef struct {
  char *message;
  char *error_code;
} FakeUpstreamError;

/* v1.0.0-rc.16 and later: casbin channel permissions (sensitive writes for
 * root only by default), POST /api/channel/:id/status, PUT refuses status,
 * and the type-3 audit rows of reference §1.6a. */
gboolean    nd_fake_rc16           (NdFakeNewapi *self);
/* The version /api/status reports is @landmark ("v0.11.4", "v1.0.0-rc.6")
 * or later. */
gboolean    nd_fake_version_at_least (NdFakeNewapi *self, const char *landmark);
/* Per-key management (multi_key/manage): not on the v0.8-era server. */
gboolean    nd_fake_has_multi_key  (NdFakeNewapi *self);
/* "123": a number as a statement parameter. */
char       *nd_fake_int_text       (gint64 v);
/* Unix seconds now. */
gint64      nd_fake_now            (void);
/* Runs one statement that input can make fail; NULL with *@message set to
 * the error as GORM words PostgreSQL's ("ERROR: … (SQLSTATE …)"). */
PGresult   *nd_fake_try_sql        (NdFakeNewapi *self, const char *query, int n,
                                    const char * const *params, char **message);
/* The request body as a JSON object; NULL after answering the refusal. */
JsonObject *nd_fake_body_object    (SoupServerMessage *msg);
/* A channel action needing sensitive_write (@sensitive) or less: FALSE
 * after answering 403 on rc.16+ for a caller without it (only root has it
 * by default; admins have read, operate and write). */
gboolean    nd_fake_channel_can    (NdFakeNewapi *self, SoupServerMessage *msg, Caller *caller,
                                    gboolean sensitive);
/* UpdateAbilities: channel @id's abilities deleted, then the cross product
 * of strings.Split(group, ",") × strings.Split(models, ",") (no trimming,
 * empty entries kept, duplicates dropped) inserted with enabled = status
 * == 1, priority, weight and tag. FALSE with *@message when PostgreSQL
 * refuses a row (a model name over 255 characters). */
gboolean    nd_fake_rebuild_abilities (NdFakeNewapi *self, gint64 id, char **message);
/* A type-3 audit row on rc.16+ (none before): the caller as operator,
 * other = {op:{action, params}, admin_info:{admin_id, admin_username,
 * admin_role, auth_method:"access_token"}}; takes @params (an object). */
void        nd_fake_audit          (NdFakeNewapi *self, Caller *caller, const char *action,
                                    JsonNode *params, const char *content);
/* One channel as NewAPI's JSON (ND_FAKE_CHANNEL_COLUMNS), NULL if none. */
JsonNode   *nd_fake_channel_node   (NdFakeNewapi *self, gint64 id);
/* A JSON integer member of a request body; FALSE when absent or not one. */
gboolean    nd_fake_body_int       (JsonObject *body, const char *member, gint64 *out);
/* {ids: [int…]} with at least one id, as "{1,2,3}" for ANY ($1::bigint[]);
 * NULL when missing, empty or not integers. */
char       *nd_fake_body_ids       (JsonObject *body, guint *count);
/* Building audit params and replies: begin an object, add members, end
 * (which frees the builder and returns the object). */
JsonBuilder *nd_fake_object_begin  (void);
JsonNode   *nd_fake_object_end     (JsonBuilder *b);
void        nd_fake_member_int     (JsonBuilder *b, const char *name, gint64 v);
void        nd_fake_member_str     (JsonBuilder *b, const char *name, const char *v);
/* ROLLBACK, then the refusal. */
void        nd_fake_rollback_fail  (NdFakeNewapi *self, SoupServerMessage *msg, const char *message);
/* JSON text stored in a column (other_info, channel_info): anything that is
 * not an object reads as {}, as NewAPI reads it. */
JsonObject *nd_fake_parse_object   (const char *text);
char       *nd_fake_object_text    (JsonObject *obj);
/* A multi-key channel's keys: one per line, blank lines skipped. */
GStrv       nd_fake_split_keys     (const char *key);

/* Each endpoint family registers its routes (one file each). */
void        nd_fake_routes_status  (NdFakeNewapi *self);   /* status, self */
void        nd_fake_routes_options (NdFakeNewapi *self);   /* /api/option/, /api/pricing */
void        nd_fake_routes_logs    (NdFakeNewapi *self);   /* /api/log/ */
void        nd_fake_routes_data    (NdFakeNewapi *self);   /* /api/data/ */
void        nd_fake_routes_catalog (NdFakeNewapi *self);   /* channels, users, tokens, redemptions, groups */
void        nd_fake_routes_channels (NdFakeNewapi *self);  /* channel writes */
void        nd_fake_routes_channel_keys (NdFakeNewapi *self); /* multi_key/manage */
void        nd_fake_routes_channel_probe (NdFakeNewapi *self); /* one channel, search, test, balance, models */
void        nd_fake_routes_users   (NdFakeNewapi *self);   /* one user, user writes */
void        nd_fake_routes_tokens  (NdFakeNewapi *self);   /* token and code writes, keys */

G_END_DECLS
