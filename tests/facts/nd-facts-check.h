/* nd-facts-check.h — the facts store against direct SQL over `logs`
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the pg facts tests share: a throwaway store file, a probed
 * NdPgSource, sync and query wrappers, and the comparisons of every figure
 * (overview, rankings, trend, the base table) with the same aggregate
 * computed directly over `logs`.
 */
#pragma once

#include "facts/nd-facts.h"
#include "nd-test.h"

G_BEGIN_DECLS

typedef struct {
  char *dir;
  char *path;
} Store;

typedef struct {
  guint calls;
  gint64 last_done;
  gint64 total;
  GCancellable *cancel_after_first;
} Progress;

void           store_init         (Store *s);
void           store_clear        (Store *s);
/* An NdPgSource over @dsn (and @log_dsn), probed, with every facts dimension. */
NdSource      *connect_source     (const char *dsn, const char *log_dsn);
gint64         sync_facts         (NdFacts *facts, NdSource *source, Progress *progress,
                                   GCancellable *cancellable, GError **error);
NdFactsReport *query              (NdFacts *facts, const NdFactsRange *range);
/* The presets at @now, everything, and ragged custom ranges (UTC and +08:00). */
GArray        *test_ranges        (gint64 now);
void           compare_range      (NdTestPg *pg, const char *log_db, const char *main_db,
                                   NdFacts *facts, const NdFactsRange *range);
/* compare_range over test_ranges (ND_TEST_NOW), and short rankings. */
void           compare_all        (NdTestPg *pg, const char *log_db, const char *main_db,
                                   NdFacts *facts);
/* The base table (all seven key dimensions), read from the file at @path. */
void           compare_base_table (NdTestPg *pg, const char *log_db, const char *path);

G_END_DECLS
