/* nd-pg-conn.h — one PostgreSQL connection owned by one worker thread
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A PGconn is not thread-safe, so each NdPgConn owns a thread that connects
 * lazily and runs queued jobs one at a time. Jobs complete their GTask from
 * the worker; GTask delivers the result on the caller's main context.
 * Cancelling a job's GCancellable sends PQcancel to the server for that job
 * only: a cancel that arrives after its job ended never stops the next one.
 */
#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

#include "nd-pg-dsn.h"

G_BEGIN_DECLS

#define ND_TYPE_PG_CONN (nd_pg_conn_get_type ())
G_DECLARE_FINAL_TYPE (NdPgConn, nd_pg_conn, ND, PG_CONN, GObject)

/* Runs in the worker thread. It must complete @task (g_task_return_*). */
typedef void (*NdPgJobFunc) (GTask        *task,
                             PGconn       *pg,
                             gpointer      job_data,
                             GCancellable *cancellable);

NdPgConn   *nd_pg_conn_new          (const char *conninfo,
                                     const char *password,
                                     gboolean    read_only);
gboolean    nd_pg_conn_get_read_only (NdPgConn *self);
void        nd_pg_conn_run          (NdPgConn      *self,
                                     GTask         *task,
                                     NdPgJobFunc    func,
                                     gpointer       job_data,
                                     GDestroyNotify job_data_free);
void        nd_pg_conn_shutdown     (NdPgConn *self);

/* Helpers for job functions (worker thread). */
PGresult   *nd_pg_exec              (PGconn       *pg,
                                     const char   *sql,
                                     int           n_params,
                                     const char * const *params,
                                     GCancellable *cancellable,
                                     GError      **error);
gboolean    nd_pg_check_result      (PGconn *pg, PGresult *res, GCancellable *cancellable, GError **error);
void        nd_pg_set_conn_error    (PGconn *pg, GError **error);
gint64      nd_pg_int64             (const PGresult *res, int row, int col);
double      nd_pg_double            (const PGresult *res, int row, int col);
gboolean    nd_pg_bool              (const PGresult *res, int row, int col);
char       *nd_pg_strdup            (const PGresult *res, int row, int col);

#ifndef ND_PGRESULT_AUTOPTR
#define ND_PGRESULT_AUTOPTR
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)
#endif

G_END_DECLS
