/* nd-facts-batch.c — the pull_facts contract types (nd-facts-types.h)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "nd-facts-types.h"
#include "nd-time.h"

const double nd_facts_latency_edges[ND_FACTS_N_LAT] = { 1, 3, 10, 30, 60 };

/* ─── batches ───────────────────────────────────────────────────────────── */

static void
fact_clear (gpointer data)
{
  NdFact *f = data;

  g_free (f->model);
  g_free (f->group);
}

static void
name_free (gpointer data)
{
  NdFactsName *n = data;

  g_free (n->name);
  g_free (n);
}

NdFactsBatch *
nd_facts_batch_new (void)
{
  NdFactsBatch *batch = g_new0 (NdFactsBatch, 1);

  batch->facts = g_array_new (FALSE, TRUE, sizeof (NdFact));
  g_array_set_clear_func (batch->facts, fact_clear);
  batch->names = g_ptr_array_new_with_free_func (name_free);
  batch->dims = ND_FACTS_DIM_ALL;
  batch->rows_scanned = -1;
  batch->cursor_limit = -1;
  batch->slices = g_array_new (FALSE, TRUE, sizeof (NdFactsSlice));
  batch->slice_facts = g_array_new (FALSE, TRUE, sizeof (NdFact));
  g_array_set_clear_func (batch->slice_facts, fact_clear);
  return batch;
}

void
nd_facts_batch_free (NdFactsBatch *batch)
{
  if (batch == NULL)
    return;
  g_array_unref (batch->facts);
  g_ptr_array_unref (batch->names);
  g_array_unref (batch->slices);
  g_array_unref (batch->slice_facts);
  g_free (batch);
}

static NdFact *
append_fact (GArray *facts, gint64 hour, gint64 user_id, gint64 token_id, gint64 channel_id,
             int type, const char *model, const char *group)
{
  NdFact *f;

  g_array_set_size (facts, facts->len + 1);
  f = &g_array_index (facts, NdFact, facts->len - 1);
  f->hour = nd_time_hour (hour);
  f->user_id = user_id;
  f->token_id = token_id;
  f->channel_id = channel_id;
  f->type = type;
  f->model = g_strdup (model ? model : "");
  f->group = g_strdup (group ? group : "");
  return f;
}

NdFact *
nd_facts_batch_add (NdFactsBatch *batch, gint64 hour, gint64 user_id, gint64 token_id,
                    gint64 channel_id, int type, const char *model, const char *group)
{
  return append_fact (batch->facts, hour, user_id, token_id, channel_id, type, model, group);
}

NdFact *
nd_facts_batch_add_slice_fact (NdFactsBatch *batch, gint64 start, gint64 user_id, gint64 token_id,
                               gint64 channel_id, int type, const char *model, const char *group)
{
  return append_fact (batch->slice_facts, start, user_id, token_id, channel_id, type, model, group);
}

void
nd_facts_batch_take_facts (NdFactsBatch *dst, NdFactsBatch *src)
{
  g_array_append_vals (dst->facts, src->facts->data, src->facts->len);
  /* The strings now belong to @dst's copies. */
  g_array_set_clear_func (src->facts, NULL);
  g_array_set_size (src->facts, 0);
  g_array_set_clear_func (src->facts, fact_clear);
}

void
nd_facts_batch_add_name (NdFactsBatch *batch, NdFactsNameKind kind, gint64 id,
                         const char *name, gint64 owner_id)
{
  NdFactsName *n = g_new0 (NdFactsName, 1);

  n->kind = kind;
  n->id = id;
  n->name = g_strdup (name ? name : "");
  n->owner_id = owner_id;
  g_ptr_array_add (batch->names, n);
}

NdFactsLatency
nd_facts_latency_bucket (gint64 use_time)
{
  if (use_time < 1)
    return ND_FACTS_LAT_LT1;
  if (use_time < 3)
    return ND_FACTS_LAT_1_3;
  if (use_time < 10)
    return ND_FACTS_LAT_3_10;
  if (use_time < 30)
    return ND_FACTS_LAT_10_30;
  return ND_FACTS_LAT_GE30;
}
