/* nd-pg-source-keys.c — a token's key or redemption codes, on explicit request
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list calls (nd-pg-source-catalog.c) mask keys inside the database;
 * these two read them in full for a "Reveal" or --show-keys. Keys are
 * plain text in NewAPI's tables (reference §2.8). The copies libpq made are
 * wiped before the result is freed, and nothing is logged.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-pg-source-private.h"
#include "nd-secure-string.h"

/* Clears every value of @res in place before PQclear frees it. */
static void
wipe_result (PGresult *res)
{
  for (int r = 0; r < PQntuples (res); r++)
    for (int c = 0; c < PQnfields (res); c++)
      nd_secure_wipe (PQgetvalue (res, r, c));
}

typedef struct {
  char *ids;                   /* "{1,2,3}" */
} KeysData;

static void
keys_data_free (KeysData *kd)
{
  g_free (kd->ids);
  g_free (kd);
}

static void
token_key_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  KeysData *kd = job_data;
  const char *params[1] = { kd->ids };
  PGresult *res;
  char *key;
  GError *error = NULL;

  res = nd_pg_exec (pg, "SELECT rtrim (\"key\") FROM tokens "
                        "WHERE id = ANY ($1::bigint[]) AND deleted_at IS NULL",
                    1, params, cancellable, &error);
  if (res == NULL)
    return g_task_return_error (task, error);
  if (PQntuples (res) == 0)
    {
      PQclear (res);
      return g_task_return_new_error (task, ND_ERROR, ND_ERROR_NOT_FOUND,
                                      _("That token does not exist (any more)"));
    }
  key = g_strdup (PQgetvalue (res, 0, 0));
  wipe_result (res);
  PQclear (res);
  g_task_return_pointer (task, key, (GDestroyNotify) nd_secure_free);
}

static void
redemption_keys_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  KeysData *kd = job_data;
  const char *params[1] = { kd->ids };
  PGresult *res;
  GHashTable *keys;
  GError *error = NULL;

  res = nd_pg_exec (pg, "SELECT id, rtrim (\"key\") FROM redemptions "
                        "WHERE id = ANY ($1::bigint[]) AND deleted_at IS NULL",
                    1, params, cancellable, &error);
  if (res == NULL)
    return g_task_return_error (task, error);
  keys = nd_secret_table_new ();
  for (int i = 0; i < PQntuples (res); i++)
    {
      gint64 id = nd_pg_int64 (res, i, 0);

      g_hash_table_insert (keys, g_memdup2 (&id, sizeof id), g_strdup (PQgetvalue (res, i, 1)));
    }
  wipe_result (res);
  PQclear (res);
  g_task_return_pointer (task, keys, (GDestroyNotify) g_hash_table_unref);
}

static void
run_keys (NdSource *source, const gint64 *ids, guint n_ids, NdPgJobFunc job, gpointer tag,
          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  KeysData *kd = g_new0 (KeysData, 1);
  GString *s = g_string_new ("{");

  g_task_set_source_tag (task, tag);
  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? "," : "", ids[i]);
  g_string_append_c (s, '}');
  kd->ids = g_string_free (s, FALSE);
  nd_pg_conn_run (nd_pg_source_get_main (ND_PG_SOURCE (source)), task, job, kd,
                  (GDestroyNotify) keys_data_free);
}

static void
pg_reveal_token_key_async (NdSource *source, gint64 id, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  run_keys (source, &id, 1, token_key_job, pg_reveal_token_key_async, cancellable, callback,
            user_data);
}

static void
pg_reveal_redemption_keys_async (NdSource *source, const gint64 *ids, guint n_ids,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  run_keys (source, ids, n_ids, redemption_keys_job, pg_reveal_redemption_keys_async,
            cancellable, callback, user_data);
}

void
_nd_pg_source_class_init_keys (NdSourceClass *klass)
{
  klass->reveal_token_key_async = pg_reveal_token_key_async;
  klass->reveal_redemption_keys_async = pg_reveal_redemption_keys_async;
}
