/* nd-compare-window.c — the dashboard's period against a report
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "nd-compare-window.h"
#include "nd-error.h"
#include "nd-secure-string.h"
#include "report/nd-report-compare.h"
#include "report/nd-report-source.h"

/* Rows per table: the largest changes; the rest is counted. */
#define MAX_ROWS 100

struct _NdCompareWindow
{
  AdwWindow parent_instance;

  /* template */
  AdwWindowTitle *window_title;
  GtkDropDown *sort_dropdown;
  GtkStack *stack;
  GtkLabel *current_label;
  GtkLabel *current_range;
  GtkLabel *baseline_label;
  GtkLabel *baseline_range;
  GtkGrid *overview_grid;
  GtkGrid *models_grid;
  GtkGrid *channels_grid;
  GtkWidget *channels_title;

  /* owned */
  NdSession *session;
  NdFacts *facts;
  NdFactsRange range;
  char *tz_name;
  GFile *file;
  NdSource *baseline;
  NdFactsReport *current_rep;
  NdFactsReport *baseline_rep;
  NdFactsCompare *compare;
  NdMoney *money;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (NdCompareWindow, nd_compare_window, ADW_TYPE_WINDOW)

/* ─── formatting ───────────────────────────────────────────────────────── */

typedef enum { KIND_COUNT, KIND_MONEY, KIND_RATE, KIND_DECIMAL } ValueKind;

static char *
format_value (NdCompareWindow *self, double v, ValueKind kind)
{
  switch (kind)
    {
    case KIND_MONEY: return nd_money_format_full (self->money, (gint64) llround (v));
    case KIND_RATE: return g_strdup_printf ("%.2f%%", v * 100);
    case KIND_DECIMAL: return g_strdup_printf ("%.1f", v);
    case KIND_COUNT:
    default: return nd_format_count ((gint64) llround (v));
    }
}

static char *
format_delta (NdCompareWindow *self, const NdCompareValue *v, ValueKind kind)
{
  g_autofree char *abs_text = NULL;

  if (v->delta == 0)
    return g_strdup ("=");
  if (kind == KIND_RATE)
    /* Translators: a change of a percentage, in percentage points */
    return g_strdup_printf (_("%+.2f pt"), v->delta * 100);
  abs_text = format_value (self, fabs (v->delta), kind);
  return g_strdup_printf ("%s%s", v->delta > 0 ? "+" : "−", abs_text);
}

static char *
format_change (const NdCompareValue *v)
{
  if (isnan (v->change))
    return g_strdup (v->current != 0 ? _("new") : "—");
  return g_strdup_printf ("%+.1f%%", v->change * 100);
}

static GtkWidget *
cell (GtkGrid *grid, int row, int column, const char *text, float xalign, const char *css)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_ellipsize (GTK_LABEL (label), xalign < 0.5 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
  gtk_widget_set_hexpand (label, column == 0);
  if (xalign > 0.5)
    gtk_widget_add_css_class (label, "numeric");
  if (css != NULL)
    gtk_widget_add_css_class (label, css);
  gtk_grid_attach (grid, label, column, row, 1, 1);
  return label;
}

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static void
header_row (GtkGrid *grid, const char *first)
{
  const char *titles[] = { first, _("Current"), _("Baseline"), _("Difference"), _("Change") };

  for (int c = 0; c < 5; c++)
    cell (grid, 0, c, titles[c], c == 0 ? 0 : 1, "header");
}

/* Green when the figure went the way one hopes, red the other way. */
static const char *
direction_class (const NdCompareValue *v, gboolean more_is_worse)
{
  if (v->delta == 0)
    return "dim-label";
  return (v->delta > 0) != more_is_worse ? "up" : "down";
}

static void
value_row (NdCompareWindow *self, GtkGrid *grid, int row, const char *name,
           const NdCompareValue *v, ValueKind kind, gboolean more_is_worse)
{
  g_autofree char *cur = format_value (self, v->current, kind);
  g_autofree char *base = format_value (self, v->baseline, kind);
  g_autofree char *delta = format_delta (self, v, kind);
  g_autofree char *change = format_change (v);
  const char *dir = direction_class (v, more_is_worse);

  cell (grid, row, 0, name, 0, NULL);
  cell (grid, row, 1, cur, 1, NULL);
  cell (grid, row, 2, base, 1, "dim-label");
  cell (grid, row, 3, delta, 1, dir);
  cell (grid, row, 4, change, 1, dir);
}

/* ─── filling ──────────────────────────────────────────────────────────── */

static void
fill_overview (NdCompareWindow *self)
{
  const char *names[ND_COMPARE_N_FIGURES] = {
    [ND_COMPARE_REQUESTS] = _("Requests"),
    [ND_COMPARE_ERRORS] = _("Errors"),
    [ND_COMPARE_SUCCESS_RATE] = _("Success rate"),
    [ND_COMPARE_QUOTA] = _("Quota used"),
    [ND_COMPARE_PROMPT_TOKENS] = _("Prompt tokens"),
    [ND_COMPARE_COMPLETION_TOKENS] = _("Completion tokens"),
    [ND_COMPARE_ACTIVE_USERS] = _("Active users"),
    [ND_COMPARE_AVG_RPM] = _("Average requests/min"),
    [ND_COMPARE_AVG_TPM] = _("Average tokens/min"),
  };

  clear_grid (self->overview_grid);
  header_row (self->overview_grid, _("Figure"));
  for (int f = 0; f < ND_COMPARE_N_FIGURES; f++)
    {
      ValueKind kind = f == ND_COMPARE_QUOTA ? KIND_MONEY
                       : f == ND_COMPARE_SUCCESS_RATE ? KIND_RATE
                       : f == ND_COMPARE_AVG_RPM || f == ND_COMPARE_AVG_TPM ? KIND_DECIMAL
                       : KIND_COUNT;

      value_row (self, self->overview_grid, f + 1, names[f], &self->compare->overview[f], kind,
                 f == ND_COMPARE_ERRORS);
    }
}

static void
fill_rows (NdCompareWindow *self, GtkGrid *grid, GPtrArray *rows, const char *first)
{
  NdCompareMeasure sort = self->compare->sort;
  ValueKind kind = sort == ND_COMPARE_BY_QUOTA ? KIND_MONEY : KIND_COUNT;
  guint n = MIN (rows->len, MAX_ROWS);

  clear_grid (grid);
  header_row (grid, first);
  for (guint i = 0; i < n; i++)
    {
      const NdCompareRow *row = g_ptr_array_index (rows, i);
      g_autofree char *name = nd_mask_text_dup (row->name);

      value_row (self, grid, (int) i + 1, name, &row->values[sort], kind,
                 sort == ND_COMPARE_BY_ERRORS);
    }
  if (rows->len == 0)
    cell (grid, 1, 0, _("No requests in either period"), 0, "dim-label");
  else if (rows->len > n)
    {
      g_autofree char *more = g_strdup_printf (_("and %u more with smaller changes"), rows->len - n);

      cell (grid, (int) n + 1, 0, more, 0, "dim-label");
    }
}

static void
fill (NdCompareWindow *self)
{
  guint sort = gtk_drop_down_get_selected (self->sort_dropdown);
  NdServerInfo *info = nd_session_get_info (self->session);

  g_clear_pointer (&self->compare, nd_facts_compare_unref);
  self->compare = nd_facts_compare_new (self->current_rep, self->baseline_rep,
                                        sort < ND_COMPARE_N_MEASURES ? sort : ND_COMPARE_BY_REQUESTS);
  fill_overview (self);
  fill_rows (self, self->models_grid, self->compare->models, _("Model"));
  /* A side read over an API without channels has none to compare. */
  gtk_widget_set_visible (self->channels_title, info == NULL || nd_server_info_has (info, ND_CAP_FACTS_CHANNEL));
  gtk_widget_set_visible (GTK_WIDGET (self->channels_grid), gtk_widget_get_visible (self->channels_title));
  fill_rows (self, self->channels_grid, self->compare->channels, _("Channel"));
  gtk_stack_set_visible_child_name (self->stack, "content");
}

static char *
range_text (const NdFactsRange *range, const NdFactsReport *rep)
{
  g_autoptr(GTimeZone) zone = nd_facts_range_dup_zone (range);
  g_autoptr(GDateTime) from_utc = g_date_time_new_from_unix_utc (rep->overview.from);
  g_autoptr(GDateTime) to_utc = g_date_time_new_from_unix_utc (rep->overview.to);
  g_autoptr(GDateTime) from = g_date_time_to_timezone (from_utc, zone);
  g_autoptr(GDateTime) to = g_date_time_to_timezone (to_utc, zone);
  g_autofree char *f = g_date_time_format (from, "%Y-%m-%d %H:%M");
  g_autofree char *t = g_date_time_format (to, "%Y-%m-%d %H:%M");

  return g_strdup_printf ("%s – %s", f, t);
}

static char *
side_label (NdSource *source, NdSession *session)
{
  if (ND_IS_REPORT_SOURCE (source))
    {
      NdReportMeta *meta = nd_report_source_get_meta (ND_REPORT_SOURCE (source));

      return nd_mask_text_dup (meta->instance ? meta->instance : meta->system_name);
    }
  /* Translators: the live side of a comparison, then the connection's name */
  return g_strdup_printf (_("Live — %s"), nd_profile_get_name (nd_session_get_profile (session)));
}

/* ─── loading ──────────────────────────────────────────────────────────── */

static void
fail (NdCompareWindow *self, const GError *error)
{
  g_autofree char *name = g_file_get_basename (self->file);
  g_autofree char *heading = g_strdup_printf (_("Could Not Compare With “%s”"), name);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  GtkWidget *dialog;

  if (nd_error_is_cancelled (error))
    return;
  dialog = adw_message_dialog_new (parent, heading, error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
baseline_queried (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdCompareWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  NdFactsReport *rep = nd_facts_query_finish (ND_FACTS (object), result, &error);
  NdReportMeta *meta;
  NdFactsRange range;
  g_autofree char *current = NULL;
  g_autofree char *baseline = NULL;
  g_autofree char *subtitle = NULL;

  if (rep == NULL)
    return fail (self, error);
  self->baseline_rep = rep;
  meta = nd_report_source_get_meta (ND_REPORT_SOURCE (self->baseline));
  nd_report_meta_get_range (meta, NULL, &range, NULL);
  current = side_label (nd_session_get_source (self->session), self->session);
  baseline = side_label (self->baseline, self->session);
  gtk_label_set_text (self->current_label, current);
  gtk_label_set_text (self->baseline_label, baseline);
  {
    g_autofree char *c = range_text (&self->range, self->current_rep);
    g_autofree char *b = range_text (&range, self->baseline_rep);

    gtk_label_set_text (self->current_range, c);
    gtk_label_set_text (self->baseline_range, b);
  }
  /* Translators: the compare window's subtitle: current vs. baseline */
  subtitle = g_strdup_printf (_("%s vs. %s"), current, baseline);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  fill (self);
}

static void
current_queried (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdCompareWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  NdReportMeta *meta = nd_report_source_get_meta (ND_REPORT_SOURCE (self->baseline));
  NdFactsRange range;

  self->current_rep = nd_facts_query_finish (ND_FACTS (object), result, &error);
  if (self->current_rep == NULL)
    return fail (self, error);
  /* The baseline's whole range, in its own zone, "today" as it was made. */
  nd_report_meta_get_range (meta, NULL, &range, NULL);
  range.top_n = 0;
  nd_facts_query_async (nd_report_source_get_facts (ND_REPORT_SOURCE (self->baseline)), &range,
                        self->cancellable, baseline_queried, g_object_ref (self));
}

static void
baseline_probed (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdCompareWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdServerInfo) info = nd_source_probe_finish (ND_SOURCE (object), result, &error);

  if (info == NULL)
    return fail (self, error);
  /* Whole rankings: a cut one turns rows below the cut into false "new". */
  self->range.top_n = 0;
  nd_facts_query_async (self->facts, &self->range, self->cancellable, current_queried,
                        g_object_ref (self));
}

/* ─── object ───────────────────────────────────────────────────────────── */

static void
sort_changed_cb (NdCompareWindow *self)
{
  if (self->current_rep != NULL && self->baseline_rep != NULL)
    fill (self);
}

static void
nd_compare_window_dispose (GObject *object)
{
  NdCompareWindow *self = ND_COMPARE_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->baseline != NULL)
    nd_source_close (self->baseline);
  g_clear_object (&self->baseline);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->facts);
  g_clear_object (&self->file);
  g_clear_pointer (&self->current_rep, nd_facts_report_unref);
  g_clear_pointer (&self->baseline_rep, nd_facts_report_unref);
  g_clear_pointer (&self->compare, nd_facts_compare_unref);
  g_clear_pointer (&self->money, nd_money_free);
  g_clear_pointer (&self->tz_name, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_COMPARE_WINDOW);
  G_OBJECT_CLASS (nd_compare_window_parent_class)->dispose (object);
}

static void
nd_compare_window_class_init (NdCompareWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_compare_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-compare-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NdCompareWindow, name)
  BIND (window_title);
  BIND (sort_dropdown);
  BIND (stack);
  BIND (current_label);
  BIND (current_range);
  BIND (baseline_label);
  BIND (baseline_range);
  BIND (overview_grid);
  BIND (models_grid);
  BIND (channels_grid);
  BIND (channels_title);
#undef BIND
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
nd_compare_window_init (NdCompareWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->sort_dropdown, "notify::selected", G_CALLBACK (sort_changed_cb), self);
}

NdCompareWindow *
nd_compare_window_open (GtkWindow *parent, NdSession *session, NdFacts *facts,
                        const NdFactsRange *range, GFile *baseline)
{
  NdCompareWindow *self;
  NdServerInfo *info = nd_session_get_info (session);
  g_autofree char *path = g_file_get_path (baseline);

  g_return_val_if_fail (ND_IS_SESSION (session) && ND_IS_FACTS (facts), NULL);

  self = g_object_new (ND_TYPE_COMPARE_WINDOW, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->facts = g_object_ref (facts);
  self->range = *range;
  self->tz_name = g_strdup (range->tz_name);
  self->range.tz_name = self->tz_name;
  self->file = g_object_ref (baseline);
  self->money = info && info->money ? nd_money_copy (info->money) : nd_money_new_default ();
  self->baseline = nd_report_source_new (path ? path : "");
  gtk_window_present (GTK_WINDOW (self));
  nd_source_probe_async (self->baseline, self->cancellable, baseline_probed, g_object_ref (self));
  return self;
}

NdFactsCompare *
nd_compare_window_get_compare (NdCompareWindow *self)
{
  g_return_val_if_fail (ND_IS_COMPARE_WINDOW (self), NULL);
  return self->compare;
}

const char *
nd_compare_window_cell (NdCompareWindow *self, gboolean channels, int row, int column)
{
  GtkWidget *child = gtk_grid_get_child_at (channels ? self->channels_grid : self->models_grid,
                                            column, row);

  return GTK_IS_LABEL (child) ? gtk_label_get_text (GTK_LABEL (child)) : NULL;
}
