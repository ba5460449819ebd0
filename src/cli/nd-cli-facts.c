/* nd-cli-facts.c — what `stats` and `report` share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The stats JSON is a public interface for scripts (README, "stats
 * JSON"): quota in raw quota units, times in unix seconds, the range
 * half-open [from, to) and rounded out to whole hours (facts are hourly).
 * Keys may be added, never renamed or removed.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "nd-cli-facts.h"
#include "nd-time.h"

typedef struct {
  gboolean tty;
  gint64 last_print;
} StatsProgress;

static void
progress_cb (gint64 done, gint64 total, gint64 rows, gpointer user_data)
{
  StatsProgress *p = user_data;
  gint64 now = g_get_monotonic_time ();

  if (!p->tty || (now - p->last_print < G_USEC_PER_SEC / 4 && done < total))
    return;
  p->last_print = now;
  fprintf (stderr, "\r%s %3d%% (%" G_GINT64_FORMAT " %s)", _("Syncing facts…"),
           total > 0 ? (int) (100 * done / total) : 0, rows, _("log rows"));
  if (done >= total)
    fputc ('\n', stderr);
  fflush (stderr);
}

void
nd_cli_json_int (JsonBuilder *b, const char *key, gint64 v)
{
  json_builder_set_member_name (b, key);
  json_builder_add_int_value (b, v);
}

void
nd_cli_json_double (JsonBuilder *b, const char *key, double v)
{
  json_builder_set_member_name (b, key);
  if (isnan (v))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, v);
}

void
nd_cli_json_string (JsonBuilder *b, const char *key, const char *v)
{
  json_builder_set_member_name (b, key);
  if (v == NULL)
    json_builder_add_null_value (b);
  else
    json_builder_add_string_value (b, v);
}

char *
nd_cli_json_to_data (JsonBuilder *b)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (b);

  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

static void
add_latency (JsonBuilder *b, const NdFactsRank *r)
{
  json_builder_set_member_name (b, "p50_seconds");
  if (r->p50 < 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, r->p50);
  json_builder_set_member_name (b, "p95_seconds");
  if (r->p95 < 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, r->p95);
}

typedef enum { RANK_MODEL, RANK_CHANNEL, RANK_USER, RANK_TOKEN } RankKind;

/* An unavailable dimension keeps its key with an empty array: the facts
 * have a single "(none)" row for it, which is no ranking at all. */
static void
add_ranking (JsonBuilder *b, const char *key, GPtrArray *rows, RankKind kind, gboolean available)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (guint i = 0; available && i < rows->len; i++)
    {
      const NdFactsRank *r = g_ptr_array_index (rows, i);

      json_builder_begin_object (b);
      switch (kind)
        {
        case RANK_MODEL:
          nd_cli_json_string (b, "model", r->key);
          break;
        case RANK_CHANNEL:
          nd_cli_json_int (b, "channel_id", r->id);
          nd_cli_json_string (b, "name", r->name);
          break;
        case RANK_USER:
          nd_cli_json_int (b, "user_id", r->id);
          nd_cli_json_string (b, "username", r->name);
          break;
        case RANK_TOKEN:
        default:
          nd_cli_json_int (b, "token_id", r->id);
          nd_cli_json_string (b, "name", r->name);
          break;
        }
      nd_cli_json_int (b, "requests", r->requests);
      nd_cli_json_int (b, "errors", r->errors);
      nd_cli_json_int (b, "quota", r->quota);
      nd_cli_json_int (b, "tokens", r->tokens);
      if (kind == RANK_CHANNEL || kind == RANK_MODEL)
        {
          nd_cli_json_double (b, "error_rate", r->requests > 0 ? (double) r->errors / r->requests : 0);
          add_latency (b, r);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

void
nd_cli_json_unavailable (JsonBuilder *b, const NdServerInfo *info)
{
  g_auto(GStrv) unavailable = nd_server_info_dup_unavailable_facts (info);

  json_builder_set_member_name (b, "unavailable");
  json_builder_begin_array (b);
  for (guint i = 0; unavailable[i] != NULL; i++)
    json_builder_add_string_value (b, unavailable[i]);
  json_builder_end_array (b);
}

void
nd_cli_json_money (JsonBuilder *b, const NdMoney *money)
{
  json_builder_set_member_name (b, "money");
  json_builder_begin_object (b);
  nd_cli_json_string (b, "display", nd_money_display_to_string (money->display));
  nd_cli_json_double (b, "quota_per_unit", money->quota_per_unit);
  nd_cli_json_string (b, "symbol", nd_money_symbol (money));
  json_builder_end_object (b);
}

/* A report's own facts: where the figures come from. */
static void
add_report (JsonBuilder *b, const NdReportMeta *meta)
{
  json_builder_set_member_name (b, "report");
  json_builder_begin_object (b);
  nd_cli_json_int (b, "format", meta->format);
  nd_cli_json_string (b, "instance", meta->instance);
  nd_cli_json_string (b, "newapi_version", meta->newapi_version);
  nd_cli_json_string (b, "source", meta->source_kind == ND_SOURCE_KIND_HTTP ? "http" : "pg");
  nd_cli_json_int (b, "from", meta->from);
  nd_cli_json_int (b, "to", meta->to);
  nd_cli_json_string (b, "time_zone", meta->tz_name);
  nd_cli_json_int (b, "created_at", meta->created_at);
  nd_cli_json_string (b, "app_version", meta->app_version);
  json_builder_end_object (b);
}

void
nd_cli_facts_build_json (JsonBuilder *b, const NdFactsReport *rep, const NdServerInfo *info,
                         const NdReportMeta *meta)
{
  const NdFactsOverview *ov = &rep->overview;
  const NdFactsGranularity *g = &rep->granularity;
  g_auto(GStrv) unavailable = nd_server_info_dup_unavailable_facts (info);
  gboolean has_users = !g_strv_contains ((const char * const *) unavailable, "users");

  json_builder_begin_object (b);

  /* What this source cannot give (NdServerInfo caps): never zeros. */
  nd_cli_json_unavailable (b, info);

  json_builder_set_member_name (b, "range");
  json_builder_begin_object (b);
  nd_cli_json_int (b, "from", ov->from);
  nd_cli_json_int (b, "to", ov->to);
  nd_cli_json_int (b, "bucket", ov->bucket);
  /* What users, channels, tokens and active users cover: whole local days
   * over the API (NewAPI's flow has no hour), else the range itself. */
  nd_cli_json_int (b, "dimensions_from", g->dims_from);
  nd_cli_json_int (b, "dimensions_to", g->dims_to);
  json_builder_end_object (b);

  /* The finest time each part is known at, in seconds. */
  json_builder_set_member_name (b, "granularity");
  json_builder_begin_object (b);
  nd_cli_json_int (b, "trend", g->trend);
  nd_cli_json_int (b, "models", g->models);
  nd_cli_json_int (b, "errors", g->errors);
  nd_cli_json_int (b, "channels", g->channels);
  nd_cli_json_int (b, "users", g->users);
  nd_cli_json_int (b, "tokens", g->tokens);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "sync");
  json_builder_begin_object (b);
  nd_cli_json_int (b, "last_sync", rep->last_sync);
  nd_cli_json_int (b, "cursor", rep->cursor);
  nd_cli_json_int (b, "log_rows", rep->log_rows);
  json_builder_end_object (b);

  nd_cli_json_money (b, info->money);

  json_builder_set_member_name (b, "overview");
  json_builder_begin_object (b);
  nd_cli_json_int (b, "requests", ov->requests);
  nd_cli_json_int (b, "errors", ov->errors);
  nd_cli_json_double (b, "success_rate", ov->success_rate);
  nd_cli_json_int (b, "quota", ov->quota);
  nd_cli_json_int (b, "prompt_tokens", ov->prompt_tokens);
  nd_cli_json_int (b, "completion_tokens", ov->completion_tokens);
  json_builder_set_member_name (b, "active_users");
  if (has_users)
    json_builder_add_int_value (b, ov->active_users);
  else
    json_builder_add_null_value (b);
  nd_cli_json_int (b, "today_requests", ov->today_requests);
  nd_cli_json_int (b, "today_quota", ov->today_quota);
  nd_cli_json_double (b, "avg_rpm", ov->avg_rpm);
  nd_cli_json_double (b, "avg_tpm", ov->avg_tpm);
  json_builder_end_object (b);

  add_ranking (b, "models", rep->models, RANK_MODEL, TRUE);
  add_ranking (b, "channels", rep->channels, RANK_CHANNEL,
               !g_strv_contains ((const char * const *) unavailable, "channels"));
  add_ranking (b, "users", rep->users, RANK_USER, has_users);
  add_ranking (b, "tokens", rep->tokens, RANK_TOKEN,
               !g_strv_contains ((const char * const *) unavailable, "tokens"));

  json_builder_set_member_name (b, "trend");
  json_builder_begin_array (b);
  for (guint i = 0; i < rep->trend->len; i++)
    {
      const NdFactsPoint *p = &g_array_index (rep->trend, NdFactsPoint, i);

      json_builder_begin_object (b);
      nd_cli_json_int (b, "start", p->start);
      nd_cli_json_int (b, "requests", p->requests);
      nd_cli_json_int (b, "errors", p->errors);
      nd_cli_json_int (b, "quota", p->quota);
      nd_cli_json_int (b, "tokens", p->tokens);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  if (meta != NULL)
    add_report (b, meta);
  json_builder_end_object (b);
}

gboolean
nd_cli_facts_range (NdCliOptions *o, gint64 now, NdFactsRange *range, GError **error)
{
  memset (range, 0, sizeof *range);
  if (!nd_cli_options_get_range (o, now, "24h", &range->from, &range->to, error))
    return FALSE;
  if (range->to == 0)
    range->to = now + 1;
  /* A named range is what the dashboard shows under that name: 7d and 30d
   * are whole local days ending today. */
  if (o->range != NULL || (o->from_text == NULL && o->to_text == NULL))
    nd_facts_range_preset (range, o->range ? o->range : "24h", now);
  range->now = now;
  range->tz_offset = G_MININT;
  return TRUE;
}

NdFacts *
nd_cli_facts_open (NdSource *source, const char *path, const NdFactsRange *range,
                   gboolean no_sync, gboolean progress, GError **error)
{
  g_autoptr(NdFacts) facts = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autofree char *default_path = NULL;
  StatsProgress p = { 0 };

  if (path == NULL)
    {
      /* The same file the window uses for this gateway. */
      g_autofree char *key = nd_facts_key_for_server (nd_source_get_info (source));

      if (key == NULL)
        {
          g_set_error (error, ND_ERROR, ND_ERROR_PROTOCOL,
                       _("Could not tell which gateway this is; choose a facts file with --facts"));
          return NULL;
        }
      path = default_path = nd_facts_default_path (key);
    }
  facts = nd_facts_new (path);
  /* Over the API only the days of the range are asked for (PostgreSQL
   * syncs every new log row anyway). */
  nd_facts_set_range (facts, range->from, range->to);
  if (no_sync)
    return g_steal_pointer (&facts);
  p.tty = progress && isatty (fileno (stderr));
  nd_facts_sync_async (facts, source, progress_cb, &p, NULL, nd_cli_store_result, &res);
  nd_cli_wait (&res);
  if (nd_facts_sync_finish (facts, res, error) < 0)
    return NULL;
  return g_steal_pointer (&facts);
}

NdFactsReport *
nd_cli_facts_query (NdFacts *facts, const NdFactsRange *range, GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  nd_facts_query_async (facts, range, NULL, nd_cli_store_result, &res);
  nd_cli_wait (&res);
  return nd_facts_query_finish (facts, res, error);
}
