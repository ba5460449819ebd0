/* nd-toast.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-secure-string.h"
#include "nd-toast.h"

AdwToast *
nd_toast_new (const char *message)
{
  /* Messages quote servers verbatim, and servers quote keys. */
  g_autofree char *masked = nd_mask_text_dup (message ? message : "");
  g_autofree char *escaped = g_markup_escape_text (masked, -1);

  return adw_toast_new (escaped);
}

void
nd_toast_show (GtkWidget *widget, const char *message)
{
  GtkWidget *overlay = widget;

  while (overlay != NULL && !ADW_IS_TOAST_OVERLAY (overlay))
    overlay = gtk_widget_get_parent (overlay);
  if (overlay == NULL)
    {
      /* Not on screen (a page being torn down): nobody to tell. */
      g_debug ("No toast overlay for: %s", message);
      return;
    }
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), nd_toast_new (message));
}
