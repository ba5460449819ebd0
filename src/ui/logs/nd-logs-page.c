/* nd-logs-page.c — the log browser: filters, table, detail pane, live tail,
 * export
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "logs/nd-export.h"
#include "nd-log-model.h"
#include "nd-logs-page.h"
#include "nd-time.h"

/* Live tail poll interval. NewAPI rate-limits its API to 360 requests per
 * 180 s per IP, shared with everything else the app asks, so over HTTP
 * poll far less often than over PostgreSQL. */
#define TAIL_SECONDS 2
#define TAIL_SECONDS_HTTP 10
#define APPLY_DELAY_MS 600
#define SUGGEST_DELAY_MS 200

typedef enum {
  COL_TIME, COL_USER, COL_TOKEN, COL_MODEL, COL_TYPE, COL_QUOTA, COL_PROMPT, COL_COMPLETION,
  COL_USE_TIME, COL_STREAM, COL_CHANNEL, COL_GROUP, COL_IP, COL_REQUEST_ID, N_COLUMNS
} ColumnId;

typedef struct {
  const char *key;            /* GSettings log-columns name */
  const char *title;
  int nat_chars;
  int width;                  /* default width in pixels until the user resizes */
  gboolean numeric;
} ColumnDef;

static const ColumnDef column_defs[N_COLUMNS] = {
  [COL_TIME] = { "time", N_("Time"), 19, 160, FALSE },
  [COL_USER] = { "user", N_("User"), 12, 120, FALSE },
  [COL_TOKEN] = { "token", N_("Token"), 12, 110, FALSE },
  [COL_MODEL] = { "model", N_("Model"), 22, 190, FALSE },
  [COL_TYPE] = { "type", N_("Type"), 8, 90, FALSE },
  [COL_QUOTA] = { "quota", N_("Quota"), 9, 90, TRUE },
  [COL_PROMPT] = { "prompt", N_("Prompt"), 7, 80, TRUE },
  [COL_COMPLETION] = { "completion", N_("Completion"), 7, 100, TRUE },
  [COL_USE_TIME] = { "use-time", N_("Use Time"), 5, 80, TRUE },
  [COL_STREAM] = { "stream", N_("Stream"), 6, 70, FALSE },
  [COL_CHANNEL] = { "channel", N_("Channel"), 16, 170, FALSE },
  [COL_GROUP] = { "group", N_("Group"), 8, 100, FALSE },
  [COL_IP] = { "ip", N_("IP"), 13, 130, FALSE },
  [COL_REQUEST_ID] = { "request-id", N_("Request ID"), 22, 250, FALSE },
};

static const int type_values[] = { 0, 2, 5, 1, 3, 4, 6, 7 };

typedef struct {
  NdLogsPage *page;
  ColumnId id;
} ColumnCtx;

typedef struct {
  NdLogsPage *page;            /* unowned, cleared on dispose */
  NdExportWriter *writer;
  GCancellable *cancellable;
  char *path;
  gint64 rows;
  guint progress_id;
} ExportJob;

/* A channels or models list request: replies for an older session, an
 * older source or a disposed page are dropped. */
typedef struct {
  NdLogsPage *page;            /* owned */
  GCancellable *cancellable;   /* owned; the page's session_cancellable then */
} ListsRequest;

struct _NdLogsPage
{
  NdPage parent_instance;

  /* template */
  AdwToastOverlay *toasts;        /* the bin's child, unowned */
  GtkDropDown *range_dropdown;
  GtkMenuButton *custom_button;
  GtkPopover *custom_popover;
  GtkEntry *from_entry;
  GtkEntry *to_entry;
  GtkButton *apply_range_button;
  GtkEntry *jump_entry;
  GtkDropDown *type_dropdown;
  GtkMenuButton *models_button;
  GtkSearchEntry *models_search;
  GtkListBox *models_list;
  GtkMenuButton *channels_button;
  GtkListBox *channels_list;
  GtkToggleButton *live_button;
  GtkButton *refresh_button;
  GtkBox *columns_box;
  GtkButton *export_button;
  GtkEntry *username_entry;
  GtkEntry *token_entry;
  GtkEntry *group_entry;
  GtkEntry *ip_entry;
  GtkEntry *request_entry;
  GtkButton *clear_button;
  GtkLabel *count_label;
  GtkLabel *totals_label;
  GtkSpinner *spinner;
  GtkStack *list_stack;
  GtkColumnView *column_view;
  GtkScrolledWindow *detail_scroller;
  GtkBox *detail_box;
  GtkRevealer *export_revealer;
  GtkLabel *export_label;
  GtkLabel *export_note;
  GtkProgressBar *export_progress;
  GtkButton *export_cancel_button;

  /* owned */
  NdLogModel *model;
  GtkSingleSelection *selection;
  NdLogQuery *query;
  GSettings *settings;
  GCancellable *cancellable;      /* estimate, totals, lists; renewed per filter */
  GCancellable *session_cancellable; /* channels/models lists; renewed per source */
  NdSource *source;               /* the source the model and lists come from */
  GHashTable *channel_names;      /* gint64* → utf8 */
  GtkColumnViewColumn *columns[N_COLUMNS];
  GtkCheckButton *column_checks[N_COLUMNS];
  ColumnCtx column_ctx[N_COLUMNS];
  GtkListStore *user_completions;
  NdLogEstimate estimate;
  gboolean have_estimate;
  NdLogItem *detail_item;
  gulong detail_handler;
  ExportJob *export;
  guint apply_id;
  guint suggest_id;
  guint tail_id;
  guint tail_seconds;             /* interval of tail_id, 0 when off */
  guint save_widths_id;
  gboolean updating;              /* widgets being set from a query */
  gboolean disposed;              /* template children are gone */
};

G_DEFINE_FINAL_TYPE (NdLogsPage, nd_logs_page, ND_TYPE_PAGE)


static void apply_query (NdLogsPage *self);
static void show_detail (NdLogsPage *self, NdLogItem *item);

/* ---- formatting -------------------------------------------------------- */

static char *
format_time (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t);

  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("");
}

static const NdMoney *
page_money (NdLogsPage *self)
{
  static NdMoney *fallback;
  NdServerInfo *info = nd_page_get_session (ND_PAGE (self)) ? nd_session_get_info (nd_page_get_session (ND_PAGE (self))) : NULL;

  if (info != NULL && info->money != NULL)
    return info->money;
  if (fallback == NULL)
    fallback = nd_money_new_default ();
  return fallback;
}

static char *
channel_label (NdLogsPage *self, gint64 id, const char *name)
{
  if (id == 0)
    return g_strdup ("");
  if (name == NULL && self->channel_names != NULL)
    name = g_hash_table_lookup (self->channel_names, &id);
  if (name != NULL && *name)
    return g_strdup_printf ("%s (#%" G_GINT64_FORMAT ")", name, id);
  return g_strdup_printf ("#%" G_GINT64_FORMAT, id);
}

static char *
cell_text (NdLogsPage *self, ColumnId col, const NdLog *log)
{
  switch (col)
    {
    case COL_TIME: return format_time (log->created_at);
    case COL_USER: return g_strdup (log->username);
    case COL_TOKEN: return g_strdup (log->token_name);
    case COL_MODEL: return g_strdup (log->model_name);
    case COL_TYPE: return g_strdup (nd_log_type_to_label (log->type));
    case COL_QUOTA:
      return log->quota ? nd_money_format (page_money (self), log->quota) : g_strdup ("");
    case COL_PROMPT: return log->prompt_tokens ? nd_format_count (log->prompt_tokens) : g_strdup ("");
    case COL_COMPLETION:
      return log->completion_tokens ? nd_format_count (log->completion_tokens) : g_strdup ("");
    case COL_USE_TIME:
      return log->use_time ? g_strdup_printf ("%" G_GINT64_FORMAT " s", log->use_time) : g_strdup ("");
    case COL_STREAM: return g_strdup (log->is_stream ? _("Stream") : "");
    case COL_CHANNEL: return channel_label (self, log->channel_id, log->channel_name);
    case COL_GROUP: return g_strdup (log->group);
    case COL_IP: return g_strdup (log->ip);
    case COL_REQUEST_ID: return g_strdup (log->request_id);
    case N_COLUMNS:
    default: return NULL;
    }
}

/* ---- cells ------------------------------------------------------------- */

static void
update_cell (GtkListItem *list_item, ColumnCtx *ctx)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);
  NdLogItem *item = gtk_list_item_get_item (list_item);
  const NdLog *log = item ? nd_log_item_get_log (item) : NULL;
  g_autofree char *text = NULL;
  static const char * const type_classes[] = {
    "unknown", "topup", "consume", "manage", "system", "error", "refund", "login"
  };

  if (log != NULL)
    text = cell_text (ctx->page, ctx->id, log);
  if (ctx->id == COL_TYPE)
    {
      gtk_label_set_text (GTK_LABEL (child), text ? text : "");
      for (guint i = 0; i < G_N_ELEMENTS (type_classes); i++)
        gtk_widget_remove_css_class (child, type_classes[i]);
      gtk_widget_set_visible (child, log != NULL);
      if (log != NULL && log->type >= 0 && log->type < (int) G_N_ELEMENTS (type_classes))
        gtk_widget_add_css_class (child, type_classes[log->type]);
    }
  else
    gtk_inscription_set_text (GTK_INSCRIPTION (child), log ? text : (ctx->id == COL_TIME ? "…" : NULL));

  /* Error rows stand out across every cell of the row. */
  if (log != NULL && log->type == ND_LOG_ERROR)
    gtk_widget_add_css_class (child, "nd-log-error");
  else
    gtk_widget_remove_css_class (child, "nd-log-error");
  if (log == NULL)
    gtk_widget_add_css_class (child, "dim-label");
  else
    gtk_widget_remove_css_class (child, "dim-label");
}

static void
item_loaded_cb (NdLogItem *item, GParamSpec *pspec, GtkListItem *list_item)
{
  ColumnCtx *ctx = g_object_get_data (G_OBJECT (list_item), "nd-column");

  update_cell (list_item, ctx);
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, ColumnCtx *ctx)
{
  const ColumnDef *def = &column_defs[ctx->id];
  GtkWidget *child;

  if (ctx->id == COL_TYPE)
    {
      child = gtk_label_new (NULL);
      gtk_widget_set_halign (child, GTK_ALIGN_START);
      gtk_widget_add_css_class (child, "nd-log-badge");
    }
  else
    {
      child = gtk_inscription_new (NULL);
      gtk_inscription_set_nat_chars (GTK_INSCRIPTION (child), def->nat_chars);
      gtk_inscription_set_min_chars (GTK_INSCRIPTION (child), MIN (def->nat_chars, 4));
      gtk_inscription_set_text_overflow (GTK_INSCRIPTION (child),
                                         GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
      gtk_widget_set_hexpand (child, TRUE);
      if (def->numeric)
        {
          gtk_inscription_set_xalign (GTK_INSCRIPTION (child), 1.0);
          gtk_widget_add_css_class (child, "numeric");
        }
    }
  g_object_set_data (G_OBJECT (list_item), "nd-column", ctx);
  gtk_list_item_set_child (list_item, child);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, ColumnCtx *ctx)
{
  NdLogItem *item = gtk_list_item_get_item (list_item);
  gulong handler = 0;

  if (item != NULL && !nd_log_item_get_loaded (item))
    handler = g_signal_connect (item, "notify::loaded", G_CALLBACK (item_loaded_cb), list_item);
  g_object_set_data (G_OBJECT (list_item), "nd-handler", GSIZE_TO_POINTER (handler));
  update_cell (list_item, ctx);
}

static void
unbind_cell_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, ColumnCtx *ctx)
{
  NdLogItem *item = gtk_list_item_get_item (list_item);
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item), "nd-handler"));

  if (item != NULL && handler != 0)
    g_signal_handler_disconnect (item, handler);
  g_object_set_data (G_OBJECT (list_item), "nd-handler", NULL);
}

/* ---- columns: chooser and widths (GSettings) ---------------------------- */

static gboolean
save_widths_cb (gpointer user_data)
{
  NdLogsPage *self = user_data;
  GVariantBuilder b;

  self->save_widths_id = 0;
  if (self->settings == NULL)
    return G_SOURCE_REMOVE;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{si}"));
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      int w = gtk_column_view_column_get_fixed_width (self->columns[i]);

      if (w > 0 && w != column_defs[i].width)
        g_variant_builder_add (&b, "{si}", column_defs[i].key, w);
    }
  g_settings_set_value (self->settings, "log-column-widths", g_variant_builder_end (&b));
  return G_SOURCE_REMOVE;
}

static void
column_width_cb (GtkColumnViewColumn *column, GParamSpec *pspec, NdLogsPage *self)
{
  if (self->updating)
    return;
  g_clear_handle_id (&self->save_widths_id, g_source_remove);
  self->save_widths_id = g_timeout_add (500, save_widths_cb, self);
}

static void
column_toggled_cb (GtkCheckButton *check, NdLogsPage *self)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_auto(GStrv) keys = NULL;

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      gboolean on = gtk_check_button_get_active (self->column_checks[i]);

      gtk_column_view_column_set_visible (self->columns[i], on);
      if (on)
        g_strv_builder_add (b, column_defs[i].key);
    }
  if (self->updating || self->settings == NULL)
    return;
  keys = g_strv_builder_end (b);
  g_settings_set_strv (self->settings, "log-columns", (const char * const *) keys);
}

static void
build_columns (NdLogsPage *self)
{
  g_auto(GStrv) visible = NULL;
  g_autoptr(GVariant) widths = NULL;

  if (self->settings != NULL)
    {
      visible = g_settings_get_strv (self->settings, "log-columns");
      widths = g_settings_get_value (self->settings, "log-column-widths");
    }

  self->updating = TRUE;
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;
      GtkWidget *check;
      int width = column_defs[i].width;

      self->column_ctx[i].page = self;
      self->column_ctx[i].id = i;
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), &self->column_ctx[i]);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), &self->column_ctx[i]);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), &self->column_ctx[i]);
      column = gtk_column_view_column_new (_(column_defs[i].title), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (widths != NULL)
        g_variant_lookup (widths, column_defs[i].key, "i", &width);
      /* Fixed widths: a lazy list cannot measure rows it has not loaded,
       * and columns must not jump as pages arrive. */
      gtk_column_view_column_set_fixed_width (column, MAX (width, 40));
      gtk_column_view_column_set_visible (column, visible == NULL ||
                                          g_strv_contains ((const char * const *) visible,
                                                           column_defs[i].key));
      g_signal_connect (column, "notify::fixed-width", G_CALLBACK (column_width_cb), self);
      gtk_column_view_append_column (self->column_view, column);
      self->columns[i] = column;
      g_object_unref (column);

      check = gtk_check_button_new_with_label (_(column_defs[i].title));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   gtk_column_view_column_get_visible (column));
      g_signal_connect (check, "toggled", G_CALLBACK (column_toggled_cb), self);
      gtk_box_append (self->columns_box, check);
      self->column_checks[i] = GTK_CHECK_BUTTON (check);
    }
  self->updating = FALSE;
}

/* ---- count and totals --------------------------------------------------- */

static void
estimate_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  NdLogsPage *self = user_data;
  g_autoptr(GError) error = NULL;
  NdLogEstimate est;
  g_autofree char *n = NULL;
  g_autofree char *text = NULL;

  if (!nd_source_estimate_logs_finish (ND_SOURCE (object), result, &est, &error) ||
      self->disposed)
    {
      /* A source may fail at once (unsupported) without looking at the
       * cancellable: after dispose there is no label to set. */
      if (error != NULL && !nd_error_is_cancelled (error) && !self->disposed)
        gtk_label_set_text (self->count_label, _("Count unavailable"));
      g_object_unref (self);
      return;
    }
  self->estimate = est;
  self->have_estimate = TRUE;
  if (est.exact)
    {
      n = nd_format_count (est.rows);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s log", "%s logs", est.rows), n);
    }
  else
    {
      n = nd_format_count_compact (est.rows);
      /* Translators: an estimate, e.g. "≈ 1.2 M logs" */
      text = g_strdup_printf (_("≈ %s logs"), n);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->count_label),
                                   _("Estimated by PostgreSQL’s planner; counting every row "
                                     "would take too long on a table this size"));
    }
  gtk_label_set_text (self->count_label, text);
  g_object_unref (self);
}

static void
totals_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  NdLogsPage *self = user_data;
  g_autoptr(GError) error = NULL;
  NdLogTotals t;
  gboolean ok = nd_source_log_totals_finish (ND_SOURCE (object), result, &t, &error);

  if (self->disposed)
    ;   /* no label left to set (see estimate_done) */
  else if (!ok)
    {
      if (!nd_error_is_cancelled (error))
        {
          gtk_label_set_text (self->totals_label, _("Totals n/a"));
          gtk_widget_set_tooltip_text (GTK_WIDGET (self->totals_label), error->message);
        }
    }
  else
    {
      g_autofree char *quota = nd_money_format (page_money (self), t.quota);
      g_autofree char *prompt = nd_format_count_compact (t.prompt_tokens);
      g_autofree char *completion = nd_format_count_compact (t.completion_tokens);
      g_autofree char *requests = nd_format_count_compact (t.requests);
      g_autofree char *text = NULL;

      if (t.prompt_tokens >= 0 && t.completion_tokens >= 0)
        /* Translators: the totals strip above the log table */
        text = g_strdup_printf (_("Quota %s · Prompt %s · Completion %s · Requests %s"),
                                quota, prompt, completion, requests);
      else
        /* Translators: the totals strip when the source has no token sums
         * (NewAPI's /api/log/stat gives quota only) */
        text = g_strdup_printf (_("Quota %s · Requests %s"), quota, requests);
      gtk_label_set_text (self->totals_label, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->totals_label),
                                   _("Quota and tokens of consume logs, requests of consume "
                                     "and error logs, for this filter"));
    }
  g_object_unref (self);
}

static NdSource *
page_source (NdLogsPage *self)
{
  if (nd_page_get_session (ND_PAGE (self)) == NULL || nd_session_get_state (nd_page_get_session (ND_PAGE (self))) != ND_SESSION_CONNECTED)
    return NULL;
  return nd_session_get_source (nd_page_get_session (ND_PAGE (self)));
}

static void
refresh_counts (NdLogsPage *self)
{
  NdSource *source = page_source (self);

  if (source == NULL)
    return;
  self->have_estimate = FALSE;
  gtk_label_set_text (self->count_label, "…");
  gtk_label_set_text (self->totals_label, "");
  nd_source_estimate_logs_async (source, self->query, self->cancellable, estimate_done,
                                 g_object_ref (self));
  nd_source_log_totals_async (source, self->query, self->cancellable, totals_done,
                              g_object_ref (self));
}

/* ---- filters <-> widgets ------------------------------------------------ */

static char *
time_entry_text (gint64 t)
{
  g_autoptr(GDateTime) dt = t ? g_date_time_new_from_unix_local (t) : NULL;

  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("");
}

static const char *
entry_value (GtkEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  return text && *text ? text : NULL;
}

static void
update_multi_labels (NdLogsPage *self)
{
  g_autofree char *models = NULL;
  g_autofree char *channels = NULL;

  if (self->query->models->len == 0)
    models = g_strdup (_("All models"));
  else if (self->query->models->len == 1)
    models = g_strdup (g_ptr_array_index (self->query->models, 0));
  else
    models = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u model", "%u models",
                                           self->query->models->len), self->query->models->len);
  gtk_menu_button_set_label (self->models_button, models);

  if (self->query->channels->len == 0)
    channels = g_strdup (_("All channels"));
  else if (self->query->channels->len == 1)
    channels = channel_label (self, g_array_index (self->query->channels, gint64, 0), NULL);
  else
    channels = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u channel", "%u channels",
                                             self->query->channels->len),
                                self->query->channels->len);
  gtk_menu_button_set_label (self->channels_button, channels);
}

/* Reads every widget into self->query. */
static void
read_widgets (NdLogsPage *self)
{
  NdLogQuery *q = self->query;
  guint range = gtk_drop_down_get_selected (self->range_dropdown);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint type = gtk_drop_down_get_selected (self->type_dropdown);
  static const gint64 spans[] = { 3600, 86400, 7 * 86400, 30 * 86400 };

  if (range < G_N_ELEMENTS (spans))
    {
      q->from = now - spans[range];
      q->to = 0;
    }
  else if (range == 4)
    q->from = q->to = 0;
  else
    {
      gint64 t;

      q->from = nd_time_parse (gtk_editable_get_text (GTK_EDITABLE (self->from_entry)), &t) ? t : 0;
      q->to = nd_time_parse (gtk_editable_get_text (GTK_EDITABLE (self->to_entry)), &t) ? t : 0;
    }
  q->type = type < G_N_ELEMENTS (type_values) ? type_values[type] : 0;
  g_free (q->username), q->username = g_strdup (entry_value (self->username_entry));
  g_free (q->token_name), q->token_name = g_strdup (entry_value (self->token_entry));
  g_free (q->group), q->group = g_strdup (entry_value (self->group_entry));
  g_free (q->ip), q->ip = g_strdup (entry_value (self->ip_entry));
  g_free (q->request_id), q->request_id = g_strdup (entry_value (self->request_entry));
  /* models and channels are kept in q directly by their check buttons */
}

static void
sync_check_lists (NdLogsPage *self)
{
  GtkWidget *row;

  for (row = gtk_widget_get_first_child (GTK_WIDGET (self->models_list)); row;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *check = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      const char *name = g_object_get_data (G_OBJECT (check), "nd-model");
      gboolean on = FALSE;

      for (guint i = 0; name && i < self->query->models->len; i++)
        on |= g_str_equal (name, g_ptr_array_index (self->query->models, i));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), on);
    }
  for (row = gtk_widget_get_first_child (GTK_WIDGET (self->channels_list)); row;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *check = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      gint64 *id = g_object_get_data (G_OBJECT (check), "nd-channel");
      gboolean on = FALSE;

      for (guint i = 0; id && i < self->query->channels->len; i++)
        on |= g_array_index (self->query->channels, gint64, i) == *id;
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), on);
    }
}

/* Shows self->query in the widgets. */
static void
write_widgets (NdLogsPage *self)
{
  NdLogQuery *q = self->query;
  g_autofree char *from = time_entry_text (q->from);
  g_autofree char *to = time_entry_text (q->to);
  guint type = 0;

  self->updating = TRUE;
  gtk_drop_down_set_selected (self->range_dropdown, q->from || q->to ? 5 : 4);
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from);
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to);
  for (guint i = 0; i < G_N_ELEMENTS (type_values); i++)
    if (type_values[i] == q->type)
      type = i;
  gtk_drop_down_set_selected (self->type_dropdown, type);
  gtk_editable_set_text (GTK_EDITABLE (self->username_entry), q->username ? q->username : "");
  gtk_editable_set_text (GTK_EDITABLE (self->token_entry), q->token_name ? q->token_name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->group_entry), q->group ? q->group : "");
  gtk_editable_set_text (GTK_EDITABLE (self->ip_entry), q->ip ? q->ip : "");
  gtk_editable_set_text (GTK_EDITABLE (self->request_entry), q->request_id ? q->request_id : "");
  sync_check_lists (self);
  update_multi_labels (self);
  self->updating = FALSE;
}

static void
apply_now (NdLogsPage *self, const NdLogCursor *start)
{
  g_clear_handle_id (&self->apply_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  show_detail (self, NULL);
  update_multi_labels (self);
  if (page_source (self) == NULL)
    return;
  nd_log_model_set_query (self->model, self->query, start);
  refresh_counts (self);
}

static void
apply_query (NdLogsPage *self)
{
  read_widgets (self);
  apply_now (self, NULL);
}

static gboolean
apply_timeout_cb (gpointer user_data)
{
  NdLogsPage *self = user_data;

  self->apply_id = 0;
  apply_query (self);
  return G_SOURCE_REMOVE;
}

static void
filter_changed_cb (NdLogsPage *self)
{
  if (self->updating)
    return;
  g_clear_handle_id (&self->apply_id, g_source_remove);
  self->apply_id = g_timeout_add (APPLY_DELAY_MS, apply_timeout_cb, self);
}

static void
filter_activated_cb (NdLogsPage *self)
{
  if (!self->updating)
    apply_query (self);
}

static void
range_selected_cb (NdLogsPage *self)
{
  if (self->updating)
    return;
  if (gtk_drop_down_get_selected (self->range_dropdown) == 5)
    {
      gtk_popover_popup (self->custom_popover);
      return;
    }
  apply_query (self);
}

static void
apply_range_clicked_cb (NdLogsPage *self)
{
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->range_dropdown, 5);
  self->updating = FALSE;
  gtk_popover_popdown (self->custom_popover);
  apply_query (self);
}

static void
jump_activated_cb (NdLogsPage *self)
{
  gint64 t;
  NdLogCursor start;

  if (!nd_time_parse (gtk_editable_get_text (GTK_EDITABLE (self->jump_entry)), &t))
    {
      adw_toast_overlay_add_toast (self->toasts,
                                   adw_toast_new (_("Enter a time like 2026-01-31 08:00")));
      return;
    }
  gtk_popover_popdown (self->custom_popover);
  read_widgets (self);
  /* Rows at or before t: strictly before (t + 1, any id). */
  start.created_at = t + 1;
  start.id = G_MININT64;
  apply_now (self, &start);
}

static void
clear_clicked_cb (NdLogsPage *self)
{
  g_clear_pointer (&self->query, nd_log_query_free);
  self->query = nd_log_query_new ();
  write_widgets (self);
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->range_dropdown, 1);
  self->updating = FALSE;
  apply_query (self);
}

/* ---- models and channels multi-select ---------------------------------- */

static void
model_toggled_cb (GtkCheckButton *check, NdLogsPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (check), "nd-model");

  if (self->updating)
    return;
  if (gtk_check_button_get_active (check))
    nd_log_query_add_model (self->query, name);
  else
    for (guint i = 0; i < self->query->models->len; i++)
      if (g_str_equal (g_ptr_array_index (self->query->models, i), name))
        g_ptr_array_remove_index (self->query->models, i--);
  update_multi_labels (self);
  filter_changed_cb (self);
}

static void
add_model_row (NdLogsPage *self, const char *name)
{
  GtkWidget *check = gtk_check_button_new_with_label (name);

  g_object_set_data_full (G_OBJECT (check), "nd-model", g_strdup (name), g_free);
  g_signal_connect (check, "toggled", G_CALLBACK (model_toggled_cb), self);
  gtk_list_box_append (self->models_list, check);
}

static gboolean
models_filter_func (GtkListBoxRow *row, gpointer user_data)
{
  NdLogsPage *self = user_data;
  const char *needle = gtk_editable_get_text (GTK_EDITABLE (self->models_search));
  GtkWidget *check = gtk_list_box_row_get_child (row);
  const char *name = g_object_get_data (G_OBJECT (check), "nd-model");
  g_autofree char *a = NULL, *b = NULL;

  if (needle == NULL || *needle == '\0' || name == NULL)
    return TRUE;
  a = g_utf8_casefold (name, -1);
  b = g_utf8_casefold (needle, -1);
  return strstr (a, b) != NULL;
}

static ListsRequest *
lists_request_new (NdLogsPage *self)
{
  ListsRequest *req = g_new0 (ListsRequest, 1);

  req->page = g_object_ref (self);
  req->cancellable = g_object_ref (self->session_cancellable);
  return req;
}

static void
lists_request_free (ListsRequest *req)
{
  g_object_unref (req->page);
  g_object_unref (req->cancellable);
  g_free (req);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ListsRequest, lists_request_free)

/* Whether a list reply from @source may still be shown. */
static gboolean
lists_reply_current (ListsRequest *req, GObject *source)
{
  return !g_cancellable_is_cancelled (req->cancellable) &&
         ND_SOURCE (source) == req->page->source &&
         ND_SOURCE (source) == page_source (req->page);
}

static void
models_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(ListsRequest) req = user_data;
  NdLogsPage *self = req->page;
  g_auto(GStrv) names = nd_source_strv_finish (ND_SOURCE (object), result, NULL);
  GtkWidget *child;

  if (names != NULL && lists_reply_current (req, object))
    {
      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->models_list))))
        gtk_list_box_remove (self->models_list, child);
      for (guint i = 0; names[i]; i++)
        add_model_row (self, names[i]);
      /* A model from a drill-down filter stays choosable even if no
       * channel offers it any more. */
      for (guint i = 0; i < self->query->models->len; i++)
        if (!g_strv_contains ((const char * const *) names, self->query->models->pdata[i]))
          add_model_row (self, self->query->models->pdata[i]);
      self->updating = TRUE;
      sync_check_lists (self);
      self->updating = FALSE;
    }
}

static void
channel_toggled_cb (GtkCheckButton *check, NdLogsPage *self)
{
  gint64 *id = g_object_get_data (G_OBJECT (check), "nd-channel");

  if (self->updating)
    return;
  if (gtk_check_button_get_active (check))
    nd_log_query_add_channel (self->query, *id);
  else
    for (guint i = 0; i < self->query->channels->len; i++)
      if (g_array_index (self->query->channels, gint64, i) == *id)
        g_array_remove_index (self->query->channels, i--);
  update_multi_labels (self);
  filter_changed_cb (self);
}

static void
channels_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(ListsRequest) req = user_data;
  NdLogsPage *self = req->page;
  g_autoptr(GPtrArray) channels = nd_source_list_channels_finish (ND_SOURCE (object), result, NULL);
  GtkWidget *child;

  if (channels != NULL && lists_reply_current (req, object))
    {
      g_clear_pointer (&self->channel_names, g_hash_table_unref);
      self->channel_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->channels_list))))
        gtk_list_box_remove (self->channels_list, child);
      for (guint i = 0; i < channels->len; i++)
        {
          NdChannel *c = g_ptr_array_index (channels, i);
          g_autofree char *label = channel_label (self, c->id, c->name ? c->name : "");
          GtkWidget *check = gtk_check_button_new_with_label (label);
          gint64 *id = g_new (gint64, 1);

          *id = c->id;
          g_hash_table_insert (self->channel_names, g_memdup2 (id, sizeof *id),
                               g_strdup (c->name ? c->name : ""));
          g_object_set_data_full (G_OBJECT (check), "nd-channel", id, g_free);
          g_signal_connect (check, "toggled", G_CALLBACK (channel_toggled_cb), self);
          gtk_list_box_append (self->channels_list, check);
        }
      self->updating = TRUE;
      sync_check_lists (self);
      self->updating = FALSE;
      update_multi_labels (self);
    }
}

/* ---- username suggestions ---------------------------------------------- */

static void
users_suggested (GObject *object, GAsyncResult *result, gpointer user_data)
{
  NdLogsPage *self = user_data;
  g_auto(GStrv) names = nd_source_strv_finish (ND_SOURCE (object), result, NULL);

  if (names != NULL && self->user_completions != NULL)
    {
      gtk_list_store_clear (self->user_completions);
      for (guint i = 0; names[i]; i++)
        gtk_list_store_insert_with_values (self->user_completions, NULL, -1, 0, names[i], -1);
    }
  g_object_unref (self);
}

static gboolean
suggest_timeout_cb (gpointer user_data)
{
  NdLogsPage *self = user_data;
  NdSource *source = page_source (self);

  self->suggest_id = 0;
  if (source != NULL)
    nd_source_suggest_async (source, ND_SUGGEST_USERNAME,
                             gtk_editable_get_text (GTK_EDITABLE (self->username_entry)), 20,
                             self->cancellable, users_suggested, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
username_changed_cb (NdLogsPage *self)
{
  if (self->updating)
    return;
  g_clear_handle_id (&self->suggest_id, g_source_remove);
  self->suggest_id = g_timeout_add (SUGGEST_DELAY_MS, suggest_timeout_cb, self);
  filter_changed_cb (self);
}

/* ---- detail pane ------------------------------------------------------- */

static void
copy_clicked_cb (GtkButton *button, NdLogsPage *self)
{
  const char *text = g_object_get_data (G_OBJECT (button), "nd-copy");

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), text ? text : "");
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (_("Copied")));
}

static GtkWidget *
copy_button (NdLogsPage *self, const char *text)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "nd-copy-button");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Copy"));
  g_object_set_data_full (G_OBJECT (button), "nd-copy", g_strdup (text), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (copy_clicked_cb), self);
  return button;
}

static void
grid_row (NdLogsPage *self, GtkGrid *grid, int *row, const char *key, const char *value,
          gboolean copy)
{
  GtkWidget *k, *v;

  if (value == NULL || *value == '\0')
    return;
  k = gtk_label_new (key);
  gtk_label_set_xalign (GTK_LABEL (k), 1);
  gtk_widget_set_valign (k, GTK_ALIGN_BASELINE);
  gtk_widget_add_css_class (k, "dim-label");
  v = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (v), 0);
  gtk_label_set_wrap (GTK_LABEL (v), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (v), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (v), TRUE);
  gtk_widget_set_hexpand (v, TRUE);
  gtk_widget_set_valign (v, GTK_ALIGN_BASELINE);
  gtk_grid_attach (grid, k, 0, *row, 1, 1);
  gtk_grid_attach (grid, v, 1, *row, 1, 1);
  if (copy)
    gtk_grid_attach (grid, copy_button (self, value), 2, *row, 1, 1);
  (*row)++;
}

static GtkGrid *
section (NdLogsPage *self, const char *title)
{
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *grid = gtk_grid_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (self->detail_box, label);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_box_append (self->detail_box, grid);
  return GTK_GRID (grid);
}

static char *
json_value_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType t = json_node_get_value_type (node);

      if (t == G_TYPE_STRING)
        return g_strdup (json_node_get_string (node));
      if (t == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (node) ? _("yes") : _("no"));
      if (t == G_TYPE_DOUBLE)
        return g_strdup_printf ("%g", json_node_get_double (node));
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    }
  return json_to_string (node, FALSE);
}

static void
other_row (NdLogsPage *self, GtkGrid *grid, int *row, JsonObject *o, const char *member,
           const char *label)
{
  g_autofree char *text = NULL;

  if (o == NULL || !json_object_has_member (o, member))
    return;
  text = json_value_text (json_object_get_member (o, member));
  grid_row (self, grid, row, label, text, FALSE);
}

static void
add_other (NdLogsPage *self, const NdLog *log)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o = NULL, *admin = NULL;
  GtkGrid *grid;
  int row = 0;

  if (log->other == NULL || *log->other == '\0')
    return;
  if (json_parser_load_from_data (parser, log->other, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    o = json_node_get_object (json_parser_get_root (parser));

  if (o != NULL)
    {
      grid = section (self, _("Billing and Timing"));
      other_row (self, grid, &row, o, "model_ratio", _("Model ratio"));
      other_row (self, grid, &row, o, "completion_ratio", _("Completion ratio"));
      other_row (self, grid, &row, o, "group_ratio", _("Group ratio"));
      if (json_object_has_member (o, "user_group_ratio") &&
          json_object_get_double_member (o, "user_group_ratio") >= 0)
        other_row (self, grid, &row, o, "user_group_ratio", _("User group ratio"));
      if (json_object_has_member (o, "model_price") &&
          json_object_get_double_member (o, "model_price") >= 0)
        other_row (self, grid, &row, o, "model_price", _("Price per call (USD)"));
      other_row (self, grid, &row, o, "cache_tokens", _("Cache tokens"));
      other_row (self, grid, &row, o, "cache_ratio", _("Cache ratio"));
      other_row (self, grid, &row, o, "cache_creation_tokens", _("Cache creation tokens"));
      other_row (self, grid, &row, o, "cache_creation_ratio", _("Cache creation ratio"));
      if (json_object_has_member (o, "frt"))
        {
          double frt = json_object_get_double_member (o, "frt");
          g_autofree char *text = frt < 0 ? g_strdup (_("not measured"))
                                          : g_strdup_printf (_("%.0f ms"), frt);

          grid_row (self, grid, &row, _("First response"), text, FALSE);
        }
      other_row (self, grid, &row, o, "reasoning_effort", _("Reasoning effort"));
      other_row (self, grid, &row, o, "request_path", _("Request path"));
      other_row (self, grid, &row, o, "upstream_model_name", _("Upstream model"));
      other_row (self, grid, &row, o, "error_type", _("Error type"));
      other_row (self, grid, &row, o, "error_code", _("Error code"));
      other_row (self, grid, &row, o, "status_code", _("Status code"));
      other_row (self, grid, &row, o, "login_method", _("Login method"));
      other_row (self, grid, &row, o, "user_agent", _("User agent"));
      other_row (self, grid, &row, o, "billing_source", _("Billing source"));
      other_row (self, grid, &row, o, "reject_reason", _("Rejected because"));

      if (json_object_has_member (o, "admin_info") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "admin_info")))
        admin = json_object_get_object_member (o, "admin_info");
      if (admin != NULL && json_object_has_member (admin, "use_channel") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (admin, "use_channel")))
        {
          JsonArray *chain = json_object_get_array_member (admin, "use_channel");
          GString *s = g_string_new (NULL);

          for (guint i = 0; i < json_array_get_length (chain); i++)
            {
              g_autofree char *v = json_value_text (json_array_get_element (chain, i));
              gint64 id = v ? g_ascii_strtoll (v, NULL, 10) : 0;
              g_autofree char *label = channel_label (self, id, NULL);

              if (i > 0)
                g_string_append (s, " → ");
              g_string_append (s, label);
            }
          grid_row (self, grid, &row,
                    json_array_get_length (chain) > 1 ? _("Retry chain") : _("Channel used"),
                    s->str, FALSE);
          g_string_free (s, TRUE);
        }
      if (admin != NULL && json_object_has_member (admin, "is_multi_key") &&
          json_object_get_boolean_member (admin, "is_multi_key"))
        other_row (self, grid, &row, admin, "multi_key_index", _("Key index (multi-key)"));
      if (row == 0)
        {
          gtk_widget_unparent (gtk_widget_get_prev_sibling (GTK_WIDGET (grid)));
          gtk_box_remove (self->detail_box, GTK_WIDGET (grid));
        }
    }

  /* The raw JSON, pretty-printed. */
  {
    GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *title = gtk_label_new (_("Other (JSON)"));
    GtkWidget *label;
    g_autofree char *pretty = o ? json_to_string (json_parser_get_root (parser), TRUE)
                                : g_strdup (log->other);

    gtk_widget_add_css_class (title, "heading");
    gtk_label_set_xalign (GTK_LABEL (title), 0);
    gtk_widget_set_hexpand (title, TRUE);
    gtk_box_append (GTK_BOX (header), title);
    gtk_box_append (GTK_BOX (header), copy_button (self, log->other));
    gtk_box_append (self->detail_box, header);
    label = gtk_label_new (pretty);
    gtk_label_set_xalign (GTK_LABEL (label), 0);
    gtk_label_set_selectable (GTK_LABEL (label), TRUE);
    gtk_label_set_wrap (GTK_LABEL (label), TRUE);
    gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
    gtk_widget_add_css_class (label, "monospace");
    gtk_widget_add_css_class (label, "nd-log-json");
    gtk_box_append (self->detail_box, label);
  }
}

static void
close_detail_cb (NdLogsPage *self)
{
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
}

static void
fill_detail (NdLogsPage *self, const NdLog *log)
{
  GtkWidget *child;
  GtkWidget *header, *title, *close;
  GtkGrid *grid;
  int row = 0;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, log->id);
  g_autofree char *heading = g_strdup_printf (_("Log %s"), id);
  g_autofree char *time = format_time (log->created_at);
  g_autofree char *user = log->username && *log->username
    ? g_strdup_printf ("%s (#%" G_GINT64_FORMAT ")", log->username, log->user_id) : NULL;
  g_autofree char *token = log->token_name && *log->token_name
    ? g_strdup_printf ("%s (#%" G_GINT64_FORMAT ")", log->token_name, log->token_id) : NULL;
  g_autofree char *money = nd_money_format_full (page_money (self), log->quota);
  g_autofree char *raw = nd_format_count (log->quota);
  g_autofree char *quota = log->quota ? g_strdup_printf ("%s (%s)", money, raw) : NULL;
  g_autofree char *prompt = nd_format_count (log->prompt_tokens);
  g_autofree char *completion = nd_format_count (log->completion_tokens);
  g_autofree char *use_time = g_strdup_printf ("%" G_GINT64_FORMAT " s", log->use_time);
  g_autofree char *channel = channel_label (self, log->channel_id, log->channel_name);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->detail_box))))
    gtk_box_remove (self->detail_box, child);

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  title = gtk_label_new (heading);
  gtk_widget_add_css_class (title, "title-4");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  close = gtk_button_new_from_icon_name ("window-close-symbolic");
  gtk_widget_add_css_class (close, "flat");
  gtk_widget_set_tooltip_text (close, _("Close"));
  g_signal_connect_swapped (close, "clicked", G_CALLBACK (close_detail_cb), self);
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), copy_button (self, id));
  gtk_box_append (GTK_BOX (header), close);
  gtk_box_append (self->detail_box, header);

  grid = section (self, _("Request"));
  grid_row (self, grid, &row, _("Time"), time, FALSE);
  grid_row (self, grid, &row, _("Type"), nd_log_type_to_label (log->type), FALSE);
  grid_row (self, grid, &row, _("User"), user, TRUE);
  grid_row (self, grid, &row, _("Token"), token, TRUE);
  grid_row (self, grid, &row, _("Model"), log->model_name, TRUE);
  grid_row (self, grid, &row, _("Quota"), quota, FALSE);
  if (log->type == ND_LOG_CONSUME)
    {
      grid_row (self, grid, &row, _("Prompt tokens"), prompt, FALSE);
      grid_row (self, grid, &row, _("Completion tokens"), completion, FALSE);
    }
  if (log->use_time)
    grid_row (self, grid, &row, _("Use time"), use_time, FALSE);
  if (log->type == ND_LOG_CONSUME || log->type == ND_LOG_ERROR)
    grid_row (self, grid, &row, _("Stream"), log->is_stream ? _("yes") : _("no"), FALSE);
  grid_row (self, grid, &row, _("Channel"), channel, FALSE);
  grid_row (self, grid, &row, _("Group"), log->group, FALSE);
  grid_row (self, grid, &row, _("IP"), log->ip, TRUE);
  grid_row (self, grid, &row, _("Request ID"), log->request_id, TRUE);
  grid_row (self, grid, &row, _("Upstream request ID"), log->upstream_request_id, TRUE);

  if (log->content != NULL && *log->content)
    {
      GtkWidget *h = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *t = gtk_label_new (_("Content"));
      GtkWidget *content = gtk_label_new (log->content);

      gtk_widget_add_css_class (t, "heading");
      gtk_label_set_xalign (GTK_LABEL (t), 0);
      gtk_widget_set_hexpand (t, TRUE);
      gtk_box_append (GTK_BOX (h), t);
      gtk_box_append (GTK_BOX (h), copy_button (self, log->content));
      gtk_box_append (self->detail_box, h);
      gtk_label_set_wrap (GTK_LABEL (content), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (content), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (content), TRUE);
      gtk_label_set_xalign (GTK_LABEL (content), 0);
      if (log->type == ND_LOG_ERROR)
        gtk_widget_add_css_class (content, "error");
      gtk_box_append (self->detail_box, content);
    }
  add_other (self, log);
}

static void
detail_loaded_cb (NdLogItem *item, GParamSpec *pspec, NdLogsPage *self)
{
  if (nd_log_item_get_loaded (item))
    fill_detail (self, nd_log_item_get_log (item));
}

static void
show_detail (NdLogsPage *self, NdLogItem *item)
{
  if (self->detail_item != NULL)
    {
      g_clear_signal_handler (&self->detail_handler, self->detail_item);
      g_clear_object (&self->detail_item);
    }
  if (item == NULL)
    {
      /* NULL after dispose (which may run more than once). */
      if (self->detail_scroller != NULL)
        gtk_widget_set_visible (GTK_WIDGET (self->detail_scroller), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->detail_scroller), TRUE);
  self->detail_item = g_object_ref (item);
  self->detail_handler = g_signal_connect (item, "notify::loaded", G_CALLBACK (detail_loaded_cb),
                                           self);
  if (nd_log_item_get_loaded (item))
    fill_detail (self, nd_log_item_get_log (item));
}

static void
selection_changed_cb (NdLogsPage *self)
{
  show_detail (self, gtk_single_selection_get_selected_item (self->selection));
}

/* ---- model state ------------------------------------------------------- */

static void
update_list_state (NdLogsPage *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0 &&
                   nd_log_model_get_complete (self->model) &&
                   !nd_log_model_get_loading (self->model) && page_source (self) != NULL;

  gtk_stack_set_visible_child_name (self->list_stack, empty ? "empty" : "list");
  gtk_spinner_set_spinning (self->spinner, nd_log_model_get_loading (self->model));
}

static void
model_error_cb (NdLogsPage *self, GError *error)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
}

static gboolean
tail_cb (gpointer user_data)
{
  NdLogsPage *self = user_data;

  nd_log_model_poll_tail (self->model);
  return G_SOURCE_CONTINUE;
}

static guint
tail_interval (NdLogsPage *self)
{
  NdSource *source = page_source (self);
  NdServerInfo *info = source ? nd_source_get_info (source) : NULL;

  return info != NULL && !nd_server_info_has (info, ND_CAP_BULK_READS)
         ? TAIL_SECONDS_HTTP : TAIL_SECONDS;
}

static void
live_toggled_cb (NdLogsPage *self)
{
  gboolean on = gtk_toggle_button_get_active (self->live_button);

  g_clear_handle_id (&self->tail_id, g_source_remove);
  self->tail_seconds = 0;
  if (on)
    {
      nd_log_model_poll_tail (self->model);
      self->tail_seconds = tail_interval (self);
      self->tail_id = g_timeout_add_seconds (self->tail_seconds, tail_cb, self);
    }
}

/* ---- export ------------------------------------------------------------ */

static void
export_job_free (ExportJob *job)
{
  g_clear_handle_id (&job->progress_id, g_source_remove);
  g_clear_pointer (&job->writer, nd_export_writer_free);
  g_clear_object (&job->cancellable);
  g_free (job->path);
  g_free (job);
}

static gboolean
export_progress_cb (gpointer user_data)
{
  ExportJob *job = user_data;
  NdLogsPage *self = job->page;
  gint64 rows = nd_export_writer_get_rows (job->writer);
  g_autofree char *n = nd_format_count (rows);
  g_autofree char *text = NULL;

  if (self == NULL)
    return G_SOURCE_CONTINUE;
  text = g_strdup_printf (_("Exporting… %s logs"), n);
  gtk_label_set_text (self->export_label, text);
  if (self->have_estimate && self->estimate.rows > 0)
    gtk_progress_bar_set_fraction (self->export_progress,
                                   MIN (1.0, (double) rows / self->estimate.rows));
  else
    gtk_progress_bar_pulse (self->export_progress);
  return G_SOURCE_CONTINUE;
}

/* The end of an export: the toast, and the job goes. */
static void
export_report (ExportJob *job, GError *error)
{
  NdLogsPage *self = job->page;
  gint64 rows = job->rows;

  if (self != NULL)
    {
      g_autofree char *msg = NULL;

      gtk_revealer_set_reveal_child (self->export_revealer, FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), TRUE);
      if (error == NULL)
        {
          g_autofree char *n = nd_format_count (rows);
          g_autofree char *base = g_path_get_basename (job->path);

          msg = g_strdup_printf (_("Exported %s logs to %s"), n, base);
        }
      else if (nd_error_is_cancelled (error))
        msg = g_strdup (_("Export cancelled; no file was written"));
      else
        msg = g_strdup_printf (_("Export failed: %s"), error->message);
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (msg));
      self->export = NULL;
    }
  export_job_free (job);
}

static void
export_finish_thread (GTask *task, gpointer source_object, gpointer task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;

  /* fflush + fsync + fclose + rename: seconds on a slow disk. */
  if (nd_export_writer_finish (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_finished (GObject *object, GAsyncResult *result, gpointer user_data)
{
  ExportJob *job = user_data;
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  export_report (job, error);
}

static void
export_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  ExportJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  job->rows = nd_source_export_logs_finish (ND_SOURCE (object), result, &error);
  if (error != NULL)
    {
      export_report (job, error);
      return;
    }
  /* Every row is written: the rest is the disk's, off the main thread.
   * No source object and no cancellable: the page may go meanwhile (it
   * clears job->page), and a complete file is not cancelled any more. */
  g_clear_handle_id (&job->progress_id, g_source_remove);
  if (job->page != NULL)
    {
      gtk_label_set_text (job->page->export_label, _("Saving…"));
      gtk_widget_set_sensitive (GTK_WIDGET (job->page->export_cancel_button), FALSE);
    }
  task = g_task_new (NULL, NULL, export_finished, job);
  g_task_set_source_tag (task, export_done);
  g_task_set_task_data (task, job->writer, NULL);
  g_task_run_in_thread (task, export_finish_thread);
}

static void
start_export (NdLogsPage *self, const char *path)
{
  NdSource *source = page_source (self);
  NdExportFormat format = g_str_has_suffix (path, ".jsonl") || g_str_has_suffix (path, ".ndjson")
                          ? ND_EXPORT_JSONL : ND_EXPORT_CSV;
  gboolean bom = self->settings ? g_settings_get_boolean (self->settings, "csv-bom") : FALSE;
  g_autoptr(GError) error = NULL;
  ExportJob *job;
  NdExportWriter *writer;

  if (source == NULL || self->export != NULL)
    return;
  writer = nd_export_writer_new (path, format, bom, &error);
  if (writer == NULL)
    {
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      return;
    }
  job = g_new0 (ExportJob, 1);
  job->page = self;
  job->writer = writer;
  job->cancellable = g_cancellable_new ();
  job->path = g_strdup (path);
  job->progress_id = g_timeout_add (200, export_progress_cb, job);
  self->export = job;
  gtk_label_set_text (self->export_label, _("Exporting…"));
  /* Over the admin API the export pages 100 rows a request: say so. */
  gtk_widget_set_visible (GTK_WIDGET (self->export_note),
                          nd_source_get_info (source) != NULL &&
                          !nd_server_info_has (nd_source_get_info (source), ND_CAP_BULK_READS));
  gtk_progress_bar_set_fraction (self->export_progress, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_cancel_button), TRUE);
  gtk_revealer_set_reveal_child (self->export_revealer, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), FALSE);
  nd_source_export_logs_async (source, self->query, nd_export_writer_write, writer,
                               job->cancellable, export_done, job);
}

static void
export_response_cb (GtkNativeDialog *dialog, int response, NdLogsPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        start_export (self, path);
    }
  g_object_unref (dialog);
}

static void
export_clicked_cb (NdLogsPage *self)
{
  GtkFileChooserNative *dialog;
  GtkFileFilter *csv, *jsonl;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M");
  g_autofree char *name = g_strdup_printf ("newapi-logs-%s.csv", stamp);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  dialog = gtk_file_chooser_native_new (_("Export Logs"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  csv = gtk_file_filter_new ();
  gtk_file_filter_set_name (csv, _("CSV (spreadsheets)"));
  gtk_file_filter_add_pattern (csv, "*.csv");
  jsonl = gtk_file_filter_new ();
  gtk_file_filter_set_name (jsonl, _("JSON Lines (NewAPI field names)"));
  gtk_file_filter_add_pattern (jsonl, "*.jsonl");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), csv);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), jsonl);
  g_object_unref (csv);
  g_object_unref (jsonl);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
export_cancel_cb (NdLogsPage *self)
{
  if (self->export != NULL)
    g_cancellable_cancel (self->export->cancellable);
}

/* ---- session ----------------------------------------------------------- */

static void
session_state_cb (NdLogsPage *self)
{
  NdSource *source = page_source (self);
  NdServerInfo *info = nd_page_get_session (ND_PAGE (self)) ? nd_session_get_info (nd_page_get_session (ND_PAGE (self))) : NULL;
  gboolean connected = source != NULL;
  gboolean has_request_id = info == NULL || nd_server_info_has (info, ND_CAP_LOG_REQUEST_ID);

  gtk_widget_set_sensitive (GTK_WIDGET (self->request_entry), has_request_id);
  gtk_widget_set_sensitive (GTK_WIDGET (self->ip_entry),
                            info == NULL || nd_server_info_has (info, ND_CAP_LOG_IP_FILTER));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->ip_entry),
                               info == NULL || nd_server_info_has (info, ND_CAP_LOG_IP_FILTER) ? NULL
                               : _("NewAPI’s API cannot filter logs by IP; connect the database for it"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->request_entry),
                               has_request_id ? NULL
                               : _("This server’s logs have no request id (NewAPI before v1.0.0-rc.6)"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button),
                            connected && self->export == NULL &&
                            (info == NULL || nd_server_info_has (info, ND_CAP_LOG_EXPORT)));
  gtk_widget_set_sensitive (GTK_WIDGET (self->live_button),
                            connected && (info == NULL || nd_server_info_has (info, ND_CAP_LOG_TAIL)));
  if (source == self->source)
    return;
  g_set_object (&self->source, source);
  /* Lists still on their way from the previous source are not wanted. */
  g_cancellable_cancel (self->session_cancellable);
  g_clear_object (&self->session_cancellable);
  self->session_cancellable = g_cancellable_new ();
  nd_log_model_set_source (self->model, source);
  if (self->tail_id != 0)
    live_toggled_cb (self);   /* the interval depends on the source kind */
  if (!connected)
    {
      gtk_label_set_text (self->count_label, _("Not connected"));
      gtk_label_set_text (self->totals_label, "");
      return;
    }
  nd_source_suggest_async (source, ND_SUGGEST_MODEL, "", 1000, self->session_cancellable,
                           models_loaded, lists_request_new (self));
  nd_source_list_channels_async (source, self->session_cancellable, channels_loaded,
                                 lists_request_new (self));
  if (gtk_drop_down_get_selected (self->range_dropdown) < 4)
    read_widgets (self);      /* relative ranges end now */
  apply_now (self, NULL);
}

static void
nd_logs_page_session_changed (NdPage *page, NdSession *old)
{
  NdLogsPage *self = ND_LOGS_PAGE (page);
  NdSession *session = nd_page_get_session (page);

  if (old != NULL)
    g_signal_handlers_disconnect_by_data (old, self);
  g_cancellable_cancel (self->session_cancellable);
  if (session != NULL)
    {
      g_signal_connect_object (session, "notify::state", G_CALLBACK (session_state_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::source", G_CALLBACK (session_state_cb), self,
                               G_CONNECT_SWAPPED);
    }
  session_state_cb (self);
}

/* ---- object ------------------------------------------------------------ */

static void
nd_logs_page_dispose (GObject *object)
{
  NdLogsPage *self = ND_LOGS_PAGE (object);

  self->disposed = TRUE;
  g_clear_handle_id (&self->apply_id, g_source_remove);
  g_clear_handle_id (&self->suggest_id, g_source_remove);
  g_clear_handle_id (&self->tail_id, g_source_remove);
  if (self->save_widths_id != 0)
    {
      g_clear_handle_id (&self->save_widths_id, g_source_remove);
      save_widths_cb (self);
    }
  if (self->export != NULL)
    {
      /* The export finishes (cancelled) on its own; it must not touch us. */
      g_cancellable_cancel (self->export->cancellable);
      self->export->page = NULL;
      self->export = NULL;
    }
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->session_cancellable);
  g_clear_object (&self->source);
  self->tail_seconds = 0;
  show_detail (self, NULL);
  if (nd_page_get_session (ND_PAGE (self)) != NULL)
    g_signal_handlers_disconnect_by_data (nd_page_get_session (ND_PAGE (self)), self);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  g_clear_object (&self->settings);
  g_clear_object (&self->user_completions);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_LOGS_PAGE);
  G_OBJECT_CLASS (nd_logs_page_parent_class)->dispose (object);
}

static void
nd_logs_page_finalize (GObject *object)
{
  NdLogsPage *self = ND_LOGS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->session_cancellable);
  g_clear_pointer (&self->query, nd_log_query_free);
  g_clear_pointer (&self->channel_names, g_hash_table_unref);
  G_OBJECT_CLASS (nd_logs_page_parent_class)->finalize (object);
}

static void
nd_logs_page_class_init (NdLogsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_logs_page_dispose;
  object_class->finalize = nd_logs_page_finalize;
  ND_PAGE_CLASS (klass)->session_changed = nd_logs_page_session_changed;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-logs-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NdLogsPage, name)
  BIND (range_dropdown);
  BIND (custom_button);
  BIND (custom_popover);
  BIND (from_entry);
  BIND (to_entry);
  BIND (apply_range_button);
  BIND (jump_entry);
  BIND (type_dropdown);
  BIND (models_button);
  BIND (models_search);
  BIND (models_list);
  BIND (channels_button);
  BIND (channels_list);
  BIND (live_button);
  BIND (refresh_button);
  BIND (columns_box);
  BIND (export_button);
  BIND (username_entry);
  BIND (token_entry);
  BIND (group_entry);
  BIND (ip_entry);
  BIND (request_entry);
  BIND (clear_button);
  BIND (count_label);
  BIND (totals_label);
  BIND (spinner);
  BIND (list_stack);
  BIND (column_view);
  BIND (detail_scroller);
  BIND (detail_box);
  BIND (export_revealer);
  BIND (export_label);
  BIND (export_note);
  BIND (export_progress);
  BIND (export_cancel_button);
#undef BIND
}

static void
ensure_css (void)
{
  static gboolean done;
  GtkCssProvider *provider;
  GdkDisplay *display = gdk_display_get_default ();

  if (done || display == NULL)
    return;
  done = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, RESOURCE_BASE "/logs/nd-logs.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_unref (provider);
}

static GSettings *
maybe_settings (void)
{
  GSettingsSchemaSource *src = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = src ? g_settings_schema_source_lookup (src, APPLICATION_ID, TRUE)
                                          : NULL;

  return schema ? g_settings_new (APPLICATION_ID) : NULL;
}

static void
nd_logs_page_init (NdLogsPage *self)
{
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  GtkEntryCompletion *completion;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Not a bound template child: AdwBin unparents its own child, and a
   * bound direct child would be unparented twice on 4.8. */
  self->toasts = ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self)));
  ensure_css ();

  self->query = nd_log_query_new ();
  self->cancellable = g_cancellable_new ();
  self->session_cancellable = g_cancellable_new ();
  self->settings = maybe_settings ();
  self->model = nd_log_model_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  build_columns (self);

  gtk_string_list_append (types, _("All types"));
  for (guint i = 1; i < G_N_ELEMENTS (type_values); i++)
    gtk_string_list_append (types, nd_log_type_to_label (type_values[i]));
  gtk_drop_down_set_model (self->type_dropdown, G_LIST_MODEL (types));

  self->user_completions = gtk_list_store_new (1, G_TYPE_STRING);
  completion = gtk_entry_completion_new ();
  gtk_entry_completion_set_model (completion, GTK_TREE_MODEL (self->user_completions));
  gtk_entry_completion_set_text_column (completion, 0);
  gtk_entry_completion_set_minimum_key_length (completion, 1);
  gtk_entry_set_completion (self->username_entry, completion);
  g_object_unref (completion);

  g_signal_connect_swapped (self->range_dropdown, "notify::selected", G_CALLBACK (range_selected_cb), self);
  g_signal_connect_swapped (self->type_dropdown, "notify::selected", G_CALLBACK (filter_activated_cb), self);
  g_signal_connect_swapped (self->apply_range_button, "clicked", G_CALLBACK (apply_range_clicked_cb), self);
  g_signal_connect_swapped (self->from_entry, "activate", G_CALLBACK (apply_range_clicked_cb), self);
  g_signal_connect_swapped (self->to_entry, "activate", G_CALLBACK (apply_range_clicked_cb), self);
  g_signal_connect_swapped (self->jump_entry, "activate", G_CALLBACK (jump_activated_cb), self);
  g_signal_connect_swapped (self->jump_entry, "icon-release", G_CALLBACK (jump_activated_cb), self);
  g_signal_connect_swapped (self->username_entry, "changed", G_CALLBACK (username_changed_cb), self);
  {
    GtkEntry *entries[] = { self->username_entry, self->token_entry, self->group_entry,
                            self->ip_entry, self->request_entry };

    for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
      {
        g_signal_connect_swapped (entries[i], "activate", G_CALLBACK (filter_activated_cb), self);
        if (entries[i] != self->username_entry)
          g_signal_connect_swapped (entries[i], "changed", G_CALLBACK (filter_changed_cb), self);
      }
  }
  gtk_list_box_set_filter_func (self->models_list, models_filter_func, self, NULL);
  g_signal_connect_swapped (self->models_search, "search-changed",
                            G_CALLBACK (gtk_list_box_invalidate_filter), self->models_list);
  g_signal_connect_swapped (self->clear_button, "clicked", G_CALLBACK (clear_clicked_cb), self);
  g_signal_connect_swapped (self->refresh_button, "clicked", G_CALLBACK (apply_query), self);
  g_signal_connect_swapped (self->live_button, "toggled", G_CALLBACK (live_toggled_cb), self);
  g_signal_connect_swapped (self->export_button, "clicked", G_CALLBACK (export_clicked_cb), self);
  g_signal_connect_swapped (self->export_cancel_button, "clicked", G_CALLBACK (export_cancel_cb), self);
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_swapped (self->model, "items-changed", G_CALLBACK (update_list_state), self);
  g_signal_connect_swapped (self->model, "notify::loading", G_CALLBACK (update_list_state), self);
  g_signal_connect_swapped (self->model, "notify::complete", G_CALLBACK (update_list_state), self);
  g_signal_connect_swapped (self->model, "error", G_CALLBACK (model_error_cb), self);

  read_widgets (self);
  update_multi_labels (self);
  session_state_cb (self);
}

void
nd_logs_page_set_filter (NdLogsPage *self, const char *filter)
{
  g_autoptr(GError) error = NULL;
  NdLogQuery *q;

  g_return_if_fail (ND_IS_LOGS_PAGE (self));

  q = nd_log_query_from_string (filter, &error);
  if (q == NULL)
    {
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      return;
    }
  g_clear_pointer (&self->query, nd_log_query_free);
  self->query = q;
  write_widgets (self);
  apply_now (self, NULL);
}

char *
nd_logs_page_get_filter (NdLogsPage *self)
{
  g_return_val_if_fail (ND_IS_LOGS_PAGE (self), NULL);
  return nd_log_query_to_string (self->query);
}

GListModel *
nd_logs_page_get_model (NdLogsPage *self)
{
  g_return_val_if_fail (ND_IS_LOGS_PAGE (self), NULL);
  return G_LIST_MODEL (self->model);
}

/* Exports the logs of the current filter to @path as the Export button
 * does after its file chooser (CSV, or JSON Lines for *.jsonl). For tests. */
void
nd_logs_page_export_to (NdLogsPage *self, const char *path)
{
  g_return_if_fail (ND_IS_LOGS_PAGE (self));
  g_return_if_fail (path != NULL);
  start_export (self, path);
}

/* TRUE while an export runs. */
gboolean
nd_logs_page_is_exporting (NdLogsPage *self)
{
  g_return_val_if_fail (ND_IS_LOGS_PAGE (self), FALSE);
  return self->export != NULL;
}

/* Seconds between live tail polls, 0 while live tail is off (for tests). */
guint
nd_logs_page_get_tail_interval (NdLogsPage *self)
{
  g_return_val_if_fail (ND_IS_LOGS_PAGE (self), 0);
  return self->tail_id != 0 ? self->tail_seconds : 0;
}
