/* nd-tokens-page.h — API tokens: every user's over the database, the
 * connected account's own over NewAPI's API
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-page.h"
#include "nd-secret-dialog.h"
#include "nd-token-dialog.h"

G_BEGIN_DECLS

#define ND_TYPE_TOKENS_PAGE (nd_tokens_page_get_type ())
G_DECLARE_FINAL_TYPE (NdTokensPage, nd_tokens_page, ND, TOKENS_PAGE, NdPage)

void            nd_tokens_page_reload        (NdTokensPage *self);

/* For tests. The table's rows (NdRecordItem of NdToken). */
GListModel     *nd_tokens_page_get_model     (NdTokensPage *self);
gboolean        nd_tokens_page_is_busy       (NdTokensPage *self);
/* Opens the form for a new token (as the New Token button does). */
NdTokenDialog  *nd_tokens_page_new_token     (NdTokensPage *self);
/* The key window on screen, or NULL. */
NdSecretDialog *nd_tokens_page_get_secret_dialog (NdTokensPage *self);
/* The selected token's usage, in the Usage button's popover (for tests). */
GtkWidget      *nd_tokens_page_get_usage (NdTokensPage *self);
/* Why writes are refused (NULL when they are not). */
const char     *nd_tokens_page_get_blocked   (NdTokensPage *self);

G_END_DECLS
