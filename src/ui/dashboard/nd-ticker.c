/* nd-ticker.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-dashboard-data.h"
#include "nd-ticker.h"

struct _NdTicker
{
  GtkWidget parent_instance;

  /* template */
  GtkWidget *box;
  GtkListBox *list;
  GtkLabel *empty_label;

  gint64 last_id;
};

G_DEFINE_FINAL_TYPE (NdTicker, nd_ticker, GTK_TYPE_WIDGET)

static GtkWidget *
row_new (const NdLog *log, const NdMoney *money)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (log->created_at);
  g_autofree char *time = g_date_time_format (dt, "%H:%M:%S");
  g_autofree char *what = NULL;
  g_autofree char *figure = NULL;
  GtkWidget *label;

  nd_dashboard_ticker_line (log, money, &what, &figure);
  label = gtk_label_new (time);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  label = gtk_label_new (what);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  label = gtk_label_new (figure);
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (box), label);
  if (log->type == ND_LOG_ERROR)
    gtk_widget_add_css_class (box, "error");
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  return box;
}

void
nd_ticker_add (NdTicker *self, GPtrArray *rows, const NdMoney *money)
{
  g_return_if_fail (ND_IS_TICKER (self));

  for (guint i = 0; i < rows->len; i++)
    {
      const NdLog *log = g_ptr_array_index (rows, i);

      self->last_id = MAX (self->last_id, log->id);
      gtk_list_box_prepend (self->list, row_new (log, money));
    }
  for (GtkListBoxRow *row; (row = gtk_list_box_get_row_at_index (self->list, ND_TICKER_ROWS)) != NULL;)
    gtk_list_box_remove (self->list, GTK_WIDGET (row));
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label),
                          gtk_list_box_get_row_at_index (self->list, 0) == NULL);
}

void
nd_ticker_clear (NdTicker *self)
{
  g_return_if_fail (ND_IS_TICKER (self));

  self->last_id = 0;
  for (GtkListBoxRow *row; (row = gtk_list_box_get_row_at_index (self->list, 0)) != NULL;)
    gtk_list_box_remove (self->list, GTK_WIDGET (row));
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), TRUE);
}

gint64
nd_ticker_get_last_id (NdTicker *self)
{
  g_return_val_if_fail (ND_IS_TICKER (self), 0);
  return self->last_id;
}

static void
nd_ticker_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ND_TYPE_TICKER);
  G_OBJECT_CLASS (nd_ticker_parent_class)->dispose (object);
}

static void
nd_ticker_class_init (NdTickerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = nd_ticker_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-ticker.ui");
  gtk_widget_class_bind_template_child (widget_class, NdTicker, box);
  gtk_widget_class_bind_template_child (widget_class, NdTicker, list);
  gtk_widget_class_bind_template_child (widget_class, NdTicker, empty_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
nd_ticker_init (NdTicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
