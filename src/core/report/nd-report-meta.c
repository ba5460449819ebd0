/* nd-report-meta.c — what a report says about itself, and its ranges
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-time.h"
#include "nd-report.h"

G_DEFINE_BOXED_TYPE (NdReportMeta, nd_report_meta, nd_report_meta_ref, nd_report_meta_unref)

NdReportMeta *
nd_report_meta_new (void)
{
  NdReportMeta *meta = g_new0 (NdReportMeta, 1);

  g_atomic_ref_count_init (&meta->ref_count);
  meta->format = ND_REPORT_FORMAT_VERSION;
  meta->money = nd_money_new_default ();
  meta->n_channels = meta->n_users = meta->n_tokens = meta->n_models = meta->n_errors = -1;
  meta->errors_scanned = -1;
  meta->n_logs = -1;
  return meta;
}

NdReportMeta *
nd_report_meta_ref (NdReportMeta *meta)
{
  g_return_val_if_fail (meta != NULL, NULL);
  g_atomic_ref_count_inc (&meta->ref_count);
  return meta;
}

void
nd_report_meta_unref (NdReportMeta *meta)
{
  if (meta == NULL || !g_atomic_ref_count_dec (&meta->ref_count))
    return;
  g_free (meta->instance);
  g_free (meta->system_name);
  g_free (meta->newapi_version);
  g_free (meta->backend);
  g_free (meta->gateway_id);
  g_free (meta->range_name);
  g_free (meta->tz_name);
  g_free (meta->app_version);
  nd_money_free (meta->money);
  g_free (meta);
}

/* The report's zone, its "now", everything else empty. */
static void
range_init (const NdReportMeta *meta, NdFactsRange *range)
{
  memset (range, 0, sizeof *range);
  range->now = meta->created_at;
  range->tz_offset = meta->tz_offset;
  range->tz_name = meta->tz_name;
}

static char *
format_local (const NdReportMeta *meta, gint64 t)
{
  NdFactsRange r;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("?");
  range_init (meta, &r);
  tz = nd_facts_range_dup_zone (&r);
  local = g_date_time_to_timezone (utc, tz);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static gboolean
outside (const NdReportMeta *meta, GError **error)
{
  g_autofree char *from = format_local (meta, meta->from);
  g_autofree char *to = format_local (meta, meta->to);

  g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
               _("The report covers %s – %s only"), from, to);
  return FALSE;
}

gboolean
nd_report_meta_get_range (const NdReportMeta *meta, const char *preset, NdFactsRange *range,
                          GError **error)
{
  g_return_val_if_fail (meta != NULL && range != NULL, FALSE);

  range_init (meta, range);
  if (preset == NULL)
    {
      range->from = meta->from;
      range->to = meta->to;
      range->bucket = meta->bucket;
      return TRUE;
    }
  if (!nd_facts_range_set_preset (range, preset, meta->created_at))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("Unknown range “%s” (use 24h, 7d or 30d)"), preset);
      return FALSE;
    }
  range->from = MAX (range->from, meta->from);
  range->to = MIN (range->to, meta->to);
  if (range->from >= range->to)
    return outside (meta, error);
  return TRUE;
}

gboolean
nd_report_meta_clamp_range (const NdReportMeta *meta, gint64 from, gint64 to, NdFactsRange *range,
                            GError **error)
{
  g_return_val_if_fail (meta != NULL && range != NULL, FALSE);

  range_init (meta, range);
  range->from = from > 0 ? nd_time_floor (from, ND_TIME_HOUR) : meta->from;
  range->to = to > 0 ? nd_time_ceil (to, ND_TIME_HOUR) : meta->to;
  if (range->from < meta->from || range->to > meta->to || range->from >= range->to)
    return outside (meta, error);
  return TRUE;
}

char *
nd_report_meta_dup_title (const NdReportMeta *meta)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  const char *name;

  g_return_val_if_fail (meta != NULL, NULL);
  from = format_local (meta, meta->from);
  to = format_local (meta, meta->to);
  name = meta->instance ? meta->instance : meta->system_name ? meta->system_name : _("NewAPI");
  /* Translators: a report's title: the instance name, then its range. */
  return g_strdup_printf (_("Report — %s, %s – %s"), name, from, to);
}
