/* nd-fake-newapi-util.c — what every endpoint family of the fake builds with:
 * the fixture database, reply envelopes and pages typed as Go writes them,
 * query parameters and paging as upstream reads them
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-fake-newapi-private.h"

/* ---- database ----------------------------------------------------------- */

PGresult *
nd_fake_sql (NdFakeNewapi *self, const char *query, int n, const char * const *params)
{
  PGresult *res = PQexecParams (self->pg, query, n, NULL, params, NULL, NULL, 0);

  if (PQresultStatus (res) != PGRES_TUPLES_OK && PQresultStatus (res) != PGRES_COMMAND_OK)
    g_error ("fake NewAPI SQL failed: %s\n%s", PQerrorMessage (self->pg), query);
  return res;
}

gboolean
nd_fake_column_exists (NdFakeNewapi *self, const char *table, const char *column)
{
  const char *params[2] = { table, column };
  PGresult *res = nd_fake_sql (self, "SELECT 1 FROM information_schema.columns WHERE table_name = $1 "
                             "AND column_name = $2", 2, params);
  gboolean found = PQntuples (res) > 0;

  PQclear (res);
  return found;
}

static gboolean
omitted (const char * const *omitempty, const char *name, const char *value, gboolean null)
{
  return omitempty != NULL && g_strv_contains (omitempty, name) && (null || *value == '\0');
}

void
nd_fake_add_value (JsonBuilder *b, PGresult *res, int row, int col)
{
  Oid type = PQftype (res, col);
  const char *name = PQfname (res, col);
  const char *v = PQgetvalue (res, row, col);
  gboolean null = PQgetisnull (res, row, col);

  json_builder_set_member_name (b, name);
  if (type == 114 || type == 3802)
    {
      /* json/jsonb columns (channel_info, to_json(deleted_at)) are JSON in
       * the reply, as GORM's serializer writes them; NULL is null. */
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (null || !json_parser_load_from_data (parser, v, -1, NULL))
        json_builder_add_null_value (b);
      else
        json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
    }
  else if (type == 16)
    json_builder_add_boolean_value (b, !null && v[0] == 't');
  else if (type == 20 || type == 21 || type == 23)
    json_builder_add_int_value (b, null ? 0 : g_ascii_strtoll (v, NULL, 10));
  else if (type == 700 || type == 701 || type == 1700)
    json_builder_add_double_value (b, null ? 0 : g_ascii_strtod (v, NULL));
  else
    json_builder_add_string_value (b, null ? "" : v);
}

void
nd_fake_add_rows_omit (JsonBuilder *b, PGresult *res, const char * const *omitempty)
{
  json_builder_begin_array (b);
  for (int r = 0; r < PQntuples (res); r++)
    {
      json_builder_begin_object (b);
      for (int c = 0; c < PQnfields (res); c++)
        if (!omitted (omitempty, PQfname (res, c), PQgetvalue (res, r, c), PQgetisnull (res, r, c)))
          nd_fake_add_value (b, res, r, c);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

void
nd_fake_add_rows (JsonBuilder *b, PGresult *res)
{
  nd_fake_add_rows_omit (b, res, NULL);
}

/* ---- replies ------------------------------------------------------------ */

void
nd_fake_reply_json (SoupServerMessage *msg, guint status, JsonNode *root)
{
  g_autofree char *body = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

void
nd_fake_reply_envelope (SoupServerMessage *msg, guint status, gboolean success, const char *code,
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
  nd_fake_reply_json (msg, status, root);
}

void
nd_fake_reply_data (SoupServerMessage *msg, JsonNode *data)
{
  nd_fake_reply_envelope (msg, 200, TRUE, NULL, "", data);
}

void
nd_fake_reply_fail (SoupServerMessage *msg, const char *message)
{
  nd_fake_reply_envelope (msg, 200, FALSE, NULL, message, NULL);
}

JsonNode *
nd_fake_builder_root (JsonBuilder *b)
{
  return json_builder_get_root (b);
}

/* {page, page_size, total, items}, in Go's field order */
JsonNode *
nd_fake_page_node_omit (PGresult *rows, gint64 total, int page, int page_size,
                        const char * const *omitempty)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "page");
  json_builder_add_int_value (b, page);
  json_builder_set_member_name (b, "page_size");
  json_builder_add_int_value (b, page_size);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, total);
  json_builder_set_member_name (b, "items");
  nd_fake_add_rows_omit (b, rows, omitempty);
  json_builder_end_object (b);
  return nd_fake_builder_root (b);
}

JsonNode *
nd_fake_page_node (PGresult *rows, gint64 total, int page, int page_size)
{
  return nd_fake_page_node_omit (rows, total, page, page_size, NULL);
}

JsonNode *
nd_fake_rows_node (PGresult *rows)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  nd_fake_add_rows (b, rows);
  return nd_fake_builder_root (b);
}

/* ---- query parameters --------------------------------------------------- */

const char *
nd_fake_param (GHashTable *query, const char *key)
{
  const char *v = query ? g_hash_table_lookup (query, key) : NULL;

  return v && *v ? v : NULL;
}

gint64
nd_fake_param_int (GHashTable *query, const char *key, gint64 fallback)
{
  const char *v = nd_fake_param (query, key);

  return v ? g_ascii_strtoll (v, NULL, 10) : fallback;
}

/* NewAPI: p 1-based (default 1), page_size default 10, max 100; the first
 * positive of page_size, ps, size counts. Old channel and token lists count
 * p from 0, and old tokens read only `size`. */
void
nd_fake_paging (GHashTable *query, gboolean zero_based, gboolean size_only, int *page,
                int *page_size, int *offset)
{
  static const char * const keys[] = { "page_size", "ps", "size", NULL };
  gint64 p = nd_fake_param_int (query, "p", zero_based ? 0 : 1);
  gint64 size = 10;

  for (guint i = size_only ? 2 : 0; keys[i]; i++)
    if (nd_fake_param_int (query, keys[i], 0) > 0)
      {
        size = nd_fake_param_int (query, keys[i], 0);
        break;
      }
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

void
nd_fake_where_init (Where *w)
{
  w->where = g_string_new ("TRUE");
  w->params = g_ptr_array_new_with_free_func (g_free);
}

void
nd_fake_where_clear (Where *w)
{
  g_string_free (w->where, TRUE);
  g_ptr_array_unref (w->params);
}

void
nd_fake_where_add (Where *w, const char *fmt, const char *value)
{
  const char *mark = strstr (fmt, "$%u");

  g_ptr_array_add (w->params, g_strdup (value));
  g_string_append (w->where, " AND ");
  g_string_append_len (w->where, fmt, mark - fmt);
  g_string_append_printf (w->where, "$%u", w->params->len);
  g_string_append (w->where, mark + 3);
}
