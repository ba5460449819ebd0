/* nd-channel-models.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-channel-models.h"
#include "nd-secure-string.h"
#include "nd-wrap-box.h"
#include "nd-write.h"

struct _NdChannelModels
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkWidget *chips_frame;
  GtkWidget *chips;             /* NdWrapBox, rebuilt on change */
  GtkEntry *entry;
  GtkWidget *add_button;
  GtkWidget *fetch_button;
  GtkWidget *clear_button;
  GtkLabel *count_label;
  GtkLabel *error_label;
  GPtrArray *entries;           /* (element-type utf8) as stored */
  gboolean editable;
};

G_DEFINE_FINAL_TYPE (NdChannelModels, nd_channel_models, GTK_TYPE_WIDGET)

enum { SIGNAL_CHANGED, SIGNAL_FETCH, N_SIGNALS };
static guint signals[N_SIGNALS];

static void rebuild (NdChannelModels *self);

static gboolean
blank (const char *s)
{
  for (; s && *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

static void
changed (NdChannelModels *self)
{
  rebuild (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
update_count (NdChannelModels *self)
{
  g_autofree char *count = NULL;
  guint n = 0;

  for (guint i = 0; i < self->entries->len; i++)
    n += !blank (g_ptr_array_index (self->entries, i));
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u model", "%u models", n), n);
  gtk_label_set_text (self->count_label, count);
  gtk_widget_set_visible (self->chips_frame, n > 0);
  gtk_widget_set_sensitive (self->clear_button, self->editable && n > 0);
}

static void
remove_clicked_cb (GtkButton *button, NdChannelModels *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "nd-model");

  for (guint i = 0; i < self->entries->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->entries, i), name) == 0)
      {
        g_ptr_array_remove_index (self->entries, i);
        break;
      }
  /* Hidden, not destroyed: this button is still handling its click. */
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (button)), FALSE);
  update_count (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static GtkWidget *
chip_new (NdChannelModels *self, const char *name)
{
  GtkWidget *chip = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  g_autofree char *shown = nd_mask_text_dup (name);
  GtkWidget *label = gtk_label_new (shown);
  GtkWidget *close;

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  /* The whole name shows in the frame's query-tooltip: a tooltip set per
   * chip costs X round trips on GTK 4.8, and a channel has a hundred. */
  g_object_set_data_full (G_OBJECT (chip), "nd-model", g_strdup (shown), g_free);
  gtk_widget_add_css_class (chip, "nd-model-chip");
  gtk_box_append (GTK_BOX (chip), label);
  if (self->editable)
    {
      g_autofree char *tip = g_strdup_printf (_("Remove %s"), shown);

      close = gtk_button_new_from_icon_name ("window-close-symbolic");
      gtk_widget_add_css_class (close, "flat");
      gtk_widget_add_css_class (close, "circular");
      gtk_widget_add_css_class (close, "nd-chip-close");
      gtk_accessible_update_property (GTK_ACCESSIBLE (close), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
      g_object_set_data_full (G_OBJECT (close), "nd-model", g_strdup (name), g_free);
      g_signal_connect (close, "clicked", G_CALLBACK (remove_clicked_cb), self);
      gtk_box_append (GTK_BOX (chip), close);
    }
  else
    gtk_widget_add_css_class (chip, "read-only");
  return chip;
}

static void
rebuild (NdChannelModels *self)
{
  if (self->chips != NULL)
    gtk_frame_set_child (GTK_FRAME (self->chips_frame), NULL);
  self->chips = nd_wrap_box_new ();
  g_object_set (self->chips, "spacing", 4, "row-spacing", 4, NULL);
  gtk_widget_add_css_class (self->chips, "nd-model-chips");
  for (guint i = 0; i < self->entries->len; i++)
    {
      const char *name = g_ptr_array_index (self->entries, i);

      if (blank (name))
        continue;
      nd_wrap_box_append (ND_WRAP_BOX (self->chips), chip_new (self, name));
    }
  gtk_frame_set_child (GTK_FRAME (self->chips_frame), self->chips);
  update_count (self);
}

static gboolean
chips_query_tooltip_cb (GtkWidget *frame, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                        gpointer data)
{
  GtkWidget *w = keyboard ? NULL : gtk_widget_pick (frame, x, y, GTK_PICK_DEFAULT);
  const char *name = NULL;

  for (; w != NULL && w != frame && name == NULL; w = gtk_widget_get_parent (w))
    name = g_object_get_data (G_OBJECT (w), "nd-model");
  if (name == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, name);
  return TRUE;
}

static void
add_from_entry (NdChannelModels *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));

  if (blank (text))
    return;
  nd_channel_models_add (self, text);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
}

static void
clear_clicked_cb (NdChannelModels *self)
{
  g_ptr_array_set_size (self->entries, 0);
  changed (self);
}

static void
fetch_clicked_cb (NdChannelModels *self)
{
  g_signal_emit (self, signals[SIGNAL_FETCH], 0);
}

static void
nd_channel_models_dispose (GObject *object)
{
  NdChannelModels *self = ND_CHANNEL_MODELS (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (nd_channel_models_parent_class)->dispose (object);
}

static void
nd_channel_models_finalize (GObject *object)
{
  g_ptr_array_unref (ND_CHANNEL_MODELS (object)->entries);
  G_OBJECT_CLASS (nd_channel_models_parent_class)->finalize (object);
}

static void
nd_channel_models_class_init (NdChannelModelsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nd_channel_models_dispose;
  object_class->finalize = nd_channel_models_finalize;
  /* changed: the list changed by the user's hand. */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* fetch: "Fetch from Upstream" was clicked. */
  signals[SIGNAL_FETCH] = g_signal_new ("fetch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static void
nd_channel_models_init (NdChannelModels *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->entries = g_ptr_array_new_with_free_func (g_free);
  self->editable = TRUE;
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->chips_frame = gtk_frame_new (NULL);
  gtk_widget_add_css_class (self->chips_frame, "nd-model-chips-frame");
  gtk_widget_set_has_tooltip (self->chips_frame, TRUE);
  g_signal_connect (self->chips_frame, "query-tooltip", G_CALLBACK (chips_query_tooltip_cb), NULL);
  gtk_box_append (GTK_BOX (self->box), self->chips_frame);

  self->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->entry, _("Add models, separated by commas"));
  gtk_widget_set_hexpand (GTK_WIDGET (self->entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Add models"), -1);
  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (add_from_entry), self);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->entry));
  self->add_button = gtk_button_new_with_mnemonic (_("_Add"));
  g_signal_connect_swapped (self->add_button, "clicked", G_CALLBACK (add_from_entry), self);
  gtk_box_append (GTK_BOX (row), self->add_button);
  gtk_box_append (GTK_BOX (self->box), row);

  self->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->count_label, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->count_label), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "dim-label");
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->count_label));
  self->fetch_button = gtk_button_new_with_label (_("Fetch from Upstream"));
  g_signal_connect_swapped (self->fetch_button, "clicked", G_CALLBACK (fetch_clicked_cb), self);
  gtk_box_append (GTK_BOX (buttons), self->fetch_button);
  self->clear_button = gtk_button_new_with_label (_("Clear All"));
  gtk_widget_add_css_class (self->clear_button, "flat");
  g_signal_connect_swapped (self->clear_button, "clicked", G_CALLBACK (clear_clicked_cb), self);
  gtk_box_append (GTK_BOX (buttons), self->clear_button);
  gtk_box_append (GTK_BOX (self->box), buttons);

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "caption");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->error_label));
  rebuild (self);
}

GtkWidget *
nd_channel_models_new (void)
{
  return g_object_new (ND_TYPE_CHANNEL_MODELS, NULL);
}

void
nd_channel_models_set_models (NdChannelModels *self, const char *models)
{
  g_auto(GStrv) parts = NULL;

  g_return_if_fail (ND_IS_CHANNEL_MODELS (self));
  g_ptr_array_set_size (self->entries, 0);
  if (models != NULL && *models != '\0')
    {
      parts = nd_split_commas (models);
      for (guint i = 0; parts[i] != NULL; i++)
        g_ptr_array_add (self->entries, g_strdup (parts[i]));
    }
  rebuild (self);
}

char *
nd_channel_models_get_models (NdChannelModels *self)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (ND_IS_CHANNEL_MODELS (self), NULL);
  for (guint i = 0; i < self->entries->len; i++)
    {
      if (i > 0)
        g_string_append_c (s, ',');
      g_string_append (s, g_ptr_array_index (self->entries, i));
    }
  return g_string_free (s, FALSE);
}

void
nd_channel_models_add (NdChannelModels *self, const char *text)
{
  g_auto(GStrv) names = g_strsplit_set (text ? text : "", ",\n", -1);
  gboolean any = FALSE;

  g_return_if_fail (ND_IS_CHANNEL_MODELS (self));
  /* A blank entry left from an empty list would become ",model". */
  for (guint i = self->entries->len; i > 0; i--)
    if (blank (g_ptr_array_index (self->entries, i - 1)))
      g_ptr_array_remove_index (self->entries, i - 1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      char *name = g_strstrip (names[i]);
      gboolean seen = FALSE;

      if (*name == '\0')
        continue;
      for (guint j = 0; j < self->entries->len && !seen; j++)
        seen = g_strcmp0 (g_ptr_array_index (self->entries, j), name) == 0;
      if (!seen)
        {
          g_ptr_array_add (self->entries, g_strdup (name));
          any = TRUE;
        }
    }
  if (any)
    changed (self);
  else
    rebuild (self);
}

void
nd_channel_models_set_editable (NdChannelModels *self, gboolean editable)
{
  g_return_if_fail (ND_IS_CHANNEL_MODELS (self));
  self->editable = editable;
  gtk_widget_set_sensitive (GTK_WIDGET (self->entry), editable);
  gtk_widget_set_sensitive (self->add_button, editable);
  rebuild (self);
}

void
nd_channel_models_set_fetch_blocked (NdChannelModels *self, const char *reason)
{
  g_return_if_fail (ND_IS_CHANNEL_MODELS (self));
  nd_channel_set_blocked (self->fetch_button, reason, _("Ask the upstream which models it offers"));
}

void
nd_channel_models_set_error (NdChannelModels *self, const char *message)
{
  g_return_if_fail (ND_IS_CHANNEL_MODELS (self));
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}
