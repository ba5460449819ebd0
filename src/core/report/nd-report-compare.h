/* nd-report-compare.h — two periods side by side: a report against another
 * report, or against the live facts
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Takes two NdFactsReport (nd_facts_query_finish of a report's NdFacts or
 * of the live store) and computes, for the overview and for every model
 * and channel, the figure in each period, the difference and the relative
 * change. Query both with top_n 0: a ranking cut short would turn rows
 * below the cut into false "new" or "gone" rows. Pure: any thread.
 *
 * Naming: `current` is the period looked at, `baseline` the one it is
 * compared with; delta = current − baseline, change = delta / baseline
 * (NAN when the baseline is 0).
 */
#pragma once

#include "facts/nd-facts.h"

G_BEGIN_DECLS

typedef struct {
  double current;
  double baseline;
  double delta;
  double change;              /* NAN when baseline == 0 */
} NdCompareValue;

/* The overview figures, in this order; names are the stats JSON keys. */
typedef enum {
  ND_COMPARE_REQUESTS,
  ND_COMPARE_ERRORS,
  ND_COMPARE_SUCCESS_RATE,
  ND_COMPARE_QUOTA,
  ND_COMPARE_PROMPT_TOKENS,
  ND_COMPARE_COMPLETION_TOKENS,
  ND_COMPARE_ACTIVE_USERS,
  ND_COMPARE_AVG_RPM,
  ND_COMPARE_AVG_TPM,
  ND_COMPARE_N_FIGURES
} NdCompareFigure;

/* What a ranking row carries, and what rows can be sorted by. */
typedef enum {
  ND_COMPARE_BY_REQUESTS,
  ND_COMPARE_BY_ERRORS,
  ND_COMPARE_BY_QUOTA,
  ND_COMPARE_BY_TOKENS,
  ND_COMPARE_N_MEASURES
} NdCompareMeasure;

typedef struct {
  gint64 id;                  /* channel id; 0 for models */
  char *key;                  /* model name, or the id as text */
  char *name;                 /* display name: the current period's, else the baseline's */
  gboolean in_current;        /* the row has traffic in that period */
  gboolean in_baseline;
  NdCompareValue values[ND_COMPARE_N_MEASURES];
  NdCompareValue error_rate;  /* errors / requests (0 without requests) */
} NdCompareRow;

typedef struct {
  /*< private >*/
  gatomicrefcount ref_count;
  /*< public >*/
  NdFactsReport *current;     /* (owned) the two periods as given */
  NdFactsReport *baseline;
  NdCompareMeasure sort;
  NdCompareValue overview[ND_COMPARE_N_FIGURES];
  GPtrArray *models;          /* (element-type NdCompareRow) by |delta| of `sort`, largest first */
  GPtrArray *channels;
} NdFactsCompare;

NdFactsCompare *nd_facts_compare_new   (NdFactsReport *current, NdFactsReport *baseline,
                                        NdCompareMeasure sort);
NdFactsCompare *nd_facts_compare_ref   (NdFactsCompare *compare);
void            nd_facts_compare_unref (NdFactsCompare *compare);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdFactsCompare, nd_facts_compare_unref)

/* Stable names (JSON keys, CLI values): "requests", "errors", …; and back. */
const char *nd_compare_figure_name      (NdCompareFigure figure);
const char *nd_compare_measure_name     (NdCompareMeasure measure);
gboolean    nd_compare_measure_from_name (const char *name, NdCompareMeasure *out);

G_END_DECLS
