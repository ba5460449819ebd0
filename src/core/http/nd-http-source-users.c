/* nd-http-source-users.c — users through NewAPI's admin API (reference §3.4)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   status    POST /api/user/manage {id, action: enable | disable}, one user
 *             after another
 *   delete    POST /api/user/manage {id, action: delete} (soft)
 *   restore   no endpoint: UNSUPPORTED
 *   quota     ≥ v0.12.7: POST /api/user/manage {id, action: add_quota, mode:
 *             add | subtract | override, value}; older servers take only an
 *             absolute quota in PUT /api/user/: the balance is read and
 *             written back changed, which the result says
 *   create    POST /api/user/ {username, password, display_name, role}; the
 *             new id from GET /api/user/search (NewAPI does not answer it)
 *   update    GET /api/user/:id, then PUT /api/user/ with every field NewAPI's
 *             edit writes (a missing one would be blanked) and never the
 *             quota on ≥ v0.12.7; a group must be one of GET /api/group/; a
 *             role change is /api/user/manage promote or demote
 *   detail    GET /api/user/:id; a deleted user (NewAPI's read skips them)
 *             from GET /api/user/search?keyword=ID, which finds them
 *
 * NewAPI keeps its own invariants (auth_version, sessions, audit rows); its
 * refusals are shown verbatim. A password travels only in a request body,
 * spliced in last and wiped after use.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-http-source-private.h"
#include "nd-secure-string.h"

/* POST /api/user/manage add_quota (reference §0). */
#define VERSION_QUOTA_API "v0.12.7"
#define SEARCH_PAGE_SIZE 100

typedef enum {
  STEP_GROUPS,                 /* update: GET /api/group/ */
  STEP_READ,                   /* update, old quota: GET /api/user/:id */
  STEP_PUT,                    /* update, old quota: PUT /api/user/ */
  STEP_ROLE,                   /* update: manage promote / demote */
  STEP_MANAGE,                 /* status, delete, quota: manage, one id after another */
  STEP_CREATE,                 /* POST /api/user/ */
  STEP_FIND,                   /* create: the new id */
} Step;

typedef struct {
  NdWrite *write;              /* a deep copy: the caller's may be gone */
  NdWriteResult *result;
  Step step;
  guint next;                  /* the next id of a batch */
  JsonObject *current;         /* the user as read before a PUT */
  char *username;              /* create: the name to find again */
} UserJob;

static void
user_job_free (UserJob *job)
{
  nd_write_free (job->write);
  g_clear_pointer (&job->result, nd_write_result_free);
  g_clear_pointer (&job->current, json_object_unref);
  g_free (job->username);
  g_free (job);
}

static NdHttpClient *
task_client (GTask *task)
{
  return nd_http_source_get_client (ND_HTTP_SOURCE (g_task_get_source_object (task)));
}

static gboolean
has_quota_api (GTask *task)
{
  NdServerInfo *info = nd_source_get_info (ND_SOURCE (g_task_get_source_object (task)));

  return nd_http_version_compare (info ? info->newapi_version : NULL, VERSION_QUOTA_API) >= 0;
}

static void
add_notice (UserJob *job, const char *sentence)
{
  char *joined = job->result->notice
                 ? g_strconcat (job->result->notice, " ", sentence, NULL) : g_strdup (sentence);

  g_free (job->result->notice);
  job->result->notice = joined;
}

static void step_done (GObject *object, GAsyncResult *result, gpointer user_data);

/* Takes @body (wiped once it is copied into the request). */
static void
send (GTask *task, const char *method, const char *path, char *body)
{
  nd_http_client_request_async (task_client (task), method, path, NULL, body, ND_HTTP_FLAG_NONE,
                                g_task_get_cancellable (task), step_done, task);
  nd_secure_free (body);
}

static void
get (GTask *task, const char *path, const char *query)
{
  nd_http_client_get_async (task_client (task), path, query, ND_HTTP_FLAG_NONE,
                            g_task_get_cancellable (task), step_done, task);
}

static char *
object_text (JsonObject *obj)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, obj);
  return json_to_string (node, FALSE);
}

/* ---- requests ------------------------------------------------------------- */

static const char *
manage_action (const NdWrite *w)
{
  switch (w->kind)
    {
    case ND_WRITE_USER_STATUS: return w->status == 1 ? "enable" : "disable";
    case ND_WRITE_USER_DELETE: return "delete";
    case ND_WRITE_USER_QUOTA: return "add_quota";
    default: g_assert_not_reached ();
    }
}

static void
send_manage (GTask *task, gint64 id, const char *action)
{
  UserJob *job = g_task_get_task_data (task);
  g_autoptr(JsonObject) body = json_object_new ();

  json_object_set_int_member (body, "id", id);
  json_object_set_string_member (body, "action", action);
  if (g_str_equal (action, "add_quota"))
    {
      json_object_set_string_member (body, "mode",
                                     job->write->quota_mode == ND_QUOTA_ADD ? "add"
                                     : job->write->quota_mode == ND_QUOTA_SUBTRACT ? "subtract"
                                     : "override");
      json_object_set_int_member (body, "value", job->write->amount);
    }
  send (task, "POST", "/api/user/manage", object_text (body));
}

static void
read_user (GTask *task)
{
  UserJob *job = g_task_get_task_data (task);
  g_autofree char *path = g_strdup_printf ("/api/user/%" G_GINT64_FORMAT,
                                           nd_write_first_id (job->write));

  job->step = STEP_READ;
  get (task, path, NULL);
}

static gint64
current_int (UserJob *job, const char *member)
{
  return nd_json_int (job->current, member, 0);
}

static char *
current_str (UserJob *job, const char *member)
{
  char *s = nd_json_strdup (job->current, member);

  return s ? s : g_strdup ("");
}

/* PUT /api/user/ with every field NewAPI's edit writes: a field left out
 * would be written empty. Servers before v0.12.7 also write the quota
 * from it: the balance read (or the new one of an old-style quota change). */
static void
send_put (GTask *task)
{
  UserJob *job = g_task_get_task_data (task);
  const NdWrite *w = job->write;
  const NdUserEdit *e = w->kind == ND_WRITE_USER_UPDATE ? w->user : NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  gboolean quota_api = has_quota_api (task);
  g_autofree char *username = current_str (job, "username");

  json_object_set_int_member (body, "id", nd_write_first_id (w));
  json_object_set_string_member (body, "username", username);
  json_object_set_string_member (body, "display_name",
                                 e && (e->mask & ND_USER_FIELD_DISPLAY_NAME)
                                 ? (e->display_name ? e->display_name : "")
                                 : json_object_get_string_member_with_default (job->current,
                                                                               "display_name", ""));
  json_object_set_string_member (body, "group",
                                 e && (e->mask & ND_USER_FIELD_GROUP)
                                 ? e->group
                                 : json_object_get_string_member_with_default (job->current,
                                                                               "group", "default"));
  json_object_set_string_member (body, "remark",
                                 e && (e->mask & ND_USER_FIELD_REMARK)
                                 ? (e->remark ? e->remark : "")
                                 : json_object_get_string_member_with_default (job->current,
                                                                               "remark", ""));
  if (!quota_api)
    {
      gint64 quota = current_int (job, "quota");

      if (w->kind == ND_WRITE_USER_QUOTA)
        quota = w->quota_mode == ND_QUOTA_SET ? w->amount
                : w->quota_mode == ND_QUOTA_ADD ? quota + w->amount : quota - w->amount;
      json_object_set_int_member (body, "quota", quota);
      add_notice (job, w->kind == ND_WRITE_USER_QUOTA
                  ? _("NewAPI before v0.12.7 only takes a whole new balance: NewAPI Desk read "
                      "the balance and wrote it back changed, so a charge made in that moment "
                      "may be lost.")
                  : _("NewAPI before v0.12.7 writes the balance with every edit: NewAPI Desk "
                      "sent back the balance it had just read, so a charge made in that moment "
                      "may be lost."));
    }
  json_node_set_object (node, body);
  job->step = STEP_PUT;
  if (e != NULL && (e->mask & ND_USER_FIELD_PASSWORD))
    send (task, "PUT", "/api/user/", nd_http_json_with_secret (node, "password", e->password));
  else
    send (task, "PUT", "/api/user/", json_to_string (node, FALSE));
}

static void
send_create (GTask *task)
{
  UserJob *job = g_task_get_task_data (task);
  const NdUserEdit *e = job->write->user;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (body, "username", job->username);
  json_object_set_string_member (body, "display_name",
                                 (e->mask & ND_USER_FIELD_DISPLAY_NAME) && e->display_name
                                 ? e->display_name : "");
  json_object_set_int_member (body, "role", (e->mask & ND_USER_FIELD_ROLE) ? e->role : 1);
  json_node_set_object (node, body);
  job->step = STEP_CREATE;
  send (task, "POST", "/api/user/", nd_http_json_with_secret (node, "password", e->password));
}

static void
find_created (GTask *task)
{
  UserJob *job = g_task_get_task_data (task);
  g_autoptr(GString) q = g_string_new (NULL);

  nd_http_query_add (q, "keyword", job->username);
  nd_http_query_add_int (q, "p", 1);
  nd_http_query_add_int (q, "page_size", SEARCH_PAGE_SIZE);
  job->step = STEP_FIND;
  get (task, "/api/user/search", q->str);
}

/* After the edit: promote (→ 10) or demote (→ 1) when the role changes. */
static void
next_after_put (GTask *task)
{
  UserJob *job = g_task_get_task_data (task);
  const NdUserEdit *e = job->write->user;

  if ((e->mask & ND_USER_FIELD_ROLE) && e->role != current_int (job, "role"))
    {
      job->step = STEP_ROLE;
      send_manage (task, nd_write_first_id (job->write),
                   e->role > current_int (job, "role") ? "promote" : "demote");
      return;
    }
  job->result->changed = 1;
  g_task_return_pointer (task, g_steal_pointer (&job->result), (GDestroyNotify) nd_write_result_free);
  g_object_unref (task);
}

static gboolean
groups_contain (JsonNode *data, const char *group, char **list)
{
  g_autoptr(GString) all = g_string_new (NULL);
  gboolean found = FALSE;

  if (data != NULL && JSON_NODE_HOLDS_ARRAY (data))
    {
      JsonArray *arr = json_node_get_array (data);

      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          const char *name = json_node_get_string (json_array_get_element (arr, i));

          if (name == NULL)
            continue;
          found |= g_strcmp0 (name, group) == 0;
          g_string_append_printf (all, "%s%s", all->len ? ", " : "", name);
        }
    }
  *list = g_string_free (g_steal_pointer (&all), FALSE);
  return found;
}

/* ---- replies ------------------------------------------------------------- */

static void
fail (GTask *task, GError *error)
{
  UserJob *job = g_task_get_task_data (task);

  if (job->next > 0)
    g_prefix_error (&error, _("%u of %u users were changed before this one failed. "),
                    job->next, job->write->ids->len);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
step_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  UserJob *job = g_task_get_task_data (task);
  const NdWrite *w = job->write;
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;

  if (job->step == STEP_READ || job->step == STEP_GROUPS || job->step == STEP_FIND)
    data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  else
    data = nd_http_client_request_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL)
    return fail (task, error);

  switch (job->step)
    {
    case STEP_GROUPS:
      {
        g_autofree char *list = NULL;

        if (!groups_contain (data, w->user->group, &list))
          return fail (task, g_error_new (ND_ERROR, ND_ERROR_INVALID_INPUT,
                                          _("“%s” is not a group of this NewAPI (the groups of "
                                            "GroupRatio: %s). Nothing was changed."),
                                          w->user->group, *list ? list : "—"));
        return read_user (task);
      }
    case STEP_READ:
      if (!JSON_NODE_HOLDS_OBJECT (data))
        return fail (task, g_error_new (ND_ERROR, ND_ERROR_PROTOCOL,
                                        _("NewAPI answered /api/user/ without the user")));
      job->current = json_object_ref (json_node_get_object (data));
      if (w->kind == ND_WRITE_USER_QUOTA ||
          (w->user->mask & (ND_USER_FIELD_DISPLAY_NAME | ND_USER_FIELD_GROUP |
                            ND_USER_FIELD_REMARK | ND_USER_FIELD_PASSWORD)))
        return send_put (task);
      return next_after_put (task);
    case STEP_PUT:
      if (w->kind == ND_WRITE_USER_QUOTA)
        break;
      return next_after_put (task);
    case STEP_MANAGE:
      job->result->changed++;
      if (++job->next < w->ids->len)
        return send_manage (task, g_array_index (w->ids, gint64, job->next), manage_action (w));
      break;
    case STEP_CREATE:
      return find_created (task);
    case STEP_FIND:
      {
        JsonArray *items = NULL;
        gint64 total;

        /* The user exists either way; only its id may stay unknown. */
        if (nd_http_page_items (data, &items, &total, &error))
          for (guint i = 0; items && i < json_array_get_length (items); i++)
            {
              JsonObject *obj = nd_http_item_object (items, i, &error);

              if (obj != NULL && g_strcmp0 (json_object_get_string_member_with_default (obj,
                                            "username", NULL), job->username) == 0)
                job->result->new_id = nd_json_int (obj, "id", 0);
            }
        if (error != NULL)
          {
            g_debug ("new user id not found: %s", error->message);
            g_clear_error (&error);
          }
        break;
      }
    case STEP_ROLE:
    default:
      break;
    }
  if (job->result->changed == 0)
    job->result->changed = 1;
  g_task_return_pointer (task, g_steal_pointer (&job->result), (GDestroyNotify) nd_write_result_free);
  g_object_unref (task);
}

void
_nd_http_source_write_user (GTask *task, const NdWrite *write)
{
  UserJob *job = g_new0 (UserJob, 1);

  job->write = nd_write_copy (write);
  job->result = nd_write_result_new ();
  g_task_set_task_data (task, job, (GDestroyNotify) user_job_free);

  switch (write->kind)
    {
    case ND_WRITE_USER_RESTORE:
      g_task_return_new_error (task, ND_ERROR, ND_ERROR_UNSUPPORTED,
                               _("NewAPI’s API has no way to restore a deleted user; a profile "
                                 "with the database connection can."));
      g_object_unref (task);
      return;
    case ND_WRITE_USER_QUOTA:
      if (write->reason != NULL && *write->reason != '\0')
        add_notice (job, _("NewAPI’s API keeps no reason with a quota change; the reason given "
                           "here was not sent."));
      if (!has_quota_api (task))
        return read_user (task);
      G_GNUC_FALLTHROUGH;
    case ND_WRITE_USER_STATUS:
    case ND_WRITE_USER_DELETE:
      job->step = STEP_MANAGE;
      send_manage (task, g_array_index (write->ids, gint64, 0), manage_action (write));
      return;
    case ND_WRITE_USER_CREATE:
      job->username = g_strstrip (g_strdup (write->user->username));
      send_create (task);
      return;
    case ND_WRITE_USER_UPDATE:
      if (write->user->mask & ND_USER_FIELD_GROUP)
        {
          job->step = STEP_GROUPS;
          get (task, "/api/group/", NULL);
          return;
        }
      read_user (task);
      return;
    default:
      g_assert_not_reached ();
    }
}

/* ---- detail -------------------------------------------------------------- */

typedef struct {
  gint64 id;
  gboolean searched;
} UserRead;

static void user_read_done (GObject *object, GAsyncResult *result, gpointer user_data);

static void
user_read_search (GTask *task)
{
  UserRead *ur = g_task_get_task_data (task);
  g_autoptr(GString) q = g_string_new (NULL);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, ur->id);

  ur->searched = TRUE;
  nd_http_query_add (q, "keyword", id);
  nd_http_query_add_int (q, "p", 1);
  nd_http_query_add_int (q, "page_size", SEARCH_PAGE_SIZE);
  nd_http_client_get_async (task_client (task), "/api/user/search", q->str, ND_HTTP_FLAG_NONE,
                            g_task_get_cancellable (task), user_read_done, task);
}

static void
user_read_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  UserRead *ur = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;
  NdUser *user = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL && !ur->searched && error->code == ND_ERROR_SERVER)
    {
      /* NewAPI's read skips deleted users ("record not found"); its
       * search does not. */
      g_clear_error (&error);
      return user_read_search (task);
    }
  if (data != NULL && !ur->searched && JSON_NODE_HOLDS_OBJECT (data))
    user = nd_http_read_user (json_node_get_object (data), &error);
  else if (data != NULL && ur->searched)
    {
      JsonArray *items = NULL;
      gint64 total;

      if (nd_http_page_items (data, &items, &total, &error))
        for (guint i = 0; user == NULL && items && i < json_array_get_length (items); i++)
          {
            JsonObject *obj = nd_http_item_object (items, i, &error);

            if (obj != NULL && nd_json_int (obj, "id", 0) == ur->id)
              user = nd_http_read_user (obj, &error);
          }
      if (user == NULL && error == NULL)
        error = g_error_new (ND_ERROR, ND_ERROR_NOT_FOUND,
                             _("User #%" PRId64 " does not exist (any more)"), ur->id);
    }
  else if (data != NULL)
    error = g_error_new (ND_ERROR, ND_ERROR_PROTOCOL, _("NewAPI answered /api/user/ without the user"));

  if (user != NULL)
    g_task_return_pointer (task, user, (GDestroyNotify) nd_user_free);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

static void
http_get_user_async (NdSource *source, gint64 id, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  UserRead *ur = g_new0 (UserRead, 1);
  g_autofree char *path = g_strdup_printf ("/api/user/%" G_GINT64_FORMAT, id);

  g_task_set_source_tag (task, http_get_user_async);
  ur->id = id;
  g_task_set_task_data (task, ur, g_free);
  nd_http_client_get_async (task_client (task), path, NULL, ND_HTTP_FLAG_NONE, cancellable,
                            user_read_done, task);
}

void
_nd_http_source_class_init_users (NdSourceClass *klass)
{
  klass->get_user_async = http_get_user_async;
}
