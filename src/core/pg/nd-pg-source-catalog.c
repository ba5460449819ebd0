/* nd-pg-source-catalog.c — channels, users, tokens, redemptions, models,
 * groups and suggestions from the main database
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rows are read as to_jsonb(row) minus every secret-bearing column, so a
 * column an older NewAPI lacks is simply absent and no key ever leaves the
 * database: token and redemption keys are masked by the server (first 4 +
 * *** + last 4, as nd_mask_secret does), channel keys and overrides and
 * user passwords/access tokens are removed before the row is sent.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "nd-json.h"
#include "nd-time.h"
#include "nd-records-json.h"
#include "nd-pg-source-private.h"

#define CHANNEL_CACHE_SECONDS 60

/* NewAPI's MaskTokenKey with the "sk-" clients type, as nd_mask_token_key
 * does: the key never leaves the database. */
#define TOKEN_MASK_SQL(col) \
  "CASE WHEN " col " IS NULL OR " col " = '' THEN '' " \
  "WHEN char_length(" col ") <= 4 THEN 'sk-' || repeat('*', char_length(" col ")) " \
  "WHEN char_length(" col ") <= 8 THEN 'sk-' || left(" col ", 2) || '****' || right(" col ", 2) " \
  "ELSE 'sk-' || left(" col ", 4) || '**********' || right(" col ", 4) END"

#define MASK_SQL(col) \
  "CASE WHEN " col " IS NULL OR " col " = '' THEN '' " \
  "WHEN char_length(" col ") <= 12 THEN '***' " \
  "ELSE left(" col ", 4) || '***' || right(" col ", 4) END"

/* Returns NULL with @error set when the row holds an impossible value. */
typedef gpointer (*RowParser) (JsonObject *o, GError **error);

/* ---- channel names cache ----------------------------------------------- */

typedef struct {
  GHashTable *names;   /* gint64* → utf8 */
  gint64 loaded_at;    /* monotonic µs */
} ChannelCache;

static void
channel_cache_free (ChannelCache *cache)
{
  g_clear_pointer (&cache->names, g_hash_table_unref);
  g_free (cache);
}

static GQuark
channel_cache_quark (void)
{
  return g_quark_from_static_string ("nd-pg-channel-cache");
}

static void
channel_names_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  g_autoptr(PGresult) res = NULL;
  GHashTable *names;
  GError *error = NULL;

  res = nd_pg_exec (pg, "SELECT id, coalesce(name, '') FROM channels", 0, NULL, cancellable,
                    &error);
  if (res == NULL)
    return g_task_return_error (task, error);
  names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  for (int i = 0; i < PQntuples (res); i++)
    {
      gint64 *id = g_new (gint64, 1);

      *id = nd_pg_int64 (res, i, 0);
      g_hash_table_insert (names, id, nd_pg_strdup (res, i, 1));
    }
  g_task_return_pointer (task, names, (GDestroyNotify) g_hash_table_unref);
}

static void
channel_names_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  NdPgSource *self = g_task_get_source_object (task);
  GHashTable *names;
  ChannelCache *cache;
  GError *error = NULL;

  names = g_task_propagate_pointer (G_TASK (result), &error);
  if (names == NULL)
    return g_task_return_error (task, error);
  cache = g_new0 (ChannelCache, 1);
  cache->names = g_hash_table_ref (names);
  cache->loaded_at = g_get_monotonic_time ();
  g_object_set_qdata_full (G_OBJECT (self), channel_cache_quark (), cache,
                           (GDestroyNotify) channel_cache_free);
  g_task_return_pointer (task, names, (GDestroyNotify) g_hash_table_unref);
}

void
_nd_pg_source_channel_names_async (NdPgSource *self, gboolean force, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ChannelCache *cache = g_object_get_qdata (G_OBJECT (self), channel_cache_quark ());
  GTask *sub;

  g_task_set_source_tag (task, _nd_pg_source_channel_names_async);
  if (!force && cache != NULL &&
      g_get_monotonic_time () - cache->loaded_at < CHANNEL_CACHE_SECONDS * G_USEC_PER_SEC)
    return g_task_return_pointer (task, g_hash_table_ref (cache->names),
                                  (GDestroyNotify) g_hash_table_unref);

  sub = g_task_new (self, cancellable, channel_names_loaded, g_steal_pointer (&task));
  nd_pg_conn_run (nd_pg_source_get_main (self), sub, channel_names_job, NULL, NULL);
  g_object_unref (sub);
}

GHashTable *
_nd_pg_source_channel_names_finish (NdPgSource *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- generic list job -------------------------------------------------- */

typedef struct {
  char *sql;
  GPtrArray *params;
  RowParser parse;
  GDestroyNotify free_item;
  gboolean as_page;     /* NdListPage with total in column 1, else GPtrArray */
  char *missing;        /* set: one row (the item itself), this NOT_FOUND sentence if none */
} ListData;

static void
list_data_free (ListData *ld)
{
  g_free (ld->sql);
  g_ptr_array_unref (ld->params);
  g_free (ld->missing);
  g_free (ld);
}

static void
list_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  ListData *ld = job_data;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  GPtrArray *items;
  gint64 total = 0;
  GError *error = NULL;

  res = nd_pg_exec (pg, ld->sql, ld->params->len, (const char * const *) ld->params->pdata,
                    cancellable, &error);
  if (res == NULL)
    return g_task_return_error (task, error);

  items = g_ptr_array_new_with_free_func (ld->free_item);
  for (int i = 0; i < PQntuples (res); i++)
    {
      JsonNode *root;

      if (!json_parser_load_from_data (parser, PQgetvalue (res, i, 0), -1, &error))
        {
          g_ptr_array_unref (items);
          return g_task_return_new_error (task, ND_ERROR, ND_ERROR_PROTOCOL, "%s", error->message);
        }
      root = json_parser_get_root (parser);
      if (JSON_NODE_HOLDS_OBJECT (root))
        {
          gpointer item = ld->parse (json_node_get_object (root), &error);

          if (item == NULL)
            {
              g_ptr_array_unref (items);
              g_prefix_error (&error, _("The database holds a row NewAPI could not have written: "));
              return g_task_return_error (task, error);
            }
          g_ptr_array_add (items, item);
        }
      if (ld->as_page && PQnfields (res) > 1)
        total = nd_pg_int64 (res, i, 1);
    }

  if (ld->missing != NULL)
    {
      if (items->len == 0)
        g_task_return_new_error (task, ND_ERROR, ND_ERROR_NOT_FOUND, "%s", ld->missing);
      else
        g_task_return_pointer (task, g_ptr_array_steal_index (items, 0), ld->free_item);
      g_ptr_array_unref (items);
    }
  else if (ld->as_page)
    {
      NdListPage *page = g_new0 (NdListPage, 1);

      page->items = items;
      /* count(*) OVER () is only seen on returned rows; past the end, the
       * caller's offset is all we know. */
      page->total = items->len > 0 ? total : -1;
      g_task_return_pointer (task, page, (GDestroyNotify) nd_list_page_free);
    }
  else
    g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
}

typedef struct {
  const char *table;
  const char *row_json;          /* expression over alias t */
  const char *search_cols[4];    /* text columns matched by ILIKE */
  const char *sort_cols[8];      /* allowed sort_by values (= column names) */
  /* Per sort_cols index, an expression over t to order by instead of the
   * bare column (NULL: the column, NULLs last). */
  const char *sort_exprs[8];
  const char *status_col;        /* NULL: no status filter */
  const char *user_col;          /* NdListQuery.user_id matches it; NULL: no owner filter */
  const char *group_col;         /* NdListQuery.group matches it; NULL: no group filter */
  /* More searched text: SQL expressions over t (masked keys, names of
   * other tables' rows), ILIKE too. */
  const char *search_exprs[2];
  /* Per NdListQuery.status (index), a condition over t to use instead of
   * status_col = status: the effective status, worked out as the rows
   * themselves are (NULL: the plain comparison). */
  const char *status_exprs[5];
  gboolean soft_delete;
  gboolean user_filters;         /* NdListQuery's group, role and deleted */
  RowParser parse;
  GDestroyNotify free_item;
} ListSpec;

static char *
like_escape (const char *s)
{
  GString *out = g_string_new ("%");

  for (const char *p = s; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '%');
  return g_string_free (out, FALSE);
}

static void
run_list (NdSource *source, const ListSpec *spec, const NdListQuery *q, gpointer tag,
          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  GString *sql = g_string_new (NULL);
  ListData *ld = g_new0 (ListData, 1);
  g_autofree char *sort = g_strdup ("t.id");
  g_autofree char *order = NULL;

  g_task_set_source_tag (task, tag);
  ld->params = g_ptr_array_new_with_free_func (g_free);
  ld->parse = spec->parse;
  ld->free_item = spec->free_item;
  ld->as_page = TRUE;

  /* The page's ids first, with only the sort keys in hand: sorting whole
   * rows as JSON spilled to disk at a few ten thousand users (5 s for a
   * deep page); the JSON is built for the page's rows alone. */
  g_string_printf (sql, "SELECT (%s)::text, p.total FROM (SELECT t.id, count(*) OVER () AS total, "
                   "row_number() OVER (ORDER BY __ORDER__) AS n FROM %s AS t WHERE TRUE",
                   spec->row_json, spec->table);
  if (spec->soft_delete)
    g_string_append (sql, " AND t.deleted_at IS NULL");
  if (q != NULL && q->search != NULL && *q->search != '\0')
    {
      g_string_append (sql, " AND (FALSE");
      g_ptr_array_add (ld->params, like_escape (q->search));
      for (guint i = 0; i < G_N_ELEMENTS (spec->search_cols) && spec->search_cols[i]; i++)
        g_string_append_printf (sql, " OR t.%s::text ILIKE $%u", spec->search_cols[i],
                                ld->params->len);
      for (guint i = 0; i < G_N_ELEMENTS (spec->search_exprs) && spec->search_exprs[i]; i++)
        g_string_append_printf (sql, " OR (%s) ILIKE $%u", spec->search_exprs[i], ld->params->len);
      /* A number also matches the id exactly, as NewAPI's search does. */
      g_string_append_printf (sql, " OR t.id::text = trim(both '%%' from $%u)", ld->params->len);
      g_string_append (sql, ")");
    }
  if (q != NULL && q->status > 0 && q->status < (int) G_N_ELEMENTS (spec->status_exprs) &&
      spec->status_exprs[q->status] != NULL)
    {
      g_autoptr(GString) cond = g_string_new (spec->status_exprs[q->status]);
      g_autofree char *now = NULL;

      /* The client's clock, as nd_token_derive_status uses on the rows. */
      g_ptr_array_add (ld->params, g_strdup_printf ("%" G_GINT64_FORMAT, nd_time_now ()));
      now = g_strdup_printf ("$%u::bigint", ld->params->len);
      g_string_replace (cond, "$NOW", now, 0);
      g_string_append_printf (sql, " AND (%s)", cond->str);
    }
  else if (q != NULL && q->status != 0 && spec->status_col != NULL)
    {
      g_ptr_array_add (ld->params, g_strdup_printf ("%d", q->status));
      g_string_append_printf (sql, " AND t.%s = $%u::bigint", spec->status_col, ld->params->len);
    }
  if (q != NULL && spec->user_filters)
    {
      if (q->group != NULL && *q->group != '\0')
        {
          g_ptr_array_add (ld->params, g_strdup (q->group));
          g_string_append_printf (sql, " AND t.\"group\" = $%u", ld->params->len);
        }
      if (q->role != 0)
        g_string_append_printf (sql, " AND t.role = %d", q->role);
      if (q->deleted == ND_LIST_DELETED_EXCLUDE)
        g_string_append (sql, " AND t.deleted_at IS NULL");
      else if (q->deleted == ND_LIST_DELETED_ONLY)
        g_string_append (sql, " AND t.deleted_at IS NOT NULL");
    }
  if (q != NULL && q->user_id > 0 && spec->user_col != NULL)
    {
      g_ptr_array_add (ld->params, g_strdup_printf ("%" G_GINT64_FORMAT, q->user_id));
      g_string_append_printf (sql, " AND t.%s = $%u::bigint", spec->user_col, ld->params->len);
    }
  if (q != NULL && q->group != NULL && spec->group_col != NULL)
    {
      g_ptr_array_add (ld->params, g_strdup (q->group));
      g_string_append_printf (sql, " AND t.%s = $%u", spec->group_col, ld->params->len);
    }
  if (q != NULL && q->sort_by != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (spec->sort_cols) && spec->sort_cols[i]; i++)
      if (g_str_equal (q->sort_by, spec->sort_cols[i]))
        {
          g_free (sort);
          sort = spec->sort_exprs[i] ? g_strdup (spec->sort_exprs[i])
                                     : g_strdup_printf ("t.%s", spec->sort_cols[i]);
        }
  /* Ties go by id, so offset pages neither repeat nor skip a row. */
  order = g_strdup_printf ("%s %s NULLS LAST, t.id %s", sort,
                           q == NULL || q->descending || q->sort_by == NULL ? "DESC" : "ASC",
                           q == NULL || q->descending || q->sort_by == NULL ? "DESC" : "ASC");
  g_string_append_printf (sql, " ORDER BY %s LIMIT %u OFFSET %u) AS p JOIN %s AS t "
                          "ON t.id = p.id ORDER BY p.n", order,
                          q != NULL && q->limit > 0 ? MIN (q->limit, 1000) : 100,
                          q != NULL ? q->offset : 0, spec->table);
  g_string_replace (sql, "__ORDER__", order, 1);
  ld->sql = g_string_free (sql, FALSE);
  nd_pg_conn_run (nd_pg_source_get_main (ND_PG_SOURCE (source)), task, list_job, ld,
                  (GDestroyNotify) list_data_free);
}

/* ---- channels ---------------------------------------------------------- */

#define CHANNEL_JSON \
  "to_jsonb(t) - 'key' - 'header_override' - 'param_override' - 'other' - 'setting' " \
  "- 'settings' - 'model_mapping' - 'status_code_mapping' - 'open_ai_organization'"

static gpointer
parse_channel (JsonObject *o, GError **error)
{
  return nd_channel_read_json (o, NULL, error);
}

static void
pg_list_channels_async (NdSource *source, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  ListData *ld = g_new0 (ListData, 1);

  g_task_set_source_tag (task, pg_list_channels_async);
  ld->sql = g_strdup ("SELECT (" CHANNEL_JSON ")::text FROM channels AS t ORDER BY t.id");
  ld->params = g_ptr_array_new_with_free_func (g_free);
  ld->parse = parse_channel;
  ld->free_item = (GDestroyNotify) nd_channel_free;
  nd_pg_conn_run (nd_pg_source_get_main (ND_PG_SOURCE (source)), task, list_job, ld,
                  (GDestroyNotify) list_data_free);
}

/* ---- users ------------------------------------------------------------- */

/* Never the password hash, the access token, the OAuth ids (only whether
 * each is bound, as NdUserBindings bits) or the settings (webhook secrets,
 * gotify tokens). */
#define USER_JSON \
  "to_jsonb(t) - 'password' - 'access_token' - 'setting' - 'aff_code' - 'github_id' " \
  "- 'discord_id' - 'oidc_id' - 'wechat_id' - 'telegram_id' - 'linux_do_id' - 'deleted_at' " \
  "- 'stripe_customer' || jsonb_build_object(" \
  "'deleted_at', extract(epoch FROM t.deleted_at)::bigint, " \
  "'bindings', (COALESCE(t.github_id, '') <> '')::int | " \
  "((COALESCE(t.discord_id, '') <> '')::int << 1) | ((COALESCE(t.oidc_id, '') <> '')::int << 2) | " \
  "((COALESCE(t.wechat_id, '') <> '')::int << 3) | " \
  "((COALESCE(t.telegram_id, '') <> '')::int << 4) | " \
  "((COALESCE(t.linux_do_id, '') <> '')::int << 5))"

static gpointer
parse_user (JsonObject *o, GError **error)
{
  NdUser *u = nd_user_new ();

  u->id = nd_json_int (o, "id", 0);
  u->username = nd_json_strdup (o, "username");
  u->display_name = nd_json_strdup (o, "display_name");
  u->email = nd_json_strdup (o, "email");
  u->group = nd_json_strdup (o, "group");
  u->remark = nd_json_strdup (o, "remark");
  u->role = (int) nd_json_int (o, "role", 0);
  u->status = (int) nd_json_int (o, "status", 0);
  u->quota = nd_json_int (o, "quota", 0);
  u->used_quota = nd_json_int (o, "used_quota", 0);
  u->request_count = nd_json_int (o, "request_count", 0);
  u->created_at = nd_json_int (o, "created_at", 0);
  u->last_login_at = nd_json_int (o, "last_login_at", 0);
  u->deleted_at = nd_json_int (o, "deleted_at", 0);
  u->deleted = json_object_has_member (o, "deleted_at") &&
               !JSON_NODE_HOLDS_NULL (json_object_get_member (o, "deleted_at"));
  u->bindings = (NdUserBindings) nd_json_int (o, "bindings", 0);
  u->inviter_id = nd_json_int (o, "inviter_id", 0);
  u->aff_count = nd_json_int (o, "aff_count", 0);
  u->aff_quota = nd_json_int (o, "aff_quota", 0);
  u->aff_history_quota = nd_json_int (o, "aff_history", 0);
  return u;
}

static const ListSpec users_spec = {
  .table = "users",
  .row_json = USER_JSON,
  .search_cols = { "username", "display_name", "email" },
  .sort_cols = { "id", "username", "quota", "used_quota", "request_count", "created_at",
                 "last_login_at" },
  /* Rows from before NewAPI had the column carry no created_at (NULL; 0
   * from some imports): they are older than every stamped row, and among
   * themselves id order is creation order, so they sort as time 0 with
   * the id deciding, first ascending and last descending. */
  .sort_exprs = { [5] = "COALESCE(t.created_at, 0)" },
  .status_col = "status",
  .soft_delete = FALSE,   /* NewAPI's admin list shows deleted users too */
  .user_filters = TRUE,
  .parse = parse_user,
  .free_item = (GDestroyNotify) nd_user_free,
};

static void
pg_list_users_async (NdSource *source, const NdListQuery *query, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  run_list (source, &users_spec, query, pg_list_users_async, cancellable, callback, user_data);
}

static void
pg_get_user_async (NdSource *source, gint64 id, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  ListData *ld = g_new0 (ListData, 1);

  g_task_set_source_tag (task, pg_get_user_async);
  ld->sql = g_strdup ("SELECT (" USER_JSON ")::text FROM users AS t WHERE t.id = $1::bigint");
  ld->params = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (ld->params, g_strdup_printf ("%" G_GINT64_FORMAT, id));
  ld->parse = parse_user;
  ld->free_item = (GDestroyNotify) nd_user_free;
  ld->missing = g_strdup_printf (_("User #%" PRId64 " does not exist (any more)"), id);
  nd_pg_conn_run (nd_pg_source_get_main (ND_PG_SOURCE (source)), task, list_job, ld,
                  (GDestroyNotify) list_data_free);
}

/* ---- tokens ------------------------------------------------------------ */

static gpointer
parse_token (JsonObject *o, GError **error)
{
  NdToken *t = nd_token_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  t->id = nd_json_int (o, "id", 0);
  t->user_id = nd_json_int (o, "user_id", 0);
  t->username = nd_json_strdup (o, "username");
  t->name = nd_json_strdup (o, "name");
  t->masked_key = nd_json_strdup (o, "masked_key");
  t->group = nd_json_strdup (o, "group");
  t->model_limits = nd_json_strdup (o, "model_limits");
  t->allow_ips = nd_json_strdup (o, "allow_ips");
  t->status = (int) nd_json_int (o, "status", 0);
  t->created_time = nd_json_int (o, "created_time", 0);
  t->accessed_time = nd_json_int (o, "accessed_time", 0);
  t->expired_time = nd_json_int (o, "expired_time", 0);
  t->remain_quota = nd_json_int (o, "remain_quota", 0);
  t->used_quota = nd_json_int (o, "used_quota", 0);
  t->unlimited_quota = nd_json_bool (o, "unlimited_quota");
  t->model_limits_enabled = nd_json_bool (o, "model_limits_enabled");
  nd_token_derive_status (t, now);
  return t;
}

static const ListSpec tokens_spec = {
  .table = "tokens",
  .row_json = "to_jsonb(t) - 'key' || jsonb_build_object('masked_key', "
              TOKEN_MASK_SQL ("t.\"key\"::text") ", 'username', "
              "(SELECT u.username FROM users u WHERE u.id = t.user_id))",
  .search_cols = { "name" },
  /* A masked key pasted from a log or a list finds its token; the key
   * itself is never matched (a search would be a way to guess it). */
  .search_exprs = { TOKEN_MASK_SQL ("t.\"key\"::text"),
                    "(SELECT u.username FROM users u WHERE u.id = t.user_id)" },
  .sort_cols = { "id", "name", "remain_quota", "used_quota", "created_time", "accessed_time",
                 "expired_time" },
  .status_col = "status",
  /* Expired and exhausted as nd_token_derive_status works them out: a
   * server with Redis never writes them back. */
  .status_exprs = {
    [ND_TOKEN_STATUS_ENABLED] = "t.status = 1 AND (t.expired_time = -1 OR t.expired_time >= $NOW) "
                                "AND (t.unlimited_quota OR t.remain_quota > 0)",
    [ND_TOKEN_STATUS_EXPIRED] = "t.status = 3 OR (t.status = 1 AND t.expired_time <> -1 "
                                "AND t.expired_time < $NOW)",
    [ND_TOKEN_STATUS_EXHAUSTED] = "t.status = 4 OR (t.status = 1 AND (t.expired_time = -1 OR "
                                  "t.expired_time >= $NOW) AND NOT t.unlimited_quota "
                                  "AND t.remain_quota <= 0)",
  },
  .user_col = "user_id",
  .group_col = "\"group\"",
  .soft_delete = TRUE,
  .parse = parse_token,
  .free_item = (GDestroyNotify) nd_token_free,
};

static void
pg_list_tokens_async (NdSource *source, const NdListQuery *query, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  run_list (source, &tokens_spec, query, pg_list_tokens_async, cancellable, callback, user_data);
}

/* ---- redemptions ------------------------------------------------------- */

static gpointer
parse_redemption (JsonObject *o, GError **error)
{
  NdRedemption *r = nd_redemption_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  r->id = nd_json_int (o, "id", 0);
  r->user_id = nd_json_int (o, "user_id", 0);
  r->used_user_id = nd_json_int (o, "used_user_id", 0);
  r->name = nd_json_strdup (o, "name");
  r->username = nd_json_strdup (o, "username");
  r->used_username = nd_json_strdup (o, "used_username");
  r->masked_key = nd_json_strdup (o, "masked_key");
  r->status = (int) nd_json_int (o, "status", 0);
  r->quota = nd_json_int (o, "quota", 0);
  r->created_time = nd_json_int (o, "created_time", 0);
  r->redeemed_time = nd_json_int (o, "redeemed_time", 0);
  r->expired_time = nd_json_int (o, "expired_time", 0);
  nd_redemption_derive_expired (r, now);
  return r;
}

static const ListSpec redemptions_spec = {
  .table = "redemptions",
  .row_json = "to_jsonb(t) - 'key' || jsonb_build_object('masked_key', "
              MASK_SQL ("trim(t.key)") ", "
              "'username', (SELECT u.username FROM users u WHERE u.id = t.user_id), "
              "'used_username', (SELECT u.username FROM users u WHERE u.id = t.used_user_id "
              "AND t.used_user_id > 0))",
  .search_cols = { "name" },
  .sort_cols = { "id", "name", "quota", "created_time", "redeemed_time", "expired_time" },
  .status_col = "status",
  /* Unused means still redeemable; expired as nd_redemption_derive_expired. */
  .status_exprs = {
    [ND_REDEMPTION_STATUS_ENABLED] = "t.status = 1 AND (t.expired_time = 0 OR t.expired_time >= $NOW)",
    [ND_REDEMPTION_FILTER_EXPIRED] = "t.status = 1 AND t.expired_time <> 0 AND t.expired_time < $NOW",
  },
  .soft_delete = TRUE,
  .parse = parse_redemption,
  .free_item = (GDestroyNotify) nd_redemption_free,
};

static void
pg_list_redemptions_async (NdSource *source, const NdListQuery *query, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  run_list (source, &redemptions_spec, query, pg_list_redemptions_async, cancellable, callback,
            user_data);
}

/* ---- models ------------------------------------------------------------ */

/* Every model some channel offers (abilities), with its metadata row when
 * one exists and its ratios from the options table. */
static gpointer
parse_model (JsonObject *o, GError **error)
{
  NdModel *m = nd_model_new ();
  JsonNode *n;

  m->id = nd_json_int (o, "id", 0);
  m->model_name = nd_json_strdup (o, "model_name");
  m->description = nd_json_strdup (o, "description");
  m->vendor = nd_json_strdup (o, "vendor");
  m->tags = nd_json_strdup (o, "tags");
  m->status = json_object_has_member (o, "status") ? (int) nd_json_int (o, "status", 0) : 1;
  m->name_rule = (int) nd_json_int (o, "name_rule", 0);
  m->channel_count = nd_json_int (o, "channel_count", 0);
  if ((n = json_object_get_member (o, "model_ratio")) && JSON_NODE_HOLDS_VALUE (n))
    m->model_ratio = nd_json_double (o, "model_ratio", 0);
  if ((n = json_object_get_member (o, "completion_ratio")) && JSON_NODE_HOLDS_VALUE (n))
    m->completion_ratio = nd_json_double (o, "completion_ratio", 0);
  if ((n = json_object_get_member (o, "model_price")) && JSON_NODE_HOLDS_VALUE (n))
    m->model_price = nd_json_double (o, "model_price", 0);
  return m;
}

static void
pg_list_models_async (NdSource *source, const NdListQuery *q, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  ListData *ld = g_new0 (ListData, 1);
  GString *sql = g_string_new (NULL);

  g_task_set_source_tag (task, pg_list_models_async);
  ld->params = g_ptr_array_new_with_free_func (g_free);
  ld->parse = parse_model;
  ld->free_item = (GDestroyNotify) nd_model_free;
  ld->as_page = TRUE;
  g_ptr_array_add (ld->params, like_escape (q && q->search ? q->search : ""));
  g_string_append (sql,
    "WITH opt AS (SELECT key, CASE WHEN value ~ '^\\s*\\{' THEN value::jsonb END AS j FROM options "
    "  WHERE key IN ('ModelRatio', 'CompletionRatio', 'ModelPrice')), "
    "names AS (SELECT model, count(DISTINCT channel_id) AS n FROM abilities GROUP BY model), "
    "meta AS (SELECT DISTINCT ON (model_name) * FROM models WHERE deleted_at IS NULL "
    "  ORDER BY model_name, id) "
    "SELECT jsonb_strip_nulls(jsonb_build_object("
    "  'id', meta.id, 'model_name', coalesce(names.model, meta.model_name), "
    "  'description', meta.description, 'tags', meta.tags, 'status', meta.status, "
    "  'name_rule', meta.name_rule, 'vendor', (SELECT v.name FROM vendors v WHERE v.id = meta.vendor_id), "
    "  'channel_count', coalesce(names.n, 0), "
    "  'model_ratio', (SELECT j -> coalesce(names.model, meta.model_name) FROM opt WHERE key = 'ModelRatio'), "
    "  'completion_ratio', (SELECT j -> coalesce(names.model, meta.model_name) FROM opt WHERE key = 'CompletionRatio'), "
    "  'model_price', (SELECT j -> coalesce(names.model, meta.model_name) FROM opt WHERE key = 'ModelPrice')"
    "))::text, count(*) OVER () "
    "FROM names FULL JOIN meta ON meta.model_name = names.model "
    "WHERE coalesce(names.model, meta.model_name) ILIKE $1 ");
  g_string_append_printf (sql, "ORDER BY coalesce(names.model, meta.model_name) LIMIT %u OFFSET %u",
                          q != NULL && q->limit > 0 ? MIN (q->limit, 5000) : 500,
                          q != NULL ? q->offset : 0);
  ld->sql = g_string_free (sql, FALSE);
  nd_pg_conn_run (nd_pg_source_get_main (ND_PG_SOURCE (source)), task, list_job, ld,
                  (GDestroyNotify) list_data_free);
}

/* ---- groups and suggestions -------------------------------------------- */

typedef struct {
  char *sql;
  char *prefix;
} StrvData;

static void
strv_data_free (StrvData *sd)
{
  g_free (sd->sql);
  g_free (sd->prefix);
  g_free (sd);
}

static void
strv_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  StrvData *sd = job_data;
  const char *params[1] = { sd->prefix };
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  GError *error = NULL;

  res = nd_pg_exec (pg, sd->sql, 1, params, cancellable, &error);
  if (res == NULL)
    return g_task_return_error (task, error);
  for (int i = 0; i < PQntuples (res); i++)
    if (!PQgetisnull (res, i, 0))
      g_strv_builder_add (b, PQgetvalue (res, i, 0));
  g_task_return_pointer (task, g_strv_builder_end (b), (GDestroyNotify) g_strfreev);
}

static void
run_strv (NdSource *source, char *sql, const char *prefix, gpointer tag,
          GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);
  StrvData *sd = g_new0 (StrvData, 1);

  g_task_set_source_tag (task, tag);
  sd->sql = sql;
  sd->prefix = g_strdup (prefix ? prefix : "");
  nd_pg_conn_run (nd_pg_source_get_main (ND_PG_SOURCE (source)), task, strv_job, sd,
                  (GDestroyNotify) strv_data_free);
}

/* Group names: the keys of GroupRatio (what NewAPI's /api/group/ returns),
 * plus any group a user or channel names. */
#define GROUPS_SQL \
  "SELECT g FROM (" \
  "  SELECT jsonb_object_keys(CASE WHEN value ~ '^\\s*\\{' THEN value::jsonb ELSE '{}' END) AS g " \
  "    FROM options WHERE key = 'GroupRatio' " \
  "  UNION SELECT \"group\" FROM users WHERE \"group\" <> '' " \
  "  UNION SELECT trim(unnest(string_to_array(\"group\", ','))) FROM channels" \
  ") AS s WHERE g <> '' AND starts_with(lower(g), lower($1)) ORDER BY g"

static void
pg_list_groups_async (NdSource *source, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  run_strv (source, g_strdup (GROUPS_SQL), "", pg_list_groups_async, cancellable, callback,
            user_data);
}

static void
pg_suggest_async (NdSource *source, NdSuggestKind kind, const char *prefix, guint limit,
                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  const char *base;

  if (limit == 0 || limit > 1000)
    limit = 1000;
  switch (kind)
    {
    case ND_SUGGEST_USERNAME:
      base = "SELECT username FROM users WHERE deleted_at IS NULL "
             "AND starts_with(lower(username), lower($1)) ORDER BY username";
      break;
    case ND_SUGGEST_TOKEN_NAME:
      base = "SELECT DISTINCT name FROM tokens WHERE deleted_at IS NULL AND name <> '' "
             "AND starts_with(lower(name), lower($1)) ORDER BY name";
      break;
    case ND_SUGGEST_MODEL:
      base = "SELECT DISTINCT model FROM abilities "
             "WHERE starts_with(lower(model), lower($1)) ORDER BY model";
      break;
    case ND_SUGGEST_GROUP:
    default:
      base = GROUPS_SQL;
      break;
    }
  run_strv (source, g_strdup_printf ("%s LIMIT %u", base, limit), prefix, pg_suggest_async,
            cancellable, callback, user_data);
}

void
_nd_pg_source_class_init_catalog (NdSourceClass *klass)
{
  klass->list_channels_async = pg_list_channels_async;
  klass->list_users_async = pg_list_users_async;
  klass->get_user_async = pg_get_user_async;
  klass->list_tokens_async = pg_list_tokens_async;
  klass->list_redemptions_async = pg_list_redemptions_async;
  klass->list_models_async = pg_list_models_async;
  klass->list_groups_async = pg_list_groups_async;
  klass->suggest_async = pg_suggest_async;
}
