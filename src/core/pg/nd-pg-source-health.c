/* nd-pg-source-health.c — health checks over PostgreSQL: the app probes the
 * channel's upstream itself, as NewAPI does (reference §2.6a)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   test_channel    the model list (model NULL) or NewAPI's test chat
 *   update_balance  the type's balance calls
 *   fetch_models    the model list's ids
 *
 * The channel's key is read in the worker, for this probe only: the first
 * key NewAPI would use is copied into the probe's target, the row's copy is
 * overwritten, and the target is wiped when the probe ends. Nothing here
 * records: the health runner (core/health) stores test results and
 * balances through the write path when the admin allows writes, so a
 * read-only profile can still probe.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "health/nd-upstream.h"
#include "nd-json.h"
#include "nd-pg-source-private.h"

typedef enum { PROBE_TEST, PROBE_MODELS, PROBE_BALANCE } ProbeKind;

typedef struct {
  gint64 id;
  ProbeKind kind;
  char *model;
  NdUpstreamTarget *target;    /* read by the worker */
} Probe;

static void
probe_free (Probe *p)
{
  g_free (p->model);
  nd_upstream_target_free (p->target);
  g_free (p);
}

/* setting.proxy, where the channel routes its requests through a proxy. */
static char *
read_proxy (const char *setting)
{
  g_autoptr(JsonNode) root = setting != NULL ? nd_json_parse_bounded (setting, -1, NULL) : NULL;
  char *proxy;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  proxy = nd_json_strdup (json_node_get_object (root), "proxy");
  if (proxy != NULL && *g_strstrip (proxy) == '\0')
    g_clear_pointer (&proxy, g_free);
  return proxy;
}

static void
target_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  Probe *p = job_data;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, p->id);
  const char *params[1] = { id };
  g_autoptr(PGresult) res = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *info = NULL;
  g_autofree char *setting = NULL;
  g_autofree char *price = NULL;
  NdUpstreamTarget *t;
  JsonObject *row;
  GError *error = NULL;

  /* to_jsonb reads every install's columns (old ones lack some); the key
   * stays out of it and comes alone. */
  res = nd_pg_exec (pg, "SELECT (to_jsonb (t) - 'key')::text, t.\"key\", "
                        "(SELECT value FROM options WHERE \"key\" = 'Price') "
                        "FROM channels t WHERE t.id = $1::bigint",
                    1, params, cancellable, &error);
  if (res == NULL)
    return g_task_return_error (task, error);
  if (PQntuples (res) == 0)
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_NOT_FOUND,
                                    _("Channel #%s does not exist (any more)"), id);
  root = nd_json_parse_bounded (PQgetvalue (res, 0, 0), -1, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      if (!PQgetisnull (res, 0, 1))
        nd_secure_wipe (PQgetvalue (res, 0, 1));
      return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PROTOCOL,
                                      _("Channel #%s could not be read"), id);
    }
  row = json_node_get_object (root);
  t = p->target = nd_upstream_target_new ();
  t->id = p->id;
  t->type = (int) nd_json_int (row, "type", 0);
  t->base_url = nd_json_strdup (row, "base_url");
  t->header_override = nd_json_strdup (row, "header_override");
  t->other = nd_json_strdup (row, "other");
  t->model_mapping = nd_json_strdup (row, "model_mapping");
  t->test_model = nd_json_strdup (row, "test_model");
  t->models = nd_json_strdup (row, "models");
  t->created_time = nd_json_int (row, "created_time", 0);
  setting = nd_json_strdup (row, "setting");
  t->proxy = read_proxy (setting);
  if (json_object_has_member (row, "channel_info") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (row, "channel_info")))
    {
      JsonNode *node = json_object_get_member (row, "channel_info");

      info = json_to_string (node, FALSE);
      t->is_multi_key = nd_json_bool (json_node_get_object (node), "is_multi_key");
    }
  if (!PQgetisnull (res, 0, 1))
    {
      t->key = nd_upstream_pick_key (PQgetvalue (res, 0, 1), t->is_multi_key, info);
      /* PQclear does not wipe: overwrite the key's copy inside the result. */
      nd_secure_wipe (PQgetvalue (res, 0, 1));
    }
  price = PQgetisnull (res, 0, 2) ? NULL : nd_pg_strdup (res, 0, 2);
  if (price != NULL && g_ascii_strtod (price, NULL) > 0)
    t->price = g_ascii_strtod (price, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
probed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *p = g_task_get_task_data (task);
  NdUpstream *upstream = ND_UPSTREAM (object);
  GError *error = NULL;

  switch (p->kind)
    {
    case PROBE_TEST:
      {
        NdChannelTest *test = nd_upstream_test_finish (upstream, result, &error);

        if (test == NULL)
          return g_task_return_error (task, error);
        g_task_return_pointer (task, test, (GDestroyNotify) nd_channel_test_free);
        return;
      }
    case PROBE_MODELS:
      {
        GStrv ids = nd_upstream_models_finish (upstream, result, &error);

        if (ids == NULL)
          return g_task_return_error (task, error);
        g_task_return_pointer (task, ids, (GDestroyNotify) g_strfreev);
        return;
      }
    case PROBE_BALANCE:
    default:
      {
        NdChannelBalance *balance = nd_upstream_balance_finish (upstream, result, &error);

        if (balance == NULL)
          return g_task_return_error (task, error);
        g_task_return_pointer (task, balance, (GDestroyNotify) nd_channel_balance_free);
        return;
      }
    }
}

static void
target_read (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *p = g_task_get_task_data (task);
  NdUpstream *upstream = nd_upstream_get_for (G_OBJECT (g_task_get_source_object (task)));
  GCancellable *cancellable = g_task_get_cancellable (task);
  NdUpstreamTarget *target;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return g_task_return_error (task, error);
  /* The probe owns the key from here and wipes it when it ends. */
  target = g_steal_pointer (&p->target);
  switch (p->kind)
    {
    case PROBE_TEST:
      nd_upstream_test_async (upstream, target, p->model, cancellable, probed,
                              g_steal_pointer (&task));
      break;
    case PROBE_MODELS:
      nd_upstream_models_async (upstream, target, cancellable, probed, g_steal_pointer (&task));
      break;
    case PROBE_BALANCE:
    default:
      nd_upstream_balance_async (upstream, target, cancellable, probed, g_steal_pointer (&task));
      break;
    }
}

static void
start (NdSource *source, ProbeKind kind, gint64 id, const char *model, GCancellable *cancellable,
       GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  Probe *p = g_new0 (Probe, 1);
  GTask *sub;

  g_task_set_source_tag (task, tag);
  p->id = id;
  p->kind = kind;
  p->model = g_strdup (model);
  g_task_set_task_data (task, p, (GDestroyNotify) probe_free);
  sub = g_task_new (source, cancellable, target_read, g_steal_pointer (&task));
  nd_pg_conn_run (nd_pg_source_get_main (ND_PG_SOURCE (source)), sub, target_job, p, NULL);
  g_object_unref (sub);
}

static void
pg_test_channel_async (NdSource *source, gint64 id, const char *model, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  start (source, PROBE_TEST, id, model, cancellable, callback, user_data, pg_test_channel_async);
}

static void
pg_update_balance_async (NdSource *source, gint64 id, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  start (source, PROBE_BALANCE, id, NULL, cancellable, callback, user_data,
         pg_update_balance_async);
}

static void
pg_fetch_models_async (NdSource *source, gint64 id, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  start (source, PROBE_MODELS, id, NULL, cancellable, callback, user_data, pg_fetch_models_async);
}

void
_nd_pg_source_class_init_health (NdSourceClass *klass)
{
  klass->test_channel_async = pg_test_channel_async;
  klass->update_balance_async = pg_update_balance_async;
  klass->fetch_models_async = pg_fetch_models_async;
}
