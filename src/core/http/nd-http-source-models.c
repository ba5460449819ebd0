/* nd-http-source-models.c — the model catalogue over NewAPI's admin API
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The API has no abilities table, so the models come from the channel list
 * split as NewAPI splits it (nd_model_catalog_add_channel), which is what
 * UpdateAbilities would have written. Then:
 *   GET /api/pricing  public: the server's own figures per served model
 *                     (used where the options cannot be read) and the
 *                     group ratios it shows;
 *   GET /api/option/  root only: the five price options as stored, which
 *                     alone tell an unpriced model from one at the
 *                     fallback ratio;
 *   GET /api/group/   otherwise: the group names.
 * Users and tokens per group would cost a search per group (and tokens
 * are self-scoped, reference §3.5): their counts stay unknown (-1).
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "nd-http-source-private.h"
#include "nd-model-catalog.h"

typedef struct {
  NdModelCatalog *catalog;
  JsonNode *group_ratio;       /* /api/pricing's group_ratio object, or NULL */
} CatalogJob;

static void
catalog_job_free (CatalogJob *job)
{
  g_clear_pointer (&job->catalog, nd_model_catalog_unref);
  g_clear_pointer (&job->group_ratio, json_node_unref);
  g_free (job);
}

static NdHttpClient *
task_client (GTask *task)
{
  return nd_http_source_get_client (ND_HTTP_SOURCE (g_task_get_source_object (task)));
}

static void
finish (GTask *task)
{
  CatalogJob *job = g_task_get_task_data (task);
  NdModelCatalog *catalog = job->catalog;

  for (guint m = 0; m < catalog->models->len; m++)
    {
      g_auto(GStrv) served = nd_model_entry_groups (g_ptr_array_index (catalog->models, m));

      for (guint i = 0; served[i] != NULL; i++)
        nd_model_catalog_ensure_group (catalog, served[i]);
    }
  for (guint i = 0; i < catalog->groups->len; i++)
    {
      NdGroupEntry *g = g_ptr_array_index (catalog->groups, i);

      g->ratio = nd_pricing_get (catalog->pricing, ND_PRICING_GROUP_RATIO, g->name);
    }
  nd_model_catalog_sort (catalog);
  g_task_return_pointer (task, g_steal_pointer (&job->catalog),
                         (GDestroyNotify) nd_model_catalog_unref);
}

/* ---- not root: /api/group/ and the public group ratios ------------------ */

static void
groups_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  CatalogJob *job = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL)
    return g_task_return_error (task, error);
  if (JSON_NODE_HOLDS_ARRAY (data))
    {
      JsonArray *names = json_node_get_array (data);

      for (guint i = 0; i < json_array_get_length (names); i++)
        {
          JsonNode *n = json_array_get_element (names, i);

          if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING &&
              *json_node_get_string (n) != '\0')
            nd_model_catalog_ensure_group (job->catalog, json_node_get_string (n));
        }
    }
  finish (task);
}

static void
without_options (GTask *task, const char *why)
{
  CatalogJob *job = g_task_get_task_data (task);

  job->catalog->pricing_note = g_strdup (why);
  /* The ratios NewAPI shows on its price page stand in for GroupRatio. */
  if (job->group_ratio != NULL)
    {
      g_autofree char *text = json_to_string (job->group_ratio, FALSE);

      nd_pricing_set_option (job->catalog->pricing, ND_PRICING_GROUP_RATIO, text, NULL);
    }
  nd_http_client_get_async (task_client (task), "/api/group/", NULL, ND_HTTP_FLAG_NONE,
                            g_task_get_cancellable (task), groups_done, task);
}

/* ---- root: the options as stored ----------------------------------------- */

/* Reads the price options out of GET /api/option/'s [{key, value}]. */
gboolean
_nd_http_read_price_options (JsonNode *data, NdPricing *pricing, GError **error)
{
  JsonArray *items;
  gboolean seen[ND_PRICING_N_OPTIONS] = { FALSE };

  if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data))
    {
      g_set_error_literal (error, ND_ERROR, ND_ERROR_PROTOCOL,
                           _("NewAPI’s option list is not a list"));
      return FALSE;
    }
  items = json_node_get_array (data);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *o = nd_http_item_object (items, i, error);
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;
      NdPricingOption option;

      if (o == NULL)
        return FALSE;
      key = nd_json_read_str (o, "key", error);
      value = nd_json_read_str (o, "value", error);
      if (key == NULL)
        continue;
      if (g_str_equal (key, "SelfUseModeEnabled"))
        nd_pricing_set_self_use (pricing, g_strcmp0 (value, "true") == 0);
      else if (nd_pricing_option_from_key (key, &option) && !seen[option])
        {
          seen[option] = TRUE;
          /* A map NewAPI could not read stays unknown; the edit refuses it. */
          nd_pricing_set_option (pricing, option, value ? value : "", NULL);
        }
    }
  return error == NULL || *error == NULL;
}

static void
options_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  CatalogJob *job = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GError) error = NULL;
  GStrv names;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL && nd_error_is_cancelled (error))
    return g_task_return_error (task, g_steal_pointer (&error));
  if (data == NULL || !_nd_http_read_price_options (data, job->catalog->pricing, &error))
    {
      g_autofree char *why = g_strdup_printf (_("NewAPI did not give its price options (%s): "
                                                "prices come from its public price list."),
                                              error->message);

      return without_options (g_steal_pointer (&task), why);
    }
  names = nd_pricing_dup_names (job->catalog->pricing, ND_PRICING_GROUP_RATIO);
  for (guint i = 0; names[i] != NULL; i++)
    nd_model_catalog_ensure_group (job->catalog, names[i]);
  g_strfreev (names);
  finish (task);
}

/* ---- /api/pricing --------------------------------------------------------- */

static gboolean
read_pricing (CatalogJob *job, JsonNode *root, GError **error)
{
  JsonObject *obj;
  JsonNode *data, *groups;
  JsonArray *items;

  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      (data = json_object_get_member (json_node_get_object (root), "data")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (data))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("NewAPI’s /api/pricing reply has no model list"));
      return FALSE;
    }
  obj = json_node_get_object (root);
  groups = json_object_get_member (obj, "group_ratio");
  if (groups != NULL && JSON_NODE_HOLDS_OBJECT (groups))
    job->group_ratio = json_node_copy (groups);
  items = json_node_get_array (data);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *o = nd_http_item_object (items, i, error);
      g_autofree char *name = o ? nd_json_read_str (o, "model_name", error) : NULL;
      NdModelEntry *e;

      if (o == NULL)
        return FALSE;
      if (name == NULL)
        continue;
      /* Listed but offered by no channel we saw: NewAPI still knows it. */
      e = nd_model_catalog_ensure (job->catalog, name);
      e->listed_quota_type = (int) nd_json_read_int (o, "quota_type", ND_JSON_CODE, 0, error);
      e->listed_ratio = nd_json_read_double (o, "model_ratio", 0, 1e12, NAN, error);
      e->listed_completion = nd_json_read_double (o, "completion_ratio", 0, 1e12, NAN, error);
      e->listed_price = nd_json_read_double (o, "model_price", 0, 1e12, NAN, error);
      /* Per-call models come with ratio 0 and completion 0: not figures. */
      if (e->listed_quota_type == 1)
        e->listed_ratio = e->listed_completion = NAN;
      if (*error != NULL)
        return FALSE;
    }
  return TRUE;
}

static void
pricing_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  CatalogJob *job = g_task_get_task_data (task);
  NdHttpSource *self = g_task_get_source_object (task);
  g_autoptr(JsonNode) root = NULL;
  GCancellable *cancellable;
  NdHttpClient *client;
  GError *error = NULL;

  root = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (root == NULL || !read_pricing (job, root, &error))
    return g_task_return_error (task, error);
  if (_nd_http_source_get_dialect (self)->role < 100)
    return without_options (g_steal_pointer (&task),
                            _("Only a root user can read NewAPI’s price options: prices come "
                              "from its public price list, where a model with no price cannot "
                              "be told from one at the fallback ratio."));
  cancellable = g_task_get_cancellable (task);
  client = task_client (task);
  nd_http_client_get_async (client, "/api/option/", NULL, ND_HTTP_FLAG_NONE, cancellable,
                            options_done, g_steal_pointer (&task));
}

static void
channels_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  CatalogJob *job = g_task_get_task_data (task);
  g_autoptr(GPtrArray) channels = NULL;
  GCancellable *cancellable;
  NdHttpClient *client;
  GError *error = NULL;

  channels = nd_source_list_channels_finish (ND_SOURCE (object), result, &error);
  if (channels == NULL)
    return g_task_return_error (task, error);
  for (guint i = 0; i < channels->len; i++)
    {
      const NdChannel *ch = g_ptr_array_index (channels, i);

      nd_model_catalog_add_channel (job->catalog, ch->id, ch->name, ch->status, ch->models,
                                    ch->group, ch->model_mapping);
    }
  cancellable = g_task_get_cancellable (task);
  client = task_client (task);
  nd_http_client_get_async (client, "/api/pricing", NULL, ND_HTTP_FLAG_RAW, cancellable,
                            pricing_done, g_steal_pointer (&task));
}

static void
http_model_catalog_async (NdSource *source, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  CatalogJob *job = g_new0 (CatalogJob, 1);

  g_task_set_source_tag (task, http_model_catalog_async);
  job->catalog = nd_model_catalog_new ();
  g_task_set_task_data (task, job, (GDestroyNotify) catalog_job_free);
  nd_source_list_channels_async (source, cancellable, channels_done, task);
}

void
_nd_http_source_class_init_models (NdSourceClass *klass)
{
  klass->model_catalog_async = http_model_catalog_async;
}
