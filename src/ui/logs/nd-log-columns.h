/* nd-log-columns.h — the log table's columns: cells, the column chooser,
 * and the widths and choice remembered in GSettings
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-money.h"

G_BEGIN_DECLS

#define ND_TYPE_LOG_COLUMNS (nd_log_columns_get_type ())
G_DECLARE_FINAL_TYPE (NdLogColumns, nd_log_columns, ND, LOG_COLUMNS, GObject)

/* Adds the columns to @view (whose items are NdLogItem) and a check button
 * per column to @chooser. @settings (may be NULL) keeps `log-columns` and
 * `log-column-widths`. */
NdLogColumns *nd_log_columns_new               (GtkColumnView *view, GtkBox *chooser,
                                                GSettings *settings);
/* The quota column's currency; copied. */
void          nd_log_columns_set_money         (NdLogColumns *self, const NdMoney *money);
/* Channel names for the channel column (gint64* → utf8); referenced. */
void          nd_log_columns_set_channel_names (NdLogColumns *self, GHashTable *names);
/* Writes a width change still waiting to be saved (the page is going). */
void          nd_log_columns_flush             (NdLogColumns *self);

G_END_DECLS
