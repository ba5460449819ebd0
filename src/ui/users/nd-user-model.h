/* nd-user-model.h — users for GtkColumnView, a page at a time
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A gateway may have tens of thousands of users: NdUserModel asks the
 * source for one page (offset/limit, filtered and sorted by the source)
 * and the next only when the view comes near the end of what it holds.
 * Never wrap it in GtkSortListModel / GtkFilterListModel: those would load
 * every page. Sorting and filtering go into the query.
 */
#pragma once

#include <gio/gio.h>

#include "nd-source.h"

G_BEGIN_DECLS

#define ND_TYPE_USER_ITEM (nd_user_item_get_type ())
G_DECLARE_FINAL_TYPE (NdUserItem, nd_user_item, ND, USER_ITEM, GObject)

NdUserItem   *nd_user_item_new      (NdUser *user);     /* takes @user */
const NdUser *nd_user_item_get_user (NdUserItem *self);

#define ND_TYPE_USER_MODEL (nd_user_model_get_type ())
G_DECLARE_FINAL_TYPE (NdUserModel, nd_user_model, ND, USER_MODEL, GObject)

#define ND_USER_MODEL_PAGE_SIZE 100

NdUserModel *nd_user_model_new         (void);
/* Empties the list; NULL stops loading. */
void         nd_user_model_set_source  (NdUserModel *self, NdSource *source);
/* Starts over with @query (copied; offset and limit are the model's). */
void         nd_user_model_set_query   (NdUserModel *self, const NdListQuery *query);
void         nd_user_model_reload      (NdUserModel *self);
gboolean     nd_user_model_get_loading (NdUserModel *self);
/* Users matching the query as the source counts them; -1 when unknown. */
gint64       nd_user_model_get_total   (NdUserModel *self);
/* The position of user @id among the rows held, or -1. */
int          nd_user_model_find        (NdUserModel *self, gint64 id);

G_END_DECLS
