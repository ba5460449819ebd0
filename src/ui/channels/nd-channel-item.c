/* nd-channel-item.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "nd-channel-item.h"
#include "nd-write.h"

struct _NdChannelItem
{
  GObject parent_instance;

  NdChannel *channel;
  GListStore *members;          /* tag rows only */
  guint n_enabled;
  gboolean same_priority;
  gboolean same_weight;
  gboolean same_type;
  NdHealthItem *test_result;
  NdHealthItem *balance_result;
};

G_DEFINE_FINAL_TYPE (NdChannelItem, nd_channel_item, G_TYPE_OBJECT)

enum { SIGNAL_HEALTH_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
drop_result (NdChannelItem *self, NdHealthItem **result)
{
  if (*result != NULL)
    g_signal_handlers_disconnect_by_data (*result, self);
  g_clear_object (result);
}

static void
nd_channel_item_finalize (GObject *object)
{
  NdChannelItem *self = ND_CHANNEL_ITEM (object);

  drop_result (self, &self->test_result);
  drop_result (self, &self->balance_result);
  g_clear_pointer (&self->channel, nd_channel_free);
  g_clear_object (&self->members);
  G_OBJECT_CLASS (nd_channel_item_parent_class)->finalize (object);
}

static void
nd_channel_item_class_init (NdChannelItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nd_channel_item_finalize;
  /* health-changed: a health result of this channel was set or changed. */
  signals[SIGNAL_HEALTH_CHANGED] = g_signal_new ("health-changed", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 0);
}

static void
nd_channel_item_init (NdChannelItem *self)
{
}

NdChannelItem *
nd_channel_item_new (NdChannel *channel)
{
  NdChannelItem *self = g_object_new (ND_TYPE_CHANNEL_ITEM, NULL);

  self->channel = channel;
  return self;
}

/* Appends the entries of @list not yet in @seen to @out. */
static void
unite (GString *out, GHashTable *seen, const char *list)
{
  g_auto(GStrv) parts = nd_split_commas (list);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0' || g_hash_table_contains (seen, parts[i]))
        continue;
      g_hash_table_add (seen, g_strdup (parts[i]));
      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append (out, parts[i]);
    }
}

NdChannelItem *
nd_channel_item_new_tag (const char *tag, GPtrArray *members)
{
  NdChannelItem *self = g_object_new (ND_TYPE_CHANNEL_ITEM, NULL);
  NdChannel *sum = nd_channel_new ();
  g_autoptr(GHashTable) groups_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) models_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) groups = g_string_new (NULL);
  g_autoptr(GString) models = g_string_new (NULL);

  self->members = g_list_store_new (ND_TYPE_CHANNEL_ITEM);
  self->same_priority = self->same_weight = self->same_type = TRUE;
  sum->name = g_strdup (tag);
  sum->tag = g_strdup (tag);
  sum->status = ND_CHANNEL_STATUS_MANUALLY_DISABLED;
  for (guint i = 0; i < members->len; i++)
    {
      NdChannelItem *m = g_ptr_array_index (members, i);
      const NdChannel *c = m->channel;

      g_list_store_append (self->members, m);
      if (i == 0)
        {
          sum->priority = c->priority;
          sum->weight = c->weight;
          sum->type = c->type;
        }
      self->same_priority &= c->priority == sum->priority;
      self->same_weight &= c->weight == sum->weight;
      self->same_type &= c->type == sum->type;
      /* Sorted by priority, a tag goes where its first channel would. */
      sum->priority = MAX (sum->priority, c->priority);
      sum->weight = MAX (sum->weight, c->weight);
      sum->used_quota += c->used_quota;
      sum->test_time = MAX (sum->test_time, c->test_time);
      if (c->status == ND_CHANNEL_STATUS_ENABLED)
        {
          self->n_enabled++;
          sum->status = ND_CHANNEL_STATUS_ENABLED;
        }
      unite (groups, groups_seen, c->group);
      unite (models, models_seen, c->models);
    }
  sum->group = g_string_free (g_steal_pointer (&groups), FALSE);
  sum->models = g_string_free (g_steal_pointer (&models), FALSE);
  self->channel = sum;
  return self;
}

const NdChannel *
nd_channel_item_get_channel (NdChannelItem *self)
{
  g_return_val_if_fail (ND_IS_CHANNEL_ITEM (self), NULL);
  return self->channel;
}

gint64
nd_channel_item_get_id (NdChannelItem *self)
{
  g_return_val_if_fail (ND_IS_CHANNEL_ITEM (self), 0);
  return self->channel->id;
}

gboolean
nd_channel_item_is_tag (NdChannelItem *self)
{
  g_return_val_if_fail (ND_IS_CHANNEL_ITEM (self), FALSE);
  return self->members != NULL;
}

GListModel *
nd_channel_item_get_members (NdChannelItem *self)
{
  g_return_val_if_fail (ND_IS_CHANNEL_ITEM (self), NULL);
  return self->members ? G_LIST_MODEL (self->members) : NULL;
}

guint
nd_channel_item_get_n_enabled (NdChannelItem *self)
{
  g_return_val_if_fail (ND_IS_CHANNEL_ITEM (self), 0);
  return self->members ? self->n_enabled : self->channel->status == ND_CHANNEL_STATUS_ENABLED;
}

gboolean
nd_channel_item_same_priority (NdChannelItem *self)
{
  return self->members == NULL || self->same_priority;
}

gboolean
nd_channel_item_same_weight (NdChannelItem *self)
{
  return self->members == NULL || self->same_weight;
}

gboolean
nd_channel_item_same_type (NdChannelItem *self)
{
  return self->members == NULL || self->same_type;
}

/* A balance the run read is newer than the list's: the row, its sort and
 * the editor show it whether or not it was stored. */
static void
take_balance (NdChannelItem *self)
{
  NdHealthItem *r = self->balance_result;
  gint64 t;

  if (r == NULL || self->members != NULL || nd_health_item_get_state (r) != ND_HEALTH_OK)
    return;
  t = nd_health_item_get_balance_time (r);
  if (t <= 0 || isnan (nd_health_item_get_balance (r)) || t < self->channel->balance_updated_time)
    return;
  self->channel->balance = nd_health_item_get_balance (r);
  self->channel->balance_updated_time = t;
}

static void
result_notify_cb (NdHealthItem *result, GParamSpec *pspec, NdChannelItem *self)
{
  if (result == self->balance_result)
    take_balance (self);
  g_signal_emit (self, signals[SIGNAL_HEALTH_CHANGED], 0);
}

static void
set_result (NdChannelItem *self, NdHealthItem **slot, NdHealthItem *result)
{
  if (*slot == result)
    return;
  drop_result (self, slot);
  if (result != NULL)
    {
      *slot = g_object_ref (result);
      g_signal_connect (result, "notify", G_CALLBACK (result_notify_cb), self);
    }
  if (slot == &self->balance_result)
    take_balance (self);
  g_signal_emit (self, signals[SIGNAL_HEALTH_CHANGED], 0);
}

void
nd_channel_item_set_test_result (NdChannelItem *self, NdHealthItem *result)
{
  g_return_if_fail (ND_IS_CHANNEL_ITEM (self));
  set_result (self, &self->test_result, result);
}

NdHealthItem *
nd_channel_item_get_test_result (NdChannelItem *self)
{
  g_return_val_if_fail (ND_IS_CHANNEL_ITEM (self), NULL);
  return self->test_result;
}

void
nd_channel_item_set_balance_result (NdChannelItem *self, NdHealthItem *result)
{
  g_return_if_fail (ND_IS_CHANNEL_ITEM (self));
  set_result (self, &self->balance_result, result);
}

NdHealthItem *
nd_channel_item_get_balance_result (NdChannelItem *self)
{
  g_return_val_if_fail (ND_IS_CHANNEL_ITEM (self), NULL);
  return self->balance_result;
}
