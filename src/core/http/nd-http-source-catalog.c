/* nd-http-source-catalog.c — channels, users, tokens, redemptions, models,
 * groups and suggestions over the admin API (read only; writes come with
 * the management work)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NdListQuery's offset/limit become p/page_size pages (page_size ≤ 100);
 * an offset that is not a multiple of the page size costs one more request.
 * Channels and tokens on servers before v0.8.8.0 page from p = 0 and answer
 * bare arrays (tokens read `size`): both are handled here. Tokens are
 * self-scoped in NewAPI (reference §3.5): list_tokens lists the connected
 * account's own tokens, and ND_CAP_TOKENS_ALL_USERS stays unset.
 * Models come from /api/pricing (every NewAPI version has it; ratios and
 * prices included), filtered and paged client-side.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-http-source-private.h"
#include "nd-records-json.h"

#define MAX_PAGE_SIZE 100
#define MAX_CHANNEL_PAGES 200

typedef enum { KIND_CHANNEL, KIND_USER, KIND_TOKEN, KIND_REDEMPTION } ListKind;

typedef struct {
  ListKind kind;
  char *path;
  char *base_query;
  gboolean zero_based;
  gboolean all;                /* list_channels: every page */
  guint page;                  /* index from 0 */
  guint page_size;
  guint skip;                  /* rows of the first page before offset */
  guint limit;
  GPtrArray *items;
  gint64 total;
} ListJob;

static void
list_job_free (ListJob *lj)
{
  g_free (lj->path);
  g_free (lj->base_query);
  g_clear_pointer (&lj->items, g_ptr_array_unref);
  g_free (lj);
}

static gpointer
read_item (ListKind kind, JsonObject *obj, gint64 now, GError **error)
{
  switch (kind)
    {
    case KIND_CHANNEL: return nd_channel_read_json (obj, NULL, error);
    case KIND_USER: return nd_http_read_user (obj, error);
    case KIND_TOKEN: return nd_http_read_token (obj, now, error);
    case KIND_REDEMPTION: return nd_http_read_redemption (obj, now, error);
    default: g_assert_not_reached ();
    }
}

static GDestroyNotify
item_free_func (ListKind kind)
{
  switch (kind)
    {
    case KIND_CHANNEL: return (GDestroyNotify) nd_channel_free;
    case KIND_USER: return (GDestroyNotify) nd_user_free;
    case KIND_TOKEN: return (GDestroyNotify) nd_token_free;
    case KIND_REDEMPTION: return (GDestroyNotify) nd_redemption_free;
    default: g_assert_not_reached ();
    }
}

static void list_next (GTask *task);

/* /api/token/ lists the caller's own tokens and its rows carry no owner
 * name: the account this source signed in as (/api/user/self) is it. */
static void
name_own_token (NdSource *source, NdToken *token)
{
  NdServerInfo *info = nd_source_get_info (source);

  if (token->username == NULL && info != NULL && info->username != NULL &&
      token->user_id == info->user_id)
    token->username = g_strdup (info->username);
}

static void
list_page_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ListJob *lj = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  JsonArray *items;
  gint64 total;
  guint n;
  gboolean whole;
  GError *error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || !nd_http_page_items (data, &items, &total, &error))
    return g_task_return_error (task, error);
  n = items ? json_array_get_length (items) : 0;
  if (total >= 0)
    lj->total = total;
  /* A bare array longer than a page is a server that ignored the paging
   * (old token search sends every match): it is the whole list. */
  whole = total < 0 && n > lj->page_size;
  for (guint i = (whole ? lj->page * lj->page_size : 0) + lj->skip;
       i < n && (lj->all || lj->items->len < lj->limit); i++)
    {
      JsonObject *obj = nd_http_item_object (items, i, &error);
      gpointer item = obj ? read_item (lj->kind, obj, now, &error) : NULL;

      if (item == NULL)
        return g_task_return_error (task, error);
      if (lj->kind == KIND_TOKEN)
        name_own_token (ND_SOURCE (g_task_get_source_object (task)), item);
      g_ptr_array_add (lj->items, item);
    }
  lj->skip = 0;

  /* A bare array has no total; its last page tells it. */
  if (whole)
    lj->total = n;
  else if (total < 0 && n < lj->page_size)
    lj->total = (gint64) lj->page * lj->page_size + n;
  if (whole || n < lj->page_size ||
      (total >= 0 && (gint64) (lj->page + 1) * lj->page_size >= total) ||
      (!lj->all && lj->items->len >= lj->limit))
    {
      if (lj->all)
        return g_task_return_pointer (task, g_steal_pointer (&lj->items),
                                      (GDestroyNotify) g_ptr_array_unref);
      else
        {
          NdListPage *page = g_new0 (NdListPage, 1);

          page->items = g_steal_pointer (&lj->items);
          page->total = lj->total;
          return g_task_return_pointer (task, page, (GDestroyNotify) nd_list_page_free);
        }
    }
  if (lj->page + 1 >= MAX_CHANNEL_PAGES)
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PROTOCOL,
                                    _("NewAPI keeps sending pages of %s"), lj->path);
  lj->page++;
  list_next (g_steal_pointer (&task));
}

static void
list_next (GTask *task)
{
  ListJob *lj = g_task_get_task_data (task);
  g_autoptr(GString) query = g_string_new (lj->base_query);

  nd_http_query_add_int (query, "p", lj->zero_based ? lj->page : lj->page + 1);
  nd_http_query_add_int (query, "page_size", lj->page_size);
  if (lj->kind == KIND_TOKEN && lj->zero_based)
    nd_http_query_add_int (query, "size", lj->page_size);
  nd_http_source_get (ND_HTTP_SOURCE (g_task_get_source_object (task)), lj->path, query->str,
                      g_task_get_cancellable (task), list_page_done, task);
}

static void
list_start (NdHttpSource *self, ListKind kind, const char *path, GString *base_query,
            const NdListQuery *lq, gboolean all, gpointer tag, GCancellable *cancellable,
            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ListJob *lj = g_new0 (ListJob, 1);
  const NdHttpDialect *dialect = _nd_http_source_get_dialect (self);
  guint offset = lq ? lq->offset : 0;

  g_task_set_source_tag (task, tag);
  lj->kind = kind;
  lj->path = g_strdup (path);
  lj->base_query = g_strdup (base_query ? base_query->str : "");
  lj->zero_based = dialect->legacy_pages && (kind == KIND_CHANNEL || kind == KIND_TOKEN);
  lj->all = all;
  lj->limit = lq && lq->limit ? lq->limit : 50;
  lj->page_size = all ? MAX_PAGE_SIZE : MIN (lj->limit, MAX_PAGE_SIZE);
  lj->page = offset / lj->page_size;
  lj->skip = offset % lj->page_size;
  lj->total = -1;
  lj->items = g_ptr_array_new_with_free_func (item_free_func (kind));
  g_task_set_task_data (task, lj, (GDestroyNotify) list_job_free);
  list_next (task);
}

static void
add_sort (GString *q, const NdListQuery *lq, const char * const *allowed)
{
  if (lq == NULL || lq->sort_by == NULL)
    return;
  if (!g_strv_contains (allowed, lq->sort_by))
    return;
  nd_http_query_add (q, "sort_by", lq->sort_by);
  nd_http_query_add (q, "sort_order", lq->descending ? "desc" : "asc");
}

static void
http_list_channels_async (NdSource *source, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GString) q = g_string_new (NULL);

  /* Without id_sort NewAPI orders by priority alone: channels of equal
   * priority may move between pages, and a list of several pages would
   * repeat some and miss others. */
  nd_http_query_add (q, "id_sort", "true");
  list_start (ND_HTTP_SOURCE (source), KIND_CHANNEL, "/api/channel/", q, NULL, TRUE,
              http_list_channels_async, cancellable, callback, user_data);
}

static void
http_list_users_async (NdSource *source, const NdListQuery *lq, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  static const char * const sorts[] = { "id", "username", "quota", "group", "created_at",
                                        "last_login_at", NULL };
  g_autoptr(GString) q = g_string_new (NULL);
  gboolean search = lq && ((lq->search && *lq->search) || lq->status != 0 ||
                           (lq->group && *lq->group) || lq->role != 0 ||
                           lq->deleted != ND_LIST_DELETED_INCLUDE);
  const char *refusal = NULL;

  /* What NewAPI's user search cannot do is refused, never approximated
   * (a page that asked for it would show a list that is not what it says). */
  if (lq != NULL && lq->sort_by != NULL && !g_strv_contains (sorts, lq->sort_by))
    refusal = _("NewAPI’s API cannot sort users that way; a database connection can");
  else if (lq != NULL && lq->deleted == ND_LIST_DELETED_EXCLUDE && lq->status == 0)
    refusal = _("NewAPI’s API leaves deleted users out only together with a status filter");
  else if (lq != NULL && lq->deleted == ND_LIST_DELETED_ONLY && lq->status != 0)
    refusal = _("NewAPI’s API cannot filter deleted users by status");
  if (refusal != NULL)
    {
      g_task_report_new_error (source, callback, user_data, http_list_users_async, ND_ERROR,
                               ND_ERROR_UNSUPPORTED, "%s", refusal);
      return;
    }
  if (search)
    {
      nd_http_query_add (q, "keyword", lq->search ? lq->search : "");
      if (lq->group && *lq->group)
        nd_http_query_add (q, "group", lq->group);
      if (lq->role != 0)
        nd_http_query_add_int (q, "role", lq->role);
      /* A status also leaves deleted users out there; -1 lists only them. */
      if (lq->deleted == ND_LIST_DELETED_ONLY)
        nd_http_query_add_int (q, "status", -1);
      else if (lq->status != 0)
        nd_http_query_add_int (q, "status", lq->status);
    }
  add_sort (q, lq, sorts);
  list_start (ND_HTTP_SOURCE (source), KIND_USER, search ? "/api/user/search" : "/api/user/",
              q, lq, FALSE, http_list_users_async, cancellable, callback, user_data);
}

static void
http_list_tokens_async (NdSource *source, const NdListQuery *lq, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GString) q = g_string_new (NULL);
  gboolean search = lq && lq->search && *lq->search;
  NdServerInfo *info = nd_source_get_info (source);

  if (lq != NULL && lq->user_id > 0 && info != NULL && lq->user_id != info->user_id)
    {
      g_task_report_new_error (source, callback, user_data, http_list_tokens_async,
                               ND_ERROR, ND_ERROR_UNSUPPORTED,
                               _("NewAPI’s API lists only the connected account’s own tokens "
                                 "(user #%" PRId64 "); connect the database to see user #%"
                                 PRId64 "’s."), info->user_id, lq->user_id);
      return;
    }

  /* Newer servers match a keyword without % exactly and take at most two
   * %: a plain keyword of two or more characters becomes %keyword% (any
   * part of the name, as the other lists search); older ones always wrap
   * it in % themselves, which a second pair does not change. Token search
   * is rate-limited (10 / min per user): callers debounce. */
  if (search)
    {
      g_autofree char *kw = strchr (lq->search, '%') == NULL && g_utf8_strlen (lq->search, -1) >= 2
                            ? g_strconcat ("%", lq->search, "%", NULL) : g_strdup (lq->search);

      nd_http_query_add (q, "keyword", kw);
    }
  list_start (ND_HTTP_SOURCE (source), KIND_TOKEN, search ? "/api/token/search" : "/api/token/",
              q, lq, FALSE, http_list_tokens_async, cancellable, callback, user_data);
}

static void
http_list_redemptions_async (NdSource *source, const NdListQuery *lq, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GString) q = g_string_new (NULL);
  gboolean search = lq && ((lq->search && *lq->search) || lq->status != 0);

  if (search)
    {
      nd_http_query_add (q, "keyword", lq->search ? lq->search : "");
      /* NewAPI stores no "expired": those are unused codes, the caller
       * keeps the ones past their expiry. */
      if (lq->status == ND_REDEMPTION_FILTER_EXPIRED)
        nd_http_query_add_int (q, "status", ND_REDEMPTION_STATUS_ENABLED);
      else if (lq->status != 0)
        nd_http_query_add_int (q, "status", lq->status);
    }
  list_start (ND_HTTP_SOURCE (source), KIND_REDEMPTION,
              search ? "/api/redemption/search" : "/api/redemption/",
              q, lq, FALSE, http_list_redemptions_async, cancellable, callback, user_data);
}

/* ---- models (pricing) --------------------------------------------------- */

typedef struct {
  NdListQuery lq;
  char *search;
  NdSuggestKind suggest;
  char *prefix;
  guint limit;
} ModelsJob;

static void
models_job_free (ModelsJob *mj)
{
  g_free (mj->search);
  g_free (mj->prefix);
  g_free (mj);
}

static int
cmp_model (gconstpointer a, gconstpointer b)
{
  const NdModel *x = *(NdModel * const *) a;
  const NdModel *y = *(NdModel * const *) b;

  return g_strcmp0 (x->model_name, y->model_name);
}

static GPtrArray *
parse_pricing (JsonNode *root, GError **error)
{
  JsonObject *obj;
  JsonNode *data, *vendors_node;
  g_autoptr(GHashTable) vendors = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_model_free);
  GError *local = NULL;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    goto bad;
  obj = json_node_get_object (root);
  data = json_object_get_member (obj, "data");
  if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data))
    goto bad;
  vendors_node = json_object_get_member (obj, "vendors");
  if (vendors_node != NULL && JSON_NODE_HOLDS_ARRAY (vendors_node))
    {
      JsonArray *va = json_node_get_array (vendors_node);

      for (guint i = 0; i < json_array_get_length (va) && local == NULL; i++)
        {
          JsonObject *vo = nd_http_item_object (va, i, &local);
          gint64 id = vo ? nd_json_read_int (vo, "id", ND_JSON_ID, 0, &local) : 0;
          char *name = vo ? nd_json_read_str (vo, "name", &local) : NULL;

          g_hash_table_insert (vendors, g_memdup2 (&id, sizeof id), name);
        }
    }
  array = json_node_get_array (data);
  for (guint i = 0; i < json_array_get_length (array) && local == NULL; i++)
    {
      JsonObject *mo = nd_http_item_object (array, i, &local);
      NdModel *m;
      gint64 vendor_id;

      if (mo == NULL)
        break;
      m = nd_model_new ();
      m->model_name = nd_json_read_str (mo, "model_name", &local);
      m->description = nd_json_read_str (mo, "description", &local);
      m->tags = nd_json_read_str (mo, "tags", &local);
      vendor_id = nd_json_read_int (mo, "vendor_id", ND_JSON_ID, 0, &local);
      m->vendor = g_strdup (g_hash_table_lookup (vendors, &vendor_id));
      m->status = 1;
      /* Ratios and prices: unset is NaN (the page shows "—"); -1 is how
       * NewAPI says "not priced per call". */
      m->model_ratio = nd_json_read_double (mo, "model_ratio", -1, 1e9, NAN, &local);
      m->completion_ratio = nd_json_read_double (mo, "completion_ratio", -1, 1e9, NAN, &local);
      m->model_price = nd_json_read_int (mo, "quota_type", ND_JSON_CODE, 0, &local) == 1
                       ? nd_json_read_double (mo, "model_price", -1, 1e9, NAN, &local) : NAN;
      if (m->model_name == NULL)
        nd_model_free (m);
      else
        g_ptr_array_add (models, m);
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  g_ptr_array_sort (models, cmp_model);
  return g_steal_pointer (&models);

bad:
  g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
               _("NewAPI’s /api/pricing reply has no model list"));
  return NULL;
}

static gboolean
name_matches (const char *name, const char *needle, gboolean prefix)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (needle == NULL || *needle == '\0')
    return TRUE;
  if (name == NULL)
    return FALSE;
  a = g_utf8_casefold (name, -1);
  b = g_utf8_casefold (needle, -1);
  return prefix ? g_str_has_prefix (a, b) : strstr (a, b) != NULL;
}

static void
pricing_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ModelsJob *mj = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) models = NULL;
  GError *error = NULL;

  root = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (root == NULL || (models = parse_pricing (root, &error)) == NULL)
    return g_task_return_error (task, error);

  if (mj->prefix != NULL)
    {
      GPtrArray *names = g_ptr_array_new ();

      for (guint i = 0; i < models->len && names->len < mj->limit; i++)
        {
          NdModel *m = g_ptr_array_index (models, i);

          if (name_matches (m->model_name, mj->prefix, TRUE))
            g_ptr_array_add (names, g_strdup (m->model_name));
        }
      g_ptr_array_add (names, NULL);
      return g_task_return_pointer (task, g_ptr_array_free (names, FALSE), (GDestroyNotify) g_strfreev);
    }
  {
    NdListPage *page = g_new0 (NdListPage, 1);
    guint limit = mj->lq.limit ? mj->lq.limit : 50;
    guint seen = 0;

    page->items = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_model_free);
    for (guint i = 0; i < models->len; i++)
      {
        NdModel *m = g_ptr_array_index (models, i);

        if (!name_matches (m->model_name, mj->search, FALSE))
          continue;
        if (seen >= mj->lq.offset && page->items->len < limit)
          g_ptr_array_add (page->items, g_steal_pointer (&g_ptr_array_index (models, i)));
        seen++;
      }
    page->total = seen;
    g_task_return_pointer (task, page, (GDestroyNotify) nd_list_page_free);
  }
}

static void
http_list_models_async (NdSource *source, const NdListQuery *lq, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  ModelsJob *mj = g_new0 (ModelsJob, 1);

  g_task_set_source_tag (task, http_list_models_async);
  if (lq != NULL)
    {
      mj->lq = *lq;
      mj->search = g_strdup (lq->search);
    }
  mj->lq.search = NULL;
  mj->lq.sort_by = NULL;
  g_task_set_task_data (task, mj, (GDestroyNotify) models_job_free);
  nd_http_client_get_async (nd_http_source_get_client (ND_HTTP_SOURCE (source)), "/api/pricing",
                            NULL, ND_HTTP_FLAG_RAW, cancellable, pricing_done, task);
}

/* ---- groups, suggestions ------------------------------------------------ */

typedef struct {
  char *prefix;                /* NULL: every group */
  guint limit;
  NdSuggestKind kind;
} StrvJob;

static void
strv_job_free (StrvJob *sj)
{
  g_free (sj->prefix);
  g_free (sj);
}

static int
cmp_strv (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static void
groups_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  StrvJob *sj = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  JsonArray *array;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL)
    return g_task_return_error (task, error);
  if (!JSON_NODE_HOLDS_ARRAY (data))
    return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PROTOCOL,
                                    _("NewAPI’s group list is not a list"));
  array = json_node_get_array (data);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *name;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PROTOCOL,
                                        _("The server sent an impossible group list: item %u "
                                          "is not a name"), i + 1);
      name = json_node_get_string (node);
      if (sj->prefix == NULL || name_matches (name, sj->prefix, TRUE))
        g_ptr_array_add (out, g_strdup (name));
    }
  /* NewAPI lists the keys of a Go map, in no order: sort, then cut. */
  g_ptr_array_sort (out, cmp_strv);
  if (sj->limit && out->len > sj->limit)
    g_ptr_array_set_size (out, sj->limit);
  g_ptr_array_set_free_func (out, NULL);
  g_ptr_array_add (out, NULL);
  g_task_return_pointer (task, g_ptr_array_free (g_steal_pointer (&out), FALSE),
                         (GDestroyNotify) g_strfreev);
}

static void
http_list_groups_async (NdSource *source, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, http_list_groups_async);
  g_task_set_task_data (task, g_new0 (StrvJob, 1), (GDestroyNotify) strv_job_free);
  nd_http_source_get (ND_HTTP_SOURCE (source), "/api/group/", NULL, cancellable, groups_done, task);
}

static void
users_suggest_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  StrvJob *sj = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  JsonArray *items;
  gint64 total;
  GError *error = NULL;

  data = nd_http_client_get_finish (ND_HTTP_CLIENT (object), result, &error);
  if (data == NULL || !nd_http_page_items (data, &items, &total, &error))
    return g_task_return_error (task, error);
  for (guint i = 0; items && i < json_array_get_length (items) && out->len < sj->limit; i++)
    {
      JsonObject *obj = nd_http_item_object (items, i, &error);
      g_autofree char *name = obj ? nd_json_read_str (obj, "username", &error) : NULL;

      if (error != NULL)
        return g_task_return_error (task, error);
      /* The server matches anywhere (LIKE %kw%); suggestions are prefixes. */
      if (name && name_matches (name, sj->prefix, TRUE))
        g_ptr_array_add (out, g_steal_pointer (&name));
    }
  g_ptr_array_add (out, NULL);
  g_task_return_pointer (task, g_ptr_array_free (g_steal_pointer (&out), FALSE),
                         (GDestroyNotify) g_strfreev);
}

static void
http_suggest_async (NdSource *source, NdSuggestKind kind, const char *prefix, guint limit,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  NdHttpSource *self = ND_HTTP_SOURCE (source);
  GTask *task = g_task_new (source, cancellable, callback, user_data);
  StrvJob *sj = g_new0 (StrvJob, 1);

  g_task_set_source_tag (task, http_suggest_async);
  sj->prefix = g_strdup (prefix ? prefix : "");
  sj->limit = limit ? limit : 20;
  sj->kind = kind;
  g_task_set_task_data (task, sj, (GDestroyNotify) strv_job_free);

  switch (kind)
    {
    case ND_SUGGEST_USERNAME:
      {
        g_autoptr(GString) q = g_string_new (NULL);

        /* Search routes are rate-limited (10 / min per user): callers
         * debounce; an empty prefix lists the newest users. */
        if (*sj->prefix != '\0')
          nd_http_query_add (q, "keyword", sj->prefix);
        nd_http_query_add_int (q, "p", 1);
        nd_http_query_add_int (q, "page_size", MAX_PAGE_SIZE);
        nd_http_source_get (self, *sj->prefix ? "/api/user/search" : "/api/user/", q->str,
                            cancellable, users_suggest_done, task);
        return;
      }
    case ND_SUGGEST_MODEL:
      {
        ModelsJob *mj = g_new0 (ModelsJob, 1);

        mj->prefix = g_strdup (sj->prefix);
        mj->limit = sj->limit;
        g_task_set_task_data (task, mj, (GDestroyNotify) models_job_free);
        nd_http_client_get_async (nd_http_source_get_client (self), "/api/pricing", NULL,
                                  ND_HTTP_FLAG_RAW, cancellable, pricing_done, task);
        return;
      }
    case ND_SUGGEST_GROUP:
      nd_http_source_get (self, "/api/group/", NULL, cancellable, groups_done, task);
      return;
    case ND_SUGGEST_TOKEN_NAME:
    default:
      g_task_return_new_error (task, ND_ERROR, ND_ERROR_UNSUPPORTED,
                               _("NewAPI’s admin API only lists the connected account’s own "
                                 "tokens, so token names cannot be suggested"));
      g_object_unref (task);
      return;
    }
}

void
_nd_http_source_class_init_catalog (NdSourceClass *klass)
{
  klass->list_channels_async = http_list_channels_async;
  klass->list_users_async = http_list_users_async;
  klass->list_tokens_async = http_list_tokens_async;
  klass->list_redemptions_async = http_list_redemptions_async;
  klass->list_models_async = http_list_models_async;
  klass->list_groups_async = http_list_groups_async;
  klass->suggest_async = http_suggest_async;
}
