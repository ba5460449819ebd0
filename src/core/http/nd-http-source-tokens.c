/* nd-http-source-tokens.c — tokens and redemption codes through NewAPI's API
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tokens (reference §3.5) are self-scoped: the connected account makes,
 * edits, enables and deletes only its own, and NewAPI audits none of it.
 *   create   POST /api/token/ (no id, no key in the reply): the newest
 *            token of that name is then found in GET /api/token/ and its
 *            key read — POST /api/token/:id/key from v0.11.4, before
 *            that from the list itself, which carried full keys
 *   edit     GET /api/token/:id, then PUT /api/token/ with the whole token
 *            (NewAPI overwrites every field) and the form's fields on top
 *   status   PUT /api/token/?status_only=true {id, status}, one by one
 *   delete   DELETE /api/token/:id, one by one
 * Codes (§3.9): POST /api/redemption/ {name, count, quota, expired_time}
 * answers the codes; PUT /api/redemption/ (with ?status_only=true for
 * enable and disable); DELETE /api/redemption/:id; DELETE
 * /api/redemption/invalid answers how many went.
 *
 * NewAPI's refusals reach the caller verbatim (nd-http-client.c); the one
 * v1.0.0-rc.6 and later give for codes before payment compliance is
 * confirmed gets a sentence saying where to confirm it. Keys and codes
 * read from a reply are copied once into NdWriteResult.secrets (or the
 * reveal's result) and wiped in the parsed reply.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-http-source-private.h"
#include "nd-secure-string.h"

/* The newest tokens: a new one is on NewAPI's first page (id desc). */
#define NEWEST_PAGE 100
#define KEY_PAGE 100
/* Reveal of codes: how many pages of 100 codes are read at most. */
#define MAX_KEY_PAGES 1000

typedef struct {
  NdWrite *write;              /* a deep copy: the caller's may be gone */
  NdWriteResult *result;
  guint next;                  /* one-by-one actions: the id being sent */
  gint64 new_id;               /* token create: the token found afterwards */
} TokJob;

static void
tok_job_free (TokJob *job)
{
  nd_write_free (job->write);
  g_clear_pointer (&job->result, nd_write_result_free);
  g_free (job);
}

static NdHttpSource *
task_source (GTask *task)
{
  return ND_HTTP_SOURCE (g_task_get_source_object (task));
}

static NdHttpClient *
task_client (GTask *task)
{
  return nd_http_source_get_client (task_source (task));
}

static const NdHttpDialect *
task_dialect (GTask *task)
{
  return _nd_http_source_get_dialect (task_source (task));
}

static void
finish_ok (GTask *task)
{
  TokJob *job = g_task_get_task_data (task);

  g_task_return_pointer (task, g_steal_pointer (&job->result),
                         (GDestroyNotify) nd_write_result_free);
}

/* A string node's text, copied; the node's own copy is wiped (it came from
 * a reply and would otherwise linger in freed memory). NULL for anything
 * but a non-empty string. */
static char *
take_secret (JsonNode *node)
{
  char *text;
  char *inside;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  inside = (char *) json_node_get_string (node);
  if (inside == NULL || *inside == '\0')
    return NULL;
  text = g_strdup (inside);
  nd_secure_wipe (inside);
  return text;
}

/* ---- bodies --------------------------------------------------------------- */

static char *
builder_text (JsonBuilder *b)
{
  g_autoptr(JsonNode) node = json_builder_get_root (b);

  return json_to_string (node, FALSE);
}

/* NewAPI's strings are never null. */
static const char *
text_or_empty (const char *text)
{
  return text != NULL ? text : "";
}

/* The token NewAPI's POST and PUT read: the form's fields over @current
 * (the token as the server has it; NULL for NewAPI's defaults). */
static char *
token_body (const NdTokenEdit *e, gint64 id, JsonObject *current)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  NdTokenField m = e->mask | (current == NULL ? ND_TOKEN_FIELD_NAME : 0);
  gint64 expires = current ? nd_json_int (current, "expired_time", -1) : -1;
  gint64 remain = current ? nd_json_int (current, "remain_quota", 0) : 0;
  g_autofree char *name = current ? nd_json_strdup (current, "name") : NULL;
  g_autofree char *limits = current ? nd_json_strdup (current, "model_limits") : NULL;
  g_autofree char *ips = current ? nd_json_strdup (current, "allow_ips") : NULL;
  g_autofree char *group = current ? nd_json_strdup (current, "group") : NULL;

  json_builder_begin_object (b);
  if (id > 0)
    nd_json_add_int (b, "id", id);
  nd_json_add_str (b, "name", text_or_empty (m & ND_TOKEN_FIELD_NAME ? e->name : name));
  nd_json_add_int (b, "expired_time", m & ND_TOKEN_FIELD_EXPIRED_TIME ? e->expired_time : expires);
  nd_json_add_int (b, "remain_quota", m & ND_TOKEN_FIELD_REMAIN_QUOTA ? e->remain_quota : remain);
  nd_json_add_bool (b, "unlimited_quota", m & ND_TOKEN_FIELD_UNLIMITED
               ? e->unlimited_quota : current != NULL && nd_json_bool (current, "unlimited_quota"));
  nd_json_add_bool (b, "model_limits_enabled", m & ND_TOKEN_FIELD_MODEL_LIMITS
               ? e->model_limits_enabled
               : current != NULL && nd_json_bool (current, "model_limits_enabled"));
  nd_json_add_str (b, "model_limits",
                   text_or_empty (m & ND_TOKEN_FIELD_MODEL_LIMITS ? e->model_limits : limits));
  nd_json_add_str (b, "allow_ips",
                   text_or_empty (m & ND_TOKEN_FIELD_ALLOW_IPS ? e->allow_ips : ips));
  nd_json_add_str (b, "group", text_or_empty (m & ND_TOKEN_FIELD_GROUP ? e->group : group));
  /* Kept as it is (only meaningful with group "auto"); auto_groups is not
   * sent, which NewAPI takes as "leave them". */
  nd_json_add_bool (b, "cross_group_retry", current != NULL &&
                                       nd_json_bool (current, "cross_group_retry"));
  json_builder_end_object (b);
  return builder_text (b);
}

static char *
status_body (gint64 id, int status)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  nd_json_add_int (b, "id", id);
  nd_json_add_int (b, "status", status);
  json_builder_end_object (b);
  return builder_text (b);
}

static char *
code_body (const NdRedemptionEdit *e, gint64 id)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  if (id > 0)
    nd_json_add_int (b, "id", id);
  nd_json_add_str (b, "name", text_or_empty (e->name));
  if (id == 0)
    nd_json_add_int (b, "count", e->count);
  nd_json_add_int (b, "quota", e->quota);
  nd_json_add_int (b, "expired_time", e->expired_time);
  json_builder_end_object (b);
  return builder_text (b);
}

/* ---- sending -------------------------------------------------------------- */

static void action_done (GObject *object, GAsyncResult *result, gpointer user_data);

/* Takes @path and @body. */
static void
send (GTask *task, const char *method, char *path, const char *query, char *body)
{
  nd_http_client_request_async (task_client (task), method, path, query, body, ND_HTTP_FLAG_NONE,
                                g_task_get_cancellable (task), action_done, task);
  g_free (path);
  g_free (body);
}

/* Sends the request for @job->next of the one-by-one actions. */
static void
send_next (GTask *task)
{
  TokJob *job = g_task_get_task_data (task);
  const NdWrite *w = job->write;
  gint64 id = g_array_index (w->ids, gint64, job->next);

  switch (w->kind)
    {
    case ND_WRITE_TOKEN_STATUS:
      send (task, "PUT", g_strdup ("/api/token/"), "status_only=true", status_body (id, w->status));
      return;
    case ND_WRITE_TOKEN_DELETE:
      send (task, "DELETE", g_strdup_printf ("/api/token/%" G_GINT64_FORMAT, id), NULL, NULL);
      return;
    case ND_WRITE_REDEMPTION_STATUS:
      send (task, "PUT", g_strdup ("/api/redemption/"), "status_only=true",
            status_body (id, w->status));
      return;
    case ND_WRITE_REDEMPTION_DELETE:
      send (task, "DELETE", g_strdup_printf ("/api/redemption/%" G_GINT64_FORMAT, id), NULL,
            NULL);
      return;
    default:
      g_assert_not_reached ();
    }
}

static void token_current_done (GObject *object, GAsyncResult *result, gpointer user_data);

static void
run_action (GTask *task)
{
  TokJob *job = g_task_get_task_data (task);
  const NdWrite *w = job->write;
  gint64 id = nd_write_first_id (w);

  switch (w->kind)
    {
    case ND_WRITE_TOKEN_CREATE:
      send (task, "POST", g_strdup ("/api/token/"), NULL, token_body (w->token, 0, NULL));
      return;
    case ND_WRITE_TOKEN_UPDATE:
      {
        g_autofree char *path = g_strdup_printf ("/api/token/%" G_GINT64_FORMAT, id);

        nd_http_client_get_async (task_client (task), path, NULL, ND_HTTP_FLAG_NONE,
                                  g_task_get_cancellable (task), token_current_done, task);
        return;
      }
    case ND_WRITE_REDEMPTION_CREATE:
      send (task, "POST", g_strdup ("/api/redemption/"), NULL, code_body (w->redemption, 0));
      return;
    case ND_WRITE_REDEMPTION_UPDATE:
      send (task, "PUT", g_strdup ("/api/redemption/"), NULL, code_body (w->redemption, id));
      return;
    case ND_WRITE_REDEMPTION_DELETE_INVALID:
      send (task, "DELETE", g_strdup ("/api/redemption/invalid"), NULL, NULL);
      return;
    default:
      send_next (task);
      return;
    }
}

static void
token_current_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  TokJob *job = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    {
      if (error == NULL)
        error = g_error_new (ND_ERROR, ND_ERROR_PROTOCOL, _("NewAPI sent no token for #%" PRId64),
                             nd_write_first_id (job->write));
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* Old servers send the key with the token: it is not needed, wipe it. */
  g_free (take_secret (json_object_get_member (json_node_get_object (data), "key")));
  send (task, "PUT", g_strdup ("/api/token/"), NULL,
        token_body (job->write->token, nd_write_first_id (job->write),
                    json_node_get_object (data)));
}

/* ---- a new token's id and key --------------------------------------------- */

static void
new_key_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TokJob *job = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GError) error = NULL;
  char *key = NULL;

  data = nd_http_client_request_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data != NULL && JSON_NODE_HOLDS_OBJECT (data))
    key = take_secret (json_object_get_member (json_node_get_object (data), "key"));
  if (key == NULL)
    {
      if (nd_error_is_cancelled (error))
        return g_task_return_error (task, g_steal_pointer (&error));
      job->result->notice =
        g_strdup_printf (_("The token was made, but its key could not be read (%s): reveal it "
                           "from the token list."),
                         error ? error->message : _("NewAPI sent none"));
      return finish_ok (task);
    }
  job->result->secrets = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (job->result->secrets, key);
  finish_ok (task);
}

static void
newest_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TokJob *job = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *items = NULL;
  gint64 total;
  char *key = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data != NULL && nd_http_page_items (data, &items, &total, &error))
    for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
      {
        JsonObject *obj = nd_http_item_object (items, i, NULL);
        g_autofree char *name = obj ? nd_json_strdup (obj, "name") : NULL;
        gint64 id = obj ? nd_json_int (obj, "id", 0) : 0;

        if (id > job->new_id && g_strcmp0 (name, job->write->token->name) == 0)
          {
            job->new_id = id;
            nd_secure_free (key);
            key = task_dialect (task)->token_key_api ? NULL
                  : take_secret (json_object_get_member (obj, "key"));
          }
      }
  if (job->new_id == 0)
    {
      if (nd_error_is_cancelled (error))
        return g_task_return_error (task, g_steal_pointer (&error));
      job->result->notice = g_strdup (_("The token was made, but NewAPI did not say which one it "
                                        "is: find it in the token list to see its key."));
      return finish_ok (task);
    }
  job->result->new_id = job->new_id;
  if (key != NULL)
    {
      job->result->secrets = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (job->result->secrets, key);
      return finish_ok (task);
    }
  {
    g_autofree char *path = g_strdup_printf ("/api/token/%" G_GINT64_FORMAT "/key", job->new_id);
    /* Read before the task is handed on: arguments have no order. */
    GCancellable *cancellable = g_task_get_cancellable (task);
    NdHttpClient *client = task_client (task);

    nd_http_client_request_async (client, "POST", path, NULL, NULL, ND_HTTP_FLAG_NONE,
                                  cancellable, new_key_done, g_steal_pointer (&task));
  }
}

static void
find_new_token (GTask *task)
{
  g_autoptr(GString) q = g_string_new (NULL);

  /* Before v0.8.8.0 the token list counts p from 0 and reads `size`. */
  if (task_dialect (task)->legacy_pages)
    {
      nd_http_query_add_int (q, "p", 0);
      nd_http_query_add_int (q, "size", NEWEST_PAGE);
    }
  else
    {
      nd_http_query_add_int (q, "p", 1);
      nd_http_query_add_int (q, "page_size", NEWEST_PAGE);
    }
  nd_http_client_get_async (task_client (task), "/api/token/", q->str, ND_HTTP_FLAG_NONE,
                            g_task_get_cancellable (task), newest_done, task);
}

/* ---- replies ------------------------------------------------------------ */

static gboolean
is_compliance_refusal (const GError *error)
{
  return g_error_matches (error, ND_ERROR, ND_ERROR_SERVER) &&
         (strstr (error->message, "合规") != NULL || strstr (error->message, "合規") != NULL ||
          strstr (error->message, "compliance") != NULL);
}

static void
action_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TokJob *job = g_task_get_task_data (task);
  const NdWrite *w = job->write;
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;

  data = nd_http_client_request_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL)
    {
      if (job->next > 0)
        g_prefix_error (&error, _("%u of %u were changed before this one failed. "), job->next,
                        w->ids->len);
      if (w->kind == ND_WRITE_REDEMPTION_CREATE && task_dialect (task)->payment_compliance &&
          is_compliance_refusal (error))
        g_prefix_error (&error, "%s\n", nd_write_compliance_note ());
      return g_task_return_error (task, error);
    }

  switch (w->kind)
    {
    case ND_WRITE_TOKEN_CREATE:
      job->result->changed = 1;
      return find_new_token (g_steal_pointer (&task));
    case ND_WRITE_TOKEN_STATUS:
    case ND_WRITE_TOKEN_DELETE:
    case ND_WRITE_REDEMPTION_STATUS:
    case ND_WRITE_REDEMPTION_DELETE:
      job->result->changed++;
      if (++job->next < w->ids->len)
        return send_next (g_steal_pointer (&task));
      break;
    case ND_WRITE_REDEMPTION_CREATE:
      {
        JsonArray *codes = JSON_NODE_HOLDS_ARRAY (data) ? json_node_get_array (data) : NULL;

        job->result->secrets = g_ptr_array_new_with_free_func (g_free);
        for (guint i = 0; codes != NULL && i < json_array_get_length (codes); i++)
          {
            char *code = take_secret (json_array_get_element (codes, i));

            if (code != NULL)
              g_ptr_array_add (job->result->secrets, code);
          }
        job->result->changed = job->result->secrets->len;
        if (job->result->secrets->len != w->redemption->count)
          job->result->notice =
            g_strdup_printf (_("NewAPI answered %u codes where %u were asked for."),
                             job->result->secrets->len, w->redemption->count);
        break;
      }
    case ND_WRITE_REDEMPTION_DELETE_INVALID:
      job->result->changed = JSON_NODE_HOLDS_VALUE (data) &&
                             json_node_get_value_type (data) == G_TYPE_INT64
                             ? MAX (json_node_get_int (data), 0) : 0;
      break;
    case ND_WRITE_TOKEN_UPDATE:
    case ND_WRITE_REDEMPTION_UPDATE:
    default:
      job->result->changed = 1;
      break;
    }
  finish_ok (task);
}

void
_nd_http_source_write_tokens (GTask *task, const NdWrite *write)
{
  NdServerInfo *info = nd_source_get_info (ND_SOURCE (g_task_get_source_object (task)));
  TokJob *job;

  if (write->kind == ND_WRITE_TOKEN_CREATE && write->token->user_id > 0 &&
      write->token->user_id != info->user_id)
    {
      g_task_return_new_error (task, ND_ERROR, ND_ERROR_UNSUPPORTED,
                               _("Through NewAPI’s API tokens can only be made for the connected "
                                 "account (user #%" PRId64 "); connect the database to make one "
                                 "for user #%" PRId64 "."), info->user_id,
                               write->token->user_id);
      g_object_unref (task);
      return;
    }
  job = g_new0 (TokJob, 1);
  job->write = nd_write_copy (write);
  job->result = nd_write_result_new ();
  g_task_set_task_data (task, job, (GDestroyNotify) tok_job_free);
  run_action (task);
}

/* ---- reveal: a token's key ---------------------------------------------- */

static void
reveal_token_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;
  char *key = NULL;

  data = nd_http_client_request_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL)
    return g_task_return_error (task, error);
  if (JSON_NODE_HOLDS_OBJECT (data))
    key = take_secret (json_object_get_member (json_node_get_object (data), "key"));
  if (key == NULL)
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PROTOCOL,
                                    _("NewAPI sent no key for this token"));
  g_task_return_pointer (task, key, (GDestroyNotify) nd_secure_free);
}

static void
http_reveal_token_key_async (NdSource *source, gint64 id, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  NdHttpSource *self = ND_HTTP_SOURCE (source);
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  g_autofree char *path = NULL;

  g_task_set_source_tag (task, http_reveal_token_key_async);
  /* Self-scoped either way: another user's token is "not found". Before
   * v0.11.4 the token itself carries its key. */
  if (_nd_http_source_get_dialect (self)->token_key_api)
    {
      path = g_strdup_printf ("/api/token/%" G_GINT64_FORMAT "/key", id);
      nd_http_client_request_async (nd_http_source_get_client (self), "POST", path, NULL, NULL,
                                    ND_HTTP_FLAG_NONE, cancellable, reveal_token_done, task);
    }
  else
    {
      path = g_strdup_printf ("/api/token/%" G_GINT64_FORMAT, id);
      nd_http_client_request_async (nd_http_source_get_client (self), "GET", path, NULL, NULL,
                                    ND_HTTP_FLAG_NONE, cancellable, reveal_token_done, task);
    }
}

/* ---- reveal: redemption codes ------------------------------------------------ */

/* NewAPI's admin list carries codes in full: page it until every wanted
 * code is found or the list ends. */
typedef struct {
  GHashTable *wanted;          /* gint64* ids not found yet */
  GHashTable *keys;            /* what the caller gets */
  guint page;                  /* from 1 */
} KeysJob;

static void
keys_job_free (KeysJob *kj)
{
  g_hash_table_unref (kj->wanted);
  g_clear_pointer (&kj->keys, g_hash_table_unref);
  g_free (kj);
}

static void keys_page_done (GObject *object, GAsyncResult *result, gpointer user_data);

static void
keys_next (GTask *task)
{
  KeysJob *kj = g_task_get_task_data (task);
  g_autoptr(GString) q = g_string_new (NULL);

  nd_http_query_add_int (q, "p", kj->page);
  nd_http_query_add_int (q, "page_size", KEY_PAGE);
  nd_http_client_get_async (nd_http_source_get_client (ND_HTTP_SOURCE (g_task_get_source_object (task))),
                            "/api/redemption/", q->str, ND_HTTP_FLAG_NONE,
                            g_task_get_cancellable (task), keys_page_done, task);
}

static void
keys_page_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  KeysJob *kj = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  JsonArray *items = NULL;
  gint64 total;
  guint n;
  GError *error = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || !nd_http_page_items (data, &items, &total, &error))
    return g_task_return_error (task, error);
  n = items ? json_array_get_length (items) : 0;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *obj = nd_http_item_object (items, i, &error);
      gint64 id = obj ? nd_json_read_int (obj, "id", ND_JSON_ID, 0, &error) : 0;
      char *code;

      if (error != NULL)
        return g_task_return_error (task, error);
      code = take_secret (json_object_get_member (obj, "key"));
      if (code != NULL && g_hash_table_remove (kj->wanted, &id))
        g_hash_table_insert (kj->keys, g_memdup2 (&id, sizeof id), code);
      else
        nd_secure_free (code);
    }
  if (g_hash_table_size (kj->wanted) == 0 || n < KEY_PAGE ||
      (total >= 0 && (gint64) kj->page * KEY_PAGE >= total) || kj->page >= MAX_KEY_PAGES)
    return g_task_return_pointer (task, g_steal_pointer (&kj->keys),
                                  (GDestroyNotify) g_hash_table_unref);
  kj->page++;
  keys_next (g_steal_pointer (&task));
}

static void
http_reveal_redemption_keys_async (NdSource *source, const gint64 *ids, guint n_ids,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  KeysJob *kj = g_new0 (KeysJob, 1);

  g_task_set_source_tag (task, http_reveal_redemption_keys_async);
  kj->wanted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < n_ids; i++)
    g_hash_table_add (kj->wanted, g_memdup2 (&ids[i], sizeof ids[i]));
  kj->keys = nd_secret_table_new ();
  kj->page = 1;
  g_task_set_task_data (task, kj, (GDestroyNotify) keys_job_free);
  if (n_ids == 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&kj->keys), (GDestroyNotify) g_hash_table_unref);
      g_object_unref (task);
      return;
    }
  keys_next (task);
}

void
_nd_http_source_class_init_tokens (NdSourceClass *klass)
{
  klass->reveal_token_key_async = http_reveal_token_key_async;
  klass->reveal_redemption_keys_async = http_reveal_redemption_keys_async;
}
