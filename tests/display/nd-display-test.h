/* nd-display-test.h — helpers for the display suite (runs under Xvfb)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nd-application.h"

G_BEGIN_DECLS

/* g_test_init + a display check. Without a display it prints a TAP plan
 * that skips everything and exits 0, or fails (exit 1) when
 * ND_REQUIRE_ALL=1 (CI), where a skip would hide a gap. */
void           nd_display_test_init   (int *argc, char ***argv);

/* One registered, non-unique NdApplication per test process. */
NdApplication *nd_display_test_app    (void);
/* Forgets all profiles and puts the app settings back to their defaults. */
void           nd_display_test_reset  (void);

/* Spins the main loop until @cond returns TRUE; fails after @timeout_s. */
typedef gboolean (*NdDisplayCond) (gpointer data);
void           nd_display_test_wait   (NdDisplayCond cond, gpointer data, guint timeout_s,
                                       const char *what);
/* Spins the main loop until @widget has been drawn once. */
void           nd_display_test_draw   (GtkWidget *widget);

/* Saves @widget as ND_SHOTS_DIR/@name.png when ND_SHOTS_DIR is set. */
void           nd_display_test_shot   (GtkWidget *widget, const char *name);

/* A template child by name: of @widget's @template_type, else of any
 * templated widget inside it. Fails the test when there is none. */
GtkWidget     *nd_display_test_child  (gpointer widget, GType template_type, const char *name);

/* Creates, saves and returns (transfer none) a profile in the app's store. */
NdProfile     *nd_display_test_add_profile (const char *name, const char *pg_dsn,
                                            gboolean read_only);

G_END_DECLS
