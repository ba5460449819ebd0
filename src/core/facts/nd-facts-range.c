/* nd-facts-range.c — ranges, time zones, file paths and keys
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-time.h"
#include "nd-facts-private.h"

/* ─── ranges ────────────────────────────────────────────────────────────── */

/* The preset's bounds, with days counted in @tz. */
static gboolean
apply_preset (NdFactsRange *range, const char *preset, gint64 now, GTimeZone *tz)
{
  gint64 hour = nd_time_hour (now);

  range->now = now;
  if (g_strcmp0 (preset, "24h") == 0)
    {
      range->from = hour - 23 * ND_TIME_HOUR;
      range->to = hour + ND_TIME_HOUR;
      range->bucket = ND_TIME_HOUR;
      return TRUE;
    }
  if (g_strcmp0 (preset, "7d") == 0 || g_strcmp0 (preset, "30d") == 0)
    {
      int days = preset[0] == '7' ? 7 : 30;

      /* Calendar days: across a DST change a day has 23 or 25 hours. */
      range->from = nd_time_day_add (tz, now, -(days - 1));
      range->to = hour + ND_TIME_HOUR;
      range->bucket = ND_TIME_DAY;
      return TRUE;
    }
  return FALSE;
}

gboolean
nd_facts_range_preset (NdFactsRange *range, const char *preset, gint64 now)
{
  memset (range, 0, sizeof *range);
  range->tz_offset = G_MININT;
  return apply_preset (range, preset, now, NULL);
}

gboolean
nd_facts_range_set_preset (NdFactsRange *range, const char *preset, gint64 now)
{
  g_autoptr(GTimeZone) tz = nd_facts_range_dup_zone (range);

  return apply_preset (range, preset, now, tz);
}

GTimeZone *
nd_facts_range_dup_zone (const NdFactsRange *range)
{
  if (range->tz_name != NULL && *range->tz_name != '\0')
    {
      GTimeZone *tz = g_time_zone_new_identifier (range->tz_name);

      /* A zone this machine does not know: the offset the maker saw. */
      if (tz != NULL)
        return tz;
    }
  if (range->tz_offset == G_MININT)
    return g_time_zone_new_local ();
  return g_time_zone_new_offset (range->tz_offset);
}

GArray *
_nd_facts_range_buckets (GTimeZone *tz, gint64 a, gint64 b, gint64 bucket)
{
  GArray *starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 s;

  if (bucket < ND_TIME_DAY)
    {
      for (s = nd_time_floor (a, bucket); s < b; s += bucket)
        g_array_append_val (starts, s);
      return starts;
    }
  /* Local days and weeks: as long as the calendar makes them. */
  s = bucket % (7 * ND_TIME_DAY) == 0 ? nd_time_week_start (tz, a) : nd_time_day_start (tz, a);
  for (; s < b; s = nd_time_day_add (tz, s, (int) (bucket / ND_TIME_DAY)))
    g_array_append_val (starts, s);
  return starts;
}

/* ─── paths ─────────────────────────────────────────────────────────────── */

char *
nd_facts_default_path (const char *key)
{
  g_autofree char *file = g_strconcat (key, ".sqlite", NULL);

  return g_build_filename (g_get_user_data_dir (), "newapi-desk", "facts", file, NULL);
}

char *
nd_facts_key_for_server (const NdServerInfo *info)
{
  g_autofree char *sum = NULL;
  const char *kind;

  g_return_val_if_fail (info != NULL, NULL);
  /* A report carries its facts inside (nd_report_source_get_facts). */
  if (info->gateway_id == NULL || info->kind == ND_SOURCE_KIND_REPORT)
    return NULL;
  kind = info->kind == ND_SOURCE_KIND_PG ? "pg" : info->kind == ND_SOURCE_KIND_HTTP ? "http" : "other";
  sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, info->gateway_id, -1);
  return g_strdup_printf ("%s-%.16s", kind, sum);
}
