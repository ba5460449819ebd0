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
 * Not over HTTP: the IP filter (no API parameter: UNSUPPORTED); request_id
 * before v1.0.0-rc.6 (UNSUPPORTED).
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-http-source-logs-private.h"

#define MAX_STREAMS 16

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
  g_free (plan);
}

NdHttpLogPlan *
_nd_http_log_plan_new (NdHttpSource *self, const NdLogQuery *query, GError **error)
{
  g_autoptr(NdHttpLogPlan) plan = g_new0 (NdHttpLogPlan, 1);
  const NdHttpDialect *dialect = _nd_http_source_get_dialect (self);
  guint n_models = query && query->models ? query->models->len : 0;
  guint n_channels = query && query->channels ? query->channels->len : 0;

  plan->query = query ? nd_log_query_copy (query) : nd_log_query_new ();
  plan->streams = g_array_new (FALSE, TRUE, sizeof (NdHttpLogStream));
  g_array_set_clear_func (plan->streams, (GDestroyNotify) stream_clear);

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
  if (q->username && *q->username)
    nd_http_query_add (str, "username", q->username);
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
_nd_http_log_row_matches (const NdHttpLogStream *s, const NdLog *log)
{
  return s->model == NULL || g_strcmp0 (s->model, log->model_name) == 0;
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
