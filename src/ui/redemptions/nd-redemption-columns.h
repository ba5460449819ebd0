/* nd-redemption-columns.h — what the code table shows
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-record-table.h"

G_BEGIN_DECLS

/* The columns' data is an NdMoney ** (may point to NULL: quota units). */
extern const NdRecordColumn nd_redemption_columns[];
extern const guint nd_redemption_n_columns;

G_END_DECLS
