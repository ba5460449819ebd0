/* nd-facts-sync.c — the sync loop (main context) and the live ticker
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One sync opens the store (checking which gateway it holds), then pulls
 * from the source and commits batch after batch; while the worker commits
 * one, the source already prepares the next (at most MAX_PENDING_COMMITS
 * waiting). Cursor mode walks the source's cursor to its target; slice mode
 * walks the days of the synced range the store lacks, a run of consecutive
 * days per pull (nd-facts-types.h).
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-facts-private.h"
#include "nd-time.h"

#define MAX_PENDING_COMMITS 2
/* Slice mode: at most this many days per pull (one /api/data/ request). */
#define MAX_RUN_DAYS 31
/* Slice mode without a range set or queried: the last 30 days. */
#define DEFAULT_SPAN_DAYS 30

/* ─── sync (main context) ───────────────────────────────────────────────── */

typedef struct {
  NdFacts *self;
  NdSource *source;
  NdFactsProgressFunc progress;
  gpointer progress_data;
  NdFactsRequest req;
  gint64 start;
  gint64 target;
  gint64 rows;
  GArray *todo;             /* slice mode: the days still to pull */
  guint next_day;           /* slice mode: index of the next run's first day */
  guint pending_commits;
  gboolean sliced;
  gboolean pulling;
  gboolean pull_finished;   /* the source said done, or an error stopped pulling */
  gboolean stopped;         /* a commit failed or conflicted: drop later windows */
  gboolean restarted;       /* the store was found ahead of the source and cleared */
  GError *error;
} SyncData;

static void
sync_data_free (SyncData *sd)
{
  g_clear_object (&sd->source);
  g_clear_pointer (&sd->todo, g_array_unref);
  g_clear_error (&sd->error);
  g_free (sd);
}

static void sync_pull_next (GTask *task);
static void sync_open      (GTask *task, gboolean clear);

static void
sync_maybe_finish (GTask *task)
{
  SyncData *sd = g_task_get_task_data (task);

  if (!sd->pull_finished || sd->pulling || sd->pending_commits > 0)
    return;
  sd->self->syncing = FALSE;
  if (sd->error != NULL)
    g_task_return_error (task, g_steal_pointer (&sd->error));
  else
    g_task_return_int (task, sd->rows);
}

static void
sync_fail (SyncData *sd, GError *error)
{
  if (sd->error == NULL)
    sd->error = error;
  else
    g_error_free (error);
  sd->pull_finished = TRUE;
}

static void
report_progress (SyncData *sd)
{
  if (sd->progress == NULL)
    return;
  if (sd->sliced)
    sd->progress (sd->next_day, sd->todo ? sd->todo->len : 0, sd->rows, sd->progress_data);
  else
    sd->progress (sd->self->cursor - sd->start, MAX (sd->target - sd->start, 0), sd->rows,
                  sd->progress_data);
}

static void
commit_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncData *sd = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 cursor = *(gint64 *) g_task_get_task_data (G_TASK (result));

  sd->pending_commits--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      sd->stopped = TRUE;
      if (g_error_matches (error, ND_ERROR, ND_ERROR_CONFLICT))
        {
          /* Someone else moved the stored cursor on: stop quietly; the next
           * sync resumes from wherever the store is now. */
          g_error_free (error);
          sd->pull_finished = TRUE;
        }
      else
        sync_fail (sd, error);
    }
  else
    {
      if (!sd->sliced)
        sd->self->cursor = MAX (sd->self->cursor, cursor);
      sd->self->last_sync = nd_time_now ();
      report_progress (sd);
    }
  if (!sd->pull_finished && !sd->pulling)
    sync_pull_next (task);
  sync_maybe_finish (task);
}

static void
commit (SyncData *sd, GTask *task, NdFactsBatch *batch, gint64 from_cursor)
{
  NdFactsCommitData *cd = g_new0 (NdFactsCommitData, 1);
  /* The commit is not cancellable: a pulled window is always kept. */
  GTask *sub = g_task_new (sd->self, NULL, commit_done, g_object_ref (task));

  /* A cursor is 64 bits wherever a pointer is not. */
  g_task_set_task_data (sub, g_memdup2 (&batch->next_cursor, sizeof (gint64)), g_free);
  cd->batch = batch;
  cd->from_cursor = from_cursor;
  cd->now = nd_time_now ();
  sd->pending_commits++;
  _nd_facts_run (sd->self, sub, _nd_facts_commit_job, cd, (GDestroyNotify) _nd_facts_commit_data_free);
  g_object_unref (sub);
}

static void
pull_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncData *sd = g_task_get_task_data (task);
  GError *error = NULL;
  NdFactsBatch *batch;
  gboolean first = sd->req.target == 0;
  gint64 prev = sd->req.cursor;

  sd->pulling = FALSE;
  batch = nd_source_pull_facts_finish (ND_SOURCE (object), result, &error);
  if (batch == NULL)
    {
      sync_fail (sd, error);
      return sync_maybe_finish (task);
    }

  if (sd->stopped)
    {
      /* An earlier commit failed or conflicted: this window no longer
       * follows what is stored. */
      nd_facts_batch_free (batch);
      sd->pull_finished = TRUE;
      return sync_maybe_finish (task);
    }

  if (sd->sliced)
    {
      sd->req.want_names = FALSE;
      sd->next_day += sd->req.n_slices;
      sd->pull_finished = sd->next_day >= sd->todo->len;
      sd->rows += MAX (batch->rows_scanned, 0);
      commit (sd, task, batch, 0);
    }
  else
    {
      if (first && batch->cursor_limit >= 0 && prev > batch->cursor_limit && !sd->restarted)
        {
          /* The store is past everything the source has: the database was
           * restored or recreated under the same name. Start over, once. */
          nd_facts_batch_free (batch);
          sd->restarted = TRUE;
          return sync_open (task, TRUE);
        }
      if (first)
        {
          sd->target = batch->target;
          sd->req.target = MAX (batch->target, 1);
          sd->req.want_names = FALSE;
        }
      sd->req.cursor = batch->next_cursor;
      sd->rows += MAX (batch->rows_scanned, 0);

      if (batch->done || batch->next_cursor <= prev)
        sd->pull_finished = TRUE;

      if (batch->facts->len > 0 || batch->names->len > 0 || batch->next_cursor != prev ||
          batch->merge == ND_FACTS_MERGE_REPLACE)
        commit (sd, task, batch, prev);
      else
        nd_facts_batch_free (batch);
    }

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      sync_fail (sd, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The operation was cancelled")));
    }
  if (!sd->pull_finished && sd->pending_commits < MAX_PENDING_COMMITS)
    sync_pull_next (task);
  sync_maybe_finish (task);
}

static void
sync_pull_next (GTask *task)
{
  SyncData *sd = g_task_get_task_data (task);

  if (sd->sliced)
    {
      /* The next run: consecutive days, at most MAX_RUN_DAYS. */
      guint n = 1;
      const NdFactsSlice *days = &g_array_index (sd->todo, NdFactsSlice, sd->next_day);

      while (sd->next_day + n < sd->todo->len && n < MAX_RUN_DAYS &&
             days[n].start == days[n - 1].end)
        n++;
      sd->req.slices = days;
      sd->req.n_slices = n;
    }
  sd->pulling = TRUE;
  nd_source_pull_facts_async (sd->source, &sd->req, g_task_get_cancellable (task),
                              pull_done, g_object_ref (task));
}

static void
sync_open_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncData *sd = g_task_get_task_data (task);
  g_autoptr(NdFactsMetaResult) mr = NULL;
  GError *error = NULL;

  mr = g_task_propagate_pointer (G_TASK (result), &error);
  if (mr == NULL)
    {
      sd->self->syncing = FALSE;
      return g_task_return_error (task, error);
    }
  sd->self->cursor = mr->cursor;
  sd->self->last_sync = mr->last_sync;
  sd->start = mr->cursor;
  sd->req.cursor = mr->cursor;
  sd->req.target = 0;
  sd->req.want_names = TRUE;
  sd->req.window = sd->self->window;
  if (g_task_return_error_if_cancelled (task))
    {
      sd->self->syncing = FALSE;
      return;
    }
  if (sd->sliced)
    {
      g_clear_pointer (&sd->todo, g_array_unref);
      sd->todo = g_steal_pointer (&mr->todo);
      sd->next_day = 0;
      if (sd->todo->len == 0)
        {
          /* Every day of the range is final here: nothing to ask. */
          sd->pull_finished = TRUE;
          return sync_maybe_finish (task);
        }
      report_progress (sd);
    }
  sync_pull_next (task);
}

/* The local days (nd-time.h) of the range a slice-mode sync covers, up to
 * the current one. */
static GArray *
wanted_days (NdFacts *self)
{
  GArray *days = g_array_new (FALSE, FALSE, sizeof (NdFactsSlice));
  gint64 now = nd_time_now ();
  gint64 from = self->range_from, to = self->range_to;

  if (to <= from)
    {
      from = self->query_from;
      to = self->query_to;
    }
  if (to <= from)
    {
      from = nd_time_day_add (NULL, now, -(DEFAULT_SPAN_DAYS - 1));
      to = now;
    }
  to = MIN (to, nd_time_hour (now) + ND_TIME_HOUR);
  for (gint64 d = nd_time_day_start (NULL, from); d < to;)
    {
      NdFactsSlice day = { d, nd_time_day_add (NULL, d, 1), FALSE, FALSE, 0 };

      g_array_append_val (days, day);
      d = day.end;
    }
  return days;
}

/* Reads the stored cursor (and in slice mode which days to pull); the store
 * starts over first when it holds another gateway than @source's
 * (NdServerInfo.gateway_id and _instance), or when @clear. */
static void
sync_open (GTask *task, gboolean clear)
{
  SyncData *sd = g_task_get_task_data (task);
  NdServerInfo *info = nd_source_get_info (sd->source);
  NdFactsOpenData *od = g_new0 (NdFactsOpenData, 1);
  GTask *sub = g_task_new (sd->self, g_task_get_cancellable (task), sync_open_done,
                           g_object_ref (task));

  od->clear = clear;
  if (info != NULL && info->gateway_id != NULL)
    od->identity = g_strconcat (info->gateway_id, "\n",
                                info->gateway_instance ? info->gateway_instance : "", NULL);
  if (sd->sliced)
    od->want = wanted_days (sd->self);
  _nd_facts_run (sd->self, sub, _nd_facts_open_job, od, (GDestroyNotify) _nd_facts_open_data_free);
  g_object_unref (sub);
}

void
nd_facts_sync_async (NdFacts *self, NdSource *source,
                     NdFactsProgressFunc progress, gpointer progress_data,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  SyncData *sd;

  g_return_if_fail (ND_IS_FACTS (self));
  g_return_if_fail (ND_IS_SOURCE (source));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_facts_sync_async);
  if (self->syncing)
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_CONFLICT,
                                    _("The facts are already being synced"));
  /* A report's facts are final: there is nothing to pull, and the page
   * that syncs before each refresh works on a report unchanged. */
  if (self->read_only)
    return g_task_return_int (task, 0);

  sd = g_new0 (SyncData, 1);
  sd->self = self;
  sd->source = g_object_ref (source);
  sd->progress = progress;
  sd->progress_data = progress_data;
  sd->sliced = nd_server_info_has (nd_source_get_info (source), ND_CAP_FACTS_DAY_SLICES);
  g_task_set_task_data (task, sd, (GDestroyNotify) sync_data_free);
  self->syncing = TRUE;

  sync_open (task, FALSE);
}

void
nd_facts_set_range (NdFacts *self, gint64 from, gint64 to)
{
  g_return_if_fail (ND_IS_FACTS (self));
  self->range_from = from;
  self->range_to = to;
}

gint64
nd_facts_sync_finish (NdFacts *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

/* ─── ticker ───────────────────────────────────────────────────────────── */

static void
tail_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  NdLogPage *page;

  if (g_task_get_task_data (task) != NULL)
    {
      /* First poll: the newest page, turned into ascending order. */
      page = nd_source_query_logs_finish (ND_SOURCE (object), result, &error);
      if (page != NULL)
        {
          for (guint i = 0, j = page->rows->len; i + 1 < j; i++, j--)
            {
              gpointer tmp = page->rows->pdata[i];

              page->rows->pdata[i] = page->rows->pdata[j - 1];
              page->rows->pdata[j - 1] = tmp;
            }
        }
    }
  else
    page = nd_source_tail_logs_finish (ND_SOURCE (object), result, &error);
  if (page == NULL)
    return g_task_return_error (task, error);
  g_task_return_pointer (task, page, (GDestroyNotify) nd_log_page_free);
}

void
nd_facts_tail_logs_async (NdSource *source, gint64 after_id, guint limit,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(NdLogQuery) query = nd_log_query_new ();

  g_return_if_fail (ND_IS_SOURCE (source));
  task = g_task_new (source, cancellable, callback, user_data);
  g_task_set_source_tag (task, nd_facts_tail_logs_async);
  if (after_id <= 0)
    {
      g_task_set_task_data (task, GINT_TO_POINTER (1), NULL);
      nd_source_query_logs_async (source, query, NULL, limit, cancellable, tail_done,
                                  g_object_ref (task));
    }
  else
    nd_source_tail_logs_async (source, query, after_id, limit, cancellable, tail_done,
                               g_object_ref (task));
}

NdLogPage *
nd_facts_tail_logs_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

