/* nd-models-page.c — session, loading, filters, the price editor
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One NdModelCatalog (nd-model-catalog.h: the flags and prices the CLI
 * prints too) is read from the manage source, then the range's usage per
 * model from the facts store; models used in the range that no channel
 * offers any more join the list then ("no longer served"). Rows go
 * GListStore → GtkFilterListModel → GtkSortListModel → GtkSingleSelection.
 * Price edits go through NdSource (nd-write.h) with nd_channel_run_write;
 * the page never sees SQL or a URL.
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "facts/nd-facts.h"
#include "nd-channel-actions.h"
#include "nd-dashboard-data.h"
#include "nd-model-columns.h"
#include "nd-model-item.h"
#include "nd-models-page-private.h"
#include "nd-pricing.h"
#include "report/nd-report-source.h"
#include "nd-time.h"
#include "nd-wrap-box.h"

/* Usage older than this is synced again before it is shown. */
#define SYNC_AFTER_SECONDS 300

G_DEFINE_FINAL_TYPE (NdModelsPage, nd_models_page, ND_TYPE_PAGE)

NdServerInfo *
_nd_models_page_info (NdModelsPage *self)
{
  NdSession *session = nd_page_get_session (ND_PAGE (self));

  return session ? nd_session_get_info (session) : NULL;
}

static gboolean
is_report (NdModelsPage *self)
{
  NdServerInfo *info = _nd_models_page_info (self);

  return info != NULL && info->kind == ND_SOURCE_KIND_REPORT;
}

NdModelItem *
_nd_models_page_selected (NdModelsPage *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

/* ─── actions' state ────────────────────────────────────────────────────── */

void
_nd_models_page_update_actions (NdModelsPage *self)
{
  const char *reason = self->blocked;

  if (reason == NULL && (self->writing || self->catalog == NULL))
    reason = "";
  else if (reason == NULL && _nd_models_page_selected (self) == NULL)
    reason = _("Select a model first");
  nd_channel_set_blocked (GTK_WIDGET (self->edit_button), reason,
                          _("Change the selected model’s ratio or price"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "models.edit-price", reason == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reload_button), self->source != NULL && !self->loading);
  gtk_spinner_set_spinning (self->spinner, self->loading || self->writing);
}

/* What is not as it seems: writes refused, prices unknown, no usage. */
static void
update_note (NdModelsPage *self)
{
  GString *note = g_string_new (NULL);

  if (self->blocked != NULL)
    /* Translators: why prices cannot be edited, e.g. "Read-only: …" */
    g_string_append_printf (note, _("Prices cannot be changed: %s"), self->blocked);
  if (self->catalog != NULL && self->catalog->pricing_note != NULL)
    g_string_append_printf (note, "%s%s", note->len ? "\n" : "", self->catalog->pricing_note);
  if (self->facts_missing != NULL)
    g_string_append_printf (note, "%s%s", note->len ? "\n" : "", self->facts_missing);
  gtk_label_set_text (self->note_label, note->str);
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note->len > 0);
  g_string_free (note, TRUE);
}

static void
update_counts (NdModelsPage *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint risky = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < total; i++)
    {
      g_autoptr(NdModelItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (nd_model_item_match (item, NULL, ND_MODEL_RISK_ANY))
        risky++;
    }
  if (shown == total)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u model", "%u models", total), total);
  else
    /* Translators: "12 of 40 models" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u model", "%u of %u models",
                                         total), shown, total);
  gtk_label_set_text (self->count_label, text);
  g_free (text);
  text = risky ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "· %u at risk", "· %u at risk",
                                               risky), risky)
               : g_strdup ("");
  gtk_label_set_text (self->risk_label, text);
  gtk_stack_set_visible_child_name (self->list_stack, shown > 0 || self->loading ? "list" : "empty");
  adw_status_page_set_description (self->empty_page,
                                   total > 0 ? _("No model matches these filters.")
                                             : _("No channel offers a model."));
}

/* ─── filters ───────────────────────────────────────────────────────────── */

static gboolean
filter_cb (gpointer item, gpointer user_data)
{
  NdModelsPage *self = user_data;

  return nd_model_item_match (item, self->search,
                              (NdModelRisk) gtk_drop_down_get_selected (self->risk_dropdown));
}

static void
filters_changed (NdModelsPage *self)
{
  g_free (self->search);
  self->search = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_counts (self);
  _nd_models_page_update_actions (self);
}

/* Prices are shown before any group ratio, or in one group. */
static void
fill_groups (NdModelsPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  const char *keep = NULL;
  guint pos = 0, sel = gtk_drop_down_get_selected (self->group_dropdown);

  if (self->group_values != NULL && sel < self->group_values->len)
    keep = g_ptr_array_index (self->group_values, sel);
  g_autofree char *kept = g_strdup (keep);

  g_ptr_array_set_size (self->group_values, 0);
  gtk_string_list_append (names, _("Base price"));
  g_ptr_array_add (self->group_values, NULL);
  for (guint i = 0; self->catalog != NULL && i < self->catalog->groups->len; i++)
    {
      const NdGroupEntry *g = g_ptr_array_index (self->catalog->groups, i);
      g_autofree char *ratio = isnan (g->ratio) ? g_strdup ("1") : nd_pricing_format_number (g->ratio);
      g_autofree char *label = NULL;

      if (*g->name == '\0')
        continue;
      /* Translators: a group and its ratio in the price dropdown: "vip ×0.8" */
      label = g_strdup_printf (_("%s ×%s"), g->name, ratio);
      if (g_strcmp0 (kept, g->name) == 0)
        pos = self->group_values->len;
      gtk_string_list_append (names, label);
      g_ptr_array_add (self->group_values, g_strdup (g->name));
    }
  self->updating = TRUE;
  gtk_drop_down_set_model (self->group_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->group_dropdown, pos);
  self->updating = FALSE;
  nd_model_columns_set_group (self->columns, g_ptr_array_index (self->group_values, pos));
}

static void
group_changed (NdModelsPage *self)
{
  guint sel = gtk_drop_down_get_selected (self->group_dropdown);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  if (self->updating || sel >= self->group_values->len)
    return;
  nd_model_columns_set_group (self->columns, g_ptr_array_index (self->group_values, sel));
  /* Rebinds every row with the group's prices. */
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (self->store), i));
  g_list_store_splice (self->store, 0, n, items->pdata, n);
}

/* ─── loading ───────────────────────────────────────────────────────────── */

static void
show_items (NdModelsPage *self, NdFactsReport *report)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) usage = g_hash_table_new (g_str_hash, g_str_equal);
  NdModelItem *keep = _nd_models_page_selected (self);
  g_autofree char *keep_name = keep ? g_strdup (nd_model_item_get_name (keep)) : NULL;

  for (guint i = 0; report != NULL && i < report->models->len; i++)
    {
      NdFactsRank *r = g_ptr_array_index (report->models, i);

      g_hash_table_insert (usage, r->key, r);
      if (r->requests > 0)
        nd_model_catalog_mark_used (self->catalog, r->key);
    }
  for (guint i = 0; i < self->catalog->models->len; i++)
    {
      NdModelEntry *e = g_ptr_array_index (self->catalog->models, i);

      g_ptr_array_add (items, nd_model_item_new (self->catalog, e, g_hash_table_lookup (usage, e->name),
                                                 report != NULL));
    }
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
  fill_groups (self);
  _nd_models_page_fill_group_rows (self);
  update_note (self);
  /* The row selected before stays selected. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  for (guint i = 0, n = g_list_model_get_n_items (G_LIST_MODEL (self->sorted)); keep_name && i < n; i++)
    {
      g_autoptr(NdModelItem) item = g_list_model_get_item (G_LIST_MODEL (self->sorted), i);

      if (g_str_equal (nd_model_item_get_name (item), keep_name))
        {
          gtk_single_selection_set_selected (self->selection, i);
          break;
        }
    }
  update_counts (self);
  _nd_models_page_update_actions (self);
}

static void
finish_loading (NdModelsPage *self, NdFactsReport *report)
{
  self->loading = FALSE;
  show_items (self, report);
}

static void
query_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdModelsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdFactsReport) report = nd_facts_query_finish (ND_FACTS (object), result, &error);

  if (report == NULL && nd_error_is_cancelled (error))
    return;
  if (self->disposed || ND_FACTS (object) != self->facts || self->catalog == NULL)
    return;
  if (report == NULL)
    nd_channel_toast (GTK_WIDGET (self->stack), error->message);
  finish_loading (self, report);
}

static void
get_range (NdModelsPage *self, NdFactsRange *range)
{
  const char *preset = gtk_drop_down_get_selected (self->range_dropdown) == 0 ? "24h" : "7d";

  if (is_report (self))
    {
      NdReportMeta *meta = nd_report_source_get_meta (ND_REPORT_SOURCE (self->data));

      /* A report's ranges end when it was made; one it does not cover
       * shows the whole report. */
      if (!nd_report_meta_get_range (meta, preset, range, NULL))
        nd_report_meta_get_range (meta, NULL, range, NULL);
    }
  else
    nd_facts_range_preset (range, preset, nd_time_now ());
  range->top_n = 0;
}

static void
query_usage (NdModelsPage *self)
{
  NdFactsRange range;

  get_range (self, &range);
  nd_facts_query_async (self->facts, &range, self->cancellable, query_done, g_object_ref (self));
}

static void
sync_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdModelsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!nd_facts_sync_finish (ND_FACTS (object), result, &error) && nd_error_is_cancelled (error))
    return;
  if (self->disposed || ND_FACTS (object) != self->facts || self->catalog == NULL)
    return;
  /* A failed sync leaves what the store had; the dashboard says why. */
  query_usage (self);
}

static void
load_usage (NdModelsPage *self)
{
  NdFactsRange range;

  if (self->facts == NULL)
    {
      finish_loading (self, NULL);
      return;
    }
  if (is_report (self) || nd_facts_is_syncing (self->facts) ||
      nd_time_now () - nd_facts_get_last_sync (self->facts) < SYNC_AFTER_SECONDS)
    {
      query_usage (self);
      return;
    }
  /* Over the API a sync asks for the days of this range only. */
  get_range (self, &range);
  nd_facts_set_range (self->facts, range.from, range.to);
  nd_facts_sync_async (self->facts, self->data, NULL, NULL, self->cancellable, sync_done,
                       g_object_ref (self));
}

static void
catalog_loaded (NdModelsPage *self, NdModelCatalog *catalog)
{
  g_clear_pointer (&self->catalog, nd_model_catalog_unref);
  self->catalog = catalog;
  load_usage (self);
}

static void
channels_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdModelsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels = nd_source_list_channels_finish (ND_SOURCE (object), result, &error);
  NdModelCatalog *catalog;

  if (channels == NULL && nd_error_is_cancelled (error))
    return;
  if (self->disposed || ND_SOURCE (object) != self->source)
    return;
  if (channels == NULL)
    {
      self->loading = FALSE;
      nd_channel_toast (GTK_WIDGET (self->stack), error->message);
      _nd_models_page_update_actions (self);
      return;
    }
  /* A report keeps its channels, not the price options: the models and
   * who served them, prices unknown. */
  catalog = nd_model_catalog_new ();
  for (guint i = 0; i < channels->len; i++)
    {
      const NdChannel *c = g_ptr_array_index (channels, i);

      nd_model_catalog_add_channel (catalog, c->id, c->name, c->status, c->models, c->group,
                                    c->model_mapping);
    }
  nd_model_catalog_sort (catalog);
  catalog->pricing_note = g_strdup (_("This report keeps the channels but not the price options: "
                                      "prices are unknown."));
  catalog_loaded (self, catalog);
}

static void
catalog_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdModelsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  NdModelCatalog *catalog = nd_source_model_catalog_finish (ND_SOURCE (object), result, &error);

  if (catalog == NULL && nd_error_is_cancelled (error))
    return;
  if (self->disposed || ND_SOURCE (object) != self->source)
    {
      g_clear_pointer (&catalog, nd_model_catalog_unref);
      return;
    }
  if (catalog == NULL && g_error_matches (error, ND_ERROR, ND_ERROR_UNSUPPORTED))
    {
      nd_source_list_channels_async (self->source, self->cancellable, channels_done,
                                     g_object_ref (self));
      return;
    }
  if (catalog == NULL)
    {
      self->loading = FALSE;
      nd_channel_toast (GTK_WIDGET (self->stack), error->message);
      _nd_models_page_update_actions (self);
      return;
    }
  catalog_loaded (self, catalog);
}

void
nd_models_page_reload (NdModelsPage *self)
{
  g_return_if_fail (ND_IS_MODELS_PAGE (self));

  if (self->source == NULL || self->disposed)
    return;
  /* A load still running (another range) would answer for the old one. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  _nd_models_page_update_actions (self);
  nd_source_model_catalog_async (self->source, self->cancellable, catalog_done, g_object_ref (self));
}

/* ─── session ───────────────────────────────────────────────────────────── */

static void
stop (NdModelsPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->write_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->write_cancellable);
  g_clear_object (&self->source);
  g_clear_object (&self->data);
  g_clear_object (&self->facts);
  g_clear_pointer (&self->facts_missing, g_free);
  g_clear_pointer (&self->blocked, g_free);
  g_clear_pointer (&self->catalog, nd_model_catalog_unref);
  g_clear_pointer (&self->money, nd_money_free);
  self->loading = self->writing = FALSE;
  if (self->store != NULL)
    g_list_store_remove_all (self->store);
}

/* The store the usage comes from: a report's own facts, else the
 * gateway's (one file per gateway, shared with the dashboard and CLI). */
static void
start_facts (NdModelsPage *self, NdServerInfo *info)
{
  g_autofree char *key = NULL;
  g_autofree char *path = NULL;

  if (!nd_server_info_has (info, ND_CAP_FACTS))
    {
      self->facts_missing = g_strdup (nd_dashboard_missing_reason (ND_CAP_FACTS));
      return;
    }
  if (info->kind == ND_SOURCE_KIND_REPORT)
    {
      self->facts = g_object_ref (nd_report_source_get_facts (ND_REPORT_SOURCE (self->data)));
      return;
    }
  key = nd_facts_key_for_server (info);
  if (key == NULL)
    {
      self->facts_missing = g_strdup (_("This gateway does not say who it is, so its usage "
                                        "cannot be kept apart from another’s."));
      return;
    }
  path = nd_facts_default_path (key);
  self->facts = nd_facts_new (path);
}

static void
session_state_cb (NdModelsPage *self)
{
  NdSession *session = nd_page_get_session (ND_PAGE (self));
  NdServerInfo *info = _nd_models_page_info (self);
  NdSource *source = NULL;

  if (self->disposed)
    return;
  if (session != NULL && nd_session_get_state (session) == ND_SESSION_CONNECTED)
    source = nd_session_get_manage_source (session);
  if (source != NULL && source == self->source)
    {
      /* The same connection, probed again: write access may differ. */
      g_free (self->blocked);
      self->blocked = nd_channel_write_blocked (source);
      update_note (self);
      _nd_models_page_fill_group_rows (self);
      _nd_models_page_update_actions (self);
      return;
    }
  stop (self);
  if (source == NULL || info == NULL || !nd_server_info_has (info, ND_CAP_MODELS))
    {
      adw_status_page_set_description (self->unavailable_page,
                                       source == NULL ? _("Not connected.")
                                                      : _("This connection cannot list models."));
      gtk_stack_set_visible_child_name (self->stack, "unavailable");
      _nd_models_page_update_actions (self);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "models");
  self->source = g_object_ref (source);
  self->data = g_object_ref (nd_session_get_source (session));
  self->write_cancellable = g_cancellable_new ();
  self->blocked = nd_channel_write_blocked (source);
  self->money = nd_money_copy (info->money);
  nd_model_columns_set_money (self->columns, info->money);
  start_facts (self, info);
  update_note (self);
  nd_models_page_reload (self);
}

static void
nd_models_page_session_changed (NdPage *page, NdSession *old)
{
  if (!ND_MODELS_PAGE (page)->disposed)
    nd_page_follow_session (page, old, G_CALLBACK (session_state_cb));
}

/* ─── object ────────────────────────────────────────────────────────────── */

static void
nd_models_page_dispose (GObject *object)
{
  NdModelsPage *self = ND_MODELS_PAGE (object);

  self->disposed = TRUE;
  stop (self);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_MODELS_PAGE);
  g_clear_object (&self->columns);
  G_OBJECT_CLASS (nd_models_page_parent_class)->dispose (object);
}

static void
nd_models_page_finalize (GObject *object)
{
  NdModelsPage *self = ND_MODELS_PAGE (object);

  g_clear_pointer (&self->group_values, g_ptr_array_unref);
  g_free (self->search);
  G_OBJECT_CLASS (nd_models_page_parent_class)->finalize (object);
}

static void
nd_models_page_class_init (NdModelsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_models_page_dispose;
  object_class->finalize = nd_models_page_finalize;
  ND_PAGE_CLASS (klass)->session_changed = nd_models_page_session_changed;

  g_type_ensure (ND_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/nd-models-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NdModelsPage, name)
  BIND (stack); BIND (search_entry); BIND (risk_dropdown); BIND (group_dropdown);
  BIND (range_dropdown); BIND (count_label); BIND (risk_label); BIND (spinner);
  BIND (groups_button); BIND (groups_list); BIND (reload_button); BIND (edit_button);
  BIND (note_label); BIND (list_stack); BIND (column_view); BIND (empty_page);
  BIND (unavailable_page);
#undef BIND
  gtk_widget_class_install_action (widget_class, "models.edit-price", NULL,
                                   _nd_models_page_edit_price_action);
  gtk_widget_class_install_action (widget_class, "models.find", NULL, _nd_models_page_find_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "models.edit-price", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "models.find", NULL);
}

static void
nd_models_page_init (NdModelsPage *self)
{
  GtkSorter *view_sorter;

  gtk_widget_init_template (GTK_WIDGET (self));
  nd_page_add_css ("/models/nd-models.css");
  self->group_values = g_ptr_array_new_with_free_func (g_free);
  self->columns = nd_model_columns_new (self->column_view);
  self->store = g_list_store_new (ND_TYPE_MODEL_ITEM);
  self->filter = gtk_custom_filter_new (filter_cb, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->store)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  view_sorter = gtk_column_view_get_sorter (self->column_view);
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)),
                                          g_object_ref (view_sorter));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  gtk_column_view_sort_by_column (self->column_view,
                                  nd_model_columns_get_column (self->columns, ND_MODEL_COLUMN_NAME),
                                  GTK_SORT_ASCENDING);
  fill_groups (self);

  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (filters_changed), self);
  g_signal_connect_swapped (self->risk_dropdown, "notify::selected", G_CALLBACK (filters_changed), self);
  g_signal_connect_swapped (self->group_dropdown, "notify::selected", G_CALLBACK (group_changed), self);
  g_signal_connect_swapped (self->range_dropdown, "notify::selected",
                            G_CALLBACK (nd_models_page_reload), self);
  g_signal_connect_swapped (self->reload_button, "clicked", G_CALLBACK (nd_models_page_reload), self);
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (_nd_models_page_update_actions), self);
  g_signal_connect_swapped (self->column_view, "activate", G_CALLBACK (_nd_models_page_activate_cb), self);
  update_counts (self);
  session_state_cb (self);
}

/* ─── public ────────────────────────────────────────────────────────────── */

GListModel *
nd_models_page_get_model (NdModelsPage *self)
{
  g_return_val_if_fail (ND_IS_MODELS_PAGE (self), NULL);
  return G_LIST_MODEL (self->sorted);
}

NdModelColumns *
nd_models_page_get_columns (NdModelsPage *self)
{
  g_return_val_if_fail (ND_IS_MODELS_PAGE (self), NULL);
  return self->columns;
}

gboolean
nd_models_page_is_busy (NdModelsPage *self)
{
  g_return_val_if_fail (ND_IS_MODELS_PAGE (self), FALSE);
  return self->loading || self->writing;
}
