/* nd-dashboard-data.c — a facts report turned into what the dashboard shows
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-dashboard-data.h"
#include "nd-secure-string.h"

struct _NdDashboardData
{
  NdMoney *money;
  GTimeZone *zone;              /* of the times shown: local, or a report's */
  char *card_value[ND_DASHBOARD_N_CARDS];
  char *card_detail[ND_DASHBOARD_N_CARDS];
  char *range;
  char *description[ND_DASHBOARD_N_CHARTS];

  /* Chart data and the memory it points into. */
  GPtrArray *strings;           /* every label and value text */
  GArray *numbers[3];           /* trend requests, trend quota, error rate */
  NdChartLineData trend;
  NdChartLineData errors;
  NdChartSlice *slices;
  NdChartDonutData donut;
  NdChartBar *bars[ND_DASHBOARD_N_CHARTS];
  NdChartBarsData bar_data[ND_DASHBOARD_N_CHARTS];
};

/* Keeps @s alive as long as @data, and returns it. */
static const char *
keep (NdDashboardData *data, char *s)
{
  g_ptr_array_add (data->strings, s);
  return s;
}

/* A name from the gateway (model, channel, user, token): someone will
 * paste a key into a token's name. */
static const char *
keep_name (NdDashboardData *data, const char *name)
{
  return keep (data, nd_mask_text_dup (name));
}

static char *
money_text (double value, gpointer money)
{
  return nd_money_format (money, (gint64) value);
}

static GDateTime *
date_time (GTimeZone *zone, gint64 t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);

  return g_date_time_to_timezone (utc, zone);
}

static char *
bucket_label (GTimeZone *zone, gint64 start, gint64 bucket)
{
  g_autoptr(GDateTime) dt = date_time (zone, start);

  return g_date_time_format (dt, bucket < 86400 ? "%H:%M" : "%b %e");
}

static char *
zone_time (GTimeZone *zone, gint64 t)
{
  g_autoptr(GDateTime) dt = date_time (zone, t);

  return g_date_time_format (dt, "%x %H:%M");
}

/* ─── cards ─────────────────────────────────────────────────────────────── */

static void
set_card (NdDashboardData *data, NdDashboardCard card, char *value, char *detail)
{
  data->card_value[card] = value;
  data->card_detail[card] = detail ? detail : g_strdup ("");
}

static void
fill_cards (NdDashboardData *data, const NdFactsOverview *ov, NdCapabilities caps)
{
  g_autofree char *errors = nd_format_count (ov->errors);
  g_autofree char *quota_units = nd_format_count (ov->quota);
  g_autofree char *today_quota = nd_money_format (data->money, ov->today_quota);
  g_autofree char *tpm = nd_format_count ((gint64) (ov->avg_tpm + 0.5));
  g_autofree char *prompt = nd_format_count (ov->prompt_tokens);
  g_autofree char *completion = nd_format_count (ov->completion_tokens);

  set_card (data, ND_DASHBOARD_CARD_REQUESTS, nd_format_count (ov->requests),
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s error", "%s errors", ov->errors),
                             errors));
  set_card (data, ND_DASHBOARD_CARD_SUCCESS,
            ov->requests > 0 ? g_strdup_printf ("%.2f%%", ov->success_rate * 100) : g_strdup ("—"),
            g_strdup (_("consume vs. error logs")));
  set_card (data, ND_DASHBOARD_CARD_QUOTA, nd_money_format (data->money, ov->quota),
            g_strdup_printf (_("%s quota units"), quota_units));
  if (caps & ND_CAP_FACTS_USER)
    set_card (data, ND_DASHBOARD_CARD_USERS, nd_format_count (ov->active_users),
              g_strdup (_("with requests in range")));
  else
    set_card (data, ND_DASHBOARD_CARD_USERS, g_strdup ("—"), g_strdup (_("connect the database")));
  set_card (data, ND_DASHBOARD_CARD_TODAY, nd_format_count (ov->today_requests),
            g_strdup_printf (_("%s of quota"), today_quota));
  set_card (data, ND_DASHBOARD_CARD_RPM, g_strdup_printf ("%.1f", ov->avg_rpm),
            g_strdup_printf (_("%s tokens/min"), tpm));
  set_card (data, ND_DASHBOARD_CARD_TOKENS, nd_format_count (ov->prompt_tokens + ov->completion_tokens),
            (caps & ND_CAP_FACTS_TOKEN_SPLIT) ? g_strdup_printf (_("%s in · %s out"), prompt, completion)
                                              : g_strdup (_("prompt + completion")));
}

/* ─── charts ────────────────────────────────────────────────────────────── */

static void
fill_trends (NdDashboardData *data, const NdFactsReport *rep)
{
  guint n = rep->trend->len;
  const char **labels = g_new0 (const char *, n + 1);
  gint64 peak = 0, peak_at = 0, worst_at = 0;
  double worst = 0;
  g_autofree char *quota = nd_money_format (data->money, rep->overview.quota);
  g_autofree char *requests = nd_format_count (rep->overview.requests);
  g_autofree char *errors = nd_format_count (rep->overview.errors);
  g_autofree char *peak_label = NULL;
  g_autofree char *peak_count = NULL;
  g_autofree char *worst_label = NULL;

  for (int i = 0; i < 3; i++)
    data->numbers[i] = g_array_sized_new (FALSE, TRUE, sizeof (double), MAX (n, 1));
  g_ptr_array_add (data->strings, labels);
  for (guint i = 0; i < n; i++)
    {
      const NdFactsPoint *p = &g_array_index (rep->trend, NdFactsPoint, i);
      double req = p->requests, quota_v = p->quota;
      double rate = p->requests > 0 ? 100.0 * p->errors / p->requests : 0;

      g_array_append_val (data->numbers[0], req);
      g_array_append_val (data->numbers[1], quota_v);
      g_array_append_val (data->numbers[2], rate);
      labels[i] = keep (data, bucket_label (data->zone, p->start, rep->overview.bucket));
      if (p->requests > peak)
        peak = p->requests, peak_at = p->start;
      if (rate > worst)
        worst = rate, worst_at = p->start;
    }

  data->trend.n_points = rep->overview.requests > 0 ? n : 0;
  data->trend.x_labels = labels;
  data->trend.n_series = 2;
  data->trend.series[0] = (NdChartSeries) { _("Requests"), (double *) data->numbers[0]->data,
                                            0, FALSE, NULL, NULL, NULL, NULL };
  /* The chart copies these settings: it may outlive this data and the
   * session both. */
  data->trend.series[1] = (NdChartSeries) { _("Quota"), (double *) data->numbers[1]->data, 3, TRUE,
                                            money_text, data->money,
                                            (gpointer (*) (gpointer)) nd_money_copy,
                                            (GDestroyNotify) nd_money_free };
  data->trend.hover = -1;
  peak_label = bucket_label (data->zone, peak_at, rep->overview.bucket);
  peak_count = nd_format_count (peak);
  data->description[ND_DASHBOARD_CHART_TREND] =
    g_strdup_printf (_("%s requests and %s of quota in %u periods; busiest %s with %s requests."),
                     requests, quota, n, peak_label, peak_count);

  data->errors.n_points = data->trend.n_points;
  data->errors.x_labels = labels;
  data->errors.n_series = 1;
  data->errors.series[0] = (NdChartSeries) { _("Error rate (%)"), (double *) data->numbers[2]->data,
                                             -1, FALSE, NULL, NULL, NULL, NULL };
  data->errors.hover = -1;
  worst_label = bucket_label (data->zone, worst_at, rep->overview.bucket);
  data->description[ND_DASHBOARD_CHART_ERRORS] =
    g_strdup_printf (_("%s errors of %s requests; worst period %s at %.1f%%."),
                     errors, requests, worst_label, worst);
}

static void
fill_models (NdDashboardData *data, const NdFactsReport *rep)
{
  guint n = MIN (rep->models->len, ND_DASHBOARD_DONUT_SLICES);
  gboolean other = rep->models->len > ND_DASHBOARD_DONUT_SLICES;
  GString *desc = g_string_new (_("Requests per model: "));
  gint64 rest = rep->overview.requests;

  data->slices = g_new0 (NdChartSlice, n + 1);
  for (guint i = 0; i < n; i++)
    {
      const NdFactsRank *r = g_ptr_array_index (rep->models, i);

      data->slices[i].label = keep_name (data, r->name);
      data->slices[i].value = r->requests;
      data->slices[i].value_text = keep (data, nd_format_count (r->requests));
      rest -= r->requests;
      g_string_append_printf (desc, "%s %s; ", data->slices[i].label, data->slices[i].value_text);
    }
  if (other && rest > 0)
    {
      data->slices[n].label = _("Other");
      data->slices[n].value = rest;
      data->slices[n].value_text = keep (data, nd_format_count (rest));
      g_string_append_printf (desc, "%s %s", _("other"), data->slices[n].value_text);
      n++;
    }
  data->donut.n_slices = n;
  data->donut.slices = data->slices;
  data->donut.last_is_other = other;
  data->donut.center_title = keep (data, nd_format_count (rep->overview.requests));
  data->donut.center_subtitle = _("requests");
  data->donut.hover = -1;
  data->description[ND_DASHBOARD_CHART_MODELS] = g_string_free (desc, FALSE);
}

static char *
channel_value (NdDashboardData *data, const NdFactsRank *r, NdDashboardMetric metric,
               NdChartBar *bar)
{
  double rate = r->requests > 0 ? 100.0 * r->errors / r->requests : 0;

  bar->value2 = -1;
  switch (metric)
    {
    case ND_DASHBOARD_METRIC_QUOTA:
      bar->value = r->quota;
      return nd_money_format (data->money, r->quota);
    case ND_DASHBOARD_METRIC_ERROR_RATE:
      bar->value = rate;
      bar->alert = rate >= 5;
      return g_strdup_printf ("%.1f%%", rate);
    case ND_DASHBOARD_METRIC_LATENCY:
      bar->value = MAX (r->p50, 0);
      bar->value2 = MAX (r->p95, 0);
      return r->p50 < 0 ? g_strdup ("—") : g_strdup_printf (_("p50 %.1f s · p95 %.1f s"), r->p50, r->p95);
    case ND_DASHBOARD_METRIC_REQUESTS:
    default:
      bar->value = r->requests;
      return nd_format_count (r->requests);
    }
}

static void
fill_channels (NdDashboardData *data, const NdFactsReport *rep, NdDashboardMetric metric)
{
  guint n = MIN (rep->channels->len, ND_DASHBOARD_TOP_N);
  NdChartBar *bars = g_new0 (NdChartBar, MAX (n, 1));
  GString *desc = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      const NdFactsRank *r = g_ptr_array_index (rep->channels, i);

      bars[i].label = keep_name (data, r->name);
      bars[i].value_text = keep (data, channel_value (data, r, metric, &bars[i]));
      g_string_append_printf (desc, "%s: %s; ", bars[i].label, bars[i].value_text);
    }
  data->bars[ND_DASHBOARD_CHART_CHANNELS] = bars;
  data->bar_data[ND_DASHBOARD_CHART_CHANNELS] = (NdChartBarsData) { n, bars, 1, 0, FALSE, -1, NULL };
  data->description[ND_DASHBOARD_CHART_CHANNELS] = g_string_free (desc, FALSE);
}

static void
fill_ranking (NdDashboardData *data, NdDashboardChart chart, GPtrArray *rows, int color)
{
  guint n = MIN (rows->len, ND_DASHBOARD_TOP_N);
  NdChartBar *bars = g_new0 (NdChartBar, MAX (n, 1));
  GString *desc = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      const NdFactsRank *r = g_ptr_array_index (rows, i);
      g_autofree char *count = nd_format_count (r->requests);
      const char *money = keep (data, nd_money_format (data->money, r->quota));
      const char *detail = keep (data, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s request",
                                                                     "%s requests", r->requests),
                                                        count));

      bars[i] = (NdChartBar) { keep_name (data, r->name), (double) r->quota, -1, money, detail, FALSE };
      g_string_append_printf (desc, "%u. %s: %s, %s; ", i + 1, bars[i].label, money, detail);
    }
  data->bars[chart] = bars;
  data->bar_data[chart] = (NdChartBarsData) { n, bars, color, 0, TRUE, -1, NULL };
  data->description[chart] = g_string_free (desc, FALSE);
}

NdDashboardData *
nd_dashboard_data_new (const NdFactsReport *report, const NdMoney *money, NdCapabilities caps,
                       NdDashboardMetric metric)
{
  return nd_dashboard_data_new_in_zone (report, money, caps, metric, NULL);
}

NdDashboardData *
nd_dashboard_data_new_in_zone (const NdFactsReport *report, const NdMoney *money,
                               NdCapabilities caps, NdDashboardMetric metric, GTimeZone *zone)
{
  NdDashboardData *data;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (money != NULL, NULL);

  data = g_new0 (NdDashboardData, 1);
  data->money = nd_money_copy (money);
  data->zone = zone ? g_time_zone_ref (zone) : g_time_zone_new_local ();
  data->strings = g_ptr_array_new_with_free_func (g_free);
  from = zone_time (data->zone, report->overview.from);
  to = zone_time (data->zone, report->overview.to);
  data->range = g_strdup_printf ("%s – %s", from, to);
  fill_cards (data, &report->overview, caps);
  fill_trends (data, report);
  fill_models (data, report);
  fill_channels (data, report, metric);
  fill_ranking (data, ND_DASHBOARD_CHART_TOKENS, report->tokens, 7);
  fill_ranking (data, ND_DASHBOARD_CHART_USERS, report->users, 5);
  return data;
}

void
nd_dashboard_data_free (NdDashboardData *data)
{
  if (data == NULL)
    return;
  for (int i = 0; i < ND_DASHBOARD_N_CARDS; i++)
    {
      g_free (data->card_value[i]);
      g_free (data->card_detail[i]);
    }
  for (int i = 0; i < ND_DASHBOARD_N_CHARTS; i++)
    {
      g_free (data->description[i]);
      g_free (data->bars[i]);
    }
  for (int i = 0; i < 3; i++)
    g_clear_pointer (&data->numbers[i], g_array_unref);
  g_ptr_array_unref (data->strings);
  g_free (data->slices);
  g_free (data->range);
  nd_money_free (data->money);
  g_time_zone_unref (data->zone);
  g_free (data);
}

const char *
nd_dashboard_data_card_value (const NdDashboardData *data, NdDashboardCard card)
{
  g_return_val_if_fail (card < ND_DASHBOARD_N_CARDS, NULL);
  return data->card_value[card];
}

const char *
nd_dashboard_data_card_detail (const NdDashboardData *data, NdDashboardCard card)
{
  g_return_val_if_fail (card < ND_DASHBOARD_N_CARDS, NULL);
  return data->card_detail[card];
}

const char *
nd_dashboard_data_range_text (const NdDashboardData *data)
{
  return data->range;
}

const NdChartLineData *
nd_dashboard_data_line (const NdDashboardData *data, NdDashboardChart chart)
{
  if (chart == ND_DASHBOARD_CHART_TREND)
    return &data->trend;
  g_return_val_if_fail (chart == ND_DASHBOARD_CHART_ERRORS, NULL);
  return &data->errors;
}

const NdChartDonutData *
nd_dashboard_data_donut (const NdDashboardData *data)
{
  return &data->donut;
}

const NdChartBarsData *
nd_dashboard_data_bars (const NdDashboardData *data, NdDashboardChart chart)
{
  g_return_val_if_fail (chart == ND_DASHBOARD_CHART_CHANNELS || chart == ND_DASHBOARD_CHART_TOKENS ||
                        chart == ND_DASHBOARD_CHART_USERS, NULL);
  return &data->bar_data[chart];
}

const char *
nd_dashboard_data_description (const NdDashboardData *data, NdDashboardChart chart)
{
  g_return_val_if_fail (chart < ND_DASHBOARD_N_CHARTS, NULL);
  return data->description[chart];
}

/* ─── capabilities ──────────────────────────────────────────────────────── */

NdCapabilities
nd_dashboard_chart_needs (NdDashboardChart chart, NdDashboardMetric metric)
{
  static const NdCapabilities needs[ND_DASHBOARD_N_CHARTS] = {
    [ND_DASHBOARD_CHART_TREND] = ND_CAP_FACTS,
    [ND_DASHBOARD_CHART_MODELS] = ND_CAP_FACTS,
    [ND_DASHBOARD_CHART_CHANNELS] = ND_CAP_FACTS_CHANNEL,
    [ND_DASHBOARD_CHART_ERRORS] = ND_CAP_FACTS_ERRORS,
    [ND_DASHBOARD_CHART_TOKENS] = ND_CAP_FACTS_TOKEN,
    [ND_DASHBOARD_CHART_USERS] = ND_CAP_FACTS_USER,
  };
  NdCapabilities need;

  g_return_val_if_fail (chart < ND_DASHBOARD_N_CHARTS, 0);
  need = needs[chart];
  if (chart == ND_DASHBOARD_CHART_CHANNELS && metric == ND_DASHBOARD_METRIC_ERROR_RATE)
    need |= ND_CAP_FACTS_ERRORS;
  if (chart == ND_DASHBOARD_CHART_CHANNELS && metric == ND_DASHBOARD_METRIC_LATENCY)
    need |= ND_CAP_FACTS_LATENCY;
  return need;
}

/* The first capability a chart needs that the source lacks, in words. */
const char *
nd_dashboard_missing_reason (NdCapabilities missing)
{
  if (missing & ND_CAP_FACTS)
    return _("This server keeps no hourly statistics.");
  if (missing & ND_CAP_FACTS_CHANNEL)
    return _("This server’s API gives no per-channel figures.");
  if (missing & ND_CAP_FACTS_USER)
    return _("This server’s API gives no per-user figures.");
  if (missing & ND_CAP_FACTS_TOKEN)
    return _("NewAPI’s API gives per-token figures only to the root user, and only on newer servers.");
  if (missing & ND_CAP_FACTS_ERRORS)
    return _("This source reports no error logs.");
  if (missing & ND_CAP_FACTS_LATENCY)
    return _("NewAPI’s API reports no response times.");
  return "";
}

/* ─── drill-down ────────────────────────────────────────────────────────── */

NdLogQuery *
nd_dashboard_drill_down (const NdFactsReport *report, NdDashboardChart chart, int index)
{
  g_autoptr(NdLogQuery) q = NULL;
  const NdFactsRank *r;

  if (report == NULL || index < 0)
    return NULL;
  q = nd_log_query_new ();
  q->from = report->overview.from;
  q->to = report->overview.to;
  /* Ids, never names: token names repeat across users, and users and
   * tokens can be renamed since the facts were taken. */
  switch (chart)
    {
    case ND_DASHBOARD_CHART_MODELS:
      if ((guint) index >= MIN (report->models->len, ND_DASHBOARD_DONUT_SLICES))
        return NULL;   /* "Other" is many models */
      r = g_ptr_array_index (report->models, index);
      nd_log_query_add_model (q, r->key);
      break;
    case ND_DASHBOARD_CHART_CHANNELS:
      if ((guint) index >= report->channels->len)
        return NULL;
      r = g_ptr_array_index (report->channels, index);
      nd_log_query_add_channel (q, r->id);
      break;
    case ND_DASHBOARD_CHART_USERS:
      if ((guint) index >= report->users->len)
        return NULL;
      r = g_ptr_array_index (report->users, index);
      q->user_id = r->id;
      break;
    case ND_DASHBOARD_CHART_TOKENS:
      if ((guint) index >= report->tokens->len)
        return NULL;
      r = g_ptr_array_index (report->tokens, index);
      q->token_id = r->id;
      break;
    case ND_DASHBOARD_CHART_TREND:
    case ND_DASHBOARD_CHART_ERRORS:
    case ND_DASHBOARD_N_CHARTS:
    default:
      return NULL;
    }
  return g_steal_pointer (&q);
}

/* ─── ticker and clock ──────────────────────────────────────────────────── */

void
nd_dashboard_ticker_line (const NdLog *log, const NdMoney *money, char **what, char **figure)
{
  const char *user = log->username ? log->username : "";
  g_autofree char *line = NULL;

  if (log->type == ND_LOG_ERROR)
    {
      line = g_strdup_printf ("%s · %s · %s", user, log->model_name ? log->model_name : "",
                              log->content ? log->content : "");
      *figure = g_strdup (_("error"));
    }
  else
    {
      line = g_strdup_printf ("%s · %s", user,
                              log->model_name && *log->model_name ? log->model_name
                                                                  : nd_log_type_to_label (log->type));
      *figure = log->type == ND_LOG_CONSUME ? nd_money_format (money, log->quota)
                                            : g_strdup (nd_log_type_to_label (log->type));
    }
  /* Error texts are the upstream's, and upstreams echo the keys they got;
   * names are whatever users typed. */
  *what = nd_mask_text_dup (line);
}

char *
nd_dashboard_synced_text (gint64 last_sync, gint64 now, gboolean syncing)
{
  gint64 ago = MAX (now - last_sync, 0);
  g_autofree char *when = NULL;

  if (syncing)
    return g_strdup (_("Syncing…"));
  if (last_sync == 0)
    return g_strdup (_("Not synced yet"));
  if (ago < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Synced %d second ago",
                                         "Synced %d seconds ago", (int) ago), (int) ago);
  if (ago < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Synced %d minute ago",
                                         "Synced %d minutes ago", (int) (ago / 60)), (int) (ago / 60));
  {
    g_autoptr(GTimeZone) local = g_time_zone_new_local ();

    when = zone_time (local, last_sync);
  }
  return g_strdup_printf (_("Synced %s"), when);
}
