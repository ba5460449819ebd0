/* nd-compare-window.h — two periods side by side: the dashboard's (a
 * report or live data) against a report
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The overview figures with their change, then every model and channel
 * with the change of the chosen measure, largest change first
 * (nd_facts_compare_new computes it). A baseline file that cannot be read
 * closes the window and says why.
 */
#pragma once

#include <adwaita.h>

#include "report/nd-report-compare.h"
#include "nd-session.h"

G_BEGIN_DECLS

#define ND_TYPE_COMPARE_WINDOW (nd_compare_window_get_type ())
G_DECLARE_FINAL_TYPE (NdCompareWindow, nd_compare_window, ND, COMPARE_WINDOW, AdwWindow)

/* Opens the window comparing @facts over @range (the session's) with the
 * report @baseline (its whole range). (transfer none) */
NdCompareWindow *nd_compare_window_open (GtkWindow *parent, NdSession *session, NdFacts *facts,
                                         const NdFactsRange *range, GFile *baseline);
/* For tests: the comparison on screen, or NULL while loading. */
NdFactsCompare  *nd_compare_window_get_compare (NdCompareWindow *self);
/* For tests: the text of row @row, column @column of the models
 * (@channels FALSE) or channels table; row 0 is the header. */
const char      *nd_compare_window_cell    (NdCompareWindow *self, gboolean channels, int row,
                                            int column);

G_END_DECLS
