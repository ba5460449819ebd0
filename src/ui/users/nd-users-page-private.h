/* nd-users-page-private.h — what the page's files share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   nd-users-page.c          session, the model, filters, sorting, selection
 *   nd-users-page-detail.c   the detail pane and every write
 */
#pragma once

#include "nd-channel-usage.h"
#include "nd-user-columns.h"
#include "nd-user-model.h"
#include "nd-users-page.h"

G_BEGIN_DECLS

struct _NdUsersPage
{
  NdPage parent_instance;

  /* template */
  GtkStack *stack;
  AdwLeaflet *leaflet;
  GtkWidget *list_pane;
  GtkSearchEntry *search_entry;
  GtkDropDown *role_dropdown;
  GtkDropDown *status_dropdown;
  GtkDropDown *group_dropdown;
  GtkLabel *count_label;
  GtkSpinner *spinner;
  GtkButton *reload_button;
  GtkButton *add_button;
  GtkStack *list_stack;
  GtkColumnView *column_view;
  AdwStatusPage *empty_page;
  GtkRevealer *bulk_revealer;
  GtkLabel *selection_label;
  GtkButton *bulk_enable_button;
  GtkButton *bulk_disable_button;
  GtkWidget *pane_separator;
  GtkWidget *detail_pane;
  GtkLabel *detail_title;
  GtkButton *close_button;
  GtkButton *logs_button;
  GtkLabel *blocked_label;
  GtkButton *quota_button;
  GtkButton *status_button;
  GtkButton *edit_button;
  GtkButton *delete_button;
  GtkListBox *detail_list;
  GtkWidget *usage_box;
  GtkListBox *tokens_list;
  AdwStatusPage *unavailable_page;

  /* owned */
  NdChannelUsage *usage;        /* the user's usage, in usage_box */
  NdUserModel *model;
  GtkMultiSelection *selection;
  NdUserColumns *columns;
  GPtrArray *group_values;      /* per group_dropdown row; NULL = any */
  NdSource *source;             /* the manage source: lists and writes */
  NdMoney *money;
  GCancellable *cancellable;    /* groups and detail reads, for the source's life */
  GCancellable *write_cancellable;
  char *blocked;                /* why writes are refused, or NULL */
  NdUser *detail;               /* the user the pane shows, or NULL */
  GArray *keep_ids;             /* selected before a write's reload: selected again */
  gint64 detail_id;
  gboolean writing;
  guint reading_detail;         /* detail reads under way */
  gboolean updating_filters;
  gboolean disposed;
};

/* nd-users-page.c */
void     _nd_users_page_update_actions (NdUsersPage *self);
/* The ids of the selected rows. */
GArray  *_nd_users_page_selected_ids   (NdUsersPage *self);
void     _nd_users_page_reload         (NdUsersPage *self);

/* nd-users-page-detail.c */
void     _nd_users_page_detail_class_init (NdUsersPageClass *klass);
void     _nd_users_page_detail_init    (NdUsersPage *self);
/* Shows user @id (@user from the list, may be NULL) and reads its detail;
 * 0 hides the pane. */
void     _nd_users_page_show_user      (NdUsersPage *self, gint64 id, const NdUser *user);

G_END_DECLS
