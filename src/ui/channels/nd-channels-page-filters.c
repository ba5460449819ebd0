/* nd-channels-page-filters.c — the filter bar, tag mode rows, counts
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-item.h"
#include "nd-channels-page-private.h"
#include "nd-secure-string.h"

/* ─── matching ──────────────────────────────────────────────────────────── */

static gboolean
match_cb (gpointer item, gpointer user_data)
{
  NdChannelsPage *self = user_data;
  GListModel *members = nd_channel_item_get_members (item);

  if (members == NULL)
    return nd_channel_filter_match (&self->filt, nd_channel_item_get_channel (item));
  /* A tag row shows while any of its channels does. */
  for (guint i = 0, n = g_list_model_get_n_items (members); i < n; i++)
    {
      g_autoptr(NdChannelItem) m = g_list_model_get_item (members, i);

      if (nd_channel_filter_match (&self->filt, nd_channel_item_get_channel (m)))
        return TRUE;
    }
  return FALSE;
}

/* ─── counts ────────────────────────────────────────────────────────────── */

void
_nd_channels_page_update_counts (NdChannelsPage *self)
{
  guint total = self->items->len, shown = 0, enabled = 0, automatic = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < total; i++)
    {
      const NdChannel *c = nd_channel_item_get_channel (g_ptr_array_index (self->items, i));

      enabled += c->status == ND_CHANNEL_STATUS_ENABLED;
      automatic += c->status == ND_CHANNEL_STATUS_AUTO_DISABLED;
      shown += nd_channel_filter_match (&self->filt, c);
    }
  if (self->source == NULL)
    text = g_strdup ("");
  else if (shown < total)
    /* Translators: the count above the channel table while filtered */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u channel shown",
                                         "%u of %u channels shown", total), shown, total);
  else
    /* Translators: "26 channels · 20 enabled · 3 auto-disabled" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u channel · %u enabled · %u auto-disabled",
                                         "%u channels · %u enabled · %u auto-disabled", total),
                            total, enabled, automatic);
  gtk_label_set_text (self->count_label, text);

  if (shown == 0 && !self->loading && self->source != NULL)
    {
      adw_status_page_set_description (self->empty_page,
                                       total == 0 ? _("This gateway has no channels yet.")
                                                  : _("No channel matches these filters."));
      gtk_stack_set_visible_child_name (self->list_stack, "empty");
    }
  else
    gtk_stack_set_visible_child_name (self->list_stack, "list");
}

/* ─── the filter from the bar ───────────────────────────────────────────── */

static void
filters_changed_cb (NdChannelsPage *self)
{
  g_autofree char *search = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  guint pos;

  if (self->updating_filters)
    return;
  g_free (self->filt.search);
  self->filt.search = *search ? g_utf8_casefold (search, -1) : NULL;
  self->filt.status = gtk_drop_down_get_selected (self->status_dropdown);
  pos = gtk_drop_down_get_selected (self->type_dropdown);
  self->filt.type = pos < self->type_values->len ? g_array_index (self->type_values, int, pos) : -1;
  pos = gtk_drop_down_get_selected (self->group_dropdown);
  g_free (self->filt.group);
  self->filt.group = pos < self->group_values->len ? g_strdup (g_ptr_array_index (self->group_values, pos))
                                                   : NULL;
  pos = gtk_drop_down_get_selected (self->tag_dropdown);
  g_free (self->filt.tag);
  self->filt.tag = pos < self->tag_values->len ? g_strdup (g_ptr_array_index (self->tag_values, pos))
                                               : NULL;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  _nd_channels_page_update_counts (self);
}

/* A dropdown of "All …" then @values (counted in @counts) with @labels. */
static void
set_choices (GtkDropDown *dropdown, const char *all, GPtrArray *labels)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  gtk_string_list_append (list, all);
  for (guint i = 0; i < labels->len; i++)
    gtk_string_list_append (list, g_ptr_array_index (labels, i));
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (list));
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_utf8_collate (*(const char **) a, *(const char **) b);
}

/* The keys of @counts, sorted, with labels "key (n)"; @values gets NULL
 * first (for "All"). */
static GPtrArray *
counted (GHashTable *counts, GPtrArray *values, const char *empty_label)
{
  g_autofree gpointer *keys = (gpointer *) g_hash_table_get_keys_as_array (counts, NULL);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; keys[i] != NULL; i++)
    g_ptr_array_add (sorted, keys[i]);
  g_ptr_array_sort (sorted, compare_strings);
  g_ptr_array_set_size (values, 0);
  g_ptr_array_add (values, NULL);
  for (guint i = 0; i < sorted->len; i++)
    {
      const char *key = g_ptr_array_index (sorted, i);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));
      g_autofree char *shown = nd_mask_text_dup (*key ? key : empty_label);

      g_ptr_array_add (values, g_strdup (key));
      g_ptr_array_add (labels, g_strdup_printf ("%s (%u)", shown, n));
    }
  return labels;
}

static void
count_key (GHashTable *counts, const char *key)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));

  g_hash_table_replace (counts, g_strdup (key), GUINT_TO_POINTER (n + 1));
}

static guint
find_value (GPtrArray *values, const char *value)
{
  for (guint i = 1; value != NULL && i < values->len; i++)
    if (g_strcmp0 (g_ptr_array_index (values, i), value) == 0)
      return i;
  return 0;
}

void
_nd_channels_page_fill_filters (NdChannelsPage *self)
{
  g_autoptr(GHashTable) types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) type_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) tags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) type_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) labels = NULL;
  g_autofree char *keep_group = g_strdup (self->filt.group);
  g_autofree char *keep_tag = g_strdup (self->filt.tag);
  int keep_type = self->filt.type;
  guint type_pos = 0;

  for (guint i = 0; i < self->items->len; i++)
    {
      const NdChannel *c = nd_channel_item_get_channel (g_ptr_array_index (self->items, i));
      g_auto(GStrv) parts = g_strsplit (c->group ? c->group : "", ",", -1);

      count_key (types, nd_channel_type_name (c->type));
      g_hash_table_replace (type_ids, g_strdup (nd_channel_type_name (c->type)),
                            GINT_TO_POINTER (c->type));
      for (guint j = 0; parts[j] != NULL; j++)
        if (*parts[j] != '\0')
          count_key (groups, parts[j]);
      count_key (tags, c->tag ? c->tag : "");
    }

  self->updating_filters = TRUE;
  labels = counted (types, type_names, "");
  g_array_set_size (self->type_values, 0);
  for (guint i = 0; i < type_names->len; i++)
    {
      const char *name = g_ptr_array_index (type_names, i);
      int t = name ? GPOINTER_TO_INT (g_hash_table_lookup (type_ids, name)) : -1;

      g_array_append_val (self->type_values, t);
      if (t == keep_type && keep_type >= 0)
        type_pos = i;
    }
  set_choices (self->type_dropdown, _("All types"), labels);
  gtk_drop_down_set_selected (self->type_dropdown, type_pos);
  g_clear_pointer (&labels, g_ptr_array_unref);

  labels = counted (groups, self->group_values, "");
  set_choices (self->group_dropdown, _("All groups"), labels);
  gtk_drop_down_set_selected (self->group_dropdown, find_value (self->group_values, keep_group));
  g_clear_pointer (&labels, g_ptr_array_unref);

  labels = counted (tags, self->tag_values, _("No tag"));
  set_choices (self->tag_dropdown, _("All tags"), labels);
  gtk_drop_down_set_selected (self->tag_dropdown, find_value (self->tag_values, keep_tag));
  self->updating_filters = FALSE;
  filters_changed_cb (self);
}

void
_nd_channels_page_filters_clear (NdChannelsPage *self)
{
  self->updating_filters = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->status_dropdown, 0);
  gtk_drop_down_set_selected (self->type_dropdown, 0);
  gtk_drop_down_set_selected (self->group_dropdown, 0);
  gtk_drop_down_set_selected (self->tag_dropdown, 0);
  self->updating_filters = FALSE;
  nd_channel_filter_clear (&self->filt);
}

/* ─── rows ──────────────────────────────────────────────────────────────── */

void
_nd_channels_page_rebuild_rows (NdChannelsPage *self)
{
  g_autoptr(GPtrArray) roots = g_ptr_array_new_with_free_func (g_object_unref);

  if (gtk_toggle_button_get_active (self->tag_mode_button))
    {
      /* One row per tag (in the order tags first appear by id), then the
       * channels without a tag. */
      g_autoptr(GHashTable) by_tag = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                            (GDestroyNotify) g_ptr_array_unref);
      g_autoptr(GPtrArray) order = g_ptr_array_new ();
      g_autoptr(GPtrArray) untagged = g_ptr_array_new ();

      for (guint i = 0; i < self->items->len; i++)
        {
          NdChannelItem *item = g_ptr_array_index (self->items, i);
          const char *tag = nd_channel_item_get_channel (item)->tag;
          GPtrArray *members;

          if (tag == NULL || *tag == '\0')
            {
              g_ptr_array_add (untagged, item);
              continue;
            }
          members = g_hash_table_lookup (by_tag, tag);
          if (members == NULL)
            {
              members = g_ptr_array_new ();
              g_hash_table_insert (by_tag, (gpointer) tag, members);
              g_ptr_array_add (order, (gpointer) tag);
            }
          g_ptr_array_add (members, item);
        }
      for (guint i = 0; i < order->len; i++)
        g_ptr_array_add (roots, nd_channel_item_new_tag (order->pdata[i],
                                                         g_hash_table_lookup (by_tag, order->pdata[i])));
      for (guint i = 0; i < untagged->len; i++)
        g_ptr_array_add (roots, g_object_ref (untagged->pdata[i]));
    }
  else
    for (guint i = 0; i < self->items->len; i++)
      g_ptr_array_add (roots, g_object_ref (self->items->pdata[i]));

  g_list_store_splice (self->roots, 0, g_list_model_get_n_items (G_LIST_MODEL (self->roots)),
                       roots->pdata, roots->len);
  _nd_channels_page_update_counts (self);
}

static void
tag_mode_toggled_cb (NdChannelsPage *self)
{
  _nd_channels_page_rebuild_rows (self);
}

void
_nd_channels_page_filters_init (NdChannelsPage *self)
{
  self->type_values = g_array_new (FALSE, FALSE, sizeof (int));
  self->group_values = g_ptr_array_new_with_free_func (g_free);
  self->tag_values = g_ptr_array_new_with_free_func (g_free);
  self->filter = gtk_custom_filter_new (match_cb, self, NULL);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (self->status_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (self->type_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (self->group_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (self->tag_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (self->tag_mode_button, "toggled", G_CALLBACK (tag_mode_toggled_cb), self);
  _nd_channels_page_fill_filters (self);
}
