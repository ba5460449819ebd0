/* nd-channel-usage.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-usage.h"
#include "nd-chart-view.h"
#include "nd-dashboard-data.h"
#include "nd-time.h"

#define N_RANGES 2
#define N_FIGURES 5


struct _NdChannelUsage
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkStack *stack;
  GtkLabel *missing_label;
  GtkLabel *values[N_FIGURES][N_RANGES];
  GtkLabel *headings[N_RANGES];
  GtkToggleButton *range_buttons[N_RANGES];
  NdChartView *chart;
  GtkLabel *synced_label;

  NdFacts *facts;
  NdMoney *money;
  GCancellable *cancellable;
  NdFactsSeries *series[N_RANGES];
  NdSource *sync_source;        /* set by nd_channel_usage_open_store: the widget syncs */
  GCancellable *sync_cancellable;
  char *sync_preset;
  gint64 last_sync_try;
  gint64 channel_id;            /* the subject's id, in dim */
  NdFactsDims dim;
  char *presets[N_RANGES];
  guint chart_range;
  gboolean syncing;
};

G_DEFINE_FINAL_TYPE (NdChannelUsage, nd_channel_usage, GTK_TYPE_WIDGET)

static char *
bucket_label (gint64 start, gint64 bucket)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (start);

  return g_date_time_format (dt, bucket < ND_TIME_DAY ? "%H:%M" : "%b %e");
}

static char *
seconds_text (double s)
{
  if (s < 0)
    return g_strdup ("—");
  /* Translators: a latency in seconds */
  return g_strdup_printf (_("%.1f s"), s);
}

static void
show_figures (NdChannelUsage *self, guint r)
{
  NdFactsSeries *s = self->series[r];
  const NdFactsRank *t = s ? &s->total : NULL;
  char *text[N_FIGURES];

  if (t == NULL)
    {
      for (guint f = 0; f < N_FIGURES; f++)
        gtk_label_set_text (self->values[f][r], "…");
      return;
    }
  text[0] = nd_format_count (t->requests);
  text[1] = self->money ? nd_money_format (self->money, t->quota) : nd_format_count (t->quota);
  text[2] = t->requests > 0 ? g_strdup_printf ("%.1f%%", 100.0 * t->errors / t->requests)
                            : g_strdup ("—");
  text[3] = seconds_text (t->p50);
  text[4] = seconds_text (t->p95);
  for (guint f = 0; f < N_FIGURES; f++)
    {
      gtk_label_set_text (self->values[f][r], text[f]);
      g_free (text[f]);
    }
  if (t->requests > 0 && t->errors * 10 > t->requests)
    gtk_widget_add_css_class (GTK_WIDGET (self->values[2][r]), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->values[2][r]), "error");
}

/* Counts on the axis: whole numbers only (with one request in the range
 * the nice scale would put 0.25 steps on it). */
static char *
count_text (double value, gpointer data)
{
  if (value != (double) (gint64) value)
    return g_strdup ("");
  return nd_chart_format_compact (value);
}

static void
show_chart (NdChannelUsage *self)
{
  NdFactsSeries *s = self->series[self->chart_range];
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) requests = g_array_new (FALSE, TRUE, sizeof (double));
  g_autoptr(GArray) errors = g_array_new (FALSE, TRUE, sizeof (double));
  g_autofree char *total = NULL;
  g_autofree char *failed = NULL;
  g_autofree char *description = NULL;
  NdChartLineData data = { 0 };

  if (s == NULL)
    {
      nd_chart_view_clear (self->chart);
      return;
    }
  for (guint i = 0; i < s->trend->len; i++)
    {
      const NdFactsPoint *p = &g_array_index (s->trend, NdFactsPoint, i);
      double req = p->requests, err = p->errors;

      g_ptr_array_add (labels, bucket_label (p->start, s->bucket));
      g_array_append_val (requests, req);
      g_array_append_val (errors, err);
    }
  g_ptr_array_add (labels, NULL);
  data.n_points = s->total.requests > 0 ? s->trend->len : 0;
  data.x_labels = (const char * const *) labels->pdata;
  data.n_series = 2;
  data.series[0] = (NdChartSeries) { _("Requests"), (double *) requests->data, 0, FALSE,
                                     count_text, NULL, NULL, NULL };
  data.series[1] = (NdChartSeries) { _("Errors"), (double *) errors->data, -1, FALSE,
                                     count_text, NULL, NULL, NULL };
  data.hover = -1;
  total = nd_format_count (s->total.requests);
  failed = nd_format_count (s->total.errors);
  description = g_strdup_printf (_("%s requests and %s errors in %u periods."), total, failed,
                                 s->trend->len);
  nd_chart_view_set_line (self->chart, &data, description);
}

static void
show_synced (NdChannelUsage *self)
{
  g_autofree char *text = NULL;
  gint64 last = self->facts ? nd_facts_get_last_sync (self->facts) : 0;

  for (guint r = 0; r < N_RANGES; r++)
    if (self->series[r] != NULL)
      last = MAX (last, self->series[r]->last_sync);
  text = nd_dashboard_synced_text (last, nd_time_now (), self->syncing);
  if (self->dim == ND_FACTS_DIM_CHANNEL && self->series[0] != NULL &&
      self->series[0]->granularity >= ND_TIME_DAY)
    {
      g_autofree char *with = g_strdup_printf (_("%s · whole days: NewAPI’s API gives channel "
                                                 "figures per day"), text);

      gtk_label_set_text (self->synced_label, with);
    }
  else
    gtk_label_set_text (self->synced_label, text);
}

typedef struct {
  NdChannelUsage *self;
  guint range;
  gint64 id;
} QueryCtx;

static void
series_done (GObject *object, GAsyncResult *result, gpointer data)
{
  QueryCtx *ctx = data;
  g_autoptr(NdChannelUsage) self = ctx->self;
  g_autoptr(GError) error = NULL;
  NdFactsSeries *s = nd_facts_query_series_finish (ND_FACTS (object), result, &error);
  guint r = ctx->range;
  gint64 id = ctx->id;

  g_free (ctx);
  if (s == NULL)
    {
      if (!nd_error_is_cancelled (error) && self->channel_id == id && self->box != NULL)
        {
          gtk_label_set_text (self->missing_label, error->message);
          gtk_stack_set_visible_child_name (self->stack, "missing");
        }
      return;
    }
  if (self->channel_id != id || ND_FACTS (object) != self->facts || self->box == NULL)
    {
      nd_facts_series_unref (s);
      return;
    }
  g_clear_pointer (&self->series[r], nd_facts_series_unref);
  self->series[r] = s;
  show_figures (self, r);
  if (r == self->chart_range)
    show_chart (self);
  show_synced (self);
}

static void
query (NdChannelUsage *self)
{
  g_autofree char *key = NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->facts == NULL || self->channel_id <= 0)
    return;
  self->cancellable = g_cancellable_new ();
  key = g_strdup_printf ("%" G_GINT64_FORMAT, self->channel_id);
  for (guint r = 0; r < N_RANGES; r++)
    {
      NdFactsRange range;
      QueryCtx *ctx = g_new0 (QueryCtx, 1);

      nd_facts_range_preset (&range, self->presets[r], nd_time_now ());
      ctx->self = g_object_ref (self);
      ctx->range = r;
      ctx->id = self->channel_id;
      nd_facts_query_series_async (self->facts, &range, self->dim, key,
                                   self->cancellable, series_done, ctx);
    }
}

static void
clear_series (NdChannelUsage *self)
{
  for (guint r = 0; r < N_RANGES; r++)
    {
      g_clear_pointer (&self->series[r], nd_facts_series_unref);
      show_figures (self, r);
    }
  nd_chart_view_clear (self->chart);
}

static void
range_toggled_cb (GtkToggleButton *button, NdChannelUsage *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  self->chart_range = button == self->range_buttons[0] ? 0 : 1;
  show_chart (self);
}

/* ─── a store of its own (nd_channel_usage_open_store) ─────────────────── */

/* Usage figures older than this are synced again when the widget shows. */
#define SYNC_AFTER_SECONDS 300

static void
sync_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdChannelUsage) self = user_data;
  g_autoptr(GError) error = NULL;

  nd_facts_sync_finish (ND_FACTS (object), result, &error);
  if (self->box == NULL || ND_FACTS (object) != self->facts)
    return;
  nd_channel_usage_set_syncing (self, FALSE);
  /* A failed sync leaves what the store had; the dashboard says why. */
  nd_channel_usage_refresh (self);
}

/* A sync costs the gateway queries: only when stale and on screen. */
static void
maybe_sync (NdChannelUsage *self)
{
  gint64 now = nd_time_now ();
  NdFactsRange range;

  if (self->facts == NULL || self->sync_source == NULL ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)) || nd_facts_is_syncing (self->facts) ||
      now - MAX (nd_facts_get_last_sync (self->facts), self->last_sync_try) < SYNC_AFTER_SECONDS)
    return;
  self->last_sync_try = now;
  g_clear_object (&self->sync_cancellable);
  self->sync_cancellable = g_cancellable_new ();
  /* Over the API a sync asks for the days of this range only. */
  nd_facts_range_preset (&range, self->sync_preset, now);
  nd_facts_set_range (self->facts, range.from, range.to);
  nd_channel_usage_set_syncing (self, TRUE);
  nd_facts_sync_async (self->facts, self->sync_source, NULL, NULL, self->sync_cancellable,
                       sync_done, g_object_ref (self));
}

static void
close_store (NdChannelUsage *self)
{
  g_cancellable_cancel (self->sync_cancellable);
  g_clear_object (&self->sync_cancellable);
  g_clear_object (&self->sync_source);
}

static void
nd_channel_usage_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (nd_channel_usage_parent_class)->map (widget);
  maybe_sync (ND_CHANNEL_USAGE (widget));
}

static void
nd_channel_usage_dispose (GObject *object)
{
  NdChannelUsage *self = ND_CHANNEL_USAGE (object);

  close_store (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->facts);
  for (guint r = 0; r < N_RANGES; r++)
    g_clear_pointer (&self->series[r], nd_facts_series_unref);
  G_OBJECT_CLASS (nd_channel_usage_parent_class)->dispose (object);
}

static void
nd_channel_usage_finalize (GObject *object)
{
  NdChannelUsage *self = ND_CHANNEL_USAGE (object);

  g_clear_pointer (&self->money, nd_money_free);
  for (guint r = 0; r < N_RANGES; r++)
    g_free (self->presets[r]);
  g_free (self->sync_preset);
  G_OBJECT_CLASS (nd_channel_usage_parent_class)->finalize (object);
}

static void
nd_channel_usage_class_init (NdChannelUsageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nd_channel_usage_dispose;
  object_class->finalize = nd_channel_usage_finalize;
  GTK_WIDGET_CLASS (klass)->map = nd_channel_usage_map;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static GtkLabel *
grid_label (GtkGrid *grid, const char *text, int col, int row, gboolean heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), col == 0 ? 0 : 1);
  gtk_widget_set_hexpand (label, col == 0);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  else if (col > 0)
    gtk_widget_add_css_class (label, "numeric");
  if (col == 0 && !heading)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (grid, label, col, row, 1, 1);
  return GTK_LABEL (label);
}

static void
nd_channel_usage_init (NdChannelUsage *self)
{
  static const char * const figures[N_FIGURES] = {
    N_("Requests"), N_("Quota"), N_("Error rate"), N_("Latency p50"), N_("Latency p95")
  };
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 10);
  GtkWidget *toggles = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  const char *range_names[N_RANGES] = { _("24 Hours"), _("7 Days") };

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_vhomogeneous (self->stack, FALSE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->stack));

  gtk_grid_set_column_spacing (grid, 18);
  gtk_grid_set_row_spacing (grid, 6);
  gtk_widget_add_css_class (GTK_WIDGET (grid), "card");
  gtk_widget_add_css_class (GTK_WIDGET (grid), "nd-usage-grid");
  grid_label (grid, "", 0, 0, TRUE);
  self->dim = ND_FACTS_DIM_CHANNEL;
  self->presets[0] = g_strdup ("24h");
  self->presets[1] = g_strdup ("7d");
  self->headings[0] = grid_label (grid, _("Last 24 hours"), 1, 0, TRUE);
  self->headings[1] = grid_label (grid, _("Last 7 days"), 2, 0, TRUE);
  for (guint f = 0; f < N_FIGURES; f++)
    {
      grid_label (grid, _(figures[f]), 0, f + 1, FALSE);
      for (guint r = 0; r < N_RANGES; r++)
        self->values[f][r] = grid_label (grid, "…", r + 1, f + 1, FALSE);
    }
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (grid));

  gtk_widget_add_css_class (toggles, "linked");
  gtk_widget_set_halign (toggles, GTK_ALIGN_END);
  for (guint r = 0; r < N_RANGES; r++)
    {
      self->range_buttons[r] = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_label (range_names[r]));
      if (r > 0)
        gtk_toggle_button_set_group (self->range_buttons[r], self->range_buttons[0]);
      g_signal_connect (self->range_buttons[r], "toggled", G_CALLBACK (range_toggled_cb), self);
      gtk_box_append (GTK_BOX (toggles), GTK_WIDGET (self->range_buttons[r]));
    }
  gtk_box_append (GTK_BOX (content), toggles);

  self->chart = ND_CHART_VIEW (nd_chart_view_new (ND_CHART_VIEW_LINE, _("Requests and errors")));
  nd_chart_view_set_empty_text (self->chart, _("No requests through this channel in this range"));
  gtk_widget_add_css_class (GTK_WIDGET (self->chart), "card");
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->chart));
  gtk_toggle_button_set_active (self->range_buttons[0], TRUE);

  self->synced_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->synced_label, 0);
  gtk_label_set_wrap (self->synced_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->synced_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->synced_label), "caption");
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->synced_label));
  gtk_stack_add_named (self->stack, content, "figures");

  self->missing_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->missing_label, TRUE);
  gtk_label_set_xalign (self->missing_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->missing_label), "dim-label");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->missing_label), "missing");
}

GtkWidget *
nd_channel_usage_new (void)
{
  return g_object_new (ND_TYPE_CHANNEL_USAGE, NULL);
}

void
nd_channel_usage_set_facts (NdChannelUsage *self, NdFacts *facts, const NdMoney *money,
                            const char *missing)
{
  g_return_if_fail (ND_IS_CHANNEL_USAGE (self));

  g_clear_pointer (&self->money, nd_money_free);
  self->money = money ? nd_money_copy (money) : NULL;
  if (facts != self->facts)
    {
      g_set_object (&self->facts, facts);
      clear_series (self);
    }
  gtk_label_set_text (self->missing_label, missing ? missing : _("Not connected"));
  gtk_stack_set_visible_child_name (self->stack, facts ? "figures" : "missing");
  query (self);
}

void
nd_channel_usage_set_channel (NdChannelUsage *self, gint64 id)
{
  nd_channel_usage_set_subject (self, ND_FACTS_DIM_CHANNEL, id);
}

void
nd_channel_usage_set_ranges (NdChannelUsage *self, const char *preset0, const char *label0,
                             const char *button0, const char *preset1, const char *label1,
                             const char *button1, const char *empty_text)
{
  const char *presets[N_RANGES] = { preset0, preset1 };
  const char *labels[N_RANGES] = { label0, label1 };
  const char *buttons[N_RANGES] = { button0, button1 };

  g_return_if_fail (ND_IS_CHANNEL_USAGE (self));

  for (guint r = 0; r < N_RANGES; r++)
    {
      g_free (self->presets[r]);
  g_free (self->sync_preset);
      self->presets[r] = g_strdup (presets[r]);
      gtk_label_set_text (self->headings[r], labels[r]);
      gtk_button_set_label (GTK_BUTTON (self->range_buttons[r]), buttons[r]);
    }
  nd_chart_view_set_empty_text (self->chart, empty_text);
  clear_series (self);
  query (self);
}

void
nd_channel_usage_set_subject (NdChannelUsage *self, NdFactsDims dim, gint64 id)
{
  g_return_if_fail (ND_IS_CHANNEL_USAGE (self));

  if (id != self->channel_id || dim != self->dim)
    {
      self->channel_id = id;
      self->dim = dim;
      clear_series (self);
    }
  if (self->facts != NULL)
    gtk_stack_set_visible_child_name (self->stack, "figures");
  query (self);
}

void
nd_channel_usage_refresh (NdChannelUsage *self)
{
  g_return_if_fail (ND_IS_CHANNEL_USAGE (self));
  query (self);
}

void
nd_channel_usage_set_syncing (NdChannelUsage *self, gboolean syncing)
{
  g_return_if_fail (ND_IS_CHANNEL_USAGE (self));
  self->syncing = syncing;
  show_synced (self);
}

NdFactsSeries *
nd_channel_usage_get_series (NdChannelUsage *self, guint range)
{
  g_return_val_if_fail (ND_IS_CHANNEL_USAGE (self), NULL);
  g_return_val_if_fail (range < N_RANGES, NULL);
  return self->series[range];
}

void
nd_channel_usage_open_store (NdChannelUsage *self, NdServerInfo *info, NdSource *source,
                             NdCapabilities dim_cap, const char *sync_preset)
{
  g_autoptr(NdFacts) facts = NULL;
  g_autofree char *key = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (ND_IS_CHANNEL_USAGE (self));

  close_store (self);
  if (info == NULL || source == NULL || !nd_server_info_has (info, ND_CAP_FACTS | dim_cap))
    {
      nd_channel_usage_set_facts (self, NULL, NULL,
                                  info == NULL ? NULL
                                  : nd_dashboard_missing_reason (nd_server_info_has (info, ND_CAP_FACTS)
                                                                 ? dim_cap : ND_CAP_FACTS));
      return;
    }
  /* The dashboard's store: one file per gateway, shared. */
  key = nd_facts_key_for_server (info);
  if (key == NULL)
    {
      nd_channel_usage_set_facts (self, NULL, NULL,
                                  _("This gateway does not say who it is, so its statistics "
                                    "cannot be kept apart from another’s."));
      return;
    }
  path = nd_facts_default_path (key);
  facts = nd_facts_new (path);
  self->sync_source = g_object_ref (source);
  g_free (self->sync_preset);
  self->sync_preset = g_strdup (sync_preset);
  self->last_sync_try = 0;
  nd_channel_usage_set_facts (self, facts, info->money, NULL);
  maybe_sync (self);
}
