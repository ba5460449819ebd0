/* nd-pg-source.h — NewAPI's PostgreSQL database (+ optional log database)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-pg-conn.h"
#include "nd-source.h"

G_BEGIN_DECLS

#define ND_TYPE_PG_SOURCE (nd_pg_source_get_type ())
G_DECLARE_FINAL_TYPE (NdPgSource, nd_pg_source, ND, PG_SOURCE, NdSource)

NdSource   *nd_pg_source_new          (const char *dsn,
                                       const char *password,
                                       const char *log_dsn,
                                       const char *log_password,
                                       gboolean    read_only);
/* The NewAPI admin that writes are attributed to in the audit log (the
 * profile's "act as" user); 0, the default, is the lowest-id root user. */
void        nd_pg_source_set_operator_id (NdPgSource *self, gint64 user_id);
gint64      nd_pg_source_get_operator_id (NdPgSource *self);
/* The connection to the main database (options, channels, users, …). */
NdPgConn   *nd_pg_source_get_main     (NdPgSource *self);
/* The connection logs are read from: the log database if configured. */
NdPgConn   *nd_pg_source_get_logs     (NdPgSource *self);
/* A new connection to the log database, for long jobs (export, sync) that
 * must not queue behind browsing. Caller owns it. */
NdPgConn   *nd_pg_source_open_logs_conn (NdPgSource *self);
gboolean    nd_pg_source_has_log_db   (NdPgSource *self);

/* Runs arbitrary SQL on the main connection; for tests and the read-only
 * guard, never for anything a user typed. → gint64 affected rows */
void        nd_pg_source_exec_async   (NdPgSource *self, const char *sql,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
gint64      nd_pg_source_exec_finish  (NdPgSource *self, GAsyncResult *result, GError **error);

G_END_DECLS
