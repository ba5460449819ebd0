/* nd-http-fx.h — the fixture every HTTP test shares: a generated database,
 * the fake NewAPI over it, and an NdHttpSource logged in as its root user
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test runs in the NEW (rc.24) and the OLD (v0.8) dialect; the fixture
 * database of each dialect is generated once per test process.
 */
#pragma once

#include "http/nd-http-source.h"
#include "nd-fake-newapi.h"
#include "pg/nd-pg-source.h"
#include "nd-test.h"

G_BEGIN_DECLS

#define N_LOGS 6000

typedef struct {
  NdFakeNewapiMode mode;
  const char *db;
} Mode;

extern const Mode mode_new;
extern const Mode mode_old;

typedef struct {
  const Mode *mode;
  NdTestPg *pg;
  char *dsn;
  NdFakeNewapi *fake;
  gint64 admin_id;
  char *token;
  NdSource *source;
  NdServerInfo *info;
} Fx;

const char   *ensure_db   (NdTestPg *pg, const Mode *mode);
NdServerInfo *probe       (NdSource *source, GError **error);
/* FALSE when no PostgreSQL is available (the test skips). */
gboolean      fx_setup    (Fx *fx, const Mode *mode);
void          fx_teardown (Fx *fx);
/* An NdPgSource over the same database, probed. */
NdSource     *pg_source   (Fx *fx);
NdLogPage    *query_logs  (NdSource *s, const NdLogQuery *q, const NdLogCursor *after,
                           guint limit, GError **error);
NdListPage   *list        (NdSource *s,
                           void (*fn) (NdSource *, const NdListQuery *, GCancellable *,
                                       GAsyncReadyCallback, gpointer),
                           const NdListQuery *q, GError **error);
gint64        sql_scalar  (Fx *fx, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
gint64        pg_scalar_v (NdTestPg *pg, const char *db, const char *fmt, va_list ap)
                           G_GNUC_PRINTF (3, 0);
/* The @nth most frequent non-empty @column among logs of @type. */
char         *top_value   (Fx *fx, const char *column, int type, guint nth);
/* Pages both sources from the cursors (NULL: the newest) and asserts the
 * same rows, page by page; returns the number of rows seen. */
guint         assert_same_from  (NdSource *a, NdSource *b, const NdLogQuery *q,
                                 const NdLogCursor *from_a, const NdLogCursor *from_b,
                                 guint limit, guint pages);
void          assert_same_pages (NdSource *a, NdSource *b, const NdLogQuery *q, guint limit,
                                 guint pages);
/* The estimate equals SQL's count(*) WHERE @where (exact but for a
 * user_id), the totals the PostgreSQL source's; returns the HTTP totals. */
NdLogTotals   assert_same_counts (Fx *fx, NdSource *pg, const NdLogQuery *q, const char *where);
/* Registers @func as /http/new/NAME and /http/old/NAME. */
void          nd_http_fx_add (const char *name, GTestDataFunc func);

#define FX(mode_ptr) \
  g_auto(Fx) fx = { 0 }; \
  if (!fx_setup (&fx, (mode_ptr))) return

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fx, fx_teardown)

G_END_DECLS
