/* test-facts-days.c — daily and weekly buckets are local calendar days
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store holds one request in every hour of a few weeks (from a small
 * in-test NdSource; no server needed) and is queried under time zones with
 * a DST change (Europe/Berlin, 2026-03-29 and 2026-10-25) and with offsets
 * that are not whole hours (Asia/Kolkata +05:30, Asia/Kathmandu +05:45).
 * A day bucket must hold exactly the hours that start in that local day:
 * 23 or 25 on the DST days, 24 otherwise, starting at local midnight (or
 * the first hour after it), and "today" starts at local midnight too.
 */
#include "config.h"

#include <string.h>

#include "nd-facts-check.h"
#include "nd-time.h"

/* ─── a source that has one request per hour in [first, last) ──────────── */

#define TEST_TYPE_HOURS_SOURCE (test_hours_source_get_type ())
G_DECLARE_FINAL_TYPE (TestHoursSource, test_hours_source, TEST, HOURS_SOURCE, NdSource)

struct _TestHoursSource
{
  NdSource parent_instance;
  gint64 first;
  gint64 last;
};

G_DEFINE_FINAL_TYPE (TestHoursSource, test_hours_source, ND_TYPE_SOURCE)

static void
hours_pull_facts_async (NdSource *source, const NdFactsRequest *req, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  TestHoursSource *self = TEST_HOURS_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  NdFactsBatch *batch = nd_facts_batch_new ();

  for (gint64 h = self->first; h < self->last; h += ND_TIME_HOUR)
    {
      NdFact *f = nd_facts_batch_add (batch, h, 1, 1, 1, ND_LOG_CONSUME, "m", "default");

      f->requests = 1;
      f->quota = 10;
    }
  batch->merge = ND_FACTS_MERGE_ADD;
  batch->next_cursor = 1;
  batch->target = 1;
  batch->done = TRUE;
  batch->rows_scanned = batch->facts->len;
  g_task_return_pointer (task, batch, (GDestroyNotify) nd_facts_batch_free);
}

static void
test_hours_source_class_init (TestHoursSourceClass *klass)
{
  ND_SOURCE_CLASS (klass)->pull_facts_async = hours_pull_facts_async;
}

static void
test_hours_source_init (TestHoursSource *self)
{
}

/* ─── fixture ───────────────────────────────────────────────────────────── */

typedef struct {
  Store file;
  NdFacts *facts;
} Days;

static void
days_open (Days *s, gint64 first, gint64 last)
{
  g_autoptr(TestHoursSource) source = g_object_new (TEST_TYPE_HOURS_SOURCE, "name", "hours", NULL);
  g_autoptr(GError) error = NULL;

  store_init (&s->file);
  s->facts = nd_facts_new (s->file.path);
  source->first = nd_time_hour (first);
  source->last = nd_time_hour (last);
  g_assert_cmpint (sync_facts (s->facts, ND_SOURCE (source), NULL, NULL, &error), ==,
                   (source->last - source->first) / ND_TIME_HOUR);
  g_assert_no_error (error);
}

static void
days_close (Days *s)
{
  g_clear_object (&s->facts);
  store_clear (&s->file);
}

/* Unix time of a local wall-clock time in the zone TZ names now. */
static gint64
local (int y, int mo, int d, int h, int mi)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  g_autoptr(GDateTime) dt = g_date_time_new (tz, y, mo, d, h, mi, 0);

  return g_date_time_to_unix (dt);
}

static gboolean
set_zone (const char *zone)
{
  g_autofree char *file = g_build_filename ("/usr/share/zoneinfo", zone, NULL);

  if (!nd_test_require (g_file_test (file, G_FILE_TEST_EXISTS), "the time zone database (tzdata)"))
    return FALSE;
  g_setenv ("TZ", zone, TRUE);
  return TRUE;
}

static NdFactsRange
daily (gint64 from, gint64 to, gint64 now)
{
  NdFactsRange r = { 0 };

  r.from = from;
  r.to = to;
  r.now = now;
  r.bucket = ND_TIME_DAY;
  r.tz_offset = G_MININT;
  return r;
}

/* Each trend point starts at @starts[i] and holds @hours[i] requests. */
static void
assert_trend (const NdFactsReport *rep, const gint64 *starts, const gint64 *hours, guint n)
{
  gint64 sum = 0;

  g_assert_cmpuint (rep->trend->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const NdFactsPoint *p = &g_array_index (rep->trend, NdFactsPoint, i);

      g_test_message ("bucket %u: start %" G_GINT64_FORMAT " requests %" G_GINT64_FORMAT,
                      i, p->start, p->requests);
      g_assert_cmpint (p->start, ==, starts[i]);
      g_assert_cmpint (p->requests, ==, hours[i]);
      sum += p->requests;
    }
  g_assert_cmpint (sum, ==, rep->overview.requests);
}

/* ─── tests ─────────────────────────────────────────────────────────────── */

static void
check_dst (int month, int change_day, gint64 change_hours)
{
  Days s = { 0 };
  gint64 starts[4], hours[4];
  gint64 now = local (2026, month, change_day + 2, 15, 20);
  g_autoptr(NdFactsReport) rep = NULL;
  g_autoptr(NdFactsReport) week = NULL;
  NdFactsRange r;

  /* One request an hour up to the current one. */
  days_open (&s, local (2026, month, change_day - 5, 0, 0), nd_time_hour (now) + ND_TIME_HOUR);
  for (int i = 0; i < 4; i++)
    {
      starts[i] = local (2026, month, change_day - 2 + i, 0, 0);
      hours[i] = change_day - 2 + i == change_day ? change_hours : 24;
    }
  r = daily (starts[0], local (2026, month, change_day + 2, 0, 0), now);
  rep = query (s.facts, &r);
  assert_trend (rep, starts, hours, 4);
  g_assert_cmpint (rep->overview.from, ==, starts[0]);

  /* "today" is the local day of `now`, from its midnight. */
  g_assert_cmpint (rep->overview.today_requests, ==, 16);

  /* The 7d preset: seven whole local days ending today, across the change. */
  g_assert_true (nd_facts_range_preset (&r, "7d", now));
  g_assert_cmpint (r.from, ==, local (2026, month, change_day - 4, 0, 0));
  week = query (s.facts, &r);
  g_assert_cmpuint (week->trend->len, ==, 7);
  for (guint i = 0; i < 7; i++)
    g_assert_cmpint (g_array_index (week->trend, NdFactsPoint, i).start, ==,
                     local (2026, month, change_day - 4 + (int) i, 0, 0));
  g_assert_cmpint (week->overview.requests, ==, 6 * 24 + (change_hours - 24) + 16);
  days_close (&s);
}

static void
test_berlin_spring (void)
{
  if (set_zone ("Europe/Berlin"))
    check_dst (3, 29, 23);
}

static void
test_berlin_autumn (void)
{
  if (set_zone ("Europe/Berlin"))
    check_dst (10, 25, 25);
}

/* Midnight is not on an hour: a day is the hours that start in it. */
static void
check_half_hour_zone (const char *zone, int minutes)
{
  Days s = { 0 };
  gint64 starts[3], hours[3] = { 24, 24, 24 };
  gint64 now = local (2026, 1, 10, 9, 0);
  g_autoptr(NdFactsReport) rep = NULL;
  NdFactsRange r;

  if (!set_zone (zone))
    return;
  days_open (&s, local (2026, 1, 1, 0, 0) - 3600, nd_time_hour (now) + ND_TIME_HOUR);
  for (int i = 0; i < 3; i++)
    {
      /* The first hour that starts at or after local midnight. */
      starts[i] = local (2026, 1, 7 + i, 0, 0) + minutes * 60;
      g_assert_cmpint (starts[i] % 3600, ==, 0);
      g_assert_cmpint (nd_time_day_start (NULL, starts[i] + 1800), ==, starts[i]);
      g_assert_cmpint (nd_time_day_start (NULL, starts[i] - 1), ==, starts[i] - 86400);
    }
  r = daily (local (2026, 1, 7, 0, 0), local (2026, 1, 10, 0, 0), now);
  rep = query (s.facts, &r);
  assert_trend (rep, starts, hours, 3);

  /* Today (Jan 10) so far: the hours starting from 00:xx local to now. */
  g_assert_cmpint (rep->overview.today_requests, ==,
                   (nd_time_hour (now) - (starts[2] + ND_TIME_DAY)) / ND_TIME_HOUR + 1);
  days_close (&s);
}

static void
test_kolkata (void)
{
  check_half_hour_zone ("Asia/Kolkata", 30);
}

static void
test_kathmandu (void)
{
  check_half_hour_zone ("Asia/Kathmandu", 45);
}

/* Weekly buckets start on local Mondays, also across a DST change. */
static void
test_weeks (void)
{
  Days s = { 0 };
  g_autoptr(NdFactsReport) rep = NULL;
  NdFactsRange r = { 0 };
  gint64 starts[3], hours[3] = { 7 * 24, 7 * 24 - 1, 7 * 24 };

  if (!set_zone ("Europe/Berlin"))
    return;
  days_open (&s, local (2026, 3, 1, 0, 0), local (2026, 4, 30, 0, 0));
  /* Mondays 2026-03-16, -23 and -30; the week of the 23rd has 2026-03-29. */
  for (int i = 0; i < 3; i++)
    starts[i] = local (2026, 3, 16 + 7 * i, 0, 0);
  r = daily (local (2026, 3, 18, 0, 0), local (2026, 4, 6, 0, 0), local (2026, 4, 10, 0, 0));
  r.bucket = 7 * ND_TIME_DAY;
  rep = query (s.facts, &r);
  /* The first week is only counted from the range's start (Wednesday). */
  hours[0] = 5 * 24;
  assert_trend (rep, starts, hours, 3);
  days_close (&s);
}

/* The bucketing helper itself, on its own: floors before 1970 too. */
static void
test_floor (void)
{
  g_assert_cmpint (nd_time_hour (7199), ==, 3600);
  g_assert_cmpint (nd_time_hour (-1), ==, -3600);
  g_assert_cmpint (nd_time_ceil (3601, ND_TIME_HOUR), ==, 7200);
  g_assert_cmpint (nd_time_ceil (3600, ND_TIME_HOUR), ==, 3600);
  g_assert_cmpint (nd_time_floor (86400 * 3 + 5, ND_TIME_DAY), ==, 86400 * 3);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/facts/days/floor", test_floor);
  g_test_add_func ("/facts/days/berlin-spring", test_berlin_spring);
  g_test_add_func ("/facts/days/berlin-autumn", test_berlin_autumn);
  g_test_add_func ("/facts/days/kolkata", test_kolkata);
  g_test_add_func ("/facts/days/kathmandu", test_kathmandu);
  g_test_add_func ("/facts/days/weeks", test_weeks);
  return g_test_run ();
}
