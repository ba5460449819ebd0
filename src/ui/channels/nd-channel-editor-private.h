/* nd-channel-editor-private.h — what the editor's two files share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   nd-channel-editor.c          state, loading, the user's edits, the object
 *   nd-channel-editor-form.c     the fields: filling them, the edit they describe, errors
 *   nd-channel-editor-actions.c  the writes: save, status, key, keys, copy, delete
 */
#pragma once

#include "nd-channel-editor.h"
#include "nd-channel-item.h"
#include "nd-channel-json-field.h"
#include "nd-channel-keys.h"
#include "nd-channel-models.h"
#include "nd-write.h"

G_BEGIN_DECLS

/* The JSON object fields, in the order of the form. */
typedef enum {
  JSON_MODEL_MAPPING,
  JSON_STATUS_CODE_MAPPING,
  JSON_PARAM_OVERRIDE,
  JSON_HEADER_OVERRIDE,
  JSON_SETTING,
  JSON_SETTINGS,
  N_JSON
} JsonFieldId;

struct _NdChannelEditor
{
  GtkWidget parent_instance;

  /* template */
  GtkWidget *box;
  GtkWidget *header_box;
  GtkWidget *header_separator;
  GtkLabel *blocked_label;
  AdwPreferencesPage *page;
  GtkRevealer *save_revealer;
  GtkButton *back_button;
  GtkButton *close_button;
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkSpinner *spinner;
  GtkMenuButton *more_button;
  AdwPreferencesGroup *state_group;
  AdwActionRow *status_row;
  GtkSwitch *status_switch;
  AdwActionRow *test_row;
  GtkLabel *test_badge;
  GtkButton *test_button;
  AdwActionRow *balance_row;
  GtkLabel *balance_badge;
  GtkButton *balance_button;
  AdwPreferencesGroup *general_group;
  AdwPreferencesGroup *routing_group;
  AdwPreferencesGroup *advanced_group;
  AdwEntryRow *name_row;
  GtkWidget *name_error_row;
  GtkLabel *name_error;
  GtkButton *save_anyway_button;
  AdwComboRow *type_row;
  AdwEntryRow *base_url_row;
  GtkWidget *base_url_error_row;
  GtkLabel *base_url_error;
  AdwActionRow *key_row;
  GtkButton *replace_key_button;
  AdwEntryRow *key_entry_row;
  GtkWidget *key_error_row;
  GtkLabel *key_error;
  AdwEntryRow *groups_row;
  GtkWidget *groups_error_row;
  GtkLabel *groups_error;
  GtkSpinButton *priority_spin;
  GtkSpinButton *weight_spin;
  AdwEntryRow *tag_row;
  GtkSwitch *auto_ban_switch;
  AdwEntryRow *test_model_row;
  AdwPreferencesGroup *models_group;
  NdChannelModels *models;
  AdwPreferencesGroup *mapping_group;
  AdwPreferencesGroup *keys_group;
  NdChannelKeys *keys;
  AdwPreferencesGroup *usage_group;
  NdChannelUsage *usage;
  AdwEntryRow *other_row;
  AdwEntryRow *remark_row;
  GtkWidget *remark_error_row;
  GtkLabel *remark_error;
  AdwPreferencesGroup *json_group;
  GtkLabel *save_label;
  GtkButton *save_button;
  GtkButton *revert_button;

  /* built in code */
  NdChannelJsonField *json[N_JSON];

  /* owned */
  NdSource *source;
  NdMoney *money;
  NdChannel *original;          /* the detail as loaded; NULL while new */
  NdChannelItem *following;     /* the table's row: its health results */
  GCancellable *load_cancellable;
  GCancellable *write_cancellable;
  char *blocked;                /* why writes are refused, or NULL */
  char *health_blocked;         /* why tests and balance reads cannot run now */
  GCancellable *fetch_cancellable;
  gint64 id;                    /* 0 = a new channel */
  gboolean creating;
  gboolean filling;             /* setting fields from code: not the user's edits */
  gboolean loading;
  gboolean writing;
  gboolean fetching;
  gboolean allow_duplicate_name;
  NdChannelField touched;       /* fields the user edited since the form was filled */
};

/* nd-channel-editor-form.c */
/* Adds what the template cannot: the type list and the JSON fields. */
void           _nd_channel_editor_build_form    (NdChannelEditor *self);
/* Fills the form from @c (NULL: a new channel), untouched and error-free. */
void           _nd_channel_editor_fill          (NdChannelEditor *self, const NdChannel *c);
NdChannelEdit *_nd_channel_editor_build_edit    (NdChannelEditor *self);
/* Says at field @name what nd_write_validate says about @bit alone. */
void           _nd_channel_editor_check_field   (NdChannelEditor *self, NdChannelField bit,
                                                 const char *name);
void           _nd_channel_editor_show_error    (NdChannelEditor *self, const char *field,
                                                 const char *message);
void           _nd_channel_editor_clear_errors  (NdChannelEditor *self);
/* The followed row's latest test and balance read over @c's figures. */
void           _nd_channel_editor_show_results  (NdChannelEditor *self, const NdChannel *c);

/* nd-channel-editor.c */
void           _nd_channel_editor_update_state  (NdChannelEditor *self);
void           _nd_channel_editor_reload        (NdChannelEditor *self);
void           _nd_channel_editor_set_writing   (NdChannelEditor *self, gboolean writing);

/* nd-channel-editor-actions.c */
void           _nd_channel_editor_actions_init  (NdChannelEditorClass *klass);
void           _nd_channel_editor_connect       (NdChannelEditor *self);
void           _nd_channel_editor_emit_changed  (NdChannelEditor *self, gint64 id, gboolean select);

G_END_DECLS
