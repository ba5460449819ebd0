/* test-pricing.c — NewAPI's price formula, the plan of a price edit, the
 * one-member rewrite of an option's JSON text, and the model flags
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "nd-error.h"
#include "nd-model-catalog.h"
#include "nd-pricing.h"

/* ---- numbers as Go writes them ------------------------------------------- */

static void
test_format_number (void)
{
  static const struct { double v; const char *text; } cases[] = {
    { 0, "0" }, { 1, "1" }, { 0.075, "0.075" }, { 1.25, "1.25" }, { 37.5, "37.5" },
    { 1000000, "1000000" }, { 8.333333, "8.333333" }, { 1.5e-5, "0.000015" },
    { 1e-7, "1e-7" }, { 0.1 + 0.2, "0.30000000000000004" }, { 1e21, "1e+21" },
    { 4.0 / 3.0, "1.3333333333333333" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = nd_pricing_format_number (cases[i].v);

      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_cmpfloat (g_ascii_strtod (text, NULL), ==, cases[i].v);
    }
}

/* ---- one member of the JSON text ---------------------------------------- */

static void
check_set (const char *text, const char *name, double value, const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = nd_pricing_json_set (text, name, value, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_json_set_compact (void)
{
  const char *t = "{\"a\":1,\"b\":0.5,\"c\":2}";

  check_set (t, "b", 0.75, "{\"a\":1,\"b\":0.75,\"c\":2}");
  check_set (t, "d", 3, "{\"a\":1,\"b\":0.5,\"c\":2,\"d\":3}");
  check_set (t, "a", NAN, "{\"b\":0.5,\"c\":2}");
  check_set (t, "b", NAN, "{\"a\":1,\"c\":2}");
  check_set (t, "c", NAN, "{\"a\":1,\"b\":0.5}");
  check_set (t, "x", NAN, t);
  check_set ("{}", "a", 1.5, "{\"a\":1.5}");
  check_set (" { } ", "a", 1.5, " {\"a\":1.5 } ");
  check_set ("{\"a\":1}", "a", NAN, "{}");
  check_set ("{\"a\":1}", "b", 2, "{\"a\":1,\"b\":2}");
}

/* NewAPI's web editor saves JSON.stringify (map, null, 2). */
static void
test_json_set_pretty (void)
{
  const char *t = "{\n  \"gpt-4o\": 1.25,\n  \"o3-mini\": 0.55\n}";

  check_set (t, "o3-mini", 0.6, "{\n  \"gpt-4o\": 1.25,\n  \"o3-mini\": 0.6\n}");
  check_set (t, "grok-4", 1.5, "{\n  \"gpt-4o\": 1.25,\n  \"o3-mini\": 0.55,\n  \"grok-4\": 1.5\n}");
  check_set (t, "gpt-4o", NAN, "{\n  \"o3-mini\": 0.55\n}");
  check_set (t, "o3-mini", NAN, "{\n  \"gpt-4o\": 1.25\n}");
  check_set ("{\n  \"a\": 1\n}", "b", 2, "{\n  \"a\": 1,\n  \"b\": 2\n}");
}

/* Every other member keeps its exact spelling: numbers are not
 * reformatted, keys not re-escaped, nothing reordered. */
static void
test_json_set_keeps_bytes (void)
{
  const char *t = "{\"z\":1.0,\"\\u6a21\\u578b\":2.50,\"a\\u0026b\":1e-05,\"gpt-4o\":3,"
                  "\"q\\\"uote\":7}";

  check_set (t, "gpt-4o", 4, "{\"z\":1.0,\"\\u6a21\\u578b\":2.50,\"a\\u0026b\":1e-05,\"gpt-4o\":4,"
                             "\"q\\\"uote\":7}");
  /* Names are matched decoded. */
  check_set (t, "a&b", 0.5, "{\"z\":1.0,\"\\u6a21\\u578b\":2.50,\"a\\u0026b\":0.5,\"gpt-4o\":3,"
                            "\"q\\\"uote\":7}");
  check_set (t, "模型", NAN, "{\"z\":1.0,\"a\\u0026b\":1e-05,\"gpt-4o\":3,\"q\\\"uote\":7}");
  check_set (t, "q\"uote", 8, "{\"z\":1.0,\"\\u6a21\\u578b\":2.50,\"a\\u0026b\":1e-05,\"gpt-4o\":3,"
                              "\"q\\\"uote\":8}");
  check_set (t, "新\"模型", 1, "{\"z\":1.0,\"\\u6a21\\u578b\":2.50,\"a\\u0026b\":1e-05,\"gpt-4o\":3,"
                              "\"q\\\"uote\":7,\"新\\\"模型\":1}");
  /* Go keeps the last of duplicate names: all of them change. */
  check_set ("{\"a\":1,\"b\":2,\"a\":3}", "a", 5, "{\"a\":5,\"b\":2,\"a\":5}");
  check_set ("{\"a\":1,\"b\":2,\"a\":3}", "a", NAN, "{\"b\":2}");
}

static void
test_json_set_refuses (void)
{
  static const char * const bad[] = { "", "[]", "{\"a\":", "null", "{\"a\":1} x" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = nd_pricing_json_set (bad[i], "a", 1, &error);

      g_assert_null (out);
      g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
    }
}

/* ---- the formula --------------------------------------------------------- */

static NdPricing *
fixture_pricing (void)
{
  NdPricing *p = nd_pricing_new ();

  g_assert_true (nd_pricing_set_option (p, ND_PRICING_MODEL_RATIO,
                                        "{\"gpt-4o\":1.25,\"deepseek-chat\":0.135,\"dall-e-3\":0}",
                                        NULL));
  g_assert_true (nd_pricing_set_option (p, ND_PRICING_COMPLETION_RATIO,
                                        "{\"gpt-4o\":4,\"dall-e-3\":1}", NULL));
  g_assert_true (nd_pricing_set_option (p, ND_PRICING_MODEL_PRICE, "{\"dall-e-3\":0.04}", NULL));
  g_assert_true (nd_pricing_set_option (p, ND_PRICING_CACHE_RATIO, "{\"gpt-4o\":0.5}", NULL));
  g_assert_true (nd_pricing_set_option (p, ND_PRICING_GROUP_RATIO,
                                        "{\"default\":1,\"vip\":0.8}", NULL));
  return p;
}

static void
test_lookup (void)
{
  g_autoptr(NdPricing) p = fixture_pricing ();
  NdModelPrice price;
  NdPriceUsd usd;

  nd_pricing_lookup (p, "gpt-4o", &price);
  g_assert_cmpint (price.billing, ==, ND_BILLING_RATIO);
  /* ratio 1.25 × group 0.8 × 1M / 500 000 = $2 in, × 4 out, × 0.5 cached */
  nd_price_usd (&price, nd_pricing_group_ratio (p, "vip"), 500000, FALSE, NAN, &usd);
  g_assert_cmpfloat_with_epsilon (usd.input, 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (usd.output, 8.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (usd.cached_input, 1.0, 1e-12);
  g_assert_true (isnan (usd.per_call));
  /* A larger QuotaPerUnit makes every quota unit cheaper. */
  nd_price_usd (&price, 1, 1000000, FALSE, NAN, &usd);
  g_assert_cmpfloat_with_epsilon (usd.input, 1.25, 1e-12);

  /* No completion ratio: 1, unless the server said otherwise. */
  nd_pricing_lookup (p, "deepseek-chat", &price);
  g_assert_true (isnan (price.completion_ratio));
  nd_price_usd (&price, 1, 500000, FALSE, NAN, &usd);
  g_assert_cmpfloat_with_epsilon (usd.output, usd.input, 1e-12);
  nd_price_usd (&price, 1, 500000, FALSE, 4, &usd);
  g_assert_cmpfloat_with_epsilon (usd.output, usd.input * 4, 1e-12);

  /* ModelPrice wins over ModelRatio, as ModelPriceHelper looks there first. */
  nd_pricing_lookup (p, "dall-e-3", &price);
  g_assert_cmpint (price.billing, ==, ND_BILLING_PER_CALL);
  nd_price_usd (&price, 0.8, 500000, FALSE, NAN, &usd);
  g_assert_cmpfloat_with_epsilon (usd.per_call, 0.032, 1e-12);
  g_assert_true (isnan (usd.input) && isnan (usd.output));

  nd_pricing_lookup (p, "grok-4", &price);
  g_assert_cmpint (price.billing, ==, ND_BILLING_UNPRICED);
  nd_price_usd (&price, 1, 500000, FALSE, NAN, &usd);
  g_assert_true (isnan (usd.input));
  /* Self-use mode bills it at 37.5: $75 per 1M. */
  nd_price_usd (&price, 1, 500000, TRUE, NAN, &usd);
  g_assert_cmpfloat_with_epsilon (usd.input, 75, 1e-9);

  /* A group not in GroupRatio counts 1, as GetGroupRatio falls back. */
  g_assert_cmpfloat (nd_pricing_group_ratio (p, "nobody"), ==, 1);
}

static void
test_lookup_unknown (void)
{
  g_autoptr(NdPricing) p = nd_pricing_new ();
  g_autoptr(GError) error = NULL;
  NdModelPrice price;

  g_assert_true (nd_pricing_set_option (p, ND_PRICING_MODEL_RATIO, "{\"a\":1}", NULL));
  /* Without ModelPrice nothing can be said: it would win. */
  nd_pricing_lookup (p, "a", &price);
  g_assert_cmpint (price.billing, ==, ND_BILLING_UNKNOWN);
  g_assert_false (nd_pricing_set_option (p, ND_PRICING_MODEL_PRICE, "{\"a\":\"x\"}", &error));
  g_assert_error (error, ND_ERROR, ND_ERROR_PROTOCOL);
  g_assert_false (nd_pricing_has_option (p, ND_PRICING_MODEL_PRICE));
}

/* ---- the plan of an edit ------------------------------------------------- */

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

static void
assert_change (GPtrArray *changes, guint i, NdPricingOption option, double old_value,
               double new_value)
{
  const NdPriceChange *c = g_ptr_array_index (changes, i);

  g_assert_cmpint (c->option, ==, option);
  if (isnan (old_value))
    g_assert_true (isnan (c->old_value));
  else
    g_assert_cmpfloat (c->old_value, ==, old_value);
  if (isnan (new_value))
    g_assert_true (isnan (c->new_value));
  else
    g_assert_cmpfloat (c->new_value, ==, new_value);
}

static void
test_plan (void)
{
  g_autoptr(NdPricing) p = fixture_pricing ();
  g_autoptr(GError) error = NULL;
  GPtrArray *changes;
  NdWrite *w;

  /* To a price: ModelPrice first, then out of the ratio maps. */
  w = price_write ("gpt-4o", TRUE, 0, NAN, 0.05);
  changes = nd_pricing_plan (p, w, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 3);
  assert_change (changes, 0, ND_PRICING_MODEL_PRICE, NAN, 0.05);
  assert_change (changes, 1, ND_PRICING_MODEL_RATIO, 1.25, NAN);
  assert_change (changes, 2, ND_PRICING_COMPLETION_RATIO, 4, NAN);
  g_ptr_array_unref (changes);
  nd_write_free (w);

  /* To a ratio: the ratio maps first, then out of ModelPrice. */
  w = price_write ("dall-e-3", FALSE, 2, 3, 0);
  changes = nd_pricing_plan (p, w, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 3);
  assert_change (changes, 0, ND_PRICING_MODEL_RATIO, 0, 2);
  assert_change (changes, 1, ND_PRICING_COMPLETION_RATIO, 1, 3);
  assert_change (changes, 2, ND_PRICING_MODEL_PRICE, 0.04, NAN);
  g_ptr_array_unref (changes);
  nd_write_free (w);

  /* A ratio alone leaves the completion ratio as it is. */
  w = price_write ("gpt-4o", FALSE, 1.5, NAN, 0);
  changes = nd_pricing_plan (p, w, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 1);
  assert_change (changes, 0, ND_PRICING_MODEL_RATIO, 1.25, 1.5);
  g_ptr_array_unref (changes);
  nd_write_free (w);

  /* Nothing to do. */
  w = price_write ("gpt-4o", FALSE, 1.25, 4, 0);
  changes = nd_pricing_plan (p, w, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 0);
  g_ptr_array_unref (changes);
  nd_write_free (w);

  w = nd_write_group_ratio_new ("svip", 0.6);
  changes = nd_pricing_plan (p, w, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 1);
  assert_change (changes, 0, ND_PRICING_GROUP_RATIO, NAN, 0.6);
  g_ptr_array_unref (changes);
  nd_write_free (w);
}

static void
test_plan_refuses (void)
{
  g_autoptr(NdPricing) p = fixture_pricing ();
  g_autoptr(NdPricing) partial = nd_pricing_new ();
  static const double bad[] = { -1, NAN, INFINITY };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NdWrite) w = price_write ("gpt-4o", FALSE, bad[i], NAN, 0);

      g_assert_null (nd_pricing_plan (p, w, &error));
      g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(NdWrite) w = price_write ("gpt-4o", TRUE, 0, NAN, -0.5);

    g_assert_null (nd_pricing_plan (p, w, &error));
    g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(NdWrite) w = price_write ("gpt-4o", FALSE, 1, -2, 0);

    g_assert_null (nd_pricing_plan (p, w, &error));
    g_assert_error (error, ND_ERROR, ND_ERROR_INVALID_INPUT);
  }
  /* A map the database does not hold is NewAPI's built-in one: writing one
   * member would throw the rest away. */
  g_assert_true (nd_pricing_set_option (partial, ND_PRICING_MODEL_RATIO, "{}", NULL));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(NdWrite) w = price_write ("gpt-4o", FALSE, 1, NAN, 0);

    g_assert_null (nd_pricing_plan (partial, w, &error));
    g_assert_error (error, ND_ERROR, ND_ERROR_CONFLICT);
    g_assert_nonnull (strstr (error->message, "ModelPrice"));
  }
}

/* ---- the flags ------------------------------------------------------------ */

static NdModelFlags
flags_of (NdModelCatalog *c, const char *name)
{
  NdModelEntry *e = nd_model_catalog_find (c, name);

  g_assert_nonnull (e);
  return nd_model_entry_flags (c, e);
}

static void
test_flags (void)
{
  g_autoptr(NdModelCatalog) c = nd_model_catalog_new ();
  g_autoptr(GArray) serving = NULL;
  g_auto(GStrv) groups = NULL;
  NdModelEntry *e;

  nd_pricing_set_option (c->pricing, ND_PRICING_MODEL_RATIO, "{\"a\":1,\"c\":1}", NULL);
  nd_pricing_set_option (c->pricing, ND_PRICING_MODEL_PRICE, "{\"b\":0.1}", NULL);
  nd_model_catalog_add_channel (c, 1, "one", 1, "a,b", "default,vip", NULL);
  nd_model_catalog_add_channel (c, 2, "two", 2, "b,c,a", "default", NULL);
  nd_model_catalog_add_channel (c, 5, "five", 1, "a", "vip", NULL);
  /* In no group: group '' routes nothing. */
  nd_model_catalog_add_channel (c, 3, "three", 1, "d", "", NULL);
  nd_model_catalog_add_channel (c, 4, "four", 1, "e", "default",
                                "{\"e\":\"e-upstream\",\"only-mapped\":\"x\",\"b\":\"b\"}");
  nd_model_catalog_sort (c);
  nd_model_catalog_mark_used (c, "c");
  nd_model_catalog_mark_used (c, "z");

  g_assert_cmpint (flags_of (c, "a"), ==, 0);
  g_assert_cmpint (flags_of (c, "b"), ==, ND_MODEL_FLAG_SINGLE_CHANNEL);
  g_assert_cmpint (flags_of (c, "c"), ==, ND_MODEL_FLAG_UNSERVED | ND_MODEL_FLAG_RETIRED);
  g_assert_cmpint (flags_of (c, "d"), ==, ND_MODEL_FLAG_UNSERVED | ND_MODEL_FLAG_UNPRICED);
  g_assert_cmpint (flags_of (c, "e"), ==, ND_MODEL_FLAG_SINGLE_CHANNEL | ND_MODEL_FLAG_UNPRICED |
                                          ND_MODEL_FLAG_MAPPED);
  g_assert_cmpint (flags_of (c, "z"), ==, ND_MODEL_FLAG_RETIRED | ND_MODEL_FLAG_UNPRICED);
  /* A name only a mapping knows is no model of the gateway. */
  g_assert_null (nd_model_catalog_find (c, "only-mapped"));
  g_assert_null (nd_model_catalog_find (c, "x"));

  e = nd_model_catalog_find (c, "a");
  serving = nd_model_entry_serving (e);
  g_assert_cmpuint (serving->len, ==, 2);
  g_assert_cmpint (g_array_index (serving, gint64, 0), ==, 1);
  g_assert_cmpint (g_array_index (serving, gint64, 1), ==, 5);
  groups = nd_model_entry_groups (e);
  g_assert_cmpstrv (groups, ((const char * const[]) { "default", "vip", NULL }));
  /* Sorted by name, the used-only model among them. */
  for (guint i = 1; i < c->models->len; i++)
    g_assert_cmpint (strcmp (((NdModelEntry *) g_ptr_array_index (c->models, i - 1))->name,
                             ((NdModelEntry *) g_ptr_array_index (c->models, i))->name), <, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pricing/format-number", test_format_number);
  g_test_add_func ("/pricing/json-set/compact", test_json_set_compact);
  g_test_add_func ("/pricing/json-set/pretty", test_json_set_pretty);
  g_test_add_func ("/pricing/json-set/keeps-bytes", test_json_set_keeps_bytes);
  g_test_add_func ("/pricing/json-set/refuses", test_json_set_refuses);
  g_test_add_func ("/pricing/lookup", test_lookup);
  g_test_add_func ("/pricing/lookup-unknown", test_lookup_unknown);
  g_test_add_func ("/pricing/plan", test_plan);
  g_test_add_func ("/pricing/plan-refuses", test_plan_refuses);
  g_test_add_func ("/pricing/flags", test_flags);
  return g_test_run ();
}
