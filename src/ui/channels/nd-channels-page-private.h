/* nd-channels-page-private.h — what the page's files share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   nd-channels-page.c          session, loading, the models, detail, usage
 *   nd-channels-page-filters.c  the filter bar, tag mode rows, counts
 *   nd-channels-page-bulk.c     the selection and what to do with it
 *   nd-channels-page-health.c   tests and balance reads (the health runner),
 *                               their options, progress and results
 */
#pragma once

#include "facts/nd-facts.h"
#include "health/nd-health-runner.h"
#include "nd-channel-data.h"
#include "nd-channel-editor.h"
#include "nd-channels-page.h"

G_BEGIN_DECLS

struct _NdChannelsPage
{
  NdPage parent_instance;

  /* template */
  GtkStack *stack;
  AdwLeaflet *leaflet;
  GtkWidget *list_pane;
  GtkSearchEntry *search_entry;
  GtkDropDown *status_dropdown;
  GtkDropDown *type_dropdown;
  GtkDropDown *group_dropdown;
  GtkDropDown *tag_dropdown;
  GtkToggleButton *tag_mode_button;
  GtkLabel *count_label;
  GtkSpinner *spinner;
  AdwSplitButton *test_button;
  AdwButtonContent *test_content;
  GtkPopover *test_options;
  AdwEntryRow *test_model_row;
  GtkSpinButton *test_concurrency;
  GtkSpinButton *test_timeout;
  AdwActionRow *test_record_row;
  GtkSwitch *test_record;
  AdwActionRow *test_disable_row;
  GtkSwitch *test_disable;
  GtkLabel *test_blocked_label;
  GtkButton *reload_button;
  GtkButton *add_button;
  GtkStack *list_stack;
  GtkColumnView *column_view;
  AdwStatusPage *empty_page;
  GtkRevealer *health_slot;
  GtkSpinner *health_spinner;
  GtkImage *health_icon;
  GtkLabel *health_label;
  GtkProgressBar *health_progress;
  GtkLabel *health_summary;
  GtkButton *health_cancel;
  GtkButton *health_close;
  GtkRevealer *bulk_revealer;
  GtkLabel *selection_label;
  GtkMenuButton *bulk_more_button;
  GtkButton *bulk_disable_button;
  GtkButton *bulk_enable_button;
  GtkWidget *pane_separator;
  NdChannelEditor *editor;
  AdwStatusPage *unavailable_page;

  /* owned */
  GPtrArray *items;             /* (element-type NdChannelItem) every channel, by id */
  GListStore *roots;            /* what the tree starts from: channels, or tags + untagged */
  GtkCustomFilter *filter;
  GtkFilterListModel *root_filter;
  GtkTreeListModel *tree;
  GtkSortListModel *sorted;
  GtkMultiSelection *selection;
  NdChannelColumns *columns;
  NdChannelFilter filt;
  GArray *type_values;          /* (element-type int) per type_dropdown row; -1 = any */
  GPtrArray *group_values;      /* per group_dropdown row; NULL = any */
  GPtrArray *tag_values;        /* per tag_dropdown row; NULL = any, "" = untagged */
  NdSource *source;             /* the manage source: lists and writes */
  GCancellable *cancellable;    /* loads, for the source's life */
  GCancellable *write_cancellable;
  NdHealthRunner *tests;        /* the latest test run's results, per source */
  NdHealthRunner *balances;     /* the latest balance run's */
  NdHealthRunner *running;      /* one of them while it runs, or NULL */
  GCancellable *health_cancellable;
  char *blocked;                /* why writes are refused, or NULL */
  gint64 select_after_load;
  gboolean loading;
  gboolean writing;
  gboolean updating_filters;
  gboolean showing_detail;
  gboolean restoring;           /* putting the selection back: not the admin's */
  gboolean closing;             /* the discard question came from closing the detail */
  gboolean asking;              /* the discard question is on screen */
  gboolean disposed;
};

/* nd-channels-page.c */
void     _nd_channels_page_show_detail     (NdChannelsPage *self, gboolean show);
/* Unselects and hides the detail (its edits are already dealt with). */
void     _nd_channels_page_close_detail    (NdChannelsPage *self);
void     _nd_channels_page_update_actions  (NdChannelsPage *self);
NdServerInfo *_nd_channels_page_info       (NdChannelsPage *self);

/* nd-channels-page-filters.c */
void     _nd_channels_page_filters_init    (NdChannelsPage *self);
/* The filter dropdowns offer what the loaded channels have. */
void     _nd_channels_page_fill_filters    (NdChannelsPage *self);
/* Puts the loaded channels (or their tags) into the tree. */
void     _nd_channels_page_rebuild_rows    (NdChannelsPage *self);
void     _nd_channels_page_update_counts   (NdChannelsPage *self);
void     _nd_channels_page_filters_clear   (NdChannelsPage *self);

/* nd-channels-page-bulk.c */
void     _nd_channels_page_bulk_class_init (NdChannelsPageClass *klass);
void     _nd_channels_page_bulk_init       (NdChannelsPage *self);
/* The channels the selection stands for (a tag row: all its channels);
 * element-type NdChannelItem, referenced. */
GPtrArray *_nd_channels_page_selected      (NdChannelsPage *self, gboolean *any_tag);
void     _nd_channels_page_selection_changed (NdChannelsPage *self);
/* Asks whether to drop the editor's unsaved edits; then goes on with the
 * selection, or closes the detail when @closing. */
void     _nd_channels_page_ask_discard     (NdChannelsPage *self, gboolean closing);
/* Selects the rows of channels @ids (after a reload). */
void     _nd_channels_page_select_ids      (NdChannelsPage *self, GArray *ids);
/* The ids of the selected channels (a tag row: all its channels). */
GArray  *_nd_channels_page_selected_ids    (NdChannelsPage *self);

/* nd-channels-page-health.c */
void     _nd_channels_page_health_class_init (NdChannelsPageClass *klass);
void     _nd_channels_page_health_init     (NdChannelsPage *self);
/* A new source (NULL: none): the runs of the old one are cancelled and
 * their results dropped. */
void     _nd_channels_page_health_set_source (NdChannelsPage *self, NdSource *source);
/* The loaded rows show the latest runs' results. */
void     _nd_channels_page_health_attach   (NdChannelsPage *self);
/* What may run now, and why not (read-only, a run going). */
void     _nd_channels_page_health_update   (NdChannelsPage *self);
gboolean _nd_channels_page_health_running  (NdChannelsPage *self);

G_END_DECLS
