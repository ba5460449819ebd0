/* nd-time.h — the times people type, and how hours group into days
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Facts are hourly (NewAPI's quota_data, and the local facts store, key
 * every figure by created_at truncated to the hour). Every piece of code
 * that puts a time into an hour or a day does it here, once.
 *
 * Local days. An hour cannot be split, so a day of facts is made of the
 * hours that START in it: the facts day of local date D runs from the first
 * hour start at or after D's midnight to the first hour start at or after
 * the next midnight. Where midnight falls on an hour — most zones, also on
 * the days a DST change makes 23 or 25 hours long — that is the calendar
 * day exactly. In zones whose offset is not whole hours (+05:30 Kolkata,
 * +05:45 Kathmandu) the hour that straddles midnight counts for the day it
 * starts in (the evening before). Weeks start on Monday.
 *
 * Time zones: NULL means the local zone (TZ), looked up on every call so a
 * changed TZ is seen at once.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ND_TIME_HOUR ((gint64) 3600)
#define ND_TIME_DAY  ((gint64) 86400)

/* Accepts unix seconds or ISO 8601 with 'T' or a space: "2026-01-31",
 * "2026-01-31 08:00", "2026-01-31T08:00:00+08:00". Without a zone the
 * time is local. FALSE when @text is none of these. */
gboolean nd_time_parse      (const char *text, gint64 *out);

/* The current time, unix seconds. */
gint64   nd_time_now        (void);

/* On the epoch's grid (not local time): the start of the @unit-long period
 * holding @t, and the first multiple of @unit at or after @t; right for
 * times before 1970 too. nd_time_hour (t) is the hour NewAPI files t under;
 * nd_time_floor (t, ND_TIME_DAY) the UTC day. */
gint64   nd_time_floor      (gint64 t, gint64 unit);
gint64   nd_time_ceil       (gint64 t, gint64 unit);
#define  nd_time_hour(t)    nd_time_floor ((t), ND_TIME_HOUR)

/* The start (an hour start) of the facts day holding the hour of @t. */
gint64   nd_time_day_start  (GTimeZone *tz, gint64 t);
/* The start of the facts day @days calendar days after (before, when
 * negative) the one holding the hour of @t. */
gint64   nd_time_day_add    (GTimeZone *tz, gint64 t, int days);
/* The start of the facts week (Monday) holding the hour of @t. */
gint64   nd_time_week_start (GTimeZone *tz, gint64 t);

G_END_DECLS
