/* nd-fake-upstream.h — a channel's upstream inside the test process
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A SoupServer on 127.0.0.1 playing OpenAI (and every OpenAI-compatible
 * path), Azure, Anthropic and Gemini, strictly: each flavour answers only
 * to its own auth header (Bearer; api-key; x-api-key with
 * anthropic-version; x-goog-api-key). What a key does is in its name:
 *
 *   sk-good…     a working account
 *   sk-slow…     working, but every answer waits nd_fake_upstream_set_delay
 *   sk-err200…   200 with {"error": {"message": "…"}} (a relay's way to fail)
 *   sk-nousage…  200 without a usage block
 *   anything else  401 whose message quotes the whole key (as careless
 *                upstreams do), so tests can check the key is scrubbed
 *
 * It counts requests in flight and remembers the largest number, and
 * records each request (method, path with query, headers, body).
 * Runs on the thread-default main context.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _NdFakeUpstream NdFakeUpstream;

NdFakeUpstream *nd_fake_upstream_new        (GError **error);
void            nd_fake_upstream_free       (NdFakeUpstream *self);
/* "http://127.0.0.1:PORT" */
const char     *nd_fake_upstream_get_url    (NdFakeUpstream *self);
/* How long sk-slow keys wait (default 200 ms). */
void            nd_fake_upstream_set_delay  (NdFakeUpstream *self, guint ms);
/* The most requests that were being answered at once. */
guint           nd_fake_upstream_get_peak   (NdFakeUpstream *self);
guint           nd_fake_upstream_get_n_requests (NdFakeUpstream *self);
/* "GET /v1/models", "POST /v1beta/models/gemini-2.5-flash:generateContent", … */
const char     *nd_fake_upstream_get_request (NdFakeUpstream *self, guint index);
/* A header of request @index (NULL when absent), and its body. */
const char     *nd_fake_upstream_get_header (NdFakeUpstream *self, guint index, const char *name);
const char     *nd_fake_upstream_get_body   (NdFakeUpstream *self, guint index);
void            nd_fake_upstream_reset      (NdFakeUpstream *self);

/* An address where nothing listens (the connection is refused). */
char           *nd_fake_upstream_dead_url   (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdFakeUpstream, nd_fake_upstream_free)

G_END_DECLS
