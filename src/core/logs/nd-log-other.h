/* nd-log-other.h — NewAPI's `other` log column, read once and typed
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `other` is JSON text NewAPI writes beside each log; which keys it has
 * depends on the log type and the server version (reference §4.2). This
 * is the one place that reads it: the log detail pane shows these fields,
 * and every path that shows, copies or writes `other` (the detail pane's
 * JSON view and copy button, the export) takes its masked text from
 * nd_log_other_mask(). Absent values stay "unset": NAN for numbers, -1
 * for counts and ids, NULL for text. Values of the wrong type are unset
 * too, never misread. Pure, any thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  /* consume logs (type 2): how the charge was computed */
  double  model_ratio;
  double  completion_ratio;
  double  group_ratio;
  double  user_group_ratio;      /* NewAPI writes -1 for "none": kept as NAN */
  double  model_price;           /* USD per call; -1 (ratio billing) is NAN */
  gint64  cache_tokens;
  double  cache_ratio;
  gint64  cache_creation_tokens;
  double  cache_creation_ratio;
  double  frt_ms;                /* first response; < 0: not measured (non-stream) */
  char   *reasoning_effort;
  char   *request_path;          /* also on error logs */
  char   *upstream_model_name;   /* only when the model was mapped */
  char   *billing_source;        /* "wallet", "subscription" */
  char   *reject_reason;

  /* error logs (type 5) */
  char   *error_type;
  char   *error_code;            /* a string or a number in NewAPI's JSON */
  gint64  status_code;

  /* login logs (type 7) */
  char   *login_method;
  char   *user_agent;

  /* audit logs (type 3): other.op */
  char   *op_action;
  gint64  op_target_user_id;
  char   *op_params;             /* the params object as compact, masked JSON */

  /* admin_info, on every type */
  GArray *use_channel;           /* (element-type gint64) the retry chain; NULL when absent */
  gboolean is_multi_key;
  gint64  multi_key_index;
} NdLogOther;

/* Reads @text; NULL when it is empty or not a JSON object (show it raw,
 * masked, then). */
NdLogOther *nd_log_other_read  (const char *text);
void        nd_log_other_free  (NdLogOther *other);

/* @text with every key masked, safe to show, copy or write; @pretty
 * indents it for reading. Keys are masked in the JSON's decoded strings,
 * so one spelled with escapes ("sk\u002dproj-…") does not slip through;
 * text that is not JSON is masked as it is. Never NULL for non-NULL text. */
char       *nd_log_other_mask  (const char *text, gboolean pretty);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NdLogOther, nd_log_other_free)

G_END_DECLS
