/* nd-pg-wfx.h — the fixture of the PostgreSQL write tests: a generated
 * database of the test's own (writes change it), a writable NdPgSource on
 * it, and what to check after a write (audit rows, SQL values)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "pg/nd-pg-source.h"
#include "nd-test.h"

G_BEGIN_DECLS

/* A schema variant ("new" or "old") and the prefix of its databases. */
typedef struct {
  const char *variant;
  const char *db;
} Variant;

typedef struct {
  NdTestPg *pg;
  const Variant *v;
  char *db;
  char *dsn;
  char *log_db;                /* the logs' own database (fx_setup_split), else NULL */
  NdSource *source;            /* writable, acting as the first root user */
} Fx;

/* A probed source on @dsn acting as @operator_id (0: the first root). */
NdSource      *open_source  (const char *dsn, const char *log_dsn, gboolean read_only,
                             gint64 operator_id);
/* FALSE when no PostgreSQL is available (the test skips). The database is
 * named after @v and @suffix, generated with 400 logs. */
gboolean       fx_setup     (Fx *fx, const Variant *v, const char *suffix);
/* The same with the logs in a database of their own (LOG_SQL_DSN). */
gboolean       fx_setup_split (Fx *fx, const Variant *v, const char *suffix);
void           fx_teardown  (Fx *fx);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fx, fx_teardown)

#define FX(v, suffix) \
  g_auto(Fx) fx; \
  if (!fx_setup (&fx, (v), (suffix))) return

/* Runs @write (taken) to the end. */
NdWriteResult *run          (NdSource *source, NdWrite *write, GError **error);
gint64         scalar       (Fx *fx, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* The first column of the first row; NULL for SQL NULL or no row. */
char          *text         (Fx *fx, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

typedef struct {
  gint64 user_id;
  char *username;
  char *content;
  JsonObject *other;
} Audit;

void           audit_clear  (Audit *a);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Audit, audit_clear)

/* The newest type-3 row in @db. */
gboolean       last_audit   (NdTestPg *pg, const char *db, Audit *out);
/* Asserts the row is for @action and returns its params. */
JsonObject    *audit_params (Audit *a, const char *action);
gint64         n_audits     (Fx *fx);

/* ---- users ---- */

/* The current install's schema (auth_version, user_sessions). */
gboolean       is_new       (Fx *fx);
/* A live user of @role and @status, not the first root. */
gint64         pick_user    (Fx *fx, int role, int status);
/* 0 on the old schema, which has no auth_version. */
gint64         auth_version (Fx *fx, gint64 id);
gint64         quota_of     (Fx *fx, gint64 id);
/* NewAPI's LogQuota text at the fixture's settings (USD, 500 000 a
 * dollar), computed apart from the code under test. */
char          *log_quota    (gint64 quota);
NdUserEdit    *edit_new     (NdUserField mask);

G_END_DECLS
