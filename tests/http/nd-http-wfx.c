/* nd-http-wfx.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-http-wfx.h"
#include "nd-json.h"

gboolean
wfx_setup (WFx *fx, const Mode *mode, const char *name)
{
  g_autofree char *dsn = NULL;
  g_autoptr(GError) error = NULL;

  memset (fx, 0, sizeof *fx);
  fx->mode = mode;
  fx->pg = nd_test_pg_get ();
  if (fx->pg == NULL)
    return FALSE;
  fx->db = g_strdup_printf ("hw_%s_%s", mode->mode == ND_FAKE_NEWAPI_NEW ? "new" : "old", name);
  dsn = nd_test_pg_fixture (fx->pg, fx->db, mode->mode == ND_FAKE_NEWAPI_NEW ? "new" : "old",
                            300, NULL, 0);
  fx->fake = nd_fake_newapi_new (dsn, mode->mode, &error);
  g_assert_no_error (error);
  fx->root_id = nd_fake_newapi_find_user (fx->fake, 100);
  g_assert_cmpint (fx->root_id, >, 0);
  fx->source = wfx_source_as (fx, 100, FALSE, TRUE);
  nd_fake_newapi_reset_log (fx->fake);
  return TRUE;
}

void
wfx_teardown (WFx *fx)
{
  if (fx->source != NULL)
    nd_source_close (fx->source);
  g_clear_object (&fx->source);
  g_clear_pointer (&fx->fake, nd_fake_newapi_free);
  g_free (fx->db);
}

NdSource *
wfx_source_as (WFx *fx, int role, gboolean read_only, gboolean do_probe)
{
  gint64 uid = nd_fake_newapi_find_user (fx->fake, role);
  g_autofree char *token = nd_fake_newapi_dup_token (fx->fake, uid);
  NdSource *source;

  g_assert_cmpint (uid, >, 0);
  source = nd_http_source_new (nd_fake_newapi_get_url (fx->fake), uid, token, read_only);
  nd_http_client_set_backoff (nd_http_source_get_client (ND_HTTP_SOURCE (source)), 4, 50, 3000);
  if (do_probe)
    {
      g_autoptr(NdServerInfo) info = NULL;
      g_autoptr(GError) error = NULL;

      info = probe (source, &error);
      g_assert_no_error (error);
    }
  return source;
}

NdWriteResult *
wfx_write (NdSource *source, NdWrite *write, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdWrite) owned = write;

  nd_source_write_async (source, write, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_write_finish (source, res, error);
}

gint64
wfx_scalar (WFx *fx, const char *fmt, ...)
{
  va_list ap;
  gint64 v;

  va_start (ap, fmt);
  v = pg_scalar_v (fx->pg, fx->db, fmt, ap);
  va_end (ap);
  return v;
}

char *
wfx_text (WFx *fx, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *sql = NULL;
  g_autoptr(PGresult) res = NULL;

  va_start (ap, fmt);
  sql = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  res = nd_test_pg_query (fx->pg, fx->db, sql);
  if (PQntuples (res) == 0 || PQgetisnull (res, 0, 0))
    return NULL;
  return g_strdup (PQgetvalue (res, 0, 0));
}

/* ---- abilities ---------------------------------------------------------- */

/* strings.Split: "" is one empty entry; nothing trimmed, empties kept. */
static GStrv
split_like_go (PGresult *res, int row, int col)
{
  const char *s = PQgetisnull (res, row, col) ? "" : PQgetvalue (res, row, col);

  return *s == '\0' ? g_strdupv ((char *[]) { (char *) "", NULL }) : g_strsplit (s, ",", -1);
}

static int
by_text (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

void
wfx_assert_abilities (WFx *fx)
{
  g_autoptr(PGresult) channels = nd_test_pg_query (fx->pg, fx->db,
    "SELECT id, \"group\", models, status = 1, COALESCE (priority, 0), COALESCE (weight, 0), "
    "COALESCE (tag, '(none)') FROM channels");
  g_autoptr(PGresult) rows = nd_test_pg_query (fx->pg, fx->db,
    "SELECT concat_ws (' / ', \"group\", model, channel_id, enabled, COALESCE (priority, 0), "
    "COALESCE (weight, 0), COALESCE (tag, '(none)')) FROM abilities");
  g_autoptr(GHashTable) want = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  g_autoptr(GPtrArray) got = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  for (int i = 0; i < PQntuples (channels); i++)
    {
      g_auto(GStrv) groups = split_like_go (channels, i, 1);
      g_auto(GStrv) models = split_like_go (channels, i, 2);

      for (guint g = 0; groups[g]; g++)
        for (guint m = 0; models[m]; m++)
          g_hash_table_add (want, g_strdup_printf ("%s / %s / %s / %s / %s / %s / %s", groups[g],
                                                   models[m], PQgetvalue (channels, i, 0),
                                                   PQgetvalue (channels, i, 3),
                                                   PQgetvalue (channels, i, 4),
                                                   PQgetvalue (channels, i, 5),
                                                   PQgetvalue (channels, i, 6)));
    }
  g_hash_table_iter_init (&iter, want);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (expected, key);
  for (int i = 0; i < PQntuples (rows); i++)
    g_ptr_array_add (got, PQgetvalue (rows, i, 0));
  g_ptr_array_sort (expected, by_text);
  g_ptr_array_sort (got, by_text);
  for (guint i = 0; i < MIN (expected->len, got->len); i++)
    g_assert_cmpstr (g_ptr_array_index (got, i), ==, g_ptr_array_index (expected, i));
  g_assert_cmpuint (got->len, ==, expected->len);
}

char *
wfx_abilities_except (WFx *fx, gint64 except)
{
  return wfx_text (fx, "SELECT string_agg (concat_ws ('/', \"group\", model, channel_id, enabled, "
                       "priority, weight, tag), ',' ORDER BY channel_id, \"group\", model) "
                       "FROM abilities WHERE channel_id <> %" G_GINT64_FORMAT, except);
}

gint64
wfx_pick_channel (WFx *fx, int status)
{
  return wfx_scalar (fx, "SELECT min (c.id) FROM channels c WHERE c.status = %d AND "
                         "channel_info::text NOT LIKE '%%\"is_multi_key\":true%%' AND "
                         "EXISTS (SELECT 1 FROM abilities a WHERE a.channel_id = c.id)", status);
}

/* ---- requests ------------------------------------------------------------ */

guint
wfx_calls (WFx *fx, const char *prefix)
{
  GPtrArray *calls = nd_fake_newapi_get_calls (fx->fake);
  guint n = 0;

  for (guint i = 0; i < calls->len; i++)
    n += g_str_has_prefix (g_ptr_array_index (calls, i), prefix);
  return n;
}

const char *
wfx_body (WFx *fx, const char *prefix)
{
  GPtrArray *calls = nd_fake_newapi_get_calls (fx->fake);

  for (guint i = calls->len; i > 0; i--)
    if (g_str_has_prefix (g_ptr_array_index (calls, i - 1), prefix))
      return g_ptr_array_index (nd_fake_newapi_get_bodies (fx->fake), i - 1);
  return NULL;
}

/* ---- audit rows ----------------------------------------------------------- */

void
waudit_clear (WAudit *a)
{
  g_free (a->username);
  g_free (a->content);
  g_free (a->other_text);
  g_clear_pointer (&a->other, json_object_unref);
}

gint64
wfx_n_audits (WFx *fx)
{
  return wfx_scalar (fx, "SELECT count (*) FROM logs WHERE type = 3");
}

gboolean
wfx_last_audit (WFx *fx, WAudit *out)
{
  g_autoptr(PGresult) res = nd_test_pg_query (fx->pg, fx->db,
    "SELECT user_id, username, content, other FROM logs WHERE type = 3 ORDER BY id DESC LIMIT 1");
  g_autoptr(JsonNode) root = NULL;

  if (PQntuples (res) == 0)
    return FALSE;
  out->user_id = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  out->username = g_strdup (PQgetvalue (res, 0, 1));
  out->content = g_strdup (PQgetvalue (res, 0, 2));
  out->other_text = g_strdup (PQgetvalue (res, 0, 3));
  root = nd_json_parse_bounded (out->other_text, -1, NULL);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  out->other = json_object_ref (json_node_get_object (root));
  return TRUE;
}

JsonObject *
wfx_audit_params (WFx *fx, WAudit *a, const char *action)
{
  JsonObject *op = json_object_get_object_member (a->other, "op");
  JsonObject *admin = json_object_get_object_member (a->other, "admin_info");

  g_assert_nonnull (op);
  g_assert_cmpstr (json_object_get_string_member (op, "action"), ==, action);
  /* The operator is the caller: the root user the source logged in as. */
  g_assert_cmpint (a->user_id, ==, fx->root_id);
  g_assert_nonnull (admin);
  g_assert_cmpint (json_object_get_int_member (admin, "admin_id"), ==, fx->root_id);
  g_assert_cmpstr (json_object_get_string_member (admin, "admin_username"), ==, a->username);
  g_assert_cmpint (json_object_get_int_member (admin, "admin_role"), ==, 100);
  g_assert_cmpstr (json_object_get_string_member (admin, "auth_method"), ==, "access_token");
  return json_object_get_object_member (op, "params");
}
