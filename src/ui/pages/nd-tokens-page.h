/* nd-tokens-page.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-page.h"

G_BEGIN_DECLS

#define ND_TYPE_TOKENS_PAGE (nd_tokens_page_get_type ())
G_DECLARE_FINAL_TYPE (NdTokensPage, nd_tokens_page, ND, TOKENS_PAGE, NdPage)

G_END_DECLS
