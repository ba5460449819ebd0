/* test-log-other.c — NewAPI's `other` column read into typed fields
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shapes from reference §4.2: consume, error, login and audit logs, old
 * servers' strings for numbers, wrong types, and text that is not JSON.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "logs/nd-log-other.h"
#include "nd-secret-samples.h"

static void
test_consume (void)
{
  g_autoptr(NdLogOther) o = nd_log_other_read (
    "{\"model_ratio\":2.5,\"group_ratio\":1,\"completion_ratio\":4,\"cache_tokens\":120,"
    "\"cache_ratio\":0.1,\"model_price\":-1,\"user_group_ratio\":-1,\"frt\":1234,"
    "\"request_path\":\"/v1/chat/completions\",\"is_model_mapped\":true,"
    "\"upstream_model_name\":\"gpt-4o-2024-08-06\",\"reasoning_effort\":\"high\","
    "\"billing_source\":\"wallet\","
    "\"admin_info\":{\"use_channel\":[\"3\",7],\"is_multi_key\":true,\"multi_key_index\":2}}");

  g_assert_nonnull (o);
  g_assert_cmpfloat (o->model_ratio, ==, 2.5);
  g_assert_cmpfloat (o->group_ratio, ==, 1);
  g_assert_cmpfloat (o->completion_ratio, ==, 4);
  g_assert_cmpint (o->cache_tokens, ==, 120);
  g_assert_cmpfloat (o->cache_ratio, ==, 0.1);
  /* -1 means "does not apply": unset, never shown as a price of -1. */
  g_assert_true (isnan (o->model_price));
  g_assert_true (isnan (o->user_group_ratio));
  g_assert_cmpfloat (o->frt_ms, ==, 1234);
  g_assert_cmpstr (o->request_path, ==, "/v1/chat/completions");
  g_assert_cmpstr (o->upstream_model_name, ==, "gpt-4o-2024-08-06");
  g_assert_cmpstr (o->reasoning_effort, ==, "high");
  g_assert_cmpstr (o->billing_source, ==, "wallet");
  /* Old servers wrote channel ids as strings. */
  g_assert_cmpuint (o->use_channel->len, ==, 2);
  g_assert_cmpint (g_array_index (o->use_channel, gint64, 0), ==, 3);
  g_assert_cmpint (g_array_index (o->use_channel, gint64, 1), ==, 7);
  g_assert_true (o->is_multi_key);
  g_assert_cmpint (o->multi_key_index, ==, 2);
  /* What this log type does not have stays unset. */
  g_assert_null (o->error_type);
  g_assert_cmpint (o->status_code, ==, -1);
  g_assert_cmpint (o->cache_creation_tokens, ==, -1);
  g_assert_true (isnan (o->cache_creation_ratio));
  g_assert_null (o->op_action);
}

static void
test_error_login_audit (void)
{
  g_autoptr(NdLogOther) e = nd_log_other_read (
    "{\"error_type\":\"openai_error\",\"error_code\":\"insufficient_quota\",\"status_code\":429,"
    "\"channel_id\":3,\"channel_name\":\"OpenAI\",\"request_path\":\"/v1/embeddings\"}");
  g_autoptr(NdLogOther) n = nd_log_other_read ("{\"error_code\":500,\"frt\":-1000}");
  g_autoptr(NdLogOther) l = nd_log_other_read (
    "{\"login_method\":\"password\",\"user_agent\":\"curl/8.0\"}");
  g_autoptr(NdLogOther) a = nd_log_other_read (
    "{\"op\":{\"action\":\"user.add_quota\",\"params\":{\"target_user_id\":12,\"quota\":500000}},"
    "\"admin_info\":{\"admin_id\":1,\"admin_username\":\"root\"}}");

  g_assert_cmpstr (e->error_type, ==, "openai_error");
  g_assert_cmpstr (e->error_code, ==, "insufficient_quota");
  g_assert_cmpint (e->status_code, ==, 429);
  g_assert_cmpstr (e->request_path, ==, "/v1/embeddings");
  g_assert_null (e->use_channel);
  /* A numeric error code reads as its text; -1000 is "not measured". */
  g_assert_cmpstr (n->error_code, ==, "500");
  g_assert_cmpfloat (n->frt_ms, <, 0);
  g_assert_cmpstr (l->login_method, ==, "password");
  g_assert_cmpstr (l->user_agent, ==, "curl/8.0");
  g_assert_cmpstr (a->op_action, ==, "user.add_quota");
  g_assert_cmpint (a->op_target_user_id, ==, 12);
  g_assert_cmpstr (a->op_params, ==, "{\"target_user_id\":12,\"quota\":500000}");
  g_assert_false (a->is_multi_key);
  g_assert_cmpint (a->multi_key_index, ==, -1);
}

/* Wrong types are unset, not misread; what is not a JSON object is no
 * `other` to read. */
static void
test_damaged (void)
{
  g_autoptr(NdLogOther) o = nd_log_other_read (
    "{\"model_ratio\":\"abc\",\"frt\":{},\"status_code\":[1],\"request_path\":7,"
    "\"admin_info\":{\"use_channel\":\"3\"},\"op\":\"x\",\"user_agent\":null}");
  const char *not_objects[] = { "", "null", "[1,2]", "\"text\"", "{\"a\":", "<html>", "42" };

  g_assert_nonnull (o);
  g_assert_true (isnan (o->model_ratio));
  g_assert_true (isnan (o->frt_ms));
  g_assert_cmpint (o->status_code, ==, -1);
  g_assert_cmpstr (o->request_path, ==, "7");
  g_assert_null (o->use_channel);
  g_assert_null (o->op_action);
  g_assert_null (o->user_agent);
  for (guint i = 0; i < G_N_ELEMENTS (not_objects); i++)
    g_assert_null (nd_log_other_read (not_objects[i]));
  g_assert_null (nd_log_other_read (NULL));

  /* A row nested 100 000 levels deep is refused, not a stack overflow. */
  {
    GString *deep = g_string_new ("{\"a\":");

    for (guint i = 0; i < 100000; i++)
      g_string_append_c (deep, '[');
    for (guint i = 0; i < 100000; i++)
      g_string_append_c (deep, ']');
    g_string_append_c (deep, '}');
    g_assert_null (nd_log_other_read (deep->str));
    g_string_free (deep, TRUE);
  }
}

/* Every text taken from `other`, and `other` itself, comes out masked,
 * even a key spelled with JSON escapes. */
static void
test_masked (void)
{
  g_autofree char *secret = nd_secret_text ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autoptr(NdLogOther) o = NULL;
  g_autofree char *compact = NULL;
  g_autofree char *pretty = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *escaped_masked = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "reject_reason");
  json_builder_add_string_value (b, secret);
  json_builder_set_member_name (b, "user_agent");
  json_builder_add_string_value (b, nd_secret_samples[1]);
  json_builder_set_member_name (b, "op");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, "token.create");
  json_builder_set_member_name (b, "params");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, nd_secret_samples[0]);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "po");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, nd_secret_samples[2]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);
  g_assert_nonnull (nd_secret_leaked (json));

  o = nd_log_other_read (json);
  g_assert_null (nd_secret_leaked (o->reject_reason));
  g_assert_null (nd_secret_leaked (o->user_agent));
  g_assert_null (nd_secret_leaked (o->op_params));
  g_assert_cmpstr (o->user_agent, ==, "IhKt***F4vU");

  compact = nd_log_other_mask (json, FALSE);
  pretty = nd_log_other_mask (json, TRUE);
  g_assert_null (nd_secret_leaked (compact));
  g_assert_null (nd_secret_leaked (pretty));
  g_assert_nonnull (strstr (pretty, "\n  \"op\" : {"));

  /* "sk\u002dproj-…" is "sk-proj-…" to anyone who reads the JSON. */
  escaped = g_strdup_printf ("{\"error\":\"bad key sk\\u002d%s\"}", nd_secret_samples[2] + 3);
  escaped_masked = nd_log_other_mask (escaped, FALSE);
  g_assert_null (nd_secret_leaked (escaped_masked));
  g_assert_nonnull (strstr (escaped_masked, "sk-proj***wtDD"));

  /* Text that is not JSON is masked as it is. */
  raw = nd_log_other_mask (secret, TRUE);
  g_assert_null (nd_secret_leaked (raw));
  g_assert_true (g_str_has_prefix (raw, "Incorrect API key provided: sk-u8jz***isAj."));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/log-other/consume", test_consume);
  g_test_add_func ("/log-other/error-login-audit", test_error_login_audit);
  g_test_add_func ("/log-other/damaged", test_damaged);
  g_test_add_func ("/log-other/masked", test_masked);
  return g_test_run ();
}
