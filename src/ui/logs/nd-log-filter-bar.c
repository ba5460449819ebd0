/* nd-log-filter-bar.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "nd-log-filter-bar.h"
#include "nd-log-text.h"
#include "nd-time.h"
#include "nd-toast.h"
#include "nd-wrap-box.h"

#define APPLY_DELAY_MS 600
#define SUGGEST_DELAY_MS 200
/* A menu button's label does not ellipsize on GTK 4.8: long model names
 * are cut here so the bar still fits a narrow window. */
#define BUTTON_LABEL_CHARS 24

/* Range choices, in the order of the drop-down. */
enum { RANGE_HOUR, RANGE_DAY, RANGE_WEEK, RANGE_MONTH, RANGE_ALL, RANGE_CUSTOM };
static const gint64 range_spans[] = { 3600, 86400, 7 * 86400, 30 * 86400 };
static const int type_values[] = { 0, 2, 5, 1, 3, 4, 6, 7 };

struct _NdLogFilterBar
{
  GtkWidget parent_instance;

  /* template */
  GtkWidget *wrap;
  GtkDropDown *range_dropdown;
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
  GtkEntry *username_entry;
  GtkEntry *token_entry;
  GtkEntry *group_entry;
  GtkEntry *ip_entry;
  GtkEntry *request_entry;
  GtkBox *chips_box;
  GtkButton *clear_button;

  /* owned */
  NdLogQuery *query;
  NdSource *source;
  GCancellable *cancellable;      /* lists and suggestions of this source */
  GHashTable *channel_names;      /* gint64* → utf8 */
  GtkListStore *user_completions;
  char *user_name;                /* names of the id chips, once a row says them */
  char *token_name;
  guint apply_id;
  guint suggest_id;
  gboolean updating;              /* widgets being set from a query */
};

G_DEFINE_FINAL_TYPE (NdLogFilterBar, nd_log_filter_bar, GTK_TYPE_WIDGET)

enum { SIGNAL_CHANGED, SIGNAL_JUMP, N_SIGNALS };
static guint signals[N_SIGNALS];
enum { PROP_0, PROP_CHANNEL_NAMES, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void update_chips (NdLogFilterBar *self);

/* ---- applying ---------------------------------------------------------- */

static void
emit_changed (NdLogFilterBar *self)
{
  g_clear_handle_id (&self->apply_id, g_source_remove);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static gboolean
apply_timeout_cb (gpointer user_data)
{
  NdLogFilterBar *self = user_data;

  self->apply_id = 0;
  emit_changed (self);
  return G_SOURCE_REMOVE;
}

/* Typing waits for a pause; a choice applies at once. */
static void
changed_later (NdLogFilterBar *self)
{
  if (self->updating)
    return;
  g_clear_handle_id (&self->apply_id, g_source_remove);
  self->apply_id = g_timeout_add (APPLY_DELAY_MS, apply_timeout_cb, self);
}

static void
changed_now (NdLogFilterBar *self)
{
  if (!self->updating)
    emit_changed (self);
}

/* ---- widgets <-> query ------------------------------------------------- */

static char *
button_label (const char *text)
{
  if (g_utf8_strlen (text, -1) <= BUTTON_LABEL_CHARS)
    return g_strdup (text);
  return g_strdup_printf ("%.*s…", (int) (g_utf8_offset_to_pointer (text, BUTTON_LABEL_CHARS - 1) - text),
                          text);
}

static void
update_multi_labels (NdLogFilterBar *self)
{
  NdLogQuery *q = self->query;
  g_autofree char *models = NULL;
  g_autofree char *channels = NULL;

  if (q->models->len == 0)
    models = g_strdup (_("All models"));
  else if (q->models->len == 1)
    models = button_label (g_ptr_array_index (q->models, 0));
  else
    models = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u model", "%u models", q->models->len),
                              q->models->len);
  gtk_menu_button_set_label (self->models_button, models);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->models_button),
                               q->models->len == 1 ? g_ptr_array_index (q->models, 0) : _("Models"));

  if (q->channels->len == 0)
    channels = g_strdup (_("All channels"));
  else if (q->channels->len == 1)
    {
      g_autofree char *label = nd_log_text_channel (self->channel_names,
                                                    g_array_index (q->channels, gint64, 0), NULL);

      channels = button_label (label);
    }
  else
    channels = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u channel", "%u channels",
                                             q->channels->len), q->channels->len);
  gtk_menu_button_set_label (self->channels_button, channels);
}

static const char *
entry_value (GtkEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  return text && *text ? text : NULL;
}

static void
set_text (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

/* Reads every widget into self->query. Models, channels and the ids are
 * kept in the query directly by their check buttons and chips. */
static void
read_widgets (NdLogFilterBar *self)
{
  NdLogQuery *q = self->query;
  guint range = gtk_drop_down_get_selected (self->range_dropdown);
  guint type = gtk_drop_down_get_selected (self->type_dropdown);
  gint64 t;

  if (range < G_N_ELEMENTS (range_spans))
    {
      q->from = g_get_real_time () / G_USEC_PER_SEC - range_spans[range];
      q->to = 0;
    }
  else if (range == RANGE_ALL)
    q->from = q->to = 0;
  else
    {
      q->from = nd_time_parse (gtk_editable_get_text (GTK_EDITABLE (self->from_entry)), &t) ? t : 0;
      q->to = nd_time_parse (gtk_editable_get_text (GTK_EDITABLE (self->to_entry)), &t) ? t : 0;
    }
  q->type = type < G_N_ELEMENTS (type_values) ? type_values[type] : 0;
  set_text (&q->username, entry_value (self->username_entry));
  set_text (&q->token_name, entry_value (self->token_entry));
  set_text (&q->group, entry_value (self->group_entry));
  set_text (&q->ip, entry_value (self->ip_entry));
  set_text (&q->request_id, entry_value (self->request_entry));
}

static void
sync_check_lists (NdLogFilterBar *self)
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

static char *
entry_time (gint64 t)
{
  return t ? nd_log_text_time (t) : g_strdup ("");
}

/* Shows self->query in the widgets. */
static void
write_widgets (NdLogFilterBar *self)
{
  NdLogQuery *q = self->query;
  g_autofree char *from = entry_time (q->from);
  g_autofree char *to = entry_time (q->to);
  guint type = 0;

  self->updating = TRUE;
  gtk_drop_down_set_selected (self->range_dropdown, q->from || q->to ? RANGE_CUSTOM : RANGE_ALL);
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
  update_chips (self);
  self->updating = FALSE;
}

/* ---- id chips ---------------------------------------------------------- */

static void
chip_close_cb (GtkButton *button, NdLogFilterBar *self)
{
  if (g_object_get_data (G_OBJECT (button), "nd-user") != NULL)
    self->query->user_id = 0;
  else
    self->query->token_id = 0;
  update_chips (self);
  changed_now (self);
}

static void
add_chip (NdLogFilterBar *self, const char *text, gboolean user)
{
  GtkWidget *chip = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");

  gtk_widget_add_css_class (chip, "nd-filter-chip");
  gtk_widget_set_valign (chip, GTK_ALIGN_CENTER);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  gtk_widget_set_tooltip_text (label, text);
  gtk_widget_add_css_class (close, "flat");
  gtk_widget_add_css_class (close, "circular");
  gtk_widget_add_css_class (close, "nd-filter-chip-close");
  gtk_widget_set_tooltip_text (close, _("Remove this filter"));
  if (user)
    g_object_set_data (G_OBJECT (close), "nd-user", GINT_TO_POINTER (1));
  g_signal_connect (close, "clicked", G_CALLBACK (chip_close_cb), self);
  gtk_box_append (GTK_BOX (chip), label);
  gtk_box_append (GTK_BOX (chip), close);
  gtk_box_append (self->chips_box, chip);
}

static void
update_chips (NdLogFilterBar *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->chips_box))))
    gtk_box_remove (self->chips_box, child);
  if (self->query->user_id != 0)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, self->query->user_id);
      /* Translators: a filter chip, "User #12 alice" (the name once known) */
      g_autofree char *text = g_strdup_printf (_("User #%s %s"), id, self->user_name ? self->user_name : "");

      add_chip (self, g_strchomp (text), TRUE);
    }
  if (self->query->token_id != 0)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, self->query->token_id);
      /* Translators: a filter chip, "Token #5 default" (the name once known) */
      g_autofree char *text = g_strdup_printf (_("Token #%s %s"), id, self->token_name ? self->token_name : "");

      add_chip (self, g_strchomp (text), FALSE);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->chips_box),
                          self->query->user_id != 0 || self->query->token_id != 0);
}

void
nd_log_filter_bar_learn_names (NdLogFilterBar *self, const NdLog *log)
{
  gboolean changed = FALSE;

  g_return_if_fail (ND_IS_LOG_FILTER_BAR (self));

  if (log == NULL)
    return;
  if (self->query->user_id != 0 && log->user_id == self->query->user_id && log->username &&
      g_strcmp0 (self->user_name, log->username) != 0)
    {
      set_text (&self->user_name, log->username);
      changed = TRUE;
    }
  if (self->query->token_id != 0 && log->token_id == self->query->token_id && log->token_name &&
      g_strcmp0 (self->token_name, log->token_name) != 0)
    {
      set_text (&self->token_name, log->token_name);
      changed = TRUE;
    }
  if (changed)
    update_chips (self);
}

/* ---- range, jump, clear ------------------------------------------------ */

static void
range_selected_cb (NdLogFilterBar *self)
{
  if (self->updating)
    return;
  if (gtk_drop_down_get_selected (self->range_dropdown) == RANGE_CUSTOM)
    {
      gtk_popover_popup (self->custom_popover);
      return;
    }
  changed_now (self);
}

static void
apply_range_clicked_cb (NdLogFilterBar *self)
{
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->range_dropdown, RANGE_CUSTOM);
  self->updating = FALSE;
  gtk_popover_popdown (self->custom_popover);
  changed_now (self);
}

static void
jump_activated_cb (NdLogFilterBar *self)
{
  gint64 t;

  if (!nd_time_parse (gtk_editable_get_text (GTK_EDITABLE (self->jump_entry)), &t))
    {
      nd_toast_show (GTK_WIDGET (self), _("Enter a time like 2026-01-31 08:00"));
      return;
    }
  gtk_popover_popdown (self->custom_popover);
  g_clear_handle_id (&self->apply_id, g_source_remove);
  g_signal_emit (self, signals[SIGNAL_JUMP], 0, t);
}

static void
clear_clicked_cb (NdLogFilterBar *self)
{
  g_autoptr(NdLogQuery) empty = nd_log_query_new ();

  nd_log_filter_bar_set_query (self, empty);
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->range_dropdown, RANGE_DAY);
  self->updating = FALSE;
  emit_changed (self);
}

/* ---- models and channels ----------------------------------------------- */

static void
model_toggled_cb (GtkCheckButton *check, NdLogFilterBar *self)
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
  changed_later (self);
}

static void
add_model_row (NdLogFilterBar *self, const char *name)
{
  GtkWidget *check = gtk_check_button_new_with_label (name);

  g_object_set_data_full (G_OBJECT (check), "nd-model", g_strdup (name), g_free);
  g_signal_connect (check, "toggled", G_CALLBACK (model_toggled_cb), self);
  gtk_list_box_append (self->models_list, check);
}

static gboolean
models_filter_func (GtkListBoxRow *row, gpointer user_data)
{
  NdLogFilterBar *self = user_data;
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

/* A list request of one source: a reply for an older source, or after the
 * bar is gone, is dropped. */
typedef struct {
  NdLogFilterBar *bar;            /* owned */
  GCancellable *cancellable;      /* owned; the bar's for that source */
} ListsRequest;

static ListsRequest *
lists_request_new (NdLogFilterBar *self)
{
  ListsRequest *req = g_new0 (ListsRequest, 1);

  req->bar = g_object_ref (self);
  req->cancellable = g_object_ref (self->cancellable);
  return req;
}

static void
lists_request_free (ListsRequest *req)
{
  g_object_unref (req->bar);
  g_object_unref (req->cancellable);
  g_free (req);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ListsRequest, lists_request_free)

static gboolean
lists_reply_current (ListsRequest *req, GObject *source)
{
  return !g_cancellable_is_cancelled (req->cancellable) && ND_SOURCE (source) == req->bar->source;
}

static void
models_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(ListsRequest) req = user_data;
  NdLogFilterBar *self = req->bar;
  g_auto(GStrv) names = nd_source_strv_finish (ND_SOURCE (object), result, NULL);
  GtkWidget *child;

  if (names == NULL || !lists_reply_current (req, object))
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->models_list))))
    gtk_list_box_remove (self->models_list, child);
  for (guint i = 0; names[i]; i++)
    add_model_row (self, names[i]);
  /* A model from a drill-down filter stays choosable even if no channel
   * offers it any more. */
  for (guint i = 0; i < self->query->models->len; i++)
    if (!g_strv_contains ((const char * const *) names, self->query->models->pdata[i]))
      add_model_row (self, self->query->models->pdata[i]);
  self->updating = TRUE;
  sync_check_lists (self);
  self->updating = FALSE;
}

static void
channel_toggled_cb (GtkCheckButton *check, NdLogFilterBar *self)
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
  changed_later (self);
}

static void
channels_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(ListsRequest) req = user_data;
  NdLogFilterBar *self = req->bar;
  g_autoptr(GPtrArray) channels = nd_source_list_channels_finish (ND_SOURCE (object), result, NULL);
  GtkWidget *child;

  if (channels == NULL || !lists_reply_current (req, object))
    return;
  g_clear_pointer (&self->channel_names, g_hash_table_unref);
  self->channel_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->channels_list))))
    gtk_list_box_remove (self->channels_list, child);
  for (guint i = 0; i < channels->len; i++)
    {
      NdChannel *c = g_ptr_array_index (channels, i);
      g_autofree char *label = nd_log_text_channel (NULL, c->id, c->name ? c->name : "");
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANNEL_NAMES]);
}

/* ---- username suggestions ---------------------------------------------- */

static void
users_suggested (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(ListsRequest) req = user_data;
  NdLogFilterBar *self = req->bar;
  g_auto(GStrv) names = nd_source_strv_finish (ND_SOURCE (object), result, NULL);

  if (names == NULL || !lists_reply_current (req, object) || self->user_completions == NULL)
    return;
  gtk_list_store_clear (self->user_completions);
  for (guint i = 0; names[i]; i++)
    gtk_list_store_insert_with_values (self->user_completions, NULL, -1, 0, names[i], -1);
}

static gboolean
suggest_timeout_cb (gpointer user_data)
{
  NdLogFilterBar *self = user_data;

  self->suggest_id = 0;
  if (self->source != NULL)
    nd_source_suggest_async (self->source, ND_SUGGEST_USERNAME,
                             gtk_editable_get_text (GTK_EDITABLE (self->username_entry)), 20,
                             self->cancellable, users_suggested, lists_request_new (self));
  return G_SOURCE_REMOVE;
}

static void
username_changed_cb (NdLogFilterBar *self)
{
  if (self->updating)
    return;
  g_clear_handle_id (&self->suggest_id, g_source_remove);
  self->suggest_id = g_timeout_add (SUGGEST_DELAY_MS, suggest_timeout_cb, self);
  changed_later (self);
}

/* ---- public ------------------------------------------------------------ */

const NdLogQuery *
nd_log_filter_bar_get_query (NdLogFilterBar *self)
{
  g_return_val_if_fail (ND_IS_LOG_FILTER_BAR (self), NULL);

  read_widgets (self);
  return self->query;
}

void
nd_log_filter_bar_set_query (NdLogFilterBar *self, const NdLogQuery *query)
{
  g_return_if_fail (ND_IS_LOG_FILTER_BAR (self));

  g_clear_handle_id (&self->apply_id, g_source_remove);
  if (query->user_id != self->query->user_id)
    g_clear_pointer (&self->user_name, g_free);
  if (query->token_id != self->query->token_id)
    g_clear_pointer (&self->token_name, g_free);
  nd_log_query_free (self->query);
  self->query = nd_log_query_copy (query);
  write_widgets (self);
}

void
nd_log_filter_bar_set_source (NdLogFilterBar *self, NdSource *source, NdServerInfo *info)
{
  gboolean ip = info == NULL || nd_server_info_has (info, ND_CAP_LOG_IP_FILTER);
  gboolean request_id = info == NULL || nd_server_info_has (info, ND_CAP_LOG_REQUEST_ID);

  g_return_if_fail (ND_IS_LOG_FILTER_BAR (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->ip_entry), ip);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->ip_entry),
                               ip ? NULL : _("NewAPI’s API cannot filter logs by IP; connect the database for it"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->request_entry), request_id);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->request_entry),
                               request_id ? NULL
                               : _("This server’s logs have no request id (NewAPI before v1.0.0-rc.6)"));
  if (source == self->source)
    return;
  g_set_object (&self->source, source);
  /* Lists still on their way from the previous source are not wanted. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (source == NULL)
    return;
  nd_source_suggest_async (source, ND_SUGGEST_MODEL, "", 1000, self->cancellable, models_loaded,
                           lists_request_new (self));
  nd_source_list_channels_async (source, self->cancellable, channels_loaded, lists_request_new (self));
}

GHashTable *
nd_log_filter_bar_get_channel_names (NdLogFilterBar *self)
{
  g_return_val_if_fail (ND_IS_LOG_FILTER_BAR (self), NULL);
  return self->channel_names;
}

/* ---- object ------------------------------------------------------------ */

static void
nd_log_filter_bar_dispose (GObject *object)
{
  NdLogFilterBar *self = ND_LOG_FILTER_BAR (object);

  g_clear_handle_id (&self->apply_id, g_source_remove);
  g_clear_handle_id (&self->suggest_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->source);
  g_clear_object (&self->user_completions);
  gtk_widget_dispose_template (GTK_WIDGET (object), ND_TYPE_LOG_FILTER_BAR);
  G_OBJECT_CLASS (nd_log_filter_bar_parent_class)->dispose (object);
}

static void
nd_log_filter_bar_finalize (GObject *object)
{
  NdLogFilterBar *self = ND_LOG_FILTER_BAR (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->query, nd_log_query_free);
  g_clear_pointer (&self->channel_names, g_hash_table_unref);
  g_free (self->user_name);
  g_free (self->token_name);
  G_OBJECT_CLASS (nd_log_filter_bar_parent_class)->finalize (object);
}

static void
nd_log_filter_bar_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_CHANNEL_NAMES:
      g_value_set_boxed (value, ND_LOG_FILTER_BAR (object)->channel_names);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_log_filter_bar_class_init (NdLogFilterBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_log_filter_bar_dispose;
  object_class->finalize = nd_log_filter_bar_finalize;
  object_class->get_property = nd_log_filter_bar_get_property;

  properties[PROP_CHANNEL_NAMES] =
    g_param_spec_boxed ("channel-names", NULL, NULL, G_TYPE_HASH_TABLE,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  /* changed: apply the filter (nd_log_filter_bar_get_query). */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* jump (time): show the logs written at or before @time. */
  signals[SIGNAL_JUMP] = g_signal_new ("jump", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (ND_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-log-filter-bar.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NdLogFilterBar, name)
  BIND (wrap);
  BIND (range_dropdown);
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
  BIND (username_entry);
  BIND (token_entry);
  BIND (group_entry);
  BIND (ip_entry);
  BIND (request_entry);
  BIND (chips_box);
  BIND (clear_button);
#undef BIND
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
nd_log_filter_bar_init (NdLogFilterBar *self)
{
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  GtkEntryCompletion *completion;
  GtkEntry *typed[4];

  gtk_widget_init_template (GTK_WIDGET (self));
  typed[0] = self->token_entry;
  typed[1] = self->group_entry;
  typed[2] = self->ip_entry;
  typed[3] = self->request_entry;
  self->query = nd_log_query_new ();
  self->cancellable = g_cancellable_new ();

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
  g_signal_connect_swapped (self->type_dropdown, "notify::selected", G_CALLBACK (changed_now), self);
  g_signal_connect_swapped (self->apply_range_button, "clicked", G_CALLBACK (apply_range_clicked_cb), self);
  g_signal_connect_swapped (self->from_entry, "activate", G_CALLBACK (apply_range_clicked_cb), self);
  g_signal_connect_swapped (self->to_entry, "activate", G_CALLBACK (apply_range_clicked_cb), self);
  g_signal_connect_swapped (self->jump_entry, "activate", G_CALLBACK (jump_activated_cb), self);
  g_signal_connect_swapped (self->jump_entry, "icon-release", G_CALLBACK (jump_activated_cb), self);
  g_signal_connect_swapped (self->username_entry, "changed", G_CALLBACK (username_changed_cb), self);
  g_signal_connect_swapped (self->username_entry, "activate", G_CALLBACK (changed_now), self);
  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      g_signal_connect_swapped (typed[i], "activate", G_CALLBACK (changed_now), self);
      g_signal_connect_swapped (typed[i], "changed", G_CALLBACK (changed_later), self);
    }
  gtk_list_box_set_filter_func (self->models_list, models_filter_func, self, NULL);
  g_signal_connect_swapped (self->models_search, "search-changed",
                            G_CALLBACK (gtk_list_box_invalidate_filter), self->models_list);
  g_signal_connect_swapped (self->clear_button, "clicked", G_CALLBACK (clear_clicked_cb), self);
  read_widgets (self);
  update_multi_labels (self);
}
