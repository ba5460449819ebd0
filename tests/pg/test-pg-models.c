/* test-pg-models.c — the model catalogue and price edits over PostgreSQL, on
 * both schema variants
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fixture gets channels built to hit every case (a disabled channel, a
 * channel in no group, a mapping naming a model no channel offers, a model
 * with no price), and then:
 *   - served / single-channel / unpriced, the serving channels and groups
 *     equal SQL written here over abilities, channels and options;
 *   - the money per 1M tokens and per call equals NewAPI's formula, computed
 *     here in SQL from the options, at a QuotaPerUnit that is not the default;
 *   - a price edit changes exactly one member of each option's JSON text
 *     (the rest byte for byte), is audited as option.update, survives a
 *     concurrent edit of another member (a second connection holds the row
 *     while the edit starts), and bad numbers, a missing option or a
 *     non-root operator change nothing.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "pg/nd-pg-source.h"
#include "nd-json.h"
#include "nd-test.h"

typedef struct {
  const char *variant;
  const char *db;
} Variant;

static const Variant variant_new = { "new", "models_new" };
static const Variant variant_old = { "old", "models_old" };

typedef struct {
  NdTestPg *pg;
  char *db;
  char *dsn;
  NdSource *source;
  NdServerInfo *info;
} Fx;

/* Channels for every case; their abilities as NewAPI builds them (Go's
 * strings.Split: group '' gives one ability in group ''). */
static const char *extra_channels =
  "INSERT INTO channels (id, type, \"key\", status, name, models, \"group\", model_mapping, "
  "  priority, weight, created_time) VALUES "
  " (901, 1, 'sk-x1', 2, 'only disabled', 'm-disabled,gpt-4o', 'default', NULL, 0, 0, 0), "
  " (902, 1, 'sk-x2', 1, 'no group', 'm-nogroup', '', NULL, 0, 0, 0), "
  " (903, 1, 'sk-x3', 1, 'mapper', 'm-mapped', 'default,vip', "
  "   '{\"m-mapped\":\"m-upstream\",\"m-only-in-mapping\":\"gpt-4o\"}', 0, 0, 0), "
  " (904, 1, 'sk-x4', 1, 'single', 'm-single', 'vip', NULL, 0, 0, 0); "
  "INSERT INTO abilities (\"group\", model, channel_id, enabled, priority, weight, tag) "
  "SELECT DISTINCT g, m, c.id, c.status = 1, 0, 0, NULL FROM channels c, "
  "  unnest (regexp_split_to_array (c.\"group\", ',')) g, "
  "  unnest (regexp_split_to_array (c.models, ',')) m "
  "WHERE c.id >= 901 ON CONFLICT DO NOTHING; "
  /* Not the default, so the formula must read it. */
  "UPDATE options SET value = '250000' WHERE \"key\" = 'QuotaPerUnit'";

static NdSource *
open_source (const char *dsn, gboolean read_only, gint64 operator_id, NdServerInfo **info)
{
  NdSource *source = nd_pg_source_new (dsn, NULL, NULL, NULL, read_only);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  nd_pg_source_set_operator_id (ND_PG_SOURCE (source), operator_id);
  nd_source_probe_async (source, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  *info = nd_source_probe_finish (source, res, &error);
  g_assert_no_error (error);
  return source;
}

static gboolean
fx_setup (Fx *fx, const Variant *v, const char *suffix)
{
  memset (fx, 0, sizeof *fx);
  fx->pg = nd_test_pg_get ();
  if (fx->pg == NULL)
    return FALSE;
  fx->db = g_strdup_printf ("%s_%s", v->db, suffix);
  fx->dsn = nd_test_pg_fixture (fx->pg, fx->db, v->variant, 300, NULL, ND_TEST_NOW);
  nd_test_pg_exec (fx->pg, fx->db, extra_channels);
  fx->source = open_source (fx->dsn, FALSE, 0, &fx->info);
  return TRUE;
}

static void
fx_teardown (Fx *fx)
{
  if (fx->source != NULL)
    nd_source_close (fx->source);
  g_clear_object (&fx->source);
  g_clear_pointer (&fx->info, nd_server_info_unref);
  g_free (fx->dsn);
  g_free (fx->db);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Fx, fx_teardown)

#define FX(v, suffix) \
  g_auto(Fx) fx; \
  if (!fx_setup (&fx, (v), (suffix))) return

static NdModelCatalog *
catalog_of (NdSource *source)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  NdModelCatalog *catalog;

  nd_source_model_catalog_async (source, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  catalog = nd_source_model_catalog_finish (source, res, &error);
  g_assert_no_error (error);
  return catalog;
}

static NdWriteResult *
run (NdSource *source, NdWrite *write, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdWrite) owned = write;

  nd_source_write_async (source, write, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_write_finish (source, res, error);
}

static char *
option_text (Fx *fx, const char *key)
{
  g_autofree char *sql = g_strdup_printf ("SELECT value FROM options WHERE \"key\" = '%s'", key);
  g_autoptr(PGresult) res = nd_test_pg_query (fx->pg, fx->db, sql);

  return PQntuples (res) ? g_strdup (PQgetvalue (res, 0, 0)) : NULL;
}

static gint64
n_audits (Fx *fx)
{
  return nd_test_pg_scalar (fx->pg, fx->db, "SELECT count (*) FROM logs WHERE type = 3");
}

static NdWrite *
price_write (const char *model, gboolean per_call, double ratio, double completion, double price)
{
  NdPriceEdit *e = nd_price_edit_new ();

  e->name = g_strdup (model);
  e->per_call = per_call;
  e->ratio = ratio;
  e->completion_ratio = completion;
  e->price = price;
  return nd_write_model_price_new (e);
}

/* ---- the catalogue against SQL --------------------------------------------- */

/* model → "served|channels|groups|unpriced" from SQL alone. */
static GHashTable *
expected_rows (Fx *fx)
{
  g_autoptr(PGresult) res = nd_test_pg_query (fx->pg, fx->db,
    "WITH serving AS (SELECT a.model, a.channel_id, a.\"group\" FROM abilities a "
    "   JOIN channels c ON c.id = a.channel_id "
    "   WHERE a.enabled AND c.status = 1 AND a.\"group\" <> ''), "
    " opt AS (SELECT (SELECT value::jsonb FROM options WHERE \"key\" = 'ModelPrice') AS mp, "
    "   (SELECT value::jsonb FROM options WHERE \"key\" = 'ModelRatio') AS mr) "
    "SELECT m.model, "
    "  EXISTS (SELECT 1 FROM serving s WHERE s.model = m.model), "
    "  coalesce ((SELECT string_agg (DISTINCT s.channel_id::text, ',') FROM serving s "
    "    WHERE s.model = m.model), ''), "
    "  coalesce ((SELECT string_agg (DISTINCT s.\"group\", ',') FROM serving s "
    "    WHERE s.model = m.model), ''), "
    "  NOT (opt.mp ? m.model) AND NOT (opt.mr ? m.model) "
    "FROM (SELECT DISTINCT model FROM abilities) m, opt");
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (int i = 0; i < PQntuples (res); i++)
    g_hash_table_insert (rows, g_strdup (PQgetvalue (res, i, 0)),
                         g_strdup_printf ("%s|%s|%s|%s", PQgetvalue (res, i, 1),
                                          PQgetvalue (res, i, 2), PQgetvalue (res, i, 3),
                                          PQgetvalue (res, i, 4)));
  return rows;
}

static int
cmp_text (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
joined_ids (GArray *ids)
{
  GString *s = g_string_new (NULL);
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  /* string_agg(DISTINCT …::text) sorts as text. */
  for (guint i = 0; i < ids->len; i++)
    g_ptr_array_add (texts, g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (ids, gint64, i)));
  g_ptr_array_sort (texts, cmp_text);
  for (guint i = 0; i < texts->len; i++)
    g_string_append_printf (s, "%s%s", i ? "," : "", (char *) g_ptr_array_index (texts, i));
  g_ptr_array_unref (texts);
  return g_string_free (s, FALSE);
}

static void
test_catalog (gconstpointer data)
{
  FX (data, "catalog");
  g_autoptr(NdModelCatalog) catalog = catalog_of (fx.source);
  g_autoptr(GHashTable) expected = expected_rows (&fx);
  guint single = 0, unserved = 0, unpriced = 0;

  g_assert_null (catalog->pricing_note);
  g_assert_cmpuint (catalog->models->len, ==, g_hash_table_size (expected));
  for (guint i = 0; i < catalog->models->len; i++)
    {
      NdModelEntry *e = g_ptr_array_index (catalog->models, i);
      NdModelFlags flags = nd_model_entry_flags (catalog, e);
      g_autoptr(GArray) ids = nd_model_entry_serving (e);
      g_auto(GStrv) groups = nd_model_entry_groups (e);
      g_autofree char *id_text = joined_ids (ids);
      g_autofree char *group_text = NULL;
      g_autofree char *got = NULL;
      g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

      for (guint g = 0; groups[g] != NULL; g++)
        g_ptr_array_add (sorted, groups[g]);
      g_ptr_array_sort (sorted, cmp_text);
      g_ptr_array_add (sorted, NULL);
      group_text = g_strjoinv (",", (char **) sorted->pdata);
      got = g_strdup_printf ("%s|%s|%s|%s", nd_model_entry_served (e) ? "t" : "f", id_text,
                             group_text, (flags & ND_MODEL_FLAG_UNPRICED) ? "t" : "f");
      g_assert_cmpstr (got, ==, g_hash_table_lookup (expected, e->name));
      g_assert_cmpint (!!(flags & ND_MODEL_FLAG_SINGLE_CHANNEL), ==, ids->len == 1);
      g_assert_cmpint (!!(flags & ND_MODEL_FLAG_UNSERVED), ==, ids->len == 0);
      single += !!(flags & ND_MODEL_FLAG_SINGLE_CHANNEL);
      unserved += !!(flags & ND_MODEL_FLAG_UNSERVED);
      unpriced += !!(flags & ND_MODEL_FLAG_UNPRICED);
    }
  /* The cases built for this test are there, as they should be. */
  g_assert_cmpint (nd_model_entry_flags (catalog, nd_model_catalog_find (catalog, "m-disabled")),
                   ==, ND_MODEL_FLAG_UNSERVED | ND_MODEL_FLAG_UNPRICED);
  g_assert_cmpint (nd_model_entry_flags (catalog, nd_model_catalog_find (catalog, "m-nogroup")),
                   ==, ND_MODEL_FLAG_UNSERVED | ND_MODEL_FLAG_UNPRICED);
  g_assert_cmpint (nd_model_entry_flags (catalog, nd_model_catalog_find (catalog, "m-single")),
                   ==, ND_MODEL_FLAG_SINGLE_CHANNEL | ND_MODEL_FLAG_UNPRICED);
  g_assert_cmpint (nd_model_entry_flags (catalog, nd_model_catalog_find (catalog, "m-mapped")),
                   ==, ND_MODEL_FLAG_SINGLE_CHANNEL | ND_MODEL_FLAG_UNPRICED |
                       ND_MODEL_FLAG_MAPPED);
  g_assert_null (nd_model_catalog_find (catalog, "m-only-in-mapping"));
  g_assert_null (nd_model_catalog_find (catalog, "m-upstream"));
  g_assert_cmpstr (((NdModelChannel *) g_ptr_array_index (
                      nd_model_catalog_find (catalog, "m-mapped")->channels, 0))->upstream,
                   ==, "m-upstream");
  /* gpt-4o through a disabled channel too: that one does not serve it. */
  g_assert_cmpint (nd_model_entry_flags (catalog, nd_model_catalog_find (catalog, "gpt-4o")) &
                   ND_MODEL_FLAG_UNSERVED, ==, 0);
  g_assert_cmpuint (single, >, 4);
  g_assert_cmpuint (unserved, >=, 2);
  g_assert_cmpuint (unpriced, ==, 4);

  /* Groups: the ratio from GroupRatio, live users and tokens (a token
   * without a group bills in its owner's). */
  {
    g_autoptr(PGresult) res = nd_test_pg_query (fx.pg, fx.db,
      "SELECT g, "
      " (SELECT count (*) FROM users u WHERE u.deleted_at IS NULL AND u.\"group\" = g), "
      " (SELECT count (*) FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.deleted_at "
      "  IS NULL AND u.deleted_at IS NULL AND coalesce (nullif (t.\"group\", ''), u.\"group\") = g), "
      " (SELECT value::jsonb ->> g FROM options WHERE \"key\" = 'GroupRatio') "
      "FROM (SELECT jsonb_object_keys (value::jsonb) AS g FROM options "
      "      WHERE \"key\" = 'GroupRatio') s");

    g_assert_cmpint (PQntuples (res), >=, 5);
    for (int i = 0; i < PQntuples (res); i++)
      {
        NdGroupEntry *g = nd_model_catalog_find_group (catalog, PQgetvalue (res, i, 0));

        g_assert_nonnull (g);
        g_assert_cmpint (g->users, ==, g_ascii_strtoll (PQgetvalue (res, i, 1), NULL, 10));
        g_assert_cmpint (g->tokens, ==, g_ascii_strtoll (PQgetvalue (res, i, 2), NULL, 10));
        g_assert_cmpfloat (g->ratio, ==, g_ascii_strtod (PQgetvalue (res, i, 3), NULL));
      }
    g_assert_nonnull (nd_model_catalog_find_group (catalog, "auto"));
    g_assert_true (isnan (nd_model_catalog_find_group (catalog, "auto")->ratio));
  }
}

/* Money per 1M tokens and per call, against the formula in SQL. */
static void
test_prices (gconstpointer data)
{
  FX (data, "prices");
  g_autoptr(NdModelCatalog) catalog = catalog_of (fx.source);
  g_autoptr(PGresult) res = nd_test_pg_query (fx.pg, fx.db,
    "WITH o AS (SELECT (SELECT value::float8 FROM options WHERE \"key\" = 'QuotaPerUnit') AS qpu, "
    "  (SELECT value::jsonb FROM options WHERE \"key\" = 'ModelRatio') AS mr, "
    "  (SELECT value::jsonb FROM options WHERE \"key\" = 'CompletionRatio') AS cr, "
    "  (SELECT value::jsonb FROM options WHERE \"key\" = 'ModelPrice') AS mp, "
    "  (SELECT value::jsonb FROM options WHERE \"key\" = 'GroupRatio') AS gr) "
    "SELECT m.model, g.g, "
    "  (o.mr ->> m.model)::float8 * (o.gr ->> g.g)::float8 * 1e6 / o.qpu, "
    "  (o.mr ->> m.model)::float8 * coalesce ((o.cr ->> m.model)::float8, 1) "
    "    * (o.gr ->> g.g)::float8 * 1e6 / o.qpu, "
    "  (o.mp ->> m.model)::float8 * (o.gr ->> g.g)::float8 "
    "FROM (SELECT DISTINCT model FROM abilities) m, "
    "  (SELECT jsonb_object_keys (gr) AS g FROM o) g, o");
  guint ratio_rows = 0, call_rows = 0;

  g_assert_cmpfloat (fx.info->money->quota_per_unit, ==, 250000);
  for (int i = 0; i < PQntuples (res); i++)
    {
      NdModelEntry *e = nd_model_catalog_find (catalog, PQgetvalue (res, i, 0));
      NdPriceUsd usd;

      nd_model_entry_usd (catalog, NULL, e, PQgetvalue (res, i, 1), fx.info->money->quota_per_unit,
                          &usd);
      if (!PQgetisnull (res, i, 4))
        {
          g_assert_cmpfloat_with_epsilon (usd.per_call, g_ascii_strtod (PQgetvalue (res, i, 4), NULL),
                                          1e-12);
          g_assert_true (isnan (usd.input) && isnan (usd.output));
          call_rows++;
        }
      else if (!PQgetisnull (res, i, 2))
        {
          double in = g_ascii_strtod (PQgetvalue (res, i, 2), NULL);
          double out = g_ascii_strtod (PQgetvalue (res, i, 3), NULL);

          g_assert_cmpfloat_with_epsilon (usd.input, in, 1e-9 * MAX (1, in));
          g_assert_cmpfloat_with_epsilon (usd.output, out, 1e-9 * MAX (1, out));
          g_assert_true (isnan (usd.per_call));
          ratio_rows++;
        }
      else
        /* Unpriced: NewAPI refuses it, so it costs nothing we could show. */
        g_assert_true (isnan (usd.input) && isnan (usd.per_call));
    }
  g_assert_cmpuint (ratio_rows, >, 50);
  g_assert_cmpuint (call_rows, >, 0);
}

/* ---- edits ---------------------------------------------------------------- */

/* The text with one member's value spelled differently, for the fixture's
 * compact maps ("name":value). */
static char *
replace_value (const char *text, const char *name, const char *value)
{
  g_autofree char *key = g_strdup_printf ("\"%s\":", name);
  const char *at = strstr (text, key);
  const char *end;

  g_assert_nonnull (at);
  at += strlen (key);
  end = at + strcspn (at, ",}");
  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, value, end);
}

static void
assert_same_but (Fx *fx, const char *key, const char *before, const char *member)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT ((SELECT value::jsonb FROM options WHERE \"key\" = '%s') - '%s') = "
    "('%s'::jsonb - '%s')", key, member, before, member);
  g_autoptr(PGresult) res = nd_test_pg_query (fx->pg, fx->db, sql);

  g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "t");
}

static void
test_edit_ratio (gconstpointer data)
{
  FX (data, "ratio");
  g_autofree char *mr = option_text (&fx, "ModelRatio");
  g_autofree char *cr = option_text (&fx, "CompletionRatio");
  g_autofree char *mp = option_text (&fx, "ModelPrice");
  g_autofree char *expected = replace_value (mr, "deepseek-chat", "0.2");
  g_autofree char *after = NULL;
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) audit = NULL;
  gint64 audits = n_audits (&fx);

  result = run (fx.source, price_write ("deepseek-chat", FALSE, 0.2, NAN, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->changed, ==, 1);
  g_assert_nonnull (strstr (result->notice, "SYNC_FREQUENCY"));
  /* Exactly one member changed; the other options untouched. */
  after = option_text (&fx, "ModelRatio");
  g_assert_cmpstr (after, ==, expected);
  {
    g_autofree char *cr_after = option_text (&fx, "CompletionRatio");
    g_autofree char *mp_after = option_text (&fx, "ModelPrice");

    g_assert_cmpstr (cr_after, ==, cr);
    g_assert_cmpstr (mp_after, ==, mp);
  }
  /* Audited as NewAPI does: the key, never the value. */
  g_assert_cmpint (n_audits (&fx), ==, audits + 1);
  audit = nd_test_pg_query (fx.pg, fx.db, "SELECT content, other::jsonb -> 'op', user_id FROM logs "
                                          "WHERE type = 3 ORDER BY id DESC LIMIT 1");
  g_assert_cmpstr (PQgetvalue (audit, 0, 0), ==, "Updated system setting ModelRatio");
  g_assert_cmpstr (PQgetvalue (audit, 0, 1), ==,
                   "{\"action\": \"option.update\", \"params\": {\"key\": \"ModelRatio\"}}");
  g_assert_cmpint (g_ascii_strtoll (PQgetvalue (audit, 0, 2), NULL, 10), ==,
                   nd_test_pg_scalar (fx.pg, fx.db, "SELECT min (id) FROM users WHERE role >= 100 "
                                                    "AND deleted_at IS NULL"));

  /* Laid out as NewAPI's web editor saves it (indented): still one member,
   * the rest byte for byte, a new member laid out like the others. */
  nd_test_pg_exec (fx.pg, fx.db, "UPDATE options SET value = jsonb_pretty (value::jsonb) "
                                 "WHERE \"key\" IN ('ModelRatio', 'CompletionRatio')");
  {
    g_autofree char *pretty = option_text (&fx, "ModelRatio");
    g_autofree char *pretty_cr = option_text (&fx, "CompletionRatio");
    g_autofree char *pretty_after = NULL;
    g_autofree char *cr_after = NULL;
    g_autoptr(NdWriteResult) r2 = NULL;
    g_autofree char *tail = NULL;

    r2 = run (fx.source, price_write ("m-single", FALSE, 0.3, 2.5, 0), &error);
    g_assert_no_error (error);
    g_assert_cmpint (r2->changed, ==, 2);
    pretty_after = option_text (&fx, "ModelRatio");
    cr_after = option_text (&fx, "CompletionRatio");
    tail = g_strndup (pretty, strlen (pretty) - 2);
    g_assert_true (g_str_has_prefix (pretty_after, tail));
    g_assert_cmpstr (pretty_after + strlen (tail), ==, ",\n    \"m-single\": 0.3\n}");
    g_free (tail);
    tail = g_strndup (pretty_cr, strlen (pretty_cr) - 2);
    g_assert_true (g_str_has_prefix (cr_after, tail));
    assert_same_but (&fx, "ModelRatio", pretty, "m-single");
    assert_same_but (&fx, "CompletionRatio", pretty_cr, "m-single");
  }
}

static void
test_edit_billing (gconstpointer data)
{
  FX (data, "billing");
  g_autofree char *mr = option_text (&fx, "ModelRatio");
  g_autofree char *cr = option_text (&fx, "CompletionRatio");
  g_autofree char *mp = option_text (&fx, "ModelPrice");
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 audits = n_audits (&fx);

  /* gpt-4o to a price per call: in ModelPrice, out of both ratio maps. */
  result = run (fx.source, price_write ("gpt-4o", TRUE, 0, NAN, 0.05), &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->changed, ==, 3);
  g_assert_cmpint (n_audits (&fx), ==, audits + 3);
  {
    g_autofree char *mp_after = option_text (&fx, "ModelPrice");
    g_autofree char *mp_expected = g_strdup_printf ("%.*s,\"gpt-4o\":0.05}",
                                                    (int) strlen (mp) - 1, mp);

    g_assert_cmpstr (mp_after, ==, mp_expected);
  }
  g_assert_cmpint (nd_test_pg_scalar (fx.pg, fx.db, "SELECT count (*) FROM options WHERE \"key\" IN "
                                                    "('ModelRatio', 'CompletionRatio') AND "
                                                    "value::jsonb ? 'gpt-4o'"), ==, 0);
  assert_same_but (&fx, "ModelRatio", mr, "gpt-4o");
  assert_same_but (&fx, "CompletionRatio", cr, "gpt-4o");
  {
    g_autoptr(NdModelCatalog) catalog = catalog_of (fx.source);
    NdModelPrice price;

    nd_model_entry_price (catalog, NULL, nd_model_catalog_find (catalog, "gpt-4o"), &price, NULL);
    g_assert_cmpint (price.billing, ==, ND_BILLING_PER_CALL);
    g_assert_cmpfloat (price.model_price, ==, 0.05);
  }

  /* And back to a ratio: ModelPrice loses it again, exactly as it was. */
  g_clear_pointer (&result, nd_write_result_free);
  result = run (fx.source, price_write ("gpt-4o", FALSE, 1.25, 4, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->changed, ==, 3);
  {
    g_autofree char *mp_after = option_text (&fx, "ModelPrice");

    g_assert_cmpstr (mp_after, ==, mp);
  }

  /* A group ratio. */
  {
    g_autofree char *gr = option_text (&fx, "GroupRatio");
    g_autofree char *expected = replace_value (gr, "vip", "0.75");
    g_autofree char *gr_after = NULL;
    g_autoptr(NdWriteResult) r = run (fx.source, nd_write_group_ratio_new ("vip", 0.75), &error);

    g_assert_no_error (error);
    g_assert_cmpint (r->changed, ==, 1);
    gr_after = option_text (&fx, "GroupRatio");
    g_assert_cmpstr (gr_after, ==, expected);
  }
}

/* Another admin rewrites ModelRatio (another member) and holds the row
 * while this edit starts: the edit must wait and build on that text, or
 * the other change is lost. */
static void
test_edit_concurrent (gconstpointer data)
{
  FX (data, "concurrent");
  g_autofree char *dsn = nd_test_pg_dsn (fx.pg, fx.db);
  PGconn *other = PQconnectdb (dsn);
  g_autofree char *mr = option_text (&fx, "ModelRatio");
  g_autofree char *theirs = replace_value (mr, "deepseek-chat", "0.99");
  g_autofree char *ours_and_theirs = replace_value (theirs, "gpt-4o", "3");
  g_autofree char *after = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdWrite) write = price_write ("gpt-4o", FALSE, 3, NAN, 0);
  const char *params[1] = { theirs };
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  g_assert_cmpint (PQstatus (other), ==, CONNECTION_OK);
  PQclear (PQexec (other, "BEGIN"));
  PQclear (PQexec (other, "SELECT value FROM options WHERE \"key\" = 'ModelRatio' FOR UPDATE"));
  PQclear (PQexecParams (other, "UPDATE options SET value = $1 WHERE \"key\" = 'ModelRatio'",
                         1, NULL, params, NULL, NULL, 0));

  nd_source_write_async (fx.source, write, NULL, nd_test_store_result, &res);
  /* Wait until the edit waits for the row. */
  while (nd_test_pg_scalarf (fx.pg, fx.db, "SELECT count (*) FROM pg_stat_activity WHERE datname "
                                           "= '%s' AND wait_event_type = 'Lock'", fx.db) == 0)
    {
      g_assert_null (res);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
  PQclear (PQexec (other, "COMMIT"));
  PQfinish (other);
  nd_test_wait (&res);
  result = nd_source_write_finish (fx.source, res, &error);
  g_assert_no_error (error);
  after = option_text (&fx, "ModelRatio");
  g_assert_cmpstr (after, ==, ours_and_theirs);
}

static void
assert_nothing_written (Fx *fx, const char *mr, const char *cr, const char *mp, gint64 audits)
{
  g_autofree char *mr_after = option_text (fx, "ModelRatio");
  g_autofree char *cr_after = option_text (fx, "CompletionRatio");
  g_autofree char *mp_after = option_text (fx, "ModelPrice");

  g_assert_cmpstr (mr_after, ==, mr);
  g_assert_cmpstr (cr_after, ==, cr);
  g_assert_cmpstr (mp_after, ==, mp);
  g_assert_cmpint (n_audits (fx), ==, audits);
}

static void
test_edit_refused (gconstpointer data)
{
  FX (data, "refused");
  g_autofree char *mr = option_text (&fx, "ModelRatio");
  g_autofree char *cr = option_text (&fx, "CompletionRatio");
  g_autofree char *mp = option_text (&fx, "ModelPrice");
  gint64 audits = n_audits (&fx);
  static const double bad[] = { -0.5, NAN, INFINITY, -INFINITY };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NdWriteResult) r = run (fx.source, price_write ("gpt-4o", FALSE, bad[i], NAN, 0),
                                        &error);

      g_assert_null (r);
      g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
      g_clear_error (&error);
      r = run (fx.source, price_write ("gpt-4o", TRUE, 0, NAN, bad[i]), &error);
      g_assert_null (r);
      g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
      g_clear_error (&error);
      r = run (fx.source, price_write ("gpt-4o", FALSE, 1, isnan (bad[i]) ? -1 : bad[i], 0), &error);
      g_assert_null (r);
      g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
      g_clear_error (&error);
      r = run (fx.source, nd_write_group_ratio_new ("vip", bad[i]), &error);
      g_assert_null (r);
      g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
    }
  assert_nothing_written (&fx, mr, cr, mp, audits);

  /* A non-root operator: NewAPI's /api/option/ is root's. */
  {
    gint64 admin = nd_test_pg_scalar (fx.pg, fx.db, "SELECT min (id) FROM users WHERE role = 10 "
                                                    "AND deleted_at IS NULL");
    g_autoptr(NdServerInfo) info = NULL;
    g_autoptr(NdSource) as_admin = open_source (fx.dsn, FALSE, admin, &info);
    g_autoptr(GError) error = NULL;
    g_autoptr(NdWriteResult) r = run (as_admin, price_write ("gpt-4o", FALSE, 2, NAN, 0), &error);

    g_assert_null (r);
    g_assert_error (error, ND_ERROR, ND_ERROR_PERMISSION);
    nd_source_close (as_admin);
  }
  /* A read-only profile sends nothing. */
  {
    g_autoptr(NdServerInfo) info = NULL;
    g_autoptr(NdSource) ro = open_source (fx.dsn, TRUE, 0, &info);
    g_autoptr(GError) error = NULL;
    g_autoptr(NdWriteResult) r = run (ro, price_write ("gpt-4o", FALSE, 2, NAN, 0), &error);

    g_assert_null (r);
    g_assert_error (error, ND_ERROR, ND_ERROR_READ_ONLY);
    nd_source_close (ro);
  }
  assert_nothing_written (&fx, mr, cr, mp, audits);

  /* A map the database does not hold (NewAPI's built-in one) and a map
   * NewAPI cannot read are never overwritten. */
  nd_test_pg_exec (fx.pg, fx.db, "DELETE FROM options WHERE \"key\" = 'CompletionRatio'");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(NdWriteResult) r = run (fx.source, price_write ("gpt-4o", TRUE, 0, NAN, 0.1), &error);

    g_assert_null (r);
    g_assert_error (error, ND_ERROR, ND_ERROR_CONFLICT);
    g_assert_nonnull (strstr (error->message, "CompletionRatio"));
  }
  nd_test_pg_exec (fx.pg, fx.db, "UPDATE options SET value = '{\"gpt-4o\": \"1.5\"}' "
                                 "WHERE \"key\" = 'ModelPrice'");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(NdWriteResult) r = run (fx.source, price_write ("gpt-4o", FALSE, 1, NAN, 0), &error);
    g_autofree char *mp_after = option_text (&fx, "ModelPrice");
    g_autofree char *mr_after = option_text (&fx, "ModelRatio");

    g_assert_null (r);
    g_assert_error (error, ND_ERROR, ND_ERROR_CONFLICT);
    g_assert_cmpstr (mp_after, ==, "{\"gpt-4o\": \"1.5\"}");
    g_assert_cmpstr (mr_after, ==, mr);
  }
  g_assert_cmpint (n_audits (&fx), ==, audits);
}

int
main (int argc, char **argv)
{
  static const struct { const char *name; GTestDataFunc func; } tests[] = {
    { "catalog", test_catalog },
    { "prices", test_prices },
    { "edit-ratio", test_edit_ratio },
    { "edit-billing", test_edit_billing },
    { "edit-concurrent", test_edit_concurrent },
    { "edit-refused", test_edit_refused },
  };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    {
      g_autofree char *n = g_strdup_printf ("/pg/models/new/%s", tests[i].name);
      g_autofree char *o = g_strdup_printf ("/pg/models/old/%s", tests[i].name);

      g_test_add_data_func (n, &variant_new, tests[i].func);
      g_test_add_data_func (o, &variant_old, tests[i].func);
    }
  return g_test_run ();
}
