/* nd-channel-columns.h — the channel table's columns: cells, badges and a
 * sorter per column (all client-side: the whole list is in memory)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-channel-data.h"
#include "nd-money.h"

G_BEGIN_DECLS

#define ND_TYPE_CHANNEL_COLUMNS (nd_channel_columns_get_type ())
G_DECLARE_FINAL_TYPE (NdChannelColumns, nd_channel_columns, ND, CHANNEL_COLUMNS, GObject)

/* Adds the columns to @view, whose items are GtkTreeListRow of
 * NdChannelItem. Each column's sorter compares NdChannelItem. */
NdChannelColumns    *nd_channel_columns_new        (GtkColumnView *view);
/* The used-quota column's currency; copied. */
void                 nd_channel_columns_set_money  (NdChannelColumns *self, const NdMoney *money);
GtkColumnViewColumn *nd_channel_columns_get_column (NdChannelColumns *self, NdChannelSortKey key);
/* The text a cell shows for @item in column @key (for tests). */
char                *nd_channel_columns_cell_text  (NdChannelColumns *self, NdChannelSortKey key,
                                                    gpointer item);
/* Its tooltip (for tests); NULL when it has none. */
char                *nd_channel_columns_cell_tooltip (NdChannelColumns *self, NdChannelSortKey key,
                                                      gpointer item);

G_END_DECLS
