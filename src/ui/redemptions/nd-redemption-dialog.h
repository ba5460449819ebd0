/* nd-redemption-dialog.h — generate a batch of redemption codes
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nd-money.h"
#include "nd-source.h"

G_BEGIN_DECLS

#define ND_TYPE_REDEMPTION_DIALOG (nd_redemption_dialog_get_type ())
G_DECLARE_FINAL_TYPE (NdRedemptionDialog, nd_redemption_dialog, ND, REDEMPTION_DIALOG, AdwWindow)

/* The codes are made through @source in one write (one transaction, one
 * audit row over the database); on success it emits "saved" (the new
 * codes, a GPtrArray of char*) and closes. */
NdRedemptionDialog *nd_redemption_dialog_new  (GtkWidget *parent, NdSource *source,
                                               const NdMoney *money);
/* For tests: fills in the form as an admin would, then generates. */
void                nd_redemption_dialog_fill (NdRedemptionDialog *self, const char *name,
                                               guint count, gint64 quota);
void                nd_redemption_dialog_save (NdRedemptionDialog *self);

G_END_DECLS
