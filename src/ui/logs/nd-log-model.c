/* nd-log-model.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-log-model.h"
#include "nd-log-rows.h"

#define PAGE_SIZE ND_LOG_MODEL_PAGE_SIZE
#define MAX_RESIDENT ND_LOG_MODEL_MAX_RESIDENT
#define MAX_HEAD 20000
#define TAIL_BATCH 500
/* The interned strings are rebuilt from the rows held once they pass this,
 * or twice what those rows needed at the last rebuild. */
#define STRINGS_MIN_LIMIT (1 << 20)

/* ---- NdLogItem --------------------------------------------------------- */

struct _NdLogItem
{
  GObject parent_instance;

  NdLogModel *model;   /* unowned; cleared when the model lets go */
  guint position;
  NdLog *log;
};

G_DEFINE_FINAL_TYPE (NdLogItem, nd_log_item, G_TYPE_OBJECT)

enum { ITEM_PROP_0, ITEM_PROP_LOADED, ITEM_N_PROPS };
static GParamSpec *item_props[ITEM_N_PROPS];

static void model_forget_item (NdLogModel *self, NdLogItem *item);

static void
nd_log_item_dispose (GObject *object)
{
  NdLogItem *self = ND_LOG_ITEM (object);

  if (self->model != NULL)
    model_forget_item (self->model, self);
  G_OBJECT_CLASS (nd_log_item_parent_class)->dispose (object);
}

static void
nd_log_item_finalize (GObject *object)
{
  g_clear_pointer (&ND_LOG_ITEM (object)->log, nd_log_free);
  G_OBJECT_CLASS (nd_log_item_parent_class)->finalize (object);
}

static void
nd_log_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case ITEM_PROP_LOADED:
      g_value_set_boolean (value, ND_LOG_ITEM (object)->log != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_log_item_class_init (NdLogItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nd_log_item_dispose;
  object_class->finalize = nd_log_item_finalize;
  object_class->get_property = nd_log_item_get_property;
  item_props[ITEM_PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_props);
}

static void
nd_log_item_init (NdLogItem *self)
{
}

const NdLog *
nd_log_item_get_log (NdLogItem *self)
{
  g_return_val_if_fail (ND_IS_LOG_ITEM (self), NULL);
  return self->log;
}

gboolean
nd_log_item_get_loaded (NdLogItem *self)
{
  g_return_val_if_fail (ND_IS_LOG_ITEM (self), FALSE);
  return self->log != NULL;
}

guint
nd_log_item_get_position (NdLogItem *self)
{
  g_return_val_if_fail (ND_IS_LOG_ITEM (self), 0);
  return self->position;
}

static void
item_set_log (NdLogItem *item, NdLog *log)
{
  g_clear_pointer (&item->log, nd_log_free);
  item->log = log;
  g_object_notify_by_pspec (G_OBJECT (item), item_props[ITEM_PROP_LOADED]);
}

/* ---- pages ------------------------------------------------------------ */

typedef struct {
  NdLogCursor start;    /* the page is the rows strictly before this */
  guint len;            /* positions it covers */
  NdLogRow *rows;       /* NULL when dropped from memory */
  guint n_rows;         /* rows present (fewer if some were deleted since) */
  gboolean loading;
  guint64 last_used;
} Page;

static void
page_drop_rows (Page *page)
{
  if (page->rows == NULL)
    return;
  for (guint i = 0; i < page->n_rows; i++)
    nd_log_row_clear (&page->rows[i]);
  g_clear_pointer (&page->rows, g_free);
  page->n_rows = 0;
}

static void
page_free (Page *page)
{
  page_drop_rows (page);
  g_free (page);
}

/* ---- NdLogModel -------------------------------------------------------- */

struct _NdLogModel
{
  GObject parent_instance;

  NdSource *source;
  NdLogQuery *query;
  NdLogCursor start;
  gboolean has_start;

  GPtrArray *pages;         /* (element-type Page) */
  GArray *head;             /* (element-type NdLogRow), live-tail rows, newest first */
  guint n_items;
  NdLogCursor next;
  gboolean have_next;       /* next came from a page (possibly an empty one) */
  gboolean has_more;
  gboolean fetching_next;
  gboolean tailing;
  guint pending;            /* fetches in flight */
  guint resident;
  guint64 tick;
  gint64 newest_id;
  guint generation;

  GHashTable *items;        /* position → NdLogItem (not owned) */
  NdLogStrings *strings;    /* the rows' repeating strings */
  gsize strings_limit;
  GCancellable *cancellable;
};

static void nd_log_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (NdLogModel, nd_log_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      nd_log_model_list_model_init))

enum { PROP_0, PROP_LOADING, PROP_COMPLETE, N_PROPS };
static GParamSpec *properties[N_PROPS];
enum { SIGNAL_ERROR, SIGNAL_TAIL_ADDED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
model_forget_item (NdLogModel *self, NdLogItem *item)
{
  gpointer key = GUINT_TO_POINTER (item->position);

  if (g_hash_table_lookup (self->items, key) == item)
    g_hash_table_remove (self->items, key);
  item->model = NULL;
}

static void
detach_items (NdLogModel *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ND_LOG_ITEM (value)->model = NULL;
  g_hash_table_remove_all (self->items);
}

static void
set_loading (NdLogModel *self, int delta)
{
  gboolean was = self->pending > 0;

  self->pending += delta;
  if (was != (self->pending > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
report_error (NdLogModel *self, GError *error)
{
  if (!nd_error_is_cancelled (error))
    g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
}

/* ---- fetching ---------------------------------------------------------- */

typedef struct {
  NdLogModel *model;
  guint generation;
  int page;            /* -1: the next page at the end */
} Fetch;

static Fetch *
fetch_new (NdLogModel *self, int page)
{
  Fetch *f = g_new0 (Fetch, 1);

  f->model = g_object_ref (self);
  f->generation = self->generation;
  f->page = page;
  return f;
}

static void
fetch_free (Fetch *f)
{
  g_object_unref (f->model);
  g_free (f);
}

static void
evict (NdLogModel *self, Page *keep)
{
  while (self->resident > MAX_RESIDENT)
    {
      Page *victim = NULL;

      for (guint i = 0; i < self->pages->len; i++)
        {
          Page *p = g_ptr_array_index (self->pages, i);

          if (p->rows != NULL && p != keep && (victim == NULL || p->last_used < victim->last_used))
            victim = p;
        }
      if (victim == NULL)
        break;
      page_drop_rows (victim);
      self->resident--;
    }
}

/* Dropped pages leave their user names and IPs behind in the interned
 * strings: keep only those of the rows still held. NdLogItems have
 * copies of their own and are not affected. */
static void
compact_strings (NdLogModel *self)
{
  NdLogStrings *fresh;

  if (nd_log_strings_bytes (self->strings) <= self->strings_limit)
    return;
  fresh = nd_log_strings_new ();
  for (guint i = 0; i < self->head->len; i++)
    nd_log_row_reintern (&g_array_index (self->head, NdLogRow, i), fresh);
  for (guint p = 0; p < self->pages->len; p++)
    {
      Page *page = g_ptr_array_index (self->pages, p);

      for (guint i = 0; page->rows != NULL && i < page->n_rows; i++)
        nd_log_row_reintern (&page->rows[i], fresh);
    }
  nd_log_strings_free (self->strings);
  self->strings = fresh;
  self->strings_limit = MAX (STRINGS_MIN_LIMIT, 2 * nd_log_strings_bytes (fresh));
}

static void
store_rows (NdLogModel *self, Page *page, GPtrArray *rows)
{
  guint n = MIN (rows->len, page->len);

  page->rows = g_new0 (NdLogRow, page->len);
  for (guint i = 0; i < n; i++)
    nd_log_row_set (&page->rows[i], g_ptr_array_index (rows, i), self->strings);
  page->n_rows = n;
  page->last_used = ++self->tick;
  self->resident++;
  evict (self, page);
  compact_strings (self);
}

static guint
page_first_position (NdLogModel *self, guint index)
{
  return self->head->len + index * PAGE_SIZE;
}

static void
fill_waiting_items (NdLogModel *self, guint index)
{
  Page *page = g_ptr_array_index (self->pages, index);
  guint first = page_first_position (self, index);

  for (guint i = 0; i < page->n_rows; i++)
    {
      NdLogItem *item = g_hash_table_lookup (self->items, GUINT_TO_POINTER (first + i));

      if (item != NULL && item->log == NULL)
        item_set_log (item, nd_log_row_to_log (&page->rows[i]));
    }
}

static void
page_refetched (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Fetch *f = user_data;
  NdLogModel *self = f->model;
  g_autoptr(NdLogPage) lp = NULL;
  g_autoptr(GError) error = NULL;

  lp = nd_source_query_logs_finish (ND_SOURCE (object), result, &error);
  if (f->generation == self->generation)
    {
      Page *page = g_ptr_array_index (self->pages, f->page);

      set_loading (self, -1);
      page->loading = FALSE;
      if (lp == NULL)
        report_error (self, error);
      else if (page->rows == NULL)
        {
          store_rows (self, page, lp->rows);
          fill_waiting_items (self, f->page);
        }
    }
  fetch_free (f);
}

static void
ensure_page (NdLogModel *self, guint index)
{
  Page *page = g_ptr_array_index (self->pages, index);

  if (page->rows != NULL || page->loading || self->source == NULL)
    return;
  page->loading = TRUE;
  set_loading (self, +1);
  nd_source_query_logs_async (self->source, self->query, &page->start, PAGE_SIZE,
                              self->cancellable, page_refetched, fetch_new (self, index));
}

static void fetch_next (NdLogModel *self);

static void
next_fetched (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Fetch *f = user_data;
  NdLogModel *self = f->model;
  g_autoptr(NdLogPage) lp = NULL;
  g_autoptr(GError) error = NULL;

  lp = nd_source_query_logs_finish (ND_SOURCE (object), result, &error);
  if (f->generation != self->generation)
    goto out;
  self->fetching_next = FALSE;
  set_loading (self, -1);
  if (lp == NULL)
    {
      report_error (self, error);
      goto out;
    }

  if (lp->rows->len > 0)
    {
      Page *page = g_new0 (Page, 1);
      NdLog *first = g_ptr_array_index (lp->rows, 0);
      guint old = self->n_items;
      guint index = self->pages->len;

      page->start.created_at = first->created_at;
      page->start.id = first->id + 1;
      page->len = lp->rows->len;
      if (index == 0)
        for (guint i = 0; i < lp->rows->len; i++)
          self->newest_id = MAX (self->newest_id, ((NdLog *) lp->rows->pdata[i])->id);
      g_ptr_array_add (self->pages, page);
      store_rows (self, page, lp->rows);
      self->next = lp->next;
      self->have_next = TRUE;
      self->n_items += page->len;
      g_list_model_items_changed (G_LIST_MODEL (self), old, 0, page->len);
    }
  else if (lp->has_more &&
           (!self->have_next || lp->next.created_at != self->next.created_at ||
            lp->next.id != self->next.id))
    {
      /* A source that filters rows itself (over HTTP, by token id) may end
       * a page with nothing yet more to come: go on from where it got to.
       * An empty page that did not move the cursor would never end. */
      self->next = lp->next;
      self->have_next = TRUE;
      fetch_next (self);
      goto out;
    }
  if (self->has_more != lp->has_more || lp->rows->len == 0)
    {
      self->has_more = lp->has_more && lp->rows->len > 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
    }

out:
  fetch_free (f);
}

static void
fetch_next (NdLogModel *self)
{
  const NdLogCursor *after = NULL;

  if (self->fetching_next || !self->has_more || self->source == NULL || self->query == NULL)
    return;
  if (self->have_next)
    after = &self->next;
  else if (self->has_start)
    after = &self->start;
  self->fetching_next = TRUE;
  set_loading (self, +1);
  nd_source_query_logs_async (self->source, self->query, after, PAGE_SIZE, self->cancellable,
                              next_fetched, fetch_new (self, -1));
}

/* ---- GListModel -------------------------------------------------------- */

static GType
nd_log_model_get_item_type (GListModel *model)
{
  return ND_TYPE_LOG_ITEM;
}

static guint
nd_log_model_get_n_items (GListModel *model)
{
  return ND_LOG_MODEL (model)->n_items;
}

static gpointer
nd_log_model_get_item (GListModel *model, guint position)
{
  NdLogModel *self = ND_LOG_MODEL (model);
  NdLogItem *item;

  if (position >= self->n_items)
    return NULL;

  /* Near the end: grow before the user gets there. */
  if (position + PAGE_SIZE / 2 >= self->n_items)
    fetch_next (self);

  item = g_hash_table_lookup (self->items, GUINT_TO_POINTER (position));
  if (item != NULL)
    return g_object_ref (item);

  item = g_object_new (ND_TYPE_LOG_ITEM, NULL);
  item->model = self;
  item->position = position;
  g_hash_table_insert (self->items, GUINT_TO_POINTER (position), item);

  if (position < self->head->len)
    item->log = nd_log_row_to_log (&g_array_index (self->head, NdLogRow, position));
  else
    {
      guint index = (position - self->head->len) / PAGE_SIZE;
      guint offset = (position - self->head->len) % PAGE_SIZE;
      Page *page = g_ptr_array_index (self->pages, index);

      page->last_used = ++self->tick;
      if (page->rows != NULL && offset < page->n_rows)
        item->log = nd_log_row_to_log (&page->rows[offset]);
      else if (page->rows == NULL)
        ensure_page (self, index);
    }
  return item;
}

static void
nd_log_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = nd_log_model_get_item_type;
  iface->get_n_items = nd_log_model_get_n_items;
  iface->get_item = nd_log_model_get_item;
}

/* ---- object ------------------------------------------------------------ */

static void
clear_rows (NdLogModel *self)
{
  g_ptr_array_set_size (self->pages, 0);
  for (guint i = 0; i < self->head->len; i++)
    nd_log_row_clear (&g_array_index (self->head, NdLogRow, i));
  g_array_set_size (self->head, 0);
  self->resident = 0;
  /* Strings of the old filter are dropped with their rows. */
  nd_log_strings_free (self->strings);
  self->strings = nd_log_strings_new ();
  self->strings_limit = STRINGS_MIN_LIMIT;
}

static void
nd_log_model_dispose (GObject *object)
{
  NdLogModel *self = ND_LOG_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  detach_items (self);
  g_clear_object (&self->source);
  G_OBJECT_CLASS (nd_log_model_parent_class)->dispose (object);
}

static void
nd_log_model_finalize (GObject *object)
{
  NdLogModel *self = ND_LOG_MODEL (object);

  clear_rows (self);
  g_ptr_array_unref (self->pages);
  g_array_unref (self->head);
  g_hash_table_unref (self->items);
  nd_log_strings_free (self->strings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->query, nd_log_query_free);
  G_OBJECT_CLASS (nd_log_model_parent_class)->finalize (object);
}

static void
nd_log_model_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  NdLogModel *self = ND_LOG_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING: g_value_set_boolean (value, self->pending > 0); break;
    case PROP_COMPLETE: g_value_set_boolean (value, !self->has_more); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_log_model_class_init (NdLogModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nd_log_model_dispose;
  object_class->finalize = nd_log_model_finalize;
  object_class->get_property = nd_log_model_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A fetch failed (never emitted for cancellation). */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* Live tail prepended N rows. */
  signals[SIGNAL_TAIL_ADDED] =
    g_signal_new ("tail-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
nd_log_model_init (NdLogModel *self)
{
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) page_free);
  self->head = g_array_new (FALSE, TRUE, sizeof (NdLogRow));
  self->items = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->strings = nd_log_strings_new ();
  self->strings_limit = STRINGS_MIN_LIMIT;
  self->cancellable = g_cancellable_new ();
}

NdLogModel *
nd_log_model_new (void)
{
  return g_object_new (ND_TYPE_LOG_MODEL, NULL);
}

static void
reset (NdLogModel *self)
{
  guint old = self->n_items;
  gboolean was_loading = self->pending > 0;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->generation++;
  self->pending = 0;
  self->fetching_next = FALSE;
  self->tailing = FALSE;
  detach_items (self);
  clear_rows (self);
  self->n_items = 0;
  self->have_next = FALSE;
  self->newest_id = 0;
  self->has_more = self->source != NULL && self->query != NULL;
  if (old > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, 0);
  if (was_loading)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
  fetch_next (self);
}

void
nd_log_model_set_source (NdLogModel *self, NdSource *source)
{
  g_return_if_fail (ND_IS_LOG_MODEL (self));

  if (!g_set_object (&self->source, source))
    return;
  reset (self);
}

void
nd_log_model_set_query (NdLogModel *self, const NdLogQuery *query, const NdLogCursor *start)
{
  g_return_if_fail (ND_IS_LOG_MODEL (self));

  g_clear_pointer (&self->query, nd_log_query_free);
  self->query = query ? nd_log_query_copy (query) : NULL;
  self->has_start = start != NULL;
  if (start != NULL)
    self->start = *start;
  reset (self);
}

void
nd_log_model_reload (NdLogModel *self)
{
  g_return_if_fail (ND_IS_LOG_MODEL (self));
  reset (self);
}

/* ---- live tail --------------------------------------------------------- */

static void
tail_fetched (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Fetch *f = user_data;
  NdLogModel *self = f->model;
  g_autoptr(NdLogPage) lp = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) moved = NULL;
  GHashTableIter iter;
  gpointer value;
  guint n;

  lp = nd_source_tail_logs_finish (ND_SOURCE (object), result, &error);
  if (f->generation != self->generation)
    goto out;
  self->tailing = FALSE;
  if (lp == NULL)
    {
      report_error (self, error);
      goto out;
    }
  n = lp->rows->len;
  if (lp->next.id == -1)
    {
      /* The source skipped rows between the cursor and these (the HTTP
       * source caps a tail call): prepending would leave a silent gap, so
       * start again from the top. See tail_logs_async in nd-source.h. */
      reset (self);
      goto out;
    }
  if (n == 0)
    goto out;
  if (self->head->len + n > MAX_HEAD)
    {
      /* Too far behind to keep prepending: start again from the top. */
      reset (self);
      goto out;
    }

  {
    g_autoptr(GArray) fresh = g_array_sized_new (FALSE, TRUE, sizeof (NdLogRow), n);

    g_array_set_size (fresh, n);
    /* Tail rows come oldest first; the list shows newest first. */
    for (guint i = 0; i < n; i++)
      {
        NdLog *log = g_ptr_array_index (lp->rows, i);

        nd_log_row_set (&g_array_index (fresh, NdLogRow, n - 1 - i), log, self->strings);
        self->newest_id = MAX (self->newest_id, log->id);
      }
    g_array_prepend_vals (self->head, fresh->data, n);
  }
  compact_strings (self);

  /* Every cached item moves down by n. */
  moved = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      NdLogItem *item = value;

      item->position += n;
      g_hash_table_insert (moved, GUINT_TO_POINTER (item->position), item);
    }
  g_hash_table_remove_all (self->items);
  g_hash_table_iter_init (&iter, moved);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_hash_table_insert (self->items, GUINT_TO_POINTER (ND_LOG_ITEM (value)->position), value);

  self->n_items += n;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, n);
  g_signal_emit (self, signals[SIGNAL_TAIL_ADDED], 0, n);

out:
  fetch_free (f);
}

void
nd_log_model_poll_tail (NdLogModel *self)
{
  g_return_if_fail (ND_IS_LOG_MODEL (self));

  /* Tailing a list that jumped into the past would splice rows out of
   * order: tail only the newest view. */
  if (self->tailing || self->source == NULL || self->query == NULL || self->has_start ||
      (self->pages->len == 0 && self->fetching_next))
    return;
  self->tailing = TRUE;
  nd_source_tail_logs_async (self->source, self->query, self->newest_id, TAIL_BATCH,
                             self->cancellable, tail_fetched, fetch_new (self, -1));
}

gboolean
nd_log_model_get_loading (NdLogModel *self)
{
  return self->pending > 0;
}

gboolean
nd_log_model_get_complete (NdLogModel *self)
{
  return !self->has_more;
}

gint64
nd_log_model_get_newest_id (NdLogModel *self)
{
  return self->newest_id;
}

guint
nd_log_model_get_resident_pages (NdLogModel *self)
{
  return self->resident;
}

gsize
nd_log_model_get_string_bytes (NdLogModel *self)
{
  return nd_log_strings_bytes (self->strings);
}
