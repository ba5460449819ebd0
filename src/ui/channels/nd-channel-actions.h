/* nd-channel-actions.h — running a channel write from a widget, and how
 * the page's widgets say what they cannot do
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nd-source.h"

G_BEGIN_DECLS

/* Called on the main thread with the result, or with @error (never a
 * cancellation) when the write failed; the toast is already shown unless
 * the callback returns TRUE for an error it shows itself. */
typedef gboolean (*NdChannelWriteDone) (gpointer user_data, const NdWriteResult *result,
                                        const GError *error);

/* Runs @write (taken) on @source. Toasts at @owner: the result's notice
 * (servers with a memory cache apply it later) and its audit error, or the
 * error verbatim. Once @cancellable is cancelled nothing is shown and @done
 * is not called: the widget behind @user_data cancels it in dispose. */
void     nd_channel_run_write         (GtkWidget *owner, NdSource *source, NdWrite *write,
                                       GCancellable *cancellable, NdChannelWriteDone done,
                                       gpointer user_data);

/* What a write button says while writes are refused: the reason, or NULL
 * when @source may write. */
char    *nd_channel_write_blocked     (NdSource *source);

/* Shows @message (verbatim, keys masked) in the toast overlay above
 * @widget; a long one wraps instead of being cut, and stays longer. */
void     nd_channel_toast             (GtkWidget *widget, const char *message);

/* Sets @widget insensitive with @reason as its tooltip, or sensitive with
 * @tooltip (may be NULL) when @reason is NULL. */
void     nd_channel_set_blocked       (GtkWidget *widget, const char *reason, const char *tooltip);

G_END_DECLS
