/* nd-pg-write.c — one transaction per action, with NewAPI's audit row
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See nd-pg-write-private.h for the shape every action follows.
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "nd-pg-write-private.h"

static void
audit_free (NdPgAudit *audit)
{
  g_free (audit->action);
  g_clear_pointer (&audit->params, json_node_unref);
  g_free (audit->content);
  g_free (audit->username);
  g_free (audit);
}

void
nd_pg_audit (NdPgWriteCtx *ctx, const char *action, JsonNode *params, const char *content)
{
  NdPgAudit *audit = g_new0 (NdPgAudit, 1);

  audit->action = g_strdup (action);
  audit->params = params;
  audit->content = g_strdup (content);
  audit->type = ND_LOG_MANAGE;
  g_ptr_array_add (ctx->audits, audit);
}

void
nd_pg_log_row (NdPgWriteCtx *ctx, int type, gint64 user_id, const char *username,
               const char *content)
{
  NdPgAudit *row = g_new0 (NdPgAudit, 1);

  row->type = type;
  row->user_id = user_id;
  row->username = g_strdup (username);
  row->content = g_strdup (content);
  g_ptr_array_add (ctx->audits, row);
}

/* `other` of an audit row: {"op":{action, params}, "admin_info":{…}}. The
 * auth method says the truth: neither a session nor an access token, the
 * database itself. */
static char *
audit_other (const NdPgOperator *op, const NdPgAudit *audit)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "op");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, audit->action);
  json_builder_set_member_name (b, "params");
  if (audit->params != NULL)
    json_builder_add_value (b, json_node_copy (audit->params));
  else
    {
      json_builder_begin_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "admin_info");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "admin_id");
  json_builder_add_int_value (b, op->id);
  json_builder_set_member_name (b, "admin_username");
  json_builder_add_string_value (b, op->username ? op->username : "");
  json_builder_set_member_name (b, "admin_role");
  json_builder_add_int_value (b, op->role);
  json_builder_set_member_name (b, "auth_method");
  json_builder_add_string_value (b, "database");
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static gboolean
insert_audits (PGconn *pg, const NdPgOperator *op, GPtrArray *audits, gint64 now,
               GCancellable *cancellable, GError **error)
{
  for (guint i = 0; i < audits->len; i++)
    {
      NdPgAudit *audit = g_ptr_array_index (audits, i);
      gboolean manage = audit->action != NULL;
      g_autofree char *other = manage ? audit_other (op, audit) : g_strdup ("");
      g_autofree char *user_id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  manage ? op->id : audit->user_id);
      g_autofree char *created = g_strdup_printf ("%" G_GINT64_FORMAT, now);
      g_autofree char *type = g_strdup_printf ("%d", audit->type);
      const char *params[6] = { user_id, manage ? op->username : audit->username, created,
                                audit->content, other, type };
      g_autoptr(PGresult) res = NULL;

      /* The columns NewAPI's RecordLog fills for a manage row; the rest keep
       * their defaults (ip is the admin's client address upstream: we have
       * none). */
      res = nd_pg_exec (pg,
                        "INSERT INTO logs (user_id, username, created_at, type, content, other, "
                        "token_name, model_name, quota, prompt_tokens, completion_tokens, "
                        "use_time, is_stream, channel_id, token_id, \"group\", ip) "
                        "VALUES ($1::bigint, $2, $3::bigint, $6::bigint, $4, $5, '', '', 0, 0, "
                        "0, 0, false, 0, 0, '', '')",
                        6, params, cancellable, error);
      if (res == NULL)
        return FALSE;
    }
  return TRUE;
}

/* The profile may name the admin it acts as; otherwise NewAPI's first root
 * user (the one the setup wizard made) takes the blame, as ARCHITECTURE.md
 * says. The operator must exist and be an administrator. */
static gboolean
resolve_operator (PGconn *pg, gint64 wanted, NdPgOperator *op, GCancellable *cancellable,
                  GError **error)
{
  g_autoptr(PGresult) res = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, wanted);
  const char *params[1] = { id };

  if (wanted > 0)
    res = nd_pg_exec (pg, "SELECT id, username, role FROM users "
                          "WHERE id = $1::bigint AND deleted_at IS NULL",
                      1, params, cancellable, error);
  else
    res = nd_pg_exec (pg, "SELECT id, username, role FROM users "
                          "WHERE role >= 100 AND deleted_at IS NULL ORDER BY id LIMIT 1",
                      0, NULL, cancellable, error);
  if (res == NULL)
    return FALSE;
  if (PQntuples (res) == 0)
    {
      if (wanted > 0)
        g_set_error (error, ND_ERROR, ND_ERROR_PERMISSION,
                     _("The profile acts as user #%" PRId64 ", who does not exist: "
                       "nothing was changed. Choose another user in the profile."), wanted);
      else
        g_set_error (error, ND_ERROR, ND_ERROR_PERMISSION,
                     _("This NewAPI has no root user to act as: nothing was changed. Choose an "
                       "administrator in the profile."));
      return FALSE;
    }
  op->id = nd_pg_int64 (res, 0, 0);
  op->username = nd_pg_strdup (res, 0, 1);
  op->role = (int) nd_pg_int64 (res, 0, 2);
  if (op->role < ND_ROLE_ADMIN)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PERMISSION,
                   _("The profile acts as “%s”, who is not an administrator in NewAPI: nothing "
                     "was changed."), op->username);
      return FALSE;
    }
  return TRUE;
}

/* ---- the job ----------------------------------------------------------- */

typedef struct {
  NdWrite *write;              /* a private copy of the caller's request */
  gint64 operator_id;
  gboolean logs_here;          /* audit rows go into this database */
  NdPgOperator op;             /* resolved in the job, for a later audit job */
  GPtrArray *audits;
  NdWriteResult *result;
  gint64 now;
  NdServerInfo *info;
} WriteData;

static void
write_data_free (WriteData *wd)
{
  nd_write_free (wd->write);
  g_free (wd->op.username);
  g_clear_pointer (&wd->audits, g_ptr_array_unref);
  nd_write_result_free (wd->result);
  g_clear_pointer (&wd->info, nd_server_info_unref);
  g_free (wd);
}

static NdPgWriteFunc
func_for (NdWriteKind kind)
{
  NdPgWriteFunc func = _nd_pg_write_channels_func (kind);

  if (func == NULL)
    func = _nd_pg_write_tokens_func (kind);
  if (func == NULL)
    func = _nd_pg_write_redemptions_func (kind);
  if (func == NULL)
    func = _nd_pg_write_prices_func (kind);
  return func ? func : _nd_pg_write_users_func (kind);
}

static gboolean
exec_simple (PGconn *pg, const char *sql, GCancellable *cancellable, GError **error)
{
  g_autoptr(PGresult) res = nd_pg_exec (pg, sql, 0, NULL, cancellable, error);

  return res != NULL;
}

static void
write_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  WriteData *wd = job_data;
  NdPgWriteCtx ctx = { 0 };
  NdPgWriteFunc func = func_for (wd->write->kind);
  GError *error = NULL;

  if (func == NULL)
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_UNSUPPORTED,
                                    _("This connection cannot do that"));

  if (!exec_simple (pg, "BEGIN", cancellable, &error))
    return g_task_return_error (task, error);

  ctx.pg = pg;
  ctx.cancellable = cancellable;
  ctx.write = wd->write;
  ctx.result = wd->result;
  ctx.audits = wd->audits;
  ctx.now = wd->now;
  ctx.info = wd->info;

  if (!resolve_operator (pg, wd->operator_id, &ctx.op, cancellable, &error) ||
      !func (&ctx, &error) ||
      (wd->logs_here && !insert_audits (pg, &ctx.op, ctx.audits, ctx.now, cancellable, &error)) ||
      !exec_simple (pg, "COMMIT", cancellable, &error))
    {
      /* A cancelled or lost connection may not take the ROLLBACK; the
       * server rolls back an open transaction when the session ends. */
      if (PQstatus (pg) == CONNECTION_OK && PQtransactionStatus (pg) != PQTRANS_IDLE)
        PQclear (PQexec (pg, "ROLLBACK"));
      g_free (ctx.op.username);
      return g_task_return_error (task, error);
    }
  wd->op = ctx.op;
  g_task_return_boolean (task, TRUE);
}

static void
audit_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  WriteData *wd = job_data;
  GError *error = NULL;

  if (!insert_audits (pg, &wd->op, wd->audits, wd->now, cancellable, &error))
    return g_task_return_error (task, error);
  g_task_return_boolean (task, TRUE);
}

static void
finish (GTask *task)
{
  WriteData *wd = g_task_get_task_data (task);

  if (wd->result->notice == NULL)
    wd->result->notice =
      g_strdup (_("NewAPI servers with a memory cache (Redis or MEMORY_CACHE_ENABLED) apply this "
                  "change within SYNC_FREQUENCY, 60 seconds by default."));
  g_task_return_pointer (task, g_steal_pointer (&wd->result),
                         (GDestroyNotify) nd_write_result_free);
}

static void
audit_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  WriteData *wd = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    wd->result->audit_error =
      g_strdup_printf (_("The change was saved, but its audit log row could not be written to "
                         "the log database: %s"), error->message);
  finish (task);
}

static void
write_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  WriteData *wd = g_task_get_task_data (task);
  NdPgSource *self = g_task_get_source_object (task);
  GError *error = NULL;
  GTask *sub;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return g_task_return_error (task, error);

  if (wd->logs_here || wd->audits->len == 0)
    return finish (task);

  /* The main transaction committed: the audit row follows on the log
   * database, and the caller hears if it fails. Not cancellable: the
   * change is already made and must not go unaudited on a whim. */
  sub = g_task_new (self, NULL, audit_done, g_steal_pointer (&task));
  nd_pg_conn_run (nd_pg_source_get_logs (self), sub, audit_job, wd, NULL);
  g_object_unref (sub);
}

static void
pg_write_async (NdSource *source, const NdWrite *write, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  NdPgSource *self = ND_PG_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  WriteData *wd = g_new0 (WriteData, 1);
  GTask *sub;

  g_task_set_source_tag (task, pg_write_async);
  wd->write = nd_write_copy (write);
  wd->operator_id = nd_pg_source_get_operator_id (self);
  wd->logs_here = !nd_pg_source_has_log_db (self);
  wd->audits = g_ptr_array_new_with_free_func ((GDestroyNotify) audit_free);
  wd->result = nd_write_result_new ();
  wd->now = g_get_real_time () / G_USEC_PER_SEC;
  /* nd_source_write_async only gets here on a probed source. */
  wd->info = nd_server_info_ref (nd_source_get_info (source));
  g_task_set_task_data (task, wd, (GDestroyNotify) write_data_free);

  sub = g_task_new (self, cancellable, write_done, g_steal_pointer (&task));
  nd_pg_conn_run (nd_pg_source_get_main (self), sub, write_job, wd, NULL);
  g_object_unref (sub);
}

void
_nd_pg_source_class_init_write (NdSourceClass *klass)
{
  klass->write_async = pg_write_async;
}

/* ---- abilities ---------------------------------------------------------- */

gboolean
nd_pg_rebuild_abilities (NdPgWriteCtx *ctx, gint64 channel_id, GError **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, channel_id);
  const char *params[1] = { id };
  g_autoptr(PGresult) del = NULL;
  g_autoptr(PGresult) ins = NULL;

  del = nd_pg_exec (ctx->pg, "DELETE FROM abilities WHERE channel_id = $1::bigint", 1, params,
                    ctx->cancellable, error);
  if (del == NULL)
    return FALSE;
  /* strings.Split semantics: regexp_split_to_array keeps empty entries and
   * gives one empty entry for '' (string_to_array would give none). A NULL
   * priority is inserted as the column default, 0, as GORM omits a nil
   * pointer; the tag is copied as it is. */
  ins = nd_pg_exec (ctx->pg,
                    "INSERT INTO abilities (\"group\", model, channel_id, enabled, priority, "
                    "weight, tag) "
                    "SELECT DISTINCT g, m, c.id, c.status = 1, COALESCE (c.priority, 0), "
                    "COALESCE (c.weight, 0), c.tag "
                    "FROM channels c, "
                    "unnest (regexp_split_to_array (COALESCE (c.\"group\", ''), ',')) AS g, "
                    "unnest (regexp_split_to_array (COALESCE (c.models, ''), ',')) AS m "
                    "WHERE c.id = $1::bigint ON CONFLICT DO NOTHING",
                    1, params, ctx->cancellable, error);
  return ins != NULL;
}
