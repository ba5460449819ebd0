/* nd-model-columns.h — the Models table's columns: cells, flag badges and
 * a sorter per column (client-side: the whole catalogue is in memory)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-model-item.h"
#include "nd-money.h"

G_BEGIN_DECLS

typedef enum {
  ND_MODEL_COLUMN_NAME,
  ND_MODEL_COLUMN_CHANNELS,
  ND_MODEL_COLUMN_FLAGS,
  ND_MODEL_COLUMN_GROUPS,
  ND_MODEL_COLUMN_RATIO,
  ND_MODEL_COLUMN_COMPLETION,
  ND_MODEL_COLUMN_FIXED,
  ND_MODEL_COLUMN_INPUT,
  ND_MODEL_COLUMN_OUTPUT,
  ND_MODEL_COLUMN_REQUESTS,
  ND_MODEL_COLUMN_QUOTA,
  ND_MODEL_COLUMN_ERRORS,
  ND_MODEL_COLUMN_LATENCY,
  ND_MODEL_N_COLUMNS,
} NdModelColumn;

#define ND_TYPE_MODEL_COLUMNS (nd_model_columns_get_type ())
G_DECLARE_FINAL_TYPE (NdModelColumns, nd_model_columns, ND, MODEL_COLUMNS, GObject)

/* Adds the columns to @view, whose items are NdModelItem. */
NdModelColumns      *nd_model_columns_new        (GtkColumnView *view);
/* The money prices and quota are shown in (copied), and the group whose
 * ratio prices include (NULL: before any group ratio). Rebind the rows
 * after a change (the page replaces its items). */
void                 nd_model_columns_set_money  (NdModelColumns *self, const NdMoney *money);
void                 nd_model_columns_set_group  (NdModelColumns *self, const char *group);
GtkColumnViewColumn *nd_model_columns_get_column (NdModelColumns *self, NdModelColumn column);
/* The text a cell shows (for tests and tooltips). */
char                *nd_model_columns_cell_text  (NdModelColumns *self, NdModelColumn column,
                                                  NdModelItem *item);

G_END_DECLS
