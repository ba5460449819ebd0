/* nd-health-item.h — one channel in a health run: its state and result
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Items live in the runner's list model (nd_health_runner_get_items). Every
 * change is notified on the main context, the values first and "state"
 * last, so a view that watches notify::state sees a whole result.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  ND_HEALTH_WAITING,     /* queued */
  ND_HEALTH_RUNNING,     /* being probed (or its result being stored) */
  ND_HEALTH_OK,          /* the upstream worked */
  ND_HEALTH_FAILED,      /* the upstream failed or did not answer: message says how */
  ND_HEALTH_SKIPPED,     /* could not be tested at all: message says why */
  ND_HEALTH_CANCELLED,   /* the run was cancelled first */
} NdHealthState;

/* "waiting", "running", "ok", "failed", "skipped", "cancelled" (--json). */
const char *nd_health_state_nick (NdHealthState state);

#define ND_TYPE_HEALTH_ITEM (nd_health_item_get_type ())
G_DECLARE_FINAL_TYPE (NdHealthItem, nd_health_item, ND, HEALTH_ITEM, GObject)

gint64        nd_health_item_get_id          (NdHealthItem *self);
const char   *nd_health_item_get_name        (NdHealthItem *self);
int           nd_health_item_get_channel_type (NdHealthItem *self);
NdHealthState nd_health_item_get_state       (NdHealthItem *self);
gboolean      nd_health_item_is_done         (NdHealthItem *self);
/* The probe's duration in ms; -1 when unknown (not run, or never reached
 * the upstream). */
gint64        nd_health_item_get_latency_ms  (NdHealthItem *self);
/* FAILED: the upstream's words (keys masked); SKIPPED: why; else NULL. */
const char   *nd_health_item_get_message     (NdHealthItem *self);
/* SKIPPED: the ND_ERROR code of the reason (ND_ERROR_NOT_FOUND for a
 * channel that does not exist, ND_ERROR_UNSUPPORTED for one that cannot
 * be probed); 0 otherwise. */
int           nd_health_item_get_error_code  (NdHealthItem *self);
/* NewAPI's error_code of a failed test over its API, or NULL. */
const char   *nd_health_item_get_upstream_code (NdHealthItem *self);
/* A balance run: USD as NewAPI stores it (NAN when unknown), and when it
 * was read (unix s, 0 when not read). */
double        nd_health_item_get_balance     (NdHealthItem *self);
gint64        nd_health_item_get_balance_time (NdHealthItem *self);
/* The result was stored (test_time/response_time, or the balance). */
gboolean      nd_health_item_get_recorded    (NdHealthItem *self);
/* This run disabled the channel (status 2, the failure as the reason). */
gboolean      nd_health_item_get_disabled    (NdHealthItem *self);
/* Storing the result or disabling failed: why; else NULL. */
const char   *nd_health_item_get_write_error (NdHealthItem *self);

/* For the runner. */
NdHealthItem *_nd_health_item_new            (gint64 id, const char *name, int type);
void          _nd_health_item_set_running    (NdHealthItem *self);
void          _nd_health_item_finish         (NdHealthItem *self, NdHealthState state,
                                              gint64 latency_ms, const char *message,
                                              int error_code, const char *upstream_code);
void          _nd_health_item_set_balance    (NdHealthItem *self, double balance, gint64 time);
void          _nd_health_item_set_written    (NdHealthItem *self, gboolean recorded,
                                              gboolean disabled, const char *write_error);

G_END_DECLS
