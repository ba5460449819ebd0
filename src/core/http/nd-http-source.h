/* nd-http-source.h — NdSource over a running NewAPI's admin HTTP API
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Version-adaptive (reference §0, §3.1): the probe reads /api/status for
 * the version and adapts to it:
 *   - channels and tokens before v0.8.8.0: 0-based `p`, bare arrays (tokens
 *     with `size` instead of `page_size`); since then 1-based `p` with
 *     {items, total, page, page_size}. Users, logs and redemptions are
 *     1-based with that shape on every version this app supports. Replies
 *     are parsed by shape, not by version, so a surprising server still works.
 *   - `request_id` filters/columns from v1.0.0-rc.6; /api/data/flow where the
 *     server answers it (probed).
 *   - channel status: POST /api/channel/:id/status from v1.0.0-rc.16 (PUT
 *     /api/channel/ refuses `status` there); before, PUT with `status`
 *     (nd-http-source-write.c).
 *
 * Writes go through NewAPI, which keeps its own invariants, caches and audit
 * rows; the server's refusal is shown verbatim. A channel test or a balance
 * read makes NewAPI store its result, so a read-only profile refuses them
 * too (nd-http-source-channel.c).
 *
 * What the API cannot do is left out of the capabilities (NdServerInfo):
 * no IP filter for logs, no latency facts, no tokens of other users (tokens
 * are self-scoped), per-user / per-channel / per-token facts only with
 * /api/data/flow. Logs use NewAPI's p/page_size paging; see
 * nd-http-source-logs.c for how keyset paging is emulated on top of it.
 */
#pragma once

#include "nd-http-client.h"
#include "nd-profile.h"
#include "nd-source.h"

G_BEGIN_DECLS

#define ND_TYPE_HTTP_SOURCE (nd_http_source_get_type ())
G_DECLARE_FINAL_TYPE (NdHttpSource, nd_http_source, ND, HTTP_SOURCE, NdSource)

NdSource     *nd_http_source_new        (const char *url, gint64 user_id, const char *token,
                                         gboolean read_only);
NdHttpClient *nd_http_source_get_client (NdHttpSource *self);

/* The source for a profile with a URL; a clear error when the profile
 * lacks the token or the user id. */
NdSource     *nd_http_source_new_for_profile (NdProfile *profile, const char *api_token,
                                              GError **error);

G_END_DECLS
