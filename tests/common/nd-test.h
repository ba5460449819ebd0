/* nd-test.h — shared helpers for the test suites
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PostgreSQL tests get a real throwaway server (tests/fixtures/nd-pg) that
 * this process starts on first use and destroys at exit (a watchdog does it
 * when the process aborts or is killed), filled by the
 * NewAPI fixture generator (tests/fixtures/nd-fixture). Never a mock.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/* Call when something a test needs is missing. Skips the test normally;
 * fails it when ND_REQUIRE_ALL=1 (CI), where a skip would hide a gap.
 * Returns FALSE so callers can `if (!nd_test_require (...)) return;`. */
gboolean    nd_test_require         (gboolean ok, const char *what);

/* How many times slower than a plain build this run is (ND_TEST_SLOWDOWN,
 * which the sanitizer build sets): deadlines that guard against a hang are
 * multiplied by it, so a slow build is not mistaken for a hung one. */
guint       nd_test_slowdown        (void);

/* Spins the default main context until *slot is set by nd_test_store_result. */
GAsyncResult *nd_test_wait          (GAsyncResult **slot);
void        nd_test_store_result    (GObject *source, GAsyncResult *result, gpointer slot);

/* Runs @exe with @args (NULL-terminated) and @env ("NAME=value" strings,
 * NULL-terminated, may be NULL) while this process's main context keeps
 * serving (a fake server in the test); returns the exit status. */
int         nd_test_run             (const char *exe, const char * const *args,
                                     const char * const *env, char **out, char **err);

/* The same with the arguments @head (NULL-terminated), those of @ap up
 * to a NULL, then @tail; stdout and stderr go to the test log. */
int         nd_test_run_va          (const char *exe, const char * const *env,
                                     const char * const *head, const char * const *tail,
                                     char **out, char **err, va_list ap);

/* @text parsed as a JSON array (asserted), held by @parser. */
JsonArray  *nd_test_json_array      (const char *text, JsonParser *parser);
/* The object of @array whose "id" is @id (asserted to exist). */
JsonObject *nd_test_json_find_id    (JsonArray *array, gint64 id);

typedef struct _NdTestPg NdTestPg;

/* NULL (after nd_test_require) when PostgreSQL cannot be started. */
NdTestPg   *nd_test_pg_get          (void);
char       *nd_test_pg_dsn          (NdTestPg *pg, const char *db);      /* unix socket, trust */
char       *nd_test_pg_tcp_dsn      (NdTestPg *pg, const char *db, const char *password);
int         nd_test_pg_port         (NdTestPg *pg);
/* The cluster folder (nd-pg's DIR). */
const char *nd_test_pg_dir          (NdTestPg *pg);
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
/* The same with the SQL made by printf; text is the first column of the
 * first row (NULL for SQL NULL or no row). */
void        nd_test_pg_execf        (NdTestPg *pg, const char *db, const char *fmt, ...)
                                     G_GNUC_PRINTF (3, 4);
gint64      nd_test_pg_scalarf      (NdTestPg *pg, const char *db, const char *fmt, ...)
                                     G_GNUC_PRINTF (3, 4);
char       *nd_test_pg_textf        (NdTestPg *pg, const char *db, const char *fmt, ...)
                                     G_GNUC_PRINTF (3, 4);
/* A digest of channels, abilities and the number of logs: equal before
 * and after means a step changed none of them. */
char       *nd_test_pg_channels_digest (NdTestPg *pg, const char *db);

/* A fixed "now" for generated data, so figures are reproducible. */
#define ND_TEST_NOW ((gint64) 1767225600) /* 2026-01-01 00:00:00 UTC */

#ifndef ND_PGRESULT_AUTOPTR
#define ND_PGRESULT_AUTOPTR
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)
#endif

G_END_DECLS
