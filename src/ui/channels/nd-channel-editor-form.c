/* nd-channel-editor-form.c — the form: its fields, filling them, the edit
 * they describe, and errors next to the fields
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "nd-channel-actions.h"
#include "nd-channel-data.h"
#include "nd-channel-editor-private.h"
#include "nd-secure-string.h"
#include "nd-time.h"

static const struct {
  NdChannelField bit;
  const char *name;             /* nd_write_validate's field name */
  const char *label;            /* as nd-write.c names it in messages */
  const char *placeholder;
} json_defs[N_JSON] = {
  [JSON_MODEL_MAPPING] = { ND_CHANNEL_FIELD_MODEL_MAPPING, "model_mapping", N_("Model mapping"),
                           "{\"gpt-4o\": \"gpt-4o-2024-08-06\"}" },
  [JSON_STATUS_CODE_MAPPING] = { ND_CHANNEL_FIELD_STATUS_CODE_MAPPING, "status_code_mapping",
                                 N_("Status code mapping"), "{\"400\": \"500\"}" },
  [JSON_PARAM_OVERRIDE] = { ND_CHANNEL_FIELD_PARAM_OVERRIDE, "param_override",
                            N_("Parameter override"), "{\"temperature\": 0.7}" },
  [JSON_HEADER_OVERRIDE] = { ND_CHANNEL_FIELD_HEADER_OVERRIDE, "header_override",
                             N_("Header override"), "{\"X-Title\": \"my-gateway\"}" },
  [JSON_SETTING] = { ND_CHANNEL_FIELD_SETTING, "setting", N_("Channel settings"),
                     "{\"force_format\": true}" },
  [JSON_SETTINGS] = { ND_CHANNEL_FIELD_SETTINGS, "settings", N_("Other settings"),
                      "{\"vertex_key_type\": \"json\"}" },
};

/* Channel types the form offers: every id with a name (reference §2.6). */
static GArray *
type_ids (void)
{
  static GArray *ids;

  if (g_once_init_enter (&ids))
    {
      GArray *a = g_array_new (FALSE, FALSE, sizeof (int));

      for (int t = 1; t <= 60; t++)
        if (g_strcmp0 (nd_channel_type_name (t), "Unknown") != 0)
          g_array_append_val (a, t);
      g_once_init_leave (&ids, a);
    }
  return ids;
}

static guint
type_position (int type)
{
  GArray *ids = type_ids ();

  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, int, i) == type)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static int
selected_type (NdChannelEditor *self)
{
  guint pos = adw_combo_row_get_selected (self->type_row);
  GArray *ids = type_ids ();

  if (pos == GTK_INVALID_LIST_POSITION || pos >= ids->len)
    return self->original ? self->original->type : 1;
  return g_array_index (ids, int, pos);
}

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
set_text (AdwEntryRow *row, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static gboolean
differs (const char *a, const char *b)
{
  return g_strcmp0 (a ? a : "", b ? b : "") != 0;
}

/* ─── errors next to the fields ─────────────────────────────────────────── */

static void
set_row_error (GtkWidget *row, GtkLabel *label, GtkWidget *field, const char *message)
{
  gtk_label_set_text (label, message ? message : "");
  gtk_widget_set_visible (row, message != NULL);
  if (field == NULL)
    return;
  if (message != NULL)
    gtk_widget_add_css_class (field, "error");
  else
    gtk_widget_remove_css_class (field, "error");
}

/* Brings @field near the top of the form, with room for its error under
 * it (focus alone only scrolls until its first line shows). */
static void
scroll_to_field (NdChannelEditor *self, GtkWidget *field)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (field, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *viewport = scroller ? gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller)) : NULL;
  GtkWidget *content = GTK_IS_VIEWPORT (viewport) ? gtk_viewport_get_child (GTK_VIEWPORT (viewport)) : NULL;
  graphene_point_t p;

  /* The viewport's content: coordinates that do not move with scrolling. */
  if (content == NULL || !gtk_widget_compute_point (field, content, &GRAPHENE_POINT_INIT (0, 0), &p))
    return;
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller)),
                            p.y - 48);
}

void
_nd_channel_editor_show_error (NdChannelEditor *self, const char *field, const char *message)
{
  GtkWidget *focus = NULL;

  if (g_strcmp0 (field, "name") == 0)
    {
      set_row_error (self->name_error_row, self->name_error, GTK_WIDGET (self->name_row), message);
      gtk_widget_set_visible (GTK_WIDGET (self->save_anyway_button), FALSE);
      focus = GTK_WIDGET (self->name_row);
    }
  else if (g_strcmp0 (field, "base_url") == 0)
    {
      set_row_error (self->base_url_error_row, self->base_url_error, GTK_WIDGET (self->base_url_row),
                     message);
      focus = GTK_WIDGET (self->base_url_row);
    }
  else if (g_strcmp0 (field, "key") == 0)
    {
      set_row_error (self->key_error_row, self->key_error, GTK_WIDGET (self->key_entry_row), message);
      focus = GTK_WIDGET (self->key_entry_row);
    }
  else if (g_strcmp0 (field, "group") == 0)
    {
      set_row_error (self->groups_error_row, self->groups_error, GTK_WIDGET (self->groups_row), message);
      focus = GTK_WIDGET (self->groups_row);
    }
  else if (g_strcmp0 (field, "remark") == 0)
    {
      set_row_error (self->remark_error_row, self->remark_error, GTK_WIDGET (self->remark_row), message);
      focus = GTK_WIDGET (self->remark_row);
    }
  else if (g_strcmp0 (field, "models") == 0)
    {
      nd_channel_models_set_error (self->models, message);
      focus = GTK_WIDGET (self->models);
    }
  else
    {
      for (int i = 0; i < N_JSON; i++)
        if (g_strcmp0 (field, json_defs[i].name) == 0)
          {
            nd_channel_json_field_set_error (self->json[i], message);
            focus = GTK_WIDGET (nd_channel_json_field_get_view (self->json[i]));
          }
      if (focus == NULL && message != NULL)
        {
          /* A rule about no one field (type, weight): say it anyway. */
          nd_channel_toast (GTK_WIDGET (self), message);
          return;
        }
    }
  if (message != NULL && focus != NULL && gtk_widget_get_mapped (focus))
    {
      gtk_widget_grab_focus (focus);
      scroll_to_field (self, focus);
    }
}

void
_nd_channel_editor_clear_errors (NdChannelEditor *self)
{
  const char *fields[] = { "name", "base_url", "key", "group", "remark", "models" };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    _nd_channel_editor_show_error (self, fields[i], NULL);
}

/* ─── the edit the form describes ───────────────────────────────────────── */

static char *
json_text (NdChannelEditor *self, JsonFieldId i)
{
  return nd_channel_json_field_get_text (self->json[i]);
}

static const char *
original_json (const NdChannel *c, JsonFieldId i)
{
  if (c == NULL)
    return NULL;
  switch (i)
    {
    case JSON_MODEL_MAPPING: return c->model_mapping;
    case JSON_STATUS_CODE_MAPPING: return c->status_code_mapping;
    case JSON_PARAM_OVERRIDE: return c->param_override;
    case JSON_HEADER_OVERRIDE: return c->header_override;
    case JSON_SETTING: return c->setting;
    case JSON_SETTINGS: return c->settings;
    case N_JSON:
    default: return NULL;
    }
}

static char **
json_slot (NdChannelEdit *e, JsonFieldId i)
{
  switch (i)
    {
    case JSON_MODEL_MAPPING: return &e->model_mapping;
    case JSON_STATUS_CODE_MAPPING: return &e->status_code_mapping;
    case JSON_PARAM_OVERRIDE: return &e->param_override;
    case JSON_HEADER_OVERRIDE: return &e->header_override;
    case JSON_SETTING: return &e->setting;
    case JSON_SETTINGS: return &e->settings;
    case N_JSON:
    default: g_assert_not_reached ();
    }
}

/* Every value of the form, and in the mask what differs from the channel
 * as loaded (a new channel: what must be set and what is filled in). */
NdChannelEdit *
_nd_channel_editor_build_edit (NdChannelEditor *self)
{
  NdChannelEdit *e = nd_channel_edit_new ();
  const NdChannel *o = self->creating ? NULL : self->original;
  gboolean all = self->creating;

#define MARK(bit, changed) G_STMT_START { if (all || (changed)) e->mask |= (bit); } G_STMT_END
  e->name = g_strdup (text_of (self->name_row));
  MARK (ND_CHANNEL_FIELD_NAME, o && differs (e->name, o->name));
  e->type = selected_type (self);
  MARK (ND_CHANNEL_FIELD_TYPE, o && e->type != o->type);
  e->base_url = g_strdup (text_of (self->base_url_row));
  if ((o && differs (e->base_url, o->base_url)) || (all && *e->base_url != '\0'))
    e->mask |= ND_CHANNEL_FIELD_BASE_URL;
  e->group = g_strdup (text_of (self->groups_row));
  MARK (ND_CHANNEL_FIELD_GROUP, o && differs (e->group, o->group));
  e->models = nd_channel_models_get_models (self->models);
  MARK (ND_CHANNEL_FIELD_MODELS, o && differs (e->models, o->models));
  e->priority = (gint64) gtk_spin_button_get_value (self->priority_spin);
  MARK (ND_CHANNEL_FIELD_PRIORITY, o && e->priority != o->priority);
  e->weight = (gint64) gtk_spin_button_get_value (self->weight_spin);
  MARK (ND_CHANNEL_FIELD_WEIGHT, o && e->weight != o->weight);
  e->auto_ban = gtk_switch_get_active (self->auto_ban_switch) ? 1 : 0;
  MARK (ND_CHANNEL_FIELD_AUTO_BAN, o && e->auto_ban != (o->auto_ban != 0));
  e->tag = g_strdup (text_of (self->tag_row));
  MARK (ND_CHANNEL_FIELD_TAG, o && differs (e->tag, o->tag));
  e->test_model = g_strdup (text_of (self->test_model_row));
  MARK (ND_CHANNEL_FIELD_TEST_MODEL, o && differs (e->test_model, o->test_model));
  e->other = g_strdup (text_of (self->other_row));
  MARK (ND_CHANNEL_FIELD_OTHER, o && differs (e->other, o->other));
  e->remark = g_strdup (text_of (self->remark_row));
  MARK (ND_CHANNEL_FIELD_REMARK, o && differs (e->remark, o->remark));
  for (int i = 0; i < N_JSON; i++)
    {
      char **slot = json_slot (e, i);

      *slot = json_text (self, i);
      if ((o && differs (*slot, original_json (o, i))) || (all && **slot != '\0'))
        e->mask |= json_defs[i].bit;
    }
  if (self->creating)
    {
      e->key = g_strdup (text_of (self->key_entry_row));
      e->mask |= ND_CHANNEL_FIELD_KEY;
    }
#undef MARK
  e->allow_duplicate_name = self->allow_duplicate_name;
  return e;
}

/* What nd_write_validate says about @bit alone (a new channel's base URL
 * is checked with its type). */
void
_nd_channel_editor_check_field (NdChannelEditor *self, NdChannelField bit, const char *name)
{
  g_autoptr(NdChannelEdit) edit = _nd_channel_editor_build_edit (self);
  g_autoptr(NdWrite) write = NULL;
  g_autoptr(GError) error = NULL;
  const char *field = NULL;

  edit->mask = bit;
  if (bit == ND_CHANNEL_FIELD_BASE_URL && self->creating)
    edit->mask |= ND_CHANNEL_FIELD_TYPE;
  write = nd_write_channel_update_new (1, g_steal_pointer (&edit));
  if (nd_write_validate (write, &field, &error) || g_strcmp0 (field, name) != 0)
    _nd_channel_editor_show_error (self, name, NULL);
  else
    _nd_channel_editor_show_error (self, name, error->message);
}

/* ─── filling the form ──────────────────────────────────────────────────── */

static void
fill_header (NdChannelEditor *self, const NdChannel *c)
{
  g_autofree char *name = NULL;
  g_autofree char *subtitle = NULL;

  if (self->creating || c == NULL)
    {
      gtk_label_set_text (self->title_label, self->creating ? _("New Channel") : "");
      gtk_label_set_text (self->subtitle_label, "");
      return;
    }
  name = c->name && *c->name ? nd_mask_text_dup (c->name) : g_strdup (_("(no name)"));
  /* Translators: under a channel's name: "#12 · OpenAI · Auto-disabled" */
  subtitle = g_strdup_printf (_("#%" PRId64 " · %s · %s"), c->id,
                              nd_channel_type_name (c->type), nd_channel_status_label (c->status));
  gtk_label_set_text (self->title_label, name);
  gtk_label_set_text (self->subtitle_label, subtitle);
}

static void
fill_state (NdChannelEditor *self, const NdChannel *c)
{
  gint64 now = nd_time_now ();
  g_autofree char *detail = nd_channel_status_detail (c, now);
  g_autofree char *response = nd_channel_response_text (c->response_time);
  g_autofree char *tested = c->test_time > 0 ? nd_channel_age_text (c->test_time, now) : NULL;
  g_autofree char *balance = nd_channel_balance_text (c);
  g_autofree char *checked = c->balance_updated_time > 0
                             ? nd_channel_age_text (c->balance_updated_time, now) : NULL;
  g_autofree char *status_subtitle = NULL;

  if (detail != NULL)
    status_subtitle = g_strdup_printf ("%s: %s", nd_channel_status_label (c->status), detail);
  else
    status_subtitle = g_strdup (c->status == ND_CHANNEL_STATUS_ENABLED
                                ? _("Requests are routed to this channel")
                                : _("No requests are routed to this channel"));
  gtk_switch_set_active (self->status_switch, c->status == ND_CHANNEL_STATUS_ENABLED);
  adw_action_row_set_subtitle (self->status_row, status_subtitle);
  gtk_label_set_text (self->test_badge, response);
  gtk_widget_set_css_classes (GTK_WIDGET (self->test_badge),
                              (const char *[]) { "nd-channel-badge",
                                                 nd_channel_response_class (c->response_time), NULL });
  adw_action_row_set_subtitle (self->test_row, tested ? tested : _("Never tested"));
  gtk_label_set_text (self->balance_badge, balance);
  gtk_widget_set_css_classes (GTK_WIDGET (self->balance_badge),
                              (const char *[]) { "nd-channel-badge", nd_channel_balance_class (c),
                                                 NULL });
  adw_action_row_set_subtitle (self->balance_row, checked ? checked : _("Never checked"));
  _nd_channel_editor_show_results (self, c);
}

void
_nd_channel_editor_show_results (NdChannelEditor *self, const NdChannel *c)
{
  NdHealthItem *test = self->following ? nd_channel_item_get_test_result (self->following) : NULL;
  NdHealthItem *read = self->following ? nd_channel_item_get_balance_result (self->following) : NULL;

  if (c == NULL)
    return;
  if (test != NULL)
    {
      g_autofree char *text = nd_channel_result_text (test, c->response_time);
      g_autofree char *detail = nd_channel_result_detail (test, FALSE);

      gtk_label_set_text (self->test_badge, text);
      gtk_widget_set_css_classes (GTK_WIDGET (self->test_badge),
                                  (const char *[]) { "nd-channel-badge",
                                                     nd_channel_result_class (test, c->response_time),
                                                     NULL });
      adw_action_row_set_subtitle (self->test_row, detail);
    }
  if (read != NULL)
    {
      g_autofree char *detail = nd_channel_result_detail (read, TRUE);

      /* The row took a balance read just now (nd_channel_item_set_balance_result). */
      if (nd_health_item_get_state (read) == ND_HEALTH_OK)
        {
          const NdChannel *row = nd_channel_item_get_channel (self->following);
          g_autofree char *balance = nd_channel_balance_text (row);

          gtk_label_set_text (self->balance_badge, balance);
          gtk_widget_set_css_classes (GTK_WIDGET (self->balance_badge),
                                      (const char *[]) { "nd-channel-badge",
                                                         nd_channel_balance_class (row), NULL });
        }
      adw_action_row_set_subtitle (self->balance_row, detail);
    }
}

void
_nd_channel_editor_fill (NdChannelEditor *self, const NdChannel *c)
{
  gboolean detail = c != NULL && c->model_mapping != NULL;

  self->filling = TRUE;
  fill_header (self, c);
  if (c != NULL)
    fill_state (self, c);
  set_text (self->name_row, c ? c->name : NULL);
  adw_combo_row_set_selected (self->type_row, type_position (c ? c->type : 1));
  set_text (self->base_url_row, c ? c->base_url : NULL);
  set_text (self->groups_row, c ? c->group : "default");
  gtk_spin_button_set_value (self->priority_spin, c ? c->priority : 0);
  gtk_spin_button_set_value (self->weight_spin, c ? c->weight : 0);
  set_text (self->tag_row, c ? c->tag : NULL);
  gtk_switch_set_active (self->auto_ban_switch, c ? c->auto_ban != 0 : TRUE);
  set_text (self->test_model_row, c ? c->test_model : NULL);
  nd_channel_models_set_models (self->models, c ? c->models : NULL);
  set_text (self->other_row, detail ? c->other : NULL);
  set_text (self->remark_row, c ? c->remark : NULL);
  set_text (self->key_entry_row, NULL);
  for (int i = 0; i < N_JSON; i++)
    nd_channel_json_field_set_text (self->json[i], original_json (c, i));
  gtk_widget_set_visible (GTK_WIDGET (self->keys_group), c != NULL && c->keys != NULL && c->keys->len > 0);
  nd_channel_keys_set_keys (self->keys, c ? c->keys : NULL, nd_time_now ());
  if (c != NULL && c->is_multi_key)
    {
      g_autofree char *desc = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%d key, used %s", "%d keys, used %s", c->multi_key_size),
        c->multi_key_size,
        g_strcmp0 (c->multi_key_mode, "polling") == 0 ? _("in turn") : _("at random"));

      adw_preferences_group_set_description (self->keys_group, desc);
    }
  self->filling = FALSE;
  self->touched = 0;
  self->allow_duplicate_name = FALSE;
  _nd_channel_editor_clear_errors (self);
}

void
_nd_channel_editor_build_form (NdChannelEditor *self)
{
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  GArray *ids = type_ids ();

  for (guint i = 0; i < ids->len; i++)
    gtk_string_list_append (types, nd_channel_type_name (g_array_index (ids, int, i)));
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (types));

  for (int i = 0; i < N_JSON; i++)
    {
      self->json[i] = ND_CHANNEL_JSON_FIELD (nd_channel_json_field_new (_(json_defs[i].label),
                                                                        json_defs[i].placeholder));
      if (i == JSON_MODEL_MAPPING)
        {
          adw_preferences_group_add (self->mapping_group, GTK_WIDGET (self->json[i]));
          continue;
        }
      {
        GtkWidget *heading = gtk_label_new (_(json_defs[i].label));

        gtk_label_set_xalign (GTK_LABEL (heading), 0);
        gtk_widget_add_css_class (heading, "heading");
        gtk_widget_set_margin_top (heading, i == JSON_STATUS_CODE_MAPPING ? 0 : 12);
        gtk_widget_set_margin_bottom (heading, 6);
        adw_preferences_group_add (self->json_group, heading);
        adw_preferences_group_add (self->json_group, GTK_WIDGET (self->json[i]));
      }
    }
}
