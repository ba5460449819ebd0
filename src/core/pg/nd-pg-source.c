/* nd-pg-source.c — NdSource over NewAPI's PostgreSQL database
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-secure-string.h"
#include "nd-pg-source.h"
#include "nd-pg-source-private.h"

struct _NdPgSource
{
  NdSource parent_instance;

  char *dsn;
  char *password;
  char *log_dsn;
  char *log_password;
  gboolean read_only;
  gint64 operator_id;  /* the admin writes are attributed to; 0 = lowest-id root */

  NdPgConn *main;
  NdPgConn *logs;     /* == main when there is no log database */
  gboolean closed;
};

G_DEFINE_FINAL_TYPE (NdPgSource, nd_pg_source, ND_TYPE_SOURCE)

static void
nd_pg_source_dispose (GObject *object)
{
  NdPgSource *self = ND_PG_SOURCE (object);

  /* Closed, not gone: the connections stay so that a late call fails with
   * "connection closed" instead of finding NULL and never completing. */
  self->closed = TRUE;
  nd_pg_conn_shutdown (self->main);
  nd_pg_conn_shutdown (self->logs);
  g_object_set_data (object, ND_PG_FACTS_CONN_KEY, NULL);
  G_OBJECT_CLASS (nd_pg_source_parent_class)->dispose (object);
}

static void
nd_pg_source_finalize (GObject *object)
{
  NdPgSource *self = ND_PG_SOURCE (object);

  g_clear_object (&self->logs);
  g_clear_object (&self->main);
  g_free (self->dsn);
  g_free (self->log_dsn);
  nd_secure_free (self->password);
  nd_secure_free (self->log_password);
  G_OBJECT_CLASS (nd_pg_source_parent_class)->finalize (object);
}

/* ---- probe ------------------------------------------------------------ */

typedef struct {
  NdServerInfo *info;
  gboolean has_log_db;
} ProbeData;

static void
probe_data_free (ProbeData *pd)
{
  g_clear_pointer (&pd->info, nd_server_info_unref);
  g_free (pd);
}

static gboolean
column_exists (GHashTable *columns, const char *table, const char *column)
{
  g_autofree char *key = g_strdup_printf ("%s.%s", table, column);

  return g_hash_table_contains (columns, key);
}

static GHashTable *
load_columns (PGconn *pg, const char * const *tables, GCancellable *cancellable, GError **error)
{
  g_autoptr(PGresult) res = NULL;
  g_autofree char *list = g_strjoinv (",", (char **) tables);
  const char *params[1] = { list };
  GHashTable *columns;

  res = nd_pg_exec (pg,
                    "SELECT table_name::text || '.' || column_name::text "
                    "FROM information_schema.columns "
                    "WHERE table_schema = current_schema() "
                    "AND table_name = ANY (string_to_array($1, ','))",
                    1, params, cancellable, error);
  if (res == NULL)
    return NULL;
  columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < PQntuples (res); i++)
    g_hash_table_add (columns, nd_pg_strdup (res, i, 0));
  return columns;
}

/* Where the database lives and which install it holds (NdServerInfo's
 * gateway_id / gateway_instance). The cluster's system identifier survives
 * any DSN spelling (socket or TCP, a tunnel, a service file); where a
 * managed service hides it, the server's own host and port stand in. The
 * database's OID changes when it is dropped and created again, and the
 * first `setups` row when NewAPI is installed anew. */
static gboolean
probe_identity (PGconn *pg, gboolean with_setups, const char *prefix, NdServerInfo *info,
                GCancellable *cancellable, GError **error)
{
  g_autoptr(PGresult) res = NULL;
  g_autofree char *where = NULL;
  g_autofree char *which = NULL;

  res = nd_pg_exec (pg,
                    "SELECT CASE WHEN has_function_privilege('pg_control_system()', 'EXECUTE')"
                    " THEN (SELECT system_identifier::text FROM pg_control_system()) END,"
                    " current_database()::text, d.oid::text"
                    " FROM pg_database d WHERE d.datname = current_database()",
                    0, NULL, cancellable, error);
  if (res == NULL)
    return FALSE;
  if (!PQgetisnull (res, 0, 0))
    where = g_strdup_printf ("%scluster=%s/%s", prefix, PQgetvalue (res, 0, 0), PQgetvalue (res, 0, 1));
  else
    where = g_strdup_printf ("%shost=%s:%s/%s", prefix, PQhost (pg), PQport (pg), PQgetvalue (res, 0, 1));
  which = g_strdup_printf ("%soid=%s", prefix, PQgetvalue (res, 0, 2));
  g_clear_pointer (&res, PQclear);

  if (with_setups)
    {
      res = nd_pg_exec (pg, "SELECT id::text || '@' || initialized_at::text FROM setups ORDER BY id LIMIT 1",
                        0, NULL, cancellable, error);
      if (res == NULL)
        return FALSE;
      if (PQntuples (res) > 0)
        {
          char *more = g_strdup_printf ("%s setup=%s", which, PQgetvalue (res, 0, 0));

          g_free (which);
          which = more;
        }
    }

  if (info->gateway_id == NULL)
    {
      info->gateway_id = g_strconcat ("pg:", where, NULL);
      info->gateway_instance = g_steal_pointer (&which);
    }
  else
    {
      char *id = g_strconcat (info->gateway_id, " ", where, NULL);
      char *instance = g_strconcat (info->gateway_instance, " ", which, NULL);

      g_free (info->gateway_id);
      g_free (info->gateway_instance);
      info->gateway_id = id;
      info->gateway_instance = instance;
    }
  return TRUE;
}

gboolean
_nd_pg_read_money (PGconn *pg, NdMoney *money, char **system_name, GCancellable *cancellable,
                   GError **error)
{
  g_autoptr(PGresult) res = NULL;
  gboolean have_display_type = FALSE;
  gboolean legacy_tokens = FALSE;

  res = nd_pg_exec (pg,
                    "SELECT key, value FROM options WHERE key IN ("
                    "'QuotaPerUnit','USDExchangeRate','general_setting.quota_display_type',"
                    "'general_setting.custom_currency_symbol',"
                    "'general_setting.custom_currency_exchange_rate',"
                    "'DisplayInCurrencyEnabled','SystemName')",
                    0, NULL, cancellable, error);
  if (res == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (res); i++)
    {
      const char *key = PQgetvalue (res, i, 0);
      const char *value = PQgetvalue (res, i, 1);

      if (g_str_equal (key, "SystemName"))
        {
          if (system_name != NULL)
            {
              g_free (*system_name);
              *system_name = g_strdup (value);
            }
        }
      else if (g_str_equal (key, "DisplayInCurrencyEnabled"))
        legacy_tokens = g_str_equal (value, "false");
      else
        {
          if (g_str_equal (key, "general_setting.quota_display_type"))
            have_display_type = TRUE;
          nd_money_set_option (money, key, value);
        }
    }
  /* Before quota_display_type existed, this flag chose raw quota. */
  if (!have_display_type && legacy_tokens)
    money->display = ND_MONEY_TOKENS;
  return TRUE;
}

static void
probe_main_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  ProbeData *pd = job_data;
  NdServerInfo *info = pd->info;
  static const char * const tables[] = { "users", "tokens", "logs", "quota_data", "options", "setups", NULL };
  g_autoptr(GHashTable) columns = NULL;
  g_autoptr(PGresult) res = NULL;
  GError *error = NULL;
  int server_version = PQserverVersion (pg);

  info->backend_version = g_strdup_printf ("PostgreSQL %d.%d", server_version / 10000,
                                           server_version % 10000);
  info->username = g_strdup (PQuser (pg));

  columns = load_columns (pg, tables, cancellable, &error);
  if (columns == NULL)
    return g_task_return_error (task, error);
  if (!column_exists (columns, "users", "username") || !column_exists (columns, "options", "key"))
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_NOT_FOUND,
                                    _("The database “%s” has no NewAPI tables (users, options). "
                                      "Is this the right database?"), PQdb (pg));

  /* Can we read at all? A role without SELECT fails here, not on a page. */
  res = nd_pg_exec (pg, "SELECT count(*) FROM (SELECT 1 FROM users LIMIT 1) AS u", 0, NULL,
                    cancellable, &error);
  if (res == NULL)
    return g_task_return_error (task, error);
  g_clear_pointer (&res, PQclear);

  if (!pd->has_log_db)
    {
      info->has_log_request_id = column_exists (columns, "logs", "request_id");
    }
  info->has_quota_data_dims = column_exists (columns, "quota_data", "channel_id");
  info->has_token_auto_groups = column_exists (columns, "tokens", "auto_groups");
  info->has_user_auth_version = column_exists (columns, "users", "auth_version");

  if (column_exists (columns, "setups", "version"))
    {
      res = nd_pg_exec (pg, "SELECT version FROM setups ORDER BY id DESC LIMIT 1", 0, NULL,
                        cancellable, &error);
      if (res == NULL)
        return g_task_return_error (task, error);
      if (PQntuples (res) > 0)
        info->newapi_version = nd_pg_strdup (res, 0, 0);
      g_clear_pointer (&res, PQclear);
    }

  if (!probe_identity (pg, column_exists (columns, "setups", "initialized_at"), "", info,
                       cancellable, &error))
    return g_task_return_error (task, error);

  if (!_nd_pg_read_money (pg, info->money, &info->system_name, cancellable, &error))
    return g_task_return_error (task, error);

  res = nd_pg_exec (pg, "SHOW default_transaction_read_only", 0, NULL, cancellable, &error);
  if (res == NULL)
    return g_task_return_error (task, error);
  info->read_only = g_str_equal (PQgetvalue (res, 0, 0), "on");

  g_task_return_boolean (task, TRUE);
}

static void
probe_logs_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  ProbeData *pd = job_data;
  NdServerInfo *info = pd->info;
  static const char * const tables[] = { "logs", NULL };
  g_autoptr(GHashTable) columns = NULL;
  g_autoptr(PGresult) res = NULL;
  GError *error = NULL;

  columns = load_columns (pg, tables, cancellable, &error);
  if (columns == NULL)
    return g_task_return_error (task, error);
  if (!column_exists (columns, "logs", "created_at"))
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_NOT_FOUND,
                                    _("The log database “%s” has no NewAPI logs table."),
                                    PQdb (pg));
  info->has_log_request_id = column_exists (columns, "logs", "request_id");
  /* The log ids the facts cursor counts are this database's. */
  if (pd->has_log_db && !probe_identity (pg, FALSE, "logs:", info, cancellable, &error))
    return g_task_return_error (task, error);

  /* Installs created before rc.11 keep idx_created_at_id as (id, created_at);
   * keyset paging must not count on the (created_at, id) order there. */
  res = nd_pg_exec (pg,
                    "SELECT a.attname::text FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
                    "WHERE c.relname = 'idx_created_at_id' "
                    "AND c.relnamespace = to_regnamespace(current_schema())",
                    0, NULL, cancellable, &error);
  if (res == NULL)
    return g_task_return_error (task, error);
  info->legacy_log_index = PQntuples (res) > 0 && g_str_equal (PQgetvalue (res, 0, 0), "id");
  g_clear_pointer (&res, PQclear);

  res = nd_pg_exec (pg,
                    "SELECT greatest(c.reltuples, 0)::bigint, (SELECT max(id) FROM logs) "
                    "FROM pg_class c WHERE c.oid = to_regclass('logs')",
                    0, NULL, cancellable, &error);
  if (res == NULL)
    return g_task_return_error (task, error);
  if (PQntuples (res) > 0)
    {
      info->approx_log_rows = nd_pg_int64 (res, 0, 0);
      info->max_log_id = PQgetisnull (res, 0, 1) ? 0 : nd_pg_int64 (res, 0, 1);
    }
  g_task_return_boolean (task, TRUE);
}

static void
probe_logs_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ProbeData *pd = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return g_task_return_error (task, error);

  pd->info->caps = ND_CAP_LOGS | ND_CAP_LOG_EXPORT | ND_CAP_LOG_TAIL | ND_CAP_LOG_IP_FILTER |
                   ND_CAP_BULK_READS |
                   ND_CAP_FACTS | ND_CAP_FACTS_USER | ND_CAP_FACTS_TOKEN | ND_CAP_FACTS_CHANNEL |
                   ND_CAP_FACTS_ERRORS | ND_CAP_FACTS_LATENCY | ND_CAP_FACTS_TOKEN_SPLIT |
                   ND_CAP_CHANNELS | ND_CAP_USERS | ND_CAP_USERS_ANY_QUERY |
                   ND_CAP_TOKENS_ALL_USERS | ND_CAP_REDEMPTIONS | ND_CAP_MODELS;
  if (pd->info->has_log_request_id)
    pd->info->caps |= ND_CAP_LOG_REQUEST_ID;
  if (!pd->info->read_only)
    pd->info->caps |= ND_CAP_WRITE;
  pd->info->logs_separate_db = pd->has_log_db;
  g_task_return_pointer (task, nd_server_info_ref (pd->info),
                         (GDestroyNotify) nd_server_info_unref);
}

static void
probe_main_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  NdPgSource *self = g_task_get_source_object (task);
  GTask *sub;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return g_task_return_error (task, error);

  sub = g_task_new (self, g_task_get_cancellable (task), probe_logs_done, g_object_ref (task));
  nd_pg_conn_run (self->logs, sub, probe_logs_job, g_task_get_task_data (task), NULL);
  g_object_unref (sub);
}

static void
nd_pg_source_probe_async (NdSource *source, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  NdPgSource *self = ND_PG_SOURCE (source);
  g_autoptr(GTask) task = NULL;
  GTask *sub;
  ProbeData *pd;
  GError *error = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_pg_source_probe_async);

  /* A malformed DSN is the user's typo, not an unreachable server. */
  if (!nd_pg_dsn_validate (self->dsn, &error) ||
      (self->log_dsn != NULL && !nd_pg_dsn_validate (self->log_dsn, &error)))
    return g_task_return_error (task, error);

  pd = g_new0 (ProbeData, 1);
  pd->info = nd_server_info_new (ND_SOURCE_KIND_PG);
  pd->has_log_db = self->logs != self->main;
  g_task_set_task_data (task, pd, (GDestroyNotify) probe_data_free);

  sub = g_task_new (self, cancellable, probe_main_done, g_object_ref (task));
  nd_pg_conn_run (self->main, sub, probe_main_job, pd, NULL);
  g_object_unref (sub);
}

/* ---- exec (tests, guard) ---------------------------------------------- */

static void
exec_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  g_autoptr(PGresult) res = NULL;
  GError *error = NULL;

  res = nd_pg_exec (pg, job_data, 0, NULL, cancellable, &error);
  if (res == NULL)
    return g_task_return_error (task, error);
  g_task_return_int (task, g_ascii_strtoll (PQcmdTuples (res), NULL, 10));
}

void
nd_pg_source_exec_async (NdPgSource *self, const char *sql, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ND_IS_PG_SOURCE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_pg_source_exec_async);
  nd_pg_conn_run (self->main, task, exec_job, g_strdup (sql), g_free);
}

gint64
nd_pg_source_exec_finish (NdPgSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

/* ---- class ------------------------------------------------------------ */

static void
nd_pg_source_class_init (NdPgSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  NdSourceClass *source_class = ND_SOURCE_CLASS (klass);

  object_class->dispose = nd_pg_source_dispose;
  object_class->finalize = nd_pg_source_finalize;

  source_class->probe_async = nd_pg_source_probe_async;
  _nd_pg_source_class_init_logs (source_class);
  _nd_pg_source_class_init_catalog (source_class);
  _nd_pg_source_class_init_models (source_class);
  _nd_pg_source_class_init_facts (source_class);
  _nd_pg_source_class_init_write (source_class);
  _nd_pg_source_class_init_channel (source_class);
  _nd_pg_source_class_init_keys (source_class);
  _nd_pg_source_class_init_health (source_class);
}

static void
nd_pg_source_init (NdPgSource *self)
{
}

NdSource *
nd_pg_source_new (const char *dsn, const char *password,
                  const char *log_dsn, const char *log_password, gboolean read_only)
{
  NdPgSource *self;
  g_autofree char *name = nd_pg_dsn_describe (dsn);

  self = g_object_new (ND_TYPE_PG_SOURCE, "name", name, NULL);
  self->dsn = g_strdup (dsn);
  self->password = g_strdup (password);
  self->log_dsn = log_dsn && *log_dsn ? g_strdup (log_dsn) : NULL;
  self->log_password = g_strdup (log_password);
  self->read_only = read_only;
  self->main = nd_pg_conn_new (dsn, password, read_only);
  if (self->log_dsn != NULL)
    self->logs = nd_pg_conn_new (self->log_dsn, log_password ? log_password : password, read_only);
  else
    self->logs = g_object_ref (self->main);
  return ND_SOURCE (self);
}

void
nd_pg_source_set_operator_id (NdPgSource *self, gint64 user_id)
{
  g_return_if_fail (ND_IS_PG_SOURCE (self));
  self->operator_id = MAX (user_id, 0);
}

gint64
nd_pg_source_get_operator_id (NdPgSource *self)
{
  g_return_val_if_fail (ND_IS_PG_SOURCE (self), 0);
  return self->operator_id;
}

NdPgConn *
nd_pg_source_get_main (NdPgSource *self)
{
  g_return_val_if_fail (ND_IS_PG_SOURCE (self), NULL);
  return self->main;
}

NdPgConn *
nd_pg_source_get_logs (NdPgSource *self)
{
  g_return_val_if_fail (ND_IS_PG_SOURCE (self), NULL);
  return self->logs;
}

gboolean
nd_pg_source_has_log_db (NdPgSource *self)
{
  g_return_val_if_fail (ND_IS_PG_SOURCE (self), FALSE);
  return self->logs != self->main;
}

NdPgConn *
nd_pg_source_open_logs_conn (NdPgSource *self)
{
  NdPgConn *conn;

  g_return_val_if_fail (ND_IS_PG_SOURCE (self), NULL);

  if (self->log_dsn != NULL)
    conn = nd_pg_conn_new (self->log_dsn, self->log_password ? self->log_password : self->password,
                           self->read_only);
  else
    conn = nd_pg_conn_new (self->dsn, self->password, self->read_only);
  /* A closed source never connects again; jobs on this one fail at once. */
  if (self->closed)
    nd_pg_conn_shutdown (conn);
  return conn;
}
