/* nd-log-columns.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-log-columns.h"
#include "nd-log-model.h"
#include "nd-log-text.h"
#include "nd-secure-string.h"

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

typedef struct {
  NdLogColumns *columns;
  ColumnId id;
} ColumnCtx;

struct _NdLogColumns
{
  GObject parent_instance;

  GSettings *settings;
  NdMoney *money;
  GHashTable *channel_names;
  GtkColumnViewColumn *columns[N_COLUMNS];   /* owned by the view */
  GtkCheckButton *checks[N_COLUMNS];         /* owned by the chooser */
  ColumnCtx ctx[N_COLUMNS];
  guint save_widths_id;
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (NdLogColumns, nd_log_columns, G_TYPE_OBJECT)

/* ---- cells ------------------------------------------------------------- */

/* Names and ids come from the gateway: a key pasted into a token name
 * is masked like one in an error message. */
static char *
gateway_text (const char *text)
{
  return nd_mask_text_dup (text ? text : "");
}

static char *
cell_text (NdLogColumns *self, ColumnId col, const NdLog *log)
{
  switch (col)
    {
    case COL_TIME: return nd_log_text_time (log->created_at);
    case COL_USER: return gateway_text (log->username);
    case COL_TOKEN: return gateway_text (log->token_name);
    case COL_MODEL: return gateway_text (log->model_name);
    case COL_TYPE: return g_strdup (nd_log_type_to_label (log->type));
    case COL_QUOTA:
      return log->quota && self->money ? nd_money_format (self->money, log->quota) : g_strdup ("");
    case COL_PROMPT: return log->prompt_tokens ? nd_format_count (log->prompt_tokens) : g_strdup ("");
    case COL_COMPLETION:
      return log->completion_tokens ? nd_format_count (log->completion_tokens) : g_strdup ("");
    case COL_USE_TIME:
      return log->use_time ? g_strdup_printf ("%" G_GINT64_FORMAT " s", log->use_time) : g_strdup ("");
    case COL_STREAM: return g_strdup (log->is_stream ? _("Stream") : "");
    case COL_CHANNEL: return nd_log_text_channel (self->channel_names, log->channel_id, log->channel_name);
    case COL_GROUP: return gateway_text (log->group);
    case COL_IP: return g_strdup (log->ip);
    case COL_REQUEST_ID: return gateway_text (log->request_id);
    case N_COLUMNS:
    default: return NULL;
    }
}

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
    text = cell_text (ctx->columns, ctx->id, log);
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
  update_cell (list_item, g_object_get_data (G_OBJECT (list_item), "nd-column"));
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

/* ---- chooser and widths (GSettings) ------------------------------------ */

static gboolean
save_widths_cb (gpointer user_data)
{
  NdLogColumns *self = user_data;
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
column_width_cb (GtkColumnViewColumn *column, GParamSpec *pspec, NdLogColumns *self)
{
  if (self->updating)
    return;
  g_clear_handle_id (&self->save_widths_id, g_source_remove);
  self->save_widths_id = g_timeout_add (500, save_widths_cb, self);
}

static void
column_toggled_cb (GtkCheckButton *check, NdLogColumns *self)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_auto(GStrv) keys = NULL;

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      gboolean on = gtk_check_button_get_active (self->checks[i]);

      gtk_column_view_column_set_visible (self->columns[i], on);
      if (on)
        g_strv_builder_add (b, column_defs[i].key);
    }
  if (self->updating || self->settings == NULL)
    return;
  keys = g_strv_builder_end (b);
  g_settings_set_strv (self->settings, "log-columns", (const char * const *) keys);
}

NdLogColumns *
nd_log_columns_new (GtkColumnView *view, GtkBox *chooser, GSettings *settings)
{
  NdLogColumns *self = g_object_new (ND_TYPE_LOG_COLUMNS, NULL);
  g_auto(GStrv) visible = NULL;
  g_autoptr(GVariant) widths = NULL;

  g_set_object (&self->settings, settings);
  if (settings != NULL)
    {
      visible = g_settings_get_strv (settings, "log-columns");
      widths = g_settings_get_value (settings, "log-column-widths");
    }

  self->updating = TRUE;
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;
      GtkWidget *check;
      int width = column_defs[i].width;

      self->ctx[i].columns = self;
      self->ctx[i].id = i;
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), &self->ctx[i]);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), &self->ctx[i]);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), &self->ctx[i]);
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
      gtk_column_view_append_column (view, column);
      self->columns[i] = column;
      g_object_unref (column);

      check = gtk_check_button_new_with_label (_(column_defs[i].title));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   gtk_column_view_column_get_visible (column));
      g_signal_connect (check, "toggled", G_CALLBACK (column_toggled_cb), self);
      gtk_box_append (chooser, check);
      self->checks[i] = GTK_CHECK_BUTTON (check);
    }
  self->updating = FALSE;
  return self;
}

void
nd_log_columns_set_money (NdLogColumns *self, const NdMoney *money)
{
  g_return_if_fail (ND_IS_LOG_COLUMNS (self));

  g_clear_pointer (&self->money, nd_money_free);
  self->money = money ? nd_money_copy (money) : NULL;
}

void
nd_log_columns_set_channel_names (NdLogColumns *self, GHashTable *names)
{
  g_return_if_fail (ND_IS_LOG_COLUMNS (self));

  if (names != NULL)
    g_hash_table_ref (names);
  g_clear_pointer (&self->channel_names, g_hash_table_unref);
  self->channel_names = names;
}

void
nd_log_columns_flush (NdLogColumns *self)
{
  g_return_if_fail (ND_IS_LOG_COLUMNS (self));

  if (self->save_widths_id != 0)
    {
      g_clear_handle_id (&self->save_widths_id, g_source_remove);
      save_widths_cb (self);
    }
}

static void
nd_log_columns_dispose (GObject *object)
{
  NdLogColumns *self = ND_LOG_COLUMNS (object);

  /* The columns and checks belong to their widgets; their handlers point
   * here. */
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      if (self->columns[i] != NULL)
        g_signal_handlers_disconnect_by_data (self->columns[i], self);
      if (self->checks[i] != NULL)
        g_signal_handlers_disconnect_by_data (self->checks[i], self);
      self->columns[i] = NULL;
      self->checks[i] = NULL;
    }
  g_clear_handle_id (&self->save_widths_id, g_source_remove);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (nd_log_columns_parent_class)->dispose (object);
}

static void
nd_log_columns_finalize (GObject *object)
{
  NdLogColumns *self = ND_LOG_COLUMNS (object);

  g_clear_pointer (&self->money, nd_money_free);
  g_clear_pointer (&self->channel_names, g_hash_table_unref);
  G_OBJECT_CLASS (nd_log_columns_parent_class)->finalize (object);
}

static void
nd_log_columns_class_init (NdLogColumnsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = nd_log_columns_dispose;
  G_OBJECT_CLASS (klass)->finalize = nd_log_columns_finalize;
}

static void
nd_log_columns_init (NdLogColumns *self)
{
}
