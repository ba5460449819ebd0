/* nd-channel-usage.h — one channel's usage from the facts store: requests,
 * quota, error rate and p50/p95 latency over 24 h and 7 d, and a small chart;
 * also a user's or a token's, over other ranges
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "facts/nd-facts.h"
#include "nd-money.h"
#include "nd-source.h"

G_BEGIN_DECLS

#define ND_TYPE_CHANNEL_USAGE (nd_channel_usage_get_type ())
G_DECLARE_FINAL_TYPE (NdChannelUsage, nd_channel_usage, ND, CHANNEL_USAGE, GtkWidget)

GtkWidget     *nd_channel_usage_new         (void);
/* The store to read (NULL: nothing to show, with @missing as the reason
 * when set) and the currency for quota. */
void           nd_channel_usage_set_facts   (NdChannelUsage *self, NdFacts *facts,
                                             const NdMoney *money, const char *missing);
/* Opens the dashboard's store for @info's gateway and syncs it from
 * @source (over @sync_preset) whenever the widget shows and the store is
 * stale; without @dim_cap (e.g. ND_CAP_FACTS_USER) or @info, says why
 * there is nothing to show. For pages that do not keep a store of their
 * own. */
void           nd_channel_usage_open_store  (NdChannelUsage *self, NdServerInfo *info,
                                             NdSource *source, NdCapabilities dim_cap,
                                             const char *sync_preset);
/* Shows channel @id (0 = none); queries at once. */
void           nd_channel_usage_set_channel (NdChannelUsage *self, gint64 id);
/* Shows @id in @dim (one of ND_FACTS_DIM_CHANNEL, _USER, _TOKEN; 0 = none). */
void           nd_channel_usage_set_subject (NdChannelUsage *self, NdFactsDims dim, gint64 id);
/* The two ranges (nd_facts_range_preset names, e.g. "7d" and "30d"), their
 * headings and chart buttons, and what the chart says when empty; the
 * default is a channel's 24 h and 7 d. */
void           nd_channel_usage_set_ranges  (NdChannelUsage *self,
                                             const char *preset0, const char *label0,
                                             const char *button0,
                                             const char *preset1, const char *label1,
                                             const char *button1, const char *empty_text);
/* Queries again (after a sync). */
void           nd_channel_usage_refresh     (NdChannelUsage *self);
void           nd_channel_usage_set_syncing (NdChannelUsage *self, gboolean syncing);
/* The figures shown: 0 = the first range, 1 = the second; NULL until
 * loaded (for tests). */
NdFactsSeries *nd_channel_usage_get_series  (NdChannelUsage *self, guint range);

G_END_DECLS
