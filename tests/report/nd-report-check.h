/* nd-report-check.h — what the report tests share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writing a report of a source and its store, opening one, comparing the
 * figures of two NdFactsReports field by field, and grepping a file for
 * secrets.
 */
#pragma once

#include "nd-test.h"
#include "report/nd-report.h"
#include "report/nd-report-source.h"

G_BEGIN_DECLS

/* Writes @path from @source (probed) and @facts (synced). */
NdReportMeta  *report_write        (NdSource *source, NdFacts *facts, const NdReportOptions *options,
                                    const char *path, GError **error);
/* An NdReportSource on @path, probed; NULL with @error when the probe fails. */
NdSource      *report_open         (const char *path, GError **error);
NdFactsReport *report_query        (NdFacts *facts, const NdFactsRange *range, GError **error);
/* Every figure of @a equals @b's (not last_sync: when each store last synced). */
void           assert_facts_equal  (const NdFactsReport *a, const NdFactsReport *b);
/* None of @secrets (element-type utf8, each at least 8 bytes) is anywhere in the bytes of @path. */
void           assert_no_secrets   (const char *path, GPtrArray *secrets);
/* The secrets of a fixture database (nd_test_pg_fixture), for assert_no_secrets. */
GPtrArray     *fixture_secrets     (NdTestPg *pg, const char *db);
/* Whether the bytes of @path hold @needle. */
gboolean       file_contains       (const char *path, const char *needle);
/* rm -rf @dir (a g_dir_make_tmp folder of a test). */
void           remove_dir          (const char *dir);

G_END_DECLS
