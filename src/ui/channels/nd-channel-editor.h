/* nd-channel-editor.h — one channel's detail and form: every field NewAPI
 * keeps, checked as it is typed; status, key, multi-key keys, usage, and
 * the write actions (save, copy, delete, replace the key)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "facts/nd-facts.h"
#include "nd-channel-item.h"
#include "nd-channel-usage.h"
#include "nd-source.h"

G_BEGIN_DECLS

#define ND_TYPE_CHANNEL_EDITOR (nd_channel_editor_get_type ())
G_DECLARE_FINAL_TYPE (NdChannelEditor, nd_channel_editor, ND, CHANNEL_EDITOR, GtkWidget)

/* The source channels are read from and written to (the session's manage
 * source), and the currency. NULL: not connected. Re-checks whether writes
 * are allowed. */
void            nd_channel_editor_set_source   (NdChannelEditor *self, NdSource *source,
                                                const NdMoney *money);
/* Shows channel @id: @summary (from the list; copied, may be NULL) at
 * once, then its detail from the source. */
void            nd_channel_editor_show_channel (NdChannelEditor *self, gint64 id,
                                                const NdChannel *summary);
/* An empty form for a new channel. */
void            nd_channel_editor_show_new     (NdChannelEditor *self);
/* The channel shown; 0 for a new one or none. */
gint64          nd_channel_editor_get_id       (NdChannelEditor *self);
/* Whether there are edits not saved yet (a new channel: anything typed). */
gboolean        nd_channel_editor_is_dirty     (NdChannelEditor *self);
/* Drops the edits: the form shows the channel as loaded (or empty). */
void            nd_channel_editor_revert       (NdChannelEditor *self);
/* Narrow: a back button instead of the close button. */
void            nd_channel_editor_set_folded   (NdChannelEditor *self, gboolean folded);
NdChannelUsage *nd_channel_editor_get_usage    (NdChannelEditor *self);
/* Saves the form as the Save button does (for tests). */
void            nd_channel_editor_save         (NdChannelEditor *self);
/* The table's row of the channel shown (NULL: none): the editor shows its
 * latest test and balance read as they change. */
void            nd_channel_editor_follow       (NdChannelEditor *self, NdChannelItem *item);
/* Greys Test and the balance refresh with @reason ("": busy); NULL: usable.
 * They emit "health" (id, balance) for the page to run. */
void            nd_channel_editor_set_health_blocked (NdChannelEditor *self, const char *reason);
/* TRUE while the detail loads, a write runs or models are fetched. */
gboolean        nd_channel_editor_is_busy      (NdChannelEditor *self);

G_END_DECLS
