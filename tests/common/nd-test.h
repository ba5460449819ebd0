/* nd-test.h — shared helpers for the test suites
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PostgreSQL tests get a real throwaway server (tests/fixtures/nd-pg) that
 * this process starts on first use and destroys at exit, filled by the
 * NewAPI fixture generator (tests/fixtures/nd-fixture). Never a mock.
 */
#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/* Call when something a test needs is missing. Skips the test normally;
 * fails it when ND_REQUIRE_ALL=1 (CI), where a skip would hide a gap.
 * Returns FALSE so callers can `if (!nd_test_require (...)) return;`. */
gboolean    nd_test_require         (gboolean ok, const char *what);

/* Spins the default main context until *slot is set by nd_test_store_result. */
GAsyncResult *nd_test_wait          (GAsyncResult **slot);
void        nd_test_store_result    (GObject *source, GAsyncResult *result, gpointer slot);

/* Runs the program @exe (newapi-desk) with @args (NULL-terminated, without
 * argv[0]) and @env ("NAME=value" pairs added to this environment, NULL
 * for none) while this process's main loop keeps running (a fake NewAPI
 * in this process keeps answering). Returns its exit status; *@out and
 * *@err get what it printed. */
int         nd_test_run_program     (const char *exe, const char * const *env,
                                     const char * const *args, char **out, char **err);

typedef struct _NdTestPg NdTestPg;

/* NULL (after nd_test_require) when PostgreSQL cannot be started. */
NdTestPg   *nd_test_pg_get          (void);
char       *nd_test_pg_dsn          (NdTestPg *pg, const char *db);      /* unix socket, trust */
char       *nd_test_pg_tcp_dsn      (NdTestPg *pg, const char *db, const char *password);
int         nd_test_pg_port         (NdTestPg *pg);
void        nd_test_pg_createdb     (NdTestPg *pg, const char *db);
/* Creates @db (dropping an old one) filled by the generator. @variant is
 * "new" or "old"; @log_db, when set, receives the logs (separate-log-DB
 * layout). Returns the DSN of @db. */
char       *nd_test_pg_fixture      (NdTestPg *pg, const char *db, const char *variant,
                                     guint n_logs, const char *log_db, gint64 now);
/* Runs nd-fixture --append on an existing fixture. */
void        nd_test_pg_append_logs  (NdTestPg *pg, const char *db, const char *log_db,
                                     guint n_logs, gint64 now);
/* Asserting helpers over a fresh connection. */
void        nd_test_pg_exec         (NdTestPg *pg, const char *db, const char *sql);
PGresult   *nd_test_pg_query        (NdTestPg *pg, const char *db, const char *sql);
gint64      nd_test_pg_scalar       (NdTestPg *pg, const char *db, const char *sql);

/* A fixed "now" for generated data, so figures are reproducible. */
#define ND_TEST_NOW ((gint64) 1767225600) /* 2026-01-01 00:00:00 UTC */

#ifndef ND_PGRESULT_AUTOPTR
#define ND_PGRESULT_AUTOPTR
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)
#endif

G_END_DECLS
