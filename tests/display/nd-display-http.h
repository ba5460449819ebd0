/* nd-display-http.h — a session on the fake NewAPI, as a URL-only profile
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nd-display-test.h"
#include "nd-fake-newapi.h"
#include "nd-session.h"

G_BEGIN_DECLS

/* A profile with only the fake's URL, logged in as the first enabled user
 * of @role (1, 10, 100) with its token in a memory keyring, and a session
 * on it, connected: the session builds its HTTP source itself, exactly as
 * the app does for such a profile. */
NdSession *nd_display_http_session (NdFakeNewapi *fake, int role, gboolean read_only);

G_END_DECLS
