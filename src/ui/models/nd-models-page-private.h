/* nd-models-page-private.h — what the page's files share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   nd-models-page.c       session, loading, filters, the table
 *   nd-models-page-edit.c  the groups popover, the price editor, writes
 */
#pragma once

#include "facts/nd-facts.h"
#include "nd-model-item.h"
#include "nd-models-page.h"

G_BEGIN_DECLS

struct _NdModelsPage
{
  NdPage parent_instance;

  /* template */
  GtkStack *stack;
  GtkSearchEntry *search_entry;
  GtkDropDown *risk_dropdown;
  GtkDropDown *group_dropdown;
  GtkDropDown *range_dropdown;
  GtkLabel *count_label;
  GtkLabel *risk_label;
  GtkSpinner *spinner;
  GtkMenuButton *groups_button;
  GtkListBox *groups_list;
  GtkButton *reload_button;
  GtkButton *edit_button;
  GtkLabel *note_label;
  GtkStack *list_stack;
  GtkColumnView *column_view;
  AdwStatusPage *empty_page;
  AdwStatusPage *unavailable_page;

  /* owned */
  GListStore *store;            /* (element-type NdModelItem) */
  GtkCustomFilter *filter;
  GtkFilterListModel *filtered;
  GtkSortListModel *sorted;
  GtkSingleSelection *selection;
  NdModelColumns *columns;
  NdModelCatalog *catalog;
  GPtrArray *group_values;      /* per group_dropdown row; NULL = before any group ratio */
  char *search;                 /* casefolded */
  NdSource *source;             /* the manage source: catalogue and writes */
  NdSource *data;               /* the data source: the facts */
  NdFacts *facts;
  char *facts_missing;          /* why there is no usage, or NULL */
  NdMoney *money;
  GCancellable *cancellable;
  GCancellable *write_cancellable;
  char *blocked;                /* why writes are refused, or NULL */
  gboolean loading;
  gboolean writing;
  gboolean updating;
  gboolean disposed;
};

/* nd-models-page.c */
NdServerInfo *_nd_models_page_info           (NdModelsPage *self);
NdModelItem  *_nd_models_page_selected       (NdModelsPage *self);
void          _nd_models_page_update_actions (NdModelsPage *self);

/* nd-models-page-edit.c */
/* The groups popover: each group's ratio, users and tokens. */
void          _nd_models_page_fill_group_rows   (NdModelsPage *self);
void          _nd_models_page_edit_price_action (GtkWidget *widget, const char *name,
                                                 GVariant *param);
void          _nd_models_page_find_action       (GtkWidget *widget, const char *name,
                                                 GVariant *param);
/* Enter or a double click on a row opens its price. */
void          _nd_models_page_activate_cb       (NdModelsPage *self, guint position);

G_END_DECLS
