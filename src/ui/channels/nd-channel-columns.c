/* nd-channel-columns.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-columns.h"
#include "nd-channel-item.h"
#include "nd-secure-string.h"
#include "nd-time.h"

/* CELL_RESPONSE and CELL_BALANCE follow the row's health results. */
typedef enum { CELL_TEXT, CELL_NUMBER, CELL_NAME, CELL_BADGE, CELL_BALANCE, CELL_RESPONSE } CellKind;

typedef struct {
  NdChannelSortKey key;
  const char *title;
  CellKind kind;
  int chars;
  int width;
} ColumnDef;

static const ColumnDef defs[] = {
  { ND_CHANNEL_SORT_ID, N_("ID"), CELL_NUMBER, 4, 56 },
  { ND_CHANNEL_SORT_NAME, N_("Name"), CELL_NAME, 18, 190 },
  { ND_CHANNEL_SORT_TYPE, N_("Type"), CELL_TEXT, 10, 110 },
  { ND_CHANNEL_SORT_STATUS, N_("Status"), CELL_BADGE, 10, 130 },
  { ND_CHANNEL_SORT_PRIORITY, N_("Priority"), CELL_NUMBER, 4, 76 },
  { ND_CHANNEL_SORT_WEIGHT, N_("Weight"), CELL_NUMBER, 4, 70 },
  { ND_CHANNEL_SORT_GROUPS, N_("Groups"), CELL_TEXT, 14, 160 },
  { ND_CHANNEL_SORT_MODELS, N_("Models"), CELL_NUMBER, 4, 70 },
  { ND_CHANNEL_SORT_TAG, N_("Tag"), CELL_TEXT, 8, 90 },
  { ND_CHANNEL_SORT_BALANCE, N_("Balance"), CELL_BALANCE, 14, 160 },
  { ND_CHANNEL_SORT_RESPONSE, N_("Response"), CELL_RESPONSE, 8, 120 },
  { ND_CHANNEL_SORT_TESTED, N_("Tested"), CELL_TEXT, 9, 100 },
  { ND_CHANNEL_SORT_USED, N_("Used"), CELL_NUMBER, 9, 100 },
};

#define N_COLUMNS G_N_ELEMENTS (defs)

typedef struct {
  NdChannelColumns *columns;
  const ColumnDef *def;
} ColumnCtx;

struct _NdChannelColumns
{
  GObject parent_instance;

  NdMoney *money;
  GtkColumnViewColumn *columns[N_COLUMNS];   /* owned by the view */
  ColumnCtx ctx[N_COLUMNS];
};

G_DEFINE_FINAL_TYPE (NdChannelColumns, nd_channel_columns, G_TYPE_OBJECT)

/* The channel item behind a list item's GtkTreeListRow (or an item). */
static NdChannelItem *
unwrap (gpointer item)
{
  if (GTK_IS_TREE_LIST_ROW (item))
    return gtk_tree_list_row_get_item (item);   /* (transfer full) */
  return item ? g_object_ref (item) : NULL;
}

static char *
status_text (NdChannelItem *item)
{
  const NdChannel *c = nd_channel_item_get_channel (item);

  if (nd_channel_item_is_tag (item))
    {
      guint n = g_list_model_get_n_items (nd_channel_item_get_members (item));

      /* Translators: a tag's channels: "3 of 5 enabled" */
      return g_strdup_printf (_("%u of %u enabled"), nd_channel_item_get_n_enabled (item), n);
    }
  return g_strdup (nd_channel_status_label (c->status));
}


/* The latest test of @item (NULL: none) — what the Response column shows
 * over the stored figures (nd_channel_result_*). */
static NdHealthItem *
live_test (NdChannelItem *item)
{
  return nd_channel_item_get_test_result (item);
}

static char *
cell_text (NdChannelColumns *self, NdChannelSortKey key, NdChannelItem *item)
{
  const NdChannel *c = nd_channel_item_get_channel (item);
  gboolean tag = nd_channel_item_is_tag (item);
  gint64 now = nd_time_now ();

  switch (key)
    {
    case ND_CHANNEL_SORT_ID:
      return tag ? g_strdup ("") : g_strdup_printf ("%" G_GINT64_FORMAT, c->id);
    case ND_CHANNEL_SORT_NAME:
      /* Gateway text: a key pasted into a name is masked like anywhere. */
      return c->name && *c->name ? nd_mask_text_dup (c->name) : g_strdup (_("(no name)"));
    case ND_CHANNEL_SORT_TYPE:
      return g_strdup (nd_channel_item_same_type (item) ? nd_channel_type_name (c->type) : _("Mixed"));
    case ND_CHANNEL_SORT_STATUS:
      return status_text (item);
    case ND_CHANNEL_SORT_PRIORITY:
      return nd_channel_item_same_priority (item) ? g_strdup_printf ("%" G_GINT64_FORMAT, c->priority)
                                                  : g_strdup ("—");
    case ND_CHANNEL_SORT_WEIGHT:
      return nd_channel_item_same_weight (item) ? g_strdup_printf ("%" G_GINT64_FORMAT, c->weight)
                                                : g_strdup ("—");
    case ND_CHANNEL_SORT_GROUPS:
      return nd_channel_list_text (c->group);
    case ND_CHANNEL_SORT_MODELS:
      return g_strdup_printf ("%u", nd_channel_count_entries (c->models));
    case ND_CHANNEL_SORT_TAG:
      return nd_mask_text_dup (c->tag ? c->tag : "");
    case ND_CHANNEL_SORT_BALANCE:
      return tag ? g_strdup ("") : nd_channel_balance_text (c);
    case ND_CHANNEL_SORT_RESPONSE:
      return tag ? g_strdup ("") : nd_channel_result_text (live_test (item), c->response_time);
    case ND_CHANNEL_SORT_TESTED:
      return c->test_time > 0 ? nd_channel_age_text (c->test_time, now) : g_strdup (_("never"));
    case ND_CHANNEL_SORT_USED:
      return self->money ? nd_money_format (self->money, c->used_quota) : nd_format_count (c->used_quota);
    default:
      return g_strdup ("");
    }
}

static char *
cell_tooltip (NdChannelSortKey key, NdChannelItem *item)
{
  const NdChannel *c = nd_channel_item_get_channel (item);

  if (nd_channel_item_is_tag (item))
    return NULL;
  switch (key)
    {
    case ND_CHANNEL_SORT_STATUS:
      return nd_channel_status_detail (c, nd_time_now ());
    case ND_CHANNEL_SORT_BALANCE:
      if (nd_channel_item_get_balance_result (item) != NULL)
        return nd_channel_result_detail (nd_channel_item_get_balance_result (item), TRUE);
      if (c->balance_updated_time > 0)
        {
          g_autofree char *when = nd_channel_time_text (c->balance_updated_time);

          return g_strdup_printf (_("Balance checked %s"), when);
        }
      return g_strdup (_("Balance never checked"));
    case ND_CHANNEL_SORT_RESPONSE:
      if (live_test (item) != NULL)
        return nd_channel_result_detail (live_test (item), FALSE);
      G_GNUC_FALLTHROUGH;
    case ND_CHANNEL_SORT_TESTED:
      if (c->test_time > 0)
        {
          g_autofree char *when = nd_channel_time_text (c->test_time);

          return g_strdup_printf (_("Last tested %s"), when);
        }
      return g_strdup (_("Never tested"));
    case ND_CHANNEL_SORT_USED:
      {
        g_autofree char *units = nd_format_count (c->used_quota);

        return g_strdup_printf (_("%s quota units"), units);
      }
    case ND_CHANNEL_SORT_MODELS:
      return nd_channel_list_text (c->models);
    case ND_CHANNEL_SORT_NAME:
      return c->remark && *c->remark ? nd_mask_text_dup (c->remark) : NULL;
    default:
      return NULL;
    }
}

/* The CSS classes a badge can carry; one at a time. */
static const char * const badge_classes[] = {
  "enabled", "manual", "auto", "unknown", "partial",
  "untested", "excellent", "good", "fair", "poor", "bad",
  "low", "high",
};

static void
set_badge (GtkWidget *label, const char *text, const char *cls)
{
  gtk_label_set_text (GTK_LABEL (label), text);
  for (guint i = 0; i < G_N_ELEMENTS (badge_classes); i++)
    gtk_widget_remove_css_class (label, badge_classes[i]);
  if (cls != NULL)
    gtk_widget_add_css_class (label, cls);
  gtk_widget_set_visible (label, text != NULL && *text != '\0');
}

static const char *
badge_class (NdChannelSortKey key, NdChannelItem *item)
{
  const NdChannel *c = nd_channel_item_get_channel (item);

  if (key == ND_CHANNEL_SORT_STATUS)
    {
      if (nd_channel_item_is_tag (item))
        {
          guint n = g_list_model_get_n_items (nd_channel_item_get_members (item));
          guint on = nd_channel_item_get_n_enabled (item);

          return on == n ? "enabled" : on == 0 ? "manual" : "partial";
        }
      return nd_channel_status_class (c->status);
    }
  if (key == ND_CHANNEL_SORT_RESPONSE)
    return nd_channel_result_class (live_test (item), c->response_time);
  return nd_channel_balance_class (c);
}

static GtkWidget *
inscription_new (const ColumnDef *def)
{
  GtkWidget *w = gtk_inscription_new (NULL);

  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (w), def->chars);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (w), MIN (def->chars, 3));
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (w), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_widget_set_hexpand (w, TRUE);
  if (def->kind == CELL_NUMBER)
    {
      gtk_inscription_set_xalign (GTK_INSCRIPTION (w), 1.0);
      gtk_widget_add_css_class (w, "numeric");
    }
  return w;
}

static GtkWidget *
badge_new (void)
{
  GtkWidget *w = gtk_label_new (NULL);

  gtk_widget_set_halign (w, GTK_ALIGN_START);
  gtk_label_set_ellipsize (GTK_LABEL (w), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (w, "nd-channel-badge");
  return w;
}

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, ColumnCtx *ctx)
{
  const ColumnDef *def = ctx->def;
  GtkWidget *child;

  switch (def->kind)
    {
    case CELL_NAME:
      child = gtk_tree_expander_new ();
      gtk_tree_expander_set_child (GTK_TREE_EXPANDER (child), inscription_new (def));
      break;
    case CELL_BADGE:
      child = badge_new ();
      break;
    case CELL_BALANCE:
      {
        GtkWidget *age = gtk_label_new (NULL);

        child = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
        gtk_box_append (GTK_BOX (child), badge_new ());
        gtk_widget_add_css_class (age, "dim-label");
        gtk_widget_add_css_class (age, "caption");
        gtk_label_set_ellipsize (GTK_LABEL (age), PANGO_ELLIPSIZE_END);
        gtk_box_append (GTK_BOX (child), age);
        gtk_box_append (GTK_BOX (child), gtk_image_new ());
      }
      break;
    case CELL_RESPONSE:
      child = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      gtk_box_append (GTK_BOX (child), gtk_image_new ());
      gtk_box_append (GTK_BOX (child), badge_new ());
      break;
    case CELL_TEXT:
    case CELL_NUMBER:
    default:
      child = inscription_new (def);
      break;
    }
  /* The tooltip comes from the column view's query-tooltip: setting one
   * per bind costs X round trips on GTK 4.8 (a pointer query each). */
  g_object_set_data (G_OBJECT (child), "nd-list-item", list_item);
  g_object_set_data (G_OBJECT (child), "nd-column", ctx);
  gtk_list_item_set_child (list_item, child);
}

static void
set_icon (GtkWidget *image, NdHealthItem *r)
{
  const char *cls = NULL;
  const char *icon = nd_channel_result_icon (r, &cls);
  const char *classes[] = { "dim-label", "success", "warning", "error" };

  gtk_widget_set_visible (image, icon != NULL);
  if (icon == NULL)
    return;
  gtk_image_set_from_icon_name (GTK_IMAGE (image), icon);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    if (g_strcmp0 (classes[i], cls) != 0)
      gtk_widget_remove_css_class (image, classes[i]);
  gtk_widget_add_css_class (image, cls);
}

static void bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, ColumnCtx *ctx);

static void
health_changed_cb (NdChannelItem *item, GtkListItem *list_item)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);

  bind_cb (NULL, list_item, g_object_get_data (G_OBJECT (child), "nd-column"));
}

/* A result cell follows its row while bound: a run changes it in place. */
static void
unwatch (GtkWidget *child)
{
  NdChannelItem *watched = g_object_get_data (G_OBJECT (child), "nd-watched");

  if (watched != NULL)
    g_signal_handlers_disconnect_by_func (watched, health_changed_cb,
                                          g_object_get_data (G_OBJECT (child), "nd-list-item"));
  g_object_set_data (G_OBJECT (child), "nd-watched", NULL);
}

static void
watch (GtkWidget *child, NdChannelItem *item, GtkListItem *list_item)
{
  if (g_object_get_data (G_OBJECT (child), "nd-watched") == item)
    return;
  unwatch (child);
  g_signal_connect (item, "health-changed", G_CALLBACK (health_changed_cb), list_item);
  g_object_set_data_full (G_OBJECT (child), "nd-watched", g_object_ref (item), g_object_unref);
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, ColumnCtx *ctx)
{
  gpointer row = gtk_list_item_get_item (list_item);
  g_autoptr(NdChannelItem) item = unwrap (row);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  g_autofree char *text = NULL;
  NdChannelSortKey key = ctx->def->key;

  if (item == NULL)
    return;
  text = cell_text (ctx->columns, key, item);
  switch (ctx->def->kind)
    {
    case CELL_NAME:
      {
        GtkWidget *label = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (child));
        GtkTreeListRow *tree_row = GTK_IS_TREE_LIST_ROW (row) ? row : NULL;

        /* Only tag mode has rows to expand; a flat list needs no indent. */
        gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (child),
                                        tree_row && (gtk_tree_list_row_get_depth (tree_row) > 0 ||
                                                     gtk_tree_list_row_is_expandable (tree_row))
                                        ? tree_row : NULL);
        gtk_inscription_set_text (GTK_INSCRIPTION (label), text);
        if (nd_channel_item_is_tag (item))
          gtk_widget_add_css_class (label, "heading");
        else
          gtk_widget_remove_css_class (label, "heading");
      }
      break;
    case CELL_BADGE:
      set_badge (child, text, badge_class (key, item));
      break;
    case CELL_BALANCE:
      {
        const NdChannel *c = nd_channel_item_get_channel (item);
        GtkWidget *badge = gtk_widget_get_first_child (child);
        GtkWidget *age = gtk_widget_get_next_sibling (badge);
        NdHealthItem *read = nd_channel_item_get_balance_result (item);
        g_autofree char *age_text = c->balance_updated_time > 0 && !nd_channel_item_is_tag (item)
                                    ? nd_channel_age_text (c->balance_updated_time, nd_time_now ())
                                    : NULL;

        set_badge (badge, text, badge_class (key, item));
        gtk_label_set_text (GTK_LABEL (age), age_text ? age_text : "");
        /* A read that worked shows as the figure; one that did not, as
         * an icon whose tooltip says why. */
        set_icon (gtk_widget_get_next_sibling (age),
                  read != NULL && nd_health_item_get_state (read) != ND_HEALTH_OK ? read : NULL);
        watch (child, item, list_item);
      }
      break;
    case CELL_RESPONSE:
      {
        GtkWidget *image = gtk_widget_get_first_child (child);

        set_icon (image, nd_channel_item_is_tag (item) ? NULL : live_test (item));
        set_badge (gtk_widget_get_next_sibling (image), text, badge_class (key, item));
        watch (child, item, list_item);
      }
      break;
    case CELL_TEXT:
    case CELL_NUMBER:
    default:
      gtk_inscription_set_text (GTK_INSCRIPTION (child), text);
      break;
    }
}

static gboolean
query_tooltip_cb (GtkWidget *view, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  gpointer data)
{
  GtkWidget *w = keyboard ? gtk_root_get_focus (gtk_widget_get_root (view))
                          : gtk_widget_pick (view, x, y, GTK_PICK_DEFAULT);
  GtkListItem *list_item = NULL;
  ColumnCtx *ctx = NULL;
  g_autoptr(NdChannelItem) item = NULL;
  g_autofree char *tip = NULL;

  for (; w != NULL && w != view && ctx == NULL; w = gtk_widget_get_parent (w))
    {
      ctx = g_object_get_data (G_OBJECT (w), "nd-column");
      list_item = g_object_get_data (G_OBJECT (w), "nd-list-item");
    }
  if (ctx == NULL || list_item == NULL)
    return FALSE;
  item = unwrap (gtk_list_item_get_item (list_item));
  tip = item ? cell_tooltip (ctx->def->key, item) : NULL;
  if (tip == NULL || *tip == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, tip);
  return TRUE;
}

static void
unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, ColumnCtx *ctx)
{
  if (ctx->def->kind == CELL_NAME)
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item)), NULL);
  if (ctx->def->kind == CELL_BALANCE || ctx->def->kind == CELL_RESPONSE)
    unwatch (gtk_list_item_get_child (list_item));
}

static int
compare_cb (gconstpointer a, gconstpointer b, gpointer data)
{
  const ColumnCtx *ctx = data;

  /* GtkTreeListRowSorter hands over the items themselves. */
  return nd_channel_compare (nd_channel_item_get_channel (ND_CHANNEL_ITEM ((gpointer) a)),
                             nd_channel_item_get_channel (ND_CHANNEL_ITEM ((gpointer) b)),
                             ctx->def->key);
}

static void
nd_channel_columns_finalize (GObject *object)
{
  g_clear_pointer (&ND_CHANNEL_COLUMNS (object)->money, nd_money_free);
  G_OBJECT_CLASS (nd_channel_columns_parent_class)->finalize (object);
}

static void
nd_channel_columns_class_init (NdChannelColumnsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nd_channel_columns_finalize;
}

static void
nd_channel_columns_init (NdChannelColumns *self)
{
}

NdChannelColumns *
nd_channel_columns_new (GtkColumnView *view)
{
  NdChannelColumns *self = g_object_new (ND_TYPE_CHANNEL_COLUMNS, NULL);

  gtk_widget_set_has_tooltip (GTK_WIDGET (view), TRUE);
  g_signal_connect (view, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkSorter) sorter = NULL;
      GtkColumnViewColumn *column;

      self->ctx[i].columns = self;
      self->ctx[i].def = &defs[i];
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), &self->ctx[i]);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), &self->ctx[i]);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), &self->ctx[i]);
      column = gtk_column_view_column_new (_(defs[i].title), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_fixed_width (column, defs[i].width);
      sorter = GTK_SORTER (gtk_custom_sorter_new (compare_cb, &self->ctx[i], NULL));
      gtk_column_view_column_set_sorter (column, sorter);
      if (defs[i].kind == CELL_NAME)
        gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (view, column);
      self->columns[i] = column;
      g_object_unref (column);
    }
  return self;
}

void
nd_channel_columns_set_money (NdChannelColumns *self, const NdMoney *money)
{
  g_return_if_fail (ND_IS_CHANNEL_COLUMNS (self));
  g_clear_pointer (&self->money, nd_money_free);
  self->money = money ? nd_money_copy (money) : NULL;
}

GtkColumnViewColumn *
nd_channel_columns_get_column (NdChannelColumns *self, NdChannelSortKey key)
{
  g_return_val_if_fail (ND_IS_CHANNEL_COLUMNS (self), NULL);
  for (guint i = 0; i < N_COLUMNS; i++)
    if (defs[i].key == key)
      return self->columns[i];
  return NULL;
}

char *
nd_channel_columns_cell_text (NdChannelColumns *self, NdChannelSortKey key, gpointer item)
{
  g_autoptr(NdChannelItem) it = unwrap (item);

  g_return_val_if_fail (ND_IS_CHANNEL_COLUMNS (self), NULL);
  return it ? cell_text (self, key, it) : NULL;
}

char *
nd_channel_columns_cell_tooltip (NdChannelColumns *self, NdChannelSortKey key, gpointer item)
{
  g_autoptr(NdChannelItem) it = unwrap (item);

  g_return_val_if_fail (ND_IS_CHANNEL_COLUMNS (self), NULL);
  return it ? cell_tooltip (key, it) : NULL;
}
