/* nd-pg-wfx.h — the fixture of the PostgreSQL write tests: a database of
 * the test's own (writes change it) on one schema variant, a writable
 * NdPgSource on it, and what to check after a write (rows, audit rows)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "pg/nd-pg-source.h"
#include "nd-test.h"

G_BEGIN_DECLS

typedef struct {
  const char *variant;         /* "new" or "old" (tests/fixtures/README.md) */
  const char *db;              /* prefix of the databases the tests make */
} Variant;

typedef struct {
  NdTestPg *pg;
  const Variant *v;
  char *db;
  char *dsn;
  NdSource *source;            /* writable, probed, acting as the first root */
} Fx;

/* A probed NdPgSource acting as @operator_id (0: the lowest-id root). */
NdSource      *open_source   (const char *dsn, const char *log_dsn, gboolean read_only,
                              gint64 operator_id);
/* FALSE when no PostgreSQL is available (the test skips). */
gboolean       fx_setup      (Fx *fx, const Variant *v, const char *suffix);
void           fx_teardown   (Fx *fx);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fx, fx_teardown)

#define FX(v, suffix) \
  g_auto(Fx) fx; \
  if (!fx_setup (&fx, (v), (suffix))) return

/* Runs @write (taken) on @source to the end. */
NdWriteResult *run           (NdSource *source, NdWrite *write, GError **error);
gint64         scalar        (Fx *fx, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* The first column of the first row; NULL for SQL NULL or no row. */
char          *text          (Fx *fx, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

typedef struct {
  gint64 user_id;
  char *username;
  char *content;
  JsonObject *other;
} Audit;

void           audit_clear   (Audit *a);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Audit, audit_clear)

/* The newest type-3 row in @db. */
gboolean       last_audit    (NdTestPg *pg, const char *db, Audit *out);
/* Asserts @a is a row for @action and returns its params. */
JsonObject    *audit_params  (Audit *a, const char *action);
gint64         n_audits      (Fx *fx);

G_END_DECLS
