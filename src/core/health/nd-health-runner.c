/* nd-health-runner.c — many channels' health checks, a few at a time
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See nd-health-runner.h for what a run does. Everything runs on the main
 * context: jobs are started from the queue as earlier ones finish, so the
 * number in flight is counted in one place and never passes the limit.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <glib/gi18n-lib.h>

#include "nd-health-runner.h"
#include "nd-secure-string.h"
#include "nd-time.h"
#include "nd-upstream.h"

/* The source's own probe gives up at the timeout; this much later the
 * runner stops waiting for a source that has no deadline of its own. */
#define BACKSTOP_SECONDS 2

typedef enum { RUN_TEST, RUN_BALANCE } RunKind;

struct _NdHealthRunner
{
  GObject parent_instance;

  NdSource *source;
  guint concurrency;
  guint timeout;
  char *model;
  gboolean record;
  gboolean disable_failing;

  GListStore *items;
  GTask *run;                  /* the run in progress, or NULL */
  RunKind kind;
  GHashTable *channels;        /* id → NdChannel of the run */
  guint next;                  /* the next item to consider */
  guint in_flight;
  guint peak;
  guint done;
  GError *stop;                /* why the run stops early (read-only refusal) */
};

G_DEFINE_FINAL_TYPE (NdHealthRunner, nd_health_runner, G_TYPE_OBJECT)

enum { SIGNAL_PROGRESS, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
nd_health_runner_finalize (GObject *object)
{
  NdHealthRunner *self = ND_HEALTH_RUNNER (object);

  g_clear_object (&self->source);
  g_clear_object (&self->items);
  g_clear_pointer (&self->channels, g_hash_table_unref);
  g_clear_error (&self->stop);
  g_free (self->model);
  G_OBJECT_CLASS (nd_health_runner_parent_class)->finalize (object);
}

static void
nd_health_runner_class_init (NdHealthRunnerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nd_health_runner_finalize;
  /* (guint done, guint total) after each item that finishes. */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
nd_health_runner_init (NdHealthRunner *self)
{
  self->concurrency = ND_HEALTH_DEFAULT_CONCURRENCY;
  self->timeout = ND_HEALTH_DEFAULT_TIMEOUT;
  self->items = g_list_store_new (ND_TYPE_HEALTH_ITEM);
}

NdHealthRunner *
nd_health_runner_new (NdSource *source)
{
  NdHealthRunner *self;

  g_return_val_if_fail (ND_IS_SOURCE (source), NULL);
  self = g_object_new (ND_TYPE_HEALTH_RUNNER, NULL);
  self->source = g_object_ref (source);
  return self;
}

NdSource *
nd_health_runner_get_source (NdHealthRunner *self)
{
  g_return_val_if_fail (ND_IS_HEALTH_RUNNER (self), NULL);
  return self->source;
}

void
nd_health_runner_set_concurrency (NdHealthRunner *self, guint concurrency)
{
  g_return_if_fail (ND_IS_HEALTH_RUNNER (self));
  self->concurrency = CLAMP (concurrency, 1, ND_HEALTH_MAX_CONCURRENCY);
}

guint
nd_health_runner_get_concurrency (NdHealthRunner *self)
{
  g_return_val_if_fail (ND_IS_HEALTH_RUNNER (self), 0);
  return self->concurrency;
}

void
nd_health_runner_set_timeout (NdHealthRunner *self, guint seconds)
{
  g_return_if_fail (ND_IS_HEALTH_RUNNER (self));
  self->timeout = MAX (seconds, 1);
}

void
nd_health_runner_set_model (NdHealthRunner *self, const char *model)
{
  g_return_if_fail (ND_IS_HEALTH_RUNNER (self));
  g_free (self->model);
  self->model = g_strdup (model);
}

void
nd_health_runner_set_record (NdHealthRunner *self, gboolean record)
{
  g_return_if_fail (ND_IS_HEALTH_RUNNER (self));
  self->record = record;
}

void
nd_health_runner_set_disable_failing (NdHealthRunner *self, gboolean disable)
{
  g_return_if_fail (ND_IS_HEALTH_RUNNER (self));
  self->disable_failing = disable;
}

GListModel *
nd_health_runner_get_items (NdHealthRunner *self)
{
  g_return_val_if_fail (ND_IS_HEALTH_RUNNER (self), NULL);
  return G_LIST_MODEL (self->items);
}

NdHealthItem *
nd_health_runner_find (NdHealthRunner *self, gint64 id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NdHealthItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (nd_health_item_get_id (item) == id)
        return item;
    }
  return NULL;
}

gboolean
nd_health_runner_is_running (NdHealthRunner *self)
{
  g_return_val_if_fail (ND_IS_HEALTH_RUNNER (self), FALSE);
  return self->run != NULL;
}

void
nd_health_runner_get_progress (NdHealthRunner *self, guint *done, guint *total)
{
  g_return_if_fail (ND_IS_HEALTH_RUNNER (self));
  if (done != NULL)
    *done = self->done;
  if (total != NULL)
    *total = g_list_model_get_n_items (G_LIST_MODEL (self->items));
}

guint
nd_health_runner_get_peak (NdHealthRunner *self)
{
  g_return_val_if_fail (ND_IS_HEALTH_RUNNER (self), 0);
  return self->peak;
}

/* ---- one job ------------------------------------------------------------ */

typedef struct {
  NdHealthRunner *self;
  NdHealthItem *item;
  const NdChannel *channel;
  GCancellable *cancel;        /* cancelled by the run's cancel or the backstop */
  GCancellable *run_cancel;
  gulong run_cancel_id;
  GSource *backstop;
  gboolean timed_out;
  /* the result, kept while it is being stored */
  NdHealthState state;
  gint64 latency_ms;
  char *message;
  int error_code;
  char *upstream_code;
  gboolean recorded;
  gboolean disabling;          /* the disable step has started */
  gboolean disabled;
  GString *write_error;
} Job;

static void pump (NdHealthRunner *self);

static void
job_free (Job *job)
{
  if (job->run_cancel_id != 0)
    g_cancellable_disconnect (job->run_cancel, job->run_cancel_id);
  g_clear_object (&job->run_cancel);
  if (job->backstop != NULL)
    {
      g_source_destroy (job->backstop);
      g_source_unref (job->backstop);
    }
  g_clear_object (&job->cancel);
  g_clear_object (&job->item);
  g_free (job->message);
  g_free (job->upstream_code);
  if (job->write_error != NULL)
    g_string_free (job->write_error, TRUE);
  g_object_unref (job->self);
  g_free (job);
}

static void
item_done (NdHealthRunner *self)
{
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  self->done++;
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, self->done, total);
}

/* The job's result goes to its item (state last), and the slot frees. */
static void
job_end (Job *job)
{
  NdHealthRunner *self = job->self;

  _nd_health_item_set_written (job->item, job->recorded, job->disabled,
                               job->write_error ? job->write_error->str : NULL);
  _nd_health_item_finish (job->item, job->state, job->latency_ms, job->message,
                          job->error_code, job->upstream_code);
  self->in_flight--;
  item_done (self);
  g_object_ref (self);
  job_free (job);
  pump (self);
  g_object_unref (self);
}

static void
add_write_error (Job *job, const GError *error)
{
  if (job->write_error == NULL)
    job->write_error = g_string_new (error->message);
  else
    g_string_append_printf (job->write_error, "; %s", error->message);
}

static void write_next (Job *job);

static void
written (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  g_autoptr(NdWriteResult) res = NULL;
  g_autoptr(GError) error = NULL;

  res = nd_source_write_finish (ND_SOURCE (object), result, &error);
  if (res == NULL)
    add_write_error (job, error);
  else if (job->disabling)
    job->disabled = TRUE;
  else
    job->recorded = TRUE;
  if (res != NULL && res->audit_error != NULL)
    {
      g_autoptr(GError) audit = g_error_new_literal (ND_ERROR, ND_ERROR_FAILED, res->audit_error);

      add_write_error (job, audit);
    }
  write_next (job);
}

/* After the record step (if any), the disable step (if any). Writes are not
 * cancelled with the run: a result that was measured is stored. */
static void
write_next (Job *job)
{
  NdHealthRunner *self = job->self;
  const NdChannel *ch = job->channel;
  gint64 id = nd_health_item_get_id (job->item);
  g_autoptr(NdWrite) write = NULL;

  /* A failure that never reached the upstream (latency unknown) says
   * nothing about the channel, as NewAPI's batch test does not ban for it. */
  if (self->kind == RUN_TEST && self->disable_failing && !job->disabling &&
      job->state == ND_HEALTH_FAILED && job->latency_ms >= 0 && ch != NULL &&
      ch->status == ND_CHANNEL_STATUS_ENABLED && ch->auto_ban != 0)
    {
      job->disabling = TRUE;
      write = nd_write_channel_status_new (&id, 1, ND_CHANNEL_STATUS_MANUALLY_DISABLED,
                                           job->message);
      nd_source_write_async (self->source, write, NULL, written, job);
      return;
    }
  job_end (job);
}

static void
store_result (Job *job)
{
  NdHealthRunner *self = job->self;
  gint64 id = nd_health_item_get_id (job->item);
  g_autoptr(NdWrite) write = NULL;

  if (self->record && !job->recorded && job->state == ND_HEALTH_OK)
    {
      if (self->kind == RUN_TEST && job->latency_ms >= 0)
        write = nd_write_channel_test_result_new (id, job->latency_ms, nd_time_now ());
      else if (self->kind == RUN_BALANCE && isfinite (nd_health_item_get_balance (job->item)))
        write = nd_write_channel_balance_new (id, nd_health_item_get_balance (job->item),
                                              nd_health_item_get_balance_time (job->item));
    }
  if (write != NULL)
    nd_source_write_async (self->source, write, NULL, written, job);
  else
    write_next (job);
}

/* A call that did not give a result: cancelled, timed out, refused or not
 * possible. Returns TRUE when it ends the job here. */
static gboolean
job_error (Job *job, GError *error)
{
  NdHealthRunner *self = job->self;

  if (job->timed_out)
    {
      job->state = ND_HEALTH_FAILED;
      job->latency_ms = (gint64) self->timeout * 1000;
      job->message = g_strdup_printf (_("No answer within %u s"), self->timeout);
      return FALSE;
    }
  if (nd_error_is_cancelled (error))
    job->state = ND_HEALTH_CANCELLED;
  else
    {
      if (g_error_matches (error, ND_ERROR, ND_ERROR_READ_ONLY) && self->stop == NULL)
        self->stop = g_error_copy (error);
      job->state = self->kind == RUN_BALANCE && error->domain == ND_ERROR &&
                   error->code != ND_ERROR_UNSUPPORTED && error->code != ND_ERROR_NOT_FOUND &&
                   error->code != ND_ERROR_READ_ONLY
                   ? ND_HEALTH_FAILED : ND_HEALTH_SKIPPED;
      job->message = nd_mask_text_dup (error->message);
      job->error_code = error->domain == ND_ERROR ? error->code : ND_ERROR_FAILED;
    }
  return job->state != ND_HEALTH_FAILED;
}

static void
tested (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  g_autoptr(NdChannelTest) test = NULL;
  g_autoptr(GError) error = NULL;

  test = nd_source_test_channel_finish (ND_SOURCE (object), result, &error);
  if (test == NULL)
    {
      if (job_error (job, error))
        return job_end (job);
      return store_result (job);
    }
  job->state = test->ok ? ND_HEALTH_OK : ND_HEALTH_FAILED;
  job->latency_ms = test->latency_ms;
  job->message = g_strdup (test->message);
  job->upstream_code = g_strdup (test->error_code);
  job->recorded = test->recorded;
  store_result (job);
}

static void
balanced (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Job *job = user_data;
  g_autoptr(NdChannelBalance) balance = NULL;
  g_autoptr(GError) error = NULL;

  balance = nd_source_update_balance_finish (ND_SOURCE (object), result, &error);
  if (balance == NULL)
    {
      job_error (job, error);
      return job_end (job);
    }
  job->state = ND_HEALTH_OK;
  job->recorded = balance->recorded;
  if (balance->raw_response != NULL)
    job->message = g_strdup (balance->raw_response);
  _nd_health_item_set_balance (job->item, balance->balance, balance->updated_time);
  store_result (job);
}

static void
run_cancelled (GCancellable *run_cancel, gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

static gboolean
backstop_passed (gpointer data)
{
  Job *job = data;

  job->timed_out = TRUE;
  g_cancellable_cancel (job->cancel);
  g_clear_pointer (&job->backstop, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
job_start (NdHealthRunner *self, NdHealthItem *item)
{
  Job *job = g_new0 (Job, 1);
  gint64 id = nd_health_item_get_id (item);

  job->self = g_object_ref (self);
  job->item = g_object_ref (item);
  job->channel = g_hash_table_lookup (self->channels, &id);
  job->latency_ms = -1;
  job->cancel = g_cancellable_new ();
  job->run_cancel = g_object_ref (g_task_get_cancellable (self->run));
  job->run_cancel_id = g_cancellable_connect (job->run_cancel, G_CALLBACK (run_cancelled),
                                              job->cancel, NULL);
  job->backstop = g_timeout_source_new ((self->timeout + BACKSTOP_SECONDS) * 1000);
  g_source_set_callback (job->backstop, backstop_passed, job, NULL);
  g_source_attach (job->backstop, g_main_context_get_thread_default ());
  self->in_flight++;
  self->peak = MAX (self->peak, self->in_flight);
  _nd_health_item_set_running (item);
  if (self->kind == RUN_TEST)
    nd_source_test_channel_async (self->source, id, self->model, job->cancel, tested, job);
  else
    nd_source_update_balance_async (self->source, id, job->cancel, balanced, job);
}

/* ---- the run ------------------------------------------------------------ */

static void
finish_run (NdHealthRunner *self)
{
  g_autoptr(GTask) run = g_steal_pointer (&self->run);

  g_clear_pointer (&self->channels, g_hash_table_unref);
  if (self->stop != NULL)
    g_task_return_error (run, g_steal_pointer (&self->stop));
  else if (!g_task_return_error_if_cancelled (run))
    g_task_return_boolean (run, TRUE);
}

static void
pump (NdHealthRunner *self)
{
  GListModel *items = G_LIST_MODEL (self->items);
  guint n = g_list_model_get_n_items (items);
  gboolean stopping = self->stop != NULL ||
                      g_cancellable_is_cancelled (g_task_get_cancellable (self->run));

  for (; self->next < n; self->next++)
    {
      g_autoptr(NdHealthItem) item = g_list_model_get_item (items, self->next);

      if (nd_health_item_get_state (item) != ND_HEALTH_WAITING)
        continue;
      if (stopping)
        {
          _nd_health_item_finish (item, ND_HEALTH_CANCELLED, -1, NULL, 0, NULL);
          item_done (self);
          continue;
        }
      if (self->in_flight >= self->concurrency)
        return;
      job_start (self, item);
    }
  if (self->in_flight == 0 && self->run != NULL)
    finish_run (self);
}

static gboolean
wanted (NdHealthRunner *self, const NdChannel *ch)
{
  if (self->kind == RUN_TEST)
    return ch->status != ND_CHANNEL_STATUS_MANUALLY_DISABLED;
  return ch->status == ND_CHANNEL_STATUS_ENABLED && !ch->is_multi_key;
}

static void
listed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdHealthRunner) self = user_data;
  g_autoptr(GPtrArray) channels = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  GArray *ids = g_object_get_data (G_OBJECT (self->run), "ids");
  GError *error = NULL;

  channels = nd_source_list_channels_finish (ND_SOURCE (object), result, &error);
  if (channels == NULL)
    {
      g_autoptr(GTask) run = g_steal_pointer (&self->run);

      return g_task_return_error (run, error);
    }
  self->channels = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                          (GDestroyNotify) nd_channel_free);
  for (guint i = 0; i < channels->len; i++)
    {
      NdChannel *ch = g_ptr_array_index (channels, i);

      g_hash_table_insert (self->channels, &ch->id, ch);
    }
  g_ptr_array_set_free_func (channels, NULL);
  if (ids->len == 0)
    for (guint i = 0; i < channels->len; i++)
      {
        NdChannel *ch = g_ptr_array_index (channels, i);

        if (wanted (self, ch))
          g_ptr_array_add (items, _nd_health_item_new (ch->id, ch->name, ch->type));
      }
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      NdChannel *ch = g_hash_table_lookup (self->channels, &id);
      NdHealthItem *item = _nd_health_item_new (id, ch ? ch->name : NULL, ch ? ch->type : 0);

      g_ptr_array_add (items, item);
      if (ch == NULL)
        {
          g_autofree char *why = g_strdup_printf (_("Channel #%" PRId64 " does not exist"), id);

          _nd_health_item_finish (item, ND_HEALTH_SKIPPED, -1, why, ND_ERROR_NOT_FOUND, NULL);
          self->done++;
        }
    }
  g_list_store_splice (self->items, 0, 0, items->pdata, items->len);
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, self->done, items->len);
  pump (self);
}

static void
start_run (NdHealthRunner *self, RunKind kind, const gint64 *ids, guint n_ids,
           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data,
           gpointer tag)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GCancellable) own = NULL;
  GArray *list;
  GError *error = NULL;

  g_return_if_fail (ND_IS_HEALTH_RUNNER (self));
  /* The jobs hang off the run's cancellable: a run always has one. */
  if (cancellable == NULL)
    cancellable = own = g_cancellable_new ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tag);
  if (self->run != NULL)
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_CONFLICT,
                                    _("A health check is already running"));
  if ((self->record || (kind == RUN_TEST && self->disable_failing)) &&
      !nd_source_check_writable (self->source, &error))
    return g_task_return_error (task, error);

  g_list_store_remove_all (self->items);
  self->kind = kind;
  self->next = 0;
  self->in_flight = 0;
  self->peak = 0;
  self->done = 0;
  g_clear_error (&self->stop);
  /* A probe made by the app itself (over the database) gives up at the
   * same timeout; the runner's backstop covers the others. */
  nd_upstream_set_timeout (nd_upstream_get_for (G_OBJECT (self->source)), self->timeout);
  list = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; ids != NULL && i < n_ids; i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < list->len && !seen; j++)
        seen = g_array_index (list, gint64, j) == ids[i];
      if (!seen)
        g_array_append_val (list, ids[i]);
    }
  g_object_set_data_full (G_OBJECT (task), "ids", list, (GDestroyNotify) g_array_unref);
  /* A cancel reaches the probes in flight through their own cancellables;
   * as each returns, pump() marks the waiting items cancelled. */
  self->run = g_steal_pointer (&task);
  nd_source_list_channels_async (self->source, cancellable, listed, g_object_ref (self));
}

void
nd_health_runner_test_async (NdHealthRunner *self, const gint64 *ids, guint n_ids,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  start_run (self, RUN_TEST, ids, n_ids, cancellable, callback, user_data,
             nd_health_runner_test_async);
}

void
nd_health_runner_balance_async (NdHealthRunner *self, const gint64 *ids, guint n_ids,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  start_run (self, RUN_BALANCE, ids, n_ids, cancellable, callback, user_data,
             nd_health_runner_balance_async);
}

gboolean
nd_health_runner_run_finish (NdHealthRunner *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
