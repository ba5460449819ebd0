/* nd-fake-upstream.c — OpenAI, Azure, Anthropic and Gemini in one server
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "nd-fake-upstream.h"

typedef struct {
  char *line;                  /* "GET /v1/models?x=y" */
  GHashTable *headers;         /* lower-case name → value */
  char *body;
} Seen;

struct _NdFakeUpstream
{
  SoupServer *server;
  char *url;
  guint delay_ms;
  guint in_flight;
  guint peak;
  GPtrArray *seen;             /* (element-type Seen) */
  GPtrArray *pending;          /* (element-type Delayed) slow answers not sent yet */
};

static void
seen_free (Seen *s)
{
  g_free (s->line);
  g_hash_table_unref (s->headers);
  g_free (s->body);
  g_free (s);
}

static void
reply (SoupServerMessage *msg, guint status, const char *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json,
                                    strlen (json));
}

static const char *
header (SoupServerMessage *msg, const char *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (msg), name);
}

/* The key of the flavour @path belongs to, or NULL when its header is
 * missing (or, for Anthropic, anthropic-version is). */
static char *
flavour_key (SoupServerMessage *msg, const char *path)
{
  const char *auth = header (msg, "Authorization");

  if (g_str_has_prefix (path, "/v1beta/models"))
    return g_strdup (header (msg, "x-goog-api-key"));
  if (g_str_has_prefix (path, "/openai/deployments/"))
    return g_strdup (header (msg, "api-key"));
  if (g_str_equal (path, "/v1/messages") ||
      (g_str_equal (path, "/v1/models") && header (msg, "x-api-key") != NULL))
    return header (msg, "anthropic-version") != NULL ? g_strdup (header (msg, "x-api-key")) : NULL;
  if (auth != NULL && g_str_has_prefix (auth, "Bearer "))
    return g_strdup (auth + 7);
  return NULL;
}

static gboolean
valid_chat_body (SoupServerMessage *msg, const char *path)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                   NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  obj = json_node_get_object (json_parser_get_root (parser));
  if (strstr (path, ":generateContent") != NULL)
    return json_object_has_member (obj, "contents");
  /* NewAPI's test: one user message "hi", a few tokens, not streamed. */
  return json_object_has_member (obj, "messages") && json_object_has_member (obj, "model") &&
         (json_object_has_member (obj, "max_tokens") ||
          json_object_has_member (obj, "max_completion_tokens")) &&
         json_object_has_member (obj, "stream") && !json_object_get_boolean_member (obj, "stream");
}

static const char *
answer (const char *path, GHashTable *query, gboolean usage)
{
  if (g_str_equal (path, "/v1/models") || g_str_has_suffix (path, "/v4/models") ||
      g_str_has_suffix (path, "/compatible-mode/v1/models"))
    return "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o\",\"object\":\"model\"},"
           "{\"id\":\"gpt-4o-mini\"},{\"id\":\"o3-mini\"}]}";
  if (g_str_equal (path, "/api/tags"))
    return "{\"models\":[{\"name\":\"llama3.1:8b\"}]}";
  if (g_str_equal (path, "/v1beta/models"))
    return query != NULL && g_strcmp0 (g_hash_table_lookup (query, "pageToken"), "page-2") == 0
      ? "{\"models\":[{\"name\":\"models/gemini-2.0-flash\"}]}"
      : "{\"models\":[{\"name\":\"models/gemini-2.5-pro\"},{\"name\":\"models/gemini-2.5-flash\"}],"
        "\"nextPageToken\":\"page-2\"}";
  if (g_str_has_suffix (path, ":generateContent"))
    return usage ? "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}],\"role\":\"model\"}}],"
                   "\"usageMetadata\":{\"promptTokenCount\":1,\"candidatesTokenCount\":1}}"
                 : "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}]}";
  if (g_str_equal (path, "/v1/messages"))
    return usage ? "{\"id\":\"msg_1\",\"type\":\"message\",\"content\":[{\"type\":\"text\","
                   "\"text\":\"Hi\"}],\"usage\":{\"input_tokens\":8,\"output_tokens\":2}}"
                 : "{\"id\":\"msg_1\",\"type\":\"message\",\"content\":[]}";
  if (g_str_has_suffix (path, "/chat/completions"))
    return usage ? "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                   "\"message\":{\"role\":\"assistant\",\"content\":\"Hi!\"}}],"
                   "\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,\"total_tokens\":10}}"
                 : "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}";
  if (g_str_equal (path, "/v1/dashboard/billing/subscription"))
    return "{\"object\":\"billing_subscription\",\"has_payment_method\":true,"
           "\"hard_limit_usd\":120.0}";
  if (g_str_equal (path, "/v1/dashboard/billing/usage"))
    return "{\"object\":\"list\",\"total_usage\":2050}";
  return NULL;
}

/* A slow answer: sent when the timer fires, dropped when the client went
 * away first (unpausing a message without a connection is an error). */
typedef struct {
  NdFakeUpstream *self;
  SoupServerMessage *msg;
  guint timer;
  gulong finished_id;
} Delayed;

static void
delayed_free (Delayed *d)
{
  g_ptr_array_remove (d->self->pending, d);
  g_signal_handler_disconnect (d->msg, d->finished_id);
  g_object_unref (d->msg);
  g_free (d);
}

static gboolean
delayed_reply (gpointer data)
{
  Delayed *d = data;

  soup_server_message_unpause (d->msg);
  delayed_free (d);
  return G_SOURCE_REMOVE;
}

static void
delayed_gone (SoupServerMessage *msg, gpointer data)
{
  Delayed *d = data;

  g_source_remove (d->timer);
  delayed_free (d);
}

static void
finished (SoupServerMessage *msg, gpointer data)
{
  NdFakeUpstream *self = data;

  self->in_flight--;
}

static void
server_cb (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
           gpointer data)
{
  NdFakeUpstream *self = data;
  Seen *seen = g_new0 (Seen, 1);
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *key = NULL;
  const char *json;

  seen->line = g_uri_get_query (uri) != NULL
    ? g_strdup_printf ("%s %s?%s", soup_server_message_get_method (msg), path, g_uri_get_query (uri))
    : g_strdup_printf ("%s %s", soup_server_message_get_method (msg), path);
  seen->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_hash_table_insert (seen->headers, g_ascii_strdown (name, -1), g_strdup (value));
  seen->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_ptr_array_add (self->seen, seen);

  self->in_flight++;
  self->peak = MAX (self->peak, self->in_flight);
  g_signal_connect (msg, "finished", G_CALLBACK (finished), self);

  key = flavour_key (msg, path);
  if (g_str_has_prefix (path, "/openai/deployments/") &&
      (query == NULL || g_hash_table_lookup (query, "api-version") == NULL))
    return reply (msg, 404, "{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}");
  if (key == NULL)
    return reply (msg, 401, "{\"error\":{\"message\":\"You didn't provide an API key.\","
                            "\"type\":\"invalid_request_error\"}}");
  if (!g_str_has_prefix (key, "sk-good") && !g_str_has_prefix (key, "sk-slow") &&
      !g_str_has_prefix (key, "sk-err200") && !g_str_has_prefix (key, "sk-nousage"))
    {
      g_autofree char *text = g_strdup_printf ("{\"error\":{\"message\":\"Incorrect API key "
                                               "provided: %s. You can find your API key at "
                                               "https://platform.openai.com/account/api-keys.\","
                                               "\"type\":\"invalid_request_error\","
                                               "\"code\":\"invalid_api_key\"}}", key);

      return reply (msg, 401, text);
    }
  if (g_str_equal (soup_server_message_get_method (msg), "POST") &&
      !valid_chat_body (msg, path))
    return reply (msg, 400, "{\"error\":{\"message\":\"not NewAPI's test request\"}}");
  if (g_str_has_prefix (key, "sk-err200"))
    return reply (msg, 200, "{\"error\":{\"message\":\"upstream quota exhausted\","
                            "\"type\":\"insufficient_quota\"}}");
  json = answer (path, query, !g_str_has_prefix (key, "sk-nousage"));
  if (json == NULL)
    return reply (msg, 404, "{\"error\":{\"message\":\"Not found\"}}");
  reply (msg, 200, json);
  if (g_str_has_prefix (key, "sk-slow"))
    {
      Delayed *d = g_new0 (Delayed, 1);

      d->self = self;
      d->msg = g_object_ref (msg);
      g_ptr_array_add (self->pending, d);
      soup_server_message_pause (msg);
      d->timer = g_timeout_add (self->delay_ms, delayed_reply, d);
      d->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (delayed_gone), d);
    }
}

NdFakeUpstream *
nd_fake_upstream_new (GError **error)
{
  NdFakeUpstream *self = g_new0 (NdFakeUpstream, 1);
  GSList *uris;
  g_autofree char *text = NULL;

  self->delay_ms = 200;
  self->seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);
  self->pending = g_ptr_array_new ();
  self->server = soup_server_new ("server-header", "fake-upstream", NULL);
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    {
      nd_fake_upstream_free (self);
      return NULL;
    }
  uris = soup_server_get_uris (self->server);
  text = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  if (g_str_has_suffix (text, "/"))
    text[strlen (text) - 1] = '\0';
  self->url = g_steal_pointer (&text);
  return self;
}

void
nd_fake_upstream_free (NdFakeUpstream *self)
{
  if (self == NULL)
    return;
  /* A client that gave up left its slow answer behind: drop it unsent. */
  while (self->pending->len > 0)
    {
      Delayed *d = g_ptr_array_index (self->pending, 0);

      g_source_remove (d->timer);
      delayed_free (d);
    }
  g_ptr_array_unref (self->pending);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_ptr_array_unref (self->seen);
  g_free (self->url);
  g_free (self);
}

const char *
nd_fake_upstream_get_url (NdFakeUpstream *self)
{
  return self->url;
}

void
nd_fake_upstream_set_delay (NdFakeUpstream *self, guint ms)
{
  self->delay_ms = ms;
}

guint
nd_fake_upstream_get_peak (NdFakeUpstream *self)
{
  return self->peak;
}

guint
nd_fake_upstream_get_n_requests (NdFakeUpstream *self)
{
  return self->seen->len;
}

const char *
nd_fake_upstream_get_request (NdFakeUpstream *self, guint index)
{
  g_assert_cmpuint (index, <, self->seen->len);
  return ((Seen *) g_ptr_array_index (self->seen, index))->line;
}

const char *
nd_fake_upstream_get_header (NdFakeUpstream *self, guint index, const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  g_assert_cmpuint (index, <, self->seen->len);
  return g_hash_table_lookup (((Seen *) g_ptr_array_index (self->seen, index))->headers, lower);
}

const char *
nd_fake_upstream_get_body (NdFakeUpstream *self, guint index)
{
  g_assert_cmpuint (index, <, self->seen->len);
  return ((Seen *) g_ptr_array_index (self->seen, index))->body;
}

void
nd_fake_upstream_reset (NdFakeUpstream *self)
{
  g_ptr_array_set_size (self->seen, 0);
  self->peak = self->in_flight;
}

char *
nd_fake_upstream_dead_url (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint port;

  /* Bound and closed without listening: the port is free and refuses. */
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return g_strdup_printf ("http://127.0.0.1:%u", port);
}
