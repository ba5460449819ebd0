/* nd-pg-logs-fx.h — the database the PostgreSQL log tests share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A generated NewAPI database (new schema) plus rows carrying names that
 * break string-built SQL or LIKE, and helpers to browse it page by page.
 * Every expectation in the tests is a hand-written SQL query over the same
 * data, so a filter that matches too much, too little or in another order
 * fails.
 */
#pragma once

#include "pg/nd-pg-source.h"
#include "nd-test.h"

G_BEGIN_DECLS

#define FX_DB "logs_new"
#define FX_N_LOGS 12000

/* Names that break string-built SQL or LIKE: every one must match itself
 * and nothing else. */
extern const char * const fx_nasty[];
#define FX_N_NASTY 13

/* Creates the database on first use; NULL (after nd_test_require) when
 * PostgreSQL is missing. */
NdTestPg   *fx_setup_db        (void);
const char *fx_main_dsn        (void);
/* A probed source, read-only. */
NdSource   *fx_open_source     (const char *dsn, const char *log_dsn);
NdLogPage  *fx_query_page      (NdSource *source, const NdLogQuery *q, const NdLogCursor *after,
                                guint limit, GError **error);
/* Every row of @q, page by page; asserts strict keyset order and full
 * pages. Returns the rows (element-type NdLog). */
GPtrArray  *fx_browse_all      (NdSource *source, const NdLogQuery *q, guint limit);
/* A SQL literal for @s. */
char       *fx_lit             (const char *s);
/* @rows are exactly `SELECT id FROM logs WHERE @where` newest first. */
void        fx_assert_same_ids (NdTestPg *pg, const char *db, GPtrArray *rows, const char *where);
char       *fx_scalar_text     (NdTestPg *pg, const char *sql);

G_END_DECLS
