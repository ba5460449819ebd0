/* nd-token-columns.h — what the token table shows
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-record-table.h"
#include "nd-records.h"

G_BEGIN_DECLS

/* The columns' data is an NdMoney ** (the page's currency, may point to
 * NULL: quota units then). */
extern const NdRecordColumn nd_token_columns[];
extern const guint nd_token_n_columns;

/* "Enabled", "Disabled", "Expired", "Exhausted" (translated). */
const char *nd_token_status_label (int effective_status);
/* "2026-12-31 18:00", or "Never" for -1. */
char       *nd_token_expiry_text  (gint64 expired_time);

G_END_DECLS
