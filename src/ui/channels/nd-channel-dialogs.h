/* nd-channel-dialogs.h — the questions the Channels page asks: confirm a
 * destructive action, a tag for the selection, a new key
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Called once with TRUE when the admin went ahead, and with @text (a new
 * tag or key; wiped and freed after the call) where one was asked for. */
typedef void (*NdChannelAnswer) (gpointer user_data, gboolean go, const char *text);

/* Asks before a destructive action; @action_label is the button
 * ("Delete"). The dialog is transient for @parent's window. */
AdwMessageDialog *nd_channel_confirm   (GtkWidget *parent, const char *heading, const char *body,
                                        const char *action_label, NdChannelAnswer answer,
                                        gpointer user_data, GDestroyNotify destroy);
/* Offers a change the admin can still undo (it goes into a form): the
 * action is the suggested, default answer. */
AdwMessageDialog *nd_channel_offer     (GtkWidget *parent, const char *heading, const char *body,
                                        const char *action_label, NdChannelAnswer answer,
                                        gpointer user_data, GDestroyNotify destroy);
/* Asks for a line of text (a tag; "" allowed when @allow_empty). */
AdwMessageDialog *nd_channel_ask_text  (GtkWidget *parent, const char *heading, const char *body,
                                        const char *initial, const char *action_label,
                                        gboolean allow_empty, NdChannelAnswer answer,
                                        gpointer user_data, GDestroyNotify destroy);
/* Asks for a new key: masked, one line; several lines (one key each) when
 * @multi_key. The answer's text is the key. */
AdwMessageDialog *nd_channel_ask_key   (GtkWidget *parent, const char *heading, const char *body,
                                        gboolean multi_key, NdChannelAnswer answer,
                                        gpointer user_data, GDestroyNotify destroy);

/* The entry (GtkEntry, GtkPasswordEntry or GtkTextView) of a dialog above,
 * for tests. */
GtkWidget        *nd_channel_dialog_get_input (AdwMessageDialog *dialog);

G_END_DECLS
