/* nd-channel-item.h — one row of the channel table: a channel, or a tag
 * and the channels that carry it (tag mode)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "health/nd-health-item.h"
#include "nd-records.h"

G_BEGIN_DECLS

#define ND_TYPE_CHANNEL_ITEM (nd_channel_item_get_type ())
G_DECLARE_FINAL_TYPE (NdChannelItem, nd_channel_item, ND, CHANNEL_ITEM, GObject)

/* Takes @channel. */
NdChannelItem   *nd_channel_item_new         (NdChannel *channel);
/* A tag row over @members (NdChannelItem, referenced): its channel is a
 * summary (name = the tag; quota summed; groups and models united;
 * priority, weight and type where all members agree). */
NdChannelItem   *nd_channel_item_new_tag     (const char *tag, GPtrArray *members);

const NdChannel *nd_channel_item_get_channel (NdChannelItem *self);
gint64           nd_channel_item_get_id      (NdChannelItem *self);
gboolean         nd_channel_item_is_tag      (NdChannelItem *self);
/* Tag rows: the members (NdChannelItem); NULL for a channel. */
GListModel      *nd_channel_item_get_members (NdChannelItem *self);
/* Tag rows: how many members are enabled. */
guint            nd_channel_item_get_n_enabled (NdChannelItem *self);
/* Tag rows: whether every member has the same priority / weight / type. */
gboolean         nd_channel_item_same_priority (NdChannelItem *self);
gboolean         nd_channel_item_same_weight   (NdChannelItem *self);
gboolean         nd_channel_item_same_type     (NdChannelItem *self);

/* The channel in the page's latest health runs (NULL: not in one). The
 * item follows the result ("health-changed" on every change of either),
 * and a balance read just now replaces the one loaded with the list. */
void             nd_channel_item_set_test_result    (NdChannelItem *self, NdHealthItem *result);
NdHealthItem    *nd_channel_item_get_test_result    (NdChannelItem *self);
void             nd_channel_item_set_balance_result (NdChannelItem *self, NdHealthItem *result);
NdHealthItem    *nd_channel_item_get_balance_result (NdChannelItem *self);

G_END_DECLS
