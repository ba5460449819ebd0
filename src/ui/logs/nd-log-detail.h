/* nd-log-detail.h — one log in full beside the table: its fields, its
 * content, what `other` says, each with a copy button
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything from the gateway is masked before it is shown or copied
 * (nd_mask_text, nd_log_other_mask): error texts quote the keys the
 * upstream was given.
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-money.h"
#include "nd-records.h"

G_BEGIN_DECLS

#define ND_TYPE_LOG_DETAIL (nd_log_detail_get_type ())
G_DECLARE_FINAL_TYPE (NdLogDetail, nd_log_detail, ND, LOG_DETAIL, GtkWidget)

/* Shows @log (read during the call); NULL empties the pane. */
void nd_log_detail_set_log           (NdLogDetail *self, const NdLog *log);
/* The quota's currency; copied. */
void nd_log_detail_set_money         (NdLogDetail *self, const NdMoney *money);
/* Channel names (gint64* → utf8) for the channel and the retry chain. */
void nd_log_detail_set_channel_names (NdLogDetail *self, GHashTable *names);

G_END_DECLS
