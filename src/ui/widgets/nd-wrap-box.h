/* nd-wrap-box.h — children in a row that wraps onto more rows when narrow
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libadwaita 1.2 has no wrap box (AdwWrapBox is 1.7): toolbars of filters
 * use this so a page still works in half a laptop screen. Children keep
 * their natural width (never more than the box); spare room on a row goes
 * to its hexpand children. Children are added in .ui files with <child>.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ND_TYPE_WRAP_BOX (nd_wrap_box_get_type ())
G_DECLARE_FINAL_TYPE (NdWrapBox, nd_wrap_box, ND, WRAP_BOX, GtkWidget)

GtkWidget *nd_wrap_box_new    (void);
void       nd_wrap_box_append (NdWrapBox *self, GtkWidget *child);

G_END_DECLS
