/* nd-channel-data.h — what the Channels page says about a channel: status,
 * badges, ages, filters and sort orders
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No GTK here: the rules live in one place, apart from the widgets that
 * show them. Thresholds are the ones NewAPI's admin UI uses (reference
 * §4.1): response times 500/1000/2000/5000 ms, balances 1/10/100 USD.
 */
#pragma once

#include "health/nd-health-item.h"
#include "nd-records.h"

G_BEGIN_DECLS

/* "Enabled", "Disabled" (by hand), "Auto-disabled", "Unknown" (translated). */
const char *nd_channel_status_label   (int status);
/* CSS class of the status badge: "enabled", "manual", "auto", "unknown". */
const char *nd_channel_status_class   (int status);
/* Why and when the status last changed (other_info), for a tooltip or a
 * subtitle; NULL when NewAPI recorded neither. Gateway text is masked. */
char       *nd_channel_status_detail  (const NdChannel *channel, gint64 now);

/* The last test's response time: "617 ms", "2.4 s"; "Not tested" for 0,
 * as NewAPI shows it. */
char       *nd_channel_response_text  (gint64 ms);
/* "untested", "excellent" (≤ 500 ms), "good" (≤ 1000), "fair" (≤ 2000),
 * "poor" (≤ 5000), "bad". */
const char *nd_channel_response_class (gint64 ms);

/* The upstream balance in USD ("$85.42"), or "—" when never checked. */
char       *nd_channel_balance_text   (const NdChannel *channel);
/* "unknown", "low" (< 1), "fair" (< 10), "good" (< 100), "high". */
const char *nd_channel_balance_class  (const NdChannel *channel);

/* A health result over the stored figures (@r NULL: none). The response
 * badge: "Waiting", "Testing…", "Failed" or the run's latency; a result
 * that could not run or was cancelled leaves @stored_ms. */
char       *nd_channel_result_text    (NdHealthItem *r, gint64 stored_ms);
const char *nd_channel_result_class   (NdHealthItem *r, gint64 stored_ms);
/* The icon name for @r (NULL: none) and its style class ("success",
 * "warning", "error", "dim-label"). */
const char *nd_channel_result_icon    (NdHealthItem *r, const char **cls);
/* The whole result for a tooltip: what happened, the upstream's words
 * verbatim (keys masked), whether it was stored or disabled the channel.
 * @balance: @r is a balance read. */
char       *nd_channel_result_detail  (NdHealthItem *r, gboolean balance);

/* "just now", "5 min ago", "3 h ago", "2 d ago"; "never" for 0. */
char       *nd_channel_age_text       (gint64 t, gint64 now);
/* A full local time for tooltips ("12/28/25 10:00"); "" for 0. */
char       *nd_channel_time_text      (gint64 t);

/* Entries of a comma list that are not blank (what an admin calls the
 * channel's models or groups; the list is still stored as NewAPI splits). */
guint       nd_channel_count_entries  (const char *list);
/* "default, vip": a comma list for reading. */
char       *nd_channel_list_text      (const char *list);
/* TRUE when @entry is one of the comma list's entries (NewAPI's split). */
gboolean    nd_channel_list_has       (const char *list, const char *entry);

typedef enum {
  ND_CHANNEL_STATUS_FILTER_ALL = 0,
  ND_CHANNEL_STATUS_FILTER_ENABLED,
  ND_CHANNEL_STATUS_FILTER_MANUAL,
  ND_CHANNEL_STATUS_FILTER_AUTO,
  ND_CHANNEL_STATUS_FILTER_DISABLED,    /* manual or auto */
} NdChannelStatusFilter;

typedef struct {
  char *search;                 /* casefolded; NULL = anything */
  NdChannelStatusFilter status;
  int type;                     /* -1 = any */
  char *group;                  /* NULL = any */
  char *tag;                    /* NULL = any, "" = untagged */
} NdChannelFilter;

void     nd_channel_filter_clear (NdChannelFilter *filter);
/* Search matches the id exactly, and the name, base URL, tag, remark and
 * model names as substrings, ignoring case. */
gboolean nd_channel_filter_match (const NdChannelFilter *filter, const NdChannel *channel);

typedef enum {
  ND_CHANNEL_SORT_ID,
  ND_CHANNEL_SORT_NAME,
  ND_CHANNEL_SORT_TYPE,
  ND_CHANNEL_SORT_STATUS,
  ND_CHANNEL_SORT_PRIORITY,
  ND_CHANNEL_SORT_WEIGHT,
  ND_CHANNEL_SORT_GROUPS,
  ND_CHANNEL_SORT_MODELS,
  ND_CHANNEL_SORT_TAG,
  ND_CHANNEL_SORT_BALANCE,
  ND_CHANNEL_SORT_RESPONSE,
  ND_CHANNEL_SORT_TESTED,
  ND_CHANNEL_SORT_USED,
} NdChannelSortKey;

/* < 0, 0, > 0 as @a sorts before, with or after @b on @key; ties by id.
 * Untested response times sort after every tested one. */
int nd_channel_compare (const NdChannel *a, const NdChannel *b, NdChannelSortKey key);

G_END_DECLS
