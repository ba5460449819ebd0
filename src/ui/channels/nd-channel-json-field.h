/* nd-channel-json-field.h — a JSON object typed by hand, checked as it is
 * typed, with the error and its position right under it
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ND_TYPE_CHANNEL_JSON_FIELD (nd_channel_json_field_get_type ())
G_DECLARE_FINAL_TYPE (NdChannelJsonField, nd_channel_json_field, ND, CHANNEL_JSON_FIELD, GtkWidget)

/* @label names the field in messages ("Model mapping"). */
GtkWidget  *nd_channel_json_field_new       (const char *label, const char *placeholder);
/* Sets the text without emitting "changed". */
void        nd_channel_json_field_set_text  (NdChannelJsonField *self, const char *text);
char       *nd_channel_json_field_get_text  (NdChannelJsonField *self);
/* The error shown under the field, or NULL. */
const char *nd_channel_json_field_get_error (NdChannelJsonField *self);
/* Shows @message (NULL hides it): a refusal that names this field. */
void        nd_channel_json_field_set_error (NdChannelJsonField *self, const char *message);
void        nd_channel_json_field_set_editable (NdChannelJsonField *self, gboolean editable);
GtkTextView *nd_channel_json_field_get_view (NdChannelJsonField *self);

G_END_DECLS
