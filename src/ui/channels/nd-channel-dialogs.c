/* nd-channel-dialogs.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-dialogs.h"
#include "nd-secure-string.h"

typedef struct {
  NdChannelAnswer answer;
  gpointer user_data;
  GDestroyNotify destroy;
  GtkWidget *input;             /* owned by the dialog */
  gboolean allow_empty;
} Ask;

static void
ask_free (Ask *ask)
{
  if (ask->destroy != NULL)
    ask->destroy (ask->user_data);
  g_free (ask);
}

/* The text of @input; a key is wiped by the caller. */
static char *
input_text (GtkWidget *input)
{
  if (input == NULL)
    return NULL;
  if (GTK_IS_TEXT_VIEW (input))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (input));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (input)));
}

static void
response_cb (AdwMessageDialog *dialog, const char *response, Ask *ask)
{
  g_autoptr(NdSecret) text = NULL;
  gboolean go = g_strcmp0 (response, "go") == 0;

  if (go)
    text = input_text (ask->input);
  if (GTK_IS_TEXT_VIEW (ask->input))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (ask->input)), "", 0);
  ask->answer (ask->user_data, go, text ? g_strstrip (text) : NULL);
}

static void
input_changed_cb (GtkWidget *input, AdwMessageDialog *dialog)
{
  Ask *ask = g_object_get_data (G_OBJECT (dialog), "nd-ask");
  g_autoptr(NdSecret) text = input_text (input);

  adw_message_dialog_set_response_enabled (dialog, "go",
                                           ask->allow_empty || *g_strstrip (text) != '\0');
}

static AdwMessageDialog *
dialog_new (GtkWidget *parent, const char *heading, const char *body, const char *action_label,
            gboolean destructive, GtkWidget *input, gboolean allow_empty,
            NdChannelAnswer answer, gpointer user_data, GDestroyNotify destroy)
{
  GtkRoot *root = parent ? gtk_widget_get_root (parent) : NULL;
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body));
  Ask *ask = g_new0 (Ask, 1);

  ask->answer = answer;
  ask->user_data = user_data;
  ask->destroy = destroy;
  ask->input = input;
  ask->allow_empty = allow_empty;
  g_object_set_data_full (G_OBJECT (dialog), "nd-ask", ask, (GDestroyNotify) ask_free);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "go", action_label, NULL);
  adw_message_dialog_set_response_appearance (dialog, "go",
                                              destructive ? ADW_RESPONSE_DESTRUCTIVE
                                                          : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, destructive ? "cancel" : "go");
  adw_message_dialog_set_close_response (dialog, "cancel");
  if (input != NULL)
    {
      adw_message_dialog_set_extra_child (dialog, input);
      if (GTK_IS_TEXT_VIEW (input))
        g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (input)), "changed",
                          G_CALLBACK (input_changed_cb), dialog);
      else
        g_signal_connect (input, "changed", G_CALLBACK (input_changed_cb), dialog);
      input_changed_cb (input, dialog);
    }
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), ask);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

AdwMessageDialog *
nd_channel_confirm (GtkWidget *parent, const char *heading, const char *body,
                    const char *action_label, NdChannelAnswer answer, gpointer user_data,
                    GDestroyNotify destroy)
{
  return dialog_new (parent, heading, body, action_label, TRUE, NULL, TRUE, answer, user_data,
                     destroy);
}

AdwMessageDialog *
nd_channel_offer (GtkWidget *parent, const char *heading, const char *body,
                  const char *action_label, NdChannelAnswer answer, gpointer user_data,
                  GDestroyNotify destroy)
{
  return dialog_new (parent, heading, body, action_label, FALSE, NULL, TRUE, answer, user_data,
                     destroy);
}

AdwMessageDialog *
nd_channel_ask_text (GtkWidget *parent, const char *heading, const char *body, const char *initial,
                     const char *action_label, gboolean allow_empty, NdChannelAnswer answer,
                     gpointer user_data, GDestroyNotify destroy)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_text (GTK_EDITABLE (entry), initial ? initial : "");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  return dialog_new (parent, heading, body, action_label, FALSE, entry, allow_empty, answer,
                     user_data, destroy);
}

AdwMessageDialog *
nd_channel_ask_key (GtkWidget *parent, const char *heading, const char *body, gboolean multi_key,
                    NdChannelAnswer answer, gpointer user_data, GDestroyNotify destroy)
{
  GtkWidget *input;

  if (multi_key)
    {
      /* One key per line, as NewAPI takes a multi-key channel's keys. */
      input = gtk_text_view_new ();
      gtk_text_view_set_monospace (GTK_TEXT_VIEW (input), TRUE);
      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (input), GTK_WRAP_CHAR);
      gtk_widget_set_size_request (input, 320, 120);
      gtk_widget_add_css_class (input, "nd-key-input");
    }
  else
    {
      /* A masked GtkEntry: a GtkPasswordEntry in a message dialog trips a
       * GTK 4.8 signal handler left behind when the dialog closes. */
      input = gtk_entry_new ();
      gtk_entry_set_visibility (GTK_ENTRY (input), FALSE);
      gtk_entry_set_input_purpose (GTK_ENTRY (input), GTK_INPUT_PURPOSE_PASSWORD);
      gtk_entry_set_activates_default (GTK_ENTRY (input), TRUE);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (input), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("New key"), -1);
  return dialog_new (parent, heading, body, _("_Replace Key"), TRUE, input, FALSE, answer,
                     user_data, destroy);
}

GtkWidget *
nd_channel_dialog_get_input (AdwMessageDialog *dialog)
{
  Ask *ask = g_object_get_data (G_OBJECT (dialog), "nd-ask");

  return ask ? ask->input : NULL;
}
