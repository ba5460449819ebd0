/* nd-pg-source-channel.c — one channel with every detail, for its editor
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The key is read only inside the worker, to build masked previews of a
 * multi-key channel's keys; it is wiped there and never returned.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nd-pg-source-private.h"
#include "nd-records-json.h"
#include "nd-secure-string.h"
#include "health/nd-upstream-plan.h"

/* A multi-key channel's keys: a JSON array (Vertex AI service accounts,
 * previewed by their position only) or one key per line. */
static JsonArray *
key_previews (const char *key)
{
  JsonArray *previews = json_array_new ();
  g_autoptr(GPtrArray) keys = NULL;

  if (key == NULL)
    return previews;
  /* Split as NewAPI does, so that preview i is the key whose status is
   * multi_key_status_list["i"]: a blank line in between keeps its index. */
  keys = nd_upstream_split_keys (key);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *k = g_ptr_array_index (keys, i);
      g_autofree char *stripped = g_strstrip (g_strdup (k));
      g_autofree char *masked = NULL;

      if (*stripped == '{')
        json_array_add_string_element (previews, "{…}");   /* a service account */
      else if (*stripped == '\0')
        json_array_add_string_element (previews, _("(empty line)"));
      else
        {
          masked = nd_mask_secret (stripped);
          json_array_add_string_element (previews, masked);
        }
      nd_secure_wipe (stripped);
    }
  return previews;
}

static void
channel_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, *(gint64 *) job_data);
  const char *params[1] = { id };
  g_autoptr(PGresult) res = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonArray) previews = NULL;
  g_autoptr(NdSecret) key = NULL;
  GError *error = NULL;

  res = nd_pg_exec (pg, "SELECT (to_jsonb (t) - 'key')::text, t.\"key\" FROM channels t "
                        "WHERE t.id = $1::bigint", 1, params, cancellable, &error);
  if (res == NULL)
    return g_task_return_error (task, error);
  if (PQntuples (res) == 0)
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_NOT_FOUND,
                                    _("Channel #%s does not exist (any more)"), id);
  key = nd_pg_strdup (res, 0, 1);
  /* PQclear does not wipe: overwrite the key's copy inside the result. */
  if (!PQgetisnull (res, 0, 1))
    nd_secure_wipe (PQgetvalue (res, 0, 1));
  previews = key_previews (key);
  if (!json_parser_load_from_data (parser, PQgetvalue (res, 0, 0), -1, &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_clear_error (&error);
      return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PROTOCOL,
                                      _("Channel #%s could not be read"), id);
    }
  {
    NdChannel *channel = nd_channel_read_json (json_node_get_object (json_parser_get_root (parser)),
                                               previews, &error);

    if (channel == NULL)
      return g_task_return_error (task, error);
    g_task_return_pointer (task, channel, (GDestroyNotify) nd_channel_free);
  }
}

static void
pg_get_channel_async (NdSource *source, gint64 id, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, pg_get_channel_async);
  nd_pg_conn_run (nd_pg_source_get_main (ND_PG_SOURCE (source)), task, channel_job,
                  g_memdup2 (&id, sizeof id), g_free);
}

void
_nd_pg_source_class_init_channel (NdSourceClass *klass)
{
  klass->get_channel_async = pg_get_channel_async;
}
