/* nd-log-model.h — a lazy, growing list of logs for GtkColumnView
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NdLogModel pages logs in from an NdSource with keyset pagination, newest
 * first. It grows as the view asks for rows near its end, keeps rows in
 * compact page arrays (strings that repeat — user, token, model, group,
 * channel, IP — are interned once), and creates an NdLogItem only when the
 * view asks for a position: items are cached weakly, so only rows on screen
 * exist as objects. Pages far from the viewport are dropped and fetched
 * again by their keyset position if the user scrolls back, and the interned
 * strings are rebuilt from the rows still held when they outgrow them, so
 * memory stays bounded however deep one scrolls. Live tail rows are
 * prepended.
 *
 * Never wrap it in GtkSortListModel / GtkFilterListModel: those would load
 * every page. Sorting and filtering happen in the query.
 */
#pragma once

#include <gio/gio.h>

#include "nd-source.h"

G_BEGIN_DECLS

#define ND_TYPE_LOG_ITEM (nd_log_item_get_type ())
G_DECLARE_FINAL_TYPE (NdLogItem, nd_log_item, ND, LOG_ITEM, GObject)

/* NULL until the row's page has arrived (the item is a placeholder). */
const NdLog *nd_log_item_get_log      (NdLogItem *self);
gboolean     nd_log_item_get_loaded   (NdLogItem *self);
guint        nd_log_item_get_position (NdLogItem *self);

#define ND_TYPE_LOG_MODEL (nd_log_model_get_type ())
G_DECLARE_FINAL_TYPE (NdLogModel, nd_log_model, ND, LOG_MODEL, GObject)

NdLogModel *nd_log_model_new          (void);
void        nd_log_model_set_source   (NdLogModel *self, NdSource *source);
/* Resets the list to the newest rows matching @query (or, with @start,
 * the rows strictly before that keyset position: "jump to time"). */
void        nd_log_model_set_query    (NdLogModel *self, const NdLogQuery *query,
                                       const NdLogCursor *start);
void        nd_log_model_reload       (NdLogModel *self);
/* One live-tail poll: rows newer than the newest known id are prepended. */
void        nd_log_model_poll_tail    (NdLogModel *self);
gboolean    nd_log_model_get_loading  (NdLogModel *self);
gboolean    nd_log_model_get_complete (NdLogModel *self);
gint64      nd_log_model_get_newest_id (NdLogModel *self);

/* For tests and the benchmark: pages currently held in memory, and rows
 * fetched so far. */
guint       nd_log_model_get_resident_pages (NdLogModel *self);
/* Bytes of the strings interned for the rows held (bounded as pages). */
gsize       nd_log_model_get_string_bytes   (NdLogModel *self);
#define ND_LOG_MODEL_PAGE_SIZE 200
#define ND_LOG_MODEL_MAX_RESIDENT 40

G_END_DECLS
