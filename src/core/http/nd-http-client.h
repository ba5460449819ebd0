/* nd-http-client.h — one SoupSession talking to NewAPI's admin API
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every request carries `Authorization: Bearer <token>` and
 * `New-Api-User: <id>` (reference §3.2: that pair works on old and new
 * servers). Requests run async on the thread that owns the client (the main
 * thread in the app); replies larger than ND_HTTP_THREAD_PARSE_BYTES are
 * parsed in a worker thread. The reply envelope {success, message, data} is
 * checked here and every failure becomes one ND_ERROR code with a message
 * for people:
 *
 *   success=false            → SERVER with the server's message verbatim
 *                               (AUTH / PERMISSION when an old server words an
 *                               auth failure that way)
 *   HTTP 401 / 403 / 404     → AUTH / PERMISSION / NOT_FOUND (a 404 with a
 *                               message: that message verbatim)
 *   HTTP 429                 → retried after Retry-After (or an exponential
 *                               back-off) a bounded number of times, then
 *                               RATE_LIMITED
 *   HTTP 5xx, other          → SERVER
 *   timeout                  → TIMEOUT
 *   refused, DNS, unreachable→ CONNECTION
 *   certificate problems     → TLS (certificates are always verified)
 *   not JSON / cut-off JSON  → PROTOCOL (also nesting deeper than
 *                               ND_JSON_MAX_DEPTH and integers past 64 bits,
 *                               refused before parsing: nd_json_parse_bounded)
 *
 * The token is never part of a message, a URL or a log line, and neither is
 * a request body (it may carry a channel key).
 *
 * Writes (any method but GET) are never sent twice without the caller
 * knowing: each goes out on a fresh connection, because libsoup re-sends a
 * PUT or DELETE by itself when a kept-alive connection turns out closed
 * before the reply, and a transport error is never retried. When the error
 * may have come after NewAPI received the request (a timeout, a connection
 * cut before the reply, anything but "refused", "unresolvable" or a failed
 * TLS handshake), its message says the change may have been made. A 429 is
 * retried as for GET: NewAPI's rate limiter answers before any handler runs.
 * A cancelled write may equally have been made; the caller reloads.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define ND_HTTP_THREAD_PARSE_BYTES (64 * 1024)

typedef enum {
  ND_HTTP_FLAG_NONE = 0,
  ND_HTTP_FLAG_RAW = 1 << 0,       /* return the whole JSON root (no envelope) */
  ND_HTTP_FLAG_NO_RETRY = 1 << 1,  /* do not retry on 429 */
  ND_HTTP_FLAG_ROOT = 1 << 2,      /* the whole root even when success is false (the
                                    * channel test answers a failed test that way) */
} NdHttpFlags;

#define ND_TYPE_HTTP_CLIENT (nd_http_client_get_type ())
G_DECLARE_FINAL_TYPE (NdHttpClient, nd_http_client, ND, HTTP_CLIENT, GObject)

/* @base_url must already be validated (nd_profile_validate_url). */
NdHttpClient *nd_http_client_new            (const char *base_url, gint64 user_id, const char *token);
const char   *nd_http_client_get_base_url   (NdHttpClient *self);
/* Seconds before a request fails with TIMEOUT (default 30). */
void          nd_http_client_set_timeout    (NdHttpClient *self, guint seconds);
/* 429 handling: up to @max_retries retries; without Retry-After (NewAPI
 * never sends one; a proxy in front may) the delay is @base_delay_ms ×
 * 2^attempt, at most @max_delay_ms; a Retry-After longer than
 * @max_delay_ms is not waited for (RATE_LIMITED at once). Defaults: 7,
 * 2000 ms, 60000 ms, which outlast NewAPI's default 180 s window. */
void          nd_http_client_set_backoff    (NdHttpClient *self, guint max_retries,
                                             guint base_delay_ms, guint max_delay_ms);
/* Requests sent so far (retries included); for tests and the rate budget. */
guint         nd_http_client_get_n_requests (NdHttpClient *self);
/* Replies parsed in a worker thread so far (those of at least
 * ND_HTTP_THREAD_PARSE_BYTES); for tests. */
guint         nd_http_client_get_n_thread_parses (NdHttpClient *self);
/* Aborts everything in flight and every pending 429 back-off wait (they
 * fail as cancelled). */
void          nd_http_client_close          (NdHttpClient *self);

/* GET @path (starting with "/api/") with @query (already escaped, without
 * "?"; NULL for none). Finishes with the envelope's `data` (or the whole
 * root with ND_HTTP_FLAG_RAW); a missing `data` is a JSON null node. */
void          nd_http_client_get_async      (NdHttpClient *self, const char *path, const char *query,
                                             NdHttpFlags flags, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
JsonNode     *nd_http_client_get_finish     (NdHttpClient *self, GAsyncResult *result, GError **error);

/* @method: "GET", "POST", "PUT" or "DELETE"; @body: a complete JSON text or
 * NULL. The body is copied, wiped when the request ends, and never logged.
 * Finishes as nd_http_client_get_finish. */
void          nd_http_client_request_async  (NdHttpClient *self, const char *method, const char *path,
                                             const char *query, const char *body, NdHttpFlags flags,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
JsonNode     *nd_http_client_request_finish (NdHttpClient *self, GAsyncResult *result, GError **error);

/* Query-string building: "&key=escaped-value". */
void          nd_http_query_add             (GString *query, const char *key, const char *value);
void          nd_http_query_add_int         (GString *query, const char *key, gint64 value);

/* Maps an envelope (already parsed) to data or an error; exposed for tests. */
JsonNode     *nd_http_interpret_envelope    (JsonNode *root, GError **error);
/* TRUE when @message is how an old (≤ rc.21) server words an auth failure
 * under HTTP 200; sets *@code to ND_ERROR_AUTH or ND_ERROR_PERMISSION. */
gboolean      nd_http_message_is_auth_failure (const char *message, int *code);

G_END_DECLS
