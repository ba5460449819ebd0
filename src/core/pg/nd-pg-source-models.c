/* nd-pg-source-models.c — the model catalogue from abilities, channels and options
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job on the main connection reads what nd-model-catalog.h derives
 * from: the abilities per model and channel (with the channel's status and
 * model_mapping), the five price options as stored, and how many live
 * users and tokens each group has. JSON in options and mappings is parsed
 * here in C, never cast in SQL: one malformed row must not fail the page.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "nd-pg-source-private.h"
#include "nd-model-catalog.h"

static const char *abilities_sql =
  "SELECT a.model, a.channel_id, coalesce (c.name, ''), c.status, "
  "  bool_or (a.enabled) AND c.status = 1, "
  /* Group names come from splitting on commas: they never hold one. */
  "  string_agg (DISTINCT a.\"group\", ',' ORDER BY a.\"group\"), c.model_mapping "
  "FROM abilities a JOIN channels c ON c.id = a.channel_id "
  "GROUP BY a.model, a.channel_id, c.name, c.status, c.model_mapping "
  "ORDER BY a.model, a.channel_id";

static const char *options_sql =
  "SELECT \"key\", value FROM options WHERE \"key\" IN ('ModelRatio', 'CompletionRatio', "
  "'ModelPrice', 'CacheRatio', 'GroupRatio', 'SelfUseModeEnabled')";

/* A token in group '' bills in its owner's group (reference §2.3); users and
 * tokens of soft-deleted accounts cannot call anything. */
static const char *groups_sql =
  "SELECT g, sum (users), sum (tokens) FROM ("
  "  SELECT \"group\" AS g, count (*) AS users, 0 AS tokens FROM users "
  "   WHERE deleted_at IS NULL GROUP BY 1 "
  "  UNION ALL "
  "  SELECT coalesce (nullif (t.\"group\", ''), u.\"group\"), 0, count (*) FROM tokens t "
  "   JOIN users u ON u.id = t.user_id "
  "   WHERE t.deleted_at IS NULL AND u.deleted_at IS NULL GROUP BY 1"
  ") AS s WHERE g IS NOT NULL AND g <> '' GROUP BY g";

static void
add_abilities (NdModelCatalog *catalog, PGresult *res)
{
  for (int i = 0; i < PQntuples (res); i++)
    {
      NdModelEntry *e = nd_model_catalog_ensure (catalog, PQgetvalue (res, i, 0));
      NdModelChannel *ch = g_new0 (NdModelChannel, 1);

      ch->id = nd_pg_int64 (res, i, 1);
      ch->name = nd_pg_strdup (res, i, 2);
      ch->status = (int) nd_pg_int64 (res, i, 3);
      ch->enabled = nd_pg_bool (res, i, 4);
      ch->groups = nd_split_commas (PQgetisnull (res, i, 5) ? "" : PQgetvalue (res, i, 5));
      ch->upstream = PQgetisnull (res, i, 6) ? NULL
                     : nd_model_mapping_target (PQgetvalue (res, i, 6), e->name);
      g_ptr_array_add (e->channels, ch);
    }
}

static void
add_options (NdModelCatalog *catalog, PGresult *res)
{
  g_autoptr(GString) note = g_string_new (NULL);
  gboolean present[ND_PRICING_N_OPTIONS] = { FALSE };

  for (int i = 0; i < PQntuples (res); i++)
    {
      const char *key = PQgetvalue (res, i, 0);
      const char *value = PQgetisnull (res, i, 1) ? "" : PQgetvalue (res, i, 1);
      NdPricingOption option;
      g_autoptr(GError) error = NULL;

      if (g_str_equal (key, "SelfUseModeEnabled"))
        nd_pricing_set_self_use (catalog->pricing, g_str_equal (value, "true"));
      else if (nd_pricing_option_from_key (key, &option))
        {
          present[option] = TRUE;
          if (!nd_pricing_set_option (catalog->pricing, option, value, &error))
            g_string_append_printf (note, "%s%s", note->len ? " " : "", error->message);
        }
    }
  for (guint o = 0; o < ND_PRICING_N_OPTIONS; o++)
    if (!present[o])
      {
        if (note->len > 0)
          g_string_append_c (note, ' ');
        /* Translators: %s is an option key such as ModelRatio */
        g_string_append_printf (note, _("%s is not in the database: NewAPI uses its built-in "
                                        "list, which cannot be read from here."),
                                nd_pricing_option_key (o));
      }
  if (note->len > 0)
    catalog->pricing_note = g_strdup (note->str);
}

static void
add_groups (NdModelCatalog *catalog, PGresult *res)
{
  g_auto(GStrv) names = nd_pricing_dup_names (catalog->pricing, ND_PRICING_GROUP_RATIO);

  for (guint i = 0; names[i] != NULL; i++)
    nd_model_catalog_ensure_group (catalog, names[i]);
  for (guint m = 0; m < catalog->models->len; m++)
    {
      g_auto(GStrv) served = nd_model_entry_groups (g_ptr_array_index (catalog->models, m));

      for (guint i = 0; served[i] != NULL; i++)
        nd_model_catalog_ensure_group (catalog, served[i]);
    }
  for (int i = 0; i < PQntuples (res); i++)
    nd_model_catalog_ensure_group (catalog, PQgetvalue (res, i, 0));
  /* Over PostgreSQL every count is known: a group no one is in has 0. */
  for (guint i = 0; i < catalog->groups->len; i++)
    {
      NdGroupEntry *g = g_ptr_array_index (catalog->groups, i);

      g->users = g->tokens = 0;
      g->ratio = nd_pricing_get (catalog->pricing, ND_PRICING_GROUP_RATIO, g->name);
    }
  for (int i = 0; i < PQntuples (res); i++)
    {
      NdGroupEntry *g = nd_model_catalog_find_group (catalog, PQgetvalue (res, i, 0));

      g->users = nd_pg_int64 (res, i, 1);
      g->tokens = nd_pg_int64 (res, i, 2);
    }
}

static void
catalog_job (GTask *task, PGconn *pg, gpointer job_data, GCancellable *cancellable)
{
  g_autoptr(NdModelCatalog) catalog = nd_model_catalog_new ();
  g_autoptr(PGresult) abilities = NULL;
  g_autoptr(PGresult) options = NULL;
  g_autoptr(PGresult) groups = NULL;
  GError *error = NULL;

  /* One snapshot for the three reads. */
  if ((abilities = nd_pg_exec (pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL,
                               cancellable, &error)) == NULL)
    return g_task_return_error (task, error);
  g_clear_pointer (&abilities, PQclear);
  abilities = nd_pg_exec (pg, abilities_sql, 0, NULL, cancellable, &error);
  if (abilities != NULL)
    options = nd_pg_exec (pg, options_sql, 0, NULL, cancellable, &error);
  if (options != NULL)
    groups = nd_pg_exec (pg, groups_sql, 0, NULL, cancellable, &error);
  if (PQstatus (pg) == CONNECTION_OK && PQtransactionStatus (pg) != PQTRANS_IDLE)
    PQclear (PQexec (pg, error ? "ROLLBACK" : "COMMIT"));
  if (error != NULL)
    return g_task_return_error (task, error);

  add_abilities (catalog, abilities);
  add_options (catalog, options);
  nd_model_catalog_sort (catalog);
  add_groups (catalog, groups);
  nd_model_catalog_sort (catalog);
  g_task_return_pointer (task, g_steal_pointer (&catalog), (GDestroyNotify) nd_model_catalog_unref);
}

static void
pg_model_catalog_async (NdSource *source, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, pg_model_catalog_async);
  nd_pg_conn_run (nd_pg_source_get_main (ND_PG_SOURCE (source)), task, catalog_job, NULL, NULL);
}

void
_nd_pg_source_class_init_models (NdSourceClass *klass)
{
  klass->model_catalog_async = pg_model_catalog_async;
}
