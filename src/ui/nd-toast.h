/* nd-toast.h — toasts that show their text as it is
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An AdwToast title is Pango markup (libadwaita 1.2): a file name with an
 * '&' or a server message with a '<' would be parsed, and fail. Every toast
 * of the app is made here, from plain text.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* A toast whose title is @message, keys masked, escaped. */
AdwToast *nd_toast_new  (const char *message);
/* Shows @message in the nearest AdwToastOverlay at or above @widget. */
void      nd_toast_show (GtkWidget *widget, const char *message);

G_END_DECLS
