/* nd-cli-models.c — `newapi-desk models list|price|group-ratio`
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   models list [--json]
 *   models price MODEL (--ratio R [--completion-ratio C] | --price P) --read-write
 *   models group-ratio GROUP --ratio R --read-write
 *
 * The flags and prices come from nd-model-catalog.h, as on the Models page;
 * a price edit prints what changes (old → new) before it is saved. Exit
 * status: 0 done, 1 failed, 2 bad usage (a write without --read-write
 * included: nothing is changed), 3 could not connect.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "nd-cli.h"
#include "nd-cli-common.h"

#define CMD "models"

static void
add_number_or_null (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_model_json (JsonBuilder *b, const NdModelCatalog *catalog, const NdModelEntry *e,
                double quota_per_unit)
{
  g_autoptr(GArray) ids = nd_model_entry_serving (e);
  g_auto(GStrv) groups = nd_model_entry_groups (e);
  NdModelFlags flags = nd_model_entry_flags (catalog, e);
  NdModelPrice price;
  NdPriceUsd usd;
  gboolean exact;

  nd_model_entry_price (catalog, NULL, e, &price, &exact);
  nd_model_entry_usd (catalog, NULL, e, NULL, quota_per_unit, &usd);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, e->name);
  json_builder_set_member_name (b, "channels");
  json_builder_begin_array (b);
  for (guint i = 0; i < ids->len; i++)
    json_builder_add_int_value (b, g_array_index (ids, gint64, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "groups");
  json_builder_begin_array (b);
  for (guint i = 0; groups[i] != NULL; i++)
    json_builder_add_string_value (b, groups[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "single_channel");
  json_builder_add_boolean_value (b, (flags & ND_MODEL_FLAG_SINGLE_CHANNEL) != 0);
  json_builder_set_member_name (b, "served");
  json_builder_add_boolean_value (b, ids->len > 0);
  json_builder_set_member_name (b, "priced");
  if (exact)
    json_builder_add_boolean_value (b, price.billing != ND_BILLING_UNPRICED);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "billing");
  json_builder_add_string_value (b, nd_billing_nick (exact ? price.billing : ND_BILLING_UNKNOWN));
  add_number_or_null (b, "model_ratio", price.model_ratio);
  add_number_or_null (b, "completion_ratio", price.completion_ratio);
  add_number_or_null (b, "model_price", price.model_price);
  add_number_or_null (b, "usd_per_1m_input", usd.input);
  add_number_or_null (b, "usd_per_1m_output", usd.output);
  add_number_or_null (b, "usd_per_call", usd.per_call);
  json_builder_set_member_name (b, "mapped_to");
  json_builder_begin_object (b);
  for (guint i = 0; i < e->channels->len; i++)
    {
      const NdModelChannel *ch = g_ptr_array_index (e->channels, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, ch->id);

      if (ch->upstream != NULL)
        {
          json_builder_set_member_name (b, id);
          json_builder_add_string_value (b, ch->upstream);
        }
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "flags");
  json_builder_begin_array (b);
  for (guint f = 0; f < ND_MODEL_N_FLAGS; f++)
    if (flags & (1 << f))
      json_builder_add_string_value (b, nd_model_flag_nick (1 << f));
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* Pads by display width: model names may be CJK. */
static void
append_padded (GString *out, const char *text, int width)
{
  int w = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    w += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  g_string_append (out, text);
  for (; w < width; w++)
    g_string_append_c (out, ' ');
  g_string_append_c (out, ' ');
}

static char *
catalog_to_text (const NdModelCatalog *catalog, const NdMoney *money)
{
  GString *out = g_string_new (NULL);
  int name_width = 5;

  for (guint i = 0; i < catalog->models->len; i++)
    name_width = MAX (name_width, (int) MIN (g_utf8_strlen (((NdModelEntry *)
                                                             g_ptr_array_index (catalog->models, i))->name,
                                                            -1), 48));
  append_padded (out, _("MODEL"), name_width);
  append_padded (out, _("CHANNELS"), 8);
  append_padded (out, _("INPUT/1M"), 12);
  append_padded (out, _("OUTPUT/1M"), 12);
  g_string_append_printf (out, "%s\n", _("FLAGS"));
  for (guint i = 0; i < catalog->models->len; i++)
    {
      const NdModelEntry *e = g_ptr_array_index (catalog->models, i);
      g_autoptr(GArray) ids = nd_model_entry_serving (e);
      NdModelFlags flags = nd_model_entry_flags (catalog, e);
      g_autofree char *count = g_strdup_printf ("%u", ids->len);
      g_autofree char *in = NULL;
      g_autofree char *out_price = NULL;
      NdPriceUsd usd;

      nd_model_entry_usd (catalog, NULL, e, NULL, money->quota_per_unit, &usd);
      if (isfinite (usd.per_call))
        {
          g_autofree char *call = nd_price_format (money, usd.per_call);

          /* Translators: a price per request, "$0.04/call" */
          in = g_strdup_printf (_("%s/call"), call);
          out_price = g_strdup ("");
        }
      else
        {
          in = nd_price_format (money, usd.input);
          out_price = nd_price_format (money, usd.output);
        }
      append_padded (out, e->name, name_width);
      append_padded (out, count, 8);
      append_padded (out, in, 12);
      append_padded (out, out_price, 12);
      for (guint f = 0, n = 0; f < ND_MODEL_N_FLAGS; f++)
        if (flags & (1 << f))
          g_string_append_printf (out, "%s%s", n++ ? ", " : "", nd_model_flag_label (1 << f));
      g_string_append_c (out, '\n');
    }
  if (catalog->pricing_note != NULL)
    g_string_append_printf (out, "\n%s\n", catalog->pricing_note);
  return g_string_free (out, FALSE);
}

static NdModelCatalog *
load_catalog (NdSource *source, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_source_model_catalog_async (source, NULL, nd_cli_store_result, &res);
  nd_cli_wait (&res);
  return nd_source_model_catalog_finish (source, res, error);
}

static int
run_list (NdCliOptions *opts, gboolean json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NdSource) source = nd_cli_connect (opts, &error);
  g_autoptr(NdModelCatalog) catalog = NULL;
  NdServerInfo *info;

  if (source == NULL)
    return nd_cli_fail (CMD, error, 3);
  info = nd_source_get_info (source);
  catalog = load_catalog (source, &error);
  if (catalog == NULL)
    return nd_cli_fail (CMD, error, 1);
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < catalog->models->len; i++)
        add_model_json (b, catalog, g_ptr_array_index (catalog->models, i),
                        info->money->quota_per_unit);
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      text = json_to_string (root, TRUE);
      printf ("%s\n", text);
    }
  else
    {
      g_autofree char *text = catalog_to_text (catalog, info->money);

      fputs (text, stdout);
    }
  nd_source_close (source);
  return 0;
}

/* What the edit changes: each option member, then the price it makes. */
static void
print_plan (const NdModelCatalog *catalog, const NdWrite *write, const GPtrArray *changes,
            const NdPricing *after, const NdMoney *money)
{
  const NdModelEntry *e = write->kind == ND_WRITE_MODEL_PRICE
                          ? nd_model_catalog_find ((NdModelCatalog *) catalog, write->price->name)
                          : NULL;

  printf ("%s\n", write->price->name);
  for (guint i = 0; i < changes->len; i++)
    {
      const NdPriceChange *c = g_ptr_array_index (changes, i);
      g_autofree char *old_text = isnan (c->old_value) ? g_strdup (_("(not set)"))
                                  : nd_pricing_format_number (c->old_value);
      g_autofree char *new_text = isnan (c->new_value) ? g_strdup (_("(removed)"))
                                  : nd_pricing_format_number (c->new_value);

      printf ("  %-16s %s → %s\n", nd_pricing_option_key (c->option), old_text, new_text);
    }
  if (e != NULL)
    {
      NdPriceUsd before, now;
      g_autofree char *a1 = NULL, *b1 = NULL, *a2 = NULL, *b2 = NULL, *a3 = NULL, *b3 = NULL;

      nd_model_entry_usd (catalog, NULL, e, NULL, money->quota_per_unit, &before);
      nd_model_entry_usd (catalog, after, e, NULL, money->quota_per_unit, &now);
      a1 = nd_price_format (money, before.input);
      b1 = nd_price_format (money, now.input);
      a2 = nd_price_format (money, before.output);
      b2 = nd_price_format (money, now.output);
      a3 = nd_price_format (money, before.per_call);
      b3 = nd_price_format (money, now.per_call);
      printf ("  %-16s %s → %s\n", _("input per 1M"), a1, b1);
      printf ("  %-16s %s → %s\n", _("output per 1M"), a2, b2);
      printf ("  %-16s %s → %s\n", _("per call"), a3, b3);
    }
}

static int
run_price (NdCliOptions *opts, NdWrite *write)
{
  g_autoptr(NdWrite) owned = write;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdModelCatalog) catalog = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(NdPricing) after = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdWriteResult) result = NULL;
  const char *field = NULL;

  if (!nd_write_validate (write, &field, &error))
    return nd_cli_fail (CMD, error, 2);
  if (!nd_cli_check_read_write (opts, CMD))
    return 2;
  source = nd_cli_connect_manage (opts, &error);
  if (source == NULL)
    return nd_cli_fail (CMD, error, 3);
  catalog = load_catalog (source, &error);
  if (catalog == NULL)
    return nd_cli_fail (CMD, error, 1);
  /* The plan against what was just read; the write plans again on the rows
   * it locks, so a concurrent edit of another model is kept. */
  changes = nd_pricing_plan (catalog->pricing, write, &error);
  if (changes == NULL ||
      (after = nd_pricing_apply (catalog->pricing, changes, &error)) == NULL)
    return nd_cli_fail (CMD, error, 1);
  print_plan (catalog, write, changes, after, nd_source_get_info (source)->money);
  nd_source_write_async (source, write, NULL, nd_cli_store_result, &res);
  nd_cli_wait (&res);
  result = nd_source_write_finish (source, res, &error);
  if (result == NULL)
    return nd_cli_fail (CMD, error, 1);
  if (result->notice != NULL)
    printf ("%s\n", result->notice);
  if (result->audit_error != NULL)
    fprintf (stderr, "newapi-desk %s: %s\n", CMD, result->audit_error);
  nd_source_close (source);
  return 0;
}

static int
usage (GOptionContext *context, const char *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  if (message != NULL)
    fprintf (stderr, "newapi-desk %s: %s\n", CMD, message);
  fputs (help, stderr);
  return 2;
}

int
nd_cli_models (int argc, char **argv)
{
  NdCliOptions opts = { 0 };
  gboolean json = FALSE;
  double ratio = NAN, completion = NAN, price = NAN;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = g_new0 (char *, argc + 1);
  const GOptionEntry list_entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("One JSON object per model"), NULL },
    { NULL }
  };
  const GOptionEntry price_entries[] = {
    { "ratio", 0, 0, G_OPTION_ARG_DOUBLE, &ratio,
      N_("Model ratio (模型倍率) or, for group-ratio, the group ratio (分组倍率)"), "R" },
    { "completion-ratio", 0, 0, G_OPTION_ARG_DOUBLE, &completion,
      N_("Completion ratio (补全倍率); unchanged when not given"), "C" },
    { "price", 0, 0, G_OPTION_ARG_DOUBLE, &price,
      N_("Fixed price per call in USD (模型价格) instead of ratios"), "P" },
    { NULL }
  };
  const char *sub = argc > 1 ? argv[1] : NULL;
  int n = 0, status;

  context = g_option_context_new (_("list | price MODEL | group-ratio GROUP"));
  g_option_context_set_summary (context, _("Which models the gateway serves, by whom, at what "
                                           "price; change a model's price or a group's ratio."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  nd_cli_options_add (&opts, context, FALSE, FALSE);
  if (g_strcmp0 (sub, "list") == 0)
    g_option_context_add_main_entries (context, list_entries, GETTEXT_PACKAGE);
  else
    {
      g_option_context_add_main_entries (context, price_entries, GETTEXT_PACKAGE);
      nd_cli_options_add_write (&opts, context);
    }
  /* The subcommand (and its name argument) are not options. */
  for (int i = 0; i < argc; i++)
    args[n++] = g_strdup (argv[i]);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      status = usage (context, error->message);
      nd_cli_options_clear (&opts);
      return status;
    }
  n = (int) g_strv_length (args);
  if (n == 2 && g_str_equal (args[1], "list"))
    status = run_list (&opts, json);
  else if (n == 3 && g_str_equal (args[1], "price"))
    {
      NdPriceEdit *e = nd_price_edit_new ();

      if (isnan (price) == isnan (ratio))
        {
          nd_price_edit_free (e);
          status = usage (context, _("give either --ratio (with --completion-ratio if wanted) or "
                                     "--price"));
        }
      else
        {
          e->name = g_strdup (args[2]);
          e->per_call = !isnan (price);
          e->price = price;
          e->ratio = ratio;
          e->completion_ratio = completion;
          if (e->per_call && !isnan (completion))
            {
              nd_price_edit_free (e);
              status = usage (context, _("--completion-ratio goes with --ratio, not --price"));
            }
          else
            status = run_price (&opts, nd_write_model_price_new (e));
        }
    }
  else if (n == 3 && g_str_equal (args[1], "group-ratio") && !isnan (ratio) && isnan (price) &&
           isnan (completion))
    status = run_price (&opts, nd_write_group_ratio_new (args[2], ratio));
  else
    status = usage (context, sub == NULL ? _("say what to do: list, price or group-ratio")
                                         : _("unknown or incomplete command"));
  nd_cli_options_clear (&opts);
  return status;
}
