/* test-http-client-write.c — requests with a method and a JSON body: what
 * reaches the server, what is retried and what never is, and that a key in
 * a body shows up in no message and no log line
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No database: a small scripted SoupServer stands in for NewAPI, because
 * the faults here (a connection cut after the request arrived) are about
 * HTTP, not about NewAPI.
 */
#include "config.h"

#include <string.h>
#include <libsoup/soup.h>

#include "http/nd-http-client.h"
#include "nd-error.h"
#include "nd-test.h"

#define KEY "sk-live-7f3kQ9zzSECRETxxLmN0pQrStUvWxYz123456"

typedef enum {
  ANSWER_OK,             /* {success:true, data:{id:5}} */
  ANSWER_REFUSE,         /* 200 {success:false, message:"渠道名称重复"} */
  ANSWER_GONE,           /* 404 {success:false, message:"渠道不存在"} */
  ANSWER_429_ONCE,       /* a bare 429 the first time, then OK */
  ANSWER_DROP,           /* the connection is closed after the request arrived */
} Answer;

typedef struct {
  SoupServer *server;
  char *url;
  Answer answer;
  guint n_429;
  GPtrArray *seen;       /* "METHOD /path" */
  GPtrArray *bodies;
  GPtrArray *types;      /* Content-Type of each request */
} Server;

static void
handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
         gpointer user_data)
{
  Server *s = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *type = soup_message_headers_get_content_type (
    soup_server_message_get_request_headers (msg), NULL);
  const char *method = soup_server_message_get_method (msg);
  const char *reply = "{\"success\":true,\"message\":\"\",\"data\":{\"id\":5}}";
  guint status = 200;

  g_ptr_array_add (s->seen, g_strdup_printf ("%s %s", method, path));
  g_ptr_array_add (s->bodies, g_strndup (body->data ? body->data : "", body->length));
  g_ptr_array_add (s->types, g_strdup (type ? type : ""));

  if (g_str_equal (method, "GET"))
    ;
  else if (s->answer == ANSWER_REFUSE)
    reply = "{\"success\":false,\"message\":\"渠道名称重复\"}";
  else if (s->answer == ANSWER_GONE)
    {
      status = 404;
      reply = "{\"success\":false,\"code\":\"channel_not_found\",\"message\":\"渠道不存在\"}";
    }
  else if (s->answer == ANSWER_429_ONCE && s->n_429++ == 0)
    {
      soup_server_message_set_status (msg, 429, NULL);
      return;
    }
  else if (s->answer == ANSWER_DROP)
    {
      /* The request arrived; the reply never leaves. */
      GIOStream *stream = soup_server_message_steal_connection (msg);

      g_io_stream_close (stream, NULL, NULL);
      g_object_unref (stream);
      return;
    }
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, reply,
                                    strlen (reply));
}

static void
server_start (Server *s, Answer answer)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  memset (s, 0, sizeof *s);
  s->answer = answer;
  s->seen = g_ptr_array_new_with_free_func (g_free);
  s->bodies = g_ptr_array_new_with_free_func (g_free);
  s->types = g_ptr_array_new_with_free_func (g_free);
  s->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (s->server, NULL, handler, s, NULL);
  g_assert_true (soup_server_listen_local (s->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (s->server);
  s->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
server_stop (Server *s)
{
  soup_server_disconnect (s->server);
  g_clear_object (&s->server);
  g_ptr_array_unref (s->seen);
  g_ptr_array_unref (s->bodies);
  g_ptr_array_unref (s->types);
  g_free (s->url);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Server, server_stop)

static guint
count (Server *s, const char *line)
{
  guint n = 0;

  for (guint i = 0; i < s->seen->len; i++)
    n += g_str_equal (g_ptr_array_index (s->seen, i), line);
  return n;
}

static JsonNode *
request (NdHttpClient *client, const char *method, const char *path, const char *body,
         GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_http_client_request_async (client, method, path, NULL, body, ND_HTTP_FLAG_NONE, NULL,
                                nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_http_client_request_finish (client, res, error);
}

/* ---- log capture: no line may carry the key --------------------------- */

static GPtrArray *log_lines;

static GLogWriterOutput
capture_log (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
      g_ptr_array_add (log_lines, g_strdup (fields[i].value));
  /* Debug lines are only collected: printed, they would break TAP. */
  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
assert_no_key_logged (void)
{
  for (guint i = 0; i < log_lines->len; i++)
    g_assert_null (strstr (g_ptr_array_index (log_lines, i), KEY));
}

/* ---- tests ---------------------------------------------------------------- */

static void
test_method_and_body (void)
{
  g_auto(Server) s;
  g_autoptr(NdHttpClient) client = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GError) error = NULL;
  const char *body = "{\"mode\":\"single\",\"channel\":{\"name\":\"a\",\"key\":\"" KEY "\"}}";

  server_start (&s, ANSWER_OK);
  client = nd_http_client_new (s.url, 1, "token");
  data = request (client, "POST", "/api/channel/", body, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (data), "id"), ==, 5);
  g_assert_cmpuint (count (&s, "POST /api/channel/"), ==, 1);
  g_assert_cmpstr (g_ptr_array_index (s.bodies, 0), ==, body);
  g_assert_cmpstr (g_ptr_array_index (s.types, 0), ==, "application/json");
  g_clear_pointer (&data, json_node_unref);

  data = request (client, "DELETE", "/api/channel/7", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count (&s, "DELETE /api/channel/7"), ==, 1);
  g_assert_cmpstr (g_ptr_array_index (s.bodies, 1), ==, "");
  assert_no_key_logged ();
}

/* The server's refusal is shown verbatim, and the key in the body is not. */
static void
test_refusal_verbatim (void)
{
  g_auto(Server) s;
  g_autoptr(NdHttpClient) client = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GError) error = NULL;
  const char *body = "{\"id\":3,\"key\":\"" KEY "\"}";

  server_start (&s, ANSWER_REFUSE);
  client = nd_http_client_new (s.url, 1, "token");
  data = request (client, "PUT", "/api/channel/", body, &error);
  g_assert_null (data);
  g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "渠道名称重复"));
  g_assert_null (strstr (error->message, KEY));
  g_clear_error (&error);
  server_stop (&s);

  /* A 404 that says why (a row, not a route) keeps its message. */
  server_start (&s, ANSWER_GONE);
  g_clear_object (&client);
  client = nd_http_client_new (s.url, 1, "token");
  data = request (client, "DELETE", "/api/channel/99", NULL, &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "渠道不存在"));
  assert_no_key_logged ();
}

/* A 429 comes from the rate limiter, before any handler: retried. */
static void
test_429_retried (void)
{
  g_auto(Server) s;
  g_autoptr(NdHttpClient) client = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GError) error = NULL;

  server_start (&s, ANSWER_429_ONCE);
  client = nd_http_client_new (s.url, 1, "token");
  nd_http_client_set_backoff (client, 3, 20, 200);
  data = request (client, "POST", "/api/channel/copy/4", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count (&s, "POST /api/channel/copy/4"), ==, 2);
}

/* The connection breaks after the request arrived: the change may have been
 * made, so nothing sends it again — neither this client nor libsoup, which
 * re-sends a PUT or DELETE on its own when a kept-alive connection turns
 * out closed. The message says what may have happened. */
static void
test_cut_not_resent (void)
{
  static const char * const methods[] = { "PUT", "DELETE", "POST" };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_auto(Server) s;
      g_autoptr(NdHttpClient) client = NULL;
      g_autoptr(JsonNode) warm = NULL;
      g_autoptr(JsonNode) data = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *line = g_strdup_printf ("%s /api/channel/", methods[i]);
      const char *body = "{\"id\":3,\"key\":\"" KEY "\"}";

      server_start (&s, ANSWER_DROP);
      client = nd_http_client_new (s.url, 1, "token");
      /* A GET first leaves a kept-alive connection for the write to reuse. */
      warm = request (client, "GET", "/api/status", NULL, &error);
      g_assert_no_error (error);
      data = request (client, methods[i], "/api/channel/", body, &error);
      g_assert_null (data);
      g_assert_nonnull (error);
      g_assert_cmpuint (count (&s, line), ==, 1);
      g_assert_nonnull (strstr (error->message, "may have made the change"));
      g_assert_nonnull (strstr (error->message, s.url));
      g_assert_null (strstr (error->message, KEY));
    }
  assert_no_key_logged ();
}

/* Nothing listens: the write cannot have arrived, and the message does not
 * pretend it might have. */
static void
test_refused_not_sent (void)
{
  g_autoptr(NdHttpClient) client = nd_http_client_new ("http://127.0.0.1:1", 1, "token");
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GError) error = NULL;

  data = request (client, "POST", "/api/channel/", "{\"key\":\"" KEY "\"}", &error);
  g_assert_error (error, ND_ERROR, ND_ERROR_CONNECTION);
  g_assert_null (strstr (error->message, "may have made"));
  g_assert_null (strstr (error->message, KEY));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  log_lines = g_ptr_array_new_with_free_func (g_free);
  /* Debug lines too: a key must not reach any of them. */
  g_log_set_debug_enabled (TRUE);
  g_log_set_writer_func (capture_log, NULL, NULL);
  g_test_add_func ("/http/client-write/method-and-body", test_method_and_body);
  g_test_add_func ("/http/client-write/refusal-verbatim", test_refusal_verbatim);
  g_test_add_func ("/http/client-write/429-retried", test_429_retried);
  g_test_add_func ("/http/client-write/cut-not-resent", test_cut_not_resent);
  g_test_add_func ("/http/client-write/refused-not-sent", test_refused_not_sent);
  return g_test_run ();
}
