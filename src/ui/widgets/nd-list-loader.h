/* nd-list-loader.h — a management list read page by page from the source
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model grows as the table scrolls (nd_list_loader_more at its end):
 * tens of thousands of tokens never load at once. Filters, search and
 * order are the source's (NdListQuery); an optional keep function drops
 * rows a source could not filter itself (NewAPI's token list takes no
 * status). A reload cancels a page in flight; its answer is dropped.
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-source.h"

G_BEGIN_DECLS

#define ND_TYPE_LIST_LOADER (nd_list_loader_get_type ())
G_DECLARE_FINAL_TYPE (NdListLoader, nd_list_loader, ND, LIST_LOADER, GObject)

/* nd_source_list_tokens_async and its kin. */
typedef void     (*NdListCall) (NdSource *source, const NdListQuery *query,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
typedef gboolean (*NdListKeep) (gconstpointer record, gpointer user_data);

/* Rows are freed with @free_record. Emits "loaded" (a GError or NULL)
 * after every page. */
NdListLoader *nd_list_loader_new       (NdListCall call, GDestroyNotify free_record);
/* GListStore of NdRecordItem. */
GListModel   *nd_list_loader_get_model (NdListLoader *self);
void          nd_list_loader_set_keep  (NdListLoader *self, NdListKeep keep, gpointer user_data);
/* Empties the model and reads the first page of @query (copied) from
 * @source; NULL @source only empties. */
void          nd_list_loader_reload    (NdListLoader *self, NdSource *source,
                                        const NdListQuery *query);
/* Reads the next page, if there is one and none is being read. */
void          nd_list_loader_more      (NdListLoader *self);
/* Shows the rows in @view with a multiple selection (returned, full),
 * and reads on when @scroller reaches the end. */
GtkMultiSelection *nd_list_loader_attach (NdListLoader *self, GtkColumnView *view,
                                          GtkScrolledWindow *scroller);
/* Stops reading (the page goes away). */
void          nd_list_loader_stop      (NdListLoader *self);
gboolean      nd_list_loader_is_loading (NdListLoader *self);
gboolean      nd_list_loader_has_more  (NdListLoader *self);
/* How many rows match, as the source counted them; -1 when unknown. */
gint64        nd_list_loader_get_total (NdListLoader *self);

G_END_DECLS
