/* nd-user-model.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-error.h"
#include "nd-user-model.h"

/* Asks for the next page once the view wants a row this close to the end. */
#define PREFETCH 40

/* ---- NdUserItem --------------------------------------------------------- */

struct _NdUserItem
{
  GObject parent_instance;
  NdUser *user;
};

G_DEFINE_FINAL_TYPE (NdUserItem, nd_user_item, G_TYPE_OBJECT)

static void
nd_user_item_finalize (GObject *object)
{
  g_clear_pointer (&ND_USER_ITEM (object)->user, nd_user_free);
  G_OBJECT_CLASS (nd_user_item_parent_class)->finalize (object);
}

static void
nd_user_item_class_init (NdUserItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nd_user_item_finalize;
}

static void
nd_user_item_init (NdUserItem *self)
{
}

NdUserItem *
nd_user_item_new (NdUser *user)
{
  NdUserItem *self = g_object_new (ND_TYPE_USER_ITEM, NULL);

  self->user = user;
  return self;
}

const NdUser *
nd_user_item_get_user (NdUserItem *self)
{
  g_return_val_if_fail (ND_IS_USER_ITEM (self), NULL);
  return self->user;
}

/* ---- NdUserModel -------------------------------------------------------- */

struct _NdUserModel
{
  GObject parent_instance;

  NdSource *source;
  NdListQuery query;            /* strings owned */
  GPtrArray *items;             /* (element-type NdUserItem) */
  gint64 total;
  GCancellable *cancellable;    /* the page being fetched */
  guint more_id;                /* idle: fetch the next page */
  gboolean loading;
  gboolean complete;
};

enum { PROP_0, PROP_LOADING, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (NdUserModel, nd_user_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void fetch (NdUserModel *self);

static gboolean
more_cb (gpointer data)
{
  NdUserModel *self = data;

  self->more_id = 0;
  fetch (self);
  return G_SOURCE_REMOVE;
}

static GType
get_item_type (GListModel *model)
{
  return ND_TYPE_USER_ITEM;
}

static guint
get_n_items (GListModel *model)
{
  return ND_USER_MODEL (model)->items->len;
}

static gpointer
get_item (GListModel *model, guint position)
{
  NdUserModel *self = ND_USER_MODEL (model);

  if (position >= self->items->len)
    return NULL;
  /* items-changed must not be emitted from here: the next page is asked
   * for from an idle. */
  if (position + PREFETCH >= self->items->len && !self->complete && !self->loading &&
      self->more_id == 0 && self->source != NULL)
    self->more_id = g_idle_add (more_cb, self);
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
set_loading (NdUserModel *self, gboolean loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LOADING]);
}

static void
list_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(NdUserModel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdListPage) page = nd_source_list_finish (ND_SOURCE (object), result, &error);
  guint before;

  /* A newer query or source took over; its own fetch is running. */
  if (page == NULL && nd_error_is_cancelled (error))
    return;
  if (ND_SOURCE (object) != self->source)
    return;
  g_clear_object (&self->cancellable);
  if (page == NULL)
    {
      /* No retry loop: the next query or reload asks again. */
      self->complete = TRUE;
      set_loading (self, FALSE);
      g_signal_emit (self, signals[FAILED], 0, error->message);
      return;
    }
  before = self->items->len;
  g_ptr_array_set_free_func (page->items, NULL);
  for (guint i = 0; i < page->items->len; i++)
    g_ptr_array_add (self->items, nd_user_item_new (g_ptr_array_index (page->items, i)));
  if (page->total >= 0)
    self->total = page->total;
  self->complete = page->items->len < ND_USER_MODEL_PAGE_SIZE ||
                   (self->total >= 0 && self->items->len >= (guint64) self->total);
  if (self->complete)
    self->total = self->items->len;
  set_loading (self, FALSE);
  if (self->items->len > before)
    g_list_model_items_changed (G_LIST_MODEL (self), before, 0, self->items->len - before);
}

static void
fetch (NdUserModel *self)
{
  if (self->source == NULL || self->loading || self->complete)
    return;
  self->query.offset = self->items->len;
  self->query.limit = ND_USER_MODEL_PAGE_SIZE;
  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  nd_source_list_users_async (self->source, &self->query, self->cancellable, list_done,
                              g_object_ref (self));
}

static void
clear_query (NdListQuery *query)
{
  g_clear_pointer (&query->search, g_free);
  g_clear_pointer (&query->sort_by, g_free);
  g_clear_pointer (&query->group, g_free);
}

/* Drops what is held and any fetch under way. */
static void
reset (NdUserModel *self)
{
  guint removed = self->items->len;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->more_id, g_source_remove);
  g_ptr_array_set_size (self->items, 0);
  self->total = -1;
  self->complete = FALSE;
  set_loading (self, FALSE);
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
}

static void
nd_user_model_dispose (GObject *object)
{
  NdUserModel *self = ND_USER_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->more_id, g_source_remove);
  g_clear_object (&self->source);
  G_OBJECT_CLASS (nd_user_model_parent_class)->dispose (object);
}

static void
nd_user_model_finalize (GObject *object)
{
  NdUserModel *self = ND_USER_MODEL (object);

  g_ptr_array_unref (self->items);
  clear_query (&self->query);
  G_OBJECT_CLASS (nd_user_model_parent_class)->finalize (object);
}

static void
nd_user_model_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, ND_USER_MODEL (object)->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nd_user_model_class_init (NdUserModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nd_user_model_dispose;
  object_class->finalize = nd_user_model_finalize;
  object_class->get_property = nd_user_model_get_property;
  props[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  /* A page could not be read: the message, for people. */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
nd_user_model_init (NdUserModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->total = -1;
}

NdUserModel *
nd_user_model_new (void)
{
  return g_object_new (ND_TYPE_USER_MODEL, NULL);
}

void
nd_user_model_set_source (NdUserModel *self, NdSource *source)
{
  g_return_if_fail (ND_IS_USER_MODEL (self));

  reset (self);
  g_set_object (&self->source, source);
}

void
nd_user_model_set_query (NdUserModel *self, const NdListQuery *query)
{
  g_return_if_fail (ND_IS_USER_MODEL (self));

  clear_query (&self->query);
  self->query = *query;
  self->query.search = g_strdup (query->search);
  self->query.sort_by = g_strdup (query->sort_by);
  self->query.group = g_strdup (query->group);
  nd_user_model_reload (self);
}

void
nd_user_model_reload (NdUserModel *self)
{
  g_return_if_fail (ND_IS_USER_MODEL (self));

  reset (self);
  fetch (self);
}

gboolean
nd_user_model_get_loading (NdUserModel *self)
{
  g_return_val_if_fail (ND_IS_USER_MODEL (self), FALSE);
  return self->loading || self->more_id != 0;
}

gint64
nd_user_model_get_total (NdUserModel *self)
{
  g_return_val_if_fail (ND_IS_USER_MODEL (self), -1);
  return self->total;
}

int
nd_user_model_find (NdUserModel *self, gint64 id)
{
  g_return_val_if_fail (ND_IS_USER_MODEL (self), -1);

  for (guint i = 0; i < self->items->len; i++)
    if (ND_USER_ITEM (g_ptr_array_index (self->items, i))->user->id == id)
      return (int) i;
  return -1;
}
