/* nd-preferences-window.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ND_TYPE_PREFERENCES_WINDOW (nd_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (NdPreferencesWindow, nd_preferences_window, ND, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* Rows are bound to @settings (the app schema); NdApplication applies them. */
NdPreferencesWindow *nd_preferences_window_new (GtkWindow *parent, GSettings *settings);

G_END_DECLS
