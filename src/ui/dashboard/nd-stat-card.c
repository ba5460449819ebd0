/* nd-stat-card.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-stat-card.h"

struct _NdStatCard
{
  GtkWidget parent_instance;

  /* template */
  GtkWidget *box;
  GtkLabel *title_label;
  GtkLabel *value_label;
  GtkLabel *detail_label;
};

G_DEFINE_FINAL_TYPE (NdStatCard, nd_stat_card, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_TITLE, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
nd_stat_card_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  NdStatCard *self = ND_STAT_CARD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      gtk_label_set_text (self->title_label, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_stat_card_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NdStatCard *self = ND_STAT_CARD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, gtk_label_get_text (self->title_label));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_stat_card_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ND_TYPE_STAT_CARD);
  G_OBJECT_CLASS (nd_stat_card_parent_class)->dispose (object);
}

static void
nd_stat_card_class_init (NdStatCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->set_property = nd_stat_card_set_property;
  object_class->get_property = nd_stat_card_get_property;
  object_class->dispose = nd_stat_card_dispose;
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-stat-card.ui");
  gtk_widget_class_bind_template_child (widget_class, NdStatCard, box);
  gtk_widget_class_bind_template_child (widget_class, NdStatCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, NdStatCard, value_label);
  gtk_widget_class_bind_template_child (widget_class, NdStatCard, detail_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
nd_stat_card_init (NdStatCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
nd_stat_card_set (NdStatCard *self, const char *value, const char *detail)
{
  g_return_if_fail (ND_IS_STAT_CARD (self));

  gtk_label_set_text (self->value_label, value ? value : "—");
  gtk_label_set_text (self->detail_label, detail ? detail : "");
  /* Narrow cards ellipsize the line; the whole of it stays a hover away. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->detail_label), detail && *detail ? detail : NULL);
}
