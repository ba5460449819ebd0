/* nd-worker.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-worker.h"

typedef struct {
  GTask *task;
  NdWorkerJobFunc func;
  gpointer data;
  GDestroyNotify data_free;
} Job;

/* Shared by the owner and the thread, so the owner can go away while a job
 * still runs. */
typedef struct {
  gatomicrefcount ref_count;
  NdWorkerFuncs funcs;
  gpointer user_data;
  GDestroyNotify user_data_free;
  GAsyncQueue *queue;
  gint cancel_queued;       /* atomic */
} State;

struct _NdWorker
{
  State *state;
  GThread *thread;
  char *name;
  gboolean shut_down;
};

static State *
state_ref (State *st)
{
  g_atomic_ref_count_inc (&st->ref_count);
  return st;
}

static void
state_unref (State *st)
{
  if (!g_atomic_ref_count_dec (&st->ref_count))
    return;
  g_async_queue_unref (st->queue);
  if (st->user_data_free != NULL)
    st->user_data_free (st->user_data);
  g_free (st);
}

static void
job_free (Job *job)
{
  if (job->data_free != NULL && job->data != NULL)
    job->data_free (job->data);
  g_clear_object (&job->task);
  g_free (job);
}

static gpointer
worker_main (gpointer data)
{
  State *st = data;
  gpointer handle = NULL;

  for (;;)
    {
      Job *job = g_async_queue_pop (st->queue);
      GCancellable *cancellable;

      if (job->func == NULL)
        {
          job_free (job);
          break;
        }

      cancellable = g_task_get_cancellable (job->task);
      if (g_cancellable_is_cancelled (cancellable) || g_atomic_int_get (&st->cancel_queued))
        {
          g_task_return_new_error (job->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   _("The operation was cancelled"));
          job_free (job);
          continue;
        }

      if (handle != NULL && st->funcs.check != NULL && !st->funcs.check (handle, st->user_data))
        {
          st->funcs.close (handle, st->user_data);
          handle = NULL;
        }
      if (handle == NULL)
        {
          GError *error = NULL;

          handle = st->funcs.open (st->user_data, &error);
          if (handle == NULL)
            {
              g_task_return_error (job->task, error);
              job_free (job);
              continue;
            }
        }

      if (st->funcs.before != NULL)
        st->funcs.before (handle, cancellable, st->user_data);
      job->func (job->task, handle, job->data, cancellable);
      if (st->funcs.after != NULL)
        st->funcs.after (handle, st->user_data);
      job_free (job);
    }

  if (handle != NULL)
    st->funcs.close (handle, st->user_data);
  state_unref (st);
  return NULL;
}

NdWorker *
nd_worker_new (const char *name, const NdWorkerFuncs *funcs,
               gpointer user_data, GDestroyNotify user_data_free)
{
  NdWorker *self = g_new0 (NdWorker, 1);

  g_return_val_if_fail (funcs != NULL && funcs->open != NULL && funcs->close != NULL, NULL);

  self->name = g_strdup (name);
  self->state = g_new0 (State, 1);
  g_atomic_ref_count_init (&self->state->ref_count);
  self->state->funcs = *funcs;
  self->state->user_data = user_data;
  self->state->user_data_free = user_data_free;
  self->state->queue = g_async_queue_new ();
  return self;
}

void
nd_worker_run (NdWorker *self, GTask *task, NdWorkerJobFunc func,
               gpointer job_data, GDestroyNotify job_data_free)
{
  Job *job;

  g_return_if_fail (self != NULL);
  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  if (self->shut_down)
    {
      g_task_return_new_error (task, ND_ERROR, ND_ERROR_CONNECTION, _("The connection was closed"));
      if (job_data_free != NULL && job_data != NULL)
        job_data_free (job_data);
      return;
    }

  /* Started on first use: a worker that never gets a job costs nothing. */
  if (self->thread == NULL)
    self->thread = g_thread_new (self->name, worker_main, state_ref (self->state));

  job = g_new0 (Job, 1);
  job->task = g_object_ref (task);
  job->func = func;
  job->data = job_data;
  job->data_free = job_data_free;
  g_async_queue_push (self->state->queue, job);
}

void
nd_worker_shutdown (NdWorker *self, gboolean cancel_queued)
{
  g_return_if_fail (self != NULL);

  if (self->shut_down)
    return;
  self->shut_down = TRUE;
  if (cancel_queued)
    g_atomic_int_set (&self->state->cancel_queued, TRUE);
  if (self->thread == NULL)
    return;
  g_async_queue_push (self->state->queue, g_new0 (Job, 1));
  g_thread_unref (g_steal_pointer (&self->thread));
}

gboolean
nd_worker_is_shut_down (NdWorker *self)
{
  g_return_val_if_fail (self != NULL, TRUE);
  return self->shut_down;
}

void
nd_worker_free (NdWorker *self)
{
  if (self == NULL)
    return;
  nd_worker_shutdown (self, FALSE);
  state_unref (self->state);
  g_free (self->name);
  g_free (self);
}
