/* nd-report-compare.c — two periods side by side
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "nd-report-compare.h"

static const char * const figure_names[ND_COMPARE_N_FIGURES] = {
  "requests", "errors", "success_rate", "quota", "prompt_tokens", "completion_tokens",
  "active_users", "avg_rpm", "avg_tpm",
};

static const char * const measure_names[ND_COMPARE_N_MEASURES] = {
  "requests", "errors", "quota", "tokens",
};

const char *
nd_compare_figure_name (NdCompareFigure figure)
{
  g_return_val_if_fail (figure < ND_COMPARE_N_FIGURES, NULL);
  return figure_names[figure];
}

const char *
nd_compare_measure_name (NdCompareMeasure measure)
{
  g_return_val_if_fail (measure < ND_COMPARE_N_MEASURES, NULL);
  return measure_names[measure];
}

gboolean
nd_compare_measure_from_name (const char *name, NdCompareMeasure *out)
{
  for (guint i = 0; i < ND_COMPARE_N_MEASURES; i++)
    if (g_strcmp0 (name, measure_names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

static NdCompareValue
value (double current, double baseline)
{
  NdCompareValue v = { current, baseline, current - baseline, NAN };

  if (baseline != 0)
    v.change = v.delta / baseline;
  return v;
}

static void
row_free (gpointer data)
{
  NdCompareRow *row = data;

  g_free (row->key);
  g_free (row->name);
  g_free (row);
}

static void
measures (const NdFactsRank *r, double out[ND_COMPARE_N_MEASURES])
{
  out[ND_COMPARE_BY_REQUESTS] = r ? r->requests : 0;
  out[ND_COMPARE_BY_ERRORS] = r ? r->errors : 0;
  out[ND_COMPARE_BY_QUOTA] = r ? r->quota : 0;
  out[ND_COMPARE_BY_TOKENS] = r ? r->tokens : 0;
}

static gint
row_cmp (gconstpointer pa, gconstpointer pb, gpointer user_data)
{
  const NdCompareRow *a = *(NdCompareRow * const *) pa, *b = *(NdCompareRow * const *) pb;
  NdCompareMeasure m = GPOINTER_TO_UINT (user_data);
  double da = fabs (a->values[m].delta), db = fabs (b->values[m].delta);

  if (da != db)
    return da > db ? -1 : 1;
  return g_strcmp0 (a->key, b->key);
}

/* Every key either period ranks, with both sides (0 where absent). */
static GPtrArray *
compare_rankings (GPtrArray *current, GPtrArray *baseline, NdCompareMeasure sort)
{
  g_autoptr(GHashTable) base = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *rows = g_ptr_array_new_with_free_func (row_free);
  GPtrArray *sides[2] = { current, baseline };

  for (guint i = 0; i < baseline->len; i++)
    {
      NdFactsRank *r = g_ptr_array_index (baseline, i);

      g_hash_table_insert (base, r->key, r);
    }
  for (int s = 0; s < 2; s++)
    for (guint i = 0; i < sides[s]->len; i++)
      {
        const NdFactsRank *r = g_ptr_array_index (sides[s], i);
        const NdFactsRank *c = s == 0 ? r : NULL;
        const NdFactsRank *b = s == 0 ? g_hash_table_lookup (base, r->key) : r;
        NdCompareRow *row;
        double cm[ND_COMPARE_N_MEASURES], bm[ND_COMPARE_N_MEASURES];

        if (!g_hash_table_add (seen, r->key))
          continue;
        row = g_new0 (NdCompareRow, 1);
        row->id = r->id;
        row->key = g_strdup (r->key);
        row->name = g_strdup (r->name);
        row->in_current = c != NULL && c->requests > 0;
        row->in_baseline = b != NULL && b->requests > 0;
        measures (c, cm);
        measures (b, bm);
        for (int m = 0; m < ND_COMPARE_N_MEASURES; m++)
          row->values[m] = value (cm[m], bm[m]);
        row->error_rate = value (cm[ND_COMPARE_BY_REQUESTS] > 0 ? cm[ND_COMPARE_BY_ERRORS] / cm[ND_COMPARE_BY_REQUESTS] : 0,
                                 bm[ND_COMPARE_BY_REQUESTS] > 0 ? bm[ND_COMPARE_BY_ERRORS] / bm[ND_COMPARE_BY_REQUESTS] : 0);
        g_ptr_array_add (rows, row);
      }
  g_ptr_array_sort_with_data (rows, row_cmp, GUINT_TO_POINTER (sort));
  return rows;
}

NdFactsCompare *
nd_facts_compare_new (NdFactsReport *current, NdFactsReport *baseline, NdCompareMeasure sort)
{
  NdFactsCompare *cmp;
  const NdFactsOverview *c, *b;

  g_return_val_if_fail (current != NULL && baseline != NULL, NULL);
  g_return_val_if_fail (sort < ND_COMPARE_N_MEASURES, NULL);

  cmp = g_new0 (NdFactsCompare, 1);
  g_atomic_ref_count_init (&cmp->ref_count);
  cmp->current = nd_facts_report_ref (current);
  cmp->baseline = nd_facts_report_ref (baseline);
  cmp->sort = sort;
  c = &current->overview;
  b = &baseline->overview;
  cmp->overview[ND_COMPARE_REQUESTS] = value (c->requests, b->requests);
  cmp->overview[ND_COMPARE_ERRORS] = value (c->errors, b->errors);
  cmp->overview[ND_COMPARE_SUCCESS_RATE] = value (c->success_rate, b->success_rate);
  cmp->overview[ND_COMPARE_QUOTA] = value (c->quota, b->quota);
  cmp->overview[ND_COMPARE_PROMPT_TOKENS] = value (c->prompt_tokens, b->prompt_tokens);
  cmp->overview[ND_COMPARE_COMPLETION_TOKENS] = value (c->completion_tokens, b->completion_tokens);
  cmp->overview[ND_COMPARE_ACTIVE_USERS] = value (c->active_users, b->active_users);
  cmp->overview[ND_COMPARE_AVG_RPM] = value (c->avg_rpm, b->avg_rpm);
  cmp->overview[ND_COMPARE_AVG_TPM] = value (c->avg_tpm, b->avg_tpm);
  cmp->models = compare_rankings (current->models, baseline->models, sort);
  cmp->channels = compare_rankings (current->channels, baseline->channels, sort);
  return cmp;
}

NdFactsCompare *
nd_facts_compare_ref (NdFactsCompare *compare)
{
  g_atomic_ref_count_inc (&compare->ref_count);
  return compare;
}

void
nd_facts_compare_unref (NdFactsCompare *compare)
{
  if (compare == NULL || !g_atomic_ref_count_dec (&compare->ref_count))
    return;
  nd_facts_report_unref (compare->current);
  nd_facts_report_unref (compare->baseline);
  g_ptr_array_unref (compare->models);
  g_ptr_array_unref (compare->channels);
  g_free (compare);
}
