/* nd-chart-card.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-chart-card.h"

struct _NdChartCard
{
  GtkWidget parent_instance;

  /* template */
  GtkWidget *box;
  GtkLabel *title_label;
  GtkBox *header;
  GtkButton *save_button;
  GtkStack *stack;
  GtkLabel *missing_reason;
  GtkLabel *caveat_label;

  /* owned by the stack */
  NdChartView *view;
  NdChartViewKind kind;
  char *title;
};

G_DEFINE_FINAL_TYPE (NdChartCard, nd_chart_card, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_TITLE, PROP_KIND, PROP_EMPTY_TEXT, PROP_HEADER_WIDGET, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
save_clicked_cb (NdChartCard *self)
{
  nd_chart_view_save_as (self->view);
}

static void
nd_chart_card_constructed (GObject *object)
{
  NdChartCard *self = ND_CHART_CARD (object);

  G_OBJECT_CLASS (nd_chart_card_parent_class)->constructed (object);
  self->view = ND_CHART_VIEW (nd_chart_view_new (self->kind, self->title));
  gtk_widget_set_margin_start (GTK_WIDGET (self->view), 8);
  gtk_widget_set_margin_end (GTK_WIDGET (self->view), 8);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->view), 8);
  nd_chart_view_set_empty_text (self->view, _("No requests in this range"));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->view), "chart");
  gtk_stack_set_visible_child_name (self->stack, "chart");
}

static void
nd_chart_card_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NdChartCard *self = ND_CHART_CARD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_free (self->title);
      self->title = g_value_dup_string (value);
      gtk_label_set_text (self->title_label, self->title ? self->title : "");
      break;
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;
    case PROP_EMPTY_TEXT:
      if (g_value_get_string (value) != NULL)
        nd_chart_view_set_empty_text (self->view, g_value_get_string (value));
      break;
    case PROP_HEADER_WIDGET:
      if (g_value_get_object (value) != NULL)
        gtk_box_insert_child_after (self->header, g_value_get_object (value),
                                    GTK_WIDGET (self->title_label));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_chart_card_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NdChartCard *self = ND_CHART_CARD (object);

  switch (prop_id)
    {
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    case PROP_KIND: g_value_set_enum (value, self->kind); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_chart_card_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ND_TYPE_CHART_CARD);
  G_OBJECT_CLASS (nd_chart_card_parent_class)->dispose (object);
}

static void
nd_chart_card_finalize (GObject *object)
{
  g_free (ND_CHART_CARD (object)->title);
  G_OBJECT_CLASS (nd_chart_card_parent_class)->finalize (object);
}

static void
nd_chart_card_class_init (NdChartCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = nd_chart_card_constructed;
  object_class->set_property = nd_chart_card_set_property;
  object_class->get_property = nd_chart_card_get_property;
  object_class->dispose = nd_chart_card_dispose;
  object_class->finalize = nd_chart_card_finalize;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, ND_TYPE_CHART_VIEW_KIND, ND_CHART_VIEW_LINE,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Set after construction (the view exists then). */
  properties[PROP_EMPTY_TEXT] =
    g_param_spec_string ("empty-text", NULL, NULL, NULL, G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);
  /* A widget between the title and the save button (a metric chooser). */
  properties[PROP_HEADER_WIDGET] =
    g_param_spec_object ("header-widget", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-chart-card.ui");
  gtk_widget_class_bind_template_child (widget_class, NdChartCard, box);
  gtk_widget_class_bind_template_child (widget_class, NdChartCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, NdChartCard, header);
  gtk_widget_class_bind_template_child (widget_class, NdChartCard, save_button);
  gtk_widget_class_bind_template_child (widget_class, NdChartCard, stack);
  gtk_widget_class_bind_template_child (widget_class, NdChartCard, missing_reason);
  gtk_widget_class_bind_template_child (widget_class, NdChartCard, caveat_label);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
nd_chart_card_init (NdChartCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

NdChartView *
nd_chart_card_get_view (NdChartCard *self)
{
  g_return_val_if_fail (ND_IS_CHART_CARD (self), NULL);
  return self->view;
}

void
nd_chart_card_set_missing (NdChartCard *self, const char *reason)
{
  g_return_if_fail (ND_IS_CHART_CARD (self));

  gtk_label_set_text (self->missing_reason, reason ? reason : "");
  gtk_stack_set_visible_child_name (self->stack, reason ? "missing" : "chart");
  /* Nothing to save but zeros. */
  gtk_widget_set_visible (GTK_WIDGET (self->save_button), reason == NULL);
}

void
nd_chart_card_set_caveat (NdChartCard *self, const char *caveat)
{
  g_return_if_fail (ND_IS_CHART_CARD (self));

  gtk_label_set_text (self->caveat_label, caveat ? caveat : "");
  gtk_widget_set_visible (GTK_WIDGET (self->caveat_label), caveat != NULL);
}
