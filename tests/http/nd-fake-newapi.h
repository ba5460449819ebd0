/* nd-fake-newapi.h — a fake NewAPI admin API inside the test process
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A SoupServer on 127.0.0.1 (own port) answering the endpoints NewAPI Desk
 * uses from a real PostgreSQL database filled by tests/fixtures/nd-fixture,
 * so figures can be compared with NdPgSource on the same data. It runs on
 * the thread-default main context: drive it with the client's async calls
 * and nd_test_wait (never a sync request).
 *
 * Two dialects (reference §0, §3):
 *   NEW (v1.0.0-rc.24): 1-based p with {items,total,page,page_size}
 *     everywhere; auth failures are HTTP 401 {code: AUTH_*} and 403
 *     AUTH_INSUFFICIENT_PRIVILEGE; New-Api-User is ignored; model_name is
 *     exact unless it contains %; /api/data/flow exists; token keys masked.
 *   OLD (v0.8-era, "v0.8.4"): New-Api-User mandatory (401 when missing or
 *     not the token's owner); invalid token, banned user and too-low role are
 *     HTTP 200 + success=false with the old Chinese messages; channels page
 *     from p=0 with bare arrays, tokens from p=0 with `size` only and bare
 *     arrays (token search: every LIKE %kw% match at once); logs ordered by
 *     id only and model_name always LIKE; no request_id, no /api/data/flow
 *     (404); token keys in full; sort_by ignored.
 *
 * Both, as upstream: GLOBAL_API_RATE_LIMIT and token search's 10 / 60 s per
 * user answer a bare 429 (no body, no Retry-After: force_429 with a
 * Retry-After stands for a proxy in front); channels come in "priority desc"
 * unless id_sort=true, ties in an order that changes per page; the
 * GroupRatio keys come out of order (a Go map); DeletedAt is null or an
 * RFC 3339 time; empty request_id is omitted.
 *
 * Channel writes and checks (reference §3.6, §1.6a; nd-fake-newapi-channels.c,
 * -channel-keys.c, -channel-probe.c) follow the version /api/status reports,
 * not the dialect: from v1.0.0-rc.16 POST /api/channel/:id/status and
 * /status/batch exist, PUT /api/channel/ refuses `status`, sensitive writes
 * need root (admins get 403) and each write adds a type-3 audit row naming
 * the caller; before, none of that. Abilities are rebuilt in the database
 * as UpdateAbilities does, status changes set other_info's reason and time.
 * The channels' upstreams are simulated (nd_fake_newapi_fail_upstream).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  ND_FAKE_NEWAPI_NEW,
  ND_FAKE_NEWAPI_OLD,
} NdFakeNewapiMode;

typedef enum {
  ND_FAKE_FAULT_NONE,
  ND_FAKE_FAULT_MALFORMED,    /* 200, body is not JSON at all ("<html>…") */
  ND_FAKE_FAULT_BAD_JSON,     /* 200, JSON with a syntax error */
  ND_FAKE_FAULT_TRUNCATED,    /* 200, a valid reply cut in the middle */
  ND_FAKE_FAULT_SERVER_ERROR, /* 500 {success:false, message} */
  ND_FAKE_FAULT_REFUSE,       /* 200 {success:false, message:"数据库错误…"} */
  ND_FAKE_FAULT_NOT_ENVELOPE, /* 200, JSON without success */
  ND_FAKE_FAULT_DEEP,         /* 200, {"success":true,"data":[[[[… 100 000 levels */
} NdFakeFault;

typedef struct _NdFakeNewapi NdFakeNewapi;

/* @dsn: a database made by nd_test_pg_fixture (variant "new" or "old"). */
NdFakeNewapi *nd_fake_newapi_new          (const char *dsn, NdFakeNewapiMode mode, GError **error);
void          nd_fake_newapi_free         (NdFakeNewapi *self);
/* "http://127.0.0.1:PORT" (no trailing slash). */
const char   *nd_fake_newapi_get_url      (NdFakeNewapi *self);
/* The access token (users.access_token) of a fixture user, NULL if none. */
char         *nd_fake_newapi_dup_token    (NdFakeNewapi *self, gint64 user_id);
/* The first enabled user with a token and this role (1, 10, 100), or 0. */
gint64        nd_fake_newapi_find_user    (NdFakeNewapi *self, int role);
/* The version /api/status reports. */
void          nd_fake_newapi_set_version  (NdFakeNewapi *self, const char *version);

/* Faults for one path (e.g. "/api/log/"); NONE clears. */
void          nd_fake_newapi_set_fault    (NdFakeNewapi *self, const char *path, NdFakeFault fault);
/* A fault hook for every reply (the fuzz test): @func gets the request's
 * path, the reply's status and body, and returns the body to send instead
 * (NULL: unchanged). A NULL @func clears it. */
typedef GBytes *(*NdFakeMutator) (const char *path, guint status, GBytes *body, gpointer user_data);
void          nd_fake_newapi_set_mutator  (NdFakeNewapi *self, NdFakeMutator func, gpointer user_data);
/* Answers @path only after @ms milliseconds (0 clears). */
void          nd_fake_newapi_set_delay    (NdFakeNewapi *self, const char *path, guint ms);
/* The next @count requests get 429 (Retry-After: @retry_after s, none if < 0). */
void          nd_fake_newapi_force_429    (NdFakeNewapi *self, guint count, int retry_after);
/* GLOBAL_API_RATE_LIMIT: at most @max requests per @seconds, else 429 with
 * Retry-After (0 disables). */
void          nd_fake_newapi_set_rate_limit (NdFakeNewapi *self, guint max, guint seconds);

/* Requests seen, as "path?query", in order (for assertions). */
GPtrArray    *nd_fake_newapi_get_requests (NdFakeNewapi *self);
/* The same with the method first ("PUT /api/channel/"), and each one's
 * body ("" when none), in the same order. */
GPtrArray    *nd_fake_newapi_get_calls    (NdFakeNewapi *self);
GPtrArray    *nd_fake_newapi_get_bodies   (NdFakeNewapi *self);
/* Channel @id's upstream stops working: a test fails with @message (and
 * NewAPI's @error_code, may be NULL), so do its balance and model list.
 * NULL @message: it works again (a test takes 0.25 s, the balance is
 * 12.5 USD, the models are gpt-4o, gpt-4o-mini, o3-mini). */
void          nd_fake_newapi_fail_upstream (NdFakeNewapi *self, gint64 channel_id,
                                            const char *message, const char *error_code);
guint         nd_fake_newapi_count        (NdFakeNewapi *self, const char *path);
/* Every Authorization / New-Api-User header value seen (assert no leaks). */
gboolean      nd_fake_newapi_saw_header   (NdFakeNewapi *self, const char *name, const char *value);
void          nd_fake_newapi_reset_log    (NdFakeNewapi *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdFakeNewapi, nd_fake_newapi_free)

G_END_DECLS
