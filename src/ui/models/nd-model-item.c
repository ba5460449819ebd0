/* nd-model-item.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "nd-model-item.h"

struct _NdModelItem
{
  GObject parent_instance;

  NdModelCatalog *catalog;
  NdModelEntry *entry;          /* owned by catalog */
  NdModelFlags flags;
  guint serving;
  char *groups;
  NdFactsRank usage;
  gboolean has_usage;
  double sort_price;            /* USD per 1M input, or per call; NAN unknown */
};

G_DEFINE_FINAL_TYPE (NdModelItem, nd_model_item, G_TYPE_OBJECT)

static void
nd_model_item_finalize (GObject *object)
{
  NdModelItem *self = ND_MODEL_ITEM (object);

  g_clear_pointer (&self->catalog, nd_model_catalog_unref);
  g_free (self->groups);
  g_free (self->usage.key);
  g_free (self->usage.name);
  G_OBJECT_CLASS (nd_model_item_parent_class)->finalize (object);
}

static void
nd_model_item_class_init (NdModelItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nd_model_item_finalize;
}

static void
nd_model_item_init (NdModelItem *self)
{
}

NdModelItem *
nd_model_item_new (NdModelCatalog *catalog, NdModelEntry *entry, const NdFactsRank *usage,
                   gboolean has_usage)
{
  NdModelItem *self = g_object_new (ND_TYPE_MODEL_ITEM, NULL);
  g_autoptr(GArray) serving = nd_model_entry_serving (entry);
  g_auto(GStrv) groups = nd_model_entry_groups (entry);
  NdPriceUsd usd;

  self->catalog = nd_model_catalog_ref (catalog);
  self->entry = entry;
  self->flags = nd_model_entry_flags (catalog, entry);
  self->serving = serving->len;
  self->groups = g_strjoinv (", ", groups);
  self->has_usage = has_usage;
  if (usage != NULL)
    {
      self->usage = *usage;
      self->usage.key = g_strdup (usage->key);
      self->usage.name = g_strdup (usage->name);
    }
  else
    {
      /* In the range with no requests: zeros, and no latency to speak of. */
      self->usage.p50 = self->usage.p95 = -1;
    }
  /* The order of prices does not depend on the currency. */
  nd_model_entry_usd (catalog, NULL, entry, NULL, 500000, &usd);
  self->sort_price = isfinite (usd.input) ? usd.input : usd.per_call;
  return self;
}

NdModelCatalog *
nd_model_item_get_catalog (NdModelItem *self)
{
  g_return_val_if_fail (ND_IS_MODEL_ITEM (self), NULL);
  return self->catalog;
}

const NdModelEntry *
nd_model_item_get_entry (NdModelItem *self)
{
  g_return_val_if_fail (ND_IS_MODEL_ITEM (self), NULL);
  return self->entry;
}

const char *
nd_model_item_get_name (NdModelItem *self)
{
  g_return_val_if_fail (ND_IS_MODEL_ITEM (self), NULL);
  return self->entry->name;
}

NdModelFlags
nd_model_item_get_flags (NdModelItem *self)
{
  g_return_val_if_fail (ND_IS_MODEL_ITEM (self), 0);
  return self->flags;
}

guint
nd_model_item_get_serving (NdModelItem *self)
{
  g_return_val_if_fail (ND_IS_MODEL_ITEM (self), 0);
  return self->serving;
}

guint
nd_model_item_get_offering (NdModelItem *self)
{
  g_return_val_if_fail (ND_IS_MODEL_ITEM (self), 0);
  return self->entry->channels->len;
}

const char *
nd_model_item_get_groups (NdModelItem *self)
{
  g_return_val_if_fail (ND_IS_MODEL_ITEM (self), "");
  return self->groups;
}

void
nd_model_item_get_price (NdModelItem *self, NdModelPrice *out, gboolean *exact)
{
  g_return_if_fail (ND_IS_MODEL_ITEM (self));
  nd_model_entry_price (self->catalog, NULL, self->entry, out, exact);
}

const NdFactsRank *
nd_model_item_get_usage (NdModelItem *self)
{
  g_return_val_if_fail (ND_IS_MODEL_ITEM (self), NULL);
  return self->has_usage ? &self->usage : NULL;
}

static gboolean
contains (const char *text, const char *search)
{
  g_autofree char *folded = NULL;

  if (text == NULL)
    return FALSE;
  folded = g_utf8_casefold (text, -1);
  return strstr (folded, search) != NULL;
}

gboolean
nd_model_item_match (NdModelItem *self, const char *search, NdModelRisk risk)
{
  NdModelFlags want = 0;

  switch (risk)
    {
    case ND_MODEL_RISK_ANY:
      want = ND_MODEL_FLAG_SINGLE_CHANNEL | ND_MODEL_FLAG_UNSERVED | ND_MODEL_FLAG_UNPRICED |
             ND_MODEL_FLAG_RETIRED;
      break;
    case ND_MODEL_RISK_SINGLE: want = ND_MODEL_FLAG_SINGLE_CHANNEL; break;
    case ND_MODEL_RISK_UNSERVED: want = ND_MODEL_FLAG_UNSERVED; break;
    case ND_MODEL_RISK_UNPRICED: want = ND_MODEL_FLAG_UNPRICED; break;
    case ND_MODEL_RISK_RETIRED: want = ND_MODEL_FLAG_RETIRED; break;
    case ND_MODEL_RISK_MAPPED: want = ND_MODEL_FLAG_MAPPED; break;
    case ND_MODEL_RISK_ALL:
    default:
      break;
    }
  if (want != 0 && (self->flags & want) == 0)
    return FALSE;
  if (search == NULL || *search == '\0' || contains (self->entry->name, search))
    return TRUE;
  for (guint i = 0; i < self->entry->channels->len; i++)
    {
      const NdModelChannel *ch = g_ptr_array_index (self->entry->channels, i);
      char id[24];

      g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, ch->id);
      if (g_str_equal (id, search) || contains (ch->name, search) || contains (ch->upstream, search))
        return TRUE;
    }
  return FALSE;
}

static int
cmp_double (double a, double b)
{
  if (isnan (a))
    return isnan (b) ? 0 : -1;
  if (isnan (b))
    return 1;
  return a < b ? -1 : a > b;
}

static int
cmp_int (gint64 a, gint64 b)
{
  return a < b ? -1 : a > b;
}

static double
error_rate (NdModelItem *self)
{
  if (!self->has_usage || self->usage.requests == 0)
    return NAN;
  return (double) self->usage.errors / (double) self->usage.requests;
}

int
nd_model_item_compare (NdModelItem *a, NdModelItem *b, NdModelSortKey key)
{
  int r = 0;

  switch (key)
    {
    case ND_MODEL_SORT_CHANNELS:
      r = cmp_int (a->serving, b->serving);
      if (r == 0)
        r = cmp_int (a->entry->channels->len, b->entry->channels->len);
      break;
    case ND_MODEL_SORT_PRICE: r = cmp_double (a->sort_price, b->sort_price); break;
    case ND_MODEL_SORT_REQUESTS: r = cmp_int (a->usage.requests, b->usage.requests); break;
    case ND_MODEL_SORT_QUOTA: r = cmp_int (a->usage.quota, b->usage.quota); break;
    case ND_MODEL_SORT_ERRORS: r = cmp_double (error_rate (a), error_rate (b)); break;
    case ND_MODEL_SORT_FLAGS: r = cmp_int (a->flags, b->flags); break;
    case ND_MODEL_SORT_NAME:
    default:
      break;
    }
  return r != 0 ? r : strcmp (a->entry->name, b->entry->name);
}
