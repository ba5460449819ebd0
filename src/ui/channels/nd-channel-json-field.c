/* nd-channel-json-field.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-channel-json-field.h"
#include "nd-write.h"

struct _NdChannelJsonField
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkWidget *frame;
  GtkTextView *view;
  GtkLabel *error_label;
  GtkLabel *placeholder;
  char *label;
  char *error;
  gboolean quiet;
};

G_DEFINE_FINAL_TYPE (NdChannelJsonField, nd_channel_json_field, GTK_TYPE_WIDGET)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
show_error (NdChannelJsonField *self, const char *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (self->frame, "error");
  else
    gtk_widget_remove_css_class (self->frame, "error");
}

static void
check (NdChannelJsonField *self)
{
  g_autofree char *text = nd_channel_json_field_get_text (self);
  g_autoptr(GError) error = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), *text == '\0');
  /* The same rule the write path applies, so what passes here is sent. */
  if (nd_write_validate_json_object (text, self->label, &error))
    show_error (self, NULL);
  else
    show_error (self, error->message);
}

static void
buffer_changed_cb (NdChannelJsonField *self)
{
  check (self);
  if (!self->quiet)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
nd_channel_json_field_dispose (GObject *object)
{
  NdChannelJsonField *self = ND_CHANNEL_JSON_FIELD (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (nd_channel_json_field_parent_class)->dispose (object);
}

static void
nd_channel_json_field_finalize (GObject *object)
{
  NdChannelJsonField *self = ND_CHANNEL_JSON_FIELD (object);

  g_free (self->label);
  g_free (self->error);
  G_OBJECT_CLASS (nd_channel_json_field_parent_class)->finalize (object);
}

static void
nd_channel_json_field_class_init (NdChannelJsonFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nd_channel_json_field_dispose;
  object_class->finalize = nd_channel_json_field_finalize;
  /* changed: the text changed by the user's hand. */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "ndjsonfield");
}

static void
nd_channel_json_field_init (NdChannelJsonField *self)
{
  GtkWidget *overlay = gtk_overlay_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->view = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_monospace (self->view, TRUE);
  gtk_text_view_set_wrap_mode (self->view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (self->view, 8);
  gtk_text_view_set_bottom_margin (self->view, 8);
  gtk_text_view_set_left_margin (self->view, 10);
  gtk_text_view_set_right_margin (self->view, 10);
  gtk_text_view_set_accepts_tab (self->view, FALSE);
  gtk_widget_set_size_request (GTK_WIDGET (self->view), -1, 72);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), GTK_WIDGET (self->view));

  self->placeholder = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_halign (GTK_WIDGET (self->placeholder), GTK_ALIGN_START);
  gtk_widget_set_valign (GTK_WIDGET (self->placeholder), GTK_ALIGN_START);
  gtk_widget_set_margin_start (GTK_WIDGET (self->placeholder), 10);
  gtk_widget_set_margin_top (GTK_WIDGET (self->placeholder), 8);
  gtk_widget_set_can_target (GTK_WIDGET (self->placeholder), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->placeholder), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->placeholder), "monospace");
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), GTK_WIDGET (self->placeholder));

  self->frame = gtk_frame_new (NULL);
  gtk_frame_set_child (GTK_FRAME (self->frame), overlay);
  gtk_widget_add_css_class (self->frame, "nd-json-frame");
  gtk_box_append (GTK_BOX (self->box), self->frame);

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_label_set_selectable (self->error_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "caption");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->error_label));

  g_signal_connect_swapped (gtk_text_view_get_buffer (self->view), "changed",
                            G_CALLBACK (buffer_changed_cb), self);
}

GtkWidget *
nd_channel_json_field_new (const char *label, const char *placeholder)
{
  NdChannelJsonField *self = g_object_new (ND_TYPE_CHANNEL_JSON_FIELD, NULL);

  self->label = g_strdup (label);
  gtk_label_set_text (self->placeholder, placeholder ? placeholder : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
  return GTK_WIDGET (self);
}

void
nd_channel_json_field_set_text (NdChannelJsonField *self, const char *text)
{
  g_return_if_fail (ND_IS_CHANNEL_JSON_FIELD (self));

  self->quiet = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->view), text ? text : "", -1);
  self->quiet = FALSE;
  check (self);
}

char *
nd_channel_json_field_get_text (NdChannelJsonField *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (ND_IS_CHANNEL_JSON_FIELD (self), NULL);
  buffer = gtk_text_view_get_buffer (self->view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

const char *
nd_channel_json_field_get_error (NdChannelJsonField *self)
{
  g_return_val_if_fail (ND_IS_CHANNEL_JSON_FIELD (self), NULL);
  return self->error;
}

void
nd_channel_json_field_set_error (NdChannelJsonField *self, const char *message)
{
  g_return_if_fail (ND_IS_CHANNEL_JSON_FIELD (self));
  show_error (self, message);
}

void
nd_channel_json_field_set_editable (NdChannelJsonField *self, gboolean editable)
{
  g_return_if_fail (ND_IS_CHANNEL_JSON_FIELD (self));
  gtk_text_view_set_editable (self->view, editable);
}

GtkTextView *
nd_channel_json_field_get_view (NdChannelJsonField *self)
{
  g_return_val_if_fail (ND_IS_CHANNEL_JSON_FIELD (self), NULL);
  return self->view;
}
