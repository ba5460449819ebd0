/* nd-channel-usage.h — one channel's usage from the facts store: requests,
 * quota, error rate and p50/p95 latency over 24 h and 7 d, and a small chart
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "facts/nd-facts.h"
#include "nd-money.h"

G_BEGIN_DECLS

#define ND_TYPE_CHANNEL_USAGE (nd_channel_usage_get_type ())
G_DECLARE_FINAL_TYPE (NdChannelUsage, nd_channel_usage, ND, CHANNEL_USAGE, GtkWidget)

GtkWidget     *nd_channel_usage_new         (void);
/* The store to read (NULL: nothing to show, with @missing as the reason
 * when set) and the currency for quota. */
void           nd_channel_usage_set_facts   (NdChannelUsage *self, NdFacts *facts,
                                             const NdMoney *money, const char *missing);
/* Shows channel @id (0 = none); queries at once. */
void           nd_channel_usage_set_channel (NdChannelUsage *self, gint64 id);
/* Queries again (after a sync). */
void           nd_channel_usage_refresh     (NdChannelUsage *self);
void           nd_channel_usage_set_syncing (NdChannelUsage *self, gboolean syncing);
/* The figures shown: 0 = last 24 hours, 1 = last 7 days; NULL until
 * loaded (for tests). */
NdFactsSeries *nd_channel_usage_get_series  (NdChannelUsage *self, guint range);

G_END_DECLS
