/* nd-facts-store.c — the facts store: its worker, schema, meta and reset
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Storage. `facts` holds the hourly aggregates keyed by
 * hour × user × token × channel × model × type × group: the truth, kept for
 * reports and future filters. The dashboard reads rollups that are kept in
 * step with it in the same transaction: per (period, key, type) for totals,
 * models, channels, users and tokens, at hour granularity and, for the four
 * rankings, also at UTC-day granularity. A range query reads whole days from
 * the daily table and the ragged edges from the hourly one, so a 30-day
 * ranking touches a few thousand rows whatever the gateway's traffic.
 * A store synced in day slices (over NewAPI's API, nd-facts-types.h) also
 * has `slices` (the days synced, whether final, their uncounted errors) and
 * `slice_facts` (per day × user × token × channel × model × type × group);
 * its hourly facts then carry models only. `meta` keeps the schema version,
 * the cursor, the last sync, the dims, and the identity of the gateway
 * (NdServerInfo gateway_id and gateway_instance): another one empties the
 * store before it syncs.
 *
 * Threads. One worker thread owns the sqlite3 handle (WAL mode); jobs queue
 * to it as GTasks, like NdPgConn does for libpq. The sync loop runs on the
 * caller's main context and pipelines: while the worker commits window N,
 * the source already aggregates window N+1 on its own connection.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "nd-error.h"
#include "nd-facts-private.h"

#define DEFAULT_WINDOW 250000
/* A file of another version is a cache of another layout: start over. */
#define SCHEMA_VERSION 3

void
_nd_facts_set_error (sqlite3 *db, GError **error, const char *what)
{
  g_set_error (error, ND_ERROR, ND_ERROR_SERVER, _("The facts store failed (%s): %s"), what,
               db ? sqlite3_errmsg (db) : "out of memory");
}

gboolean
_nd_facts_exec (sqlite3 *db, const char *sql, GError **error)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_SERVER, _("The facts store failed: %s"),
                   msg ? msg : "?");
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

const NdFactsRollup _nd_facts_rollups[N_ROLLUPS] = {
  [R_TOTAL] = { "total", FALSE, FALSE },
  [R_MODEL] = { "model", TRUE, TRUE },
  [R_CHANNEL] = { "channel", FALSE, TRUE },
  [R_USER] = { "user", FALSE, TRUE },
  [R_TOKEN] = { "token", FALSE, TRUE },
};

/* ─── the worker ────────────────────────────────────────────────────────── */

G_DEFINE_FINAL_TYPE (NdFacts, nd_facts, G_TYPE_OBJECT)


/* The tables of this version, for clear and for dropping an old layout. */
static void
append_tables (GString *sql, const char *statement)
{
  static const char * const tables[] = { "facts", "names", "slices", "slice_facts", NULL };

  for (guint i = 0; tables[i] != NULL; i++)
    g_string_append_printf (sql, "%s %s;", statement, tables[i]);
  for (int r = 0; r < N_ROLLUPS; r++)
    for (int d = 0; d < (_nd_facts_rollups[r].daily ? 2 : 1); d++)
      {
        g_autofree char *name = g_strdup_printf ("r_%s_%c", _nd_facts_rollups[r].name, d ? 'd' : 'h');

        g_string_append_printf (sql, "%s %s;", statement, name);
      }
}

gboolean
_nd_facts_clear (sqlite3 *db, GError **error)
{
  g_autoptr(GString) sql = g_string_new ("DELETE FROM meta WHERE key <> 'schema';");

  append_tables (sql, "DELETE FROM");
  return _nd_facts_exec (db, sql->str, error);
}

/* The tables of this version in the database @db ("main", or an attached
 * file such as a report being written). */
static void
append_schema (GString *sql, const char *db)
{
  g_string_append_printf (sql,
    "CREATE TABLE IF NOT EXISTS %1$s.meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS %1$s.facts (hour INTEGER NOT NULL, user_id INTEGER NOT NULL,"
    " token_id INTEGER NOT NULL, channel_id INTEGER NOT NULL, model TEXT NOT NULL,"
    " type INTEGER NOT NULL, grp TEXT NOT NULL, " MEASURE_COLS ","
    " PRIMARY KEY (hour, user_id, token_id, channel_id, model, type, grp)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS %1$s.names (kind INTEGER NOT NULL, id INTEGER NOT NULL,"
    " name TEXT NOT NULL, owner_id INTEGER NOT NULL DEFAULT 0, seen INTEGER NOT NULL,"
    " PRIMARY KEY (kind, id)) WITHOUT ROWID;"
    /* Slice mode (nd-facts-types.h): the days synced, and their facts. */
    "CREATE TABLE IF NOT EXISTS %1$s.slices (start INTEGER PRIMARY KEY, end INTEGER NOT NULL,"
    " fetched INTEGER NOT NULL, final INTEGER NOT NULL, errors_listed INTEGER NOT NULL,"
    " error_count INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS %1$s.slice_facts (start INTEGER NOT NULL, user_id INTEGER NOT NULL,"
    " token_id INTEGER NOT NULL, channel_id INTEGER NOT NULL, model TEXT NOT NULL,"
    " type INTEGER NOT NULL, grp TEXT NOT NULL, " MEASURE_COLS ","
    " PRIMARY KEY (start, user_id, token_id, channel_id, model, type, grp)) WITHOUT ROWID;", db);
  for (int r = 0; r < N_ROLLUPS; r++)
    for (int d = 0; d < (_nd_facts_rollups[r].daily ? 2 : 1); d++)
      g_string_append_printf (sql,
        "CREATE TABLE IF NOT EXISTS %s.r_%s_%c (t INTEGER NOT NULL, k %s NOT NULL,"
        " type INTEGER NOT NULL, " MEASURE_COLS ", PRIMARY KEY (t, k, type)) WITHOUT ROWID;",
        db, _nd_facts_rollups[r].name, d ? 'd' : 'h', _nd_facts_rollups[r].text_key ? "TEXT" : "INTEGER");
}

gboolean
_nd_facts_create_tables (sqlite3 *db, const char *schema, GError **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);

  append_schema (sql, schema);
  g_string_append_printf (sql, "INSERT OR IGNORE INTO %s.meta VALUES ('schema', %d);", schema,
                          SCHEMA_VERSION);
  return _nd_facts_exec (db, sql->str, error);
}

char *
nd_facts_dup_schema_sql (void)
{
  GString *sql = g_string_new (NULL);

  append_schema (sql, "main");
  return g_string_free (sql, FALSE);
}

static gboolean
create_schema (sqlite3 *db, GError **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  sqlite3_stmt *st = NULL;
  gint64 version = SCHEMA_VERSION;

  /* Checked and changed in one transaction: two processes may open a new
   * or an old file at the same moment. */
  if (!_nd_facts_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'schema'", -1, &st, NULL) == SQLITE_OK)
    {
      if (sqlite3_step (st) == SQLITE_ROW)
        version = sqlite3_column_int64 (st, 0);
      sqlite3_finalize (st);
    }
  if (version != SCHEMA_VERSION)
    {
      g_string_append (sql, "DROP TABLE IF EXISTS meta;");
      append_tables (sql, "DROP TABLE IF EXISTS");
    }
  if (!_nd_facts_exec (db, sql->str, error) || !_nd_facts_create_tables (db, "main", error))
    return FALSE;
  return _nd_facts_exec (db, "COMMIT", error);
}

/* The window and `stats` may open a new store at the same moment. Switching
 * to WAL and upgrading a read lock can then fail with SQLITE_BUSY without
 * SQLite calling the busy handler; the setup is idempotent, so retry it. */
static gboolean
setup_db (sqlite3 *db, GError **error)
{
  for (int attempt = 0;; attempt++)
    {
      g_autoptr(GError) local = NULL;
      int code;

      if (_nd_facts_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                        "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;", &local) &&
          create_schema (db, &local))
        return TRUE;
      code = sqlite3_errcode (db);
      if (!sqlite3_get_autocommit (db))
        sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || attempt >= 300)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_usleep (100 * 1000);
    }
}

static sqlite3 *
open_db (const char *path, GError **error)
{
  sqlite3 *db = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, ND_ERROR, ND_ERROR_SERVER, _("Could not create the folder “%s”: %s"),
                   dir, g_strerror (saved));
      return NULL;
    }
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                       SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      _nd_facts_set_error (db, error, path);
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 30000);
  if (!setup_db (db, error))
    {
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

/* A file someone else wrote (a report): never changed, never trusted. Its
 * schema must be this version's; the report reader checks the rest. */
static sqlite3 *
open_db_read_only (const char *path, GError **error)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Could not open “%s”: %s"), path,
                   db ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  if (_nd_facts_meta_get (db, "schema", -1) != SCHEMA_VERSION)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("“%s” holds no facts this version of NewAPI Desk can read"), path);
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

typedef struct {
  char *path;
  gboolean read_only;
} OpenSpec;

static void
open_spec_free (gpointer data)
{
  OpenSpec *spec = data;

  g_free (spec->path);
  g_free (spec);
}

static gpointer
worker_open (gpointer user_data, GError **error)
{
  OpenSpec *spec = user_data;

  return spec->read_only ? open_db_read_only (spec->path, error) : open_db (spec->path, error);
}

static void
worker_after (gpointer handle, gpointer user_data)
{
  /* A job that failed half way must not leave its transaction open. */
  if (!sqlite3_get_autocommit (handle))
    sqlite3_exec (handle, "ROLLBACK", NULL, NULL, NULL);
}

static void
worker_close (gpointer handle, gpointer user_data)
{
  sqlite3_close (handle);
}

static const NdWorkerFuncs worker_funcs = {
  .open = worker_open,
  .after = worker_after,
  .close = worker_close,
};

void
_nd_facts_run (NdFacts *self, GTask *task, NdFactsJobFunc func, gpointer data, GDestroyNotify data_free)
{
  nd_worker_run (self->worker, task, (NdWorkerJobFunc) func, data, data_free);
}

static void
nd_facts_dispose (GObject *object)
{
  NdFacts *self = ND_FACTS (object);

  /* Queued jobs finish (they hold their tasks); then the worker closes the
   * database. Never blocks the caller. */
  if (self->worker != NULL)
    nd_worker_shutdown (self->worker, FALSE);
  G_OBJECT_CLASS (nd_facts_parent_class)->dispose (object);
}

static void
nd_facts_finalize (GObject *object)
{
  NdFacts *self = ND_FACTS (object);

  g_clear_pointer (&self->worker, nd_worker_free);
  g_free (self->path);
  G_OBJECT_CLASS (nd_facts_parent_class)->finalize (object);
}

static void
nd_facts_class_init (NdFactsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nd_facts_dispose;
  object_class->finalize = nd_facts_finalize;
}

static void
nd_facts_init (NdFacts *self)
{
  self->window = DEFAULT_WINDOW;
}

static NdFacts *
facts_new (const char *path, gboolean read_only)
{
  NdFacts *self;
  OpenSpec *spec = g_new0 (OpenSpec, 1);
  static gsize configured = 0;

  /* SQLite counts every allocation under one process-wide mutex unless
   * told not to; a first sync allocates millions of times. Only possible
   * before SQLite's first use, which is here. */
  if (g_once_init_enter (&configured))
    {
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      g_once_init_leave (&configured, 1);
    }
  self = g_object_new (ND_TYPE_FACTS, NULL);
  self->path = g_strdup (path);
  self->read_only = read_only;
  spec->path = g_strdup (path);
  spec->read_only = read_only;
  self->worker = nd_worker_new ("nd-facts", &worker_funcs, spec, open_spec_free);
  return self;
}

NdFacts *
nd_facts_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);
  return facts_new (path, FALSE);
}

NdFacts *
nd_facts_new_read_only (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);
  return facts_new (path, TRUE);
}

gboolean
nd_facts_is_read_only (NdFacts *self)
{
  g_return_val_if_fail (ND_IS_FACTS (self), FALSE);
  return self->read_only;
}

const char *
nd_facts_get_path (NdFacts *self)
{
  g_return_val_if_fail (ND_IS_FACTS (self), NULL);
  return self->path;
}

gint64
nd_facts_get_last_sync (NdFacts *self)
{
  g_return_val_if_fail (ND_IS_FACTS (self), 0);
  return self->last_sync;
}

gint64
nd_facts_get_cursor (NdFacts *self)
{
  g_return_val_if_fail (ND_IS_FACTS (self), 0);
  return self->cursor;
}

gboolean
nd_facts_is_syncing (NdFacts *self)
{
  g_return_val_if_fail (ND_IS_FACTS (self), FALSE);
  return self->syncing;
}

void
nd_facts_set_window (NdFacts *self, gint64 window)
{
  g_return_if_fail (ND_IS_FACTS (self));
  self->window = window > 0 ? window : DEFAULT_WINDOW;
}

/* ─── meta helpers (worker) ─────────────────────────────────────────────── */

gint64
_nd_facts_meta_get (sqlite3 *db, const char *key, gint64 fallback)
{
  sqlite3_stmt *st = NULL;
  gint64 v = fallback;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
    return fallback;
  sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_type (st, 0) != SQLITE_NULL)
    v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return v;
}

char *
_nd_facts_meta_get_text (sqlite3 *db, const char *key)
{
  sqlite3_stmt *st = NULL;
  char *v = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_type (st, 0) != SQLITE_NULL)
    v = g_strdup ((const char *) sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  return v;
}

gboolean
_nd_facts_meta_set (sqlite3 *db, const char *key, gint64 value, GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                          -1, &st, NULL) != SQLITE_OK)
    return _nd_facts_set_error (db, error, "meta"), FALSE;
  sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, value);
  rc = sqlite3_step (st);
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return _nd_facts_set_error (db, error, "meta"), FALSE;
  return TRUE;
}

void
_nd_facts_open_data_free (NdFactsOpenData *od)
{
  g_free (od->identity);
  g_clear_pointer (&od->want, g_array_unref);
  g_free (od);
}

void
_nd_facts_meta_result_free (NdFactsMetaResult *mr)
{
  g_clear_pointer (&mr->todo, g_array_unref);
  g_free (mr);
}

/* The wanted days the store does not hold final with the same bounds (a
 * day stored under another time zone's bounds is asked again). */
static gboolean
plan_days (sqlite3 *db, GArray *want, GArray **todo, GError **error)
{
  sqlite3_stmt *st = NULL;

  *todo = g_array_new (FALSE, FALSE, sizeof (NdFactsSlice));
  if (sqlite3_prepare_v2 (db, "SELECT 1 FROM slices WHERE start = ? AND end = ? AND final", -1,
                          &st, NULL) != SQLITE_OK)
    return _nd_facts_set_error (db, error, "slices"), FALSE;
  for (guint i = 0; i < want->len; i++)
    {
      const NdFactsSlice *day = &g_array_index (want, NdFactsSlice, i);
      int rc;

      sqlite3_bind_int64 (st, 1, day->start);
      sqlite3_bind_int64 (st, 2, day->end);
      rc = sqlite3_step (st);
      sqlite3_reset (st);
      if (rc == SQLITE_DONE)
        g_array_append_val (*todo, *day);
      else if (rc != SQLITE_ROW)
        {
          sqlite3_finalize (st);
          return _nd_facts_set_error (db, error, "slices"), FALSE;
        }
    }
  sqlite3_finalize (st);
  return TRUE;
}

/* Before a sync: the stored cursor, after starting over when asked to or
 * when the store holds another gateway than the one now synced from. */
void
_nd_facts_open_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  NdFactsOpenData *od = data;
  NdFactsMetaResult *mr = g_new0 (NdFactsMetaResult, 1);
  g_autofree char *stored = _nd_facts_meta_get_text (db, "identity");
  GError *error = NULL;

  if (od->clear || (od->identity != NULL && g_strcmp0 (stored, od->identity) != 0))
    {
      sqlite3_stmt *st = NULL;
      gboolean ok;

      ok = _nd_facts_exec (db, "BEGIN IMMEDIATE", &error) && _nd_facts_clear (db, &error);
      if (ok && od->identity != NULL)
        {
          ok = sqlite3_prepare_v2 (db, "INSERT INTO meta VALUES ('identity', ?)", -1, &st, NULL) == SQLITE_OK;
          if (ok)
            {
              sqlite3_bind_text (st, 1, od->identity, -1, SQLITE_STATIC);
              ok = sqlite3_step (st) == SQLITE_DONE;
            }
          sqlite3_finalize (st);
          if (!ok)
            _nd_facts_set_error (db, &error, "meta");
        }
      if (!ok || !_nd_facts_exec (db, "COMMIT", &error))
        {
          _nd_facts_meta_result_free (mr);
          return g_task_return_error (task, error);
        }
      mr->was_reset = TRUE;
    }
  mr->cursor = _nd_facts_meta_get (db, "cursor", 0);
  mr->last_sync = _nd_facts_meta_get (db, "last_sync", 0);
  if (od->want != NULL && !plan_days (db, od->want, &mr->todo, &error))
    {
      _nd_facts_meta_result_free (mr);
      return g_task_return_error (task, error);
    }
  g_task_return_pointer (task, mr, (GDestroyNotify) _nd_facts_meta_result_free);
}

static void
reset_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (!_nd_facts_exec (db, "BEGIN IMMEDIATE", &error) || !_nd_facts_clear (db, &error) ||
      !_nd_facts_exec (db, "COMMIT", &error))
    return g_task_return_error (task, error);
  g_task_return_boolean (task, TRUE);
}

void
nd_facts_reset_async (NdFacts *self, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ND_IS_FACTS (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_facts_reset_async);
  if (self->read_only)
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_READ_ONLY,
                                    _("A report file is a snapshot and cannot be changed."));
  self->cursor = 0;
  self->last_sync = 0;
  _nd_facts_run (self, task, reset_job, NULL, NULL);
}

gboolean
nd_facts_reset_finish (NdFacts *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
