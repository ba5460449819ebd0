/* nd-ticker.h — the dashboard's "Live" card: the newest log rows, newest
 * on top, a bounded few
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-money.h"
#include "nd-records.h"

G_BEGIN_DECLS

/* Rows shown, and asked for per poll. */
#define ND_TICKER_ROWS 40

#define ND_TYPE_TICKER (nd_ticker_get_type ())
G_DECLARE_FINAL_TYPE (NdTicker, nd_ticker, ND, TICKER, GtkWidget)

/* Puts @rows (oldest first) on top; @money is only read during the call. */
void   nd_ticker_add         (NdTicker *self, GPtrArray *rows, const NdMoney *money);
void   nd_ticker_clear       (NdTicker *self);
/* The newest id shown, 0 when empty: the next poll asks for rows after it. */
gint64 nd_ticker_get_last_id (NdTicker *self);

G_END_DECLS
