/* nd-health-runner.h — testing channels, or reading their balances, many at
 * a time, with a limit, progress and cancel
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Channels page and `newapi-desk channels test` share this. A run:
 *
 *   1. lists the channels once (names, status, auto-ban) and makes one
 *      NdHealthItem per channel in the list model (nd_health_runner_get_items):
 *      the ids asked for, in that order (an id that does not exist is
 *      SKIPPED with ND_ERROR_NOT_FOUND), or with no ids every channel NewAPI's
 *      own batch would take: for tests all but the manually disabled ones,
 *      for balances the enabled single-key ones;
 *   2. probes them through the source (nd_source_test_channel_async /
 *      update_balance_async: over HTTP NewAPI's endpoints, over PostgreSQL
 *      the app's own probe), never more at once than the concurrency limit,
 *      each with the timeout;
 *   3. with record set, stores what NewAPI stores and the source did not
 *      store itself: a successful test's test_time and response_time (ms;
 *      NewAPI's single-channel test records only successes), a balance and
 *      its time;
 *   4. with disable_failing set, disables each channel whose upstream
 *      failed (not one that could not be tested at all), if it is enabled
 *      and its auto-ban is on: status 2 (manually disabled) with the
 *      failure as the reason, so NewAPI's own automatic re-enabling of
 *      status 3 never undoes the admin's decision.
 *
 * Recording and disabling are writes: on a read-only profile the run fails
 * with ND_ERROR_READ_ONLY before any probe. A source that stores test
 * results itself (NewAPI's API) refuses tests on a read-only profile: the
 * run stops at the first such refusal and fails with it.
 *
 * Cancelling the run's GCancellable stops the probes in flight and marks
 * every unfinished item CANCELLED; the run then fails with
 * G_IO_ERROR_CANCELLED. One run at a time per runner.
 */
#pragma once

#include <gio/gio.h>

#include "nd-health-item.h"
#include "nd-source.h"

G_BEGIN_DECLS

#define ND_HEALTH_DEFAULT_CONCURRENCY 4
#define ND_HEALTH_MAX_CONCURRENCY 16
#define ND_HEALTH_DEFAULT_TIMEOUT 30

#define ND_TYPE_HEALTH_RUNNER (nd_health_runner_get_type ())
G_DECLARE_FINAL_TYPE (NdHealthRunner, nd_health_runner, ND, HEALTH_RUNNER, GObject)

NdHealthRunner *nd_health_runner_new         (NdSource *source);
NdSource       *nd_health_runner_get_source  (NdHealthRunner *self);

/* Probes at once, 1 … ND_HEALTH_MAX_CONCURRENCY (clamped). */
void      nd_health_runner_set_concurrency   (NdHealthRunner *self, guint concurrency);
guint     nd_health_runner_get_concurrency   (NdHealthRunner *self);
/* Seconds one channel's probe may take (1 at least); it then FAILED. */
void      nd_health_runner_set_timeout       (NdHealthRunner *self, guint seconds);
/* The model tests ask for: NULL tests the model list over PostgreSQL (and
 * the channel's test model over NewAPI's API), "" the channel's test model
 * everywhere, anything else that model. */
void      nd_health_runner_set_model         (NdHealthRunner *self, const char *model);
void      nd_health_runner_set_record        (NdHealthRunner *self, gboolean record);
void      nd_health_runner_set_disable_failing (NdHealthRunner *self, gboolean disable);

/* (element-type NdHealthItem) The items of the current or last run. */
GListModel *nd_health_runner_get_items       (NdHealthRunner *self);
NdHealthItem *nd_health_runner_find          (NdHealthRunner *self, gint64 id);
gboolean  nd_health_runner_is_running        (NdHealthRunner *self);
/* Items finished and items in the run; the "progress" signal (guint done,
 * guint total) says the same each time an item finishes. */
void      nd_health_runner_get_progress      (NdHealthRunner *self, guint *done, guint *total);
/* The most probes that were in flight at once during the last run. */
guint     nd_health_runner_get_peak          (NdHealthRunner *self);

/* @ids: the channels (in this order); NULL or none: all, as above. */
void      nd_health_runner_test_async        (NdHealthRunner *self, const gint64 *ids,
                                              guint n_ids, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
void      nd_health_runner_balance_async     (NdHealthRunner *self, const gint64 *ids,
                                              guint n_ids, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
/* TRUE when every item ran (whatever each found); FALSE when the run could
 * not start, was refused or cancelled. */
gboolean  nd_health_runner_run_finish        (NdHealthRunner *self, GAsyncResult *result,
                                              GError **error);

G_END_DECLS
