/* nd-record-item.h — one row of a management table: a record (NdToken,
 * NdRedemption, …) in a GObject, for list models
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ND_TYPE_RECORD_ITEM (nd_record_item_get_type ())
G_DECLARE_FINAL_TYPE (NdRecordItem, nd_record_item, ND, RECORD_ITEM, GObject)

/* Takes @record, freed with @free_func. */
NdRecordItem *nd_record_item_new (gpointer record, GDestroyNotify free_func);
gpointer      nd_record_item_get (NdRecordItem *self);

G_END_DECLS
