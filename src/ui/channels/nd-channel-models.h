/* nd-channel-models.h — a channel's model list: one chip per model, add
 * several at once, clear, and "fetch from upstream" where the source can
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define ND_TYPE_CHANNEL_MODELS (nd_channel_models_get_type ())
G_DECLARE_FINAL_TYPE (NdChannelModels, nd_channel_models, ND, CHANNEL_MODELS, GtkWidget)

GtkWidget *nd_channel_models_new        (void);
/* The comma list as NewAPI stores it. Entries are kept exactly as they
 * came (a list nobody touched is written back unchanged); added names are
 * trimmed and never duplicated. Setting does not emit "changed". */
void       nd_channel_models_set_models (NdChannelModels *self, const char *models);
char      *nd_channel_models_get_models (NdChannelModels *self);
/* Adds each name of a comma or newline separated @text. */
void       nd_channel_models_add        (NdChannelModels *self, const char *text);
void       nd_channel_models_set_editable (NdChannelModels *self, gboolean editable);
/* Greys "Fetch from Upstream" with @reason; NULL makes it usable. */
void       nd_channel_models_set_fetch_blocked (NdChannelModels *self, const char *reason);
void       nd_channel_models_set_error  (NdChannelModels *self, const char *message);

G_END_DECLS
