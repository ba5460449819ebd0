/* nd-log-query.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-log-query.h"

G_DEFINE_BOXED_TYPE (NdLogQuery, nd_log_query, nd_log_query_copy, nd_log_query_free)

NdLogQuery *
nd_log_query_new (void)
{
  NdLogQuery *q = g_new0 (NdLogQuery, 1);

  q->models = g_ptr_array_new_with_free_func (g_free);
  q->channels = g_array_new (FALSE, FALSE, sizeof (gint64));
  return q;
}

NdLogQuery *
nd_log_query_copy (const NdLogQuery *query)
{
  NdLogQuery *q;

  g_return_val_if_fail (query != NULL, NULL);

  q = nd_log_query_new ();
  q->from = query->from;
  q->to = query->to;
  q->type = query->type;
  q->user_id = query->user_id;
  q->token_id = query->token_id;
  q->username = g_strdup (query->username);
  q->token_name = g_strdup (query->token_name);
  q->group = g_strdup (query->group);
  q->ip = g_strdup (query->ip);
  q->request_id = g_strdup (query->request_id);
  for (guint i = 0; i < query->models->len; i++)
    g_ptr_array_add (q->models, g_strdup (g_ptr_array_index (query->models, i)));
  g_array_append_vals (q->channels, query->channels->data, query->channels->len);
  return q;
}

void
nd_log_query_free (NdLogQuery *query)
{
  if (query == NULL)
    return;
  g_free (query->username);
  g_free (query->token_name);
  g_free (query->group);
  g_free (query->ip);
  g_free (query->request_id);
  g_ptr_array_unref (query->models);
  g_array_unref (query->channels);
  g_free (query);
}

static gboolean
str_equal0 (const char *a, const char *b)
{
  return g_strcmp0 (a && *a ? a : NULL, b && *b ? b : NULL) == 0;
}

gboolean
nd_log_query_equal (const NdLogQuery *a, const NdLogQuery *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  if (a->from != b->from || a->to != b->to || a->type != b->type ||
      a->user_id != b->user_id || a->token_id != b->token_id ||
      !str_equal0 (a->username, b->username) || !str_equal0 (a->token_name, b->token_name) ||
      !str_equal0 (a->group, b->group) || !str_equal0 (a->ip, b->ip) ||
      !str_equal0 (a->request_id, b->request_id) ||
      a->models->len != b->models->len || a->channels->len != b->channels->len)
    return FALSE;
  for (guint i = 0; i < a->models->len; i++)
    if (g_strcmp0 (g_ptr_array_index (a->models, i), g_ptr_array_index (b->models, i)) != 0)
      return FALSE;
  /* memcmp must not see the NULL data of an empty array. */
  return a->channels->len == 0 ||
         memcmp (a->channels->data, b->channels->data, a->channels->len * sizeof (gint64)) == 0;
}

gboolean
nd_log_query_is_empty (const NdLogQuery *query)
{
  g_autoptr(NdLogQuery) empty = nd_log_query_new ();

  return nd_log_query_equal (query, empty);
}

void
nd_log_query_add_model (NdLogQuery *query, const char *model)
{
  g_return_if_fail (query != NULL && model != NULL);

  for (guint i = 0; i < query->models->len; i++)
    if (g_str_equal (g_ptr_array_index (query->models, i), model))
      return;
  g_ptr_array_add (query->models, g_strdup (model));
}

void
nd_log_query_add_channel (NdLogQuery *query, gint64 channel_id)
{
  g_return_if_fail (query != NULL);

  for (guint i = 0; i < query->channels->len; i++)
    if (g_array_index (query->channels, gint64, i) == channel_id)
      return;
  g_array_append_val (query->channels, channel_id);
}

static void
append_pair (GString *s, const char *key, const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL || *value == '\0')
    return;
  escaped = g_uri_escape_string (value, NULL, TRUE);
  if (s->len > 0)
    g_string_append_c (s, '&');
  g_string_append_printf (s, "%s=%s", key, escaped);
}

static void
append_int (GString *s, const char *key, gint64 value)
{
  char buf[32];

  if (value == 0)
    return;
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  append_pair (s, key, buf);
}

char *
nd_log_query_to_string (const NdLogQuery *query)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (query != NULL, NULL);

  append_int (s, "from", query->from);
  append_int (s, "to", query->to);
  append_int (s, "type", query->type);
  append_int (s, "user_id", query->user_id);
  append_pair (s, "username", query->username);
  append_int (s, "token_id", query->token_id);
  append_pair (s, "token_name", query->token_name);
  for (guint i = 0; i < query->models->len; i++)
    append_pair (s, "model", g_ptr_array_index (query->models, i));
  for (guint i = 0; i < query->channels->len; i++)
    {
      gint64 id = g_array_index (query->channels, gint64, i);
      char buf[32];

      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, id);
      append_pair (s, "channel", buf);
    }
  append_pair (s, "group", query->group);
  append_pair (s, "ip", query->ip);
  append_pair (s, "request_id", query->request_id);
  return g_string_free (s, FALSE);
}

static gboolean
parse_int (const char *key, const char *value, gint64 *out, GError **error)
{
  char *end = NULL;
  gint64 v;

  errno = 0;
  v = g_ascii_strtoll (value, &end, 10);
  if (end == value || *end != '\0' || errno != 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("“%s” is not a number (in filter “%s”)"), value, key);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

NdLogQuery *
nd_log_query_from_string (const char *string, GError **error)
{
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  g_auto(GStrv) pairs = NULL;

  if (string == NULL || *string == '\0')
    return g_steal_pointer (&q);

  pairs = g_strsplit (string, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *eq = strchr (pairs[i], '=');
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;
      gint64 n;

      if (pairs[i][0] == '\0')
        continue;
      if (eq == NULL)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                       _("Malformed filter “%s”"), pairs[i]);
          return NULL;
        }
      key = g_strndup (pairs[i], eq - pairs[i]);
      value = g_uri_unescape_string (eq + 1, NULL);
      if (value == NULL)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                       _("Malformed filter “%s”"), pairs[i]);
          return NULL;
        }

      if (g_str_equal (key, "from") || g_str_equal (key, "to") ||
          g_str_equal (key, "type") || g_str_equal (key, "channel") ||
          g_str_equal (key, "user_id") || g_str_equal (key, "token_id"))
        {
          if (!parse_int (key, value, &n, error))
            return NULL;
          if (g_str_equal (key, "from"))
            q->from = n;
          else if (g_str_equal (key, "to"))
            q->to = n;
          else if (g_str_equal (key, "type"))
            q->type = (int) n;
          else if (g_str_equal (key, "user_id"))
            q->user_id = n;
          else if (g_str_equal (key, "token_id"))
            q->token_id = n;
          else
            nd_log_query_add_channel (q, n);
        }
      else if (g_str_equal (key, "username"))
        g_free (q->username), q->username = g_steal_pointer (&value);
      else if (g_str_equal (key, "token_name"))
        g_free (q->token_name), q->token_name = g_steal_pointer (&value);
      else if (g_str_equal (key, "model"))
        nd_log_query_add_model (q, value);
      else if (g_str_equal (key, "group"))
        g_free (q->group), q->group = g_steal_pointer (&value);
      else if (g_str_equal (key, "ip"))
        g_free (q->ip), q->ip = g_steal_pointer (&value);
      else if (g_str_equal (key, "request_id"))
        g_free (q->request_id), q->request_id = g_steal_pointer (&value);
      else
        {
          g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                       _("Unknown filter “%s”"), key);
          return NULL;
        }
    }
  return g_steal_pointer (&q);
}
