/* nd-report-source.c — NdReportSource: the calls of a live source, from a file
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One worker thread owns the read-only sqlite3 handle (opened and checked
 * lazily on that thread, so a broken file fails the probe, not the main
 * loop). The facts are read by a separate read-only NdFacts on the same
 * file, with the store's own queries.
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-worker.h"
#include "nd-report-private.h"
#include "nd-report-source.h"

struct _NdReportSource
{
  NdSource parent_instance;

  char *path;
  NdWorker *worker;
  NdReportMeta *meta;
  NdFacts *facts;
};

G_DEFINE_FINAL_TYPE (NdReportSource, nd_report_source, ND_TYPE_SOURCE)

/* ─── worker ───────────────────────────────────────────────────────────── */

static gpointer
worker_open (gpointer user_data, GError **error)
{
  return _nd_report_file_open (user_data, error);
}

static void
worker_close (gpointer handle, gpointer user_data)
{
  sqlite3_close (handle);
}

static const NdWorkerFuncs worker_funcs = {
  .open = worker_open,
  .close = worker_close,
};

static void
run (NdReportSource *self, GTask *task, NdReportJobFunc func, gpointer data, GDestroyNotify data_free)
{
  nd_worker_run (self->worker, task, (NdWorkerJobFunc) func, data, data_free);
}

void
_nd_report_source_run (NdSource *source, GTask *task, NdReportJobFunc func, gpointer data,
                       GDestroyNotify data_free)
{
  run (ND_REPORT_SOURCE (source), task, func, data, data_free);
}

static void
fail (GTask *task, sqlite3 *db, const char *path)
{
  GError *error = NULL;

  _nd_report_set_error (db, &error, path);
  g_task_return_error (task, error);
}

/* ─── probe ────────────────────────────────────────────────────────────── */

static void
probe_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  NdReportMeta *meta = _nd_report_meta_read (db, &error);

  if (meta == NULL)
    return g_task_return_error (task, error);
  g_task_return_pointer (task, meta, (GDestroyNotify) nd_report_meta_unref);
}

/* What pages may offer on a report: the facts its source had, the
 * snapshots it holds, and nothing that changes or tails anything. */
static NdServerInfo *
info_for (const NdReportMeta *meta)
{
  NdServerInfo *info = nd_server_info_new (ND_SOURCE_KIND_REPORT);
  const NdCapabilities facts_caps = ND_CAP_FACTS | ND_CAP_FACTS_USER | ND_CAP_FACTS_TOKEN |
                                    ND_CAP_FACTS_CHANNEL | ND_CAP_FACTS_ERRORS |
                                    ND_CAP_FACTS_LATENCY | ND_CAP_FACTS_TOKEN_SPLIT |
                                    ND_CAP_FACTS_DAY_SLICES;

  info->caps = ND_CAP_BULK_READS | (meta->source_caps & facts_caps);
  if (meta->n_channels >= 0)
    info->caps |= ND_CAP_CHANNELS;
  if (meta->n_users >= 0)
    info->caps |= ND_CAP_USERS;
  if (meta->n_tokens >= 0)
    info->caps |= ND_CAP_TOKENS_ALL_USERS;
  if (meta->n_models >= 0)
    info->caps |= ND_CAP_MODELS;
  /* The logs it kept browse and export like a live source's; no tail. */
  if (meta->n_logs >= 0)
    info->caps |= ND_CAP_LOGS | ND_CAP_LOG_EXPORT |
                  (meta->source_caps & (ND_CAP_LOG_REQUEST_ID | ND_CAP_LOG_IP_FILTER));
  info->has_log_request_id = nd_server_info_has (info, ND_CAP_LOG_REQUEST_ID);
  info->read_only = TRUE;
  info->newapi_version = g_strdup (meta->newapi_version);
  info->system_name = g_strdup (meta->instance ? meta->instance : meta->system_name);
  info->backend_version = g_strdup (meta->backend);
  info->gateway_id = g_strdup (meta->gateway_id);
  info->facts_lag_seconds = meta->facts_lag_seconds;
  nd_money_free (info->money);
  info->money = nd_money_copy (meta->money);
  return info;
}

static void
probe_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  NdReportSource *self = ND_REPORT_SOURCE (object);
  GError *error = NULL;
  NdReportMeta *meta = g_task_propagate_pointer (G_TASK (result), &error);

  if (meta == NULL)
    return g_task_return_error (task, error);
  g_clear_pointer (&self->meta, nd_report_meta_unref);
  self->meta = meta;
  if (self->facts == NULL)
    self->facts = nd_facts_new_read_only (self->path);
  g_task_return_pointer (task, info_for (meta), (GDestroyNotify) nd_server_info_unref);
}

static void
report_probe_async (NdSource *source, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  NdReportSource *self = ND_REPORT_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  g_autoptr(GTask) sub = g_task_new (source, cancellable, probe_done, g_object_ref (task));

  g_task_set_source_tag (task, report_probe_async);
  run (self, sub, probe_job, NULL, NULL);
}

/* ─── lists ────────────────────────────────────────────────────────────── */

typedef struct {
  const NdReportTable *table;
  NdListQuery query;          /* strings owned */
  gboolean all;               /* list_channels: every row, as a GPtrArray */
  gint64 id;                  /* get_channel: this row */
} ListData;

static void
list_data_free (ListData *ld)
{
  g_free (ld->query.search);
  g_free (ld->query.sort_by);
  g_free (ld->query.group);
  g_free (ld);
}

static char *
like_pattern (const char *s)
{
  GString *out = g_string_new ("%");

  for (const char *p = s; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '%');
  return g_string_free (out, FALSE);
}

/* The same rules as the live lists: search in a few text columns (and
 * the id exactly), a status, a sort column from a fixed list, a page. */
static char *
list_sql (const ListData *ld)
{
  const NdReportTable *t = ld->table;
  const NdListQuery *q = &ld->query;
  g_autofree char *columns = _nd_report_columns (t);
  GString *sql = g_string_new (NULL);
  const char *sort = NULL;

  g_string_printf (sql, "SELECT %s, count(*) OVER () FROM %s WHERE 1", columns, t->name);
  if (ld->id != 0)
    g_string_append (sql, " AND id = ?3");
  if (q->search != NULL && *q->search != '\0')
    {
      g_string_append (sql, " AND (CAST(id AS TEXT) = ?2");
      for (guint i = 0; i < G_N_ELEMENTS (t->search) && t->search[i]; i++)
        g_string_append_printf (sql, " OR %s LIKE ?1 ESCAPE '\\'", t->search[i]);
      g_string_append_c (sql, ')');
    }
  if (q->status != 0)
    g_string_append_printf (sql, " AND status = %d", q->status);
  /* The user filters, as the live sources apply them. */
  if (t == &_nd_report_tables[ND_REPORT_USERS])
    {
      if (q->group != NULL && *q->group != '\0')
        g_string_append (sql, " AND grp = ?4");
      if (q->role != 0)
        g_string_append_printf (sql, " AND role = %d", q->role);
      if (q->deleted != ND_LIST_DELETED_INCLUDE)
        g_string_append_printf (sql, " AND deleted = %d", q->deleted == ND_LIST_DELETED_ONLY);
    }
  for (guint i = 0; q->sort_by != NULL && i < G_N_ELEMENTS (t->sort) && t->sort[i]; i++)
    if (g_str_equal (q->sort_by, t->sort[i]))
      sort = t->sort[i];
  if (sort != NULL)
    g_string_append_printf (sql, " ORDER BY %s %s NULLS LAST, rowid %s", sort,
                            q->descending ? "DESC" : "ASC", q->descending ? "DESC" : "ASC");
  else
    g_string_append_printf (sql, " ORDER BY %s", ld->all ? "id" : t->order);
  if (!ld->all)
    g_string_append_printf (sql, " LIMIT %u OFFSET %u", q->limit > 0 ? MIN (q->limit, 5000) : 100,
                            q->offset);
  return g_string_free (sql, FALSE);
}

static void
list_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  ListData *ld = data;
  g_autofree char *sql = list_sql (ld);
  g_autofree char *pattern = ld->query.search ? like_pattern (ld->query.search) : NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (ld->table->free_item);
  sqlite3_stmt *st = NULL;
  gint64 total = 0;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    return fail (task, db, "list");
  if (pattern != NULL)
    {
      sqlite3_bind_text (st, 1, pattern, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, ld->query.search, -1, SQLITE_STATIC);
    }
  if (ld->id != 0)
    sqlite3_bind_int64 (st, 3, ld->id);
  if (ld->query.group != NULL && *ld->query.group != '\0')
    sqlite3_bind_text (st, 4, ld->query.group, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_ptr_array_add (items, _nd_report_row_read (st, ld->table));
      total = sqlite3_column_int64 (st, (int) ld->table->n_fields);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return fail (task, db, "list");

  if (ld->id != 0)
    {
      if (items->len == 0)
        return g_task_return_new_error (task, ND_ERROR, ND_ERROR_NOT_FOUND,
                                        _("The report has no channel #%" PRId64), ld->id);
      return g_task_return_pointer (task, g_ptr_array_steal_index (items, 0), ld->table->free_item);
    }
  if (ld->all)
    return g_task_return_pointer (task, g_steal_pointer (&items), (GDestroyNotify) g_ptr_array_unref);
  {
    NdListPage *page = g_new0 (NdListPage, 1);

    page->items = g_steal_pointer (&items);
    page->total = total > 0 ? total : (gint64) page->items->len + ld->query.offset;
    g_task_return_pointer (task, page, (GDestroyNotify) nd_list_page_free);
  }
}

static void
run_list (NdSource *source, NdReportTableId table, const NdListQuery *query, gboolean all,
          gint64 id, gpointer tag, GCancellable *cancellable, GAsyncReadyCallback callback,
          gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  ListData *ld = g_new0 (ListData, 1);

  g_task_set_source_tag (task, tag);
  ld->table = &_nd_report_tables[table];
  ld->all = all;
  ld->id = id;
  if (query != NULL)
    {
      ld->query = *query;
      ld->query.search = g_strdup (query->search);
      ld->query.sort_by = g_strdup (query->sort_by);
      /* Users filter by group; snapshots keep no token groups. */
      ld->query.group = table == ND_REPORT_USERS ? g_strdup (query->group) : NULL;
    }
  run (ND_REPORT_SOURCE (source), task, list_job, ld, (GDestroyNotify) list_data_free);
}

/* A snapshot the report does not hold fails as the live source would
 * have: the pages read the capabilities first and say why. */
#define NEEDS(cap, tag)                                                                 \
  G_STMT_START {                                                                        \
    if (!nd_server_info_has (nd_source_get_info (source), (cap)))                       \
      return nd_source_report_unsupported (source, callback, user_data, (tag));        \
  } G_STMT_END

static void
report_list_channels_async (NdSource *source, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  NEEDS (ND_CAP_CHANNELS, report_list_channels_async);
  run_list (source, ND_REPORT_CHANNELS, NULL, TRUE, 0, report_list_channels_async, cancellable,
            callback, user_data);
}

static void
report_get_channel_async (NdSource *source, gint64 id, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  NEEDS (ND_CAP_CHANNELS, report_get_channel_async);
  run_list (source, ND_REPORT_CHANNELS, NULL, FALSE, id, report_get_channel_async, cancellable,
            callback, user_data);
}

static void
report_list_users_async (NdSource *source, const NdListQuery *query, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  NEEDS (ND_CAP_USERS, report_list_users_async);
  run_list (source, ND_REPORT_USERS, query, FALSE, 0, report_list_users_async, cancellable,
            callback, user_data);
}

static void
report_list_tokens_async (NdSource *source, const NdListQuery *query, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  NEEDS (ND_CAP_TOKENS_ALL_USERS, report_list_tokens_async);
  run_list (source, ND_REPORT_TOKENS, query, FALSE, 0, report_list_tokens_async, cancellable,
            callback, user_data);
}

static void
report_list_models_async (NdSource *source, const NdListQuery *query, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  NEEDS (ND_CAP_MODELS, report_list_models_async);
  run_list (source, ND_REPORT_MODELS, query, FALSE, 0, report_list_models_async, cancellable,
            callback, user_data);
}

/* Groups the snapshots name, for the pages' filters. */
static void
groups_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  sqlite3_stmt *st = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT grp FROM users WHERE grp <> '' UNION"
                          " SELECT grp FROM tokens WHERE grp <> '' ORDER BY 1", -1, &st,
                          NULL) != SQLITE_OK)
    return fail (task, db, "groups");
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *g = (const char *) sqlite3_column_text (st, 0);

      if (g != NULL)
        {
          g_autofree char *valid = g_utf8_make_valid (g, -1);

          g_strv_builder_add (b, valid);
        }
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return fail (task, db, "groups");
  g_task_return_pointer (task, g_strv_builder_end (b), (GDestroyNotify) g_strfreev);
}

static void
report_list_groups_async (NdSource *source, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, report_list_groups_async);
  run (ND_REPORT_SOURCE (source), task, groups_job, NULL, NULL);
}

/* ─── errors ───────────────────────────────────────────────────────────── */

void
nd_report_error_free (NdReportError *error)
{
  if (error == NULL)
    return;
  g_free (error->message);
  g_free (error);
}

static void
errors_job (GTask *task, sqlite3 *db, gpointer data, GCancellable *cancellable)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_report_error_free);
  sqlite3_stmt *st = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT message, count, first_seen, last_seen FROM errors"
                          " ORDER BY count DESC, message", -1, &st, NULL) != SQLITE_OK)
    return fail (task, db, "errors");
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      NdReportError *e = g_new0 (NdReportError, 1);
      const char *message = (const char *) sqlite3_column_text (st, 0);

      e->message = g_utf8_make_valid (message ? message : "", -1);
      e->count = sqlite3_column_int64 (st, 1);
      e->first_seen = sqlite3_column_int64 (st, 2);
      e->last_seen = sqlite3_column_int64 (st, 3);
      g_ptr_array_add (out, e);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return fail (task, db, "errors");
  g_task_return_pointer (task, g_steal_pointer (&out), (GDestroyNotify) g_ptr_array_unref);
}

void
nd_report_source_list_errors_async (NdReportSource *self, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ND_IS_REPORT_SOURCE (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_report_source_list_errors_async);
  run (self, task, errors_job, NULL, NULL);
}

GPtrArray *
nd_report_source_list_errors_finish (NdReportSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ─── the object ───────────────────────────────────────────────────────── */

static void
nd_report_source_dispose (GObject *object)
{
  NdReportSource *self = ND_REPORT_SOURCE (object);

  if (self->worker != NULL)
    nd_worker_shutdown (self->worker, TRUE);
  g_clear_object (&self->facts);
  G_OBJECT_CLASS (nd_report_source_parent_class)->dispose (object);
}

static void
nd_report_source_finalize (GObject *object)
{
  NdReportSource *self = ND_REPORT_SOURCE (object);

  g_clear_pointer (&self->worker, nd_worker_free);
  g_clear_pointer (&self->meta, nd_report_meta_unref);
  g_free (self->path);
  G_OBJECT_CLASS (nd_report_source_parent_class)->finalize (object);
}

static void
nd_report_source_class_init (NdReportSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  NdSourceClass *source_class = ND_SOURCE_CLASS (klass);

  object_class->dispose = nd_report_source_dispose;
  object_class->finalize = nd_report_source_finalize;
  source_class->probe_async = report_probe_async;
  source_class->list_channels_async = report_list_channels_async;
  source_class->get_channel_async = report_get_channel_async;
  source_class->list_users_async = report_list_users_async;
  source_class->list_tokens_async = report_list_tokens_async;
  source_class->list_models_async = report_list_models_async;
  source_class->list_groups_async = report_list_groups_async;
  _nd_report_source_init_logs (source_class);
}

static void
nd_report_source_init (NdReportSource *self)
{
}

NdSource *
nd_report_source_new (const char *path)
{
  g_autofree char *name = NULL;
  NdReportSource *self;

  g_return_val_if_fail (path != NULL, NULL);
  name = g_filename_display_basename (path);
  self = g_object_new (ND_TYPE_REPORT_SOURCE, "name", name, NULL);
  self->path = g_strdup (path);
  self->worker = nd_worker_new ("nd-report", &worker_funcs, g_strdup (path), g_free);
  return ND_SOURCE (self);
}

const char *
nd_report_source_get_path (NdReportSource *self)
{
  g_return_val_if_fail (ND_IS_REPORT_SOURCE (self), NULL);
  return self->path;
}

NdReportMeta *
nd_report_source_get_meta (NdReportSource *self)
{
  g_return_val_if_fail (ND_IS_REPORT_SOURCE (self), NULL);
  return self->meta;
}

NdFacts *
nd_report_source_get_facts (NdReportSource *self)
{
  g_return_val_if_fail (ND_IS_REPORT_SOURCE (self), NULL);
  return self->facts;
}
