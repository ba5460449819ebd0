/* nd-http-source-prices.c — model prices and group ratios through PUT /api/option/
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NewAPI's own price editor sends each option whole: PUT /api/option/
 * {key, value} with the map's JSON text (reference §3.10). So an edit
 * reads the options (GET /api/option/, root only), changes one member of
 * each option it touches (nd_pricing_plan, nd_pricing_json_set: the rest
 * of the text byte for byte) and puts them back, options that gain the
 * model first, so that no moment leaves it unpriced. The API has no lock:
 * an edit of the same option by someone else between the read and the put
 * would be lost; the window is one round trip. NewAPI writes the audit row
 * (option.update) and updates the node's caches itself.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nd-http-source-private.h"
#include "nd-pricing.h"

typedef struct {
  NdWrite *write;
  NdPricing *pricing;
  GPtrArray *changes;          /* (element-type NdPriceChange) */
  guint next;                  /* the change being put */
  GString *saved;              /* keys already put, for a partial failure */
  NdWriteResult *result;
} PriceJob;

static void
price_job_free (PriceJob *job)
{
  nd_write_free (job->write);
  g_clear_pointer (&job->pricing, nd_pricing_unref);
  g_clear_pointer (&job->changes, g_ptr_array_unref);
  g_string_free (job->saved, TRUE);
  g_clear_pointer (&job->result, nd_write_result_free);
  g_free (job);
}

static NdHttpClient *
task_client (GTask *task)
{
  return nd_http_source_get_client (ND_HTTP_SOURCE (g_task_get_source_object (task)));
}

static void put_next (GTask *task);

static void
put_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  PriceJob *job = g_task_get_task_data (task);
  const NdPriceChange *c = g_ptr_array_index (job->changes, job->next);
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;

  data = nd_http_client_request_finish (ND_HTTP_CLIENT (object), result, &error);
  if (error != NULL)
    {
      if (job->saved->len > 0)
        g_prefix_error (&error, _("%s was saved, %s was not: "), job->saved->str,
                        nd_pricing_option_key (c->option));
      return g_task_return_error (task, error);
    }
  g_string_append_printf (job->saved, "%s%s", job->saved->len ? ", " : "",
                          nd_pricing_option_key (c->option));
  job->next++;
  put_next (g_steal_pointer (&task));
}

static void
put_next (GTask *task)
{
  PriceJob *job = g_task_get_task_data (task);
  const NdPriceChange *c;
  g_autofree char *text = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;

  if (job->next >= job->changes->len)
    {
      job->result->changed = job->changes->len;
      job->result->notice =
        g_strdup (job->changes->len == 0
                  ? _("The price was already set so: nothing was changed.")
                  : _("Saved. The NewAPI node that took the change bills with it at once; "
                      "other nodes reload their options within SYNC_FREQUENCY seconds (60 by "
                      "default)."));
      g_task_return_pointer (task, g_steal_pointer (&job->result),
                             (GDestroyNotify) nd_write_result_free);
      g_object_unref (task);
      return;
    }
  c = g_ptr_array_index (job->changes, job->next);
  text = nd_pricing_json_set (nd_pricing_get_text (job->pricing, c->option), c->member,
                              c->new_value, &error);
  if (text == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, nd_pricing_option_key (c->option));
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, text);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);
  nd_http_client_request_async (task_client (task), "PUT", "/api/option/", NULL, body,
                                ND_HTTP_FLAG_NONE, g_task_get_cancellable (task), put_done, task);
}

static void
options_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PriceJob *job = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  GError *error = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || !_nd_http_read_price_options (data, job->pricing, &error) ||
      (job->changes = nd_pricing_plan (job->pricing, job->write, &error)) == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  put_next (task);
}

void
_nd_http_source_write_prices (NdSource *source, const NdWrite *write, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  PriceJob *job;

  g_task_set_source_tag (task, _nd_http_source_write_prices);
  /* /api/option/ is RootAuth: say so before sending anything. */
  if (_nd_http_source_get_dialect (ND_HTTP_SOURCE (source))->role < 100)
    {
      g_task_return_new_error (task, ND_ERROR, ND_ERROR_PERMISSION,
                               _("Only a root user may change prices in NewAPI: nothing was "
                                 "changed. Connect with a root user’s access token."));
      g_object_unref (task);
      return;
    }
  job = g_new0 (PriceJob, 1);
  job->write = nd_write_copy (write);
  job->pricing = nd_pricing_new ();
  job->saved = g_string_new (NULL);
  job->result = nd_write_result_new ();
  g_task_set_task_data (task, job, (GDestroyNotify) price_job_free);
  nd_http_client_get_async (task_client (task), "/api/option/", NULL, ND_HTTP_FLAG_NONE,
                            cancellable, options_done, task);
}
