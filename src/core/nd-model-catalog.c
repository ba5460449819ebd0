/* nd-model-catalog.c — served, single-channel, unpriced, retired, mapped
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "nd-json.h"
#include "nd-model-catalog.h"

void
nd_model_channel_free (NdModelChannel *channel)
{
  if (channel == NULL)
    return;
  g_free (channel->name);
  g_strfreev (channel->groups);
  g_free (channel->upstream);
  g_free (channel);
}

static void
entry_free (NdModelEntry *entry)
{
  g_free (entry->name);
  g_ptr_array_unref (entry->channels);
  g_free (entry);
}

static void
group_free (NdGroupEntry *group)
{
  g_free (group->name);
  g_free (group);
}

NdModelCatalog *
nd_model_catalog_new (void)
{
  NdModelCatalog *catalog = g_new0 (NdModelCatalog, 1);

  g_atomic_ref_count_init (&catalog->ref_count);
  catalog->models = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  catalog->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  catalog->pricing = nd_pricing_new ();
  return catalog;
}

NdModelCatalog *
nd_model_catalog_ref (NdModelCatalog *catalog)
{
  g_return_val_if_fail (catalog != NULL, NULL);
  g_atomic_ref_count_inc (&catalog->ref_count);
  return catalog;
}

void
nd_model_catalog_unref (NdModelCatalog *catalog)
{
  if (catalog == NULL || !g_atomic_ref_count_dec (&catalog->ref_count))
    return;
  g_ptr_array_unref (catalog->models);
  g_ptr_array_unref (catalog->groups);
  nd_pricing_unref (catalog->pricing);
  g_free (catalog->pricing_note);
  g_free (catalog);
}

NdModelEntry *
nd_model_catalog_find (NdModelCatalog *catalog, const char *name)
{
  g_return_val_if_fail (catalog != NULL, NULL);
  for (guint i = 0; i < catalog->models->len; i++)
    {
      NdModelEntry *e = g_ptr_array_index (catalog->models, i);

      if (g_strcmp0 (e->name, name) == 0)
        return e;
    }
  return NULL;
}

NdGroupEntry *
nd_model_catalog_find_group (NdModelCatalog *catalog, const char *name)
{
  g_return_val_if_fail (catalog != NULL, NULL);
  for (guint i = 0; i < catalog->groups->len; i++)
    {
      NdGroupEntry *g = g_ptr_array_index (catalog->groups, i);

      if (g_strcmp0 (g->name, name) == 0)
        return g;
    }
  return NULL;
}

NdModelEntry *
nd_model_catalog_ensure (NdModelCatalog *catalog, const char *name)
{
  NdModelEntry *e = nd_model_catalog_find (catalog, name);

  if (e != NULL)
    return e;
  e = g_new0 (NdModelEntry, 1);
  e->name = g_strdup (name);
  e->channels = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_model_channel_free);
  e->listed_quota_type = -1;
  e->listed_ratio = e->listed_completion = e->listed_price = NAN;
  g_ptr_array_add (catalog->models, e);
  return e;
}

NdGroupEntry *
nd_model_catalog_ensure_group (NdModelCatalog *catalog, const char *name)
{
  NdGroupEntry *g = nd_model_catalog_find_group (catalog, name);

  if (g != NULL)
    return g;
  g = g_new0 (NdGroupEntry, 1);
  g->name = g_strdup (name);
  g->ratio = NAN;
  g->users = g->tokens = -1;
  g_ptr_array_add (catalog->groups, g);
  return g;
}

static int
cmp_entry (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(NdModelEntry * const *) a)->name, (*(NdModelEntry * const *) b)->name);
}

static int
cmp_group (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(NdGroupEntry * const *) a)->name, (*(NdGroupEntry * const *) b)->name);
}

static int
cmp_channel (gconstpointer a, gconstpointer b)
{
  gint64 x = (*(NdModelChannel * const *) a)->id;
  gint64 y = (*(NdModelChannel * const *) b)->id;

  return x < y ? -1 : x > y;
}

void
nd_model_catalog_sort (NdModelCatalog *catalog)
{
  g_return_if_fail (catalog != NULL);
  g_ptr_array_sort (catalog->models, cmp_entry);
  g_ptr_array_sort (catalog->groups, cmp_group);
  for (guint i = 0; i < catalog->models->len; i++)
    g_ptr_array_sort (((NdModelEntry *) g_ptr_array_index (catalog->models, i))->channels,
                      cmp_channel);
}

void
nd_model_catalog_mark_used (NdModelCatalog *catalog, const char *name)
{
  NdModelEntry *e;

  g_return_if_fail (catalog != NULL);
  if (name == NULL || *name == '\0')
    return;
  e = nd_model_catalog_find (catalog, name);
  if (e == NULL)
    {
      e = nd_model_catalog_ensure (catalog, name);
      g_ptr_array_sort (catalog->models, cmp_entry);
    }
  e->in_logs = TRUE;
}

char *
nd_model_mapping_target (const char *model_mapping, const char *model)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj;
  JsonNode *node;
  const char *target;

  if (model_mapping == NULL || *model_mapping == '\0' || model == NULL)
    return NULL;
  root = nd_json_parse_bounded (model_mapping, -1, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  obj = json_node_get_object (root);
  node = json_object_get_member (obj, model);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  target = json_node_get_string (node);
  /* NewAPI ignores an empty target and a mapping to the same name. */
  if (target == NULL || *target == '\0' || g_str_equal (target, model))
    return NULL;
  return g_strdup (target);
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Sorted, without duplicates. */
static GStrv
sorted_unique (GPtrArray *names)
{
  GPtrArray *out = g_ptr_array_new ();

  g_ptr_array_sort (names, cmp_str);
  for (guint i = 0; i < names->len; i++)
    if (i == 0 || strcmp (g_ptr_array_index (names, i), g_ptr_array_index (names, i - 1)) != 0)
      g_ptr_array_add (out, g_strdup (g_ptr_array_index (names, i)));
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_free (out, FALSE);
}

void
nd_model_catalog_add_channel (NdModelCatalog *catalog, gint64 id, const char *name, int status,
                              const char *models, const char *groups, const char *model_mapping)
{
  g_auto(GStrv) model_list = nd_split_commas (models);
  g_auto(GStrv) group_list = nd_split_commas (groups);
  g_autoptr(GPtrArray) group_names = g_ptr_array_new ();
  g_auto(GStrv) unique_groups = NULL;

  g_return_if_fail (catalog != NULL);
  for (guint g = 0; group_list[g] != NULL; g++)
    g_ptr_array_add (group_names, group_list[g]);
  unique_groups = sorted_unique (group_names);
  for (guint m = 0; model_list[m] != NULL; m++)
    {
      NdModelEntry *e = nd_model_catalog_ensure (catalog, model_list[m]);
      NdModelChannel *ch = NULL;

      /* A model listed twice is one ability per group. */
      for (guint i = 0; i < e->channels->len && ch == NULL; i++)
        if (((NdModelChannel *) g_ptr_array_index (e->channels, i))->id == id)
          ch = g_ptr_array_index (e->channels, i);
      if (ch != NULL)
        continue;
      ch = g_new0 (NdModelChannel, 1);
      ch->id = id;
      ch->name = g_strdup (name);
      ch->status = status;
      ch->enabled = status == 1;
      ch->groups = g_strdupv (unique_groups);
      ch->upstream = nd_model_mapping_target (model_mapping, model_list[m]);
      g_ptr_array_add (e->channels, ch);
    }
}

/* ---- derived ------------------------------------------------------------ */

const char *
nd_model_flag_nick (NdModelFlags flag)
{
  switch (flag)
    {
    case ND_MODEL_FLAG_SINGLE_CHANNEL: return "single_channel";
    case ND_MODEL_FLAG_UNSERVED: return "unserved";
    case ND_MODEL_FLAG_UNPRICED: return "unpriced";
    case ND_MODEL_FLAG_RETIRED: return "retired";
    case ND_MODEL_FLAG_MAPPED: return "mapped";
    default: return NULL;
    }
}

const char *
nd_model_flag_label (NdModelFlags flag)
{
  switch (flag)
    {
    case ND_MODEL_FLAG_SINGLE_CHANNEL: return _("single channel");
    case ND_MODEL_FLAG_UNSERVED: return _("not served");
    case ND_MODEL_FLAG_UNPRICED: return _("no price");
    case ND_MODEL_FLAG_RETIRED: return _("no longer served");
    case ND_MODEL_FLAG_MAPPED: return _("mapped");
    default: return "";
    }
}

const char *
nd_model_flag_description (NdModelFlags flag)
{
  switch (flag)
    {
    case ND_MODEL_FLAG_SINGLE_CHANNEL:
      return _("Only one enabled channel serves it: if that channel fails there is no failover.");
    case ND_MODEL_FLAG_UNSERVED:
      return _("Channels offer it, but none of them is enabled: requests for it fail.");
    case ND_MODEL_FLAG_UNPRICED:
      return _("It is in neither ModelPrice nor ModelRatio: NewAPI refuses requests for it.");
    case ND_MODEL_FLAG_RETIRED:
      return _("It was used during the range, but no enabled channel serves it any more.");
    case ND_MODEL_FLAG_MAPPED:
      return _("A channel’s model mapping sends it upstream under another name.");
    default:
      return "";
    }
}

static gboolean
serves (const NdModelChannel *ch)
{
  if (!ch->enabled || ch->groups == NULL)
    return FALSE;
  for (guint g = 0; ch->groups[g] != NULL; g++)
    if (*ch->groups[g] != '\0')
      return TRUE;
  return FALSE;
}

GArray *
nd_model_entry_serving (const NdModelEntry *entry)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (entry != NULL, ids);
  for (guint i = 0; i < entry->channels->len; i++)
    {
      const NdModelChannel *ch = g_ptr_array_index (entry->channels, i);

      if (serves (ch))
        g_array_append_val (ids, ch->id);
    }
  return ids;
}

GStrv
nd_model_entry_groups (const NdModelEntry *entry)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_return_val_if_fail (entry != NULL, NULL);
  for (guint i = 0; i < entry->channels->len; i++)
    {
      const NdModelChannel *ch = g_ptr_array_index (entry->channels, i);

      if (serves (ch))
        for (guint g = 0; ch->groups[g] != NULL; g++)
          if (*ch->groups[g] != '\0')
            g_ptr_array_add (names, ch->groups[g]);
    }
  return sorted_unique (names);
}

gboolean
nd_model_entry_served (const NdModelEntry *entry)
{
  g_return_val_if_fail (entry != NULL, FALSE);
  for (guint i = 0; i < entry->channels->len; i++)
    if (serves (g_ptr_array_index (entry->channels, i)))
      return TRUE;
  return FALSE;
}

void
nd_model_entry_price (const NdModelCatalog *catalog, const NdPricing *pricing,
                      const NdModelEntry *entry, NdModelPrice *out, gboolean *exact)
{
  g_return_if_fail (catalog != NULL && entry != NULL && out != NULL);

  nd_pricing_lookup (pricing ? pricing : catalog->pricing, entry->name, out);
  if (exact != NULL)
    *exact = out->billing != ND_BILLING_UNKNOWN;
  if (out->billing != ND_BILLING_UNKNOWN || entry->listed_quota_type < 0)
    return;
  /* The server's own list: what it bills with, but "unpriced" hides
   * behind its fallback ratio there. */
  if (entry->listed_quota_type == 1)
    {
      out->billing = ND_BILLING_PER_CALL;
      out->model_price = entry->listed_price;
    }
  else
    {
      out->billing = ND_BILLING_RATIO;
      out->model_ratio = entry->listed_ratio;
      out->completion_ratio = entry->listed_completion;
    }
}

NdModelFlags
nd_model_entry_flags (const NdModelCatalog *catalog, const NdModelEntry *entry)
{
  g_autoptr(GArray) serving = NULL;
  NdModelFlags flags = 0;
  NdModelPrice price;
  gboolean exact;

  g_return_val_if_fail (catalog != NULL && entry != NULL, 0);
  serving = nd_model_entry_serving (entry);
  if (serving->len == 1)
    flags |= ND_MODEL_FLAG_SINGLE_CHANNEL;
  if (serving->len == 0 && entry->channels->len > 0)
    flags |= ND_MODEL_FLAG_UNSERVED;
  if (serving->len == 0 && entry->in_logs)
    flags |= ND_MODEL_FLAG_RETIRED;
  nd_model_entry_price (catalog, NULL, entry, &price, &exact);
  if (exact && price.billing == ND_BILLING_UNPRICED)
    flags |= ND_MODEL_FLAG_UNPRICED;
  for (guint i = 0; i < entry->channels->len; i++)
    if (((NdModelChannel *) g_ptr_array_index (entry->channels, i))->upstream != NULL)
      {
        flags |= ND_MODEL_FLAG_MAPPED;
        break;
      }
  return flags;
}

void
nd_model_entry_usd (const NdModelCatalog *catalog, const NdPricing *pricing,
                    const NdModelEntry *entry, const char *group, double quota_per_unit,
                    NdPriceUsd *out)
{
  NdModelPrice price;

  g_return_if_fail (catalog != NULL && entry != NULL && out != NULL);
  if (pricing == NULL)
    pricing = catalog->pricing;
  nd_model_entry_price (catalog, pricing, entry, &price, NULL);
  nd_price_usd (&price, group ? nd_pricing_group_ratio (pricing, group) : 1.0, quota_per_unit,
                nd_pricing_get_self_use (pricing), entry->listed_completion, out);
}
