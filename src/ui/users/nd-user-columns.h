/* nd-user-columns.h — the user table's columns and what their cells say
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sorting is the source's (NdUserModel pages sorted rows in): a column's
 * sorter only marks the header, and nd_user_columns_sort_key() tells the
 * page which column and direction the admin chose.
 */
#pragma once

#include <gtk/gtk.h>

#include "nd-money.h"
#include "nd-records.h"

G_BEGIN_DECLS

typedef enum {
  ND_USER_COLUMN_ID,
  ND_USER_COLUMN_USERNAME,
  ND_USER_COLUMN_DISPLAY_NAME,
  ND_USER_COLUMN_ROLE,
  ND_USER_COLUMN_STATUS,
  ND_USER_COLUMN_GROUP,
  ND_USER_COLUMN_QUOTA,
  ND_USER_COLUMN_USED,
  ND_USER_COLUMN_REQUESTS,
  ND_USER_COLUMN_CREATED,
  ND_USER_COLUMN_LAST_LOGIN,
  ND_USER_N_COLUMNS
} NdUserColumn;

#define ND_TYPE_USER_COLUMNS (nd_user_columns_get_type ())
G_DECLARE_FINAL_TYPE (NdUserColumns, nd_user_columns, ND, USER_COLUMNS, GObject)

/* Adds the columns to @view, whose items are NdUserItem. */
NdUserColumns       *nd_user_columns_new        (GtkColumnView *view);
/* The money columns' currency (copied). */
void                 nd_user_columns_set_money  (NdUserColumns *self, const NdMoney *money);
/* Whether the source can sort by used quota and requests (over the API
 * NewAPI cannot): those headers stop offering it otherwise. */
void                 nd_user_columns_set_full_sort (NdUserColumns *self, gboolean full);
GtkColumnViewColumn *nd_user_columns_get_column (NdUserColumns *self, NdUserColumn column);
/* The sort_by of NdListQuery the view's header asks for, or NULL for the
 * source's default; *@descending its direction. */
const char          *nd_user_columns_sort_key   (NdUserColumns *self, gboolean *descending);
/* The text a cell shows (for tests and the detail pane). */
char                *nd_user_columns_cell_text  (NdUserColumns *self, NdUserColumn column,
                                                 const NdUser *user);

/* "Common", "Admin", "Root" (translated), else the number. */
char                *nd_user_role_label         (int role);
/* "Enabled", "Disabled", "Deleted" (translated). */
const char          *nd_user_status_label       (const NdUser *user);

G_END_DECLS
