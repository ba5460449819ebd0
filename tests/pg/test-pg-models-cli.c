/* test-pg-models-cli.c — `newapi-desk models` over PostgreSQL: list --json
 * says what the abilities, channels and options say; a price edit without
 * --read-write or with a bad number changes nothing; with it, exactly one
 * key of the option changes
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "nd-test.h"

typedef struct {
  NdTestPg *pg;
  char *db;
  char *dsn;
} Fx;

static gboolean
fx_setup (Fx *fx, const char *variant, const char *name)
{
  memset (fx, 0, sizeof *fx);
  fx->pg = nd_test_pg_get ();
  if (!nd_test_require (fx->pg != NULL, "a throwaway PostgreSQL (tests/fixtures/nd-pg)"))
    return FALSE;
  fx->db = g_strdup_printf ("mcli_%s_%s", variant, name);
  fx->dsn = nd_test_pg_fixture (fx->pg, fx->db, variant, 200, NULL, 0);
  /* A model only a disabled channel offers, and one no option prices. */
  nd_test_pg_exec (fx->pg, fx->db,
    "INSERT INTO channels (type, \"key\", status, name, weight, created_time, base_url, models,"
    " \"group\", priority, auto_ban)"
    " VALUES (1, 'sk-a', 1, 'Lone', 0, 1700000000, '', 'm-unpriced', 'default', 0, 1),"
    "        (1, 'sk-b', 2, 'Off', 0, 1700000000, '', 'm-orphan', 'default', 0, 1);"
    "INSERT INTO abilities (\"group\", model, channel_id, enabled, priority, weight)"
    " SELECT 'default', c.models, c.id, c.status = 1, 0, 0 FROM channels c"
    " WHERE c.name IN ('Lone', 'Off')");
  return TRUE;
}

static void
fx_teardown (Fx *fx)
{
  g_free (fx->dsn);
  g_free (fx->db);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fx, fx_teardown)

#define FX(variant, name) \
  g_auto(Fx) fx; \
  if (!fx_setup (&fx, (variant), (name))) return

static int
desk (Fx *fx, char **out, char **err, ...)
{
  const char *head[] = { "models", NULL };
  const char *tail[] = { "--dsn", fx->dsn, NULL };
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;
  va_list ap;
  int status;

  va_start (ap, err);
  status = nd_test_run_va (ND_DESK_EXE, NULL, head, tail, &o, &e, ap);
  va_end (ap);
  if (out != NULL)
    *out = g_steal_pointer (&o);
  if (err != NULL)
    *err = g_steal_pointer (&e);
  return status;
}

static JsonObject *
find_model (JsonArray *array, const char *name)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (o, "model"), name))
        return o;
    }
  return NULL;
}

/* The ids in a JSON array, joined with ',' as string_agg writes them. */
static char *
ids_text (JsonArray *ids)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (ids); i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i ? "," : "",
                            json_array_get_int_element (ids, i));
  return g_string_free (out, FALSE);
}

static void
test_list (gconstpointer data)
{
  const char *variant = data;
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *models;
  g_autoptr(PGresult) res = NULL;
  FX (variant, "list");

  g_assert_cmpint (desk (&fx, &out, NULL, "list", "--json", NULL), ==, 0);
  models = nd_test_json_array (out, parser);
  /* Every offered model, with the enabled channels serving it in a real
   * group, and whether some option prices it. */
  res = nd_test_pg_query (fx.pg, fx.db,
    "SELECT a.model,"
    " coalesce(string_agg(DISTINCT a.channel_id::text, ',') FILTER (WHERE a.enabled AND c.status = 1"
    "   AND a.\"group\" <> ''), ''),"
    " (SELECT count(*) FROM options o WHERE o.key IN ('ModelPrice', 'ModelRatio')"
    "   AND (o.value::jsonb) ? a.model) > 0"
    " FROM abilities a JOIN channels c ON c.id = a.channel_id GROUP BY a.model");
  g_assert_cmpint (PQntuples (res), >, 10);
  for (int i = 0; i < PQntuples (res); i++)
    {
      JsonObject *o = find_model (models, PQgetvalue (res, i, 0));
      g_autofree char *ids = NULL;
      const char *want = PQgetvalue (res, i, 1);

      g_assert_nonnull (o);
      ids = ids_text (json_object_get_array_member (o, "channels"));
      /* string_agg over text sorts as text: compare as sets of ids. */
      {
        g_auto(GStrv) a = g_strsplit (ids, ",", -1);
        g_auto(GStrv) b = g_strsplit (want, ",", -1);

        g_assert_cmpuint (g_strv_length (a), ==, g_strv_length (b));
        for (guint k = 0; b[k] != NULL && *b[k]; k++)
          g_assert_true (g_strv_contains ((const char * const *) a, b[k]));
      }
      g_assert_cmpint (json_object_get_boolean_member (o, "served"), ==, *want != '\0');
      g_assert_cmpint (json_object_get_boolean_member (o, "single_channel"), ==,
                       *want != '\0' && strchr (want, ',') == NULL);
      g_assert_cmpint (json_object_get_boolean_member (o, "priced"), ==,
                       PQgetvalue (res, i, 2)[0] == 't');
    }
  g_assert_false (json_object_get_boolean_member (find_model (models, "m-orphan"), "served"));
  g_assert_false (json_object_get_boolean_member (find_model (models, "m-unpriced"), "priced"));
  g_assert_true (json_object_get_null_member (find_model (models, "m-unpriced"), "usd_per_1m_input"));
}

static void
test_price (gconstpointer data)
{
  const char *variant = data;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *out = NULL;
  g_autofree char *sql = NULL;
  gint64 audits;
  FX (variant, "price");

  before = nd_test_pg_textf (fx.pg, fx.db, "SELECT value FROM options WHERE key = 'ModelRatio'");
  audits = nd_test_pg_scalarf (fx.pg, fx.db, "SELECT count(*) FROM logs WHERE type = 3");
  /* Without --read-write, and with a bad number: nothing written. */
  g_assert_cmpint (desk (&fx, NULL, NULL, "price", "gpt-4o", "--ratio", "2", NULL), ==, 2);
  g_assert_cmpint (desk (&fx, NULL, NULL, "price", "gpt-4o", "--ratio", "-1", "--read-write", NULL),
                   ==, 2);
  g_assert_cmpint (desk (&fx, NULL, NULL, "price", "gpt-4o", "--ratio", "2", "--price", "1",
                         "--read-write", NULL), ==, 2);
  after = nd_test_pg_textf (fx.pg, fx.db, "SELECT value FROM options WHERE key = 'ModelRatio'");
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  g_assert_cmpint (desk (&fx, &out, NULL, "price", "gpt-4o", "--ratio", "2", "--read-write", NULL),
                   ==, 0);
  /* What changes was printed first. */
  g_assert_nonnull (strstr (out, "ModelRatio"));
  g_assert_nonnull (strstr (out, "→ 2"));
  sql = g_strdup_printf (
    "SELECT count(*) FROM jsonb_each('%s'::jsonb) o FULL JOIN"
    " (SELECT e.key, e.value FROM options p, jsonb_each(p.value::jsonb) e"
    "  WHERE p.key = 'ModelRatio') n"
    " ON o.key = n.key WHERE o.key IS DISTINCT FROM n.key OR o.value IS DISTINCT FROM n.value",
    before);
  g_assert_cmpint (nd_test_pg_scalar (fx.pg, fx.db, sql), ==, 1);
  g_assert_cmpint (nd_test_pg_scalarf (fx.pg, fx.db, "SELECT (((value::jsonb) ->> 'gpt-4o')::numeric"
                                                     " = 2)::int FROM options WHERE key = 'ModelRatio'"),
                   ==, 1);
  g_assert_cmpint (nd_test_pg_scalarf (fx.pg, fx.db, "SELECT count(*) FROM logs WHERE type = 3"), ==,
                   audits + 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/pg/models-cli/list/new", "new", test_list);
  g_test_add_data_func ("/pg/models-cli/list/old", "old", test_list);
  g_test_add_data_func ("/pg/models-cli/price/new", "new", test_price);
  return g_test_run ();
}
