/* nd-fake-newapi.c — the server: auth, faults, rate limit, routing
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-fake-newapi-private.h"

void
nd_fake_caller_clear (Caller *c)
{
  g_free (c->username);
}

/* ---- auth --------------------------------------------------------------- */

/* Returns FALSE after replying with the server's refusal. */
gboolean
nd_fake_authenticate (NdFakeNewapi *self, SoupServerMessage *msg, int min_role, Caller *caller)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (h, "Authorization");
  const char *nau = soup_message_headers_get_one (h, "New-Api-User");
  g_autofree char *token = NULL;
  const char *params[1];
  PGresult *res;
  gboolean old = self->mode == ND_FAKE_NEWAPI_OLD;
  int status;

  if (auth == NULL || *auth == '\0')
    {
      if (old)
        nd_fake_reply_envelope (msg, 401, FALSE, NULL, "无权进行此操作，未登录且未提供 access token", NULL);
      else
        nd_fake_reply_envelope (msg, 401, FALSE, "AUTH_UNAUTHORIZED", "access token is invalid", NULL);
      return FALSE;
    }
  token = g_strstrip (g_strdup (g_str_has_prefix (auth, "Bearer ") ? auth + 7 : auth));
  params[0] = token;
  res = nd_fake_sql (self, "SELECT id, username, role, status FROM users "
                   "WHERE access_token = $1 AND deleted_at IS NULL", 1, params);
  if (PQntuples (res) == 0)
    {
      PQclear (res);
      if (old)
        nd_fake_reply_fail (msg, "无权进行此操作，access token 无效");
      else
        nd_fake_reply_envelope (msg, 401, FALSE, "AUTH_UNAUTHORIZED", "access token is invalid", NULL);
      return FALSE;
    }
  caller->id = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  caller->username = g_strdup (PQgetvalue (res, 0, 1));
  caller->role = (int) g_ascii_strtoll (PQgetvalue (res, 0, 2), NULL, 10);
  status = (int) g_ascii_strtoll (PQgetvalue (res, 0, 3), NULL, 10);
  PQclear (res);

  if (old)
    {
      if (nau == NULL || *nau == '\0')
        {
          nd_fake_reply_envelope (msg, 401, FALSE, NULL, "无权进行此操作，未提供 New-Api-User", NULL);
          return FALSE;
        }
      if (g_ascii_strtoll (nau, NULL, 10) != caller->id)
        {
          nd_fake_reply_envelope (msg, 401, FALSE, NULL, "无权进行此操作，New-Api-User 与登录用户不匹配", NULL);
          return FALSE;
        }
    }
  if (status != 1)
    {
      if (old)
        nd_fake_reply_fail (msg, "用户已被封禁");
      else
        nd_fake_reply_envelope (msg, 401, FALSE, "AUTH_USER_DISABLED", "user has been banned", NULL);
      return FALSE;
    }
  if (caller->role < min_role)
    {
      if (old)
        nd_fake_reply_fail (msg, "无权进行此操作，权限不足");
      else
        nd_fake_reply_envelope (msg, 403, FALSE, "AUTH_INSUFFICIENT_PRIVILEGE", "insufficient privilege",
                        NULL);
      return FALSE;
    }
  return TRUE;
}

/* ---- dispatch ----------------------------------------------------------- */

void
nd_fake_not_found (SoupServerMessage *msg)
{
  static const char body[] = "404 page not found";

  soup_server_message_set_status (msg, 404, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, body, strlen (body));
}

static gboolean
apply_fault (NdFakeNewapi *self, SoupServerMessage *msg, const char *path)
{
  NdFakeFault fault = GPOINTER_TO_INT (g_hash_table_lookup (self->faults, path));
  static const char html[] = "<!doctype html><html><body>New API</body></html>";
  static const char bad_json[] = "{\"success\": true, \"data\": {\"items\": [1, 2,, 3]}}";
  static const char truncated[] = "{\"success\":true,\"message\":\"\",\"data\":{\"items\":[{\"id\":1,\"created_at\":176";
  static const char not_envelope[] = "{\"items\": [], \"total\": 0}";

  switch (fault)
    {
    case ND_FAKE_FAULT_MALFORMED:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, html, strlen (html));
      return TRUE;
    case ND_FAKE_FAULT_BAD_JSON:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, bad_json,
                                        strlen (bad_json));
      return TRUE;
    case ND_FAKE_FAULT_TRUNCATED:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, truncated,
                                        strlen (truncated));
      return TRUE;
    case ND_FAKE_FAULT_NOT_ENVELOPE:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, not_envelope,
                                        strlen (not_envelope));
      return TRUE;
    case ND_FAKE_FAULT_DEEP:
      {
        GString *body = g_string_new ("{\"success\":true,\"message\":\"\",\"data\":");

        /* json-glib recurses once per level: this ran the client's stack out. */
        for (int i = 0; i < 100000; i++)
          g_string_append_c (body, '[');
        soup_server_message_set_status (msg, 200, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                          body->str, body->len);
        g_string_free (body, FALSE);
        return TRUE;
      }
    case ND_FAKE_FAULT_SERVER_ERROR:
      nd_fake_reply_envelope (msg, 500, FALSE, NULL, "database is locked", NULL);
      return TRUE;
    case ND_FAKE_FAULT_REFUSE:
      nd_fake_reply_fail (msg, "数据库错误，请稍后重试");
      return TRUE;
    case ND_FAKE_FAULT_NONE:
    default:
      return FALSE;
    }
}

static gboolean
rate_limited (NdFakeNewapi *self, SoupServerMessage *msg)
{
  SoupMessageHeaders *rh = soup_server_message_get_response_headers (msg);

  if (self->force_429 > 0)
    {
      self->force_429--;
      soup_server_message_set_status (msg, 429, NULL);
      if (self->retry_after >= 0)
        {
          char buf[16];

          g_snprintf (buf, sizeof buf, "%d", self->retry_after);
          soup_message_headers_replace (rh, "Retry-After", buf);
        }
      return TRUE;
    }
  if (self->rate_max > 0)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 window = (gint64) self->rate_seconds * G_USEC_PER_SEC;

      /* GLOBAL_API_RATE_LIMIT as upstream's in-memory limiter: a sliding
       * window of accepted requests; a refusal is a bare 429 (no body, no
       * Retry-After) and is not counted. */
      while (!g_queue_is_empty (&self->rate_times) &&
             *(gint64 *) g_queue_peek_head (&self->rate_times) <= now - window)
        g_free (g_queue_pop_head (&self->rate_times));
      if (g_queue_get_length (&self->rate_times) >= self->rate_max)
        {
          soup_server_message_set_status (msg, 429, NULL);
          return TRUE;
        }
      g_queue_push_tail (&self->rate_times, g_memdup2 (&now, sizeof now));
    }
  return FALSE;
}

gboolean
nd_fake_search_limited (NdFakeNewapi *self, SoupServerMessage *msg, Caller *caller)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, caller->id);
  GQueue *times = g_hash_table_lookup (self->search_times, key);

  /* SearchRateLimit: 10 requests per 60 s per user, a bare 429 beyond. */
  if (times == NULL)
    {
      times = g_queue_new ();
      g_hash_table_insert (self->search_times, g_steal_pointer (&key), times);
    }
  while (!g_queue_is_empty (times) &&
         *(gint64 *) g_queue_peek_head (times) <= now - 60 * G_USEC_PER_SEC)
    g_free (g_queue_pop_head (times));
  if (g_queue_get_length (times) >= 10)
    {
      soup_server_message_set_status (msg, 429, NULL);
      return TRUE;
    }
  g_queue_push_tail (times, g_memdup2 (&now, sizeof now));
  return FALSE;
}

static void
upstream_error_free (FakeUpstreamError *e)
{
  g_free (e->message);
  g_free (e->error_code);
  g_free (e);
}

static void
times_free (GQueue *times)
{
  g_queue_free_full (times, g_free);
}

typedef struct {
  char *method;
  char **segments;
  int min_role;
  gboolean (*available) (NdFakeNewapi *self);
  NdFakeHandler handler;
} Route;

static void
route_free (Route *r)
{
  g_free (r->method);
  g_strfreev (r->segments);
  g_free (r);
}

void
nd_fake_add_route (NdFakeNewapi *self, const char *method, const char *pattern, int min_role,
                   gboolean (*available) (NdFakeNewapi *self), NdFakeHandler handler)
{
  Route *r = g_new0 (Route, 1);

  r->method = g_strdup (method);
  r->segments = g_strsplit (pattern, "/", -1);
  r->min_role = min_role;
  r->available = available;
  r->handler = handler;
  g_ptr_array_add (self->routes, r);
}

static gboolean
route_matches (const Route *r, char **segments)
{
  guint n = g_strv_length (r->segments);

  if (n != g_strv_length (segments))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (r->segments[i][0] == ':' ? segments[i][0] == '\0'
                                   : !g_str_equal (r->segments[i], segments[i]))
        return FALSE;
    }
  return TRUE;
}

gint64
nd_fake_path_int (const char *path, guint index)
{
  g_auto(GStrv) segments = g_strsplit (path + (path[0] == '/'), "/", -1);
  char *end = NULL;
  gint64 v;

  if (index >= g_strv_length (segments) || segments[index][0] == '\0')
    return -1;
  v = g_ascii_strtoll (segments[index], &end, 10);
  return *end == '\0' ? v : -1;
}

static void
dispatch_route (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query)
{
  g_auto(Caller) caller = { 0 };
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);
  const char *method = soup_server_message_get_method (msg);

  if (rate_limited (self, msg) || apply_fault (self, msg, path))
    return;

  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *r = g_ptr_array_index (self->routes, i);

      if (!g_str_equal (r->method, method) || !route_matches (r, segments))
        continue;
      /* Gin answers an unknown route 404 before any auth middleware. */
      if (r->available != NULL && !r->available (self))
        break;
      if (r->min_role >= 0 && !nd_fake_authenticate (self, msg, r->min_role, &caller))
        return;
      r->handler (self, msg, path, query, &caller);
      return;
    }
  nd_fake_not_found (msg);
}

static void
dispatch (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) mutated = NULL;

  dispatch_route (self, msg, path, query);
  if (self->mutator == NULL)
    return;
  body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  mutated = self->mutator (path, soup_server_message_get_status (msg), body, self->mutator_data);
  if (mutated != NULL)
    {
      /* set_response appends to what the handler wrote. */
      soup_message_body_truncate (soup_server_message_get_response_body (msg));
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (mutated, NULL),
                                        g_bytes_get_size (mutated));
    }
}

typedef struct {
  NdFakeNewapi *self;
  SoupServerMessage *msg;
  char *path;
  GHashTable *query;
  gboolean finished;
  gulong finished_id;
  gulong disconnected_id;
} Delayed;

static void
delayed_finished (SoupServerMessage *msg, gpointer user_data)
{
  ((Delayed *) user_data)->finished = TRUE;
}

static gboolean
delayed_fire (gpointer user_data)
{
  Delayed *d = user_data;

  g_signal_handler_disconnect (d->msg, d->finished_id);
  g_signal_handler_disconnect (d->msg, d->disconnected_id);
  if (!d->finished)
    {
      dispatch (d->self, d->msg, d->path, d->query);
      soup_server_message_unpause (d->msg);
    }
  g_object_unref (d->msg);
  g_free (d->path);
  if (d->query)
    g_hash_table_unref (d->query);
  g_free (d);
  return G_SOURCE_REMOVE;
}

static void
server_cb (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
           gpointer user_data)
{
  NdFakeNewapi *self = user_data;
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  guint delay;
  const char *names[] = { "Authorization", "New-Api-User" };

  g_ptr_array_add (self->requests, g_strconcat (path, raw_query ? "?" : "", raw_query ? raw_query : "", NULL));
  {
    SoupMessageBody *body = soup_server_message_get_request_body (msg);

    g_ptr_array_add (self->calls, g_strconcat (soup_server_message_get_method (msg), " ",
                                               g_ptr_array_index (self->requests,
                                                                  self->requests->len - 1), NULL));
    g_ptr_array_add (self->bodies, g_strndup (body->data ? body->data : "", body->length));
  }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *v = soup_message_headers_get_one (h, names[i]);

      if (v != NULL)
        g_ptr_array_add (self->headers, g_strdup_printf ("%s: %s", names[i], v));
    }
  delay = GPOINTER_TO_UINT (g_hash_table_lookup (self->delays, path));
  if (delay > 0)
    {
      Delayed *d = g_new0 (Delayed, 1);

      d->self = self;
      d->msg = g_object_ref (msg);
      d->path = g_strdup (path);
      d->query = query ? g_hash_table_ref (query) : NULL;
      d->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (delayed_finished), d);
      d->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (delayed_finished), d);
      soup_server_message_pause (msg);
      g_timeout_add (delay, delayed_fire, d);
      return;
    }
  dispatch (self, msg, path, query);
}

/* ---- public ------------------------------------------------------------- */

NdFakeNewapi *
nd_fake_newapi_new (const char *dsn, NdFakeNewapiMode mode, GError **error)
{
  NdFakeNewapi *self = g_new0 (NdFakeNewapi, 1);
  GSList *uris;
  g_autofree char *uri = NULL;

  self->pg = PQconnectdb (dsn);
  if (PQstatus (self->pg) != CONNECTION_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "fake NewAPI: %s", PQerrorMessage (self->pg));
      PQfinish (self->pg);
      g_free (self);
      return NULL;
    }
  self->mode = mode;
  self->version = g_strdup (mode == ND_FAKE_NEWAPI_OLD ? "v0.8.4" : "v1.0.0-rc.24");
  self->has_request_id = nd_fake_column_exists (self, "logs", "request_id");
  self->has_qd_dims = nd_fake_column_exists (self, "quota_data", "channel_id");
  self->faults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->delays = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->retry_after = -1;
  self->requests = g_ptr_array_new_with_free_func (g_free);
  self->calls = g_ptr_array_new_with_free_func (g_free);
  self->bodies = g_ptr_array_new_with_free_func (g_free);
  self->upstream_errors = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                 (GDestroyNotify) upstream_error_free);
  self->headers = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&self->rate_times);
  self->search_times = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) times_free);
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);
  nd_fake_routes_status (self);
  nd_fake_routes_options (self);
  nd_fake_routes_logs (self);
  nd_fake_routes_data (self);
  /* The channel families first: their fixed paths (/api/channel/search,
   * /api/channel/batch) must not be taken for ids. */
  nd_fake_routes_channel_probe (self);
  nd_fake_routes_channels (self);
  nd_fake_routes_channel_keys (self);
  nd_fake_routes_catalog (self);
  /* After the catalog: /api/user/search must not be taken for an id. */
  nd_fake_routes_users (self);
  /* After the lists: /api/token/search must not be taken for a token id. */
  nd_fake_routes_tokens (self);

  self->server = soup_server_new ("server-header", "fake-newapi", NULL);
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    {
      nd_fake_newapi_free (self);
      return NULL;
    }
  uris = soup_server_get_uris (self->server);
  uri = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  if (g_str_has_suffix (uri, "/"))
    uri[strlen (uri) - 1] = '\0';
  self->url = g_steal_pointer (&uri);
  return self;
}

void
nd_fake_newapi_free (NdFakeNewapi *self)
{
  if (self == NULL)
    return;
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  PQfinish (self->pg);
  g_hash_table_unref (self->faults);
  g_hash_table_unref (self->delays);
  g_queue_clear_full (&self->rate_times, g_free);
  g_hash_table_unref (self->search_times);
  g_ptr_array_unref (self->requests);
  g_ptr_array_unref (self->calls);
  g_ptr_array_unref (self->bodies);
  g_hash_table_unref (self->upstream_errors);
  g_ptr_array_unref (self->headers);
  g_ptr_array_unref (self->routes);
  g_free (self->version);
  g_free (self->url);
  g_free (self);
}

const char *
nd_fake_newapi_get_url (NdFakeNewapi *self)
{
  return self->url;
}

char *
nd_fake_newapi_dup_token (NdFakeNewapi *self, gint64 user_id)
{
  char id[32];
  const char *params[1] = { id };
  PGresult *res;
  char *token = NULL;

  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, user_id);
  res = nd_fake_sql (self, "SELECT trim(access_token) FROM users WHERE id = $1::bigint "
                   "AND access_token IS NOT NULL", 1, params);
  if (PQntuples (res) > 0)
    token = g_strdup (PQgetvalue (res, 0, 0));
  PQclear (res);
  return token;
}

gint64
nd_fake_newapi_find_user (NdFakeNewapi *self, int role)
{
  char r[16];
  const char *params[1] = { r };
  PGresult *res;
  gint64 id = 0;

  g_snprintf (r, sizeof r, "%d", role);
  res = nd_fake_sql (self, "SELECT id FROM users WHERE role = $1::bigint AND status = 1 "
                   "AND deleted_at IS NULL AND access_token IS NOT NULL ORDER BY id LIMIT 1",
             1, params);
  if (PQntuples (res) > 0)
    id = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  PQclear (res);
  return id;
}

void
nd_fake_newapi_set_version (NdFakeNewapi *self, const char *version)
{
  g_free (self->version);
  self->version = g_strdup (version);
}

void
nd_fake_newapi_set_fault (NdFakeNewapi *self, const char *path, NdFakeFault fault)
{
  if (fault == ND_FAKE_FAULT_NONE)
    g_hash_table_remove (self->faults, path);
  else
    g_hash_table_insert (self->faults, g_strdup (path), GINT_TO_POINTER (fault));
}

void
nd_fake_newapi_set_mutator (NdFakeNewapi *self, NdFakeMutator func, gpointer user_data)
{
  self->mutator = func;
  self->mutator_data = user_data;
}

void
nd_fake_newapi_set_delay (NdFakeNewapi *self, const char *path, guint ms)
{
  if (ms == 0)
    g_hash_table_remove (self->delays, path);
  else
    g_hash_table_insert (self->delays, g_strdup (path), GUINT_TO_POINTER (ms));
}

void
nd_fake_newapi_force_429 (NdFakeNewapi *self, guint count, int retry_after)
{
  self->force_429 = count;
  self->retry_after = retry_after;
}

void
nd_fake_newapi_set_rate_limit (NdFakeNewapi *self, guint max, guint seconds)
{
  self->rate_max = max;
  self->rate_seconds = seconds;
  g_queue_clear_full (&self->rate_times, g_free);
}

GPtrArray *
nd_fake_newapi_get_requests (NdFakeNewapi *self)
{
  return self->requests;
}

guint
nd_fake_newapi_count (NdFakeNewapi *self, const char *path)
{
  guint n = 0;
  gsize len = strlen (path);

  for (guint i = 0; i < self->requests->len; i++)
    {
      const char *r = g_ptr_array_index (self->requests, i);

      if (strncmp (r, path, len) == 0 && (r[len] == '\0' || r[len] == '?'))
        n++;
    }
  return n;
}

gboolean
nd_fake_newapi_saw_header (NdFakeNewapi *self, const char *name, const char *value)
{
  g_autofree char *line = g_strdup_printf ("%s: %s", name, value);

  for (guint i = 0; i < self->headers->len; i++)
    if (g_str_equal (g_ptr_array_index (self->headers, i), line))
      return TRUE;
  return FALSE;
}

GPtrArray *
nd_fake_newapi_get_calls (NdFakeNewapi *self)
{
  return self->calls;
}

GPtrArray *
nd_fake_newapi_get_bodies (NdFakeNewapi *self)
{
  return self->bodies;
}

void
nd_fake_newapi_fail_upstream (NdFakeNewapi *self, gint64 channel_id, const char *message,
                              const char *error_code)
{
  FakeUpstreamError *e;

  if (message == NULL)
    {
      g_hash_table_remove (self->upstream_errors, &channel_id);
      return;
    }
  e = g_new0 (FakeUpstreamError, 1);
  e->message = g_strdup (message);
  e->error_code = g_strdup (error_code);
  g_hash_table_insert (self->upstream_errors, g_memdup2 (&channel_id, sizeof channel_id), e);
}

void
nd_fake_newapi_reset_log (NdFakeNewapi *self)
{
  g_ptr_array_set_size (self->requests, 0);
  g_ptr_array_set_size (self->calls, 0);
  g_ptr_array_set_size (self->bodies, 0);
  g_ptr_array_set_size (self->headers, 0);
}
