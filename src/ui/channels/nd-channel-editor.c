/* nd-channel-editor.c — the editor: state, loading, the user's edits, the object
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-channel-data.h"
#include "nd-channel-editor-private.h"

/* Wide enough for the form, narrow enough to leave the table room. */
#define NATURAL_WIDTH 480

G_DEFINE_FINAL_TYPE (NdChannelEditor, nd_channel_editor, GTK_TYPE_WIDGET)

/* ─── state ─────────────────────────────────────────────────────────────── */

static gboolean
can_edit (NdChannelEditor *self)
{
  return self->blocked == NULL && !self->loading && (self->creating || self->original != NULL);
}

void
_nd_channel_editor_update_state (NdChannelEditor *self)
{
  g_autoptr(NdChannelEdit) edit = NULL;
  gboolean editable = can_edit (self);
  gboolean shown = self->creating || self->id > 0;
  gboolean dirty = FALSE;
  const char *fetch_reason = NULL;
  AdwEntryRow *rows[] = { self->name_row, self->base_url_row, self->groups_row, self->tag_row,
                          self->test_model_row, self->other_row, self->remark_row,
                          self->key_entry_row };

  if (shown && (self->creating || self->original != NULL))
    {
      edit = _nd_channel_editor_build_edit (self);
      dirty = self->creating || edit->mask != 0;
    }
  gtk_revealer_set_reveal_child (self->save_revealer, editable && dirty);
  gtk_label_set_text (self->save_label, self->creating ? _("New channel") : _("Unsaved changes"));
  gtk_button_set_label (self->save_button, self->creating ? _("C_reate") : _("_Save"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), !self->writing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->revert_button), !self->writing && !self->creating);

  gtk_label_set_text (self->blocked_label, self->blocked ? self->blocked : "");
  gtk_widget_set_visible (GTK_WIDGET (self->blocked_label), self->blocked != NULL && shown);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_editable_set_editable (GTK_EDITABLE (rows[i]), editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->type_row), editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->priority_spin), editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->weight_spin), editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->auto_ban_switch), editable);
  nd_channel_models_set_editable (self->models, editable);
  for (int i = 0; i < N_JSON; i++)
    nd_channel_json_field_set_editable (self->json[i], editable);

  nd_channel_set_blocked (GTK_WIDGET (self->status_switch),
                          self->blocked ? self->blocked : self->writing || self->loading ? "" : NULL,
                          _("Route requests to this channel"));
  nd_channel_set_blocked (GTK_WIDGET (self->replace_key_button), self->blocked,
                          _("Replace the key with a new one"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->more_button),
                            !self->creating && self->id > 0 && self->blocked == NULL && !self->writing);
  nd_channel_keys_set_blocked (self->keys, self->blocked ? self->blocked
                                           : self->writing ? "" : NULL);

  nd_channel_set_blocked (GTK_WIDGET (self->test_button), self->health_blocked,
                          _("Test this channel’s upstream now"));
  nd_channel_set_blocked (GTK_WIDGET (self->balance_button), self->health_blocked,
                          _("Read this channel’s balance from its upstream"));
  /* The upstream is asked with the saved address and key: a new channel
   * has none yet. Reading only, so a read-only profile may. */
  if (self->source == NULL)
    fetch_reason = _("Not connected");
  else if (self->creating || self->id <= 0)
    fetch_reason = _("Save the channel first: its upstream is asked with the saved address and key.");
  else if (self->fetching || !editable)
    fetch_reason = self->blocked && !self->fetching ? self->blocked : "";
  nd_channel_models_set_fetch_blocked (self->models, fetch_reason);

  gtk_widget_set_visible (GTK_WIDGET (self->state_group), !self->creating);
  gtk_widget_set_visible (GTK_WIDGET (self->usage_group), !self->creating);
  gtk_widget_set_visible (GTK_WIDGET (self->key_row), !self->creating);
  gtk_widget_set_visible (GTK_WIDGET (self->key_entry_row), self->creating);
  gtk_spinner_set_spinning (self->spinner, self->loading || self->writing);
}

void
_nd_channel_editor_set_writing (NdChannelEditor *self, gboolean writing)
{
  self->writing = writing;
  _nd_channel_editor_update_state (self);
}

/* ─── loading ───────────────────────────────────────────────────────────── */

static void
detail_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdChannelEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdChannel) c = nd_source_get_channel_finish (ND_SOURCE (object), result, &error);

  if (c == NULL && nd_error_is_cancelled (error))
    return;
  self->loading = FALSE;
  if (c == NULL)
    {
      nd_channel_toast (GTK_WIDGET (self), error->message);
      _nd_channel_editor_update_state (self);
      return;
    }
  if (c->id != self->id)
    return;
  /* NULL detail fields mean "not set"; the form compares with "". */
  if (c->model_mapping == NULL)
    c->model_mapping = g_strdup ("");
  g_clear_pointer (&self->original, nd_channel_free);
  self->original = g_steal_pointer (&c);
  _nd_channel_editor_fill (self, self->original);
  _nd_channel_editor_update_state (self);
}

void
_nd_channel_editor_reload (NdChannelEditor *self)
{
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->source == NULL || self->id <= 0)
    return;
  self->load_cancellable = g_cancellable_new ();
  self->loading = TRUE;
  _nd_channel_editor_update_state (self);
  nd_source_get_channel_async (self->source, self->id, self->load_cancellable, detail_done,
                               g_object_ref (self));
}

/* ─── the user's edits ──────────────────────────────────────────────────── */

static void
field_changed (NdChannelEditor *self, NdChannelField bit, const char *name)
{
  if (self->filling)
    return;
  self->touched |= bit;
  if (name != NULL)
    _nd_channel_editor_check_field (self, bit, name);
  if (bit == ND_CHANNEL_FIELD_NAME)
    self->allow_duplicate_name = FALSE;
  _nd_channel_editor_update_state (self);
}

#define FIELD_CB(fn, bit, name) \
  static void fn (NdChannelEditor *self) { field_changed (self, bit, name); }
FIELD_CB (name_changed_cb, ND_CHANNEL_FIELD_NAME, "name")
FIELD_CB (base_url_changed_cb, ND_CHANNEL_FIELD_BASE_URL, "base_url")
FIELD_CB (groups_changed_cb, ND_CHANNEL_FIELD_GROUP, "group")
FIELD_CB (models_changed_cb, ND_CHANNEL_FIELD_MODELS, "models")
FIELD_CB (remark_changed_cb, ND_CHANNEL_FIELD_REMARK, "remark")
FIELD_CB (key_changed_cb, ND_CHANNEL_FIELD_KEY, "key")
FIELD_CB (type_changed_cb, ND_CHANNEL_FIELD_TYPE, NULL)
FIELD_CB (priority_changed_cb, ND_CHANNEL_FIELD_PRIORITY, NULL)
FIELD_CB (weight_changed_cb, ND_CHANNEL_FIELD_WEIGHT, NULL)
FIELD_CB (auto_ban_changed_cb, ND_CHANNEL_FIELD_AUTO_BAN, NULL)
FIELD_CB (tag_changed_cb, ND_CHANNEL_FIELD_TAG, NULL)
FIELD_CB (test_model_changed_cb, ND_CHANNEL_FIELD_TEST_MODEL, NULL)
FIELD_CB (other_changed_cb, ND_CHANNEL_FIELD_OTHER, NULL)
FIELD_CB (json_changed_cb, ND_CHANNEL_FIELD_MODEL_MAPPING, NULL)
#undef FIELD_CB

void
nd_channel_editor_revert (NdChannelEditor *self)
{
  g_return_if_fail (ND_IS_CHANNEL_EDITOR (self));
  if (self->creating || self->original != NULL)
    _nd_channel_editor_fill (self, self->creating ? NULL : self->original);
  _nd_channel_editor_update_state (self);
}

/* ─── object ────────────────────────────────────────────────────────────── */

static void
nd_channel_editor_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                           int *minimum, int *natural, int *min_baseline, int *nat_baseline)
{
  NdChannelEditor *self = ND_CHANNEL_EDITOR (widget);

  gtk_widget_measure (self->box, orientation, for_size, minimum, natural, min_baseline, nat_baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = MAX (*minimum, MIN (*natural, NATURAL_WIDTH));
}

static void
nd_channel_editor_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  gtk_widget_allocate (ND_CHANNEL_EDITOR (widget)->box, width, height, baseline, NULL);
}

static void
nd_channel_editor_dispose (GObject *object)
{
  NdChannelEditor *self = ND_CHANNEL_EDITOR (object);

  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->write_cancellable);
  g_cancellable_cancel (self->fetch_cancellable);
  nd_channel_editor_follow (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), ND_TYPE_CHANNEL_EDITOR);
  g_clear_object (&self->source);
  G_OBJECT_CLASS (nd_channel_editor_parent_class)->dispose (object);
}

static void
nd_channel_editor_finalize (GObject *object)
{
  NdChannelEditor *self = ND_CHANNEL_EDITOR (object);

  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->write_cancellable);
  g_clear_object (&self->fetch_cancellable);
  g_clear_pointer (&self->original, nd_channel_free);
  g_clear_pointer (&self->money, nd_money_free);
  g_free (self->blocked);
  g_free (self->health_blocked);
  G_OBJECT_CLASS (nd_channel_editor_parent_class)->finalize (object);
}

static void
nd_channel_editor_class_init (NdChannelEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nd_channel_editor_dispose;
  object_class->finalize = nd_channel_editor_finalize;
  widget_class->measure = nd_channel_editor_measure;
  widget_class->size_allocate = nd_channel_editor_size_allocate;

  g_type_ensure (ND_TYPE_CHANNEL_MODELS);
  g_type_ensure (ND_TYPE_CHANNEL_KEYS);
  g_type_ensure (ND_TYPE_CHANNEL_USAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/nd-channel-editor.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, NdChannelEditor, name)
  BIND (box); BIND (header_box); BIND (header_separator); BIND (blocked_label); BIND (page);
  BIND (save_revealer); BIND (back_button); BIND (close_button); BIND (title_label);
  BIND (subtitle_label); BIND (spinner); BIND (more_button); BIND (state_group);
  BIND (status_row); BIND (status_switch); BIND (test_row); BIND (test_badge); BIND (test_button);
  BIND (balance_row); BIND (balance_badge); BIND (balance_button); BIND (general_group);
  BIND (routing_group); BIND (advanced_group); BIND (name_row);
  BIND (name_error_row); BIND (name_error); BIND (save_anyway_button); BIND (type_row);
  BIND (base_url_row); BIND (base_url_error_row); BIND (base_url_error); BIND (key_row);
  BIND (replace_key_button); BIND (key_entry_row); BIND (key_error_row); BIND (key_error);
  BIND (groups_row); BIND (groups_error_row); BIND (groups_error); BIND (priority_spin);
  BIND (weight_spin); BIND (tag_row); BIND (auto_ban_switch); BIND (test_model_row);
  BIND (models_group); BIND (models); BIND (mapping_group); BIND (keys_group); BIND (keys);
  BIND (usage_group); BIND (usage); BIND (other_row); BIND (remark_row); BIND (remark_error_row);
  BIND (remark_error); BIND (json_group); BIND (save_label); BIND (save_button);
  BIND (revert_button);
#undef BIND
  _nd_channel_editor_actions_init (klass);
}

static void
nd_channel_editor_init (NdChannelEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  _nd_channel_editor_build_form (self);
  for (int i = 0; i < N_JSON; i++)
    g_signal_connect_swapped (self->json[i], "changed", G_CALLBACK (json_changed_cb), self);

  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (name_changed_cb), self);
  g_signal_connect_swapped (self->base_url_row, "changed", G_CALLBACK (base_url_changed_cb), self);
  g_signal_connect_swapped (self->groups_row, "changed", G_CALLBACK (groups_changed_cb), self);
  g_signal_connect_swapped (self->remark_row, "changed", G_CALLBACK (remark_changed_cb), self);
  g_signal_connect_swapped (self->key_entry_row, "changed", G_CALLBACK (key_changed_cb), self);
  g_signal_connect_swapped (self->tag_row, "changed", G_CALLBACK (tag_changed_cb), self);
  g_signal_connect_swapped (self->test_model_row, "changed", G_CALLBACK (test_model_changed_cb), self);
  g_signal_connect_swapped (self->other_row, "changed", G_CALLBACK (other_changed_cb), self);
  g_signal_connect_swapped (self->type_row, "notify::selected", G_CALLBACK (type_changed_cb), self);
  g_signal_connect_swapped (self->priority_spin, "value-changed", G_CALLBACK (priority_changed_cb), self);
  g_signal_connect_swapped (self->weight_spin, "value-changed", G_CALLBACK (weight_changed_cb), self);
  g_signal_connect_swapped (self->auto_ban_switch, "notify::active", G_CALLBACK (auto_ban_changed_cb), self);
  g_signal_connect_swapped (self->models, "changed", G_CALLBACK (models_changed_cb), self);
  g_signal_connect_swapped (self->revert_button, "clicked", G_CALLBACK (nd_channel_editor_revert), self);
  _nd_channel_editor_connect (self);
  _nd_channel_editor_update_state (self);
}

/* ─── public ────────────────────────────────────────────────────────────── */

void
nd_channel_editor_set_source (NdChannelEditor *self, NdSource *source, const NdMoney *money)
{
  g_return_if_fail (ND_IS_CHANNEL_EDITOR (self));

  if (source != self->source)
    {
      g_cancellable_cancel (self->load_cancellable);
      g_cancellable_cancel (self->write_cancellable);
      g_set_object (&self->source, source);
      self->loading = self->writing = FALSE;
    }
  g_clear_pointer (&self->money, nd_money_free);
  self->money = money ? nd_money_copy (money) : NULL;
  g_free (self->blocked);
  self->blocked = nd_channel_write_blocked (source);
  _nd_channel_editor_update_state (self);
}

void
nd_channel_editor_show_channel (NdChannelEditor *self, gint64 id, const NdChannel *summary)
{
  g_return_if_fail (ND_IS_CHANNEL_EDITOR (self));

  /* The channel being edited, shown again (the list reloaded): the
   * admin's edits stay. */
  if (id == self->id && !self->creating && nd_channel_editor_is_dirty (self))
    return;
  self->creating = FALSE;
  if (id != self->id)
    {
      g_cancellable_cancel (self->fetch_cancellable);
      g_clear_pointer (&self->original, nd_channel_free);
      self->id = id;
      if (summary != NULL)
        _nd_channel_editor_fill (self, summary);
      nd_channel_usage_set_channel (self->usage, id);
    }
  _nd_channel_editor_reload (self);
}

void
nd_channel_editor_show_new (NdChannelEditor *self)
{
  g_return_if_fail (ND_IS_CHANNEL_EDITOR (self));

  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->fetch_cancellable);
  g_clear_pointer (&self->original, nd_channel_free);
  self->id = 0;
  self->creating = TRUE;
  self->loading = FALSE;
  _nd_channel_editor_fill (self, NULL);
  nd_channel_usage_set_channel (self->usage, 0);
  _nd_channel_editor_update_state (self);
}

gint64
nd_channel_editor_get_id (NdChannelEditor *self)
{
  g_return_val_if_fail (ND_IS_CHANNEL_EDITOR (self), 0);
  return self->creating ? 0 : self->id;
}

gboolean
nd_channel_editor_is_dirty (NdChannelEditor *self)
{
  g_autoptr(NdChannelEdit) edit = NULL;

  g_return_val_if_fail (ND_IS_CHANNEL_EDITOR (self), FALSE);
  /* Read-only: nothing typed can be kept anyway. */
  if (self->blocked != NULL)
    return FALSE;
  if (self->creating)
    return self->touched != 0;
  if (self->original == NULL)
    return FALSE;
  edit = _nd_channel_editor_build_edit (self);
  return edit->mask != 0;
}

void
nd_channel_editor_set_folded (NdChannelEditor *self, gboolean folded)
{
  g_return_if_fail (ND_IS_CHANNEL_EDITOR (self));
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), folded);
  gtk_widget_set_visible (GTK_WIDGET (self->close_button), !folded);
}

NdChannelUsage *
nd_channel_editor_get_usage (NdChannelEditor *self)
{
  g_return_val_if_fail (ND_IS_CHANNEL_EDITOR (self), NULL);
  return self->usage;
}

gboolean
nd_channel_editor_is_busy (NdChannelEditor *self)
{
  g_return_val_if_fail (ND_IS_CHANNEL_EDITOR (self), FALSE);
  return self->loading || self->writing || self->fetching;
}

static void
follow_changed_cb (NdChannelEditor *self)
{
  _nd_channel_editor_show_results (self, self->original);
}

void
nd_channel_editor_follow (NdChannelEditor *self, NdChannelItem *item)
{
  g_return_if_fail (ND_IS_CHANNEL_EDITOR (self));
  if (item == self->following)
    return;
  if (self->following != NULL)
    g_signal_handlers_disconnect_by_data (self->following, self);
  g_set_object (&self->following, item);
  if (item != NULL)
    g_signal_connect_swapped (item, "health-changed", G_CALLBACK (follow_changed_cb), self);
  _nd_channel_editor_show_results (self, self->original);
}

void
nd_channel_editor_set_health_blocked (NdChannelEditor *self, const char *reason)
{
  g_return_if_fail (ND_IS_CHANNEL_EDITOR (self));
  if (g_strcmp0 (reason, self->health_blocked) == 0)
    return;
  g_free (self->health_blocked);
  self->health_blocked = g_strdup (reason);
  _nd_channel_editor_update_state (self);
}
