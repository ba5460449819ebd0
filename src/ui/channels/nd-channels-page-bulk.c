/* nd-channels-page-bulk.c — the selection and what to do with it
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-channel-dialogs.h"
#include "nd-channel-item.h"
#include "nd-channels-page-private.h"
#include "nd-secure-string.h"

static void
add_unique (GPtrArray *out, GHashTable *seen, NdChannelItem *item)
{
  gint64 id = nd_channel_item_get_id (item);

  if (g_hash_table_contains (seen, &id))
    return;
  g_hash_table_add (seen, g_memdup2 (&id, sizeof id));
  g_ptr_array_add (out, g_object_ref (item));
}

GPtrArray *
_nd_channels_page_selected (NdChannelsPage *self, gboolean *any_tag)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GtkBitset) set = NULL;
  GtkBitsetIter iter;
  guint pos;

  if (any_tag != NULL)
    *any_tag = FALSE;
  if (self->selection == NULL)
    return out;
  set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, set, &pos); ok;
       ok = gtk_bitset_iter_next (&iter, &pos))
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->sorted), pos);
      g_autoptr(NdChannelItem) item = row ? gtk_tree_list_row_get_item (row) : NULL;
      GListModel *members;

      if (item == NULL)
        continue;
      members = nd_channel_item_get_members (item);
      if (members == NULL)
        {
          add_unique (out, seen, item);
          continue;
        }
      if (any_tag != NULL)
        *any_tag = TRUE;
      for (guint i = 0, n = g_list_model_get_n_items (members); i < n; i++)
        {
          g_autoptr(NdChannelItem) m = g_list_model_get_item (members, i);

          add_unique (out, seen, m);
        }
    }
  return out;
}

GArray *
_nd_channels_page_selected_ids (NdChannelsPage *self)
{
  g_autoptr(GPtrArray) items = _nd_channels_page_selected (self, NULL);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < items->len; i++)
    {
      gint64 id = nd_channel_item_get_id (g_ptr_array_index (items, i));

      g_array_append_val (ids, id);
    }
  return ids;
}

/* Shows what the selection calls for: one channel, its detail; nothing,
 * no detail unless a new one is being written; several, the bulk bar. */
static void
apply_selection (NdChannelsPage *self, GPtrArray *items, gboolean any_tag)
{
  if (items->len == 1 && !any_tag)
    {
      NdChannelItem *item = g_ptr_array_index (items, 0);

      nd_channel_editor_show_channel (self->editor, nd_channel_item_get_id (item),
                                      nd_channel_item_get_channel (item));
      nd_channel_editor_follow (self->editor, item);
      _nd_channels_page_show_detail (self, TRUE);
    }
  else
    {
      nd_channel_editor_follow (self->editor, NULL);
      if (items->len > 0 || nd_channel_editor_get_id (self->editor) != 0)
        _nd_channels_page_show_detail (self, FALSE);
    }
}

/* Puts the selection back on the channel being edited. */
static void
keep_editing (NdChannelsPage *self)
{
  gint64 id = nd_channel_editor_get_id (self->editor);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (id > 0)
    g_array_append_val (ids, id);
  self->restoring = TRUE;
  _nd_channels_page_select_ids (self, ids);
  self->restoring = FALSE;
  _nd_channels_page_show_detail (self, TRUE);
}

static void
discard_answered (gpointer data, gboolean go, const char *text)
{
  NdChannelsPage *self = data;

  self->asking = FALSE;
  if (self->disposed)
    return;
  if (!go)
    {
      keep_editing (self);
      return;
    }
  nd_channel_editor_revert (self->editor);
  if (self->closing)
    _nd_channels_page_close_detail (self);
  else
    _nd_channels_page_selection_changed (self);
}

void
_nd_channels_page_ask_discard (NdChannelsPage *self, gboolean closing)
{
  if (self->asking)
    return;
  self->asking = TRUE;
  self->closing = closing;
  nd_channel_confirm (GTK_WIDGET (self), _("Discard Changes?"),
                      _("The changes to this channel are not saved yet."),
                      _("_Discard"), discard_answered, g_object_ref (self), g_object_unref);
}

void
_nd_channels_page_selection_changed (NdChannelsPage *self)
{
  gboolean any_tag = FALSE;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *text = NULL;
  gint64 want = -1;
  guint n;

  /* While the discard question is open its answer decides. */
  if (self->disposed || self->restoring || self->asking)
    return;
  items = _nd_channels_page_selected (self, &any_tag);
  n = items->len;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u channel selected",
                                       "%u channels selected", n), n);
  gtk_label_set_text (self->selection_label, text);
  gtk_revealer_set_reveal_child (self->bulk_revealer, n > 1 || (n > 0 && any_tag));
  _nd_channels_page_health_update (self);

  if (n == 1 && !any_tag)
    want = nd_channel_item_get_id (g_ptr_array_index (items, 0));
  /* Leaving a form with edits not saved: ask first. */
  if (self->showing_detail && nd_channel_editor_is_dirty (self->editor) &&
      want != nd_channel_editor_get_id (self->editor))
    {
      _nd_channels_page_ask_discard (self, FALSE);
      return;
    }
  apply_selection (self, items, any_tag);
}

void
_nd_channels_page_select_ids (NdChannelsPage *self, GArray *ids)
{
  g_autoptr(GtkBitset) set = gtk_bitset_new_empty ();
  g_autoptr(GtkBitset) mask = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));

  for (guint i = 0; i < n && ids->len > 0; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->sorted), i);
      g_autoptr(NdChannelItem) item = gtk_tree_list_row_get_item (row);

      if (nd_channel_item_is_tag (item))
        continue;
      for (guint j = 0; j < ids->len; j++)
        if (g_array_index (ids, gint64, j) == nd_channel_item_get_id (item))
          gtk_bitset_add (set, i);
    }
  mask = gtk_bitset_new_range (0, n);
  gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->selection), set, mask);
  _nd_channels_page_selection_changed (self);
}

/* ─── bulk writes ───────────────────────────────────────────────────────── */

static gboolean
bulk_done (gpointer data, const NdWriteResult *result, const GError *error)
{
  NdChannelsPage *self = data;

  self->writing = FALSE;
  _nd_channels_page_update_actions (self);
  /* The table shows what changed; the write's own notice is the toast. */
  nd_channels_page_reload (self);
  return FALSE;
}

static void
run_bulk (NdChannelsPage *self, NdWrite *write)
{
  g_autoptr(NdWrite) owned = write;

  if (self->source == NULL || self->blocked != NULL || self->writing)
    {
      if (self->blocked != NULL)
        nd_channel_toast (GTK_WIDGET (self->list_pane), self->blocked);
      return;
    }
  if (self->write_cancellable == NULL)
    self->write_cancellable = g_cancellable_new ();
  self->writing = TRUE;
  _nd_channels_page_update_actions (self);
  nd_channel_run_write (GTK_WIDGET (self->list_pane), self->source, g_steal_pointer (&owned),
                        self->write_cancellable, bulk_done, self);
}

static void
set_status (NdChannelsPage *self, int status)
{
  g_autoptr(GArray) ids = _nd_channels_page_selected_ids (self);

  if (ids->len > 0)
    run_bulk (self, nd_write_channel_status_new ((gint64 *) ids->data, ids->len, status, NULL));
}

static void
enable_clicked_cb (NdChannelsPage *self)
{
  set_status (self, ND_CHANNEL_STATUS_ENABLED);
}

static void
disable_clicked_cb (NdChannelsPage *self)
{
  set_status (self, ND_CHANNEL_STATUS_MANUALLY_DISABLED);
}

typedef struct {
  NdChannelsPage *self;
  GArray *ids;
} Pending;

static void
pending_free (gpointer data)
{
  Pending *p = data;

  g_object_unref (p->self);
  g_array_unref (p->ids);
  g_free (p);
}

static Pending *
pending_new (NdChannelsPage *self)
{
  Pending *p = g_new0 (Pending, 1);

  p->self = g_object_ref (self);
  /* The channels asked about, whatever the selection does meanwhile. */
  p->ids = _nd_channels_page_selected_ids (self);
  return p;
}

static void
tag_answered (gpointer data, gboolean go, const char *tag)
{
  Pending *p = data;

  if (go && !p->self->disposed && p->ids->len > 0)
    run_bulk (p->self, nd_write_channel_tag_new ((gint64 *) p->ids->data, p->ids->len, tag));
}

static void
set_tag_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdChannelsPage *self = ND_CHANNELS_PAGE (widget);
  g_autoptr(GPtrArray) items = _nd_channels_page_selected (self, NULL);
  g_autofree char *body = NULL;
  const char *common = NULL;

  if (items->len == 0)
    return;
  for (guint i = 0; i < items->len; i++)
    {
      const char *tag = nd_channel_item_get_channel (g_ptr_array_index (items, i))->tag;

      if (i == 0)
        common = tag;
      else if (g_strcmp0 (common, tag) != 0)
        common = NULL;
    }
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "The tag of %u channel. Leave it empty to remove the tag.",
                                       "The tag of %u channels. Leave it empty to remove their tags.",
                                       items->len), items->len);
  nd_channel_ask_text (widget, _("Set Tag"), body, common, _("_Set Tag"), TRUE, tag_answered,
                       pending_new (self), pending_free);
}

static void
delete_answered (gpointer data, gboolean go, const char *text)
{
  Pending *p = data;

  if (go && !p->self->disposed && p->ids->len > 0)
    run_bulk (p->self, nd_write_channel_delete_new ((gint64 *) p->ids->data, p->ids->len));
}

static void
delete_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdChannelsPage *self = ND_CHANNELS_PAGE (widget);
  g_autoptr(GArray) ids = _nd_channels_page_selected_ids (self);
  g_autofree char *heading = NULL;

  if (ids->len == 0)
    return;
  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %u Channel?",
                                          "Delete %u Channels?", ids->len), ids->len);
  nd_channel_confirm (widget, heading,
                      _("NewAPI deletes channels for good: their routes go at once and they cannot "
                        "be restored. Their logs stay."),
                      _("_Delete"), delete_answered, pending_new (self), pending_free);
}

void
_nd_channels_page_bulk_class_init (NdChannelsPageClass *klass)
{
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "channels.set-tag", NULL, set_tag_action);
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), "channels.delete", NULL, delete_action);
}

void
_nd_channels_page_bulk_init (NdChannelsPage *self)
{
  g_signal_connect_swapped (self->selection, "selection-changed",
                            G_CALLBACK (_nd_channels_page_selection_changed), self);
  g_signal_connect_swapped (self->bulk_enable_button, "clicked", G_CALLBACK (enable_clicked_cb), self);
  g_signal_connect_swapped (self->bulk_disable_button, "clicked", G_CALLBACK (disable_clicked_cb), self);
}
