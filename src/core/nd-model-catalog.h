/* nd-model-catalog.h — which models the gateway serves, by whom, at what price
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * nd_source_model_catalog_async() answers one NdModelCatalog: every model a
 * channel offers (abilities over PostgreSQL, the channel list over the API)
 * with the channels and groups behind it, NewAPI's price options, and the
 * groups with their ratio and how many users and tokens are in each. The
 * rest is derived here, purely, so the page and `newapi-desk models` say
 * the same:
 *
 *   served         some enabled channel offers it in some group (a channel
 *                  in no group — group '' — routes nothing: no user is in '')
 *   single channel exactly one enabled channel serves it: no failover
 *   unserved       channels offer it, none of them serves it
 *   unpriced       in neither ModelPrice nor ModelRatio: NewAPI refuses it
 *   retired        used in logs during the range (the facts store) but no
 *                  longer served
 *   mapped         a channel's model_mapping sends it upstream under
 *                  another name
 *
 * A channel serves a model when its ability rows are enabled and its status
 * is 1: NewAPI routes on the abilities without a memory cache and on the
 * channels with one, so both must agree.
 */
#pragma once

#include <glib.h>

#include "nd-pricing.h"

G_BEGIN_DECLS

typedef struct {
  gint64 id;
  char *name;
  int status;                  /* the channel's status (reference §2.4) */
  gboolean enabled;            /* it routes this model: abilities enabled and status 1 */
  GStrv groups;                /* the groups it offers the model in, sorted ('' kept) */
  char *upstream;              /* model_mapping's target when it renames the model */
} NdModelChannel;

void nd_model_channel_free (NdModelChannel *channel);

typedef struct {
  char *name;
  GPtrArray *channels;         /* (element-type NdModelChannel) by id */
  gboolean in_logs;            /* used during the range (nd_model_catalog_mark_used) */
  /* The server's own figures from /api/pricing (HTTP), used where the
   * options are unknown: quota_type -1 when not listed. */
  int listed_quota_type;
  double listed_ratio;
  double listed_completion;
  double listed_price;
} NdModelEntry;

typedef struct {
  char *name;
  double ratio;                /* GroupRatio; NAN when not in it */
  gint64 users;                /* live users in it; -1 unknown */
  gint64 tokens;               /* live tokens using it (their own group, else their owner's);
                                * -1 unknown */
} NdGroupEntry;

typedef struct {
  gatomicrefcount ref_count;
  GPtrArray *models;           /* (element-type NdModelEntry) by name */
  GPtrArray *groups;           /* (element-type NdGroupEntry) by name */
  NdPricing *pricing;          /* never NULL; options it could not read are unknown */
  char *pricing_note;          /* why some prices are unknown, for people; NULL */
} NdModelCatalog;

NdModelCatalog *nd_model_catalog_new   (void);
NdModelCatalog *nd_model_catalog_ref   (NdModelCatalog *catalog);
void            nd_model_catalog_unref (NdModelCatalog *catalog);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdModelCatalog, nd_model_catalog_unref)

/* Building (sources): the entry of @name, made when missing; call
 * nd_model_catalog_sort once done. */
NdModelEntry   *nd_model_catalog_ensure (NdModelCatalog *catalog, const char *name);
NdGroupEntry   *nd_model_catalog_ensure_group (NdModelCatalog *catalog, const char *name);
void            nd_model_catalog_sort   (NdModelCatalog *catalog);
/* Adds what a channel's comma lists say, split as NewAPI splits them
 * (strings.Split: no trimming, empty entries kept), with its mapping
 * (model_mapping JSON; text that is not an object maps nothing). For
 * sources without an abilities table. */
void            nd_model_catalog_add_channel (NdModelCatalog *catalog, gint64 id,
                                              const char *name, int status,
                                              const char *models, const char *groups,
                                              const char *model_mapping);
/* model_mapping's target for @model when it renames it, else NULL. */
char           *nd_model_mapping_target (const char *model_mapping, const char *model);

NdModelEntry   *nd_model_catalog_find   (NdModelCatalog *catalog, const char *name);
NdGroupEntry   *nd_model_catalog_find_group (NdModelCatalog *catalog, const char *name);
/* Notes that @name was used during the range; a model no channel offers
 * gets an entry of its own. Keeps the order. */
void            nd_model_catalog_mark_used (NdModelCatalog *catalog, const char *name);

typedef enum {
  ND_MODEL_FLAG_SINGLE_CHANNEL = 1 << 0,
  ND_MODEL_FLAG_UNSERVED       = 1 << 1,
  ND_MODEL_FLAG_UNPRICED       = 1 << 2,
  ND_MODEL_FLAG_RETIRED        = 1 << 3,
  ND_MODEL_FLAG_MAPPED         = 1 << 4,
} NdModelFlags;

#define ND_MODEL_N_FLAGS 5

/* Stable names for --json and tests: "single_channel", "unserved",
 * "unpriced", "retired", "mapped". */
const char     *nd_model_flag_nick (NdModelFlags flag);
/* For people: "single channel", "not served", … (translated). */
const char     *nd_model_flag_label (NdModelFlags flag);
/* Why the flag matters, one sentence (translated). */
const char     *nd_model_flag_description (NdModelFlags flag);

/* The ids of the enabled channels that serve @entry in some group. */
GArray         *nd_model_entry_serving (const NdModelEntry *entry);
/* The groups it is served in (enabled channels, '' left out), sorted. */
GStrv           nd_model_entry_groups  (const NdModelEntry *entry);
gboolean        nd_model_entry_served  (const NdModelEntry *entry);
NdModelFlags    nd_model_entry_flags   (const NdModelCatalog *catalog, const NdModelEntry *entry);

/* The price of @entry under @pricing (NULL: the catalogue's; another one
 * shows what an edit would make of it, nd_pricing_apply): from the options
 * where they are known, else from the server's list (billing and figures,
 * but an unpriced model cannot be told from one at the fallback ratio:
 * *@exact is FALSE then). */
void            nd_model_entry_price   (const NdModelCatalog *catalog, const NdPricing *pricing,
                                        const NdModelEntry *entry, NdModelPrice *out,
                                        gboolean *exact);
/* Its cost in @group (NULL: before any group ratio). */
void            nd_model_entry_usd     (const NdModelCatalog *catalog, const NdPricing *pricing,
                                        const NdModelEntry *entry, const char *group,
                                        double quota_per_unit, NdPriceUsd *out);

G_END_DECLS
