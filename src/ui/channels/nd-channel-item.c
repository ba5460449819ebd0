/* nd-channel-item.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

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
};

G_DEFINE_FINAL_TYPE (NdChannelItem, nd_channel_item, G_TYPE_OBJECT)

static void
nd_channel_item_finalize (GObject *object)
{
  NdChannelItem *self = ND_CHANNEL_ITEM (object);

  g_clear_pointer (&self->channel, nd_channel_free);
  g_clear_object (&self->members);
  G_OBJECT_CLASS (nd_channel_item_parent_class)->finalize (object);
}

static void
nd_channel_item_class_init (NdChannelItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nd_channel_item_finalize;
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
