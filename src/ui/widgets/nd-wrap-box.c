/* nd-wrap-box.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-wrap-box.h"

struct _NdWrapBox
{
  GtkWidget parent_instance;

  int spacing;
  int row_spacing;
};

G_DEFINE_FINAL_TYPE (NdWrapBox, nd_wrap_box, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_SPACING, PROP_ROW_SPACING, N_PROPS };
static GParamSpec *properties[N_PROPS];

typedef struct {
  GtkWidget *child;
  int width;
} Item;

/* Lays the children out in rows no wider than @width: fills @items (row
 * by row, in order) and @row_ends (index after each row's last item), and
 * returns the total height. */
static int
flow (NdWrapBox *self, int width, GArray *items, GArray *row_ends, GArray *row_heights)
{
  int x = 0, row_h = 0, total = 0;
  guint rows = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self)); c; c = gtk_widget_get_next_sibling (c))
    {
      Item item = { c, 0 };
      int min, nat, h_min, h_nat;

      if (!gtk_widget_should_layout (c))
        continue;
      gtk_widget_measure (c, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
      item.width = MAX (MIN (nat, width), min);
      if (x > 0 && x + self->spacing + item.width > width)
        {
          guint end = items->len;

          g_array_append_val (row_ends, end);
          g_array_append_val (row_heights, row_h);
          total += row_h + (rows > 0 ? self->row_spacing : 0);
          rows++;
          x = row_h = 0;
        }
      x += (x > 0 ? self->spacing : 0) + item.width;
      gtk_widget_measure (c, GTK_ORIENTATION_VERTICAL, item.width, &h_min, &h_nat, NULL, NULL);
      row_h = MAX (row_h, h_nat);
      g_array_append_val (items, item);
    }
  if (x > 0)
    {
      guint end = items->len;

      g_array_append_val (row_ends, end);
      g_array_append_val (row_heights, row_h);
      total += row_h + (rows > 0 ? self->row_spacing : 0);
    }
  return total;
}

static GtkSizeRequestMode
nd_wrap_box_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
nd_wrap_box_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                     int *minimum, int *natural, int *min_baseline, int *nat_baseline)
{
  NdWrapBox *self = ND_WRAP_BOX (widget);

  *minimum = *natural = 0;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int n = 0;

      /* As narrow as the widest child; naturally all on one row. */
      for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
        {
          int min, nat;

          if (!gtk_widget_should_layout (c))
            continue;
          gtk_widget_measure (c, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
          *minimum = MAX (*minimum, min);
          *natural += nat + (n++ > 0 ? self->spacing : 0);
        }
    }
  else
    {
      g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (Item));
      g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr(GArray) heights = g_array_new (FALSE, FALSE, sizeof (int));
      int width = for_size;

      if (width < 0)
        nd_wrap_box_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &(int) { 0 }, &width, NULL, NULL);
      *minimum = *natural = flow (self, width, items, ends, heights);
    }
}

static void
nd_wrap_box_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  NdWrapBox *self = ND_WRAP_BOX (widget);
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (Item));
  g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) heights = g_array_new (FALSE, FALSE, sizeof (int));
  guint start = 0;
  int y = 0;
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;

  flow (self, width, items, ends, heights);
  for (guint r = 0; r < ends->len; r++)
    {
      guint end = g_array_index (ends, guint, r);
      int row_h = g_array_index (heights, int, r);
      int used = 0, n_expand = 0, extra, x = 0;

      for (guint i = start; i < end; i++)
        {
          Item *item = &g_array_index (items, Item, i);

          used += item->width + (i > start ? self->spacing : 0);
          n_expand += gtk_widget_compute_expand (item->child, GTK_ORIENTATION_HORIZONTAL);
        }
      extra = MAX (width - used, 0);
      for (guint i = start; i < end; i++)
        {
          Item *item = &g_array_index (items, Item, i);
          int w = item->width;

          if (n_expand > 0 && gtk_widget_compute_expand (item->child, GTK_ORIENTATION_HORIZONTAL))
            {
              int share = extra / n_expand--;

              w += share;
              extra -= share;
            }
          gtk_widget_size_allocate (item->child,
                                    &(GtkAllocation) { rtl ? width - x - w : x, y, w, row_h }, -1);
          x += w + self->spacing;
        }
      y += row_h + self->row_spacing;
      start = end;
    }
}

static void
nd_wrap_box_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (nd_wrap_box_parent_class)->dispose (object);
}

static void
nd_wrap_box_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NdWrapBox *self = ND_WRAP_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING: self->spacing = g_value_get_int (value); break;
    case PROP_ROW_SPACING: self->row_spacing = g_value_get_int (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); return;
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
nd_wrap_box_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NdWrapBox *self = ND_WRAP_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING: g_value_set_int (value, self->spacing); break;
    case PROP_ROW_SPACING: g_value_set_int (value, self->row_spacing); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_wrap_box_class_init (NdWrapBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_wrap_box_dispose;
  object_class->set_property = nd_wrap_box_set_property;
  object_class->get_property = nd_wrap_box_get_property;
  widget_class->get_request_mode = nd_wrap_box_get_request_mode;
  widget_class->measure = nd_wrap_box_measure;
  widget_class->size_allocate = nd_wrap_box_size_allocate;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT, 6, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROW_SPACING] =
    g_param_spec_int ("row-spacing", NULL, NULL, 0, G_MAXINT, 6, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (widget_class, "wrapbox");
}

static void
nd_wrap_box_init (NdWrapBox *self)
{
  self->spacing = 6;
  self->row_spacing = 6;
}

GtkWidget *
nd_wrap_box_new (void)
{
  return g_object_new (ND_TYPE_WRAP_BOX, NULL);
}

void
nd_wrap_box_append (NdWrapBox *self, GtkWidget *child)
{
  g_return_if_fail (ND_IS_WRAP_BOX (self));
  g_return_if_fail (gtk_widget_get_parent (child) == NULL);

  gtk_widget_insert_before (child, GTK_WIDGET (self), NULL);
}
