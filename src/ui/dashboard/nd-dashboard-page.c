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
 * What the figures say is computed in nd-dashboard-data.c; this file polls
 * and puts it on screen.
 *
 * On an opened report (nd-report-source.h) nothing syncs or polls: the
 * facts are the report's, the ranges are the report's own and the
 * dashboard's ranges ending when it was made, in its time zone.
 * Saving a report, the PDF and the comparison are in nd-dashboard-export.c.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "facts/nd-facts.h"
#include "nd-chart-card.h"
#include "nd-dashboard-data.h"
#include "nd-dashboard-export.h"
#include "nd-dashboard-page.h"
#include "nd-dashboard-page-private.h"
#include "nd-secure-string.h"
#include "nd-stat-card.h"
#include "nd-ticker.h"
#include "nd-time.h"
#include "report/nd-report-source.h"



G_DEFINE_FINAL_TYPE (NdDashboardPage, nd_dashboard_page, ND_TYPE_PAGE)

static const char * const presets[] = { "24h", "7d", "30d", "custom" };
/* On a report: its whole range first (NULL preset), then the same. */
static const char * const report_presets[] = { "report", "24h", "7d", "30d", "custom" };

static const char * const *
current_presets (NdDashboardPage *self, guint *n)
{
  *n = self->report_meta ? G_N_ELEMENTS (report_presets) : G_N_ELEMENTS (presets);
  return self->report_meta ? report_presets : presets;
}

static void range_changed_cb (NdDashboardPage *self);

/* ─── helpers ───────────────────────────────────────────────────────────── */

static NdServerInfo *
get_info (NdDashboardPage *self)
{
  NdSession *session = nd_page_get_session (ND_PAGE (self));

  return session ? nd_session_get_info (session) : NULL;
}

/* Borrowed for the moment of a call: whatever keeps it (the data, a chart)
 * copies it, because a reconnect frees the server info it lives in. */
const NdMoney *
_nd_dashboard_get_money (NdDashboardPage *self)
{
  static NdMoney *fallback;
  NdServerInfo *info = get_info (self);

  if (info != NULL && info->money != NULL)
    return info->money;
  if (fallback == NULL)
    fallback = nd_money_new_default ();
  return fallback;
}

gboolean
_nd_dashboard_has_cap (NdDashboardPage *self, NdCapabilities cap)
{
  NdServerInfo *info = get_info (self);

  return info != NULL && nd_server_info_has (info, cap);
}

static NdChartView *
chart (NdDashboardPage *self, NdDashboardChart which)
{
  return nd_chart_card_get_view (self->chart_cards[which]);
}

static NdDashboardMetric
metric (NdDashboardPage *self)
{
  return gtk_drop_down_get_selected (self->metric_dropdown);
}

void
_nd_dashboard_show_error (NdDashboardPage *self, const GError *error)
{
  if (error == NULL || nd_error_is_cancelled (error))
    {
      gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
      return;
    }
  {
    /* A sync error may quote the server, and the server a key. */
    g_autofree char *text = nd_mask_text_dup (error->message);

    gtk_label_set_text (self->error_label, text);
  }
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

/* A report's ranges: what it covers, never the real clock. A range it
 * does not cover says so and shows the whole report. */
static void
get_report_range (NdDashboardPage *self, NdFactsRange *range)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_strcmp0 (self->preset, "custom") == 0 && self->custom_to_t > self->custom_from_t)
    ok = nd_report_meta_clamp_range (self->report_meta, self->custom_from_t, self->custom_to_t,
                                     range, &error);
  else
    ok = nd_report_meta_get_range (self->report_meta,
                                   g_strcmp0 (self->preset, "report") == 0 ? NULL : self->preset,
                                   range, &error);
  _nd_dashboard_show_error (self, error);
  if (!ok)
    nd_report_meta_get_range (self->report_meta, NULL, range, NULL);
  range->top_n = 0;
}

static void
get_range (NdDashboardPage *self, NdFactsRange *range)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (self->report_meta != NULL)
    return get_report_range (self, range);
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

gboolean
_nd_dashboard_clock_tick (gpointer user_data)
{
  NdDashboardPage *self = user_data;

  if (self->report_meta != NULL)
    return G_SOURCE_CONTINUE;   /* a report says when it was made instead */
  {
  gint64 last = self->facts ? nd_facts_get_last_sync (self->facts) : 0;
  gboolean syncing = self->facts != NULL && nd_facts_is_syncing (self->facts) &&
                     (last == 0 || gtk_revealer_get_reveal_child (self->progress_revealer));
  g_autofree char *text = nd_dashboard_synced_text (last, g_get_real_time () / G_USEC_PER_SEC,
                                                    syncing);

  gtk_label_set_text (self->synced_label, text);
  }
  return G_SOURCE_CONTINUE;
}

/* ─── filling the page from a report ────────────────────────────────────── */

static void
fill_report (NdDashboardPage *self)
{
  NdServerInfo *info = get_info (self);
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(NdDashboardData) data = NULL;

  if (self->report_meta != NULL)
    {
      NdFactsRange range;

      get_report_range (self, &range);
      zone = nd_facts_range_dup_zone (&range);
    }
  data = nd_dashboard_data_new_in_zone (self->report, _nd_dashboard_get_money (self), info ? info->caps : 0,
                                        metric (self), zone);

  gtk_label_set_text (self->range_label, nd_dashboard_data_range_text (data));
  for (int i = 0; i < ND_DASHBOARD_N_CARDS; i++)
    nd_stat_card_set (self->cards[i], nd_dashboard_data_card_value (data, i),
                      nd_dashboard_data_card_detail (data, i));
  for (int i = 0; i < ND_DASHBOARD_N_CHARTS; i++)
    {
      const char *desc = nd_dashboard_data_description (data, i);

      switch (i)
        {
        case ND_DASHBOARD_CHART_TREND:
        case ND_DASHBOARD_CHART_ERRORS:
          nd_chart_view_set_line (chart (self, i), nd_dashboard_data_line (data, i), desc);
          break;
        case ND_DASHBOARD_CHART_MODELS:
          nd_chart_view_set_donut (chart (self, i), nd_dashboard_data_donut (data), desc);
          break;
        default:
          nd_chart_view_set_bars (chart (self, i), nd_dashboard_data_bars (data, i), desc);
          break;
        }
    }
}

static void
update_caps (NdDashboardPage *self)
{
  NdServerInfo *info = get_info (self);
  NdCapabilities have = info ? info->caps : 0;
  const char *caveat = nd_server_info_get_facts_caveat (info);

  for (int i = 0; i < ND_DASHBOARD_N_CHARTS; i++)
    {
      NdCapabilities missing = nd_dashboard_chart_needs (i, metric (self)) & ~have;

      nd_chart_card_set_missing (self->chart_cards[i],
                                 missing ? nd_dashboard_missing_reason (missing) : NULL);
    }
  /* Without channels the metric has nothing to switch. */
  gtk_widget_set_visible (GTK_WIDGET (self->metric_dropdown), (have & ND_CAP_FACTS_CHANNEL) != 0);

  nd_chart_card_set_caveat (self->chart_cards[ND_DASHBOARD_CHART_TREND], caveat);
  nd_chart_card_set_caveat (self->chart_cards[ND_DASHBOARD_CHART_MODELS],
                            caveat ? _("Models with names longer than 64 characters are missing "
                                       "from NewAPI’s statistics.") : NULL);
}

/* ─── query / sync ──────────────────────────────────────────────────────── */

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
      _nd_dashboard_show_error (self, error);
      return;
    }
  g_clear_pointer (&self->report, nd_facts_report_unref);
  self->report = rep;
  fill_report (self);
  _nd_dashboard_clock_tick (self);
}

void
_nd_dashboard_run_query (NdDashboardPage *self)
{
  NdFactsRange range;

  if (self->facts == NULL || self->querying)
    return;
  get_range (self, &range);
  self->querying = TRUE;
  nd_facts_query_async (self->facts, &range, self->cancellable, query_done, g_object_ref (self));
}

static void
nd_dashboard_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (nd_dashboard_page_parent_class)->map (widget);
  _nd_dashboard_start_polling (ND_DASHBOARD_PAGE (widget));
}

static void
nd_dashboard_page_unmap (GtkWidget *widget)
{
  _nd_dashboard_stop_polling (ND_DASHBOARD_PAGE (widget));
  GTK_WIDGET_CLASS (nd_dashboard_page_parent_class)->unmap (widget);
}

/* ─── session ───────────────────────────────────────────────────────────── */

static void
update_actions (NdDashboardPage *self)
{
  gboolean have = self->facts != NULL;

  /* A report is saved already; its PDF and comparisons are what it is for. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.save-report",
                                 have && self->report_meta == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.export-pdf", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dashboard.compare", have);
}

static void
select_preset (NdDashboardPage *self)
{
  guint n;
  const char * const *list = current_presets (self, &n);

  for (guint i = 0; i < n; i++)
    if (g_str_equal (list[i], self->preset))
      gtk_drop_down_set_selected (self->range_dropdown, i);
}

/* A report's dashboard: its own ranges, no sync, no ticker, and when it
 * was made where the sync time was. */
static void
set_report_mode (NdDashboardPage *self, gboolean report)
{
  static const char * const live_items[] = {
    N_("Last 24 hours"), N_("Last 7 days"), N_("Last 30 days"), N_("Custom…"), NULL
  };
  static const char * const report_items[] = {
    N_("Whole report"), N_("Last 24 hours"), N_("Last 7 days"), N_("Last 30 days"), N_("Custom…"), NULL
  };
  const char * const *items = report ? report_items : live_items;
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  if (report == self->report_mode)
    return;
  self->report_mode = report;
  for (guint i = 0; items[i] != NULL; i++)
    gtk_string_list_append (model, _(items[i]));
  g_signal_handlers_block_by_func (self->range_dropdown, range_changed_cb, self);
  gtk_drop_down_set_model (self->range_dropdown, G_LIST_MODEL (model));
  g_free (self->preset);
  self->preset = report ? g_strdup ("report")
                 : self->settings ? g_settings_get_string (self->settings, "dashboard-range")
                 : g_strdup ("24h");
  if (!report && g_str_equal (self->preset, "custom"))
    {
      g_free (self->preset);
      self->preset = g_strdup ("24h");
    }
  select_preset (self);
  g_signal_handlers_unblock_by_func (self->range_dropdown, range_changed_cb, self);
  gtk_widget_set_visible (GTK_WIDGET (self->refresh_button), !report);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->ticker)), !report);
}

static void
stop (NdDashboardPage *self)
{
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  if (self->sync_cancellable)
    g_cancellable_cancel (self->sync_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sync_cancellable);
  _nd_dashboard_stop_polling (self);
  g_clear_object (&self->facts);
  g_clear_pointer (&self->report, nd_facts_report_unref);
  g_clear_pointer (&self->report_meta, nd_report_meta_unref);
  self->querying = FALSE;
  self->ticker_busy = FALSE;
  nd_ticker_clear (self->ticker);
  /* Nothing of the old session stays on screen: neither its figures nor
   * the money settings its charts were drawn with. */
  for (int i = 0; i < ND_DASHBOARD_N_CHARTS; i++)
    nd_chart_view_clear (chart (self, i));
  for (int i = 0; i < ND_DASHBOARD_N_CARDS; i++)
    nd_stat_card_set (self->cards[i], NULL, NULL);
  gtk_label_set_text (self->range_label, "");
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  update_actions (self);
}

static void
start (NdDashboardPage *self)
{
  NdProfile *profile = nd_session_get_profile (nd_page_get_session (ND_PAGE (self)));
  g_autofree char *key = NULL;
  g_autofree char *path = NULL;

  stop (self);
  if (!_nd_dashboard_has_cap (self, ND_CAP_FACTS))
    {
      gtk_stack_set_visible_child_name (self->stack, "unsupported");
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "content");
  update_caps (self);

  if (get_info (self)->kind == ND_SOURCE_KIND_REPORT)
    {
      /* Never a store of our own: the report's facts, as they were. */
      NdReportSource *source = ND_REPORT_SOURCE (nd_session_get_source (nd_page_get_session (ND_PAGE (self))));
      g_autofree char *made = NULL;
      g_autofree char *text = NULL;

      self->report_meta = nd_report_meta_ref (nd_report_source_get_meta (source));
      self->facts = g_object_ref (nd_report_source_get_facts (source));
      self->cancellable = g_cancellable_new ();
      self->first_sync = FALSE;
      set_report_mode (self, TRUE);
      made = nd_dashboard_report_made_text (self->report_meta);
      gtk_label_set_text (self->synced_label, made);
      update_actions (self);
      _nd_dashboard_run_query (self);
      return;
    }
  set_report_mode (self, FALSE);

  /* One facts file per gateway: the CLI and the window share it. */
  key = nd_facts_key_for_server (get_info (self));
  if (key == NULL)
    key = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                         profile ? nd_profile_get_id (profile) : "default", -1);
  path = nd_facts_default_path (key);
  self->facts = nd_facts_new (path);
  self->cancellable = g_cancellable_new ();
  self->first_sync = TRUE;   /* until one sync finished in this session */
  update_actions (self);

  _nd_dashboard_run_query (self);          /* what the store already knows, at once */
  /* Syncing and the ticker start once the page is on screen. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    _nd_dashboard_start_polling (self);
}

static void
session_state_cb (NdDashboardPage *self)
{
  NdSession *session = nd_page_get_session (ND_PAGE (self));
  NdSessionState state = session ? nd_session_get_state (session) : ND_SESSION_DISCONNECTED;

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
  if (self->disposed)
    return;
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
chart_activated_cb (NdChartView *view, int index, NdDashboardPage *self)
{
  g_autoptr(NdLogQuery) q = NULL;
  g_autofree char *filter = NULL;

  for (int i = 0; i < ND_DASHBOARD_N_CHARTS && q == NULL; i++)
    if (chart (self, i) == view)
      q = nd_dashboard_drill_down (self->report, i, index);
  if (q == NULL)
    return;
  filter = nd_log_query_to_string (q);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.open-logs", "s", filter);
}

static void
range_changed_cb (NdDashboardPage *self)
{
  guint i = gtk_drop_down_get_selected (self->range_dropdown), n;
  const char * const *list = current_presets (self, &n);

  if (i >= n)
    return;
  if (g_str_equal (list[i], "custom"))
    {
      gtk_popover_popup (self->custom_popover);
      if (self->custom_to_t <= self->custom_from_t)
        return;
    }
  g_free (self->preset);
  self->preset = g_strdup (list[i]);
  /* A report's choice is the report's: the live dashboard keeps its own. */
  if (self->settings && self->report_meta == NULL)
    g_settings_set_string (self->settings, "dashboard-range", self->preset);
  _nd_dashboard_run_query (self);
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
  _nd_dashboard_run_query (self);
}

static void
metric_changed_cb (NdDashboardPage *self)
{
  if (nd_page_get_session (ND_PAGE (self)) != NULL)
    update_caps (self);
  if (self->report != NULL)
    fill_report (self);
}

static void
refresh_clicked_cb (NdDashboardPage *self)
{
  _nd_dashboard_refresh (self);
}

static void
cancel_clicked_cb (NdDashboardPage *self)
{
  if (self->sync_cancellable)
    g_cancellable_cancel (self->sync_cancellable);
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  NdDashboardPage *self = ND_DASHBOARD_PAGE (widget);
  NdSession *session = nd_page_get_session (ND_PAGE (self));
  NdFactsRange range;

  if (self->facts == NULL || session == NULL)
    return;
  get_range (self, &range);
  if (g_str_equal (action_name, "dashboard.compare"))
    nd_dashboard_compare (widget, session, self->facts, &range);
  else
    nd_dashboard_export (widget, g_str_equal (action_name, "dashboard.export-pdf")
                                 ? ND_DASHBOARD_EXPORT_PDF : ND_DASHBOARD_SAVE_REPORT,
                         session, self->facts, &range,
                         g_strcmp0 (self->preset, "custom") == 0 ? NULL : self->preset);
}

/* ─── object ────────────────────────────────────────────────────────────── */

static void
nd_dashboard_page_dispose (GObject *object)
{
  NdDashboardPage *self = ND_DASHBOARD_PAGE (object);

  if (!self->disposed)
    stop (self);
  self->disposed = TRUE;
  g_clear_handle_id (&self->clock_id, g_source_remove);
  g_clear_object (&self->settings);
  if (self->custom_popover != NULL && gtk_widget_get_parent (GTK_WIDGET (self->custom_popover)))
    gtk_widget_unparent (GTK_WIDGET (self->custom_popover));
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
  static const char * const card_ids[ND_DASHBOARD_N_CARDS] = {
    "card_requests", "card_success", "card_quota", "card_users", "card_today", "card_rpm",
    "card_tokens",
  };
  static const char * const chart_ids[ND_DASHBOARD_N_CHARTS] = {
    "trend_card", "models_card", "channels_card", "errors_card", "tokens_card", "users_card",
  };

  object_class->dispose = nd_dashboard_page_dispose;
  object_class->finalize = nd_dashboard_page_finalize;
  widget_class->map = nd_dashboard_page_map;
  widget_class->unmap = nd_dashboard_page_unmap;
  ND_PAGE_CLASS (klass)->session_changed = nd_dashboard_page_session_changed;

  g_type_ensure (ND_TYPE_STAT_CARD);
  g_type_ensure (ND_TYPE_CHART_CARD);
  g_type_ensure (ND_TYPE_TICKER);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-dashboard-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NdDashboardPage, name)
  BIND (stack);
  BIND (range_dropdown);
  BIND (report_button);
  BIND (range_label);
  BIND (synced_label);
  BIND (refresh_button);
  BIND (progress_revealer);
  BIND (progress_label);
  BIND (progress_bar);
  BIND (cancel_button);
  BIND (error_revealer);
  BIND (error_label);
  BIND (metric_dropdown);
  BIND (ticker);
  BIND (custom_popover);
  BIND (custom_from);
  BIND (custom_to);
#undef BIND
  for (int i = 0; i < ND_DASHBOARD_N_CARDS; i++)
    gtk_widget_class_bind_template_child_full (widget_class, card_ids[i], FALSE,
                                               G_STRUCT_OFFSET (NdDashboardPage, cards) +
                                               i * sizeof (gpointer));
  for (int i = 0; i < ND_DASHBOARD_N_CHARTS; i++)
    gtk_widget_class_bind_template_child_full (widget_class, chart_ids[i], FALSE,
                                               G_STRUCT_OFFSET (NdDashboardPage, chart_cards) +
                                               i * sizeof (gpointer));
  gtk_widget_class_bind_template_callback (widget_class, custom_apply_cb);
  gtk_widget_class_install_action (widget_class, "dashboard.save-report", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "dashboard.export-pdf", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "dashboard.compare", NULL, export_action);
}

static void
nd_dashboard_page_init (NdDashboardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_parent (GTK_WIDGET (self->custom_popover), GTK_WIDGET (self->range_dropdown));
  for (int i = 0; i < ND_DASHBOARD_N_CHARTS; i++)
    g_signal_connect (chart (self, i), "activated", G_CALLBACK (chart_activated_cb), self);

  self->preset = g_strdup ("24h");
  self->settings = nd_page_settings_new ();
  if (self->settings != NULL)
    {
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
  g_signal_connect_swapped (self->metric_dropdown, "notify::selected", G_CALLBACK (metric_changed_cb), self);
  g_signal_connect_swapped (self->refresh_button, "clicked", G_CALLBACK (refresh_clicked_cb), self);
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (cancel_clicked_cb), self);
  self->clock_id = g_timeout_add_seconds (1, _nd_dashboard_clock_tick, self);
  gtk_stack_set_visible_child_name (self->stack, "disconnected");
  update_actions (self);
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
  return index < ND_DASHBOARD_N_CHARTS ? GTK_WIDGET (chart (self, index)) : NULL;
}
