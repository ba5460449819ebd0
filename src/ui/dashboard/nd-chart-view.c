/* nd-chart-view.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "nd-error.h"
#include "nd-chart-view.h"

#include <string.h>
#include <glib/gstdio.h>

struct _NdChartView
{
  GtkWidget parent_instance;

  NdChartViewKind kind;
  char *title;
  char *empty_text;
  NdChartStyle *style;
  int hover;

  /* owned copies of the data */
  GStrv labels;                       /* line x labels / slice / bar labels */
  GStrv texts;                        /* value texts */
  GStrv details;
  GArray *values[ND_CHART_LINE_MAX_SERIES];
  NdChartLineData line;
  char *series_name[ND_CHART_LINE_MAX_SERIES];
  NdChartSlice *slices;
  NdChartDonutData donut;
  char *center_title, *center_subtitle;
  NdChartBar *bars;
  NdChartBarsData bar_data;
};

G_DEFINE_FINAL_TYPE (NdChartView, nd_chart_view, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (NdChartViewKind, nd_chart_view_kind,
                    G_DEFINE_ENUM_VALUE (ND_CHART_VIEW_LINE, "line"),
                    G_DEFINE_ENUM_VALUE (ND_CHART_VIEW_DONUT, "donut"),
                    G_DEFINE_ENUM_VALUE (ND_CHART_VIEW_BARS, "bars"),
                    G_DEFINE_ENUM_VALUE (ND_CHART_VIEW_RANKING, "ranking"))

enum { SIGNAL_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
clear_data (NdChartView *self)
{
  g_clear_pointer (&self->labels, g_strfreev);
  g_clear_pointer (&self->texts, g_strfreev);
  g_clear_pointer (&self->details, g_strfreev);
  for (guint i = 0; i < self->line.n_series; i++)
    {
      NdChartSeries *s = &self->line.series[i];

      if (s->format_data_free != NULL && s->format_data != NULL)
        s->format_data_free (s->format_data);
    }
  for (int i = 0; i < ND_CHART_LINE_MAX_SERIES; i++)
    {
      g_clear_pointer (&self->values[i], g_array_unref);
      g_clear_pointer (&self->series_name[i], g_free);
    }
  g_clear_pointer (&self->slices, g_free);
  g_clear_pointer (&self->bars, g_free);
  g_clear_pointer (&self->center_title, g_free);
  g_clear_pointer (&self->center_subtitle, g_free);
  memset (&self->line, 0, sizeof self->line);
  memset (&self->donut, 0, sizeof self->donut);
  memset (&self->bar_data, 0, sizeof self->bar_data);
}

static void
nd_chart_view_finalize (GObject *object)
{
  NdChartView *self = ND_CHART_VIEW (object);

  clear_data (self);
  g_free (self->title);
  g_free (self->empty_text);
  nd_chart_style_free (self->style);
  G_OBJECT_CLASS (nd_chart_view_parent_class)->finalize (object);
}

static NdRgba
lookup (GtkStyleContext *ctx, const char *name, NdRgba fallback)
{
  GdkRGBA c;

  if (!gtk_style_context_lookup_color (ctx, name, &c))
    return fallback;
  return (NdRgba) { c.red, c.green, c.blue, c.alpha };
}

static void
nd_chart_view_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  NdChartView *self = ND_CHART_VIEW (widget);
  AdwStyleManager *sm = adw_style_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (sm);
  GtkStyleContext *ctx = gtk_widget_get_style_context (widget);
  NdChartStyle *s = dark ? nd_chart_style_new_dark () : nd_chart_style_new_light ();
  GdkRGBA fg;

  GTK_WIDGET_CLASS (nd_chart_view_parent_class)->css_changed (widget, change);

  /* libadwaita's named colours: right in dark mode and high contrast. */
  gtk_style_context_get_color (ctx, &fg);
  s->fg = (NdRgba) { fg.red, fg.green, fg.blue, fg.alpha };
  s->dim = s->fg;
  s->dim.a *= 0.6;
  s->grid = s->fg;
  s->grid.a = adw_style_manager_get_high_contrast (sm) ? 0.3 : 0.12;
  s->bg = lookup (ctx, "card_bg_color", s->bg);
  if (s->bg.a < 0.5)   /* cards are translucent in dark mode; draw on the view colour */
    s->bg = lookup (ctx, "view_bg_color", s->bg);
  s->accent = lookup (ctx, "accent_color", s->accent);
  s->error = lookup (ctx, "error_color", s->error);
  s->success = lookup (ctx, "success_color", s->success);
  s->palette[0] = lookup (ctx, "accent_bg_color", s->palette[0]);
  s->high_contrast = adw_style_manager_get_high_contrast (sm);
  nd_chart_style_free (self->style);
  self->style = s;
  gtk_widget_queue_draw (widget);
}

void
nd_chart_view_render (NdChartView *self, cairo_t *cr, double w, double h)
{
  NdChartStyle *style = self->style;
  g_autoptr(NdChartStyle) fallback = NULL;

  if (style == NULL)
    style = fallback = nd_chart_style_new_light ();
  self->line.hover = self->donut.hover = self->bar_data.hover = self->hover;
  self->line.empty_text = self->donut.empty_text = self->bar_data.empty_text = self->empty_text;
  switch (self->kind)
    {
    case ND_CHART_VIEW_LINE:
      nd_chart_line_draw (cr, w, h, &self->line, style);
      break;
    case ND_CHART_VIEW_DONUT:
      nd_chart_donut_draw (cr, w, h, &self->donut, style);
      break;
    case ND_CHART_VIEW_BARS:
    case ND_CHART_VIEW_RANKING:
    default:
      nd_chart_bars_draw (cr, w, h, &self->bar_data, style);
      break;
    }
}

static void
nd_chart_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  NdChartView *self = ND_CHART_VIEW (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (w <= 0 || h <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  nd_chart_view_render (self, cr, w, h);
  cairo_destroy (cr);
}

static void
nd_chart_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                       int *minimum, int *natural, int *min_baseline, int *nat_baseline)
{
  NdChartView *self = ND_CHART_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = 400;
    }
  else
    {
      int h = 220;

      if (self->kind == ND_CHART_VIEW_BARS || self->kind == ND_CHART_VIEW_RANKING)
        h = (int) MAX (nd_chart_bars_natural_height (&self->bar_data, self->style), 120);
      *minimum = *natural = h;
    }
}

static int
hit (NdChartView *self, double x, double y)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));

  switch (self->kind)
    {
    case ND_CHART_VIEW_LINE: return nd_chart_line_hit (w, h, &self->line, x, y);
    case ND_CHART_VIEW_DONUT: return nd_chart_donut_hit (w, h, &self->donut, x, y);
    case ND_CHART_VIEW_BARS:
    case ND_CHART_VIEW_RANKING:
    default: return nd_chart_bars_hit (w, h, &self->bar_data, x, y);
    }
}

static void
set_hover (NdChartView *self, int hover)
{
  if (self->hover == hover)
    return;
  self->hover = hover;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   hover >= 0 && self->kind != ND_CHART_VIEW_LINE ? "pointer" : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (GtkEventControllerMotion *motion, double x, double y, NdChartView *self)
{
  set_hover (self, hit (self, x, y));
}

static void
leave_cb (GtkEventControllerMotion *motion, NdChartView *self)
{
  set_hover (self, -1);
}

static void
pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, NdChartView *self)
{
  int i = hit (self, x, y);

  if (i >= 0)
    g_signal_emit (self, signals[SIGNAL_ACTIVATED], 0, i);
}

static void
nd_chart_view_class_init (NdChartViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = nd_chart_view_finalize;
  widget_class->snapshot = nd_chart_view_snapshot;
  widget_class->measure = nd_chart_view_measure;
  widget_class->css_changed = nd_chart_view_css_changed;

  /* activated (index): a slice, bar or row was clicked. */
  signals[SIGNAL_ACTIVATED] = g_signal_new ("activated", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_INT);
  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
nd_chart_view_init (NdChartView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->hover = -1;
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
nd_chart_view_new (NdChartViewKind kind, const char *title)
{
  NdChartView *self = g_object_new (ND_TYPE_CHART_VIEW, NULL);

  self->kind = kind;
  self->title = g_strdup (title);
  self->bar_data.ranking = kind == ND_CHART_VIEW_RANKING;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  return GTK_WIDGET (self);
}

const char *
nd_chart_view_get_title (NdChartView *self)
{
  return self->title;
}

void
nd_chart_view_set_empty_text (NdChartView *self, const char *text)
{
  g_free (self->empty_text);
  self->empty_text = g_strdup (text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
nd_chart_view_get_hover (NdChartView *self)
{
  return self->hover;
}

static void
set_description (NdChartView *self, const char *description)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description ? description : "", -1);
}

static GStrv
copy_strv (const char * const *v, guint n)
{
  GStrv out = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    out[i] = g_strdup (v && v[i] ? v[i] : "");
  return out;
}

void
nd_chart_view_set_line (NdChartView *self, const NdChartLineData *data, const char *description)
{
  clear_data (self);
  self->line = *data;
  self->labels = copy_strv (data->x_labels, data->n_points);
  self->line.x_labels = (const char * const *) self->labels;
  for (guint s = 0; s < data->n_series; s++)
    {
      self->values[s] = g_array_sized_new (FALSE, TRUE, sizeof (double), data->n_points);
      g_array_append_vals (self->values[s], data->series[s].values, data->n_points);
      self->series_name[s] = g_strdup (data->series[s].name);
      self->line.series[s].values = (const double *) self->values[s]->data;
      self->line.series[s].name = self->series_name[s];
      /* Our own copy: the caller's settings may be freed before we draw. */
      if (data->series[s].format_data_copy != NULL && data->series[s].format_data != NULL)
        self->line.series[s].format_data = data->series[s].format_data_copy (data->series[s].format_data);
      else
        self->line.series[s].format_data_free = NULL;
    }
  self->hover = -1;
  set_description (self, description);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nd_chart_view_set_donut (NdChartView *self, const NdChartDonutData *data, const char *description)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  for (guint i = 0; i < data->n_slices; i++)
    {
      g_ptr_array_add (labels, (gpointer) data->slices[i].label);
      g_ptr_array_add (texts, (gpointer) data->slices[i].value_text);
    }
  clear_data (self);
  self->donut = *data;
  self->labels = copy_strv ((const char * const *) labels->pdata, data->n_slices);
  self->texts = copy_strv ((const char * const *) texts->pdata, data->n_slices);
  self->slices = g_new0 (NdChartSlice, MAX (data->n_slices, 1));
  for (guint i = 0; i < data->n_slices; i++)
    {
      self->slices[i].label = self->labels[i];
      self->slices[i].value = data->slices[i].value;
      self->slices[i].value_text = data->slices[i].value_text ? self->texts[i] : NULL;
    }
  self->donut.slices = self->slices;
  self->center_title = g_strdup (data->center_title);
  self->center_subtitle = g_strdup (data->center_subtitle);
  self->donut.center_title = self->center_title;
  self->donut.center_subtitle = self->center_subtitle;
  self->hover = -1;
  set_description (self, description);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nd_chart_view_set_bars (NdChartView *self, const NdChartBarsData *data, const char *description)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();
  g_autoptr(GPtrArray) details = g_ptr_array_new ();

  for (guint i = 0; i < data->n_bars; i++)
    {
      g_ptr_array_add (labels, (gpointer) data->bars[i].label);
      g_ptr_array_add (texts, (gpointer) data->bars[i].value_text);
      g_ptr_array_add (details, (gpointer) data->bars[i].detail);
    }
  clear_data (self);
  self->bar_data = *data;
  self->bar_data.ranking = self->kind == ND_CHART_VIEW_RANKING;
  self->labels = copy_strv ((const char * const *) labels->pdata, data->n_bars);
  self->texts = copy_strv ((const char * const *) texts->pdata, data->n_bars);
  self->details = copy_strv ((const char * const *) details->pdata, data->n_bars);
  self->bars = g_new0 (NdChartBar, MAX (data->n_bars, 1));
  for (guint i = 0; i < data->n_bars; i++)
    {
      self->bars[i] = data->bars[i];
      self->bars[i].label = self->labels[i];
      self->bars[i].value_text = self->texts[i];
      self->bars[i].detail = data->bars[i].detail ? self->details[i] : NULL;
    }
  self->bar_data.bars = self->bars;
  self->hover = -1;
  set_description (self, description);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
nd_chart_view_clear (NdChartView *self)
{
  g_return_if_fail (ND_IS_CHART_VIEW (self));

  clear_data (self);
  self->bar_data.ranking = self->kind == ND_CHART_VIEW_RANKING;
  self->hover = -1;
  set_description (self, NULL);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

char *
nd_chart_view_format_value (NdChartView *self, guint series, double value)
{
  const NdChartSeries *s;

  g_return_val_if_fail (ND_IS_CHART_VIEW (self), NULL);
  if (self->kind != ND_CHART_VIEW_LINE || series >= self->line.n_series)
    return NULL;
  s = &self->line.series[series];
  return s->format ? s->format (value, s->format_data) : nd_chart_format_compact (value);
}

gboolean
nd_chart_view_write_file (NdChartView *self, const char *path, double w, double h, GError **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  gboolean png = g_str_has_suffix (lower, ".png");

  if (g_str_has_suffix (lower, ".svg"))
    surface = cairo_svg_surface_create (path, w, h);
  else if (g_str_has_suffix (lower, ".pdf"))
    surface = cairo_pdf_surface_create (path, w, h);
  else if (png)
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) w * 2, (int) h * 2);
  else
    {
      g_set_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                   _("Choose a file name ending in .png, .svg or .pdf"));
      return FALSE;
    }
  cr = cairo_create (surface);
  if (png)
    cairo_scale (cr, 2, 2);
  if (self->style)
    {
      cairo_set_source_rgba (cr, self->style->bg.r, self->style->bg.g, self->style->bg.b, 1);
      cairo_paint (cr);
    }
  if (self->title)
    {
      /* The file carries its title; the card header does that on screen. */
      PangoLayout *layout = pango_cairo_create_layout (cr);
      g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", self->title);

      pango_layout_set_markup (layout, markup, -1);
      if (self->style)
        cairo_set_source_rgba (cr, self->style->fg.r, self->style->fg.g, self->style->fg.b, 1);
      cairo_move_to (cr, 8, 6);
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
      cairo_translate (cr, 0, 28);
    }
  nd_chart_view_render (self, cr, w, h - (self->title ? 28 : 0));
  cairo_destroy (cr);
  if (png)
    status = cairo_surface_write_to_png (surface, path);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, ND_ERROR, ND_ERROR_SERVER, _("Could not write “%s”: %s"), path,
                   cairo_status_to_string (status));
      g_unlink (path);
      return FALSE;
    }
  return TRUE;
}

static void
save_response_cb (GtkNativeDialog *dialog, int response, NdChartView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;
      double w = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 480);
      double h = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 240) + 28;

      if (path != NULL && !nd_chart_view_write_file (self, path, w, h, &error))
        {
          GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
          GtkWidget *msg = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                   _("Could not save the chart"), error->message);

          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (msg), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (msg));
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

void
nd_chart_view_save_as (NdChartView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog;
  g_autofree char *name = g_strdup_printf ("%s.png", self->title ? self->title : "chart");
  const struct { const char *label, *pattern; } types[] = {
    { N_("PNG image"), "*.png" }, { N_("SVG image"), "*.svg" }, { N_("PDF document"), "*.pdf" },
  };

  dialog = gtk_file_chooser_native_new (_("Save Chart As"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _(types[i].label));
      gtk_file_filter_add_pattern (filter, types[i].pattern);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
      g_object_unref (filter);
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_signal_connect (dialog, "response", G_CALLBACK (save_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* The labels on screen: donut slices / legend, bars, or the line's x
 * labels (for tests: what the chart shows comes from the data). */
const char * const *
nd_chart_view_get_labels (NdChartView *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (ND_IS_CHART_VIEW (self), NULL);
  return self->labels ? (const char * const *) self->labels : none;
}
