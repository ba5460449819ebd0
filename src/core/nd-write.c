/* nd-write.c — write requests: construction and the checks every source shares
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "nd-error.h"
#include "nd-secure-string.h"
#include "nd-write.h"

NdChannelEdit *
nd_channel_edit_new (void)
{
  NdChannelEdit *edit = g_new0 (NdChannelEdit, 1);

  edit->auto_ban = 1;
  edit->status = ND_CHANNEL_STATUS_ENABLED;
  return edit;
}

void
nd_channel_edit_free (NdChannelEdit *edit)
{
  if (edit == NULL)
    return;
  g_free (edit->name);
  nd_secure_free (edit->key);
  g_free (edit->base_url);
  g_free (edit->group);
  g_free (edit->models);
  g_free (edit->model_mapping);
  g_free (edit->status_code_mapping);
  g_free (edit->tag);
  g_free (edit->remark);
  g_free (edit->test_model);
  g_free (edit->other);
  g_free (edit->setting);
  /* Overrides may carry upstream credentials (an Authorization header). */
  nd_secure_free (edit->param_override);
  nd_secure_free (edit->header_override);
  g_free (edit->settings);
  g_free (edit);
}

NdUserEdit *
nd_user_edit_new (void)
{
  NdUserEdit *edit = g_new0 (NdUserEdit, 1);

  edit->role = 1;
  return edit;
}

void
nd_user_edit_free (NdUserEdit *edit)
{
  if (edit == NULL)
    return;
  g_free (edit->username);
  nd_secure_free (edit->password);
  g_free (edit->display_name);
  g_free (edit->group);
  g_free (edit->remark);
  g_free (edit);
}

NdTokenEdit *
nd_token_edit_new (void)
{
  NdTokenEdit *edit = g_new0 (NdTokenEdit, 1);

  edit->expired_time = -1;
  return edit;
}

void
nd_token_edit_free (NdTokenEdit *edit)
{
  if (edit == NULL)
    return;
  g_free (edit->name);
  g_free (edit->model_limits);
  g_free (edit->allow_ips);
  g_free (edit->group);
  g_free (edit);
}

NdRedemptionEdit *
nd_redemption_edit_new (void)
{
  NdRedemptionEdit *edit = g_new0 (NdRedemptionEdit, 1);

  edit->count = 1;
  return edit;
}

void
nd_redemption_edit_free (NdRedemptionEdit *edit)
{
  if (edit == NULL)
    return;
  g_free (edit->name);
  g_free (edit);
}

NdPriceEdit *
nd_price_edit_new (void)
{
  NdPriceEdit *edit = g_new0 (NdPriceEdit, 1);

  edit->completion_ratio = NAN;
  return edit;
}

void
nd_price_edit_free (NdPriceEdit *edit)
{
  if (edit == NULL)
    return;
  g_free (edit->name);
  g_free (edit);
}

void
nd_write_free (NdWrite *write)
{
  if (write == NULL)
    return;
  g_clear_pointer (&write->ids, g_array_unref);
  g_free (write->reason);
  g_free (write->tag);
  g_clear_pointer (&write->channel, nd_channel_edit_free);
  g_clear_pointer (&write->user, nd_user_edit_free);
  g_clear_pointer (&write->token, nd_token_edit_free);
  g_clear_pointer (&write->redemption, nd_redemption_edit_free);
  g_clear_pointer (&write->price, nd_price_edit_free);
  g_free (write);
}

const char *
nd_write_kind_to_string (NdWriteKind kind)
{
  switch (kind)
    {
    case ND_WRITE_CHANNEL_STATUS: return "channel-status";
    case ND_WRITE_CHANNEL_UPDATE: return "channel-update";
    case ND_WRITE_CHANNEL_CREATE: return "channel-create";
    case ND_WRITE_CHANNEL_DELETE: return "channel-delete";
    case ND_WRITE_CHANNEL_TAG: return "channel-tag";
    case ND_WRITE_CHANNEL_COPY: return "channel-copy";
    case ND_WRITE_CHANNEL_KEY_STATUS: return "channel-key-status";
    case ND_WRITE_CHANNEL_TEST_RESULT: return "channel-test-result";
    case ND_WRITE_CHANNEL_BALANCE: return "channel-balance";
    case ND_WRITE_USER_CREATE: return "user-create";
    case ND_WRITE_USER_UPDATE: return "user-update";
    case ND_WRITE_USER_STATUS: return "user-status";
    case ND_WRITE_USER_DELETE: return "user-delete";
    case ND_WRITE_USER_RESTORE: return "user-restore";
    case ND_WRITE_USER_QUOTA: return "user-quota";
    case ND_WRITE_TOKEN_CREATE: return "token-create";
    case ND_WRITE_TOKEN_UPDATE: return "token-update";
    case ND_WRITE_TOKEN_STATUS: return "token-status";
    case ND_WRITE_TOKEN_DELETE: return "token-delete";
    case ND_WRITE_REDEMPTION_CREATE: return "redemption-create";
    case ND_WRITE_REDEMPTION_UPDATE: return "redemption-update";
    case ND_WRITE_REDEMPTION_STATUS: return "redemption-status";
    case ND_WRITE_REDEMPTION_DELETE: return "redemption-delete";
    case ND_WRITE_REDEMPTION_DELETE_INVALID: return "redemption-delete-invalid";
    case ND_WRITE_MODEL_PRICE: return "model-price";
    case ND_WRITE_GROUP_RATIO: return "group-ratio";
    default: return "unknown";
    }
}

gint64
nd_write_first_id (const NdWrite *write)
{
  return write->ids != NULL && write->ids->len > 0 ? g_array_index (write->ids, gint64, 0) : 0;
}

static NdWrite *
write_new (NdWriteKind kind, const gint64 *ids, guint n_ids)
{
  NdWrite *write = g_new0 (NdWrite, 1);

  write->kind = kind;
  write->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  /* Duplicates would count twice in "changed" and in audit totals. */
  for (guint i = 0; i < n_ids; i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < write->ids->len && !seen; j++)
        seen = g_array_index (write->ids, gint64, j) == ids[i];
      if (!seen)
        g_array_append_val (write->ids, ids[i]);
    }
  return write;
}

NdWrite *
nd_write_channel_status_new (const gint64 *ids, guint n_ids, int status, const char *reason)
{
  NdWrite *write = write_new (ND_WRITE_CHANNEL_STATUS, ids, n_ids);

  write->status = status;
  write->reason = g_strdup (reason);
  return write;
}

NdWrite *
nd_write_channel_update_new (gint64 id, NdChannelEdit *edit)
{
  NdWrite *write = write_new (ND_WRITE_CHANNEL_UPDATE, &id, 1);

  write->channel = edit;
  return write;
}

NdWrite *
nd_write_channel_create_new (NdChannelEdit *edit)
{
  NdWrite *write = write_new (ND_WRITE_CHANNEL_CREATE, NULL, 0);

  write->channel = edit;
  return write;
}

NdWrite *
nd_write_channel_delete_new (const gint64 *ids, guint n_ids)
{
  return write_new (ND_WRITE_CHANNEL_DELETE, ids, n_ids);
}

NdWrite *
nd_write_channel_tag_new (const gint64 *ids, guint n_ids, const char *tag)
{
  NdWrite *write = write_new (ND_WRITE_CHANNEL_TAG, ids, n_ids);

  write->tag = g_strdup (tag ? tag : "");
  return write;
}

NdWrite *
nd_write_channel_copy_new (gint64 id)
{
  return write_new (ND_WRITE_CHANNEL_COPY, &id, 1);
}

NdWrite *
nd_write_channel_key_status_new (gint64 id, int key_index, int status)
{
  NdWrite *write = write_new (ND_WRITE_CHANNEL_KEY_STATUS, &id, 1);

  write->key_index = key_index;
  write->status = status;
  return write;
}

NdWrite *
nd_write_channel_test_result_new (gint64 id, gint64 response_ms, gint64 test_time)
{
  NdWrite *write = write_new (ND_WRITE_CHANNEL_TEST_RESULT, &id, 1);

  write->response_ms = response_ms;
  write->test_time = test_time;
  return write;
}

NdWrite *
nd_write_channel_balance_new (gint64 id, double balance, gint64 balance_time)
{
  NdWrite *write = write_new (ND_WRITE_CHANNEL_BALANCE, &id, 1);

  write->balance = balance;
  write->balance_time = balance_time;
  return write;
}

NdWrite *
nd_write_user_create_new (NdUserEdit *edit)
{
  NdWrite *write = write_new (ND_WRITE_USER_CREATE, NULL, 0);

  write->user = edit;
  return write;
}

NdWrite *
nd_write_user_update_new (gint64 id, NdUserEdit *edit)
{
  NdWrite *write = write_new (ND_WRITE_USER_UPDATE, &id, 1);

  write->user = edit;
  return write;
}

NdWrite *
nd_write_user_status_new (const gint64 *ids, guint n_ids, int status)
{
  NdWrite *write = write_new (ND_WRITE_USER_STATUS, ids, n_ids);

  write->status = status;
  return write;
}

NdWrite *
nd_write_user_delete_new (const gint64 *ids, guint n_ids)
{
  return write_new (ND_WRITE_USER_DELETE, ids, n_ids);
}

NdWrite *
nd_write_user_restore_new (const gint64 *ids, guint n_ids)
{
  return write_new (ND_WRITE_USER_RESTORE, ids, n_ids);
}

NdWrite *
nd_write_user_quota_new (gint64 id, NdQuotaMode mode, gint64 amount, const char *reason)
{
  NdWrite *write = write_new (ND_WRITE_USER_QUOTA, &id, 1);

  write->quota_mode = mode;
  write->amount = amount;
  write->reason = g_strdup (reason);
  return write;
}

NdWrite *
nd_write_token_create_new (NdTokenEdit *edit)
{
  NdWrite *write = write_new (ND_WRITE_TOKEN_CREATE, NULL, 0);

  write->token = edit;
  return write;
}

NdWrite *
nd_write_token_update_new (gint64 id, NdTokenEdit *edit)
{
  NdWrite *write = write_new (ND_WRITE_TOKEN_UPDATE, &id, 1);

  write->token = edit;
  return write;
}

NdWrite *
nd_write_token_status_new (const gint64 *ids, guint n_ids, int status)
{
  NdWrite *write = write_new (ND_WRITE_TOKEN_STATUS, ids, n_ids);

  write->status = status;
  return write;
}

NdWrite *
nd_write_token_delete_new (const gint64 *ids, guint n_ids)
{
  return write_new (ND_WRITE_TOKEN_DELETE, ids, n_ids);
}

NdWrite *
nd_write_redemption_create_new (NdRedemptionEdit *edit)
{
  NdWrite *write = write_new (ND_WRITE_REDEMPTION_CREATE, NULL, 0);

  write->redemption = edit;
  return write;
}

NdWrite *
nd_write_redemption_update_new (gint64 id, NdRedemptionEdit *edit)
{
  NdWrite *write = write_new (ND_WRITE_REDEMPTION_UPDATE, &id, 1);

  write->redemption = edit;
  return write;
}

NdWrite *
nd_write_redemption_status_new (const gint64 *ids, guint n_ids, int status)
{
  NdWrite *write = write_new (ND_WRITE_REDEMPTION_STATUS, ids, n_ids);

  write->status = status;
  return write;
}

NdWrite *
nd_write_redemption_delete_new (const gint64 *ids, guint n_ids)
{
  return write_new (ND_WRITE_REDEMPTION_DELETE, ids, n_ids);
}

NdWrite *
nd_write_redemption_delete_invalid_new (void)
{
  return write_new (ND_WRITE_REDEMPTION_DELETE_INVALID, NULL, 0);
}

NdWrite *
nd_write_model_price_new (NdPriceEdit *edit)
{
  NdWrite *write = write_new (ND_WRITE_MODEL_PRICE, NULL, 0);

  write->price = edit;
  return write;
}

NdWrite *
nd_write_group_ratio_new (const char *group, double ratio)
{
  NdWrite *write = write_new (ND_WRITE_GROUP_RATIO, NULL, 0);

  write->price = nd_price_edit_new ();
  write->price->name = g_strdup (group);
  write->price->ratio = ratio;
  return write;
}

/* ---- copies (a source keeps its own for the life of an async call) ----- */

static NdChannelEdit *
channel_edit_copy (const NdChannelEdit *src)
{
  NdChannelEdit *e = g_new0 (NdChannelEdit, 1);

  *e = *src;
  e->name = g_strdup (src->name);
  e->key = g_strdup (src->key);
  e->base_url = g_strdup (src->base_url);
  e->group = g_strdup (src->group);
  e->models = g_strdup (src->models);
  e->model_mapping = g_strdup (src->model_mapping);
  e->status_code_mapping = g_strdup (src->status_code_mapping);
  e->tag = g_strdup (src->tag);
  e->remark = g_strdup (src->remark);
  e->test_model = g_strdup (src->test_model);
  e->other = g_strdup (src->other);
  e->setting = g_strdup (src->setting);
  e->param_override = g_strdup (src->param_override);
  e->header_override = g_strdup (src->header_override);
  e->settings = g_strdup (src->settings);
  return e;
}

static NdUserEdit *
user_edit_copy (const NdUserEdit *src)
{
  NdUserEdit *e = g_new0 (NdUserEdit, 1);

  *e = *src;
  e->username = g_strdup (src->username);
  e->password = g_strdup (src->password);
  e->display_name = g_strdup (src->display_name);
  e->group = g_strdup (src->group);
  e->remark = g_strdup (src->remark);
  return e;
}

static NdTokenEdit *
token_edit_copy (const NdTokenEdit *src)
{
  NdTokenEdit *e = g_new0 (NdTokenEdit, 1);

  *e = *src;
  e->name = g_strdup (src->name);
  e->model_limits = g_strdup (src->model_limits);
  e->allow_ips = g_strdup (src->allow_ips);
  e->group = g_strdup (src->group);
  return e;
}

NdWrite *
nd_write_copy (const NdWrite *w)
{
  NdWrite *copy = g_new0 (NdWrite, 1);

  *copy = *w;
  copy->ids = g_array_copy (w->ids);
  copy->reason = g_strdup (w->reason);
  copy->tag = g_strdup (w->tag);
  copy->channel = w->channel ? channel_edit_copy (w->channel) : NULL;
  copy->user = w->user ? user_edit_copy (w->user) : NULL;
  copy->token = w->token ? token_edit_copy (w->token) : NULL;
  if (w->redemption != NULL)
    {
      copy->redemption = g_memdup2 (w->redemption, sizeof *w->redemption);
      copy->redemption->name = g_strdup (w->redemption->name);
    }
  if (w->price != NULL)
    {
      copy->price = g_memdup2 (w->price, sizeof *w->price);
      copy->price->name = g_strdup (w->price->name);
    }
  return copy;
}

/* ---- results and small shared rules ----------------------------------- */

NdWriteResult *
nd_write_result_new (void)
{
  return g_new0 (NdWriteResult, 1);
}

void
nd_write_result_free (NdWriteResult *result)
{
  if (result == NULL)
    return;
  g_free (result->audit_error);
  g_free (result->notice);
  if (result->secrets != NULL)
    {
      for (guint i = 0; i < result->secrets->len; i++)
        nd_secure_wipe (g_ptr_array_index (result->secrets, i));
      g_ptr_array_unref (result->secrets);
    }
  g_free (result);
}

const char *
nd_write_compliance_note (void)
{
  return _("NewAPI v1.0.0-rc.6 and later make redemption codes only after a root administrator "
           "has confirmed the payment compliance terms, in a login session of NewAPI’s web "
           "console.");
}

const char *
nd_channel_status_nick (int status)
{
  switch (status)
    {
    case ND_CHANNEL_STATUS_ENABLED: return "enabled";
    case ND_CHANNEL_STATUS_MANUALLY_DISABLED: return "manually_disabled";
    case ND_CHANNEL_STATUS_AUTO_DISABLED: return "auto_disabled";
    default: return "unknown";
    }
}

GStrv
nd_split_commas (const char *list)
{
  /* g_strsplit ("", …) gives no entries where Go's strings.Split gives one
   * empty entry; NewAPI builds abilities from that one entry. */
  if (list == NULL || *list == '\0')
    {
      GStrv one = g_new0 (char *, 2);

      one[0] = g_strdup ("");
      return one;
    }
  return g_strsplit (list, ",", -1);
}
