/* nd-worker.h — one thread that owns one handle and runs jobs in order
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A PGconn and a sqlite3 handle share the same rule: one thread at a time.
 * NdWorker owns such a handle on its own thread, opens it lazily (so
 * connecting never happens on the main loop), runs queued jobs one by one
 * and completes their GTasks from the worker; GTask delivers results on the
 * caller's context. Dropping the worker never waits for a running job.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _NdWorker NdWorker;

typedef struct {
  /* Opens the handle in the worker thread; NULL with @error fails the job. */
  gpointer (*open)   (gpointer user_data, GError **error);
  /* Before each job: FALSE drops the handle (after close) and opens anew.
   * May repair the handle in place and return TRUE. Optional. */
  gboolean (*check)  (gpointer handle, gpointer user_data);
  /* Around each job, e.g. to arm cancellation or roll back. Optional. */
  void     (*before) (gpointer handle, GCancellable *cancellable, gpointer user_data);
  void     (*after)  (gpointer handle, gpointer user_data);
  void     (*close)  (gpointer handle, gpointer user_data);
} NdWorkerFuncs;

/* Runs in the worker thread and must complete @task. */
typedef void (*NdWorkerJobFunc) (GTask        *task,
                                 gpointer      handle,
                                 gpointer      job_data,
                                 GCancellable *cancellable);

NdWorker *nd_worker_new      (const char *name, const NdWorkerFuncs *funcs,
                              gpointer user_data, GDestroyNotify user_data_free);
void      nd_worker_run      (NdWorker *self, GTask *task, NdWorkerJobFunc func,
                              gpointer job_data, GDestroyNotify job_data_free);
/* No more jobs are taken. With @cancel_queued, jobs still queued fail as
 * cancelled; otherwise they run first. The thread closes the handle and
 * exits on its own. */
void      nd_worker_shutdown (NdWorker *self, gboolean cancel_queued);
gboolean  nd_worker_is_shut_down (NdWorker *self);
void      nd_worker_free     (NdWorker *self);

G_END_DECLS
