/* nd-redemption-dialog.h — generate a batch of redemption codes, or edit
 * one code's name, quota and expiry
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nd-money.h"
#include "nd-source.h"

G_BEGIN_DECLS

#define ND_TYPE_REDEMPTION_DIALOG (nd_redemption_dialog_get_type ())
G_DECLARE_FINAL_TYPE (NdRedemptionDialog, nd_redemption_dialog, ND, REDEMPTION_DIALOG, AdwWindow)

/* With @code NULL: the codes are made through @source in one write (one
 * transaction, one audit row over the database); on success it emits
 * "saved" (the new codes, a GPtrArray of char*) and closes. With @code
 * (not kept): edits that code's name, quota and expiry; on success it
 * emits "saved" (NULL) and closes, and the server's refusal is a toast. */
NdRedemptionDialog *nd_redemption_dialog_new  (GtkWidget *parent, NdSource *source,
                                               const NdMoney *money, const NdRedemption *code);
/* For tests: fills in the form as an admin would (@count only for a
 * batch; @expires as typed, NULL for never), then saves. */
void                nd_redemption_dialog_fill (NdRedemptionDialog *self, const char *name,
                                               guint count, gint64 quota);
void                nd_redemption_dialog_fill_expiry (NdRedemptionDialog *self,
                                                      const char *expires);
void                nd_redemption_dialog_save (NdRedemptionDialog *self);

G_END_DECLS
