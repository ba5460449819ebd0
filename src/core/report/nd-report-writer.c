/* nd-report-writer.c — nd_report_write_async: a source and its facts → .ndreport
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On the caller's main context the writer reads the snapshots (one list
 * call after another, page by page) and the error logs of the range
 * (streamed, counted by message, capped); then a thread writes them into a
 * temporary file, the facts store's worker copies the range's facts into
 * it (nd_facts_export_async), and a thread stamps the format, compacts,
 * syncs and renames. Nothing of a failed or cancelled report is left.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "nd-error.h"
#include "nd-secure-string.h"
#include "nd-time.h"
#include "nd-report-private.h"

#define DEFAULT_MAX_ROWS 20000
#define DEFAULT_TOP_ERRORS 50
#define DEFAULT_ERROR_LOGS_BULK 100000
#define DEFAULT_ERROR_LOGS_API 1000
#define LIST_PAGE 1000
/* The snapshot lists come first in NdReportTableId; logs are streamed. */
#define N_SNAPSHOTS ND_REPORT_LOGS
/* An error message is kept this long at most: enough to tell them apart. */
#define MAX_MESSAGE_CHARS 300

typedef struct {
  char *message;
  gint64 count;
  gint64 first_seen;
  gint64 last_seen;
} ErrorRow;

typedef struct {
  NdSource *source;
  NdFacts *facts;
  NdReportOptions opts;
  char *instance;
  char *range_name;
  char *path;
  char *tmp;
  NdReportProgressFunc progress;
  gpointer progress_data;
  NdReportMeta *meta;
  gint64 today;
  /* reading */
  guint table;                /* NdReportTableId being read */
  GPtrArray *items[ND_REPORT_N_TABLES];
  GHashTable *errors;         /* message → ErrorRow */
  gint64 errors_scanned;
  guint max_error_logs;
  gboolean errors_capped;
  gboolean logs_capped;
} WriteData;

static void
error_row_free (ErrorRow *row)
{
  g_free (row->message);
  g_free (row);
}

static void
write_data_free (WriteData *wd)
{
  if (wd->tmp != NULL)
    {
      g_autofree char *journal = g_strconcat (wd->tmp, "-journal", NULL);

      g_unlink (wd->tmp);
      g_unlink (journal);
      g_free (wd->tmp);
    }
  g_clear_object (&wd->source);
  g_clear_object (&wd->facts);
  g_free (wd->instance);
  g_free (wd->range_name);
  g_free (wd->path);
  g_clear_pointer (&wd->meta, nd_report_meta_unref);
  for (guint i = 0; i < ND_REPORT_N_TABLES; i++)
    g_clear_pointer (&wd->items[i], g_ptr_array_unref);
  g_clear_pointer (&wd->errors, g_hash_table_unref);
  g_free (wd);
}

static void
say (WriteData *wd, const char *stage)
{
  if (wd->progress != NULL)
    wd->progress (stage, wd->progress_data);
}

/* A source may refuse a list it does not offer to this account: the
 * report goes on without it. Anything else fails the report. */
static gboolean
is_refusal (const GError *error)
{
  return g_error_matches (error, ND_ERROR, ND_ERROR_PERMISSION) ||
         g_error_matches (error, ND_ERROR, ND_ERROR_UNSUPPORTED);
}

/* What each list needs from the source, and the status line while reading it. */
static const struct {
  NdCapabilities cap;
  const char *stage;
} table_reads[ND_REPORT_N_TABLES] = {
  [ND_REPORT_CHANNELS] = { ND_CAP_CHANNELS, N_("Reading channels…") },
  [ND_REPORT_USERS] = { ND_CAP_USERS, N_("Reading users…") },
  /* Over the API only the admin's own tokens: no snapshot rather than a
   * misleading one. */
  [ND_REPORT_TOKENS] = { ND_CAP_TOKENS_ALL_USERS, N_("Reading tokens…") },
  [ND_REPORT_MODELS] = { ND_CAP_MODELS, N_("Reading models…") },
  [ND_REPORT_LOGS] = { ND_CAP_LOG_EXPORT, N_("Reading logs…") },
};

/* ─── the meta ─────────────────────────────────────────────────────────── */

/* The zone of the local days, by a name another machine can load. */
static char *
local_zone_name (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  const char *id = g_time_zone_get_identifier (tz);
  g_autoptr(GTimeZone) again = NULL;

  if (id == NULL || *id == '/' || *id == ':')
    return NULL;
  again = g_time_zone_new_identifier (id);
  return again != NULL ? g_strdup (id) : NULL;
}

static NdReportMeta *
meta_new (NdServerInfo *info, const NdReportOptions *o, const char *instance, gint64 now)
{
  NdReportMeta *m = nd_report_meta_new ();
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  gint64 a = nd_time_floor (o->from, ND_TIME_HOUR);
  gint64 b = MAX (nd_time_ceil (o->to, ND_TIME_HOUR), a + ND_TIME_HOUR);

  m->instance = g_strdup (instance);
  m->system_name = g_strdup (info->system_name);
  m->newapi_version = g_strdup (info->newapi_version);
  m->backend = g_strdup (info->backend_version);
  m->gateway_id = g_strdup (info->gateway_id);
  m->source_kind = info->kind;
  m->source_caps = info->caps;
  m->facts_lag_seconds = info->facts_lag_seconds;
  m->from = a;
  m->to = b;
  m->bucket = o->bucket == ND_TIME_HOUR || o->bucket == ND_TIME_DAY || o->bucket == 7 * ND_TIME_DAY
              ? o->bucket
              : b - a <= 48 * ND_TIME_HOUR ? ND_TIME_HOUR
              : b - a <= 92 * ND_TIME_DAY ? ND_TIME_DAY : 7 * ND_TIME_DAY;
  m->range_name = g_strdup (o->range_name);
  m->tz_name = local_zone_name ();
  m->tz_offset = g_time_zone_get_offset (tz, g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, a));
  m->created_at = now;
  m->app_version = g_strdup (PACKAGE_VERSION);
  nd_money_free (m->money);
  m->money = nd_money_copy (info->money);
  return m;
}

/* ─── errors ───────────────────────────────────────────────────────────── */

static GQuark
cap_quark (void)
{
  return g_quark_from_static_string ("nd-report-error-cap");
}

/* One message per kind of failure: masked, on one line, not too long. */
static char *
error_message (const NdLog *log)
{
  g_autofree char *masked = nd_mask_text_dup (log->content ? log->content : "");
  g_autofree char *valid = g_utf8_make_valid (masked, -1);
  char *line = g_strstrip (g_strdelimit (valid, "\r\n\t", ' '));

  if (*line == '\0')
    return g_strdup (_("(no message)"));
  if (g_utf8_strlen (line, -1) > MAX_MESSAGE_CHARS)
    return g_utf8_substring (line, 0, MAX_MESSAGE_CHARS);
  return g_strdup (line);
}

/* Runs on the export's thread, never concurrently with itself; nothing
 * else touches wd->errors until the export has finished. */
static gboolean
error_batch (GPtrArray *rows, gpointer user_data, GError **error)
{
  WriteData *wd = user_data;

  for (guint i = 0; i < rows->len; i++)
    {
      const NdLog *log = g_ptr_array_index (rows, i);
      char *message = error_message (log);
      ErrorRow *row = g_hash_table_lookup (wd->errors, message);

      if (row == NULL)
        {
          row = g_new0 (ErrorRow, 1);
          row->message = message;
          row->first_seen = row->last_seen = log->created_at;
          g_hash_table_insert (wd->errors, message, row);
        }
      else
        g_free (message);
      row->count++;
      row->first_seen = MIN (row->first_seen, log->created_at);
      row->last_seen = MAX (row->last_seen, log->created_at);
      if (++wd->errors_scanned >= wd->max_error_logs)
        {
          g_set_error_literal (error, cap_quark (), 0, "cap");
          return FALSE;
        }
    }
  return TRUE;
}

static gint
error_row_cmp (gconstpointer pa, gconstpointer pb)
{
  const ErrorRow *a = *(ErrorRow * const *) pa, *b = *(ErrorRow * const *) pb;

  if (a->count != b->count)
    return a->count > b->count ? -1 : 1;
  return g_strcmp0 (a->message, b->message);
}

/* ─── writing (threads) ────────────────────────────────────────────────── */

static gboolean
exec (sqlite3 *db, const char *sql, const char *what, GError **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  _nd_report_set_error (db, error, what);
  return FALSE;
}

static gboolean
write_errors (sqlite3 *db, WriteData *wd, GError **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  sqlite3_stmt *st = NULL;
  guint keep = wd->opts.top_errors ? wd->opts.top_errors : DEFAULT_TOP_ERRORS;
  gboolean ok = TRUE;

  g_hash_table_iter_init (&iter, wd->errors);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (rows, value);
  g_ptr_array_sort (rows, error_row_cmp);
  if (sqlite3_prepare_v2 (db, "INSERT INTO errors VALUES (?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
    return _nd_report_set_error (db, error, "errors"), FALSE;
  for (guint i = 0; ok && i < rows->len && i < keep; i++)
    {
      const ErrorRow *row = g_ptr_array_index (rows, i);

      sqlite3_bind_text (st, 1, row->message, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 2, row->count);
      sqlite3_bind_int64 (st, 3, row->first_seen);
      sqlite3_bind_int64 (st, 4, row->last_seen);
      ok = sqlite3_step (st) == SQLITE_DONE;
      sqlite3_reset (st);
    }
  if (!ok)
    _nd_report_set_error (db, error, "errors");
  sqlite3_finalize (st);
  wd->meta->n_errors = wd->errors_scanned < 0 ? -1 : (gint64) MIN (rows->len, keep);
  return ok;
}

static void
write_snapshots (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  WriteData *wd = data;
  g_autofree char *schema = _nd_report_schema_sql ();
  g_autofree char *dir = g_path_get_dirname (wd->path);
  g_autofree char *base = g_path_get_basename (wd->path);
  g_autofree char *template = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  GError *error = NULL;
  sqlite3 *db = NULL;
  gboolean ok;
  int fd;

  fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved = errno;

      return g_task_return_new_error (task, ND_ERROR, ND_ERROR_INVALID_INPUT,
                                      _("Could not write “%s”: %s"), wd->path, g_strerror (saved));
    }
  close (fd);
  wd->tmp = g_steal_pointer (&template);

  ok = sqlite3_open_v2 (wd->tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK;
  if (!ok)
    _nd_report_set_error (db, &error, wd->path);
  ok = ok && exec (db, "PRAGMA application_id = " G_STRINGIFY (ND_REPORT_APPLICATION_ID) ";"
                   " PRAGMA journal_mode = DELETE; BEGIN", wd->path, &error) &&
       exec (db, schema, wd->path, &error);
  for (guint t = 0; ok && t < ND_REPORT_N_TABLES; t++)
    ok = _nd_report_insert (db, &_nd_report_tables[t], wd->items[t], &error);
  ok = ok && write_errors (db, wd, &error) &&
       _nd_report_meta_write (db, wd->meta, &error) &&
       exec (db, "COMMIT", wd->path, &error);
  sqlite3_close (db);
  if (!ok)
    return g_task_return_error (task, error);
  g_task_return_boolean (task, TRUE);
}

/* The facts are in: mark the file as a finished report, compact it, make
 * it durable, and only then give it its name. */
static void
finish_file (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  WriteData *wd = data;
  GError *error = NULL;
  sqlite3 *db = NULL;
  gboolean ok;
  int fd;

  ok = sqlite3_open_v2 (wd->tmp, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK;
  if (!ok)
    _nd_report_set_error (db, &error, wd->path);
  ok = ok && exec (db, "PRAGMA user_version = " G_STRINGIFY (ND_REPORT_FORMAT_VERSION) "; VACUUM",
                   wd->path, &error);
  sqlite3_close (db);
  if (ok)
    {
      fd = g_open (wd->tmp, O_RDONLY | O_CLOEXEC, 0);
      ok = fd >= 0 && fsync (fd) == 0;
      if (fd >= 0)
        close (fd);
      ok = ok && g_rename (wd->tmp, wd->path) == 0;
      if (!ok)
        {
          int saved = errno;

          g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Could not write “%s”: %s"),
                       wd->path, g_strerror (saved));
        }
    }
  if (!ok)
    return g_task_return_error (task, error);
  g_clear_pointer (&wd->tmp, g_free);   /* renamed: nothing to remove */
  g_task_return_boolean (task, TRUE);
}

/* ─── the steps (main context) ─────────────────────────────────────────── */

static void read_next_table (GTask *task);
static void read_logs (GTask *task);

static void
finished (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  WriteData *wd = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return g_task_return_error (task, error);
  g_task_return_pointer (task, nd_report_meta_ref (wd->meta), (GDestroyNotify) nd_report_meta_unref);
}

static void
facts_copied (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(GTask) sub = NULL;

  if (!nd_facts_export_finish (ND_FACTS (object), result, &error))
    return g_task_return_error (task, error);
  sub = g_task_new (NULL, g_task_get_cancellable (task), finished, g_object_ref (task));
  g_task_set_task_data (sub, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (sub, finish_file);
}

static void
snapshots_written (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  WriteData *wd = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return g_task_return_error (task, error);
  if (g_task_return_error_if_cancelled (task))
    return;
  nd_facts_export_async (wd->facts, wd->tmp, wd->meta->from, wd->meta->to, wd->today,
                         g_task_get_cancellable (task), facts_copied, g_object_ref (task));
}

static void
write_file (GTask *task)
{
  WriteData *wd = g_task_get_task_data (task);
  g_autoptr(GTask) sub = g_task_new (NULL, g_task_get_cancellable (task), snapshots_written,
                                     g_object_ref (task));

  say (wd, _("Writing the report…"));
  g_task_set_task_data (sub, wd, NULL);
  g_task_run_in_thread (sub, write_snapshots);
}

/* Export order is newest first: the cap keeps the newest logs. */
static gboolean
log_batch (GPtrArray *rows, gpointer user_data, GError **error)
{
  WriteData *wd = user_data;
  GPtrArray *logs = wd->items[ND_REPORT_LOGS];

  for (guint i = 0; i < rows->len; i++)
    {
      if (logs->len >= wd->opts.max_logs)
        {
          wd->logs_capped = TRUE;
          g_set_error_literal (error, cap_quark (), 0, "cap");
          return FALSE;
        }
      g_ptr_array_add (logs, nd_log_copy (g_ptr_array_index (rows, i)));
    }
  return TRUE;
}

static void
logs_read (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  WriteData *wd = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  nd_source_export_logs_finish (ND_SOURCE (object), result, &error);
  if (error != NULL && error->domain != cap_quark () && !is_refusal (error))
    return g_task_return_error (task, g_steal_pointer (&error));
  if (error != NULL && is_refusal (error))
    g_clear_pointer (&wd->items[ND_REPORT_LOGS], g_ptr_array_unref);
  else
    {
      wd->meta->n_logs = wd->items[ND_REPORT_LOGS]->len;
      wd->meta->logs_complete = !wd->logs_capped;
    }
  write_file (task);
}

static void
read_logs (GTask *task)
{
  WriteData *wd = g_task_get_task_data (task);
  g_autoptr(NdLogQuery) query = nd_log_query_new ();

  if (wd->opts.max_logs == 0 ||
      !nd_server_info_has (nd_source_get_info (wd->source), ND_CAP_LOG_EXPORT))
    return write_file (task);
  say (wd, _(table_reads[ND_REPORT_LOGS].stage));
  wd->opts.max_logs = MIN (wd->opts.max_logs, ND_REPORT_MAX_LOGS);
  wd->items[ND_REPORT_LOGS] = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_log_free);
  query->from = wd->meta->from;
  query->to = wd->meta->to;
  nd_source_export_logs_async (wd->source, query, log_batch, wd, g_task_get_cancellable (task),
                               logs_read, g_object_ref (task));
}

static void
errors_read (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  WriteData *wd = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  nd_source_export_logs_finish (ND_SOURCE (object), result, &error);
  if (error != NULL && error->domain == cap_quark ())
    wd->errors_capped = TRUE;
  else if (error != NULL && is_refusal (error))
    wd->errors_scanned = -1;
  else if (error != NULL)
    return g_task_return_error (task, g_steal_pointer (&error));
  wd->meta->errors_scanned = wd->errors_scanned;
  wd->meta->errors_complete = wd->errors_scanned >= 0 && !wd->errors_capped;
  read_logs (task);
}

static void
read_errors (GTask *task)
{
  WriteData *wd = g_task_get_task_data (task);
  NdServerInfo *info = nd_source_get_info (wd->source);
  g_autoptr(NdLogQuery) query = nd_log_query_new ();

  if (!nd_server_info_has (info, ND_CAP_LOG_EXPORT))
    return read_logs (task);
  say (wd, _("Reading error logs…"));
  wd->errors_scanned = 0;
  wd->max_error_logs = wd->opts.max_error_logs ? wd->opts.max_error_logs
                       : nd_server_info_has (info, ND_CAP_BULK_READS) ? DEFAULT_ERROR_LOGS_BULK
                                                                      : DEFAULT_ERROR_LOGS_API;
  query->from = wd->meta->from;
  query->to = wd->meta->to;
  query->type = ND_LOG_ERROR;
  nd_source_export_logs_async (wd->source, query, error_batch, wd, g_task_get_cancellable (task),
                               errors_read, g_object_ref (task));
}


static gint64 *
table_count (NdReportMeta *m, guint table)
{
  gint64 *counts[ND_REPORT_N_TABLES] = {
    [ND_REPORT_CHANNELS] = &m->n_channels, [ND_REPORT_USERS] = &m->n_users,
    [ND_REPORT_TOKENS] = &m->n_tokens, [ND_REPORT_MODELS] = &m->n_models,
    [ND_REPORT_LOGS] = &m->n_logs,
  };

  return counts[table];
}

static guint
max_rows (WriteData *wd)
{
  return wd->opts.max_rows ? wd->opts.max_rows : DEFAULT_MAX_ROWS;
}

/* A channel's base URL may carry credentials (user:password@, ?key=):
 * the report keeps where it points, not how it logs in. */
static void
strip_url (NdChannel *channel)
{
  g_autoptr(GUri) uri = NULL;

  if (channel->base_url == NULL || *channel->base_url == '\0')
    return;
  uri = g_uri_parse (channel->base_url, G_URI_FLAGS_NONE, NULL);
  g_free (channel->base_url);
  channel->base_url = uri == NULL ? NULL
    : g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                  g_uri_get_port (uri), g_uri_get_path (uri), NULL, NULL);
}

/* Moves the rows of @from into @items, up to the cap. */
static void
take_rows (WriteData *wd, GPtrArray *items, GPtrArray *from)
{
  gsize n = 0;
  gpointer *rows = g_ptr_array_steal (from, &n);

  for (gsize i = 0; i < n; i++)
    {
      if (wd->table == ND_REPORT_CHANNELS)
        strip_url (rows[i]);
      if (items->len < max_rows (wd))
        g_ptr_array_add (items, rows[i]);
      else
        _nd_report_tables[wd->table].free_item (rows[i]);
    }
  g_free (rows);
}

static void
list_read (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  WriteData *wd = g_task_get_task_data (task);
  GPtrArray *items = wd->items[wd->table];
  g_autoptr(GError) error = NULL;
  gboolean more = FALSE;

  if (wd->table == ND_REPORT_CHANNELS)
    {
      g_autoptr(GPtrArray) all = nd_source_list_channels_finish (ND_SOURCE (object), result, &error);

      if (all != NULL)
        take_rows (wd, items, all);
    }
  else
    {
      g_autoptr(NdListPage) page = nd_source_list_finish (ND_SOURCE (object), result, &error);
      guint n = page != NULL ? page->items->len : 0;

      if (page != NULL)
        take_rows (wd, items, page->items);
      more = n >= LIST_PAGE && items->len < max_rows (wd) &&
             (page->total < 0 || (gint64) items->len < page->total);
    }
  if (error != NULL && !is_refusal (error))
    return g_task_return_error (task, g_steal_pointer (&error));
  if (error != NULL)
    g_clear_pointer (&wd->items[wd->table], g_ptr_array_unref);
  else if (!more)
    *table_count (wd->meta, wd->table) = items->len;
  if (!more)
    wd->table++;
  read_next_table (task);
}

static void
read_next_table (GTask *task)
{
  WriteData *wd = g_task_get_task_data (task);
  NdServerInfo *info = nd_source_get_info (wd->source);
  GCancellable *cancellable = g_task_get_cancellable (task);
  NdListQuery query = { 0 };

  if (g_task_return_error_if_cancelled (task))
    return;
  while (wd->table < N_SNAPSHOTS && !nd_server_info_has (info, table_reads[wd->table].cap))
    wd->table++;
  if (wd->table >= N_SNAPSHOTS)
    return read_errors (task);
  if (wd->items[wd->table] == NULL)
    {
      wd->items[wd->table] = g_ptr_array_new_with_free_func (_nd_report_tables[wd->table].free_item);
      say (wd, _(table_reads[wd->table].stage));
    }
  query.offset = wd->items[wd->table]->len;
  query.limit = LIST_PAGE;
  query.sort_by = (char *) "id";
  switch (wd->table)
    {
    case ND_REPORT_CHANNELS:
      nd_source_list_channels_async (wd->source, cancellable, list_read, g_object_ref (task));
      break;
    case ND_REPORT_USERS:
      nd_source_list_users_async (wd->source, &query, cancellable, list_read, g_object_ref (task));
      break;
    case ND_REPORT_TOKENS:
      nd_source_list_tokens_async (wd->source, &query, cancellable, list_read, g_object_ref (task));
      break;
    case ND_REPORT_MODELS:
    default:
      query.sort_by = NULL;
      nd_source_list_models_async (wd->source, &query, cancellable, list_read, g_object_ref (task));
      break;
    }
}

void
nd_report_write_async (NdSource *source, NdFacts *facts, const NdReportOptions *options,
                       const char *path, NdReportProgressFunc progress, gpointer progress_data,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  NdServerInfo *info;
  WriteData *wd;
  gint64 now;

  g_return_if_fail (ND_IS_SOURCE (source));
  g_return_if_fail (ND_IS_FACTS (facts));
  g_return_if_fail (options != NULL && path != NULL);

  task = g_task_new (source, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_report_write_async);
  info = nd_source_get_info (source);
  if (info == NULL)
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_CONNECTION,
                                    _("Not connected yet: there is nothing to report"));
  if (options->to <= options->from)
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_INVALID_INPUT,
                                    _("The report’s range is empty"));

  now = options->now > 0 ? options->now : nd_time_now ();
  wd = g_new0 (WriteData, 1);
  wd->source = g_object_ref (source);
  wd->facts = g_object_ref (facts);
  wd->opts = *options;
  wd->range_name = g_strdup (options->range_name);
  wd->opts.range_name = wd->range_name;
  wd->instance = g_strdup (options->instance ? options->instance
                           : info->system_name ? info->system_name : nd_source_get_name (source));
  wd->opts.instance = wd->instance;
  wd->path = g_strdup (path);
  wd->progress = progress;
  wd->progress_data = progress_data;
  wd->meta = meta_new (info, &wd->opts, wd->instance, now);
  wd->today = nd_time_day_start (NULL, now);
  wd->errors = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) error_row_free);
  wd->errors_scanned = -1;
  g_task_set_task_data (task, wd, (GDestroyNotify) write_data_free);
  read_next_table (task);
}

NdReportMeta *
nd_report_write_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
