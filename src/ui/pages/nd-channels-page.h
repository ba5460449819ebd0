/* nd-channels-page.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-page.h"

G_BEGIN_DECLS

#define ND_TYPE_CHANNELS_PAGE (nd_channels_page_get_type ())
G_DECLARE_FINAL_TYPE (NdChannelsPage, nd_channels_page, ND, CHANNELS_PAGE, NdPage)

G_END_DECLS
