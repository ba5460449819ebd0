/* test-upstream-plan.c — the requests NewAPI sends an upstream, and how
 * their replies are judged (reference §2.6a), without a network
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "health/nd-upstream-plan.h"
#include "nd-error.h"

#define KEY "sk-good-0123456789abcdefghijklmnopqrstuv"
/* A string literal and its length. */
#define LIT(s) s, strlen (s)

static NdUpstreamTarget *
target (int type, const char *base)
{
  NdUpstreamTarget *t = nd_upstream_target_new ();

  t->id = 1;
  t->type = type;
  t->base_url = g_strdup (base);
  t->key = g_strdup (KEY);
  t->models = g_strdup ("gpt-4o,gpt-4o-mini");
  t->created_time = 1767225600;
  return t;
}

static JsonObject *
body_object (const NdUpstreamRequest *r, JsonParser *parser)
{
  g_assert_nonnull (r->body);
  g_assert_true (json_parser_load_from_data (parser, r->body, -1, NULL));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_bases (void)
{
  static const struct { int type; const char *base; const char *want; int code; } cases[] = {
    { 1, NULL, "https://api.openai.com", 0 },
    { 1, "", "https://api.openai.com", 0 },
    { 14, NULL, "https://api.anthropic.com", 0 },
    { 24, NULL, "https://generativelanguage.googleapis.com", 0 },
    { 43, NULL, "https://api.deepseek.com", 0 },
    { 20, NULL, "https://openrouter.ai/api", 0 },
    { 1, "https://relay.example.com/", "https://relay.example.com", 0 },
    { 3, "https://x.openai.azure.com", "https://x.openai.azure.com", 0 },
    /* no default: Azure, Custom, New API */
    { 3, NULL, NULL, ND_ERROR_UNSUPPORTED },
    { 8, "", NULL, ND_ERROR_UNSUPPORTED },
    { 60, NULL, NULL, ND_ERROR_UNSUPPORTED },
    /* never tested by NewAPI: Midjourney, Suno, Kling, DoubaoVideo… */
    { 2, "https://mj.example.com", NULL, ND_ERROR_UNSUPPORTED },
    { 5, "https://mj.example.com", NULL, ND_ERROR_UNSUPPORTED },
    { 36, "https://suno.example.com", NULL, ND_ERROR_UNSUPPORTED },
    { 50, NULL, NULL, ND_ERROR_UNSUPPORTED },
    { 51, NULL, NULL, ND_ERROR_UNSUPPORTED },
    { 52, NULL, NULL, ND_ERROR_UNSUPPORTED },
    { 54, NULL, NULL, ND_ERROR_UNSUPPORTED },
    /* keys that are not bearer tokens */
    { 33, "https://bedrock.example.com", NULL, ND_ERROR_UNSUPPORTED },
    { 41, NULL, NULL, ND_ERROR_UNSUPPORTED },
    /* a NewAPI plan name is not an address */
    { 26, "glm-coding-plan", NULL, ND_ERROR_UNSUPPORTED },
    { 1, "ftp://files.example.com", NULL, ND_ERROR_UNSUPPORTED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(NdUpstreamTarget) t = target (cases[i].type, cases[i].base);
      g_autoptr(GError) error = NULL;
      g_autofree char *base = nd_upstream_resolve_base (t, &error);

      if (cases[i].want != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (base, ==, cases[i].want);
        }
      else
        {
          g_assert_null (base);
          g_assert_error (error, ND_ERROR, cases[i].code);
        }
    }
}

static void
test_keys (void)
{
  g_autoptr(NdUpstreamTarget) t = target (1, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  NdSecret *k;

  /* Single key: the whole key, without the newline a paste left. */
  k = nd_upstream_pick_key ("sk-single\n", FALSE, NULL);
  g_assert_cmpstr (k, ==, "sk-single");
  nd_secure_free (k);
  /* Multi-key: the first key whose status is absent or 1; a blank line in
   * the middle keeps its index, as NewAPI's GetKeys splits. */
  k = nd_upstream_pick_key ("\nsk-a\nsk-b\n\nsk-d\n", TRUE,
                            "{\"is_multi_key\":true,\"multi_key_status_list\":{\"0\":3,\"1\":2}}");
  g_assert_cmpstr (k, ==, "sk-d");
  nd_secure_free (k);
  k = nd_upstream_pick_key ("sk-a\nsk-b", TRUE, "{\"multi_key_status_list\":{\"0\":2}}");
  g_assert_cmpstr (k, ==, "sk-b");
  nd_secure_free (k);
  k = nd_upstream_pick_key ("sk-a\nsk-b", TRUE, "{\"multi_key_status_list\":null}");
  g_assert_cmpstr (k, ==, "sk-a");
  nd_secure_free (k);
  k = nd_upstream_pick_key ("[\"k0\",\"k1\"]", TRUE, "{\"multi_key_status_list\":{\"0\":3}}");
  g_assert_cmpstr (k, ==, "k1");
  nd_secure_free (k);
  g_assert_null (nd_upstream_pick_key ("sk-a\nsk-b", TRUE,
                                       "{\"multi_key_status_list\":{\"0\":3,\"1\":3}}"));

  /* A list of keys in a channel not marked multi-key cannot be one header. */
  g_free (t->key);
  t->key = g_strdup ("sk-a\nsk-b");
  base = nd_upstream_resolve_base (t, &error);
  g_assert_null (base);
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* Every key disabled: nothing to probe with, and it says so. */
  g_clear_pointer (&t->key, nd_secure_free);
  t->is_multi_key = TRUE;
  base = nd_upstream_resolve_base (t, &error);
  g_assert_null (base);
  g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "disabled"));
}

static void
test_models_requests (void)
{
  static const struct { int type; const char *url; const char *auth; const char *value; } cases[] = {
    { 1, "B/v1/models", "Authorization", "Bearer " KEY },
    { 3, "B/v1/models", "Authorization", "Bearer " KEY },      /* Azure lists with a bearer key */
    { 14, "B/v1/models", "x-api-key", KEY },
    { 24, "B/v1beta/models", "x-goog-api-key", KEY },
    { 4, "B/api/tags", "Authorization", "Bearer " KEY },
    { 17, "B/compatible-mode/v1/models", "Authorization", "Bearer " KEY },
    { 26, "B/api/paas/v4/models", "Authorization", "Bearer " KEY },
    { 43, "B/v1/models", "Authorization", "Bearer " KEY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(NdUpstreamTarget) t = target (cases[i].type, "B");
      g_autoptr(NdUpstreamRequest) r = nd_upstream_models_request (t, "B", NULL, NULL);

      g_assert_cmpstr (r->method, ==, "GET");
      g_assert_cmpstr (r->url, ==, cases[i].url);
      g_assert_cmpstr (nd_upstream_request_header (r, cases[i].auth), ==, cases[i].value);
      /* The key is never in the address. */
      g_assert_null (strstr (r->url, KEY));
      if (cases[i].type == 14)
        g_assert_cmpstr (nd_upstream_request_header (r, "anthropic-version"), ==, "2023-06-01");
      else
        g_assert_null (nd_upstream_request_header (r, "anthropic-version"));
    }
  {
    g_autoptr(NdUpstreamTarget) t = target (24, "B");
    g_autoptr(NdUpstreamRequest) r = nd_upstream_models_request (t, "B", "a b", NULL);

    g_assert_cmpstr (r->url, ==, "B/v1beta/models?pageToken=a%20b");
  }
}

static void
test_model_lists (void)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  const char *openai = "{\"data\":[{\"id\":\"gpt-4o\"},{\"id\":\"o3-mini\"}]}";
  const char *gemini = "{\"models\":[{\"name\":\"models/gemini-2.5-pro\"}],\"nextPageToken\":\"t2\"}";
  const char *ollama = "{\"models\":[{\"name\":\"llama3.1:8b\"}]}";

  g_assert_true (nd_upstream_parse_models (1, openai, strlen (openai), ids, &next, &error));
  g_assert_true (nd_upstream_parse_models (24, gemini, strlen (gemini), ids, &next, &error));
  g_assert_cmpstr (next, ==, "t2");
  g_clear_pointer (&next, g_free);
  g_assert_true (nd_upstream_parse_models (4, ollama, strlen (ollama), ids, &next, &error));
  g_assert_null (next);
  g_assert_cmpuint (ids->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, "gpt-4o");
  g_assert_cmpstr (g_ptr_array_index (ids, 2), ==, "gemini-2.5-pro");
  g_assert_cmpstr (g_ptr_array_index (ids, 3), ==, "llama3.1:8b");
  /* A 200 that is not a list is not a working channel. */
  g_assert_false (nd_upstream_parse_models (1, LIT ("{\"object\":\"list\"}"), ids, &next, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (nd_upstream_parse_models (1, LIT ("<html>"), ids, &next, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
}

static void
test_test_model (void)
{
  g_autoptr(NdUpstreamTarget) t = target (1, NULL);
  g_autofree char *m = NULL;

  /* asked, else test_model, else the first model, else gpt-4o-mini */
  m = nd_upstream_test_model (t, " o3-mini ");
  g_assert_cmpstr (m, ==, "o3-mini");
  g_free (m);
  t->test_model = g_strdup ("gpt-4o-mini");
  m = nd_upstream_test_model (t, "");
  g_assert_cmpstr (m, ==, "gpt-4o-mini");
  g_free (m);
  g_clear_pointer (&t->test_model, g_free);
  m = nd_upstream_test_model (t, NULL);
  g_assert_cmpstr (m, ==, "gpt-4o");
  g_free (m);
  g_free (t->models);
  t->models = g_strdup ("");
  m = nd_upstream_test_model (t, NULL);
  g_assert_cmpstr (m, ==, "gpt-4o-mini");
  g_free (m);
  /* model_mapping chains are followed to what is sent upstream */
  t->model_mapping = g_strdup ("{\"a\":\"b\",\"b\":\"c\",\"x\":\"x\"}");
  m = nd_upstream_map_model (t, "a");
  g_assert_cmpstr (m, ==, "c");
  g_free (m);
  m = nd_upstream_map_model (t, "x");
  g_assert_cmpstr (m, ==, "x");
  g_free (m);
  g_free (t->model_mapping);
  t->model_mapping = g_strdup ("{\"p\":\"q\",\"q\":\"p\"}");
  m = nd_upstream_map_model (t, "p");
  g_assert_true (g_str_equal (m, "p") || g_str_equal (m, "q"));
}

static void
test_chat_requests (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(NdUpstreamTarget) t = target (1, "B");
    g_autoptr(NdUpstreamRequest) r = nd_upstream_chat_request (t, "B", "gpt-4o", &error);
    JsonObject *o;
    JsonObject *msg;

    g_assert_no_error (error);
    g_assert_cmpstr (r->method, ==, "POST");
    g_assert_cmpstr (r->url, ==, "B/v1/chat/completions");
    g_assert_cmpstr (nd_upstream_request_header (r, "Authorization"), ==, "Bearer " KEY);
    o = body_object (r, parser);
    g_assert_cmpstr (json_object_get_string_member (o, "model"), ==, "gpt-4o");
    g_assert_cmpint (json_object_get_int_member (o, "max_tokens"), ==, 16);
    g_assert_false (json_object_get_boolean_member (o, "stream"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "messages")), ==, 1);
    msg = json_array_get_object_element (json_object_get_array_member (o, "messages"), 0);
    g_assert_cmpstr (json_object_get_string_member (msg, "role"), ==, "user");
    g_assert_cmpstr (json_object_get_string_member (msg, "content"), ==, "hi");
  }
  {
    /* OpenAI's reasoning models take max_completion_tokens. */
    g_autoptr(NdUpstreamTarget) t = target (1, "B");
    g_autoptr(NdUpstreamRequest) r = nd_upstream_chat_request (t, "B", "o3-mini", &error);
    JsonObject *o = body_object (r, parser);

    g_assert_cmpint (json_object_get_int_member (o, "max_completion_tokens"), ==, 16);
    g_assert_false (json_object_has_member (o, "max_tokens"));
  }
  {
    g_autoptr(NdUpstreamTarget) t = target (14, "B");
    g_autoptr(NdUpstreamRequest) r = nd_upstream_chat_request (t, "B", "claude-sonnet-4", &error);
    JsonObject *o = body_object (r, parser);

    g_assert_cmpstr (r->url, ==, "B/v1/messages");
    g_assert_cmpstr (nd_upstream_request_header (r, "x-api-key"), ==, KEY);
    g_assert_cmpstr (nd_upstream_request_header (r, "anthropic-version"), ==, "2023-06-01");
    g_assert_null (nd_upstream_request_header (r, "Authorization"));
    g_assert_cmpint (json_object_get_int_member (o, "max_tokens"), ==, 16);
  }
  {
    g_autoptr(NdUpstreamTarget) t = target (24, "B");
    g_autoptr(NdUpstreamRequest) r = nd_upstream_chat_request (t, "B", "gemini-2.5-flash", &error);
    JsonObject *o = body_object (r, parser);

    g_assert_cmpstr (r->url, ==, "B/v1beta/models/gemini-2.5-flash:generateContent");
    g_assert_cmpstr (nd_upstream_request_header (r, "x-goog-api-key"), ==, KEY);
    g_assert_true (json_object_has_member (o, "contents"));
    g_assert_false (json_object_has_member (o, "model"));
  }
  {
    /* Azure: api-key, the channel's API version, and (for a channel made
     * before 2025-05-10) the deployment without dots. */
    g_autoptr(NdUpstreamTarget) t = target (3, "B");
    g_autoptr(NdUpstreamRequest) r = NULL;

    t->other = g_strdup ("2024-10-21");
    t->created_time = 1700000000;
    r = nd_upstream_chat_request (t, "B", "gpt-3.5-turbo", &error);
    g_assert_cmpstr (r->url, ==, "B/openai/deployments/gpt-35-turbo/chat/completions"
                                 "?api-version=2024-10-21");
    g_assert_cmpstr (nd_upstream_request_header (r, "api-key"), ==, KEY);
    g_assert_null (nd_upstream_request_header (r, "Authorization"));
  }
  {
    g_autoptr(NdUpstreamTarget) t = target (3, "B");
    g_autoptr(NdUpstreamRequest) r = nd_upstream_chat_request (t, "B", "gpt-4.1", &error);

    g_assert_cmpstr (r->url, ==, "B/openai/deployments/gpt-4.1/chat/completions"
                                 "?api-version=2025-04-01-preview");
  }
  {
    g_autoptr(NdUpstreamTarget) t = target (17, "B");
    g_autoptr(NdUpstreamRequest) r = nd_upstream_chat_request (t, "B", "qwen-max", &error);

    g_assert_cmpstr (r->url, ==, "B/compatible-mode/v1/chat/completions");
  }
  {
    /* A type whose API NewAPI Desk does not speak says so. */
    g_autoptr(NdUpstreamTarget) t = target (15, "B");
    g_autoptr(NdUpstreamRequest) r = nd_upstream_chat_request (t, "B", "ernie-4.0", &error);

    g_assert_null (r);
    g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
    g_assert_nonnull (strstr (error->message, "Baidu"));
  }
}

static void
test_header_override (void)
{
  g_autoptr(NdUpstreamTarget) t = target (1, "B");
  g_autoptr(NdUpstreamRequest) r = NULL;
  g_autoptr(GError) error = NULL;

  /* On top of the type's auth; {api_key} stands for the key. */
  t->header_override = g_strdup ("{\"authorization\":\"Key {api_key}\",\"X-Relay\":\"desk\","
                                  "\"X-Num\":5}");
  r = nd_upstream_models_request (t, "B", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nd_upstream_request_header (r, "Authorization"), ==, "Key " KEY);
  g_assert_cmpstr (nd_upstream_request_header (r, "X-Relay"), ==, "desk");
  g_assert_null (nd_upstream_request_header (r, "X-Num"));
  g_clear_pointer (&r, nd_upstream_request_free);

  g_free (t->header_override);
  t->header_override = g_strdup ("{\"Bad Header\":\"x\"}");
  r = nd_upstream_models_request (t, "B", NULL, &error);
  g_assert_null (r);
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_free (t->header_override);
  t->header_override = g_strdup ("{\"X-A\":\"a\\r\\nInjected: 1\"}");
  r = nd_upstream_models_request (t, "B", NULL, &error);
  g_assert_null (r);
  g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
}

static void
test_replies (void)
{
  char *why = NULL;
  g_autofree char *text = NULL;
  const char *ok = "{\"choices\":[],\"usage\":{\"prompt_tokens\":1}}";
  const char *err = "{\"error\":{\"message\":\"quota exhausted\"}}";
  const char *none = "{\"choices\":[]}";
  const char *gem = "{\"candidates\":[],\"usageMetadata\":{}}";
  const char *leak = "{\"error\":{\"message\":\"Incorrect API key provided: " KEY "\"}}";

  g_assert_true (nd_upstream_check_chat (1, ok, strlen (ok), KEY, &why));
  g_assert_null (why);
  g_assert_true (nd_upstream_check_chat (24, gem, strlen (gem), KEY, &why));
  g_assert_false (nd_upstream_check_chat (24, ok, strlen (ok), KEY, &why));
  g_clear_pointer (&why, g_free);
  g_assert_false (nd_upstream_check_chat (1, err, strlen (err), KEY, &why));
  g_assert_nonnull (strstr (why, "quota exhausted"));
  g_clear_pointer (&why, g_free);
  g_assert_false (nd_upstream_check_chat (1, none, strlen (none), KEY, &why));
  g_assert_nonnull (strstr (why, "usage"));
  g_clear_pointer (&why, g_free);

  /* The upstream's words, NewAPI's way, and never the key. */
  text = nd_upstream_error_text (401, leak, strlen (leak), KEY);
  g_assert_true (g_str_has_prefix (text, "status_code=401, Incorrect API key provided: "));
  g_assert_null (strstr (text, KEY));
  g_assert_null (strstr (text, "0123456789abcdefghijklmnopqr"));
  g_clear_pointer (&text, g_free);
  text = nd_upstream_error_text (502, LIT ("<html>Bad gateway</html>"), KEY);
  g_assert_cmpstr (text, ==, "status_code=502, <html>Bad gateway</html>");
  g_clear_pointer (&text, g_free);
  text = nd_upstream_error_text (500, NULL, 0, KEY);
  g_assert_cmpstr (text, ==, "status_code=500");
  g_clear_pointer (&text, g_free);
  /* A key of any shape (not sk-…) is scrubbed too. */
  text = nd_upstream_scrub ("bad key AIzaSyABCDEFGH12345 here", "AIzaSyABCDEFGH12345");
  g_assert_null (strstr (text, "AIzaSyABCDEFGH12345"));
}

static void
test_balances (void)
{
  static const struct { int type; gboolean multi; int kind; } kinds[] = {
    { 1, FALSE, ND_BALANCE_OPENAI }, { 8, FALSE, ND_BALANCE_OPENAI },
    { 20, FALSE, ND_BALANCE_OPENROUTER }, { 43, FALSE, ND_BALANCE_DEEPSEEK },
    { 40, FALSE, ND_BALANCE_SILICONFLOW }, { 25, FALSE, ND_BALANCE_MOONSHOT },
    { 3, FALSE, -1 }, { 14, FALSE, -1 }, { 1, TRUE, -1 },
  };
  static const struct { NdBalanceKind kind; const char *body; double want; } replies[] = {
    { ND_BALANCE_OPENAI, "{\"total_usage\":2050}", 99.5 },
    { ND_BALANCE_OPENROUTER, "{\"data\":{\"total_credits\":25,\"total_usage\":7.5}}", 17.5 },
    { ND_BALANCE_DEEPSEEK, "{\"is_available\":true,\"balance_infos\":[{\"currency\":\"USD\","
      "\"total_balance\":\"1.00\"},{\"currency\":\"CNY\",\"total_balance\":\"110.25\"}]}", 110.25 },
    { ND_BALANCE_SILICONFLOW, "{\"code\":20000,\"status\":true,\"data\":{\"totalBalance\":\"8.5\"}}",
      8.5 },
    { ND_BALANCE_MOONSHOT, "{\"code\":0,\"status\":true,\"data\":{\"available_balance\":73}}", 10 },
  };
  g_autoptr(GError) error = NULL;
  double v, limit;
  gboolean payment;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(NdUpstreamTarget) t = target (kinds[i].type, NULL);
      NdBalanceKind kind;
      gboolean ok;

      t->is_multi_key = kinds[i].multi;
      ok = nd_upstream_balance_kind (t, &kind, &error);
      g_assert_cmpint (ok, ==, kinds[i].kind >= 0);
      if (ok)
        g_assert_cmpint (kind, ==, kinds[i].kind);
      else
        g_assert_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
      g_clear_error (&error);
    }
  g_assert_true (nd_upstream_parse_subscription (LIT ("{\"hard_limit_usd\":120,"
                                                      "\"has_payment_method\":true}"), &limit, &payment, &error));
  g_assert_cmpfloat (limit, ==, 120);
  g_assert_true (payment);
  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      g_assert_true (nd_upstream_parse_balance (replies[i].kind, replies[i].body,
                                                strlen (replies[i].body), 120, 7.3, &v, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (v, replies[i].want, 1e-9);
    }
  g_assert_false (nd_upstream_parse_balance (ND_BALANCE_SILICONFLOW,
                                             LIT ("{\"code\":40001,\"message\":\"bad\"}"), 0, 7.3,
                                             &v, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
  g_clear_error (&error);
  g_assert_false (nd_upstream_parse_balance (ND_BALANCE_DEEPSEEK, LIT ("{\"balance_infos\":[]}"),
                                             0, 7.3, &v, &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  g_clear_error (&error);

  {
    /* The usage window: this month with a payment method, else 100 days. */
    g_autoptr(NdUpstreamTarget) t = target (1, NULL);
    g_autoptr(GDateTime) now = g_date_time_new_local (2026, 3, 15, 10, 0, 0);
    g_autoptr(NdUpstreamRequest) a = nd_upstream_usage_request (t, "B", TRUE, now);
    g_autoptr(NdUpstreamRequest) b = nd_upstream_usage_request (t, "B", FALSE, now);
    g_autoptr(NdUpstreamRequest) c = nd_upstream_balance_request (t, "B", ND_BALANCE_OPENROUTER);

    g_assert_cmpstr (a->url, ==, "B/v1/dashboard/billing/usage?start_date=2026-03-01&end_date=2026-03-15");
    g_assert_cmpstr (b->url, ==, "B/v1/dashboard/billing/usage?start_date=2025-12-05&end_date=2026-03-15");
    g_assert_cmpstr (c->url, ==, "https://openrouter.ai/api/v1/credits");
    g_assert_cmpstr (nd_upstream_request_header (c, "Authorization"), ==, "Bearer " KEY);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/upstream/plan/bases", test_bases);
  g_test_add_func ("/upstream/plan/keys", test_keys);
  g_test_add_func ("/upstream/plan/models-requests", test_models_requests);
  g_test_add_func ("/upstream/plan/model-lists", test_model_lists);
  g_test_add_func ("/upstream/plan/test-model", test_test_model);
  g_test_add_func ("/upstream/plan/chat-requests", test_chat_requests);
  g_test_add_func ("/upstream/plan/header-override", test_header_override);
  g_test_add_func ("/upstream/plan/replies", test_replies);
  g_test_add_func ("/upstream/plan/balances", test_balances);
  return g_test_run ();
}
