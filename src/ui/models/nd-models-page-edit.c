/* nd-models-page-edit.c — the groups popover, the price editor, writes
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Edits go through NdSource (nd-write.h) with nd_channel_run_write: a
 * read-only profile or a report greys them with the reason, the notice
 * (servers with a memory cache apply it later) and the audit error are
 * toasted, and the list is read again after a write.
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-model-price-dialog.h"
#include "nd-models-page-private.h"
#include "nd-pricing.h"

static void edit_group_clicked (GtkButton *button, NdModelsPage *self);

/* ─── groups popover ────────────────────────────────────────────────────── */

static char *
count_or_unknown (gint64 n)
{
  return n < 0 ? g_strdup ("—") : nd_format_count (n);
}

void
_nd_models_page_fill_group_rows (NdModelsPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_list))) != NULL)
    gtk_list_box_remove (self->groups_list, child);
  for (guint i = 0; self->catalog != NULL && i < self->catalog->groups->len; i++)
    {
      const NdGroupEntry *g = g_ptr_array_index (self->catalog->groups, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *ratio = isnan (g->ratio) ? g_strdup (_("not set (1)"))
                                                : nd_pricing_format_number (g->ratio);
      g_autofree char *users = count_or_unknown (g->users);
      g_autofree char *tokens = count_or_unknown (g->tokens);
      g_autofree char *subtitle = NULL;
      GtkWidget *ratio_label = gtk_label_new (ratio);
      GtkWidget *edit = gtk_button_new_from_icon_name ("document-edit-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), *g->name ? g->name : _("(no group)"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      /* Translators: a group's members: "12 users · 30 tokens" */
      subtitle = g_strdup_printf (_("%s users · %s tokens"), users, tokens);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_add_css_class (ratio_label, "nd-group-ratio");
      gtk_widget_add_css_class (ratio_label, "heading");
      gtk_widget_set_tooltip_text (ratio_label, _("Group ratio"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), ratio_label);
      gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (edit, "flat");
      g_object_set_data_full (G_OBJECT (edit), "nd-group", g_strdup (g->name), g_free);
      nd_channel_set_blocked (edit, self->blocked, _("Change this group’s ratio"));
      g_signal_connect (edit, "clicked", G_CALLBACK (edit_group_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
      gtk_list_box_append (self->groups_list, row);
    }
}

/* ─── edits ─────────────────────────────────────────────────────────────── */

static gboolean
write_done (gpointer user_data, const NdWriteResult *result, const GError *error)
{
  NdModelsPage *self = user_data;

  /* The result's notice (toasted) says it was saved and when it applies. */
  self->writing = FALSE;
  nd_models_page_reload (self);
  return FALSE;
}

static void
save_cb (gpointer user_data, NdWrite *write)
{
  NdModelsPage *self = user_data;

  if (self->disposed || self->source == NULL || self->blocked != NULL)
    {
      nd_write_free (write);
      return;
    }
  self->writing = TRUE;
  _nd_models_page_update_actions (self);
  /* The page outlives the write or cancels it in dispose. */
  nd_channel_run_write (GTK_WIDGET (self->stack), self->source, write, self->write_cancellable,
                        write_done, self);
}

AdwMessageDialog *
nd_models_page_edit_price (NdModelsPage *self, const char *model)
{
  g_return_val_if_fail (ND_IS_MODELS_PAGE (self), NULL);
  if (self->blocked != NULL || self->writing || self->catalog == NULL || self->money == NULL ||
      model == NULL || nd_model_catalog_find (self->catalog, model) == NULL)
    return NULL;
  return nd_model_price_dialog_new (GTK_WIDGET (self), self->catalog, model, NULL, self->money,
                                    save_cb, self, NULL);
}

AdwMessageDialog *
nd_models_page_edit_group (NdModelsPage *self, const char *group)
{
  g_return_val_if_fail (ND_IS_MODELS_PAGE (self), NULL);
  if (self->blocked != NULL || self->writing || self->catalog == NULL || self->money == NULL ||
      group == NULL)
    return NULL;
  return nd_model_price_dialog_new (GTK_WIDGET (self), self->catalog, NULL, group, self->money,
                                    save_cb, self, NULL);
}

static void
edit_group_clicked (GtkButton *button, NdModelsPage *self)
{
  gtk_menu_button_popdown (self->groups_button);
  nd_models_page_edit_group (self, g_object_get_data (G_OBJECT (button), "nd-group"));
}

void
_nd_models_page_edit_price_action (GtkWidget *widget, const char *name, GVariant *param)
{
  NdModelsPage *self = ND_MODELS_PAGE (widget);
  NdModelItem *item = _nd_models_page_selected (self);

  if (item != NULL)
    nd_models_page_edit_price (self, nd_model_item_get_name (item));
}

void
_nd_models_page_find_action (GtkWidget *widget, const char *name, GVariant *param)
{
  gtk_widget_grab_focus (GTK_WIDGET (ND_MODELS_PAGE (widget)->search_entry));
}

void
_nd_models_page_activate_cb (NdModelsPage *self, guint position)
{
  g_autoptr(NdModelItem) item = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);

  if (item != NULL)
    nd_models_page_edit_price (self, nd_model_item_get_name (item));
}

