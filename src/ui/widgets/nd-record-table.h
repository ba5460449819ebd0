/* nd-record-table.h — the columns of a management table (tokens, codes):
 * text or a badge per column, from functions over the row's record
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What a cell shows for @record (an NdRecordItem's); @data is the
 * table's. A newly allocated string; NULL for nothing. */
typedef char       *(*NdCellText)  (gconstpointer record, gpointer data);
/* A badge's CSS class (the Channels page's nd-channel-badge classes). */
typedef const char *(*NdCellClass) (gconstpointer record, gpointer data);

typedef struct {
  const char *title;            /* N_() */
  int width;                    /* px at first */
  int chars;                    /* natural width in characters */
  gboolean numeric;             /* right-aligned, tabular figures */
  gboolean expand;
  NdCellText text;
  NdCellText tooltip;           /* may be NULL */
  NdCellClass badge;            /* NULL: plain text */
} NdRecordColumn;

/* Adds @n columns to @view, whose items are NdRecordItem; @columns and
 * @data must outlive the view. Tooltips come from the view's
 * query-tooltip, not one per bound cell (each costs an X round trip on
 * GTK 4.8). */
void  nd_record_table_add_columns (GtkColumnView *view, const NdRecordColumn *columns, guint n,
                                   gpointer data);
/* What column @column shows for @item (for tests). */
char *nd_record_table_cell_text   (const NdRecordColumn *column, gpointer item, gpointer data);

/* The selected rows of @model (NdRecordItem, referenced). */
GPtrArray *nd_record_table_selected     (GtkSelectionModel *model);
/* Their ids: every record these tables show (NdToken, NdRedemption, …)
 * begins with its gint64 id. */
GArray    *nd_record_table_selected_ids (GtkSelectionModel *model);

G_END_DECLS
