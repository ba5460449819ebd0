/* nd-model-price-dialog.h — changing a model's price or a group's ratio:
 * a form, what the edit does to the options and to the price, then Save
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Nothing is written here: Save hands the write (validated, and planned
 * against the options the page read) to the page, which runs it. The plan
 * shown is the one nd_pricing_plan makes; the write plans again on the
 * rows it locks, so another key edited meanwhile is kept.
 */
#pragma once

#include <adwaita.h>

#include "nd-model-catalog.h"
#include "nd-money.h"
#include "nd-write.h"

G_BEGIN_DECLS

/* Called once, on Save, with the write to run (taken). */
typedef void (*NdModelPriceSave) (gpointer user_data, NdWrite *write);

/* A model's price (@model not NULL) or a group's ratio (@group). */
AdwMessageDialog *nd_model_price_dialog_new (GtkWidget *parent, NdModelCatalog *catalog,
                                             const char *model, const char *group,
                                             const NdMoney *money, NdModelPriceSave save,
                                             gpointer user_data, GDestroyNotify destroy);

/* For tests: the form's rows ("ratio", "completion", "price"), the
 * per-call switch ("per_call") and the preview label ("preview"). */
GtkWidget        *nd_model_price_dialog_get (AdwMessageDialog *dialog, const char *part);

G_END_DECLS
