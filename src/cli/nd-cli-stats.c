/* nd-cli-stats.c — `newapi-desk stats`: sync the facts, print the figures
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The --json output is a public interface for scripts (README, "stats
 * JSON"): quota in raw quota units, times in unix seconds, the range
 * half-open [from, to) and rounded out to whole hours (facts are hourly).
 * Keys may be added, never renamed or removed.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "facts/nd-facts.h"
#include "http/nd-http-source.h"
#include "nd-cli.h"
#include "nd-cli-common.h"
#include "nd-time.h"

#define CMD "stats"

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

static void
add_int (JsonBuilder *b, const char *key, gint64 v)
{
  json_builder_set_member_name (b, key);
  json_builder_add_int_value (b, v);
}

static void
add_double (JsonBuilder *b, const char *key, double v)
{
  json_builder_set_member_name (b, key);
  json_builder_add_double_value (b, v);
}

static void
add_string (JsonBuilder *b, const char *key, const char *v)
{
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, v);
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
          add_string (b, "model", r->key);
          break;
        case RANK_CHANNEL:
          add_int (b, "channel_id", r->id);
          add_string (b, "name", r->name);
          break;
        case RANK_USER:
          add_int (b, "user_id", r->id);
          add_string (b, "username", r->name);
          break;
        case RANK_TOKEN:
        default:
          add_int (b, "token_id", r->id);
          add_string (b, "name", r->name);
          break;
        }
      add_int (b, "requests", r->requests);
      add_int (b, "errors", r->errors);
      add_int (b, "quota", r->quota);
      add_int (b, "tokens", r->tokens);
      if (kind == RANK_CHANNEL || kind == RANK_MODEL)
        {
          add_double (b, "error_rate", r->requests > 0 ? (double) r->errors / r->requests : 0);
          add_latency (b, r);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static char *
report_to_json (const NdFactsReport *rep, const NdServerInfo *info)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const NdFactsOverview *ov = &rep->overview;
  const NdFactsGranularity *g = &rep->granularity;
  g_auto(GStrv) unavailable = nd_server_info_dup_unavailable_facts (info);
  gboolean has_users = !g_strv_contains ((const char * const *) unavailable, "users");

  json_builder_begin_object (b);

  /* What this source cannot give (NdServerInfo caps): never zeros. */
  json_builder_set_member_name (b, "unavailable");
  json_builder_begin_array (b);
  for (guint i = 0; unavailable[i] != NULL; i++)
    json_builder_add_string_value (b, unavailable[i]);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "range");
  json_builder_begin_object (b);
  add_int (b, "from", ov->from);
  add_int (b, "to", ov->to);
  add_int (b, "bucket", ov->bucket);
  /* What users, channels, tokens and active users cover: whole local days
   * over the API (NewAPI's flow has no hour), else the range itself. */
  add_int (b, "dimensions_from", g->dims_from);
  add_int (b, "dimensions_to", g->dims_to);
  json_builder_end_object (b);

  /* The finest time each part is known at, in seconds. */
  json_builder_set_member_name (b, "granularity");
  json_builder_begin_object (b);
  add_int (b, "trend", g->trend);
  add_int (b, "models", g->models);
  add_int (b, "errors", g->errors);
  add_int (b, "channels", g->channels);
  add_int (b, "users", g->users);
  add_int (b, "tokens", g->tokens);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "sync");
  json_builder_begin_object (b);
  add_int (b, "last_sync", rep->last_sync);
  add_int (b, "cursor", rep->cursor);
  add_int (b, "log_rows", rep->log_rows);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "money");
  json_builder_begin_object (b);
  add_string (b, "display", nd_money_display_to_string (info->money->display));
  add_double (b, "quota_per_unit", info->money->quota_per_unit);
  add_string (b, "symbol", nd_money_symbol (info->money));
  json_builder_end_object (b);

  json_builder_set_member_name (b, "overview");
  json_builder_begin_object (b);
  add_int (b, "requests", ov->requests);
  add_int (b, "errors", ov->errors);
  add_double (b, "success_rate", ov->success_rate);
  add_int (b, "quota", ov->quota);
  add_int (b, "prompt_tokens", ov->prompt_tokens);
  add_int (b, "completion_tokens", ov->completion_tokens);
  json_builder_set_member_name (b, "active_users");
  if (has_users)
    json_builder_add_int_value (b, ov->active_users);
  else
    json_builder_add_null_value (b);
  add_int (b, "today_requests", ov->today_requests);
  add_int (b, "today_quota", ov->today_quota);
  add_double (b, "avg_rpm", ov->avg_rpm);
  add_double (b, "avg_tpm", ov->avg_tpm);
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
      add_int (b, "start", p->start);
      add_int (b, "requests", p->requests);
      add_int (b, "errors", p->errors);
      add_int (b, "quota", p->quota);
      add_int (b, "tokens", p->tokens);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

static char *
format_time (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (t);

  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

static void
print_ranking (GString *out, const char *title, GPtrArray *rows, const NdMoney *money, guint limit,
               gboolean available)
{
  g_string_append_printf (out, "\n%s\n", title);
  if (!available)
    {
      g_string_append_printf (out, "  %s\n", _("(not available from this source: connect the database)"));
      return;
    }
  if (rows->len == 0)
    {
      g_string_append_printf (out, "  %s\n", _("(nothing in this range)"));
      return;
    }
  for (guint i = 0; i < rows->len && i < limit; i++)
    {
      const NdFactsRank *r = g_ptr_array_index (rows, i);
      g_autofree char *q = nd_money_format (money, r->quota);
      g_autofree char *name = g_utf8_strlen (r->name, -1) > 32
        ? g_strconcat (g_utf8_substring (r->name, 0, 31), "…", NULL) : g_strdup (r->name);

      glong width = g_utf8_strlen (name, -1);

      /* Pad by characters, not bytes: names are often CJK. */
      g_string_append_printf (out, "  %s%*s %10" G_GINT64_FORMAT " %s  %6" G_GINT64_FORMAT " %s  %12s",
                              name, (int) MAX (34 - width, 0), "", r->requests, _("req"),
                              r->errors, _("err"), q);
      if (r->p50 >= 0)
        g_string_append_printf (out, "  p50 %.1fs p95 %.1fs", r->p50, r->p95);
      g_string_append_c (out, '\n');
    }
  if (rows->len > limit)
    g_string_append_printf (out, "  %s\n", _("…"));
}


/* Pads by display width, not bytes: a Chinese label is two columns a
 * character, and printf's %-22s would push its value out of line. */
static void G_GNUC_PRINTF (3, 4)
append_row (GString *out, const char *label, const char *format, ...)
{
  va_list args;
  int width = 0;

  for (const char *p = label; *p; p = g_utf8_next_char (p))
    width += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  g_string_append (out, label);
  for (; width < 23; width++)
    g_string_append_c (out, ' ');
  va_start (args, format);
  g_string_append_vprintf (out, format, args);
  va_end (args);
  g_string_append_c (out, '\n');
}

static char *
report_to_text (const NdFactsReport *rep, const NdServerInfo *info, guint limit)
{
  const NdFactsOverview *ov = &rep->overview;
  const NdMoney *money = info->money;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *from = format_time (ov->from);
  g_autofree char *to = format_time (ov->to);
  g_autofree char *quota = nd_money_format (money, ov->quota);
  g_autofree char *today_quota = nd_money_format (money, ov->today_quota);
  g_autofree char *synced = rep->last_sync ? format_time (rep->last_sync) : g_strdup (_("never"));

  g_string_append_printf (out, "%s %s – %s (%s %s)\n", _("Range:"), from, to, _("synced"), synced);
  if (rep->granularity.users >= ND_TIME_DAY)
    {
      g_autofree char *dims_from = format_time (rep->granularity.dims_from);
      g_autofree char *dims_to = format_time (rep->granularity.dims_to);

      g_string_append_printf (out, _("Users, channels and tokens by whole days: %s – %s\n"),
                              dims_from, dims_to);
    }
  if (nd_server_info_get_facts_caveat (info) != NULL)
    g_string_append_printf (out, "%s\n", nd_server_info_get_facts_caveat (info));
  g_string_append_c (out, '\n');
  append_row (out, _("Requests"), "%" G_GINT64_FORMAT, ov->requests);
  append_row (out, _("Errors"), "%" G_GINT64_FORMAT, ov->errors);
  append_row (out, _("Success rate"), "%.2f %%", ov->success_rate * 100);
  append_row (out, _("Quota used"), "%s", quota);
  if (nd_server_info_has (info, ND_CAP_FACTS_TOKEN_SPLIT))
    append_row (out, _("Prompt / completion"), "%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT,
                ov->prompt_tokens, ov->completion_tokens);
  else
    append_row (out, _("Tokens (in + out)"), "%" G_GINT64_FORMAT,
                ov->prompt_tokens + ov->completion_tokens);
  if (nd_server_info_has (info, ND_CAP_FACTS_USER))
    append_row (out, _("Active users"), "%" G_GINT64_FORMAT, ov->active_users);
  else
    append_row (out, _("Active users"), "%s", _("(not available)"));
  append_row (out, _("Today"), "%" G_GINT64_FORMAT " / %s", ov->today_requests, today_quota);
  append_row (out, _("Average RPM / TPM"), "%.2f / %.0f", ov->avg_rpm, ov->avg_tpm);

  print_ranking (out, _("Models"), rep->models, money, limit, TRUE);
  print_ranking (out, _("Channels"), rep->channels, money, limit,
                 nd_server_info_has (info, ND_CAP_FACTS_CHANNEL));
  print_ranking (out, _("Users"), rep->users, money, limit,
                 nd_server_info_has (info, ND_CAP_FACTS_USER));
  print_ranking (out, _("Tokens"), rep->tokens, money, limit,
                 nd_server_info_has (info, ND_CAP_FACTS_TOKEN));

  g_string_append_printf (out, "\n%s\n", _("Trend"));
  for (guint i = 0; i < rep->trend->len; i++)
    {
      const NdFactsPoint *p = &g_array_index (rep->trend, NdFactsPoint, i);
      g_autofree char *start = format_time (p->start);
      g_autofree char *q = nd_money_format (money, p->quota);

      g_string_append_printf (out, "  %s  %10" G_GINT64_FORMAT " %s  %6" G_GINT64_FORMAT " %s  %12s\n",
                              start, p->requests, _("req"), p->errors, _("err"), q);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* -v: the rate limit NewAPI's API shares with the admin's browser is the
 * cost that matters there (every request of this run, probe included). */
static void
print_cost (NdSource *source, const char *facts_path)
{
  if (ND_IS_HTTP_SOURCE (source))
    {
      guint n = nd_http_client_get_n_requests (nd_http_source_get_client (ND_HTTP_SOURCE (source)));

      fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "%u request to NewAPI\n",
                                    "%u requests to NewAPI\n", n), n);
    }
  fprintf (stderr, _("Facts file: %s\n"), facts_path);
}

static int
stats_run (NdCliOptions *o, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NdSource) source = NULL;
  g_autoptr(NdFacts) facts = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(NdFactsReport) rep = NULL;
  g_autofree char *facts_path = NULL;
  g_autofree char *out = NULL;
  gboolean json = FALSE, no_sync = FALSE, verbose = FALSE;
  int top = 0;
  NdFactsRange range = { 0 };
  StatsProgress progress = { 0 };
  gint64 now = nd_time_now ();
  NdServerInfo *info;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (raw quota units, unix seconds)"), NULL },
    { "facts", 0, 0, G_OPTION_ARG_FILENAME, &facts_path,
      N_("Facts file to use (default: one per gateway in the user data folder)"), "FILE" },
    { "top", 0, 0, G_OPTION_ARG_INT, &top, N_("Rows per ranking (default: all in JSON, 10 in text)"), "N" },
    { "no-sync", 0, 0, G_OPTION_ARG_NONE, &no_sync, N_("Print what the facts file has without syncing"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      N_("Say on stderr what the sync cost (requests to NewAPI's API)"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Syncs the local facts store from NewAPI and prints the "
                                           "dashboard figures: overview, models, channels, users, "
                                           "tokens and the trend."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  nd_cli_options_add (o, context, TRUE, FALSE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return nd_cli_fail (CMD, error, 2);
  if (argc > 1)
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("Unexpected argument “%s”"), argv[1]);
      return nd_cli_fail (CMD, error, 2);
    }
  if (top < 0)
    {
      g_set_error (&error, ND_ERROR, ND_ERROR_INVALID_INPUT, _("--top must not be negative"));
      return nd_cli_fail (CMD, error, 2);
    }
  if (!nd_cli_options_get_range (o, now, "24h", &range.from, &range.to, &error))
    return nd_cli_fail (CMD, error, 2);
  if (range.to == 0)
    range.to = now + 1;
  /* A named range is what the dashboard shows under that name: 7d and 30d
   * are whole local days ending today. */
  if (o->range != NULL || (o->from_text == NULL && o->to_text == NULL))
    nd_facts_range_preset (&range, o->range ? o->range : "24h", now);
  range.now = now;
  range.tz_offset = G_MININT;
  range.top_n = (guint) top;

  source = nd_cli_connect (o, &error);
  if (source == NULL)
    return nd_cli_fail (CMD, error, g_error_matches (error, ND_ERROR, ND_ERROR_INVALID_INPUT) ? 2 : 1);
  info = nd_source_get_info (source);

  if (facts_path == NULL)
    {
      /* The same file the window uses for this gateway. */
      g_autofree char *key = nd_facts_key_for_server (info);

      if (key == NULL)
        {
          g_set_error (&error, ND_ERROR, ND_ERROR_PROTOCOL,
                       _("Could not tell which gateway this is; choose a facts file with --facts"));
          return nd_cli_fail (CMD, error, 1);
        }
      facts_path = nd_facts_default_path (key);
    }
  facts = nd_facts_new (facts_path);
  /* Over the API only the days of the range are asked for (PostgreSQL
   * syncs every new log row anyway). */
  nd_facts_set_range (facts, range.from, range.to);

  if (!no_sync)
    {
      progress.tty = isatty (fileno (stderr)) && !json;
      nd_facts_sync_async (facts, source, progress_cb, &progress, NULL, nd_cli_store_result, &res);
      nd_cli_wait (&res);
      if (nd_facts_sync_finish (facts, res, &error) < 0)
        return nd_cli_fail (CMD, error, 1);
      g_clear_object (&res);
    }

  nd_facts_query_async (facts, &range, NULL, nd_cli_store_result, &res);
  nd_cli_wait (&res);
  rep = nd_facts_query_finish (facts, res, &error);
  if (rep == NULL)
    return nd_cli_fail (CMD, error, 1);

  if (verbose)
    print_cost (source, facts_path);
  out = json ? report_to_json (rep, info) : report_to_text (rep, info, top > 0 ? (guint) top : 10);
  fputs (out, stdout);
  if (json)
    fputc ('\n', stdout);
  nd_source_close (source);
  return fflush (stdout) == 0 ? 0 : 1;
}

int
nd_cli_stats (int argc, char **argv)
{
  NdCliOptions opts = { 0 };
  int status = stats_run (&opts, argc, argv);

  nd_cli_options_clear (&opts);
  return status;
}
