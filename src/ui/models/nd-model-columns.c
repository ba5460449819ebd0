/* nd-model-columns.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "nd-model-columns.h"
#include "nd-pricing.h"

typedef enum { CELL_TEXT, CELL_NUMBER, CELL_FLAGS } CellKind;

typedef struct {
  NdModelColumn column;
  NdModelSortKey sort;
  const char *title;
  CellKind kind;
  int chars;
  int width;
} ColumnDef;

/* Titles name NewAPI's own settings (模型倍率, 补全倍率, 模型价格). */
static const ColumnDef defs[] = {
  { ND_MODEL_COLUMN_NAME, ND_MODEL_SORT_NAME, N_("Model"), CELL_TEXT, 18, 180 },
  { ND_MODEL_COLUMN_CHANNELS, ND_MODEL_SORT_CHANNELS, N_("Channels"), CELL_NUMBER, 6, 86 },
  { ND_MODEL_COLUMN_FLAGS, ND_MODEL_SORT_FLAGS, N_("Risks"), CELL_FLAGS, 12, 190 },
  { ND_MODEL_COLUMN_GROUPS, ND_MODEL_SORT_NAME, N_("Groups"), CELL_TEXT, 10, 100 },
  { ND_MODEL_COLUMN_RATIO, ND_MODEL_SORT_PRICE, N_("Ratio"), CELL_NUMBER, 5, 70 },
  { ND_MODEL_COLUMN_COMPLETION, ND_MODEL_SORT_PRICE, N_("Completion"), CELL_NUMBER, 5, 92 },
  { ND_MODEL_COLUMN_FIXED, ND_MODEL_SORT_PRICE, N_("Per Call"), CELL_NUMBER, 7, 76 },
  { ND_MODEL_COLUMN_INPUT, ND_MODEL_SORT_PRICE, N_("Input / 1M"), CELL_NUMBER, 8, 100 },
  { ND_MODEL_COLUMN_OUTPUT, ND_MODEL_SORT_PRICE, N_("Output / 1M"), CELL_NUMBER, 8, 104 },
  { ND_MODEL_COLUMN_REQUESTS, ND_MODEL_SORT_REQUESTS, N_("Requests"), CELL_NUMBER, 7, 90 },
  { ND_MODEL_COLUMN_QUOTA, ND_MODEL_SORT_QUOTA, N_("Spent"), CELL_NUMBER, 8, 96 },
  { ND_MODEL_COLUMN_ERRORS, ND_MODEL_SORT_ERRORS, N_("Errors"), CELL_NUMBER, 5, 70 },
  { ND_MODEL_COLUMN_LATENCY, ND_MODEL_SORT_REQUESTS, N_("p50 / p95"), CELL_NUMBER, 10, 110 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (defs) == ND_MODEL_N_COLUMNS);
/* defs[i].column == i: nd_model_columns_get_column indexes by column. */

typedef struct {
  NdModelColumns *columns;
  const ColumnDef *def;
} ColumnCtx;

struct _NdModelColumns
{
  GObject parent_instance;

  NdMoney *money;
  char *group;
  GtkColumnViewColumn *columns[ND_MODEL_N_COLUMNS];   /* owned by the view */
  ColumnCtx ctx[ND_MODEL_N_COLUMNS];
};

G_DEFINE_FINAL_TYPE (NdModelColumns, nd_model_columns, G_TYPE_OBJECT)

static char *
number_text (double v)
{
  return isfinite (v) ? nd_pricing_format_number (v) : g_strdup ("—");
}

static char *
money_text (NdModelColumns *self, double usd)
{
  if (!isfinite (usd))
    return g_strdup ("—");
  if (self->money == NULL)
    return g_strdup_printf ("$%.4g", usd);
  return nd_price_format (self->money, usd);
}

static char *
seconds_text (double s)
{
  if (s < 0)
    return g_strdup ("—");
  if (s < 1)
    /* Translators: a latency in milliseconds */
    return g_strdup_printf (_("%.0f ms"), s * 1000);
  /* Translators: a latency in seconds */
  return g_strdup_printf (_("%.1f s"), s);
}

char *
nd_model_columns_cell_text (NdModelColumns *self, NdModelColumn column, NdModelItem *item)
{
  const NdModelEntry *e = nd_model_item_get_entry (item);
  const NdFactsRank *usage = nd_model_item_get_usage (item);
  NdModelPrice price;
  NdPriceUsd usd;
  gboolean exact;

  g_return_val_if_fail (ND_IS_MODEL_COLUMNS (self), NULL);
  nd_model_item_get_price (item, &price, &exact);
  nd_model_entry_usd (nd_model_item_get_catalog (item), NULL, e, self->group,
                      self->money ? self->money->quota_per_unit : 500000, &usd);
  switch (column)
    {
    case ND_MODEL_COLUMN_NAME:
      return g_strdup (e->name);
    case ND_MODEL_COLUMN_CHANNELS:
      /* Translators: enabled channels serving a model / channels offering it */
      return g_strdup_printf (_("%u / %u"), nd_model_item_get_serving (item),
                              nd_model_item_get_offering (item));
    case ND_MODEL_COLUMN_GROUPS:
      return g_strdup (nd_model_item_get_groups (item));
    case ND_MODEL_COLUMN_RATIO:
      return number_text (price.model_ratio);
    case ND_MODEL_COLUMN_COMPLETION:
      return number_text (price.completion_ratio);
    case ND_MODEL_COLUMN_FIXED:
      return money_text (self, usd.per_call);
    case ND_MODEL_COLUMN_INPUT:
      return money_text (self, usd.input);
    case ND_MODEL_COLUMN_OUTPUT:
      return money_text (self, usd.output);
    case ND_MODEL_COLUMN_REQUESTS:
      return usage ? nd_format_count (usage->requests) : g_strdup ("—");
    case ND_MODEL_COLUMN_QUOTA:
      if (usage == NULL)
        return g_strdup ("—");
      return self->money ? nd_money_format (self->money, usage->quota)
                         : nd_format_count (usage->quota);
    case ND_MODEL_COLUMN_ERRORS:
      if (usage == NULL || usage->requests == 0)
        return g_strdup ("—");
      return g_strdup_printf ("%.1f%%", 100.0 * usage->errors / usage->requests);
    case ND_MODEL_COLUMN_LATENCY:
      {
        g_autofree char *p50 = NULL;
        g_autofree char *p95 = NULL;

        if (usage == NULL || usage->p50 < 0)
          return g_strdup ("—");
        p50 = seconds_text (usage->p50);
        p95 = seconds_text (usage->p95);
        return g_strdup_printf ("%s / %s", p50, p95);
      }
    case ND_MODEL_COLUMN_FLAGS:
      {
        GString *out = g_string_new (NULL);
        NdModelFlags flags = nd_model_item_get_flags (item);

        for (guint f = 0; f < ND_MODEL_N_FLAGS; f++)
          if (flags & (1 << f))
            g_string_append_printf (out, "%s%s", out->len ? ", " : "", nd_model_flag_label (1 << f));
        return g_string_free (out, FALSE);
      }
    case ND_MODEL_N_COLUMNS:
    default:
      return NULL;
    }
}

/* A tooltip per cell where the text says less than there is to know. */
static char *
cell_tooltip (NdModelColumns *self, NdModelColumn column, NdModelItem *item)
{
  const NdModelEntry *e = nd_model_item_get_entry (item);

  switch (column)
    {
    case ND_MODEL_COLUMN_CHANNELS:
      {
        GString *out = g_string_new (NULL);

        for (guint i = 0; i < e->channels->len; i++)
          {
            const NdModelChannel *ch = g_ptr_array_index (e->channels, i);

            g_string_append_printf (out, "%s#%" G_GINT64_FORMAT " %s — %s", out->len ? "\n" : "",
                                    ch->id, ch->name ? ch->name : "",
                                    ch->enabled ? _("serves it") : _("disabled"));
            if (ch->upstream != NULL)
              /* Translators: a channel sends the model upstream under this name */
              g_string_append_printf (out, _(" (as %s)"), ch->upstream);
          }
        return g_string_free (out, FALSE);
      }
    case ND_MODEL_COLUMN_FLAGS:
      {
        GString *out = g_string_new (NULL);
        NdModelFlags flags = nd_model_item_get_flags (item);

        for (guint f = 0; f < ND_MODEL_N_FLAGS; f++)
          if (flags & (1 << f))
            g_string_append_printf (out, "%s%s", out->len ? "\n" : "",
                                    nd_model_flag_description (1 << f));
        return g_string_free (out, FALSE);
      }
    case ND_MODEL_COLUMN_INPUT:
      {
        NdPriceUsd usd;
        g_autofree char *where = self->group != NULL
          ? g_strdup_printf (_("In group “%s”, its ratio included"), self->group)
          : g_strdup (_("Before any group ratio"));
        g_autofree char *cached = NULL;

        nd_model_entry_usd (nd_model_item_get_catalog (item), NULL, e, self->group,
                            self->money ? self->money->quota_per_unit : 500000, &usd);
        if (!isfinite (usd.cached_input))
          return g_steal_pointer (&where);
        cached = money_text (self, usd.cached_input);
        /* Translators: the price of cached input tokens (CacheRatio), per 1M */
        return g_strdup_printf (_("%s\nCached input: %s per 1M tokens"), where, cached);
      }
    case ND_MODEL_COLUMN_OUTPUT:
    case ND_MODEL_COLUMN_FIXED:
      if (self->group != NULL)
        /* Translators: prices shown include the ratio of group %s */
        return g_strdup_printf (_("In group “%s”, its ratio included"), self->group);
      return g_strdup (_("Before any group ratio"));
    default:
      return nd_model_columns_cell_text (self, column, item);
    }
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

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, ColumnCtx *ctx)
{
  GtkWidget *child;

  if (ctx->def->kind == CELL_FLAGS)
    {
      child = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      /* Three badges do not fit a narrow column: cut, never over the next. */
      gtk_widget_set_overflow (child, GTK_OVERFLOW_HIDDEN);
      for (guint f = 0; f < ND_MODEL_N_FLAGS; f++)
        {
          GtkWidget *badge = gtk_label_new (nd_model_flag_label (1 << f));

          gtk_widget_add_css_class (badge, "nd-model-flag");
          gtk_widget_add_css_class (badge, nd_model_flag_nick (1 << f));
          gtk_box_append (GTK_BOX (child), badge);
        }
    }
  else
    child = inscription_new (ctx->def);
  /* The tooltip comes from the view's query-tooltip: one set per bind
   * costs an X round trip on GTK 4.8. */
  g_object_set_data (G_OBJECT (child), "nd-list-item", list_item);
  g_object_set_data (G_OBJECT (child), "nd-column", ctx);
  gtk_list_item_set_child (list_item, child);
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, ColumnCtx *ctx)
{
  NdModelItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);

  if (item == NULL)
    return;
  if (ctx->def->kind == CELL_FLAGS)
    {
      NdModelFlags flags = nd_model_item_get_flags (item);
      guint f = 0;

      for (GtkWidget *b = gtk_widget_get_first_child (child); b; b = gtk_widget_get_next_sibling (b))
        gtk_widget_set_visible (b, (flags & (1 << f++)) != 0);
    }
  else
    {
      g_autofree char *text = nd_model_columns_cell_text (ctx->columns, ctx->def->column, item);

      gtk_inscription_set_text (GTK_INSCRIPTION (child), text);
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
  NdModelItem *item;
  g_autofree char *tip = NULL;

  for (; w != NULL && w != view && ctx == NULL; w = gtk_widget_get_parent (w))
    {
      ctx = g_object_get_data (G_OBJECT (w), "nd-column");
      list_item = g_object_get_data (G_OBJECT (w), "nd-list-item");
    }
  if (ctx == NULL || list_item == NULL || (item = gtk_list_item_get_item (list_item)) == NULL)
    return FALSE;
  tip = cell_tooltip (ctx->columns, ctx->def->column, item);
  if (tip == NULL || *tip == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, tip);
  return TRUE;
}

static int
compare_cb (gconstpointer a, gconstpointer b, gpointer data)
{
  const ColumnCtx *ctx = data;

  return nd_model_item_compare (ND_MODEL_ITEM ((gpointer) a), ND_MODEL_ITEM ((gpointer) b),
                                ctx->def->sort);
}

static void
nd_model_columns_finalize (GObject *object)
{
  NdModelColumns *self = ND_MODEL_COLUMNS (object);

  g_clear_pointer (&self->money, nd_money_free);
  g_free (self->group);
  G_OBJECT_CLASS (nd_model_columns_parent_class)->finalize (object);
}

static void
nd_model_columns_class_init (NdModelColumnsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nd_model_columns_finalize;
}

static void
nd_model_columns_init (NdModelColumns *self)
{
}

NdModelColumns *
nd_model_columns_new (GtkColumnView *view)
{
  NdModelColumns *self = g_object_new (ND_TYPE_MODEL_COLUMNS, NULL);

  gtk_widget_set_has_tooltip (GTK_WIDGET (view), TRUE);
  g_signal_connect_object (view, "query-tooltip", G_CALLBACK (query_tooltip_cb), self, 0);
  for (guint i = 0; i < ND_MODEL_N_COLUMNS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkSorter) sorter = NULL;
      GtkColumnViewColumn *column;

      self->ctx[i].columns = self;
      self->ctx[i].def = &defs[i];
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), &self->ctx[i]);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), &self->ctx[i]);
      column = gtk_column_view_column_new (_(defs[i].title), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_fixed_width (column, defs[i].width);
      sorter = GTK_SORTER (gtk_custom_sorter_new (compare_cb, &self->ctx[i], NULL));
      gtk_column_view_column_set_sorter (column, sorter);
      if (defs[i].column == ND_MODEL_COLUMN_NAME)
        gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (view, column);
      self->columns[i] = column;
      g_object_unref (column);
    }
  return self;
}

void
nd_model_columns_set_money (NdModelColumns *self, const NdMoney *money)
{
  g_return_if_fail (ND_IS_MODEL_COLUMNS (self));
  g_clear_pointer (&self->money, nd_money_free);
  self->money = money ? nd_money_copy (money) : NULL;
}

void
nd_model_columns_set_group (NdModelColumns *self, const char *group)
{
  g_return_if_fail (ND_IS_MODEL_COLUMNS (self));
  g_free (self->group);
  self->group = g_strdup (group);
}

GtkColumnViewColumn *
nd_model_columns_get_column (NdModelColumns *self, NdModelColumn column)
{
  g_return_val_if_fail (ND_IS_MODEL_COLUMNS (self) && column < ND_MODEL_N_COLUMNS, NULL);
  return self->columns[column];
}
