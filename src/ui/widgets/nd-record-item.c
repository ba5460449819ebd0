/* nd-record-item.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-record-item.h"

struct _NdRecordItem
{
  GObject parent_instance;

  gpointer record;
  GDestroyNotify free_func;
};

G_DEFINE_FINAL_TYPE (NdRecordItem, nd_record_item, G_TYPE_OBJECT)

static void
nd_record_item_finalize (GObject *object)
{
  NdRecordItem *self = ND_RECORD_ITEM (object);

  if (self->free_func != NULL && self->record != NULL)
    self->free_func (self->record);
  G_OBJECT_CLASS (nd_record_item_parent_class)->finalize (object);
}

static void
nd_record_item_class_init (NdRecordItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nd_record_item_finalize;
}

static void
nd_record_item_init (NdRecordItem *self)
{
}

NdRecordItem *
nd_record_item_new (gpointer record, GDestroyNotify free_func)
{
  NdRecordItem *self = g_object_new (ND_TYPE_RECORD_ITEM, NULL);

  self->record = record;
  self->free_func = free_func;
  return self;
}

gpointer
nd_record_item_get (NdRecordItem *self)
{
  g_return_val_if_fail (ND_IS_RECORD_ITEM (self), NULL);
  return self->record;
}
