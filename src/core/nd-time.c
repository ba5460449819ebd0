/* nd-time.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "nd-time.h"

gboolean
nd_time_parse (const char *text, gint64 *out)
{
  g_autofree char *t = g_strstrip (g_strdup (text ? text : ""));
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) dt = NULL;
  char *end = NULL;
  gint64 v;

  if (*t == '\0')
    return FALSE;

  errno = 0;
  v = g_ascii_strtoll (t, &end, 10);
  if (*end == '\0' && errno == 0)
    {
      *out = v;
      return TRUE;
    }

  /* Dates are typed with a space more often than with ISO's 'T'. */
  if (strlen (t) > 10 && t[10] == ' ')
    t[10] = 'T';
  dt = g_date_time_new_from_iso8601 (t, local);
  if (dt == NULL && strlen (t) == 10)
    {
      /* A bare date means its midnight. */
      g_autofree char *midnight = g_strconcat (t, "T00:00:00", NULL);

      dt = g_date_time_new_from_iso8601 (midnight, local);
    }
  if (dt == NULL && strlen (t) == 16)
    {
      g_autofree char *with_seconds = g_strconcat (t, ":00", NULL);

      dt = g_date_time_new_from_iso8601 (with_seconds, local);
    }
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

gint64
nd_time_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

gint64
nd_time_floor (gint64 t, gint64 unit)
{
  g_return_val_if_fail (unit > 0, t);
  return t - ((t % unit) + unit) % unit;
}

gint64
nd_time_ceil (gint64 t, gint64 unit)
{
  gint64 f = nd_time_floor (t, unit);

  return f == t ? t : f + unit;
}

static GTimeZone *
zone_ref (GTimeZone *tz)
{
  return tz != NULL ? g_time_zone_ref (tz) : g_time_zone_new_local ();
}

/* The local calendar date of the hour holding @t. */
static GDate *
date_of_hour (GTimeZone *zone, gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (nd_time_hour (t));
  g_autoptr(GDateTime) local = g_date_time_to_timezone (dt, zone);

  return g_date_new_dmy (g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                         g_date_time_get_year (local));
}

/* The first hour start at or after local midnight of @date. */
static gint64
facts_day_of_date (GTimeZone *zone, const GDate *date)
{
  g_autoptr(GDateTime) midnight = g_date_time_new (zone, g_date_get_year (date),
                                                   g_date_get_month (date),
                                                   g_date_get_day (date), 0, 0, 0);

  return nd_time_ceil (g_date_time_to_unix (midnight), ND_TIME_HOUR);
}

gint64
nd_time_day_start (GTimeZone *tz, gint64 t)
{
  return nd_time_day_add (tz, t, 0);
}

gint64
nd_time_day_add (GTimeZone *tz, gint64 t, int days)
{
  g_autoptr(GTimeZone) zone = zone_ref (tz);
  GDate *date = date_of_hour (zone, t);
  gint64 start;

  if (days > 0)
    g_date_add_days (date, (guint) days);
  else if (days < 0)
    g_date_subtract_days (date, (guint) -days);
  start = facts_day_of_date (zone, date);
  g_date_free (date);
  return start;
}

gint64
nd_time_week_start (GTimeZone *tz, gint64 t)
{
  g_autoptr(GTimeZone) zone = zone_ref (tz);
  GDate *date = date_of_hour (zone, t);
  gint64 start;

  /* G_DATE_MONDAY is 1. */
  g_date_subtract_days (date, g_date_get_weekday (date) - G_DATE_MONDAY);
  start = facts_day_of_date (zone, date);
  g_date_free (date);
  return start;
}
