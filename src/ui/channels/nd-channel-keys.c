/* nd-channel-keys.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-channel-data.h"
#include "nd-channel-keys.h"
#include "nd-write.h"

struct _NdChannelKeys
{
  GtkWidget parent_instance;

  GtkListBox *list;
  GPtrArray *switches;          /* (element-type GtkSwitch) by row */
  char *blocked;
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (NdChannelKeys, nd_channel_keys, GTK_TYPE_WIDGET)

enum { SIGNAL_TOGGLED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
switch_active_cb (GtkSwitch *sw, GParamSpec *pspec, NdChannelKeys *self)
{
  int index = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (sw), "nd-key-index"));

  if (self->updating)
    return;
  g_signal_emit (self, signals[SIGNAL_TOGGLED], 0, index,
                 gtk_switch_get_active (sw) ? ND_CHANNEL_STATUS_ENABLED
                                            : ND_CHANNEL_STATUS_MANUALLY_DISABLED);
}

static GtkWidget *
key_row (NdChannelKeys *self, const NdChannelKey *key, gint64 now)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();
  g_autofree char *title = g_strdup_printf (_("Key %d · %s"), key->index + 1,
                                            key->preview ? key->preview : "***");
  g_autofree char *subtitle = NULL;
  NdChannel fake = { 0 };

  fake.status_reason = key->reason;
  fake.status_time = key->disabled_time;
  if (key->status == ND_CHANNEL_STATUS_ENABLED)
    subtitle = g_strdup (nd_channel_status_label (key->status));
  else
    {
      g_autofree char *detail = nd_channel_status_detail (&fake, now);

      subtitle = detail ? g_strdup_printf ("%s: %s", nd_channel_status_label (key->status), detail)
                        : g_strdup (nd_channel_status_label (key->status));
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  gtk_widget_add_css_class (row, "nd-key-row");
  gtk_widget_add_css_class (row, nd_channel_status_class (key->status));

  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (sw), key->status == ND_CHANNEL_STATUS_ENABLED);
  g_object_set_data (G_OBJECT (sw), "nd-key-index", GINT_TO_POINTER (key->index));
  gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_signal_connect (sw, "notify::active", G_CALLBACK (switch_active_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  g_ptr_array_add (self->switches, sw);
  return row;
}

static void
apply_blocked (NdChannelKeys *self)
{
  for (guint i = 0; i < self->switches->len; i++)
    {
      GtkWidget *sw = g_ptr_array_index (self->switches, i);

      nd_channel_set_blocked (sw, self->blocked, _("Use this key for requests"));
    }
}

static void
nd_channel_keys_dispose (GObject *object)
{
  NdChannelKeys *self = ND_CHANNEL_KEYS (object);

  g_ptr_array_set_size (self->switches, 0);
  if (self->list != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->list));
      self->list = NULL;
    }
  G_OBJECT_CLASS (nd_channel_keys_parent_class)->dispose (object);
}

static void
nd_channel_keys_finalize (GObject *object)
{
  NdChannelKeys *self = ND_CHANNEL_KEYS (object);

  g_ptr_array_unref (self->switches);
  g_free (self->blocked);
  G_OBJECT_CLASS (nd_channel_keys_parent_class)->finalize (object);
}

static void
nd_channel_keys_class_init (NdChannelKeysClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nd_channel_keys_dispose;
  object_class->finalize = nd_channel_keys_finalize;
  /* toggled (index, status): the admin switched key @index to @status. */
  signals[SIGNAL_TOGGLED] = g_signal_new ("toggled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static void
nd_channel_keys_init (NdChannelKeys *self)
{
  self->switches = g_ptr_array_new ();
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_widget_set_parent (GTK_WIDGET (self->list), GTK_WIDGET (self));
}

GtkWidget *
nd_channel_keys_new (void)
{
  return g_object_new (ND_TYPE_CHANNEL_KEYS, NULL);
}

void
nd_channel_keys_set_keys (NdChannelKeys *self, GPtrArray *keys, gint64 now)
{
  GtkWidget *child;

  g_return_if_fail (ND_IS_CHANNEL_KEYS (self));
  g_ptr_array_set_size (self->switches, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  self->updating = TRUE;
  for (guint i = 0; keys != NULL && i < keys->len; i++)
    gtk_list_box_append (self->list, key_row (self, g_ptr_array_index (keys, i), now));
  self->updating = FALSE;
  apply_blocked (self);
}

void
nd_channel_keys_set_blocked (NdChannelKeys *self, const char *reason)
{
  g_return_if_fail (ND_IS_CHANNEL_KEYS (self));
  g_free (self->blocked);
  self->blocked = g_strdup (reason);
  apply_blocked (self);
}

GtkSwitch *
nd_channel_keys_get_switch (NdChannelKeys *self, int index)
{
  g_return_val_if_fail (ND_IS_CHANNEL_KEYS (self), NULL);
  for (guint i = 0; i < self->switches->len; i++)
    {
      GtkSwitch *sw = g_ptr_array_index (self->switches, i);

      if (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (sw), "nd-key-index")) == index)
        return sw;
    }
  return NULL;
}
