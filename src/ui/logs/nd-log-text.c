/* nd-log-text.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-log-text.h"

char *
nd_log_text_time (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (unix_time);

  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("");
}

char *
nd_log_text_channel (GHashTable *names, gint64 id, const char *name)
{
  if (id == 0)
    return g_strdup ("");
  if (name == NULL && names != NULL)
    name = g_hash_table_lookup (names, &id);
  if (name != NULL && *name)
    return g_strdup_printf ("%s (#%" G_GINT64_FORMAT ")", name, id);
  return g_strdup_printf ("#%" G_GINT64_FORMAT, id);
}
