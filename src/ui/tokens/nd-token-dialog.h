/* nd-token-dialog.h — make a token, or change one's name, quota, expiry,
 * limits and group
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nd-money.h"
#include "nd-source.h"

G_BEGIN_DECLS

#define ND_TYPE_TOKEN_DIALOG (nd_token_dialog_get_type ())
G_DECLARE_FINAL_TYPE (NdTokenDialog, nd_token_dialog, ND, TOKEN_DIALOG, AdwWindow)

/* Edits @token (copied), or makes a new one when NULL, through @source.
 * @owner is the new token's owner at first; with @any_owner the admin may
 * pick another (a database lists every user's tokens; NewAPI's API makes
 * them for the caller only). On success it emits "saved" (the row's id and
 * the write's secrets: the new key, shown once) and closes. */
NdTokenDialog *nd_token_dialog_new (GtkWidget *parent, NdSource *source, const NdMoney *money,
                                    const NdToken *token, gint64 owner, gboolean any_owner);

/* For tests: fills in the form as an admin would, then saves. */
void           nd_token_dialog_fill (NdTokenDialog *self, const char *name, gint64 owner,
                                     gint64 quota, gboolean unlimited);
void           nd_token_dialog_save (NdTokenDialog *self);

/* An expiry from a form: @never_value when the @never switch is on, else
 * the time written in @row (nd_time_parse); FALSE with a sentence saying
 * how to write one. */
gboolean       nd_form_read_expiry  (GtkSwitch *never, AdwEntryRow *row, gint64 never_value,
                                     gint64 *out, GError **error);

G_END_DECLS
