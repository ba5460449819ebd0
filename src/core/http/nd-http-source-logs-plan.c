/* nd-http-source-logs-plan.c — a log query as request streams over /api/log/
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Filters the API takes one value of (model_name, channel): a query with
 * several models and/or channels becomes one request stream per (model,
 * channel) pair, at most MAX_STREAMS; each stream is paged on its own and
 * the pages are merged by (created_at, id). Row sets of different pairs are
 * disjoint, so counts and sums add up exactly.
 *
 * Model names containing "%" are REFUSED (ND_ERROR_INVALID_INPUT): NewAPI
 * turns such a model_name into a LIKE pattern, and escaping cannot be made
 * portable (the backslash escape works on PostgreSQL and MySQL, not on
 * SQLite). Old servers apply LIKE to every model filter, where "_" matches
 * any character: rows are therefore re-checked for the exact model name
 * (counts from such servers may include look-alike names).
 *
 * The API has no user_id and no token_id parameter. A user_id becomes the
 * user's exact name (looked up once with /api/user/search, which matches
 * the id exactly and includes deleted users) sent as `username`, and rows
 * are re-checked for the id: logs keep the name a user had when they were
 * written, so rows from before a rename are not found over HTTP. A
 * token_id is checked here, row by row; once a row shows the token's owner,
 * later calls also send the owner's name, which cuts what the server sends
 * to that user's rows. Pages then stop after scanning a bounded number of
 * rows (see nd-http-source-logs.c), so a rare token costs a few requests
 * per page, not the whole log. Counts cannot be narrowed to one token:
 * estimate and totals refuse a token_id (UNSUPPORTED).
 *
 * Not over HTTP: the IP filter (no API parameter: UNSUPPORTED); request_id
 * before v1.0.0-rc.6 (UNSUPPORTED).
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-http-source-logs-private.h"

#define MAX_STREAMS 16
#define USER_LOOKUP_PAGES 5      /* /api/user/search pages to find an id in */

static void
stream_clear (NdHttpLogStream *s)
{
  g_free (s->model);
}

void
_nd_http_log_plan_free (NdHttpLogPlan *plan)
{
  if (plan == NULL)
    return;
  nd_log_query_free (plan->query);
  g_array_unref (plan->streams);
  g_free (plan->username);
  g_clear_pointer (&plan->names, g_hash_table_unref);
  g_free (plan);
}

static NdHttpLogPlan *
plan_new (NdHttpSource *self, const NdLogQuery *query, GError **error)
{
  g_autoptr(NdHttpLogPlan) plan = g_new0 (NdHttpLogPlan, 1);
  const NdHttpDialect *dialect = _nd_http_source_get_dialect (self);
  guint n_models = query && query->models ? query->models->len : 0;
  guint n_channels = query && query->channels ? query->channels->len : 0;

  plan->query = query ? nd_log_query_copy (query) : nd_log_query_new ();
  plan->streams = g_array_new (FALSE, TRUE, sizeof (NdHttpLogStream));
  g_array_set_clear_func (plan->streams, (GDestroyNotify) stream_clear);
  plan->names = g_hash_table_ref (_nd_http_source_get_log_names (self));
  if (plan->query->username != NULL && *plan->query->username != '\0')
    plan->username = g_strdup (plan->query->username);
  /* Rows are re-checked here for both ids: a name reused by another user
   * must not turn a page into an unbounded walk either. */
  plan->scans = plan->query->token_id != 0 || plan->query->user_id != 0;

  if (plan->query->ip != NULL && *plan->query->ip != '\0')
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("NewAPI’s admin API cannot filter logs by client IP; connect the database "
                     "for this filter"));
      return NULL;
    }
  if (plan->query->request_id != NULL && *plan->query->request_id != '\0' &&
      !dialect->has_request_id)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("This NewAPI version cannot filter logs by request id (added in v1.0.0-rc.6)"));
      return NULL;
    }
  for (guint i = 0; i < n_models; i++)
    {
      const char *model = g_ptr_array_index (plan->query->models, i);

      if (strchr (model, '%') != NULL)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                       _("The model name “%s” contains “%%”, which NewAPI’s admin API treats as "
                         "a wildcard. Such a name can only be filtered exactly with a database "
                         "connection."), model);
          return NULL;
        }
    }
  if (MAX (n_models, 1) * MAX (n_channels, 1) > MAX_STREAMS)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                   _("Over the admin API a log filter can combine at most %d models × channels "
                     "(this one has %u); narrow it or connect the database"),
                   MAX_STREAMS, MAX (n_models, 1) * MAX (n_channels, 1));
      return NULL;
    }
  for (guint m = 0; m < MAX (n_models, 1); m++)
    for (guint c = 0; c < MAX (n_channels, 1); c++)
      {
        NdHttpLogStream s = { 0 };

        s.model = n_models ? g_strdup (g_ptr_array_index (plan->query->models, m)) : NULL;
        s.channel = n_channels ? g_array_index (plan->query->channels, gint64, c) : 0;
        g_array_append_val (plan->streams, s);
      }
  return g_steal_pointer (&plan);
}

static char *
name_key (char kind, gint64 id)
{
  return g_strdup_printf ("%c:%" G_GINT64_FORMAT, kind, id);
}

/* Sets plan->username from a known user name; FALSE when it conflicts
 * with the query's own username (nothing can match). */
static void
plan_use_name (NdHttpLogPlan *plan, const char *name)
{
  if (plan->username == NULL)
    plan->username = g_strdup (name);
  else if (!g_str_equal (plan->username, name))
    plan->matches_nothing = TRUE;
}

typedef struct {
  NdHttpLogPlan *plan;
  NdHttpLogPlanned then;
  guint page;                  /* 1-based p of /api/user/search */
} PlanJob;

static void
plan_job_free (PlanJob *pj)
{
  g_clear_pointer (&pj->plan, _nd_http_log_plan_free);
  g_free (pj);
}

static void user_lookup_next (GTask *task, PlanJob *pj);

static void
user_lookup_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PlanJob *pj = g_object_get_data (G_OBJECT (task), "nd-http-log-plan");
  NdHttpLogPlan *plan = pj->plan;
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;
  JsonArray *items;
  gint64 total;
  guint n;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || !nd_http_page_items (data, &items, &total, &error))
    goto fail;
  n = items ? json_array_get_length (items) : 0;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *obj = nd_http_item_object (items, i, &error);
      g_autoptr(NdUser) user = obj ? nd_http_read_user (obj, &error) : NULL;

      if (user == NULL)
        goto fail;
      if (user->id == plan->query->user_id && user->username != NULL)
        {
          g_hash_table_replace (plan->names, name_key ('u', user->id), g_strdup (user->username));
          plan_use_name (plan, user->username);
          pj->then (task, g_steal_pointer (&pj->plan));
          g_object_set_data (G_OBJECT (task), "nd-http-log-plan", NULL);
          g_object_unref (task);
          return;
        }
    }
  /* The id matches exactly, other users only by LIKE on their names: the
   * user is on one of the first pages or does not exist. */
  if (n == ND_HTTP_LOG_PAGE_SIZE && (total < 0 || (gint64) pj->page * n < total) &&
      pj->page < USER_LOOKUP_PAGES)
    {
      pj->page++;
      user_lookup_next (task, pj);
      return;
    }
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, plan->query->user_id);

    g_set_error (&error, ND_ERROR, ND_ERROR_NOT_FOUND,
                 _("NewAPI has no user with id %s; the logs of a user removed for good can "
                   "only be found by user name or over the database"), id);
  }

fail:
  g_object_set_data (G_OBJECT (task), "nd-http-log-plan", NULL);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
user_lookup_next (GTask *task, PlanJob *pj)
{
  NdHttpSource *self = g_task_get_source_object (task);
  g_autoptr(GString) q = g_string_new (NULL);

  /* Ascending ids put a small id first among the LIKE matches of its digits. */
  nd_http_query_add_int (q, "keyword", pj->plan->query->user_id);
  nd_http_query_add_int (q, "p", pj->page);
  nd_http_query_add_int (q, "page_size", ND_HTTP_LOG_PAGE_SIZE);
  nd_http_query_add (q, "sort_by", "id");
  nd_http_query_add (q, "sort_order", "asc");
  nd_http_source_get (self, "/api/user/search", q->str, g_task_get_cancellable (task),
                      user_lookup_done, task);
}

void
_nd_http_log_plan_then (GTask *task, const NdLogQuery *query, NdHttpLogPlanned then)
{
  NdHttpSource *self = g_task_get_source_object (task);
  GError *error = NULL;
  NdHttpLogPlan *plan = plan_new (self, query, &error);
  PlanJob *pj;

  if (plan == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (plan->query->token_id != 0 && plan->username == NULL && plan->query->user_id == 0)
    {
      g_autofree char *key = name_key ('t', plan->query->token_id);
      const char *owner = g_hash_table_lookup (plan->names, key);

      if (owner != NULL)
        plan->username = g_strdup (owner);
    }
  if (plan->query->user_id != 0)
    {
      g_autofree char *key = name_key ('u', plan->query->user_id);
      const char *name = g_hash_table_lookup (plan->names, key);

      if (name == NULL)
        {
          pj = g_new0 (PlanJob, 1);
          pj->plan = plan;
          pj->then = then;
          pj->page = 1;
          g_object_set_data_full (G_OBJECT (task), "nd-http-log-plan", pj,
                                  (GDestroyNotify) plan_job_free);
          user_lookup_next (g_object_ref (task), pj);
          return;
        }
      plan_use_name (plan, name);
    }
  then (task, plan);
}

GString *
_nd_http_log_stream_query (const NdHttpLogPlan *plan, const NdHttpLogStream *s, int type, gint64 end)
{
  const NdLogQuery *q = plan->query;
  GString *str = g_string_new (NULL);
  gint64 last = q->to > 0 ? q->to - 1 : 0;

  if (end > 0 && (last == 0 || end < last))
    last = end;
  if (type != 0)
    nd_http_query_add_int (str, "type", type);
  if (q->from > 0)
    nd_http_query_add_int (str, "start_timestamp", q->from);
  if (last > 0)
    nd_http_query_add_int (str, "end_timestamp", last);
  if (plan->username != NULL)
    nd_http_query_add (str, "username", plan->username);
  if (q->token_name && *q->token_name)
    nd_http_query_add (str, "token_name", q->token_name);
  if (s->model)
    nd_http_query_add (str, "model_name", s->model);
  if (s->channel > 0)
    nd_http_query_add_int (str, "channel", s->channel);
  if (q->group && *q->group)
    nd_http_query_add (str, "group", q->group);
  if (q->request_id && *q->request_id)
    nd_http_query_add (str, "request_id", q->request_id);
  return str;
}

GPtrArray *
_nd_http_log_read_reply (JsonNode *data, guint *n_items, gint64 *total, GError **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  JsonArray *items;

  *n_items = 0;
  if (!nd_http_page_items (data, &items, total, error))
    return NULL;
  *n_items = items ? json_array_get_length (items) : 0;
  for (guint i = 0; i < *n_items; i++)
    {
      JsonObject *obj = nd_http_item_object (items, i, error);
      NdLog *log = obj ? nd_http_read_log (obj, error) : NULL;

      if (log == NULL)
        return NULL;
      g_ptr_array_add (rows, log);
    }
  return g_steal_pointer (&rows);
}

gboolean
_nd_http_log_row_matches (NdHttpLogPlan *plan, const NdHttpLogStream *s, const NdLog *log)
{
  const NdLogQuery *q = plan->query;

  if (s->model != NULL && g_strcmp0 (s->model, log->model_name) != 0)
    return FALSE;
  if (q->user_id != 0 && log->user_id != q->user_id)
    return FALSE;
  if (q->token_id != 0)
    {
      if (log->token_id != q->token_id)
        return FALSE;
      if (log->username != NULL && *log->username != '\0')
        {
          g_autofree char *key = name_key ('t', q->token_id);

          if (!g_hash_table_contains (plan->names, key))
            g_hash_table_insert (plan->names, g_steal_pointer (&key), g_strdup (log->username));
        }
    }
  return TRUE;
}

int
_nd_http_log_cmp_desc (gconstpointer a, gconstpointer b)
{
  const NdLog *x = *(NdLog * const *) a;
  const NdLog *y = *(NdLog * const *) b;

  if (x->created_at != y->created_at)
    return x->created_at < y->created_at ? 1 : -1;
  return x->id < y->id ? 1 : (x->id > y->id ? -1 : 0);
}
