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
