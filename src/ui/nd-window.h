/* nd-window.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window: a sidebar of pages, the active connection (NdSession) and
 * the profile switcher. Window actions other features may use:
 *
 *   win.show-page      (s)  dashboard | logs | channels | tokens | users | redemptions | models
 *   win.open-logs      (s)  an NdLogQuery string; shows Logs and applies it
 *   win.switch-profile (s)  a profile id
 *   win.new-profile, win.edit-profile, win.reconnect
 *   win.open-report, win.open-recent-report (s: a URI), win.close-report
 *     (nd-report-open.h)
 *
 * Every page has a `session` property (NdSession, nullable) that the window
 * sets whenever the active connection changes.
 */
#pragma once

#include <adwaita.h>

#include "nd-application.h"
#include "nd-session.h"

G_BEGIN_DECLS

#define ND_TYPE_WINDOW (nd_window_get_type ())
G_DECLARE_FINAL_TYPE (NdWindow, nd_window, ND, WINDOW, AdwApplicationWindow)

NdWindow  *nd_window_new         (NdApplication *app);
NdSession *nd_window_get_session (NdWindow *self);
void       nd_window_add_toast   (NdWindow *self, AdwToast *toast);
/* Shows @session (over an opened report) instead of the active profile's;
 * NULL goes back to the active profile. See nd-report-open.h. */
void       nd_window_show_report (NdWindow *self, NdSession *session);

G_END_DECLS
