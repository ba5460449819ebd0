/* nd-upstream-plan.c — the requests NewAPI sends an upstream, and how it
 * reads the replies (reference §2.6a)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-json.h"
#include "nd-records.h"
#include "nd-upstream-plan.h"
#include "nd-write.h"

/* Anthropic's API version header, as NewAPI sends it. */
#define ANTHROPIC_VERSION "2023-06-01"
/* AZURE_DEFAULT_API_VERSION's default upstream. */
#define AZURE_DEFAULT_API_VERSION "2025-04-01-preview"
/* constant.AzureNoRemoveDotTime: Azure channels made before 2025-05-10 name
 * their deployments without the dots of the model ("gpt-35-turbo"). */
#define AZURE_NO_REMOVE_DOT_TIME G_GINT64_CONSTANT (1746835200)
/* Model chains longer than this are a loop in model_mapping. */
#define MAX_MAPPING_STEPS 10
/* How much of a reply that is not JSON an error message quotes. */
#define ERROR_SNIPPET_CHARS 200

NdUpstreamTarget *
nd_upstream_target_new (void)
{
  NdUpstreamTarget *t = g_new0 (NdUpstreamTarget, 1);

  t->price = 7.3;
  return t;
}

void
nd_upstream_target_free (NdUpstreamTarget *t)
{
  if (t == NULL)
    return;
  g_free (t->base_url);
  nd_secure_free (t->key);
  g_free (t->header_override);
  g_free (t->other);
  g_free (t->model_mapping);
  g_free (t->test_model);
  g_free (t->models);
  g_free (t->proxy);
  g_free (t);
}

void
nd_upstream_request_free (NdUpstreamRequest *r)
{
  if (r == NULL)
    return;
  g_free (r->url);
  g_clear_pointer (&r->headers, g_ptr_array_unref);
  nd_secure_free (r->body);
  g_free (r);
}

const char *
nd_upstream_request_header (const NdUpstreamRequest *r, const char *name)
{
  for (guint i = 0; i + 1 < r->headers->len; i += 2)
    if (g_ascii_strcasecmp (g_ptr_array_index (r->headers, i), name) == 0)
      return g_ptr_array_index (r->headers, i + 1);
  return NULL;
}

/* NULL, empty or only white space. */
static gboolean
blank (const char *s)
{
  for (; s != NULL && *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

/* Replaces *@slot with a copy of @value (GLib 2.74 has no g_set_str). */
static void
set_str (char **slot, const char *value)
{
  char *copy = g_strdup (value);

  g_free (*slot);
  *slot = copy;
}

static NdUpstreamRequest *
request_new (const char *method, char *url)
{
  NdUpstreamRequest *r = g_new0 (NdUpstreamRequest, 1);

  r->method = method;
  r->url = url;
  /* Values may hold the key: wiped, not just freed. */
  r->headers = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_secure_free);
  return r;
}

/* Sets @name (replacing one set before, whatever its case). Takes @value. */
static void
set_header (NdUpstreamRequest *r, const char *name, char *value)
{
  for (guint i = 0; i + 1 < r->headers->len; i += 2)
    if (g_ascii_strcasecmp (g_ptr_array_index (r->headers, i), name) == 0)
      {
        nd_secure_free (g_ptr_array_index (r->headers, i + 1));
        r->headers->pdata[i + 1] = value;
        return;
      }
  g_ptr_array_add (r->headers, g_strdup (name));
  g_ptr_array_add (r->headers, value);
}

/* ---- keys --------------------------------------------------------------- */

/* NewAPI's GetKeys: a JSON array (Vertex AI), else the lines of the key
 * with leading and trailing newlines trimmed (blank lines in between keep
 * their index). */
GPtrArray *
nd_upstream_split_keys (const char *key)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_secure_free);
  g_autofree char *trimmed = g_strstrip (g_strdup (key));
  gsize start = 0, end = strlen (key);

  if (trimmed[0] == '[')
    {
      g_autoptr(JsonNode) root = nd_json_parse_bounded (trimmed, -1, NULL);

      if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
        {
          JsonArray *arr = json_node_get_array (root);

          /* Strings are keys (NewAPI unquotes them); objects stay JSON
           * (Vertex AI service accounts). */
          for (guint i = 0; i < json_array_get_length (arr); i++)
            {
              JsonNode *k = json_array_get_element (arr, i);

              if (JSON_NODE_HOLDS_VALUE (k) && json_node_get_value_type (k) == G_TYPE_STRING)
                g_ptr_array_add (keys, g_strdup (json_node_get_string (k)));
              else
                g_ptr_array_add (keys, json_to_string (k, FALSE));
            }
          nd_secure_wipe (trimmed);
          return keys;
        }
    }
  nd_secure_wipe (trimmed);
  while (start < end && key[start] == '\n')
    start++;
  while (end > start && key[end - 1] == '\n')
    end--;
  for (gsize i = start; i <= end; i++)
    if (i == end || key[i] == '\n')
      {
        g_ptr_array_add (keys, g_strndup (key + start, i - start));
        start = i + 1;
      }
  return keys;
}

NdSecret *
nd_upstream_pick_key (const char *key, gboolean is_multi_key, const char *channel_info)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(JsonNode) info = NULL;
  JsonObject *statuses = NULL;

  if (key == NULL)
    return NULL;
  if (!is_multi_key)
    return g_strstrip (g_strdup (key));
  keys = nd_upstream_split_keys (key);
  if (channel_info != NULL)
    info = nd_json_parse_bounded (channel_info, -1, NULL);
  if (info != NULL && JSON_NODE_HOLDS_OBJECT (info))
    {
      JsonNode *list = json_object_get_member (json_node_get_object (info),
                                               "multi_key_status_list");

      if (list != NULL && JSON_NODE_HOLDS_OBJECT (list))
        statuses = json_node_get_object (list);
    }
  for (guint i = 0; i < keys->len; i++)
    {
      g_autofree char *index = g_strdup_printf ("%u", i);
      gint64 status = statuses != NULL ? nd_json_int (statuses, index, 1) : 1;
      const char *k = g_ptr_array_index (keys, i);

      if (status == 1 && *k != '\0')
        return g_strstrip (g_strdup (k));
    }
  return NULL;
}

/* ---- base URLs ---------------------------------------------------------- */

const char *
nd_upstream_default_base (int type)
{
  switch (type)
    {
    case 1: case 55: return "https://api.openai.com";
    case 4: return "http://localhost:11434";
    case 7: return "https://api.ohmygpt.com";
    case 14: return "https://api.anthropic.com";
    case 15: return "https://aip.baidubce.com";
    case 16: case 26: return "https://open.bigmodel.cn";
    case 17: return "https://dashscope.aliyuncs.com";
    case 20: return "https://openrouter.ai/api";
    case 23: return "https://hunyuan.tencentcloudapi.com";
    case 24: return "https://generativelanguage.googleapis.com";
    case 25: return "https://api.moonshot.cn";
    case 27: return "https://api.perplexity.ai";
    case 31: return "https://api.lingyiwanwu.com";
    case 34: return "https://api.cohere.ai";
    case 35: return "https://api.minimax.chat";
    case 37: return "https://api.dify.ai";
    case 38: return "https://api.jina.ai";
    case 39: return "https://api.cloudflare.com";
    case 40: return "https://api.siliconflow.cn";
    case 42: return "https://api.mistral.ai";
    case 43: return "https://api.deepseek.com";
    case 44: return "https://api.moka.ai";
    case 45: case 54: return "https://ark.cn-beijing.volces.com";
    case 46: return "https://qianfan.baidubce.com";
    case 48: return "https://api.x.ai";
    case 49: return "https://api.coze.cn";
    case 50: return "https://api.klingai.com";
    case 51: return "https://visual.volcengineapi.com";
    case 52: return "https://api.vidu.cn";
    case 53: return "https://llm.submodel.ai";
    case 56: return "https://api.replicate.com";
    case 57: return "https://chatgpt.com";
    default: return NULL;
    }
}

static gboolean
never_tested (int type)
{
  /* Midjourney, MidjourneyPlus, Suno, Kling, Jimeng, Vidu, DoubaoVideo:
   * NewAPI's channel test refuses them. */
  return type == 2 || type == 5 || type == 36 || type == 50 || type == 51 || type == 52 ||
         type == 54;
}

static gboolean
signed_key (int type)
{
  /* AWS signs its requests with an access key pair, Vertex AI with a
   * service account, Codex with an OAuth token: none is a bearer key, and
   * sending one as such to a base URL would hand it to whoever runs it. */
  return type == 33 || type == 41 || type == 57;
}

char *
nd_upstream_resolve_base (const NdUpstreamTarget *t, GError **error)
{
  const char *name = nd_channel_type_name (t->type);
  g_autofree char *base = NULL;
  g_autoptr(GUri) uri = NULL;
  gsize len;

  if (never_tested (t->type))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("%s channels cannot be tested: NewAPI does not test them either"), name);
      return NULL;
    }
  if (signed_key (t->type))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("%s channels sign their requests; NewAPI Desk cannot test them from the "
                     "database. Test them through NewAPI’s API."), name);
      return NULL;
    }
  if (t->base_url != NULL && *t->base_url != '\0')
    base = g_strstrip (g_strdup (t->base_url));
  else if (nd_upstream_default_base (t->type) != NULL)
    base = g_strdup (nd_upstream_default_base (t->type));
  else
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("This %s channel has no base URL, and the type has no default one: "
                     "there is nothing to test"), name);
      return NULL;
    }
  len = strlen (base);
  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';
  uri = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("The base URL “%s” is not an http(s) address (NewAPI’s plan names such as "
                     "glm-coding-plan are resolved inside NewAPI): test this channel through "
                     "NewAPI’s API"), base);
      return NULL;
    }
  if (t->key == NULL || *t->key == '\0')
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   t->is_multi_key ? _("Every key of this multi-key channel is disabled")
                                   : _("This channel has no key"));
      return NULL;
    }
  /* A header cannot carry it (several lines: a multi-key list in a channel
   * not marked multi-key). */
  for (const char *p = t->key; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      {
        g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                     _("This channel’s key has line breaks or control characters and cannot be "
                       "sent as one key"));
        return NULL;
      }
  return g_steal_pointer (&base);
}

/* ---- headers ------------------------------------------------------------ */

static gboolean
header_name_ok (const char *name)
{
  if (*name == '\0')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`|~", *p) == NULL)
      return FALSE;
  return TRUE;
}

static char *
replace_all (const char *text, const char *what, const char *with)
{
  g_auto(GStrv) parts = g_strsplit (text, what, -1);

  return g_strjoinv (with, parts);
}

/* The auth of the type, then header_override on top (its "{api_key}"
 * stands for the key, as upstream's overrides allow). */
static gboolean
add_auth (NdUpstreamRequest *r, const NdUpstreamTarget *t, gboolean azure_api_key,
          GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (t->type == 14)
    {
      set_header (r, "x-api-key", g_strdup (t->key));
      set_header (r, "anthropic-version", g_strdup (ANTHROPIC_VERSION));
    }
  else if (t->type == 24)
    set_header (r, "x-goog-api-key", g_strdup (t->key));
  else if (t->type == 3 && azure_api_key)
    set_header (r, "api-key", g_strdup (t->key));
  else
    set_header (r, "Authorization", g_strconcat ("Bearer ", t->key, NULL));

  if (blank (t->header_override))
    return TRUE;
  root = nd_json_parse_bounded (t->header_override, -1, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("The channel’s header override is not a JSON object"));
      return FALSE;
    }
  json_object_iter_init (&iter, json_node_get_object (root));
  while (json_object_iter_next (&iter, &name, &value))
    {
      const char *v;

      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        continue;
      v = json_node_get_string (value);
      if (!header_name_ok (name) || strpbrk (v, "\r\n") != NULL)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                       _("The channel’s header override has a header that cannot be sent: "
                         "“%s”"), name);
          return FALSE;
        }
      set_header (r, name, replace_all (v, "{api_key}", t->key));
    }
  return TRUE;
}

/* ---- model list --------------------------------------------------------- */

NdUpstreamRequest *
nd_upstream_models_request (const NdUpstreamTarget *t, const char *base, const char *page_token,
                            GError **error)
{
  g_autoptr(NdUpstreamRequest) r = NULL;
  const char *path;

  switch (t->type)
    {
    case 4: path = "/api/tags"; break;
    case 17: path = "/compatible-mode/v1/models"; break;
    case 24: path = "/v1beta/models"; break;
    case 26: path = "/api/paas/v4/models"; break;
    default: path = "/v1/models"; break;
    }
  if (t->type == 24 && page_token != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (page_token, NULL, FALSE);

      r = request_new ("GET", g_strconcat (base, path, "?pageToken=", escaped, NULL));
    }
  else
    r = request_new ("GET", g_strconcat (base, path, NULL));
  /* Azure lists its models with a bearer key too (§2.6a). */
  if (!add_auth (r, t, FALSE, error))
    return NULL;
  return g_steal_pointer (&r);
}

static JsonNode *
parse_reply (const char *body, gsize len, GError **error)
{
  JsonNode *root = nd_json_parse_bounded (body, (gssize) len, error);

  if (root == NULL)
    g_prefix_error (error, _("The upstream’s reply is not JSON. "));
  return root;
}

static gboolean
not_a_list (GError **error)
{
  g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
               _("The upstream’s answer is not a model list"));
  return FALSE;
}

gboolean
nd_upstream_parse_models (int type, const char *body, gsize len, GPtrArray *ids,
                          char **next_page, GError **error)
{
  g_autoptr(JsonNode) root = parse_reply (body, len, error);
  const char *list = type == 24 || type == 4 ? "models" : "data";
  const char *member = type == 24 || type == 4 ? "name" : "id";
  JsonObject *obj;
  JsonNode *arr;

  *next_page = NULL;
  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return not_a_list (error);
  obj = json_node_get_object (root);
  arr = json_object_get_member (obj, list);
  if (arr == NULL || JSON_NODE_HOLDS_NULL (arr))
    {
      /* Gemini leaves "models" out of an empty last page. */
      if (type == 24)
        return TRUE;
      return not_a_list (error);
    }
  if (!JSON_NODE_HOLDS_ARRAY (arr))
    return not_a_list (error);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (arr)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (arr), i);
      char *id;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        return not_a_list (error);
      id = nd_json_strdup (json_node_get_object (item), member);
      if (id == NULL)
        return not_a_list (error);
      if (type == 24 && g_str_has_prefix (id, "models/"))
        memmove (id, id + strlen ("models/"), strlen (id) - strlen ("models/") + 1);
      g_ptr_array_add (ids, id);
    }
  if (type == 24)
    {
      g_autofree char *token = nd_json_strdup (obj, "nextPageToken");

      if (token != NULL && *token != '\0')
        *next_page = g_steal_pointer (&token);
    }
  return TRUE;
}

/* ---- chat test ---------------------------------------------------------- */

char *
nd_upstream_test_model (const NdUpstreamTarget *t, const char *model)
{
  g_auto(GStrv) models = NULL;
  char *chosen;

  if (!blank (model))
    return g_strstrip (g_strdup (model));
  if (!blank (t->test_model))
    return g_strstrip (g_strdup (t->test_model));
  models = nd_split_commas (t->models);
  chosen = g_strstrip (g_strdup (models[0] ? models[0] : ""));
  if (*chosen != '\0')
    return chosen;
  g_free (chosen);
  return g_strdup ("gpt-4o-mini");
}

char *
nd_upstream_map_model (const NdUpstreamTarget *t, const char *model)
{
  g_autoptr(JsonNode) mapping = NULL;
  char *chosen = g_strdup (model);

  if (!blank (t->model_mapping))
    mapping = nd_json_parse_bounded (t->model_mapping, -1, NULL);
  if (mapping == NULL || !JSON_NODE_HOLDS_OBJECT (mapping))
    return chosen;
  /* Chains (a → b → c) are followed; a loop stops after a few steps. */
  for (int step = 0; step < MAX_MAPPING_STEPS; step++)
    {
      g_autofree char *next = nd_json_strdup (json_node_get_object (mapping), chosen);

      if (next == NULL || *next == '\0' || g_str_equal (next, chosen))
        break;
      set_str (&chosen, next);
    }
  return chosen;
}

/* The OpenAI-compatible chat path of each type NewAPI relays that way. */
static const char *
chat_path (int type)
{
  switch (type)
    {
    case 1: case 4: case 7: case 8: case 20: case 25: case 31: case 40: case 42:
    case 43: case 47: case 48: case 53: case 60:
      return "/v1/chat/completions";
    case 17: return "/compatible-mode/v1/chat/completions";
    case 26: return "/api/paas/v4/chat/completions";
    case 27: return "/chat/completions";
    case 45: return "/api/v3/chat/completions";
    case 46: return "/v2/chat/completions";
    default: return NULL;
    }
}

/* NewAPI's buildTestRequest asks for 16 tokens, but for more from models
 * that think before they answer (Gemini 3000, other "thinking" ones 50). */
static gint64
max_tokens_for (const char *model)
{
  if (strstr (model, "gemini") != NULL)
    return 3000;
  if (strstr (model, "thinking") != NULL && strstr (model, "claude") == NULL)
    return 50;
  return 16;
}

/* OpenAI's reasoning models refuse max_tokens: NewAPI sends
 * max_completion_tokens to o1/o3/o4… and, on OpenAI and Azure, gpt-5. */
static gboolean
wants_completion_tokens (int type, const char *model)
{
  if (model[0] == 'o' && g_ascii_isdigit (model[1]))
    return TRUE;
  return (type == 1 || type == 3) && g_str_has_prefix (model, "gpt-5");
}

static char *
chat_body (const NdUpstreamTarget *t, const char *model)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  if (t->type == 24)
    {
      json_builder_set_member_name (b, "contents");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, "user");
      json_builder_set_member_name (b, "parts");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, "hi");
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "generationConfig");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "maxOutputTokens");
      json_builder_add_int_value (b, max_tokens_for (model));
      json_builder_end_object (b);
    }
  else
    {
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, model);
      json_builder_set_member_name (b, "messages");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, "user");
      json_builder_set_member_name (b, "content");
      json_builder_add_string_value (b, "hi");
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_set_member_name (b, t->type != 14 && wants_completion_tokens (t->type, model)
                                       ? "max_completion_tokens" : "max_tokens");
      json_builder_add_int_value (b, max_tokens_for (model));
      json_builder_set_member_name (b, "stream");
      json_builder_add_boolean_value (b, FALSE);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

NdUpstreamRequest *
nd_upstream_chat_request (const NdUpstreamTarget *t, const char *base, const char *model,
                          GError **error)
{
  g_autoptr(NdUpstreamRequest) r = NULL;
  g_autofree char *escaped = g_uri_escape_string (model, NULL, FALSE);

  if (t->type == 14)
    r = request_new ("POST", g_strconcat (base, "/v1/messages", NULL));
  else if (t->type == 24)
    r = request_new ("POST", g_strconcat (base, "/v1beta/models/", escaped, ":generateContent",
                                          NULL));
  else if (t->type == 3)
    {
      g_autofree char *version = g_strstrip (g_strdup (t->other ? t->other : ""));
      g_autofree char *v_escaped = NULL;
      g_autofree char *deployment = g_strdup (model);

      if (*version == '\0')
        set_str (&version, AZURE_DEFAULT_API_VERSION);
      if (t->created_time < AZURE_NO_REMOVE_DOT_TIME)
        {
          g_autofree char *undotted = replace_all (deployment, ".", "");

          set_str (&deployment, undotted);
        }
      g_free (escaped);
      escaped = g_uri_escape_string (deployment, NULL, FALSE);
      v_escaped = g_uri_escape_string (version, NULL, FALSE);
      r = request_new ("POST", g_strconcat (base, "/openai/deployments/", escaped,
                                            "/chat/completions?api-version=", v_escaped, NULL));
    }
  else if (chat_path (t->type) != NULL)
    r = request_new ("POST", g_strconcat (base, chat_path (t->type), NULL));
  else
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("NewAPI Desk cannot send a test chat to a %s channel from the database "
                     "(its API is not OpenAI’s, Anthropic’s or Gemini’s): leave the model out "
                     "to test its model list, or test it through NewAPI’s API"),
                   nd_channel_type_name (t->type));
      return NULL;
    }
  set_header (r, "Content-Type", g_strdup ("application/json"));
  if (!add_auth (r, t, TRUE, error))
    return NULL;
  r->body = chat_body (t, model);
  return g_steal_pointer (&r);
}

/* detectErrorMessageFromJSONBytes: error.message, error.error.message, a
 * string error, else the error's JSON; NULL when there is no error. */
static char *
json_error_message (JsonObject *obj)
{
  JsonNode *err = json_object_get_member (obj, "error");

  if (err == NULL || JSON_NODE_HOLDS_NULL (err))
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (err))
    {
      JsonObject *e = json_node_get_object (err);
      g_autofree char *m = nd_json_strdup (e, "message");
      JsonNode *inner = json_object_get_member (e, "error");

      if (!blank (m))
        return g_strstrip (g_steal_pointer (&m));
      if (inner != NULL && JSON_NODE_HOLDS_OBJECT (inner))
        {
          g_autofree char *im = nd_json_strdup (json_node_get_object (inner), "message");

          if (!blank (im))
            return g_strstrip (g_steal_pointer (&im));
        }
    }
  if (JSON_NODE_HOLDS_VALUE (err) && json_node_get_value_type (err) == G_TYPE_STRING &&
      *json_node_get_string (err) != '\0')
    return g_strstrip (g_strdup (json_node_get_string (err)));
  return json_to_string (err, FALSE);
}

gboolean
nd_upstream_check_chat (int type, const char *body, gsize len, const char *key, char **why)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *message = NULL;
  JsonNode *usage;

  *why = NULL;
  root = nd_json_parse_bounded (body, (gssize) len, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      *why = g_strdup (_("The upstream answered 200 with something that is not a JSON object"));
      return FALSE;
    }
  message = json_error_message (json_node_get_object (root));
  if (message != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("upstream error: %s"), message);

      *why = nd_upstream_scrub (text, key);
      return FALSE;
    }
  usage = json_object_get_member (json_node_get_object (root),
                                  type == 24 ? "usageMetadata" : "usage");
  if (usage == NULL || !JSON_NODE_HOLDS_OBJECT (usage))
    {
      *why = g_strdup (_("The upstream answered without token usage (NewAPI counts that as a "
                         "failure: usage is nil)"));
      return FALSE;
    }
  return TRUE;
}

/* ---- errors ------------------------------------------------------------- */

char *
nd_upstream_scrub (const char *text, const char *key)
{
  g_autofree char *plain = NULL;

  if (text == NULL)
    return NULL;
  if (key != NULL && strlen (key) >= 4 && strstr (text, key) != NULL)
    {
      g_autofree char *masked = nd_mask_secret (key);

      plain = replace_all (text, key, masked);
    }
  else
    plain = g_strdup (text);
  return nd_mask_text_dup (plain);
}

char *
nd_upstream_error_text (guint status, const char *body, gsize len, const char *key)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *message = NULL;
  g_autofree char *text = NULL;

  if (body != NULL && len > 0)
    root = nd_json_parse_bounded (body, (gssize) len, NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *obj = json_node_get_object (root);

      message = json_error_message (obj);
      if (message == NULL)
        message = nd_json_strdup (obj, "message");
      if (message == NULL)
        message = nd_json_strdup (obj, "msg");
    }
  if (message == NULL && body != NULL && len > 0)
    {
      g_autofree char *valid = g_utf8_make_valid (body, (gssize) len);

      message = g_utf8_substring (valid, 0, MIN (g_utf8_strlen (valid, -1), ERROR_SNIPPET_CHARS));
      g_strstrip (message);
    }
  if (message == NULL || *message == '\0')
    text = g_strdup_printf ("status_code=%u", status);
  else
    text = g_strdup_printf ("status_code=%u, %s", status, message);
  return nd_upstream_scrub (text, key);
}
