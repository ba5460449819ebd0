/* nd-http-source-channel.c — one channel in detail, and its health checks,
 * through NewAPI's admin API
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   get_channel     GET /api/channel/:id (never the key; NewAPI strips the
 *                   per-key reasons), then for a multi-key channel
 *                   POST /api/channel/multi_key/manage {action:
 *                   get_key_status} for each key's status, reason, time and
 *                   preview, where the server has it
 *   test_channel    GET /api/channel/test/:id?model= → top-level {success,
 *                   message, time (s), error_code?}; NewAPI records
 *                   response_time/test_time of a success and writes a
 *                   consume log "模型测试"
 *   update_balance  GET /api/channel/update_balance/:id → top-level balance
 *                   (or raw_response); NewAPI stores it
 *   fetch_models    GET /api/channel/fetch_models/:id → the upstream's ids
 *
 * Testing and reading a balance change what NewAPI stores, so a read-only
 * profile refuses them before sending; fetching models only reads.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-http-source-private.h"
#include "nd-records-json.h"
#include "nd-secure-string.h"
#include "nd-time.h"

#define KEY_PAGE_SIZE 100
#define MAX_KEY_PAGES 100

static NdHttpClient *
task_client (GTask *task)
{
  return nd_http_source_get_client (ND_HTTP_SOURCE (g_task_get_source_object (task)));
}

/* ---- get_channel -------------------------------------------------------- */

typedef struct {
  gint64 id;
  NdChannel *channel;
  GPtrArray *keys;             /* (element-type NdChannelKey) from get_key_status */
  int page;
} ChannelJob;

static void
channel_job_free (ChannelJob *job)
{
  g_clear_pointer (&job->channel, nd_channel_free);
  g_clear_pointer (&job->keys, g_ptr_array_unref);
  g_free (job);
}

/* NewAPI previews a key by its first 10 characters and "...", or shows a
 * key of 10 or fewer whole: keep 4 of them, as keys are masked elsewhere. */
static char *
mask_preview (const char *preview)
{
  g_autofree char *head = NULL;

  if (preview == NULL || !g_str_has_suffix (preview, "...") || g_utf8_strlen (preview, -1) < 8)
    return g_strdup ("***");
  head = g_utf8_substring (preview, 0, 4);
  return g_strconcat (head, "***", NULL);
}

static void key_status_next (GTask *task);

static void
key_status_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ChannelJob *job = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;
  JsonObject *obj;
  JsonNode *keys;
  gint64 pages;

  data = nd_http_client_request_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL && g_error_matches (error, ND_ERROR, ND_ERROR_NOT_FOUND) &&
      strstr (error->message, "/api/channel/multi_key/manage") != NULL)
    {
      /* A server without per-key management: channel_info's statuses. */
      g_clear_error (&error);
      return g_task_return_pointer (task, g_steal_pointer (&job->channel),
                                    (GDestroyNotify) nd_channel_free);
    }
  if (data == NULL)
    return g_task_return_error (task, error);
  if (!JSON_NODE_HOLDS_OBJECT (data) ||
      (keys = json_object_get_member (json_node_get_object (data), "keys")) == NULL ||
      !(JSON_NODE_HOLDS_ARRAY (keys) || JSON_NODE_HOLDS_NULL (keys)))
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PROTOCOL,
                                    _("NewAPI sent no key list for channel #%" PRId64),
                                    job->id);
  obj = json_node_get_object (data);
  for (guint i = 0; JSON_NODE_HOLDS_ARRAY (keys) && i < json_array_get_length (json_node_get_array (keys)); i++)
    {
      JsonObject *k = nd_http_item_object (json_node_get_array (keys), i, &error);
      NdChannelKey *key;
      g_autofree char *preview = NULL;

      if (k == NULL)
        return g_task_return_error (task, error);
      key = g_new0 (NdChannelKey, 1);
      key->index = (int) nd_json_read_int (k, "index", ND_JSON_COUNT, 0, &error);
      key->status = (int) nd_json_read_int (k, "status", ND_JSON_CODE, 1, &error);
      key->disabled_time = nd_json_read_int (k, "disabled_time", ND_JSON_TIME, 0, &error);
      key->reason = nd_json_read_str (k, "reason", &error);
      preview = nd_json_read_str (k, "key_preview", &error);
      key->preview = mask_preview (preview);
      nd_secure_wipe (preview);
      g_ptr_array_add (job->keys, key);
      if (error != NULL)
        return g_task_return_error (task, error);
    }
  pages = nd_json_read_int (obj, "total_pages", ND_JSON_COUNT, 1, &error);
  if (error != NULL)
    return g_task_return_error (task, error);
  if (job->page < pages && job->page < MAX_KEY_PAGES)
    {
      job->page++;
      return key_status_next (g_steal_pointer (&task));
    }
  g_clear_pointer (&job->channel->keys, g_ptr_array_unref);
  job->channel->keys = g_steal_pointer (&job->keys);
  g_task_return_pointer (task, g_steal_pointer (&job->channel), (GDestroyNotify) nd_channel_free);
}

static void
key_status_next (GTask *task)
{
  ChannelJob *job = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "channel_id");
  json_builder_add_int_value (b, job->id);
  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, "get_key_status");
  json_builder_set_member_name (b, "page");
  json_builder_add_int_value (b, job->page);
  json_builder_set_member_name (b, "page_size");
  json_builder_add_int_value (b, KEY_PAGE_SIZE);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  body = json_to_string (node, FALSE);
  nd_http_client_request_async (task_client (task), "POST", "/api/channel/multi_key/manage", NULL,
                                body, ND_HTTP_FLAG_NONE, g_task_get_cancellable (task),
                                key_status_done, task);
}

static void
channel_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ChannelJob *job = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL)
    return g_task_return_error (task, error);
  if (!JSON_NODE_HOLDS_OBJECT (data))
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PROTOCOL,
                                    _("NewAPI sent no channel for #%" PRId64), job->id);
  job->channel = nd_channel_read_json (json_node_get_object (data), NULL, &error);
  if (job->channel == NULL)
    return g_task_return_error (task, error);
  if (!job->channel->is_multi_key)
    return g_task_return_pointer (task, g_steal_pointer (&job->channel),
                                  (GDestroyNotify) nd_channel_free);
  job->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_channel_key_free);
  job->page = 1;
  key_status_next (g_steal_pointer (&task));
}

static void
http_get_channel_async (NdSource *source, gint64 id, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  ChannelJob *job = g_new0 (ChannelJob, 1);
  g_autofree char *path = g_strdup_printf ("/api/channel/%" G_GINT64_FORMAT, id);

  g_task_set_source_tag (task, http_get_channel_async);
  job->id = id;
  g_task_set_task_data (task, job, (GDestroyNotify) channel_job_free);
  nd_http_client_get_async (task_client (task), path, NULL, ND_HTTP_FLAG_NONE, cancellable,
                            channel_done, task);
}

/* ---- health checks ------------------------------------------------------ */

/* FALSE after failing @task: a read-only profile sends nothing that makes
 * NewAPI store something. */
static gboolean
check_records (GTask *task)
{
  GError *error = NULL;

  if (nd_source_check_writable (ND_SOURCE (g_task_get_source_object (task)), &error))
    return TRUE;
  if (error->code == ND_ERROR_READ_ONLY)
    g_prefix_error (&error, _("NewAPI stores the result of every test and balance it reads. "));
  g_task_return_error (task, error);
  g_object_unref (task);
  return FALSE;
}

/* A reply with success=false that is not a test result: NewAPI refused. */
static void
return_refusal (GTask *task, JsonNode *root)
{
  GError *error = NULL;
  g_autoptr(JsonNode) none = nd_http_interpret_envelope (root, &error);

  g_assert (none == NULL);
  g_task_return_error (task, error);
}

static gboolean
root_success (JsonObject *obj)
{
  JsonNode *success = json_object_get_member (obj, "success");

  return success != NULL && JSON_NODE_HOLDS_VALUE (success) &&
         json_node_get_value_type (success) == G_TYPE_BOOLEAN && json_node_get_boolean (success);
}

static void
test_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(NdChannelTest) test = NULL;
  g_autofree char *message = NULL;
  GError *error = NULL;
  JsonObject *obj;
  double seconds;

  root = nd_http_client_request_finish (ND_HTTP_CLIENT (object), result, &error);
  if (root == NULL)
    return g_task_return_error (task, error);
  obj = json_node_get_object (root);
  /* A failed test still says how long it took; a refusal (no such channel,
   * no permission) does not. */
  if (!root_success (obj) && !json_object_has_member (obj, "time"))
    return return_refusal (task, root);

  test = g_new0 (NdChannelTest, 1);
  test->ok = root_success (obj);
  test->model = g_strdup (g_task_get_task_data (task));
  seconds = nd_json_read_double (obj, "time", 0, 1e6, -1, &error);
  message = nd_json_read_str (obj, "message", &error);
  test->error_code = nd_json_read_str (obj, "error_code", &error);
  if (error != NULL)
    return g_task_return_error (task, error);
  /* NewAPI answers 0 for a test that never reached the upstream. */
  test->latency_ms = seconds > 0 || (test->ok && seconds == 0) ? (gint64) llround (seconds * 1000) : -1;
  if (!test->ok)
    test->message = nd_mask_text_dup (message && *message ? message : _("no reason given"));
  if (test->error_code != NULL && *test->error_code == '\0')
    g_clear_pointer (&test->error_code, g_free);
  test->recorded = test->ok;
  g_task_return_pointer (task, g_steal_pointer (&test), (GDestroyNotify) nd_channel_test_free);
}

static void
http_test_channel_async (NdSource *source, gint64 id, const char *model,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  g_autofree char *path = g_strdup_printf ("/api/channel/test/%" G_GINT64_FORMAT, id);
  g_autoptr(GString) q = g_string_new (NULL);

  g_task_set_source_tag (task, http_test_channel_async);
  g_task_set_task_data (task, g_strdup (model), g_free);
  if (!check_records (task))
    return;
  if (model != NULL && *model != '\0')
    nd_http_query_add (q, "model", model);
  nd_http_client_get_async (task_client (task), path, q->str, ND_HTTP_FLAG_ROOT, cancellable,
                            test_done, task);
}

static void
balance_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(NdChannelBalance) balance = NULL;
  g_autofree char *raw = NULL;
  GError *error = NULL;
  JsonObject *obj;

  root = nd_http_client_request_finish (ND_HTTP_CLIENT (object), result, &error);
  if (root == NULL)
    return g_task_return_error (task, error);
  obj = json_node_get_object (root);
  if (!root_success (obj))
    return return_refusal (task, root);
  balance = g_new0 (NdChannelBalance, 1);
  balance->updated_time = nd_time_now ();
  balance->recorded = TRUE;
  if (json_object_has_member (obj, "balance"))
    balance->balance = nd_json_read_double (obj, "balance", -(double) ND_JSON_MAX_AMOUNT,
                                            (double) ND_JSON_MAX_AMOUNT, 0, &error);
  else
    {
      balance->balance = NAN;
      raw = nd_json_read_str (obj, "raw_response", &error);
      balance->raw_response = raw ? nd_mask_text_dup (raw) : NULL;
    }
  if (error != NULL)
    return g_task_return_error (task, error);
  if (isnan (balance->balance) && balance->raw_response == NULL)
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PROTOCOL,
                                    _("NewAPI answered the balance query without a balance"));
  g_task_return_pointer (task, g_steal_pointer (&balance), (GDestroyNotify) nd_channel_balance_free);
}

static void
http_update_balance_async (NdSource *source, gint64 id, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  g_autofree char *path = g_strdup_printf ("/api/channel/update_balance/%" G_GINT64_FORMAT, id);

  g_task_set_source_tag (task, http_update_balance_async);
  if (!check_records (task))
    return;
  nd_http_client_get_async (task_client (task), path, NULL, ND_HTTP_FLAG_ROOT, cancellable,
                            balance_done, task);
}

static void
models_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  JsonArray *array;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL)
    return g_task_return_error (task, error);
  if (!JSON_NODE_HOLDS_ARRAY (data) && !JSON_NODE_HOLDS_NULL (data))
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PROTOCOL,
                                    _("NewAPI’s upstream model list is not a list"));
  array = JSON_NODE_HOLDS_ARRAY (data) ? json_node_get_array (data) : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PROTOCOL,
                                        _("The server sent an impossible model list: item %u "
                                          "is not a name"), i + 1);
      g_ptr_array_add (ids, g_strdup (json_node_get_string (node)));
    }
  g_ptr_array_add (ids, NULL);
  g_ptr_array_set_free_func (ids, NULL);
  g_task_return_pointer (task, g_ptr_array_free (g_steal_pointer (&ids), FALSE),
                         (GDestroyNotify) g_strfreev);
}

static void
http_fetch_models_async (NdSource *source, gint64 id, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  g_autofree char *path = g_strdup_printf ("/api/channel/fetch_models/%" G_GINT64_FORMAT, id);

  g_task_set_source_tag (task, http_fetch_models_async);
  nd_http_client_get_async (task_client (task), path, NULL, ND_HTTP_FLAG_NONE, cancellable,
                            models_done, task);
}

void
_nd_http_source_class_init_channel (NdSourceClass *klass)
{
  klass->get_channel_async = http_get_channel_async;
  klass->test_channel_async = http_test_channel_async;
  klass->update_balance_async = http_update_balance_async;
  klass->fetch_models_async = http_fetch_models_async;
}
