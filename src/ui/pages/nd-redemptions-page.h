/* nd-redemptions-page.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-page.h"

G_BEGIN_DECLS

#define ND_TYPE_REDEMPTIONS_PAGE (nd_redemptions_page_get_type ())
G_DECLARE_FINAL_TYPE (NdRedemptionsPage, nd_redemptions_page, ND, REDEMPTIONS_PAGE, NdPage)

G_END_DECLS
