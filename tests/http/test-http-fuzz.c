/* test-http-fuzz.c — every call of NdHttpSource against damaged replies
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A fault hook in the fake NewAPI damages one reply of each call (which
 * one is drawn): cut short, HTML, empty, null, a bare array, 100 000
 * levels deep, a value of another type, a number no NewAPI holds, a null
 * or a deep list in place of a value, a member removed, bytes flipped.
 * Every call must end without a crash, either with a result or with a
 * clear ND_ERROR. Seeded (ND_FUZZ_SEED, default 1) and bounded in time
 * (one round of every call × mutation, then ND_FUZZ_SECONDS of random
 * draws per dialect, default 3).
 */
#include "config.h"

#include <string.h>

#include "facts/nd-facts.h"
#include "nd-http-fx.h"

typedef enum {
  MUT_TRUNCATE,
  MUT_HTML,
  MUT_EMPTY,
  MUT_NULL,
  MUT_BARE_ARRAY,
  MUT_DEEP,
  MUT_WRONG_TYPE,
  MUT_BAD_NUMBER,
  MUT_NULL_VALUE,
  MUT_DEEP_VALUE,
  MUT_DROP_MEMBER,
  MUT_FLIP_BYTES,
  N_MUTATIONS
} Mutation;

static const char * const mutation_names[] = {
  "truncate", "html", "empty", "null", "bare-array", "deep", "wrong-type", "bad-number",
  "null-value", "deep-value", "drop-member", "flip-bytes",
};

typedef struct {
  GRand *rand;
  Mutation mutation;
  guint target;                /* which reply of the call to damage */
  guint seen;                  /* replies so far */
  char *damaged;               /* the path damaged in this call, NULL if none */
  GHashTable *paths;           /* paths whose replies were damaged */
} Fuzz;

#define DEEP_MARK "\"@@deep@@\""
#define BIG_MARK "\"@@big@@\""

static char *
deep_text (guint levels)
{
  char *s = g_malloc (2 * levels + 2);

  memset (s, '[', levels);
  s[levels] = '1';
  memset (s + levels + 1, ']', levels);
  s[2 * levels + 1] = '\0';
  return s;
}

static void
collect_nodes (JsonNode *node, GPtrArray *values, GPtrArray *objects)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *obj = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (obj);

      g_ptr_array_add (objects, node);
      for (GList *l = members; l; l = l->next)
        collect_nodes (json_object_get_member (obj, l->data), values, objects);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        collect_nodes (json_array_get_element (array, i), values, objects);
    }
  else
    g_ptr_array_add (values, node);
}

typedef struct {
  Fuzz *fz;
  JsonNode *target;            /* replaced, or (drop) the object losing a member */
  const char *drop;            /* the member to leave out */
} Edit;

static void
add_replacement (JsonBuilder *b, Edit *e, JsonNode *node)
{
  switch (e->fz->mutation)
    {
    case MUT_WRONG_TYPE:
      switch (g_rand_int_range (e->fz->rand, 0, 4))
        {
        case 0:
          json_builder_begin_object (b);
          json_builder_end_object (b);
          break;
        case 1:
          json_builder_begin_array (b);
          json_builder_end_array (b);
          break;
        case 2:
          json_builder_add_boolean_value (b, TRUE);
          break;
        default:
          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            json_builder_add_int_value (b, 7);
          else
            json_builder_add_string_value (b, "not a number");
          break;
        }
      break;
    case MUT_BAD_NUMBER:
      switch (g_rand_int_range (e->fz->rand, 0, 6))
        {
        case 0: json_builder_add_int_value (b, G_MAXINT64); break;
        case 1: json_builder_add_int_value (b, -G_MAXINT64); break;
        case 2: json_builder_add_double_value (b, 1e300); break;
        case 3: json_builder_add_int_value (b, -1); break;
        case 4: json_builder_add_double_value (b, 4.5); break;
        default: json_builder_add_string_value (b, "@@big@@"); break;
        }
      break;
    case MUT_NULL_VALUE:
      json_builder_add_null_value (b);
      break;
    case MUT_DEEP_VALUE:
    default:
      json_builder_add_string_value (b, "@@deep@@");
      break;
    }
}

/* json-glib cannot turn a value node into an object in place: the tree is
 * copied with the edit made on the way. */
static void
copy_edited (JsonBuilder *b, JsonNode *node, Edit *e)
{
  if (node == e->target && e->drop == NULL)
    return add_replacement (b, e, node);
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *obj = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (obj);

      json_builder_begin_object (b);
      for (GList *l = members; l; l = l->next)
        {
          if (node == e->target && g_str_equal (l->data, e->drop))
            continue;
          json_builder_set_member_name (b, l->data);
          copy_edited (b, json_object_get_member (obj, l->data), e);
        }
      json_builder_end_object (b);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      json_builder_begin_array (b);
      for (guint i = 0; i < json_array_get_length (array); i++)
        copy_edited (b, json_array_get_element (array, i), e);
      json_builder_end_array (b);
    }
  else
    json_builder_add_value (b, json_node_copy (node));
}

static char *
replace_mark (char *text, const char *mark, const char *with)
{
  g_auto(GStrv) parts = NULL;

  if (strstr (text, mark) == NULL)
    return text;
  parts = g_strsplit (text, mark, 2);
  g_free (text);
  return g_strconcat (parts[0], with, parts[1], NULL);
}

/* A damaged copy of a JSON body, reaching inside it. */
static char *
mutate_tree (Fuzz *fz, const char *text, gsize len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GList) members = NULL;
  g_autofree char *deep = NULL;
  Edit e = { fz, NULL, NULL };
  char *out;

  if (!json_parser_load_from_data (parser, text, len, NULL))
    return NULL;
  collect_nodes (json_parser_get_root (parser), values, objects);
  if (fz->mutation == MUT_DROP_MEMBER)
    {
      if (objects->len == 0)
        return NULL;
      e.target = g_ptr_array_index (objects, g_rand_int_range (fz->rand, 0, objects->len));
      members = json_object_get_members (json_node_get_object (e.target));
      if (members == NULL)
        return NULL;
      e.drop = g_list_nth_data (members, g_rand_int_range (fz->rand, 0, g_list_length (members)));
    }
  else
    {
      if (values->len == 0)
        return NULL;
      e.target = g_ptr_array_index (values, g_rand_int_range (fz->rand, 0, values->len));
    }
  copy_edited (b, json_parser_get_root (parser), &e);
  root = json_builder_get_root (b);
  out = json_to_string (root, FALSE);
  deep = deep_text (100000);
  out = replace_mark (out, DEEP_MARK, deep);
  return replace_mark (out, BIG_MARK, "18446744073709551617");
}

static GBytes *
mutate (const char *path, guint status, GBytes *body, gpointer user_data)
{
  Fuzz *fz = user_data;
  gsize len = 0;
  const char *text = g_bytes_get_data (body, &len);
  char *out = NULL;

  if (fz->seen++ != fz->target)
    return NULL;
  g_hash_table_add (fz->paths, g_strdup (path));
  g_free (fz->damaged);
  /* A reply refused by its status (an old server's 404 for an endpoint it
   * lacks) means that whatever its body says; only the damage of a 2xx
   * reply must show in the call's outcome. */
  fz->damaged = status >= 200 && status < 300 ? g_strdup (path) : NULL;
  switch (fz->mutation)
    {
    case MUT_TRUNCATE:
      out = g_strndup (text, len ? g_rand_int_range (fz->rand, 0, len) : 0);
      break;
    case MUT_HTML:
      out = g_strdup ("<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>");
      break;
    case MUT_EMPTY:
      out = g_strdup ("");
      break;
    case MUT_NULL:
      out = g_strdup ("null");
      break;
    case MUT_BARE_ARRAY:
      out = g_strdup (g_rand_boolean (fz->rand) ? "[]" : "[1, \"a\", null, {}]");
      break;
    case MUT_DEEP:
      out = deep_text (100000);
      break;
    case MUT_FLIP_BYTES:
      out = g_strndup (text, len);
      for (int i = 0; len > 0 && i < 4; i++)
        out[g_rand_int_range (fz->rand, 0, len)] = (char) g_rand_int_range (fz->rand, 1, 256);
      break;
    default:
      out = mutate_tree (fz, text, len);
      if (out == NULL)
        out = g_strdup ("{\"success\":true,\"message\":\"\",\"data\":{}}");
      break;
    }
  return g_bytes_new_take (out, strlen (out));
}

/* ---- the calls ---------------------------------------------------------- */

typedef GError *(*Call) (Fx *fx);

static GError *
wait_list (NdSource *s, GAsyncResult **res)
{
  g_autoptr(NdListPage) page = NULL;
  GError *error = NULL;

  nd_test_wait (res);
  page = nd_source_list_finish (s, *res, &error);
  return error;
}

#define LIST_CALL(name, fn) \
  static GError *name (Fx *fx) \
  { \
    g_autoptr(GAsyncResult) res = NULL; \
    NdListQuery q = { .limit = 30 }; \
    fn (fx->source, &q, NULL, nd_test_store_result, &res); \
    return wait_list (fx->source, &res); \
  }

LIST_CALL (call_users, nd_source_list_users_async)
LIST_CALL (call_tokens, nd_source_list_tokens_async)
LIST_CALL (call_redemptions, nd_source_list_redemptions_async)
LIST_CALL (call_models, nd_source_list_models_async)

static GError *
call_probe (Fx *fx)
{
  g_autoptr(NdSource) s = nd_http_source_new (nd_fake_newapi_get_url (fx->fake), fx->admin_id,
                                              fx->token, TRUE);
  g_autoptr(NdServerInfo) info = NULL;
  GError *error = NULL;

  info = probe (s, &error);
  return error;
}

static GError *
call_channels (Fx *fx)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GPtrArray) channels = NULL;
  GError *error = NULL;

  nd_source_list_channels_async (fx->source, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  channels = nd_source_list_channels_finish (fx->source, res, &error);
  return error;
}

/* One channel in detail: the multi-key one (a second request for its
 * keys where the server has it). */
static GError *
call_channel (Fx *fx)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdChannel) channel = NULL;
  gint64 id = sql_scalar (fx, "SELECT min (id) FROM channels WHERE channel_info::text LIKE "
                              "'%%\"is_multi_key\":true%%'");
  GError *error = NULL;

  nd_source_get_channel_async (fx->source, id, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  channel = nd_source_get_channel_finish (fx->source, res, &error);
  return error;
}

static GError *
call_fetch_models (Fx *fx)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_auto(GStrv) models = NULL;
  GError *error = NULL;

  nd_source_fetch_models_async (fx->source, 1, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  models = nd_source_fetch_models_finish (fx->source, res, &error);
  return error;
}

static GError *
strv_call (Fx *fx, NdSuggestKind kind, gboolean groups)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_auto(GStrv) names = NULL;
  GError *error = NULL;

  if (groups)
    nd_source_list_groups_async (fx->source, NULL, nd_test_store_result, &res);
  else
    nd_source_suggest_async (fx->source, kind, "r", 10, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  names = nd_source_strv_finish (fx->source, res, &error);
  return error;
}

static GError *call_groups (Fx *fx) { return strv_call (fx, 0, TRUE); }
static GError *call_suggest_user (Fx *fx) { return strv_call (fx, ND_SUGGEST_USERNAME, FALSE); }
static GError *call_suggest_model (Fx *fx) { return strv_call (fx, ND_SUGGEST_MODEL, FALSE); }

static NdLogQuery *
recent (Fx *fx)
{
  NdLogQuery *q = nd_log_query_new ();

  q->from = sql_scalar (fx, "SELECT max(created_at) FROM logs") - 86400;
  return q;
}

static GError *
call_logs (Fx *fx)
{
  g_autoptr(NdLogQuery) q = recent (fx);
  g_autoptr(NdLogPage) page = NULL;
  NdLogCursor after = { q->from + 43200, G_MAXINT64 };
  GError *error = NULL;

  page = query_logs (fx->source, q, &after, 150, &error);
  return error;
}

static GError *
call_logs_filtered (Fx *fx)
{
  g_autoptr(NdLogQuery) q = recent (fx);
  g_autoptr(NdLogPage) page = NULL;
  GError *error = NULL;

  q->user_id = 1;
  q->token_id = sql_scalar (fx, "SELECT max(token_id) FROM logs WHERE user_id = 1");
  nd_log_query_add_channel (q, 1);
  nd_log_query_add_channel (q, 2);
  page = query_logs (fx->source, q, NULL, 50, &error);
  return error;
}

static GError *
call_tail (Fx *fx)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdLogPage) page = NULL;
  GError *error = NULL;

  nd_source_tail_logs_async (fx->source, NULL, sql_scalar (fx, "SELECT max(id) - 150 FROM logs"),
                             100, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  page = nd_source_tail_logs_finish (fx->source, res, &error);
  return error;
}

static GError *
call_estimate (Fx *fx)
{
  g_autoptr(NdLogQuery) q = recent (fx);
  g_autoptr(GAsyncResult) res = NULL;
  NdLogEstimate est;
  GError *error = NULL;

  nd_source_estimate_logs_async (fx->source, q, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  nd_source_estimate_logs_finish (fx->source, res, &est, &error);
  return error;
}

static GError *
call_totals (Fx *fx)
{
  g_autoptr(NdLogQuery) q = recent (fx);
  g_autoptr(GAsyncResult) res = NULL;
  NdLogTotals tot;
  GError *error = NULL;

  nd_source_log_totals_async (fx->source, q, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  nd_source_log_totals_finish (fx->source, res, &tot, &error);
  return error;
}

static gboolean
drop_batch (GPtrArray *rows, gpointer user_data, GError **error)
{
  return TRUE;
}

static GError *
call_export (Fx *fx)
{
  g_autoptr(NdLogQuery) q = recent (fx);
  g_autoptr(GAsyncResult) res = NULL;
  GError *error = NULL;

  nd_source_export_logs_async (fx->source, q, drop_batch, NULL, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  nd_source_export_logs_finish (fx->source, res, &error);
  return error;
}

static GError *
call_facts (Fx *fx)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdFactsBatch) batch = NULL;
  /* Two day slices (slice mode, nd-facts-types.h): one /api/data/ and the
   * flow and error-log calls of each day. */
  NdFactsSlice days[2] = {
    { .start = ND_TEST_NOW - 2 * 86400, .end = ND_TEST_NOW - 86400 },
    { .start = ND_TEST_NOW - 86400, .end = ND_TEST_NOW },
  };
  NdFactsRequest req = { .want_names = TRUE, .slices = days, .n_slices = 2 };
  GError *error = NULL;

  nd_source_pull_facts_async (fx->source, &req, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  batch = nd_source_pull_facts_finish (fx->source, res, &error);
  return error;
}

static const struct {
  const char *name;
  Call call;
} calls[] = {
  { "probe", call_probe },
  { "channels", call_channels },
  { "channel", call_channel },
  { "fetch-models", call_fetch_models },
  { "users", call_users },
  { "tokens", call_tokens },
  { "redemptions", call_redemptions },
  { "models", call_models },
  { "groups", call_groups },
  { "suggest-user", call_suggest_user },
  { "suggest-model", call_suggest_model },
  { "logs", call_logs },
  { "logs-filtered", call_logs_filtered },
  { "tail", call_tail },
  { "estimate", call_estimate },
  { "totals", call_totals },
  { "export", call_export },
  { "facts", call_facts },
};

/* What a person may be shown: the project's own error, in words, never
 * another part blamed for the server's damage. */
static void
assert_clear_error (const GError *error, const char *what)
{
  static const int allowed[] = {
    ND_ERROR_PROTOCOL, ND_ERROR_SERVER, ND_ERROR_AUTH, ND_ERROR_PERMISSION, ND_ERROR_NOT_FOUND,
    ND_ERROR_UNSUPPORTED,
  };
  gboolean ok = FALSE;

  if (error->domain != ND_ERROR)
    g_error ("%s: not an ND_ERROR: %s %d “%s”", what, g_quark_to_string (error->domain),
             error->code, error->message);
  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    ok |= error->code == allowed[i];
  if (!ok || error->message == NULL || *error->message == '\0' ||
      !g_utf8_validate (error->message, -1, NULL) || strstr (error->message, "facts store") != NULL)
    g_error ("%s: unclear error %d “%s”", what, error->code, error->message);
}

/* Damage no reply survives: nothing a call could have read from it. */
static gboolean
must_fail (Mutation m)
{
  return m == MUT_HTML || m == MUT_EMPTY || m == MUT_NULL || m == MUT_DEEP;
}

static void
test_fuzz (gconstpointer data)
{
  FX (data);
  const char *seed_env = g_getenv ("ND_FUZZ_SEED");
  const char *seconds_env = g_getenv ("ND_FUZZ_SECONDS");
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : 1;
  gint64 budget = (seconds_env ? g_ascii_strtoll (seconds_env, NULL, 10) : 3) * G_USEC_PER_SEC;
  gint64 end = 0;
  Fuzz fz = { 0 };
  guint runs = 0, failed = 0;
  guint per_call[G_N_ELEMENTS (calls)] = { 0 };

  fz.rand = g_rand_new_with_seed (seed);
  fz.paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  nd_fake_newapi_set_mutator (fx.fake, mutate, &fz);
  /* Every call goes through every mutation once before the draws start. */
  for (guint i = 0; ; i++)
    {
      if (i == G_N_ELEMENTS (calls) * N_MUTATIONS)
        end = g_get_monotonic_time () + budget;
      if (i >= G_N_ELEMENTS (calls) * N_MUTATIONS && g_get_monotonic_time () >= end)
        break;
      guint c = i < G_N_ELEMENTS (calls) * N_MUTATIONS ? i / N_MUTATIONS
                                                       : (guint) g_rand_int_range (fz.rand, 0, G_N_ELEMENTS (calls));
      g_autofree char *what = NULL;
      GError *error;

      fz.mutation = i < G_N_ELEMENTS (calls) * N_MUTATIONS ? i % N_MUTATIONS
                                                            : (Mutation) g_rand_int_range (fz.rand, 0, N_MUTATIONS);
      fz.target = g_rand_int_range (fz.rand, 0, 3);
      fz.seen = 0;
      what = g_strdup_printf ("seed %u run %u: %s, %s on reply %u", seed, runs, calls[c].name,
                              mutation_names[fz.mutation], fz.target);
      g_clear_pointer (&fz.damaged, g_free);
      error = calls[c].call (&fx);
      if (error != NULL)
        {
          assert_clear_error (error, what);
          failed++;
          g_error_free (error);
        }
      else if (fz.damaged != NULL && must_fail (fz.mutation) &&
               /* the probe does without /api/data/flow when it fails */
               !g_str_equal (fz.damaged, "/api/data/flow"))
        g_error ("%s: a reply with no data in it (%s) was taken", what, fz.damaged);
      per_call[c]++;
      runs++;
    }
  nd_fake_newapi_set_mutator (fx.fake, NULL, NULL);
  {
    g_autofree char **keys = (char **) g_hash_table_get_keys_as_array (fz.paths, NULL);
    g_autofree char *joined = g_strjoinv (" ", keys);

    g_test_message ("damaged: %s", joined);
  }
  g_test_message ("seed %u: %u calls, %u refused with a clear error, %u paths damaged", seed,
                  runs, failed, g_hash_table_size (fz.paths));
  for (guint c = 0; c < G_N_ELEMENTS (calls); c++)
    g_assert_cmpuint (per_call[c], >=, N_MUTATIONS);
  /* Every endpoint family was damaged at least once. */
  {
    static const char * const paths[] = {
      "/api/status", "/api/user/self", "/api/channel/", "/api/user/", "/api/user/search",
      "/api/token/", "/api/redemption/", "/api/pricing", "/api/group/", "/api/log/",
      "/api/log/stat", "/api/channel/fetch_models/1", NULL
    };
    GHashTableIter iter;
    gpointer path;
    gboolean any_data = FALSE;

    for (guint i = 0; paths[i]; i++)
      if (!g_hash_table_contains (fz.paths, paths[i]))
        g_error ("%s was never damaged", paths[i]);
    /* /api/data/ or /api/data/flow: the facts pull picks per server. */
    g_hash_table_iter_init (&iter, fz.paths);
    while (g_hash_table_iter_next (&iter, &path, NULL))
      any_data |= g_str_has_prefix (path, "/api/data/");
    g_assert_true (any_data);
  }
  g_hash_table_unref (fz.paths);
  g_free (fz.damaged);
  g_rand_free (fz.rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  nd_http_fx_add ("fuzz", test_fuzz);
  return g_test_run ();
}
