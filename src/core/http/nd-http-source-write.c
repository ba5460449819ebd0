/* nd-http-source-write.c — the channel actions through NewAPI's admin API
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each NdWrite kind goes to the endpoint of reference §3.6 for the server's
 * version; NewAPI keeps its own invariants (abilities, other_info, audit
 * rows, caches), so nothing here repeats them:
 *
 *   status      ≥ rc.16: POST /api/channel/:id/status {status}, several at
 *               once POST /api/channel/status/batch {ids, status}; older:
 *               PUT /api/channel/ {id, status}, one channel after another
 *   update      PUT /api/channel/ with the id and the fields in the mask only
 *               (never `status`: rc.16+ refuses it)
 *   create      POST /api/channel/ {mode:"single", channel:{…}}
 *   delete      DELETE /api/channel/:id; several POST /api/channel/batch {ids}
 *   tag         POST /api/channel/batch/tag {ids, tag} (null clears)
 *   copy        POST /api/channel/copy/:id → {id}
 *   key status  POST /api/channel/multi_key/manage {channel_id, action:
 *               enable_key | disable_key, key_index}
 *
 * A name another channel has is refused before anything is written unless
 * the admin confirmed it (NdChannelEdit.allow_duplicate_name), as over
 * PostgreSQL; NewAPI itself does not mind. Recording a test result or a
 * balance has no endpoint: NewAPI records those itself when it tests or
 * reads a balance (nd-http-source-channel.c).
 *
 * A channel key travels only in a request body, spliced in last with one
 * exact allocation and wiped after use.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-http-source-private.h"
#include "nd-secure-string.h"

#define MAX_SEARCH_PAGES 50
#define SEARCH_PAGE_SIZE 100

typedef struct {
  NdWrite *write;              /* a deep copy: the caller's may be gone */
  NdWriteResult *result;
  char *name;                  /* the channel's name, stripped (create, update) */
  guint next;                  /* old servers' status: the next id to send */
  guint page;                  /* name search: the page asked for, from 1 */
  GArray *named;               /* (element-type gint64) channels with exactly `name` */
  gboolean for_new_id;         /* the search looks for a created channel's id */
} WriteJob;

static void
write_job_free (WriteJob *job)
{
  nd_write_free (job->write);
  g_clear_pointer (&job->result, nd_write_result_free);
  g_free (job->name);
  g_clear_pointer (&job->named, g_array_unref);
  g_free (job);
}

static NdHttpClient *
task_client (GTask *task)
{
  return nd_http_source_get_client (ND_HTTP_SOURCE (g_task_get_source_object (task)));
}

static void
finish_ok (GTask *task)
{
  WriteJob *job = g_task_get_task_data (task);

  g_task_return_pointer (task, g_steal_pointer (&job->result),
                         (GDestroyNotify) nd_write_result_free);
}

/* ---- bodies ------------------------------------------------------------- */

static gsize
json_escaped_len (const char *s)
{
  gsize n = 0;

  for (const guchar *p = (const guchar *) s; *p; p++)
    n += *p == '"' || *p == '\\' ? 2 : *p < 0x20 ? 6 : 1;
  return n;
}

static char *
json_escape_into (char *out, const char *s)
{
  static const char hex[] = "0123456789abcdef";

  for (const guchar *p = (const guchar *) s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        {
          *out++ = '\\';
          *out++ = (char) *p;
        }
      else if (*p < 0x20)
        {
          memcpy (out, "\\u00", 4);
          out[4] = hex[*p >> 4];
          out[5] = hex[*p & 0xf];
          out += 6;
        }
      else
        *out++ = (char) *p;
    }
  return out;
}

char *
nd_http_json_with_secret (JsonNode *obj, const char *member, const char *secret)
{
  g_autofree char *text = json_to_string (obj, FALSE);
  gsize len = strlen (text);
  gsize name_len = strlen (member);
  gboolean empty = len == 2;
  char *out = g_malloc (len + name_len + strlen (",\"\":\"\"") + json_escaped_len (secret) + 1);
  char *p = out;

  g_assert (len >= 2 && text[len - 1] == '}');
  memcpy (p, text, len - 1);
  p += len - 1;
  if (!empty)
    *p++ = ',';
  *p++ = '"';
  memcpy (p, member, name_len);
  p += name_len;
  memcpy (p, "\":\"", 3);
  p = json_escape_into (p + 3, secret);
  *p++ = '"';
  *p++ = '}';
  *p = '\0';
  return out;
}

static void
add_str (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value ? value : "");
}

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_ids (JsonBuilder *b, GArray *ids)
{
  json_builder_set_member_name (b, "ids");
  json_builder_begin_array (b);
  for (guint i = 0; i < ids->len; i++)
    json_builder_add_int_value (b, g_array_index (ids, gint64, i));
  json_builder_end_array (b);
}

/* The channel JSON NewAPI's PUT and POST read: the id (when not 0) and the
 * fields in the mask, under NewAPI's names; the key is added apart. */
static char *
channel_text (const NdChannelEdit *e, const char *name, gint64 id)
{
  static const struct { NdChannelField bit; const char *member; gsize offset; } text_fields[] = {
    { ND_CHANNEL_FIELD_BASE_URL, "base_url", G_STRUCT_OFFSET (NdChannelEdit, base_url) },
    { ND_CHANNEL_FIELD_GROUP, "group", G_STRUCT_OFFSET (NdChannelEdit, group) },
    { ND_CHANNEL_FIELD_MODELS, "models", G_STRUCT_OFFSET (NdChannelEdit, models) },
    { ND_CHANNEL_FIELD_MODEL_MAPPING, "model_mapping", G_STRUCT_OFFSET (NdChannelEdit, model_mapping) },
    { ND_CHANNEL_FIELD_STATUS_CODE_MAPPING, "status_code_mapping",
      G_STRUCT_OFFSET (NdChannelEdit, status_code_mapping) },
    { ND_CHANNEL_FIELD_TAG, "tag", G_STRUCT_OFFSET (NdChannelEdit, tag) },
    { ND_CHANNEL_FIELD_REMARK, "remark", G_STRUCT_OFFSET (NdChannelEdit, remark) },
    { ND_CHANNEL_FIELD_TEST_MODEL, "test_model", G_STRUCT_OFFSET (NdChannelEdit, test_model) },
    { ND_CHANNEL_FIELD_OTHER, "other", G_STRUCT_OFFSET (NdChannelEdit, other) },
    { ND_CHANNEL_FIELD_SETTING, "setting", G_STRUCT_OFFSET (NdChannelEdit, setting) },
    { ND_CHANNEL_FIELD_PARAM_OVERRIDE, "param_override", G_STRUCT_OFFSET (NdChannelEdit, param_override) },
    { ND_CHANNEL_FIELD_HEADER_OVERRIDE, "header_override",
      G_STRUCT_OFFSET (NdChannelEdit, header_override) },
    { ND_CHANNEL_FIELD_SETTINGS, "settings", G_STRUCT_OFFSET (NdChannelEdit, settings) },
  };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  if (id > 0)
    add_int (b, "id", id);
  if (e->mask & ND_CHANNEL_FIELD_NAME)
    add_str (b, "name", name);
  if (e->mask & ND_CHANNEL_FIELD_TYPE)
    add_int (b, "type", e->type);
  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    if (e->mask & text_fields[i].bit)
      add_str (b, text_fields[i].member, G_STRUCT_MEMBER (char *, e, text_fields[i].offset));
  if (e->mask & ND_CHANNEL_FIELD_PRIORITY)
    add_int (b, "priority", e->priority);
  if (e->mask & ND_CHANNEL_FIELD_WEIGHT)
    add_int (b, "weight", e->weight);
  if (e->mask & ND_CHANNEL_FIELD_AUTO_BAN)
    add_int (b, "auto_ban", e->auto_ban);
  if (e->mask & ND_CHANNEL_FIELD_STATUS)
    add_int (b, "status", e->status);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  if (e->mask & ND_CHANNEL_FIELD_KEY)
    return nd_http_json_with_secret (node, "key", e->key);
  return json_to_string (node, FALSE);
}

static char *
builder_text (JsonBuilder *b)
{
  g_autoptr(JsonNode) node = json_builder_get_root (b);

  return json_to_string (node, FALSE);
}

/* ---- sending -------------------------------------------------------------- */

static void action_done (GObject *object, GAsyncResult *result, gpointer user_data);

/* Takes @body (wiped after it is copied into the request). */
static void
send (GTask *task, const char *method, const char *path, char *body)
{
  nd_http_client_request_async (task_client (task), method, path, NULL, body, ND_HTTP_FLAG_NONE,
                                g_task_get_cancellable (task), action_done, task);
  nd_secure_free (body);
}

static char *
status_body (gint64 id, int status)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  if (id > 0)
    add_int (b, "id", id);
  add_int (b, "status", status);
  json_builder_end_object (b);
  return builder_text (b);
}

static void
send_status (GTask *task)
{
  NdHttpSource *self = ND_HTTP_SOURCE (g_task_get_source_object (task));
  WriteJob *job = g_task_get_task_data (task);
  const NdWrite *w = job->write;

  if (!_nd_http_source_get_dialect (self)->status_api)
    {
      /* Before rc.16 the status is one more field of PUT /api/channel/,
       * which also rebuilds the channel's abilities; one PUT per channel. */
      gint64 id = g_array_index (w->ids, gint64, job->next);

      send (task, "PUT", "/api/channel/", status_body (id, w->status));
    }
  else if (w->ids->len == 1)
    {
      g_autofree char *path = g_strdup_printf ("/api/channel/%" G_GINT64_FORMAT "/status",
                                               nd_write_first_id (w));

      send (task, "POST", path, status_body (0, w->status));
    }
  else
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      add_ids (b, w->ids);
      add_int (b, "status", w->status);
      json_builder_end_object (b);
      send (task, "POST", "/api/channel/status/batch", builder_text (b));
    }
}

static void
run_action (GTask *task)
{
  WriteJob *job = g_task_get_task_data (task);
  const NdWrite *w = job->write;
  gint64 id = nd_write_first_id (w);

  switch (w->kind)
    {
    case ND_WRITE_CHANNEL_STATUS:
      send_status (task);
      return;
    case ND_WRITE_CHANNEL_UPDATE:
      send (task, "PUT", "/api/channel/", channel_text (w->channel, job->name, id));
      return;
    case ND_WRITE_CHANNEL_CREATE:
      {
        g_autoptr(NdSecret) channel = channel_text (w->channel, job->name, 0);

        /* g_strconcat sizes its result once: no stray copy of the key. */
        send (task, "POST", "/api/channel/",
              g_strconcat ("{\"mode\":\"single\",\"channel\":", channel, "}", NULL));
        return;
      }
    case ND_WRITE_CHANNEL_DELETE:
      if (w->ids->len == 1)
        {
          g_autofree char *path = g_strdup_printf ("/api/channel/%" G_GINT64_FORMAT, id);

          send (task, "DELETE", path, NULL);
        }
      else
        {
          g_autoptr(JsonBuilder) b = json_builder_new ();

          json_builder_begin_object (b);
          add_ids (b, w->ids);
          json_builder_end_object (b);
          send (task, "POST", "/api/channel/batch", builder_text (b));
        }
      return;
    case ND_WRITE_CHANNEL_TAG:
      {
        g_autoptr(JsonBuilder) b = json_builder_new ();

        json_builder_begin_object (b);
        add_ids (b, w->ids);
        json_builder_set_member_name (b, "tag");
        /* NewAPI's tag is a *string: null clears it (NULL, as an untagged
         * channel has), "" would store an empty tag. */
        if (w->tag != NULL && *w->tag != '\0')
          json_builder_add_string_value (b, w->tag);
        else
          json_builder_add_null_value (b);
        json_builder_end_object (b);
        send (task, "POST", "/api/channel/batch/tag", builder_text (b));
        return;
      }
    case ND_WRITE_CHANNEL_COPY:
      {
        g_autofree char *path = g_strdup_printf ("/api/channel/copy/%" G_GINT64_FORMAT, id);

        /* NewAPI's defaults, as over PostgreSQL: the name + "_复制", balance
         * and usage reset. */
        send (task, "POST", path, NULL);
        return;
      }
    case ND_WRITE_CHANNEL_KEY_STATUS:
      {
        g_autoptr(JsonBuilder) b = json_builder_new ();

        json_builder_begin_object (b);
        add_int (b, "channel_id", id);
        add_str (b, "action", w->status == ND_CHANNEL_STATUS_ENABLED ? "enable_key" : "disable_key");
        add_int (b, "key_index", w->key_index);
        json_builder_end_object (b);
        send (task, "POST", "/api/channel/multi_key/manage", builder_text (b));
        return;
      }
    default:
      g_assert_not_reached ();
    }
}

/* ---- replies ------------------------------------------------------------ */

/* NewAPI answers counts and flags as bare JSON values in `data`. */
static gint64
data_count (JsonNode *data, gint64 fallback)
{
  if (data == NULL || !JSON_NODE_HOLDS_VALUE (data))
    return fallback;
  if (json_node_get_value_type (data) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (data) ? 1 : 0;
  if (json_node_get_value_type (data) == G_TYPE_INT64)
    return MAX (json_node_get_int (data), 0);
  return fallback;
}

static void find_named (GTask *task, gboolean for_new_id);

static void
action_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  NdHttpSource *self = ND_HTTP_SOURCE (g_task_get_source_object (task));
  WriteJob *job = g_task_get_task_data (task);
  const NdWrite *w = job->write;
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;

  data = nd_http_client_request_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL)
    {
      if (w->kind == ND_WRITE_CHANNEL_STATUS && job->next > 0)
        g_prefix_error (&error, _("%u of %u channels were changed before this one failed. "),
                        job->next, w->ids->len);
      else if (w->kind == ND_WRITE_CHANNEL_KEY_STATUS && error->code == ND_ERROR_NOT_FOUND &&
               strstr (error->message, "/api/channel/multi_key/manage") != NULL)
        {
          g_clear_error (&error);
          g_set_error (&error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                       _("This NewAPI version cannot enable or disable single keys of a "
                         "multi-key channel"));
        }
      return g_task_return_error (task, error);
    }

  switch (w->kind)
    {
    case ND_WRITE_CHANNEL_STATUS:
      if (!_nd_http_source_get_dialect (self)->status_api)
        {
          /* PUT does not say whether the status was different before. */
          job->result->changed++;
          if (++job->next < w->ids->len)
            return send_status (g_steal_pointer (&task));
        }
      else
        job->result->changed = data_count (data, 0);
      if (w->reason != NULL && *w->reason != '\0')
        job->result->notice = g_strdup (_("NewAPI records its own reason for a change made "
                                          "through its API (“manual operation”); the reason "
                                          "given here was not sent."));
      break;
    case ND_WRITE_CHANNEL_DELETE:
    case ND_WRITE_CHANNEL_TAG:
      job->result->changed = data_count (data, w->ids->len);
      break;
    case ND_WRITE_CHANNEL_COPY:
      job->result->changed = 1;
      if (JSON_NODE_HOLDS_OBJECT (data))
        job->result->new_id = nd_json_read_int (json_node_get_object (data), "id", ND_JSON_ID,
                                                0, &error);
      /* The copy exists either way; only its id is unreadable. */
      if (error != NULL)
        {
          g_debug ("copy: %s", error->message);
          g_clear_error (&error);
        }
      break;
    case ND_WRITE_CHANNEL_CREATE:
      job->result->changed = 1;
      /* NewAPI does not say which id the new channel got. */
      return find_named (g_steal_pointer (&task), TRUE);
    case ND_WRITE_CHANNEL_UPDATE:
    case ND_WRITE_CHANNEL_KEY_STATUS:
    default:
      job->result->changed = 1;
      break;
    }
  finish_ok (task);
}

/* ---- channels of one name ------------------------------------------------- */

static void
named_done (GObject *object, GAsyncResult *result, gpointer user_data);

/* Pages GET /api/channel/search?keyword=NAME (which matches names LIKE
 * %NAME%, ids, keys and base URLs) and keeps the ids of the channels named
 * exactly NAME. Before the write: a duplicate is refused. After a create:
 * the newest of them is the new channel (NewAPI does not answer its id). */
static void
find_named (GTask *task, gboolean for_new_id)
{
  WriteJob *job = g_task_get_task_data (task);
  g_autoptr(GString) q = g_string_new (NULL);

  if (job->named == NULL)
    {
      job->named = g_array_new (FALSE, FALSE, sizeof (gint64));
      job->page = 1;
    }
  nd_http_query_add (q, "keyword", job->name);
  nd_http_query_add (q, "id_sort", "true");
  nd_http_query_add_int (q, "p", job->page);
  nd_http_query_add_int (q, "page_size", SEARCH_PAGE_SIZE);
  job->for_new_id = for_new_id;
  nd_http_client_get_async (task_client (task), "/api/channel/search", q->str, ND_HTTP_FLAG_NONE,
                            g_task_get_cancellable (task), named_done, task);
}

static gboolean
check_unique (GTask *task)
{
  WriteJob *job = g_task_get_task_data (task);
  gint64 self_id = job->write->kind == ND_WRITE_CHANNEL_UPDATE ? nd_write_first_id (job->write) : 0;

  for (guint i = 0; i < job->named->len; i++)
    {
      gint64 other = g_array_index (job->named, gint64, i);

      if (other != self_id)
        {
          g_task_return_new_error (task, ND_ERROR, ND_ERROR_CONFLICT,
                                   _("Channel #%" PRId64 " is already named “%s”: "
                                     "nothing was saved. Choose another name, or save again "
                                     "to keep both."), other, job->name);
          return FALSE;
        }
    }
  return TRUE;
}

static void
named_failed (GTask *task, gboolean for_new_id, GError *error)
{
  /* After a create the channel exists: its id is only a convenience. */
  if (for_new_id && !nd_error_is_cancelled (error))
    {
      g_debug ("new channel id not found: %s", error->message);
      g_error_free (error);
      finish_ok (task);
      return;
    }
  g_task_return_error (task, error);
}

static void
named_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  WriteJob *job = g_task_get_task_data (task);
  gboolean for_new_id = job->for_new_id;
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;
  JsonArray *items = NULL;
  gint64 total = -1;
  guint n;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || !nd_http_page_items (data, &items, &total, &error))
    return named_failed (task, for_new_id, error);
  n = items ? json_array_get_length (items) : 0;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *obj = nd_http_item_object (items, i, &error);
      g_autofree char *name = obj ? nd_json_read_str (obj, "name", &error) : NULL;
      gint64 id = obj ? nd_json_read_int (obj, "id", ND_JSON_ID, 0, &error) : 0;

      if (error != NULL)
        return named_failed (task, for_new_id, error);
      if (id > 0 && g_strcmp0 (name, job->name) == 0)
        g_array_append_val (job->named, id);
    }
  /* Old servers answer every match at once in a bare array. */
  if (total >= 0 && n == SEARCH_PAGE_SIZE && (gint64) job->page * SEARCH_PAGE_SIZE < total &&
      job->page < MAX_SEARCH_PAGES)
    {
      job->page++;
      return find_named (g_steal_pointer (&task), for_new_id);
    }

  if (for_new_id)
    {
      for (guint i = 0; i < job->named->len; i++)
        job->result->new_id = MAX (job->result->new_id, g_array_index (job->named, gint64, i));
      return finish_ok (task);
    }
  if (!check_unique (task))
    return;
  g_clear_pointer (&job->named, g_array_unref);
  run_action (g_steal_pointer (&task));
}

/* ---- entry ------------------------------------------------------------ */

static void
http_write_async (NdSource *source, const NdWrite *write, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  WriteJob *job;

  if (write->kind == ND_WRITE_MODEL_PRICE || write->kind == ND_WRITE_GROUP_RATIO)
    return _nd_http_source_write_prices (source, write, cancellable, callback, user_data);
  task = g_task_new (source, cancellable, callback, user_data);
  g_task_set_source_tag (task, http_write_async);
  switch (write->kind)
    {
    case ND_WRITE_CHANNEL_STATUS:
    case ND_WRITE_CHANNEL_UPDATE:
    case ND_WRITE_CHANNEL_CREATE:
    case ND_WRITE_CHANNEL_DELETE:
    case ND_WRITE_CHANNEL_TAG:
    case ND_WRITE_CHANNEL_COPY:
    case ND_WRITE_CHANNEL_KEY_STATUS:
      break;
    case ND_WRITE_TOKEN_CREATE:
    case ND_WRITE_TOKEN_UPDATE:
    case ND_WRITE_TOKEN_STATUS:
    case ND_WRITE_TOKEN_DELETE:
    case ND_WRITE_REDEMPTION_CREATE:
    case ND_WRITE_REDEMPTION_UPDATE:
    case ND_WRITE_REDEMPTION_STATUS:
    case ND_WRITE_REDEMPTION_DELETE:
    case ND_WRITE_REDEMPTION_DELETE_INVALID:
      /* nd-http-source-tokens.c */
      _nd_http_source_write_tokens (task, write);
      return;
    case ND_WRITE_CHANNEL_TEST_RESULT:
    case ND_WRITE_CHANNEL_BALANCE:
      g_task_return_new_error (task, ND_ERROR, ND_ERROR_UNSUPPORTED,
                               _("NewAPI’s API has no way to store a test result or a balance "
                                 "from outside: NewAPI records them itself when it tests a "
                                 "channel or reads its balance."));
      g_object_unref (task);
      return;
    case ND_WRITE_USER_CREATE:
    case ND_WRITE_USER_UPDATE:
    case ND_WRITE_USER_STATUS:
    case ND_WRITE_USER_DELETE:
    case ND_WRITE_USER_RESTORE:
    case ND_WRITE_USER_QUOTA:
      _nd_http_source_write_user (task, write);
      return;
    default:
      g_task_return_new_error (task, ND_ERROR, ND_ERROR_UNSUPPORTED,
                               _("This change cannot be made through NewAPI’s API yet"));
      g_object_unref (task);
      return;
    }

  job = g_new0 (WriteJob, 1);
  job->write = nd_write_copy (write);
  job->result = nd_write_result_new ();
  if (write->channel != NULL && (write->channel->mask & ND_CHANNEL_FIELD_NAME))
    job->name = g_strstrip (g_strdup (write->channel->name));
  else if (write->kind == ND_WRITE_CHANNEL_CREATE)
    job->name = g_strdup ("");
  g_task_set_task_data (task, job, (GDestroyNotify) write_job_free);

  if (job->name != NULL && *job->name != '\0' && !write->channel->allow_duplicate_name)
    find_named (task, FALSE);
  else
    run_action (task);
}

void
_nd_http_source_class_init_write (NdSourceClass *klass)
{
  klass->write_async = http_write_async;
}
