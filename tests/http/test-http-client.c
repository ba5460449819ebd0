/* test-http-client.c — envelope, error mapping, versions, parsing, TLS
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No database needed: these talk to nothing (refused), to a TLS server with
 * an untrusted certificate, or to no server at all.
 */
#include "config.h"

#include <string.h>
#include <libsoup/soup.h>

#include "http/nd-http-client.h"
#include "http/nd-http-parse.h"
#include "http/nd-http-source.h"
#include "nd-records-json.h"
#include "nd-test.h"

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = nd_json_parse_bounded (json, -1, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_envelope (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ok = parse ("{\"success\":true,\"message\":\"\",\"data\":{\"a\":1}}");
  g_autoptr(JsonNode) no_data = parse ("{\"success\":true,\"message\":\"\"}");
  g_autoptr(JsonNode) refused = parse ("{\"success\":false,\"message\":\"渠道不存在\"}");
  g_autoptr(JsonNode) old_auth = parse ("{\"success\":false,\"message\":\"无权进行此操作，access token 无效\"}");
  g_autoptr(JsonNode) old_role = parse ("{\"success\":false,\"message\":\"无权进行此操作，权限不足\"}");
  g_autoptr(JsonNode) banned = parse ("{\"success\":false,\"message\":\"用户已被封禁\"}");
  g_autoptr(JsonNode) not_envelope = parse ("{\"items\":[]}");
  g_autoptr(JsonNode) data = NULL;

  data = nd_http_interpret_envelope (ok, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (data), "a"), ==, 1);
  g_clear_pointer (&data, json_node_unref);

  data = nd_http_interpret_envelope (no_data, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_NULL (data));

  g_assert_null (nd_http_interpret_envelope (refused, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "渠道不存在"));   /* verbatim */
  g_clear_error (&error);

  g_assert_null (nd_http_interpret_envelope (old_auth, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "access token 无效"));
  g_clear_error (&error);

  g_assert_null (nd_http_interpret_envelope (old_role, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_PERMISSION);
  g_clear_error (&error);

  g_assert_null (nd_http_interpret_envelope (banned, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_AUTH);
  g_clear_error (&error);

  g_assert_null (nd_http_interpret_envelope (not_envelope, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
}

static void
test_versions (void)
{
  g_assert_cmpint (nd_http_version_compare ("v0.8.4", "v0.8.8.0"), <, 0);
  g_assert_cmpint (nd_http_version_compare ("v0.8.8.0", "v0.8.8.0"), ==, 0);
  g_assert_cmpint (nd_http_version_compare ("v0.8.8.1", "v0.8.8.0"), >, 0);
  g_assert_cmpint (nd_http_version_compare ("v0.9.0", "v0.8.8.0"), >, 0);
  g_assert_cmpint (nd_http_version_compare ("v1.0.0-rc.5", "v1.0.0-rc.6"), <, 0);
  g_assert_cmpint (nd_http_version_compare ("v1.0.0-rc.24", "v1.0.0-rc.6"), >, 0);
  g_assert_cmpint (nd_http_version_compare ("v1.0.0", "v1.0.0-rc.24"), >, 0);
  g_assert_cmpint (nd_http_version_compare ("v1.0.0-alpha.2", "v1.0.0-rc.1"), <, 0);
  /* Unknown versions are treated as the newest. */
  g_assert_cmpint (nd_http_version_compare ("", "v0.8.8.0"), >, 0);
  g_assert_cmpint (nd_http_version_compare (NULL, "v0.8.8.0"), >, 0);
}

static void
test_page_shapes (void)
{
  g_autoptr(JsonNode) bare = parse ("[{\"id\":1},{\"id\":2}]");
  g_autoptr(JsonNode) paged = parse ("{\"items\":[{\"id\":1}],\"total\":7,\"page\":1,\"page_size\":1}");
  g_autoptr(JsonNode) empty = parse ("{\"items\":null,\"total\":0}");
  g_autoptr(JsonNode) odd = parse ("{\"rows\":[]}");
  JsonArray *items;
  gint64 total;
  g_autoptr(GError) error = NULL;

  g_assert_true (nd_http_page_items (bare, &items, &total, &error));
  g_assert_cmpint (json_array_get_length (items), ==, 2);
  g_assert_cmpint (total, ==, -1);
  g_assert_true (nd_http_page_items (paged, &items, &total, &error));
  g_assert_cmpint (json_array_get_length (items), ==, 1);
  g_assert_cmpint (total, ==, 7);
  g_assert_true (nd_http_page_items (empty, &items, &total, &error));
  g_assert_null (items);
  g_assert_cmpint (total, ==, 0);
  g_assert_false (nd_http_page_items (odd, &items, &total, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  g_clear_error (&error);

  /* A total no count can be, an item that is not a row. */
  {
    g_autoptr(JsonNode) negative = parse ("{\"items\":[],\"total\":-3}");
    g_autoptr(JsonNode) mixed = parse ("[{\"id\":1},7]");

    g_assert_false (nd_http_page_items (negative, &items, &total, &error));
    g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
    g_assert_nonnull (strstr (error->message, "impossible"));
    g_clear_error (&error);
    g_assert_true (nd_http_page_items (mixed, &items, &total, &error));
    g_assert_nonnull (nd_http_item_object (items, 0, &error));
    g_assert_null (nd_http_item_object (items, 1, &error));
    g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  }
}

static void
test_impossible_rows (void)
{
  static const char * const bad_logs[] = {
    "{\"id\":1,\"quota\":1e300}",
    "{\"id\":1,\"quota\":4611686018427387904}",
    "{\"id\":1,\"created_at\":-5}",
    "{\"id\":-1}",
    "{\"id\":1,\"prompt_tokens\":-2}",
    "{\"id\":1,\"type\":{}}",
    "{\"id\":1,\"channel\":\"three\"}",
    "{\"id\":1,\"is_stream\":[true]}",
    "{\"id\":1,\"username\":{\"a\":1}}",
    NULL
  };
  g_autoptr(JsonNode) good = parse ("{\"id\":9,\"created_at\":1767225600,\"quota\":-20,"
                                    "\"channel\":3,\"type\":\"2\",\"is_stream\":1,"
                                    "\"username\":\"alice\",\"request_id\":null}");
  g_autoptr(NdLog) log = NULL;
  g_autoptr(GError) error = NULL;

  log = nd_http_read_log (json_node_get_object (good), &error);
  g_assert_no_error (error);
  g_assert_cmpint (log->id, ==, 9);
  g_assert_cmpint (log->quota, ==, -20);
  g_assert_cmpint (log->channel_id, ==, 3);
  g_assert_cmpint (log->type, ==, 2);
  g_assert_true (log->is_stream);
  g_assert_null (log->request_id);

  for (guint i = 0; bad_logs[i]; i++)
    {
      g_autoptr(JsonNode) node = parse (bad_logs[i]);
      g_autoptr(NdLog) bad = nd_http_read_log (json_node_get_object (node), &error);

      g_assert_null (bad);
      g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, "The server sent an impossible"));
      g_clear_error (&error);
    }

  {
    g_autoptr(JsonNode) user = parse ("{\"id\":2,\"quota\":\"9999999999999999999\"}");
    g_autoptr(JsonNode) channel = parse ("{\"id\":2,\"balance\":1e300}");
    g_autoptr(JsonNode) info = parse ("{\"id\":2,\"channel_info\":\"{}\"}");
    g_autoptr(JsonNode) token = parse ("{\"id\":2,\"expired_time\":-7}");
    g_autoptr(JsonNode) red = parse ("{\"id\":2,\"quota\":true}");

    g_assert_null (nd_http_read_user (json_node_get_object (user), &error));
    g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
    g_clear_error (&error);
    g_assert_null (nd_channel_read_json (json_node_get_object (channel), NULL, &error));
    g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
    g_clear_error (&error);
    g_assert_null (nd_channel_read_json (json_node_get_object (info), NULL, &error));
    g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
    g_clear_error (&error);
    g_assert_null (nd_http_read_token (json_node_get_object (token), 100, &error));
    g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
    g_clear_error (&error);
    g_assert_null (nd_http_read_redemption (json_node_get_object (red), 100, &error));
    g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  }
}

static void
test_secrets_masked (void)
{
  g_autoptr(JsonNode) old = parse ("{\"id\":3,\"key\":\"abcdEFGHijklMNOPqrstUVWXyz0123456789ABCDEFGHwxyz\","
                                   "\"status\":1,\"expired_time\":-1,\"remain_quota\":5}");
  g_autoptr(JsonNode) red = parse ("{\"id\":1,\"key\":\"0123456789abcdef0123456789abcdef\",\"status\":1}");
  g_autoptr(NdToken) token = nd_http_read_token (json_node_get_object (old), 100, NULL);
  g_autoptr(NdRedemption) r = nd_http_read_redemption (json_node_get_object (red), 100, NULL);

  g_assert_cmpstr (token->masked_key, ==, "sk-abcd**********wxyz");
  g_assert_cmpstr (r->masked_key, ==, "0123***cdef");
}

static GError *
probe_error (const char *url)
{
  g_autoptr(NdSource) source = nd_http_source_new (url, 1, "secret-token-value", TRUE);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdServerInfo) info = NULL;
  GError *error = NULL;

  nd_source_probe_async (source, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  info = nd_source_probe_finish (source, res, &error);
  g_assert_null (info);
  g_assert_nonnull (error);
  /* The token never shows up in a message. */
  g_assert_null (strstr (error->message, "secret-token-value"));
  return error;
}

static void
test_refused (void)
{
  g_autoptr(GError) error = probe_error ("http://127.0.0.1:1");

  g_assert_error (error, ND_ERROR, ND_ERROR_CONNECTION);
  g_assert_nonnull (strstr (error->message, "connection refused"));
}

static void
test_tls_untrusted (void)
{
  g_autofree char *pem = g_test_build_filename (G_TEST_DIST, "http", "self-signed.pem", NULL);
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;
  g_autofree char *url = NULL;
  int port;

  cert = g_tls_certificate_new_from_file (pem, &error);
  if (!nd_test_require (cert != NULL, "a TLS backend (glib-networking)"))
    return;
  server = soup_server_new ("tls-certificate", cert, NULL);
  g_assert_true (soup_server_listen_local (server, 0,
                                           SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                                           &error));
  uris = soup_server_get_uris (server);
  port = g_uri_get_port (uris->data);
  url = g_strdup_printf ("https://127.0.0.1:%d", port);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  {
    g_autoptr(GError) perr = probe_error (url);

    /* Verified, never skipped: a self-signed certificate is refused. */
    g_assert_error (perr, ND_ERROR, ND_ERROR_TLS);
    g_assert_nonnull (strstr (perr->message, "never skips"));
  }
  /* Plain http to the TLS port: the server drops the connection (reset or
   * cut short, depending on timing), never a TLS error nor a reply. */
  {
    g_autofree char *plain = g_strdup_printf ("http://127.0.0.1:%d", port);
    g_autoptr(GError) perr = probe_error (plain);

    g_assert_true (g_error_matches (perr, ND_ERROR, ND_ERROR_CONNECTION) ||
                   g_error_matches (perr, ND_ERROR, ND_ERROR_PROTOCOL));
    g_assert_nonnull (strstr (perr->message, plain));
  }
  soup_server_disconnect (server);
}

static void
test_bad_url (void)
{
  g_autoptr(GError) error = probe_error ("ftp://example.com");

  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/http/client/envelope", test_envelope);
  g_test_add_func ("/http/client/versions", test_versions);
  g_test_add_func ("/http/client/page-shapes", test_page_shapes);
  g_test_add_func ("/http/client/impossible-rows", test_impossible_rows);
  g_test_add_func ("/http/client/secrets-masked", test_secrets_masked);
  g_test_add_func ("/http/client/refused", test_refused);
  g_test_add_func ("/http/client/tls-untrusted", test_tls_untrusted);
  g_test_add_func ("/http/client/bad-url", test_bad_url);
  return g_test_run ();
}
