/* nd-channels-page.h — every channel of the gateway: the table, its
 * filters and tag mode, bulk actions, and one channel's detail and form
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-channel-columns.h"
#include "nd-page.h"

G_BEGIN_DECLS

#define ND_TYPE_CHANNELS_PAGE (nd_channels_page_get_type ())
G_DECLARE_FINAL_TYPE (NdChannelsPage, nd_channels_page, ND, CHANNELS_PAGE, NdPage)

/* The rows as the table shows them (GtkTreeListRow of NdChannelItem):
 * filtered and sorted. */
GListModel       *nd_channels_page_get_model   (NdChannelsPage *self);
NdChannelColumns *nd_channels_page_get_columns (NdChannelsPage *self);
/* TRUE while the channel list loads, a bulk write or a health run runs. */
gboolean          nd_channels_page_is_busy     (NdChannelsPage *self);
/* Reloads the list (as the Reload button). */
void              nd_channels_page_reload      (NdChannelsPage *self);

G_END_DECLS
