/* nd-record-table.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-record-item.h"
#include "nd-record-table.h"

typedef struct {
  const NdRecordColumn *def;
  gpointer data;
} Ctx;

/* The badge classes of nd-channels.css; one at a time. */
static const char * const badge_classes[] = {
  "enabled", "manual", "auto", "unknown", "partial", "good", "fair", "low", "high",
};

static GtkWidget *
cell_new (const NdRecordColumn *def)
{
  GtkWidget *w;

  if (def->badge != NULL)
    {
      w = gtk_label_new (NULL);
      gtk_widget_set_halign (w, GTK_ALIGN_START);
      gtk_label_set_ellipsize (GTK_LABEL (w), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (w, "nd-channel-badge");
      return w;
    }
  w = gtk_inscription_new (NULL);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (w), def->chars);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (w), MIN (def->chars, 3));
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (w), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_widget_set_hexpand (w, TRUE);
  if (def->numeric)
    {
      gtk_inscription_set_xalign (GTK_INSCRIPTION (w), 1.0);
      gtk_widget_add_css_class (w, "numeric");
    }
  return w;
}

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, Ctx *ctx)
{
  GtkWidget *child = cell_new (ctx->def);

  g_object_set_data (G_OBJECT (child), "nd-list-item", list_item);
  g_object_set_data (G_OBJECT (child), "nd-column", ctx);
  gtk_list_item_set_child (list_item, child);
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, Ctx *ctx)
{
  NdRecordItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  g_autofree char *text = NULL;

  if (item == NULL)
    return;
  text = ctx->def->text (nd_record_item_get (item), ctx->data);
  if (ctx->def->badge == NULL)
    {
      gtk_inscription_set_text (GTK_INSCRIPTION (child), text);
      return;
    }
  gtk_label_set_text (GTK_LABEL (child), text ? text : "");
  for (guint i = 0; i < G_N_ELEMENTS (badge_classes); i++)
    gtk_widget_remove_css_class (child, badge_classes[i]);
  gtk_widget_add_css_class (child, ctx->def->badge (nd_record_item_get (item), ctx->data));
  gtk_widget_set_visible (child, text != NULL && *text != '\0');
}

static gboolean
query_tooltip_cb (GtkWidget *view, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  gpointer data)
{
  GtkWidget *w = keyboard ? gtk_root_get_focus (gtk_widget_get_root (view))
                          : gtk_widget_pick (view, x, y, GTK_PICK_DEFAULT);
  GtkListItem *list_item = NULL;
  Ctx *ctx = NULL;
  NdRecordItem *item;
  g_autofree char *tip = NULL;

  for (; w != NULL && w != view && ctx == NULL; w = gtk_widget_get_parent (w))
    {
      ctx = g_object_get_data (G_OBJECT (w), "nd-column");
      list_item = g_object_get_data (G_OBJECT (w), "nd-list-item");
    }
  if (ctx == NULL || list_item == NULL || ctx->def->tooltip == NULL)
    return FALSE;
  item = gtk_list_item_get_item (list_item);
  tip = item ? ctx->def->tooltip (nd_record_item_get (item), ctx->data) : NULL;
  if (tip == NULL || *tip == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, tip);
  return TRUE;
}

void
nd_record_table_add_columns (GtkColumnView *view, const NdRecordColumn *columns, guint n,
                             gpointer data)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (view), TRUE);
  g_signal_connect (view, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
  for (guint i = 0; i < n; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;
      Ctx *ctx = g_new0 (Ctx, 1);

      ctx->def = &columns[i];
      ctx->data = data;
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), ctx);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), ctx);
      /* The context lives as long as the factory. */
      g_object_set_data_full (G_OBJECT (factory), "nd-column", ctx, g_free);
      column = gtk_column_view_column_new (_(columns[i].title), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_fixed_width (column, columns[i].width);
      gtk_column_view_column_set_expand (column, columns[i].expand);
      gtk_column_view_append_column (view, column);
      g_object_unref (column);
    }
}

char *
nd_record_table_cell_text (const NdRecordColumn *column, gpointer item, gpointer data)
{
  g_return_val_if_fail (ND_IS_RECORD_ITEM (item), NULL);
  return column->text (nd_record_item_get (item), data);
}

GPtrArray *
nd_record_table_selected (GtkSelectionModel *model)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (model);
  GtkBitsetIter iter;
  guint pos;

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, set, &pos); ok;
       ok = gtk_bitset_iter_next (&iter, &pos))
    g_ptr_array_add (out, g_list_model_get_item (G_LIST_MODEL (model), pos));
  return out;
}

GArray *
nd_record_table_selected_ids (GtkSelectionModel *model)
{
  g_autoptr(GPtrArray) items = nd_record_table_selected (model);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < items->len; i++)
    g_array_append_val (ids, *(const gint64 *) nd_record_item_get (g_ptr_array_index (items, i)));
  return ids;
}
