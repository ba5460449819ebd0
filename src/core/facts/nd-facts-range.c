/* nd-facts-range.c — ranges, time zones, file paths and keys
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-secure-string.h"
#include "nd-facts-private.h"
#include "pg/nd-pg-conn.h"

/* ─── ranges ────────────────────────────────────────────────────────────── */

gint64
_nd_facts_local_midnight (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t);
  g_autoptr(GDateTime) day = g_date_time_new_local (g_date_time_get_year (dt),
                                                    g_date_time_get_month (dt),
                                                    g_date_time_get_day_of_month (dt), 0, 0, 0);

  return g_date_time_to_unix (day);
}

int
_nd_facts_local_offset (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t);

  return (int) (g_date_time_get_utc_offset (dt) / G_USEC_PER_SEC);
}

gboolean
nd_facts_range_preset (NdFactsRange *range, const char *preset, gint64 now)
{
  gint64 hour = now - now % 3600;

  memset (range, 0, sizeof *range);
  range->now = now;
  range->tz_offset = G_MININT;
  if (g_strcmp0 (preset, "24h") == 0)
    {
      range->from = hour - 23 * 3600;
      range->to = hour + 3600;
      range->bucket = 3600;
      return TRUE;
    }
  if (g_strcmp0 (preset, "7d") == 0 || g_strcmp0 (preset, "30d") == 0)
    {
      int days = preset[0] == '7' ? 7 : 30;
      gint64 today = _nd_facts_local_midnight (now);

      range->from = today - (days - 1) * 86400;
      range->to = hour + 3600;
      range->bucket = 86400;
      return TRUE;
    }
  return FALSE;
}

/* ─── paths ─────────────────────────────────────────────────────────────── */

char *
nd_facts_default_path (const char *key)
{
  g_autofree char *file = g_strconcat (key, ".sqlite", NULL);

  return g_build_filename (g_get_user_data_dir (), "newapi-desk", "facts", file, NULL);
}

static char *
dsn_without_password (const char *dsn)
{
  g_autoptr(NdSecret) password = NULL;
  char *stripped;

  if (dsn == NULL || *dsn == '\0')
    return g_strdup ("");
  stripped = nd_pg_dsn_strip_password (dsn, &password, NULL);
  return stripped ? stripped : g_strdup (dsn);
}

char *
nd_facts_key_for_dsn (const char *dsn, const char *log_dsn)
{
  g_autofree char *a = dsn_without_password (dsn);
  g_autofree char *b = dsn_without_password (log_dsn);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  char *key;

  g_checksum_update (sum, (const guchar *) a, -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) b, -1);
  key = g_strdup_printf ("pg-%.16s", g_checksum_get_string (sum));
  return key;
}

