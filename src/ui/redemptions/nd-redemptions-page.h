/* nd-redemptions-page.h — redemption codes: batches, who redeemed what
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-page.h"
#include "nd-redemption-dialog.h"
#include "nd-secret-dialog.h"

G_BEGIN_DECLS

#define ND_TYPE_REDEMPTIONS_PAGE (nd_redemptions_page_get_type ())
G_DECLARE_FINAL_TYPE (NdRedemptionsPage, nd_redemptions_page, ND, REDEMPTIONS_PAGE, NdPage)

void                nd_redemptions_page_reload            (NdRedemptionsPage *self);

/* For tests. The table's rows (NdRecordItem of NdRedemption). */
GListModel         *nd_redemptions_page_get_model         (NdRedemptionsPage *self);
gboolean            nd_redemptions_page_is_busy           (NdRedemptionsPage *self);
/* Opens the batch form (as Generate Codes does). */
NdRedemptionDialog *nd_redemptions_page_generate          (NdRedemptionsPage *self);
/* Opens the edit form for the one selected code (as Edit… does), or NULL. */
NdRedemptionDialog *nd_redemptions_page_edit              (NdRedemptionsPage *self);
/* The codes window on screen, or NULL. */
NdSecretDialog     *nd_redemptions_page_get_secret_dialog (NdRedemptionsPage *self);
const char         *nd_redemptions_page_get_blocked       (NdRedemptionsPage *self);

G_END_DECLS
