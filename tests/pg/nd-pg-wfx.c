/* nd-pg-wfx.c — see nd-pg-wfx.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "nd-pg-wfx.h"

NdSource *
open_source (const char *dsn, const char *log_dsn, gboolean read_only, gint64 operator_id)
{
  NdSource *source = nd_pg_source_new (dsn, NULL, log_dsn, NULL, read_only);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdServerInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  nd_pg_source_set_operator_id (ND_PG_SOURCE (source), operator_id);
  nd_source_probe_async (source, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  info = nd_source_probe_finish (source, res, &error);
  g_assert_no_error (error);
  return source;
}

static gboolean
setup (Fx *fx, const Variant *v, const char *suffix, gboolean split)
{
  g_autofree char *log_dsn = NULL;

  memset (fx, 0, sizeof *fx);
  fx->pg = nd_test_pg_get ();
  if (fx->pg == NULL)
    return FALSE;
  fx->v = v;
  fx->db = g_strdup_printf ("%s_%s", v->db, suffix);
  if (split)
    fx->log_db = g_strdup_printf ("%s_logs", fx->db);
  fx->dsn = nd_test_pg_fixture (fx->pg, fx->db, v->variant, 400, fx->log_db, 0);
  if (split)
    log_dsn = nd_test_pg_dsn (fx->pg, fx->log_db);
  fx->source = open_source (fx->dsn, log_dsn, FALSE, 0);
  return TRUE;
}

gboolean
fx_setup (Fx *fx, const Variant *v, const char *suffix)
{
  return setup (fx, v, suffix, FALSE);
}

gboolean
fx_setup_split (Fx *fx, const Variant *v, const char *suffix)
{
  return setup (fx, v, suffix, TRUE);
}

void
fx_teardown (Fx *fx)
{
  if (fx->source != NULL)
    nd_source_close (fx->source);
  g_clear_object (&fx->source);
  g_free (fx->dsn);
  g_free (fx->db);
  g_free (fx->log_db);
}

NdWriteResult *
run (NdSource *source, NdWrite *write, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdWrite) owned = write;

  nd_source_write_async (source, write, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_write_finish (source, res, error);
}

gint64
scalar (Fx *fx, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *sql = NULL;

  va_start (ap, fmt);
  sql = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return nd_test_pg_scalar (fx->pg, fx->db, sql);
}

char *
text (Fx *fx, const char *fmt, ...)
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

void
audit_clear (Audit *a)
{
  g_free (a->username);
  g_free (a->content);
  g_clear_pointer (&a->other, json_object_unref);
}

gboolean
last_audit (NdTestPg *pg, const char *db, Audit *out)
{
  g_autoptr(PGresult) res = nd_test_pg_query (pg, db,
    "SELECT user_id, username, content, other FROM logs WHERE type = 3 ORDER BY id DESC LIMIT 1");
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (PQntuples (res) == 0)
    return FALSE;
  out->user_id = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  out->username = g_strdup (PQgetvalue (res, 0, 1));
  out->content = g_strdup (PQgetvalue (res, 0, 2));
  g_assert_true (json_parser_load_from_data (parser, PQgetvalue (res, 0, 3), -1, NULL));
  out->other = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  return TRUE;
}

JsonObject *
audit_params (Audit *a, const char *action)
{
  JsonObject *op = json_object_get_object_member (a->other, "op");

  g_assert_nonnull (op);
  g_assert_cmpstr (json_object_get_string_member (op, "action"), ==, action);
  return json_object_get_object_member (op, "params");
}

gint64
n_audits (Fx *fx)
{
  return scalar (fx, "SELECT count(*) FROM logs WHERE type = 3");
}

gboolean
is_new (Fx *fx)
{
  return g_str_equal (fx->v->variant, "new");
}

gint64
pick_user (Fx *fx, int role, int status)
{
  return scalar (fx, "SELECT min(id) FROM users WHERE role = %d AND status = %d AND "
                     "deleted_at IS NULL AND id > 1", role, status);
}

gint64
auth_version (Fx *fx, gint64 id)
{
  if (!is_new (fx))
    return 0;
  return scalar (fx, "SELECT auth_version FROM users WHERE id = %" G_GINT64_FORMAT, id);
}

char *
log_quota (gint64 quota)
{
  return g_strdup_printf ("＄%.6f 额度", (double) quota / 500000.0);
}

NdUserEdit *
edit_new (NdUserField mask)
{
  NdUserEdit *e = nd_user_edit_new ();

  e->mask = mask;
  return e;
}

gint64
quota_of (Fx *fx, gint64 id)
{
  return scalar (fx, "SELECT quota FROM users WHERE id = %" G_GINT64_FORMAT, id);
}
