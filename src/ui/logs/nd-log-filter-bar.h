/* nd-log-filter-bar.h — the Logs page's filters: time range and "jump to",
 * type, models and channels (multi-select, listed by the source), user
 * (with suggestions), token, group, IP, request id, and chips for the user
 * and token ids a dashboard drill-down sets
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bar owns the filter (an NdLogQuery) and says when to apply it:
 * "changed" at once for choices, after a short pause for typing; "jump"
 * with a time for "jump to". It wraps onto more rows when narrow.
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-source.h"

G_BEGIN_DECLS

#define ND_TYPE_LOG_FILTER_BAR (nd_log_filter_bar_get_type ())
G_DECLARE_FINAL_TYPE (NdLogFilterBar, nd_log_filter_bar, ND, LOG_FILTER_BAR, GtkWidget)

/* The filter as the widgets say now (a relative range ends now). */
const NdLogQuery *nd_log_filter_bar_get_query   (NdLogFilterBar *self);
/* Shows @query (copied) without emitting "changed". */
void              nd_log_filter_bar_set_query   (NdLogFilterBar *self, const NdLogQuery *query);
/* The source the lists and suggestions come from (NULL: none); replies
 * from an earlier source are dropped. @info greys out what it cannot
 * filter by. */
void              nd_log_filter_bar_set_source  (NdLogFilterBar *self, NdSource *source,
                                                 NdServerInfo *info);
/* Channel names as the source listed them (gint64* → utf8); replaced, not
 * changed, when a new list arrives ("notify::channel-names"). */
GHashTable       *nd_log_filter_bar_get_channel_names (NdLogFilterBar *self);
/* Learns the user and token names of the id chips from a row shown. */
void              nd_log_filter_bar_learn_names (NdLogFilterBar *self, const NdLog *log);

G_END_DECLS
