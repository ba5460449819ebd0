/* nd-cli-compare.h — `stats --compare`: two periods as text or JSON
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "report/nd-report-compare.h"
#include "report/nd-report.h"
#include "nd-source.h"

G_BEGIN_DECLS

/* One side of a comparison: a report file or the live gateway. */
typedef struct {
  NdSource *source;
  NdFactsReport *rep;
  NdReportMeta *meta;         /* NULL for live figures */
  char *label;                /* the file name, or the source's name */
} NdCliPeriod;

void  nd_cli_period_clear    (NdCliPeriod *p);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NdCliPeriod, nd_cli_period_clear)

/* @top: rows per ranking, 0 = all. */
char *nd_cli_compare_to_json (const NdFactsCompare *cmp, const NdCliPeriod *current,
                              const NdCliPeriod *baseline, guint top);
char *nd_cli_compare_to_text (const NdFactsCompare *cmp, const NdCliPeriod *current,
                              const NdCliPeriod *baseline, guint top);

G_END_DECLS
