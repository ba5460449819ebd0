/* test-http-models.c — the model catalogue and price edits over NewAPI's
 * admin API, against the fake in the NEW (rc.24) and OLD (v0.8) dialects
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The catalogue over the API (channel list, /api/pricing, /api/option/)
 * must say what the PostgreSQL source says on the same database; an admin
 * who is not root gets the server's public figures and no "unpriced" it
 * cannot tell. An edit puts each changed option whole with one member
 * changed (PUT /api/option/), refuses bad numbers and non-root callers
 * before sending anything, and shows the server's refusal verbatim.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "nd-http-wfx.h"

static NdModelCatalog *
catalog_of (NdSource *source, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_model_catalog_async (source, NULL, nd_test_store_result, &res);
  nd_test_wait (&res);
  return nd_source_model_catalog_finish (source, res, error);
}

static char *
serving_text (const NdModelEntry *e)
{
  g_autoptr(GArray) ids = nd_model_entry_serving (e);
  g_auto(GStrv) groups = nd_model_entry_groups (e);
  g_autofree char *group_text = g_strjoinv (",", groups);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (s, "%" G_GINT64_FORMAT ",", g_array_index (ids, gint64, i));
  g_string_append_printf (s, "|%s", group_text);
  return g_string_free (s, FALSE);
}

static void
test_catalog (gconstpointer data)
{
  FX (data);
  g_autoptr(NdSource) pg = pg_source (&fx);
  g_autoptr(GError) error = NULL;
  g_autoptr(NdModelCatalog) over_pg = catalog_of (pg, &error);
  g_autoptr(NdModelCatalog) over_api = NULL;

  g_assert_no_error (error);
  nd_fake_newapi_reset_log (fx.fake);
  over_api = catalog_of (fx.source, &error);
  g_assert_no_error (error);
  g_assert_null (over_api->pricing_note);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/pricing"), ==, 1);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/option/"), ==, 1);

  g_assert_cmpuint (over_api->models->len, ==, over_pg->models->len);
  for (guint i = 0; i < over_pg->models->len; i++)
    {
      NdModelEntry *p = g_ptr_array_index (over_pg->models, i);
      NdModelEntry *a = g_ptr_array_index (over_api->models, i);
      g_autofree char *ps = serving_text (p);
      g_autofree char *as = serving_text (a);
      NdPriceUsd pu, au;

      g_assert_cmpstr (a->name, ==, p->name);
      g_assert_cmpstr (as, ==, ps);
      g_assert_cmpint (nd_model_entry_flags (over_api, a), ==, nd_model_entry_flags (over_pg, p));
      g_assert_cmpuint (a->channels->len, ==, p->channels->len);
      for (guint c = 0; c < p->channels->len; c++)
        g_assert_cmpstr (((NdModelChannel *) g_ptr_array_index (a->channels, c))->upstream, ==,
                         ((NdModelChannel *) g_ptr_array_index (p->channels, c))->upstream);
      nd_model_entry_usd (over_pg, NULL, p, "vip", 500000, &pu);
      nd_model_entry_usd (over_api, NULL, a, "vip", 500000, &au);
      g_assert_true ((isnan (pu.input) && isnan (au.input)) || pu.input == au.input);
      g_assert_true ((isnan (pu.output) && isnan (au.output)) || pu.output == au.output);
      g_assert_true ((isnan (pu.per_call) && isnan (au.per_call)) || pu.per_call == au.per_call);
    }
  /* The fixture's mappings survive the trip. */
  g_assert_cmpint (nd_model_entry_flags (over_api, nd_model_catalog_find (over_api, "deepseek-chat"))
                   & ND_MODEL_FLAG_MAPPED, !=, 0);
  g_assert_cmpuint (over_api->groups->len, >=, 5);
  for (guint i = 0; i < over_api->groups->len; i++)
    {
      NdGroupEntry *g = g_ptr_array_index (over_api->groups, i);
      NdGroupEntry *pgg = nd_model_catalog_find_group (over_pg, g->name);

      g_assert_nonnull (pgg);
      g_assert_true ((isnan (g->ratio) && isnan (pgg->ratio)) || g->ratio == pgg->ratio);
      /* Counting would cost a search per group: unknown over the API. */
      g_assert_cmpint (g->users, ==, -1);
    }
}

/* An admin who is not root reads the public price list only. */
static void
test_catalog_admin (gconstpointer data)
{
  WFX (data, "madmin");
  g_autoptr(NdSource) admin = wfx_source_as (&fx, 10, TRUE, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(NdModelCatalog) catalog = NULL;
  NdModelPrice price;
  gboolean exact;

  /* A model with no price, offered by an enabled channel. */
  wfx_scalar (&fx, "WITH c AS (INSERT INTO channels (type, \"key\", status, name, models, \"group\", "
                   "created_time) VALUES (1, 'sk-z', 1, 'new', 'm-noprice', 'default', 0) "
                   "RETURNING id) INSERT INTO abilities (\"group\", model, channel_id, enabled) "
                   "SELECT 'default', 'm-noprice', id, true FROM c RETURNING 1");
  nd_fake_newapi_reset_log (fx.fake);
  catalog = catalog_of (admin, &error);
  g_assert_no_error (error);
  g_assert_nonnull (catalog->pricing_note);
  g_assert_cmpuint (nd_fake_newapi_count (fx.fake, "/api/option/"), ==, 0);
  /* The server bills it at its fallback ratio, which hides that it has no
   * price: never flagged unpriced on a guess. */
  nd_model_entry_price (catalog, NULL, nd_model_catalog_find (catalog, "m-noprice"), &price, &exact);
  g_assert_false (exact);
  g_assert_cmpint (price.billing, ==, ND_BILLING_RATIO);
  g_assert_cmpfloat (price.model_ratio, ==, 37.5);
  for (guint i = 0; i < catalog->models->len; i++)
    g_assert_cmpint (nd_model_entry_flags (catalog, g_ptr_array_index (catalog->models, i)) &
                     ND_MODEL_FLAG_UNPRICED, ==, 0);
  /* The figures it does list are the options'. */
  nd_model_entry_price (catalog, NULL, nd_model_catalog_find (catalog, "gpt-4o"), &price, &exact);
  g_assert_cmpfloat (price.model_ratio, ==, 1.25);
  g_assert_cmpfloat (price.completion_ratio, ==, 4);
  nd_model_entry_price (catalog, NULL, nd_model_catalog_find (catalog, "dall-e-3"), &price, &exact);
  g_assert_cmpint (price.billing, ==, ND_BILLING_PER_CALL);
  g_assert_cmpfloat (price.model_price, ==, 0.04);
  g_assert_cmpfloat (nd_pricing_group_ratio (catalog->pricing, "vip"), ==, 0.8);
  nd_source_close (admin);
}

/* ---- edits ----------------------------------------------------------------- */

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

static char *
option_text (WFx *fx, const char *key)
{
  return wfx_text (fx, "SELECT value FROM options WHERE \"key\" = '%s'", key);
}

/* {"key":KEY,"value":TEXT} as the client sends it. */
static char *
put_body (const char *key, const char *value)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, key);
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, value);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
test_edit (gconstpointer data)
{
  WFX (data, "medit");
  g_autofree char *mr = option_text (&fx, "ModelRatio");
  g_autofree char *cr = option_text (&fx, "CompletionRatio");
  g_autofree char *mp = option_text (&fx, "ModelPrice");
  g_autoptr(NdWriteResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 audits = wfx_n_audits (&fx);
  gboolean is_new = fx.mode->mode == ND_FAKE_NEWAPI_NEW;

  /* To a price per call: ModelPrice first, then out of the ratio maps. */
  result = wfx_write (fx.source, price_write ("gpt-4o", TRUE, 0, NAN, 0.05), &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->changed, ==, 3);
  g_assert_nonnull (strstr (result->notice, "SYNC_FREQUENCY"));
  g_assert_cmpuint (wfx_calls (&fx, "GET /api/option/"), ==, 1);
  g_assert_cmpuint (wfx_calls (&fx, "PUT /api/option/"), ==, 3);
  {
    GPtrArray *calls = nd_fake_newapi_get_calls (fx.fake);
    GPtrArray *bodies = nd_fake_newapi_get_bodies (fx.fake);
    static const char * const order[] = { "ModelPrice", "ModelRatio", "CompletionRatio" };
    guint k = 0;

    for (guint i = 0; i < calls->len; i++)
      if (g_str_has_prefix (g_ptr_array_index (calls, i), "PUT /api/option/"))
        {
          g_autofree char *now = option_text (&fx, order[k]);
          g_autofree char *body = put_body (order[k], now);

          /* What was sent is what is stored: the whole text. */
          g_assert_cmpstr (g_ptr_array_index (bodies, i), ==, body);
          k++;
        }
    g_assert_cmpuint (k, ==, 3);
  }
  {
    g_autofree char *mp_after = option_text (&fx, "ModelPrice");
    g_autofree char *mp_expected = g_strdup_printf ("%.*s,\"gpt-4o\":0.05}",
                                                    (int) strlen (mp) - 1, mp);

    g_assert_cmpstr (mp_after, ==, mp_expected);
  }
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM options WHERE \"key\" IN ('ModelRatio', "
                                    "'CompletionRatio') AND value::jsonb ? 'gpt-4o'"), ==, 0);
  g_assert_cmpint (wfx_scalar (&fx, "SELECT count (*) FROM options WHERE (\"key\" = 'ModelRatio' "
                                    "AND value::jsonb - 'gpt-4o' = '%s'::jsonb - 'gpt-4o') OR "
                                    "(\"key\" = 'CompletionRatio' AND value::jsonb - 'gpt-4o' = "
                                    "'%s'::jsonb - 'gpt-4o')", mr, cr), ==, 2);
  if (is_new)
    {
      g_auto(WAudit) audit = { 0 };
      JsonObject *params;

      g_assert_cmpint (wfx_n_audits (&fx), ==, audits + 3);
      g_assert_true (wfx_last_audit (&fx, &audit));
      g_assert_cmpstr (audit.content, ==, "Updated system setting CompletionRatio");
      params = wfx_audit_params (&fx, &audit, "option.update");
      g_assert_cmpstr (json_object_get_string_member (params, "key"), ==, "CompletionRatio");
      g_assert_cmpuint (json_object_get_size (params), ==, 1);
    }
  else
    g_assert_cmpint (wfx_n_audits (&fx), ==, audits);

  /* Back to a ratio: ModelPrice exactly as it was. */
  g_clear_pointer (&result, nd_write_result_free);
  result = wfx_write (fx.source, price_write ("gpt-4o", FALSE, 1.25, 4, 0), &error);
  g_assert_no_error (error);
  {
    g_autofree char *mp_after = option_text (&fx, "ModelPrice");

    g_assert_cmpstr (mp_after, ==, mp);
  }

  /* A group ratio; nothing to change sends nothing. */
  g_clear_pointer (&result, nd_write_result_free);
  result = wfx_write (fx.source, nd_write_group_ratio_new ("vip", 0.7), &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->changed, ==, 1);
  {
    g_autofree char *vip = wfx_text (&fx, "SELECT value::jsonb ->> 'vip' FROM options WHERE "
                                          "\"key\" = 'GroupRatio'");

    g_assert_cmpstr (vip, ==, "0.7");
  }
  nd_fake_newapi_reset_log (fx.fake);
  g_clear_pointer (&result, nd_write_result_free);
  result = wfx_write (fx.source, nd_write_group_ratio_new ("vip", 0.7), &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->changed, ==, 0);
  g_assert_cmpuint (wfx_calls (&fx, "PUT"), ==, 0);
}

static void
test_edit_refused (gconstpointer data)
{
  WFX (data, "mrefused");
  g_autofree char *mr = option_text (&fx, "ModelRatio");
  g_autofree char *mr_after = NULL;

  /* Bad numbers: refused before any request. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(NdWriteResult) r = wfx_write (fx.source, price_write ("gpt-4o", FALSE, -1, NAN, 0),
                                            &error);

    g_assert_null (r);
    g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
    g_assert_cmpuint (nd_fake_newapi_get_calls (fx.fake)->len, ==, 0);
  }
  /* Not root: /api/option/ is root's; nothing is sent. */
  {
    g_autoptr(NdSource) admin = wfx_source_as (&fx, 10, FALSE, TRUE);
    g_autoptr(GError) error = NULL;
    g_autoptr(NdWriteResult) r = NULL;

    nd_fake_newapi_reset_log (fx.fake);
    r = wfx_write (admin, price_write ("gpt-4o", FALSE, 2, NAN, 0), &error);
    g_assert_null (r);
    g_assert_error (error, ND_ERROR, ND_ERROR_PERMISSION);
    g_assert_cmpuint (wfx_calls (&fx, "GET /api/option/"), ==, 0);
    g_assert_cmpuint (wfx_calls (&fx, "PUT"), ==, 0);
    nd_source_close (admin);
  }
  /* A read-only profile sends nothing. */
  {
    g_autoptr(NdSource) ro = wfx_source_as (&fx, 100, TRUE, TRUE);
    g_autoptr(GError) error = NULL;
    g_autoptr(NdWriteResult) r = NULL;

    nd_fake_newapi_reset_log (fx.fake);
    r = wfx_write (ro, price_write ("gpt-4o", FALSE, 2, NAN, 0), &error);
    g_assert_null (r);
    g_assert_error (error, ND_ERROR, ND_ERROR_READ_ONLY);
    g_assert_cmpuint (nd_fake_newapi_get_calls (fx.fake)->len, ==, 0);
    nd_source_close (ro);
  }
  /* The server's refusal, verbatim. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(NdWriteResult) r = NULL;

    nd_fake_newapi_set_fault (fx.fake, "/api/option/", ND_FAKE_FAULT_REFUSE);
    r = wfx_write (fx.source, price_write ("gpt-4o", FALSE, 2, NAN, 0), &error);
    nd_fake_newapi_set_fault (fx.fake, "/api/option/", ND_FAKE_FAULT_NONE);
    g_assert_null (r);
    g_assert_error (error, ND_ERROR, ND_ERROR_SERVER);
    g_assert_nonnull (strstr (error->message, "数据库"));
  }
  /* A map NewAPI could not read is not rewritten. */
  wfx_scalar (&fx, "WITH u AS (UPDATE options SET value = '{\"x\": \"1\"}' WHERE \"key\" = "
                   "'CompletionRatio' RETURNING 1) SELECT count (*) FROM u");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(NdWriteResult) r = NULL;

    nd_fake_newapi_reset_log (fx.fake);
    r = wfx_write (fx.source, price_write ("gpt-4o", FALSE, 2, 5, 0), &error);
    g_assert_null (r);
    g_assert_error (error, ND_ERROR, ND_ERROR_CONFLICT);
    g_assert_cmpuint (wfx_calls (&fx, "PUT"), ==, 0);
  }
  mr_after = option_text (&fx, "ModelRatio");
  g_assert_cmpstr (mr_after, ==, mr);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  nd_http_fx_add ("models/catalog", test_catalog);
  nd_http_fx_add ("models/catalog-admin", test_catalog_admin);
  nd_http_fx_add ("models/edit", test_edit);
  nd_http_fx_add ("models/edit-refused", test_edit_refused);
  return g_test_run ();
}
