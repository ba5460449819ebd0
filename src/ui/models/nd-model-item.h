/* nd-model-item.h — one row of the Models page: a model, what serves it,
 * its price and its usage, and the rules the filters and sorting follow
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The flags and prices come from nd-model-catalog.h, as `newapi-desk
 * models` says them; this only holds them for a row.
 */
#pragma once

#include <glib-object.h>

#include "facts/nd-facts.h"
#include "nd-model-catalog.h"

G_BEGIN_DECLS

#define ND_TYPE_MODEL_ITEM (nd_model_item_get_type ())
G_DECLARE_FINAL_TYPE (NdModelItem, nd_model_item, ND, MODEL_ITEM, GObject)

/* @usage: the model's ranking row in the range, NULL when it had none or
 * the store is not there (@has_usage FALSE: "—" rather than 0). */
NdModelItem        *nd_model_item_new          (NdModelCatalog *catalog, NdModelEntry *entry,
                                                const NdFactsRank *usage, gboolean has_usage);

NdModelCatalog     *nd_model_item_get_catalog  (NdModelItem *self);
const NdModelEntry *nd_model_item_get_entry    (NdModelItem *self);
const char         *nd_model_item_get_name     (NdModelItem *self);
NdModelFlags        nd_model_item_get_flags    (NdModelItem *self);
/* Enabled channels that serve it, and every channel that offers it. */
guint               nd_model_item_get_serving  (NdModelItem *self);
guint               nd_model_item_get_offering (NdModelItem *self);
/* "default, vip"; "" when served in no group. */
const char         *nd_model_item_get_groups   (NdModelItem *self);
/* Its price under the catalogue's options; *@exact as nd_model_entry_price. */
void                nd_model_item_get_price    (NdModelItem *self, NdModelPrice *out,
                                                gboolean *exact);
/* The usage row, or NULL ("—"). */
const NdFactsRank  *nd_model_item_get_usage    (NdModelItem *self);

typedef enum {
  ND_MODEL_RISK_ALL,
  ND_MODEL_RISK_ANY,            /* any flag but "mapped" (not a risk by itself) */
  ND_MODEL_RISK_SINGLE,
  ND_MODEL_RISK_UNSERVED,
  ND_MODEL_RISK_UNPRICED,
  ND_MODEL_RISK_RETIRED,
  ND_MODEL_RISK_MAPPED,
} NdModelRisk;

/* @search is casefolded (NULL: anything); it matches the model name, a
 * channel's name or id, or a mapping's upstream name. */
gboolean nd_model_item_match   (NdModelItem *self, const char *search, NdModelRisk risk);

typedef enum {
  ND_MODEL_SORT_NAME,
  ND_MODEL_SORT_CHANNELS,
  ND_MODEL_SORT_PRICE,           /* per 1M input, then per call */
  ND_MODEL_SORT_REQUESTS,
  ND_MODEL_SORT_QUOTA,
  ND_MODEL_SORT_ERRORS,
  ND_MODEL_SORT_FLAGS,
} NdModelSortKey;

/* < 0, 0, > 0; ties by name. Missing figures sort first. */
int      nd_model_item_compare (NdModelItem *a, NdModelItem *b, NdModelSortKey key);

G_END_DECLS
