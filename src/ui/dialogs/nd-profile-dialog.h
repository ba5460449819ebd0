/* nd-profile-dialog.h — create, edit, test and remove a connection profile
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nd-profile.h"

G_BEGIN_DECLS

#define ND_TYPE_PROFILE_DIALOG (nd_profile_dialog_get_type ())
G_DECLARE_FINAL_TYPE (NdProfileDialog, nd_profile_dialog, ND, PROFILE_DIALOG, AdwWindow)

/* @profile NULL creates a new one. Emits ::saved (NdProfile *) after the
 * store saved it (settings and secrets), then closes. */
NdProfileDialog *nd_profile_dialog_new (GtkWindow *parent, NdProfileStore *store,
                                        NdProfile *profile);

G_END_DECLS
