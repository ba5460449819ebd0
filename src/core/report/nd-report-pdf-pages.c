/* nd-report-pdf-pages.c — what a printed report shows: the cover with the
 * overview, the charts the window draws, the tables
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The card texts and chart data are the dashboard's (nd-dashboard-data.h),
 * with times in the report's zone: paper and window say the same.
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "nd-dashboard-data.h"
#include "nd-report-pdf-private.h"
#include "nd-secure-string.h"

/* ─── formatting ───────────────────────────────────────────────────────── */

static GTimeZone *
zone_of (const NdPdfInput *in)
{
  return nd_facts_range_dup_zone (&in->range);
}

static char *
format_time (const NdPdfInput *in, gint64 t, const char *format)
{
  g_autoptr(GTimeZone) zone = zone_of (in);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_timezone (utc, zone) : NULL;

  return local ? g_date_time_format (local, format) : g_strdup ("—");
}

static char *
format_rate (gint64 part, gint64 whole)
{
  return whole > 0 ? g_strdup_printf ("%.2f%%", 100.0 * part / whole) : g_strdup ("—");
}

static char *
format_seconds (double s)
{
  return s < 0 ? g_strdup ("—") : g_strdup_printf (_("%.1f s"), s);
}

static const char *
channel_status (int status)
{
  switch (status)
    {
    case 1: return _("Enabled");
    case 2: return _("Disabled");
    case 3: return _("Auto-disabled");
    default: return _("Unknown");
    }
}

/* ─── tables ───────────────────────────────────────────────────────────── */

typedef struct {
  GPtrArray *cells;           /* (element-type utf8) row-major */
  GArray *alert;              /* gboolean per row */
  guint n_columns;
} Rows;

static void
rows_init (Rows *r, guint n_columns)
{
  r->cells = g_ptr_array_new_with_free_func (g_free);
  r->alert = g_array_new (FALSE, TRUE, sizeof (gboolean));
  r->n_columns = n_columns;
}

static void
rows_clear (Rows *r)
{
  g_ptr_array_unref (r->cells);
  g_array_unref (r->alert);
}

/* Appends one row of @n_columns texts (taken), masked: names and messages
 * come from the gateway, and people paste keys into them. */
static void
rows_add (Rows *r, gboolean alert, ...)
{
  va_list ap;

  va_start (ap, alert);
  for (guint i = 0; i < r->n_columns; i++)
    {
      g_autofree char *text = va_arg (ap, char *);

      g_ptr_array_add (r->cells, nd_mask_text_dup (text ? text : ""));
    }
  va_end (ap);
  g_array_append_val (r->alert, alert);
}

static void
draw_rows (NdPdfDoc *doc, Rows *r, const NdChartColumn *columns, const char *empty)
{
  NdChartTableData table = {
    .n_columns = r->n_columns,
    .columns = columns,
    .n_rows = r->alert->len,
    .cells = (const char * const *) r->cells->pdata,
    .alert = (const gboolean *) r->alert->data,
    .empty_text = empty,
  };

  _nd_pdf_table (doc, &table);
}

/* ─── cover and overview ───────────────────────────────────────────────── */

static gboolean
has_cap (const NdPdfInput *in, NdCapabilities cap)
{
  return nd_server_info_has (in->info, cap);
}

static char *
currency_text (const NdMoney *money)
{
  const char *symbol = nd_money_symbol (money);

  switch (money->display)
    {
    case ND_MONEY_TOKENS:
      return g_strdup (_("Quota units (tokens)"));
    case ND_MONEY_CNY:
      return g_strdup_printf (_("CNY (%s), %.2f per USD"), symbol, money->usd_exchange_rate);
    case ND_MONEY_CUSTOM:
      return g_strdup_printf (_("Custom (%s), %.4g per USD"), symbol, money->custom_rate);
    case ND_MONEY_USD:
    default:
      return g_strdup_printf (_("USD (%s)"), symbol);
    }
}

static double
key_value (NdPdfDoc *doc, double y, const char *key, const char *value)
{
  double kw = 150, h;

  nd_chart_text_block (doc->cr, doc->x0, y, kw - 12, key, 1, FALSE, doc->style->dim, doc->style);
  h = nd_chart_text_block (doc->cr, doc->x0 + kw, y, doc->width - kw, value, 1, FALSE,
                           doc->style->fg, doc->style);
  return MAX (h, 16) + 8;
}

static void
draw_cover (NdPdfDoc *doc, const NdPdfInput *in)
{
  const NdReportMeta *meta = in->meta;
  g_autofree char *instance = nd_mask_text_dup (meta->instance ? meta->instance
                                                : meta->system_name ? meta->system_name
                                                : _("NewAPI gateway"));
  g_autofree char *from = format_time (in, in->report->overview.from, "%Y-%m-%d %H:%M");
  g_autofree char *to = format_time (in, in->report->overview.to, "%Y-%m-%d %H:%M");
  g_autofree char *range = g_strdup_printf ("%s – %s", from, to);
  g_autofree char *offset = format_time (in, in->report->overview.from, "%:z");
  g_autofree char *zone = g_strdup_printf ("%s (UTC%s)", meta->tz_name ? meta->tz_name : _("fixed offset"),
                                           offset);
  g_autofree char *created = format_time (in, meta->created_at, "%Y-%m-%d %H:%M");
  g_autofree char *currency = currency_text (meta->money);
  g_autofree char *app = g_strdup_printf ("NewAPI Desk %s", meta->app_version ? meta->app_version : "");
  g_autofree char *source = g_strdup_printf ("%s%s%s", meta->backend ? meta->backend : "—",
                                             meta->newapi_version ? " · NewAPI " : "",
                                             meta->newapi_version ? meta->newapi_version : "");
  cairo_t *cr = doc->cr;
  double y = doc->top + 40;

  _nd_pdf_new_page (doc);
  cairo_save (cr);
  cairo_set_source_rgba (cr, doc->style->accent.r, doc->style->accent.g, doc->style->accent.b, 1);
  cairo_rectangle (cr, doc->x0, y, 48, 5);
  cairo_fill (cr);
  cairo_restore (cr);
  y += 22;
  y += nd_chart_text_block (cr, doc->x0, y, doc->width, _("Gateway usage report"), 1.25, TRUE,
                            doc->style->accent, doc->style) + 6;
  y += nd_chart_text_block (cr, doc->x0, y, doc->width, instance, 2.9, TRUE, doc->style->fg,
                            doc->style) + 8;
  y += nd_chart_text_block (cr, doc->x0, y, doc->width, range, 1.45, FALSE, doc->style->fg,
                            doc->style) + 30;

  y += key_value (doc, y, _("Time zone"), zone);
  y += key_value (doc, y, _("Currency"), currency);
  y += key_value (doc, y, _("Report made"), created);
  y += key_value (doc, y, _("Source"), source);
  y += key_value (doc, y, _("Written by"), app);
  doc->y = y + 16;
}

static void
draw_overview (NdPdfDoc *doc, const NdPdfInput *in, const NdDashboardData *data)
{
  static const NdDashboardCard order[] = {
    ND_DASHBOARD_CARD_REQUESTS, ND_DASHBOARD_CARD_SUCCESS, ND_DASHBOARD_CARD_QUOTA,
    ND_DASHBOARD_CARD_TOKENS, ND_DASHBOARD_CARD_USERS, ND_DASHBOARD_CARD_RPM,
  };
  const char *titles[ND_DASHBOARD_N_CARDS] = {
    [ND_DASHBOARD_CARD_REQUESTS] = _("Requests"),
    [ND_DASHBOARD_CARD_SUCCESS] = _("Success rate"),
    [ND_DASHBOARD_CARD_QUOTA] = _("Quota used"),
    [ND_DASHBOARD_CARD_USERS] = _("Active users"),
    [ND_DASHBOARD_CARD_TODAY] = NULL,   /* "today" means little on paper */
    [ND_DASHBOARD_CARD_RPM] = _("Average requests/min"),
    [ND_DASHBOARD_CARD_TOKENS] = _("Tokens"),
  };
  const NdFactsOverview *ov = &in->report->overview;
  g_autofree char *errors = nd_format_count (ov->errors);
  g_autofree char *rate = format_rate (ov->errors, ov->requests);
  g_autofree char *rate_detail = g_strdup_printf (_("%s of requests"), rate);
  g_autofree char *n_models = g_strdup_printf ("%u", in->report->models->len);
  g_autofree char *n_channels = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "on %u channel",
                                                              "on %u channels",
                                                              in->report->channels->len),
                                                 in->report->channels->len);
  double gap = 12, tw = (doc->width - 3 * gap) / 4, th = 92;
  const char *caveat = nd_server_info_get_facts_caveat (in->info);

  _nd_pdf_heading (doc, _("Overview"), 2 * th + gap);
  for (guint i = 0; i < G_N_ELEMENTS (order) + 2; i++)
    {
      double x = doc->x0 + (i % 4) * (tw + gap), y = doc->y + (i / 4) * (th + gap);

      cairo_save (doc->cr);
      cairo_translate (doc->cr, x, y);
      if (i < G_N_ELEMENTS (order))
        nd_chart_tile_draw (doc->cr, tw, th, titles[order[i]],
                            nd_dashboard_data_card_value (data, order[i]),
                            nd_dashboard_data_card_detail (data, order[i]), doc->style);
      else if (i == G_N_ELEMENTS (order))
        nd_chart_tile_draw (doc->cr, tw, th, _("Errors"), errors, rate_detail, doc->style);
      else
        nd_chart_tile_draw (doc->cr, tw, th, _("Models used"), n_models,
                            has_cap (in, ND_CAP_FACTS_CHANNEL) ? n_channels : NULL, doc->style);
      cairo_restore (doc->cr);
    }
  doc->y += 2 * th + gap + 14;
  if (caveat != NULL)
    _nd_pdf_paragraph (doc, caveat, 0.9, TRUE);
}

/* ─── charts ───────────────────────────────────────────────────────────── */

typedef enum { CHART_LINE, CHART_DONUT, CHART_BARS } ChartKind;

static void
draw_chart (NdPdfDoc *doc, const char *title, const char *caption, ChartKind kind,
            gconstpointer chart_data, double height, gboolean new_section)
{
  double cap_h = nd_chart_text_block_height (doc->cr, doc->width, caption, 0.9, FALSE, doc->style);

  if (new_section)
    _nd_pdf_heading (doc, title, height + cap_h + 10);
  else
    {
      double th = nd_chart_text_block_height (doc->cr, doc->width, title, 1.1, TRUE, doc->style);

      _nd_pdf_ensure (doc, 16 + th + 6 + height + cap_h);
      doc->y += 16;
      nd_chart_text_block (doc->cr, doc->x0, doc->y, doc->width, title, 1.1, TRUE, doc->style->fg,
                           doc->style);
      doc->y += th + 6;
    }
  cairo_save (doc->cr);
  cairo_translate (doc->cr, doc->x0, doc->y);
  cairo_rectangle (doc->cr, 0, 0, doc->width, height);
  cairo_clip (doc->cr);
  switch (kind)
    {
    case CHART_LINE: nd_chart_line_draw (doc->cr, doc->width, height, chart_data, doc->style); break;
    case CHART_DONUT: nd_chart_donut_draw (doc->cr, doc->width, height, chart_data, doc->style); break;
    case CHART_BARS:
    default: nd_chart_bars_draw (doc->cr, doc->width, height, chart_data, doc->style); break;
    }
  cairo_restore (doc->cr);
  doc->y += height + 6;
  if (caption != NULL)
    {
      nd_chart_text_block (doc->cr, doc->x0, doc->y, doc->width, caption, 0.9, FALSE,
                           doc->style->dim, doc->style);
      doc->y += cap_h + 4;
    }
}

static void
draw_charts (NdPdfDoc *doc, const NdPdfInput *in, const NdDashboardData *data)
{
  const NdChartBarsData *bars;

  draw_chart (doc, _("Requests and quota"), nd_dashboard_data_description (data, ND_DASHBOARD_CHART_TREND),
              CHART_LINE, nd_dashboard_data_line (data, ND_DASHBOARD_CHART_TREND), 270, TRUE);
  if (has_cap (in, ND_CAP_FACTS_ERRORS))
    draw_chart (doc, _("Error rate"), nd_dashboard_data_description (data, ND_DASHBOARD_CHART_ERRORS),
                CHART_LINE, nd_dashboard_data_line (data, ND_DASHBOARD_CHART_ERRORS), 180, FALSE);
  draw_chart (doc, _("Requests by model"), NULL, CHART_DONUT, nd_dashboard_data_donut (data),
              250, FALSE);
  if (has_cap (in, ND_CAP_FACTS_CHANNEL))
    {
      bars = nd_dashboard_data_bars (data, ND_DASHBOARD_CHART_CHANNELS);
      draw_chart (doc, _("Requests by channel"), NULL, CHART_BARS, bars,
                  MAX (nd_chart_bars_natural_height (bars, doc->style), 60), FALSE);
    }
}

/* ─── tables ───────────────────────────────────────────────────────────── */

static void
draw_models (NdPdfDoc *doc, const NdPdfInput *in)
{
  NdChartColumn columns[8];
  const NdMoney *money = in->meta->money;
  Rows r;

  columns[0] = (NdChartColumn) { _("Model"), 3.0, 0, FALSE };
  columns[1] = (NdChartColumn) { _("Requests"), 1.3, 1, FALSE };
  columns[2] = (NdChartColumn) { _("Errors"), 1.0, 1, FALSE };
  columns[3] = (NdChartColumn) { _("Error rate"), 1.35, 1, FALSE };
  columns[4] = (NdChartColumn) { _("Quota"), 1.5, 1, FALSE };
  columns[5] = (NdChartColumn) { _("Tokens"), 1.5, 1, FALSE };
  columns[6] = (NdChartColumn) { _("p50"), 0.8, 1, FALSE };
  columns[7] = (NdChartColumn) { _("p95"), 0.8, 1, FALSE };
  rows_init (&r, 8);
  for (guint i = 0; i < in->report->models->len; i++)
    {
      const NdFactsRank *m = g_ptr_array_index (in->report->models, i);

      rows_add (&r, m->requests > 0 && m->errors * 20 >= m->requests,
                g_strdup (m->name), nd_format_count (m->requests), nd_format_count (m->errors),
                format_rate (m->errors, m->requests), nd_money_format_full (money, m->quota),
                nd_format_count (m->tokens), format_seconds (m->p50), format_seconds (m->p95));
    }
  _nd_pdf_heading (doc, _("Models"), 80);
  /* xgettext:no-c-format */
  _nd_pdf_paragraph (doc, _("Every model with requests in the range, busiest first. Rows in red "
                            "failed 5% of their requests or more."), 0.95, TRUE);
  draw_rows (doc, &r, columns, _("No requests in this range"));
  rows_clear (&r);
}

static const NdChannel *
find_channel (const NdPdfInput *in, gint64 id)
{
  for (guint i = 0; in->channels != NULL && i < in->channels->len; i++)
    {
      const NdChannel *ch = g_ptr_array_index (in->channels, i);

      if (ch->id == id)
        return ch;
    }
  return NULL;
}

static void
draw_channels (NdPdfDoc *doc, const NdPdfInput *in)
{
  NdChartColumn columns[8];
  const NdMoney *money = in->meta->money;
  Rows r;

  _nd_pdf_heading (doc, _("Channel health"), 80);
  if (!has_cap (in, ND_CAP_FACTS_CHANNEL))
    {
      _nd_pdf_paragraph (doc, nd_dashboard_missing_reason (ND_CAP_FACTS_CHANNEL), 1, TRUE);
      return;
    }
  columns[0] = (NdChartColumn) { _("Channel"), 2.8, 0, FALSE };
  columns[1] = (NdChartColumn) { _("Status"), 1.8, 0, FALSE };
  columns[2] = (NdChartColumn) { _("Requests"), 1.3, 1, FALSE };
  columns[3] = (NdChartColumn) { _("Errors"), 1.0, 1, FALSE };
  columns[4] = (NdChartColumn) { _("Error rate"), 1.35, 1, FALSE };
  columns[5] = (NdChartColumn) { _("p50"), 0.8, 1, FALSE };
  columns[6] = (NdChartColumn) { _("p95"), 0.8, 1, FALSE };
  columns[7] = (NdChartColumn) { _("Quota"), 1.5, 1, FALSE };
  rows_init (&r, 8);
  for (guint i = 0; i < in->report->channels->len; i++)
    {
      const NdFactsRank *c = g_ptr_array_index (in->report->channels, i);
      const NdChannel *ch = find_channel (in, c->id);

      rows_add (&r, (c->requests > 0 && c->errors * 20 >= c->requests) || (ch && ch->status == 3),
                g_strdup_printf ("%s (#%" G_GINT64_FORMAT ")", c->name, c->id),
                g_strdup (ch ? channel_status (ch->status) : _("Deleted")),
                nd_format_count (c->requests), nd_format_count (c->errors),
                format_rate (c->errors, c->requests), format_seconds (c->p50),
                format_seconds (c->p95), nd_money_format_full (money, c->quota));
    }
  /* Channels with no traffic are part of the health too: a disabled one
   * is why the others carry more. */
  for (guint i = 0; in->channels != NULL && i < in->channels->len; i++)
    {
      const NdChannel *ch = g_ptr_array_index (in->channels, i);
      gboolean seen = FALSE;

      for (guint j = 0; j < in->report->channels->len && !seen; j++)
        seen = ((NdFactsRank *) g_ptr_array_index (in->report->channels, j))->id == ch->id;
      if (!seen)
        rows_add (&r, ch->status == 3,
                  g_strdup_printf ("%s (#%" G_GINT64_FORMAT ")", ch->name ? ch->name : "", ch->id),
                  g_strdup (channel_status (ch->status)), g_strdup ("0"), g_strdup ("0"),
                  g_strdup ("—"), g_strdup ("—"), g_strdup ("—"), nd_money_format_full (money, 0));
    }
  /* xgettext:no-c-format */
  _nd_pdf_paragraph (doc, _("Channels with requests first, busiest first; then the channels "
                            "without requests. Red: 5% errors or more, or disabled automatically."),
                     0.95, TRUE);
  draw_rows (doc, &r, columns, _("No channels in this report"));
  rows_clear (&r);
}

static void
draw_ranking (NdPdfDoc *doc, const NdPdfInput *in, const char *title, const char *name_title,
              GPtrArray *ranks, NdCapabilities cap)
{
  NdChartColumn columns[6];
  const NdMoney *money = in->meta->money;
  guint n = MIN (ranks->len, in->top_n);
  g_autofree char *lead = NULL;
  Rows r;

  _nd_pdf_heading (doc, title, 80);
  if (!has_cap (in, cap))
    {
      _nd_pdf_paragraph (doc, nd_dashboard_missing_reason (cap), 1, TRUE);
      return;
    }
  columns[0] = (NdChartColumn) { "#", 0.5, 1, FALSE };
  columns[1] = (NdChartColumn) { name_title, 3.5, 0, FALSE };
  columns[2] = (NdChartColumn) { _("Requests"), 1.3, 1, FALSE };
  columns[3] = (NdChartColumn) { _("Errors"), 1.0, 1, FALSE };
  columns[4] = (NdChartColumn) { _("Quota"), 1.6, 1, FALSE };
  columns[5] = (NdChartColumn) { _("Tokens"), 1.5, 1, FALSE };
  rows_init (&r, 6);
  for (guint i = 0; i < n; i++)
    {
      const NdFactsRank *k = g_ptr_array_index (ranks, i);

      rows_add (&r, FALSE, g_strdup_printf ("%u", i + 1), g_strdup (k->name),
                nd_format_count (k->requests), nd_format_count (k->errors),
                nd_money_format_full (money, k->quota), nd_format_count (k->tokens));
    }
  lead = ranks->len > n ? g_strdup_printf (_("The %u with the most quota used, of %u."), n, ranks->len)
                        : g_strdup (_("By quota used, most first."));
  _nd_pdf_paragraph (doc, lead, 0.95, TRUE);
  draw_rows (doc, &r, columns, _("No requests in this range"));
  rows_clear (&r);
}

static void
draw_errors (NdPdfDoc *doc, const NdPdfInput *in)
{
  NdChartColumn columns[4];
  Rows r;

  _nd_pdf_heading (doc, _("Error messages"), 80);
  if (in->errors == NULL || in->meta->n_errors < 0)
    {
      _nd_pdf_paragraph (doc, _("This report holds no summary of error messages."), 1, TRUE);
      return;
    }
  columns[0] = (NdChartColumn) { _("Message"), 6.0, 0, TRUE };
  columns[1] = (NdChartColumn) { _("Count"), 1.0, 1, FALSE };
  columns[2] = (NdChartColumn) { _("First seen"), 1.6, 1, FALSE };
  columns[3] = (NdChartColumn) { _("Last seen"), 1.6, 1, FALSE };
  rows_init (&r, 4);
  for (guint i = 0; i < in->errors->len; i++)
    {
      const NdReportError *e = g_ptr_array_index (in->errors, i);

      rows_add (&r, FALSE, g_strdup (e->message), nd_format_count (e->count),
                format_time (in, e->first_seen, "%m-%d %H:%M"),
                format_time (in, e->last_seen, "%m-%d %H:%M"));
    }
  if (in->meta->errors_complete)
    _nd_pdf_paragraph (doc, _("The most frequent error messages of the range. Keys in them are "
                              "masked."), 0.95, TRUE);
  else
    {
      g_autofree char *n = nd_format_count (in->meta->errors_scanned);
      g_autofree char *lead = g_strdup_printf (_("The most frequent messages among the newest %s "
                                                 "error logs of the range. Keys in them are masked."), n);

      _nd_pdf_paragraph (doc, lead, 0.95, TRUE);
    }
  draw_rows (doc, &r, columns, _("No errors in this range"));
  rows_clear (&r);
}

gboolean
_nd_pdf_draw_document (NdPdfDoc *doc, const NdPdfInput *in)
{
  g_autoptr(GTimeZone) zone = zone_of (in);
  g_autoptr(NdDashboardData) data =
    nd_dashboard_data_new_in_zone (in->report, in->meta->money, in->info->caps,
                                   ND_DASHBOARD_METRIC_REQUESTS, zone);

  draw_cover (doc, in);
  draw_overview (doc, in, data);
  if (g_cancellable_is_cancelled (doc->cancellable))
    return FALSE;
  _nd_pdf_new_page (doc);
  draw_charts (doc, in, data);
  if (g_cancellable_is_cancelled (doc->cancellable))
    return FALSE;
  draw_models (doc, in);
  draw_channels (doc, in);
  draw_ranking (doc, in, _("Users"), _("User"), in->report->users, ND_CAP_FACTS_USER);
  draw_ranking (doc, in, _("Tokens"), _("Token"), in->report->tokens, ND_CAP_FACTS_TOKEN);
  draw_errors (doc, in);
  if (g_cancellable_is_cancelled (doc->cancellable))
    return FALSE;
  _nd_pdf_finish (doc);
  return TRUE;
}
