/* test-channels-edit.c — a channel's detail and form, and every write the
 * page makes, checked in the database
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bad input is refused at its field with nothing written (invalid JSON, a
 * group list over varchar(64), no models); a duplicate name is refused
 * until the admin says "Save Anyway"; bulk disable changes the channels
 * and their abilities; a read-only profile greys every write and says why.
 * With ND_SHOTS_DIR set it saves channels-editor-{1280,600}-{light,dark}.png.
 */
#include "config.h"

#include <string.h>

#include "nd-channel-dialogs.h"
#include "nd-channel-json-field.h"
#include "nd-channel-keys.h"
#include "nd-channel-models.h"
#include "nd-channel-usage.h"
#include "test-channels-common.h"

/* Audit rows the write path added (type 3). */
static gint64
audits (ChannelsWindow *w)
{
  return channels_sql (w, "SELECT count(*) FROM logs WHERE type = 3");
}

/* abilities equal a rebuild from channels (split on commas, enabled =
 * status 1), for channel @id. */
static void
assert_abilities (ChannelsWindow *w, gint64 id)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT count(*) FROM ("
    " (SELECT g, m, c.status = 1 AS e FROM channels c, unnest(string_to_array(c.\"group\", ',')) g,"
    "  unnest(string_to_array(c.models, ',')) m WHERE c.id = %" G_GINT64_FORMAT
    "  EXCEPT SELECT \"group\", model, enabled FROM abilities WHERE channel_id = %" G_GINT64_FORMAT ")"
    " UNION ALL"
    " (SELECT \"group\", model, enabled FROM abilities WHERE channel_id = %" G_GINT64_FORMAT
    "  EXCEPT SELECT g, m, c.status = 1 FROM channels c, unnest(string_to_array(c.\"group\", ',')) g,"
    "  unnest(string_to_array(c.models, ',')) m WHERE c.id = %" G_GINT64_FORMAT ")) d",
    id, id, id, id);

  g_assert_cmpint (channels_sql (w, sql), ==, 0);
}

static GtkWidget *
editor_child (ChannelsWindow *w, const char *name)
{
  return EDITOR_CHILD (w->editor, name);
}

static GtkWidget *
find_type (GtkWidget *widget, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_type (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static NdChannelJsonField *
mapping_field (ChannelsWindow *w)
{
  GtkWidget *found = find_type (editor_child (w, "mapping_group"), ND_TYPE_CHANNEL_JSON_FIELD);

  g_assert_nonnull (found);
  return ND_CHANNEL_JSON_FIELD (found);
}

static void
set_entry (ChannelsWindow *w, const char *row, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editor_child (w, row)), text);
}

static void
save (ChannelsWindow *w)
{
  nd_channel_editor_save (w->editor);
  channels_window_settle (w);
}

static gboolean
row_error_shown (ChannelsWindow *w, const char *row, const char *text)
{
  GtkWidget *r = editor_child (w, row);
  GtkWidget *label = channels_find_label (r, text);

  return gtk_widget_get_visible (r) && label != NULL && gtk_widget_get_mapped (label);
}

static void
shoot (ChannelsWindow *w, int width, gboolean dark)
{
  g_autofree char *name = g_strdup_printf ("channels-editor-%d-%s", width, dark ? "dark" : "light");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  channels_set_width (w, width);
  g_assert_true (gtk_widget_activate_action (w->window, "win.show-page", "s", "channels"));
  nd_display_test_draw (w->window);
  /* Narrow, the form opens over the list. */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (w->editor)));
  nd_display_test_shot (w->window, name);
}

/* Scrolls the form so that @name is at the top. */
static void
scroll_to (ChannelsWindow *w, const char *name)
{
  GtkWidget *target = editor_child (w, name);
  GtkWidget *scroller = gtk_widget_get_ancestor (target, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  GtkWidget *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  graphene_point_t p;

  /* Relative to what the viewport shows now; the form's height settles
   * over a few frames (rows filled in, charts). */
  for (int i = 0; i < 2; i++)
    {
      nd_display_test_draw (w->window);
      g_assert_true (gtk_widget_compute_point (target, content, &GRAPHENE_POINT_INIT (0, 0), &p));
      gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + p.y - 12);
    }
  nd_display_test_draw (w->window);
}

static gboolean
usage_loaded (gpointer data)
{
  ChannelsWindow *w = data;
  NdChannelUsage *usage = nd_channel_editor_get_usage (w->editor);
  NdFactsSeries *s = nd_channel_usage_get_series (usage, 0);

  return s != NULL && s->last_sync > 0 && nd_channel_usage_get_series (usage, 1) != NULL;
}

/* The detail of a channel, its usage from the facts store, and how it
 * looks. */
static void
test_detail (void)
{
  ChannelsWindow w;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *sql = NULL;
  NdFactsSeries *day;

  if (!channels_window_open (&w, "nd_channels_detail", 0, FALSE))
    return;
  channels_open (&w, 1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editor_child (&w, "name_row"))), ==,
                   "OpenAI 官方");
  g_assert_false (nd_channel_editor_is_dirty (w.editor));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (editor_child (&w, "save_revealer"))));

  /* Usage over 24 h and 7 d, as the logs say. */
  nd_display_test_wait (usage_loaded, &w, 120, "the channel's usage");
  day = nd_channel_usage_get_series (nd_channel_editor_get_usage (w.editor), 0);
  sql = g_strdup_printf ("SELECT count(*) FROM logs WHERE channel_id = 1 AND type IN (2, 5)"
                         " AND created_at >= %" G_GINT64_FORMAT " AND created_at < %" G_GINT64_FORMAT,
                         day->from, day->to);
  g_assert_cmpint (day->total.requests, ==, channels_sql (&w, sql));
  g_assert_cmpint (day->total.requests, >, 0);
  g_assert_cmpint (day->to, >, now - 3600);
  nd_display_test_draw (w.window);

  shoot (&w, 1280, FALSE);
  scroll_to (&w, "models_group");
  nd_display_test_shot (w.window, "channels-editor-1280-light-models");
  scroll_to (&w, "usage_group");
  nd_display_test_shot (w.window, "channels-editor-1280-light-usage");
  scroll_to (&w, "advanced_group");
  nd_display_test_shot (w.window, "channels-editor-1280-light-advanced");
  scroll_to (&w, "state_group");
  shoot (&w, 1280, TRUE);
  scroll_to (&w, "usage_group");
  nd_display_test_shot (w.window, "channels-editor-1280-dark-usage");
  scroll_to (&w, "state_group");
  shoot (&w, 600, TRUE);
  shoot (&w, 600, FALSE);
  scroll_to (&w, "usage_group");
  nd_display_test_shot (w.window, "channels-editor-600-light-usage");

  /* A multi-key channel: each key, its status and why. */
  channels_set_width (&w, 1280);
  channels_open (&w, 6);
  g_assert_true (gtk_widget_get_visible (editor_child (&w, "keys_group")));
  scroll_to (&w, "keys_group");
  nd_display_test_shot (w.window, "channels-editor-1280-light-keys");
  channels_window_close (&w);
}

static char *
channel_row (ChannelsWindow *w, gint64 id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT row_to_json(c)::text FROM channels c WHERE id = %"
                                          G_GINT64_FORMAT, id);

  return channels_sql_text (w, sql);
}

static GtkWidget *
find_button (GtkWidget *widget, const char *label)
{
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
toast_shown (ChannelsWindow *w, const char *text)
{
  GtkWidget *label = channels_find_label (w->window, text);

  return label != NULL && gtk_widget_get_mapped (label);
}

/* Answers the dialog on screen: @text into its entry (if any), then @response. */
static void
answer_dialog (const char *text, const char *response)
{
  AdwMessageDialog *dialog;
  GtkWidget *input;

  for (int i = 0; i < 50 && (dialog = channels_dialog ()) == NULL; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (dialog);
  input = nd_channel_dialog_get_input (dialog);
  if (text != NULL)
    {
      g_assert_nonnull (input);
      if (GTK_IS_TEXT_VIEW (input))
        gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (input)), text, -1);
      else
        gtk_editable_set_text (GTK_EDITABLE (input), text);
    }
  /* As a click on a response button: the response, then the dialog closes. */
  adw_message_dialog_response (dialog, response);
  gtk_window_close (GTK_WINDOW (dialog));
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (channels_dialog ());
}

/* Invalid JSON, a group list over varchar(64), no models: each is said at
 * its field, and nothing reaches the database. */
static void
test_refused (void)
{
  ChannelsWindow w;
  NdChannelJsonField *mapping;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 audit_rows;
  const char *error;

  if (!channels_window_open (&w, "nd_channels_refused", 0, FALSE))
    return;
  channels_open (&w, 3);
  before = channel_row (&w, 3);
  audit_rows = audits (&w);
  mapping = mapping_field (&w);

  /* As the admin types: the error and where it is, under the field. */
  nd_channel_json_field_set_text (mapping, "{\"gpt-4o\": }");
  g_signal_emit_by_name (gtk_text_view_get_buffer (nd_channel_json_field_get_view (mapping)), "changed");
  error = nd_channel_json_field_get_error (mapping);
  g_assert_nonnull (error);
  g_test_message ("JSON error shown: %s", error);
  g_assert_nonnull (strstr (error, "Model mapping is not valid JSON (line 1, column"));
  g_assert_nonnull (channels_find_label (GTK_WIDGET (mapping), "line 1, column"));
  g_assert_true (gtk_widget_get_mapped (channels_find_label (GTK_WIDGET (mapping), "line 1, column")));
  g_assert_true (nd_channel_editor_is_dirty (w.editor));
  save (&w);
  /* Refused at the field, which comes into view. */
  nd_display_test_shot (w.window, "channels-editor-json-error");
  after = channel_row (&w, 3);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (audits (&w), ==, audit_rows);
  g_assert_nonnull (nd_channel_json_field_get_error (mapping));

  /* Valid JSON but not an object. */
  nd_channel_json_field_set_text (mapping, "[\"gpt-4o\"]");
  g_assert_nonnull (strstr (nd_channel_json_field_get_error (mapping), "must be a JSON object"));
  nd_channel_json_field_set_text (mapping, "");
  g_assert_null (nd_channel_json_field_get_error (mapping));

  /* A group list NewAPI's varchar(64) cannot hold. */
  set_entry (&w, "groups_row", "default,vip,svip,enterprise,free,partners,internal,staff,trial,extra");
  g_assert_true (row_error_shown (&w, "groups_error_row", "varchar(64)"));
  save (&w);
  g_clear_pointer (&after, g_free);
  after = channel_row (&w, 3);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (audits (&w), ==, audit_rows);
  set_entry (&w, "groups_row", "default,vip");
  g_assert_false (gtk_widget_get_visible (editor_child (&w, "groups_error_row")));

  /* No models at all. */
  {
    GtkWidget *models = editor_child (&w, "models");
    GtkWidget *clear = find_button (models, "Clear All");

    g_assert_nonnull (clear);
    g_signal_emit_by_name (clear, "clicked");
    g_assert_nonnull (channels_find_label (models, "at least one model"));
    save (&w);
    g_clear_pointer (&after, g_free);
    after = channel_row (&w, 3);
    g_assert_cmpstr (after, ==, before);
    g_assert_cmpint (audits (&w), ==, audit_rows);
  }

  /* Revert: the form is the channel again. */
  g_signal_emit_by_name (editor_child (&w, "revert_button"), "clicked");
  g_assert_false (nd_channel_editor_is_dirty (w.editor));

  /* Leaving edits not saved asks first; keeping them keeps the row. */
  {
    GtkSpinButton *priority = GTK_SPIN_BUTTON (editor_child (&w, "priority_spin"));
    gint64 other = 4;

    gtk_spin_button_set_value (priority, 77);
    channels_select (&w, &other, 1);
    answer_dialog (NULL, "cancel");
    g_assert_cmpint (nd_channel_editor_get_id (w.editor), ==, 3);
    g_assert_cmpfloat (gtk_spin_button_get_value (priority), ==, 77);
    g_assert_true (gtk_selection_model_is_selected (
      gtk_column_view_get_model (GTK_COLUMN_VIEW (PAGE_CHILD (w.page, "column_view"))),
      channels_find (&w, 3)));
    channels_select (&w, &other, 1);
    answer_dialog (NULL, "go");
    channels_window_settle (&w);
    g_assert_cmpint (nd_channel_editor_get_id (w.editor), ==, 4);
    g_assert_false (nd_channel_editor_is_dirty (w.editor));
    g_assert_cmpint (channels_sql (&w, "SELECT priority FROM channels WHERE id = 3"), !=, 77);
  }
  channels_window_close (&w);
}

/* A name another channel has is refused with nothing written, until the
 * admin saves anyway. */
static void
test_duplicate_name (void)
{
  ChannelsWindow w;
  gint64 audit_rows;
  g_autofree char *name = NULL;

  if (!channels_window_open (&w, "nd_channels_duplicate", 0, FALSE))
    return;
  channels_open (&w, 2);
  audit_rows = audits (&w);
  set_entry (&w, "name_row", "OpenAI 官方");
  save (&w);
  g_assert_true (row_error_shown (&w, "name_error_row", "already named"));
  g_assert_true (gtk_widget_get_visible (editor_child (&w, "save_anyway_button")));
  name = channels_sql_text (&w, "SELECT name FROM channels WHERE id = 2");
  g_assert_cmpstr (name, ==, "OpenAI 备用");
  g_assert_cmpint (audits (&w), ==, audit_rows);
  nd_display_test_shot (w.window, "channels-editor-duplicate");

  g_signal_emit_by_name (editor_child (&w, "save_anyway_button"), "clicked");
  channels_window_settle (&w);
  g_clear_pointer (&name, g_free);
  name = channels_sql_text (&w, "SELECT name FROM channels WHERE id = 2");
  g_assert_cmpstr (name, ==, "OpenAI 官方");
  g_assert_cmpint (audits (&w), ==, audit_rows + 1);
  g_assert_false (gtk_widget_get_visible (editor_child (&w, "name_error_row")));
  g_assert_false (nd_channel_editor_is_dirty (w.editor));
  /* The cache notice goes to a toast. */
  g_assert_true (toast_shown (&w, "SYNC_FREQUENCY"));
  channels_window_close (&w);
}

/* Bulk disable, enable, tag and delete change the channels and their
 * abilities, and only theirs. */
static void
test_bulk (void)
{
  ChannelsWindow w;
  gint64 ids[] = { 1, 2, 5 };
  gint64 other_enabled;

  if (!channels_window_open (&w, "nd_channels_bulk", 0, FALSE))
    return;
  other_enabled = channels_sql (&w, "SELECT count(*) FROM abilities WHERE channel_id = 3 AND enabled");
  g_assert_cmpint (other_enabled, >, 0);
  channels_select (&w, ids, G_N_ELEMENTS (ids));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (PAGE_CHILD (w.page, "bulk_revealer"))));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (PAGE_CHILD (w.page, "selection_label"))), ==,
                   "3 channels selected");
  nd_display_test_draw (w.window);
  nd_display_test_shot (w.window, "channels-bulk-1280-light");

  g_signal_emit_by_name (PAGE_CHILD (w.page, "bulk_disable_button"), "clicked");
  channels_window_settle (&w);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM channels WHERE id IN (1, 2, 5) AND status = 2"), ==, 3);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM abilities WHERE channel_id IN (1, 2, 5) AND enabled"), ==, 0);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM channels WHERE id IN (1, 2, 5)"
                                     " AND other_info::jsonb ? 'status_reason' AND other_info::jsonb ? 'status_time'"), ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    assert_abilities (&w, ids[i]);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM abilities WHERE channel_id = 3 AND enabled"), ==,
                   other_enabled);
  g_assert_true (toast_shown (&w, "SYNC_FREQUENCY"));
  /* The table shows it, and the selection stayed. */
  {
    g_autoptr(NdChannelItem) item = channels_row_item (&w, channels_find (&w, 5));

    g_assert_cmpint (nd_channel_item_get_channel (item)->status, ==, 2);
    g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (PAGE_CHILD (w.page, "bulk_revealer"))));
  }

  g_signal_emit_by_name (PAGE_CHILD (w.page, "bulk_enable_button"), "clicked");
  channels_window_settle (&w);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM channels WHERE id IN (1, 2, 5) AND status = 1"), ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    assert_abilities (&w, ids[i]);

  /* Set a tag: asked in a dialog, written to channels and abilities. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w.page), "channels.set-tag", NULL));
  answer_dialog ("pool-a", "go");
  channels_window_settle (&w);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM channels WHERE id IN (1, 2, 5) AND tag = 'pool-a'"), ==, 3);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM abilities WHERE channel_id IN (1, 2, 5)"
                                     " AND tag IS DISTINCT FROM 'pool-a'"), ==, 0);

  /* Delete asks first; "Cancel" deletes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w.page), "channels.delete", NULL));
  answer_dialog (NULL, "cancel");
  channels_window_settle (&w);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM channels WHERE id IN (1, 2, 5)"), ==, 3);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w.page), "channels.delete", NULL));
  answer_dialog (NULL, "go");
  channels_window_settle (&w);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM channels WHERE id IN (1, 2, 5)"), ==, 0);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM abilities WHERE channel_id IN (1, 2, 5)"), ==, 0);
  g_assert_cmpint (channels_find (&w, 1), ==, -1);
  g_assert_cmpint (channels_n_rows (&w), ==, channels_sql (&w, "SELECT count(*) FROM channels"));
  channels_window_close (&w);
}

static gboolean
key_leaked (GtkWidget *widget, const char *key)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), key) != NULL)
    return TRUE;
  if (GTK_IS_EDITABLE (widget) && !GTK_IS_PASSWORD_ENTRY (widget) &&
      strstr (gtk_editable_get_text (GTK_EDITABLE (widget)), key) != NULL)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (key_leaked (c, key))
      return TRUE;
  return FALSE;
}

/* One channel's writes: a field, the status, the key, a key of a
 * multi-key channel, copy, create and delete. */
static void
test_edit (void)
{
  ChannelsWindow w;
  const char *new_key = "sk-replaced0123456789abcdefghijklmnopqrstuvwxyz";
  g_autofree char *key = NULL;
  gint64 copy_id, new_id;

  if (!channels_window_open (&w, "nd_channels_edit", 0, FALSE))
    return;
  channels_open (&w, 3);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor_child (&w, "priority_spin")), 42);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (editor_child (&w, "save_revealer"))));
  save (&w);
  g_assert_cmpint (channels_sql (&w, "SELECT priority FROM channels WHERE id = 3"), ==, 42);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM abilities WHERE channel_id = 3 AND priority <> 42"), ==, 0);
  assert_abilities (&w, 3);
  g_assert_false (nd_channel_editor_is_dirty (w.editor));

  /* The status switch writes at once. */
  gtk_switch_set_active (GTK_SWITCH (editor_child (&w, "status_switch")), FALSE);
  channels_window_settle (&w);
  g_assert_cmpint (channels_sql (&w, "SELECT status FROM channels WHERE id = 3"), ==, 2);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM abilities WHERE channel_id = 3 AND enabled"), ==, 0);
  {
    g_autoptr(NdChannelItem) item = channels_row_item (&w, channels_find (&w, 3));

    g_assert_cmpint (nd_channel_item_get_channel (item)->status, ==, 2);
  }

  /* The key: replaced on purpose, never shown. */
  g_signal_emit_by_name (editor_child (&w, "replace_key_button"), "clicked");
  answer_dialog (new_key, "go");
  channels_window_settle (&w);
  key = channels_sql_text (&w, "SELECT \"key\" FROM channels WHERE id = 3");
  g_assert_cmpstr (key, ==, new_key);
  g_assert_false (key_leaked (w.window, new_key));
  g_assert_false (key_leaked (w.window, "0123456789abcdef"));

  /* A multi-key channel: switch one key off. */
  channels_open (&w, 6);
  {
    NdChannelKeys *keys = ND_CHANNEL_KEYS (editor_child (&w, "keys"));
    GtkSwitch *sw = nd_channel_keys_get_switch (keys, 0);

    g_assert_nonnull (sw);
    g_assert_true (gtk_switch_get_active (sw));
    g_assert_false (gtk_switch_get_active (nd_channel_keys_get_switch (keys, 2)));
    gtk_switch_set_active (sw, FALSE);
    channels_window_settle (&w);
    g_assert_cmpint (channels_sql (&w, "SELECT (channel_info::jsonb -> 'multi_key_status_list' ->> '0')::int"
                                       " FROM channels WHERE id = 6"), ==, 2);
    g_assert_false (gtk_switch_get_active (nd_channel_keys_get_switch (keys, 0)));
  }

  /* Copy: a new channel, shown at once. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w.editor), "editor.copy", NULL));
  channels_window_settle (&w);
  copy_id = channels_sql (&w, "SELECT max(id) FROM channels");
  g_assert_cmpint (copy_id, >, 26);
  g_assert_cmpint (nd_channel_editor_get_id (w.editor), ==, copy_id);
  g_assert_cmpint (channels_find (&w, copy_id), >=, 0);
  assert_abilities (&w, copy_id);

  /* Create: a name, a key, groups and models. */
  g_signal_emit_by_name (PAGE_CHILD (w.page, "add_button"), "clicked");
  g_assert_cmpint (nd_channel_editor_get_id (w.editor), ==, 0);
  g_assert_true (gtk_widget_get_visible (editor_child (&w, "key_entry_row")));
  nd_display_test_draw (w.window);
  nd_display_test_shot (w.window, "channels-editor-new");
  set_entry (&w, "name_row", "Brand new");
  save (&w);
  /* No key yet: said at the key field, nothing written. */
  g_assert_true (row_error_shown (&w, "key_error_row", "key"));
  g_assert_cmpint (channels_sql (&w, "SELECT max(id) FROM channels"), ==, copy_id);
  set_entry (&w, "key_entry_row", "sk-brandnew0123456789");
  nd_channel_models_add (ND_CHANNEL_MODELS (editor_child (&w, "models")), "gpt-4o, gpt-4o-mini");
  save (&w);
  new_id = channels_sql (&w, "SELECT max(id) FROM channels");
  g_assert_cmpint (new_id, >, copy_id);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM channels WHERE name = 'Brand new'"
                                     " AND models = 'gpt-4o,gpt-4o-mini' AND \"group\" = 'default'"), ==, 1);
  assert_abilities (&w, new_id);
  g_assert_cmpint (nd_channel_editor_get_id (w.editor), ==, new_id);

  /* Delete asks, then deletes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w.editor), "editor.delete", NULL));
  answer_dialog (NULL, "go");
  channels_window_settle (&w);
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM channels WHERE name = 'Brand new'"), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (w.editor)));
  g_assert_cmpint (channels_find (&w, new_id), ==, -1);
  channels_window_close (&w);
}

/* A read-only profile: every write greyed, the reason said, nothing sent. */
static void
test_read_only (void)
{
  ChannelsWindow w;
  gint64 ids[] = { 1, 2 };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkLabel *blocked;

  if (!channels_window_open (&w, "nd_channels_read_only", 0, TRUE))
    return;
  g_assert_false (gtk_widget_get_sensitive (PAGE_CHILD (w.page, "add_button")));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (PAGE_CHILD (w.page, "add_button")), "read-only"));
  channels_open (&w, 1);
  before = channel_row (&w, 1);
  blocked = GTK_LABEL (editor_child (&w, "blocked_label"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (blocked)));
  g_assert_nonnull (strstr (gtk_label_get_text (blocked), "read-only"));
  g_assert_false (gtk_widget_get_sensitive (editor_child (&w, "status_switch")));
  g_assert_false (gtk_widget_get_sensitive (editor_child (&w, "replace_key_button")));
  g_assert_false (gtk_widget_get_sensitive (editor_child (&w, "more_button")));
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (editor_child (&w, "name_row"))));
  g_assert_false (gtk_widget_get_sensitive (editor_child (&w, "priority_spin")));
  g_assert_false (gtk_text_view_get_editable (nd_channel_json_field_get_view (mapping_field (&w))));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (editor_child (&w, "save_revealer"))));
  nd_display_test_shot (w.window, "channels-editor-read-only");
  /* Even a change made in code is not written. */
  set_entry (&w, "name_row", "changed");
  save (&w);
  after = channel_row (&w, 1);
  g_assert_cmpstr (after, ==, before);

  channels_select (&w, ids, G_N_ELEMENTS (ids));
  g_assert_false (gtk_widget_get_sensitive (PAGE_CHILD (w.page, "bulk_disable_button")));
  g_assert_false (gtk_widget_get_sensitive (PAGE_CHILD (w.page, "bulk_enable_button")));
  /* The action is disabled: no question, nothing deleted. */
  gtk_widget_activate_action (GTK_WIDGET (w.page), "channels.delete", NULL);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (channels_dialog ());
  g_assert_cmpint (channels_sql (&w, "SELECT count(*) FROM channels WHERE id IN (1, 2) AND status = 1"), ==, 2);
  channels_window_close (&w);
}

int
main (int argc, char **argv)
{
  channels_tests_init (&argc, &argv);
  g_test_add_func ("/display/channels/detail", test_detail);
  g_test_add_func ("/display/channels/refused", test_refused);
  g_test_add_func ("/display/channels/duplicate-name", test_duplicate_name);
  g_test_add_func ("/display/channels/bulk", test_bulk);
  g_test_add_func ("/display/channels/edit", test_edit);
  g_test_add_func ("/display/channels/read-only", test_read_only);
  return channels_tests_run ();
}
