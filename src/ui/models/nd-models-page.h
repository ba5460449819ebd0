/* nd-models-page.h — which models the gateway serves, by whom, at what
 * price, and where it is exposed (issue 12)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nd-model-columns.h"
#include "nd-page.h"

G_BEGIN_DECLS

#define ND_TYPE_MODELS_PAGE (nd_models_page_get_type ())
G_DECLARE_FINAL_TYPE (NdModelsPage, nd_models_page, ND, MODELS_PAGE, NdPage)

void             nd_models_page_reload      (NdModelsPage *self);
/* The rows as shown (filtered and sorted): NdModelItem. */
GListModel      *nd_models_page_get_model   (NdModelsPage *self);
NdModelColumns  *nd_models_page_get_columns (NdModelsPage *self);
/* Loading, or a write running. */
gboolean         nd_models_page_is_busy     (NdModelsPage *self);
/* Opens the price editor of @model (what Edit Price does for the selected
 * row); NULL when writes are refused or the model is not listed. */
AdwMessageDialog *nd_models_page_edit_price (NdModelsPage *self, const char *model);
/* The same for a group's ratio. */
AdwMessageDialog *nd_models_page_edit_group (NdModelsPage *self, const char *group);

G_END_DECLS
