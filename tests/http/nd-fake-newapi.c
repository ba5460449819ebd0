/* nd-fake-newapi.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <libsoup/soup.h>

#include "nd-fake-newapi.h"

struct _NdFakeNewapi
{
  SoupServer *server;
  PGconn *pg;
  NdFakeNewapiMode mode;
  char *url;
  char *version;
  gboolean has_request_id;     /* logs.request_id exists */
  gboolean has_qd_dims;        /* quota_data.channel_id exists */
  GHashTable *faults;          /* path → NdFakeFault */
  GHashTable *delays;          /* path → ms */
  guint force_429;
  int retry_after;
  guint rate_max;
  guint rate_seconds;
  GQueue rate_times;           /* monotonic µs of recent requests */
  GPtrArray *requests;
  GPtrArray *headers;          /* "Name: value" */
};

typedef struct {
  gint64 id;
  char *username;
  int role;
} Caller;

static void
caller_clear (Caller *c)
{
  g_free (c->username);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Caller, caller_clear)

/* ---- database ----------------------------------------------------------- */

static PGresult *
sql (NdFakeNewapi *self, const char *query, int n, const char * const *params)
{
  PGresult *res = PQexecParams (self->pg, query, n, NULL, params, NULL, NULL, 0);

  if (PQresultStatus (res) != PGRES_TUPLES_OK && PQresultStatus (res) != PGRES_COMMAND_OK)
    g_error ("fake NewAPI SQL failed: %s\n%s", PQerrorMessage (self->pg), query);
  return res;
}

static gboolean
column_exists (NdFakeNewapi *self, const char *table, const char *column)
{
  const char *params[2] = { table, column };
  PGresult *res = sql (self, "SELECT 1 FROM information_schema.columns WHERE table_name = $1 "
                             "AND column_name = $2", 2, params);
  gboolean found = PQntuples (res) > 0;

  PQclear (res);
  return found;
}

static void
add_value (JsonBuilder *b, PGresult *res, int row, int col)
{
  Oid type = PQftype (res, col);
  const char *name = PQfname (res, col);
  const char *v = PQgetvalue (res, row, col);
  gboolean null = PQgetisnull (res, row, col);

  json_builder_set_member_name (b, name);
  if (null && (g_str_equal (name, "DeletedAt")))
    json_builder_add_null_value (b);
  else if (type == 16)
    json_builder_add_boolean_value (b, !null && v[0] == 't');
  else if (type == 20 || type == 21 || type == 23)
    json_builder_add_int_value (b, null ? 0 : g_ascii_strtoll (v, NULL, 10));
  else if (type == 700 || type == 701 || type == 1700)
    json_builder_add_double_value (b, null ? 0 : g_ascii_strtod (v, NULL));
  else
    json_builder_add_string_value (b, null ? "" : v);
}

static void
add_rows (JsonBuilder *b, PGresult *res)
{
  json_builder_begin_array (b);
  for (int r = 0; r < PQntuples (res); r++)
    {
      json_builder_begin_object (b);
      for (int c = 0; c < PQnfields (res); c++)
        add_value (b, res, r, c);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* ---- replies ------------------------------------------------------------ */

static void
reply_json (SoupServerMessage *msg, guint status, JsonNode *root)
{
  g_autofree char *body = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

static void
reply_envelope (SoupServerMessage *msg, guint status, gboolean success, const char *code,
                const char *message, JsonNode *data)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, success);
  if (code != NULL)
    {
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, code);
    }
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message ? message : "");
  if (data != NULL)
    {
      json_builder_set_member_name (b, "data");
      json_builder_add_value (b, json_node_copy (data));
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  reply_json (msg, status, root);
}

static void
reply_data (SoupServerMessage *msg, JsonNode *data)
{
  reply_envelope (msg, 200, TRUE, NULL, "", data);
}

static void
reply_fail (SoupServerMessage *msg, const char *message)
{
  reply_envelope (msg, 200, FALSE, NULL, message, NULL);
}

static JsonNode *
builder_root (JsonBuilder *b)
{
  return json_builder_get_root (b);
}

/* {items, total, page, page_size} */
static JsonNode *
page_node (PGresult *rows, gint64 total, int page, int page_size)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "items");
  add_rows (b, rows);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, total);
  json_builder_set_member_name (b, "page");
  json_builder_add_int_value (b, page);
  json_builder_set_member_name (b, "page_size");
  json_builder_add_int_value (b, page_size);
  json_builder_end_object (b);
  return builder_root (b);
}

static JsonNode *
rows_node (PGresult *rows)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  add_rows (b, rows);
  return builder_root (b);
}

/* ---- query parameters --------------------------------------------------- */

static const char *
param (GHashTable *query, const char *key)
{
  const char *v = query ? g_hash_table_lookup (query, key) : NULL;

  return v && *v ? v : NULL;
}

static gint64
param_int (GHashTable *query, const char *key, gint64 fallback)
{
  const char *v = param (query, key);

  return v ? g_ascii_strtoll (v, NULL, 10) : fallback;
}

/* NewAPI: p 1-based (default 1), page_size default 10, max 100
 * (fallbacks ps, size). */
static void
paging (GHashTable *query, gboolean zero_based, int *page, int *page_size, int *offset)
{
  gint64 p = param_int (query, "p", zero_based ? 0 : 1);
  gint64 size = param_int (query, "page_size",
                           param_int (query, "ps", param_int (query, "size", 10)));

  if (size <= 0)
    size = 10;
  if (size > 100)
    size = 100;
  if (zero_based)
    {
      if (p < 0)
        p = 0;
      *offset = (int) (p * size);
    }
  else
    {
      if (p < 1)
        p = 1;
      *offset = (int) ((p - 1) * size);
    }
  *page = (int) p;
  *page_size = (int) size;
}

typedef struct {
  GString *where;
  GPtrArray *params;
} Where;

static void
where_init (Where *w)
{
  w->where = g_string_new ("TRUE");
  w->params = g_ptr_array_new_with_free_func (g_free);
}

static void
where_clear (Where *w)
{
  g_string_free (w->where, TRUE);
  g_ptr_array_unref (w->params);
}

static void
where_add (Where *w, const char *fmt, const char *value)
{
  const char *mark = strstr (fmt, "$%u");

  g_ptr_array_add (w->params, g_strdup (value));
  g_string_append (w->where, " AND ");
  g_string_append_len (w->where, fmt, mark - fmt);
  g_string_append_printf (w->where, "$%u", w->params->len);
  g_string_append (w->where, mark + 3);
}

/* The log filters of /api/log/ and /api/log/stat (model_build_log_query). */
static void
log_filters (NdFakeNewapi *self, GHashTable *query, Where *w, gboolean with_type)
{
  const char *v;

  if (with_type && param_int (query, "type", 0) != 0)
    where_add (w, "l.type = $%u::bigint", param (query, "type"));
  if ((v = param (query, "start_timestamp")) && g_ascii_strtoll (v, NULL, 10) != 0)
    where_add (w, "l.created_at >= $%u::bigint", v);
  if ((v = param (query, "end_timestamp")) && g_ascii_strtoll (v, NULL, 10) != 0)
    where_add (w, "l.created_at <= $%u::bigint", v);
  if ((v = param (query, "username")))
    where_add (w, "l.username = $%u", v);
  if ((v = param (query, "token_name")))
    where_add (w, "l.token_name = $%u", v);
  if ((v = param (query, "model_name")))
    {
      if (self->mode == ND_FAKE_NEWAPI_OLD || strchr (v, '%') != NULL)
        where_add (w, "l.model_name LIKE $%u", v);
      else
        where_add (w, "l.model_name = $%u", v);
    }
  if ((v = param (query, "channel")) && g_ascii_strtoll (v, NULL, 10) != 0)
    where_add (w, "l.channel_id = $%u::bigint", v);
  if ((v = param (query, "group")))
    where_add (w, "l.\"group\" = $%u", v);
  if (self->has_request_id && self->mode == ND_FAKE_NEWAPI_NEW)
    {
      if ((v = param (query, "request_id")))
        where_add (w, "l.request_id = $%u", v);
      if ((v = param (query, "upstream_request_id")))
        where_add (w, "l.upstream_request_id = $%u", v);
    }
}

/* ---- auth --------------------------------------------------------------- */

/* Returns FALSE after replying with the server's refusal. */
static gboolean
authenticate (NdFakeNewapi *self, SoupServerMessage *msg, int min_role, Caller *caller)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (h, "Authorization");
  const char *nau = soup_message_headers_get_one (h, "New-Api-User");
  g_autofree char *token = NULL;
  const char *params[1];
  PGresult *res;
  gboolean old = self->mode == ND_FAKE_NEWAPI_OLD;
  int status;

  if (auth == NULL || *auth == '\0')
    {
      if (old)
        reply_envelope (msg, 401, FALSE, NULL, "无权进行此操作，未登录且未提供 access token", NULL);
      else
        reply_envelope (msg, 401, FALSE, "AUTH_UNAUTHORIZED", "access token is invalid", NULL);
      return FALSE;
    }
  token = g_strstrip (g_strdup (g_str_has_prefix (auth, "Bearer ") ? auth + 7 : auth));
  params[0] = token;
  res = sql (self, "SELECT id, username, role, status FROM users "
                   "WHERE access_token = $1 AND deleted_at IS NULL", 1, params);
  if (PQntuples (res) == 0)
    {
      PQclear (res);
      if (old)
        reply_fail (msg, "无权进行此操作，access token 无效");
      else
        reply_envelope (msg, 401, FALSE, "AUTH_UNAUTHORIZED", "access token is invalid", NULL);
      return FALSE;
    }
  caller->id = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  caller->username = g_strdup (PQgetvalue (res, 0, 1));
  caller->role = (int) g_ascii_strtoll (PQgetvalue (res, 0, 2), NULL, 10);
  status = (int) g_ascii_strtoll (PQgetvalue (res, 0, 3), NULL, 10);
  PQclear (res);

  if (old)
    {
      if (nau == NULL || *nau == '\0')
        {
          reply_envelope (msg, 401, FALSE, NULL, "无权进行此操作，未提供 New-Api-User", NULL);
          return FALSE;
        }
      if (g_ascii_strtoll (nau, NULL, 10) != caller->id)
        {
          reply_envelope (msg, 401, FALSE, NULL, "无权进行此操作，New-Api-User 与登录用户不匹配", NULL);
          return FALSE;
        }
    }
  if (status != 1)
    {
      if (old)
        reply_fail (msg, "用户已被封禁");
      else
        reply_envelope (msg, 401, FALSE, "AUTH_USER_DISABLED", "user has been banned", NULL);
      return FALSE;
    }
  if (caller->role < min_role)
    {
      if (old)
        reply_fail (msg, "无权进行此操作，权限不足");
      else
        reply_envelope (msg, 403, FALSE, "AUTH_INSUFFICIENT_PRIVILEGE", "insufficient privilege",
                        NULL);
      return FALSE;
    }
  return TRUE;
}

/* ---- endpoints ---------------------------------------------------------- */

static void
handle_status (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GHashTable) options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  PGresult *res = sql (self, "SELECT key, value FROM options", 0, NULL);
  const char *v;

  for (int i = 0; i < PQntuples (res); i++)
    g_hash_table_insert (options, g_strdup (PQgetvalue (res, i, 0)), g_strdup (PQgetvalue (res, i, 1)));
  PQclear (res);

#define OPT(k, d) ((v = g_hash_table_lookup (options, k)) && *v ? v : (d))
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, self->version);
  json_builder_set_member_name (b, "system_name");
  json_builder_add_string_value (b, OPT ("SystemName", "New API"));
  json_builder_set_member_name (b, "start_time");
  json_builder_add_int_value (b, 1767225600);
  json_builder_set_member_name (b, "quota_per_unit");
  json_builder_add_double_value (b, g_ascii_strtod (OPT ("QuotaPerUnit", "500000"), NULL));
  json_builder_set_member_name (b, "display_in_currency");
  json_builder_add_boolean_value (b, !g_str_equal (OPT ("DisplayInCurrencyEnabled", "true"), "false"));
  json_builder_set_member_name (b, "usd_exchange_rate");
  json_builder_add_double_value (b, g_ascii_strtod (OPT ("USDExchangeRate", "7.3"), NULL));
  json_builder_set_member_name (b, "price");
  json_builder_add_double_value (b, g_ascii_strtod (OPT ("Price", "7.3"), NULL));
  json_builder_set_member_name (b, "enable_data_export");
  json_builder_add_boolean_value (b, !g_str_equal (OPT ("DataExportEnabled", "true"), "false"));
  json_builder_set_member_name (b, "data_export_default_time");
  json_builder_add_string_value (b, "hour");
  if (self->mode == ND_FAKE_NEWAPI_NEW)
    {
      json_builder_set_member_name (b, "quota_display_type");
      json_builder_add_string_value (b, OPT ("general_setting.quota_display_type", "USD"));
      json_builder_set_member_name (b, "custom_currency_symbol");
      json_builder_add_string_value (b, OPT ("general_setting.custom_currency_symbol", "¤"));
      json_builder_set_member_name (b, "custom_currency_exchange_rate");
      json_builder_add_double_value (b, g_ascii_strtod (OPT ("general_setting.custom_currency_exchange_rate", "1"), NULL));
    }
  json_builder_set_member_name (b, "setup");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
#undef OPT
  data = builder_root (b);
  reply_data (msg, data);
}

static void
handle_self (NdFakeNewapi *self, SoupServerMessage *msg, Caller *caller)
{
  char id[32];
  const char *params[1] = { id };
  PGresult *res;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) data = NULL;

  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, caller->id);
  res = sql (self, "SELECT id, username, display_name, role, status, email, \"group\", quota, "
                   "used_quota, request_count, aff_code, inviter_id FROM users WHERE id = $1::bigint",
             1, params);
  json_builder_begin_object (b);
  for (int c = 0; c < PQnfields (res); c++)
    add_value (b, res, 0, c);
  json_builder_end_object (b);
  PQclear (res);
  data = builder_root (b);
  reply_data (msg, data);
}

static void
handle_logs (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query)
{
  Where w;
  int page, page_size, offset;
  g_autofree char *count_sql = NULL;
  g_autofree char *rows_sql = NULL;
  PGresult *count, *rows;
  g_autoptr(JsonNode) data = NULL;
  gint64 total;

  where_init (&w);
  log_filters (self, query, &w, TRUE);
  paging (query, FALSE, &page, &page_size, &offset);
  count_sql = g_strdup_printf ("SELECT count(*) FROM logs l WHERE %s", w.where->str);
  count = sql (self, count_sql, w.params->len, (const char * const *) w.params->pdata);
  total = g_ascii_strtoll (PQgetvalue (count, 0, 0), NULL, 10);
  PQclear (count);
  rows_sql = g_strdup_printf (
    "SELECT l.id, l.user_id, l.created_at, l.type, l.content, l.username, l.token_name, "
    "l.model_name, l.quota, l.prompt_tokens, l.completion_tokens, l.use_time, l.is_stream, "
    "l.channel_id AS channel, COALESCE(c.name, '') AS channel_name, l.token_id, l.\"group\", "
    "l.ip, l.other%s FROM logs l LEFT JOIN channels c ON c.id = l.channel_id WHERE %s "
    "ORDER BY %s LIMIT %d OFFSET %d",
    self->has_request_id && self->mode == ND_FAKE_NEWAPI_NEW
      ? ", l.request_id, l.upstream_request_id" : "",
    w.where->str,
    self->mode == ND_FAKE_NEWAPI_OLD ? "l.id DESC" : "l.created_at DESC, l.id DESC",
    page_size, offset);
  rows = sql (self, rows_sql, w.params->len, (const char * const *) w.params->pdata);
  data = page_node (rows, total, page, page_size);
  PQclear (rows);
  where_clear (&w);
  reply_data (msg, data);
}

static void
handle_log_stat (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query)
{
  Where w;
  g_autofree char *q = NULL;
  PGresult *res;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) data = NULL;
  char now[32];

  /* quota over the range; rpm/tpm over the last 60 s (not the range). */
  where_init (&w);
  log_filters (self, query, &w, FALSE);
  g_snprintf (now, sizeof now, "%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC - 60);
  g_ptr_array_add (w.params, g_strdup (now));
  q = g_strdup_printf ("SELECT COALESCE(sum(quota), 0) AS quota, "
                       "(SELECT count(*) FROM logs WHERE type = 2 AND created_at >= $%u::bigint) AS rpm, "
                       "(SELECT COALESCE(sum(prompt_tokens + completion_tokens), 0) FROM logs "
                       " WHERE type = 2 AND created_at >= $%u::bigint) AS tpm "
                       "FROM logs l WHERE l.type = 2 AND %s",
                       w.params->len, w.params->len, w.where->str);
  res = sql (self, q, w.params->len, (const char * const *) w.params->pdata);
  json_builder_begin_object (b);
  for (int c = 0; c < PQnfields (res); c++)
    add_value (b, res, 0, c);
  json_builder_end_object (b);
  PQclear (res);
  where_clear (&w);
  data = builder_root (b);
  reply_data (msg, data);
}

static void
range_where (GHashTable *query, Where *w, gboolean alias)
{
  const char *v;

  if ((v = param (query, "start_timestamp")))
    where_add (w, alias ? "q.created_at >= $%u::bigint" : "created_at >= $%u::bigint", v);
  if ((v = param (query, "end_timestamp")))
    where_add (w, alias ? "q.created_at <= $%u::bigint" : "created_at <= $%u::bigint", v);
}

static void
handle_data (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query, const char *what)
{
  Where w;
  g_autofree char *q = NULL;
  PGresult *res;
  g_autoptr(JsonNode) data = NULL;

  where_init (&w);
  range_where (query, &w, g_str_equal (what, "flow"));
  if (g_str_equal (what, "models"))
    {
      const char *username = param (query, "username");

      if (username)
        where_add (&w, "username = $%u", username);
      q = g_strdup_printf ("SELECT model_name, created_at, sum(count)::bigint AS count, "
                           "sum(quota)::bigint AS quota, sum(token_used)::bigint AS token_used "
                           "FROM quota_data WHERE %s GROUP BY model_name, created_at "
                           "ORDER BY created_at, model_name", w.where->str);
    }
  else if (g_str_equal (what, "users"))
    q = g_strdup_printf ("SELECT username, created_at, sum(count)::bigint AS count, "
                         "sum(quota)::bigint AS quota, sum(token_used)::bigint AS token_used "
                         "FROM quota_data WHERE %s GROUP BY username, created_at "
                         "ORDER BY created_at, username", w.where->str);
  else
    q = g_strdup_printf ("SELECT q.created_at, q.user_id, q.username, q.use_group, q.model_name, "
                         "q.channel_id, COALESCE(c.name, '') AS channel_name, q.token_id, "
                         "COALESCE(t.name, '') AS token_name, q.node_name, "
                         "sum(q.count)::bigint AS count, sum(q.quota)::bigint AS quota, "
                         "sum(q.token_used)::bigint AS token_used "
                         "FROM quota_data q LEFT JOIN channels c ON c.id = q.channel_id "
                         "LEFT JOIN tokens t ON t.id = q.token_id WHERE %s "
                         "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 ORDER BY 1",
                         w.where->str);
  res = sql (self, q, w.params->len, (const char * const *) w.params->pdata);
  data = rows_node (res);
  PQclear (res);
  where_clear (&w);
  reply_data (msg, data);
}

static void
handle_channels (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query)
{
  gboolean old = self->mode == ND_FAKE_NEWAPI_OLD;
  int page, page_size, offset;
  g_autofree char *q = NULL;
  PGresult *res, *count;
  g_autoptr(JsonNode) data = NULL;

  paging (query, old, &page, &page_size, &offset);
  q = g_strdup_printf ("SELECT id, type, status, name, weight, created_time, test_time, "
                       "response_time, base_url, other, balance, balance_updated_time, models, "
                       "\"group\", used_quota, model_mapping, priority, auto_ban, tag, remark, "
                       "channel_info::text AS channel_info_text "
                       "FROM channels ORDER BY id DESC LIMIT %d OFFSET %d", page_size, offset);
  res = sql (self, q, 0, NULL);
  if (old)
    data = rows_node (res);
  else
    {
      count = sql (self, "SELECT count(*) FROM channels", 0, NULL);
      data = page_node (res, g_ascii_strtoll (PQgetvalue (count, 0, 0), NULL, 10), page, page_size);
      PQclear (count);
    }
  PQclear (res);
  reply_data (msg, data);
}

static void
handle_users (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query, gboolean search)
{
  static const char * const sorts[] = { "id", "username", "quota", "group", "created_at",
                                        "last_login_at", NULL };
  int page, page_size, offset;
  Where w;
  g_autofree char *q = NULL;
  g_autofree char *cq = NULL;
  const char *sort = param (query, "sort_by");
  const char *order = param (query, "sort_order");
  const char *kw = param (query, "keyword");
  PGresult *res, *count;
  g_autoptr(JsonNode) data = NULL;

  where_init (&w);
  paging (query, FALSE, &page, &page_size, &offset);
  if (search)
    {
      if (kw != NULL)
        {
          g_autofree char *like = g_strconcat ("%", kw, "%", NULL);

          g_ptr_array_add (w.params, g_strdup (kw));
          g_ptr_array_add (w.params, g_steal_pointer (&like));
          g_string_append_printf (w.where,
                                  " AND (id::text = $%u OR username LIKE $%u OR email LIKE $%u "
                                  "OR display_name LIKE $%u)",
                                  w.params->len - 1, w.params->len, w.params->len, w.params->len);
        }
      if (param_int (query, "status", 0) == -1)
        g_string_append (w.where, " AND deleted_at IS NOT NULL");
      else if (param_int (query, "status", 0) != 0)
        where_add (&w, "status = $%u::bigint", param (query, "status"));
    }
  if (sort == NULL || !g_strv_contains (sorts, sort))
    sort = "id";
  q = g_strdup_printf ("SELECT id, username, display_name, role, status, email, \"group\", quota, "
                       "used_quota, request_count, created_at, last_login_at, remark, "
                       "'' AS password, deleted_at AS \"DeletedAt\" FROM users WHERE %s "
                       "ORDER BY \"%s\" %s, id DESC LIMIT %d OFFSET %d",
                       w.where->str, sort,
                       order && g_str_equal (order, "asc") ? "ASC" : "DESC", page_size, offset);
  res = sql (self, q, w.params->len, (const char * const *) w.params->pdata);
  cq = g_strdup_printf ("SELECT count(*) FROM users WHERE %s", w.where->str);
  count = sql (self, cq, w.params->len, (const char * const *) w.params->pdata);
  data = page_node (res, g_ascii_strtoll (PQgetvalue (count, 0, 0), NULL, 10), page, page_size);
  PQclear (res);
  PQclear (count);
  where_clear (&w);
  reply_data (msg, data);
}

static void
handle_tokens (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query, Caller *caller)
{
  gboolean old = self->mode == ND_FAKE_NEWAPI_OLD;
  int page, page_size, offset;
  g_autofree char *q = NULL;
  char id[32];
  const char *params[1] = { id };
  PGresult *res, *count;
  g_autoptr(JsonNode) data = NULL;

  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, caller->id);
  paging (query, old, &page, &page_size, &offset);
  /* Self-scoped; new servers mask the key (first 4 + ten * + last 4). */
  q = g_strdup_printf ("SELECT id, user_id, %s AS key, status, name, created_time, accessed_time, "
                       "expired_time, remain_quota, unlimited_quota, model_limits_enabled, "
                       "model_limits, used_quota, \"group\" FROM tokens "
                       "WHERE user_id = $1::bigint AND deleted_at IS NULL ORDER BY id DESC "
                       "LIMIT %d OFFSET %d",
                       old ? "\"key\"" : "left(\"key\", 4) || '**********' || right(\"key\", 4)",
                       page_size, offset);
  res = sql (self, q, 1, params);
  if (old)
    data = rows_node (res);
  else
    {
      count = sql (self, "SELECT count(*) FROM tokens WHERE user_id = $1::bigint AND deleted_at IS NULL",
                   1, params);
      data = page_node (res, g_ascii_strtoll (PQgetvalue (count, 0, 0), NULL, 10), page, page_size);
      PQclear (count);
    }
  PQclear (res);
  reply_data (msg, data);
}

static void
handle_redemptions (NdFakeNewapi *self, SoupServerMessage *msg, GHashTable *query, gboolean search)
{
  int page, page_size, offset;
  Where w;
  g_autofree char *q = NULL;
  g_autofree char *cq = NULL;
  const char *kw = param (query, "keyword");
  PGresult *res, *count;
  g_autoptr(JsonNode) data = NULL;

  where_init (&w);
  g_string_append (w.where, " AND deleted_at IS NULL");
  paging (query, FALSE, &page, &page_size, &offset);
  if (search && kw)
    {
      g_autofree char *like = g_strconcat (kw, "%", NULL);

      g_ptr_array_add (w.params, g_strdup (kw));
      g_ptr_array_add (w.params, g_steal_pointer (&like));
      g_string_append_printf (w.where, " AND (id::text = $%u OR name LIKE $%u)",
                              w.params->len - 1, w.params->len);
    }
  if (search && param_int (query, "status", 0) != 0)
    where_add (&w, "status = $%u::bigint", param (query, "status"));
  q = g_strdup_printf ("SELECT id, user_id, \"key\" AS key, status, name, quota, created_time, "
                       "redeemed_time, used_user_id, expired_time FROM redemptions WHERE %s "
                       "ORDER BY id DESC LIMIT %d OFFSET %d", w.where->str, page_size, offset);
  res = sql (self, q, w.params->len, (const char * const *) w.params->pdata);
  cq = g_strdup_printf ("SELECT count(*) FROM redemptions WHERE %s", w.where->str);
  count = sql (self, cq, w.params->len, (const char * const *) w.params->pdata);
  data = page_node (res, g_ascii_strtoll (PQgetvalue (count, 0, 0), NULL, 10), page, page_size);
  PQclear (res);
  PQclear (count);
  where_clear (&w);
  reply_data (msg, data);
}

static void
handle_groups (NdFakeNewapi *self, SoupServerMessage *msg)
{
  PGresult *res = sql (self, "SELECT value FROM options WHERE key = 'GroupRatio'", 0, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) data = NULL;

  json_builder_begin_array (b);
  if (PQntuples (res) > 0 &&
      json_parser_load_from_data (parser, PQgetvalue (res, 0, 0), -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_autoptr(GList) names = json_object_get_members (json_node_get_object (json_parser_get_root (parser)));

      for (GList *l = names; l; l = l->next)
        json_builder_add_string_value (b, l->data);
    }
  json_builder_end_array (b);
  PQclear (res);
  data = builder_root (b);
  reply_data (msg, data);
}

static void
handle_pricing (NdFakeNewapi *self, SoupServerMessage *msg)
{
  PGresult *res = sql (self,
    "SELECT a.model AS model_name, "
    "  COALESCE((o.value::json ->> a.model)::float8, 37.5) AS model_ratio, "
    "  1.0::float8 AS completion_ratio, 0 AS quota_type, 0.0::float8 AS model_price, "
    "  '' AS description, '' AS tags, 0 AS vendor_id "
    "FROM (SELECT DISTINCT model FROM abilities) a "
    "LEFT JOIN options o ON o.key = 'ModelRatio' ORDER BY a.model", 0, NULL);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  /* /api/pricing puts extra keys next to data. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "data");
  add_rows (b, res);
  json_builder_set_member_name (b, "vendors");
  json_builder_begin_array (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "group_ratio");
  json_builder_begin_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  PQclear (res);
  root = builder_root (b);
  reply_json (msg, 200, root);
}

/* ---- dispatch ----------------------------------------------------------- */

static void
not_found (SoupServerMessage *msg)
{
  static const char body[] = "404 page not found";

  soup_server_message_set_status (msg, 404, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, body, strlen (body));
}

static gboolean
apply_fault (NdFakeNewapi *self, SoupServerMessage *msg, const char *path)
{
  NdFakeFault fault = GPOINTER_TO_INT (g_hash_table_lookup (self->faults, path));
  static const char html[] = "<!doctype html><html><body>New API</body></html>";
  static const char bad_json[] = "{\"success\": true, \"data\": {\"items\": [1, 2,, 3]}}";
  static const char truncated[] = "{\"success\":true,\"message\":\"\",\"data\":{\"items\":[{\"id\":1,\"created_at\":176";
  static const char not_envelope[] = "{\"items\": [], \"total\": 0}";

  switch (fault)
    {
    case ND_FAKE_FAULT_MALFORMED:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, html, strlen (html));
      return TRUE;
    case ND_FAKE_FAULT_BAD_JSON:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, bad_json,
                                        strlen (bad_json));
      return TRUE;
    case ND_FAKE_FAULT_TRUNCATED:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, truncated,
                                        strlen (truncated));
      return TRUE;
    case ND_FAKE_FAULT_NOT_ENVELOPE:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, not_envelope,
                                        strlen (not_envelope));
      return TRUE;
    case ND_FAKE_FAULT_SERVER_ERROR:
      reply_envelope (msg, 500, FALSE, NULL, "database is locked", NULL);
      return TRUE;
    case ND_FAKE_FAULT_REFUSE:
      reply_fail (msg, "数据库错误，请稍后重试");
      return TRUE;
    case ND_FAKE_FAULT_NONE:
    default:
      return FALSE;
    }
}

static gboolean
rate_limited (NdFakeNewapi *self, SoupServerMessage *msg)
{
  SoupMessageHeaders *rh = soup_server_message_get_response_headers (msg);

  if (self->force_429 > 0)
    {
      self->force_429--;
      soup_server_message_set_status (msg, 429, NULL);
      if (self->retry_after >= 0)
        {
          char buf[16];

          g_snprintf (buf, sizeof buf, "%d", self->retry_after);
          soup_message_headers_replace (rh, "Retry-After", buf);
        }
      return TRUE;
    }
  if (self->rate_max > 0)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 window = (gint64) self->rate_seconds * G_USEC_PER_SEC;

      while (!g_queue_is_empty (&self->rate_times) &&
             *(gint64 *) g_queue_peek_head (&self->rate_times) <= now - window)
        g_free (g_queue_pop_head (&self->rate_times));
      if (g_queue_get_length (&self->rate_times) >= self->rate_max)
        {
          gint64 oldest = *(gint64 *) g_queue_peek_head (&self->rate_times);
          char buf[16];

          g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT,
                      (oldest + window - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
          soup_server_message_set_status (msg, 429, NULL);
          soup_message_headers_replace (rh, "Retry-After", buf);
          return TRUE;
        }
      g_queue_push_tail (&self->rate_times, g_memdup2 (&now, sizeof now));
    }
  return FALSE;
}

static void
dispatch (NdFakeNewapi *self, SoupServerMessage *msg, const char *path, GHashTable *query)
{
  g_auto(Caller) caller = { 0 };
  gboolean old = self->mode == ND_FAKE_NEWAPI_OLD;

  if (rate_limited (self, msg) || apply_fault (self, msg, path))
    return;

  if (g_str_equal (path, "/api/status"))
    return handle_status (self, msg, query);
  if (g_str_equal (path, "/api/pricing"))
    return handle_pricing (self, msg);
  if (g_str_equal (path, "/api/user/self"))
    {
      if (authenticate (self, msg, 1, &caller))
        handle_self (self, msg, &caller);
      return;
    }
  if (g_str_equal (path, "/api/token/") || g_str_equal (path, "/api/token/search"))
    {
      if (authenticate (self, msg, 1, &caller))
        handle_tokens (self, msg, query, &caller);
      return;
    }

  /* Everything else is admin. */
  if (!g_str_has_prefix (path, "/api/") ||
      !(g_str_equal (path, "/api/log/") || g_str_equal (path, "/api/log/stat") ||
        g_str_equal (path, "/api/data/") || g_str_equal (path, "/api/data/users") ||
        (g_str_equal (path, "/api/data/flow") && !old && self->has_qd_dims) ||
        g_str_equal (path, "/api/channel/") || g_str_equal (path, "/api/user/") ||
        g_str_equal (path, "/api/user/search") || g_str_equal (path, "/api/redemption/") ||
        g_str_equal (path, "/api/redemption/search") || g_str_equal (path, "/api/group/")))
    return not_found (msg);
  if (!authenticate (self, msg, 10, &caller))
    return;

  if (g_str_equal (path, "/api/log/"))
    handle_logs (self, msg, query);
  else if (g_str_equal (path, "/api/log/stat"))
    handle_log_stat (self, msg, query);
  else if (g_str_equal (path, "/api/data/"))
    handle_data (self, msg, query, "models");
  else if (g_str_equal (path, "/api/data/users"))
    handle_data (self, msg, query, "users");
  else if (g_str_equal (path, "/api/data/flow"))
    handle_data (self, msg, query, "flow");
  else if (g_str_equal (path, "/api/channel/"))
    handle_channels (self, msg, query);
  else if (g_str_equal (path, "/api/user/"))
    handle_users (self, msg, query, FALSE);
  else if (g_str_equal (path, "/api/user/search"))
    handle_users (self, msg, query, TRUE);
  else if (g_str_equal (path, "/api/redemption/"))
    handle_redemptions (self, msg, query, FALSE);
  else if (g_str_equal (path, "/api/redemption/search"))
    handle_redemptions (self, msg, query, TRUE);
  else if (g_str_equal (path, "/api/group/"))
    handle_groups (self, msg);
}

typedef struct {
  NdFakeNewapi *self;
  SoupServerMessage *msg;
  char *path;
  GHashTable *query;
  gboolean finished;
  gulong finished_id;
  gulong disconnected_id;
} Delayed;

static void
delayed_finished (SoupServerMessage *msg, gpointer user_data)
{
  ((Delayed *) user_data)->finished = TRUE;
}

static gboolean
delayed_fire (gpointer user_data)
{
  Delayed *d = user_data;

  g_signal_handler_disconnect (d->msg, d->finished_id);
  g_signal_handler_disconnect (d->msg, d->disconnected_id);
  if (!d->finished)
    {
      dispatch (d->self, d->msg, d->path, d->query);
      soup_server_message_unpause (d->msg);
    }
  g_object_unref (d->msg);
  g_free (d->path);
  if (d->query)
    g_hash_table_unref (d->query);
  g_free (d);
  return G_SOURCE_REMOVE;
}

static void
server_cb (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
           gpointer user_data)
{
  NdFakeNewapi *self = user_data;
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  guint delay;
  const char *names[] = { "Authorization", "New-Api-User" };

  g_ptr_array_add (self->requests, g_strconcat (path, raw_query ? "?" : "", raw_query ? raw_query : "", NULL));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *v = soup_message_headers_get_one (h, names[i]);

      if (v != NULL)
        g_ptr_array_add (self->headers, g_strdup_printf ("%s: %s", names[i], v));
    }
  if (soup_server_message_get_method (msg) != SOUP_METHOD_GET)
    {
      soup_server_message_set_status (msg, 405, NULL);
      return;
    }

  delay = GPOINTER_TO_UINT (g_hash_table_lookup (self->delays, path));
  if (delay > 0)
    {
      Delayed *d = g_new0 (Delayed, 1);

      d->self = self;
      d->msg = g_object_ref (msg);
      d->path = g_strdup (path);
      d->query = query ? g_hash_table_ref (query) : NULL;
      d->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (delayed_finished), d);
      d->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (delayed_finished), d);
      soup_server_message_pause (msg);
      g_timeout_add (delay, delayed_fire, d);
      return;
    }
  dispatch (self, msg, path, query);
}

/* ---- public ------------------------------------------------------------- */

NdFakeNewapi *
nd_fake_newapi_new (const char *dsn, NdFakeNewapiMode mode, GError **error)
{
  NdFakeNewapi *self = g_new0 (NdFakeNewapi, 1);
  GSList *uris;
  g_autofree char *uri = NULL;

  self->pg = PQconnectdb (dsn);
  if (PQstatus (self->pg) != CONNECTION_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "fake NewAPI: %s", PQerrorMessage (self->pg));
      PQfinish (self->pg);
      g_free (self);
      return NULL;
    }
  self->mode = mode;
  self->version = g_strdup (mode == ND_FAKE_NEWAPI_OLD ? "v0.8.4" : "v1.0.0-rc.24");
  self->has_request_id = column_exists (self, "logs", "request_id");
  self->has_qd_dims = column_exists (self, "quota_data", "channel_id");
  self->faults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->delays = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->retry_after = -1;
  self->requests = g_ptr_array_new_with_free_func (g_free);
  self->headers = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&self->rate_times);

  self->server = soup_server_new ("server-header", "fake-newapi", NULL);
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    {
      nd_fake_newapi_free (self);
      return NULL;
    }
  uris = soup_server_get_uris (self->server);
  uri = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  if (g_str_has_suffix (uri, "/"))
    uri[strlen (uri) - 1] = '\0';
  self->url = g_steal_pointer (&uri);
  return self;
}

void
nd_fake_newapi_free (NdFakeNewapi *self)
{
  if (self == NULL)
    return;
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  PQfinish (self->pg);
  g_hash_table_unref (self->faults);
  g_hash_table_unref (self->delays);
  g_queue_clear_full (&self->rate_times, g_free);
  g_ptr_array_unref (self->requests);
  g_ptr_array_unref (self->headers);
  g_free (self->version);
  g_free (self->url);
  g_free (self);
}

const char *
nd_fake_newapi_get_url (NdFakeNewapi *self)
{
  return self->url;
}

char *
nd_fake_newapi_dup_token (NdFakeNewapi *self, gint64 user_id)
{
  char id[32];
  const char *params[1] = { id };
  PGresult *res;
  char *token = NULL;

  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, user_id);
  res = sql (self, "SELECT trim(access_token) FROM users WHERE id = $1::bigint "
                   "AND access_token IS NOT NULL", 1, params);
  if (PQntuples (res) > 0)
    token = g_strdup (PQgetvalue (res, 0, 0));
  PQclear (res);
  return token;
}

gint64
nd_fake_newapi_find_user (NdFakeNewapi *self, int role)
{
  char r[16];
  const char *params[1] = { r };
  PGresult *res;
  gint64 id = 0;

  g_snprintf (r, sizeof r, "%d", role);
  res = sql (self, "SELECT id FROM users WHERE role = $1::bigint AND status = 1 "
                   "AND deleted_at IS NULL AND access_token IS NOT NULL ORDER BY id LIMIT 1",
             1, params);
  if (PQntuples (res) > 0)
    id = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  PQclear (res);
  return id;
}

void
nd_fake_newapi_set_version (NdFakeNewapi *self, const char *version)
{
  g_free (self->version);
  self->version = g_strdup (version);
}

void
nd_fake_newapi_set_fault (NdFakeNewapi *self, const char *path, NdFakeFault fault)
{
  if (fault == ND_FAKE_FAULT_NONE)
    g_hash_table_remove (self->faults, path);
  else
    g_hash_table_insert (self->faults, g_strdup (path), GINT_TO_POINTER (fault));
}

void
nd_fake_newapi_set_delay (NdFakeNewapi *self, const char *path, guint ms)
{
  if (ms == 0)
    g_hash_table_remove (self->delays, path);
  else
    g_hash_table_insert (self->delays, g_strdup (path), GUINT_TO_POINTER (ms));
}

void
nd_fake_newapi_force_429 (NdFakeNewapi *self, guint count, int retry_after)
{
  self->force_429 = count;
  self->retry_after = retry_after;
}

void
nd_fake_newapi_set_rate_limit (NdFakeNewapi *self, guint max, guint seconds)
{
  self->rate_max = max;
  self->rate_seconds = seconds;
  g_queue_clear_full (&self->rate_times, g_free);
}

GPtrArray *
nd_fake_newapi_get_requests (NdFakeNewapi *self)
{
  return self->requests;
}

guint
nd_fake_newapi_count (NdFakeNewapi *self, const char *path)
{
  guint n = 0;
  gsize len = strlen (path);

  for (guint i = 0; i < self->requests->len; i++)
    {
      const char *r = g_ptr_array_index (self->requests, i);

      if (strncmp (r, path, len) == 0 && (r[len] == '\0' || r[len] == '?'))
        n++;
    }
  return n;
}

gboolean
nd_fake_newapi_saw_header (NdFakeNewapi *self, const char *name, const char *value)
{
  g_autofree char *line = g_strdup_printf ("%s: %s", name, value);

  for (guint i = 0; i < self->headers->len; i++)
    if (g_str_equal (g_ptr_array_index (self->headers, i), line))
      return TRUE;
  return FALSE;
}

void
nd_fake_newapi_reset_log (NdFakeNewapi *self)
{
  g_ptr_array_set_size (self->requests, 0);
  g_ptr_array_set_size (self->headers, 0);
}
