/* nd-log-sql.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-log-sql.h"

#define COLUMNS_BASE \
  "id, created_at, user_id, token_id, channel_id, quota, prompt_tokens, " \
  "completion_tokens, use_time, type, is_stream, username, token_name, model_name, " \
  "\"group\", ip, "

const char *
nd_log_sql_columns (gboolean has_request_id)
{
  if (has_request_id)
    return COLUMNS_BASE "request_id, upstream_request_id, content, other";
  return COLUMNS_BASE "NULL::text AS request_id, NULL::text AS upstream_request_id, content, other";
}

NdLogSql *
nd_log_sql_new (void)
{
  NdLogSql *s = g_new0 (NdLogSql, 1);

  s->sql = g_string_new (NULL);
  s->params = g_ptr_array_new_with_free_func (g_free);
  return s;
}

void
nd_log_sql_free (NdLogSql *s)
{
  if (s == NULL)
    return;
  g_string_free (s->sql, TRUE);
  g_ptr_array_unref (s->params);
  g_free (s);
}

const char *
nd_log_sql_param (NdLogSql *s, const char *value)
{
  char buf[16];

  g_ptr_array_add (s->params, g_strdup (value));
  g_snprintf (buf, sizeof buf, "$%u", s->params->len);
  /* Interned: "$1"…"$n" are few and the string must outlive this call. */
  return g_intern_string (buf);
}

const char *
nd_log_sql_param_int (NdLogSql *s, gint64 value)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  return nd_log_sql_param (s, buf);
}

char *
nd_log_sql_text_array (GPtrArray *values)
{
  GString *out = g_string_new ("{");

  for (guint i = 0; i < values->len; i++)
    {
      const char *v = g_ptr_array_index (values, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '"');
      for (const char *p = v; *p; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static void
add_text_eq (NdLogSql *s, const char *column, const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_string_append_printf (s->sql, " AND %s = %s", column, nd_log_sql_param (s, value));
}

gboolean
nd_log_sql_add_filters (NdLogSql *s, const NdLogQuery *q, gboolean has_request_id,
                        GError **error)
{
  if (q->from != 0)
    g_string_append_printf (s->sql, " AND created_at >= %s::bigint",
                            nd_log_sql_param_int (s, q->from));
  if (q->to != 0)
    g_string_append_printf (s->sql, " AND created_at < %s::bigint",
                            nd_log_sql_param_int (s, q->to));
  if (q->type != 0)
    g_string_append_printf (s->sql, " AND type = %s::bigint", nd_log_sql_param_int (s, q->type));
  if (q->user_id != 0)
    g_string_append_printf (s->sql, " AND user_id = %s::bigint",
                            nd_log_sql_param_int (s, q->user_id));
  if (q->token_id != 0)
    g_string_append_printf (s->sql, " AND token_id = %s::bigint",
                            nd_log_sql_param_int (s, q->token_id));
  add_text_eq (s, "username", q->username);
  add_text_eq (s, "token_name", q->token_name);
  if (q->models->len == 1)
    add_text_eq (s, "model_name", g_ptr_array_index (q->models, 0));
  else if (q->models->len > 1)
    {
      g_autofree char *arr = nd_log_sql_text_array (q->models);

      g_string_append_printf (s->sql, " AND model_name = ANY (%s::text[])",
                              nd_log_sql_param (s, arr));
    }
  if (q->channels->len == 1)
    g_string_append_printf (s->sql, " AND channel_id = %s::bigint",
                            nd_log_sql_param_int (s, g_array_index (q->channels, gint64, 0)));
  else if (q->channels->len > 1)
    {
      GString *arr = g_string_new ("{");

      for (guint i = 0; i < q->channels->len; i++)
        g_string_append_printf (arr, "%s%" G_GINT64_FORMAT, i ? "," : "",
                                g_array_index (q->channels, gint64, i));
      g_string_append_c (arr, '}');
      g_string_append_printf (s->sql, " AND channel_id = ANY (%s::bigint[])",
                              nd_log_sql_param (s, arr->str));
      g_string_free (arr, TRUE);
    }
  add_text_eq (s, "\"group\"", q->group);
  add_text_eq (s, "ip", q->ip);
  if (q->request_id != NULL && *q->request_id != '\0')
    {
      if (!has_request_id)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_UNSUPPORTED,
                       _("This server’s logs have no request id (added in NewAPI v1.0.0-rc.6)"));
          return FALSE;
        }
      add_text_eq (s, "request_id", q->request_id);
    }
  return TRUE;
}

NdLogSql *
nd_log_sql_select (const NdLogQuery *query, const char *select_list, gboolean has_request_id,
                   GError **error)
{
  g_autoptr(NdLogSql) s = nd_log_sql_new ();

  g_string_append_printf (s->sql, "SELECT %s FROM logs WHERE TRUE", select_list);
  if (!nd_log_sql_add_filters (s, query, has_request_id, error))
    return NULL;
  return g_steal_pointer (&s);
}

NdLogSql *
nd_log_sql_page (const NdLogQuery *query, const NdLogCursor *after, guint limit,
                 gboolean legacy_index, gboolean has_request_id, GError **error)
{
  g_autoptr(NdLogSql) s = nd_log_sql_select (query, nd_log_sql_columns (has_request_id),
                                             has_request_id, error);

  if (s == NULL)
    return NULL;
  if (after != NULL)
    {
      const char *c = nd_log_sql_param_int (s, after->created_at);
      const char *i = nd_log_sql_param_int (s, after->id);

      /* The plain bound lets an index that starts with created_at serve the
       * range when (created_at, id) itself is not indexed in that order. */
      if (legacy_index)
        g_string_append_printf (s->sql, " AND created_at <= %s::bigint", c);
      g_string_append_printf (s->sql, " AND (created_at, id) < (%s::bigint, %s::bigint)", c, i);
    }
  g_string_append_printf (s->sql, " ORDER BY created_at DESC, id DESC LIMIT %u", limit);
  return g_steal_pointer (&s);
}

NdLogSql *
nd_log_sql_tail (const NdLogQuery *query, gint64 after_id, guint limit,
                 gboolean has_request_id, GError **error)
{
  g_autoptr(NdLogSql) s = nd_log_sql_select (query, nd_log_sql_columns (has_request_id),
                                             has_request_id, error);

  if (s == NULL)
    return NULL;
  g_string_append_printf (s->sql, " AND id > %s::bigint ORDER BY id LIMIT %u",
                          nd_log_sql_param_int (s, after_id), limit);
  return g_steal_pointer (&s);
}

NdLogSql *
nd_log_sql_export (const NdLogQuery *query, gboolean has_request_id, GError **error)
{
  g_autoptr(NdLogSql) s = nd_log_sql_select (query, nd_log_sql_columns (has_request_id),
                                             has_request_id, error);

  if (s == NULL)
    return NULL;
  g_string_append (s->sql, " ORDER BY created_at DESC, id DESC");
  return g_steal_pointer (&s);
}
