/* nd-dashboard-page.c — overview cards, cairo charts, rankings and a live
 * ticker, all read from the local facts store (never from `logs`)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On connect the page opens the profile's NdFacts, syncs it (a first sync
 * shows progress and can be cancelled; it resumes next time) and queries
 * the range. A timer repeats sync + query every `refresh-interval` seconds;
 * a cheaper 5 s poll feeds the ticker. Both run only while the page is
 * mapped (another sidebar page on screen costs the gateway nothing); showing
 * the page again refreshes at once. Nothing here blocks the main loop:
 * the sync runs on the source's connection thread and the facts worker.
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "facts/nd-facts.h"
#include "nd-chart-view.h"
#include "nd-dashboard-page.h"
#include "nd-time.h"

#define TICKER_ROWS 40
#define TICKER_INTERVAL 5
#define TOP_N 10
#define DONUT_SLICES 7

enum { CARD_REQUESTS, CARD_SUCCESS, CARD_QUOTA, CARD_USERS, CARD_TODAY, CARD_RPM, CARD_TOKENS, N_CARDS };

enum { CHART_TREND, CHART_MODELS, CHART_CHANNELS, CHART_ERRORS, CHART_TOKENS, CHART_USERS, N_CHARTS };

enum { METRIC_REQUESTS, METRIC_QUOTA, METRIC_ERROR_RATE, METRIC_LATENCY };

struct _NdDashboardPage
{
  NdPage parent_instance;

  /* template */
  GtkStack *stack;
  GtkDropDown *range_dropdown;
  GtkLabel *range_label;
  GtkLabel *synced_label;
  GtkButton *refresh_button;
  GtkRevealer *progress_revealer;
  GtkLabel *progress_label;
  GtkProgressBar *progress_bar;
  GtkButton *cancel_button;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkFlowBox *cards;
  GtkGrid *grid;

  /* built in code */
  GtkLabel *card_value[N_CARDS];
  GtkLabel *card_detail[N_CARDS];
  NdChartView *charts[N_CHARTS];
  GtkStack *chart_stack[N_CHARTS];
  GtkLabel *missing_reason[N_CHARTS];
  GtkWidget *save_button[N_CHARTS];
  GtkLabel *trend_caveat;
  GtkLabel *models_caveat;
  GtkDropDown *metric_dropdown;
  GtkListBox *ticker;
  GtkLabel *ticker_empty;
  GtkPopover *custom_popover;
  GtkEntry *custom_from;
  GtkEntry *custom_to;

  /* owned */
  NdFacts *facts;
  NdFactsReport *report;
  GSettings *settings;
  GCancellable *cancellable;        /* everything of this session */
  GCancellable *sync_cancellable;
  guint refresh_id;
  guint clock_id;
  guint ticker_id;
  gint64 ticker_last_id;
  gboolean ticker_busy;
  gboolean querying;
  gboolean first_sync;
  gboolean disposed;                /* widgets are gone: async results are dropped */
  char *preset;                     /* "24h", "7d", "30d", "custom" */
  gint64 custom_from_t;
  gint64 custom_to_t;
};

G_DEFINE_FINAL_TYPE (NdDashboardPage, nd_dashboard_page, ND_TYPE_PAGE)

static const char * const presets[] = { "24h", "7d", "30d", "custom" };

static void refresh (NdDashboardPage *self);
static void run_query (NdDashboardPage *self);

/* ─── helpers ───────────────────────────────────────────────────────────── */

static NdServerInfo *
get_info (NdDashboardPage *self)
{
  return nd_page_get_session (ND_PAGE (self)) ? nd_session_get_info (nd_page_get_session (ND_PAGE (self))) : NULL;
}

static const NdMoney *
get_money (NdDashboardPage *self)
{
  static NdMoney *fallback;
  NdServerInfo *info = get_info (self);

  if (info != NULL && info->money != NULL)
    return info->money;
  if (fallback == NULL)
    fallback = nd_money_new_default ();
  return fallback;
}

static char *
format_count (gint64 n)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, n);
}

static char *
money_format_cb (double value, gpointer user_data)
{
  return nd_money_format (user_data, (gint64) value);
}

static gboolean
has_cap (NdDashboardPage *self, NdCapabilities cap)
{
  NdServerInfo *info = get_info (self);

  return info != NULL && nd_server_info_has (info, cap);
}

static void
show_error (NdDashboardPage *self, const GError *error)
{
  if (error == NULL || nd_error_is_cancelled (error))
    {
      gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
      return;
    }
  gtk_label_set_text (self->error_label, error->message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
get_range (NdDashboardPage *self, NdFactsRange *range)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (g_strcmp0 (self->preset, "custom") == 0 && self->custom_to_t > self->custom_from_t)
    {
      memset (range, 0, sizeof *range);
      range->from = self->custom_from_t;
      range->to = self->custom_to_t;
      range->now = now;
      range->tz_offset = G_MININT;
    }
  else if (!nd_facts_range_preset (range, self->preset, now))
    nd_facts_range_preset (range, "24h", now);
  range->top_n = 0;   /* whole rankings: the donut needs "Other" */
}

/* ─── synced N s ago ────────────────────────────────────────────────────── */

static gboolean
clock_tick (gpointer user_data)
{
  NdDashboardPage *self = user_data;
  gint64 last = self->facts ? nd_facts_get_last_sync (self->facts) : 0;
  gint64 ago = g_get_real_time () / G_USEC_PER_SEC - last;
  g_autofree char *text = NULL;

  if (self->facts != NULL && nd_facts_is_syncing (self->facts) &&
      (last == 0 || gtk_revealer_get_reveal_child (self->progress_revealer)))
    text = g_strdup (_("Syncing…"));
  else if (last == 0)
    text = g_strdup (_("Not synced yet"));
  else if (ago < 60)
    text = g_strdup_printf (ngettext ("Synced %d second ago", "Synced %d seconds ago", (int) MAX (ago, 0)),
                            (int) MAX (ago, 0));
  else if (ago < 3600)
    text = g_strdup_printf (ngettext ("Synced %d minute ago", "Synced %d minutes ago", (int) (ago / 60)),
                            (int) (ago / 60));
  else
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (last);
      g_autofree char *when = g_date_time_format (dt, "%x %H:%M");

      text = g_strdup_printf (_("Synced %s"), when);
    }
  gtk_label_set_text (self->synced_label, text);
  return G_SOURCE_CONTINUE;
}

/* ─── filling the page from a report ────────────────────────────────────── */

static void
set_card (NdDashboardPage *self, int card, const char *value, const char *detail)
{
  gtk_label_set_text (self->card_value[card], value);
  gtk_label_set_text (self->card_detail[card], detail ? detail : "");
}

static char *
bucket_label (gint64 start, gint64 bucket)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (start);

  return g_date_time_format (dt, bucket < 86400 ? "%H:%M" : "%b %e");
}

static void
fill_trends (NdDashboardPage *self, const NdFactsReport *rep)
{
  guint n = rep->trend->len;
  g_autofree double *req = g_new0 (double, MAX (n, 1));
  g_autofree double *quota = g_new0 (double, MAX (n, 1));
  g_autofree double *rate = g_new0 (double, MAX (n, 1));
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  NdChartLineData line = { 0 };
  gint64 peak = 0, peak_at = 0;
  double worst = 0;
  gint64 worst_at = 0;
  g_autofree char *q = nd_money_format (get_money (self), rep->overview.quota);
  g_autofree char *desc = NULL;
  g_autofree char *desc2 = NULL;

  for (guint i = 0; i < n; i++)
    {
      const NdFactsPoint *p = &g_array_index (rep->trend, NdFactsPoint, i);

      req[i] = p->requests;
      quota[i] = p->quota;
      rate[i] = p->requests > 0 ? 100.0 * p->errors / p->requests : 0;
      g_ptr_array_add (labels, bucket_label (p->start, rep->overview.bucket));
      if (p->requests > peak)
        peak = p->requests, peak_at = p->start;
      if (rate[i] > worst)
        worst = rate[i], worst_at = p->start;
    }
  g_ptr_array_add (labels, NULL);

  line.n_points = rep->overview.requests > 0 ? n : 0;
  line.x_labels = (const char * const *) labels->pdata;
  line.n_series = 2;
  line.series[0] = (NdChartSeries) { _("Requests"), req, 0, FALSE, NULL, NULL };
  line.series[1] = (NdChartSeries) { _("Quota"), quota, 3, TRUE, money_format_cb, (gpointer) get_money (self),
                                     (gpointer (*) (gpointer)) nd_money_copy,
                                     (GDestroyNotify) nd_money_free };
  line.hover = -1;
  {
    g_autofree char *peak_label = bucket_label (peak_at, rep->overview.bucket);

    desc = g_strdup_printf (_("%" PRId64 " requests and %s of quota in %u periods; "
                              "busiest %s with %" PRId64 " requests."),
                            rep->overview.requests, q, n, peak_label, peak);
  }
  nd_chart_view_set_line (self->charts[CHART_TREND], &line, desc);

  memset (&line, 0, sizeof line);
  line.n_points = rep->overview.requests > 0 ? n : 0;
  line.x_labels = (const char * const *) labels->pdata;
  line.n_series = 1;
  line.series[0] = (NdChartSeries) { _("Error rate (%)"), rate, -1, FALSE, NULL, NULL };
  line.hover = -1;
  {
    g_autofree char *worst_label = bucket_label (worst_at, rep->overview.bucket);

    desc2 = g_strdup_printf (_("%" PRId64 " errors of %" PRId64
                               " requests; worst period %s at %.1f%%."),
                             rep->overview.errors, rep->overview.requests, worst_label, worst);
  }
  nd_chart_view_set_line (self->charts[CHART_ERRORS], &line, desc2);
}

static void
fill_models (NdDashboardPage *self, const NdFactsReport *rep)
{
  guint n = MIN (rep->models->len, DONUT_SLICES);
  gboolean other = rep->models->len > DONUT_SLICES;
  g_autofree NdChartSlice *slices = g_new0 (NdChartSlice, n + 1);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) desc = g_string_new (_("Requests per model: "));
  gint64 rest = rep->overview.requests;
  NdChartDonutData d = { 0 };
  g_autofree char *total = format_count (rep->overview.requests);

  for (guint i = 0; i < n; i++)
    {
      const NdFactsRank *r = g_ptr_array_index (rep->models, i);

      slices[i].label = r->name;
      slices[i].value = r->requests;
      g_ptr_array_add (texts, format_count (r->requests));
      slices[i].value_text = g_ptr_array_index (texts, texts->len - 1);
      rest -= r->requests;
      g_string_append_printf (desc, "%s %" G_GINT64_FORMAT "; ", r->name, r->requests);
    }
  if (other && rest > 0)
    {
      slices[n].label = _("Other");
      slices[n].value = rest;
      g_ptr_array_add (texts, format_count (rest));
      slices[n].value_text = g_ptr_array_index (texts, texts->len - 1);
      g_string_append_printf (desc, "%s %" G_GINT64_FORMAT, _("other"), rest);
      n++;
    }
  d.n_slices = n;
  d.slices = slices;
  d.last_is_other = other;
  d.center_title = total;
  d.center_subtitle = _("requests");
  d.hover = -1;
  nd_chart_view_set_donut (self->charts[CHART_MODELS], &d, desc->str);
}

static void
fill_channels (NdDashboardPage *self)
{
  const NdFactsReport *rep = self->report;
  guint metric = self->metric_dropdown ? gtk_drop_down_get_selected (self->metric_dropdown) : 0;
  guint n = MIN (rep->channels->len, TOP_N);
  g_autofree NdChartBar *bars = g_new0 (NdChartBar, MAX (n, 1));
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) desc = g_string_new (NULL);
  NdChartBarsData d = { 0 };

  for (guint i = 0; i < n; i++)
    {
      const NdFactsRank *r = g_ptr_array_index (rep->channels, i);
      double rate = r->requests > 0 ? 100.0 * r->errors / r->requests : 0;
      char *text;

      bars[i].label = r->name;
      bars[i].value2 = -1;
      switch (metric)
        {
        case METRIC_QUOTA:
          bars[i].value = r->quota;
          text = nd_money_format (get_money (self), r->quota);
          break;
        case METRIC_ERROR_RATE:
          bars[i].value = rate;
          bars[i].alert = rate >= 5;
          text = g_strdup_printf ("%.1f%%", rate);
          break;
        case METRIC_LATENCY:
          bars[i].value = MAX (r->p50, 0);
          bars[i].value2 = MAX (r->p95, 0);
          text = r->p50 < 0 ? g_strdup ("—") : g_strdup_printf (_("p50 %.1f s · p95 %.1f s"), r->p50, r->p95);
          break;
        case METRIC_REQUESTS:
        default:
          bars[i].value = r->requests;
          text = format_count (r->requests);
          break;
        }
      g_ptr_array_add (texts, text);
      bars[i].value_text = text;
      g_string_append_printf (desc, "%s: %s; ", r->name, text);
    }
  d.n_bars = n;
  d.bars = bars;
  d.color = 1;
  d.hover = -1;
  nd_chart_view_set_bars (self->charts[CHART_CHANNELS], &d, desc->str);
}

static void
fill_ranking (NdDashboardPage *self, int chart, GPtrArray *rows, int color)
{
  guint n = MIN (rows->len, TOP_N);
  g_autofree NdChartBar *bars = g_new0 (NdChartBar, MAX (n, 1));
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) desc = g_string_new (NULL);
  NdChartBarsData d = { 0 };

  for (guint i = 0; i < n; i++)
    {
      const NdFactsRank *r = g_ptr_array_index (rows, i);
      char *money = nd_money_format (get_money (self), r->quota);
      char *detail = g_strdup_printf (ngettext ("%" PRId64 " request", "%" PRId64 " requests",
                                                r->requests), r->requests);

      g_ptr_array_add (texts, money);
      g_ptr_array_add (texts, detail);
      bars[i] = (NdChartBar) { r->name, (double) r->quota, -1, money, detail, FALSE };
      g_string_append_printf (desc, "%u. %s: %s, %s; ", i + 1, r->name, money, detail);
    }
  d.n_bars = n;
  d.bars = bars;
  d.color = color;
  d.ranking = TRUE;
  d.hover = -1;
  nd_chart_view_set_bars (self->charts[chart], &d, desc->str);
}

static void
fill_report (NdDashboardPage *self)
{
  const NdFactsReport *rep = self->report;
  const NdFactsOverview *ov = &rep->overview;
  const NdMoney *money = get_money (self);
  g_autofree char *requests = format_count (ov->requests);
  g_autofree char *errors = g_strdup_printf (ngettext ("%" PRId64 " error", "%" PRId64 " errors",
                                                       ov->errors), ov->errors);
  g_autofree char *rate = g_strdup_printf ("%.2f%%", ov->success_rate * 100);
  g_autofree char *quota = nd_money_format (money, ov->quota);
  g_autofree char *quota_full = g_strdup_printf (_("%'" PRId64 " quota units"), ov->quota);
  g_autofree char *users = format_count (ov->active_users);
  g_autofree char *today = format_count (ov->today_requests);
  g_autofree char *today_quota = nd_money_format (money, ov->today_quota);
  g_autofree char *rpm = g_strdup_printf ("%.1f", ov->avg_rpm);
  g_autofree char *tpm = g_strdup_printf (_("%.0f tokens/min"), ov->avg_tpm);
  g_autofree char *tokens = format_count (ov->prompt_tokens + ov->completion_tokens);
  g_autofree char *split = g_strdup_printf (_("%'" PRId64 " in · %'" PRId64 " out"),
                                            ov->prompt_tokens, ov->completion_tokens);
  g_autoptr(GDateTime) from = g_date_time_new_from_unix_local (ov->from);
  g_autoptr(GDateTime) to = g_date_time_new_from_unix_local (ov->to);
  g_autofree char *from_s = g_date_time_format (from, "%x %H:%M");
  g_autofree char *to_s = g_date_time_format (to, "%x %H:%M");
  g_autofree char *range = g_strdup_printf ("%s – %s", from_s, to_s);

  gtk_label_set_text (self->range_label, range);
  set_card (self, CARD_REQUESTS, requests, errors);
  set_card (self, CARD_SUCCESS, ov->requests > 0 ? rate : "—", _("consume vs. error logs"));
  set_card (self, CARD_QUOTA, quota, quota_full);
  if (has_cap (self, ND_CAP_FACTS_USER))
    set_card (self, CARD_USERS, users, _("with requests in range"));
  else
    set_card (self, CARD_USERS, "—", _("connect the database"));
  {
    g_autofree char *d = g_strdup_printf (_("%s of quota"), today_quota);

    set_card (self, CARD_TODAY, today, d);
  }
  set_card (self, CARD_RPM, rpm, tpm);
  set_card (self, CARD_TOKENS, tokens,
            has_cap (self, ND_CAP_FACTS_TOKEN_SPLIT) ? split : _("prompt + completion"));

  fill_trends (self, rep);
  fill_models (self, rep);
  fill_channels (self);
  fill_ranking (self, CHART_TOKENS, rep->tokens, 7);
  fill_ranking (self, CHART_USERS, rep->users, 5);
}

/* ─── capabilities ──────────────────────────────────────────────────────── */

/* Why a chart is missing: the first capability it needs that the source
 * lacks, in words. */
static const char *
missing_reason (NdCapabilities missing)
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

static NdCapabilities
chart_needs (NdDashboardPage *self, int chart)
{
  static const NdCapabilities needs[N_CHARTS] = {
    [CHART_TREND] = ND_CAP_FACTS,
    [CHART_MODELS] = ND_CAP_FACTS,
    [CHART_CHANNELS] = ND_CAP_FACTS_CHANNEL,
    [CHART_ERRORS] = ND_CAP_FACTS_ERRORS,
    [CHART_TOKENS] = ND_CAP_FACTS_TOKEN,
    [CHART_USERS] = ND_CAP_FACTS_USER,
  };
  NdCapabilities need = needs[chart];

  if (chart == CHART_CHANNELS && self->metric_dropdown != NULL)
    switch (gtk_drop_down_get_selected (self->metric_dropdown))
      {
      case METRIC_ERROR_RATE: need |= ND_CAP_FACTS_ERRORS; break;
      case METRIC_LATENCY: need |= ND_CAP_FACTS_LATENCY; break;
      default: break;
      }
  return need;
}

static void
update_caps (NdDashboardPage *self)
{
  NdServerInfo *info = get_info (self);
  NdCapabilities have = info ? info->caps : 0;
  const char *caveat = nd_server_info_get_facts_caveat (info);

  for (int i = 0; i < N_CHARTS; i++)
    {
      NdCapabilities missing = chart_needs (self, i) & ~have;

      gtk_label_set_text (self->missing_reason[i], missing_reason (missing));
      gtk_stack_set_visible_child_name (self->chart_stack[i], missing == 0 ? "chart" : "missing");
      /* Nothing to save but zeros. */
      gtk_widget_set_visible (self->save_button[i], missing == 0);
    }
  /* Without channels the metric has nothing to switch. */
  gtk_widget_set_visible (GTK_WIDGET (self->metric_dropdown), (have & ND_CAP_FACTS_CHANNEL) != 0);

  gtk_label_set_text (self->trend_caveat, caveat ? caveat : "");
  gtk_widget_set_visible (GTK_WIDGET (self->trend_caveat), caveat != NULL);
  gtk_label_set_text (self->models_caveat,
                      _("Models with names longer than 64 characters are missing from NewAPI’s "
                        "statistics."));
  gtk_widget_set_visible (GTK_WIDGET (self->models_caveat), caveat != NULL);
}

/* ─── query / sync / ticker ─────────────────────────────────────────────── */

static void
query_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdDashboardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  NdFactsReport *rep = nd_facts_query_finish (ND_FACTS (object), result, &error);

  /* A query of a stopped session (or of a disposed page) shows nothing. */
  if (self->disposed || ND_FACTS (object) != self->facts)
    {
      g_clear_pointer (&rep, nd_facts_report_unref);
      return;
    }
  self->querying = FALSE;
  if (rep == NULL)
    {
      show_error (self, error);
      return;
    }
  g_clear_pointer (&self->report, nd_facts_report_unref);
  self->report = rep;
  fill_report (self);
  clock_tick (self);
}

static void
run_query (NdDashboardPage *self)
{
  NdFactsRange range;

  if (self->facts == NULL || self->querying)
    return;
  get_range (self, &range);
  self->querying = TRUE;
  nd_facts_query_async (self->facts, &range, self->cancellable, query_done, g_object_ref (self));
}

/* One sync of one NdFacts: progress and the result of a sync that is no
 * longer the page's (stopped, restarted on another session, page disposed)
 * must not reach the widgets. */
typedef struct {
  NdDashboardPage *self;            /* owned */
  NdFacts *facts;                   /* not owned: the sync's task holds it */
} SyncCtx;

static gboolean
sync_is_current (SyncCtx *ctx)
{
  NdDashboardPage *self = ctx->self;

  return !self->disposed && self->facts != NULL && ctx->facts == self->facts &&
         self->sync_cancellable != NULL && !g_cancellable_is_cancelled (self->sync_cancellable);
}

static void
sync_progress (gint64 done, gint64 total, gint64 rows, gpointer user_data)
{
  SyncCtx *ctx = user_data;
  NdDashboardPage *self = ctx->self;
  g_autofree char *text = NULL;
  g_autofree char *nrows = NULL;

  if (!sync_is_current (ctx))
    return;
  nrows = format_count (rows);
  /* Only a big sync (the first one, or after a long pause) shows a bar. */
  if (!self->first_sync && total < 200000)
    return;
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) done / total : 0);
  text = g_strdup_printf (_("Building the local facts store: %s log rows aggregated so far. "
                            "This happens once; later syncs only read new rows."), nrows);
  gtk_label_set_text (self->progress_label, text);
}

static void
sync_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autofree SyncCtx *ctx = user_data;
  g_autoptr(NdDashboardPage) self = ctx->self;
  g_autoptr(GError) error = NULL;

  /* Another writer moving the store on is no error (nd_facts_sync_async
   * succeeds then); the query below shows what the store has. */
  nd_facts_sync_finish (ND_FACTS (object), result, &error);
  if (self->disposed || ND_FACTS (object) != self->facts)
    return;
  g_clear_object (&self->sync_cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), TRUE);
  if (error != NULL && nd_error_is_cancelled (error) && self->first_sync)
    {
      gtk_label_set_text (self->progress_label,
                          _("Sync paused. It continues where it stopped at the next refresh."));
      gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
    }
  else
    gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  show_error (self, error);
  if (error == NULL)
    self->first_sync = FALSE;
  run_query (self);
}

static void
refresh (NdDashboardPage *self)
{
  NdSource *source;
  SyncCtx *ctx;

  if (self->disposed || self->facts == NULL || nd_page_get_session (ND_PAGE (self)) == NULL || nd_facts_is_syncing (self->facts))
    return;
  source = nd_session_get_source (nd_page_get_session (ND_PAGE (self)));
  if (source == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), FALSE);
  g_clear_object (&self->sync_cancellable);
  self->sync_cancellable = g_cancellable_new ();
  ctx = g_new0 (SyncCtx, 1);
  ctx->self = g_object_ref (self);
  ctx->facts = self->facts;
  nd_facts_sync_async (self->facts, source, sync_progress, ctx, self->sync_cancellable,
                       sync_done, ctx);
  clock_tick (self);
}

static gboolean
refresh_tick (gpointer user_data)
{
  refresh (user_data);
  return G_SOURCE_CONTINUE;
}

static GtkWidget *
ticker_row (NdDashboardPage *self, const NdLog *log)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (log->created_at);
  g_autofree char *time = g_date_time_format (dt, "%H:%M:%S");
  g_autofree char *what = NULL;
  g_autofree char *right = NULL;
  GtkWidget *label;

  if (log->type == ND_LOG_ERROR)
    {
      what = g_strdup_printf ("%s · %s · %s", log->username ? log->username : "",
                              log->model_name ? log->model_name : "", log->content ? log->content : "");
      right = g_strdup (_("error"));
    }
  else
    {
      what = g_strdup_printf ("%s · %s", log->username ? log->username : "",
                              log->model_name && *log->model_name ? log->model_name : nd_log_type_to_label (log->type));
      right = log->type == ND_LOG_CONSUME ? nd_money_format (get_money (self), log->quota)
                                          : g_strdup (nd_log_type_to_label (log->type));
    }
  label = gtk_label_new (time);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  label = gtk_label_new (what);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  label = gtk_label_new (right);
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (box), label);
  if (log->type == ND_LOG_ERROR)
    gtk_widget_add_css_class (box, "error");
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  return box;
}

static void
ticker_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdDashboardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdLogPage) page = nd_facts_tail_logs_finish (result, &error);

  self->ticker_busy = FALSE;
  if (self->disposed || page == NULL || nd_page_get_session (ND_PAGE (self)) == NULL)
    return;
  for (guint i = 0; i < page->rows->len; i++)
    {
      const NdLog *log = g_ptr_array_index (page->rows, i);
      GtkWidget *row;

      self->ticker_last_id = MAX (self->ticker_last_id, log->id);
      row = ticker_row (self, log);
      gtk_list_box_prepend (self->ticker, row);
    }
  /* keep the newest TICKER_ROWS */
  for (GtkListBoxRow *row; (row = gtk_list_box_get_row_at_index (self->ticker, TICKER_ROWS)) != NULL;)
    gtk_list_box_remove (self->ticker, GTK_WIDGET (row));
  gtk_widget_set_visible (GTK_WIDGET (self->ticker_empty),
                          gtk_list_box_get_row_at_index (self->ticker, 0) == NULL);
}

static gboolean
ticker_tick (gpointer user_data)
{
  NdDashboardPage *self = user_data;
  NdSource *source = nd_page_get_session (ND_PAGE (self)) ? nd_session_get_source (nd_page_get_session (ND_PAGE (self))) : NULL;

  if (source == NULL || self->ticker_busy || !has_cap (self, ND_CAP_LOGS))
    return G_SOURCE_CONTINUE;
  self->ticker_busy = TRUE;
  nd_facts_tail_logs_async (source, self->ticker_last_id, TICKER_ROWS, self->cancellable,
                            ticker_done, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

/* ─── polling (only while the page is on screen) ───────────────────────── */

static guint refresh_interval (NdDashboardPage *self);

static void
clear_ticker (NdDashboardPage *self)
{
  self->ticker_last_id = 0;
  for (GtkListBoxRow *row; (row = gtk_list_box_get_row_at_index (self->ticker, 0)) != NULL;)
    gtk_list_box_remove (self->ticker, GTK_WIDGET (row));
}

/* The sync timer and the ticker cost the gateway requests (over HTTP they
 * eat NewAPI's per-IP rate limit): they run only while the page is mapped.
 * Coming back refreshes at once, and the ticker starts over from the newest
 * rows rather than crawling through what it missed. */
static void
start_polling (NdDashboardPage *self)
{
  if (self->disposed || self->facts == NULL || self->refresh_id != 0)
    return;
  if (!self->ticker_busy)
    clear_ticker (self);
  refresh (self);
  ticker_tick (self);
  self->refresh_id = g_timeout_add_seconds (refresh_interval (self), refresh_tick, self);
  self->ticker_id = g_timeout_add_seconds (MIN (TICKER_INTERVAL, refresh_interval (self)), ticker_tick, self);
}

static void
stop_polling (NdDashboardPage *self)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->ticker_id, g_source_remove);
}

static void
nd_dashboard_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (nd_dashboard_page_parent_class)->map (widget);
  start_polling (ND_DASHBOARD_PAGE (widget));
}

static void
nd_dashboard_page_unmap (GtkWidget *widget)
{
  stop_polling (ND_DASHBOARD_PAGE (widget));
  GTK_WIDGET_CLASS (nd_dashboard_page_parent_class)->unmap (widget);
}

/* ─── session ───────────────────────────────────────────────────────────── */

static void
stop (NdDashboardPage *self)
{
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  if (self->sync_cancellable)
    g_cancellable_cancel (self->sync_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sync_cancellable);
  stop_polling (self);
  g_clear_object (&self->facts);
  g_clear_pointer (&self->report, nd_facts_report_unref);
  self->querying = FALSE;
  self->ticker_busy = FALSE;
  clear_ticker (self);
  for (int i = 0; i < N_CHARTS; i++)
    nd_chart_view_clear (self->charts[i]);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static guint
refresh_interval (NdDashboardPage *self)
{
  return self->settings ? MAX (g_settings_get_uint (self->settings, "refresh-interval"), 5) : 30;
}

static void
start (NdDashboardPage *self)
{
  NdProfile *profile = nd_session_get_profile (nd_page_get_session (ND_PAGE (self)));
  g_autofree char *key = NULL;
  g_autofree char *path = NULL;

  stop (self);
  if (!has_cap (self, ND_CAP_FACTS))
    {
      gtk_stack_set_visible_child_name (self->stack, "unsupported");
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "content");
  update_caps (self);

  /* One facts file per gateway: the CLI and the window share it. */
  if (profile != NULL && nd_profile_has_pg (profile))
    key = nd_facts_key_for_dsn (nd_profile_get_pg_dsn (profile), nd_profile_get_log_dsn (profile));
  else
    key = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                         profile ? nd_profile_get_id (profile) : "default", -1);
  path = nd_facts_default_path (key);
  self->facts = nd_facts_new (path);
  self->cancellable = g_cancellable_new ();
  self->first_sync = TRUE;   /* until one sync finished in this session */

  run_query (self);          /* what the store already knows, at once */
  /* Syncing and the ticker start once the page is on screen. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    start_polling (self);
}

static void
session_state_cb (NdDashboardPage *self)
{
  NdSessionState state = nd_page_get_session (ND_PAGE (self)) ? nd_session_get_state (nd_page_get_session (ND_PAGE (self))) : ND_SESSION_DISCONNECTED;

  if (state == ND_SESSION_CONNECTED && get_info (self) != NULL)
    {
      if (self->facts == NULL)
        start (self);
    }
  else
    {
      stop (self);
      gtk_stack_set_visible_child_name (self->stack, "disconnected");
    }
}

static void
nd_dashboard_page_session_changed (NdPage *page, NdSession *old)
{
  NdDashboardPage *self = ND_DASHBOARD_PAGE (page);
  NdSession *session = nd_page_get_session (page);

  if (old != NULL)
    g_signal_handlers_disconnect_by_data (old, self);
  stop (self);
  if (session != NULL)
    {
      g_signal_connect_object (session, "notify::state", G_CALLBACK (session_state_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::info", G_CALLBACK (session_state_cb), self,
                               G_CONNECT_SWAPPED);
    }
  session_state_cb (self);
}

/* ─── user actions ──────────────────────────────────────────────────────── */

static void
open_logs (NdDashboardPage *self, NdLogQuery *q)
{
  g_autofree char *filter = NULL;

  if (self->report != NULL)
    {
      q->from = self->report->overview.from;
      q->to = self->report->overview.to;
    }
  filter = nd_log_query_to_string (q);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.open-logs", "s", filter);
}

static void
chart_activated_cb (NdChartView *view, int index, NdDashboardPage *self)
{
  g_autoptr(NdLogQuery) q = nd_log_query_new ();
  const NdFactsRank *r;

  if (self->report == NULL || index < 0)
    return;
  if (view == self->charts[CHART_MODELS] && (guint) index < MIN (self->report->models->len, DONUT_SLICES))
    {
      r = g_ptr_array_index (self->report->models, index);
      nd_log_query_add_model (q, r->key);
    }
  else if (view == self->charts[CHART_CHANNELS] && (guint) index < self->report->channels->len)
    {
      r = g_ptr_array_index (self->report->channels, index);
      nd_log_query_add_channel (q, r->id);
    }
  else if (view == self->charts[CHART_USERS] && (guint) index < self->report->users->len)
    {
      r = g_ptr_array_index (self->report->users, index);
      q->username = g_strdup (r->name);
    }
  else if (view == self->charts[CHART_TOKENS] && (guint) index < self->report->tokens->len)
    {
      r = g_ptr_array_index (self->report->tokens, index);
      q->token_name = g_strdup (r->name);
    }
  else
    return;
  open_logs (self, q);
}

static void
range_changed_cb (NdDashboardPage *self)
{
  guint i = gtk_drop_down_get_selected (self->range_dropdown);

  if (i >= G_N_ELEMENTS (presets))
    return;
  if (g_str_equal (presets[i], "custom"))
    {
      gtk_popover_popup (self->custom_popover);
      if (self->custom_to_t <= self->custom_from_t)
        return;
    }
  g_free (self->preset);
  self->preset = g_strdup (presets[i]);
  if (self->settings)
    g_settings_set_string (self->settings, "dashboard-range", self->preset);
  run_query (self);
}

static gboolean
parse_entry (GtkEntry *entry, gint64 *out)
{
  if (!nd_time_parse (gtk_editable_get_text (GTK_EDITABLE (entry)), out))
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      return FALSE;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  return TRUE;
}

static void
custom_apply_cb (NdDashboardPage *self)
{
  gint64 from, to;

  if (!parse_entry (self->custom_from, &from) || !parse_entry (self->custom_to, &to))
    return;
  if (to <= from)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->custom_to), "error");
      return;
    }
  self->custom_from_t = from;
  self->custom_to_t = to;
  g_free (self->preset);
  self->preset = g_strdup ("custom");
  gtk_popover_popdown (self->custom_popover);
  run_query (self);
}

static void
metric_changed_cb (NdDashboardPage *self)
{
  if (nd_page_get_session (ND_PAGE (self)) != NULL)
    update_caps (self);
  if (self->report != NULL)
    fill_channels (self);
}

static void
refresh_clicked_cb (NdDashboardPage *self)
{
  refresh (self);
}

static void
cancel_clicked_cb (NdDashboardPage *self)
{
  if (self->sync_cancellable)
    g_cancellable_cancel (self->sync_cancellable);
}

static void
save_clicked_cb (GtkButton *button, NdChartView *view)
{
  nd_chart_view_save_as (view);
}

/* ─── construction ──────────────────────────────────────────────────────── */

static void
add_card (NdDashboardPage *self, int card, const char *title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label = gtk_label_new (title);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_set_size_request (box, 150, -1);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 10);
  gtk_box_append (GTK_BOX (box), label);
  self->card_value[card] = GTK_LABEL (gtk_label_new ("—"));
  gtk_label_set_xalign (self->card_value[card], 0);
  gtk_label_set_ellipsize (self->card_value[card], PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->card_value[card]), "title-2");
  gtk_widget_add_css_class (GTK_WIDGET (self->card_value[card]), "numeric");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->card_value[card]));
  self->card_detail[card] = GTK_LABEL (gtk_label_new (""));
  gtk_label_set_xalign (self->card_detail[card], 0);
  gtk_label_set_ellipsize (self->card_detail[card], PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->card_detail[card]), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->card_detail[card]), "dim-label");
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->card_detail[card]), 10);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->card_detail[card]));
  for (GtkWidget *c = gtk_widget_get_first_child (box); c; c = gtk_widget_get_next_sibling (c))
    {
      gtk_widget_set_margin_start (c, 12);
      gtk_widget_set_margin_end (c, 12);
    }
  gtk_flow_box_append (self->cards, box);
}

static GtkWidget *
chart_card (NdDashboardPage *self, int chart, NdChartViewKind kind, const char *title,
            GtkWidget *extra, const char *empty)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *save = gtk_button_new_from_icon_name ("document-save-symbolic");
  GtkWidget *missing = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *missing_title = gtk_label_new (_("Connect the database for this chart"));
  GtkWidget *missing_reason = gtk_label_new (NULL);
  GtkWidget *view = nd_chart_view_new (kind, title);
  GtkWidget *stack = gtk_stack_new ();

  gtk_widget_add_css_class (card, "card");
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_end (header, 6);
  gtk_widget_set_margin_top (header, 6);
  /* The same height with or without its buttons (hidden for a missing chart). */
  gtk_widget_set_size_request (header, -1, 34);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (header), label);
  if (extra)
    gtk_box_append (GTK_BOX (header), extra);
  gtk_widget_set_tooltip_text (save, _("Save chart as…"));
  gtk_widget_add_css_class (save, "flat");
  g_signal_connect (save, "clicked", G_CALLBACK (save_clicked_cb), view);
  gtk_box_append (GTK_BOX (header), save);
  gtk_box_append (GTK_BOX (card), header);

  nd_chart_view_set_empty_text (ND_CHART_VIEW (view), empty ? empty : _("No requests in this range"));
  gtk_widget_set_margin_start (view, 8);
  gtk_widget_set_margin_end (view, 8);
  gtk_widget_set_margin_bottom (view, 8);
  g_signal_connect (view, "activated", G_CALLBACK (chart_activated_cb), self);
  /* What a source cannot give is said, never drawn as zeros. */
  gtk_widget_set_valign (missing, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (missing, 40);
  gtk_widget_set_margin_bottom (missing, 40);
  gtk_widget_set_margin_start (missing, 24);
  gtk_widget_set_margin_end (missing, 24);
  gtk_widget_add_css_class (missing, "nd-chart-missing");
  gtk_label_set_wrap (GTK_LABEL (missing_title), TRUE);
  gtk_label_set_justify (GTK_LABEL (missing_title), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (missing_title, "heading");
  gtk_widget_add_css_class (missing_title, "dim-label");
  gtk_box_append (GTK_BOX (missing), missing_title);
  gtk_label_set_wrap (GTK_LABEL (missing_reason), TRUE);
  gtk_label_set_justify (GTK_LABEL (missing_reason), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (missing_reason, "caption");
  gtk_widget_add_css_class (missing_reason, "dim-label");
  gtk_box_append (GTK_BOX (missing), missing_reason);
  gtk_stack_add_named (GTK_STACK (stack), view, "chart");
  gtk_stack_add_named (GTK_STACK (stack), missing, "missing");
  gtk_box_append (GTK_BOX (card), stack);

  self->charts[chart] = ND_CHART_VIEW (view);
  self->chart_stack[chart] = GTK_STACK (stack);
  self->missing_reason[chart] = GTK_LABEL (missing_reason);
  self->save_button[chart] = save;
  return card;
}

static GtkWidget *
ticker_card (NdDashboardPage *self)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (_("Live"));
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *overlay = gtk_overlay_new ();

  gtk_widget_add_css_class (card, "card");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_top (label, 12);
  gtk_box_append (GTK_BOX (card), label);
  self->ticker = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->ticker, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->ticker), "background");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->ticker));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (scroller, -1, 220);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_widget_set_margin_bottom (scroller, 8);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), scroller);
  self->ticker_empty = GTK_LABEL (gtk_label_new (_("Waiting for new log rows…")));
  gtk_widget_add_css_class (GTK_WIDGET (self->ticker_empty), "dim-label");
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), GTK_WIDGET (self->ticker_empty));
  gtk_box_append (GTK_BOX (card), overlay);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->ticker), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Newest log rows"), -1);
  return card;
}

/* A small dim line at the bottom of a chart card, hidden until a source
 * has a caveat (NdServerInfo.facts_lag_seconds: NewAPI's quota_data). */
static GtkLabel *
caveat_label (GtkWidget *card)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "nd-facts-caveat");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_bottom (label, 10);
  gtk_widget_set_visible (label, FALSE);
  gtk_box_append (GTK_BOX (card), label);
  return GTK_LABEL (label);
}

static void
build (NdDashboardPage *self)
{
  GtkWidget *metric = gtk_drop_down_new_from_strings ((const char *[]) {
    _("Requests"), _("Quota"), _("Error rate"), _("Latency"), NULL });
  GtkWidget *grid_box, *apply, *card;

  add_card (self, CARD_REQUESTS, _("Requests"));
  add_card (self, CARD_SUCCESS, _("Success rate"));
  add_card (self, CARD_QUOTA, _("Quota used"));
  add_card (self, CARD_USERS, _("Active users"));
  add_card (self, CARD_TODAY, _("Today"));
  add_card (self, CARD_RPM, _("Average RPM"));
  add_card (self, CARD_TOKENS, C_("token usage", "Tokens"));

  self->metric_dropdown = GTK_DROP_DOWN (metric);
  gtk_widget_set_tooltip_text (metric, _("What the bars compare"));
  g_signal_connect_swapped (metric, "notify::selected", G_CALLBACK (metric_changed_cb), self);

  card = chart_card (self, CHART_TREND, ND_CHART_VIEW_LINE, _("Requests and quota"), NULL, NULL);
  self->trend_caveat = caveat_label (card);
  gtk_grid_attach (self->grid, card, 0, 0, 2, 1);
  card = chart_card (self, CHART_MODELS, ND_CHART_VIEW_DONUT, _("Models"), NULL, NULL);
  self->models_caveat = caveat_label (card);
  gtk_grid_attach (self->grid, card, 0, 1, 1, 1);
  gtk_grid_attach (self->grid, chart_card (self, CHART_CHANNELS, ND_CHART_VIEW_BARS, _("Channels"),
                                           metric, NULL), 1, 1, 1, 1);
  gtk_grid_attach (self->grid, chart_card (self, CHART_ERRORS, ND_CHART_VIEW_LINE, _("Error rate"), NULL, NULL),
                   0, 2, 1, 1);
  gtk_grid_attach (self->grid, ticker_card (self), 1, 2, 1, 1);
  gtk_grid_attach (self->grid, chart_card (self, CHART_TOKENS, ND_CHART_VIEW_RANKING, _("Top tokens"),
                                           NULL, NULL), 0, 3, 1, 1);
  gtk_grid_attach (self->grid, chart_card (self, CHART_USERS, ND_CHART_VIEW_RANKING, _("Top users"),
                                           NULL, NULL), 1, 3, 1, 1);

  /* custom range popover */
  self->custom_popover = GTK_POPOVER (gtk_popover_new ());
  grid_box = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid_box), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid_box), 6);
  self->custom_from = GTK_ENTRY (gtk_entry_new ());
  self->custom_to = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->custom_from, "2026-01-01 00:00");
  gtk_entry_set_placeholder_text (self->custom_to, "2026-01-08 00:00");
  gtk_grid_attach (GTK_GRID (grid_box), gtk_label_new (_("From")), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid_box), GTK_WIDGET (self->custom_from), 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid_box), gtk_label_new (_("To")), 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid_box), GTK_WIDGET (self->custom_to), 1, 1, 1, 1);
  apply = gtk_button_new_with_mnemonic (_("_Show"));
  gtk_widget_add_css_class (apply, "suggested-action");
  g_signal_connect_swapped (apply, "clicked", G_CALLBACK (custom_apply_cb), self);
  g_signal_connect_swapped (self->custom_to, "activate", G_CALLBACK (custom_apply_cb), self);
  gtk_grid_attach (GTK_GRID (grid_box), apply, 1, 2, 1, 1);
  gtk_popover_set_child (self->custom_popover, grid_box);
  gtk_widget_set_parent (GTK_WIDGET (self->custom_popover), GTK_WIDGET (self->range_dropdown));
}

static void
nd_dashboard_page_dispose (GObject *object)
{
  NdDashboardPage *self = ND_DASHBOARD_PAGE (object);

  if (nd_page_get_session (ND_PAGE (self)) != NULL)
    g_signal_handlers_disconnect_by_data (nd_page_get_session (ND_PAGE (self)), self);
  if (self->ticker != NULL)
    stop (self);
  self->disposed = TRUE;
  g_clear_handle_id (&self->clock_id, g_source_remove);
  g_clear_object (&self->settings);
  if (self->custom_popover != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->custom_popover));
      self->custom_popover = NULL;
    }
  /* AdwBin owns its child: let it go first, then the bound pointers. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_DASHBOARD_PAGE);
  G_OBJECT_CLASS (nd_dashboard_page_parent_class)->dispose (object);
}

static void
nd_dashboard_page_finalize (GObject *object)
{
  NdDashboardPage *self = ND_DASHBOARD_PAGE (object);

  g_free (self->preset);
  G_OBJECT_CLASS (nd_dashboard_page_parent_class)->finalize (object);
}

static void
nd_dashboard_page_class_init (NdDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_dashboard_page_dispose;
  object_class->finalize = nd_dashboard_page_finalize;
  widget_class->map = nd_dashboard_page_map;
  widget_class->unmap = nd_dashboard_page_unmap;
  ND_PAGE_CLASS (klass)->session_changed = nd_dashboard_page_session_changed;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-dashboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, NdDashboardPage, stack);
  gtk_widget_class_bind_template_child (widget_class, NdDashboardPage, range_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NdDashboardPage, range_label);
  gtk_widget_class_bind_template_child (widget_class, NdDashboardPage, synced_label);
  gtk_widget_class_bind_template_child (widget_class, NdDashboardPage, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, NdDashboardPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, NdDashboardPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, NdDashboardPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, NdDashboardPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, NdDashboardPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, NdDashboardPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, NdDashboardPage, cards);
  gtk_widget_class_bind_template_child (widget_class, NdDashboardPage, grid);
  g_type_ensure (ND_TYPE_CHART_VIEW);
}

static void
nd_dashboard_page_init (NdDashboardPage *self)
{
  GSettingsSchemaSource *src = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = src ? g_settings_schema_source_lookup (src, APPLICATION_ID, TRUE) : NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  build (self);

  self->preset = g_strdup ("24h");
  if (schema != NULL)
    {
      self->settings = g_settings_new (APPLICATION_ID);
      g_free (self->preset);
      self->preset = g_settings_get_string (self->settings, "dashboard-range");
      if (g_str_equal (self->preset, "custom"))
        {
          g_free (self->preset);
          self->preset = g_strdup ("24h");
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_str_equal (presets[i], self->preset))
      gtk_drop_down_set_selected (self->range_dropdown, i);
  g_signal_connect_swapped (self->range_dropdown, "notify::selected", G_CALLBACK (range_changed_cb), self);
  g_signal_connect_swapped (self->refresh_button, "clicked", G_CALLBACK (refresh_clicked_cb), self);
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (cancel_clicked_cb), self);
  self->clock_id = g_timeout_add_seconds (1, clock_tick, self);
  gtk_stack_set_visible_child_name (self->stack, "disconnected");
}

/* For tests: whether the sync timer and the ticker run. */
gboolean
nd_dashboard_page_is_polling (NdDashboardPage *self)
{
  g_return_val_if_fail (ND_IS_DASHBOARD_PAGE (self), FALSE);
  return self->refresh_id != 0 && self->ticker_id != 0;
}

/* For tests: the report on screen. */
NdFactsReport *
nd_dashboard_page_get_report (NdDashboardPage *self)
{
  g_return_val_if_fail (ND_IS_DASHBOARD_PAGE (self), NULL);
  return self->report;
}

GtkWidget *
nd_dashboard_page_get_chart (NdDashboardPage *self, guint index)
{
  g_return_val_if_fail (ND_IS_DASHBOARD_PAGE (self), NULL);
  return index < N_CHARTS ? GTK_WIDGET (self->charts[index]) : NULL;
}
