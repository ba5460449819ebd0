/* nd-list-loader.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-list-loader.h"
#include "nd-record-item.h"

/* NewAPI's API pages hold at most 100 rows; the database gives as many. */
#define PAGE_SIZE 100

struct _NdListLoader
{
  GObject parent_instance;

  NdListCall call;
  GDestroyNotify free_record;
  NdListKeep keep;
  gpointer keep_data;
  GListStore *store;
  NdSource *source;
  NdListQuery query;            /* strings owned */
  GCancellable *cancellable;    /* the page in flight */
  guint offset;                 /* rows the source has given (kept or not) */
  gint64 total;
  gboolean has_more;
};

G_DEFINE_FINAL_TYPE (NdListLoader, nd_list_loader, G_TYPE_OBJECT)

enum { LOADED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
query_clear (NdListQuery *q)
{
  g_clear_pointer (&q->search, g_free);
  g_clear_pointer (&q->sort_by, g_free);
  g_clear_pointer (&q->group, g_free);
}

void
nd_list_loader_stop (NdListLoader *self)
{
  g_return_if_fail (ND_IS_LIST_LOADER (self));
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

static void
page_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdListLoader) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdListPage) page = nd_source_list_finish (ND_SOURCE (object), result, &error);
  g_autoptr(GPtrArray) keep = NULL;

  /* A reload or stop came in between: this answer is for nobody. */
  if (g_task_get_cancellable (G_TASK (result)) != self->cancellable ||
      (error != NULL && nd_error_is_cancelled (error)))
    return;
  g_clear_object (&self->cancellable);
  if (page == NULL)
    {
      self->has_more = FALSE;
      g_signal_emit (self, signals[LOADED], 0, error);
      return;
    }
  keep = g_ptr_array_new_with_free_func (g_object_unref);
  /* The items take the records from the page. */
  g_ptr_array_set_free_func (page->items, NULL);
  for (guint i = 0; i < page->items->len; i++)
    {
      gpointer record = g_ptr_array_index (page->items, i);

      if (self->keep != NULL && !self->keep (record, self->keep_data))
        self->free_record (record);
      else
        g_ptr_array_add (keep, nd_record_item_new (record, self->free_record));
    }
  self->offset += page->items->len;
  self->total = page->total >= 0 ? page->total : self->total;
  self->has_more = page->items->len >= PAGE_SIZE &&
                   (self->total < 0 || self->offset < (guint64) self->total);
  g_list_store_splice (self->store, g_list_model_get_n_items (G_LIST_MODEL (self->store)), 0,
                       keep->pdata, keep->len);
  g_signal_emit (self, signals[LOADED], 0, NULL);
}

static void
read_page (NdListLoader *self)
{
  self->cancellable = g_cancellable_new ();
  self->query.offset = self->offset;
  self->query.limit = PAGE_SIZE;
  self->call (self->source, &self->query, self->cancellable, page_done, g_object_ref (self));
}

void
nd_list_loader_reload (NdListLoader *self, NdSource *source, const NdListQuery *query)
{
  g_return_if_fail (ND_IS_LIST_LOADER (self));

  nd_list_loader_stop (self);
  g_list_store_remove_all (self->store);
  g_set_object (&self->source, source);
  query_clear (&self->query);
  self->offset = 0;
  self->total = -1;
  self->has_more = FALSE;
  if (source == NULL)
    return;
  if (query != NULL)
    {
      self->query = *query;
      self->query.search = g_strdup (query->search);
      self->query.sort_by = g_strdup (query->sort_by);
      self->query.group = g_strdup (query->group);
    }
  read_page (self);
}

void
nd_list_loader_more (NdListLoader *self)
{
  g_return_if_fail (ND_IS_LIST_LOADER (self));
  if (self->source == NULL || self->cancellable != NULL || !self->has_more)
    return;
  read_page (self);
}

static void
nd_list_loader_dispose (GObject *object)
{
  NdListLoader *self = ND_LIST_LOADER (object);

  nd_list_loader_stop (self);
  g_clear_object (&self->source);
  G_OBJECT_CLASS (nd_list_loader_parent_class)->dispose (object);
}

static void
nd_list_loader_finalize (GObject *object)
{
  NdListLoader *self = ND_LIST_LOADER (object);

  query_clear (&self->query);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (nd_list_loader_parent_class)->finalize (object);
}

static void
nd_list_loader_class_init (NdListLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nd_list_loader_dispose;
  object_class->finalize = nd_list_loader_finalize;
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
nd_list_loader_init (NdListLoader *self)
{
  self->store = g_list_store_new (ND_TYPE_RECORD_ITEM);
  self->total = -1;
}

NdListLoader *
nd_list_loader_new (NdListCall call, GDestroyNotify free_record)
{
  NdListLoader *self = g_object_new (ND_TYPE_LIST_LOADER, NULL);

  self->call = call;
  self->free_record = free_record;
  return self;
}

GListModel *
nd_list_loader_get_model (NdListLoader *self)
{
  g_return_val_if_fail (ND_IS_LIST_LOADER (self), NULL);
  return G_LIST_MODEL (self->store);
}

void
nd_list_loader_set_keep (NdListLoader *self, NdListKeep keep, gpointer user_data)
{
  g_return_if_fail (ND_IS_LIST_LOADER (self));
  self->keep = keep;
  self->keep_data = user_data;
}

gboolean
nd_list_loader_is_loading (NdListLoader *self)
{
  g_return_val_if_fail (ND_IS_LIST_LOADER (self), FALSE);
  return self->cancellable != NULL;
}

gboolean
nd_list_loader_has_more (NdListLoader *self)
{
  g_return_val_if_fail (ND_IS_LIST_LOADER (self), FALSE);
  return self->has_more;
}

gint64
nd_list_loader_get_total (NdListLoader *self)
{
  g_return_val_if_fail (ND_IS_LIST_LOADER (self), -1);
  return self->total;
}

static void
edge_reached_cb (NdListLoader *self, GtkPositionType pos)
{
  if (pos == GTK_POS_BOTTOM)
    nd_list_loader_more (self);
}

GtkMultiSelection *
nd_list_loader_attach (NdListLoader *self, GtkColumnView *view, GtkScrolledWindow *scroller)
{
  GtkMultiSelection *selection;

  g_return_val_if_fail (ND_IS_LIST_LOADER (self), NULL);
  selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->store)));
  gtk_column_view_set_model (view, GTK_SELECTION_MODEL (selection));
  g_signal_connect_object (scroller, "edge-reached", G_CALLBACK (edge_reached_cb), self,
                           G_CONNECT_SWAPPED);
  return selection;
}
