/* nd-pricing.h — what NewAPI charges for a model, from its price options
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure: no I/O, any thread. NewAPI keeps its prices in five options, each
 * the JSON text of a full map (reference §1.3 options, §1.6a):
 *
 *   ModelPrice       model → USD per call ("per-call" billing)
 *   ModelRatio       model → ratio; 1 ≙ $2 per 1M tokens at the default
 *                    QuotaPerUnit (500 000 quota = $1)
 *   CompletionRatio  model → output tokens cost this many input tokens
 *   CacheRatio       model → cached input tokens cost this many input tokens
 *   GroupRatio       group → multiplier on everything above
 *
 * As ModelPriceHelper does, ModelPrice is looked at first, then ModelRatio;
 * a model in neither is refused ("模型 %s 的价格未配置") unless self-use
 * mode bills it at 37.5. A completion or cache ratio that is not set counts
 * as 1 here (newer NewAPI versions apply built-in completion ratios for
 * some model families; over the API the server's own figure is used).
 *
 * Billing (reference §2.7), in quota units and then money:
 *   tokens:   (prompt + completion × completion_ratio) × model_ratio × group_ratio
 *   per call: model_price × QuotaPerUnit × group_ratio
 * so one million input tokens cost model_ratio × group_ratio × 1e6 /
 * QuotaPerUnit dollars of balance, and a call model_price × group_ratio.
 *
 * Edits change one member of an option's JSON text and nothing else
 * (nd_pricing_json_set): the option holds the whole map, and a rewrite that
 * reordered or reformatted it would make every price edit look like a
 * change of all prices.
 */
#pragma once

#include <glib.h>

#include "nd-money.h"
#include "nd-write.h"

G_BEGIN_DECLS

typedef enum {
  ND_PRICING_MODEL_RATIO,
  ND_PRICING_COMPLETION_RATIO,
  ND_PRICING_MODEL_PRICE,
  ND_PRICING_CACHE_RATIO,
  ND_PRICING_GROUP_RATIO,
  ND_PRICING_N_OPTIONS,
} NdPricingOption;

/* NewAPI's option key: "ModelRatio", … */
const char *nd_pricing_option_key      (NdPricingOption option);
gboolean    nd_pricing_option_from_key (const char *key, NdPricingOption *option);

/* What self-use mode bills an unpriced model at (GetModelRatio). */
#define ND_PRICING_SELF_USE_RATIO 37.5

typedef struct _NdPricing NdPricing;

NdPricing  *nd_pricing_new       (void);
NdPricing  *nd_pricing_ref       (NdPricing *self);
void        nd_pricing_unref     (NdPricing *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdPricing, nd_pricing_unref)

/* Loads one option as stored. FALSE with ND_ERROR_PROTOCOL when @text is
 * not a JSON object of numbers (NewAPI cannot read it either); the option
 * then stays unknown. */
gboolean    nd_pricing_set_option (NdPricing *self, NdPricingOption option, const char *text,
                                   GError **error);
/* Whether the option's map is known (its row exists and could be read). */
gboolean    nd_pricing_has_option (const NdPricing *self, NdPricingOption option);
/* The stored text, NULL when unknown. */
const char *nd_pricing_get_text   (const NdPricing *self, NdPricingOption option);
/* The member's value, NAN when absent or the option is unknown. */
double      nd_pricing_get        (const NdPricing *self, NdPricingOption option,
                                   const char *name);
/* The option's member names, sorted; empty when unknown. */
GStrv       nd_pricing_dup_names  (const NdPricing *self, NdPricingOption option);
void        nd_pricing_set_self_use (NdPricing *self, gboolean self_use);
gboolean    nd_pricing_get_self_use (const NdPricing *self);
/* GroupRatio's member; 1 when the group is not in it (GetGroupRatio's
 * fallback) or the option is unknown. */
double      nd_pricing_group_ratio (const NdPricing *self, const char *group);

typedef enum {
  ND_BILLING_UNKNOWN,          /* ModelPrice or ModelRatio could not be read */
  ND_BILLING_RATIO,
  ND_BILLING_PER_CALL,
  ND_BILLING_UNPRICED,         /* in neither map: NewAPI refuses it (self-use: 37.5) */
} NdBilling;

const char *nd_billing_nick (NdBilling billing);   /* "ratio", "per_call", "unpriced", "unknown" */

typedef struct {
  NdBilling billing;
  double model_ratio;          /* as configured; NAN when not in ModelRatio */
  double completion_ratio;     /* NAN when not in CompletionRatio */
  double model_price;          /* NAN when not in ModelPrice */
  double cache_ratio;          /* NAN when not in CacheRatio */
} NdModelPrice;

void        nd_pricing_lookup    (const NdPricing *self, const char *model, NdModelPrice *out);

typedef struct {
  double input;                /* USD per 1M input tokens; NAN when not token-billed */
  double output;               /* USD per 1M output tokens */
  double cached_input;         /* USD per 1M cached input tokens; NAN without a cache ratio */
  double per_call;             /* USD per call; NAN when token-billed */
} NdPriceUsd;

/* What @price costs in a group of @group_ratio with @quota_per_unit quota
 * to the dollar. An unpriced model costs what self-use mode bills (37.5)
 * when @self_use, else nothing (all NAN). A completion ratio that is not
 * set counts as @default_completion (1, or the server's own figure). */
void        nd_price_usd         (const NdModelPrice *price, double group_ratio,
                                  double quota_per_unit, gboolean self_use,
                                  double default_completion, NdPriceUsd *out);

/* @usd in the server's currency (nd-money.h: USD, CNY, a custom one, or
 * quota units), never abbreviated; "—" for NAN. */
char       *nd_price_format      (const NdMoney *money, double usd);

/* ---- edits -------------------------------------------------------------- */

typedef struct {
  NdPricingOption option;
  char *member;
  double old_value;            /* NAN: absent before */
  double new_value;            /* NAN: removed */
} NdPriceChange;

void        nd_price_change_free (NdPriceChange *change);

/* The options an ND_WRITE_MODEL_PRICE / ND_WRITE_GROUP_RATIO @write may
 * change, in the order to lock them (by key); returns how many (≤ 3). */
guint       nd_pricing_write_options (const NdWrite *write, NdPricingOption out[3]);

/* What @write does to @self: at most one member per option. A price sets
 * ModelPrice and removes the model from ModelRatio and CompletionRatio; a
 * ratio sets ModelRatio (and CompletionRatio when given) and removes it
 * from ModelPrice, as NewAPI's own price editor saves a model. Options that
 * gain the model come before those that lose it, so applying the changes
 * in order never leaves the model unpriced. Unchanged members are left
 * out; an empty array means nothing changes. Returns NULL with
 * ND_ERROR_INVALID_INPUT (the write's own check) or ND_ERROR_CONFLICT
 * when an option it needs is unknown (its row is missing: NewAPI then
 * uses its built-in map, which the database does not hold, and writing
 * one member would throw the rest away). */
GPtrArray  *nd_pricing_plan      (const NdPricing *self, const NdWrite *write, GError **error);

/* A copy of @self with @changes (nd_pricing_plan's) made, each option's
 * text rewritten as the write rewrites it: what the prices will be. */
NdPricing  *nd_pricing_apply     (const NdPricing *self, const GPtrArray *changes, GError **error);

/* @text (a JSON object) with member @name set to @value, or removed when
 * @value is NAN; every other byte as it was. A new member goes last, laid
 * out like the member before it. Duplicate names (the last one wins in Go)
 * are all set, or all removed. ND_ERROR_INVALID_INPUT when @text is not a
 * JSON object. */
char       *nd_pricing_json_set  (const char *text, const char *name, double value,
                                  GError **error);
/* The shortest text that reads back as @value, as Go's encoding/json
 * writes a float64 (no exponent from 1e-6 to 1e21). */
char       *nd_pricing_format_number (double value);

G_END_DECLS
