/* nd-upstream.h — probing a channel's upstream directly, as NewAPI does
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A source that reads the database cannot ask NewAPI to test a channel, so
 * it asks the upstream itself, exactly as NewAPI would (reference §2.6a;
 * the requests are built in nd-upstream-plan.c):
 *
 *   test, no model   the model list (GET …/v1/models and the type's
 *                    variants; Gemini paged); ok when it is one
 *   test, a model    NewAPI's test chat: one user message "hi", a few
 *                    tokens, not streamed; ok on 200 with usage and no
 *                    "error" ("" asks for the channel's own test model)
 *   models           the model list's ids
 *   balance          the balance calls of the type (not recorded here)
 *
 * Unlike NewAPI's, every probe has a deadline (nd_upstream_set_timeout). A
 * test that reached the upstream, or tried to (refused, timed out), is a
 * result with ok = FALSE and the upstream's words; a channel that cannot be
 * probed at all fails with ND_ERROR_UNSUPPORTED and a reason.
 *
 * The key lives in the NdUpstreamTarget the caller hands over (it is wiped
 * when the probe ends) and in the request headers; it is never in a URL,
 * a message or a log line, and text from the upstream is scrubbed of it.
 * Redirects are not followed, so the key goes nowhere but the base URL.
 *
 * Runs on the caller's thread-default main context (libsoup async).
 */
#pragma once

#include <gio/gio.h>

#include "nd-source.h"
#include "nd-upstream-plan.h"

G_BEGIN_DECLS

/* Seconds a probe may take unless set otherwise. */
#define ND_UPSTREAM_DEFAULT_TIMEOUT 30
/* Replies larger than this are refused (a model list is a few hundred kB). */
#define ND_UPSTREAM_MAX_REPLY (8 * 1024 * 1024)

#define ND_TYPE_UPSTREAM (nd_upstream_get_type ())
G_DECLARE_FINAL_TYPE (NdUpstream, nd_upstream, ND, UPSTREAM, GObject)

NdUpstream    *nd_upstream_new          (void);
/* The prober kept on @owner (a source), made on first use. */
NdUpstream    *nd_upstream_get_for      (GObject *owner);
/* Seconds before a probe gives up (1 at least). */
void           nd_upstream_set_timeout  (NdUpstream *self, guint seconds);
guint          nd_upstream_get_timeout  (NdUpstream *self);
/* Requests sent so far, for tests. */
guint          nd_upstream_get_n_requests (NdUpstream *self);

/* Each call takes @target. */
void           nd_upstream_test_async     (NdUpstream *self, NdUpstreamTarget *target,
                                           const char *model, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
NdChannelTest *nd_upstream_test_finish    (NdUpstream *self, GAsyncResult *result,
                                           GError **error);
void           nd_upstream_models_async   (NdUpstream *self, NdUpstreamTarget *target,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
GStrv          nd_upstream_models_finish  (NdUpstream *self, GAsyncResult *result,
                                           GError **error);
/* → NdChannelBalance with recorded = FALSE: storing it is the caller's. */
void           nd_upstream_balance_async  (NdUpstream *self, NdUpstreamTarget *target,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
NdChannelBalance *nd_upstream_balance_finish (NdUpstream *self, GAsyncResult *result,
                                              GError **error);

G_END_DECLS
