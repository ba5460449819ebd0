/* nd-models-page.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-page.h"

G_BEGIN_DECLS

#define ND_TYPE_MODELS_PAGE (nd_models_page_get_type ())
G_DECLARE_FINAL_TYPE (NdModelsPage, nd_models_page, ND, MODELS_PAGE, NdPage)

G_END_DECLS
