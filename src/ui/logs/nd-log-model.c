/* nd-log-model.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-log-model.h"

#define PAGE_SIZE ND_LOG_MODEL_PAGE_SIZE
#define MAX_RESIDENT ND_LOG_MODEL_MAX_RESIDENT
#define MAX_HEAD 20000
#define TAIL_BATCH 500

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

/* ---- compact rows ------------------------------------------------------ */

/* 136 bytes + the four per-row strings. Repeating strings point into the
 * model's string chunk, stored once however many rows use them. */
typedef struct {
  gint64 id;
  gint64 created_at;
  gint64 user_id;
  gint64 token_id;
  gint64 channel_id;
  gint64 quota;
  gint64 prompt_tokens;
  gint64 completion_tokens;
  gint32 use_time;
  guint8 type;
  guint8 is_stream;
  const char *username;
  const char *token_name;
  const char *model_name;
  const char *group;
  const char *ip;
  const char *channel_name;
  char *request_id;
  char *upstream_request_id;
  char *content;
  char *other;
} Row;

typedef struct {
  NdLogCursor start;    /* the page is the rows strictly before this */
  guint len;            /* positions it covers */
  Row *rows;            /* NULL when dropped from memory */
  guint n_rows;         /* rows present (fewer if some were deleted since) */
  gboolean loading;
  guint64 last_used;
} Page;

static void
row_clear (Row *row)
{
  g_free (row->request_id);
  g_free (row->upstream_request_id);
  g_free (row->content);
  g_free (row->other);
}

static void
page_drop_rows (Page *page)
{
  if (page->rows == NULL)
    return;
  for (guint i = 0; i < page->n_rows; i++)
    row_clear (&page->rows[i]);
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
  GArray *head;             /* (element-type Row), live-tail rows, newest first */
  guint n_items;
  NdLogCursor next;
  gboolean has_more;
  gboolean fetching_next;
  gboolean tailing;
  guint pending;            /* fetches in flight */
  guint resident;
  guint64 tick;
  gint64 newest_id;
  guint generation;

  GHashTable *items;        /* position → NdLogItem (not owned) */
  GStringChunk *strings;
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

static const char *
intern (NdLogModel *self, const char *s)
{
  return s ? g_string_chunk_insert_const (self->strings, s) : NULL;
}

static void
row_from_log (NdLogModel *self, Row *row, NdLog *log)
{
  row->id = log->id;
  row->created_at = log->created_at;
  row->user_id = log->user_id;
  row->token_id = log->token_id;
  row->channel_id = log->channel_id;
  row->quota = log->quota;
  row->prompt_tokens = log->prompt_tokens;
  row->completion_tokens = log->completion_tokens;
  row->use_time = (gint32) CLAMP (log->use_time, G_MININT32, G_MAXINT32);
  row->type = (guint8) CLAMP (log->type, 0, 255);
  row->is_stream = log->is_stream;
  row->username = intern (self, log->username);
  row->token_name = intern (self, log->token_name);
  row->model_name = intern (self, log->model_name);
  row->group = intern (self, log->group);
  row->ip = intern (self, log->ip);
  row->channel_name = intern (self, log->channel_name);
  /* Unique per row: moved, not copied. */
  row->request_id = g_steal_pointer (&log->request_id);
  row->upstream_request_id = g_steal_pointer (&log->upstream_request_id);
  row->content = g_steal_pointer (&log->content);
  row->other = g_steal_pointer (&log->other);
}

static NdLog *
log_from_row (const Row *row)
{
  NdLog *log = nd_log_new ();

  log->id = row->id;
  log->created_at = row->created_at;
  log->user_id = row->user_id;
  log->token_id = row->token_id;
  log->channel_id = row->channel_id;
  log->quota = row->quota;
  log->prompt_tokens = row->prompt_tokens;
  log->completion_tokens = row->completion_tokens;
  log->use_time = row->use_time;
  log->type = row->type;
  log->is_stream = row->is_stream;
  log->username = g_strdup (row->username);
  log->token_name = g_strdup (row->token_name);
  log->model_name = g_strdup (row->model_name);
  log->group = g_strdup (row->group);
  log->ip = g_strdup (row->ip);
  log->channel_name = g_strdup (row->channel_name);
  log->request_id = g_strdup (row->request_id);
  log->upstream_request_id = g_strdup (row->upstream_request_id);
  log->content = g_strdup (row->content);
  log->other = g_strdup (row->other);
  return log;
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

static void
store_rows (NdLogModel *self, Page *page, GPtrArray *rows)
{
  guint n = MIN (rows->len, page->len);

  page->rows = g_new0 (Row, page->len);
  for (guint i = 0; i < n; i++)
    row_from_log (self, &page->rows[i], g_ptr_array_index (rows, i));
  page->n_rows = n;
  page->last_used = ++self->tick;
  self->resident++;
  evict (self, page);
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
        item_set_log (item, log_from_row (&page->rows[i]));
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
      self->n_items += page->len;
      g_list_model_items_changed (G_LIST_MODEL (self), old, 0, page->len);
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
  if (self->pages->len > 0)
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
    item->log = log_from_row (&g_array_index (self->head, Row, position));
  else
    {
      guint index = (position - self->head->len) / PAGE_SIZE;
      guint offset = (position - self->head->len) % PAGE_SIZE;
      Page *page = g_ptr_array_index (self->pages, index);

      page->last_used = ++self->tick;
      if (page->rows != NULL && offset < page->n_rows)
        item->log = log_from_row (&page->rows[offset]);
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
    row_clear (&g_array_index (self->head, Row, i));
  g_array_set_size (self->head, 0);
  self->resident = 0;
  /* Strings of the old filter are dropped with their rows. */
  g_string_chunk_clear (self->strings);
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
  g_string_chunk_free (self->strings);
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
  self->head = g_array_new (FALSE, TRUE, sizeof (Row));
  self->items = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->strings = g_string_chunk_new (16 * 1024);
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
    g_autoptr(GArray) fresh = g_array_sized_new (FALSE, TRUE, sizeof (Row), n);

    g_array_set_size (fresh, n);
    /* Tail rows come oldest first; the list shows newest first. */
    for (guint i = 0; i < n; i++)
      {
        NdLog *log = g_ptr_array_index (lp->rows, i);

        row_from_log (self, &g_array_index (fresh, Row, n - 1 - i), log);
        self->newest_id = MAX (self->newest_id, log->id);
      }
    g_array_prepend_vals (self->head, fresh->data, n);
  }

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
