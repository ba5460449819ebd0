/* nd-model-price-dialog.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "nd-error.h"
#include "nd-model-price-dialog.h"
#include "nd-pricing.h"

typedef struct {
  NdModelCatalog *catalog;
  char *model;
  char *group;
  NdMoney *money;
  NdModelPriceSave save;
  gpointer user_data;
  GDestroyNotify destroy;
  GtkWidget *per_call;          /* GtkSwitch; NULL for a group */
  GtkWidget *ratio;             /* AdwEntryRow */
  GtkWidget *completion;
  GtkWidget *price;
  GtkWidget *preview;
  NdWrite *write;               /* what Save runs; NULL while the form is not valid or changes nothing */
} Ctx;

static void
ctx_free (Ctx *ctx)
{
  if (ctx->destroy != NULL)
    ctx->destroy (ctx->user_data);
  g_clear_pointer (&ctx->catalog, nd_model_catalog_unref);
  g_clear_pointer (&ctx->money, nd_money_free);
  g_clear_pointer (&ctx->write, nd_write_free);
  g_free (ctx->model);
  g_free (ctx->group);
  g_free (ctx);
}

/* A number as typed ("1.5", " 2 "), in any locale; NAN for "" (not set),
 * and FALSE for anything else. */
static gboolean
parse_number (GtkWidget *row, double *out)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  char *end = NULL;

  *out = NAN;
  if (*text == '\0')
    return TRUE;
  *out = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && isfinite (*out);
}

static char *
value_text (double v, const char *absent)
{
  return isnan (v) ? g_strdup (absent) : nd_pricing_format_number (v);
}

static char *
money_text (const NdMoney *money, double usd)
{
  return nd_price_format (money, usd);
}

/* The option members that change, then the prices they make. */
static char *
describe (Ctx *ctx, const GPtrArray *changes, const NdPricing *after)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < changes->len; i++)
    {
      const NdPriceChange *c = g_ptr_array_index (changes, i);
      g_autofree char *old_text = value_text (c->old_value, _("not set"));
      g_autofree char *new_text = value_text (c->new_value, _("removed"));

      g_string_append_printf (out, "%s[%s]  %s → %s\n", nd_pricing_option_key (c->option),
                              c->member, old_text, new_text);
    }
  if (ctx->model != NULL)
    {
      NdModelEntry *e = nd_model_catalog_find (ctx->catalog, ctx->model);
      NdPriceUsd before, now;
      struct { const char *label; double a, b; } rows[3];

      if (e == NULL)
        return g_string_free (out, FALSE);
      nd_model_entry_usd (ctx->catalog, NULL, e, NULL, ctx->money->quota_per_unit, &before);
      nd_model_entry_usd (ctx->catalog, after, e, NULL, ctx->money->quota_per_unit, &now);
      rows[0].label = _("Input per 1M tokens");
      rows[0].a = before.input; rows[0].b = now.input;
      rows[1].label = _("Output per 1M tokens");
      rows[1].a = before.output; rows[1].b = now.output;
      rows[2].label = _("Per call");
      rows[2].a = before.per_call; rows[2].b = now.per_call;
      g_string_append_c (out, '\n');
      for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
        {
          g_autofree char *a = money_text (ctx->money, rows[i].a);
          g_autofree char *b = money_text (ctx->money, rows[i].b);

          if (isnan (rows[i].a) && isnan (rows[i].b))
            continue;
          g_string_append_printf (out, "%s: %s → %s\n", rows[i].label, a, b);
        }
    }
  if (out->len > 0 && out->str[out->len - 1] == '\n')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

static void
set_row_error (GtkWidget *row, gboolean bad)
{
  if (bad)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static void
update (AdwMessageDialog *dialog)
{
  Ctx *ctx = g_object_get_data (G_OBJECT (dialog), "nd-ctx");
  gboolean per_call = ctx->per_call != NULL && gtk_switch_get_active (GTK_SWITCH (ctx->per_call));
  double ratio = NAN, completion = NAN, price = NAN;
  gboolean ok_ratio = parse_number (ctx->ratio, &ratio);
  gboolean ok_completion = ctx->completion == NULL || parse_number (ctx->completion, &completion);
  gboolean ok_price = ctx->price == NULL || parse_number (ctx->price, &price);
  g_autoptr(NdWrite) write = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(NdPricing) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (ctx->ratio, !per_call);
  if (ctx->completion != NULL)
    gtk_widget_set_visible (ctx->completion, !per_call);
  if (ctx->price != NULL)
    gtk_widget_set_visible (ctx->price, per_call);
  set_row_error (ctx->ratio, !per_call && (!ok_ratio || isnan (ratio) || ratio < 0));
  if (ctx->completion != NULL)
    set_row_error (ctx->completion, !per_call && (!ok_completion || completion < 0));
  if (ctx->price != NULL)
    set_row_error (ctx->price, per_call && (!ok_price || isnan (price) || price < 0));
  g_clear_pointer (&ctx->write, nd_write_free);

  if (per_call ? !ok_price || isnan (price) : !ok_ratio || !ok_completion || isnan (ratio))
    text = g_strdup (per_call ? _("Enter a price per call in US dollars (0 or more).")
                              : _("Enter a ratio (0 or more)."));
  else
    {
      if (ctx->model != NULL)
        {
          NdPriceEdit *e = nd_price_edit_new ();

          e->name = g_strdup (ctx->model);
          e->per_call = per_call;
          e->ratio = per_call ? NAN : ratio;
          e->completion_ratio = per_call ? NAN : completion;
          e->price = per_call ? price : NAN;
          write = nd_write_model_price_new (e);
        }
      else
        write = nd_write_group_ratio_new (ctx->group, ratio);
      if (nd_write_validate (write, NULL, &error) &&
          (changes = nd_pricing_plan (ctx->catalog->pricing, write, &error)) != NULL &&
          (after = nd_pricing_apply (ctx->catalog->pricing, changes, &error)) != NULL)
        {
          if (changes->len == 0)
            text = g_strdup (_("Nothing changes."));
          else
            {
              text = describe (ctx, changes, after);
              ctx->write = g_steal_pointer (&write);
            }
        }
      else
        text = g_strdup (error->message);
    }
  gtk_label_set_text (GTK_LABEL (ctx->preview), text);
  adw_message_dialog_set_response_enabled (dialog, "save", ctx->write != NULL);
}

static void
response_cb (AdwMessageDialog *dialog, const char *response, Ctx *ctx)
{
  if (g_strcmp0 (response, "save") == 0 && ctx->write != NULL && ctx->save != NULL)
    {
      NdModelPriceSave save = ctx->save;

      ctx->save = NULL;
      save (ctx->user_data, g_steal_pointer (&ctx->write));
    }
}

static GtkWidget *
entry_row (GtkWidget *list, const char *title, double value)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (isfinite (value))
    {
      g_autofree char *text = nd_pricing_format_number (value);

      gtk_editable_set_text (GTK_EDITABLE (row), text);
    }
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  return row;
}

AdwMessageDialog *
nd_model_price_dialog_new (GtkWidget *parent, NdModelCatalog *catalog, const char *model,
                           const char *group, const NdMoney *money, NdModelPriceSave save,
                           gpointer user_data, GDestroyNotify destroy)
{
  GtkRoot *root = gtk_widget_get_root (parent);
  Ctx *ctx = g_new0 (Ctx, 1);
  AdwMessageDialog *dialog;
  GtkWidget *box, *list, *note;
  g_autofree char *heading = NULL;

  g_return_val_if_fail ((model == NULL) != (group == NULL), NULL);
  ctx->catalog = nd_model_catalog_ref (catalog);
  ctx->model = g_strdup (model);
  ctx->group = g_strdup (group);
  ctx->money = nd_money_copy (money);
  ctx->save = save;
  ctx->user_data = user_data;
  ctx->destroy = destroy;

  /* Translators: the heading of the price editor; %s is a model or group name */
  heading = g_strdup_printf (model ? _("Price of %s") : _("Ratio of Group %s"), model ? model : group);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, NULL));
  adw_message_dialog_set_body (dialog, model
    ? _("A model is billed by ratio or by a fixed price per call, never both. Only this model’s "
        "key changes in each option.")
    : _("The group ratio multiplies every price in the group."));
  g_object_set_data_full (G_OBJECT (dialog), "nd-ctx", ctx, (GDestroyNotify) ctx_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  if (model != NULL)
    {
      NdModelEntry *e = nd_model_catalog_find (catalog, model);
      NdModelPrice price = { ND_BILLING_UNKNOWN, NAN, NAN, NAN, NAN };
      GtkWidget *row = adw_action_row_new ();

      if (e != NULL)
        nd_model_entry_price (catalog, NULL, e, &price, NULL);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Fixed price per call"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("ModelPrice, in US dollars"));
      ctx->per_call = gtk_switch_new ();
      gtk_widget_set_valign (ctx->per_call, GTK_ALIGN_CENTER);
      gtk_switch_set_active (GTK_SWITCH (ctx->per_call), price.billing == ND_BILLING_PER_CALL);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), ctx->per_call);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), ctx->per_call);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
      ctx->ratio = entry_row (list, _("Model ratio (ModelRatio)"), price.model_ratio);
      ctx->completion = entry_row (list, _("Completion ratio (CompletionRatio; empty: not set)"),
                                   price.completion_ratio);
      ctx->price = entry_row (list, _("Price per call, USD (ModelPrice)"), price.model_price);
      g_signal_connect_swapped (ctx->per_call, "notify::active", G_CALLBACK (update), dialog);
      g_signal_connect_swapped (ctx->completion, "changed", G_CALLBACK (update), dialog);
      g_signal_connect_swapped (ctx->price, "changed", G_CALLBACK (update), dialog);
    }
  else
    {
      NdGroupEntry *g = nd_model_catalog_find_group (catalog, group);

      ctx->ratio = entry_row (list, _("Group ratio (GroupRatio)"), g ? g->ratio : NAN);
    }
  g_signal_connect_swapped (ctx->ratio, "changed", G_CALLBACK (update), dialog);
  gtk_box_append (GTK_BOX (box), list);

  ctx->preview = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (ctx->preview), 0);
  gtk_label_set_wrap (GTK_LABEL (ctx->preview), TRUE);
  gtk_label_set_selectable (GTK_LABEL (ctx->preview), TRUE);
  gtk_widget_add_css_class (ctx->preview, "nd-price-preview");
  gtk_box_append (GTK_BOX (box), ctx->preview);
  note = gtk_label_new (_("Servers with a memory cache apply the change within SYNC_FREQUENCY "
                          "seconds. The change is recorded in the audit log."));
  gtk_label_set_wrap (GTK_LABEL (note), TRUE);
  gtk_label_set_xalign (GTK_LABEL (note), 0);
  gtk_widget_add_css_class (note, "dim-label");
  gtk_widget_add_css_class (note, "caption");
  gtk_box_append (GTK_BOX (box), note);
  adw_message_dialog_set_extra_child (dialog, box);

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), ctx);
  update (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

GtkWidget *
nd_model_price_dialog_get (AdwMessageDialog *dialog, const char *part)
{
  Ctx *ctx = g_object_get_data (G_OBJECT (dialog), "nd-ctx");

  g_return_val_if_fail (ctx != NULL, NULL);
  if (g_str_equal (part, "ratio"))
    return ctx->ratio;
  if (g_str_equal (part, "completion"))
    return ctx->completion;
  if (g_str_equal (part, "price"))
    return ctx->price;
  if (g_str_equal (part, "per_call"))
    return ctx->per_call;
  if (g_str_equal (part, "preview"))
    return ctx->preview;
  return NULL;
}
