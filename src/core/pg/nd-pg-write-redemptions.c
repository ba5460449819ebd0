/* nd-pg-write-redemptions.c — redemption code actions over PostgreSQL
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reference §1.3 redemptions, §1.6a, §1.7, §2.5. A batch of codes is made
 * in the one transaction of the action: every code or none (NewAPI itself
 * inserts them one by one and keeps those made before a failure). Each
 * code is a UUIDv4 from getrandom as 32 lowercase hex digits, status 1,
 * user_id = the operator; the codes leave only in NdWriteResult.secrets.
 * One audit row a batch: redemption.create {name, count, quota} with the
 * quota as LogQuota writes it, "Created N redemption codes named NAME
 * (QUOTA each)". NewAPI writes no row for the other code actions.
 *
 * Deletes are soft. "Delete all invalid" removes what NewAPI's
 * DELETE /api/redemption/invalid removes: used and disabled codes, and
 * unused ones whose expiry has passed.
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>

#include "http/nd-http-parse.h"
#include "nd-json.h"
#include "nd-pg-write-private.h"
#include "nd-random.h"
#include "nd-secure-string.h"

/* See nd-pg-write-tokens.c: a clash means a broken random source. */
#define MAX_CODE_ATTEMPTS 8
#define VERSION_COMPLIANCE "v1.0.0-rc.6"

static char *
int_text (gint64 v)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, v);
}

static gboolean
code_missing (GError **error, gint64 id)
{
  g_set_error (error, ND_ERROR, ND_ERROR_NOT_FOUND,
               _("Redemption code #%" PRId64 " does not exist (any more): nothing was changed"),
               id);
  return FALSE;
}

/* Locks the live code @id; its status in *@status. */
static gboolean
lock_code (NdPgWriteCtx *ctx, gint64 id, int *status, GError **error)
{
  g_autofree char *id_text = int_text (id);
  const char *params[1] = { id_text };
  g_autoptr(PGresult) res = NULL;

  res = nd_pg_exec (ctx->pg, "SELECT COALESCE (status, 1) FROM redemptions "
                             "WHERE id = $1::bigint AND deleted_at IS NULL FOR UPDATE",
                    1, params, ctx->cancellable, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    return code_missing (error, id);
  *status = (int) nd_pg_int64 (res, 0, 0);
  return TRUE;
}

/* Inserts one code; its text in *@code_out. */
static gboolean
insert_code (NdPgWriteCtx *ctx, const char * const *fields, gint64 *id_out, char **code_out,
             GError **error)
{
  for (guint attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++)
    {
      g_autoptr(NdSecret) code = nd_random_redemption_code (error);
      const char *params[6] = { code, fields[0], fields[1], fields[2], fields[3], fields[4] };
      g_autoptr(PGresult) ins = NULL;

      if (code == NULL)
        return FALSE;
      ins = nd_pg_exec (ctx->pg,
                        "INSERT INTO redemptions (\"key\", user_id, name, quota, created_time, "
                        "expired_time, status, redeemed_time, used_user_id) "
                        "VALUES ($1, $2::bigint, $3, $4::bigint, $5::bigint, $6::bigint, 1, 0, 0) "
                        "ON CONFLICT DO NOTHING RETURNING id",
                        6, params, ctx->cancellable, error);
      if (ins == NULL)
        return FALSE;
      if (PQntuples (ins) == 1)
        {
          *id_out = nd_pg_int64 (ins, 0, 0);
          *code_out = g_steal_pointer (&code);
          return TRUE;
        }
    }
  g_set_error (error, ND_ERROR, ND_ERROR_CONFLICT,
               _("Every new code clashed with an existing one: no codes were made"));
  return FALSE;
}

/* AddRedemption from v1.0.0-rc.6: no codes until a root administrator has
 * confirmed the payment compliance terms (the option only NewAPI's web
 * console sets; its terms version is not checked here). */
static gboolean
check_compliance (NdPgWriteCtx *ctx, GError **error)
{
  g_autoptr(PGresult) res = NULL;

  if (nd_http_version_compare (ctx->info->newapi_version, VERSION_COMPLIANCE) < 0)
    return TRUE;
  res = nd_pg_exec (ctx->pg, "SELECT 1 FROM options WHERE \"key\" = "
                             "'payment_setting.compliance_confirmed' AND value = 'true'",
                    0, NULL, ctx->cancellable, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PERMISSION, "%s %s", nd_write_compliance_note (),
                   _("No codes were made."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_create (NdPgWriteCtx *ctx, GError **error)
{
  const NdRedemptionEdit *e = ctx->write->redemption;
  g_autofree char *user = int_text (ctx->op.id);
  g_autofree char *quota = int_text (e->quota);
  g_autofree char *now = int_text (ctx->now);
  g_autofree char *expires = int_text (e->expired_time);
  const char *fields[5] = { user, e->name, quota, now, expires };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *quota_text = nd_money_log_quota (ctx->info->money, e->quota);
  g_autofree char *content = NULL;

  if (!check_compliance (ctx, error))
    return FALSE;
  /* On a failure the result is dropped, its codes wiped, and the
   * transaction rolled back: no code was made. */
  if (ctx->result->secrets == NULL)
    ctx->result->secrets = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < e->count; i++)
    {
      gint64 id;
      char *code;

      if (!insert_code (ctx, fields, &id, &code, error))
        return FALSE;
      if (i == 0)
        ctx->result->new_id = id;
      g_ptr_array_add (ctx->result->secrets, code);
    }
  ctx->result->changed = e->count;

  json_builder_begin_object (b);
  nd_json_add_str (b, "name", e->name);
  nd_json_add_int (b, "count", e->count);
  nd_json_add_str (b, "quota", quota_text);
  json_builder_end_object (b);
  content = g_strdup_printf ("Created %u redemption codes named %s (%s each)", e->count, e->name,
                             quota_text);
  nd_pg_audit (ctx, "redemption.create", json_builder_get_root (b), content);
  return TRUE;
}

static gboolean
write_update (NdPgWriteCtx *ctx, GError **error)
{
  const NdRedemptionEdit *e = ctx->write->redemption;
  gint64 id = nd_write_first_id (ctx->write);
  g_autofree char *id_text = int_text (id);
  g_autofree char *quota = int_text (e->quota);
  g_autofree char *expires = int_text (e->expired_time);
  const char *params[4] = { id_text, e->name, quota, expires };
  g_autoptr(PGresult) upd = NULL;
  int status;

  if (!lock_code (ctx, id, &status, error))
    return FALSE;
  upd = nd_pg_exec (ctx->pg, "UPDATE redemptions SET name = $2, quota = $3::bigint, "
                             "expired_time = $4::bigint WHERE id = $1::bigint",
                    4, params, ctx->cancellable, error);
  if (upd == NULL)
    return FALSE;
  ctx->result->changed = 1;
  return TRUE;
}

static gboolean
write_status (NdPgWriteCtx *ctx, GError **error)
{
  const NdWrite *w = ctx->write;
  g_autofree char *status_text = int_text (w->status);

  for (guint i = 0; i < w->ids->len; i++)
    {
      gint64 id = g_array_index (w->ids, gint64, i);
      g_autofree char *id_text = int_text (id);
      const char *params[2] = { id_text, status_text };
      g_autoptr(PGresult) upd = NULL;
      int status;

      if (!lock_code (ctx, id, &status, error))
        return FALSE;
      /* NewAPI's status_only update would turn a used code back into one
       * that can be redeemed again: money out of nothing. */
      if (status == ND_REDEMPTION_STATUS_USED)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_CONFLICT,
                       _("Redemption code #%" PRId64 " was already redeemed and stays used: "
                         "nothing was changed"), id);
          return FALSE;
        }
      upd = nd_pg_exec (ctx->pg, "UPDATE redemptions SET status = $2::bigint "
                                 "WHERE id = $1::bigint", 2, params, ctx->cancellable, error);
      if (upd == NULL)
        return FALSE;
      ctx->result->changed += status != w->status;
    }
  return TRUE;
}

static gboolean
write_delete (NdPgWriteCtx *ctx, GError **error)
{
  const NdWrite *w = ctx->write;
  g_autofree char *now = int_text (ctx->now);

  for (guint i = 0; i < w->ids->len; i++)
    {
      gint64 id = g_array_index (w->ids, gint64, i);
      g_autofree char *id_text = int_text (id);
      const char *params[2] = { id_text, now };
      g_autoptr(PGresult) del = NULL;

      del = nd_pg_exec (ctx->pg, "UPDATE redemptions SET deleted_at = to_timestamp ($2::bigint) "
                                 "WHERE id = $1::bigint AND deleted_at IS NULL",
                        2, params, ctx->cancellable, error);
      if (del == NULL)
        return FALSE;
      if (g_ascii_strtoll (PQcmdTuples (del), NULL, 10) == 0)
        return code_missing (error, id);
      ctx->result->changed++;
    }
  return TRUE;
}

static gboolean
write_delete_invalid (NdPgWriteCtx *ctx, GError **error)
{
  g_autofree char *now = int_text (ctx->now);
  const char *params[1] = { now };
  g_autoptr(PGresult) del = NULL;

  /* DeleteInvalidRedemptions: used or disabled, or enabled and expired. */
  del = nd_pg_exec (ctx->pg, "UPDATE redemptions SET deleted_at = to_timestamp ($1::bigint) "
                             "WHERE deleted_at IS NULL AND (status IN (2, 3) OR (status = 1 "
                             "AND expired_time <> 0 AND expired_time < $1::bigint))",
                    1, params, ctx->cancellable, error);
  if (del == NULL)
    return FALSE;
  ctx->result->changed = g_ascii_strtoll (PQcmdTuples (del), NULL, 10);
  return TRUE;
}

NdPgWriteFunc
_nd_pg_write_redemptions_func (NdWriteKind kind)
{
  switch (kind)
    {
    case ND_WRITE_REDEMPTION_CREATE: return write_create;
    case ND_WRITE_REDEMPTION_UPDATE: return write_update;
    case ND_WRITE_REDEMPTION_STATUS: return write_status;
    case ND_WRITE_REDEMPTION_DELETE: return write_delete;
    case ND_WRITE_REDEMPTION_DELETE_INVALID: return write_delete_invalid;
    default: return NULL;
    }
}
