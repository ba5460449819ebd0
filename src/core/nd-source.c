/* nd-source.c — async wrappers shared by every source
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nd-secure-string.h"
#include "nd-source.h"

typedef struct {
  NdServerInfo *info;
  char *name;
} NdSourcePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (NdSource, nd_source, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_INFO,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

NdLogPage *
nd_log_page_new (void)
{
  NdLogPage *page = g_new0 (NdLogPage, 1);

  page->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  return page;
}

void
nd_log_page_free (NdLogPage *page)
{
  if (page == NULL)
    return;
  g_ptr_array_unref (page->rows);
  g_free (page);
}

void
nd_channel_test_free (NdChannelTest *test)
{
  if (test == NULL)
    return;
  g_free (test->model);
  g_free (test->message);
  g_free (test->error_code);
  g_free (test);
}

void
nd_channel_balance_free (NdChannelBalance *balance)
{
  if (balance == NULL)
    return;
  g_free (balance->raw_response);
  g_free (balance);
}

void
nd_list_page_free (NdListPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_free (page);
}

static void
nd_source_finalize (GObject *object)
{
  NdSourcePrivate *priv = nd_source_get_instance_private (ND_SOURCE (object));

  g_clear_pointer (&priv->info, nd_server_info_unref);
  g_clear_pointer (&priv->name, g_free);
  G_OBJECT_CLASS (nd_source_parent_class)->finalize (object);
}

static void
nd_source_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NdSourcePrivate *priv = nd_source_get_instance_private (ND_SOURCE (object));

  switch (prop_id)
    {
    case PROP_INFO:
      g_value_set_boxed (value, priv->info);
      break;
    case PROP_NAME:
      g_value_set_string (value, priv->name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_source_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NdSourcePrivate *priv = nd_source_get_instance_private (ND_SOURCE (object));

  switch (prop_id)
    {
    case PROP_NAME:
      g_free (priv->name);
      priv->name = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_source_class_init (NdSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = nd_source_finalize;
  object_class->get_property = nd_source_get_property;
  object_class->set_property = nd_source_set_property;

  properties[PROP_INFO] =
    g_param_spec_boxed ("info", NULL, NULL, ND_TYPE_SERVER_INFO,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nd_source_init (NdSource *self)
{
}

/**
 * nd_source_get_info:
 * Returns: (transfer none) (nullable): what the last successful probe learned
 */
NdServerInfo *
nd_source_get_info (NdSource *self)
{
  NdSourcePrivate *priv = nd_source_get_instance_private (self);

  g_return_val_if_fail (ND_IS_SOURCE (self), NULL);
  return priv->info;
}

void
nd_source_set_info (NdSource *self, NdServerInfo *info)
{
  NdSourcePrivate *priv = nd_source_get_instance_private (self);

  g_return_if_fail (ND_IS_SOURCE (self));

  if (priv->info == info)
    return;
  g_clear_pointer (&priv->info, nd_server_info_unref);
  priv->info = info ? nd_server_info_ref (info) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INFO]);
}

const char *
nd_source_get_name (NdSource *self)
{
  NdSourcePrivate *priv = nd_source_get_instance_private (self);

  g_return_val_if_fail (ND_IS_SOURCE (self), NULL);
  return priv->name;
}

/* Sources hold connections and worker threads; close releases them before
 * the last reference goes, so a window can drop a source from any callback. */
void
nd_source_close (NdSource *self)
{
  g_return_if_fail (ND_IS_SOURCE (self));
  g_object_run_dispose (G_OBJECT (self));
}

void
nd_source_report_unsupported (NdSource *self, GAsyncReadyCallback callback,
                              gpointer user_data, gpointer source_tag)
{
  g_task_report_new_error (self, callback, user_data, source_tag,
                           ND_ERROR, ND_ERROR_UNSUPPORTED,
                           _("This connection cannot do that"));
}

void
nd_source_probe_async (NdSource *self, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (ND_IS_SOURCE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  if (ND_SOURCE_GET_CLASS (self)->probe_async == NULL)
    return nd_source_report_unsupported (self, callback, user_data, nd_source_probe_async);
  ND_SOURCE_GET_CLASS (self)->probe_async (self, cancellable, callback, user_data);
}

NdServerInfo *
nd_source_probe_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  NdServerInfo *info;

  g_return_val_if_fail (ND_IS_SOURCE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  info = g_task_propagate_pointer (G_TASK (result), error);
  if (info != NULL)
    nd_source_set_info (self, info);
  return info;
}

/* The vfunc dispatch is the same for every call: check, then forward or
 * report UNSUPPORTED. */
#define DISPATCH(vfunc, tag, ...)                                             \
  G_STMT_START {                                                              \
    g_return_if_fail (ND_IS_SOURCE (self));                                   \
    g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));        \
    if (ND_SOURCE_GET_CLASS (self)->vfunc == NULL)                            \
      {                                                                       \
        nd_source_report_unsupported (self, callback, user_data, tag);        \
        return;                                                               \
      }                                                                       \
    ND_SOURCE_GET_CLASS (self)->vfunc (self, __VA_ARGS__);                    \
  } G_STMT_END

void
nd_source_query_logs_async (NdSource *self, const NdLogQuery *query, const NdLogCursor *after,
                            guint limit, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (query_logs_async, nd_source_query_logs_async,
            query, after, limit, cancellable, callback, user_data);
}

NdLogPage *
nd_source_query_logs_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nd_source_tail_logs_async (NdSource *self, const NdLogQuery *query, gint64 after_id,
                           guint limit, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (tail_logs_async, nd_source_tail_logs_async,
            query, after_id, limit, cancellable, callback, user_data);
}

NdLogPage *
nd_source_tail_logs_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nd_source_estimate_logs_async (NdSource *self, const NdLogQuery *query,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (estimate_logs_async, nd_source_estimate_logs_async,
            query, cancellable, callback, user_data);
}

gboolean
nd_source_estimate_logs_finish (NdSource *self, GAsyncResult *result,
                                NdLogEstimate *out, GError **error)
{
  g_autofree NdLogEstimate *est = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  est = g_task_propagate_pointer (G_TASK (result), error);
  if (est == NULL)
    return FALSE;
  if (out != NULL)
    *out = *est;
  return TRUE;
}

void
nd_source_log_totals_async (NdSource *self, const NdLogQuery *query,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (log_totals_async, nd_source_log_totals_async,
            query, cancellable, callback, user_data);
}

gboolean
nd_source_log_totals_finish (NdSource *self, GAsyncResult *result,
                             NdLogTotals *out, GError **error)
{
  g_autofree NdLogTotals *totals = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  totals = g_task_propagate_pointer (G_TASK (result), error);
  if (totals == NULL)
    return FALSE;
  if (out != NULL)
    *out = *totals;
  return TRUE;
}

void
nd_source_export_logs_async (NdSource *self, const NdLogQuery *query,
                             NdLogBatchFunc func, gpointer func_data,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (func != NULL);
  DISPATCH (export_logs_async, nd_source_export_logs_async,
            query, func, func_data, cancellable, callback, user_data);
}

gint64
nd_source_export_logs_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return (gint64) g_task_propagate_int (G_TASK (result), error);
}

void
nd_source_list_channels_async (NdSource *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (list_channels_async, nd_source_list_channels_async,
            cancellable, callback, user_data);
}

GPtrArray *
nd_source_list_channels_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nd_source_list_users_async (NdSource *self, const NdListQuery *query, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (list_users_async, nd_source_list_users_async,
            query, cancellable, callback, user_data);
}

void
nd_source_list_tokens_async (NdSource *self, const NdListQuery *query, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (list_tokens_async, nd_source_list_tokens_async,
            query, cancellable, callback, user_data);
}

void
nd_source_list_redemptions_async (NdSource *self, const NdListQuery *query,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (list_redemptions_async, nd_source_list_redemptions_async,
            query, cancellable, callback, user_data);
}

void
nd_source_list_models_async (NdSource *self, const NdListQuery *query, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (list_models_async, nd_source_list_models_async,
            query, cancellable, callback, user_data);
}

NdListPage *
nd_source_list_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nd_source_list_groups_async (NdSource *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (list_groups_async, nd_source_list_groups_async,
            cancellable, callback, user_data);
}

void
nd_source_suggest_async (NdSource *self, NdSuggestKind kind, const char *prefix, guint limit,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (suggest_async, nd_source_suggest_async,
            kind, prefix, limit, cancellable, callback, user_data);
}

GStrv
nd_source_strv_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nd_source_pull_facts_async (NdSource *self, const NdFactsRequest *request, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (pull_facts_async, nd_source_pull_facts_async,
            request, cancellable, callback, user_data);
}

NdFactsBatch *
nd_source_pull_facts_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- writes ------------------------------------------------------------ */

gboolean
nd_source_check_writable (NdSource *self, GError **error)
{
  NdServerInfo *info = nd_source_get_info (self);

  g_return_val_if_fail (ND_IS_SOURCE (self), FALSE);

  if (info == NULL)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_CONNECTION,
                   _("Not connected yet: nothing was changed"));
      return FALSE;
    }
  if (info->kind == ND_SOURCE_KIND_REPORT)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_READ_ONLY,
                   _("A report file is a snapshot and cannot be changed. Connect to the gateway "
                     "to make changes."));
      return FALSE;
    }
  if (!nd_server_info_has (info, ND_CAP_WRITE))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_READ_ONLY,
                   _("This profile is read-only: nothing was changed. To allow changes, edit the "
                     "profile and turn off “Read-only” (on the command line: --read-write)."));
      return FALSE;
    }
  if (info->read_only)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_READ_ONLY,
                   _("The server only allows reading with these credentials "
                     "(default_transaction_read_only is on for this database role): nothing "
                     "was changed."));
      return FALSE;
    }
  return TRUE;
}

void
nd_source_write_async (NdSource *self, const NdWrite *write, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  GError *error = NULL;

  g_return_if_fail (ND_IS_SOURCE (self));
  g_return_if_fail (write != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  /* Input first: a form shows what is wrong even on a read-only profile. */
  if (!nd_write_validate (write, NULL, &error) || !nd_source_check_writable (self, &error))
    {
      g_task_report_error (self, callback, user_data, nd_source_write_async, error);
      return;
    }
  if (ND_SOURCE_GET_CLASS (self)->write_async == NULL)
    {
      nd_source_report_unsupported (self, callback, user_data, nd_source_write_async);
      return;
    }
  ND_SOURCE_GET_CLASS (self)->write_async (self, write, cancellable, callback, user_data);
}

NdWriteResult *
nd_source_write_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (ND_IS_SOURCE (self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nd_source_get_channel_async (NdSource *self, gint64 id, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (get_channel_async, nd_source_get_channel_async, id, cancellable, callback, user_data);
}

NdChannel *
nd_source_get_channel_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nd_source_get_user_async (NdSource *self, gint64 id, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (get_user_async, nd_source_get_user_async, id, cancellable, callback, user_data);
}

NdUser *
nd_source_get_user_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- health checks ------------------------------------------------------ */

void
nd_source_test_channel_async (NdSource *self, gint64 id, const char *model,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (test_channel_async, nd_source_test_channel_async,
            id, model, cancellable, callback, user_data);
}

NdChannelTest *
nd_source_test_channel_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nd_source_update_balance_async (NdSource *self, gint64 id, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (update_balance_async, nd_source_update_balance_async,
            id, cancellable, callback, user_data);
}

NdChannelBalance *
nd_source_update_balance_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nd_source_fetch_models_async (NdSource *self, gint64 id, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (fetch_models_async, nd_source_fetch_models_async,
            id, cancellable, callback, user_data);
}

GStrv
nd_source_fetch_models_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nd_source_model_catalog_async (NdSource *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (model_catalog_async, nd_source_model_catalog_async, cancellable, callback, user_data);
}

NdModelCatalog *
nd_source_model_catalog_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- secrets on request ------------------------------------------------- */

void
nd_source_reveal_token_key_async (NdSource *self, gint64 id, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (reveal_token_key_async, nd_source_reveal_token_key_async,
            id, cancellable, callback, user_data);
}

char *
nd_source_reveal_token_key_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nd_source_reveal_redemption_keys_async (NdSource *self, const gint64 *ids, guint n_ids,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  DISPATCH (reveal_redemption_keys_async, nd_source_reveal_redemption_keys_async,
            ids, n_ids, cancellable, callback, user_data);
}

GHashTable *
nd_source_reveal_redemption_keys_finish (NdSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GHashTable *
nd_secret_table_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                (GDestroyNotify) nd_secure_free);
}
