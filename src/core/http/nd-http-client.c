/* nd-http-client.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "nd-secure-string.h"
#include "nd-error.h"
#include "nd-http-client.h"
#include "nd-json.h"

struct _NdHttpClient
{
  GObject parent_instance;

  SoupSession *session;
  GCancellable *closing;     /* cancelled by close: aborts waits between retries */
  char *base_url;            /* without trailing slash */
  char *user_id;
  char *auth_header;         /* "Bearer …"; wiped on finalize */
  guint max_retries;
  guint base_delay_ms;
  guint max_delay_ms;
  guint n_requests;
  guint n_thread_parses;
};

G_DEFINE_FINAL_TYPE (NdHttpClient, nd_http_client, G_TYPE_OBJECT)

static void
nd_http_client_dispose (GObject *object)
{
  NdHttpClient *self = ND_HTTP_CLIENT (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_cancellable_cancel (self->closing);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (nd_http_client_parent_class)->dispose (object);
}

static void
nd_http_client_finalize (GObject *object)
{
  NdHttpClient *self = ND_HTTP_CLIENT (object);

  nd_secure_free (self->auth_header);
  g_free (self->base_url);
  g_free (self->user_id);
  g_clear_object (&self->closing);
  G_OBJECT_CLASS (nd_http_client_parent_class)->finalize (object);
}

static void
nd_http_client_class_init (NdHttpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nd_http_client_dispose;
  object_class->finalize = nd_http_client_finalize;
}

static void
nd_http_client_init (NdHttpClient *self)
{
  self->closing = g_cancellable_new ();
  /* NewAPI answers 429 with no Retry-After and frees a slot only when the
   * oldest request of its window (GLOBAL_API_RATE_LIMIT_DURATION, 180 s by
   * default) ages out: 2 + 4 + … + 32 + 60 + 60 s = 182 s outlasts it. */
  self->max_retries = 7;
  self->base_delay_ms = 2000;
  self->max_delay_ms = 60000;
}

NdHttpClient *
nd_http_client_new (const char *base_url, gint64 user_id, const char *token)
{
  NdHttpClient *self = g_object_new (ND_TYPE_HTTP_CLIENT, NULL);
  g_autofree char *ua = g_strdup_printf ("newapi-desk/%s", PACKAGE_VERSION);
  gsize len;

  g_return_val_if_fail (base_url != NULL, NULL);

  /* TLS certificates are verified by the default GTlsDatabase; nothing here
   * ever connects to accept-certificate. */
  self->session = soup_session_new_with_options ("user-agent", ua,
                                                 "timeout", 30,
                                                 "max-conns-per-host", 4,
                                                 NULL);
  self->base_url = g_strdup (base_url);
  len = strlen (self->base_url);
  while (len > 0 && self->base_url[len - 1] == '/')
    self->base_url[--len] = '\0';
  self->user_id = g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
  self->auth_header = g_strconcat ("Bearer ", token ? token : "", NULL);
  return self;
}

const char *
nd_http_client_get_base_url (NdHttpClient *self)
{
  g_return_val_if_fail (ND_IS_HTTP_CLIENT (self), NULL);
  return self->base_url;
}

void
nd_http_client_set_timeout (NdHttpClient *self, guint seconds)
{
  g_return_if_fail (ND_IS_HTTP_CLIENT (self));
  soup_session_set_timeout (self->session, seconds);
}

void
nd_http_client_set_backoff (NdHttpClient *self, guint max_retries,
                            guint base_delay_ms, guint max_delay_ms)
{
  g_return_if_fail (ND_IS_HTTP_CLIENT (self));
  self->max_retries = max_retries;
  self->base_delay_ms = base_delay_ms;
  self->max_delay_ms = max_delay_ms;
}

guint
nd_http_client_get_n_requests (NdHttpClient *self)
{
  g_return_val_if_fail (ND_IS_HTTP_CLIENT (self), 0);
  return self->n_requests;
}

guint
nd_http_client_get_n_thread_parses (NdHttpClient *self)
{
  g_return_val_if_fail (ND_IS_HTTP_CLIENT (self), 0);
  return (guint) g_atomic_int_get (&self->n_thread_parses);
}

void
nd_http_client_close (NdHttpClient *self)
{
  g_return_if_fail (ND_IS_HTTP_CLIENT (self));
  g_cancellable_cancel (self->closing);
  if (self->session != NULL)
    soup_session_abort (self->session);
}

void
nd_http_query_add (GString *query, const char *key, const char *value)
{
  if (query->len > 0)
    g_string_append_c (query, '&');
  g_string_append_uri_escaped (query, key, NULL, FALSE);
  g_string_append_c (query, '=');
  g_string_append_uri_escaped (query, value ? value : "", NULL, FALSE);
}

void
nd_http_query_add_int (GString *query, const char *key, gint64 value)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  nd_http_query_add (query, key, buf);
}

/* ---- error mapping ------------------------------------------------------ */

gboolean
nd_http_message_is_auth_failure (const char *message, int *code)
{
  /* Old servers (≤ rc.21) answer HTTP 200 + success=false for an invalid
   * token, a banned user or a too-low role, in Chinese before the i18n work
   * and in English after it. */
  static const char * const auth[] = {
    "access token", "未登录", "not logged in", "New-Api-User", "封禁", "banned",
    "令牌无效", "token is invalid", "invalid token", "unauthorized", NULL
  };
  static const char * const permission[] = {
    "权限不足", "insufficient privilege", "insufficient permission", "permission denied",
    "no permission", NULL
  };
  g_autofree char *lower = NULL;

  if (message == NULL)
    return FALSE;
  lower = g_utf8_strdown (message, -1);
  for (guint i = 0; permission[i]; i++)
    {
      g_autofree char *needle = g_utf8_strdown (permission[i], -1);

      if (strstr (lower, needle) != NULL)
        {
          *code = ND_ERROR_PERMISSION;
          return TRUE;
        }
    }
  for (guint i = 0; auth[i]; i++)
    {
      g_autofree char *needle = g_utf8_strdown (auth[i], -1);

      if (strstr (lower, needle) != NULL)
        {
          *code = ND_ERROR_AUTH;
          return TRUE;
        }
    }
  return FALSE;
}

static const char *
root_message (JsonNode *root)
{
  JsonObject *obj;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  obj = json_node_get_object (root);
  if (json_object_has_member (obj, "message") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (obj, "message")))
    return json_object_get_string_member (obj, "message");
  return NULL;
}

static void
set_auth_error (GError **error, int code, const char *message)
{
  if (code == ND_ERROR_PERMISSION)
    g_set_error (error, ND_ERROR, ND_ERROR_PERMISSION,
                 _("NewAPI refused: this account may not do that (%s)"),
                 message && *message ? message : _("insufficient privilege"));
  else
    g_set_error (error, ND_ERROR, ND_ERROR_AUTH,
                 _("NewAPI did not accept the access token and user id (%s)"),
                 message && *message ? message : _("unauthorized"));
}

JsonNode *
nd_http_interpret_envelope (JsonNode *root, GError **error)
{
  JsonObject *obj;
  JsonNode *success;
  const char *message;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("The reply is JSON but not a NewAPI reply (no {success, data} object)"));
      return NULL;
    }
  obj = json_node_get_object (root);
  success = json_object_get_member (obj, "success");
  if (success == NULL || !JSON_NODE_HOLDS_VALUE (success) ||
      json_node_get_value_type (success) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("The reply is JSON but not a NewAPI reply (no “success” field)"));
      return NULL;
    }
  message = root_message (root);
  if (!json_node_get_boolean (success))
    {
      int code;

      if (nd_http_message_is_auth_failure (message, &code))
        set_auth_error (error, code, message);
      else
        g_set_error (error, ND_ERROR, ND_ERROR_SERVER, _("NewAPI refused: %s"),
                     message && *message ? message : _("no reason given"));
      return NULL;
    }
  if (!json_object_has_member (obj, "data"))
    return json_node_new (JSON_NODE_NULL);
  return json_node_copy (json_object_get_member (obj, "data"));
}

static JsonNode *
parse_body (GBytes *bytes, GError **error)
{
  g_autoptr(GError) local = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  gsize i = 0;
  JsonNode *root;

  while (i < size && g_ascii_isspace (data[i]))
    i++;
  if (i == size)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("The server sent an empty reply where NewAPI sends JSON"));
      return NULL;
    }
  if (data[i] != '{' && data[i] != '[')
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("The server did not answer with JSON. Is the address a NewAPI server "
                     "(not its web page or a proxy’s error page)?"));
      return NULL;
    }
  root = nd_json_parse_bounded (data, size, &local);
  if (root == NULL)
    g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                 _("The reply from NewAPI cannot be read. %s"), local->message);
  return root;
}

static void
map_transport_error (GError *in, const char *base_url, GError **error)
{
  if (g_error_matches (in, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_error_copy (in));
      return;
    }
  if (g_error_matches (in, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, ND_ERROR, ND_ERROR_TIMEOUT,
                 _("NewAPI at %s did not answer in time"), base_url);
  else if (in->domain == G_TLS_ERROR)
    g_set_error (error, ND_ERROR, ND_ERROR_TLS,
                 _("The secure connection to %s failed: %s. The certificate is not trusted "
                   "or the server does not speak TLS; NewAPI Desk never skips this check."),
                 base_url, in->message);
  else if (g_error_matches (in, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    g_set_error (error, ND_ERROR, ND_ERROR_CONNECTION,
                 _("Nothing is answering at %s (connection refused). Is NewAPI running, "
                   "and is the port right?"), base_url);
  else if (in->domain == G_RESOLVER_ERROR)
    g_set_error (error, ND_ERROR, ND_ERROR_CONNECTION,
                 _("The host name of %s could not be resolved: %s"), base_url, in->message);
  else if (g_error_matches (in, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                 _("The connection to %s closed before the reply was complete"), base_url);
  else if (in->domain == SOUP_SESSION_ERROR)
    g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                 _("%s did not answer with valid HTTP: %s"), base_url, in->message);
  else
    g_set_error (error, ND_ERROR, ND_ERROR_CONNECTION,
                 _("Cannot reach NewAPI at %s: %s"), base_url, in->message);
}

/* FALSE when the request cannot have reached NewAPI: nothing answered the
 * connection, the name did not resolve, the TLS handshake failed. */
static gboolean
may_have_arrived (GError *in)
{
  return !(g_error_matches (in, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
           g_error_matches (in, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
           g_error_matches (in, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
           g_error_matches (in, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
           in->domain == G_RESOLVER_ERROR || in->domain == G_TLS_ERROR);
}

/* ---- requests ----------------------------------------------------------- */

typedef struct {
  const char *method;          /* a SOUP_METHOD_* interned string */
  char *path;
  char *query;
  char *body;                  /* JSON text or NULL; may hold a secret: wiped */
  NdHttpFlags flags;
  guint attempt;
  SoupMessage *msg;
  guint status;
  GSource *wait;
  gulong cancel_id;
  gulong close_id;
} Request;

static void
request_free (Request *r)
{
  g_assert (r->wait == NULL);
  g_clear_object (&r->msg);
  g_free (r->path);
  g_free (r->query);
  nd_secure_free (r->body);
  g_free (r);
}

static void send_request (GTask *task);

static void
finish_root (GTask *task, JsonNode *root)
{
  Request *r = g_task_get_task_data (task);
  GError *error = NULL;
  JsonNode *data;

  if (r->flags & ND_HTTP_FLAG_ROOT)
    {
      if (!JSON_NODE_HOLDS_OBJECT (root))
        return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PROTOCOL,
                                        _("The reply is JSON but not a NewAPI reply (no "
                                          "{success, data} object)"));
      return g_task_return_pointer (task, json_node_ref (root), (GDestroyNotify) json_node_unref);
    }
  if (r->flags & ND_HTTP_FLAG_RAW)
    {
      if (root_message (root) != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
          json_object_has_member (json_node_get_object (root), "success") &&
          !json_object_get_boolean_member_with_default (json_node_get_object (root), "success", TRUE))
        {
          data = nd_http_interpret_envelope (root, &error);
          g_assert (data == NULL);
          return g_task_return_error (task, error);
        }
      return g_task_return_pointer (task, json_node_ref (root), (GDestroyNotify) json_node_unref);
    }
  data = nd_http_interpret_envelope (root, &error);
  if (data == NULL)
    return g_task_return_error (task, error);
  g_task_return_pointer (task, data, (GDestroyNotify) json_node_unref);
}

static void
parse_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  NdHttpClient *self = source;
  GError *error = NULL;
  JsonNode *root = parse_body (task_data, &error);

  g_atomic_int_inc (&self->n_thread_parses);
  if (root == NULL)
    return g_task_return_error (task, error);
  g_task_return_pointer (task, root, (GDestroyNotify) json_node_unref);
}

static void
parsed_in_thread (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;

  root = g_task_propagate_pointer (G_TASK (result), &error);
  if (root == NULL)
    return g_task_return_error (task, error);
  finish_root (task, root);
}

static gboolean
wait_done (gpointer user_data)
{
  GTask *task = user_data;
  Request *r = g_task_get_task_data (task);

  g_clear_pointer (&r->wait, g_source_unref);
  if (r->cancel_id != 0)
    {
      g_cancellable_disconnect (g_task_get_cancellable (task), r->cancel_id);
      r->cancel_id = 0;
    }
  if (r->close_id != 0)
    {
      NdHttpClient *self = g_task_get_source_object (task);

      g_cancellable_disconnect (self->closing, r->close_id);
      r->close_id = 0;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }
  r->attempt++;
  send_request (task);
  return G_SOURCE_REMOVE;
}

static void
wait_cancelled (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;
  Request *r = g_task_get_task_data (task);

  /* Runs synchronously from g_cancellable_cancel on the owning thread (the
   * task's cancellable or the client's closing one): fire the wait now;
   * wait_done reports the cancellation, send_request the closed client. */
  if (r->wait != NULL)
    g_source_set_ready_time (r->wait, 0);
}

/* A back-off wait ends early when the call is cancelled or the client is
 * closed: a closed source keeps no timers (and no task) alive. */
static void
retry_later (GTask *task, guint delay_ms)
{
  NdHttpClient *self = g_task_get_source_object (task);
  Request *r = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  r->wait = g_timeout_source_new (delay_ms);
  g_source_set_callback (r->wait, wait_done, task, NULL);
  g_source_attach (r->wait, g_main_context_get_thread_default ());
  if (cancellable != NULL)
    r->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (wait_cancelled), task, NULL);
  r->close_id = g_cancellable_connect (self->closing, G_CALLBACK (wait_cancelled), task, NULL);
}

static guint
retry_after_ms (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "Retry-After");
  char *end = NULL;
  gint64 seconds;

  if (value == NULL)
    return G_MAXUINT;
  seconds = g_ascii_strtoll (value, &end, 10);
  if (end == value || seconds < 0)
    {
      /* An HTTP date: wait until then. */
      g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      if (when == NULL)
        return G_MAXUINT;
      seconds = MAX (0, g_date_time_difference (when, now) / G_TIME_SPAN_SECOND);
    }
  return (guint) MIN (seconds * 1000, (gint64) G_MAXUINT - 1);
}

static void
sent (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  NdHttpClient *self = g_task_get_source_object (task);
  Request *r = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local = NULL;
  GError *error = NULL;
  guint status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &local);
  if (bytes == NULL)
    {
      map_transport_error (local, self->base_url, &error);
      if (r->method != SOUP_METHOD_GET && may_have_arrived (local))
        {
          /* Sending it again could make the change twice (two channels, two
           * audit rows): say so, and let the person look first. */
          g_autofree char *first = error->message;

          error->message = g_strdup_printf (_("%s. NewAPI may have made the change before "
                                              "the connection broke: reload to see whether it "
                                              "did before trying again."), first);
        }
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  status = soup_message_get_status (r->msg);
  r->status = status;

  if (status == 429)
    {
      guint delay = retry_after_ms (r->msg);

      if (delay == G_MAXUINT)
        delay = MIN ((guint64) self->base_delay_ms << MIN (r->attempt, 16), self->max_delay_ms);
      if (!(r->flags & ND_HTTP_FLAG_NO_RETRY) && r->attempt < self->max_retries &&
          delay <= self->max_delay_ms)
        {
          g_debug ("429 on %s, retrying in %u ms", r->path, delay);
          retry_later (task, delay);
          return;
        }
      g_task_return_new_error (task, ND_ERROR, ND_ERROR_RATE_LIMITED,
                               _("NewAPI is rate-limiting this address (HTTP 429) and still did "
                                 "after %u retries; try again in a few minutes"),
                               r->attempt);
      g_object_unref (task);
      return;
    }

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      g_autoptr(JsonNode) root = parse_body (bytes, NULL);

      set_auth_error (&error,
                      status == SOUP_STATUS_FORBIDDEN ? ND_ERROR_PERMISSION : ND_ERROR_AUTH,
                      root_message (root));
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (status == SOUP_STATUS_NOT_FOUND)
    {
      g_autoptr(JsonNode) root = parse_body (bytes, NULL);
      const char *message = root_message (root);

      /* Gin answers an unknown route with a plain-text 404; newer handlers
       * answer a missing row with a 404 envelope whose message says which. */
      if (message != NULL && *message != '\0')
        g_task_return_new_error (task, ND_ERROR, ND_ERROR_NOT_FOUND, _("NewAPI refused: %s"),
                                 message);
      else
        g_task_return_new_error (task, ND_ERROR, ND_ERROR_NOT_FOUND,
                                 _("This NewAPI server has no %s (an older version?)"), r->path);
      g_object_unref (task);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autoptr(JsonNode) root = parse_body (bytes, NULL);
      const char *message = root_message (root);

      if (message != NULL && *message != '\0')
        g_task_return_new_error (task, ND_ERROR, ND_ERROR_SERVER,
                                 _("NewAPI failed (HTTP %u): %s"), status, message);
      else
        g_task_return_new_error (task, ND_ERROR, ND_ERROR_SERVER,
                                 _("NewAPI failed (HTTP %u %s)"), status,
                                 soup_status_get_phrase (status) ? soup_status_get_phrase (status) : "");
      g_object_unref (task);
      return;
    }

  if (g_bytes_get_size (bytes) >= ND_HTTP_THREAD_PARSE_BYTES)
    {
      GTask *sub = g_task_new (self, g_task_get_cancellable (task), parsed_in_thread, task);

      g_task_set_task_data (sub, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
      g_task_run_in_thread (sub, parse_in_thread);
      g_object_unref (sub);
      return;
    }
  {
    g_autoptr(JsonNode) root = parse_body (bytes, &error);

    if (root == NULL)
      g_task_return_error (task, error);
    else
      finish_root (task, root);
  }
  g_object_unref (task);
}

static void
send_request (GTask *task)
{
  NdHttpClient *self = g_task_get_source_object (task);
  Request *r = g_task_get_task_data (task);
  g_autofree char *uri = NULL;
  SoupMessageHeaders *headers;

  if (g_cancellable_is_cancelled (self->closing) || self->session == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Closed"));
      g_object_unref (task);
      return;
    }

  uri = g_strconcat (self->base_url, r->path,
                     r->query && *r->query ? "?" : "", r->query ? r->query : "", NULL);
  g_clear_object (&r->msg);
  r->msg = soup_message_new (r->method, uri);
  if (r->msg == NULL)
    {
      g_task_return_new_error (task, ND_ERROR, ND_ERROR_INVALID_INPUT,
                               _("“%s” is not a valid NewAPI address"), self->base_url);
      g_object_unref (task);
      return;
    }
  if (r->method != SOUP_METHOD_GET)
    {
      /* libsoup re-sends a PUT or DELETE by itself when a kept-alive
       * connection turns out closed before the reply; the server may have
       * acted on the first one. A fresh connection is never re-sent. */
      soup_message_add_flags (r->msg, SOUP_MESSAGE_NEW_CONNECTION);
    }
  if (r->body != NULL)
    {
      gsize len = strlen (r->body);
      char *copy = g_memdup2 (r->body, len + 1);
      g_autoptr(GBytes) bytes = g_bytes_new_with_free_func (copy, len, (GDestroyNotify) nd_secure_free,
                                                            copy);

      soup_message_set_request_body_from_bytes (r->msg, "application/json", bytes);
    }
  headers = soup_message_get_request_headers (r->msg);
  soup_message_headers_replace (headers, "Authorization", self->auth_header);
  soup_message_headers_replace (headers, "New-Api-User", self->user_id);
  soup_message_headers_replace (headers, "Accept", "application/json");
  self->n_requests++;
  soup_session_send_and_read_async (self->session, r->msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), sent, task);
}

void
nd_http_client_request_async (NdHttpClient *self, const char *method, const char *path,
                              const char *query, const char *body, NdHttpFlags flags,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  GTask *task;
  Request *r;

  g_return_if_fail (ND_IS_HTTP_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_http_client_request_async);
  r = g_new0 (Request, 1);
  /* Interned, so the method can be compared by address as libsoup does. */
  r->method = g_intern_string (method);
  r->path = g_strdup (path);
  r->query = g_strdup (query);
  r->body = g_strdup (body);
  r->flags = flags;
  g_task_set_task_data (task, r, (GDestroyNotify) request_free);
  send_request (task);
}

JsonNode *
nd_http_client_request_finish (NdHttpClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nd_http_client_get_async (NdHttpClient *self, const char *path, const char *query,
                          NdHttpFlags flags, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  nd_http_client_request_async (self, SOUP_METHOD_GET, path, query, NULL, flags, cancellable,
                                callback, user_data);
}

JsonNode *
nd_http_client_get_finish (NdHttpClient *self, GAsyncResult *result, GError **error)
{
  return nd_http_client_request_finish (self, result, error);
}
