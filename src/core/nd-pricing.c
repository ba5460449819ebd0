/* nd-pricing.c — NewAPI's price formula and one-member edits of its options
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "nd-error.h"
#include "nd-json.h"
#include "nd-pricing.h"

static const char * const option_keys[ND_PRICING_N_OPTIONS] = {
  "ModelRatio", "CompletionRatio", "ModelPrice", "CacheRatio", "GroupRatio",
};

struct _NdPricing
{
  gatomicrefcount ref_count;
  GHashTable *maps[ND_PRICING_N_OPTIONS];   /* utf8 → double*; NULL: unknown */
  char *texts[ND_PRICING_N_OPTIONS];
  gboolean self_use;
};

const char *
nd_pricing_option_key (NdPricingOption option)
{
  g_return_val_if_fail (option < ND_PRICING_N_OPTIONS, NULL);
  return option_keys[option];
}

gboolean
nd_pricing_option_from_key (const char *key, NdPricingOption *option)
{
  for (guint i = 0; i < ND_PRICING_N_OPTIONS; i++)
    if (g_strcmp0 (key, option_keys[i]) == 0)
      {
        *option = i;
        return TRUE;
      }
  return FALSE;
}

const char *
nd_billing_nick (NdBilling billing)
{
  switch (billing)
    {
    case ND_BILLING_RATIO: return "ratio";
    case ND_BILLING_PER_CALL: return "per_call";
    case ND_BILLING_UNPRICED: return "unpriced";
    case ND_BILLING_UNKNOWN:
    default: return "unknown";
    }
}

NdPricing *
nd_pricing_new (void)
{
  NdPricing *self = g_new0 (NdPricing, 1);

  g_atomic_ref_count_init (&self->ref_count);
  return self;
}

NdPricing *
nd_pricing_ref (NdPricing *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
nd_pricing_unref (NdPricing *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  for (guint i = 0; i < ND_PRICING_N_OPTIONS; i++)
    {
      g_clear_pointer (&self->maps[i], g_hash_table_unref);
      g_free (self->texts[i]);
    }
  g_free (self);
}

/* A JSON number as a double; FALSE for anything else (Go's map[string]float64
 * refuses strings, booleans and the rest). */
static gboolean
node_number (JsonNode *node, double *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64: *out = (double) json_node_get_int (node); return TRUE;
    case G_TYPE_DOUBLE: *out = json_node_get_double (node); return TRUE;
    default: return FALSE;
    }
}

/* Parses an option's text into name → value; NULL with @error when it is
 * not an object of numbers. */
static GHashTable *
parse_map (const char *key, const char *text, GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) map = NULL;
  g_autoptr(GError) local = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  root = nd_json_parse_bounded (text ? text : "", -1, &local);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                   _("The option %s is not a JSON object: NewAPI cannot read it either"), key);
      return NULL;
    }
  map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  json_object_iter_init (&iter, json_node_get_object (root));
  while (json_object_iter_next (&iter, &name, &node))
    {
      double v;

      if (!node_number (node, &v) || !isfinite (v))
        {
          g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                       _("The option %s gives “%s” something that is not a number: NewAPI "
                         "cannot read it either"), key, name);
          return NULL;
        }
      g_hash_table_insert (map, g_strdup (name), g_memdup2 (&v, sizeof v));
    }
  return g_steal_pointer (&map);
}

gboolean
nd_pricing_set_option (NdPricing *self, NdPricingOption option, const char *text, GError **error)
{
  GHashTable *map;

  g_return_val_if_fail (self != NULL && option < ND_PRICING_N_OPTIONS, FALSE);

  g_clear_pointer (&self->maps[option], g_hash_table_unref);
  g_clear_pointer (&self->texts[option], g_free);
  map = parse_map (option_keys[option], text, error);
  if (map == NULL)
    return FALSE;
  self->maps[option] = map;
  self->texts[option] = g_strdup (text);
  return TRUE;
}

gboolean
nd_pricing_has_option (const NdPricing *self, NdPricingOption option)
{
  g_return_val_if_fail (self != NULL && option < ND_PRICING_N_OPTIONS, FALSE);
  return self->maps[option] != NULL;
}

const char *
nd_pricing_get_text (const NdPricing *self, NdPricingOption option)
{
  g_return_val_if_fail (self != NULL && option < ND_PRICING_N_OPTIONS, NULL);
  return self->texts[option];
}

double
nd_pricing_get (const NdPricing *self, NdPricingOption option, const char *name)
{
  double *v;

  g_return_val_if_fail (self != NULL && option < ND_PRICING_N_OPTIONS, NAN);
  if (self->maps[option] == NULL || name == NULL)
    return NAN;
  v = g_hash_table_lookup (self->maps[option], name);
  return v ? *v : NAN;
}

static int
cmp_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GStrv
nd_pricing_dup_names (const NdPricing *self, NdPricingOption option)
{
  GPtrArray *names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (self != NULL && option < ND_PRICING_N_OPTIONS, NULL);
  if (self->maps[option] != NULL)
    {
      g_hash_table_iter_init (&iter, self->maps[option]);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (names, g_strdup (key));
    }
  g_ptr_array_sort (names, cmp_strings);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (names, FALSE);
}

void
nd_pricing_set_self_use (NdPricing *self, gboolean self_use)
{
  g_return_if_fail (self != NULL);
  self->self_use = self_use;
}

gboolean
nd_pricing_get_self_use (const NdPricing *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->self_use;
}

double
nd_pricing_group_ratio (const NdPricing *self, const char *group)
{
  double v = nd_pricing_get (self, ND_PRICING_GROUP_RATIO, group);

  return isnan (v) ? 1.0 : v;
}

/* ---- the formula -------------------------------------------------------- */

void
nd_pricing_lookup (const NdPricing *self, const char *model, NdModelPrice *out)
{
  g_return_if_fail (self != NULL && out != NULL);

  out->model_price = nd_pricing_get (self, ND_PRICING_MODEL_PRICE, model);
  out->model_ratio = nd_pricing_get (self, ND_PRICING_MODEL_RATIO, model);
  out->completion_ratio = nd_pricing_get (self, ND_PRICING_COMPLETION_RATIO, model);
  out->cache_ratio = nd_pricing_get (self, ND_PRICING_CACHE_RATIO, model);
  /* ModelPrice wins, so without it nothing can be said. */
  if (!nd_pricing_has_option (self, ND_PRICING_MODEL_PRICE))
    out->billing = ND_BILLING_UNKNOWN;
  else if (!isnan (out->model_price))
    out->billing = ND_BILLING_PER_CALL;
  else if (!nd_pricing_has_option (self, ND_PRICING_MODEL_RATIO))
    out->billing = ND_BILLING_UNKNOWN;
  else if (!isnan (out->model_ratio))
    out->billing = ND_BILLING_RATIO;
  else
    out->billing = ND_BILLING_UNPRICED;
}

void
nd_price_usd (const NdModelPrice *price, double group_ratio, double quota_per_unit,
              gboolean self_use, double default_completion, NdPriceUsd *out)
{
  double ratio, completion;

  g_return_if_fail (price != NULL && out != NULL);

  out->input = out->output = out->cached_input = out->per_call = NAN;
  if (quota_per_unit <= 0 || !isfinite (quota_per_unit))
    quota_per_unit = 500000.0;
  switch (price->billing)
    {
    case ND_BILLING_PER_CALL:
      out->per_call = price->model_price * group_ratio;
      return;
    case ND_BILLING_RATIO:
      ratio = price->model_ratio;
      break;
    case ND_BILLING_UNPRICED:
      if (!self_use)
        return;
      ratio = ND_PRICING_SELF_USE_RATIO;
      break;
    case ND_BILLING_UNKNOWN:
    default:
      return;
    }
  completion = !isnan (price->completion_ratio) ? price->completion_ratio
               : !isnan (default_completion) ? default_completion : 1.0;
  out->input = ratio * group_ratio * 1e6 / quota_per_unit;
  out->output = out->input * completion;
  if (!isnan (price->cache_ratio))
    out->cached_input = out->input * price->cache_ratio;
}

char *
nd_price_format (const NdMoney *money, double usd)
{
  g_return_val_if_fail (money != NULL, NULL);
  if (!isfinite (usd))
    return g_strdup ("—");
  return nd_money_format_full (money, (gint64) llround (usd * money->quota_per_unit));
}

/* ---- edits -------------------------------------------------------------- */

void
nd_price_change_free (NdPriceChange *change)
{
  if (change == NULL)
    return;
  g_free (change->member);
  g_free (change);
}

guint
nd_pricing_write_options (const NdWrite *write, NdPricingOption out[3])
{
  guint n = 0;

  g_return_val_if_fail (write != NULL, 0);
  if (write->kind == ND_WRITE_GROUP_RATIO)
    out[n++] = ND_PRICING_GROUP_RATIO;
  else if (write->kind == ND_WRITE_MODEL_PRICE && write->price != NULL)
    {
      /* By key, the order every writer locks them in. */
      if (write->price->per_call || !isnan (write->price->completion_ratio))
        out[n++] = ND_PRICING_COMPLETION_RATIO;
      out[n++] = ND_PRICING_MODEL_PRICE;
      out[n++] = ND_PRICING_MODEL_RATIO;
    }
  return n;
}

static gboolean
plan_one (const NdPricing *self, GPtrArray *changes, NdPricingOption option, const char *name,
          double value, GError **error)
{
  double old;
  NdPriceChange *change;

  if (!nd_pricing_has_option (self, option))
    {
      g_set_error (error, ND_ERROR, ND_ERROR_CONFLICT,
                   _("The option %s is not in the database, so NewAPI uses its built-in list, "
                     "which cannot be edited from here without losing it: nothing was changed. "
                     "Save the prices once in NewAPI’s own settings, then edit them here."),
                   option_keys[option]);
      return FALSE;
    }
  old = nd_pricing_get (self, option, name);
  if ((isnan (old) && isnan (value)) || old == value)
    return TRUE;
  change = g_new0 (NdPriceChange, 1);
  change->option = option;
  change->member = g_strdup (name);
  change->old_value = old;
  change->new_value = value;
  g_ptr_array_add (changes, change);
  return TRUE;
}

GPtrArray *
nd_pricing_plan (const NdPricing *self, const NdWrite *write, GError **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) nd_price_change_free);
  const NdPriceEdit *e;

  g_return_val_if_fail (self != NULL && write != NULL, NULL);

  if (write->kind != ND_WRITE_MODEL_PRICE && write->kind != ND_WRITE_GROUP_RATIO)
    {
      g_set_error_literal (error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("This is not a price"));
      return NULL;
    }
  if (!nd_write_validate (write, NULL, error))
    return NULL;
  e = write->price;
  if (write->kind == ND_WRITE_GROUP_RATIO)
    {
      if (!plan_one (self, changes, ND_PRICING_GROUP_RATIO, e->name, e->ratio, error))
        return NULL;
    }
  else if (e->per_call)
    {
      if (!plan_one (self, changes, ND_PRICING_MODEL_PRICE, e->name, e->price, error) ||
          !plan_one (self, changes, ND_PRICING_MODEL_RATIO, e->name, NAN, error) ||
          !plan_one (self, changes, ND_PRICING_COMPLETION_RATIO, e->name, NAN, error))
        return NULL;
    }
  else
    {
      if (!plan_one (self, changes, ND_PRICING_MODEL_RATIO, e->name, e->ratio, error) ||
          (!isnan (e->completion_ratio) &&
           !plan_one (self, changes, ND_PRICING_COMPLETION_RATIO, e->name, e->completion_ratio,
                      error)) ||
          !plan_one (self, changes, ND_PRICING_MODEL_PRICE, e->name, NAN, error))
        return NULL;
    }
  return g_steal_pointer (&changes);
}

NdPricing *
nd_pricing_apply (const NdPricing *self, const GPtrArray *changes, GError **error)
{
  g_autoptr(NdPricing) copy = nd_pricing_new ();

  g_return_val_if_fail (self != NULL && changes != NULL, NULL);
  copy->self_use = self->self_use;
  for (guint o = 0; o < ND_PRICING_N_OPTIONS; o++)
    if (self->texts[o] != NULL && !nd_pricing_set_option (copy, o, self->texts[o], error))
      return NULL;
  for (guint i = 0; i < changes->len; i++)
    {
      const NdPriceChange *c = g_ptr_array_index (changes, i);
      g_autofree char *text = nd_pricing_json_set (copy->texts[c->option], c->member,
                                                   c->new_value, error);

      if (text == NULL || !nd_pricing_set_option (copy, c->option, text, error))
        return NULL;
    }
  return g_steal_pointer (&copy);
}

/* ---- numbers ------------------------------------------------------------ */

char *
nd_pricing_format_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char format[16];
  char *e;
  int precision;

  g_return_val_if_fail (isfinite (value), g_strdup ("0"));
  if (value == 0)
    return g_strdup ("0");
  for (precision = 1; precision <= 17; precision++)
    {
      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  e = strchr (buf, 'e');
  if (e != NULL && fabs (value) >= 1e-6 && fabs (value) < 1e21)
    {
      /* Go writes these without an exponent. */
      int exponent = atoi (e + 1);

      g_snprintf (format, sizeof format, "%%.%df", MAX (0, precision - 1 - exponent));
      g_ascii_formatd (buf, sizeof buf, format, value);
    }
  else if (e != NULL && (e[1] == '-' || e[1] == '+') && e[2] == '0' && e[3] != '\0')
    /* "1e-07" → "1e-7", as Go writes an exponent. */
    memmove (e + 2, e + 3, strlen (e + 3) + 1);
  return g_strdup (buf);
}

/* ---- one member of a JSON object, in place ------------------------------ */

typedef struct {
  gsize key_start, key_end;        /* the key with its quotes */
  gsize value_start, value_end;
} Member;

static gsize
skip_ws (const char *t, gsize i)
{
  while (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')
    i++;
  return i;
}

/* @i at an opening quote; the index after the closing one, 0 when cut. */
static gsize
skip_string (const char *t, gsize i)
{
  for (i++; t[i] != '\0'; i++)
    {
      if (t[i] == '\\' && t[i + 1] != '\0')
        i++;
      else if (t[i] == '"')
        return i + 1;
    }
  return 0;
}

static gsize
skip_value (const char *t, gsize i)
{
  int depth = 0;

  if (t[i] == '"')
    return skip_string (t, i);
  if (t[i] != '{' && t[i] != '[')
    {
      gsize start = i;

      while (t[i] != '\0' && !strchr (",}] \t\n\r", t[i]))
        i++;
      return i > start ? i : 0;
    }
  while (t[i] != '\0')
    {
      if (t[i] == '"')
        {
          i = skip_string (t, i);
          if (i == 0)
            return 0;
          continue;
        }
      if (t[i] == '{' || t[i] == '[')
        depth++;
      else if ((t[i] == '}' || t[i] == ']') && --depth == 0)
        return i + 1;
      i++;
    }
  return 0;
}

/* The members of the object @t holds, with where its braces are. The text
 * was checked by a JSON parser first; FALSE only for what it let through
 * that is not one object. */
static gboolean
scan_object (const char *t, GArray *members, gsize *open, gsize *close)
{
  gsize i = skip_ws (t, 0);

  g_array_set_size (members, 0);
  if (t[i] != '{')
    return FALSE;
  *open = i;
  i = skip_ws (t, i + 1);
  if (t[i] == '}')
    {
      *close = i;
      return t[skip_ws (t, i + 1)] == '\0';
    }
  while (TRUE)
    {
      Member m;

      if (t[i] != '"')
        return FALSE;
      m.key_start = i;
      if ((i = skip_string (t, i)) == 0)
        return FALSE;
      m.key_end = i;
      i = skip_ws (t, i);
      if (t[i] != ':')
        return FALSE;
      m.value_start = i = skip_ws (t, i + 1);
      if ((i = skip_value (t, i)) == 0)
        return FALSE;
      m.value_end = i;
      g_array_append_val (members, m);
      i = skip_ws (t, i);
      if (t[i] == ',')
        {
          i = skip_ws (t, i + 1);
          continue;
        }
      if (t[i] != '}')
        return FALSE;
      *close = i;
      return t[skip_ws (t, i + 1)] == '\0';
    }
}

static gboolean
key_is (const char *t, const Member *m, const char *name)
{
  g_autofree char *wrapped = g_strdup_printf ("[%.*s]", (int) (m->key_end - m->key_start),
                                              t + m->key_start);
  g_autoptr(JsonNode) node = nd_json_parse_bounded (wrapped, -1, NULL);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  return json_array_get_length (array) == 1 &&
         g_strcmp0 (json_array_get_string_element (array, 0), name) == 0;
}

static char *
quote (const char *name)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, name);
  return json_to_string (node, FALSE);
}

static char *
splice (const char *t, gsize from, gsize to, const char *insert)
{
  return g_strdup_printf ("%.*s%s%s", (int) from, t, insert, t + to);
}

char *
nd_pricing_json_set (const char *text, const char *name, double value, GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (Member));
  g_autofree char *out = NULL;
  g_autofree char *number = NULL;
  gsize open = 0, close = 0;
  gboolean found = FALSE;

  g_return_val_if_fail (name != NULL, NULL);

  root = nd_json_parse_bounded (text ? text : "", -1, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) || !scan_object (text, members, &open, &close))
    {
      g_set_error_literal (error, ND_ERROR, ND_ERROR_INVALID_INPUT,
                           _("The stored value is not a JSON object"));
      return NULL;
    }
  out = g_strdup (text);

  if (isnan (value))
    {
      /* One member at a time, the last first, scanning again after each. */
      while (TRUE)
        {
          guint n = members->len, k = n;
          char *next;

          for (guint i = n; i-- > 0;)
            if (key_is (out, &g_array_index (members, Member, i), name))
              {
                k = i;
                break;
              }
          if (k == n)
            break;
          if (n == 1)
            next = splice (out, open + 1, close, "");
          else if (k > 0)
            next = splice (out, g_array_index (members, Member, k - 1).value_end,
                           g_array_index (members, Member, k).value_end, "");
          else
            next = splice (out, g_array_index (members, Member, 0).key_start,
                           g_array_index (members, Member, 1).key_start, "");
          g_free (out);
          out = next;
          if (!scan_object (out, members, &open, &close))
            g_return_val_if_reached (NULL);
        }
      return g_steal_pointer (&out);
    }

  g_return_val_if_fail (isfinite (value), NULL);
  number = nd_pricing_format_number (value);
  for (guint i = members->len; i-- > 0;)
    {
      const Member *m = &g_array_index (members, Member, i);

      if (key_is (out, m, name))
        {
          char *next = splice (out, m->value_start, m->value_end, number);

          g_free (out);
          out = next;
          found = TRUE;
        }
    }
  if (!found)
    {
      g_autofree char *key = quote (name);
      g_autofree char *insert = NULL;
      guint n = members->len;
      char *next;

      if (n == 0)
        {
          insert = g_strdup_printf ("%s:%s", key, number);
          next = splice (out, open + 1, open + 1, insert);
        }
      else
        {
          const Member *last = &g_array_index (members, Member, n - 1);
          g_autofree char *lead = NULL;

          /* Laid out like the last member: its separator and indent, and
           * the space around its colon. */
          if (n >= 2)
            lead = g_strndup (out + g_array_index (members, Member, n - 2).value_end,
                              last->key_start - g_array_index (members, Member, n - 2).value_end);
          else
            lead = g_strdup_printf (",%.*s", (int) (last->key_start - open - 1), out + open + 1);
          insert = g_strdup_printf ("%s%s%.*s%s", lead, key,
                                    (int) (last->value_start - last->key_end),
                                    out + last->key_end, number);
          next = splice (out, last->value_end, last->value_end, insert);
        }
      g_free (out);
      out = next;
    }
  return g_steal_pointer (&out);
}
